"""`mkdocs serve` keeps the root counts and the word table in memory between reloads
(archive.site.roots.remember, archive.pipeline.remember_corpus): each reload gives what a
build from the files gives, without reading or writing build/roots/ and word-analysis.json,
and the files get the last state when the server stops."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archive import pipeline
from archive.analysis import wordtable
from archive.config import Paths
from archive.site import roots


@pytest.fixture
def remembering() -> Iterator[None]:
    pipeline.remember_corpus(True)
    roots.remember(True)
    try:
        yield
    finally:
        roots.remember(False)
        pipeline.remember_corpus(False)


def _stamps(*paths: Path) -> list[tuple[int, int] | None]:
    return [(p.stat().st_size, p.stat().st_mtime_ns) if p.exists() else None for p in paths]


def test_reloads_count_roots_and_words_in_memory(archive_paths: Paths, remembering: None,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    seeds, build = archive_paths.seeds, archive_paths.build
    read: list[str] = []  # the articles collect_cached counted (their records read)
    count = roots.RootCollector.add_vocabulary

    def counting(col: roots.RootCollector, words: list[str], counts: Any,
                 article_id: Any = None) -> None:
        if article_id is not None:  # not the count from scratch (unnamed articles)
            read.append(article_id)
        count(col, words, counts, article_id)

    monkeypatch.setattr(roots.RootCollector, "add_vocabulary", counting)

    def step() -> roots.RootIndex:
        read.clear()
        analysis = pipeline.analyse(pipeline.load(archive_paths), workers=1)
        counted = roots.collect_cached(analysis, 1, build)
        assert counted == roots.collect_records(analysis, 1)  # from scratch
        return counted

    first = step()
    files = (build / roots.CACHE_DIR / roots.STORE_NAME, build / wordtable.FILE_NAME)
    before = _stamps(*files)
    assert step() == first and read == []
    edited = sorted(p for p in seeds.iterdir() if p.suffix in (".md", ".txt"))[0]
    original = edited.read_text(encoding="utf-8")
    edited.write_text(original + "\nاستأنف المتفاوضونزز اجتماعهم.\n", encoding="utf-8")
    after_edit = step()
    assert read == [edited.stem] and after_edit != first
    added = seeds / "950_added.txt"
    added.write_text("استأنف المفاوضون الاجتماع في المدينة.\n", encoding="utf-8")
    after_add = step()
    assert read == ["950_added"] and after_add.n_articles == first.n_articles + 1
    added.unlink()
    assert step() == after_edit and read == []
    # nothing was written while the server ran
    assert _stamps(*files) == before
    assert "المتفاوضونزز" not in wordtable.load(build)
    # the server stops: the files hold the last state, and a build from them reads nothing
    roots.remember(False)
    pipeline.remember_corpus(False)
    assert _stamps(*files) != before
    assert "المتفاوضونزز" in wordtable.load(build)
    assert step() == after_edit and read == []
    edited.write_text(original, encoding="utf-8")
    assert step() == first and read == [edited.stem]


def test_a_word_table_written_by_another_process_is_read_again(
        archive_paths: Paths, remembering: None) -> None:
    build = archive_paths.build
    pipeline.analyse(pipeline.load(archive_paths), workers=1)
    path = build / wordtable.FILE_NAME
    data = json.loads(path.read_text(encoding="utf-8"))
    data["words"].append(["كلمةغريبة", "كلمةغريبة", "كلمةغريبة", "كلمةغريبة"])
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    table, shared = pipeline._load_words(build)
    assert shared is None and "كلمةغريبة" in table


def test_reloads_check_pages_by_the_previous_reloads_keys(repo: Path, tmp_path: Path) -> None:
    """From the second reload on, a stored page whose inputs and lookups are those of the
    previous reload keeps its key without its content being read again; the pages that show
    the edit are rendered, and the served folder equals a fresh serve's."""
    import re

    from test_incremental_site import _project
    from test_site_serve_kept import _fresh, _same_site, _serve

    root = tmp_path / "p"
    _project(root, repo)
    served = tmp_path / "served"
    builds = _serve(root, served, "first,edit,revert,edit")
    counts = []
    for log, _tree in builds[2:]:
        found = re.search(r"(\d+) of (\d+) generated pages unchanged .*; (\d+) show "
                          r"nothing that changed, (\d+) by the previous reload's keys", log)
        assert found, log
        counts.append(tuple(int(x) for x in found.groups()))
    for reused, total, untouched, remembered in counts:
        # the edited article's page is rendered
        assert 0 < untouched + remembered <= reused < total
    page = "articles/synthetic-1/index.html"
    assert builds[3][1][page] != builds[2][1][page]
    assert "بثلاثة أهداف" in (served / page).read_text("utf-8")
    _same_site(served, _fresh(root, tmp_path, "fresh"))


@pytest.mark.parametrize("command", ["build", "serve"])
def test_the_plugin_collects_young_objects_less_often_and_puts_the_thresholds_back(
        command: str) -> None:
    """While the plugin runs, a young collection every BUILD_GC_THRESHOLDS[0] allocations
    (a rebuild's millions of long-lived containers triggered thousands of collections and
    several full ones with the default 700), and the thresholds as they were after it stops
    (a process that goes on, like a test run or a tool embedding MkDocs, is left as it was)."""
    import gc

    from archive.site import plugin as site_plugin

    before = gc.get_threshold()
    p = site_plugin.ArchivePlugin()
    try:
        p.on_startup(command=command, dirty=False)
        assert gc.get_threshold() == site_plugin.BUILD_GC_THRESHOLDS != before
        p.on_shutdown()
        assert gc.get_threshold() == before
    finally:
        gc.set_threshold(*before)
