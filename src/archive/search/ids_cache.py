"""``build/search-ids.pickle``: the article id of every live document of the index generation,
and the filter fields (date, source, places, actors), read faster than the generation's
``docs.json`` (a JSON object that grows with the archive: about 4 MB at 30,000 articles).

A search needs the id of every matching document (ties are broken by id) but the filter fields
only when a filter is given, so the file holds two pickles one after the other: the key and the
ids first, the filter fields second (read on demand).

The file is keyed to the generation it was made from: the generation's directory name and the
identity (inode, size, modification time) of its ``docs.json``. An index update writes a new
generation (a new name and a new ``docs.json``), so a cache made from an older one is never
used: it is read, found to be for another key, and replaced. It holds plain data only and is
read without importing or calling any code.
"""

from __future__ import annotations

import json
import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from archive import files

FILE = "search-ids.pickle"
META = "docs.json"
FORMAT = 1


class _PlainUnpickler(pickle.Unpickler):
    """Plain data only (dicts, lists, strings, numbers): never imports or calls code."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"{FILE} names {module}.{name}: not plain data")


def path_for(gen: Path) -> Path:
    """``build/search-ids.pickle`` for a generation ``build/search/gen-…``."""
    return gen.parent.parent / FILE


def key_of(gen: Path) -> list[Any] | None:
    """What the cache must have been made from; None when the generation has no docs.json."""
    try:
        st = os.stat(gen / META)
    except OSError:
        return None
    return [FORMAT, gen.name, st.st_ino, st.st_size, st.st_mtime_ns]


@dataclass(slots=True)
class Cached:
    """The ids, and the rest of docs.json read on first use."""

    ids: dict[int, str]
    _path: Path
    _offset: int

    def meta(self) -> dict[int, dict[str, Any]] | None:
        """``{docnum: docs.json row}``, or None when the file cannot be read any more."""
        try:
            with open(self._path, "rb") as fh:
                fh.seek(self._offset)
                rows = _PlainUnpickler(fh).load()
        except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):
            return None
        return rows if isinstance(rows, dict) else None


def _load(fh: IO[bytes]) -> Any:
    return _PlainUnpickler(fh).load()


def load(gen: Path) -> Cached | None:
    """The cache of ``gen``, or None when it is missing, unreadable or made from another
    generation or another docs.json."""
    key = key_of(gen)
    if key is None:
        return None
    path = path_for(gen)
    try:
        with open(path, "rb") as fh:
            head = _load(fh)
            if not (isinstance(head, dict) and head.get("key") == key):
                return None
            docnums, ids = head["docnums"], head["ids"]
            return Cached(dict(zip(docnums, ids, strict=True)), path, fh.tell())
    except (OSError, EOFError, ValueError, TypeError, KeyError, pickle.UnpicklingError):
        return None


def save(gen: Path, key: list[Any] | None, meta: dict[int, dict[str, Any]]) -> None:
    """Write the cache of ``gen`` from its docs.json rows; ``key``: :func:`key_of` taken
    before docs.json was read (skipped silently when build/ is not writable)."""
    if key is None:
        return
    docnums = sorted(meta)
    head = {"key": key, "docnums": docnums, "ids": [meta[d]["id"] for d in docnums]}
    data = (pickle.dumps(head, protocol=5)
            + pickle.dumps({d: meta[d] for d in docnums}, protocol=5))
    try:
        files.write_atomic(path_for(gen), data)
    except OSError:
        pass


def read_meta(gen: Path) -> tuple[list[Any] | None, dict[int, dict[str, Any]] | None]:
    """:func:`key_of` ``gen`` (taken first) and its docs.json rows by doc number (None when
    docs.json cannot be read)."""
    key = key_of(gen)
    try:
        rows = json.loads((gen / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return key, None
    return key, {int(k): v for k, v in rows.items()}


def leave(gen: Path) -> None:
    """Write the cache of ``gen`` unless it is there already (what an index update leaves for
    the first search after it, which would otherwise parse docs.json and write it)."""
    if load(gen) is not None:
        return
    key, meta = read_meta(gen)
    if meta is not None:
        save(gen, key, meta)
