"""The build pipeline shared by the MkDocs plugin and the ``archive`` command line.

    load(paths) ─► Loaded(corpus, gazetteer, problems)
    analyze_corpus(loaded) ─► [AnalyzedArticle]   (tokens, body tokens, entity mentions)

Stage timings are collected in :class:`Timings` so benchmarks can report them.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.analysis import Analyzer, Token, wordtable
from archive.analysis.analyzer import remember_words
from archive.config import Paths
from archive.corpus.article import Article
from archive.errors import ArchiveError, HasProblems, Problem


@dataclass(slots=True)
class Timings:
    """Seconds spent in each named stage, in the order stages ran."""

    stages: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.stages[name] = self.stages.get(name, 0.0) + time.perf_counter() - t0

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {k: round(v, 4) for k, v in self.stages.items()}
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


@dataclass(frozen=True, slots=True)
class Mention:
    """A gazetteer name in ``Article.text[start:end]`` (the whole words, clitics included)."""

    entity: str
    start: int
    end: int
    text: str


@dataclass(slots=True)
class AnalyzedArticle:
    article: Article
    tokens: list[Token]  # every token of article.text, entity-tagged
    body_tokens: list[Token]  # the tokens inside body segments: what search indexes
    mentions: list[Mention]  # gazetteer names in the body and boilerplate
    mention_counts: dict[str, int]  # entity key → mentions in the body
    declared: list[str] = field(default_factory=list)  # entity keys named in front matter

    @property
    def places(self) -> list[str]:
        """Place keys: named in the body (most mentioned first) then front matter only."""
        return self._entities("place")

    @property
    def actors(self) -> list[str]:
        return self._entities("actor")

    def _entities(self, kind: str) -> list[str]:
        prefix = kind + ":"
        counted = sorted(
            (k for k in self.mention_counts if k.startswith(prefix)),
            key=lambda k: (-self.mention_counts[k], k),
        )
        extra = sorted({k for k in self.declared if k.startswith(prefix)} - set(counted))
        return counted + extra


@dataclass(slots=True)
class Loaded(HasProblems):
    paths: Paths
    articles: list[Article]
    gazetteer: object  # archive.gazetteer.Gazetteer
    problems: list[Problem]

    def raise_for_errors(self) -> None:
        if self.errors:
            raise ArchiveError(self.errors)


def load(paths: Paths, timings: Timings | None = None) -> Loaded:
    """Load seeds/ and the gazetteer, and validate both. Problems are collected, not raised."""
    from archive.corpus.loader import load_corpus
    from archive.gazetteer import load_gazetteer, validate

    timings = timings or Timings()
    with timings.stage("load"):
        corpus = load_corpus(paths)
        gazetteer, gaz_problems = load_gazetteer(paths)
        problems = list(corpus.problems) + list(gaz_problems)
        problems += validate(gazetteer, corpus.articles, root=paths.root)
    return Loaded(paths, list(corpus.articles), gazetteer, problems)


def declared_entities(article: Article, gazetteer: Any) -> list[str]:
    """Keys of the places and actors the front matter names (by id, key or any name)."""
    keys = set()
    for kind, values in (("place", article.places), ("actor", article.actors)):
        for value in values:
            entity = gazetteer.resolve(value, kind)
            if entity is not None:
                keys.add(entity.key)
    return sorted(keys)


def analyze_article(
    article: Article, analyzer: Analyzer, gazetteer: Any = None
) -> AnalyzedArticle:
    tokens, matches = analyzer.analyze_with_matches(article.text)
    bodies = [(s.start, s.end) for s in article.body_segments()]
    body_tokens = [t for t in tokens if _inside(t.start, bodies)]
    mentions = [
        Mention(m.entity, tokens[m.first].start, tokens[m.last].end,
                article.text[tokens[m.first].start:tokens[m.last].end])
        for m in matches
    ]
    counts = Counter(m.entity for m in mentions if _inside(m.start, bodies))
    declared = declared_entities(article, gazetteer) if gazetteer is not None else []
    return AnalyzedArticle(
        article, tokens, body_tokens, mentions, dict(sorted(counts.items())), declared
    )


def _inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= offset < b for a, b in spans)


def export_analyzer_tables(build: Path) -> Path:
    """Write the analyzer's data tables to build/analyzer-tables.json (only when they changed):
    the very data the JavaScript port reads."""
    from archive.analysis.tables import tables_json

    target = build / "analyzer-tables.json"
    text = tables_json() + "\n"
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        build.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
    return target


def analyze_corpus(
    loaded: Loaded,
    articles: list[Article] | None = None,
    timings: Timings | None = None,
    workers: int | None = None,
) -> list[AnalyzedArticle]:
    """Analyze ``articles`` (default: all loaded ones).

    The distinct word forms are analysed first — only those not in the word table kept in
    build/, split across ``workers`` processes — so each form is analysed once per archive, not
    once per occurrence or per build; tokens are then assembled from the table.
    """
    timings = timings or Timings()
    todo = loaded.articles if articles is None else articles
    workers = workers if workers is not None else (os.cpu_count() or 1)
    with timings.stage("analyze"):
        build = loaded.paths.build
        export_analyzer_tables(build)
        table = wordtable.load(build)
        forms = wordtable.distinct_forms(a.text for a in todo)
        missing = sorted(forms - table.keys())
        if missing:
            table.update(wordtable.analyze_forms(missing, workers))
            wordtable.save(build, table)
        remember_words(table)
    with timings.stage("entities"):
        analyzer = Analyzer(loaded.gazetteer.matcher())  # type: ignore[attr-defined]
        return [analyze_article(a, analyzer, loaded.gazetteer) for a in todo]
