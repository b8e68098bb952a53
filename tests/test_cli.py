"""The ``archive`` command line as a whole: help, and the build command."""

from __future__ import annotations

from pathlib import Path

import click
from click.testing import CliRunner

from archive.cli import COMMANDS, main


def test_help_lists_every_subcommand_with_a_description() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    listed = result.output.split("Commands:")[1].strip().splitlines()
    names = [line.split()[0] for line in listed]
    assert names == sorted(name for name, _, _ in COMMANDS)
    with click.Context(main) as ctx:
        assert [main.get_command(ctx, n).name for n in names] == names  # type: ignore[union-attr]
    for line in listed:
        assert len(line.split(maxsplit=1)) == 2, f"no description: {line!r}"
        assert not line.rstrip().endswith("..."), f"description cut: {line!r}"


def test_build_writes_the_site(archive_dir: Path) -> None:
    result = CliRunner().invoke(main, ["--root", str(archive_dir), "build"])
    assert result.exit_code == 0, result.output
    assert (archive_dir / "site" / "articles" / "000_02dc7bcb46da7aac" / "index.html").is_file()


def test_build_fails_cleanly_on_bad_input(archive_dir: Path) -> None:
    (archive_dir / "seeds" / "broken.txt").write_bytes("درعا".encode("cp1256"))
    result = CliRunner().invoke(main, ["--root", str(archive_dir), "build"])
    assert result.exit_code != 0
    assert "seeds/broken.txt" in result.output
    assert "Traceback" not in result.output


def test_search_csv_export(indexed_root: Path, tmp_path: Path) -> None:
    """``archive search --csv``: rank,id,date,title,source,score,url of the results shown, with
    the same order and scores as ``--json``; BOM, CRLF."""
    import csv
    import json
    from urllib.parse import parse_qs, urlsplit

    base = ["--root", str(indexed_root), "search", "قصف", "--limit", "3"]
    data = json.loads(CliRunner().invoke(main, [*base, "--json"]).stdout)
    out = tmp_path / "r.csv"
    result = CliRunner().invoke(main, [*base, "--csv", "--out", str(out)])
    assert result.exit_code == 0 and str(out) in result.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfrank,id,date,title,source,score,url\r\n")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert [r["id"] for r in rows] == [r["id"] for r in data["results"]]
    assert [int(r["rank"]) for r in rows] == list(range(1, len(rows) + 1))
    for row, res in zip(rows, data["results"], strict=True):
        assert float(row["score"]) == res["score"] and row["title"] == res["title"]
        assert row["source"] == (res["source"] or "")
        assert parse_qs(urlsplit(row["url"]).query)["h"] == [",".join(res["matched"])]
    both = CliRunner().invoke(main, [*base, "--csv", "--json"])
    assert both.exit_code == 2
