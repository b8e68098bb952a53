"""Compact per-article analysis records, kept in ``build/analysis/`` between builds.

An analysed article (every :class:`~archive.analysis.Token` as a named tuple) costs about a
kilobyte per word in memory; a whole archive of them does not fit. The build therefore keeps,
per article, a *record* on disk and only a small :class:`Summary` in memory:

``build/analysis/<n>.pack``
    the records of a batch of articles (a pack per batch of the analysis: creating a file
    per article cost more than writing its record), one after the other. A record: the
    tokens as columns (marshal, not compressed: zlib cost each record ~0.2 ms to compress in
    the workers and ~0.07 ms to decompress for each of its three readers, the root explorer,
    the search index and the browser data, for 2.2× its size on disk): the article's
    distinct word forms with their analyses (normalized, stem, root, alternative root), one
    vocabulary index, start and end offset per token (``array`` bytes), the tokens of
    gazetteer names with their entity and core, the runs of body tokens, the title's tokens
    (one list per token field) and its gazetteer names, and the key it was made for; after
    them the article's text (:func:`text_of`, :class:`TextOnDisk`);
``build/analysis/index.bin``
    per article id: the key (content hash of its file, analysis-code fingerprint, gazetteer
    fingerprint), its entity mentions, body mention counts and front-matter entities — what
    the site needs of every article without its tokens —, and where its record is (pack,
    offset, length). A pack is never changed once written: a changed article's new record
    goes into a new pack, and a pack left with less than half of its records live has them
    moved into a new one (:func:`compact`); packs the index does not name are deleted when
    it is written, so a stopped build leaves the previous index and its packs as they were.

:meth:`Analysis.articles` gives consumers the full :class:`~archive.pipeline.AnalyzedArticle`
objects rebuilt one at a time from the records (no re-analysis), in id order, so a consumer that
keeps none holds one article's tokens at a time. A rebuild analyses only the articles whose key
changed; the records of the others are reused as they are.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import struct
from array import array
from bisect import bisect_left
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field, fields
from functools import lru_cache, partial
from itertools import compress, repeat
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from archive import files
from archive.corpus.article import Article

if TYPE_CHECKING:
    from archive.analysis import Columns
    from archive.pipeline import AnalyzedArticle, Mention

FORMAT = 5
DIR_NAME = "analysis"
INDEX_NAME = "index.bin"
SUFFIX = ".rec"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of the code whose change alters an article's analysis (tokens, names, body runs):
    the analysis and corpus packages, the gazetteer matcher and this module and the pipeline."""
    return files.fingerprint(f"analysis records {FORMAT}",
                             ["analysis", "corpus", "gazetteer", "pipeline.py", "records.py"])


def entity_fingerprints(gazetteer: Any) -> dict[str, str]:
    """Per entity key: a hash of what decides where and how it is tagged."""
    out: dict[str, str] = {}
    for key in sorted(getattr(gazetteer, "entities", {})):
        e = gazetteer.entities[key]
        data = json.dumps([e.kind, list(e.names), e.parent], ensure_ascii=False)
        out[key] = hashlib.sha256(data.encode()).hexdigest()[:16]
    return out


def gazetteer_fingerprint(fingerprints: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(fingerprints, sort_keys=True).encode()).hexdigest()


def record_key(article: Article, context: str) -> str:
    """What a record was made from: the article file's content and ``context`` (code and
    gazetteer fingerprints)."""
    return hashlib.sha256(f"{context}\0{article.content_hash}".encode()).hexdigest()[:32]


class _Entities:
    """Places and actors of an article from its mention counts and front matter."""

    __slots__ = ()
    mention_counts: dict[str, int]
    declared: list[str]

    @property
    def places(self) -> list[str]:
        """Place keys: named in the body (most mentioned first) then front matter only."""
        return self._entities("place")

    @property
    def actors(self) -> list[str]:
        return self._entities("actor")

    def _entities(self, kind: str) -> list[str]:
        prefix = kind + ":"
        counted = sorted(
            (k for k in self.mention_counts if k.startswith(prefix)),
            key=lambda k: (-self.mention_counts[k], k),
        )
        extra = sorted({k for k in self.declared if k.startswith(prefix)} - set(counted))
        return counted + extra


@dataclass(slots=True)
class Summary(_Entities):
    """What the site needs of one analysed article, without its tokens."""

    article: Article
    mentions: list[Mention]
    mention_counts: dict[str, int]
    declared: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- records


def encode(key: str, columns: Columns, runs: list[tuple[int, int]],
           title: Columns | None = None,
           title_entities: list[tuple[str, int, int, int]] | None = None,
           text: str | None = None) -> bytes:
    """A record of one article's tokens (see the module docstring), followed by the
    article's text when given (:func:`text_of`)."""
    data = pack(key, columns, runs, title, title_entities)
    if text is None:
        return data
    return data + _text_tail(key, text)


#: The end of a record that carries its article's text: the text (UTF-8), the record's key
#: (ASCII), their lengths and this mark. marshal.loads ignores what follows the object it
#: reads, so a reader of the tokens does not see it; :func:`text_of` reads it alone.
TEXT_MARK = b"TXT4"
_TEXT_END = struct.Struct("<II4s")


def _text_tail(key: str, text: str) -> bytes:
    body, k = text.encode("utf-8", "surrogatepass"), key.encode("ascii")
    return b"".join((body, k, _TEXT_END.pack(len(body), len(k), TEXT_MARK)))


def text_of(data: bytes, key: str) -> str | None:
    """The article text a record carries (see :func:`encode`), if it carries one made for
    ``key``; None otherwise."""
    end = len(data) - _TEXT_END.size
    if end < 0:
        return None
    n, m, mark = _TEXT_END.unpack_from(data, end)
    if mark != TEXT_MARK or n + m > end or data[end - m:end] != key.encode("ascii"):
        return None
    return data[end - m - n:end - m].decode("utf-8", "surrogatepass")


def pack(key: str, columns: Columns, runs: list[tuple[int, int]],
         title: Columns | None = None,
         title_entities: list[tuple[str, int, int, int]] | None = None) -> bytes:
    """:func:`encode` without the text: what a worker sends the process that forked it (a
    few strings per distinct form and the offsets as bytes, where the columns would be eight
    lists of one object per token; see :func:`unpack`)."""
    from archive.analysis.analyzer import analyze_word

    forms = columns.forms
    # the distinct forms in order of first occurrence (each the object of its first
    # occurrence), their indices, and each token's index: C-level passes over the tokens
    vocab = dict(zip(dict.fromkeys(forms), range(len(forms)), strict=False))
    ids = array("I", map(vocab.__getitem__, forms))
    names = [(i, entity, columns.stems[i])
             for i, entity in enumerate(columns.entities) if entity is not None]
    # per distinct form a token of it (its last): the columns hold the form's own analysis
    # there (the analyzer's, looked up per form) unless the token is inside a name, whose
    # stem and root are the name's core (then the form's own is looked up again); a form's
    # alternative root depends on the form only
    at = list(map(dict(zip(forms, range(len(forms)), strict=False)).__getitem__, vocab))
    normalized, stems, roots = columns.normalized, columns.stems, columns.roots
    inside = list(compress(at, map(columns.entities.__getitem__, at))) if names else []
    if inside:
        stems, roots = stems[:], roots[:]
        for i in inside:
            _norm, stems[i], roots[i] = analyze_word(forms[i])
    # five strings per distinct form: the form, its own analysis and its alternative root
    words: list[str] = [""] * (5 * len(vocab))
    words[0::5] = vocab
    words[1::5] = map(normalized.__getitem__, at)
    words[2::5] = map(stems.__getitem__, at)
    words[3::5] = map(roots.__getitem__, at)
    words[4::5] = map(columns.alts.__getitem__, at)
    # the title's few tokens as they are: one list per Token field but the position
    titled = (tuple(title) if title is not None else ([],) * 8, title_entities or [])
    return marshal.dumps((FORMAT, key, words, ids.tobytes(), array("I", columns.starts).tobytes(),
                          array("I", columns.ends).tobytes(), names, runs, titled))


def decode(data: bytes) -> tuple[str, list[Any], list[tuple[int, int]], list[Any],
                                 list[tuple[str, int, int, int]]]:
    """``(key, tokens, runs, title tokens, title entities)`` of a record: the tokens as they
    were analysed."""
    return unpack(data)


def unpack_arrays(data: bytes) -> tuple[str, list[str], array[int], array[int], array[int],
                                        list[Any], list[Any], list[Any], list[Any]]:
    """``(key, words, ids, starts, ends, names, runs, title, title_entities)`` of what
    :func:`pack` (or :func:`encode`) made, as stored: ``words`` five strings per vocabulary
    entry, ``ids``/``starts``/``ends`` one number per token, ``title`` one list per Token
    field but the position."""
    fmt, key, words, ids_b, starts_b, ends_b, names, runs, titled = marshal.loads(data)
    if fmt != FORMAT:
        raise ValueError(f"analysis record format {fmt}, expected {FORMAT}")
    ids, starts, ends = array("I"), array("I"), array("I")
    ids.frombytes(ids_b)
    starts.frombytes(starts_b)
    ends.frombytes(ends_b)
    title, title_entities = titled
    return key, words, ids, starts, ends, names, runs, title, title_entities


def unpack(data: bytes) -> tuple[str, list[Any], list[tuple[int, int]], list[Any],
                                 list[tuple[str, int, int, int]]]:
    """:func:`decode` of what :func:`pack` (or :func:`encode`) made."""
    from archive.analysis.analyzer import Columns, Token

    key, words, ids, starts, ends, names, runs, title, title_entities = unpack_arrays(data)
    n = len(ids)
    if n == 0:
        tokens: list[Any] = []
    else:
        pick = itemgetter(*ids) if n > 1 else (lambda column: (column[ids[0]],))
        # one column per Token field, each picked from the vocabulary in one C-level call; the
        # tokens made by tuple.__new__ on their rows (Token's own __new__ is a Python function:
        # a frame per token)
        tokens = list(map(partial(tuple.__new__, Token),
                          zip(pick(words[0::5]), starts, ends, range(n), pick(words[1::5]),
                              pick(words[2::5]), pick(words[3::5]), repeat(None, n),
                              pick(words[4::5]), strict=True)))
    for i, entity, core in names:
        t = tokens[i]
        tokens[i] = Token(t.form, t.start, t.end, t.position, t.normalized, core, core, entity,
                          t.alt)
    return (key, tokens, [tuple(r) for r in runs], Columns(*title).tokens(),
            [tuple(e) for e in title_entities])


def decode_body_vocabulary(data: bytes) -> tuple[str, list[str], Counter[int]]:
    """``(key, words, counts)`` of a record without building its tokens: ``words`` the
    vocabulary, five strings per distinct form (form, normalized, stem, root, alternative
    root: the form's own analysis), ``counts`` how often each vocabulary entry occurs among the
    body tokens that are not part of a gazetteer name. What a consumer needs that counts
    words (the root explorer), at a tenth of the cost of :func:`decode`."""
    fmt, key, words, ids_b, _, _, names, runs, _ = marshal.loads(data)
    if fmt != FORMAT:
        raise ValueError(f"analysis record format {fmt}, expected {FORMAT}")
    ids = array("I")
    ids.frombytes(ids_b)
    named = sorted({i for i, _, _ in names})
    if [tuple(r) for r in runs] == [(0, len(ids))] and not named:
        return key, words, Counter(ids)
    counts: Counter[int] = Counter()
    for start, end in runs:
        # the stretches between the run's name tokens, each counted in one C-level pass (the
        # same counts, first seen in the same order, as token by token)
        at = start
        for k in named[bisect_left(named, start):bisect_left(named, end)]:
            if at < k:
                counts.update(ids[at:k])
            at = k + 1
        if at < end:
            counts.update(ids[at:end])
    return key, words, counts


def _decode_with_text(data: bytes) -> tuple[str, list[Any], list[tuple[int, int]], list[Any],
                                            list[tuple[str, int, int, int]], str | None]:
    """:func:`decode` and the text the record carries (None: none)."""
    key, tokens, runs, title, title_entities = decode(data)
    return key, tokens, runs, title, title_entities, text_of(data, key)


# --------------------------------------------------------------------------- the store


def folder(build: Path) -> Path:
    return build / DIR_NAME


#: Where a record is kept: (pack file name in build/analysis/, offset, length).
Location = tuple[str, int, int]

_Decoded = TypeVar("_Decoded", bound=tuple[Any, ...])

IndexEntry = tuple[str, list[tuple[str, int, int]], dict[str, int], list[str]]


def read_index(build: Path) -> dict[str, IndexEntry]:
    """``{id: (key, mentions, counts, declared)}`` of the kept records (empty if unreadable)."""
    return read_store(build)[0]


def read_store(build: Path) -> tuple[dict[str, IndexEntry], dict[str, Location]]:
    """The index of the kept records and where each is (both empty if unreadable): only the
    records whose pack file is there."""
    try:
        data = marshal.loads((folder(build) / INDEX_NAME).read_bytes())
        if not isinstance(data, tuple) or data[0] != FORMAT:
            return {}, {}
        entries: dict[str, IndexEntry] = data[1]
        locations: dict[str, Location] = data[2]
        _forget_open_pack()  # (its name may now be another pack's: next_pack_number)
        present = {p.name for p in os.scandir(folder(build)) if p.name.endswith(PACK_SUFFIX)}
    except (OSError, ValueError, EOFError, TypeError, IndexError):
        return {}, {}
    kept = {k: v for k, v in locations.items() if v[0] in present and k in entries}
    return {k: v for k, v in entries.items() if k in kept}, kept


def write_index(build: Path, entries: dict[str, IndexEntry],
                locations: dict[str, Location], previous: Iterable[str] = ()) -> None:
    """Write the index of the records (``entries``, each at its location), then delete the
    pack files it does not name (records replaced or deleted, a stopped build's packs) and
    the record files of earlier formats; but not the packs of ``previous`` (those the index
    being replaced named), which go when the next index is written: an analysis made before
    (another process, or an earlier build of this one) can still read its records."""
    d = folder(build)
    _forget_open_pack()
    files.write_atomic(d / INDEX_NAME, marshal.dumps(
        (FORMAT, dict(sorted(entries.items())), dict(sorted(locations.items())))))
    used = {where[0] for where in locations.values()} | set(previous)
    for entry in os.scandir(d):
        name = entry.name
        if (name.endswith(PACK_SUFFIX) and name not in used) or name.endswith(SUFFIX):
            with suppress(FileNotFoundError):
                os.unlink(entry.path)


#: A pack file: the records of a batch of articles, one after the other (a cold build
#: writes one per batch, not one file per article: creating a file costs here ~0.2 to
#: 0.4 ms of system time, appending a record a hundredth of that).
PACK_SUFFIX = ".pack"


def pack_number(name: str) -> int | None:
    """The number of a pack file's name (``<n>.pack``), None for another name."""
    stem = name[:-len(PACK_SUFFIX)] if name.endswith(PACK_SUFFIX) else ""
    return int(stem) if stem.isdigit() and stem.isascii() else None


def next_pack_number(build: Path) -> int:
    """The first number above every pack in build/analysis/ (an index names only packs there):
    the packs a build writes take it and the numbers after it, so two builds of the same
    inputs name their packs alike. A number comes back only when the packs above it were
    deleted unnamed (a stopped build's) or with the folder; a reader then still reads what its
    index says or fails on the record's key (:meth:`Analysis._read`), and this process's
    open pack is dropped whenever a pack or the index is written (:func:`_forget_open_pack`)."""
    d = folder(build)
    try:
        names = [e.name for e in os.scandir(d)]
    except FileNotFoundError:
        return 0
    numbers = [n for n in map(pack_number, names) if n is not None]
    return max(numbers, default=-1) + 1


def write_pack(build: Path, items: Iterable[tuple[str, str, bytes]], number: int
               ) -> dict[str, Location]:
    """Write the records ``items`` (article id, record key, record) into one new pack file
    ``<number>.pack`` (whole or not at all: a temporary file renamed); where each is. Packs
    written by one build take distinct numbers from :func:`next_pack_number`."""
    items = list(items)
    name = f"{number}{PACK_SUFFIX}"
    out: dict[str, Location] = {}
    at = 0
    for article_id, _, data in items:
        out[article_id] = (name, at, len(data))
        at += len(data)
    d = f"{os.fspath(build)}/{DIR_NAME}"
    tmp = f"{d}/.{name}.{os.getpid()}.tmp"
    _forget_open_pack()
    try:
        with open(tmp, "wb") as fh:
            fh.write(b"".join(data for _, _, data in items))
        os.replace(tmp, f"{d}/{name}")
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
    return out


def compact(build: Path, entries: dict[str, IndexEntry], locations: dict[str, Location],
            batch: int) -> bool:
    """Move the records of the packs that hold less than half of live records (the others
    replaced or deleted) into new packs of ``batch`` records, in ``locations``; whether any
    moved. The old packs go when the index is written (:func:`write_index`)."""
    live: dict[str, int] = {}
    for name, _, length in locations.values():
        live[name] = live.get(name, 0) + length
    d = folder(build)
    sparse = set()
    for name, size in live.items():
        try:
            if 2 * size < os.stat(d / name).st_size:
                sparse.add(name)
        except OSError:
            continue
    if not sparse:
        return False
    moving = sorted(k for k, where in locations.items() if where[0] in sparse)
    number = next_pack_number(build)
    for at in range(0, len(moving), batch):
        chunk = moving[at:at + batch]
        locations.update(write_pack(build, [(k, entries[k][0], read_record(build, locations[k]))
                                            for k in chunk], number))
        number += 1
    return True


#: The pack file :func:`_pread` read last, open: consumers read the records in id order, a
#: pack's worth from the same file. Dropped when this process writes a pack or the index
#: (:func:`next_pack_number`: a deleted pack's name can come back).
_OPEN_PACK: list[Any] = ["", -1]


def _forget_open_pack() -> None:
    if _OPEN_PACK[1] >= 0:
        with suppress(OSError):
            os.close(_OPEN_PACK[1])
    _OPEN_PACK[:] = "", -1


def _pread(path: str, offset: int, length: int) -> bytes:
    if _OPEN_PACK[0] != path:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        if _OPEN_PACK[1] >= 0:
            with suppress(OSError):
                os.close(_OPEN_PACK[1])
        _OPEN_PACK[:] = path, fd
    data = os.pread(_OPEN_PACK[1], length, offset)
    if len(data) != length:
        raise ValueError(f"record cut short ({len(data)} of {length} bytes)")
    return data


def pack_path(build: Path, where: Location) -> str:
    return f"{os.fspath(build)}/{DIR_NAME}/{where[0]}"


def read_record(build: Path, where: Location) -> bytes:
    """The bytes of the record at ``where``."""
    return _pread(pack_path(build, where), where[1], where[2])


def record_bytes(build: Path, article_id: str) -> bytes:
    """The bytes of the kept record of ``article_id`` (KeyError: none is kept)."""
    return read_record(build, read_store(build)[1][article_id])


#: Article's own slot for its text, beneath the property of :class:`TextOnDisk`.
_TEXT_SLOT: Any = Article.__dict__["text"]
_OTHER_FIELDS = tuple(f.name for f in fields(Article) if f.name != "text")
#: The text :class:`TextOnDisk` read last, with the (record, key) it was read from: a
#: consumer reads an article's text a few times in a row (once per segment), then the next's.
_LAST_TEXT: list[Any] = [None, ""]

#: Where a record is read from: (pack file path, offset, length).
RecordAt = tuple[str, int, int]


class TextOnDisk(Article):
    """An article whose text is not kept in memory but read from its analysis record (in a
    pack file of ``build/analysis/``; the record carries it: :func:`encode`) whenever it is
    asked for; otherwise the same article (see :meth:`Analysis.texts_on_disk`). An instance
    given its text (``_with_text``) holds it like an :class:`Article`."""

    __slots__ = ("_dir", "_record", "_key")
    _dir: str  # build/analysis/ (one string shared by every article of a build)
    _record: Location  # the analysis' own tuple: nothing made per article
    _key: str

    @property  # type: ignore[override]
    def text(self) -> str:
        try:
            return _TEXT_SLOT.__get__(self, TextOnDisk)  # type: ignore[no-any-return]
        except AttributeError:
            pass
        where = (self._record, self._key)
        if _LAST_TEXT[0] == where:
            return _LAST_TEXT[1]  # type: ignore[no-any-return]
        name, offset, length = self._record
        path = f"{self._dir}/{name}"
        try:
            data = _pread(path, offset, length)
        except (OSError, ValueError) as exc:
            raise ValueError(f"{path}: analysis record of {self.id} unreadable ({exc}): build "
                             "again") from None
        text = text_of(data, self._key)
        if text is None:
            raise ValueError(f"{path}: no text of article {self.id} made for this "
                             "build (another build changed it meanwhile?): build again")
        _LAST_TEXT[:] = where, text
        return text

    @text.setter
    def text(self, value: str) -> None:
        _TEXT_SLOT.__set__(self, value)


#: :meth:`Analysis.texts_on_disk`: the fields most articles leave empty (a list or a dict),
#: and those whose values recur from article to article (a date, a source, an author), by
#: their place in :data:`_OTHER_FIELDS`.
_EMPTIED = tuple(i for i, name in enumerate(_OTHER_FIELDS)
                 if name in ("places", "actors", "tags", "extra", "mentioned_dates", "cleaned"))
_RECURRING = tuple(i for i, name in enumerate(_OTHER_FIELDS)
                   if name in ("date", "source", "author"))
_OTHER_VALUES = attrgetter(*_OTHER_FIELDS)


def _on_disk(article: Article, where: str, record: Location, key: str,
             text: str | None = None, shared: dict[Any, Any] | None = None) -> TextOnDisk:
    """``article`` as a :class:`TextOnDisk` reading its text from ``record`` in the folder
    ``where`` (made for ``key``), or holding ``text``. ``shared`` (see
    :meth:`Analysis.texts_on_disk`): per field, the one empty list or dict that stands for
    every article's empty one, and the one string of each recurring value."""
    out = TextOnDisk.__new__(TextOnDisk)
    if shared is None:
        for name in _OTHER_FIELDS:
            setattr(out, name, getattr(article, name))
    else:
        values = list(_OTHER_VALUES(article))
        for i in _EMPTIED:
            if not values[i]:
                values[i] = shared.setdefault(i, values[i])  # (an int: no string's key)
        for i in _RECURRING:
            if values[i] is not None:
                values[i] = shared.setdefault(values[i], values[i])
        # (set by a C-level loop: 18 fields of each of 29,904 articles in every build)
        deque(map(setattr, repeat(out), _OTHER_FIELDS, values), 0)
    out._dir, out._record, out._key = where, record, key
    if text is not None:
        _TEXT_SLOT.__set__(out, text)
    return out


@dataclass(slots=True)
class Analysis:
    """The analysed corpus of one build: summaries in memory, tokens in ``build/analysis/``."""

    build: Path
    summaries: dict[str, Summary]  # id → summary, in id order
    keys: dict[str, str]  # id → record key
    analysed: list[str] = field(default_factory=list)  # ids analysed by this build
    locations: dict[str, Location] = field(default_factory=dict)  # id → where its record is

    def __len__(self) -> int:
        return len(self.summaries)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self.summaries

    def in_order(self) -> list[Summary]:
        return list(self.summaries.values())

    def article(self, article_id: str) -> AnalyzedArticle:
        """The full analysed article, rebuilt from its record."""
        from archive.pipeline import AnalyzedArticle

        s = self.summaries[article_id]
        article = s.article
        if isinstance(article, TextOnDisk):  # its text from the same bytes as its tokens
            key, tokens, runs, title, title_entities, text = self._read(
                article_id, _decode_with_text)
            if text is None:
                raise ValueError(f"{self.where(article_id)[0]}: the analysis record of "
                                 f"{article_id} carries no text: build again")
            article = _on_disk(article, article._dir, article._record, key, text)
        else:
            key, tokens, runs, title, title_entities = self._read(article_id, decode)
        if runs == [(0, len(tokens))]:
            body = tokens
        else:
            body = [t for i, j in runs for t in tokens[i:j]]
        return AnalyzedArticle(article, tokens, body, s.mentions, s.mention_counts,
                               s.declared, title, title_entities)

    def texts_on_disk(self) -> None:
        """Let go of the articles' texts (6 to 7 KB an article): each summary's article
        becomes a :class:`TextOnDisk`, which reads its text from its record when asked for
        it, and :meth:`article` takes it from the record it decodes anyway. For a one-shot
        build, once the stages that read every text at once (the analysis, the search index)
        are done: 36 MB less at 9,504 articles through the pages and the browser data.
        The corpus' own articles must be let go of too for the memory to be freed.

        The fields that most articles leave empty (places, actors, tags and extra from the
        front matter; most mentioned dates and cleaning counts) become one empty list or dict
        per field, shared by the articles, and a date, source or author one string per
        value: ~320 bytes less an article (10 MB at 29,904 articles) through the pages and
        the browser data, the build's peak. (Nothing changes an article's fields after it
        is loaded: the dataclass is frozen, its lists and dicts are only read.)"""
        where = f"{os.fspath(self.build)}/{DIR_NAME}"
        shared: dict[Any, Any] = {}
        for article_id, s in self.summaries.items():
            if not isinstance(s.article, TextOnDisk):
                s.article = _on_disk(s.article, where, self.locations[article_id],
                                     self.keys[article_id], shared=shared)

    def where(self, article_id: str) -> RecordAt:
        """(pack file path, offset, length) of the record of ``article_id``."""
        try:
            name, offset, length = self.locations[article_id]
        except KeyError:
            raise ValueError(f"{folder(self.build)}: no analysis record of {article_id}: "
                             "build again") from None
        return f"{os.fspath(self.build)}/{DIR_NAME}/{name}", offset, length

    def _read(self, article_id: str, decoder: Callable[[bytes], _Decoded]) -> _Decoded:
        """The record of ``article_id`` decoded by ``decoder``, checked against its key."""
        path, offset, length = self.where(article_id)
        try:
            out = decoder(_pread(path, offset, length))
        except (OSError, ValueError, EOFError, TypeError) as exc:
            raise ValueError(f"{path}: analysis record of {article_id} unreadable ({exc}): "
                             f"delete {folder(self.build)} and build again") from None
        if out[0] != self.keys[article_id]:
            raise ValueError(f"{path}: record of {article_id} made for other input (another "
                             "build changed it meanwhile?): build again")
        return out

    def body_vocabularies(self) -> Iterator[tuple[list[str], Counter[int]]]:
        """Per article in id order, ``(words, counts)`` of
        :func:`decode_body_vocabulary`: the body's word counts without its tokens."""
        for article_id in self.summaries:
            _, words, counts = self._read(article_id, decode_body_vocabulary)
            yield words, counts

    def body_vocabulary(self, article_id: str) -> tuple[list[str], Counter[int]]:
        """``(words, counts)`` of :func:`decode_body_vocabulary` for one article."""
        _, words, counts = self._read(article_id, decode_body_vocabulary)
        return words, counts

    def articles(self, ids: Iterable[str] | None = None) -> Iterator[AnalyzedArticle]:
        """Analysed articles (all, or those of ``ids``) in id order, rebuilt one at a time: a
        generator, meant to be consumed once."""
        chosen = self.summaries if ids is None else sorted(set(ids))
        for article_id in chosen:
            yield self.article(article_id)
