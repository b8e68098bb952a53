"""The user's tables cache (archive.analysis.tables.build_tables): the analysis tables are
built once per analysis code and data and loaded by every later process, never served for
other code or data, never damaged, and a cache folder that cannot be used only costs the
building."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive import files
from archive.analysis import tables

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No tables in this process (built, kept or cached), before and after the test."""
    monkeypatch.setattr(tables, "_kept", None)
    monkeypatch.setattr(tables, "_cached_json", None)
    monkeypatch.setattr(tables, "_cached_parts", None)
    key = tables.kept_key
    tables.build_tables.cache_clear()
    key.cache_clear()
    yield
    tables.build_tables.cache_clear()
    key.cache_clear()


def _again(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget this process's tables, as a new process would start."""
    monkeypatch.setattr(tables, "_cached_json", None)
    monkeypatch.setattr(tables, "_cached_parts", None)
    tables.build_tables.cache_clear()


def _no_building(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    built: list[int] = []
    real = tables._build_tables

    def counted() -> dict[str, object]:
        built.append(1)
        return real()

    monkeypatch.setattr(tables, "_build_tables", counted)
    return built


def test_a_second_process_loads_the_tables_it_would_build(
    fresh: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(tables.CACHE_ENV, str(tmp_path / "cache"))
    built = _no_building(monkeypatch)
    first = tables.build_tables()
    assert built == [1]
    path = tables.cache_path()
    assert path is not None and path.is_file() and path.parent == tmp_path / "cache"
    _again(monkeypatch)
    second = tables.build_tables()
    assert built == [1]  # loaded, not built
    assert second is not first and second == first == tables._build_tables()
    # the JSON the browser reads: the same text as encoding freshly built tables
    assert tables.tables_json() == tables.tables_json(tables._build_tables())
    assert json.loads(tables.tables_json()) == json.loads(json.dumps(first))


def test_tables_cached_for_other_code_or_data_are_not_served(
    fresh: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(tables.CACHE_ENV, str(tmp_path / "cache"))
    tables.build_tables()
    path = tables.cache_path()
    assert path is not None
    assert tables._read_cache(path, tables.kept_key()) is not None
    assert tables._read_cache(path, "0" * 64) is None
    # a file of the right name whose key is another (a collision of the name's prefix)
    built = _no_building(monkeypatch)
    monkeypatch.setattr(tables, "kept_key", lambda: "f" * 64)
    other = tables.cache_path()
    assert other is not None and other != path
    shutil.copy(path, other)
    _again(monkeypatch)
    assert tables.build_tables() == tables._build_tables()
    assert len(built) == 2  # built, not taken from the copy made for the real key
    assert tables._read_cache(other, "f" * 64) is not None  # and written for its own key


def test_the_key_changes_with_the_analysis_data_and_with_tashaphyne(
    fresh: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    package = tmp_path / "archive"
    shutil.copytree(files.PACKAGE / "analysis", package / "analysis",
                    ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(files, "PACKAGE", package)
    before = tables._kept_key()
    assert tables._kept_key() == before  # the same inputs: the same key
    prior = package / "analysis" / "data" / tables.PRIOR_FILE
    text = prior.read_text(encoding="utf-8")
    prior.write_text(text + "كتب\t1\n", encoding="utf-8")
    changed = tables._kept_key()
    assert changed != before
    # a file of the installed tashaphyne changed (its data modules, not only __init__)
    fake = tmp_path / "site" / "tashaphyne"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("", encoding="utf-8")
    (fake / "roots_const.py").write_text("ROOTS = set()\n", encoding="utf-8")
    real = importlib.util.find_spec

    def spec(name: str, *args: object) -> object:
        if name == "tashaphyne":
            return importlib.util.spec_from_file_location(name, fake / "__init__.py")
        return real(name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(importlib.util, "find_spec", spec)
    one = tables._kept_key()
    (fake / "roots_const.py").write_text("ROOTS = {'كتب'}\n", encoding="utf-8")
    assert tables._kept_key() != one != changed


def test_a_damaged_cache_file_is_built_again_and_replaced(
    fresh: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(tables.CACHE_ENV, str(tmp_path / "cache"))
    good = tables.build_tables()
    path = tables.cache_path()
    assert path is not None
    data = bytearray(path.read_bytes())
    for damage in (bytes(data[: len(data) // 2]),  # cut short
                   bytes(data).replace(b"min_score", b"min_scorf", 1),  # a letter
                   b"not a pickle"):
        path.write_bytes(damage)
        assert tables._read_cache(path, tables.kept_key()) is None
        _again(monkeypatch)
        built = _no_building(monkeypatch)
        assert tables.build_tables() == good
        assert built == [1]
        monkeypatch.undo()  # (the environment too: set it again)
        monkeypatch.setenv(tables.CACHE_ENV, str(tmp_path / "cache"))
        monkeypatch.setattr(tables, "_kept", None)
        assert tables._read_cache(path, tables.kept_key()) == good  # written again


def test_a_cache_folder_that_cannot_be_made_or_is_turned_off_only_costs_building(
    fresh: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv(tables.CACHE_ENV, str(blocker / "cache"))  # under a file: no folder
    built = _no_building(monkeypatch)
    first = tables.build_tables()
    _again(monkeypatch)
    assert tables.build_tables() == first and built == [1, 1]
    assert tables.tables_json() == tables.tables_json(tables._build_tables())
    monkeypatch.setenv(tables.CACHE_ENV, "")  # turned off: nothing read or written
    assert tables.cache_path() is None
    _again(monkeypatch)
    assert tables.build_tables() == first and len(built) == 4
    monkeypatch.delenv(tables.CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert tables.cache_dir() == tmp_path / "xdg" / "archive"


def test_the_cache_folder_keeps_the_newest_keys_only(
    fresh: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    monkeypatch.setenv(tables.CACHE_ENV, str(folder))
    for i in range(10):
        old = folder / f"{tables.CACHE_PREFIX}{i:032x}{tables.CACHE_SUFFIX}"
        old.write_bytes(b"old")
        os.utime(old, ns=(10**18 + i, 10**18 + i))
    keep = folder / "unrelated.txt"
    keep.write_text("mine", encoding="utf-8")
    tables.build_tables()
    left = sorted(p.name for p in folder.glob(f"{tables.CACHE_PREFIX}*"))
    path = tables.cache_path()
    assert path is not None and path.name in left
    assert len(left) == tables.CACHE_KEEP
    # the newest of the others are kept
    assert f"{tables.CACHE_PREFIX}{9:032x}{tables.CACHE_SUFFIX}" in left
    assert f"{tables.CACHE_PREFIX}{0:032x}{tables.CACHE_SUFFIX}" not in left
    assert keep.is_file()


_EXPORT = """
import sys
from pathlib import Path
from archive.analysis import tables
from archive.pipeline import export_analyzer_tables
export_analyzer_tables(Path(sys.argv[1]))
print(tables.build_tables.cache_info().currsize, tables._cached_json is not None)
"""


def test_builds_export_the_same_bytes_from_the_cache_under_any_hash_seed(
    tmp_path: Path
) -> None:
    """A first build (nothing cached) and later ones (tables and JSON from the cache), in
    other processes and hash seeds: the same analyzer-tables.json, byte for byte."""
    outputs = []
    for n, seed in enumerate(("0", "1", "4242")):
        build = tmp_path / f"build-{n}"
        build.mkdir()
        env = dict(os.environ, PYTHONPATH=str(REPO / "src"), PYTHONHASHSEED=seed)
        env[tables.CACHE_ENV] = str(tmp_path / "cache")
        subprocess.run([sys.executable, "-c", _EXPORT, str(build)], env=env, check=True,
                       capture_output=True, text=True)
        outputs.append((build / "analyzer-tables.json").read_bytes())
    assert len(list((tmp_path / "cache").iterdir())) == 1
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[0].decode("utf-8") == tables.tables_json(tables._build_tables()) + "\n"


def test_cached_tables_leave_the_pattern_table_unread_until_asked(
    fresh: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loaded from the cache, the learned-pattern table (DEFERRED) is not unpickled by the
    analysis, which never reads it; walked or looked up, the tables are the built ones, in
    the built order."""
    from archive.analysis import morphology
    from archive.analysis.analyzer import analyze_word_uncached

    monkeypatch.setenv(tables.CACHE_ENV, str(tmp_path / "cache"))
    built = tables.build_tables()
    _again(monkeypatch)
    loaded = tables.build_tables()
    assert loaded is not built
    morphology.prepare(loaded)
    analyze_word_uncached("والكتاب")
    assert set(tables.DEFERRED) <= set(loaded._deferred)  # type: ignore[attr-defined]
    assert loaded["patterns"] == built["patterns"]  # looked up: read
    _again(monkeypatch)
    walked = tables.build_tables()
    assert list(walked.keys()) == list(built.keys())  # walked: every table, in order
    assert dict(walked.items()) == built
    assert tables.tables_json(walked) == tables.tables_json(tables._build_tables())
