"""A build made in the previous site (archive.site.staging) takes what the walk of that tree
found (each kept file's inode, from its folder entry) to put the stored pages, raw texts and
data files in place without a look of its own at each address: the same files in place as
with the stats it made before."""

from __future__ import annotations

import os
from pathlib import Path

from archive.site import pageout, staging
from archive.site.pageout import LinkedFile, PageStore, Placed


def _tree(root: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


class _Config(dict):  # what StagedSiteDir asks of MkDocs' config
    strict = False

    def __init__(self, site_dir: str) -> None:
        super().__init__()
        self.site_dir = site_dir


def _begun(tmp_path: Path, previous_files: dict[str, bytes]
           ) -> tuple[staging.StagedSiteDir, _Config, Path]:
    """A staged build begun over a previous site of ``previous_files``: the staging,
    MkDocs' config (pointed at the staging folder) and that folder."""
    _tree(tmp_path / "site.previous", previous_files)
    staged = staging.StagedSiteDir()
    config = _Config(str(tmp_path / "site"))
    staged.begin(config)  # type: ignore[arg-type]
    return staged, config, Path(config.site_dir)


def test_prune_finds_the_kept_files_inodes(tmp_path: Path) -> None:
    root = tmp_path / "old"
    _tree(root, {"a/index.html": b"a", "b/index.html": b"b", "raw/x.txt": b"x",
                 "search/s.json": b"s", "gone.html": b"g"})
    found: dict[str, int] = {}
    kept, removed = staging._prune(str(root), {"a/index.html", "raw/x.txt"},
                                   frozenset({"search"}), found)
    assert (kept, removed) == (2, 2)
    assert found == {p: os.stat(root / p).st_ino for p in ("a/index.html", "raw/x.txt")}


def test_restore_gives_the_files_in_place_with_their_inodes(tmp_path: Path) -> None:
    """Each kept file under its path in the staging folder, with the inode a stat gives
    there; none of a top folder another writer put in place first (its own wins)."""
    staged, _config, part = _begun(tmp_path, {
        "a/index.html": b"a", "raw/x.txt": b"x", "raw/y.txt": b"y", "own/index.html": b"old",
        "z.html": b"z"})
    assert staged.found is None
    _tree(part, {"own/other.html": b"new"})  # written before the walk, by another writer
    staged.restore({"a/index.html", "raw/x.txt", "own/index.html"})
    assert staged.found is not None
    assert set(staged.found) == {"a/index.html", "raw/x.txt"}
    for rel, ino in staged.found.items():
        st = os.stat(part / rel)
        assert (st.st_dev, st.st_ino) == (staged.device, ino)
    assert not (part / "raw" / "y.txt").exists() and not (part / "z.html").exists()
    staged.discard()
    assert staged.found is None


def _store(tmp_path: Path) -> tuple[PageStore, str, Path]:
    store = PageStore(tmp_path / "build", "chrome")
    key = store.key("articles/x.md", "articles/x/", {}, "<p>x</p>")
    store.put("articles/x.md", key, b"<html>x</html>")
    return store, key, Path(store.path("articles/x.md"))


def test_copy_takes_what_the_walk_found(tmp_path: Path) -> None:
    store, key, stored = _store(tmp_path)
    st = os.stat(stored)
    site = tmp_path / "site"
    dest = site / "articles" / "x" / "index.html"
    # the stored page itself there (as found): left
    dest.parent.mkdir(parents=True)
    os.link(stored, dest)
    assert store.copy("articles/x.md", key, dest, replace=True, relink=True,
                      there=(st.st_dev, st.st_ino))
    assert store.kept == 1
    # another file there (found with its own inode): replaced by a link to the stored page
    dest.unlink()
    dest.write_bytes(b"stale")
    other = os.stat(dest)
    assert store.copy("articles/x.md", key, dest, replace=True, relink=True,
                      there=(other.st_dev, other.st_ino))
    assert dest.read_bytes() == b"<html>x</html>" and os.path.samefile(dest, stored)
    assert store.kept == 1
    # nothing found there, though a file is (put there after the walk): replaced all the same
    dest.unlink()
    dest.write_bytes(b"late")
    assert store.copy("articles/x.md", key, dest, replace=True, relink=True, there=None)
    assert os.path.samefile(dest, stored)
    # nothing there: linked
    dest.unlink()
    assert store.copy("articles/x.md", key, dest, replace=True, relink=True, there=None)
    assert os.path.samefile(dest, stored)


def _linked(tally: Placed, src: Path, site: Path) -> LinkedFile:
    f = LinkedFile("raw/x.txt", src_dir=None, dest_dir=str(site), use_directory_urls=True)
    f.abs_src_path = str(src)
    f.tally = tally
    st = os.stat(src)
    f.src_inode = (st.st_dev, st.st_ino)
    return f


def test_linked_file_takes_what_the_walk_found(tmp_path: Path) -> None:
    src = tmp_path / "build" / "raw-texts" / "x.txt"
    src.parent.mkdir(parents=True)
    src.write_bytes(b"text")
    site = tmp_path / "site"
    dest = site / "raw" / "x.txt"
    dest.parent.mkdir(parents=True)
    os.link(src, dest)
    tally = Placed()
    tally.found, tally.device = {"raw/x.txt": os.stat(dest).st_ino}, os.stat(site).st_dev
    f = _linked(tally, src, site)
    f.copy_file()
    assert (tally.kept, tally.linked, tally.copied) == (1, 0, 0)
    # another file there: replaced (place_file), whatever the walk found
    dest.unlink()
    dest.write_bytes(b"stale")
    tally.found = {"raw/x.txt": os.stat(dest).st_ino}
    f.copy_file()
    assert os.path.samefile(dest, src) and tally.kept == 1
    # the same with nothing known of the site (not made in the previous one)
    dest.unlink()
    dest.write_bytes(b"stale")
    tally.found = None
    f.copy_file()
    assert os.path.samefile(dest, src)
    assert pageout._same_placed(src, dest)


def test_prune_holds_the_folders_the_build_writes_into(tmp_path: Path) -> None:
    """A folder left empty that the build writes into is held (not deleted and made again),
    with its parents when they hold nothing else; one still empty at the end is deleted."""
    root = tmp_path / "old"
    _tree(root, {"a/index.html": b"a", "b/c/index.html": b"c", "d/index.html": b"d",
                 "e/index.html": b"e", "keep/index.html": b"k"})
    held: list[str] = []
    kept, removed = staging._prune(str(root), {"keep/index.html"}, frozenset(), None,
                                   {"a", "b", "b/c", "e"}, held)
    assert (kept, removed) == (1, 4)
    assert held.index("b/c") < held.index("b")  # a folder after the folders inside it
    assert set(held) == {"a", "b", "b/c", "e"}
    assert (root / "a").is_dir() and (root / "b" / "c").is_dir() and (root / "e").is_dir()
    assert not (root / "d").exists()  # not written into: deleted as before
    (root / "a" / "index.html").write_bytes(b"new a")  # the build writes into a and b/c
    (root / "b" / "c" / "index.html").write_bytes(b"new c")
    staging._drop_empty(str(root), held)
    assert (root / "a" / "index.html").is_file() and (root / "b" / "c" / "index.html").is_file()
    assert not (root / "e").exists()  # held, but nothing was written into it


def test_held_folders_left_empty_go_with_their_parents(tmp_path: Path) -> None:
    root = tmp_path / "old"
    _tree(root, {"x/y/z/index.html": b"z", "x/other.html": b"o"})
    held: list[str] = []
    staging._prune(str(root), set(), frozenset(), None, {"x/y/z"}, held)
    assert held == ["x/y/z", "x/y", "x"]  # a folder after the folders inside it
    staging._drop_empty(str(root), held)
    assert os.listdir(root) == []  # as a build into an empty folder leaves it


def test_commit_drops_the_held_folders_left_empty(tmp_path: Path) -> None:
    site = tmp_path / "site"
    staged, config, part = _begun(tmp_path, {"a/index.html": b"a", "b/index.html": b"b",
                                             "c/index.html": b"c"})
    staged.restore({"c/index.html"}, (), {"a", "b"})
    assert set(staged.held) == {"a", "b"} and (part / "a").is_dir()
    (part / "a" / "index.html").write_bytes(b"new a")
    staged.commit(config)  # type: ignore[arg-type]
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*")) == [
        "a", "a/index.html", "c", "c/index.html"]
    assert staged.held == []


def test_written_folders_are_those_of_the_files_written() -> None:
    from types import SimpleNamespace

    from mkdocs.structure.files import InclusionLevel

    from archive.site.plugin import _written_folders

    def f(src: str, dest: str, inclusion: InclusionLevel = InclusionLevel.INCLUDED) -> object:
        return SimpleNamespace(src_uri=src, dest_uri=dest, inclusion=inclusion)

    files = [f("about.md", "about/index.html"),  # MkDocs writes it
             f("roots/x.md", "roots/x/index.html", InclusionLevel.EXCLUDED),  # a stencil's
             f("articles/a.md", "articles/a/index.html", InclusionLevel.EXCLUDED),  # taken
             f("drafts/d.md", "drafts/d/index.html", InclusionLevel.EXCLUDED),  # not written
             f("raw/a.txt", "raw/a.txt"),  # kept in place
             f("sitemap.xml", "sitemap.xml")]
    keep = {"articles/a/index.html", "raw/a.txt"}
    assert _written_folders(files, keep, {"roots/x.md": object()}) == {  # type: ignore[arg-type]
        "about", "roots", "roots/x"}


def test_static_files_with_the_same_bytes_are_kept_in_place(tmp_path: Path) -> None:
    """Made in the previous site: a static file there with the bytes of its source is kept
    (not deleted and copied again); one that differs, or is gone, or sits under a folder
    another writer made first, is not."""
    src = tmp_path / "theme"
    _tree(src, {"a.css": b"body{}", "b.js": b"new();", "c.js": b"c", "own/x.js": b"x"})
    assert staging.StagedSiteDir().same_as_kept({"assets/a.css": str(src / "a.css")}) == set()
    staged, _config, part = _begun(tmp_path, {"assets/a.css": b"body{}", "assets/b.js": b"old();",
                                              "own/x.js": b"x"})
    _tree(part, {"own/other.js": b"o"})  # written by another writer before the walk
    sources = {"assets/a.css": str(src / "a.css"), "assets/b.js": str(src / "b.js"),
               "assets/c.js": str(src / "c.js"), "own/x.js": str(src / "own/x.js")}
    assert staged.same_as_kept(sources) == {"assets/a.css"}
    staged.discard()


def test_a_static_file_in_place_is_not_copied(tmp_path: Path) -> None:
    from mkdocs.structure.files import File

    from archive.site.plugin import _InPlaceFile

    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.css").write_bytes(b"new")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "a.css").write_bytes(b"old")
    f = File("a.css", str(tmp_path / "src"), str(tmp_path / "site"), False)
    f.__class__ = _InPlaceFile
    f.copy_file()
    assert (tmp_path / "site" / "a.css").read_bytes() == b"old"
