"""The root count's per-spelling shortcuts (archive.site.roots): the memoised clitic reading
and the readings built from the stem's literal letters give what the plain code gives."""

from __future__ import annotations

from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.analysis.morphology import DIGITS, MAX_PATTERN_STEM, literal, pos_of, radical
from archive.site import roots

#: Letters of stems and clitics, with the hamza and alef spellings the readings fold.
LETTERS = "ابتجدرسعفقكلمنهوىيءأإآةئؤ"
RADICALS = "بتجدرسعفقكلمنوي" + "ء"


def plain_readings(stem: str, root: str) -> list[tuple[int, str]]:
    """roots._readings spelt out (the reference): every increasing choice of the radicals'
    places, in lexicographic order (the order of the search), each letter of the stem written
    with literal() unless it stands for a radical."""
    if len(stem) > MAX_PATTERN_STEM:
        return []
    out = []
    for places in combinations(range(len(stem)), len(root)):
        got = [radical(stem[i]) for i in places]
        if not all(g == r or g in roots.WEAK_SPELLINGS.get(r, "")
                   for g, r in zip(got, root, strict=True)):
            continue
        letters = [literal(ch) for ch in stem]
        for number, i in enumerate(places):
            letters[i] = DIGITS[number]
        out.append((sum(g == r for g, r in zip(got, root, strict=True)), "".join(letters)))
    return out


@settings(max_examples=400, deadline=None)
@given(st.text(LETTERS, min_size=1, max_size=11), st.text(RADICALS, min_size=2, max_size=4))
def test_readings_are_the_plain_readings(stem: str, root: str) -> None:
    assert roots._readings(stem, root) == plain_readings(stem, root)


@pytest.mark.parametrize(("stem", "root"), [
    ("اجتماع", "جمع"), ("أأأ", "ءءء"), ("مسؤول", "سءل"), ("إعلام", "علم")])
def test_readings_of_hamza_spellings(stem: str, root: str) -> None:
    assert roots._readings(stem, root) == plain_readings(stem, root)
    assert roots._readings(stem, root)  # (each of these has a reading)


@settings(max_examples=300, deadline=None)
@given(st.text(LETTERS, max_size=4), st.text(LETTERS, min_size=1, max_size=5),
       st.text(LETTERS, max_size=5), st.sampled_from(["", "ة", "ى", "\u064eى"]))
def test_the_memoised_clitic_reading_gives_the_plain_hint(
        prefix: str, stem: str, suffix: str, extra: str) -> None:
    normalized = prefix + stem + suffix
    form = normalized + extra
    memo = roots.spelling_hint(normalized, stem, form)
    saved = roots._pos_of
    roots._pos_of = pos_of  # type: ignore[assignment]
    try:
        assert roots.spelling_hint(normalized, stem, form) == memo
    finally:
        roots._pos_of = saved


def test_classify_after_forget_is_classify_before() -> None:
    words = [("اجتماع", "جمع", "b", ""), ("مفاوض", "فوض", "n", "f"), ("قتل", "قتل", "b", "y"),
             ("يقصف", "قصف", "v", ""), ("مساجد", "سجد", "b", "s")]
    first = [roots.classify(*w) for w in words]
    assert roots._pos_of("وال", "") == pos_of("وال", "")
    roots.forget()
    assert roots._pos_of.cache_info().currsize == 0
    assert roots.classify.cache_info().currsize == 0
    assert [roots.classify(*w) for w in words] == first
