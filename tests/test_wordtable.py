"""The word table kept in build/: same analyses as the analyzer, reused, and invalidated."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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
    calls: list[int] = []
    chunks: list[list[str]] = []

    def meanwhile() -> None:  # in this process, while the workers analyse
        calls.append(len(chunks))

    two = wordtable.analyze_forms(words, workers=2, meanwhile=meanwhile,
                                  on_chunk=lambda forms, part: chunks.append(forms))
    assert two == wordtable.analyze_forms(words, workers=1)
    assert calls == [0]  # once, before any chunk came back
    assert [f for chunk in chunks for f in chunk] == words  # the chunks in order
    assert len(chunks[-1]) <= wordtable.CHUNK // 4  # the last finer


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


def test_a_few_forms_looked_up_in_the_rows_are_what_the_whole_table_holds(
    archive_paths: Paths,
) -> None:
    analyze_corpus(load(archive_paths), workers=1)
    kept = wordtable.read(archive_paths.build)
    assert kept is not None and len(kept) > 1000
    table, alts = kept.whole()
    assert (table, alts) == wordtable.load_all(archive_paths.build)
    named = sorted(alts)[:40]  # forms with an alternative root (some of them non-empty)
    assert any(alts[f] for f in named)
    forms = set(sorted(table)[::97]) | set(named) | {sorted(table)[0], sorted(table)[-1]}
    absent = {"ءءءء", "", "zzzz-not-a-form", sorted(table)[0] + "x"} - table.keys()
    few, few_alts = kept.subset(forms | absent)
    assert few == {f: table[f] for f in forms}
    assert few_alts == {f: alts[f] for f in forms if f in alts}
    # rows written twice (by other code): the last one counts, as in the whole table
    twice = wordtable.Kept([["ب", "1", "2", "3"], ["ب", "4", "5", "6"], ["ت", "7", "8", "9"]],
                           None)
    assert twice.subset({"ب", "ت"}) == (twice.whole()[0], {}) == (
        {"ب": ("4", "5", "6"), "ت": ("7", "8", "9")}, {})


def test_one_changed_article_of_a_big_table_is_analysed_from_its_own_forms(
    archive_paths: Paths, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A rebuild with one changed article (a new word in it) takes that article's forms from
    the table's rows (pipeline._few_words) and gives the records, index and word table of a
    cold build of the same seeds, byte for byte where their bytes are kept."""
    import shutil

    from archive import pipeline, records

    pipeline.analyse(load(archive_paths), workers=1)
    analyze_word.cache_clear()
    seed = sorted(archive_paths.seeds.iterdir())[len(list(archive_paths.seeds.iterdir())) // 2]
    with open(seed, "a", encoding="utf-8") as fh:
        fh.write("\nوقال المتحدث إن المستكشفينيات وصلن إلى درعا أمس.\n")
    few: list[int] = []
    real = pipeline._few_words
    monkeypatch.setattr(pipeline, "_few_words",
                        lambda build, kept, forms, workers: few.append(len(forms))
                        or real(build, kept, forms, workers))
    rebuilt = pipeline.analyse(load(archive_paths), workers=1)
    assert len(few) == 1 and rebuilt.analysed == [seed.stem]
    analyze_word.cache_clear()
    cold = Paths(tmp_path / "cold")
    shutil.copytree(archive_paths.seeds, cold.seeds)
    shutil.copy(archive_paths.root / "mkdocs.yml", cold.root / "mkdocs.yml")
    again = pipeline.analyse(load(cold), workers=1)
    assert len(few) == 1 and len(again.analysed) > 1  # (a cold build: the whole table)
    assert "المستكشفينيات" in wordtable.load(cold.build)
    assert (cold.build / wordtable.FILE_NAME).read_bytes() == (
        archive_paths.build / wordtable.FILE_NAME).read_bytes()
    assert records.read_index(cold.build) == records.read_index(archive_paths.build)
    for article_id in again.analysed:
        assert records.decode(records.record_bytes(cold.build, article_id)) == (
            records.decode(records.record_bytes(archive_paths.build, article_id)))


@pytest.mark.parametrize("rows", [1, 2, 3, 7, 4096])
@pytest.mark.parametrize("with_alts", [True, False])
def test_the_table_is_written_in_parts_as_the_text_of_the_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: int, with_alts: bool
) -> None:
    """Rows encoded a few at a time: the same bytes as json.dumps of the whole table."""
    monkeypatch.setattr(wordtable, "SAVE_ROWS", rows)
    forms = ["كتب", "الكتاب", "يكتبون", "مكتبة", "درعا", "سوريا", "x\"y", "٣"]
    table = {f: (f + "ن", f[:2], f[-2:]) for f in forms[::-1]}
    alts = {"درعا": "درع", "سوريا": "", "كتب": "كتب"} if with_alts else None
    for some in (table, dict(list(table.items())[:rows]), dict(list(table.items())[:6]), {}):
        wordtable.save(tmp_path, some, alts)
        whole: dict[str, object] = {"fingerprint": wordtable.fingerprint(),
                                    "words": [[f, *some[f]] for f in sorted(some)]}
        if alts is not None:
            whole["alts"] = [[f, alts[f]] for f in sorted(alts) if alts[f]]
        text = (tmp_path / wordtable.FILE_NAME).read_text(encoding="utf-8")
        assert text == json.dumps(whole, ensure_ascii=False, separators=(",", ":"))
        assert wordtable.load_all(tmp_path)[0] == some
