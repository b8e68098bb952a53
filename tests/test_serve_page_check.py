"""`mkdocs serve`'s page check after a reload that kept its page keys: a page that shows
nothing the reload changed, whose store entry still carries its kept key, is taken without a
look at its stored file (no stat of 12,958 files at 9,504 articles); a page whose store entry
no longer carries that key (keys.json written behind the server's back, which it then reads
again) is checked as before. Either way the served folder equals a fresh serve's."""

from __future__ import annotations

import json
import re
from pathlib import Path

from test_incremental_site import _project
from test_site_pageout import _serve_builds
from test_site_serve_deps import _STEPS
from test_site_serve_kept import _fresh, _same_site

_COUNTS = re.compile(r"(\d+) of (\d+) generated pages unchanged .*; (\d+) show nothing that "
                     r"changed, (\d+) by the previous (?:reload|build)'s keys; (\d+) taken "
                     r"without a look at their stored file")

#: _STEPS with one more step: "restamp" rewrites the store's keys.json with another key for
#: one stored page (the server's store changed behind its back), and appends as "append" does
_SCRIPT = _STEPS.replace('    elif step == "retitle":', (
    '    elif step == "restamp":\n'
    '        keys = root / "build" / "serve-pages" / "keys.json"\n'
    '        data = json.loads(keys.read_text())\n'
    '        name = sorted(data["pages"])[0]\n'
    '        data["pages"][name][0] = "0" * 64\n'
    '        keys.write_text(json.dumps(data))\n'
    '        print("RESTAMPED " + name, flush=True)\n'
    '        with open(seeds / "synthetic-1.md", "a", encoding="utf-8") as fh:\n'
    '            fh.write("\\nفاز المنتخب الوطني.\\n")\n'
    '    elif step == "retitle":'))
assert _SCRIPT != _STEPS


def _counts(log: str) -> tuple[int, ...]:
    found = _COUNTS.search(log)
    assert found, log
    return tuple(int(x) for x in found.groups())


def _builds(root: Path, served: Path, steps: str) -> list[tuple[str, dict[str, list[int]]]]:
    out = []
    for chunk in _serve_builds(root, served, steps, script=_SCRIPT, timeout=900):
        log, _, tree = chunk.rpartition("TREE ")
        out.append((log, json.loads(tree)))
    return out


def test_untouched_pages_are_taken_by_their_kept_keys_alone(repo: Path,
                                                            tmp_path: Path) -> None:
    root = tmp_path / "p"
    _project(root, repo)
    served = tmp_path / "served"
    builds = _builds(root, served, "first,append,revert,append,restamp")
    # the first reload after the start: no keys kept in memory yet (the start rendered all)
    for log, _tree in builds[2:4]:
        reused, total, untouched, remembered, unlooked = _counts(log)
        # every page that shows nothing that changed is taken by its kept key, none of them
        # stat-ed; the edited article's page is made again
        assert unlooked == untouched > 0 and untouched <= reused < total, log
    page = "articles/synthetic-1/index.html"
    assert builds[3][1][page] != builds[2][1][page]
    assert "فاز المنتخب الوطني.</p>" in (served / page).read_text("utf-8")
    # keys.json written by another process, with an entry that no longer carries the kept
    # key: the server reads the file again (archive.site.keptindex), and that page is checked
    # again (by its file and inputs), as are the pages stored since the server's first build
    # wrote the file (their entries there are older); the others still by their kept keys
    log = builds[4][0]
    assert "RESTAMPED" in log
    reused, total, untouched, remembered, unlooked = _counts(log)
    before = _counts(builds[3][0])
    assert unlooked == untouched > 0 and total == before[1], log
    assert reused < before[0] and untouched < before[2], log
    _same_site(served, _fresh(root, tmp_path, "fresh"))
