"""Loading seeds/: encodings, line endings, front matter, and every kind of bad file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.config import Paths
from archive.corpus import frontmatter
from archive.corpus import loader as loader_module
from archive.corpus.dates import parse_date_field
from archive.corpus.loader import load_corpus, parse_article
from archive.errors import Problem

GOOD = "قال الناشط محمد الحوراني، لـ\"العربي الجديد\"، إنّ اشتباكات وقعت في درعا البلد.\n"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A minimal repository: mkdocs.yml, seeds/ with one good article and a gazetteer file."""
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "good.txt").write_text(GOOD, encoding="utf-8")
    (seeds / "places.yml").write_text("- this: is not checked by the corpus\n", encoding="utf-8")
    return tmp_path


def write(root: Path, name: str, data: bytes | str) -> None:
    path = root / "seeds" / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8", newline="")
    else:
        path.write_bytes(data)


def errors_for(problems: list[Problem], path: str) -> list[Problem]:
    return [p for p in problems if p.path == path and p.severity == "error"]


def only_error(root: Path, name: str) -> Problem:
    """Load, check the good article still loads and the bad one does not, return its error."""
    corpus = load_corpus(Paths(root))
    ids = [a.id for a in corpus.articles]
    assert "good" in ids
    assert Path(name).stem not in ids
    errs = errors_for(corpus.problems, f"seeds/{name}")
    assert len(errs) == 1, errs
    assert all(p.path == f"seeds/{name}" for p in corpus.errors)
    err = errs[0]
    assert err.hint  # every error says what to do
    assert "\n" not in err.message + err.hint
    return err


# --- good files --------------------------------------------------------------------------------


def test_bom_and_crlf_are_accepted_and_normalised(root: Path) -> None:
    write(root, "crlf.txt", b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode() * 2)
    corpus = load_corpus(Paths(root))
    assert corpus.problems == []
    a = corpus.get("crlf")
    assert a is not None
    assert a.text == GOOD * 2  # no BOM, no CR
    assert a.source == "العربي الجديد"
    assert len(a.content_hash) == 64


def test_front_matter_fields_and_unknown_keys(root: Path) -> None:
    write(root, "fm.md", (
        "---\n"
        "title: \"المعارضة تعلن فشل المفاوضات\"\n"
        "date: 2018-07-04\n"
        "source: عربي21\n"
        "url: https://example.org/a\n"
        "places: [daraa, busra-al-sham]\n"
        "actors:\n  - syrian-army\n"
        "tags: درعا\n"
        "author: أحمد\n"
        "editor: سمير\n"
        "---\n"
        "نص المقال هنا.\n"
    ))
    corpus = load_corpus(Paths(root))
    a = corpus.get("fm")
    assert a is not None
    assert (a.title, a.title_inferred) == ("المعارضة تعلن فشل المفاوضات", False)
    assert a.date == "2018-07-04"
    assert (a.source, a.source_evidence) == ("عربي21", None)
    assert a.url == "https://example.org/a"
    assert a.places == ["daraa", "busra-al-sham"]
    assert a.actors == ["syrian-army"]
    assert a.tags == ["درعا"]
    assert a.author == "أحمد"
    assert a.extra == {"editor": "سمير"}
    assert a.text == "نص المقال هنا.\n"
    assert a.text_offset_line == 13
    [warning] = corpus.problems
    assert warning.severity == "warning"
    assert (warning.path, warning.line) == ("seeds/fm.md", 11)
    assert "editor" in warning.message


def test_front_matter_with_bom_and_crlf(root: Path) -> None:
    write(root, "w.md", b"\xef\xbb\xbf---\r\ndate: 2021-09\r\n---\r\n" + GOOD.encode())
    corpus = load_corpus(Paths(root))
    assert corpus.problems == []
    a = corpus.get("w")
    assert a is not None
    assert a.date == "2021-09"
    assert a.title_inferred is True  # title not given: inferred from the text
    assert a.source == "العربي الجديد"
    assert a.text == GOOD


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2021-09-05", "2021-09-05"), ("2021-09", "2021-09"), ("2021", "2021"), (2021, "2021"),
     (dt.date(2021, 9, 5), "2021-09-05")],
)
def test_date_field_forms(value: object, expected: str) -> None:
    assert parse_date_field(value) == expected


@pytest.mark.parametrize(
    "value", ["2021-02-30", "2021-13", "05/09/2021", "yesterday", True, 3.5,
              dt.datetime(2021, 9, 5, 10, 0)],
)
def test_date_field_rejects(value: object) -> None:
    with pytest.raises(ValueError):
        parse_date_field(value)


def test_other_files_warned_yml_ignored(root: Path) -> None:
    write(root, "notes.pdf", b"%PDF-1.4")
    write(root, ".DS_Store", b"\x00\x00")
    (root / "seeds" / "old").mkdir()
    corpus = load_corpus(Paths(root))
    assert corpus.errors == []
    warned = sorted(p.path for p in corpus.warnings)
    assert warned == ["seeds/.DS_Store", "seeds/notes.pdf", "seeds/old"]
    assert [a.id for a in corpus.articles] == ["good"]


def test_articles_sorted_by_id(root: Path) -> None:
    for name in ("b.md", "a.txt", "c.txt"):
        write(root, name, GOOD)
    assert [a.id for a in load_corpus(Paths(root)).articles] == ["a", "b", "c", "good"]


# --- bad files ---------------------------------------------------------------------------------


def test_cp1256_text(root: Path) -> None:
    write(root, "cp.txt", "سطر أول\n".encode() + "درعا".encode("cp1256"))
    err = only_error(root, "cp.txt")
    assert err.line == 2
    assert "not valid UTF-8" in err.message
    assert "byte offset 14" in err.message  # len("سطر أول\n".encode()) == 14
    assert "iconv -f cp1256 -t utf-8" in err.hint


def test_utf16_with_bom(root: Path) -> None:
    write(root, "u16.txt", GOOD.encode("utf-16"))
    err = only_error(root, "u16.txt")
    assert "UTF-16" in err.message
    assert "iconv -f utf-16 -t utf-8" in err.hint


def test_utf16_without_bom(root: Path) -> None:
    write(root, "u16le.txt", GOOD.encode("utf-16-le"))
    err = only_error(root, "u16le.txt")
    assert "UTF-16" in err.message
    assert "UTF-16LE" in err.hint


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "file is empty"), (b"  \n\t\r\n", "only whitespace"),
     ("\u00a0\n \n".encode(), "only whitespace")],
)
def test_empty_and_whitespace_only(root: Path, data: bytes, message: str) -> None:
    write(root, "blank.txt", data)
    assert message in only_error(root, "blank.txt").message


def test_binary_junk(root: Path) -> None:
    write(root, "bin.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    err = only_error(root, "bin.txt")
    assert "NUL" in err.message and err.line == 3  # the PNG header has two LFs first


def test_stray_control_character_is_cleaned_with_a_warning(root: Path) -> None:
    # issue 13: a stray control character in otherwise good text is removed, not refused
    write(root, "ctl.txt", "سطر\nنص \x07 هنا\x1aثم\n")
    corpus = load_corpus(Paths(root))
    article = corpus.get("ctl")
    assert article is not None
    # removed, and a space where it was the only thing between two words; lines unchanged
    assert article.text.split("\n") == ["سطر", "نص هنا ثم", ""]
    warnings = [p for p in corpus.warnings if p.path == "seeds/ctl.txt"]
    assert [(w.line, "control characters" in w.message) for w in warnings] == [(2, True)]


def test_mostly_control_characters_is_an_error(root: Path) -> None:
    write(root, "ctl.txt", "سطر\nنص \x07\x01\x02\x03\x04\x05\x06\x0e\x0f هنا\n")
    err = only_error(root, "ctl.txt")
    assert "U+0007" in err.message and err.line == 2 and "binary or damaged" in err.message


@pytest.mark.parametrize(
    ("front", "line", "words"),
    [
        ("title: أ: ب\n", 2, "mapping values"),
        ("title: ok\ndate: 2021-09-05\nplaces: [daraa\n", 4, "flow sequence"),
        ("title: ok\n\tdate: 2021\n", 3, "not valid YAML"),
        ("title: \"unclosed\n", 2, "quoted scalar"),
    ],
)
@pytest.mark.parametrize("loader", ["LOADER", "PY_LOADER"])  # libyaml and pure Python
def test_broken_yaml_points_at_the_file_line(
    root: Path, front: str, line: int, words: str, loader: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(frontmatter, "LOADER", getattr(frontmatter, loader))
    write(root, "y.md", f"---\n{front}---\n{GOOD}")
    err = only_error(root, "y.md")
    assert "not valid YAML" in err.message and words in err.message
    assert err.line == line


def test_broken_yaml_line_counts_crlf_and_bom(root: Path) -> None:
    write(root, "y.md", b"\xef\xbb\xbf---\r\ntitle: ok\r\nsource: a: b\r\n---\r\n" + GOOD.encode())
    assert only_error(root, "y.md").line == 3


@pytest.mark.parametrize(("front", "kind"), [("- a\n- b\n", "a list"), ("just text\n", "single")])
def test_front_matter_not_a_mapping(root: Path, front: str, kind: str) -> None:
    write(root, "nm.md", f"---\n{front}---\n{GOOD}")
    err = only_error(root, "nm.md")
    assert "must be a mapping" in err.message and kind in err.message
    assert err.line == 2


@pytest.mark.parametrize("value", ["2021-02-30", "2021-13-01", "05/09/2021", "2021-9-5"])
def test_invalid_date(root: Path, value: str) -> None:
    write(root, "d.md", f"---\ntitle: x\ndate: {value}\n---\n{GOOD}")
    err = only_error(root, "d.md")
    assert value in err.message and err.line == 3
    assert "YYYY-MM-DD" in err.hint


def test_unclosed_front_matter(root: Path) -> None:
    write(root, "u.md", f"---\ntitle: x\n{GOOD}")
    err = only_error(root, "u.md")
    assert "never closed" in err.message and err.line == 1


def test_front_matter_without_text(root: Path) -> None:
    write(root, "ft.md", "---\ntitle: x\n---\n\n")
    err = only_error(root, "ft.md")
    assert "no text" in err.message and err.line == 4


@pytest.mark.parametrize(
    ("front", "words"),
    [("url: javascript:alert(1)\n", "http"), ("places: {a: 1}\n", "list"),
     ("title: [a, b]\n", "text"), ("title: a\ntitle: b\n", "twice")],
)
def test_bad_field_values(root: Path, front: str, words: str) -> None:
    write(root, "f.md", f"---\n{front}---\n{GOOD}")
    assert words in only_error(root, "f.md").message


def test_duplicate_id_names_both_files(root: Path) -> None:
    write(root, "a.txt", GOOD)
    write(root, "a.md", GOOD)
    corpus = load_corpus(Paths(root))
    assert [a.id for a in corpus.articles] == ["good"]
    assert sorted(p.path for p in corpus.errors) == ["seeds/a.md", "seeds/a.txt"]
    for p in corpus.errors:
        assert "seeds/a.md" in p.message and "seeds/a.txt" in p.message


def test_ids_differing_only_in_case(root: Path) -> None:
    write(root, "Report.txt", GOOD)
    write(root, "report.md", GOOD)
    corpus = load_corpus(Paths(root))
    assert [a.id for a in corpus.articles] == ["good"]
    assert sorted(p.path for p in corpus.errors) == ["seeds/Report.txt", "seeds/report.md"]
    assert all("letter case" in p.message for p in corpus.errors)


def test_too_large(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader_module, "MAX_BYTES", 1000)
    write(root, "big.txt", GOOD * 20)
    err = only_error(root, "big.txt")
    assert "too large" in err.message


def test_many_bad_files_each_named_and_good_ones_load(root: Path) -> None:
    bad = {
        "cp.txt": "درعا".encode("cp1256"),
        "u16.txt": GOOD.encode("utf-16"),
        "empty.txt": b"",
        "ws.md": b" \n",
        "bin.txt": b"\x00\x01",
        "yaml.md": f"---\na: b: c\n---\n{GOOD}".encode(),
        "list.md": f"---\n- a\n---\n{GOOD}".encode(),
        "date.md": f"---\ndate: 2021-02-30\n---\n{GOOD}".encode(),
        "open.md": f"---\ntitle: x\n{GOOD}".encode(),
    }
    for name, data in bad.items():
        write(root, name, data)
    write(root, "other.md", GOOD)
    corpus = load_corpus(Paths(root))
    assert [a.id for a in corpus.articles] == ["good", "other"]
    assert sorted({p.path for p in corpus.errors}) == sorted(f"seeds/{n}" for n in bad)


def test_missing_seeds_folder(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    corpus = load_corpus(Paths(tmp_path))
    assert corpus.articles == []
    assert [p.path for p in corpus.errors] == ["seeds"]


# --- no input crashes the loader ---------------------------------------------------------------

_PIECES = st.sampled_from([
    "---\n", "title: x\n", "date: 2021-02-30\n", "a: b: c\n", "- x\n", "[", "\"", "\t", "\r\n",
    "\ufeff", "\x00", "\x07", "نص عربي.", "تابعنا\n", "Posted by x on Sunday, May 2, 2021\n",
    "25 يونيو الماضي ", "عام 2011 ", " - جيتي\n", "\n", "\u00a0", "places: {a: [1, {b: 2}]}\n",
])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=200), st.lists(_PIECES, max_size=12).map(
    lambda xs: "".join(xs).encode("utf-8", "surrogatepass"))))
def test_any_bytes_give_an_article_or_an_error(raw: bytes) -> None:
    article, problems = parse_article(raw, "x", "seeds/x.txt")
    errors = [p for p in problems if p.severity == "error"]
    assert (article is None) == bool(errors)
    for p in problems:
        assert p.path == "seeds/x.txt" and p.message and "\n" not in p.message
    if article is not None:
        assert article.text.strip()
        assert "\r" not in article.text and "\ufeff" not in article.text[:1]
        assert article.segments[0].start == 0 and article.segments[-1].end == len(article.text)
