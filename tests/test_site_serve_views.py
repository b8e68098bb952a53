"""`mkdocs serve`: the site data takes the views of unchanged articles over without making
them again (archive.site.model.build_site_data's ``keys``) and is what a build from scratch
makes: after an edit, when nothing changed, and when an article that alone named a place or
an actor is deleted (then every view is made again)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from archive import pipeline
from archive.config import Paths
from archive.site import model


@pytest.fixture
def remembering() -> Iterator[None]:
    pipeline.remember_corpus(True)  # as under `mkdocs serve`: unchanged files, same objects
    try:
        yield
    finally:
        pipeline.remember_corpus(False)


def _dump(data: model.SiteData) -> Any:
    return ([(i, [(m.entity, m.start, m.end) for m in v.mentions], v.mention_counts, v.places,
              v.actors, v.related) for i, v in data.articles.items()],
            data.entities, data.children, data.entity_articles, data.cooccurrence,
            data.sources, data.warnings, data.source_slugs,
            [v.id for v in data.newest_first()])


def _carried(data: model.SiteData) -> model.SiteData:
    """What the plugin keeps of a build's site data for the next reload."""
    return model.SiteData(data.articles, data.entities, {}, {}, {}, {}, made=data.made,
                          shown_keys=data.shown_keys)


def _step(paths: Paths, previous: model.SiteData | None, made: list[str],
          ) -> model.SiteData:
    loaded = pipeline.load(paths)
    analysis = pipeline.analyse(loaded, workers=1)
    entities = loaded.gazetteer.entities.values()
    made.clear()
    data = model.build_site_data(analysis.in_order(), entities, None, previous, analysis.keys)
    views = list(made)
    cold = model.build_site_data(analysis.in_order(), entities, None)
    assert _dump(data) == _dump(cold)
    made[:] = views
    return data


def test_reloads_take_unchanged_views_and_equal_a_cold_build(
        archive_paths: Paths, remembering: None, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[str] = []
    real = model.article_view

    def counting(analyzed: Any) -> model.ArticleView:
        made.append(analyzed.article.id)
        return real(analyzed)

    monkeypatch.setattr(model, "article_view", counting)
    first = _step(archive_paths, None, made)
    n = len(first.articles)
    assert n >= 3 and len(made) == n
    seeds = sorted(p for p in archive_paths.seeds.iterdir() if p.suffix in (".txt", ".md"))
    edited = seeds[0]
    with open(edited, "a", encoding="utf-8") as fh:
        fh.write("\n\nفقرة جديدة عن الرياض.\n")
    second = _step(archive_paths, _carried(first), made)
    assert made == [edited.stem]  # only the edited article's view is made
    assert all(second.articles[i] is first.articles[i] for i in first.articles
               if i != edited.stem)
    third = _step(archive_paths, _carried(second), made)
    assert made == []  # nothing changed: every view taken over
    # an article that alone names a place or an actor leaves: that entity loses its page,
    # and the mentions of it in the other (unchanged) articles stop linking to it
    alone = next(((k, v[0][0]) for k, v in third.entity_articles.items() if len(v) == 1),
                 None)
    if alone is None:
        pytest.skip("no place or actor named by one article only in the seeds")
    key, owner = alone
    next(p for p in seeds if p.stem == owner).unlink()
    fourth = _step(archive_paths, _carried(third), made)
    assert key not in fourth.entity_articles
    assert len(made) == n - 1  # every view made again (and equal ones taken over)
    assert owner not in fourth.articles
