"""A one-shot build after a few edited seeds (`mkdocs build` after an edit) patches the corpus
corpus.pickle holds (archive.pipeline._patched_load) instead of loading seeds/ again; the
result is what a full load of the folder gives, articles and problems in the same order. Any
change it cannot tell from the file (an entry that was not parsed changed, came or went, an
article breaks, a new file is no plain article or takes another's id) loads seeds/ in full,
reusing the unchanged files' parses."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from archive.config import Paths
from archive.corpus import loader, state
from archive.pipeline import load

LOAD_CORPUS = loader.load_corpus
TATWEEL = "كـــتب"


def _seed(seeds: Path, name: str, body: str) -> Path:
    path = seeds / name
    path.write_text(f"---\ntitle: خبر {name}\ndate: 2020-01-02\n---\n{body}\n", encoding="utf-8")
    return path


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
    calls: list[int] = []

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return LOAD_CORPUS(*args, **kwargs)

    monkeypatch.setattr(loader, "load_corpus", counting)
    return calls


@pytest.fixture
def folder(tmp_path: Path) -> Paths:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for i in range(6):
        _seed(seeds, f"a{i}.md", f"نص الخبر رقم {i} في المدينة.")
    _seed(seeds, "a2.md", f"نص {TATWEEL} فيه مد.")
    (seeds / "notes.docx").write_bytes(b"x")  # reported without being read
    (seeds / "sub").mkdir()
    return Paths(tmp_path)


def _fresh_problems(paths: Paths) -> tuple[list[object], list[str]]:
    articles, problems = _fresh(paths)
    return articles, [p for p in problems if p.startswith("seeds/")]


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


@pytest.mark.parametrize("change", ["add", "delete", "rename"])
def test_an_article_that_comes_or_goes_is_patched(folder: Paths, loads: list[int],
                                                  change: str) -> None:
    _build(folder)
    seeds = folder.seeds
    _seed(seeds, "a1.md", "نص معدل.")  # with one edited article beside each change
    if change == "add":
        _seed(seeds, "b9.md", f"نص {TATWEEL} جديد.")
        _seed(seeds, "0.txt", "نص أول.")
    elif change == "delete":
        (seeds / "a2.md").unlink()  # (and its warning)
    else:
        (seeds / "a2.md").rename(seeds / "z2.md")
    loads.clear()
    assert _build(folder) == _fresh_problems(folder)
    assert loads == []
    assert _build(folder) == _fresh_problems(folder) and loads == []


@pytest.mark.parametrize("change", ["break", "add broken", "other file", "folder", "hidden",
                                    "not an article", "same id", "id in another case",
                                    "link", "all gone"])
def test_what_the_file_cannot_tell_loads_in_full(folder: Paths, loads: list[int],
                                                 change: str) -> None:
    _build(folder)
    seeds = folder.seeds
    _seed(seeds, "a1.md", "نص معدل.")  # with one edited article beside each change
    if change == "break":
        (seeds / "a5.md").write_bytes(b"\xff\xfe\x00")
    elif change == "add broken":
        (seeds / "b5.md").write_bytes(b"\xff\xfe\x00")
    elif change == "other file":
        (seeds / "notes.docx").write_bytes(b"xyz")
    elif change == "folder":
        (seeds / "sub" / "x.md").write_text("x", encoding="utf-8")
        st = (seeds / "sub").stat()
        os.utime(seeds / "sub", ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    elif change == "hidden":
        _seed(seeds, ".b.md", "نص.")
    elif change == "not an article":
        (seeds / "b.rtf").write_text("x", encoding="utf-8")
    elif change == "same id":
        _seed(seeds, "a3.txt", "نص.")
    elif change == "id in another case":
        _seed(seeds, "A3.md", "نص.")
    elif change == "link":
        (seeds / "b7.md").symlink_to(seeds / "a0.md")
    else:
        for i in range(6):
            (seeds / f"a{i}.md").unlink()
    loads.clear()
    assert _build(folder) == _fresh_problems(folder)
    assert loads == [1]
    loads.clear()
    assert _build(folder) == _fresh_problems(folder) and loads == []


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
