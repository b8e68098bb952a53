"""What the site plugin calls to give the website its browser search.

- :func:`add_search_page` adds the generated ``search.md`` page (URL ``search/``), unless
  ``docs/`` already has one; the header's search box (``partials/archive-search.html`` of the
  site theme) submits to it with ``?q=``.
- :func:`search_page_html` is that page's body.
- :func:`write_site_search` writes the index, metadata, document store and scripts into the
  built site (call it from ``on_post_build``).

Material's built-in search plugin stays off (it is left out of ``plugins:`` in mkdocs.yml):
one search, the archive's, in the header and on /search/.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jinja2

from archive.browser.index import BrowserIndexReport, write_browser_index

SEARCH_SRC = "search.md"
TEMPLATES = Path(__file__).parent / "templates"
_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)


def add_search_page(files: Any, config: Any) -> Any | None:
    """Add the generated search page to MkDocs' ``files`` (None when docs/ has its own)."""
    from mkdocs.structure.files import File, InclusionLevel

    for uri in (SEARCH_SRC, "search/index.md"):
        if files.get_file_from_path(uri) is not None:
            return None
    page = File.generated(config, SEARCH_SRC, content="# البحث\n",
                          inclusion=InclusionLevel.NOT_IN_NAV)
    files.append(page)
    return page


def is_search_page(page: Any) -> bool:
    return bool(page.file.src_uri == SEARCH_SRC and page.file.generated_by)


def search_page_html(page_url: str = "search/") -> str:
    """The search page's body; ``page_url`` is where the page lives (for relative links)."""
    folders = [p for p in page_url.split("/")[:-1] if p]  # "search/" → 1, "search.html" → 0
    to_root = "../" * len(folders)
    return _ENV.get_template("search.html").render(assets=f"{to_root}search/assets/")


def write_site_search(
    analyzed: Iterable[Any], gazetteer: Any, site_dir: str | Path,
    urls: dict[str, str] | None = None, state_dir: str | Path | None = None,
) -> BrowserIndexReport:
    """Write the browser search data and assets into the built site.

    ``analyzed``: the analysed articles in id order (a list is sorted), read once.
    ``urls``: article id → page URL relative to the site root (default ``articles/<id>/``).
    ``state_dir`` (the plugin passes ``build/browser``): keep the data and per-article
    fingerprints there and rewrite only what changed; None: a cold build."""
    return write_browser_index(analyzed, Path(site_dir), gazetteer, urls=urls,
                               state_dir=Path(state_dir) if state_dir is not None else None)
