"""Stem key and root key of one cleaned Arabic word.

Root keys are precision-first (issue 11): :func:`stem_root` gives a word

1. its stop-word stem if tashaphyne lists it as a stop word;
2. else its **lexicon reading** (:func:`lexicon_reading`): the word is segmented into
   proclitics (و ف, ب ك ل س, ال/لل), a core and endings/pronouns in every way
   (:func:`candidates`), cheapest segmentation first (fewest clitic morphemes), so a radical is
   only taken for an affix when the whole word is not itself a lexicon word (أنهار, تجار,
   نجوم are read whole). The first segmentation whose core is a **name** (the name lexicon:
   GeoNames, CLDR, pyarabic and arramooz proper nouns that are more often names than words, and
   nisbas of countries and well-known places) gives the name as both keys: names are never
   reduced to a root. Otherwise the cores licensed by the **root lexicon** (arramooz nouns,
   verbs, imperfects, derived masdars and participles) give the root, the most frequent one
   when several are licensed; a loanword of the lexicon keeps its lemma. A core that starts
   with ال written with a bare alef is not read whole when a reading takes the article off
   (:func:`bare_article`: السنة is not ألسنة), and ال + a licensed noun + ي that the lexicon
   lists as no nisba is a family name kept whole (:func:`family_nisba`: العريفي). A bare
   final ا after a noun without ال may be the alef of the indefinite accusative, as cheap as
   a clitic (وفقا = وفق + ا, see :func:`candidates`), but not after ب ك ل, where the noun is
   genitive (كاميرا is not ك + أمير + ا; ل + an imperfect keeps the dual's: ليكونا); a club
   (name tag ``alonly``) is the name only after ال (الهلال; هلال is the crescent); when the
   winning reading is the whole word, ب/ل + a noun 64 times as frequent beats it (باسم =
   ب + اسم, :func:`preposition_reading`);
3. else, for a word no lexicon knows, its **light key** (:func:`light_key`: the word without
   ال-proclitics and one nisba/plural ending) as both keys — never an invented root.

The stem key is the core of the winning segmentation (so the stem level, too, never treats a
radical as an affix). Both lexicons are data tables (bench/gold/build_lexicon); the browser
fetches them in shards (see archive.analysis.tables.browser_tables).

Also here, for comparison and for the ``patterns`` fallback (``FALLBACK``): a deterministic
port of tashaphyne 0.3.6's ``ArabicLightStemmer`` (``light_stem``, :func:`tashaphyne_root`,
tie-broken by code-point order instead of ``PYTHONHASHSEED``-dependent set order) and the
earlier learned-pattern root chooser (:func:`root_scores`).

Written to be ported line by line to JavaScript (analyzer.js mirrors every function): plain
loops, plain dicts used as maps and sets, no reliance on set iteration order.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

ALEF = "\u0627"
ALEF_MADDA = "\u0622"
ALEF_HAMZA_ABOVE = "\u0623"
ALEF_HAMZA_BELOW = "\u0625"
HAMZA = "\u0621"
WAW_HAMZA = "\u0624"
YEH_HAMZA = "\u0626"
HAMZA_ABOVE = "\u0654"
HAMZA_BELOW = "\u0655"
ALEF_MAKSURA = "\u0649"
TEH_MARBUTA = "\u0629"
TEH = "\u062a"
TAH = "\u0637"
DAL = "\u062f"
WAW = "\u0648"
YEH = "\u064a"
NOON = "\u0646"

#: pyarabic's HAMZAT: every hamza form that ``normalize_hamza`` turns into ``ء``.
HAMZAT = HAMZA + WAW_HAMZA + YEH_HAMZA + HAMZA_ABOVE + HAMZA_BELOW + ALEF_HAMZA_BELOW + (
    ALEF_HAMZA_ABOVE
)
END = "#"  # end-of-affix marker in the tries

Data = dict[str, Any]


# --------------------------------------------------------------------------------------------
# Prepared data


def build_trie(words: list[str], reverse: bool) -> dict[str, Any]:
    """Character trie of ``words`` (read backwards when ``reverse``); ``END`` marks a word."""
    trie: dict[str, Any] = {}
    for word in words:
        branch = trie
        chars = word[::-1] if reverse else word
        for ch in chars:
            if ch not in branch:
                branch[ch] = {}
            branch = branch[ch]
        branch[END] = True
    return trie


def as_set(items: list[str]) -> dict[str, bool]:
    """A membership map (a JS object / Map in the port)."""
    out: dict[str, bool] = {}
    for item in items:
        out[item] = True
    return out


class _Data(dict[str, Any]):
    """Prepared data whose pattern tables (read only when ``FALLBACK == "patterns"``) are
    taken from the tables, and their prefixes computed, on first use."""

    def __init__(self, tables: dict[str, Any], data: dict[str, Any]) -> None:
        super().__init__(data)
        self._tables = tables

    def __missing__(self, key: str) -> Any:
        if key == "patterns":
            value = self._tables["patterns"]
        elif key == "pattern_prefixes":
            value = pattern_prefixes(self["patterns"])
        else:
            raise KeyError(key)
        self[key] = value
        return value


def prepare(tables: dict[str, Any]) -> Data:
    """Turn exported tables into lookup structures (tries and membership maps)."""
    return _Data(tables, {
        "prefix_trie": build_trie(tables["prefixes"], False),
        "suffix_trie": build_trie(tables["suffixes"], True),
        "infix_letters": tables["infix_letters"],
        "joker": tables["joker"],
        "verb_affixes": as_set(tables["verb_affixes"]),
        "noun_affixes": as_set(tables["noun_affixes"]),
        "verb_stamps": as_set(tables["verb_stamps"]),
        "roots": as_set(tables["roots"]),
        "valid_roots": as_set(tables["roots"] + tables["extra_roots"]),
        "stop_words": tables["stop_words"],
        "corrections": tables["corrections"],
        # "patterns", "pattern_prefixes": on first use (see _Data)
        "readings": {},  # memo of table_readings, per stem
        "min_score": tables["min_score"],
        "root_prior": tables["root_prior"],
        "lexicon": tables.get("lexicon", {}),
        "names": tables.get("names", {}),
        "madda": tables.get("madda", {}),
    })


@lru_cache(maxsize=1)
def default_data() -> Data:
    from archive.analysis.tables import build_tables

    return prepare(build_tables())


# --------------------------------------------------------------------------------------------
# Segmentation (tashaphyne: lookup_prefixes, lookup_suffixes, segment)


def lookup_prefixes(word: str, trie: dict[str, Any]) -> list[int]:
    """Positions where a listed prefix can end (tashaphyne ``lookup_prefixes``)."""
    branch = trie
    lefts = [0]
    i = 0
    while i < len(word) and word[i] in branch:
        if END in branch:
            lefts.append(i)
        branch = branch[word[i]]
        i += 1
    if i < len(word) and END in branch:
        lefts.append(i)
    return lefts


def lookup_suffixes(word: str, trie: dict[str, Any]) -> list[int]:
    """Positions where a listed suffix can start (tashaphyne ``lookup_suffixes``)."""
    branch = trie
    rights: list[int] = []
    i = len(word) - 1
    while i >= 0 and word[i] in branch:
        if END in branch:
            rights.append(i + 1)
        branch = branch[word[i]]
        i -= 1
    if i >= 0 and END in branch:
        rights.append(i + 1)
    return rights


def segments(word: str, d: Data) -> list[tuple[int, int]]:
    """All cuts ``(left, right)`` of ``word``, sorted, without duplicates."""
    lefts = lookup_prefixes(word, d["prefix_trie"])
    rights = lookup_suffixes(word, d["suffix_trie"])
    found: dict[tuple[int, int], bool] = {(0, len(word)): True}
    for i in lefts:
        for j in rights:
            if j >= i + 2:
                found[(i, j)] = True
    return sorted(found)


def left_right(cuts: list[tuple[int, int]]) -> tuple[int, int]:
    """The largest left, then the smallest right among cuts with that left."""
    if not cuts:
        return -1, -1
    left = -1
    for x, _ in cuts:
        if x > left:
            left = x
    right = -1
    for x, y in cuts:
        if x == left and (right < 0 or y < right):
            right = y
    return left, right


# --------------------------------------------------------------------------------------------
# Affix validation (tashaphyne: _verify_affix, _valid_stem, verb_stamp)


def verb_stamp(verb: str) -> str:
    """tashaphyne's verb stamp: hamzas unified, weak letters dropped, final double undone."""
    if not verb:
        return ""
    if len(verb) == 4 and verb[0] == ALEF_HAMZA_ABOVE:
        verb = verb.replace(ALEF_HAMZA_ABOVE, "")
    out = ""
    for ch in verb:
        if ch in "أإءؤئآ":
            out += HAMZA
        elif ch in "اويى":
            continue
        else:
            out += ch
    if len(out) >= 2 and out[-1] == out[-2]:
        out = out[:-1]
    return out


def valid_stem(stem: str, tag: str, prefix: str, d: Data) -> bool:
    """tashaphyne ``_valid_stem``: can ``stem`` be a verb (``tag == "verb"``) or noun stem?"""
    if not stem:
        return False
    if tag != "verb":
        return len(stem) < 8
    last = prefix[-1:]
    if len(stem) > 6 or len(stem) < 2:
        return False
    elif TEH_MARBUTA in stem:
        return False
    elif len(stem) == 6 and stem[0] != ALEF:
        return False
    elif len(stem) == 5 and stem[0] != ALEF and stem[0] != TEH:
        if last != "" and last in (YEH + TEH + NOON + ALEF_HAMZA_ABOVE):
            return False
    elif stem[0] == ALEF and last != "" and last in (YEH + NOON + TEH + ALEF_HAMZA_ABOVE + ALEF):
        return False
    return verb_stamp(stem) in d["verb_stamps"]


def verify_affix(word: str, left: int, right: int, d: Data) -> bool:
    """tashaphyne ``_verify_affix``: is ``prefix-suffix`` a verb or noun affix pair here?"""
    prefix = word[:left]
    affix = prefix + "-" + word[right:]
    stem = word[left:right]
    if affix in d["verb_affixes"] and valid_stem(stem, "verb", prefix, d):
        return True
    return affix in d["noun_affixes"] and valid_stem(stem, "noun", prefix, d)


def valid_cuts(word: str, d: Data) -> list[tuple[int, int]]:
    """The cuts that pass :func:`verify_affix`, sorted."""
    out = []
    for left, right in segments(word, d):
        if verify_affix(word, left, right, d):
            out.append((left, right))
    return out


def light_stem(word: str, d: Data) -> str:
    """tashaphyne ``light_stem(word); get_stem()`` for a clean word."""
    if word in d["stop_words"]:
        return d["stop_words"][word]
    cuts = valid_cuts(word, d)
    if not cuts:
        return word
    left, right = left_right(cuts)
    return word[left:right]


# --------------------------------------------------------------------------------------------
# Roots (tashaphyne: get_starstem, _handle_teh_infix, extract_root, _ajust_root, _choose_root)


def replace_from(text: str, start: int, old: str, new: str) -> str:
    """``text`` with ``old`` replaced by ``new`` from index ``start`` on."""
    return text[:start] + text[start:].replace(old, new)


def handle_teh_infix(star: str, stem: str, joker: str) -> str:
    """tashaphyne ``_handle_teh_infix``: ت ط د are infixes only in places of a 4-letter stem."""
    if len(star.replace(TEH_MARBUTA, "")) != 4:
        out = ""
        for ch in star:
            out += joker if ch in (TEH + TAH + DAL) else ch
        return out
    star = replace_from(star, 2, TEH, joker)
    star = replace_from(star, 2 if stem.startswith("ضط") else 0, TAH, joker)
    star = replace_from(star, 2 if stem.startswith("زد") else 0, DAL, joker)
    return star


def star_stem(stem: str, d: Data) -> str:
    """tashaphyne ``get_starstem``: letters that cannot be infixes become the joker."""
    keep = d["infix_letters"] + TEH_MARBUTA
    star = ""
    for ch in stem:
        star += ch if ch in keep else d["joker"]
    return handle_teh_infix(star, stem, d["joker"])


def normalize_root(root: str) -> str:
    """tashaphyne ``normalize_root``: ``آ``→``ءا``, no ``ة``, ``ى``→``ي``, hamzas → ``ء``."""
    out = ""
    for ch in root.replace(ALEF_MADDA, HAMZA + ALEF):
        if ch == TEH_MARBUTA:
            continue
        if ch == ALEF_MAKSURA:
            out += YEH
        elif ch in HAMZAT:
            out += HAMZA
        else:
            out += ch
    return out


def adjust_root(root: str, star: str, joker: str) -> str:
    """tashaphyne ``_ajust_root``: complete a two-letter root with a weak or doubled letter."""
    if not star:
        return root
    if len(star) == 3:
        return star.replace(ALEF, WAW).replace(ALEF_MAKSURA, YEH)
    first = star[0]
    last = star[-1]
    if first == ALEF or first == WAW:
        return WAW + root
    if first == YEH:
        return YEH + root
    if first == joker and (last == ALEF or last == WAW):
        return root + WAW
    if first == joker and (last == ALEF_MAKSURA or last == YEH):
        return root + WAW
    if first == joker and last == joker:
        if len(star) == 2:
            return root + root[-1]
        return root[0] + WAW + root[1]
    return root


def extract_root(word: str, left: int, right: int, d: Data) -> str:
    """tashaphyne ``extract_root`` for the cut ``(left, right)``."""
    stem = word[left:right]
    if len(stem) == 3:
        return adjust_root("", stem, d["joker"])
    star = star_stem(stem, d)
    root = ""
    for i in range(len(stem)):
        if star[i] == d["joker"]:
            root += stem[i]
    root = normalize_root(root)
    if len(root) == 2:
        root = adjust_root(root, star, d["joker"])
    return root


def root_candidates(word: str, d: Data) -> list[str]:
    """tashaphyne's candidate roots: one per cut, filtered by length, then by the roots list."""
    roots = []
    for left, right in segments(word, d):
        roots.append(extract_root(word, left, right, d))
    sized = [r for r in roots if 2 <= len(r) <= 4]
    if sized:
        roots = sized
    listed = [r for r in roots if r in d["roots"]]
    if listed:
        roots = listed
    return roots


def most_common(roots: list[str]) -> str:
    """Most frequent candidate, three-letter ones first; ties go to the smallest string."""
    tri = [r for r in roots if len(r) == 3]
    if tri:
        roots = tri
    best = ""
    best_count = 0
    for r in roots:
        count = roots.count(r)
        if count > best_count or (count == best_count and r < best):
            best = r
            best_count = count
    return best


def tashaphyne_root(word: str, d: Data) -> str:
    """tashaphyne ``light_stem(word); get_root()`` with a deterministic tie-break."""
    if word in d["stop_words"]:
        return d["stop_words"][word]
    return most_common(root_candidates(word, d))


def tashaphyne_tie(word: str, d: Data) -> bool:
    """Whether tashaphyne's own ``get_root()`` depends on set order for ``word``."""
    if word in d["stop_words"]:
        return False
    roots = root_candidates(word, d)
    tri = [r for r in roots if len(r) == 3]
    if tri:
        roots = tri
    top = 0
    for r in roots:
        top = max(top, roots.count(r))
    winners: dict[str, bool] = {}
    for r in roots:
        if roots.count(r) == top:
            winners[r] = True
    return len(winners) > 1


# --------------------------------------------------------------------------------------------
# This project's root chooser: learned root patterns, corrections, precision guard

DIGITS = "123456789"


def literal(ch: str) -> str:
    """A non-radical letter as patterns spell it (alef with hamza or madda → bare alef)."""
    if ch == ALEF_HAMZA_ABOVE or ch == ALEF_HAMZA_BELOW or ch == ALEF_MADDA:
        return ALEF
    return ch


@cache
def radical(ch: str) -> str:
    """A radical letter as roots spell it (every hamza form → ``ء``, ``ى`` → ``ي``)."""
    return normalize_root(ch)


@cache
def combinations(n: int, k: int) -> list[list[int]]:
    """All increasing lists of ``k`` indexes below ``n``, in lexicographic order."""
    out: list[list[int]] = []
    if k > n:
        return out
    idx = list(range(k))
    while True:
        out.append(list(idx))
        i = k - 1
        while i >= 0 and idx[i] == n - k + i:
            i -= 1
        if i < 0:
            return out
        idx[i] += 1
        for j in range(i + 1, k):
            idx[j] = idx[j - 1] + 1


MAX_PATTERN_STEM = 9


def abstractions(stem: str) -> list[tuple[str, str]]:
    """Every ``(pattern, radicals)`` reading of ``stem`` with 2 to 4 radicals.

    The pattern is the stem with its radicals replaced by ``1``, ``2``, … in order of
    appearance and every other letter spelled by :func:`literal`: ``اجتماع`` read with radicals
    ج م ع is ``(ا1ت2ا3, جمع)``.
    """
    out: list[tuple[str, str]] = []
    if len(stem) > MAX_PATTERN_STEM:
        return out
    lits = ""
    for ch in stem:
        lits += literal(ch)
    for k in range(2, 5):
        for positions in combinations(len(stem), k):
            pattern = ""
            rads = ""
            last = 0
            for number, pos in enumerate(positions):
                pattern += lits[last:pos] + DIGITS[number]
                rads += radical(stem[pos])
                last = pos + 1
            pattern += lits[last:]
            if len(rads) == k:
                out.append((pattern, rads))
    return out


def pattern_prefixes(patterns: dict[str, Any]) -> dict[str, bool]:
    """Every prefix of every pattern in the table (the empty one included)."""
    out: dict[str, bool] = {}
    for pattern in patterns:
        for end in range(len(pattern) + 1):
            out[pattern[:end]] = True
    return out


def table_readings(stem: str, d: Data) -> list[tuple[str, str]]:
    """The readings of :func:`abstractions` whose pattern is in the patterns table.

    Same set, found without building every reading: the pattern is grown letter by letter and
    a branch stops as soon as no table pattern starts with it. (Python-only speed-up: the
    JavaScript port analyses only query words and keeps the plain :func:`abstractions`; the
    parity test proves both give the same roots.)
    """
    memo = d["readings"]
    known = memo.get(stem)
    if known is not None:
        return known
    out: list[tuple[str, str]] = []
    if len(stem) <= MAX_PATTERN_STEM:
        prefixes, patterns = d["pattern_prefixes"], d["patterns"]
        lits = [literal(ch) for ch in stem]
        rads = [radical(ch) for ch in stem]
        stack: list[tuple[int, int, str, str]] = [(0, 0, "", "")]
        while stack:
            pos, k, pattern, found = stack.pop()
            if pos == len(stem):
                if k >= 2 and len(found) == k and pattern in patterns:
                    out.append((pattern, found))
                continue
            grown = pattern + lits[pos]
            if grown in prefixes:
                stack.append((pos + 1, k, grown, found))
            if k < 4:
                grown = pattern + DIGITS[k]
                if grown in prefixes:
                    stack.append((pos + 1, k + 1, grown, found + rads[pos]))
    out.sort()
    if len(memo) < 200_000:
        memo[stem] = out
    return out


def fill(root_pattern: str, rads: str) -> str:
    """The root that ``root_pattern`` (digits and literal letters) gives for ``rads``."""
    out = ""
    for ch in root_pattern:
        index = DIGITS.find(ch)
        out += rads[index] if 0 <= index < len(rads) else ch
    return out


def context_key(word: str, left: int, right: int, pattern: str) -> str:
    """A pattern together with the affixes of its cut: ``ال[12ي]`` for ``ال|قوي|``."""
    out = ""
    for ch in word[:left]:
        out += literal(ch)
    out += "[" + pattern + "]"
    for ch in word[right:]:
        out += literal(ch)
    return out


def root_scores(word: str, cuts: list[tuple[int, int]], anchors: list[tuple[int, int]],
                d: Data) -> tuple[dict[str, int], dict[str, bool]]:
    """Scores of candidate roots, and which of them an anchor cut supports.

    Every cut of the word is read in every way (:func:`abstractions`). A reading whose pattern
    is in the patterns table gives, for each root pattern listed with it, a root; if that root
    is a valid root (tashaphyne's list plus the train-part roots) the reading's weight is added
    to its score, and so is the weight listed under the pattern in its context
    (:func:`context_key`), if any. A root is *anchored* when some reading of an anchor cut
    (the light stem's cut or the whole word) gives it. Each candidate root starts from its
    prior (``root_prior``: how much unlabeled word-frequency text the root confidently
    explains). Weights are learned on the train part of the gold list (bench/gold/build).
    """
    scores: dict[str, int] = {}
    anchored: dict[str, bool] = {}
    for left, right in cuts:
        is_anchor = (left, right) in anchors
        for pattern, rads in table_readings(word[left:right], d):
            readings = d["patterns"][pattern]
            in_context = d["patterns"].get(context_key(word, left, right, pattern), [])
            for root_pattern, weight in readings + in_context:
                root = fill(root_pattern, rads)
                if root in d["valid_roots"]:
                    if root not in scores:
                        scores[root] = d["root_prior"].get(root, 0)
                    scores[root] += weight
                    if is_anchor:
                        anchored[root] = True
    return scores, anchored


def best_root(scores: dict[str, int]) -> tuple[str, int]:
    """Highest score; equal scores go to the smallest root string."""
    best = ""
    best_score = 0
    for root in sorted(scores):
        if best == "" or scores[root] > best_score:
            best = root
            best_score = scores[root]
    return best, best_score


def stem_root(word: str, d: Data) -> tuple[str, str]:
    """``(stem key, root key)`` of a clean word (see the module docstring).

    With ``FALLBACK == "patterns"`` a word no lexicon knows gets, in order: the best-scoring root
    of :func:`root_scores`, if its score reaches ``min_score`` and it is anchored (a root read
    only from some inner cut, such as ``كور`` from ``كور|ونا`` in ``كورونا``, is not
    trusted); else the root the corrections table lists for the stem (words the patterns cannot
    read: ``ماء`` → موه); else the stem itself. The corrections only fill gaps: they never
    override a reading, so they cannot break words of roots they were not derived from.
    """
    if word in d["stop_words"]:
        return d["stop_words"][word], d["stop_words"][word]
    reading = lexicon_reading(word, d) if "lexicon" in d else None
    if reading is not None:
        return reading[2], reading[1]
    if FALLBACK == "patterns":
        cuts = valid_cuts(word, d)
        whole = (0, len(word))
        left, right = left_right(cuts) if cuts else whole
        stem = word[left:right]
        if whole not in cuts:
            cuts.append(whole)
        scores, anchored = root_scores(word, cuts, [(left, right), whole], d)
        root, score = best_root(scores)
        if root != "" and score >= d["min_score"] and root in anchored:
            return stem, root
        if stem in d["corrections"]:
            return stem, d["corrections"][stem]
        return stem, light_key(word)
    light = light_key(word)
    return light, light


#: What a word no lexicon knows gets: "light" (its light key) or "patterns" (learned patterns).
FALLBACK = "light"


# --------------------------------------------------------------------------------------------
# Lexicon readings: names kept whole, roots only where the arramooz lexicon licenses them

#: Letters folded in lexicon keys (``normalize`` plus every seated hamza as ``ء``).
KEY_MAP = {
    "\u0623": ALEF, "\u0625": ALEF, ALEF_MADDA: ALEF, "\u0671": ALEF, ALEF_MAKSURA: YEH,
    WAW_HAMZA: HAMZA, YEH_HAMZA: HAMZA,
}
#: Proclitic sequences, conjunction + preposition or future + article (``ل`` + ``ال`` = ``لل``).
CONJUNCTIONS = ["", "و", "ف"]
PREPOSITIONS = ["", "ب", "ك", "ل", "س"]
#: Inflectional endings, then pronoun enclitics. Endings marked in TEH_ENDINGS may hide a ``ة``.
ENDINGS = ["", "ة", "ات", "ان", "ين", "ون", "وا", "ت", "تم", "تن", "تا", "نا", "ا", "ن", "ي",
           "ية", "يات", "يين", "يون", "تان", "تين"]
TEH_ENDINGS = {"ات": True, "ت": True, "تان": True, "تين": True, "يات": True}
RARE_ENDINGS = {"ت": True, "ا": True, "ن": True}
#: The alef written after the tanwin of an indefinite accusative noun (وفقاً).
TANWIN_ALEF = "ا"
VERBAL_ENDINGS = {"": True, "ون": True, "ان": True, "ين": True, "وا": True, "ن": True, "ا": True}
#: Endings only a verb takes, and endings only a noun takes.
VERB_ENDINGS = {"وا": True, "تم": True, "تن": True, "تا": True, "ت": True}
NOUN_ENDINGS = {"ة": True, "ات": True, "ية": True, "يات": True, "يين": True, "يون": True,
                "تان": True, "تين": True, "ي": True}
PRONOUNS = ["", "ه", "ها", "هم", "هما", "هن", "ك", "كم", "كن", "ي", "نا"]
MIN_NAME = 3
PRONOUN_SET = {p: True for p in PRONOUNS}
#: Pronouns rare in news text (you, feminine plural) that end many words as radicals: cost two
#: (تتمكن is ت + تمكن, not تتمة + كن).
RARE_PRONOUNS = {"كن": True}
#: Letters a light key keeps at least after taking off a leading و.
LIGHT_CONJUNCTION_REST = 4
#: Endings a light key takes off (longest first).
LIGHT_ENDINGS = ["يات", "يين", "يون", "ية", "ات", "ون", "ين", "ي", "ة"]
#: Root field of a lexicon word with no Arabic root (a loanword such as مليون): kept whole.
LOANWORD = "*"
#: Prefix of an alternative root in the index's root fields (see :func:`common_root`).
ALT_MARK = "~"
#: Source tag of a name that its sources spell with ال (الرياض), or a place or nisba.
ARTICLE_TAG = "al"
#: Tag of a name read as the name only after ال (a club: الهلال, للأهلي, والنصر); the bare
#: word is the common word (هلال, أهلي, نصر).
ALONLY_TAG = "alonly"


#: :data:`KEY_MAP` as a ``str.translate`` table.
_KEY_TABLE = str.maketrans(KEY_MAP)


def lexicon_key(word: str) -> str:
    """The lookup form of a clean word: normalised letters, every seated hamza as ``ء``."""
    if HAMZA not in word:  # (no ءا to read as ا: the letters mapped one for one)
        return word.translate(_KEY_TABLE)
    out = ""
    for i, ch in enumerate(word):
        # clean() spells آ as ءا: read it as ا again, but keep a hamza after an alef (إجراءات)
        if ch == HAMZA and word[i + 1:i + 2] == ALEF and word[i - 1:i] != ALEF:
            continue
        out += KEY_MAP.get(ch, ch)
    return out


def proclitics() -> list[str]:
    """Every proclitic sequence, shortest first (stable order)."""
    out: list[str] = []
    for conj in CONJUNCTIONS:
        for prep in PREPOSITIONS:
            for art in ["", "ال"]:
                if prep == "س" and art:
                    continue
                if prep == "ل" and art:
                    out.append(conj + "لل")
                else:
                    out.append(conj + prep + art)
    return sorted(out, key=lambda p: (len(p), p))


def enclitics() -> list[tuple[str, int, bool, bool]]:
    """Every ending + pronoun sequence, shortest first: ``(sequence, cost, teh, verbal)``.

    Cost: one per morpheme, two for a bare ``ت``, ``ا`` or ``ن`` ending or the pronoun ``كن``
    (rarely an ending, often radicals). ``teh``: a ``ة`` may be restored before it.
    ``verbal``: an imperfect verb may carry it (so ``ت ن ا`` at the start of the core may be
    imperfect prefixes).
    A bare ``ا`` after a noun core without the article is also tried at cost one: the alef
    of the indefinite accusative (وفقا is وفق + ا, not و + فقا; see :func:`candidates`).
    """
    out: dict[str, tuple[int, bool, bool]] = {}
    for ending in ENDINGS:
        for pronoun in PRONOUNS:
            cost = (0 if ending == "" else 2 if ending in RARE_ENDINGS else 1) + (
                0 if pronoun == "" else 2 if pronoun in RARE_PRONOUNS else 1)
            teh = ending in TEH_ENDINGS or (ending == "" and pronoun != "")
            verbal = ending in VERBAL_ENDINGS
            if ending == "ي" and pronoun != "":
                continue
            seq = ending + pronoun
            if seq in out:
                old = out[seq]
                out[seq] = (min(old[0], cost), old[1] or teh, old[2] or verbal)
            else:
                out[seq] = (cost, teh, verbal)
    return sorted(((k, *v) for k, v in out.items()), key=lambda e: (len(e[0]), e[0]))


@cache
def clitic_lists() -> tuple[list[str], list[tuple[str, int, bool, bool]]]:
    return proclitics(), enclitics()


@cache
def _article_prefixes() -> list[str]:
    """The proclitic sequences that end in ``ال`` or ``لل``, longest first (:func:`light_key`
    takes off the first that the key starts with): :func:`clitic_lists`' first list, reversed,
    without the others."""
    return [p for p in reversed(clitic_lists()[0]) if p.endswith("ال") or p.endswith("لل")]


@cache
def _clitic_index() -> tuple[frozenset[str], int, dict[str, tuple[str, int, bool, bool]], int]:
    """:func:`clitic_lists` for lookup: the proclitic sequences and the longest one's length,
    the enclitic entries by sequence and the longest sequence's length."""
    prefixes, suffixes = clitic_lists()
    return (frozenset(prefixes), max(map(len, prefixes)), {e[0]: e for e in suffixes},
            max(len(e[0]) for e in suffixes))


@cache
def _clitic_facts() -> tuple[dict[str, tuple[int, bool, str, bool, str, dict[str, str]]], int,
                             dict[str, tuple[str, int, bool, bool, int, bool, str, bool, bool]],
                             int]:
    """:func:`_clitic_index` with what :func:`candidates` asks of each clitic sequence worked
    out once: per proclitic sequence ``(cost, article, preposition, future, pos before no
    enclitic, pos before each enclitic)``; per enclitic sequence ``(sequence, cost, teh,
    verbal, length, alef ending, defective ending, alef pronoun, ends in ي)``."""
    prefixes, longest_prefix, suffixes, longest = _clitic_index()
    pre = {p: (prefix_cost(p), p.endswith("ال") or p.endswith("لل"), preposition(p), future(p),
               _clitic_pos(p, ""), {s: _clitic_pos(p, s) for s in suffixes})
           for p in prefixes}
    suf = {s: (s, cost, teh, verbal, len(s), alef_ending(s), defective_ending(s),
               s in ALEF_PRONOUNS, s.endswith(YEH))
           for s, (_, cost, teh, verbal) in suffixes.items()}
    return pre, longest_prefix, suf, longest


def prefix_cost(prefix: str) -> int:
    """One per proclitic morpheme (``ال`` and ``لل`` count as one each)."""
    cost = 0
    rest = prefix
    if rest[:1] in ("و", "ف"):
        cost += 1
        rest = rest[1:]
    if rest == "لل":
        return cost + 2
    if rest[:1] in ("ب", "ك", "ل", "س"):
        cost += 1
        rest = rest[1:]
    if rest == "ال":
        cost += 1
    return cost


def candidates(key: str, tanwin: bool = False,
               maksura: bool = False) -> list[tuple[int, str, bool, str, bool]]:
    """:func:`candidates_py`, in C when the module is built (archive.analysis._cmorph)."""
    c = _cmorph_candidates()
    if c is None:
        return candidates_py(key, tanwin, maksura)
    return c(key, tanwin, maksura, *_c_clitic_facts())  # type: ignore[no-any-return]


@cache
def _cmorph_candidates() -> Any:
    """The C twin of :func:`candidates_py`, or None (not built, or turned off: see
    :mod:`archive.native`)."""
    from archive import native

    c = native.module("archive.analysis._cmorph")
    return c.candidates if c is not None else None


@cache
def _c_clitic_facts() -> tuple[dict[str, tuple[int, bool, str, bool, str, dict[str, str]]], int,
                               dict[str, tuple[Any, ...]], int]:
    """:func:`_clitic_facts` for the C twin of :func:`candidates_py`: each enclitic sequence's
    facts followed by what :func:`person_ending` answers for it after an imperfect prefix ن
    and أ."""
    prefixes, longest_prefix, suffixes, longest = _clitic_facts()
    return prefixes, longest_prefix, {s: (*facts, person_ending(NOON, s), person_ending(ALEF, s))
                                      for s, facts in suffixes.items()}, longest


def candidates_py(key: str, tanwin: bool = False,
                  maksura: bool = False) -> list[tuple[int, str, bool, str, bool]]:
    """``(cost, core, bare, pos, article)`` of every clitic segmentation of a lexicon key,
    cheapest first (``article``: the proclitics include ال).

    ``bare``: nothing was taken off the end (only such cores are looked up as names). ``pos``:
    which lexicon entries the clitics allow: ``n`` (after ال ب ك, before ات …), ``v`` (after
    س, before وا تم …, imperfect), or ``b`` (both). A core that ends in ``ت`` before an ending
    that may hide a ``ة`` is also tried with ``ة`` (``حاجته`` → ``حاجة``); a core after a
    verbal ending that starts with an imperfect prefix ``ت ن ا`` is also tried with ``ي`` at
    two more cost (``نستفيد`` → ``يستفيد``). ``tanwin``: the word ends in a bare ``ا`` (not
    ``أ``, which the key also writes ``ا``), so a noun core + the alef of an indefinite
    accusative (وفقا, لافتا) is tried at cost one (see :func:`enclitics`). ``maksura``: the
    word ends in ``ى``, which the key writes ``ي``: that letter is no suffix ``ي`` (تسعى is the
    verb يسعى with the prefix ت, not تسع + ي).
    """
    prefixes, longest_prefix, suffixes, longest = _clitic_facts()
    out: list[tuple[int, str, bool, str, bool]] = []
    n = len(key)
    # the lists are in (length, text) order with one entry per text, so the prefixes and
    # suffixes of the key are found one length at a time, in the lists' order
    ends = [suffixes[key[n - k:]] for k in range(min(longest, n) + 1) if key[n - k:] in suffixes]
    for k in range(min(longest_prefix, n) + 1):
        prefix = key[:k]
        facts = prefixes.get(prefix)
        if facts is None:
            continue
        pcost, art, prep, is_future, bare_pos, positions = facts
        for (suffix, scost, teh, verbal, size, alef_end, ending, alef_pronoun,
             yeh_end) in ends:
            if n - k - size < 2:
                break
            if maksura and yeh_end:
                continue
            core = key[k:n - size]
            cost = pcost + scost
            bare = size == 0
            pos = positions[suffix]
            genitive = prep != "" and alef_end
            if genitive:
                # after ب ك ل the noun is genitive: a final ا is no accusative or dual alef;
                # only ل + an imperfect verb takes one (ليفعلا)
                pos = "v" if prep == "ل" and pos in ("b", "v") else ""
            if pos != "" and is_future and core[0] not in IMPERFECT:
                # the future س takes only an imperfect: سجلت is no س + جلت, سبورت no س +
                # the past بار + ت
                pos = ""
            if pos != "":
                out.append((cost, core, bare, pos, art))
            if tanwin and suffix == TANWIN_ALEF and not art and not core.endswith(ALEF) and (
                    not genitive):
                # the alef of an indefinite accusative (وفقا، لافتا، فرحا): as common as a
                # clitic on a noun without the article, so it costs one, not two
                out.append((cost - 1, core, False, "n", art))
            if teh and not bare and bare_pos != "v":
                if core.endswith(TEH) and suffix[:1] != TEH:
                    out.append((cost, core[:-1] + TEH_MARBUTA, False, "n", art))
                elif suffix[:1] != TEH and not core.endswith(TEH_MARBUTA):
                    out.append((cost, core + TEH_MARBUTA, False, "n", art))
            if (verbal and bare_pos != "n" and core[0] in "تنا" and len(core) >= 3
                    and person_ending(core[0], suffix)):
                out.append((cost + 2, YEH + core[1:], False, "v", art))
            if ending != "" and bare_pos != "n":
                # a defective verb loses its final weak radical before ون وا ت: يبنون is
                # يبني + ون (imperfect: ي ت ن + two radicals or more), بنوا and بنت are بنى
                # (key بني) + وا / ت, دعوا is دعا + وا (past, not after an imperfect ي)
                if ending != "ت" and core[0] in "يتن" and len(core) >= 3:
                    out.append((cost, core + YEH, False, "v", art))
                if ending != "ون" and core[0] != YEH and not is_future:
                    out.append((cost, core + YEH, False, "v", art))
                    if len(core) == 2:  # دعا، نجا; a longer past ends in ى (تبقى، اشترى)
                        out.append((cost, core + ALEF, False, "v", art))
            if alef_pronoun and core.endswith(ALEF) and len(core) >= 3 and (
                    ALEF + "ل" not in core[:3]):
                # a final ى is written ا before a pronoun: ينساه is ينسى + ه, أعطاه, مداه
                # (not when the core holds an article: الأهم, والأهم are ال + أهم)
                out.append((cost, core[:-1] + YEH, False, pos, art))
    out.sort(key=lambda c: c[0])
    return out


#: Letters an imperfect verb (or its ي-form, see :func:`candidates`) begins with.
IMPERFECT = "يتنا"


def future(prefix: str) -> bool:
    """The proclitics end in the future س, which takes a verb only in the imperfect (سيفعل,
    سأفعل, ستفعل, سنفعل; neither a past nor a noun follows it)."""
    return prefix.endswith("س")


#: Endings only an imperfect of the second or third person takes (يفعلون، تفعلين، يفعلان).
IMPERFECT_ENDINGS = ["ون", "ين", "ان"]


def person_ending(first: str, suffix: str) -> bool:
    """Can a verb core that starts with ``first`` (ت, ن or ا, read as an imperfect prefix) carry
    ``suffix``? The first person takes no inflectional ending: ن only a pronoun, أ none of
    the imperfect's endings ون ين ان (an imperative or a Form IV past may take وا, ا: اسمحوا,
    أصيبوا). A word read so is no Arabic verb form: أتكنسون, أشتون, إكسون are foreign names
    (kept whole), not أ + يتكنس + ون."""
    if first == TEH:
        return True
    if first == NOON:
        return suffix in PRONOUN_SET
    for ending in IMPERFECT_ENDINGS:
        if suffix.startswith(ending) and suffix[len(ending):] in PRONOUN_SET:
            return False
    return True


def preposition(prefix: str) -> str:
    """The preposition of a proclitic sequence: ``ب``, ``ك``, ``ل`` (bare, before a noun or
    an imperfect verb), ``لل`` (ل + the article) or ``""``; ``بال``, ``كال`` give ``ب``, ``ك``."""
    rest = prefix[1:] if prefix[:1] in ("و", "ف") else prefix
    if rest == "لل" or rest == "ل":
        return rest
    return rest[:1] if rest[:1] in ("ب", "ك") else ""


def alef_ending(suffix: str) -> bool:
    """The suffix is the ending ``ا``, alone or before a pronoun (ا, اه, اها)."""
    return suffix[:1] == ALEF and suffix[1:] in PRONOUN_SET


#: Endings before which a defective verb's final weak radical is not written.
DEFECTIVE_ENDINGS = ["ون", "وا", "ت"]
#: Pronouns before which a final ى is written ا (third person only: ك and نا after ان, اك
#: end too many nouns and names: مكانا, نوفاك).
ALEF_PRONOUNS = {"ه": True, "ها": True, "هم": True, "هما": True, "هن": True}


def defective_ending(suffix: str) -> str:
    """The ending ون, وا or ت that ``suffix`` is, alone or before a pronoun (يبنونه, بنته),
    else ``""``."""
    for ending in DEFECTIVE_ENDINGS:
        if suffix.startswith(ending) and suffix[len(ending):] in PRONOUN_SET:
            return ending
    return ""


def pos_of(prefix: str, suffix: str) -> str:
    """Which entries a prefix and a suffix allow together: ``n``, ``v``, ``b``, or ``""``."""
    noun = "ال" in prefix or "لل" in prefix or prefix[-1:] in ("ب", "ك") or (
        len(prefix) >= 2 and prefix[-2:-1] in ("ب", "ك"))
    verb = prefix[-1:] == "س"
    for ending in NOUN_ENDINGS:
        if suffix.startswith(ending) and (suffix == ending or suffix[len(ending):] in PRONOUN_SET):
            noun = True
    for ending in VERB_ENDINGS:
        if suffix.startswith(ending) and (suffix == ending or suffix[len(ending):] in PRONOUN_SET):
            verb = True
    if noun and verb:
        return ""
    return "n" if noun else "v" if verb else "b"


#: :func:`pos_of` of a proclitic and an enclitic sequence, kept (a few thousand pairs, asked
#: for several times per candidate in :func:`candidates`).
_clitic_pos = cache(pos_of)


def name_key(core: str, names: dict[str, str]) -> str:
    """The key of a name: another spelling of a name has the usual spelling's key (the names
    table says ``=key``: أميركا → امريكا); a feminine nisba in ``ة`` shares the masculine's
    (سورية → سوري)."""
    if names[core].startswith("="):
        core = names[core][1:].split(",")[0]
    if core.endswith(YEH + TEH_MARBUTA) and core[:-1] in names:
        return name_key(core[:-1], names)
    return core


def light_key(word: str) -> str:
    """Root key of a word no lexicon knows: the word without its clitics (a light stem).

    Takes off a proclitic sequence ending in ``ال`` (وال، بال، لل …), then every leading
    ``و`` while at least four letters remain (the conjunction: a word no lexicon knows still
    matches its bare form, ``وإيذاء`` → ``ايذاء``, ``وداعش`` → ``داعش``; a word that starts
    with a radical و loses it too, with or without ال or the conjunction, so that all its
    forms keep one key: ويليامز، وويليامز → ``يليامز``; not ف ب ل ك, which begin too many
    foreign words: فيسبوك, بوتين), then one ending of a nisba or plural (ية ي يات يين يون ات
    ون ين ة) when at least three letters remain: ``بالتكنولوجيا`` → ``تكنولوجيا``,
    ``والبرلمانية`` → ``برلمان``.
    """
    key = lexicon_key(word)
    for prefix in _article_prefixes():
        if key.startswith(prefix) and len(key) - len(prefix) >= 3:
            key = key[len(prefix):]
            break
    while key.startswith(WAW) and len(key) - 1 >= LIGHT_CONJUNCTION_REST:
        key = key[1:]
    if foreign_ending(key):
        return key
    for ending in LIGHT_ENDINGS:
        if key.endswith(ending) and len(key) - len(ending) >= 3:
            return key[:-len(ending)]
    return key


#: Endings of transliterated foreign names that no Arabic root and pattern produce (no key of
#: the root lexicon ends in one): Johnson, Kingston, Kowalski, Djokovic, Ivanovic, Ronaldinho,
#: Marcelo, Hamburg, Bloomberg, Einstein, Ivanova.
FOREIGN_ENDINGS = ["سون", "ستون", "سكي", "فيتش", "يتش", "ينيو", "ينو", "يلو", "بورغ", "بيرغ",
                   "برغ", "شتاين", "وفا"]


def foreign_ending(key: str) -> bool:
    """The light key of a word no lexicon knows ends like a transliterated foreign name (two
    letters or more before the ending): its last letters are part of the name, not a
    plural or nisba ending (نيكلسون keeps its ون, كوفالسكي its ي)."""
    for ending in FOREIGN_ENDINGS:
        if key.endswith(ending) and len(key) - len(ending) >= 2:
            return True
    return False


#: The last answer of :func:`lexicon_reading`: ``((word, names_too, data), reading)``. The word
#: table asks for the reading of a name's word twice in a row (:func:`stem_root`, then
#: :func:`common_root`): the second time costs nothing.
_LAST_READING: list[Any] = [None, None]


def lexicon_reading(word: str, d: Data, names_too: bool = True) -> tuple[str, str, str] | None:
    """:func:`read_lexicon`, remembering the last answer (:data:`_LAST_READING`)."""
    asked, reading = _LAST_READING
    if asked is not None and asked[0] == word and asked[1] == names_too and asked[2] is d:
        return reading  # type: ignore[no-any-return]
    reading = read_lexicon(word, d, names_too)
    _LAST_READING[:] = (word, names_too, d), reading
    return reading


def forget() -> None:
    """Let go of the data tables (:func:`default_data`, read again from the user's cache when
    asked), of the last lexicon reading, which refers to them, and of the lexicon entries
    read (:func:`lexicon_entries`)."""
    default_data.cache_clear()
    _LAST_READING[:] = [None, None]
    _ENTRIES.clear()


#: :func:`lexicon_entries` of the lexicon values read so far.
_ENTRIES: dict[str, tuple[tuple[str, str, int], ...]] = {}


def lexicon_entries(value: str) -> tuple[tuple[str, str, int], ...]:
    """The entries of a root lexicon value (``root:kind:weight|…``) as ``(root, kind,
    weight)``, the weight as a number (remembered per value: a core is looked up under
    many words, and splitting its value each time was a tenth of the morphology)."""
    entries = _ENTRIES.get(value)
    if entries is None:
        entries = _ENTRIES[value] = tuple(
            (root, kind, int(weight))
            for root, kind, weight in (entry.split(":") for entry in value.split("|")))
    return entries


def read_lexicon(word: str, d: Data, names_too: bool = True) -> tuple[str, str, str] | None:
    """The lexicon reading of a clean word (:func:`licensed_reading`), with one check: a
    hamza the word writes on an alef inside its stem (أسأل, مآل, فأر; not the first letter
    after the proclitics, as in وأسلحة, سأعمل) is a radical. The lexicon key folds that
    hamza into ``ا`` (أسأل and the Form IV verb أسال are one key), so when the reading's root
    has no ``ء`` the word is read again with only roots that have one, and that reading wins
    when there is one (أسأل is ا + يسأل, سءل, not أسال, سيل).
    """
    reading = licensed_reading(word, d, names_too)
    if reading is None:
        return construct_plural(word, d, names_too)
    start = clitic_hamza(word)
    if reading is not None and reading[0] == "root" and HAMZA not in reading[1] and start > 0:
        at = lexicon_key(word).find(reading[2][:2])
        # (لل is ل + the article: the rest keeps its article, للأهلي is الأهلي)
        rest = ("ال" if word[:start].endswith("لل") else "") + word[start:]
        if 0 <= at < start and rest not in d["stop_words"]:
            # the core takes in a proclitic letter before a written أ/إ, which only a root
            # with a hamza radical there would write (للأزمة is لل + أزمة, not ل + لازمة;
            # لأزمة ل + أزمة; وأدى و + أدى, not ودي): the word without those clitics decides
            again = lexicon_reading(rest, d, names_too)
            if again is not None:
                return again
    if reading is not None and reading[0] == "root" and HAMZA not in reading[1] and (
            written_hamza(word)):
        radical = licensed_reading(word, d, names_too, True)
        if radical is not None and radical[0] == "root":
            return radical
    return reading


#: Endings of a masculine sound plural in construct, which loses its ن: و (nominative:
#: مسؤولو الوزارة), or ي before a pronoun (منسوبيها); and the free ending each stands for.
CONSTRUCT_ENDINGS = {WAW: "ون", YEH: "ين"}
#: Every ending + pronoun :func:`construct_plural` tries (a word that ends in none of them is
#: not read there).
CONSTRUCT_TAILS = tuple(letter + pronoun for pronoun in PRONOUNS for letter in CONSTRUCT_ENDINGS
                        if not (letter == YEH and pronoun == "") and pronoun[:1] != "ك")


def construct_plural(word: str, d: Data, names_too: bool = True) -> tuple[str, str, str] | None:
    """The reading of a word no lexicon reads that is a participle's masculine sound plural in
    construct (مسؤولو, مقاتلو, موظفيها, منسوبيه, لمنسوبيها): the same word with the free
    plural ending (مسؤولون, منسوبين), when that reads as a participle — a core of four
    letters or more that starts with م (مفعول, مفعل, مستفعل …) or is فاعل (زائريها) —
    else None. Only for words nothing else reads: a foreign name in و (ماريو, فيديو) keeps
    its light key. Not after the article (a construct noun takes none: التانقو), not a name
    (محمدو), not before the second person's ك كم كن (rare in news; هاتريك)."""
    if not word.endswith(CONSTRUCT_TAILS):
        return None  # (the loop below tries only these tails)
    key = lexicon_key(word)
    for pronoun in PRONOUNS:
        for letter, ending in CONSTRUCT_ENDINGS.items():
            tail = letter + pronoun
            if (letter == YEH and pronoun == "") or pronoun[:1] == "ك" or not word.endswith(
                    tail) or len(word) - len(tail) < 4:
                continue
            reading = lexicon_reading(word[:len(word) - len(tail)] + ending, d, names_too)
            if reading is None or reading[0] != "root":
                continue
            core = reading[2]
            stem = key[:len(key) - len(tail)]
            before = stem[:len(stem) - len(core)]
            if stem.endswith(core) and len(core) >= 4 and (
                    core[0] == "م" or (len(core) == 4 and core[1] == ALEF)) and (
                    not before.endswith(ALEF + "ل") and not before.endswith(ARTICLE_L)) and (
                    core not in d["names"]):
                return reading
    return None


def madda_key(word: str) -> str:
    """:func:`lexicon_key` of a clean word, but a madda written at the start of the word or
    right after its proclitics (clean spells آ as ءا) stays ``آ`` (آب, والآن): such a core is
    read only with the roots of the lexicon's forms in آ (:func:`licensed_reading`)."""
    key = lexicon_key(word)
    if HAMZA + ALEF not in word:  # (no ءا: the loop below finds nothing)
        return key
    prefixes = clitic_lists()[0]
    for i in range(len(word) - 1):
        if word[i] == HAMZA and word[i + 1] == ALEF and word[:i] in prefixes and (
                word[i - 1:i] != ALEF):
            return key[:i] + ALEF_MADDA + key[i + 1:]
    return key


def fold_madda(key: str) -> str:
    """A key with its written madda (:func:`madda_key`) folded into ``ا``, as lexicon keys
    write it."""
    return key.replace(ALEF_MADDA, ALEF)


def clitic_hamza(word: str) -> int:
    """Where a hamza written on an alef (أ, إ) follows a proclitic sequence (لأ, للأ, وأ,
    بالأ; not the future س, whose verb may start with the first person أ: سألت is سأل + ت)
    before three letters or more (two after لل: للأم), else 0: that hamza starts the core (see
    :func:`lexicon_reading`)."""
    if ALEF_HAMZA_ABOVE not in word and ALEF_HAMZA_BELOW not in word:
        return 0  # (no أ or إ: the loop below finds nothing)
    prefixes = _clitic_index()[0]  # the proclitic sequences as a set
    for i in range(1, min(len(word) - 1, 5)):
        if word[i] in (ALEF_HAMZA_ABOVE, ALEF_HAMZA_BELOW) and word[:i] in prefixes and (
                not future(word[:i])) and (word[:i].endswith(ARTICLE_L) or len(word) - i >= 3):
            return i
    return 0


def written_hamza(word: str) -> bool:
    """The clean word writes a hamza on an alef (أ, إ, or آ spelled ءا) that the lexicon key
    folds away, other than as the first letter of the word or after a proclitic sequence."""
    if ALEF_HAMZA_ABOVE not in word and ALEF_HAMZA_BELOW not in word and (
            HAMZA + ALEF not in word):
        return False  # (no أ, إ or ءا: the loop below finds nothing)
    prefixes = clitic_lists()[0]
    for i in range(1, len(word)):
        ch = word[i]
        folded = ch in (ALEF_HAMZA_ABOVE, ALEF_HAMZA_BELOW) or (
            ch == HAMZA and word[i + 1:i + 2] == ALEF and word[i - 1] != ALEF)
        if folded and word[:i] not in prefixes:
            return True
    return False


def licensed_reading(word: str, d: Data, names_too: bool = True,
                     hamza_only: bool = False) -> tuple[str, str, str] | None:
    """``("name", key, key)``, ``("root", root, core)`` or ``None`` for a clean word.

    ``core``: the word without the clitics of the winning reading (its stem key).

    The cheapest segmentation (fewest clitic morphemes taken off, see :func:`candidates`) whose
    core is in the name lexicon or the root lexicon wins; at that cost a name beats a root (the
    name lexicon holds only names that are more often names than words; after ال only a name
    its sources spell with ال, so الإسلام is not the given name إسلام, or a name in ي — a
    family or tribe nisba, الشهراني, الدوسري, or العيسى —, bare or in ة, not in a plural
    ending: المهديين is a plural of مهدي; with or without ال, only a place's nisba takes a
    plural or dual ending, :func:`plural_name`; a name tagged ``alonly``, a club, only after
    ال: للهلال is the club, هلال the crescent). Lexicon entries are
    ``root:kind:weight`` (kind ``n`` noun, ``v`` verb, ``b`` both; weight from the frequency of
    the arramooz lemma); entries of a kind the clitics exclude are skipped. Several licensed
    roots: the one whose best reading (segmentation) has the largest weight, then the largest
    summed weight over its readings, then the larger root prior. A core licensed
    only as a loanword (``*lemma``) gets the lemma as its key (``ملايين`` → ``مليون``).

    ``names_too=False``: the name lexicon is not consulted (the common reading of a name, see
    :func:`common_root`). ``hamza_only``: only roots with a hamza radical are licensed (see
    :func:`lexicon_reading`).
    """
    names, lexicon = (d["names"] if names_too else {}), d["lexicon"]
    best_cost = -1
    scores: dict[str, int] = {}
    sums: dict[str, int] = {}
    cores: dict[str, str] = {}
    verbs: dict[str, bool] = {}  # the root was licensed by verb entries only
    order: list[str] = []
    whole = ""
    whole_weight, whole_core = 0, ""  # the loanword's lemma weight and core
    marked = madda_key(word)
    key = fold_madda(marked)
    found: list[tuple[int, str, bool, str, bool]] = []
    # the roots a core in a written آ may have (None: any): the lexicon's forms in آ (آب is
    # the verb آب, ءوب, never أب the father; آبل no إبل); a core with a written آ inside
    # (الآن read as the verb ألان) has none
    gates: list[str | None] = []
    # (without a written آ, the candidates as they come, cheapest first: no core to fold or
    # gate, none added)
    plain = ALEF_MADDA not in marked
    for cost, core, bare, pos, art in () if plain else candidates(
            marked, word.endswith(ALEF), word.endswith(ALEF_MAKSURA)):
        gate = None
        if ALEF_MADDA in core:
            gate = "," + (d["madda"].get(fold_madda(core), "") if core[0] == ALEF_MADDA
                          else "") + ","
        found.append((cost, fold_madda(core), bare, pos, art))
        gates.append(gate)
        if core[0] == ALEF_MADDA and pos != "n" and bare and len(core) >= 3:
            # آ is also the first person أ + a hamza radical: آمل is أأمل (يأمل, ءمل; not
            # ملل: the root starts with the hamza)
            found.append((cost + 2, YEH + fold_madda(core), False, "v", art))
            gates.append(HAMZA)
    # the word ends in a bare alef (not أ, which the key also writes ا, nor ءا: جزءا)
    bare_alef = word.endswith(ALEF) and word[-2:-1] != HAMZA
    if plain:
        found = candidates(marked, word.endswith(ALEF), word.endswith(ALEF_MAKSURA))
        gates = [None] * len(found)
    else:
        ranked = sorted(range(len(found)), key=lambda i: found[i][0])  # stable: cheapest first
        found = [found[i] for i in ranked]
        gates = [gates[i] for i in ranked]
    article_read = False  # some reading takes a bare ال off as the article
    for _cost, core, _bare, _pos, art in found:
        if art and core in lexicon:
            article_read = True
            break
    for (cost, core, bare, pos, art), gate in zip(found, gates, strict=True):
        if best_cost >= 0 and cost > best_cost:
            break
        if (bare or core.endswith(YEH)) and pos != "v" and len(core) >= MIN_NAME and (
                core in names) and (bare or key.endswith(core + TEH_MARBUTA) or plural_name(
                    names[core])) and (not art or ARTICLE_TAG in names[core].split(",") or (
                    core.endswith(YEH) and (bare or key.endswith(core + TEH_MARBUTA)))) and (
                    art or ALONLY_TAG not in names[core].split(",")):
            return "name", name_key(core, names), name_key(core, names)
        if article_read and not art and bare_article(word, key, core):
            # (after an article already taken off, a core in ال is a word of its own: الالتزام
            # is ال + التزام, not ال + ال + تزام)
            if pos == "n" or not form8_verb(core, lexicon):
                continue
            pos = "v"  # a Form VIII verb of a root in ل (التقى), not a noun in أل (ألسنة)
        nisba = family_nisba(key, core, lexicon) if names_too and art else ""
        if nisba != "":
            return "name", nisba, nisba
        if core in lexicon:
            for root, kind, weight in lexicon_entries(lexicon[core]):
                if pos != "b" and kind != "b" and kind != pos:
                    continue
                if hamza_only and HAMZA not in root:
                    continue
                if gate is not None and ("," + root + "," not in gate if gate != HAMZA
                                         else not root.startswith(HAMZA)):
                    continue
                if bare_alef and bare and root.endswith(HAMZA) and core.endswith(ALEF):
                    # a bare final ا is no hamza radical: يوما is يوم + ا, not the verb
                    # يومأ; مستمرا is مستمر + ا, not استمرأ; بدا is the verb بدا, not بدأ
                    continue
                best_cost = cost
                if root.startswith(LOANWORD):
                    if not whole:
                        whole, whole_weight, whole_core = root[len(LOANWORD):], weight, core
                elif root in scores:
                    # weights are log-frequencies: a root scores its most frequent reading's
                    # (للبنك: لبن + لبنة must not outweigh بنك), the sum breaks ties (مصيره)
                    scores[root] = max(scores[root], weight)
                    sums[root] += weight
                else:
                    scores[root] = weight
                    sums[root] = weight
                    cores[root] = core
                    order.append(root)
                    verbs[root] = True
                if kind != "v":
                    verbs[root] = False
    if not order:
        if whole and whole_core == key:
            # ب/ل + a far more frequent noun beats a loanword homograph too (بطريق is ب +
            # طريق far more often than the patriarch)
            clitic = preposition_reading(key, found, lexicon, whole_weight, best_cost, key)
            if clitic is not None:
                return "root", clitic[0], clitic[1]
        return ("name", whole, whole) if whole else None
    prior = d["root_prior"]
    best = order[0]
    plural = key.endswith(FEMININE_PLURAL)
    for root in order:
        if scores[root] > scores[best] or (scores[root] == scores[best] and (
                sums[root] > sums[best] or (sums[root] == sums[best] and (
                    feminine_plural(plural, cores[root]) > feminine_plural(plural, cores[best])
                    or (feminine_plural(plural, cores[root])
                        == feminine_plural(plural, cores[best])
                        and prior.get(root, 0) > prior.get(best, 0)))))):
            best = root
    if not whole and (key.startswith(cores[best]) or (
            key.startswith(ARTICLE_L) and key[1:].startswith(cores[best]))):
        clitic = preposition_reading(key, found, lexicon, scores[best], best_cost, cores[best])
        if clitic is not None:
            return "root", clitic[0], clitic[1]
    if not whole and key.startswith(WAW):
        verb = conjunction_reading(key, found, lexicon, scores[best], best_cost, cores[best])
        if verb is None:
            verb = conjunction_past(word, key, d, scores[best], cores[best], names_too)
        if verb is not None:
            return "root", verb[0], verb[1]
    if best_cost == 0 and not whole:
        if verbs[best] and bare_alef:
            noun = tanwin_reading(key, found, lexicon, d["stop_words"], scores[best])
            if noun is not None:
                return "root", noun[0], noun[1]
    return "root", best, cores[best]


def conjunction_reading(key: str, found: list[tuple[int, str, bool, str, bool]],
                        lexicon: dict[str, str], best_weight: int, best_cost: int,
                        best_core: str) -> tuple[str, str] | None:
    """``(root, core)`` of a past verb in و + the feminine ending ت when the cheapest reading
    of the word takes that و off as the conjunction and that verb's lemma is far more frequent
    (:data:`CLITIC_MARGIN`): وصلت is وصل + ت, not و + the rare verb صلت (the ending ت costs
    two, as it is often a radical, so the conjunction reading is one clitic cheaper)."""
    if key.startswith(best_core) or not key.endswith(TEH):
        return None
    return heavier_noun([core for cost, core, _bare, pos, _art in found
                         if cost == best_cost + 1 and pos != "n" and core == key[:-1]
                         and core in lexicon], lexicon, best_weight, "n")


#: و + a past verb in ت beats the whole word read with its و when that verb's lemma weighs this
#: much more (log2: 16 times as frequent). Chosen from the class in SaudiNewsNet (words و + a
#: past in ت that have a reading with the و kept, ≥ 5 tokens, 12-line concordances): at a
#: margin of 4 or more the news means و + the verb (ودعت 4, وقرأت, ومدت 4, وكدت 5, وادعت 6,
#: وغدت 8, وأدت 9, وجرت 10, ومضت 11, وحلت 12, وبدأت, ورأت) but for وضحت (6: وضّح) and وسعت
#: (13: وسّع and و + سعى alike); below it the whole word (وردت 3, وحدت 2, وجدت, وصفت 0).
CONJUNCTION_MARGIN = 4
#: A past verb whose last radical is a written hamza before the feminine ت (بدأت, قرأت).
HAMZA_TEH = "أت"


def conjunction_past(word: str, key: str, d: Data, best_weight: int, best_core: str,
                     names_too: bool = True) -> tuple[str, str] | None:
    """``(root, core)`` of و + a past verb + the feminine ت when the cheapest reading keeps the
    و in its core (ودعت read as ودّع + ت, وحلت as the noun وحل + ت, وبدت as وبد + ت) and the
    word without its و reads as a past in ت (the verb is that word without ت, or that + its
    lost weak radical: دعا, مضى; see :func:`candidates`) whose lemma weighs
    :data:`CONJUNCTION_MARGIN` more: ودعت is و + دعت, "and she called". The rest is read as
    it is read alone (فرت is no past of فرى there, so وفرت stays وفّر + ت). Not a word in ات
    unless its ت follows a written hamza (وبدأت): وحدات is a plural, not و + the verb حدا."""
    stem = key[1:-1]
    if not (key.startswith(WAW) and key.endswith(TEH) and best_core.startswith(WAW)) or (
            len(stem) < 2 or (stem.endswith(ALEF) and not word.endswith(HAMZA_TEH))):
        return None
    rest = licensed_reading(word[1:], d, names_too)
    if rest is None or rest[0] != "root" or not (rest[2] == stem or (
            rest[2][:-1] == stem and rest[2][-1] in (YEH, ALEF))):
        return None
    for entry in d["lexicon"][rest[2]].split("|"):
        root, kind, weight = entry.split(":")
        if root == rest[1] and kind != "n" and int(weight) >= best_weight + CONJUNCTION_MARGIN:
            return rest[1], rest[2]
    return None


#: The sound feminine plural ending.
FEMININE_PLURAL = "ات"


def feminine_plural(plural: bool, core: str) -> bool:
    """A word in ات read as a singular in ة + ات: between readings that tie, the sound feminine
    plural of a noun in ة (سمات: سمة, وسم) beats a noun without ة + ات (سم + ات, سمم)."""
    return plural and core.endswith(TEH_MARBUTA)


def plural_name(tags: str) -> bool:
    """A name in ي whose plural and dual are the name too: the nisba of a place or people
    (السوريون, مصريين; tag ``nisba``, or another spelling of one, ``=key``), not a family name
    that is also a common adjective (الرماديات, شاميون are grey and Levantine things)."""
    return tags.startswith("=") or NISBA_TAG in tags.split(",")


#: Source tag of the nisba of a country or well-known place (bench/gold/build_lexicon).
NISBA_TAG = "nisba"


#: A preposition + noun reading beats the whole word when its lemma is this much more frequent
#: (weights are log2 frequencies: 6 is 64 times).
CLITIC_MARGIN = 6


def preposition_reading(key: str, found: list[tuple[int, str, bool, str, bool]],
                        lexicon: dict[str, str], whole_weight: int, whole_cost: int = 0,
                        whole_core: str = "") -> tuple[str, str] | None:
    """``(root, core)`` of ب/ل + a noun when that noun's lemma is far more frequent than the
    whole word's (باسم is ب + اسم far more often than the adjective باسم; لقوة is ل + قوة),
    else None. ``whole_core``: the core of the cheapest reading (default: the whole key),
    which starts the key; ``whole_cost``: its cost. Only a bare ب or ل (no article) before a
    core of three letters or more that is that core without its ب/ل, with the same ending
    (باسمه is ب + اسم + ه, بقوله ب + قول + ه); not ك, a rare preposition (كبرى is not ك + برى).
    Likewise لل + a noun against ل + a rarer word in ل (للسنة is لل + سنة, not ل + لسنة;
    للقوة لل + قوة, not ل + لقوة): then the core of the cheapest reading follows the first ل."""
    whole_core = whole_core or key
    after = 1 if key.startswith(ARTICLE_L) and key[1:].startswith(whole_core) else 0
    return heavier_noun([core for cost, core, _bare, pos, art in found
                         if cost == whole_cost + 1 and art == (after == 1) and pos != "v"
                         and len(core) >= 3 and key[:1] in ("ب", "ل")
                         and key[after:].startswith(whole_core)
                         and whole_core[1:] == core and core in lexicon],
                        lexicon, whole_weight)


#: ل + the article (لل).
ARTICLE_L = "لل"


def heavier_noun(cores: list[str], lexicon: dict[str, str],
                 whole_weight: int, other: str = "v") -> tuple[str, str] | None:
    """``(root, core)`` of the most frequent noun reading of ``cores`` (lexicon keys) whose
    lemma weighs at least :data:`CLITIC_MARGIN` more than the whole word's, else None.
    ``other="n"``: the most frequent verb reading instead (entries of kind ``other`` are
    skipped)."""
    best: tuple[str, str] | None = None
    top = whole_weight + CLITIC_MARGIN - 1
    for core in cores:
        for entry in lexicon[core].split("|"):
            root, kind, weight = entry.split(":")
            if kind != other and not root.startswith(LOANWORD) and int(weight) > top:
                best, top = (root, core), int(weight)
    return best


def tanwin_reading(key: str, found: list[tuple[int, str, bool, str, bool]],
                   lexicon: dict[str, str], stop_words: dict[str, str],
                   whole_weight: int) -> tuple[str, str] | None:
    """``(root, core)`` of a noun + the alef of the indefinite accusative when the whole
    word's cheapest reading is a verb only and that noun's lemma is far more frequent
    (:data:`CLITIC_MARGIN`): جدا is جدّ + ا (جدد), not the verb جدا; حقا, سرا, حدا, سدا,
    حبا likewise; the verbs شكا, سما, بدا keep their reading. Not a core that is a function
    word (منا is من + نا)."""
    return heavier_noun([core for cost, core, bare, pos, art in found
                         if cost == 1 and not bare and not art and pos == "n"
                         and key[:-1] == core and core not in stop_words and core in lexicon],
                        lexicon, whole_weight)


#: How a Form VIII verb of a root whose first radical is ل begins (التقى، التزم).
FORM8_L = "الت"


def form8_verb(core: str, lexicon: dict[str, str]) -> bool:
    """The core is a Form VIII verb of a root in ل (التقى، التزم، التحق), more frequent than
    the noun the article + the rest of it would be (التام is ال + تام, التهم ال + تهم)."""
    if not core.startswith(FORM8_L) or core not in lexicon:
        return False
    verb = 0
    for entry in lexicon[core].split("|"):
        _root, kind, weight = entry.split(":")
        if kind != "n" and int(weight) > verb:
            verb = int(weight)
    other = 0
    for entry in lexicon.get(core[2:], "").split("|") if core[2:] in lexicon else []:
        if int(entry.split(":")[2]) > other:
            other = int(entry.split(":")[2])
    return verb > other


def bare_article(word: str, key: str, core: str) -> bool:
    """The core starts with ``ال`` written with a bare alef in the word (السنة, بالسنين): that
    is the article, not the hamza of a lexicon word that starts with أل (ألسنة, the plural of
    لسان, whose key is السنة too). Only when the key has the word's letters one for one."""
    start = key.find(core)
    return (core.startswith(ALEF + "ل") and len(key) == len(word) and start >= 0
            and word[start] == ALEF)


def family_nisba(key: str, core: str, lexicon: dict[str, str]) -> str:
    """ال + a licensed noun + ``ي`` (or ``اني``) where that nisba is no lexicon word
    (العريفي, الجبالي; الشحماني, الكلباني): a family name, kept whole — the nisba
    is returned —, not the noun's root; else ``""``. The lexicon lists every nisba of a
    rooted noun that arramooz's word-frequency list attests as a common word (اقتصادي,
    رياضي, إنساني), so a nisba it lacks is, after the article, far more often a family or
    tribe name (or the nisba of a place or people: الألماني)."""
    if len(core) < 3 or core not in lexicon or core.endswith(YEH):
        return ""
    for tail in NISBA_TAILS:
        if key.endswith(core + tail) and core + tail not in lexicon:
            return core + tail
    return ""


#: Endings of a nisba after a noun (a family or tribe name when the lexicon lacks it).
NISBA_TAILS = [YEH, "اني"]


def common_root(word: str, d: Data) -> str:
    """The root of the common-word reading of a clean word that the name lexicon reads as a
    name (جدة the city → ``جدد`` "grandmother/new", فيصل → ``فصل``), or ``""``.

    A name is never reduced to a root in the name's own keys (its stem and root key are the
    name), but when the root lexicon also licenses the word as a common word, that root is
    kept as the token's *alternative root*: the index files it under ``ALT_MARK + root`` at the
    same position, where only an explicit root query (``جذر:جدد``) reaches it. A bare query
    word that is a name matches the name only, never this root family; a query word of the
    family (جديد) does not match the name either (precision first). Only when the name's core
    itself is the common word's core (no ending or prefix of another segmentation: درعا is not
    read as درع + ا, حوراني not as حوران + ي) and the common root differs from the name key.
    """
    if word in d["stop_words"] or "lexicon" not in d:
        return ""
    reading = lexicon_reading(word, d)
    if reading is None or reading[0] != "name" or reading[1] not in d["names"]:
        return ""
    common = lexicon_reading(word, d, names_too=False)
    # the name's own letters must be the common word (درعا is not درع + ا, حوراني not حوران + ي)
    if common is None or common[0] != "root" or common[2] != reading[1] or (
            common[1] == reading[1]):
        return ""
    return common[1]


#: Prepositions written on the word that a foreign name no lexicon knows may carry (لترامب).
NAME_PREPOSITIONS = ("ب", "ل")


def query_root(word: str, d: Data) -> str:
    """The root key a *query* word also asks for, else ``""``: the light key of a word no
    lexicon knows (a foreign name, لترامب, بفيسبوك) without a leading ب or ل (after و or ف).

    The index keeps such a word whole (its key cannot tell ل + ترامب from a name in ل,
    ليفربول, or ب + a name from بيرسون), so a query for لترامب would find only the articles
    that write لترامب. The search asks for this key at the root level instead of the word's
    own root, which is its light stem too: the exact and stem levels still find the word as
    written (and its و/ال forms), the root level finds the bare name (ترامب, وترامب). Not for
    a stop word, a lexicon word or name, a rest under three letters or a rest that starts
    with the article (بالترامب already loses بال in its light key)."""
    if word in d["stop_words"] or ("lexicon" in d and lexicon_reading(word, d) is not None):
        return ""
    start = 1 if word[:1] in ("و", "ف") else 0
    if word[start:start + 1] not in NAME_PREPOSITIONS:
        return ""
    rest = word[start + 1:]
    if len(lexicon_key(rest)) < 3 or rest.startswith(ALEF + "ل") or rest in d["stop_words"]:
        return ""
    key = light_key(rest)
    return "" if key == light_key(word) else key


def stem_and_root(word: str) -> tuple[str, str]:
    """Return ``(stem, root)`` of a word already passed through ``normalize.clean``."""
    if not word:
        return word, word
    return stem_root(word, default_data())


def is_stop(word: str) -> bool:
    """Whether ``word`` (cleaned) is in tashaphyne's stop-word table."""
    return word in default_data()["stop_words"]
