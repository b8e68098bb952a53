"""The roots index's context holds a row per root (archive.site.roots.RootRow), not the root
pages themselves: digesting it for the page cache costs a row per root, not every page's forms
and co-occurring roots; each row still stands for its root ("r:<root>") in the index's record
of what it shows, and the index shows the same table as rendered from the pages."""

from __future__ import annotations

import jinja2

from archive.site import pagecache, roots
from archive.site.pagecache import Memo, PageCache, stable
from archive.site.render import TEMPLATES, articles_phrase, times_phrase


def _index() -> roots.RootIndex:
    def form(stem: str, tokens: int, label: str) -> roots.Form:
        return roots.Form(stem, "فعل", tokens, 1, [label, label + "ة"], 2, label)

    qsf = roots.RootPage("قصف", 9, 3, [("verb", [form("قصف", 5, "قصف"),
                                                 form("اقصف", 7, "قاصف")]),
                                       ("noun", [form("مقصف", 2, "مقصف"),
                                                 form("قصاف", 7, "قصاف")])],
                         [roots.Related("فوض", 2, 0.5, 0.3)])
    fwd = roots.RootPage("فوض", 4, 2, [("noun", [form("مفاوض", 4, "مفاوضات")])],
                         [roots.Related("قصف", 2, 0.5, 0.3)])
    return roots.RootIndex({"قصف": qsf, "فوض": fwd}, 5, 2, 7)


def _render(ctx: dict) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True)
    env.filters.update(articles=articles_phrase, times=times_phrase)
    return env.get_template("roots.html").render(link=lambda key, anchor="": f"/{key}/", **ctx)


def test_rows_show_what_the_pages_showed() -> None:
    index = _index()
    ctx = roots._index_context(index)
    rows = ctx["rows"]
    assert [r.root for r in rows] == ["قصف", "فوض"]  # the index's order (most articles)
    qsf = rows[0]
    assert (qsf.articles, qsf.tokens) == (3, 9)
    # the three most frequent forms (ties: by stem), as roots._top_forms picks them
    assert qsf.top == tuple(f.label for f in roots._top_forms(index.pages["قصف"]))
    assert qsf.top == ("قاصف", "قصاف", "قصف")
    html = _render(ctx)
    assert "<bdi>قاصف</bdi>، <bdi>قصاف</bdi>، <bdi>قصف</bdi>" in html
    assert 'data-rank-articles="0" data-rank-tokens="0" data-rank-root="1"' in html
    assert str(articles_phrase(2)) in html  # the threshold (min_articles)
    assert not any(isinstance(v, roots.RootPage | roots.RootIndex) for v in ctx.values())


def test_a_row_stands_for_its_root_in_what_the_index_shows() -> None:
    row = roots._index_context(_index())["rows"][1]
    assert pagecache.tag(row) == "r:فوض"
    memo = Memo()
    memo.touched = set()
    PageCache.inputs_digest([{"rows": [row]}], memo)
    assert memo.touched == {"r:فوض"}
    # a row whose figures change digests otherwise (the index is rendered again)
    other = roots.RootRow(row.root, row.articles + 1, row.tokens, row.top)
    assert stable(other) != stable(row)


def test_the_index_digest_does_not_take_in_the_pages() -> None:
    index = _index()
    ctx = {k: v for k, v in roots._index_context(index).items() if not callable(v)}
    before = PageCache.inputs_digest([ctx])
    # what only a root's own page shows (its co-occurring roots, its forms' spellings) does
    # not change the index's digest; its row does
    page = index.pages["قصف"]
    changed = roots.RootPage(page.root, page.tokens, page.articles, page.groups, [])
    other = roots.RootIndex({**index.pages, "قصف": changed}, 5, 2, 7)
    ctx2 = {k: v for k, v in roots._index_context(other).items() if not callable(v)}
    assert PageCache.inputs_digest([ctx2]) == before
    fewer = roots.RootPage(page.root, page.tokens - 1, page.articles, page.groups, [])
    ctx3 = {k: v for k, v in roots._index_context(
        roots.RootIndex({**index.pages, "قصف": fewer}, 5, 2, 7)).items() if not callable(v)}
    assert PageCache.inputs_digest([ctx3]) != before
