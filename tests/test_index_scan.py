"""scan_files (src/archive/index/build.py): a cold build takes the loaded articles' content
hashes instead of reading and hashing every file again; the manifest's hashes stay the files'."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

import archive.index.build as build
from archive.config import Paths
from archive.index.build import current_generation, read_manifest, scan_files, update_index

REPO = Path(__file__).resolve().parents[1]


def make_archive(d: Path) -> Paths:
    shutil.copytree(REPO / "seeds", d / "seeds")
    shutil.copy(REPO / "mkdocs.yml", d / "mkdocs.yml")
    return Paths(d)


def test_scan_takes_given_hashes_and_hashes_the_rest(tmp_path: Path) -> None:
    paths = make_archive(tmp_path)
    plain = scan_files(paths, None)
    assert len(plain) >= 5
    for rel, st in plain.items():
        assert st.hash == hashlib.sha256((paths.root / rel).read_bytes()).hexdigest()
    first = sorted(plain)[0]
    got = scan_files(paths, None, hashes={first: "given"})
    assert got[first].hash == "given"
    assert (got[first].size, got[first].mtime_ns) == (plain[first].size, plain[first].mtime_ns)
    assert {k: v for k, v in got.items() if k != first} == {
        k: v for k, v in plain.items() if k != first}


def test_cold_build_hashes_no_file_and_records_the_files_hashes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = make_archive(tmp_path)
    hashed: list[int] = []
    real = build._sha

    def counted(data: bytes) -> str:
        hashed.append(len(data))
        return real(data)

    monkeypatch.setattr(build, "_sha", counted)
    update_index(paths, related=False)
    assert hashed == []  # every article was loaded: its hash is the loader's
    manifest = read_manifest(current_generation(paths))
    assert manifest is not None and len(manifest.files) >= 5
    for rel, st in manifest.files.items():
        assert st.hash == hashlib.sha256((paths.root / rel).read_bytes()).hexdigest()
    for info in manifest.articles.values():
        assert manifest.files[info["path"]].hash == info["hash"]
    # an edit: the update hashes the changed file (a manifest to compare with: no load first)
    rel = sorted(manifest.files)[0]
    with open(paths.root / rel, "a", encoding="utf-8") as fh:
        fh.write("\nوشوهدت زرافة في المدينة.\n")
    update_index(paths, related=False)
    assert len(hashed) == 1
    after = read_manifest(current_generation(paths))
    assert after is not None
    assert after.files[rel].hash == hashlib.sha256((paths.root / rel).read_bytes()).hexdigest()
