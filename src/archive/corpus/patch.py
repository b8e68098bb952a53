"""A loaded corpus with a few of its article files parsed again, without loading the others.

`mkdocs serve` keeps the parsed corpus between reloads (archive.pipeline.remember_corpus); a
reload after one edited seed used to run :func:`archive.corpus.loader.load_corpus` over every
entry of seeds/ again (the per-id checks, a Path and two sorts per id, the problems sorted
again: ~0.2 CPU s at 9,504 articles) only to take every other file's parse as it was.

:func:`patched` gives what :func:`load_corpus` gives for the same folder when the names in it
are the same as for ``corpus`` and only the files in ``changes`` have other bytes: each
changed article replaces its old self at its place in the id order, and its old problems (the
parse's own) give way to its new ones at the place the sorted list has for them. Anything else
(an article that was or becomes unreadable, one not found where it should be) gives None: the
caller loads the corpus in full.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Any

from archive.corpus.loader import Corpus, problem_sort_key

#: One changed file: its previous parse and its new one, each ``(Article | None, problems)``.
Change = tuple[tuple[Any, list[Any]], tuple[Any, list[Any]]]


def patched(corpus: Corpus, changes: list[Change]) -> Corpus | None:
    """``corpus`` with the parses in ``changes`` replaced (see module docstring); None when it
    cannot be told without a full load."""
    articles = list(corpus.articles)
    problems = list(corpus.problems)
    keys = [problem_sort_key(p) for p in problems]
    ids = [a.id for a in articles]
    for (old, old_found), (new, new_found) in changes:
        if old is None or new is None or old.id != new.id:
            return None  # an article comes or goes: the lists are made again
        at = bisect_left(ids, old.id)
        if at == len(ids) or ids[at] != old.id:
            return None
        articles[at] = new
        for p in old_found:  # the old parse's problems (only it reports this file's path)
            key = problem_sort_key(p)
            lo, hi = bisect_left(keys, key), bisect_right(keys, key)
            gone = next((i for i in range(lo, hi) if problems[i] == p), None)
            if gone is None:
                return None
            del problems[gone], keys[gone]
        for p in new_found:  # after the equal ones: the order of a stable sort
            key = problem_sort_key(p)
            at = bisect_right(keys, key)
            problems.insert(at, p)
            keys.insert(at, key)
    return Corpus(articles, problems)
