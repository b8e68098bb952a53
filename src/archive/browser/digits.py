"""Lists of non-negative numbers as short printable text: the browser data's number lists
(document numbers, positions and term frequencies, gap-encoded) from data format 11.

Each number is one or more characters with no separator between numbers: a run of *lead*
digits (none below :data:`BASE`) and one *last* digit. The last digit is the number modulo
:data:`BASE` (:data:`LAST`); the lead digits are the rest, ``number // BASE``, written in
bijective base ``len(LEAD)`` (digits 1 … len(LEAD), most significant first; none for 0), so
every number has exactly one spelling: ``[3, 70, 0]`` → ``"%f(!"`` where the decimal
``"3,70,0"`` took six characters; gzip then codes small gaps (most positions and
document numbers) in about one symbol each instead of two or three plus a comma (pos/ 13 %,
lunr/ 9 % smaller gzipped at 987 articles).

The alphabet is printable ASCII without ``"`` and ``\\`` (so JSON writes it as it is) and
without ``,``, ``;`` and ``=``, which the cells around the lists use. The browser's decoder
is ``numbersOf`` in ``static/engine.js``; keep the two alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from itertools import repeat
from operator import add

#: Every digit, in order of value: the first :data:`BASE` are last digits, the rest lead ones.
ALPHABET = "".join(c for c in map(chr, range(33, 127)) if c not in '"\\,;=')
#: How many last digits (the values one character holds).
BASE = 64
LAST = ALPHABET[:BASE]
LEAD = ALPHABET[BASE:]
_LEADS = len(LEAD)


def number_text(number: int) -> str:
    """One number's characters."""
    if number < 0:
        raise ValueError(f"digits: negative number {number}")
    high, low = divmod(number, BASE)
    out = LAST[low]
    while high:
        digit = (high - 1) % _LEADS
        out = LEAD[digit] + out
        high = (high - digit - 1) // _LEADS
    return out


#: Precomputed spellings of the numbers below this (positions and most gaps): the encoder
#: and decoder map through dictionaries in C instead of a Python call per number.
_TABLE_SIZE = 1 << 16


def spellings(size: int) -> list[str]:
    """:func:`number_text` of every number below ``size`` (a multiple of :data:`BASE`), in
    order: the lead digits of each ``number // BASE`` once, then each last digit after them
    (made at import by every process that writes the browser data: 0.035 CPU s one number at
    a time, 0.015 s so)."""
    leads = [number_text(high * BASE)[:-1] for high in range(size // BASE)]
    return [lead + last for lead in leads for last in LAST]


#: Filled by :func:`tables` on first use, not at import (17.6 ms of every build's start-up,
#: browser stage or not); empty until then, which every reader handles as a number beyond
#: the table (the slower path, the same text).
_TEXT: dict[int, str] = {}
_VALUE: dict[str, int] = {}
#: Number → its characters, for the numbers below the table's size (``SPELLING.get(n)``:
#: None beyond it, or before :func:`tables`): one number's text without a call (a position
#: list of one number, the most common, is that number's text).
SPELLING: Mapping[int, str] = _TEXT
#: Characters → their number, for the spellings in :data:`SPELLING` (``.get``: None for any
#: other text, e.g. a lone lead digit, or before :func:`tables`).
VALUE: Mapping[str, int] = _VALUE


def tables() -> None:
    """Fill :data:`SPELLING` and :data:`VALUE` (in place, once: each filled by one update in
    C, so a reader sees one empty or whole)."""
    if not _TEXT:
        text = dict(enumerate(spellings(_TABLE_SIZE)))
        value = dict(zip(text.values(), text, strict=True))
        _VALUE.update(value)
        _TEXT.update(text)
#: One number of a :func:`numbers_text` text (``findall`` cuts a text into its numbers).
NUMBER = re.compile(f"[{re.escape(LEAD)}]*[{re.escape(LAST)}]")


def numbers_text(numbers: Iterable[int]) -> str:
    """Numbers as text (``""`` for none)."""
    numbers = numbers if isinstance(numbers, list) else list(numbers)
    try:
        return "".join(map(_TEXT.__getitem__, numbers))
    except KeyError:  # a number beyond the table (or a negative one: ValueError)
        if not _TEXT:  # the table not made yet
            tables()
            return numbers_text(numbers)
        return "".join(map(number_text, numbers))


_LEAD_BYTES = LEAD.encode("ascii")


def count_numbers(text: str) -> int:
    """How many numbers a :func:`numbers_text` text holds (its last digits: the text is
    ASCII, the lead digits deleted from its bytes in C)."""
    return len(text.encode("ascii").translate(None, _LEAD_BYTES))


def counts_of(texts: list[str]) -> list[int]:
    """:func:`count_numbers` of each of ``texts`` (none holding ``;``), in a few calls in C
    whatever their number: joined, their lead digits deleted, split again."""
    if not texts:
        return []
    joined = ";".join(texts).encode("ascii").translate(None, _LEAD_BYTES)
    return list(map(len, joined.split(b";")))


def number_value(text: str) -> int:
    """One number's value from its characters (:func:`number_text`)."""
    if not text or text[-1] not in LAST or any(c not in LEAD for c in text[:-1]):
        raise ValueError(f"digits: not a number: {text!r}")
    high = 0
    for c in text[:-1]:
        high = high * _LEADS + LEAD.index(c) + 1
    return high * BASE + LAST.index(text[-1])


def text_numbers(text: str) -> list[int]:
    """The numbers of a :func:`numbers_text` text."""
    parts = NUMBER.findall(text)
    if sum(map(len, parts)) != len(text):
        raise ValueError(f"digits: not a list of numbers: {text!r}")
    try:
        return list(map(_VALUE.__getitem__, parts))
    except KeyError:
        if not _VALUE:  # the table not made yet
            tables()
            return text_numbers(text)
        return list(map(number_value, parts))


def codes_text(codes: list[int | list[int]]) -> str:
    """A forms entry's codes (``archive.browser.index._forms_entry``: per article the number
    of its form, -1 for none, or a list of numbers when several) as text: a code ``c`` is the
    number ``c + 1``; a list is ``,`` and then its length and its numbers as they are (format
    12; a JSON list of numbers before: 8 % of ``forms/`` at 9,504 articles)."""
    try:  # no article with several forms (most entries): one call in C
        return numbers_text(list(map(add, codes, repeat(1))))
    except TypeError:  # a list among the codes
        pass
    out: list[str] = []
    run: list[int] = []
    for code in codes:
        if isinstance(code, list):
            out.append(numbers_text(run))
            run = []
            out.append("," + numbers_text([len(code), *code]))
        else:
            run.append(code + 1)
    out.append(numbers_text(run))
    return "".join(out)


def text_codes(text: str) -> list[int | list[int]]:
    """The codes of a :func:`codes_text` text."""
    parts = text.split(",")
    out: list[int | list[int]] = [v - 1 for v in text_numbers(parts[0])]
    for part in parts[1:]:
        numbers = text_numbers(part)
        if not numbers or numbers[0] < 2 or len(numbers) < 1 + numbers[0]:
            raise ValueError(f"digits: not a list of codes: {text!r}")
        size = numbers[0]
        out.append(numbers[1:1 + size])
        out.extend(v - 1 for v in numbers[1 + size:])
    return out
