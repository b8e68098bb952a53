"""A term over time: matching articles per month, normalised by the articles of that month.

Definition (shared with the browser's chart, issue 16): for every month ``YYYY-MM`` from the
archive's first to its last dated month, ``matching`` is the number of distinct articles that
match the query (with the same filters as ``archive search``) dated in that month,
``articles`` the number of articles of the archive dated in that month, and ``share`` =
matching / articles rounded to 6 decimals (0 when the month has no article). Months with no
article are listed too. Articles dated by year only and undated articles are in no month:
they are counted apart as ``unplaced``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from archive.search.engine import Filters, IndexView, evaluate
from archive.search.export import csv_text, json_text, number_text
from archive.search.query import Node

CSV_HEADER = ("month", "matching", "articles", "share")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})(?:-|$)")


@dataclass(frozen=True, slots=True)
class Month:
    month: str  # YYYY-MM
    matching: int
    articles: int

    @property
    def share(self) -> float:
        return round(self.matching / self.articles, 6) if self.articles else 0.0

    def to_json(self) -> dict[str, Any]:
        return {"month": self.month, "matching": self.matching, "articles": self.articles,
                "share": self.share}


@dataclass(frozen=True, slots=True)
class Trend:
    query: str
    mode: str
    months: list[Month]
    unplaced_matching: int
    unplaced_articles: int

    def to_json(self) -> dict[str, Any]:
        return {"query": self.query, "mode": self.mode,
                "months": [m.to_json() for m in self.months],
                "unplaced": {"matching": self.unplaced_matching,
                             "articles": self.unplaced_articles}}

    def json(self) -> str:
        return json_text(self.to_json())

    def csv(self) -> str:
        return csv_text(CSV_HEADER, ((m.month, m.matching, m.articles, number_text(m.share))
                                     for m in self.months))


def month_of(date: str | None) -> str | None:
    """``YYYY-MM`` of a ``YYYY-MM`` or ``YYYY-MM-DD`` date, else None (year only, year-less
    such as ``--07-04``, undated); trend.js monthOf is the same rule."""
    found = _MONTH.match(date or "")
    if found is None or not "01" <= found[2] <= "12":
        return None
    return f"{found[1]}-{found[2]}"


def month_range(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` (``YYYY-MM``), both included."""
    y, m = int(first[:4]), int(first[5:7])
    ly, lm = int(last[:4]), int(last[5:7])
    out = []
    while (y, m) <= (ly, lm):
        out.append(f"{y:04d}-{m:02d}")
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return out


def trend(view: IndexView, query: str, node: Node, *, mode: str = "root",
          filters: Filters | None = None) -> Trend:
    """The monthly series of ``node`` (parsed ``query``) over the archive in ``view``."""
    per_month: dict[str, int] = {}
    month_of_doc: dict[int, str | None] = {}
    unplaced_articles = 0
    for doc in view.docnums:
        month = month_of(view.meta(doc).get("date"))
        month_of_doc[doc] = month
        if month is None:
            unplaced_articles += 1
        else:
            per_month[month] = per_month.get(month, 0) + 1
    matching: dict[str, int] = {}
    unplaced_matching = 0
    for doc in evaluate(view, node, mode):
        if doc not in month_of_doc:
            continue
        if filters is not None and not filters.keep(view.meta(doc)):
            continue
        month = month_of_doc[doc]
        if month is None:
            unplaced_matching += 1
        else:
            matching[month] = matching.get(month, 0) + 1
    months = []
    if per_month:
        for month in month_range(min(per_month), max(per_month)):
            months.append(Month(month, matching.get(month, 0), per_month.get(month, 0)))
    return Trend(query, mode, months, unplaced_matching, unplaced_articles)
