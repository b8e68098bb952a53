"""A Whoosh segment writer for already analysed articles: same files, less work per posting.

:class:`ArchiveWriter` is Whoosh's own :class:`~whoosh.writing.SegmentWriter` with three parts
replaced; everything it writes goes through the codec's own writers (per-document columns,
term table, posting blocks), so any stock Whoosh reader or searcher opens the segment:

- **postings of a document**: a field value that is a :class:`~archive.index.schema.TokenStream`
  of the archive's packed formats (:class:`~archive.index.schema.PackedCharacters`,
  ``PackedPositions``) is turned into postings straight from its ``(term, position, start,
  end)`` items, encoded exactly as the field's format encodes them (``field.index`` would run
  them through the tokenizer, one Token object per item): its terms mapped to ids, one numpy
  sort of the ids (a short stream, a title's, sorted in Python), the positions (and offsets)
  packed in term order onto the buffer's one ``bytearray`` (:class:`PackedBuffer`); a
  :class:`~archive.index.schema.ColumnStream` (an article read from its analysis record as
  columns) gives its terms once per distinct vocabulary entry and
  its items as arrays (:meth:`PackedBuffer.add_columns`: the same postings, no tuple per
  item); a token stream for a field of any other format is an error; any
  other value goes through ``field.index`` as in Whoosh (and into the same buffer when each
  posting's weight is its frequency, as the id field's);
- **the posting pool**: per document and field, the term ids and frequencies, and its values
  appended to the buffer's bytes (no Python object per posting); a full buffer is sorted by
  (field, term) in one vectorised sort (:meth:`PackedBuffer.sorted`) and spilled as a run of records
  (:class:`SortedRun`, :func:`read_run`); the runs are merged a record of terms at a time
  (:func:`_merge_chunks`; Whoosh sorts and merges one tuple per posting). Postings of merged
  segments (``add_reader``) are kept per term in a dict and merged with the rest term by
  term;
- **writing a term**: its postings are added to the codec's posting writer a block at a time;
  a term found in at most ``inline`` documents keeps its postings in its term-table entry
  instead of the postings file (the W3 format's inlined postings, which Whoosh's readers read
  but its writer never writes: ``W3PostingsWriter.finish_postings`` calls a method W3TermInfo
  does not have, so stock Whoosh only works with the default ``inlinelimit=1``).

- **the term table and posting blocks**: a term's blocks are pickled and written in one piece
  (what ``W3PostingsWriter`` writes posting by posting), and Whoosh's term table writer gets an
  ``add`` and a ``_write_hashes`` that write the same bytes with less work per term
  (``_fast_term_table``); spilled runs are records read whole (``marshal.loads``).

- **the pickles of posting blocks**: protocol 4 instead of Whoosh's 2 (``protocol``; see
  :class:`ArchiveWriter`), which any Whoosh reader loads the same.

- **in C**: when ``archive.index._cpostings`` is built (setup.py), a ColumnStream's postings
  (``add_stream``), the terms of a record — inlined or in blocks, their term-table entries and
  hashes — (``write_terms``; ``write_record`` reads a sorted run's record as arrays, and spilled
  runs are merged as arrays: :func:`_merge_arrays`, a round at a time by ``merge_round``), the
  term table's hash tables (``hash_tables``) and a buffer's postings put in (field, term) order
  (``rank_terms`` and ``sort_buffer``, in :meth:`PackedBuffer.sorted`). The Python code here
  is their twin and reference: the same bytes (tests/test_native_postings.py), and it writes
  whatever C leaves (see the C file's header).

With ``inline=0`` and ``protocol=2`` the segment files are byte for byte those Whoosh's writer
makes from the same documents with the same codec (tests/test_index_writer.py checks it). Field
boosts, term vectors and separate spelling fields are not supported (the archive's schema has
none).
"""

from __future__ import annotations

import gc
import heapq
import marshal
import pickle
import struct
import tempfile
import zlib
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from hashlib import md5
from itertools import chain, compress, count, islice, repeat
from operator import is_, itemgetter, sub
from typing import IO, TYPE_CHECKING, Any, TypeVar

from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3PerDocWriter,
    W3TermInfo,
)
from whoosh.filedb.filetables import OrderedHashWriter
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import length_to_byte as _length_to_byte
from whoosh.writing import SegmentWriter

from archive import native
from archive.index.schema import ColumnStream, PackedCharacters, PackedPositions, TokenStream
from archive.memory import give_back

#: The per-posting loops in C (setup.py) where they can be used (:mod:`archive.native`), else
#: None: the Python below is their twin.
_cpostings = native.module("archive.index._cpostings")

if TYPE_CHECKING:  # numpy is imported where it is used: `archive search` imports this
    import numpy as np  # module (the freshness check) and needs no numpy

#: A term found in at most this many documents has its postings in the term table.
INLINE_DOCS = 8
#: Pickle protocol of posting blocks and inlined postings (see ArchiveWriter); a fixed one,
#: not the newest, so the files do not change with the Python version.
PROTOCOL = 4
#: zlib level of the stored fields (a document's pickled dict: Whoosh's ``_stored`` column,
#: level 3 in Whoosh): 0 writes them as zlib's stored blocks, which any Whoosh reader
#: decompresses (faster, too); level 3 took some 8 % of a cold stage's instructions for a
#: column about 2.4 times smaller (the text and the spans: 12 KB an article, 5 KB at level 3).
STORED_LEVEL = 0
#: Buffered postings, as estimated below, before a sorted run is spilled to disk (MB).
BUFFER_MB = 96
#: Estimated bytes of one buffered posting besides its value bytes, and of one buffered term.
_POSTING_BYTES = 100
_TERM_BYTES = 150

#: Terms per record of a spilled run (see ``ArchiveWriter._spill``).
_RUN_CHUNK = 1024
#: What precedes each record of a spilled run: the length of its marshal bytes.
_RECORD = struct.Struct("<Q")

#: One buffered term: (field name, term, docnums, weights, values).
Run = tuple[str, str, list[int], list[float], list[bytes]]


def codec() -> W3Codec:
    """The archive's codec: uncompressed posting blocks (see build.py)."""
    return W3Codec(compression=0)


class _Weights(dict[int, float]):
    """A frequency's weight, one float object per frequency (most postings weigh 1.0: a float
    each was 24 bytes of the buffer a posting, and a spilled run marshals a shared one once)."""

    def __missing__(self, freq: int) -> float:
        weight = self[freq] = float(freq)
        return weight


_WEIGHTS = _Weights()
_TERM = itemgetter(0)
_PACKED = (PackedCharacters, PackedPositions)
_POSITION = itemgetter(1)
_PLACE = itemgetter(1, 2, 3)


def _packed_into(terms: dict[str, list[Any]], items: list[tuple[str, int, int, int]],
                 docnum: int, chars: bool) -> tuple[int, int]:
    """The postings of one document's token stream of a packed field (see
    :class:`PackedBuffer`) added to ``terms`` (term → ``[docnum, weight, value, ...]``, the
    layout of the writer's buffer for other values); ``(length, estimated size)``."""
    buf = PackedBuffer()
    length, size = buf.add("", items, docnum, chars)
    for _, term, ids, weights, values in buf.sorted_terms():
        flat = terms.setdefault(term, [])
        for posting in zip(ids, weights, values, strict=True):
            flat += posting
    return length, size


#: Estimated bytes of one posting in a :class:`PackedBuffer` besides its value bytes (its
#: term id and frequency, and the arrays made from them when the buffer is sorted).
_PACKED_POSTING_BYTES = 48
#: A token stream of at most this many items is buffered without numpy (see
#: ``PackedBuffer._add_small``).
_SMALL = 64
#: Terms whose postings are turned into lists at a time, and per record of a spilled run:
#: the merge holds one record of each run at a time (as _RUN_CHUNK).
_TERMS_AT_ONCE = 1024
#: ... and at most this many postings a record (but for a term of more, alone in its
#: record): 1,024 frequent terms held some 100,000 postings as Python objects (an int, a
#: float and a bytes each), in each of the twelve runs a cold build of 29,904 articles merges
#: at once (~130 MB of the commit's peak, the stage's).
_POSTINGS_AT_ONCE = 16384


class PackedBuffer:
    """The postings of the archive's packed fields (:class:`~archive.index.schema.
    PackedCharacters`, ``PackedPositions``) for a batch of documents, as arrays: per
    document and field, the ids of its distinct terms (an int per term, a dict per field),
    their frequencies, and every value (the positions, and offsets, ordered by term: each
    term's value is the next ``width * frequency`` bytes) appended to one ``bytearray`` of the
    whole buffer (``data``; no bytes object per document and field). A document's
    postings are made by numpy in a few calls (one stable sort of the term ids); no Python
    step per posting. :meth:`sorted_terms` gives them back term by term in (field, term)
    order, each term's postings in document order (the documents come in order)."""

    def __init__(self) -> None:
        self.ids: dict[str, dict[str, int]] = {}
        self.next = 1  # 0: the empty term of every field (not indexed)
        self.tids: list[np.ndarray] = []
        self.freqs: list[np.ndarray] = []
        self.docs: list[int] = []
        #: the length of each posting's value: its frequency times this width, or given
        self.lengths: list[int | np.ndarray] = []
        #: the items' entries of the last ColumnStream: (its tids, its number of terms, which
        #: entries are used as a bool array; and, made for the Python look-ups, their
        #: indices or None, and the bools as a list)
        self._used: tuple[Any, ...] | None = None
        #: every value, in the order the postings were added
        self.data = bytearray()

    def __bool__(self) -> bool:
        return bool(self.tids)

    def fieldnames(self) -> set[str]:
        return set(self.ids)

    def _term_ids(self, fieldname: str, keys: list[str]) -> tuple[list[int], int]:
        """The term ids of ``keys`` in ``fieldname``, new terms numbered in order of first
        use; and the bytes the new terms hold."""
        d = self.ids.get(fieldname)
        if d is None:
            d = self.ids[fieldname] = {"": 0}
        got = list(map(d.get, keys))
        if None not in got:
            return got, 0
        missing = list(compress(range(len(keys)), map(is_, got, repeat(None))))
        new = dict.fromkeys(map(keys.__getitem__, missing))
        d.update(zip(new, count(self.next)))
        self.next += len(new)
        # only the new terms looked up again (a few of a document's)
        for i in missing:
            got[i] = d[keys[i]]
        return got, sum(map(len, new)) + _TERM_BYTES * len(new)

    def _term_id_array(self, fieldname: str, keys: list[str]) -> tuple[np.ndarray, int]:
        """:meth:`_term_ids` as an int32 array, made by numpy from the look-ups (-1 for a
        new term: no list, no scan of it for None, no list turned into an array)."""
        import numpy as np

        d = self.ids.get(fieldname)
        if d is None:
            d = self.ids[fieldname] = {"": 0}
        got = np.fromiter(map(d.get, keys, repeat(-1)), np.int32, len(keys))
        if not len(got) or got.min() >= 0:
            return got, 0
        missing = (got < 0).nonzero()[0].tolist()
        new = dict.fromkeys(map(keys.__getitem__, missing))
        d.update(zip(new, count(self.next)))
        self.next += len(new)
        got[missing] = list(map(d.__getitem__, map(keys.__getitem__, missing)))
        return got, sum(map(len, new)) + _TERM_BYTES * len(new)

    def add(self, fieldname: str, items: list[tuple[str, int, int, int]], docnum: int,
            chars: bool) -> tuple[int, int]:
        """Buffer one document's ``(term, position, start, end)`` items of a field;
        ``(length, estimated size)``: the number of items with a term, the bytes held."""
        import numpy as np

        n = len(items)
        if not n:
            return 0, 0
        got, size = self._term_ids(fieldname, list(map(_TERM, items)))
        if n <= _SMALL:
            return self._add_small(got, items, docnum, chars, size)
        tids = np.array(got, dtype=np.int32)
        if chars:
            data = np.fromiter(chain.from_iterable(map(_PLACE, items)), np.uint32,
                               3 * n).reshape(n, 3)
        else:
            data = np.fromiter(map(_POSITION, items), np.uint32, n)
        return self._add_ids(tids, data, docnum, 12 if chars else 4, size)

    def _add_small(self, got: list[int], items: list[tuple[str, int, int, int]], docnum: int,
                   chars: bool, size: int) -> tuple[int, int]:
        """:meth:`_add_ids` of a few items (a title's), sorted and grouped in Python: the
        same postings, without numpy's cost per call (a few microseconds each, some ten
        calls per field)."""
        import numpy as np

        order = sorted(range(len(got)), key=got.__getitem__)  # stable: items in order
        distinct: list[int] = []
        freqs: list[int] = []
        values: list[int] = []
        last = -1
        for i in order:
            tid = got[i]
            if not tid:  # the empty term: not indexed
                continue
            if tid != last:
                distinct.append(tid)
                freqs.append(1)
                last = tid
            else:
                freqs[-1] += 1
            item = items[i]
            values += item[1:] if chars else item[1:2]
        if not distinct:
            return 0, size
        blob = array("I", values)
        self.tids.append(np.array(distinct, dtype=np.int32))
        self.freqs.append(np.array(freqs, dtype=np.int32))
        self.docs.append(docnum)
        self.lengths.append(12 if chars else 4)
        self.data += blob
        nbytes = len(blob) * blob.itemsize
        return sum(freqs), size + _PACKED_POSTING_BYTES * len(distinct) + nbytes

    def add_columns(self, fieldname: str, stream: ColumnStream, docnum: int,
                    chars: bool) -> tuple[int, int]:
        """:meth:`add` of the items of ``stream`` (a
        :class:`~archive.index.schema.ColumnStream`), from its arrays: a dict look-up per
        distinct term instead of per item; the same postings and estimated size."""
        import numpy as np

        n = len(stream.tids)
        if not n:
            return 0, 0
        if _cpostings is not None:  # all of it in C (its twin: the lines below)
            d = self.ids.get(fieldname)
            if d is None:
                d = self.ids[fieldname] = {"": 0}
            got = _cpostings.add_stream(d, stream.terms, stream.tids, stream.positions,
                                        stream.starts, stream.ends, chars, self.next,
                                        _TERM_BYTES, self.data)
            if got is not None:
                distinct, freqs, length, self.next, size, nbytes = got
                if not length:
                    return 0, size
                self.tids.append(np.frombuffer(distinct, dtype=np.int32))
                self.freqs.append(np.frombuffer(freqs, dtype=np.int32))
                self.docs.append(docnum)
                self.lengths.append(12 if chars else 4)
                return length, size + _PACKED_POSTING_BYTES * (len(distinct) // 4) + nbytes
        # the entries the items use (np.unique sorts: some ten times slower), found once for
        # the fields of a document that share their items' entries (form, stem, most roots)
        last = self._used
        if last is not None and last[0] is stream.tids and last[1] == len(stream.terms):
            mask = last[2]
        else:
            mask = np.zeros(len(stream.terms), dtype=bool)
            mask[stream.tids] = True
            self._used = (stream.tids, len(stream.terms), mask, None)
        if _cpostings is not None:  # the look-ups in C (its twin: the lines below)
            d = self.ids.get(fieldname)
            if d is None:
                d = self.ids[fieldname] = {"": 0}
            tb, self.next, size = _cpostings.term_table(d, stream.terms, mask, self.next,
                                                        _TERM_BYTES)
            table = np.frombuffer(tb, dtype=np.int32)
        else:
            used = self._used[3]
            if used is None:
                used = mask.nonzero()[0]
                self._used = (stream.tids, len(stream.terms), mask, used, mask.tolist())
            got, size = self._term_id_array(fieldname,
                                            list(compress(stream.terms, self._used[4])))
            table = np.zeros(len(stream.terms), dtype=np.int32)
            table[used] = got
        tids = table[stream.tids]
        if chars:
            data = np.empty((n, 3), dtype=np.uint32)
            data[:, 0] = stream.positions
            data[:, 1] = stream.starts
            data[:, 2] = stream.ends
        else:
            data = np.asarray(stream.positions, dtype=np.uint32)
        return self._add_ids(tids, data, docnum, 12 if chars else 4, size)

    def _add_ids(self, tids: np.ndarray, data: np.ndarray, docnum: int, width: int,
                 size: int) -> tuple[int, int]:
        """Buffer one document's items of a field given as term ids (0: the empty term) and
        their values (one row per item, in item order); ``(length, estimated size)``."""
        import numpy as np

        n = len(tids)
        order = tids.argsort(kind="stable")
        st = tids[order]
        # where each distinct term's items start, and where the last ends (array methods:
        # numpy's module functions add a Python call or two each)
        change = (st[1:] != st[:-1]).nonzero()[0]
        bounds = np.empty(len(change) + 2, dtype=np.intp)
        bounds[0] = 0
        bounds[1:-1] = change
        bounds[1:-1] += 1
        bounds[-1] = n
        distinct = st[bounds[:-1]]
        freqs = (bounds[1:] - bounds[:-1]).astype(np.int32)
        length = n
        if distinct[0] == 0:  # empty terms are not indexed (id 0 sorts first)
            skip = int(freqs[0])
            length -= skip
            if skip == n:
                return 0, size
            order = order[skip:]
            distinct = distinct[1:]
            freqs = freqs[1:]
        blob = data[order]
        self.tids.append(distinct)
        self.freqs.append(freqs)
        self.docs.append(docnum)
        self.lengths.append(width)
        self.data += blob.data  # (the array's bytes: ``+=`` of the array adds numbers)
        return length, size + _PACKED_POSTING_BYTES * len(distinct) + blob.nbytes

    def add_postings(self, fieldname: str, docnum: int,
                     postings: list[tuple[bytes, int, float, bytes]]) -> int | None:
        """Buffer a document's postings of a field as ``field.index`` gives them (distinct
        terms) if each one's weight is its frequency (what :meth:`sorted` gives back);
        the estimated size, or None (nothing buffered) if not."""
        import numpy as np

        if any(weight != freq for _, freq, weight, _ in postings):
            return None
        if not postings:
            return 0
        d = self.ids.get(fieldname)
        if d is None:
            d = self.ids[fieldname] = {"": 0}
        size = 0
        tids = []
        for btext, _, _, _ in postings:
            term = btext.decode("utf-8")
            tid = d.get(term)
            if tid is None:
                tid = d[term] = self.next
                self.next += 1
                size += _TERM_BYTES + len(term)
            tids.append(tid)
        self.tids.append(np.array(tids, dtype=np.int32))
        self.freqs.append(np.array([p[1] for p in postings], dtype=np.int32))
        self.docs.append(docnum)
        self.lengths.append(np.array([len(p[3]) for p in postings], dtype=np.int32))
        blob = b"".join(p[3] for p in postings)
        self.data += blob
        return size + _PACKED_POSTING_BYTES * len(postings) + len(blob)

    def sorted_terms(self) -> Iterator[Run]:
        """``(field, term, docnums, weights, values)`` of every buffered term in (field, term)
        order (terms by code point: the order of their UTF-8 bytes, the term table's)."""
        run = self.sorted()
        if run is not None:
            yield from run.terms()

    def sorted(self) -> SortedRun | None:
        """The buffered postings in (field, term) order, as arrays; empties the buffer."""
        import numpy as np

        if not self.tids:
            return None
        # each term id's rank in (field, term) order, and the (field, term) of each rank
        rank = np.zeros(self.next, dtype=np.int32)
        names: list[tuple[str, str]] = []
        for fieldname in sorted(self.ids):
            d = self.ids[fieldname]
            if _cpostings is not None:  # in C (its twin: the lines below)
                names += _cpostings.rank_terms(fieldname, d, rank, len(names))
                continue
            terms = sorted(d)
            rank[np.fromiter(map(d.__getitem__, terms), np.int64, len(terms))] = np.arange(
                len(names), len(names) + len(terms), dtype=np.int32)
            names += zip(repeat(fieldname), terms)
        self.ids, self.next = {}, 1
        got = None if _cpostings is None else _cpostings.sort_buffer(
            rank, names, self.tids, self.freqs, self.lengths, self.docs)
        if got is not None:  # in C (its twin: the lines below)
            del rank
            present, sizes, docs, freqs, starts, lengths = got
            data, self.data, self.docs = self.data, bytearray(), []
            self.tids, self.freqs, self.lengths = [], [], []
            return SortedRun(present, np.frombuffer(sizes, dtype=np.int32),
                             np.frombuffer(docs, dtype=np.int32),
                             np.frombuffer(freqs, dtype=np.int32),
                             np.frombuffer(starts, dtype=np.int64),
                             np.frombuffer(lengths, dtype=np.int32), data)
        counts = np.fromiter(map(len, self.tids), np.int64, len(self.tids))
        # a stable sort by rank: the ranks with each posting's place in their low bits,
        # sorted (numpy's vectorised sort of integers, some four times faster than a stable
        # argsort); the arrays are made one at a time, each put in order at once (the peak
        # memory of a spill is what they hold)
        both = rank[np.concatenate(self.tids)].astype(np.int64)
        self.tids = []
        del rank
        both <<= 32
        both |= np.arange(len(both), dtype=np.int64)
        both.sort()
        key = (both >> 32).astype(np.int32)
        order = (both & 0xFFFFFFFF).astype(np.int32)
        del both
        edge = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
        sizes = np.diff(np.append(edge, len(key))).astype(np.int32)
        present = key[edge].tolist()
        del key, edge
        docs = np.repeat(np.array(self.docs, dtype=np.int32), counts)[order]
        del counts
        lengths = np.concatenate([f * w if isinstance(w, int) else w
                                  for f, w in zip(self.freqs, self.lengths, strict=True)])
        self.lengths = []
        freqs = np.concatenate(self.freqs)[order]
        self.freqs = []
        # each value's place in the buffer's bytes (the values follow one another in the
        # order the postings were added)
        starts = np.cumsum(lengths, dtype=np.int64)
        starts -= lengths
        starts = starts[order]
        lengths = lengths[order].astype(np.int32)
        data, self.data, self.docs = self.data, bytearray(), []
        return SortedRun(list(map(names.__getitem__, present)), sizes, docs, freqs, starts,
                         lengths, data)


#: numpy's types of ``array("I")`` and ``array("i")`` items (what read_run reads back)
_UINT = f"=u{array('I').itemsize}"
_INT = f"=i{array('i').itemsize}"


class Arrays(tuple):  # type: ignore[type-arg]
    """A record of a sorted run (see :meth:`SortedRun._records`) as arrays: its terms'
    names, their ends in the postings that follow (``bounds``), each posting's document,
    frequency and value length (int32) and the values joined; :meth:`lists` gives it as a
    :data:`Chunk`, what the writer's Python loops read (``_cpostings.write_record`` reads the
    arrays: no Python object per posting)."""

    def __new__(cls, names: list[tuple[str, str]], bounds: np.ndarray, docs: np.ndarray,
                freqs: np.ndarray, lengths: np.ndarray, joined: bytes) -> Arrays:
        return tuple.__new__(cls, (names, bounds, docs, freqs, lengths, joined))

    def lists(self) -> Chunk:
        import numpy as np

        names, bounds, docs, freqs, lengths, joined = self
        ends = np.cumsum(lengths, dtype=np.int64)
        values = list(map(joined.__getitem__,
                          map(slice, (ends - lengths).tolist(), ends.tolist())))
        return (names, bounds.tolist(), docs.tolist(), freqs.astype(np.float64).tolist(),
                values)


class SortedRun:
    """Postings in (field, term) order as arrays (see :meth:`PackedBuffer.sorted`): the
    (field, term) of each term and its number of postings (``sizes``); per posting its
    document number, frequency and where its value is: ``lengths`` bytes of ``data`` from
    ``starts``. :meth:`save` writes it to a file as records of :data:`_TERMS_AT_ONCE` terms
    (their values together, in term order), which :func:`read_run` gives back term by term."""

    def __init__(self, names: list[tuple[str, str]], sizes: np.ndarray, docs: np.ndarray,
                 freqs: np.ndarray, starts: np.ndarray, lengths: np.ndarray,
                 data: bytearray) -> None:
        self.names = names
        self.sizes, self.docs, self.freqs = sizes, docs, freqs
        self.starts, self.lengths = starts, lengths
        self.data = data

    def _records(self) -> Iterator[tuple[list[tuple[str, str]], np.ndarray, slice,
                                          np.ndarray, bytes]]:
        """Per record (:data:`_TERMS_AT_ONCE` terms, fewer when they have more than
        :data:`_POSTINGS_AT_ONCE` postings): their names, their ends in the postings that
        follow, the postings' slice of the run's arrays, their values' lengths and the values
        joined (gathered by numpy: no step per posting)."""
        import numpy as np

        names = self.names
        # the values in units of 4 bytes when every one is made of them (the packed
        # formats'), else of bytes
        unit = 4 if not len(self.data) % 4 and not (self.lengths % 4).any() else 1
        words = np.frombuffer(self.data, dtype=np.uint32 if unit == 4 else np.uint8)
        # each term's end in the postings: a record ends after _TERMS_AT_ONCE terms or the
        # last term that keeps it within _POSTINGS_AT_ONCE postings (at least one term)
        tends = np.cumsum(self.sizes, dtype=np.int64)
        lo0 = 0
        t = 0
        while t < len(names):
            t1 = min(t + _TERMS_AT_ONCE, len(names),
                     max(t + 1, int(np.searchsorted(tends, lo0 + _POSTINGS_AT_ONCE,
                                                    side="right"))))
            bounds = tends[t:t1] - lo0
            hi0 = lo0 + int(bounds[-1])
            lengths = self.lengths[lo0:hi0]
            counts = lengths // unit
            ends = np.cumsum(counts, dtype=np.int64)
            total = int(ends[-1]) if len(ends) else 0
            # each unit's place in ``data``: its value's start, plus its place in the value
            at = np.repeat(self.starts[lo0:hi0] // unit - (ends - counts), counts)
            at += np.arange(total, dtype=np.int64)
            yield (names[t:t1], bounds, slice(lo0, hi0), lengths, words[at].tobytes())
            lo0, t = hi0, t1

    def _chunks(self) -> Iterator[Chunk]:
        """Per record (see :meth:`_records`): their names, their ends in the postings that
        follow, and the postings' document numbers, weights (their frequencies, as floats)
        and values."""
        for record in self._arrays():
            yield record.lists()

    def _arrays(self) -> Iterator[Arrays]:
        """Per record (see :meth:`_records`), its postings as arrays (:class:`Arrays`)."""
        for names, bounds, part, lengths, joined in self._records():
            yield Arrays(names, bounds, self.docs[part], self.freqs[part], lengths, joined)

    def terms(self) -> Iterator[Run]:
        return _terms(self._chunks())

    def save(self, fh: IO[bytes]) -> None:
        """Write the run as records (see :func:`read_run`): each record's numbers as the
        ``array`` bytes its reader expects, straight from the arrays (no list of them)."""
        for names, bounds, part, lengths, values in self._records():
            data = marshal.dumps((
                names, bounds.astype(_UINT).tobytes(), self.docs[part].astype(_INT).tobytes(),
                self.freqs[part].astype(_INT).tobytes(), lengths.astype(_INT).tobytes(),
                values))
            fh.write(_RECORD.pack(len(data)))
            fh.write(data)
        fh.flush()


def read_run(fh: IO[bytes]) -> Iterator[Run]:
    """The terms of a run written by :meth:`SortedRun.save`."""
    return _terms(read_run_chunks(fh))


def read_run_chunks(fh: IO[bytes]) -> Iterator[Chunk]:
    """The records of a run written by :meth:`SortedRun.save`: per record, its terms' names,
    their ends in the postings that follow, the postings' documents, weights (their
    frequencies, as floats: made by numpy, not looked up one by one) and values."""
    import numpy as np

    fh.seek(0)
    loads, read, size = marshal.loads, fh.read, _RECORD.size
    while head := read(size):
        (n,) = _RECORD.unpack(head)
        names, bounds, docs, freqs, lengths, joined = loads(read(n))
        ends = np.cumsum(np.frombuffer(lengths, dtype=np.int32), dtype=np.int64)
        ends_l = ends.tolist()
        starts_l = (ends - np.frombuffer(lengths, dtype=np.int32)).tolist()
        yield (names, array("I", bounds).tolist(), array("i", docs).tolist(),
               np.frombuffer(freqs, dtype=np.int32).astype(np.float64).tolist(),
               list(map(joined.__getitem__, map(slice, starts_l, ends_l))))


def read_run_arrays(fh: IO[bytes]) -> Iterator[Arrays]:
    """The records of a run written by :meth:`SortedRun.save` as arrays (:class:`Arrays`:
    the numbers as they are in the file; ``lists`` gives what :func:`read_run_chunks`
    gives)."""
    import numpy as np

    fh.seek(0)
    loads, read, size = marshal.loads, fh.read, _RECORD.size
    while head := read(size):
        (n,) = _RECORD.unpack(head)
        names, bounds, docs, freqs, lengths, joined = loads(read(n))
        yield Arrays(names, np.frombuffer(bounds, dtype=_UINT).astype(np.int64),
                     np.frombuffer(docs, dtype=np.int32), np.frombuffer(freqs, dtype=np.int32),
                     np.frombuffer(lengths, dtype=np.int32), joined)


_R = TypeVar("_R", bound=tuple)  # type: ignore[type-arg]

#: Terms of a run by record: their names, the ends of their postings in the lists that follow,
#: and the postings' documents, weights and values.
Chunk = tuple[list[tuple[str, str]], list[int], list[int], list[float], list[bytes]]


def _nonempty(chunks: Iterable[_R]) -> Iterator[_R]:
    """``chunks`` but empty records (:data:`Chunk` or :class:`Arrays`)."""
    for chunk in chunks:
        if chunk[0]:
            yield chunk


#: Postings of a record made by _merge_records before it is given (the merged terms' lists
#: hold a reference per posting; the postings themselves are the runs' records').
_MERGED_POSTINGS = 4096


def _merge_chunks(sources: list[Iterator[Chunk]]) -> Iterator[Run]:
    """The terms of ``sources`` merged (see :func:`_merge_records`), one by one."""
    return _terms(_merge_records(sources))


def _first_records(sources: list[Iterator[_R]]) -> tuple[list[_R], list[int],
                                                          list[Iterator[_R]]]:
    """The first record of each source that has one, the place in it (0 each), and those
    sources (what the merges hold of their sources)."""
    current: list[_R] = []
    iters: list[Iterator[_R]] = []
    for source in sources:
        first = next(source, None)
        if first is not None:
            current.append(first)
            iters.append(source)
    return current, [0] * len(current), iters


def _merge_records(sources: list[Iterator[Chunk]]) -> Iterator[Chunk]:
    """The terms of ``sources`` (each gives its terms in (field, term) order, a record at a
    time, and holds documents after those of the sources before it), merged into records:
    what ``_combined(heapq.merge(...))`` gives of their terms, with no step per term in a
    heap. Every term up to the lowest last name of the sources' current records is given at a
    time (one record): those terms of each current record, sorted by (name, source) in one C
    sort; once one source is left, its records as they are."""
    current, place, iters = _first_records(sources)
    while len(current) > 1:
        bound = min(c[0][-1] for c in current)
        entries: list[tuple[tuple[str, str], int, int]] = []
        for i, c in enumerate(current):
            lo = place[i]
            hi = bisect_right(c[0], bound, lo)
            entries += zip(c[0][lo:hi], repeat(i), range(lo, hi))
            place[i] = hi
        entries.sort()
        names: list[tuple[str, str]] = []
        ends: list[int] = []
        out_ids: list[int] = []
        out_ws: list[float] = []
        out_vs: list[bytes] = []
        n = len(entries)
        j = 0
        while j < n:
            name, i, k = entries[j]
            c = current[i]
            bounds = c[1]
            lo = bounds[k - 1] if k else 0
            hi = bounds[k]
            j += 1
            names.append(name)
            if j < n and entries[j][0] == name:
                ids, ws, vs = c[2][lo:hi], c[3][lo:hi], c[4][lo:hi]
                ordered = True
                while j < n and entries[j][0] == name:
                    _, i, k = entries[j]
                    c = current[i]
                    bounds = c[1]
                    lo = bounds[k - 1] if k else 0
                    hi = bounds[k]
                    ordered = ordered and ids[-1] < c[2][lo]  # each part is in order
                    ids += c[2][lo:hi]
                    ws += c[3][lo:hi]
                    vs += c[4][lo:hi]
                    j += 1
                if not ordered:
                    _, _, ids, ws, vs = _in_order((name[0], name[1], ids, ws, vs))
                out_ids += ids
                out_ws += ws
                out_vs += vs
            else:
                out_ids += c[2][lo:hi]
                out_ws += c[3][lo:hi]
                out_vs += c[4][lo:hi]
            ends.append(len(out_ids))
            if len(out_ids) >= _MERGED_POSTINGS:  # (the lists of a record: bounded memory)
                yield names, ends, out_ids, out_ws, out_vs
                names, ends, out_ids, out_ws, out_vs = [], [], [], [], []
        if names:
            yield names, ends, out_ids, out_ws, out_vs
        _advance(current, place, iters)

    def rest(c: Chunk, k0: int) -> Chunk:
        names, bounds, ids, ws, vs = c
        lo = bounds[k0 - 1]
        return (names[k0:], [b - lo for b in bounds[k0:]], ids[lo:], ws[lo:], vs[lo:])

    yield from _last_source(current, place, iters, rest)


def _advance(current: list[_R], place: list[int], iters: list[Iterator[_R]]) -> None:
    """The sources whose record is done go on to their next one (in place: their order is
    the documents' order); a source without one is dropped."""
    for i in range(len(current) - 1, -1, -1):
        if place[i] == len(current[i][0]):
            following = next(iters[i], None)
            if following is None:
                del current[i], place[i], iters[i]
            else:
                current[i], place[i] = following, 0


def _last_source(current: list[_R], place: list[int], iters: list[Iterator[_R]],
                 rest: Callable[[_R, int], _R]) -> Iterator[_R]:
    """One source left (or none): its records as they come, the current one's rest
    (``rest(record, term)``: from that term on) first."""
    if current:
        k0 = place[0]
        c = current[0]
        if k0 == 0:
            yield c
        elif k0 < len(c[0]):
            yield rest(c, k0)
        yield from iters[0]


def _merge_arrays(sources: list[Iterator[Arrays]]) -> Iterator[Arrays | Chunk]:
    """:func:`_merge_records` of records as arrays (read by ``_cpostings.write_record``): the
    same terms with the same postings, each round's (every term up to the lowest last name
    of the sources' current records) merged by ``_cpostings.merge_round`` (its twin:
    :func:`_merged_round`, numpy gathers: a step per term, none per posting).
    A round whose term has parts out of document order (not made by the writer's own runs,
    which hold later documents than the runs before them) is given as lists, put in order as
    ``_merge_records`` does."""
    import numpy as np

    def value_starts(rec: Arrays) -> np.ndarray:
        at = np.zeros(len(rec[4]) + 1, dtype=np.int64)
        np.cumsum(rec[4], out=at[1:])
        return at

    current, place, iters = _first_records(sources)
    #: each current record's values' starts in its joined bytes (and the end), by its id
    #: (with the record: an id is not reused while it is held)
    held = {id(c): (c, value_starts(c)) for c in current}
    while len(current) > 1:
        bound = min(c[0][-1] for c in current)
        his = [bisect_right(c[0], bound, lo) for c, lo in zip(current, place, strict=True)]
        got = None if _cpostings is None else _cpostings.merge_round(
            current, [held[id(c)][1] for c in current], place, his)
        if got is not None:  # in C (its twin: _merged_round)
            names, bounds, docs, freqs, lengths, joined, disordered = got
            record = Arrays(names, np.frombuffer(bounds, dtype=np.int64),
                            np.frombuffer(docs, dtype=np.int32),
                            np.frombuffer(freqs, dtype=np.int32),
                            np.frombuffer(lengths, dtype=np.int32), joined)
        else:
            record, disordered = _merged_round(current, held, place, his)
        place[:] = his
        if disordered:
            # a term's parts in document order (each part is in order)
            names_l, bounds_l, ids, ws, vs = record.lists()
            out = [_in_order((f, t, ids[a:b], ws[a:b], vs[a:b]))
                   for (f, t), a, b in zip(names_l, [0, *bounds_l], bounds_l, strict=False)]
            yield (names_l, bounds_l, list(chain.from_iterable(r[2] for r in out)),
                   list(chain.from_iterable(r[3] for r in out)),
                   list(chain.from_iterable(r[4] for r in out)))
        else:
            yield record
        _advance(current, place, iters)
        held = {id(c): held[id(c)] if id(c) in held and held[id(c)][0] is c
                else (c, value_starts(c)) for c in current}

    def rest(c: Arrays, k0: int) -> Arrays:
        lo = int(c[1][k0 - 1])
        return Arrays(c[0][k0:], c[1][k0:] - lo, c[2][lo:], c[3][lo:], c[4][lo:],
                      c[5][int(held[id(c)][1][lo]):])

    yield from _last_source(current, place, iters, rest)


def _merged_round(current: list[Arrays], held: dict[int, tuple[Arrays, np.ndarray]],
                  place: list[int], his: list[int]) -> tuple[Arrays, bool]:
    """One round of :func:`_merge_arrays`: the terms ``place[i]:his[i]`` of each current
    record merged by (name, source), a term's parts one after the other, gathered by numpy (a
    step per term, none per posting); and whether a term has parts out of document order
    (a term of two parts or more whose documents do not ascend). Twin of
    ``_cpostings.merge_round``."""
    import numpy as np

    # (name, source, start, end, values' start, end) of each term of the round: its
    # postings' place in the round's arrays (each source's part, one after another)
    entries: list[tuple[tuple[str, str], int, int, int, int, int]] = []
    docs, freqs, lengths = [], [], []
    joined = [c[5] for c in current]
    offset = 0
    for i, c in enumerate(current):
        lo, hi = place[i], his[i]
        if hi == lo:
            continue
        tb = np.empty(hi - lo + 1, dtype=np.int64)  # the terms' bounds in the record
        tb[0] = c[1][lo - 1] if lo else 0
        tb[1:] = c[1][lo:hi]
        p0, p1 = int(tb[0]), int(tb[-1])
        vb = held[id(c)][1][tb]
        docs.append(c[2][p0:p1])
        freqs.append(c[3][p0:p1])
        lengths.append(c[4][p0:p1])
        at = (tb - p0 + offset).tolist()
        vat = vb.tolist()
        entries += zip(c[0][lo:hi], repeat(i), at, islice(at, 1, None), vat,
                       islice(vat, 1, None))
        offset += p1 - p0
    entries.sort(key=_KEY)  # (name, source): a source's parts come in order
    sizes = np.fromiter(map(sub, map(_FOURTH, entries), map(_THIRD, entries)), np.int64,
                        len(entries))
    firsts = np.fromiter(map(_THIRD, entries), np.int64, len(entries))
    ends = np.cumsum(sizes)
    gather = np.repeat(firsts - (ends - sizes), sizes)
    gather += np.arange(int(ends[-1]) if len(ends) else 0, dtype=np.int64)
    all_docs = np.concatenate(docs)[gather]
    pieces = [joined[e[1]][e[4]:e[5]] for e in entries]
    names: list[tuple[str, str]] = []
    bounds: list[int] = []
    last = None
    for e, end in zip(entries, ends.tolist(), strict=True):
        if e[0] == last:
            bounds[-1] = end
        else:
            names.append(e[0])
            bounds.append(end)
            last = e[0]
    record = Arrays(names, np.array(bounds, dtype=np.int64), all_docs,
                    np.concatenate(freqs)[gather], np.concatenate(lengths)[gather],
                    b"".join(pieces))
    disordered = False
    if len(names) < len(entries):
        term_of = np.repeat(np.arange(len(names)), np.diff(record[1], prepend=0))
        disordered = bool(((all_docs[1:] <= all_docs[:-1])
                           & (term_of[1:] == term_of[:-1])).any())
    return record, disordered


_THIRD = itemgetter(2)
_FOURTH = itemgetter(3)


def _terms(chunks: Iterable[Chunk]) -> Iterator[Run]:
    for names, bounds, docs, weights, values in chunks:
        lo = 0
        for (fieldname, term), hi in zip(names, bounds, strict=True):
            yield fieldname, term, docs[lo:hi], weights[lo:hi], values[lo:hi]
            lo = hi


#: length_to_byte of each length seen (it bisects a table of 256 lengths on every call)
_LENGTH_BYTES: dict[int, int] = {}


def length_to_byte(length: int) -> int:
    b = _LENGTH_BYTES.get(length)
    if b is None:
        b = _LENGTH_BYTES[length] = _length_to_byte(length)
    return b


#: A weight that float32 keeps exactly (a whole number below 2 ** 24: a frequency) is its
#: own float32 value (array("f") gives back a float equal to it); others are converted.
_FLOAT32: dict[float, float] = {float(k): float(k) for k in range(1, 1 << 12)}

#: What ``W3TermInfo.to_bytes`` packs before the inlined postings.
_TERMINFO = W3TermInfo._struct
#: Whoosh's hash file: the key's and value's lengths before an entry; a hash table's slot.
_LENGTHS = struct.Struct("!ii")
#: A slot of a hash table of the term table: its entry's hash and position, the bytes of
#: Whoosh's struct "!Iq"
_SLOT = [("hash", ">u4"), ("pos", ">i8")]


class ArchiveWriter(SegmentWriter):
    """``SegmentWriter`` for the archive's schema (see the module docstring).

    ``inline``: terms in at most this many documents keep their postings in the term table.
    ``buffermb``: postings buffered in memory before a sorted run is written to disk.
    ``stored_level``: the zlib level of the stored fields (:data:`STORED_LEVEL`; None: Whoosh's).
    ``protocol``: the pickle protocol of the posting blocks and inlined postings (the tuple of a
    block's ids, weights and values). Whoosh writes them with protocol 2, which has no opcode
    for bytes: each value goes through a ``_codecs.encode`` call, to write and to read.
    Whoosh's readers ``pickle.loads`` them whatever the protocol, so the archive's default
    (:data:`PROTOCOL`) writes them about 9 times faster, half the size, and reads them back
    about 12 times faster (a block of 1,000 values); ``protocol=2`` writes Whoosh's bytes.

    From its creation to its commit or cancel, Python's cyclic garbage collector is paused
    (see :meth:`_pause_collector`): the buffer holds a list per term, and each collection of the
    oldest generation walked all of them again (22 times in a cold index of 2,827 articles,
    some 15 % of the stage's CPU). The postings and the analysed articles make no cycles."""

    def __init__(self, ix: Any, *, inline: int = INLINE_DOCS, buffermb: int = BUFFER_MB,
                 codec: W3Codec | None = None, protocol: int = PROTOCOL,
                 stored_level: int | None = STORED_LEVEL, **kwargs: Any) -> None:
        kwargs.setdefault("compound", False)
        self._collecting: bool | None = None
        super().__init__(ix, codec=codec or globals()["codec"](), **kwargs)
        for name in self.schema.names():
            f = self.schema[name]
            if f.vector or f.separate_spelling():
                raise ValueError(f"ArchiveWriter: field {name!r} has term vectors or a "
                                 "separate spelling field, which it does not write")
        self._inline = inline
        self._protocol = protocol
        if stored_level is not None:
            _set_stored_level(self.perdocwriter, stored_level)
        self._limit = buffermb * 1024 * 1024
        self._buf: dict[str, dict[str, list[Any]]] = {}
        self._packed = PackedBuffer()
        self._size = 0
        self._runs: list[IO[bytes]] = []
        #: the spilled runs, each a function giving its terms in order
        self._sources: list[Callable[[], Iterator[Run]]] = []
        #: the same runs as records (None once a run of other values was spilled)
        self._chunked: list[Callable[[], Iterator[Chunk]]] | None = []
        #: ... as records of arrays (read by C: see _flush_segment)
        self._arrayed: list[Callable[[], Iterator[Arrays]]] = []
        #: per indexed field, each document's length byte (0: none) from the first document
        #: on, written to Whoosh's length column at once (:meth:`_write_lengths`) instead of
        #: through its per-document writer a byte at a time (when that writer is Whoosh's
        #: W3PerDocWriter: see add_document)
        self._lengths: dict[str, bytearray] = {}
        self._pause_collector()  # last: a writer that failed to start has nothing to resume

    # ------------------------------------------------------------------ documents

    def add_document(self, **fields: Any) -> None:
        self._check_state()
        if any(name.startswith("_") for name in fields):
            raise ValueError("ArchiveWriter does not take boosts or custom stored values")
        pdw = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        names = sorted(fields)
        self._check_fields(schema, names)
        pdw.start_doc(docnum)
        # Whoosh's per-document writer: its add_field done here (the stored value kept, the
        # field's length added up), the length bytes kept in self._lengths once the document
        # is complete (W3PerDocWriter.add_field writes each through four Python calls)
        direct = type(pdw) is W3PerDocWriter
        stored: dict[str, Any] = pdw._storedfields if direct else {}
        totals: dict[str, int] = pdw._fieldlengths if direct else {}
        lengths: list[tuple[str, int]] = []
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                if field.indexed:
                    fmt = type(field.format)
                    if isinstance(value, ColumnStream) and fmt in _PACKED:
                        length, size = self._packed.add_columns(
                            name, value, docnum, fmt is PackedCharacters)
                        postings: Iterable[tuple[bytes, int, float, bytes]] = ()
                    elif isinstance(value, TokenStream) and fmt is PackedCharacters:
                        length, size = self._packed.add(name, value.items, docnum, True)
                        postings = ()
                    elif isinstance(value, TokenStream) and fmt is PackedPositions:
                        length, size = self._packed.add(name, value.items, docnum, False)
                        postings = ()
                    elif isinstance(value, TokenStream):
                        raise TypeError(f"field {name!r}: a token stream is indexed in the "
                                        f"archive's packed formats only, not {fmt.__name__}")
                    else:
                        postings = list(field.index(value))
                        size = 0
                        # postings whose weight is their frequency (the id field's) go with
                        # the packed fields' (one source of sorted terms, not two to merge)
                        added = self._packed.add_postings(name, docnum, postings)
                        if added is not None:
                            length = sum(p[1] for p in postings)
                            size, postings = added, []
                        elif (terms := self._buf.get(name)) is None:
                            terms = self._buf[name] = {}
                    for tbytes, freq, weight, vbytes in postings:
                        length += freq
                        size += _POSTING_BYTES + len(vbytes)
                        term = tbytes.decode("utf-8")
                        flat = terms.get(term)
                        if flat is None:
                            terms[term] = [docnum, weight, vbytes]
                            size += _TERM_BYTES + len(term)
                        else:
                            flat += (docnum, weight, vbytes)
                    self._size += size
                    if not field.scorable:
                        length = 0
                if not direct:
                    pdw.add_field(name, field, value if field.stored else None, length)
                else:
                    if field.stored:
                        stored[name] = value
                    if length:
                        lengths.append((name, length))
                column = field.column_type
                if column:
                    pdw.add_column_value(name, column, field.to_column_value(value))
        except Exception:
            pdw.cancel_doc()
            raise
        for name, length in lengths:  # (the document is complete: nothing to take back)
            totals[name] += length
            col = self._lengths.get(name)
            if col is None:
                col = self._lengths[name] = bytearray()
            if len(col) < docnum:
                col += bytes(docnum - len(col))
            col.append(length_to_byte(length))
        pdw.finish_doc()
        self._added = True
        self.docnum += 1
        if self._size > self._limit:
            self._spill()

    def _write_lengths(self) -> None:
        """The length bytes kept by add_document, into Whoosh's length columns: what
        ``W3PerDocWriter.add_field`` writes document by document (its NumericColumn writer
        skips a 0 and fills the documents it skipped with 0 bytes), the same bytes. Before
        anything else writes those columns (a merged segment's documents, the segment's
        close)."""
        pdw = self.perdocwriter
        for name, col in self._lengths.items():
            lenfield = f"_{name}_len"
            if not pdw._has_column(lenfield):
                pdw._create_column(lenfield, LENGTHS_COLUMN)
            w = pdw._get_column(lenfield)
            if len(col) > w._count:
                w._dbfile.write(bytes(col[w._count:]))
                w._count = len(col)
        self._lengths = {}

    def add_reader(self, reader: Any) -> None:
        self._write_lengths()  # (this document's lengths go after the ones written)
        super().add_reader(reader)

    def add_postings_to_pool(self, reader: Any, startdoc: int, docmap: Any) -> None:
        """Postings of a merged segment (``add_reader``), renumbered, into the buffer."""
        buf = self._buf
        for fieldname, btext, docnum, weight, vbytes in self._process_posts(
                reader.iter_postings(), startdoc, docmap):
            terms = buf.get(fieldname)
            if terms is None:
                terms = buf[fieldname] = {}
            term = btext.decode("utf-8")
            flat = terms.get(term)
            vbytes = vbytes or b""
            if flat is None:
                terms[term] = [docnum, weight, vbytes]
                self._size += _TERM_BYTES + len(term)
            else:
                flat += (docnum, weight, vbytes)
            self._size += _POSTING_BYTES + len(vbytes)
            if self._size > self._limit:
                self._spill()

    # ------------------------------------------------------------------ runs

    def _buffered(self) -> list[Iterator[Run]]:
        """The buffered terms in (field, term) order, from the packed fields' arrays and from
        the other values (the id field; postings of merged segments): one or two sources.
        Empties the buffer."""
        buf, self._buf = self._buf, {}
        packed, self._packed = self._packed, PackedBuffer()

        def others() -> Iterator[Run]:
            for fieldname in sorted(buf):
                terms = buf.pop(fieldname)
                # by code point: the order of their UTF-8 bytes (the term table's)
                for term in sorted(terms):
                    flat = terms[term]
                    yield fieldname, term, flat[0::3], flat[1::3], flat[2::3]

        out = []
        if packed:
            out.append(packed.sorted_terms())
        if buf:
            out.append(others())
        return out

    def _spill(self) -> None:
        """Write the buffer as sorted runs to temporary files and empty it: the packed
        fields' postings as arrays (:class:`SortedRun`), the others as marshal records."""
        folder = getattr(self.storage, "folder", None)
        packed, self._packed = self._packed.sorted(), PackedBuffer()
        if packed is not None:
            fh = tempfile.TemporaryFile(prefix="run-", suffix=".tmp", dir=folder)
            packed.save(fh)
            self._runs.append(fh)
            del packed
            self._sources.append(lambda fh=fh: read_run(fh))
            if self._chunked is not None:
                self._chunked.append(lambda fh=fh: _nonempty(read_run_chunks(fh)))
                self._arrayed.append(lambda fh=fh: _nonempty(read_run_arrays(fh)))
        if self._buf:
            fh = tempfile.TemporaryFile(prefix="run-", suffix=".tmp", dir=folder)
            dumps, write = marshal.dumps, fh.write
            # a list of terms per record, each record its length and its marshal bytes:
            # marshal.load on a file reads it a few bytes at a time; a record read whole is
            # decoded by marshal.loads, some twenty times faster
            terms = chain.from_iterable(self._buffered())
            while chunk := list(islice(terms, _RUN_CHUNK)):
                data = dumps(chunk)
                write(_RECORD.pack(len(data)))
                write(data)
            fh.flush()
            self._runs.append(fh)
            self._sources.append(lambda fh=fh: self._read_run(fh))
            self._chunked = None
        self._size = 0

    @staticmethod
    def _read_run(fh: IO[bytes]) -> Iterator[Run]:
        fh.seek(0)
        loads, read, size = marshal.loads, fh.read, _RECORD.size
        while head := read(size):
            (n,) = _RECORD.unpack(head)
            yield from loads(read(n))

    def _merged(self, arrays: bool = False) -> Iterator[Chunk | Arrays]:
        """Every buffered term in (field, term) order, its postings in document order, as
        records (see :data:`Chunk`; ``arrays``: the records of the packed buffer, if it is
        the only source, as :class:`Arrays`)."""
        if self._chunked is not None and not self._buf:
            # runs of the packed buffer only (a new segment's documents): merged a record
            # of terms at a time; without a spilled run, the buffer's records as they are
            chunked: list[Iterator[Any]] = [source() for source in (
                self._arrayed if arrays else self._chunked)]
            last, self._packed = self._packed.sorted(), PackedBuffer()
            if last is not None:
                chunked.append(_nonempty(last._arrays() if arrays else last._chunks()))
            if len(chunked) > 1:
                yield from (_merge_arrays if arrays else _merge_records)(chunked)
            elif chunked:
                yield from chunked[0]
            return
        sources = [source() for source in self._sources] + self._buffered()
        # by (field, term), in run order when equal (heapq.merge is stable): a run holds
        # later documents than the runs before it; a term's parts are put in document order
        # if they are not (postings of merged segments in the same run as new documents)
        runs = (sources[0] if len(sources) == 1
                else _combined(heapq.merge(*sources, key=_KEY)))
        for fieldname, term, ids, weights, values in runs:
            yield [(fieldname, term)], [len(ids)], ids, weights, values

    # ------------------------------------------------------------------ segment

    def _doc_lengths(self) -> dict[str, list[int | None]]:
        """Per indexed field, each document's length as the segment's length column gives it
        back (quantized to a byte; None when not recorded), what Whoosh's writer gives the
        posting writer."""
        pdr = self.per_document_reader()
        try:
            n = self.docnum
            out: dict[str, list[int | None]] = {}
            for fieldname in self._buf_fieldnames():
                out[fieldname] = [pdr.doc_field_length(d, fieldname) for d in range(n)]
            return out
        finally:
            pdr.close()

    def _buf_fieldnames(self) -> list[str]:
        return sorted({name for name in self.schema.names() if self.schema[name].indexed}
                      | set(self._buf) | self._packed.fieldnames())

    def _flush_segment(self) -> None:
        self._write_lengths()
        self.perdocwriter.close()
        lengths = self._doc_lengths()
        fw = self.fieldwriter
        _fast_term_table(fw._tindex)
        inline = self._inline
        schema = self.schema
        protocol = self._protocol
        dumps, pack_info = pickle.dumps, _TERMINFO.pack
        lastfield: str | None = None
        at: int | None = None  # the postings file's position, once known
        # the terms written by C a run of them at a time (see _cpostings.write_terms: it stops
        # at any term it does not write, which the loop below writes), if the term table is
        # _fast_term_table's and the blocks are pickled with protocol 4 (the C's)
        add_entries = getattr(fw._tindex, "add_entries", None)
        in_c = (_cpostings is not None and add_entries is not None and protocol == 4
                and inline > 0)
        # the current field's (set at its first term, before any C call); blockable: C
        # writes its terms' blocks too (uncompressed, values of any length: _block_term's)
        lbytes: list[int] = []
        prefix = b""
        novalues = blockable = False
        limit = 1
        for record in self._merged(arrays=in_c):
            # a record as arrays (the packed buffer's, unspilled) is read by C; made lists
            # (what the loop below reads) only if C leaves a term of it
            arrays = record if type(record) is Arrays else None
            if arrays is not None:
                names, ends = arrays[0], arrays[1].tolist()
            else:
                names, ends, docs, weights, values = record
            if len(names) != len(ends):
                raise ValueError("a record's names and ends differ in length")
            lo = 0
            t = 0
            nt = len(names)
            while t < nt:
                fieldname, term = names[t]
                if fieldname != lastfield:
                    if lastfield is not None:
                        fw.finish_field()
                    fw.start_field(fieldname, schema[fieldname])
                    lastfield = fieldname
                    fieldlengths = lengths[fieldname]
                    # each document's length as a byte (0: none), what length_to_byte gives
                    lbytes = [length_to_byte(d) if d else 0 for d in fieldlengths]
                    fixed = fw._format.fixed_value_size()
                    novalues = fixed == 0
                    prefix = pack_ushort(fw._fieldid)
                    add = fw._tindex.add
                    pw = fw._postwriter
                    comp = pw._compression
                    limit = pw._blocklimit
                    blockable = (type(comp) is int and comp == 0 and (fixed is None or fixed < 0)
                                 and type(limit) is int and limit > 0)
                if in_c:
                    if at is None:
                        at = fw._postfile.tell()
                    lastkey = fw._tindex.last_key()
                    if arrays is not None:
                        got = _cpostings.write_record(
                            names, ends, arrays[2], arrays[3], arrays[4], arrays[5], t, lo,
                            fieldname, lbytes, prefix, inline, novalues, blockable, limit, at,
                            lastkey)
                    else:
                        got = _cpostings.write_terms(
                            names, ends, docs, weights, values, t, lo, fieldname, lbytes,
                            prefix, inline, novalues, blockable, limit, at, lastkey)
                    t1, lo, entries, hashbytes, offsets, lastkey, blocks = got
                    if t1 > t:
                        if blocks:
                            fw._postfile.write(blocks)
                            at += len(blocks)
                        add_entries(entries, hashbytes, offsets, lastkey)
                        t = t1
                        continue
                if arrays is not None:
                    _, _, docs, weights, values = arrays.lists()
                    arrays = None
                hi = ends[t]
                t += 1
                btext = term.encode("utf-8")
                if hi - lo == 1 and inline:
                    # _inline_term of a term in one document (most terms), its steps spelled
                    # out, read from the record in place (no lists of one posting)
                    docnum = docs[lo]
                    lb = lbytes[docnum]
                    w = weights[lo]
                    w32 = _FLOAT32.get(w)  # the block keeps float32 weights
                    if w32 is None:
                        w32 = array("f", (w,))[0]
                    v0 = values[lo]
                    lo = hi
                    info = pack_info(True, w32, 1, lb, lb, w if w > 0 else 0, docnum, docnum)
                    add(prefix + btext, info + dumps(
                        ((docnum,), (w32,), (None,) if novalues else (v0,) if v0 else ()),
                        protocol))
                    continue
                ids, ws, vs = docs[lo:hi], weights[lo:hi], values[lo:hi]
                lo = hi
                dl = list(map(fieldlengths.__getitem__, ids))
                if len(ids) <= inline:
                    self._inline_term(add, prefix + btext, ids, ws, vs, dl, protocol,
                                      novalues)
                elif all(dl):
                    at = _block_term(fw, btext, ids, ws, vs, dl, protocol, at)
                else:
                    at = None  # written by Whoosh's posting writer
                    fw.start_term(btext)
                    _add_postings(fw._postwriter, ids, ws, vs, dl)
                    fw.finish_term()
        if lastfield is not None:
            fw.finish_field()
        fw.close()

    @staticmethod
    def _inline_term(add: Callable[[bytes, bytes], None], key: bytes, ids: list[int],
                     weights: list[float], values: list[bytes], dl: list[int | None],
                     protocol: int, novalues: bool) -> None:
        """A term's postings kept in its term-table entry (read back by Whoosh's
        ``W3Codec.postings_reader`` as a ``ListMatcher``): the bytes ``W3TermInfo.to_bytes``
        gives after one block of these postings (``_add_postings``, ``add_block``,
        ``set_inlined``), packed here without the posting writer's block and term info
        objects (most terms are inlined: their per-term overhead was most of the commit).
        ``add``: the term table's; ``key``: the field's prefix and the term's bytes;
        ``novalues``: the field's format has no values."""
        ws = array("f", weights)  # the block keeps float32 weights
        ls = list(filter(None, dl))
        top = max(weights)
        # a format without values (the id field's) reads back None per posting, as from a
        # posting block (an empty tuple would read back '')
        vals = (None,) * len(ids) if novalues else tuple(filter(None, values))
        info = _TERMINFO.pack(
            True, sum(ws), len(ids),
            length_to_byte(min(ls)) if ls else 0, length_to_byte(max(ls) if ls else 0),
            top if top > 0 else 0, ids[0], ids[-1])
        add(key, info + pickle.dumps((tuple(ids), tuple(ws), vals), protocol))

    def _close_segment(self) -> None:
        super()._close_segment()
        for fh in self._runs:
            fh.close()
        self._runs = []
        self._sources = []
        self._chunked = []
        self._arrayed = []
        self._buf = {}
        self._packed = PackedBuffer()

    # ------------------------------------------------------------------ collector

    def _pause_collector(self) -> None:
        self._collecting = gc.isenabled()
        gc.disable()

    def _resume_collector(self) -> None:
        if self._collecting:
            gc.enable()
        self._collecting = None

    def commit(self, *args: Any, **kwargs: Any) -> None:
        # a commit that merges spilled runs (a large segment: a cold build) frees, at its end,
        # the merge's records: tens of MB of the C heap, which stayed resident through the
        # steps after it (the related lists, the stage's peak) unless given back; a small
        # commit (an update) has little to give back for the call's ~10-50 ms
        spilled = bool(self._runs)
        try:
            super().commit(*args, **kwargs)
        finally:
            self._resume_collector()
        if spilled:
            give_back()

    def cancel(self) -> None:
        try:
            super().cancel()
        finally:
            self._resume_collector()


_KEY = itemgetter(0, 1)


def _set_stored_level(pdw: Any, level: int) -> None:
    """Have ``pdw`` (Whoosh's per-document writer) compress the stored fields at ``level``:
    its ``_stored`` column writer is a pickle writer around a ``CompressedBytesColumn`` writer,
    whose reader decompresses whatever the level. Another writer is left as it is. At level 0
    the writer's ``zlib.compress`` is :func:`stored_deflate` (the same bytes)."""
    from whoosh.columns import CompressedBytesColumn, PickleColumn

    stored = getattr(pdw, "_colwriters", {}).get("_stored")
    child = getattr(stored, "_child", None)
    if (type(stored) is PickleColumn.Writer and type(child) is CompressedBytesColumn.Writer
            and isinstance(getattr(child, "_level", None), int)):
        child._level = level
        if level == 0 and getattr(child, "_compress", None) is zlib.compress and _STORED_SAME:
            child._compress = stored_deflate


#: below this many bytes zlib's level 0 writes one stored block (it splits at 65,532)
_ONE_BLOCK = 65000
_STORED_HEAD = struct.Struct("<BBBHH")
_ADLER = struct.Struct(">I")


def stored_deflate(data: bytes, level: int = 0) -> bytes:
    """``zlib.compress(data, 0)``: what zlib writes for ``data`` at level 0 (its header, one
    stored block, the Adler-32), made without a compressor: ``zlib.compress`` sets up
    and clears its deflate state (some 100 KB of tables) for each document's stored fields
    (~2 % of a cold stage's instructions). ``data`` of ``_ONE_BLOCK`` bytes or more, or
    another level: zlib's own."""
    n = len(data)
    if level != 0 or n >= _ONE_BLOCK:
        return zlib.compress(data, level)
    return b"".join((_STORED_HEAD.pack(0x78, 0x01, 0x01, n, n ^ 0xFFFF), data,
                     _ADLER.pack(zlib.adler32(data))))


def _stored_same() -> bool:
    """Whether :func:`stored_deflate` gives the linked zlib's bytes (checked once, on a few
    lengths: another zlib may cut its stored blocks elsewhere; then zlib's are used)."""
    for n in (0, 1, 300, 12345, _ONE_BLOCK - 1):
        data = bytes(range(256)) * (n // 256) + bytes(n % 256)
        if stored_deflate(data) != zlib.compress(data, 0):
            return False
    return True


_STORED_SAME = _stored_same()


def _combined(runs: Iterable[Run]) -> Iterator[Run]:
    """``runs`` (in (field, term) order) with the parts of a term given one after another
    joined, their postings put in document order if they are not."""
    last: Run | None = None
    joined = False
    for run in runs:
        if last is not None and last[0] == run[0] and last[1] == run[1]:
            last[2].extend(run[2])
            last[3].extend(run[3])
            last[4].extend(run[4])
            joined = True
            continue
        if last is not None:
            yield _in_order(last) if joined else last
        last, joined = run, False
    if last is not None:
        yield _in_order(last) if joined else last


def _in_order(run: Run) -> Run:
    ids = run[2]
    if all(map(int.__lt__, ids, islice(ids, 1, None))):
        return run
    order = sorted(range(len(ids)), key=ids.__getitem__)
    return (run[0], run[1], [ids[i] for i in order], [run[3][i] for i in order],
            [run[4][i] for i in order])


try:  # CPython's own MD5 (no OpenSSL call per term: some 40 % faster on a short key)
    from _md5 import md5 as _md5
except ImportError:  # pragma: no cover - a Python built without it
    def _md5(data: bytes) -> Any:
        return md5(data, usedforsecurity=False)

#: Term-table entries written at a time (see _fast_term_table).
_PENDING = 4096


def _fast_term_table(tindex: Any) -> None:
    """Give Whoosh's term table writer (an ``OrderedHashWriter`` with MD5 hashes) an ``add``
    and a ``_write_hashes`` that write the same bytes with less work per term: one write per
    entry instead of three, the MD5 hash taken from the digest's bytes instead of its hex text,
    and the hash tables made by numpy a bucket at a time. Each entry's hash is kept in one
    ``array("I")`` in the order added (4 bytes a term; its position is the writer's
    ``index``) instead of Whoosh's bucket lists of (hash, position) tuples (some 128 bytes a
    term: 61 MB for the 477,000 terms of 29,904 articles, held from the first term to the end
    of the commit and after it while the writer is referenced; their small objects, made
    between the merge's, kept its freed memory resident). Another writer is left as it is."""
    if type(tindex) is not OrderedHashWriter or tindex.hashtype != 0:
        return
    dbfile = tindex.dbfile
    write, tell = dbfile.write, dbfile.tell
    nbuckets = len(tindex.buckets)  # 256: an entry's bucket is its hash & 255
    # each entry's hash (md5_hash: 32 bits), in the order added: with the positions in
    # ``index``, the buckets' entries in the order the hash tables are filled in (Whoosh's
    # lists of tuples); "I" (not "q") takes an int without a PyArg_Parse call
    hashes = array("I")
    add_hash = hashes.append
    index = tindex.index
    pack = _LENGTHS.pack
    from_bytes = int.from_bytes

    # the file's position, kept here instead of asked per entry (a third of ``add``'s time;
    # -1: not known yet), and the last key (instead of the writer's attribute, set at the end)
    pos = -1
    last = tindex.lastkey
    # entries not yet written: written together, a few thousand at a time
    pending: list[bytes] = []

    def flush() -> None:
        if pending:
            write(b"".join(pending))
            pending.clear()

    def add(key: bytes, value: bytes) -> None:
        nonlocal pos, last
        if key <= last:
            raise ValueError(f"Keys must increase: {last!r}..{key!r}")
        if pos < 0:
            pos = tell()
        index.append(pos)
        entry = pack(len(key), len(value)) + key + value
        pending.append(entry)
        if len(pending) >= _PENDING:
            flush()
        # md5_hash: the digest's last four bytes, as int(hexdigest, 16) & 0xFFFFFFFF
        h = from_bytes(_md5(key).digest()[12:], "big")
        add_hash(h)
        pos += len(entry)
        last = key

    def write_hashes() -> None:
        flush()
        tindex.lastkey = last
        if pos >= 0 and pos != tell():
            raise RuntimeError("the term table was written to besides its add")
        import numpy as np

        hs = np.frombuffer(hashes, dtype=_UINT).astype(np.int64)
        positions = np.asarray(index.array if isinstance(index.array, array)
                               else list(index.array)).astype(np.int64)
        if len(hs) != len(positions):
            raise RuntimeError("the term table's index was written to besides its add")
        if _cpostings is not None and nbuckets == 256 and hashes.itemsize == 4:
            # the tables in C (its twin: the lines below), written in one piece
            tables, counts = _cpostings.hash_tables(hashes, positions)
            at = tell()
            for c in counts:
                tindex.directory.append((at, 2 * c))
                at += 24 * c
            write(tables)
            del hashes[:]
            return
        # the entries by bucket, each bucket's in the order added
        bucket = (hs & 255).astype(np.uint8)
        order = np.argsort(bucket, kind="stable")  # (of 8-bit numbers: a radix sort)
        hs, positions = hs[order], positions[order]
        ends = np.cumsum(np.bincount(bucket, minlength=nbuckets)).tolist()
        del bucket, order
        lo = 0
        for hi in ends:
            numslots = 2 * (hi - lo)
            tindex.directory.append((tell(), numslots))
            if not numslots:
                continue
            bh = hs[lo:hi]
            # each entry in its slot or, taken, the next free one (in the order added); an
            # empty slot stays (0, 0): no entry starts at 0 (the header is there)
            taken = bytearray(numslots)
            where = []
            for slot in ((bh >> 8) % numslots).tolist():
                while taken[slot]:
                    slot = (slot + 1) % numslots
                taken[slot] = 1
                where.append(slot)
            table = np.zeros(numslots, dtype=_SLOT)
            slots = np.fromiter(where, np.int64, len(where))
            table["hash"][slots] = bh
            table["pos"][slots] = positions[lo:hi]
            write(table.tobytes())
            lo = hi
        del hashes[:]  # written: let it go

    def add_entries(entries: bytes, hashbytes: bytes, offsets: bytes, lastkey: bytes) -> None:
        """``add`` of entries made whole (by ``_cpostings.write_terms``): their bytes, each
        key's hash (``array("I")`` bytes), each entry's offset in the bytes (int64) and the
        last key; the caller has checked that the keys increase from ``last_key()``."""
        nonlocal pos, last
        import numpy as np

        if not entries:
            return
        if pos < 0:
            pos = tell()
        at = np.frombuffer(offsets, dtype=np.int64) + pos
        # the index's type as appending each position would make it (Whoosh's GrowableArray
        # widens it for a position that does not fit; the last one is the largest)
        index.append(int(at[-1]))
        del index.array[-1]
        index.array.frombytes(at.astype(index.array.typecode).tobytes())
        hashes.frombytes(hashbytes)
        # written at once (a record's entries: pending counts entries, these are many)
        flush()
        write(entries)
        pos += len(entries)
        last = lastkey

    tindex.add = add
    tindex._write_hashes = write_hashes
    tindex.add_entries = add_entries
    tindex.last_key = lambda: last


def _block_term(fw: Any, btext: bytes, ids: list[int], weights: list[float],
                values: list[bytes], lengths: list[int], protocol: int = 2,
                start: int | None = None) -> int:
    """A term's postings in blocks in the postings file and its entry in the term table: the
    bytes ``start_term``, ``add_posting`` per posting and ``finish_term`` write through
    ``W3PostingsWriter`` and ``W3TermInfo`` (every length given and non-zero), made here a
    block at a time and written in one piece. ``start``: the postings file's position if the
    caller knows it (asking the file is a system call); the position after the term."""
    pw = fw._postwriter
    limit, comp = pw._blocklimit, pw._compression
    fixed = fw._format.fixed_value_size()
    postfile = fw._postfile
    if start is None:
        start = postfile.tell()
    out = [WHOOSH3_HEADER_MAGIC]
    n = len(ids)
    total = 0.0
    maxweight: float = 0
    minlength = maxlength = 0
    for lo in range(0, n, limit):
        hi = min(n, lo + limit)
        bids = ids[lo:hi]
        bw = weights[lo:hi]
        ws = array("f", bw)  # the block keeps float32 weights
        ls = lengths[lo:hi]
        low, high = min(ls), max(ls)
        top = max(bw)
        if top <= 0:
            top = 0
        total += sum(ws)
        maxweight = max(maxweight, top)
        minlength = low if lo == 0 else min(minlength, low)
        maxlength = max(maxlength, high)
        # the steps below per posting in C: map, filter, array.count
        deltas = [bids[0], *map(sub, islice(bids, 1, None), bids)]
        if ws.count(1.0) == len(ws):
            mini: Any = None
        elif ws.count(ws[0]) == len(ws):
            mini = ws[0]
        else:
            mini = tuple(ws)
        vs = list(filter(None, values[lo:hi]))
        vals: Any = (tuple(vs) if fixed is None or fixed < 0 else None if fixed == 0
                     else b"".join(vs))
        data = pickle.dumps((tuple(deltas), mini, vals), protocol)
        if comp:
            data = zlib.compress(data, comp)
        info = pickle.dumps((hi - lo, bids[-1], top, comp, length_to_byte(low),
                             length_to_byte(high)), 2)
        size = len(info) + len(data)
        out += (pack_int(-size if hi == n else size), info, data)
    data = b"".join(out)
    postfile.write(data)
    extent = pack_long(start) + pack_int(len(data))
    info = _TERMINFO.pack(False, total, n, length_to_byte(minlength), length_to_byte(maxlength),
                          maxweight, ids[0], ids[-1])
    fw._tindex.add(pack_ushort(fw._fieldid) + btext, info + extent)
    return start + len(data)


def _add_postings(pw: Any, ids: list[int], weights: list[float], values: list[bytes],
                  lengths: list[int | None]) -> None:
    """``pw.add_posting`` for each posting, a block at a time: the same blocks, statistics
    and files (``W3PostingsWriter`` writes a full block when the next posting arrives)."""
    limit = pw._blocklimit
    n = len(ids)
    i = 0
    while i < n:
        if len(pw._ids) >= limit:
            pw._write_block()
        j = min(n, i + limit - len(pw._ids))
        pw._ids.extend(ids[i:j])
        ws = weights[i:j]
        pw._weights.extend(ws)
        top = max(ws)
        if top > pw._maxweight:
            pw._maxweight = top
        pw._values.extend(v for v in islice(values, i, j) if v)
        ls = [x for x in islice(lengths, i, j) if x]
        if ls:
            low, high = min(ls), max(ls)
            if pw._minlength is None or low < pw._minlength:
                pw._minlength = low
            if high > pw._maxlength:
                pw._maxlength = high
        i = j


__all__ = ["INLINE_DOCS", "ArchiveWriter", "codec"]
