"""The stored contents of archive.site.pagecache.PageCache: one file per page, read back only
when the page, its inputs and the answers to its recorded lookups are the same; a cold build
(no folder yet) looks for none on disk."""

from __future__ import annotations

from pathlib import Path

from archive.site.pagecache import Lookups, PageCache


def _lookups(answers: dict[tuple[str, str], object]) -> Lookups:
    out = Lookups(lambda kind, key: answers.get((kind, key)))
    out.ask("link", "article:1")
    return out


def test_a_page_put_is_got_back_while_its_inputs_and_answers_hold(tmp_path: Path) -> None:
    answers: dict[tuple[str, str], object] = {("link", "article:1"): "articles/1/"}
    cache = PageCache(tmp_path)
    assert cache.get("article:1", "in", _lookups(answers)) is None  # cold: nothing stored
    assert not cache.folder.exists()  # (and nothing made by asking)
    cache.put("article:1", "in", _lookups(answers), "<p>نص</p>")
    assert cache.get("article:1", "in", _lookups(answers)) == "<p>نص</p>"
    again = PageCache(tmp_path)  # the next build
    assert again.get("article:1", "in", _lookups(answers)) == "<p>نص</p>"
    assert again.last == ([["link", "article:1"]], _lookups(answers).digest())
    assert again.get("article:1", "other inputs", _lookups(answers)) is None
    assert again.get("article:2", "in", _lookups(answers)) is None
    answers[("link", "article:1")] = "articles/one/"  # what the page showed changed
    assert again.get("article:1", "in", _lookups(answers)) is None
    assert {p.name for p in cache.folder.iterdir()} <= again.used


def test_an_unreadable_stored_page_is_rendered_again(tmp_path: Path) -> None:
    answers: dict[tuple[str, str], object] = {}
    cache = PageCache(tmp_path)
    cache.put("article:1", "in", _lookups(answers), "<p>x</p>")
    (stored,) = cache.folder.iterdir()
    for broken in (b"", b"{\"page\": \"article:1\"}", stored.read_bytes()[:-3]):
        stored.write_bytes(broken)
        assert PageCache(tmp_path).get("article:1", "in", _lookups(answers)) is None


def test_pages_not_used_by_a_build_are_pruned(tmp_path: Path) -> None:
    cache = PageCache(tmp_path)
    for n in (1, 2):
        cache.put(f"article:{n}", "in", _lookups({}), f"<p>{n}</p>")
    later = PageCache(tmp_path)
    assert later.get("article:2", "in", _lookups({})) == "<p>2</p>"
    assert later.prune() == 1
    assert PageCache(tmp_path).get("article:1", "in", _lookups({})) is None
    assert PageCache(tmp_path).get("article:2", "in", _lookups({})) == "<p>2</p>"
