"""Keyword in context: every occurrence of a term across the archive, aligned for reading.

``TERM`` is one query word (matched by its root, or by its light stem or normalized form with
``mode``), a quoted phrase, a gazetteer name or ``جذر:…``/``root:…``. Occurrences come from the
index postings (positions and character offsets into the stored text), ordered by article id and
then by position.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from archive.analysis import Analyzer
from archive.analysis.morphology import ALT_MARK
from archive.search.engine import IndexView, phrase_occurrences
from archive.search.export import article_url, csv_text, json_text, write_text
from archive.search.query import (
    EXACT,
    LEVEL_FIELD,
    ROOT,
    STEM,
    Entity,
    Node,
    Phrase,
    QueryError,
    Root,
    Term,
    parse,
)

MODE_LEVEL = {"exact": EXACT, "stem": STEM, "root": ROOT}


@dataclass(frozen=True, slots=True)
class Line:
    id: str
    position: int  # word index in the article
    left: str
    keyword: str
    right: str
    date: str | None = None
    title: str = ""

    @property
    def url(self) -> str:
        """The article page relative to the site root, the keyword highlighted."""
        return article_url(self.id, [self.keyword])

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "date": self.date, "title": self.title, "left": self.left,
                "keyword": self.keyword, "right": self.right, "position": self.position,
                "url": self.url}


def _occurrences(view: IndexView, node: Node, level: int) -> dict[int, list[tuple[int, int, int]]]:
    if isinstance(node, Term):
        return view.postings(LEVEL_FIELD[level], node.word.at(level))
    if isinstance(node, Root):
        found = {d: list(ps) for d, ps in view.postings(LEVEL_FIELD[ROOT], node.root).items()}
        for d, ps in view.postings(LEVEL_FIELD[ROOT], ALT_MARK + node.root).items():
            found[d] = sorted(found.get(d, []) + list(ps))
        return found
    if isinstance(node, Entity):
        return view.postings("entity", node.key)
    if isinstance(node, Phrase):
        return phrase_occurrences(view, LEVEL_FIELD[level], [w.at(level) for w in node.words])
    raise QueryError(
        "kwic takes one word, a quoted phrase, a gazetteer name or root:…",
        "يقبل kwic كلمة واحدة أو عبارة بين علامتي تنصيص أو اسمًا من المعجم أو جذر:…",
    )


def _flat(text: str) -> str:
    return " ".join(text.split())


def concordance(view: IndexView, term: str, *, mode: str = "root", width: int = 40,
                analyzer: Analyzer | None = None) -> list[Line]:
    """Every occurrence of ``term`` (see module docstring)."""
    node = parse(term, analyzer)
    level = MODE_LEVEL[mode]
    lines: list[Line] = []
    for doc, occs in _occurrences(view, node, level).items():
        st = view.stored(doc)
        text = st["text"]
        for pos, s, e in occs:
            left = _flat(text[max(0, s - width * 2):s])
            right = _flat(text[e:e + width * 2])
            lines.append(Line(st["id"], pos, _cut_left(left, width), _flat(text[s:e]),
                              _cut_right(right, width), st.get("date"), st.get("title") or ""))
    lines.sort(key=lambda ln: (ln.id, ln.position))
    return lines


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: combining marks and format characters take none."""
    return sum(0 if unicodedata.category(ch) in ("Mn", "Me", "Cf") else 1 for ch in text)


def _cut_left(text: str, width: int) -> str:
    """The last ``width`` columns of ``text``, starting at a word."""
    if display_width(text) <= width:
        return text
    words = text.split(" ")
    out: list[str] = []
    while words and display_width(" ".join([words[-1], *out])) <= width:
        out.insert(0, words.pop())
    return " ".join(out)


def _cut_right(text: str, width: int) -> str:
    if display_width(text) <= width:
        return text
    words = text.split(" ")
    out: list[str] = []
    while words and display_width(" ".join([*out, words[0]])) <= width:
        out.append(words.pop(0))
    return " ".join(out)


def format_lines(lines: list[Line], width: int = 40) -> list[str]:
    """Aligned text lines: id, position, left context right-aligned, keyword, right context.

    The keyword column lines up, so the contexts read right to left around it."""
    if not lines:
        return []
    wid = max(len(ln.id) for ln in lines)
    wpos = max(len(str(ln.position)) for ln in lines)
    wkey = max(display_width(ln.keyword) for ln in lines)
    out = []
    for ln in lines:
        pad_left = " " * (width - display_width(ln.left))
        pad_key = " " * (wkey - display_width(ln.keyword))
        out.append(f"{ln.id:<{wid}}  {ln.position:>{wpos}}  {pad_left}{ln.left}  "
                   f"{ln.keyword}{pad_key}  {ln.right}".rstrip())
    return out


CSV_HEADER = ("id", "date", "title", "left", "keyword", "right", "position", "url")


def lines_csv(lines: list[Line]) -> str:
    """The concordance as CSV (UTF-8 with BOM, CRLF): ``id,date,title,left,keyword,right,
    position,url``."""
    return csv_text(CSV_HEADER, ((ln.id, ln.date, ln.title, ln.left, ln.keyword, ln.right,
                                  ln.position, ln.url) for ln in lines))


def lines_json(term: str, mode: str, lines: list[Line]) -> str:
    return json_text({"query": term, "mode": mode, "total": len(lines),
                      "lines": [ln.to_json() for ln in lines]})


def write_csv(lines: list[Line], path: Path) -> None:
    """CSV with a UTF-8 byte-order mark so spreadsheet programs read the Arabic correctly."""
    write_text(path, lines_csv(lines))
