"""`mkdocs serve`: a reload's Site takes over the previous reload's orders (archive.site.render.
Orders: the ranks, each list's ids in each order and its page starts) while the articles' ids,
dates and titles are the same, and gives the pages a Site that sorts everything again gives;
a new title (or date) makes it sort again."""

from __future__ import annotations

import dataclasses
from typing import Any

from archive import pipeline
from archive.config import Paths
from archive.site.model import SiteData, build_site_data
from archive.site.render import ORDERS, Site, SiteOptions


def _data(paths: Paths) -> SiteData:
    loaded = pipeline.load(paths)
    analysis = pipeline.analyse(loaded, workers=1)
    return build_site_data(analysis.in_order(), loaded.gazetteer.entities.values(), None)


def _site(data: SiteData) -> Site:
    # two articles a page: every list of three or more has pages in each order
    return Site(data, None, "أرشيف", SiteOptions(per_page=2))


def _pages(site: Site) -> tuple[list[Any], dict[str, Any]]:
    specs = [(s.key, s.src_uri, s.title, s.prev, s.next) for s in site.specs()]
    lists = {k: {o: (site.ordered(x, o), site.starts(x, o)) for o in ORDERS}
             for k, x in site.listings.items()}
    return specs, lists


def test_a_reload_takes_the_orders_while_ids_dates_and_titles_are_the_same(
        archive_paths: Paths) -> None:
    data = _data(archive_paths)
    first = _site(data)
    pages = _pages(first)
    assert any(len(s) > 1 for x in pages[1].values() for _, s in x.values())  # paged lists
    again = _site(_data(archive_paths))  # the next reload: new objects, equal data
    again.take_orders(first.orders())
    assert again._ranks is first._ranks
    assert _pages(again) == pages
    # the title order of each paged list is the previous reload's list, not sorted again
    for key, listing in again.listings.items():
        if not again.client(listing):
            assert listing._orders["title"] is first.listings[key]._orders["title"]
    assert _pages(again) == _pages(_site(_data(archive_paths)))


def test_a_new_title_or_date_sorts_again(archive_paths: Paths) -> None:
    data = _data(archive_paths)
    first = _site(data)
    _pages(first)
    by_title = first.ranks()["title"]
    for change in ({"title": "ييي عنوان يلي كل العناوين"}, {"date": "1990-01-01"}):
        views = dict(data.articles)
        aid = min(views, key=by_title.__getitem__)  # the first by title: now the last
        view = views[aid]
        views[aid] = dataclasses.replace(view, article=dataclasses.replace(view.article,
                                                                           **change))
        changed = dataclasses.replace(data, articles=views)
        fresh = _site(changed)
        expected = _pages(fresh)
        carried = _site(changed)
        carried.take_orders(first.orders())
        assert carried._ranks is None  # not taken
        assert _pages(carried) == expected
        assert carried._ranks is not first._ranks
