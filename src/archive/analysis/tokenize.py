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
from collections.abc import Iterator
from functools import lru_cache
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
    for match in token_pattern().finditer(text):
        yield match.start(), match.end()


def export_table() -> dict[str, object]:
    """The tokenizer's character classes, for the JavaScript port."""
    return {"unicode_version": unicodedata.unidata_version, **char_classes()}
