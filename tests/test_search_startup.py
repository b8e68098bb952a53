"""What one `archive search` process pays before it searches: the freshness check (a note
instead of the whole manifest, still seeing every added, deleted or edited article), the
analysis tables kept in build/, the gazetteer parsed once with libyaml."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import (
    HOUR_AGO,
    KEPT_TABLES_PRELUDE,
    SEED_CHANGES,
    age,
    aged_seeds,
    change_seed,
    python_json_runs,
)

from archive.analysis import tables
from archive.config import Paths
from archive.gazetteer import loader
from archive.index import build
from archive.index.build import FRESH, article_stats, index_status, search_dir, update_index

REPO = Path(__file__).resolve().parents[1]
A0, A1 = "000_02dc7bcb46da7aac", "001_9de41e7d550015bc"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = aged_seeds(tmp_path_factory.mktemp("startup"))
    update_index(Paths(d), related=False)
    return d


@pytest.fixture
def paths(built: Path, tmp_path: Path) -> Paths:
    shutil.copytree(built, tmp_path / "a", symlinks=True)
    return Paths(tmp_path / "a")


def note(paths: Paths) -> Path:
    return search_dir(paths) / FRESH


def manifest_unread(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(text: str) -> None:
        raise AssertionError("the manifest was read")

    monkeypatch.setattr(build.Manifest, "from_json", refuse)


def test_a_fresh_check_leaves_a_note_and_the_next_one_skips_the_manifest(
        paths: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    assert not note(paths).exists()
    assert index_status(paths).fresh
    assert note(paths).is_file()
    manifest_unread(monkeypatch)
    assert index_status(paths).fresh


def test_a_fresh_check_by_listing_reads_neither_the_manifest_nor_the_files(
        paths: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    """Once a note vouches for the listing of seeds/ a child process made, the next check
    compares its digest: no manifest read, no listing parsed, no file stat'ed."""
    from archive.search.service import SeedScan

    if shutil.which("find") is None:
        pytest.skip("no find")
    first = SeedScan(paths).result()
    assert isinstance(first, build.SeedListing) and first.digest is not None
    assert index_status(paths, scanned=first).fresh
    assert json.loads(note(paths).read_text(encoding="utf-8"))["listing"] == first.digest
    manifest_unread(monkeypatch)

    def refuse(*args: Any) -> None:
        raise AssertionError("the files were looked at one by one")

    monkeypatch.setattr(build, "parse_listing", refuse)
    monkeypatch.setattr(build, "article_stats", refuse)
    assert index_status(paths, scanned=SeedScan(paths).result()).fresh


@pytest.mark.parametrize("change", ["add", "delete", "edit", "edit-same-size"])
def test_the_note_never_hides_a_changed_article(paths: Paths, change: str) -> None:
    assert index_status(paths).fresh and note(paths).is_file()
    f = paths.seeds / f"{A1}.txt"
    text = f.read_text(encoding="utf-8")
    if change in SEED_CHANGES:
        change_seed(paths.seeds, f, change)
    else:  # one letter for another: same size, and an old time again
        i = text.index("درعا")
        f.write_text(text[:i] + "درعى" + text[i + 4:], encoding="utf-8")
        assert f.stat().st_size == len(text.encode())
        age(f, ns=HOUR_AGO + 10**9)
    status = index_status(paths)
    assert not status.fresh and status.reasons == ["seeds/ changed"]
    update_index(paths, related=False)
    assert index_status(paths).fresh


def test_a_touched_file_is_still_fresh_after_comparing_hashes(
        paths: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    assert index_status(paths).fresh
    age(paths.seeds / f"{A0}.txt", ns=HOUR_AGO + 5 * 10**9)
    assert index_status(paths).fresh  # content unchanged; a new note for the new times
    manifest_unread(monkeypatch)
    assert index_status(paths).fresh


def test_the_note_does_not_hide_a_gazetteer_or_code_change(
        paths: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    assert index_status(paths).fresh
    manifest_unread(monkeypatch)
    places = paths.seeds / "places.yml"
    original = places.read_text(encoding="utf-8")
    places.write_text(original + "- id: test-new-place\n  name: قرية الاختبار\n"
                      "  type: village\n  description: A test entry.\n", encoding="utf-8")
    assert index_status(paths).reasons == ["the gazetteer changed"]
    places.write_text(original, encoding="utf-8")
    assert index_status(paths).fresh
    monkeypatch.setattr(build, "code_fingerprint", lambda: "other code")
    assert index_status(paths).reasons == ["the analysis code changed"]


def test_a_file_younger_than_the_timestamp_granularity_is_vouched_for_by_its_content(
        paths: Paths) -> None:
    """A file written within RACY_NS of the check: a second write may keep its size and mtime,
    so the note keeps its content hash and the next check compares the content."""
    f = paths.seeds / f"{A0}.txt"
    text = f.read_text(encoding="utf-8")
    f.write_bytes(f.read_bytes())  # same content, written now
    assert index_status(paths).fresh
    young = json.loads(note(paths).read_text(encoding="utf-8"))["young"]
    assert list(young) == [paths.rel(f)]
    st = f.stat()
    i = text.index("درعا")  # one letter for another: same size, and the same time again
    f.write_text(text[:i] + "درعى" + text[i + 4:], encoding="utf-8")
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert f.stat().st_size == st.st_size and f.stat().st_mtime_ns == st.st_mtime_ns
    status = index_status(paths)
    assert not status.fresh and status.reasons == ["seeds/ changed"]
    f.write_text(text, encoding="utf-8")
    age(f)
    assert index_status(paths).fresh
    assert "young" not in json.loads(note(paths).read_text(encoding="utf-8"))


def test_a_new_index_generation_makes_the_note_stale(paths: Paths) -> None:
    assert index_status(paths).fresh
    first = json.loads(note(paths).read_text(encoding="utf-8"))
    f = paths.seeds / f"{A0}.txt"
    f.write_text(f.read_text(encoding="utf-8") + "\nزرافة\n", encoding="utf-8")
    age(f, ns=HOUR_AGO + 7 * 10**9)
    update_index(paths, related=False)
    assert index_status(paths).fresh
    second = json.loads(note(paths).read_text(encoding="utf-8"))
    assert second["generation"] != first["generation"] and second["files"] != first["files"]


def test_article_paths_are_the_ones_the_loader_records(tmp_path: Path) -> None:
    """Scanning without resolving each path gives Paths.rel's answer, symbolic links too."""
    root = tmp_path / "archive"
    (root / "seeds").mkdir(parents=True)
    (root / "seeds" / "a.md").write_text("x", encoding="utf-8")
    (root / "seeds" / "B.TXT").write_text("yy", encoding="utf-8")
    (root / "seeds" / ".hidden.md").write_text("z", encoding="utf-8")
    (root / "seeds" / "notes.yml").write_text("z", encoding="utf-8")
    (root / "seeds" / "folder.md").mkdir()
    (root / "elsewhere").mkdir()
    (root / "elsewhere" / "linked.md").write_text("abc", encoding="utf-8")
    (root / "seeds" / "link.md").symlink_to(root / "elsewhere" / "linked.md")
    (root / "seeds" / "broken.md").symlink_to(root / "missing.md")
    paths = Paths(root)

    def expected() -> list[tuple[str, int, int]]:  # what scanning with Paths.rel gave
        return [
            (paths.rel(p), p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted((root / "seeds").iterdir())
            if p.is_file() and p.suffix.lower() in (".txt", ".md") and not p.name.startswith(".")
        ]

    assert article_stats(paths) == expected()
    assert listed(paths) == expected()
    assert of_listing(paths) == expected()
    assert [rel for rel, _, _ in expected()] == ["seeds/B.TXT", "seeds/a.md",
                                                 "elsewhere/linked.md"]
    # seeds/ itself a link to a folder outside the root: paths as Paths.rel gives them
    outside = tmp_path / "outside-seeds"
    shutil.move(root / "seeds", outside)
    (root / "seeds").symlink_to(outside)
    assert article_stats(paths) == expected()
    assert listed(paths) == expected()
    assert of_listing(paths) == expected()
    assert str(root / "seeds" / "a.md") in [rel for rel, _, _ in expected()]


def of_listing(paths: Paths) -> list[tuple[str, int, int]]:
    """article_stats from a listing as the corpus load makes it (every entry's name, whether
    it is a link, its stat following links: None when that fails), in scandir's order."""
    from archive.freshnote import article_stats_of

    listing = []
    for e in os.scandir(paths.seeds):
        try:
            st: os.stat_result | None = e.stat()
        except OSError:
            st = None
        listing.append((e.name, e.is_symlink(), st))
    return article_stats_of(paths, listing)


def listed(paths: Paths) -> list[tuple[str, int, int]]:
    """What the command line's scan of seeds/ (a child process's listing, else
    article_stats in a thread) gives."""
    from archive.search.service import SeedScan

    scanned = SeedScan(paths).result()
    if isinstance(scanned, build.SeedListing):
        return scanned.stats()
    return list(scanned[1])


def test_the_listing_is_article_stats_and_its_digest_vouches_for_no_link(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from archive.search.service import SeedScan

    if shutil.which("find") is None:
        pytest.skip("no find")
    root = tmp_path / "archive"
    (root / "seeds").mkdir(parents=True)
    for i, name in enumerate(["b.md", "a.TXT", "Ø-غير.md", "c d.md", "x.yml", ".e.md"]):
        (root / "seeds" / name).write_text("x" * i, encoding="utf-8")
    age(*(root / "seeds").iterdir(), ns=HOUR_AGO + 123_456_789)
    paths = Paths(root)
    scanned = SeedScan(paths).result()
    assert isinstance(scanned, build.SeedListing) and scanned.digest is not None
    assert scanned.stats() == article_stats(paths)
    assert [rel for rel, _, _ in scanned.stats()] == [
        "seeds/a.TXT", "seeds/b.md", "seeds/c d.md", "seeds/Ø-غير.md"]
    (root / "seeds" / "l.md").symlink_to(root / "seeds" / "b.md")
    scanned = SeedScan(paths).result()
    assert isinstance(scanned, build.SeedListing) and scanned.digest is None
    assert scanned.stats() == article_stats(paths)
    # no find to run: seeds/ is scanned in the thread instead
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    assert SeedScan(paths).result() == (pytest.approx(time.time_ns(), abs=60e9),
                                        article_stats(paths))


# --------------------------------------------------------------------------- tables


def test_kept_tables_are_the_built_tables(tmp_path: Path) -> None:
    """A second process reads the tables from build/ and gets exactly the built ones."""
    code = KEPT_TABLES_PRELUDE + (
        "assert tables.build_tables() is kept\n"
        "print(json.dumps([tables.tables_json(kept) == tables.tables_json(tables._build_tables()),"
        " analyze_word('والمفاوضات')], ensure_ascii=False))\n"
    )
    runs: list[Any] = python_json_runs(code, str(tmp_path))
    assert (tmp_path / tables.KEPT_FILE).is_file()
    assert runs[0] == runs[1] and runs[0][0] is True


def test_kept_tables_from_other_code_or_with_code_inside_are_rebuilt(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tables, "_kept", None)
    tables.build_tables.cache_clear()
    path = tmp_path / tables.KEPT_FILE
    path.write_bytes(pickle.dumps({"key": "other code", "tables": {"prefixes": ["x"]}}))
    kept = tables.keep_tables(tmp_path)
    assert kept["prefixes"] != ["x"] and kept == tables._build_tables()

    class Boom:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, ("exit 3",))

    monkeypatch.setattr(tables, "_kept", None)
    tables.build_tables.cache_clear()
    path.write_bytes(pickle.dumps({"key": tables._kept_key(), "tables": Boom()}))
    assert tables.keep_tables(tmp_path) == kept  # refused, not run, and rebuilt
    loaded = tables._read_tables_file(path, tables._kept_key())
    assert loaded is not None and loaded["json"] is None  # (the user's cache has the JSON)
    deferred = {k: pickle.loads(v) for k, v in loaded["deferred"].items()}
    sharded = {k: {key: value for blob in shards.values()
                   for key, value in pickle.loads(blob).items()}
               for k, shards in loaded["sharded"].items()}
    assert sorted(sharded) == sorted(tables.SHARDED)
    assert {**loaded["tables"], **deferred, **sharded} == kept
    assert tables._whole(loaded) == kept


def test_damaged_kept_tables_are_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """build/'s tables file is checked as the user's cache is (one format, its CRC-32): a
    byte changed in a shard, or the file cut short, is not read; the tables are built again
    and the file written again."""
    monkeypatch.setattr(tables, "_kept", None)
    tables.build_tables.cache_clear()
    built = tables.keep_tables(tmp_path)
    expected = tables._build_tables()
    path = tmp_path / tables.KEPT_FILE
    data = path.read_bytes()
    k = data.index("كتب".encode())  # in the lexicon's shards: unpickled only when looked up
    for damage in (data[:k] + "كتت".encode() + data[k + len("كتب".encode()):],
                   data[: len(data) // 2]):
        path.write_bytes(damage)
        assert tables._load_kept(path, tables._kept_key()) is None
        monkeypatch.setattr(tables, "_kept", None)
        tables.build_tables.cache_clear()
        assert tables.keep_tables(tmp_path) == expected == built
        assert path.read_bytes() == data  # written again
    tables.build_tables.cache_clear()


def test_a_sharded_table_holds_what_the_plain_one_holds() -> None:
    plain = dict(sorted({"ابب": "1", "ابت": "2", "بيت": "3", "ب": "4", "كتب": "5"}.items()))
    shards = tables.ShardedTable.split(plain, 2)
    assert sorted(shards) == sorted({k[:2] for k in plain})

    def fresh() -> tables.ShardedTable:
        return tables.ShardedTable(shards, 2, pickle.loads)

    t = fresh()
    assert dict.__len__(t) == 1  # the smallest shard, read at once
    assert "بيت" in t and t["ب"] == "4" and t.get("كتب") == "5" and t.get("كتاب", "-") == "-"
    assert "كتاب" not in t and "" not in t and bool(t)
    assert dict.__len__(t) == 3  # the shards of ب, بي and كت only (كتاب, كتب looked up)
    with pytest.raises(KeyError):
        t["ابج"]  # noqa: B018
    assert dict.__len__(t) == 5  # and اب's
    assert fresh() | {"x": "y"} == {**plain, "x": "y"} == {"x": "y"} | fresh() | {"x": "y"}
    for whole in (list(fresh()), list(fresh().items()), len(fresh()), fresh().copy()):
        assert whole in (list(plain), list(plain.items()), len(plain), plain)
    assert fresh() == plain and not fresh() != plain
    t = fresh()
    t["بيت"]  # noqa: B018 - one shard read before the rest: the order is still the keys'
    assert list(t) == sorted(plain) and pickle.loads(pickle.dumps(fresh())) == plain
    assert json.dumps(fresh(), ensure_ascii=False) == json.dumps(plain, ensure_ascii=False)
    assert not tables.ShardedTable({}, 2, pickle.loads)


def test_a_query_reads_few_lexicon_shards_and_analyses_as_the_built_tables(
        tmp_path: Path) -> None:
    code = KEPT_TABLES_PRELUDE + (
        "lex = kept['lexicon']\n"
        "words = [analyze_word(w) for w in ('والمفاوضات', 'المستشفيات', 'يلعبون', 'الرياض')]\n"
        "read = dict.__len__(lex) if isinstance(lex, tables.ShardedTable) else None\n"
        "same = tables.tables_json() == tables.tables_json(tables._build_tables())\n"
        "print(json.dumps([read, len(lex), same, words], ensure_ascii=False))\n"
    )
    runs: list[Any] = python_json_runs(code, str(tmp_path))
    assert runs[0][0] is None  # built in full by the first process
    assert 0 < runs[1][0] < runs[1][1] / 10  # then read in part
    assert runs[0][1:] == runs[1][1:] and runs[1][2] is True


@pytest.mark.parametrize("times", ["kept", "new"])
def test_a_copied_archive_is_still_fresh(built: Path, tmp_path: Path, times: str) -> None:
    """A copy of the archive elsewhere (``cp -a``: times kept; or build/ restored from a cache
    beside a fresh checkout of seeds/: new times) answers from its index, no rebuild."""
    from click.testing import CliRunner

    from archive.cli import main

    root = tmp_path / "elsewhere" / "copy"
    shutil.copytree(built, root, copy_function=shutil.copy2 if times == "kept"
                    else shutil.copyfile)
    if times == "new":
        age(*(root / "seeds").iterdir(), ns=HOUR_AGO + 60 * 10**9)
    (search_dir(Paths(root)) / FRESH).unlink(missing_ok=True)
    generation = (search_dir(Paths(root)) / "CURRENT").read_text(encoding="utf-8")
    assert index_status(Paths(root)).fresh
    result = CliRunner().invoke(main, ["--root", str(root), "search", "درعا", "--json"])
    assert result.exit_code == 0 and "index" not in result.stderr
    assert (search_dir(Paths(root)) / "CURRENT").read_text(encoding="utf-8") == generation


# --------------------------------------------------------------------------- gazetteer


def parsed(text: str, fast: type) -> object:
    old = loader.FAST_LOADER
    loader.FAST_LOADER = fast
    try:
        return loader.parse_entries(text, "place", "seeds/places.yml")
    finally:
        loader.FAST_LOADER = old


@pytest.mark.skipif(not getattr(yaml, "__with_libyaml__", False), reason="no libyaml")
def test_libyaml_gives_the_same_entries_lines_and_errors() -> None:
    text = (REPO / "seeds" / "places.yml").read_text(encoding="utf-8")
    assert parsed(text, yaml.CSafeLoader) == parsed(text, yaml.SafeLoader)
    entities, problems = parsed(text, yaml.CSafeLoader)  # type: ignore[misc]
    assert entities and not problems
    broken = text.replace("\n  name:", "\n  name: [", 1)
    assert parsed(broken, yaml.CSafeLoader) == parsed(broken, yaml.SafeLoader)
    _, problems = parsed(broken, yaml.CSafeLoader)  # type: ignore[misc]
    assert problems and problems[0].line and "YAML syntax error" in problems[0].message
    # libyaml accepts a tab PyYAML rejects: such a text is read by PyYAML
    tabbed = text.replace("\n  type:", "\n  type:\t", 1)
    assert parsed(tabbed, yaml.CSafeLoader) == parsed(tabbed, yaml.SafeLoader)


def test_search_reads_the_gazetteer_once(tmp_path: Path, built: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from archive.cli import main

    shutil.copytree(built, tmp_path / "a")
    calls: list[str] = []
    real = loader.parse_entries

    def counting(text: str, kind: str, rel: str) -> object:
        calls.append(rel)
        return real(text, kind, rel)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "parse_entries", counting)
    result = CliRunner().invoke(main, ["--root", str(tmp_path / "a"), "search", "درعا"])
    assert result.exit_code == 0 and "result" in result.output
    assert sorted(calls) == ["seeds/actors.yml", "seeds/places.yml"]


def test_the_kept_gazetteer_is_read_only_as_far_as_a_query_needs(paths: Paths) -> None:
    from archive.analysis import Analyzer
    from archive.index.build import load_gazetteer
    from archive.records import entity_fingerprints, gazetteer_fingerprint
    from archive.search.service import KeptGazetteer, freshen, kept_gazetteer

    kept_gazetteer(paths)  # writes the kept file
    kept = kept_gazetteer(paths)
    assert isinstance(kept, KeptGazetteer)
    plain = load_gazetteer(paths)
    assert kept.fingerprint == gazetteer_fingerprint(entity_fingerprints(plain))
    text = (paths.seeds / f"{A1}.txt").read_text(encoding="utf-8")
    found = Analyzer(kept.matcher()).analyze_with_matches(text)
    first = kept.matcher()._first
    assert 0 < dict.__len__(first) < len(plain.matcher()._first) / 4
    freshen(paths, pytest.fail, kept)  # fresh, judged from the kept fingerprint alone
    assert kept._gazetteer is None  # entities never unpickled so far
    assert found == Analyzer(plain.matcher()).analyze_with_matches(text)
    assert kept.entities == plain.entities and kept.children(
        "place:daraa-governorate") == plain.children("place:daraa-governorate") != []
    assert kept.matcher().names == plain.matcher().names
    assert dict(first.items()).keys() == plain.matcher()._first.keys()
    # a gazetteer edit: another key, so the gazetteer is read from the files again
    places = paths.seeds / "places.yml"
    places.write_text(places.read_text(encoding="utf-8") + "- id: test-new-place\n"
                      "  name: قرية الاختبار\n  type: village\n  description: A test.\n",
                      encoding="utf-8")
    edited = kept_gazetteer(paths)
    assert not isinstance(edited, KeptGazetteer) and "place:test-new-place" in edited.entities
    assert index_status(paths, edited).reasons == ["the gazetteer changed"]
    again = kept_gazetteer(paths)
    assert isinstance(again, KeptGazetteer) and again.fingerprint != kept.fingerprint
    assert index_status(paths, None, None, again.fingerprint).reasons == [
        "the gazetteer changed"]


# --------------------------------------------------------------------------- one CLI call


@pytest.mark.parametrize("scan", ["listing", "thread"])
@pytest.mark.parametrize("change", ["add", "edit-in-place", "edit-same-size", "delete",
                                    "rename"])
def test_a_cli_search_answers_from_seeds_as_they_are_now(
        paths: Paths, change: str, scan: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """seeds/ is listed by a child process (or, without GNU find, scanned in a thread) while
    the tables load: an article added, edited in place (the folder's own time unchanged; also
    to the same size), deleted or renamed just before the call is what it answers from, also
    when the note of the last fresh check vouched for the listing before."""
    from click.testing import CliRunner

    from archive.cli import main

    if scan == "thread":
        monkeypatch.setenv("PATH", str(paths.root / "nowhere"))
    elif shutil.which("find") is None:
        pytest.skip("no find")

    def ids(word: str) -> set[str]:
        result = CliRunner().invoke(main, ["--root", str(paths.root), "search", word, "--json"])
        assert result.exit_code == 0, result.output
        return {r["id"] for r in json.loads(result.output[result.output.index("{"):])["results"]}

    assert ids("زرافة") == set() and A1 in ids("درعا")
    assert ("listing" in json.loads(note(paths).read_text(encoding="utf-8"))) == (
        scan == "listing")
    f = paths.seeds / f"{A1}.txt"
    folder_time = paths.seeds.stat().st_mtime_ns
    if change == "add":
        (paths.seeds / "new-article.md").write_text("# جديد\n\nشوهدت زرافة في درعا.\n",
                                                    encoding="utf-8")
        assert ids("زرافة") == {"new-article"}
    elif change == "edit-in-place":
        with open(f, "a", encoding="utf-8") as fh:
            fh.write("\nوشوهدت زرافة.\n")
        assert paths.seeds.stat().st_mtime_ns == folder_time
        assert ids("زرافة") == {A1}
    elif change == "edit-same-size":  # one word for another of as many bytes, an old time
        data = f.read_bytes()
        old, new = "الصواريخ".encode(), "الزرافات".encode()
        assert old in data and len(old) == len(new) and not ids("الزرافات")
        with open(f, "r+b") as fh:
            fh.write(data.replace(old, new, 1))
        assert f.stat().st_size == len(data) and paths.seeds.stat().st_mtime_ns == folder_time
        age(f, ns=HOUR_AGO + 3 * 10**9)
        assert ids("الزرافات") == {A1}
    elif change == "delete":
        f.unlink()
        assert A1 not in ids("درعا")
    else:
        f.rename(paths.seeds / "renamed.txt")
        found = ids("درعا")
        assert "renamed" in found and A1 not in found


def test_a_cli_search_leaves_the_garbage_collector_as_it_found_it(paths: Paths) -> None:
    import gc

    from click.testing import CliRunner

    from archive.cli import main

    assert gc.isenabled()
    result = CliRunner().invoke(main, ["--root", str(paths.root), "search", "درعا"])
    assert result.exit_code == 0 and gc.isenabled()


@pytest.mark.parametrize("deletions", [False, True])
def test_a_search_process_imports_only_what_searching_needs(paths: Paths,
                                                            deletions: bool) -> None:
    """No other command's module, and not the two standard packages Whoosh imports for
    nothing a search uses (archive.search.lightwhoosh); those stay importable as usual.
    Also when the index has deleted documents (an article edited since the first build:
    Whoosh's ``deleted_docs_set`` is a ``cached_property``, which asks asyncio)."""
    if deletions:
        f = paths.seeds / f"{A0}.txt"
        f.write_text(f.read_text(encoding="utf-8") + "\nزرافة\n", encoding="utf-8")
        age(f, ns=HOUR_AGO + 3 * 10**9)
        update_index(paths, related=False)
        from archive.search.engine import open_view

        with open_view(paths) as view:
            assert any(leaf.has_deletions() for leaf, _ in view.reader.leaf_readers())
    code = (
        "import json, sys\n"
        "from archive.cli import main\n"
        "try:\n"
        "    main.main(['--root', sys.argv[1], 'search', 'درعا', '--json'])\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "loaded = sorted(m for m in sys.modules if m in ('asyncio', 'urllib.request', 'yaml')"
        " or m.startswith('archive.commands.'))\n"
        "import asyncio, urllib.request, cached_property, whoosh.compat\n"
        "async def answer():\n"
        "    return 42\n"
        "real = [asyncio.run(answer()), hasattr(urllib.request, 'Request'),\n"
        "        cached_property.asyncio.iscoroutinefunction(answer),\n"
        "        whoosh.compat.urlretrieve.__module__]\n"
        "print(json.dumps([loaded, real]))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    for _ in range(2):  # the first call may keep the tables and the gazetteer in build/
        out = subprocess.run([sys.executable, "-c", code, str(paths.root)], env=env,
                             capture_output=True, text=True, check=True).stdout
    loaded, real = json.loads(out.splitlines()[-1])
    assert loaded == ["archive.commands.search"]
    assert real == [42, True, True, "archive.search.lightwhoosh"]


def test_a_search_program_prints_everything_and_exits_with_its_status(paths: Paths) -> None:
    """``python -m archive search`` leaves without the interpreter's teardown: the whole output
    still comes out, and the exit status is the command's."""
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "archive", "--root", str(paths.root),
                               "search", *args], env=env, capture_output=True, text=True)

    found = run("درعا", "--json", "--limit", "50")
    assert found.returncode == 0, found.stderr
    assert len(json.loads(found.stdout)["results"]) == 5
    listing = run("درعا")
    assert listing.returncode == 0 and listing.stdout.count("score") == 5
    bad = run("--from", "2018-13", "درعا")
    assert bad.returncode == 2 and "not a date" in bad.stderr and not bad.stdout


@pytest.mark.parametrize("how", ["archive index", "site build"])
def test_the_first_search_after_an_update_makes_nothing_in_build(tmp_path: Path,
                                                                 how: str) -> None:
    """An index update (``archive index``, or the site build's ``ensure_fresh``) leaves what
    the first ``archive search`` after it would otherwise make: the analysis tables, the
    gazetteer, the ids of the generation and the freshness note vouching for the listing. That
    search then writes nothing in build/ (and answers as the ones after it)."""
    from click.testing import CliRunner

    from archive.cli import main
    from archive.index.build import ensure_fresh

    if shutil.which("find") is None:
        pytest.skip("no find")
    d = tmp_path / "a"
    shutil.copytree(REPO / "seeds", d / "seeds")
    shutil.copy(REPO / "mkdocs.yml", d / "mkdocs.yml")
    age(*(d / "seeds").iterdir())
    if how == "archive index":
        result = CliRunner().invoke(main, ["--root", str(d), "index"])
        assert result.exit_code == 0, result.output
    else:
        assert ensure_fresh(Paths(d), related=True) is not None

    def files() -> dict[str, tuple[int, int, int]]:
        return {p.relative_to(d).as_posix(): (p.stat().st_ino, p.stat().st_size,
                                              p.stat().st_mtime_ns)
                for p in (d / "build").rglob("*") if p.is_file()}

    before = files()
    assert {"build/analysis-tables.pickle", "build/search-gazetteer.pickle",
            "build/search-ids.pickle", "build/search/fresh.json"} <= set(before)
    assert "listing" in json.loads((d / "build/search/fresh.json").read_text(encoding="utf-8"))
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    found = subprocess.run([sys.executable, "-m", "archive", "--root", str(d), "search", "درعا",
                            "--json"], env=env, capture_output=True, text=True)
    assert found.returncode == 0 and not found.stderr, found.stderr
    assert json.loads(found.stdout)["total"] == 5
    assert files() == before
