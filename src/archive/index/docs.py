"""What the index keeps of one analysed article."""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from archive import native
from archive.analysis.morphology import ALT_MARK
from archive.index.schema import ColumnStream, encode_stream, root_stream

#: ColumnDoc.feature_counts's loop in C (archive/index/_cpostings.c) where it can be used
#: (:mod:`archive.native`), else None: the Python there is its twin.
_cpostings = native.module("archive.index._cpostings")

if TYPE_CHECKING:
    from archive.analysis import Analyzer, Token
    from archive.index.columns import ArticleColumns
    from archive.pipeline import AnalyzedArticle


@dataclass(slots=True)
class _Stored:
    """What the index stores of an article besides its fields: metadata and text."""

    id: str
    path: str
    title: str
    date: str | None
    source: str | None
    places: list[str]
    actors: list[str]
    content_hash: str
    text: str


@dataclass(slots=True)
class IndexDoc(_Stored):
    """One article as the index stores it: metadata, text, body tokens and entity mentions."""

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
        return _fields(self, encode_stream(map(_FORM, toks)), encode_stream(map(_STEM, toks)),
                       encode_stream(_roots(toks)), body_spans(toks), len(toks))


def _fields(doc: IndexDoc | ColumnDoc, form: Any, stem: Any, root: Any, spans: Any,
            length: int) -> dict[str, Any]:
    """``IndexWriter.add_document``'s keyword arguments for ``doc``, given its body fields."""
    tt = doc.title_tokens
    return {
        "id": doc.id,
        "form": form,
        "stem": stem,
        "root": root,
        "entity": encode_stream(doc.entities),
        "title_form": encode_stream(map(_FORM, tt)),
        "title_stem": encode_stream(map(_STEM, tt)),
        "title_root": encode_stream(_roots(tt)),
        "title_entity": encode_stream(doc.title_entities),
        "path": doc.path,
        "title": doc.title,
        "date": doc.date,
        "source": doc.source,
        "places": list(doc.places),
        "actors": list(doc.actors),
        "hash": doc.content_hash,
        "text": doc.text,
        "spans": spans,
        "length": length,
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


@dataclass(slots=True)
class ColumnDoc(_Stored):
    """:class:`IndexDoc` of an article read from its analysis record as columns
    (:func:`archive.index.columns.article_columns`): the same fields for ``add_document``, its body
    fields as :class:`~archive.index.schema.ColumnStream` (numpy arrays made per article, not a
    Token and three item tuples per body token), and its related-articles features."""

    form: ColumnStream
    stem: ColumnStream
    root: ColumnStream
    entities: list[tuple[str, int, int, int]]
    title_tokens: list[Token]
    title_entities: list[tuple[str, int, int, int]]
    spans: bytes
    length: int

    @classmethod
    def from_columns(cls, c: ArticleColumns) -> ColumnDoc:
        import numpy as np

        words = c.words
        norm, stems, roots, alts = words[1::5], words[2::5], words[3::5], words[4::5]
        ids = np.frombuffer(c.ids, dtype=np.uint32).astype(np.intp)
        n = len(ids)
        # a gazetteer name's tokens have stem = root = the name's core: an entry of their own
        for i, _, core in c.names:
            v = ids[i]
            ids[i] = len(norm)
            norm.append(norm[v])
            stems.append(core)
            roots.append(core)
            alts.append(alts[v])
        # the body's tokens, in the order Analysis.article gives them
        if c.runs == [(0, n)]:
            pos = np.arange(n, dtype=np.intp)
        elif c.runs:
            pos = np.concatenate([np.arange(i, j, dtype=np.intp) for i, j in c.runs])
        else:
            pos = np.zeros(0, dtype=np.intp)
        vids = ids[pos]
        starts = np.frombuffer(c.starts, dtype=np.uint32)[pos]
        ends = np.frombuffer(c.ends, dtype=np.uint32)[pos]
        upos = pos.astype(np.uint32)
        form = ColumnStream(norm, vids, upos, starts, ends)
        stem = ColumnStream(stems, vids, upos, starts, ends)
        # root_stream: each token's root, then, at its position, ALT_MARK + its alternative
        has_alt = np.fromiter(map(bool, alts), dtype=bool, count=len(alts))
        at = np.flatnonzero(has_alt[vids]) if len(vids) else np.zeros(0, dtype=np.intp)
        if len(at):
            k = len(roots)
            # each token's place: after the tokens and alternatives before it (the
            # alternative right after its token: what a stable sort of 2 * i and 2 * at + 1
            # gives, without the sort)
            place = np.arange(len(vids), dtype=np.intp)
            place[at[0] + 1:] += np.cumsum(np.bincount(at, minlength=len(vids)))[at[0]:-1]
            alt = place[at] + 1

            def merged(base: np.ndarray, extra: np.ndarray) -> np.ndarray:
                out = np.empty(len(base) + len(extra), dtype=base.dtype)
                out[place] = base
                out[alt] = extra
                return out

            root = ColumnStream(roots + [ALT_MARK + a if a else "" for a in alts],
                                merged(vids, vids[at] + k), merged(upos, upos[at]),
                                merged(starts, starts[at]), merged(ends, ends[at]))
        else:
            root = ColumnStream(roots, vids, upos, starts, ends)
        # mention_spans: each mention that starts at a body token (the body's starts
        # ascend: found by a binary search, not a dict of every token's start)
        s = c.summary
        entities = []
        if s.mentions and len(pos):
            at = np.searchsorted(starts, [m.start for m in s.mentions], side="right") - 1
            for m, k in zip(s.mentions, at.tolist(), strict=True):
                if k >= 0 and starts[k] == m.start:
                    entities.append((m.entity, int(pos[k]), m.start, m.end))
        # body_spans
        if len(pos):
            spans = np.zeros(2 * (int(pos[-1]) + 1), dtype=np.uint32)
            spans[2 * pos] = starts
            spans[2 * pos + 1] = ends
            span_bytes = spans.tobytes()
        else:
            span_bytes = b""
        art = c.article
        return cls(
            id=art.id, path=art.path, title=art.title, date=art.date, source=art.source,
            places=list(s.places), actors=list(s.actors), content_hash=art.content_hash,
            text=art.text[:1] + art.text[1:],  # a copy: see IndexDoc.from_analyzed
            form=form, stem=stem, root=root, entities=entities,
            title_tokens=c.title_tokens, title_entities=list(c.title_entities),
            spans=span_bytes, length=len(pos),
        )

    def fields(self) -> dict[str, Any]:
        """:meth:`IndexDoc.fields` of the same article."""
        return _fields(self, self.form, self.stem, self.root, self.spans, self.length)

    def feature_counts(self) -> dict[str, int]:
        """The related-articles features of this article: what
        :func:`archive.index.related.features_of` gives for its root and entity items."""
        import numpy as np

        root = self.root
        counts: dict[str, int] = {}
        if len(root.tids) and (_cpostings is None  # in C (its twin: the lines below)
                               or _cpostings.entry_counts(counts, root.terms, root.tids) is None):
            got = counts.get
            tfs = np.bincount(root.tids)
            used = np.flatnonzero(tfs)
            # entries of one root (forms of a word) add up
            for term, k in zip(map(root.terms.__getitem__, used.tolist()), tfs[used].tolist(),
                               strict=True):
                counts[term] = got(term, 0) + k
        for key, _, _, _ in self.entities:
            if key:
                name = "@" + key
                counts[name] = counts.get(name, 0) + 1
        counts.pop("", None)
        return counts
