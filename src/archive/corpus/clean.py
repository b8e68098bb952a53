"""Cleaning of scraped article text for display (and so for search): one function per kind.

Real news dumps carry debris from the web pages and word processors they came from: stray
control characters, Arabic presentation forms, Persian/Urdu letter variants, no-break and
zero-width spaces, bidi marks, HTML entities and tags. None of it makes an article unusable,
so the loader cleans it instead of refusing the file, and says what it did (one warning per
kind, summarised over the corpus). The file itself is never changed; ``Article.text`` is the
cleaned text and every offset (segments, dates, tokens) points into it.

Every function takes a text and returns ``(cleaned, count, first)``: how many occurrences it
changed and the offset of the first one in its input (-1 when none). None of them removes a
line break; only :func:`fix_controls` adds some (where a control character stood for one), and
:func:`clean_text` keeps track of them, so warnings name the line of the file.
:func:`clean_text` applies all of them, in a fixed order, until nothing changes (so cleaning
is idempotent, also for double-encoded entities such as ``&amp;quot;``).

Search-level folding (letters that differ only in spelling convention, diacritics, the
remaining invisible joiners) is not done here: it belongs to ``archive.analysis.normalize``.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

#: C0 and C1 control characters other than tab and line feed (CR is already turned into LF).
_CTL = "\x00-\x08\x0b-\x1f\x7f-\x9f"
CONTROL = re.compile(f"[{_CTL}]+")

#: Arabic Presentation Forms-A and -B (the BOM U+FEFF, at the end of -B, is not a letter)
PRESENTATION = re.compile("[\ufb50-\ufdff\ufe70-\ufefe]")

#: Persian/Urdu/Kurdish/Pashto letters that stand for an Arabic letter in Arabic text.
#: Letters Arabic itself uses for foreign sounds (پ چ ژ گ ڤ) are kept.
PERSIAN_MAP: dict[str, str] = {
    "\u06a9": "\u0643",  # ک keheh → ك
    "\u06aa": "\u0643",  # ڪ swash kaf → ك
    "\u06ab": "\u0643",  # ګ kaf with ring → ك
    "\u06cd": "\u064a",  # ۍ yeh with tail → ي
    "\u06d0": "\u064a",  # ې yeh (Pashto e) → ي
    "\u06d2": "\u064a",  # ے yeh barree → ي
    "\u06d3": "\u0626",  # ۓ yeh barree with hamza → ئ
    "\u06d5": "\u0647",  # ە ae (Kurdish) → ه
    "\u06be": "\u0647",  # ھ heh doachashmee → ه
    "\u06c1": "\u0647",  # ہ heh goal → ه
    "\u06c0": "\u0629",  # ۀ heh with yeh above → ة
    "\u06c2": "\u0629",  # ۂ heh goal with hamza → ة
    "\u06c3": "\u0629",  # ۃ teh marbuta goal → ة
    **{chr(0x06F0 + i): chr(0x0660 + i) for i in range(10)},  # ۰–۹ → ٠–٩
}
FARSI_YEH = "\u06cc"  # ی: ى at the end of a word (إلی → إلى), ي inside one (ایران → ايران)
_PERSIAN = re.compile(f"[{''.join(PERSIAN_MAP)}{FARSI_YEH}]")

#: spaces other than U+0020 (and the line/paragraph separators, which the loader does not
#: treat as line breaks): shown and searched as a plain space
SPACES = re.compile("[\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")

#: invisible characters that a reader never sees and that split or hide words for search:
#: zero-width space, LRM/RLM/ALM, bidi embeddings, overrides and isolates (an unbalanced
#: override would turn the rest of the paragraph around on the page), word joiner, BOM, soft
#: hyphen, Mongolian vowel separator
INVISIBLE = re.compile(
    "[\u200b\u200e\u200f\u061c\u202a-\u202e\u2060\u2066-\u2069\ufeff\u00ad\u180e]"
)
#: ZWNJ and ZWJ shape the letters around them (Persian words need ZWNJ): kept between two
#: letters, removed where they touch a space, punctuation or the edge of the text
JOINERS = re.compile("[\u200c\u200d]")

_ARABIC_LETTER = "\u0621-\u063a\u0641-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff"
_ARABIC_MARK = "\u064b-\u065f\u0670\u06d6-\u06ed"
#: two or more tatweels inside a word (تشــــهد): the word is shown without them; a single
#: tatweel (لـ«…», poetry) and tatweel runs used as a dash (ــ وهو محق ــ) are kept
TATWEEL_RUN = re.compile(
    f"(?<=[{_ARABIC_LETTER}{_ARABIC_MARK}])\u0640{{2,}}(?=[{_ARABIC_LETTER}])"
)

#: named and numeric character references, the semicolon required (``AT&T`` stays as it is)
ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")

_BLOCK_TAGS = "br|p|div|li|ul|ol|tr|td|th|table|tbody|thead|h[1-6]|hr|blockquote|section|article"
_INLINE_TAGS = (
    "a|abbr|b|big|cite|em|font|i|mark|q|s|small|span|strong|sub|sup|u|figure|figcaption|"
    "center|label|time"
)
#: formatting and structure tags by name (so ``x < 5`` or ``<ملاحظة>`` are left alone) and
#: HTML comments. Tags that run code or embed something (script, style, iframe, img, svg,
#: object…) are not formatting debris: they stay as text, which the site shows escaped.
TAG = re.compile(
    rf"<!--[^\n]*?-->|</?(?:(?P<block>{_BLOCK_TAGS})|{_INLINE_TAGS})\b[^<>\n]{{0,500}}?/?>",
    re.IGNORECASE,
)


def _first(match: re.Match[str] | None) -> int:
    return match.start() if match else -1


#: a run of control characters with the spaces around it
_CONTROL_RUN = re.compile(f"[ \t\u00a0]*[{_CTL}]+(?:[ \t\u00a0]*[{_CTL}]+)*[ \t\u00a0]*")
#: what ends a sentence or introduces a list: a control run right after it, with text after
#: it, stood for a line break in the page the text was scraped from
_PARAGRAPH_END = ".!?؟:؛…»\"”)"


def _controls(text: str, breaks: bool) -> tuple[str, int, int, list[int]]:
    """:func:`fix_controls`, and the input line (from 0) of each line break it put in."""
    if not CONTROL.search(text):  # the usual case, and far quicker than the run pattern
        return text, 0, -1, []
    count = 0
    inserted: list[int] = []

    def repl(m: re.Match[str]) -> str:
        nonlocal count
        run = m.group()
        count += sum(1 for ch in run if ch not in " \t\u00a0")
        s, e = m.start(), m.end()
        before = text[s - 1] if s else "\n"
        after = text[e] if e < len(text) else "\n"
        if before == "\n" or after == "\n":
            return ""  # at the start or end of a line
        if breaks and before in _PARAGRAPH_END:
            inserted.append(text.count("\n", 0, s))
            return "\n"
        return " "

    out = _CONTROL_RUN.sub(repl, text)
    return out, count, _first(CONTROL.search(text)) if count else -1, inserted


def fix_controls(text: str) -> tuple[str, int, int]:
    """Control characters removed. A run of them between two words becomes a space
    (``نص<U+001A>هنا`` → ``نص هنا``); after the end of a sentence or a colon, with text after
    it, a line break (scraped text often has U+001A where the page had one); at the start
    or end of a line, nothing. The only cleaning step that adds line breaks."""
    return _controls(text, breaks=True)[:3]


def strip_controls(text: str) -> tuple[str, int, int]:
    """:func:`fix_controls` without adding line breaks (for the front matter, the title)."""
    return _controls(text, breaks=False)[:3]


def _presentation(ch: str) -> str:
    plain = unicodedata.normalize("NFKC", ch)
    # isolated harakat (U+FE70…) decompose to a space and the mark: keep the mark only
    return plain.lstrip(" ") or plain


def fix_presentation_forms(text: str) -> tuple[str, int, int]:
    """Arabic presentation forms (ﻗﺎﻝ, ﻻ, ﷺ) turned into the letters they show (NFKC)."""
    count = 0

    def repl(m: re.Match[str]) -> str:
        nonlocal count
        plain = _presentation(m.group())
        if plain != m.group():
            count += 1
        return plain

    out = PRESENTATION.sub(repl, text)
    return out, count, _first(PRESENTATION.search(text)) if count else -1


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LM"


def fix_persian_letters(text: str) -> tuple[str, int, int]:
    """Persian/Urdu letter variants turned into the Arabic letters (ک → ك, ی → ي or final ى)."""
    count = 0

    def repl(m: re.Match[str]) -> str:
        nonlocal count
        count += 1
        ch = m.group()
        if ch == FARSI_YEH:
            e = m.end()
            final = e >= len(text) or not _is_letter(text[e])
            return "\u0649" if final else "\u064a"
        return PERSIAN_MAP[ch]

    out = _PERSIAN.sub(repl, text)
    return out, count, _first(_PERSIAN.search(text))


def fix_spaces(text: str) -> tuple[str, int, int]:
    """No-break, narrow, em and other special spaces turned into plain spaces."""
    out, count = SPACES.subn(" ", text)
    return out, count, _first(SPACES.search(text)) if count else -1


def fix_invisible(text: str) -> tuple[str, int, int]:
    """Zero-width spaces, bidi marks and controls, BOMs and soft hyphens removed; ZWNJ/ZWJ
    removed unless they sit between two letters (where they shape the word)."""
    out, count = INVISIBLE.subn("", text)
    first = _first(INVISIBLE.search(text)) if count else -1
    joined = 0

    def repl(m: re.Match[str]) -> str:
        nonlocal joined
        s, e = m.start(), m.end()
        if 0 < s and e < len(out) and _is_letter(out[s - 1]) and _is_letter(out[e]):
            return m.group()
        joined += 1
        return ""

    if "\u200c" in out or "\u200d" in out:
        out = JOINERS.sub(repl, out)
        if joined and first < 0:
            first = _first(JOINERS.search(text))
    return out, count + joined, first


def fix_tatweel(text: str) -> tuple[str, int, int]:
    """Runs of two or more tatweels inside a word removed (تشــــهد → تشهد)."""
    if "\u0640\u0640" not in text:
        return text, 0, -1
    out, count = TATWEEL_RUN.subn("", text)
    return out, count, _first(TATWEEL_RUN.search(text)) if count else -1


def fix_entities(text: str) -> tuple[str, int, int]:
    """HTML character references decoded (``&quot;`` → ``"``, ``&#8220;`` → ``“``)."""
    count = 0

    def repl(m: re.Match[str]) -> str:
        nonlocal count
        plain = html.unescape(m.group())
        if plain != m.group():
            count += 1
        # a reference to a line break must not add a line: the line numbers stay the file's
        return plain.replace("\r", " ").replace("\n", " ")

    out = ENTITY.sub(repl, text) if "&" in text else text
    return out, count, _first(ENTITY.search(text)) if count else -1


def fix_tags(text: str) -> tuple[str, int, int]:
    """HTML tags and comments removed, their text kept; a block tag (``<br>``, ``<p>``)
    between two words becomes a space."""
    count = 0

    def repl(m: re.Match[str]) -> str:
        nonlocal count
        count += 1
        s, e = m.start(), m.end()
        between = 0 < s and e < len(text) and not text[s - 1].isspace() and not text[e].isspace()
        return " " if m.group("block") and between else ""

    out = TAG.sub(repl, text) if "<" in text else text
    return out, count, _first(TAG.search(text)) if count else -1


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind of dirty text: its name, its cleaning function and how a warning words it."""

    name: str
    fix: Callable[[str], tuple[str, int, int]]
    message: str


#: In order of application: entities first (they may stand for any of the others), then tags
#: (an encoded ``&lt;br&gt;`` is a tag once decoded), then characters.
KINDS: tuple[Kind, ...] = (
    Kind("entity", fix_entities, "HTML entities (&quot; &#8220; …) in the text were decoded"),
    Kind("tag", fix_tags, "HTML tags (<br>, <p>, <a …>) in the text were removed, their text"
         " kept"),
    Kind("control", fix_controls, "control characters (such as U+001A) in the text were"
         " removed (or made a line break after the end of a sentence)"),
    Kind("presentation-form", fix_presentation_forms, "Arabic presentation forms (ﻗﺎﻝ ﻻ) were"
         " turned into ordinary letters"),
    Kind("persian-letter", fix_persian_letters, "Persian/Urdu letter variants (ی ک ە ۀ) were"
         " turned into Arabic letters"),
    Kind("space", fix_spaces, "no-break or other special spaces were turned into plain"
         " spaces"),
    Kind("invisible", fix_invisible, "invisible characters (zero-width space, bidi marks, BOM,"
         " soft hyphen) were removed"),
    Kind("tatweel", fix_tatweel, "runs of tatweel (ـــ) inside words were removed"),
)
KIND_BY_NAME = {k.name: k for k in KINDS}
#: what every cleaning warning says the user can do
HINT = ("the file is unchanged and the site shows the cleaned text; fix the file if the"
        " cleaned text is not what was meant")


@dataclass(slots=True)
class Cleaned:
    """The cleaned text, and per kind how many occurrences were changed and on which line of
    the input (counted from 0) the first one was."""

    text: str
    counts: dict[str, int] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)

    def add(self, other: Cleaned, line_offset: int | None = 0) -> None:
        """Count ``other``'s changes too: its lines shifted by ``line_offset``, or not kept
        when None (a front-matter field)."""
        for name, count in other.counts.items():
            self.counts[name] = self.counts.get(name, 0) + count
            if name in other.lines and line_offset is not None:
                self.lines.setdefault(name, other.lines[name] + line_offset)


#: how many rounds :func:`clean_text` runs at most (one is enough unless entities are
#: encoded several times over)
MAX_ROUNDS = 8


#: anything that some kind may change: most articles have none, and are let through by one scan
_MAYBE_DIRTY = re.compile(
    "["
    + "".join(p.pattern.strip("[]+") for p in (CONTROL, PRESENTATION, _PERSIAN, SPACES,
                                                INVISIBLE, JOINERS))
    + "&<]"
)


#: per kind, the characters of :data:`_MAYBE_DIRTY` it changes (None: the kind is always
#: applied); a kind none of whose characters is in the text leaves it as it is
_KIND_CHARS: dict[str, re.Pattern[str] | None] = {
    "entity": re.compile("&"), "tag": re.compile("<"), "control": CONTROL,
    "presentation-form": PRESENTATION, "persian-letter": _PERSIAN, "space": SPACES,
    "invisible": re.compile(f"{INVISIBLE.pattern}|{JOINERS.pattern}"), "tatweel": None,
}
#: the kinds whose output may hold dirty characters its input did not: what an entity
#: decodes to, the pieces a removed tag joins, what NFKC makes of a presentation form (ﮎ → ک)
_MAKE_DIRTY = frozenset(("entity", "tag", "presentation-form"))


def clean_text(text: str) -> Cleaned:
    """Every kind of :data:`KINDS` applied in order, repeated until the text stops changing."""
    return _clean_text(text)


def _clean_text(text: str, every_kind: bool = False) -> Cleaned:
    """:func:`clean_text`; ``every_kind``: each kind applied even when none of its characters
    is in the text (what it gives then is the same: tests/test_corpus_scans.py)."""
    result = Cleaned(text)
    # the dirty characters in the text, found in one scan: a kind without any of them in the
    # text is not applied (a third of the articles hold some, most often no-break spaces
    # only: each kind applied is a scan of the whole text or two)
    found = _MAYBE_DIRTY.findall(text)
    if not found and "\u0640\u0640" not in text:
        return result
    #: line of the current text → line of the input (control runs may have split lines)
    line_of = list(range(text.count("\n") + 1))
    for _ in range(MAX_ROUNDS):
        before = result.text
        markup = False  # decoded entities or removed tags may make new dirty text
        # (kept while the kinds remove dirty characters: a character no longer in the text
        # only costs the scan of a kind that then changes nothing)
        dirty = "".join(set(found))
        for kind in KINDS:
            chars = _KIND_CHARS[kind.name]
            if chars is not None and not every_kind and not chars.search(dirty):
                continue
            if kind.fix is fix_controls:
                out, count, first, inserted = _controls(result.text, breaks=True)
            else:
                (out, count, first), inserted = kind.fix(result.text), []
            if count:
                result.counts[kind.name] = result.counts.get(kind.name, 0) + count
                if kind.name not in result.lines and first >= 0:
                    result.lines[kind.name] = line_of[result.text.count("\n", 0, first)]
            markup = markup or bool(count and kind.name in ("entity", "tag"))
            if inserted:
                extra = Counter(inserted)
                line_of = [n for i, n in enumerate(line_of) for _ in range(1 + extra[i])]
            if kind.name in _MAKE_DIRTY and out != result.text:
                dirty = "".join(set(_MAYBE_DIRTY.findall(out)))
            result.text = out
        if result.text == before or not (markup or "<" in result.text or "&" in result.text):
            break  # (removing a character can also join the pieces of a tag or an entity)
        found = _MAYBE_DIRTY.findall(result.text)
    return result


def clean_line(text: str) -> Cleaned:
    """A one-line field (a title): :func:`clean_text`, then whitespace runs (line breaks
    included) become one space and the ends are trimmed."""
    result = clean_text(" ".join(text.split("\n")))
    result.text = " ".join(result.text.split())
    return result
