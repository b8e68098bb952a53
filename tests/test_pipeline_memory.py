"""What the pipeline keeps in memory: the corpus cache leaves no second copy of the texts, and
the word-table stage on two workers gives what one worker gives."""

from __future__ import annotations

import gc
import json
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from archive import pipeline, records
from archive.analysis import wordtable
from archive.analysis.analyzer import analyze_word
from archive.config import Paths
from archive.pipeline import analyse, load


def _no_utf8_copy(text: str) -> bool:
    """True when ``text`` carries no cached UTF-8 copy of itself (CPython keeps one in a
    non-ASCII string once something asked for its UTF-8 form, e.g. pickle)."""
    return sys.getsizeof(text) == sys.getsizeof(text.encode("utf-8", "surrogatepass").decode(
        "utf-8", "surrogatepass"))


def test_writing_the_corpus_cache_leaves_no_second_copy_of_the_texts(
    archive_paths: Paths,
) -> None:
    cache = archive_paths.build / pipeline.CORPUS_CACHE
    cache.unlink(missing_ok=True)
    first = load(archive_paths)  # parses every file and writes the cache
    assert cache.is_file()
    arabic = [a for a in first.articles if any("\u0600" <= ch <= "\u06ff" for ch in a.text)]
    assert len(arabic) >= 5
    assert all(_no_utf8_copy(a.text) for a in arabic)
    # the cache gives back exactly the articles the parse made (every field)
    again = load(archive_paths)
    assert again.articles == first.articles
    assert [a.text for a in again.articles] == [a.text for a in first.articles]


def test_a_damaged_corpus_cache_is_parsed_again(
    archive_paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(archive_paths)
    cache = archive_paths.build / pipeline.CORPUS_CACHE
    data = cache.read_bytes()
    # a damaged cache body (same key): the build parses the files instead of failing
    cache.write_bytes(data[:129] + b"\x80\x05garbage")
    parsed: list[str] = []
    from archive.corpus import loader

    real = loader.parse_article
    monkeypatch.setattr(loader, "parse_article",
                        lambda raw, i, rel: parsed.append(i) or real(raw, i, rel))
    again = load(archive_paths)
    assert sorted(parsed) == sorted(a.id for a in again.articles)


def test_the_word_table_and_records_are_the_same_on_one_or_two_workers(
    archive_paths: Paths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    other = tmp_path / "two"
    shutil.copytree(archive_paths.seeds, other / "seeds")
    shutil.copy(archive_paths.root / "mkdocs.yml", other / "mkdocs.yml")
    one = analyse(load(archive_paths), workers=1)
    analyze_word.cache_clear()
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_ARTICLES", 1)
    monkeypatch.setattr(pipeline, "BATCH", 2)  # several batches per worker
    monkeypatch.setattr(pipeline, "WORKER_TASKS", 2)  # and workers replaced meanwhile
    monkeypatch.setattr(wordtable, "PARALLEL_MIN_FORMS", 1)  # the forms on a pool as well
    monkeypatch.setattr(wordtable, "CHUNK", 50)
    frozen: list[int] = []
    real = wordtable.analyze_forms

    def spy(forms: list[str], workers: int = 1, **kw: Any) -> Any:
        frozen.append(gc.get_freeze_count())
        return real(forms, workers, **kw)

    monkeypatch.setattr(wordtable, "analyze_forms", spy)
    # the workers' forms are made in this process only once the workers are gone (they
    # held the corpus pages they copied: the cold build's peak at 29,904 articles)
    import multiprocessing
    import pickle

    unpickled: list[int] = []

    def loads(data: bytes) -> Any:
        unpickled.append(len(multiprocessing.active_children()))
        return pickle.loads(data)

    monkeypatch.setattr(pipeline, "pickle", types.SimpleNamespace(
        loads=loads, dumps=pickle.dumps, HIGHEST_PROTOCOL=pickle.HIGHEST_PROTOCOL))
    two = analyse(load(Paths(other)), workers=2)
    assert unpickled == [0, 0]  # one share a worker, read with no worker alive
    assert frozen and frozen[0] > 0  # the pool forks with the parent's objects frozen
    assert gc.get_freeze_count() == 0  # and they are collectable again afterwards
    assert two.analysed == one.analysed and len(one.analysed) >= 5
    table = json.loads((archive_paths.build / wordtable.FILE_NAME).read_text("utf-8"))
    assert table == json.loads((other / "build" / wordtable.FILE_NAME).read_text("utf-8"))
    for article_id in one.analysed:
        # (the bytes may differ: marshal marks shared objects, which depend on the process)
        assert one.article(article_id).tokens == two.article(article_id).tokens, article_id
    assert records.read_index(archive_paths.build) == records.read_index(other / "build")


def test_the_remembered_word_table_keeps_one_object_per_distinct_string(
    archive_paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    from archive.analysis import analyzer

    analyse(load(archive_paths), workers=1)  # makes build/word-analysis.json
    analyze_word.cache_clear()
    remembered: list[dict[str, Any]] = []
    real = pipeline.remember_words

    def spy(table: dict[str, Any], alts: Any = None) -> None:
        real(table, alts)
        remembered.append(dict(analyzer._KNOWN))  # (the build forgets it once analysed)

    monkeypatch.setattr(pipeline, "remember_words", spy)
    again = analyse(load(archive_paths), workers=1, reuse=False)  # reads it back
    assert len(remembered) == 1
    known = remembered[0]
    assert len(known) >= 100 and len(again.analysed) >= 5
    for column in range(3):  # normalized, stem, root
        values = [v[column] for v in known.values()]
        assert len({id(v) for v in values}) == len(set(values)) < len(values)
    # and the analyses are those of the analyzer itself
    for form in sorted(known)[:: max(1, len(known) // 50)]:
        assert known[form] == analyzer.analyze_word_uncached(form)


def test_a_build_forgets_the_word_table_once_its_articles_are_analysed(
    archive_paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stages after the analysis read the records: the word table remembered for it
    (every form's analysis) is not kept through them, and the next analysis in the same
    process reads it from build/ again, giving the same tokens."""
    from archive.analysis import analyzer

    first = analyse(load(archive_paths), workers=1, reuse=False)
    assert len(first.analysed) >= 5
    assert analyzer._KNOWN == {} and analyzer._ALT == {}
    tokens = {i: first.article(i).tokens for i in first.analysed}
    calls: list[str] = []
    real = analyzer.analyze_word_uncached
    monkeypatch.setattr(analyzer, "analyze_word_uncached",
                        lambda form: calls.append(form) or real(form))
    again = analyse(load(archive_paths), workers=1, reuse=False)
    assert calls == []  # every form read from build/word-analysis.json, none analysed again
    assert {i: again.article(i).tokens for i in again.analysed} == tokens
    assert analyzer._KNOWN == {}


def test_mkdocs_serve_keeps_the_word_table_between_reloads(archive_paths: Paths) -> None:
    from archive.analysis import analyzer

    pipeline.remember_corpus(True)
    try:
        analyse(load(archive_paths), workers=1, reuse=False)
        assert len(analyzer._KNOWN) >= 100
    finally:
        pipeline.remember_corpus(False)


def test_indexing_the_corpus_leaves_no_second_copy_of_the_texts(archive_paths: Paths) -> None:
    """The site build hands its loaded corpus to the index update, and keeps it to the end:
    storing each text in the index (pickled) must not leave a UTF-8 copy inside the
    article's own text."""
    from archive.index.build import update_index
    from archive.pipeline import reusing

    loaded = load(archive_paths)
    analysis = analyse(loaded, workers=1)
    arabic = [a for a in loaded.articles if any("\u0600" <= ch <= "\u06ff" for ch in a.text)]
    assert len(arabic) >= 5 and all(_no_utf8_copy(a.text) for a in arabic)
    with reusing(loaded):
        report = update_index(archive_paths, rebuild=True, analysed=analysis)
    assert report.changed
    assert all(_no_utf8_copy(a.text) for a in arabic)
    # and the index stores every text whole
    from archive.search.engine import open_view

    with open_view(archive_paths) as view:
        stored = {view.stored(n)["path"]: view.stored(n)["text"] for n in view.all_ids()}
    assert {a.path: a.text for a in loaded.articles if a.path in stored} == stored != {}
    # nor does the browser data, which pickles each article's record (its text included)
    from archive.browser.site import write_site_search

    write_site_search(analysis, loaded.gazetteer, archive_paths.root / "site-test")
    assert all(_no_utf8_copy(a.text) for a in arabic)
