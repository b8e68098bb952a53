"""A one-shot site build empties the caches that only its analysis, its root count and its
map read (archive.pipeline.let_go_of_word_caches, let_go_of_page_caches) before the pages and
the browser data; what asks for them afterwards gets them made again."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive import pipeline
from archive.analysis import morphology
from archive.site import mapsvg, roots


def _build(root: Path) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    build(load_config(str(root / "mkdocs.yml")))


def test_a_build_lets_go_of_the_word_and_map_caches(
    archive_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ARCHIVE_ROOT", raising=False)
    monkeypatch.delenv("SITE_URL", raising=False)
    filled: list[tuple[int, int]] = []
    real = pipeline.let_go_of_word_caches

    def letting_go() -> None:  # what the root count left in them, then let go
        filled.append((roots.classify.cache_info().currsize,
                       morphology.default_data.cache_info().currsize))
        real()

    monkeypatch.setattr(pipeline, "let_go_of_word_caches", letting_go)
    _build(archive_dir)
    assert filled == [(filled[0][0], 1)] and filled[0][0] > 0  # the count used them
    for cache in (roots.classify, roots.stem_pattern, morphology.default_data,
                  mapsvg.load_basemap):
        assert cache.cache_info().currsize == 0, cache
    assert (archive_dir / "site" / "map" / "index.html").is_file()
    assert morphology.default_data()["stop_words"]  # made again when asked


def test_page_trim_gives_back_every_so_many_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    trim = pipeline.PageTrim(every=3)
    monkeypatch.setattr(pipeline, "give_back_memory", lambda: calls.append(trim.count))
    for _ in range(10):
        trim.page()
    assert calls == [3, 6, 9]


def test_a_build_gives_back_the_heap_as_its_pages_are_made(
    archive_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ARCHIVE_ROOT", raising=False)
    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.setattr(pipeline, "TRIM_EVERY", 5)
    counts: list[int] = []
    real = pipeline.PageTrim.page

    def page(self: pipeline.PageTrim) -> None:
        real(self)
        counts.append(self.count)

    monkeypatch.setattr(pipeline.PageTrim, "page", page)
    _build(archive_dir)
    pages = sum(1 for _ in (archive_dir / "site").rglob("index.html"))
    # every generated page made once, one trim counter for the build
    assert counts == list(range(1, len(counts) + 1)) and len(counts) > 10
    assert len(counts) <= pages
