"""Build and update the search index under ``build/search/``; open it for reading.

Layout::

    build/search/CURRENT        name of the live generation ("gen-000007"), replaced atomically
    build/search/gen-000007/    Whoosh index + manifest.json + related.json + features.bin
                                and its chunks features-<sha256>.bin (each article's root and
                                entity terms: what related articles are computed from, updated
                                for the changed articles only; unchanged chunks are links)
    build/search/.lock          held (flock) by the one process that updates the index
    build/related.json          copy of the live generation's related.json, for the site

An update never touches the live generation: it copies it (or starts empty), applies the
changes there, commits, and only then points ``CURRENT`` at the new directory with
``os.replace``. A reader resolves ``CURRENT`` once and reads a complete generation; the previous
generation is kept, and so is any older one a reader still holds (a shared flock on its
folder: :func:`hold_generation`), until an update finds it free.

Incremental rules (the manifest records what each generation was built from):

- an article whose content hash changed, or a new article, is analysed again;
- an article that left seeds/ leaves the index;
- a gazetteer change re-analyses only the articles it can affect: those tagged with an entity
  whose names changed or that disappeared, and those whose text contains every word of a new
  or changed name (a superset of where the matcher can now find it);
- a change to the analysis code (or the index format) rebuilds everything.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import marshal
import os
import shutil
import time
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING, Any

from whoosh import index as whoosh_index

from archive import files as archive_files
from archive import freshnote
from archive.collector import paused as paused_gc
from archive.config import Paths
from archive.errors import Problem
from archive.freshnote import (  # noqa: F401  (their home before)
    ARTICLE_SUFFIXES,
    FRESH,
    RACY_NS,
    FileStat,
    article_stats,
    files_digest,
)
from archive.index.docs import ColumnDoc, IndexDoc
from archive.index.related import RULE as RELATED_RULE
from archive.index.related import FeatureRows, FeatureTable, chunk_ends, index_features
from archive.index.schema import INDEX_FORMAT, make_schema
from archive.index.textindex import index_bytes, index_fields, read_checked
from archive.index.writer import ArchiveWriter
from archive.records import Analysis, entity_fingerprints, gazetteer_fingerprint

if TYPE_CHECKING:
    from archive.index.columns import ArticleColumns
    from archive.index.related import StoredRelated
    from archive.pipeline import AnalyzedArticle

MANIFEST = "manifest.json"
RELATED = "related.json"
#: related.json's index: where each article's entry is, and its related articles as numbers
#: (related.related_file): an update reads only the lists it can change, not the whole file
RELATED_INDEX = "related.idx"
META = "docs.json"  # Whoosh doc number → id, date, source, places, actors (for filters)
#: docs.json's index: each entry's document number, id and place in the text, so that an
#: update that only adds a segment drops and appends entries without reading the others
META_INDEX = "docs.idx"
META_INDEX_FORMAT = 1
#: Per article id, its root and entity terms with their frequencies (what related articles are
#: computed from), carried from generation to generation and updated for the changed articles
#: only: the related articles are computed without reading every posting of the index.
#: features.bin is the table's directory: its names and its chunks of rows (related.chunk_ends),
#: each in its own file named by its content (:func:`_chunk_name`), which the next generation
#: links when it holds the same rows: an update writes the chunks of the rows it changed and
#: the directory (~1-3 MB at 29,904 articles), not every row (36 MB in format 2, one file).
FEATURES = "features.bin"
FEATURES_FORMAT = 3
#: what the chunks' names look like (:func:`_chunk_name`)
_FEATURE_CHUNKS = "features-*.bin"
_META_FIELDS = ("id", "date", "source", "places", "actors")
CURRENT = "CURRENT"
#: Source files whose change alters how text becomes index terms (→ full rebuild).
_CODE_DIRS = ("analysis", "corpus")
_CODE_FILES = ("pipeline.py", "records.py", "gazetteer/matcher.py", "index/docs.py",
               "index/schema.py")


def _stem(rel: str) -> str:
    """``Path(rel).stem`` of a POSIX relative path, without making a Path (an update asks it
    of every seed)."""
    name = rel.rpartition("/")[2]
    i = name.rfind(".")
    return name[:i] if 0 < i < len(name) - 1 else name


def search_dir(paths: Paths) -> Path:
    return paths.build / "search"


# --------------------------------------------------------------------------- fingerprints


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def code_fingerprint() -> str:
    """Hash of the analysis code and data: a change means every article must be re-analysed."""
    return archive_files.fingerprint(f"format {INDEX_FORMAT}", [*_CODE_DIRS, *_CODE_FILES])


# --------------------------------------------------------------------------- manifest


@dataclass(slots=True)
class FileState:
    hash: str
    size: int
    mtime_ns: int


@dataclass(slots=True)
class Manifest:
    """What one generation of the index was built from."""

    format: int = INDEX_FORMAT
    code: str = ""
    gazetteer: str = ""
    entities: dict[str, str] = field(default_factory=dict)  # entity key → fingerprint
    files: dict[str, FileState] = field(default_factory=dict)  # rel path → state (all files)
    articles: dict[str, dict[str, Any]] = field(default_factory=dict)  # id → hash/path/entities
    generation: int = 0
    #: the rule (related.RULE) related.json was computed with for this generation; 0: not
    #: computed (a manifest written before rules were numbered reads True, i.e. rule 1)
    related: int = 0

    def to_json(self) -> str:
        if _KEPT is not None:  # `mkdocs serve`: most entries' text as the last update wrote it
            return self._to_json_kept()
        data = {
            "format": self.format,
            "generation": self.generation,
            "related": self.related,
            "code": self.code,
            "gazetteer": self.gazetteer,
            "entities": dict(sorted(self.entities.items())),
            "files": {k: [v.hash, v.size, v.mtime_ns] for k, v in sorted(self.files.items())},
            "articles": dict(sorted(self.articles.items())),
        }
        # compact: the json module writes indented JSON in pure Python (0.6 s at 10,000
        # articles, on every update), compact JSON with its C encoder
        return _compact(data) + "\n"

    def _to_json_kept(self) -> str:
        """:meth:`to_json`'s text (the same bytes), the ``files`` and ``articles`` entries
        taken from :data:`_MANIFEST_TEXT` when their value is the very object written last
        time (an update takes the unchanged ones over from the previous manifest): only the
        changed files' and articles' entries are encoded (~0.03 CPU s less at 9,504)."""
        parts = {"format": _compact(self.format), "generation": _compact(self.generation),
                 "related": _compact(self.related), "code": _compact(self.code),
                 "gazetteer": _compact(self.gazetteer), "entities": _compact(self.entities)}
        for name, items, form in (
                ("files", self.files, lambda v: [v.hash, v.size, v.mtime_ns]),
                ("articles", self.articles, lambda v: v)):
            last = _MANIFEST_TEXT.get(name, {})
            made: dict[str, tuple[Any, str]] = {}
            texts = []
            for k in sorted(items):
                v = items[k]
                hit = last.get(k)
                text = (hit[1] if hit is not None and hit[0] is v
                        else f"{_compact(k)}:{_compact(form(v))}")
                made[k] = (v, text)
                texts.append(text)
            _MANIFEST_TEXT[name] = made
            parts[name] = "{" + ",".join(texts) + "}"
        return "{" + ",".join(f"{_compact(k)}:{parts[k]}" for k in sorted(parts)) + "}\n"

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        d = json.loads(text)
        return cls(
            format=d["format"],
            code=d["code"],
            gazetteer=d["gazetteer"],
            entities=d["entities"],
            files={k: FileState(*v) for k, v in d["files"].items()},
            articles=d["articles"],
            generation=d["generation"],
            related=int(d.get("related", 0)),
        )


#: GNU find's listing of seeds/'s article files, NUL-separated: a regular file as name, size,
#: mtime (seconds, a point, the fraction); a symbolic link as its name and two empty fields.
#: Run in a child process (:class:`archive.search.service.SeedScan`), it stats the files on the
#: other core, outside Python's GIL; :func:`parse_listing` reads it.
LISTING_ARGS = ("-mindepth", "1", "-maxdepth", "1", "!", "-name", ".*",
                "(", "-iname", "*.txt", "-o", "-iname", "*.md", ")",
                "(", "-type", "f", "-printf", r"%f\0%s\0%T@\0",
                "-o", "-type", "l", "-printf", r"%f\0\0\0", ")")


class SeedListing:
    """seeds/ as a child process listed it (``find -H SEEDS`` + :data:`LISTING_ARGS`; exit
    status 0): its digest (of seeds/'s real path and the listing's bytes, None when a symbolic
    link is listed: then only :meth:`stats` vouches) and :meth:`stats`, the
    :func:`article_stats` it stands for, parsed when first asked for. ``started``: the time
    taken before the listing began (:func:`index_status`'s racy-file rule)."""

    def __init__(self, paths: Paths, started: int, raw: bytes) -> None:
        self.paths, self.started, self._raw = paths, started, raw
        # three fields per file, each ended by NUL (split into fields only if stats() is
        # asked for: a check the digest vouches for needs none of them)
        if raw.count(b"\0") % 3 or raw[-1:] not in (b"", b"\0"):
            raise ValueError("not a listing")
        self.digest: str | None = None
        # an empty field is a symbolic link's size and mtime (no name is empty)
        if b"\0\0" not in raw:
            h = hashlib.sha256(os.fsencode(os.path.realpath(paths.seeds)) + b"\0")
            h.update(raw)
            self.digest = h.hexdigest()
        self._stats: list[FileStat] | None = None

    def stats(self) -> list[FileStat]:
        """What :func:`article_stats` gives for the listed files (a symbolic link is
        followed here, with ``stat``); seeds/ is scanned again if the listing holds what
        this code cannot read."""
        if self._stats is None:
            try:
                self._stats = parse_listing(self.paths, self._raw.split(b"\0"))
            except ValueError:
                self.digest, self._stats = None, article_stats(self.paths)
        return self._stats


def parse_listing(paths: Paths, fields: list[bytes]) -> list[FileStat]:
    """:func:`article_stats` from the fields of a :data:`LISTING_ARGS` listing."""
    seeds = paths.seeds
    base, root = seeds.resolve(), paths.root.resolve()
    prefix: str | None = None
    if base.is_relative_to(root) and base != root:
        prefix = base.relative_to(root).as_posix() + "/"
    rows: list[tuple[str, int, int, bool]] = []
    decode = os.fsdecode
    for name, size, mtime in zip(fields[0:-1:3], fields[1:-1:3], fields[2:-1:3],
                                 strict=True):
        text = decode(name)
        if not size:  # a symbolic link: followed as article_stats does
            try:
                st = os.stat(seeds / text)
            except OSError:
                continue
            if S_ISREG(st.st_mode):
                rows.append((text, st.st_size, st.st_mtime_ns, True))
            continue
        seconds, _, fraction = mtime.partition(b".")
        if not seconds.isdigit() or not fraction.isdigit() or len(fraction) > 10:
            raise ValueError(f"listing: mtime {mtime!r}")  # e.g. before 1970
        ns = int(seconds) * 1_000_000_000 + int(fraction[:9].ljust(9, b"0"))
        rows.append((text, int(size), ns, False))
    rows.sort()
    return [((prefix + name) if prefix is not None and not link else paths.rel(seeds / name),
             size, mtime) for name, size, mtime, link in rows]


def scan_files(paths: Paths, previous: Manifest | None,
               stats: list[FileStat] | None = None,
               hashes: dict[str, str] | None = None) -> dict[str, FileState]:
    """Hash every article file; a file whose size and mtime match the manifest is not re-read.

    ``stats``: :func:`article_stats`, when the caller has read them already. ``hashes``: per
    path, the content hash of the loaded article (``Article.content_hash``: the sha256 of the
    bytes the loader read), taken instead of reading and hashing the file again (a cold
    build: the corpus was just loaded; 4 % of the stage's instructions)."""
    out: dict[str, FileState] = {}
    known = previous.files if previous else {}
    given = hashes or {}
    for rel, size, mtime_ns in article_stats(paths) if stats is None else stats:
        old = known.get(rel)
        if old and old.size == size and old.mtime_ns == mtime_ns:
            out[rel] = old
        else:
            digest = given.get(rel)
            out[rel] = FileState(digest if digest is not None
                                 else _sha((paths.root / rel).read_bytes()), size, mtime_ns)
    return out


# --------------------------------------------------------------------------- generations


# --------------------------------------------------------------------------- kept in memory


#: `mkdocs serve` (:func:`remember`): the files of a generation that the next update reads
#: back (manifest, docs.json, features.bin, related.json), kept as last written or read, by
#: path, with the identity (inode, size, mtime_ns) of that file: one replaced since (by another
#: process: every write renames a new file into place) is read again. None: off.
_KEPT: dict[str, tuple[tuple[int, int, int], Any]] | None = None
#: per article id, its related list last written and its text (see related.related_json)
_WRITTEN: dict[str, tuple[Any, str]] = {}
#: the manifest's ``files`` and ``articles`` entries last written: per key, the value (the
#: very object, never changed in place) and its text (see Manifest._to_json_kept)
_MANIFEST_TEXT: dict[str, dict[str, tuple[Any, str]]] = {}
#: docs.json's rows last written: per row object's id, the row (kept alive: the id stays its
#: own) and its JSON text (see _docs_entries)
_DOCS_TEXT: dict[str, dict[int, tuple[dict[str, Any], str]]] = {}


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def remember(on: bool = True) -> None:
    """Keep what an update writes in memory for the next one in this process (``mkdocs
    serve``): it then neither reads nor parses the previous generation's files again. Nothing
    is only in memory: every file is written as always."""
    global _KEPT
    if not on:
        _KEPT = None
        _WRITTEN.clear()
        _MANIFEST_TEXT.clear()
        _DOCS_TEXT.clear()
    elif _KEPT is None:
        _KEPT = {}




def _recall(path: Path) -> tuple[tuple[int, int, int], Any] | None:
    """The identity and value kept for ``path``, while the file is still the one kept."""
    return _entry(_KEPT, path)


def _entry(store: dict[str, tuple[tuple[int, int, int], Any]] | None,
           path: Path) -> tuple[tuple[int, int, int], Any] | None:
    """``store``'s entry for ``path`` while the file is still the one kept (else dropped)."""
    if store is None:
        return None
    entry = store.get(str(path))
    if entry is not None and entry[0] != archive_files.file_identity(path):
        del store[str(path)]
        return None
    return entry


def _put(store: dict[str, tuple[tuple[int, int, int], Any]] | None, path: Path, value: Any,
         identity: Any = None) -> None:
    """Keep ``value`` in ``store`` with ``path``'s identity (``identity``: as it was read,
    else stat'ed now); a file that cannot be stat'ed keeps nothing."""
    if store is not None:
        ident = (tuple(identity) if identity is not None
                 else archive_files.file_identity(path))
        if ident is None:
            store.pop(str(path), None)
        else:
            store[str(path)] = (ident, value)  # type: ignore[assignment]


def _keep(path: Path, value: Any) -> None:
    _put(_KEPT, path, value)


#: :func:`ensure_fresh` (`mkdocs build`, `archive search`; :func:`remember` off): the manifests
#: read or written during that one call, by path, with their identity as in :data:`_KEPT`.
#: Its check, the update and the search's start each read the manifest otherwise (~30 ms of
#: JSON per read at 9,504 articles); dropped when the call returns, so that nothing outlives
#: it (the update holds the previous manifest anyway). None: off.
_MANIFESTS: dict[str, tuple[tuple[int, int, int], Any]] | None = None


def _recall_manifest(path: Path) -> tuple[tuple[int, int, int], Any] | None:
    """:func:`_recall` for a manifest, or the one :data:`_MANIFESTS` holds for ``path`` while
    the file is still that one."""
    kept = _recall(path)
    return kept if kept is not None else _entry(_MANIFESTS, path)


def _keep_manifest(path: Path, manifest: Manifest, identity: Any = None) -> None:
    """:func:`_keep` for a manifest, and into :data:`_MANIFESTS` when on (``identity``: the
    file's as read, else it is stat'ed now). Callers hand over their own object and use
    copies (:func:`dataclasses.replace`) of what they recall, as with :data:`_KEPT`."""
    _keep(path, manifest)
    _put(_MANIFESTS, path, manifest, identity)


def kept_related(path: Path) -> dict[str, list[dict[str, Any]]] | None:
    """The related articles last written to ``path`` (build/related.json) by an update of
    this process, while the file is still that one (None: read the file)."""
    kept = _recall(path)
    return kept[1][0] if kept is not None else None


def warm(paths: Paths) -> bool:
    """``mkdocs serve`` (:func:`remember` on): read now what the next update reads back of the
    live generation (manifest, docs.json, features.bin, related.json with each list's text,
    and the numerical libraries the related articles are computed with), as the first update
    after a change would: about a CPU second at 9,504 articles that a server whose first build
    found the index fresh would otherwise spend on the first reload after an edit. False when
    nothing was read (remembering is off, no index, or all of it is kept already)."""
    if _KEPT is None:
        return False
    gen = current_generation(paths)
    if gen is None:
        return False
    done = False
    readers: tuple[tuple[str, Callable[[Path], Any]], ...] = (
        (MANIFEST, read_manifest), (META, _read_meta), (FEATURES, _read_features))
    for name, read in readers:
        if _recall(gen / name) is None:
            value = read(gen)
            if value is not None:
                _keep(gen / name, value)
                done = True
    manifest = _recall(gen / MANIFEST)
    if manifest is not None and not _MANIFEST_TEXT:
        # each entry's text, as an update that wrote the manifest keeps it (_to_json_kept:
        # ~38,000 entries encoded by the first update after a start otherwise, at 9,504)
        try:
            same = (gen / MANIFEST).read_text(encoding="utf-8") == manifest[1]._to_json_kept()
        except OSError:
            same = False
        if not same:  # written otherwise (another version): its text is not this one
            _MANIFEST_TEXT.clear()
        done = True
    if _recall(gen / RELATED) is None:
        from archive.index.related import related_json

        related = _read_related(gen)
        if related is not None:
            # each list's text, as an update that wrote them keeps it (related_json)
            text = related_json(related, _WRITTEN)
            try:
                same = (gen / RELATED).read_text(encoding="utf-8") == text
            except OSError:
                same = False
            if same:
                _keep(gen / RELATED, (related, text))
                if archive_files.file_identity(paths.build / RELATED) is not None and (
                        paths.build / RELATED).read_text(encoding="utf-8") == text:
                    _keep(paths.build / RELATED, (related, text))
            else:  # written otherwise (another version): its text is not this one
                _WRITTEN.clear()
            done = True
    # (not scipy: an update of a few articles sums their rows with numpy alone, and one
    # of many articles imports it when it needs it)
    import numpy  # noqa: F401  (imported by the first update otherwise: ~0.2 s)

    return done


def _forget(gen: Path) -> None:
    """Drop what is kept of the files of a removed generation."""
    if _KEPT is not None:
        prefix = str(gen) + os.sep
        for key in [k for k in _KEPT if k.startswith(prefix)]:
            del _KEPT[key]


def current_generation(paths: Paths) -> Path | None:
    """The live generation's directory, or None when no index was built yet."""
    pointer = search_dir(paths) / CURRENT
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    gen = search_dir(paths) / name
    return gen if (gen / MANIFEST).is_file() else None


def read_manifest(gen: Path | None) -> Manifest | None:
    if gen is None:
        return None
    if _MANIFESTS is not None:
        return _read_current_manifest(gen)[0]  # kept there with the identity it was read by
    kept = _recall(gen / MANIFEST)
    if kept is not None:
        return replace(kept[1])  # a copy: an update sets its fields
    try:
        m = Manifest.from_json((gen / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return m


@contextmanager
def update_lock(paths: Paths) -> Iterator[None]:
    """Only one process updates the index at a time (readers never wait)."""
    d = search_dir(paths)
    d.mkdir(parents=True, exist_ok=True)
    with open(d / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _write_atomic(path: Path, text: str) -> None:
    archive_files.write_atomic(path, text, durable=True)


def _publish(source: Path, path: Path) -> None:
    """Put the written file ``source`` (a generation's related.json) at ``path`` too, as a
    hard link renamed into place (files here are replaced, never written in place): not a
    second copy of its megabytes written and flushed to the disk on every update (8 MB at
    9,504 articles). Written as a copy where a link cannot be made."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.unlink(missing_ok=True)
        os.link(source, tmp)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        _write_atomic(path, source.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- status


def load_gazetteer(paths: Paths) -> Any:
    """The gazetteer (problems are reported by ``archive check``, not here): the build's own
    when it hands its loaded corpus over (:func:`archive.pipeline.reusing`)."""
    from archive import pipeline

    given = pipeline._LOADED
    if given is not None and pipeline._same_folders(given.paths, paths):
        return given.gazetteer
    try:
        from archive.gazetteer import load_gazetteer as load
    except ImportError:  # package __init__ not written yet
        from archive.gazetteer.loader import load_gazetteer as load
    return load(paths)[0]


def seeds_gazetteer_print(paths: Paths, gazetteer: Any = None) -> str:
    """``gazetteer_fingerprint(entity_fingerprints(...))`` of seeds/' gazetteer: of
    ``gazetteer`` when the caller has it, else as the searches keep it in build/
    (:func:`archive.search.service.kept_gazetteer`, keyed to the gazetteer files' bytes and
    code: the YAML is not parsed again while they are the same), else of the gazetteer read
    here."""
    if gazetteer is None:
        from archive import pipeline
        from archive.search.service import KeptGazetteer, kept_gazetteer

        given = pipeline._LOADED
        if given is None or not pipeline._same_folders(given.paths, paths):
            gazetteer = kept_gazetteer(paths)  # (read and kept when missing or stale)
            if isinstance(gazetteer, KeptGazetteer):
                return gazetteer.fingerprint
        else:
            gazetteer = given.gazetteer
    return gazetteer_fingerprint(entity_fingerprints(gazetteer))


@dataclass(slots=True)
class Status:
    """Whether the index matches seeds/, the gazetteer and the analysis code."""

    exists: bool
    fresh: bool
    reasons: list[str] = field(default_factory=list)


def _read_current_manifest(gen: Path) -> tuple[Manifest | None, list[int]]:
    """The generation's manifest and the identity (inode, size, mtime_ns) of the very file read:
    an update replaces the manifest by renaming a new file over it, which changes all three."""
    kept = _recall_manifest(gen / MANIFEST)
    if kept is not None:
        return replace(kept[1]), list(kept[0])
    try:
        with open(gen / MANIFEST, "rb") as fh:
            st = os.fstat(fh.fileno())
            text = fh.read().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None, []
    try:
        manifest = Manifest.from_json(text)
    except (ValueError, KeyError, TypeError):
        return None, []
    identity = [st.st_ino, st.st_size, st.st_mtime_ns]
    if _MANIFESTS is not None:
        _keep_manifest(gen / MANIFEST, manifest, identity)
        return replace(manifest), identity
    return manifest, identity


def _manifest_identity(gen: Path) -> list[int]:
    return freshnote.manifest_identity(gen / MANIFEST)


def index_status(paths: Paths, gazetteer: Any = None,
                 scanned: tuple[int, list[FileStat]] | SeedListing | None = None,
                 gazetteer_print: str | None = None, sources: str | None = None) -> Status:
    """Cheap freshness check (file sizes/mtimes, hashes of changed files, gazetteer names).

    ``gazetteer``: the one the caller has loaded already (else it is read here).
    ``scanned``: ``(time.time_ns() taken before the scan, article_stats(paths))`` when the
    caller has scanned seeds/ already (e.g. in a thread while it loaded other things), or a
    :class:`SeedListing` a child process made meanwhile.
    ``gazetteer_print``: ``gazetteer_fingerprint(entity_fingerprints(gazetteer))`` when the
    caller knows it (then the gazetteer is not read here).
    ``sources``: :func:`archive.freshnote.gazetteer_sources`, read before the gazetteer (or
    ``gazetteer_print``) was: kept in the note for ``archive index`` (see below).

    The manifest lists every file, so reading it grows with the archive. A check that finds the
    index fresh therefore leaves a small note (``build/search/fresh.json``,
    :mod:`archive.freshnote`): the manifest file it compared (by inode, size and mtime), a
    digest of the article files' paths, sizes and mtimes, and the manifest's code and gazetteer
    fingerprints (and, when the check had a :class:`SeedListing`, the listing's digest). While
    the manifest is the same file and the files have the same digest (or the listing the same
    one), the next check reads that note instead of the manifest: one directory read and one
    ``stat`` per article. An added, deleted, edited or merely touched file changes both
    digests, and the full comparison (content hashes) decides. A file younger than
    ``RACY_NS`` is vouched for by its content: the note keeps its hash (``young``), which the
    next check compares. The note also says whether the related articles were computed by the
    current rule, how many articles the index holds and (``sources``) which gazetteer files
    it was checked with: what :func:`archive.freshnote.unchanged` needs to tell ``archive
    index`` that it has nothing to do without importing this module."""
    listing = scanned if isinstance(scanned, SeedListing) else None
    if scanned is None:
        started = time.time_ns()
    else:
        started = listing.started if listing is not None else scanned[0]  # type: ignore[index]
    gen = current_generation(paths)
    if gen is None:
        return Status(False, False, ["no index yet"])
    stats: list[FileStat] | None = None
    if scanned is None:
        stats = article_stats(paths)
    elif listing is None:
        stats = scanned[1]  # type: ignore[index]
    note_path = search_dir(paths) / FRESH
    note: dict[str, Any] | None = None
    try:
        note = json.loads(note_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    identity = _manifest_identity(gen)
    same = (isinstance(note, dict) and note.get("generation") == gen.name
            and note.get("manifest") == identity
            and freshnote.young_unchanged(paths.root, note.get("young", {})))
    listed = listing.digest if listing is not None else None
    known = same and listed is not None and note.get("listing") == listed  # type: ignore[union-attr]
    digest = None
    manifest: Manifest | None = None
    if not known:
        if stats is None:
            assert listing is not None
            stats = listing.stats()
        digest = files_digest(stats)
        known = same and note.get("files") == digest  # type: ignore[union-attr]
    if known:
        assert note is not None
        fmt, code, gaz = note.get("format"), note.get("code"), note.get("gazetteer")
        seeds_changed = False
    else:
        assert stats is not None
        manifest, identity = _read_current_manifest(gen)
        if manifest is None:
            return Status(False, False, ["no index yet"])
        fmt, code, gaz = manifest.format, manifest.code, manifest.gazetteer
        files = scan_files(paths, manifest, stats)
        seeds_changed = ({k: v.hash for k, v in files.items()}
                         != {k: v.hash for k, v in manifest.files.items()})
    reasons: list[str] = []
    if fmt != INDEX_FORMAT or code != code_fingerprint():
        reasons.append("the analysis code changed")
    if seeds_changed:
        reasons.append("seeds/ changed")
    if gazetteer_print is None:
        gazetteer_print = seeds_gazetteer_print(paths, gazetteer)
    if gazetteer_print != gaz:
        reasons.append("the gazetteer changed")
    if not reasons and identity and (digest is not None or sources is not None):
        # (a note that vouched by the listing alone vouched for these very stats: its young
        # files are all the files young now)
        _leave_note(paths, note_path, note, manifest, stats or [], started, {
            "generation": gen.name, "manifest": identity,
            "files": digest if digest is not None else note["files"],  # type: ignore[index]
            "format": fmt, "code": code, "gazetteer": gaz}, listed, sources)
    return Status(True, not reasons, reasons)


def _leave_note(paths: Paths, path: Path, note: dict[str, Any] | None,
                manifest: Manifest | None, stats: list[FileStat], started: int,
                fields: dict[str, Any], listed: str | None, sources: str | None) -> None:
    """Write the note of a check that found the index fresh (:func:`index_status`): after a
    full comparison (``manifest``: the one compared), or to add the listing's digest or the
    gazetteer files' to a note that vouched for the same files without them (its other
    entries carried over)."""
    young = freshnote.young_files(stats, started)
    if manifest is not None:
        # each young file's content, as it is now: the one the manifest has, or no note
        try:
            hashes = {rel: freshnote.content_hash(paths.root / rel) for rel in young}
        except OSError:
            return
        if any(manifest.files[rel].hash != h for rel, h in hashes.items()):
            return
        fields.update(related=manifest.related == RELATED_RULE,
                      articles=len(manifest.articles))
    else:
        assert note is not None
        hashes = note.get("young") or {}
        adds = ((listed is not None and note.get("listing") != listed)
                or (sources is not None and note.get("sources") != sources))
        if not adds or not set(young) <= set(hashes):
            return  # nothing to add, or a file young now that the note vouched for by time
        fields.update({k: note[k] for k in ("related", "articles", "sources", "listing")
                       if k in note})
    if hashes:
        fields["young"] = hashes
    if sources is not None:
        fields["sources"] = sources
    if listed is not None:
        fields["listing"] = listed
    fields["quick"] = freshnote.quick_key()
    try:
        archive_files.write_atomic(path, json.dumps(fields, sort_keys=True) + "\n")
    except OSError:
        pass  # a read-only build/: the next check compares with the manifest again


# --------------------------------------------------------------------------- update


@dataclass(slots=True)
class UpdateReport:
    """What an update did."""

    generation: Path | None
    full: bool = False
    analysed: list[str] = field(default_factory=list)  # ids analysed (new, changed, re-tagged)
    removed: list[str] = field(default_factory=list)
    retagged: list[str] = field(default_factory=list)  # subset of analysed: gazetteer change
    total: int = 0
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage
    #: per article id, the ids of its related articles, as this update has just written them
    #: to build/related.json (:func:`_write_related`): the site takes them from here instead
    #: of parsing that file again. None: not computed by this update, or ``mkdocs serve``
    #: (which keeps the lists themselves: :func:`kept_related`)
    related_ids: dict[str, list[str]] | None = None

    @property
    def changed(self) -> bool:
        return bool(self.full or self.analysed or self.removed)

    def summary(self) -> str:
        n = len(self.analysed)
        parts = [f"{n} article{'s' if n != 1 else ''} re-analysed"]
        if self.full:
            parts = [f"built from scratch, {n} article{'s' if n != 1 else ''} analysed"]
        if self.removed:
            parts.append(f"{len(self.removed)} removed")
        if self.retagged:
            parts.append(f"{len(self.retagged)} re-tagged after a gazetteer change")
        return ", ".join(parts) + f" ({self.total} in the index)"


def _affected_by_gazetteer(
    manifest: Manifest, entities: dict[str, str], gazetteer: Any, texts: dict[str, str]
) -> set[str]:
    """Article ids whose entity tagging a gazetteer change can alter (a superset)."""
    from archive.analysis import normalize
    from archive.gazetteer.matcher import name_tokens

    old, new = manifest.entities, entities
    changed = {k for k in set(old) | set(new) if old.get(k) != new.get(k)}
    hit = {aid for aid, info in manifest.articles.items() if changed & set(info["entities"])}
    names = [
        name_tokens(n) for k in sorted(changed) if k in gazetteer.entities
        for n in gazetteer.entities[k].names
    ]
    names = [toks for toks in names if toks]
    for aid, text in texts.items():
        if aid in hit:
            continue
        norm = normalize(text)
        if any(all(tok in norm for tok in toks) for toks in names):
            hit.add(aid)
    return hit


def update_index(paths: Paths, *, rebuild: bool = False, workers: int | None = None,
                 related: bool = True,
                 analysed: Analysis | Sequence[AnalyzedArticle] | None = None,
                 scanned: list[FileStat] | None = None) -> UpdateReport:
    """Bring the index up to date with seeds/ and the gazetteer (see module docstring).

    ``related=False`` skips the related-articles computation (it reads the whole index); the
    manifest then records that ``related.json`` is stale and the next update with
    ``related=True`` (``archive index``, the site build) computes it.

    ``analysed``: the build's :class:`~archive.records.Analysis` (the site build), or articles
    the caller has analysed already; an article whose content hash matches is taken from there
    instead of being analysed again. The others go through :func:`archive.pipeline.analyse`,
    which reuses the records kept in build/analysis/. Articles are written to the index one at a
    time (never all tokens in memory).

    ``scanned``: :func:`article_stats`, when the caller has just read them."""
    t0 = time.perf_counter()
    # (the collector paused: an update makes hundreds of thousands of objects that live to
    # its end, the manifest's, docs.json's and related.json's rows; its collections walked
    # the caller's corpus and analysis too: 1.2 of 2.6 CPU s after one edit at 29,904)
    with update_lock(paths), paused_gc():
        report = _update_locked(paths, rebuild, workers, related, analysed, scanned)
    report.seconds = time.perf_counter() - t0
    return report


def _update_locked(paths: Paths, rebuild: bool, workers: int | None, related: bool,
                   given: Analysis | Sequence[AnalyzedArticle] | None,
                   scanned: list[FileStat] | None = None) -> UpdateReport:
    from archive.pipeline import Timings, load

    timings = Timings()
    lap = timings.lap
    prev_gen = current_generation(paths)
    prev = None if rebuild else read_manifest(prev_gen)
    code = code_fingerprint()
    if prev is not None and (prev.format != INDEX_FORMAT or prev.code != code):
        prev = None
    # a full build loads every article first: the files are not read again to be hashed
    loaded = load(paths) if prev is None else None
    files = scan_files(paths, prev, scanned, None if loaded is None else
                       {a.path: a.content_hash for a in loaded.articles})
    stems = [_stem(rel) for rel in files]
    if prev is not None and len(set(stems)) != len(stems):
        prev = None  # two files with one id: let the corpus loader report it on a full load
    removed: set[str] = set()
    if prev is None:
        if loaded is None:
            loaded = load(paths)
        articles = {a.id: a for a in loaded.articles}
        todo = set(articles)
        lap("load")
        entities = entity_fingerprints(loaded.gazetteer)
    else:
        # only the files that changed are read and parsed again
        changed = sorted(rel for rel, st in files.items()
                         if rel not in prev.files or prev.files[rel].hash != st.hash)
        # no article added, edited or deleted and the gazetteer as the index has it (by its
        # kept fingerprint): nothing is read, not even the gazetteer
        same = (not changed and len(files) == len(prev.files)
                and seeds_gazetteer_print(paths) == prev.gazetteer)
        loaded, failed = _load_some(paths, changed, None if same else load_gazetteer(paths))
        articles = {a.id: a for a in loaded.articles}
        todo = set(articles)
        removed = {aid for aid, info in prev.articles.items()
                   if info["path"] not in files or aid in failed}
        entities = prev.entities if same else entity_fingerprints(loaded.gazetteer)
        if gazetteer_fingerprint(entities) != prev.gazetteer:
            texts = {aid: _read_text(paths.root / info["path"])
                     for aid, info in prev.articles.items()
                     if aid not in todo and aid not in removed}
            retag = _affected_by_gazetteer(prev, entities, loaded.gazetteer, texts)
            more, _ = _load_some(paths, sorted(prev.articles[a]["path"] for a in retag),
                                 loaded.gazetteer)
            loaded.articles += more.articles
            articles.update((a.id, a) for a in more.articles)
            report_retag = sorted(retag & set(articles))
            todo |= set(report_retag)
        else:
            report_retag = []
        lap("load")
    gaz = gazetteer_fingerprint(entities)
    report = UpdateReport(prev_gen, full=prev is None, problems=list(loaded.problems),
                          stages=timings.stages)

    if prev is not None:
        report.retagged = report_retag
        if not todo and not removed:
            assert prev_gen is not None
            dirty = files != prev.files or gaz != prev.gazetteer
            if related and (prev.related != RELATED_RULE
                            or not (paths.build / RELATED).is_file()):
                report.related_ids = _write_related(paths, prev_gen)
                prev.related, dirty = RELATED_RULE, True
                lap("related")
            if dirty:
                # nothing to re-index (e.g. a touched file, an unused gazetteer edit): record
                # the new state in place; the index itself is unchanged.
                prev.files, prev.gazetteer, prev.entities = files, gaz, entities
                _write_atomic(prev_gen / MANIFEST, prev.to_json())
                _keep_manifest(prev_gen / MANIFEST, prev)
            report.total = len(prev.articles)
            return report

    source, source_columns = _analysed_sources(loaded, articles, todo, None if rebuild else given,
                              prev is None, workers, timings, reuse=not rebuild)
    lap("analyze")

    sdir = search_dir(paths)
    number = (prev.generation if prev else _max_generation(sdir)) + 1
    gen = sdir / f"gen-{number:06d}"
    if gen.exists():
        shutil.rmtree(gen)
    if prev is not None and prev_gen is not None:
        # Whoosh never rewrites a file it has written (new segments and a new TOC get new
        # names), so hard links give the new generation a copy for free.
        shutil.copytree(prev_gen, gen, copy_function=os.link,
                        ignore=shutil.ignore_patterns(MANIFEST, RELATED, RELATED_INDEX, META,
                                                     META_INDEX, FEATURES, _FEATURE_CHUNKS,
                                                     "*.tmp",
                                                     "*LOCK"))
        ix = whoosh_index.open_dir(str(gen))
    else:
        gen.mkdir(parents=True)
        ix = whoosh_index.create_in(str(gen), make_schema())
    before = _segment_ids(ix)

    manifest = Manifest(
        code=code, gazetteer=gaz, entities=entities, files=files, generation=number,
        articles={} if prev is None else {k: v for k, v in prev.articles.items()
                                          if k not in removed and k not in todo},
    )
    # ArchiveWriter (writer.py): Whoosh's segment files, written from the token streams with
    # less work per posting; terms in at most 8 articles keep their postings in the term
    # table. Uncompressed posting blocks and stored fields: commits about 2.5x faster for an
    # index about a third larger. Separate files, not one compound file per segment: Whoosh
    # copies a compound file's parts into memory on every open (~90 ms per 150 articles),
    # while plain files open in about a millisecond (measured on 150 synthetic articles).
    # the features of the previous generation, updated below article by article (None: the
    # previous generation has none, they are read from the index once it is written)
    previous = (_read_features(prev_gen) if prev is not None and prev_gen is not None
                else FeatureTable.from_dict({}))
    # the new rows: only they are read feature by feature (FeatureTable.replace); the related
    # lists the changes can alter are computed again (related.update_related)
    rows = FeatureRows()
    # a cold build's docs.json rows, as the documents are added (their numbers: 0, 1, ...),
    # instead of read back from every document's stored fields (the text included)
    written = _Rows() if prev is None and not before else None
    writer = ArchiveWriter(ix)
    try:
        for aid in sorted(todo | removed):
            writer.delete_by_term("id", aid)
        # one article at a time: its tokens are rebuilt, written and dropped
        for aid in sorted(todo):
            # from the record's columns when there is one (no Token per body token)
            cols = source_columns(aid)
            if cols is not None:
                cdoc = ColumnDoc.from_columns(cols)
                fields = cdoc.fields()
                writer.add_document(**fields)
                if previous is not None:
                    rows.add_counts(cdoc.id, cdoc.feature_counts())
                mentions = cols.summary.mentions
                del cols
                doc: IndexDoc | ColumnDoc = cdoc
            else:
                aa = source(aid)
                doc = IndexDoc.from_analyzed(aa)  # the title's tokens come with the analysis
                fields = doc.fields()
                writer.add_document(**fields)
                if previous is not None:
                    rows.add(doc.id, fields["root"].items, fields["entity"].items)
                mentions = aa.mentions
            keys = {m.entity for m in mentions} | set(doc.places) | set(doc.actors)
            if written is not None:
                written.add(tuple(map(fields.get, _META_FIELDS)))
            manifest.articles[doc.id] = {"hash": doc.content_hash, "path": doc.path,
                                         "entities": sorted(keys)}
        lap("write")
        # An update adds one segment and leaves the older ones as they are (Whoosh's default
        # merges small segments on every commit, rewriting them on the critical path); only
        # when MERGE_AT segments have piled up are the small ones merged, so a reader never
        # has many to open.
        writer.commit(merge=prev is None or _segment_count(ix) >= MERGE_AT)
    except BaseException:
        writer.cancel()
        raise
    lap("commit")

    spliced = (_docs_spliced(ix, prev_gen, before, todo | removed)
               if prev is not None and prev_gen is not None and _KEPT is None
               and previous is not None else None)
    if spliced is not None:  # docs.json's other entries taken over as text
        meta: dict[int, dict[str, Any]] = {}
        _write_docs(gen, *spliced)
    else:
        meta = _docs_meta(ix, prev_gen if prev is not None else None, before,
                          todo | removed, written)
        _write_docs(gen, *_docs_entries(meta))
        _keep(gen / META, meta)
    del written
    if previous is None:
        feats = FeatureTable.from_dict(
            index_features(ix, {num: row["id"] for num, row in meta.items()}))
    elif not previous.ids and not removed:  # a first build: the rows alone, from arrays
        feats = rows.table()
    else:
        feats = previous.replace(rows.as_dict(), removed)
    ix.close()
    # the chunks of rows no change touched are linked from the previous generation, when
    # its features are the table this one was made from
    _write_features(gen, feats, None if previous is None or prev is None or prev_gen is None
                    else (prev_gen, todo | removed))
    # neither is needed any more: let them go before the related step's matrices are made
    # (at 29,904 articles the rows alone are tens of megabytes). After features.bin: marshal
    # writes a string held elsewhere as a reference, so the bytes stay those of c72c10d.
    del meta, rows
    lap("meta")
    ids = None
    if related:
        ids = _write_related(paths, gen, publish=False, feats=feats,
                       previous=None if previous is None or prev is None or prev_gen is None
                       or prev.related != RELATED_RULE else (previous, prev_gen))
        manifest.related = RELATED_RULE
        lap("related")
    _write_atomic(gen / MANIFEST, manifest.to_json())
    _keep_manifest(gen / MANIFEST, manifest)
    _write_atomic(sdir / CURRENT, gen.name + "\n")
    if related:
        kept = _recall(gen / RELATED)
        _publish(gen / RELATED, paths.build / RELATED)
        if kept is not None:
            _keep(paths.build / RELATED, kept[1])
        report.related_ids = ids
    _prune(sdir, keep={gen.name, prev_gen.name if prev_gen else ""})
    if prev_gen is not None:
        _forget(prev_gen)  # the next update reads this generation's files

    report.generation = gen
    report.analysed = sorted(todo)
    report.removed = sorted(removed)
    report.total = len(manifest.articles)
    return report


#: Segments an update lets pile up before it merges the small ones (see _update_locked).
MERGE_AT = 12


def _segment_ids(ix: Any) -> list[tuple[str, int]]:
    """Each segment's id and document count (deleted documents included), in order."""
    try:
        return [(s.segment_id(), s.doc_count_all()) for s in ix._segments()]
    except (AttributeError, OSError):
        return []


class _Rows:
    """Rows of values kept as marshal bytes in one buffer: no object per row while the index
    is written (small objects kept from then on would pin the memory of what the write let
    go of: 11 MB more at the related step's peak, 9,504 articles)."""

    def __init__(self) -> None:
        self._data = bytearray()
        self._ends = array("q")

    def __len__(self) -> int:
        return len(self._ends)

    def add(self, row: tuple[Any, ...]) -> None:
        self._data += marshal.dumps(row)
        self._ends.append(len(self._data))

    def rows(self) -> Iterator[tuple[Any, ...]]:
        view = memoryview(self._data)
        start = 0
        for end in self._ends:
            yield marshal.loads(view[start:end])
            start = end


def _docs_meta(ix: Any, prev_gen: Path | None, before: list[tuple[str, int]],
               changed: set[str], written: _Rows | None = None,
               ) -> dict[int, dict[str, Any]]:
    """Per live document number, its :data:`_META_FIELDS` (docs.json). A document's number is
    its segment's offset plus its place in the segment, and a segment never changes: the
    documents of every segment of ``prev_gen`` (``before``: ids and counts) that is still
    there, after an update that only appended one or after a merge of the small ones (which
    also moves the segments it leaves), have their rows taken from the previous docs.json,
    renumbered, without the ``changed`` ids; only the other segments' stored fields are read.
    Without the previous docs.json every document's are, unless ``written`` gives them: the
    :data:`_META_FIELDS` values of every document of a new index, in the order they were
    added (used if the index holds just those documents, none deleted)."""
    with ix.reader() as reader:
        if (written is not None and not before and reader.doc_count_all() == len(written)
                and reader.doc_count() == len(written)):
            return {num: dict(zip(_META_FIELDS, row, strict=True))
                    for num, row in enumerate(written.rows())}
        old: dict[int, dict[str, Any]] | None = None
        if prev_gen is not None and before:
            old = _read_meta(prev_gen)  # not changed here: a new dict is made below
        if old is not None:
            was: dict[str, tuple[int, int]] = {}  # segment id → (offset before, count)
            offset = 0
            for sid, count in before:
                was[sid] = (offset, count)
                offset += count
            meta: dict[int, dict[str, Any]] = {}
            offset = 0
            for sid, count in _segment_ids(ix):
                same = was.get(sid)
                if same is not None and same[1] == count:
                    for n in range(count):
                        row = old.get(same[0] + n)
                        if row is not None and row.get("id") not in changed:
                            meta[offset + n] = row
                else:
                    for num in range(offset, offset + count):
                        if not reader.is_deleted(num):
                            fields = reader.stored_fields(num)
                            meta[num] = {k: fields.get(k) for k in _META_FIELDS}
                offset += count
            if (offset == reader.doc_count_all() and len(meta) == reader.doc_count()
                    and all(not reader.is_deleted(n) for n in meta)):
                return dict(sorted(meta.items()))
        return {num: {k: fields.get(k) for k in _META_FIELDS}
                for num, fields in reader.iter_docs()}


def _docs_entries(meta: dict[int, dict[str, Any]]) -> tuple[list[int], list[str], list[str]]:
    """docs.json's entries of ``meta`` (number order): numbers, ids and texts, which
    :func:`_write_docs` joins into ``json.dumps(meta, ensure_ascii=False, sort_keys=True)``.
    Under :func:`remember` (``mkdocs serve``), a row that is the very object encoded by the
    previous update (:func:`_docs_meta` takes the unchanged rows over as they are; a row is
    never changed in place) is not encoded again (9,504 encodings a reload at 9,504)."""
    encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
    nums = sorted(meta)
    if _KEPT is None:
        return nums, [meta[n]["id"] for n in nums], [f'"{n}": {encode(meta[n])}' for n in nums]
    last, made = _DOCS_TEXT.get("rows", {}), {}
    texts = []
    for n in nums:
        row = meta[n]
        hit = last.get(id(row))
        text = hit[1] if hit is not None and hit[0] is row else encode(row)
        made[id(row)] = (row, text)
        texts.append(f'"{n}": {text}')
    _DOCS_TEXT["rows"] = made
    return nums, [meta[n]["id"] for n in nums], texts


def _write_docs(gen: Path, nums: list[int], ids: list[str], parts: list[str]) -> None:
    """docs.json from its entries, and its index (:data:`META_INDEX`)."""
    text = "{" + ", ".join(parts) + "}\n"
    lengths = array("q", map(len, parts))
    starts, at = array("q"), 1
    for n in lengths:
        starts.append(at)
        at += n + 2
    archive_files.write_atomic(gen / META_INDEX, index_bytes(
        META_INDEX_FORMAT, text, array("q", nums).tobytes(), ids, starts.tobytes(),
        lengths.tobytes()))
    _write_atomic(gen / META, text)


def _read_docs_index(gen: Path) -> tuple[str, list[int], list[str], list[int], list[int]] | None:
    """docs.json's text with its index: numbers, ids, starts and lengths of its entries
    (None when either is missing or they do not match)."""
    try:
        text = (gen / META).read_text(encoding="utf-8")
        fields = index_fields((gen / META_INDEX).read_bytes(), META_INDEX_FORMAT, text, 4)
        if fields is None:
            return None
        nums, ids, starts, lengths = fields
        if type(ids) is not list:
            return None
        nums_l, starts_l = array("q", nums).tolist(), array("q", starts).tolist()
        lengths_l = array("q", lengths).tolist()
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if not (len(nums_l) == len(ids) == len(starts_l) == len(lengths_l)):
        return None
    if nums_l and (text[starts_l[-1] + lengths_l[-1]:] != "}\n"
                   or not text.startswith(f'{{"{nums_l[0]}": ')):
        return None
    return text, nums_l, ids, starts_l, lengths_l


def _docs_spliced(ix: Any, prev_gen: Path, before: list[tuple[str, int]], changed: set[str],
                  ) -> tuple[list[int], list[str], list[str]] | None:
    """docs.json's entries after an update that kept every segment of ``prev_gen`` in place
    (``before``) and added others: the previous entries as text, without those of the
    ``changed`` ids, and the new segments' documents read from their stored fields. None
    when the segments moved (a merge) or the previous docs.json has no usable index: then
    :func:`_docs_meta`."""
    now = _segment_ids(ix)
    if not before or now[:len(before)] != before:
        return None
    found = _read_docs_index(prev_gen)
    if found is None:
        return None
    text, nums, ids, starts, lengths = found
    offset = sum(count for _, count in before)
    encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
    out_nums: list[int] = []
    out_ids: list[str] = []
    parts: list[str] = []
    with ix.reader() as reader:
        is_deleted = reader.is_deleted
        for num, aid, start, length in zip(nums, ids, starts, lengths, strict=True):
            if aid in changed:
                continue
            if num >= offset or is_deleted(num):
                return None  # not what the previous generation's index holds
            part = text[start:start + length]
            if not part.startswith(f'"{num}": {{'):
                return None
            out_nums.append(num)
            out_ids.append(aid)
            parts.append(part)
        for num in range(offset, reader.doc_count_all()):
            if not is_deleted(num):
                fields = reader.stored_fields(num)
                row = {k: fields.get(k) for k in _META_FIELDS}
                out_nums.append(num)
                out_ids.append(row["id"])
                parts.append(f'"{num}": {encode(row)}')
        if len(parts) != reader.doc_count():
            return None
    return out_nums, out_ids, parts


def _segment_count(ix: Any) -> int:
    try:
        return len(ix._segments())
    except (AttributeError, OSError):
        return MERGE_AT


def _analysed_source(loaded: Any, articles: dict[str, Any], todo: set[str],
                     given: Analysis | Sequence[AnalyzedArticle] | None, complete: bool,
                     workers: int | None, timings: Any, reuse: bool = True,
                     ) -> Callable[[str], AnalyzedArticle]:
    """A function giving the analysed article of each id in ``todo`` (built on demand): from
    ``given`` when it was analysed from the same file content, else from
    :func:`archive.pipeline.analyse` (records kept in build/analysis/, analysed when stale)."""
    return _analysed_sources(loaded, articles, todo, given, complete, workers, timings,
                             reuse)[0]


def _analysed_sources(loaded: Any, articles: dict[str, Any], todo: set[str],
                      given: Analysis | Sequence[AnalyzedArticle] | None, complete: bool,
                      workers: int | None, timings: Any, reuse: bool = True,
                      ) -> tuple[Callable[[str], AnalyzedArticle],
                                 Callable[[str], ArticleColumns | None]]:
    """:func:`_analysed_source`'s function, and one giving the same article as its analysis
    record's columns (:func:`archive.index.columns.article_columns`; None: it has no record, e.g.
    an article given already analysed: take the article)."""
    from archive.index.columns import article_columns
    from archive.pipeline import analyse

    def same(aid: str, article: Any) -> bool:
        return article.content_hash == articles[aid].content_hash

    ready: dict[str, AnalyzedArticle] = {}
    given_analysis = given if isinstance(given, Analysis) else None
    if given_analysis is not None:
        usable = {aid for aid in todo if aid in given_analysis
                  and same(aid, given_analysis.summaries[aid].article)}
    else:
        ready = {aa.article.id: aa for aa in (given or ())
                 if aa.article.id in todo and same(aa.article.id, aa.article)}
        usable = set(ready)
    rest = todo - usable
    fresh = None
    if rest:
        loaded.articles = [articles[aid] for aid in sorted(rest)]
        fresh = analyse(loaded, timings, workers, complete=complete and not usable, reuse=reuse)

    def get(aid: str) -> AnalyzedArticle:
        if aid in ready:
            return ready.pop(aid)
        if given_analysis is not None and aid in usable:
            return given_analysis.article(aid)
        assert fresh is not None
        return fresh.article(aid)

    def columns(aid: str) -> ArticleColumns | None:
        if aid in ready:
            return None
        if given_analysis is not None and aid in usable:
            return article_columns(given_analysis, aid)
        assert fresh is not None
        return article_columns(fresh, aid)

    return get, columns


def _read_meta(gen: Path) -> dict[int, dict[str, Any]] | None:
    """The stored fields of generation ``gen``'s documents by number (docs.json; kept under
    ``mkdocs serve``), None when unreadable."""
    kept = _recall(gen / META)
    if kept is not None:
        return kept[1]  # type: ignore[no-any-return]
    try:
        data = json.loads((gen / META).read_text(encoding="utf-8"))
        return {int(num): row for num, row in data.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return None


def _read_features(gen: Path) -> FeatureTable | None:
    """The features kept in generation ``gen`` (None when it has none, or unreadable: a
    directory damaged, a chunk missing or damaged (its size and CRC-32 kept in the
    directory), or rows not those the directory says)."""
    kept = _recall(gen / FEATURES)
    if kept is not None:
        return kept[1]  # type: ignore[no-any-return]
    try:
        listing = _read_features_dir(gen)
        if listing is None:
            return None
        names, entries, numbers = listing
        chunks = []
        for entry, nums in zip(entries, numbers, strict=True):
            data = (gen / entry[0]).read_bytes()
            # (its CRC-32, not its SHA-256 name again: ~13 vs ~30 ms at 29,904 articles)
            if len(data) != entry[4] or zlib.crc32(data) != entry[6]:
                return None
            chunks.append((data, nums))
        table = FeatureTable.from_chunks(names, chunks)
        del chunks
        # each chunk's rows those its entry says (a chunk linked by the next update is found
        # by them); where they end is not checked against chunk_ends: the format says so
        lo, ids = 0, table.ids
        for entry in entries:
            hi = lo + entry[3]
            if entry[3] < 1 or hi > len(ids) or (ids[lo], ids[hi - 1]) != entry[1:3]:
                return None
            lo = hi
        return table if lo == len(ids) else None
    except (OSError, ValueError, TypeError, IndexError):
        return None


#: a chunk's entry in features.bin: its file's name, its first and last ids, its number of
#: rows, its size, its number of names and its CRC-32
_ChunkEntry = tuple[str, str, str, int, int, int, int]


def _read_features_dir(gen: Path) -> tuple[list[str], list[_ChunkEntry], list[Any]] | None:
    """features.bin of ``gen``: the table's names, per chunk (in order) its entry, and per
    chunk the numbers of its names into the table's (None when not one, or damaged: the
    directory ends with the CRC-32 of what it holds)."""
    import numpy as np

    try:
        data = (gen / FEATURES).read_bytes()
        body = memoryview(data)[len(_FEATURES_MAGIC):-4]
        if (data[:len(_FEATURES_MAGIC)] != _FEATURES_MAGIC
                or zlib.crc32(body) != int.from_bytes(data[-4:], "big")):
            return None
        names, entries, kind, packed = marshal.loads(body)
        entries = [tuple(e) for e in entries]
        flat = np.frombuffer(packed, dtype=kind)
        ends = np.cumsum([e[5] for e in entries], dtype=np.int64).tolist()
        if (ends[-1] if ends else 0) != len(flat):
            return None
        return names, entries, [flat[lo:hi] for lo, hi in zip([0, *ends[:-1]], ends,
                                                                strict=True)]
    except (OSError, ValueError, TypeError, EOFError, IndexError):
        return None


#: what features.bin starts with (its format's version), before the directory (marshal)
_FEATURES_MAGIC = f"archive-features {FEATURES_FORMAT}\n".encode()


def _chunk_name(data: bytes) -> str:
    """The file name of a chunk of features.bin: from its bytes (an unchanged chunk keeps its
    name from generation to generation; a changed one never takes the name of another)."""
    return f"features-{hashlib.sha256(data).hexdigest()[:24]}.bin"  # (SHA-NI: ~1 GB/s)


def _write_features(gen: Path, feats: FeatureTable,
                    reuse: tuple[Path, set[str]] | None = None) -> None:
    """features.bin (the directory) and its chunks. ``reuse``: the previous generation, whose
    features ``feats`` was made from (:meth:`FeatureTable.replace`), and the ids changed
    since (added, edited or removed): a chunk of the same rows, none of them changed, is
    linked from there, not made again, and its names numbered anew from the old numbers."""
    import numpy as np

    from archive.index.related import _narrow

    old: dict[str, tuple[_ChunkEntry, Any]] = {}
    changed: list[str] = []
    renumber = feats.renumbering() if reuse is not None else None
    if reuse is not None and renumber is not None:
        listing = _read_features_dir(reuse[0])
        if listing is not None:
            old = {e[1]: (e, nums) for e, nums in zip(listing[1], listing[2], strict=True)}
            changed = sorted(reuse[1])
    ids = feats.ids
    entries: list[_ChunkEntry] = []
    numbers = []
    lo = 0
    for hi in chunk_ends(ids):
        first, last, count = ids[lo], ids[hi - 1], hi - lo
        entry = None
        was = old.get(first)
        if was is not None and was[0][2] == last and was[0][3] == count:
            k = bisect_left(changed, first)
            nums = renumber[was[1]] if k == len(changed) or changed[k] > last else None
            if nums is not None and (not len(nums) or int(nums.min()) >= 0):
                try:  # no changed id among its rows: the same chunk
                    os.link(reuse[0] / was[0][0], gen / was[0][0])  # type: ignore[index]
                    entry = was[0]
                except FileExistsError:
                    entry = was[0]
                except OSError:
                    pass
        if entry is None:
            data, nums = feats.chunk(lo, hi)
            name = _chunk_name(data)
            archive_files.write_atomic(gen / name, data)
            entry = (name, first, last, count, len(data), len(nums), zlib.crc32(data))
        entries.append(entry)
        numbers.append(nums)
        lo = hi
    body = marshal.dumps((feats.names, [list(e) for e in entries], *_narrow(
        np.concatenate(numbers) if numbers else np.zeros(0, dtype=np.int64))), 2)
    # after its chunks: a directory names only chunks already written
    archive_files.write_atomic(gen / FEATURES, b"".join(
        (_FEATURES_MAGIC, body, zlib.crc32(body).to_bytes(4, "big"))))
    _keep(gen / FEATURES, feats)


def _write_related(paths: Paths, gen: Path, publish: bool = True,
                   feats: FeatureTable | None = None,
                   previous: tuple[FeatureTable, Path] | None = None,
                   ) -> dict[str, list[str]] | None:
    """Compute related articles of generation ``gen``: ``gen/related.json`` (and, when
    ``publish``, build/related.json), from ``feats`` or the generation's features (read from
    its index when it has none). ``previous``: the features of the previous generation and
    its directory, whose related.json is then updated for what changed instead of computed
    again (the same result). Returns the related ids written (:func:`related.id_lists`) for
    the site to take over (:attr:`UpdateReport.related_ids`), or None under ``mkdocs serve``
    (which keeps the lists themselves: :func:`kept_related`)."""
    from archive.index.related import (
        id_lists,
        related_file_data,
        related_from_features,
        update_related,
        write_related,
    )

    if feats is None:
        feats = _read_features(gen)
    if feats is None:
        ids_by_num = None
        try:
            meta = json.loads((gen / META).read_text(encoding="utf-8"))
            ids_by_num = {int(num): row["id"] for num, row in meta.items()}
        except (OSError, ValueError, KeyError, TypeError):
            pass  # read from the index itself
        ix = whoosh_index.open_dir(str(gen))
        try:
            feats = FeatureTable.from_dict(index_features(ix, ids_by_num))
        finally:
            ix.close()
        _write_features(gen, feats)
    old = (_read_related(previous[1], stored=_KEPT is None) if previous is not None
           else None)
    if _KEPT is None and old is None:
        # every list computed, in a one-shot process (nothing kept for later updates):
        # written as they are made, a chunk of articles at a time (related.write_related)
        with archive_files.atomic_file(gen / RELATED, binary=False, durable=True) as out:
            ids, index = write_related(feats, out)
            # the index first (see below), then the text is renamed into place
            if index is not None:
                archive_files.write_atomic(gen / RELATED_INDEX, index)
            else:
                (gen / RELATED_INDEX).unlink(missing_ok=True)
        feats.base = None
        if publish:
            paths.build.mkdir(parents=True, exist_ok=True)
            _publish(gen / RELATED, paths.build / RELATED)
        return ids
    if previous is not None and old is not None:
        related = update_related(previous[0], feats, old)
    else:
        related = related_from_features(feats)
    feats.base = None  # what it was made from is not needed any more (nor kept in memory)
    if _KEPT is not None:  # (mkdocs serve) a list computed again as it was is the one
        # written last time: related_json takes its text as it is (an edit computes again
        # the lists of every article sharing a feature with it: half of them at 9,504)
        if not isinstance(related, dict):
            related = dict(related)
        for aid, rows in related.items():
            hit = _WRITTEN.get(aid)
            if hit is not None and hit[0] is not rows and hit[0] == rows:
                related[aid] = hit[0]
    text, data, index = related_file_data(related, _WRITTEN if _KEPT is not None else None)
    # the index first: a related.json newer than its index is found not to match it
    if index is not None:
        archive_files.write_atomic(gen / RELATED_INDEX, index)
    else:
        (gen / RELATED_INDEX).unlink(missing_ok=True)
    archive_files.write_atomic(gen / RELATED, data, durable=True)  # (its bytes, encoded once)
    del data
    _keep(gen / RELATED, (related, text))
    ids = id_lists(related) if _KEPT is None else None
    if publish:
        paths.build.mkdir(parents=True, exist_ok=True)
        _publish(gen / RELATED, paths.build / RELATED)
        _keep(paths.build / RELATED, (related, text))
    return ids


def _read_related(gen: Path, stored: bool = False,
                  ) -> dict[str, list[dict[str, Any]]] | StoredRelated | None:
    """Generation ``gen``'s related articles (None when missing or unreadable). ``stored``:
    as a :class:`~archive.index.related.StoredRelated` when related.json has its index
    (each list parsed only when asked for)."""
    kept = _recall(gen / RELATED)
    if kept is not None:
        return kept[1][0]  # type: ignore[no-any-return]
    try:
        # (its check from the bytes read: the index is checked without encoding it again)
        text, check = read_checked(gen / RELATED)
    except OSError:
        return None
    if stored:
        from archive.index.related import StoredRelated

        try:
            index = (gen / RELATED_INDEX).read_bytes()
        except OSError:
            index = None
        found = StoredRelated.load(text, index, check) if index is not None else None
        if found is not None:
            return found
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return ""


def _load_some(paths: Paths, rels: list[str], gazetteer: Any) -> tuple[Any, set[str]]:
    """``Loaded`` with the articles of the files ``rels`` only, and the ids that failed."""
    from archive.corpus.loader import load_file
    from archive.pipeline import Loaded

    articles, problems, failed = [], [], set()
    for rel in rels:
        article, found = load_file(paths.root / rel, paths)
        problems += found
        if article is None:
            failed.add(Path(rel).stem)
        else:
            articles.append(article)
    return Loaded(paths, articles, gazetteer, problems), failed


def _max_generation(sdir: Path) -> int:
    best = 0
    if sdir.is_dir():
        for p in sdir.glob("gen-*"):
            try:
                best = max(best, int(p.name[4:]))
            except ValueError:
                continue
    return best


def hold_generation(gen: Path) -> int:
    """Hold ``gen`` for reading: a shared lock on its folder, which :func:`_prune` does not
    remove while any reader holds it (Whoosh opens some files of a generation only when they
    are first read). The descriptor to give to :func:`release_generation`. Raises OSError when
    the generation is gone."""
    fd = os.open(gen, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)  # waits while an update removes it
    except BaseException:
        os.close(fd)
        raise
    return fd


def release_generation(fd: int) -> None:
    os.close(fd)  # (lets go of the lock)


def _prune(sdir: Path, keep: set[str]) -> None:
    """Remove the generations not in ``keep``, but not one a reader holds
    (:func:`hold_generation`): a later update removes it."""
    for p in sorted(sdir.glob("gen-*")):
        if p.name in keep:
            continue
        try:
            fd = os.open(p, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # read from now: kept for a later update to remove
            shutil.rmtree(p, ignore_errors=True)
            _forget(p)
        finally:
            os.close(fd)


#: A manifest at least this large (bytes: ~6,600 articles) is not read only to tell whether
#: the related articles are the current rule's when the freshness note says so (see
#: _related_fresh); a smaller one costs less to read than the code's key the note is checked
#: with (freshnote.quick_key: ~3 MB of code and data hashed).
NOTE_OVER_MANIFEST = 2_000_000


def _related_fresh(paths: Paths) -> bool:
    """Whether the live generation's related articles were computed by the current rule and
    build/related.json is there. The freshness note says so (``related``) for the manifest
    file it names, when it was left by this code (``quick``: the related rule is part of it):
    then a large manifest, which lists every file (~0.5 s to read at 29,904 articles), is not
    read on a rebuild that changed nothing."""
    if not (paths.build / RELATED).is_file():
        return False
    gen = current_generation(paths)
    if gen is None:
        return False
    identity = _manifest_identity(gen)
    if len(identity) == 3 and identity[1] >= NOTE_OVER_MANIFEST:
        note = freshnote.read_note(paths)
        if (note is not None and note.get("related") is True
                and note.get("generation") == gen.name and note.get("manifest") == identity
                and note.get("quick") == freshnote.quick_key()):
            return True
    manifest = read_manifest(gen)
    return manifest is not None and manifest.related == RELATED_RULE


def published_related_ids(paths: Paths) -> dict[str, list[str]] | None:
    """build/related.json's related ids, as :func:`archive.site.model.read_related` gives
    them, from the live generation's index of that very text (related.idx, checked against
    the text by its length and CRC-32: each list as a row of numbers into the sorted ids, -1
    after the last; see :class:`~archive.index.related.StoredRelated`) rather than by parsing
    the JSON (~0.25 s at 29,904 articles, on a rebuild that changed nothing; the rows are read
    with ``array``, not numpy, which such a rebuild does not import otherwise). None when
    there is no index for that text (the caller parses it)."""
    import sys

    from archive.index.related import RELATED_INDEX_FORMAT
    from archive.index.textindex import index_fields

    gen = current_generation(paths)
    if gen is None:
        return None
    try:
        text = (paths.build / RELATED).read_text(encoding="utf-8")
        index = (gen / RELATED_INDEX).read_bytes()
    except (OSError, UnicodeDecodeError):
        return None
    fields = index_fields(index, RELATED_INDEX_FORMAT, text, 6)
    if fields is None:
        return None
    ids, _starts, _ends, top_k, nbr, _scores = fields
    if (type(ids) is not list or type(top_k) is not int or top_k < 1 or type(nbr) is not bytes
            or len(nbr) != 4 * top_k * len(ids) or not all(type(a) is str for a in ids)):
        return None
    rows = array("i", nbr)  # ("<i4")
    if sys.byteorder != "little":
        rows.byteswap()
    n = len(ids)
    if rows and max(rows) >= n:
        return None
    return {a: [ids[j] for j in rows[k * top_k:(k + 1) * top_k] if j >= 0]
            for k, a in enumerate(ids)}


def ensure_fresh(paths: Paths, related: bool = False,
                 analysed: Analysis | Sequence[AnalyzedArticle] | None = None,
                 scanned: tuple[int, list[FileStat]] | None = None,
                 ) -> UpdateReport | None:
    """Update the index when it is missing or stale (or, with ``related``, when its related
    articles are not computed yet); return the report, or None if nothing had to be done.

    ``scanned``: ``(time.time_ns() before the scan, article_stats(paths))`` when the caller
    has them (the site build: from the corpus load's listing of seeds/)."""
    global _MANIFESTS
    if _KEPT is not None or _MANIFESTS is not None:
        return _ensure_fresh(paths, related, analysed, scanned)
    _MANIFESTS = {}
    try:
        return _ensure_fresh(paths, related, analysed, scanned)
    finally:
        _MANIFESTS = None


def _ensure_fresh(paths: Paths, related: bool,
                  analysed: Analysis | Sequence[AnalyzedArticle] | None,
                  scanned: tuple[int, list[FileStat]] | None) -> UpdateReport | None:
    if scanned is None:
        started = time.time_ns()
        stats = article_stats(paths)  # read once, for the check and the update
    else:
        started, stats = scanned
    if index_status(paths, scanned=(started, stats)).fresh:
        if not related or _related_fresh(paths):
            return None
    report = update_index(paths, related=related, analysed=analysed, scanned=stats)
    if report.changed and _KEPT is None:
        # what the first `archive search` would make (`mkdocs serve` leaves it to that search:
        # a reload is not made slower for a search that may not come)
        from archive.search.service import leave_for_search

        leave_for_search(paths)
    return report
