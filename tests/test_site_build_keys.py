"""`mkdocs build` keeps what each stored page's key was derived from (build/site-pages/
checks.bin) with a summary of what the pages were made from: a rebuild after one edited text
checks again only the pages that show that article, and reuses the others without reading their
cached content; a new, deleted or moved article checks the index pages and the lists' main pages
and only those others that can show it; a change any page may show (a place's description)
checks every page by its inputs; a key is never trusted once its input changed. The site is a
cold build's every time."""

from __future__ import annotations

import re
from pathlib import Path

from test_incremental_site import _project, _site
from test_site_pageout import _build, _cold_copy, _describe_place, _edit_article

from archive.site import pageout

_COUNTS = re.compile(r"(\d+) of (\d+) generated pages unchanged .*; (\d+) show nothing that "
                     r"changed, (\d+) by the previous build's keys")


def _counts(log: str) -> tuple[int, int, int, int]:
    found = _COUNTS.search(log)
    assert found, log[-3000:]
    reused, total, untouched, remembered = (int(x) for x in found.groups())
    return reused, total, untouched, remembered


def _same_as_cold(inc: Path, cold: Path) -> None:
    _cold_copy(inc, cold)
    _build(cold)
    a, b = _site(inc), _site(cold)
    assert a.keys() == b.keys(), sorted(set(a) ^ set(b))[:5]
    assert sorted(str(k) for k in a if a[k] != b[k]) == []


def test_build_checks_only_the_pages_that_show_an_edit(repo: Path, tmp_path: Path) -> None:
    inc, cold = tmp_path / "incremental", tmp_path / "cold"
    _project(inc, repo)
    log = _build(inc)
    checks = inc / "build" / pageout.DIR_NAME / pageout.CHECKS_FILE
    assert checks.is_file() and "page keys saved for the next build" in log
    first = _site(inc)
    edited = inc / "seeds" / "synthetic-1.md"
    original = edited.read_bytes()
    # a sentence of words the article already has: no root gets or loses a page (in so small
    # an archive a new word would add one, and with it a link every page may show)
    edited.write_bytes(original + "\nفاز المنتخب الوطني.\n".encode())
    log = _build(inc)
    reused, total, untouched, remembered = _counts(log)
    # most pages are not even checked; the edited article's page is built again
    assert untouched > remembered and untouched <= reused < total, log[-3000:]
    assert "فاز المنتخب الوطني.</p>" in (inc / "site/articles/synthetic-1/index.html"
                                          ).read_text("utf-8")
    _same_as_cold(inc, cold)
    # back: the same bytes as the first build
    edited.write_bytes(original)
    _counts(_build(inc))
    assert _site(inc) == first
    # an article naming a place once more: the place's list shows the new count (its pages
    # are checked), no other page does
    named = inc / "seeds" / "synthetic-0.md"
    named.write_bytes(named.read_bytes() + "\nالأردن.\n".encode())
    log = _build(inc)
    reused, total, untouched, remembered = _counts(log)
    assert "every generated page checked" not in log
    assert untouched > remembered and untouched <= reused < total, log[-3000:]
    _same_as_cold(inc, cold)


def test_a_kept_key_is_not_trusted_once_its_input_changed(repo: Path, tmp_path: Path) -> None:
    """A place's description changes no article's analysis (so no article tag): the summary
    says the places changed and every page is checked by its inputs, so the place's page and
    the pages naming it are built again. checks.bin damaged, or from another build, costs
    checks only."""
    inc, cold = tmp_path / "incremental", tmp_path / "cold"
    _project(inc, repo)
    _build(inc)
    checks = inc / "build" / pageout.DIR_NAME / pageout.CHECKS_FILE
    saved = checks.read_bytes()
    _describe_place(inc / "seeds", "وصف جديد للأردن لا يغيّر تحليل أي مقال.")
    log = _build(inc)
    assert "every generated page checked (places and actors changed)" in log
    reused, total, untouched, remembered = _counts(log)
    assert untouched == 0 and 0 < remembered <= reused < total
    assert "وصف جديد للأردن" in (inc / "site/places/jordan/index.html").read_text("utf-8")
    _same_as_cold(inc, cold)
    # the checks of the build before the change put back: its keys are not the stored
    # pages' keys where the description shows, and its summary tells that the place changed
    checks.write_bytes(saved)
    _edit_article(inc / "seeds")
    _build(inc)
    _same_as_cold(inc, cold)
    checks.write_bytes(b"\x00damaged")
    places = inc / "seeds" / "places.yml"
    places.write_text(places.read_text("utf-8").replace("وصف جديد للأردن لا يغيّر تحليل أي مقال.",
                                                        "وصف ثالث للأردن."), "utf-8")
    _build(inc)
    assert "وصف ثالث للأردن" in (inc / "site/places/jordan/index.html").read_text("utf-8")
    _same_as_cold(inc, cold)


def test_an_added_or_deleted_article_checks_only_what_can_show_it(repo: Path,
                                                                   tmp_path: Path) -> None:
    """An article added (or deleted, or moved to another date) changes the lists and links:
    the index pages and the lists' main pages are checked by their inputs, the other pages
    only when they show what changed (the lists' further pages showing other articles, the
    article and root pages whose links, counts and articles are the same are not). The site
    is a cold build's, and deleting the article again gives the first site's bytes."""
    inc, cold = tmp_path / "incremental", tmp_path / "cold"
    _project(inc, repo)
    _build(inc)
    first = _site(inc)
    added = inc / "seeds" / "synthetic-9.md"
    # the text of an article already there (so that no root gets or loses a page), dated
    # between two others: it lands in the middle of the date-ordered lists
    text = (inc / "seeds" / "synthetic-1.md").read_text("utf-8")
    added.write_text(text.replace("خبر تجريبي رقم 1", "خبر تجريبي مضاف")
                     .replace("date: 2021-02-12", "date: 2021-02-20"), "utf-8")
    log = _build(inc)
    assert "the index pages and the lists' main pages checked" in log, log[-3000:]
    assert "every generated page checked" not in log
    reused, total, untouched, remembered = _counts(log)
    # (in so small an archive most pages are index pages and lists' main pages)
    assert 0 < untouched <= reused < total, log[-3000:]
    assert "خبر تجريبي مضاف" in (inc / "site/articles/synthetic-9/index.html").read_text("utf-8")
    assert "synthetic-9" in (inc / "site/timeline/2021-02/index.html").read_text("utf-8")
    _same_as_cold(inc, cold)
    # moved to another month: it leaves one month's list for another
    added.write_text(added.read_text("utf-8").replace("date: 2021-02-20", "date: 2021-03-20"),
                     "utf-8")
    log = _build(inc)
    assert "the index pages and the lists' main pages checked" in log, log[-3000:]
    assert "every generated page checked" not in log
    assert "synthetic-9" not in (inc / "site/timeline/2021-02/index.html").read_text("utf-8")
    _same_as_cold(inc, cold)
    added.unlink()
    log = _build(inc)
    assert "the index pages and the lists' main pages checked" in log, log[-3000:]
    assert _site(inc) == first


def test_page_keys_share_equal_lookups_and_tags() -> None:
    """The pages' keys are kept to the end of the build: equal lookup pairs and tags are one
    object across pages (each page's own copies grew with the archive), the keys unchanged."""
    from archive.site.plugin import _page_key

    shared: dict[object, object] = {}
    made = []
    for page in ("article:a", "article:b"):
        asked = [["article", "x1"], ["entity", "place:riyadh"]]  # as read from a page cache
        last = ("inputs", asked, "answers", frozenset({"a:x1", "e:place:riyadh"}))
        plain = _page_key("chrome", page, f"{page}/", {}, last, "key")
        k = _page_key("chrome", page, f"{page}/", {}, last, "key", shared)
        assert [tuple(p) for p in plain.asked] == k.asked and plain.deps == k.deps
        assert f"p:{page}" in k.deps and "a:x1" in k.deps
        made.append(k)
    a, b = made
    assert all(p is q for p, q in zip(a.asked, b.asked, strict=True))
    same = {t for t in a.deps if t in b.deps}
    assert same == {"a:x1", "e:place:riyadh"}
    assert all(any(t is u for u in b.deps) for t in same)


def test_build_keys_kept_as_numbers_save_the_same_checks(tmp_path: Path) -> None:
    """`mkdocs build` keeps its pages' lookups and tags as numbers until checks.bin is written
    (a page at a time): the file is the one the keys' plain lookups and tags make, and reads
    back as them."""
    from archive.site.plugin import _KeyTable, _meta_form, _page_key

    table = _KeyTable()
    numbered, plain = {}, {}
    for n, page in enumerate(("list:x:newest:2", "article:b", "article:a")):
        asked = [["article", f"x{n}"], ["article", "x1"], ["entity", "place:riyadh"]]
        last = (f"inputs{n}", asked, f"answers{n}", frozenset({"a:x1", f"l:x{n}"}))
        meta = {"title": f"عنوان {n}", "hide": ["toc"]}
        k = _page_key("chrome", page, f"{page}/", meta, last, f"key{n}", table)
        p = _page_key("chrome", page, f"{page}/", meta, last, f"key{n}")
        assert isinstance(k.asked, bytes) and isinstance(k.deps, bytes)
        assert k.same(f"{page}/", dict(meta)) and not k.same(f"{page}/", {"title": "x"})
        numbered[page] = (k.url, _meta_form(k.meta), k.inputs, k.asked, k.answers, k.key,
                          k.deps)
        plain[page] = (p.url, _meta_form(p.meta), p.inputs, p.asked, p.answers, p.key, p.deps)
    # each pair and tag numbered once: x0 x1 x2 place; their 4 tags, 3 l:, 3 p:
    assert len(table.pairs) == 4 and len(table.tags) == 10
    summary = {"articles": {"a": ("k", "p")}, "counts": [1, 2]}
    a, b = tmp_path / "numbered", tmp_path / "plain"
    pageout.write_checks(a, "chrome", summary,
                         ((u, numbered[u]) for u in sorted(numbered)),
                         (list(table.pairs), list(table.tags)))
    pageout.write_checks(b, "chrome", summary, plain)
    assert (a / pageout.CHECKS_FILE).read_bytes() == (b / pageout.CHECKS_FILE).read_bytes()
    read = pageout.read_checks(a, "chrome")
    assert read is not None and read[0] == summary
    assert read[1] == {u: (url, meta, inputs, [list(x) for x in asked], answers, key,
                           frozenset(deps))
                       for u, (url, meta, inputs, asked, answers, key, deps) in plain.items()}
    assert "p:article:a" in read[1]["article:a"][6]
    assert pageout.read_checks(a, "other chrome") is None
