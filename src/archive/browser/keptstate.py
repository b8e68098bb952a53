"""`mkdocs serve`: the browser data's state (``build/browser/state.json``) kept in memory
between reloads, with each article entry's JSON text.

Every reload read state.json (2.9 MB at 9,504 articles: ~0.03 CPU s to parse) and wrote it
again entry by entry (~0.06 CPU s to encode 9,504 entries, all but one as they were). With
:func:`remember` on, :func:`write` keeps what it wrote, as the file's parse would give it
(an entry made of the very objects of the kept state is that entry; any other is parsed back
from its text) with the file's bytes, and :func:`read` gives it back while the file is the
one written (the same inode, size and modification time); an entry made of the kept entry's
own objects again is written with its bytes in the kept file (the same bytes: the text of a
parse is what encoding the parse gives). What is kept: the parse (~13 MB at 9,504 articles)
and the file's bytes (3 MB).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from archive.files import file_identity

#: One kept state.json: its (inode, size, mtime_ns), its parse, per article id the entry and
#: where the text written for it (``"id":entry``) is in the file, and the file's bytes (UTF-8:
#: a text per entry as a str would take ~30 MB at 9,504 articles, the file 3 MB).
_Kept = tuple[tuple[int, int, int], dict[str, Any], dict[str, tuple[list[Any], int, int]], bytes]

#: path → its kept state; None: off (a one-shot build reads the file once).
_KEPT: dict[str, _Kept] | None = None


def remember(on: bool = True) -> None:
    """Keep the state written by this process for its next build (``mkdocs serve``); off:
    forgotten."""
    global _KEPT
    if not on:
        _KEPT = None
    elif _KEPT is None:
        _KEPT = {}




def read(path: Path) -> dict[str, Any] | None:
    """The parse of ``path`` as last written by :func:`write` in this process, when it is
    still that file; None: read the file. (Not to be changed: the next write's entries are
    told kept by the identity of their parts.)"""
    kept = _KEPT.get(str(path)) if _KEPT is not None else None
    if kept is None or kept[0] != file_identity(path):
        return None
    return kept[1]


def write(path: Path, head: dict[str, Any], docs: Iterable[tuple[str, Any]],
          dump: Callable[[Any], str], chunk: int = 1024) -> None:
    """``path`` ← ``dump({**head, "docs": dict(docs)})`` (the same text, UTF-8), written
    ``chunk`` entries at a time: ``docs`` in ascending id order (the encoder's sorted keys),
    without the whole text or, unless :func:`remember` is on, a dict of every article in
    memory."""
    assert "docs" not in head
    memory = _KEPT
    kept = memory.pop(str(path), None) if memory is not None else None
    old, data = (kept[2], kept[3]) if kept is not None else ({}, b"")
    spans: dict[str, tuple[list[Any], int, int]] = {}
    written: list[bytes] = []  # (remembering: the file's bytes, kept with it)
    before = dump({k: v for k, v in head.items() if k < "docs"})
    after = dump({k: v for k, v in head.items() if k > "docs"})
    with open(path, "wb") as out:
        def put(piece: bytes) -> None:
            out.write(piece)
            if memory is not None:
                written.append(piece)

        opening = (before[:-1] + ("," if len(before) > 2 else "") + '"docs":{').encode()
        put(opening)
        at = len(opening)
        parts: list[bytes] = []
        last: str | None = None
        for ident, value in docs:
            if last is not None and ident <= last:
                raise ValueError(f"state: article {ident!r} after {last!r}")
            had = old.get(ident)
            if had is not None and _same(value, had[0]):
                entry, text = had[0], data[had[1]:had[2]]
            else:
                encoded = dump(ident) + ":" + dump(value)
                text = encoded.encode("utf-8")
                entry = json.loads("{" + encoded + "}")[ident] if memory is not None else value
            if last is not None:
                parts.append(b",")
                at += 1
            parts.append(text)
            if memory is not None:
                spans[ident] = (entry, at, at + len(text))
            at += len(text)
            last = ident
            if len(parts) >= chunk:
                put(b"".join(parts))
                parts.clear()
        put(b"".join(parts) + ("}" + ("," + after[1:] if len(after) > 2 else "}")).encode())
    if memory is not None:
        identity = file_identity(path)
        if identity is not None:
            state = json.loads(dump(head))
            state["docs"] = {ident: span[0] for ident, span in spans.items()}
            memory[str(path)] = (identity, state, spans, b"".join(written))


def _same(value: Any, kept: list[Any]) -> bool:
    """Whether ``value`` is the kept entry again: a list of as many items, each the kept
    item itself or an equal string or integer (what a parse of the same text gives)."""
    if not isinstance(value, list) or len(value) != len(kept):
        return False
    for a, b in zip(value, kept, strict=True):
        if a is b:
            continue
        if type(a) is not type(b) or type(a) not in (str, int) or a != b:
            return False
    return True
