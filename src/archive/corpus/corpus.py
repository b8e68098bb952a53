"""The loaded corpus (:class:`Corpus`): kept apart from the parsers of
:mod:`archive.corpus.loader`, so that reading it back from build/corpus.pickle (a build that
finds seeds/ unchanged) does not import them and compile their regular expressions."""

from __future__ import annotations

from dataclasses import dataclass, field

from archive.corpus.article import Article
from archive.errors import HasProblems, Problem


@dataclass(slots=True)
class Corpus(HasProblems):
    """The loaded articles (sorted by id) and every problem met on the way."""

    articles: list[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def get(self, article_id: str) -> Article | None:
        return next((a for a in self.articles if a.id == article_id), None)


def problem_sort_key(p: Problem) -> tuple:
    return (p.path, p.line or 0, p.severity != "error", p.message, p.hint)
