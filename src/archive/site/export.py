"""The open data files: articles.json, articles.csv, places.geojson, actors.json and a
datapackage.json describing them. Deterministic bytes (sorted keys, sorted rows, LF endings).

The article files hold every article's text (hundreds of MB for a large archive), so they are
written one article at a time into a temporary file and put in place only when their bytes
changed: the build never holds a whole data file in memory."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from archive.files import atomic_file, write_atomic, write_if_changed
from archive.site.model import EntityView, SiteData

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
    body = "\n\n".join(a.text[s.start : s.end].strip() for s in a.body_segments())
    boiler = "\n\n".join(
        a.text[s.start : s.end].strip() for s in a.boilerplate_segments()
    )
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
    are those :func:`write_articles_json` and :func:`write_articles_csv` write."""

    def __init__(self) -> None:
        self.files: dict[str, _Written] = {}


def _stat(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _write_kept(path: Path, data: SiteData, urls: dict[str, str], kept: KeptRows) -> None:
    """articles.json or articles.csv (by ``path``'s name) through ``kept`` (see KeptRows)."""
    is_json = path.name == "articles.json"
    before = kept.files.pop(path.name, None)
    if before is not None and before.identity != _stat(path):
        before = None  # written since by someone else: made anew
    old_rows = before.rows if before is not None else {}
    plan: list[tuple[Any, str, str | None, str | None, tuple[int, int] | None]] = []
    for aid, v in data.articles.items():
        page, raw = urls.get(f"article:{aid}"), urls.get(f"raw:{aid}")
        old = old_rows.get(aid)
        same = (old is not None and old[0] is v and old[1] == v.related and old[2] == page
                and old[3] == raw)
        plan.append((v, aid, page, raw, (old[4], old[5]) if same else None))  # type: ignore[index]
    if (before is not None and all(p[4] is not None for p in plan)
            and list(old_rows) == list(data.articles)):
        kept.files[path.name] = before  # the same bytes: left as they are
        return
    sep = b"," if is_json else b""
    rows: dict[str, tuple[Any, list[str], str | None, str | None, int, int]] = {}
    with atomic_file(path, keep_same=True) as fh, (
            open(path, "rb") if before is not None else io.BytesIO()) as src:
        pos = fh.write(b"[" if is_json else _csv_text([CSV_FIELDS]).encode())
        run = [0, 0]  # old bytes still to copy (rows unchanged and next to each other there)

        def flush() -> None:
            if run[1] > run[0]:
                _copy_range(src, fh, run[0], run[1] - run[0])
            run[0] = run[1] = 0

        for i, (v, aid, page, raw, span) in enumerate(plan):
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
                    r = _record(v, urls)
                    length = fh.write((_json_record(r) if is_json
                                       else _csv_text([_csv_fields(r)])).encode())
            rows[aid] = (v, list(v.related), page, raw, pos, length)
            pos += length
        flush()
        if is_json:
            fh.write(b"]\n")
    identity = _stat(path)
    if identity is not None:
        kept.files[path.name] = _Written(identity, rows)


def _copy_range(src: Any, dst: Any, offset: int, length: int) -> None:
    """Append ``length`` bytes of the file ``src`` from ``offset`` to the file ``dst``: in the
    kernel (``os.copy_file_range``, no copy through Python: the unchanged records are tens of
    MB at 10,000 articles), else read and written."""
    copy = getattr(os, "copy_file_range", None)
    if copy is not None and hasattr(src, "fileno"):
        try:
            dst.flush()
            out = dst.fileno()
            while length > 0:
                n = copy(src.fileno(), out, length, offset)
                if n <= 0:
                    break
                offset += n
                length -= n
            if length == 0:
                return
        except (OSError, io.UnsupportedOperation):
            pass  # another file system, an older kernel: the rest through Python
    src.seek(offset)
    while length > 0:
        chunk = src.read(min(length, 1 << 24))
        if not chunk:
            raise OSError(f"{getattr(src, 'name', 'file')}: shorter than when it was written")
        dst.write(chunk)
        length -= len(chunk)


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
) -> dict[str, Path]:
    """Write every data file under ``out`` (only those whose bytes changed); returns file
    name → path, in the order of :data:`DATA_NAMES`. ``kept``: the article files as last
    written by this process (``mkdocs serve``), see :class:`KeptRows`. ``inputs``: a digest
    of everything the files are made from, code included (the plugin's site digest): when
    the files were last written from the same, they are left as they are, not made again."""
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
    for name in DATA_NAMES:
        if kept is not None and name in ("articles.json", "articles.csv"):
            _write_kept(out / name, data, urls, kept)
        else:
            write_if_changed(out / name, writers[name])
    if inputs is not None:
        write_atomic(marker, inputs)
    return paths


DATA_NAMES = ["articles.json", "articles.csv", "places.geojson", "actors.json", "datapackage.json"]
