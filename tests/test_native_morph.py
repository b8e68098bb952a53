"""The clitic segmentation in C (``archive.analysis._cmorph.candidates``) gives what its
pure-Python twin (``morphology.candidates_py``) gives, value and type of every field, on
hypothesis-made keys (every letter the clitic tables name, ة ى and the madda, characters
beyond the BMP and lone surrogates, keys shorter than any clitic and longer than all of them
together) with each ``tanwin`` and ``maksura``, and on the keys of the analyzer's own words;
and the analyses come out the same with the module hidden."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.analysis import morphology
from archive.analysis.normalize import clean

_c = morphology._cmorph_candidates()
pytestmark = pytest.mark.skipif(_c is None, reason="archive.analysis._cmorph is not built")

_LETTERS = ["ا", "و", "ف", "ب", "ك", "ل", "س", "ت", "ن", "ي", "ه", "م", "ة", "ى", "آ", "ء",
            "ع", "د", "ر", "a", "1", "\U0001d49c", "\ud835"]
_KEYS = st.text(st.sampled_from(_LETTERS), max_size=14)

#: News words whose segmentations take every branch: the article, prepositions, the future
#: س, ة restored before a pronoun, the imperfect ي-form, defective verbs, ى written ا.
WORDS = ("والكتاب بالمدرسة للقوات سيكتبون ستقول حاجته نستفيد تسعى يبنون بنوا بنته دعوا ينساه "
         "أعطاه مداه الأهم والأهم وفقا لافتا ليكونا كاميرا سجلت سبورت أتكنسون اسمحوا مسؤولو "
         "منسوبيها لترامب فيسبوك وصلت ودعت العريفي").split()


def _same(key: str, tanwin: bool, maksura: bool) -> None:
    expected = morphology.candidates_py(key, tanwin, maksura)
    got = morphology.candidates(key, tanwin, maksura)
    assert got == expected
    assert [tuple(map(type, c)) for c in got] == [tuple(map(type, c)) for c in expected]


@settings(max_examples=2000, deadline=None)
@given(key=_KEYS, tanwin=st.booleans(), maksura=st.booleans())
def test_candidates_is_its_twin(key: str, tanwin: bool, maksura: bool) -> None:
    _same(key, tanwin, maksura)


@pytest.mark.parametrize("word", WORDS)
def test_candidates_of_news_words(word: str) -> None:
    key = morphology.madda_key(clean(word))
    assert morphology.candidates_py(key, word.endswith("ا"), word.endswith("ى"))  # (read)
    for tanwin in (False, True):
        for maksura in (False, True):
            _same(key, tanwin, maksura)


def test_candidates_takes_its_tables_as_given() -> None:
    """The C function reads the tables it is handed: an unknown position is an error."""
    prefixes, longest_prefix, suffixes, longest = morphology._c_clitic_facts()
    bad = {p: (*facts[:5], {s: "x" for s in facts[5]}) for p, facts in prefixes.items()}
    with pytest.raises(ValueError):
        _c("بكتابه", False, False, bad, longest_prefix, suffixes, longest)  # type: ignore[misc]


def test_analyses_are_the_same_without_the_module(monkeypatch: pytest.MonkeyPatch) -> None:
    from archive.analysis.analyzer import analyze_word_uncached

    with_c = [analyze_word_uncached(w) for w in WORDS]
    monkeypatch.setattr(morphology, "_cmorph_candidates", lambda: None)
    morphology._LAST_READING[:] = [None, None]
    assert [analyze_word_uncached(w) for w in WORDS] == with_c
