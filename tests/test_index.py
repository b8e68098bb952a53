"""The index under build/search/: incremental updates, freshness, concurrent reads, determinism,
related articles."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import index_docs_meta

from archive.cli import main
from archive.config import Paths
from archive.index.build import (
    current_generation,
    index_status,
    read_manifest,
    search_dir,
    update_index,
)
from archive.search.engine import open_view, search
from archive.search.service import query_analyzer

REPO = Path(__file__).resolve().parents[1]
A0, A1, A2, A3, A4 = (
    "000_02dc7bcb46da7aac", "001_9de41e7d550015bc", "002_ff0aa36a5bea707b",
    "003_f1c0825b0b077d89", "004_f209341661600871",
)
EXTRA = "\nوشوهدت زرافة في المدينة.\n"


def make_archive(d: Path) -> Paths:
    shutil.copytree(REPO / "seeds", d / "seeds")
    shutil.copy(REPO / "mkdocs.yml", d / "mkdocs.yml")
    return Paths(d)


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--root", str(root), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def found(paths: Paths, query: str) -> list[str]:
    analyzer, _ = query_analyzer(paths)
    with open_view(paths) as view:
        return [r.id for r in search(view, query, analyzer=analyzer, limit=None).results]


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    p = make_archive(tmp_path)
    update_index(p)
    return p


def test_build_stores_what_the_issue_lists(paths: Paths) -> None:
    gen = current_generation(paths)
    assert gen is not None and gen.parent == paths.build / "search"
    with open_view(paths) as view:
        stored = sorted((view.stored(n) for n in view.docnums), key=lambda s: s["id"])
        assert [s["id"] for s in stored] == [A0, A1, A2, A3, A4]
        for s in stored:
            assert s["path"] == f"seeds/{s['id']}.txt"
            assert s["title"] and "place:daraa" in s["places"] and s["actors"]
            assert s.get("date") is None  # the seeds carry no dates; None is not stored
        # the body is indexed three ways, names are kept whole
        assert view.postings("form", "المفاوضات") and view.postings("entity", "place:daraa")
        assert view.postings("entity", "place:bosra-al-sham")
    manifest = read_manifest(gen)
    assert manifest is not None and sorted(manifest.articles) == [A0, A1, A2, A3, A4]
    assert (paths.build / "related.json").is_file()


def test_nothing_changed_means_nothing_done(paths: Paths) -> None:
    gen = current_generation(paths)
    report = update_index(paths)
    assert not report.changed and current_generation(paths) == gen
    assert index_status(paths).fresh


def test_archive_index_with_nothing_changed_reads_no_gazetteer(
        paths: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    """`archive index` (and the freshness check) with nothing changed take the gazetteer's
    fingerprint from what the searches keep in build/: the YAML is not parsed again. An
    edited gazetteer is still found changed."""
    from archive.gazetteer import loader

    code, out, _ = run(paths.root, "index")  # keeps the gazetteer as a search reads it
    assert code == 0 and "up to date" in out
    real, parsed = loader.parse_entries, []

    def parse(*args: object, **kwargs: object) -> object:
        parsed.append(args[2])
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "parse_entries", parse)
    (paths.seeds / f"{A1}.txt").touch()  # touched, not changed
    code, out, _ = run(paths.root, "index")
    assert code == 0 and "up to date" in out and index_status(paths).fresh
    assert parsed == []
    places = paths.seeds / "places.yml"
    places.write_text(places.read_text(encoding="utf-8") + (
        "- id: test-elephant-rockets\n  name: صواريخ الفيل\n  aliases: []\n"
        "  type: landmark\n  description: A test entry.\n"), encoding="utf-8")
    assert index_status(paths).reasons == ["the gazetteer changed"]
    assert parsed
    code, out, _ = run(paths.root, "index")
    assert code == 0 and "up to date" not in out and index_status(paths).fresh


def test_editing_one_article_reanalyses_only_it(paths: Paths, tmp_path_factory) -> None:
    assert found(paths, "زرافة") == []
    old = current_generation(paths)
    assert old is not None
    before = {p.name: p.read_bytes() for p in old.iterdir()}
    f = paths.seeds / f"{A2}.txt"
    f.write_text(f.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
    assert not index_status(paths).fresh
    report = update_index(paths)
    assert report.analysed == [A2] and not report.removed and not report.full
    # the previous generation (hard-linked into the new one) is left exactly as it was
    assert current_generation(paths) != old
    assert {p.name: p.read_bytes() for p in old.iterdir()} == before
    assert found(paths, "زرافة") == [A2]
    # the incremental index answers exactly like one built from scratch
    fresh = make_archive(tmp_path_factory.mktemp("scratch"))
    shutil.copy(f, fresh.seeds / f.name)
    update_index(fresh)
    for q in ("زرافة", "قصفوا", "المفاوضات OR درعا", '"درعا البلد"'):
        analyzer, _ = query_analyzer(paths)
        with open_view(paths) as a, open_view(fresh) as b:
            ra = search(a, q, analyzer=analyzer, limit=None).to_json()
            rb = search(b, q, analyzer=analyzer, limit=None).to_json()
        assert ra == rb
    assert (paths.build / "related.json").read_bytes() == \
        (fresh.build / "related.json").read_bytes()


def test_the_update_reports_the_related_ids_it_wrote(paths: Paths) -> None:
    """The site build does not parse again the related.json its index update has just
    written: the update's report carries the ids it wrote, which are the file's; an update
    that did not compute related articles reports none."""
    from archive.site.model import read_related, related_ids

    f = paths.seeds / f"{A2}.txt"
    f.write_text(f.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
    report = update_index(paths)
    target = paths.build / "related.json"
    in_file = related_ids(json.loads(target.read_text(encoding="utf-8")))
    assert in_file and any(in_file.values())
    assert report.related_ids == in_file
    assert read_related(target) == in_file
    f.write_text(f.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
    report = update_index(paths)
    assert report.related_ids == related_ids(json.loads(target.read_text(encoding="utf-8")))
    f.write_text(f.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
    assert update_index(paths, related=False).related_ids is None


def test_deleted_article_leaves_the_index(paths: Paths) -> None:
    assert A3 in found(paths, "بصرى الشام")
    (paths.seeds / f"{A3}.txt").unlink()
    report = update_index(paths)
    assert report.removed == [A3] and report.analysed == []
    assert found(paths, "بصرى الشام") == [A4]
    related = json.loads((paths.build / "related.json").read_text(encoding="utf-8"))
    assert A3 not in related and all(r["id"] != A3 for rs in related.values() for r in rs)


def test_gazetteer_change_retags_only_what_it_affects(paths: Paths) -> None:
    from archive.analysis import normalize

    places = paths.seeds / "places.yml"
    original = places.read_text(encoding="utf-8")
    assert "صواريخ الفيل" not in original
    entry = ("- id: test-elephant-rockets\n  name: صواريخ الفيل\n  aliases: [{aliases}]\n"
             "  type: landmark\n  description: A test entry.\n")
    places.write_text(original + entry.format(aliases="Elephant rockets"), encoding="utf-8")
    assert index_status(paths).reasons == ["the gazetteer changed"]
    report = update_index(paths)
    # candidates: articles whose text holds every word of the new name (a superset of matches)
    texts = {p.stem: normalize(p.read_text(encoding="utf-8")) for p in paths.seeds.glob("*.txt")}
    candidates = sorted(i for i, t in texts.items() if "صواريخ" in t and "الفيل" in t)
    assert A1 in candidates and len(candidates) < 5
    assert report.retagged == candidates and report.analysed == candidates
    assert found(paths, "Elephant rockets") == [A1] == found(paths, "صواريخ الفيل")
    # a new alias of that entity: only the articles tagged with it are analysed again
    places.write_text(original + entry.format(aliases="Elephant rockets, Fil rockets"),
                      encoding="utf-8")
    report = update_index(paths)
    assert report.analysed == [A1]
    assert found(paths, "Fil rockets") == [A1]
    # the entry removed: its articles are re-tagged, the name is words again
    places.write_text(original, encoding="utf-8")
    assert update_index(paths).analysed == [A1]
    assert found(paths, "Fil rockets") == []


def test_search_updates_a_stale_index_first_and_says_so(tmp_path: Path) -> None:
    paths = make_archive(tmp_path)
    code, out, err = run(tmp_path, "search", "--json", "قصف")
    assert code == 0 and "index built" in err and json.loads(out)["total"] >= 4
    code, out, err = run(tmp_path, "search", "زرافة")
    assert code == 0 and err == "" and "no results" in out
    f = paths.seeds / f"{A0}.txt"
    f.write_text(f.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
    code, out, err = run(tmp_path, "search", "--json", "زرافة")
    assert code == 0 and "index updated" in err and "1 article re-analysed" in err
    assert [r["id"] for r in json.loads(out)["results"]] == [A0]
    (paths.seeds / f"{A0}.txt").unlink()
    code, out, err = run(tmp_path, "search", "--json", "زرافة")
    assert "1 removed" in err and json.loads(out)["total"] == 0


def test_index_command(tmp_path: Path) -> None:
    make_archive(tmp_path)
    code, out, _ = run(tmp_path, "index", "--status")
    assert code == 1 and "no index" in out
    code, out, _ = run(tmp_path, "index")
    assert code == 0 and "5 articles analysed" in out
    code, out, _ = run(tmp_path, "index")
    assert code == 0 and "up to date" in out
    code, out, _ = run(tmp_path, "index", "--status")
    assert code == 0


def test_search_during_update_never_sees_a_half_written_index(paths: Paths) -> None:
    f = paths.seeds / f"{A1}.txt"
    original = f.read_text(encoding="utf-8")
    errors: list[BaseException] = []
    done = threading.Event()

    def updater() -> None:
        try:
            for i in range(4):
                f.write_text(original + (EXTRA if i % 2 == 0 else ""), encoding="utf-8")
                update_index(paths)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            done.set()

    analyzer, _ = query_analyzer(paths)
    thread = threading.Thread(target=updater)
    thread.start()
    searches = 0
    while not done.is_set() or searches < 3:
        with open_view(paths) as view:
            assert view.n == 5
            got = [r.id for r in search(view, "زرافة", analyzer=analyzer, limit=None).results]
            assert got in ([], [A1])
            qasf = search(view, "قصف", analyzer=analyzer, limit=None)
            assert qasf.total >= 4 and all(r.matched for r in qasf.results)
        searches += 1
    thread.join()
    assert not errors, errors
    assert searches >= 3
    # (a generation a search still held at the last update is removed by the next one)
    f.write_text(original + EXTRA, encoding="utf-8")
    update_index(paths)
    assert len(list(search_dir(paths).glob("gen-*"))) <= 2


def test_a_search_held_across_updates_still_reads_its_generation(paths: Paths) -> None:
    """A reader that spans several updates (a slow search, a kwic listing) keeps reading the
    generation it opened: the updates do not remove it under it (Whoosh reads some of a
    generation's files only when first asked), and the first update after it closes does."""
    f = paths.seeds / f"{A1}.txt"
    original = f.read_text(encoding="utf-8")
    analyzer, _ = query_analyzer(paths)
    with open_view(paths) as view:
        for i in range(3):
            f.write_text(original + (EXTRA if i % 2 == 0 else ""), encoding="utf-8")
            update_index(paths)
        assert view.gen.is_dir()
        assert len(list(search_dir(paths).glob("gen-*"))) == 3
        got = search(view, "قصف", analyzer=analyzer, limit=None)
        assert got.total >= 4 and all(r.matched and r.title for r in got.results)
        assert not search(view, "زرافة", analyzer=analyzer, limit=None).results
    held = view.gen
    f.write_text(original, encoding="utf-8")
    update_index(paths)
    assert not held.exists()
    assert len(list(search_dir(paths).glob("gen-*"))) == 2


def test_build_is_deterministic_across_hash_seeds(tmp_path: Path) -> None:
    outputs = []
    for seed in ("1", "2"):
        d = tmp_path / seed
        make_archive(d)
        for f in d.joinpath("seeds").glob("00[234]_*.txt"):
            f.unlink()  # two articles are enough, and keep the test fast
        env = {**os.environ, "PYTHONHASHSEED": seed}
        cmd = [sys.executable, "-m", "archive", "--root", str(d)]
        subprocess.run([*cmd, "index"], check=True, env=env, capture_output=True)
        query = "قصفوا OR درعا OR المفاوضات"
        res = subprocess.run([*cmd, "search", "--json", "--limit", "5", query],
                             check=True, env=env, capture_output=True)
        outputs.append((res.stdout, (d / "build" / "related.json").read_bytes()))
    assert outputs[0] == outputs[1]


def test_related_articles(paths: Paths) -> None:
    related = json.loads((paths.build / "related.json").read_text(encoding="utf-8"))
    assert sorted(related) == [A0, A1, A2, A3, A4]
    for aid, rows in related.items():
        assert 0 < len(rows) <= 5
        assert all(r["id"] != aid and 0 < r["score"] <= 1 and r["shared"] for r in rows)
        assert rows == sorted(rows, key=lambda r: (-r["score"], r["id"]))
    score = {(a, r["id"]): r["score"] for a, rows in related.items() for r in rows}
    for (a, b), s in score.items():
        assert score.get((b, a), s) == s  # cosine is symmetric
    # the two Bosra articles share the entity
    assert any("place:bosra-al-sham" in r["shared"] for r in related[A3] if r["id"] == A4)


def test_related_articles_ignore_features_above_the_rare_cap(
        paths: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    """Features in more than RARE_DF(N) articles never make two articles related (this keeps the
    product sparse at scale); small archives are below the cap and keep every feature."""
    from whoosh import index as whoosh_index

    from archive.index import related as rel

    gen = current_generation(paths)
    assert gen is not None
    ix = whoosh_index.open_dir(str(gen))
    _, feats = rel.doc_features(ix)
    df: dict[str, int] = {}
    for fs in feats.values():
        for f in fs:
            df[f] = df.get(f, 0) + 1
    assert rel.rare_df(5) >= 5  # the seeds: nothing capped
    uncapped = rel.compute_related(ix)
    monkeypatch.setattr(rel, "RARE_MIN", 2)
    monkeypatch.setattr(rel, "RARE_FACTOR", 0.0)
    capped = rel.compute_related(ix)
    shared = {("@" if ":" in f else "") + f for rows in capped.values() for r in rows
              for f in r["shared"]}
    assert shared and all(df[f] == 2 for f in shared)
    assert capped != uncapped
    assert any(df[("@" if ":" in f else "") + f] > 2
               for rows in uncapped.values() for r in rows for f in r["shared"])


def test_related_features_are_carried_and_updated_only_for_changed_articles(
        paths: Paths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each generation keeps its articles' features (root and entity terms with their
    frequencies); an update reads no posting of the index, changes the features of the
    changed articles only, and they stay what the index holds: after an edit, an addition,
    a deletion and a gazetteer change, the same features and related articles as an index
    built from scratch on the same seeds/."""
    from whoosh import index as whoosh_index

    from archive.index import build as index_build
    from archive.index import related as rel

    def features(p: Paths) -> dict[str, dict[str, int]]:
        gen = current_generation(p)
        assert gen is not None
        table = index_build._read_features(gen)
        assert table is not None
        kept = table.to_dict()
        ix = whoosh_index.open_dir(str(gen))
        try:
            assert kept == rel.index_features(ix)  # what the postings say
            assert table == rel.FeatureTable.from_dict(kept)  # however it was reached
            with ix.reader() as reader:  # docs.json: every live document's number and id
                full = {str(num): {k: f.get(k) for k in index_build._META_FIELDS}
                        for num, f in reader.iter_docs()}
            assert json.loads((gen / index_build.META).read_text("utf-8")) == full
        finally:
            ix.close()
        return kept

    before = features(paths)
    assert before[A1] and any(f.startswith("@place:") for f in before[A1])
    read: list[int] = []
    real = rel.index_features
    monkeypatch.setattr(index_build, "index_features",
                        lambda *a, **k: read.append(1) or real(*a, **k))
    f = paths.seeds / f"{A1}.txt"
    f.write_text(f.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
    with monkeypatch.context() as m:  # docs.json too: only the new segment's stored fields
        from whoosh import reading

        listed: list[int] = []
        for cls in (reading.IndexReader, reading.SegmentReader):
            m.setattr(cls, "iter_docs", lambda self: listed.append(1) or iter(()))
        update_index(paths)
        assert listed == []
    gen = current_generation(paths)
    assert gen is not None
    ix = whoosh_index.open_dir(str(gen))
    try:  # only the edited article was written: one new segment holding one document
        segments = ix._segments()
        assert [s.doc_count_all() for s in segments][-1] == 1
        assert sum(s.doc_count() for s in segments) == 5
    finally:
        ix.close()
    after = features(paths)
    assert after[A1] != before[A1] and after[A1]["زرف"] == 1  # زرافة
    assert {k: v for k, v in after.items() if k != A1} == {
        k: v for k, v in before.items() if k != A1}
    shutil.copy(paths.seeds / f"{A2}.txt", paths.seeds / "005_added.txt")
    (paths.seeds / f"{A3}.txt").unlink()
    places = paths.seeds / "places.yml"
    places.write_text(places.read_text(encoding="utf-8").replace(
        "aliases: [", "aliases: [زرافة, ", 1), encoding="utf-8")
    update_index(paths)
    assert read == []  # never read from the postings
    fresh = make_archive(tmp_path / "fresh")
    shutil.rmtree(fresh.seeds)
    shutil.copytree(paths.seeds, fresh.seeds)
    update_index(fresh)
    assert features(paths) == features(fresh)
    assert sorted(features(paths)) == [A0, A1, A2, A4, "005_added"]
    assert features(paths)[A1]["@place:syria"] > after[A1].get("@place:syria", 0)  # re-tagged
    assert (paths.build / "related.json").read_bytes() == (
        fresh.build / "related.json").read_bytes()


def test_site_build_path_reuses_analysed_articles_and_computes_related(tmp_path: Path) -> None:
    from archive.index.build import ensure_fresh
    from archive.pipeline import analyze_corpus, load

    a = make_archive(tmp_path / "a")
    b = make_archive(tmp_path / "b")
    update_index(a)
    analysed = analyze_corpus(load(b))
    report = ensure_fresh(b, related=True, analysed=analysed)
    assert report is not None and report.full and len(report.analysed) == 5
    assert (a.build / "related.json").read_bytes() == (b.build / "related.json").read_bytes()
    assert found(a, "قصفوا OR بصرى الشام") == found(b, "قصفوا OR بصرى الشام")
    assert ensure_fresh(b, related=True) is None
    # `archive search` updates without related articles; the site build then adds them
    f = b.seeds / f"{A4}.txt"
    f.write_text(f.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
    assert update_index(b, related=False).analysed == [A4]
    gen = current_generation(b)
    assert gen is not None and not (gen / "related.json").exists()
    report = ensure_fresh(b, related=True)
    assert report is not None and not report.changed and (gen / "related.json").is_file()


def test_a_name_that_is_also_a_common_word_keeps_both_readings(paths: Paths) -> None:
    """خالد the given name is also the adjective «eternal» (root خلد): a query for the name finds
    the name in its clitic forms only, a query word of the family does not find the name, and
    an explicit root query finds both."""
    name, word = paths.seeds / f"{A1}.txt", paths.seeds / f"{A3}.txt"
    name.write_text(name.read_text(encoding="utf-8") + "\nوقال لخالد إن الأمر انتهى.\n", "utf-8")
    word.write_text(word.read_text(encoding="utf-8") + "\nوبقي ذكرهم رمزا للخلود.\n", "utf-8")
    update_index(paths)
    assert found(paths, "خالد") == [A1]
    assert found(paths, "خلود") == [A3]
    assert sorted(found(paths, "جذر:خلد")) == [A1, A3]
    assert found(paths, '"لخالد إن"') == [A1]  # the extra key does not shift positions


def test_an_update_takes_docs_json_and_related_json_over_as_text(
        paths: Paths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An update that adds a segment keeps the previous docs.json and related.json entries as
    text (their indexes, docs.idx and related.idx, say where each entry is): docs.json is not
    made again from the documents, and both files are what they would be otherwise
    (related.json and its index as built from scratch; at this size every related list is
    computed again: tests/test_index_related.py checks the lists read at 600 articles). An
    index that does not match its file is not used."""

    from archive.index import build as index_build

    calls: list[str] = []
    real_meta = index_build._docs_meta
    monkeypatch.setattr(index_build, "_docs_meta",
                        lambda *a, **k: calls.append("docs_meta") or real_meta(*a, **k))
    for step, edit in enumerate(("edit", "add", "delete", "spoilt")):
        if edit == "edit":
            f = paths.seeds / f"{A1}.txt"
            f.write_text(f.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
        elif edit == "add":
            shutil.copy(paths.seeds / f"{A2}.txt", paths.seeds / "005_added.txt")
        elif edit == "delete":
            (paths.seeds / f"{A3}.txt").unlink()
        else:  # docs.idx no longer matches docs.json: docs.json is made from the index
            gen = current_generation(paths)
            assert gen is not None
            (gen / index_build.META_INDEX).write_bytes(b"spoilt")
            f = paths.seeds / f"{A0}.txt"
            f.write_text(f.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
        calls.clear()
        update_index(paths)
        gen = current_generation(paths)
        assert gen is not None
        assert ("docs_meta" in calls) == (edit == "spoilt"), (edit, calls)
        assert json.loads((gen / index_build.META).read_text("utf-8")) == index_docs_meta(gen)
        assert index_build._read_docs_index(gen) is not None
        fresh = make_archive(tmp_path / f"fresh{step}")
        shutil.rmtree(fresh.seeds)
        shutil.copytree(paths.seeds, fresh.seeds)
        update_index(fresh)
        fresh_gen = current_generation(fresh)
        assert fresh_gen is not None
        for name in (index_build.RELATED, index_build.RELATED_INDEX):
            assert (gen / name).read_bytes() == (fresh_gen / name).read_bytes(), (edit, name)


def test_a_site_build_check_and_update_parse_the_manifest_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ensure_fresh's check, its update and the search's start share the manifests read or
    written during the call (by the file's identity): one parse, not three, the same index
    files as without sharing, and nothing kept once the call returned."""
    from archive.index import build
    from archive.index.build import Manifest, ensure_fresh

    a = make_archive(tmp_path / "a")
    b = make_archive(tmp_path / "b")
    ensure_fresh(a, related=True)
    ensure_fresh(b, related=True)
    for p in (a, b):
        f = p.seeds / f"{A2}.txt"
        f.write_text(f.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
    parsed: list[int] = []
    real = Manifest.from_json.__func__  # type: ignore[attr-defined]

    def counting(cls: type[Manifest], text: str) -> Manifest:
        parsed.append(1)
        return real(cls, text)

    monkeypatch.setattr(Manifest, "from_json", classmethod(counting))
    report = ensure_fresh(a, related=True)
    assert report is not None and report.analysed == [A2]
    assert len(parsed) == 1 and build._MANIFESTS is None
    parsed.clear()
    assert build._ensure_fresh(b, True, None, None) is not None  # no sharing: as before
    assert len(parsed) == 3
    ga, gb = current_generation(a), current_generation(b)
    assert ga is not None and gb is not None and ga.name == gb.name
    for name in ("related.json", "docs.json"):
        assert (ga / name).read_bytes() == (gb / name).read_bytes()
    ma, mb = read_manifest(ga), read_manifest(gb)
    assert ma is not None and mb is not None
    # the same but for the seed files' mtimes (the two copies' own)
    assert {k: v.hash for k, v in ma.files.items()} == {k: v.hash for k, v in mb.files.items()}
    ma.files = mb.files
    assert ma.to_json() == mb.to_json()
    assert (a.build / "related.json").read_bytes() == (b.build / "related.json").read_bytes()
    assert found(a, "زرافة") == found(b, "زرافة") == [A2]


def test_a_shared_manifest_is_not_used_once_its_file_was_replaced(paths: Paths) -> None:
    from archive.index import build

    gen = current_generation(paths)
    assert gen is not None
    build._MANIFESTS = {}
    try:
        m = read_manifest(gen)
        assert m is not None and build._recall_manifest(gen / "manifest.json") is not None
        text = (gen / "manifest.json").read_text(encoding="utf-8")
        other = json.loads(text)
        other["generation"] = 99
        (gen / "manifest.tmp").write_text(json.dumps(other), encoding="utf-8")
        os.replace(gen / "manifest.tmp", gen / "manifest.json")  # another process's update
        assert build._recall_manifest(gen / "manifest.json") is None
        again = read_manifest(gen)
        assert again is not None and again.generation == 99
    finally:
        build._MANIFESTS = None


def _features_files(p: Paths) -> dict[str, bytes]:
    """The live generation's features.bin and its chunks, by name."""
    from archive.index import build as index_build

    gen = current_generation(p)
    assert gen is not None
    names = [index_build.FEATURES, *(e[0] for e in index_build._read_features_dir(gen)[1])]
    assert sorted(names[1:]) == sorted(q.name for q in gen.glob(index_build._FEATURE_CHUNKS))
    return {n: (gen / n).read_bytes() for n in names}


def test_features_are_chunked_and_an_update_writes_only_the_chunks_it_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """features.bin is a directory of chunks of rows cut by the ids alone: after an edit, an
    addition and a deletion the same files, byte for byte, as a cold build of the same
    seeds; the chunks of rows no change touched are the previous generation's files (hard
    links), only the others are written; a damaged or missing chunk is not trusted (the
    features are read from the index again, and come out the same)."""
    from archive.index import build as index_build
    from archive.index import related as rel

    monkeypatch.setattr(rel, "CHUNK_MASK", 1)  # about every other row ends a chunk
    paths = make_archive(tmp_path / "inc")
    update_index(paths)
    files = _features_files(paths)
    assert len(files) >= 3  # the directory and at least two chunks
    real = index_build.FeatureTable.chunk
    made: list[str] = []

    def chunk(self: Any, lo: int, hi: int) -> Any:
        made.extend(self.ids[lo:hi])
        return real(self, lo, hi)

    monkeypatch.setattr(index_build.FeatureTable, "chunk", chunk)

    def changed(step: int) -> None:
        before = _features_files(paths)
        made.clear()
        update_index(paths)
        mine = list(made)
        gen = current_generation(paths)
        assert gen is not None
        fresh = make_archive(tmp_path / f"cold{step}")
        shutil.rmtree(fresh.seeds)
        shutil.copytree(paths.seeds, fresh.seeds)
        update_index(fresh)
        after = _features_files(paths)
        assert after == _features_files(fresh), step
        table = index_build._read_features(gen)
        assert table is not None
        # a chunk already in the previous generation is its file (a link), not made again;
        # one change alters one chunk (two when its id ends one; none when a deleted row was
        # a chunk alone)
        new = 0
        for name in after:
            if name == index_build.FEATURES:
                continue
            if name in before:
                assert (gen / name).stat().st_nlink > 1, step
            else:
                new += 1
        assert new <= 2 and len(mine) < len(table.ids), step
        assert (new > 0) == bool(mine) and (step == 3 or mine), step

    f = paths.seeds / f"{A1}.txt"
    f.write_text(f.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
    changed(1)
    shutil.copy(paths.seeds / f"{A2}.txt", paths.seeds / "005_added.txt")
    changed(2)
    (paths.seeds / f"{A3}.txt").unlink()
    changed(3)  # a deleted row: its chunk is made again without it
    # a damaged chunk: not read as the features (they come from the index), and the next
    # update still writes what a cold build does
    gen = current_generation(paths)
    assert gen is not None
    chunk = sorted(gen.glob(index_build._FEATURE_CHUNKS))[0]
    data = bytearray(chunk.read_bytes())
    data[-1] ^= 1
    chunk.unlink()  # (not in place: the previous generation links the same file)
    chunk.write_bytes(bytes(data))
    assert index_build._read_features(gen) is None
    chunk.unlink()
    assert index_build._read_features(gen) is None
    directory = gen / index_build.FEATURES  # a damaged directory: not trusted either
    data = bytearray(directory.read_bytes())
    data[len(data) // 2] ^= 1
    directory.unlink()
    directory.write_bytes(bytes(data))
    assert index_build._read_features_dir(gen) is None
    directory.unlink()  # format 2's whole file (main before the chunks): read from the index
    directory.write_bytes(b"archive-features 2\n" + index_build.FeatureTable.from_dict(
        {A0: {"x": 1}}).to_bytes())
    assert index_build._read_features(gen) is None
    f.write_text(f.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
    update_index(paths)
    fresh = make_archive(tmp_path / "cold4")
    shutil.rmtree(fresh.seeds)
    shutil.copytree(paths.seeds, fresh.seeds)
    update_index(fresh)
    assert _features_files(paths) == _features_files(fresh)
