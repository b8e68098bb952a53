"""Inference rules on small texts: dates in the text, title, source, boilerplate."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from archive.corpus.boilerplate import layout
from archive.corpus.dates import extract_dates
from archive.corpus.infer import TITLE_MAX, infer_source, infer_title, shorten


def values(text: str) -> list[tuple[str, str]]:
    return [(d.value, d.text) for d in extract_dates(text)]


# --- mentioned dates ---------------------------------------------------------------------------


def test_arabic_indic_digits_and_both_month_families() -> None:
    assert values("في ٢٥ حزيران ٢٠٢١ وفي 3 يناير 2019 وفي ۱۲ أيار ۲۰۲۰") == [
        ("2021-06-25", "٢٥ حزيران ٢٠٢١"),
        ("2019-01-03", "3 يناير 2019"),
        ("2020-05-12", "۱۲ أيار ۲۰۲۰"),
    ]


def test_two_word_levantine_months_and_month_year() -> None:
    assert values("منذ كانون الثاني 2020 حتى 5 تشرين الأول 2020 وحزيران/يونيو 2019") == [
        ("2020-01", "كانون الثاني 2020"),
        ("2020-10-05", "5 تشرين الأول 2020"),
        ("2019-06", "حزيران/يونيو 2019"),
    ]


def test_years_need_a_year_word() -> None:
    assert values("منذ انطلاق الثورة عام 2011 وقرار مجلس الأمن (2254) والعام ٢٠١٨") == [
        ("2011", "عام 2011"), ("2018", "العام ٢٠١٨"),
    ]


def test_bare_month_names_that_are_words_are_not_dates() -> None:
    assert values("مارس النظام ضغوطا على الأهالي، وقال تموز إن") == []
    assert values("في شهر آب") == [("--08", "آب")]


def test_day_month_without_year_keeps_the_year_unknown() -> None:
    [d] = extract_dates("وفي 25 يونيو/حزيران الماضي فرضت قوات النظام حصاراً")
    assert (d.value, d.text, d.year_inferred) == ("--06-25", "25 يونيو/حزيران الماضي", False)


def test_year_taken_from_the_texts_own_full_dates() -> None:
    text = "وفي 25 يونيو الماضي بدأ الحصار.\n\nPosted by x on Saturday, September 4, 2021"
    assert [(d.value, d.year_inferred) for d in extract_dates(text)] == [
        ("2021-06-25", True), ("2021-09-04", False),
    ]
    # "last November" in a text dated by March 2021 is November 2020
    assert values("في 3 آذار 2021 ... منذ نوفمبر الماضي")[1] == ("2020-11", "نوفمبر الماضي")
    # "last March" in March: which year is not fixed by the text
    assert values("في 3 آذار 2021 ... منذ مارس الماضي")[1] == ("--03", "مارس الماضي")


def test_full_dates_of_different_years_fix_no_year() -> None:
    text = "في 4 يونيو 2019 و5 يونيو 2021، ثم في 25 يونيو"
    assert values(text)[-1] == ("--06-25", "25 يونيو")


def test_impossible_days_are_not_dates() -> None:
    assert values("في 31 شباط 2021 وفي 30 فبراير") == []


def test_english_dates() -> None:
    assert values("on Saturday, September 4, 2021 and 5 Sept 2021 and May 2021") == [
        ("2021-09-04", "September 4, 2021"), ("2021-09-05", "5 Sept 2021"),
    ]


# --- title -------------------------------------------------------------------------------------


def test_title_is_first_sentence() -> None:
    assert infer_title(layout("خبر قصير عن درعا. ثم نص طويل.\nسطر آخر."), "x") == (
        "خبر قصير عن درعا"
    )


def test_long_title_is_cut_at_a_word_boundary() -> None:
    sentence = "قصفت قوات النظام " + "أحياء درعا البلد بالصواريخ والمدفعية الثقيلة " * 5 + "."
    title = shorten(sentence.rstrip("."))
    assert title.endswith("…") and len(title) <= TITLE_MAX + 1
    stem = title[:-1]
    assert sentence.startswith(stem) and sentence[len(stem)] == " "


def test_section_label_and_headline() -> None:
    text = "اقتصاد\n\nارتفاع أسعار القمح في درعا\n\nارتفعت أسعار القمح اليوم في درعا.\n"
    lay = layout(text)
    assert infer_title(lay, "x") == "ارتفاع أسعار القمح في درعا"
    assert [lay.reasons[n] for n in sorted(lay.reasons)] == ["section-label", "headline"]


def test_caption_and_follow_lines_are_not_the_title() -> None:
    text = "دمار في حي البحار - رويترز\nتابعنا\n\nقصفت قوات النظام حي البحار.\n"
    assert infer_title(layout(text), "x") == "قصفت قوات النظام حي البحار"


def test_all_boilerplate_falls_back_to_the_id() -> None:
    assert infer_title(layout("تابعنا\nالأكثر تداولاً\n"), "abc") == "abc"


# --- source ------------------------------------------------------------------------------------


def source(text: str) -> tuple[str | None, str | None]:
    name, evidence = infer_source(text, layout(text))
    if evidence is not None:
        assert text[evidence.start:evidence.end] == evidence.text
    return name, evidence.rule if evidence else None


def test_informed_outlet() -> None:
    text = "وكانت مصادر قد أفادت «العربي الجديد»، في وقت سابق، بمقتل عنصرين."
    assert source(text) == ("العربي الجديد", "informed-outlet")


def test_cited_agencies_are_not_the_publisher() -> None:
    assert source('وفي تصريح لرويترز قال المتحدث إن. وقالت وكالة "سانا" إن الفصائل.') == (
        None, None
    )
    assert source('تعرضت دورية لـ"قسد" في دير الزور، وقالوا إنهم تابعون لـ"فصائل".') == (
        None, None
    )


def test_statements_to_news_agencies_do_not_name_the_publisher() -> None:
    assert source('قال المتحدث لـ"رويترز"، إن المفاوضات فشلت.') == (None, None)
    assert source('وقال مصدر لـ"وكالة الأنباء الألمانية"، إن.') == (None, None)


def test_conflicting_attributions_give_no_source() -> None:
    text = 'قال ناشط لـ"العربي الجديد"، إن القصف تجدد. وقال آخر لـ"الجزيرة نت"، إن.'
    assert source(text) == (None, None)


def test_closing_credit() -> None:
    text = 'قال ناشط لـ"العربي الجديد"، إن القصف تجدد.\n\nالجزيرة نت + وكالات\n'
    assert source(text) == ("الجزيرة نت", "closing-credit")
    lay = layout("نص الخبر.\n\nوكالات\n")
    assert list(lay.reasons.values()) == ["agency-credit"]
    assert infer_source("نص الخبر.\n\nوكالات\n", lay) == (None, None)


def test_embed_takes_the_post_line_above_but_not_a_paragraph() -> None:
    posted = "Posted by درعا 24 on\u00a0Sunday, September 5, 2021"
    post = layout(f"فقرة من المقال.\n\nقصف عنيف الآن...\n\n{posted}\n\nفقرة أخرى.")
    assert sorted(post.reasons) == [3, 5]
    bare = layout(f"فقرة من المقال.\n\n{posted}\n\nفقرة أخرى.")
    assert sorted(bare.reasons) == [3]


# --- segments ----------------------------------------------------------------------------------

LINES = st.sampled_from([
    "", " ", "\u00a0", "تابعنا", "الأكثر تداولاً", "اقرأ أيضا: خبر آخر", "سياسة",
    "دمار في درعا - جيتي", "Posted by درعا 24 on Sunday, September 5, 2021", "TRT عربي - وكالات",
    "قصفت قوات النظام أحياء درعا البلد.", "عنوان فرعي في النص",
])


@settings(max_examples=200, deadline=None)
@given(st.lists(LINES, max_size=12), st.booleans())
def test_segments_always_cover_the_text(lines: list[str], final_newline: bool) -> None:
    text = "\n".join(lines) + ("\n" if final_newline and lines else "")
    segments = layout(text).segments
    if not text:
        assert segments == []
        return
    assert segments[0].start == 0 and segments[-1].end == len(text)
    for left, right in zip(segments, segments[1:], strict=False):
        assert left.end == right.start and left.start < left.end
