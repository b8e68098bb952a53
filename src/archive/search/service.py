"""What the ``search``/``kwic`` commands share: a fresh index and the query analyzer."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib
import io
import pickle
import threading
import time
from collections.abc import Callable
from typing import Any

from archive.analysis import Analyzer
from archive.analysis.tables import keep_tables
from archive.config import Paths
from archive.freshnote import GAZETTEER_SOURCES, gazetteer_sources
from archive.index.build import index_status, load_gazetteer, update_index


class SeedScan:
    """seeds/ scanned for the freshness check while the command loads the analysis tables and
    the gazetteer: a child process (GNU ``find``, :data:`archive.index.build.LISTING_ARGS`)
    stats the article files on another core, outside this process's GIL, and a thread reads
    its listing (:class:`archive.index.build.SeedListing`). Where that cannot run (no GNU
    find, an error, a file gone meanwhile), :func:`archive.index.build.article_stats` (one
    ``stat`` per article file) runs in the thread instead. :func:`freshen` takes the result."""

    def __init__(self, paths: Paths) -> None:
        self.started = time.time_ns()  # before the scan (index_status's racy-file rule)
        self._result: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(paths,), daemon=True,
                                        name="seed-scan")
        self._thread.start()

    def _run(self, paths: Paths) -> None:
        try:
            listing = _listing(paths, self.started)
            if listing is not None:
                self._result = listing
                return
            from archive.index.build import article_stats

            self._result = self.started, article_stats(paths)
        except BaseException as exc:  # raised again in the caller's thread
            self._error = exc

    def result(self) -> Any:
        """A :class:`archive.index.build.SeedListing`, or ``(time before the scan,
        article_stats)``; raises what the scan raised."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result


def _listing(paths: Paths, started: int) -> Any:
    """seeds/ listed by GNU ``find`` in a child process, or None when it could not be."""
    import os
    import signal

    from archive.index.build import LISTING_ARGS, SeedListing

    if not hasattr(os, "posix_spawnp") or not paths.seeds.is_dir():
        return None
    read_end, write_end = os.pipe()
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            env = dict(os.environ, LC_ALL="C")
            seeds = os.path.abspath(paths.seeds)  # never read as an option or an operator
            pid = os.posix_spawnp("find", ["find", "-H", seeds, *LISTING_ARGS], env,
                                  file_actions=[(os.POSIX_SPAWN_DUP2, write_end, 1),
                                                (os.POSIX_SPAWN_DUP2, devnull, 2)],
                                  setsigdef=(signal.SIGPIPE,))  # Python ignores it
        finally:
            os.close(devnull)
    except OSError:
        os.close(read_end)
        return None
    finally:
        os.close(write_end)
    chunks: list[bytes] = []
    with open(read_end, "rb", buffering=0) as pipe:
        while chunk := pipe.read(1 << 20):
            chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        return None
    try:
        return SeedListing(paths, started, b"".join(chunks))
    except ValueError:
        return None


def freshen(paths: Paths, note: Callable[[str], None], gazetteer: Any = None,
            scan: SeedScan | None = None) -> None:
    """Build or update the index when it is missing or older than seeds/, and say so.

    Never answers from stale data: a query always runs on an index that matches seeds/, the
    gazetteer and the analysis code at the time of the check. ``gazetteer``: the one the
    caller loaded already (:func:`query_analyzer`), so that it is not read twice. ``scan``:
    seeds/ scanned since the command started (else it is scanned here)."""
    status = index_status(paths, gazetteer, scan.result() if scan is not None else None,
                          gazetteer.fingerprint if isinstance(gazetteer, KeptGazetteer)
                          else None)
    if status.fresh:
        return
    # related articles read the whole index: `archive index` and the site build compute them
    report = update_index(paths, related=False)
    if not report.changed:
        return  # another process brought it up to date while we waited for the lock
    verb = "built" if not status.exists else "updated"
    note(f"index {verb} ({'; '.join(status.reasons)}): {report.summary()}")
    errors = [p for p in report.problems if p.severity == "error"]
    if errors:
        note(f"{len(errors)} file problem(s) in seeds/ left articles out: run `archive check`")


def query_analyzer(paths: Paths) -> tuple[Analyzer, Any]:
    """The analyzer queries go through: the same one as the articles, with the gazetteer.

    The analysis tables come from build/ when a previous process kept them there
    (:func:`archive.analysis.tables.keep_tables`): a query does not parse every data file;
    the gazetteer and its name matcher likewise (:func:`kept_gazetteer`)."""
    keep_tables(paths.build)
    gazetteer = kept_gazetteer(paths)
    return Analyzer(gazetteer.matcher()), gazetteer


#: File in build/ holding the gazetteer and its name matcher between processes.
GAZETTEER_FILE = "search-gazetteer.pickle"
#: The only classes that file may name (everything else in it is plain data).
_GAZETTEER_MODULES = ("archive.gazetteer.model", "archive.gazetteer.matcher")


class _GazetteerUnpickler(pickle.Unpickler):
    """Reads plain data and the gazetteer's own classes: never imports or calls other code."""

    def find_class(self, module: str, name: str) -> Any:
        if module in _GAZETTEER_MODULES:
            found = getattr(importlib.import_module(module), name, None)
            if isinstance(found, type):
                return found
        if (module, name) in (("builtins", "set"), ("builtins", "frozenset")):
            return set if name == "set" else frozenset
        raise pickle.UnpicklingError(f"{GAZETTEER_FILE} names {module}.{name}: refused")


class _GazetteerPickler(pickle.Pickler):
    """Writes the gazetteer's frozen dataclasses (entities, names, context rules) as calls of
    their constructor with every field: unpickling them then costs one ``__init__`` each
    instead of dataclasses' slot-by-slot ``__setstate__`` (about half the load time)."""

    def reducer_override(self, obj: Any) -> Any:
        cls = type(obj)
        if cls.__module__ in _GAZETTEER_MODULES and _by_constructor(cls):
            return cls, tuple(getattr(obj, f.name) for f in dataclasses.fields(obj))
        return NotImplemented


@functools.cache
def _by_constructor(cls: type) -> bool:
    """A dataclass every field of which its constructor takes, doing nothing else."""
    return (dataclasses.is_dataclass(cls) and not hasattr(cls, "__post_init__")
            and all(f.init for f in dataclasses.fields(cls)))


def _gazetteer_bytes(kept: Any) -> bytes:
    out = io.BytesIO()
    _GazetteerPickler(out, protocol=5).dump(kept)
    return out.getvalue()


def _gazetteer_load(blob: bytes) -> Any:
    return _GazetteerUnpickler(io.BytesIO(blob)).load()


def _gazetteer_key(paths: Paths) -> str:
    """What the gazetteer and its matcher are made from: the bytes of seeds/places.yml and
    seeds/actors.yml, the gazetteer code, the entity fingerprints' code (records.py), and the
    analysis code and tables (normalization, tokens, stop words)."""
    from archive import files
    from archive.analysis.tables import kept_key

    h = hashlib.sha256(f"gazetteer cache 3\n{kept_key()}\n".encode())
    h.update(files.fingerprint("gazetteer", ["gazetteer", "records.py"]).encode())
    for name in GAZETTEER_SOURCES:
        file = paths.seeds / name
        h.update(f"\0{paths.rel(file)}\0".encode())
        try:
            h.update(file.read_bytes())
        except FileNotFoundError:
            h.update(b"\0missing")
    return h.hexdigest()


#: The table of names by first word form is kept in shards by this many first letters.
MATCHER_SHARD_LEN = 3


class KeptGazetteer:
    """The gazetteer as a query reads it from build/ (:data:`GAZETTEER_FILE`): its name
    matcher, whose table of names by first word is unpickled shard by shard as the query's
    words fall in them, the fingerprint of its entities (what the index was tagged with, for
    the freshness check), and the gazetteer itself, unpickled on first use of anything else
    (its entities for ``--place``/``--actor``, the matcher's whole tables). Attributes and
    methods are the gazetteer's."""

    def __init__(self, kept: dict[str, Any]) -> None:
        self._kept = kept
        self._gazetteer: Any = None
        self._matcher: Any = None

    @property
    def fingerprint(self) -> str:
        """``gazetteer_fingerprint(entity_fingerprints(gazetteer))``, as it was kept."""
        return str(self._kept["fingerprint"])

    def loaded(self) -> Any:
        """The gazetteer itself (with its matcher built)."""
        if self._gazetteer is None:
            self._gazetteer = _gazetteer_load(self._kept["gazetteer"])
        return self._gazetteer

    def matcher(self) -> Any:
        if self._matcher is None:
            from archive.analysis.tables import ShardedTable

            matcher = _kept_matcher_class().__new__(_kept_matcher_class())
            matcher._owner = self
            matcher._function_words = self._kept["function_words"]
            matcher._first = ShardedTable(self._kept["first"], MATCHER_SHARD_LEN,
                                          _gazetteer_load)
            matcher._by_second = {}
            self._matcher = matcher
        return self._matcher

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.loaded(), name)


@functools.cache
def _kept_matcher_class() -> type:
    from archive.gazetteer.matcher import NameMatcher

    class KeptMatcher(NameMatcher):
        """The name matcher of a :class:`KeptGazetteer`: its table of names by first word
        in shards; its other tables (names, readings, …) are the whole gazetteer's matcher's,
        read when first asked for."""

        _owner: KeptGazetteer

        def __getattr__(self, name: str) -> Any:
            if name.startswith("__") or name == "_owner":
                raise AttributeError(name)
            return getattr(self._owner.loaded().matcher(), name)

    return KeptMatcher


def _kept_parts(gazetteer: Any) -> dict[str, Any]:
    from archive.analysis.tables import ShardedTable
    from archive.records import entity_fingerprints, gazetteer_fingerprint

    matcher = gazetteer.matcher()
    return {
        "fingerprint": gazetteer_fingerprint(entity_fingerprints(gazetteer)),
        "function_words": matcher._function_words,
        "first": ShardedTable.split(matcher._first, MATCHER_SHARD_LEN, _gazetteer_bytes),
        "gazetteer": _gazetteer_bytes(gazetteer),
    }


def kept_gazetteer(paths: Paths, given: Any = None) -> Any:
    """:func:`archive.index.build.load_gazetteer` with its name matcher built, kept in build/
    (``GAZETTEER_FILE``) keyed to the gazetteer files' bytes and the code that reads them: a
    query does not parse the YAML nor build the matcher again, and reads of the kept file
    only what it uses (:class:`KeptGazetteer`). The same gazetteer either way. ``given``:
    the gazetteer of seeds/ as it is now, when the caller has it (kept if the file is not)."""
    key = _gazetteer_key(paths)
    path = paths.build / GAZETTEER_FILE
    try:
        with open(path, "rb") as fh:
            kept = _GazetteerUnpickler(fh).load()
        if (isinstance(kept, dict) and kept.get("key") == key
                and isinstance(kept.get("parts"), dict)):
            return KeptGazetteer(kept["parts"])
    except (OSError, EOFError, ValueError, TypeError, AttributeError, pickle.UnpicklingError):
        pass
    gazetteer = given if given is not None else load_gazetteer(paths)
    try:
        from archive import files

        files.write_atomic(path, _gazetteer_bytes({"key": key,
                                                   "parts": _kept_parts(gazetteer)}))
    except (OSError, pickle.PicklingError):
        pass  # a read-only build/: the next query reads the gazetteer again
    return gazetteer


def leave_for_search(paths: Paths, gazetteer: Any = None) -> None:
    """Leave in build/ what the first ``archive search`` after an index update would
    otherwise make itself, so that it answers as fast as the ones after it: the analysis
    tables (:func:`archive.analysis.tables.leave_tables`), the gazetteer with its name matcher
    (:func:`kept_gazetteer`), the live generation's ids (:func:`ids_cache.leave`) and the
    freshness note with the listing's digest (:func:`archive.index.build.index_status`, as a
    search makes it: ``find`` lists seeds/ in a child process meanwhile). Each is written only
    when it is missing or stale; a read-only build/ is left as it is. ``gazetteer``: the one
    the caller has loaded from seeds/ as they are now (else read here when needed).

    A note is written only when seeds/ still matches the index (compared as a search
    compares): an article changed since the update leaves it to the next search."""
    from archive.analysis.tables import leave_tables
    from archive.index.build import current_generation
    from archive.search import ids_cache

    scan = SeedScan(paths)
    try:
        leave_tables(paths.build)
        sources: str | None = gazetteer_sources(paths)
        kept = kept_gazetteer(paths, gazetteer)
        gen = current_generation(paths)
        if gen is not None:
            ids_cache.leave(gen)
        # the gazetteer files the kept fingerprint was made from (read before and after it)
        if not isinstance(kept, KeptGazetteer) or gazetteer_sources(paths) != sources:
            sources = None
        index_status(paths, kept, scan.result(),
                     kept.fingerprint if isinstance(kept, KeptGazetteer) else None,
                     sources=sources)
    except OSError:
        pass  # only caches: the first search makes what is missing
