"""The Article record that every later stage consumes."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any, Literal, TypeVar

_T = TypeVar("_T")


def _quick_pickle(cls: type[_T]) -> type[_T]:
    """``cls`` (a frozen dataclass with slots) pickled as the tuple of its fields' values and
    unpickled by setting its slots directly: the dataclass's own ``__setstate__`` asks for
    its fields anew for every object (a third of unpickling the corpus, ~25,000 segments and
    dates at 9,504 articles). Reads the list that one wrote as well (same order)."""
    names = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]
    setters = tuple(cls.__dict__[name].__set__ for name in names)
    values = attrgetter(*names)

    def __getstate__(self: _T) -> tuple[Any, ...]:
        state = values(self)
        return state if len(names) > 1 else (state,)

    def __setstate__(self: _T, state: Any) -> None:
        for put, value in zip(setters, state, strict=True):
            put(self, value)

    cls.__getstate__ = __getstate__  # type: ignore[attr-defined]
    cls.__setstate__ = __setstate__  # type: ignore[attr-defined]
    return cls

SegmentKind = Literal["body", "boilerplate"]


@_quick_pickle
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


@_quick_pickle
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


@_quick_pickle
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
