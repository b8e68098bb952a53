"""Normalisation of Arabic text for matching (one table, mirrored by the JS port).

Two functions with distinct jobs:

- :func:`clean` prepares a word for the stemmer: NFKC, no diacritics, no tatweel, no invisible
  format characters, and ``آ`` spelled out as ``ءا`` so that tashaphyne's cut positions stay
  aligned. Hamza and alef forms, ``ة`` and ``ى`` are kept because the stemmer uses them.
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


def _is_dropped(ch: str) -> bool:
    return ch in TASHKEEL or ch == TATWEEL or unicodedata.category(ch) == "Cf"


def clean(text: str) -> str:
    """Return ``text`` ready for the stemmer (see module docstring)."""
    text = unicodedata.normalize("NFKC", text)
    out = "".join(ch for ch in text if not _is_dropped(ch))
    return out.replace("\u0622", "\u0621\u0627")


def normalize(text: str) -> str:
    """Return the matching form of ``text`` (see module docstring)."""
    text = unicodedata.normalize("NFKC", text)
    out = "".join(LETTER_MAP.get(ch, ch) for ch in text if not _is_dropped(ch))
    return out.lower()


def export_table() -> dict[str, object]:
    """The normalisation data, for the JavaScript port."""
    return {
        "tashkeel": "".join(sorted(TASHKEEL)),
        "tatweel": TATWEEL,
        "letter_map": dict(sorted(LETTER_MAP.items())),
    }
