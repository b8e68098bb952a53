"""Tokenization: split text into word spans with offsets into the original text.

A token is a run that starts with a letter or digit and continues with letters, combining marks
(so a vocalised word stays one token), digits and invisible format characters (zero-width
joiners, bidi marks), which :func:`archive.analysis.normalize.normalize` later removes. Anything
else — spaces, quotes, punctuation, tatweel-joined quote marks as in لـ"قسد" — separates tokens.

The character classes are computed from Python's Unicode database and exported as ranges, so the
JavaScript port tokenizes by the very same table.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

START_CATEGORIES = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Nd", "Nl", "No"})
CONTINUE_CATEGORIES = START_CATEGORIES | {"Mn", "Mc", "Me", "Cf"}


def _ranges(categories: frozenset[str]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    start = -1
    for cp in range(sys.maxunicode + 1):
        inside = unicodedata.category(chr(cp)) in categories
        if inside and start < 0:
            start = cp
        elif not inside and start >= 0:
            ranges.append((start, cp - 1))
            start = -1
    if start >= 0:
        ranges.append((start, sys.maxunicode))
    return ranges


#: The ranges computed once from the Unicode database, shipped so that every process (the
#: build, each ``archive search``) does not scan 1.1 million code points at start-up.
SHIPPED = Path(__file__).parent / "data" / "token_classes.json"


def compute_char_classes() -> dict[str, list[tuple[int, int]]]:
    return {"start": _ranges(START_CATEGORIES), "continue": _ranges(CONTINUE_CATEGORIES)}


@lru_cache(maxsize=1)
def char_classes() -> dict[str, list[tuple[int, int]]]:
    """Code point ranges of token-start and token-continue characters."""
    try:
        shipped = json.loads(SHIPPED.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        shipped = {}
    if shipped.get("unicode_version") == unicodedata.unidata_version:
        return {k: [(a, b) for a, b in shipped[k]] for k in ("start", "continue")}
    return compute_char_classes()


def write_shipped_classes() -> None:
    """Regenerate the shipped table (run after a Python upgrade changes the Unicode version)."""
    data = {"unicode_version": unicodedata.unidata_version, **compute_char_classes()}
    SHIPPED.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")


#: Characters that mean something inside a regular expression's character class.
_CLASS_SPECIAL = frozenset("\\]^-[")


def _class(ranges: list[tuple[int, int]]) -> str:
    """The inside of a character class holding ``ranges``, written with the characters
    themselves (escaped only where a class gives them a meaning): ``re`` compiles that in
    about half the time of ``\\U`` escapes, which every ``archive search`` process pays."""

    def char(cp: int) -> str:
        ch = chr(cp)
        return "\\" + ch if ch in _CLASS_SPECIAL else ch

    return "".join(char(a) if a == b else f"{char(a)}-{char(b)}" for a, b in ranges)


@lru_cache(maxsize=1)
def token_pattern() -> re.Pattern[str]:
    classes = char_classes()
    return re.compile(f"[{_class(classes['start'])}][{_class(classes['continue'])}]*")


def tokenize(text: str) -> Iterator[tuple[int, int]]:
    """Yield ``(start, end)`` offsets of each token in ``text``."""
    _, starts, ends = token_columns(text)
    yield from zip(starts, ends, strict=True)


# The fast path. ``re`` keeps a class's characters of the Basic Multilingual Plane in a
# bitmap, but tests those beyond it (hundreds of ranges of letters and digits) one range after
# the other, for every character that is not in the bitmap: a space or a comma costs as much
# as scanning them all, which made tokenizing news text ten times slower than it need be. So
# the analysis scans with the classes' BMP part only, on the text with each character beyond
# the BMP (rare: emoji, historic scripts) replaced by a BMP character of the same classes —
# one code point for one, so every offset stays — and takes the tokens' text from the
# original: the very tokens of :func:`token_pattern`.

#: A character beyond the Basic Multilingual Plane.
_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


def _bmp_part(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [(a, min(b, 0xFFFF)) for a, b in ranges if a <= 0xFFFF]


@lru_cache(maxsize=1)
def _scanner() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str]]:
    """The BMP token pattern, the same with the token as a group (for ``split``), and the
    stand-ins (start, continue only, neither) for characters beyond the BMP."""
    classes = char_classes()
    start, cont = _bmp_part(classes["start"]), _bmp_part(classes["continue"])
    body = f"[{_class(start)}][{_class(cont)}]*"

    def first(test: object) -> str:
        return next(chr(cp) for cp in range(0x20, 0x10000) if test(cp))  # type: ignore[operator]

    stand_in = {
        "start": first(lambda cp: _within(cp, start)),
        "continue": first(lambda cp: _within(cp, cont) and not _within(cp, start)),
        "none": first(lambda cp: not _within(cp, cont)),
    }
    return re.compile(body), re.compile(f"({body})"), stand_in


def _within(cp: int, ranges: list[tuple[int, int]]) -> bool:
    i = bisect_right(ranges, (cp, sys.maxunicode + 1)) - 1
    return i >= 0 and ranges[i][0] <= cp <= ranges[i][1]


def _stand_in(match: re.Match[str]) -> str:
    classes = char_classes()
    stand_in = _scanner()[2]
    cp = ord(match.group())
    if _within(cp, classes["start"]):
        return stand_in["start"]
    return stand_in["continue" if _within(cp, classes["continue"]) else "none"]


def _scannable(text: str) -> str:
    """``text`` itself, or with each character beyond the BMP replaced by its stand-in."""
    if _ASTRAL.search(text) is None:
        return text
    return _ASTRAL.sub(_stand_in, text)


def token_forms(text: str) -> list[str]:
    """The tokens of ``text`` in order: ``token_pattern().findall(text)``, faster."""
    scan = _scannable(text)
    if scan is text:
        return _scanner()[0].findall(text)
    return [text[m.start():m.end()] for m in _scanner()[0].finditer(scan)]


def token_columns(text: str) -> tuple[list[str], list[int], list[int]]:
    """The tokens of ``text`` as columns: their text, start and end offsets (what
    ``token_pattern().finditer(text)`` finds, made in a few C-level calls)."""
    scan = _scannable(text)
    # separator, token, separator, token, …, separator: each token's offsets are the summed
    # lengths of the parts before it
    parts = _scanner()[1].split(scan)
    offsets = list(accumulate(map(len, parts), initial=0))
    starts, ends = offsets[1:-1:2], offsets[2::2]
    if scan is text:
        return parts[1::2], starts, ends
    return [text[a:b] for a, b in zip(starts, ends, strict=True)], starts, ends


def export_table() -> dict[str, object]:
    """The tokenizer's character classes, for the JavaScript port."""
    return {"unicode_version": unicodedata.unidata_version, **char_classes()}
