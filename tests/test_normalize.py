"""The normalisation table: every mapping the issue names, and idempotence."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archive.analysis.normalize import clean, normalize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("أحمد", "احمد"),  # hamza above → bare alef
        ("إنخل", "انخل"),  # hamza below
        ("آثار", "اثار"),  # madda
        ("ٱلله", "الله"),  # wasla
        ("على", "علي"),  # alef maksura → yeh
        ("مدرسة", "مدرسه"),  # teh marbuta → heh
        ("كَتَبَ", "كتب"),  # harakat
        ("مُحَمَّدٌ", "محمد"),  # shadda, tanwin
        ("الـــقدس", "القدس"),  # tatweel
        ("٢٠٢١", "2021"),  # Arabic-Indic digits
        ("۱۹۹۸", "1998"),  # extended Arabic-Indic digits
        ("TRT", "trt"),  # Latin lower-cased
        ("ﻻ", "لا"),  # presentation form, NFKC
        ("ش\u200cي", "شي"),  # zero-width non-joiner dropped
        ("\u202eدرعا", "درعا"),  # bidi override dropped
        ("ؤ ئ ء", "ؤ ئ ء"),  # other hamza seats left alone (Lucene convention)
    ],
)
def test_normalize_table(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_clean_keeps_what_the_stemmer_needs() -> None:
    assert clean("المدرسةُ") == "المدرسة"  # ة kept
    assert clean("إلى") == "إلى"  # hamza and ى kept
    assert clean("قرآن") == "قرءان"  # madda spelled out so cut positions stay aligned


@given(st.text())
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@given(st.text())
def test_clean_is_idempotent(text: str) -> None:
    once = clean(text)
    assert clean(once) == once
