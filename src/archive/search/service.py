"""What the ``search``/``kwic`` commands share: a fresh index and the query analyzer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from archive.analysis import Analyzer
from archive.analysis.tables import keep_tables
from archive.config import Paths
from archive.index.build import index_status, load_gazetteer, update_index


def freshen(paths: Paths, note: Callable[[str], None], gazetteer: Any = None) -> None:
    """Build or update the index when it is missing or older than seeds/, and say so.

    Never answers from stale data: a query always runs on an index that matches seeds/, the
    gazetteer and the analysis code at the time of the check. ``gazetteer``: the one the
    caller loaded already (:func:`query_analyzer`), so that it is not read twice."""
    status = index_status(paths, gazetteer)
    if status.fresh:
        return
    # related articles read the whole index: `archive index` and the site build compute them
    report = update_index(paths, related=False)
    if not report.changed:
        return  # another process brought it up to date while we waited for the lock
    verb = "built" if not status.exists else "updated"
    note(f"index {verb} ({'; '.join(status.reasons)}): {report.summary()}")
    errors = [p for p in report.problems if p.severity == "error"]
    if errors:
        note(f"{len(errors)} file problem(s) in seeds/ left articles out: run `archive check`")


def query_analyzer(paths: Paths) -> tuple[Analyzer, Any]:
    """The analyzer queries go through: the same one as the articles, with the gazetteer.

    The analysis tables come from build/ when a previous process kept them there
    (:func:`archive.analysis.tables.keep_tables`): a query does not parse every data file."""
    keep_tables(paths.build)
    gazetteer = load_gazetteer(paths)
    return Analyzer(gazetteer.matcher()), gazetteer
