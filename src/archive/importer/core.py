"""``archive import``: records of a dump → one ``<id>.md`` file per article.

Each record read ends in exactly one of: written (a new file, or a changed one with
``overwrite``), unchanged (the file is already there, byte for byte), or reported (duplicate,
empty, bad date, bad url, malformed row, or a different file already there). So
``read == written + unchanged + reported``, checked at the end of every import.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.corpus.loader import MAX_BYTES
from archive.files import write_atomic
from archive.importer.dates import DateError, normalize_date
from archive.importer.fields import (
    FIELDS,
    LIST_FIELDS,
    as_list,
    body_text,
    one_line,
    resolve,
)
from archive.importer.ids import article_id
from archive.importer.readers import InputError, Record, find_inputs, read_input
from archive.importer.writer import render

_URL = re.compile(r"https?://\S+")
#: C0 and C1 control characters other than tab and newline (what the loader calls binary)
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

#: kinds of reported records, in the order the summary lists them
KINDS = ("duplicate", "empty", "bad date", "bad url", "malformed", "exists")


@dataclass(frozen=True, slots=True)
class Options:
    maps: dict[str, str | None] = field(default_factory=dict)  # --map field=column
    default_source: str | None = None  # --source, for records without one
    source_names: dict[str, str] = field(default_factory=dict)  # source id → name to write
    keep: tuple[str, ...] = ()  # unmapped columns kept as extra front-matter keys
    date_format: str | None = None  # strptime format, for dates the importer cannot guess
    overwrite: bool = False  # replace files that exist with different content
    dry_run: bool = False  # write nothing
    limit: int | None = None  # read at most this many records
    keep_reprints: bool = False  # the same text from another source is imported, not reported


@dataclass(frozen=True, slots=True)
class Reported:
    """A record that was not written, and why."""

    kind: str  # one of KINDS
    record: Record
    article_id: str | None
    detail: str

    @property
    def where(self) -> str:
        """``dump.zip:2015-07-21.json record 12 (line 230)``"""
        return self.record.where


@dataclass(slots=True)
class Report:
    read: int = 0
    written: int = 0  # new files
    updated: int = 0  # changed files replaced (with overwrite)
    unchanged: int = 0
    reported: list[Reported] = field(default_factory=list)
    input_errors: list[InputError] = field(default_factory=list)
    inputs: int = 0  # files read (zip members counted one by one)
    #: column → number of records with a value in it, for columns no field uses (and not kept)
    unused_columns: Counter[str] = field(default_factory=Counter)
    #: "--map field=column" whose column some input lacks → the inputs lacking it
    missing_columns: dict[str, list[str]] = field(default_factory=dict)
    #: source as written in the dump → records, when --source-names has no name for it
    unnamed_sources: Counter[str] = field(default_factory=Counter)
    sources: Counter[str] = field(default_factory=Counter)  # source written → articles
    #: (kind, name) → records naming it in places/actors, when the gazetteer does not know it
    unknown_entities: Counter[tuple[str, str]] = field(default_factory=Counter)
    #: articles written/unchanged whose text or title has control characters (kept in the
    #: text, where the loader deals with them; removed from the title and other one-line fields)
    with_control_chars: int = 0
    control_chars: Counter[str] = field(default_factory=Counter)  # "U+001A" → occurrences
    without_date: int = 0
    without_title: int = 0

    @property
    def count_reported(self) -> int:
        return len(self.reported)

    def by_kind(self) -> dict[str, list[Reported]]:
        out: dict[str, list[Reported]] = {k: [] for k in KINDS}
        for r in self.reported:
            out[r.kind].append(r)
        return out

    def check(self) -> None:
        """The invariant: every record read is written, unchanged or reported."""
        total = self.written + self.updated + self.unchanged + len(self.reported)
        assert self.read == total, (
            f"import lost records: read {self.read} != written {self.written} + updated"
            f" {self.updated} + unchanged {self.unchanged} + reported {len(self.reported)}")


@dataclass(slots=True)
class _Seen:
    """What earlier records of this import had: url, id and text → where they were."""

    url: dict[str, tuple[str, str]] = field(default_factory=dict)
    id: dict[str, str] = field(default_factory=dict)
    text: dict[bytes, tuple[str, str]] = field(default_factory=dict)
    text_sources: dict[bytes, set[str]] = field(default_factory=dict)  # sources that had it


def _has_value(value: Any) -> bool:
    return value not in (None, "", [], {}) and not (isinstance(value, str) and not value.strip())


def _extra_value(value: Any, top: bool = True) -> Any:
    """A kept column's value: a number, boolean, one line of text, or a list of those."""
    if isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, list) and top:
        return [x for x in (_extra_value(v, False) for v in value) if _has_value(x)]
    if isinstance(value, list):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return one_line(value)


class Importer:
    """One import run; call :meth:`run` once."""

    def __init__(self, out: Path, options: Options,
                 progress: Callable[[int], None] | None = None) -> None:
        self.out = out
        self.options = options
        self.progress = progress or (lambda n: None)
        self.report = Report()
        self.seen = _Seen()
        self._gazetteer: Any = None
        self._shown = 0  # bytes of the current input shown on the progress bar
        self._advanced = 0.0
        self._step = 0.0

    def run(self, sources: list[str]) -> Report:
        inputs = find_inputs(sources)
        if not self.options.dry_run:
            self.out.mkdir(parents=True, exist_ok=True)
        for item in inputs:
            if self._limit_reached():
                break
            self._shown = 0
            self._advanced = 0.0
            try:
                for origin, records, share in read_input(item):
                    self.report.inputs += 1
                    self._step = item.size * share / max(len(records), 1)
                    self._file(origin, records)
                    if self._limit_reached():
                        break
            except InputError as exc:
                self.report.input_errors.append(exc)
            self.progress(item.size - self._shown)
        self.report.check()
        return self.report

    def _limit_reached(self) -> bool:
        return self.options.limit is not None and self.report.read >= self.options.limit

    def _file(self, origin: str, records: list[Record]) -> None:
        columns: dict[str, None] = {}
        for record in records:
            columns.update(dict.fromkeys(record.data))
        mapping = resolve(columns, self.options.maps)
        for fld, column in mapping.columns.items():
            if fld in self.options.maps and column is not None and column not in columns \
                    and records:
                self.report.missing_columns.setdefault(f"{fld}={column}", []).append(origin)
        keep = {c for c in self.options.keep if c in columns}
        for record in records:
            if self._limit_reached():
                return
            self.report.read += 1
            self._advanced += self._step
            if int(self._advanced) > self._shown:
                self.progress(int(self._advanced) - self._shown)
                self._shown = int(self._advanced)
            for column in mapping.unused:
                if column not in keep and _has_value(record.data.get(column)):
                    self.report.unused_columns[column] += 1
            self._record(record, mapping.columns, sorted(keep))

    def _reported(self, kind: str, record: Record, article: str | None, detail: str) -> None:
        self.report.reported.append(Reported(kind, record, article, detail))

    def _record(self, record: Record, columns: dict[str, str | None], keep: list[str]) -> None:
        if record.problem:
            self._reported("malformed", record, None, record.problem)
            return
        data = record.data

        def get(fld: str) -> Any:
            column = columns[fld]
            return data.get(column) if column is not None else None

        body = body_text(get("body"))
        title = one_line(get("title"))
        if not body.strip():
            what = f"column {columns['body']!r}" if columns["body"] else "no text column"
            self._reported("empty", record, None, f"no article text ({what} is empty"
                           f"{'; title: ' + title[:60] if title else ''})")
            return
        try:
            date = normalize_date(get("date"), self.options.date_format)
        except DateError as exc:
            self._reported("bad date", record, None, str(exc))
            return
        url = one_line(get("url")).replace(" ", "%20")
        if url and not _URL.fullmatch(url):
            self._reported("bad url", record, None, f"url {url[:80]!r} is not an http(s)"
                           " address (give the full address, or --map url= to import none)")
            return
        raw_source = one_line(get("source")) or (self.options.default_source or "")
        source = self.options.source_names.get(raw_source, raw_source)
        if self.options.source_names and raw_source and raw_source not in \
                self.options.source_names and raw_source not in \
                self.options.source_names.values():
            self.report.unnamed_sources[raw_source] += 1
        art_id = article_id(raw_source, url, title, body)
        text_key = hashlib.sha256(" ".join(body.split()).encode("utf-8")).digest()

        if url and url in self.seen.url:
            where, first_id = self.seen.url[url]
            self._reported("duplicate", record, art_id, f"same url as {where} ({first_id})")
            return
        if art_id in self.seen.id:
            self._reported("duplicate", record, art_id,
                           f"same id as {self.seen.id[art_id]} (same text, no url)")
            return
        if text_key in self.seen.text and not (
                self.options.keep_reprints and raw_source
                and raw_source not in self.seen.text_sources[text_key]):
            where, first_id = self.seen.text[text_key]
            self._reported("duplicate", record, art_id, f"same text as {where} ({first_id})")
            return
        if url:
            self.seen.url[url] = (record.where, art_id)
        self.seen.id[art_id] = record.where
        self.seen.text.setdefault(text_key, (record.where, art_id))
        self.seen.text_sources.setdefault(text_key, set()).add(raw_source)

        fields: dict[str, Any] = {}
        if title:
            fields["title"] = title
        if date:
            fields["date"] = date
        if source:
            fields["source"] = source
        if url:
            fields["url"] = url
        author = one_line(get("author"))
        if author:
            fields["author"] = author
        for fld in LIST_FIELDS:
            items = as_list(get(fld))
            if fld != "tags":
                items = self._entities(items, "place" if fld == "places" else "actor")
            if items:
                fields[fld] = items
        for column in keep:
            value = _extra_value(data.get(column))
            if _has_value(value) and column not in FIELDS:
                fields[column] = value
        raw_title = get("title")
        self._write(record, art_id, fields, body, raw_title if isinstance(raw_title, str) else "")

    def _entities(self, names: list[str], kind: str) -> list[str]:
        """Gazetteer ids for the names (ids, names or aliases) of places or actors; names the
        gazetteer beside the output (places.yml, actors.yml) does not know are left out and
        counted in ``Report.unknown_entities``."""
        if not names:
            return []
        if self._gazetteer is None:
            from archive.gazetteer.loader import FILES, build, parse_entries

            records = []
            for file_kind, name in FILES.items():
                file = self.out / name
                if file.is_file():
                    records += parse_entries(file.read_text(encoding="utf-8-sig"), file_kind,
                                             file.as_posix())[0]
            self._gazetteer = build(records)
        ids: list[str] = []
        for name in names:
            entity = self._gazetteer.resolve(name, kind)
            if entity is None:
                self.report.unknown_entities[(kind, name)] += 1
            elif entity.id not in ids:
                ids.append(entity.id)
        return ids

    def _write(self, record: Record, art_id: str, fields: dict[str, Any], body: str,
               raw_title: str) -> None:
        try:
            content = render(fields, body)
        except UnicodeEncodeError as exc:
            self._reported("malformed", record, art_id, f"text holds a lone surrogate"
                           f" U+{ord(exc.object[exc.start]):04X} (a broken \\u escape in the"
                           " dump): fix the record")
            return
        if len(content) > MAX_BYTES:
            self._reported("malformed", record, art_id, f"article is {len(content):,} bytes;"
                           f" the loader's limit is {MAX_BYTES:,}: check the record")
            return
        path = self.out / f"{art_id}.md"
        sibling = self.out / f"{art_id}.txt"
        existing = path.read_bytes() if path.is_file() else None
        if existing == content:
            self.report.unchanged += 1
        elif existing is not None and not self.options.overwrite:
            self._reported("exists", record, art_id, f"{path.name} exists with different"
                           " content (kept; --overwrite replaces it)")
            return
        elif sibling.exists():
            self._reported("exists", record, art_id, f"{sibling.name} has the same id (kept)")
            return
        else:
            if not self.options.dry_run:
                write_atomic(path, content)
            if existing is None:
                self.report.written += 1
            else:
                self.report.updated += 1
        self.report.sources[fields.get("source", "")] += 1
        self.report.without_date += "date" not in fields
        self.report.without_title += "title" not in fields
        found = CONTROL.findall(body) + CONTROL.findall(raw_title)
        if found:
            self.report.with_control_chars += 1
            self.report.control_chars.update(f"U+{ord(c):04X}" for c in found)


def import_sources(sources: list[str], out: Path, options: Options | None = None,
                   progress: Callable[[int], None] | None = None) -> Report:
    """Import every record of ``sources`` into ``out``. Raises InputError when a source names
    no readable file; a file that cannot be read is listed in ``Report.input_errors`` and the
    others are imported."""
    return Importer(out, options or Options(), progress).run(sources)
