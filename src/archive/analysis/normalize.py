"""Normalisation of Arabic text for matching (one table, mirrored by the JS port).

Two functions with distinct jobs:

- :func:`clean` prepares a word for the stemmer: NFKC (presentation forms and ligatures such as
  ``ﻻ`` become letters), no diacritics, no tatweel, no invisible format characters (zero-width
  space and joiners, bidi marks, BOM, soft hyphen), Persian/Urdu letter variants as Arabic
  letters (:data:`VARIANT_MAP`), and ``آ`` spelled out as ``ءا`` so that tashaphyne's cut
  positions stay aligned. Hamza and alef forms, ``ة`` and ``ى`` are kept because the stemmer
  uses them.
- :func:`normalize` is the matching form: :func:`clean`, then ``أ إ آ ٱ → ا``, ``ى → ي``,
  ``ة → ه``, Arabic-Indic digits to ASCII, and Latin letters lower-cased.

Both are idempotent. The original text is never changed; tokens keep offsets into it.
"""

from __future__ import annotations

import unicodedata

#: Arabic diacritics (harakat, tanwin, shadda, sukun, dagger alef, Quranic marks, hamza marks).
TASHKEEL = frozenset(
    [chr(c) for c in range(0x0610, 0x061B)]
    + [chr(c) for c in range(0x064B, 0x0660)]
    + ["\u0670"]
    + [chr(c) for c in range(0x06D6, 0x06DD)]
    + [chr(c) for c in range(0x06DF, 0x06E5)]
    + [chr(c) for c in range(0x06E7, 0x06E9)]
    + [chr(c) for c in range(0x06EA, 0x06EE)]
)
TATWEEL = "\u0640"

#: Persian/Urdu/Kurdish letter variants and letters for foreign sounds that Arabic spells with
#: a plain letter, folded in :func:`clean` and :func:`normalize` alike: a query typed on a
#: Persian keyboard (علی، کبير) finds the Arabic spelling, ڤ finds ف (ديڤيد، ديفيد), پ finds ب.
#: The loader already shows ی ک ە ۀ as Arabic letters (``archive.corpus.clean``); this is
#: for queries and for text cleaned elsewhere.
VARIANT_MAP: dict[str, str] = {
    "\u06a9": "\u0643",  # ک keheh → ك
    "\u06aa": "\u0643",  # ڪ swash kaf → ك
    "\u06ab": "\u0643",  # ګ kaf with ring → ك
    "\u06cc": "\u064a",  # ی farsi yeh → ي
    "\u06cd": "\u064a",  # ۍ yeh with tail → ي
    "\u06d0": "\u064a",  # ې yeh (Pashto e) → ي
    "\u06d2": "\u064a",  # ے yeh barree → ي
    "\u06d3": "\u0626",  # ۓ yeh barree with hamza → ئ
    "\u06d5": "\u0647",  # ە ae → ه
    "\u06be": "\u0647",  # ھ heh doachashmee → ه
    "\u06c1": "\u0647",  # ہ heh goal → ه
    "\u06c0": "\u0629",  # ۀ heh with yeh above → ة
    "\u06c2": "\u0629",  # ۂ heh goal with hamza → ة
    "\u06c3": "\u0629",  # ۃ teh marbuta goal → ة
    "\u06a4": "\u0641",  # ڤ veh → ف
    "\u067e": "\u0628",  # پ peh → ب
}

#: Letter mapping for matching (applied after :func:`clean`).
LETTER_MAP: dict[str, str] = {
    "\u0623": "\u0627",  # أ → ا
    "\u0625": "\u0627",  # إ → ا
    "\u0622": "\u0627",  # آ → ا
    "\u0671": "\u0627",  # ٱ → ا
    "\u0649": "\u064a",  # ى → ي
    "\u0629": "\u0647",  # ة → ه
}
for _i in range(10):
    LETTER_MAP[chr(0x0660 + _i)] = str(_i)  # Arabic-Indic digits
    LETTER_MAP[chr(0x06F0 + _i)] = str(_i)  # Extended Arabic-Indic (Persian) digits
for _variant, _letter in VARIANT_MAP.items():  # variants fold as their letter does (ۀ → ة → ه)
    LETTER_MAP[_variant] = LETTER_MAP.get(_letter, _letter)


def _is_dropped(ch: str) -> bool:
    return ch in TASHKEEL or ch == TATWEEL or unicodedata.category(ch) == "Cf"


class _Table(dict[int, str | None]):
    """A ``str.translate`` table that works each character out the first time it is asked
    for (drop it, or map it through ``letters``) and keeps the answer: one C-level pass over
    a word instead of a Python test per character."""

    def __init__(self, letters: dict[str, str]) -> None:
        super().__init__()
        self.letters = letters

    def __missing__(self, cp: int) -> str | None:
        ch = chr(cp)
        out = None if _is_dropped(ch) else self.letters.get(ch, ch)
        self[cp] = out
        return out


_CLEAN = _Table(VARIANT_MAP)
_NORMALIZE = _Table(LETTER_MAP)


def _span(first: int, last: int) -> str:
    # (code points, not one-letter literals: a constant "9" would intern the string "9"
    # CPython keeps one of, and every token "9" would then be marshalled as interned)
    return "".join(map(chr, range(first, last + 1)))


_DIGITS_LOWER = _span(0x30, 0x39) + _span(0x61, 0x7A)
#: Characters :func:`normalize` leaves as they are, each alone and in any sequence (no
#: compatibility or canonical mapping, no combining class: NFKC keeps them; not in
#: :data:`LETTER_MAP`, not dropped, not upper case): the Arabic letters but ``آ أ إ ة ى`` and
#: tatweel, ASCII digits and lower-case letters. A text made of them only is its own
#: normalized form (84 % of what the analysis normalizes): ``text.strip(chars)`` tells at C
#: speed, and ``text.lower()`` makes the result, where NFKC and the translation took twice as
#: long before that ``lower``. (The result is a new string as before, never ``text`` itself:
#: which strings are one object shows in the pickles and records made of them.)
NORMALIZED = ("\u0621\u0624" + _span(0x0626, 0x0628) + _span(0x062a, 0x063f)
              + _span(0x0641, 0x0648) + "\u064a" + _DIGITS_LOWER)
#: Characters :func:`clean` leaves as they are and ``lower`` too (as :data:`NORMALIZED`):
#: the Arabic letters but ``آ`` and tatweel, ASCII digits and lower-case letters.
CLEAN = "\u0621" + _span(0x0623, 0x063f) + _span(0x0641, 0x064a) + _DIGITS_LOWER


def clean(text: str) -> str:
    """Return ``text`` ready for the stemmer (see module docstring)."""
    if len(text) > 1 and not text.strip(CLEAN):
        return text.lower()  # (a new string, as the translation made: see NORMALIZED)
    out = unicodedata.normalize("NFKC", text).translate(_CLEAN)
    return out.replace("\u0622", "\u0621\u0627")


def normalize(text: str) -> str:
    """Return the matching form of ``text`` (see module docstring)."""
    if not text.strip(NORMALIZED):
        return text.lower()  # (the last step of the long way, on the same text)
    return unicodedata.normalize("NFKC", text).translate(_NORMALIZE).lower()


def export_table() -> dict[str, object]:
    """The normalisation data, for the JavaScript port."""
    return {
        "tashkeel": "".join(sorted(TASHKEEL)),
        "tatweel": TATWEEL,
        "letter_map": dict(sorted(LETTER_MAP.items())),
        "variant_map": dict(sorted(VARIANT_MAP.items())),
    }
