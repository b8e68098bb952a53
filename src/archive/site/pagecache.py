"""Article pages kept in build/ between builds: a page is rendered again only when what it
shows changed.

A page's HTML is stored with two digests:

* its **inputs**: the page's own context (the article, its related articles, its address, the
  site's name and options) and the fingerprint of the rendering code and templates;
* its **lookups**: every link, entity, count and "has a page" answer the templates asked for
  while rendering it, recorded as they were asked (so the key follows the templates, not a
  hand-kept list), with the answers they got.

On the next build the page is reused only when the inputs digest is equal and every recorded
lookup gives the same answer again; otherwise it is rendered (and recorded) afresh. A page that
iterates over a whole table cannot be keyed this way and is never stored.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import fields, is_dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from archive import files

#: 3: pages in packs, as marshal records; 2: shared objects digested as their fields' digest
FORMAT = 3
DIR_NAME = "pages"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of what turns a page's data into HTML: the site package's code and templates,
    the analysis and corpus code (what a page shows of an article) and the Jinja2 and
    MarkupSafe versions."""
    versions = " ".join(f"{name} {metadata.version(name)}" for name in ("jinja2", "markupsafe"))
    return files.fingerprint(f"pages {FORMAT} {versions}", ["site", "corpus", "analysis"],
                             skip=["static"])


#: Fields left out of a dataclass's digest, by class: an article view's ``related`` ids. An
#: article page gets its own related articles as the ``related`` list of its context (keyed
#: there); the related lists of the articles it links to do not show on it. (A root page's
#: ``related`` roots do show on it: they stay in its digest.) A listing's ``_orders`` and
#: ``_starts`` are its ids sorted by each ordering and where its pages begin, filled as pages
#: ask for them: what a page shows of them is its own items, keyed in its context.
_LEFT_OUT = {"ArticleView": frozenset({"related"}),
             "Listing": frozenset({"_orders", "_starts"})}

#: Classes whose objects many pages show (an article in lists, related lists and links; a
#: place or actor on every page naming it; a list on each of its pages; a root on its page,
#: and as its row on the root index): each stands in a digest as the digest of its fields,
#: computed once per build through a :class:`Memo`.
SHARED = frozenset({"ArticleView", "ArticleCard", "EntityView", "Listing", "RootPage",
                    "RootRow"})


_SCALARS = (str, int, float, bool, type(None))
#: their types exactly (a subclass, e.g. Markup, goes through :func:`stable`)
_EXACT_SCALARS = frozenset(_SCALARS)


@lru_cache(maxsize=256)
def _digested_fields(cls: type) -> tuple[str, ...] | None:
    """The fields of a dataclass that go into its digest; None for any other class."""
    if not is_dataclass(cls):
        return None
    left_out = _LEFT_OUT.get(cls.__name__, frozenset())
    return tuple(f.name for f in fields(cls) if f.name not in left_out)


class Memo:
    """Digests computed once per build: of the shared objects (by identity; each object is
    held so that its id is not reused) and of each lookup's answer. Valid only while the
    site's data does not change, i.e. for one build: make a new one for each."""

    def __init__(self) -> None:
        self.objects: dict[int, tuple[Any, tuple[str, str]]] = {}
        self.answers: dict[tuple[str, str], bytes] = {}
        #: the tags (see :func:`tag`) of the shared objects and articles each shared object's
        #: digest took in, by the object's id (kept with it in ``objects``)
        self.deps: dict[int, frozenset[str]] = {}
        #: the tags of what the digests since it was last set took in (``mkdocs serve``
        #: records per page what it shows: archive.site.plugin)
        self.touched: set[str] = set()
        #: the digests of the article cards (archive.site.model.ArticleCard), by the card's
        #: value: one per article, whose digest takes in nothing but its own tag "c:<id>",
        #: kept without the object-and-dependencies entry of the other shared objects (~440
        #: bytes less a card: 13 MB at 29,904 articles, through the pages)
        self.cards: dict[Any, tuple[str, str]] = {}

    def carried(self, classes: frozenset[str]) -> Memo:
        """A memo for the next build holding only the digests of the objects of ``classes``
        (names): objects that build takes over unchanged (``mkdocs serve`` keeps equal
        article and entity views between reloads), so their digests still hold. Answers are
        per build."""
        out = Memo()
        out.objects = {k: v for k, v in self.objects.items()
                       if type(v[0]).__name__ in classes}
        out.deps = {k: self.deps[k] for k in out.objects if k in self.deps}
        return out


def tag(value: Any) -> str | None:
    """What a shared object or an article stands for in a page's record of what it shows:
    "a:<id>" (an article, or its view), "c:<id>" (an article's card: what a list shows of it,
    archive.site.model.ArticleCard), "e:<key>" (a place or an actor), "l:<key>" (a list),
    "r:<root>" (a root page, or its row of the roots index); None for anything else."""
    name = type(value).__name__
    if name == "ArticleView":
        return f"a:{value.article.id}"
    if name == "ArticleCard":
        return f"c:{value.id}"
    if name == "EntityView":
        return f"e:{value.key}"
    if name == "Listing":
        return f"l:{value.key}"
    if name in ("RootPage", "RootRow"):  # a root's page, or its row of the roots index
        return f"r:{value.root}"
    return None


def _shared_digest(cls: type, inner: list[tuple[str, Any]]) -> tuple[str, str]:
    """A shared object's stand-in: its class name and the digest of its fields."""
    return (cls.__name__, hashlib.sha256(repr(inner).encode()).hexdigest())


def _fields(value: Any, names: tuple[str, ...], memo: Memo | None) -> list[tuple[str, Any]]:
    """``value``'s digested fields as (name, :func:`stable` value) pairs (a scalar as it is)."""
    exact = _EXACT_SCALARS
    return [(name, v if type(v := getattr(value, name)) in exact else stable(v, memo))
            for name in names]


def stable(value: Any, memo: Memo | None = None) -> Any:
    """``value`` made fit for a digest: an article (an object with a ``content_hash`` of its
    file) stands as its id, path and hash — what it was parsed from, by the code the
    fingerprint covers — instead of its whole text; dataclasses as their fields, and those of
    the :data:`SHARED` classes as the digest of their fields (the same with or without
    ``memo``; with one, computed once per object)."""
    if isinstance(value, _SCALARS):
        return value
    # (a scalar inside is taken as it is here, not through a call: ~200,000 calls fewer when
    # one edit leaves 300 root pages to check at 1,000 articles)
    exact = _EXACT_SCALARS
    if isinstance(value, list | tuple) and type(value) in (list, tuple):
        return [v if type(v) in exact else stable(v, memo) for v in value]
    if hasattr(value, "content_hash") and hasattr(value, "path"):
        if memo is not None:
            memo.touched.add(f"a:{value.id}")
        return ("article", value.id, value.path, value.content_hash)
    cls = type(value)
    names = _digested_fields(cls)
    if names is not None:
        if cls.__name__ not in SHARED:
            return (cls.__name__, _fields(value, names, memo))
        if memo is None:
            return _shared_digest(cls, _fields(value, names, None))
        if cls.__name__ == "ArticleCard":  # (see Memo.cards: the same digest and tags)
            memo.touched.add(f"c:{value.id}")
            card = memo.cards.get(value)
            if card is None:
                card = memo.cards[value] = _shared_digest(
                    cls, _fields(value, names, None))
            return card
        hit = memo.objects.get(id(value))
        if hit is not None and hit[0] is value:
            memo.touched |= memo.deps.get(id(value), frozenset())
            return hit[1]
        outer, memo.touched = memo.touched, set()
        out = _shared_digest(cls, _fields(value, names, memo))
        own = tag(value)
        if own is not None:
            memo.touched.add(own)
        memo.objects[id(value)] = (value, out)
        memo.deps[id(value)] = frozenset(memo.touched)
        memo.touched = outer | memo.touched
        return out
    if isinstance(value, dict):
        return [(stable(k, memo), stable(v, memo)) for k, v in value.items()]
    if isinstance(value, list | tuple):
        return [stable(v, memo) for v in value]
    return value


class Lookups:
    """Records the lookups one page's rendering makes, and answers them from the live data."""

    def __init__(self, answer: Callable[[str, str], Any], memo: Memo | None = None) -> None:
        self.answer = answer
        self.memo = memo
        self.asked: set[tuple[str, str]] = set()
        self.whole = False

    def ask(self, kind: str, key: str) -> Any:
        self.asked.add((kind, key))
        return self.answer(kind, key)

    def mapping(self, kind: str, data: Mapping[str, Any]) -> Mapping[str, Any]:
        return _Watched(self, kind, data)

    def function(self, kind: str) -> Callable[[str], Any]:
        return lambda key: self.ask(kind, key)

    def digest(self, asked: list[list[str]] | None = None) -> str:
        """Digest of the answers to ``asked`` (default: the lookups recorded) as they are now."""
        return self._digest(sorted(self.asked) if asked is None else map(tuple, asked))

    def _digest(self, pairs: Iterable[tuple[str, str]]) -> str:
        """:meth:`digest` of the lookups ``pairs`` (in order), as ``(kind, key)`` tuples."""
        answers = self.memo.answers if self.memo is not None else {}
        lines = []
        for pair in pairs:
            line = answers.get(pair)
            if line is None:
                kind, key = pair
                answer = stable(self.answer(kind, key), self.memo)
                line = answers[pair] = f"{kind}\0{key}\0{answer!r}\n".encode()
            lines.append(line)
        # (one update: the digest of the lines one after another, ~100 a page)
        return hashlib.sha256(b"".join(lines)).hexdigest()


class _Watched(Mapping[str, Any]):
    """A read-only view of a table that records each key asked for."""

    def __init__(self, lookups: Lookups, kind: str, data: Mapping[str, Any]) -> None:
        self._lookups, self._kind, self._data = lookups, kind, data

    def __getitem__(self, key: str) -> Any:
        value = self._lookups.ask(self._kind, key)
        if value is None and key not in self._data:
            raise KeyError(key)
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        self._lookups.whole = True
        return iter(self._data)

    def __len__(self) -> int:
        self._lookups.whole = True
        return len(self._data)


@lru_cache(maxsize=1 << 16)
def _file_name(page_key: str) -> str:
    """The stored page's file name (asked for every page of every `mkdocs serve` reload)."""
    return hashlib.sha256(page_key.encode()).hexdigest()[:32]


def _pack_name(no: int) -> str:
    return f"{PACK_PREFIX}{no}.bin"


def _pack_numbers(folder: Path) -> list[int]:
    """The numbers of the packs in ``folder``."""
    out = []
    for name in os.listdir(folder):
        if name.startswith(PACK_PREFIX) and name.endswith(".bin"):
            try:
                out.append(int(name[len(PACK_PREFIX):-4]))
            except ValueError:
                pass
    return out


def _needed(index: dict[str, tuple[int, int, int, int]]) -> set[str]:
    """The files of a cache folder its ``index`` needs: itself and the packs it names."""
    return {INDEX_NAME} | {_pack_name(where[0]) for where in index.values()}


def _read_index(path: Path) -> dict[str, tuple[int, int, int, int]]:
    """A cache's index (:class:`PageCache`); empty when there is none or it is unreadable."""
    try:
        fmt, items = marshal.loads(path.read_bytes())
        if fmt != FORMAT:
            return {}
        return {name: (int(no), int(offset), int(length), int(crc))
                for name, (no, offset, length, crc) in items}
    except (OSError, ValueError, EOFError, TypeError):
        return {}


def forget() -> None:
    """Empty the cache of stored pages' file names (an entry per page); it fills again when
    asked."""
    _file_name.cache_clear()


def replace_file(folder: str, name: str, data: bytes) -> os.stat_result:
    """Write ``data`` as ``folder/name`` through a temporary file beside it renamed over it
    (a reader never sees half a file; a file there stays whole for whoever has it open or
    linked), and return the new file's status. ``folder`` must exist. (Plain ``os`` calls:
    every generated page is written so once or twice by a build, 26,000 files at 9,504
    articles.)"""
    tmp = f"{folder}/.{name}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            st = os.fstat(fd)  # what a stat of the renamed file gives (same inode and times)
        finally:
            os.close(fd)
        os.replace(tmp, f"{folder}/{name}")
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return st


#: A cache's index of its stored pages (see :class:`PageCache`), and its packs' names.
INDEX_NAME = "index.bin"
PACK_PREFIX = "pack-"
#: Packs kept before the small ones are merged into one (each build that stores pages adds one).
MAX_PACKS = 8


class PageCache:
    """The stored pages under ``build/pages/`` (or ``dir_name``); ``used`` holds the names
    (:func:`_file_name`) of the pages this build used.

    The pages are not a file each (creating a file cost more CPU than rendering its page on a
    loaded machine: 0.3–1 ms): a build appends the pages it stores to a new **pack**
    (``pack-<n>.bin``, one marshal record after another) and :meth:`prune` writes the
    **index** (``index.bin``: each page's pack, offset, length and CRC-32) once its pages
    are in; a page is read back by its offset. Packs are only appended to, never written in
    place, so an index always points at whole records; a build that stops before its prune
    leaves a pack no index names, deleted by the next prune. Records no page uses any more
    stay in their pack until it is mostly such: then its live pages are copied into the new
    pack and it is deleted (as are the small packs once there are more than
    :data:`MAX_PACKS`)."""

    def __init__(self, build: Path, dir_name: str = DIR_NAME) -> None:
        self.folder = build / dir_name
        self.used: set[str] = set()
        self.hits = 0
        self.misses = 0
        #: (recorded lookups, digest of their answers) of the page last got or put; None when
        #: it was not stored (``mkdocs serve`` keeps them to check the page again without
        #: reading its file)
        self.last: tuple[list[list[str]], str] | None = None
        #: name → (pack number, offset, length, CRC-32): the index read, with this build's puts
        self._index: dict[str, tuple[int, int, int, int]] | None = None
        self._changed = False  # pages put or index entries let go since the index was read
        self._readers: dict[int, Any] = {}  # pack number → its file, open for reading
        self._pack: Any = None  # the pack this build appends to (a file open for writing)
        self._pack_no = 0
        self._pack_end = 0

    @staticmethod
    def inputs_digest(parts: list[Any], memo: Memo | None = None) -> str:
        # (the parts' lines encoded and digested at once)
        text = "".join([f"{stable(part, memo)!r}\0" for part in parts])
        return hashlib.sha256(code_fingerprint().encode() + text.encode()).hexdigest()

    def _name(self, page_key: str) -> str:
        name = _file_name(page_key)
        self.used.add(name)
        return name

    def entries(self) -> dict[str, tuple[int, int, int, int]]:
        """Name → (pack, offset, length, CRC-32) of every stored page (the index, read once)."""
        if self._index is None:
            self._index = _read_index(self.folder / INDEX_NAME)
        return self._index

    def _record(self, where: tuple[int, int, int, int]) -> bytes:
        no, offset, length, crc = where
        f = self._readers.get(no)
        if f is None:
            f = self._readers[no] = open(self.folder / _pack_name(no), "rb", buffering=0)
        data = os.pread(f.fileno(), length, offset)
        if len(data) != length or zlib.crc32(data) != crc:
            raise ValueError("stored page cut short or changed")
        return data

    def get(self, page_key: str, inputs: str, lookups: Lookups) -> str | None:
        """The stored HTML of the page, if its inputs and every recorded lookup are unchanged."""
        self.last = None
        where = self.entries().get(self._name(page_key))
        if where is None:
            return None
        try:
            fmt, page, stored, asked, answers, html = marshal.loads(self._record(where))
            if fmt != FORMAT or page != page_key or stored != inputs:
                return None
            if lookups.digest(asked) != answers:
                return None
        except (OSError, ValueError, EOFError, KeyError, TypeError):
            return None
        if not isinstance(html, str):
            return None
        self.last = (asked, answers)
        return html

    def keep(self, page_key: str) -> None:
        """The stored page is still valid and used, though it was not read (see ``last``)."""
        self._name(page_key)
        self.hits += 1

    def put(self, page_key: str, inputs: str, lookups: Lookups, html: str) -> None:
        self.last = None
        if lookups.whole:
            return
        pairs = sorted(lookups.asked)  # (sorted once, for the record and the digest)
        asked = [list(a) for a in pairs]
        answers = lookups._digest(pairs)
        self.last = (asked, answers)
        # (marshal: a tenth of the CPU of JSON both ways, for ~12,000 pages at 9,504 articles)
        self._append(self._name(page_key),
                     marshal.dumps((FORMAT, page_key, inputs, asked, answers, html)))

    def _append(self, name: str, data: bytes) -> None:
        """Put one record into this build's pack and the index."""
        index = self.entries()
        if self._pack is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            taken = set(_pack_numbers(self.folder)) | {w[0] for w in index.values()}
            no = max(taken, default=0) + 1
            while self._pack is None:
                try:  # (a new file: never one another process writes at the same time)
                    self._pack = open(self.folder / _pack_name(no), "xb", buffering=0)
                except FileExistsError:
                    no += 1
            self._pack_no, self._pack_end = no, 0
        view = memoryview(data)
        while view:
            view = view[self._pack.write(view):]
        index[name] = (self._pack_no, self._pack_end, len(data), zlib.crc32(data))
        self._pack_end += len(data)
        self._changed = True

    def close(self) -> None:
        """Close the packs' files (the cache can still be asked: they open again)."""
        for f in self._readers.values():
            f.close()
        self._readers = {}
        if self._pack is not None:
            self._pack.close()
            self._pack = None

    def prune(self) -> int:
        """Let go of the stored pages this build did not use (deleted articles), write the
        index and delete the packs it does not need; return how many pages were let go."""
        if not self.folder.is_dir():
            return 0
        index = self.entries()
        stale = [name for name in index if name not in self.used]
        for name in stale:
            del index[name]
        if not stale and not self._changed and not self._strays(index):
            self.close()
            return 0
        self._repack(index)
        self.close()
        files.write_atomic(self.folder / INDEX_NAME,
                           marshal.dumps((FORMAT, sorted(index.items()))))
        self._changed = False
        keep = _needed(index)
        for path in self.folder.iterdir():  # (old packs, and a stopped build's)
            if path.name not in keep and not path.name.startswith("."):
                path.unlink(missing_ok=True)
        return len(stale)

    def _strays(self, index: dict[str, tuple[int, int, int, int]]) -> bool:
        """Whether the folder holds a file the index does not need (a pack let go of, a
        stopped build's pack, files of an older format)."""
        keep = _needed(index)
        return any(not n.startswith(".") and n not in keep for n in os.listdir(self.folder))

    def _repack(self, index: dict[str, tuple[int, int, int, int]]) -> None:
        """Copy into this build's pack the live pages of the packs that are mostly dead
        records, and of the small packs when there are more than :data:`MAX_PACKS`."""
        live: dict[int, int] = {}
        for no, _, length, _ in index.values():
            live[no] = live.get(no, 0) + length
        sizes = {}
        for no in live:
            try:
                sizes[no] = os.stat(self.folder / _pack_name(no)).st_size
            except OSError:
                sizes[no] = 0
        moved = {no for no in live if no != self._pack_no and 2 * live[no] < sizes[no]}
        others = sorted((n for n in live if n != self._pack_no and n not in moved),
                        key=lambda n: (-live[n], n))
        if len(others) + 1 > MAX_PACKS:
            moved.update(others[1:])  # all but the largest
        if not moved:
            return
        for name, where in sorted(index.items(), key=lambda item: item[1]):
            if where[0] in moved:
                try:
                    self._append(name, self._record(where))
                except (OSError, ValueError):
                    del index[name]  # unreadable: rendered again when asked
