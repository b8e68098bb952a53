"""What the index keeps of one analysed article."""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from archive.index.schema import encode_stream, root_stream

if TYPE_CHECKING:
    from archive.analysis import Analyzer, Token
    from archive.pipeline import AnalyzedArticle


@dataclass(slots=True)
class IndexDoc:
    """One article as the index stores it: metadata, text, body tokens and entity mentions."""

    id: str
    path: str
    title: str
    date: str | None
    source: str | None
    places: list[str]
    actors: list[str]
    content_hash: str
    text: str
    tokens: list[Token]  # body tokens, entity-tagged
    entities: list[tuple[str, int, int, int]]  # (entity key, position, start, end) in the body
    title_tokens: list[Token] = field(default_factory=list)  # offsets into ``title``
    title_entities: list[tuple[str, int, int, int]] = field(default_factory=list)

    @classmethod
    def from_analyzed(cls, aa: AnalyzedArticle, analyzer: Analyzer | None = None) -> IndexDoc:
        """The title's tokens are those the analysis made with the body's
        (``aa.title_tokens``); only an article that carries none (assembled by hand) has its
        title read here, by ``analyzer`` (with the gazetteer's matcher; default: no names)."""
        art = aa.article
        if aa.title_tokens is not None:
            title_tokens, title_entities = aa.title_tokens, list(aa.title_entities)
        else:
            from archive.analysis import Analyzer

            title_tokens, matches = (analyzer or Analyzer()).analyze_with_matches(
                art.title or "")
            title_entities = [(m.entity, m.first, title_tokens[m.first].start,
                               title_tokens[m.last].end) for m in matches]
        return cls(
            id=art.id,
            path=art.path,
            title=art.title,
            date=art.date,
            source=art.source,
            places=list(aa.places),
            actors=list(aa.actors),
            content_hash=art.content_hash,
            # a copy, dropped with this document: the search index and the browser data
            # pickle the text, and pickling a ``str`` makes CPython keep a UTF-8 copy inside
            # it for as long as it lives; the article's own text lives on to the end of the
            # build (that copy: 6 KB an article, ~180 MB at 29,904)
            text=art.text[:1] + art.text[1:],
            tokens=list(aa.body_tokens),
            entities=mention_spans(aa),
            title_tokens=title_tokens,
            title_entities=title_entities,
        )

    def fields(self) -> dict[str, Any]:
        """Keyword arguments for ``IndexWriter.add_document``."""
        toks = self.tokens
        tt = self.title_tokens
        return {
            "id": self.id,
            "form": encode_stream(map(_FORM, toks)),
            "stem": encode_stream(map(_STEM, toks)),
            "root": encode_stream(_roots(toks)),
            "entity": encode_stream(self.entities),
            "title_form": encode_stream(map(_FORM, tt)),
            "title_stem": encode_stream(map(_STEM, tt)),
            "title_root": encode_stream(_roots(tt)),
            "title_entity": encode_stream(self.title_entities),
            "path": self.path,
            "title": self.title,
            "date": self.date,
            "source": self.source,
            "places": list(self.places),
            "actors": list(self.actors),
            "hash": self.content_hash,
            "text": self.text,
            "spans": body_spans(toks),
            "length": len(toks),
        }


_START = itemgetter(1)
_END = itemgetter(2)
#: ``(term, position, start, end)`` of a Token (a named tuple: form, start, end, position,
#: normalized, stem, root, entity, alt) for the form, stem and root fields, made in C
_FORM = itemgetter(4, 3, 1, 2)
_STEM = itemgetter(5, 3, 1, 2)
_ROOT = itemgetter(6, 3, 1, 2)
_ALT = itemgetter(8)


def _roots(tokens: list[Token]) -> Iterable[tuple[str, int, int, int]]:
    """:func:`~archive.index.schema.root_stream` of ``tokens``, made in C when none has an
    alternative root (most articles)."""
    return root_stream(tokens) if any(map(_ALT, tokens)) else map(_ROOT, tokens)


def body_spans(tokens: list[Token]) -> bytes:
    """The stored ``spans`` of an article: ``array("I")`` bytes of the start and end offset of
    each body token by position (``2 * position`` and the next), zeros at a position that is
    not in the body (``tokens``: the body's, in position order)."""
    if not tokens:
        return b""
    n = tokens[-1].position + 1
    out = array("I", bytes(8 * n))
    if n == len(tokens):  # positions 0 .. n - 1 (no boilerplate before or between)
        out[0::2] = array("I", map(_START, tokens))
        out[1::2] = array("I", map(_END, tokens))
    else:
        for t in tokens:
            out[2 * t.position] = t.start
            out[2 * t.position + 1] = t.end
    return out.tobytes()


def mention_spans(aa: AnalyzedArticle) -> list[tuple[str, int, int, int]]:
    """``(key, position, start, end)`` of each entity mention that starts in the body."""
    position = {t.start: t.position for t in aa.body_tokens}
    return [
        (m.entity, position[m.start], m.start, m.end) for m in aa.mentions if m.start in position
    ]
