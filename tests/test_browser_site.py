"""The search page body the site plugin inserts: asset links relative to where the page is,
and no data in it (results are filled in by search.js)."""

from __future__ import annotations

from archive.browser.site import search_page_html


def test_asset_links_follow_the_page_location() -> None:
    assert 'src="../search/assets/search.js"' in search_page_html("search/")
    assert 'src="search/assets/search.js"' in search_page_html("search.html")
    assert 'href="../../search/assets/search.css"' in search_page_html("ar/search/")


def test_page_has_the_hooks_the_script_and_the_tests_use() -> None:
    html = search_page_html("search/")
    for hook in ('data-archive-search', 'name="q"', 'data-role="results"', 'data-state="idle"',
                 'data-role="facets"', 'data-role="status"', 'role="status"', 'dir="rtl"',
                 'value="exact"', 'value="stem"', 'value="root" checked'):
        assert hook in html, hook
    assert "<noscript>" in html
