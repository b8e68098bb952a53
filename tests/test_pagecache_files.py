"""The stored contents of archive.site.pagecache.PageCache: appended to a pack per build and
indexed at the build's end (prune), read back only when the page, its inputs and the answers
to its recorded lookups are the same; packs mostly of pages no longer used are let go of."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from archive.site import pagecache
from archive.site.pagecache import INDEX_NAME, Lookups, PageCache


def _lookups(answers: dict[tuple[str, str], object]) -> Lookups:
    out = Lookups(lambda kind, key: answers.get((kind, key)))
    out.ask("link", "article:1")
    return out


def _packs(cache: PageCache) -> list[str]:
    return sorted(n for n in os.listdir(cache.folder) if n != INDEX_NAME)


def test_a_page_put_is_got_back_while_its_inputs_and_answers_hold(tmp_path: Path) -> None:
    answers: dict[tuple[str, str], object] = {("link", "article:1"): "articles/1/"}
    cache = PageCache(tmp_path)
    assert cache.get("article:1", "in", _lookups(answers)) is None  # cold: nothing stored
    assert not cache.folder.exists()  # (and nothing made by asking)
    cache.put("article:1", "in", _lookups(answers), "<p>نص</p>")
    assert cache.get("article:1", "in", _lookups(answers)) == "<p>نص</p>"  # (the same build)
    assert PageCache(tmp_path).get("article:1", "in", _lookups(answers)) is None  # not indexed
    assert cache.prune() == 0  # the build's end
    again = PageCache(tmp_path)  # the next build
    assert again.get("article:1", "in", _lookups(answers)) == "<p>نص</p>"
    assert again.last == ([["link", "article:1"]], _lookups(answers).digest())
    assert again.get("article:1", "other inputs", _lookups(answers)) is None
    assert again.get("article:2", "in", _lookups(answers)) is None
    answers[("link", "article:1")] = "articles/one/"  # what the page showed changed
    assert again.get("article:1", "in", _lookups(answers)) is None


def test_an_unreadable_stored_page_is_rendered_again(tmp_path: Path) -> None:
    answers: dict[tuple[str, str], object] = {}
    cache = PageCache(tmp_path)
    cache.put("article:1", "in", _lookups(answers), "<p>x</p>")
    cache.prune()
    (pack,) = _packs(cache)
    stored = (cache.folder / pack).read_bytes()
    for broken in (b"", b"{\"page\": \"article:1\"}", stored[:-3], stored[:-3] + b"abc"):
        (cache.folder / pack).write_bytes(broken)
        assert PageCache(tmp_path).get("article:1", "in", _lookups(answers)) is None
    (cache.folder / INDEX_NAME).write_bytes(b"not an index")
    (cache.folder / pack).write_bytes(stored)
    assert PageCache(tmp_path).get("article:1", "in", _lookups(answers)) is None


def test_pages_not_used_by_a_build_are_let_go_of(tmp_path: Path) -> None:
    cache = PageCache(tmp_path)
    for n in (1, 2):
        cache.put(f"article:{n}", "in", _lookups({}), f"<p>{n}</p>")
    (cache.folder / "0123.json").write_text("{}")  # a page file of an older format
    assert cache.prune() == 0 and _packs(cache) == ["pack-1.bin"]  # (the old file deleted)
    later = PageCache(tmp_path)
    assert later.get("article:2", "in", _lookups({})) == "<p>2</p>"
    assert later.prune() == 1
    assert PageCache(tmp_path).get("article:1", "in", _lookups({})) is None
    assert PageCache(tmp_path).get("article:2", "in", _lookups({})) == "<p>2</p>"


def test_packs_of_mostly_unused_pages_and_small_packs_are_merged(tmp_path: Path) -> None:
    big = "<p>" + "نص " * 2000 + "</p>"
    cache = PageCache(tmp_path)
    for n in range(10):
        cache.put(f"article:{n}", "in", _lookups({}), f"{n}{big}")
    cache.prune()
    # a build keeps 4 of the 10 pages and stores a fifth anew: the first pack is mostly dead
    build = PageCache(tmp_path)
    for n in range(4):
        assert build.get(f"article:{n}", "in", _lookups({})) == f"{n}{big}"
    build.put("article:4", "other", _lookups({}), "new")
    assert build.prune() == 5
    assert _packs(build) == ["pack-2.bin"]  # its live pages copied into this build's pack
    for n in range(4):
        assert PageCache(tmp_path).get(f"article:{n}", "in", _lookups({})) == f"{n}{big}"
    assert PageCache(tmp_path).get("article:4", "other", _lookups({})) == "new"
    # one small pack per build: no more than MAX_PACKS are kept
    for b in range(2 * pagecache.MAX_PACKS):
        build = PageCache(tmp_path)
        for n in range(4):
            build.keep(f"article:{n}")
        build.keep("article:4")
        build.put(f"article:{5 + b}", "in", _lookups({}), f"page {b}")
        build.prune()
        assert len(_packs(build)) <= pagecache.MAX_PACKS
    last = PageCache(tmp_path)
    assert last.get("article:0", "in", _lookups({})) == f"0{big}"
    assert last.get(f"article:{4 + 2 * pagecache.MAX_PACKS}", "in",
                    _lookups({})) == f"page {2 * pagecache.MAX_PACKS - 1}"


def test_a_pack_another_build_is_writing_is_not_appended_to(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = PageCache(tmp_path), PageCache(tmp_path)
    first.put("article:1", "in", _lookups({}), "one")
    # the other build listed the folder before pack-1 was made: it takes the next number
    monkeypatch.setattr(pagecache, "_pack_numbers", lambda folder: [])
    second.put("article:2", "in", _lookups({}), "two")
    assert first.get("article:1", "in", _lookups({})) == "one"
    assert second.get("article:2", "in", _lookups({})) == "two"
    assert _packs(first) == ["pack-1.bin", "pack-2.bin"]
