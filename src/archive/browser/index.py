"""The browser's search data: a lunr index, per-article metadata and a per-article text store.

Written by :func:`write_browser_index` into ``<site>/search/data/``::

    lunr/<k>.json       the lunr.py index split by term into shards; each shard is itself a
                        lunr index (loads in lunr.js 2.3.9 with ``lunr.Index.load``); the browser
                        fetches only the shards holding the terms of a query
    meta.json           per-article metadata (title, date, source, places, actors, year, path)
                        and entity display names: loaded up front with the index
    analyzer-tables.json the analyzer's data tables (normalize, tokenize, morphology)
    names.json          the gazetteer's name table (entity protection of query words)
    docs/<n>.json       one article's text and body spans, fetched only for shown results
    forms/<k>.json      for each light stem and root: the word forms (normalized, with one
                        spelling as written) that carry it and the articles holding each, in
                        shard ``fnv1a32(term) % shards`` (as the lunr shards): the «forms that
                        matched» facet fetches them after the results are shown

The index has the same four word fields as the command-line index (``archive.index``), filled
from the same :class:`archive.index.docs.IndexDoc` (so the same body tokens, entity spans and
positions): ``form`` (normalized form), ``stem``, ``root`` and ``entity`` (gazetteer key at the
position of a name's first token), and the same four for the title (``title_form`` …, positions
counted from the title's first word). Every posting carries the token positions as metadata ``p``
(delta-encoded: the first position, then the gaps), which the browser uses for term
frequencies and phrases.

Shards: a term lives in shard ``fnv1a32(term as UTF-16 code units) % shards`` (the JavaScript
computes the same hash). A shard keeps the terms' postings with their original ``_index`` and
the field vectors restricted to those terms, so lunr's own query API works on it too.

Terms are analysed here in Python, so lunr's own text pipeline is not used. The index records
one search-pipeline function under the label :data:`PIPELINE_LABEL` (``archive-ar``): the
archive's ``normalize``. lunr.py's ``stemmer-ar`` (Snowball) and lunr-languages' ``stemmer-ar``
are different algorithms under one label, so this project uses a label of its own; the browser
registers its JavaScript ``normalize`` under it before ``lunr.Index.load``.
"""

from __future__ import annotations

import gc
import gzip
import json
import math
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lunr import get_default_builder
from lunr.index import Index
from lunr.pipeline import Pipeline
from lunr.token import Token as LunrToken
from lunr.vector import Vector

from archive.analysis.morphology import ALT_MARK
from archive.analysis.normalize import normalize
from archive.analysis.tables import export_browser_tables
from archive.index.schema import root_stream

if TYPE_CHECKING:
    from archive.index.docs import IndexDoc
    from archive.pipeline import AnalyzedArticle

PIPELINE_LABEL = "archive-ar"
#: Index fields, in the order the browser reads them.
FIELDS: tuple[str, ...] = ("form", "stem", "root", "entity",
                           "title_form", "title_stem", "title_root", "title_entity")
DATA_DIR = "search/data"
DATA_VERSION = 1
_SEP = "\x01"  # joins a term and its position inside one builder token (never in a term)

STATIC = Path(__file__).parent / "static"
#: Static files copied into ``<site>/search/assets/``.
ASSETS: tuple[str, ...] = ("analyzer.js", "query.js", "engine.js", "loader.js", "forms.js",
                           "ui.js", "page.js", "header.js", "search.js", "search.css")


def _search_normalize(token: LunrToken, i: int, tokens: list[LunrToken]) -> LunrToken:
    """Search pipeline ``archive-ar``: the archive's matching form (idempotent on index terms)."""
    return token.update(lambda s, _m: normalize(s))


def _split_position(token: LunrToken, i: int, tokens: list[LunrToken]) -> LunrToken:
    """Builder-only step: ``term\\x01position`` → term, with the position as metadata ``p``."""
    term, _, pos = str(token).partition(_SEP)
    token.metadata["p"] = int(pos)
    return token.update(lambda _s, _m: term)


Pipeline.register_function(_search_normalize, PIPELINE_LABEL)
Pipeline.register_function(_split_position, "archive-split-position")


def _field_items(doc: IndexDoc) -> dict[str, list[str]]:
    """The builder tokens of ``doc`` per field (``term\\x01position``): reference path only."""
    toks = doc.tokens
    return {
        "form": [f"{t.normalized}{_SEP}{t.position}" for t in toks if t.normalized],
        "stem": [f"{t.stem}{_SEP}{t.position}" for t in toks if t.stem],
        "root": [f"{term}{_SEP}{pos}" for term, pos, _s, _e in root_stream(toks) if term],
        "entity": [f"{key}{_SEP}{pos}" for key, pos, _s, _e in doc.entities],
        "title_form": [f"{t.normalized}{_SEP}{t.position}" for t in doc.title_tokens
                       if t.normalized],
        "title_stem": [f"{t.stem}{_SEP}{t.position}" for t in doc.title_tokens if t.stem],
        "title_root": [f"{term}{_SEP}{pos}" for term, pos, _s, _e
                       in root_stream(doc.title_tokens) if term],
        "title_entity": [f"{key}{_SEP}{pos}" for key, pos, _s, _e in doc.title_entities],
    }


def _group_fields(doc: IndexDoc) -> tuple[tuple[int, dict[str, list[int]]], ...]:
    """Body fields then title fields (order :data:`FIELDS`)."""
    return (*_group_tokens(doc.tokens, doc.entities),
            *_group_tokens(doc.title_tokens, doc.title_entities))


def _group_tokens(tokens: list[Any], entities: list[tuple[str, int, int, int]]
                  ) -> tuple[tuple[int, dict[str, list[int]]], ...]:
    """Per field of ``doc`` (order :data:`FIELDS`): its number of terms and term → positions
    in first-appearance order: what lunr.py's Builder gets from :func:`_field_items`, before
    its list tokenizer lowercases (done by :func:`build_lunr_index` once per distinct term)."""
    form: dict[str, list[int]] = {}
    stem: dict[str, list[int]] = {}
    root: dict[str, list[int]] = {}
    n_form = n_stem = n_root = 0
    for t in tokens:
        pos = t.position
        term = t.normalized
        if term:
            n_form += 1
            at = form.get(term)
            if at is None:
                form[term] = [pos]
            else:
                at.append(pos)
        term = t.stem
        if term:
            n_stem += 1
            at = stem.get(term)
            if at is None:
                stem[term] = [pos]
            else:
                at.append(pos)
        term = t.root
        if term:
            n_root += 1
            at = root.get(term)
            if at is None:
                root[term] = [pos]
            else:
                at.append(pos)
        if t.alt:  # a name's common reading, at the same position (see root_stream)
            term = ALT_MARK + t.alt
            n_root += 1
            at = root.get(term)
            if at is None:
                root[term] = [pos]
            else:
                at.append(pos)
    entity: dict[str, list[int]] = {}
    for key, pos, _s, _e in entities:
        entity.setdefault(key, []).append(pos)
    return ((n_form, form), (n_stem, stem), (n_root, root), (len(entities), entity))


def _search_pipeline() -> Pipeline:
    pipeline = Pipeline()
    pipeline.add(_search_normalize)
    return pipeline


def _build_with_builder(docs: Iterable[IndexDoc]) -> dict[str, Any]:
    """Reference implementation: the same serialised index through lunr.py's ``Builder``.

    Slow (a deep copy per token, field vectors and token set in pure Python): kept only so the
    tests can prove that :func:`build_lunr_index` writes the same bytes."""
    builder = get_default_builder()
    builder.pipeline.reset()
    builder.search_pipeline.reset()
    builder.pipeline.add(_split_position)
    builder.search_pipeline.add(_search_normalize)
    builder.metadata_whitelist = ["p"]
    builder.ref("ref")
    for name in FIELDS:
        builder.field(name)
    for n, doc in enumerate(docs):
        builder.add({"ref": str(n), **_field_items(doc)})
    serialized: dict[str, Any] = builder.build().serialize()
    for _term, posting in serialized["invertedIndex"]:
        for name in FIELDS:
            for metadata in posting[name].values():
                metadata["p"] = delta_encode(metadata["p"])
    return serialized


@contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: building millions of small dicts and lists (none
    of them cyclic) would otherwise trigger full collections over the growing heap again and
    again, which took more time than the building itself."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


#: lunr's BM25 parameters (lunr.py's Builder defaults, as lunr.js 2.3.9).
_K1 = 1.2
_B = 0.75


def build_lunr_index(docs: Iterable[IndexDoc]) -> dict[str, Any]:
    """The serialised lunr index of ``docs``; document refs are their ordinal numbers.

    Builds what lunr.py's ``Builder`` builds (see :func:`_build_with_builder`), in one pass
    over the analysed tokens with plain dicts and lists: the inverted index (terms numbered in
    order of first appearance, positions as metadata ``p``), then every field's BM25 vector
    with the Builder's own arithmetic (k1 1.2, b 0.75, field length over the field's average,
    lunr's idf, rounded to 3 decimals), and serialises it with ``lunr.index.Index.serialize``.
    The token set is not built: ``serialize`` does not write it (lunr.js rebuilds it on load).
    Metadata objects (``{"p": [...]}``) may be shared between postings: treat them as
    read-only.
    """
    with _no_gc():
        return _build_lunr_index(docs)


def _build_lunr_index(docs: Iterable[IndexDoc]) -> dict[str, Any]:
    inverted: dict[str, dict[str, Any]] = {}
    # per field ref, in the Builder's order: field number, ref, field length, and the
    # (term index, term, tf) of its distinct terms
    refs: list[tuple[int, str, int, list[tuple[int, str, int]]]] = []
    totals = [0] * len(FIELDS)
    # most postings have one position: they share one read-only {"p": [position]} per position
    single: dict[int, dict[str, list[int]]] = {}
    count = 0
    for n, doc in enumerate(docs):
        ref = str(n)
        count += 1
        for f, (length, raw) in enumerate(_group_fields(doc)):
            name = FIELDS[f]
            # lunr's list tokenizer lowercases every element: terms equal once lowercased
            # are one term, first seen where the first of them was
            local: dict[str, list[int]] = {}
            for term, positions in raw.items():
                low = term.lower()
                if low in local:
                    local[low] = local[low] + positions
                else:
                    local[low] = positions
            terms: list[tuple[int, str, int]] = []
            for term, positions in local.items():  # first-appearance order, as the Builder
                posting = inverted.get(term)
                if posting is None:
                    posting = {f: {} for f in FIELDS}
                    posting["_index"] = len(inverted)
                    inverted[term] = posting
                if len(positions) == 1:
                    pos = positions[0]
                    meta = single.get(pos)
                    if meta is None:
                        meta = single[pos] = {"p": positions}
                    posting[name][ref] = meta
                else:
                    posting[name][ref] = {"p": delta_encode(positions)}
                terms.append((posting["_index"], term, len(positions)))
            totals[f] += length
            refs.append((f, ref, length, terms))

    # lunr.idf over the whole index: documents_with_term counts (field, document) pairs.
    idf: dict[str, float] = {}
    for term, posting in inverted.items():
        with_term = 0
        for f in FIELDS:
            with_term += len(posting[f])
        x = (count - with_term + 0.5) / (with_term + 0.5)
        idf[term] = math.log(1 + abs(x))

    averages = [total / count if count else 0.0 for total in totals]
    k1_1 = _K1 + 1
    field_vectors: dict[str, Vector] = {}
    for f, ref, length, terms in refs:
        elements: list[float] = []
        if terms:
            # the Builder's expression, term by term in the same order of operations
            norm = _K1 * (1 - _B + _B * (length / averages[f]))
            terms.sort()
            # not rounded here: Vector.serialize rounds to 3 decimals, as the Builder did on
            # insertion (rounding twice gives the same float)
            for index, term, tf in terms:
                elements += (index, idf[term] * (k1_1 * tf) / (norm + tf))
        field_vectors[f"{FIELDS[f]}/{ref}"] = Vector(elements)
    del refs

    index = Index(inverted_index=inverted, field_vectors=field_vectors, token_set=None,
                  fields=list(FIELDS), pipeline=_search_pipeline())
    serialized: dict[str, Any] = index.serialize()
    return serialized


def delta_encode(positions: list[int]) -> list[int]:
    """Sorted positions as the first one and then the gaps (smaller JSON)."""
    ordered = sorted(positions)
    return [b - a for a, b in zip([0, *ordered], ordered, strict=False)]


#: Aim for shards of about this many bytes (raw JSON; roughly a quarter of it gzipped).
SHARD_TARGET = 256 * 1024


def term_hash(term: str) -> int:
    """FNV-1a (32 bit) over the UTF-16 code units of ``term`` (as JavaScript sees the string)."""
    data = term.encode("utf-16-le")
    h = 0x811C9DC5
    for i in range(0, len(data), 2):
        h ^= data[i] | (data[i + 1] << 8)
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def serialized_size(serialized: dict[str, Any]) -> int:
    """``len(_dump(serialized).encode("utf-8"))``, without making the whole string at once.

    With ``separators=(",", ":")`` a JSON list is ``[`` + its items joined by ``,`` + ``]``,
    so the size is the size of the index with empty lists plus each item's size and commas."""
    lists = ("invertedIndex", "fieldVectors")
    size = len(_dump({k: ([] if k in lists else v) for k, v in serialized.items()}).encode())
    for key in lists:
        items = serialized[key]
        size += sum(len(_dump(item).encode("utf-8")) for item in items) + max(0, len(items) - 1)
    return size


def shard_count(serialized: dict[str, Any], target: int = SHARD_TARGET) -> int:
    return max(1, round(serialized_size(serialized) / target))


def split_index(serialized: dict[str, Any], shards: int) -> list[dict[str, Any]]:
    """Split a serialised lunr index by term into ``shards`` serialised lunr indexes."""
    parts: list[dict[str, Any]] = [
        {"version": serialized["version"], "fields": serialized["fields"],
         "pipeline": serialized["pipeline"], "invertedIndex": [], "fieldVectors": []}
        for _ in range(shards)
    ]
    shard_of_index: dict[int, int] = {}
    for term, posting in serialized["invertedIndex"]:
        k = term_hash(term) % shards
        parts[k]["invertedIndex"].append([term, posting])
        shard_of_index[posting["_index"]] = k
    for ref, vector in serialized["fieldVectors"]:
        pieces: list[list[float]] = [[] for _ in range(shards)]
        for i in range(0, len(vector), 2):
            pieces[shard_of_index[vector[i]]] += [vector[i], vector[i + 1]]
        for k, piece in enumerate(pieces):
            if piece:
                parts[k]["fieldVectors"].append([ref, piece])
    return parts


def write_shards(serialized: dict[str, Any], directory: Path,
                 target: int = SHARD_TARGET) -> tuple[int, list[Path]]:
    """Write ``serialized`` split into ``shard_count(serialized, target)`` shards as
    ``directory/<k>.json``; the same bytes as ``_dump(split_index(serialized, n)[k])``.

    Each inverted-index entry is turned into its JSON text once (and its dicts dropped): the
    text gives the whole index's size, hence the number of shards, and is then placed into its
    shard's JSON as is (a JSON list is its items' texts joined by commas). ``serialized`` is
    emptied on the way."""
    entries = serialized["invertedIndex"]
    terms: list[tuple[str, int]] = []
    texts: list[str] = []
    size = 0
    for i, (term, posting) in enumerate(entries):
        terms.append((term, posting["_index"]))
        text = _dump([term, posting])
        entries[i] = None
        texts.append(text)
        size += len(text.encode("utf-8"))
    size += max(0, len(texts) - 1)
    vectors = serialized["fieldVectors"]
    size += sum(len(_dump(item).encode("utf-8")) for item in vectors) + max(0, len(vectors) - 1)
    size += len(_dump({**serialized, "invertedIndex": [], "fieldVectors": []}).encode("utf-8"))
    shards = max(1, round(size / target))

    members: list[list[int]] = [[] for _ in range(shards)]
    shard_of_index = [0] * len(terms)  # term indexes are 0 .. len - 1
    for i, (term, index) in enumerate(terms):
        k = term_hash(term) % shards
        members[k].append(i)
        shard_of_index[index] = k
    del terms
    pieces: list[list[list[Any]]] = [[] for _ in range(shards)]
    for ref, vector in vectors:
        if shards == 1:
            if vector:
                pieces[0].append([ref, vector])
            continue
        split: dict[int, list[float]] = {}
        for index, score in zip(vector[::2], vector[1::2], strict=True):
            k = shard_of_index[index]
            piece = split.get(k)
            if piece is None:
                split[k] = [index, score]
            else:
                piece += (index, score)
        for k, piece in split.items():
            pieces[k].append([ref, piece])
    serialized["invertedIndex"] = serialized["fieldVectors"] = []
    hole = '"invertedIndex":[]'
    written = []
    for k in range(shards):
        frame = _dump({**serialized, "fieldVectors": pieces[k]})
        assert frame.count(hole) == 1
        body = ",".join(texts[i] for i in members[k])
        written.append(_write(directory / f"{k}.json",
                              frame.replace(hole, f'"invertedIndex":[{body}]')))
        pieces[k] = []
    return shards, written


def form_tables(docs: list[IndexDoc]) -> dict[str, dict[str, dict[str, list[Any]]]]:
    """``{"stem"|"root": {term: {normalized form: [spelling, [doc numbers]]}}}`` over the body
    and title words of ``docs`` (names left out: they match as entities). The spelling is the
    form as first written (in document order); doc numbers ascend."""
    tables: dict[str, dict[str, dict[str, list[Any]]]] = {"stem": {}, "root": {}}
    stems, roots = tables["stem"], tables["root"]
    for n, doc in enumerate(docs):
        for t in (*doc.title_tokens, *doc.tokens):
            if t.entity is not None or not t.normalized:
                continue
            for table, term in ((stems, t.stem), (roots, t.root)):
                if not term:
                    continue
                forms = table.get(term)
                if forms is None:
                    forms = table[term] = {}
                entry = forms.get(t.normalized)
                if entry is None:
                    forms[t.normalized] = [t.form, [n]]
                elif entry[1][-1] != n:
                    entry[1].append(n)
    return tables


def write_form_shards(docs: list[IndexDoc], directory: Path, shards: int) -> list[Path]:
    """Write :func:`form_tables` split by term into ``directory/<k>.json``."""
    parts: list[dict[str, dict[str, Any]]] = [{"stem": {}, "root": {}} for _ in range(shards)]
    for level, table in form_tables(docs).items():
        for term, forms in table.items():
            parts[term_hash(term) % shards][level][term] = forms
    return [_write(directory / f"{k}.json", _dump(part)) for k, part in enumerate(parts)]


def _year(date: str | None) -> str | None:
    return date[:4] if date and len(date) >= 4 and date[:4].isdigit() else None


def _utf16(text: str, offset: int, cache: dict[int, int]) -> int:
    if offset not in cache:
        cache[offset] = len(text[:offset].encode("utf-16-le")) // 2
    return cache[offset]


def doc_record(doc: IndexDoc, body: list[tuple[int, int]]) -> dict[str, Any]:
    """The per-article store entry: its text and body spans (UTF-16 offsets, as JS counts)."""
    cache: dict[int, int] = {}
    return {
        "id": doc.id,
        "text": doc.text,
        "body": [[_utf16(doc.text, s, cache), _utf16(doc.text, e, cache)] for s, e in body],
    }


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


def meta_record(
    docs: list[IndexDoc], gazetteer: Any, urls: dict[str, str] | None = None
) -> dict[str, Any]:
    """Metadata loaded up front: one row per document ref, plus the gazetteer's entities.

    To keep it small, a row names its places and actors by their number in ``entity_keys``,
    and its URL only when it is not the default ``articles/<id>/``."""
    entities = entity_rows(gazetteer)
    urls = urls or {}
    for doc in docs:
        for key in [*doc.places, *doc.actors]:
            if key not in entities:  # declared in front matter but not in the gazetteer
                kind, _, ident = key.partition(":")
                entities[key] = [kind, ident, ident, [], None]
    keys = sorted(entities)
    number = {k: i for i, k in enumerate(keys)}
    rows = []
    for doc in docs:
        url = urls.get(doc.id)
        rows.append([doc.id, doc.path, doc.title, doc.date, doc.source, _year(doc.date),
                     [number[k] for k in doc.places], [number[k] for k in doc.actors],
                     None if url in (None, f"articles/{doc.id}/") else url])
    return {
        "version": DATA_VERSION,
        "columns": ["id", "path", "title", "date", "source", "year", "places", "actors", "url"],
        "entity_columns": ["kind", "id", "name", "aliases", "parent"],
        "entity_keys": keys,
        "docs": rows,
        "entities": {k: entities[k] for k in keys},
    }


#: One encoder for every dump (``json.dumps`` with options builds a new one per call).
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _dump(data: Any) -> str:
    """Compact JSON with sorted keys (as ``json.dumps(..., ensure_ascii=False,
    sort_keys=True, separators=(",", ":"))``)."""
    return _ENCODER.encode(data)


@dataclass(slots=True)
class BrowserIndexReport:
    """Where the data went and how big it is.

    ``files`` maps a name (``meta.json``, ``lunr/*.json``, ...) to the files written under it.
    The build does not compress anything: :attr:`sizes` reads the files back and gzips them
    (level 9) only when asked, for reports and benchmarks."""

    directory: Path
    articles: int
    files: dict[str, list[Path]] = field(default_factory=dict)

    @property
    def sizes(self) -> dict[str, tuple[int, int]]:
        """Name → (raw bytes, gzip bytes), summed over its files (computed on each call)."""
        out: dict[str, tuple[int, int]] = {}
        for name, paths in self.files.items():
            raw = gz = 0
            for path in paths:
                data = path.read_bytes()
                raw += len(data)
                gz += len(gzip.compress(data, compresslevel=9, mtime=0))
            out[name] = (raw, gz)
        return out

    def total(self, names: Iterable[str] | None = None) -> tuple[int, int]:
        sizes = self.sizes
        keys = sizes if names is None else names
        raw = sum(sizes[k][0] for k in keys)
        gz = sum(sizes[k][1] for k in keys)
        return raw, gz


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


def lunr_js_path() -> Path:
    """lunr.js 2.3.9 as shipped inside the installed mkdocs package."""
    import mkdocs

    path = Path(mkdocs.__file__).parent / "contrib" / "search" / "templates" / "search" / "lunr.js"
    if not path.is_file():
        from archive.errors import ArchiveError, Problem

        raise ArchiveError([Problem(str(path), "lunr.js is not inside the installed mkdocs",
                                    "reinstall mkdocs 1.6 (pip install 'mkdocs>=1.6,<2')")])
    return path


def copy_assets(site_dir: Path) -> list[Path]:
    """Copy lunr.js (from mkdocs) and this package's scripts and styles to the site."""
    target = site_dir / "search" / "assets"
    target.mkdir(parents=True, exist_ok=True)
    out = [Path(shutil.copyfile(lunr_js_path(), target / "lunr.js"))]
    for name in ASSETS:
        out.append(Path(shutil.copyfile(STATIC / name, target / name)))
    return out


def write_browser_index(
    analyzed: list[AnalyzedArticle],
    site_dir: Path,
    gazetteer: Any = None,
    urls: dict[str, str] | None = None,
) -> BrowserIndexReport:
    """Write the browser's search data and assets for ``analyzed`` under ``site_dir``.

    ``urls``: article id → page URL relative to the site root (default ``articles/<id>/``)."""
    from archive.index.docs import IndexDoc

    ordered = sorted(analyzed, key=lambda aa: aa.article.id)
    from archive.analysis import Analyzer

    title_analyzer = Analyzer(gazetteer.matcher()) if gazetteer is not None else Analyzer()
    docs = [IndexDoc.from_analyzed(aa, title_analyzer) for aa in ordered]
    out = site_dir / DATA_DIR
    if out.exists():
        shutil.rmtree(out)
    report = BrowserIndexReport(out, len(docs))
    names: dict[str, Any] = {"format": 1, "proclitics": [], "article": "ال", "names": {}}
    if gazetteer is not None:
        names = gazetteer.matcher().export_table()
    with _no_gc():  # everything built here is freed before the collector runs again
        shards, written = write_shards(build_lunr_index(docs), out / "lunr")
    report.files["lunr/*.json"] = written
    meta = meta_record(docs, gazetteer, urls)
    meta["shards"] = shards
    meta["shard_hash"] = "fnv1a32-utf16"
    report.files["meta.json"] = [_write(out / "meta.json", _dump(meta))]
    tables_files = export_browser_tables(out)
    report.files["analyzer-tables.json"] = tables_files[:1]
    report.files["lexicon/*.json"] = tables_files[1:]
    report.files["names.json"] = [_write(out / "names.json", _dump(names))]
    written = []
    for n, (aa, doc) in enumerate(zip(ordered, docs, strict=True)):
        body = [(s.start, s.end) for s in aa.article.body_segments()]
        written.append(_write(out / "docs" / f"{n}.json", _dump(doc_record(doc, body))))
    report.files["docs/*.json"] = written
    report.files["forms/*.json"] = write_form_shards(docs, out / "forms", shards)
    copy_assets(site_dir)
    return report
