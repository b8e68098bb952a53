"""The Whoosh schema of the search index and the analyzer that feeds it.

Whoosh never tokenizes article text itself: every field is filled from the tokens of
:class:`archive.analysis.Analyzer` (the one place where text becomes search tokens). Fields:

========  =================================================================================
id        article id (unique key)
form      normalized surface form of every body token   (positions + character offsets)
stem      light stem of every body token; entity tokens carry their name core   (positions)
root      root of every body token; entity tokens carry their name core (never a root); a
          name that is also a common word adds ``~`` + the common root at the same position
          (``archive.analysis.morphology.ALT_MARK``), reached only by ``جذر:`` queries
          (positions)
entity    gazetteer key of every entity mention, at the position of its first token
          (positions + character offsets: a mention spans several tokens)
title_*   the same four fields for the title (``title_form``, ``title_stem``, ``title_root``,
          ``title_entity``): positions count from the title's first word, character offsets
          point into the stored ``title``
stored    path, title, date, source, places, actors, hash, text, length, spans (the start
          and end offset of each body token by position: :func:`archive.index.docs.body_spans`)
========  =================================================================================

The three word fields share positions (the token's position in the article: the number of
tokens of the analyzer's ``token_pattern`` before it in the stored ``text``), so a phrase can be
checked in any of them. Character offsets, for snippets and concordances, point into the stored
``text``; the stem and root fields keep none (two thirds of the word postings' values): the
offsets of a position are those the stored ``spans`` give (8 bytes a body token, once per article
instead of once per field), and in the title those of the title's token at that position,
tokenized again by the reader (:meth:`archive.search.engine.IndexView.token_spans`).

A posting's value is the ``array("I")`` bytes of its positions (and offsets), not Whoosh's count
and pickled deltas (:class:`PackedPositions`, :class:`PackedCharacters`): cheaper to write and
to read, and smaller.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import Any

from whoosh.analysis import Token as WhooshToken
from whoosh.analysis import Tokenizer
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.formats import Characters, Positions

from archive.analysis.morphology import ALT_MARK

#: Marks a value that is an already analysed token stream (see :func:`encode_stream`).
STREAM_MARK = "\x1e"
_SEP = "\x1f"

#: Index-format version: bump when fields or their meaning change (forces a full rebuild).
INDEX_FORMAT = 5

#: The title's fields are the body's with this prefix.
TITLE_PREFIX = "title_"


class TokenStream(str):
    """An already analysed token stream as a Whoosh field value: a string (what Whoosh
    accepts) that carries the ``(term, position, start, end)`` items themselves, so the
    tokenizer reads them back without formatting and parsing text."""

    items: list[tuple[str, int, int, int]]

    def __new__(cls, items: Iterable[tuple[str, int, int, int]]) -> TokenStream:
        self = super().__new__(cls, STREAM_MARK)
        self.items = list(items)
        return self


class ColumnStream(TokenStream):
    """A :class:`TokenStream` given as columns: the distinct ``terms`` and, per item, the
    index of its term (``tids``), its position, start and end offset (numpy arrays, uint32 /
    intp). The archive's index writer reads the columns as they are
    (:meth:`archive.index.writer.PackedBuffer.add_columns`); ``items`` are made only when
    asked for, the same ``(term, position, start, end)`` items in the same order."""

    terms: list[str]
    tids: Any
    positions: Any
    starts: Any
    ends: Any

    def __new__(cls, terms: list[str], tids: Any, positions: Any, starts: Any,
                ends: Any) -> ColumnStream:
        self = str.__new__(cls, STREAM_MARK)
        self.terms, self.tids = terms, tids
        self.positions, self.starts, self.ends = positions, starts, ends
        return self

    @property  # type: ignore[override]
    def items(self) -> list[tuple[str, int, int, int]]:
        return list(zip(map(self.terms.__getitem__, self.tids.tolist()),
                        self.positions.tolist(), self.starts.tolist(), self.ends.tolist(),
                        strict=True))


def encode_stream(items: Iterable[tuple[str, int, int, int]]) -> TokenStream:
    """``(term, position, start, end)`` items as one value for a Whoosh field."""
    return TokenStream(items)


def root_stream(tokens: Iterable[Any]) -> Iterator[tuple[str, int, int, int]]:
    """``(term, position, start, end)`` of the root field: each token's root key, then, at the
    same position, ``ALT_MARK + alt`` for a name that is also a common word (``Token.alt``)."""
    for t in tokens:
        yield t.root, t.position, t.start, t.end
        if t.alt:
            yield ALT_MARK + t.alt, t.position, t.start, t.end


def decode_stream(value: str) -> Iterator[tuple[str, int, int, int]]:
    """The items of a stream made by :func:`encode_stream` (or of its serialised text)."""
    if isinstance(value, TokenStream):
        yield from value.items
        return
    body = value[len(STREAM_MARK):]
    if not body:
        return
    for line in body.split("\n"):
        term, pos, start, end = line.split(_SEP)
        yield term, int(pos), int(start), int(end)


class ArchiveTokenizer(Tokenizer):
    """Whoosh tokenizer over our :class:`~archive.analysis.Analyzer`.

    Index time: the value is a stream made by :func:`encode_stream` (tokens already analysed,
    entity-tagged and restricted to the article body). A plain string (e.g. from Whoosh's own
    query tools) is run through ``Analyzer()`` and the field's ``level`` attribute is used.
    """

    def __init__(self, level: str = "form") -> None:
        self.level = level

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ArchiveTokenizer) and other.level == self.level

    def __hash__(self) -> int:
        return hash(("ArchiveTokenizer", self.level))

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[WhooshToken]:
        if value.startswith(STREAM_MARK):
            items: Iterable[tuple[str, int, int, int]] = decode_stream(value)
        else:
            from archive.analysis import Analyzer

            attr = {"form": "normalized", "stem": "stem", "root": "root"}.get(self.level)
            items = (
                (getattr(t, attr) if attr else (t.entity or ""), t.position, t.start, t.end)
                for t in Analyzer().analyze(value)
            )
        t = WhooshToken(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for term, pos, start, end in items:
            if not term:
                continue
            t.text = term
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = term
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = start_char + start
                t.endchar = start_char + end
            yield t


class PackedPositions(Positions):
    """Whoosh's ``Positions`` format with a flat encoding: the value of a posting is the
    ``array("I")`` bytes of its positions in order (4 bytes each, native byte order, like the
    stored ``spans``), not a count and a pickled list of deltas. The index writer makes the
    values of a whole document from one array (a slice per term, no ``pickle.dumps`` per
    term) and a reader turns one back into a list in C (:func:`decode_packed_positions`);
    Whoosh's own readers and writer use the methods below, so a stock Whoosh still opens,
    writes and searches the index (phrase queries included)."""

    def encode(self, poslist: Iterable[int]) -> bytes:
        return array("I", poslist).tobytes()

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return decode_packed_positions(valuestring)

    def decode_frequency(self, valuestring: bytes) -> int:
        return len(valuestring) // 4


class PackedCharacters(Characters):
    """Whoosh's ``Characters`` format with a flat encoding: the ``array("I")`` bytes of each
    occurrence's position, start and end offset in order (12 bytes an occurrence; see
    :class:`PackedPositions`)."""

    def encode(self, poslist: Iterable[tuple[int, int, int]]) -> bytes:
        return array("I", chain.from_iterable(poslist)).tobytes()

    def decode_characters(self, valuestring: bytes) -> list[tuple[int, int, int]]:
        return decode_packed_characters(valuestring)

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return decode_packed_characters_positions(valuestring)

    def decode_frequency(self, valuestring: bytes) -> int:
        return len(valuestring) // 12

    def combine(self, vs: Iterable[bytes]) -> bytes:
        # Whoosh's Characters.combine indexes ``pos[s]`` (a bug); the same merge, working
        s: dict[int, tuple[int, int]] = {}
        for v in vs:
            for pos, sc, ec in self.decode_characters(v):
                old = s.get(pos)
                s[pos] = (sc, ec) if old is None else (min(sc, old[0]), max(ec, old[1]))
        return self.encode((pos, *s[pos]) for pos in sorted(s))


def decode_packed_positions(value: bytes) -> list[int]:
    """The positions of one posting of a :class:`PackedPositions` field."""
    return array("I", value).tolist()


def decode_packed_characters(value: bytes) -> list[tuple[int, int, int]]:
    """``[(position, start, end)]`` of one posting of a :class:`PackedCharacters` field."""
    a = array("I", value)
    return list(zip(a[0::3], a[1::3], a[2::3], strict=True))


def decode_packed_characters_positions(value: bytes) -> list[int]:
    """The positions of one posting of a :class:`PackedCharacters` field."""
    return array("I", value)[0::3].tolist()


#: The levels whose fields keep character offsets (see the module docstring).
CHARS_LEVELS = frozenset({"form", "entity"})


def make_schema() -> Schema:
    def words(level: str) -> TEXT:
        field = TEXT(analyzer=ArchiveTokenizer(level), phrase=True,
                     chars=level in CHARS_LEVELS)
        boost = field.format.field_boost
        field.format = (PackedCharacters(field_boost=boost) if level in CHARS_LEVELS
                        else PackedPositions(field_boost=boost))
        return field

    return Schema(
        id=ID(stored=True, unique=True),
        form=words("form"),
        stem=words("stem"),
        root=words("root"),
        entity=words("entity"),
        title_form=words("form"),
        title_stem=words("stem"),
        title_root=words("root"),
        title_entity=words("entity"),
        path=STORED,
        title=STORED,
        date=STORED,
        source=STORED,
        places=STORED,
        actors=STORED,
        hash=STORED,
        text=STORED,
        spans=STORED,
        length=STORED,
    )
