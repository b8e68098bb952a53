"""The analysis's shortcuts give what the long way gives: a text of characters that
normalisation leaves alone is returned as it is (``normalize.NORMALIZED``, ``normalize.CLEAN``);
the morphology's early returns (no ءا, no أ إ, no construct ending) and its remembered lexicon
entries (``morphology.lexicon_entries``)."""

from __future__ import annotations

import importlib
import unicodedata
from itertools import product

from hypothesis import given, settings
from hypothesis import strategies as st

from archive.analysis import morphology

nz = importlib.import_module("archive.analysis.normalize")


def _normalize_long(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(nz._NORMALIZE).lower()


def _clean_long(text: str) -> str:
    out = unicodedata.normalize("NFKC", text).translate(nz._CLEAN)
    return out.replace("\u0622", "\u0621\u0627")


def test_normalized_characters_are_left_alone_alone_and_in_pairs() -> None:
    for chars, long in ((nz.NORMALIZED, _normalize_long), (nz.CLEAN, _clean_long)):
        assert len(set(chars)) == len(chars)
        for a, b in product(chars, repeat=2):
            assert long(a) == a and long(a + b) == a + b, (a, b)


def test_the_sets_leave_out_what_normalisation_changes() -> None:
    for ch in "آأإةىـ\u064bA٣":
        assert ch not in nz.NORMALIZED
    assert "آ" not in nz.CLEAN and "ـ" not in nz.CLEAN and "A" not in nz.CLEAN
    assert "أ" in nz.CLEAN


_TEXT = st.text(st.sampled_from(list(nz.NORMALIZED[:40]) + list("آأإةىـ\u064b\u200cA٣ ﻻ")),
                max_size=10)


def _objects(f: object, text: str) -> tuple[bool, bool]:
    """Whether ``f(text)`` is ``text`` itself, and whether two calls give one object (a
    string CPython keeps one of: the empty one, a Latin-1 character)."""
    first, second = f(text), f(text)  # type: ignore[operator]
    return first is text, first is second


@settings(max_examples=2000, deadline=None)
@given(text=_TEXT)
def test_normalize_and_clean_are_the_long_way(text: str) -> None:
    """The same string, and a new object where the long way made one (which strings are one
    object shows in the pickles and marshalled records made of them)."""
    assert nz.normalize(text) == _normalize_long(text)
    assert nz.clean(text) == _clean_long(text)
    assert _objects(nz.normalize, text) == _objects(_normalize_long, text)
    assert _objects(nz.clean, text) == _objects(_clean_long, text)


def test_short_texts_are_new_objects_as_before() -> None:
    for text in ["", "a", "5", "ب", "بب", "ab", "ة", "A"]:
        text = "".join((text, ""))  # (a string of its own, not a constant)
        assert _objects(nz.normalize, text) == _objects(_normalize_long, text), text
        assert _objects(nz.clean, text) == _objects(_clean_long, text), text


_WORD = st.text(st.sampled_from(list("اأإآءؤئىةوفبكلسيتنمهدر")), max_size=9)


@settings(max_examples=2000, deadline=None)
@given(word=_WORD)
def test_early_returns_agree_with_the_loops(word: str) -> None:
    if "ءا" not in word:
        assert morphology.madda_key(word) == morphology.lexicon_key(word)
    if "أ" not in word and "إ" not in word:
        assert morphology.clitic_hamza(word) == 0
        if "ءا" not in word:
            assert not morphology.written_hamza(word)


def test_construct_tails_are_those_the_loop_tries() -> None:
    tried = {letter + pronoun for pronoun in morphology.PRONOUNS
             for letter in morphology.CONSTRUCT_ENDINGS
             if not (letter == morphology.YEH and pronoun == "") and pronoun[:1] != "ك"}
    assert set(morphology.CONSTRUCT_TAILS) == tried
    assert morphology.construct_plural("مسؤولو", morphology.default_data()) is not None


def test_article_prefixes_are_the_longest_first() -> None:
    prefixes = morphology._article_prefixes()
    assert prefixes == [p for p in reversed(morphology.clitic_lists()[0])
                        if p.endswith("ال") or p.endswith("لل")]
    assert "وبال" in prefixes and "ب" not in prefixes
    assert morphology.light_key("والبرلمانية") == "برلمان"


def test_lexicon_entries_are_read_once() -> None:
    morphology.forget()
    value = "كتب:v:12|كتب:n:9|*كتاب:n:3"
    entries = morphology.lexicon_entries(value)
    assert entries == (("كتب", "v", 12), ("كتب", "n", 9), ("*كتاب", "n", 3))
    assert morphology.lexicon_entries(value) is entries
    morphology.forget()
    assert morphology.lexicon_entries(value) is not entries
