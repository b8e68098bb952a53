"""The Arabic analyzer: the one place where text becomes search tokens.

Pipeline (each piece small and separately testable, like Whoosh's analysis chain)::

    tokenize (offsets) → normalize (matching form) → stem & root (morphology, cached per form)
                       → entity protection (gazetteer names stay whole)

A name that is also a common word keeps both readings: its ``stem`` and ``root`` are the name
(a bare query word that is a name matches the name in all its clitic forms and is never
expanded to a root family), and ``alt`` is the root of the common reading (جدة → جدد, فيصل →
فصل), which the indexes file as ``ALT_MARK + alt`` at the same position so that an explicit root
query (``جذر:جدد``) still finds the article where the word is the common word.

The JavaScript port (``archive/browser/static/analyzer.js``) mirrors these functions one for one
and reads the same exported tables.
"""

from __future__ import annotations

import gc
import operator
import re
from bisect import bisect_right
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import NamedTuple, Protocol

from archive.analysis import morphology
from archive.analysis.normalize import clean, normalize
from archive.analysis.tokenize import token_columns

#: Characters that end a clause: a multi-word name never runs across them.
CLAUSE_BREAKS = frozenset(".،,؛;:!?؟\n")

ARABIC_LETTERS = frozenset(chr(c) for c in range(0x0621, 0x064B)) | frozenset("\u0671")


class Token(NamedTuple):
    """One word of a text, with its offsets into that text (a named tuple: cheap to build)."""

    form: str  # surface form exactly as in the text: text[start:end]
    start: int
    end: int
    position: int  # index of the token in the text's token sequence
    normalized: str
    stem: str
    root: str
    entity: str | None = None  # gazetteer id ("place:daraa"), when the token is part of a name
    #: root of the common-word reading of a name (جدة the city → جدد), else "": indexed as
    #: ``ALT_MARK + alt`` at the same position, reached only by ``جذر:`` queries
    alt: str = ""


@dataclass(frozen=True, slots=True)
class EntityMatch:
    """A gazetteer name found in a token sequence: tokens ``first..last`` inclusive."""

    entity: str
    first: int
    last: int
    cores: tuple[str, ...]  # normalized form of each token with its clitic removed


class EntityMatcher(Protocol):
    def match(
        self, normalized: Sequence[str], breaks: Collection[int] = (),
        forms: Sequence[str] | None = None,
    ) -> list[EntityMatch]: ...


#: A character of :data:`ARABIC_LETTERS`.
_ARABIC_LETTER = re.compile("[\u0621-\u064a\u0671]")


def is_arabic(word: str) -> bool:
    return _ARABIC_LETTER.search(word) is not None


#: Analyses of the word forms seen so far (or preloaded from build/): form → (norm, stem, root).
_KNOWN: dict[str, tuple[str, str, str]] = {}


def analyze_word(form: str) -> tuple[str, str, str]:
    """Return ``(normalized, stem, root)`` of one surface form (remembered per form)."""
    known = _KNOWN.get(form)
    if known is None:
        known = _KNOWN[form] = analyze_word_uncached(form)
    return known


def analyze_words(forms: Collection[str]) -> list[tuple[str, str, str]]:
    """:func:`analyze_word` of each of ``forms``, in order: the remembered analyses looked up
    in one C-level pass (:func:`analyze_word` only when some are not remembered)."""
    analysed = list(map(_KNOWN.get, forms))
    if None in analysed:
        analysed = list(map(analyze_word, forms))
    return analysed  # type: ignore[return-value]


def analyze_word_uncached(form: str) -> tuple[str, str, str]:
    """:func:`analyze_word` without the memo (what the word table stores)."""
    norm = normalize(form)
    if not norm or not is_arabic(norm):
        return norm, norm, norm
    stem, root = morphology.stem_and_root(clean(form))
    return norm, normalize(stem) or norm, normalize(root) or norm


#: Alternative roots of the word forms seen so far: form → root or "".
_ALT: dict[str, str] = {}


def may_have_alt(stem: str, root: str) -> bool:
    """Whether a form whose own analysis gives ``stem`` and ``root`` is looked up for an
    alternative root: only a name has stem == root == its whole core."""
    return stem == root and len(root) >= 3


def alternative_root(form: str) -> str:
    """Root of the common-word reading of a surface form the name lexicon reads as a name
    (:func:`archive.analysis.morphology.common_root`), else ``""`` (remembered per form)."""
    alt = _ALT.get(form)
    if alt is None:
        norm = normalize(form)
        alt = ""
        if norm and is_arabic(norm):
            alt = normalize(morphology.common_root(clean(form), morphology.default_data()))
        _ALT[form] = alt
    return alt


def query_root(form: str) -> str:
    """The root key a query word asks for beside its own (:func:`archive.analysis.morphology.
    query_root`: لترامب also asks for ترامب), else ``""``. Only queries use it; the index keeps
    every word's own keys."""
    norm = normalize(form)
    if not norm or not is_arabic(norm):
        return ""
    return normalize(morphology.query_root(clean(form), morphology.default_data()))


def _forget_words() -> None:
    _KNOWN.clear()
    _ALT.clear()


def remember_words(table: dict[str, tuple[str, str, str]],
                   alts: dict[str, str] | None = None) -> None:
    """Preload analyses (e.g. the word table kept in build/) so those forms are not redone,
    and ``alts``: form → its :func:`alternative_root` (or "")."""
    _KNOWN.update(table)
    if alts is not None:
        _ALT.update(alts)


#: ``analyze_word.cache_clear()`` forgets every remembered form (cold-cache benchmarks).
analyze_word.cache_clear = _forget_words  # type: ignore[attr-defined]


class Analyzer:
    """Turns text into :class:`Token` objects. Give it a gazetteer matcher to protect names."""

    def __init__(self, matcher: EntityMatcher | None = None) -> None:
        self.matcher = matcher

    def analyze(self, text: str) -> list[Token]:
        """Tokens of ``text``, with gazetteer names protected when a matcher is set."""
        return self.analyze_with_matches(text)[0]

    def analyze_with_matches(self, text: str) -> tuple[list[Token], list[EntityMatch]]:
        """Tokens of ``text`` and the gazetteer names found in it."""
        columns, matches = self.analyze_columns(text)
        # Tokens hold no reference cycles: pausing the cycle collector while millions of
        # them are made saves about a quarter of the time on long texts.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return columns.tokens(), matches
        finally:
            if collecting:
                gc.enable()

    def analyze_columns(self, text: str) -> tuple[Columns, list[EntityMatch]]:
        """:meth:`analyze_with_matches` as columns (one list per Token field): cheaper to
        make and to send to another process than Token objects."""
        forms, starts, ends = token_columns(text)
        analysed = analyze_words(forms)
        # (a column at a time: zip(*analysed) would make an iterator per token)
        normalized, stems, roots = (list(map(itemgetter(k), analysed)) for k in range(3))
        # only a name has stem == root == its whole core: look for a common reading (the
        # test of may_have_alt, inline)
        alts = [alternative_root(f) if s == r and len(r) >= 3 else ""
                for f, s, r in zip(forms, stems, roots, strict=True)]
        entities: list[str | None] = [None] * len(forms)
        columns = Columns(forms, starts, ends, normalized, stems, roots, entities, alts)
        if self.matcher is None or not forms:
            return columns, []
        # The surface forms too: a context rule may look at marks that normalizing removes
        # (the tanwin of درعاً "a shield" is not the town درعا).
        matches = self.matcher.match(normalized, _breaks(text, starts, ends), forms)
        protect_entities(columns, matches)
        return columns, matches


class Columns(NamedTuple):
    """The tokens of a text as one list per :class:`Token` field (positions are 0, 1, 2, …)."""

    forms: list[str]
    starts: list[int]
    ends: list[int]
    normalized: list[str]
    stems: list[str]
    roots: list[str]
    entities: list[str | None]
    alts: list[str]

    def tokens(self) -> list[Token]:
        return list(map(Token, self.forms, self.starts, self.ends, range(len(self.forms)),
                        self.normalized, self.stems, self.roots, self.entities, self.alts))


def clause_breaks(text: str, tokens: Sequence[Token]) -> set[int]:
    """Indices ``k`` of tokens preceded (after token ``k - 1``) by clause punctuation."""
    return _breaks(text, [t.start for t in tokens], [t.end for t in tokens])


def _breaks(text: str, starts: Sequence[int], ends: Sequence[int]) -> set[int]:
    # each break mark of the text placed among the tokens (a few per sentence, where testing
    # the text between every two tokens sliced a string per token): the token k it precedes,
    # when it is between tokens k - 1 and k (not inside one, nor before the first or after
    # the last)
    out: set[int] = set()
    n = len(starts)
    for at in map(_MARK_START, _CLAUSE_MARK.finditer(text)):
        k = bisect_right(starts, at)
        if 0 < k < n and ends[k - 1] <= at:
            out.add(k)
    return out


#: A character of :data:`CLAUSE_BREAKS`, and where a match of it is.
_CLAUSE_MARK = re.compile("[" + re.escape("".join(sorted(CLAUSE_BREAKS))) + "]")
_MARK_START = operator.methodcaller("start")


def protect_entities(columns: Columns, matches: Sequence[EntityMatch]) -> Columns:
    """Give the tokens of each name its entity id and keep the name whole: stem = root = core
    (in place, on the columns; analyzer.js ``protectEntities`` does the same on token objects)."""
    stems, roots, entities = columns.stems, columns.roots, columns.entities
    for m in matches:
        for offset, index in enumerate(range(m.first, m.last + 1)):
            stems[index] = roots[index] = m.cores[offset]
            entities[index] = m.entity
    return columns


def analyze(text: str, matcher: EntityMatcher | None = None) -> list[Token]:
    """Convenience wrapper: ``Analyzer(matcher).analyze(text)``."""
    return Analyzer(matcher).analyze(text)
