"""The browser's search data, written from a stream of analysed articles and rewritten
incrementally.

:func:`write_browser_index` writes ``<site>/search/data/``::

    meta.json           the manifest loaded up front, what a first result list needs:
                        global statistics (live article count, number of document slots,
                        number of shards) and the live document numbers
    rank/<b>.json       the rank keys (ties in ranking: increasing in id order) of the live
                        articles numbered ``b*RANK_BLOCK`` …: fetched for rows tied in score
                        among the rows shown only; ``rank.json`` all of them at once (the
                        places' Lehmer code and the keys in id order), fetched when most
                        blocks would be (every row in order)
    columns.json        for every article, only what filters, sorting by date and facets
                        need, as compact columns (date, source as numbers into small
                        dictionaries; places and actors as numbers into ``entity_keys``), and
                        the gazetteer's entities (names, aliases, parents): fetched after the
                        first results are on screen, or before filtering
    cards/<b>.json      id, path, title, URL, date and source of articles
                        ``b*CARD_BLOCK`` …, and how to make each one's text from the
                        published raw text ``<site>/raw/<id>.txt`` (the seed byte for byte):
                        ``[start, [s, e, replacement], …]`` (:func:`raw_source`; usually
                        ``[start]`` alone), ``None`` where ``docs/`` holds the text (fetched
                        for the results on screen only)
    lunr/<k>.json       the inverted index split by term; each shard is a lunr index
                        (``lunr.Index.load`` in lunr.js 2.3.9 loads it); a long term
                        (:data:`LONG_DOCS`) holds only its articles and frequencies
    pos/<k>/<n>.<b>.json  the positions of shard k's long terms, split by document number
                        into n ranges: fetched for the articles shown, phrases and the
                        proximity of the best candidates only
    forms/<k>.json      for each light stem and root: its word forms (normalized, one spelling
                        as written) and which form each article of the term's posting holds,
                        in the same shards
    docs/<n>.json       ``{"text": text}``: an article's text, only where the raw text is not
                        published or does not give it (results on screen only)
    analyzer-tables.json, lexicon/*.json, names.json   the analyzer's and gazetteer's tables

Every file is stored as a raw deflate stream (no gzip or zlib wrapper: 18 bytes less per
file than gzip) under its name plus ``.dfl`` (``meta.json.dfl``, level 6: deterministic); the
browser decompresses it with the standard ``DecompressionStream('deflate-raw')``, so a static
host serves the stored bytes as they are and the data takes about a fifth of the disk.
:func:`read_data` reads one file back in Python.

A term lives in shard ``fnv1a32(term as UTF-16 code units) % shards`` (the JavaScript
computes the same hash); ``shards`` is a power of two that grows with the number of document
slots (:func:`shard_count`), so a query fetches a few small files at any archive size.

Index fields: the four word fields of the command-line index (``archive.index``), filled from
the same analysis (:mod:`archive.browser.articleterms`: an article read as its record's columns,
or an :class:`archive.index.docs.IndexDoc`): ``form``, ``stem``, ``root`` and ``entity``
(gazetteer key at the position of a name's first token), and the same four for the title.
A posting is ``{"d": docnums, field: cells}`` (number lists as :mod:`archive.browser.digits`
text, docnums and positions delta-encoded: the first, then the gaps; one cell per article, see
:func:`posting_members`); fields no article uses are left out. A long term's is ``{"t":
docnums, field: term frequencies}``, its positions in ``pos/``. Field
vectors (lunr's BM25 weights) are not written: the browser scores with the rule of
``archive/search/query.py`` from the frequencies, so lunr's own ``Index.search`` is not
available on the shards (``Index.load`` and the inverted index are).

Document numbers are stable: kept in the state folder (``build/browser/state.bin``) with a
fingerprint per article, a new article takes the next free number and a deleted one leaves a
hole. A rebuild rewrites only the shards holding terms of changed, added or deleted articles,
their ``docs/`` files, the card blocks holding them, ``meta.json`` and ``columns.json``; every
other file keeps its bytes and its mtime (a file is written only when its bytes change). A
cold build numbers the articles in id order; see the README for when a cold build and a
sequence of incremental builds give the same bytes.

Terms are analysed here in Python, so lunr's own text pipeline is not used. The index records
one search-pipeline function under the label :data:`PIPELINE_LABEL` (``archive-ar``): the
archive's ``normalize``; the browser registers its JavaScript ``normalize`` under it before
``lunr.Index.load``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import marshal
import math
import operator
import os
import re
import shutil
import stat
import tempfile
import time
import zlib
from array import array
from bisect import bisect_left, insort
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache, partial
from importlib import metadata
from itertools import accumulate, chain, compress, islice, pairwise, repeat
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol, runtime_checkable

from archive import files, native
from archive.analysis.tables import LEXICON_DIR, browser_tables
from archive.browser import keptstate, shardpack
from archive.browser.articleterms import (
    Fields,
    Firsts,
    _cterms,
    column_fields,
    delta_encode,
    doc_fields,
    postings_of,
)
from archive.browser.digits import (
    SPELLING,
    codes_text,
    counts_of,
    numbers_text,
    spellings,
    text_numbers,
)
from archive.browser.formsplice import entry_codes, forms_names, splice_codes
from archive.browser.shardpack import ShardPack
from archive.collector import paused as paused_gc
from archive.index.columns import ArticleColumns, article_columns
from archive.index.schema import root_stream

#: The cold shards' loops in C (setup.py) where they can be used (:mod:`archive.native`),
#: else None: each function's twin is here, the reference.
_cshards = native.module("archive.browser._cshards")

if TYPE_CHECKING:
    from archive.index.docs import IndexDoc
    from archive.memory import Every
    from archive.pipeline import AnalyzedArticle

PIPELINE_LABEL = "archive-ar"
LUNR_VERSION = "2.3.9"
#: Index fields, in the order the browser reads them.
FIELDS: tuple[str, ...] = ("form", "stem", "root", "entity",
                           "title_form", "title_stem", "title_root", "title_entity")
DATA_DIR = "search/data"
#: 13: the rank files hold rank keys (:func:`rank_keys`: increasing in id order, sparse, so
#: an added or deleted article changes a few of them) instead of the places in id order,
#: which all shifted after it: an add rewrote every ``rank/<b>.json`` (257 files at 29,904
#: articles); ``rank.json`` holds the places' Lehmer code and the keys in id order.
#: 12: stored as raw deflate (``.dfl``, :data:`STORED`) instead of gzip (``.gz``): 18
#: bytes less per file; ``docs/<n>.json`` only where the text is not made from the raw
#: text: the card (``cards/<b>.json``) ends with the raw source (:func:`raw_source`,
#: ``None`` for a docs/ file), the unused body spans are gone.
#: 11: every number list (docnums, positions, term frequencies) as
#: :mod:`archive.browser.digits` text, one to three printable characters per number and no
#: separator, instead of comma-separated decimals (pos/ 13 %, lunr/ 9 % smaller gzipped at
#: 987 articles). 10: ``docs/<n>.json`` holds no text where the article's published raw text
#: (``raw/<id>.txt``) gives it: ``"raw"``, a start offset and the loader's cleaning edits
#: (:func:`raw_source`); the page fetches the raw text and takes the text from it.
#: 9: the articles' places in id order (ties in ranking) left meta.json for ``rank.json``
#: and ``rank/<b>.json`` (:data:`RANK_BLOCK`), fetched only where ties need them (52 KB
#: gzip out of every first query at 29,904 articles). 8: postings and positions as text
#: (:func:`posting_members`, :func:`position_lists`): a short term's articles listed once for
#: all its fields, each field one cell per article (``=``: the positions of the field it
#: derives from); a long term's frequencies per field
#: over the same list; positions files' lists as ``;``-separated cells (the shards 9 %, the
#: positions files 7 % smaller gzipped at 2,827 articles). 7: meta.json's ``live`` is a
#: bitset and its ``rank`` a Lehmer code, both base64 (89 → 61 KB gzip at 29,904 articles).
#: 6: a forms entry numbers the articles of the term's posting
#: (one code per article, the form it holds) instead of listing each form's articles;
#: postings without lunr's ``_index`` (4 % of the shards' bytes). 5: a positions file keeps per
#: term and field only the positions lists (the articles are
#: the field's ``d`` in the shard, within the file's range); a short term's posting is
#: ``{docnum: positions}``, not lunr's usual ``{docnum: {"p": positions}}``. 4: meta.json split into
#: meta.json (up front) and columns.json (filters, facets); cards carry the date and source.
DATA_VERSION = 13
#: Suffix of the stored (raw deflate) data files, after the JSON name (``.gz`` up to format
#: 11, gzip: its header and trailer were 18 bytes of every file, 585 KB of 32,500 files at
#: 9,504 articles; a suffix no host takes for a content encoding).
STORED = ".dfl"
#: Deflate level of the stored data: 6 (measured on 1,900 real articles: 0.7 % more bytes than
#: 9 for 54 % of its compression time; 1 would add 17 %).
GZIP_LEVEL = 6
#: 10: the articles' entries as ``marshal`` records in ``state.bin``
#: (:mod:`archive.browser.keptstate`), not JSON in state.json (its encoding and parse: 0.22
#: CPU s of every rebuild at 29,904 articles, 0.09 with marshal; 1.3 G fewer instructions).
#: 9: the shard states as records of one pack file and its index (``shards/pack.bin``,
#: ``shards/index.bin``: :mod:`archive.browser.shardpack`), not a file per shard (8,192 files
#: created by a cold build at 9,504 articles).
#: 8: marshal version 2 for the shard state (4's bytes depend on the objects' identities and
#: reference counts: equal state, not always equal bytes).
#: 7: shard state as one ``marshal`` of its entries, uncompressed (a pickle compressed by
#: zlib was 5 % of a cold build's CPU: 62 MB of state at 9,504 articles, about 160 MB now);
#: 6: the articles' term hashes and checksums in :data:`DIGEST_PACKS` pack files
#: (:class:`_Digests`), not one file per article; 5: a long term's state is its summary
#: (articles, term frequencies), not its positions, which a rebuild reads back from the
#: ``pos/`` files of the ranges its changed articles are in (an added article no longer
#: decodes and encodes every long term it holds whole);
#: 4: a term's state holds its positions files' fragments too; 3: shard state as JSON
#: fragments and marshal data per term (``shards/<k>.bin``); 1 was a pickle of each whole
#: shard (``shards/<k>.pkl``). Another version: a cold build.
STATE_VERSION = 10
#: The state file in the state folder (:mod:`archive.browser.keptstate`).
STATE_FILE = "state.bin"
#: A term held by more articles than this (over all its fields) is *long*: its shard entry
#: keeps, per field, only its articles and term frequencies (what ranking needs), and its
#: positions go to ``pos/<k>/<n>.<b>.json`` files, fetched for the articles that need them.
#: 2,048 (128 before): a long term's frequencies repeat what its positions hold, and its
#: positions files each start a deflate stream of their own; a short term's positions are in
#: its shard once (bench/report-disk18.md: the search data smaller, a first query's shards
#: larger).
LONG_DOCS = 2048
#: About this many of a long term's articles per positions file: the term's articles are
#: split by document number into ``n`` ranges (a power of two, n ≥ articles / BLOCK_DOCS).
#: 512 (256 before): fewer, larger files (pos/ −6 % at 29,904 articles); 1,024 would save
#: more, but the ten articles shown fetch up to ten ranges: a two-word query's first results
#: at 29,904 articles went from 259 to 315 KB (285 KB with 512).
BLOCK_DOCS = 512
#: About this many document slots per index shard (the count is a power of two).
DOCS_PER_SHARD = 2
#: Document numbers per ``cards/<b>.json`` file (a quarter to a half of them are used).
CARD_BLOCK = 16
#: Document numbers per ``rank/<b>.json`` file (the places in id order of the live ones among
#: them): a first query fetches the files of the articles tied in score at the rows it shows
#: (a few hundred bytes each), not every article's place (``rank.json``: 52 KB gzip at 29,904
#: articles, fetched only when most of the files would be, e.g. for every row in order).
RANK_BLOCK = 256
#: Pack files of the articles' term hashes and checksums in the state folder (:class:`_Digests`).
DIGEST_PACKS = 256
#: Bytes of a digest pack gathered before they are appended to its file (cold build).
DIGEST_FLUSH = 1 << 14
#: Spill files of the streaming writer (a power of two): at least this many; a cold build
#: of many articles takes more (:func:`spill_buckets`).
SPILL_BUCKETS = 64
#: At most this many spill files (each open while the articles are read).
MAX_SPILL_BUCKETS = 512
#: About the spill bytes of one article's terms (SaudiNewsNet: 86 KB an article at 987
#: articles, 49 KB at 9,504): what :func:`spill_buckets` expects of them.
SPILL_ARTICLE = 64 << 10
#: Bytes of spill records gathered per bucket before they are written (with more buckets than
#: :data:`SPILL_BUCKETS`, a share of it: the buffers together stay this times 64).
SPILL_FLUSH = 1 << 16
#: Bytes of a spill bucket read at a time.
SPILL_READ = 1 << 22
#: A spill bucket holding more bytes than this is read in several passes, each taking the
#: shards of one part (what a pass builds in memory is about proportional to its bytes: it
#: stays about the same at any number of articles, where 64 buckets read whole grew with it).
SPILL_PASS = 12 << 20
def spill_buckets(count: int | None, shards: int) -> int:
    """The spill files for a build that spills ``count`` articles into ``shards`` shards
    (None: not known): at least :data:`SPILL_BUCKETS`, and as many more (a power of two, at
    most :data:`MAX_SPILL_BUCKETS`, ``shards`` and a quarter of the open files allowed) as
    keep a bucket's expected bytes (:data:`SPILL_ARTICLE` an article) within
    :data:`SPILL_PASS`, so that each bucket is read once: a bucket read in several passes is
    decoded whole in each (9,504 SaudiNewsNet articles spill 467 MB, 64 buckets of up to
    14 MB: at 31,030, about 24 MB a bucket, two passes or three, every article's postings
    decoded two or three times). Only the number of files changes: the shards are made of
    the same records in the same order."""
    buckets = SPILL_BUCKETS
    if count is None:
        return buckets
    while (buckets < min(shards, MAX_SPILL_BUCKETS, _open_files() // 4)
           and count * SPILL_ARTICLE > buckets * SPILL_PASS):
        buckets *= 2
    return buckets


def _open_files() -> int:
    """The process's limit of open files (a spill file is open while the articles are read:
    a quarter of the limit at most, e.g. 256 files of Linux's usual 1,024, 64 of macOS's 256)."""
    try:
        import resource
    except ImportError:  # not a Unix: no such limit
        return 4 * MAX_SPILL_BUCKETS
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    return 4 * MAX_SPILL_BUCKETS if soft == resource.RLIM_INFINITY else soft


STATIC = Path(__file__).parent / "static"
#: Static files copied into ``<site>/search/assets/``.
ASSETS: tuple[str, ...] = ("analyzer.js", "query.js", "engine.js", "loader.js", "forms.js",
                           "ui.js", "page.js", "header.js", "search.js", "search.css")


def _field_items(doc: IndexDoc) -> dict[str, list[tuple[str, int]]]:
    """(term, position) per field of ``doc``: the reference the tests compare against."""
    toks = doc.tokens
    return {
        "form": [(t.normalized, t.position) for t in toks if t.normalized],
        "stem": [(t.stem, t.position) for t in toks if t.stem],
        "root": [(term, pos) for term, pos, _s, _e in root_stream(toks) if term],
        "entity": [(key, pos) for key, pos, _s, _e in doc.entities],
        "title_form": [(t.normalized, t.position) for t in doc.title_tokens if t.normalized],
        "title_stem": [(t.stem, t.position) for t in doc.title_tokens if t.stem],
        "title_root": [(term, pos) for term, pos, _s, _e in root_stream(doc.title_tokens)
                       if term],
        "title_entity": [(key, pos) for key, pos, _s, _e in doc.title_entities],
    }


def delta_decode(gaps: list[int]) -> list[int]:
    """The numbers whose gaps are ``gaps`` (the first number, then each one's distance to
    the one before): their running sums, in C."""
    return list(accumulate(gaps))


def term_hash_py(term: str) -> int:
    """FNV-1a (32 bit) over the UTF-16 code units of ``term`` (as JavaScript sees the string):
    the reference of ``_cterms.term_hash``."""
    h = 0x811C9DC5
    if term.isascii() or max(term) <= "\uffff":
        # each character one code unit, its code point (the usual case: half the time of
        # reading the encoded bytes two at a time)
        for unit in map(ord, term):
            h = ((h ^ unit) * 0x01000193) & 0xFFFFFFFF
        return h
    data = term.encode("utf-16-le")  # characters beyond the BMP: surrogate pairs
    for i in range(0, len(data), 2):
        h ^= data[i] | (data[i + 1] << 8)
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


#: FNV-1a of a term (:func:`term_hash_py`), in C where the module is built.
term_hash: Callable[[str], int] = term_hash_py if _cterms is None else _cterms.term_hash

#: Term hashes computed so far (:func:`_hash`), emptied when it holds :data:`HASH_CACHE`.
_HASHES: dict[str, int] = {}
#: At most this many terms' hashes are kept: the frequent terms, looked up again and again,
#: come back at once after the cache is emptied; kept without a bound (an LRU cache of
#: 524,288 terms), it held the rare terms of the whole archive, and their strings (about
#: 200 bytes a term: memory that grew with the archive). (Not used with the C module: a
#: term's hash there costs less than its lookup.)
HASH_CACHE = 1 << 17


def _new_hash(term: str) -> int:
    if len(_HASHES) >= HASH_CACHE:
        _HASHES.clear()
    h = _HASHES[term] = term_hash(term)
    return h


def _hash(term: str) -> int:
    """:func:`term_hash`, cached (computed in C without a cache where the module is built)."""
    if _cterms is not None:
        return _cterms.term_hash(term)
    h = _HASHES.get(term)
    return _new_hash(term) if h is None else h


def _hashes(terms: list[str]) -> list[int]:
    """:func:`_hash` of each of ``terms``: looked up in C, computed only for those not known."""
    if _cterms is not None:
        return list(map(_cterms.term_hash, terms))
    hashes = list(map(_HASHES.get, terms))
    if None in hashes:
        hashes = [_new_hash(t) if h is None else h for h, t in zip(hashes, terms, strict=True)]
    return hashes


#: A forms item's term (``(level, term, normalized, spelling)``).
_FORM_TERM = operator.itemgetter(1)


def shard_count(count: int, docs_per_shard: float = DOCS_PER_SHARD) -> int:
    """The number of index shards for ``count`` articles: the smallest power of two ≥
    count / docs_per_shard (it changes, and every shard is rewritten, only when the archive
    doubles or halves)."""
    want = max(1, math.ceil(count / docs_per_shard))
    return 1 << (want - 1).bit_length()


def _js_sorted(terms: Iterable[str]) -> list[str]:
    """``terms`` in JavaScript's string order (:func:`_utf16_key`): Python's own order when no
    term has a character beyond the BMP (each character one UTF-16 code unit of the same
    value, the usual case), without a key per term."""
    order = sorted(terms)
    joined = "".join(order)
    if len(joined.encode("utf-16-le")) == 2 * len(joined):
        return order
    return sorted(order, key=_utf16_key)


def _utf16_key(term: str) -> bytes:
    """Sort key: JavaScript's string order (UTF-16 code units), which lunr.js's TokenSet
    builder requires of the terms it loads."""
    return term.encode("utf-16-be")


@dataclass(slots=True)
class _Record:
    """What one article contributes to the browser data (see :func:`_record`)."""

    hashes: list[int]  # the article's term hashes, in order of first appearance
    groups: list[bytes]  # per hash: its group's bytes (see _term_groups); none when spilled
    doc: dict[str, Any] | None  # docs/<n>.json: where the card's raw source is None
    card: list[Any]  # [id, path, title, url or None, date, source, raw source or None]
    row: list[Any]  # [date, source, places, actors]
    fingerprint: str
    # the hashes, then per hash a checksum (CRC-32) of its group's bytes: what a rebuild
    # compares to find the hashes where an edited article's postings or forms changed
    digests: array[int]


def _term_groups(postings: dict[str, list[Any]], forms: dict[tuple[int, str, str], str]
                 ) -> tuple[list[int], list[bytes]]:
    """:func:`_term_groups_py`, in one C call where the module is built (the groups' bytes
    written directly: no tuple per posting or form, no marshal call per group)."""
    if _cterms is not None:
        return _cterms.term_groups(postings, forms)
    return _term_groups_py(postings, forms)


def _term_groups_py(postings: dict[str, list[Any]], forms: dict[tuple[int, str, str], str]
                    ) -> tuple[list[int], list[bytes]]:
    """An article's postings (term → [field number, cell text, field number, …]) and forms
    (``(0 stem | 1 root, term, normalized)`` → spelling) grouped by term hash, in order of
    first appearance: the hashes, and per hash the marshal bytes of ``(hash, [(term, [field,
    cell, …]), …], forms)``. The bytes are the group's spill record and, through a checksum,
    what tells an edited article's changed hashes; marshal version 2 has no back references,
    so equal groups give equal bytes whatever their objects' reference counts.

    A form is spilled as ``(level, normalized, spelling)`` when its term is the group's one
    posting term (nearly all: a stem or root is a term of its field), else as ``(level,
    term, normalized, spelling)``; its spelling None when it is the normalized form (two
    thirds of them): the forms were half of the spill's bytes, each term written again with
    each of its forms (:func:`_write_shards` reads them back)."""
    hashes = _hashes(list(postings))
    groups: dict[int, tuple[int, list[Any], list[Any]]]
    rest: list[tuple[int, str, str, str]]
    if len(set(hashes)) == len(hashes):  # no two terms of the article share a hash (usual)
        groups = {h: (h, [item], []) for h, item in zip(hashes, postings.items(), strict=True)}
        # a posting term's forms go to its group, without their term or a hash lookup
        forms_of = dict(zip(postings, map(_FORMS_OF, groups.values()), strict=True)).get
        rest = []
        for (level, term, norm), spelling in forms.items():
            at = forms_of(term)
            if at is None:
                rest.append((level, term, norm, spelling))
            else:
                at.append((level, norm, None if spelling == norm else spelling))
    else:
        rest = [(level, term, norm, spelling)
                for (level, term, norm), spelling in forms.items()]
        groups = {}
        for h, item in zip(hashes, postings.items(), strict=True):
            group = groups.get(h)
            if group is None:
                groups[h] = (h, [item], [])
            else:
                group[1].append(item)
    if rest:
        known = groups.get
        for h, (level, term, norm, spelling) in zip(_hashes(list(map(_FORM_TERM, rest))), rest,
                                                    strict=True):
            item = (level, term, norm, None if spelling == norm else spelling)
            group = known(h)
            if group is None:
                groups[h] = (h, [], [item])
            else:
                group[2].append(item)
    return list(groups), list(map(marshal.dumps, groups.values(), repeat(2)))


def _field_groups(fields: Fields, forms: Firsts, spill: tuple[_Spill, int] | None = None
                  ) -> tuple[list[int], list[bytes], array[int]]:
    """An article's term groups (:func:`_term_groups` of the postings of ``fields``) and its
    digests (:attr:`_Record.digests`: the hashes, then the groups' CRC-32s); in one C call
    where the module is built (no postings dict: the groups written from the fields).
    ``spill``: (the spill, the article's seq) its groups go to (:meth:`_Spill.add_groups`),
    and none returned (the C call then makes no int or bytes per group)."""
    digests = array("I")
    if _cterms is not None:
        if spill is not None and spill[0].native is not None:
            to, seq = spill
            data, full = _cterms.field_groups(fields, forms, None, to.native, seq,
                                              to.buckets - 1)
            digests.frombytes(data)
            for bucket in full:
                to._flush(bucket)
            return [], [], digests
        hashes, groups, data = _cterms.field_groups(fields, forms)
        digests.frombytes(data)
    else:
        hashes, groups = _term_groups(postings_of(fields), forms)
        digests.extend(hashes)
        digests.extend(map(zlib.crc32, groups))
    if spill is not None:
        spill[0].add_groups(spill[1], hashes, groups, spill[0].buckets - 1)
        return [], [], digests
    return hashes, groups, digests


#: A group's forms list (:func:`_term_groups`).
_FORMS_OF = operator.itemgetter(2)


def _record(doc: IndexDoc | ArticleColumns, url: str | None, raw_text: str | None = None,
            spill: tuple[_Spill, int] | None = None) -> _Record:
    """What the article ``doc`` (its tokens, or its analysis record's columns: the same
    record) contributes, its text made from ``raw_text`` (its published raw text) when it
    can be. ``spill``: (the spill, the article's seq) its groups go to at once (a new
    article, always spilled): the record holds none (:func:`_field_groups`)."""
    if isinstance(doc, ArticleColumns):
        fields, first = column_fields(doc)
        art = doc.article
        ident, path, title, date, source, text = (art.id, art.path, art.title, art.date,
                                                  art.source, art.text)
        places, actors = doc.summary.places, doc.summary.actors
    else:
        fields, first = doc_fields(doc)
        ident, path, title, date, source, text = (doc.id, doc.path, doc.title, doc.date,
                                                  doc.source, doc.text)
        places, actors = list(doc.places), list(doc.actors)
    hashes, groups, digests = _field_groups(fields, first, spill)
    source_of = None if raw_text is None else raw_source(raw_text, text)
    # the card says how the text is made from raw/<id>.txt (format 12): the results shown need
    # their card and text, so the page fetches their cards blocks (and raw texts) and a docs/
    # file only for an article whose text is not made from its raw text
    card = [ident, path, title, None if url in (None, f"articles/{ident}/") else url,
            date, source, source_of]
    row = [date, source, places, actors]
    record = {"text": text} if source_of is None else None
    # marshal version 2 (no back references: equal values, equal bytes); a pickler made per
    # article here was kept alive by a reference cycle while the collector is paused. The
    # groups enter through their hashes and checksums (:attr:`_Record.digests`, 8 bytes a
    # group), not their bytes (40–80 KB an article)
    digest = hashlib.blake2b(marshal.dumps((record, card, row), 2), digest_size=16)
    digest.update(digests)
    return _Record(hashes, groups, record, card, row, digest.hexdigest(), digests)


#: Shard state: terms → field number → docnum → delta positions; forms: level → term →
#: normalized form → spelling → docnums.
_Terms = dict[str, dict[int, dict[int, list[int]]]]
_Forms = list[dict[str, dict[str, dict[str, list[int]]]]]


def _empty_forms() -> _Forms:
    return [{}, {}]


def lunr_shard_json(terms: _Terms) -> str:
    """One shard as a serialised lunr index (terms in JavaScript's string order; no
    ``_index``: only lunr's field vectors and its own search use it; no field vectors). Each
    posting is :func:`posting_members` (lunr.js keeps a posting's members as they are)."""
    entries: list[list[Any]] = []
    for term in sorted(terms, key=_utf16_key):
        fields = terms[term]
        docs = sorted(set().union(*fields.values()))
        posting: dict[str, Any] = {}
        if _is_long(fields):
            posting["t"] = _numbers(delta_encode(docs))
            for f, held in fields.items():
                posting[FIELDS[f]] = _numbers([_tf(held[d]) if d in held else 0 for d in docs])
        else:
            posting["d"] = _numbers(delta_encode(docs))
            for f, held in fields.items():
                ref = fields.get(_REF[f]) if f in _REF else None
                posting[FIELDS[f]] = ";".join(
                    "" if d not in held else "=" if ref is not None and ref.get(d) == held[d]
                    else _numbers(held[d]) for d in docs)
        entries.append([term, posting])
    return _dump({"version": LUNR_VERSION, "fields": list(FIELDS), "pipeline": [PIPELINE_LABEL],
                  "invertedIndex": entries, "fieldVectors": []})


#: The field whose positions a field's cell may repeat as ``=`` (same article): the stem's
#: are often the form's, the root's the stem's (body and title apart).
_REF: dict[int, int] = {1: 0, 2: 1, 5: 4, 6: 5}


def _numbers(numbers: list[int]) -> str:
    """Numbers as text (:func:`archive.browser.digits.numbers_text`: ``[3, 1]`` → ``"%#"``)."""
    return numbers_text(numbers)


def gaps_text_py(numbers: list[int]) -> str:
    """The text of the gaps of ``numbers`` (ascending): the first, then each one's distance
    to the one before (:func:`delta_encode`, then :func:`_numbers`)."""
    return numbers_text(delta_encode(numbers))


def gaps_text(numbers: list[int]) -> str:
    """:func:`gaps_text_py`, in C when built (``_cshards.gaps_text``: a long term's tens of
    thousands of articles without a list of gaps and a dict lookup per number)."""
    if _cshards is not None:
        try:
            return _cshards.gaps_text(numbers)  # type: ignore[no-any-return]
        except (TypeError, ValueError):  # not a list of ints below 2**62: the twin decides
            pass
    return gaps_text_py(numbers)


def long_text(numbers: list[int]) -> str:
    """:func:`_numbers` of a long list (a long term's frequencies), in C when built."""
    if _cshards is not None:
        try:
            return _cshards.numbers_text(numbers)  # type: ignore[no-any-return]
        except (TypeError, ValueError):
            pass
    return numbers_text(numbers)


def numbers_of(text: str) -> list[int]:
    """The numbers of a :func:`_numbers` text."""
    return text_numbers(text)


def posting_members(posting: Mapping[str, str]) -> tuple[bool, dict[str, dict[int, Any]]]:
    """Read back a shard's posting (data format 8): whether the term is long, and field name →
    docnum → its positions (ascending; a short term) or term frequency (a long term).

    A short term's posting is ``{"d": docnums, field: cells}``: ``d`` the term's articles
    over all fields (ascending, delta-encoded, :func:`_numbers` text), each field one cell per
    article, ``;`` separated: empty (the field does not hold the article), ``=`` (the same
    positions as the field of :data:`_REF` there: stem → form, root → stem) or the delta
    positions (:func:`_numbers`). A long term's (:data:`LONG_DOCS`) is ``{"t": docnums, field:
    term frequencies}``, one per article, 0 where the field does not hold it; its positions
    are in ``pos/`` (:func:`position_lists`)."""
    long = "t" in posting
    docs = delta_decode(numbers_of(posting["t" if long else "d"]))
    out: dict[str, dict[int, Any]] = {}
    for f, name in enumerate(FIELDS):
        value = posting.get(name)
        if value is None:
            continue
        if long:
            out[name] = {d: tf for d, tf in zip(docs, numbers_of(value), strict=True) if tf}
            continue
        held: dict[int, Any] = {}
        for d, cell in zip(docs, value.split(";"), strict=True):
            if cell == "=":
                held[d] = out[FIELDS[_REF[f]]][d]
            elif cell:
                held[d] = delta_decode(numbers_of(cell))
        out[name] = held
    return long, out


def position_lists(value: str) -> list[list[int]]:
    """A positions file's field (:func:`_posting_fragment`): the positions (ascending) of each
    article, in the order of the field's articles in the shard within the file's range."""
    return [delta_decode(numbers_of(cell)) for cell in value.split(";")]


def _is_long(fields: dict[int, dict[int, list[int]]]) -> bool:
    """Whether a term is long (:data:`LONG_DOCS`): held by more articles than that."""
    if sum(map(len, fields.values())) <= LONG_DOCS:
        return False
    docs: set[int] = set()
    for numbers in fields.values():
        docs.update(numbers)
    return len(docs) > LONG_DOCS


def _tf(deltas: list[int]) -> int:
    """A posting's term frequency: its number of positions."""
    return len(deltas)


def position_blocks(count: int) -> int:
    """Into how many ranges of document numbers a long term held by ``count`` articles
    splits its positions (:data:`BLOCK_DOCS`)."""
    want = max(1, math.ceil(count / BLOCK_DOCS))
    return 1 << (want - 1).bit_length()


def position_block(doc: int, blocks: int, slots: int) -> int:
    """The range of document numbers (of ``blocks``) that ``doc`` belongs to."""
    return doc * blocks // slots


#: The posting fields whose articles a forms level's codes run over (stem: ``stem`` and
#: ``title_stem``; root: ``root`` and ``title_root``).
_LEVEL_FIELDS: tuple[tuple[int, int], ...] = ((1, 5), (2, 6))


def forms_shard_json(forms: _Forms, terms: _Terms | None = None) -> str:
    """``{"stem"|"root": {term: entry}}`` (:func:`_forms_entry`); ``terms``: the shard's
    postings (term → field number → docnum → positions), whose articles the entries number."""
    out: dict[str, dict[str, Any]] = {}
    for level, (name, table) in enumerate(zip(("stem", "root"), forms, strict=True)):
        part: dict[str, Any] = {}
        for term, norms in table.items():
            part[term] = _forms_value(_forms_entry(norms, _level_docs((terms or {}).get(term),
                                                                   level)))
        out[name] = part
    return _dump(out)


def _level_docs(fields: dict[int, dict[int, list[int]]] | _Summary | None, level: int
                ) -> list[int]:
    """The articles of a term's posting in the fields of forms level ``level``, ascending
    (``fields``: its postings, or a long term's summary)."""
    if isinstance(fields, tuple):
        docs, tfs = fields
        a, b = (tfs.get(f) for f in _LEVEL_FIELDS[level])
        if a is None or b is None:
            held = a if b is None else b
            return [] if held is None else list(compress(docs, held))
        if _cshards is not None:  # (a common term's tens of thousands of articles)
            try:
                return _cshards.level_docs(docs, a, b)  # type: ignore[no-any-return]
            except (TypeError, ValueError):  # not lists of ints of one length: the twin
                pass
        return list(compress(docs, map(operator.or_, a, b)))
    if not fields:
        return []
    body, title = _LEVEL_FIELDS[level]
    a, b = fields.get(body), fields.get(title)  # type: ignore[union-attr]
    if a is None or b is None:  # one field (most): its articles are distinct already
        held = a if b is None else b
        return [] if held is None else sorted(held)
    return sorted({*a, *b})


def _forms_entry(norms: dict[str, dict[str, list[int]]], docs: list[int]) -> Any:
    """A term's forms: ``[forms, codes]``. ``forms``: its normalized forms in order, each as
    the string itself when its spelling (that of the lowest-numbered article holding it) is
    the same, else ``[normalized, spelling]``; ``codes``: one per article of the term's
    posting at that level (``docs``, the ascending union of the level's body and title
    fields, which the browser has loaded with the term), the number of the form the article
    holds, a list of numbers when several, -1 for none (the term only inside names); ``0``
    alone when the term has one form, held by each of its articles. When ``docs`` does not
    hold every form's article (no posting under the same term in this shard), the older
    entry ``{normalized: [spelling, docnums delta-encoded]}``."""
    if len(norms) == 1:  # one form (most terms): held by each article of the posting?
        for norm, spellings in norms.items():
            if len(spellings) == 1:
                for spelling, numbers in spellings.items():
                    if numbers == docs or (len(numbers) == len(docs)
                                           and set(numbers) == set(docs)):
                        return [[norm if spelling == norm else [norm, spelling]], 0]
    order = sorted(norms)
    held: list[set[int]] = []
    names: list[Any] = []
    for norm in order:
        spellings = norms[norm]
        numbers: set[int]
        if len(spellings) == 1:  # one spelling (most)
            ((spelling, listed),) = spellings.items()
            numbers = set(listed)
        else:
            spelling = min(spellings, key=lambda s: (min(spellings[s]), s))
            numbers = set()
            for listed in spellings.values():
                numbers.update(listed)
        held.append(numbers)
        names.append(norm if spelling == norm else [norm, spelling])
    # each article's form (the last one when several), the articles holding several
    code_of: dict[int, int] = {}
    seen: set[int] = set()
    several: set[int] = set()
    for i, numbers in enumerate(held):
        code_of.update(dict.fromkeys(numbers, i))
        several |= seen & numbers
        seen |= numbers
    if not seen.issubset(docs):  # an article not in the posting: the explicit entry
        return {norm: [name if isinstance(name, str) else name[1],
                       delta_encode(sorted(numbers))]
                for norm, name, numbers in zip(order, names, held, strict=True)}
    codes: list[Any] = list(map(code_of.get, docs, repeat(-1)))
    if several:  # the numbers of their forms, ascending
        lists: dict[int, list[int]] = {d: [] for d in several}
        for i, numbers in enumerate(held):
            for d in several.intersection(numbers):
                lists[d].append(i)
        for d, forms in lists.items():
            codes[bisect_left(docs, d)] = forms
    if len(order) == 1 and -1 not in codes:
        return [names, 0]
    return [names, codes]


#: Shard state (shard ``k``'s record of the pack in ``build/browser/shards/``,
#: :mod:`archive.browser.shardpack`: a ``marshal`` of the entries, uncompressed): term →
#: (its JSON fragment in the output, its data as ``marshal`` bytes), decoded only when the
#: term changes. Postings: the fragment is the posting's members
#: (``"d":"3","form":"1"``), no data (None: field number → docnum → delta positions are
#: read back from the fragment, :func:`_short_fields`, when the term changes: kept as
#: marshal bytes too, they were 15 % of the state's bytes and pickled, compressed and read
#: on every rebuild of the shard), and a third member False; a
#: long term's data is its summary (:data:`_Summary`: its articles
#: and term frequencies, what its fragment is made of), the third member True: its
#: positions are those of its ``pos/<k>/`` files (:class:`_PosFiles`). Forms (one
#: table per level, stem and root): the fragment is the term's
#: member (``"term":{normalized:[spelling,docnums]}``), the data normalized → spelling →
#: docnums (every spelling kept: the file shows that of the lowest-numbered article).
_Entries = dict[str, tuple[Any, ...]]


def _short_fields(fragment: str) -> dict[int, dict[int, list[int]]]:
    """A short term's postings (field number → docnum → delta positions) read back from its
    shard entry (:func:`_short_fragment`)."""
    posting: dict[str, str] = json.loads("{" + fragment + "}")
    docs = delta_decode(numbers_of(posting["d"]))
    out: dict[int, dict[int, list[int]]] = {}
    for f, name in enumerate(FIELDS):  # a field's reference (_REF) comes before it
        value = posting.get(name)
        if value is None:
            continue
        held: dict[int, list[int]] = {}
        ref = out.get(_REF[f], {}) if f in _REF else {}
        for d, cell in zip(docs, value.split(";"), strict=True):
            if cell == "=":
                held[d] = list(ref[d])
            elif cell:
                held[d] = text_numbers(cell)
        out[f] = held
    return out


def _term_data(entry: tuple[Any, ...]) -> Any:
    """A postings entry's data: a long term's summary, a short term's fields."""
    return marshal.loads(entry[1]) if entry[2] else _short_fields(entry[0])
_LUNR_HEAD = ('{"fieldVectors":[],"fields":' + json.dumps(list(FIELDS), ensure_ascii=False,
                                                          separators=(",", ":"))
              + ',"invertedIndex":[')
_LUNR_TAIL = f'],"pipeline":["{PIPELINE_LABEL}"],"version":"{LUNR_VERSION}"}}'


def _posting_fragment(fields: dict[int, dict[int, Any]], slots: int, cells: bool = False
                      ) -> tuple[str, dict[str, str], _Summary | None]:
    """A term's shard entry (members of its posting, :func:`posting_members`) and, for a long
    term, its positions fragments by file (``<n>.<b>``: the n ranges of document numbers,
    range b): ``{field: "positions;positions;…"}``, the delta positions (:func:`_numbers`) of
    each article of the range holding the term in that field, in the order of the field's
    articles in the shard (the browser takes the articles from there: they are not
    repeated), and its summary (:func:`_long_fragment`; None: a short term). ``cells``: the
    positions given as their cells' text (:func:`_cells`, a cold build), not as lists."""
    if not _is_long(fields):
        return _short_fragment(fields, str if cells else _numbers), {}, None
    docs_all: set[int] = set()
    for numbers in fields.values():
        docs_all.update(numbers)
    docs = sorted(docs_all)
    tfs = _term_frequencies(fields, docs, counts_of if cells else _lengths)
    summary = (docs, tfs)
    blocks = position_blocks(len(docs))
    return (_long_fragment(summary),
            _cell_fragments(fields, blocks, slots) if cells
            else _block_fragments(fields, blocks, slots), summary)


def _lengths(lists: list[list[int]]) -> list[int]:
    """:func:`_tf` of each of ``lists``."""
    return list(map(len, lists))


def _term_frequencies(fields: dict[int, dict[int, Any]], docs: list[int],
                      counts: Callable[[list[Any]], list[int]] | None = None
                      ) -> dict[int, list[int]]:
    """Per field of ``fields`` (in its order): :func:`_tf` of each of ``docs`` (0: not in the
    field). A field holding most of the articles is read over ``docs`` in C; one holding few
    (a title field, mostly) is set at its articles' places only. ``counts``: the term
    frequencies of a list of positions (:func:`_lengths`, the default), or of cells' texts
    (:func:`archive.browser.digits.counts_of`; ``""``: 0)."""
    counts = counts or _lengths
    n = len(docs)
    place: dict[int, int] | None = None
    tfs: dict[int, list[int]] = {}
    for f, held in fields.items():
        if len(held) == n:
            tfs[f] = counts(list(map(held.__getitem__, docs)))
        elif len(held) * 4 > n:
            tfs[f] = counts(list(map(held.get, docs, repeat(""))))
        else:
            if place is None:
                place = dict(zip(docs, range(n), strict=True))
            row = [0] * n
            for d, tf in zip(held, counts(list(held.values())), strict=True):
                row[place[d]] = tf
            tfs[f] = row
    return tfs


#: A long term's articles (ascending) and, per field number, its term frequency in each of
#: them (0: not in the field): what its shard entry is made of (the state keeps it, and not
#: its positions, which are read back from its ``pos/`` files when a range changes).
_Summary = tuple[list[int], dict[int, list[int]]]


def _long_fragment(summary: _Summary) -> str:
    """A long term's shard entry: ``"t"`` its articles delta-encoded, each field its term
    frequencies over them."""
    docs, tfs = summary
    entry: dict[str, str] = {"t": gaps_text(docs)}
    for f, numbers in tfs.items():
        entry[FIELDS[f]] = long_text(numbers)
    return _dump(entry)[1:-1]


def _block_fragments(fields: dict[int, dict[int, list[int]]], blocks: int, slots: int
                     ) -> dict[str, str]:
    """A long term's positions fragments (:func:`_posting_fragment`) of the ranges its
    ``fields`` hold articles in."""
    dump = _dump
    # [[1, 2], [3]] → "#$;%" (:func:`archive.browser.digits.numbers_text`, ";" separated)
    if blocks == 1:  # every article in the one range (most long terms below 512 articles)
        return {"1.0": dump({FIELDS[f]: ";".join(map(numbers_text, map(held.__getitem__,
                                                                        sorted(held))))
                             for f, held in fields.items()})}
    parts: dict[int, dict[str, str]] = {}
    for f, held in fields.items():
        name = FIELDS[f]
        order = sorted(held)
        lists = list(map(held.__getitem__, order))
        i = 0
        while i < len(order):  # the articles of each range (position_block) in turn
            b = order[i] * blocks // slots
            j = bisect_left(order, -(-(b + 1) * slots // blocks), i)
            part = parts.get(b)
            if part is None:
                part = parts[b] = {}
            part[name] = ";".join(map(numbers_text, lists[i:j]))
            i = j
    return {f"{blocks}.{b}": dump(part) for b, part in parts.items()}


def _short_fragment(fields: dict[int, dict[int, Any]],
                    cell: Callable[[Any], str] | None = None) -> str:
    """A short term's shard entry: the text of ``_dump(posting)`` without its braces
    (:func:`posting_members`; members in the order of their names), written directly: the
    usual shapes (one field, or every field holding the same one article) without sorting or
    a union of articles. ``cell``: an article's positions' cell text (:func:`_numbers` of
    its delta positions, the default; ``str`` when they are given as that text already)."""
    numbers = cell or _numbers
    docnums = _numbers
    if len(fields) == 1:
        for f, held in fields.items():
            if len(held) == 1:
                for d, p in held.items():
                    return f'"d":"{docnums([d])}","{FIELDS[f]}":"{numbers(p)}"'
            docs = sorted(held)
            return (f'"d":"{docnums(delta_encode(docs))}","{FIELDS[f]}":"'
                    + ";".join(map(numbers, map(held.__getitem__, docs))) + '"')
    order = sorted(fields, key=_NAME_RANK.__getitem__)
    one = None  # the one article of every field, if so
    for held in fields.values():
        if len(held) != 1:
            one = None
            break
        for d in held:
            if one is None:
                one = d
            elif d != one:
                one = -1
        if one == -1:
            one = None
            break
    out = []
    if one is not None:
        out.append(f'"d":"{docnums([one])}"')
        for f in order:
            p = fields[f][one]
            ref = fields.get(_REF[f]) if f in _REF else None
            text = "=" if ref is not None and ref[one] == p else numbers(p)
            out.append(f'"{FIELDS[f]}":"{text}"')
        return ",".join(out)
    docs = sorted(set().union(*fields.values()))
    out.append(f'"d":"{docnums(delta_encode(docs))}"')
    if numbers is str:  # the cells' text given: each field's cells read over docs in C
        for f in order:
            held = fields[f]
            texts = list(map(held.get, docs, repeat("")))
            ref = fields.get(_REF[f]) if f in _REF else None
            if ref is not None:  # "=": the same cell as the reference field's (not "")
                same = list(map(operator.eq, texts, map(ref.get, docs)))
                if True in same:
                    texts = ["=" if s else t for s, t in zip(same, texts, strict=True)]
            out.append(f'"{FIELDS[f]}":"' + ";".join(texts) + '"')
        return ",".join(out)
    for f in order:
        held = fields[f]
        ref = fields.get(_REF[f]) if f in _REF else None
        if ref is None:
            cells = [numbers(held[d]) if d in held else "" for d in docs]
        else:
            cells = []
            for d in docs:
                p = held.get(d)
                cells.append("" if p is None else "=" if ref.get(d) == p else numbers(p))
        out.append(f'"{FIELDS[f]}":"' + ";".join(cells) + '"')
    return ",".join(out)


def _splice_short(fragment: str, gone: set[int], moved: dict[int, int],
                  add: dict[int, dict[int, list[int]]] | None,
                  old: dict[int, list[int]] | None = None
                  ) -> tuple[str, dict[int, list[int]]] | None:
    """A short term's shard entry patched as text: the cells of the articles ``gone`` taken
    out, the numbers of those ``moved`` changed, the cells of the articles ``add`` brings put
    in; every other article's cells are kept as they are (not decoded and encoded again, as
    :func:`_short_fields` then :func:`_short_fragment` do: after one added or deleted
    article, most of the patching of a shard's common terms). The same text as that pair
    makes, and the term's articles per field of :data:`_LEVEL_FIELDS` (what
    :func:`_level_docs` reads). None when the pair must do it: an article added that the
    entry holds and does not lose, a renumbering that changes the articles' order, no
    article left, or a term that becomes long. ``old`` gets the articles per field of
    :data:`_LEVEL_FIELDS` before (what the term's forms entries were made over)."""
    posting: dict[str, str] = json.loads("{" + fragment + "}")
    docs = delta_decode(numbers_of(posting.pop("d")))
    columns = {_FIELD_OF[name]: value.split(";") for name, value in posting.items()}
    if old is not None:
        for f in _LEVEL_FIELD_SET:
            if f in columns:
                old[f] = list(compress(docs, columns[f]))
    drop = _places(docs, gone) if gone else []
    if drop:
        for i in reversed(drop):
            del docs[i]
            for cells in columns.values():
                del cells[i]
        columns = {f: cells for f, cells in columns.items() if cells.count("") != len(cells)}
    if moved:  # the order checked around the moved numbers only (the rest was in order)
        places = _places(docs, moved)
        for i in places:
            docs[i] = moved[docs[i]]
        last = len(docs) - 1
        if any((i > 0 and docs[i - 1] >= docs[i]) or (i < last and docs[i] >= docs[i + 1])
               for i in places):
            return None
    if add:
        coming = sorted({d for held in add.values() for d in held})
        for d in coming:
            at = bisect_left(docs, d)
            if at < len(docs) and docs[at] == d:
                return None
            docs.insert(at, d)
            for cells in columns.values():
                cells.insert(at, "")
            for f, held in add.items():
                p = held.get(d)
                if p is None:
                    continue
                cells = columns.get(f)
                if cells is None:
                    cells = columns[f] = [""] * len(docs)
                ref = add.get(_REF[f]) if f in _REF else None
                cells[at] = "=" if ref is not None and ref.get(d) == p else numbers_text(p)
    if not docs or len(docs) > LONG_DOCS:
        return None
    out = ['"d":"' + gaps_text(docs) + '"']
    for f in sorted(columns, key=_NAME_RANK.__getitem__):
        out.append(f'"{FIELDS[f]}":"' + ";".join(columns[f]) + '"')
    levels = {f: list(compress(docs, columns[f])) for f in _LEVEL_FIELD_SET if f in columns}
    return ",".join(out), levels


def _places(docs: list[int], numbers: Collection[int]) -> list[int]:
    """The places in ``docs`` (ascending) of those of ``numbers`` it holds, ascending: by
    bisection when they are few (after one added or deleted article, one or two against a
    common term's hundreds of articles, for every term the article held), else by a scan."""
    if 8 * len(numbers) > len(docs):
        return [i for i, d in enumerate(docs) if d in numbers]
    places = []
    for d in numbers:
        at = bisect_left(docs, d)
        if at < len(docs) and docs[at] == d:
            places.append(at)
    places.sort()
    return places


#: Field numbers in the order of their names (JSON's sorted keys; "d" comes before them all).
_FIELDS_BY_NAME = sorted(range(len(FIELDS)), key=FIELDS.__getitem__)
#: Field number → its place in :data:`_FIELDS_BY_NAME`.
_NAME_RANK = [_FIELDS_BY_NAME.index(f) for f in range(len(FIELDS))]
#: Field name → its number.
_FIELD_OF = {name: f for f, name in enumerate(FIELDS)}
#: The fields of every forms level (:data:`_LEVEL_FIELDS`).
_LEVEL_FIELD_SET = frozenset(chain.from_iterable(_LEVEL_FIELDS))


def _forms_fragment(term: str, norms: dict[str, dict[str, list[int]]], docs: list[int]
                    ) -> str:
    if len(norms) == 1:  # one form (most terms): written without the encoder's call
        for norm, spellings in norms.items():
            if len(spellings) == 1:
                for spelling, numbers in spellings.items():
                    if numbers == docs or (len(numbers) == len(docs)
                                           and set(numbers) == set(docs)):
                        return _one_form_fragment(term, norm, spelling)
    return _json_string(term) + ":" + _forms_entry_text(norms, docs)


def _forms_entry_text(norms: dict[str, dict[str, list[int]]], docs: list[int]) -> str:
    """``_dump(_forms_value(_forms_entry(norms, docs)))``, written directly: each article's
    code as its text (:func:`archive.browser.digits.codes_text`: the form's number + 1, ``!``
    for none, ``,`` and the count and numbers of several) put in a dict and looked up over
    ``docs`` in C, without a codes list, the codes encoder's loop over articles (half the
    entries with several forms have an article holding several) and the JSON encoder. The
    older explicit entry (an article not in ``docs``) is left to :func:`_forms_entry`."""
    order = sorted(norms)
    names: list[str] = []
    lists: list[list[int]] = []  # each form's articles (an article possibly twice)
    code_of: dict[int, str] = {}  # article → its code's text (the last form's when several)
    texts = _CODE_TEXTS
    listed = 0
    for i, norm in enumerate(order, 1):
        spellings = norms[norm]
        if len(spellings) == 1:  # one spelling (most)
            ((spelling, numbers),) = spellings.items()
        else:  # that of the lowest-numbered article
            spelling = min(spellings, key=lambda s: (min(spellings[s]), s))
            numbers = list(chain.from_iterable(spellings.values()))
        names.append(_form_name(norm, spelling))
        code_of.update(dict.fromkeys(numbers, texts[i] if i < len(texts)
                                     else numbers_text([i])))
        listed += len(numbers)
        lists.append(numbers)
    if listed != len(code_of):  # an article listed twice: in several forms, or spellings
        seen: set[int] = set()
        several: set[int] = set()
        for numbers in lists:
            held = set(numbers)
            several |= seen & held
            seen |= held
        if several:  # their forms' numbers, ascending: a list code
            forms: dict[int, list[int]] = {d: [] for d in several}
            for i, numbers in enumerate(lists):
                for d in several.intersection(numbers):
                    forms[d].append(i)
            for d, held_forms in forms.items():
                code_of[d] = "," + numbers_text([len(held_forms), *held_forms])
    codes = list(map(code_of.get, docs, repeat("!")))  # (a code's text is never "!" alone)
    missing = codes.count("!")
    if len(docs) - missing != len(code_of):  # an article not in the posting: the explicit
        return _dump(_forms_value(_forms_entry(norms, docs)))
    if len(order) == 1 and not missing:
        return f"[[{names[0]}],0]"
    return "[[" + ",".join(names) + '],"' + "".join(codes) + '"]'


#: The code text of each number below this (:func:`_forms_entry_text`: a form's number + 1).
_CODE_TEXTS = spellings(4096)


def _one_form_fragment(term: str, norm: str, spelling: str) -> str:
    """The forms fragment of a term with one form, held by each article of its posting:
    :func:`_forms_entry`'s ``[[name], 0]``, written without the encoder's call."""
    return f"{_json_string(term)}:[[{_form_name(norm, spelling)}],0]"


def _form_name(norm: str, spelling: str) -> str:
    """A form's name in a forms entry: its normalized text, ``[normalized, spelling]`` when
    the one spelling shown differs."""
    enc = _json_string
    return enc(norm) if spelling == norm else f"[{enc(norm)},{enc(spelling)}]"


def _forms_value(entry: Any) -> Any:
    """A forms entry as written: its codes list as :func:`archive.browser.digits.codes_text`
    (``0`` alone and the older ``{normalized: …}`` entry as they are)."""
    if isinstance(entry, list) and isinstance(entry[1], list):
        return [entry[0], codes_text(entry[1])]
    return entry


#: A string as JSON text (quoted; as :func:`_dump` writes it: not ASCII-escaped).
_json_string: Callable[[str], str] = json.encoder.encode_basestring  # type: ignore[attr-defined]


def _pos_texts(fragments: Mapping[str, Mapping[str, str | None]]) -> dict[str, str]:
    """Positions files (``<n>.<b>`` → JSON ``{term: fragment}``, terms in JavaScript's string
    order) from their terms' fragments (None: not there)."""
    out: dict[str, str] = {}
    for key, terms in fragments.items():
        held = _js_sorted([t for t, fragment in terms.items() if fragment is not None])
        if held:
            enc = _json_string
            out[key] = "{" + ",".join([f"{enc(t)}:{terms[t]}" for t in held]) + "}"
    return out


class _PosFiles:
    """A shard's positions files as the previous build left them (``folder``: its
    ``pos/<k>/``), each read (and parsed) once, when first asked for: ``{term: {field:
    cells}}``, empty when there is no such file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: dict[str, dict[str, dict[str, str]]] = {}

    def get(self, key: str) -> dict[str, dict[str, str]]:
        got = self.files.get(key)
        if got is None:
            try:
                data = (self.folder / f"{key}.json{STORED}").read_bytes()
            except FileNotFoundError:
                got = {}
            else:
                got = json.loads(unpack(data))
            self.files[key] = got
        return got

    def term(self, key: str, term: str) -> dict[str, str]:
        value = self.get(key).get(term)
        if value is None:
            raise ValueError(f"browser index: {self.folder}/{key}.json{STORED} lacks the "
                             f"positions of {term!r} (damaged state: remove the state folder "
                             "for a cold build)")
        return value


def _read_positions(value: Mapping[str, str], docs: list[int], tfs: dict[int, list[int]],
                    lo: int, hi: int, into: dict[int, dict[int, list[int]]]) -> None:
    """Put into ``into`` (field → docnum → delta positions) a long term's positions of its
    articles ``docs[lo:hi]`` (one range of document numbers) from their positions file's
    value (:func:`_block_fragments`)."""
    some = docs[lo:hi]
    for f, numbers in tfs.items():
        held = list(compress(some, numbers[lo:hi]))
        if not held:
            continue
        cells = value[FIELDS[f]].split(";")
        at = into.get(f)
        if at is None:
            at = into[f] = {}
        at.update(zip(held, list(map(text_numbers, cells)),
                      strict=True))


def _read_cells(value: Mapping[str, str], docs: list[int], tfs: dict[int, list[int]],
                lo: int, hi: int, into: dict[int, dict[int, Any]]) -> None:
    """:func:`_read_positions` with each article's positions left as the text of its cell
    (``"%#"``: delta positions, :func:`_numbers`)."""
    some = docs[lo:hi]
    for f, numbers in tfs.items():
        held = list(compress(some, numbers[lo:hi]))
        if not held:
            continue
        at = into.get(f)
        if at is None:
            at = into[f] = {}
        at.update(zip(held, value[FIELDS[f]].split(";"), strict=True))


def _cell_fragments(fields: dict[int, dict[int, Any]], blocks: int, slots: int
                    ) -> dict[str, str]:
    """:func:`_block_fragments` of positions given as lists or as their cells' text."""
    parts: dict[int, dict[str, str]] = {}
    numbers = _numbers
    for f, held in fields.items():
        name = FIELDS[f]
        order = sorted(held)
        cells = [p if p.__class__ is str else numbers(p) for p in map(held.__getitem__, order)]
        i = 0
        while i < len(order):  # the articles of each range (position_block) in turn
            b = order[i] * blocks // slots
            j = bisect_left(order, -(-(b + 1) * slots // blocks), i)
            part = parts.get(b)
            if part is None:
                part = parts[b] = {}
            part[name] = ";".join(cells[i:j])
            i = j
    return {f"{blocks}.{b}": _dump(part) for b, part in parts.items()}


def _long_fields(summary: _Summary, term: str, files: _PosFiles, slots: int
                 ) -> tuple[dict[int, dict[int, list[int]]], list[str]]:
    """A long term's whole postings, read back from its positions files (numbered over
    ``slots`` document numbers), and the names of those files."""
    docs, tfs = summary
    blocks = position_blocks(len(docs))
    fields: dict[int, dict[int, list[int]]] = {}
    keys: list[str] = []
    lo = 0
    while lo < len(docs):
        b = docs[lo] * blocks // slots
        hi = bisect_left(docs, -(-(b + 1) * slots // blocks), lo)
        key = f"{blocks}.{b}"
        keys.append(key)
        _read_positions(files.term(key, term), docs, tfs, lo, hi, fields)
        lo = hi
    return fields, keys


#: A character that JSON escapes (a quote, a backslash, a control character): a term without
#: one is its own JSON string's contents.
_ESCAPED = re.compile('[\x00-\x1f"\\\\]')


def _lunr_text(entries: _Entries) -> str:
    """The shard's lunr index from its fragments: the same text as :func:`lunr_shard_json`.

    (An incremental build makes it again for every shard an added or deleted article touches,
    nearly all of them at 1,000 articles: terms in JavaScript's order without a sort key per
    term (:func:`_js_sorted`), and quoted as they are when none needs escaping.)"""
    terms = _js_sorted(entries)
    if _ESCAPED.search("".join(terms)) is None:
        cells = [f'["{term}",{{{entries[term][0]}}}]' for term in terms]
    else:
        cells = [f"[{_json_string(term)},{{{entries[term][0]}}}]" for term in terms]
    return _LUNR_HEAD + ",".join(cells) + _LUNR_TAIL


def _forms_text(tables: list[_Entries]) -> str:
    """The shard's forms from its fragments: the same text as :func:`forms_shard_json`."""
    stem, root = tables
    return ('{"root":{' + ",".join(root[t][0] for t in sorted(root)) + '},"stem":{'
            + ",".join(stem[t][0] for t in sorted(stem)) + "}}")


class _Spill:
    """Per-bucket spill files of the stream's postings: records of ``marshal`` bytes (faster
    than pickle for these plain tuples, lists and dicts), gathered in memory up to
    :data:`SPILL_FLUSH` bytes per bucket and written as one batch: the marshal bytes of the
    list of those records (its length, 4 bytes little-endian, before it), so that reading
    decodes a batch of records in one ``marshal.loads`` (at 29,904 articles a cold build
    spills about six million records over 256 buckets, one per article and bucket: decoded
    one by one, each record's call and framing cost about as much as its postings' work);
    a bucket is read back :data:`SPILL_READ` bytes at a time (``marshal.load`` on a file
    object reads it a few bytes at a time)."""

    def __init__(self, directory: Path, buckets: int = SPILL_BUCKETS) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.flush = max(SPILL_FLUSH * SPILL_BUCKETS // buckets, 1 << 12)
        self.buckets = buckets
        self.files: dict[int, IO[bytes]] = {}
        # the records gathered and the sizes: in C where the module is built (buckets 0 …
        # buckets, the last for the articles' docs records), else here
        self.native = None if _cterms is None else _cterms.spill_new(buckets + 1, self.flush)
        # per bucket: [its records' marshal bytes gathered, how many]
        self.buffers: dict[int, list[Any]] = {}
        self.sizes: dict[int, int] = {}

    def add(self, bucket: int, item: Any) -> None:
        self.add_bytes(bucket, marshal.dumps(item, 2))

    def add_bytes(self, bucket: int, data: bytes) -> None:
        """:meth:`add` of an item given as its marshal bytes (version 2)."""
        if self.native is not None:
            if _cterms.spill_add(self.native, bucket, data):
                self._flush(bucket)
            return
        batch = self.buffers.get(bucket)
        if batch is None:
            batch = self.buffers[bucket] = [bytearray(), 0]
        buffer = batch[0]
        buffer += data
        batch[1] += 1
        # (counted as a record and its 4-byte length: the sizes that decide a bucket's
        # passes, :func:`_write_shards`)
        self.sizes[bucket] = self.sizes.get(bucket, 0) + 4 + len(data)
        if len(buffer) >= self.flush:
            self._flush(bucket)

    def add_groups(self, seq: int, hashes: list[int], groups: list[bytes], mask: int) -> None:
        """An article's groups (:attr:`_Record.groups`, ``hashes`` theirs): per bucket
        (``hash & mask``), one record ``(seq, [group, …])`` of its groups in their order,
        read back by :func:`_write_shards`; its marshal bytes are made of the groups' own
        (:func:`_spilled`). In one C call where the module is built (each group's bytes
        copied once, into its bucket's buffer)."""
        if self.native is not None:
            for bucket in _cterms.spill_groups(self.native, seq, hashes, groups, mask):
                self._flush(bucket)
            return
        by_bucket: dict[int, list[bytes]] = {}
        for h, data in zip(hashes, groups, strict=True):
            b = by_bucket.get(h & mask)
            if b is None:
                by_bucket[h & mask] = [data]
            else:
                b.append(data)
        head = _SPILL_HEAD + marshal.dumps(seq, 2)
        for bucket, held in by_bucket.items():
            self.add_bytes(bucket, _spilled(head, held))

    def _file(self, bucket: int) -> IO[bytes]:
        out = self.files.get(bucket)
        if out is None:
            out = self.files[bucket] = open(self.directory / f"{bucket}.bin", "wb")  # noqa: SIM115
        return out

    def _flush(self, bucket: int) -> None:
        if self.native is not None:
            self._file(bucket).write(_cterms.spill_take(self.native, bucket))
            return
        batch = self.buffers[bucket]
        buffer, count = batch
        self._file(bucket).write(b"".join([(5 + len(buffer)).to_bytes(4, "little"), b"[",
                                           count.to_bytes(4, "little"), buffer]))
        buffer.clear()
        batch[1] = 0

    def close(self) -> None:
        if self.native is not None:
            # the rest of each bucket written, its size kept, the buffers freed
            for bucket in range(self.buckets + 1):
                data = _cterms.spill_take(self.native, bucket)
                if data is not None:
                    self._file(bucket).write(data)
                size = _cterms.spill_size(self.native, bucket)
                if size:
                    self.sizes[bucket] = size
            self.native = None
        for bucket, batch in self.buffers.items():
            if batch[1]:
                self._flush(bucket)
        for out in self.files.values():
            out.close()

    def size(self, bucket: int) -> int:
        """The bytes of ``bucket``'s records (after :meth:`close`)."""
        return self.sizes.get(bucket, 0)

    def read(self, bucket: int) -> Iterator[Any]:
        """``bucket``'s records in the order they were added, read :data:`SPILL_READ` bytes
        at a time (its file grows with the archive; a batch is never split)."""
        return chain.from_iterable(self.batches(bucket))

    def batches(self, bucket: int) -> Iterator[list[Any]]:
        """:meth:`read`'s records, a batch (the list of one write) at a time."""
        return map(marshal.loads, self.batch_bytes(bucket))

    def batch_bytes(self, bucket: int) -> Iterator[memoryview]:
        """:meth:`batches` as their marshal bytes (each valid until the next is asked for)."""
        if bucket not in self.files:
            return
        with open(self.directory / f"{bucket}.bin", "rb") as source:
            rest = b""
            while True:
                chunk = source.read(SPILL_READ)
                if not chunk:
                    break
                data = memoryview(rest + chunk)
                at, end = 0, len(data)
                while at + 4 <= end:
                    size = int.from_bytes(data[at:at + 4], "little")
                    if at + 4 + size > end:
                        break
                    yield data[at + 4:at + 4 + size]
                    at += 4 + size
                rest = bytes(data[at:])
                data.release()
            if rest:
                raise ValueError(f"spill bucket {bucket}: {len(rest)} bytes after the last "
                                 "whole batch")


#: The marshal bytes (version 2) of a tuple of two items, before the items' own.
_SPILL_HEAD = b"(" + (2).to_bytes(4, "little")


def _spilled(head: bytes, groups: list[bytes]) -> bytes:
    """A spill record ``(seq, [group, …])`` as marshal bytes from its parts: ``head`` (the
    tuple's and ``seq``'s) and each group's own marshal bytes (a list's are its type, its
    length and its items' bytes): the groups are not encoded a second time."""
    return b"".join([head, b"[", len(groups).to_bytes(4, "little"), *groups])


#: The code that turns an analysed article into its browser data (package-relative): this
#: module, the number and codes text it writes (``digits``), the text patches of its
#: rebuilds (``formsplice``), the shard states (``shardpack``), an article's terms
#: (``articleterms``), the C sources of an article's groups and of the cold shards' loops
#: (``_cterms.c``, ``_cshards.c``: their twins make the same bytes, but a fix to one is a
#: change of what the build wrote) and the index documents and columns it reads.
CODE_FILES = ("browser/index.py", "browser/digits.py", "browser/formsplice.py",
              "browser/shardpack.py", "browser/articleterms.py", "browser/_cterms.c",
              "browser/_cshards.c",
              "index/docs.py", "index/schema.py", "index/columns.py")


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """The fingerprint of :data:`CODE_FILES` (the analysis and corpus code are in each
    article's key) and of the zlib that compresses the data (another zlib may give other bytes
    for the same data: then a cold build, so that the files are those a cold build writes)."""
    code = files.fingerprint("browser index", CODE_FILES)[:16]
    return f"{code} zlib {zlib.ZLIB_RUNTIME_VERSION}"


def _constants_key(gazetteer: Any) -> str:
    """What ``analyzer-tables.json``, ``lexicon/`` and ``names.json`` are made from: the
    analysis and gazetteer code and data (:func:`archive.records.code_fingerprint`), this
    module, and each entity's names and context rule (the name matcher's input)."""
    from archive import records

    try:
        tashaphyne = metadata.version("tashaphyne")
    except metadata.PackageNotFoundError:
        tashaphyne = "-"
    h = hashlib.sha256(f"browser constants\0{records.code_fingerprint()}\0"
                       f"{_code_fingerprint()}\0tashaphyne {tashaphyne}\0".encode())
    if gazetteer is not None:
        for key in sorted(gazetteer.entities):
            e = gazetteer.entities[key]
            rule = e.context
            rule = None if rule is None else [rule.as_json(), None if rule.names is None else
                                              sorted(" ".join(n) for n in rule.names)]
            h.update(json.dumps([key, list(e.names), rule], ensure_ascii=False,
                                sort_keys=True).encode() + b"\n")
    return h.hexdigest()


def _year(date: str | None) -> str | None:
    return date[:4] if date and len(date) >= 4 and date[:4].isdigit() else None


def _utf16(text: str, offset: int, cache: dict[int, int]) -> int:
    if offset not in cache:
        cache[offset] = len(text[:offset].encode("utf-16-le")) // 2
    return cache[offset]


def priors_in_shards(core: dict[str, Any], shards: dict[str, dict[str, Any]]
                     ) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The browser's analyzer tables (:func:`archive.analysis.tables.browser_tables`) with
    ``root_prior`` moved from the core (fetched before every first query) into the lexicon
    shards: each shard holds the priors of the roots its lexicon entries name (``root:kind:
    weight|…``). analyzer.js reads a prior only to choose among the roots a word's lexicon
    entries give (``lexiconReading``; the pattern chooser that reads others is not used in
    the browser), and ``prepare`` fetches the shards of those entries, so every prior it
    reads comes with them (19 KB gzip less up front). Tables with the pattern chooser are
    returned as they are."""
    from archive.analysis.morphology import FALLBACK

    if FALLBACK != "light" or "root_prior" not in core:
        return core, shards
    prior = core["root_prior"]
    out: dict[str, dict[str, Any]] = {}
    for name, shard in shards.items():
        roots = {entry.split(":", 1)[0] for value in shard.get("lexicon", {}).values()
                 for entry in value.split("|")}
        here = {r: prior[r] for r in sorted(roots) if r in prior}
        out[name] = {**shard, "root_prior": here} if here else shard
    return {k: v for k, v in core.items() if k != "root_prior"}, out


def doc_record(doc: IndexDoc, raw: str | None = None) -> dict[str, Any]:
    """How the browser gets an article's text: ``{"raw": [start, [s, e, replacement], …]}``
    when it can be made from ``raw``, the published raw text of the article (``raw/<id>.txt``
    of the site, decoded as the browser decodes it, :func:`published_raw`; the browser fetches
    it and takes the text from it: :func:`text_from_raw`, loader.js ``textFromRaw``), else
    ``{"text": text}`` (``docs/<n>.json``). The ``raw`` list is the card's last member
    (``cards/<b>.json``)."""
    source = None if raw is None else raw_source(raw, doc.text)
    return {"text": doc.text} if source is None else {"raw": source}


#: Folder of the articles' raw texts in the site (``raw/<id>.txt``, the seed byte for byte:
#: archive.site.plugin).
RAW_DIR = "raw"
#: Characters of the text that must match the raw text where :func:`raw_source` joins them
#: again after an edit.
RAW_ANCHOR = 8
#: The furthest :func:`raw_source` looks in the raw text (characters) for the text's next
#: characters after an edit (a removed tag is at most ~500).
RAW_WINDOW = 1024
#: Characters of the text tried as the start of the next match after an edit.
RAW_INSERT = 64


def published_raw(site_dir: Path, ident: str) -> str | None:
    """The article's raw text as the site publishes it (``raw/<id>.txt``) and the browser
    reads it (``Response.text()``: UTF-8), or None: no such file, not UTF-8, or a leading
    byte-order mark (the browser's decoder drops it: not used, to stay simple)."""
    try:
        data = (site_dir / RAW_DIR / f"{ident}.txt").read_bytes()
    except OSError:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return None if text.startswith("\ufeff") else text


def _common(a: str, i: int, b: str, j: int) -> int:
    """Length of the common prefix of ``a[i:]`` and ``b[j:]``."""
    n = 0
    step = 256
    limit = min(len(a) - i, len(b) - j)
    while step:
        while n + step <= limit and a[i + n:i + n + step] == b[j + n:j + n + step]:
            n += step
        step >>= 2
    return n


#: A character beyond the BMP (two UTF-16 code units).
_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


def raw_source(raw: str, text: str) -> list[Any] | None:
    """How to make ``text`` from ``raw``: ``[start, [s, e, replacement], …]`` (UTF-16
    offsets into ``raw``, edits in order): the text is ``raw[start:s1] + replacement1 +
    raw[e1:s2] + …  + raw[e_last:]`` (:func:`text_from_raw`). Usually the text is the end of
    the raw text (the article after its front matter): no edits. The loader's cleaning
    (invisible characters, entities, tags …) gives a few small edits. None when the edits
    would not be much smaller than the text, or no match is found; the result is checked."""
    if not text:
        return None
    if raw.endswith(text):  # (the text is the raw text's end: nothing to check)
        start, edits = len(raw) - len(text), []
    else:
        found = _raw_edits(raw, text)
        if found is None:
            return None
        start, edits = found
        if sum(len(r) + 12 for _s, _e, r in edits) > len(text) // 2:
            return None
        out, at = [], start
        for s, e, r in edits:
            out += (raw[at:s], r)
            at = e
        out.append(raw[at:])
        if "".join(out) != text:  # cannot happen (every kept run is compared): a guard
            return None
    if raw.isascii() or _ASTRAL.search(raw) is None:  # (a regex: max(raw) is 20 times slower)
        return [start, *([s, e, r] for s, e, r in edits)]
    cache: dict[int, int] = {}
    return [_utf16(raw, start, cache),
            *([_utf16(raw, s, cache), _utf16(raw, e, cache), r] for s, e, r in edits)]


def _raw_edits(raw: str, text: str) -> tuple[int, list[tuple[int, int, str]]] | None:
    """(start, edits) in code points for :func:`raw_source`, or None."""
    # the text starts about where the front matter ends (a guess, only where to look first)
    close = raw.find("\n---", 3) if raw.startswith("---") else -1
    found = (None if close < 0 else _resync(raw, close + 1, text, 0, RAW_WINDOW, True)) \
        or _resync(raw, 0, text, 0, len(raw), True, True)
    if found is None:
        return None
    start, dj = found
    edits: list[tuple[int, int, str]] = [(start, start, text[:dj])] if dj else []
    i, j = start, dj
    while True:
        n = _common(raw, i, text, j)
        i, j = i + n, j + n
        if j == len(text):
            if i < len(raw):
                edits.append((i, len(raw), ""))
            return start, edits
        # raw[i] differs from text[j]: the nearest place where the text goes on
        found = _resync(raw, i, text, j, RAW_WINDOW)
        if found is None:
            return None
        p, dj = found
        edits.append((i, p, text[j:j + dj]))
        i, j = p, j + dj


def _resync(raw: str, i: int, text: str, j: int, window: int, start: bool = False,
            first: bool = False) -> tuple[int, int] | None:
    """(p, d): where ``text[j + d:]`` goes on in ``raw`` (``p`` ≥ ``i``, within ``window``,
    ``d`` ≤ :data:`RAW_INSERT`; not ``(i, 0)`` unless at the ``start``), matched over
    :data:`RAW_ANCHOR` characters or, failing that, over a quarter of them (dense edits): the
    place with the least ``p - i + d`` (``first``: the least ``d``)."""
    for size in (RAW_ANCHOR, RAW_ANCHOR // 2):
        best: tuple[int, int] | None = None
        for d in range(min(RAW_INSERT, len(text) - j) + 1):
            if best is not None and (first or d >= best[0] - i + best[1]):
                break
            anchor = text[j + d:j + d + size]
            if len(anchor) == size:
                p = raw.find(anchor, i, i + window + size)
            else:  # the end of the text: the end of the raw text
                p = len(raw) - len(anchor) if raw.endswith(anchor) else -1
            if p >= i and (p > i or d > 0 or start) and (
                    best is None or p - i + d < best[0] - i + best[1]):
                best = (p, d)
        if best is not None:
            return best
    return None


def text_from_raw(raw: str, source: list[Any]) -> str:
    """The text a :func:`raw_source` entry makes of ``raw`` (offsets in UTF-16 units, as
    loader.js ``textFromRaw`` reads them)."""
    units = raw.encode("utf-16-le")

    def cut(a: int, b: int | None = None) -> str:
        return units[2 * a:None if b is None else 2 * b].decode("utf-16-le")

    out, at = [], source[0]
    for s, e, r in source[1:]:
        out.append(cut(at, s))
        out.append(r)
        at = e
    out.append(cut(at))
    return "".join(out)


def entity_rows(gazetteer: Any) -> dict[str, list[Any]]:
    """Every gazetteer entity: key → [kind, id, name, aliases, parent] (for facets and for
    resolving place/actor filters by id, name or alias, places inside included)."""
    out: dict[str, list[Any]] = {}
    if gazetteer is None:
        return out
    for key in sorted(gazetteer.entities):
        e = gazetteer.entities[key]
        out[key] = [e.kind, e.id, e.name, list(e.aliases), e.parent]
    return out


#: One encoder for every dump (``json.dumps`` with options builds a new one per call).
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _dump(data: Any) -> str:
    """Compact JSON with sorted keys (as ``json.dumps(..., ensure_ascii=False,
    sort_keys=True, separators=(",", ":"))``)."""
    return _ENCODER.encode(data)


def _bits_text(data: bytes | bytearray) -> str:
    """Bytes as base64 text (standard alphabet, padded): ``atob`` in the browser."""
    return base64.b64encode(bytes(data)).decode("ascii")


def live_bitset(live: Iterable[int], slots: int) -> str:
    """The live document numbers as a bitset over ``slots``, base64: bit ``n % 8`` (least
    significant first) of byte ``n // 8`` is set when document number ``n`` is live."""
    bits = bytearray((slots + 7) // 8)
    for n in live:
        bits[n >> 3] |= 1 << (n & 7)
    return _bits_text(bits)


def live_numbers(text: str) -> list[int]:
    """The document numbers of a :func:`live_bitset`, ascending."""
    return [8 * i + b for i, byte in enumerate(base64.b64decode(text)) if byte
            for b in range(8) if byte >> b & 1]


def rank_code(ranks: list[int]) -> str:
    """A permutation of ``0 … len(ranks) - 1`` (the articles' places in id order, listed in
    ascending document number) as its Lehmer code, base64: for the k-th number, its index
    among the places not taken by the ones before it, in ``bit_length(n - k - 1)`` bits,
    most significant first, the bit stream padded with zeros to whole bytes. 13.4 bits per
    article at 29,904 articles (a permutation cannot take less than log2(n!) / n ≈ 13.4),
    where the JSON list of places took 20 after gzip. Made by ``_cshards.lehmer_code`` when
    built (this function's loop is its twin): every add or delete rebuild makes it again."""
    if _cshards is not None and type(ranks) is list:
        made = _cshards.lehmer_code(ranks)
        if made is not None:  # (None: not a permutation, left to the loop below)
            return _bits_text(made)
    n = len(ranks)
    tree = [0] * (n + 1)  # Fenwick tree: places taken so far
    out = bytearray()
    acc = width = 0
    for k, r in enumerate(ranks):
        below = 0
        i = r  # places < r taken
        while i > 0:
            below += tree[i]
            i &= i - 1
        i = r + 1
        while i <= n:
            tree[i] += 1
            i += i & -i
        w = (n - k - 1).bit_length()
        acc = (acc << w) | (r - below)
        width += w
        while width >= 8:
            width -= 8
            out.append(acc >> width & 0xFF)
        acc &= (1 << width) - 1
    if width:
        out.append(acc << (8 - width) & 0xFF)
    return _bits_text(out)


def rank_places(text: str, n: int) -> list[int]:
    """The places of a :func:`rank_code` of ``n`` articles (its inverse)."""
    data = base64.b64decode(text)
    bits = int.from_bytes(data, "big")
    total = 8 * len(data)
    remaining = list(range(n))
    out = []
    at = 0
    for k in range(n):
        w = (n - k - 1).bit_length()
        d = bits >> (total - at - w) & ((1 << w) - 1) if w else 0
        at += w
        out.append(remaining.pop(d))
    return out


def meta_record(ranks: dict[int, int], slots: int, shards: int) -> dict[str, Any]:
    """``meta.json``, the manifest loaded up front: what the first result list needs, the
    statistics and the live document numbers (``live``: :func:`live_bitset`). Each article's
    place in id order (ties in ranking) is in ``rank.json`` and ``rank/<b>.json``
    (:func:`rank_records`), fetched only for tied rows; what filters, sorting by date and
    facets need is in ``columns.json`` (:func:`columns_record`), fetched after the first
    results. ``ranks``: docnum → place in id order (``0 … len(ranks) - 1``)."""
    live = sorted(ranks)
    return {
        "version": DATA_VERSION,
        "count": len(ranks),
        "slots": slots,
        "shards": shards,
        "shard_hash": "fnv1a32-utf16",
        "card_block": CARD_BLOCK,
        "block_docs": BLOCK_DOCS,
        "rank_block": RANK_BLOCK,
        "live": live_bitset(live, slots),
    }


def rank_blocks(slots: int) -> int:
    """The number of ``rank/<b>.json`` files over ``slots`` document numbers."""
    return -(-slots // RANK_BLOCK)


#: The leading characters of an id's tail that are lowercase hex digits (:func:`rank_keys`).
_HEX_RUN = re.compile("[0-9a-f]*")


def _tail_value(tail: str, bits: int) -> int:
    """``tail`` read as a hex fraction, its first ``bits`` bits: non-decreasing in the tail's
    order (Python's, by code point) for any text, uniform over the ids' hex tails. A digit
    ends it where another character stands: the fraction goes on with zeros after the end or
    a character below ``0``, with ``f`` after one above ``f``, and with ``9fff…`` after one
    between ``9`` and ``a`` (so a text compares with the texts around it as it reads)."""
    digits = (bits + 3) // 4
    run = _HEX_RUN.match(tail, 0, digits).end()  # type: ignore[union-attr]
    value = int(tail[:run], 16) if run else 0
    rest = digits - run
    if rest and run < len(tail):
        c = tail[run]
        if c > "f":
            value = ((value + 1) << 4 * rest) - 1
        elif c > "9":
            value = ((value * 16 + 10) << 4 * (rest - 1)) - 1
        else:
            value <<= 4 * rest
    else:
        value <<= 4 * rest
    return value >> (4 * digits - bits)


def rank_keys(ids: list[str]) -> list[int]:
    """The articles' rank keys (ties in ranking), for ``ids`` in ascending order: strictly
    increasing, so the browser orders tied rows by them as Python orders them by id, and
    nearly all of them the same after an id came or went, unlike the places in id order
    (every place after it shifts: every ``rank/<b>.json`` rewritten). An id is a *head* (up
    to its first ``-``: the source) and a tail (its hex digits); the ids of one head (a run
    in id order) get ``2**bits`` keys from the run's ``offset`` (``bits``: one more than
    the bit length of their count, so at most half of them taken), and an id the first that
    is at least ``offset`` + its tail's first ``bits`` bits (:func:`_tail_value`) and above
    the id before it (like a linear probe). A pure function of the live ids; an add or
    delete changes the key of that id and of the few pushed after it in its run, unless its
    head's count crosses a power of two or a head comes or goes (every run after it moves).
    Ids of another shape still get increasing keys, with fewer of them kept."""
    keys: list[int] = []
    offset = 0
    keys_last = -1
    i = 0
    n = len(ids)
    while i < n:
        prefix = ids[i].partition("-")[0] + "-"
        j = i + 1
        while j < n and ids[j].startswith(prefix):
            j += 1
        bits = (j - i).bit_length() + 1
        cut = len(prefix)
        digits = (bits + 3) // 4
        end = cut + digits
        shift = 4 * digits - bits
        for ident in ids[i:j]:
            hexes = ident[cut:end]
            # (the usual tail, hex digits all the way: read at once)
            value = (int(hexes, 16) >> shift
                     if len(hexes) == digits and not hexes.strip("0123456789abcdef")
                     else _tail_value(ident[cut:], bits))
            key = offset + value
            if key <= keys_last:
                key = keys_last + 1
            keys.append(key)
            keys_last = key
        offset += 1 << bits
        i = j
    return keys


def rank_records(ranks: dict[int, int], slots: int,
                 keys: list[int] | None = None) -> dict[str, Any]:
    """The articles' rank keys (ties in ranking, :func:`rank_keys`; ``keys``: by place in id
    order, None: the places themselves), by file name: ``rank.json`` (``{"rank": ...,
    "keys": ...}``, a :func:`rank_code` of the places over the live numbers ascending, and
    the keys in id order as :mod:`~archive.browser.digits` text of their gaps less one) and
    ``rank/<b>.json``: the keys of the live numbers among ``b·RANK_BLOCK`` …
    ``(b+1)·RANK_BLOCK - 1``, ascending, as a list. ``ranks``: docnum → place in id order."""
    live = sorted(ranks)
    if keys is None:
        keys = list(range(len(ranks)))
    blocks: list[list[int]] = [[] for _ in range(rank_blocks(slots))]
    for n in live:
        blocks[n // RANK_BLOCK].append(keys[ranks[n]])
    out: dict[str, Any] = {"rank.json": {"rank": rank_code([ranks[n] for n in live]),
                                         "keys": rank_keys_text(keys)}}
    for b, places in enumerate(blocks):
        out[f"rank/{b}.json"] = places
    return out


def rank_block_records(keys: dict[int, int], b: int) -> list[int]:
    """``rank/<b>.json``: the keys of the live numbers of block ``b`` (``keys``: docnum →
    key), ascending numbers."""
    return [keys[n] for n in range(b * RANK_BLOCK, (b + 1) * RANK_BLOCK) if n in keys]


def rank_keys_text(keys: list[int]) -> str:
    """``rank.json``'s ``keys``: the keys in id order as the digit text of their gaps less
    one (the first: the key itself)."""
    return numbers_text([k - p - 1 for p, k in pairwise([-1, *keys])])


def columns_record(rows: dict[int, list[Any]], gazetteer: Any) -> dict[str, Any]:
    """``columns.json``: compact columns over the live document numbers in ascending order
    (those of ``meta.json``'s ``live``): date and source as numbers into ``dates``/``sources``
    (-1: none), places and actors as numbers into ``entity_keys``; and the gazetteer's
    entities. ``rows``: docnum → [date, source, places, actors]."""
    entities = entity_rows(gazetteer)
    live = sorted(rows)
    ordered = [rows[n] for n in live]
    # one pass over the rows for what every row adds (a list per column made in a loop over
    # rows each looked up again cost 0.15 s at 29,904 articles, in every add/delete rebuild)
    dated: set[str] = set()
    sourced: set[str] = set()
    named: set[str] = set()
    for date, source, places, actors in ordered:
        if date:
            dated.add(date)
        if source:
            sourced.add(source)
        if places:
            named.update(places)
        if actors:
            named.update(actors)
    for key in sorted(named.difference(entities)):
        # declared in front matter but not in the gazetteer
        kind, _, ident = key.partition(":")
        entities[key] = [kind, ident, ident, [], None]
    keys = sorted(entities)
    number = {k: i for i, k in enumerate(keys)}
    dates = sorted(dated)
    sources = sorted(sourced)
    date_no = {d: i for i, d in enumerate(dates)}
    source_no = {s: i for i, s in enumerate(sources)}
    return {
        "version": DATA_VERSION,
        "count": len(rows),
        "dates": dates,
        "sources": sources,
        "date": [date_no.get(r[0], -1) for r in ordered],  # (none: "" or None)
        "source": [source_no.get(r[1], -1) for r in ordered],
        "places": [[number[k] for k in r[2]] for r in ordered],
        "actors": [[number[k] for k in r[3]] for r in ordered],
        "entity_columns": ["kind", "id", "name", "aliases", "parent"],
        "entity_keys": keys,
        "entities": {k: entities[k] for k in keys},
    }


def delta_encode_signed(numbers: list[int]) -> list[int]:
    """Numbers in their order as the first and then the differences (may be negative)."""
    return [b - a for a, b in zip([0, *numbers], numbers, strict=False)]


@dataclass(slots=True)
class BrowserIndexReport:
    """Where the data went and how big it is.

    ``files`` maps a name (``meta.json``, ``lunr/*.json``, ...) to the files written under it
    (stored as ``.json.dfl``).
    ``written``/``kept``: files whose bytes changed (written) or not (left untouched) in the
    state folder (or the site, without one); ``changed``/``deleted``: articles rewritten and
    removed; ``full``: every shard was rebuilt (no usable state, or the shard count changed).
    :attr:`sizes` reads the files back (the JSON's bytes and the stored compressed bytes) only
    when asked, for reports and benchmarks."""

    directory: Path
    articles: int
    files: Mapping[str, list[Path]] = field(default_factory=dict)
    written: int = 0
    kept: int = 0
    changed: int = 0
    deleted: int = 0
    full: bool = True

    @property
    def sizes(self) -> dict[str, tuple[int, int]]:
        """Name → (JSON bytes, stored compressed bytes), summed over its files (computed on each
        call)."""
        out: dict[str, tuple[int, int]] = {}
        for name, paths in self.files.items():
            raw = gz = 0
            for path in paths:
                data = path.read_bytes()
                raw += len(unpack(data))
                gz += len(data)
            out[name] = (raw, gz)
        return out

    def total(self, names: Iterable[str] | None = None) -> tuple[int, int]:
        sizes = self.sizes
        keys = sizes if names is None else names
        raw = sum(sizes[k][0] for k in keys)
        gz = sum(sizes[k][1] for k in keys)
        return raw, gz


def pack(text: str) -> bytes:
    """A data file's stored bytes: the UTF-8 JSON text as a raw deflate stream (level
    :data:`GZIP_LEVEL`, no header or trailer: loader.js reads it with
    ``DecompressionStream('deflate-raw')``)."""
    return zlib.compress(text.encode("utf-8"), GZIP_LEVEL, -15)


def unpack(stored: bytes) -> bytes:
    """The JSON bytes of a stored data file (:func:`pack`)."""
    return zlib.decompress(stored, -15)


def read_data(data_dir: Path, name: str) -> Any:
    """The JSON of one data file by its name (``meta.json``, ``lunr/3.json``) in
    ``data_dir`` (``<site>/search/data``)."""
    return json.loads(unpack((Path(data_dir) / (name + STORED)).read_bytes()))


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


def _create(path: str, data: bytes) -> None:
    """Write ``data`` as the new file ``path`` (or over it) with the os calls alone: a cold
    build creates about 21,000 data files at 9,504 articles, and a buffered file object's
    making and closing cost about as much as the writing of a small file."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


class _Out:
    """Writes data files compressed (``name`` + :data:`STORED`), only when their content changes
    (atomically: a new file replaces the old). ``fresh``: ``root`` did not exist before
    this build, so no file is there to compare with (none is read)."""

    def __init__(self, root: Path, report: BrowserIndexReport, fresh: bool = False) -> None:
        self.root = root
        self.report = report
        self.fresh = fresh
        self.folders: set[Path] = set()  # made during this build
        self.base = str(root)
        self.made: set[str] = set()  # folders (relative to root) made or known there
        #: the paths (relative to root) this build wrote or removed there, for the mirrors
        #: of the folder (:class:`_Journal`); a fresh folder's are not listed (all of it)
        self.names: set[str] = set()

    def _folder(self, path: Path) -> None:
        folder = path.parent
        if folder not in self.folders:
            folder.mkdir(parents=True, exist_ok=True)
            self.folders.add(folder)

    def put(self, name: str, text: str, changed: bool = False) -> None:
        """Store the JSON ``text`` as ``name`` + :data:`STORED` (compressed only when it
        changed). ``changed``: the caller knows the text differs from the stored file's (what
        it was made from changed): the file is not read back and compared."""
        if self.fresh:  # written in place: a build that fails leaves no state.bin
            # by its name as text: tens of thousands of files, each Path made and asked for
            # its folder cost about as much as the writing
            folder = name.rpartition("/")[0]
            if folder not in self.made:
                os.makedirs(f"{self.base}/{folder}", exist_ok=True)
                self.made.add(folder)
            _create(f"{self.base}/{name}{STORED}", pack(text))
            self.report.written += 1
            return
        if changed:  # by its name as text (hundreds of files after one added article)
            folder, _, base = name.rpartition("/")
            if folder not in self.made:
                os.makedirs(f"{self.base}/{folder}", exist_ok=True)
                self.made.add(folder)
            tmp = f"{self.base}/{folder}/.{base}{STORED}.tmp"
            _create(tmp, pack(text))
            os.replace(tmp, f"{self.base}/{name}{STORED}")
            self.names.add(name + STORED)
            self.report.written += 1
            return
        path = self.root / (name + STORED)
        data = text.encode("utf-8")
        try:
            old = path.read_bytes()
        except FileNotFoundError:
            self._folder(path)
        else:
            try:
                same = unpack(old) == data
            except (OSError, EOFError, zlib.error):  # damaged: rewritten
                same = False
            if same:
                self.report.kept += 1
                return
        self._replace(path, pack(text))
        self.names.add(name + STORED)

    def put_stored(self, name: str, stored: bytes) -> Path:
        """Store already compressed bytes (a file moved from another name) as ``name`` +
        :data:`STORED`."""
        path = self.root / (name + STORED)
        try:
            if path.read_bytes() == stored:
                self.report.kept += 1
                return path
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
        self.names.add(name + STORED)
        return self._replace(path, stored)

    def remove(self, name: str) -> None:
        """Remove the file ``name`` (its stored name) if there is one."""
        self.names.add(name)
        Path(f"{self.base}/{name}").unlink(missing_ok=True)

    def _replace(self, path: Path, stored: bytes) -> Path:
        tmp = path.with_name(f".{path.name}.tmp")
        _create(str(tmp), stored)
        os.replace(tmp, path)
        self.report.written += 1
        return path


@runtime_checkable
class ArticleSource(Protocol):
    """Analysed articles kept on disk (``archive.records.Analysis``): their ids in ascending
    order with the key of what each was analysed from (``keys``), and each article on demand.
    Given one, the writer does not even read an article whose key and address are those of
    the previous build: it reuses what it stored for it."""

    @property
    def keys(self) -> Mapping[str, str]: ...

    def article(self, article_id: str) -> AnalyzedArticle: ...


def _stream(analyzed: Iterable[AnalyzedArticle] | ArticleSource
            ) -> Iterator[tuple[str, str | None, AnalyzedArticle | None]]:
    """``(id, key, article)`` in id order: from a source, its key and no article (read it
    when needed); from analysed articles, no key."""
    if isinstance(analyzed, ArticleSource):
        for ident, key in analyzed.keys.items():
            yield ident, key, None
    else:
        for aa in _sorted_by_id(analyzed):
            yield aa.article.id, None, aa


def _columns_reader(analyzed: Iterable[AnalyzedArticle] | ArticleSource
                    ) -> Callable[[str], ArticleColumns] | None:
    """How to read an article of ``analyzed`` as its record's columns
    (:func:`archive.index.columns.article_columns`: what :meth:`ArticleSource.article` gives,
    without a Token per token), if it can be: an ``archive.records.Analysis``, or a source
    with a ``columns(article_id)`` method (the site plugin's); None for any other."""
    from archive.records import Analysis

    if isinstance(analyzed, Analysis):
        return partial(article_columns, analyzed)
    reader = getattr(analyzed, "columns", None)
    return reader if callable(reader) else None


def _count(analyzed: Iterable[AnalyzedArticle] | ArticleSource) -> int | None:
    """How many articles :func:`_stream` gives (None: a stream, not known before)."""
    if isinstance(analyzed, ArticleSource):
        return len(analyzed.keys)
    return len(analyzed) if isinstance(analyzed, list | tuple) else None


def _sorted_by_id(analyzed: Iterable[AnalyzedArticle]) -> Iterator[AnalyzedArticle]:
    """The articles in id order: a list is sorted, a stream must already be."""
    if isinstance(analyzed, list | tuple):
        yield from sorted(analyzed, key=lambda aa: aa.article.id)
        return
    last: str | None = None
    for aa in analyzed:
        ident = aa.article.id
        if last is not None and ident <= last:
            raise ValueError(f"browser index: article {ident!r} comes after {last!r}; the "
                             "stream of analysed articles must be in ascending id order, each "
                             "id once (sort them, or pass a list)")
        last = ident
        yield aa


def _load_state(state_dir: Path | None) -> dict[str, Any] | None:
    if state_dir is None:
        return None
    path = state_dir / STATE_FILE
    state: dict[str, Any] | None = keptstate.read(path)  # (`mkdocs serve`: kept in memory)
    try:
        if state is None:
            state = keptstate.load(path)
    except (OSError, ValueError):
        return None
    assert state is not None
    if (state.get("version") != STATE_VERSION or state.get("data_version") != DATA_VERSION
            or state.get("code") != _code_fingerprint()):
        return None
    return state


def slot_space(count: int) -> int:
    """The number of document numbers for ``count`` articles: the smallest power of two ≥
    twice the count (so that an article's number is mostly the hash of its id)."""
    return 1 << max(0, 2 * count - 1).bit_length()


def _id_hash(ident: str) -> int:
    return int.from_bytes(hashlib.blake2b(ident.encode("utf-8"), digest_size=8).digest(), "big")


def assign_docnums(ids: list[str], slots: int) -> list[int]:
    """Document numbers of ``ids`` (ascending): each takes the slot its id hashes to, or the
    next free one (in id order). A function of the set of ids alone, so a cold build and any
    sequence of incremental builds number alike; adding or deleting one article moves only
    the few articles whose probe ran through its slot."""
    taken = bytearray(slots)
    out = []
    for ident in ids:
        s = _id_hash(ident) % slots
        while taken[s]:
            s = (s + 1) % slots
        taken[s] = 1
        out.append(s)
    return out


def _article_key(ident: str) -> bytes:
    return hashlib.blake2b(ident.encode("utf-8"), digest_size=12).digest()


class _Digests:
    """Every article's term hashes and their checksums (what :func:`_old_digests` reads),
    kept in :data:`DIGEST_PACKS` pack files ``articles/<p>.bin`` (an article's pack: the first
    bytes of its key), not one file per article (creating tens of thousands of small files
    was about 5 % of a cold build's CPU). A pack is a sequence of records: the article's key
    (12 bytes), its number of hashes n (4 bytes, little-endian), then the n hashes and the n
    checksums (unsigned 32-bit, native order, as ``array("I")``).

    A cold build (``fresh``) appends each article's record to its pack, buffered; a rebuild
    reads the old records of the packs it needs (:meth:`get`, before any change) and
    rewrites, at :meth:`close`, the packs where an article came, changed or left."""

    def __init__(self, folder: Path, fresh: bool) -> None:
        self.folder = folder
        self.fresh = fresh
        if fresh and folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self.buffers: dict[int, bytearray] = {}
        self.packs: dict[int, dict[bytes, bytes]] = {}  # as the previous build left them
        self.changes: dict[int, dict[bytes, bytes | None]] = {}

    @staticmethod
    def pack_of(key: bytes) -> int:
        return int.from_bytes(key[:4], "little") % DIGEST_PACKS

    def _read(self, p: int) -> dict[bytes, bytes]:
        got = self.packs.get(p)
        if got is None:
            got = self.packs[p] = {}
            try:
                data = (self.folder / f"{p}.bin").read_bytes()
            except FileNotFoundError:
                return got
            at = 0
            while at + 16 <= len(data):
                n = int.from_bytes(data[at + 12:at + 16], "little")
                end = at + 16 + 8 * n
                if end > len(data):
                    break
                got[data[at:at + 12]] = data[at + 16:end]
                at = end
            if at != len(data):
                raise ValueError(f"browser state: {self.folder}/{p}.bin is damaged (remove "
                                 "the state folder for a cold build)")
        return got

    def get(self, ident: str) -> bytes | None:
        """The article's digests as the previous build left them (None: none)."""
        key = _article_key(ident)
        return self._read(self.pack_of(key)).get(key)

    def put(self, ident: str, digests: bytes | None) -> None:
        """Set the article's digests (None: the article left)."""
        key = _article_key(ident)
        p = self.pack_of(key)
        if not self.fresh:
            self.changes.setdefault(p, {})[key] = digests
            return
        assert digests is not None
        buffer = self.buffers.get(p)
        if buffer is None:
            buffer = self.buffers[p] = bytearray()
        buffer += key
        buffer += (len(digests) // 8).to_bytes(4, "little")
        buffer += digests
        if len(buffer) >= DIGEST_FLUSH:
            self._append(p, buffer)

    def _append(self, p: int, buffer: bytearray) -> None:
        with open(self.folder / f"{p}.bin", "ab") as out:
            out.write(buffer)
        buffer.clear()

    def close(self) -> None:
        for p, buffer in self.buffers.items():
            if buffer:
                self._append(p, buffer)
        for p, changes in sorted(self.changes.items()):
            records = dict(self._read(p))
            for key, digests in changes.items():
                if digests is None:
                    records.pop(key, None)
                else:
                    records[key] = digests
            path = self.folder / f"{p}.bin"
            if not records:
                path.unlink(missing_ok=True)
                continue
            tmp = self.folder / f".{p}.tmp"
            tmp.write_bytes(b"".join([key + (len(records[key]) // 8).to_bytes(4, "little")
                                      + records[key] for key in sorted(records)]))
            os.replace(tmp, path)
        self.changes.clear()


def write_browser_index(
    analyzed: Iterable[AnalyzedArticle] | ArticleSource,
    site_dir: Path,
    gazetteer: Any = None,
    urls: dict[str, str] | None = None,
    state_dir: Path | None = None,
    docs_per_shard: float = DOCS_PER_SHARD,
    trim: Every | None = None,
) -> BrowserIndexReport:
    """Write the browser's search data and assets for ``analyzed`` under ``site_dir``.

    ``analyzed``: the articles in ascending id order (a list is sorted here), read once;
    one article is held at a time (what it contributes goes to spill files). Or an
    :class:`ArticleSource`, from which only the articles that changed are read. ``urls``: article
    id → page URL relative to the site root (default ``articles/<id>/``). ``state_dir`` (e.g.
    ``build/browser``): the data and the state of the previous build; only what changed is
    rewritten there, and the site gets hard links to its files (copies across file systems).
    Without it, a cold build written straight into the site. ``trim`` (a one-shot build's):
    stepped once per round over the spill files, each round's postings let go of at its end
    (:data:`archive.memory.ROUNDS`)."""
    # The collector's automatic collections are paused meanwhile: the writer makes millions of
    # short-lived lists, dicts and tuples (no reference cycles), so its allocations triggered
    # collections that walked every object of the process (a cold `mkdocs build` holds the
    # site's data: each full collection then costs more than the objects it looks at) for
    # nothing to free. Objects no longer used are still freed at once (reference counting).
    with paused_gc():
        return _write_browser_index(analyzed, site_dir, gazetteer, urls, state_dir,
                                    docs_per_shard, trim)


def _write_browser_index(
    analyzed: Iterable[AnalyzedArticle] | ArticleSource,
    site_dir: Path,
    gazetteer: Any,
    urls: dict[str, str] | None,
    state_dir: Path | None,
    docs_per_shard: float,
    trim: Every | None,
) -> BrowserIndexReport:
    """:func:`write_browser_index` (with the collector paused)."""
    from archive.index.docs import IndexDoc

    site_data = Path(site_dir) / DATA_DIR
    state = _load_state(state_dir)
    journal = None
    if state_dir is not None:
        # (read while the state it was written with is there)
        journal = _Journal.read(state_dir, state is not None)
        state_dir.mkdir(parents=True, exist_ok=True)
        (state_dir / STATE_FILE).unlink(missing_ok=True)  # a failed build leaves no state
        (state_dir / "state.json").unlink(missing_ok=True)  # (state version 9's, JSON)
        out_dir = state_dir / "data"
        hashes_dir: _Digests | None = _Digests(state_dir / "articles", fresh=state is None)
    else:
        out_dir = site_data
        if out_dir.exists():
            shutil.rmtree(out_dir)
        hashes_dir = None
    report = BrowserIndexReport(site_data, 0)
    out = _Out(out_dir, report, fresh=not out_dir.exists())
    urls = urls or {}
    previous: dict[str, list[Any]] = state["docs"] if state else {}

    ids: list[str] = []
    entries: list[list[Any]] = []  # per article (id order): [fingerprint, card, row, made from]
    changed: list[int] = []  # stream positions of changed and new articles
    # the term hashes and checksums of changed articles that were there before (a new
    # article's are written at once: held for every article, they were the largest part of
    # a cold build's memory growth, about 8 KB per article)
    touched: dict[int, array[int]] = {}
    with tempfile.TemporaryDirectory(prefix="browser-spill-",
                                     dir=state_dir if state_dir is not None else None) as tmp:
        # the term buckets 0 … buckets - 1, then the articles' docs records; more buckets
        # only for a cold build (a rebuild spills the articles that changed)
        count = _count(analyzed) if state is None else None
        buckets = spill_buckets(count, shard_count(count or 1, docs_per_shard))
        spill = _Spill(Path(tmp), buckets)
        columns = _columns_reader(analyzed)
        try:
            for seq, (ident, key, aa) in enumerate(_stream(analyzed)):
                url = urls.get(ident)
                # what the entry was made from: the analysis record's key and the address
                made_from = None if key is None else f"{key} {url}"
                old = previous.get(ident)
                ids.append(ident)
                if made_from is not None and old is not None and old[4:] == [made_from]:
                    entries.append([*old[1:4], made_from])  # not read: nothing changed
                    continue
                doc: IndexDoc | ArticleColumns
                if aa is None and columns is not None:
                    doc = columns(ident)  # its record as read: no Token per token
                else:
                    if aa is None:
                        assert isinstance(analyzed, ArticleSource)
                        aa = analyzed.article(ident)
                    doc = IndexDoc.from_analyzed(aa)  # its title analysed with its body
                # the text from the site's raw/<id>.txt when it can be made from it
                # a new article's groups go to the spill as they are made (it is spilled
                # whatever its fingerprint): no int or bytes object per group
                rec = _record(doc, url, published_raw(Path(site_dir), ident),
                              (spill, seq) if old is None else None)
                entries.append([rec.fingerprint, rec.card, rec.row, made_from])
                if old is not None and old[1] == rec.fingerprint:
                    continue
                changed.append(seq)
                if rec.doc is not None:
                    spill.add(buckets, (seq, rec.doc))
                # per bucket, the article's groups (one per term hash), read back by
                # _write_shards as ``(seq, [(hash, postings, forms), …])`` (a new article's
                # are there already)
                if old is not None:
                    spill.add_groups(seq, rec.hashes, rec.groups, buckets - 1)
                if hashes_dir is None:
                    continue
                digests = rec.digests
                if old is None:  # a new article: nothing to compare with, set now
                    hashes_dir.put(ident, digests.tobytes())
                else:  # compared with its old file below (kept: edited articles are few)
                    touched[seq] = digests
        finally:
            spill.close()

        slots = slot_space(len(ids))
        shards = shard_count(len(ids), docs_per_shard)
        numbers = assign_docnums(ids, slots)
        report.articles = len(ids)
        report.changed = len(changed)
        changed_set = set(changed)
        old_slots = state["slots"] if state else None
        old_shards = state["shards"] if state else None
        gone: set[int] = set()  # old numbers of changed and deleted articles
        moved: dict[int, int] = {}  # old → new number of unchanged articles that moved
        dirty: set[int] = set()  # term hashes of the shards that hold their old postings
        # changed articles that keep their number: the term hashes where what they put
        # changed (their other postings stay as they are, and their spill there is skipped)
        partial: dict[int, set[int]] = {}
        live_ids = set(ids)
        for seq, ident in enumerate(ids):
            old = previous.get(ident)
            if old is None:
                continue
            if seq in changed_set:
                before = _old_digests(hashes_dir, ident)
                if before is not None and old[0] == numbers[seq]:
                    after = touched[seq]
                    half = len(after) // 2
                    now = dict(zip(after[:half], after[half:], strict=True))
                    differ = {h for h in before.keys() | now.keys()
                              if before.get(h) != now.get(h)}
                    partial[old[0]] = differ
                    dirty.update(differ)
                else:
                    gone.add(old[0])
                    dirty.update(_old_hashes(hashes_dir, ident))
            elif old[0] != numbers[seq]:
                moved[old[0]] = numbers[seq]
                dirty.update(_old_hashes(hashes_dir, ident))
        for ident, old in previous.items():
            if ident not in live_ids:
                report.deleted += 1
                gone.add(old[0])
                dirty.update(_old_hashes(hashes_dir, ident))
                if hashes_dir is not None:
                    hashes_dir.put(ident, None)
        if hashes_dir is not None:
            for seq, hashes in touched.items():
                hashes_dir.put(ids[seq], hashes.tobytes())
            hashes_dir.close()
        del touched
        everything = state is None or old_slots != slots or old_shards != shards
        report.full = everything
        renumber = {seq: numbers[seq] for seq in changed}
        _write_shards(spill, out, state_dir, shards, old_shards if state else None,
                      everything, renumber, gone, moved, dirty, partial, slots, old_slots,
                      buckets, trim)

        # docs/<n>.json (only the articles whose card has no raw source): changed articles
        # from the spill, moved ones from their old file
        # per document number: each article's place in id order, metadata row and card, in
        # one pass over the ids (every add or delete rebuild makes them all again)
        ranks: dict[int, int] = {}
        rows: dict[int, list[Any]] = {}
        cards: dict[int, list[Any]] = {}
        texted: set[int] = set()  # articles whose card has no raw source
        for seq, (n, entry) in enumerate(zip(numbers, entries, strict=True)):
            ranks[n] = seq
            rows[n] = entry[2]
            card = cards[n] = entry[1]
            if card[6] is None:
                texted.add(n)
        texts = {new: (out_dir / "docs" / f"{old}.json{STORED}").read_bytes()
                 for old, new in moved.items()
                 if (out_dir / "docs" / f"{old}.json{STORED}").exists()}
        for old in gone | set(moved) | {numbers[seq] for seq in changed}:
            if old not in texted:
                out.remove(f"docs/{old}.json{STORED}")
        for new, data in texts.items():
            out.put_stored(f"docs/{new}.json", data)
        for seq, record in spill.read(buckets):
            out.put(f"docs/{numbers[seq]}.json", _dump(record))

    out.put("meta.json", _dump(meta_record(ranks, slots, shards)))
    # rank keys (ties in ranking): only an added or deleted article changes them, and only
    # its own and the few pushed after it (rank_keys), so only their blocks are written
    # (and rank.json, which holds every place); the same ids: kept as they are, unless a
    # file is missing
    same_ids = (not everything and len(previous) == len(ids)
                and all(ident in previous for ident in ids))
    rank_count = rank_blocks(slots)
    keys: list[int] | None = None
    renew: set[int] = set()  # the blocks to write
    if not same_ids:
        keys = rank_keys(ids)
        if everything:
            renew.update(range(rank_count))
        else:
            before = sorted(previous)
            old_keys = dict(zip(before, rank_keys(before), strict=True))
            for seq, ident in enumerate(ids):
                old = previous.get(ident)
                if old is None or old[0] != numbers[seq] or old_keys[ident] != keys[seq]:
                    renew.add(numbers[seq] // RANK_BLOCK)
                    if old is not None:
                        renew.add(old[0] // RANK_BLOCK)
            renew.update(old[0] // RANK_BLOCK for ident, old in previous.items()
                         if ident not in live_ids)
    by_number: dict[int, int] | None = None
    for b in range(rank_count):
        if b not in renew and (out_dir / f"rank/{b}.json{STORED}").is_file():
            report.kept += 1
            continue
        if by_number is None:
            keys = keys if keys is not None else rank_keys(ids)
            by_number = dict(zip(numbers, keys, strict=True))
        out.put(f"rank/{b}.json", _dump(rank_block_records(by_number, b)))
    if same_ids and (out_dir / f"rank.json{STORED}").is_file():
        report.kept += 1
    else:
        keys = keys if keys is not None else rank_keys(ids)
        live = sorted(ranks)
        out.put("rank.json", _dump({"rank": rank_code([ranks[n] for n in live]),
                                    "keys": rank_keys_text(keys)}))
    out.put("columns.json", _dump(columns_record(rows, gazetteer)))
    blocks = -(-slots // CARD_BLOCK)
    # a block changes only when one of its numbers does: an article there changed, left,
    # came or moved (a changed card changes the article's fingerprint); the others are
    # kept without being encoded again, unless their file is missing
    touched = {n // CARD_BLOCK for n in (*renumber.values(), *gone, *moved, *moved.values())}
    for b in range(blocks):
        if (everything or b in touched
                or not (out_dir / "cards" / f"{b}.json{STORED}").is_file()):
            out.put(f"cards/{b}.json", _dump([cards.get(n) for n in range(
                b * CARD_BLOCK, min(slots, (b + 1) * CARD_BLOCK))]))
        else:
            report.kept += 1
    # The analyzer's tables and the name table: the same until the analysis or gazetteer code
    # or the gazetteer's names change; made again only then (or when a file is missing).
    constants = _constants_key(gazetteer)
    kept = state.get("constants") if state and not everything else None
    if (isinstance(kept, list) and len(kept) == 2 and kept[0] == constants
            and all((out_dir / f"{n}.json{STORED}").is_file() for n in (
                "analyzer-tables", "names", *(f"{LEXICON_DIR}/{x}" for x in kept[1])))):
        lexicon_names = list(kept[1])
        report.kept += 2 + len(lexicon_names)
    else:
        core, lexicon = priors_in_shards(*browser_tables())
        out.put("analyzer-tables.json", json.dumps(core, sort_keys=True, ensure_ascii=False,
                                                   separators=(",", ":")) + "\n")
        for name, part in lexicon.items():
            out.put(f"{LEXICON_DIR}/{name}.json", json.dumps(
                part, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n")
        names: dict[str, Any] = {"format": 1, "proclitics": [], "article": "ال", "names": {}}
        if gazetteer is not None:
            names = gazetteer.matcher().export_table()
        out.put("names.json", _dump(names))
        lexicon_names = list(lexicon)
    if everything:
        # (a folder made by this build holds only what it wrote: not listed again)
        _sweep(None if out.fresh else out_dir, shards, texted, blocks, set(lexicon_names),
               state_dir, rank_blocks(slots))

    if state_dir is not None:
        assert journal is not None
        _write_state(state_dir / STATE_FILE, {
            "version": STATE_VERSION, "data_version": DATA_VERSION, "code": _code_fingerprint(),
            "shards": shards, "slots": slots, "constants": [constants, lexicon_names]},
            ((ident, [numbers[seq], *entries[seq]]) for seq, ident in enumerate(ids)))
        # what this build changed in the data folder, kept before any mirror is touched
        journal.add(None if everything or out.fresh else out.names)
        journal.save()
        journal.mirror(out_dir, site_data)
    # listed when first read (reports, benchmarks): a build does not need the list
    report.files = _Listing(lambda: _files(site_data, shards, sorted(texted), blocks,
                                           sorted(lexicon_names)))
    copy_assets(Path(site_dir))
    return report


def _write_state(path: Path, head: dict[str, Any], docs: Iterable[tuple[str, Any]]) -> None:
    """``path`` ← the state ``{**head, "docs": dict(docs)}`` (:mod:`archive.browser.keptstate`),
    written a few articles at a time: ``docs`` in ascending id order, without the whole file
    or a dict of every article in memory (kept in memory under `mkdocs serve`)."""
    keptstate.write(path, head, docs)


def _old_digests(hashes_dir: _Digests | None, ident: str) -> dict[int, int] | None:
    """The article's term hashes (in order of first appearance), then per hash a checksum of
    its postings and forms there (:class:`_Digests`). None: none kept."""
    if hashes_dir is None:
        return None
    data = hashes_dir.get(ident)
    if data is None:
        return None
    numbers = array("I")
    numbers.frombytes(data)
    half = len(numbers) // 2
    return dict(zip(numbers[:half].tolist(), numbers[half:].tolist(), strict=True))


def _old_hashes(hashes_dir: _Digests | None, ident: str) -> list[int]:
    return list(_old_digests(hashes_dir, ident) or ())


def _write_shards(spill: _Spill, out: _Out, state_dir: Path | None, shards: int,
                  old_shards: int | None, everything: bool, renumber: dict[int, int],
                  gone: set[int], moved: dict[int, int], dirty: set[int],
                  partial: dict[int, set[int]] | None = None, slots: int = 1,
                  old_slots: int | None = None, buckets: int = SPILL_BUCKETS,
                  trim: Every | None = None) -> None:
    """Rebuild the shards that changed. Cold (``old_shards`` None): every shard from the
    spill alone. Otherwise each from its saved state (:func:`_load_shard`): only its terms
    that hash to a ``dirty`` hash (terms of changed, deleted or moved articles; every term
    when ``everything``) are decoded, lose the articles ``gone``, have the numbers of
    ``moved`` articles changed, take the spill's postings (``renumber``: spill position →
    document number) and are encoded again; the other terms keep their JSON fragments. The
    shards rebuilt: those holding terms of changed or moved articles, or every shard when the
    numbering or the number of shards changed (``everything``). ``trim``: stepped once a
    round."""
    folder = state_dir / "shards" if state_dir is not None else None
    reshard = old_shards is not None and old_shards != shards
    # the shard states (one pack: :mod:`archive.browser.shardpack`), read from ``states`` and
    # written to ``target``: the same pack unless the number of shards changes
    states = None if folder is None else ShardPack(folder, fresh=old_shards is None)
    target = states
    if folder is not None and reshard:
        new = folder.with_name("shards.new")
        if new.exists():
            shutil.rmtree(new)
        target = ShardPack(new, fresh=True)
    dirty_shards = {h % shards for h in dirty}
    # A long term's positions are read back from its positions files (the state keeps its
    # summary only). When every shard is rebuilt (a new numbering) they are read from the
    # previous build's files, moved aside first (``pos.old``: a shard being written may be
    # another's source when the number of shards changes).
    pos_dir = out.root / "pos"
    pos_old = out.root / "pos.old"
    if pos_old.exists():
        shutil.rmtree(pos_old)
    if everything and old_shards is not None and pos_dir.exists():
        os.replace(pos_dir, pos_old)
    if old_slots is None:
        old_slots = slots
    # a bucket holds the terms of hash ≡ bucket (mod buckets); with fewer shards than
    # buckets every shard spreads over several buckets: read them all at once
    groups = ([[b] for b in range(buckets)] if shards >= buckets
              else [list(range(buckets))])
    partial = partial or {}
    renumbering = bool(gone or moved or partial)
    spread = shards < buckets
    # a large bucket is read in several passes, each building the shards k with
    # k // buckets ≡ pass (mod passes) (k ≡ pass when spread)
    step = 1 if spread else buckets
    rounds: list[tuple[list[int], int, int]] = []
    for group in groups:
        passes = min(-(-sum(map(spill.size, group)) // SPILL_PASS), -(-shards // step))
        rounds += [(group, passes, part_of) for part_of in range(max(passes, 1))]
    # after articles left or moved: the shards holding their postings, loaded at once, and
    # all their terms hashed together (:func:`_preloaded`)
    preloaded, prehashed = (_preloaded(states, sorted(dirty_shards), dirty)
                            if states is not None and old_shards is not None and renumbering
                            and not everything and not reshard else ({}, {}))
    for group, passes, part_of in rounds:
        if trim is not None:
            trim.step()
        incoming: dict[int, tuple[_Terms, _Forms]] = {}
        # cold: the round's shards made at once (:func:`_fresh_round`)
        made = (_fresh_round(spill, group, renumber, shards, passes, step, part_of, slots)
                if old_shards is None else {})
        for bucket in group if old_shards is not None else ():
            if _cshards is None:
                _gather(spill.batches(bucket), renumber, partial, shards, passes, step,
                        part_of, incoming)
            else:  # in C, from the batches' bytes
                _cshards.gather_spill(spill.batch_bytes(bucket), renumber, partial, shards,
                                      passes, step, part_of, incoming)
        if old_shards is not None:  # a rebuild patches delta positions lists, not cells
            _cells_to_lists(incoming)
        # the shards of this round: every one of its buckets' (only those holding changed
        # terms unless ``everything``), listed from the buckets, not by a scan of every shard
        # in each round (rounds times shards: 4 million at 29,904 articles)
        mine = (range(shards) if spread
                else chain.from_iterable(range(b, shards, buckets) for b in group))
        members = sorted({k for k in (mine if everything else dirty_shards)
                          if (spread or k % buckets in group)
                          and (passes <= 1 or k // step % passes == part_of)}
                         | set(incoming) | set(made))
        for k in members:
            if old_shards is None:  # cold: nothing to patch
                lunr, forms_state, fragments = made.pop(k, ({}, [{}, {}], {}))
                _save_shard(target, k, lunr, forms_state)
                out.put(f"lunr/{k}.json", _lunr_text(lunr))
                _put_positions(out, k, _pos_texts(fragments))
                out.put(f"forms/{k}.json", _forms_text(forms_state))
                continue
            lunr = {}
            forms_state = [{}, {}]
            origin: dict[str, int] = {}  # term → the old shard it comes from (everything)
            if states is not None:
                # the old shards whose terms may now be in shard k
                sources = ([k % old_shards] if old_shards <= shards
                           else list(range(k, old_shards, shards)))
                for j in sources:
                    old = preloaded.pop(j) if j in preloaded else _load_shard(states, j)
                    if old is None:
                        continue
                    old_lunr, old_forms = old
                    if reshard:
                        old_lunr = {t: v for t, v in old_lunr.items() if _hash(t) % shards == k}
                        old_forms = [{t: v for t, v in table.items() if _hash(t) % shards == k}
                                     for table in old_forms]
                    lunr.update(old_lunr)
                    if everything:
                        origin.update(dict.fromkeys(old_lunr, j))
                    for level in (0, 1):
                        forms_state[level].update(old_forms[level])
            new_terms, new_forms = incoming.pop(k, ({}, _empty_forms()))
            # the shard's entries as loaded: a file whose entries' text changed is written
            # without reading back and inflating the old one (the text made from them differs)
            before = (None if everything else (dict(lunr), [dict(t) for t in forms_state]))
            fragments = {}
            here = _PosFiles(pos_dir / str(k))
            files = (_old_positions(origin, pos_old, old_slots) if everything
                     else _same_positions(here, slots))
            hashed = prehashed.pop(k, None) or _Hashed()  # (each term of the shard hashed once)
            # the postings of the terms patched, as they were (for the forms' text patch)
            was: dict[str, Any] | None = None if everything else {}
            touched = _patch_postings(lunr, new_terms, renumbering, everything, dirty, gone,
                                      moved, partial, slots, files, fragments, hashed, was)
            for level in (0, 1):
                _patch_forms(forms_state[level], new_forms[level], renumbering, everything,
                             dirty, gone, moved, partial, level, lunr, touched, hashed,
                             new_terms, was)
            _save_shard(target, k, lunr, forms_state)
            out.put(f"lunr/{k}.json", _lunr_text(lunr),
                    changed=before is not None and not _same_text(lunr, before[0]))
            if everything:
                _put_positions(out, k, _pos_texts(fragments))
            else:
                _update_positions(out, k, here, fragments)
            out.put(f"forms/{k}.json", _forms_text(forms_state),
                    changed=before is not None and not all(map(_same_text, forms_state,
                                                               before[1])))
    if pos_old.exists():
        shutil.rmtree(pos_old)
    if target is not None:
        target.close(shards)
    if reshard and states is not None and target is not None and folder is not None:
        states.close(write=False)
        shutil.rmtree(folder)
        os.replace(target.folder, folder)


#: A cold round's shards: k → (postings entries, [stem, root] forms entries, positions
#: fragments), as :func:`_fresh_postings` and :func:`_fresh_forms` make them.
_Made = dict[int, tuple[_Entries, list[_Entries], dict[str, dict[str, str | None]]]]


def _fresh_round(spill: _Spill, group: list[int], renumber: Mapping[int, int], shards: int,
                 passes: int, step: int, part_of: int, slots: int) -> _Made:
    """One round of a cold :func:`_write_shards`: the spill's records of the buckets ``group``
    gathered (:func:`_gather`, every posting of every article) and each shard's entries made
    from them (:func:`_fresh_postings`, :func:`_fresh_forms`). In one C pass when
    :mod:`archive.browser._cshards` is built (``fresh_round``: the postings kept packed
    between the two, no dict or str made per posting; None from it: a batch of another
    shape, read as here); otherwise, and as its reference, the twins in turn."""
    if _cshards is not None:
        made = _cshards.fresh_round(chain.from_iterable(map(spill.batch_bytes, group)),
                                    renumber, shards, passes, step, part_of, LONG_DOCS, slots,
                                    BLOCK_DOCS, _fresh_posting, _fresh_form)
        if made is not None:
            return made  # type: ignore[no-any-return]
    incoming: dict[int, tuple[_Terms, _Forms]] = {}
    for bucket in group:
        if _cshards is None:
            _gather(spill.batches(bucket), renumber, {}, shards, passes, step, part_of,
                    incoming)
        else:  # in C, from the batches' bytes
            _cshards.gather_spill(spill.batch_bytes(bucket), renumber, {}, shards, passes,
                                  step, part_of, incoming)
    made = {}
    for k in list(incoming):
        new_terms, new_forms = incoming.pop(k)  # (freed shard by shard)
        fragments: dict[str, dict[str, str | None]] = {}
        made[k] = (_fresh_postings(new_terms, slots, fragments),
                   [_fresh_forms(new_forms[level], level, new_terms) for level in (0, 1)],
                   fragments)
    return made


def _gather(batches: Iterable[list[Any]], renumber: Mapping[int, int],
            partial: dict[int, set[int]], shards: int, passes: int, step: int, part_of: int,
            incoming: dict[int, tuple[_Terms, _Forms]]) -> None:
    """Put the spill's records (``batches`` of them, :meth:`_Spill.batches`) into
    ``incoming``: shard k → (its postings, its forms), for the shards k of one round of
    :func:`_write_shards` (``passes`` > 1: those with k // step ≡ part_of). ``renumber``: a
    record's seq → its document number; ``partial``: document number → the hashes whose
    postings are taken (none there: all of them). The reference of ``_cshards.gather`` and
    ``_cshards.gather_spill`` (archive/browser/_cshards.c: the same dicts in the same order,
    the latter from the batches' marshal bytes, :meth:`_Spill.batch_bytes`)."""
    for batch in batches:
        for seq, groups in batch:  # groups: (hash, postings, forms), …
            num = renumber[seq]
            keep = partial.get(num)  # None: every posting of the article
            for h, posts, forms in groups:
                if keep is not None and h not in keep:
                    continue
                k = h % shards
                if passes > 1 and k // step % passes != part_of:
                    continue
                part = incoming.get(k)
                if part is None:
                    part = incoming[k] = ({}, _empty_forms())
                terms, levels = part
                for term, flat in posts:
                    docs = terms.get(term)
                    if len(flat) == 2:  # one field (most)
                        f, deltas = flat
                        if docs is None:
                            terms[term] = {f: {num: deltas}}
                            continue
                        at = docs.get(f)
                        if at is None:
                            docs[f] = {num: deltas}
                        else:
                            at[num] = deltas
                        continue
                    if docs is None:  # (a field is once in flat)
                        terms[term] = {flat[i]: {num: flat[i + 1]}
                                       for i in range(0, len(flat), 2)}
                        continue
                    for i in range(0, len(flat), 2):
                        at = docs.get(flat[i])
                        if at is None:
                            docs[flat[i]] = {num: flat[i + 1]}
                        else:
                            at[num] = flat[i + 1]
                if not forms:
                    continue
                one = posts[0][0] if len(posts) == 1 else None
                for item in forms:  # (level, normalized, spelling) of the term `one`,
                    if len(item) == 3:  # or with their term (_term_groups)
                        level, norm, spelling = item
                        term = one
                    else:
                        level, term, norm, spelling = item
                    if spelling is None:  # the normalized form's
                        spelling = norm
                    table = levels[level]
                    norms = table.get(term)
                    if norms is None:
                        table[term] = {norm: {spelling: [num]}}
                        continue
                    spellings = norms.get(norm)
                    if spellings is None:
                        norms[norm] = {spelling: [num]}
                        continue
                    holders = spellings.get(spelling)
                    if holders is None:
                        spellings[spelling] = [num]
                    else:
                        holders.append(num)


def _same_text(entries: _Entries, before: _Entries) -> bool:
    """Whether a shard's entries make the same file as they did (the same terms, each with
    the same fragment; their data may differ: a forms entry's marshalled forms can come back
    in another order). Such a file is compared with the stored one rather than written."""
    return entries.keys() == before.keys() and all(
        entry[0] == before[term][0] for term, entry in entries.items())


def _cells_to_lists(incoming: dict[int, tuple[_Terms, _Forms]]) -> None:
    """The spill's cells (:func:`_cells`) of a rebuild's gathered postings as the delta
    positions lists its patching reads (a rebuild spills only the articles that changed)."""
    for terms, _forms in incoming.values():
        for fields in terms.values():
            for held in fields.values():
                for d, cell in held.items():
                    held[d] = text_numbers(cell)


def _fresh_postings(new: _Terms, slots: int, fragments: dict[str, dict[str, str | None]]
                    ) -> _Entries:
    """A shard's postings state on a cold build, from the spill's postings alone (what
    :func:`_patch_postings` makes from no state, without its bookkeeping), their positions
    as the spill's cells' text (:func:`_cells`); the long terms' positions fragments go to
    ``fragments``: :func:`_fresh_posting` of each term, in C when
    :mod:`archive.browser._cshards` is built (a term of a shape it does not write handed
    back to it)."""
    entries: _Entries = {}
    if _cshards is not None:
        _cshards.fresh_postings(new, entries, LONG_DOCS, slots, BLOCK_DOCS, fragments,
                                partial(_fresh_posting, entries, slots, fragments))
        return entries
    for term, fields in new.items():
        _fresh_posting(entries, slots, fragments, term, fields)
    return entries


def _fresh_posting(entries: _Entries, slots: int, fragments: dict[str, dict[str, str | None]],
                   term: str, fields: dict[int, dict[int, Any]]) -> None:
    """:func:`_fresh_postings` of one term, put into ``entries``. The text is
    :func:`_short_fragment`'s (``cell=str``), written here for the short terms (all but a
    few): one field, or one article, without its calls and sorts."""
    spell = SPELLING.get
    sub = operator.sub
    names = _CELL_NAMES
    if len(fields) == 1:  # one field (most terms)
        ((f, held),) = fields.items()
        if len(held) == 1 and LONG_DOCS >= 1:  # of one article (long only below one)
            ((d, p),) = held.items()
            entries[term] = (f'"d":"{spell(d) or _numbers([d])}"{names[f]}{p}"', None, False)
            return
        if len(held) <= LONG_DOCS:
            docs = sorted(held)
            entries[term] = ('"d":"' + numbers_text(list(map(sub, docs, [0, *docs])))
                             + '"' + names[f] + ";".join(map(held.__getitem__, docs)) + '"',
                             None, False)
            return
    elif sum(map(len, fields.values())) <= LONG_DOCS:  # several fields, short
        plan = _PLANS.get(key := tuple(fields))
        if plan is None:
            plan = _PLANS[key] = _cell_plan(key)
        docs = sorted(set().union(*fields.values()))
        out = ['"d":"' + (spell(docs[0]) or _numbers(docs) if len(docs) == 1 else
                          numbers_text(list(map(sub, docs, [0, *docs])))) + '"']
        if len(docs) == 1:  # one article in every field: one cell each
            d = docs[0]
            for f, ref in plan:
                p = fields[f][d]
                out.append(names[f] + ("=" if ref is not None and fields[ref][d] == p
                                       else p) + '"')
            entries[term] = ("".join(out), None, False)
            return
        for f, ref in plan:
            held = fields[f]
            texts = list(map(held.get, docs, repeat("")))
            if ref is not None:  # "=": the same cell as the reference field's (not "")
                same = list(map(operator.eq, texts, map(fields[ref].get, docs)))
                if True in same:
                    texts = ["=" if s else t for s, t in zip(same, texts, strict=True)]
            out.append(names[f] + ";".join(texts) + '"')
        entries[term] = ("".join(out), None, False)
        return
    lunr, pos, long = _posting_fragment(fields, slots, cells=True)
    entries[term] = ((lunr, None, False) if long is None
                     else (lunr, marshal.dumps(long, 2), True))
    for key, fragment in pos.items():
        fragments.setdefault(key, {})[term] = fragment


#: Field number → the text between its cells and what comes before them in a short term's
#: entry (``,"form":"``; :func:`_fresh_postings`).
_CELL_NAMES = [f',"{name}":"' for name in FIELDS]
#: A term's fields (as its postings list them) → each field in the order of their names and
#: the field its ``=`` cells refer to (:data:`_REF`; None when not among them): made once
#: per order of fields seen.
_PLANS: dict[tuple[int, ...], list[tuple[int, int | None]]] = {}


def _cell_plan(fields: Iterable[int]) -> list[tuple[int, int | None]]:
    held = set(fields)
    return [(f, _REF[f] if f in _REF and _REF[f] in held else None)
            for f in sorted(held, key=_NAME_RANK.__getitem__)]


def _fresh_forms(new: dict[str, dict[str, dict[str, list[int]]]], level: int, terms: _Terms
                 ) -> _Entries:
    """One level's forms state on a cold build (what :func:`_patch_forms` makes from no
    state); ``terms``: the shard's postings, whose articles the entries number
    (:func:`_level_docs`, written here): :func:`_fresh_form` of each term, in C when
    :mod:`archive.browser._cshards` is built (an entry it does not make handed back)."""
    entries: _Entries = {}
    if _cshards is not None:
        _cshards.fresh_forms(new, level, terms, entries,
                             partial(_fresh_form, entries, level, terms))
        return entries
    for term, norms in new.items():
        _fresh_form(entries, level, terms, term, norms)
    return entries


def _fresh_form(entries: _Entries, level: int, terms: _Terms, term: str,
                norms: dict[str, dict[str, list[int]]]) -> None:
    """:func:`_fresh_forms` of one term, put into ``entries``."""
    docs = _level_docs(terms.get(term), level)
    # an article lists each (term, form) once (_record), and is read once: no repeats;
    # sorted in place (the gathered tables are the cold build's own, used once)
    if len(norms) == 1:  # one form with one spelling (most terms): without the loops
        ((norm, spellings),) = norms.items()
        if len(spellings) == 1:
            ((spelling, numbers),) = spellings.items()
            if len(numbers) > 1:
                numbers.sort()
            if numbers == docs:  # held by each article
                entries[term] = (_one_form_fragment(term, norm, spelling),
                                 marshal.dumps(norms, 2))
            else:
                entries[term] = (_forms_fragment(term, norms, docs), marshal.dumps(norms, 2))
            return
    for spellings in norms.values():
        for numbers in spellings.values():
            if len(numbers) > 1:
                numbers.sort()
    entries[term] = (_json_string(term) + ":" + _forms_entry_text(norms, docs),
                     marshal.dumps(norms, 2))


def _save_shard(target: ShardPack | None, k: int, lunr: _Entries, forms: list[_Entries]
                ) -> None:
    """Put shard ``k``'s state (:func:`_load_shard`) into ``target`` (None: no state): a
    record of the state pack, not a file per shard (the state files are not linked into the
    site; state.bin, removed when the build started, is written only when it ends)."""
    if target is not None:
        target.put(k, marshal.dumps((lunr, forms), 2))


def _put_positions(out: _Out, k: int, texts: dict[str, str]) -> None:
    """Write shard ``k``'s positions files (``pos/<k>/<n>.<b>.json``) and remove those it no
    longer has."""
    if out.fresh:  # nothing there before: no file to remove, no folder left empty
        for key, text in sorted(texts.items()):
            out.put(f"pos/{k}/{key}.json", text)
        return
    folder = out.root / "pos" / str(k)
    if folder.is_dir():
        for path in folder.iterdir():
            if path.name.removesuffix(".json" + STORED) not in texts:
                out.remove(f"pos/{k}/{path.name}")
    for key, text in sorted(texts.items()):
        out.put(f"pos/{k}/{key}.json", text)
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        out.names.add(f"pos/{k}")


def _old_positions(origin: dict[str, int], folder: Path, slots: int
                   ) -> Callable[[str], tuple[_PosFiles, int]]:
    """Term → the previous build's positions files of the old shard it comes from
    (``origin``), under ``folder``, and their number of document slots."""
    readers: dict[int, _PosFiles] = {}

    def files(term: str) -> tuple[_PosFiles, int]:
        j = origin[term]
        got = readers.get(j)
        if got is None:
            got = readers[j] = _PosFiles(folder / str(j))
        return got, slots
    return files


def _same_positions(files: _PosFiles, slots: int) -> Callable[[str], tuple[_PosFiles, int]]:
    return lambda _term: (files, slots)


def _update_positions(out: _Out, k: int, files: _PosFiles,
                      fragments: Mapping[str, Mapping[str, str | None]]) -> None:
    """Rewrite the positions files of shard ``k`` whose terms' fragments changed (the other
    files are not read); a file left without terms is removed."""
    if not fragments:  # (no long term changed: every shard at 987 articles)
        return
    folder = out.root / "pos" / str(k)
    for key, terms in fragments.items():
        merged: dict[str, str | None] = {t: _dump(value) for t, value in files.get(key).items()
                                         if t not in terms}
        merged.update(terms)
        text = _pos_texts({key: merged}).get(key)
        if text is None:
            out.remove(f"pos/{k}/{key}.json{STORED}")
        else:
            out.put(f"pos/{k}/{key}.json", text)
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        out.names.add(f"pos/{k}")


def _load_shard(states: ShardPack, k: int) -> tuple[_Entries, list[_Entries]] | None:
    """Shard ``k``'s saved state (None: there is none)."""
    data = states.get(k)
    if data is None:
        return None
    try:
        state: tuple[_Entries, list[_Entries]] = marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        raise ValueError(f"browser state: shard {k} of {states.folder} is damaged (remove "
                         "the state folder for a cold build)") from None
    return state


def _term_hashes(terms: list[str]) -> list[int]:
    """:func:`term_hash` of each of ``terms``, computed together: in C one by one where
    ``_cterms`` is built (after one deleted article at 987 articles, 50,000 terms: numpy's
    import alone was 0.26 s of a 1 s browser stage), else by numpy: the code units of all
    the terms in one array, the hashes of those still that long stepped one unit at a time
    (a 32-bit product wraps as the hash's does)."""
    if _cterms is not None:
        return list(map(_cterms.term_hash, terms))
    import numpy as np

    units = [t.encode("utf-16-le") for t in terms]
    lengths = np.fromiter(map(len, units), dtype=np.int64, count=len(units)) // 2
    order = np.argsort(-lengths, kind="stable")  # the longest first: those still going
    flat = np.frombuffer(b"".join(units), dtype="<u2").astype(np.uint32)
    starts = (np.cumsum(lengths) - lengths)[order]
    longer = lengths[order]
    h = np.full(len(terms), 0x811C9DC5, dtype=np.uint32)
    prime = np.uint32(0x01000193)
    for i in range(int(longer[0]) if len(terms) else 0):
        m = int(np.count_nonzero(longer > i))  # the terms of more than i code units
        h[:m] = (h[:m] ^ flat[starts[:m] + i]) * prime
    out = np.empty_like(h)
    out[order] = h
    return out.tolist()


#: Below this many terms a shard's term hashes are looked up one by one (:func:`_hash`).
MANY_TERMS = 64


@dataclass(slots=True)
class _Hashed:
    """The terms of one shard already hashed by :func:`_todo` (its postings and its two forms
    levels hold mostly the same terms: each is hashed once), and those of them whose hash is
    dirty."""

    terms: set[str] = field(default_factory=set)
    dirty: set[str] = field(default_factory=set)


def _preloaded(states: ShardPack, shards: list[int], dirty: set[int]
               ) -> tuple[dict[int, tuple[_Entries, list[_Entries]] | None], dict[int, _Hashed]]:
    """The saved states of ``shards`` (:func:`_load_shard`) and, per shard, its terms
    (postings and forms) hashed, with those of a ``dirty`` hash (:class:`_Hashed`): every
    shard's terms hashed in one :func:`_term_hashes` (after one deleted article at 987
    articles, 324 shards of about 150 terms, each hashed apart when :func:`_todo` met
    them)."""
    loaded = {k: _load_shard(states, k) for k in shards}
    terms: list[list[str]] = []
    for state in loaded.values():
        if state is None:
            terms.append([])
            continue
        lunr, (stem, root) = state
        held = set(lunr)
        held.update(stem, root)
        terms.append(list(held))
    every = list(chain.from_iterable(terms))
    hashes = iter(_term_hashes(every) if every else ())
    hashed: dict[int, _Hashed] = {}
    for k, held in zip(loaded, terms, strict=True):
        mine = _Hashed(set(held))
        mine.dirty.update(compress(held, [h in dirty for h in islice(hashes, len(held))]))
        hashed[k] = mine
    return loaded, hashed


def _todo(entries: Mapping[str, Any], new: Mapping[str, Any], renumbering: bool,
          everything: bool, dirty: set[int], hashed: _Hashed | None = None) -> set[str]:
    """The terms of a shard whose entries must be decoded and encoded again: the spill's,
    and those of the articles gone or moved (their term hashes are ``dirty``; every term of
    the shard is hashed to find them: together when there are many, a third of this step
    after one deleted article at 987 articles when each was hashed alone)."""
    todo = set(new)
    if everything:  # new numbering (positions files follow the number of slots)
        todo.update(entries)
    elif renumbering:
        if hashed is None:
            hashed = _Hashed()
        terms = list(entries.keys() - hashed.terms) if hashed.terms else list(entries)
        if terms:
            hashes = map(_hash, terms) if len(terms) < MANY_TERMS else _term_hashes(terms)
            hashed.terms.update(terms)
            hashed.dirty.update(compress(terms, [h in dirty for h in hashes]))
        todo.update(hashed.dirty.intersection(entries))
    return todo


def _gone_here(term: str, gone: set[int], partial: dict[int, set[int]]) -> set[int]:
    """The old numbers to take out of ``term``: the articles gone, and the changed ones
    whose postings or forms under the term's hash changed."""
    if not partial:
        return gone
    h = _hash(term)
    return gone | {d for d, hashes in partial.items() if h in hashes}


def _renumbered_postings(docs: dict[int, Any], gone: set[int], moved: dict[int, int]
                         ) -> dict[int, Any]:
    return {moved.get(d, d): v for d, v in docs.items() if d not in gone}


def _renumbered_numbers(numbers: list[int], gone: set[int], moved: dict[int, int]
                        ) -> list[int]:
    """``numbers`` (ascending) without those ``gone``, those ``moved`` renumbered: a few
    taken out and put in by bisection (a forms list can hold most of the archive's
    articles), or all at once when many change."""
    if 8 * (len(gone) + len(moved)) > len(numbers):
        return sorted(moved.get(d, d) for d in numbers if d not in gone)
    out = list(numbers)
    back: list[int] = []
    for d in (*gone, *moved):
        at = bisect_left(out, d)
        if at < len(out) and out[at] == d:
            del out[at]
            if d in moved and d not in gone:
                back.append(moved[d])
    for d in back:
        insort(out, d)
    return out


def _holds_any(numbers: dict[int, Any] | list[int], gone: set[int], moved: dict[int, int]
               ) -> bool:
    """Whether ``numbers`` (a dict's keys, or a list in ascending order) holds any of the
    numbers ``gone`` or ``moved``: the few changed ones looked up (a dict) or found by
    bisection (a list), not every number of a common term's list or dict gone through."""
    if isinstance(numbers, dict):
        keys = numbers.keys()
        return not (keys.isdisjoint(gone) and keys.isdisjoint(moved.keys()))
    n = len(numbers)
    if 8 * (len(gone) + len(moved)) > n:
        return not (gone.isdisjoint(numbers) and moved.keys().isdisjoint(numbers))
    for d in chain(gone, moved):
        at = bisect_left(numbers, d)
        if at < n and numbers[at] == d:
            return True
    return False


def _renumber_in(table: dict[Any, Any], gone: set[int], moved: dict[int, int],
                 renumber: Callable[[Any, set[int], dict[int, int]], Any]) -> None:
    """Renumber each entry of ``table`` (article numbers, as a list or as a dict's keys) that
    holds a gone or moved number; an entry left empty is removed."""
    for key in list(table):
        if not _holds_any(table[key], gone, moved):
            continue
        numbers = table[key]
        kept = renumber(numbers, gone, moved)
        if kept:
            table[key] = kept
        else:
            del table[key]


def _patch_postings(entries: _Entries, new: _Terms, renumbering: bool, everything: bool,
                    dirty: set[int], gone_all: set[int], moved: dict[int, int],
                    partial: dict[int, set[int]], slots: int = 1,
                    files: Callable[[str], tuple[_PosFiles, int]] | None = None,
                    fragments: dict[str, dict[str, str | None]] | None = None,
                    hashed: _Hashed | None = None, before: dict[str, Any] | None = None
                    ) -> dict[str, Any]:
    """Patch the shard's postings; returns the terms encoded again, each with its fields or
    a long term's summary (empty: the term is gone), for :func:`_patch_forms`; ``before``
    gets the same of each of them as it was (its articles per field of :data:`_LEVEL_FIELDS`
    for a short term: what :func:`_level_docs` reads). ``files``:
    term → the positions files its long posting was read from and the number of document
    slots they were written for; ``fragments`` gets the positions fragments that changed,
    by file (None: the term is no longer in that file)."""
    touched: dict[str, Any] = {}
    if fragments is None:
        fragments = {}
    for term in _todo(entries, new, renumbering, everything, dirty, hashed):
        have = entries.get(term)
        add = new.get(term)
        gone = _gone_here(term, gone_all, partial) if renumbering else set()
        fields: dict[int, dict[int, list[int]]] = {}
        if have is not None and have[2]:  # a long term
            assert files is not None
            pos, old_slots = files(term)
            summary: _Summary = marshal.loads(have[1])
            if before is not None:
                before[term] = summary  # (not changed: patched into new lists)
            if not everything and old_slots == slots:
                done = _patch_long(term, summary, add, gone, moved, slots, pos, fragments)
                if done is not None:
                    entries[term] = (_long_fragment(done), marshal.dumps(done, 2), True)
                    touched[term] = done
                    continue
            fields, keys = _long_fields(summary, term, pos, old_slots)
            for key in keys:
                fragments.setdefault(key, {})[term] = None
        elif have is not None:
            old: dict[int, list[int]] | None = None if before is None else {}
            if not everything:
                spliced = _splice_short(have[0], gone, moved if renumbering else {}, add, old)
                if spliced is not None:
                    entries[term] = (spliced[0], None, False)
                    touched[term] = spliced[1]
                    if before is not None:
                        before[term] = old
                    continue
            fields = _short_fields(have[0])
            if before is not None:
                before[term] = {f: list(fields[f]) for f in _LEVEL_FIELD_SET if f in fields}
        if have is not None and renumbering:
            _renumber_in(fields, gone, moved, _renumbered_postings)
        if add is not None:
            for f, docs in add.items():
                fields.setdefault(f, {}).update(docs)
        if fields:
            lunr, pos_fragments, long = _posting_fragment(fields, slots)
            entries[term] = ((lunr, None, False) if long is None
                             else (lunr, marshal.dumps(long, 2), True))
            for key, fragment in pos_fragments.items():
                fragments.setdefault(key, {})[term] = fragment
            touched[term] = fields if long is None else long
        else:
            entries.pop(term, None)
            touched[term] = {}
    return touched


def _patch_long(term: str, summary: _Summary, add: dict[int, dict[int, list[int]]] | None,
                gone: set[int], moved: dict[int, int], slots: int, files: _PosFiles,
                fragments: dict[str, dict[str, str | None]]) -> _Summary | None:
    """Patch a long term in place of its summary: only the ranges of document numbers
    (positions files) where its articles leave, come or move are read back and encoded
    again. None: it does not stay long in as many ranges (then the caller rebuilds it
    whole)."""
    docs, tfs = summary
    blocks = position_blocks(len(docs))
    present = []
    for d in (*gone, *moved):
        at = bisect_left(docs, d)
        if at < len(docs) and docs[at] == d:
            present.append(d)
    ranges = {d * blocks // slots for d in present}
    ranges.update(moved[d] * blocks // slots for d in present if d in moved)
    if add is not None:
        for held in add.values():
            ranges.update(d * blocks // slots for d in held)
    if not ranges:
        return summary
    # the term's postings in those ranges, before and after
    bounds = {b: (bisect_left(docs, -(-b * slots // blocks)),
                  bisect_left(docs, -(-(b + 1) * slots // blocks))) for b in ranges}
    # an article's positions as the text of its cell (read back, not decoded: they are
    # written again as they are) or, for an article the spill brings, as a list
    part: dict[int, dict[int, Any]] = {}
    before = 0
    for b, (lo, hi) in bounds.items():
        before += hi - lo
        if hi > lo:
            _read_cells(files.term(f"{blocks}.{b}", term), docs, tfs, lo, hi, part)
    _renumber_in(part, gone, moved, _renumbered_postings)
    if add is not None:  # as cells' text too: every cell's count taken at once below
        for f, held in add.items():
            part.setdefault(f, {}).update(zip(held, map(_numbers, held.values()),
                                              strict=True))
    after: set[int] = set()
    for held in part.values():
        after.update(held)
    count = len(docs) - before + len(after)
    if count <= LONG_DOCS or position_blocks(count) != blocks:
        return None
    # splice the ranges' articles and frequencies, the last range first (indices stay valid)
    docs = list(docs)
    tfs = {f: list(numbers) for f, numbers in tfs.items()}
    for f in part:
        if f not in tfs:
            tfs[f] = [0] * len(docs)
    in_range: dict[int, list[int]] = {b: [] for b in ranges}
    for d in sorted(after):
        in_range[d * blocks // slots].append(d)
    for b in sorted(ranges, reverse=True):
        lo, hi = bounds[b]
        now = in_range[b]
        docs[lo:hi] = now
        for f, numbers in tfs.items():
            held = part.get(f, {})
            numbers[lo:hi] = counts_of(list(map(held.get, now, repeat(""))))
    tfs = {f: numbers for f, numbers in tfs.items() if any(numbers)}
    written = _cell_fragments(part, blocks, slots)
    for b in ranges:
        key = f"{blocks}.{b}"
        fragments.setdefault(key, {})[term] = written.get(key)
    return docs, tfs


#: A rebuilt forms entry numbering at least this many articles is made by
#: :func:`_many_forms_entry` (in numpy) instead of :func:`_forms_entry`: the terms most
#: articles hold (tens of thousands at 31,030 articles, often with hundreds of forms) were
#: most of the forms work of a rebuild after one added or deleted article, each made again
#: whole in sets and dicts (a third of the browser stage's CPU at 31,030).
MANY_FORMS = 512


def _many_forms_entry(norms: dict[str, dict[str, list[int]]], docs: list[int]) -> Any:
    """:func:`_forms_entry` (the same value) by arrays: every form's articles at once, found
    in ``docs`` (ascending) by bisection, then counted and numbered there, instead of a set
    and a dict entry per article and form."""
    import numpy as np

    order = sorted(norms)
    names: list[Any] = []
    lists: list[Any] = []  # per form, its articles (distinct)
    for norm in order:
        spellings = norms[norm]
        if len(spellings) == 1:  # one spelling (most): its numbers are distinct
            ((spelling, listed),) = spellings.items()
            lists.append(listed)
        else:
            spelling = min(spellings, key=lambda s: (min(spellings[s]), s))
            lists.append(sorted(set(chain.from_iterable(spellings.values()))))
        names.append(norm if spelling == norm else [norm, spelling])
    sizes = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    total = int(sizes.sum())
    numbers = np.fromiter(chain.from_iterable(lists), dtype=np.int64, count=total)
    forms = np.repeat(np.arange(len(order), dtype=np.int64), sizes)  # ascending
    at = np.asarray(docs, dtype=np.int64)
    n = len(docs)
    # each form's articles ascending and distinct (as both writers keep them), else the sets
    rises = np.diff(numbers) > 0
    starts = np.cumsum(sizes)[:-1]  # where each next form starts
    rises[starts[(sizes[1:] > 0) & (starts > 0)] - 1] = True
    if not rises.all():
        return _forms_entry(norms, docs)
    where = np.searchsorted(at, numbers)
    if total and (int(where.max()) >= n or not np.array_equal(at[where], numbers)):
        return _forms_entry(norms, docs)  # an article not in the posting: the explicit entry
    count = np.bincount(where, minlength=n)
    if len(order) == 1 and bool(count.all()):
        return [names, 0]
    last = np.full(n, -1, dtype=np.int64)
    np.maximum.at(last, where, forms)  # the last form of each article
    codes: list[Any] = last.tolist()
    several = count[where] > 1
    if several.any():  # the numbers of their forms, ascending
        held_at, held = where[several], forms[several]
        by = np.argsort(held_at, kind="stable")  # each article's forms stay ascending
        held_at, held = held_at[by], held[by]
        starts = np.flatnonzero(np.r_[True, held_at[1:] != held_at[:-1]])
        ends = [*starts[1:].tolist(), len(held)]
        numbers_held = held.tolist()
        for p, a, b in zip(held_at[starts].tolist(), starts.tolist(), ends, strict=True):
            codes[p] = numbers_held[a:b]
    return [names, codes]


def _patch_fragment(term: str, norms: dict[str, dict[str, list[int]]], docs: list[int]
                    ) -> str:
    """:func:`_forms_fragment` of a rebuilt entry (:data:`MANY_FORMS`)."""
    if len(docs) < MANY_FORMS:
        return _forms_fragment(term, norms, docs)
    return _dump(term) + ":" + _dump(_forms_value(_many_forms_entry(norms, docs)))


def _patch_forms(entries: _Entries, new: dict[str, dict[str, dict[str, list[int]]]],
                 renumbering: bool, everything: bool, dirty: set[int], gone_all: set[int],
                 moved: dict[int, int], partial: dict[int, set[int]], level: int = 0,
                 postings: _Entries | None = None,
                 touched: Mapping[str, Any] | None = None,
                 hashed: _Hashed | None = None, incoming: _Terms | None = None,
                 before: Mapping[str, Any] | None = None) -> None:
    """Patch one level's forms; a term's entry numbers the articles of its posting, so the
    terms whose posting changed (``touched``) are encoded again too: as text
    (:func:`_spliced_forms`) when its forms are the same ones and ``before`` holds its
    posting as it was (:func:`_patch_postings`), ``incoming`` the spill's postings."""
    touched = touched or {}
    todo = _todo(entries, new, renumbering, everything, dirty, hashed)
    todo.update(t for t in touched if t in entries)
    for term in todo:
        have = entries.get(term)
        norms: dict[str, dict[str, list[int]]] = {}
        reshaped = have is None  # its forms are not the same ones
        gone: set[int] = set()
        if have is not None:
            norms = marshal.loads(have[1])
            if renumbering:
                gone = _gone_here(term, gone_all, partial)
                for norm in list(norms):
                    _renumber_in(norms[norm], gone, moved, _renumbered_numbers)
                    if not norms[norm]:
                        del norms[norm]
                        reshaped = True
        add = new.get(term)
        if add is not None:
            for norm, spellings in add.items():
                spelled = norms.get(norm)
                if spelled is None:
                    spelled = norms[norm] = {}
                    reshaped = True
                for spelling, numbers in spellings.items():
                    spelled[spelling] = sorted({*spelled.get(spelling, []), *numbers})
        if norms:
            fields = touched.get(term)
            if fields is None and postings is not None and term in postings:
                fields = _term_data(postings[term])
            docs = _level_docs(fields, level)
            text = None
            if (not reshaped and not everything and len(norms) > 1 and before is not None
                    and term in before):
                assert have is not None
                text = _spliced_forms(term, have[0], norms, _level_docs(before[term], level),
                                      docs, gone, moved if renumbering else {},
                                      (incoming or {}).get(term), add, level)
            entries[term] = (text or _patch_fragment(term, norms, docs),
                             marshal.dumps(norms, 2))
        else:
            entries.pop(term, None)


def _spliced_forms(term: str, fragment: str, norms: dict[str, dict[str, list[int]]],
                   old_docs: list[int], docs: list[int], gone: set[int], moved: dict[int, int],
                   posted: dict[int, dict[int, list[int]]] | None,
                   add: dict[str, dict[str, list[int]]] | None, level: int) -> str | None:
    """A forms entry whose forms stay the same ones (more than one), patched as text
    (:mod:`archive.browser.formsplice`): its old entry ``fragment`` made over the articles
    ``old_docs``, now over ``docs``; ``posted``, ``add``: the term's postings and forms from
    the spill. None: made whole instead (:func:`_patch_fragment`)."""
    codes = entry_codes(fragment)
    if codes is None:  # one form for every article, or an article outside the posting
        return None
    coming: dict[int, set[int]] = {}
    if posted:
        for f in _LEVEL_FIELDS[level]:
            held = posted.get(f)
            if held:
                for d in held:
                    coming.setdefault(d, set())
    if add:
        order = sorted(norms)
        for norm, spellings in add.items():
            i = bisect_left(order, norm)
            for numbers in spellings.values():
                for d in numbers:
                    forms = coming.get(d)
                    if forms is None:  # not in the posting: the explicit entry
                        return None
                    forms.add(i)
    spliced = splice_codes(codes, old_docs, docs, gone, moved,
                           {d: sorted(forms) for d, forms in coming.items()})
    if spliced is None:
        return None
    return f'{_json_string(term)}:[{_dump(forms_names(norms))},"{spliced}"]'


def _sweep(out_dir: Path | None, shards: int, texted: set[int], blocks: int,
           lexicon: set[str], state_dir: Path | None, ranks: int) -> None:
    """After a full build: remove files no longer part of the data (and any file of an
    older format: not ``.json.dfl``). ``out_dir`` None: the data folder is left as it is (made
    by this build: nothing else is there), the state folder's files are looked at only."""
    def stale(folder: Path, keep: Any, suffix: str = ".json" + STORED) -> None:
        if not folder.is_dir():
            return
        for path in folder.iterdir():
            stem = path.name.split(".")[0]
            if path.is_file() and (not keep(stem) or not path.name.endswith(suffix)):
                path.unlink()

    def number_below(limit: int) -> Any:
        return lambda s: s.isdigit() and int(s) < limit

    if state_dir is not None:
        # the state pack (an older state's file per shard is not one of its files)
        stale(state_dir / "shards", {n.split(".")[0] for n in shardpack.NAMES}.__contains__,
              ".bin")
        # the digest packs (an older state's file per article is not one)
        stale(state_dir / "articles", number_below(DIGEST_PACKS), ".bin")
    if out_dir is None:
        return
    stale(out_dir, lambda s: s in ("meta", "rank", "columns", "analyzer-tables", "names"))
    stale(out_dir / "lunr", number_below(shards))
    stale(out_dir / "forms", number_below(shards))
    if (out_dir / "pos").is_dir():  # every shard was written: its own positions files too
        for folder in (out_dir / "pos").iterdir():
            if not (folder.is_dir() and folder.name.isdigit() and int(folder.name) < shards):
                shutil.rmtree(folder) if folder.is_dir() else folder.unlink()
    stale(out_dir / "cards", number_below(blocks))
    stale(out_dir / "rank", number_below(ranks))
    stale(out_dir / "docs", lambda s: s.isdigit() and int(s) in texted)
    stale(out_dir / LEXICON_DIR, lambda s: s in lexicon)


def _mirror(source: Path, target: Path) -> None:
    """``target`` becomes a copy of ``source``: hard links (copies across file systems). A
    target left by a previous build (``mkdocs serve`` keeps its folder) is brought up to date
    in place: a file already linked to its source file is left as it is (the writer replaces a
    changed file by a new one, so its link no longer matches), the others are linked again,
    and what ``source`` no longer holds is deleted.

    Both trees are read folder by folder with ``os.scandir``, whose entries carry their inode
    numbers: a file is told to be its source's file without a ``stat`` of either (at 10,000
    articles the data is 41,869 files in 3,604 folders; two ``stat`` calls per file were most
    of the browser stage of a `mkdocs serve` reload)."""
    root, into = str(source), str(target)
    if os.path.lexists(into) and not os.path.isdir(into):
        os.unlink(into)
    if not os.path.exists(into):
        _mirror_folder(root, into, None)
        return
    # one device for both: an inode number names the same file in either tree
    same_device = os.stat(root).st_dev == os.stat(into).st_dev
    _mirror_folder(root, into, same_device)


#: How many builds' changes :class:`_Journal` keeps: a mirror at most this many builds old
#: is brought up to date from them (`mkdocs build` mirrors into the tree of the build before
#: the previous one, `mkdocs serve` into the previous build's).
JOURNAL_BUILDS = 4


class _Journal:
    """What the last :data:`JOURNAL_BUILDS` builds changed in the data folder (the paths
    written or removed, relative to it) and, per mirror of it (:func:`_mirror`'s target),
    the build it was made equal to: ``<state>/mirrors.json``. A mirror still the folder it
    was left as (the same device, inode and modification time: every build replaces
    ``meta.json`` in it, so a build's changes change its time) is brought up to date by
    linking again or removing only the paths changed since, not by listing the ~50,000 files
    of both trees (29,904 articles).

    Trusted only with the state it was written with: it names ``state.bin``'s identity
    (:func:`archive.files.file_identity`) as that build left it, so a build that failed
    (no state.bin, or one written without its journal) or a cold build starts it anew, and
    every mirror is then walked whole once. A mirror being updated changes its folder's time
    before its record is saved: one interrupted is not recognised afterwards."""

    NAME = "mirrors.json"

    def __init__(self, folder: Path, count: int, builds: list[list[Any]],
                 targets: list[list[int]]) -> None:
        self.folder = folder
        self.count = count  # builds recorded (this one's number once added)
        self.builds = builds  # [number, [paths] or None (everything changed)], oldest first
        self.targets = targets  # [device, inode, mtime_ns, number of the build it equals]

    @classmethod
    def read(cls, folder: Path, usable: bool) -> _Journal:
        """The journal as the previous build left it (``usable``: its state was read; else,
        and when it was not written with the state.bin there now, an empty one)."""
        if usable:
            try:
                kept = json.loads((folder / cls.NAME).read_text("utf-8"))
                if kept.get("state") == list(files.file_identity(folder / STATE_FILE) or ()):
                    return cls(folder, kept["count"], kept["builds"], kept["targets"])
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                pass
        return cls(folder, 0, [], [])

    def add(self, names: Iterable[str] | None) -> None:
        """This build's changes (None: the whole folder may have changed)."""
        self.count += 1
        self.builds = [*self.builds, [self.count, None if names is None else sorted(names)]]
        self.builds = self.builds[-JOURNAL_BUILDS:]

    def save(self) -> None:
        path = self.folder / self.NAME
        tmp = path.with_name("." + self.NAME + ".tmp")
        tmp.write_text(json.dumps({
            "state": list(files.file_identity(self.folder / STATE_FILE) or ()),
            "count": self.count, "builds": self.builds, "targets": self.targets},
            ensure_ascii=False, separators=(",", ":")), "utf-8")
        os.replace(tmp, path)

    def _since(self, number: int) -> set[str] | None:
        """The paths changed by the builds after ``number`` (None: not known)."""
        later = [names for n, names in self.builds if n > number]
        if len(later) != self.count - number or any(names is None for names in later):
            return None
        return set(chain.from_iterable(later))

    def mirror(self, source: Path, target: Path) -> None:
        """:func:`_mirror` of ``source`` into ``target``, only the paths changed since
        ``target`` was last made its mirror when that is known; then recorded."""
        try:
            here = os.stat(target)
            same_device = os.stat(source).st_dev == here.st_dev
        except OSError:
            here, same_device = None, False
        names = None
        if here is not None and same_device:
            for t in self.targets:
                if t[:3] == [here.st_dev, here.st_ino, here.st_mtime_ns]:
                    names = self._since(t[3])
                    break
        if names is None:
            _mirror(source, target)
        else:
            _mirror_names(str(source), str(target), names)
        try:
            now = os.stat(target)
        except OSError:
            return
        mark = [now.st_dev, now.st_ino, now.st_mtime_ns]
        self.targets = [t for t in self.targets if t[:2] != mark[:2]
                        and t[3] > self.count - JOURNAL_BUILDS][-3:] + [[*mark, self.count]]
        self.save()


def _mirror_names(source: str, target: str, names: Iterable[str]) -> None:
    """Bring ``target``, a mirror of ``source`` (:func:`_mirror`, one device) but for the
    paths ``names``, up to date: each is linked again from ``source``, or removed (a file or a
    folder) where ``source`` no longer has it, with the folders it was in when ``source``
    no longer has them either."""
    for name in sorted(names):
        src, dst = f"{source}/{name}", f"{target}/{name}"
        try:
            st = os.stat(src, follow_symlinks=False)
        except (FileNotFoundError, NotADirectoryError):  # (a file where a folder was)
            st = None
        try:
            old = os.stat(dst, follow_symlinks=False)
        except (FileNotFoundError, NotADirectoryError):
            old = None
        if st is not None and stat.S_ISDIR(st.st_mode):
            continue  # a folder that is there again: its files are named themselves
        if old is not None:
            if st is not None and old.st_ino == st.st_ino:
                continue
            if stat.S_ISDIR(old.st_mode):
                shutil.rmtree(dst)
            else:
                os.unlink(dst)
        if st is not None:
            try:
                os.link(src, dst)
            except FileNotFoundError:  # a folder new since
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                os.link(src, dst)
            continue
        # gone from source: so are the folders above it that source no longer has
        folder = os.path.dirname(name)
        while folder and not os.path.isdir(f"{source}/{folder}"):
            up = os.path.dirname(folder)
            if not up or os.path.isdir(f"{source}/{up}"):
                if os.path.isdir(f"{target}/{folder}"):
                    shutil.rmtree(f"{target}/{folder}")
                break
            folder = up


#: `mkdocs serve` (:func:`remember_mirror`): per source folder of :func:`_mirror`, the
#: (inode, modification time) of it and of its target when they were last made alike, and
#: the names of its subfolders; None: off. A folder whose entries are added, removed or
#: replaced gets a new time, so two folders with the times they had then still hold the same
#: entries: they are not listed again (3,602 pairs at 9,504 articles on every reload, for the
#: few that hold a changed file); their subfolders are looked at all the same.
_MIRRORED: dict[str, tuple[tuple[int, int, int, int], list[str]]] | None = None
#: A folder changed less than this long (ns) before it was mirrored is listed again the next
#: time (a change within the same clock tick can leave its time as it was).
SETTLED_NS = 100_000_000


def remember_mirror(on: bool = True) -> None:
    """Keep what :func:`_mirror` found alike between builds of one process (``mkdocs
    serve``); off: forgotten."""
    global _MIRRORED
    if not on:
        _MIRRORED = None
    elif _MIRRORED is None:
        _MIRRORED = {}


def _folder_times(source: str, target: str) -> tuple[int, int, int, int] | None:
    try:
        a, b = os.stat(source), os.stat(target)
    except OSError:
        return None
    return a.st_ino, a.st_mtime_ns, b.st_ino, b.st_mtime_ns


def _mirror_folder(source: str, target: str, same_device: bool | None) -> None:
    """:func:`_mirror` of the folder ``source`` into ``target`` (``same_device`` None: a
    folder made just now, empty)."""
    seen = _MIRRORED
    if seen is not None and same_device:
        kept = seen.pop(source, None)
        if kept is not None and kept[0] == _folder_times(source, target):
            seen[source] = kept
            for name in kept[1]:
                _mirror_folder(f"{source}/{name}", f"{target}/{name}", same_device)
            return
    if same_device is None:
        os.makedirs(target, exist_ok=True)
        there: dict[str, os.DirEntry[str]] = {}
    else:
        with os.scandir(target) as listing:
            there = {e.name: e for e in listing}
    with os.scandir(source) as listing:
        entries = list(listing)
    folders: list[str] = []
    for entry in entries:
        name = entry.name
        dst = f"{target}/{name}"
        old = there.pop(name, None)
        if entry.is_dir(follow_symlinks=False):
            if old is not None and not old.is_dir(follow_symlinks=False):
                os.unlink(dst)
                old = None
            _mirror_folder(entry.path, dst, same_device if old is not None else None)
            folders.append(name)
            continue
        if name.startswith("."):
            if old is not None:
                there[name] = old  # not copied: deleted below
            continue
        if old is not None:
            if (same_device and old.inode() == entry.inode()
                    and not old.is_dir(follow_symlinks=False)):
                continue  # still the source's file
            if old.is_dir(follow_symlinks=False):
                shutil.rmtree(dst)
            else:
                os.unlink(dst)
        try:
            os.link(entry.path, dst)
        except OSError:
            shutil.copy2(entry.path, dst)
    for name, old in there.items():  # what source no longer holds
        path = f"{target}/{name}"
        if old.is_dir(follow_symlinks=False):
            shutil.rmtree(path)
        else:
            os.unlink(path)
    if seen is not None:  # alike now: remembered unless either changed too lately to tell
        times = _folder_times(source, target)
        if times is not None and max(times[1], times[3]) < time.time_ns() - SETTLED_NS:
            seen[source] = (times, folders)


class _Listing(Mapping[str, list[Path]]):
    """:attr:`BrowserIndexReport.files`, made by ``make`` when first read (listing the
    positions files alone walks thousands of folders at 10,000 articles, on every
    `mkdocs serve` reload, for a list the build does not use)."""

    def __init__(self, make: Callable[[], dict[str, list[Path]]]) -> None:
        self._make: Callable[[], dict[str, list[Path]]] | None = make
        self._files: dict[str, list[Path]] = {}

    def _listed(self) -> dict[str, list[Path]]:
        if self._make is not None:
            self._files, self._make = self._make(), None
        return self._files

    def __getitem__(self, name: str) -> list[Path]:
        return self._listed()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._listed())

    def __len__(self) -> int:
        return len(self._listed())


def _files(data: Path, shards: int, texted: list[int], blocks: int, lexicon: list[str]
           ) -> dict[str, list[Path]]:
    z = ".json" + STORED
    return {
        "meta.json": [data / f"meta{z}"],
        "rank.json": [data / f"rank{z}"],
        "rank/*.json": sorted((data / "rank").glob(f"*{z}")),
        "columns.json": [data / f"columns{z}"],
        "lunr/*.json": [data / "lunr" / f"{k}{z}" for k in range(shards)],
        "pos/*/*.json": sorted((data / "pos").glob(f"*/*{z}")),
        "forms/*.json": [data / "forms" / f"{k}{z}" for k in range(shards)],
        "cards/*.json": [data / "cards" / f"{b}{z}" for b in range(blocks)],
        "docs/*.json": [data / "docs" / f"{n}{z}" for n in texted],
        "analyzer-tables.json": [data / f"analyzer-tables{z}"],
        "lexicon/*.json": [data / LEXICON_DIR / f"{name}{z}" for name in lexicon],
        "names.json": [data / f"names{z}"],
    }
def lunr_js_path() -> Path:
    """lunr.js 2.3.9 as shipped inside the installed mkdocs package."""
    import mkdocs

    path = Path(mkdocs.__file__).parent / "contrib" / "search" / "templates" / "search" / "lunr.js"
    if not path.is_file():
        from archive.errors import ArchiveError, Problem

        raise ArchiveError([Problem(str(path), "lunr.js is not inside the installed mkdocs",
                                    "reinstall mkdocs 1.6 (pip install 'mkdocs>=1.6,<2')")])
    return path


def compact_asset(text: str) -> str:
    """A script or style sheet as the site serves it: without its whole-line comments (``//``
    lines, ``/* … */`` blocks that begin a line), blank lines and indentation (30 % of the
    first query's script bytes gzipped); every other line is kept as it is, each on its own
    line (the same tokens and line breaks, so the same program). The text is returned
    unchanged when a kept line has an odd number of backticks: a template literal could span
    lines, where indentation and ``//`` are text."""
    out: list[str] = []
    block = False
    for line in text.split("\n"):
        code = line.strip()
        if block:
            end = code.find("*/")
            if end < 0:
                continue
            block = False
            code = code[end + 2:].strip()
        elif code.startswith("//"):
            continue
        elif code.startswith("/*"):
            end = code.find("*/", 2)
            if end < 0:
                block = True
                continue
            code = code[end + 2:].strip()
        if code:
            if code.count("`") % 2:
                return text
            out.append(code)
    return "\n".join(out) + "\n"


def copy_asset(source: Path, target: Path) -> Path:
    """Write ``source`` (a script or style sheet) to ``target`` as :func:`compact_asset`
    makes it."""
    target.write_text(compact_asset(source.read_text("utf-8")), encoding="utf-8")
    return target


def copy_assets(site_dir: Path) -> list[Path]:
    """Copy lunr.js (from mkdocs) and this package's scripts and styles (compacted,
    :func:`compact_asset`) to the site."""
    target = site_dir / "search" / "assets"
    target.mkdir(parents=True, exist_ok=True)
    out = [Path(shutil.copyfile(lunr_js_path(), target / "lunr.js"))]
    for name in ASSETS:
        out.append(copy_asset(STATIC / name, target / name))
    return out


