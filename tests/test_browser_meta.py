"""meta.json's compact columns (archive/browser/index.py ``live_bitset``, ``rank_code``): the
live document numbers as a bitset and the articles' places in id order as a Lehmer code, both
base64; Python and the browser (engine.js ``liveNumbers``, ``rankPlaces``) read back exactly
what was written."""

from __future__ import annotations

import itertools
import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from archive.browser.index import (
    live_bitset,
    live_numbers,
    meta_record,
    rank_code,
    rank_places,
)

REPO = Path(__file__).resolve().parents[1]
ENGINE = REPO / "src" / "archive" / "browser" / "static" / "engine.js"


def _cases() -> list[tuple[list[int], int, list[int]]]:
    """(live numbers, slots, places) of sizes 0 to 2,000, deterministic."""
    rng = random.Random(7)
    out = []
    for n, slots in ((0, 1), (1, 1), (1, 2), (2, 4), (3, 8), (7, 16), (8, 16), (9, 32),
                     (255, 512), (256, 512), (2_000, 4_096)):
        live = sorted(rng.sample(range(slots), n))
        places = list(range(n))
        rng.shuffle(places)
        out.append((live, slots, places))
    return out


def test_every_small_permutation_round_trips() -> None:
    for n in range(7):
        for places in itertools.permutations(range(n)):
            assert rank_places(rank_code(list(places)), n) == list(places)


def test_live_and_rank_round_trip_in_python() -> None:
    for live, slots, places in _cases():
        assert live_numbers(live_bitset(live, slots)) == live
        assert rank_places(rank_code(places), len(places)) == places


def test_the_rank_code_takes_about_log2_n_factorial_bits() -> None:
    """Each article's index among the places still free, in just the bits that number
    needs: at most one bit per article above log2(n!) (a JSON list took ~2.7× that)."""
    rng = random.Random(1)
    n = 5_000
    places = list(range(n))
    rng.shuffle(places)
    import base64
    import math

    bits = 8 * len(base64.b64decode(rank_code(places)))
    floor = math.lgamma(n + 1) / math.log(2)
    assert floor <= bits <= floor + n + 8


def test_meta_record_holds_the_live_numbers_and_places() -> None:
    ranks = {12: 2, 3: 0, 7: 3, 0: 1}  # docnum → place in id order
    meta = meta_record(ranks, 16, 4)
    assert live_numbers(meta["live"]) == [0, 3, 7, 12]
    assert rank_places(meta["rank"], meta["count"]) == [1, 0, 3, 2]
    assert meta["count"] == 4 and meta["slots"] == 16


def test_the_browser_reads_what_python_wrote(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: install nodejs and rerun")
    cases = [{"live": live_bitset(live, slots), "rank": rank_code(places), "n": len(places)}
             for live, slots, places in _cases()]
    # and data before DATA_VERSION 7: a delta-encoded list of numbers, a list of places
    cases.append({"live": [3, 2, 10], "rank": [2, 0, 1], "n": 3})
    (tmp_path / "cases.json").write_text(json.dumps(cases), "utf-8")
    script = (
        f"import {{ liveNumbers, rankPlaces }} from {json.dumps(ENGINE.as_uri())};\n"
        "import fs from 'node:fs';\n"
        "const cases = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));\n"
        "console.log(JSON.stringify(cases.map((c) => "
        "[liveNumbers(c.live), [...rankPlaces(c.rank, c.n)]])));\n")
    (tmp_path / "read.mjs").write_text(script, "utf-8")
    out = subprocess.run([node, str(tmp_path / "read.mjs"), str(tmp_path / "cases.json")],
                         capture_output=True, text=True, check=True)
    want = [[live, places] for live, _, places in _cases()]
    want.append([[3, 5, 15], [2, 0, 1]])
    assert json.loads(out.stdout) == want
