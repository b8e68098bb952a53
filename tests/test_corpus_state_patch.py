"""A one-shot build after a few edited seeds (`mkdocs build` after an edit) patches the corpus
corpus.pickle holds (archive.pipeline._patched_load) instead of loading seeds/ again; the
result is what a full load of the folder gives, articles and problems in the same order. Any
change it cannot tell from the file (an entry that was not parsed changed, came or went, an
article breaks, a new file is no plain article or takes another's id) loads seeds/ in full,
reusing the unchanged files' parses."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_corpus_patch import LOAD_CORPUS, TATWEEL, _folder, _loads, _seed

from archive.config import Paths
from archive.corpus import loader, state
from archive.pipeline import load


def _shown(articles: list, problems: list) -> tuple[list[object], list[str]]:
    return [(a, a.text) for a in articles], [str(p) for p in problems]


def _fresh(paths: Paths) -> tuple[list[object], list[str]]:
    corpus = LOAD_CORPUS(paths)
    return _shown(corpus.articles, corpus.problems)


def _build(paths: Paths) -> tuple[list[object], list[str]]:
    """A one-shot build's load in a new process (what it knows: corpus.pickle)."""
    state._STORED.clear()
    loaded = load(paths)
    corpus_problems = [p for p in loaded.problems if p.path.startswith("seeds/")]
    return _shown(loaded.articles, corpus_problems)


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    return _loads(monkeypatch)


@pytest.fixture
def folder(tmp_path: Path) -> Paths:
    return _folder(tmp_path)


def _fresh_problems(paths: Paths) -> tuple[list[object], list[str]]:
    articles, problems = _fresh(paths)
    return articles, [p for p in problems if p.startswith("seeds/")]


def _builds_load(folder: Paths, loads: list[int], full: int) -> None:
    """The next build gives what a fresh load does, after ``full`` full loads; the one after
    it none (the corpus read back, or patched again)."""
    loads.clear()
    assert _build(folder) == _fresh_problems(folder)
    assert len(loads) == full
    loads.clear()
    assert _build(folder) == _fresh_problems(folder) and loads == []


def test_an_edited_article_is_patched_into_the_saved_corpus(folder: Paths,
                                                            loads: list[int]) -> None:
    _build(folder)
    assert loads == [1]
    seeds = folder.seeds
    _seed(seeds, "a3.md", f"نص جديد {TATWEEL} للخبر.")  # a new warning
    _seed(seeds, "a2.md", "نص بلا مد.")  # its warning gone
    loads.clear()
    assert _build(folder) == _fresh_problems(folder)
    assert loads == []  # patched, not loaded again
    # and saved: the next build reads the patched corpus back whole
    assert _build(folder) == _fresh_problems(folder) and loads == []
    _seed(seeds, "a0.md", "نص آخر.")
    assert _build(folder) == _fresh_problems(folder) and loads == []


def _touch_folder(seeds: Path) -> None:
    (seeds / "sub" / "x.md").write_text("x", encoding="utf-8")
    st = (seeds / "sub").stat()
    os.utime(seeds / "sub", ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))


#: Per change beside an edited article: what it does to seeds/, and whether the build after it
#: loads seeds/ in full (1) or patches the saved corpus (0).
CHANGES: dict[str, tuple[Callable[[Path], Any], int]] = {
    "add": (lambda s: (_seed(s, "b9.md", f"نص {TATWEEL} جديد."), _seed(s, "0.txt", "نص.")), 0),
    "delete": (lambda s: (s / "a2.md").unlink(), 0),  # (and its warning)
    "rename": (lambda s: (s / "a2.md").rename(s / "z2.md"), 0),
    "break": (lambda s: (s / "a5.md").write_bytes(b"\xff\xfe\x00"), 1),
    "add broken": (lambda s: (s / "b5.md").write_bytes(b"\xff\xfe\x00"), 1),
    "other file": (lambda s: (s / "notes.docx").write_bytes(b"xyz"), 1),
    "folder": (_touch_folder, 1),
    "hidden": (lambda s: _seed(s, ".b.md", "نص."), 1),
    "not an article": (lambda s: (s / "b.rtf").write_text("x", encoding="utf-8"), 1),
    "same id": (lambda s: _seed(s, "a3.txt", "نص."), 1),
    "id in another case": (lambda s: _seed(s, "A3.md", "نص."), 1),
    "link": (lambda s: (s / "b7.md").symlink_to(s / "a0.md"), 1),
    "all gone": (lambda s: [(s / f"a{i}.md").unlink() for i in range(6)], 1),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_what_the_file_can_tell_is_patched_the_rest_loaded_in_full(
        folder: Paths, loads: list[int], change: str) -> None:
    _build(folder)
    _seed(folder.seeds, "a1.md", "نص معدل.")  # with one edited article beside each change
    action, full = CHANGES[change]
    action(folder.seeds)
    _builds_load(folder, loads, full)


def test_a_corpus_saved_without_its_listing_is_loaded_in_full(
        folder: Paths, loads: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    real = state.save

    def without(cache, key, code_key, parsed, dumps, whole=None):  # type: ignore[no-untyped-def]
        real(cache, key, code_key, parsed, dumps, (whole[0], None))

    with monkeypatch.context() as mp:
        mp.setattr(state, "save", without)
        _build(folder)
    _seed(folder.seeds, "a3.md", "نص جديد.")
    loads.clear()
    assert _build(folder) == _fresh_problems(folder) and loads == [1]


def test_a_few_patched_files_leave_the_file_as_it_is(
        folder: Paths, loads: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    from archive import pipeline

    monkeypatch.setattr(pipeline, "RESAVE_FILES", 1)
    cache = folder.build / pipeline.CORPUS_CACHE
    _build(folder)
    written = cache.stat().st_mtime_ns, cache.read_bytes()
    parsed: list[str] = []
    real = loader.load_file
    monkeypatch.setattr(loader, "load_file",
                        lambda path, *a: parsed.append(path.name) or real(path, *a))
    _seed(folder.seeds, "a3.md", "نص جديد.")
    fresh = _fresh_problems(folder)
    parsed.clear()
    assert _build(folder) == fresh
    assert (cache.stat().st_mtime_ns, cache.read_bytes()) == written  # not written again
    assert _build(folder) == fresh
    assert parsed == ["a3.md", "a3.md"]  # patched again by the next build
    _seed(folder.seeds, "a4.md", f"نص {TATWEEL}.")  # two files now: written
    fresh = _fresh_problems(folder)
    parsed.clear()
    assert _build(folder) == fresh
    assert sorted(parsed) == ["a3.md", "a4.md"] and cache.read_bytes() != written[1]
    parsed.clear()
    assert _build(folder) == fresh
    assert parsed == [] and loads == [1]  # read back whole
