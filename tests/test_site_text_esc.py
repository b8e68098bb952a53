"""text.esc, the escaping of the values the page helpers write into f-strings: what
``str(markupsafe.escape(value))`` gives, for plain strings, markup and other objects."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup, escape

from archive.site.text import esc


class _Str(str):
    """A str subclass that is not markup (escaped as its text)."""


@given(st.one_of(st.text(st.sampled_from(list("قصف <>&\"'x\U0001F600\ud800"))), st.integers(),
                 st.none(), st.floats(allow_nan=False),
                 st.text(max_size=5).map(Markup), st.text(max_size=5).map(_Str)))
def test_esc_is_markupsafes_escape(value: Any) -> None:
    assert esc(value) == str(escape(value))
    assert type(esc(value)) is str
