"""Jinja2 rendering of the generated pages (autoescape on: article and gazetteer text is data).

Each generated page is described by a :class:`PageSpec`; its HTML is produced only when MkDocs
renders that page, so a build does the work of one page at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2
from markupsafe import Markup

from archive.site import mapsvg, text
from archive.site.model import ArticleView, EntityView, SiteData, newest_first_key

TEMPLATES = Path(__file__).parent / "templates" / "pages"

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

#: Articles listed on a place or actor page (newest first); the rest are one click away in the
#: articles table, filtered by that place or actor.
ENTITY_ARTICLES_SHOWN = 100
#: Articles listed under each date mentioned in the texts (timeline).
MENTIONED_SHOWN = 5

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


@dataclass(slots=True)
class PageSpec:
    """One generated page: where it lives, its title and how to render it."""

    key: str  # link key: "article:<id>", "place:<id>", "home", ...
    src_uri: str
    title: str
    template: str
    context: Callable[[], dict[str, Any]]
    hide: list[str] = field(default_factory=list)


class Site:
    """Page specs, link table and renderer for one build."""

    def __init__(self, data: SiteData, site_url: str | None, site_name: str) -> None:
        self.data = data
        self.site_url = (site_url or "").rstrip("/") + "/" if site_url else None
        self.site_name = site_name
        self.urls: dict[str, str] = {}  # link key → site-relative URL ("articles/x/")
        self.extra_pages: set[str] = set()  # keys of optional pages present (e.g. "search")
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES)),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
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
        self._month_cache: dict[str, list[ArticleView]] | None = None
        counts = {k: len(v) for k, v in data.entity_articles.items()}
        self.counts = counts

    # -- page list -------------------------------------------------------------------------
    def specs(self) -> list[PageSpec]:
        d = self.data
        specs = [
            PageSpec("home", INDEX_PAGES["home"], "الرئيسية", "home.html", self._home),
            PageSpec("articles", INDEX_PAGES["articles"], "كل المقالات", "articles.html",
                     self._articles, hide=["toc"]),
            PageSpec("timeline", INDEX_PAGES["timeline"], "الخط الزمني", "timeline.html",
                     self._timeline),
            PageSpec("places", INDEX_PAGES["places"], "الأماكن", "places.html", self._places),
            PageSpec("map", INDEX_PAGES["map"], "الخريطة", "map.html", self._map),
            PageSpec("actors", INDEX_PAGES["actors"], "الفاعلون", "actors.html", self._actors),
            PageSpec("sources", INDEX_PAGES["sources"], "المصادر", "sources.html",
                     self._sources),
            PageSpec("data", INDEX_PAGES["data"], "البيانات المفتوحة", "data.html",
                     self._data_page),
        ]
        for v in d.articles.values():
            specs.append(PageSpec(
                f"article:{v.id}", f"articles/{v.id}.md", v.article.title or v.id,
                "article.html", (lambda v=v: self._article(v)), hide=["toc"],
            ))
        for key in self._months():
            specs.append(PageSpec(
                f"month:{key}", f"timeline/{key}.md", _month_label(key), "month.html",
                (lambda key=key: self._month(key)), hide=["toc"],
            ))
        for e in d.entities.values():
            folder = "places" if e.kind == "place" else "actors"
            template = "place.html" if e.kind == "place" else "actor.html"
            specs.append(PageSpec(
                e.key, f"{folder}/{e.id}.md", e.name, template,
                (lambda e=e: self._entity(e)), hide=["toc"],
            ))
        return specs

    # -- rendering ---------------------------------------------------------------------------
    def render(self, spec: PageSpec, page_url: str) -> str:
        from mkdocs.utils import get_relative_url

        def link(key: str, anchor: str = "") -> str:
            target = self.urls[key]
            rel = get_relative_url(target, page_url)
            if target.endswith("/") and not rel.endswith("/"):
                rel += "/"
            return rel + (f"#{anchor}" if anchor else "")

        template = self.env.get_template(spec.template)
        context = {
            "link": link,
            "has": lambda key: key in self.urls,
            "site_name": self.site_name,
            "entities": self.data.entities,
            "articles_by_id": self.data.articles,
            "counts": self.counts,
            "page_title": spec.title,
            **spec.context(),
        }
        if spec.key.startswith("article:"):
            view = self.data.articles[spec.key.split(":", 1)[1]]
            context["body"] = text.body_html(
                view.article, view.mentions, link, self.data.entities
            )
        if spec.key == "map":
            extent = context["map_extent"]
            context["svg"] = (mapsvg.map_svg(context["map_places"], self.counts, link, extent)
                              if extent else None)
        return template.render(context)

    # -- contexts ----------------------------------------------------------------------------
    def _home(self) -> dict[str, Any]:
        d = self.data
        dated = sorted(v.article.date for v in d.dated() if v.article.date)
        return {
            "n_articles": len(d.articles),
            "n_places": len(d.places()),
            "n_actors": len(d.actors()),
            "n_sources": len(d.sources),
            "n_undated": len(d.undated()),
            "first_date": dated[0] if dated else None,
            "last_date": dated[-1] if dated else None,
            "latest": d.newest_first()[:10],
        }

    def _articles(self) -> dict[str, Any]:
        d = self.data
        places = [e for e in d.places() if self.counts.get(e.key)]
        actors = [e for e in d.actors() if self.counts.get(e.key)]
        return {
            "rows": d.newest_first(),
            "sources": [(s, len(ids)) for s, ids in d.sources.items()],
            "filter_places": sorted(places, key=lambda e: (e.name, e.key)),
            "filter_actors": sorted(actors, key=lambda e: (e.name, e.key)),
        }

    def _months(self) -> dict[str, list[ArticleView]]:
        """Month key ("2021-09", or "2021" for year-only dates) → its articles, newest first;
        keys newest first."""
        if self._month_cache is None:
            groups: dict[str, list[ArticleView]] = {}
            for v in sorted(self.data.dated(), key=lambda v: newest_first_key(v.article)):
                assert v.article.date
                groups.setdefault(v.article.date[:7], []).append(v)
            self._month_cache = groups
        return self._month_cache

    def _month(self, key: str) -> dict[str, Any]:
        keys = list(self._months())
        i = keys.index(key)
        newer = keys[i - 1] if i > 0 else None
        older = keys[i + 1] if i + 1 < len(keys) else None
        return {
            "key": key,
            "label": _month_label(key),
            "items": self._months()[key],
            "newer": (newer, _month_label(newer)) if newer else None,
            "older": (older, _month_label(older)) if older else None,
        }

    def _timeline(self) -> dict[str, Any]:
        d = self.data
        by_year: dict[str, list[tuple[str, str, int]]] = {}
        for key, items in self._months().items():
            short = text.month_name(int(key[5:7])) if len(key) == 7 else "شهر غير معروف"
            by_year.setdefault(key[:4], []).append((key, short, len(items)))
        years = [
            (year, sum(n for _, _, n in months), months) for year, months in by_year.items()
        ]
        mentioned: dict[str, list[tuple[ArticleView, str]]] = {}
        for v in d.articles.values():
            seen: set[str] = set()
            for md in v.article.mentioned_dates:
                if md.value in seen:
                    continue
                seen.add(md.value)
                mentioned.setdefault(md.value, []).append((v, md.text))
        mentioned_years: dict[str, list[tuple[str, list[tuple[ArticleView, str]], int]]] = {}
        for value in sorted(mentioned, reverse=True):
            items = sorted(mentioned[value], key=lambda it: newest_first_key(it[0].article))
            year = value[:4] if value[:4].isdigit() else "سنة غير مذكورة"
            mentioned_years.setdefault(year, []).append(
                (value, items[:MENTIONED_SHOWN], len(items))
            )
        return {
            "years": years,
            "undated": sorted(d.undated(), key=lambda v: v.id),
            "mentioned_years": list(mentioned_years.items()),
        }

    def _places(self) -> dict[str, Any]:
        d = self.data
        seen: set[str] = set()

        def tree(key: str) -> dict[str, Any]:
            seen.add(key)
            kids = [tree(c) for c in d.children.get(key, []) if c not in seen]
            return {"entity": d.entities[key], "children": kids}

        roots = [tree(k) for k in d.roots() if k not in seen]
        # Places caught in a parent cycle are shown at the top level rather than lost.
        for e in sorted(d.places(), key=lambda e: (e.name, e.key)):
            if e.key not in seen:
                roots.append(tree(e.key))
        return {"tree": roots, "n_places": len(d.places())}

    def _map(self) -> dict[str, Any]:
        d = self.data
        extent, on_map, off_map = mapsvg.choose_extent(d.places(), self.counts)
        return {
            "map_places": on_map,
            "map_extent": extent,
            "on_map": sorted(on_map, key=lambda p: (-self.counts.get(p.key, 0), p.name, p.key)),
            "off_map": sorted(off_map, key=lambda p: (p.name, p.key)),
            "no_coords": sorted(
                (p for p in d.places() if not p.has_coordinates and self.counts.get(p.key)),
                key=lambda p: (p.name, p.key),
            ),
        }

    def _actors(self) -> dict[str, Any]:
        d = self.data
        groups: dict[str, list[EntityView]] = {}
        for e in d.actors():
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

    def _sources(self) -> dict[str, Any]:
        d = self.data
        items = []
        for i, (name, ids) in enumerate(sorted(d.sources.items(), key=lambda kv: (-len(kv[1]),
                                                                                   kv[0]))):
            dates = sorted(d.articles[a].article.date or "" for a in ids)
            dates = [x for x in dates if x]
            items.append({
                "anchor": f"source-{i + 1}",
                "name": name,
                "count": len(ids),
                "first": dates[0] if dates else None,
                "last": dates[-1] if dates else None,
                "latest": [d.articles[a] for a in ids[:10]],
            })
        unknown = [v for v in d.newest_first() if not v.article.source]
        return {"sources": items, "unknown": unknown}

    def _data_page(self) -> dict[str, Any]:
        return {"files": DATA_FILES}

    def _article(self, v: ArticleView) -> dict[str, Any]:
        a = v.article
        archive_path = self.urls[f"article:{v.id}"]
        archive_url = (self.site_url + archive_path) if self.site_url else "/" + archive_path
        return {
            "v": v,
            "a": a,
            "source_url": safe_url(a.url),
            "archive_url": archive_url,
            "related": [self.data.articles[r] for r in v.related],
            "mentioned": sorted(a.mentioned_dates, key=lambda m: (m.start, m.value)),
        }

    def _entity(self, e: EntityView) -> dict[str, Any]:
        d = self.data
        co = d.cooccurrence.get(e.key, [])
        ancestors: list[EntityView] = []
        seen = {e.key}
        parent = e.parent
        while parent and parent in d.entities and parent not in seen:
            seen.add(parent)
            ancestors.append(d.entities[parent])
            parent = d.entities[parent].parent
        members = [
            x for x in d.actors() if e.key in x.affiliation
        ] if e.kind == "actor" else []
        all_mentions = d.entity_articles.get(e.key, [])
        return {
            "e": e,
            "n_mentions": len(all_mentions),
            "mentions": [(d.articles[a], n) for a, n in all_mentions[:ENTITY_ARTICLES_SHOWN]],
            "co_places": [(d.entities[k], n) for k, n in co if k.startswith("place:")][:10],
            "co_actors": [(d.entities[k], n) for k, n in co if k.startswith("actor:")][:10],
            "ancestors": list(reversed(ancestors)),
            "children": [d.entities[k] for k in d.children.get(e.key, [])],
            "affiliations": [d.entities[k] for k in e.affiliation if k in d.entities],
            "members": sorted(members, key=lambda x: (x.name, x.key)),
            "osm": _osm(e),
        }


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
