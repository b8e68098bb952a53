"""The word table: the analysis of every distinct word form, computed once and kept.

Articles repeat words; the morphology is the costly part of analysis. So a build first collects
the distinct forms of all articles (tokenizing is cheap), analyses only the forms it has not
seen — split across the cores — and keeps ``build/word-analysis.json`` for the next build. The
table is valid only for the analysis code and data that made it: its fingerprint covers every
file of ``archive/analysis``; any change there starts a fresh table.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path

from archive import files
from archive.analysis.analyzer import analyze_word_uncached
from archive.analysis.tokenize import token_pattern

FILE_NAME = "word-analysis.json"
FORMAT = 1
#: Below this many new forms, analysis stays in this process (pool start-up costs more).
PARALLEL_MIN_FORMS = 4000
CHUNK = 2000

Analysis = tuple[str, str, str]


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """Hash of every file of the analysis package (code and data tables)."""
    return files.fingerprint(f"word table {FORMAT}", ["analysis"])


def distinct_forms(texts: Iterable[str]) -> set[str]:
    """Every distinct token form in ``texts``."""
    pattern = token_pattern()
    forms: set[str] = set()
    for text in texts:
        forms.update(pattern.findall(text))
    return forms


def load(build: Path) -> dict[str, Analysis]:
    """The kept table, or an empty one when missing, unreadable or made by other code."""
    try:
        data = json.loads((build / FILE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("fingerprint") != fingerprint():
        return {}
    return {w[0]: (w[1], w[2], w[3]) for w in data.get("words", []) if len(w) == 4}


def save(build: Path, table: dict[str, Analysis]) -> None:
    """Write the table atomically (a reader never sees half a file)."""
    words = [[form, *table[form]] for form in sorted(table)]
    text = json.dumps({"fingerprint": fingerprint(), "words": words}, ensure_ascii=False,
                      separators=(",", ":"))
    files.write_atomic(build / FILE_NAME, text)


def _analyze_chunk(forms: list[str]) -> list[Analysis]:
    return [analyze_word_uncached(f) for f in forms]


def analyze_forms(forms: list[str], workers: int = 1) -> dict[str, Analysis]:
    """Analyses of ``forms``, on ``workers`` processes when there are many."""
    if workers <= 1 or len(forms) < PARALLEL_MIN_FORMS:
        return {f: analyze_word_uncached(f) for f in forms}
    analyze_word_uncached("كتب")  # load the data tables once, before the workers fork
    chunks = [forms[i : i + CHUNK] for i in range(0, len(forms), CHUNK)]
    out: dict[str, Analysis] = {}
    with ProcessPoolExecutor(workers) as pool:
        for chunk, results in zip(chunks, pool.map(_analyze_chunk, chunks), strict=True):
            out.update(zip(chunk, results, strict=True))
    return out
