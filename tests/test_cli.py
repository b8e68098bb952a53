"""The ``archive`` command line as a whole: help, and the build command."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from archive.cli import COMMANDS, main


def test_help_lists_every_subcommand_with_a_description() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    listed = result.output.split("Commands:")[1].strip().splitlines()
    names = {line.split()[0] for line in listed}
    assert names == {main.commands[n].name for n in main.commands}
    assert len(names) == len(COMMANDS)
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
