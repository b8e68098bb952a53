"""The corpus load's short cuts (session 23, ld29) give what the scans they skip give.

Each short cut is checked against the code it replaced, kept here as the reference: the
control characters told from a file's bytes (loader._decode), the English-date prefilter on
the ASCII characters and the year scans by keyword (dates), the kinds of dirty text applied
only when their characters are in the text (clean.clean_text), the line tests in one pattern
and the link tail found from each «رابط» (boilerplate)."""

from __future__ import annotations

import html
import re
import sys

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.corpus import boilerplate, clean, dates
from archive.corpus.clean import CONTROL, Cleaned
from archive.corpus.loader import _decode

SETTINGS = settings(max_examples=400, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _texts(pieces: list[str], max_size: int = 30) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces) | st.text(max_size=3), max_size=max_size).map(
        "".join)


# ---------------------------------------------------------------------------------------------
# loader._decode: the control characters' count


_CONTROL_PIECES = ["نص", " ", "\n", "\r", "\r\n", "\t", "\x1a", "\x01", "\x0b",
                   "\x0c", "\x1f", "\x7f", "\x80", "\x85", "\x9f", "\xa0", "\xc2", "\u0100",
                   "\ufeff", "abc", "\U0001f600", "ة"]


def _reference_controls(text: str) -> int:
    return sum(len(m) for m in CONTROL.findall(text))


@SETTINGS
@given(_texts(_CONTROL_PIECES))
def test_decode_counts_controls_as_the_scan(text: str) -> None:
    raw = text.encode("utf-8", "surrogatepass")
    if b"\x00" in raw or any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        return
    controls, decoded, problems = _decode(raw, "seeds/x.txt")
    expected = "\n".join(text.lstrip("\ufeff").replace("\r\n", "\n").split("\r"))
    count = _reference_controls(expected)
    if decoded is not None:
        assert decoded == expected
        assert controls == count
    else:  # (a binary-looking file: refused, with the count in its message)
        assert count and f"{count} control characters" in problems[0].message


def test_decode_fast_path_bytes() -> None:
    # each C0 byte but CR, and each C1 character, is counted; CR, LF and tab are not (NUL:
    # refused before, as binary)
    for c in [*range(1, 0x20), 0x7F, *range(0x80, 0xA0)]:
        raw = ("نص" * 20 + chr(c) + "هنا" * 20).encode()
        controls, text, _ = _decode(raw, "seeds/x.txt")
        assert controls == _reference_controls(text or "") == (0 if c in (9, 10, 13) else 1), c
    assert _decode("نص\u00a0هنا".encode(), "seeds/x.txt")[0] == 0  # (\xc2\xa0: not C1)


# ---------------------------------------------------------------------------------------------
# dates: English dates and years


def _reference_english(text: str) -> list[tuple[int, int, int | None, int | None, int | None]]:
    found = []
    if not dates._LATIN.search(text):
        return found
    for m in dates._ENGLISH_DATE.finditer(text):
        mon = (m["mon"] or m["mon2"]).lower()
        month = dates._ENGLISH_MONTHS[mon]
        day = int(m["day"] or m["day2"])
        year = int(m["year"] or m["year2"])
        if 1800 <= year <= 2100 and dates._valid_day(month, day, year):
            found.append((m.start(), m.end(), year, month, day))
    return found


def _outcome(f, text: str) -> object:
    try:
        return [c if isinstance(c, tuple) else (c.start, c.end, c.year, c.month, c.day)
                for c in f(text)]
    except KeyError as exc:  # (a month name IGNORECASE matched through ſ or K)
        return ("KeyError", str(exc))


_ENGLISH_PIECES = ["September", "sept.", "Sep", "MAY", "may", "mar", "Mar.", "jun", "August",
                   "Auguſt", "DEC", "4", "21", "٢٠٢١", "2021", "1799", "4th", " ", ", ", "\n",
                   "و", "ب", "في", "abc", "ı", "K", "İ", "ſ", "oct", "Octobre", "\u00a0"]


@SETTINGS
@given(_texts(_ENGLISH_PIECES))
def test_english_candidates_as_the_scan(text: str) -> None:
    assert _outcome(dates._english_candidates, text) == _outcome(_reference_english, text)


def test_ascii_folds_are_every_character_ignorecase_matches_to_an_ascii_letter() -> None:
    letters = re.compile("[a-z]", re.IGNORECASE)
    folds = [chr(c) for c in range(0x80, sys.maxunicode + 1) if letters.fullmatch(chr(c))]
    assert tuple(folds) == dates._ASCII_FOLDS


def test_english_prefilter_keeps_dates_it_must() -> None:
    text = "قال في September 4, 2021 إن 5 MAY 2019 وAug. 3 2015"
    assert [c.start for c in dates._english_candidates(text)] == [
        text.index("Sep"), text.index("5 MAY"), text.index("Aug")]
    assert _outcome(dates._english_candidates, "Auguſt 4, 2015") == _outcome(
        _reference_english, "Auguſt 4, 2015")


def _reference_years(text: str) -> list[tuple[int, int, int | None]]:
    found = []
    for m in dates._YEAR.finditer(text):
        year = int(m["year"])
        before = dates._YEAR_PREFIX.search(text, max(0, m.start() - 4), m.start())
        if before is None or not 1800 <= year <= 2100:
            continue
        start = m.start() - 2 if before["al"] else m.start()
        found.append((start, m.end(), year))
    return found


_YEAR_PIECES = ["عام", "العام", "سنة", "لعام", "وسنة", " ", "  ", "\n", "2021", "٢٠١١",
                "12345", "1799", "x", "ل", "ال", "عامسنة"]


@SETTINGS
@given(_texts(_YEAR_PIECES))
def test_year_candidates_as_the_scan(text: str) -> None:
    got = [(c.start, c.end, c.year) for c in dates._year_candidates(text)]
    assert got == _reference_years(text)


# ---------------------------------------------------------------------------------------------
# clean.clean_text: every kind applied, as before


def _reference_clean(text: str) -> Cleaned:
    return clean._clean_text(text, every_kind=True)


_DIRTY_PIECES = ["نص", "كلمة", " ", "\n", ".", "\x1a", "\x85", "\u00a0", "\u2009", "\u200b",
                 "\u200c", "\u200d", "\ufeff", "\ufb8e", "\ufefb", "\ufdfa", "\u06cc", "\u06a9",
                 "\u0640\u0640", "\u0640", "&amp;", "&nbsp;", "&#xFB8E;", "&#1740;", "&#x200b;",
                 "&amp;nbsp;", "&lt;br&gt;", "<br>", "<p>", "</span>", "<!-- x -->", "&", "<",
                 "&#26;", "&#xa0;", "abc"]


@SETTINGS
@given(_texts(_DIRTY_PIECES))
def test_clean_text_as_every_kind_applied(text: str) -> None:
    got, expected = clean.clean_text(text), _reference_clean(text)
    assert (got.text, got.counts, got.lines) == (expected.text, expected.counts, expected.lines)


def test_clean_text_entity_making_later_kinds() -> None:
    # an entity decodes to a presentation form, NFKC makes a Persian letter of it, which
    # the Persian kind then changes: none of those characters was in the text at first
    text = "كلمة &#xFB8E;تاب و&#xa0;هنا"
    got, expected = clean.clean_text(text), _reference_clean(text)
    assert got.text == expected.text == "كلمة كتاب و هنا"
    assert got.counts == expected.counts == {"entity": 2, "presentation-form": 1,
                                             "persian-letter": 1, "space": 1}
    assert html.unescape("&#xFB8E;") == "\ufb8e"


# ---------------------------------------------------------------------------------------------
# boilerplate: the line tests and the link tail


def _reference_fixed_reason(s: str) -> str | None:
    b = boilerplate
    if b._FOLLOW_US.match(s):
        return "follow-us"
    if b._MOST_READ.match(s):
        return "most-read"
    if b._READ_ALSO.match(s) and len(s) <= 200:
        return "read-also"
    if b._POSTED_BY.match(s):
        return "social-embed"
    if b._LINK_LINE.match(s):
        return "link-line"
    if b._END_MARK.match(s):
        return "end-marker"
    if b._CONTACT.match(s):
        return "contact-line"
    if not s.endswith(".") and b._CAPTION.match(s) and len(s.split()) <= 30:
        return "photo-caption"
    return None


_LINE_PIECES = ["تابعنا", "تابعونا على", "الأكثر تداولا", "اقرأ أيضا", ": ", "اقرأ المزيد",
                "Posted by", " on Saturday, September 4, 2021", "A post shared by", "رابط الخبر",
                "..المزيد", "READ MORE", "read more", "https://x.sa/a", "www.", "// انتهى //",
                "للتواصل", "SMS", "88591 - Stc", " - ", " – ", "أرشيف", "(AA)", "AFP", "وكالات",
                " ", "نص طويل", ".", "x" * 150, "قال"]


@SETTINGS
@given(_texts(_LINE_PIECES, max_size=12).map(str.strip))
def test_fixed_reason_as_the_tests_one_by_one(s: str) -> None:
    assert boilerplate._fixed_reason(s) == _reference_fixed_reason(s)


def test_fixed_reason_long_read_also_line_goes_on_to_the_other_tests() -> None:
    s = "اقرأ أيضا: " + "Read more " + "ب" * 200
    assert len(s) > 200 and boilerplate._READ_ALSO.match(s)
    assert boilerplate._fixed_reason(s) is None  # (read-also too long; not a link line either)
    s = "اقرأ المزيد" + " " * 195 + "رابط"
    assert boilerplate._fixed_reason(s) == _reference_fixed_reason(s)
    long_follow = "اقرأ أيضا: " + "ن " * 120
    assert boilerplate._fixed_reason(long_follow) == _reference_fixed_reason(long_follow)


_TAIL_PIECES = ["رابط", "رابط الخبر", "رابط المقال ", "الخبر", " ", "\t", "\n", " \n", "نص",
                ".", "https://x.sa", "\u00a0", "ورابط"]


@SETTINGS
@given(_texts(_TAIL_PIECES))
def test_link_tail_as_the_scan(text: str) -> None:
    m = boilerplate._LINK_TAIL.search(text)
    assert boilerplate._link_tail(text) == (m.start() if m else None)


def test_link_tail_examples() -> None:
    text = "فقرة أخيرة من الخبر. \t رابط الخبر بصحيفة الوئام: https://x.sa/1\n"
    assert boilerplate._link_tail(text) == text.index(" \t رابط")
    assert boilerplate._link_tail("رابط الخبر هنا") is None  # (nothing before it)
    assert boilerplate._link_tail("نص\n رابط الخبر هنا") is None  # (a line break before)


def test_line_stripped_is_the_content_stripped() -> None:
    text = "  عنوان  \n\n نص الخبر .\t\n"
    lines = boilerplate.split_lines(text)
    assert [ln.stripped for ln in lines] == [ln.content.strip() for ln in lines]
    assert "stripped" not in repr(lines[0])


# ---------------------------------------------------------------------------------------------
# frontmatter: a plain value whose first character YAML has no resolver for


@SETTINGS
@given(st.text(min_size=1, max_size=12) | st.sampled_from(
    ["2015-07-24", "3alyoum", "null", "Null", "~", "true", "yes", "on", "0x1F", "1e3", ".inf",
     "-", "+1", "<<", "=", "http://x.sa/a", "عين اليوم", "Yes please", "off-topic"]))
def test_plain_values_tagged_as_yaml_tags_them(value: str) -> None:
    from archive.corpus import frontmatter as fm

    block = f"title: {value}\n"
    simple = fm._simple_block(block)
    if simple is None:
        return  # (left to YAML)
    assert fm._RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) == fm._STR_TAG
    assert yaml.load(block, Loader=fm.LOADER) == simple[0]
