"""The Article record that every later stage consumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

SegmentKind = Literal["body", "boilerplate"]


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of ``Article.text`` (``text[start:end]``), body or boilerplate.

    ``reason`` says why a boilerplate segment was set apart ("section-label", "headline",
    "photo-caption", "social-embed", "follow-us", "most-read", "read-also", "agency-credit"...).
    """

    start: int
    end: int
    kind: SegmentKind
    reason: str = ""


@dataclass(frozen=True, slots=True)
class MentionedDate:
    """A date written in the article text.

    ``value`` is YYYY-MM-DD, YYYY-MM or YYYY; when the text does not fix the year it is
    ``--MM-DD`` (day and month) or ``--MM`` (month only), never an invented year.
    ``year_inferred`` is True when the year was not written next to the date but fixed by the
    text's own full dates (see archive.corpus.dates).
    """

    value: str
    start: int
    end: int
    text: str
    year_inferred: bool = False


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why an inferred field has its value: the text span it came from."""

    start: int
    end: int
    text: str
    rule: str


@dataclass(slots=True)
class Article:
    """One article file from seeds/.

    ``text`` is the file's content after the front matter, decoded, BOM removed, line endings
    turned into LF and dirty text cleaned (``archive.corpus.clean``; the line breaks are the
    file's); every offset (segments, dates, evidence, tokens) points into it. ``cleaned`` counts
    what cleaning changed, per kind (also in the title and source).
    """

    id: str  # file name without extension
    path: str  # relative to the repository root, e.g. "seeds/000_02dc7bcb46da7aac.txt"
    text: str
    content_hash: str  # sha256 of the raw file bytes
    title: str
    title_inferred: bool
    date: str | None  # YYYY-MM-DD, YYYY-MM or YYYY; None when unknown (never invented)
    source: str | None
    source_evidence: Evidence | None = None
    url: str | None = None
    author: str | None = None  # as the front matter gives it (never inferred)
    places: list[str] = field(default_factory=list)  # gazetteer ids from front matter
    actors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # unknown front-matter keys, kept
    segments: list[Segment] = field(default_factory=list)
    mentioned_dates: list[MentionedDate] = field(default_factory=list)
    text_offset_line: int = 1  # line number in the file where ``text`` starts
    cleaned: dict[str, int] = field(default_factory=dict)  # kind of dirty text → occurrences

    def body_segments(self) -> list[Segment]:
        return [s for s in self.segments if s.kind == "body"]

    def boilerplate_segments(self) -> list[Segment]:
        return [s for s in self.segments if s.kind == "boilerplate"]
