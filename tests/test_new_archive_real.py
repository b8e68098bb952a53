"""A new archive made from a real dump, end to end (issue: any Arabic news archive).

Runs bench/saudi-archive on the first 2,000 records of SaudiNewsNet: `archive import`, the
accepted `archive entities suggest` proposals, `mkdocs build --strict` of an archive with its own
name, and the script's checks (every imported article has its page, none of the Daraa archive's
own wording on any page, the Saudi places on the map, no page over 500 KB). Skipped when the
corpus is not beside the repository.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpora" / "saudinewsnet"

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="SaudiNewsNet corpus not present")


def test_a_real_dump_becomes_its_own_archive(tmp_path: Path) -> None:
    work, report = tmp_path / "archive", tmp_path / "report.json"
    res = subprocess.run(
        [sys.executable, str(REPO / "bench" / "saudi-archive"), "--limit", "2000",
         "--work", str(work), "--report", str(report)],
        capture_output=True, text=True, timeout=1200,
    )
    assert report.is_file(), res.stdout[-3000:] + res.stderr[-3000:]
    fig = json.loads(report.read_text(encoding="utf-8"))
    assert fig["checks"] and all(fig["checks"].values()), (fig["checks"], res.stdout[-3000:])
    assert res.returncode == 0
    # nothing lost: every record read was written or reported, and every written file built
    with open(work / "import-report.csv", encoding="utf-8-sig", newline="") as fh:
        reported = len(list(csv.DictReader(fh)))
    assert fig["articles_written"] + reported == 2000
    assert fig["article_pages_missing"] == 0
    assert fig["places_accepted"] >= 10 and fig["places_on_map"] >= 10
    assert "Daraa" not in (work / "site" / "index.html").read_text(encoding="utf-8")
