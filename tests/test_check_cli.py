"""``archive check`` through the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.checks import collect_problems
from archive.cli import main
from archive.config import Paths

REPO = Path(__file__).resolve().parents[1]
GOOD = "قال الناشط محمد الحوراني، لـ\"العربي الجديد\"، إنّ اشتباكات وقعت في درعا البلد.\n"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "good.txt").write_text(GOOD, encoding="utf-8")
    return tmp_path


def run(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--root", str(root), "check", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.output


def test_real_seeds_are_clean() -> None:
    code, out = run(REPO)
    assert code == 0, out
    assert "error" not in out.lower().replace("no errors", "")


def test_clean_archive_exits_zero(root: Path) -> None:
    assert run(root) == (0, "ok: no errors\n")


def test_every_bad_file_is_listed_one_line_each(root: Path) -> None:
    seeds = root / "seeds"
    (seeds / "cp.txt").write_bytes("خبر\n".encode() + "درعا".encode("cp1256"))
    (seeds / "u16.txt").write_bytes(GOOD.encode("utf-16"))
    (seeds / "empty.txt").write_bytes(b"")
    (seeds / "bin.txt").write_bytes(b"\x00\x01\x02")
    (seeds / "y.md").write_text(f"---\ntitle: ok\nsource: a: b\n---\n{GOOD}", encoding="utf-8")
    (seeds / "list.md").write_text(f"---\n- a\n---\n{GOOD}", encoding="utf-8")
    (seeds / "d.md").write_text(f"---\ndate: 2021-02-30\n---\n{GOOD}", encoding="utf-8")
    (seeds / "a.txt").write_text(GOOD, encoding="utf-8")
    (seeds / "a.md").write_text(GOOD, encoding="utf-8")
    code, out = run(root)
    assert code == 1
    errors = [line for line in out.splitlines() if line.startswith("error: ")]
    starts = sorted(line.split(": ")[1] for line in errors)
    assert starts == sorted([
        "seeds/a.md", "seeds/a.txt", "seeds/bin.txt:1", "seeds/cp.txt:2", "seeds/d.md:2",
        "seeds/empty.txt", "seeds/list.md:2", "seeds/u16.txt:1", "seeds/y.md:3",
    ])
    assert all(" — " in line for line in errors)  # each says what to do
    by_file = {line.split(": ")[1].split(":")[0]: line for line in errors}
    assert "iconv -f cp1256 -t utf-8" in by_file["seeds/cp.txt"]
    assert "UTF-16" in by_file["seeds/u16.txt"]
    assert "not valid YAML" in by_file["seeds/y.md"]
    assert "2021-02-30" in by_file["seeds/d.md"]
    assert "Traceback" not in out
    assert out.rstrip().endswith("fix them and run 'archive check' again")


def test_warnings_are_summarised_once_and_do_not_fail(root: Path) -> None:
    for i in range(5):
        (root / "seeds" / f"x{i}.md").write_text(
            f"---\neditor: someone\n---\n{GOOD}", encoding="utf-8"
        )
    code, out = run(root)
    assert code == 0
    warning_lines = [line for line in out.splitlines() if "warning:" in line]
    assert len(warning_lines) == 1
    assert "seeds/x0.md:2, seeds/x1.md:2, seeds/x2.md:2 and 2 more" in warning_lines[0]
    assert "'editor'" in warning_lines[0]
    assert run(root, "--strict")[0] == 1


def test_collect_problems_is_sorted_and_deterministic(root: Path) -> None:
    (root / "seeds" / "z.txt").write_bytes(b"")
    (root / "seeds" / "b.md").write_text("---\nfoo: 1\n---\nنص.\n", encoding="utf-8")
    problems = collect_problems(Paths(root))
    assert [p.path for p in problems] == ["seeds/b.md", "seeds/z.txt"]
    assert [p.severity for p in problems] == ["warning", "error"]
    assert collect_problems(Paths(root)) == problems
