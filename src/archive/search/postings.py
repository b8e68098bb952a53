"""A term's postings read in one go, for the search engine.

Whoosh's public interface (``reader.postings(field, term)``) gives a matcher that is walked one
posting at a time: several Python calls per posting, the bulk of a query's time on a large
archive. Whoosh 2.7 keeps a term's postings in blocks of up to 128 (ids, weights and encoded
values, pickled together); :func:`read` takes whole blocks through the segment reader's internals
(``_terms.matcher`` → ``W3LeafMatcher`` blocks, or the ``ListMatcher`` of postings inlined in
the term info) and gives the same ``(docnum, weight, value)`` triples as the public walk,
deleted documents left out and doc numbers offset per segment.

When those internals are not what this module knows (another Whoosh version or codec), it falls
back to the public walk: the results are the same, only slower. :data:`FAST` tells which path
the last read took (for tests).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh.reading import TermNotFound

try:  # internals of Whoosh 2.7's default codec
    from whoosh.codec.whoosh3 import W3LeafMatcher
    from whoosh.matching.mcore import ListMatcher
except ImportError:  # pragma: no cover - another Whoosh
    W3LeafMatcher = ListMatcher = None  # type: ignore[assignment,misc]

#: Whether the fast path may be used (tests switch it off to check the fallback).
ENABLED = True


class _Unknown(Exception):
    """The reader's internals are not the ones this module knows."""


def _leaves(reader: Any) -> list[tuple[Any, int]]:
    return [(reader, 0)] if reader.is_atomic() else list(reader.leaf_readers())


def _blocks(m: Any, values: bool) -> Iterator[tuple[Any, Any, Any]]:
    """``(ids, weights, values or None)`` per block of a leaf matcher."""
    if ListMatcher is not None and type(m) is ListMatcher:
        ids = list(m._ids)
        if m._all_weights:
            weights: Any = [m._all_weights] * len(ids)
        elif m._weights:
            weights = m._weights
        else:
            weights = [1.0] * len(ids)
        vals: list[Any] | None = None
        if values:
            vals = []
            for i in range(len(ids)):
                m._i = i
                vals.append(m.value())  # value() joins values given as lists
        yield ids, weights, vals
        return
    if W3LeafMatcher is None or type(m) is not W3LeafMatcher:
        raise _Unknown(type(m).__name__)
    while True:
        m._read_ids()
        m._read_weights()
        if values:
            m._read_values()
        yield m._ids, m._weights, m._values if values else None
        if m._lastblock:
            return
        m._goto(m._nextoffset)


def _deleted(leaf: Any) -> frozenset[int]:
    """The deleted doc numbers of a segment: what its ``deleted_docs_set`` gives, kept where
    that property keeps it, without going through the property (Whoosh defines it with the
    ``cached_property`` package, whose every first use asks ``asyncio`` whether the function
    is a coroutine: importing the whole of asyncio, a fifth of a search command's imports)."""
    if not leaf.has_deletions():
        return frozenset()
    found = leaf.__dict__.get("deleted_docs_set")
    if found is None:
        found = leaf.__dict__["deleted_docs_set"] = frozenset(leaf._perdoc.deleted_docs())
    return found  # type: ignore[no-any-return]


def _fast(reader: Any, fieldname: str, term: str, values: bool
          ) -> list[tuple[int, float, Any]]:
    out: list[tuple[int, float, Any]] = []
    for leaf, base in _leaves(reader):
        terms = getattr(leaf, "_terms", None)
        if terms is None or not hasattr(leaf, "_text_to_bytes"):
            raise _Unknown(type(leaf).__name__)
        if fieldname not in leaf.schema:
            continue
        tbytes = leaf._text_to_bytes(fieldname, term)
        try:
            m = terms.matcher(fieldname, tbytes, leaf.schema[fieldname].format)
        except (TermNotFound, KeyError):
            continue
        deleted = _deleted(leaf)
        for ids, weights, vals in _blocks(m, values):
            if vals is None:
                out.extend((base + d, w, None) for d, w in zip(ids, weights, strict=True)
                           if d not in deleted)
            else:
                out.extend((base + d, w, v) for d, w, v in zip(ids, weights, vals, strict=True)
                           if d not in deleted)
    return out


def _public(reader: Any, fieldname: str, term: str, values: bool
            ) -> Iterator[tuple[int, float, Any]]:
    if (fieldname, term) not in reader:
        return
    m = reader.postings(fieldname, term)
    while m.is_active():
        yield m.id(), m.weight(), m.value() if values else None
        m.next()


#: Which path the last :func:`read` took: True for the block read, False for the public walk.
FAST: bool | None = None


def read(reader: Any, fieldname: str, term: str, values: bool = False
         ) -> list[tuple[int, float, Any]]:
    """``[(docnum, weight, encoded value or None)]`` of a term, in docnum order, live documents
    only (the value when ``values``; decode it with the field format's ``decoder``)."""
    global FAST
    if not term:
        return []
    if ENABLED:
        try:
            out = _fast(reader, fieldname, term, values)
            FAST = True
            return out
        except (_Unknown, AttributeError, TypeError, ValueError):
            pass
    FAST = False
    return list(_public(reader, fieldname, term, values))
