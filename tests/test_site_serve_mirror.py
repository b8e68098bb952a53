"""The browser search data copied into a served folder kept between `mkdocs serve` reloads
(archive.browser.index._mirror): brought up to date in place, equal to a fresh copy."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from archive.browser.index import _mirror, remember_mirror


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _replace(path: Path, data: bytes) -> None:
    """As the browser writer does: a new file renamed over the old one."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def test_mirror_updates_a_kept_copy_to_equal_a_fresh_one(tmp_path: Path,
                                                          monkeypatch: Any) -> None:
    src = tmp_path / "data"
    for name, text in {"meta.json": "m", "lunr/0.json": "l0", "lunr/1.json": "l1",
                       "docs/1.json": "d1", "docs/2.json": "d2", "old/x.json": "x"}.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text(text)
    (src / ".hidden").write_text("h")
    served = tmp_path / "site" / "search" / "data"
    _mirror(src, served)
    assert _tree(served) == {k: v for k, v in _tree(src).items() if k != ".hidden"}
    unchanged = (served / "lunr" / "0.json").stat().st_ino
    # a reload: one shard rewritten, a doc removed, a folder gone, a new folder and file
    _replace(src / "lunr" / "1.json", b"l1 new")
    (src / "docs" / "2.json").unlink()
    (src / "old" / "x.json").unlink()
    (src / "old").rmdir()
    (src / "pos" / "3").mkdir(parents=True)
    (src / "pos" / "3" / "a.json").write_text("p")
    (served / "stray.json").write_text("left by something else")
    linked: list[str] = []
    real_link = os.link

    def counting(a: Any, b: Any) -> None:
        linked.append(Path(b).relative_to(served).as_posix())
        real_link(a, b)

    monkeypatch.setattr(os, "link", counting)
    _mirror(src, served)
    monkeypatch.undo()
    # only what changed is linked again
    assert sorted(linked) == ["lunr/1.json", "pos/3/a.json"]
    fresh = tmp_path / "fresh"
    _mirror(src, fresh)
    assert _tree(served) == _tree(fresh)
    assert (served / "lunr" / "1.json").read_bytes() == b"l1 new"
    assert not (served / "old").exists() and not (served / "docs" / "2.json").exists()
    assert sorted(p.name for p in served.iterdir()) == sorted(p.name for p in fresh.iterdir())
    assert (served / "lunr" / "0.json").stat().st_ino == unchanged
    assert (served / "lunr" / "1.json").stat().st_ino == (src / "lunr" / "1.json").stat().st_ino


def test_mirror_of_a_kept_copy_reads_folders_not_each_file(tmp_path: Path,
                                                           monkeypatch: Any) -> None:
    """Whether a served file is still its source's file is told by the folder listings'
    inode numbers: no stat of each file (41,869 of them at 10,000 articles)."""
    src = tmp_path / "data"
    for k in range(30):
        (src / "pos" / str(k % 3)).mkdir(parents=True, exist_ok=True)
        (src / "pos" / str(k % 3) / f"{k}.json").write_text(str(k))
    served = tmp_path / "served"
    _mirror(src, served)
    _replace(src / "pos" / "1" / "4.json", b"new")
    calls: list[str] = []
    for name in ("stat", "lstat"):
        real = getattr(os, name)

        def counting(*args: Any, _real: Any = real, **kwargs: Any) -> Any:
            calls.append(str(args[0]))
            return _real(*args, **kwargs)

        monkeypatch.setattr(os, name, counting)
    _mirror(src, served)
    monkeypatch.undo()
    assert len(calls) <= 6  # of the two roots only, not of the 30 files
    assert _tree(served) == _tree(src)
    assert (served / "pos" / "1" / "4.json").stat().st_ino == (
        src / "pos" / "1" / "4.json").stat().st_ino


def _age_folders(*roots: Path) -> None:
    """Folder times an hour back: settled (see archive.browser.index.SETTLED_NS)."""
    for root in roots:
        for p in [root, *root.rglob("*")]:
            if p.is_dir():
                st = p.stat()
                os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns - 3600 * 10**9))


def test_a_remembered_mirror_lists_only_the_folders_that_changed(tmp_path: Path,
                                                                monkeypatch: Any) -> None:
    """`mkdocs serve` (remember_mirror): two folders with the times they had when last made
    alike are not listed again; one whose entries changed is, and the copy equals a fresh
    one (a file replaced, one added in a new folder, one deleted, a stray file in the site)."""
    src = tmp_path / "data"
    for k in range(30):
        (src / "pos" / str(k % 3)).mkdir(parents=True, exist_ok=True)
        (src / "pos" / str(k % 3) / f"{k}.json").write_text(str(k))
    (src / "meta.json").write_text("m")
    served = tmp_path / "served"
    remember_mirror(True)
    try:
        _mirror(src, served)
        _age_folders(src, served)
        _mirror(src, served)  # settled now: remembered
        listed: list[str] = []
        real = os.scandir

        def counting(path: Any) -> Any:
            listed.append(Path(path).relative_to(tmp_path).as_posix())
            return real(path)

        monkeypatch.setattr(os, "scandir", counting)
        _mirror(src, served)
        assert listed == []  # nothing changed: no folder listed
        _replace(src / "pos" / "1" / "4.json", b"new")
        (src / "pos" / "2" / "5.json").unlink()
        (src / "pos" / "9").mkdir()
        (src / "pos" / "9" / "n.json").write_text("n")
        (served / "pos" / "0" / "stray.json").write_text("left by something else")
        _mirror(src, served)
        assert sorted(set(listed)) == sorted([
            "data/pos", "served/pos", "data/pos/0", "served/pos/0", "data/pos/1",
            "served/pos/1", "data/pos/2", "served/pos/2", "data/pos/9"])
        monkeypatch.undo()
        fresh = tmp_path / "fresh"
        _mirror(src, fresh)
        assert _tree(served) == _tree(fresh) == _tree(src)
        assert (served / "pos" / "1" / "4.json").stat().st_ino == (
            src / "pos" / "1" / "4.json").stat().st_ino
        # changed just now: listed again next time, however the times look then
        _replace(src / "pos" / "1" / "4.json", b"newer")
        _mirror(src, served)
        _replace(src / "pos" / "1" / "4.json", b"newest")
        _mirror(src, served)
        assert (served / "pos" / "1" / "4.json").read_bytes() == b"newest"
    finally:
        remember_mirror(False)
