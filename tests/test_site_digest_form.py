"""`mkdocs build`'s site digest: the long lists of strings given to pageout.site_digest with
their canonical form made at once (archive.site.plugin._strings_form), the same digest."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from archive.site.pageout import canon, site_digest
from archive.site.plugin import _strings_form

TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ["", "'", '"', "\\", "'\"", "درعا", "\U0001f600", "\x00", "\n\t", "a\u200fb"])


@given(st.lists(st.tuples(TEXT, TEXT, TEXT) | st.tuples(TEXT, TEXT) | st.tuples(TEXT)
                | st.just(()), max_size=20))
def test_the_form_is_canons(part: list[tuple[str, ...]]) -> None:
    form = _strings_form(part)
    assert form == repr(canon(part)).encode()
    assert site_digest("c", [1, part, b"x"], {1: (part, form)}) == site_digest(
        "c", [1, part, b"x"])


def test_other_parts_are_left_to_canon() -> None:
    class S(str):
        pass

    odd: list[Any] = [[("a", 1)], [["a", "b"]], ("a",), [("a", S("b"))], [("a", None)],
                      {"a": "b"}, "ab"]
    for part in odd:
        assert _strings_form(part) is None, part
    assert _strings_form([]) == repr(canon([])).encode()
