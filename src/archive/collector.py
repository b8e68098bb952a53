"""The cyclic garbage collector, paused around blocks that make many containers and no garbage.

Reading a large file into lists and dicts (corpus.pickle, the word table, an index update's
manifest and related lists) triggers, allocation after allocation, collections that walk every
object the process holds; at 29,904 articles those passes took most of such blocks' time, for
nothing to free. Objects no longer used are still freed at once by reference counting; the few
cycles a block leaves wait for the next collection after it.
"""

from __future__ import annotations

import gc
import time
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


class Watch:
    """The collections the collector makes while watched (``gc.callbacks``): how many of each
    generation (young, middle, full), the CPU seconds they took (``time.thread_time`` of the
    thread that makes each: a loaded machine's waits left out), their wall seconds in all and
    the unreachable objects they found, since :meth:`start` or the last :meth:`take`."""

    def __init__(self) -> None:
        self.counts = [0, 0, 0]
        self.seconds = [0.0, 0.0, 0.0]
        self.wall = 0.0
        self.found = 0
        self._began: tuple[float, float] | None = None

    def start(self) -> None:
        """Watch from now on (a watch started again is reset)."""
        self.take()
        if self._observe not in gc.callbacks:
            gc.callbacks.append(self._observe)

    def stop(self) -> None:
        if self._observe in gc.callbacks:
            gc.callbacks.remove(self._observe)
        self._began = None

    def take(self) -> tuple[list[int], list[float], int]:
        """The counts, CPU seconds and objects found since the last take (and reset them,
        with the wall seconds)."""
        taken = (self.counts, self.seconds, self.found)
        self.counts, self.seconds, self.found, self.wall = [0, 0, 0], [0.0, 0.0, 0.0], 0, 0.0
        return taken

    def summary(self) -> str:
        """:meth:`take` in words, for a log line."""
        wall = self.wall
        counts, seconds, found = self.take()
        names = ("young", "middle", "full")
        parts = ", ".join(f"{n} {name} ({s:.2f}s)"
                          for name, n, s in zip(names, counts, seconds, strict=True))
        return (f"{parts}, {found} unreachable objects; {sum(seconds):.2f} CPU s in all "
                f"({wall:.2f}s wall)")

    def _observe(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._began = (time.thread_time(), time.perf_counter())
            return
        if self._began is None:  # (started while a collection was under way)
            return
        cpu, wall = self._began
        generation = min(max(info.get("generation", 2), 0), 2)
        self.counts[generation] += 1
        self.seconds[generation] += time.thread_time() - cpu
        self.wall += time.perf_counter() - wall
        self.found += info.get("collected", 0)
        self._began = None
