"""The theme's weight: Material's main stylesheet trimmed of the features the archive does not use
(scripts/trim-material-css), linked by theme/main.html in place of Material's own file.

The site-level checks (the pages link the trimmed file, use no class it dropped, fetch Material's
bundle after the first results on the search page) are in tests/test_site.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import REPO, script_module

THEME = REPO / "src" / "archive" / "site" / "theme" / "main.html"
TRIMMED_DIR = REPO / "src" / "archive" / "site" / "static" / "material"


def _trim() -> object:
    return script_module("scripts/trim-material-css")


def _installed() -> Path:
    material = pytest.importorskip("material")
    sheets = Path(material.__file__).parent / "templates" / "assets" / "stylesheets"
    return next(sheets.glob("main.*.min.css"))


def test_the_template_names_the_shipped_trimmed_file() -> None:
    stem = re.search(r'set trimmed_from = "(main\.[0-9a-f]+)"', THEME.read_text(encoding="utf-8"))
    assert stem, "theme/main.html lost its trimmed_from"
    shipped = sorted(p.name for p in TRIMMED_DIR.glob("*.css"))
    assert shipped == [f"{stem.group(1)}.trimmed.css"], shipped


def test_trimmed_file_is_what_the_script_makes_from_the_installed_material() -> None:
    source = _installed()
    shipped = TRIMMED_DIR / source.name.replace(".min.css", ".trimmed.css")
    if not shipped.is_file():
        pytest.skip(f"installed Material has {source.name}: the site links Material's own file "
                    "(run scripts/trim-material-css after upgrading Material)")
    made = _trim().trim(source.read_text(encoding="utf-8"))  # type: ignore[attr-defined]
    assert shipped.read_text(encoding="utf-8") == made


def test_trim_keeps_what_the_pages_use_and_drops_the_unused_features() -> None:
    css = (next(TRIMMED_DIR.glob("*.css"))).read_text(encoding="utf-8")
    for kept in (".md-header", ".md-nav__link", ".md-sidebar--primary", ".md-typeset table",
                 ".md-option", ".md-dialog", ".md-typeset__scrollwrap", ".md-top", ".md-footer",
                 ".md-typeset code", ".md-typeset kbd", ".md-skip", ".md-button", "@keyframes"):
        assert kept in css, kept
    for dropped in (".md-search", ".tabbed-", ".admonition", ".md-tabs", ".md-source",
                    ".md-annotation", ".highlight", "--md-tabbed-icon", ".md-post", ".note>"):
        assert dropped not in css, dropped
    assert css.count("{") == css.count("}")
    assert len(css) < len(_installed().read_text(encoding="utf-8")) / 2


def test_trim_is_exact_on_a_small_sheet() -> None:
    trim = _trim().trim  # type: ignore[attr-defined]
    sheet = ('@charset "UTF-8";a,.md-search__x{color:red}.md-tabs{x:1}'
             '@media screen{.md-search{x:1}.md-nav{y:"a;}b"}}'
             ':root{--md-admonition-icon--note:url("data:x{}");--md-primary:#fff}'
             '@keyframes k{0%{o:0}}.tabbed-set:not(.a,.b),.md-nav__link{z:1}')
    assert trim(sheet) == ('@charset "UTF-8";a{color:red}@media screen{.md-nav{y:"a;}b"}}'
                           ':root{--md-primary:#fff}@keyframes k{0%{o:0}}.md-nav__link{z:1}')
