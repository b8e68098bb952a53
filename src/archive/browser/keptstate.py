"""The browser data's state file (``build/browser/state.bin``): its format, and `mkdocs serve`
keeping it in memory between reloads.

The file is :data:`MAGIC`, then records, each a 4-byte little-endian length and that many
bytes of ``marshal`` (version 2: no references, so equal values give equal bytes): first the
head (a dict), then the articles' entries as lists of ``[id, entry]`` pairs in ascending id
order, :data:`CHUNK` at a time (written and read without the whole file's text or, unless
:func:`remember` is on, a dict of every article in memory). It was JSON (state.json) up to
state version 9: its encoding and parse were 0.15 and 0.075 CPU s of every rebuild at
29,904 articles (10 MB, the collector paused), marshal's 0.04 and 0.05 (the file is 12 %
larger: 5-byte string headers).

With :func:`remember` on, :func:`write` keeps what it wrote (the values themselves: the
writer makes each entry anew and changes none after) and :func:`read` gives it back while
the file is the one written (the same inode, size and modification time).
"""

from __future__ import annotations

import marshal
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from archive.files import file_identity

MAGIC = b"archive browser state 1\n"
#: Entries per record.
CHUNK = 1024

#: path → (the file's identity, its parse) as last written; None: off (a one-shot build reads
#: the file once).
_KEPT: dict[str, tuple[tuple[int, int, int], dict[str, Any]]] | None = None


def remember(on: bool = True) -> None:
    """Keep the state written by this process for its next build (``mkdocs serve``); off:
    forgotten."""
    global _KEPT
    if not on:
        _KEPT = None
    elif _KEPT is None:
        _KEPT = {}


def read(path: Path) -> dict[str, Any] | None:
    """The state as last written by :func:`write` in this process, when it is still that
    file; None: read the file (:func:`load`). (Not to be changed: it is the next build's.)"""
    kept = _KEPT.get(str(path)) if _KEPT is not None else None
    if kept is None or kept[0] != file_identity(path):
        return None
    return kept[1]


def load(path: Path) -> dict[str, Any]:
    """The state in ``path``: ``{**head, "docs": {id: entry}}``. FileNotFoundError: none;
    ValueError: not a state file, or a damaged one."""
    data = path.read_bytes()
    if not data.startswith(MAGIC):
        raise ValueError(f"{path}: not a browser state file")
    view = memoryview(data)
    at, end = len(MAGIC), len(data)
    records: list[Any] = []
    try:
        while at < end:
            size = int.from_bytes(view[at:at + 4], "little")
            if at + 4 + size > end:
                raise ValueError(f"{path}: cut short")
            records.append(marshal.loads(view[at + 4:at + 4 + size]))
            at += 4 + size
    except (EOFError, TypeError) as e:
        raise ValueError(f"{path}: damaged ({e})") from e
    if not records or not isinstance(records[0], dict):
        raise ValueError(f"{path}: no head")
    state = dict(records[0])
    docs: dict[str, Any] = {}
    for chunk in records[1:]:
        docs.update(chunk)
    state["docs"] = docs
    return state


def write(path: Path, head: dict[str, Any], docs: Iterable[tuple[str, Any]],
          chunk: int = CHUNK) -> None:
    """``path`` ← the state ``{**head, "docs": dict(docs)}`` (``docs`` in ascending id order),
    :data:`CHUNK` entries a record."""
    assert "docs" not in head
    memory = _KEPT
    if memory is not None:
        memory.pop(str(path), None)
    kept: dict[str, Any] | None = {} if memory is not None else None
    with open(path, "wb") as out:
        def put(value: Any) -> None:
            data = marshal.dumps(value, 2)
            out.write(len(data).to_bytes(4, "little"))
            out.write(data)

        out.write(MAGIC)
        put(head)
        part: list[list[Any]] = []
        last: str | None = None
        for ident, value in docs:
            if last is not None and ident <= last:
                raise ValueError(f"state: article {ident!r} after {last!r}")
            last = ident
            part.append([ident, value])
            if kept is not None:
                kept[ident] = value
            if len(part) >= chunk:
                put(part)
                part = []
        if part:
            put(part)
    if memory is not None and kept is not None:
        identity = file_identity(path)
        if identity is not None:
            memory[str(path)] = (identity, {**head, "docs": kept})
