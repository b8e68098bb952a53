"""`mkdocs serve`: the related ids of each article are made once per kept list
(archive.site.model.related_ids with a memo): the same as without it, every reload."""

from __future__ import annotations

from archive.site.model import related_ids


def _rows(*ids: str) -> list[dict]:
    return [{"id": i, "score": 0.5, "shared": []} for i in ids]


def test_the_memo_gives_what_a_fresh_reading_gives() -> None:
    memo: dict = {}
    kept = {"a": _rows("b", "c"), "b": _rows("a"), "c": []}
    first = related_ids(kept, memo)
    assert first == related_ids(kept) == {"a": ["b", "c"], "b": ["a"], "c": []}
    # the next reload: "a" kept as the same list, "b" a new list, "c" gone, "d" new
    again = {"a": kept["a"], "b": _rows("d"), "d": _rows("a")}
    second = related_ids(again, memo)
    assert second == related_ids(again) == {"a": ["b", "c"], "b": ["d"], "d": ["a"]}
    assert second["a"] is first["a"]  # taken again, not made again
    assert set(memo) == {"a", "b", "d"}
    # an equal list that is another object: read again (it may have been changed)
    third = related_ids({"a": _rows("b", "c")}, memo)
    assert third == {"a": ["b", "c"]} and third["a"] is not first["a"]
