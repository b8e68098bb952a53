"""The writer's C loops (archive.index._cpostings) against their pure-Python twins in
archive/index/writer.py: the same bytes, term by term (hypothesis-made postings, weights and
values, the odd ones too) and segment by segment (the seeds, spilled runs and records with
tiny bounds, merged segments, hypothesis-made documents), with the C module used and hidden.
Where the module is not built, the comparisons are skipped (tests/test_native.py fails where
it could have been built) and the writer's own tests run the Python twins.
"""

from __future__ import annotations

import hashlib
import random
from array import array
from itertools import compress
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_index_writer import merged_segments, seed_docs, segment_files, write  # noqa: F401

import archive.index.related as rel
import archive.index.writer as writer_module
from archive.index.writer import ArchiveWriter, PackedBuffer, _block_term, length_to_byte

try:
    from archive.index import _cpostings
except ImportError:  # pragma: no cover - not built
    _cpostings = None

needs_c = pytest.mark.skipif(_cpostings is None, reason="archive.index._cpostings not built")

#: terms of every width of str: ASCII, Arabic, a non-BMP character, the empty term
TERMS = st.text(alphabet=st.sampled_from(["a", "b", "ك", "ت", "ب", "\U0001d54f", "é"]),
                max_size=4)


# ------------------------------------------------------------------ md5_hash, term_table


@needs_c
@settings(deadline=None)  # (no timing: the machine may be loaded)
@given(st.binary(max_size=300))
def test_md5_hash_is_whooshs(data: bytes) -> None:
    assert _cpostings.md5_hash(data) == int(hashlib.md5(data).hexdigest(), 16) & 0xFFFFFFFF


@needs_c
@settings(deadline=None)  # (no timing: the machine may be loaded)
@given(st.lists(TERMS, max_size=40), st.data(), st.lists(TERMS, max_size=10))
def test_term_table_is_the_lookups(terms: list[str], data: Any, known: list[str]) -> None:
    """term_table gives the ids add_columns's Python look-ups give (new terms numbered in
    order of first use, a repeated one once), the same size, and leaves the same dict."""
    import numpy as np

    mask = np.array(data.draw(st.lists(st.booleans(), min_size=len(terms),
                                       max_size=len(terms))), dtype=bool)
    bufs = []
    for _ in range(2):
        buf = PackedBuffer()
        buf._term_id_array("f", known)  # some terms known before
        bufs.append(buf)
    py, c = bufs
    got, size = py._term_id_array("f", list(compress(terms, mask.tolist())))
    table = np.zeros(len(terms), dtype=np.int32)
    table[mask.nonzero()[0]] = got
    tb, c.next, csize = _cpostings.term_table(c.ids["f"], terms, mask, c.next,
                                              writer_module._TERM_BYTES)
    assert tb == table.tobytes()
    assert (c.next, csize) == (py.next, size)
    assert list(c.ids["f"].items()) == list(py.ids["f"].items())


@needs_c
def test_term_table_refuses_what_it_cannot_read() -> None:
    import numpy as np

    with pytest.raises(ValueError):
        _cpostings.term_table({}, ["a", "b"], np.ones(3, dtype=bool), 1, 150)
    with pytest.raises(TypeError):
        _cpostings.term_table({}, ["a"], [True], 1, 150)
    with pytest.raises(TypeError):  # an unhashable term
        _cpostings.term_table({}, [["a"]], np.ones(1, dtype=bool), 1, 150)
    with pytest.raises(OverflowError):
        _cpostings.term_table({}, ["a"], np.ones(1, dtype=bool), 2**40, 150)


STREAM = st.lists(st.tuples(st.integers(0, 30), st.integers(0, 2**32 - 1),
                           st.integers(0, 2**32 - 1)), max_size=120)


@needs_c
@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.lists(TERMS, min_size=1, max_size=30), STREAM, st.booleans(),
                          st.sampled_from(["form", "root"])), min_size=1, max_size=5),
       st.sampled_from([1, 250, 65_500, 2**24 - 3, 2**31 - 200]))
def test_add_stream_buffers_what_add_columns_buffers(
        docs: list[tuple[list[str], list[tuple[int, int, int]], bool, str]],
        first: int) -> None:
    """add_stream (a ColumnStream's postings in one C call) leaves the packed buffer as
    add_columns's numpy twin does (ids, frequencies, values' bytes, term ids, sizes), empty
    terms, repeated terms, terms of several entries, ids of one to four bytes (``first``: the
    first new term's) and the largest offsets too."""
    import numpy as np

    from archive.index.schema import ColumnStream

    def run(c: bool) -> tuple[Any, ...]:
        buf = PackedBuffer()
        buf.next = first
        out = []
        saved = writer_module._cpostings
        writer_module._cpostings = _cpostings if c else None
        try:
            for docnum, (terms, items, chars, field) in enumerate(docs):
                tids = np.array([k % len(terms) for k, _, _ in items], dtype=np.intp)
                starts = np.array([a for _, a, _ in items], dtype=np.uint32)
                ends = np.array([b for _, _, b in items], dtype=np.uint32)
                positions = np.arange(len(items), dtype=np.uint32) * 3
                out.append(buf.add_columns(field, ColumnStream(list(terms), tids, positions,
                                                               starts, ends), docnum, chars))
        finally:
            writer_module._cpostings = saved
        return (out, [a.tolist() for a in buf.tids], [a.tolist() for a in buf.freqs],
                buf.docs, buf.lengths, bytes(buf.data), buf.next,
                {f: list(d.items()) for f, d in buf.ids.items()})

    assert run(True) == run(False)


@needs_c
def test_add_stream_leaves_other_columns_to_the_twin() -> None:
    """Columns of other types (a list, int64 offsets, int32 ids, a strided array) are left
    to the twin (None, nothing done); entries out of range and columns of different lengths
    raise."""
    import numpy as np

    u32 = np.zeros(2, dtype=np.uint32)
    tids = np.zeros(2, dtype=np.intp)
    data = bytearray()

    def call(t: Any = tids, p: Any = u32) -> Any:
        return _cpostings.add_stream({}, ["a"], t, p, u32, u32, True, 1, 150, data)

    assert call(p=[0, 0]) is None
    assert call(p=u32.astype(np.int64)) is None
    assert call(t=tids.astype(np.int32)) is None
    assert call(p=np.zeros(4, dtype=np.uint32)[::2]) is None
    with pytest.raises(IndexError):
        call(t=tids + 1)
    with pytest.raises(ValueError):
        call(p=u32[:1])
    assert data == bytearray()
    assert call() == (b"\x01\x00\x00\x00", b"\x02\x00\x00\x00", 2, 2, 151, 24)
    assert len(data) == 24


# ------------------------------------------------------------------ write_terms, term by term


def _fake_fieldwriter(limit: int) -> Any:
    """What _block_term reads of Whoosh's field writer, its writes kept."""
    posts = bytearray()
    entries: list[tuple[bytes, bytes]] = []
    postfile = SimpleNamespace(write=posts.extend, tell=lambda: len(posts))
    return SimpleNamespace(
        _postwriter=SimpleNamespace(_blocklimit=limit, _compression=0),
        _format=SimpleNamespace(fixed_value_size=lambda: None), _postfile=postfile,
        _tindex=SimpleNamespace(add=lambda k, v: entries.append((k, v))), _fieldid=3,
        posts=posts, entries=entries)


def _entry(key: bytes, value: bytes) -> bytes:
    return writer_module._LENGTHS.pack(len(key), len(value)) + key + value


def _python_term(key: bytes, ids: list[int], ws: list[float], vs: list[Any],
                 fieldlengths: list[int], inline: int, limit: int, novalues: bool,
                 start: int) -> tuple[bytes, bytes]:
    """The term-table entry and posting blocks the Python twins write for one term."""
    fw = _fake_fieldwriter(limit)  # (its file starts empty: start is only told)
    dl = [fieldlengths[d] for d in ids]
    if len(ids) <= inline:
        added: list[tuple[bytes, bytes]] = []
        ArchiveWriter._inline_term(lambda k, v: added.append((k, v)), key, ids, ws, vs, dl,
                                   4, novalues)
        return _entry(*added[0]), b""
    _block_term(fw, key[2:], ids, ws, vs, dl, 4, start)
    return _entry(*fw.entries[0]), bytes(fw.posts)


POSTINGS = st.lists(
    st.tuples(st.integers(0, 40),  # the document's step from the last one (0: made 1)
              st.one_of(st.integers(1, 5).map(float), st.sampled_from([1.0, 2.5, 0.0])),
              st.one_of(st.binary(max_size=30), st.none(), st.just(b"shared"))),
    min_size=1, max_size=300)


@needs_c
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(POSTINGS, st.integers(0, 12), st.integers(1, 130), st.booleans(), st.data())
def test_write_terms_writes_what_the_twins_write(postings: list[tuple[int, float, Any]],
                                                inline: int, limit: int, novalues: bool,
                                                data: Any) -> None:
    """A term's entry (inlined or in blocks of any limit) and its posting blocks are the
    bytes of _inline_term / _block_term and the term table's add; postings C does not write
    (a weight not a frequency, a document without a length) it leaves to the twins."""
    shared = b"\x01\x02\x03\x04"  # one object several times: pickle refers back to it
    ids, ws, vs = [], [], []
    doc = -1
    for step, w, v in postings:
        doc += max(step, 1)
        ids.append(doc)
        ws.append(w)
        vs.append(shared if v == b"shared" else v)
    fieldlengths = data.draw(st.lists(st.integers(0, 300), min_size=doc + 1,
                                      max_size=doc + 1))
    lbytes = [length_to_byte(d) if d else 0 for d in fieldlengths]
    key = b"\x00\x03" + "كتب".encode()
    start = data.draw(st.integers(0, 2**33))
    got = _cpostings.write_terms([("f", "كتب")], [len(ids)], ids, ws, vs, 0, 0, "f", lbytes,
                                 b"\x00\x03", inline, novalues, True, limit, start, b"")
    t, lo, entries, hashes, offsets, lastkey, posts = got
    if t == 0:  # left to the twins: nothing written
        assert (lo, entries, hashes, offsets, lastkey, posts) == (0, b"", b"", b"", b"", b"")
        whole = all(w == int(w) and w >= 1 for w in ws)
        # (blocks are written for formats with values only)
        assert not whole or (len(ids) > inline and (
            novalues or not all(lbytes[d] for d in ids)))
        return
    assert (t, lo, lastkey) == (1, len(ids), key)
    entry, blocks = _python_term(key, ids, ws, vs, fieldlengths, inline, limit, novalues,
                                 start)
    assert entries == entry
    assert posts == blocks
    assert hashes == array("I", [_cpostings.md5_hash(key)]).tobytes()
    assert offsets == bytes(8)


@needs_c
def test_write_terms_stops_at_what_it_does_not_write() -> None:
    """Odd postings are not guessed at: the call stops before the term (the twins write it
    or raise as they do without the module), and odd arguments raise."""
    lb = [1] * 10

    def stops(names: Any = None, docs: Any = None, ws: Any = None, vs: Any = None,
              last: bytes = b"", lbytes: list[Any] = lb) -> None:
        names = names or [("f", "a")]
        docs = docs or [1]
        got = _cpostings.write_terms(names, [len(docs)], docs, ws or [1.0] * len(docs),
                                     vs or [b"v"] * len(docs), 0, 0, "f", lbytes, b"\x00\x01",
                                     8, False, True, 128, 0, last)
        assert got[:2] == (0, 0) and got[2] == b"" and got[-1] == b""

    stops(ws=[1.5])
    stops(ws=[0.0])
    stops(ws=[float("nan")])
    stops(ws=[2.0**30])
    stops(ws=[1])  # an int, not a float
    stops(docs=[-1])
    stops(docs=[10])  # no length for it
    stops(docs=[2**70])
    stops(docs=[2**40], lbytes=[1])
    stops(vs=["text"])
    stops(vs=[bytearray(b"x")])
    stops(vs=[b"x" * 70000])  # more than a pickle frame
    stops(names=[("f", "\ud800")])  # a lone surrogate: not UTF-8
    stops(names=[("g", "a")])  # another field
    stops(names=[["f", "a"]])
    stops(names=[("f", 3)])
    stops(last=b"\x00\x01b")  # keys must increase
    stops(lbytes=["1"] * 10)
    stops(lbytes=[1000] * 10)
    with pytest.raises(ValueError):
        _cpostings.write_terms([("f", "a")], [1, 2], [1], [1.0], [b""], 0, 0, "f", lb, b"",
                               8, False, True, 128, 0, b"")
    with pytest.raises(TypeError):
        _cpostings.write_terms(("f", "a"), [1], [1], [1.0], [b""], 0, 0, "f", lb, b"", 8,
                               False, True, 128, 0, b"")
    # an end before the term's start, or beyond the postings: left to the twins
    got = _cpostings.write_terms([("f", "a"), ("f", "b")], [1, 1], [1], [1.0], [b"v"], 0, 0,
                                 "f", lb, b"", 8, False, True, 128, 0, b"")
    assert got[:2] == (1, 1)
    got = _cpostings.write_terms([("f", "a")], [5], [1], [1.0], [b"v"], 0, 0, "f", lb, b"", 8,
                                 False, True, 128, 0, b"")
    assert got[:2] == (0, 0)


@needs_c
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(1, 30), st.integers(0, 3), st.integers(1, 4),
                          st.sampled_from([0, 1, 1, 2, 4, 12, 7000])), min_size=1, max_size=60),
       st.integers(0, 9), st.integers(1, 20), st.booleans(), st.data())
def test_write_record_reads_arrays_as_write_terms_reads_their_lists(
        terms: list[tuple[int, int, int, int]], inline: int, limit: int, novalues: bool,
        data: Any) -> None:
    """A record as arrays (Arrays: int32 documents, frequencies and value lengths, the values
    joined) gives what its lists give (Arrays.lists: a bytes object per value, one-byte
    values CPython's shared ones, which pickle writes once and then refers back to)."""
    import numpy as np

    from archive.index.writer import Arrays

    names, bounds, docs, freqs, lengths = [], [], [], [], []
    for k, (n, first, freq, length) in enumerate(terms):
        names.append(("f", f"t{k:03d}"))
        docs += range(first, first + n)
        freqs += [freq] * n
        lengths += [length] * n
        bounds.append(len(docs))
    rng = random.Random(data.draw(st.integers(0, 2**32)))  # (few characters: values repeat)
    joined = bytes(rng.choices([0, 1, 2, 255], k=sum(lengths)))
    record = Arrays(names, np.array(bounds), np.array(docs, dtype=np.int32),
                    np.array(freqs, dtype=np.int32), np.array(lengths, dtype=np.int32), joined)
    lbytes = [data.draw(st.sampled_from([0, 1, 9]))] * 40
    args = ("f", lbytes, b"\x00\x01", inline, novalues, True, limit, 99, b"")
    lists = record.lists()
    t, lo = 0, 0
    while t < len(names):
        a = _cpostings.write_record(names, bounds, *record[2:], t, lo, *args)
        b = _cpostings.write_terms(lists[0], lists[1], *lists[2:], t, lo, *args)
        assert a == b
        if a[0] == t:  # left to the twins: go on after it
            lo = bounds[t]
            t += 1
        else:
            t, lo = a[0], a[1]


@needs_c
def test_write_record_refuses_what_it_cannot_read() -> None:
    import numpy as np

    i32 = np.ones(2, dtype=np.int32)
    args = (0, 0, "f", [1, 1], b"", 8, False, True, 128, 0, b"")
    with pytest.raises(ValueError):  # lengths not the values'
        _cpostings.write_record([("f", "a")], [2], i32, i32, i32, b"abc", *args)
    with pytest.raises(ValueError):  # not int32
        _cpostings.write_record([("f", "a")], [2], i32.astype(np.int64), i32, i32, b"ab",
                                *args)
    with pytest.raises(ValueError):  # as many of each
        _cpostings.write_record([("f", "a")], [2], i32[:1], i32, i32, b"ab", *args)
    with pytest.raises(ValueError):
        _cpostings.write_record([("f", "a")], [2], i32, i32, -i32, b"", *args)
    with pytest.raises(TypeError):
        _cpostings.write_record([("f", "a")], [2], [1, 1], i32, i32, b"ab", *args)
    got = _cpostings.write_record([("f", "a")], [2], -i32, i32, i32, b"ab", *args)
    assert got[:2] == (0, 0)  # a negative document: left to the twins


def _source(parts: list[tuple[int, list[int]]], per_record: int) -> list[Any]:
    """Records (as arrays) of a run whose term k has the documents given."""
    import numpy as np

    from archive.index.writer import Arrays

    records = []
    for r in range(0, len(parts), per_record):
        names, bounds, docs = [], [], []
        for k, ids in parts[r:r + per_record]:
            names.append(("f", f"t{k:02d}"))
            docs += ids
            bounds.append(len(docs))
        lengths = [4 * (d % 3) for d in docs]
        joined = b"".join(d.to_bytes(4, "little") * (d % 3) for d in docs)
        records.append(Arrays(names, np.array(bounds, dtype=np.int64),
                              np.array(docs, dtype=np.int32),
                              np.array([d % 5 + 1 for d in docs], dtype=np.int32),
                              np.array(lengths, dtype=np.int32), joined))
    return records


@pytest.mark.parametrize("hidden", [False, True])
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sets(st.integers(0, 40), max_size=12),
                          st.lists(st.integers(1, 6), max_size=5), st.integers(1, 4)),
                min_size=1, max_size=5))
def test_merge_arrays_gives_the_terms_merge_records_gives(
        monkeypatch: pytest.MonkeyPatch, hidden: bool,
        sources: list[tuple[set[int], list[int], int]]) -> None:
    """Runs merged as arrays (_merge_arrays: a round's postings gathered by C's merge_round,
    or by numpy in its twin) give the terms, postings and values _merge_records gives from
    their lists, a term's parts put in document order when they are not (documents drawn at
    random: not the writer's runs)."""
    from archive.index.writer import _merge_arrays, _merge_records, _terms

    if hidden:
        monkeypatch.setattr(writer_module, "_cpostings", None)

    made = []
    for k, (terms, docs, per_record) in enumerate(sources):
        parts = [(t, sorted({d + 7 * k + t for d in docs})) for t in sorted(terms)]
        made.append(_source([(t, ids) for t, ids in parts if ids], per_record))

    def flat(records: Any) -> list[Any]:
        return list(_terms(r if type(r) is tuple else r.lists() for r in records))

    want = flat(_merge_records([iter([r.lists() for r in m]) for m in made if m]))
    assert flat(_merge_arrays([iter(m) for m in made if m])) == want


def _round_inputs(data: Any) -> tuple[list[Any], list[Any], list[int], list[int]]:
    """Records (one per source, names of two fields and terms of every width), each one's
    value starts and a range of its terms, as _merge_arrays gives them to merge_round."""
    import numpy as np

    from archive.index.writer import Arrays

    records, vstarts, los, his = [], [], [], []
    for _ in range(data.draw(st.integers(1, 5))):
        names = sorted(set(data.draw(st.lists(st.tuples(st.sampled_from(["f", "g", "ف"]),
                                                        TERMS), min_size=1, max_size=12))))
        bounds, docs, freqs, lengths = [], [], [], []
        for _ in names:
            ids = data.draw(st.lists(st.integers(0, 60), min_size=1, max_size=6))
            if data.draw(st.booleans()):
                ids = sorted(set(ids))  # mostly in order, as the writer's runs are
            docs += ids
            freqs += [d % 4 + 1 for d in ids]
            lengths += [4 * (d % 3) for d in ids]
            bounds.append(len(docs))
        joined = b"".join(d.to_bytes(4, "little") * (d % 3) for d in docs)
        rec = Arrays(names, np.array(bounds, dtype=np.int64), np.array(docs, dtype=np.int32),
                     np.array(freqs, dtype=np.int32), np.array(lengths, dtype=np.int32),
                     joined)
        at = np.zeros(len(docs) + 1, dtype=np.int64)
        np.cumsum(rec[4], out=at[1:])
        lo = data.draw(st.integers(0, len(names)))
        records.append(rec)
        vstarts.append(at)
        los.append(lo)
        his.append(data.draw(st.integers(lo, len(names))))
    if los == his:  # a round has a term at least (its bound is a record's last name)
        los[0], his[0] = 0, len(records[0][0])
    return records, vstarts, los, his


@needs_c
@settings(max_examples=300, deadline=None)
@given(st.data())
def test_merge_round_is_its_twin(data: Any) -> None:
    """merge_round gives _merged_round's record, byte for byte, and its verdict on the
    order of a term's documents (names of every width, terms in one source or several, ranges
    empty or not, documents in order or not)."""
    from archive.index.writer import _merged_round

    records, vstarts, los, his = _round_inputs(data)
    held = {id(c): (c, v) for c, v in zip(records, vstarts, strict=True)}
    want, disordered = _merged_round(records, held, list(los), his)
    got = _cpostings.merge_round(records, vstarts, list(los), his)
    assert got is not None
    names, bounds, docs, freqs, lengths, joined, c_disordered = got
    assert names == want[0]
    assert bounds == want[1].astype("int64").tobytes()
    assert docs == want[2].astype("int32").tobytes()
    assert freqs == want[3].astype("int32").tobytes()
    assert lengths == want[4].astype("int32").tobytes()
    assert joined == want[5]
    assert c_disordered == disordered


@needs_c
def test_merge_round_leaves_or_refuses_what_it_cannot_read() -> None:
    import numpy as np

    from archive.index.writer import Arrays

    def rec(names: list[Any], docs: Any = None) -> Arrays:
        n = len(names)
        return Arrays(names, np.arange(1, n + 1, dtype=np.int64),
                      np.arange(n, dtype=np.int32) if docs is None else docs,
                      np.ones(n, dtype=np.int32), np.zeros(n, dtype=np.int32), b"")

    starts = np.zeros(2, dtype=np.int64)
    good = rec([("f", "a")])
    assert _cpostings.merge_round([good], [starts], [0], [1]) is not None
    # not names of two str, not int32 documents: the twin's
    assert _cpostings.merge_round([rec([("f", b"a")])], [starts], [0], [1]) is None
    assert _cpostings.merge_round([rec([("f",)])], [starts], [0], [1]) is None
    assert _cpostings.merge_round([rec([("f", "a")], np.zeros(1, dtype=np.int64))],
                                  [starts], [0], [1]) is None
    assert _cpostings.merge_round([(1, 2)], [starts], [0], [1]) is None
    with pytest.raises(ValueError):  # a range beyond the record
        _cpostings.merge_round([good], [starts], [0], [2])
    with pytest.raises(ValueError):
        _cpostings.merge_round([good], [starts], [1], [0])
    with pytest.raises(ValueError):  # value starts not the record's
        _cpostings.merge_round([good], [np.zeros(5, dtype=np.int64)], [0], [1])
    with pytest.raises(ValueError):
        _cpostings.merge_round([good], [np.array([0, 9], dtype=np.int64)], [0], [1])
    with pytest.raises(ValueError):  # bounds beyond the postings
        _cpostings.merge_round([Arrays([("f", "a")], np.array([5], dtype=np.int64),
                                       *good[2:])], [starts], [0], [1])
    with pytest.raises(ValueError):
        _cpostings.merge_round([good], [starts], [0, 0], [1])
    with pytest.raises(OverflowError):
        _cpostings.merge_round([good], [starts], [2**70], [1])


@needs_c
@settings(deadline=None)
@given(st.lists(TERMS, max_size=60), st.integers(0, 1000))
def test_rank_terms_is_the_sorted_loop(terms: list[str], first: int) -> None:
    """rank_terms gives the names and ranks of PackedBuffer.sorted's Python loop (sorted by
    code point: every width of str, prefixes of one another, the empty term)."""
    import numpy as np

    d = {"": 0}
    for t in terms:
        d.setdefault(t, len(d))
    rank = np.full(len(d) + 2, -1, dtype=np.int32)
    want_rank = rank.copy()
    names = _cpostings.rank_terms("f", d, rank, first)
    ordered = sorted(d)
    want_rank[[d[t] for t in ordered]] = np.arange(first, first + len(ordered))
    assert names == [("f", t) for t in ordered]
    assert (rank == want_rank).all()


@needs_c
def test_rank_terms_refuses_what_it_cannot_read() -> None:
    import numpy as np

    rank = np.zeros(3, dtype=np.int32)
    with pytest.raises(TypeError):
        _cpostings.rank_terms("f", {b"a": 0}, rank, 0)
    with pytest.raises(ValueError):
        _cpostings.rank_terms("f", {"a": 3}, rank, 0)
    with pytest.raises(ValueError):
        _cpostings.rank_terms("f", {"a": -1}, rank, 0)
    with pytest.raises(ValueError):
        _cpostings.rank_terms("f", {"a": "0"}, rank, 0)
    with pytest.raises(TypeError):
        _cpostings.rank_terms("f", {"a": 0}, rank.astype(np.int64), 0)
    with pytest.raises(OverflowError):
        _cpostings.rank_terms("f", {"a": 0}, rank, 2**31)
    with pytest.raises(BufferError):  # read-only
        _cpostings.rank_terms("f", {"a": 0}, rank.tobytes(), 0)


@needs_c
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["f", "g", "ف"]),
                          st.lists(st.tuples(TERMS, st.integers(0, 9)), max_size=80),
                          st.booleans(), st.booleans()), max_size=12))
def test_sort_buffer_sorts_what_sorted_sorts(
        chunks: list[tuple[str, list[tuple[str, int]], bool, bool]]) -> None:
    """A packed buffer's postings sorted in C (sort_buffer, after rank_terms) are the arrays
    its numpy twin makes: the same names, sizes, documents, frequencies, value starts and
    lengths (streams short and long, positions or characters, values of given lengths: the
    id field's postings, empty terms, terms of every width)."""
    import numpy as np

    bufs = [PackedBuffer(), PackedBuffer()]
    for docnum, (field, items, chars, postings) in enumerate(chunks):
        for buf in bufs:
            if postings:  # distinct terms, values of their own lengths (add_postings)
                distinct = dict.fromkeys(t for t, _ in items if t)
                buf.add_postings(field, docnum, [(t.encode(), 1, 1.0, b"v" * (len(t) % 3))
                                                 for t in distinct])
            else:
                buf.add(field, [(t, p, p, p + 1) for t, p in items], docnum, chars)
    c = bufs[0].sorted()
    saved = writer_module._cpostings
    writer_module._cpostings = None
    try:
        py = bufs[1].sorted()
    finally:
        writer_module._cpostings = saved
    if py is None:
        assert c is None
        return
    assert c is not None
    assert c.names == py.names
    for a in ("sizes", "docs", "freqs", "starts", "lengths"):
        x, y = getattr(c, a), getattr(py, a)
        assert x.dtype == y.dtype and np.array_equal(x, y), a
    assert c.data == py.data


@needs_c
def test_sort_buffer_leaves_or_refuses_what_it_cannot_read() -> None:
    import numpy as np

    i32 = np.array([1, 2], dtype=np.int32)
    rank = np.array([0, 1, 0], dtype=np.int32)
    names = [("f", "a"), ("f", "b")]
    ok = _cpostings.sort_buffer(rank, names, [i32], [i32], [4], [0])
    assert ok is not None and ok[0] == names
    # other types, a document beyond int32, a length numpy would wrap: the twin's
    assert _cpostings.sort_buffer(rank.astype(np.int64), names, [i32], [i32], [4], [0]) is None
    assert _cpostings.sort_buffer(rank, names, [i32.astype(np.int64)], [i32], [4], [0]) is None
    assert _cpostings.sort_buffer(rank, names, [i32], [[1, 2]], [4], [0]) is None
    assert _cpostings.sort_buffer(rank, names, [i32], [i32], [4.0], [0]) is None
    assert _cpostings.sort_buffer(rank, names, [i32], [i32], [4], [2**40]) is None
    assert _cpostings.sort_buffer(rank, names, [i32], [i32], [2**30], [0]) is None
    with pytest.raises(ValueError):  # as many of each
        _cpostings.sort_buffer(rank, names, [i32], [i32, i32], [4], [0])
    with pytest.raises(ValueError):
        _cpostings.sort_buffer(rank, names, [i32], [i32[:1]], [4], [0])
    with pytest.raises(ValueError):
        _cpostings.sort_buffer(rank, names, [i32], [i32], [i32[:1]], [0])
    with pytest.raises(ValueError):  # an id beyond the ranks, a rank without a name
        _cpostings.sort_buffer(rank, names, [i32 + 5], [i32], [4], [0])
    with pytest.raises(ValueError):
        _cpostings.sort_buffer(rank + 7, names, [i32], [i32], [4], [0])
    with pytest.raises(OverflowError):
        _cpostings.sort_buffer(rank, names, [i32], [i32], [2**70], [0])


@needs_c
@settings(deadline=None)
@given(st.lists(TERMS, min_size=1, max_size=30), st.data(),
       st.dictionaries(TERMS, st.integers(0, 5), max_size=5))
def test_entry_counts_counts_what_feature_counts_counts(
        terms: list[str], data: Any, before: dict[str, int]) -> None:
    """entry_counts adds each entry's number of items to its term's count, entries in order
    (the dict's order numbers the features), as ColumnDoc.feature_counts's loop does (terms
    repeated across entries, the empty term, counts already there)."""
    import numpy as np

    tids = np.array(data.draw(st.lists(st.integers(0, len(terms) - 1), max_size=60)),
                    dtype=np.intp)
    want = dict(before)
    if len(tids):
        tfs = np.bincount(tids)
        for i in np.flatnonzero(tfs).tolist():
            want[terms[i]] = want.get(terms[i], 0) + int(tfs[i])
    got = dict(before)
    assert _cpostings.entry_counts(got, terms, tids) is got
    assert list(got.items()) == list(want.items())


@needs_c
def test_entry_counts_leaves_or_refuses_what_it_cannot_read() -> None:
    import numpy as np

    assert _cpostings.entry_counts({}, ["a"], np.zeros(2, dtype=np.int32)) is None
    assert _cpostings.entry_counts({}, ["a"], [0, 0]) is None
    with pytest.raises(IndexError):
        _cpostings.entry_counts({}, ["a"], np.array([1], dtype=np.intp))
    with pytest.raises(IndexError):
        _cpostings.entry_counts({}, ["a"], np.array([-1], dtype=np.intp))
    with pytest.raises(TypeError):  # a count that is not a number
        _cpostings.entry_counts({"a": "x"}, ["a"], np.array([0], dtype=np.intp))
    with pytest.raises(TypeError):  # a term that is not hashable
        _cpostings.entry_counts({}, [[1]], np.array([0], dtype=np.intp))


# ------------------------------------------------------------------ related_top, feature_row


#: articles' features: a few names (so that articles share many, and scores tie), Arabic,
#: entity keys (their "@" dropped in ``shared``), a non-BMP character
FEATURES = st.dictionaries(
    st.sampled_from(["كتب", "درس", "@place:a", "@actor:b", "x", "\U0001d54f", "r1", "r2",
                     "r3", "r4", "r5", "r6", "r7", "r8", "r9"]),
    st.integers(1, 4), max_size=12)


def _related_both(feats: dict[str, dict[str, int]], top_k: int = rel.TOP_K,
                  ) -> tuple[Any, Any]:
    """write_related's text, ids and index with the C module and with its twin (scipy)."""
    import io

    out = []
    for module in (_cpostings, None):
        saved = rel._cpostings
        rel._cpostings = module
        try:
            text = io.StringIO()
            ids, index = rel.write_related(rel.FeatureTable.from_dict(feats), text, top_k)
            full = rel.related_json(rel.related_from_features(feats, top_k))
            out.append((text.getvalue(), ids, index, full))
        finally:
            rel._cpostings = saved
    return out[0], out[1]


@needs_c
@settings(deadline=None, max_examples=60)
@given(st.lists(FEATURES, max_size=40), st.integers(1, 6), st.integers(0, 2))
def test_related_top_is_the_twin(rows: list[dict[str, int]], top_k: int, copies: int) -> None:
    """related_top's lists are scipy's products and numpy's selection, byte for byte: equal
    scores ordered by id (articles with the same features, ``copies`` of them), empty
    articles, top_k of every size, lists shorter than top_k."""
    feats = {f"a{k:03d}": r for k, r in enumerate(rows)}
    for k in range(copies):
        if rows:
            feats[f"b{k:03d}"] = dict(rows[0])
    with_c, twin = _related_both(feats, top_k)
    assert with_c == twin


def _many_articles(rng: random.Random, n: int) -> dict[str, dict[str, int]]:
    """``n`` articles over 440 features, the first ones the most common."""
    names = [f"w{k}" for k in range(400)] + [f"@e{k}" for k in range(40)]
    feats = {}
    for k in range(n):
        pool = names[:rng.randint(1, len(names))]
        feats[f"a{k:05d}"] = {f: rng.randint(1, 5)
                              for f in rng.sample(pool, min(len(pool), rng.randint(0, 30)))}
    return feats


@needs_c
@pytest.mark.parametrize("n", [130, 700])
def test_related_top_is_the_twin_on_many_articles(n: int) -> None:
    """From FULL_BELOW articles on (the idf by levels, the cap on df), over several chunks."""
    rng = random.Random(n)
    feats = _many_articles(rng, n)
    with_c, twin = _related_both(feats)
    assert with_c == twin
    assert with_c[0].count('"score"') > n  # (lists were made)


@needs_c
def test_related_top_leaves_or_refuses_what_it_cannot_read() -> None:
    import numpy as np

    # two rows sharing column 0; the transpose by hand
    w = np.array([0.6, 0.8, 1.0])
    col = np.array([0, 1, 0], dtype=np.int32)
    ptr = np.array([0, 2, 3], dtype=np.int64)
    tw = np.array([0.6, 1.0, 0.8])
    trow = np.array([0, 1, 0], dtype=np.int32)
    tptr = np.array([0, 2, 3], dtype=np.int64)
    rows = np.array([0, 1], dtype=np.int64)
    names = ["a", "b"]
    good = (w, col, ptr, tw, trow, tptr, rows)
    assert _cpostings.related_top(*good, 5, 8, names) == (
        [0, 1], [1, 0], [0.6, 0.6], [["a"], ["a"]])
    assert _cpostings.related_top(*good, 5, 0, names) == ([0, 1], [1, 0], [0.6, 0.6], [[], []])
    # arrays of other types, top_k < 1: the twin's
    assert _cpostings.related_top(w.astype(np.float32), *good[1:], 5, 8, names) is None
    assert _cpostings.related_top(w, col.astype(np.int64), *good[2:], 5, 8, names) is None
    assert _cpostings.related_top(*good[:6], rows.astype(np.int32), 5, 8, names) is None
    assert _cpostings.related_top(*good, 0, 8, names) is None
    assert _cpostings.related_top(*good, 5, -1, names) is None
    assert _cpostings.related_top(w, col, ptr, tw, trow, tptr, [0], 5, 8, names) is None
    # columns out of order in a row: scipy's sums are in another order
    assert _cpostings.related_top(w, np.array([1, 0, 0], dtype=np.int32), *good[2:], 5, 8,
                                  names) is None
    with pytest.raises(ValueError):  # names of another length
        _cpostings.related_top(*good, 5, 8, ["a"])
    with pytest.raises(ValueError):
        _cpostings.related_top(w[:2], *good[1:], 5, 8, names)
    with pytest.raises(IndexError):  # a row beyond the matrix
        _cpostings.related_top(*good[:6], np.array([2], dtype=np.int64), 5, 8, names)
    with pytest.raises(IndexError):
        _cpostings.related_top(*good[:6], np.array([-1], dtype=np.int64), 5, 8, names)
    with pytest.raises(IndexError):  # a column beyond the vocabulary
        _cpostings.related_top(w, np.array([0, 5, 0], dtype=np.int32), *good[2:], 5, 8,
                               names)
    with pytest.raises(IndexError):  # a column's row beyond the matrix
        _cpostings.related_top(w, col, ptr, tw, np.array([0, 9, 0], dtype=np.int32), tptr,
                               rows, 5, 8, names)
    with pytest.raises(ValueError):  # pointers past the entries, or backwards
        _cpostings.related_top(w, col, np.array([0, 2, 9], dtype=np.int64), *good[3:], 5, 8,
                               names)
    with pytest.raises(ValueError):
        _cpostings.related_top(w, col, ptr, tw, trow, np.array([0, 3, 2], dtype=np.int64),
                               rows, 5, 8, names)
    with pytest.raises(TypeError):
        _cpostings.related_top(*good, 5, 8, tuple(names))
    # empty: no rows asked for, or a matrix without rows
    assert _cpostings.related_top(*good[:6], rows[:0], 5, 8, names) == ([], [], [], [])
    e64, e32 = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32)
    assert _cpostings.related_top(np.zeros(0), e32, np.zeros(1, dtype=np.int64), np.zeros(0),
                                  e32, np.zeros(1, dtype=np.int64), e64, 5, 8, []) == (
        [], [], [], [])


def _against_c(m: Any, cols: Any, slot: Any, top_k: int) -> Any:
    """_Matrix._against_c, by the module imported here (the one under test, whatever
    ARCHIVE_PURE_PYTHON tells related.py)."""
    w, col, indptr = m._arrays()
    return _cpostings.related_against(w, col, indptr, m.shape[1], cols, slot, top_k)


def _against_twins(m: Any, cols: Any, slot: Any, top_k: int) -> list[Any]:
    """update_related's selection of each kept row's moved ones, from both products its
    twin sums them with: numpy's (_Matrix._against) and scipy's (x @ xt[:, cols])."""
    import numpy as np

    out = []
    k_of, other, data = m._against(cols)
    numpy_way: dict[int, list[tuple[float, int]]] = {}
    rel._add_extra(numpy_way, slot[other], cols[k_of], data, top_k)
    out.append(numpy_way)
    sims = (m.x @ m.xt[:, cols]).tocsr()
    scipy_way: dict[int, list[tuple[float, int]]] = {}
    rel._add_extra(scipy_way, slot[np.repeat(np.arange(m.shape[0], dtype=np.int64),
                                             np.diff(sims.indptr))],
                   cols[sims.indices], sims.data, top_k)
    out.append(scipy_way)
    return out


@needs_c
@settings(deadline=None, max_examples=60)
@given(st.lists(FEATURES, min_size=1, max_size=40), st.integers(1, 6), st.integers(0, 2),
       st.data())
def test_related_against_is_the_twin(rows: list[dict[str, int]], top_k: int, copies: int,
                                     data: Any) -> None:
    """related_against's selection is update_related's twin's, byte for byte (the same
    floats, the same ties: copies of an article score alike), whichever rows moved."""
    import numpy as np

    feats = {f"a{k:03d}": r for k, r in enumerate(rows)}
    for k in range(copies):
        feats[f"b{k:03d}"] = dict(rows[0])
    table = rel.FeatureTable.from_dict(feats)
    n = len(table.ids)
    moved = sorted(data.draw(st.sets(st.integers(0, n - 1), min_size=1)))
    cols = np.asarray(moved, dtype=np.int64)
    slot = np.full(n, -1, dtype=np.int64)
    rest = [k for k in range(n) if k not in set(moved)]
    slot[rest] = np.arange(len(rest), dtype=np.int64)
    m = rel._Matrix(table, few=True)
    got = _against_c(m, cols, slot, top_k)
    numpy_way, scipy_way = _against_twins(m, cols, slot, top_k)
    assert got == numpy_way == scipy_way
    assert repr(got) == repr(scipy_way)  # (the floats' own digits, not approximately)
    # with a threshold per slot (a score found, or any; ties broken by the row either way)
    scores = sorted({sim for v in got.values() for sim, _ in v}) or [0.5]
    last_score = np.asarray([data.draw(st.sampled_from([*scores, -np.inf, 2.0]))
                             for _ in rest], dtype=np.float64)
    last_row = np.asarray([data.draw(st.integers(-1, n)) for _ in rest], dtype=np.int64)
    w, col, indptr = rel._Matrix(table, few=True)._arrays()  # (m's: scipy's by now)
    entering = _cpostings.related_against(w, col, indptr, m.shape[1], cols, slot, top_k,
                                          last_score, last_row)
    assert repr(entering) == repr(rel._entering(got, last_score, last_row))


@needs_c
@pytest.mark.parametrize("n", [300, 1100])
def test_related_against_is_the_twin_on_many_articles(n: int) -> None:
    """From FULL_BELOW articles on (the idf by levels, the cap on df); many moved rows."""
    import numpy as np

    rng = random.Random(n)
    feats = _many_articles(rng, n)
    table = rel.FeatureTable.from_dict(feats)
    m = rel._Matrix(table, few=True)
    for size in (1, 7, n // 3):
        moved = sorted(rng.sample(range(n), size))
        cols = np.asarray(moved, dtype=np.int64)
        slot = np.full(n, -1, dtype=np.int64)
        rest = sorted(set(range(n)) - set(moved))
        slot[rest] = np.arange(len(rest), dtype=np.int64)
        # (a matrix of its own: once scipy's is made, its int32 pointers are the twin's)
        got = _against_c(rel._Matrix(table, few=True), cols, slot, rel.TOP_K)
        assert [repr(got)] * 2 == list(map(repr, _against_twins(m, cols, slot, rel.TOP_K)))
        assert sum(map(len, got.values())) >= min(size, rel.TOP_K) * len(rest) // 8 > 0


@needs_c
def test_related_against_leaves_or_refuses_what_it_cannot_read() -> None:
    import numpy as np

    # three rows: 0 and 2 share column 0, 1 and 2 column 1
    w = np.array([1.0, 1.0, 0.6, 0.8])
    col = np.array([0, 1, 0, 1], dtype=np.int32)
    ptr = np.array([0, 1, 2, 4], dtype=np.int64)
    cols = np.array([2], dtype=np.int64)
    slot = np.array([0, 1, -1], dtype=np.int64)
    good = (w, col, ptr, 2, cols, slot)
    assert _cpostings.related_against(*good, 5) == {0: [(0.6, 2)], 1: [(0.8, 2)]}
    assert _cpostings.related_against(*good[:5], np.array([-1, 0, -1], dtype=np.int64),
                                      1) == {0: [(0.8, 2)]}
    # every row moved, none moved, a huge top_k, a wider matrix than its columns
    assert _cpostings.related_against(*good[:5], np.full(3, -1, dtype=np.int64), 5) == {}
    assert _cpostings.related_against(*good[:4], cols[:0], slot, 5) == {}
    assert _cpostings.related_against(*good, 2 ** 62) == {0: [(0.6, 2)], 1: [(0.8, 2)]}
    assert _cpostings.related_against(w, col, ptr, 9, cols, slot, 5) == {
        0: [(0.6, 2)], 1: [(0.8, 2)]}
    # thresholds: a higher score passes, the same with a smaller row, -inf any
    both = {0: [(0.6, 2)], 1: [(0.8, 2)]}
    for (ls, lr), want in ((([0.5, 0.8], [0, 3]), both), (([0.6, 0.8], [2, 2]), {}),
                           (([0.6, -np.inf], [3, -1]), both), (([0.7, 0.9], [0, 0]), {})):
        assert _cpostings.related_against(*good, 5, np.array(ls), np.array(lr)) == want
    with pytest.raises(IndexError):  # a slot without its thresholds
        _cpostings.related_against(*good, 5, np.array([0.5]), np.array([0]))
    with pytest.raises(ValueError):
        _cpostings.related_against(*good, 5, np.array([0.5, 0.5]), np.array([0]))
    assert _cpostings.related_against(*good, 5, np.array([0.5, 0.5])) is None  # (one alone)
    assert _cpostings.related_against(*good, 5, np.array([0.5, 0.5], dtype=np.float32),
                                      np.array([0, 0])) is None
    # arrays of other types, top_k < 1, slots not ascending with the rows: the twin's
    assert _cpostings.related_against(w.astype(np.float32), *good[1:], 5) is None
    assert _cpostings.related_against(*good[:5], slot.astype(np.int32), 5) is None
    assert _cpostings.related_against(*good[:4], [2], slot, 5) is None
    assert _cpostings.related_against(*good, 0) is None
    assert _cpostings.related_against(*good[:5], np.array([1, 0, -1], dtype=np.int64),
                                      5) is None
    with pytest.raises(ValueError):  # a slot per row
        _cpostings.related_against(*good[:5], slot[:2], 5)
    with pytest.raises(ValueError):
        _cpostings.related_against(w[:3], *good[1:], 5)
    with pytest.raises(ValueError):  # a width out of range
        _cpostings.related_against(w, col, ptr, -1, cols, slot, 5)
    with pytest.raises(ValueError):
        _cpostings.related_against(w, col, ptr, 2 ** 40, cols, slot, 5)
    with pytest.raises(IndexError):  # moved rows beyond the matrix
        _cpostings.related_against(*good[:4], np.array([3], dtype=np.int64), slot, 5)
    with pytest.raises(IndexError):
        _cpostings.related_against(*good[:4], np.array([-1], dtype=np.int64), slot, 5)
    with pytest.raises(ValueError):  # moved rows not ascending
        _cpostings.related_against(*good[:4], np.array([2, 1], dtype=np.int64), slot, 5)
    with pytest.raises(IndexError):  # a column beyond the width, or negative
        _cpostings.related_against(w, np.array([0, 1, 0, 2], dtype=np.int32), *good[2:], 5)
    with pytest.raises(IndexError):
        _cpostings.related_against(w, np.array([0, -1, 0, 1], dtype=np.int32), *good[2:],
                                   5)
    with pytest.raises(ValueError):  # pointers past the entries, or backwards
        _cpostings.related_against(w, col, np.array([0, 1, 2, 9], dtype=np.int64), *good[3:],
                                   5)
    with pytest.raises(ValueError):
        _cpostings.related_against(w, col, np.array([0, 2, 1, 4], dtype=np.int64), *good[3:],
                                   5)
    # a matrix without rows
    e64, e32 = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32)
    assert _cpostings.related_against(np.zeros(0), e32, np.zeros(1, dtype=np.int64), 0, e64,
                                      e64, 5) == {}


def _rows_c(m: Any, rows: Any, top_k: int) -> Any:
    """_Matrix._rows_c, by the module imported here (as _against_c)."""
    w, col, indptr = m._arrays()
    return _cpostings.related_rows(w, col, indptr, m.shape[1], rows, top_k, rel.SHARED_K,
                                   m.vocab)


def _rows_twins(table: Any, rows: Any, top_k: int) -> list[Any]:
    """The lists _Matrix.top gives ``rows`` without related_rows: related_top with the
    transpose, numpy's sums (an update's matrix) and scipy's (a cold build's), the C module
    hidden for the last two, as (r, cand, score, shared)."""
    import numpy as np

    def flat(top: dict[str, list[dict[str, Any]]], m: Any) -> Any:
        r, cand, score, shared = [], [], [], []
        for a in rows.tolist():
            for e in top[m.ids[a]]:
                r.append(a)
                cand.append(m.row[e["id"]])
                score.append(e["score"])
                shared.append(e["shared"])
        return r, cand, score, shared

    saved = rel._cpostings
    rel._cpostings = _cpostings  # (the module under test, whatever ARCHIVE_PURE_PYTHON says)
    try:
        out = [rel._Matrix(table, few=True)._top_c(rows, top_k)]
        rel._cpostings = None
        for few in (True, False):
            m = rel._Matrix(table, few=few)
            out.append(flat(m.top(np.asarray(rows, dtype=np.int64), top_k), m))
    finally:
        rel._cpostings = saved
    return out


@needs_c
@settings(deadline=None, max_examples=60)
@given(st.lists(FEATURES, min_size=1, max_size=40), st.integers(1, 6), st.integers(0, 2),
       st.data())
def test_related_rows_are_the_twins(rows: list[dict[str, int]], top_k: int, copies: int,
                                    data: Any) -> None:
    """related_rows's lists are related_top's, numpy's and scipy's, byte for byte (the same
    floats, the same ties: copies of an article score alike, entity names without their
    "@"), whichever rows are asked for."""
    import numpy as np

    feats = {f"a{k:03d}": r for k, r in enumerate(rows)}
    for k in range(copies):
        feats[f"b{k:03d}"] = dict(rows[0])
    table = rel.FeatureTable.from_dict(feats)
    n = len(table.ids)
    asked = np.asarray(sorted(data.draw(st.sets(st.integers(0, n - 1), min_size=1))),
                       dtype=np.int64)
    got = _rows_c(rel._Matrix(table, few=True), asked, top_k)
    twins = _rows_twins(table, asked, top_k)
    assert [got] * 3 == twins
    assert [repr(got)] * 3 == list(map(repr, twins))  # (the floats' own digits)


@needs_c
@pytest.mark.parametrize("n", [300, 1100])
def test_related_rows_are_the_twins_on_many_articles(n: int) -> None:
    """From FULL_BELOW articles on (the idf by levels, the cap on df); many rows asked."""
    import numpy as np

    rng = random.Random(n + 1)
    table = rel.FeatureTable.from_dict(_many_articles(rng, n))
    for size in (1, 7, n // 3):
        asked = np.asarray(sorted(rng.sample(range(n), size)), dtype=np.int64)
        got = _rows_c(rel._Matrix(table, few=True), asked, rel.TOP_K)
        assert [repr(got)] * 3 == list(map(repr, _rows_twins(table, asked, rel.TOP_K)))
        assert len(got[0]) >= size  # (lists were made)


@needs_c
def test_related_rows_leave_or_refuse_what_they_cannot_read() -> None:
    import numpy as np

    # three rows: 0 and 2 share column 0, 1 and 2 column 1 ("@b": an entity key)
    w = np.array([1.0, 1.0, 0.6, 0.8])
    col = np.array([0, 1, 0, 1], dtype=np.int32)
    ptr = np.array([0, 1, 2, 4], dtype=np.int64)
    rows = np.array([2], dtype=np.int64)
    vocab = ["a", "@b"]
    good = (w, col, ptr, 2, rows)
    assert _cpostings.related_rows(*good, 5, 8, vocab) == ([2, 2], [1, 0], [0.8, 0.6],
                                                           [["b"], ["a"]])
    assert _cpostings.related_rows(*good, 1, 0, vocab) == ([2], [1], [0.8], [[]])
    # every row, a huge top_k, none asked for
    assert _cpostings.related_rows(*good[:4], np.arange(3, dtype=np.int64), 2 ** 62, 8,
                                   vocab) == ([0, 1, 2, 2], [2, 2, 1, 0], [0.6, 0.8, 0.8, 0.6],
                                              [["a"], ["b"], ["b"], ["a"]])
    assert _cpostings.related_rows(*good[:4], rows[:0], 5, 8, vocab) == ([], [], [], [])
    # arrays of other types, top_k < 1, shared_k < 0, columns out of order: the twin's
    assert _cpostings.related_rows(w.astype(np.float32), *good[1:], 5, 8, vocab) is None
    assert _cpostings.related_rows(*good[:4], rows.astype(np.int32), 5, 8, vocab) is None
    assert _cpostings.related_rows(*good[:4], [2], 5, 8, vocab) is None
    assert _cpostings.related_rows(*good, 0, 8, vocab) is None
    assert _cpostings.related_rows(*good, 5, -1, vocab) is None
    assert _cpostings.related_rows(w, np.array([0, 1, 1, 0], dtype=np.int32), *good[2:], 5, 8,
                                   vocab) is None
    with pytest.raises(ValueError):  # names of another length, arrays of unequal lengths
        _cpostings.related_rows(*good, 5, 8, ["a"])
    with pytest.raises(ValueError):
        _cpostings.related_rows(w[:3], *good[1:], 5, 8, vocab)
    with pytest.raises(ValueError):  # a width out of range
        _cpostings.related_rows(w, col, ptr, -1, rows, 5, 8, [])
    with pytest.raises(ValueError):
        _cpostings.related_rows(w, col, ptr, 2 ** 40, rows, 5, 8, vocab)
    with pytest.raises(IndexError):  # rows beyond the matrix
        _cpostings.related_rows(*good[:4], np.array([3], dtype=np.int64), 5, 8, vocab)
    with pytest.raises(IndexError):
        _cpostings.related_rows(*good[:4], np.array([-1], dtype=np.int64), 5, 8, vocab)
    with pytest.raises(ValueError):  # rows not ascending, or twice
        _cpostings.related_rows(*good[:4], np.array([2, 1], dtype=np.int64), 5, 8, vocab)
    with pytest.raises(ValueError):
        _cpostings.related_rows(*good[:4], np.array([2, 2], dtype=np.int64), 5, 8, vocab)
    with pytest.raises(IndexError):  # a column beyond the width (an asked row's, another's)
        _cpostings.related_rows(w, np.array([0, 1, 0, 2], dtype=np.int32), *good[2:], 5, 8,
                                vocab)
    with pytest.raises(IndexError):
        _cpostings.related_rows(w, np.array([0, -1, 0, 1], dtype=np.int32), *good[2:], 5, 8,
                                vocab)
    with pytest.raises(ValueError):  # pointers past the entries, or backwards
        _cpostings.related_rows(w, col, np.array([0, 1, 2, 9], dtype=np.int64), *good[3:], 5,
                                8, vocab)
    with pytest.raises(ValueError):
        _cpostings.related_rows(w, col, np.array([0, 2, 1, 4], dtype=np.int64), *good[3:], 5,
                                8, vocab)
    with pytest.raises(TypeError):  # a name that is not a str, names not a list
        _cpostings.related_rows(*good, 5, 8, ["a", 3])
    with pytest.raises(TypeError):
        _cpostings.related_rows(*good, 5, 8, tuple(vocab))
    # a matrix without rows
    e64, e32 = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32)
    assert _cpostings.related_rows(np.zeros(0), e32, np.zeros(1, dtype=np.int64), 0, e64, 5,
                                   8, []) == ([], [], [], [])


@needs_c
@settings(deadline=None)
@given(st.lists(st.lists(st.tuples(
    st.integers(0, 5), st.floats(min_value=0.0001, max_value=1.0),
    st.lists(st.text(alphabet=st.sampled_from(['"', "\\", "\n", "\x01", "ك", "\U0001d54f", "a"]),
                     max_size=3), max_size=4)), max_size=3), min_size=1, max_size=6))
def test_related_parts_are_related_items(rows: list[list[tuple[int, float, list[str]]]],
                                         ) -> None:
    """related_parts writes each row's entry as _related_item does (quotes, backslashes,
    control and non-BMP characters in ids and names, empty lists, scores of every length)."""
    six = ["a\"1", "b\\2", "c\n3", "\U0001d54f", "ك", "f\x01"]
    lo = 1
    ids = [six[k % 6] for k in range(max(6, lo + len(rows)))]
    r, cand, score, shared, want = [], [], [], [], []
    for k, entries in enumerate(rows, start=lo):
        want.append(rel._related_item((ids[k], [
            {"id": ids[b], "score": sc, "shared": names} for b, sc, names in entries])))
        for b, sc, names in entries:
            r.append(k)
            cand.append(b)
            score.append(sc)
            shared.append([rel._quote(f) for f in names])
    qids = [rel._quote(a) for a in ids]
    got = _cpostings.related_parts(qids, lo, lo + len(rows), r, cand, score, shared)
    assert got == want


@needs_c
def test_related_parts_leave_or_refuse_what_they_cannot_write() -> None:
    q = ['"a"', '"b"']
    assert _cpostings.related_parts(q, 0, 2, [], [], [], []) == ['\n "a": []', '\n "b": []']
    assert _cpostings.related_parts(q, 0, 0, [], [], [], []) == []
    assert _cpostings.related_parts(q, 0, 2, [0], [1], [float("nan")], [[]]) is None
    assert _cpostings.related_parts(q, 0, 2, [0], [1], [1], [[]]) is None  # not a float
    with pytest.raises(ValueError):  # rows out of order, or outside lo..hi
        _cpostings.related_parts(q, 0, 2, [1, 0], [0, 1], [0.5, 0.5], [[], []])
    with pytest.raises(ValueError):
        _cpostings.related_parts(q, 0, 1, [1], [0], [0.5], [[]])
    with pytest.raises(ValueError):
        _cpostings.related_parts(q, 1, 2, [0], [0], [0.5], [[]])
    with pytest.raises(ValueError):
        _cpostings.related_parts(q, 0, 3, [], [], [], [])
    with pytest.raises(ValueError):
        _cpostings.related_parts(q, 0, 2, [0], [], [0.5], [[]])
    with pytest.raises(IndexError):
        _cpostings.related_parts(q, 0, 2, [0], [2], [0.5], [[]])
    with pytest.raises(TypeError):  # a shared name that is not a str
        _cpostings.related_parts(q, 0, 2, [0], [1], [0.5], [[3]])


@needs_c
@settings(deadline=None)
@given(st.lists(FEATURES, max_size=20), st.lists(
    st.sampled_from(["كتب", "x", "q", "\U0001d54f"]), unique=True, max_size=3))
def test_feature_row_is_add_counts(rows: list[dict[str, int]], known: list[str]) -> None:
    """feature_row gives add_counts's twin's bytes and numbers new names alike, in order of
    first sight (names already numbered, any counts within a C int)."""
    with_c, twin = rel.FeatureRows(), rel.FeatureRows()
    with_c._number = {f: k for k, f in enumerate(known)}
    twin._number = dict(with_c._number)
    saved = rel._cpostings
    for k, r in enumerate(rows):
        counts = {f: t * (-1) ** k * 7 ** min(k, 10) for f, t in r.items()}
        with_c.add_counts(f"a{k}", counts)
        rel._cpostings = None
        try:
            twin.add_counts(f"a{k}", counts)
        finally:
            rel._cpostings = saved
    assert list(with_c._number.items()) == list(twin._number.items())
    assert with_c._rows == twin._rows
    assert with_c.as_dict() == twin.as_dict()


@needs_c
def test_feature_row_leaves_or_refuses_what_it_cannot_read() -> None:
    assert _cpostings.feature_row({"a": 1.5}, {"a": 1}) is None  # numbers not ints
    assert _cpostings.feature_row({}, {}) == b""
    with pytest.raises(OverflowError):
        _cpostings.feature_row({}, {"a": 2**31})
    with pytest.raises(OverflowError):
        _cpostings.feature_row({"a": -2**40}, {"a": 1})
    with pytest.raises(TypeError):
        _cpostings.feature_row({}, {"a": "1"})
    with pytest.raises(TypeError):
        _cpostings.feature_row([], {})
    number: dict[str, int] = {"b": 0}
    got = _cpostings.feature_row(number, {"\U0001d54f": 3, "b": 2, "a": 1})
    assert number == {"b": 0, "\U0001d54f": 1, "a": 2}
    assert got == array("i", [1, 0, 2, 3, 2, 1]).tobytes()


# ------------------------------------------------------------------ whole segments


def _both(tmp: Path, docs: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch,
          **kwargs: Any) -> None:
    """The segment files written with the C module and without it: the same bytes."""
    with_c = write(tmp / "c", docs, "archive", **kwargs)
    monkeypatch.setattr(writer_module, "_cpostings", None)
    write(tmp / "py", docs, "archive", **kwargs)
    monkeypatch.undo()
    assert segment_files(tmp / "c") == segment_files(tmp / "py")
    with with_c.reader() as r:
        assert r.doc_count() == len(docs)


@needs_c
@pytest.mark.parametrize("kwargs", [{}, {"buffermb": 0}, {"inline": 0}, {"inline": 1},
                                    {"protocol": 2, "inline": 0}])
def test_seeds_same_segment_with_and_without_c(
        tmp_path: Path, seed_docs: list[dict[str, Any]],  # noqa: F811
        monkeypatch: pytest.MonkeyPatch, kwargs: dict[str, Any]) -> None:
    _both(tmp_path, seed_docs * 2, monkeypatch, **kwargs)


@needs_c
@pytest.mark.parametrize(("terms", "postings"), [(3, 16384), (1024, 5)])
def test_spilled_runs_in_tiny_records_same_with_and_without_c(
        tmp_path: Path, seed_docs: list[dict[str, Any]],  # noqa: F811
        monkeypatch: pytest.MonkeyPatch, terms: int, postings: int) -> None:
    monkeypatch.setattr(writer_module, "_RUN_CHUNK", 3)
    monkeypatch.setattr(writer_module, "_TERMS_AT_ONCE", terms)
    monkeypatch.setattr(writer_module, "_POSTINGS_AT_ONCE", postings)
    monkeypatch.setattr(writer_module, "_MERGED_POSTINGS", 7)
    _both(tmp_path, seed_docs * 3, monkeypatch, buffermb=0)
    monkeypatch.undo()


@needs_c
def test_merged_segments_same_with_and_without_c(
        tmp_path: Path, seed_docs: list[dict[str, Any]],  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Postings of merged segments (add_reader: the writer's other buffer) too."""
    merged_segments(tmp_path / "c", seed_docs, "archive")
    monkeypatch.setattr(writer_module, "_cpostings", None)
    merged_segments(tmp_path / "py", seed_docs, "archive")
    assert segment_files(tmp_path / "c") == segment_files(tmp_path / "py")


def _document(i: int, words: list[tuple[int, int]]) -> dict[str, Any]:
    from archive.index.schema import encode_stream

    vocab = ["كتب", "a", "\U0001d54fx", "ب", "", "z" * 30]
    items = []
    for pos, (w, reps) in enumerate(words):
        for r in range(reps):
            items.append((vocab[w % len(vocab)] + str(w // len(vocab)), pos + r, pos, pos + r))
    return {"id": f"d{i:03d}", "form": encode_stream(items), "stem": encode_stream(items),
            "title_root": encode_stream(items[:3])}


@needs_c
@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.tuples(st.integers(0, 14), st.sampled_from([1, 1, 2, 7, 3000, 6000])),
                         max_size=25), min_size=1, max_size=160),
       st.sampled_from([{}, {"buffermb": 0}, {"inline": 2}]))
def test_made_up_documents_same_segment_with_and_without_c(
        tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
        docs: list[list[tuple[int, int]]], kwargs: dict[str, Any]) -> None:
    """Terms in many documents (several blocks), terms repeated thousands of times in one
    (a pickle too long for C's one frame), non-BMP terms, empty terms."""
    _both(tmp_path_factory.mktemp("made"), [_document(i, d) for i, d in enumerate(docs)],
          monkeypatch, **kwargs)



# ------------------------------------------------------------------ the term table's hashes


@pytest.mark.parametrize("hidden", [False, True])
@pytest.mark.parametrize("n", [0, 1, 3, 2_000])
def test_hash_tables_are_whooshs_with_and_without_c(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch, n: int,
                                                   hidden: bool) -> None:
    """The term table's hash tables (C's hash_tables, or its twin) are Whoosh's bytes."""
    from test_index_writer import test_fast_term_table_writes_whooshs_bytes as same_bytes

    if hidden:
        monkeypatch.setattr(writer_module, "_cpostings", None)
    same_bytes(tmp_path, n)


@needs_c
def test_hash_tables_refuse_what_they_cannot_read() -> None:
    import numpy as np

    tables, counts = _cpostings.hash_tables(array("I"), np.zeros(0, dtype=np.int64))
    assert (tables, counts) == (b"", [0] * 256)
    with pytest.raises(ValueError):
        _cpostings.hash_tables(array("I", [1, 2]), np.zeros(1, dtype=np.int64))
    with pytest.raises(TypeError):
        _cpostings.hash_tables([1], np.zeros(1, dtype=np.int64))
    # the largest hash and position, in a bucket with a collision
    tables, counts = _cpostings.hash_tables(array("I", [2**32 - 1, 2**32 - 1]),
                                            np.array([2**63 - 1, 7], dtype=np.int64))
    assert counts[255] == 2 and len(tables) == 48
    assert tables.count(b"\xff\xff\xff\xff\x7f\xff\xff\xff\xff\xff\xff\xff") == 1
