"""Fixed costs every build pays: nothing started that the build does not need (no child
process to find C's library)."""

from __future__ import annotations

import ctypes.util
import platform
import subprocess

import pytest

from archive import pipeline


def test_giving_memory_back_starts_no_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_process(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a process was started: {args}")

    monkeypatch.setattr(pipeline, "_LIBC", None)
    monkeypatch.setattr(subprocess, "Popen", no_process)
    monkeypatch.setattr(ctypes.util, "find_library", no_process)
    pipeline.give_back_memory()
    pipeline.give_back_memory()
    if platform.system() == "Linux" and platform.libc_ver()[0] == "glibc":
        assert pipeline._LIBC  # found: malloc_trim is glibc's
