"""Tokenization: offsets always point at the token's own text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from archive.analysis import analyze
from archive.analysis.tokenize import tokenize


def forms(text: str) -> list[str]:
    return [text[a:b] for a, b in tokenize(text)]


def test_vocalised_word_is_one_token() -> None:
    assert forms("كَتَبَ الوَلَدُ") == ["كَتَبَ", "الوَلَدُ"]


def test_quotes_and_punctuation_split() -> None:
    assert forms('لـ"قسد"،') == ["لـ", "قسد"]
    assert forms("(تل الجابية)") == ["تل", "الجابية"]
    assert forms("درعا، الأحد.") == ["درعا", "الأحد"]


def test_latin_and_numbers_are_tokens() -> None:
    assert forms("TRT عربي 2254 و40%") == ["TRT", "عربي", "2254", "و40"]


def test_zero_width_inside_word_keeps_one_token() -> None:
    assert forms("ش\u200cي") == ["ش\u200cي"]


def test_token_offsets_point_at_text() -> None:
    text = 'وقال الناشط، لـ"العربي الجديد"، إنّ 65 صاروخ أرض-أرض'
    for t in analyze(text):
        assert text[t.start : t.end] == t.form


@given(st.text())
def test_offsets_point_at_token_text_for_any_input(text: str) -> None:
    previous_end = 0
    for i, t in enumerate(analyze(text)):
        assert text[t.start : t.end] == t.form
        assert t.start >= previous_end and t.end > t.start
        assert t.position == i
        previous_end = t.end


def test_shipped_character_classes_match_the_unicode_database() -> None:
    from archive.analysis.tokenize import char_classes, compute_char_classes

    assert char_classes() == compute_char_classes()


def test_token_pattern_holds_exactly_the_shipped_classes() -> None:
    """The pattern (written with literal characters) starts a token on every start character
    of the shared table and on nothing else, and continues it likewise: the JavaScript port
    tokenizes by that table."""
    import sys

    from archive.analysis.tokenize import char_classes, token_pattern

    classes = char_classes()
    pattern = token_pattern()
    start = {cp for a, b in classes["start"] for cp in range(a, b + 1)}
    cont = {cp for a, b in classes["continue"] for cp in range(a, b + 1)}
    first = next(iter(sorted(start)))
    for cp in range(sys.maxunicode + 1):
        ch = chr(cp)
        assert (pattern.fullmatch(ch) is not None) == (cp in start), hex(cp)
        assert (pattern.fullmatch(chr(first) + ch) is not None) == (cp in cont), hex(cp)
