"""A page that lists an article (a list's items, an article's related articles, the home
page's latest, a mentioned date's articles) shows only its card (archive.site.model.
ArticleCard: id, title, date, source) and records it as "c:<id>", not "a:<id>": an edit of the
article's text leaves its key to such pages, and `mkdocs serve` does not check them again.
A new title, date or source changes the card (and the page)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from archive import pipeline
from archive.config import Paths
from archive.site.model import ArticleCard, build_site_data
from archive.site.pagecache import PageCache
from archive.site.render import Site


def _site(paths: Paths, tmp_path: Path) -> Site:
    loaded = pipeline.load(paths)
    analysis = pipeline.analyse(loaded, workers=1)
    data = build_site_data(analysis.in_order(), loaded.gazetteer.entities.values(), None)
    site = Site(data, None, "أرشيف")
    for spec in site.specs():
        site.urls[spec.key] = spec.src_uri.removesuffix(".md").removesuffix("index") + "/"
    site.list_cache = PageCache(tmp_path, "list-pages")
    site.cache = PageCache(tmp_path, "pages")
    return site


def test_lists_record_cards_and_the_article_page_its_view(archive_paths: Paths,
                                                          tmp_path: Path) -> None:
    site = _site(archive_paths, tmp_path)
    specs = {s.key: s for s in site.specs()}
    first = site.data.newest_first()[0].id
    listing = specs["articles"]
    site.inputs(listing, site.urls[listing.key])
    assert f"c:{first}" in site.last_tags
    assert not any(t.startswith("a:") for t in site.last_tags), site.last_tags
    own = specs[f"article:{first}"]
    site.inputs(own, site.urls[own.key])
    assert f"a:{first}" in site.last_tags
    # the card is one object per article and build, and what the list item shows
    card = site.data.card(first)
    assert isinstance(card, ArticleCard) and site.data.card(first) is card
    a = site.data.articles[first].article
    assert (card.id, card.article.title, card.article.date, card.article.source) == (
        a.id, a.title, a.date, a.source)


def test_a_card_changes_the_lists_key_only_through_title_date_or_source(
        archive_paths: Paths, tmp_path: Path) -> None:
    site = _site(archive_paths, tmp_path)
    listing = next(s for s in site.specs() if s.key == "articles")
    url = site.urls[listing.key]
    before, _ = site.inputs(listing, url)
    first = site.data.newest_first()[0].id
    view = site.data.articles[first]
    # another text: the same card, the same inputs for the list
    other = dataclasses.replace(view.article, text=view.article.text + "\n\nنص آخر.",
                                content_hash="0" * 64)
    site.data.articles[first] = dataclasses.replace(view, article=other)
    site.data.cards.clear()
    site.memo.objects.clear()
    assert site.inputs(listing, url)[0] == before
    # another title: another card, other inputs
    site.data.articles[first] = dataclasses.replace(
        view, article=dataclasses.replace(view.article, title="عنوان آخر تماما"))
    site.data.cards.clear()
    site.memo.objects.clear()
    assert site.inputs(listing, url)[0] != before


def test_a_cards_digest_is_kept_by_its_value_with_its_tag(archive_paths: Paths,
                                                          tmp_path: Path) -> None:
    """A card's digest in a build's memo is the one made without a memo, kept once per card
    value (not as an object with its dependencies, as the other shared objects), and asking
    for it records the card's tag each time."""
    from archive.site.model import CardFields
    from archive.site.pagecache import Memo, stable

    site = _site(archive_paths, tmp_path)
    first = site.data.newest_first()[0].id
    card = site.data.card(first)
    memo = Memo()
    digest = stable(card, memo)
    assert digest == stable(card, None) and digest[0] == "ArticleCard"
    assert memo.touched == {f"c:{first}"}
    assert memo.objects == {} and memo.deps == {} and list(memo.cards) == [card]
    memo.touched = set()
    equal = ArticleCard(card.id, CardFields(card.article.title, card.article.date,
                                            card.article.source))
    assert stable(equal, memo) is digest and memo.touched == {f"c:{first}"}
    other = ArticleCard(card.id, CardFields(card.article.title + " آخر", card.article.date,
                                            card.article.source))
    assert stable(other, memo) != digest and len(memo.cards) == 2
