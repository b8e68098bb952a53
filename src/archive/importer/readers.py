"""Readers: JSON arrays, JSON Lines, CSV/TSV (any delimiter, BOM or not) and zip files of those.

Every reader yields :class:`Record` objects, each naming where it came from (``origin``: the
file, and the zip member after ``:``), its record number (1-based) and, when known, the line
where it starts. An input that cannot be read raises :class:`InputError`, naming the file and,
when there is one, the line.
"""

from __future__ import annotations

import csv
import glob
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: file endings read, and the format each means
FORMATS = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv",
           ".tsv": "csv", ".tab": "csv", ".zip": "zip"}
#: delimiters the CSV sniffer chooses from
DELIMITERS = (",", ";", "\t", "|")


@dataclass(frozen=True, slots=True)
class Record:
    """One article as the dump gives it: column name → value."""

    origin: str  # "dump.csv" or "dump.zip:2015-07-21.json"
    number: int  # 1-based position in its file
    line: int | None  # line where the record starts, when the format has lines
    data: dict[str, Any]
    problem: str = ""  # why the record cannot be used as it is (a CSV row of the wrong width)

    @property
    def where(self) -> str:
        at = f" (line {self.line})" if self.line else ""
        return f"{self.origin} record {self.number}{at}"


class InputError(Exception):
    """An input file that cannot be read; the message names the file (and line)."""

    def __init__(self, origin: str, message: str, hint: str = "", line: int | None = None):
        self.origin, self.message, self.hint, self.line = origin, message, hint, line
        where = f"{origin}:{line}" if line else origin
        super().__init__(f"{where}: {message}" + (f" — {hint}" if hint else ""))


@dataclass(frozen=True, slots=True)
class Input:
    """One file to read (a zip counts as one input); ``size`` in bytes, for the progress bar."""

    path: Path
    label: str
    size: int


def find_inputs(sources: list[str]) -> list[Input]:
    """The files named by ``sources``: files, folders (searched recursively for readable files)
    and glob patterns, in the order given (folders and globs sorted by name). Raises InputError
    for a source that names nothing readable."""
    found: list[Input] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            found.append(Input(path, path.as_posix(), path.stat().st_size))

    for source in sources:
        path = Path(source)
        if path.is_file():
            if path.suffix.lower() not in FORMATS:
                raise InputError(source, f"unknown file type {path.suffix or '(no extension)'!r}",
                                 "give .json, .jsonl, .ndjson, .csv, .tsv or .zip files")
            add(path)
        elif path.is_dir():
            files = sorted(p for p in path.rglob("*")
                           if p.is_file() and p.suffix.lower() in FORMATS
                           and not any(part.startswith(".") for part in p.relative_to(path).parts))
            if not files:
                raise InputError(source, "folder holds no .json, .jsonl, .csv, .tsv or .zip file")
            for p in files:
                add(p)
        else:
            matches = sorted(Path(m) for m in glob.glob(source, recursive=True))
            files = [m for m in matches if m.is_file() and m.suffix.lower() in FORMATS]
            if not files:
                raise InputError(source, "no such file or folder",
                                 "check the path (a quoted glob pattern such as 'dump/*.zip'"
                                 " must match at least one file)")
            for p in files:
                add(p)
    return found


def read_input(item: Input) -> Iterator[tuple[str, list[Record], float]]:
    """(origin, records, share) of each file in ``item`` (one, or each member of a zip);
    ``share`` is the part of ``item.size`` the file accounts for (for a progress bar)."""
    suffix = item.path.suffix.lower()
    try:
        if suffix != ".zip":
            yield item.label, parse(item.path.read_bytes(), FORMATS[suffix], item.label), 1.0
            return
        try:
            archive = zipfile.ZipFile(item.path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise InputError(item.label, f"not a readable zip file ({exc})",
                             "check the download is complete (unzip -t FILE)") from None
        with archive:
            members = sorted(
                (m for m in archive.infolist()
                 if not m.is_dir() and not m.filename.startswith("__MACOSX/")
                 and not Path(m.filename).name.startswith(".")),
                key=lambda m: m.filename,
            )
            readable = [m for m in members if Path(m.filename).suffix.lower() in FORMATS
                        and Path(m.filename).suffix.lower() != ".zip"]
            if not readable:
                raise InputError(item.label, "zip holds no .json, .jsonl, .csv or .tsv file")
            total = sum(m.compress_size for m in readable) or 1
            for member in readable:
                origin = f"{item.label}:{member.filename}"
                try:
                    raw = archive.read(member)
                except (zipfile.BadZipFile, OSError, EOFError) as exc:
                    raise InputError(origin, f"cannot be extracted ({exc})",
                                     "the zip is damaged: download it again") from None
                yield (origin, parse(raw, FORMATS[Path(member.filename).suffix.lower()], origin),
                       member.compress_size / total)
    except OSError as exc:
        raise InputError(item.label, f"cannot read the file: {exc.strerror or exc}") from None


def decode(raw: bytes, origin: str) -> str:
    """UTF-8 (BOM or not) or UTF-16 with a BOM, line endings turned into LF."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) and not raw.startswith(b"\xff\xfe\x00\x00"):
        text = raw.decode("utf-16")
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            hint = "save it as UTF-8"
            try:
                guess = raw.decode("cp1256")
                if sum("\u0600" <= ch <= "\u06ff" for ch in guess) > len(guess) // 20:
                    hint = "it looks like Windows Arabic (cp1256): iconv -f cp1256 -t utf-8"
            except UnicodeDecodeError:
                pass
            raise InputError(origin, f"not valid UTF-8: byte 0x{raw[exc.start]:02x} at byte"
                             f" {exc.start} cannot be decoded", hint, line) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse(raw: bytes, fmt: str, origin: str) -> list[Record]:
    text = decode(raw, origin)
    if fmt == "csv":
        return parse_csv(text, origin)
    if fmt == "jsonl":
        return parse_jsonl(text, origin)
    return parse_json(text, origin)


def _json_error(origin: str, text: str, exc: json.JSONDecodeError, offset: int = 0) -> InputError:
    pos = offset + exc.pos
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return InputError(origin, f"broken JSON at line {line}, column {column}: {exc.msg}",
                      "fix the file (a JSON array of objects, or one object per line)", line)


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\n\ufeff":
        pos += 1
    return pos


def _as_record(value: Any, origin: str, number: int, line: int) -> Record:
    if not isinstance(value, dict):
        raise InputError(origin, f"record {number} is {type(value).__name__}, not an object"
                         " of field: value pairs", "each article must be a JSON object", line)
    return Record(origin, number, line, value)


def parse_json(text: str, origin: str) -> list[Record]:
    """A JSON array of objects (record lines kept); a single object holding one such array
    (``{"articles": [...]}``); or JSON Lines in a .json file."""
    decoder = json.JSONDecoder()
    pos = _skip_ws(text, 0)
    if pos == len(text):
        return []
    if text[pos] == "{":
        try:
            first, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise _json_error(origin, text, exc) from None
        if _skip_ws(text, end) < len(text):  # more after the first object: JSON Lines
            return parse_jsonl(text, origin)
        lists = [v for v in first.values() if isinstance(v, list)]
        if len(lists) == 1 and lists[0] and all(isinstance(x, dict) for x in lists[0]):
            return [Record(origin, i, None, x) for i, x in enumerate(lists[0], 1)]
        return [Record(origin, 1, text.count("\n", 0, pos) + 1, first)]
    if text[pos] != "[":
        raise InputError(origin, "not a JSON array or object",
                         "give a JSON array of objects, or JSON Lines (.jsonl)",
                         text.count("\n", 0, pos) + 1)
    records: list[Record] = []
    pos = _skip_ws(text, pos + 1)
    line, counted = 1, 0
    if pos < len(text) and text[pos] == "]":
        return records
    while True:
        line += text.count("\n", counted, pos)
        counted = pos
        try:
            value, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise _json_error(origin, text, exc) from None
        records.append(_as_record(value, origin, len(records) + 1, line))
        pos = _skip_ws(text, end)
        if pos < len(text) and text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
            continue
        if pos < len(text) and text[pos] == "]":
            if _skip_ws(text, pos + 1) < len(text):
                at = _skip_ws(text, pos + 1)
                raise InputError(origin, "text after the end of the JSON array",
                                 "remove it, or give one JSON array per file",
                                 text.count("\n", 0, at) + 1)
            return records
        raise InputError(origin, "broken JSON: expected ',' or ']' after record"
                         f" {len(records)}", "fix the file", text.count("\n", 0, pos) + 1)


def parse_jsonl(text: str, origin: str) -> list[Record]:
    """One JSON object per line; blank lines are skipped."""
    records: list[Record] = []
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(origin, f"broken JSON at line {number}, column {exc.colno}:"
                             f" {exc.msg}", "each line must hold one complete JSON object",
                             number) from None
        records.append(_as_record(value, origin, len(records) + 1, number))
    return records


def sniff_delimiter(text: str) -> str:
    """The delimiter among DELIMITERS that splits the first rows into the same number (> 1) of
    columns as the header; ties go to the one giving more columns, then to DELIMITERS' order."""
    sample = text[:65536]
    best: tuple[int, int, int] | None = None
    choice = ","
    for order, delimiter in enumerate(DELIMITERS):
        rows = list(csv.reader(io.StringIO(sample), delimiter=delimiter))
        if len(sample) == 65536 and len(rows) > 1:
            rows = rows[:-1]  # the last row may be cut by the sample's end
        rows = [r for r in rows if r]
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        consistent = sum(len(r) == width for r in rows[1:20])
        score = (consistent, width, -order)
        if best is None or score > best:
            best, choice = score, delimiter
    return choice


def parse_csv(text: str, origin: str, delimiter: str | None = None) -> list[Record]:
    """A header row, then one article per row. Quoted fields may span lines."""
    delimiter = delimiter or sniff_delimiter(text)
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 28))  # long articles are one field
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise InputError(origin, f"broken CSV header: {exc}", "fix the first line", 1) from None
    if header is None:
        return []
    names = [h.strip() for h in header]
    seen: set[str] = set()
    for i, name in enumerate(names):
        if not name:
            raise InputError(origin, f"column {i + 1} of the header has no name",
                             "give every column a name in the first line", 1)
        if name in seen:
            raise InputError(origin, f"column {name!r} appears twice in the header",
                             "rename one of them", 1)
        seen.add(name)
    records: list[Record] = []
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise InputError(origin, f"broken CSV: {exc}", "check the quotes on this row",
                             start) from None
        if any(cell.strip() for cell in row):
            number = len(records) + 1
            if len(row) != len(names):
                records.append(Record(origin, number, start, {}, f"row has {len(row)} fields,"
                                      f" the header has {len(names)}"))
            else:
                records.append(Record(origin, number, start, dict(zip(names, row, strict=True))))
        start = reader.line_num + 1
    return records
