"""A rebuild is made in the site the previous build swapped out (``site.previous``,
archive.site.staging): the result is the same file set and bytes as a build into an empty
folder, whatever that tree holds, and the live site is never written through."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import mkdocs_build

UNSTAMP = re.compile(rb"<lastmod>[^<]*</lastmod>")
STAMPED = {"sitemap.xml", "sitemap.xml.gz"}  # the build's date: compared without it


def _build(root: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return mkdocs_build(root, "--strict", *extra, timeout=300)


def _ok(root: Path) -> str:
    proc = _build(root)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    return proc.stderr


def _tree(site: Path) -> dict[str, bytes]:
    """Every file (and symbolic link) under ``site`` with its bytes; empty folders as ''."""
    out: dict[str, bytes] = {}
    for p in sorted(site.rglob("*")):
        rel = p.relative_to(site).as_posix()
        if p.is_symlink():
            out[rel] = b"symlink"
        elif p.is_file():
            data = p.read_bytes()
            out[rel] = UNSTAMP.sub(b"", data) if rel == "sitemap.xml" else data
        elif p.is_dir() and not any(p.iterdir()):
            out[rel + "/"] = b""
    out.pop("sitemap.xml.gz", None)  # gzip of sitemap.xml (compared above)
    return out


def _cold(root: Path, tmp: Path) -> dict[str, bytes]:
    """The site a build from scratch makes of ``root``'s seeds/ and docs/."""
    cold = tmp / "cold"
    if cold.exists():
        shutil.rmtree(cold)
    cold.mkdir()
    for name in ("seeds", "docs"):
        shutil.copytree(root / name, cold / name)
    shutil.copy(root / "mkdocs.yml", cold / "mkdocs.yml")
    _ok(cold)
    return _tree(cold / "site")


def _kept(log: str) -> tuple[int, int]:
    m = re.search(r"built in the previous site: (\d+) of its files kept, (\d+) deleted", log)
    assert m, log[-2000:]
    return int(m.group(1)), int(m.group(2))


NEW_ARTICLE = "---\ntitle: مقال مضاف\ndate: 2021-05-05\n---\nافتتحت الجامعة كلية جديدة في درعا.\n"


def test_rebuilds_in_the_previous_site_equal_cold_builds(archive_dir: Path,
                                                         tmp_path: Path) -> None:
    root = archive_dir
    site, previous = root / "site", root / "site.previous"
    with open(root / "mkdocs.yml", "a", encoding="utf-8") as fh:
        fh.write("\nnot_in_nav: /extra.md\n")  # the docs page added below
    _ok(root)
    assert not previous.exists()  # the first build: nothing swapped out
    _ok(root)  # into a new folder (no previous tree yet); the first site is kept
    assert previous.is_dir() and not (root / "site.partial").exists()

    # one article added: built in the first site's tree
    (root / "seeds" / "009_added.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    live = _tree(site)
    log = _ok(root)
    kept, _removed = _kept(log)
    assert kept > 0
    assert _tree(site) == _cold(root, tmp_path)
    assert "articles/009_added/index.html" in _tree(site)
    # the site swapped out is exactly the one that was live: never written through, though
    # it shares the stored pages' files with the tree the build was made in
    assert _tree(previous) == live

    # the article deleted again, a docs page added: no page of the article is left
    (root / "seeds" / "009_added.txt").unlink()
    (root / "docs" / "extra.md").write_text("# صفحة إضافية\n\nنص.\n", encoding="utf-8")
    _ok(root)
    now = _tree(site)
    assert now == _cold(root, tmp_path)
    assert not any(k.startswith(("articles/009_added", "raw/009_added")) for k in now)

    # the docs page removed; the tree the build is made in was tampered with by hand: a
    # stray file, an empty folder, a stored page replaced by other bytes, a raw text edited
    # through its hard link is not possible (build/ would change), so a copy replaces it
    (root / "docs" / "extra.md").unlink()
    (previous / "stray.txt").write_text("x", encoding="utf-8")
    (previous / "articles" / "stray").mkdir(parents=True)
    pages = sorted(previous.glob("articles/*/index.html"))
    assert pages
    pages[0].unlink()
    pages[0].write_text("not the page", encoding="utf-8")
    raws = sorted(previous.glob("raw/*.txt"))
    assert raws
    raws[0].unlink()
    raws[0].write_text("not the text", encoding="utf-8")
    live = _tree(site)
    _ok(root)
    now = _tree(site)
    assert now == _cold(root, tmp_path)
    assert "extra/index.html" not in now and "stray.txt" not in now
    assert _tree(previous) == live

    # nothing changed: still the same
    _ok(root)
    assert _tree(site) == now


FAIL_IN_ON_FILES = """
import sys
from mkdocs.__main__ import cli
import archive.site.plugin as plugin

def fail(self, *a, **kw):
    raise RuntimeError("disk full (simulated)")
plugin.ArchivePlugin._add_raw_texts = fail
sys.argv = ["mkdocs", "build", "--strict"]
cli()
"""


def test_failed_builds_keep_the_site_and_the_next_build_is_exact(archive_dir: Path,
                                                                 tmp_path: Path) -> None:
    root = archive_dir
    _ok(root)
    _ok(root)
    before = _tree(root / "site")
    assert (root / "site.previous").is_dir()
    (root / "seeds" / "009_added.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    # an exception before the previous tree is put back (it is still in the hidden folder),
    # twice, then a strict build aborted by a warning after every page is written
    for _ in range(2):
        proc = subprocess.run([sys.executable, "-c", FAIL_IN_ON_FILES], cwd=root,
                              capture_output=True, text=True, timeout=300,
                              env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        assert proc.returncode != 0 and "disk full (simulated)" in proc.stderr
        assert _tree(root / "site") == before
        assert not (root / "site.partial").exists()
        assert (root / "site.previous").is_dir()
        assert not (root / "site.previous" / ".archive-kept").exists()
    (root / "docs" / "broken.md").write_text("[x](missing.md)\n", encoding="utf-8")
    proc = _build(root)
    assert proc.returncode != 0 and "missing.md" in proc.stderr
    assert _tree(root / "site") == before
    assert not (root / "site.partial").exists() and (root / "site.previous").is_dir()
    # the next build is made in what the aborted one left: still exact
    (root / "docs" / "broken.md").unlink()
    _ok(root)
    assert _tree(root / "site") == _cold(root, tmp_path)


def test_interrupted_build_leaves_a_staging_folder_that_is_taken_back(
        archive_dir: Path, tmp_path: Path) -> None:
    root = archive_dir
    _ok(root)
    _ok(root)
    # killed between the begin and the restore: the previous tree is in the hidden folder
    partial = root / "site.partial"
    partial.mkdir()
    (root / "site.previous").rename(partial / ".archive-kept")
    (partial / "junk.html").write_text("half written", encoding="utf-8")
    (root / "seeds" / "009_added.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    log = _ok(root)
    assert _kept(log)[0] > 0
    assert not partial.exists()
    assert _tree(root / "site") == _cold(root, tmp_path)
