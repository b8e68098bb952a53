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
- A function word written with final ``ى`` (على، إلى، لدى، حتى، متى, with or without
  proclitics: :func:`maksura_function_words`, from the analyzer's stop-word table) is never
  read as a name token written with ``ي``, although both normalize alike: «الملك سلمان على»
  does not contain the name «سلمان علي». A name written with ``ى`` in that place still matches.
- Context rules (:class:`ContextRule`, the ``context`` field of a gazetteer entry) decide
  homographs before overlaps are resolved: an occurrence that a rule excludes, or that lacks
  the context a rule requires, is no candidate at all. When several entries share a name, an
  entry whose required context is present wins; otherwise the one entry without required
  context does; otherwise (none, or two confirmed) the mention is not linked.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress
from typing import TYPE_CHECKING

from archive.analysis.analyzer import CLAUSE_BREAKS, EntityMatch
from archive.analysis.normalize import normalize
from archive.analysis.tokenize import tokenize
from archive.gazetteer.names import GIVEN_NAMES, KINSHIP, NOT_FAMILY, is_family_name, is_given_name

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


#: Tanwin marks (fathatan, dammatan, kasratan): a name written with one is a common noun
#: (درعاً حصيناً "a strong shield"), since the names it guards take no tanwin.
TANWIN = "\u064b\u064c\u064d"
#: Word classes usable as a one-word context phrase.
WORD_CLASSES = {"@given-name": is_given_name, "@family-name": is_family_name}
RULE_KEYS = ("requires_before", "requires_after", "excludes_before", "excludes_after")

Phrase = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ContextRule:
    """When a (homograph) name of one entry is linked, judged on the words around it.

    Phrases are normalized token sequences; a phrase may also be one word class of
    :data:`WORD_CLASSES`. A *before* phrase must end right before the name (its first word
    may carry a proclitic: بسلطنة عمان), an *after* phrase must start right after it, and
    neither may cross clause punctuation. ``names``: the entry's names the rule guards
    (``None``: all of them).
    """

    requires_before: tuple[Phrase, ...] = ()
    requires_after: tuple[Phrase, ...] = ()
    excludes_before: tuple[Phrase, ...] = ()
    excludes_after: tuple[Phrase, ...] = ()
    excludes_tanwin: bool = False
    names: frozenset[Phrase] | None = field(default=None, compare=False)

    @property
    def requires(self) -> bool:
        return bool(self.requires_before or self.requires_after)

    def guards(self, name: Phrase) -> bool:
        return self.names is None or name in self.names

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {k: [" ".join(p) for p in getattr(self, k)]
                                  for k in RULE_KEYS if getattr(self, k)}
        if self.excludes_tanwin:
            out["excludes_tanwin"] = True
        return out

    def accepts(self, norm: Sequence[str], forms: Sequence[str] | None, breaks: Collection[int],
                first: int, last: int) -> bool:
        """Whether the occurrence ``norm[first..last]`` may be linked to the entry."""
        if self.excludes_tanwin and forms is not None and has_tanwin(forms[last]):
            return False
        if any(_before(p, norm, breaks, first) for p in self.excludes_before):
            return False
        if any(_after(p, norm, breaks, last) for p in self.excludes_after):
            return False
        if not self.requires:
            return True
        return (any(_before(p, norm, breaks, first) for p in self.requires_before)
                or any(_after(p, norm, breaks, last) for p in self.requires_after))


def has_tanwin(form: str) -> bool:
    """The surface form carries a tanwin mark (درعاً، درعًا)."""
    return any(ch in TANWIN for ch in form)


def _word_is(pattern: str, word: str) -> bool:
    test = WORD_CLASSES.get(pattern)
    return test(word) if test is not None else word == pattern


@lru_cache(maxsize=4096)
def _clitic_set(first: str) -> frozenset[str]:
    return frozenset(form for form, _ in clitic_forms(first))


def _before(phrase: Phrase, norm: Sequence[str], breaks: Collection[int], first: int) -> bool:
    start = first - len(phrase)
    if start < 0 or any(k in breaks for k in range(start + 1, first + 1)):
        return False
    head = phrase[0]
    if head in WORD_CLASSES:
        if not _word_is(head, norm[start]):
            return False
    elif norm[start] not in _clitic_set(head):
        return False
    return all(_word_is(p, norm[start + j]) for j, p in enumerate(phrase) if j)


def _after(phrase: Phrase, norm: Sequence[str], breaks: Collection[int], last: int) -> bool:
    end = last + len(phrase)
    if end >= len(norm) or any(k in breaks for k in range(last + 1, end + 1)):
        return False
    return all(_word_is(p, norm[last + 1 + j]) for j, p in enumerate(phrase))


def resolve_readings(readings: Sequence[tuple[str, ContextRule | None]], norm: Sequence[str],
                     forms: Sequence[str] | None, breaks: Collection[int], first: int,
                     last: int) -> str | None:
    """The entity a contextual name stands for here, or ``None`` (excluded or ambiguous)."""
    accepted = [(k, r) for k, r in readings
                if r is None or r.accepts(norm, forms, breaks, first, last)]
    confirmed = [k for k, r in accepted if r is not None and r.requires]
    if confirmed:
        return confirmed[0] if len(confirmed) == 1 else None
    plain = [k for k, r in accepted if r is None or not r.requires]
    return plain[0] if len(plain) == 1 else None


@dataclass(frozen=True, slots=True)
class _Name:
    tokens: tuple[str, ...]
    entity: str
    readings: tuple[tuple[str, ContextRule | None], ...] = ()
    #: indexes of the name's tokens that a spelling of it writes with final ى
    maksura: tuple[int, ...] = ()


def letters_key(form: str) -> str:
    """A surface form's Arabic letters only (no marks, tatweel or other signs), alef with
    hamza or madda as bare alef, and ``ى`` kept (not normalized to ``ي``)."""
    out = ""
    for ch in form:
        if ch in "\u0623\u0625\u0622":
            out += "\u0627"
        elif "\u0621" <= ch <= "\u064a" and ch != "\u0640":
            out += ch
    return out


@lru_cache(maxsize=1)
def maksura_function_words() -> frozenset[str]:
    """:func:`letters_key` of the analyzer's stop words that end in ``ى`` (على، وعلى، إلى،
    لدى، حتى …): written so, they are function words, never the name written with ``ي``."""
    from archive.analysis.normalize import clean
    from archive.analysis.tables import build_tables

    # ى in the word, or a presentation form that NFKC (in clean) may turn into one
    may_end_in_maksura = re.compile("[\u0649\ufb50-\ufeff]").search
    out = set()
    for word in build_tables()["stop_words"]:
        if not may_end_in_maksura(word):
            continue
        key = letters_key(clean(word))
        if len(key) >= 2 and key.endswith("\u0649"):
            out.add(key)
    return frozenset(out)


def written_maksura(written: str) -> tuple[int, ...]:
    """Indexes of the tokens of a name as written that end in ``ى``."""
    from archive.analysis.tokenize import tokenize as spans

    toks = [letters_key(written[s:e]) for s, e in spans(written)
            if normalize(written[s:e])]
    return tuple(i for i, t in enumerate(toks) if t.endswith("\u0649"))


#: A name that may start at a token: the name, the clitic its first token takes there, and
#: its other tokens.
_Start = tuple[_Name, str, list[str]]
#: A first token's names: those one token long, and by second token (NameMatcher._split).
_BySecond = tuple[list[_Start], dict[str, list[_Start]]]


class NameMatcher:
    """Implements the analyzer's ``EntityMatcher`` protocol over a fixed name table."""

    def __init__(self, names: Iterable[tuple[str, str]],
                 rules: Mapping[str, ContextRule] | None = None) -> None:
        """``names``: ``(written name, entity key)`` pairs; ``rules``: entity key → its context
        rule. A name shared by entries is decided by their rules (see
        :func:`resolve_readings`); without any rule the first key (in sorted order) wins."""
        rules = rules or {}
        table: dict[tuple[str, ...], str] = {}
        owners: dict[tuple[str, ...], list[str]] = {}
        maksura: dict[tuple[str, ...], set[int]] = {}
        for written, key in sorted(names, key=lambda nk: (nk[1], nk[0])):
            toks = name_tokens(written)
            if not toks:
                continue
            marked = written_maksura(written)
            if marked:
                maksura.setdefault(toks, set()).update(marked)
            table.setdefault(toks, key)
            if key not in owners.setdefault(toks, []):
                owners[toks].append(key)
        self.names: dict[tuple[str, ...], str] = dict(sorted(table.items()))
        #: Names decided by context: name → ((entity key, rule or None), …) sorted by key.
        self.readings: dict[tuple[str, ...], tuple[tuple[str, ContextRule | None], ...]] = {}
        for toks, keys in sorted(owners.items()):
            guarded = [(k, rules[k] if k in rules and rules[k].guards(toks) else None)
                       for k in sorted(keys)]
            if any(r is not None for _, r in guarded):
                self.readings[toks] = tuple(guarded)
        #: Names a spelling writes with final ى: name → indexes of those tokens.
        self.maksura: dict[tuple[str, ...], tuple[int, ...]] = {
            toks: tuple(sorted(marked)) for toks, marked in sorted(maksura.items())}
        self._function_words = maksura_function_words()
        self._first: dict[str, list[tuple[_Name, str, list[str]]]] = {}
        for toks, key in self.names.items():
            name = _Name(toks, key, self.readings.get(toks, ()), self.maksura.get(toks, ()))
            for form, clitic in clitic_forms(toks[0]):
                self._first.setdefault(form, []).append((name, clitic, list(toks[1:])))
        #: A first token's names split by their second token (:meth:`_split`), made as
        #: :meth:`candidates` meets the first token.
        self._by_second: dict[str, _BySecond] = {}

    @classmethod
    def from_gazetteer(cls, gazetteer: Gazetteer) -> NameMatcher:
        return cls(((n, e.key) for e in gazetteer.entities.values() for n in e.names),
                   {e.key: e.context for e in gazetteer.entities.values() if e.context})

    def candidates(self, normalized: Sequence[str], breaks: Collection[int] = (),
                   forms: Sequence[str] | None = None
                   ) -> list[tuple[int, int, str, str, _Name]]:
        """All ``(first, last, clitic, key, name)`` occurrences, overlapping ones included;
        a name with context rules only where they accept it (``forms``: the surface forms,
        for the tanwin rule)."""
        norm = normalized if isinstance(normalized, list) else list(normalized)
        out: list[tuple[int, int, str, str, _Name]] = []
        n = len(norm)
        first, by_second = self._first, self._by_second
        # (the indices of the tokens that may start a name, found in one C-level pass)
        for i in compress(range(n), map(first.__contains__, norm)):
            alone, pairs = by_second.get(norm[i]) or self._split(norm[i])
            entries = pairs.get(norm[i + 1], alone) if i + 1 < n else alone
            for name, clitic, rest in entries:
                end = i + 1 + len(rest)
                if end <= n and (not rest or norm[i + 1 : end] == rest):
                    if rest and breaks and any(k in breaks for k in range(i + 1, end)):
                        continue
                    if forms is not None and self._function_word_in(name, forms, i, end):
                        continue
                    key: str | None = name.entity
                    if name.readings:
                        key = resolve_readings(name.readings, norm, forms, breaks, i, end - 1)
                        if key is None:
                            continue
                    out.append((i, end - 1, clitic, key, name))
        return out

    def _split(self, form: str) -> _BySecond:
        """The names that may start at a token ``form``, by the token after it: those one
        token long, and per second token those one token long or going on with it, in the
        order of ``_first`` (the order :meth:`candidates` finds them in). A first token
        shared by many names is common (علي, also the preposition على normalized, starts
        ~200 names of a news archive's gazetteer), and trying each of them at each of its
        tokens was most of the matching."""
        entries = self._first[form]
        split = ([e for e in entries if not e[2]],
                 {second: [e for e in entries if not e[2] or e[2][0] == second]
                  for second in dict.fromkeys(e[2][0] for e in entries if e[2])})
        self._by_second[form] = split
        return split

    def _function_word_in(self, name: _Name, forms: Sequence[str], first: int, end: int) -> bool:
        """A token of the occurrence is a function word written with ى where the name is
        written with ي (على for علي): then it is no occurrence of the name."""
        for j in range(first, end):
            if j - first not in name.maksura and letters_key(forms[j]) in self._function_words:
                return True
        return False

    def match(self, normalized: Sequence[str], breaks: Collection[int] = (),
              forms: Sequence[str] | None = None) -> list[EntityMatch]:
        """Non-overlapping matches in text order (longest match wins).

        ``breaks``: token indices preceded by clause punctuation (see :func:`hard_breaks`);
        no multi-word name spans one. ``forms``: the tokens as written (with diacritics), for
        the tanwin rule; without them no mention is excluded for its tanwin.
        """
        found = self.candidates(normalized, breaks, forms)
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
        matches = self.match(norms, hard_breaks(text, spans), [text[s:e] for s, e in spans])
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
            "readings": {" ".join(t): [[k, r.as_json() if r else None] for k, r in rs]
                         for t, rs in self.readings.items()},
            "tanwin": TANWIN,
            "maksura": {" ".join(t): list(ix) for t, ix in self.maksura.items()},
            "maksura_function_words": sorted(self._function_words),
            "classes": {
                "given_names": sorted(GIVEN_NAMES),
                "kinship": sorted(KINSHIP),
                "not_family": sorted(NOT_FAMILY),
            },
        }
