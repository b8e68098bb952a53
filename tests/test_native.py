"""The optional C modules (setup.py, :mod:`archive.native`): built wherever a C compiler and
Python's headers are, never used when stale or turned off, and a build with them writes the
same bytes as one without them."""

from __future__ import annotations

import ast
import importlib
import logging
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from conftest import mkdocs_build

from archive import native
from archive.browser.index import _Journal

MODULES = list(native.MODULES)


def _can_compile() -> bool:
    cc = (sysconfig.get_config_var("CC") or "cc").split()[0]
    return (shutil.which(cc) is not None
            and Path(sysconfig.get_paths()["include"], "Python.h").is_file())


needs_c = pytest.mark.skipif(not _can_compile(),
                             reason="no C compiler or no Python headers: pure Python is used")


def test_setup_builds_the_modules_archive_native_knows(repo: Path) -> None:
    tree = ast.parse((repo / "setup.py").read_text(encoding="utf-8"))
    lists = [ast.literal_eval(node.value) for node in ast.walk(tree)
             if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "MODULES"]
    assert lists == [MODULES]


@needs_c
@pytest.mark.parametrize("name", MODULES)
def test_the_c_modules_are_built_and_used_where_they_can_be(name: str) -> None:
    built = importlib.import_module(name)
    assert Path(built.__file__ or "").suffix == ".so"
    assert built.SOURCE_SHA == native.source_sha(native.source_of(name))
    native.module.cache_clear()
    assert native.module(name) is built


@needs_c
def test_a_module_built_from_another_source_is_not_used(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
        ) -> None:
    edited = tmp_path / "_cterms.c"  # the source as an editor left it after the install
    edited.write_bytes(native.source_of(MODULES[0]).read_bytes() + b"/* edited */\n")
    monkeypatch.setattr(native, "source_of", lambda name: edited)
    native.module.cache_clear()
    with caplog.at_level(logging.WARNING, logger="archive.native"):
        assert native.module(MODULES[0]) is None
    assert "pip install -e ." in caplog.text
    native.module.cache_clear()


def test_the_switch_turns_every_c_module_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(native.PURE_PYTHON, "1")
    native.module.cache_clear()
    assert [native.module(name) for name in MODULES] == [None] * len(MODULES)
    native.module.cache_clear()


def test_a_module_not_built_is_none(caplog: pytest.LogCaptureFixture) -> None:
    native.module.cache_clear()
    with caplog.at_level(logging.INFO, logger="archive.native"):
        assert native.module("archive.browser._no_such_module") is None
    assert "pure-Python twin" in caplog.text
    native.module.cache_clear()


#: Files that record the seeds' modification times (two folders, two times), and the browser
#: data's mirror journal, which names the site's data folders by device, inode and time.
STAMPED = {"fresh.json", "manifest.json", _Journal.NAME}


def _files(folder: Path) -> dict[str, bytes]:
    """Each file's bytes by its path, Whoosh's random segment ids left out of the names (its
    TOC, which names them, its lock file and the :data:`STAMPED` files aside)."""
    return {re.sub(r"MAIN_[a-z0-9]+\.", "MAIN_.", p.relative_to(folder).as_posix()):
            p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.suffix != ".toc" and p.name not in STAMPED
            and not p.name.startswith(("_MAIN_", ".lock"))}


@needs_c
def test_a_build_with_the_c_modules_writes_what_pure_python_writes(tmp_path: Path) -> None:
    """300 synthetic articles (random real words, names of the gazetteer, dates), built cold
    with the C modules and with ``ARCHIVE_PURE_PYTHON=1``: the same site, the same Whoosh
    index and the same browser-index state, byte for byte."""
    roots = {}
    for side, variables in (("c", {}), ("python", {native.PURE_PYTHON: "1"})):
        root = roots[side] = tmp_path / side
        subprocess.run([sys.executable, "-m", "archive", "synth", "300", "--out", str(root)],
                       check=True, capture_output=True)
        result = mkdocs_build(root, "--strict", ARCHIVE_CACHE_DIR=str(tmp_path / f"cache-{side}"),
                              **variables)
        assert result.returncode == 0, result.stderr[-3000:]
    for folder in ("site", "build/search", "build/browser"):
        c, python = _files(roots["c"] / folder), _files(roots["python"] / folder)
        assert sorted(c) == sorted(python), folder
        assert [name for name in c if c[name] != python[name]] == [], folder


def test_fingerprints_hash_c_sources_not_compiled_modules(monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    """A code fingerprint moves with a C source, not with the module compiled from it (which
    differs between machines and compilers for the same source)."""
    from archive import files

    (tmp_path / "browser").mkdir()
    source = tmp_path / "browser" / "_cterms.c"
    source.write_text("/* one */\n")
    monkeypatch.setattr(files, "PACKAGE", tmp_path)
    before = files.fingerprint("x", ["browser"])
    (tmp_path / "browser" / "_cterms.cpython-311-x86_64-linux-gnu.so").write_bytes(b"\x7fELF")
    assert files.fingerprint("x", ["browser"]) == before
    source.write_text("/* two */\n")
    assert files.fingerprint("x", ["browser"]) != before
