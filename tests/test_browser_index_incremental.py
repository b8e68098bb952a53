"""The browser index writer: streamed, written incrementally, and the same bytes as a cold build.

A build with a state folder (``build/browser``) rewrites only the files whose bytes change:
after one edited article most index shards keep their mtime; after edits, an addition and a
deletion, and after the number of shards and document slots grows and shrinks again, the
search data is byte-identical to a cold build of the same articles. Every posting equals what
the article's tokens say (the reference ``_field_items``).
"""

from __future__ import annotations

import collections
import functools
import json
import random
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archive.analysis import Analyzer
from archive.browser import index as browser_index
from archive.browser import keptstate
from archive.browser.index import (
    FIELDS,
    STATE_VERSION,
    _field_items,
    assign_docnums,
    live_numbers,
    position_lists,
    posting_members,
    read_data,
    shard_count,
    slot_space,
    unpack,
    write_browser_index,
)
from archive.config import Paths
from archive.index.docs import IndexDoc

REPO = Path(__file__).resolve().parents[1]

ARTICLE = """---
title: {title}
date: 2021-0{month}-1{month}
source: مصدر تجريبي
---
{body}
"""
TOPICS = [
    "أعلنت وزارة الزراعة في الأردن بدء موسم حصاد القمح في السهول الشمالية.",
    "فاز المنتخب الوطني في مباراة كرة القدم بهدفين نظيفين أمام جمهوره.",
    "تساقطت الأمطار الغزيرة على المدن الساحلية وأغلقت الطرق الجبلية.",
    "ارتفعت أسعار النفط في الأسواق العالمية بعد قرار خفض الإنتاج.",
]


def _project(root: Path) -> Path:
    shutil.copytree(REPO / "seeds", root / "seeds")
    for i, body in enumerate(TOPICS):
        _article(root, i, f"خبر تجريبي رقم {i}", body)
    return root


def _article(root: Path, i: int, title: str, body: str) -> None:
    (root / "seeds" / f"synthetic-{i}.md").write_text(
        ARTICLE.format(title=title, month=(i % 9) + 1, body=body), encoding="utf-8")


def _analyzed(root: Path) -> tuple[list[Any], Any]:
    from archive.pipeline import analyze_corpus, load

    loaded = load(Paths(root))
    return sorted(analyze_corpus(loaded), key=lambda aa: aa.article.id), loaded.gazetteer


def _data(site: Path) -> dict[str, bytes]:
    data = site / "search" / "data"
    return {p.relative_to(data).as_posix(): p.read_bytes()
            for p in sorted(data.rglob("*")) if p.is_file()}


def _mtimes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns
            for p in folder.rglob("*") if p.is_file()}


def _shard_records(state: Path) -> dict[int, tuple[int, int]]:
    """Shard → where its state record is in the state pack (offset, length): a shard whose
    record was written again has another offset."""
    from array import array

    index = array("q")
    index.frombytes((state / "shards" / "index.bin").read_bytes())
    return {k: (index[2 * k], index[2 * k + 1]) for k in range(len(index) // 2)
            if index[2 * k] >= 0}


def _cold(root: Path, analyzed: list[Any], gazetteer: Any, **kw: Any) -> dict[str, bytes]:
    site = root / "cold-site"
    shutil.rmtree(site, ignore_errors=True)

    def stream() -> Iterator[Any]:  # consumed once, one article at a time
        yield from analyzed

    write_browser_index(stream(), site, gazetteer, **kw)
    return _data(site)


def _same(a: dict[str, bytes], b: dict[str, bytes]) -> None:
    assert a.keys() == b.keys(), sorted(set(a) ^ set(b))[:10]
    differing = sorted(k for k in a if a[k] != b[k])
    assert differing == [], differing[:10]


def _postings(site: Path) -> dict[tuple[str, str, str], list[int]]:
    """(term, field, article id) → positions, over every shard, through the cards."""
    data = site / "search" / "data"
    meta = read_data(data, "meta.json")
    ident: dict[int, str] = {}
    for n in live_numbers(meta["live"]):
        block = read_data(data, f"cards/{n // meta['card_block']}.json")
        ident[n] = block[n % meta["card_block"]][0]
    out: dict[tuple[str, str, str], list[int]] = {}
    freqs: dict[tuple[str, str, str], int] = {}  # long terms: frequencies in the shard
    long_docs: dict[tuple[str, str], list[int]] = {}  # long terms: their articles per field
    for path in (data / "lunr").glob("*.json.dfl"):
        shard = json.loads(unpack(path.read_bytes()))
        assert shard["fieldVectors"] == []
        terms = [t for t, _ in shard["invertedIndex"]]
        assert terms == sorted(terms, key=lambda t: t.encode("utf-16-be"))  # lunr.js order
        for term, posting in shard["invertedIndex"]:
            assert set(posting) <= {"d", "t", *FIELDS}
            long, fields = posting_members(posting)
            for name, held in fields.items():
                assert held  # no field without articles
                if long:  # a long term: its positions are in pos/
                    long_docs[(term, name)] = sorted(held)
                    for n, tf in held.items():
                        freqs[(term, name, ident[n])] = tf
                    continue
                for n, positions in held.items():
                    out[(term, name, ident[n])] = positions
    for path in (data / "pos").glob("*/*.json.dfl"):
        blocks, b = (int(x) for x in path.name.split(".")[:2])
        for term, fields in json.loads(unpack(path.read_bytes())).items():
            for name, value in fields.items():
                # the articles: those of the term's field in its shard, in the range b
                numbers = [n for n in long_docs[(term, name)]
                           if n * blocks // meta["slots"] == b]
                for n, positions in zip(numbers, position_lists(value), strict=True):
                    key = (term, name, ident[n])
                    assert key not in out  # one file per article and term
                    out[key] = positions
    assert freqs == {k: len(out[k]) for k in freqs}  # the same articles, as many positions
    return out


@pytest.fixture(params=["short", "long", "ranges", "arrays"])
def layout(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """``long``: every term is long (its positions in pos/ files, one article per file);
    ``ranges``: a term in more than two articles is long, its positions split into ranges of
    about two articles (a rebuild patches the ranges its articles are in); ``arrays``:
    a rebuild makes every forms entry again as those of the terms most articles hold
    (:func:`_many_forms_entry`) and hashes every shard's terms together
    (:func:`_term_hashes`), as at tens of thousands of articles."""
    if request.param == "arrays":
        monkeypatch.setattr(browser_index, "MANY_FORMS", 0)
        monkeypatch.setattr(browser_index, "MANY_TERMS", 0)
    if request.param == "long":
        monkeypatch.setattr(browser_index, "LONG_DOCS", 0)
        monkeypatch.setattr(browser_index, "BLOCK_DOCS", 1)
    if request.param == "ranges":
        monkeypatch.setattr(browser_index, "LONG_DOCS", 2)
        monkeypatch.setattr(browser_index, "BLOCK_DOCS", 2)
    return str(request.param)


def _reference(analyzed: list[Any], gazetteer: Any) -> dict[tuple[str, str, str], list[int]]:
    titles = Analyzer(gazetteer.matcher())
    out: dict[tuple[str, str, str], list[int]] = {}
    for aa in analyzed:
        doc = IndexDoc.from_analyzed(aa, titles)
        for name, items in _field_items(doc).items():
            for term, pos in items:
                out.setdefault((term.lower(), name, doc.id), []).append(pos)
    return {k: sorted(v) for k, v in out.items()}


def test_incremental_builds_rewrite_little_and_equal_a_cold_build(tmp_path: Path,
                                                                  layout: str) -> None:
    root = _project(tmp_path / "archive")
    state, site = root / "build" / "browser", root / "site"
    analyzed, gazetteer = _analyzed(root)
    # many small shards (as in a large archive): an article's terms fall in a few of them
    write = functools.partial(write_browser_index, state_dir=state, docs_per_shard=1 / 64)
    cold = functools.partial(_cold, docs_per_shard=1 / 64)
    report = write(analyzed, site, gazetteer)
    assert report.full and report.changed == len(analyzed) == 9
    assert _postings(site) == _reference(analyzed, gazetteer)
    _same(_data(site), cold(root, analyzed, gazetteer))
    data = state / "data"
    before = _mtimes(data)

    # nothing changed: no file written, every mtime kept
    report = write(analyzed, site, gazetteer)
    assert (report.changed, report.deleted, report.written, report.full) == (0, 0, 0, False)
    assert _mtimes(data) == before

    # one article edited: its text, the shards of its old and new terms, meta.json
    edited = root / "seeds" / "synthetic-1.md"
    edited.write_text(edited.read_text("utf-8").replace("بهدفين", "بثلاثة أهداف"), "utf-8")
    analyzed, gazetteer = _analyzed(root)
    report = write(iter(analyzed), site, gazetteer)
    assert (report.changed, report.deleted, report.full) == (1, 0, False)
    after = _mtimes(data)
    rewritten = sorted(k for k in after if after[k] != before.get(k))
    shards = [k for k in rewritten if k.startswith("lunr/")]
    total = len([k for k in after if k.startswith("lunr/")])
    assert 0 < len(shards) < total / 2, (len(shards), total)
    assert "meta.json.dfl" not in rewritten  # nothing it holds changed
    # the same ids: the places in id order are kept without being encoded again
    assert not any(k.startswith("rank") for k in rewritten)
    assert len([k for k in rewritten if k.startswith("docs/")]) == 1
    assert not any(k.startswith(("analyzer-tables", "lexicon/", "names")) for k in rewritten)
    _same(_data(site), cold(root, analyzed, gazetteer))

    # one deleted, one added (between existing ids), another edited
    (root / "seeds" / "synthetic-2.md").unlink()
    _article(root, 9, "خبر مضاف", "افتتحت الجامعة كلية جديدة لطب الأسنان في الأردن.")
    edited = root / "seeds" / "synthetic-3.md"
    edited.write_text(edited.read_text("utf-8").replace("النفط", "الذهب"), "utf-8")
    (root / "seeds" / "000_extra.md").write_text(
        ARTICLE.format(title="خبر أول", month=5, body="وصل وفد المفاوضات إلى درعا صباح اليوم."),
        "utf-8")
    analyzed, gazetteer = _analyzed(root)
    before = _mtimes(data)
    report = write(analyzed, site, gazetteer)
    assert (report.changed, report.deleted) == (3, 1)
    after = _mtimes(data)
    # ids came and went: the places after them moved (rank.json and the blocks, compared
    # with a cold build below)
    assert "rank.json.dfl" in [k for k in after if after[k] != before.get(k)]
    assert _postings(site) == _reference(analyzed, gazetteer)
    _same(_data(site), cold(root, analyzed, gazetteer))
    # the site's files are the state's (hard links), and no stray files are left
    assert _data(site) == {k: (data / k).read_bytes() for k in _mtimes(data)}


def test_shards_and_slots_grow_and_shrink(tmp_path: Path, layout: str) -> None:
    """With one article per shard, going from 3 to 9 articles and back to 2 changes the
    number of shards and of document slots: every shard is rebuilt from the old ones."""
    root = _project(tmp_path / "archive")
    state, site = root / "build" / "browser", root / "site"
    seeds = root / "seeds"
    hidden = tmp_path / "hidden"
    hidden.mkdir()
    texts = sorted(p for p in seeds.iterdir() if p.suffix in (".md", ".txt"))
    for p in texts[3:]:
        p.rename(hidden / p.name)
    counts = []
    for step in ("three", "all", "two"):
        if step == "all":
            for p in hidden.iterdir():
                p.rename(seeds / p.name)
        if step == "two":
            for p in texts[2:]:
                (seeds / p.name).unlink()
        analyzed, gazetteer = _analyzed(root)
        report = write_browser_index(analyzed, site, gazetteer, state_dir=state, docs_per_shard=1)
        assert report.full  # the number of shards changed at every step
        meta = read_data(site / "search" / "data", "meta.json")
        assert meta["shards"] == shard_count(len(analyzed), 1)
        assert meta["slots"] == slot_space(len(analyzed))
        counts.append(meta["shards"])
        assert _postings(site) == _reference(analyzed, gazetteer)
        _same(_data(site), _cold(root, analyzed, gazetteer, docs_per_shard=1))
    assert counts == [4, 16, 2]


def test_an_added_or_deleted_article_rewrites_only_the_rank_blocks_whose_keys_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rank keys (format 13), a rank block per document number: an added or a deleted
    article rewrites the blocks of the numbers whose key changed, came or went (not every
    block, as when each held places in id order), and the files equal a cold build's."""
    monkeypatch.setattr(browser_index, "RANK_BLOCK", 1)
    root = _project(tmp_path / "archive")
    state, site = root / "build" / "browser", root / "site"
    write = functools.partial(write_browser_index, state_dir=state)
    analyzed, gazetteer = _analyzed(root)
    write(analyzed, site, gazetteer)
    data = state / "data"
    blocks = len(list((data / "rank").iterdir()))
    for step in ("add", "delete"):
        if step == "add":  # (the last id)
            (root / "seeds" / "synthetic-a.md").write_text(ARTICLE.format(
                title="خبر مضاف", month=3, body="افتتحت الجامعة كلية جديدة."), "utf-8")
        else:  # the first of its head's ids: every place after it shifted (format 12)
            (root / "seeds" / "synthetic-0.md").unlink()
        analyzed, gazetteer = _analyzed(root)
        before = _mtimes(data)
        report = write(analyzed, site, gazetteer)
        assert not report.full
        after = _mtimes(data)
        rewritten = [k for k in after if k.startswith("rank/") and after[k] != before.get(k)]
        assert "rank.json.dfl" in [k for k in after if after[k] != before.get(k)]
        assert 0 < len(rewritten) <= 2 < blocks, (step, rewritten, blocks)
        _same(_data(site), _cold(root, analyzed, gazetteer))


def test_stream_out_of_id_order_is_refused(tmp_path: Path) -> None:
    root = _project(tmp_path / "archive")
    analyzed, gazetteer = _analyzed(root)
    with pytest.raises(ValueError, match="ascending id order"):
        write_browser_index(iter(analyzed[::-1]), tmp_path / "site", gazetteer)


def test_document_numbers_depend_only_on_the_set_of_ids() -> None:
    ids = [f"article-{i:03d}" for i in range(40)]
    slots = slot_space(len(ids))
    numbers = dict(zip(ids, assign_docnums(ids, slots), strict=True))
    assert len(set(numbers.values())) == len(ids) and max(numbers.values()) < slots
    # one more article moves few others; none when its slot was free of probes
    more = sorted([*ids, "article-0205"])
    again = dict(zip(more, assign_docnums(more, slots), strict=True))
    moved = [i for i in ids if again[i] != numbers[i]]
    assert len(moved) <= 3


def test_from_the_build_records_only_changed_articles_are_read(tmp_path: Path) -> None:
    """Given the build's analysis records, a rebuild reads back only the articles whose
    record (or address) changed since the previous one, and the data equals a cold build."""
    from archive.pipeline import analyse, load

    root = _project(tmp_path / "archive")
    state, site = root / "build" / "browser", root / "site"
    read: list[str] = []

    class Counted:  # the build's records, counting the articles read back
        def __init__(self) -> None:
            self.analysis = analyse(load(Paths(root)), workers=1)
            self.keys = self.analysis.keys

        def article(self, ident: str) -> Any:
            read.append(ident)
            return self.analysis.article(ident)

    records = Counted

    write = functools.partial(write_browser_index, state_dir=state, docs_per_shard=1 / 64)
    source = records()
    write(source, site, source_gazetteer := load(Paths(root)).gazetteer)
    assert sorted(read) == sorted(source.keys)  # first build: every article
    read.clear()
    report = write(records(), site, source_gazetteer)
    assert read == [] and (report.changed, report.written) == (0, 0)  # none read again
    edited = root / "seeds" / "synthetic-1.md"
    edited.write_text(edited.read_text("utf-8").replace("بهدفين", "بثلاثة أهداف"), "utf-8")
    (root / "seeds" / "synthetic-2.md").unlink()
    _article(root, 7, "خبر مضاف", "افتتحت الجامعة كلية جديدة لطب الأسنان في الأردن.")
    report = write(records(), site, source_gazetteer)
    assert sorted(read) == ["synthetic-1", "synthetic-7"]
    assert (report.changed, report.deleted) == (2, 1)
    analyzed, gazetteer = _analyzed(root)
    _same(_data(site), _cold(root, analyzed, gazetteer, docs_per_shard=1 / 64))
    # an article's new address is written without its analysis having changed
    read.clear()
    urls = {"synthetic-3": "elsewhere/synthetic-3/"}
    write(records(), site, source_gazetteer, urls=urls)
    assert read == ["synthetic-3"]
    _same(_data(site), _cold(root, analyzed, gazetteer, urls=urls, docs_per_shard=1 / 64))


def test_data_of_an_older_format_is_replaced(tmp_path: Path) -> None:
    """A build/browser/ written by the uncompressed format (plain .json files, no state the
    new writer accepts) ends as a cold build's data: the old files are removed, and a
    damaged stored file is rewritten even when its content would not change."""
    root = _project(tmp_path / "archive")
    state, site = root / "build" / "browser", root / "site"
    analyzed, gazetteer = _analyzed(root)
    write_browser_index(analyzed, site, gazetteer, state_dir=state)
    data = state / "data"
    (data / "meta.json").write_text("{}", "utf-8")
    (data / "lunr" / "0.json").write_text("{}", "utf-8")
    (data / "docs" / "1.json").write_text("{}", "utf-8")
    damaged = sorted((data / "lunr").glob("*.json.dfl"))[-1]
    damaged.write_bytes(b"\x1f\x8b not gzip")
    (state / "state.bin").unlink()  # as after a change of format: no usable state
    write_browser_index(analyzed, site, gazetteer, state_dir=state)
    assert not [p for p in data.rglob("*") if p.is_file() and not p.name.endswith(".json.dfl")]
    _same(_data(site), _cold(root, analyzed, gazetteer))
    assert unpack(damaged.read_bytes())


def test_analyzer_and_name_tables_are_made_only_when_their_inputs_change(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """analyzer-tables.json, lexicon/ and names.json depend on the analysis and gazetteer code
    and on the gazetteer's names only: a rebuild from the build's records without such a
    change neither makes them nor builds the name matcher (the costly part of a build with
    nothing changed); a new name, or a lost table file, makes them again, and the data still
    equals a cold build."""
    import archive.browser.index as browser_index
    from archive.pipeline import analyse, load

    root = _project(tmp_path / "archive")
    state, site = root / "build" / "browser", root / "site"
    made: list[int] = []
    real = browser_index.browser_tables

    def counted() -> Any:
        made.append(1)
        return real()

    def build() -> Any:
        records = analyse(load(Paths(root)), workers=1)  # the build's records, as the plugin
        gazetteer = load(Paths(root)).gazetteer  # loaded anew: no name matcher built yet
        return write_browser_index(records, site, gazetteer, state_dir=state), gazetteer

    monkeypatch.setattr(browser_index, "browser_tables", counted)
    build()
    assert len(made) == 1
    report, gazetteer = build()
    assert (report.changed, report.written, len(made)) == (0, 0, 1)
    assert gazetteer._matcher is None
    assert sorted(report.files["lexicon/*.json"]) == sorted(
        (site / "search" / "data" / "lexicon").glob("*.json.dfl"))
    _same(_data(site), _cold(root, *_analyzed(root)))
    made.clear()  # (the cold build made them too)

    places = root / "seeds" / "places.yml"
    text = places.read_text("utf-8")
    assert "  name: الأردن\n" in text
    places.write_text(text.replace("  name: الأردن\n", "  name: المملكة الأردنية\n"), "utf-8")
    build()
    assert len(made) == 1
    names = read_data(site / "search" / "data", "names.json")["names"]
    assert "المملكه الاردنيه" in names  # the new name, normalized
    _same(_data(site), _cold(root, *_analyzed(root)))
    made.clear()

    (state / "data" / "names.json.dfl").unlink()  # a table file lost: made again
    build()
    assert len(made) == 1
    _same(_data(site), _cold(root, *_analyzed(root)))


def test_shard_files_from_fragments_equal_the_reference_encoding(tmp_path: Path) -> None:
    """Each shard is written from per-term JSON fragments kept in its state; the text is
    exactly what encoding the whole shard at once gives (``lunr_shard_json`` and
    ``forms_shard_json`` over the state's decoded postings and forms), after an edit too."""
    import marshal

    from archive.browser.index import _load_shard, _term_data, forms_shard_json, lunr_shard_json
    from archive.browser.shardpack import ShardPack

    root = _project(tmp_path / "archive")
    state, site = root / "build" / "browser", root / "site"
    write = functools.partial(write_browser_index, site_dir=site, state_dir=state,
                              docs_per_shard=1 / 8)
    analyzed, gazetteer = _analyzed(root)
    write(analyzed, gazetteer=gazetteer)
    edited = root / "seeds" / "synthetic-0.md"
    edited.write_text(edited.read_text("utf-8").replace("القمح", "الشعير والقمح"), "utf-8")
    analyzed, gazetteer = _analyzed(root)
    write(analyzed, gazetteer=gazetteer)
    data = site / "search" / "data"
    shards = read_data(data, "meta.json")["shards"]
    seen = 0
    pack = ShardPack(state / "shards", fresh=False)
    for k in range(shards):
        saved = _load_shard(pack, k)
        assert saved is not None
        lunr, forms = saved
        # a short term's postings are read back from its fragment (the state keeps no copy)
        terms = {t: _term_data(v) for t, v in lunr.items()}
        tables = [{t: marshal.loads(v[1]) for t, v in table.items()} for table in forms]
        text = unpack((data / "lunr" / f"{k}.json.dfl").read_bytes()).decode()
        assert text == lunr_shard_json(terms)
        text = unpack((data / "forms" / f"{k}.json.dfl").read_bytes()).decode()
        assert text == forms_shard_json(tables, terms)
        seen += len(terms)
    pack.close(write=False)
    assert seen > 100


def test_shard_state_is_marshal_version_2(tmp_path: Path) -> None:
    """Shard state records (and the marshal bytes inside them) are written with marshal
    version 2: no back references, so their bytes depend on the values only (version 4 marks
    objects by identity and reference count: equal state, bytes not always equal)."""
    import marshal

    from archive.browser.shardpack import ShardPack

    root = _project(tmp_path / "archive")
    state, site = root / "build" / "browser", root / "site"
    analyzed, gazetteer = _analyzed(root)
    write_browser_index(analyzed, site, gazetteer, state_dir=state)
    pack = ShardPack(state / "shards", fresh=False)
    records = [data for k in range(len(pack.index) // 2) if (data := pack.get(k)) is not None]
    pack.close(write=False)
    assert records
    inner = 0
    for k, data in enumerate(records):
        lunr, forms = value = marshal.loads(data)
        assert marshal.dumps(value, 2) == data, k
        for entries in (lunr, *forms):
            for entry in entries.values():
                if isinstance(entry[1], bytes):
                    assert marshal.dumps(marshal.loads(entry[1]), 2) == entry[1]
                    inner += 1
    assert inner


def test_a_state_of_another_version_means_a_cold_build(tmp_path: Path) -> None:
    """A build/browser/ left by another state version (version 1 kept a pickle per shard,
    ``shards/<k>.pkl``) is not read: the next build is a full one, removes the old state
    files and gives a cold build's bytes; the build after it is incremental again."""
    root = _project(tmp_path / "archive")
    state, site = root / "build" / "browser", root / "site"
    analyzed, gazetteer = _analyzed(root)
    write_browser_index(analyzed, site, gazetteer, state_dir=state)
    saved = keptstate.load(state / "state.bin")
    assert saved["version"] == STATE_VERSION == 10
    docs = saved.pop("docs")
    keptstate.write(state / "state.bin", {**saved, "version": 1}, iter(docs.items()))
    old = state / "shards" / "0.pkl"
    old.write_bytes(b"an old pickle")
    older = state / "shards" / "0.bin"  # version 8 kept a file per shard
    older.write_bytes(b"an old shard state")
    edited = root / "seeds" / "synthetic-2.md"
    edited.write_text(edited.read_text("utf-8").replace("الأمطار", "الثلوج"), "utf-8")
    analyzed, gazetteer = _analyzed(root)
    report = write_browser_index(analyzed, site, gazetteer, state_dir=state)
    assert report.full and report.changed == len(analyzed)
    assert not old.exists() and not older.exists()
    assert sorted(p.name for p in (state / "shards").iterdir()) == ["index.bin", "pack.bin"]
    _same(_data(site), _cold(root, analyzed, gazetteer))
    report = write_browser_index(analyzed, site, gazetteer, state_dir=state)
    assert (report.full, report.changed, report.written) == (False, 0, 0)


def test_only_the_card_block_of_a_changed_article_is_written(tmp_path: Path) -> None:
    """After an edit, the card block holding the edited article is the only one encoded and
    written; a lost block is written again; the data equals a cold build."""
    root = _project(tmp_path / "archive")
    state, site = root / "build" / "browser", root / "site"
    analyzed, gazetteer = _analyzed(root)
    write_browser_index(analyzed, site, gazetteer, state_dir=state)
    cards = state / "data" / "cards"
    before = _mtimes(cards)
    assert len(before) > 1
    edited = root / "seeds" / "synthetic-3.md"
    edited.write_text(edited.read_text("utf-8").replace("خبر تجريبي", "خبر معدّل"), "utf-8")
    analyzed, gazetteer = _analyzed(root)
    ident = "synthetic-3"
    lost = sorted(cards.iterdir())[0]
    block_of = {}
    meta = read_data(site / "search" / "data", "meta.json")
    for n in live_numbers(meta["live"]):
        block = read_data(state / "data", f"cards/{n // meta['card_block']}.json")
        block_of[block[n % meta["card_block"]][0]] = f"{n // meta['card_block']}.json.dfl"
    if block_of[ident] == lost.name:
        lost = sorted(cards.iterdir())[-1]
    lost.unlink()
    write_browser_index(analyzed, site, gazetteer, state_dir=state)
    after = _mtimes(cards)
    assert sorted(k for k in after if after[k] != before.get(k)) == sorted(
        {block_of[ident], lost.name})
    assert read_data(state / "data", f"cards/{block_of[ident]}".removesuffix(".dfl"))
    _same(_data(site), _cold(root, analyzed, gazetteer))


def test_an_appended_sentence_touches_only_the_shards_of_what_changed(tmp_path: Path) -> None:
    """An article edited by appending a sentence: only the shards where its postings or
    forms changed (the new words, the words that occur again) are decoded and written again,
    not every shard holding one of its terms; the data still equals a cold build."""
    root = _project(tmp_path / "archive")
    state, site = root / "build" / "browser", root / "site"
    write = functools.partial(write_browser_index, state_dir=state, docs_per_shard=1 / 64)
    analyzed, gazetteer = _analyzed(root)
    write(analyzed, site, gazetteer)
    before = _shard_records(state)
    edited = root / "seeds" / "synthetic-1.md"
    edited.write_text(edited.read_text("utf-8") + "\nوسافر اللاعبون إلى العاصمة.\n", "utf-8")
    ident = "synthetic-1"
    analyzed, gazetteer = _analyzed(root)
    report = write(analyzed, site, gazetteer)
    assert (report.changed, report.full) == (1, False)
    after = _shard_records(state)
    rewritten = [k for k in after if after[k] != before.get(k)]
    meta = read_data(site / "search" / "data", "meta.json")
    doc = next(aa for aa in analyzed if aa.article.id == ident)
    items = _field_items(IndexDoc.from_analyzed(doc, Analyzer(gazetteer.matcher())))
    from archive.browser.index import _hash
    holding = {_hash(t.lower()) % meta["shards"] for pairs in items.values() for t, _ in pairs}
    assert 0 < len(rewritten) < len(holding) / 2, (len(rewritten), len(holding))
    assert _postings(site) == _reference(analyzed, gazetteer)
    _same(_data(site), _cold(root, analyzed, gazetteer, docs_per_shard=1 / 64))


def test_an_edit_rewrites_only_the_positions_files_of_its_range(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A long term's positions are split by document number into ranges (one file each);
    an article edited without changing which terms it holds rewrites only the positions
    files of its own range (the state keeps a long term's articles and frequencies, not its
    positions: the other ranges are neither read nor written); the data equals a cold
    build."""
    monkeypatch.setattr(browser_index, "LONG_DOCS", 2)
    monkeypatch.setattr(browser_index, "BLOCK_DOCS", 1)
    root = _project(tmp_path / "archive")
    state, site = root / "build" / "browser", root / "site"
    analyzed, gazetteer = _analyzed(root)
    write_browser_index(analyzed, site, gazetteer, state_dir=state)
    pos = state / "data" / "pos"
    before = _mtimes(pos)
    assert len(before) > 20
    edited = root / "seeds" / "synthetic-0.md"
    text = edited.read_text("utf-8")
    # the same words again: no term comes or goes, the positions of those held change
    edited.write_text(text + "\n" + TOPICS[0] + "\n", "utf-8")
    analyzed, gazetteer = _analyzed(root)
    read: list[str] = []
    get = browser_index._PosFiles.get

    def reading(self: Any, key: str) -> Any:
        read.append(key)
        return get(self, key)

    monkeypatch.setattr(browser_index._PosFiles, "get", reading)
    report = write_browser_index(analyzed, site, gazetteer, state_dir=state)
    assert (report.changed, report.full) == (1, False)
    after = _mtimes(pos)
    rewritten = sorted(k for k in after if after[k] != before.get(k))
    meta = read_data(site / "search" / "data", "meta.json")
    block = meta["card_block"]
    number = next(n for n in live_numbers(meta["live"])
                  if read_data(site / "search" / "data", f"cards/{n // block}.json")[n % block][0]
                  == "synthetic-0")
    assert rewritten and read
    for key in [*rewritten, *(f"-/{k}" for k in read)]:
        blocks, b = (int(x) for x in key.split("/")[1].split(".")[:2])
        assert b == number * blocks // meta["slots"], key
    assert sorted(before) == sorted(after)
    assert _postings(site) == _reference(analyzed, gazetteer)
    _same(_data(site), _cold(root, analyzed, gazetteer))


@pytest.mark.parametrize("per_shard", [1 / 64, 1])  # more shards than spill buckets, fewer
def test_spill_read_in_small_pieces_and_several_passes_gives_the_same_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, per_shard: float) -> None:
    """A large archive's spill buckets are read a few MB at a time, in several passes (each
    building a part of the shards): the files are those of one pass over each bucket read
    whole, cold and incremental."""
    root = _project(tmp_path / "archive")
    analyzed, gazetteer = _analyzed(root)
    whole = _cold(root, analyzed, gazetteer, docs_per_shard=per_shard)
    monkeypatch.setattr(browser_index, "SPILL_READ", 7)  # records span the pieces
    monkeypatch.setattr(browser_index, "SPILL_PASS", 1)  # as many passes as there can be
    assert _cold(root, analyzed, gazetteer, docs_per_shard=per_shard) == whole
    state, site = root / "build" / "browser", root / "site"
    write_browser_index(analyzed, site, gazetteer, state_dir=state, docs_per_shard=per_shard)
    edited = root / "seeds" / "synthetic-1.md"
    edited.write_text(edited.read_text("utf-8").replace("بهدفين", "بثلاثة أهداف"), "utf-8")
    (root / "seeds" / "synthetic-2.md").unlink()
    analyzed, gazetteer = _analyzed(root)
    write_browser_index(analyzed, site, gazetteer, state_dir=state, docs_per_shard=per_shard)
    monkeypatch.undo()
    _same(_data(site), _cold(root, analyzed, gazetteer, docs_per_shard=per_shard))


def test_state_written_a_few_articles_at_a_time_reads_back(tmp_path: Path) -> None:
    """state.bin is written piece by piece (not one record of every article): read back, it
    is the whole state; an article out of id order is refused; a file cut short, damaged or
    of another kind (state version 9's JSON) is no state."""
    from archive.browser.index import _write_state

    head = {"version": 4, "data_version": 9, "code": "c", "shards": 2, "slots": 4,
            "constants": ["k", ["x"]]}
    docs = [(f"a{i:04}", [i, "f", ["id", "p", "عنوان", None, "2015-01-01", "s", [3, [1, 2, "ي"]]],
                          [], "k"]) for i in range(2500)]  # several records
    path = tmp_path / "state.bin"
    for listed in (docs, docs[:1], []):
        _write_state(path, head, iter(listed))
        assert keptstate.load(path) == {**head, "docs": dict(listed)}
    with pytest.raises(ValueError, match="after"):
        _write_state(path, head, iter([docs[1], docs[0]]))
    _write_state(path, head, iter(docs))
    data = path.read_bytes()
    for bad in (data[:-3], data[:len(keptstate.MAGIC) + 2], data[:40] + b"\xff" * 9 + data[49:],
                b'{"version": 9, "docs": {}}'):
        path.write_bytes(bad)
        with pytest.raises(ValueError):
            keptstate.load(path)
    path.write_bytes(bad)
    assert browser_index._load_state(tmp_path) is None


def test_a_short_terms_postings_are_read_back_from_its_fragment() -> None:
    """The state keeps a short term's shard entry only: decoding it gives back every field's
    articles and delta positions, also where a cell repeats its reference field's (``=``)."""
    import random

    from archive.browser.index import _short_fields, _short_fragment

    rng = random.Random(7)
    for _ in range(300):
        fields: dict[int, dict[int, list[int]]] = {}
        docs = rng.sample(range(500), rng.randint(1, 6))
        for f in rng.sample(range(8), rng.randint(1, 8)):
            held = {}
            for d in docs:
                if rng.random() < 0.6:
                    continue
                ref = {1: 0, 2: 1, 5: 4, 6: 5}.get(f)
                if ref in fields and d in fields[ref] and rng.random() < 0.7:
                    held[d] = list(fields[ref][d])  # the same positions as its reference
                else:
                    held[d] = [rng.randint(0, 40) for _ in range(rng.randint(1, 4))]
            if held:
                fields[f] = held
        if not fields:
            continue
        fragment = _short_fragment(fields)
        assert _short_fields(fragment) == fields
    assert "=" in _short_fragment({0: {3: [5]}, 1: {3: [5]}})


def test_the_digest_packs_of_a_rebuild_equal_a_cold_builds(tmp_path: Path) -> None:
    """The articles' term hashes and checksums live in a few pack files, not a file per
    article; after an edit, an addition and a deletion they hold exactly what a cold build of
    the same articles holds (the deleted article's record is gone), and the next edit reads
    them back: only the edited article is read and the data equals a cold build."""
    from archive.browser.index import DIGEST_PACKS, _article_key, _Digests

    def packs(state: Path) -> dict[bytes, bytes]:
        files = list((state / "articles").iterdir())
        assert files and all(p.suffix == ".bin" and int(p.stem) < DIGEST_PACKS for p in files)
        reader = _Digests(state / "articles", fresh=False)
        out: dict[bytes, bytes] = {}
        for p in files:
            out.update(reader._read(int(p.stem)))
        return out

    root = _project(tmp_path / "archive")
    state, site = root / "build" / "browser", root / "site"
    analyzed, gazetteer = _analyzed(root)
    write_browser_index(analyzed, site, gazetteer, state_dir=state)
    assert set(packs(state)) == {_article_key(aa.article.id) for aa in analyzed}
    (root / "seeds" / "synthetic-2.md").unlink()
    _article(root, 9, "خبر مضاف", "افتتحت الجامعة كلية جديدة لطب الأسنان في الأردن.")
    edited = root / "seeds" / "synthetic-3.md"
    edited.write_text(edited.read_text("utf-8").replace("النفط", "الذهب"), "utf-8")
    analyzed, gazetteer = _analyzed(root)
    write_browser_index(analyzed, site, gazetteer, state_dir=state)
    rebuilt = packs(state)
    assert _article_key("synthetic-2") not in rebuilt
    assert set(rebuilt) == {_article_key(aa.article.id) for aa in analyzed}
    cold_state = root / "cold-state"
    write_browser_index(analyzed, root / "cold-state-site", gazetteer, state_dir=cold_state)
    assert rebuilt == packs(cold_state)
    edited.write_text(edited.read_text("utf-8").replace("الذهب", "الفضة"), "utf-8")
    analyzed, gazetteer = _analyzed(root)
    report = write_browser_index(analyzed, site, gazetteer, state_dir=state)
    assert (report.full, report.changed) == (False, 1)
    _same(_data(site), _cold(root, analyzed, gazetteer))


def test_the_forms_entry_of_a_common_term_is_the_same_by_arrays() -> None:
    """:func:`_many_forms_entry` (a rebuild's forms entries of terms held by many articles)
    gives :func:`_forms_entry`'s value: one form held by every article (``0``), forms held by
    some (``-1`` for the others), articles holding several forms (their numbers, ascending),
    several spellings of a form (the lowest-numbered article's), and a form held by an
    article outside the posting (the explicit entry)."""
    rng = random.Random(12)
    shapes = collections.Counter()
    for case in range(600):
        docs = sorted(rng.sample(range(4000), rng.randint(0, 300)))
        norms: dict[str, dict[str, list[int]]] = {}
        for f in range(rng.choice([1, 1, 2, 3, 8, 40])):
            share = rng.choice([1.0, 0.5, 0.05])
            held = [d for d in docs if rng.random() < share]
            if case % 7 == 0 and rng.random() < 0.3:  # an article the posting does not hold
                held = sorted({*held, 4000 + f})
            if not held:
                continue
            norm = f"ن{f}"
            if rng.random() < 0.3:  # several spellings, each with some of the articles
                cut = rng.randint(0, len(held))
                spellings = {norm: held[:cut], f"{norm}ـ": held[cut:]}
                norms[norm] = {s: v for s, v in spellings.items() if v}
            else:
                norms[norm] = {rng.choice([norm, f"{norm}ـ"]): held}
        if not norms:
            continue
        want = browser_index._forms_entry(norms, docs)
        assert browser_index._many_forms_entry(norms, docs) == want, (norms, docs)
        shapes[type(want).__name__ if not isinstance(want, list) else
               "all" if want[1] == 0 else
               "several" if any(isinstance(c, list) for c in want[1]) else "codes"] += 1
    assert min(shapes[k] for k in ("dict", "all", "several", "codes")) > 10, shapes


@pytest.mark.parametrize("c_module", [True, False])
def test_term_hashes_together_equal_each_alone(c_module: bool,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The hashes a rebuild computes for a whole shard's terms at once (to find those of a
    deleted or edited article) are :func:`term_hash`'s: Arabic, Latin, astral characters (two
    UTF-16 code units each, as JavaScript hashes them), the empty term, long terms; in C
    one by one, and by numpy where the C module is not built."""
    if not c_module:
        monkeypatch.setattr(browser_index, "_cterms", None)
    rng = random.Random(5)
    alphabet = "ابتثجحخدذرسشصضطظعغفقكلمنهويءآأإؤئةى" + "abcXYZ019:_" + "𝒜😀"
    terms = ["", "a", "𝒜", "x" * 60] + ["".join(rng.choices(alphabet, k=rng.randint(1, 25)))
                                        for _ in range(2000)]
    assert browser_index._term_hashes(terms) == [browser_index.term_hash_py(t) for t in terms]
    assert browser_index._term_hashes([]) == []


@pytest.mark.parametrize("terms", [
    ["درعا", "abc", "z", "a b", "\x7f"],  # nothing to escape, code point order = UTF-16 order
    ['قال"', "a\\b", "x\ny", "\x1f", "ب"],  # escaped by JSON
    ["\U0001f600", "\ufb50", "\ud7ff", "ا"],  # an astral character sorts before U+E000+ in JS
    [],
])
def test_lunr_text_quotes_and_orders_terms_as_json_and_javascript_do(terms: list[str]) -> None:
    """A shard's text made from its fragments (with or without the fast path for terms that
    need no escaping) is the reference encoding's: terms as JSON strings, in UTF-16 order."""
    from archive.browser.index import _lunr_text, lunr_shard_json

    postings = {t: {0: {i: [1]}} for i, t in enumerate(terms)}
    fragments = {t: (f'"d":"{i}","body":"1"',) for i, t in enumerate(terms)}
    text = json.loads(_lunr_text(fragments))
    assert [e[0] for e in text["invertedIndex"]] == [
        e[0] for e in json.loads(lunr_shard_json(postings))["invertedIndex"]]
    assert [e[0] for e in text["invertedIndex"]] == sorted(
        terms, key=lambda t: t.encode("utf-16-be"))
