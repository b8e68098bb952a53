"""What makes `archive search` fast must not change what it finds: postings read by blocks
(and the public-API fallback), the AND of all terms first, proximity only for the hits that
can reach the top, the ids cache of the index generation, the deferred analysis tables and
the kept gazetteer."""

from __future__ import annotations

import json
import os
import pickle
import random
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import KEPT_TABLES_PRELUDE, python_json_runs

from archive.config import Paths
from archive.index.build import update_index
from archive.search import ids_cache, postings
from archive.search.engine import (
    IndexView,
    candidates,
    evaluate,
    open_view,
    search,
)
from archive.search.query import parse
from archive.search.service import GAZETTEER_FILE, kept_gazetteer, query_analyzer

REPO = Path(__file__).resolve().parents[1]

#: Words, names, phrases, roots, AND/OR/NOT, runs of words that get a proximity bonus.
QUERIES = [
    "درعا", "قصف", "المفاوضات", "بصرى الشام", '"درعا البلد"', "جذر:فوض", "الجيش الحر",
    "قصف درعا", "المعارضة النظام", "قوات النظام درعا", "درعا OR حمص", "درعا -قصف",
    "NOT درعا", "(قصف OR غارات) درعا", "مفاوضات المعارضة الروسي", "الحر -النظام قصف",
    "Bosra", "اتفاق وقف إطلاق النار",
]


@pytest.fixture(scope="module")
def root(indexed_root: Path) -> Path:
    return indexed_root


@pytest.fixture(scope="module")
def analyzer(root: Path):  # type: ignore[no-untyped-def]
    return query_analyzer(Paths(root))[0]


@pytest.fixture
def view(root: Path) -> Iterator[IndexView]:
    with open_view(Paths(root)) as v:
        yield v


def results(root: Path, analyzer, **kw) -> list[dict]:  # type: ignore[no-untyped-def]
    out = []
    for q in QUERIES:
        with open_view(Paths(root)) as v:
            for mode in ("root", "exact"):
                out.append(search(v, q, node=parse(q, analyzer), mode=mode, **kw).to_json())
    return out


def test_queries_find_something(root: Path, analyzer) -> None:  # type: ignore[no-untyped-def]
    """The comparisons below are not vacuous: most queries match, several rank with proximity."""
    found = results(root, analyzer, limit=None)
    assert sum(1 for r in found if r["total"]) >= len(found) * 3 // 4
    assert any(row["proximity"] for r in found for row in r["results"])


def test_block_read_and_public_walk_give_the_same_postings(view: IndexView,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    reader = view.reader
    checked = 0
    for fieldname in ("form", "stem", "root", "title_form", "entity"):
        terms = [t.decode() if isinstance(t, bytes) else t for t in reader.lexicon(fieldname)]
        for term in terms[:: max(1, len(terms) // 40)]:
            fast = postings.read(reader, fieldname, term, values=True)
            assert postings.FAST is True
            monkeypatch.setattr(postings, "ENABLED", False)
            public = postings.read(reader, fieldname, term, values=True)
            assert postings.FAST is False
            monkeypatch.setattr(postings, "ENABLED", True)
            assert fast == public and fast, (fieldname, term)
            checked += 1
    assert checked > 50
    assert postings.read(reader, "form", "لاوجودلهذهالكلمة") == []


def test_search_is_the_same_through_the_public_walk(root: Path, analyzer,  # type: ignore[no-untyped-def]
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    fast = results(root, analyzer)
    monkeypatch.setattr(postings, "ENABLED", False)
    assert results(root, analyzer) == fast


def test_the_fallback_is_taken_when_the_internals_are_unknown(view: IndexView,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    expected = postings.read(view.reader, "form", "درعا", values=True)
    monkeypatch.setattr(postings, "W3LeafMatcher", None)
    monkeypatch.setattr(postings, "ListMatcher", None)
    assert postings.read(view.reader, "form", "درعا", values=True) == expected
    assert postings.FAST is False


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_top_results_with_lazy_proximity_are_those_of_ranking_every_hit(
        root: Path, analyzer, limit: int) -> None:  # type: ignore[no-untyped-def]
    every = results(root, analyzer, limit=None)
    top = results(root, analyzer, limit=limit)
    assert [{**r, "results": r["results"][:limit]} for r in every] == top


def test_within_keeps_exactly_the_hits_inside(view: IndexView, analyzer) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(3)
    for q in QUERIES:
        node = parse(q, analyzer)
        full = evaluate(view, node)
        bound = candidates(view, node)
        assert bound is None or set(full) <= bound, q
        for _ in range(3):
            within = set(rng.sample(view.docnums, k=rng.randint(0, view.n)))
            part = evaluate(view, node, within=within)
            assert set(part) == set(full) & within, q
            for doc, hit in part.items():
                assert (hit.score, hit.spans, hit.sources, hit.levels) == (
                    full[doc].score, full[doc].spans, full[doc].sources, full[doc].levels), q


def _copy(root: Path, to: Path) -> Paths:
    shutil.copytree(root, to, symlinks=True)
    return Paths(to)


def test_ids_cache_is_written_used_and_the_same(root: Path, tmp_path: Path, analyzer  # type: ignore[no-untyped-def]
                                                ) -> None:
    paths = _copy(root, tmp_path / "a")
    cache = paths.build / ids_cache.FILE
    cache.unlink(missing_ok=True)
    with open_view(paths) as v:
        first = [search(v, q, node=parse(q, analyzer)).to_json() for q in QUERIES]
        docs = json.loads((v.gen / "docs.json").read_text(encoding="utf-8"))
    assert cache.is_file()
    with open_view(paths) as v:
        assert v._cache is not None  # read from the cache, not from docs.json
        assert v.all_ids() == {int(k): row["id"] for k, row in docs.items()}
        assert [v.meta(int(k)) for k in docs] == list(docs.values())
        assert [search(v, q, node=parse(q, analyzer)).to_json() for q in QUERIES] == first


def test_ids_cache_of_another_generation_is_never_used(root: Path, tmp_path: Path) -> None:
    paths = _copy(root, tmp_path / "a")
    with open_view(paths) as v:
        old_gen, old_ids = v.gen.name, v.all_ids()
    cache = paths.build / ids_cache.FILE
    assert cache.is_file()
    # a new article: the update writes a new generation with one more document
    (paths.seeds / "zz-new.md").write_text("---\ntitle: جديد\n---\n\nنص جديد عن قصف درعا.\n",
                                            encoding="utf-8")
    update_index(paths, related=False)
    with open_view(paths) as v:
        assert v.gen.name != old_gen
        assert v._cache is None  # the old cache's key is another generation's
        ids = v.all_ids()
    assert set(ids.values()) == set(old_ids.values()) | {"zz-new"}
    with open_view(paths) as v:
        assert v._cache is not None and v.all_ids() == ids  # rewritten for the new one


def test_ids_cache_with_code_inside_is_refused(root: Path, tmp_path: Path) -> None:
    paths = _copy(root, tmp_path / "a")
    with open_view(paths) as v:
        gen, ids = v.gen, v.all_ids()

    class Boom:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, ("exit 3",))

    (paths.build / ids_cache.FILE).write_bytes(pickle.dumps(
        {"key": ids_cache.key_of(gen), "docnums": Boom(), "ids": []}))
    with open_view(paths) as v:
        assert v._cache is None and v.all_ids() == ids


# --------------------------------------------------------------------------- start-up


def test_a_query_leaves_the_pattern_table_unread_and_exports_stay_whole(tmp_path: Path
                                                                         ) -> None:
    code = KEPT_TABLES_PRELUDE + (
        "words = [analyze_word(w) for w in ('والمفاوضات', 'بدرعا', 'الذي')]\n"
        "unread = not dict.__contains__(kept, 'patterns')\n"
        "same = tables.tables_json() == tables.tables_json(tables._build_tables())\n"
        "print(json.dumps([unread, same, 'patterns' in kept, words], ensure_ascii=False))\n"
    )
    runs: list[Any] = python_json_runs(code, str(tmp_path))
    # first process: built in full (nothing deferred); second: read from build/, deferred
    assert runs[0][0] is False and runs[1][0] is True
    assert runs[0][1:] == runs[1][1:] and runs[1][1] is True and runs[1][2] is True


def test_kept_gazetteer_is_the_loaded_one_and_follows_the_files(tmp_path: Path) -> None:
    from archive.index.build import load_gazetteer

    paths = Paths(tmp_path / "a")
    shutil.copytree(REPO / "seeds", paths.seeds)
    shutil.copy(REPO / "mkdocs.yml", paths.root / "mkdocs.yml")
    first = kept_gazetteer(paths)
    assert (paths.build / GAZETTEER_FILE).is_file()
    again = kept_gazetteer(paths)
    fresh = load_gazetteer(paths)
    assert again is not first and again.entities == fresh.entities == first.entities
    assert again.matcher().names == fresh.matcher().names
    assert again.matcher().readings == fresh.matcher().readings
    # an edit of places.yml is seen at once
    places = paths.seeds / "places.yml"
    places.write_text(places.read_text(encoding="utf-8").replace("Bosra", "Busra-X"),
                      encoding="utf-8")
    edited = kept_gazetteer(paths)
    assert edited.entities == load_gazetteer(paths).entities != fresh.entities


def test_kept_gazetteer_is_keyed_to_every_gazetteer_file() -> None:
    from archive.gazetteer.loader import FILES
    from archive.search.service import GAZETTEER_SOURCES

    assert sorted(GAZETTEER_SOURCES) == sorted(FILES.values())


def test_kept_gazetteer_with_foreign_code_inside_is_refused(tmp_path: Path) -> None:
    from archive.search import service

    paths = Paths(tmp_path / "a")
    shutil.copytree(REPO / "seeds", paths.seeds)
    expected = kept_gazetteer(paths).entities

    class Boom:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, ("exit 3",))

    (paths.build / GAZETTEER_FILE).write_bytes(pickle.dumps(
        {"key": service._gazetteer_key(paths), "gazetteer": Boom()}))
    assert kept_gazetteer(paths).entities == expected



def test_phrase_spans_found_for_the_results_shown_are_the_phrase_occurrences(
        view: IndexView, analyzer) -> None:  # type: ignore[no-untyped-def]
    from archive.search.engine import merge_spans, phrase_occurrences
    from archive.search.query import LEVEL_FIELD

    docnum = {aid: d for d, aid in view.all_ids().items()}
    for q in ('"درعا البلد"', '"قوات النظام"', '"وقف إطلاق النار"'):
        node = parse(q, analyzer)
        found = search(view, q, node=node, limit=None)
        assert found.results, q
        for r in found.results:
            level = r.levels[0][1]
            terms = [w.at(level) for w in node.words]
            occ = phrase_occurrences(view, LEVEL_FIELD[level], terms).get(docnum[r.id], [])
            assert r.spans == merge_spans([(s, e) for _, s, e in occ]), (q, r.id)


def test_an_empty_filter_is_no_filter(root: Path, analyzer) -> None:  # type: ignore[no-untyped-def]
    from archive.search.engine import Filters

    assert Filters().empty() and not Filters(date_from="2018").empty()
    assert results(root, analyzer, filters=Filters()) == results(root, analyzer)


@pytest.mark.parametrize("level", [3, 2, 1])
def test_phrase_counts_are_the_phrase_occurrences(view: IndexView, level: int) -> None:
    """How many times a phrase stands in each article (what its score counts), from positions
    alone: the occurrences found with their character offsets, body and title fields, words
    repeated in the phrase too."""
    from archive.index.schema import TITLE_PREFIX
    from archive.search.engine import phrase_counts, phrase_occurrences
    from archive.search.query import LEVEL_FIELD

    analyzer_ = query_analyzer(Paths(view.gen.parents[2]))[0]
    seen = 0
    for q in ('"درعا البلد"', '"قوات النظام"', '"وقف إطلاق النار"', '"قوات النظام قوات"',
              '"درعا درعا"', '"ريف درعا الشرقي"'):
        terms = [w.at(level) for w in parse(q, analyzer_).words]
        for field in (LEVEL_FIELD[level], TITLE_PREFIX + LEVEL_FIELD[level]):
            counts = phrase_counts(view, field, terms)
            assert counts == {d: len(occ) for d, occ in
                              phrase_occurrences(view, field, terms).items()}, (q, field)
            seen += len(counts)
    assert seen
