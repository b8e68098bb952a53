"""The root explorer: which forms of each root the archive uses, and which roots go with it.

:class:`RootCollector` reads the analysed articles one at a time (the body tokens, what search
and the concordance index) and keeps only counts: per root its tokens and articles; per form of
the root (the analyzer's stem key, e.g. مفاوض for المفاوضات، والمفاوضين) its tokens, articles and
surface spellings; per article the set of its roots, as small integers, for the co-occurrence.
Names (gazetteer entities and the name lexicon), words no lexicon knows (whose "root" is their
light key), function words (read through tashaphyne's stop-word table: على is no form of a root)
and the common-word reading of names (``~`` roots) are left out: only roots of the root lexicon
count.

Each form gets a **pattern class** from its pattern (وزن): the analyzer's
:func:`~archive.analysis.morphology.abstractions` give every reading of the stem as radicals
and pattern; the reading whose radicals are the root's (a weak radical و/ي may be written
ا و ي ء, a hamza ا) gives the pattern, e.g. اجتماع → ا1ت2ا3 (افتعال). The class then comes
from what the root lexicon says the stem is (verb, noun, or both), the clitics of its spellings
(ال before, وا after…) and :data:`NOUN_PATTERNS`. Unvocalised script cannot always tell (إفعال
and أفعال are both ا12ا3; مُفاعِل and مَفاعِل both م1ا23): :data:`NOUN_PATTERNS` writes the
choice made for each such pattern, and a pattern it does not list is an "other noun".

Static pages (``/roots/<root>/``) are made for the roots found in at least ``min_articles``
articles (plugin option ``root_pages_min``); the co-occurring roots of a page are the roots
with pages that share the most articles with it beyond chance. Over articles (N of them, a
root in n_a, both in n_ab), pointwise mutual information ``pmi = log2(n_ab · N / (n_a · n_b))``
alone ranks first the rare roots that happen to share their few articles; weighted by the
evidence, ``pmi · ln(n_ab)``, it keeps both the specific and the well attested partners
(قتل → جيش، جبه، قصف، هجم on 1,000 real articles). Pairs with ``pmi > 0`` sharing at least
:data:`MIN_SHARED` articles, highest score first (ties: more shared articles, then the root).
"""

from __future__ import annotations

import hashlib
import marshal
import math
import os
import pickle
import sqlite3
import sys
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import chain, compress, repeat
from operator import is_, itemgetter
from pathlib import Path
from typing import Any

from markupsafe import Markup

from archive import files, native
from archive.analysis import analyze_word
from archive.analysis.morphology import (
    ALEF_MADDA,
    ALEF_MAKSURA,
    ALONLY_TAG,
    ALT_MARK,
    DIGITS,
    HAMZAT,
    LOANWORD,
    MAX_PATTERN_STEM,
    TEH_MARBUTA,
    is_stop,
    literal,
    normalize_root,
    pos_of,
    radical,
)
from archive.site.text import esc

#: The C half of :func:`stem_pattern` (setup.py; None: not built, stale or turned off, then
#: its Python twin, archive.native).
_croots = native.module("archive.site._croots")

#: Pattern classes, in page order, with their Arabic headings.
CLASSES: dict[str, str] = {
    "verb": "صيغ الفعل",
    "masdar": "مصادر الأفعال",
    "participle": "أسماء الفاعل والمفعول",
    "plural": "جموع التكسير",
    "noun": "أسماء أخرى",
}

#: Noun patterns (digits: radicals in order; letters as the analyzer normalises them; a final
#: ة is taken off first and written ``+ة``) → class. Where one spelling has two readings, the
#: choice is the reading more common in news prose, and the other is named in the comment.
NOUN_PATTERNS: dict[str, str] = {
    # masdars of the derived forms
    "ت12ي3": "masdar",      # تفعيل (II)
    "ت123+ة": "masdar",     # تفعلة (II: تجربة، تنمية)
    "م1ا23+ة": "masdar",    # مفاعلة (III)
    "ت123": "masdar",       # تفعّل (V)
    "ت1ا23": "masdar",      # تفاعل (VI)
    "ان1ا23": "masdar",     # انفعال (VII)
    "ا1ت2ا3": "masdar",     # افتعال (VIII)
    "ا1ط2ا3": "masdar",     # افتعال after ص ض ط ظ (اضطراب)
    "ا1د2ا3": "masdar",     # افتعال after د ذ ز (ازدياد)
    "است12ا3": "masdar",    # استفعال (X)
    "ا12ا3": "masdar",      # إفعال (IV); also the plural أفعال (أخبار)
    "ت1234": "masdar",      # تفعلل (quadriliteral II)
    # participles (active and passive are spelt alike in the derived forms)
    "1ا23": "participle",   # فاعل (I)
    "1ا23+ة": "participle",  # فاعلة
    "م12و3": "participle",  # مفعول (I, passive)
    "م12و3+ة": "participle",
    "مت123": "participle",  # متفعّل (V)
    "مت1ا23": "participle",  # متفاعل (VI)
    "من123": "participle",  # منفعل (VII)
    "م1ت23": "participle",  # مفتعل (VIII)
    "م1ط23": "participle",
    "م1د23": "participle",
    "مست123": "participle",  # مستفعل (X)
    "م1234": "participle",  # مفعلل (quadriliteral)
    # broken plurals
    "م1ا23": "plural",      # مفاعل (مساجد، منازل); also the participle مُفاعِل (III)
    "م1ا2ي3": "plural",     # مفاعيل
    "1وا23": "plural",      # فواعل
    "1وا2ي3": "plural",     # فواعيل
    "ا123+ة": "plural",     # أفعلة (أسلحة)
    "123اء": "plural",      # فعلاء (علماء، وزراء)
    "ا123اء": "plural",     # أفعلاء (أصدقاء)
    "123ي": "plural",       # فعلى (قتلى، جرحى)
    "12و3": "plural",       # فعول (شعوب، حقوق); also Form I masdars (دخول)
    "12ا3ي": "plural",      # فعالى
    "1ع2ا3ل": "plural",
}

#: Written patterns of a Form III verb (perfect, imperfect).
FORM3 = ("فاعل", "يفاعل")
#: Letters a weak radical (و ي) or a hamza (ء) may be written with in a stem.
WEAK_SPELLINGS = {"و": "اويء", "ي": "اويء", "ء": "اوي"}
#: Letters standing for the radicals 1–4 in a written pattern (وزن).
WAZN_LETTERS = "فعلل"
#: Pairs of roots sharing fewer articles are not listed as co-occurring.
MIN_SHARED = 3
#: Co-occurring roots listed on a root page.
RELATED_SHOWN = 12
#: Spellings of a form listed beside it.
SPELLINGS_SHOWN = 4


#: Default threshold of the root pages: roots in at least MIN_ARTICLES articles and in at least
#: MIN_SHARE of the articles, and no more pages than MAX_PAGES_SHARE of the articles (or
#: MAX_PAGES_FLOOR, on a small archive): see :func:`default_min`.
MIN_ARTICLES = 3
MIN_SHARE = 0.003
MAX_PAGES_SHARE = 0.5
MAX_PAGES_FLOOR = 100
#: Never more root pages than this: the /roots/ index lists every one of them (~290 bytes a
#: row), and a page stays well under the site's 500 KB limit (1,861 rows were 532 KB).
MAX_PAGES = 1000
#: The spelling numbers and token counts of an article's contribution (RootCollector) are
#: kept as ``array("I")`` bytes, read back with numpy as this type.
_ITEM = array("I").itemsize
_UINT = f"=u{_ITEM}"
#: Articles whose contributions are summed at once (RootCollector.result).
_BLOCK = 2048
#: When the roots with pages change by at most this many new ones, only their pairs are
#: counted (_Totals._count_new), the others' shared articles kept.
FEW_NEW = 64


def default_min(n_articles: int, root_articles: Iterable[int]) -> int:
    """The default ``root_pages_min`` for an archive of ``n_articles`` whose roots are found
    in ``root_articles`` articles each: at least 3 articles and 0.3 % of the archive (30 at
    10,000 articles, 94 at 31,030), raised until the root pages are no more than half as many
    as the articles (at least 100 pages allowed) and no more than :data:`MAX_PAGES`. Each
    root page costs about as much build time as a cached article page, so the pages stay a
    bounded share of the build (measured in bench/roots: 2,345 root pages on 987 articles
    added 29 % to a warm build)."""
    floor = max(MIN_ARTICLES, math.ceil(n_articles * MIN_SHARE))
    cap = min(MAX_PAGES, max(MAX_PAGES_FLOOR, int(n_articles * MAX_PAGES_SHARE)))
    counts = sorted((n for n in root_articles if n >= floor), reverse=True)
    if len(counts) <= cap:
        return floor
    return counts[cap] + 1  # every root tied with the first one left out is left out too


def _lexicon() -> dict[str, str]:
    """The analyzer's root lexicon (key → ``root:kind:weight|…``), as its tables export it."""
    from archive.analysis.tables import build_tables

    lexicon: dict[str, str] = build_tables()["lexicon"]
    return lexicon


def _names() -> dict[str, str]:
    from archive.analysis.tables import build_tables

    names: dict[str, str] = build_tables()["names"]
    return names


@lru_cache(maxsize=1)
def lexicon_roots() -> frozenset[str]:
    """Every root the root lexicon licenses (loanword lemmas left out)."""
    out: set[str] = set()
    for entries in _lexicon().values():
        for entry in entries.split("|"):
            root = entry.split(":", 1)[0]
            if not root.startswith(LOANWORD):
                out.add(root)
    return frozenset(out)


def lexicon_kinds(stem: str, root: str) -> str:
    """Which readings the root lexicon gives ``stem`` with ``root``: a subset of ``nv``."""
    lexicon = _lexicon()
    kinds = set()
    keys = [stem] + ([stem[:-1] + "ة"] if stem.endswith("ه") else [])
    for key in keys:
        for entry in lexicon.get(key, "").split("|"):
            parts = entry.split(":")
            if len(parts) == 3 and parts[0] == root:
                kinds.update("nv" if parts[1] == "b" else parts[1])
    return "".join(sorted(kinds))


def _readings(stem: str, root: str) -> list[tuple[int, str]]:
    """Every reading of ``stem`` with the radicals of ``root`` at increasing positions (a weak
    radical or a hamza may be written with another letter, :data:`WEAK_SPELLINGS`), as
    ``(radicals written as in the root, pattern)``. The same readings as those of
    :func:`archive.analysis.morphology.abstractions` whose radicals spell the root, found
    without listing every reading of the stem."""
    if len(stem) > MAX_PATTERN_STEM:
        return []
    rads = [radical(ch) for ch in stem]
    # the stem's letters as patterns spell them, once (literal maps a letter to one letter):
    # each reading then takes slices of it
    lit = "".join(map(literal, stem))
    out: list[tuple[int, str]] = []

    def walk(k: int, start: int, picked: list[int], same: int) -> None:
        if k == len(root):
            pattern = ""
            last = 0
            for number, pos in enumerate(picked):
                pattern += lit[last:pos] + DIGITS[number]
                last = pos + 1
            out.append((same, pattern + lit[last:]))
            return
        for pos in range(start, len(stem) - (len(root) - k) + 1):
            if rads[pos] == root[k]:
                walk(k + 1, pos + 1, [*picked, pos], same + 1)
            elif rads[pos] in WEAK_SPELLINGS.get(root[k], ""):
                walk(k + 1, pos + 1, [*picked, pos], same)

    walk(0, 0, [], 0)
    return out


@lru_cache(maxsize=200_000)
def stem_pattern(stem: str, root: str) -> str | None:
    """The pattern of ``stem`` read with the radicals of ``root`` (``ا1ت2ا3`` for اجتماع، جمع),
    a final ة (ه once normalised) written ``+ة``; None when no reading spells the root.

    Of several readings, the one with most radicals written as in the root wins, then one whose
    pattern the tables know, then the smallest pattern. (In C where it is built: the root
    count reads one pattern per new stem, 16,555 at 987 articles; :func:`_stem_pattern` is its
    twin.)"""
    if _croots is not None:
        return _croots.stem_pattern(stem, root, *_pattern_tables())  # type: ignore[no-any-return]
    return _stem_pattern(stem, root)


@lru_cache(maxsize=1)
def _pattern_tables() -> tuple[dict[str, str], dict[str, str], dict[str, str],
                               dict[str, str], frozenset[str], int]:
    """What the C :func:`stem_pattern` reads: the letters whose radical (:func:`radical`) or
    whose letter in a pattern (:func:`literal`) is not the letter itself (the hamza forms,
    آ ة ى; tests/test_native_roots.py checks every other letter), WEAK_SPELLINGS,
    NOUN_PATTERNS, VERB_LIKE and MAX_PATTERN_STEM."""
    letters = (ALEF_MADDA, TEH_MARBUTA, ALEF_MAKSURA, *HAMZAT)
    radicals = {ch: normalize_root(ch) for ch in letters if normalize_root(ch) != ch}
    literals = {ch: literal(ch) for ch in letters if literal(ch) != ch}
    return (radicals, literals, dict(WEAK_SPELLINGS), NOUN_PATTERNS, frozenset(VERB_LIKE),
            MAX_PATTERN_STEM)


def _stem_pattern(stem: str, root: str) -> str | None:
    """:func:`stem_pattern` in Python (the C one's twin)."""
    if not 2 <= len(root) <= 4:
        return None
    tries = [(stem, "")]
    if stem[-1:] in ("ه", "ة") and len(stem) > 2:
        tries.insert(0, (stem[:-1], "+ة"))
    for body, fem in tries:
        best: tuple[int, int, str] | None = None
        for same, pattern in _readings(body, root):
            key = (-same, 0 if (pattern + fem in NOUN_PATTERNS or pattern in VERB_LIKE)
                   else 1, pattern)
            if best is None or key < best:
                best = key
        if best is not None:
            return best[2] + fem
    return None


def wazn(pattern: str | None) -> str:
    """A pattern as Arabic grammar writes it: ``ا1ت2ا3`` → افتعال."""
    if not pattern:
        return ""
    body, _, fem = pattern.partition("+")
    return body.translate(_WAZN_TABLE) + fem


#: The radicals' digits 1–4 → their letters in a written pattern (:func:`wazn`).
_WAZN_TABLE = str.maketrans(dict(zip(DIGITS[:4], WAZN_LETTERS, strict=True)))


#: Endings after a stem that show a sound plural or dual (a broken plural takes none of them).
_MARKS = "".join(chr(c) for c in range(0x064B, 0x0653)) + "\u0640"
SOUND_ENDINGS = ("ون", "ين", "ان")


#: :func:`pos_of` kept per (proclitics, enclitics): a count reads tens of thousands of spellings
#: and their clitic sequences are a few thousand pairs.
_pos_of = lru_cache(maxsize=1 << 16)(pos_of)


def spelling_hint(normalized: str, stem: str, form: str = "") -> tuple[str, str]:
    """What a spelling's clitics say about its stem: ``(pos, ending)``, ``pos`` one of
    ``n v b`` (what the clitics allow), ``ending`` ``f`` (feminine: ـات، ـة), ``s`` (sound
    plural or dual), ``y`` (the stem's final ي is written ى in ``form``: قتلى, not the nisba
    of علمي) or ``""``."""
    if stem.endswith("ي") and form.rstrip(_MARKS).endswith("ى"):
        return "b", "y"
    i = normalized.find(stem)
    if i < 0:
        return "b", ""
    suffix = normalized[i + len(stem):]
    pos = _pos_of(normalized[:i], suffix) or "b"
    if not stem.endswith("ه") and (suffix.startswith("ات") or (
            suffix.startswith("ه") and "ة" in form)):  # ـه may be the pronoun (تعلمه)
        return pos, "f"
    if suffix.startswith(SOUND_ENDINGS):
        return pos, "s"
    return pos, ""


@lru_cache(maxsize=200_000)
def classify(stem: str, root: str, pos: str, ending: str) -> tuple[str, str]:
    """``(class, wazn)`` of a form (see the module docstring): ``pos`` and ``ending`` as
    :func:`spelling_hint` gives them."""
    pattern = stem_pattern(stem, root)
    kinds = lexicon_kinds(stem, root) or "n"
    verb = ("v" in kinds and pos == "v") or kinds == "v" or (
        kinds == "nv" and pos == "b" and not ending and pattern is not None
        and _verb_like(pattern))
    if verb:
        return "verb", wazn(pattern)
    if ending == "f":  # مفاوضات: the plural of مفاوضة
        pattern = stem_pattern(stem + "ه", root) or pattern
    if pattern is None:
        return "noun", ""
    cls = NOUN_PATTERNS.get(pattern, "noun")
    if ending == "y":
        return cls, wazn(pattern)[:-1] + "ى"
    if pattern.endswith("ي"):
        cls = "noun"  # a nisba (علمي، جماعي), not فعلى / فعالى
    if cls == "plural" and ending in ("f", "s"):  # a sound plural or dual: not a broken plural
        cls = "participle" if pattern == "م1ا23" else "noun"
    return cls, wazn(pattern)


def forget() -> None:
    """Empty the per-word caches (:func:`classify`, :func:`stem_pattern`: 21.6 MB at 9,504
    articles after a root count); they fill again when asked."""
    classify.cache_clear()
    stem_pattern.cache_clear()
    _pos_of.cache_clear()


#: Patterns of a bare stem the lexicon reads both as a verb and a noun that are taken as the
#: verb (the perfect of forms I–IV and the imperfect): فعل، فاعل، أفعل، يفعل…
VERB_LIKE = ("123", "1234", "ا123", "ي123", "ي1ا23", "يت123", "يت1ا23", "ين123", "ي1ت23",
             "يست123", "ي1234")


def _verb_like(pattern: str) -> bool:
    return pattern in VERB_LIKE


# ------------------------------------------------------------------------------ collecting


class RootCollector:
    """Counts per root and form, fed one analysed article at a time (keeps no tokens).

    What is kept per article is its *contribution*: how many body tokens it has of each
    spelling that reads as a root of the lexicon (spellings numbered in the order first seen,
    each with its reading: root, stem, class, wazn). Every total (tokens and articles per
    root, form and spelling, the co-occurrences) is summed from the contributions in
    :meth:`result`, so an article can be taken out again (:meth:`remove`) and added anew: a
    count updated article by article is the count made from scratch (what
    :func:`collect_cached` relies on)."""

    def __init__(self) -> None:
        self.spellings: dict[str, int] = {}  # spelling (of a root) → its number
        self.spelled: list[str] = []  # number → spelling
        # number → (root, stem, class, wazn, whether the spelling is the stem itself)
        self.readings: list[tuple[str, str, str, str, bool]] = []
        # spellings read and found without a root (kept in counts.bin: an edited article's
        # names and unknown words are not read again, nor the lexicon loaded for them), in
        # the order found
        self._rootless: dict[str, None] = {}
        # spellings of the contributions taken out since every spelling known was last found
        # in some article (at most this many are no article's any more: see compact)
        self._dropped = 0
        # per article: (its spellings' numbers, their token counts), as array bytes
        self.contributions: dict[Any, tuple[bytes, bytes]] = {}
        self._unnamed = 0  # articles counted without an id (numbered in order)
        self._totals: _Totals | None = None  # kept up to date (track), or summed in result

    @property
    def n_articles(self) -> int:
        return len(self.contributions)

    def add(self, body_tokens: Iterable[Any], article_id: Any = None) -> None:
        """Count one article's body tokens (``archive.analysis.Token``)."""
        # a word's stem and root depend on its spelling only (names aside): count spellings
        spellings: Counter[str] = Counter()
        analysed: dict[str, tuple[str, str, str]] = {}  # the pipeline's own analysis
        for t in body_tokens:
            if not t.entity:
                spellings[t.form] += 1
                if t.form not in analysed:
                    analysed[t.form] = (t.normalized, t.stem, t.root)
        self._count(article_id, ((form, n, form) for form, n in spellings.items()),
                    analysed.__getitem__)

    def add_vocabulary(self, words: list[str], counts: Counter[int],
                       article_id: Any = None) -> None:
        """Count one article from its record's vocabulary (``archive.records``
        :func:`~archive.records.decode_body_vocabulary`: five strings per form, the counts
        of its body tokens outside names): the same counts as :meth:`add`, without tokens."""
        article_id = self._new_id(article_id)
        # the forms counted and their numbers in C-level passes (itemgetter, map); only the
        # spellings not numbered yet are read one by one, in the order counted
        ks = list(counts)
        forms = words[0::5]
        counted = [forms[k] for k in ks] if len(ks) < 2 else itemgetter(*ks)(forms)
        nums = list(map(self.spellings.get, counted))
        if None in nums:  # (most articles: the spellings without a root stay unnumbered)
            rootless = self._rootless
            # the places of the spellings without a number, picked in a C-level pass
            for i in compress(range(len(nums)), map(is_, nums, repeat(None))):
                form = counted[i]
                if form not in rootless:
                    k = ks[i]
                    nums[i] = self._number(form, words[5 * k + 1:5 * k + 4])
        # (the vocabulary's forms are distinct: so are their numbers, None aside)
        found: dict[Any, int] = dict(zip(nums, counts.values(), strict=True))
        found.pop(None, None)
        self._contribute(article_id, found)

    def remove(self, article_id: Any) -> None:
        """Take an article's counts out again (it changed or left the archive)."""
        part = self.contributions.pop(article_id)
        self._dropped += len(part[0]) // _ITEM
        if self._totals is not None:
            self._totals.apply(self, part, -1)

    def _count(self, article_id: Any, spellings: Iterable[tuple[str, int, Any]],
               analysis: Callable[[Any], tuple[str, str, str]]) -> None:
        """Count one article: ``(spelling, tokens, ref)`` for each of its distinct spellings,
        where ``analysis(ref)`` gives the spelling's ``(normalized, stem, root)`` (asked only
        for a spelling the collector has not read yet)."""
        article_id = self._new_id(article_id)
        numbers = self.spellings
        rootless = self._rootless
        found: dict[int, int] = {}
        for form, n, ref in spellings:
            k = numbers.get(form)
            if k is None:
                if form in rootless:
                    continue
                k = self._number(form, analysis(ref))
                if k is None:
                    continue
            found[k] = found.get(k, 0) + n
        self._contribute(article_id, found)

    def _new_id(self, article_id: Any) -> Any:
        """The id an article is counted under (numbered in order when None); an id counted
        already is an error."""
        if article_id is None:
            article_id = ("", self._unnamed)
            self._unnamed += 1
        if article_id in self.contributions:
            raise ValueError(f"article {article_id!r} counted twice")
        return article_id

    def _number(self, form: str, analysis: Any) -> int | None:
        """The number of a spelling the collector has not numbered yet, read now (None: it
        has no root of the lexicon, remembered as such)."""
        info = self._reading(form, analysis)
        if not info:
            self._rootless[form] = None
            return None
        k = self.spellings[form] = len(self.readings)
        self.spelled.append(form)
        self.readings.append(info)
        return k

    def _contribute(self, article_id: Any, found: dict[int, int]) -> None:
        """Keep an article's contribution: its spellings' numbers and token counts."""
        ids = sorted(found)
        part = self.contributions[article_id] = (array("I", ids).tobytes(),
                                                 array("I", map(found.__getitem__, ids)).tobytes())
        if self._totals is not None:
            self._totals.apply(self, part, 1)

    def compact(self) -> None:
        """Forget the spellings no article has any more (after articles were removed), when
        they are at least half of those known: the counts kept between builds do not grow
        with every edit."""
        import numpy as np

        if 2 * (len(self.readings) - self._dropped) > len(self.readings):
            return  # too few taken out for that (no need to look at every contribution)
        ids = np.frombuffer(b"".join(p[0] for p in self.contributions.values()),
                            dtype=_UINT)
        live = np.unique(ids)
        if 2 * len(live) > len(self.readings):
            return
        self._dropped = 0
        number = np.zeros(len(self.readings), dtype=_UINT)
        number[live] = np.arange(len(live), dtype=_UINT)
        self.contributions = {
            aid: (number[np.frombuffer(k, dtype=_UINT)].tobytes(), n)
            for aid, (k, n) in self.contributions.items()}
        self.spelled = [self.spelled[k] for k in live]
        self.readings = [self.readings[k] for k in live]
        self.spellings = {s: k for k, s in enumerate(self.spelled)}
        self._rootless = {}
        self._totals = None  # numbered anew: summed again when asked

    def _reading(self, form: str, analysis: tuple[str, str, str] | None = None
                 ) -> tuple[str, str, str, str, bool] | tuple[()]:
        """``(root, stem, class, wazn, bare)`` of a spelling (``bare``: the spelling is the
        stem itself once normalised), or ``()`` when it has no root of
        the root lexicon (a name, a word no lexicon knows, a number…). ``analysis``: the
        token's own ``(normalized, stem, root)`` (what :func:`analyze_word` gives a word that
        is not a name), so that the words are not analysed a second time."""
        normalized, stem, root = analysis or analyze_word(form)
        # (the lexicon's roots and the names are read here, when a spelling is first read:
        # a rebuild that only takes articles out needs neither, nor the analysis tables)
        if root not in lexicon_roots() or root.startswith(ALT_MARK):
            return ()
        if stem == root:
            names = _names()  # (asked only here: most stems are not their root)
            if stem in names and (ALONLY_TAG not in names[stem].split(",") or normalized.endswith(
                    ("ال" + stem, "لل" + stem))):
                return ()  # a name's key that is also a root (عمر; النصر, not نصر)
            if is_stop(normalized) or is_stop(stem):
                return ()  # a function word read through the stop-word table (على, وعلى, عليه)
        cls, w = classify(stem, root, *spelling_hint(normalized, stem, form))
        # (interned: the many readings of a root or a class share one string each, which
        # counts.bin then holds once, ~half the CPU of reading its head back)
        return (sys.intern(root), sys.intern(stem), sys.intern(cls), sys.intern(w),
                normalized == stem)  # (normalized: normalize(form), see analyze_word)

    def track(self, index: RootIndex | None = None) -> None:
        """Keep every total :meth:`result` needs up to date as articles are added and removed
        (``mkdocs serve``): a result after one article changed costs about that article's
        roots, not a sum over every contribution (see :class:`_Totals`). ``index``: the
        result of exactly these contributions (read back from build/), whose pages the next
        result keeps where their counts did not move."""
        if self._totals is None:
            self._totals = _Totals(self)
            if index is not None:
                self._totals.seed(index)

    def result(self, min_articles: int | None = None) -> RootIndex:
        """The roots found in at least ``min_articles`` articles (None: :func:`default_min`),
        with their pages' data."""
        totals = self._totals if self._totals is not None else _Totals(self)
        return totals.result(self, min_articles)


class _Totals:
    """The totals of a :class:`RootCollector`'s contributions: tokens per spelling, form and
    root, articles per form and root, and (for the roots with pages) the articles each pair of
    roots shares. Made by summing every contribution; while the collector tracks them
    (:meth:`RootCollector.track`) an added or removed article's contribution is applied to
    them, and :meth:`result` makes again only the pages of the roots whose counts changed
    (the others keep their page objects, with new partners when those moved). The totals are
    integer sums, so an updated total is the total summed from scratch: the same index."""

    def __init__(self, col: RootCollector) -> None:
        import numpy as np

        # (root, stem, class) → form number; None when read back from a store (not kept
        # there: the few a rebuild's new spellings ask are found among their root's, _number)
        self.form_ids: dict[tuple[str, str, str], int] | None = {}
        self.n_forms = 0
        self.root_ids: dict[str, int] = {}
        self.root_names: list[str] = []
        # root number → its spellings' numbers, in order (read back: _ByRoot, from root_of)
        self.by_root: list[list[int]] | _ByRoot = []
        self.form_of = np.empty(0, dtype=np.int64)
        self.root_of = np.empty(0, dtype=np.int64)
        self._number(col)
        n_spellings, n_forms, n_roots = len(col.readings), self.n_forms, len(self.root_ids)
        # the contributions summed a block of articles at a time (a block's arrays are small;
        # only each article's distinct roots are kept, for the co-occurrences)
        spelling_sum = np.zeros(n_spellings, dtype=np.float64)
        form_sum = np.zeros(n_forms, dtype=np.float64)
        root_sum = np.zeros(n_roots, dtype=np.float64)
        form_articles = np.zeros(n_forms, dtype=np.int64)
        root_articles = np.zeros(n_roots, dtype=np.int64)
        form_of, root_of = self.form_of, self.root_of
        parts = list(col.contributions.values())
        for lo in range(0, len(parts), _BLOCK):
            block = parts[lo:lo + _BLOCK]
            ids = np.frombuffer(b"".join(p[0] for p in block), dtype=_UINT)
            counts = np.frombuffer(b"".join(p[1] for p in block), dtype=_UINT)
            art = np.repeat(np.arange(lo, lo + len(block), dtype=np.int64),
                            [len(p[0]) // _ITEM for p in block])
            forms, roots_ = form_of[ids], root_of[ids]
            spelling_sum += np.bincount(ids, weights=counts, minlength=n_spellings)
            form_sum += np.bincount(forms, weights=counts, minlength=n_forms)
            root_sum += np.bincount(roots_, weights=counts, minlength=n_roots)
            form_articles += np.bincount(_distinct(art * n_forms + forms) % n_forms,
                                         minlength=n_forms)
            root_articles += np.bincount(_distinct(art * n_roots + roots_) % n_roots,
                                         minlength=n_roots)
        self.spelling_tokens = spelling_sum.astype(np.int64)
        self.form_tokens = form_sum.astype(np.int64)
        self.root_tokens = root_sum.astype(np.int64)
        self.form_articles = form_articles
        self.root_articles = root_articles
        self.n_spellings = n_spellings
        # the shared articles of each pair of the roots in ``slots`` (the roots with pages
        # when last counted), ``shared[slot a, slot b]``; None: to be counted
        self.slots: dict[str, int] = {}
        self.slot_of = np.full(n_roots, -1, dtype=np.int64)
        self.shared: Any = None
        self.slot_names: list[str] = []
        self.alpha: Any = None
        # the co-occurring roots of the last result, and what they were computed from
        self.lists: dict[str, list[Related]] = {}
        self.last: tuple[int, Any, Any] | None = None
        # the pages of the last result, and what their counts were then (None: no result yet)
        self.pages: dict[str, RootPage] = {}
        self.changed: set[int] = set()  # roots whose counts may have moved since then
        self.touched: set[int] = set()  # forms whose counts may have moved since then
        self._touched_mask: Any = None  # ``touched`` as a mask over the forms, when made
        self.seen: tuple[Any, Any, Any] | None = None

    def state(self, index: RootIndex | None) -> dict[str, Any]:
        """For build/roots/totals.pickle: the totals as plain data. The pages and their
        co-occurring roots are left out (None) when they are those of ``index``, the root
        index saved beside (index.bin, read anyway): unpickled a second time they were most
        of the file's CPU. Otherwise they are kept as plain tuples (pickled by C code; their
        dataclasses one by one took a third of a second)."""
        import numpy as np

        state = dict(self.__dict__)
        # what is made again when read back (_ByRoot, _number) or equal to what is kept
        # anyway (the last result's counts and shared articles) is not saved twice
        state["form_ids"] = state["by_root"] = None
        if self.seen is not None and all(
                np.array_equal(a, b) for a, b in zip(self.seen, self._seen_now(), strict=True)):
            state["seen"] = "now"
        if self.last is not None and self.shared is not None and np.array_equal(
                self.last[1], self.shared):
            state["last"] = (self.last[0], None, self.last[2])
        if index is not None and self.pages is index.pages and self.lists.keys() == \
                index.pages.keys() and all(self.lists[r] == p.related
                                           for r, p in index.pages.items()):
            state["pages"] = state["lists"] = None
        else:
            state["pages"] = [_page_data(p) for p in self.pages.values()]
            state["lists"] = [(root, [(r.root, r.shared, r.pmi, r.score) for r in rel])
                              for root, rel in self.lists.items()]
        return state

    @classmethod
    def from_state(cls, state: dict[str, Any], index: RootIndex | None) -> _Totals | None:
        """The totals :meth:`state` gave; ``index``: the root index saved beside them (None
        when there is none that goes with them). None when the totals need that index."""
        if state["pages"] is None:
            if index is None:
                return None
            state["pages"] = dict(index.pages)
            state["lists"] = {root: p.related for root, p in index.pages.items()}
        else:
            state["pages"] = {p[0]: _page_from(p) for p in state["pages"]}
            state["lists"] = {root: [Related(*r) for r in rel]
                              for root, rel in state["lists"]}
        totals = cls.__new__(cls)
        totals.__dict__.update(state)
        totals.by_root = _ByRoot(totals.root_of, len(totals.root_names))
        if totals.seen == "now":
            totals.seen = totals._seen_now()
        if totals.last is not None and totals.last[1] is None:
            totals.last = (totals.last[0], totals.shared.copy(), totals.last[2])
        return totals

    def _seen_now(self) -> tuple[Any, Any, Any]:
        """Copies of the counts :meth:`_moved` compares with the last result's."""
        return (self.spelling_tokens.copy(), self.form_articles.copy(),
                self.root_articles.copy())

    def _number(self, col: RootCollector) -> None:
        """Number the forms and roots of the spellings the collector read since the last
        call (the totals grow with them)."""
        import numpy as np

        start = len(self.form_of)
        if start == len(col.readings):
            return
        root_ids = self.root_ids
        root_names, by_root = self.root_names, self.by_root
        new = col.readings[start:]
        form_ids = self.form_ids
        if form_ids is None:  # read back: the forms of the new spellings' roots, found
            form_ids = self._root_forms(col, {reading[0] for reading in new})
        n_forms = self.n_forms
        new_forms, new_roots = [], []
        # (a pass per spelling read: the names bound once, a reading unpacked, not sliced)
        for k, (root, stem, cls, _, _) in enumerate(new, start):
            f = form_ids.get((root, stem, cls))
            if f is None:
                f = form_ids[(root, stem, cls)] = n_forms
                n_forms += 1
            new_forms.append(f)
            r = root_ids.get(root)
            if r is None:
                r = root_ids[root] = len(root_ids)
                root_names.append(root)
                by_root.append([])
            new_roots.append(r)
            by_root[r].append(k)
        self.n_forms = n_forms
        self.form_of = np.concatenate((self.form_of, np.array(new_forms, dtype=np.int64)))
        self.root_of = np.concatenate((self.root_of, np.array(new_roots, dtype=np.int64)))

    def _root_forms(self, col: RootCollector, roots_: set[str]) -> dict[tuple[str, str, str],
                                                                        int]:
        """The numbers of the forms of ``roots_`` known so far, from their spellings'
        readings: the part of ``form_ids`` that new spellings of these roots can ask."""
        _prefetch(col.readings, roots_)
        form_of = self.form_of
        out: dict[tuple[str, str, str], int] = {}
        for r in sorted(roots_):
            i = self.root_ids.get(r)
            if i is None:
                continue
            ks = self.by_root[i]
            readings = _rows_for(col, r, ks)[1]
            for k in ks:
                root, stem, cls = readings[k][:3]
                out.setdefault((root, stem, cls), int(form_of[k]))
        return out

    def _grow(self, col: RootCollector) -> None:
        import numpy as np

        self._number(col)

        def grown(a: Any, n: int) -> Any:
            return a if len(a) >= n else np.concatenate((a, np.zeros(n - len(a), a.dtype)))

        n_forms, n_roots = self.n_forms, len(self.root_ids)
        self.n_spellings = len(col.readings)
        self.spelling_tokens = grown(self.spelling_tokens, self.n_spellings)
        self.form_tokens = grown(self.form_tokens, n_forms)
        self.form_articles = grown(self.form_articles, n_forms)
        self.root_tokens = grown(self.root_tokens, n_roots)
        self.root_articles = grown(self.root_articles, n_roots)
        if len(self.slot_of) < n_roots:
            self.slot_of = np.concatenate(
                (self.slot_of, np.full(n_roots - len(self.slot_of), -1, dtype=np.int64)))

    def apply(self, col: RootCollector, part: tuple[bytes, bytes], sign: int) -> None:
        """Add (``sign`` 1) or take out (-1) one article's contribution."""
        import numpy as np

        self._grow(col)
        ids = np.frombuffer(part[0], dtype=_UINT).astype(np.int64)
        counts = np.frombuffer(part[1], dtype=_UINT).astype(np.int64) * sign
        forms, roots_ = self.form_of[ids], self.root_of[ids]
        self.spelling_tokens[ids] += counts  # an article's spellings are distinct
        np.add.at(self.form_tokens, forms, counts)
        np.add.at(self.root_tokens, roots_, counts)
        forms, roots_ = np.unique(forms), np.unique(roots_)
        self.form_articles[forms] += sign
        self.root_articles[roots_] += sign
        self.changed.update(roots_.tolist())
        self.touched.update(forms.tolist())
        self._touched_mask = None
        if self.shared is not None:
            slots = self.slot_of[roots_]
            slots = slots[slots >= 0]
            self.shared[np.ix_(slots, slots)] += sign

    def _count_shared(self, col: RootCollector, chosen: list[str]) -> None:
        """Count the articles each pair of the ``chosen`` roots shares, from every
        contribution (or, when the roots already counted are most of them, only the pairs
        with a root new among them: :meth:`_count_new`)."""
        import numpy as np

        if self.shared is not None and len(set(chosen).difference(self.slots)) <= FEW_NEW:
            shared = self._count_new(col, chosen)
        else:
            shared = self._count_all(col, chosen)
        self.shared = shared
        self.slots = {root: i for i, root in enumerate(chosen)}
        self.slot_names = list(chosen)
        self.alpha = np.empty(len(chosen), dtype=np.int64)  # rank in alphabetical order
        self.alpha[sorted(range(len(chosen)), key=chosen.__getitem__)] = np.arange(len(chosen))
        self.last = None
        self.slot_of = np.full(len(self.root_ids), -1, dtype=np.int64)
        self.slot_of[[self.root_ids[r] for r in chosen]] = np.arange(len(chosen))

    def _count_new(self, col: RootCollector, chosen: list[str]) -> Any:
        """The shared articles of the ``chosen`` roots, those of two roots already counted
        (``self.shared``, kept up to date by :meth:`apply`) taken over, the others counted in
        the articles of the new roots only: what an added or deleted article needs when it
        moves the pages' threshold (at 987 articles every one does), without the product of
        the whole articles × roots matrix, nor the import of scipy for it (0.13–0.15 CPU s).
        Integer counts: the same matrix as :meth:`_count_all`'s."""
        import numpy as np

        n_roots, m = len(self.root_ids), len(chosen)
        root_ids, slots = self.root_ids, self.slots
        column = np.full(n_roots, -1, dtype=np.int64)
        column[[root_ids[r] for r in chosen]] = np.arange(m)
        new_at = [i for i, r in enumerate(chosen) if r not in slots]
        old_at = [i for i, r in enumerate(chosen) if r in slots]
        shared = np.zeros((m, m), dtype=np.int32)
        kept = np.asarray([slots[chosen[i]] for i in old_at], dtype=np.int64)
        shared[np.ix_(old_at, old_at)] = self.shared[np.ix_(kept, kept)]
        if not new_at:
            return shared
        fresh = np.zeros(n_roots, dtype=bool)
        fresh[[root_ids[chosen[i]] for i in new_at]] = True
        counts = np.zeros((len(new_at), m), dtype=np.float64)
        root_of = self.root_of
        for ids, art, size in _blocks(col):
            roots_ = root_of[ids]
            holders = np.zeros(size, dtype=bool)  # the articles with a new root
            holders[art[fresh[roots_]]] = True
            sel = holders[art]
            if not sel.any():
                continue
            pairs = _distinct(art[sel] * n_roots + roots_[sel])  # (article, root) once
            c = column[pairs % n_roots]
            keep = c >= 0
            row = np.cumsum(holders) - 1  # each holder's row of its 0/1 matrix
            x = np.zeros((int(holders.sum()), m), dtype=np.float64)
            x[row[pairs[keep] // n_roots], c[keep]] = 1.0
            counts += x[:, new_at].T @ x  # (whole numbers: exact in float64)
        counts_ = counts.astype(np.int32)
        shared[new_at, :] = counts_
        shared[:, new_at] = counts_.T
        return shared

    def _count_all(self, col: RootCollector, chosen: list[str]) -> Any:
        """The shared articles of each pair of the ``chosen`` roots, summed from every
        contribution (the product of the articles × roots matrix with itself)."""
        import numpy as np
        from scipy import sparse

        n_roots = len(self.root_ids)
        column = np.full(n_roots, -1, dtype=np.int64)
        column[[self.root_ids[r] for r in chosen]] = np.arange(len(chosen))
        root_of = self.root_of
        # summed a block of articles at a time (integer sums: the product of the whole
        # articles × roots matrix, without holding its pairs: +140 MB at 29,904 articles,
        # the build's peak)
        shared = np.zeros((len(chosen), len(chosen)), dtype=np.int32)
        for ids, art, size in _blocks(col):
            pairs = _distinct(art * n_roots + root_of[ids])  # (article, root) once
            c = column[pairs % n_roots]
            keep = c >= 0
            x = sparse.csr_matrix((np.ones(int(keep.sum()), dtype=np.int32),
                                   (pairs[keep] // n_roots, c[keep])),
                                  shape=(size, len(chosen)))
            shared += (x.T @ x).toarray()
        return shared

    def result(self, col: RootCollector, min_articles: int | None) -> RootIndex:
        self._grow(col)
        n_articles = col.n_articles
        counted = self.root_articles.tolist()
        names = self.root_names
        found = {names[i]: n for i, n in enumerate(counted) if n}
        if min_articles is None:
            min_articles = default_min(n_articles, found.values())
        chosen = sorted((r for r, n in found.items() if n >= min_articles),
                        key=lambda r: (-found[r], r))
        related: dict[str, list[Related]] = {}
        if len(chosen) >= 2 and n_articles:
            related = self._related(col, chosen, found, n_articles)
        # the pages: those of the roots whose counts did not move are the last result's
        moved = self._moved()
        # the readings of the pages made again, read at once (when read as asked)
        _prefetch(col.readings, [root for root in chosen if root not in self.pages
                                 or self.root_ids[root] in moved])
        pages: dict[str, RootPage] = {}
        for root in chosen:
            i = self.root_ids[root]
            old = self.pages.get(root)
            rel = related.get(root, [])
            if old is not None and i not in moved:
                pages[root] = (old if old.related is rel or old.related == rel
                              else replace(old, related=rel))
            else:
                page = None if old is None else self._page_again(col, old, i, found[root],
                                                                  rel)
                pages[root] = page or self._page(col, root, i, found[root], rel)
        self.pages = pages
        self.changed = set()
        self.touched = set()
        self._touched_mask = None
        self.seen = self._seen_now()
        return RootIndex(pages, n_articles, min_articles, len(found))

    def seed(self, index: RootIndex) -> None:
        """Take ``index``, the result of the contributions summed, as the last result."""
        self.pages = dict(index.pages)
        self.changed = set()
        self.touched = set()
        self._touched_mask = None
        self.seen = self._seen_now()

    def _related(self, col: RootCollector, chosen: list[str], found: dict[str, int],
                 n_articles: int) -> dict[str, list[Related]]:
        """The co-occurring roots of each chosen root; those of the last result where
        nothing they depend on moved (their row of shared articles, their partners' articles,
        the number of articles)."""
        import numpy as np

        if self.shared is None or self.slots.keys() != set(chosen):
            self._count_shared(col, chosen)
            self.lists = {}
        names = self.slot_names
        n_a = np.array([found[r] for r in names], dtype=np.float64)
        last = self.last
        if not self.lists or last is None or last[0] != n_articles:
            rows: Any = range(len(names))
        else:
            moved = np.flatnonzero(n_a != last[2])
            rows = np.union1d(np.flatnonzero((self.shared != last[1]).any(axis=1)), moved)
            if len(moved):
                partners = self.shared[:, moved] >= MIN_SHARED
                rows = np.union1d(rows, np.flatnonzero(partners.any(axis=1)))
            rows = rows.tolist()
        self.lists.update(_cooccurrence(n_articles, names, self.shared, n_a, self.alpha, rows))
        self.last = (n_articles, self.shared.copy(), n_a)
        return self.lists

    def _moved(self) -> set[int]:
        """The roots whose counts (their spellings' tokens, their forms' articles, their own
        articles) are not those of the last result's pages."""
        import numpy as np

        if self.seen is None:
            return set(range(len(self.root_ids)))
        tokens, form_articles, root_articles = self.seen
        moved = set()
        for i in self.changed:
            ks = np.array(self.by_root[i], dtype=np.int64)
            if (i >= len(root_articles) or root_articles[i] != self.root_articles[i]
                    or ks.max() >= len(tokens)):
                moved.add(i)
                continue
            forms = self.form_of[ks]
            if (not np.array_equal(tokens[ks], self.spelling_tokens[ks])
                    or forms.max() >= len(form_articles)
                    or not np.array_equal(form_articles[forms], self.form_articles[forms])):
                moved.add(i)
        return moved

    def _page_again(self, col: RootCollector, old: RootPage, i: int, articles: int,
                    related: list[Related]) -> RootPage | None:
        """:meth:`_page` made from the last result's page ``old`` of the root: the forms
        whose counts did not move since (not in ``touched``) are its Form objects, only the
        others are made again (what one article changed: a few of a root's forms, where
        :meth:`_page` reads every spelling of the root, thousands for the common roots).
        None where the old page cannot tell which of its forms the moved ones replace (a
        stem read in two classes), or where the verbs' forms moved (which may turn the
        root's مفاعل from plural to participle): then :meth:`_page` makes it."""
        import numpy as np

        ks_all = np.array(self.by_root[i], dtype=np.int64)
        if self._touched_mask is None or len(self._touched_mask) != self.n_forms:
            self._touched_mask = np.zeros(self.n_forms, dtype=bool)
            self._touched_mask[list(self.touched)] = True
        ks_ = ks_all[self._touched_mask[self.form_of[ks_all]]].tolist()
        if not ks_:
            return None
        spelling_tokens = dict(zip(ks_, self.spelling_tokens[ks_].tolist(), strict=True))
        spelled, readings = _rows_for(col, old.root, ks_)
        keys: set[tuple[str, str]] = set()
        forms_: dict[tuple[str, str], list[int]] = {}
        for k in ks_:
            reading = readings[k]
            key = (reading[1], reading[2])
            keys.add(key)
            if spelling_tokens[k]:
                forms_.setdefault(key, []).append(k)
        wazns = _wazns(forms_, readings, spelling_tokens)
        stems = {stem for stem, _ in keys}
        # the root's Form III verb (see _page) as the old page shows it, and now
        form3 = any(f.wazn in FORM3 for cls, fs in old.groups if cls == "verb" for f in fs)
        if form3 != (any(w in FORM3 for (_, cls), w in wazns.items() if cls == "verb") or any(
                f.wazn in FORM3 for cls, fs in old.groups if cls == "verb" for f in fs
                if f.stem not in stems)):
            return None  # another reading of the root's مفاعل forms
        groups: dict[str, list[Form]] = {c: [] for c in CLASSES}
        for cls, fs in old.groups:
            for f in fs:
                if f.stem in stems and form3 and cls == "participle" and (
                        f.wazn == "مفاعل" or (f.stem, "plural") in keys):
                    return None  # a participle or a plural read as one: which one moved?
                if (f.stem, cls) not in keys:
                    groups[cls].append(f)  # (the moved forms are made again below)
        made: set[int] = set()  # (the forms made again, by id: alive in ``groups``)
        for (stem, cls), ks in forms_.items():
            w = wazns[(stem, cls)]
            form = self._form(stem, w, ks, spelled, readings, spelling_tokens)
            groups[_label(cls, w, form3)].append(form)
            made.add(id(form))
        for group in groups.values():
            # (the forms kept are in their order on the old page, so a stable sort keeps
            # their ties as they were; a tie with a form made again is :meth:`_page`'s)
            keys_ = Counter((f.tokens, f.articles, f.stem) for f in group)
            if any(keys_[(f.tokens, f.articles, f.stem)] > 1 for f in group
                   if id(f) in made):
                return None
            group.sort(key=lambda f: (-f.tokens, -f.articles, f.stem))
        return RootPage(old.root, int(self.root_tokens[i]), articles,
                        [(c, fs) for c, fs in groups.items() if fs], related)

    def _page(self, col: RootCollector, root: str, i: int, articles: int,
              related: list[Related]) -> RootPage:
        """One root's page data, from the totals."""
        ks_ = self.by_root[i]
        # the tokens of the root's spellings, as Python ints (a numpy scalar each is slow)
        spelling_tokens = dict(zip(ks_, self.spelling_tokens[ks_].tolist(), strict=True))
        # the spellings of the root's forms (those still found in some article)
        spelled, readings = _rows_for(col, root, (k for k in ks_ if spelling_tokens[k]))
        forms_: dict[tuple[str, str], list[int]] = {}
        for k in ks_:
            if spelling_tokens[k]:
                reading = readings[k]
                forms_.setdefault((reading[1], reading[2]), []).append(k)
        wazns = _wazns(forms_, readings, spelling_tokens)
        # مفاعل is the participle of Form III (مقاتل) when the archive uses the root's
        # Form III verb (قاتل، يقاتل), else a broken plural (مساجد)
        form3 = any(cls == "verb" and wazns[(stem, cls)] in FORM3 for stem, cls in forms_)
        groups: dict[str, list[Form]] = {c: [] for c in CLASSES}
        for (stem, cls), ks in forms_.items():
            w = wazns[(stem, cls)]
            groups[_label(cls, w, form3)].append(
                self._form(stem, w, ks, spelled, readings, spelling_tokens))
        for group in groups.values():
            group.sort(key=lambda f: (-f.tokens, -f.articles, f.stem))
        return RootPage(root, int(self.root_tokens[i]), articles,
                        [(c, fs) for c, fs in groups.items() if fs], related)

    def _form(self, stem: str, wazn: str, ks: list[int], spelled: Any, readings: Any,
              spelling_tokens: dict[int, int]) -> Form:
        """A form's row on its root's page: ``ks``, its spellings found in some article."""
        f = self.form_of[ks[0]]  # (the form of each of its spellings)
        spellings = sorted(((spelled[k], spelling_tokens[k], readings[k][4]) for k in ks),
                           key=lambda kv: (-kv[1], kv[0]))
        bare = [s for s, _, is_stem in spellings if is_stem]
        return Form(stem, wazn, int(self.form_tokens[f]), int(self.form_articles[f]),
                    [s for s, *_ in spellings[:SPELLINGS_SHOWN]], len(spellings),
                    bare[0] if bare else spellings[0][0])


def _wazns(forms_: dict[tuple[str, str], list[int]], readings: Any,
           spelling_tokens: dict[int, int]) -> dict[tuple[str, str], str]:
    """Each form's wazn: that of most of its spellings' tokens (ties: the smallest)."""
    wazns: dict[tuple[str, str], str] = {}
    for key, ks in forms_.items():
        per: Counter[str] = Counter()
        for k in ks:
            per[readings[k][3]] += spelling_tokens[k]
        wazns[key] = min(per.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    return wazns


def _label(cls: str, wazn: str, form3: bool) -> str:
    """The class a form is listed under: مفاعل is the participle of Form III (مقاتل) when
    the archive uses the root's Form III verb (قاتل، يقاتل), else a broken plural (مساجد)."""
    return "participle" if form3 and cls == "plural" and wazn == "مفاعل" else cls


def _blocks(col: RootCollector) -> Iterator[tuple[Any, Any, int]]:
    """Every contribution's spelling numbers, :data:`_BLOCK` articles at a time: per block,
    the numbers, the article of each (its place in the block) and the block's articles."""
    import numpy as np

    parts = list(col.contributions.values())
    for lo in range(0, len(parts), _BLOCK):
        block = parts[lo:lo + _BLOCK]
        ids = np.frombuffer(b"".join(p[0] for p in block), dtype=_UINT)
        art = np.repeat(np.arange(len(block), dtype=np.int64),
                        [len(p[0]) // _ITEM for p in block])
        yield ids, art, len(block)


def _distinct(values: Any) -> Any:
    """The distinct values of an integer array, in order."""
    import numpy as np

    if not len(values):
        return values
    values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))]


def _cooccurrence(n_articles: int, names: list[str], shared: Any, n_a: Any, alpha: Any,
                  rows: Iterable[int]) -> dict[str, list[Related]]:
    """For the roots ``names[i]`` of ``rows``, the roots of ``names`` most associated with it
    (PMI over articles); ``shared[a, b]``: the articles roots ``names[a]`` and ``names[b]``
    share; ``n_a``: each root's articles; ``alpha``: each root's rank in alphabetical order.
    A root's list depends on its row, its partners' ``n_a`` and ``n_articles`` only, not on
    the order of ``names``.

    Worked out for :data:`COOCCURRENCE_ROWS` rows at a time (one edit that gives an article
    a new root changes the lists of most roots: 1,000 rows one by one took ~0.3 CPU s): each
    partner's PMI and score as the same float operations on each element, then only the
    partners scoring at least a row's ``RELATED_SHOWN``-th best score (all its partners in
    the list, ties included) are sorted, all rows' at once."""
    import numpy as np

    rows = np.fromiter(rows, dtype=np.int64)
    total = float(n_articles)
    out: dict[str, list[Related]] = {}
    n = len(names)
    for lo in range(0, len(rows), COOCCURRENCE_ROWS):
        part = rows[lo:lo + COOCCURRENCE_ROWS]
        block = shared[part]
        valid = block >= MIN_SHARED
        valid[np.arange(len(part)), part] = False  # not the root itself
        cnt = block.astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            pmi = np.log2(cnt * total / (n_a[part][:, None] * n_a[None, :]))
            valid &= pmi > 0
            score = np.round(pmi * np.log(cnt), 6)
        ranked = np.where(valid, score, -np.inf)
        if n > RELATED_SHOWN:  # a row's RELATED_SHOWN-th best score (-inf: fewer partners)
            least = np.partition(ranked, n - RELATED_SHOWN, axis=1)[:, n - RELATED_SHOWN]
            valid &= ranked >= least[:, None]
        r, c = np.nonzero(valid)
        order = np.lexsort((alpha[c], -cnt[r, c], -score[r, c], r))
        r, c = r[order], c[order]
        rank = np.arange(len(r)) - np.searchsorted(r, r)  # place in its row's list
        shown = rank < RELATED_SHOWN
        r, c = r[shown], c[shown]
        lists: list[list[Related]] = [[] for _ in part]
        for k, j, cn, p, sc in zip(r.tolist(), c.tolist(), cnt[r, c].tolist(),
                                   pmi[r, c].tolist(), score[r, c].tolist(), strict=True):
            lists[k].append(Related(names[j], int(cn), round(p, 6), sc))
        for k, i in enumerate(part.tolist()):
            out[names[i]] = lists[k]
    return out


#: Rows of the shared-articles matrix :func:`_cooccurrence` works on at once (each array it
#: makes is this many rows of the ≤ MAX_PAGES roots: ~1 MB of float64 at 1,000).
COOCCURRENCE_ROWS = 128


# ------------------------------------------------------------------------------ results


@dataclass(frozen=True, slots=True)
class Form:
    stem: str  # the analyzer's stem key: what the concordance's stem mode matches
    wazn: str
    tokens: int
    articles: int
    spellings: list[str]  # most frequent spellings as written, at most SPELLINGS_SHOWN
    n_spellings: int

    label: str  # as shown: the most frequent spelling that is the stem itself, else the
    #             most frequent spelling


@dataclass(frozen=True, slots=True)
class Related:
    root: str
    shared: int  # articles with both roots
    pmi: float
    score: float  # pmi · ln(shared)


@dataclass(frozen=True, slots=True)
class Partner:
    """A co-occurring root as a root page shows it: its PMI and score are not shown, and they
    move with every article added or removed (the archive's size is in the PMI), so they are
    kept out of the page's context (the page cache's key) and a page whose partners and
    their counts stay the same is not rendered again."""

    root: str
    shared: int


@dataclass(frozen=True, slots=True)
class RootPage:
    root: str
    tokens: int
    articles: int
    groups: list[tuple[str, list[Form]]]  # (class, forms), classes in CLASSES order
    related: list[Related]


@dataclass(frozen=True, slots=True)
class RootIndex:
    pages: dict[str, RootPage]  # most articles first, then by root
    n_articles: int
    min_articles: int
    n_roots: int  # roots found at all (with or without a page)


def collect(analyzed: Iterable[Any], min_articles: int | None = None) -> RootIndex:
    """Count the roots of analysed articles (``archive.pipeline.AnalyzedArticle``); pages for
    the roots in at least ``min_articles`` articles (None: :func:`default_min`)."""
    col = RootCollector()
    for aa in analyzed:
        col.add(aa.body_tokens)
    return col.result(min_articles)


def collect_records(analysis: Any, min_articles: int | None = None) -> RootIndex:
    """:func:`collect` from a build's analysis records (``archive.records.Analysis``), read
    one article at a time as word counts, without rebuilding their tokens."""
    col = RootCollector()
    for words, counts in analysis.body_vocabularies():
        col.add_vocabulary(words, counts)
    return col.result(min_articles)


#: The counted roots of the last build, in ``build/roots/roots.sqlite`` (:class:`_Store`, one
#: SQLite file): the root index (reused whole while no article's analysis record, the
#: threshold and this code are the same); each article's contribution to the counts (see
#: :class:`RootCollector`) with the record it was counted from; the spellings read, with their
#: readings (and those found without a root); and the totals summed from the contributions.
#: A rebuild counts only the articles that changed, and reads and writes only what they touch.
CACHE_DIR = "roots"
STORE_NAME = "roots.sqlite"
#: The files of earlier formats in build/roots/, deleted when the store is written.
OLD_FILES = ("index.bin", "counts.bin", "totals.pickle")
#: A build applies at most this many changed articles (or 5 % of them) to the saved totals;
#: more are summed anew from every contribution.
MAX_APPLIED = 64
CACHE_FORMAT = 5


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    return files.fingerprint(f"root index {CACHE_FORMAT}", ["site/roots.py"])


@dataclass(slots=True)
class _Kept:
    """The last count of one build folder, kept in memory by :func:`remember`."""

    key: str  # the index's key (records, threshold, code)
    counts_key: str  # :func:`_counts_key` when counted
    col: RootCollector
    counted: dict[str, str]
    index: RootIndex
    unsaved: bool = True


#: build/roots/ folder → its last count (``mkdocs serve``); None: not remembered.
_KEPT: dict[str, _Kept] | None = None


def remember(on: bool = True) -> None:
    """Keep the last count in memory between builds of one process (``mkdocs serve``): a
    rebuild neither reads nor writes ``counts.bin`` and ``index.bin``, which are written when
    this is switched off (the server stops). A server killed before that leaves the files of an
    earlier count, which the next build checks article by article as always."""
    global _KEPT
    if not on:
        save_remembered()
        _KEPT = None
    elif _KEPT is None:
        _KEPT = {}


def warm(build: Path) -> bool:
    """``mkdocs serve`` (:func:`remember` on): make now the co-occurrence counts that the first
    result after a change needs (a server whose first build read the count back from build/
    has none yet: every pair of chosen roots counted and every root's partners ranked, about
    half a CPU second at 9,504 articles, on the first reload after an edit otherwise). The
    result is that of the same contributions, equal to the kept index. The lexicon's roots
    are read too. False when there was nothing to make."""
    kept = _KEPT.get(str(build / CACHE_DIR)) if _KEPT is not None else None
    totals = kept.col._totals if kept is not None else None
    # the lexicon's roots, read when a spelling is first read (the edited article's new
    # words): ~0.1 CPU s at the first reload that reads one otherwise
    lexicon = kept is not None and not lexicon_roots.cache_info().currsize
    if lexicon:
        lexicon_roots()
    if kept is None or totals is None or totals.shared is not None:
        return lexicon
    kept.col.result(kept.index.min_articles)
    return True


def save_remembered() -> None:
    """Write the remembered counts that the files do not hold yet."""
    for folder, kept in (_KEPT or {}).items():
        if kept.unsaved:
            _save(Path(folder), kept.col, kept.counted, kept.key, kept.index)
            kept.unsaved = False


# ------------------------------------------------------------------------------ the store


_SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID;
CREATE TABLE spell (b INTEGER PRIMARY KEY, data BLOB);
CREATE TABLE root (root TEXT PRIMARY KEY, data BLOB) WITHOUT ROWID;
CREATE TABLE part (b INTEGER PRIMARY KEY, data BLOB);
CREATE TABLE arr (id INTEGER PRIMARY KEY, data BLOB);
"""
#: The totals' arrays kept in the store's ``arr`` table (row: place + 1), each as its bytes,
#: with room to grow (:data:`ARRAY_ROOM`); a rebuild writes only the parts of them that
#: changed (:data:`ARRAY_PAGE` bytes each), in place. The rest of the totals is pickled.
TOTALS_ARRAYS = ("form_of", "root_of", "spelling_tokens", "form_tokens", "form_articles",
                 "root_tokens", "root_articles", "slot_of", "shared")
ARRAY_ROOM = 1 << 16
ARRAY_PAGE = 1 << 12
#: What a store that cannot be read raises: it is then counted anew (and written whole).
_DAMAGED = (sqlite3.Error, OSError, ValueError, EOFError, TypeError, KeyError, IndexError,
            AttributeError, pickle.UnpicklingError)
#: Spellings and articles per bucket of the store (when written whole; see :class:`_Store`).
SPELLINGS_PER_BUCKET = 64
ARTICLES_PER_BUCKET = 16
#: Roots asked at once from the store (:meth:`_RowCache.fetch_roots`).
_IN_CHUNK = 500
#: In a spelling bucket: the number of a spelling without a root (and, asked, of none).
_ROOTLESS = -1
_UNKNOWN = -2


def _n_buckets(n: int, per: int) -> int:
    """A power of two near ``n / per`` (at least 1)."""
    return 1 << max(0, math.ceil(math.log2(max(1, n) / per)))


def _bucket(name: str, mask: int) -> int:
    return zlib.crc32(name.encode()) & mask


class _Store:
    """build/roots/roots.sqlite: the last count, its parts read as asked.

    Tables (each value a :mod:`marshal` blob): ``meta`` (``format``: the format and
    :func:`_counts_key`; ``head``: the spellings numbered, those taken out since the last
    compaction, the articles, the buckets of spellings and of articles; ``records``: the
    record key each article was counted from; ``index``: the root index and its key;
    ``totals``: the pickled :class:`_Totals`, or none); ``spell``: the spellings by bucket
    (crc32 of the spelling), each its number or -1 without a root; ``root``: per root, its
    spellings' numbers and readings; ``part``: the articles' contributions by bucket (crc32
    of the id). A rebuild reads the index, the records, the buckets of the spellings of the
    articles it counts and of the articles that changed, and the readings of the roots whose
    pages it makes again; it writes what changed, with the index and the totals, in one
    transaction: a build stopped at any point leaves the store of the previous count or
    that of this one, never a mix (SQLite's rollback journal; ``synchronous`` is off, so a
    power cut may leave a damaged file, which is then counted anew). A store of another
    format or code is not read; one that cannot be read is counted anew and written whole."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.arrays: dict[int, bytes] = {}  # the rows of ``arr`` read (by the totals)

    @classmethod
    def open(cls, path: Path) -> _Store | None:
        """The store at ``path``; None when there is none or it is not this format's."""
        if not path.is_file():
            return None
        try:
            db = sqlite3.connect(path, isolation_level=None)
        except sqlite3.Error:
            return None
        store = cls(db)
        try:
            db.execute("PRAGMA synchronous=OFF")
            fmt = store.meta("format")
            if fmt is None or marshal.loads(fmt)[0] != CACHE_FORMAT:
                raise ValueError("another format")
        except _DAMAGED:
            store.close()
            return None
        return store

    def close(self) -> None:
        self.db.close()

    def meta(self, name: str) -> bytes | None:
        row = self.db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return None if row is None else bytes(row[0])

    def index(self) -> tuple[str, Any] | None:
        """The saved index's key and data (:func:`_index_data`)."""
        raw = self.meta("index")
        if raw is None:
            return None
        key, data = marshal.loads(raw)
        return key, data

    def collector(self, whole: bool, totals: bool, previous: Any = None,
                  ) -> tuple[RootCollector, dict[str, str]]:
        """The collector of the saved count and the record key each article was counted
        from (an empty collector when made by other code). ``whole``: everything read now
        (a collector kept between builds), else its spellings, readings and contributions
        are read as asked (:class:`_Spellings`, :class:`_LazyRows`,
        :class:`_LazyContributions`). ``totals``: with the saved totals (their pages those of
        the index whose data is ``previous``, when they left them to it)."""
        col = RootCollector()
        fmt = self.meta("format")
        if fmt is None or marshal.loads(fmt)[1] != _counts_key():
            return col, {}
        n_spellings, dropped, n_articles, spell_buckets, part_buckets = marshal.loads(
            self.meta("head") or b"")
        counted: dict[str, str] = marshal.loads(self.meta("records") or b"")
        if not isinstance(counted, dict) or len(counted) != n_articles:
            raise ValueError("records missing")
        col._dropped = dropped
        spellings = _Spellings(self.db, spell_buckets)
        rows = _RowCache(self.db, n_spellings)
        parts = _LazyContributions(self.db, n_articles, part_buckets)
        if whole:
            rows.fetch_all()
            col.spelled = [rows.get(k, 0) for k in range(n_spellings)]
            col.readings = [rows.get(k, 1) for k in range(n_spellings)]
            col.spellings = {s: k for k, s in enumerate(col.spelled)}
            col._rootless = dict.fromkeys(_Rootless(spellings))
            col.contributions = dict(parts.items())
            if len(col.spellings) != n_spellings or col.contributions.keys() != counted.keys():
                raise ValueError("spellings or contributions missing")
        else:
            col.spellings = spellings  # type: ignore[assignment]
            col._rootless = _Rootless(spellings)  # type: ignore[assignment]
            col.spelled = _LazyRows(rows, 0)  # type: ignore[assignment]
            col.readings = _LazyRows(rows, 1)  # type: ignore[assignment]
            col.contributions = parts  # type: ignore[assignment]
        if totals:
            col._totals = self._totals(previous)
        return col, counted

    def _totals(self, previous: Any) -> _Totals | None:
        import numpy as np

        raw = self.meta("totals")
        if raw is None:
            return None
        try:
            state = pickle.loads(raw)
            self.arrays = dict(self.db.execute("SELECT id, data FROM arr"))
            for place, name in enumerate(TOTALS_ARRAYS, 1):
                if state[name] is not None:
                    dtype, shape = state[name]
                    state[name] = np.frombuffer(self.arrays[place], dtype=dtype,
                                                count=math.prod(shape)).reshape(shape).copy()
            index = _index_from(previous) if state["pages"] is None and previous else None
            totals = _Totals.from_state(state, index)
        except Exception:  # noqa: BLE001 - any damage: summed again
            return None
        if totals is None or totals.changed:
            return None
        return totals

    def holds(self, col: RootCollector) -> bool:
        """Whether ``col`` is this store's count read lazily and changed since only by
        articles added and taken out (not numbered anew: :meth:`RootCollector.compact`)."""
        return (isinstance(col.contributions, _LazyContributions)
                and col.contributions.db is self.db
                and isinstance(col.spellings, _Spellings) and col.spellings.db is self.db
                and isinstance(col.readings, _LazyRows) and col.readings.rows.db is self.db
                and isinstance(col._rootless, _Rootless))

    def update(self, col: RootCollector, counted: dict[str, str], metas: dict[str, Any],
               arrays: dict[str, Any] | None) -> None:
        """Write what changed in ``col`` (:meth:`holds`) since it was read, with ``metas``
        (None: that row deleted), in one transaction."""
        parts = col.contributions
        spellings = col.spellings
        rows: _RowCache = col.readings.rows  # type: ignore[attr-defined]
        assert isinstance(parts, _LazyContributions) and isinstance(spellings, _Spellings)
        # the roots of the new spellings: their rows with the new readings added
        grown: dict[str, list[Any]] = {}
        for k, (form, reading) in enumerate(zip(rows.forms, rows.readings, strict=True),
                                            rows.n):
            grown.setdefault(reading[0], []).append((k, form, *reading[1:]))
        if grown:
            rows.fetch_roots(grown)
        spell_rows = [(b, marshal.dumps(spellings.buckets[b]))
                      for b in sorted(spellings.touched)]
        root_rows = [(root, marshal.dumps(_columns(rows.by_root.get(root), new)))
                     for root, new in sorted(grown.items())]
        part_rows = [(b, marshal.dumps(parts.buckets[b])) for b in sorted(parts.touched)]
        head = marshal.dumps((len(col.readings), col._dropped, len(parts),
                              spellings.mask + 1, parts.mask + 1))
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany("INSERT OR REPLACE INTO spell VALUES (?, ?)", spell_rows)
            db.executemany("INSERT OR REPLACE INTO root VALUES (?, ?)", root_rows)
            db.executemany("INSERT OR REPLACE INTO part VALUES (?, ?)", part_rows)
            _write_metas(db, {"head": head, "records": marshal.dumps(counted), **metas})
            _write_arrays(db, arrays, self.arrays)
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise


def _write_arrays(db: sqlite3.Connection, arrays: dict[str, Any] | None,
                  stored: dict[int, bytes]) -> None:
    """Write the totals' arrays (none: their rows deleted): of an array whose row read
    (``stored``) has room for it, only the :data:`ARRAY_PAGE` parts that differ, in place;
    the others whole, with room to grow."""
    import numpy as np

    if arrays is None:
        db.execute("DELETE FROM arr")
        return
    for place, name in enumerate(TOTALS_ARRAYS, 1):
        a = arrays[name]
        if a is None:
            db.execute("DELETE FROM arr WHERE id = ?", (place,))
            continue
        data = np.ascontiguousarray(a).view(np.uint8).reshape(-1)
        old = stored.get(place)
        if old is not None and len(old) >= len(data) and len(old) % ARRAY_PAGE == 0:
            pages = -(-len(data) // ARRAY_PAGE)
            new = np.zeros(pages * ARRAY_PAGE, dtype=np.uint8)
            new[:len(data)] = data
            was = np.frombuffer(old, dtype=np.uint8, count=pages * ARRAY_PAGE)
            moved = np.flatnonzero((new.reshape(pages, ARRAY_PAGE)
                                    != was.reshape(pages, ARRAY_PAGE)).any(axis=1)).tolist()
            if moved:
                with db.blobopen("arr", "data", place) as blob:
                    for page in moved:
                        blob.seek(page * ARRAY_PAGE)
                        blob.write(new[page * ARRAY_PAGE:(page + 1) * ARRAY_PAGE].tobytes())
            continue
        room = max(1, -(-len(data) // ARRAY_ROOM)) * ARRAY_ROOM
        db.execute("INSERT OR REPLACE INTO arr VALUES (?, ?)",
                   (place, data.tobytes() + bytes(room - len(data))))


def _write_metas(db: sqlite3.Connection, metas: dict[str, Any]) -> None:
    db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                   [(k, v) for k, v in metas.items() if v is not None])
    db.executemany("DELETE FROM meta WHERE name = ?",
                   [(k,) for k, v in metas.items() if v is None])


def _columns(cols: tuple[list[Any], ...] | None, rows: list[tuple[Any, ...]]
             ) -> tuple[list[Any], ...]:
    """A root's row of the store: its spellings' numbers, spellings, stems, classes, wazns
    and bare flags as columns (``cols``, those read, with ``rows`` added), their strings
    interned (marshal then writes each once, and reads it back interned)."""
    out: tuple[list[Any], ...] = tuple(list(c) for c in cols) if cols else ([], [], [], [], [],
                                                                            [])
    for row in rows:
        for col, value in zip(out, row, strict=True):
            col.append(sys.intern(value) if isinstance(value, str) else value)
    return out


def _groups(keys: Any, *columns: list[Any]) -> Iterator[tuple[int, list[int], list[Any]]]:
    """The places of each value of the integer array ``keys`` (in order, by value), with
    the ``columns`` at those places: ``(value, places, [column's values at the places, …])``.
    One stable sort, each column picked in that order at once (a C-level pass), then sliced."""
    import numpy as np

    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    places = order.tolist()
    picked = [list(itemgetter(*places)(c)) if len(places) > 1 else [c[i] for i in places]
              for c in columns]
    cuts = (np.flatnonzero(ordered[1:] != ordered[:-1]) + 1).tolist()
    for start, end in zip([0, *cuts], [*cuts, len(places)], strict=True):
        if end > start:
            yield int(ordered[start]), places[start:end], [c[start:end] for c in picked]


def _write_whole(path: Path, col: RootCollector, counted: dict[str, str],
                 metas: dict[str, Any], arrays: dict[str, Any] | None) -> None:
    """Write the store anew (a temporary file beside it, renamed over it when whole)."""
    import numpy as np

    spelled = list(col.spelled)
    readings = list(col.readings)
    rootless = list(col._rootless)
    # the spellings by bucket, numbered (-1: without a root); the readings by root, as
    # columns (the readings' strings are interned already). Each grouped by a stable sort of
    # its keys, picked in that order in C-level passes (itemgetter, zip), then sliced.
    if len(spelled) != len(readings):
        raise ValueError("as many readings as spellings")
    forms = spelled + rootless
    n_spell = _n_buckets(len(forms), SPELLINGS_PER_BUCKET)
    buckets = np.fromiter(map(zlib.crc32, map(str.encode, forms)), dtype=np.int64,
                          count=len(forms)) & (n_spell - 1)
    numbers = [*range(len(spelled)), *repeat(_ROOTLESS, len(rootless))]
    spell = [(b, dict(zip(f, k, strict=True))) for b, _, (f, k) in _groups(buckets, forms,
                                                                             numbers)]
    totals = col._totals
    if totals is not None and len(totals.root_of) == len(readings):
        root_of = totals.root_of  # (the root numbers of the readings' roots)
    else:
        codes: dict[str, int] = {}
        root_of = np.fromiter((codes.setdefault(r[0], len(codes)) for r in readings),
                              dtype=np.int64, count=len(readings))
    root_rows = []
    for _, ks, (picked, forms_) in _groups(root_of, readings, spelled):
        stems, classes, wazns, bare = (list(map(itemgetter(i), picked)) for i in range(1, 5))
        root_rows.append((picked[0][0], marshal.dumps(
            (ks, forms_, stems, classes, wazns, bare))))
    root_rows.sort()
    # the contributions by bucket
    ids = sorted(counted)
    n_part = _n_buckets(len(ids), ARTICLES_PER_BUCKET)
    mask = n_part - 1
    part: list[dict[str, tuple[bytes, bytes]]] = [{} for _ in range(n_part)]
    contributions = col.contributions
    for b, aid in zip(map(zlib.crc32, map(str.encode, ids)), ids, strict=True):
        part[b & mask][aid] = contributions[aid]
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        db = sqlite3.connect(tmp, isolation_level=None)
        try:
            db.executescript("PRAGMA synchronous=OFF; PRAGMA journal_mode=OFF;" + _SCHEMA)
            db.execute("BEGIN")
            db.executemany("INSERT INTO spell VALUES (?, ?)",
                           [(b, marshal.dumps(d)) for b, d in spell])
            db.executemany("INSERT INTO root VALUES (?, ?)", root_rows)
            db.executemany("INSERT INTO part VALUES (?, ?)",
                           [(b, marshal.dumps(d)) for b, d in enumerate(part) if d])
            _write_metas(db, {"format": marshal.dumps((CACHE_FORMAT, _counts_key())),
                              "head": marshal.dumps((len(readings), col._dropped, len(ids),
                                                     n_spell, n_part)),
                              "records": marshal.dumps({aid: counted[aid] for aid in ids}),
                              **metas})
            _write_arrays(db, arrays, {})
            db.execute("COMMIT")
        finally:
            db.close()
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _save(folder: Path, col: RootCollector, counted: dict[str, str], key: str,
          index: RootIndex, store: _Store | None = None) -> None:
    """Save the count: what changed, into ``store`` when it holds ``col`` (read lazily from
    it), else the whole store anew. The totals leave their pages to the index when they are
    its pages (:meth:`_Totals.state`)."""
    col.compact()
    totals: bytes | None = None
    arrays: dict[str, Any] | None = None
    if col._totals is not None:  # (none kept, or numbered anew: summed again next time)
        state = col._totals.state(index)
        arrays = {}
        for name in TOTALS_ARRAYS:  # (kept apart, written in place: _write_arrays)
            a = arrays[name] = state[name]
            state[name] = None if a is None else (a.dtype.str, a.shape)
        totals = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
    metas = {"index": marshal.dumps((key, _index_data(index))), "totals": totals}
    path = folder / STORE_NAME
    if store is not None:
        try:
            if store.holds(col):
                store.update(col, counted, metas, arrays)
                return
        except _DAMAGED:
            pass  # written whole below
        finally:
            store.close()
    folder.mkdir(parents=True, exist_ok=True)
    _write_whole(path, col, counted, metas, arrays)
    for name in OLD_FILES:
        (folder / name).unlink(missing_ok=True)


class _Spellings:
    """A collector's ``spellings`` (spelling → its number) read from a store a bucket at a
    time as asked; the buckets changed since (``touched``) are written back."""

    def __init__(self, db: sqlite3.Connection, n_buckets: int) -> None:
        self.db = db
        self.mask = n_buckets - 1
        self.buckets: dict[int, dict[str, int]] = {}
        self.touched: set[int] = set()

    def bucket(self, form: str) -> tuple[int, dict[str, int]]:
        b = _bucket(form, self.mask)
        got = self.buckets.get(b)
        if got is None:
            row = self.db.execute("SELECT data FROM spell WHERE b = ?", (b,)).fetchone()
            got = self.buckets[b] = {} if row is None else marshal.loads(row[0])
        return b, got

    def number(self, form: str) -> int:
        return self.bucket(form)[1].get(form, _UNKNOWN)

    def read_all(self) -> None:
        """Read every bucket at once (before many articles are counted)."""
        for b, data in self.db.execute("SELECT b, data FROM spell"):
            if b not in self.buckets:
                self.buckets[b] = marshal.loads(data)

    def get(self, form: str, default: int | None = None) -> int | None:
        k = self.number(form)
        return k if k >= 0 else default

    def __getitem__(self, form: str) -> int:
        k = self.number(form)
        if k < 0:
            raise KeyError(form)
        return k

    def __contains__(self, form: object) -> bool:
        return isinstance(form, str) and self.number(form) >= 0

    def __setitem__(self, form: str, k: int) -> None:
        b, got = self.bucket(form)
        got[form] = k
        self.touched.add(b)


class _Rootless:
    """A collector's ``_rootless`` (the spellings found without a root) over :class:`_Spellings`."""

    def __init__(self, spellings: _Spellings) -> None:
        self.spellings = spellings

    def __contains__(self, form: object) -> bool:
        return isinstance(form, str) and self.spellings.number(form) == _ROOTLESS

    def __setitem__(self, form: str, _: None) -> None:
        self.spellings[form] = _ROOTLESS

    def __iter__(self) -> Iterator[str]:
        self.spellings.read_all()
        for b in sorted(self.spellings.buckets):
            for form, k in self.spellings.buckets[b].items():
                if k == _ROOTLESS:
                    yield form


class _RowCache:
    """The spellings and readings of a store, read a root at a time (numbers below ``n``),
    and those numbered since (``forms``, ``readings``): ``spelled`` and ``read`` hold every
    one read or numbered, by number."""

    def __init__(self, db: sqlite3.Connection, n: int) -> None:
        self.db = db
        self.n = n
        self.spelled: dict[int, str] = {}
        self.read: dict[int, tuple[str, str, str, str, bool]] = {}
        self.by_root: dict[str, tuple[list[Any], ...]] = {}  # the rows of the roots read
        self.whole = False
        self.forms: list[str] = []
        self.readings: list[tuple[str, str, str, str, bool]] = []

    def _take(self, root: str, data: bytes) -> None:
        # (a root's rows as columns: numbers in order, spellings, stems, classes, wazns,
        # bare; their strings interned when saved, so marshal gives them back interned)
        cols = marshal.loads(data)
        if len(cols) != 6 or len({len(c) for c in cols}) != 1:
            raise ValueError(f"the readings of {root} cut short")
        self.by_root[root] = cols

    def _take_all(self) -> None:
        """Every root's rows by number in ``spelled`` and ``read`` (the rows of a number
        asked without its root)."""
        for root, (ks, forms, stems, classes, wazns, bare) in self.by_root.items():
            self.spelled.update(zip(ks, forms, strict=True))
            self.read.update(zip(ks, zip(repeat(sys.intern(root)), stems, classes, wazns,
                                         bare), strict=True))

    def rows_for(self, root: str, ks: Iterable[int]) -> tuple[dict[int, str], dict[int, Any]]:
        """The spellings and readings of the numbers ``ks``, spellings of ``root``."""
        import numpy as np

        self.fetch_roots((root,))
        cols = self.by_root.get(root, ([], [], [], [], [], []))  # (none: a root new here)
        n = self.n
        ks = list(ks)
        old = [k for k in ks if k < n]
        where = np.searchsorted(np.asarray(cols[0], dtype=np.int64), old).tolist()
        numbers, forms, stems, classes, wazns, bare = cols
        size = len(numbers)
        if any(j >= size or numbers[j] != k for k, j in zip(old, where, strict=True)):
            raise ValueError(f"the readings of {root} miss some of its spellings")
        root = sys.intern(root)
        spelled = {k: forms[j] for k, j in zip(old, where, strict=True)}
        read = {k: (root, stems[j], classes[j], wazns[j], bare[j])
                for k, j in zip(old, where, strict=True)}
        for k in ks:
            if k >= n:
                spelled[k], read[k] = self.forms[k - n], self.readings[k - n]
        return spelled, read

    def fetch_roots(self, roots_: Iterable[str]) -> None:
        """Read the spellings of ``roots_`` (those not read yet) at once."""
        missing = sorted(r for r in set(roots_) if r not in self.by_root)
        if not missing or self.whole:
            return
        for at in range(0, len(missing), _IN_CHUNK):  # (SQLite: at most 999 variables)
            part = missing[at:at + _IN_CHUNK]
            for root, data in self.db.execute(
                    f"SELECT root, data FROM root WHERE root IN ({','.join('?' * len(part))})",
                    part):
                self._take(root, data)
        for root in missing:
            self.by_root.setdefault(root, ([], [], [], [], [], []))

    def fetch_all(self) -> None:
        if not self.whole:
            for root, data in self.db.execute("SELECT root, data FROM root"):
                if root not in self.by_root:
                    self._take(root, data)
            self.whole = True
            self._take_all()

    def append(self, form: str | None, reading: tuple[str, str, str, str, bool] | None
               ) -> None:
        """A spelling numbered now (its spelling and its reading appended one at a time)."""
        if form is not None:
            self.spelled[self.n + len(self.forms)] = form
            self.forms.append(form)
        if reading is not None:
            self.read[self.n + len(self.readings)] = reading
            self.readings.append(reading)

    def get(self, k: int, part: int) -> Any:
        got = (self.spelled if part == 0 else self.read).get(k)
        if got is None:  # (a number whose root is not known here: every root read)
            if not 0 <= k < self.n:
                raise IndexError(k)
            self.fetch_all()
            got = (self.spelled if part == 0 else self.read).get(k)
            if got is None:
                raise ValueError(f"reading {k} missing")
        return got


class _LazyRows:
    """A collector's ``spelled`` (``part`` 0) or ``readings`` (1), as a list read from a
    store as asked (:class:`_RowCache`)."""

    def __init__(self, rows: _RowCache, part: int) -> None:
        self.rows = rows
        self.part = part

    def __len__(self) -> int:
        return self.rows.n + len(self.rows.forms if self.part == 0 else self.rows.readings)

    def __getitem__(self, k: Any) -> Any:
        if isinstance(k, slice):
            ks = range(*k.indices(len(self)))
            if ks and ks[0] < self.rows.n:
                self.rows.fetch_all()
            return [self.rows.get(i, self.part) for i in ks]
        return self.rows.get(k, self.part)

    def __iter__(self) -> Iterator[Any]:
        return iter(self[:])

    def append(self, value: Any) -> None:
        if self.part == 0:
            self.rows.append(value, None)
        else:
            self.rows.append(None, value)


def _rows_for(col: RootCollector, root: str, ks: Iterable[int]) -> tuple[Any, Any]:
    """``col.spelled`` and ``col.readings`` to index by the numbers ``ks``, spellings of
    ``root``: when read as asked (:class:`_LazyRows`), dicts of only these (read from the
    root's row of the store, :func:`_prefetch`)."""
    if isinstance(col.readings, _LazyRows):
        return col.readings.rows.rows_for(root, ks)
    return col.spelled, col.readings


def _prefetch(seq: Any, roots_: Iterable[str]) -> None:
    """Read at once the readings of the spellings of ``roots_`` when a collector's readings
    are read as asked."""
    if isinstance(seq, _LazyRows):
        seq.rows.fetch_roots(roots_)


class _LazyContributions:
    """A collector's ``contributions`` read from a store a bucket at a time as asked; the
    buckets changed since (``touched``) are written back. Asked for all of them (a sum over
    every contribution), it reads them all."""

    def __init__(self, db: sqlite3.Connection, n: int, n_buckets: int) -> None:
        self.db = db
        self.n = n
        self.mask = n_buckets - 1
        self.buckets: dict[int, dict[Any, tuple[bytes, bytes]]] = {}
        self.touched: set[int] = set()
        self.whole = False

    def bucket(self, aid: Any) -> tuple[int, dict[Any, tuple[bytes, bytes]]]:
        if not isinstance(aid, str):
            raise TypeError(f"article id {aid!r}: not a string")
        b = _bucket(aid, self.mask)
        got = self.buckets.get(b)
        if got is None:
            row = None if self.whole else self.db.execute(
                "SELECT data FROM part WHERE b = ?", (b,)).fetchone()
            got = self.buckets[b] = {} if row is None else marshal.loads(row[0])
        return b, got

    def pop(self, aid: Any) -> tuple[bytes, bytes]:
        b, got = self.bucket(aid)
        part = got.pop(aid)
        self.touched.add(b)
        self.n -= 1
        return part

    def __setitem__(self, aid: Any, part: tuple[bytes, bytes]) -> None:
        b, got = self.bucket(aid)
        if aid not in got:
            self.n += 1
        got[aid] = part
        self.touched.add(b)

    def __getitem__(self, aid: Any) -> tuple[bytes, bytes]:
        return self.bucket(aid)[1][aid]

    def __contains__(self, aid: object) -> bool:
        return isinstance(aid, str) and aid in self.bucket(aid)[1]

    def __len__(self) -> int:
        return self.n

    def _whole(self) -> list[dict[Any, tuple[bytes, bytes]]]:
        if not self.whole:
            for b, data in self.db.execute("SELECT b, data FROM part"):
                if b not in self.buckets:
                    self.buckets[b] = marshal.loads(data)
            self.whole = True
        return [self.buckets[b] for b in sorted(self.buckets)]

    def values(self) -> list[tuple[bytes, bytes]]:
        return [p for d in self._whole() for p in d.values()]

    def items(self) -> list[tuple[Any, tuple[bytes, bytes]]]:
        return [p for d in self._whole() for p in d.items()]

    def keys(self) -> list[Any]:
        return [p for d in self._whole() for p in d]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.keys())


class _ByRoot:
    """``_Totals.by_root`` read back: each root's spellings' numbers in order, those with
    that root in ``root_of`` (how _Totals._number made them), each list made when asked."""

    def __init__(self, root_of: Any, n_roots: int) -> None:
        self.root_of = root_of
        self.n = n_roots
        self.lists: dict[int, list[int]] = {}
        self.csr: tuple[Any, Any] | None = None

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> list[int]:
        got = self.lists.get(i)
        if got is None:
            if not 0 <= i < self.n:
                raise IndexError(i)
            import numpy as np

            if self.csr is None:
                order = np.argsort(self.root_of, kind="stable")
                self.csr = order, np.searchsorted(self.root_of[order],
                                                  np.arange(self.n + 1))
            order, starts = self.csr
            got = self.lists[i] = order[starts[i]:starts[i + 1]].tolist()
        return got

    def append(self, spellings: list[int]) -> None:
        self.lists[self.n] = spellings
        self.n += 1


def collect_cached(analysis: Any, min_articles: int | None, build: Path) -> RootIndex:
    """:func:`_collect_cached`, without cycle collections (many containers, no garbage)."""
    from archive.collector import paused

    try:
        with paused():
            return _collect_cached(analysis, min_articles, build)
    finally:
        _GROUPS.clear()


def _collect_cached(analysis: Any, min_articles: int | None, build: Path) -> RootIndex:
    """:func:`collect_records`, counting only what changed since the previous build.

    The root index of the previous build is reused whole when it was counted from the same
    records (``analysis.keys``: each article's record key, which covers its file, the
    gazetteer and the analysis code with its lexicons) with the same threshold: a rebuild with
    nothing changed costs the index's read. Otherwise the kept contributions of the previous
    count (:class:`_Store`) are taken, those of the articles whose record changed or that left
    are taken out, the records of the new and changed articles are read and counted, and the
    totals are those the previous build saved with these articles applied to them, as `mkdocs
    serve` keeps them (:meth:`RootCollector.track`; summed again from the contributions when
    there are none or many articles changed): the same index as a count from scratch. With
    :func:`remember` on, the previous count is taken from memory and the store is left for
    :func:`save_remembered`."""
    h = hashlib.sha256(f"{code_fingerprint()}\0{min_articles}".encode())
    # ("\0<id>\0<record key>" for each article, joined in one C-level pass)
    if analysis.keys:
        h.update(("\0" + "\0".join(chain.from_iterable(analysis.keys.items()))).encode())
    key = h.hexdigest()
    folder = build / CACHE_DIR
    memory = _KEPT
    kept = memory.pop(str(folder), None) if memory is not None else None
    if kept is not None and kept.key == key:
        memory[str(folder)] = kept  # type: ignore[index]
        return kept.index
    store = _Store.open(folder / STORE_NAME) if kept is None else None
    previous: Any = None  # the saved index's data (the totals may leave their pages to it)
    col: RootCollector | None = None
    if store is not None:
        try:
            saved = store.index()
            if saved is not None and saved[0] == key:
                index = _index_from(saved[1])
                if memory is not None:
                    col, counted = store.collector(whole=True, totals=False)
                    # the next reload applies its changes to these totals
                    col.track(index if counted == analysis.keys else None)
                    memory[str(folder)] = _Kept(key, _counts_key(), col, counted, index, False)
                store.close()
                return index
            previous = saved[1] if saved is not None else None
            # (a build: read as asked, with the totals it saved; a server: whole)
            col, counted = store.collector(whole=memory is not None, totals=memory is None,
                                           previous=previous)
        except _DAMAGED:
            store.close()
            store, col = None, None
    if col is not None:
        pass
    elif kept is not None and kept.counts_key == _counts_key():
        col, counted = kept.col, kept.counted  # taken out of memory: put back only when whole
    else:
        col, counted = RootCollector(), {}
    if memory is not None:  # kept up to date from now on (the server's next reloads)
        if store is not None:
            store.close()
            store = None
        col.track()
    keys: dict[str, str] = analysis.keys
    stale = [a for a, record in counted.items() if keys.get(a) != record]
    changes = len(stale) + len(keys) - (len(counted) - len(stale))  # taken out + counted
    if memory is None and changes > max(MAX_APPLIED, len(keys) // 20):
        col._totals = None  # so many changed that summing every contribution costs less
        if isinstance(col.spellings, _Spellings):  # (and reading the spellings at once)
            col.spellings.read_all()
    for article_id in stale:
        col.remove(article_id)
        del counted[article_id]
    for article_id, record in keys.items():
        if article_id not in counted:
            words, counts = analysis.body_vocabulary(article_id)
            col.add_vocabulary(words, counts, article_id)
            counted[article_id] = record
    # a build without the previous build's totals sums them here, once, and saves them
    col.track()
    index = col.result(min_articles)
    if memory is not None:
        if kept is not None:  # a page equal to the previous count's is that same object
            pages = kept.index.pages  # (what is kept per object between reloads still holds)
            for root, page in index.pages.items():
                old = pages.get(root)
                if old is not None and old == page:
                    index.pages[root] = old
        memory[str(folder)] = _Kept(key, _counts_key(), col, counted, index)
    else:
        _save(folder, col, counted, key, index, store)
    return index


def _counts_key() -> str:
    """What the kept contributions depend on besides the records: this code, and the analysis
    code whose lexicons give each spelling its reading."""
    from archive import records

    return f"{code_fingerprint()} {records.code_fingerprint()}"


#: The data of the pages' groups read back (:func:`_page_from`), by the groups' list (its id,
#: and the list, kept alive): a page whose forms did not move shares its groups with the page
#: read, and :func:`_page_data` takes their data as read instead of making it again (most of
#: saving the index). Emptied when a count ends (:func:`collect_cached`).
_GROUPS: dict[int, tuple[list[Any], Any]] = {}


def _page_data(p: RootPage) -> tuple[Any, ...]:
    """A root page as tuples, lists and scalars (what :mod:`marshal` stores)."""
    # field by field: dataclasses.astuple copies deeply, and took seconds on 1,000 pages
    got = _GROUPS.get(id(p.groups))
    if got is not None and got[0] is p.groups:
        groups = got[1]
    else:
        groups = [(cls, [(f.stem, f.wazn, f.tokens, f.articles, f.spellings, f.n_spellings,
                          f.label) for f in forms]) for cls, forms in p.groups]
    return (p.root, p.tokens, p.articles, groups,
            [(r.root, r.shared, r.pmi, r.score) for r in p.related])


def _page_from(data: tuple[Any, ...]) -> RootPage:
    root, tokens, articles, groups, related = data
    made = [(cls, [Form(*f) for f in forms]) for cls, forms in groups]
    _GROUPS[id(made)] = (made, groups)
    return RootPage(root, tokens, articles, made, [Related(*r) for r in related])


def _index_data(index: RootIndex) -> tuple[Any, ...]:
    """``index`` as tuples, lists and scalars (what :mod:`marshal` stores)."""
    return ([_page_data(p) for p in index.pages.values()],
            index.n_articles, index.min_articles, index.n_roots)


def _index_from(data: tuple[Any, ...]) -> RootIndex:
    pages, n_articles, min_articles, n_roots = data
    return RootIndex({p[0]: _page_from(p) for p in pages}, n_articles, min_articles, n_roots)


# ------------------------------------------------------------------------------ pages


def kwic_query(query: str, mode: str | None = None) -> str:
    """The query string of a concordance link (``?q=…&mode=…``): what ``urlencode`` gives
    ``{"q": query, "mode": mode}``."""
    out = "?q=" + _quote_plus(query)
    return out + "&mode=" + _quote_plus(mode) if mode else out


#: ``quote_plus`` as one table over a string's UTF-8 bytes read as Latin-1 (a byte each): the
#: bytes ``quote`` keeps as they are, ``+`` for a space, ``%XX`` for every other. A root page
#: links each of its forms (9,141 links at 987 articles), and ``urlencode`` quoted them a byte
#: at a time in Python.
_ALWAYS_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~")
_QUOTE_TABLE = {b: (chr(b) if chr(b) in _ALWAYS_SAFE else "+" if b == 0x20 else f"%{b:02X}")
                for b in range(256)}


def _quote_plus(value: str) -> str:
    """``urllib.parse.quote_plus(value)`` (``safe=""``)."""
    return value.encode("utf-8").decode("latin-1").translate(_QUOTE_TABLE)


def form_rows(forms: list[Form], base: str, kwic_page: str) -> Markup:
    """The rows of a pattern class's table on a root page, as root.html wrote them with a loop
    over ``forms`` (each row after a newline and four spaces; escaped as autoescape escapes):
    a root page has a row per form (9,141 at 987 articles), and the template's loop made a
    markup object for every value it wrote, which cost about a third of the pages' rendering
    at 987 articles. (tests/test_roots_rows.py compares it with that loop.)"""
    href = esc(base) + esc(kwic_page)
    out = []
    for f in forms:
        spellings = f.spellings
        wazn = f.wazn
        more = f.n_spellings - len(spellings)
        out.append(
            f'\n    <tr data-stem="{esc(f.stem)}"><td><a href="{href}'
            f'{esc(kwic_query(f.label, "stem"))}"><bdi>{esc(f.label)}</bdi></a></td><td>'
            + (f"<bdi>{esc(wazn)}</bdi>" if wazn else '<span class="ar-unknown">—</span>')
            + f'</td><td class="ar-num">{esc(str(f.tokens))}</td><td class="ar-num">'
            f'{esc(str(f.articles))}</td><td class="ar-meta">'
            + "، ".join([f"<bdi>{esc(s)}</bdi>" for s in spellings])
            + (f"، و{more} غيرها" if more > 0 else "") + "</td></tr>")
    return Markup("".join(out))


def spaced(root: str) -> str:
    """A root as dictionaries write it, its letters apart: فوض → ف و ض."""
    return " ".join(root)


def specs(index: RootIndex, page_spec: Any,
          has_kwic: Callable[[], bool] = lambda: True) -> list[Any]:
    """The page specs of ``/roots/`` and of each ``/roots/<root>/`` (``page_spec``: the
    :class:`archive.site.render.PageSpec` class, passed to keep this module independent).

    ``has_kwic``: whether the site has the concordance page ``/kwic/`` (asked when a page is
    rendered); without it the forms link to the search page with the same query."""
    out = [page_spec("roots", "roots/index.md", "الجذور", "roots.html",
                     lambda: _index_context(index), hide=["toc"])]
    for root, page in index.pages.items():
        out.append(page_spec(
            f"root:{root}", f"roots/{root}.md", f"الجذر {spaced(root)}", "root.html",
            (lambda page=page: _root_context(index, page, has_kwic())), hide=["toc"]))
    return out


@dataclass(frozen=True, slots=True)
class RootRow:
    """What the roots index shows of a root with a page: its row of the table. The index's
    context holds these, not the pages themselves: the page cache digests a page's context
    (archive.site.pagecache), and the whole of every root page (its forms, spellings and
    co-occurring roots) was digested for the index alone (~0.1 CPU s at 987 articles, in
    every rebuild that renders the index: an added or deleted article). A row stands for its
    root in the index's record of what it shows as the page would ("r:<root>"), so the index
    is checked whenever a root's page changed."""

    root: str
    articles: int
    tokens: int
    top: tuple[str, ...]  # the labels of its most frequent forms (:func:`_top_forms`)


def _index_context(index: RootIndex) -> dict[str, Any]:
    pages = list(index.pages.values())
    by_root = sorted(pages, key=lambda p: p.root)
    by_tokens = sorted(pages, key=lambda p: (-p.tokens, p.root))
    return {
        "min_articles": index.min_articles,
        "rows": [RootRow(p.root, p.articles, p.tokens, tuple(f.label for f in _top_forms(p)))
                 for p in pages],
        "rank": {
            "articles": {p.root: i for i, p in enumerate(pages)},
            "tokens": {p.root: i for i, p in enumerate(by_tokens)},
            "root": {p.root: i for i, p in enumerate(by_root)},
        },
        "spaced": spaced,
    }


def _top_forms(page: RootPage, n: int = 3) -> list[Form]:
    forms = [f for _, fs in page.groups for f in fs]
    return sorted(forms, key=lambda f: (-f.tokens, f.stem))[:n]


def shown(page: RootPage) -> RootPage:
    """What a root's page shows of it: its co-occurring roots as :class:`Partner` (the
    `mkdocs build` summary digests this, archive.site.plugin)."""
    return replace(page, related=[Partner(r.root, r.shared) for r in page.related])


def _root_context(index: RootIndex, page: RootPage, has_kwic: bool) -> dict[str, Any]:
    # Only what root.html shows: the page cache keys a root page by this context (plus its
    # lookups), so the whole index must not be in it.
    return {
        "kwic_page": "kwic/" if has_kwic else "search/",
        "P": shown(page),
        "classes": CLASSES,
        "kwic_query": kwic_query,
        "form_rows": form_rows,
        "spaced": spaced,
        "root_query": f"جذر:{page.root}",
        "min_shared": MIN_SHARED,
    }
