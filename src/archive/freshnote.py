"""The freshness note of the search index (``build/search/fresh.json``) and what it is checked
with, without importing the index code (Whoosh, the analyzer, the corpus loader).

:func:`archive.index.build.index_status` leaves the note when it finds the index fresh: the
manifest file it compared (generation, inode, size, mtime), a digest of the article files'
paths, sizes and mtimes (:func:`files_digest`), the code and gazetteer fingerprints, and what
``archive index`` needs to know it has nothing to do (:func:`unchanged`): whether the related
articles were computed by the current rule, the number of articles, the digest of the
gazetteer files the fingerprint was taken with (``sources``) and :func:`quick_key`. A file
written less than :data:`RACY_NS` before the check that left the note is vouched for by its
content hash (``young``), not by its size and mtime: a second write within the file system's
timestamp granularity keeps the mtime.
"""

from __future__ import annotations

import hashlib
import json
import os
from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path
from stat import S_ISREG
from typing import Any

from archive import files
from archive.config import Paths

#: The note, in build/search/.
FRESH = "fresh.json"
#: A file written less than this long before a check is not vouched for by its size and mtime
#: alone (a second write within the file system's timestamp granularity keeps the mtime).
RACY_NS = 2_000_000_000
ARTICLE_SUFFIXES = (".txt", ".md")
#: The files the gazetteer is read from (``archive.gazetteer.loader.FILES``; named here so
#: that checking the kept gazetteer does not import the YAML loader).
GAZETTEER_SOURCES = ("places.yml", "actors.yml")
#: The code whose change may change what ``archive index`` does with the same seeds/ and
#: index (a superset of the index's code fingerprint: the update itself, the related articles'
#: rule, the gazetteer's reading and fingerprints).
QUICK_PARTS = ("analysis", "corpus", "gazetteer", "index", "pipeline.py", "records.py",
               "config.py", "files.py", "freshnote.py")

#: One article file as a directory scan sees it: (path relative to the root, size, mtime_ns).
FileStat = tuple[str, int, int]


def article_stats(paths: Paths) -> list[FileStat]:
    """The files the corpus loader reads as articles (``*.txt``/``*.md`` directly in seeds/,
    symbolic links followed, dot files left out), in name order, with their size and mtime.

    One directory read and one ``stat`` per file (relative to the open folder): the path
    relative to the root is seeds/'s (resolved once) plus the file name, so only a symbolic
    link is resolved on its own (to the same path :meth:`Paths.rel` gives)."""
    seeds = paths.seeds
    try:
        fd = os.open(seeds, os.O_RDONLY | os.O_DIRECTORY)
    except (FileNotFoundError, NotADirectoryError):
        return []
    try:
        names: list[str] = []
        links: set[str] = set()
        with os.scandir(fd) as scan:
            for entry in scan:
                name = entry.name
                if not _article_name(name):
                    continue
                names.append(name)
                if entry.is_symlink():
                    links.add(name)
        names.sort()
        stat = os.stat

        def stats() -> Iterator[tuple[str, os.stat_result | None]]:
            for name in names:
                try:
                    yield name, stat(name, dir_fd=fd)
                except OSError:  # a broken link, or gone since the folder was read
                    yield name, None

        return _stats(paths, stats(), links)
    finally:
        os.close(fd)


def article_stats_of(paths: Paths,
                     scanned: Iterable[tuple[str, bool, os.stat_result | None]]
                     ) -> list[FileStat]:
    """:func:`article_stats` from a listing of seeds/ the caller has made already: each
    entry's name, whether it is a symbolic link, and its ``stat`` (links followed; None when
    it failed), as ``os.scandir`` gives them (``mkdocs serve``: the corpus load has just
    stat-ed every seed; 9,504 more stats at 9,504 articles otherwise)."""
    links: set[str] = set()
    found: list[tuple[str, os.stat_result | None]] = []
    for name, link, st in scanned:
        if _article_name(name):
            found.append((name, st))
            if link:
                links.add(name)
    found.sort(key=lambda pair: pair[0])
    return _stats(paths, found, links)


def _article_name(name: str) -> bool:
    return not name.startswith(".") and name.lower().endswith(ARTICLE_SUFFIXES)


def _stats(paths: Paths, found: Iterable[tuple[str, os.stat_result | None]],
           links: set[str]) -> list[FileStat]:
    """The regular files of ``found`` (article names in name order, with their stat) as
    :data:`FileStat`."""
    seeds = paths.seeds
    base, root = seeds.resolve(), paths.root.resolve()
    prefix: str | None = None
    if base.is_relative_to(root) and base != root:
        prefix = base.relative_to(root).as_posix() + "/"
    regular = S_ISREG
    out: list[FileStat] = []
    for name, st in found:
        if st is None or not regular(st.st_mode):
            continue
        rel = (prefix + name if prefix is not None and name not in links
               else paths.rel(seeds / name))
        out.append((rel, st.st_size, st.st_mtime_ns))
    return out


def files_digest(stats: list[FileStat]) -> str:
    """Digest of the article files' paths, sizes and mtimes."""
    h = hashlib.sha256("\0".join([rel for rel, _, _ in stats]).encode())
    h.update(array("q", [n for _, size, mtime in stats for n in (size, mtime)]).tobytes())
    return h.hexdigest()


def content_hash(path: Path) -> str:
    """The hash an index manifest keeps of an article file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def young_files(stats: list[FileStat], started: int) -> list[str]:
    """The files of ``stats`` written less than :data:`RACY_NS` before ``started``."""
    return [rel for rel, _, mtime in stats if mtime >= started - RACY_NS]


def young_unchanged(root: Path, young: Any) -> bool:
    """Whether each file of a note's ``young`` entry (path → content hash) has that content."""
    if not isinstance(young, dict):
        return False
    try:
        return all(content_hash(root / rel) == digest for rel, digest in young.items())
    except OSError:
        return False


def gazetteer_sources(paths: Paths) -> str:
    """Digest of the gazetteer files' bytes (a missing file counts as missing)."""
    h = hashlib.sha256(b"gazetteer sources 1\n")
    for name in GAZETTEER_SOURCES:
        h.update(f"\0{name}\0".encode())
        try:
            h.update((paths.seeds / name).read_bytes())
        except FileNotFoundError:
            h.update(b"\0missing")
    return h.hexdigest()


def quick_key() -> str:
    """Fingerprint of :data:`QUICK_PARTS`: a note left by other code vouches for nothing."""
    return files.fingerprint("archive index: nothing to do 1", QUICK_PARTS)


def read_note(paths: Paths) -> dict[str, Any] | None:
    try:
        note = json.loads((paths.build / "search" / FRESH).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return note if isinstance(note, dict) else None


def manifest_identity(manifest: Path) -> list[int]:
    """(inode, size, mtime_ns) of a generation's manifest: an update replaces it by renaming
    a new file over it, which changes all three."""
    try:
        st = manifest.stat()
    except OSError:
        return []
    return [st.st_ino, st.st_size, st.st_mtime_ns]


def unchanged(paths: Paths) -> tuple[Path, int] | None:
    """The live generation and its number of articles when the note says that ``archive
    index`` would find nothing to do: the same generation and manifest file, the same article
    files (by paths, sizes and mtimes; the young ones by content), the same gazetteer files,
    the related articles computed by the current rule and still in build/, and this code.
    None when the note cannot tell (then the index code decides)."""
    note = read_note(paths)
    if note is None or note.get("related") is not True:
        return None
    articles, sources = note.get("articles"), note.get("sources")
    if not isinstance(articles, int) or not isinstance(sources, str):
        return None
    search = paths.build / "search"
    try:
        name = (search / "CURRENT").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    gen = search / name
    if (not name or note.get("generation") != name
            or note.get("manifest") != manifest_identity(gen / "manifest.json")):
        return None
    if not (paths.build / "related.json").is_file():
        return None
    stats = article_stats(paths)
    if note.get("files") != files_digest(stats):
        return None
    stems = {rel.rpartition("/")[2].rpartition(".")[0] for rel, _, _ in stats}
    if len(stems) != len(stats):
        return None  # two files with one id: the index code reports it
    if not young_unchanged(paths.root, note.get("young", {})):
        return None
    if sources != gazetteer_sources(paths) or note.get("quick") != quick_key():
        return None
    return gen, articles
