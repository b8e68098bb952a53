"""Everything ``archive check`` validates, collected as Problems (no printing, no exit codes)."""

from __future__ import annotations

from collections.abc import Sequence

from archive.config import Paths
from archive.corpus.article import Article
from archive.corpus.loader import load_corpus, problem_sort_key
from archive.errors import Problem


def collect_problems(paths: Paths) -> list[Problem]:
    """Every problem in the archive's input files, sorted by file, line and severity."""
    corpus = load_corpus(paths)
    problems: list[Problem] = list(corpus.problems)
    problems.extend(gazetteer_problems(paths, corpus.articles))
    return sorted(set(problems), key=problem_sort_key)


def gazetteer_problems(paths: Paths, articles: Sequence[Article] = ()) -> list[Problem]:
    """Problems in seeds/places.yml and seeds/actors.yml, and unknown entities named in the
    articles' front matter (``archive.gazetteer.validate``)."""
    from archive.gazetteer import load_gazetteer, validate

    gazetteer, problems = load_gazetteer(paths)
    return problems + validate(gazetteer, articles, root=paths.root)
