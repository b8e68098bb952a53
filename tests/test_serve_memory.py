"""`mkdocs serve` keeps the parsed corpus in memory between reloads (archive.pipeline
.remember_corpus): a reload parses only the files that changed and neither reads nor writes
corpus.pickle; it is written when the server stops, and gives the next build the same corpus."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_build_once import _counting_parses

from archive import pipeline
from archive.config import Paths
from archive.pipeline import load


@pytest.fixture
def remembering() -> Iterator[None]:
    pipeline.remember_corpus(True)
    try:
        yield
    finally:
        pipeline.remember_corpus(False)


def _corpus(loaded: pipeline.Loaded) -> list[tuple[str, str, str, str]]:
    return [(a.id, a.text, a.content_hash, a.title) for a in loaded.articles]


def test_reloads_parse_only_changed_files_without_corpus_pickle(
    archive_paths: Paths, monkeypatch: pytest.MonkeyPatch, remembering: None
) -> None:
    cache = archive_paths.build / pipeline.CORPUS_CACHE
    first = load(archive_paths)  # the first build: corpus.pickle as before
    assert cache.is_file()
    parsed = _counting_parses(monkeypatch)
    seeds = sorted(p for p in archive_paths.seeds.iterdir() if p.suffix in (".txt", ".md"))
    target = seeds[0]
    with open(target, "a", encoding="utf-8") as fh:
        fh.write("\nسطر جديد.\n")
    cache.write_bytes(b"not read")  # a reload must not read it (nor write it)
    edited = load(archive_paths)
    assert parsed == [target.stem]
    assert cache.read_bytes() == b"not read"
    assert next(a for a in edited.articles if a.id == target.stem).text.rstrip().endswith(
        "سطر جديد.")
    assert len(edited.articles) == len(first.articles)
    parsed.clear()
    assert _corpus(load(archive_paths)) == _corpus(edited)  # nothing changed: nothing parsed
    assert parsed == []
    (archive_paths.seeds / "zz-new.md").write_text("---\ntitle: خبر جديد\n---\nنص جديد.\n",
                                                   encoding="utf-8")
    seeds[1].unlink()
    again = load(archive_paths)
    assert parsed == ["zz-new"]
    # the server stops: corpus.pickle gets the last parse, which a later build reuses whole
    pipeline.remember_corpus(False)
    assert cache.read_bytes() != b"not read"
    parsed.clear()
    later = load(archive_paths)
    assert parsed == []
    assert _corpus(later) == _corpus(again)
    # and it is the corpus a fresh parse gives
    cache.unlink()
    assert _corpus(load(archive_paths)) == _corpus(again)


def test_the_remembered_corpus_is_per_folder(
    archive_paths: Paths, tmp_path: Path, remembering: None
) -> None:
    one = load(archive_paths)
    empty = Paths(tmp_path / "other")
    (tmp_path / "other" / "seeds").mkdir(parents=True)
    assert load(empty).articles == []
    assert _corpus(load(archive_paths)) == _corpus(one)


def test_remember_switches_every_serve_memory_on_and_off() -> None:
    """`pipeline.remember` (what the plugin calls when `mkdocs serve` starts and stops) turns
    on every memory kept between reloads, and off again: a one-shot build after a server in
    the same process reads everything back from build/ (nothing stale stays in memory)."""
    from archive.browser import index as browser_index
    from archive.browser import keptstate
    from archive.index import build as index_build
    from archive.site import keptindex, roots

    def kept() -> list[bool]:
        return [pipeline._REMEMBERED is not None, roots._KEPT is not None,
                index_build._KEPT is not None, browser_index._MIRRORED is not None,
                keptstate._KEPT is not None, keptindex._KEPT is not None]

    assert kept() == [False] * 6
    pipeline.remember(True)
    try:
        assert kept() == [True] * 6
    finally:
        pipeline.remember(False)
    assert kept() == [False] * 6


def test_a_remembering_load_lists_the_seeds_as_article_stats_does(
    archive_paths: Paths, remembering: None
) -> None:
    """Under `mkdocs serve` the load's listing of seeds/ gives the index check the article
    files' stats (archive.freshnote.article_stats_of): those article_stats reads, taken no
    earlier than the listing's start; a one-shot load keeps none."""
    import time

    from archive.freshnote import article_stats, article_stats_of

    before = time.time_ns()
    for _ in range(2):  # the first build and a reload with nothing changed
        loaded = load(archive_paths)
        assert loaded.listing is not None
        started, listing = loaded.listing
        assert before <= started <= time.time_ns()
        assert article_stats_of(archive_paths, listing) == article_stats(archive_paths)
    (archive_paths.seeds / "places.yml").touch()  # not an article: listed, not a stat of one
    assert article_stats_of(archive_paths, load(archive_paths).listing[1]) == article_stats(
        archive_paths)
    pipeline.remember_corpus(False)
    assert load(archive_paths).listing is None


def test_record_keys_of_unchanged_contents_are_taken_from_the_last_analysis(
    monkeypatch: pytest.MonkeyPatch, remembering: None
) -> None:
    from types import SimpleNamespace

    from archive import records

    made: list[str] = []
    real = records.record_key

    def counting(article: object, context: str) -> str:
        made.append(article.id)  # type: ignore[attr-defined]
        return real(article, context)  # type: ignore[arg-type]

    monkeypatch.setattr(records, "record_key", counting)
    arts = [SimpleNamespace(id=i, content_hash=h) for i, h in (("a", "1"), ("b", "2"))]
    want = {a.id: real(a, "ctx") for a in arts}  # type: ignore[arg-type]
    assert pipeline._record_keys(arts, "ctx") == want and made == ["a", "b"]
    made.clear()
    arts[1] = SimpleNamespace(id="b", content_hash="3")
    want["b"] = real(arts[1], "ctx")  # type: ignore[arg-type]
    assert pipeline._record_keys(arts, "ctx") == want and made == ["b"]
    made.clear()
    assert pipeline._record_keys(arts, "other") == {  # another context: all made again
        a.id: real(a, "other") for a in arts} and made == ["a", "b"]  # type: ignore[arg-type]
    pipeline.remember_corpus(False)
    made.clear()
    pipeline._record_keys(arts, "other")
    assert made == ["a", "b"]  # a one-shot process keeps none


def test_docs_entries_of_kept_rows_are_not_encoded_again(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Under the index's memory (archive.index.build.remember), docs.json's entries of rows
    that are the very objects of the last update are taken as they were encoded; the text is
    the one encoded anew (as without the memory)."""
    import json

    from archive.index import build as index_build

    rows = {n: {"id": f"a{n}", "date": "2020-01-0" + str(n), "source": "s", "places": [],
                "actors": ["actor:x"]} for n in range(1, 4)}
    plain = index_build._docs_entries(dict(rows))
    encoded: list[Any] = []
    real = json.JSONEncoder.encode

    def counting(self: json.JSONEncoder, o: Any) -> str:
        encoded.append(o)
        return real(self, o)

    index_build.remember(True)
    try:
        monkeypatch.setattr(json.JSONEncoder, "encode", counting)
        assert index_build._docs_entries(dict(rows)) == plain and len(encoded) == 3
        encoded.clear()
        later = dict(rows)
        later[2] = {**rows[2], "date": "2021-02-02"}  # a changed row: a new object
        later[5] = later.pop(3)  # a row renumbered (a merge): its text is the same
        got = index_build._docs_entries(later)
        assert encoded == [later[2]]
        monkeypatch.undo()
        index_build.remember(False)
        assert got == index_build._docs_entries(later)
    finally:
        index_build.remember(False)
