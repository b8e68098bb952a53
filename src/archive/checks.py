"""Everything ``archive check`` validates, collected as Problems (no printing, no exit codes)."""

from __future__ import annotations

from archive.config import Paths
from archive.corpus.loader import load_corpus, problem_sort_key
from archive.errors import Problem


def collect_problems(paths: Paths) -> list[Problem]:
    """Every problem in the archive's input files, sorted by file, line and severity."""
    problems: list[Problem] = list(load_corpus(paths).problems)
    problems.extend(gazetteer_problems(paths))
    return sorted(set(problems), key=problem_sort_key)


def gazetteer_problems(paths: Paths) -> list[Problem]:
    """Problems in seeds/places.yml and seeds/actors.yml.

    GAZETTEER: the gazetteer helper wires ``archive.gazetteer.validate`` in here, e.g.
    ``from archive.gazetteer import validate; return list(validate(paths))``.
    Until then the gazetteer files are not checked by ``archive check``.
    """
    return []
