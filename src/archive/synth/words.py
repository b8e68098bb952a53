"""The Arabic word list that synthetic articles draw from.

The list is the word-frequency table of ``arramooz-pysqlite`` (about 30,000 distinct
undiacritised lemmas with their counts in a large news corpus). Words are ranked by that count,
and the generator draws ranks from a Zipf distribution, so common words repeat the way they do in
real news while rare words keep appearing as the archive grows.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from archive.errors import ArchiveError, Problem

#: An Arabic word made only of Arabic letters (no digits, no Latin, no diacritics).
ARABIC_WORD = re.compile("^[\u0621-\u063a\u0641-\u064a]{2,}$")

#: Word types of the list, grouped into the classes the generator inflects differently.
VERB_TYPES = frozenset({"verb"})
NOUN_TYPES = frozenset({"noun", "adj", "adj_comp", "adj_num", "noun_quant"})

INSTALL_HINT = (
    "install the word list with `pip install arramooz-pysqlite==0.4.2` "
    "(it is in the project's `test` extra: `pip install -e '.[test]'`)"
)


@dataclass(frozen=True, slots=True)
class WordList:
    """Words ranked from the most to the least frequent, with a coarse class for each.

    ``kinds[i]`` is ``"verb"``, ``"noun"`` (nouns and adjectives, which take the article) or
    ``"other"`` (particles, pronouns, proper nouns: used as they are).
    """

    words: tuple[str, ...]
    kinds: tuple[str, ...]
    source: str

    def __len__(self) -> int:
        return len(self.words)


def _database() -> Path:
    try:
        data = resources.files("arramooz") / "data" / "wordfreq.sqlite"
    except ModuleNotFoundError as exc:
        raise ArchiveError([Problem(
            path="arramooz/data/wordfreq.sqlite",
            message="the Arabic word list for synthetic articles is not installed",
            hint=INSTALL_HINT,
        )]) from exc
    path = Path(str(data))
    if not path.is_file():
        raise ArchiveError([Problem(
            path=str(path),
            message="the arramooz package is installed but its word-frequency table is missing",
            hint=INSTALL_HINT,
        )])
    return path


def load_word_list(path: Path | None = None) -> WordList:
    """Read and rank the word list; deterministic (ties broken by the word itself)."""
    db = path or _database()
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT unvocalized, word_type, freq FROM wordfreq"
        ).fetchall()
    finally:
        connection.close()
    best: dict[str, tuple[int, str]] = {}
    for word, word_type, freq in rows:
        word = (word or "").strip()
        if not ARABIC_WORD.match(word):
            continue
        freq = int(freq or 0)
        if word not in best or freq > best[word][0]:
            best[word] = (freq, str(word_type or ""))
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))
    kinds = tuple(
        "verb" if t in VERB_TYPES else "noun" if t in NOUN_TYPES else "other"
        for _, (_, t) in ranked
    )
    return WordList(words=tuple(w for w, _ in ranked), kinds=kinds,
                    source=f"arramooz-pysqlite wordfreq ({len(ranked)} words)")
