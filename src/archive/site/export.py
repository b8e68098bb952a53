"""The open data files: articles.json, articles.csv, places.geojson, actors.json and a
datapackage.json describing them. Deterministic bytes (sorted keys, sorted rows, LF endings).

The article files hold every article's text (hundreds of MB for a large archive), so they are
written one article at a time into a temporary file and put in place only when their bytes
changed: the build never holds a whole data file in memory."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import marshal
from array import array
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from archive import files
from archive.files import atomic_file, copy_range, write_atomic, write_if_changed
from archive.site.model import EntityView, SiteData

log = logging.getLogger("mkdocs.plugins.archive")

LICENSE_NOTE = (
    "Article texts remain the property of their publishers and are archived for research; "
    "the gazetteer and the metadata are released with the project (GPL-3.0-or-later)."
)


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def _bare(key: str) -> str:
    return key.split(":", 1)[1]


def article_records(data: SiteData, urls: dict[str, str]) -> Iterator[dict[str, Any]]:
    """One record per article, in the site's article order, made as it is asked for (keys
    starting with ``_`` are for the CSV only)."""
    for v in data.articles.values():
        yield _record(v, urls)


def _record(v: Any, urls: dict[str, str]) -> dict[str, Any]:
    """The record of one article view (see :func:`article_records`)."""
    a = v.article
    body, boiler = _parts(a)
    return {
        "id": a.id,
        "title": a.title,
        "title_inferred": a.title_inferred,
        "date": a.date,
        "source": a.source,
        "source_evidence": (
            {"text": a.source_evidence.text, "start": a.source_evidence.start,
             "end": a.source_evidence.end, "rule": a.source_evidence.rule}
            if a.source_evidence else None
        ),
        "url": a.url,
        "author": a.author,
        "page": urls.get(f"article:{a.id}"),
        "raw_file": urls.get(f"raw:{a.id}"),
        "path": a.path,
        "content_hash": a.content_hash,
        "places": [_bare(k) for k in v.places],
        "actors": [_bare(k) for k in v.actors],
        "mention_counts": dict(sorted(v.mention_counts.items())),
        "tags": list(a.tags),
        "related": list(v.related),
        "mentioned_dates": [
            {"value": m.value, "text": m.text, "start": m.start, "end": m.end}
            for m in a.mentioned_dates
        ],
        "segments": [
            {"start": s.start, "end": s.end, "kind": s.kind, "reason": s.reason}
            for s in a.segments
        ],
        "mentions": [
            {"entity": m.entity, "start": m.start, "end": m.end} for m in v.mentions
        ],
        "text": a.text,
        "_body": body,
        "_boilerplate": boiler,
    }


def _parts(a: Any) -> tuple[str, str]:
    """An article's body and its boilerplate, each its segments' stripped texts joined by
    a blank line."""
    text = a.text  # (read once: an article may read it from its analysis record)
    return ("\n\n".join(text[s.start : s.end].strip() for s in a.body_segments()),
            "\n\n".join(text[s.start : s.end].strip() for s in a.boilerplate_segments()))


def _csv_row(v: Any, urls: dict[str, str]) -> list[Any]:
    """``_csv_fields(_record(v, urls))`` without the rest of the record (its mentions,
    segments and dates as dicts: most of the record's CPU)."""
    a = v.article
    body, boiler = _parts(a)
    return [
        a.id, a.title, a.date or "", a.source or "", a.url or "", a.author or "",
        urls.get(f"article:{a.id}") or "", ";".join(_bare(k) for k in v.places),
        ";".join(_bare(k) for k in v.actors), ";".join(a.tags), body, boiler,
    ]


CSV_FIELDS = ["id", "title", "date", "source", "url", "author", "page", "places", "actors", "tags",
              "body", "boilerplate"]


def write_articles_json(records: Iterator[dict[str, Any]], fh: TextIO) -> None:
    """The bytes of ``json.dumps(records without their "_" keys, ensure_ascii=False,
    sort_keys=True, separators=(",", ":"))`` and a newline, written one record at a time."""
    fh.write("[")
    for i, r in enumerate(records):
        if i:
            fh.write(",")
        fh.write(_json_record(r))
    fh.write("]\n")


def _json_record(r: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in r.items() if not k.startswith("_")},
                      ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def write_articles_csv(records: Iterator[dict[str, Any]], fh: TextIO) -> None:
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for r in records:
        writer.writerow(_csv_fields(r))


def _csv_fields(r: dict[str, Any]) -> list[Any]:
    return [
        r["id"], r["title"], r["date"] or "", r["source"] or "", r["url"] or "",
        r["author"] or "", r["page"] or "", ";".join(r["places"]), ";".join(r["actors"]),
        ";".join(r["tags"]),
        r["_body"], r["_boilerplate"],
    ]


def _csv_text(rows: list[list[Any]]) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


@dataclass(slots=True)
class _Written:
    """One article data file as this process last wrote it: its identity (inode, size,
    mtime_ns), and per article id (in file order) what its record was made from (the view
    object, its related ids, its page and raw-text addresses) and where its bytes are."""

    identity: tuple[int, int, int]
    rows: dict[str, tuple[Any, list[str], str | None, str | None, int, int]]


class KeptRows:
    """`mkdocs serve`: where each article's record is in articles.json and articles.csv as
    last written, so that the next reload copies the bytes of the articles whose record is
    made from the same view (the same object: an unchanged article, see
    :func:`archive.site.model.build_site_data`), related ids and addresses, and makes only the
    others' records again; a file nothing of which changed is not written at all. The bytes
    are those :func:`write_articles_json` and :func:`write_articles_csv` write.

    A reload whose articles are those of the last write, in the same order, and whose
    addresses are the same (an edited text, new related lists: every `mkdocs serve` reload
    after an edit) finds the changed records by one pass over the views (``made``: each
    article's view object and related ids as last written, in file order) and patches both
    files around them (:func:`_patch_rows`), without a token per article; any other reload
    compares every record's token (:func:`_write_rows`)."""

    def __init__(self) -> None:
        self.files: dict[str, _Written] = {}
        #: the ids, views and copies of their related lists the files were last written
        #: from (in file order), and the addresses (None: not known, the tokens decide)
        self.ids: list[str] = []
        self.made: list[tuple[Any, list[str]]] = []
        self.urls: dict[str, str] | None = None

    def changed(self, data: SiteData, urls: dict[str, str]) -> list[int] | None:
        """The positions (in file order) of the articles whose record may differ from the one
        last written; None when the articles, their order or the addresses changed."""
        if self.urls is None or urls != self.urls or list(data.articles) != self.ids:
            return None
        return [k for k, (v, (old, related)) in enumerate(zip(data.articles.values(),
                                                               self.made, strict=True))
                if v is not old or v.related != related]

    def remember(self, data: SiteData, urls: dict[str, str],
                 changed: list[int] | None) -> None:
        """What the files were written from (after both were written)."""
        if changed is None or len(self.made) != len(data.articles):
            self.ids = list(data.articles)
            self.made = [(v, list(v.related)) for v in data.articles.values()]
            self.urls = dict(urls)
            return
        views = list(data.articles.values()) if changed else []
        for k in changed:
            self.made[k] = (views[k], list(views[k].related))

    def forget(self) -> None:
        self.ids, self.made, self.urls = [], [], None




def _write_kept(path: Path, data: SiteData, urls: dict[str, str], kept: KeptRows,
                changed: list[int] | None) -> None:
    """articles.json or articles.csv (by ``path``'s name) through ``kept`` (see KeptRows):
    patched around the records at ``changed`` (KeptRows.changed) when the file is the one
    last written, else record by record by their tokens."""
    before = kept.files.pop(path.name, None)
    if before is not None and before.identity != files.file_identity(path):
        before = None  # written since by someone else: made anew
    if before is not None and changed is not None:
        rows = _patch_rows(path, data, urls, before, changed)
        identity = files.file_identity(path) if rows is not before.rows else before.identity
        if identity is not None:
            kept.files[path.name] = _Written(identity, rows)
        return

    def token(v: Any, page: str | None, raw: str | None) -> Any:
        return (v, list(v.related), page, raw)

    def same(old: Any, new: Any) -> bool:
        return bool(old[0] is new[0] and old[1:] == new[1:])

    old_rows = ({aid: (row[:4], row[4], row[5]) for aid, row in before.rows.items()}
                if before is not None else None)
    rows = _write_rows(path, data, urls, old_rows, token, same)
    if rows is None:
        assert before is not None
        kept.files[path.name] = before  # the same bytes: left as they are
        return
    identity = files.file_identity(path)
    if identity is not None:
        kept.files[path.name] = _Written(identity, {
            aid: (*tok, pos, length) for aid, (tok, pos, length) in rows.items()})


def _patch_rows(path: Path, data: SiteData, urls: dict[str, str], before: _Written,
                changed: list[int]) -> dict[str, tuple[Any, list[str], str | None, str | None,
                                                    int, int]]:
    """``path`` (as ``before`` describes it, with the same articles in the same order) with
    the records at ``changed`` made again and the bytes between them copied; the file is left
    as it is when every record made is the one there. The rows of the file as it is then
    (``before.rows`` itself when it was left)."""
    is_json = path.name == "articles.json"
    ids = list(data.articles)
    views = list(data.articles.values()) if changed else []
    old = before.rows
    made: list[tuple[int, bytes]] = []
    with open(path, "rb") as src:
        for k in changed:
            new = (_json_record(_record(views[k], urls)) if is_json
                   else _csv_text([_csv_row(views[k], urls)])).encode()
            row = old[ids[k]]
            src.seek(row[4])
            if src.read(row[5]) != new:
                made.append((k, new))
        if not made:
            return old
        size = before.identity[1]
        with atomic_file(path) as fh:
            at = 0  # the next old byte to copy
            for k, new in made:
                start, length = old[ids[k]][4:6]
                copy_range(src, fh, at, start - at)
                fh.write(new)
                at = start + length
            copy_range(src, fh, at, size - at)
    rows = dict(old)
    lengths = dict(made)
    remade = set(changed)
    delta = 0
    for k in range(changed[0], len(ids)):
        aid = ids[k]
        v, related, page, raw, pos, length = old[aid]
        if k in remade:  # its token now (its bytes may be the same as before)
            v = views[k]
            related = list(v.related)
            new = lengths.get(k)
            if new is not None:
                rows[aid] = (v, related, page, raw, pos + delta, len(new))
                delta += len(new) - length
                continue
        if delta or k in remade:
            rows[aid] = (v, related, page, raw, pos + delta, length)
    return rows


#: per article id: what its record was made from (a token), and where its bytes are
_Rows = dict[str, tuple[Any, int, int]]


def _write_rows(path: Path, data: SiteData, urls: dict[str, str], old_rows: _Rows | None,
                token: Callable[[Any, str | None, str | None], Any],
                same: Callable[[Any, Any], bool]) -> _Rows | None:
    """Write articles.json or articles.csv (by ``path``'s name) with the bytes
    :func:`write_articles_json` or :func:`write_articles_csv` write, copying from the file
    there (which ``old_rows`` describes) the bytes of each article whose record is made from
    the same (``same`` of the old and the new ``token`` of its view, page and raw-text
    addresses) and making only the others' records. None (the file left as it is): every
    record the same, in the same order."""
    is_json = path.name == "articles.json"
    old = old_rows or {}
    plan: list[tuple[Any, str, Any, tuple[int, int] | None]] = []
    for aid, v in data.articles.items():
        page, raw = urls.get(f"article:{aid}"), urls.get(f"raw:{aid}")
        tok = token(v, page, raw)
        was = old.get(aid)
        plan.append((v, aid, tok, (was[1], was[2]) if was is not None and same(was[0], tok)
                     else None))
    if (old_rows is not None and all(p[3] is not None for p in plan)
            and list(old_rows) == list(data.articles)):
        return None
    sep = b"," if is_json else b""
    rows: _Rows = {}
    with atomic_file(path, keep_same=True) as fh, (
            open(path, "rb") if old_rows is not None else io.BytesIO()) as src:
        pos = fh.write(b"[" if is_json else _csv_text([CSV_FIELDS]).encode())
        run = [0, 0]  # old bytes still to copy (rows unchanged and next to each other there)

        def flush() -> None:
            if run[1] > run[0]:
                copy_range(src, fh, run[0], run[1] - run[0])
            run[0] = run[1] = 0

        for i, (v, aid, tok, span) in enumerate(plan):
            if span is not None and run[1] > run[0] and run[1] + len(sep) == span[0]:
                pos += len(sep)  # the separator between the two is among the old bytes
                run[1] = span[0] + span[1]
                length = span[1]
            else:
                flush()
                if i:
                    pos += fh.write(sep)
                if span is not None:  # the bytes written last time for the same record
                    run[:] = [span[0], span[0] + span[1]]
                    length = span[1]
                else:
                    length = fh.write((_json_record(_record(v, urls)) if is_json
                                       else _csv_text([_csv_row(v, urls)])).encode())
            rows[aid] = (tok, pos, length)
            pos += length
        flush()
        if is_json:
            fh.write(b"]\n")
    return rows


#: in the data files' folder: where each article's record is in articles.json and
#: articles.csv, and what it was made from (see :func:`_read_rows`)
ROWS_FILE = ".rows"
ROWS_FORMAT = 2


def _rows_context(data: SiteData) -> str:
    """Digest of what every article's record is made from beside its own analysis record,
    path, related ids and addresses: the code and the places and actors there are (an
    article's places and actors are those of them it names). The places and actors some
    article names (``data.shown_keys``: a mention of another is dropped) are kept beside it
    in the rows' state (see :func:`_write_article_files`)."""
    h = hashlib.sha256(files.fingerprint(f"data rows {ROWS_FORMAT}", [
        "site/export.py", "site/model.py", "corpus", "records.py"]).encode())
    h.update(repr(sorted(data.entities.items())).encode())
    return h.hexdigest()


def _row_token(keys: Mapping[str, str]) -> Callable[[Any, str | None, str | None], Any]:
    """A build's token of an article's record: the key of the analysis record its view was
    made from (its file, the analysis code, the gazetteer's tagging), its path, related ids
    and addresses, as a short digest. Each is made once: articles.json's and articles.csv's
    rows ask for the same tokens (the view, page and raw-text addresses checked the same)."""
    made: dict[str, tuple[Any, str | None, str | None, Any]] = {}

    def token(v: Any, page: str | None, raw: str | None) -> Any:
        hit = made.get(v.id)
        if hit is not None and hit[0] is v and hit[1] == page and hit[2] == raw:
            return hit[3]
        key = keys.get(v.id)
        if key is None:
            return None  # made again
        parts = (key, v.article.path, v.related, page, raw)
        tok = hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"),
                              digest_size=16).digest()
        made[v.id] = (v, page, raw, tok)
        return tok
    return token


def _read_rows(out: Path, context: str) -> tuple[dict[str, _Rows], list[str]] | None:
    """The rows :func:`_save_rows` saved, for the article files as they are now, and the
    places and actors some article named then (sorted); None (with the reason logged) when
    there are none, or they are unreadable, of other code or inputs, or a file is no longer
    the one they describe: the files are then written whole."""
    state = out / ROWS_FILE
    if not state.is_file():
        return None
    reason = ""
    try:
        fmt, ctx, kept, shown = marshal.loads(state.read_bytes())
        if fmt != ROWS_FORMAT or ctx != context:
            reason = "made by other code or for other places and actors"
        else:
            found: dict[str, _Rows] = {}
            for name, (identity, ids, tokens, spans) in kept.items():
                if name not in ARTICLE_FILES:
                    continue
                if files.file_identity(out / name) != tuple(identity):
                    reason = f"{name} changed since"
                    break
                at = array("Q")
                at.frombytes(spans)
                if not (len(ids) == len(tokens) and len(at) == 2 * len(ids)):
                    raise ValueError("rows and spans differ in number")
                if not _tiles(name, at, identity[1]):
                    raise ValueError("rows that do not make up the file")
                found[name] = {i: (t, at[2 * k], at[2 * k + 1])
                               for k, (i, t) in enumerate(zip(ids, tokens, strict=True))}
            else:
                if set(found) == set(ARTICLE_FILES):
                    if not (isinstance(shown, list) and all(isinstance(k, str) for k in shown)):
                        raise TypeError("not a list of keys")
                    return found, shown
                reason = "a file missing"
    except (OSError, ValueError, EOFError, TypeError, KeyError, IndexError):
        reason = "unreadable"
    log.info("archive: %s: %s; articles.json and articles.csv made whole", state, reason)
    return None


def _tiles(name: str, spans: array[int], size: int) -> bool:
    """Whether the spans (offset, length, …) cover the file of ``size`` bytes exactly as
    :func:`_write_rows` lays it out: the opening bytes, the records one after the other
    (comma-separated in JSON), the closing bytes."""
    is_json = name == "articles.json"
    pos = 1 if is_json else len(_csv_text([CSV_FIELDS]).encode())
    sep = 1 if is_json else 0
    offsets, lengths = spans[0::2], spans[1::2]
    for k, (at, length) in enumerate(zip(offsets, lengths, strict=True)):
        if k:
            pos += sep
        if at != pos:
            return False
        pos += length
    return pos + (2 if is_json else 0) == size


def _save_rows(out: Path, context: str, rows: dict[str, _Rows], shown: list[str]) -> None:
    kept = {}
    for name, made in rows.items():
        identity = files.file_identity(out / name)
        if identity is None:
            return
        spans = array("Q")
        for _, pos, length in made.values():
            spans.append(pos)
            spans.append(length)
        kept[name] = (identity, list(made), [t for t, _, _ in made.values()], spans.tobytes())
    write_atomic(out / ROWS_FILE, marshal.dumps((ROWS_FORMAT, context, kept, shown)))


ARTICLE_FILES = ("articles.json", "articles.csv")


def _entity_props(e: EntityView, data: SiteData, urls: dict[str, str]) -> dict[str, Any]:
    return {
        "id": e.id,
        "name": e.name,
        "aliases": list(e.aliases),
        "type": e.type,
        "description": e.description,
        "articles": len(data.entity_articles.get(e.key, [])),
        "page": urls.get(e.key),
    }


def places_geojson(data: SiteData, urls: dict[str, str]) -> dict[str, Any]:
    features = []
    for e in data.places():
        props = _entity_props(e, data, urls)
        props["parent"] = _bare(e.parent) if e.parent else None
        geometry = (
            {"type": "Point", "coordinates": [e.lon, e.lat]} if e.has_coordinates else None
        )
        features.append({"type": "Feature", "id": e.id, "geometry": geometry,
                         "properties": props})
    return {"type": "FeatureCollection", "features": features}


def actors_json(data: SiteData, urls: dict[str, str]) -> list[dict[str, Any]]:
    out = []
    for e in data.actors():
        props = _entity_props(e, data, urls)
        props["affiliation"] = [_bare(k) for k in e.affiliation]
        out.append(props)
    return out


def datapackage(
    site_name: str, n_articles: int, slug: str = "archive", description: str = ""
) -> dict[str, Any]:
    def field(name: str, type_: str, desc: str) -> dict[str, str]:
        return {"name": name, "type": type_, "description": desc}

    return {
        "profile": "data-package",
        "name": slug.lower(),
        "title": site_name,
        "description": (f"{description} " if description else "")
        + f"({n_articles} Arabic news articles, with a gazetteer of places and actors.)",
        "licenses": [{"name": "GPL-3.0-or-later", "title": LICENSE_NOTE}],
        "resources": [
            {
                "name": "articles-csv", "path": "articles.csv", "profile": "tabular-data-resource",
                "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                "schema": {"fields": [
                    field("id", "string", "Article id (file name in seeds/)"),
                    field("title", "string", "Title (from front matter or inferred)"),
                    field("date", "string", "Publication date YYYY-MM-DD, YYYY-MM or YYYY; "
                                            "empty when unknown"),
                    field("source", "string", "Publisher"),
                    field("url", "string", "Original URL when known"),
                    field("author", "string", "Author as the front matter gives it; empty "
                                              "when not given"),
                    field("page", "string", "Archive page, relative to the site root"),
                    field("places", "string", "Place ids, ';'-separated, most mentioned first"),
                    field("actors", "string", "Actor ids, ';'-separated, most mentioned first"),
                    field("tags", "string", "Tags, ';'-separated"),
                    field("body", "string", "Article body: the body segments, blank-line "
                                            "separated"),
                    field("boilerplate", "string", "Text of the original page outside the "
                                                   "article body (captions, read-also links…)"),
                ], "primaryKey": ["id"]},
            },
            {"name": "articles-json", "path": "articles.json", "format": "json",
             "mediatype": "application/json", "encoding": "utf-8",
             "description": "Same articles with the full text as archived, its segments (body "
                            "or boilerplate), entity mentions (character offsets into text), "
                            "mentioned dates and related articles."},
            {"name": "places", "path": "places.geojson", "format": "geojson",
             "mediatype": "application/geo+json", "encoding": "utf-8",
             "description": "Gazetteer places; geometry is null when coordinates are unknown."},
            {"name": "actors", "path": "actors.json", "format": "json",
             "mediatype": "application/json", "encoding": "utf-8",
             "description": "Gazetteer actors with type, affiliation and article counts."},
        ],
    }


#: in the data files' folder: the digest of what they were last written from (``inputs``)
INPUTS_FILE = ".inputs"


def write_data_files(
    data: SiteData, urls: dict[str, str], site_name: str, out: Path, slug: str = "archive",
    description: str = "", kept: KeptRows | None = None, inputs: str | None = None,
    row_keys: Mapping[str, str] | None = None,
) -> dict[str, Path]:
    """Write every data file under ``out`` (only those whose bytes changed); returns file
    name → path, in the order of :data:`DATA_NAMES`. ``kept``: the article files as last
    written by this process (``mkdocs serve``), see :class:`KeptRows`. ``inputs``: a digest
    of everything the files are made from, code included (the plugin's site digest): when
    the files were last written from the same, they are left as they are, not made again.
    ``row_keys`` (`mkdocs build`): per article id, the key of the analysis record its view
    was made from; where each article's record is in the article files is then kept beside
    them (:data:`ROWS_FILE`), and the next build makes again only the records of the
    articles whose key, path, related ids or addresses changed, copying the others' bytes."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {name: out / name for name in DATA_NAMES}
    marker = out / INPUTS_FILE
    if inputs is not None and all(p.is_file() for p in paths.values()):
        try:
            if marker.read_text("utf-8") == inputs:
                return paths
        except (OSError, UnicodeDecodeError):
            pass
    marker.unlink(missing_ok=True)  # a build stopped while writing leaves none

    def text(content: Any) -> Callable[[TextIO], None]:
        return lambda fh: fh.write(_dumps(content))

    writers: dict[str, Callable[[TextIO], None]] = {
        "articles.json": lambda fh: write_articles_json(article_records(data, urls), fh),
        "articles.csv": lambda fh: write_articles_csv(article_records(data, urls), fh),
        "places.geojson": text(places_geojson(data, urls)),
        "actors.json": text(actors_json(data, urls)),
        "datapackage.json": text(datapackage(site_name, len(data.articles), slug, description)),
    }
    if kept is None and row_keys is not None:
        _write_article_files(out, data, urls, row_keys)
    changed = kept.changed(data, urls) if kept is not None else None
    for name in DATA_NAMES:
        if kept is not None and name in ARTICLE_FILES:
            try:
                _write_kept(out / name, data, urls, kept, changed)
            except BaseException:
                kept.forget()
                raise
        elif kept is not None or row_keys is None or name not in ARTICLE_FILES:
            write_if_changed(out / name, writers[name])
    if kept is not None:
        kept.remember(data, urls, changed)
    if inputs is not None:
        write_atomic(marker, inputs)
    return paths


def _write_article_files(out: Path, data: SiteData, urls: dict[str, str],
                         row_keys: Mapping[str, str]) -> None:
    """articles.json and articles.csv by :func:`_write_rows`, from the rows the last build
    saved (:func:`_read_rows`) when they still describe the files; the rows saved anew.

    An article's record keeps only its mentions of the places and actors some article names
    (``data.shown_keys``), a set that one article's edit can change (a place no article named
    before: the bench's edited article at 987 and 9,504 articles). When places were added to
    it, the records made again are those of the articles with a mention of one (a record
    with the same token may differ only there); when some left it, both files are made whole
    (an article that mentioned one is not known from its view now)."""
    context = _rows_context(data)
    read = _read_rows(out, context)
    (out / ROWS_FILE).unlink(missing_ok=True)  # a build stopped while writing leaves none
    shown = sorted(data.shown_keys)
    before = read[0] if read is not None else None
    if read is not None and read[1] != shown:
        was = set(read[1])
        added = data.shown_keys - was
        if len(was) + len(added) != len(shown):  # some left: made whole
            log.info("archive: %s: places or actors no longer named by any article; "
                     "articles.json and articles.csv made whole", out / ROWS_FILE)
            before = None
        else:
            naming = [i for i, v in data.articles.items()
                      if any(m.entity in added for m in v.mentions)]
            for old in read[0].values():
                for i in naming:
                    old.pop(i, None)
    token = _row_token(row_keys)

    def same(old: Any, new: Any) -> bool:
        return new is not None and old == new

    rows: dict[str, _Rows] = {}
    for name in ARTICLE_FILES:
        old = before.get(name) if before is not None else None
        made = _write_rows(out / name, data, urls, old, token, same)
        if made is None:  # left as it was: its rows too
            assert old is not None
            made = old
        rows[name] = made
    _save_rows(out, context, rows, shown)


DATA_NAMES = ["articles.json", "articles.csv", "places.geojson", "actors.json", "datapackage.json"]
