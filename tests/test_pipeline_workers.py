"""Analysis on two workers: the same output as on one, byte for byte, whatever the hash seed;
the batches handed to the workers cover every article once, in order, and end finer."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from archive import pipeline, records
from archive.analysis import wordtable
from archive.analysis.analyzer import analyze_word
from archive.config import Paths
from archive.pipeline import analyse, analyze_corpus, load

REPO = Path(__file__).resolve().parent.parent

#: Two workers on the few seed articles: thresholds down, batches of two articles.
_TWO_WORKERS = """
import json, sys
from pathlib import Path
from archive import pipeline, records
from archive.analysis import wordtable
from archive.config import Paths
pipeline.PARALLEL_MIN_ARTICLES = 1
pipeline.BATCH = 2
wordtable.PARALLEL_MIN_FORMS = 1
wordtable.CHUNK = 50
paths = Paths(Path(sys.argv[1]))
analysis = pipeline.analyse(pipeline.load(paths), workers=2)
print(json.dumps(sorted(analysis.analysed)))
"""


def _copy(archive: Paths, where: Path) -> Paths:
    shutil.copytree(archive.seeds, where / "seeds")
    shutil.copy(archive.root / "mkdocs.yml", where / "mkdocs.yml")
    return Paths(where)


@pytest.mark.parametrize("n", [1, 2, 15, 16, 17, 63, 64, 65, 200, 257, 1000, 2827, 8001,
                               75646])
@pytest.mark.parametrize("workers", [1, 2, 4])
@pytest.mark.parametrize("size", [pipeline.BATCH, wordtable.CHUNK])
def test_batches_cover_every_item_once_in_order_and_end_finer(n: int, workers: int,
                                                              size: int) -> None:
    # (the articles' batches with BATCH, the new forms' chunks with CHUNK)
    spans = wordtable.batches(n, size, workers)
    if size == pipeline.BATCH:
        assert spans == pipeline._spans(n, workers)
    assert [i for start, end in spans for i in range(start, end)] == list(range(n))
    sizes = [end - start for start, end in spans]
    assert all(0 < s <= size for s in sizes)
    if n >= 4 * workers * size:
        # most of the work in full batches, the last batches no more than a quarter of one
        assert sizes[0] == size
        assert max(sizes[-2 * workers:]) <= size // 4
        assert len(spans) <= n // size + 8 * workers + 1


class _Sized:
    def __init__(self, chars: int) -> None:
        self.text, self.title = "x" * chars, None


@pytest.mark.parametrize("n", [0, 1, 2, 3, 7, 200, 987])
@pytest.mark.parametrize("workers", [1, 2, 3, 4])
def test_the_forms_are_collected_in_one_share_per_worker_of_about_as_many_characters(
        n: int, workers: int) -> None:
    todo = [_Sized(1 + (i * 7919) % 5000) for i in range(n)]  # articles of very unequal sizes
    shares = pipeline._shares(todo, workers)  # type: ignore[arg-type]
    assert [i for start, end in shares for i in range(start, end)] == list(range(n))
    assert len(shares) == min(n, workers) and all(start < end for start, end in shares)
    if n >= 200:
        chars = [sum(len(a.text) for a in todo[start:end]) for start, end in shares]
        biggest = max(len(a.text) for a in todo)
        assert max(chars) - min(chars) <= 2 * biggest  # as even as whole articles allow


def test_two_workers_write_the_same_word_table_and_records_under_other_hash_seeds(
    archive_paths: Paths, tmp_path: Path
) -> None:
    one = analyse(load(archive_paths), workers=1)
    build = archive_paths.build
    for seed in ("0", "4242"):
        other = _copy(archive_paths, tmp_path / f"seed-{seed}")
        env = dict(os.environ, PYTHONPATH=str(REPO / "src"), PYTHONHASHSEED=seed)
        out = subprocess.run([sys.executable, "-c", _TWO_WORKERS, str(other.root)], env=env,
                             capture_output=True, text=True, check=True)
        assert json.loads(out.stdout) == sorted(one.analysed) != []
        # the word table (written before the records pool forks) and the analyzer tables:
        # the very same bytes
        for name in (wordtable.FILE_NAME, "analyzer-tables.json"):
            assert (other.build / name).read_bytes() == (build / name).read_bytes(), name
        assert records.read_index(other.build) == records.read_index(build)
        for article_id in one.analysed:
            # (a record's bytes may differ: marshal marks shared objects, which depend on the
            # process; what it decodes to may not)
            mine = records.decode(records.record_bytes(build, article_id))
            theirs = records.decode(records.record_bytes(other.build, article_id))
            assert theirs == mine, article_id


def test_analysed_articles_from_two_workers_equal_those_of_one_in_every_field(
    archive_paths: Paths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = analyze_corpus(load(archive_paths), workers=1)
    analyze_word.cache_clear()
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_ARTICLES", 1)
    monkeypatch.setattr(pipeline, "BATCH", 2)
    monkeypatch.setattr(wordtable, "PARALLEL_MIN_FORMS", 1)
    monkeypatch.setattr(wordtable, "CHUNK", 50)
    other = _copy(archive_paths, tmp_path / "two")
    cold = analyze_corpus(load(other), workers=2)  # the word table made on the workers
    assert (other.build / wordtable.FILE_NAME).read_bytes() == (
        archive_paths.build / wordtable.FILE_NAME).read_bytes()
    warm = analyze_corpus(load(other), workers=2)  # and read back
    assert len(serial) >= 5 and any(a.title_tokens for a in serial)
    assert any(a.mentions for a in serial) and any(a.title_entities for a in serial)
    # every field: article, tokens, body tokens, mentions, counts, declared, title tokens
    # and title names
    assert cold == serial
    assert warm == serial


def test_the_word_table_keeps_the_alternative_roots_and_the_next_build_reads_them(
    archive_paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    from archive.analysis import analyzer, morphology

    first = analyse(load(archive_paths), workers=1)
    tokens = {i: first.article(i).tokens for i in first.analysed}
    table, alts = wordtable.load_all(archive_paths.build)
    # every form that may have an alternative root has it, as the analyzer works it out
    assert alts.keys() == {f for f, (_, s, r) in table.items() if analyzer.may_have_alt(s, r)}
    analyze_word.cache_clear()
    assert alts == {f: analyzer.alternative_root(f) for f in alts}
    assert any(alts.values())  # names that are also common words (non-empty ones kept)
    # the next build reads them: no common reading is worked out again
    analyze_word.cache_clear()
    calls: list[str] = []
    real = morphology.common_root
    monkeypatch.setattr(morphology, "common_root",
                        lambda word, d: calls.append(word) or real(word, d))
    again = analyse(load(archive_paths), workers=1, reuse=False)
    assert calls == [] and sorted(again.analysed) == sorted(first.analysed) != []
    assert {i: again.article(i).tokens for i in again.analysed} == tokens


def test_the_word_table_is_written_before_the_record_writers_fork(
    archive_paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker that wrote the table would read every form of it, copying the pages that
    hold them (the table is the parent's) into that worker: the peak of a cold build."""
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_ARTICLES", 1)
    monkeypatch.setattr(pipeline, "BATCH", 2)
    monkeypatch.setattr(wordtable, "PARALLEL_MIN_FORMS", 1)
    monkeypatch.setattr(wordtable, "CHUNK", 50)
    seen: list[tuple[bool, bool]] = []  # per pool: record writers?, table on disk then?
    real = pipeline._forked
    table = archive_paths.build / wordtable.FILE_NAME

    def forked(todo, analyzer, gazetteer, workers):  # type: ignore[no-untyped-def]
        seen.append((analyzer is not None, table.is_file()))
        return real(todo, analyzer, gazetteer, workers)

    monkeypatch.setattr(pipeline, "_forked", forked)
    analysis = analyse(load(archive_paths), workers=2)
    assert analysis.analysed and table.is_file()
    # the forms' pool before the table existed, the record writers' after it was written
    assert seen == [(False, False), (True, True)]
    assert wordtable.load(archive_paths.build).keys() >= wordtable.distinct_forms(
        a.text for a in load(archive_paths).articles)
