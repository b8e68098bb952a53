"""A page written from a stencil in UTF-8 (stencil.encoded, fill_bytes) and its store key from
its content's UTF-8 (PageStore.key's ``content_bytes``): the bytes and the key of the page
filled as a string and encoded."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import escape

from archive.site.pageout import PageStore
from archive.site.stencil import Stencil, encoded, fill_bytes, values_of

# Arabic, markup, bidi controls, a character outside the BMP, ASCII
_TEXT = st.text(st.sampled_from(list("قصفاجتمعىةءأ <>&\"'/\n") + ["\U0001F600", "\u202b", "é"]),
                max_size=30)
_VALUE = st.one_of(st.none(), st.just(""), _TEXT.filter(bool))


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.one_of(_TEXT, st.integers(0, 4)), max_size=12),
       values=st.lists(_VALUE, min_size=5, max_size=5))
def test_fill_bytes_is_the_filled_page_in_utf8(parts: list[str | int],
                                               values: list[str | None]) -> None:
    stencil = Stencil(parts)
    raw = [v.encode() if v else b"" for v in values]
    assert fill_bytes(encoded(stencil), raw) == stencil.fill(values).encode("utf-8")


@settings(max_examples=200, deadline=None)
@given(content=_TEXT, title=_TEXT, prev=_VALUE)
def test_a_cut_sample_filled_in_utf8_is_the_sample(content: str, title: str,
                                                  prev: str | None) -> None:
    meta = {"title": escape(title), **({"archive_prev": prev} if prev else {})}
    values = values_of(content, meta, "https://example.org/a/")
    sample = f"<html><title>{values[4]}</title>{values[2] or ''}<main>{content}</main></html>"
    stencil = Stencil.cut(sample, values)
    raw = [v.encode() if v else b"" for v in values]
    assert fill_bytes(encoded(stencil), raw) == stencil.fill(values).encode()


@settings(max_examples=100, deadline=None)
@given(content=_TEXT, title=_TEXT)
def test_key_from_the_contents_utf8_is_the_key(tmp_path_factory, content: str,
                                               title: str) -> None:
    store = PageStore(Path(tmp_path_factory.getbasetemp()), "chrome")
    meta = {"title": escape(title), "hide": ["toc"]}
    assert (store.key("articles/a.md", "articles/a/", meta, content, content.encode())
            == store.key("articles/a.md", "articles/a/", meta, content))
