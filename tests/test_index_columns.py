"""The index written from analysis records' columns (ColumnDoc) is the one written from the
analysed articles (IndexDoc): same fields, features, segment files and docs.json."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from whoosh import index as whoosh_index

from archive.config import Paths
from archive.index.docs import ColumnDoc, IndexDoc
from archive.index.related import FeatureRows, _counts
from archive.index.schema import TokenStream, make_schema
from archive.index.writer import ArchiveWriter

REPO = Path(__file__).resolve().parents[1]


def _analysed(root: Path) -> tuple[list[str], Any, Any]:
    from archive.index.build import _analysed_sources
    from archive.pipeline import Timings, load

    loaded = load(Paths(root))
    articles = {a.id: a for a in loaded.articles}
    get, columns = _analysed_sources(loaded, articles, set(articles), None, True, 1, Timings())
    return sorted(articles), get, columns


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("columns")
    shutil.copytree(REPO / "seeds", root / "seeds")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


def _plain(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v.items) if isinstance(v, TokenStream) else v for k, v in fields.items()}


def test_column_fields_are_the_analysed_articles(seeds: Path) -> None:
    ids, get, columns = _analysed(seeds)
    seen = {"names": 0, "alts": 0, "runs": 0}
    for aid in ids:
        cols = columns(aid)
        assert cols is not None  # every article has its analysis record
        seen["names"] += bool(cols.names)
        seen["runs"] += cols.runs != [(0, len(cols.ids))]
        cdoc = ColumnDoc.from_columns(cols)
        doc = IndexDoc.from_analyzed(get(aid))
        want = doc.fields()
        got = cdoc.fields()
        seen["alts"] += any(t[0].startswith("~") for t in want["root"].items)
        assert _plain(got) == _plain(want)
        assert cdoc.feature_counts() == dict(_counts(want["root"].items, want["entity"].items))
    # the seeds have gazetteer names, alternative roots and boilerplate between body runs:
    # each way a column differs from a plain token list is checked above
    assert all(seen.values()), seen


def _segment_files(folder: Path) -> dict[str, bytes]:
    return {p.name.split(".", 1)[1]: p.read_bytes() for p in folder.iterdir()
            if p.name.startswith("MAIN_") and "." in p.name}


@pytest.mark.parametrize("buffermb", [0, 96])
def test_same_segment_files_from_columns(seeds: Path, tmp_path: Path, buffermb: int) -> None:
    """Written from columns or from tokens, with a run spilled after every document (0) or
    none: byte for byte the same segment, and the same related-articles rows."""
    ids, get, columns = _analysed(seeds)
    out = {}
    tables = {}
    for how in ("tokens", "columns"):
        folder = tmp_path / how
        folder.mkdir()
        ix = whoosh_index.create_in(str(folder), make_schema())
        writer = ArchiveWriter(ix, buffermb=buffermb)
        rows = FeatureRows()
        for aid in ids:
            if how == "tokens":
                fields = IndexDoc.from_analyzed(get(aid)).fields()
                writer.add_document(**fields)
                rows.add(aid, fields["root"].items, fields["entity"].items)
            else:
                cols = columns(aid)
                assert cols is not None
                cdoc = ColumnDoc.from_columns(cols)
                writer.add_document(**cdoc.fields())
                rows.add_counts(aid, cdoc.feature_counts())
        writer.commit()
        ix.close()
        out[how] = _segment_files(folder)
        tables[how] = rows.table().to_bytes()
    assert out["columns"] == out["tokens"]
    assert tables["columns"] == tables["tokens"]


def test_cold_docs_json_is_what_the_stored_fields_give(seeds: Path, tmp_path: Path) -> None:
    """A cold build's docs.json is made as the documents are added; it is what reading every
    document's stored fields back gives."""
    from archive.index.build import META, _docs_meta, current_generation, update_index

    root = tmp_path / "site"
    shutil.copytree(seeds, root)
    shutil.rmtree(root / "build", ignore_errors=True)
    paths = Paths(root)
    update_index(paths)
    gen = current_generation(paths)
    assert gen is not None
    written = json.loads((gen / META).read_text(encoding="utf-8"))
    ix = whoosh_index.open_dir(str(gen))
    try:
        read = _docs_meta(ix, None, [], set())
    finally:
        ix.close()
    assert len(read) == len([p for p in (root / "seeds").iterdir() if p.suffix in (".txt", ".md")])
    assert written == json.loads(json.dumps({str(k): v for k, v in read.items()}))


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("per_record", [1, 5, 4096])
def test_chunk_merge_is_the_heap_merge(seed: int, per_record: int,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs merged a record at a time give what merging them term by term gives: every term
    in (field, term) order, the parts of a term joined in run order and put in document order
    when they are not (random runs, records and documents, overlapping or not), however many
    postings the merged records hold (``per_record``)."""
    import heapq
    import random

    import archive.index.writer as writer_module
    from archive.index.writer import _KEY, _combined, _merge_chunks

    monkeypatch.setattr(writer_module, "_MERGED_POSTINGS", per_record)

    rng = random.Random(seed)
    vocab = sorted({(rng.choice("ab"), "".join(rng.choices("xyzw", k=rng.randint(1, 3))))
                    for _ in range(60)})
    runs = []
    for r in range(rng.randint(1, 5)):
        terms = sorted(rng.sample(vocab, rng.randint(1, len(vocab))))
        base = 100 * r if seed % 2 else rng.randint(0, 300)  # odd seeds: documents in order
        runs.append([(f, t, sorted(rng.sample(range(base, base + 50), rng.randint(1, 4))))
                     for f, t in terms])

    def records(run: list[Any]) -> Any:
        size = rng.randint(1, 7)
        for lo in range(0, len(run), size):
            part = run[lo:lo + size]
            bounds, ids = [], []
            for _, _, docs in part:
                ids += docs
                bounds.append(len(ids))
            yield ([(f, t) for f, t, _ in part], bounds, ids, [float(d) for d in ids],
                   [b"%d" % d for d in ids])

    def terms(run: list[Any]) -> Any:
        for f, t, docs in run:
            yield f, t, list(docs), [float(d) for d in docs], [b"%d" % d for d in docs]

    want = list(_combined(heapq.merge(*map(terms, runs), key=_KEY)))
    got = list(_merge_chunks([records(run) for run in runs]))
    assert got == want
