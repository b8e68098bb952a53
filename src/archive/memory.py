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

import os
import resource
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

    global _LIBC
    if _LIBC is None:
        # the symbols the interpreter is linked with (the C library among them): no
        # ``ctypes.util.find_library``, which runs ``/sbin/ldconfig -p`` in a child process
        # on every build
        try:
            _LIBC = ctypes.CDLL(None).malloc_trim
        except (OSError, AttributeError):
            _LIBC = False
    if _LIBC:
        _LIBC(0)


#: :func:`near_peak`: how close to the process's peak its resident memory must be for a
#: return to be worth its cost.
NEAR_PEAK = 0.9

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def near_peak() -> bool:
    """Whether the process's resident memory is within :data:`NEAR_PEAK` of its peak so far
    (true where it cannot be read). Below it a return cannot lower the build's peak, and it
    is not free: besides the walk over the heap (~10-50 ms), every page given back is faulted
    in again, zeroed, by the next allocations. The browser stage at 29,904 articles took
    ~12 CPU s more with a return every 16 rounds and 500 articles than without, most of it
    system time, while it stayed far below the peak the search index had set before it."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            resident = int(fh.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return True
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # (KB on Linux)
    return resident >= NEAR_PEAK * peak


class Every:
    """Gives the C heap's free pages back every ``every`` steps (:meth:`step`) of a stage,
    when the process is near its peak (:func:`near_peak`)."""

    __slots__ = ("every", "count")

    def __init__(self, every: int) -> None:
        self.every, self.count = max(1, every), 0

    def step(self) -> None:
        """One step done (a page written, an article read, a round over)."""
        self.count += 1
        if self.count % self.every == 0 and near_peak():
            give_back()
