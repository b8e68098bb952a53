"""`mkdocs serve` keeps the page store's and the raw-text store's indexes in memory between
reloads (archive.site.keptindex): after the server's first build a reload neither reads nor
writes keys.json / index.json nor lists the store's folder, deletes what it did not use all the
same, and the files hold what a store without the memory writes once the server stops; a
build that fails before its prune leaves the memory as it was; an index written by another
process is read again."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.site import keptindex, pageout
from archive.site.pageout import (
    KEYS_FILE,
    RAW_DIR_NAME,
    RAW_INDEX,
    SERVE_DIR_NAME,
    PageStore,
    RawStore,
)


@pytest.fixture
def remembering() -> Iterator[None]:
    keptindex.remember(True)
    try:
        yield
    finally:
        keptindex.remember(False)


def _stamp(path: Path) -> tuple[int, int] | None:
    return (path.stat().st_ino, path.stat().st_mtime_ns) if path.exists() else None


class _Listings:
    """Counts os.listdir calls on one folder."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
        self.n, real = 0, os.listdir

        def listdir(path: object = ".") -> list[str]:
            if Path(os.fspath(path)) == folder:  # type: ignore[arg-type]
                self.n += 1
            return real(path)  # type: ignore[arg-type]

        monkeypatch.setattr(pageout.os, "listdir", listdir)


def _pages(build: Path, steps: list[dict[str, bytes]], fail_at: int | None = None,
           first: int = 0) -> list[int]:
    """One store per build (as the plugin makes them), each putting ``steps[k]``'s pages
    (src_uri → html) and using only those; returns how many each prune removed."""
    removed = []
    for k, pages in enumerate(steps, first):
        store = PageStore(build, "chrome", SERVE_DIR_NAME)
        store.site = f"site {k}"
        for uri, html in pages.items():
            key = hashlib.sha256(html).hexdigest()
            if store.stored_key(uri) != key:
                store.put(uri, key, html)
        if k - first == fail_at:
            continue  # the build failed before its prune
        removed.append(store.prune())
    return removed


STEPS = [
    {"a.md": b"<p>a</p>", "b.md": b"<p>b</p>", "c.md": b"<p>c</p>"},
    {"a.md": b"<p>a2</p>", "b.md": b"<p>b</p>", "c.md": b"<p>c</p>"},
    {"a.md": b"<p>a2</p>", "c.md": b"<p>c</p>", "d.md": b"<p>d</p>"},
    {"a.md": b"<p>a3</p>", "d.md": b"<p>d</p>"},
]


def _folder_and_keys(build: Path) -> tuple[set[str], dict[str, str], str]:
    folder = build / SERVE_DIR_NAME
    data = json.loads((folder / KEYS_FILE).read_text(encoding="utf-8"))
    return ({p.name for p in folder.iterdir() if p.name != KEYS_FILE},
            {n: e[0] for n, e in data["pages"].items()}, data["site"])


def test_kept_page_index_gives_the_files_a_store_without_it_writes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = tmp_path / "plain"
    expected_removed = _pages(plain, STEPS)
    assert expected_removed == [0, 0, 1, 1]
    build = tmp_path / "kept"
    keys = build / SERVE_DIR_NAME / KEYS_FILE
    listings = _Listings(monkeypatch, build / SERVE_DIR_NAME)
    keptindex.remember(True)
    try:
        assert _pages(build, STEPS[:1]) == [0]
        written = _stamp(keys)
        assert _pages(build, STEPS[1:], first=1) == expected_removed[1:]
        # keys.json written by the first build only (as a build writes it), the folder
        # listed once
        assert written is not None and _stamp(keys) == written
        assert listings.n == 1
        # what was deleted is gone though it was never listed again
        assert not (build / SERVE_DIR_NAME / pageout._store_name("b.md")).exists()
    finally:
        keptindex.remember(False)
    assert _folder_and_keys(build) == _folder_and_keys(plain)
    # a store made afterwards reads the file, and finds every page intact
    store = PageStore(build, "chrome", SERVE_DIR_NAME)
    assert all(store.stored_key(u) == hashlib.sha256(h).hexdigest()
               for u, h in STEPS[-1].items())


def test_a_failed_build_leaves_the_kept_index_as_it_was(tmp_path: Path,
                                                        remembering: None) -> None:
    build = tmp_path / "b"
    _pages(build, STEPS[:2])
    # build 2 puts d.md and fails: its entry is not kept; build 3 (STEPS[2] again) puts it
    # again, since the kept index does not know it
    _pages(build, [STEPS[2]], fail_at=0)
    store = PageStore(build, "chrome", SERVE_DIR_NAME)
    assert store.stored_key("d.md") is None
    assert store.stored_key("a.md") == hashlib.sha256(b"<p>a2</p>").hexdigest()


def test_an_index_written_by_another_process_is_read_again(tmp_path: Path,
                                                           remembering: None) -> None:
    build = tmp_path / "b"
    _pages(build, STEPS[:1])
    keys = build / SERVE_DIR_NAME / KEYS_FILE
    keys.write_text(json.dumps({"format": pageout.FORMAT, "site": "other", "pages": {}}),
                    encoding="utf-8")
    store = PageStore(build, "chrome", SERVE_DIR_NAME)
    assert store.stored_key("a.md") is None  # the file's (empty) table, not the memory's


def _texts(build: Path, root: Path, steps: list[dict[str, bytes]]) -> list[int]:
    removed = []
    for texts in steps:
        store = RawStore(build)
        for aid, data in texts.items():
            src = root / f"{aid}.md"
            if not src.exists() or src.read_bytes() != data:
                src.write_bytes(data)
            store.ensure(aid, src, hashlib.sha256(data).hexdigest())
        removed.append(store.prune(texts))
    return removed


TEXTS = [
    {"x": b"x1", "y": b"y1", "z": b"z1"},
    {"x": b"x2", "y": b"y1", "z": b"z1"},
    {"x": b"x2", "z": b"z1", "w": b"w1"},
    {"x": b"x2", "z": b"z1", "w": b"w1"},
]


def test_kept_raw_index_gives_the_files_a_store_without_it_writes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    plain = tmp_path / "plain"
    assert _texts(plain, seeds, TEXTS) == [0, 0, 1, 0]
    for p in seeds.iterdir():
        p.unlink()
    build = tmp_path / "kept"
    index = build / RAW_DIR_NAME / RAW_INDEX
    listings = _Listings(monkeypatch, build / RAW_DIR_NAME)
    keptindex.remember(True)
    try:
        _texts(build, seeds, TEXTS[:1])
        written = _stamp(index)
        assert written is not None and listings.n == 1  # written by the first build only
        (build / RAW_DIR_NAME / "stray.bin").write_bytes(b"?")  # listed by no later build
        assert _texts(build, seeds, TEXTS[1:]) == [0, 1, 0]
        assert _stamp(index) == written and listings.n == 1
        assert not (build / RAW_DIR_NAME / "y.txt").exists()
    finally:
        keptindex.remember(False)
    # the stray file stays until a build lists the folder (a store without the memory)
    assert {p.name for p in (build / RAW_DIR_NAME).iterdir()} - {"stray.bin"} == {
        p.name for p in (plain / RAW_DIR_NAME).iterdir()}
    assert (json.loads(index.read_text(encoding="utf-8"))["texts"].keys()
            == json.loads((plain / RAW_DIR_NAME / RAW_INDEX).read_text(
                encoding="utf-8"))["texts"].keys())
    assert RawStore(build).prune(TEXTS[-1]) == 1  # the stray file


def test_kept_raw_stamps_spare_the_stats_and_give_the_stamps_a_stat_gives(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under the memory, a reload's store takes an unchanged text with the stamp the previous
    build found or wrote, without a stat of its stored file; a changed text is stored anew
    and stamped; each stamp is the one a store without the memory gives."""
    seeds, build = tmp_path / "seeds", tmp_path / "build"
    seeds.mkdir()
    folder = str(build / RAW_DIR_NAME)
    real = os.stat
    stats: list[str] = []

    def stat(path: object, *args: object, **kw: object) -> os.stat_result:
        if os.fspath(path).startswith(folder) and os.fspath(  # type: ignore[call-overload]
                path).endswith(".txt"):  # type: ignore[call-overload]
            stats.append(os.path.basename(os.fspath(path)))  # type: ignore[call-overload]
        return real(path, *args, **kw)  # type: ignore[arg-type]

    def build_once(texts: dict[str, bytes]) -> dict[str, str]:
        store = RawStore(build)
        got = {}
        for aid, data in texts.items():
            src = seeds / f"{aid}.md"
            if not src.exists() or src.read_bytes() != data:
                src.write_bytes(data)
            # (the source relative to the root given: joined only when it is read)
            store.ensure(aid, f"{aid}.md", hashlib.sha256(data).hexdigest(), str(seeds))
            got[aid] = store.stamp
        store.prune(texts)
        return got

    def plain_stamps() -> dict[str, str]:
        return {n[:-4]: pageout._stamp_of(real(os.path.join(folder, n)))
                for n in os.listdir(folder) if n.endswith(".txt")}

    keptindex.remember(True)
    try:
        monkeypatch.setattr(pageout.os, "stat", stat)
        assert build_once(TEXTS[0]) == plain_stamps()
        assert stats == []  # stored anew: stamped from the file just written
        stats.clear()
        assert build_once(TEXTS[1]) == plain_stamps()  # x changed
        assert stats == []  # y and z: by their kept stamps
        # a store without the memory stats every text (and gives the same stamps)
        keptindex.remember(False)
        assert build_once(TEXTS[1]) == plain_stamps()
        assert sorted(stats) == ["x.txt", "y.txt", "z.txt"]
    finally:
        keptindex.remember(False)
