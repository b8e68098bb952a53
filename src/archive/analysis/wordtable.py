"""The word table: the analysis of every distinct word form, computed once and kept.

Articles repeat words; the morphology is the costly part of analysis. So a build first collects
the distinct forms of all articles (tokenizing is cheap), analyses only the forms it has not
seen — split across the cores — and keeps ``build/word-analysis.json`` for the next build. The
table is valid only for the analysis code and data that made it: its fingerprint covers every
file of ``archive/analysis``; any change there starts a fresh table.

Beside each form's analysis, the table keeps the *alternative root* of the forms that may have
one (:func:`~archive.analysis.analyzer.alternative_root`: a name that is also a common word),
the non-empty ones under ``"alts"``: computed with the form, once per archive, not again by
every build and every worker.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path

from archive import files
from archive.analysis.analyzer import alternative_root, analyze_word_uncached, may_have_alt
from archive.analysis.tokenize import token_forms

FILE_NAME = "word-analysis.json"
FORMAT = 2
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
    forms: set[str] = set()
    for text in texts:
        forms.update(token_forms(text))
    return forms


def load(build: Path) -> dict[str, Analysis]:
    """The kept table, or an empty one when missing, unreadable or made by other code."""
    return load_all(build)[0]


def load_all(build: Path) -> tuple[dict[str, Analysis], dict[str, str]]:
    """The kept table and the alternative root (or "") of each of its forms that may have one
    (:func:`~archive.analysis.analyzer.may_have_alt`)."""
    try:
        data = json.loads((build / FILE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}, {}
    if not isinstance(data, dict) or data.get("fingerprint") != fingerprint():
        return {}, {}
    table = {w[0]: (w[1], w[2], w[3]) for w in data.get("words", []) if len(w) == 4}
    if "alts" not in data:  # (written without them: the analyzer works them out)
        return table, {}
    stored = {a[0]: a[1] for a in data["alts"] if len(a) == 2}
    get = stored.get
    return table, {form: get(form, "") for form, (_, stem, root) in table.items()
                   if may_have_alt(stem, root)}


def save(build: Path, table: dict[str, Analysis], alts: dict[str, str] | None = None) -> None:
    """Write the table atomically (a reader never sees half a file), with the non-empty
    alternative roots of ``alts`` (None: none known, a reader works them out)."""
    words = [[form, *table[form]] for form in sorted(table)]
    data: dict[str, object] = {"fingerprint": fingerprint(), "words": words}
    if alts is not None:
        data["alts"] = [[form, alts[form]] for form in sorted(alts) if alts[form]]
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    files.write_atomic(build / FILE_NAME, text)


def _analyze(form: str) -> tuple[Analysis, str | None]:
    analysis = analyze_word_uncached(form)
    return analysis, (alternative_root(form) if may_have_alt(analysis[1], analysis[2])
                      else None)


def _analyze_chunk(forms: list[str]) -> list[tuple[Analysis, str | None]]:
    return [_analyze(f) for f in forms]


def analyze_forms(
    forms: list[str], workers: int = 1,
    share: Callable[[dict[str, Analysis]], dict[str, Analysis]] | None = None,
) -> tuple[dict[str, Analysis], dict[str, str]]:
    """Analyses of ``forms``, and the alternative root (or "") of those that may have one, on
    ``workers`` processes when there are many. ``share``: applied to each chunk's analyses as
    it comes back (while the workers analyse the next ones), its result kept instead."""
    table: dict[str, Analysis] = {}
    alts: dict[str, str] = {}

    def keep(chunk: list[str], results: list[tuple[Analysis, str | None]]) -> None:
        part = {form: analysis for form, (analysis, _) in zip(chunk, results, strict=True)}
        table.update(share(part) if share is not None else part)
        alts.update((form, alt) for form, (_, alt) in zip(chunk, results, strict=True)
                    if alt is not None)

    if workers <= 1 or len(forms) < PARALLEL_MIN_FORMS:
        keep(forms, _analyze_chunk(forms))
        return table, alts
    analyze_word_uncached("كتب")  # load the data tables once, before the workers fork
    chunks = [forms[i : i + CHUNK] for i in range(0, len(forms), CHUNK)]
    with ProcessPoolExecutor(workers) as pool:
        for chunk, results in zip(chunks, pool.map(_analyze_chunk, chunks), strict=True):
            keep(chunk, results)
    return table, alts
