"""`mkdocs serve`: a reload after a few edited seeds patches the remembered corpus
(archive.corpus.patch via archive.pipeline._reparsed) instead of loading seeds/ again; the
result is what a full load of the folder gives, articles and problems in the same order."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive import pipeline
from archive.config import Paths
from archive.corpus import loader
from archive.pipeline import load

#: a warning the loader reports for a file (invisible characters removed) and another (tatweel)
ZWSP = "\u200b"
TATWEEL = "كـــتب"
LOAD_CORPUS = loader.load_corpus  # (the tests below count the calls made by the builds)


@pytest.fixture
def remembering(monkeypatch: pytest.MonkeyPatch) -> None:
    """remember_corpus on for the test (nothing saved after it)."""
    monkeypatch.setattr(pipeline, "_REMEMBERED", {})


def _seed(seeds: Path, name: str, body: str) -> Path:
    path = seeds / name
    path.write_text(f"---\ntitle: خبر {name}\ndate: 2020-01-02\n---\n{body}\n", encoding="utf-8")
    return path


def _fresh(paths: Paths) -> tuple[list[tuple[str, str, str]], list[str]]:
    """What a full load of seeds/ gives (no cache, no memory)."""
    corpus = LOAD_CORPUS(paths)
    return _shown(corpus.articles, corpus.problems)


def _shown(articles: list, problems: list) -> tuple[list[tuple[str, str, str]], list[str]]:
    return [(a.id, a.text, a.content_hash) for a in articles], [str(p) for p in problems]


def _loads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the full loads of seeds/ (load_corpus) from now on."""
    calls: list[int] = []

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return LOAD_CORPUS(*args, **kwargs)

    monkeypatch.setattr(loader, "load_corpus", counting)
    return calls


@pytest.fixture
def folder(tmp_path: Path) -> Paths:
    return _folder(tmp_path)


def _folder(tmp_path: Path) -> Paths:
    """Six articles (one with a warning) beside a file that is reported and a folder."""
    paths = Paths(tmp_path)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for i in range(6):
        _seed(seeds, f"a{i}.md", f"نص الخبر رقم {i} في المدينة.")
    _seed(seeds, "a2.md", f"نص {TATWEEL} فيه مد.")
    (seeds / "notes.docx").write_bytes(b"x")  # reported without being read
    (seeds / "sub").mkdir()
    return paths


def test_a_reload_patches_the_corpus_as_a_full_load_gives_it(
    folder: Paths, monkeypatch: pytest.MonkeyPatch, remembering: None
) -> None:
    seeds = folder.seeds
    load(folder)  # the first build: a full load
    full = _loads(monkeypatch)
    # an edit that adds problems to one file, one that removes them from another
    _seed(seeds, "a4.md", f"نص {ZWSP}فيه{ZWSP} حرف خفي و{TATWEEL}.")
    _seed(seeds, "a2.md", "نص نظيف الآن.")
    edited = load(folder)
    assert full == []  # patched, not loaded again
    corpus = pipeline._REMEMBERED[str(folder.build / pipeline.CORPUS_CACHE)].corpus
    assert _shown(edited.articles, corpus.problems) == _fresh(folder)
    assert any("a4.md" in str(p) for p in corpus.problems)
    assert not any("a2.md" in str(p) for p in corpus.problems)
    # the same edit again: its old problems give way to the new ones
    _seed(seeds, "a4.md", f"نص {ZWSP}آخر.")
    load(folder)
    corpus = pipeline._REMEMBERED[str(folder.build / pipeline.CORPUS_CACHE)].corpus
    assert _shown(corpus.articles, corpus.problems) == _fresh(folder)
    assert full == []


def test_an_article_that_comes_or_goes_is_patched_one_that_breaks_loaded_in_full(
    folder: Paths, monkeypatch: pytest.MonkeyPatch, remembering: None
) -> None:
    seeds = folder.seeds
    load(folder)
    full = _loads(monkeypatch)
    _seed(seeds, "a9.md", f"خبر {TATWEEL} جديد.")  # a new name, with a warning
    (seeds / "a1.md").unlink()  # and one gone
    load(folder)
    assert full == []
    corpus = pipeline._REMEMBERED[str(folder.build / pipeline.CORPUS_CACHE)].corpus
    assert _shown(corpus.articles, corpus.problems) == _fresh(folder)
    (seeds / "A9.txt").write_text("نص.", encoding="utf-8")  # its id in another case
    load(folder)
    assert len(full) == 1
    (seeds / "a3.md").write_bytes(b"\xff\xfe not utf-8")  # unreadable now: an error
    broken = load(folder)
    assert len(full) == 2
    corpus = pipeline._REMEMBERED[str(folder.build / pipeline.CORPUS_CACHE)].corpus
    assert _shown(corpus.articles, corpus.problems) == _fresh(folder)
    assert "a3" not in [a.id for a in broken.articles]


def test_the_patched_corpus_is_saved_when_the_server_stops(
    folder: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline.remember_corpus(True)
    try:
        load(folder)
        _seed(folder.seeds, "a1.md", f"نص {ZWSP}معدل.")
        load(folder)
    finally:
        pipeline.remember_corpus(False)  # corpus.pickle gets the patched parse
    full = _loads(monkeypatch)
    again = load(folder)  # the file holds this very state: nothing loaded
    assert full == []
    assert _shown(again.articles, [p for p in again.problems if "seeds/" in p.path]) == \
        _fresh(folder)
