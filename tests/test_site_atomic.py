"""A build that fails midway leaves the previous site/ exactly as it was."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest


def snapshot(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def mkdocs_build(root: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", *extra],
        cwd=root, capture_output=True, text=True, timeout=300,
    )


@pytest.fixture
def built(archive_dir: Path) -> tuple[Path, dict[str, str]]:
    proc = mkdocs_build(archive_dir)
    assert proc.returncode == 0, proc.stderr
    site = archive_dir / "site"
    return archive_dir, snapshot(site)


FAIL_WHILE_RENDERING = """
import sys
from mkdocs.__main__ import cli
import archive.site.render as render

original = render.Site.render
def render_then_fail(self, spec, url, **kw):
    if spec.key.startswith("article:"):
        raise RuntimeError("disk full (simulated)")
    return original(self, spec, url, **kw)
render.Site.render = render_then_fail
sys.argv = ["mkdocs", "build", "--strict"]
cli()
"""


def test_exception_while_rendering_keeps_previous_site(built) -> None:  # type: ignore[no-untyped-def]
    root, before = built
    (root / "seeds" / "005_new.txt").write_text("مقال جديد عن درعا.\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", FAIL_WHILE_RENDERING], cwd=root,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0
    assert "disk full (simulated)" in proc.stderr
    assert snapshot(root / "site") == before
    assert not (root / "site.partial").exists()


def test_strict_warning_keeps_previous_site(built) -> None:  # type: ignore[no-untyped-def]
    root, before = built
    (root / "docs" / "broken.md").write_text("[x](missing.md)\n", encoding="utf-8")
    proc = mkdocs_build(root)
    assert proc.returncode != 0
    assert "missing.md" in proc.stderr
    assert snapshot(root / "site") == before


def test_successful_build_replaces_site(built) -> None:  # type: ignore[no-untyped-def]
    root, before = built
    (root / "seeds" / "005_new.txt").write_text("مقال جديد عن درعا.\n", encoding="utf-8")
    proc = mkdocs_build(root)
    assert proc.returncode == 0, proc.stderr
    after = snapshot(root / "site")
    assert "articles/005_new/index.html" in after
    assert not (root / "site.partial").exists()
    # the site swapped out is kept, as it was, for the next build to be made in
    # (archive.site.staging)
    assert snapshot(root / "site.previous") == before


def test_warnings_are_summarised_once_per_build(archive_dir: Path) -> None:
    for name in ("010_a.txt", "011_b.txt"):
        (archive_dir / "seeds" / name).write_text(
            "---\ntitle: تجربة\nfoo: 1\n---\nنص عن درعا.\n", encoding="utf-8"
        )
    proc = mkdocs_build(archive_dir)
    assert proc.returncode == 0, proc.stderr  # warnings do not fail a strict build
    log = proc.stderr
    assert log.count("input warning(s)") == 1
    summary = [line for line in log.splitlines() if "unknown front-matter key 'foo'" in line]
    assert len(summary) == 1  # one line for the kind, naming both files
    assert "seeds/010_a.txt:3" in summary[0] and "seeds/011_b.txt:3" in summary[0]
    assert "7 undated article(s)" in log
