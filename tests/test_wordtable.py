"""The word table kept in build/: same analyses as the analyzer, reused, and invalidated."""

from __future__ import annotations

import json
from pathlib import Path

from archive.analysis import analyze_word, wordtable
from archive.analysis.analyzer import analyze_word_uncached
from archive.config import Paths
from archive.pipeline import analyze_corpus, load


def test_table_holds_the_analyzer_output_for_every_form(archive_paths: Paths) -> None:
    loaded = load(archive_paths)
    analyze_corpus(loaded, workers=1)
    table = wordtable.load(archive_paths.build)
    forms = wordtable.distinct_forms(a.text for a in loaded.articles)
    assert forms <= table.keys()
    for form in sorted(forms)[:300]:
        assert table[form] == analyze_word_uncached(form) == analyze_word(form)


def test_parallel_analysis_gives_the_same_table(repo: Path) -> None:
    texts = [p.read_text("utf-8") for p in sorted((repo / "seeds").glob("*.txt"))]
    forms = sorted(wordtable.distinct_forms(texts))
    words = forms * 1 + [f + suffix for f in forms for suffix in ("ها", "هم", "ات")]
    words = sorted(set(words))
    assert len(words) >= wordtable.PARALLEL_MIN_FORMS
    assert wordtable.analyze_forms(words, workers=2) == wordtable.analyze_forms(words, workers=1)


def test_a_table_made_by_other_analysis_code_is_ignored(archive_paths: Paths) -> None:
    path = archive_paths.build / wordtable.FILE_NAME
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"fingerprint": "other", "words": [["درعا", "x", "y", "z"]]}))
    assert wordtable.load(archive_paths.build) == {}
    path.write_text("{ not json")
    assert wordtable.load(archive_paths.build) == {}


def test_second_build_analyses_no_word_again(archive_paths: Paths, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    loaded = load(archive_paths)
    first = analyze_corpus(loaded, workers=1)
    analyze_word.cache_clear()
    calls: list[int] = []
    monkeypatch.setattr(wordtable, "analyze_forms", lambda forms, workers=1: calls.append(
        len(forms)) or {})
    second = analyze_corpus(load(archive_paths), workers=1)
    assert calls == []
    assert [a.tokens for a in first] == [a.tokens for a in second]


def test_build_exports_the_analyzer_tables_the_browser_reads(archive_paths: Paths) -> None:
    from archive.analysis.tables import build_tables

    analyze_corpus(load(archive_paths), workers=1)
    exported = json.loads((archive_paths.build / "analyzer-tables.json").read_text("utf-8"))
    assert exported == json.loads(json.dumps(build_tables(), ensure_ascii=False))
    assert {"normalize", "tokenize", "patterns", "roots"} <= exported.keys()


def test_articles_analysed_on_two_workers_give_the_same_output(
    archive_paths: Paths, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import archive.pipeline as pipeline

    loaded = load(archive_paths)
    serial = analyze_corpus(loaded, workers=1)
    analyze_word.cache_clear()
    (archive_paths.build / wordtable.FILE_NAME).unlink()
    forked: list[int] = []
    real = pipeline._forked

    def spy(todo, *args):  # type: ignore[no-untyped-def]
        forked.append(len(todo))
        return real(todo, *args)

    monkeypatch.setattr(pipeline, "_forked", spy)
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_ARTICLES", 1)
    monkeypatch.setattr(pipeline, "BATCH", 2)  # several batches per worker
    parallel = analyze_corpus(load(archive_paths), workers=2)
    assert forked == [len(loaded.articles)] * 2  # forms, then tokens and entities
    assert len(parallel) == len(serial) >= 5
    for a, b in zip(serial, parallel, strict=True):
        assert b.article.id == a.article.id
        assert b.tokens == a.tokens and b.body_tokens == a.body_tokens
        assert b.mentions == a.mentions and b.mention_counts == a.mention_counts
        assert b.declared == a.declared and b.places == a.places and b.actors == a.actors
    assert any(len(a.body_tokens) < len(a.tokens) for a in parallel)  # boilerplate left out
    assert any(a.mentions for a in parallel)
    assert json.loads((archive_paths.build / wordtable.FILE_NAME).read_text("utf-8"))["words"]
