"""The browser writer's shard state pack (archive.browser.shardpack): records by shard number
in one file and its index, put into free space or appended, read back, compacted."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.browser import shardpack
from archive.browser.shardpack import ShardPack


def _records(folder: Path, shards: int) -> dict[int, bytes | None]:
    pack = ShardPack(folder, fresh=False)
    try:
        return {k: pack.get(k) for k in range(shards)}
    finally:
        pack.close(write=False)


def test_records_come_back_by_shard_after_the_pack_is_closed(tmp_path: Path) -> None:
    """Records put in any order come back by shard number, within the build (before and
    after a flush) and after the pack is closed and opened again; a shard never put has
    none."""
    pack = ShardPack(tmp_path / "shards", fresh=True)
    data = {k: bytes([k]) * (k * 37 + 1) for k in (5, 0, 3, 9)}
    for k, record in data.items():
        pack.put(k, record)
    assert pack.get(3) == data[3] and pack.get(1) is None and pack.get(40) is None
    pack.close()
    assert sorted(p.name for p in (tmp_path / "shards").iterdir()) == sorted(shardpack.NAMES)
    got = _records(tmp_path / "shards", 12)
    assert got == {k: data.get(k) for k in range(12)}


def test_a_rebuild_reuses_free_space_and_a_fresh_pack_starts_empty(tmp_path: Path) -> None:
    """A shard put again goes into its old record's space when it fits (the others keep
    their place), read back as the new record; ``close(shards)`` forgets the shards from that
    number on; a fresh pack holds nothing of the old one."""
    folder = tmp_path / "shards"
    pack = ShardPack(folder, fresh=True)
    for k in range(6):
        pack.put(k, f"shard {k}".encode() * 100)
    pack.close()
    size = (folder / shardpack.PACK).stat().st_size
    pack = ShardPack(folder, fresh=False)
    assert pack.get(2) == b"shard 2" * 100
    pack.put(2, b"new two")
    assert pack.get(2) == b"new two"
    pack.close(shards=4)
    # shards 4 and 5 forgotten: the file ends after shard 3's record
    assert (folder / shardpack.PACK).stat().st_size == size - 2 * 700
    assert _records(folder, 6) == {0: b"shard 0" * 100, 1: b"shard 1" * 100, 2: b"new two",
                                   3: b"shard 3" * 100, 4: None, 5: None}
    pack = ShardPack(folder, fresh=False)
    pack.put(0, b"longer than new two's hole")  # the hole after new two (693 bytes)
    pack.close()
    assert pack.index[0] == 1400 + len(b"new two")
    assert (folder / shardpack.PACK).stat().st_size == 4 * 700
    assert _records(folder, 4)[0] == b"longer than new two's hole"
    ShardPack(folder, fresh=True).close()
    assert _records(folder, 6) == dict.fromkeys(range(6))
    assert (folder / shardpack.PACK).stat().st_size == 0


def test_a_record_goes_into_the_smallest_hole_that_holds_it(tmp_path: Path) -> None:
    """Free space is found between the records at opening and from the records replaced
    during the build; a record takes the smallest hole that holds it, is appended when none
    does, and a record larger than every hole grows the pack."""
    folder = tmp_path / "shards"
    pack = ShardPack(folder, fresh=True)
    for k, size in enumerate((50, 10, 30, 20, 40)):
        pack.put(k, bytes([65 + k]) * size)
    pack.close(shards=5)
    pack = ShardPack(folder, fresh=False)
    pack.put(1, b"b" * 5)  # into its own place (10): 5 bytes left free at 55
    pack.put(3, b"d" * 25)  # its place (20 at 90) is too small: 30 bytes, appended at 150
    assert (pack.index[2], pack.index[6]) == (50, 150)
    pack.put(4, b"e" * 18)  # the smallest hole holding 18: shard 3's old place (20 at 90)
    assert pack.index[8] == 90
    pack.put(2, b"c" * 4)  # the 5 bytes left at 55
    assert pack.index[4] == 55
    pack.close()
    records = {0: b"A" * 50, 1: b"b" * 5, 2: b"c" * 4, 3: b"d" * 25, 4: b"e" * 18}
    assert _records(folder, 5) == records
    assert (folder / shardpack.PACK).stat().st_size == 175


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.tuples(st.integers(0, 11), st.integers(0, 300)), max_size=12),
                min_size=1, max_size=8),
       st.booleans())
def test_every_record_reads_back_after_any_rebuilds(
        tmp_path_factory: pytest.TempPathFactory, builds: list[list[tuple[int, int]]],
        small_flush: bool) -> None:
    """Any sequence of builds, each putting records of any sizes (a shard more than once
    too), reads back exactly the last record of each shard, within the build and after it,
    and the pack is never larger than twice its live bytes (or the compaction floor)."""
    folder = tmp_path_factory.mktemp("pack") / "shards"
    expected: dict[int, bytes] = {}
    old = shardpack.FLUSH
    shardpack.FLUSH = 64 if small_flush else old
    try:
        for n, build in enumerate(builds):
            pack = ShardPack(folder, fresh=n == 0)
            for i, (k, size) in enumerate(build):
                data = bytes([(n * 31 + i * 7 + k) % 251]) * size
                pack.put(k, data)
                expected[k] = data
                assert pack.get(k) == data
            assert all(pack.get(k) == v for k, v in expected.items())
            pack.close()
            assert _records(folder, 12) == {k: expected.get(k) for k in range(12)}
            live = sum(map(len, expected.values()))
            size = (folder / shardpack.PACK).stat().st_size
            assert size <= live + max(live, shardpack.COMPACT_MIN)
    finally:
        shardpack.FLUSH = old


def test_the_pack_is_compacted_when_its_dead_records_outweigh_the_live_ones(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A record that grows at every rebuild fits no hole and is appended, leaving its old
    space behind; once the free space outweighs the live records the pack is written again
    with the live records only, in shard order, and every record still reads back."""
    monkeypatch.setattr(shardpack, "COMPACT_MIN", 0)
    folder = tmp_path / "shards"
    pack = ShardPack(folder, fresh=True)
    for k in range(4):
        pack.put(k, bytes([65 + k]) * 100)
    pack.close()
    sizes = []
    for round_ in range(4):
        pack = ShardPack(folder, fresh=False)
        pack.put(1, f"round {round_}".encode() * (43 + 50 * round_))
        pack.close()
        sizes.append((folder / shardpack.PACK).stat().st_size)
    grown = [7 * (43 + 50 * r) for r in range(4)]  # 301, 651, 1001, 1351
    live = 3 * 100 + grown[3]
    # appended three times (100, 401, then 1,052 free bytes: fewer than the live ones),
    # compacted the fourth time (2,053 free)
    assert sizes == [400 + sum(grown[:1]), 400 + sum(grown[:2]), 400 + sum(grown[:3]), live]
    assert _records(folder, 4) == {0: b"A" * 100, 1: b"round 3" * 193, 2: b"C" * 100,
                                   3: b"D" * 100}
    pack = ShardPack(folder, fresh=False)
    pack._compact()
    pack.close()
    assert (folder / shardpack.PACK).stat().st_size == live
    assert _records(folder, 4)[1] == b"round 3" * 193


def test_a_damaged_index_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "shards"
    ShardPack(folder, fresh=True).close()
    (folder / shardpack.INDEX).write_bytes(b"\x01" * 12)
    with pytest.raises(ValueError, match="damaged"):
        ShardPack(folder, fresh=False)
