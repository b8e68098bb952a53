"""Spreadsheet-friendly exports shared by ``archive search``, ``kwic`` and ``trend``.

The formats are shared with the browser's export buttons (issue 16):

- CSV: UTF-8 with a byte-order mark, CRLF line ends, RFC 4180 quoting (a field is quoted
  when it holds a comma, a quote or a line break; quotes inside are doubled).
- File names: ``<kind>-<query slug>-<YYYY-MM-DD>.csv|json``; :func:`query_slug` keeps Arabic
  letters and digits and turns every other run of characters into one ``-``.
- Links to an article: its page relative to the site root with the words to highlight,
  ``articles/<id>/?h=form1%2Cform2`` (the parameter encoded as the browser's URLSearchParams
  writes it).
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

BOM = "\ufeff"
KINDS = ("results", "kwic", "trend")

#: Arabic letters (hamza to yeh, without tatweel) and digits (ASCII and Arabic-Indic).
_KEEP = re.compile(r"[^\u0621-\u063A\u0641-\u064A0-9\u0660-\u0669]+")


def query_slug(query: str) -> str:
    """The query as a file-name part: Arabic letters and digits kept, diacritics dropped,
    every other run of characters one ``-``, no ``-`` at either end (``query`` if empty)."""
    text = "".join(ch for ch in unicodedata.normalize("NFC", query)
                   if unicodedata.category(ch) != "Mn")
    slug = _KEEP.sub("-", text).strip("-")
    return slug or "query"


def default_name(kind: str, query: str, fmt: str, today: date | None = None) -> str:
    """``<kind>-<query slug>-<YYYY-MM-DD>.<fmt>`` (today's date unless given)."""
    if kind not in KINDS:
        raise ValueError(f"unknown export kind {kind!r}")
    day = (today or date.today()).isoformat()
    return f"{kind}-{query_slug(query)}-{day}.{fmt}"


def article_url(article_id: str, highlight: Sequence[str] = ()) -> str:
    """The article's page relative to the site root, with ``?h=`` when forms are given."""
    url = f"articles/{quote(article_id, safe='')}/"
    forms = [f for f in dict.fromkeys(highlight) if f]
    if forms:
        url += "?" + urlencode({"h": ",".join(forms)})
    return url


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """The CSV document (BOM, CRLF, RFC 4180 quoting) as a string."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    for row in rows:
        w.writerow(["" if v is None else v for v in row])
    return BOM + buf.getvalue()


def number_text(value: float) -> str:
    """A number as the CSV files write it: up to 6 decimals, no exponent, no trailing zeros
    (``0.5``, ``3``, ``0.333333``), as JavaScript's ``String()`` writes a rounded number."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


RESULTS_HEADER = ("rank", "id", "date", "title", "source", "score", "url")


def results_csv(result: Any) -> str:
    """The search results (an :class:`archive.search.engine.SearchResult`) as CSV: one row per
    result shown, best first; ``url`` highlights the forms that matched."""
    return csv_text(RESULTS_HEADER, (
        (rank, r.id, r.date, r.title, r.source, number_text(r.score),
         article_url(r.id, r.matched))
        for rank, r in enumerate(result.results, 1)))


def json_text(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def write_text(path: Path, content: str) -> None:
    """Write exactly ``content`` (no newline translation) as UTF-8."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(content)
