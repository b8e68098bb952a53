"""The browser writer's shard state pack (archive.browser.shardpack): records by shard number
in one file and its index, appended, read back, compacted."""

from __future__ import annotations

from pathlib import Path

import pytest

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


def test_a_rebuild_appends_and_a_fresh_pack_starts_empty(tmp_path: Path) -> None:
    """A shard put again is appended (the others keep their place), read back as the new
    record; ``close(shards)`` forgets the shards from that number on; a fresh pack holds
    nothing of the old one."""
    folder = tmp_path / "shards"
    pack = ShardPack(folder, fresh=True)
    for k in range(6):
        pack.put(k, f"shard {k}".encode() * 100)
    pack.close()
    size = (folder / shardpack.PACK).stat().st_size
    pack = ShardPack(folder, fresh=False)
    assert pack.get(2) == b"shard 2" * 100
    pack.put(2, b"new two")
    assert pack.get(2) == b"new two"  # read back before the pack is flushed
    pack.close(shards=4)
    assert (folder / shardpack.PACK).stat().st_size == size + len(b"new two")
    assert _records(folder, 6) == {0: b"shard 0" * 100, 1: b"shard 1" * 100, 2: b"new two",
                                   3: b"shard 3" * 100, 4: None, 5: None}
    ShardPack(folder, fresh=True).close()
    assert _records(folder, 6) == dict.fromkeys(range(6))
    assert (folder / shardpack.PACK).stat().st_size == 0


def test_the_pack_is_compacted_when_its_dead_records_outweigh_the_live_ones(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rebuilds that rewrite the same shards again and again leave dead records behind; once
    they outweigh the live ones the pack is written again with the live records only, in
    shard order, and every record still reads back."""
    monkeypatch.setattr(shardpack, "COMPACT_MIN", 0)
    folder = tmp_path / "shards"
    pack = ShardPack(folder, fresh=True)
    for k in range(4):
        pack.put(k, bytes([65 + k]) * 100)
    pack.close()
    sizes = []
    for round_ in range(3):
        pack = ShardPack(folder, fresh=False)
        pack.put(1, f"round {round_}".encode() * 43)
        pack.close()
        sizes.append((folder / shardpack.PACK).stat().st_size)
    live = 3 * 100 + len(b"round 2") * 43
    # appended twice (100 then 401 dead bytes: fewer than the live ones), compacted the third
    # time (702 dead)
    assert sizes == [400 + 301, 400 + 2 * 301, live]
    assert _records(folder, 4) == {0: b"A" * 100, 1: b"round 2" * 43, 2: b"C" * 100,
                                   3: b"D" * 100}
    pack = ShardPack(folder, fresh=False)
    pack._compact()
    pack.close()
    assert (folder / shardpack.PACK).stat().st_size == live
    assert _records(folder, 4)[1] == b"round 2" * 43


def test_a_damaged_index_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "shards"
    ShardPack(folder, fresh=True).close()
    (folder / shardpack.INDEX).write_bytes(b"\x01" * 12)
    with pytest.raises(ValueError, match="damaged"):
        ShardPack(folder, fresh=False)
