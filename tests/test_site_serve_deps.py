"""`mkdocs serve` checks again only the pages that show what a reload changed: a page whose
recorded articles, places, actors and roots (and own related list) are unchanged since the
previous build keeps its key without its inputs being digested again. An edit that moves an
article in the lists (a new title or date), or adds or deletes one, checks every page. Either
way the served folder equals a fresh serve's."""

from __future__ import annotations

import json
import re
from pathlib import Path

from test_incremental_site import _project
from test_site_pageout import _serve_builds
from test_site_serve_kept import _SERVE, _fresh, _same_site, _serve

#: test_site_serve_kept's serve script with one more step: "append" adds a sentence of words
#: the article already has (no root gets or loses a page; root and related counts change)
_STEPS = _SERVE.replace('    elif step == "retitle":', (
    '    elif step == "append":\n'
    '        with open(seeds / "synthetic-1.md", "a", encoding="utf-8") as fh:\n'
    '            fh.write("\\nفاز المنتخب الوطني.\\n")\n'
    '    elif step == "retitle":'))
assert _STEPS != _SERVE

_COUNTS = re.compile(r"(\d+) of (\d+) generated pages unchanged .*; (\d+) show nothing that "
                     r"changed, (\d+) by the previous reload's keys")


def _counts(log: str) -> tuple[int, int, int, int]:
    found = _COUNTS.search(log)
    assert found, log
    reused, total, untouched, remembered = (int(x) for x in found.groups())
    return reused, total, untouched, remembered


def test_an_edited_text_checks_only_the_pages_that_show_it(repo: Path, tmp_path: Path) -> None:
    root = tmp_path / "p"
    _project(root, repo)
    served = tmp_path / "served"
    builds = []
    for chunk in _serve_builds(root, served, "first,append,revert,append,retitle",
                               script=_STEPS, timeout=900):
        log, _, tree = chunk.rpartition("TREE ")
        builds.append((log, json.loads(tree)))
    page = "articles/synthetic-1/index.html"
    for log, _tree in builds[1:4]:  # a sentence appended to one article (or taken away)
        reused, total, untouched, remembered = _counts(log)
        # most pages are not even checked; the edited article's page is rendered again
        assert untouched > remembered and untouched <= reused < total, log
    for (_log, before), (_log2, after) in zip(builds[:3], builds[1:4], strict=True):
        assert after[page] != before[page]  # the edited page is written again each time
        assert after["articles/synthetic-2/index.html"] == before[
            "articles/synthetic-2/index.html"]
    # a new title and date: the article moves in its lists and months, every page is checked
    reused, total, untouched, _remembered = _counts(builds[4][0])
    assert untouched == 0 and reused < total
    assert "فاز المنتخب الوطني.</p>" in (served / page).read_text("utf-8")
    assert "عنوان جديد تماما" in (served / "articles/synthetic-3/index.html").read_text("utf-8")
    _same_site(served, _fresh(root, tmp_path, "fresh"))


def test_added_and_deleted_articles_check_every_page(repo: Path, tmp_path: Path) -> None:
    root = tmp_path / "p"
    _project(root, repo)
    served = tmp_path / "served"
    builds = _serve(root, served, "first,edit,add,delete,bad,unbad,revert")
    for log, _tree in builds[2:4]:  # added, then deleted: every page is checked
        assert _counts(log)[2] == 0, log
    assert "FAILED" in builds[4][0]
    # the build after a failed one checks every page (the failed one left no record), unless
    # nothing changed at all since the pages were stored
    if "show nothing that changed" in builds[5][0]:
        assert _counts(builds[5][0])[2] == 0
    assert not (served / "articles/synthetic-9/index.html").exists()
    _same_site(served, _fresh(root, tmp_path, "fresh"))
