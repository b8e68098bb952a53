"""The analysis records are kept in pack files (build/analysis/*.pack), a pack per batch of
analysed articles: a build creates a file per batch, not per article; a changed article's
record goes into a new pack; packs left mostly dead are compacted; packs the index does not
name (replaced, or left by a stopped build) are deleted when the index is written."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from archive import pipeline, records
from archive.config import Paths
from archive.pipeline import analyse, load


def _packs(build: Path) -> set[str]:
    return {p.name for p in records.folder(build).glob("*.pack")}


def _sizes(build: Path) -> dict[str, tuple[int, int]]:
    """Per pack the index names: (live bytes, file size)."""
    out: dict[str, tuple[int, int]] = {}
    for name, _, length in records.read_store(build)[1].values():
        live, size = out.get(name, (0, (records.folder(build) / name).stat().st_size))
        out[name] = (live + length, size)
    return out


def _tokens(analysis: records.Analysis) -> dict[str, list]:
    return {aa.article.id: aa.tokens for aa in analysis.articles()}


def test_a_build_writes_a_pack_per_batch(archive_paths: Paths,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "BATCH", 2)
    analysis = analyse(load(archive_paths), workers=1)
    n = len(analysis)
    assert n > 4
    assert len(_packs(archive_paths.build)) == -(-n // 2)
    assert not list(records.folder(archive_paths.build).glob("*.rec"))
    where = records.read_store(archive_paths.build)[1]
    assert sorted(where) == sorted(analysis.summaries)
    # the records one after the other, none overlapping
    by_pack: dict[str, list[tuple[int, int]]] = {}
    for name, offset, length in where.values():
        by_pack.setdefault(name, []).append((offset, length))
    for name, spans in by_pack.items():
        spans.sort()
        assert spans[0][0] == 0
        assert all(a + m == b for (a, m), (b, _) in zip(spans, spans[1:], strict=False))
        assert sum(m for _, m in spans) == (records.folder(archive_paths.build) / name
                                            ).stat().st_size


def test_changed_articles_go_into_new_packs_and_sparse_packs_are_compacted(
        archive_paths: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "BATCH", 4)
    first = analyse(load(archive_paths), workers=1)
    before = _packs(archive_paths.build)
    where = records.read_store(archive_paths.build)[1]
    pack = where[next(iter(first.summaries))][0]
    # the pack's articles, the one with the shortest record last
    held = sorted((k for k, w in where.items() if w[0] == pack), key=lambda k: -where[k][2])
    assert len(held) == 4
    # three of the pack's four articles change: a quarter or less of its bytes are left live
    paths = {a.id: a.path for a in load(archive_paths).articles}
    for article_id in held[:3]:
        with open(archive_paths.root / paths[article_id], "a", encoding="utf-8") as fh:
            fh.write("\nوأضاف المصدر أن الاجتماع المقبل سيعقد في درعا البلد.\n")
    again = analyse(load(archive_paths), workers=1)
    assert again.analysed == sorted(held[:3])
    named = set(_sizes(archive_paths.build))
    assert pack not in named  # compacted: its last live record moved
    for live, size in _sizes(archive_paths.build).values():
        assert 2 * live >= size
    # the packs the previous index named stay until the next index is written: an analysis
    # made before still reads its records
    assert _packs(archive_paths.build) == named | before
    assert _tokens(first) == {k: v for k, v in _tokens(again).items() if k not in held[:3]} | {
        k: first.article(k).tokens for k in held[:3]}
    kept = _tokens(again)
    assert kept == _tokens(analyse(load(archive_paths), workers=1, reuse=False))
    # then they go
    assert pack not in _packs(archive_paths.build)
    assert _packs(archive_paths.build) == set(_sizes(archive_paths.build)) | named


def test_a_stopped_build_leaves_the_previous_records_usable(
        archive_paths: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    analysis = analyse(load(archive_paths), workers=1)
    index = (records.folder(archive_paths.build) / records.INDEX_NAME).read_bytes()
    some = next(iter(analysis.summaries))
    # a build that wrote a pack and stopped before writing its index
    stray = records.write_pack(archive_paths.build, [(some, "0" * 32, b"half a build")],
                               records.next_pack_number(archive_paths.build))
    assert (records.folder(archive_paths.build) / records.INDEX_NAME).read_bytes() == index
    again = analyse(load(archive_paths), workers=1)
    assert again.analysed == []
    assert again.article(some).tokens == analysis.article(some).tokens
    # the stray pack goes once the index is written again
    name = stray[some][0]
    assert name in _packs(archive_paths.build)
    seeds = sorted(p for p in archive_paths.seeds.iterdir() if p.suffix in (".txt", ".md"))
    os.unlink(seeds[-1])
    analyse(load(archive_paths), workers=1)
    assert name not in _packs(archive_paths.build)
    assert _packs(archive_paths.build) == set(_sizes(archive_paths.build))


def test_packs_are_numbered_so_the_same_inputs_give_the_same_files(
        archive_paths: Paths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """build/analysis is the same, name for name and byte for byte, for two cold builds of the
    same seeds (pack names were random once); a later build's packs take numbers above every
    pack there, so a name the index still names is never written again."""
    monkeypatch.setattr(pipeline, "BATCH", 3)
    analyse(load(archive_paths), workers=1)
    first = {p.name: p.read_bytes() for p in records.folder(archive_paths.build).iterdir()}
    assert set(_packs(archive_paths.build)) == {f"{n}.pack" for n in range(len(_packs(
        archive_paths.build)))}
    other = Paths(tmp_path / "other")
    shutil.copytree(archive_paths.root, other.root, ignore=shutil.ignore_patterns("build"))
    analyse(load(other), workers=1)
    second = {p.name: p.read_bytes() for p in records.folder(other.build).iterdir()}
    assert first == second
    top = records.next_pack_number(archive_paths.build)
    assert top == len(_packs(archive_paths.build))
    seeds = sorted(p for p in archive_paths.seeds.iterdir() if p.suffix in (".txt", ".md"))
    with open(seeds[0], "a", encoding="utf-8") as fh:
        fh.write("\nوأضاف المصدر أن الاجتماع المقبل سيعقد في درعا البلد.\n")
    analyse(load(archive_paths), workers=1)
    numbers = {records.pack_number(n) for n, _, _ in records.read_store(archive_paths.build)[1]
               .values()}
    assert max(numbers) >= top  # the changed article's record: a new number
    assert records.pack_number("00a1.pack") is None
    assert records.pack_number("12.pack") == 12
