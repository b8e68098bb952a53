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
from bisect import bisect_right
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache, partial
from multiprocessing import get_context
from pathlib import Path
from typing import Any, BinaryIO

from archive import files
from archive.analysis.analyzer import alternative_root, analyze_word_uncached, may_have_alt
from archive.analysis.tokenize import token_forms
from archive.collector import paused as paused_gc

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
    kept = read(build)
    return kept.whole() if kept is not None else ({}, {})


class Kept:
    """The kept table as read from its file: its rows ``[form, normalized, stem, root]`` and
    its alternative roots ``[form, root]`` (None: written without them), both in form order
    as :func:`save` writes them. Making the whole table (:meth:`whole`) takes longer than
    reading the file; a few forms' analyses (:meth:`subset`) are looked up in the rows."""

    def __init__(self, words: list[list[str]], alts: list[list[str]] | None) -> None:
        self.words = words
        self.alts = alts

    def __len__(self) -> int:
        return len(self.words)

    def whole(self) -> tuple[dict[str, Analysis], dict[str, str]]:
        """The table and the alternative roots, as :func:`load_all` returns them."""
        table = {w[0]: (w[1], w[2], w[3]) for w in self.words if len(w) == 4}
        if self.alts is None:  # (written without them: the analyzer works them out)
            return table, {}
        stored = {a[0]: a[1] for a in self.alts if len(a) == 2}
        get = stored.get
        return table, {form: get(form, "") for form, (_, stem, root) in table.items()
                       if may_have_alt(stem, root)}

    def subset(self, forms: Iterable[str]) -> tuple[dict[str, Analysis], dict[str, str]]:
        """:meth:`whole` restricted to ``forms`` (those the table holds), found by bisection
        in the rows: the same entries, without making the other forms' (of a few articles,
        a few hundred forms of the table's 184,000 at 9,504 articles)."""
        table: dict[str, Analysis] = {}
        alts: dict[str, str] = {}
        words, stored = self.words, self.alts
        for form in sorted(forms):
            row = _row(words, form, 4)
            if row is None:
                continue
            table[form] = analysis = (row[1], row[2], row[3])
            if stored is not None and may_have_alt(analysis[1], analysis[2]):
                alt = _row(stored, form, 2)
                alts[form] = alt[1] if alt is not None else ""
        return table, alts


def _row(rows: list[list[str]], form: str, width: int) -> list[str] | None:
    """The row of ``form`` in ``rows`` (sorted by their first field), or None. Rows of
    another width are not the form's (as :meth:`Kept.whole` skips them); of several rows of
    one form, the last (the one a dict made of the rows keeps)."""
    at = bisect_right(rows, form, key=_first) - 1
    while at >= 0 and rows[at][0] == form:
        if len(rows[at]) == width:
            return rows[at]
        at -= 1
    return None


def _first(row: list[str]) -> str:
    return row[0] if row else ""


def read(build: Path) -> Kept | None:
    """The kept table's rows, or None when missing, unreadable or made by other code."""
    # (the collector paused: its rows are 313,044 lists at 29,904 articles, none of them
    # garbage; its passes over them and over what the process holds took two thirds of the time)
    try:
        with paused_gc():
            data = json.loads((build / FILE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("fingerprint") != fingerprint():
        return None
    words, alts = data.get("words", []), data.get("alts")
    if not isinstance(words, list) or not (alts is None or isinstance(alts, list)):
        return None
    return Kept(words, alts)


def save(build: Path, table: dict[str, Analysis], alts: dict[str, str] | None = None) -> None:
    """Write the table atomically (a reader never sees half a file), with the non-empty
    alternative roots of ``alts`` (None: none known, a reader works them out).

    Written a few thousand rows at a time, the same text as ``json.dumps`` of the whole
    (``{"fingerprint": …, "words": [[form, normalized, stem, root], …], "alts": [[form,
    root], …]}``, forms sorted): neither the rows nor the text of every form are held at
    once (~100 MB at 29,904 articles, in the worker that writes it: see
    :func:`archive.pipeline._save_on`)."""
    with Streamed(build, table) as out:  # (no new forms: every row is a kept one)
        out.finish(alts)


#: Rows of the word table encoded and written together by :func:`_write_rows`.
SAVE_ROWS = 4096


class Streamed:
    """The table written as the analyses of its new forms come in (:func:`analyze_forms`'s
    ``on_chunk``, in form order), while the workers analyse the next chunks: the same file as
    :func:`save` of the whole table, but the parent process no longer writes it alone after
    the analysis, between the pools of workers (the serial part of a 2-worker analysis: 0.12
    CPU s at 987 articles; issue 12's speed-up, bench/report-start18.md).

    ``table``: the kept table (its forms in none of the chunks). Rows are written up to the
    last form of each chunk, the kept forms merged in order; :meth:`finish` writes the rest
    and the alternative roots. Use as a context manager: the file replaces the old one only
    when the block ends without an error after :meth:`finish`."""

    def __init__(self, build: Path, table: dict[str, Analysis]) -> None:
        self.build = build
        self.table = table
        self.kept = sorted(table)
        self.at = 0  # next kept form to write
        self.first = True
        self.finished = False
        self._file: Any = None
        self._out: BinaryIO | None = None

    def __enter__(self) -> Streamed:
        self._file = files.atomic_file(self.build / FILE_NAME)
        self._out = self._file.__enter__()
        self._put('{"fingerprint":' + _dumps(fingerprint()) + ',"words":[')
        return self

    def __exit__(self, *exc: object) -> None:
        unfinished = None
        if exc[0] is None and not self.finished:  # a half-written table: not kept
            unfinished = RuntimeError("word table: Streamed left unfinished")
            exc = (RuntimeError, unfinished, None)
        self._file.__exit__(*exc)
        self._out = self._file = None
        if unfinished is not None:
            raise unfinished

    def _put(self, text: str) -> None:
        assert self._out is not None
        self._out.write(text.encode("utf-8"))

    def _write(self, rows: list[list[str]]) -> None:
        if rows:
            self._put(("" if self.first else ",") + _dumps(rows)[1:-1])
            self.first = False

    def add(self, forms: list[str], part: dict[str, Analysis], text: bytes | None = None,
            ) -> None:
        """Write the rows of ``forms`` (sorted, after those of the previous call) with their
        analyses ``part``, and of the kept forms before the last of them. ``text``: the
        rows of ``forms`` as :func:`rows_text` encodes them (made by the worker that analysed
        them), written as they are when no kept form falls among them."""
        kept, table, at = self.kept, self.table, self.at
        if text is not None and forms and (at == len(kept) or kept[at] > forms[-1]):
            assert self._out is not None
            self._out.write(text if self.first else b"," + text)
            self.first = False
            return
        rows: list[list[str]] = []
        for form in forms:
            while at < len(kept) and kept[at] < form:
                rows.append([kept[at], *table[kept[at]]])
                at += 1
            rows.append([form, *part[form]])
            if len(rows) >= SAVE_ROWS:
                self._write(rows)
                rows = []
        self.at = at
        self._write(rows)

    def finish(self, alts: dict[str, str] | None) -> None:
        """The kept forms after the last chunk, then the alternative roots (as :func:`save`)."""
        assert self._out is not None
        kept, table = self.kept, self.table
        for i in range(self.at, len(kept), SAVE_ROWS):
            self._write([[form, *table[form]] for form in kept[i:i + SAVE_ROWS]])
        self.at = len(kept)
        self._put("]")
        if alts is not None:
            self._put(',"alts":')
            _write_rows(self._put, ([form, alts[form]] for form in sorted(alts) if alts[form]))
        self._put("}")
        self.finished = True


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _write_rows(put: Callable[[str], object], rows: Iterable[list[str]]) -> None:
    """``put`` ← the JSON list of ``rows`` (as :func:`_dumps` of the list would write it),
    encoded :data:`SAVE_ROWS` rows at a time."""
    put("[")
    chunk: list[list[str]] = []
    first = True
    for row in rows:
        chunk.append(row)
        if len(chunk) >= SAVE_ROWS:
            put(("" if first else ",") + _dumps(chunk)[1:-1])
            chunk.clear()
            first = False
    put(("" if first or not chunk else ",") + _dumps(chunk)[1:-1] + "]")


def rows_text(forms: list[str], normalized: list[str], stems: list[str],
              roots: list[str]) -> bytes:
    """The table's rows ``[form, normalized, stem, root]`` of ``forms`` as the table file
    writes them (:class:`Streamed`), without the brackets around the list, UTF-8."""
    rows = list(zip(forms, normalized, stems, roots, strict=True))  # (tuples: JSON lists)
    return _dumps(rows)[1:-1].encode("utf-8")


#: The analyses of a chunk of forms, in columns (a worker's answer: cheaper to send, and to
#: intern here column by column, than a tuple per form): normalized forms, stems, roots; the
#: alternative root (or "") of each form that may have one, by its place in the chunk; and
#: the chunk's rows as the table file writes them (:func:`rows_text`; None: not asked for).
Columns = tuple[list[str], list[str], list[str], list[tuple[int, str]], bytes | None]


def _analyzed(forms: list[str], rows: bool = False) -> Columns:
    normalized: list[str] = []
    stems: list[str] = []
    roots: list[str] = []
    alts: list[tuple[int, str]] = []
    for i, form in enumerate(forms):
        norm, stem, root = analyze_word_uncached(form)
        normalized.append(norm)
        stems.append(stem)
        roots.append(root)
        if may_have_alt(stem, root):
            alts.append((i, alternative_root(form)))
    return (normalized, stems, roots, alts,
            rows_text(forms, normalized, stems, roots) if rows else None)


#: The forms a forked pool of :func:`analyze_forms` analyses (set while it runs): its workers
#: read their chunks here, rather than each chunk being pickled and sent to them.
_FORMS: list[str] | None = None


def _analyze_chunk(span: tuple[int, int], rows: bool = False) -> Columns:
    """A worker's task: the analyses of the forms ``_FORMS[start:end]``, each column with one
    object per distinct string of the chunk (its forms are sorted: neighbours share stems and
    roots), which pickle then sends once: fewer strings to decode where the chunks are
    merged."""
    assert _FORMS is not None
    normalized, stems, roots, alts, text = _analyzed(_FORMS[span[0]:span[1]], rows)
    one: Callable[[str, str], str] = {}.setdefault
    return ([*map(one, normalized, normalized)], [*map(one, stems, stems)],
            [*map(one, roots, roots)], alts, text)


def batches(n: int, size: int, workers: int) -> list[tuple[int, int]]:
    """Batches ``[start, end)`` of ``n`` items, in order, for ``workers`` processes: of
    ``size`` items, but the last ``2 * workers`` batches' worth cut four times smaller, so
    that the workers finish together (the last batch of a stage leaves one core idle while it
    runs). The new forms' chunks here, the articles' batches in ``archive.pipeline``."""
    small = max(1, size // 4)
    tail = min(n, 2 * workers * size)
    head = n - tail
    return ([(i, min(i + size, head)) for i in range(0, head, size)]
            + [(i, min(i + small, n)) for i in range(head, n, small)])


def analyze_forms(
    forms: list[str], workers: int = 1,
    share: Callable[[list[str], list[str], list[str], list[str]],
                    dict[str, Analysis]] | None = None,
    on_chunk: Callable[[list[str], dict[str, Analysis]], None] | None = None,
    meanwhile: Callable[[], object] | None = None,
    on_rows: Callable[[list[str], dict[str, Analysis], bytes], None] | None = None,
) -> tuple[dict[str, Analysis], dict[str, str]]:
    """Analyses of ``forms``, and the alternative root (or "") of those that may have one, on
    ``workers`` processes when there are many. ``share``: called with each chunk's forms and
    analyses in columns (forms, normalized, stems, roots) as it comes back (while the workers
    analyse the next ones), its table of them kept (default: the columns zipped).
    ``on_chunk``: called then with the chunk's forms and analyses, chunks in the order of
    ``forms``; ``on_rows``: the same, with the rows' text made by the worker too
    (:meth:`Streamed.add`). ``meanwhile``: called once in this process while the workers
    analyse the first chunks (with no workers, first)."""
    global _FORMS
    table: dict[str, Analysis] = {}
    alts: dict[str, str] = {}

    def keep(chunk: list[str], done: Columns) -> None:
        normalized, stems, roots, alt, text = done
        part = (share(chunk, normalized, stems, roots) if share is not None
                else dict(zip(chunk, zip(normalized, stems, roots, strict=True), strict=True)))
        table.update(part)
        if on_chunk is not None:
            on_chunk(chunk, part)
        if on_rows is not None:
            assert text is not None
            on_rows(chunk, part, text)
        alts.update((chunk[i], root) for i, root in alt)

    rows = on_rows is not None
    if workers <= 1 or len(forms) < PARALLEL_MIN_FORMS:
        if meanwhile is not None:
            meanwhile()
        keep(forms, _analyzed(forms, rows))
        return table, alts
    analyze_word_uncached("كتب")  # load the data tables once, before the workers fork
    spans = batches(len(forms), CHUNK, workers)
    _FORMS = forms
    try:
        with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
            # (every chunk handed out: the workers fork, seeing _FORMS, and start)
            done = pool.map(partial(_analyze_chunk, rows=rows), spans)
            if meanwhile is not None:
                meanwhile()
            for (a, b), columns in zip(spans, done, strict=True):
                keep(forms[a:b], columns)
    finally:
        _FORMS = None
    return table, alts
