"""Dates: the front-matter ``date`` field, and dates written in the article text.

Values of :class:`MentionedDate` are ISO-like strings:

- ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` when the text gives (or fixes) the year;
- ``--MM-DD`` (day and month, year unknown) and ``--MM`` (month only, year unknown) otherwise.
  These are the ISO 8601 / XML Schema forms for a date without a year (gMonthDay, gMonth).

A year is never invented. A day-month without a year gets a year only when the text itself
fixes it: every full date (day, month and year) written in the text has the same year, which
is then the reference year (``MentionedDate.year_inferred`` is True). A qualifier after the
month ("الماضي" last, "المقبل" next) moves the year by one when the month is past or ahead of
the reference month; when the month equals the reference month the year stays unknown.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from archive.corpus.article import MentionedDate

#: Any decimal digit the articles use: ASCII, Arabic-Indic, Extended Arabic-Indic (Persian).
DIGIT = "[0-9\u0660-\u0669\u06f0-\u06f9]"

_ARABIC_MONTHS: dict[str, int] = {
    # Egyptian / Gulf names (transliterated from the Latin months)
    "يناير": 1, "فبراير": 2, "مارس": 3, "أبريل": 4, "إبريل": 4, "ابريل": 4, "مايو": 5,
    "يونيو": 6, "يونيه": 6, "يوليو": 7, "يوليه": 7, "أغسطس": 8, "اغسطس": 8, "سبتمبر": 9,
    "أكتوبر": 10, "اكتوبر": 10, "نوفمبر": 11, "ديسمبر": 12,
    # Levantine / Iraqi names
    "كانون الثاني": 1, "كانون الثانى": 1, "شباط": 2, "آذار": 3, "اذار": 3, "نيسان": 4,
    "أيار": 5, "ايار": 5, "حزيران": 6, "تموز": 7, "آب": 8, "أيلول": 9, "ايلول": 9,
    "تشرين الأول": 10, "تشرين الاول": 10, "تشرين الثاني": 11, "تشرين الثانى": 11,
    "كانون الأول": 12, "كانون الاول": 12,
}

_ENGLISH_MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sept", "sep"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}

_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # 29: any year


def _alternation(names: list[str]) -> str:
    """A regex matching any of ``names``, as a trie (about twice as fast as a flat
    alternation); longest names win, and a space matches any run of whitespace."""
    trie: dict = {}
    for name in names:
        node = trie
        for ch in name:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        alts = [
            (r"\s+" if ch == " " else re.escape(ch)) + emit(child)
            for ch, child in sorted(node.items()) if ch
        ]
        if not alts:
            return ""
        if "" in node:
            return f"(?:{'|'.join(alts)})?"
        return alts[0] if len(alts) == 1 else f"(?:{'|'.join(alts)})"

    return emit(trie)


_AR_MONTH = _alternation(list(_ARABIC_MONTHS))
_EN_MONTH = _alternation(list(_ENGLISH_MONTHS))
#: start of a word, or right after a one-letter proclitic (و ف ب ل: "وحزيران", "و5 يونيو")
_NOT_WORD_BEFORE = r"(?:(?<!\w)|(?<=(?<!\w)[وفبل]))"
_NOT_WORD_AFTER = r"(?![\w])"

#: Arabic dates are found month first (a fast scan), then widened: a day number before the
#: month, a paired name, a year or a qualifier after it.
#: "25 يونيو/حزيران الماضي", "مطلع سبتمبر/أيلول الجاري", "4 آذار 2021", "حزيران (يونيو) 2019"
_MONTH_SCAN = re.compile(rf"{_AR_MONTH}(?!\w)")
_DAY_BEFORE = re.compile(
    rf"(?:(?<!\w)|(?<=(?<!\w)[وفبل]))(?P<day>{DIGIT}{{1,2}})\s+(?:من\s+)?$"
)
_AFTER_MONTH = re.compile(
    rf"(?:\s*(?:/|\\|-|،)\s*(?P<m2>{_AR_MONTH})(?!\w)"
    rf"|\s*\(\s*(?P<m3>{_AR_MONTH})\s*\))?"
    rf"(?:\s*،?\s*(?:من\s+)?(?:(?:ال)?عام\s+|(?:ال)?سنة\s+)?(?P<year>{DIGIT}{{4}})(?!\w)"
    r"|\s+(?P<rel>الماضي|الماضى|المنصرم|الفائت|الجاري|الحالي|الحالى|المقبل|القادم)(?!\w))?"
)
_CLITICS = "وفبل"


def _word_start(text: str, pos: int) -> bool:
    """``pos`` starts a word, or follows a one-letter proclitic that starts one."""
    if pos == 0 or not text[pos - 1].isalnum():
        return True
    return text[pos - 1] in _CLITICS and (pos == 1 or not text[pos - 2].isalnum())


#: "September 4, 2021", "Sept. 4 2021", "4 September 2021"
_ENGLISH_DATE = re.compile(
    rf"{_NOT_WORD_BEFORE}(?:"
    rf"(?P<mon>{_EN_MONTH})\.?\s+(?P<day>{DIGIT}{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>{DIGIT}{{4}})"
    rf"|(?P<day2>{DIGIT}{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon2>{_EN_MONTH})\.?,?\s+(?P<year2>{DIGIT}{{4}})"
    rf"){_NOT_WORD_AFTER}",
    re.IGNORECASE,
)

#: "عام 2011", "العام 2018", "سنة ٢٠١١", "لعام 2020" (keyword first, so the scan is fast;
#: the word boundary before it is checked in code)
_YEAR = re.compile(rf"(?:عام|سنة)\s+(?P<year>{DIGIT}{{4}})(?!\w)")
#: _YEAR as one pattern per keyword, each starting with it: the regular expression engine
#: then looks for the keyword's first letter with a tight loop instead of trying the pattern
#: at every ع and س (a third of the time; no match of one can overlap a match of the other)
_YEARS = tuple(re.compile(rf"{word}\s+(?P<year>{DIGIT}{{4}})(?!\w)") for word in ("عام", "سنة"))
_YEAR_PREFIX = re.compile(r"(?:^|(?<=\W))(?:و?(?:ب|ل|لل)?)(?P<al>ال)?$")
_LATIN = re.compile(r"[A-Za-z]{3}")
#: the first three letters of every name in _ENGLISH_MONTHS (ASCII, lower-case)
_EN_MONTH_HEAD = re.compile(
    "|".join(sorted({name[:3] for name in _ENGLISH_MONTHS})).encode("ascii"))
#: the characters other than ASCII that re.IGNORECASE matches to an ASCII letter (İ ı ſ K;
#: tests/test_dates.py checks the list against every character)
_ASCII_FOLDS = ("\u0130", "\u0131", "\u017f", "\u212a")

#: Words before a bare month name that make it a date ("مطلع سبتمبر", "شهر حزيران").
_MONTH_CONTEXT_BEFORE = re.compile(
    r"(?:شهر|الشهر|مطلع|منتصف|أواسط|اواسط|أواخر|اواخر|أوائل|اوائل|نهاية|بداية|مستهل|خلال)\s*$"
)

_PAST = {"الماضي", "الماضى", "المنصرم", "الفائت"}
_NEXT = {"المقبل", "القادم"}

_MIN_YEAR, _MAX_YEAR = 1800, 2100


def _int(digits: str) -> int:
    return int(digits)  # int() reads every Unicode decimal digit, Arabic-Indic included


def _valid_day(month: int, day: int, year: int | None) -> bool:
    if not 1 <= month <= 12 or day < 1:
        return False
    if year is None:
        return day <= _DAYS_IN_MONTH[month - 1]
    try:
        _dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _value(year: int | None, month: int, day: int | None) -> str:
    head = f"{year:04d}" if year is not None else "-"
    return f"{head}-{month:02d}-{day:02d}" if day is not None else f"{head}-{month:02d}"


class _Candidate:
    __slots__ = ("start", "end", "year", "month", "day", "rel")

    def __init__(
        self, start: int, end: int, year: int | None, month: int | None, day: int | None,
        rel: str | None = None,
    ) -> None:
        self.start, self.end = start, end
        self.year, self.month, self.day, self.rel = year, month, day, rel


def _month(name: str) -> int:
    return _ARABIC_MONTHS[" ".join(name.split())]


def _arabic_candidates(text: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    done = 0
    for hit in _MONTH_SCAN.finditer(text):
        if hit.start() < done or not _word_start(text, hit.start()):
            continue
        month = _month(hit.group())
        after = _AFTER_MONTH.match(text, hit.end())
        other = after["m2"] or after["m3"]
        paired = other is not None and _month(other) == month
        if after["m2"]:
            months_end = after.end("m2")
        elif after["m3"]:
            months_end = text.index(")", after.end("m3")) + 1
        else:
            months_end = hit.end()
        if other is not None and not paired:
            # two different month names ("يونيو/تموز", June-July): keep the first only
            end, year_text, rel = hit.end(), None, None
        else:
            end, year_text, rel = after.end(), after["year"], after["rel"]
        year = _int(year_text) if year_text else None
        if year is not None and not _MIN_YEAR <= year <= _MAX_YEAR:
            year, end = None, months_end
        before = _DAY_BEFORE.search(text, max(0, hit.start() - 12), hit.start())
        start = before.start() if before else hit.start()
        day = _int(before["day"]) if before else None
        context = bool(
            day is not None or year is not None or paired or rel
            or _MONTH_CONTEXT_BEFORE.search(text, max(0, start - 12), start)
        )
        if not context:
            continue  # a bare "مارس" is usually the verb "practised", "تموز" a name: skip
        if day is not None and not _valid_day(month, day, year):
            continue
        found.append(_Candidate(start, end, year, month, day, rel))
        done = end
    return found


def _english_candidates(text: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    # An English date's month name is ASCII letters in a row, so among the text's ASCII
    # characters (the others dropped: a copy at ~1 ns a character, where a regular
    # expression scans ~10 ns a character) the first three of them, lower-cased, are in a
    # row too. Unless the text holds a character that IGNORECASE matches to an ASCII letter
    # (ſ, K, ı, İ): then the scan decides, as always.
    if (not _EN_MONTH_HEAD.search(text.encode("ascii", "ignore").lower())
            and _ASCII_FOLDS[0] not in text and _ASCII_FOLDS[1] not in text
            and _ASCII_FOLDS[2] not in text and _ASCII_FOLDS[3] not in text):
        return found
    if not _LATIN.search(text):
        return found
    for m in _ENGLISH_DATE.finditer(text):
        mon = (m["mon"] or m["mon2"]).lower()
        month = _ENGLISH_MONTHS[mon]
        day = _int(m["day"] or m["day2"])
        year = _int(m["year"] or m["year2"])
        if _MIN_YEAR <= year <= _MAX_YEAR and _valid_day(month, day, year):
            found.append(_Candidate(m.start(), m.end(), year, month, day))
    return found


def _year_candidates(text: str) -> list[_Candidate]:
    found = []
    hits = [m for pattern in _YEARS for m in pattern.finditer(text)]
    hits.sort(key=lambda m: m.start())  # (what _YEAR.finditer gives)
    for m in hits:
        year = _int(m["year"])
        before = _YEAR_PREFIX.search(text, max(0, m.start() - 4), m.start())
        if before is None or not _MIN_YEAR <= year <= _MAX_YEAR:
            continue
        start = m.start() - 2 if before["al"] else m.start()
        found.append(_Candidate(start, m.end(), year, None, None))
    return found


def extract_dates(text: str) -> list[MentionedDate]:
    """Every explicit date written in ``text``, in text order, spans not overlapping."""
    candidates = _arabic_candidates(text) + _english_candidates(text) + _year_candidates(text)
    # longest match first at equal start; drop anything overlapping an accepted span
    candidates.sort(key=lambda c: (c.start, -(c.end - c.start)))
    chosen: list[_Candidate] = []
    for c in candidates:
        if chosen and c.start < chosen[-1].end:
            continue
        chosen.append(c)

    full_years = {c.year for c in chosen if c.day is not None and c.year is not None}
    reference: tuple[int, int] | None = None
    if len(full_years) == 1:
        year = full_years.pop()
        months = [c.month for c in chosen if c.day is not None and c.year == year and c.month]
        reference = (year, max(months))

    out = []
    for c in chosen:
        year, inferred = c.year, False
        if c.month is None:
            value = f"{c.year:04d}"
        else:
            if year is None and reference is not None:
                year = _resolve_year(c.month, c.rel, reference)
                inferred = year is not None
                if year is not None and c.day is not None and not _valid_day(c.month, c.day, year):
                    year, inferred = None, False  # 29 شباط in a non-leap year: leave it open
            value = _value(year, c.month, c.day)
        out.append(MentionedDate(value, c.start, c.end, text[c.start:c.end], inferred))
    return out


def _resolve_year(month: int, rel: str | None, reference: tuple[int, int]) -> int | None:
    ref_year, ref_month = reference
    if rel in _PAST:
        if month == ref_month:
            return None
        return ref_year if month < ref_month else ref_year - 1
    if rel in _NEXT:
        if month == ref_month:
            return None
        return ref_year if month > ref_month else ref_year + 1
    return ref_year


# ---------------------------------------------------------------------------------------------
# The front-matter ``date`` field

_DATE_FIELD = re.compile(r"(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?")


def parse_date_field(value: Any) -> str:
    """The front-matter ``date`` as ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``.

    Accepts the string forms, a bare year (YAML reads ``2021`` as an int) and a
    ``datetime.date`` (what a YAML timestamp becomes). Raises ValueError with a message
    saying what is wrong.
    """
    if isinstance(value, _dt.datetime):
        raise ValueError(f"date {value.isoformat(sep=' ')!r} has a time; give only the day")
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(f"date must be YYYY-MM-DD, YYYY-MM or YYYY, not {value!r}")
    text = str(value).strip()
    m = _DATE_FIELD.fullmatch(text)
    if not m:
        raise ValueError(f"date {text!r} is not YYYY-MM-DD, YYYY-MM or YYYY")
    year = int(m["y"])
    month = int(m["m"]) if m["m"] else None
    day = int(m["d"]) if m["d"] else None
    if not 1 <= year:
        raise ValueError(f"date {text!r} has no valid year")
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"date {text!r} has month {month}, which does not exist")
    if day is not None and month is not None:
        try:
            _dt.date(year, month, day)
        except ValueError:
            raise ValueError(f"date {text!r} does not exist (day {day} of month {month})") from None
    return text
