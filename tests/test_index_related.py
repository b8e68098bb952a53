"""Related articles updated for the changed articles only (src/archive/index/related.py).

``update_related`` must give, byte for byte, what ``related_from_features`` computes from
scratch, after edits, additions and deletions, while computing again only the lists an update
can change. Checked on synthetic features (Zipf-like: every range of document frequency) and,
through the index build, on a few hundred real articles when the corpus is present.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from archive.index import related as rel

REPO = Path(__file__).resolve().parents[1]
#: beside the repository (or beside the folder of its work trees)
CORPUS = next((p for p in (REPO.parent / "shared" / "corpora" / "saudinewsnet",
                           REPO.parents[1] / "shared" / "corpora" / "saudinewsnet")
               if p.is_dir()), REPO.parent / "shared" / "corpora" / "saudinewsnet")


def article(rng: random.Random, vocab: int) -> dict[str, int]:
    """Features of one synthetic article: Zipf-like roots and a few entities."""
    out: dict[str, int] = {}
    for _ in range(rng.randint(20, 120)):
        f = f"r{int(vocab ** rng.random())}"
        out[f] = out.get(f, 0) + 1
    for _ in range(rng.randint(0, 4)):
        out[f"@place:{int(60 ** rng.random())}"] = rng.randint(1, 3)
    return dict(sorted(out.items()))


def corpus(rng: random.Random, n: int, vocab: int = 3000) -> dict[str, dict[str, int]]:
    return {f"a{k:05d}": article(rng, vocab) for k in range(n)}


def as_json(related: dict[str, list[dict[str, Any]]]) -> str:
    return rel.related_json(related)


class Spy:
    """Counts the rows computed in full."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.rows = 0
        real = rel._Matrix.top

        def top(m: Any, rows: Any, top_k: int) -> Any:
            self.rows += len(rows)
            return real(m, rows, top_k)

        monkeypatch.setattr(rel._Matrix, "top", top)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_updates_equal_a_computation_from_scratch(seed: int,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    feats = corpus(rng, 700)
    related = rel.related_from_features(feats)
    spy = Spy(monkeypatch)
    total = 0
    for step in range(12):
        new = dict(feats)  # copied: the update must not change the old features
        kind = step % 4
        if kind == 0:  # edit: a few features more, one less
            aid = rng.choice(sorted(new))
            fs = dict(new[aid])
            fs.pop(next(iter(fs)))
            fs.update(article(rng, 3000))
            new[aid] = dict(sorted(fs.items()))
        elif kind == 1:  # add
            new[f"b{step:05d}"] = article(rng, 3000)
        elif kind == 2:  # delete
            del new[rng.choice(sorted(new))]
        else:  # several at once
            for aid in rng.sample(sorted(new), 3):
                new[aid] = article(rng, 3000)
            del new[rng.choice(sorted(new))]
            new[f"c{step:05d}"] = article(rng, 3000)
        spy.rows = 0
        updated = rel.update_related(feats, new, related)
        if kind < 3:  # one change: not everything again
            assert spy.rows < len(new) / 2, (kind, spy.rows)
        total += spy.rows
        monkeypatch.undo()
        scratch = rel.related_from_features(new)
        spy = Spy(monkeypatch)
        assert as_json(updated) == as_json(scratch), (seed, step, kind)
        feats, related = new, updated
    assert total < 12 * len(feats) / 3  # a third of computing everything at each step


@pytest.mark.parametrize("seed", [4, 5])
def test_updates_from_the_stored_file_equal_a_computation_from_scratch(
        seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """An update that reads the previous related.json through its index (StoredRelated)
    writes the same file and the same index as a computation from scratch, and parses only
    the lists it can change."""
    rng = random.Random(seed)
    feats = corpus(rng, 600)
    text, index = rel.related_file(rel.related_from_features(feats))
    assert index is not None
    parsed: list[str] = []
    real = rel.StoredRelated.__getitem__

    def getitem(self: rel.StoredRelated, aid: str) -> Any:
        parsed.append(aid)
        return real(self, aid)

    monkeypatch.setattr(rel.StoredRelated, "__getitem__", getitem)
    for step in range(12):
        new = dict(feats)
        kind = step % 4
        if kind == 0:
            aid = rng.choice(sorted(new))
            new[aid] = dict(sorted({**new[aid], **article(rng, 3000)}.items()))
        elif kind == 1:
            new[f"b{step:05d}"] = article(rng, 3000)
        elif kind == 2:
            # the article most often named as related: many lists lose it
            counts: dict[str, int] = {}
            for rows in json.loads(text).values():
                for r in rows:
                    counts[r["id"]] = counts.get(r["id"], 0) + 1
            del new[max(sorted(counts), key=lambda a: counts[a])]
        else:
            for aid in rng.sample(sorted(new), 3):
                new[aid] = article(rng, 3000)
            del new[rng.choice(sorted(new))]
        stored = rel.StoredRelated.load(text, index)
        assert stored is not None
        parsed.clear()
        updated = rel.update_related(feats, new, stored)
        got_text, got_index = rel.related_file(updated)
        if kind < 3:
            assert len(parsed) < len(new) / 2, (kind, len(parsed))
        scratch_text, scratch_index = rel.related_file(rel.related_from_features(new))
        assert got_text == scratch_text, (seed, step, kind)
        assert got_index == scratch_index, (seed, step, kind)
        assert dict(updated) == json.loads(scratch_text)
        # the ids the site takes over (the kept lists' from the old file's index): the file's
        assert isinstance(updated, rel.RelatedLists) or kind == 3
        assert rel.id_lists(updated) == {a: [r["id"] for r in rows]
                                         for a, rows in json.loads(scratch_text).items()}
        feats, text, index = new, got_text, got_index


def test_a_stored_file_that_does_not_match_its_index_is_not_used() -> None:
    rng = random.Random(9)
    feats = corpus(rng, 200)
    related = rel.related_from_features(feats)
    text, index = rel.related_file(related)
    assert index is not None
    stored = rel.StoredRelated.load(text, index)
    assert stored is not None and dict(stored) == related
    assert rel.StoredRelated.load(text + " ", index) is None  # another length
    # the same length, another score (a file written again by another version of the code)
    k = text.index('"score": 0.') + len('"score": 0.')
    digit = "1" if text[k] != "1" else "2"
    assert rel.StoredRelated.load(text[:k] + digit + text[k + 1:], index) is None
    assert rel.StoredRelated.load(text, index[:-3]) is None
    other = text.replace('"a0', '"b0', 1)
    assert rel.StoredRelated.load(other, index) is None
    # an entry that is not where the index says is never taken for the article's
    shifted = rel.StoredRelated(other, stored.ids, stored.starts, stored.ends, stored.nbr,
                                stored.scores)
    with pytest.raises(ValueError):
        shifted[sorted(related)[0]]


def test_an_edit_that_keeps_every_document_frequency_recomputes_one_list(
        monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(11)
    feats = corpus(rng, 500)
    related = rel.related_from_features(feats)
    aid = sorted(feats)[123]
    new = dict(feats)
    new[aid] = {f: tf + 3 for f, tf in feats[aid].items()}  # same features, other counts
    spy = Spy(monkeypatch)
    updated = rel.update_related(feats, new, related)
    assert 1 <= spy.rows <= 10
    monkeypatch.undo()
    assert as_json(updated) == as_json(rel.related_from_features(new))
    assert updated[aid] != related[aid] or updated == related


def test_a_changed_article_that_was_someones_related_article_is_replaced_there() -> None:
    rng = random.Random(7)
    feats = corpus(rng, 300)
    related = rel.related_from_features(feats)
    # the article most often named as related: deleting it changes many lists
    counts: dict[str, int] = {}
    for rows in related.values():
        for r in rows:
            counts[r["id"]] = counts.get(r["id"], 0) + 1
    star = max(sorted(counts), key=lambda a: counts[a])
    new = {a: fs for a, fs in feats.items() if a != star}
    updated = rel.update_related(feats, new, json.loads(as_json(related)))
    assert all(r["id"] != star for rows in updated.values() for r in rows)
    assert as_json(updated) == as_json(rel.related_from_features(new))


def test_small_archives_and_a_power_of_two_compute_everything(
        monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(5)
    for n in (40, 255):  # below FULL_BELOW; 255 → 256 crosses a power of two
        feats = corpus(rng, n)
        related = rel.related_from_features(feats)
        new = dict(feats)
        new["zz-new"] = article(rng, 3000)
        spy = Spy(monkeypatch)
        updated = rel.update_related(feats, new, related)
        assert spy.rows == len(new)
        monkeypatch.undo()
        assert as_json(updated) == as_json(rel.related_from_features(new))


def test_weights_follow_the_documented_rule() -> None:
    """Two articles sharing one feature of df 2 and nothing else: cosine 1; the idf of a
    feature in 3 articles equals that of one in 2 (same level), so adding a third holder of
    the shared feature to an otherwise identical pair leaves their similarity."""
    base = {f"x{k}": {f"u{k}": 1} for k in range(200)}  # unique features: never counted
    a = dict(base, a={"s": 2, "t": 1, "ua": 1}, b={"s": 2, "t": 1, "ub": 1}, c={"t": 1})
    b = dict(a, d={"s": 1})
    ra, rb = rel.related_from_features(a), rel.related_from_features(b)
    score = {r["id"]: r["score"] for r in ra["a"]}
    assert score["b"] == 1.0
    # "s": df 2 → 3 stays on level 1: a's and b's vectors are unchanged
    assert {r["id"]: r["score"] for r in rb["a"]}["b"] == 1.0
    assert rel.rare_df(5000) == rel.rare_df(4096) == rel.rare_df(8191) == 256


@pytest.mark.skipif(not CORPUS.is_dir(), reason="SaudiNewsNet corpus not present")
def test_real_articles_incremental_builds_equal_a_cold_build(tmp_path: Path) -> None:
    """Edit, add and delete articles of a 400-article archive one update at a time: the
    related articles (and the features) equal a cold build of the same seeds/."""
    from archive.config import Paths
    from archive.index.build import update_index

    root = tmp_path / "real"
    (root / "seeds").mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - archive\n", encoding="utf-8")
    res = subprocess.run(
        [sys.executable, "-m", "archive", "--root", str(root), "import",
         str(sorted(CORPUS.glob("*.zip"))[0]), "--limit", "400"],
        capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr[-2000:]
    paths = Paths(root)
    update_index(paths)
    seeds = sorted(paths.seeds.glob("*.md"))
    extra = "\n\nوأضاف المتحدث أن اللجنة ستعقد اجتماعا آخر الأسبوع المقبل.\n"
    with open(seeds[10], "a", encoding="utf-8") as fh:
        fh.write(extra)
    update_index(paths)
    (paths.seeds / "zz-added.md").write_text(seeds[20].read_text(encoding="utf-8") + extra,
                                             encoding="utf-8")
    update_index(paths)
    seeds[30].unlink()
    update_index(paths)
    seeds[40].unlink()
    with open(seeds[50], "a", encoding="utf-8") as fh:
        fh.write(extra)
    report = update_index(paths)
    assert len(report.analysed) == 1 and len(report.removed) == 1
    cold = Paths(tmp_path / "cold")
    shutil.copytree(paths.seeds, cold.seeds)
    shutil.copy(root / "mkdocs.yml", cold.root / "mkdocs.yml")
    shutil.copytree(paths.build / "analysis", cold.build / "analysis")
    update_index(cold)
    assert (paths.build / "related.json").read_bytes() == (
        cold.build / "related.json").read_bytes()


def test_related_of_an_older_rule_is_computed_again(tmp_path: Path) -> None:
    """A generation whose related.json was computed with another rule (a manifest written
    before rules were numbered says ``"related": true``) gets it computed again in full, even
    when nothing else changed: never updated from lists of another rule."""
    from archive.config import Paths
    from archive.index.build import MANIFEST, RELATED, current_generation, update_index

    def archive(d: Path) -> Paths:
        shutil.copytree(REPO / "seeds", d / "seeds")
        shutil.copy(REPO / "mkdocs.yml", d / "mkdocs.yml")
        return Paths(d)

    paths, fresh = archive(tmp_path / "a"), archive(tmp_path / "b")
    update_index(paths)
    update_index(fresh)
    gen = current_generation(paths)
    assert gen is not None
    manifest = json.loads((gen / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["related"] == rel.RULE
    manifest["related"] = True
    (gen / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    stale = rel.related_json({a: [] for a in json.loads(
        (gen / RELATED).read_text(encoding="utf-8"))})
    (gen / RELATED).write_text(stale, encoding="utf-8")
    (paths.build / RELATED).write_text(stale, encoding="utf-8")
    update_index(paths)
    assert (paths.build / RELATED).read_bytes() == (fresh.build / RELATED).read_bytes()
    gen = current_generation(paths)
    assert gen is not None
    assert json.loads((gen / MANIFEST).read_text(encoding="utf-8"))["related"] == rel.RULE


def test_a_feature_table_updated_row_by_row_is_the_table_made_from_scratch() -> None:
    """build/ keeps the features as a FeatureTable and replaces only the changed rows: after
    edits (new features, features no article has any more), additions, deletions and an
    article without features, the same table as one made from the same features at once,
    the same bytes on disk, and the same dicts back."""
    import numpy as np

    rng = random.Random(21)
    feats = corpus(rng, 200, vocab=400)
    table = rel.FeatureTable.from_dict(feats)
    for step in range(8):
        rows: dict[str, dict[str, int]] = {}
        removed: set[str] = set()
        if step % 2 == 0:
            aid = rng.choice(sorted(feats))
            rows[aid] = article(rng, 400) | {f"only-{step}": 2}  # a name no one had
        if step % 3 == 0:
            removed.add(rng.choice(sorted(set(feats) - set(rows))))
        rows[f"new-{step}"] = {} if step == 5 else article(rng, 400)
        feats = {a: fs for a, fs in feats.items() if a not in removed} | rows
        before, table = table, table.replace(rows, removed)
        scratch = rel.FeatureTable.from_dict(feats)
        assert table == scratch, step
        # its document frequencies (worked out from the old table's) and the union of the
        # two tables' names it numbers both into
        assert table.df().tolist() == np.bincount(scratch.fid,
                                                  minlength=len(scratch.names)).tolist()
        assert table.base_union is not None
        width, old_map, new_map = table.base_union
        union = sorted(set(before.names) | set(table.names))
        assert width == len(union)
        assert [union[k] for k in old_map.tolist()] == before.names
        assert (new_map is None and union == table.names
                or [union[k] for k in new_map.tolist()] == table.names)
        assert table.to_bytes() == scratch.to_bytes()
        assert table.to_dict() == feats
        assert rel.FeatureTable.from_bytes(table.to_bytes()) == table
    with pytest.raises(ValueError):
        rel.FeatureTable.from_bytes(b"not a table")


def test_feature_chunks_depend_on_their_rows_only_and_read_back_the_table(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """features.bin's chunks (chunk_ends, FeatureTable.chunk): cut by the ids alone, each made
    of its own rows only (two tables that share a chunk's rows give it the same bytes,
    whatever their other rows and names), and read back (from_chunks, with each chunk's
    names numbered into the table's) into the very table; what does not make a table is
    refused. After replace, renumbering gives the old names' numbers in the new table."""
    import numpy as np

    monkeypatch.setattr(rel, "CHUNK_MASK", 3)  # about one row in four ends a chunk
    rng = random.Random(7)
    feats = corpus(rng, 60, vocab=500)
    feats["big"] = {f"w{k}": 70_000 if k == 3 else 1 for k in range(300)}  # u4, u2 widths
    feats["empty"] = {}
    feats["nul"] = {"a\0b": 1, "w1": 2}  # a name with a NUL
    table = rel.FeatureTable.from_dict(feats)
    ends = rel.chunk_ends(table.ids)
    assert ends[-1] == len(table.ids) and 4 < len(ends) < 40
    starts = [0, *ends[:-1]]
    chunks = [table.chunk(lo, hi) for lo, hi in zip(starts, ends, strict=True)]
    for (data, nums), lo, hi in zip(chunks, starts, ends, strict=True):
        assert rel.chunk_names(data) == [table.names[k] for k in nums.tolist()]
        assert set(rel.chunk_names(data)) == set().union(*(feats[a] for a in table.ids[lo:hi]))
    back = rel.FeatureTable.from_chunks(table.names, chunks)
    assert back == table
    assert back.df().tolist() == np.bincount(table.fid, minlength=len(table.names)).tolist()
    # another table: the first chunk's rows removed, new names in another row
    first = set(table.ids[:ends[0]])
    other_feats = {a: fs for a, fs in feats.items() if a not in first}
    other_feats[table.ids[-1]] = feats[table.ids[-1]] | {"zz-new": 2, "aa-new": 1}
    other = table.replace({table.ids[-1]: other_feats[table.ids[-1]]}, first)
    assert other == rel.FeatureTable.from_dict(other_feats) and other.names != table.names
    renumber = other.renumbering()
    assert [other.names[k] if k >= 0 else None for k in renumber.tolist()] == [
        f if f in other.names else None for f in table.names]
    o_ends = rel.chunk_ends(other.ids)
    o_starts = [0, *o_ends[:-1]]
    o_chunks = {other.ids[lo]: other.chunk(lo, hi)
                for lo, hi in zip(o_starts, o_ends, strict=True)}
    same = [(data, nums) for lo, hi, (data, nums) in zip(starts, ends, chunks, strict=True)
            if table.ids[lo] in o_chunks and table.ids[hi - 1] != table.ids[-1]]
    assert len(same) >= 3
    for data, nums in same:
        o_data, o_nums = next(c for c in o_chunks.values() if c[0] == data)
        assert o_nums.tolist() == renumber[nums].tolist()
    assert rel.FeatureTable.from_chunks([], []) == rel.FeatureTable.from_dict({})
    data, nums = chunks[0]
    with pytest.raises(ValueError):  # a number out of range
        rel.FeatureTable.from_chunks(table.names, [(data, nums + len(table.names))])
    with pytest.raises(ValueError):  # numbers out of order
        rel.FeatureTable.from_chunks(table.names, [(data, nums[::-1])])
    with pytest.raises(ValueError):  # too few numbers
        rel.FeatureTable.from_chunks(table.names, [(data, nums[1:])])
    with pytest.raises(ValueError):  # a name no row has
        rel.FeatureTable.from_chunks(table.names, chunks[1:])
    with pytest.raises(ValueError):  # rows out of order
        rel.FeatureTable.from_chunks(table.names, chunks[::-1])
    with pytest.raises(ValueError):
        rel.FeatureTable.from_chunks(table.names, [(b"not a chunk", nums)])


def test_feature_rows_gathered_article_by_article_make_the_same_table() -> None:
    """A cold build gathers each article's features as arrays (FeatureRows) instead of a dict
    per article: the table, its bytes on disk and the dicts are those of features_of and
    FeatureTable.from_dict, whatever order the articles come in (an article without
    features, empty terms and a name that is also an entity key included)."""
    rng = random.Random(5)
    rows = rel.FeatureRows()
    expected: dict[str, dict[str, int]] = {}
    for k in rng.sample(range(300), 300):
        roots = [(f"r{int(500 ** rng.random())}", 0, 0, 0) for _ in range(rng.randint(0, 60))]
        roots += [("", 0, 0, 0)] * rng.randint(0, 2)
        ents = [(rng.choice(["place:a", "actor:b", "r1", ""]), 0, 0, 0)
                for _ in range(rng.randint(0, 3))]
        aid = f"a{k:04d}"
        rows.add(aid, roots, ents)
        expected[aid] = rel.features_of(roots, ents)
    assert len(rows) == 300
    assert rows.as_dict() == expected
    table, scratch = rows.table(), rel.FeatureTable.from_dict(expected)
    assert table == scratch
    assert table.to_bytes() == scratch.to_bytes()
    assert rel.FeatureRows().table() == rel.FeatureTable.from_dict({})


def test_updates_from_tables_equal_a_computation_from_scratch(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """What the index build does: the previous table, the new one made from it by
    FeatureTable.replace (only the replaced rows are compared), the previous related lists
    read back from related.json."""
    rng = random.Random(4)
    feats = corpus(rng, 600)
    table = rel.FeatureTable.from_dict(feats)
    related = json.loads(as_json(rel.related_from_features(table)))
    for step in range(6):
        ids = sorted(table.ids)
        if step % 3 == 0:
            new = table.replace({ids[rng.randrange(len(ids))]: article(rng, 3000)})
        elif step % 3 == 1:
            new = table.replace({f"n{step}": article(rng, 3000)})
        else:
            new = table.replace({}, [ids[rng.randrange(len(ids))]])
        spy = Spy(monkeypatch)
        updated = rel.update_related(table, new, related)
        assert spy.rows < len(new.ids) / 2
        monkeypatch.undo()
        assert as_json(updated) == as_json(rel.related_from_features(new.to_dict())), step
        table, related = new, json.loads(as_json(updated))


def test_related_json_is_what_the_json_module_writes() -> None:
    """related.json's bytes do not depend on which encoder wrote them: the fast one for lists
    of {"id", "score", "shared"}, the json module for any other shape."""
    rng = random.Random(9)

    def text() -> str:
        return "".join(rng.choice('ab"\\\n\u0628\x01é/\u2028') for _ in range(rng.randint(0, 6)))

    for _ in range(200):
        related = {text() + str(i): [
            {"id": text(), "score": rng.choice([0.1, 1.0, 1e-05, 0.1235, 3e20, rng.random()]),
             "shared": [text() for _ in range(rng.randint(0, 3))]}
            for _ in range(rng.randint(0, 3))] for i in range(rng.randint(0, 4))}
        expected = json.dumps(related, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        assert rel.related_json(related) == expected
    odd = {"a": [{"id": "b", "score": 1, "shared": []}], "c": ["d"]}  # another shape
    assert rel.related_json(odd) == json.dumps(odd, ensure_ascii=False, indent=1,
                                               sort_keys=True) + "\n"


def test_equal_feature_tables_have_equal_bytes_however_their_strings_were_made() -> None:
    # features.bin: the same features give the same bytes, whether the id and feature
    # strings are shared with other objects (marshal ≥ 3 writes a back-reference then) or not
    feats = {"a-1": {"r1": 2, "r2": 1}, "b-2": {"r2": 3, "@place:x": 1}}
    shared = rel.FeatureTable.from_dict(feats)
    keep = list(shared.ids) + list(shared.names)  # a second reference to every string
    fresh = rel.FeatureTable.from_dict(
        {"".join(list(i)): {"".join(list(f)): n for f, n in fs.items()}
         for i, fs in feats.items()})
    assert shared.to_bytes() == fresh.to_bytes()
    assert rel.FeatureTable.from_bytes(shared.to_bytes()).ids == sorted(feats)
    del keep


def test_replacing_a_row_with_the_same_names_equals_a_table_from_scratch() -> None:
    """An edit that keeps every feature name (a frequency changes, a feature moves between
    articles) keeps the table's names as they are: the same table and bytes as from_dict."""
    feats = {f"a{k}": {f"r{(k * 7 + j) % 40}": 1 + j % 3 for j in range(k % 9)}
             for k in range(60)}
    table = rel.FeatureTable.from_dict(feats)
    for aid, row in (("a10", {"r1": 5, "r2": 1}),          # other frequencies, same names
                     ("a11", {}),                          # a row emptied, names kept by others
                     ("a12", dict(feats["a12"]))):         # unchanged
        new = table.replace({aid: row})
        feats = {**feats, aid: row}
        scratch = rel.FeatureTable.from_dict(feats)
        assert new.names == table.names
        assert new == scratch and new.to_bytes() == scratch.to_bytes()
        assert new.to_dict() == feats
        table = new


def test_related_json_writes_again_only_the_lists_that_are_new_objects(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`mkdocs serve` keeps each list's text (related_json's ``written``): a list that is the
    very object written last time is not written again, and the file is what the json module
    writes whatever was kept."""
    rng = random.Random(3)
    related = {f"a{k:03d}": [{"id": f"a{rng.randrange(100):03d}", "score": rng.random(),
                              "shared": [f"r{rng.randrange(9)}"]}] for k in range(100)}
    calls = []
    real = rel._related_item
    monkeypatch.setattr(rel, "_related_item", lambda item: calls.append(item[0]) or real(item))
    written: dict[str, tuple[Any, str]] = {}

    def check(data: dict[str, list[dict[str, Any]]]) -> None:
        calls.clear()
        assert rel.related_json(data, written) == json.dumps(
            data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"

    check(related)
    assert len(calls) == 100
    check(related)
    assert calls == []
    changed = dict(related)
    changed["a007"] = [dict(changed["a007"][0], score=0.5)]  # a new list, an equal id
    del changed["a050"]
    changed["b000"] = []
    check(changed)
    assert sorted(calls) == ["a007", "b000"] and set(written) == set(changed)


def test_updates_remembered_in_memory_write_what_updates_from_the_files_write(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the index's files kept in memory between updates (archive.index.build.remember,
    `mkdocs serve`), an edit, an addition and a deletion give the same generation files
    (related.json, docs.json, features.bin, the manifest) as the same updates reading the
    files, without reading them; a file another process replaced meanwhile is read again."""
    from archive.config import Paths
    from archive.index import build as ib
    from archive.synth import synthesize

    synthesize(140, tmp_path / "a")  # above related.FULL_BELOW: lists updated, not made anew
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    a, b = Paths(tmp_path / "a"), Paths(tmp_path / "b")
    reads: list[str] = []
    for cls, name in ((ib.Manifest, "from_json"), (ib.FeatureTable, "from_bytes")):
        real = getattr(cls, name).__func__
        monkeypatch.setattr(cls, name, classmethod(
            lambda c, data, real=real, name=name: reads.append(name) or real(c, data)))
    ib.remember(False)
    memory: dict[str, Any] = {}

    def update(paths: Paths, remembered: bool) -> None:
        ib._KEPT = memory if remembered else None
        try:
            ib.update_index(paths)
        finally:
            ib._KEPT = None

    update(a, True)  # reads the files once, keeps what it writes
    update(b, False)
    for step in range(4):
        for paths in (a, b):
            seeds = sorted(paths.seeds.glob("0*.md"))
            if step in (0, 3):  # an edit
                with open(seeds[7 + step], "a", encoding="utf-8") as fh:
                    fh.write("\n\nوأضاف المتحدث أن اللجنة ستعقد اجتماعا آخر الأسبوع المقبل.\n")
            elif step == 1:  # an addition
                (paths.seeds / "zz_added.md").write_text(
                    seeds[20].read_text(encoding="utf-8") + "\n\nاجتمع المفاوضون.\n",
                    encoding="utf-8")
            else:  # a deletion
                seeds[30].unlink()
        reads.clear()
        update(a, True)
        assert reads == []  # neither the manifest nor the features were read
        update(b, False)
        assert reads
        ga, gb = ib.current_generation(a), ib.current_generation(b)
        assert ga is not None and gb is not None and ga.name == gb.name
        for name in (ib.RELATED, ib.META, ib.FEATURES):
            assert (ga / name).read_bytes() == (gb / name).read_bytes(), name
        assert (a.build / ib.RELATED).read_bytes() == (b.build / ib.RELATED).read_bytes()
        ma, mb = ib.read_manifest(ga), ib.read_manifest(gb)
        assert ma is not None and mb is not None
        assert (ma.articles, ma.related, ma.gazetteer) == (mb.articles, mb.related, mb.gazetteer)
        assert {k: v.hash for k, v in ma.files.items()} == {
            k: v.hash for k, v in mb.files.items()}
        # the manifest written from the entries' kept texts is what the json module writes
        assert (ga / ib.MANIFEST).read_text(encoding="utf-8") == ma.to_json()
    assert any(k.startswith(str(ga)) for k in memory)
    assert not any(k.startswith(str(a.build / "search" / "gen-000001")) for k in memory)
    # a manifest replaced by another process is read again, not taken from memory
    other = ib.read_manifest(ga)
    assert other is not None
    other.related = 0
    ib._write_atomic(ga / ib.MANIFEST, other.to_json())
    ib._KEPT = memory
    try:
        again = ib.read_manifest(ga)
    finally:
        ib._KEPT = None
    assert again is not None and again.related == 0


@pytest.mark.parametrize("seed", [4, 5])
def test_an_edit_keeps_the_old_list_objects_of_the_articles_it_does_not_enter(
        seed: int) -> None:
    # an edited article is compared again with every article sharing a feature with it (half
    # the archive); a list it does not enter (and did not hold) must come back as the old list
    # object, whose text `mkdocs serve` then writes as it was, and still equal a computation
    # from scratch
    rng = random.Random(seed)
    feats = corpus(rng, 600)
    related = rel.related_from_features(feats)
    aid = sorted(feats)[rng.randrange(len(feats))]
    new = dict(feats)
    fs = dict(new[aid])
    for f in list(fs)[:3]:
        fs[f] += 2
    fs.update({f: 1 for f in list(article(rng, 3000))[:6] if f not in fs})
    new[aid] = dict(sorted(fs.items()))
    updated = rel.update_related(feats, new, related)
    assert as_json(updated) == as_json(rel.related_from_features(new))
    same = [a for a in updated if updated[a] is related[a]]
    equal = [a for a in updated if updated[a] == related[a]]
    assert len(equal) > len(feats) / 2
    # every list equal to its old one but (at most) those that held a changed article
    holders = {a for a, rows in related.items() if any(r["id"] == aid for r in rows)}
    assert set(equal) - set(same) <= holders | {aid}


def test_an_edit_that_brings_new_words_is_numbered_by_the_replace_and_equals_scratch(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit that brings a word no article had (every `mkdocs serve` bench edit does): the
    new table keeps every old name, and the update numbers the old table's features by what
    FeatureTable.replace worked out (not a sorted union of both tables' names); the lists
    equal a computation from scratch. A replace that drops a name (a delete) numbers both
    tables into the union of their names itself too; its document frequencies are those of
    a count of every entry."""
    import numpy as np

    rng = random.Random(11)
    feats = corpus(rng, 600)
    table = rel.FeatureTable.from_dict(feats)
    related = json.loads(as_json(rel.related_from_features(table)))
    ids = sorted(table.ids)
    sorted_unions = []
    real_numbers = rel.FeatureTable.numbers
    monkeypatch.setattr(rel.FeatureTable, "numbers",
                        lambda self, names: sorted_unions.append(1) or real_numbers(
                            self, names))
    for step in range(4):
        aid = ids[rng.randrange(len(ids))]
        row = dict(feats[aid])
        if step % 2 == 0:  # a new word (and one more of an old one)
            row[f"zz-new-{step}"] = 2
            row[next(iter(row))] += 1
        else:  # its words replaced: names only it had are dropped
            row = article(rng, 3000) | {f"zz-new2-{step}": 1}
        new = table.replace({aid: row})
        assert set(table.names) <= set(new.names) or step % 2 == 1
        sorted_unions.clear()
        updated = rel.update_related(table, new, related)
        # (a replace that drops names numbers both tables into their union itself too)
        assert sorted_unions == []
        width, old_map, new_map = new.base_union
        union = sorted(set(table.names) | set(new.names))
        assert width == len(union)
        assert [union[k] for k in old_map.tolist()] == table.names
        assert (new_map is None and union == new.names
                or [union[k] for k in new_map.tolist()] == new.names)
        assert new.df().tolist() == np.bincount(new.fid, minlength=len(new.names)).tolist()
        if step % 2 == 0:
            assert new.base_remap is not None
            assert [new.names[k] for k in new.base_remap.tolist()] == table.names
        assert as_json(updated) == as_json(rel.related_from_features(new.to_dict())), step
        feats[aid] = row
        table, related = new, json.loads(as_json(updated))


@pytest.mark.parametrize("hide_c", [False, True])
@pytest.mark.parametrize("n", [0, 1, 2, 255, 256, 257, 700])
def test_related_written_a_chunk_at_a_time_are_the_whole_computations_bytes(
    n: int, hide_c: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold build writes the lists as they are made (write_related): the same text, index
    and ids as related_file and id_lists of related_from_features, with no more than a
    chunk of lists made at a time (their text in C, or with the C module hidden)."""
    import io

    feats = corpus(random.Random(n), n)
    related = rel.related_from_features(feats)
    text, index = rel.related_file(related)
    most: list[int] = []
    real, real_c = rel._Matrix.top, rel._Matrix._top_c

    def top_c(m: Any, rows: Any, k: int, quoted: bool = False) -> Any:
        got = real_c(m, rows, k, quoted)
        if quoted and got is not None:  # write_related's own chunk, in C
            most.append(len(rows))
        return got

    monkeypatch.setattr(rel._Matrix, "top",
                        lambda m, rows, k: most.append(len(rows)) or real(m, rows, k))
    monkeypatch.setattr(rel._Matrix, "_top_c", top_c)
    if hide_c:
        monkeypatch.setattr(rel, "_cpostings", None)
    out = io.StringIO()
    ids, got = rel.write_related(rel.FeatureTable.from_dict(feats), out)
    assert out.getvalue() == text
    assert got == index and (index is not None)
    assert ids == rel.id_lists(related)
    assert max(most, default=0) <= rel._CHUNK
    assert (sum(most) == n) if n >= 2 else not most
    if n >= 2:
        assert rel.StoredRelated.load(text, got) is not None


def test_related_of_a_table_out_of_id_order_are_made_whole() -> None:
    import io

    feats = corpus(random.Random(5), 40)
    table = rel.FeatureTable.from_dict(feats)
    table.ids = table.ids[::-1]  # not a table's order
    out = io.StringIO()
    ids, index = rel.write_related(table, out)
    related = rel.related_from_features(table)
    assert out.getvalue() == rel.related_file(related)[0]
    assert ids == rel.id_lists(related)


@pytest.mark.parametrize("seed,dense", [(4, True), (5, True), (4, False)])
def test_an_updates_products_summed_by_numpy_are_scipys_floats(
        seed: int, dense: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """_Matrix(few=True) sums a few rows' similarities and shared features with numpy: the
    same floats, bit for bit, as scipy's sparse products (the cold build's), whether every
    pair's sum is made (dense) or only those of the pairs with a product."""
    import numpy as np

    if not dense:
        monkeypatch.setattr(rel, "DENSE_SUMS", 0)
    rng = random.Random(seed)
    table = rel.FeatureTable.from_dict(corpus(rng, 300))
    few, cold = rel._Matrix(table, few=True), rel._Matrix(table)
    n = len(table.ids)
    for rows in ([0], [n - 1], sorted(rng.sample(range(n), 7)), list(range(40, 60))):
        q = np.asarray(rows, dtype=np.int64)
        assert few._numpy(q)
        k_of, other, sims = few._against(q)
        block = (cold.x[q] @ cold.xt).tocsr()
        block.sort_indices()  # (scipy's product leaves each row's in the order summed)
        assert np.array_equal(k_of, np.repeat(np.arange(len(q)), np.diff(block.indptr)))
        assert np.array_equal(other, block.indices)
        assert sims.tobytes() == block.data.tobytes()  # bit for bit, not approximately
        col = (cold.x @ cold.xt[:, q]).tocsc()  # the update's product: every row by the few
        col.sort_indices()
        assert col.data.tobytes() == sims.tobytes()
        r = np.asarray([rng.randrange(n) for _ in range(30)], dtype=np.int64)
        c = np.asarray([rng.randrange(n) for _ in range(30)], dtype=np.int64)
        pair, fcol, prod = few._shared_few(r, c)
        both = cold.x[r].multiply(cold.x[c]).tocsr()
        both.sort_indices()
        assert np.array_equal(pair, np.repeat(np.arange(len(r)), np.diff(both.indptr)))
        assert np.array_equal(fcol, both.indices)
        assert prod.tobytes() == both.data.tobytes()
        assert few.shared(r, c) == cold.shared(r, c)
        assert few.top(q, 5) == cold.top(q, 5)
    assert few._x is None  # scipy's matrix never made


def test_an_update_summed_by_numpy_equals_one_summed_by_scipy(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The same update with the few rows' products summed by numpy and by scipy (no numpy
    path: FEW_PAIRS 0), and in C (_cpostings.related_against, when built): the same lists,
    and all those computed from scratch."""
    rng = random.Random(6)
    feats = corpus(rng, 400)
    related = rel.related_from_features(feats)
    for step in range(6):
        new = dict(feats)
        aid = rng.choice(sorted(new))
        if step % 3 == 0:
            new[aid] = article(rng, 3000)
        elif step % 3 == 1:
            new[f"b{step:05d}"] = article(rng, 3000)
        else:
            del new[aid]
        monkeypatch.setattr(rel, "C_PAIRS", 0)
        by_c = rel.update_related(feats, new, related)
        monkeypatch.setattr(rel, "_cpostings", None)
        got = rel.update_related(feats, new, related)
        monkeypatch.setattr(rel, "FEW_PAIRS", 0)
        by_scipy = rel.update_related(feats, new, related)
        monkeypatch.undo()
        assert (as_json(got) == as_json(by_c) == as_json(by_scipy)
                == as_json(rel.related_from_features(new)))
        feats, related = new, got
