"""The short cuts of the per-build fixed costs (ld30) give what the code they replaced gave:
the page cuts, the orders by date and by title, the articles' views, and the corpus cache's
articles (texts as UTF-16, problems as tuples). Each reference below is the old code."""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from archive import pipeline
from archive.corpus.article import Article, MentionedDate, Segment
from archive.errors import Problem
from archive.site import model
from archive.site.render import page_starts


def _old_page_starts(ids: Sequence[str], per_page: int, cut: Callable[[str], int]) -> list[int]:
    least = max(1, per_page // 2)
    most = max(least, 2 * per_page)
    m = max(1, per_page - least + 1)
    starts = [0]
    for i in range(least, len(ids)):
        size = i - starts[-1]
        if size >= most or (size >= least and cut(ids[i]) % m == 0):
            starts.append(i)
    if len(starts) > 1 and len(ids) - starts[-1] < least:
        starts.pop()
    return starts


def _blake(article_id: str) -> int:
    return int.from_bytes(hashlib.blake2b(article_id.encode(), digest_size=8).digest(), "big")


@settings(max_examples=300, deadline=None)
@given(n=st.integers(0, 700), per_page=st.integers(1, 80), seed=st.integers(0, 3),
       mode=st.sampled_from(["hash", "never", "always", "small"]))
def test_page_starts_are_the_old_ones(n: int, per_page: int, seed: int, mode: str) -> None:
    ids = [f"a{seed}-{i:04d}" for i in range(n)]
    cut = {"hash": _blake, "never": lambda i: 1, "always": lambda i: 0,
           "small": lambda i: _blake(i) % 3}[mode]
    if mode == "never" and per_page == 1:
        cut = _blake  # (m is 1 there: every number fits)
    assert page_starts(ids, per_page, cut) == _old_page_starts(ids, per_page, cut)


_DATES = st.sampled_from([None, "", "2015", "2015-03", "2015-03-01", "2015-03-12", "2014-12",
                          "2016-01-31"])
_TITLES = st.sampled_from(["", "درعا", "درعا ", "دَرعا", "الحرب", "Title", "أ", "ا"])


def _view(i: int, date: str | None, title: str) -> Any:
    article = SimpleNamespace(id=f"a{i:03d}", date=date, title=title, source=None)
    return SimpleNamespace(id=article.id, article=article)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_DATES, _TITLES), max_size=40))
def test_newest_first_and_title_orders_are_the_old_ones(rows: list[tuple[Any, str]]) -> None:
    views = [_view(i, d, t) for i, (d, t) in enumerate(rows)]
    views = views[::2] + views[1::2]  # not in id order
    old = sorted(views, key=lambda v: model.newest_first_key(v.article))
    assert model.newest_first_views(views) == old
    forms = model.TitleForms()
    reference = model.TitleForms()
    got = model.title_order(views, forms)
    want = sorted(views, key=lambda v: (reference.form(v.article.title or ""),
                                        v.article.title or "", v.id))
    assert got == want
    assert forms.ordered == [v.article.title or "" for v in want]
    assert forms.forms == reference.forms and forms.fresh == reference.fresh


def _old_article_view(analyzed: Any) -> model.ArticleView:
    mentions = sorted(
        (model.MentionView(m.entity, m.start, m.end) for m in analyzed.mentions),
        key=lambda m: (m.start, -m.end, m.entity),
    )
    return model.ArticleView(
        article=analyzed.article,
        mentions=mentions,
        mention_counts=dict(sorted(analyzed.mention_counts.items())),
        places=list(analyzed.places),
        actors=list(analyzed.actors),
    )


_KEYS = st.sampled_from(["place:a", "place:b", "actor:x", "actor:y", "place:c"])


@settings(max_examples=200, deadline=None)
@given(counts=st.dictionaries(_KEYS, st.integers(1, 4), max_size=4),
       declared=st.lists(_KEYS, max_size=3),
       spans=st.lists(st.tuples(_KEYS, st.integers(0, 9), st.integers(0, 3)), max_size=5))
def test_article_views_are_the_old_ones(counts: dict[str, int], declared: list[str],
                                        spans: list[tuple[str, int, int]]) -> None:
    from archive.pipeline import Mention
    from archive.records import Summary

    article = Article(id="a", path="seeds/a.md", text="x" * 20, content_hash="h", title="t",
                      title_inferred=False, date=None, source=None)
    summary = Summary(article, [Mention(e, s, s + n, "") for e, s, n in spans], counts,
                      declared)
    assert model.article_view(summary) == _old_article_view(summary)


def _article(text: str) -> Article:
    return Article(id="x", path="seeds/x.md", text=text, content_hash="h", title="عنوان",
                   title_inferred=True, date="2015-03", source="s", url=None,
                   places=["p"], segments=[Segment(0, len(text), "body")],
                   mentioned_dates=[MentionedDate("2015", 0, 1, text[:1])],
                   cleaned={"control": 1})


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.one_of(st.characters(), st.sampled_from("درعا\ud800\udfff")),
               max_size=30))
def test_the_corpus_cache_gives_back_every_article_as_it_was(text: str) -> None:
    article = _article(text)
    parse = (article, [Problem("seeds/x.md", "m", "h", 3, "warning")])
    back = pickle.loads(pipeline._dumps_parse(parse))
    assert back == parse
    assert back[0].text == text and type(back[0]) is Article
    assert [type(s) for s in back[0].segments] == [Segment]


def test_texts_are_kept_as_utf16_and_a_lone_surrogate_as_utf8() -> None:
    fine = pipeline._reduce_article(_article("درعا 😀"))
    assert fine[0] is pipeline._unpickle_article16
    odd = pipeline._reduce_article(_article("درعا \ud800"))
    assert odd[0] is pipeline._unpickle_article
    assert odd[0](odd[1][0]).text == "درعا \ud800"


def test_problems_pickle_as_tuples_and_read_the_dataclass_state_too() -> None:
    p = Problem("seeds/a.md", "message", "hint", 7, "warning")
    assert p.__getstate__() == ("seeds/a.md", "message", "hint", 7, "warning")
    assert pickle.loads(pickle.dumps(p)) == p
    # what the dataclass's own pickling wrote (a list of the fields' values) is read too
    q = Problem.__new__(Problem)
    q.__setstate__(["seeds/a.md", "message", "hint", 7, "warning"])
    assert q == p


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(["a", "b", "c", "d"]),
                       st.lists(st.sampled_from(["a", "b", "c", "d", "e", "zz"]), max_size=9),
                       max_size=4))
def test_related_lists_are_the_old_ones(related: dict[str, list[str]]) -> None:
    from archive.records import Summary

    items = [Summary(Article(id=i, path=f"seeds/{i}.md", text="x", content_hash=i, title=i,
                             title_inferred=False, date=None, source=None), [], {}, [])
             for i in ("a", "b", "c", "d")]
    data = model.build_site_data(items, [], dict(related))
    fallback = model.related_by_entities(data)
    for i, view in data.articles.items():
        given = related[i] if i in related else fallback.get(i, [])
        want = [r for r in given if r in data.articles and r != i][:model.RELATED_LIMIT]
        assert view.related == want
