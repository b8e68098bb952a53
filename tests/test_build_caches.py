"""A one-shot site build empties the caches that only its analysis, its root count and its
map read (archive.pipeline.let_go_of_word_caches, let_go_of_page_caches) before the pages and
the browser data; what asks for them afterwards gets them made again. It gives the C heap's
free pages back as its pages and browser data are made (archive.memory)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from archive import memory, pipeline
from archive.analysis import morphology
from archive.site import mapsvg, roots


def _build(root: Path) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    build(load_config(str(root / "mkdocs.yml")))


def test_a_build_lets_go_of_the_word_and_map_caches(
    archive_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ARCHIVE_ROOT", raising=False)
    monkeypatch.delenv("SITE_URL", raising=False)
    filled: list[tuple[int, int]] = []
    real = pipeline.let_go_of_word_caches

    def letting_go() -> None:  # what the root count left in them, then let go
        filled.append((roots.classify.cache_info().currsize,
                       morphology.default_data.cache_info().currsize))
        real()

    monkeypatch.setattr(pipeline, "let_go_of_word_caches", letting_go)
    _build(archive_dir)
    assert filled == [(filled[0][0], 1)] and filled[0][0] > 0  # the count used them
    for cache in (roots.classify, roots.stem_pattern, morphology.default_data,
                  mapsvg.load_basemap):
        assert cache.cache_info().currsize == 0, cache
    assert (archive_dir / "site" / "map" / "index.html").is_file()
    assert morphology.default_data()["stop_words"]  # made again when asked


def test_every_gives_back_every_so_many_steps_near_the_peak(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    trim = memory.Every(3)
    monkeypatch.setattr(memory, "give_back", lambda: calls.append(trim.count))
    near = [True]
    monkeypatch.setattr(memory, "near_peak", lambda: near[0])
    for _ in range(10):
        trim.step()
    assert calls == [3, 6, 9]
    near[0] = False  # far below the peak: a return could not lower it, none is made
    for _ in range(10):
        trim.step()
    assert calls == [3, 6, 9]
    memory.give_back()  # the real one: glibc's malloc_trim, or nothing (no error) elsewhere


def test_giving_back_starts_no_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Finding malloc_trim must not run a program (``find_library`` ran ``ldconfig -p``
    in a child process on every build: a cost every rebuild paid)."""
    import subprocess
    import sys

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a process was started: {args}")

    monkeypatch.setattr(subprocess, "Popen", refuse)
    monkeypatch.setattr(memory, "_LIBC", None)
    memory.give_back()
    if sys.platform == "linux" and os.confstr("CS_GNU_LIBC_VERSION"):
        assert memory._LIBC  # glibc: found


def test_near_peak_compares_resident_memory_with_the_peak(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    assert memory.near_peak() in (True, False)  # read from this process without error

    class Usage:
        def __init__(self, kb: int) -> None:
            self.ru_maxrss = kb

    with open("/proc/self/statm", "rb") as fh:  # (Linux: where the test runs)
        resident_kb = int(fh.read().split()[1]) * memory._PAGE // 1024
    monkeypatch.setattr(memory.resource, "getrusage", lambda _who: Usage(resident_kb))
    assert memory.near_peak()  # at the peak
    monkeypatch.setattr(memory.resource, "getrusage",
                        lambda _who: Usage(int(resident_kb / memory.NEAR_PEAK) + 100_000))
    assert not memory.near_peak()  # far below it
    assert usage.ru_maxrss > 0


def test_a_build_gives_back_the_heap_as_its_pages_are_made(
    archive_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ARCHIVE_ROOT", raising=False)
    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.setattr(memory, "PAGES", 5)
    steps: dict[int, list[int]] = {}  # the counter's `every` → its counts, one after another
    real = memory.Every.step

    def step(self: memory.Every) -> None:
        real(self)
        steps.setdefault(self.every, []).append(self.count)

    monkeypatch.setattr(memory.Every, "step", step)
    _build(archive_dir)
    pages = sum(1 for _ in (archive_dir / "site").rglob("index.html"))
    counts = steps[5]
    # every generated page made once, one trim counter for the build
    assert counts == list(range(1, len(counts) + 1)) and len(counts) > 10
    assert len(counts) <= pages


def _plain_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No archive root or site address from the environment: the build's own folder."""
    for name in ("ARCHIVE_ROOT", "SITE_URL"):
        monkeypatch.delenv(name, raising=False)


def test_a_build_lets_go_of_every_holder_of_the_morphology_data(
    archive_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Emptying the data's cache frees it only when nothing else holds it: after
    let_go_of_word_caches, nothing but this test refers to the data or to the tables read
    from the user's cache (the last lexicon reading and the tables' JSON kept them alive)."""
    import gc
    import types

    from archive.analysis import tables

    _plain_env(monkeypatch)
    held: list[object] = []
    holders: list[list[str]] = []
    real = pipeline.let_go_of_word_caches

    def letting_go() -> None:
        kept = tables._cached_json
        held[:] = [morphology.default_data(), *(() if kept is None else (kept[0],))]
        del kept
        real()
        gc.collect()
        # (the data refers to the tables it was prepared from: that holder is the test's)
        own = [vars(obj) for obj in held if hasattr(obj, "__dict__")]
        holders.append([type(r).__name__ for obj in held for r in gc.get_referrers(obj)
                        if r is not held and not any(r is o for o in own)
                        and not isinstance(r, types.FrameType)])

    monkeypatch.setattr(pipeline, "let_go_of_word_caches", letting_go)
    _build(archive_dir)
    assert len(held) >= 1 and holders == [[]]


def test_the_browser_data_is_made_without_the_per_page_caches(
    archive_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mkdocs.utils import _norm_parts

    from archive.browser import site as browser_site
    from archive.site import pagecache

    _plain_env(monkeypatch)
    sizes: list[tuple[int, int]] = []
    real = browser_site.write_site_search

    def write(*args: object, **kwargs: object) -> object:
        sizes.append((pagecache._file_name.cache_info().currsize,
                      _norm_parts.cache_info().currsize))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(browser_site, "write_site_search", write)
    _build(archive_dir)
    assert sizes == [(0, 0)]
    assert (archive_dir / "site" / "search" / "data" / "meta.json.dfl").is_file()


def _data_files(site: Path) -> dict[str, bytes]:
    data = site / "search" / "data"
    return {str(p.relative_to(data)): p.read_bytes() for p in sorted(data.rglob("*"))
            if p.is_file()}


def test_the_browser_data_gives_back_the_heap_as_it_goes_same_bytes(
    archive_dir: Path, tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    """A one-shot build gives the C heap's free pages back every memory.ARTICLES articles
    of the browser data and every memory.ROUNDS spill rounds; the data is the same as
    without."""
    import shutil

    from archive.browser import index as browser_index

    _plain_env(monkeypatch)
    other = tmp_path_factory.mktemp("untrimmed")
    for name in ("mkdocs.yml", "seeds", "docs"):
        source = archive_dir / name
        if source.is_dir():
            shutil.copytree(source, other / name)
        else:
            shutil.copy(source, other / name)
    monkeypatch.setattr(memory, "ARTICLES", 10 ** 9)
    monkeypatch.setattr(memory, "ROUNDS", 10 ** 9)
    _build(other)
    monkeypatch.setattr(memory, "ARTICLES", 2)
    monkeypatch.setattr(memory, "ROUNDS", 1)
    trims: list[int] = []  # the `every` of each counter as it gives the heap back
    real_step = memory.Every.step

    def step(self: memory.Every) -> None:
        if (self.count + 1) % self.every == 0:
            trims.append(self.every)
        real_step(self)

    monkeypatch.setattr(memory.Every, "step", step)
    seen: list[tuple[int, int]] = []
    real = browser_index._write_shards

    def shards(*args: object, **kwargs: object) -> None:
        seen.append((trims.count(2), trims.count(1)))  # the articles' trims, then the rounds'
        real(*args, **kwargs)  # type: ignore[arg-type]
        seen.append((trims.count(2), trims.count(1)))

    monkeypatch.setattr(browser_index, "_write_shards", shards)
    _build(archive_dir)
    articles = sum(1 for p in (archive_dir / "seeds").iterdir() if p.suffix in (".txt", ".md"))
    assert seen[0] == (articles // 2, 0) and articles >= 2
    assert seen[1][0] == seen[0][0] and seen[1][1] > 0
    assert _data_files(archive_dir / "site") == _data_files(other / "site")
