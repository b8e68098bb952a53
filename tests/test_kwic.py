"""``archive kwic``: concordance lines, alignment, modes and the CSV export."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.analysis import analyze_word
from archive.cli import main
from archive.config import Paths
from archive.pipeline import analyze_corpus, load
from archive.search.kwic import display_width, format_lines

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def root(indexed_root: Path) -> Path:
    return indexed_root


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--root", str(root), "kwic", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def test_every_occurrence_of_the_root_in_order(root: Path) -> None:
    query_root = analyze_word("قصفوا")[2]
    expected = [(aa.article.id, t.position, t.form)
                for aa in analyze_corpus(load(Paths(root)))
                for t in aa.body_tokens if t.root == query_root]
    assert len(expected) >= 8
    out = root / "k.csv"
    code, _, err = run(root, "قصفوا", "--csv", str(out))
    assert code == 0 and f"{len(expected)} occurrence" in err
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets then read UTF-8 Arabic
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert list(rows[0]) == ["id", "date", "title", "left", "keyword", "right", "position",
                             "url"]
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")  # CRLF line ends
    assert [(r["id"], int(r["position"]), r["keyword"]) for r in rows] == sorted(expected)
    texts = {p.stem: " ".join(p.read_text(encoding="utf-8").split())
             for p in (root / "seeds").glob("*.txt")}
    for r in rows:
        t = texts[r["id"]]
        assert f"{r['left']} {r['keyword']}" in t or f"{r['left']}{r['keyword']}" in t


def test_modes_restrict_to_stem_or_form(root: Path) -> None:
    exact = run(root, "--mode", "exact", "قصفت")[1].splitlines()
    assert exact and all("قصفت" in line for line in exact)
    assert len(exact) < len(run(root, "قصفت")[1].splitlines())


def test_lines_are_aligned_on_the_keyword(root: Path) -> None:
    code, out, _ = run(root, "--width", "30", "--mode", "stem", "المفاوضات")
    lines = out.splitlines()
    assert code == 0 and len(lines) >= 4
    run(root, "--width", "30", "--mode", "stem", "المفاوضات", "--csv", str(root / "a.csv"))
    rows = list(csv.DictReader((root / "a.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == len(lines)
    columns = set()
    for line, r in zip(lines, rows, strict=True):
        assert line.startswith(r["id"])
        i = line.index(f"{r['left']}  {r['keyword']}")
        columns.add(display_width(line[:i]) + display_width(r["left"]))
    assert len(columns) == 1  # left context right-aligned: every keyword starts in one column


def test_format_lines_right_aligns_left_context() -> None:
    from archive.search.kwic import Line

    lines = format_lines([Line("a", 1, "قصير", "كلمة", "بعد"),
                          Line("bb", 22, "سياق أطول بكثير", "كلمة", "بعد")], width=20)
    starts = {display_width(ln[:ln.index("كلمة")]) for ln in lines}
    assert len(starts) == 1


def test_bad_term_exits_2(root: Path) -> None:
    code, out, err = run(root, "قصف OR درعا")
    assert code == 2 and "kwic" in err and "Traceback" not in err
    code, _, err = run(root, 'قصف "')
    assert code == 2 and "query error" in err


def test_csv_rows_name_the_article_and_link_to_the_highlighted_word(root: Path) -> None:
    from urllib.parse import parse_qs, unquote, urlsplit

    from archive.pipeline import load

    titles = {a.id: a.title for a in load(Paths(root)).articles}
    out = root / "t.csv"
    assert run(root, "قصفوا", "--csv", str(out))[0] == 0
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows
    for r in rows:
        assert r["title"] == titles[r["id"]] and r["date"] == ""  # the seeds are undated
        parts = urlsplit(r["url"])
        assert unquote(parts.path) == f"articles/{r['id']}/"
        assert parse_qs(parts.query)["h"] == [r["keyword"]]


def test_json_lines_are_the_csv_rows(root: Path) -> None:
    import json

    out = root / "j.csv"
    run(root, "قصفوا", "--csv", str(out))
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    code, text, _ = run(root, "قصفوا", "--json")
    data = json.loads(text)
    assert code == 0 and data["total"] == len(rows) == len(data["lines"])
    assert [{k: str(v) if v is not None else "" for k, v in ln.items()} for ln in data["lines"]
            ] == rows
