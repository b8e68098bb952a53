"""The cyclic garbage collector, paused around blocks that make many containers and no garbage.

Reading a large file into lists and dicts (corpus.pickle, the word table, an index update's
manifest and related lists) triggers, allocation after allocation, collections that walk every
object the process holds; at 29,904 articles those passes took most of such blocks' time, for
nothing to free. Objects no longer used are still freed at once by reference counting; the few
cycles a block leaves wait for the next collection after it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No automatic cycle collection within the block (the collector as it was, after)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
