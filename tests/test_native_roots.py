"""The root explorer's pattern reading in C (``archive.site._croots.stem_pattern``) gives what
its pure-Python twin (``roots._stem_pattern``) gives, on hypothesis-made stems and roots (every
letter the tables map, ه and ة at the end, weak radicals, characters beyond the BMP and lone
surrogates, stems longer than any pattern) and on the analyzer's own words; the letters the
C tables leave out read as themselves; and the classes come out the same with the module
hidden."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.analysis import analyze_word
from archive.analysis.morphology import literal, normalize_root
from archive.site import roots

_croots = roots._croots
pytestmark = pytest.mark.skipif(_croots is None, reason="archive.site._croots is not built")

_LETTERS = ["ا", "ج", "ت", "م", "ع", "و", "ي", "ء", "ه", "ة", "ى", "آ", "أ", "إ", "ؤ", "ئ",
            "\u0654", "\u0655", "ن", "س", "ل", "ف", "ق", "ض", "1", "a", "\U0001d49c",
            "\ud835", "\x80"]
_STEMS = st.text(st.sampled_from(_LETTERS), max_size=12)
_ROOTS = st.text(st.sampled_from(_LETTERS), max_size=5)

#: Words of news prose whose stems and roots take every branch (weak radicals, hamza seats,
#: ة, derived forms, verbs, broken plurals).
WORDS = ("اجتماع الاجتماعات مفاوضات المفاوضين قتلى جرحى مسؤول المسؤولين سؤال آمال أخبار "
         "استقبال انسحاب اشتباكات مقاتلين مساجد يقاتلون قاتل تنمية تجربة علماء وزراء أصدقاء "
         "شعوب حقوق دخول قائد القوات رئيس الرئاسة بناء مبنى جاء يجيء قال يقول الأمم "
         "المتحدة الأسلحة علمي جماعي إيران الإرهاب تفاوض متفاوض مستشفى").split()


def _c(stem: str, root: str) -> str | None:
    assert _croots is not None
    return _croots.stem_pattern(stem, root, *roots._pattern_tables())  # type: ignore


@settings(max_examples=1000, deadline=None)
@given(stem=_STEMS, root=_ROOTS)
def test_stem_pattern_is_its_twins(stem: str, root: str) -> None:
    assert _c(stem, root) == roots._stem_pattern(stem, root)


@settings(max_examples=300, deadline=None)
@given(stem=_STEMS, data=st.data())
def test_stem_pattern_of_a_root_spelled_in_the_stem(stem: str, data: st.DataObject) -> None:
    """Roots taken from the stem's own radicals (readings exist, often several)."""
    rads = "".join(normalize_root(ch) for ch in stem)
    if len(rads) < 2:
        return
    picked = sorted(data.draw(st.lists(st.integers(0, len(rads) - 1), min_size=2, max_size=4,
                                       unique=True)))
    root = "".join(rads[i] for i in picked)
    assert _c(stem, root) == roots._stem_pattern(stem, root)


def test_stem_pattern_of_the_analyzers_words() -> None:
    seen = 0
    for word in WORDS:
        _, stem, root = analyze_word(word)
        for s in (stem, stem + "ه"):
            assert _c(s, root) == roots._stem_pattern(s, root), (word, s, root)
            seen += _c(s, root) is not None
    assert seen > len(WORDS) // 2  # (most words read as a pattern: the test means something)


def test_odd_inputs() -> None:
    for stem, root in [("", ""), ("", "جمع"), ("ه", "جمع"), ("ة", "اه"), ("ا" * 100, "ااا"),
                       ("اجتماع" * 20, "جمع"), ("جمع", "جمعجمع"), ("جمعه", "جم"),
                       ("\U0001d49c\U0001d49cع", "\U0001d49c\U0001d49cع")]:
        assert _c(stem, root) == roots._stem_pattern(stem, root), (stem, root)
    with pytest.raises(TypeError):
        _croots.stem_pattern("جمع", None, *roots._pattern_tables())  # type: ignore
    with pytest.raises(TypeError):
        _croots.stem_pattern("جمع", "جمع")  # type: ignore
    tables = list(roots._pattern_tables())
    tables[0] = {"ج": "جمعي"}  # a radical of more than two letters
    with pytest.raises(ValueError):
        _croots.stem_pattern("جمع", "جمع", *tables)  # type: ignore


def test_the_tables_hold_every_letter_not_read_as_itself() -> None:
    radicals, literals = roots._pattern_tables()[:2]
    assert all(ord(ch) >= 0x80 for ch in (*radicals, *literals))  # (C skips ASCII)
    for cp in range(sys.maxunicode + 1):
        ch = chr(cp)
        if normalize_root(ch) != ch:
            assert radicals.get(ch) == normalize_root(ch), hex(cp)
        else:
            assert ch not in radicals
        if literal(ch) != ch:
            assert literals.get(ch) == literal(ch), hex(cp)
        else:
            assert ch not in literals


def test_classes_are_the_same_without_the_module(monkeypatch: pytest.MonkeyPatch) -> None:
    words = [analyze_word(w) for w in WORDS]
    hints = [(stem, root, *roots.spelling_hint(norm, stem, w))
             for w, (norm, stem, root) in zip(WORDS, words, strict=True)]
    roots.forget()
    with_c = [roots.classify(*h) for h in hints]
    roots.forget()
    monkeypatch.setattr(roots, "_croots", None)
    assert [roots.classify(*h) for h in hints] == with_c
    roots.forget()
