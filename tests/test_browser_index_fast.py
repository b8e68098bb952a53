"""The browser index writer's own lunr build against lunr.py's ``Builder``: the same bytes.

``build_lunr_index`` builds the inverted index and BM25 field vectors itself and serialises
through ``lunr.index.Index``; ``_build_with_builder`` is the slow reference through lunr.py's
``Builder``. Both must give byte-identical JSON, whole and split into shards, on the seeds and
on hand-made documents with the awkward cases (empty fields, upper-case keys, a term shared
by several fields, repeated terms, positions out of order).
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from lunr.index import Index as LunrIndex

from archive.analysis import Analyzer, Token
from archive.browser.index import (
    FIELDS,
    _build_with_builder,
    _dump,
    build_lunr_index,
    serialized_size,
    shard_count,
    split_index,
    write_browser_index,
    write_shards,
)
from archive.config import Paths
from archive.index.docs import IndexDoc

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from archive.pipeline import analyze_corpus, load

    root = tmp_path_factory.mktemp("archive")
    shutil.copytree(REPO / "seeds", root / "seeds")
    loaded = load(Paths(root))
    analyzed = sorted(analyze_corpus(loaded), key=lambda aa: aa.article.id)
    titles = Analyzer(loaded.gazetteer.matcher())  # type: ignore[attr-defined]
    docs = [IndexDoc.from_analyzed(aa, titles) for aa in analyzed]
    return {"root": root, "loaded": loaded, "analyzed": analyzed, "docs": docs}


def _doc(ident: str, words: list[tuple[str, str, str]], entities: list[tuple[str, int]],
         positions: list[int] | None = None) -> IndexDoc:
    positions = positions if positions is not None else list(range(len(words)))
    tokens = [Token(norm, 0, 0, pos, norm, stem, root)
              for (norm, stem, root), pos in zip(words, positions, strict=True)]
    return IndexDoc(id=ident, path=f"{ident}.txt", title=ident, date=None, source=None,
                    places=[], actors=[], content_hash="", text="",
                    tokens=tokens, entities=[(key, pos, 0, 0) for key, pos in entities])


def _same(docs: list[IndexDoc]) -> dict[str, Any]:
    fast = build_lunr_index(docs)
    slow = _build_with_builder(docs)
    assert _dump(fast) == _dump(slow)
    return fast


def test_seeds_whole_index_is_byte_identical(seeds: dict[str, Any]) -> None:
    fast = _same(seeds["docs"])
    assert len(fast["invertedIndex"]) > 1000
    assert len(fast["fieldVectors"]) == 8 * len(seeds["docs"])  # body and title fields
    assert fast["pipeline"] == ["archive-ar"]
    # loads back in lunr.py (as lunr.js does in the browser)
    assert LunrIndex.load(json.loads(_dump(fast))).fields == list(FIELDS)


def test_seeds_shards_are_byte_identical(seeds: dict[str, Any]) -> None:
    fast = build_lunr_index(seeds["docs"])
    slow = _build_with_builder(seeds["docs"])
    for shards in (1, 3, 17):
        a = [_dump(p) for p in split_index(fast, shards)]
        b = [_dump(p) for p in split_index(slow, shards)]
        assert a == b


def test_written_shard_files_match_the_builder(seeds: dict[str, Any], tmp_path: Path) -> None:
    site = tmp_path / "site"
    report = write_browser_index(seeds["analyzed"], site, seeds["loaded"].gazetteer)
    slow = _build_with_builder(seeds["docs"])
    shards = shard_count(slow)
    data = site / "search" / "data"
    meta = json.loads((data / "meta.json").read_text("utf-8"))
    assert meta["shards"] == shards
    expected = [_dump(p).encode("utf-8") for p in split_index(slow, shards)]
    written = [(data / "lunr" / f"{k}.json").read_bytes() for k in range(shards)]
    assert written == expected
    assert not (data / "lunr" / f"{shards}.json").exists()
    # sizes are measured on demand from the written files (raw, gzip level 9)
    raw, gz = report.sizes["lunr/*.json"]
    assert raw == sum(len(b) for b in expected)
    assert gz == sum(len(gzip.compress(b, compresslevel=9, mtime=0)) for b in expected)


@pytest.mark.parametrize("target", [20_000, 60_000, 10**9])
def test_write_shards_matches_the_builder_split(seeds: dict[str, Any], tmp_path: Path,
                                                target: int) -> None:
    slow = _build_with_builder(seeds["docs"])
    shards = shard_count(slow, target)
    expected = [_dump(p).encode("utf-8") for p in split_index(slow, shards)]
    count, paths = write_shards(build_lunr_index(seeds["docs"]), tmp_path, target)
    assert count == shards == len(paths)
    assert count > 1 or target == 10**9
    assert [path.read_bytes() for path in paths] == expected


def test_serialized_size_is_the_dumped_size(seeds: dict[str, Any]) -> None:
    fast = build_lunr_index(seeds["docs"])
    assert serialized_size(fast) == len(_dump(fast).encode("utf-8"))
    empty = build_lunr_index([])
    assert serialized_size(empty) == len(_dump(empty).encode("utf-8"))


def test_awkward_documents_are_byte_identical() -> None:
    docs = [
        _doc("a", [("قصف", "قصف", "قصف"), ("قصف", "قصف", "قصف"), ("غارة", "غار", "غور")],
             [("place:Daraa", 0), ("place:Daraa", 1)]),
        _doc("b", [], []),  # no tokens at all: empty fields, empty vectors
        _doc("c", [("درعا", "درعا", "درع"), ("ABC", "Abc", "ab")], [("actor:X", 1)],
             positions=[5, 2]),  # positions out of order; upper case is lowercased by lunr
        _doc("d", [("درع", "درع", "درع")] * 4 + [("قصف", "", "")], []),  # a term in 3 fields
        # two spellings that lunr lowercases into one term, the later one at an earlier position
        _doc("e", [("Xyz", "x", "y"), ("xyz", "x", "y"), ("XYZ", "x", "y")], [],
             positions=[7, 3, 9]),
    ]
    fast = _same(docs)
    terms = [t for t, _p in fast["invertedIndex"]]
    assert "place:daraa" in terms and "abc" in terms and "ABC" not in terms
    posting = dict(fast["invertedIndex"])["درع"]
    assert posting["form"]["3"]["p"] == [0, 1, 1, 1]  # delta-encoded
    assert dict(fast["invertedIndex"])["xyz"]["form"]["4"]["p"] == [3, 4, 2]
    assert set(posting) == {"_index", *FIELDS}
    for shards in (1, 2, 5):
        assert ([_dump(p) for p in split_index(fast, shards)]
                == [_dump(p) for p in split_index(_build_with_builder(docs), shards)])


def test_empty_archive_gives_an_empty_index() -> None:
    serialized = build_lunr_index([])
    assert serialized["invertedIndex"] == [] and serialized["fieldVectors"] == []
    assert shard_count(serialized) == 1
