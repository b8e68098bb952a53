"""What a `mkdocs serve` reload keeps from the previous one to do less: the search index's
docs.json after a merge of segments (only the merged segments' stored fields are read), the
titles' matching forms for the order by title, and the collector's frozen objects."""

from __future__ import annotations

import gc
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import index_docs_meta

from archive.analysis import normalize
from archive.config import Paths
from archive.index import build as index_build
from archive.index.build import current_generation, update_index
from archive.site import model
from archive.site import plugin as site_plugin

REPO = Path(__file__).resolve().parents[1]


def _segments(gen: Path) -> list[tuple[str, int, int]]:
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(gen))
    try:
        return [(s.segment_id(), s.doc_count_all(), s.doc_count()) for s in ix._segments()]
    finally:
        ix.close()


def test_docs_meta_after_a_merge_reads_only_the_merged_segments(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Edits pile up one segment each until the small ones are merged (Whoosh moves the
    segments it leaves, so document numbers change): docs.json is still every live document's
    number and stored fields, as a full read gives, and the stored fields read are only those
    of the segments the previous generation did not have."""
    from whoosh import reading

    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    paths = Paths(tmp_path)
    update_index(paths)
    seeds = sorted((paths.seeds).glob("*.txt"))
    assert len(seeds) >= 3
    read: list[int] = []
    real = reading.MultiReader.stored_fields
    monkeypatch.setattr(reading.MultiReader, "stored_fields",
                        lambda self, n: read.append(n) or real(self, n))
    merged = False
    for step in range(3 * index_build.MERGE_AT):
        gen = current_generation(paths)
        assert gen is not None
        before = _segments(gen)
        seed = seeds[step % 3]
        seed.write_text(seed.read_text(encoding="utf-8") + f"\nسطر جديد رقم {step}.\n",
                        encoding="utf-8")
        read.clear()
        update_index(paths)
        gen = current_generation(paths)
        assert gen is not None
        after = _segments(gen)
        old_ids = {sid for sid, _all, _live in before}
        new_live = sum(live for sid, _all, live in after if sid not in old_ids)
        assert len(read) == new_live, (before, after)
        assert json.loads((gen / index_build.META).read_text("utf-8")) == index_docs_meta(gen)
        if len(after) < len(before):  # a merge of the small segments
            merged = True
            # the big first segment was kept, yet moved behind the ones the merge left
            assert [s for s in after if s[0] == before[0][0]]
            assert after[0][0] != before[0][0]
            assert new_live < sum(live for _sid, _all, live in after)
            break
    assert merged


def test_title_order_is_the_plain_sort_and_follows_a_new_title() -> None:
    """The order by title (normalised title, title, id) with the matching forms kept between
    calls is the order of a sort that normalises every title, also after a title changed."""
    from archive.corpus.article import Article

    titles = ["أخبار الرياض", "اخبار الرياض", "إعلان", "آخر الأخبار", "", "Zeta", "alpha",
              "أخبار الرياض"]

    def views(names: list[str]) -> list[model.ArticleView]:
        return [model.ArticleView(Article(id=f"a{i:02d}", path=f"seeds/a{i:02d}.md",
                                          text="نص", content_hash=str(i), title=t,
                                          title_inferred=False, date=None, source=None),
                                  [], {}, [], [])
                for i, t in enumerate(names)]

    def plain(vs: list[model.ArticleView]) -> list[str]:
        return [v.id for v in sorted(vs, key=lambda v: (normalize(v.article.title or ""),
                                                        v.article.title or "", v.id))]

    first = views(titles)
    assert [v.id for v in model.title_order(first)] == plain(first)
    changed = views(["ياء", *titles[1:]])
    order = [v.id for v in model.title_order(changed)]
    assert order == plain(changed) and order[-1] == "a00"
    assert [v.id for v in model.title_order(first)] == plain(first)


def test_serve_freezes_what_the_first_build_leaves_and_collects_each_reloads_cycles() -> None:
    """Under `mkdocs serve` what survives the full collection after the first build is frozen
    (later collections walk only newer objects). A reload runs with RELOAD_GC_THRESHOLDS (no
    automatic collection in an edited article's reload: its cycles wait) and ends with one
    full collection of what is not frozen: the cycles it left are gone, nothing more is
    frozen, the thresholds are BUILD_GC_THRESHOLDS again between builds. The server's stop
    thaws everything and puts the thresholds back (gc_delay 0: the collection made in the
    build)."""
    import weakref

    before = gc.get_threshold()
    p = site_plugin.ArchivePlugin()
    p.serving = True
    p.gc_delay = 0  # at the end of the build (see the test below for the timer)
    p.on_startup(command="serve", dirty=False)
    try:
        assert gc.get_threshold() == site_plugin.BUILD_GC_THRESHOLDS
        p._reload_begins()  # the first build: the thresholds of any build
        assert gc.get_threshold() == site_plugin.BUILD_GC_THRESHOLDS
        p._collect_garbage()  # the first build's end
        frozen = gc.get_freeze_count()
        assert frozen > 0

        class Node:
            me: Any = None

        for _ in range(3):  # reloads
            p._reload_begins()
            assert gc.get_threshold() == site_plugin.RELOAD_GC_THRESHOLDS
            node = Node()
            node.me = node  # a reload's garbage in a reference cycle
            gone = weakref.ref(node)
            del node
            kept = [[i] for i in range(50_000)]  # what a reload makes and keeps
            assert gone() is not None  # no collection on the way
            p._collect_garbage()  # the reload's end
            assert gone() is None
            assert gc.get_threshold() == site_plugin.BUILD_GC_THRESHOLDS
            # not frozen: in the old generation, walked by the next reload's collection
            assert gc.get_freeze_count() <= frozen
            assert any(o is kept for o in gc.get_objects(generation=2))
            del kept
        p.on_shutdown()
        assert gc.get_freeze_count() == 0 and gc.get_threshold() == before
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_a_reloads_collection_is_made_after_it_unless_builds_follow_one_another() -> None:
    """The full collection after a reload is made gc_delay seconds after its build, in a
    timer's thread (not on the way of the pages the server shows then); a build that begins
    before puts it off to its own end, and after GC_POSTPONED such builds in a row it is made
    at the end of the build. The server's stop calls off a collection not yet made."""
    import time
    import weakref

    class Node:
        me: Any = None

    def garbage() -> weakref.ref[Node]:
        node = Node()
        node.me = node
        return weakref.ref(node)

    def wait_for(done: Any) -> bool:
        end = time.monotonic() + 10
        while not done() and time.monotonic() < end:
            time.sleep(0.02)
        return bool(done())

    before = gc.get_threshold()
    p = site_plugin.ArchivePlugin()
    p.serving = True
    p.on_startup(command="serve", dirty=False)
    try:
        p._reload_begins()
        p._collect_garbage()  # the first build: at its end
        assert p.gc_timer is None
        p.gc_delay = 0.3
        p._reload_begins()
        gone = garbage()
        p._collect_garbage()  # a reload's end: not yet
        assert gone() is not None and p.gc_timer is not None
        assert gc.get_threshold() == site_plugin.RELOAD_GC_THRESHOLDS
        assert wait_for(lambda: gone() is None)  # made by the timer
        assert wait_for(lambda: gc.get_threshold() == site_plugin.BUILD_GC_THRESHOLDS)
        assert p.gc_timer is None and p.gc_owed == 0
        p.gc_delay = 30.0  # builds one after the other: never made by the timer
        kept = []
        for k in range(site_plugin.GC_POSTPONED):
            p._reload_begins()
            assert p.gc_owed == k
            kept.append(garbage())
            p._collect_garbage()
            assert p.gc_timer is not None and kept[-1]() is not None
        p._reload_begins()  # the GC_POSTPONED-th put off: made at the end of this build
        assert p.gc_owed == site_plugin.GC_POSTPONED and p.gc_timer is None
        p._collect_garbage()
        assert all(ref() is None for ref in kept) and p.gc_owed == 0 and p.gc_timer is None
        p._reload_begins()
        p._collect_garbage()
        timer = p.gc_timer
        assert timer is not None
        p.on_shutdown()  # called off
        assert p.gc_timer is None
        timer.join(5)
        assert not timer.is_alive() and gc.get_threshold() == before
    finally:
        p._cancel_collection()
        gc.unfreeze()
        gc.set_threshold(*before)


def test_a_reload_is_logged_with_the_collections_it_made(
        caplog: pytest.LogCaptureFixture) -> None:
    """The collections of a build (its full one at the end included) and those made between
    builds are logged, so that a reload's log says what the collector took."""
    import logging

    before = gc.get_threshold()
    p = site_plugin.ArchivePlugin()
    p.serving = True
    p.on_startup(command="serve", dirty=False)
    try:
        with caplog.at_level(logging.INFO):
            p._reload_begins()
            p._collect_garbage()
            gc.collect(0)  # between builds
            p._reload_begins()
        text = caplog.text
        assert "full garbage collection after the first build" in text
        assert re.search(r"collector since the last build: [1-9]\d* young", text)
        p.on_shutdown()
        assert p.gc_watch._observe not in gc.callbacks
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_analysis_of_new_forms_leaves_the_servers_frozen_objects_frozen() -> None:
    """The analysis of a reload's new word forms freezes the objects that exist (for its
    forked workers) and thaws them after, unless they were frozen before it began: then the
    server's frozen objects stay frozen (a thaw there made the next collection walk them
    all)."""
    from archive import pipeline

    assert gc.get_freeze_count() == 0
    with pipeline._frozen():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0  # a build: everything collectable again
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with pipeline._frozen():
            pass
        assert gc.get_freeze_count() >= frozen
    finally:
        gc.unfreeze()


def test_first_reload_after_a_whole_start_uses_the_saved_page_keys(repo: Path,
                                                                   tmp_path: Path) -> None:
    """A server started on unchanged inputs takes every page whole (no page keys in memory);
    its first reload reads the keys the store saved (build/serve-pages/checks.bin) and takes
    the pages by them rather than by their content, and the served folder equals a fresh
    serve's."""
    import re

    from test_incremental_site import _project
    from test_site_serve_kept import _fresh, _same_site, _serve

    root = tmp_path / "p"
    _project(root, repo)
    served = tmp_path / "served"
    (first_log, _tree), = _serve(root, served, "first")
    assert "page keys saved" in first_log
    (start_log, _tree), (reload_log, _tree2) = _serve(root, served, "same,edit")
    assert "taken whole from build/ without checking each" in start_log
    # (read ahead at the start: the reload checks by them as by a previous reload's)
    assert "page keys read for the next reload" in start_log
    found = re.search(r"(\d+) of (\d+) generated pages unchanged .*; (\d+) show nothing that "
                      r"changed, (\d+) by the previous reload's keys", reload_log)
    assert found, reload_log
    reused, total, untouched, remembered = (int(x) for x in found.groups())
    # the pages are taken by their saved keys (the edit's new words give a root a page, and
    # with it a link any page may show: then every page is checked by its inputs); the
    # edited article's page is made again
    assert 0 < untouched + remembered <= reused < total
    page = "articles/synthetic-1/index.html"
    assert "بثلاثة أهداف" in (served / page).read_text("utf-8")
    _same_site(served, _fresh(root, tmp_path, "fresh"))


def test_a_start_on_fresh_inputs_reads_ahead_what_the_first_reload_needs(
        repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A server whose first build found everything up to date (nothing analysed, the index
    fresh, the root counts read back) reads the word table, the index's files and related
    lists' texts and counts the roots' co-occurrences at the end of that build: the first
    reload after an edit then reads none of them from build/, and gives what a build from
    the files gives (related lists as computed from scratch, root pages as counted from
    scratch)."""
    from test_incremental_site import _project

    from archive.analysis import wordtable
    from archive.index import related as rel
    from archive.pipeline import analyse, load, remember_corpus, remember_word_table
    from archive.site import roots

    root = tmp_path / "p"
    _project(root, repo)
    paths = Paths(root)
    # build/ as a build leaves it: records, word table, index, root counts
    analysis = analyse(load(paths), workers=1)
    index_build.update_index(paths, analysed=analysis)
    roots.collect_cached(analysis, None, paths.build)
    remember_corpus(True)
    roots.remember(True)
    index_build.remember(True)
    try:  # the server's first build, in this process: everything is fresh
        analysis = analyse(load(paths), workers=1)
        assert analysis.analysed == []
        assert index_build.ensure_fresh(paths, related=True, analysed=analysis) is None
        roots.collect_cached(analysis, None, paths.build)
        assert remember_word_table(paths.build)
        assert index_build.warm(paths)
        assert roots.warm(paths.build)
        # read once: nothing more to do
        assert not (remember_word_table(paths.build) or index_build.warm(paths)
                    or roots.warm(paths.build))
        read: list[str] = []

        def spy(name: str, real: Any) -> Any:
            def wrapped(*args: Any, **kwargs: Any) -> Any:
                read.append(name)
                return real(*args, **kwargs)
            return wrapped

        monkeypatch.setattr(wordtable, "load_all", spy("word table", wordtable.load_all))
        monkeypatch.setattr(index_build.Manifest, "from_json",
                            spy("manifest", index_build.Manifest.from_json))
        monkeypatch.setattr(rel.FeatureTable, "from_bytes",
                            spy("features", rel.FeatureTable.from_bytes))
        monkeypatch.setattr(index_build, "_read_related",
                            spy("related", index_build._read_related))
        monkeypatch.setattr(roots._Totals, "_count_shared",
                            spy("co-occurrence", roots._Totals._count_shared))
        seed = sorted(paths.seeds.glob("synthetic-*.md"))[0]
        seed.write_text(seed.read_text(encoding="utf-8") + "\n\nاستأنف المتفاوضونزز "
                        "اجتماعهم في المدينة.\n", encoding="utf-8")
        analysis = analyse(load(paths), workers=1)
        assert analysis.analysed == [seed.stem]
        # the manifest's entries' texts were kept by the warm-up too: the update encodes only
        # the edited article's entries and the manifest's own fields, not every entry
        encoded: list[Any] = []
        compact = index_build._compact
        monkeypatch.setattr(index_build, "_compact",
                            lambda value: encoded.append(value) or compact(value))
        assert index_build.ensure_fresh(paths, related=True, analysed=analysis) is not None
        others = {p.stem for p in paths.seeds.glob("*.md") if p != seed}
        assert others and not others & {v for v in encoded if isinstance(v, str)}
        counted = roots.collect_cached(analysis, None, paths.build)
        # (the previous generation's related lists are taken as kept, not read from the file)
        assert [r for r in read if r != "related"] == []
        assert counted == roots.collect_records(analysis, None)
        gen = current_generation(paths)
        assert gen is not None
        feats = index_build._read_features(gen)
        assert feats is not None
        assert (paths.build / "related.json").read_text(encoding="utf-8") == rel.related_json(
            rel.related_from_features(feats))
    finally:
        index_build.remember(False)
        roots.remember(False)
        remember_corpus(False)
