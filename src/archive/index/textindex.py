"""The index beside a JSON text file of a generation (docs.idx beside docs.json, related.idx
beside related.json): where each entry is in the text, and what else a reader wants of it
without parsing the text. Marshal of ``(format, (length, CRC-32) of the text, fields...)``,
used only with the very text it was made for (another version of the code may have written
the file again beside an index it left)."""

from __future__ import annotations

import marshal
import zlib
from typing import Any


def text_check(text: str) -> tuple[int, int]:
    """What an index records of its text: its length and CRC-32."""
    return len(text), zlib.crc32(text.encode("utf-8"))


def index_bytes(fmt: int, text: str, *fields: Any) -> bytes:
    """The index of ``text`` holding ``fields`` (marshal-able values), in layout ``fmt``."""
    return checked_index_bytes(fmt, text_check(text), *fields)


def checked_index_bytes(fmt: int, check: tuple[int, int], *fields: Any) -> bytes:
    """:func:`index_bytes` of a text whose :func:`text_check` is ``check`` (a text written in
    parts: see :class:`TextCheck`)."""
    return marshal.dumps((fmt, check, *fields), 2)


class TextCheck:
    """:func:`text_check` of a text given in parts (:meth:`add`), without the whole text."""

    __slots__ = ("length", "crc")

    def __init__(self) -> None:
        self.length, self.crc = 0, 0

    def add(self, part: str) -> None:
        self.length += len(part)
        self.crc = zlib.crc32(part.encode("utf-8"), self.crc)

    def check(self) -> tuple[int, int]:
        return self.length, self.crc


def read_checked(path: Any) -> tuple[str, tuple[int, int]]:
    """The text of the file ``path`` (UTF-8) and its :func:`text_check`, from the bytes read
    (not encoded again: 23 MB of related.json at 29,904 articles)."""
    with open(path, "rb") as fh:
        data = fh.read()
    text = data.decode("utf-8")
    return text, (len(text), zlib.crc32(data))


def index_fields(index: bytes, fmt: int, text: str, count: int,
                 check: tuple[int, int] | None = None) -> tuple[Any, ...] | None:
    """The ``count`` fields of ``index`` when it was made in layout ``fmt`` for ``text``
    (None: unreadable, another layout, or made for another text); ``check``: the text's
    :func:`text_check`, when the caller has it."""
    try:
        got = marshal.loads(index)
    except (EOFError, ValueError, TypeError):
        return None
    if (type(got) is not tuple or len(got) != count + 2 or got[0] != fmt
            or got[1] != (text_check(text) if check is None else check)):
        return None
    return got[2:]
