"""`mkdocs serve`: the indexes of build/'s page and raw-text stores kept in memory between
reloads (archive.site.pageout: ``build/serve-pages/keys.json``, ``build/raw-texts/index.json``).

Every reload made a new store, which read its index (13,700 pages, 9,504 texts at 9,504
articles), listed its whole folder to delete what the build did not use, and wrote the index
again, sorted, for the one or two entries an edit changes. With :func:`remember` on, a store
takes the index as the previous build of this process left it (a copy: a build that fails
half-way leaves the memory as it was, as it leaves the file), deletes only the names it knows
are in its folder (listed once, by the first build that prunes it) and does not write the
index: the server's first build writes it as any build does, the next ones leave it to the
server's stop (:func:`remember` off). A server killed before
that leaves an older index, which the next build checks as always: each entry holds its
file's size and modification time, and a stored file is never written in place, so an entry
of a file replaced since is not taken. An index file written by another process meanwhile
(its inode, size or time changed) is read again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archive import files


@dataclass
class Kept:
    """One store's index as its last build left it."""

    #: the index's table (a copy is handed out: :func:`take`)
    entries: dict[str, list[Any]]
    #: the site digest (the page store's; "" for the raw texts)
    site: str
    #: the names in the store's folder after that build (its index file and dot files aside)
    present: set[str]
    #: the index file's (inode, size, mtime_ns) when it was read, or None: there was none
    identity: tuple[int, int, int] | None
    #: the index's text of ``entries`` and ``site``
    dump: Callable[[dict[str, list[Any]], str], str]
    #: whether the file does not hold it yet (then written by :func:`remember` off)
    unsaved: bool = False
    #: the raw texts' store: per article id, the entry (the very list, never changed in
    #: place: a new text gets a new one) and the stamp of its stored file as that build
    #: found or wrote it (archive.site.pageout.RawStore.ensure)
    stamps: dict[str, tuple[list[Any], str]] | None = None


#: index file → what its store kept; None: off (a one-shot build reads and writes the files).
_KEPT: dict[str, Kept] | None = None


def remember(on: bool = True) -> None:
    """Keep the stores' indexes between the builds of this process (``mkdocs serve``); off:
    the unsaved ones are written and all forgotten."""
    global _KEPT
    if not on:
        save()
        _KEPT = None
    elif _KEPT is None:
        _KEPT = {}


def active() -> bool:
    return _KEPT is not None




def take(index: Path) -> Kept | None:
    """What the previous build kept for the store whose index file is ``index`` (its entries
    a copy for this build to change), or None: read the file (none kept, or the file is no
    longer the one this process read: another process wrote it)."""
    kept = _KEPT.get(str(index)) if _KEPT is not None else None
    if kept is None:
        return None
    if files.file_identity(index) != kept.identity:
        del _KEPT[str(index)]
        return None
    return Kept(dict(kept.entries), kept.site, kept.present, kept.identity, kept.dump,
                kept.unsaved, kept.stamps)


def keep(index: Path, entries: dict[str, list[Any]], site: str, present: set[str],
         dump: Callable[[dict[str, list[Any]], str], str], changed: bool,
         before: Kept | None, stamps: dict[str, tuple[list[Any], str]] | None = None
         ) -> None:
    """Keep what a build left (``before``: what it took, if anything); ``changed``: whether
    the index differs from what the file (or the memory, unsaved) held before; ``stamps``:
    see :attr:`Kept.stamps`."""
    if _KEPT is None:
        return
    unsaved = changed or (before is not None and before.unsaved)
    _KEPT[str(index)] = Kept(dict(entries), site, set(present),
                             before.identity if before is not None else files.file_identity(index),
                             dump, unsaved, stamps)


def save() -> None:
    """Write every kept index that its file does not hold yet."""
    for path, kept in (_KEPT or {}).items():
        if kept.unsaved:
            try:
                files.write_atomic(Path(path), kept.dump(kept.entries, kept.site))
            except OSError:
                pass  # a read-only build/: the next build checks the older index
            kept.unsaved = False
            kept.identity = files.file_identity(path)
