"""Which column of the dump gives which field of an article, and the values made fit for
front matter.

Fields: title, date, source, url, author, places, actors, tags and body. Each has default
column names (matched ignoring case, spaces, ``-`` and ``_``); the first default a file has is
used. ``--map field=column`` overrides the defaults; ``--map field=`` imports nothing for that
field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

FIELDS = ("title", "date", "source", "url", "author", "places", "actors", "tags", "body")
LIST_FIELDS = ("places", "actors", "tags")

#: default column names per field, most specific first
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("title", "head_line", "headline", "heading", "subject"),
    "body": ("content", "text", "body", "article", "article_text", "story", "full_text"),
    "date": ("date", "date_published", "published", "published_at", "publish_date", "pubdate",
             "pub_date", "publication_date", "date_extracted", "datetime", "created_at"),
    "url": ("url", "link", "permalink", "href", "article_url"),
    "source": ("source", "publisher", "newspaper", "outlet", "publication", "site", "website"),
    "author": ("author", "authors", "writer", "byline", "by"),
    "places": ("places",),
    "actors": ("actors",),
    "tags": ("tags", "keywords"),
}

#: C0 and C1 control characters (tab and newline included: a one-line value has none)
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_LIST_SPLIT = re.compile(r"\s*[,;|،؛]\s*")


class MapError(ValueError):
    """A ``--map`` option that cannot be used."""


def canonical(name: str) -> str:
    """Column names compared ignoring case, spaces, '-' and '_'."""
    return re.sub(r"[\s_-]+", "", name).casefold()


def parse_maps(maps: Iterable[str]) -> dict[str, str | None]:
    """``["title=headline", "author="]`` → ``{"title": "headline", "author": None}``."""
    result: dict[str, str | None] = {}
    for item in maps:
        field, sep, column = item.partition("=")
        field = field.strip().lower()
        if not sep or field not in FIELDS:
            raise MapError(f"--map {item!r}: write FIELD=COLUMN with FIELD one of"
                           f" {', '.join(FIELDS)} (FIELD= to import nothing for it)")
        if field in result:
            raise MapError(f"--map {field}=… is given twice")
        result[field] = column.strip() or None
    return result


@dataclass(frozen=True, slots=True)
class Mapping:
    """For one input file: the column of each field (None: not imported) and the columns
    that no field uses."""

    columns: dict[str, str | None]
    unused: tuple[str, ...]


def resolve(columns: Iterable[str], overrides: dict[str, str | None]) -> Mapping:
    """Choose the column of each field among ``columns`` (the file's column names)."""
    present = list(dict.fromkeys(columns))
    by_canon: dict[str, str] = {}
    for name in present:
        by_canon.setdefault(canonical(name), name)
    chosen: dict[str, str | None] = {}
    for field in FIELDS:
        if field in overrides:
            wanted = overrides[field]
            if wanted is None:
                chosen[field] = None
            elif wanted in present:
                chosen[field] = wanted
            else:
                chosen[field] = by_canon.get(canonical(wanted), wanted)
            continue
        chosen[field] = next((by_canon[canonical(c)] for c in DEFAULT_COLUMNS[field]
                              if canonical(c) in by_canon), None)
    # a column claimed by --map is not also taken by a default of another field
    claimed = {v for f, v in chosen.items() if f in overrides and v}
    for field in FIELDS:
        if field not in overrides and chosen[field] in claimed:
            chosen[field] = None
    used = {v for v in chosen.values() if v}
    return Mapping(chosen, tuple(c for c in present if c not in used))


def one_line(value: Any) -> str:
    """A title, source, author or url value as one line of text ("" when empty); control
    characters (scraping debris such as U+001A) become spaces."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "، ".join(t for t in (one_line(v) for v in value) if t)
    if isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return " ".join(_CONTROL.sub(" ", str(value)).split())


def as_list(value: Any) -> list[str]:
    """places/actors/tags: a JSON list, or text split at , ; | ، ؛ — empty items dropped,
    repeats removed."""
    if value is None:
        return []
    items = value if isinstance(value, list) else _LIST_SPLIT.split(one_line(value))
    out: list[str] = []
    for item in items:
        text = one_line(item)
        if text and text not in out:
            out.append(text)
    return out


def body_text(value: Any) -> str:
    """The article text: LF line endings, no blank lines before or after, no trailing spaces
    at the very end; every other character kept as the dump has it."""
    if value is None:
        return ""
    if isinstance(value, list):  # paragraphs
        value = "\n\n".join(body_text(v) for v in value if v is not None)
    if isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines).rstrip()
