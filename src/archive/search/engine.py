"""Run a parsed query against the index: matching, scoring, filters, snippets.

The matching and ranking rule is written in :mod:`archive.search.query`; this module computes
it from the Whoosh postings (positions, and character offsets where a field keeps them) of the
four fields.
"""

from __future__ import annotations

import gc
import heapq
import math
import time
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.index import EmptyIndexError

from archive.analysis import Analyzer, normalize
from archive.analysis.morphology import ALT_MARK
from archive.analysis.tokenize import token_columns
from archive.config import Paths
from archive.index.build import (
    Manifest,
    current_generation,
    hold_generation,
    read_manifest,
    release_generation,
)
from archive.index.schema import (
    TITLE_PREFIX,
    PackedCharacters,
    PackedPositions,
    decode_packed_characters,
    decode_packed_characters_positions,
    decode_packed_positions,
)
from archive.search import ids_cache, postings
from archive.search.query import (
    EXACT,
    LEVEL_FIELD,
    LEVEL_NAME,
    MODE_LEVELS,
    NEAR,
    NEAR_TIER,
    NEAR_WEIGHT,
    PHRASE_TIER,
    PROXIMITY_NAME,
    ROOT,
    And,
    Entity,
    Node,
    Not,
    Or,
    Phrase,
    QueryError,
    Root,
    Term,
    parse,
)

Occ = tuple[int, int, int]  # (position, start, end)
SNIPPET_CHARS = 220
MARK_OPEN, MARK_CLOSE = "⟦", "⟧"


class NoIndexError(RuntimeError):
    """There is no index to read yet."""


@dataclass(slots=True)
class _Hit:
    score: float
    spans: list[tuple[int, int]] = field(default_factory=list)  # body phrase spans, known already
    sources: list[tuple[str, str]] = field(default_factory=list)  # (field, term) matched
    title_spans: list[tuple[int, int]] = field(default_factory=list)  # title phrase spans
    levels: list[tuple[str, int]] = field(default_factory=list)  # (clause as typed, level)
    near: int = 0  # proximity tier of the query's runs of words (see query.py)
    # (field, terms) of phrases matched: their spans are found for the results shown only
    phrases: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)


Hits = dict[int, _Hit]
Within = set[int] | None
META = "docs.json"
#: At most this many documents' positions are looked up one by one in a term's postings.
_FEW = 64


class IndexView:
    """One generation of the index, opened for reading."""

    def __init__(self, gen: Path) -> None:
        self.gen = gen
        # held until close: an update does not remove a generation that is being read
        self._hold = hold_generation(gen)
        try:
            self.ix = whoosh_index.open_dir(str(gen))
        except BaseException:
            release_generation(self._hold)
            raise
        try:
            self._open(gen)
        except BaseException:
            self.close()
            raise

    def _open(self, gen: Path) -> None:
        self.reader = self.ix.reader()
        self._stored: dict[int, dict[str, Any]] = {}
        self._meta: dict[int, dict[str, Any]] | None = None
        self._ids: dict[int, str] | None = None
        self._cache: ids_cache.Cached | None = ids_cache.load(gen)
        if self._cache is not None:
            self._ids = self._cache.ids
        else:
            self._load_meta()
        # the live documents (docs.json lists exactly those; asking Whoosh is slower)
        known = self._ids if self._ids is not None else self._meta
        self.docnums: list[int] = (sorted(known) if known is not None
                                   else list(self.reader.all_doc_ids()))
        self.n = len(self.docnums)
        self._freqs: dict[tuple[str, str], dict[int, int]] = {}
        # (docnum, weight, encoded value) in docnum order, and by docnum once many are asked
        self._rows: dict[tuple[str, str], list[tuple[int, float, Any]]] = {}
        self._values: dict[tuple[str, str], dict[int, Any]] = {}
        self._decoders: dict[str, Any] = {}
        self._position_decoders: dict[str, Any] = {}
        self._chars: dict[str, bool] = {}
        self._token_spans: dict[tuple[int, bool], array[int]] = {}

    @property
    def manifest(self) -> Manifest | None:
        """What this generation was built from (read on demand: it lists every file)."""
        return read_manifest(self.gen)

    def close(self) -> None:
        try:
            if hasattr(self, "reader"):
                self.reader.close()
            self.ix.close()
        finally:
            release_generation(self._hold)

    def stored(self, docnum: int) -> dict[str, Any]:
        """Every stored field, the article text included."""
        if docnum not in self._stored:
            self._stored[docnum] = self.reader.stored_fields(docnum)
        return self._stored[docnum]

    def _load_meta(self) -> None:
        """docs.json (or the cached copy of it), and the cache written when it is missing."""
        if self._cache is not None:
            self._meta = self._cache.meta()
            return
        key, meta = ids_cache.read_meta(self.gen)
        if meta is None:
            return
        self._meta = meta
        self._ids = {num: m["id"] for num, m in meta.items()}
        ids_cache.save(self.gen, key, meta)

    def doc_id(self, docnum: int) -> str:
        """The article id of a document (what ordering needs)."""
        if self._ids is not None and docnum in self._ids:
            return self._ids[docnum]
        return str(self.meta(docnum)["id"])

    def meta(self, docnum: int) -> dict[str, Any]:
        """id, date, source, places, actors (what filters and ordering need)."""
        if self._meta is None and self._cache is not None:
            self._load_meta()
        if self._meta is not None and docnum in self._meta:
            return self._meta[docnum]
        return self.stored(docnum)

    def freqs(self, fieldname: str, term: str) -> dict[int, int]:
        """``{docnum: occurrences}`` of a term (live documents only)."""
        key = (fieldname, term)
        if key not in self._freqs:
            self._read(key)
        return self._freqs[key]

    def _read(self, key: tuple[str, str]) -> None:
        """One pass over a term's postings: frequencies and encoded values (the blocks hold
        both; the values are decoded only for the documents asked for)."""
        rows = postings.read(self.reader, key[0], key[1], values=True)
        self._freqs[key] = {d: int(w) for d, w, _ in rows}
        self._rows[key] = rows

    def _encoded(self, key: tuple[str, str], only: set[int] | None) -> dict[int, Any]:
        """``{docnum: encoded value}`` of a term for the docs in ``only`` that hold it, in
        docnum order. A few docs (the spans of the results shown) are looked up in the
        sorted postings; more make a table of them all, kept for the next call."""
        if key not in self._rows:
            self._read(key)
        rows = self._rows[key]
        values = self._values.get(key)
        if values is None and only is not None and len(only) <= _FEW:
            found: dict[int, Any] = {}
            for d in sorted(only):
                i = bisect_left(rows, (d,))  # (d,) sorts before every (d, weight, value)
                if i < len(rows) and rows[i][0] == d:
                    found[d] = rows[i][2]
            return found
        if values is None:
            values = self._values[key] = {d: v for d, _, v in rows}
        # in docnum order, as the postings are
        if only is None:
            return values
        if len(only) < len(values):
            return {d: values[d] for d in sorted(d for d in only if d in values)}
        return {d: v for d, v in values.items() if d in only}

    def postings(self, fieldname: str, term: str, only: set[int] | None = None
                 ) -> dict[int, list[Occ]]:
        """``{docnum: [(position, start, end), ...]}`` of a term, for the docs in ``only``.
        A field without character offsets (stem, root: see :mod:`archive.index.schema`) gives
        each position the offsets of the stored text's token there (:meth:`token_spans`)."""
        encoded = self._encoded((fieldname, term), only)
        if self._has_chars(fieldname):
            decode = self._decoder(fieldname)
            return {d: sorted(decode(v)) for d, v in encoded.items()}
        decode = self.position_decoder(fieldname)
        title = fieldname.startswith(TITLE_PREFIX)
        out: dict[int, list[Occ]] = {}
        for d, v in encoded.items():
            spans = self.token_spans(d, title)
            out[d] = [(p, spans[2 * p], spans[2 * p + 1]) for p in sorted(decode(v))]
        return out

    def token_spans(self, docnum: int, title: bool = False) -> Sequence[int]:
        """The start and end offset of each token of a document's text (or title) by position
        (``2 * position`` and the next): the body's from its stored ``spans``
        (:func:`archive.index.docs.body_spans`), the title's from the analyzer's tokenizer
        over the stored title (the tokens the index was made from: a change to the tokenizer
        changes the index's code fingerprint, hence a rebuild)."""
        key = (docnum, title)
        spans = self._token_spans.get(key)
        if spans is None:
            stored = self.stored(docnum)
            spans = array("I")
            if title:
                _, starts, ends = token_columns(stored.get("title") or "")
                for start, end in zip(starts, ends, strict=True):
                    spans.extend((start, end))
            else:
                spans.frombytes(stored.get("spans") or b"")
            self._token_spans[key] = spans
        return spans

    def _has_chars(self, fieldname: str) -> bool:
        has = self._chars.get(fieldname)
        if has is None:
            fmt = self.reader.schema[fieldname].format
            has = self._chars[fieldname] = fmt.supports("characters")
        return has

    def positions(self, fieldname: str, term: str, only: set[int] | None = None
                  ) -> dict[int, list[int]]:
        """``{docnum: [position, ...]}`` of a term (sorted), for the docs in ``only``: what
        :meth:`postings` gives without the character offsets."""
        decode = self.position_decoder(fieldname)
        return {d: sorted(decode(v)) for d, v in self._encoded((fieldname, term), only).items()}

    def encoded(self, fieldname: str, term: str, only: set[int] | None = None
                ) -> dict[int, Any]:
        """``{docnum: encoded value}`` of a term for the docs in ``only`` (decode it with
        :meth:`position_decoder`)."""
        return self._encoded((fieldname, term), only)

    def position_decoder(self, fieldname: str) -> Callable[[Any], list[int]]:
        """The field's decoder of an encoded value into its positions (as stored)."""
        if fieldname not in self._position_decoders:
            fmt = self.reader.schema[fieldname].format
            self._position_decoders[fieldname] = (
                decode_packed_characters_positions if type(fmt) is PackedCharacters
                else decode_packed_positions if type(fmt) is PackedPositions
                else fmt.decoder("positions"))
        return self._position_decoders[fieldname]

    def _decoder(self, fieldname: str) -> Any:
        if fieldname not in self._decoders:
            fmt = self.reader.schema[fieldname].format
            self._decoders[fieldname] = (decode_packed_characters
                                         if type(fmt) is PackedCharacters
                                         else fmt.decoder("characters"))
        return self._decoders[fieldname]

    def spans(self, fieldname: str, term: str, docnum: int) -> list[tuple[int, int]]:
        """Character spans of a term in one document."""
        return [(s, e) for _, s, e in self.postings(fieldname, term, {docnum}).get(docnum, [])]

    def all_ids(self) -> dict[int, str]:
        return {num: self.doc_id(num) for num in self.docnums}


@contextmanager
def open_view(paths: Paths) -> Iterator[IndexView]:
    """Open the live generation. Retries if an update replaced it in the meantime."""
    last: Exception | None = None
    for _ in range(5):
        gen = current_generation(paths)
        if gen is None:
            raise NoIndexError("no search index yet: run `archive index`")
        try:
            view = IndexView(gen)
        except (OSError, EmptyIndexError) as exc:  # pruned between resolve and open
            last = exc
            time.sleep(0.05)
            continue
        try:
            yield view
        finally:
            view.close()
        return
    raise NoIndexError(f"could not open the search index: {last}")


# --------------------------------------------------------------------------- evaluation


def _fraction(tf: int, df: int, n: int) -> float:
    idf = math.log(1 + n / df)
    return tf / (tf + 1) * idf / (idf + 1)


def _weight(tf: int, df: int, n: int, in_title: bool) -> float:
    """The part of a clause's score below its level: half for a title match, half tf·idf."""
    return ((1.0 if in_title else 0.0) + _fraction(tf, df, n)) / 2


def _level_hits(view: IndexView, per_level: list[tuple[int, str, str]], text: str,
                within: Within = None) -> Hits:
    """Score one clause from ``[(level, field, term)]`` (best level first), in the body field
    and its title field (``title_`` + field); only documents in ``within`` (when given) get a
    hit, but the counts (df) take every document."""
    hits: Hits = {}
    for level, fieldname, term in per_level:
        body = view.freqs(fieldname, term)
        title = view.freqs(TITLE_PREFIX + fieldname, term)
        docs = body.keys() | title.keys()
        df = len(docs)
        if within is not None:
            docs &= within
        source = [(fieldname, term), (TITLE_PREFIX + fieldname, term)]
        label = [(text, level)]
        scores: dict[tuple[int, bool], float] = {}  # by (tf, in title): few distinct ones
        for doc in docs:
            if doc in hits:
                continue
            tf = body.get(doc, 0) + title.get(doc, 0)
            in_title = doc in title
            score = scores.get((tf, in_title))
            if score is None:
                score = scores[tf, in_title] = level + _weight(tf, df, view.n, in_title)
            hits[doc] = _Hit(score, [], source, [], label)
    return hits


def _term(view: IndexView, node: Term, levels: tuple[int, ...], within: Within = None) -> Hits:
    return _level_hits(view, [(lv, LEVEL_FIELD[lv], node.word.at(lv)) for lv in levels],
                       node.word.text, within)


def phrase_occurrences(view: IndexView, fieldname: str, terms: list[str],
                       skip: set[int] | dict[int, Any] | None = None,
                       only: set[int] | None = None,
                       ) -> dict[int, list[tuple[int, int, int]]]:
    """``{doc: [(position, start, end)]}`` of the terms at consecutive positions (documents in
    ``skip`` are not looked at; when ``only`` is given, only those are)."""
    freqs = [view.freqs(fieldname, t) for t in terms]
    docs = set(freqs[0]).intersection(*freqs[1:])
    if skip:
        docs.difference_update(skip)
    if only is not None:
        docs &= only
    if not docs:
        return {}
    posts = [view.postings(fieldname, t, only=docs) for t in terms]
    out: dict[int, list[tuple[int, int, int]]] = {}
    for doc in sorted(docs):
        following = [{pos: (s, e) for pos, s, e in p[doc]} for p in posts[1:]]
        for pos, s, _ in posts[0][doc]:
            ends = [f.get(pos + k + 1) for k, f in enumerate(following)]
            if all(ends):
                out.setdefault(doc, []).append((pos, s, ends[-1][1]))  # type: ignore[index]
    return out


def phrase_counts(view: IndexView, fieldname: str, terms: list[str]) -> dict[int, int]:
    """``{doc: how many times}`` the terms stand at consecutive positions: what
    :func:`phrase_occurrences` finds, counted from positions alone (no character offsets).

    Per document, the positions of the i-th term less i are intersected as sets, the terms
    rarest in that document first, stopping at the first empty intersection (the later terms
    are then not decoded); the count is the number of the first term's positions (each as
    often as it is stored) in the intersection."""
    freqs = [view.freqs(fieldname, t) for t in terms]
    docs = set(freqs[0]).intersection(*freqs[1:])
    if not docs:
        return {}
    decode = view.position_decoder(fieldname)
    values = [view.encoded(fieldname, t, only=docs) for t in terms]
    order = range(len(terms))
    out: dict[int, int] = {}
    for doc in sorted(docs):
        first: list[int] = []
        repeated = False  # a position stored twice for the first term
        common: set[int] | None = None
        for i in sorted(order, key=lambda i: freqs[i][doc]):
            positions = decode(values[i][doc])
            if i:
                shifted = {p - i for p in positions}
            else:
                first, shifted = positions, set(positions)
                repeated = len(shifted) != len(positions)
            common = shifted if common is None else common & shifted
            if not common:
                break
        if common:
            out[doc] = (sum(1 for p in first if p in common) if repeated
                        else len(common))
    return out


def _phrase(view: IndexView, node: Phrase, levels: tuple[int, ...],
            within: Within = None) -> Hits:
    hits: Hits = {}
    for level in levels:
        # every level is read in full: df counts all articles with the phrase at that level
        terms = [w.at(level) for w in node.words]
        fields = LEVEL_FIELD[level], TITLE_PREFIX + LEVEL_FIELD[level]
        body = phrase_counts(view, fields[0], terms)
        title = phrase_counts(view, fields[1], terms)
        docs = body.keys() | title.keys()
        df = len(docs)
        if within is not None:
            docs &= within
        found = [(f, tuple(terms)) for f in fields]
        for doc in docs:
            if doc in hits:
                continue
            tf, in_title = body.get(doc, 0) + title.get(doc, 0), doc in title
            hits[doc] = _Hit(level + _weight(tf, df, view.n, in_title), [], [], [],
                             [(node.text, level)], phrases=found)
    return hits


def proximity(lists: list[list[int]]) -> int:
    """How close words stand, given each word's positions in one field (query order):
    2 when they stand side by side in query order somewhere (positions p, p+1, …), 1 when one
    position of each lies within :data:`NEAR` words (largest − smallest < NEAR), else 0."""
    if not lists or any(not positions for positions in lists):
        return 0
    rest = [set(positions) for positions in lists[1:]]
    for p in lists[0]:
        if all(p + k + 1 in later for k, later in enumerate(rest)):
            return PHRASE_TIER
    events = sorted((p, i) for i, positions in enumerate(lists) for p in positions)
    count = [0] * len(lists)
    covered = lo = 0
    for p, i in events:
        if count[i] == 0:
            covered += 1
        count[i] += 1
        while covered == len(lists):
            if p - events[lo][0] < NEAR:
                return NEAR_TIER
            j = events[lo][1]
            count[j] -= 1
            if count[j] == 0:
                covered -= 1
            lo += 1
    return 0


def word_runs(items: tuple[Node, ...]) -> list[list[Term]]:
    """Runs of two or more words standing next to each other in an AND (query order)."""
    runs: list[list[Term]] = []
    run: list[Term] = []
    for item in (*items, None):
        if isinstance(item, Term):
            run.append(item)
            continue
        if len(run) > 1:
            runs.append(run)
        run = []
    return runs


def _positions(view: IndexView, term: Term, levels: tuple[int, ...], prefix: str,
               docs: set[int]) -> dict[int, list[int]]:
    """Sorted positions of a word at any allowed level, per document in ``docs``."""
    out: dict[int, set[int]] = {}
    for lv in levels:
        for doc, ps in view.positions(prefix + LEVEL_FIELD[lv], term.word.at(lv),
                                      only=docs).items():
            out.setdefault(doc, set()).update(ps)
    return {doc: sorted(ps) for doc, ps in out.items()}


def _proximity_bonus(view: IndexView, node: And, levels: tuple[int, ...], hits: Hits) -> None:
    """Add to each hit the proximity bonus of the AND's runs of words (rule in query.py)."""
    docs = set(hits)
    for run in word_runs(node.items):
        per_field = [[_positions(view, t, levels, prefix, docs) for t in run]
                     for prefix in ("", TITLE_PREFIX)]
        for doc, hit in hits.items():
            tier = max(proximity([w.get(doc, []) for w in words]) for words in per_field)
            if tier:
                hit.score += tier * NEAR_WEIGHT * len(run)
                hit.near = max(hit.near, tier)


def max_bonus(node: Node) -> float:
    """The largest proximity bonus an AND can add to one article's score."""
    if not isinstance(node, And):
        return 0.0
    return float(sum(PHRASE_TIER * NEAR_WEIGHT * len(run) for run in word_runs(node.items)))


#: Scores are compared after rounding to 6 decimals: a margin far above that rounding.
_MARGIN = 1e-5


def top_with_proximity(view: IndexView, node: And, levels: tuple[int, ...],
                       rows: list[tuple[int, str, _Hit]], limit: int) -> None:
    """Add the proximity bonus (:func:`_proximity_bonus`) to the hits that can still rank in
    the first ``limit`` once it is added; ``rows``: ``(doc, id, hit)`` holding scores without
    the bonus. A hit left without its bonus scores below the ``limit`` best with theirs, so
    the first ``limit`` (and their order) are those of adding the bonus to every hit.

    The hits are taken by falling score in growing batches; the limit-th best final score so
    far is a lower bound of the true one, and a hit whose score plus the largest bonus stays
    below it cannot enter."""
    bound = max_bonus(node)
    order = sorted(rows, key=lambda r: (-r[2].score, r[1]))
    done = 0
    best: list[float] = []  # final scores of the hits done so far, highest first
    batch = max(limit, 32)
    while done < len(order):
        if len(best) >= limit and order[done][2].score + bound < best[limit - 1] - _MARGIN:
            return
        chunk = order[done:done + batch]
        _proximity_bonus(view, node, levels, {doc: hit for doc, _, hit in chunk})
        done += len(chunk)
        best = sorted([*best, *(hit.score for _, _, hit in chunk)], reverse=True)[:limit]
        batch *= 2


def _merge(hits: list[_Hit]) -> _Hit:
    score = 0.0
    for h in hits:
        score += h.score
    return _Hit(score, [s for h in hits for s in h.spans], [s for h in hits for s in h.sources],
                [s for h in hits for s in h.title_spans], [lv for h in hits for lv in h.levels],
                max((h.near for h in hits), default=0), [p for h in hits for p in h.phrases])


def _term_docs(view: IndexView, fieldname: str, term: str) -> set[int]:
    return view.freqs(fieldname, term).keys() | view.freqs(TITLE_PREFIX + fieldname, term).keys()


def candidates(view: IndexView, node: Node, mode: str = "root") -> set[int] | None:
    """A superset of the articles ``node`` matches, from document frequencies only (no hit
    made, no position read), or None when it is not bounded (a NOT)."""
    levels = MODE_LEVELS[mode]
    if isinstance(node, Term):
        return set().union(*(_term_docs(view, LEVEL_FIELD[lv], node.word.at(lv))
                             for lv in levels))
    if isinstance(node, Phrase):
        out: set[int] = set()
        for lv in levels:
            for prefix in ("", TITLE_PREFIX):
                freqs = [view.freqs(prefix + LEVEL_FIELD[lv], w.at(lv)) for w in node.words]
                out |= set(freqs[0]).intersection(*freqs[1:])
        return out
    if isinstance(node, Root):
        return (_term_docs(view, LEVEL_FIELD[ROOT], node.root)
                | _term_docs(view, LEVEL_FIELD[ROOT], ALT_MARK + node.root))
    if isinstance(node, Entity):
        return _term_docs(view, "entity", node.key)
    if isinstance(node, Or):
        parts = [candidates(view, i, mode) for i in node.items]
        return None if any(p is None for p in parts) else set().union(*parts)  # type: ignore[arg-type]
    if isinstance(node, And):
        bound: set[int] | None = None
        for item in node.items:
            part = candidates(view, item, mode)
            if part is not None:
                bound = part if bound is None else bound & part
        return bound
    return None


def evaluate(view: IndexView, node: Node, mode: str = "root", *, within: Within = None,
             proximity: bool = True) -> Hits:
    """Matching articles (Whoosh doc numbers) with scores and matched character spans.

    ``within``: only these articles are wanted (the others may be left out; scores and counts
    are those of the whole index). ``proximity=False``: a top-level AND leaves out the
    proximity bonus (:func:`top_with_proximity` adds it where it matters)."""
    levels = MODE_LEVELS[mode]
    if isinstance(node, Term):
        return _term(view, node, levels, within)
    if isinstance(node, Phrase):
        return _phrase(view, node, levels, within)
    if isinstance(node, Root):
        # the root's words, then names whose common reading has this root (ALT_MARK terms)
        return _level_hits(view, [(ROOT, LEVEL_FIELD[ROOT], node.root),
                                  (ROOT, LEVEL_FIELD[ROOT], ALT_MARK + node.root)], node.text,
                           within)
    if isinstance(node, Entity):
        return _level_hits(view, [(EXACT, "entity", node.key)], node.text, within)
    if isinstance(node, Not):
        excluded = evaluate(view, node.item, mode, within=within)
        return {d: _Hit(0.0) for d in view.docnums
                if d not in excluded and (within is None or d in within)}
    if isinstance(node, Or):
        found: dict[int, list[_Hit]] = {}
        for item in node.items:
            for d, h in evaluate(view, item, mode, within=within).items():
                found.setdefault(d, []).append(h)
        return {d: _merge(hs) for d, hs in found.items()}
    if isinstance(node, And):
        positives = [i for i in node.items if not isinstance(i, Not)]
        negatives = [i for i in node.items if isinstance(i, Not)]
        if positives:
            # the AND of all terms first (from frequencies), then hits for those articles only
            bound = candidates(view, node, mode)
            if bound is not None and within is not None:
                bound &= within
            inner = within if bound is None else bound
            results = [evaluate(view, i, mode, within=inner) for i in positives]
            docs = set(results[0])
            for r in results[1:]:
                docs &= set(r)
            hits = {d: _merge([r[d] for r in results]) for d in sorted(docs)}
        else:
            hits = {d: _Hit(0.0) for d in view.docnums if within is None or d in within}
        for neg in negatives:
            excluded = evaluate(view, neg.item, mode, within=set(hits))
            hits = {d: h for d, h in hits.items() if d not in excluded}
        if positives and proximity:
            _proximity_bonus(view, node, levels, hits)
        return hits
    raise TypeError(f"not a query node: {node!r}")


# --------------------------------------------------------------------------- filters


@dataclass(slots=True)
class Filters:
    places: set[str] | None = None  # entity keys (with descendants)
    actors: set[str] | None = None
    source: str | None = None
    date_from: str | None = None
    date_to: str | None = None

    def empty(self) -> bool:
        """No filter set: every article passes (no article's metadata need be read)."""
        return (self.places is None and self.actors is None and self.source is None
                and not self.date_from and not self.date_to)

    def keep(self, stored: dict[str, Any]) -> bool:
        if self.places is not None and not self.places & set(stored.get("places") or []):
            return False
        if self.actors is not None and not self.actors & set(stored.get("actors") or []):
            return False
        if self.source is not None:
            if self.source not in normalize(stored.get("source") or ""):
                return False
        if self.date_from or self.date_to:
            date = stored.get("date")
            if not date:
                return False
            lo, hi = date_bounds(date)
            if self.date_from and hi < date_bounds(self.date_from)[0]:
                return False
            if self.date_to and lo > date_bounds(self.date_to)[1]:
                return False
        return True


def date_bounds(value: str) -> tuple[str, str]:
    """First and last day of ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (as comparable strings)."""
    parts = value.split("-")
    if len(parts) == 1:
        return f"{value}-01-01", f"{value}-12-31"
    if len(parts) == 2:
        return f"{value}-01", f"{value}-31"
    return value, value


def valid_date(value: str) -> bool:
    import re

    return bool(re.fullmatch(r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?", value))


def resolve_entities(gazetteer: Any, kind: str, value: str) -> set[str]:
    """Keys of the entity named ``value`` (key, id, name or alias) and of every place inside it.

    Raises :class:`QueryError` when nothing in the gazetteer has that name."""
    entities = getattr(gazetteer, "entities", {}) or {}
    want = normalize(value.strip())
    found = set()
    for key, e in entities.items():
        if e.kind != kind:
            continue
        if value.strip() in (key, e.id) or want in {normalize(n) for n in e.names}:
            found.add(key)
    if not found:
        raise QueryError(f"no {kind} named {value!r} in the gazetteer",
                         f"لا يوجد {'مكان' if kind == 'place' else 'فاعل'} باسم {value!r}"
                         " في المعجم")
    todo = list(found)
    while todo:
        key = todo.pop()
        for child in gazetteer.children(key) if hasattr(gazetteer, "children") else []:
            if child.key not in found:
                found.add(child.key)
                todo.append(child.key)
    return found


# --------------------------------------------------------------------------- results


@dataclass(slots=True)
class Result:
    id: str
    path: str
    title: str
    date: str | None
    source: str | None
    score: float
    snippet: str
    matched: list[str]
    spans: list[tuple[int, int]] = field(default_factory=list)
    levels: list[tuple[str, int]] = field(default_factory=list)  # (clause as typed, level)
    proximity: int = 0
    title_spans: list[tuple[int, int]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "path": self.path, "title": self.title, "date": self.date,
                "source": self.source, "score": self.score, "snippet": self.snippet,
                "matched": self.matched,
                "levels": [{"text": t, "level": LEVEL_NAME[lv]} for t, lv in self.levels],
                "proximity": PROXIMITY_NAME.get(self.proximity)}


@dataclass(slots=True)
class SearchResult:
    query: str
    total: int
    results: list[Result]

    def to_json(self) -> dict[str, Any]:
        return {"query": self.query, "total": self.total,
                "results": [r.to_json() for r in self.results]}


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(set(spans)):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def snippet(text: str, spans: list[tuple[int, int]], width: int = SNIPPET_CHARS,
            mark: tuple[str, str] = (MARK_OPEN, MARK_CLOSE)) -> str:
    """About ``width`` characters around the first matched span, matches wrapped in ``mark``."""
    spans = merge_spans(spans)
    if not spans:
        lo, hi = 0, min(len(text), width)
    else:
        s0, e0 = spans[0]
        lo = max(0, s0 - (width - (e0 - s0)) // 3)
        hi = min(len(text), max(e0, lo + width))
    if lo > 0:
        sp = text.find(" ", lo, spans[0][0] if spans else hi)
        lo = sp + 1 if sp >= 0 else lo
    if hi < len(text):
        sp = text.rfind(" ", spans[0][1] if spans else lo, hi)
        hi = sp if sp > 0 else hi
    out, at = [], lo
    for s, e in spans:
        if e <= lo or s >= hi:
            continue
        s, e = max(s, lo), min(e, hi)
        out += [text[at:s], mark[0], text[s:e], mark[1]]
        at = e
    out.append(text[at:hi])
    body = " ".join("".join(out).split())
    return ("… " if lo > 0 else "") + body + (" …" if hi < len(text) else "")


def search(
    view: IndexView,
    query: str,
    *,
    analyzer: Analyzer | None = None,
    mode: str = "root",
    limit: int | None = 10,
    filters: Filters | None = None,
    node: Node | None = None,
) -> SearchResult:
    """Parse and run ``query``; results ordered by score (descending), then id."""
    if mode not in MODE_LEVELS:
        raise QueryError(f"unknown mode {mode!r}", f"نمط غير معروف {mode!r}")
    node = node if node is not None else parse(query, analyzer)
    # a search makes many small objects and frees none of them until it ends: the cyclic
    # garbage collector would only walk them again and again
    paused = gc.isenabled()
    gc.disable()
    try:
        return _search(view, query, node, mode, limit, filters)
    finally:
        if paused:
            gc.enable()


def _search(view: IndexView, query: str, node: Node, mode: str, limit: int | None,
            filters: Filters | None) -> SearchResult:
    lazy = limit is not None and isinstance(node, And) and bool(max_bonus(node))
    hits = evaluate(view, node, mode, proximity=not lazy)
    if filters is not None and filters.empty():
        filters = None
    kept = [(doc, hit) for doc, hit in hits.items()
            if filters is None or filters.keep(view.meta(doc))]
    if lazy:
        assert isinstance(node, And) and limit is not None
        top_with_proximity(view, node, MODE_LEVELS[mode],
                           [(doc, view.doc_id(doc), hit) for doc, hit in kept], limit)
    total = len(kept)
    if limit is not None and total > limit:
        # only hits scoring about as high as the limit-th best can be shown: the order (by
        # score rounded to 6 decimals, then id) is made among those alone
        floor = heapq.nlargest(limit, [hit.score for _, hit in kept])[-1] - _MARGIN
        kept = [(doc, hit) for doc, hit in kept if hit.score >= floor]
    rows = [(-round(hit.score, 6), view.doc_id(doc), doc, hit) for doc, hit in kept]
    rows.sort(key=lambda r: (r[0], r[1]))
    results = []
    for neg_score, _, doc, hit in rows[: limit if limit is not None else len(rows)]:
        st = view.stored(doc)
        text, title = st["text"], st["title"] or ""
        sources = list(dict.fromkeys(hit.sources))
        body_spans, title_spans = list(hit.spans), list(hit.title_spans)
        for f, terms in dict.fromkeys(hit.phrases):
            found = phrase_occurrences(view, f, list(terms), only={doc}).get(doc, [])
            (title_spans if f.startswith(TITLE_PREFIX) else body_spans).extend(
                (s, e) for _, s, e in found)
        spans = merge_spans(body_spans + [sp for f, t in sources if not f.startswith(TITLE_PREFIX)
                                          for sp in view.spans(f, t, doc)])
        tspans = merge_spans(title_spans + [sp for f, t in sources
                                            if f.startswith(TITLE_PREFIX)
                                            for sp in view.spans(f, t, doc)])
        matched = list(dict.fromkeys([*(title[s:e] for s, e in tspans),
                                      *(text[s:e] for s, e in spans)]))
        results.append(Result(
            id=st["id"], path=st["path"], title=st["title"], date=st.get("date"),
            source=st.get("source"), score=-neg_score or 0.0, snippet=snippet(text, spans),
            matched=matched, spans=spans, levels=list(dict.fromkeys(hit.levels)),
            proximity=hit.near, title_spans=tspans,
        ))
    return SearchResult(query, total, results)
