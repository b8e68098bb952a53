"""What the site plugin calls to give the website its browser search.

- :func:`add_search_page` adds the generated ``search.md`` page (URL ``search/``), unless
  ``docs/`` already has one; the header's search box (``partials/archive-search.html`` of the
  site theme) submits to it with ``?q=``. It also adds the concordance page ``kwic.md``
  (URL ``kwic/``, ``?q=…&mode=…&sort=…``; issue 16).
- :func:`search_page_html` is the body of either page (chosen by the page's URL).
- :func:`write_site_search` writes the index, metadata, document store and scripts into the
  built site (call it from ``on_post_build``).

Material's built-in search plugin stays off (it is left out of ``plugins:`` in mkdocs.yml):
one search, the archive's, in the header and on /search/.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from archive.browser.index import BrowserIndexReport, copy_asset, write_browser_index

if TYPE_CHECKING:
    from archive.memory import Every

SEARCH_SRC = "search.md"
KWIC_SRC = "kwic.md"
#: Title of each generated page (front matter of the generated Markdown: the plugin keeps it).
PAGE_TITLES = {SEARCH_SRC: "البحث", KWIC_SRC: "الكلمة في سياقها"}
#: Scripts and styles of the researcher's workbench (issue 16), copied beside the search's.
WORKBENCH_ASSETS: tuple[str, ...] = ("kwic.js", "kwic-page.js", "trend.js", "export.js",
                                     "workbench.js", "roots.js", "workbench.css")
TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)


def add_search_page(files: Any, config: Any) -> Any | None:
    """Add the generated search page (and the concordance page) to MkDocs' ``files``; returns
    the search page (None when docs/ has its own)."""
    from mkdocs.structure.files import File, InclusionLevel

    added = None
    for src in (SEARCH_SRC, KWIC_SRC):
        stem = src.removesuffix(".md")
        if any(files.get_file_from_path(uri) is not None for uri in (src, f"{stem}/index.md")):
            continue
        title = PAGE_TITLES[src]
        page = File.generated(config, src, content=f"---\ntitle: {title}\n---\n# {title}\n",
                              inclusion=InclusionLevel.NOT_IN_NAV)
        files.append(page)
        if src == SEARCH_SRC:
            added = page
    return added


def is_search_page(page: Any) -> bool:
    """The generated search or concordance page (their bodies come from here)."""
    return bool(page.file.src_uri in PAGE_TITLES and page.file.generated_by)


def search_page_html(page_url: str = "search/") -> str:
    """The search page's body, or the concordance page's when ``page_url`` is ``kwic/`` (or
    ``kwic.html``); ``page_url`` is where the page lives (for relative links)."""
    folders = [p for p in page_url.split("/")[:-1] if p]  # "search/" → 1, "search.html" → 0
    to_root = "../" * len(folders)
    name = page_url.rstrip("/").rsplit("/", 1)[-1].removesuffix(".html")
    template = "kwic.html" if name == "kwic" else "search.html"
    return _ENV.get_template(template).render(assets=f"{to_root}search/assets/",
                                              root=to_root or "./")


def write_site_search(
    analyzed: Iterable[Any], gazetteer: Any, site_dir: str | Path,
    urls: dict[str, str] | None = None, state_dir: str | Path | None = None,
    trim: Every | None = None,
) -> BrowserIndexReport:
    """Write the browser search data and assets into the built site.

    ``analyzed``: the analysed articles in id order (a list is sorted), read once, or an
    :class:`~archive.browser.index.ArticleSource` (the build's analysis records), from
    which only the articles changed since the previous build are read.
    ``urls``: article id → page URL relative to the site root (default ``articles/<id>/``).
    ``state_dir`` (the plugin passes ``build/browser``): keep the data and per-article
    fingerprints there and rewrite only what changed; None: a cold build. ``trim``: see
    :func:`~archive.browser.index.write_browser_index`."""
    report = write_browser_index(analyzed, Path(site_dir), gazetteer, urls=urls,
                                 state_dir=Path(state_dir) if state_dir is not None else None,
                                 trim=trim)
    copy_workbench_assets(Path(site_dir))
    return report


def copy_workbench_assets(site_dir: Path) -> list[Path]:
    """Copy the workbench's scripts and styles (compacted, as the search's) into
    ``<site>/search/assets/``."""
    target = site_dir / "search" / "assets"
    target.mkdir(parents=True, exist_ok=True)
    return [copy_asset(STATIC / name, target / name) for name in WORKBENCH_ASSETS]
