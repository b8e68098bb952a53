"""Memory a one-shot build gives back to the system as it goes.

`mkdocs build` holds one stage's data at a time (the analysis, the site data and its pages,
the browser data), each freed before the next is made. What CPython frees in large blocks
(an article's text, a page's HTML, a big list or dict) goes back to the C heap, not to the
system; the small objects that outlive a stage are placed between those blocks, so their
free space stays resident to the end of the build unless it is given back
(:func:`give_back`). :class:`Every` gives it back every so many steps of a stage that frees
large blocks one after the other. `mkdocs serve` gives nothing back: its reloads reuse that
memory."""

from __future__ import annotations

from typing import Any

#: Pages written between two returns (the pages: each page's Markdown, contents, meta and
#: HTML, tens of KB, freed once it is written; 126 MB of the C heap's 200 MB free at 9,504
#: articles without returns, growing with the corpus). One return costs ~10-50 ms; every
#: 1,000 pages lowered the peak at 9,504 articles by 26 MB only.
PAGES = 250

#: Articles read by the browser data between two returns (each article's text, raw text and
#: records, tens of KB, freed once its share is spilled; ~9 KB an article stayed resident:
#: the browser stage rose from ~600 to ~733 MB at 29,904 articles, the build's peak).
ARTICLES = 500

#: The browser data's rounds over its spill files between two returns (each round's
#: postings, decoded then encoded into shards, are freed at its end).
ROUNDS = 16

_LIBC: Any = None


def give_back() -> None:
    """Return the C heap's free pages to the system (glibc ``malloc_trim``; nothing
    elsewhere)."""
    import ctypes
    import ctypes.util

    global _LIBC
    if _LIBC is None:
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            _LIBC = libc.malloc_trim
        except (OSError, AttributeError):
            _LIBC = False
    if _LIBC:
        _LIBC(0)


class Every:
    """Gives the C heap's free pages back every ``every`` steps (:meth:`step`) of a stage."""

    __slots__ = ("every", "count")

    def __init__(self, every: int) -> None:
        self.every, self.count = max(1, every), 0

    def step(self) -> None:
        """One step done (a page written, an article read, a round over)."""
        self.count += 1
        if self.count % self.every == 0:
            give_back()
