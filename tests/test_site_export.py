"""The open data files are streamed to disk one article at a time, with the bytes the whole-
file encoders give, and put in place only when they change."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from archive.files import write_if_changed
from archive.site.export import CSV_FIELDS, write_articles_csv, write_articles_json


def _records() -> list[dict]:
    texts = ["درعا البلد\n\nقال \"المصدر\"، ثم؛ سطر\r\nآخر", "", "a,b;c\n"]
    return [
        {"id": f"a{i}", "title": t[:5], "date": None if i else "2018-07-01", "source": "س",
         "url": None, "author": None, "page": f"articles/a{i}/", "places": ["p:1", "p:2"][:i],
         "actors": [], "tags": ["x"] * i, "text": t, "mentions": [{"start": 0, "end": i}],
         "_body": t.strip(), "_boilerplate": t[::-1]}
        for i, t in enumerate(texts)
    ]


def test_articles_json_streamed_equals_one_dump() -> None:
    out = io.StringIO()
    write_articles_json(iter(_records()), out)
    public = [{k: v for k, v in r.items() if not k.startswith("_")} for r in _records()]
    assert out.getvalue() == json.dumps(public, ensure_ascii=False, sort_keys=True,
                                        separators=(",", ":")) + "\n"
    empty = io.StringIO()
    write_articles_json(iter([]), empty)
    assert empty.getvalue() == "[]\n"


def test_articles_csv_streamed_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "articles.csv"
    write_if_changed(path, lambda fh: write_articles_csv(iter(_records()), fh))
    rows = list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))
    assert list(rows[0]) == CSV_FIELDS
    assert [r["body"] for r in rows] == [r["_body"] for r in _records()]
    assert [r["places"] for r in rows] == ["", "p:1", "p:1;p:2"]


def test_write_if_changed_keeps_an_unchanged_file(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    assert write_if_changed(path, lambda fh: fh.write("نص\n"))
    os.utime(path, (1_000_000, 1_000_000))
    assert not write_if_changed(path, lambda fh: fh.write("نص\n"))
    assert path.stat().st_mtime == 1_000_000  # not rewritten: a host sees no change
    assert write_if_changed(path, lambda fh: fh.write("نص آخر\n"))
    assert path.read_bytes() == "نص آخر\n".encode()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.json"]


def test_write_if_changed_failure_leaves_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_text("old\n", encoding="utf-8")

    def fail(fh) -> None:  # type: ignore[no-untyped-def]
        fh.write("half")
        raise OSError("disk full (simulated)")

    with pytest.raises(OSError, match="disk full"):
        write_if_changed(path, fail)
    assert path.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.json"]
