"""`mkdocs serve`: the browser data's state (``build/browser/state.json``) kept in memory
between reloads, with each article entry's JSON text.

Every reload read state.json (2.9 MB at 9,504 articles: ~0.03 CPU s to parse) and wrote it
again entry by entry (~0.06 CPU s to encode 9,504 entries, all but one as they were). With
:func:`remember` on, :func:`write` keeps what it wrote, as the file's parse would give it
(an entry made of the very objects of the kept state is that entry; any other is parsed back
from its text), and :func:`read` gives it back while the file is the one written (the same
inode, size and modification time); an entry made of the kept entry's own objects again is
written with its kept text (the same bytes: the text of a parse is what encoding the parse
gives).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

#: One kept state.json: its (inode, size, mtime_ns), its parse, and per article id the entry
#: with the text written for it (``"id":entry``).
_Kept = tuple[tuple[int, int, int], dict[str, Any], dict[str, tuple[list[Any], str]]]

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


def _identity(path: Path | str) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


def read(path: Path) -> dict[str, Any] | None:
    """The parse of ``path`` as last written by :func:`write` in this process, when it is
    still that file; None: read the file. (Not to be changed: the next write's entries are
    told kept by the identity of their parts.)"""
    kept = _KEPT.get(str(path)) if _KEPT is not None else None
    if kept is None or kept[0] != _identity(path):
        return None
    return kept[1]


def write(path: Path, head: dict[str, Any], docs: Iterable[tuple[str, Any]],
          dump: Callable[[Any], str], chunk: int = 1024) -> None:
    """``path`` ← ``dump({**head, "docs": dict(docs)})`` (the same text), written ``chunk``
    entries at a time: ``docs`` in ascending id order (the encoder's sorted keys), without the
    whole text or, unless :func:`remember` is on, a dict of every article in memory."""
    assert "docs" not in head
    memory = _KEPT
    before_kept = memory.pop(str(path), None) if memory is not None else None
    old = before_kept[2] if before_kept is not None else {}
    texts: dict[str, tuple[list[Any], str]] = {}
    before = dump({k: v for k, v in head.items() if k < "docs"})
    after = dump({k: v for k, v in head.items() if k > "docs"})
    with open(path, "w", encoding="utf-8") as out:
        out.write(before[:-1] + ("," if len(before) > 2 else "") + '"docs":{')
        parts: list[str] = []
        last: str | None = None
        for ident, value in docs:
            if last is not None and ident <= last:
                raise ValueError(f"state: article {ident!r} after {last!r}")
            had = old.get(ident)
            if had is not None and _same(value, had[0]):
                entry, text = had
            else:
                text = dump(ident) + ":" + dump(value)
                entry = json.loads("{" + text + "}")[ident] if memory is not None else value
            if memory is not None:
                texts[ident] = (entry, text)
            parts.append(text if last is None else "," + text)
            last = ident
            if len(parts) >= chunk:
                out.write("".join(parts))
                parts.clear()
        out.write("".join(parts) + "}" + ("," + after[1:] if len(after) > 2 else "}"))
    if memory is not None:
        identity = _identity(path)
        if identity is not None:
            state = json.loads(dump(head))
            state["docs"] = {ident: entry for ident, (entry, _text) in texts.items()}
            memory[str(path)] = (identity, state, texts)


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
