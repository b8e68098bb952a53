"""The parsed corpus kept between builds (build/corpus.pickle): each seed file's parse as a
pickle of its own, so that a build with one file changed pickles that file's parse only and
copies the others' bytes from the previous file (in the kernel where it can), instead of
pickling the whole corpus again (1-4 s at 30,000 articles).

Layout: the header (the state key and the code key, ASCII, :data:`HEAD` bytes), the parses'
pickles one after the other, then the index (marshal: names, stamps, offsets, lengths and
CRC-32s of the parses and of the whole) and its offset, length (8 bytes each) and CRC-32 (4
bytes), big-endian. Only a file this module wrote, whole and intact (the index tiles the
bytes between the header and the index exactly, and every piece has its CRC-32: a copied
parse keeps the one it was written with), is read; anything else gives no previous parse,
and every file is parsed again."""

from __future__ import annotations

import io
import logging
import marshal
import mmap
import os
import pickle
import zlib
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.collector import paused as paused_gc
from archive.files import atomic_file, copy_range, file_identity

log = logging.getLogger("mkdocs.plugins.archive")

#: the header's length: two hex SHA-256 digests and a space
HEAD = 129
FORMAT = b"corpus parses 3"
#: the index's offset and length (8 bytes each) and CRC-32 (4 bytes)
FOOT = 20


@dataclass(slots=True)
class _Stored:
    """What this process knows of the file as it last read or wrote it: its identity, and
    per file name the parse object it holds and where its pickle is."""

    identity: tuple[int, int, int]
    parses: dict[str, Any] = field(default_factory=dict)
    spans: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # offset, length, CRC


#: cache path → what it holds (see :class:`_Stored`)
_STORED: dict[str, _Stored] = {}


def forget(cache: Path) -> None:
    """Let go of what this process knows of ``cache`` (its parses: every article with its
    text). A process that loads the corpus once (`mkdocs build`) reads the file again before
    it writes it anyway (:func:`read` then :func:`save`): kept, the parses would hold every
    article's text to the end of the build after the build has let go of its own copies."""
    _STORED.pop(str(cache), None)




def read(cache: Path, code_key: str) -> tuple[str, dict[str, Any], Any]:
    """The key the file was written for, its parses (file name → ((size, mtime_ns), parse))
    and what :func:`save` was given as ``whole`` (None: nothing), when it was written by the
    same code (``code_key``); ("", {}, None) otherwise."""
    _STORED.pop(str(cache), None)
    try:
        with open(cache, "rb") as fh:
            head = fh.read(HEAD)
            if len(head) < HEAD or head[65:].decode("ascii") != code_key:
                return "", {}, None
            identity = file_identity(cache)
            # (the cycle collector paused: unpickling makes ~10 containers an article, none
            # of them garbage; with the collector on, a third of the time at 29,904 articles
            # went to its passes over them)
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm, paused_gc():
                size = len(mm)
                at = int.from_bytes(mm[size - FOOT:size - 12], "big")
                length = int.from_bytes(mm[size - 12:size - 4], "big")
                if at + length + FOOT != size or at < HEAD:
                    raise ValueError("no index")
                view = memoryview(mm)
                try:
                    if zlib.crc32(view[at:at + length]) != int.from_bytes(mm[size - 4:], "big"):
                        raise ValueError("a damaged index")
                    fmt, names, stamps, raw, whole_at, raw_crcs, whole_crc = marshal.loads(
                        view[at:at + length])
                    spans, crcs = array("Q"), array("I")
                    spans.frombytes(raw)
                    crcs.frombytes(raw_crcs)
                    if (fmt != FORMAT or len(names) != len(stamps)
                            or len(spans) != 2 * len(names) or len(crcs) != len(names)):
                        raise ValueError("another format")
                    for k in range(len(names)):
                        off, n = spans[2 * k], spans[2 * k + 1]
                        if off + n <= at and zlib.crc32(view[off:off + n]) != crcs[k]:
                            raise ValueError("a damaged parse")
                    if whole_at <= at and zlib.crc32(view[whole_at:at]) != whole_crc:
                        raise ValueError("a damaged corpus")
                finally:
                    view.release()
                pos = HEAD
                for k in range(len(names)):
                    if spans[2 * k] != pos:
                        raise ValueError("parses that do not tile the file")
                    pos += spans[2 * k + 1]
                if pos != whole_at or whole_at > at:
                    raise ValueError("parses that do not tile the file")
                parsed: dict[str, Any] = {}
                stored = _Stored(identity) if identity is not None else None
                for k, name in enumerate(names):
                    off, n = spans[2 * k], spans[2 * k + 1]
                    parse = pickle.loads(mm[off:off + n])
                    parsed[name] = (tuple(stamps[k]), parse)
                    if stored is not None:
                        stored.parses[name] = parse
                        stored.spans[name] = (off, n, crcs[k])
                whole = None
                if at > whole_at:  # the whole, its parses' first items named by file name
                    buf = io.BytesIO(mm[whole_at:at])
                    loader = pickle.Unpickler(buf)
                    loader.persistent_load = (  # type: ignore[method-assign]
                        lambda name: parsed[name][1][0])
                    whole = loader.load()
                    if buf.tell() != at - whole_at:
                        raise ValueError("bytes after the corpus")
    except (OSError, ValueError, EOFError, pickle.UnpicklingError, AttributeError,
            ImportError, IndexError, TypeError, UnicodeDecodeError, KeyError) as exc:
        if cache.exists():
            log.info("archive: %s not used (%s): every seed file parsed again", cache,
                     type(exc).__name__)
        return "", {}, None
    if stored is not None:
        _STORED[str(cache)] = stored
    return head[:64].decode("ascii"), parsed, whole


def save(cache: Path, key: str, code_key: str, parsed: dict[str, Any],
         dumps: Callable[[Any], bytes], whole: Any = None) -> None:
    """Write ``parsed`` (file name → (stamp, parse)) for ``key``: the pickle (``dumps``) of
    each parse the file there holds already (the same object, read or written by this
    process) copied from it, the others' made. ``whole``: what the parses make up (the
    corpus), pickled with each parse's first item (its article) named by its file name, so
    that a build with no file changed reads it back without making it again."""
    before = _STORED.pop(str(cache), None)
    if before is not None and before.identity != file_identity(cache):
        before = None  # written since by someone else
    names: list[str] = []
    stamps: list[tuple[int, int]] = []
    spans = array("Q")
    crcs = array("I")
    parses: dict[str, Any] = {}
    with atomic_file(cache) as fh, (open(cache, "rb") if before is not None
                                    else open(os.devnull, "rb")) as src:
        fh.write(f"{key} {code_key}".encode("ascii"))
        pos = HEAD
        run = [0, 0]  # old bytes still to copy (parses next to each other there)

        def flush() -> None:
            if run[1] > run[0]:
                copy_range(src, fh, run[0], run[1] - run[0])
            run[0] = run[1] = 0

        for name, (stamp, parse) in parsed.items():
            old = before.spans.get(name) if before is not None else None
            if old is not None and before is not None and before.parses.get(name) is parse:
                if run[1] != old[0]:
                    flush()
                    run[0] = old[0]
                run[1] = old[0] + old[1]
                n, crc = old[1], old[2]
            else:
                flush()
                data = dumps(parse)
                n, crc = fh.write(data), zlib.crc32(data)
            names.append(name)
            stamps.append(tuple(stamp))
            spans.append(pos)
            spans.append(n)
            crcs.append(crc)
            parses[name] = parse
            pos += n
        flush()
        whole_at = pos
        whole_crc = zlib.crc32(b"")
        if whole is not None:
            refs = {id(p[0]): name for name, (_, p) in parsed.items()
                    if isinstance(p, tuple) and p and p[0] is not None}
            buf = io.BytesIO()
            dumper = pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL)
            dumper.persistent_id = lambda obj: refs.get(id(obj))  # type: ignore[method-assign]
            dumper.dump(whole)
            data = buf.getvalue()
            pos += fh.write(data)
            whole_crc = zlib.crc32(data)
        index = marshal.dumps((FORMAT, names, stamps, spans.tobytes(), whole_at,
                               crcs.tobytes(), whole_crc))
        fh.write(index)
        fh.write(pos.to_bytes(8, "big") + len(index).to_bytes(8, "big")
                 + zlib.crc32(index).to_bytes(4, "big"))
    identity = file_identity(cache)
    if identity is not None:
        _STORED[str(cache)] = _Stored(identity, parses, {
            name: (spans[2 * k], spans[2 * k + 1], crcs[k]) for k, name in enumerate(names)})
