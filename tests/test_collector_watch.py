"""archive.collector.Watch: the collector's collections counted and timed while watched."""

from __future__ import annotations

import gc

from archive.collector import Watch


def _cycles(n: int) -> None:
    for _ in range(n):
        a: list[object] = []
        a.append(a)


def test_a_watch_counts_each_generation_and_what_it_found() -> None:
    watch = Watch()
    watch.start()
    try:
        gc.collect()  # (what was there before: not counted below)
        watch.take()
        _cycles(5)
        gc.collect(0)
        gc.collect(1)
        gc.collect(2)
        counts, seconds, found = watch.take()
        assert counts[0] >= 1 and counts[1] >= 1 and counts[2] >= 1
        assert all(s >= 0.0 for s in seconds)
        assert found >= 5
        assert watch.take() == ([0, 0, 0], [0.0, 0.0, 0.0], 0) and watch.wall == 0.0  # reset
        gc.collect()
        assert "0 young (0.00s), 0 middle (0.00s), 1 full (" in watch.summary()
    finally:
        watch.stop()
    assert watch._observe not in gc.callbacks
    gc.collect()
    assert watch.take()[0] == [0, 0, 0]  # stopped: nothing counted


def test_a_watch_started_twice_is_called_once() -> None:
    watch = Watch()
    watch.start()
    watch.start()
    try:
        assert gc.callbacks.count(watch._observe) == 1
        watch.take()
        gc.collect()
        assert watch.take()[0][2] == 1
    finally:
        watch.stop()
