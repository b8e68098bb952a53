"""`mkdocs build` keeps the matching form of every title (build/title-keys.bin): the next
build, another process, normalises only the titles that are new, and orders by title exactly
as a sort that normalises every title."""

from __future__ import annotations

import marshal
from pathlib import Path

import pytest

import archive.analysis
from archive.corpus.article import Article
from archive.site import model


def _views(titles: list[str]) -> list[model.ArticleView]:
    return [model.ArticleView(Article(id=f"a{i:02d}", path=f"seeds/a{i:02d}.md", text="نص",
                                      content_hash=str(i), title=t, title_inferred=False,
                                      date=None, source=None), [], {}, [], [])
            for i, t in enumerate(titles)]


_NORMALIZE = archive.analysis.normalize


def _plain(views: list[model.ArticleView]) -> list[str]:
    normalize = _NORMALIZE
    return [v.id for v in sorted(views, key=lambda v: (normalize(v.article.title or ""),
                                                       v.article.title or "", v.id))]


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The titles normalised, in a fresh process's state (no form in memory)."""
    real = archive.analysis.normalize
    seen: list[str] = []
    monkeypatch.setattr(archive.analysis, "normalize", lambda t: seen.append(t) or real(t))
    return seen


def _build(store: Path, views: list[model.ArticleView]) -> list[str]:
    """What one build does (another process each time): start from the file, order, save."""
    forms = model.TitleForms(store)
    order = [v.id for v in model.title_order(views, forms)]
    forms.save()
    return order


def test_a_build_normalises_only_the_new_titles(tmp_path: Path, counted: list[str]) -> None:
    titles = ["أخبار الرياض", "اخبار الرياض", "إعلان", "آخر الأخبار", "", "Zeta", "alpha",
              "أخبار الرياض"]
    store = tmp_path / "title-keys.bin"
    first = _views(titles)
    assert _build(store, first) == _plain(first)
    assert store.is_file() and len(counted) == len(set(titles))
    # the next build, with one title changed and one article added
    counted.clear()
    second = _views(["ياء", *titles[1:], "باء"])
    assert _build(store, second) == _plain(second)
    assert sorted(counted) == sorted(["ياء", "باء"])
    # nothing new: nothing normalised, the file not written again
    counted.clear()
    stamp = store.stat().st_mtime_ns
    assert _build(store, second) == _plain(second)
    assert counted == [] and store.stat().st_mtime_ns == stamp
    # the file keeps this archive's titles only: the one changed away is gone
    forms = marshal.loads(store.read_bytes())[2]
    assert set(forms) == {v.article.title for v in second}


@pytest.mark.parametrize("damage", ["garbage", "other code", "not forms"])
def test_a_damaged_or_foreign_file_is_not_used(tmp_path: Path, counted: list[str],
                                               damage: str,
                                               caplog: pytest.LogCaptureFixture) -> None:
    import logging

    caplog.set_level(logging.INFO, logger="mkdocs.plugins.archive")
    titles = ["إعلان", "آخر الأخبار", "Zeta", "alpha"]
    store = tmp_path / "title-keys.bin"
    _build(store, _views(titles))
    fmt, code, forms = marshal.loads(store.read_bytes())
    wrong = {t: "!" for t in forms}  # forms that would order wrongly if taken
    store.write_bytes({"garbage": b"\x00not marshal",
                       "other code": marshal.dumps((fmt, "another normaliser", wrong)),
                       "not forms": marshal.dumps((fmt, code, [1, 2]))}[damage])
    counted.clear()
    views = _views(titles)
    assert _build(store, views) == _plain(views)
    assert sorted(counted) == sorted(titles)  # all normalised again, the file made anew
    assert marshal.loads(store.read_bytes())[1] == code
    assert ("not used" in caplog.text) == (damage != "other code")


def test_ordering_alone_writes_nothing(tmp_path: Path, counted: list[str]) -> None:
    """Sorting is only sorting: the file is written by the build's save, not by an order."""
    store = tmp_path / "title-keys.bin"
    forms = model.TitleForms(store)
    views = _views(["باء", "ألف"])
    assert [v.id for v in model.title_order(views, forms)] == _plain(views)
    assert not store.exists()
    forms.save()
    assert set(marshal.loads(store.read_bytes())[2]) == {"باء", "ألف"}
