"""The built website: every page type, internal links, escaping of hostile input, RTL, data files.

One ``mkdocs build --strict`` per test session, into a temporary copy of the repository's
seeds/ (plus one hostile article), docs/ and mkdocs.yml. The HTML is parsed with the standard
library's html.parser.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest
from conftest import mkdocs_build

from archive.corpus.clean import clean_line, clean_text

REPO = Path(__file__).resolve().parents[1]

HOSTILE_ID = "999_hostile"
HOSTILE_TITLE = (
    "<script>alert('t')</script> عنوان {{ x }} {% y %} [md](http://evil.example) "
    "![img](x.png) &amp; \u202eمقلوب"
)
HOSTILE_SOURCE = "<b>مصدر</b>"
HOSTILE_URL = "https://evil.example/x?a=<b>&c=\"d\"&e='f'"
HOSTILE_BODY_LINES = [
    "فقرة أولى في درعا البلد <script>alert(1)</script> و<img src=x onerror=\"alert(2)\">",
    "و[رابط](javascript:alert(3)) و![صورة](http://evil.example/x.png)",
    "و{{ config.site_name }} و{% include \"x\" %} و\u202eمعكوس وزيرو\u200bويدث.",
    "<a href=\"http://evil.example\">html link</a> **bold** `code` <!-- c --> &lt;e&gt;",
]
# The loader cleans scraped debris (issue 13): HTML tags removed (their text kept), entities
# decoded, bidi overrides and zero-width spaces removed. What the pages show is that cleaned
# text, still escaped; the gazetteer's hostile place below is not cleaned and stays literal.
SHOWN_TITLE = clean_line(HOSTILE_TITLE).text
SHOWN_SOURCE = clean_line(HOSTILE_SOURCE).text
SHOWN_BODY_LINES = [clean_text(line).text for line in HOSTILE_BODY_LINES]
HOSTILE = (
    "---\n"
    f"title: {json.dumps(HOSTILE_TITLE, ensure_ascii=False)}\n"
    f"source: {json.dumps(HOSTILE_SOURCE, ensure_ascii=False)}\n"
    f"url: {json.dumps(HOSTILE_URL, ensure_ascii=False)}\n"
    "date: 2021-08-01\n"
    "places: [daraa, hostile-place]\n"
    "---\n" + "\n\n".join(HOSTILE_BODY_LINES) + "\n"
)


CITED_ID = "997_cited"
CITED = """---
title: اتفاق جديد في درعا البلد
date: 2021-09-05
source: وكالة المثال
url: https://news.example.org/2021/09/05/daraa?id=7&lang=ar
places: [daraa]
---
أعلنت اللجنة المركزية في درعا البلد التوصل إلى اتفاق جديد.
"""


HOSTILE_PLACE_NAME = "<i>مكان</i> {{ x }} [m](javascript:y)"
HOSTILE_PLACE = f"""
- id: hostile-place
  name: {json.dumps(HOSTILE_PLACE_NAME, ensure_ascii=False)}
  aliases: ["<script>alert('p')</script>"]
  type: village
  description: "**bold** <img src=x onerror=alert(9)>"
  parent: daraa
"""


#: Articles per list page in the test build: small, so that the seeds fill several pages.
PER_PAGE = 2


def _copy_project(dest: Path) -> None:
    shutil.copytree(REPO / "seeds", dest / "seeds")
    shutil.copytree(REPO / "docs", dest / "docs")
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert "per_page: 50" in config
    config = config.replace("per_page: 50", f"per_page: {PER_PAGE}")
    (dest / "mkdocs.yml").write_text(config, encoding="utf-8")


def _mkdocs_build(root: Path, seed: str = "0") -> subprocess.CompletedProcess[str]:
    return mkdocs_build(root, "--strict", "--quiet", timeout=300, PYTHONHASHSEED=seed)


@pytest.fixture(scope="session")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("project")
    _copy_project(root)
    (root / "seeds" / f"{HOSTILE_ID}.md").write_text(HOSTILE, encoding="utf-8")
    (root / "seeds" / f"{CITED_ID}.md").write_text(CITED, encoding="utf-8")
    with (root / "seeds" / "places.yml").open("a", encoding="utf-8") as f:
        f.write(HOSTILE_PLACE)
    result = _mkdocs_build(root)
    assert result.returncode == 0, result.stderr + result.stdout
    return root


@pytest.fixture(scope="session")
def site(project: Path) -> Path:
    return project / "site"


@pytest.fixture(scope="session")
def records(site: Path) -> list[dict]:
    return json.loads((site / "data" / "articles.json").read_text(encoding="utf-8"))


# -- HTML model ------------------------------------------------------------------------------
@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""


@dataclass
class Doc:
    path: Path
    html_attrs: dict[str, str] = field(default_factory=dict)
    elements: list[Element] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    title: str = ""
    headings: list[tuple[int, str]] = field(default_factory=list)  # inside the content area
    content_text: str = ""
    script_texts: list[str] = field(default_factory=list)

    def find(self, tag: str, **attrs: str) -> list[Element]:
        return [
            e for e in self.elements
            if e.tag == tag and all(e.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]


class _Parser(HTMLParser):
    def __init__(self, doc: Doc) -> None:
        super().__init__(convert_charrefs=True)
        self.doc = doc
        self.stack: list[str] = []
        self.in_content = 0  # depth inside <article class="md-content__inner">
        self.capture: list[list] = []  # open elements collecting text: [element, tag]
        self.content_parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        el = Element(tag, a)
        self.doc.elements.append(el)
        if tag == "html":
            self.doc.html_attrs = a
        if "id" in a:
            self.doc.ids.add(a["id"])
        if "name" in a and tag == "a":
            self.doc.ids.add(a["name"])
        if tag in ("title", "script", "h1", "h2", "h3", "h4", "h5", "h6"):
            self.capture.append([el, tag])
        if tag == "article" and "md-content__inner" in a.get("class", ""):
            self.in_content = 1
        elif self.in_content and tag not in VOID:
            self.in_content += 1
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.stack and tag in self.stack:
            while self.stack:
                if self.stack.pop() == tag:
                    break
        if self.in_content and tag not in VOID:
            self.in_content -= 1
        for i in range(len(self.capture) - 1, -1, -1):
            el, t = self.capture[i]
            if t == tag:
                self.capture.pop(i)
                if tag == "title":
                    self.doc.title = el.text
                elif tag == "script":
                    self.doc.script_texts.append(el.text)
                elif self.in_content or tag == "h1":
                    self.doc.headings.append((int(tag[1]), el.text.strip()))
                break

    def handle_data(self, data: str) -> None:
        for el, _ in self.capture:
            el.text += data
        if self.in_content:
            self.content_parts.append(data)


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "path", "circle", "line", "rect"}


def parse(path: Path) -> Doc:
    doc = Doc(path)
    p = _Parser(doc)
    p.feed(path.read_text(encoding="utf-8"))
    p.close()
    doc.content_text = "".join(p.content_parts)
    return doc


@pytest.fixture(scope="session")
def pages(site: Path) -> dict[str, Doc]:
    """Every HTML page of the site, by path relative to site/."""
    return {p.relative_to(site).as_posix(): parse(p) for p in sorted(site.rglob("*.html"))}


def page(pages: dict[str, Doc], url: str) -> Doc:
    return pages[url.strip("/") + "/index.html" if url.strip("/") else "index.html"]


def _resolve(url: str, href: str) -> str:
    from posixpath import join, normpath

    out = normpath(join(url, unquote(href.split("#")[0]))).lstrip("./")
    return "" if out in ("", ".") else out.rstrip("/") + "/"


def listed(pages: dict[str, Doc], url: str) -> list[tuple[str, str]]:
    """Every article of the paginated list starting at ``url``, following rel=next:
    (article id, page URL) in list order. Checks <link rel=prev/next> in the head agrees."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    previous: str | None = None
    while url not in seen:
        seen.add(url)
        doc = page(pages, url)
        for e in doc.find("a", **{"class": "ar-item__title"}):
            out.append((e.attrs["href"].rstrip("/").split("/")[-1], url))
        heads = {e.attrs["rel"]: _resolve(url, e.attrs["href"]) for e in doc.find("link")
                 if e.attrs.get("rel") in ("prev", "next")}
        bodies = {e.attrs["rel"]: _resolve(url, e.attrs["href"]) for e in doc.find("a")
                  if e.attrs.get("rel") in ("prev", "next")}
        assert heads == bodies, (url, heads, bodies)
        assert heads.get("prev") == previous, (url, heads)
        if "next" not in heads:
            break
        previous, url = url, heads["next"]
    return out


# -- page types ------------------------------------------------------------------------------
def test_every_page_is_arabic_right_to_left(pages: dict[str, Doc]) -> None:
    assert len(pages) > 20
    for name, doc in pages.items():
        assert doc.html_attrs.get("dir") == "rtl", name
        assert doc.find("body")[0].attrs.get("dir") == "rtl", name
        assert doc.html_attrs.get("lang") == "ar", name


def test_one_h1_and_headings_in_order(pages: dict[str, Doc]) -> None:
    for name, doc in pages.items():
        levels = [lvl for lvl, _ in doc.headings]
        assert levels.count(1) == 1, (name, doc.headings)
        assert levels[0] == 1, (name, doc.headings)
        for before, after in zip(levels, levels[1:], strict=False):
            assert after <= before + 1, (name, doc.headings)


def test_article_pages(pages: dict[str, Doc], records: list[dict]) -> None:
    seed_ids = sorted(p.stem for p in (REPO / "seeds").iterdir() if p.suffix in (".txt", ".md"))
    assert sorted(r["id"] for r in records) == sorted(seed_ids + [HOSTILE_ID, CITED_ID])
    for r in records:
        doc = page(pages, f"articles/{r['id']}/")
        h1 = [t for lvl, t in doc.headings if lvl == 1][0]
        assert h1 == r["title"].strip()
        text = doc.content_text
        if r["date"] is None:
            assert "غير معروف" in text
        for heading in ("نص المقال", "تواريخ مذكورة في النص", "مقالات ذات صلة", "للاستشهاد"):
            assert heading in [t for _, t in doc.headings], (r["id"], heading)
        # places and actors are links to their pages
        hrefs = {e.attrs.get("href", "") for e in doc.find("a")}
        for p in r["places"]:
            assert f"../../places/{p}/" in hrefs, (r["id"], p)
        for a in r["actors"]:
            assert f"../../actors/{a}/" in hrefs, (r["id"], a)
        assert f"../../raw/{r['id']}.txt" in hrefs
        # the citation carries the archive address
        assert f"/articles/{r['id']}/" in text


def test_article_body_links_mentions_and_sets_boilerplate_apart(
    pages: dict[str, Doc], records: list[dict]
) -> None:
    with_boiler = [r for r in records if any(s["kind"] == "boilerplate" for s in r["segments"])]
    assert with_boiler, "expected a seed with boilerplate"
    for r in with_boiler:
        doc = page(pages, f"articles/{r['id']}/")
        assert doc.find("aside", **{"class": "ar-boilerplate"}), r["id"]
    mentioned = [r for r in records if r["mentions"]]
    assert mentioned
    for r in mentioned:
        doc = page(pages, f"articles/{r['id']}/")
        links = [e for e in doc.elements if e.tag == "a" and "ar-mention" in
                 e.attrs.get("class", "")]
        assert links, r["id"]


def test_place_and_actor_pages(
    pages: dict[str, Doc], site: Path, records: list[dict]
) -> None:
    places = json.loads((site / "data" / "places.geojson").read_text(encoding="utf-8"))
    actors = json.loads((site / "data" / "actors.json").read_text(encoding="utf-8"))
    assert places["features"] and actors
    named = {p for r in records for p in r["places"]} | {a for r in records for a in r["actors"]}
    for f in places["features"]:
        props = f["properties"]
        if props["id"] not in named:
            # no article names it: no page, no count, but kept in the data file
            assert props["articles"] == 0 and props["page"] is None
            assert f"places/{props['id']}/index.html" not in pages
            continue
        doc = page(pages, f"places/{props['id']}/")
        assert [t for lvl, t in doc.headings if lvl == 1] == [props["name"]]
        assert "المقالات التي تذكره" in doc.content_text
        if f["geometry"]:
            assert any("openstreetmap.org" in e.attrs.get("href", "") for e in doc.find("a"))
    assert any(f["properties"]["id"] not in named for f in places["features"])
    for a in actors:
        if a["id"] not in named:
            assert a["page"] is None and f"actors/{a['id']}/index.html" not in pages
            continue
        doc = page(pages, f"actors/{a['id']}/")
        assert [t for lvl, t in doc.headings if lvl == 1] == [a["name"]]
    # a place's article list is newest first over all its pages, each article once
    by_place: dict[str, list[dict]] = {}
    for r in records:
        for p in r["places"]:
            by_place.setdefault(p, []).append(r)
    pid, rs = max(by_place.items(), key=lambda kv: (len(kv[1]), kv[0]))
    assert len(rs) > PER_PAGE
    linked = [i for i, _ in listed(pages, f"places/{pid}/")]
    assert sorted(linked) == sorted(r["id"] for r in rs)
    dated = [r for r in rs if r["date"]]
    if len(dated) > 1:
        order = [i for i in linked if i in {r["id"] for r in dated}]
        dates = [next(r["date"] for r in rs if r["id"] == i) for i in order]
        assert dates == sorted(dates, reverse=True)


def test_not_found_page_is_arabic(pages: dict[str, Doc]) -> None:
    doc = pages["404.html"]
    assert [t for lvl, t in doc.headings if lvl == 1] == ["الصفحة غير موجودة"]
    assert "Not found" not in doc.content_text


def test_index_pages(pages: dict[str, Doc], records: list[dict]) -> None:
    home = page(pages, "")
    assert str(len(records)) in home.content_text
    assert "أحدث المقالات" in [t for _, t in home.headings]
    # all articles: every one on exactly one page of each ordering
    for start in ("articles/", "articles/oldest/", "articles/title/"):
        ids = [i for i, _ in listed(pages, start)]
        assert sorted(ids) == sorted(r["id"] for r in records), start
        assert len(ids) == len(set(ids))
    by_id = {r["id"]: r for r in records}
    newest = [i for i, _ in listed(pages, "articles/")]
    oldest = [i for i, _ in listed(pages, "articles/oldest/")]
    dated_new = [by_id[i]["date"] for i in newest if by_id[i]["date"]]
    assert dated_new == sorted(dated_new, reverse=True)
    assert [by_id[i]["date"] for i in oldest if by_id[i]["date"]] == sorted(dated_new)
    assert not by_id[newest[-1]]["date"] and not by_id[oldest[-1]]["date"]  # undated last
    from archive.analysis import normalize

    titles = [normalize(by_id[i]["title"]) for i, _ in listed(pages, "articles/title/")]
    assert titles == sorted(titles)
    pages_used = {u for _, u in listed(pages, "articles/")}
    assert len(pages_used) == -(-len(records) // PER_PAGE)
    assert "articles/page/2/" in pages_used
    timeline = page(pages, "timeline/")
    assert "مقالات بلا تاريخ معروف" in timeline.content_text
    months = {e.attrs["href"] for e in timeline.find("a")
              if e.attrs.get("href", "").startswith("20")}
    dated = {r["date"][:7] for r in records if r["date"]}
    assert months == {f"{m}/" for m in dated}
    for m in dated:  # each month page lists that month's articles
        ids = {i for i, _ in listed(pages, f"timeline/{m}/")}
        assert ids == {r["id"] for r in records if (r["date"] or "")[:7] == m}
    undated = {i for i, _ in listed(pages, "timeline/undated/")}
    assert undated == {r["id"] for r in records if not r["date"]}
    assert "تواريخ تذكرها المقالات" in timeline.content_text
    chart = timeline.find("svg", **{"class": "ar-chart"})
    assert chart and chart[0].attrs.get("aria-hidden") == "true"
    bars = [e for e in timeline.elements if e.tag == "a" and e.attrs.get("tabindex") == "-1"]
    assert {_resolve("timeline/", e.attrs["href"]) for e in bars} == {
        f"timeline/{m}/" for m in dated}
    # sources: a page per source with its articles, and the count on the index
    sources_page = page(pages, "sources/")
    by_source: dict[str | None, set[str]] = {}
    for r in records:
        by_source.setdefault(r["source"], set()).add(r["id"])
    import html as html_lib

    raw = sources_page.path.read_text(encoding="utf-8")
    rows = re.findall(r'<tr><td><a href="([^"]+)">(?:<bdi>(.*?)</bdi>|[^<]*)</a></td>'
                      r'<td class="ar-num">(\d+)</td>', raw)
    assert len(rows) == len(by_source)
    for href, name, count in rows:
        url = _resolve("sources/", html_lib.unescape(href))
        ids = {i for i, _ in listed(pages, url)}
        key = html_lib.unescape(name) if name else None
        assert ids == by_source[key], url
        assert int(count) == len(ids), url
    map_page = page(pages, "map/")
    svg = map_page.find("svg", **{"class": "ar-map"})
    assert svg and "aria-labelledby" in svg[0].attrs
    map_links = [e for e in map_page.find("a", **{"class": "ar-map__place"})]
    assert map_links and all(e.attrs.get("aria-label") for e in map_links)
    for url in ("places/", "actors/", "sources/", "data/", "about/", "search/"):
        assert page(pages, url).headings, url


INDEX_URLS = {"", "search/", "articles/", "timeline/", "map/", "places/", "actors/", "sources/",
              "data/", "about/", "benchmarks/"}


def test_nav_lists_only_index_pages(pages: dict[str, Doc], records: list[dict]) -> None:
    from posixpath import join, normpath

    url = f"articles/{records[0]['id']}/"
    doc = page(pages, url)
    nav = {e.attrs["href"] for e in doc.find("a")
           if "md-nav__link" in e.attrs.get("class", "") and "href" in e.attrs}
    resolved = {normpath(join(url, h)).lstrip("./") + "/" for h in nav}
    resolved = {"" if r in ("/", ".", "./") else r for r in resolved}
    assert resolved == INDEX_URLS


# -- links -----------------------------------------------------------------------------------
def _targets(doc: Doc) -> Iterator[str]:
    for e in doc.elements:
        for attr in ("href", "src"):
            if attr in e.attrs and e.tag in ("a", "link", "script", "img", "source"):
                yield e.attrs[attr]


def test_no_internal_link_is_broken(site: Path, pages: dict[str, Doc]) -> None:
    checked = 0
    for name, doc in pages.items():
        base = (site / name).parent
        for href in _targets(doc):
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith(("mailto:", "data:")):
                continue
            if not parts.path:  # same-page anchor
                if parts.fragment:
                    assert unquote(parts.fragment) in doc.ids, (name, href)
                continue
            if name == "404.html" and parts.path.startswith("/"):
                continue  # Material's 404 page uses root-relative links by design
            target = (base / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            assert target.is_file(), (name, href)
            assert site.resolve() in target.parents, (name, href)
            if parts.fragment and target.suffix == ".html":
                tdoc = pages[target.relative_to(site.resolve()).as_posix()]
                assert unquote(parts.fragment) in tdoc.ids, (name, href)
            checked += 1
    assert checked > 1000


def test_fonts_shipped_with_the_site(site: Path) -> None:
    import re

    css = site / "assets" / "archive" / "archive.css"
    urls = re.findall(r'url\("([^"]+)"\)', css.read_text(encoding="utf-8"))
    assert any(u.endswith(".woff2") for u in urls)
    for u in urls:
        assert (css.parent / u).is_file(), u


def test_no_third_party_fonts_or_scripts(pages: dict[str, Doc]) -> None:
    for name, doc in pages.items():
        for e in doc.elements:
            if e.tag in ("script", "link", "img"):
                url = e.attrs.get("src") or e.attrs.get("href") or ""
                assert not urlsplit(url).netloc, (name, url)


# -- escaping --------------------------------------------------------------------------------
def test_hostile_article_is_shown_literally_everywhere(
    pages: dict[str, Doc], site: Path
) -> None:
    art = page(pages, f"articles/{HOSTILE_ID}/")
    assert "\u202e" not in SHOWN_TITLE and "<e>" in SHOWN_BODY_LINES[-1]  # (see SHOWN_TITLE)
    assert art.title.startswith(SHOWN_TITLE)  # no override in <title>
    assert [t for lvl, t in art.headings if lvl == 1] == [SHOWN_TITLE]
    for line in SHOWN_BODY_LINES:
        assert line in art.content_text, line
    assert SHOWN_SOURCE in art.content_text
    source_links = [e for e in art.find("a") if e.attrs.get("href") == HOSTILE_URL]
    assert len(source_links) == 1
    # the title appears as text on the index pages that list it
    for url in ("", "articles/", "timeline/2021-08/", "places/daraa/"):
        assert SHOWN_TITLE in page(pages, url).content_text, url
    source_pages = [u for u in pages if u.startswith("sources/") and SHOWN_TITLE in
                    pages[u].content_text]
    assert len(source_pages) == 1 and source_pages[0] != "sources/index.html", source_pages
    assert SHOWN_SOURCE in page(pages, "sources/").content_text
    for name, doc in pages.items():
        for e in doc.elements:
            assert not any(k.startswith("on") for k in e.attrs), (name, e)
            for attr in ("href", "src"):
                assert not e.attrs.get(attr, "").lower().startswith("javascript:"), (name, e)
            assert not (e.tag == "img" and "x" == e.attrs.get("src")), name
            assert "evil.example/x.png" not in e.attrs.get("src", ""), name
        for script in doc.script_texts:
            assert "alert(" not in script, name
    place = page(pages, "places/hostile-place/")
    assert place.title.startswith(HOSTILE_PLACE_NAME)
    assert [t for lvl, t in place.headings if lvl == 1] == [HOSTILE_PLACE_NAME]
    assert "<script>alert('p')</script>" in place.content_text
    assert "**bold** <img src=x onerror=alert(9)>" in place.content_text
    assert HOSTILE_PLACE_NAME in art.content_text
    assert HOSTILE_PLACE_NAME in page(pages, "places/").content_text
    raw = (site / "raw" / f"{HOSTILE_ID}.txt").read_text(encoding="utf-8")
    assert raw == HOSTILE


# -- data ------------------------------------------------------------------------------------
def test_data_files(site: Path, records: list[dict]) -> None:
    data = site / "data"
    hostile = next(r for r in records if r["id"] == HOSTILE_ID)
    assert hostile["title"] == SHOWN_TITLE
    assert all(line in hostile["text"] for line in SHOWN_BODY_LINES)
    rows = list(csv.DictReader(io.StringIO((data / "articles.csv").read_text(encoding="utf-8"))))
    assert [r["id"] for r in rows] == [r["id"] for r in records]
    assert next(r for r in rows if r["id"] == HOSTILE_ID)["title"] == SHOWN_TITLE
    geo = json.loads((data / "places.geojson").read_text(encoding="utf-8"))
    assert geo["type"] == "FeatureCollection"
    for f in geo["features"]:
        if f["geometry"]:
            lon, lat = f["geometry"]["coordinates"]
            assert -180 <= lon <= 180 and -90 <= lat <= 90
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    paths = {r["path"] for r in package["resources"]}
    assert paths == {"articles.csv", "articles.json", "places.geojson", "actors.json"}
    fields = [f["name"] for f in package["resources"][0]["schema"]["fields"]]
    assert fields == list(rows[0].keys())


def test_build_is_deterministic(project: Path, tmp_path: Path) -> None:
    other = tmp_path / "again"
    other.mkdir()
    _copy_project(other)
    shutil.copy(project / "seeds" / f"{HOSTILE_ID}.md", other / "seeds")
    shutil.copy(project / "seeds" / f"{CITED_ID}.md", other / "seeds")
    shutil.copy(project / "seeds" / "places.yml", other / "seeds")
    result = _mkdocs_build(other, seed="12345")
    assert result.returncode == 0, result.stderr
    first = {p.relative_to(project / "site"): p.read_bytes()
             for p in sorted((project / "site").rglob("*")) if p.is_file()}
    second = {p.relative_to(other / "site"): p.read_bytes()
              for p in sorted((other / "site").rglob("*")) if p.is_file()}
    assert first.keys() == second.keys()
    # MkDocs itself stamps these with the build date (<lastmod>): compared without the stamp.
    stamped = {Path("sitemap.xml"), Path("sitemap.xml.gz")}
    assert stamped <= first.keys()
    differing = sorted(str(k) for k in first if k not in stamped and first[k] != second[k])
    assert differing == [], differing[:10]
    unstamp = re.compile(rb"<lastmod>[^<]*</lastmod>")
    sitemap = Path("sitemap.xml")
    assert unstamp.sub(b"", first[sitemap]) == unstamp.sub(b"", second[sitemap])


def test_bad_input_stops_with_a_clear_message_and_keeps_site(tmp_path: Path) -> None:
    _copy_project(tmp_path)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("previous", encoding="utf-8")
    bad = HOSTILE.replace(json.dumps(HOSTILE_URL, ensure_ascii=False), '"javascript:alert(1)"')
    (tmp_path / "seeds" / "998_bad.md").write_text(bad, encoding="utf-8")
    result = _mkdocs_build(tmp_path)
    assert result.returncode != 0
    out = result.stderr + result.stdout
    assert "seeds/998_bad.md:4" in out
    assert "Traceback" not in out
    assert (tmp_path / "site" / "index.html").read_text(encoding="utf-8") == "previous"


# -- in the browser (headless Chromium through Playwright; skipped when either is missing) ----
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser_page(site: Path, serve_folder: object) -> Iterator[tuple[object, str, list[str]]]:
    pw = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("no /usr/bin/chromium")
    outside: list[str] = []
    with serve_folder(site) as base, pw.sync_playwright() as p:  # type: ignore[operator]
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update",
            "--disable-sync"])
        ctx = browser.new_context(viewport={"width": 390, "height": 844})

        def guard(route: object) -> None:
            url = route.request.url  # type: ignore[attr-defined]
            if not url.startswith(base):
                outside.append(url)
                route.abort()  # type: ignore[attr-defined]
            else:
                route.continue_()  # type: ignore[attr-defined]

        ctx.route("**/*", guard)
        page_ = ctx.new_page()
        errors: list[str] = []
        page_.on("pageerror", lambda e: errors.append(str(e)))
        yield page_, base, errors
        browser.close()
    assert outside == [], outside


WIDTHS = [1280, 390]


def _follow(page_: object, selector: str) -> None:
    """Click a link and wait until the page it leads to has loaded."""
    with page_.expect_navigation():  # type: ignore[attr-defined]
        page_.locator(selector).first.click()  # type: ignore[attr-defined]


def _hrefs_in_list(page_: object) -> list[str]:
    return page_.eval_on_selector_all(  # type: ignore[attr-defined]
        ".ar-listing__items .ar-item__title",
        "els => els.map(a => a.getAttribute('href').split('/').filter(Boolean).pop())")


@pytest.mark.parametrize("width", WIDTHS)
def test_pagination_links_and_static_orderings(
    browser_page: tuple, records: list[dict], width: int
) -> None:
    from archive.analysis import normalize

    page_, base, errors = browser_page
    page_.set_viewport_size({"width": width, "height": 900})
    page_.goto(base + "articles/")
    first = _hrefs_in_list(page_)
    # pages are cut where the articles say (archive.site.render.page_starts): per_page on
    # average, from half of it to twice it
    assert 1 <= len(first) <= 2 * PER_PAGE
    assert page_.locator("head link[rel=prev]").count() == 0
    assert page_.get_attribute("head link[rel=next]", "href") == "page/2/"
    # the numbered page links and rel=next lead to page 2, which links back with rel=prev
    _follow(page_, ".ar-pager a[rel=next]")
    assert page_.url == base + "articles/page/2/"
    assert page_.get_attribute("head link[rel=prev]", "href") == "../../"
    second = _hrefs_in_list(page_)
    assert second and not set(second) & set(first)
    assert page_.get_attribute(".ar-pager a[aria-current=page]", "href") == "./"
    _follow(page_, ".ar-pager a[aria-label='الصفحة 1']")
    assert page_.url == base + "articles/"
    # ordering by title: a series of static pages of its own
    _follow(page_, ".ar-sort-links a[data-order=title]")
    assert page_.url == base + "articles/title/"
    assert page_.get_attribute(".ar-sort-links a[aria-current=page]", "data-order") == "title"
    by_title = sorted(records, key=lambda r: (normalize(r["title"]), r["title"], r["id"]))
    listed = _hrefs_in_list(page_)
    assert listed and listed == [r["id"] for r in by_title[:len(listed)]]
    _follow(page_, ".ar-sort-links a[data-order=oldest]")
    assert page_.url == base + "articles/oldest/"
    oldest = sorted((r for r in records if r["date"]), key=lambda r: r["date"])
    assert _hrefs_in_list(page_)[0] == oldest[0]["id"]
    # the pager's links are big enough to tap
    box = page_.locator(".ar-pager a").first.bounding_box()
    assert box and box["height"] >= 44 and box["width"] >= 44
    width_now = page_.evaluate("document.documentElement.scrollWidth")
    assert width_now <= width
    assert errors == []


@pytest.mark.parametrize("width", WIDTHS)
def test_one_page_list_sorts_in_the_browser(
    browser_page: tuple, records: list[dict], width: int
) -> None:
    from archive.analysis import normalize

    page_, base, errors = browser_page
    page_.set_viewport_size({"width": width, "height": 900})
    by_entity: dict[str, list[dict]] = {}
    for r in records:
        for p in r["places"]:
            by_entity.setdefault(f"places/{p}/", []).append(r)
    url, rs = next((u, rs) for u, rs in sorted(by_entity.items()) if len(rs) == PER_PAGE
                   and len({normalize(r["title"]) for r in rs}) == len(rs))
    page_.goto(base + url)
    group = page_.locator("[data-sort-client]")
    assert group.is_visible()
    shown = _hrefs_in_list(page_)
    assert sorted(shown) == sorted(r["id"] for r in rs)
    page_.click("[data-sort-client] button[data-order=title]")
    want = [r["id"] for r in sorted(rs, key=lambda r: (normalize(r["title"]), r["title"]))]
    assert _hrefs_in_list(page_) == want
    assert page_.get_attribute("button[data-order=title]", "aria-pressed") == "true"
    page_.keyboard.press("Shift+Tab")  # the buttons are reachable with the keyboard
    page_.focus("[data-sort-client] button[data-order=newest]")
    page_.keyboard.press("Enter")
    assert _hrefs_in_list(page_) == shown
    assert errors == []


@pytest.mark.parametrize("width", WIDTHS)
def test_copy_citation_and_downloads(
    browser_page: tuple, records: list[dict], width: int
) -> None:
    import datetime

    page_, base, errors = browser_page
    page_.set_viewport_size({"width": width, "height": 900})
    page_.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base[:-1])
    r = next(r for r in records if r["id"] == CITED_ID)
    page_.goto(base + f"articles/{r['id']}/")
    page_.locator("[data-cite-copy]").scroll_into_view_if_needed()
    assert page_.is_visible("[data-cite-copy]")
    box = page_.locator("[data-cite-copy]").bounding_box()
    assert box and box["height"] >= 44
    page_.click("[data-cite-copy]")
    page_.wait_for_function(
        "document.querySelector('[data-cite-status]').textContent.length > 0")
    assert page_.inner_text("[data-cite-status]") == "نُسخ الاستشهاد."
    copied = page_.evaluate("navigator.clipboard.readText()")
    assert copied == page_.get_attribute("#ar-cite-box", "data-copied")
    today = datetime.date.today()
    assert r["title"] in copied and r["source"] in copied and r["url"] in copied
    # built without site_url: the reader's own address completes the archive's address
    assert base + f"articles/{r['id']}/" in copied
    assert f"اطُّلع عليه في {today.day} " in copied and str(today.year) in copied
    with page_.expect_download() as info:
        page_.click("[data-cite-download=bibtex]")
    bib = Path(info.value.path()).read_text(encoding="utf-8")
    assert bib.startswith(f"@online{{daraa-archive-{r['id']},")
    assert f"urldate = {{{today.isoformat()}}}" in bib
    assert f"date = {{{r['date']}}}" in bib
    with page_.expect_download() as info:
        page_.click("[data-cite-download=csl]")
    assert info.value.suggested_filename == f"{r['id']}.json"
    item = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))[0]
    assert item["title"] == r["title"] and item["container-title"] == r["source"]
    assert item["URL"] == r["url"]
    assert item["archive_location"] == base + f"articles/{r['id']}/"
    assert item["accessed"]["date-parts"] == [[today.year, today.month, today.day]]
    assert errors == []


def test_hostile_citation_stays_text(browser_page: tuple) -> None:
    page_, base, errors = browser_page
    page_.goto(base + f"articles/{HOSTILE_ID}/")
    assert page_.get_attribute("#ar-cite-box", "data-title") == SHOWN_TITLE
    with page_.expect_download() as info:
        page_.click("[data-cite-download=csl]")
    item = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))[0]
    assert item["title"] == SHOWN_TITLE and item["container-title"] == SHOWN_SOURCE
    with page_.expect_download() as info:
        page_.click("[data-cite-download=bibtex]")
    bib = Path(info.value.path()).read_text(encoding="utf-8")
    assert "title = {<script>alert('t')</script> عنوان \\{\\{ x \\}\\}" in bib
    assert page_.locator("#ar-cite-box script").count() == 0
    assert errors == []


AXE_PAGES = ["", "articles/", "articles/page/2/", "articles/title/", "timeline/",
             "timeline/undated/", "timeline/mentioned/2021-09/", "sources/", "places/daraa/",
             "places/daraa/page/2/", "roots/", "roots/قصف/"]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_new_pages_pass_axe(
    browser_page: tuple, records: list[dict], width: int, scheme: str
) -> None:
    axe = pytest.importorskip("axe_playwright_python")
    script = (Path(axe.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
    page_, base, errors = browser_page
    page_.set_viewport_size({"width": width, "height": 900})
    urls = AXE_PAGES + [f"articles/{records[0]['id']}/", "sources/العربي-الجديد/"]
    found: list[tuple[str, str, str, int]] = []
    for url in urls:
        page_.goto(base + url)
        page_.evaluate(
            "s => { document.body.setAttribute('data-md-color-scheme', s); }", scheme)
        page_.wait_for_timeout(400)  # Material's colour transitions
        page_.add_script_tag(content=script)
        result = page_.evaluate(
            "() => axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})")
        for v in result["violations"]:
            if v["impact"] in ("serious", "critical"):
                node = v["nodes"][0]
                found.append((url, v["id"], node["target"][0], len(v["nodes"]),
                              node.get("failureSummary", "")[:300]))
    assert found == [], found
    assert errors == []


def test_dark_scheme_toggle_and_skip_link(browser_page: tuple) -> None:
    page_, base, errors = browser_page
    page_.set_viewport_size({"width": 390, "height": 844})
    page_.goto(base)
    page_.keyboard.press("Tab")
    assert page_.evaluate("document.activeElement.textContent.trim()") == "انتقل إلى المحتوى"
    before = page_.get_attribute("body", "data-md-color-scheme")
    page_.click("label[for^=__palette]:visible")
    after = page_.get_attribute("body", "data-md-color-scheme")
    assert {before, after} == {"default", "slate"}
    assert errors == []


def test_no_page_scrolls_sideways_on_a_phone(browser_page: tuple, records: list[dict]) -> None:
    page_, base, errors = browser_page
    page_.set_viewport_size({"width": 390, "height": 844})
    urls = ["", "articles/", "articles/page/2/", "timeline/", "map/", "places/", "actors/",
            "sources/", "sources/العربي-الجديد/", "data/", "about/", "places/daraa/",
            f"articles/{HOSTILE_ID}/", "roots/", "roots/قصف/"]
    urls += [f"articles/{r['id']}/" for r in records[:3]]
    for url in urls:
        page_.goto(base + url)
        width = page_.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (url, width)
    assert errors == []


def test_pages_link_only_the_theme_they_use(site: Path, records: list[dict]) -> None:
    """Material's stylesheet trimmed of unused features (scripts/trim-material-css) on every page,
    archive.js only where a list sorts or a citation copies, and on the search page Material's
    bundle held back (type="ar/later") until the first results are shown."""
    from conftest import script_module

    trim = script_module("scripts/trim-material-css")
    search = (site / "search" / "index.html").read_text(encoding="utf-8")
    article = (site / "articles" / records[0]["id"] / "index.html").read_text(encoding="utf-8")
    for html in (search, article):
        assert re.search(r'href="[./]*assets/archive/material/main\.[0-9a-f]+\.trimmed\.css"', html)
        assert "assets/stylesheets/main." not in html
    assert re.search(r'<script type="ar/later" src="[./]*assets/javascripts/bundle\.', search)
    assert "archive.js" not in search
    assert re.search(r'<script src="[./]*assets/javascripts/bundle\.', article)
    assert re.search(r'<script src="[./]*assets/archive/archive\.js"', article)
    roots = (site / "roots" / "index.html").read_text(encoding="utf-8")
    assert "data-sort-client" in roots and "assets/archive/archive.js" in roots
    used: dict[str, str] = {}
    for path in site.rglob("*.html"):
        for value in re.findall(r'class="([^"]*)"', path.read_text(encoding="utf-8")):
            for name in value.split():
                used.setdefault(name, str(path.relative_to(site)))
    dropped = {n: where for n, where in used.items() if trim.blocked_class(n)}  # type: ignore[attr-defined]
    assert dropped == {}, dropped


def test_search_page_fetches_materials_bundle_after_the_first_results(
    browser_page: tuple
) -> None:
    page_, base, errors = browser_page
    ctx = page_.context.browser.new_context(viewport={"width": 390, "height": 844})
    tab = ctx.new_page()
    tab.on("pageerror", lambda e: errors.append(str(e)))
    try:
        tab.goto(base + "search/?q=" + quote("درعا"))
        tab.locator('[data-role="results"][data-shown]').wait_for(state="attached")
        shown = float(tab.get_attribute('[data-role="results"]', "data-shown") or 0)
        tab.wait_for_function("[...document.scripts].some(s => s.src.includes('/bundle.')"
                              " && !s.type)")
        tab.wait_for_load_state("networkidle")
        starts = tab.evaluate("performance.getEntriesByType('resource')"
                              ".filter(e => e.name.includes('/bundle.')).map(e => e.startTime)")
        assert len(starts) == 1 and starts[0] >= shown, (starts, shown)
        # Material mounted all the same: its palette toggle switches the scheme
        before = tab.get_attribute("body", "data-md-color-scheme")
        tab.click("label[for^=__palette]:visible")
        tab.wait_for_function(f"document.body.getAttribute('data-md-color-scheme') !== '{before}'")
        # without a query the bundle comes at once
        tab.goto(base + "search/")
        tab.wait_for_function("[...document.scripts].some(s => s.src.includes('/bundle.')"
                              " && !s.type)")
    finally:
        ctx.close()
    assert errors == []


def test_pages_fetch_the_small_core_fonts_and_the_full_ones_only_when_needed(
    browser_page: tuple, records: list[dict]
) -> None:
    """A first visit fetches the core Arabic files (tens of KB), not the full Arabic-script files
    (94–166 KB); a character outside the core brings the full file, so it still draws."""
    page_, base, errors = browser_page
    ctx = page_.context.browser.new_context(viewport={"width": 390, "height": 844})
    fetched: list[str] = []
    ctx.on("request", lambda r: fetched.append(r.url.rsplit("/", 1)[-1]) if r.url.endswith(
        ".woff2") else None)
    tab = ctx.new_page()
    try:
        for url in ("search/", f"articles/{records[0]['id']}/"):
            tab.goto(base + url)
            tab.evaluate("document.fonts.ready")
        fonts = set(fetched)
        assert "noto-sans-arabic-core-wght-normal.woff2" in fonts, fonts
        assert "noto-naskh-arabic-core-wght-normal.woff2" in fonts, fonts  # the article's body
        assert not {f for f in fonts if "-arabic-arabic-" in f}, fonts
        # digits, « » and ASCII come from the small latin-core file; the full Latin file (accented
        # letters) is not fetched for them, nor for the newlines of the HTML
        assert "noto-sans-arabic-latin-core-wght-normal.woff2" in fonts, fonts
        assert not {f for f in fonts if f.endswith("-latin-wght-normal.woff2")}, fonts
        assert tab.evaluate("document.fonts.check('16px \"Archive Naskh\"', 'اجتمعوا في درعا')")
        # digits and Latin letters inside Arabic text are drawn by the shipped fonts too
        tab.goto(base + "search/?q=" + quote("درعا"))
        tab.wait_for_function(
            "/[0-9]/.test(document.querySelector('[aria-live]')?.textContent || '')")
        tab.evaluate("document.fonts.ready")
        cdp = ctx.new_cdp_session(tab)
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        for selector in ("[aria-live]", "h1"):
            node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
            used = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
            assert used and all(f["isCustomFont"] for f in used), (selector, used)
        # a Persian/Urdu letter outside the core (ڭ, U+06AD) makes the page fetch the full file
        tab.evaluate("""() => { const p = document.createElement('p');
            p.style.fontFamily = 'var(--ar-body-font)'; p.textContent = 'ڭ';
            document.body.append(p); }""")
        tab.wait_for_function("document.fonts.status === 'loaded'")
        tab.wait_for_timeout(300)
        tab.evaluate("document.fonts.ready")
        assert "noto-naskh-arabic-arabic-wght-normal.woff2" in fetched, fetched
    finally:
        ctx.close()
    assert errors == []
