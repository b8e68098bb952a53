"""The browser index's cold path (issue 12): the shortcuts a cold build takes (no state to
patch, a fresh data folder written without reading it back) give the bytes of the general
path, and a cold build over the data of a previous build still rewrites nothing that is
unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_browser_index_incremental import _analyzed, _cold, _data, _mtimes, _project, _same

from archive.browser.index import delta_decode, delta_encode, write_browser_index


def test_delta_encode_sorts_whatever_the_order_it_is_given() -> None:
    assert delta_encode([7]) == [7]
    assert delta_encode([3, 9, 14]) == [3, 6, 5]
    assert delta_encode([14, 3, 9, 3]) == [3, 0, 6, 5]  # unsorted, a repeated position
    assert delta_decode(delta_encode([40, 2, 17, 2, 5])) == [2, 2, 5, 17, 40]


def test_a_cold_build_over_previous_data_keeps_its_unchanged_files(tmp_path: Path) -> None:
    """Without a usable state (here: state.bin removed, as after a code change) the build
    is cold, but its data folder already holds the previous build's files: each is compared,
    not overwritten, so a static host (and ``mkdocs serve``) sees no change; the bytes are
    those of a cold build into an empty folder, with or without a state folder."""
    root = _project(tmp_path / "archive")
    state, site = root / "build" / "browser", root / "site"
    analyzed, gazetteer = _analyzed(root)
    first = write_browser_index(analyzed, site, gazetteer, state_dir=state)
    assert first.full and first.written > 0 and first.kept == 0
    before = _mtimes(state / "data")
    (state / "state.bin").unlink()
    again = write_browser_index(analyzed, site, gazetteer, state_dir=state)
    assert again.full and again.changed == len(analyzed)
    assert again.written == 0 and again.kept == first.written
    assert _mtimes(state / "data") == before
    _same(_data(site), _cold(root, analyzed, gazetteer))


def test_a_spill_record_made_of_its_groups_bytes_reads_back_as_its_tuple(tmp_path: Path
                                                                         ) -> None:
    """The writer spills an article's groups of a bucket as ``(seq, [group, …])`` without
    encoding them again: the record is put together from each group's marshal bytes (the
    same bytes its checksum is taken of), and reads back as the tuple itself."""
    import marshal

    from archive.browser.index import _SPILL_HEAD, _Spill, _spilled

    groups = [(2166136261, [("كتاب", [0, [3, 9], 1, [3, 9]])], [(0, "كتب", "كتاب", "كِتاب")]),
              (7, [], [(1, "ك ت ب", "الكتاب", "الكتاب")]),
              (2**32 - 1, [("x" * 300, [4, [1]])], [])]
    spill = _Spill(tmp_path / "spill")
    for seq in (0, 5, 70_000, 2**31 - 1):
        data = _spilled(_SPILL_HEAD + marshal.dumps(seq, 2),
                        [marshal.dumps(g, 2) for g in groups[: 1 + seq % 3]])
        assert marshal.loads(data) == (seq, groups[: 1 + seq % 3])
        spill.add_bytes(3, data)
    spill.add(3, (9, groups))
    spill.close()
    assert list(spill.read(3)) == [(seq, groups[: 1 + seq % 3])
                                   for seq in (0, 5, 70_000, 2**31 - 1)] + [(9, groups)]


def test_spill_buckets_grow_with_a_cold_builds_articles_within_the_shards(
        monkeypatch: Any) -> None:
    """More spill files for more articles (a power of two, from :data:`SPILL_BUCKETS`), so
    that a bucket's expected bytes stay within a pass; never more than the shards (a shard's
    terms stay in one bucket) or :data:`MAX_SPILL_BUCKETS`; an unknown count keeps the
    minimum."""
    from archive.browser.index import (
        MAX_SPILL_BUCKETS,
        SPILL_ARTICLE,
        SPILL_BUCKETS,
        SPILL_PASS,
        spill_buckets,
    )

    monkeypatch.setattr("archive.browser.index._open_files", lambda: 1 << 16)
    assert spill_buckets(None, 1 << 20) == SPILL_BUCKETS
    assert spill_buckets(987, 512) == SPILL_BUCKETS  # 85 MB: 64 buckets read in one pass
    for count in (9_504, 31_030, 100_000, 10**7):
        shards = 1 << 20
        got = spill_buckets(count, shards)
        assert got & (got - 1) == 0 and SPILL_BUCKETS <= got <= MAX_SPILL_BUCKETS
        if got < MAX_SPILL_BUCKETS:
            assert count * SPILL_ARTICLE <= got * SPILL_PASS < 2 * count * SPILL_ARTICLE
        assert spill_buckets(count, 128) == min(got, 128)
    # 64 buckets of 9.5 MB expected at 9,504 (at most 14 MB measured); 31,030: 256
    assert spill_buckets(31_030, 1 << 20) > spill_buckets(9_504, 1 << 20) == SPILL_BUCKETS


def test_spill_buckets_stay_within_a_quarter_of_the_open_files_allowed(monkeypatch: Any
                                                                       ) -> None:
    import archive.browser.index as browser_index

    monkeypatch.setattr(browser_index, "_open_files", lambda: 256)  # macOS's usual limit
    assert browser_index.spill_buckets(10**7, 1 << 20) == browser_index.SPILL_BUCKETS
    monkeypatch.setattr(browser_index, "_open_files", lambda: 1024)
    assert browser_index.spill_buckets(10**7, 1 << 20) == 256


def test_a_cold_build_over_more_spill_buckets_writes_the_same_bytes_reading_each_once(
        tmp_path: Path, monkeypatch: Any) -> None:
    """A cold build given its articles' count spreads its spill over more buckets when they
    are many (here: an article's expected bytes made large): every bucket is read in one
    pass, and the data and state files (the shard states' records) are those of a build
    over the usual 64 buckets (a stream, whose count is not known)."""
    import archive.browser.index as browser_index
    from archive.browser.shardpack import ShardPack

    root = _project(tmp_path / "archive")
    analyzed, gazetteer = _analyzed(root)
    per_shard = 1 / 64  # more shards than buckets
    reads: list[int] = []
    read = browser_index._Spill.batch_bytes  # (what _Spill.read and .batches read through)

    def counted(self: Any, bucket: int) -> Any:
        reads.append(bucket)
        return read(self, bucket)

    def build(folder: Path, articles: Any) -> tuple[dict[str, bytes], dict[str, bytes]]:
        state = folder / "state"
        write_browser_index(articles, folder / "site", gazetteer, state_dir=state,
                            docs_per_shard=per_shard)
        # (the mirrors' journal names files by their inodes and times: not state)
        files = {p.relative_to(state).as_posix(): p.read_bytes()
                 for p in sorted(state.rglob("*")) if p.is_file()
                 and p.parent.name != "shards" and p.name != browser_index._Journal.NAME}
        # the shard states by shard (their order in the pack follows the buckets read)
        pack = ShardPack(state / "shards", fresh=False)
        files.update({f"shards/{k}": pack.get(k) or b"" for k in range(len(pack.index) // 2)})
        pack.close(write=False)
        return _data(folder / "site"), files

    monkeypatch.setattr(browser_index._Spill, "batch_bytes", counted)
    usual = build(tmp_path / "usual", iter(analyzed))
    assert len(reads) == len(set(reads)) == browser_index.SPILL_BUCKETS + 1  # and docs
    reads.clear()
    monkeypatch.setattr(browser_index, "SPILL_ARTICLE", 64 * browser_index.SPILL_PASS)
    more = build(tmp_path / "more", list(analyzed))
    buckets = browser_index.spill_buckets(len(analyzed), browser_index.shard_count(
        len(analyzed), per_shard))
    assert buckets > browser_index.SPILL_BUCKETS
    assert len(reads) == len(set(reads)) == buckets + 1  # each once
    _same(more[0], usual[0])
    _same(more[1], usual[1])


def test_term_hash_reads_code_units_as_javascript_does() -> None:
    """FNV-1a over UTF-16 code units: a character of the BMP is its code point, one beyond it
    a surrogate pair (the hash of the pair's two units)."""
    from archive.browser.index import term_hash

    def reference(term: str) -> int:
        data = term.encode("utf-16-le")
        h = 0x811C9DC5
        for i in range(0, len(data), 2):
            h = ((h ^ int.from_bytes(data[i:i + 2], "little")) * 0x01000193) & 0xFFFFFFFF
        return h

    terms = ["", "a", "درعا", "\uffff", "\U0001d49c", "ab\U0001d49cد", "\ud7ff\ue000", "ك" * 40]
    assert [term_hash(t) for t in terms] == [reference(t) for t in terms]
    assert term_hash("\U0001d49c") == reference("\ud835\udc9c".encode(
        "utf-16-le", "surrogatepass").decode("utf-16-le"))


def test_a_cold_build_into_a_new_data_folder_still_sweeps_the_state_folder(tmp_path: Path
                                                                          ) -> None:
    """A data folder made by the build is not listed for stale files (it holds only what the
    build wrote), but the state folder is: a cold build's state pack holds the shards it
    made (an earlier build's, with more shards, are gone), and a shard file of the older
    state format is removed."""
    import shutil
    from array import array

    root = _project(tmp_path / "archive")
    state, site = root / "build" / "browser", root / "site"
    analyzed, gazetteer = _analyzed(root)
    write_browser_index(analyzed, site, gazetteer, state_dir=state, docs_per_shard=1 / 64)
    many = len(list((state / "data" / "lunr").iterdir()))
    (state / "shards" / "0.bin").write_bytes(b"a shard state file of state version 8")
    (state / "state.bin").unlink()
    shutil.rmtree(state / "data")
    report = write_browser_index(analyzed, site, gazetteer, state_dir=state)
    shards = len(list((state / "data" / "lunr").iterdir()))
    assert report.full and shards < many
    assert sorted(p.name for p in (state / "shards").iterdir()) == ["index.bin", "pack.bin"]
    index = array("q")
    index.frombytes((state / "shards" / "index.bin").read_bytes())
    assert len(index) == 2 * shards and min(index[0::2]) >= 0  # a record for each shard
    _same(_data(site), _cold(root, analyzed, gazetteer))


def test_spilled_records_come_back_in_order_across_many_batches(tmp_path: Path,
                                                                monkeypatch: Any) -> None:
    """A bucket's records are written in batches (one marshal list per flush) and read one
    batch per decode: every record comes back once, in the order it was added, across
    batches, a small read size that splits batches between reads, and a last batch that is
    not full; the sizes that decide a bucket's passes are still 4 bytes and the record's
    bytes per record, and a bucket with nothing spilled reads as nothing."""
    import marshal

    import archive.browser.index as browser_index

    monkeypatch.setattr(browser_index, "SPILL_READ", 1000)  # several reads per batch
    spill = browser_index._Spill(tmp_path / "spill", buckets=512)  # flushes of 4 KB
    records = {b: [(seq, [(seq * 7 + b, [("كلمة" * (seq % 5), [b, [seq]])], [])])
                   for seq in range(b, 3000, 3)] for b in (1, 2)}
    sizes = dict.fromkeys(records, 0)
    for b, items in records.items():
        for item in items:
            data = marshal.dumps(item, 2)
            sizes[b] += 4 + len(data)
            spill.add_bytes(b, data)
    spill.add(2, (3001, {"text": "نص"}))
    spill.close()
    assert (tmp_path / "spill" / "1.bin").stat().st_size > 4 * spill.flush  # several batches
    assert list(spill.read(1)) == records[1]
    assert list(spill.read(2)) == [*records[2], (3001, {"text": "نص"})]
    assert spill.size(1) == sizes[1]
    assert list(spill.read(0)) == [] and spill.size(0) == 0
