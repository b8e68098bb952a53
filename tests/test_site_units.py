"""Unit tests of the site's building blocks: dates, article body HTML, ordering, map, URLs."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from archive.corpus.article import Article, Segment
from archive.site.model import EntityView, MentionView, SiteData, newest_first_key
from archive.site.render import articles_phrase, noun, safe_url, times_phrase
from archive.site.text import body_html, date_html, format_date


def _article(
    text: str, segments: list[Segment], date: str | None = None, id_: str = "a"
) -> Article:
    return Article(id=id_, path=f"seeds/{id_}.txt", text=text, content_hash="x", title="t",
                   title_inferred=False, date=date, source=None, segments=segments)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _parse(html: str) -> _Text:
    p = _Text()
    p.feed(html)
    return p


PLACE = EntityView(key="place:daraa", id="daraa", kind="place", name="درعا", lat=32.62, lon=36.1)


def test_format_date() -> None:
    assert format_date("2021-09-05") == "5 أيلول (سبتمبر) 2021"
    assert format_date("2018-07") == "تموز (يوليو) 2018"
    assert format_date("2011") == "2011"
    assert format_date(None) == "غير معروف"
    # a day or month the text gives without a year (the loader never invents one)
    assert format_date("--06-25") == "25 حزيران (يونيو) (السنة غير مذكورة)"
    assert format_date("--09") == "أيلول (سبتمبر) (السنة غير مذكورة)"
    assert 'datetime="--06-25"' in date_html("--06-25")  # a valid yearless date
    assert "datetime" not in date_html("--09")  # no valid <time> form for a yearless month


def test_body_paragraphs_boilerplate_and_links() -> None:
    text = "سياسة عربية\n\nقصف في درعا اليوم.\nوفي <درعا> أيضًا.\nاقرأ أيضا: خبر"
    b1 = text.index("سياسة")
    p1 = text.index("قصف")
    ra = text.index("اقرأ")
    segments = [
        Segment(b1, b1 + len("سياسة عربية"), "boilerplate", "section-label"),
        Segment(p1, ra, "body"),
        Segment(ra, len(text), "boilerplate", "read-also"),
    ]
    m1 = text.index("درعا")
    m2 = text.index("درعا", m1 + 1)
    mentions = [MentionView("place:daraa", m1, m1 + 4), MentionView("place:daraa", m2, m2 + 4)]
    html = body_html(_article(text, segments), mentions, lambda k: f"/{k}/", {PLACE.key: PLACE})
    parsed = _parse(html)
    assert [t for t, _ in parsed.tags].count("aside") == 2
    assert [a.get("href") for t, a in parsed.tags if t == "a"] == ["/place:daraa/"] * 2
    assert "<درعا>" in "".join(parsed.parts)  # angle brackets kept as text
    assert "&lt;" in html and "<درعا>" not in html
    # each line is its own paragraph, in text order
    paragraphs = re.findall(r"<p>(.*?)</p>", html)
    assert len(paragraphs) == 2
    # boilerplate lines take their direction from their own text (Latin embed lines stay LTR)
    assert len(re.findall(r'<p dir="auto">(.*?)</p>', html)) == 2


def test_mention_across_a_line_break_is_not_linked() -> None:
    text = "درعا\nالبلد"
    html = body_html(_article(text, [Segment(0, len(text), "body")]),
                     [MentionView("place:daraa", 0, len(text))], lambda k: "x",
                     {PLACE.key: PLACE})
    assert "<a " not in html
    assert "درعا" in html and "البلد" in html


def test_newest_first_puts_undated_last_and_days_before_their_month() -> None:
    dates = [None, "2021", "2018-07-04", "2021-09", "2021-09-05", "2021-08-31"]
    arts = [_article("", [], d, id_=f"a{i}") for i, d in enumerate(dates)]
    ordered = [a.date for a in sorted(arts, key=newest_first_key)]
    assert ordered == ["2021-09-05", "2021-09", "2021-08-31", "2021", "2018-07-04", None]


def test_safe_url_keeps_only_http() -> None:
    assert safe_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url(" JAVASCRIPT:alert(1)") is None
    assert safe_url("data:text/html,x") is None
    assert safe_url("//evil.example") is None


def test_arabic_number_agreement() -> None:
    assert [articles_phrase(n).replace("\u00a0", " ") for n in (0, 1, 2, 3, 10, 11, 103)] == [
        "لا مقالات", "مقال واحد", "مقالان", "3 مقالات", "10 مقالات", "11 مقالًا", "103 مقالات"]
    assert times_phrase(2) == "مرتان"
    assert noun(5, "place") == "أماكن" and noun(53, "place") == "مكانًا"


def test_serve_watches_the_seeds_folder(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from mkdocs.config.defaults import MkDocsConfig

    from archive.site.plugin import ArchivePlugin

    (tmp_path / "seeds").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    config = MkDocsConfig(config_file_path=str(tmp_path / "mkdocs.yml"))
    config.load_dict({"site_name": "x", "theme": {"name": "material", "language": "ar"}})
    errors, _ = config.validate()
    assert not errors
    plugin = ArchivePlugin()
    plugin.load_config({})
    plugin.on_config(config)
    assert config.theme["font"] is False  # no Google Fonts even if mkdocs.yml forgets it

    class Server:
        watched: list[str] = []

        def watch(self, path: str) -> None:
            self.watched.append(path)

    server = Server()
    plugin.on_serve(server, config=config, builder=None)
    assert server.watched == [str((tmp_path / "seeds").resolve())]


# -- pagination, sources, chart --------------------------------------------------------------
def test_page_window_links_first_and_neighbours_not_the_last() -> None:
    from archive.site.render import page_window

    assert page_window(1, 1) == [1]
    assert page_window(1, 3) == [1, 2, 3]
    # the last page is not linked by number: its number moves when a page is added anywhere
    assert page_window(1, 10) == [1, 2, 3, 0]
    assert page_window(6, 10) == [1, 0, 4, 5, 6, 7, 8, 0]
    assert page_window(6, 12) == page_window(6, 10)
    assert page_window(4, 10) == [1, 2, 3, 4, 5, 6, 0]  # a one-page gap shows the number
    assert page_window(8, 10) == [1, 0, 6, 7, 8, 9, 10]
    assert page_window(621, 621) == [1, 0, 619, 620, 621]


def _cut(article_id: str) -> int:
    import hashlib

    return int.from_bytes(hashlib.blake2b(article_id.encode(), digest_size=8).digest(), "big")


def _pages(ids: list[str], per_page: int = 50) -> list[tuple[str, ...]]:
    from archive.site.render import page_starts

    starts = page_starts(ids, per_page, _cut)
    return [tuple(ids[a:b]) for a, b in zip(starts, [*starts[1:], len(ids)], strict=True)]


def test_list_pages_hold_about_per_page_articles() -> None:
    ids = [f"a{i:05d}" for i in range(3000)]
    pages = _pages(ids)
    sizes = [len(p) for p in pages]
    assert [a for p in pages for a in p] == ids
    assert min(sizes) >= 25 and max(sizes) <= 100
    assert 45 <= sum(sizes) / len(sizes) <= 55
    assert _pages(ids[:50]) == [tuple(ids[:50])]
    assert _pages(ids[:10]) == [tuple(ids[:10])]  # shorter than the minimum: one page
    # per_page 1: one article a page, as before
    assert _pages(ids[:5], 1) == [(a,) for a in ids[:5]]


def test_one_added_or_deleted_article_changes_one_list_page() -> None:
    """Pages are cut where the articles say, not every per_page positions: an article added
    in the middle of a long list changes the page it lands on, not every page after it (as
    long as it does not itself begin a page, 1 in 26 articles at per_page 50)."""
    ids = [f"a{i:05d}" for i in range(3000)]
    before = _pages(ids)
    one_page = renumbered = 0
    for k in range(0, 3000, 7):
        for after in (ids[:k] + [f"new{k}"] + ids[k:], ids[:k] + ids[k + 1:]):
            pages = _pages(after)
            changed = [p for i, p in enumerate(pages) if i >= len(before) or before[i] != p]
            one_page += len(changed) == 1
            renumbered += len(pages) != len(before)
    assert one_page / (2 * len(range(0, 3000, 7))) >= 0.9
    assert renumbered / (2 * len(range(0, 3000, 7))) <= 0.06


def test_listing_addresses_are_stable() -> None:
    from archive.site.render import Listing

    listing = Listing("articles", "articles", "articles/index.md", "كل المقالات", ["a", "b"])
    assert listing.uri("newest", 1) == "articles/index.md"
    assert listing.uri("newest", 2) == "articles/page/2.md"
    assert listing.uri("oldest", 1) == "articles/oldest.md"
    assert listing.uri("title", 3) == "articles/title/page/3.md"
    assert listing.page_key("newest", 1) == "articles"
    assert listing.page_key("title", 3) == "list:articles:title:3"


def test_source_slugs_are_unique_readable_and_stable() -> None:
    from archive.site.model import source_slugs

    names = ["العربي الجديد", "العربي-الجديد", "TRT عربي", "page", "«»", "Al Araby"]
    slugs = source_slugs(names)
    assert slugs == source_slugs(list(reversed(names)))  # order does not matter
    assert len(set(slugs.values())) == len(names)
    assert slugs["TRT عربي"] == "trt-عربي"
    assert slugs["Al Araby"] == "al-araby"
    assert slugs["page"].startswith("page-")  # reserved: would hide a list page
    assert slugs["«»"].startswith("source-")
    assert slugs["العربي الجديد"] != slugs["العربي-الجديد"]
    for slug in slugs.values():
        assert "/" not in slug and slug == slug.strip("-")


def test_month_chart_bars_link_to_months_oldest_on_the_right() -> None:
    from archive.site.chart import month_chart

    months = [("2015-11", 3, "month:2015-11"), ("2015-12", 0, None),
              ("2016-01", 6, "month:2016-01")]
    svg = str(month_chart(months, lambda key: key.split(":")[1] + "/"))
    p = _parse(svg)
    links = [a["href"] for t, a in p.tags if t == "a"]
    assert links == ["2015-11/", "2016-01/"]  # no link for an empty month
    rects = [a for t, a in p.tags if t == "rect"]
    assert len(rects) == 2
    x = [float(r["x"] or 0) for r in rects]
    assert x[0] > x[1]  # the older month is further right
    heights = [float(r["height"] or 0) for r in rects]
    assert heights[1] == 2 * heights[0]
    assert "2015" in p.parts and "2016" in p.parts  # year labels
    assert month_chart([], lambda k: k) is None


def test_intro_is_markdown_from_the_maintainer() -> None:
    from archive.site.render import intro_html

    assert str(intro_html("أرشيف **تجريبي**.")) == "<p>أرشيف <strong>تجريبي</strong>.</p>"
    assert intro_html("  \n") is None


def test_serve_watches_the_seeds_folder_through_inotify(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Under `mkdocs serve` the seeds are watched by inotify, not by MkDocs' polling (a stat
    of every seed twice a second): a changed seed asks for a rebuild, a seed the build only
    reads does not."""
    import time

    import pytest
    from mkdocs.livereload import LiveReloadServer

    from archive.site.plugin import ArchivePlugin, _Paths

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.md").write_text("نص\n", encoding="utf-8")
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0,
                              root=str(tmp_path))
    plugin = ArchivePlugin()
    plugin.paths = _Paths(tmp_path, seeds, tmp_path / "build")
    plugin.on_serve(server, config=None, builder=None)  # type: ignore[arg-type]
    if plugin.watcher is None:
        pytest.skip("no inotify here: MkDocs' polling watches the seeds")
    try:
        assert not server.observer.emitters  # nothing polled
        assert (seeds / "a.md").read_text(encoding="utf-8") == "نص\n"
        time.sleep(0.5)
        assert not server._want_rebuild  # reading a seed is not a change
        (seeds / "a.md").write_text("نص آخر\n", encoding="utf-8")
        deadline = time.monotonic() + 10
        while not server._want_rebuild and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server._want_rebuild
    finally:
        plugin.watcher.stop()


def test_relative_links_are_mkdocs_relative_urls() -> None:
    """The pages' relative addresses (made without MkDocs) are MkDocs' own, and so is the
    short way to a target in another top folder."""
    from mkdocs.utils import get_relative_url

    from archive.site.render import relative_from, relative_url

    pages = ["", "index.html", "404.html", "articles/x/", "articles/x/index.html", "roots/جذر/",
             "places/a/b/", "a/./b/", "a//b/", "../x/", "/abs/", "raw/", "sitemap.xml",
             "articles/"]
    targets = ["", "./", "articles/y/", "articles/x/", "raw/a.txt", "roots/ب/", "places/a/",
               "a/../b/", "a//c/", "/abs/x", "x", "articles", "places/a/b/", "places/a/b/c/",
               "raw/x/", "."]
    for page in pages:
        relative = relative_from(page)
        for target in targets:
            want = get_relative_url(target, page)
            assert relative_url(target, page) == want, (page, target)
            assert relative(target) == want, (page, target)
    assert relative_from("places/a/b/")("articles/y/") == "../../../articles/y/"


def test_members_are_the_shown_actors_affiliated_in_their_order() -> None:
    """SiteData.members answers as the pass over the shown actors it replaces: each shown
    actor affiliated with the key once (an affiliation named twice too), in entity order;
    an actor no article names is left out; a new list each time."""
    def actor(i: str, *aff: str) -> EntityView:
        return EntityView(key=f"actor:{i}", id=i, kind="actor", name=i, affiliation=aff)

    ents = [actor("a"), actor("b", "actor:a", "actor:a"), actor("c", "actor:a", "actor:d"),
            actor("d", "actor:a"), actor("e", "actor:d"), PLACE]
    data = SiteData({}, {e.key: e for e in ents}, {}, {
        k: [("x", 1)] for k in ("actor:a", "actor:b", "actor:c", "actor:e", PLACE.key)}, {}, {})
    for e in ents:
        expected = [x for x in data.shown_actors() if e.key in x.affiliation]
        assert data.members(e.key) == expected
    assert [x.id for x in data.members("actor:a")] == ["b", "c"]  # d: no article names it
    assert [x.id for x in data.members("actor:d")] == ["c", "e"]
    assert data.members("actor:zz") == []
    data.members("actor:a").clear()
    assert len(data.members("actor:a")) == 2
