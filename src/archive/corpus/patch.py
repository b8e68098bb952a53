"""A loaded corpus with a few of its article files parsed again, without loading the others.

`mkdocs serve` keeps the parsed corpus between reloads (archive.pipeline.remember_corpus); a
reload after one edited seed used to run :func:`archive.corpus.loader.load_corpus` over every
entry of seeds/ again (the per-id checks, a Path and two sorts per id, the problems sorted
again: ~0.2 CPU s at 9,504 articles) only to take every other file's parse as it was.

:func:`patched` gives what :func:`load_corpus` gives for the same folder when only the files in
``changes`` have other bytes, or came or went (plain article files: the caller checks): each
changed article replaces its old self at its place in the id order (a new one goes there, a
gone one leaves it), and its old problems (the parse's own) give way to its new ones at the
place the sorted list has for them. Anything else (an article that was or becomes unreadable,
one not found where it should be, a new one already there, no article left) gives None: the
caller loads the corpus in full.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Any

from archive.corpus.corpus import Corpus, problem_sort_key

#: One changed file: its previous parse and its new one, each ``(Article | None, problems)``;
#: None for a file that was not there (a new one) or is not there any more.
Change = tuple[tuple[Any, list[Any]] | None, tuple[Any, list[Any]] | None]


def patched(corpus: Corpus, changes: list[Change]) -> Corpus | None:
    """``corpus`` with the parses in ``changes`` replaced (see module docstring); None when it
    cannot be told without a full load."""
    articles = list(corpus.articles)
    problems = list(corpus.problems)
    keys = [problem_sort_key(p) for p in problems]
    ids = [a.id for a in articles]
    for before, after in changes:
        old, old_found = before if before is not None else (None, [])
        new, new_found = after if after is not None else (None, [])
        if before is not None and old is None or after is not None and new is None:
            return None  # a file that is or becomes unreadable: the lists are made again
        if old is not None and new is not None and old.id != new.id:
            return None
        ident = old.id if old is not None else new.id
        at = bisect_left(ids, ident)
        there = at < len(ids) and ids[at] == ident
        if there != (old is not None):
            return None
        if new is None:  # the file is gone
            del articles[at], ids[at]
        elif old is None:  # a new file
            articles.insert(at, new)
            ids.insert(at, ident)
        else:
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
    if not articles:
        return None  # (a full load reports that no article was found)
    return Corpus(articles, problems)
