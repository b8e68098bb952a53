"""Generated pages written from stencils (archive.site.stencil) are the very bytes MkDocs
renders for them: a site built with stencils equals one built with every page rendered by
MkDocs (``ARCHIVE_STENCIL=0``), file by file, also when the theme shows something per page
that the stencils do not know of (then those pages are rendered by MkDocs)."""

from __future__ import annotations

import re
from pathlib import Path

from test_incremental_site import SYNTHETIC, _project, _site
from test_incremental_site import _build as _build_with

from archive.site.stencil import Places, Shape, Stencil, distinct, values_of

SITE_URL = "https://example.org/archive/"


def _build(root: Path, stencil: bool) -> str:
    return _build_with(root, SITE_URL=SITE_URL, ARCHIVE_STENCIL="1" if stencil else "0")


def _stencilled(log: str) -> tuple[int, int]:
    """(pages written from stencils, pages rendered by MkDocs in their place)."""
    m = re.search(r"(\d+) generated pages written from \d+ stencils, (\d+) rendered", log)
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


def _articles(seeds: Path) -> None:
    """Enough articles for lists of several pages, with titles that are hard to cut out of a
    page: markup characters, a nav label, the site's own words, a title shared by two."""
    titles = ["الزراعة & <المياه> \"في\" الأردن", "البحث", "كل المقالات", "أرشيف", "خبر",
              "خبر", "‏عنوان‏ باتجاه"]
    for i in range(130):
        title = titles[i] if i < len(titles) else f"مقال كثير رقم {i}"
        (seeds / f"many-{i:03d}.md").write_text(SYNTHETIC.replace(
            "date: 2021-0{month}-1{month}", f"date: 2020-{1 + i % 12:02d}-{1 + i // 12:02d}")
            .format(title=title, month=0,
                    body=f"خبر قصير رقم {i} عن الطقس والزراعة في البلدات."), encoding="utf-8")


def _pair(repo: Path, tmp_path: Path) -> tuple[Path, Path]:
    on, off = tmp_path / "on", tmp_path / "off"
    for root in (on, off):
        _project(root, repo)
        _articles(root / "seeds")
    return on, off


def _same_sites(a: Path, b: Path) -> None:
    x, y = _site(a), _site(b)
    assert x.keys() == y.keys(), sorted(set(x) ^ set(y))[:5]
    differing = sorted(str(k) for k in x if x[k] != y[k])
    assert differing == [], differing[:10]


def test_stencilled_site_is_the_site_mkdocs_renders(repo: Path, tmp_path: Path) -> None:
    on, off = _pair(repo, tmp_path)
    log = _build(on, stencil=True)
    filled, rendered = _stencilled(log)
    assert _stencilled(_build(off, stencil=False)) == (0, 0)
    pages = len(list((on / "site" / "articles").glob("*/index.html")))
    assert pages > 130
    assert filled > pages and rendered < filled / 5, log[-2000:]
    # their contents went through the page caches as MkDocs' pages' do (kept for next time)
    n = re.search(r"(\d+) articles loaded", log)
    m = re.search(r"(\d+) article pages reused from build/, (\d+) rendered, (\d+) stale", log)
    assert n and m and m.groups() == ("0", n.group(1), "0"), log[-2000:]
    _same_sites(on, off)
    # the stencilled pages are stored like the pages MkDocs renders: the next build takes
    # every one whole, and is the same site again
    m = re.search(r"(\d+) of (\d+) generated pages unchanged", _build(on, stencil=True))
    assert m and m.group(1) == m.group(2)
    _same_sites(on, off)
    page = (on / "site" / "articles" / "many-000" / "index.html").read_text("utf-8")
    assert "الزراعة &amp; &lt;المياه&gt;" in page


def test_a_theme_showing_something_per_page_gets_no_stencil(repo: Path,
                                                            tmp_path: Path) -> None:
    """A theme override shows each page's source path: no two pages' outputs cut into the
    same stencil, so every page is rendered by MkDocs, and the site is still exact."""
    on, off = _pair(repo, tmp_path)
    for root in (on, off):
        override = root / "overrides" / "partials" / "copyright.html"
        override.parent.mkdir(parents=True)
        override.write_text("<div>{{ page.file.src_uri if page else '' }}</div>\n",
                            encoding="utf-8")
        yml = root / "mkdocs.yml"
        yml.write_text(yml.read_text("utf-8").replace(
            "  name: material\n", "  name: material\n  custom_dir: overrides\n"), "utf-8")
    filled, rendered = _stencilled(_build(on, stencil=True))
    assert filled == 0 and rendered > 130
    _build(off, stencil=False)
    _same_sites(on, off)


# -- the stencils themselves ----------------------------------------------------------------
def _page(title: str, content: str, chrome: str = "") -> tuple[str, list[str | None]]:
    values = values_of(content, {"title": title}, None)
    return (f"<title>{title} - الموقع</title><nav>البحث</nav>{chrome}"
            f"<h1>{title}</h1><main>{content}</main>", values)


def test_two_samples_that_agree_make_a_stencil_that_fills_any_page() -> None:
    shape = Shape()
    shape.add(*_page("خبر الطقس", "<p>واحد</p>"))
    assert shape.stencil is None  # one sample proves nothing
    shape.add(*_page("نبأ الزراعة", "<p>اثنان</p>"))
    assert shape.stencil is not None
    out, values = _page("البحث & <x>", "<p>ثلاثة البحث</p>")  # a title found in the chrome
    assert shape.stencil.fill(values) == out


def test_a_value_found_in_the_chrome_or_a_per_page_part_gives_no_stencil() -> None:
    shape = Shape()
    shape.add(*_page("البحث", "<p>واحد</p>"))  # also the nav's label: cut there too
    shape.add(*_page("نبأ الزراعة", "<p>اثنان</p>"))
    assert shape.stencil is None
    shape.add(*_page("حدث المدينة", "<p>ثلاثة</p>"))  # agrees with the second
    assert shape.stencil is not None
    other = Shape()
    for k in range(5):  # something per page the values do not explain
        other.add(*_page(f"عنوان {k}x", f"<p>{k}</p>", chrome=f"<a href='edit/{k}'>"))
    assert other.stencil is None and other.given_up


def test_samples_sharing_a_title_prove_nothing() -> None:
    a, b = _page("خبر", "<p>1</p>")[1], _page("خبر", "<p>2</p>")[1]
    assert not distinct(a, b)
    assert distinct(a, _page("خبر آخر!", "<p>3</p>")[1]) is False  # one holds the other
    assert distinct(a, _page("نبأ", "<p>3</p>")[1])


def test_stencil_cut_is_its_output_again() -> None:
    out, values = _page("ت", "<p>ت ت</p>")
    cut = Stencil.cut(out, values)
    assert cut.fill(values) == out
    assert 4 in cut.parts and 0 in cut.parts


def test_places_group_pages_whose_relative_links_are_the_same() -> None:
    places = Places(["", "articles/", "timeline/", "assets/a.css", "about/"])
    assert places.of("timeline/2015-07/page/2/") == places.of("timeline/2016-01/page/3/")
    assert places.of("timeline/2015-07/page/2/") != places.of("articles/a/b/c/")
    assert places.of("articles/x/") == (2, "articles/")
    assert places.of("roots/x/") == places.of("places/y/") == (2, "")
    assert places.of("articles/x.html") == (1, "articles/")
    assert places.holds("timeline/") and places.holds("assets/")
    assert not places.holds("timeline/2015-07/")
