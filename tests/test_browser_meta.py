"""meta.json's compact columns and the rank files (archive/browser/index.py ``live_bitset``,
``rank_code``, ``rank_keys``, ``rank_records``): the live document numbers as a bitset, the
articles' places in id order as a Lehmer code (rank.json), both base64, and their rank keys
(increasing in id order, few of them changed by an added or deleted id) in id order
(rank.json) and by blocks of document numbers (rank/<b>.json); Python and the browser
(engine.js ``liveNumbers``, ``rankPlaces``, ``rankKeys``, ``IndexView.ensureRanks``) read back
exactly what was written, the browser fetching only the blocks it asks for."""

from __future__ import annotations

import collections
import itertools
import json
import random
import subprocess
from pathlib import Path

import pytest
from conftest import node_path
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.browser import index as browser_index
from archive.browser.index import (
    columns_record,
    live_bitset,
    live_numbers,
    meta_record,
    rank_blocks,
    rank_code,
    rank_keys,
    rank_keys_text,
    rank_places,
    rank_records,
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


def _hex_ids(rng: random.Random, count: int) -> list[str]:
    """Ids as the corpus's: a source, ``-``, 12 hex digits (sources of unequal sizes)."""
    sources = ["aawsat", "aleqtisadiya", "aljazirah", "alriyadh", "okaz"]
    return sorted({f"{rng.choice(sources[:rng.randint(1, 5)])}-{rng.getrandbits(48):012x}"
                   for _ in range(count)})


@settings(max_examples=150, deadline=None)
@given(st.sets(st.text(max_size=8), max_size=40)
       | st.sets(st.from_regex(r"[a-c]{0,2}-?[0-9a-gA-F:~-]{0,5}", fullmatch=True),
                 max_size=40))
def test_rank_keys_increase_in_id_order_for_any_ids(ids: set[str]) -> None:
    """Whatever the ids (no ``-``, hex or not, non-BMP, empty): the keys are non-negative
    and strictly increasing in Python's order of the ids, so tied rows sort as by id."""
    ordered = sorted(ids)
    keys = rank_keys(ordered)
    assert len(keys) == len(ordered)
    assert all(k >= 0 for k in keys)
    assert all(a < b for a, b in zip(keys, keys[1:], strict=False))
    assert keys == rank_keys(list(ordered))  # a function of the ids alone


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("09af/:Ag~\U00010000"), max_size=6),
                min_size=2, max_size=2), st.integers(1, 30))
def test_a_tails_value_does_not_decrease_in_the_tails_order(
        tails: list[str], bits: int) -> None:
    """The value a key starts from (its tail read as a hex fraction) follows the tails'
    order, other characters too: ids of one head then need few probes."""
    a, b = sorted(tails)
    assert 0 <= browser_index._tail_value(a, bits) <= browser_index._tail_value(b, bits) < 2**bits


def _rank_keys_reference(ids: list[str]) -> list[int]:
    """rank_keys as its docstring says, one id at a time (the function reads the usual
    hex tails at once)."""
    keys: list[int] = []
    offset, key, i = 0, -1, 0
    while i < len(ids):
        head = ids[i].partition("-")[0]
        j = i + 1
        while j < len(ids) and ids[j].partition("-")[0] == head:
            j += 1
        bits = (j - i).bit_length() + 1
        for ident in ids[i:j]:
            key = max(offset + browser_index._tail_value(ident[len(head) + 1:], bits), key + 1)
            keys.append(key)
        offset += 1 << bits
        i = j
    return keys


@settings(max_examples=150, deadline=None)
@given(st.sets(st.from_regex(r"(ab?|b)?-?[0-9a-f]{0,4}[-g:A]?[0-9a-f]{0,2}", fullmatch=True)
               | st.text(max_size=5), max_size=60))
def test_rank_keys_are_the_reference(ids: set[str]) -> None:
    ordered = sorted(ids)
    assert rank_keys(ordered) == _rank_keys_reference(ordered)


def test_rank_keys_of_corpus_like_ids_are_the_reference() -> None:
    ids = _hex_ids(random.Random(2), 5_000)
    ids = sorted([*ids, f"{ids[10]}-bench", ids[20][:-3], "zz", "zz-"])
    assert rank_keys(ids) == _rank_keys_reference(ids)


def test_rank_keys_change_little_when_an_id_comes_or_goes() -> None:
    """An added or deleted id (of a head whose count does not cross a power of two) changes
    the keys of a few ids at most: with places in id order, every id after it. The keys
    take about two bits more than the places (at most four times as many values)."""
    rng = random.Random(4)
    ids = _hex_ids(rng, 3_000)
    counts = collections.Counter(i.partition("-")[0] for i in ids).values()
    # (no head's count at a power of two or one less, where one more or less changes its
    # number of keys and moves its keys and every later head's)
    assert not any(c & (c - 1) == 0 or c & (c + 1) == 0 for c in counts), counts
    keys = dict(zip(ids, rank_keys(ids), strict=True))
    assert max(keys.values()) < 4 * len(ids) + 64
    moved = []
    for _ in range(100):
        added = f"{rng.choice(ids).partition('-')[0]}-{rng.getrandbits(48):012x}"
        deleted = rng.choice(ids)
        for now in (sorted([*ids, added]), [i for i in ids if i != deleted]):
            after = dict(zip(now, rank_keys(now), strict=True))
            moved.append(sum(after[i] != keys[i] for i in now if i in keys))
    moved.sort()
    assert moved[len(moved) // 2] == 0 and moved[-1] <= 20, moved
    assert sum(moved) / len(moved) < 1, moved


def test_rank_keys_text_is_the_gaps_less_one() -> None:
    assert rank_keys_text([]) == ""
    assert rank_keys_text([0, 1, 2]) == "!!!"  # (digit 0 is "!")
    assert rank_keys_text([5, 7, 70]) == rank_keys_text([5]) + rank_keys_text([1]) + \
        rank_keys_text([62])


def test_meta_record_holds_the_live_numbers_and_the_rank_files_the_places() -> None:
    ranks = {12: 2, 3: 0, 7: 3, 0: 1}  # docnum → place in id order
    meta = meta_record(ranks, 16, 4)
    assert live_numbers(meta["live"]) == [0, 3, 7, 12]
    assert meta["count"] == 4 and meta["slots"] == 16
    assert "rank" not in meta  # fetched for tied rows only
    files = rank_records(ranks, 16)
    assert rank_places(files["rank.json"]["rank"], meta["count"]) == [1, 0, 3, 2]
    blocks = [files[f"rank/{b}.json"] for b in range(rank_blocks(16))]
    assert len(files) == 1 + rank_blocks(16)
    # block b: the places of the live numbers among b·RANK_BLOCK …, ascending
    assert [p for block in blocks for p in block] == [1, 0, 3, 2]


def test_meta_record_rank_blocks_split_by_document_number(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browser_index, "RANK_BLOCK", 4)
    ranks = {12: 2, 3: 0, 7: 3, 0: 1, 13: 4}
    files = rank_records(ranks, 16)
    assert rank_blocks(16) == 4
    assert [files[f"rank/{b}.json"] for b in range(4)] == [[1, 0], [3], [], [2, 4]]


#: engine.js IndexView over a synthetic meta: which rank files ensureRanks fetches and the
#: places it sets; tie() orders placed rows by place, place-less ones after, by number.
VIEW_SCRIPT = """
import { IndexView } from %(engine)s;
import fs from 'node:fs';
const c = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const fetched = [];
const view = new IndexView(c.meta, null, null, null, null, async (name) => {
  fetched.push(name);
  return c.files[`${name}.json`];
});
const out = {};
const placeOf = () => Object.fromEntries(view.docnums.map((n) => [n, view.rank[n]]));
out.before = placeOf();
await view.ensureRanks([c.live[0], c.live[1]]);
out.some = { fetched: [...fetched], places: placeOf() };
const rows = c.live.map((doc) => ({ doc }));
out.order = [...rows].sort((a, b) => view.tie(a, b)).map((r) => r.doc);
await view.ensureRanks([c.live[0]]);  // its block is in: nothing fetched
out.again = [...fetched];
await view.ensureRanks();
out.all = { fetched: [...fetched], places: placeOf() };
out.final = [...rows].sort((a, b) => view.tie(a, b)).map((r) => r.doc);
console.log(JSON.stringify(out));
"""


def test_the_browser_fetches_the_places_of_the_rows_it_asks_for(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    node = node_path()
    monkeypatch.setattr(browser_index, "RANK_BLOCK", 8)
    live, slots, places = _cases()[8]  # 255 articles over 512 numbers: 64 blocks
    by_place = rank_keys(_hex_ids(random.Random(5), len(live)))
    ranks = dict(zip(live, places, strict=True))
    meta = meta_record(ranks, slots, 4)
    files = rank_records(ranks, slots, by_place)
    keys = {n: by_place[p] for n, p in ranks.items()}
    assert sorted(keys.values()) != list(range(len(live)))  # (keys, not places)
    (tmp_path / "case.json").write_text(json.dumps(
        {"meta": meta, "files": files, "live": live}), "utf-8")
    (tmp_path / "view.mjs").write_text(VIEW_SCRIPT % {"engine": json.dumps(ENGINE.as_uri())},
                                       "utf-8")
    out = json.loads(subprocess.run(
        [node, str(tmp_path / "view.mjs"), str(tmp_path / "case.json")],
        capture_output=True, text=True, check=True).stdout)
    assert set(out["before"].values()) == {-1}  # nothing up front
    first = sorted({live[0] // 8, live[1] // 8})
    assert out["some"]["fetched"] == [f"rank/{b}" for b in first]
    got = {int(n): p for n, p in out["some"]["places"].items()}
    for n in live:  # the places of the blocks fetched, and only those
        assert got[n] == (keys[n] if n // 8 in first else -1)
    placed = [n for n in live if n // 8 in first]
    assert out["order"] == sorted(placed, key=ranks.__getitem__) + [
        n for n in live if n // 8 not in first]
    assert out["again"] == out["some"]["fetched"]
    # every place: rank.json at once, not the 60-odd other blocks
    assert out["all"]["fetched"] == [*out["some"]["fetched"], "rank"]
    assert {int(n): p for n, p in out["all"]["places"].items()} == keys
    assert out["final"] == sorted(live, key=ranks.__getitem__)


def test_the_browser_reads_what_python_wrote(tmp_path: Path) -> None:
    node = node_path()
    cases = [{"live": live_bitset(live, slots), "rank": rank_code(places), "n": len(places),
              "keys": rank_keys_text(rank_keys(_hex_ids(random.Random(len(live)), len(live))))}
             for live, slots, places in _cases()]
    # and data before DATA_VERSION 7: a delta-encoded list of numbers, a list of places
    cases.append({"live": [3, 2, 10], "rank": [2, 0, 1], "n": 3, "keys": ""})
    (tmp_path / "cases.json").write_text(json.dumps(cases), "utf-8")
    script = (
        f"import {{ liveNumbers, rankKeys, rankPlaces }} from {json.dumps(ENGINE.as_uri())};\n"
        "import fs from 'node:fs';\n"
        "const cases = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));\n"
        "console.log(JSON.stringify(cases.map((c) => "
        "[liveNumbers(c.live), [...rankPlaces(c.rank, c.n)], rankKeys(c.keys)])));\n")
    (tmp_path / "read.mjs").write_text(script, "utf-8")
    out = subprocess.run([node, str(tmp_path / "read.mjs"), str(tmp_path / "cases.json")],
                         capture_output=True, text=True, check=True)
    want = [[live, places, rank_keys(_hex_ids(random.Random(len(live)), len(live)))]
            for live, _, places in _cases()]
    want.append([[3, 5, 15], [2, 0, 1], []])
    assert json.loads(out.stdout) == want


def _columns_as_before(rows: dict[int, list], gazetteer: object) -> dict:
    """columns_record as it was written up to session 23 (a pass over the rows per column):
    the reference for its one-pass version."""
    entities = browser_index.entity_rows(gazetteer)
    for row in rows.values():
        for key in [*row[2], *row[3]]:
            if key not in entities:
                kind, _, ident = key.partition(":")
                entities[key] = [kind, ident, ident, [], None]
    keys = sorted(entities)
    number = {k: i for i, k in enumerate(keys)}
    dates = sorted({r[0] for r in rows.values() if r[0]})
    sources = sorted({r[1] for r in rows.values() if r[1]})
    date_no = {d: i for i, d in enumerate(dates)}
    source_no = {s: i for i, s in enumerate(sources)}
    live = sorted(rows)
    return {
        "version": browser_index.DATA_VERSION, "count": len(rows), "dates": dates,
        "sources": sources,
        "date": [date_no[rows[n][0]] if rows[n][0] else -1 for n in live],
        "source": [source_no[rows[n][1]] if rows[n][1] else -1 for n in live],
        "places": [[number[k] for k in rows[n][2]] for n in live],
        "actors": [[number[k] for k in rows[n][3]] for n in live],
        "entity_columns": ["kind", "id", "name", "aliases", "parent"],
        "entity_keys": keys, "entities": {k: entities[k] for k in keys},
    }


def test_columns_record_gives_the_bytes_it_gave_before() -> None:
    """Rows with and without a date or source ("" and None), repeated and unknown entity keys
    (declared in front matter, not in the gazetteer), non-BMP names, in any insertion order:
    the same JSON text as the reference."""
    rng = random.Random(23)
    keys = ["place:riyadh", "place:jeddah", "actor:\U0001d49c-x", "actor:amir", "place:a:b",
            "place:", "actor:z"]
    for size in (0, 1, 2, 50, 700):
        rows: dict[int, list] = {}
        for n in rng.sample(range(4 * size + 1), size):
            rows[n] = [rng.choice(["", None, "2015-07-24", "2014-01-01", "2016-12-31"]),
                       rng.choice(["", None, "alriyadh", "3alyoum", "\u0639"]),
                       rng.sample(keys, rng.randrange(4)), rng.sample(keys, rng.randrange(3))]
        got = browser_index._dump(columns_record(rows, None))
        assert got == browser_index._dump(_columns_as_before(rows, None))
        assert got == browser_index._dump(columns_record(dict(reversed(rows.items())), None))
