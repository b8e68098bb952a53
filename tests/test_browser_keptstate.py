"""`mkdocs serve`: the browser data's state (state.bin) kept in memory between reloads
(archive.browser.keptstate): given back while the file is the one written, what the file
reads back as."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.browser import keptstate
from archive.browser.index import _write_state

HEAD = {"version": 4, "data_version": 9, "code": "c", "shards": 2, "slots": 4,
        "constants": ["k", ["x"]]}


@pytest.fixture
def kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """keptstate.remember on for the test."""
    monkeypatch.setattr(keptstate, "_KEPT", {})


def _docs(n: int) -> list[tuple[str, list]]:
    return [(f"a{i:04}", [i, f"f{i}", ["id", "p", "عنوان", None, [1, 2]], [], "k"])
            for i in range(n)]


def test_the_kept_state_is_what_the_file_reads_back_as(tmp_path: Path, kept: None) -> None:
    path = tmp_path / "state.bin"
    docs = _docs(2500)
    _write_state(path, HEAD, iter(docs))
    state = keptstate.read(path)
    assert state is not None
    assert state == keptstate.load(path) == {**HEAD, "docs": dict(docs)}
    # the next write: the kept entries again, one changed, one new
    again = [(k, [v[0], *v[1:4], v[4]]) for k, v in state["docs"].items()]
    again[7] = (again[7][0], [7, "changed", *again[7][1][2:]])
    again.append(("b0000", [9999, "n", None, [], "k"]))
    _write_state(path, HEAD, iter(again))
    assert keptstate.read(path) == keptstate.load(path) == {**HEAD, "docs": dict(again)}


def test_a_file_written_by_another_is_read(tmp_path: Path, kept: None) -> None:
    path = tmp_path / "state.bin"
    _write_state(path, HEAD, iter(_docs(3)))
    assert keptstate.read(path) is not None
    other = keptstate.load(path)
    docs = other.pop("docs")
    keptstate.remember(False)
    keptstate.write(path, {**other, "shards": 3}, iter(docs.items()))
    keptstate.remember(True)
    assert keptstate.read(path) is None  # (_load_state reads the file then)
    assert keptstate.load(path)["shards"] == 3


def test_off_nothing_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "state.bin"
    _write_state(path, HEAD, iter(_docs(3)))
    assert keptstate.read(path) is None
