"""Body and boilerplate: which lines of an article are the article, which are page furniture.

Work is line by line. A line is boilerplate when it is one of:

- ``section-label``: a very short first line followed by a headline (``سياسة عربية``);
- ``headline``: the headline after such a label (it becomes the title, so it is not body);
- ``photo-caption``: a caption ending in a photo credit (``... - أرشيف (AA)``, ``... - جيتي``);
- ``follow-us``: ``تابعنا``; ``most-read``: ``الأكثر تداولاً``; ``read-also``: ``اقرأ أيضا: ...``;
- ``social-embed``: an embedded post (``Posted by … on Saturday, September 4, 2021``), together
  with the post's text on the line above it (unless that line ends with a full stop, like a
  paragraph of the article);
- ``agency-credit``: a closing credit line among the last lines (``TRT عربي - وكالات``);
- ``link-line``: a link back to the article (``رابط الخبر بصحيفة …: …``, also when it ends the
  last paragraph: then only that part of the line is set apart), ``...المزيد``, a slider's
  ``Next Previous`` (with the byline after it, or alone where the article goes on after it on
  the same line), a line that is only a web address;
- ``end-marker``: ``// انتهى //``, ``// يتبع //``;
- ``byline``: a writer's name or a dateline as the first line, two short names around a
  spaced dash (``نايف عبدالله – عين اليوم``, ``الرياض - واس``), when at least two lines follow;
- ``contact-line``: how to text the writer (``للتواصل مع الكاتب ارسل رسالة SMS``, ``88591 - Stc``).

Everything else is body, including in-body subheadings. Blank lines join the segment before
them (leading blank lines join the first segment), so the segments cover the whole text, in
order, and nothing is deleted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archive.corpus.article import Segment

_PHOTO_CREDITS = (
    r"أرشيف(?:ية)?|جيتي|غيتي|Getty(?:\s*Images)?|AA|AFP|AP|EPA|Reuters|رويترز|الأناضول|"
    r"الاناضول|فرانس\s*برس|أ\s*\.?\s*ف\s*\.?\s*ب\.?|أسوشيتد\s*برس|سانا|SANA|تويتر|فيسبوك|"
    r"Twitter|Facebook|مواقع\s+التواصل(?:\s+الاجتماعي)?|ناشطون|الإنترنت|إنترنت|أرشيفية|"
    r"العربي\s+الجديد|عربي21|الأناضول"
)
_CAPTION = re.compile(
    rf"^.{{3,200}}?\s+[-–—]\s*(?:\(?\s*(?:{_PHOTO_CREDITS})\s*\)?(?:\s*[/،,+-]?\s*)?){{1,3}}$"
    rf"|^.{{3,200}}?\s*\(\s*(?:AA|AFP|AP|EPA|Reuters|Getty(?:\s*Images)?)\s*\)$"
)
_FOLLOW_US = re.compile(r"^(?:تابعنا|تابعونا)(?:\s+(?:على|عبر)\s+.{1,40})?$")
_MOST_READ = re.compile(r"^الأكثر\s+(?:تداولاً|تداولا|قراءة|مشاهدة|شعبية)$")
_READ_ALSO = re.compile(
    r"^(?:اقرأ|إقرأ|اقرا|إقرا)\s+(?:أيضاً|أيضا|ايضاً|ايضا|المزيد)(?:\s*[:：].*)?$"
)
#: Facebook / Instagram / Twitter embeds as they come out of a copied web page (note: the
#: spaces in these lines are often no-break spaces, hence \s)
_POSTED_BY = re.compile(
    r"^(?:Posted\s+by\s.{1,80}?\son\s+(?:[A-Z][a-z]+,\s+)?[A-Z][a-z]+\s+\d{1,2},\s+\d{4}"
    r"|A\s+post\s+shared\s+by\s.{1,80}"
    r"|[—-]\s.{1,80}\(@\w{1,30}\)\s+[A-Z][a-z]+\s+\d{1,2},\s+\d{4})$"
)
#: "TRT عربي - وكالات", "الجزيرة نت + وكالات", "وكالات"; group "name" is the outlet, if any.
AGENCY_CREDIT = re.compile(
    r"^(?:(?P<name>[^\n.،:«»\"]{1,40}?)\s*[-–—/+]\s*)?(?:وكالات|الوكالات)$"
    r"|^المصدر\s*:\s*(?P<name2>[^\n.،«»\"]{1,40})$"
)
#: a link back to the article or to more of it, as scraped: «رابط الخبر بصحيفة الوئام: …»,
#: «...المزيد», a slider's «Next Previous», a line that is only a web address
_LINK_LINE = re.compile(
    r"^(?:رابط\s+(?:الخبر|المقال|الموضوع)\b.{0,300}"
    r"|\.{2,}\s*(?:المزيد|للمزيد|اقرأ\s+المزيد)"
    r"|Read\s+more\b.{0,80}"
    r"|(?:https?://|www\.)\S+)$",
    re.IGNORECASE,
)
#: the same link at the end of the last paragraph, after its final sentence
#: (_LINK_TAIL_REST: the same from its word on, see _link_tail)
_LINK_TAIL_REST = re.compile(r"رابط\s+(?:الخبر|المقال|الموضوع)\s+[^\n]{0,300}?\s*\Z")
_LINK_TAIL = re.compile(r"(?<=\S)[ \t]*" + _LINK_TAIL_REST.pattern)
_SLIDER_HEAD = re.compile(r"\s*(?:Next\s+Previous|Previous\s+Next)\b\s*")
#: a news agency's end-of-story mark: «// انتهى //», «// يتبع //»
_END_MARK = re.compile(r"^//\s*(?:انتهى|إنتهى|يتبع)\s*//$")
#: how to reach the writer by text message, with the operators' short numbers
_CONTACT = re.compile(
    r"^.{0,60}للتواصل\s.{0,40}(?:SMS|sms|رسالة).{0,200}"
    r"|\d{4,6}\s*[-–]\s*(?:STC|Stc|stc|Mobily|mobily|Zain|zain)$"
)
#: two short names around a spaced dash, no digits or sentence punctuation (a byline)
_BYLINE = re.compile(r"^(?=(?:\S+\s+){2,6}\S+$)(?=.{5,50}$)[^\d\n.،,:؛!?؟()«»\"-]+"
                     r"\s[-–—]\s[^\d\n.،,:؛!?؟()«»\"-]+$")
_SENTENCE_END = re.compile(r"[.!?؟:؛,،]$")
#: how many non-blank lines at the end may hold a closing credit
CREDIT_WINDOW = 3


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the text: ``text[start:end]`` is its content, ``text[start:stop]`` adds
    the newline; ``number`` counts from 1 within the article text."""

    number: int
    start: int
    end: int
    stop: int
    content: str
    #: ``content.strip()`` (made once: layout and the inference read it many times a line)
    stripped: str = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class Layout:
    """The segments of a text, and the lines that later steps need."""

    segments: list[Segment]
    lines: list[Line]
    reasons: dict[int, str]  # line number -> boilerplate reason
    headline: Line | None
    credit: Line | None

    def body_lines(self) -> list[Line]:
        return [ln for ln in self.lines if ln.stripped and ln.number not in self.reasons]


def split_lines(text: str) -> list[Line]:
    """Lines split on LF only (str.splitlines would also split on U+2028, \\x1c and others)."""
    lines, pos = [], 0
    for number, content in enumerate(text.split("\n"), start=1):
        end = pos + len(content)
        stop = min(end + 1, len(text))
        lines.append(Line(number, pos, end, stop, content, content.strip()))
        pos = end + 1
    if lines and lines[-1].start == len(text) and len(lines) > 1:
        lines.pop()  # text ends with "\n": no empty line after it
    return lines


def _is_headline_like(s: str) -> bool:
    return 2 <= len(s.split()) <= 20 and len(s) <= 150 and not _SENTENCE_END.search(s)


#: the line patterns :func:`_fixed_reason` tries first, in its order, as one pattern (one
#: match a line rather than seven: most lines match none of them)
_FIXED = (("follow-us", _FOLLOW_US), ("most-read", _MOST_READ), ("read-also", _READ_ALSO),
          ("social-embed", _POSTED_BY), ("link-line", _LINK_LINE), ("end-marker", _END_MARK),
          ("contact-line", _CONTACT))
_ANY_FIXED = re.compile("|".join(
    f"(?P<g{i}>{'(?i:' if p.flags & re.IGNORECASE else '(?:'}{p.pattern}))"
    for i, (_, p) in enumerate(_FIXED)))
# (the alternative that matched is told by its group: the patterns must have none of their own)
assert not any(p.groups for _, p in _FIXED)


def _fixed_reason(s: str) -> str | None:
    m = _ANY_FIXED.match(s)
    if m is not None:
        reason = _FIXED[int(m.lastgroup[1:])][0]  # type: ignore[index]
        if reason != "read-also" or len(s) <= 200:
            return reason
        return _fixed_reason_after_read_also(s)
    # (the word count last: splitting every paragraph of the text cost more than the rest of
    # the test)
    if not s.endswith(".") and _CAPTION.match(s) and len(s.split()) <= 30:
        return "photo-caption"
    return None


def _fixed_reason_after_read_also(s: str) -> str | None:
    """:func:`_fixed_reason` of a line too long to be a «read also» line: the tests after
    that one, each on its own (tests/test_corpus_scans.py checks the whole against them all
    one by one)."""
    if _POSTED_BY.match(s):
        return "social-embed"
    if _LINK_LINE.match(s):
        return "link-line"
    if _END_MARK.match(s):
        return "end-marker"
    if _CONTACT.match(s):
        return "contact-line"
    # (the word count last: splitting every paragraph of the text cost more than the rest of
    # the test)
    if not s.endswith(".") and _CAPTION.match(s) and len(s.split()) <= 30:
        return "photo-caption"
    return None


def layout(text: str) -> Layout:
    """Split ``text`` into body and boilerplate segments (see the module docstring)."""
    lines = split_lines(text)
    filled = [ln for ln in lines if ln.stripped]
    reasons: dict[int, str] = {}
    glued: list[int] = []  # lines that start with «Next Previous» and go on with the article
    for ln in filled:
        reason = _fixed_reason(ln.stripped)
        if reason:
            reasons[ln.number] = reason
        elif "Next" in ln.content and (head := _SLIDER_HEAD.match(ln.content)):
            rest = ln.content[head.end():].strip()
            if not rest or (len(rest.split()) <= 8 and not _SENTENCE_END.search(rest)):
                reasons[ln.number] = "link-line"  # «Next Previous», perhaps with a byline
            else:
                glued.append(ln.number)

    # an embedded post: the post text is the non-blank line right above "Posted by ...",
    # unless that line reads like a paragraph of the article (ends with a full stop; a post
    # cut short ends with "..." instead)
    for i, ln in enumerate(filled):
        if reasons.get(ln.number) == "social-embed" and i > 0:
            above = filled[i - 1]
            s_above = above.stripped
            paragraph = s_above.endswith(".") and not s_above.endswith("..")
            if above.number not in reasons and not paragraph:
                reasons[above.number] = "social-embed"

    # a closing credit among the last non-blank lines (after trailing boilerplate)
    credit = None
    tail = [ln for ln in filled if ln.number not in reasons][-CREDIT_WINDOW:]
    for ln in reversed(tail):
        if AGENCY_CREDIT.match(ln.stripped):
            credit = ln
            reasons[ln.number] = "agency-credit"
            break

    # a byline or dateline opening the article: «نايف عبدالله – عين اليوم», «الرياض - واس»
    opening = [ln for ln in filled if ln.number not in reasons]
    if len(opening) >= 3 and _BYLINE.match(opening[0].stripped):
        reasons[opening[0].number] = "byline"

    # a short section label, then a headline
    headline = None
    if len(filled) >= 3:
        label, head = filled[0], filled[1]
        s_label, s_head = label.stripped, head.stripped
        if (
            label.number not in reasons and head.number not in reasons
            and len(s_label.split()) <= 4 and len(s_label) <= 40
            and not re.search(r"[0-9\u0660-\u0669.،,:؛!?؟\"«»()]", s_label)
            and _is_headline_like(s_head) and len(s_head.split()) > len(s_label.split())
        ):
            reasons[label.number] = "section-label"
            reasons[head.number] = "headline"
            headline = head

    segments = _segments(text, lines, reasons)
    tail = _link_tail(text)
    if tail is not None:
        segments = _set_apart(segments, tail, len(text), "link-line")
    # a slider's «Next Previous» glued to the start of the first paragraph
    for number in glued:
        ln = lines[number - 1]
        head = _SLIDER_HEAD.match(ln.content)
        assert head is not None
        segments = _set_apart(segments, ln.start, ln.start + head.end(), "link-line")
    return Layout(segments, lines, reasons, headline, credit)


def _link_tail(text: str) -> int | None:
    """Where ``_LINK_TAIL.search(text)`` matches, or None. Its match starts at the spaces
    before a «رابط» that follow a character other than whitespace; found from each «رابط»
    (str.find) instead of trying the pattern at every character of the text (its lookbehind
    first: ~0.1 ms an article that has the word anywhere)."""
    at = text.find("رابط")
    while at >= 0:
        start = at
        while start > 0 and text[start - 1] in " \t":
            start -= 1
        if start > 0 and not text[start - 1].isspace() and _LINK_TAIL_REST.match(text, at):
            return start
        at = text.find("رابط", at + 1)
    return None


def _set_apart(segments: list[Segment], start: int, end: int, reason: str) -> list[Segment]:
    """``segments`` with ``[start, end)`` made a boilerplate segment (it may start mid-line)."""
    out: list[Segment] = []
    for seg in segments:
        if seg.end <= start or seg.start >= end:
            out.append(seg)
            continue
        if seg.start < start:
            out.append(Segment(seg.start, start, seg.kind, seg.reason))
        out.append(Segment(max(seg.start, start), min(seg.end, end), "boilerplate", reason))
        if seg.end > end:
            out.append(Segment(end, seg.end, seg.kind, seg.reason))
    merged: list[Segment] = []
    for seg in out:
        if merged and (merged[-1].kind, merged[-1].reason) == (seg.kind, seg.reason):
            merged[-1] = Segment(merged[-1].start, seg.end, seg.kind, seg.reason)
        else:
            merged.append(seg)
    return merged


def _segments(text: str, lines: list[Line], reasons: dict[int, str]) -> list[Segment]:
    spans: list[list] = []  # [start, stop, kind, reason]
    for ln in lines:
        if not ln.stripped:
            if spans:
                spans[-1][1] = ln.stop
            else:
                spans.append([ln.start, ln.stop, None, ""])  # leading blanks: kind set below
            continue
        reason = reasons.get(ln.number, "")
        kind = "boilerplate" if reason else "body"
        if spans and spans[-1][2] is None:
            spans[-1][1:] = [ln.stop, kind, reason]
        elif spans and spans[-1][2] == kind and spans[-1][3] == reason:
            spans[-1][1] = ln.stop
        else:
            spans.append([ln.start, ln.stop, kind, reason])
    out = [Segment(a, b, kind or "body", r) for a, b, kind, r in spans if b > a]
    if out:  # the last line may lack "\n": make sure the whole text is covered
        last = out[-1]
        out[-1] = Segment(last.start, len(text), last.kind, last.reason)
    return out
