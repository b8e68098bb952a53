"""The open data files are streamed to disk one article at a time, with the bytes the whole-
file encoders give, and put in place only when they change."""

from __future__ import annotations

import csv
import dataclasses
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


def test_serve_writes_again_only_the_changed_articles_records(
        archive_paths: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        request: pytest.FixtureRequest) -> None:
    """`mkdocs serve` (export.KeptRows): through an edit, a changed related list, an added and
    a deleted article, articles.json and articles.csv hold the bytes a write from scratch
    gives, only the changed articles' records are made again, a file nothing of which changed
    is not written at all, and a file another process replaced is written anew."""
    from archive import pipeline
    from archive.site import export
    from archive.site.model import build_site_data

    paths = archive_paths
    made: list[str] = []
    real, real_row = export._record, export._csv_row  # (articles.csv makes only its row)
    monkeypatch.setattr(export, "_record", lambda v, urls: made.append(v.id) or real(v, urls))
    monkeypatch.setattr(export, "_csv_row",
                        lambda v, urls: made.append(v.id) or real_row(v, urls))
    whole: list[str] = []  # files written record by record (by tokens), not patched
    by_tokens = export._write_rows
    monkeypatch.setattr(export, "_write_rows",
                        lambda path, *a: whole.append(path.name) or by_tokens(path, *a))
    kept = export.KeptRows()
    out, cold = tmp_path / "kept", tmp_path / "cold"
    names = ("articles.json", "articles.csv")

    def site(previous: object = None) -> object:
        analysis = pipeline.analyse(pipeline.load(paths), workers=1)  # type: ignore[arg-type]
        return build_site_data(analysis.in_order(), [], None, previous)  # type: ignore[arg-type]

    def urls(data: object) -> dict[str, str]:
        return {f"article:{i}": f"articles/{i}/" for i in data.articles} | {  # type: ignore[attr-defined]
            f"raw:{i}": f"raw/{i}.txt" for i in data.articles}  # type: ignore[attr-defined]

    def write(data: object) -> list[tuple[int, int]]:
        made.clear()
        export.write_data_files(data, urls(data), "t", out, kept=kept)  # type: ignore[arg-type]
        got = list(made)
        export.write_data_files(data, urls(data), "t", cold)  # type: ignore[arg-type]
        for name in names:
            assert (out / name).read_bytes() == (cold / name).read_bytes(), name
        made[:] = got
        return [((out / n).stat().st_ino, (out / n).stat().st_mtime_ns) for n in names]

    seeds = sorted(p for p in paths.seeds.iterdir() if p.suffix in (".md", ".txt"))  # type: ignore[attr-defined]
    pipeline.remember_corpus(True)  # as serve: an unchanged file's article is the same object
    request.addfinalizer(lambda: pipeline.remember_corpus(False))
    data = site()
    write(data)
    ids = list(data.articles)  # type: ignore[attr-defined]
    assert len(ids) > 3 and made == ids + ids  # articles.json, then articles.csv
    stamps = write(data)
    assert made == [] and write(data) == stamps  # nothing changed: not written
    # another view object with the same record: made again, found the same, not written
    again = dataclasses.replace(data.articles[ids[0]])  # type: ignore[attr-defined]
    data.articles[ids[0]] = again  # type: ignore[attr-defined]
    assert write(data) == stamps and made == [ids[0]] * 2
    assert write(data) == stamps and made == []  # (its token is the new view's)
    with open(seeds[1], "a", encoding="utf-8") as fh:
        fh.write("\nفقرة جديدة في آخر المقال.\n")
    data = site(data)
    whole.clear()
    write(data)
    assert made == [seeds[1].stem] * 2
    assert whole == []  # the same articles and addresses: both files patched
    first = next(iter(data.articles.values()))  # type: ignore[attr-defined]
    first.related = [i for i in data.articles if i != first.id][:2]  # type: ignore[attr-defined]
    write(data)
    assert made == [first.id] * 2
    (paths.seeds / "zz_added.txt").write_text("مقال أضيف.\n", encoding="utf-8")  # type: ignore[attr-defined]
    seeds[2].unlink()
    data = site(data)
    write(data)
    # the new one, and those whose related list moved (the first one's, set by hand above)
    assert made.count("zz_added") == 2 and first.id in made and len(made) < 2 * len(ids)
    (out / "articles.csv").write_text("replaced\n", encoding="utf-8")
    write(data)
    assert made == list(data.articles)  # type: ignore[attr-defined]


def test_build_leaves_the_data_files_made_from_the_same_inputs(
        archive_paths: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`mkdocs build` passes its site digest as ``inputs``: the files written from the same
    digest are not made again; another digest, or a file missing, writes them all anew (with
    the bytes of a write from scratch)."""
    from archive import pipeline
    from archive.site import export
    from archive.site.model import build_site_data

    analysis = pipeline.analyse(pipeline.load(archive_paths), workers=1)  # type: ignore[arg-type]
    data = build_site_data(analysis.in_order(), [], None)  # type: ignore[arg-type]
    urls = {f"article:{i}": f"articles/{i}/" for i in data.articles}
    made: list[str] = []
    real = export._record
    monkeypatch.setattr(export, "_record", lambda v, u: made.append(v.id) or real(v, u))
    out, cold = tmp_path / "data", tmp_path / "cold"
    export.write_data_files(data, urls, "t", out, inputs="one")
    assert made and (out / export.INPUTS_FILE).read_text("utf-8") == "one"
    made.clear()
    export.write_data_files(data, urls, "t", out, inputs="one")
    assert made == []  # the same inputs: nothing made
    # other inputs (here: another site name, which the digest covers): written anew
    export.write_data_files(data, urls, "another", out, inputs="two")
    assert made and (out / export.INPUTS_FILE).read_text("utf-8") == "two"
    export.write_data_files(data, urls, "another", cold)
    for name in export.DATA_NAMES:
        assert (out / name).read_bytes() == (cold / name).read_bytes(), name
    (out / "actors.json").unlink()
    made.clear()
    export.write_data_files(data, urls, "another", out, inputs="two")
    assert made and (out / "actors.json").read_bytes() == (cold / "actors.json").read_bytes()


def _written_and_cold(data: object, urls: dict[str, str], out: Path, cold: Path,
                      keys: object, made: list[str]) -> list[str]:
    """The data files written into ``out`` with their rows' state (``keys``) and from
    scratch into ``cold``, asserted the same bytes; the records made for ``out`` (``made``:
    filled by the caller's patched record makers)."""
    from archive.site import export

    made.clear()
    export.write_data_files(data, urls, "t", out, row_keys=keys)  # type: ignore[arg-type]
    got = list(made)
    export.write_data_files(data, urls, "t", cold)  # type: ignore[arg-type]
    for name in export.DATA_NAMES:
        assert (out / name).read_bytes() == (cold / name).read_bytes(), name
    return got


def test_build_makes_again_only_the_changed_articles_records(
        archive_paths: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """`mkdocs build` (``row_keys``): where each record is in articles.json and articles.csv
    is kept beside them (.rows); through an edit, an added and a deleted article, a new
    process makes only the changed articles' records again and the files hold the bytes of a
    write from scratch; rows that no longer describe the files (a file replaced, the state
    damaged or of other inputs) make the files whole, with a log line, never wrong bytes."""
    import logging

    from archive import pipeline
    from archive.site import export
    from archive.site.model import build_site_data

    paths = archive_paths
    made: list[str] = []
    real, real_row = export._record, export._csv_row  # (articles.csv makes only its row)
    monkeypatch.setattr(export, "_record", lambda v, urls: made.append(v.id) or real(v, urls))
    monkeypatch.setattr(export, "_csv_row",
                        lambda v, urls: made.append(v.id) or real_row(v, urls))
    out, cold = tmp_path / "data", tmp_path / "cold"
    names = export.ARTICLE_FILES

    def write() -> list[str]:
        analysis = pipeline.analyse(pipeline.load(paths), workers=1)  # type: ignore[arg-type]
        data = build_site_data(analysis.in_order(), [], None)  # type: ignore[arg-type]
        urls = {f"article:{i}": f"articles/{i}/" for i in data.articles} | {
            f"raw:{i}": f"raw/{i}.txt" for i in data.articles}
        return _written_and_cold(data, urls, out, cold, analysis.keys, made)

    seeds = sorted(p for p in paths.seeds.iterdir() if p.suffix in (".md", ".txt"))  # type: ignore[attr-defined]
    ids = [p.stem for p in seeds]
    assert len(ids) > 3 and sorted(write()) == sorted(ids + ids)
    stamps = [(out / n).stat().st_mtime_ns for n in names]
    assert write() == [] and [(out / n).stat().st_mtime_ns for n in names] == stamps
    with open(seeds[1], "a", encoding="utf-8") as fh:
        fh.write("\nفقرة جديدة في آخر المقال.\n")
    assert write() == [seeds[1].stem] * 2
    (paths.seeds / "zz_added.txt").write_text("مقال أضيف.\n", encoding="utf-8")  # type: ignore[attr-defined]
    seeds[2].unlink()
    got = write()
    assert got.count("zz_added") == 2 and seeds[2].stem not in got and len(got) < len(ids)
    caplog.set_level(logging.INFO, logger="mkdocs.plugins.archive")
    # a file replaced since: made whole
    (out / "articles.csv").write_text("replaced\n", encoding="utf-8")
    assert len(write()) == 2 * len(ids) and "articles.csv changed since" in caplog.text
    # the state damaged: made whole, never from rows that do not describe the files
    state = out / export.ROWS_FILE
    for damage in (b"not marshal", state.read_bytes()[:-7]):
        state.write_bytes(damage)
        caplog.clear()
        assert len(write()) == 2 * len(ids) and "made whole" in caplog.text
    # spans that do not make up the file (the state of another file of the same identity)
    import marshal
    from array import array

    fmt, ctx, kept, shown = marshal.loads(state.read_bytes())
    identity, rows, tokens, spans = kept["articles.json"]
    at = array("Q")
    at.frombytes(spans)
    at[1], at[3] = at[1] + 1, at[3] - 1
    kept["articles.json"] = (identity, rows, tokens, at.tobytes())
    state.write_bytes(marshal.dumps((fmt, ctx, kept, shown)))
    caplog.clear()
    assert len(write()) == 2 * len(ids) and "unreadable" in caplog.text


def test_build_a_newly_named_place_makes_again_only_the_records_that_name_it(
        archive_paths: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """The places and actors some article names (whose mentions a record keeps) change: an
    edit that names a place no article named before makes again the records of the articles
    with a mention of it only (here the edited one), not both files whole; a place newly
    named makes again another article's record that mentions it; a place no longer named
    makes both files whole. The files always hold the bytes of a write from scratch."""
    import logging

    from archive import pipeline
    from archive.site import export
    from archive.site.model import build_site_data

    paths = archive_paths
    made: list[str] = []
    real, real_row = export._record, export._csv_row
    monkeypatch.setattr(export, "_record", lambda v, urls: made.append(v.id) or real(v, urls))
    monkeypatch.setattr(export, "_csv_row",
                        lambda v, urls: made.append(v.id) or real_row(v, urls))
    out, cold = tmp_path / "data", tmp_path / "cold"

    def write(hide: str | None = None) -> tuple[list[str], object]:
        loaded = pipeline.load(paths)  # type: ignore[arg-type]
        analysis = pipeline.analyse(loaded, workers=1)
        data = build_site_data(analysis.in_order(), loaded.gazetteer.entities.values(), None)
        if hide is not None:  # as if no article named it (its mentions dropped)
            data.shown_keys = data.shown_keys - {hide}
            for v in data.articles.values():
                v.mentions = [m for m in v.mentions if m.entity != hide]
        urls = {f"article:{i}": f"articles/{i}/" for i in data.articles}
        return _written_and_cold(data, urls, out, cold, analysis.keys, made), data

    seeds = sorted(p for p in paths.seeds.iterdir() if p.suffix in (".md", ".txt"))  # type: ignore[attr-defined]
    got, data = write()
    assert "place:damascus" not in data.shown_keys  # type: ignore[attr-defined]
    assert len(got) == 2 * len(seeds)
    caplog.set_level(logging.INFO, logger="mkdocs.plugins.archive")
    original = seeds[1].read_text("utf-8")
    seeds[1].write_text(original + "\nوتوجه الوفد بعد ذلك إلى دمشق للقاء المسؤولين.\n",
                        encoding="utf-8")
    got, data = write()
    assert "place:damascus" in data.shown_keys  # type: ignore[attr-defined]
    assert got == [seeds[1].stem] * 2 and "made whole" not in caplog.text
    # a place two articles mention, no longer named (made whole), then named again: those
    # two articles' records made again, no other
    mentioned = {i: {m.entity for m in v.mentions} for i, v in data.articles.items()}  # type: ignore[attr-defined]
    place = next(k for k in sorted(data.shown_keys)  # type: ignore[attr-defined]
                 if sum(k in m for m in mentioned.values()) == 2)
    naming = sorted(i for i, m in mentioned.items() if place in m)
    assert len(write(hide=place)[0]) == 2 * len(seeds) and "no longer named" in caplog.text
    caplog.clear()
    got, _ = write()
    assert sorted(got) == sorted(naming * 2) and "made whole" not in caplog.text
    # a place no longer named by any article: made whole
    seeds[1].write_text(original, encoding="utf-8")
    got, data = write()
    assert "place:damascus" not in data.shown_keys  # type: ignore[attr-defined]
    assert len(got) == 2 * len(seeds) and "no longer named" in caplog.text


def test_csv_row_is_the_csv_fields_of_the_whole_record() -> None:
    """The CSV pass makes only the fields it writes: the same as those of the full record."""
    from types import SimpleNamespace

    from archive.corpus.article import Article, Segment
    from archive.site.export import _csv_fields, _csv_row, _record

    text = "عنوان\n\nدرعا البلد، قال \"المصدر\"\n\nتابعونا على فيسبوك\n\nسطر; آخر,"
    cuts = [(0, 5, "title"), (7, 30, "body"), (32, 50, "boilerplate"), (52, len(text), "body")]
    article = Article(id="a1", path="seeds/a1.txt", text=text, content_hash="x", title="عنوان",
                      title_inferred=False, date="2018-07-01", source="س",
                      segments=[Segment(s, e, k, "r") for s, e, k in cuts],
                      tags=["x", "y"], url="https://example.org/a", author=None)
    for places, actors, urls in ([["place:daraa", "place:busra"], ["actor:un"],
                                  {"article:a1": "articles/a1/"}], [[], [], {}]):
        v = SimpleNamespace(article=article, places=places, actors=actors, mention_counts={},
                            related=[], mentions=[])
        assert _csv_row(v, urls) == _csv_fields(_record(v, urls))
    assert _csv_row(v, {})[10] == "\n\n".join(
        text[s:e].strip() for s, e, k in cuts if k == "body")


def test_a_rows_token_is_made_once_for_both_article_files() -> None:
    """_row_token's tokens: one digest per article for articles.json and articles.csv, made
    again when the view or an address differs; an article without a key has none."""
    import hashlib
    from types import SimpleNamespace

    from archive.site import export

    asked: list[str] = []

    class Keys(dict[str, str]):
        def get(self, k: str, default: object = None) -> object:  # type: ignore[override]
            asked.append(k)
            return super().get(k, default)

    token = export._row_token(Keys(a="ka", b="kb"))
    a = SimpleNamespace(id="a", article=SimpleNamespace(path="seeds/a.md"), related=["b"])
    b = SimpleNamespace(id="b", article=SimpleNamespace(path="seeds/b.md"), related=[])
    c = SimpleNamespace(id="c", article=SimpleNamespace(path="seeds/c.md"), related=[])
    first = [token(a, "articles/a/", "raw/a.txt"), token(b, None, "raw/b.txt")]
    assert [token(a, "articles/a/", "raw/a.txt"), token(b, None, "raw/b.txt")] == first
    assert asked == ["a", "b"]
    assert first[0] == hashlib.blake2b(repr(("ka", "seeds/a.md", ["b"], "articles/a/",
                                             "raw/a.txt")).encode(), digest_size=16).digest()
    assert token(a, "articles/a2/", "raw/a.txt") != first[0]  # another address
    a2 = SimpleNamespace(id="a", article=SimpleNamespace(path="seeds/a.md"), related=["c"])
    assert token(a2, "articles/a/", "raw/a.txt") not in first  # another view
    assert token(c, None, None) is None and token(c, None, None) is None
