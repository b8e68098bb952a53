"""The browser writer's shard states (``build/browser/shards/``) as records of one pack file
and its index, instead of a file per shard.

A cold build at 9,504 articles wrote 8,192 state files (one per shard), each created, written
and closed: creating a file costs about 0.1–0.2 ms of CPU here, as much as the marshalling of
the state it holds. Here a shard's state is a record of ``pack.bin``; ``index.bin`` says
where each shard's record is (offset and length per shard number, as 64-bit integers; -1: no
record). A rebuild puts the record of each shard it rewrites into the free space of the pack
(the smallest hole that holds it: the space between the records the index points at, and the
old records of the shards rewritten so far, never read again) or, when no hole is large
enough, appends it; it reads a shard's record with one ``pread`` on a file kept open. Only
when the records no longer pointed at still outweigh those that are (holes too small for the
records that grew) is the pack compacted (its live records rewritten in shard order). Records
were appended only until bw31: an add or delete rewrites the records of the hundreds to
thousands of shards it touches, whole, so the pack grew by about that much at every such
build and was copied whole every few builds (331 MB of live records at 29,904 articles); a
shard's new record is now mostly the size of its old one, and goes back where it was.

Writing in place is safe for the same reason the per-shard files were: the writer removes
``state.bin`` when a build starts and writes it only when the build ends, so a build that
fails leaves no state and the next one is cold (a fresh pack).
"""

from __future__ import annotations

import os
from array import array
from bisect import bisect_left, insort
from pathlib import Path

#: The pack's records and its index, in the shard state folder.
PACK = "pack.bin"
INDEX = "index.bin"
#: The files of a state folder (anything else there is swept after a full build).
NAMES = frozenset({PACK, INDEX})
#: Appended records gathered in memory up to this many bytes, then written at once.
FLUSH = 1 << 20
#: The pack is compacted when its dead bytes exceed its live bytes and this.
COMPACT_MIN = 1 << 22


class ShardPack:
    """The shard states of ``folder``: :meth:`get` a shard's record, :meth:`put` a new one,
    :meth:`close` to write the index (and compact). ``fresh``: start empty (a cold build)."""

    def __init__(self, folder: Path, fresh: bool) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.index = array("q")
        if not fresh:
            try:
                data = (folder / INDEX).read_bytes()
            except FileNotFoundError:
                data = b""
            if len(data) % (2 * self.index.itemsize):
                raise ValueError(f"browser state: {folder / INDEX} is damaged (remove the "
                                 "state folder for a cold build)")
            self.index.frombytes(data)
        flags = os.O_RDWR | os.O_CREAT | (os.O_TRUNC if fresh else 0)
        self.fd = os.open(folder / PACK, flags, 0o666)
        self.end = os.lseek(self.fd, 0, os.SEEK_END)
        if fresh and (folder / INDEX).exists():
            (folder / INDEX).unlink()
        self.written = self.end  # bytes of the file (the buffer comes after them)
        self.buffer = bytearray()
        #: the free space, as (length, offset) ascending (None: not listed yet, see
        #: :meth:`_holes`); only below ``written``
        self.holes: list[tuple[int, int]] | None = [] if fresh else None

    def get(self, k: int) -> bytes | None:
        """Shard ``k``'s record (None: none)."""
        if 2 * k + 1 >= len(self.index) or self.index[2 * k] < 0:
            return None
        offset, length = self.index[2 * k], self.index[2 * k + 1]
        if offset + length > self.written:
            self._flush()
        data = os.pread(self.fd, length, offset)
        if len(data) != length:
            raise ValueError(f"browser state: {self.folder / PACK} is damaged (remove the "
                             "state folder for a cold build)")
        return data

    def _holes(self) -> list[tuple[int, int]]:
        """The free space of the pack (between and after the records the index points at),
        listed once, at the first :meth:`put` of a pack that was opened, not made fresh; the
        free space at its end is given back (the next record appended goes there)."""
        if self.holes is None:
            spans = sorted((self.index[i], self.index[i + 1])
                           for i in range(0, len(self.index), 2) if self.index[i] >= 0)
            holes = []
            at = 0
            for offset, length in spans:
                if offset > at:
                    holes.append((offset - at, at))
                at = max(at, offset + length)
            self.holes = sorted(holes)
            self.end = self.written = at  # (the file is cut there when closed)
        return self.holes

    def put(self, k: int, data: bytes) -> None:
        """Shard ``k``'s record becomes ``data``: written into the smallest hole that holds
        it, or appended; its old record's space becomes a hole."""
        if 2 * k + 1 >= len(self.index):
            self.index.extend([-1, 0] * (k + 1 - len(self.index) // 2))
        holes = self._holes()
        old, old_length = self.index[2 * k], self.index[2 * k + 1]
        if old >= 0 and old_length and old + old_length <= self.written:
            insort(holes, (old_length, old))  # (never read again: the index moves on)
        size = len(data)
        at = bisect_left(holes, (size, -1)) if size else len(holes)
        if at < len(holes):
            length, offset = holes.pop(at)
            if length > size:
                insort(holes, (length - size, offset + size))
            os.pwrite(self.fd, data, offset)
            self.index[2 * k] = offset
            self.index[2 * k + 1] = size
            return
        self.index[2 * k] = self.end
        self.index[2 * k + 1] = size
        self.end += size
        self.buffer += data
        if len(self.buffer) >= FLUSH:
            self._flush()

    def _flush(self) -> None:
        if self.buffer:
            os.pwrite(self.fd, self.buffer, self.written)
            self.written += len(self.buffer)
            self.buffer.clear()

    def live(self) -> int:
        """The bytes of the records the index points at."""
        return sum(self.index[1::2])

    def close(self, shards: int | None = None, write: bool = True) -> None:
        """Write what is gathered and the index (of the shards below ``shards`` when given:
        the others are forgotten); compact the pack when most of it is dead. ``write``
        False: only let go of the file (a pack that was only read)."""
        if not write:
            os.close(self.fd)
            return
        self._flush()
        if shards is not None and len(self.index) > 2 * shards:
            del self.index[2 * shards:]
        # the free space after the last record is cut off
        self.end = max((self.index[i] + self.index[i + 1]
                        for i in range(0, len(self.index), 2) if self.index[i] >= 0), default=0)
        live = self.live()
        if self.end - live > max(live, COMPACT_MIN):
            self._compact()
        os.ftruncate(self.fd, self.end)
        os.close(self.fd)
        tmp = self.folder / f".{INDEX}.tmp"
        tmp.write_bytes(self.index.tobytes())
        os.replace(tmp, self.folder / INDEX)

    def _compact(self) -> None:
        """Rewrite the live records in shard order into a new pack that replaces this one."""
        tmp = self.folder / f".{PACK}.tmp"
        index = array("q", [-1, 0] * (len(self.index) // 2))
        at = 0
        with open(tmp, "wb") as out:
            for k in range(len(self.index) // 2):
                offset, length = self.index[2 * k], self.index[2 * k + 1]
                if offset < 0:
                    continue
                out.write(os.pread(self.fd, length, offset))
                index[2 * k], index[2 * k + 1] = at, length
                at += length
        os.close(self.fd)
        os.replace(tmp, self.folder / PACK)
        self.fd = os.open(self.folder / PACK, os.O_RDWR)
        self.index, self.end, self.written = index, at, at
        self.holes = []
