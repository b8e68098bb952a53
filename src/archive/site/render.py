"""Jinja2 rendering of the generated pages (autoescape on: article and gazetteer text is data).

Each generated page is described by a :class:`PageSpec`; its HTML is produced only when MkDocs
renders that page, so a build does the work of one page at a time.
"""

from __future__ import annotations

import functools
import hashlib
import posixpath
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2
from markupsafe import Markup

from archive.site import keptmap, mapsvg, text
from archive.site.chart import month_chart
from archive.site.model import (
    ArticleView,
    EntityView,
    SiteData,
    TitleForms,
    title_order,
)
from archive.site.pagecache import Lookups, Memo, PageCache
from archive.site.text import esc

TEMPLATES = Path(__file__).parent / "templates" / "pages"


def compiled_pages(build: Path) -> jinja2.BytecodeCache:
    """Where a build keeps the page templates' compiled code between builds (in
    build/jinja-bytecode/, beside the theme's): Jinja2 compiles a template again when its
    source changed; the files' names carry a digest of this module, where the environment's
    compile settings are, and Jinja2's version, so code that compiles them otherwise makes its
    own. (Compiling the page templates cost ~0.06 CPU s of every build that renders a page.)
    A new build folder reads them from the user's cache folder (:mod:`archive.site.bytecode`)."""
    from archive import files
    from archive.site.bytecode import template_cache

    key = files.fingerprint(f"page templates {jinja2.__version__}", ["site/render.py"])
    return template_cache(build, f"__pages_{key[:16]}_%s.cache")

PLACE_TYPES = {
    "country": "دولة",
    "governorate": "محافظة",
    "region": "منطقة",
    "city": "مدينة",
    "town": "بلدة",
    "village": "قرية",
    "neighbourhood": "حي",
    "camp": "مخيم",
    "military site": "موقع عسكري",
    "checkpoint": "حاجز",
    "landmark": "معلم",
    "facility": "منشأة",
    "mountain": "جبل",
    "hill": "تل",
    "desert": "بادية",
}
ACTOR_TYPES = {
    "person": "أشخاص",
    "armed group": "جماعات مسلحة",
    "military unit": "وحدات عسكرية",
    "political body": "هيئات سياسية",
    "state": "دول وحكومات",
    "media outlet": "وسائل إعلام",
    "international body": "هيئات دولية",
}
ACTOR_TYPE_SINGULAR = {
    "person": "شخص",
    "armed group": "جماعة مسلحة",
    "military unit": "وحدة عسكرية",
    "political body": "هيئة سياسية",
    "state": "دولة أو حكومة",
    "media outlet": "وسيلة إعلام",
    "international body": "هيئة دولية",
}

#: Articles per page of every list (all articles, a month, a place, an actor, a source), on
#: average: a list longer than this is cut where its articles say (see :func:`page_starts`);
#: the ``per_page`` plugin option overrides it.
PER_PAGE = 50
#: Articles listed under each date mentioned in the texts (timeline, one page per year).
MENTIONED_SHOWN = 3

#: The orderings of every list, each a series of static pages: the first is the default.
ORDERS: dict[str, str] = {
    "newest": "الأحدث أولًا",
    "oldest": "الأقدم أولًا",
    "title": "بالعنوان (أ–ي)",
}

#: Site-relative targets of the index pages (src_uri of each).
INDEX_PAGES: dict[str, str] = {
    "home": "index.md",
    "articles": "articles/index.md",
    "timeline": "timeline.md",
    "places": "places/index.md",
    "map": "map.md",
    "actors": "actors/index.md",
    "sources": "sources.md",
    "data": "data.md",
}


def count_phrase(n: int, one: str, two: str, few: str, many: str) -> str:
    """Arabic number agreement: 1 → one, 2 → two, 3–10 → "n few", otherwise "n many"."""
    if n == 1:
        return one
    if n == 2:
        return two
    # A no-break space keeps the number with its noun when a line wraps.
    if 3 <= n % 100 <= 10:
        return f"{n}\u00a0{few}"
    return f"{n}\u00a0{many}"


def articles_phrase(n: int) -> str:
    if n == 0:
        return "لا مقالات"
    return count_phrase(n, "مقال واحد", "مقالان", "مقالات", "مقالًا")


NOUNS: dict[str, tuple[str, str, str, str]] = {
    "article": ("مقال", "مقالان", "مقالات", "مقالًا"),
    "place": ("مكان", "مكانان", "أماكن", "مكانًا"),
    "actor": ("فاعل", "فاعلان", "فاعلين", "فاعلًا"),
    "source": ("مصدر", "مصدران", "مصادر", "مصدرًا"),
}


def noun(n: int, kind: str) -> str:
    """The counted noun alone, in the form the number ``n`` takes."""
    one, two, few, many = NOUNS[kind]
    if n == 1:
        return one
    if n == 2:
        return two
    if 3 <= n % 100 <= 10:
        return few
    return many


def times_phrase(n: int) -> str:
    if n == 0:
        return "في بيانات المقال فقط"
    return count_phrase(n, "مرة واحدة", "مرتان", "مرات", "مرة")


def safe_url(url: str | None) -> str | None:
    """Only http(s) links are rendered as links; anything else stays text."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url.strip()
    return None


def place_type(value: str) -> str:
    return PLACE_TYPES.get(value, value or "مكان")


def actor_type(value: str) -> str:
    return ACTOR_TYPE_SINGULAR.get(value, value or "فاعل")


def _no_page(*args: Any) -> Any:
    raise RuntimeError("link() or has() of a macro called outside a page's rendering")


_SEP = '<span class="ar-sep" aria-hidden="true"> · </span>'
_NO_DATE = Markup('<span class="ar-unknown">تاريخ غير معروف</span>')


@functools.lru_cache(maxsize=1 << 12)
def _parts(path: str) -> tuple[str, ...]:
    """The parts of ``path`` once normalized as a path from the site's root: ``..`` goes up
    (not above the root), ``.`` and empty parts go, the leading slash is ignored. (Cached,
    bounded: the same pages and targets come back within a page and its neighbours.)"""
    path = posixpath.normpath(path if path.startswith("/") else "/" + path)[1:]
    return tuple(path.split("/")) if path else ()


def relative_url(target: str, page_url: str) -> str:
    """``target`` (a site address) relative to the page at ``page_url``; the last part of
    ``page_url`` is a file when it has a dot. MkDocs' ``get_relative_url``, made here so the
    pages need no MkDocs (tests compare the two)."""
    folder, _, name = page_url.rpartition("/")
    here = _parts(folder if "." in name else page_url)
    there = _parts(target)
    common = 0
    for a, b in zip(here, there, strict=False):
        if a != b:
            break
        common += 1
    rel = "/".join((*[".."] * (len(here) - common), *there[common:])) or "."
    return rel + "/" if target.endswith("/") else rel


def relative_from(page_url: str) -> Callable[[str], str]:
    """``target`` relative to the page at ``page_url`` (:func:`relative_url`). A plain target
    (no leading slash, no empty part, no dot: "articles/x/") in another top folder than the
    page's is ``../`` per folder of the page before it, made so without the part by part
    comparison (most links of a page: its list items)."""
    folder, _, name = page_url.rpartition("/")
    parts = _parts(folder if "." in name else page_url)
    top = parts[0] if parts else None
    up = "../" * len(parts)

    def relative(target: str) -> str:
        if (target.partition("/")[0] != top and target and target[0] != "/"
                and "." not in target and "//" not in target):
            return up + target
        return relative_url(target, page_url)

    return relative


def article_items(link: Callable[..., str], items: Sequence[Any], ranks: Any = None,
                  counted: bool = False) -> Markup:
    """The ``<li>`` of each article of a list, each line indented by two spaces and ended by a
    newline: what the loop over the ``article_item`` macro of templates/pages/_macros.html
    wrote (the same bytes; made here because a list item was a tenth of every page's
    rendering). ``items``: article views, or (view, mention count or None) pairs when
    ``counted``; ``ranks``: order → article id → rank (a list sorted in the browser)."""
    out: list[str] = []
    add = out.append
    orders = list(ranks.items()) if ranks else ()
    for item in items:
        v, count = item if counted else (item, None)
        a = v.article
        add('  <li class="ar-item"')
        for o, r in orders:
            add(f' data-rank-{esc(o)}="{esc(r[v.id])}"')
        add(f'>\n  <a class="ar-item__title" href="{esc(link("article:" + v.id))}"><bdi>'
            f'{esc(a.title)}</bdi></a>\n  <span class="ar-meta">')
        add(text.date_html(a.date) if a.date else _NO_DATE)
        if a.source:
            add(f"{_SEP}<bdi>{esc(a.source)}</bdi>")
        if count is not None:
            add(f"{_SEP}ذُكر {esc(times_phrase(count))}")
        add("</span>\n</li>\n")
    return Markup("".join(out))


def entity_links(has: Callable[[str], bool], link: Callable[..., str],
                 entities: Mapping[str, EntityView], keys: Sequence[str],
                 counts: Mapping[str, int]) -> Markup:
    """The places (or actors) ``keys`` of an article page, each as the ``entity_link`` macro
    of templates/pages/_macros.html writes it, with its mention count when it has one, joined
    by «، » (the same bytes as the loop of templates/pages/article.html did)."""
    out: list[str] = []
    last = len(keys) - 1
    for i, k in enumerate(keys):
        e = entities[k]
        if has(e.key):
            out.append(f'<a class="ar-entity ar-entity--{esc(e.kind)}" '
                       f'href="{esc(link(e.key))}"><bdi>{esc(e.name)}</bdi></a>')
        else:
            out.append(f"<bdi>{esc(e.name)}</bdi>")
        if counts.get(k):
            out.append(f' <span class="ar-count">({esc(counts[k])})</span>')
        if i < last:
            out.append("، ")
    return Markup("".join(out))


@dataclass(frozen=True, slots=True)
class SiteOptions:
    """The archive's identity and page settings (the plugin reads them from mkdocs.yml)."""

    name: str = "أرشيف الأخبار"
    description: str = ""
    #: Introduction on the home page: Markdown written by the maintainer (not article data).
    intro: str = ""
    per_page: int = PER_PAGE
    #: Map extent (west, south, east, north) in degrees; None: fit the mentioned places.
    map_extent: tuple[float, float, float, float] | None = None
    #: Short ASCII name: BibTeX keys and the data package name.
    slug: str = "archive"


@dataclass(slots=True)
class PageSpec:
    """One generated page: where it lives, its title and how to render it."""

    key: str  # link key: "article:<id>", "place:<id>", "home", "list:articles:oldest:2", ...
    src_uri: str
    title: str
    template: str
    context: Callable[[], dict[str, Any]]
    hide: list[str] = field(default_factory=list)
    in_nav: bool = False
    prev: str | None = None  # link key of the previous page of a paginated list (rel=prev)
    next: str | None = None  # rel=next


class _ArticleContext(tuple[Any, ...]):
    """The context of an article's page (:attr:`PageSpec.context`): ``(site, view)`` called,
    rather than a closure and its defaults, one for every article made before any page and
    kept to the end of the pages (~150 bytes less an article)."""

    __slots__ = ()

    def __call__(self) -> dict[str, Any]:
        return self[0]._article(self[1])  # type: ignore[no-any-return]


@dataclass(slots=True)
class Listing:
    """A list of articles shown in pages of ``per_page``, in each of the ORDERS.

    The first page in the default order is the list's main page (key ``key``, file
    ``main_uri``: the articles page, a month, a place…); the others live under ``base``:
    ``<base>/page/<n>/``, ``<base>/<order>/`` and ``<base>/<order>/page/<n>/``.
    """

    key: str
    base: str
    main_uri: str
    title: str  # what is listed, for the titles of the further pages
    ids: list[str]  # newest first
    counts: dict[str, int] | None = None  # article id → mentions (place and actor lists)
    note: str = ""
    back: str = ""  # link text back to the main page, when it shows more than the list
    _orders: dict[str, list[str]] = field(default_factory=dict)
    _starts: dict[str, list[int]] = field(default_factory=dict)

    def page_key(self, order: str, n: int) -> str:
        return self.key if order == "newest" and n == 1 else f"list:{self.key}:{order}:{n}"

    def uri(self, order: str, n: int) -> str:
        if order == "newest" and n == 1:
            return self.main_uri
        parts = [self.base] + ([order] if order != "newest" else []) + (
            ["page", str(n)] if n > 1 else [])
        return "/".join(parts) + ".md"


@dataclass
class Orders:
    """What a :class:`Site` worked out of the articles' order: the ranks of every order, each
    list's ids in each order and where its pages begin, the ids' cut numbers. `mkdocs serve`
    hands it to the next reload's Site (:meth:`Site.take_orders`), which takes what still
    holds instead of sorting every list again."""

    per_page: int
    #: what the ranks are a function of (:meth:`Site.rank_basis`); None: no ranks made
    basis: tuple[Any, ...] | None
    ranks: dict[str, dict[str, int]] | None
    #: list key → (its ids, its ids per order, its page starts per order)
    lists: dict[str, tuple[list[str], dict[str, list[str]], dict[str, list[int]]]]
    cuts: dict[str, int]


class Site:
    """Page specs, link table and renderer for one build."""

    def __init__(
        self,
        data: SiteData,
        site_url: str | None,
        site_name: str,
        options: SiteOptions | None = None,
    ) -> None:
        self.data = data
        self.site_url = (site_url or "").rstrip("/") + "/" if site_url else None
        self.options = options or SiteOptions(name=site_name)
        self.site_name = site_name
        self.per_page = max(1, int(self.options.per_page))
        self.urls: dict[str, str] = {}  # link key → site-relative URL ("articles/x/")
        self.extra_pages: set[str] = set()  # keys of optional pages present (e.g. "search")
        #: the titles' matching forms for the order by title (the build sets its own)
        self.title_forms = TitleForms()
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES)),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            # a Site lives for one build: its templates are not looked at again on every page
            # (`mkdocs serve` makes a Site, and so an environment, for each reload)
            auto_reload=False,
        )
        self.env.filters.update(
            date=text.date_html,
            datetext=text.format_date,
            articles=articles_phrase,
            times=times_phrase,
            noun=noun,
            place_type=place_type,
            actor_type=actor_type,
            safe_url=safe_url,
            urlquote=lambda s: quote(str(s), safe=""),
        )
        self.env.globals["article_items"] = article_items
        self.env.globals["entity_links"] = entity_links
        # The macros of templates/pages/_macros.html are imported without the page's context
        # (a module made once, not again for every page): the two names of the page they use
        # are these, which answer as the page being rendered (see _render).
        self.env.globals["link"] = lambda key, anchor="": self._page_link(key, anchor)
        self.env.globals["has"] = lambda key: self._page_has(key)
        self._page_link: Callable[..., str] = _no_page
        self._page_has: Callable[[str], bool] = _no_page
        self._month_cache: dict[str, list[ArticleView]] | None = None
        self.counts = {k: len(v) for k, v in data.entity_articles.items()}
        #: where the map's basemap is kept between builds (archive.site.keptmap); None: drawn
        self.basemap_file: Path | None = None
        self._ranks: dict[str, dict[str, int]] | None = None
        self._dated: tuple[list[str], list[str]] | None = None
        self._newest_views: list[ArticleView] | None = None
        self._basis: tuple[Any, ...] | None = None  # what _ranks were made of (rank_basis)
        #: the previous reload's lists, while the ranks are the same (take_orders)
        self._lists_before: dict[str, tuple[list[str], dict[str, list[str]],
                                            dict[str, list[int]]]] = {}
        self._mentioned_cache: list[tuple[str, str, str, list[tuple[str, list[str]]]]] | None = (
            None)
        self.listings: dict[str, Listing] = {}
        #: Article pages kept between builds (the plugin sets it; None: always render).
        self.cache: PageCache | None = None
        #: Root pages' content kept the same way (archive.site.roots; keyed by the root's data).
        self.root_cache: PageCache | None = None
        #: Every other generated page (lists, places, actors, indexes) kept the same way; a
        #: page whose template iterates over a whole table is not stored (PageCache.put).
        self.list_cache: PageCache | None = None
        #: Digests of the shared objects and of the lookups' answers, once per build (the
        #: data does not change while a Site lives).
        self.memo = Memo()
        self._cuts: dict[str, int] = _Cuts()
        #: What the page cache keyed the page last rendered by :meth:`render` by: its inputs
        #: digest, recorded lookups and their answers' digest, and the tags of what its inputs
        #: took in (archive.site.pagecache.tag); None when it is not kept.
        self.last: tuple[str, list[list[str]], str, frozenset[str]] | None = None
        #: The tags of what the inputs digested last by :meth:`inputs` took in.
        self.last_tags: frozenset[str] = frozenset()
        #: what :meth:`inputs` computed last (page key, address, context, inputs, lookups,
        #: tags), taken by :meth:`render` when it renders that page next
        self._asked_last: tuple[Any, ...] | None = None

    def close(self) -> None:
        """`mkdocs build`, the pages written: let go of everything this Site holds (the site
        data with every article's view, the page specs, the memo of rendered parts, the link
        table, its Jinja2 environment). A Site is in reference cycles (its environment's
        globals and its page specs hold closures over it), which only the cycle collector
        frees, and that is paused through the browser stage (archive.browser.index), the
        build's peak: ~40 MB at 9,504 articles were kept to the end. Its attributes dropped,
        what they held is freed at once by reference counting. The Site is not usable
        afterwards."""
        vars(self).clear()

    # -- orderings ---------------------------------------------------------------------------

    def ranks(self) -> dict[str, dict[str, int]]:
        """Order → article id → rank, over the whole archive (each list sorts by these)."""
        if self._ranks is None:
            self._basis = None  # (made when asked for: orders)
            newest = self.data.newest_ids()
            dated, undated = self._dated_ids()
            by_title = title_order(self.data.articles.values(), self.title_forms)
            self._ranks = {
                "newest": {a: i for i, a in enumerate(newest)},
                "oldest": {a: i for i, a in enumerate(dated[::-1] + undated)},
                "title": {v.article.id: i for i, v in enumerate(by_title)},
            }
        return self._ranks

    def _newest(self) -> list[ArticleView]:
        """The data's articles newest first (made once: the data does not change while a
        Site lives)."""
        if self._newest_views is None:
            self._newest_views = self.data.newest_first()
        return self._newest_views

    def _dated_ids(self) -> tuple[list[str], list[str]]:
        """The ids of the dated and of the undated articles, each newest first (made once)."""
        if self._dated is None:
            dated: list[str] = []
            undated: list[str] = []
            for v in self._newest():
                (dated if v.article.date else undated).append(v.article.id)
            self._dated = (dated, undated)
        return self._dated

    def rank_basis(self) -> tuple[Any, ...]:
        """What :meth:`ranks` are a function of: the articles' ids, dates and titles, and the
        data's own order when it has one."""
        return (self.data.order, [(v.id, v.article.date, v.article.title)
                                  for v in self.data.articles.values()])

    def orders(self) -> Orders:
        """The orders worked out by this Site, for the next reload's (:meth:`take_orders`)."""
        if self._ranks is not None and self._basis is None:
            # (what the ranks were made of: the data does not change while a Site lives)
            self._basis = self.rank_basis()
        return Orders(self.per_page, self._basis, self._ranks,
                      {k: (x.ids, x._orders, x._starts) for k, x in self.listings.items()},
                      self._cuts)

    def take_orders(self, before: Orders) -> None:
        """`mkdocs serve`: take over the previous reload's cut numbers (a function of the id
        alone) and, when the articles' ids, dates and titles are the same, its ranks and the
        orders and page starts of each list with the same ids."""
        self._cuts = before.cuts if isinstance(before.cuts, _Cuts) else _Cuts(before.cuts)
        if before.ranks is None or before.per_page != self.per_page:
            return
        basis = self.rank_basis()
        if basis == before.basis:
            self._ranks, self._basis, self._lists_before = before.ranks, basis, before.lists

    def _before(self, listing: Listing) -> tuple[Any, ...] | None:
        old = self._lists_before.get(listing.key)
        return old if old is not None and old[0] == listing.ids else None

    def ordered(self, listing: Listing, order: str) -> list[str]:
        if order not in listing._orders:
            old = self._before(listing)
            if old is not None and order in old[1]:
                listing._orders[order] = old[1][order]
                return listing._orders[order]
            rank = self.ranks()[order]
            listing._orders[order] = (
                listing.ids if order == "newest" else sorted(listing.ids, key=rank.__getitem__)
            )
        return listing._orders[order]

    def client(self, listing: Listing) -> bool:
        """Whether the list fits one page, sorted in the browser (else: static pages)."""
        return len(listing.ids) <= self.per_page

    def starts(self, listing: Listing, order: str) -> list[int]:
        """Where each page of ``listing`` in ``order`` begins (see :func:`page_starts`)."""
        if order not in listing._starts:
            old = self._before(listing)
            if old is not None and order in old[2]:
                listing._starts[order] = old[2][order]
                return listing._starts[order]
            ids = self.ordered(listing, order)
            listing._starts[order] = ([0] if self.client(listing) else
                                      page_starts(ids, self.per_page, self._cut_of))
        return listing._starts[order]

    def n_pages(self, listing: Listing, order: str = "newest") -> int:
        return len(self.starts(listing, order))

    def _cut(self, article_id: str) -> int:
        """A number fixed by the article's id alone: it decides where pages may begin."""
        return self._cuts[article_id]

    @property
    def _cut_of(self) -> Callable[[str], int]:
        """:meth:`_cut` as the lookup of the numbers made so far (a known id's number without
        a call of a Python function: page_starts asks for ~150,000 at 29,904 articles)."""
        return self._cuts.__getitem__

    # -- page list -------------------------------------------------------------------------
    def _add_listing(
        self, specs: list[PageSpec], listing: Listing, main: PageSpec
    ) -> None:
        """The main page (``main``) and every further page of ``listing``."""
        self.listings[listing.key] = listing
        # A list on one page is sorted in the browser (it holds every item); a longer one has
        # static pages for each ordering, reached by links that work without JavaScript.
        for order in ("newest",) if self.client(listing) else ORDERS:
            pages = self.n_pages(listing, order)
            for n in range(1, pages + 1):
                key = listing.page_key(order, n)
                prev = listing.page_key(order, n - 1) if n > 1 else None
                nxt = listing.page_key(order, n + 1) if n < pages else None
                if key == listing.key:
                    main.prev, main.next = prev, nxt
                    specs.append(main)
                    continue
                suffix = "" if n == 1 else f"، الصفحة {n}"
                specs.append(PageSpec(
                    key, listing.uri(order, n),
                    f"{listing.title} ({ORDERS[order]}{suffix})", "list.html",
                    (lambda listing=listing, order=order, n=n: {
                        "L": self.page_of(listing, order, n)}),
                    hide=["toc"], prev=prev, next=nxt,
                ))

    def specs(self) -> list[PageSpec]:
        d = self.data
        specs = [
            PageSpec("home", INDEX_PAGES["home"], "الرئيسية", "home.html", self._home,
                     in_nav=True),
            PageSpec("timeline", INDEX_PAGES["timeline"], "الخط الزمني", "timeline.html",
                     self._timeline, in_nav=True),
            PageSpec("places", INDEX_PAGES["places"], "الأماكن", "places.html", self._places,
                     in_nav=True),
            PageSpec("map", INDEX_PAGES["map"], "الخريطة", "map.html", self._map, in_nav=True),
            PageSpec("actors", INDEX_PAGES["actors"], "الفاعلون", "actors.html", self._actors,
                     in_nav=True),
            PageSpec("sources", INDEX_PAGES["sources"], "المصادر", "sources.html",
                     self._sources, in_nav=True),
            PageSpec("data", INDEX_PAGES["data"], "البيانات المفتوحة", "data.html",
                     self._data_page, in_nav=True),
        ]
        everything = Listing("articles", "articles", INDEX_PAGES["articles"], "كل المقالات",
                             d.newest_ids())
        self._add_listing(specs, everything, PageSpec(
            "articles", INDEX_PAGES["articles"], "كل المقالات", "articles.html",
            lambda: {"L": self.page_of(everything, "newest", 1)}, hide=["toc"], in_nav=True))
        hide = ["toc"]  # (one list for every article's spec: its readers copy it)
        for i, v in d.articles.items():  # (by id)
            specs.append(PageSpec(
                f"article:{i}", f"articles/{i}.md", v.article.title or i,
                "article.html", _ArticleContext((self, v)), hide,
            ))
        for key, items in self._months().items():
            label = _month_label(key)
            listing = Listing(f"month:{key}", f"timeline/{key}", f"timeline/{key}.md",
                              f"مقالات {label}", [v.id for v in items],
                              back=f"صفحة {label} والأشهر المجاورة")
            self._add_listing(specs, listing, PageSpec(
                listing.key, listing.main_uri, label, "month.html",
                (lambda key=key, listing=listing: self._month(key, listing)), hide=["toc"]))
        undated = Listing("undated", "timeline/undated", "timeline/undated.md",
                          "مقالات بلا تاريخ معروف", list(self._dated_ids()[1]),
                          note="لم يُذكر تاريخ النشر في هذه الملفات، ولا يخمّنه الأرشيف. "
                               "التواريخ المذكورة في نصوصها مبيّنة في صفحة كل مقال.")
        self._add_listing(specs, undated, PageSpec(
            "undated", undated.main_uri, undated.title, "list.html",
            lambda: {"L": self.page_of(undated, "newest", 1)}, hide=["toc"]))
        for _year, slug, label, _values in self._mentioned_groups():
            specs.append(PageSpec(
                f"mentioned:{slug}", f"timeline/mentioned/{slug}.md",
                f"تواريخ تذكرها المقالات: {label}", "mentioned.html",
                (lambda slug=slug: self._mentioned(slug)), hide=["toc"]))
        for e in d.entities.values():
            if not d.shown(e.key):
                continue  # no article names it: no page (it stays in the data files)
            folder = "places" if e.kind == "place" else "actors"
            template = "place.html" if e.kind == "place" else "actor.html"
            mentions = d.entity_articles[e.key]
            listing = Listing(e.key, f"{folder}/{e.id}", f"{folder}/{e.id}.md",
                              f"المقالات التي تذكر «{e.name}»", [a for a, _ in mentions],
                              counts=dict(mentions), back=f"صفحة «{e.name}»")
            self._add_listing(specs, listing, PageSpec(
                e.key, listing.main_uri, e.name, template,
                (lambda e=e, listing=listing: self._entity(e, listing)), hide=["toc"]))
        for name, ids in d.sources.items():
            slug = d.source_slugs[name]
            listing = Listing(f"source:{slug}", f"sources/{slug}", f"sources/{slug}.md",
                              f"مقالات {name}", list(ids), back=f"صفحة «{name}»")
            self._add_listing(specs, listing, PageSpec(
                listing.key, listing.main_uri, name, "source.html",
                (lambda name=name, listing=listing: self._source(name, listing)),
                hide=["toc"]))
        unknown = [i for i in d.newest_ids() if not d.articles[i].article.source]
        if unknown:
            listing = Listing("source:", "sources/unknown", "sources/unknown.md",
                              "مقالات مصدرها غير معروف", unknown,
                              note="لم يذكر الملف مصدره، ولم يجد الأرشيف في النص دليلًا صريحًا "
                                   "عليه.")
            self._add_listing(specs, listing, PageSpec(
                listing.key, listing.main_uri, listing.title, "list.html",
                (lambda listing=listing: {"L": self.page_of(listing, "newest", 1)}),
                hide=["toc"]))
        return specs

    # -- pages of a list ---------------------------------------------------------------------
    def outlines(self) -> dict[str, Any]:
        """Per page key, for the further pages of every list ("list:…") and the mentioned-dates
        pages: what the page's context holds besides what its articles' views show (their
        tags, archive.site.pagecache.tag), as plain data. Equal outlines and unchanged views:
        the same context (`mkdocs build` checks a page again only when its outline changed,
        archive.site.plugin)."""
        out: dict[str, Any] = {}
        for listing in self.listings.values():
            client = self.client(listing)
            head = (listing.title, listing.back, listing.note, listing.base, listing.main_uri,
                    client)
            for order in ("newest",) if client else ORDERS:
                ids, starts = self.ordered(listing, order), self.starts(listing, order)
                pages = len(starts)
                for n in range(1, pages + 1):
                    # its articles (a client list's one page ranks all of them); their mention
                    # counts are not in it: the plugin checks every page of a list whose
                    # counts changed
                    out[listing.page_key(order, n)] = (
                        head, pages, n, ids[starts[n - 1] : starts[n] if n < pages else len(ids)])
        for _year, slug, label, values in self._mentioned_groups():
            out[f"mentioned:{slug}"] = (label, [(value, ids[:MENTIONED_SHOWN], len(ids))
                                                for value, ids in values])
        return out

    def page_of(self, listing: Listing, order: str, n: int) -> dict[str, Any]:
        """Everything a template needs to show page ``n`` of ``listing`` in ``order``."""
        ids = self.ordered(listing, order)
        starts = self.starts(listing, order)
        pages = len(starts)
        first = starts[n - 1]
        chunk = ids[first : starts[n] if n < pages else len(ids)]
        counts = listing.counts
        client = self.client(listing)  # sorted in the browser: items carry their rank per order
        ranks: dict[str, dict[str, int]] = {}
        if client:
            ranks = {o: {a: i for i, a in enumerate(self.ordered(listing, o))} for o in ORDERS}
        main = order == "newest" and n == 1
        # Only what this page shows: a further page's digest (archive.site.pagecache) must not
        # change with the list's length or page count, which any added article changes.
        return {
            "client": client,
            "ranks": ranks,
            "back": listing.back,
            "title": listing.title,
            "note": listing.note,
            "order": order,
            "order_label": ORDERS[order],
            "page": n,
            "paged": pages > 1,
            "total": len(ids) if client or main else None,
            "per_page": self.per_page,
            # what the page's first and last items say (dates, or titles in title order):
            # not their positions, which every article added before them would shift
            "span": _span(chunk, order, self.data),
            "items": [(self.data.card(a), counts.get(a) if counts else None)
                      for a in chunk],
            "orders": [(o, label, listing.page_key(o, 1), o == order)
                       for o, label in ORDERS.items()],
            "prev": listing.page_key(order, n - 1) if n > 1 else None,
            "next": listing.page_key(order, n + 1) if n < pages else None,
            "numbers": [(m, listing.page_key(order, m) if m else None)
                        for m in page_window(n, pages)],
            "main": listing.key,
        }

    # -- rendering ---------------------------------------------------------------------------
    def link_from(self, page_url: str) -> Callable[..., str]:
        relative = relative_from(page_url)

        def link(key: str, anchor: str = "") -> str:
            rel = relative(self.urls[key])
            return rel + (f"#{anchor}" if anchor else "")

        return link

    def render(self, spec: PageSpec, page_url: str, intro: str | None = None) -> str:
        """The page's HTML. ``intro``: the home introduction already rendered by MkDocs (from
        docs/index.md), instead of the ``intro`` option. With a :attr:`cache`, an article page
        whose inputs and lookups did not change since the last build is taken from it."""
        self.last = None
        cache = self.cache_of(spec, intro)
        if cache is None:
            return self._render(spec, page_url, intro, spec.context(), None)
        known, self._asked_last = self._asked_last, None
        if known is not None and known[:2] == (spec.key, page_url) and intro is None:
            context, inputs, lookups, self.last_tags = known[2:]
        else:
            context = spec.context()
            inputs, lookups = self._inputs(spec, page_url, context)
        html = cache.get(spec.key, inputs, lookups)
        if html is not None:
            cache.hits += 1
        else:
            cache.misses += 1
            html = self._render(spec, page_url, intro, context, lookups)
            cache.put(spec.key, inputs, lookups, html)
        if cache.last is not None:
            self.last = (inputs, *cache.last, self.last_tags)
        return html

    def cache_of(self, spec: PageSpec, intro: str | None = None) -> PageCache | None:
        """The page cache that keeps the content of ``spec``'s page (None: not kept)."""
        return (self.cache if spec.key.startswith("article:") else
                self.root_cache if spec.key.startswith("root:") else
                self.list_cache if intro is None else None)

    def inputs(self, spec: PageSpec, page_url: str) -> tuple[str, Lookups]:
        """The digest of the page's inputs and the lookups that answer for it, as
        :meth:`render` keys the page in its cache (what ``mkdocs serve`` compares with the
        previous reload's, without reading the stored page)."""
        context = spec.context()
        inputs, lookups = self._inputs(spec, page_url, context)
        # the page is often rendered next (its inputs changed): not digested twice
        self._asked_last = (spec.key, page_url, context, inputs, lookups, self.last_tags)
        return inputs, lookups

    def _inputs(self, spec: PageSpec, page_url: str, context: dict[str, Any]
                ) -> tuple[str, Lookups]:
        # functions in a context are code (the fingerprint covers it), not data
        keyed = {k: v for k, v in context.items() if not callable(v)}
        self.memo.touched = set()
        inputs = PageCache.inputs_digest([spec.key, page_url, spec.title, spec.template,
                                          self.site_name, self.site_url, self.options, keyed],
                                         self.memo)
        self.last_tags = frozenset(self.memo.touched)
        return inputs, Lookups(self._answer, self.memo)

    def _answer(self, kind: str, key: str) -> Any:
        """The answer a template gets to one lookup (what :class:`Lookups` records)."""
        if kind == "link":
            return self.urls.get(key)
        if kind == "has":
            return key in self.urls
        if kind == "entity":
            return self.data.entities.get(key)
        if kind == "article":
            return self.data.articles.get(key)
        if kind == "count":
            return self.counts.get(key)
        if kind == "shown":
            return self.data.shown(key)
        raise ValueError(f"unknown lookup kind {kind!r}")

    def _render(self, spec: PageSpec, page_url: str, intro: str | None,
                own: dict[str, Any], lookups: Lookups | None) -> str:
        plain_link = self.link_from(page_url)
        link: Callable[..., str] = plain_link
        has: Callable[[str], bool] = lambda key: key in self.urls  # noqa: E731
        entities: Mapping[str, EntityView] = self.data.entities
        articles: Mapping[str, ArticleView] = self.data.articles
        counts: Mapping[str, int] = self.counts
        shown: Callable[[str], bool] = self.data.shown
        if lookups is not None:  # record every lookup (see archive.site.pagecache)
            # (lookups.ask without its answer, which a link does not use: a page's list
            # items ask for a link each, 10^5 at 9,504 articles)
            asked, urls, relative = lookups.asked.add, self.urls, relative_from(page_url)

            def link(key: str, anchor: str = "") -> str:
                asked(("link", key))
                rel = relative(urls[key])
                return f"{rel}#{anchor}" if anchor else rel

            has, shown = lookups.function("has"), lookups.function("shown")
            entities = lookups.mapping("entity", entities)
            articles = lookups.mapping("article", articles)
            counts = lookups.mapping("count", counts)
        template = self.env.get_template(spec.template)
        context = {
            "link": link,
            "has": has,
            "site_name": self.site_name,
            "entities": entities,
            "shown": shown,
            "articles_by_id": articles,
            "counts": counts,
            "page_title": spec.title,
            **own,
        }
        if spec.key.startswith("article:"):
            view = self.data.articles[spec.key.split(":", 1)[1]]
            context["body"] = text.body_html(
                view.article, view.mentions, link, entities  # type: ignore[arg-type]
            )
        if spec.key == "map":
            extent = context["map_extent"]
            context["svg"] = (mapsvg.map_svg(
                context["map_places"], self.counts, link, extent,
                drawn=keptmap.basemap(mapsvg.Projection(extent), self.basemap_file))
                if extent else None)
        if spec.key == "timeline":
            context["chart"] = month_chart(self._month_counts(), link)
        if spec.key == "home" and intro is not None:
            context["intro"] = Markup(intro) if intro.strip() else None
        self._page_link, self._page_has = link, has
        try:
            return template.render(context)
        finally:
            self._page_link = self._page_has = _no_page

    # -- contexts ----------------------------------------------------------------------------
    def _home(self) -> dict[str, Any]:
        d = self.data
        dated = sorted(v.article.date for v in d.dated() if v.article.date)
        return {
            "intro": intro_html(self.options.intro),
            "n_articles": len(d.articles),
            "n_places": len(d.shown_places()),
            "n_actors": len(d.shown_actors()),
            "n_sources": len(d.sources),
            "n_undated": len(d.undated()),
            "first_date": dated[0] if dated else None,
            "last_date": dated[-1] if dated else None,
            "latest": [d.card(v.id) for v in d.newest_first()[:10]],
        }

    def _months(self) -> dict[str, list[ArticleView]]:
        """Month key ("2021-09", or "2021" for year-only dates) → its articles, newest first;
        keys newest first."""
        if self._month_cache is None:
            groups: dict[str, list[ArticleView]] = {}
            # the newest-first order (the data's own when it has one: made by the same key,
            # whose ids make every key distinct) is the dated articles' sorted by the key
            for v in self._newest():
                if v.article.date:
                    groups.setdefault(v.article.date[:7], []).append(v)
            self._month_cache = groups
        return self._month_cache

    def _month_counts(self) -> list[tuple[str, int, str | None]]:
        """Every month from the first to the last dated one, oldest first: (YYYY-MM, articles,
        link key or None when the month has no article)."""
        months = {k: len(v) for k, v in self._months().items() if len(k) == 7 and k[4] == "-"}
        if not months:
            return []
        first, last = min(months), max(months)
        y, m = int(first[:4]), int(first[5:7])
        out: list[tuple[str, int, str | None]] = []
        while f"{y:04d}-{m:02d}" <= last:
            key = f"{y:04d}-{m:02d}"
            n = months.get(key, 0)
            out.append((key, n, f"month:{key}" if n else None))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    def _month(self, key: str, listing: Listing) -> dict[str, Any]:
        keys = list(self._months())
        i = keys.index(key)
        newer = keys[i - 1] if i > 0 else None
        older = keys[i + 1] if i + 1 < len(keys) else None
        return {
            "key": key,
            "label": _month_label(key),
            "L": self.page_of(listing, "newest", 1),
            "newer": (newer, _month_label(newer)) if newer else None,
            "older": (older, _month_label(older)) if older else None,
        }

    def _mentioned_groups(self) -> list[tuple[str, str, str, list[tuple[str, list[str]]]]]:
        """Dates the texts mention, one group (and page) per month, newest first:
        (year heading, slug, label, [(date value, article ids newest first)]). A page per
        month keeps every page small however many articles mention dates."""
        if self._mentioned_cache is None:
            d = self.data
            mentioned: dict[str, list[str]] = {}
            for v in d.articles.values():
                for value in dict.fromkeys(md.value for md in v.article.mentioned_dates):
                    mentioned.setdefault(value, []).append(v.id)
            rank = self.ranks()["newest"]
            groups: dict[str, list[tuple[str, list[str]]]] = {}
            for value in sorted(mentioned, reverse=True):
                key = value[:7] if value[:4].isdigit() else value[:4]  # 2021-09, 2021, --06
                ids = sorted(mentioned[value], key=rank.__getitem__)
                groups.setdefault(key, []).append((value, ids))
            out = []
            for key, values in groups.items():
                if key[:4].isdigit():
                    year, slug = key[:4], key
                    label = _month_label(key) if len(key) == 7 else f"{key} (الشهر غير مذكور)"
                else:
                    year, slug = "سنة غير مذكورة", f"no-year{key[1:]}"
                    label = text.format_date(key)
                out.append((year, slug, label, values))
            self._mentioned_cache = out
        return self._mentioned_cache

    def _mentioned(self, slug: str) -> dict[str, Any]:
        v0 = self.data.articles
        for _year, s, label, values in self._mentioned_groups():
            if s == slug:
                rows = []
                for value, ids in values:
                    quotes = []
                    for a in ids[:MENTIONED_SHOWN]:
                        q = next((m.text for m in v0[a].article.mentioned_dates
                                  if m.value == value), "")
                        quotes.append((self.data.card(a), q))
                    rows.append((value, quotes, len(ids)))
                return {"label": label, "rows": rows}
        raise KeyError(slug)

    def _timeline(self) -> dict[str, Any]:
        by_year: dict[str, list[tuple[str, str, int]]] = {}
        for key, items in self._months().items():
            short = text.month_name(int(key[5:7])) if len(key) == 7 else "شهر غير معروف"
            by_year.setdefault(key[:4], []).append((key, short, len(items)))
        years = [
            (year, sum(n for _, _, n in months), months) for year, months in by_year.items()
        ]
        mentioned: dict[str, list[tuple[str, str, int]]] = {}
        for year, slug, label, values in self._mentioned_groups():
            n = len({a for _, ids in values for a in ids})
            if not year[:1].isdigit():  # the heading says the year is not given
                month = slug.rsplit("-", 1)[-1]
                short = text.month_name(int(month)) if month.isdigit() else label
            elif len(slug) == 4:
                short = "بلا شهر"
            else:
                short = label.replace(f" {year}", "")
            mentioned.setdefault(year, []).append((slug, short, n))
        return {
            "years": years,
            "n_undated": len(self.listings["undated"].ids),
            "mentioned_years": list(mentioned.items()),
        }

    def _places(self) -> dict[str, Any]:
        d = self.data
        shown = d.shown_places()
        kids: dict[str, list[EntityView]] = {}
        tops: list[EntityView] = []
        for e in shown:
            parent = d.shown_parent(e.key)
            (kids.setdefault(parent, []) if parent else tops).append(e)

        def by_name(items: list[EntityView]) -> list[EntityView]:
            return sorted(items, key=lambda e: (e.name, e.key))

        seen: set[str] = set()

        def tree(e: EntityView) -> dict[str, Any]:
            seen.add(e.key)
            children = [tree(c) for c in by_name(kids.get(e.key, [])) if c.key not in seen]
            return {"entity": e, "children": children}

        roots = [tree(e) for e in by_name(tops)]
        for e in by_name(shown):  # places caught in a parent cycle: top level, not lost
            if e.key not in seen:
                roots.append(tree(e))
        return {"tree": roots, "n_places": len(shown)}

    def _map(self) -> dict[str, Any]:
        d = self.data
        shown = d.shown_places()
        fixed = mapsvg.Extent(*self.options.map_extent) if self.options.map_extent else None
        extent, on_map, off_map = mapsvg.choose_extent(shown, self.counts, fixed=fixed)
        return {
            "map_extent": extent,
            "map_places": on_map,
            "on_map": sorted(on_map, key=lambda p: (-self.counts.get(p.key, 0), p.name, p.key)),
            "off_map": sorted(off_map, key=lambda p: (p.name, p.key)),
            "no_coords": sorted(
                (p for p in shown if not p.has_coordinates), key=lambda p: (p.name, p.key)
            ),
        }

    def _actors(self) -> dict[str, Any]:
        groups: dict[str, list[EntityView]] = {}
        for e in self.data.shown_actors():
            groups.setdefault(e.type, []).append(e)
        order = list(ACTOR_TYPES) + sorted(set(groups) - set(ACTOR_TYPES))
        return {
            "groups": [
                (
                    t,
                    ACTOR_TYPES.get(t, t or "أخرى"),
                    sorted(groups[t], key=lambda e: (-self.counts.get(e.key, 0), e.name, e.key)),
                )
                for t in order
                if t in groups
            ],
        }

    def _date_range(self, ids: Sequence[str]) -> tuple[str | None, str | None]:
        dates = sorted(x for x in (self.data.articles[a].article.date for a in ids) if x)
        return (dates[0], dates[-1]) if dates else (None, None)

    def _sources(self) -> dict[str, Any]:
        d = self.data
        items = []
        for name, ids in sorted(d.sources.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            first, last = self._date_range(ids)
            items.append({"key": f"source:{d.source_slugs[name]}", "name": name,
                          "count": len(ids), "first": first, "last": last})
        n_unknown = sum(1 for v in d.articles.values() if not v.article.source)
        return {"sources": items, "n_unknown": n_unknown}

    def _source(self, name: str, listing: Listing) -> dict[str, Any]:
        first, last = self._date_range(listing.ids)
        return {"name": name, "first": first, "last": last,
                "L": self.page_of(listing, "newest", 1)}

    def _data_page(self) -> dict[str, Any]:
        return {"files": DATA_FILES}

    def _article(self, v: ArticleView) -> dict[str, Any]:
        a = v.article
        archive_path = self.urls[f"article:{v.id}"]
        archive_url = (self.site_url + archive_path) if self.site_url else "/" + archive_path
        source_key = (f"source:{self.data.source_slugs[a.source]}"
                      if a.source and a.source in self.data.source_slugs else None)
        return {
            "v": v,
            "a": a,
            "source_url": safe_url(a.url),
            "source_key": source_key,
            "archive_url": archive_url,
            "archive_absolute": bool(self.site_url),
            "cite_key": f"{self.options.slug}-{v.id}",
            "related": [self.data.card(r) for r in v.related],
            "mentioned": sorted(a.mentioned_dates, key=lambda m: (m.start, m.value)),
        }

    def _entity(self, e: EntityView, listing: Listing) -> dict[str, Any]:
        d = self.data
        co = [(k, n) for k, n in d.cooccurrence.get(e.key, []) if d.shown(k)]
        ancestors: list[EntityView] = []
        seen = {e.key}
        parent = e.parent
        while parent and parent in d.entities and parent not in seen:
            seen.add(parent)
            ancestors.append(d.entities[parent])
            parent = d.entities[parent].parent
        members = d.members(e.key) if e.kind == "actor" else []
        return {
            "e": e,
            "n_mentions": len(listing.ids),
            "L": self.page_of(listing, "newest", 1),
            "co_places": [(d.entities[k], n) for k, n in co if k.startswith("place:")][:10],
            "co_actors": [(d.entities[k], n) for k, n in co if k.startswith("actor:")][:10],
            "ancestors": list(reversed(ancestors)),
            "children": [d.entities[k] for k in d.children.get(e.key, []) if d.shown(k)],
            "affiliations": [d.entities[k] for k in e.affiliation if k in d.entities],
            "members": sorted(members, key=lambda x: (x.name, x.key)),
            "osm": _osm(e),
        }


class _Cuts(dict[str, int]):
    """Article id → its cut number (:meth:`Site._cut`), made on first asking."""

    __slots__ = ()

    def __missing__(self, article_id: str) -> int:
        digest = hashlib.blake2b(article_id.encode(), digest_size=8).digest()
        h = self[article_id] = int.from_bytes(digest, "big")
        return h


def page_starts(ids: Sequence[str], per_page: int, cut: Callable[[str], int]) -> list[int]:
    """Where each page of a list begins: ``per_page`` articles a page on average, cut where
    the articles themselves say, so that one article added or removed changes the page it is
    on and not every page after it.

    A page begins at an article whose ``cut`` number is a multiple of ``m`` once the page
    before holds at least ``per_page // 2`` articles (``m`` chosen so that pages hold
    ``per_page`` on average), and in any case after ``2 * per_page``; a last page shorter
    than the minimum joins the one before. Pages hold ``per_page // 2`` to ``2 * per_page``
    articles (a list with fewer than the minimum is one page)."""
    least = max(1, per_page // 2)
    most = max(least, 2 * per_page)
    m = max(1, per_page - least + 1)
    starts = [0]
    n = len(ids)
    # From each page's start, only the places where the next may begin are looked at (the
    # first ``least`` after it cannot): the first whose cut number fits, else ``most`` on.
    at = 0
    while True:
        for i in range(at + least, min(at + most, n)):
            if cut(ids[i]) % m == 0:
                break
        else:
            i = at + most
            if i >= n:
                break
        starts.append(i)
        at = i
    if len(starts) > 1 and n - starts[-1] < least:
        starts.pop()
    return starts


def page_window(n: int, pages: int, around: int = 2) -> list[int]:
    """Page numbers to link from page ``n`` of ``pages``: the first and ``around`` either
    side of ``n``; 0 marks a gap («…»), also after the last number shown when more pages
    follow. The last page is not linked by number: its number changes whenever a page is
    added or removed anywhere in the list, and then so would every page linking to it
    (the other ordering's first page shows the end of the list)."""
    keep = sorted({1, *range(max(1, n - around), min(pages, n + around) + 1)})
    out: list[int] = []
    for m in keep:
        if out and m - out[-1] == 2:
            out.append(m - 1)  # a gap of one page: show the number, not «…»
        elif out and m - out[-1] > 2:
            out.append(0)
        out.append(m)
    if out[-1] < pages:
        out.append(0)
    return out


def _span(chunk: Sequence[str], order: str, data: SiteData) -> tuple[Any, Any] | None:
    """The first and last item of a page as the reader sees them sorted: their dates in a
    date order (None when undated), their titles in title order; None for an empty page."""
    if not chunk:
        return None
    first, last = data.articles[chunk[0]].article, data.articles[chunk[-1]].article
    if order == "title":
        return (_opening(first.title or first.id), _opening(last.title or last.id))
    return (first.date, last.date)


def _opening(title: str, words: int = 4) -> str:
    """The first ``words`` words of a title (with «…» when it goes on): enough to tell where a
    page of the title order begins and ends without filling a phone's screen."""
    parts = title.split()
    return title if len(parts) <= words else " ".join(parts[:words]) + "…"


def intro_html(source: str) -> Markup | None:
    """The maintainer's home introduction (Markdown from mkdocs.yml or docs/), as HTML."""
    if not source.strip():
        return None
    import markdown

    return Markup(markdown.markdown(source, output_format="html"))


DATA_FILES: list[dict[str, str]] = [
    {"name": "articles.json", "desc": "كل المقالات: البيانات الوصفية والنص الكامل وأجزاؤه (متن "
     "وملحقات) والأماكن والفاعلون المذكورون وعدد مرات ذكرهم والتواريخ المذكورة.",
     "format": "JSON"},
    {"name": "articles.csv", "desc": "المقالات في جدول: سطر لكل مقال، مع نص المتن، وما جاء خارج "
     "المتن (تعليقات الصور، «اقرأ أيضًا»…) في عمود مستقل. الترميز UTF-8.", "format": "CSV"},
    {"name": "places.geojson", "desc": "الأماكن: الاسم والأسماء الأخرى والنوع والمكان الأعلى وعدد "
     "المقالات، مع الإحداثيات حين تُعرف.", "format": "GeoJSON"},
    {"name": "actors.json", "desc": "الفاعلون: الاسم والأسماء الأخرى والنوع والتبعية وعدد "
     "المقالات.", "format": "JSON"},
    {"name": "datapackage.json", "desc": "وصف الملفات السابقة وحقولها وفق مواصفة Frictionless "
     "Data Package.", "format": "JSON"},
]


def _month_label(key: str) -> str:
    parts = key.split("-")
    if len(parts) == 2:
        return f"{text.month_name(int(parts[1]))} {parts[0]}"
    return f"{parts[0]} (الشهر غير معروف)"


def _osm(e: EntityView) -> str | None:
    if not e.has_coordinates:
        return None
    return (
        f"https://www.openstreetmap.org/?mlat={e.lat:.5f}&mlon={e.lon:.5f}"
        f"#map=14/{e.lat:.5f}/{e.lon:.5f}"
    )


def markup(s: str) -> Markup:
    return Markup(s)
