"""The search page body the site plugin inserts: asset links relative to where the page is,
and no data in it (results are filled in by search.js)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import node_path

from archive.browser.index import ASSETS, STATIC, compact_asset
from archive.browser.site import WORKBENCH_ASSETS, search_page_html


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


def test_compacted_scripts_are_the_same_programs(tmp_path: Path) -> None:
    """The site's copies of the scripts and styles lose their comment lines, blank lines and
    indentation only: every compacted module still parses in node, keeps each code line of
    the source (stripped) in order, and is smaller; compacting again changes nothing."""
    names = [*ASSETS, *WORKBENCH_ASSETS]
    for name in names:
        source = (STATIC / name).read_text("utf-8")
        out = compact_asset(source)
        assert out == compact_asset(out), name
        assert len(out) < len(source), name
        kept = iter(line.strip() for line in source.splitlines())
        for line in out.splitlines():  # each output line is a source line, in order
            assert any(line == src for src in kept), (name, line)
        if name.endswith(".js"):
            path = tmp_path / name.replace(".js", ".mjs")
            path.write_text(out, encoding="utf-8")
            subprocess.run([node_path(), "--check", str(path)], check=True, capture_output=True,
                           timeout=60)


def test_compacting_leaves_text_that_is_not_a_comment() -> None:
    code = ("// a comment line\n/* a block\n   comment */ const a = 1;\n"
            "  const url = 'https://example.org'; // trailing comments stay\n\n"
            "  /** one line */\n  if (a) {\n    f(`x`);\n  }\n")
    assert compact_asset(code) == ("const a = 1;\nconst url = 'https://example.org'; // "
                                   "trailing comments stay\nif (a) {\nf(`x`);\n}\n")
    # a template literal over lines: its indentation and "//" are text, so nothing changes
    spanning = "const t = `first\n  // not a comment\n  second`;\n"
    assert compact_asset(spanning) == spanning
