"""The open data files: articles.json, articles.csv, places.geojson, actors.json and a
datapackage.json describing them. Deterministic bytes (sorted keys, sorted rows, LF endings).

The article files hold every article's text (hundreds of MB for a large archive), so they are
written one article at a time into a temporary file and put in place only when their bytes
changed: the build never holds a whole data file in memory."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from archive.files import write_if_changed
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
        a = v.article
        body = "\n\n".join(a.text[s.start : s.end].strip() for s in a.body_segments())
        boiler = "\n\n".join(
            a.text[s.start : s.end].strip() for s in a.boilerplate_segments()
        )
        yield {
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
        fh.write(json.dumps({k: v for k, v in r.items() if not k.startswith("_")},
                            ensure_ascii=False, sort_keys=True, separators=(",", ":")))
    fh.write("]\n")


def write_articles_csv(records: Iterator[dict[str, Any]], fh: TextIO) -> None:
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for r in records:
        writer.writerow([
            r["id"], r["title"], r["date"] or "", r["source"] or "", r["url"] or "",
            r["author"] or "", r["page"] or "", ";".join(r["places"]), ";".join(r["actors"]),
            ";".join(r["tags"]),
            r["_body"], r["_boilerplate"],
        ])


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


def write_data_files(
    data: SiteData, urls: dict[str, str], site_name: str, out: Path, slug: str = "archive",
    description: str = "",
) -> dict[str, Path]:
    """Write every data file under ``out`` (only those whose bytes changed); returns file
    name → path, in the order of :data:`DATA_NAMES`."""
    out.mkdir(parents=True, exist_ok=True)

    def text(content: Any) -> Callable[[TextIO], None]:
        return lambda fh: fh.write(_dumps(content))

    writers: dict[str, Callable[[TextIO], None]] = {
        "articles.json": lambda fh: write_articles_json(article_records(data, urls), fh),
        "articles.csv": lambda fh: write_articles_csv(article_records(data, urls), fh),
        "places.geojson": text(places_geojson(data, urls)),
        "actors.json": text(actors_json(data, urls)),
        "datapackage.json": text(datapackage(site_name, len(data.articles), slug, description)),
    }
    paths = {}
    for name in DATA_NAMES:
        write_if_changed(out / name, writers[name])
        paths[name] = out / name
    return paths


DATA_NAMES = ["articles.json", "articles.csv", "places.geojson", "actors.json", "datapackage.json"]
