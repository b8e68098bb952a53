"""archive.files.fingerprint: the same hash as hashing every file found by ``rglob`` (its
first form), and remembered in the process only for files that are not young."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

import pytest

from archive import files


def reference(package: Path, label: str, parts: Iterable[str], skip: Iterable[str] = ()) -> str:
    """The fingerprint as it was first written (pathlib's rglob, every file read)."""
    skipped = {"__pycache__", *skip}
    found: set[Path] = set()
    for part in parts:
        target = package / part
        if target.is_file():
            found.add(target)
        elif target.is_dir():
            found.update(p for p in target.rglob("*")
                         if p.is_file() and p.suffix not in files.COMPILED
                         and skipped.isdisjoint(p.relative_to(package).parts))
    h = hashlib.sha256(f"{label}\n".encode())
    for p in sorted(found):
        h.update(p.relative_to(package).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def age(path: Path) -> None:
    st = path.stat()
    old = st.st_mtime_ns - 60 * 10**9
    os.utime(path, ns=(old, old))


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "archive"
    for rel, text in [("a.py", "A"), ("site/render.py", "R"), ("site/static/x.js", "X"),
                      ("site/data/d.txt", "D"), ("site/__pycache__/r.pyc", "C"),
                      ("site/_c.c", "/* c */"), ("site/_c.cpython-311-x86_64-linux-gnu.so", "S"),
                      ("site/.hidden", "H"), ("site-x/b.py", "B"), ("site/a-b/c.py", "AB"),
                      ("site/a/b.py", "AB2"), ("index/é.py", "E")]:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    (root / "site" / "linked.py").symlink_to(root / "a.py")
    (root / "site" / "linked-dir").symlink_to(root / "index", target_is_directory=True)
    (root / "site" / "broken.py").symlink_to(root / "nowhere.py")
    for p in root.rglob("*"):
        if p.is_file() and not p.is_symlink():
            age(p)
    monkeypatch.setattr(files, "PACKAGE", root)
    monkeypatch.setattr(files, "_FINGERPRINTS", {})
    return root


@pytest.mark.parametrize("parts,skip", [
    (["site"], ()), (["site", "index", "a.py", "missing"], ()), (["site"], ["static", "data"]),
    (["."], ()), (["site/render.py"], ()), (["site"], ["site"]), (["site-x", "site"], ()),
])
def test_the_same_hash_as_every_file_found_by_rglob(package: Path, parts: list[str],
                                                    skip: list[str]) -> None:
    want = reference(package, "x", parts, skip)
    assert files.fingerprint("x", parts, skip=skip) == want
    assert files.fingerprint("x", parts, skip=skip) == want  # (remembered)
    assert files.fingerprint("y", parts, skip=skip) == reference(package, "y", parts, skip)


def test_a_changed_file_changes_it_and_a_young_one_is_read_again(package: Path) -> None:
    render = package / "site" / "render.py"
    before = files.fingerprint("x", ["site"])
    assert files._FINGERPRINTS  # old files: remembered
    render.write_text("Q", encoding="utf-8")  # the same size, a new time
    young = files.fingerprint("x", ["site"])
    assert young != before and young == reference(package, "x", ["site"])
    st = render.stat()
    render.write_text("Z", encoding="utf-8")  # a second write within the same time
    os.utime(render, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert files.fingerprint("x", ["site"]) == reference(package, "x", ["site"]) != young
    (package / "site" / "new.py").write_text("N", encoding="utf-8")
    assert files.fingerprint("x", ["site"]) == reference(package, "x", ["site"])
