"""Data tables of the morphology, built once from tashaphyne/pyarabic and exported as JSON.

:func:`build_tables` reads the installed tashaphyne 0.3.6 data (prefix and suffix lists, infix
letters, verb and noun affix pairs, verb stamps, roots, stop words) plus this project's own
data in ``archive/analysis/data/`` (root patterns and root corrections), and returns one plain
dict of lists, strings and string-to-string dicts. Every list is sorted, so the dict — and the
JSON written by :func:`export_tables` — is the same bytes under any ``PYTHONHASHSEED``.

The JavaScript port reads the exported JSON and mirrors :mod:`archive.analysis.morphology`
function by function. Python code must treat the returned dict as read-only.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

TABLES_VERSION = 1

#: Files in ``archive/analysis/data/`` (tab-separated, ``#`` comments, UTF-8).
CORRECTIONS_FILE = "root_corrections.tsv"
PATTERNS_FILE = "root_patterns.tsv"
ROOTS_FILE = "roots_extra.tsv"

#: The winning root's summed pattern weight must reach this for the root to be used; below
#: it the word keeps its stem as root key (foreign words, names).
MIN_SCORE = 1


def _strip_tashkeel(text: str) -> str:
    from pyarabic import araby

    return str(araby.strip_tashkeel(text))


def _read_tsv(name: str) -> list[list[str]]:
    """Rows of a data file; blank lines and ``#`` comments skipped."""
    rows: list[list[str]] = []
    text = resources.files("archive.analysis").joinpath("data", name).read_text("utf-8")
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) < 2 and name != ROOTS_FILE:
            raise ValueError(
                f"archive/analysis/data/{name}, line {number}: expected at least two "
                f"tab-separated fields, got {line!r}; fix the line or delete it"
            )
        rows.append(fields)
    return rows


def _tashaphyne_tables() -> dict[str, Any]:
    from tashaphyne import affix_const, arabicstopwords, roots_const, stem_const, verb_stamp_const

    stop_words: dict[str, str] = {}
    for word in sorted(arabicstopwords.STOPWORDS):
        stop_words[word] = _strip_tashkeel(arabicstopwords.STOPWORDS[word].get("stem", ""))
    return {
        "prefixes": sorted(set(stem_const.DEFAULT_PREFIX_LIST)),
        "suffixes": sorted(set(stem_const.DEFAULT_SUFFIX_LIST)),
        "infix_letters": stem_const.DEFAULT_INFIX_LETTERS,
        "joker": stem_const.DEFAULT_JOKER,
        "verb_affixes": sorted(affix_const.VERB_AFFIX_LIST),
        "noun_affixes": sorted(affix_const.NOUN_AFFIX_LIST),
        "verb_stamps": sorted(verb_stamp_const.VERB_LIST),
        "roots": sorted(roots_const.ROOTS),
        "stop_words": stop_words,
    }


def _corrections() -> dict[str, str]:
    out: dict[str, str] = {}
    for fields in _read_tsv(CORRECTIONS_FILE):
        out[fields[0]] = fields[1]
    return dict(sorted(out.items()))


def _patterns() -> dict[str, list[list[Any]]]:
    """Stem pattern -> ``[[root pattern, weight], ...]`` sorted by root pattern."""
    out: dict[str, list[list[Any]]] = {}
    for fields in _read_tsv(PATTERNS_FILE):
        out.setdefault(fields[0], []).append([fields[1], int(fields[2])])
    for readings in out.values():
        readings.sort(key=lambda r: r[0])
    return dict(sorted(out.items()))


def _extra_roots() -> list[str]:
    return [fields[0] for fields in _read_tsv(ROOTS_FILE)]


@lru_cache(maxsize=1)
def build_tables() -> dict[str, Any]:
    """All morphology data as one JSON-ready dict (cached; do not mutate it)."""
    import tashaphyne

    from archive.analysis.normalize import export_table as normalize_table
    from archive.analysis.tokenize import export_table as tokenize_table

    tables = _tashaphyne_tables()
    tables["version"] = TABLES_VERSION
    tables["source"] = f"tashaphyne {getattr(tashaphyne, '__version__', '0.3.6')}"
    tables["corrections"] = _corrections()
    tables["patterns"] = _patterns()
    tables["min_score"] = MIN_SCORE
    tables["extra_roots"] = sorted(set(_extra_roots()) - set(tables["roots"]))
    tables["normalize"] = normalize_table()
    tables["tokenize"] = tokenize_table()
    return tables


def tables_json(tables: dict[str, Any] | None = None) -> str:
    """The exported JSON text (sorted keys, UTF-8 characters kept, compact)."""
    data = build_tables() if tables is None else tables
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def export_tables(path: str | Path) -> Path:
    """Write :func:`build_tables` as JSON to ``path`` (parents created) and return the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(tables_json() + "\n", encoding="utf-8")
    return target
