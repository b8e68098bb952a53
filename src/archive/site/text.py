"""Article text and dates as safe HTML: every character from an article is escaped here.

The body is split into paragraphs at line breaks; body and boilerplate segments are kept apart;
place and actor mentions become links. Nothing from the text is ever interpreted as markup.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from functools import lru_cache

from markupsafe import Markup, escape

from archive.corpus.article import Article, Segment
from archive.site.model import EntityView, MentionView

#: Why a run of text was set apart from the article body, in Arabic.
BOILERPLATE_REASONS: dict[str, str] = {
    "section-label": "اسم القسم",
    "headline": "عنوان مكرر",
    "photo-caption": "تعليق على صورة",
    "social-embed": "منشور مضمَّن من وسائل التواصل",
    "follow-us": "دعوة إلى المتابعة",
    "most-read": "قائمة الأكثر قراءة",
    "read-also": "«اقرأ أيضًا»",
    "agency-credit": "نسبة إلى وكالة",
    "related": "روابط ذات صلة",
    "byline": "اسم الكاتب",
    "copyright": "حقوق النشر",
    "link-line": "رابط إلى الخبر",
    "end-marker": "علامة نهاية الخبر",
    "contact-line": "بيانات تواصل",
}

MONTHS = [
    "كانون الثاني (يناير)",
    "شباط (فبراير)",
    "آذار (مارس)",
    "نيسان (أبريل)",
    "أيار (مايو)",
    "حزيران (يونيو)",
    "تموز (يوليو)",
    "آب (أغسطس)",
    "أيلول (سبتمبر)",
    "تشرين الأول (أكتوبر)",
    "تشرين الثاني (نوفمبر)",
    "كانون الأول (ديسمبر)",
]

UNKNOWN_DATE = "غير معروف"


def reason_label(reason: str) -> str:
    return BOILERPLATE_REASONS.get(reason, "نص ملحق بالصفحة")


def month_name(month: int) -> str:
    return MONTHS[month - 1] if 1 <= month <= 12 else str(month)


@lru_cache(maxsize=1 << 14)  # a few thousand distinct dates, shown on ~150,000 list items
def format_date(value: str | None) -> str:
    """``2018-07-04`` → ``4 تموز (يوليو) 2018``; ``2018-07`` → month and year; ``--06-25``
    (year not in the text) → day and month, saying the year is not given; None → unknown."""
    if not value:
        return UNKNOWN_DATE
    if value.startswith("--"):  # a day or month the text gives without its year
        yearless = value[2:].split("-")
        try:
            numbers = [int(p) for p in yearless]
        except ValueError:
            return value
        if len(numbers) == 2:
            return f"{numbers[1]} {month_name(numbers[0])} (السنة غير مذكورة)"
        return f"{month_name(numbers[0])} (السنة غير مذكورة)"
    parts = value.split("-")
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        return value
    if len(numbers) == 3:
        return f"{numbers[2]} {month_name(numbers[1])} {numbers[0]}"
    if len(numbers) == 2:
        return f"{month_name(numbers[1])} {numbers[0]}"
    return str(numbers[0])


@lru_cache(maxsize=1 << 14)  # (a Markup is immutable: one made per distinct date)
def date_html(value: str | None) -> Markup:
    """A ``<time>`` element for a known date, «غير معروف» otherwise."""
    if not value:
        return Markup('<span class="ar-unknown">{}</span>').format(UNKNOWN_DATE)
    if value.startswith("--") and value.count("-") == 2:  # --MM: no valid <time> form
        return Markup("<span>{}</span>").format(format_date(value))
    return Markup('<time datetime="{}">{}</time>').format(value, format_date(value))


def _chunks(text: str, segments: Sequence[Segment]) -> list[tuple[int, int, str, str]]:
    """Cover ``text`` with (start, end, kind, reason); gaps between segments count as body."""
    out: list[tuple[int, int, str, str]] = []
    pos = 0
    for seg in sorted(segments, key=lambda s: (s.start, s.end)):
        start, end = max(seg.start, pos), min(seg.end, len(text))
        if start >= end:
            continue
        if start > pos:
            out.append((pos, start, "body", ""))
        out.append((start, end, seg.kind, seg.reason))
        pos = end
    if pos < len(text):
        out.append((pos, len(text), "body", ""))
    return out


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Non-blank lines of ``text[start:end]``, trimmed, as offsets."""
    spans: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        a, b = pos, stop
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            spans.append((a, b))
        pos = stop + 1
    return spans


def esc(value: object) -> str:
    """``markupsafe.escape(value)`` as a plain string, for a value written into an f-string of
    HTML: a plain string with none of ``& < > ' "`` (most Arabic text) is itself, without the
    two Python calls and the markup object of ``escape`` (~180,000 values on the pages of 987
    articles); anything else goes through ``escape`` (a markup object's ``__html__`` too)."""
    if type(value) is str and not (
            "&" in value or "<" in value or ">" in value or "'" in value or '"' in value):
        return value
    return str(escape(value))


def _inline(
    text: str,
    start: int,
    end: int,
    mentions: Sequence[MentionView],
    link: Callable[[str], str],
    entities: dict[str, EntityView],
) -> Markup:
    parts: list[str] = []
    pos = start
    first = bisect.bisect_left(mentions, start, key=lambda m: m.start)
    for m in mentions[first:]:
        if m.start >= end:
            break
        if m.start < pos or m.end > end:
            continue
        entity = entities[m.entity]
        parts.append(esc(text[pos : m.start]))
        # (f-strings of escaped values: what Markup(...).format made, at a fraction of its cost)
        parts.append(f'<a class="ar-mention ar-mention--{esc(entity.kind)}" '
                     f'href="{esc(link(m.entity))}" title="{esc(entity.name)}">'
                     f'{esc(text[m.start : m.end])}</a>')
        pos = m.end
    parts.append(esc(text[pos:end]))
    return Markup("".join(parts))


def body_html(
    article: Article,
    mentions: Sequence[MentionView],
    link: Callable[[str], str],
    entities: dict[str, EntityView],
) -> Markup:
    """The article text as paragraphs; boilerplate runs in a labelled, de-emphasised aside."""
    text = article.text
    out: list[Markup] = []
    group: list[tuple[int, int, str]] = []  # pending boilerplate lines (start, end, reason)

    def flush() -> None:
        if not group:
            return
        reasons = sorted({reason_label(r) for _, _, r in group})
        out.append(
            Markup(
                '<aside class="ar-boilerplate" aria-label="نص من الصفحة الأصلية خارج متن المقال">'
                '<p class="ar-boilerplate__label">خارج متن المقال: {}</p>'
            ).format("، ".join(reasons))
        )
        for a, b, _ in group:
            # dir="auto": a line that starts in Latin script ("Posted by … on …") reads left
            # to right instead of being scrambled by the page's right-to-left direction.
            out.append(Markup(f'<p dir="auto">{_inline(text, a, b, mentions, link, entities)}</p>'))
        out.append(Markup("</aside>"))
        group.clear()

    for start, end, kind, reason in _chunks(text, article.segments):
        lines = _lines(text, start, end)
        if kind == "boilerplate":
            group.extend((a, b, reason) for a, b in lines)
            continue
        if lines:
            flush()
        for a, b in lines:
            out.append(Markup(f"<p>{_inline(text, a, b, mentions, link, entities)}</p>"))
    flush()
    return Markup("\n").join(out)
