"""The browser data's mirrors in the site brought up to date from the journal of what each
build changed (archive.browser.index._Journal), not by listing both trees: `mkdocs build`
alternates two site trees (staging), each two builds old when it is written into again.

Each mirror must equal the state folder's data (the same files, hard links) after every
build; a mirror the journal cannot vouch for (not one it recorded, changed by another hand,
or a journal written with another state) is walked whole."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from test_browser_index_incremental import REPO, TOPICS, _analyzed
from test_browser_index_incremental import _article as _titled

from archive.browser import index as browser_index
from archive.browser.index import _Journal, _mirror_names, write_browser_index


def _article(root: Path, i: int, body: str) -> None:
    _titled(root, i, f"خبر تجريبي رقم {i}", body)


def _tree(root: Path) -> dict[str, int | None]:
    """Path → inode (None: a folder), hidden names left out."""
    out: dict[str, int | None] = {}
    for folder, _dirs, names in os.walk(root):
        rel = os.path.relpath(folder, root)
        out[rel + "/"] = None
        for name in names:
            if not name.startswith("."):
                out[os.path.join(rel, name)] = os.stat(os.path.join(folder, name)).st_ino
    return out


@pytest.fixture
def walks(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The targets mirrored by a whole walk (:func:`_mirror`) during the test."""
    seen: list[Path] = []
    real = browser_index._mirror

    def spy(source: Path, target: Path) -> None:
        seen.append(target)
        real(source, target)

    monkeypatch.setattr(browser_index, "_mirror", spy)
    return seen


def _build(root: Path, site: Path) -> bool:
    """A build into ``site``; whether it rewrote every shard (a new numbering)."""
    analyzed, gazetteer = _analyzed(root)
    report = write_browser_index(analyzed, site, gazetteer,
                                 state_dir=root / "build" / "browser")
    data = root / "build" / "browser" / "data"
    assert _tree(site / "search" / "data") == _tree(data)
    return report.full


def _project(tmp_path: Path) -> Path:
    """The repository's seeds and ten articles: 9 to 16 articles keep the numbering (the
    slots and shards) when one is added or deleted."""
    root = tmp_path / "p"
    shutil.copytree(REPO / "seeds", root / "seeds")
    for i in range(10):
        _article(root, i, TOPICS[i % 4] + f" الخبر {i}")
    return root


def test_alternating_trees_are_brought_up_to_date_from_the_journal(
        tmp_path: Path, walks: list[Path]) -> None:
    root = _project(tmp_path)
    a, b = tmp_path / "site-a", tmp_path / "site-b"
    _build(root, a)  # cold: walked (a new folder)
    _build(root, b)  # nothing changed; a new folder: walked
    assert walks == [a / "search" / "data", b / "search" / "data"]
    _article(root, 1, TOPICS[1] + " وقال المدرب إن الفريق سيواصل التدريب.")  # an edit
    assert not _build(root, a)
    (root / "seeds" / "synthetic-2.md").unlink()  # a deletion
    assert not _build(root, b)
    _article(root, 17, TOPICS[0] + " " + TOPICS[3])  # an addition
    assert not _build(root, a)
    assert not _build(root, b)  # nothing changed
    assert not _build(root, b)  # the same tree twice
    assert len(walks) == 2  # every later mirror from the journal alone


def test_a_mirror_the_journal_cannot_vouch_for_is_walked(tmp_path: Path,
                                                         walks: list[Path]) -> None:
    root = _project(tmp_path)
    a, b = tmp_path / "site-a", tmp_path / "site-b"
    _build(root, a)
    _build(root, b)
    del walks[:]
    # another hand changed tree a: its folder's time is not the one recorded
    (a / "search" / "data" / "stray.json").write_text("left by something else")
    _article(root, 1, TOPICS[1] + " وقال المدرب إن الفريق سيواصل التدريب.")
    _build(root, a)
    assert walks == [a / "search" / "data"] and not (a / "search" / "data" / "stray.json").exists()
    # a journal not written with the state there now (e.g. a state.bin left by another
    # build's code): not trusted
    journal = root / "build" / "browser" / _Journal.NAME
    kept = journal.read_bytes()
    _article(root, 3, TOPICS[3] + " وتوقع المحللون استمرار الارتفاع.")
    _build(root, b)
    assert len(walks) == 1
    journal.write_bytes(kept)  # the previous build's journal
    _article(root, 0, TOPICS[0] + " وبدأ المزارعون الحصاد مبكرًا.")
    _build(root, a)
    assert walks[1:] == [a / "search" / "data"]
    # more builds than the journal keeps since tree b was last mirrored
    for i in range(browser_index.JOURNAL_BUILDS):
        _article(root, 9, TOPICS[i % 4] + f" رقم {i}")
        _build(root, a)
    assert walks[2:] == []  # a, every build: from the journal
    _build(root, b)
    assert walks[2:] == [b / "search" / "data"]


def test_a_build_that_failed_leaves_the_journal_unused(tmp_path: Path,
                                                       walks: list[Path]) -> None:
    root = _project(tmp_path)
    a = tmp_path / "site-a"
    _build(root, a)
    (root / "build" / "browser" / "state.bin").unlink()  # as a failed build leaves it
    _article(root, 1, TOPICS[1] + " وقال المدرب إن الفريق سيواصل التدريب.")
    _build(root, a)
    assert walks == [a / "search" / "data"] * 2


def test_mirror_names_links_and_removes_files_and_folders(tmp_path: Path) -> None:
    src, dst = tmp_path / "src", tmp_path / "dst"
    for name in ("meta.json", "lunr/0.json", "pos/3/a.json", "pos/4/b.json", "docs/1.json"):
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text(name)
    browser_index._mirror(src, dst)
    # a new folder and file, a folder gone with its files, a file gone, one replaced, a file
    # where a folder was
    (src / "pos" / "5").mkdir()
    (src / "pos" / "5" / "c.json").write_text("c")
    shutil.rmtree(src / "pos" / "3")
    (src / "docs" / "1.json").unlink()
    (src / "lunr" / "0.json").unlink()
    (src / "lunr" / "0.json").write_text("new")
    shutil.rmtree(src / "pos" / "4")
    (src / "pos" / "4").write_text("a file now")
    _mirror_names(str(src), str(dst), ["pos/5/c.json", "pos/3/a.json", "pos/3",
                                       "docs/1.json", "lunr/0.json", "pos/4", "pos/4/b.json"])
    assert _tree(dst) == _tree(src)
    assert (dst / "lunr" / "0.json").read_text() == "new"
