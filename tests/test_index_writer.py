"""ArchiveWriter (src/archive/index/writer.py) against Whoosh's own SegmentWriter.

Without inlined postings it must write byte for byte the segment files Whoosh writes from the
same documents with the same codec; with inlined postings (the default), every term's postings,
statistics and stored fields read back by stock Whoosh readers must be the same, and so must
the archive's searches. On the Daraa seeds and, when the corpus is beside the repository, on
300 real SaudiNewsNet articles (a small posting buffer forces sorted runs on disk).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from whoosh import index as whoosh_index
from whoosh import scoring

from archive.config import Paths
from archive.index.docs import IndexDoc
from archive.index.schema import make_schema
from archive.index.writer import ArchiveWriter, codec

REPO = Path(__file__).resolve().parents[1]
#: beside the repository (or beside the folder of its work trees)
CORPUS = next((p for p in (REPO.parent / "shared" / "corpora" / "saudinewsnet",
                           REPO.parents[1] / "shared" / "corpora" / "saudinewsnet")
               if p.is_dir()), REPO.parent / "shared" / "corpora" / "saudinewsnet")


def field_dicts(paths: Paths) -> Iterator[dict[str, Any]]:
    """``add_document`` arguments of every article, in id order, as the index build makes
    them."""
    from archive.analysis import Analyzer
    from archive.index.build import _analysed_source
    from archive.pipeline import Timings, load

    loaded = load(paths)
    articles = {a.id: a for a in loaded.articles}
    source = _analysed_source(loaded, articles, set(articles), None, True, 1, Timings())
    analyzer = Analyzer(loaded.gazetteer.matcher()) if loaded.gazetteer else Analyzer()
    for aid in sorted(articles):
        yield IndexDoc.from_analyzed(source(aid), analyzer).fields()


def write(folder: Path, docs: list[dict[str, Any]], which: str, **kwargs: Any) -> Any:
    folder.mkdir(parents=True)
    ix = whoosh_index.create_in(str(folder), make_schema())
    if which == "whoosh":
        writer = ix.writer(codec=codec(), compound=False)
    else:
        writer = ArchiveWriter(ix, **kwargs)
    for fields in docs:
        writer.add_document(**fields)
    writer.commit()
    return ix


def segment_files(folder: Path) -> dict[str, bytes]:
    """Each segment file by its extension (segment ids are random; the TOC names them)."""
    out = {}
    for p in folder.iterdir():
        if p.name.startswith("_MAIN_") or p.suffix == ".toc" or p.name.endswith("LOCK"):
            continue
        out[p.name.split(".", 1)[1]] = p.read_bytes()  # MAIN_<segment id>.<what>
    return out


def everything(ix: Any) -> dict[str, Any]:
    """What a reader gives back: per field and term, its statistics and postings (docnum,
    weight, value); per document, its stored fields and field lengths."""
    out: dict[str, Any] = {}
    with ix.reader() as r:
        for fieldname in sorted(r.indexed_field_names()):
            for btext in r.lexicon(fieldname):
                ti = r.term_info(fieldname, btext)
                m = r.postings(fieldname, btext)
                posts = []
                while m.is_active():
                    posts.append((m.id(), m.weight(), m.value()))
                    m.next()
                out[f"{fieldname}:{btext!r}"] = (
                    ti.weight(), ti.doc_frequency(), ti.min_length(), ti.max_length(),
                    ti.max_weight(), ti.min_id(), ti.max_id(), posts)
        for num, stored in r.iter_docs():
            out[f"doc {num}"] = (stored, [r.doc_field_length(num, f) for f in r.schema.names()])
        out["lengths"] = {f: r.field_length(f) for f in r.schema.names()}
    return out


def searches(ix: Any, words: list[str]) -> list[Any]:
    """BM25F hits (document, score) and phrase hits of ``words`` in every word field."""
    from whoosh.query import Phrase, Term

    out = []
    with ix.searcher(weighting=scoring.BM25F()) as s:
        for field in ("form", "stem", "root", "entity", "title_form", "title_root"):
            for w in words:
                out.append([(h.docnum, round(h.score, 9))
                            for h in s.search(Term(field, w), limit=None)])
            for a, b in zip(words, words[1:], strict=False):
                out.append([h.docnum for h in s.search(Phrase(field, [a, b]), limit=None)])
    return out


def frequent_terms(ix: Any, field: str, n: int) -> list[str]:
    with ix.reader() as r:
        return [t.decode() for _, t in r.most_frequent_terms(field, n)] if hasattr(
            r, "most_frequent_terms") else []


def check_same(tmp: Path, docs: list[dict[str, Any]], **kwargs: Any) -> None:
    stock = write(tmp / "whoosh", docs, "whoosh")
    exact = write(tmp / "exact", docs, "archive", inline=0, protocol=2, stored_level=None,
                  **kwargs)
    inline = write(tmp / "inline", docs, "archive", **kwargs)
    assert segment_files(tmp / "exact") == segment_files(tmp / "whoosh")
    ref = everything(stock)
    assert everything(inline) == ref
    words = frequent_terms(stock, "form", 40) + frequent_terms(stock, "root", 20)
    with stock.reader() as r:  # rare words too: their postings are inlined
        rare = [t.decode() for t in r.lexicon("form")][::97][:40]
    assert searches(inline, words + rare) == searches(stock, words + rare)
    assert searches(exact, words[:10]) == searches(stock, words[:10])
    # the inlined index is smaller: most terms are found in a few articles only
    size = {k: sum(len(v) for v in segment_files(tmp / k).values()) for k in ("whoosh", "inline")}
    assert size["inline"] < size["whoosh"]


@pytest.fixture(scope="module")
def seed_docs(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    root = tmp_path_factory.mktemp("seeds")
    shutil.copytree(REPO / "seeds", root / "seeds")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    docs = list(field_dicts(Paths(root)))
    assert len(docs) >= 5
    return docs


def test_seeds_same_files_and_same_postings(tmp_path: Path,
                                            seed_docs: list[dict[str, Any]]) -> None:
    check_same(tmp_path, seed_docs)


def test_runs_on_disk_give_the_same_index(tmp_path: Path,
                                          seed_docs: list[dict[str, Any]]) -> None:
    """A buffer of 0 MB spills a sorted run after every document: the merge must put each
    term's postings back in document order."""
    check_same(tmp_path, seed_docs * 3, buffermb=0)


@pytest.mark.parametrize(("terms", "postings"), [(3, 16384), (1024, 5)])
def test_runs_read_back_across_records(tmp_path: Path, seed_docs: list[dict[str, Any]],
                                       monkeypatch: pytest.MonkeyPatch, terms: int,
                                       postings: int) -> None:
    """A spilled run is written as records of a few terms each (or of a few postings: a term
    of more alone): a term's postings must come back whole and in order whether its run's
    records end before, at or after it."""
    import archive.index.writer as writer_module

    monkeypatch.setattr(writer_module, "_RUN_CHUNK", 3)
    monkeypatch.setattr(writer_module, "_TERMS_AT_ONCE", terms)
    monkeypatch.setattr(writer_module, "_POSTINGS_AT_ONCE", postings)
    check_same(tmp_path, seed_docs * 2, buffermb=0)


def test_packed_buffer_gives_terms_in_order_with_their_postings() -> None:
    """PackedBuffer (the packed fields' postings as arrays) gives every term of several
    documents and fields once, in (field, term) order, with its postings in document order,
    each value the term's positions (and offsets) in that document, and a run written to a
    file reads back the same, whatever the size of its records."""
    import tempfile

    import archive.index.writer as writer_module
    from archive.index.writer import PackedBuffer, read_run

    docs = list(_random_streams())
    want: dict[tuple[str, str], list[tuple[int, float, bytes]]] = {}
    buf = PackedBuffer()
    for docnum, items in enumerate(docs):
        for fieldname, chars in (("form", True), ("stem", False)):
            length, _ = buf.add(fieldname, items, docnum, chars)
            assert length == sum(1 for t, *_ in items if t)
            for term in sorted({t for t, *_ in items if t}):
                places = [(p, s, e) for t, p, s, e in items if t == term]
                value = (array("I", [x for place in places for x in place]) if chars
                         else array("I", [p for p, _, _ in places])).tobytes()
                want.setdefault((fieldname, term), []).append(
                    (docnum, float(len(places)), value))
    run = buf.sorted()
    assert run is not None and not buf
    got = {(f, t): list(zip(ids, ws, vs, strict=True)) for f, t, ids, ws, vs in run.terms()}
    assert list(got) == sorted(want) and got == want
    for at_once in (1, 2, 4096):
        writer_module._TERMS_AT_ONCE, keep = at_once, writer_module._TERMS_AT_ONCE
        try:
            with tempfile.TemporaryFile() as fh:
                run.save(fh)
                back = {(f, t): list(zip(ids, ws, vs, strict=True))
                        for f, t, ids, ws, vs in read_run(fh)}
        finally:
            writer_module._TERMS_AT_ONCE = keep
        assert back == want and list(back) == sorted(want)


def test_stored_fields_at_the_stored_level(tmp_path: Path,
                                          seed_docs: list[dict[str, Any]]) -> None:
    """The stored fields are compressed at STORED_LEVEL (0: zlib's stored blocks, no deflate
    work), every other file is what Whoosh's level writes, and a stock reader gives back the
    same stored fields."""
    from archive.index.writer import STORED_LEVEL

    stock = write(tmp_path / "whoosh", seed_docs, "whoosh")
    ours = write(tmp_path / "ours", seed_docs, "archive", inline=0, protocol=2)
    a, b = segment_files(tmp_path / "whoosh"), segment_files(tmp_path / "ours")
    assert a.keys() == b.keys()
    assert {k for k in a if a[k] != b[k]} == {"_stored.col"}
    with stock.reader() as r, ours.reader() as s:
        assert list(s.iter_docs()) == list(r.iter_docs())
    assert STORED_LEVEL == 0
    # level 0: each document's pickle is in the column as it is, behind zlib's block header
    text = seed_docs[0]["text"].encode("utf-8")
    assert text[:200] in b["_stored.col"] and text[:200] not in a["_stored.col"]
    assert len(b["_stored.col"]) > len(a["_stored.col"])


def test_merging_segments_gives_what_whoosh_gives(tmp_path: Path,
                                                 seed_docs: list[dict[str, Any]]) -> None:
    """One segment per commit, then a deletion, an addition and a merge of every segment
    (what an update does once MERGE_AT segments have piled up): the merged segment's
    postings come from the old segments' readers (``add_reader``)."""
    results = {}
    for which in ("whoosh", "archive"):
        results[which] = everything(merged_segments(tmp_path / which, seed_docs, which))
    assert results["archive"] == results["whoosh"]


def merged_segments(folder: Path, seed_docs: list[dict[str, Any]], which: str) -> Any:
    """An index of one segment per commit of four documents, then a deletion, an addition
    and a merge of every segment, written by Whoosh's writer or ArchiveWriter."""
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), make_schema())

    def writer() -> Any:
        return (ix.writer(codec=codec(), compound=False) if which == "whoosh"
                else ArchiveWriter(ix))

    for fields in seed_docs[:4]:
        w = writer()
        w.add_document(**fields)
        w.commit(merge=False)
    w = writer()
    w.delete_by_term("id", seed_docs[1]["id"])
    w.add_document(**seed_docs[4])
    w.commit(optimize=True)
    assert len(ix._segments()) == 1
    return ix


@pytest.mark.skipif(not CORPUS.is_dir(), reason="SaudiNewsNet corpus not present")
def test_real_articles_same_files_and_same_postings(tmp_path: Path) -> None:
    root = tmp_path / "real"
    (root / "seeds").mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - archive\n", encoding="utf-8")
    res = subprocess.run(
        [sys.executable, "-m", "archive", "--root", str(root), "import",
         str(sorted(CORPUS.glob("*.zip"))[0]), "--limit", "300"],
        capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr[-2000:]
    docs = list(field_dicts(Paths(root)))
    assert len(docs) >= 250
    check_same(tmp_path, docs, buffermb=1)


def test_refuses_what_it_does_not_write(tmp_path: Path) -> None:
    from whoosh.fields import TEXT, Schema

    ix = whoosh_index.create_in(str(tmp_path), Schema(body=TEXT(vector=True)))
    with pytest.raises(ValueError, match="term vectors"):
        ArchiveWriter(ix)


def test_a_token_stream_needs_a_packed_format(tmp_path: Path) -> None:
    """A token stream is turned into postings in the archive's packed formats only: given to
    a field of Whoosh's own Characters format it is refused, not indexed as its text."""
    from whoosh.fields import ID, TEXT, Schema

    from archive.index.schema import ArchiveTokenizer, encode_stream

    schema = Schema(id=ID(stored=True, unique=True),
                    body=TEXT(analyzer=ArchiveTokenizer("form"), phrase=True, chars=True))
    ix = whoosh_index.create_in(str(tmp_path), schema)
    writer = ArchiveWriter(ix)
    with pytest.raises(TypeError, match="'body'.*packed formats only, not Characters"):
        writer.add_document(id="a", body=encode_stream([("كتب", 0, 0, 3)]))
    writer.cancel()


def _random_streams() -> Iterator[list[tuple[str, int, int, int]]]:
    """Token streams with repeated terms, empty terms, shared places and large offsets."""
    import random

    rng = random.Random(12)
    for n in (0, 1, 2, 50, 400):
        items, start = [], 0
        for pos in range(n):
            term = rng.choice(["", "a", "b", "ب", "كتب", f"t{rng.randint(0, 30)}"])
            end = start + rng.randint(1, 9)
            items.append((term, pos * rng.randint(1, 300), start, end))
            start = end + rng.randint(0, 70000 if pos % 97 == 5 else 3)
        yield items


def test_packed_buffer_small_streams_same_as_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    """A short stream (a title's) is buffered without numpy (``_add_small``): the same
    lengths, estimated sizes, terms, postings and spilled bytes as the numpy path."""
    import tempfile

    import archive.index.writer as writer_module
    from archive.index.writer import PackedBuffer

    def buffered(small: int) -> tuple[list[tuple[int, int]], list[Any], bytes]:
        monkeypatch.setattr(writer_module, "_SMALL", small)
        buf = PackedBuffer()
        got = [buf.add(fieldname, items, docnum, chars)
               for docnum, items in enumerate(_random_streams())
               for fieldname, chars in (("form", True), ("stem", False))]
        run = buf.sorted()
        assert run is not None
        with tempfile.TemporaryFile() as fh:
            run.save(fh)
            fh.seek(0)
            saved = fh.read()
        return got, list(run.terms()), saved

    numpy_path, small_path = buffered(0), buffered(10**6)
    assert small_path == numpy_path
    assert sum(length for length, _ in numpy_path[0]) > 0


def test_run_of_values_of_any_length_reads_back() -> None:
    """Values whose lengths are not multiples of 4 bytes (another format's, buffered by
    ``add_postings``) are gathered byte by byte when a run is saved, and read back the same."""
    import tempfile

    from archive.index.writer import PackedBuffer, read_run

    buf = PackedBuffer()
    want: dict[tuple[str, str], list[tuple[int, float, bytes]]] = {}
    for docnum in range(5):
        postings = [(f"t{k}".encode(), k + 1, float(k + 1), bytes(range(docnum, docnum + k)))
                    for k in range(docnum % 3, 7)]
        assert buf.add_postings("f", docnum, postings) is not None
        for btext, _, weight, value in postings:
            want.setdefault(("f", btext.decode()), []).append((docnum, weight, value))
    run = buf.sorted()
    assert run is not None
    with tempfile.TemporaryFile() as fh:
        run.save(fh)
        back = {(f, t): list(zip(ids, ws, vs, strict=True)) for f, t, ids, ws, vs in read_run(fh)}
    assert back == want


@pytest.mark.parametrize("fieldname", ["form", "stem", "entity", "title_root"])
def test_packed_postings_of_a_stream_are_the_formats(fieldname: str) -> None:
    """What add_document buffers for a token stream of the archive's packed formats is, per
    term, the frequency, weight and value the field's format gives through Whoosh's own
    ``field.index`` (the tokenizer, then ``word_values``), and the value decodes back to the
    term's positions (and offsets) in stream order."""
    from archive.index.schema import PackedCharacters, encode_stream
    from archive.index.writer import _packed_into

    field = make_schema()[fieldname]
    chars = type(field.format) is PackedCharacters
    for items in _random_streams():
        terms: dict[str, list[Any]] = {}
        length, size = _packed_into(terms, items, 7, chars)
        ours = sorted((t.encode(), int(f[1]), f[1], f[2]) for t, f in terms.items())
        assert all(f[0] == 7 and len(f) == 3 for f in terms.values())
        stock = sorted(field.index(encode_stream(items)))
        assert ours == stock
        assert length == sum(1 for t, *_ in items if t)
        assert size > 0 if ours else size == 0
        for t, _, _, value in ours:
            want = [(p, s, e) for term, p, s, e in items if term.encode() == t]
            if chars:
                assert field.format.decode_characters(value) == want
            assert field.format.decode_positions(value) == [p for p, _, _ in want]
            assert field.format.decode_frequency(value) == len(want)


def test_stock_whoosh_reads_the_packed_formats(tmp_path: Path) -> None:
    """The packed posting values are read right by Whoosh's own matchers: a stock phrase
    query (positions) and the character offsets of a term, from an ArchiveWriter segment."""
    from whoosh.query import Phrase

    from archive.index.schema import encode_stream

    words = ["a", "b", "c", "a", "b"]
    docs = []
    for i, order in enumerate([words, list(reversed(words))]):
        items = [(w, p, 2 * p, 2 * p + 1) for p, w in enumerate(order)]
        docs.append({"id": f"d{i}", "form": encode_stream(items), "stem": encode_stream(items)})
    ix = write(tmp_path / "ix", docs, "archive")
    with ix.searcher() as s:
        for field in ("form", "stem"):
            hits = s.search(Phrase(field, ["a", "b"]))
            assert sorted(h["id"] for h in hits) == ["d0"]
            hits = s.search(Phrase(field, ["b", "a"]))
            assert sorted(h["id"] for h in hits) == ["d1"]
        m = s.reader().postings("form", "a")
        assert m.id() == 0 and m.value_as("characters") == [(0, 0, 1), (3, 6, 7)]
        assert s.reader().postings("stem", "b").value_as("positions") == [1, 4]


@pytest.mark.parametrize("n", [0, 1, 3, 2_000])
def test_fast_term_table_writes_whooshs_bytes(tmp_path: Path, n: int) -> None:
    """The term table's ``add`` and hash tables (_fast_term_table: hashes kept in an array,
    the tables made by numpy) give the bytes of Whoosh's own OrderedHashWriter, whatever the
    number of entries (2,000: every bucket has several, so slots collide)."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.filedb.filetables import OrderedHashReader, OrderedHashWriter

    from archive.index.writer import _fast_term_table

    store = FileStorage(str(tmp_path))
    keys = sorted(f"k{k:05d}".encode() for k in range(n))
    for name, fast in (("stock", False), ("fast", True)):
        tw = OrderedHashWriter(store.create_file(name))
        if fast:
            _fast_term_table(tw)
        for k, key in enumerate(keys):
            tw.add(key, b"v" * (k % 7))
        tw.close()
    assert (tmp_path / "fast").read_bytes() == (tmp_path / "stock").read_bytes()
    reader = OrderedHashReader.open(store, "fast")
    assert [reader[key] for key in keys] == [b"v" * (k % 7) for k in range(n)]


def test_length_bytes_written_at_once_are_whooshs(tmp_path: Path, seed_docs: list[dict[str, Any]],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """ArchiveWriter keeps each document's field-length bytes and writes Whoosh's length
    columns at once (``_write_lengths``): the same files as through Whoosh's per-document
    writer (``add_field``, taken when the writer is not W3PerDocWriter itself), also when a
    merge's readers write documents after the new ones (``add_reader``)."""
    import archive.index.writer as writer_mod

    one = write(tmp_path / "at-once", seed_docs, "archive")
    merged = merged_segments(tmp_path / "merged-at-once", seed_docs, "archive")
    monkeypatch.setattr(writer_mod, "W3PerDocWriter", type("NotIt", (), {}))
    two = write(tmp_path / "per-doc", seed_docs, "archive")
    merged_per_doc = merged_segments(tmp_path / "merged-per-doc", seed_docs, "archive")
    a, b = segment_files(tmp_path / "at-once"), segment_files(tmp_path / "per-doc")
    assert any(k.endswith("_len.col") for k in a)
    assert a == b
    assert everything(one) == everything(two)
    assert everything(merged) == everything(merged_per_doc)
    assert (segment_files(tmp_path / "merged-at-once")
            == segment_files(tmp_path / "merged-per-doc"))


@pytest.mark.parametrize("n", [0, 1, 2, 255, 256, 4097, 12345, 64999, 65000, 65531, 65532,
                               70000])
def test_stored_deflate_is_zlibs_level_0(n: int) -> None:
    import zlib

    from archive.index.writer import _STORED_SAME, stored_deflate

    data = bytes((i * 7 + 3) % 256 for i in range(n))
    assert _STORED_SAME
    assert stored_deflate(data) == zlib.compress(data, 0)
    assert stored_deflate(data, 1) == zlib.compress(data, 1)
    assert zlib.decompress(stored_deflate(data)) == data


def test_stored_column_through_stored_deflate_is_zlibs(tmp_path: Path,
                                                       seed_docs: list[dict[str, Any]],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """At STORED_LEVEL 0 the stored column's writer compresses with stored_deflate: the same
    column as zlib.compress at level 0 gives."""
    import archive.index.writer as writer_mod

    seen = []
    real = writer_mod.stored_deflate

    def counted(data: bytes, level: int = 0) -> bytes:
        seen.append(len(data))
        return real(data, level)

    monkeypatch.setattr(writer_mod, "stored_deflate", counted)
    write(tmp_path / "ours", seed_docs, "archive")
    assert len(seen) == len(seed_docs)
    monkeypatch.setattr(writer_mod, "_STORED_SAME", False)  # zlib.compress itself
    write(tmp_path / "zlib", seed_docs, "archive")
    assert len(seen) == len(seed_docs)
    assert segment_files(tmp_path / "ours") == segment_files(tmp_path / "zlib")
