"""What a `mkdocs build` checks once: a stored page found intact by ``stored_key`` (or written by
``put``) is put into the site without a second look at its file; keys.json is made again only
when it would differ; and the load's and the analysis' objects are frozen before the search
index update, whose garbage is collected before the end of on_pre_build."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from archive.site import pageout
from archive.site.pageout import KEYS_FILE, PageStore


def _stored(build: Path, pages: dict[str, bytes]) -> dict[str, str]:
    """A store under ``build`` holding ``pages`` (src_uri → HTML), keys.json written; their keys."""
    store = PageStore(build, "chrome")
    keys = {}
    for uri, html in pages.items():
        keys[uri] = store.key(uri, uri[:-3] + "/", {}, html.decode())
        store.put(uri, keys[uri], html)
    store.prune()
    return keys


def _no_stat_of(monkeypatch: pytest.MonkeyPatch, folder: Path) -> list[str]:
    """``os.stat`` (pageout's, the os module's) refusing any path in ``folder``; the paths
    asked."""
    asked: list[str] = []
    real = os.stat

    def stat(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        asked.append(os.fspath(path))
        if os.fspath(path).startswith(str(folder)):
            raise AssertionError(f"stat of {path}")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(pageout.os, "stat", stat)
    return asked


def test_copy_takes_the_stored_file_stored_key_found(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    keys = _stored(tmp_path / "build", {"a.md": b"<p>a</p>", "b.md": b"<p>b</p>"})
    store = PageStore(tmp_path / "build", "chrome")
    assert store.stored_key("a.md") == keys["a.md"]
    st = os.stat(store.path("a.md"))
    site = tmp_path / "site"
    _no_stat_of(monkeypatch, store.folder)
    # the stored page itself at its address (as the walk found it): left, no stat of either
    dest = site / "a" / "index.html"
    dest.parent.mkdir(parents=True)
    os.link(store.path("a.md"), dest)
    assert store.copy("a.md", keys["a.md"], dest, replace=True, relink=True,
                      there=(st.st_dev, st.st_ino))
    assert store.kept == 1
    # nothing there: linked, still without a stat of the stored file
    dest.unlink()
    assert store.copy("a.md", keys["a.md"], dest, replace=True, relink=True, there=None)
    assert os.lstat(dest).st_ino == os.lstat(store.path("a.md")).st_ino  # (lstat: not refused)
    # another key: refused as before
    assert not store.copy("a.md", "another key", dest, replace=True, relink=True, there=None)
    # a page stored_key did not look at is looked at now
    monkeypatch.undo()
    asked = _no_stat_of(monkeypatch, tmp_path / "nowhere")
    assert store.copy("b.md", keys["b.md"], site / "b" / "index.html")
    assert str(store.path("b.md")) in asked


def test_copy_of_a_page_not_found_intact_is_refused(tmp_path: Path) -> None:
    keys = _stored(tmp_path / "build", {"a.md": b"<p>a</p>"})
    store = PageStore(tmp_path / "build", "chrome")
    path = store.path("a.md")
    path.write_bytes(b"<p>changed in place</p>")  # another size: not the page written
    assert store.stored_key("a.md") is None
    assert not store.copy("a.md", keys["a.md"], tmp_path / "site" / "a" / "index.html")
    # put anew: the new file is the one copied (its identity from put, not from the stat)
    store.put("a.md", "k2", b"<p>new</p>")
    dest = tmp_path / "site" / "a" / "index.html"
    assert store.copy("a.md", "k2", dest)
    assert dest.read_bytes() == b"<p>new</p>" and os.path.samefile(dest, store.path("a.md"))


def test_keys_json_is_written_only_when_it_would_differ(tmp_path: Path) -> None:
    build = tmp_path / "build"
    keys = _stored(build, {"a.md": b"<p>a</p>", "b.md": b"<p>b</p>"})
    keys_file = build / pageout.DIR_NAME / KEYS_FILE
    first = os.stat(keys_file).st_ino

    def rebuild(site: str, put: dict[str, bytes] | None = None,
                used: tuple[str, ...] = ("a.md", "b.md")) -> PageStore:
        store = PageStore(build, "chrome")
        store.site = site
        for uri in used:
            store.stored_key(uri)
        for uri, html in (put or {}).items():
            store.put(uri, "k-" + uri, html)
        store.prune()
        return store

    rebuild("")  # nothing changed: the same file (not replaced)
    assert os.stat(keys_file).st_ino == first
    store = rebuild("digest 2")  # another site digest: written
    assert os.stat(keys_file).st_ino != first
    assert json.loads(keys_file.read_text())["site"] == "digest 2"
    for change in ({"put": {"b.md": b"<p>b2</p>"}}, {"used": ("a.md",)}):
        before = os.stat(keys_file).st_ino
        store = rebuild("digest 2", **change)  # type: ignore[arg-type]
        assert os.stat(keys_file).st_ino != before
        assert keys_file.read_text() == pageout._keys_text(store.entries, "digest 2")
    assert keys["a.md"] in keys_file.read_text()
    # unreadable: written again, even with the same entries
    keys_file.write_text("{")
    before = os.stat(keys_file).st_ino
    store = rebuild("digest 2", used=())
    assert os.stat(keys_file).st_ino != before
    assert keys_file.read_text() == pageout._keys_text({}, "digest 2")


#: A hooks module that wraps the search index update: whether anything is frozen when it
#: runs, and whether a reference cycle made there is still alive when on_pre_build has ended
#: (the hooks' on_pre_build runs after the plugin's).
FREEZE = """\
import gc, json, weakref
import archive.index.build as index_build

real = index_build.ensure_fresh
seen = {}

class Cycle:
    pass

def ensure_fresh(*args, **kwargs):
    seen["frozen"] = gc.get_freeze_count() > 0
    cycle = Cycle()
    cycle.me = cycle
    seen["cycle"] = weakref.ref(cycle)
    return real(*args, **kwargs)

index_build.ensure_fresh = ensure_fresh

def on_pre_build(config):
    seen["alive"] = seen["cycle"]() is not None

def on_post_build(config):
    with open("freeze.json", "w") as out:
        json.dump({"frozen": seen["frozen"], "alive": seen["alive"]}, out)
"""


def test_pre_build_freezes_before_the_index_update_and_collects_its_garbage(
        repo: Path, tmp_path: Path) -> None:
    """`mkdocs build`: the search index update runs with what the load and the analysis made
    frozen, and a reference cycle it leaves is collected before on_pre_build ends (not held
    frozen to the end of the pages), cold and warm."""
    from test_incremental_site import _build
    from test_site_memory import _built_with_hook

    root = _built_with_hook(tmp_path / "p", repo, FREEZE)
    for _ in range(2):
        seen = json.loads((root / "freeze.json").read_text("utf-8"))
        assert seen == {"frozen": True, "alive": False}
        (root / "freeze.json").unlink()
        _build(root)


def test_numbered_checks_are_refused_for_any_bad_check(tmp_path: Path) -> None:
    """read_numbered_checks checks all checks' numbers at once: still None for one number past
    a table, a part not of whole numbers, or a check of another shape, wherever it is."""
    import marshal
    from array import array

    def written(pages: dict[str, Any], pairs: list[list[str]], tags: list[str]) -> Path:
        folder = tmp_path / f"c{len(list(tmp_path.iterdir()))}"
        folder.mkdir()
        (folder / pageout.CHECKS_FILE).write_bytes(marshal.dumps(
            (pageout.CHECKS_FORMAT, "chrome", {}, pages, pairs, tags), 2))
        return folder

    def check(asked: list[int], deps: list[int]) -> tuple[Any, ...]:
        return ("u/", "{}", "i", array("I", asked).tobytes(), "a", "k",
                array("I", deps).tobytes())

    pairs, tags = [["article", "a"], ["link", "b"]], ["a:a", "p:x", "p:y"]
    good = {f"p{i}.md": check([i % 2], [0, 1 + i % 2]) for i in range(50)}
    read = pageout.read_numbered_checks(written(good, pairs, tags), "chrome")
    assert read is not None and read[1] == good and read[2] == [("article", "a"), ("link", "b")]
    for bad in (check([2], [0]), check([0], [3]), check([], [0])[:6],
                (*check([0], [0])[:3], b"\0\0\0", *check([0], [0])[4:]),
                (*check([0], [0])[:3], "not bytes", *check([0], [0])[4:])):
        for where in ("p0.md", "p25.md", "p49.md"):
            pages = dict(good)
            pages[where] = bad
            assert pageout.read_numbered_checks(written(pages, pairs, tags), "chrome") is None
