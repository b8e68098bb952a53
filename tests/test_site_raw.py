"""The articles' raw texts (site/raw/<id>.txt) are kept in build/raw-texts/ and put into the
site as hard links (archive.site.pageout.RawStore): each is its seed byte for byte after every
build, a site built earlier keeps its bytes when a seed is edited, no build writes into the
store through a site file, deleted articles' texts vanish, a missing or damaged store heals
itself, and where hard links fail the texts are copied."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_incremental_site import _project
from test_site_pageout import _add_article, _build, _cold_copy, _delete_article, _edit_article
from test_site_serve_kept import _serve

from archive.site.pageout import RAW_DIR_NAME, Placed, RawStore, SourceChanged, place_file


def _seeds(root: Path) -> dict[str, bytes]:
    return {p.stem: p.read_bytes() for p in sorted((root / "seeds").iterdir())
            if p.suffix in (".md", ".txt")}


def _raw(site: Path) -> dict[str, bytes]:
    return {p.stem: p.read_bytes() for p in sorted((site / "raw").iterdir())}


def _assert_raw_is_seeds(root: Path, site: Path | None = None) -> None:
    site = site or root / "site"
    seeds = _seeds(root)
    assert _raw(site) == seeds
    store = root / "build" / RAW_DIR_NAME
    assert {p.stem for p in store.glob("*.txt")} == set(seeds)  # nothing stale kept


def _dirty_build(root: Path) -> str:
    """`mkdocs build --dirty` (not --strict: MkDocs warns about every dirty build)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SITE_URL", None)
    env.pop("ARCHIVE_ROOT", None)
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--dirty"], cwd=root,
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stderr


def _inode(path: Path) -> int:
    return os.stat(path).st_ino


def test_raw_texts_follow_edits_additions_and_deletions(repo: Path, tmp_path: Path) -> None:
    root = tmp_path / "p"
    _project(root, repo)
    log = _build(root)
    n = len(_seeds(root))
    assert f"{n} raw texts ready in build/ ({n} copied there" in log
    _assert_raw_is_seeds(root)
    site_raw = root / "site" / "raw" / "synthetic-1.txt"
    stored = root / "build" / RAW_DIR_NAME / "synthetic-1.txt"
    assert _inode(site_raw) == _inode(stored)  # a hard link, not a copy
    before = site_raw.read_bytes()
    held = tmp_path / "held.txt"  # someone holds the built site's file (e.g. a deploy copy)
    os.link(site_raw, held)
    # the data files are linked from build/data/ the same way
    site_data = root / "site" / "data" / "articles.json"
    assert _inode(site_data) == _inode(root / "build" / "data" / "articles.json")
    held_data = tmp_path / "held.json"
    os.link(site_data, held_data)
    data_before = held_data.read_bytes()
    unchanged = _inode(root / "build" / RAW_DIR_NAME / "synthetic-0.txt")

    _edit_article(root / "seeds")
    _add_article(root / "seeds")
    _delete_article(root / "seeds")
    log = _build(root)
    assert "raw texts ready in build/ (2 copied there" in log  # the edited and the added one
    _assert_raw_is_seeds(root)
    assert "بثلاثة أهداف" in site_raw.read_text("utf-8")
    assert held.read_bytes() == before  # the earlier site's file was not written through
    assert held_data.read_bytes() == data_before
    assert site_data.read_bytes() != data_before  # it lists the edited and added articles
    assert site_data.read_bytes() == (root / "build" / "data" / "articles.json").read_bytes()
    assert _inode(root / "build" / RAW_DIR_NAME / "synthetic-0.txt") == unchanged
    assert not (root / "site" / "raw" / "synthetic-2.txt").exists()
    assert not (root / "build" / RAW_DIR_NAME / "synthetic-2.txt").exists()

    # a site file written in place (through its link, into the store): the next build takes
    # the text from the seed again, and the site is the same as a cold build's
    with open(root / "site" / "raw" / "synthetic-3.txt", "r+b") as fh:
        fh.write(b"XX")
    _build(root)
    _assert_raw_is_seeds(root)
    cold = tmp_path / "cold"
    _cold_copy(root, cold)
    _build(cold)
    assert _raw(root / "site") == _raw(cold / "site")


def test_dirty_build_replaces_linked_texts_without_writing_through(repo: Path,
                                                                   tmp_path: Path) -> None:
    """`mkdocs build --dirty` writes into the previous site/, whose raw texts and pages are
    links into build/: an edited article's text is a new file there; the store and the file
    someone held keep their bytes, and unchanged texts are left as they are. MkDocs renders
    the pages again, into new files, not into the pages stored in build/."""
    root = tmp_path / "p"
    _project(root, repo)
    _build(root)
    _build(root)  # its pages are now the stored ones, linked
    site_raw = root / "site" / "raw" / "synthetic-1.txt"
    held = tmp_path / "held.txt"
    os.link(site_raw, held)
    before = held.read_bytes()
    other = _inode(root / "site" / "raw" / "synthetic-0.txt")
    pages = root / "build" / "site-pages"
    stored = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in pages.glob("*.html")}
    page = root / "site" / "articles" / "synthetic-1" / "index.html"
    assert page.stat().st_nlink > 1  # a stored page, linked into the site
    _edit_article(root / "seeds")
    log = _dirty_build(root)
    # MkDocs rendered every page again, each as a new file: no stored page was written into
    assert {p.name: (p.stat().st_mtime_ns, p.read_bytes())
            for p in pages.glob("*.html")} == stored
    assert "بثلاثة أهداف" in page.read_text("utf-8")
    assert "already in place" in log
    _assert_raw_is_seeds(root)
    assert held.read_bytes() == before
    assert _inode(root / "site" / "raw" / "synthetic-0.txt") == other
    assert _inode(site_raw) == _inode(root / "build" / RAW_DIR_NAME / "synthetic-1.txt")
    _build(root)  # a staged build after it: still exact
    _assert_raw_is_seeds(root)


def test_missing_or_stale_store_heals(repo: Path, tmp_path: Path) -> None:
    root = tmp_path / "p"
    _project(root, repo)
    _build(root)
    store = root / "build" / RAW_DIR_NAME
    # a stored text replaced by other bytes of the same size (its time changes), another
    # removed, and a stray file of no article: all put right by the next build
    victim = store / "synthetic-0.txt"
    victim.write_bytes(b"x" * victim.stat().st_size)
    (store / "synthetic-3.txt").unlink()
    (store / "gone.txt").write_bytes(b"stale")
    _build(root)
    _assert_raw_is_seeds(root)
    # no store at all, then an index that is not JSON
    shutil.rmtree(store)
    log = _build(root)
    n = len(_seeds(root))
    assert f"({n} copied there" in log
    _assert_raw_is_seeds(root)
    (store / "index.json").write_text("{not json", encoding="utf-8")
    _build(root)
    _assert_raw_is_seeds(root)


def test_serve_kept_folder_gets_the_edited_text_and_keeps_the_others(repo: Path,
                                                                      tmp_path: Path) -> None:
    root = tmp_path / "p"
    _project(root, repo)
    served = tmp_path / "served"
    original = (root / "seeds" / "synthetic-1.md").read_bytes()
    (_l1, first), (log, edited), (_l3, reverted) = _serve(root, served, "first,edit,revert")
    assert "served folder kept" in log
    assert edited["raw/synthetic-0.txt"] == first["raw/synthetic-0.txt"]  # not written again
    assert edited["raw/synthetic-1.txt"] != first["raw/synthetic-1.txt"]  # a new file
    assert reverted["raw/synthetic-1.txt"] != edited["raw/synthetic-1.txt"]
    assert (served / "raw" / "synthetic-1.txt").read_bytes() == original
    _assert_raw_is_seeds(root, served)


# -- the store and the placing alone: copy fallback when hard links fail ---------------------

def _article(folder: Path, name: str, text: bytes) -> tuple[Path, str]:
    path = folder / f"{name}.md"
    path.write_bytes(text)
    return path, hashlib.sha256(text).hexdigest()


def test_copies_when_hard_links_fail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seeds, site = tmp_path / "seeds", tmp_path / "site"
    seeds.mkdir()
    source, digest = _article(seeds, "a", "نص المقال\n".encode())

    def no_links(*args: object, **kw: object) -> None:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", no_links)
    store = RawStore(tmp_path / "build")
    stored = store.ensure("a", source, digest)
    dest = site / "raw" / "a.txt"
    tally = Placed()
    place_file(stored, dest, tally)
    assert dest.read_bytes() == source.read_bytes()
    assert _inode(dest) != _inode(stored) and (tally.linked, tally.copied) == (0, 1)
    store.prune(["a"])
    # a folder that was not emptied: the copy (same size and time) is taken as in place
    store = RawStore(tmp_path / "build")
    stored = store.ensure("a", source, digest)
    assert store.copied == 0
    place_file(stored, dest, tally)
    assert tally.kept == 1
    # an edit: the stored text is a new file, the site's copy is replaced by a new file
    old = dest.read_bytes()
    held = tmp_path / "held.txt"
    shutil.copy2(dest, held)
    source, digest = _article(seeds, "a", "نص المقال بعد التعديل\n".encode())
    store = RawStore(tmp_path / "build")
    stored = store.ensure("a", source, digest)
    place_file(stored, dest, tally)
    assert dest.read_bytes() == source.read_bytes() and held.read_bytes() == old
    assert store.copied == 1 and (tally.copied, tally.kept) == (2, 1)


def test_place_replaces_a_foreign_file_and_refuses_a_changed_seed(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    source, digest = _article(seeds, "a", b"text one\n")
    store = RawStore(tmp_path / "build")
    path = store.ensure("a", source, digest)
    dest = tmp_path / "site" / "raw" / "a.txt"
    dest.parent.mkdir(parents=True)
    dest.write_bytes(b"left by an older build")
    held = tmp_path / "held"
    os.link(dest, held)  # e.g. a link into another build's store
    place_file(path, dest)
    assert dest.read_bytes() == b"text one\n" and _inode(dest) == _inode(path)
    assert held.read_bytes() == b"left by an older build"  # replaced, not written through
    # the seed changed after it was loaded: the build must not copy other bytes
    source.write_bytes(b"edited meanwhile\n")
    with pytest.raises(SourceChanged):
        RawStore(tmp_path / "fresh-build").ensure("a", source, digest)
