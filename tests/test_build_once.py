"""A site build reads and parses each article file once (the index update reuses the corpus
the plugin loaded), and analyses it once."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive import pipeline
from archive.config import Paths
from archive.corpus import loader
from archive.pipeline import load, reusing


def _build(root: Path) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    build(load_config(str(root / "mkdocs.yml")))


def _counting_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Ids of the article files parsed from now on, in this process."""
    parsed: list[str] = []
    real = loader.parse_article

    def counting(raw: bytes, article_id: str, rel: str):  # type: ignore[no-untyped-def]
        parsed.append(article_id)
        return real(raw, article_id, rel)

    monkeypatch.setattr(loader, "parse_article", counting)
    return parsed


def test_a_cold_site_build_parses_each_article_once(
    archive_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ARCHIVE_ROOT", raising=False)
    monkeypatch.delenv("SITE_URL", raising=False)
    parsed = _counting_parses(monkeypatch)
    _build(archive_dir)
    articles = sorted(p.stem for p in (archive_dir / "seeds").iterdir()
                      if p.suffix in (".txt", ".md"))
    assert len(articles) >= 5
    assert sorted(parsed) == articles  # each once: the index did not load them again
    assert (archive_dir / "build" / "related.json").is_file()  # the index update did run
    assert (archive_dir / "site" / "index.html").is_file()


def test_a_site_build_takes_the_related_ids_from_its_index_update(
    archive_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The related ids the index update has just written reach the site through the update's
    report: build/related.json is not parsed again; a build whose index is fresh takes them
    from the published index (related.idx, checked against the text), still not parsing it."""
    from archive.site import plugin

    monkeypatch.delenv("ARCHIVE_ROOT", raising=False)
    monkeypatch.delenv("SITE_URL", raising=False)
    reads: list[Path] = []
    real = plugin.read_related
    monkeypatch.setattr(plugin, "read_related", lambda p: reads.append(p) or real(p))
    given: list[dict[str, list[str]] | None] = []
    real_data = plugin.build_site_data

    def spying(articles, entities, related, *a, **k):  # type: ignore[no-untyped-def]
        given.append(related)
        return real_data(articles, entities, related, *a, **k)

    monkeypatch.setattr(plugin, "build_site_data", spying)
    _build(archive_dir)
    assert reads == []
    in_file = real(archive_dir / "build" / "related.json")
    assert in_file and any(in_file.values())
    assert given == [in_file]
    _build(archive_dir)  # nothing changed: the index is fresh, its related.idx is read
    assert reads == []
    assert given[1] == in_file
    indexes = list((archive_dir / "build").rglob("related.idx"))
    assert indexes
    for index in indexes:  # no index of the text: it is parsed
        index.unlink()
    _build(archive_dir)
    assert reads == [archive_dir / "build" / "related.json"]
    assert given[2] == in_file


def test_load_reuses_the_given_corpus_only_for_the_same_folders(
    archive_paths: Paths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded = load(archive_paths)
    calls: list[int] = []
    real = pipeline._corpus
    monkeypatch.setattr(pipeline, "_corpus",
                        lambda p, f, *more: calls.append(1) or real(p, f, *more))
    with reusing(loaded):
        again = load(archive_paths)
        assert calls == []
        assert [a.id for a in again.articles] == [a.id for a in loaded.articles]
        again.articles.clear()  # the caller's copy: the build's corpus is untouched
        assert loaded.articles
        other = Paths(tmp_path / "other")
        load(other)
        assert calls == [1]
    load(archive_paths)
    assert calls == [1, 1]


def test_a_build_with_nothing_changed_does_not_parse_the_articles_again(
    archive_paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (corpus.pickle written after every patch: else the next build parses the files changed
    # since it was written again, test_corpus_state_patch.py)
    monkeypatch.setattr(pipeline, "RESAVE_FILES", 0)
    first = load(archive_paths)
    parsed = _counting_parses(monkeypatch)
    again = load(archive_paths)
    assert parsed == []
    assert [(a.id, a.text, a.content_hash) for a in again.articles] == [
        (a.id, a.text, a.content_hash) for a in first.articles]
    target = sorted(p for p in archive_paths.seeds.iterdir() if p.suffix in (".txt", ".md"))[0]
    with open(target, "a", encoding="utf-8") as fh:
        fh.write("\nسطر جديد.\n")
    edited = load(archive_paths)
    assert parsed == [target.stem]  # only the changed file is parsed again
    changed = next(a for a in edited.articles if a.id == target.stem)
    assert changed.text.rstrip().endswith("سطر جديد.")
    # a new file and a deleted one: only the new one is parsed, and the corpus (articles and
    # problems) is the one a fresh parse of seeds/ gives
    parsed.clear()
    (archive_paths.seeds / "zz-new.md").write_text("---\ntitle: خبر جديد\n---\nنص جديد.\n",
                                                   encoding="utf-8")
    sorted(p for p in archive_paths.seeds.iterdir() if p.suffix in (".txt", ".md"))[1].unlink()
    again = load(archive_paths)
    assert parsed == ["zz-new"]
    (archive_paths.build / pipeline.CORPUS_CACHE).unlink()
    fresh = load(archive_paths)  # every file parsed
    assert len(parsed) == 1 + len(fresh.articles)
    assert [(a.id, a.text, a.content_hash, a.title) for a in again.articles] == [
        (a.id, a.text, a.content_hash, a.title) for a in fresh.articles]
    assert [(p.path, p.message) for p in again.problems] == [
        (p.path, p.message) for p in fresh.problems]
