"""The index beside a generation's JSON text (archive.index.textindex: docs.idx, related.idx):
read back only with the very text and layout it was made for."""

from __future__ import annotations

import marshal

from archive.index.textindex import index_bytes, index_fields, text_check


def test_an_index_is_read_only_with_its_text_and_layout() -> None:
    text = '{"1": {"id": "دمشق"}}\n'
    index = index_bytes(3, text, [1], ["دمشق"], b"\x01")
    assert index_fields(index, 3, text, 3) == ([1], ["دمشق"], b"\x01")
    # the layout the two files had before the module: the same bytes
    assert index == marshal.dumps((3, (len(text), text_check(text)[1]), [1], ["دمشق"],
                                   b"\x01"), 2)
    assert index_fields(index, 4, text, 3) is None  # another layout
    assert index_fields(index, 3, text, 2) is None  # other fields
    assert index_fields(index, 3, text.replace("دمشق", "درعا"), 3) is None  # same length
    assert index_fields(index, 3, text + " ", 3) is None
    assert index_fields(index[:-2], 3, text, 3) is None  # cut short
    assert index_fields(b"not marshal", 3, text, 3) is None
    assert index_fields(marshal.dumps([3]), 3, text, 3) is None
