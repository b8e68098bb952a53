"""`mkdocs serve`: the browser data's state.json kept in memory between reloads
(archive.browser.keptstate): the same text as without, given back as its parse while the file
is the one written, an entry made of the kept entry's own objects written with its kept text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive.browser import keptstate
from archive.browser.index import _dump, _write_state

HEAD = {"version": 4, "data_version": 9, "code": "c", "shards": 2, "slots": 4,
        "constants": ["k", ("x",)]}


@pytest.fixture
def kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """keptstate.remember on for the test."""
    monkeypatch.setattr(keptstate, "_KEPT", {})


def _docs(n: int) -> list[tuple[str, list]]:
    return [(f"a{i:04}", [i, f"f{i}", ["id", "p", "عنوان", None, (1, 2)], {"2": 1.5}, "k"])
            for i in range(n)]


def test_the_kept_state_is_the_files_parse_and_its_text(tmp_path: Path, kept: None) -> None:
    path = tmp_path / "s.json"
    docs = _docs(2500)
    _write_state(path, HEAD, iter(docs))
    text = path.read_text("utf-8")
    assert text == _dump({**HEAD, "docs": dict(docs)})
    state = keptstate.read(path)
    assert state == json.loads(text)  # tuples as lists, as a parse gives them
    # the next write: unchanged entries made of the kept objects, one changed, one new
    old = state["docs"]
    dumped: list = []

    def counting(value):  # type: ignore[no-untyped-def]
        dumped.append(value)
        return _dump(value)

    again = [(k, [v[0], *v[1:4], v[4]]) for k, v in old.items()]
    again[7] = (again[7][0], [7, "changed", *again[7][1][2:]])
    again.append(("b0000", [9999, "n", None, {}, "k"]))
    keptstate.write(path, HEAD, iter(again), counting)
    text = path.read_text("utf-8")
    assert text == _dump({**HEAD, "docs": dict(again)})
    entries = [d for d in dumped if isinstance(d, list)]
    assert entries == [again[7][1], again[-1][1]]  # only these encoded
    assert keptstate.read(path) == json.loads(text)


def test_an_equal_value_of_another_type_is_encoded_again(tmp_path: Path, kept: None) -> None:
    path = tmp_path / "s.json"
    _write_state(path, HEAD, iter([("a", [1, "f", True])]))
    kept_docs = keptstate.read(path)["docs"]
    for value in ([1.0, "f", True], [1, "f", 1], [True, "f", True]):  # == the kept one
        assert value == kept_docs["a"]
        _write_state(path, HEAD, iter([("a", value)]))
        assert path.read_text("utf-8") == _dump({**HEAD, "docs": {"a": value}})
        kept_docs = keptstate.read(path)["docs"]


def test_a_file_written_by_another_is_read(tmp_path: Path, kept: None) -> None:
    state_dir = tmp_path / "browser"
    state_dir.mkdir()
    path = state_dir / "state.json"
    _write_state(path, HEAD, iter(_docs(3)))
    assert keptstate.read(path) is not None
    other = {**json.loads(path.read_text("utf-8")), "shards": 3}
    path.write_text(_dump(other) + "  ", encoding="utf-8")
    assert keptstate.read(path) is None  # (_load_state reads the file then)


def test_off_nothing_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    _write_state(path, HEAD, iter(_docs(3)))
    assert keptstate.read(path) is None
