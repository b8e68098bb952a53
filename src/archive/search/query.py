"""The query language and the ranking rule (the browser's search reproduces both exactly).

Query language
==============

``word word``          all of them (AND). ``AND`` may be written; it changes nothing.
``a OR b`` / ``a أو b`` either. AND binds tighter: ``a b OR c`` is ``(a AND b) OR c``.
``NOT a`` / ``-a``     exclude articles that match ``a``. A query of only exclusions
                       matches every other article (score 0).
``"a b"`` (or “…”, «…») the words in this order, next to each other.
``( … )``              grouping.
``جذر:فوض`` / ``root:فوض`` every word whose root is فوض (the value is a root, as written).
entity names           the words of a query run through the SAME analyzer and gazetteer matcher
                       as the articles; a gazetteer name (or alias, Latin spellings included)
                       becomes one entity clause: ``بصرى الشام`` is one place, not two words.
                       ``NOT``/``-`` before a run of words negates its first clause only
                       (a word, or a whole name).

Any other ``name:value`` is an error (unknown field), as are unbalanced quotes or parentheses,
an operator with nothing to act on, and a query with no words at all.

Matching and ranking
====================

Each query word is analysed into (normalized form, light stem, root); each article holds the
same three values for every body word in three fields (``form``, ``stem``, ``root``) plus the
gazetteer keys of its entity mentions (``entity``). A clause matches an article at a LEVEL::

    exact = 3   the normalized form is in the article's form field
    stem  = 2   the light stem is in the stem field
    root  = 1   the root is in the root field

``--mode exact`` allows level 3 only, ``--mode stem`` levels 3–2, ``--mode root`` (default) all.
A phrase matches at the highest level at which ALL its words occur at consecutive positions in
that level's field. ``جذر:`` clauses match at level 1 (any mode); entity clauses at level 3.

The title is searched too: it has the same four fields (``title_form`` …), and a clause
matches an article when it matches its body or its title.

Score of a matching clause ``c`` in article ``d`` (``ℓ`` = best allowed level at which it
matches, counts taken in that level's body and title fields together)::

    tf  = occurrences of c in d              (phrase: occurrences of the whole phrase)
    df  = articles in which c occurs          N = articles in the index
    idf = ln(1 + N / df)
    t   = 1 if c occurs in d's title at level ℓ, else 0
    score(c, d) = ℓ + (t + tf / (tf + 1) · idf / (idf + 1)) / 2     (the part after ℓ is < 1)

so for a one-word query every exact-form match ranks above every stem match, which ranks above
every root-only match, and within a level an article with the word in its title ranks above
every article with it only in the body. ``AND`` and ``OR`` add the scores of their matching
clauses; ``NOT`` adds nothing.

Several words: words typed next to each other (a run of two or more plain words inside one
AND, not split by a name, phrase, root clause, operator or parenthesis) also earn a proximity
bonus. Take each word's positions at any level the mode allows (body and title separately)::

    tier = 2   the words stand side by side in query order somewhere (as a phrase would)
           1   one occurrence of each lies within NEAR = 8 words (last − first < 8)
           0   otherwise
    bonus = tier · 4 · (words in the run)      (best tier of body and title)

A clause scores less than 4, so for the same words an article where they stand together in
order ranks above one where they are near each other, which ranks above one where they are far
apart; within a tier the level rule above decides. The final score is rounded to 6 decimals;
ties are broken by article id (ascending). Results are never ordered by anything else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from archive.analysis import Analyzer, normalize
from archive.analysis.analyzer import query_root

Mode = Literal["exact", "stem", "root"]
MODES: tuple[Mode, ...] = ("exact", "stem", "root")
EXACT, STEM, ROOT = 3, 2, 1
#: Allowed levels per mode, best first.
MODE_LEVELS: dict[str, tuple[int, ...]] = {
    "exact": (EXACT,), "stem": (EXACT, STEM), "root": (EXACT, STEM, ROOT)}
LEVEL_FIELD = {EXACT: "form", STEM: "stem", ROOT: "root"}
LEVEL_NAME = {EXACT: "exact", STEM: "stem", ROOT: "root"}
#: Proximity of a run of query words (see the module docstring).
NEAR = 8
PHRASE_TIER, NEAR_TIER = 2, 1
NEAR_WEIGHT = 4
PROXIMITY_NAME = {PHRASE_TIER: "phrase", NEAR_TIER: "near"}

ROOT_FIELDS = ("root", "جذر")
OR_WORDS = ("OR", "أو")
AND_WORDS = ("AND",)
NOT_WORDS = ("NOT",)
QUOTES = {'"': '"', "“": "”", "«": "»"}
_CLOSERS = set(QUOTES.values())
_FIELD = re.compile(r"^([^\W\d_][\w]*)[:：](.*)$", re.S)


class QueryError(ValueError):
    """A malformed query. ``str()`` gives one line in Arabic and English."""

    def __init__(self, en: str, ar: str) -> None:
        self.en = en
        self.ar = ar
        super().__init__(f"خطأ في الاستعلام: {ar} — query error: {en}")


# --------------------------------------------------------------------------- AST


@dataclass(frozen=True, slots=True)
class Word:
    """One analysed query word: what it matches at each level."""

    text: str
    normalized: str
    stem: str
    root: str

    def at(self, level: int) -> str:
        return {EXACT: self.normalized, STEM: self.stem, ROOT: self.root}[level]


@dataclass(frozen=True, slots=True)
class Term:
    word: Word


@dataclass(frozen=True, slots=True)
class Phrase:
    words: tuple[Word, ...]
    text: str


@dataclass(frozen=True, slots=True)
class Root:
    root: str
    text: str


@dataclass(frozen=True, slots=True)
class Entity:
    key: str
    text: str


@dataclass(frozen=True, slots=True)
class Not:
    item: Node


@dataclass(frozen=True, slots=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    items: tuple[Node, ...]


Node = Term | Phrase | Root | Entity | Not | And | Or


def describe(node: Node) -> str:
    """A compact, unambiguous rendering of a parsed query (for tests and ``--explain``)."""
    if isinstance(node, Term):
        w = node.word
        return f"{w.normalized}/{w.stem}/{w.root}"
    if isinstance(node, Phrase):
        return '"' + " ".join(w.normalized for w in node.words) + '"'
    if isinstance(node, Root):
        return f"root:{node.root}"
    if isinstance(node, Entity):
        return f"@{node.key}"
    if isinstance(node, Not):
        return f"NOT {describe(node.item)}"
    sep = " AND " if isinstance(node, And) else " OR "
    return "(" + sep.join(describe(i) for i in node.items) + ")"


# --------------------------------------------------------------------------- lexer


@dataclass(frozen=True, slots=True)
class _Lex:
    kind: str  # WORD PHRASE FIELD LP RP OR AND NOT
    text: str
    start: int
    end: int
    name: str = ""  # FIELD: the field name


def _lex(query: str) -> list[_Lex]:
    out: list[_Lex] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            out.append(_Lex("LP" if ch == "(" else "RP", ch, i, i + 1))
            i += 1
        elif ch in QUOTES:
            close = query.find(QUOTES[ch], i + 1)
            if close < 0:
                raise QueryError(f"unbalanced quote {ch} at character {i + 1}",
                                 f"علامة تنصيص {ch} بلا إغلاق عند الحرف {i + 1}")
            out.append(_Lex("PHRASE", query[i + 1:close], i, close + 1))
            i = close + 1
        elif ch in _CLOSERS:
            raise QueryError(f"closing quote {ch} without an opening one at character {i + 1}",
                             f"علامة تنصيص {ch} بلا فتح عند الحرف {i + 1}")
        elif ch == "-" and i + 1 < n and not query[i + 1].isspace() and query[i + 1] != "-":
            out.append(_Lex("NOT", ch, i, i + 1))
            i += 1
        else:
            j = i
            while j < n and not query[j].isspace() and query[j] not in "()" \
                    and query[j] not in QUOTES and query[j] not in _CLOSERS:
                j += 1
            chunk = query[i:j]
            if chunk in OR_WORDS:
                out.append(_Lex("OR", chunk, i, j))
            elif chunk in AND_WORDS:
                out.append(_Lex("AND", chunk, i, j))
            elif chunk in NOT_WORDS:
                out.append(_Lex("NOT", chunk, i, j))
            elif m := _FIELD.match(chunk):
                out.append(_Lex("FIELD", m.group(2), i, j, name=m.group(1)))
            else:
                out.append(_Lex("WORD", chunk, i, j))
            i = j
    return out


# --------------------------------------------------------------------------- parser


class _Parser:
    def __init__(self, query: str, analyzer: Analyzer) -> None:
        self.query = query
        self.analyzer = analyzer
        self.lex = _lex(query)
        self.i = 0

    def peek(self) -> str:
        return self.lex[self.i].kind if self.i < len(self.lex) else "END"

    def take(self) -> _Lex:
        lx = self.lex[self.i]
        self.i += 1
        return lx

    def parse(self) -> Node:
        node = self.parse_or()
        if self.peek() == "RP":
            lx = self.lex[self.i]
            raise QueryError(f"unbalanced parenthesis ) at character {lx.start + 1}",
                             f"قوس ) بلا فتح عند الحرف {lx.start + 1}")
        return node

    def parse_or(self) -> Node:
        items = [self.parse_and()]
        while self.peek() == "OR":
            self.take()
            items.append(self.parse_and())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def parse_and(self) -> Node:
        items: list[Node] = []
        while self.peek() not in ("OR", "RP", "END"):
            if self.peek() == "AND":
                self.take()
                continue
            items.extend(self.parse_unary())
        if not items:
            where = self.lex[self.i].text if self.i < len(self.lex) else "the end"
            raise QueryError(f"nothing to search before {where!r}",
                             f"لا شيء للبحث عنه قبل {where!r}")
        return items[0] if len(items) == 1 else And(tuple(items))

    def parse_unary(self) -> list[Node]:
        if self.peek() == "NOT":
            lx = self.take()
            if self.peek() in ("OR", "AND", "RP", "END"):
                raise QueryError(f"{lx.text} must be followed by what to exclude",
                                 f"يجب أن يلي {lx.text} ما يُستبعد")
            first, *rest = self.parse_unary()
            return [Not(first), *rest]
        return self.parse_atom()

    def parse_atom(self) -> list[Node]:
        kind = self.peek()
        if kind == "LP":
            lp = self.take()
            node = self.parse_or()
            if self.peek() != "RP":
                raise QueryError(f"unbalanced parenthesis ( at character {lp.start + 1}",
                                 f"قوس ( بلا إغلاق عند الحرف {lp.start + 1}")
            self.take()
            return [node]
        if kind == "PHRASE":
            return self.phrase(self.take())
        if kind == "FIELD":
            return [self.field(self.take())]
        start = self.lex[self.i].start
        end = start
        while self.peek() == "WORD":
            end = self.take().end
        return self.words(self.query[start:end])

    def field(self, lx: _Lex) -> Node:
        name = lx.name
        if name.lower() not in ROOT_FIELDS:
            raise QueryError(
                f"unknown field {name!r} (known: root:, جذر:)",
                f"حقل غير معروف {name!r} (المعروف: جذر:، root:)")
        root = normalize(lx.text)
        if not root or len(self.analyzer.analyze(lx.text)) != 1:
            raise QueryError(f"{name}: needs one root, e.g. {name}:فوض",
                             f"يحتاج {name}: إلى جذر واحد، مثل {name}:فوض")
        return Root(root, lx.text)

    def phrase(self, lx: _Lex) -> list[Node]:
        tokens = self.analyzer.analyze(lx.text)
        if not tokens:
            raise QueryError(f"empty phrase at character {lx.start + 1}",
                             f"عبارة فارغة عند الحرف {lx.start + 1}")
        words = tuple(Word(t.form, t.normalized, t.stem, t.root) for t in tokens)
        if len(words) == 1:
            return [Term(words[0])]
        return [Phrase(words, lx.text)]

    def words(self, text: str) -> list[Node]:
        tokens, matches = self.analyzer.analyze_with_matches(text)
        first_of = {m.first: m for m in matches}
        out: list[Node] = []
        i = 0
        while i < len(tokens):
            m = first_of.get(i)
            if m is not None:
                out.append(Entity(m.entity, text[tokens[m.first].start:tokens[m.last].end]))
                i = m.last + 1
                continue
            t = tokens[i]
            # a name no lexicon knows after ب/ل (لترامب) asks for the bare name at the root level
            root = (query_root(t.form) if t.stem == t.root else "") or t.root
            out.append(Term(Word(t.form, t.normalized, t.stem, root)))
            i += 1
        return out


def parse(query: str, analyzer: Analyzer | None = None) -> Node:
    """Parse ``query`` into a tree (see the module docstring). Raises :class:`QueryError`."""
    if not query.strip():
        raise QueryError("empty query", "استعلام فارغ")
    parser = _Parser(query, analyzer or Analyzer())
    if not parser.lex:
        raise QueryError("empty query", "استعلام فارغ")
    try:
        return parser.parse()
    except QueryError as exc:
        if "nothing to search" in exc.en and not any(
            lx.kind in ("WORD", "PHRASE", "FIELD") for lx in parser.lex
        ):
            raise QueryError("the query has no words to search", "لا كلمات للبحث عنها") from None
        raise
