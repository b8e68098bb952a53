"""Find gazetteer names in a sequence of normalized tokens.

Rules (mirrored by the browser through :meth:`NameMatcher.export_table`):

- A name is the token sequence of its normalized spelling (same tokenizer and ``normalize`` as
  the analyzer), so إنخل/انخل, hamza and alef forms, diacritics and tatweel all match.
- Only the FIRST token of a name may carry a proclitic, from :data:`PROCLITICS`
  (conjunction و/ف, then preposition ب/ل/ك, in that order). The rest of that token must be
  exactly the name's first token: names match whole words only, never inside another word.
- A name whose first token starts with the article ال also matches with ل + article merged
  as لل (للجيزة, وللطيبة; للجنة for اللجنة).
- A quoted name after a detached clitic (لـ"قسد") is already a token of its own.
- A name does not run across clause punctuation (``. ، , ؛ ; : ! ? ؟`` or a line break)
  when the caller passes ``breaks`` (:func:`hard_breaks`); quotes and brackets do not break.
- Overlaps: the longest match wins (درعا البلد beats درعا), then the earlier start, then the
  shorter clitic, then the entity key.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from archive.analysis.analyzer import CLAUSE_BREAKS, EntityMatch
from archive.analysis.normalize import normalize
from archive.analysis.tokenize import tokenize

if TYPE_CHECKING:
    from archive.gazetteer.model import Gazetteer

_CONJ = ("", "و", "ف")
_PREP = ("", "ب", "ل", "ك")
#: Every proclitic a name's first token may carry (conjunction, then preposition).
PROCLITICS: tuple[str, ...] = tuple(sorted({c + p for c in _CONJ for p in _PREP} - {""}))
ARTICLE = "ال"
#: Characters that end a clause: a multi-word name never runs across them (the analyzer's).
BREAK_CHARS = CLAUSE_BREAKS


def hard_breaks(text: str, spans: Sequence[tuple[int, int]]) -> set[int]:
    """Indices ``k`` of tokens preceded (after token ``k - 1``) by clause punctuation."""
    return {k for k in range(1, len(spans))
            if not BREAK_CHARS.isdisjoint(text[spans[k - 1][1]:spans[k][0]])}


@lru_cache(maxsize=200_000)
def normalize_word(word: str) -> str:
    """:func:`archive.analysis.normalize.normalize`, cached per word."""
    return normalize(word)


def normalized_tokens(text: str) -> tuple[list[tuple[int, int]], list[str]]:
    """Token spans of ``text`` and their normalized forms (the analyzer's tokenizer)."""
    spans = list(tokenize(text))
    return spans, [normalize_word(text[s:e]) for s, e in spans]


def name_tokens(name: str) -> tuple[str, ...]:
    """The normalized token sequence of a name as written in the gazetteer."""
    return tuple(normalize(name[s:e]) for s, e in tokenize(name) if normalize(name[s:e]))


def is_arabic_token(token: str) -> bool:
    return any("\u0621" <= ch <= "\u064a" for ch in token)


def clitic_forms(first: str) -> list[tuple[str, str]]:
    """Every ``(surface form, clitic)`` under which a name's first token may appear."""
    forms = [(first, "")]
    if not is_arabic_token(first):
        return forms
    for clitic in PROCLITICS:
        if clitic.endswith("ل") and first.startswith(ARTICLE):
            # ل + ال → لل ; and ل + الل… → لل… (للجنة)
            forms.append((clitic + first[1:], clitic))
            if first.startswith(ARTICLE + "ل"):
                forms.append((clitic + first[2:], clitic))
        else:
            forms.append((clitic + first, clitic))
    return forms


@dataclass(frozen=True, slots=True)
class _Name:
    tokens: tuple[str, ...]
    entity: str


class NameMatcher:
    """Implements the analyzer's ``EntityMatcher`` protocol over a fixed name table."""

    def __init__(self, names: Iterable[tuple[str, str]]) -> None:
        """``names``: ``(written name, entity key)`` pairs; the first key wins a shared name."""
        table: dict[tuple[str, ...], str] = {}
        for written, key in sorted(names, key=lambda nk: (nk[1], nk[0])):
            toks = name_tokens(written)
            if toks and toks not in table:
                table[toks] = key
        self.names: dict[tuple[str, ...], str] = dict(sorted(table.items()))
        self._first: dict[str, list[tuple[_Name, str, list[str]]]] = {}
        for toks, key in self.names.items():
            name = _Name(toks, key)
            for form, clitic in clitic_forms(toks[0]):
                self._first.setdefault(form, []).append((name, clitic, list(toks[1:])))

    @classmethod
    def from_gazetteer(cls, gazetteer: Gazetteer) -> NameMatcher:
        return cls((n, e.key) for e in gazetteer.entities.values() for n in e.names)

    def candidates(self, normalized: Sequence[str], breaks: Collection[int] = ()
                   ) -> list[tuple[int, int, str, str, _Name]]:
        """All ``(first, last, clitic, key, name)`` occurrences, overlapping ones included."""
        norm = normalized if isinstance(normalized, list) else list(normalized)
        out: list[tuple[int, int, str, str, _Name]] = []
        n = len(norm)
        first = self._first
        hits = [(i, first[w]) for i, w in enumerate(norm) if w in first]
        for i, options in hits:
            for name, clitic, rest in options:
                end = i + 1 + len(rest)
                if end <= n and (not rest or norm[i + 1 : end] == rest):
                    if rest and breaks and any(k in breaks for k in range(i + 1, end)):
                        continue
                    out.append((i, end - 1, clitic, name.entity, name))
        return out

    def match(self, normalized: Sequence[str], breaks: Collection[int] = ()
              ) -> list[EntityMatch]:
        """Non-overlapping matches in text order (longest match wins).

        ``breaks``: token indices preceded by clause punctuation (see :func:`hard_breaks`);
        no multi-word name spans one.
        """
        found = self.candidates(normalized, breaks)
        if not found:
            return []
        found.sort(key=lambda c: (c[0] - c[1], c[0], len(c[2]), c[3]))
        taken: set[int] = set()
        chosen: list[EntityMatch] = []
        for first, last, _clitic, key, name in found:
            span = range(first, last + 1)
            if not taken.isdisjoint(span):
                continue
            taken.update(span)
            chosen.append(EntityMatch(key, first, last, name.tokens))
        chosen.sort(key=lambda m: m.first)
        return chosen

    def match_text(self, text: str) -> list[tuple[EntityMatch, int, int]]:
        """Matches in raw text, with character offsets ``(match, start, end)``."""
        spans, norms = normalized_tokens(text)
        matches = self.match(norms, hard_breaks(text, spans))
        return [(m, spans[m.first][0], spans[m.last][1]) for m in matches]

    def export_table(self) -> dict[str, object]:
        """JSON-able, deterministic: names (space-joined normalized tokens → key) and clitics."""
        return {
            "format": 1,
            "proclitics": list(PROCLITICS),
            "article": ARTICLE,
            "lam_merge": "a proclitic ending in ل before a name starting with ال drops the "
            "alef (للجيزه); before الل it also drops the article's lam (للجنه)",
            "break_chars": "".join(sorted(BREAK_CHARS)),
            "names": {" ".join(t): k for t, k in self.names.items()},
        }
