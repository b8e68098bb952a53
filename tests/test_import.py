"""``archive import``: dumps (JSON, JSON Lines, CSV, zips) become seeds/<id>.md files that the
corpus loader reads back as written; re-importing changes nothing; every record is accounted
for (written, unchanged or reported by file and record)."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main
from archive.config import Paths
from archive.corpus.loader import load_corpus
from archive.importer import Options, import_sources
from archive.importer.dates import DateError, normalize_date
from archive.importer.readers import sniff_delimiter

REPO = Path(__file__).resolve().parents[1]
#: the real corpus beside the clone (REPO/../shared), or beside the worktrees' folder
SAUDI = next((p for p in (REPO.parent / "shared" / "corpora" / "saudinewsnet",
                          REPO.parent.parent / "shared" / "corpora" / "saudinewsnet")
              if p.is_dir()), REPO.parent / "shared" / "corpora" / "saudinewsnet")

ARTICLES = [
    {"title": "أمير الرياض يطلق العمل في حفر الأنفاق", "date": "2015-07-21 12:00:00",
     "source": "sabq", "url": "https://sabq.org/a/1", "author": "الرياض: محمد",
     "content": "أكد أمير منطقة الرياض أن المشروع يسير وفق الجدول.\n\nوأضاف أن العمل مستمر."},
    {"title": "مجلس الوزراء يوافق على نظام جديد", "date": "2015-08-02",
     "source": "okaz", "url": "https://okaz.com.sa/n/2", "author": "",
     "content": "وافق مجلس الوزراء في جلسته أمس على نظام جديد للعمل."},
    {"title": "الهلال يفوز على النصر", "date": "2015-08-03T21:30:00+03:00",
     "source": "arriyadiyah", "url": "https://arriyadiyah.com/3", "author": "جدة: خالد",
     "content": "فاز فريق الهلال على النصر بهدفين مقابل هدف في الدوري."},
]
COLUMNS = ["title", "date", "source", "url", "author", "content"]


def invoke(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--root", str(root), "import", *args])
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


def loaded(root: Path) -> dict:
    corpus = load_corpus(Paths(root))
    assert corpus.errors == [], corpus.errors
    return {a.url or a.id: a for a in corpus.articles}


def summary(output: str) -> dict[str, int]:
    counts = {}
    for key in ("read", "written", "unchanged", "reported"):
        m = re.search(rf"\b{key}\s+([\d,]+)", output)
        counts[key] = int(m.group(1).replace(",", "")) if m else 0
    return counts


def assert_invariant(output: str) -> dict[str, int]:
    c = summary(output)
    assert c["read"] == c["written"] + c["unchanged"] + c["reported"], output
    return c


def csv_bytes(rows: list[dict], delimiter: str, bom: bool) -> bytes:
    out = io.StringIO(newline="")
    w = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(COLUMNS)
    for row in rows:
        w.writerow([row[c] for c in COLUMNS])
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode("utf-8")


def assert_imported_as_given(root: Path) -> None:
    articles = loaded(root)
    assert len(articles) == len(ARTICLES)
    for given in ARTICLES:
        a = articles[given["url"]]
        assert a.title == given["title"]
        assert a.source == given["source"]
        assert a.text == given["content"] + "\n"
        assert not a.title_inferred
    assert articles["https://sabq.org/a/1"].date == "2015-07-21"
    assert articles["https://arriyadiyah.com/3"].date == "2015-08-03"
    assert articles["https://sabq.org/a/1"].author == "الرياض: محمد"
    assert articles["https://sabq.org/a/1"].extra == {}
    assert articles["https://okaz.com.sa/n/2"].author is None  # empty: not written


# ---- formats ------------------------------------------------------------------------------

def test_json_array(tmp_path: Path) -> None:
    (tmp_path / "dump.json").write_text(json.dumps(ARTICLES, ensure_ascii=False, indent=2))
    code, out = invoke(tmp_path, str(tmp_path / "dump.json"))
    assert code == 0, out
    assert summary(out) == {"read": 3, "written": 3, "unchanged": 0, "reported": 0}
    assert_imported_as_given(tmp_path)


def test_json_lines(tmp_path: Path) -> None:
    lines = "\n".join(json.dumps(a, ensure_ascii=False) for a in ARTICLES) + "\n\n"
    (tmp_path / "dump.jsonl").write_text(lines)
    code, out = invoke(tmp_path, str(tmp_path / "dump.jsonl"))
    assert code == 0, out
    assert_imported_as_given(tmp_path)


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
@pytest.mark.parametrize("bom", [False, True])
def test_csv_any_delimiter_with_or_without_bom(tmp_path: Path, delimiter: str, bom: bool) -> None:
    (tmp_path / "dump.csv").write_bytes(csv_bytes(ARTICLES, delimiter, bom))
    assert sniff_delimiter((tmp_path / "dump.csv").read_text("utf-8-sig")) == delimiter
    code, out = invoke(tmp_path, str(tmp_path / "dump.csv"))
    assert code == 0, out
    assert_imported_as_given(tmp_path)


def test_utf16_tab_separated_text_as_spreadsheets_save_it(tmp_path: Path) -> None:
    text = csv_bytes(ARTICLES, "\t", False).decode("utf-8")
    (tmp_path / "dump.tsv").write_bytes(text.encode("utf-16"))  # with its byte-order mark
    code, out = invoke(tmp_path, str(tmp_path / "dump.tsv"))
    assert code == 0, out
    assert_imported_as_given(tmp_path)


@pytest.mark.parametrize("member", ["a.json", "a.jsonl", "a.csv", "a.tsv"])
def test_zip_of_each_format(tmp_path: Path, member: str) -> None:
    data = {
        "a.json": json.dumps(ARTICLES, ensure_ascii=False).encode(),
        "a.jsonl": "\n".join(json.dumps(a, ensure_ascii=False) for a in ARTICLES).encode(),
        "a.csv": csv_bytes(ARTICLES, ";", True),
        "a.tsv": csv_bytes(ARTICLES, "\t", False),
    }[member]
    with zipfile.ZipFile(tmp_path / "dump.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(member, data)
        z.writestr("__MACOSX/._a.json", b"\x00\x01junk")
    code, out = invoke(tmp_path, str(tmp_path / "dump.zip"))
    assert code == 0, out
    assert_imported_as_given(tmp_path)


def test_folder_and_glob_read_every_file_once(tmp_path: Path) -> None:
    dump = tmp_path / "dump"
    dump.mkdir()
    (dump / "one.json").write_text(json.dumps(ARTICLES[:2], ensure_ascii=False))
    (dump / "two.jsonl").write_text(json.dumps(ARTICLES[2], ensure_ascii=False))
    (dump / "notes.txt").write_text("not a dump")
    code, out = invoke(tmp_path, str(dump), str(dump / "*.json"))
    assert code == 0, out
    assert summary(out)["read"] == 3  # one.json named twice, read once
    assert_imported_as_given(tmp_path)


# ---- a small CSV written by hand: odd delimiter, quoted multi-line text, Arabic-Indic date ---

HAND_CSV = (
    "Headline|Story|Published|Link|Newspaper|Keywords\n"
    '"السعودية: أمطار غزيرة على جدة"|"هطلت أمطار غزيرة على جدة.\n'
    'وأعلن الدفاع المدني ""حالة الطوارئ"" في المدينة."|٢٠١٥/٠٨/٠٤|'
    "http://example.org/rain|المدينة|طقس، جدة\n"
    '- مقابلة: «لا تراجع»|"---\ntitle: not front matter\n...\nنص المقابلة."|'
    "Tue, 04 Aug 2015 10:00:00 +0300|http://example.org/interview||حوار\n"
)


def test_hand_written_csv_round_trip(tmp_path: Path) -> None:
    (tmp_path / "hand.csv").write_text(HAND_CSV, encoding="utf-8")
    code, out = invoke(tmp_path, str(tmp_path / "hand.csv"), "--map", "tags=Keywords",
                       "--source", "مصدر غير معروف")
    assert code == 0, out
    assert summary(out) == {"read": 2, "written": 2, "unchanged": 0, "reported": 0}
    articles = loaded(tmp_path)
    rain = articles["http://example.org/rain"]
    assert rain.title == "السعودية: أمطار غزيرة على جدة"
    assert rain.text == ('هطلت أمطار غزيرة على جدة.\n'
                         'وأعلن الدفاع المدني "حالة الطوارئ" في المدينة.\n')
    assert rain.date == "2015-08-04"
    assert rain.source == "المدينة"
    assert rain.tags == ["طقس", "جدة"]
    talk = articles["http://example.org/interview"]
    assert talk.title == "- مقابلة: «لا تراجع»"
    assert talk.text == "---\ntitle: not front matter\n...\nنص المقابلة.\n"
    assert talk.date == "2015-08-04"
    assert talk.source == "مصدر غير معروف"  # --source fills the empty column
    assert talk.tags == ["حوار"]


# ---- YAML-hostile values ----------------------------------------------------------------------

HOSTILE_TITLES = [
    "عاجل: انفجار في الميناء", '"مقتبس" بين علامتين', "'single' quotes", "- يبدأ بشرطة",
    "---", "...", "# ليس تعليقا", "&anchor *alias", "[ليست قائمة]", "{ولا: قاموس}",
    "yes", "null", "2015", "2015-07-21", "% @ ` | >", "عنوان  فيه\tمسافات ", "key: value: more",
]


def test_yaml_hostile_titles_and_bodies_round_trip(tmp_path: Path) -> None:
    body_variants = [
        "---\ntitle: مزيف\ndate: 1999\n---\nنص بعد خط فاصل.",
        "title: ليس عنوانا\nsource: ولا مصدرا",
        "...\n---\n- بند\n- بند آخر",
        "نص عادي: فيه نقطتان\n\n  سطر مزاح بمسافات",
    ]
    records = [{"title": t, "url": f"https://example.org/{i}",
                "text": body_variants[i % len(body_variants)] + f"\nرقم {i}"}
               for i, t in enumerate(HOSTILE_TITLES)]
    (tmp_path / "hostile.json").write_text(json.dumps(records, ensure_ascii=False))
    code, out = invoke(tmp_path, str(tmp_path / "hostile.json"))
    assert code == 0, out
    articles = loaded(tmp_path)
    assert len(articles) == len(records)
    for r in records:
        a = articles[r["url"]]
        assert a.title == " ".join(r["title"].split())
        assert a.text == r["text"] + "\n"
        assert a.extra == {}


def test_no_known_field_still_writes_front_matter(tmp_path: Path) -> None:
    (tmp_path / "d.jsonl").write_text(json.dumps({"body": "---\nx: y\n---\nنص"}) + "\n")
    code, out = invoke(tmp_path, str(tmp_path / "d.jsonl"))
    assert code == 0, out
    corpus = load_corpus(Paths(tmp_path))
    assert corpus.problems == []
    assert [a.text for a in corpus.articles] == ["---\nx: y\n---\nنص\n"]
    assert corpus.articles[0].id.startswith("article-")


# ---- --map, defaults, unknown columns -------------------------------------------------------

def test_map_overrides_defaults_and_can_switch_a_field_off(tmp_path: Path) -> None:
    rows = [{"head_line": "عنوان", "title": "ليس هذا", "story": "النص الكامل للمقال.",
             "when": "2015-07-30", "author": "كاتب", "link": "https://x.org/1",
             "section": "محليات"}]
    (tmp_path / "d.json").write_text(json.dumps(rows, ensure_ascii=False))
    code, out = invoke(tmp_path, str(tmp_path / "d.json"), "--map", "title=head_line",
                       "--map", "body=Story", "--map", "date=when", "--map", "author=")
    assert code == 0, out
    a = loaded(tmp_path)["https://x.org/1"]
    assert (a.title, a.text, a.date, a.extra) == ("عنوان", "النص الكامل للمقال.\n",
                                                  "2015-07-30", {})
    # columns no field uses are named once, with how many records have a value
    notes = [line for line in out.splitlines() if "not imported" in line]
    assert len(notes) == 1
    assert "'author' (1 records)" in notes[0] and "'section' (1 records)" in notes[0]
    assert "'title' (1 records)" in notes[0]


def test_keep_writes_an_unmapped_column_as_extra_key(tmp_path: Path) -> None:
    rows = [{"title": "ع", "content": "نص.", "url": "https://x.org/k", "section": "محليات",
             "views": 12}]
    (tmp_path / "d.json").write_text(json.dumps(rows, ensure_ascii=False))
    code, out = invoke(tmp_path, str(tmp_path / "d.json"), "--keep", "section")
    assert code == 0, out
    a = loaded(tmp_path)["https://x.org/k"]
    assert a.extra == {"section": "محليات"}
    assert "'views' (1 records)" in out and "'section'" not in out


def test_bad_map_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "d.json").write_text("[]")
    code, out = invoke(tmp_path, str(tmp_path / "d.json"), "--map", "headline=title")
    assert code == 2
    assert "--map" in out and "FIELD=COLUMN" in out


def test_map_to_a_missing_column_is_noted(tmp_path: Path) -> None:
    (tmp_path / "d.json").write_text(json.dumps(ARTICLES, ensure_ascii=False))
    code, out = invoke(tmp_path, str(tmp_path / "d.json"), "--map", "title=headline_ar")
    assert code == 0
    assert "--map title=headline_ar: 1 file(s) have no such column" in out


def test_source_names_file(tmp_path: Path) -> None:
    (tmp_path / "d.json").write_text(json.dumps(ARTICLES, ensure_ascii=False))
    (tmp_path / "names.yml").write_text("sabq: سبق\nokaz: عكاظ\n", encoding="utf-8")
    code, out = invoke(tmp_path, str(tmp_path / "d.json"), "--source-names",
                       str(tmp_path / "names.yml"))
    assert code == 0, out
    by_url = loaded(tmp_path)
    assert by_url["https://sabq.org/a/1"].source == "سبق"
    assert by_url["https://okaz.com.sa/n/2"].source == "عكاظ"
    assert by_url["https://arriyadiyah.com/3"].source == "arriyadiyah"
    assert "no name in --source-names" in out and "'arriyadiyah' (1)" in out
    # the id comes from the source id, not the name written
    assert by_url["https://sabq.org/a/1"].id.startswith("sabq-")


# ---- ids, idempotence --------------------------------------------------------------------------

def test_ids_are_readable_stable_and_independent_of_order(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    (tmp_path / "fwd.json").write_text(json.dumps(ARTICLES, ensure_ascii=False))
    (tmp_path / "rev.json").write_text(json.dumps(ARTICLES[::-1], ensure_ascii=False))
    import_sources([str(tmp_path / "fwd.json")], a)
    import_sources([str(tmp_path / "rev.json")], b)
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    assert all(re.fullmatch(r"(sabq|okaz|arriyadiyah)-[0-9a-f]{12}\.md", n) for n in names)
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes()


def test_second_import_changes_nothing(tmp_path: Path) -> None:
    (tmp_path / "d.json").write_text(json.dumps(ARTICLES, ensure_ascii=False))
    code, out = invoke(tmp_path, str(tmp_path / "d.json"))
    assert summary(out)["written"] == 3
    files = sorted((tmp_path / "seeds").iterdir())
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    code, out = invoke(tmp_path, str(tmp_path / "d.json"))
    assert code == 0
    assert summary(out) == {"read": 3, "written": 0, "unchanged": 3, "reported": 0}
    assert sorted((tmp_path / "seeds").iterdir()) == files
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files} == before


def test_edited_file_is_kept_unless_overwrite(tmp_path: Path) -> None:
    (tmp_path / "d.json").write_text(json.dumps(ARTICLES, ensure_ascii=False))
    invoke(tmp_path, str(tmp_path / "d.json"))
    edited = sorted((tmp_path / "seeds").iterdir())[0]
    edited.write_text(edited.read_text() + "سطر أضافه المحرر.\n")
    mine = edited.read_bytes()
    code, out = invoke(tmp_path, str(tmp_path / "d.json"))
    assert code == 0
    assert summary(out) == {"read": 3, "written": 0, "unchanged": 2, "reported": 1}
    assert f"{edited.name} exists with different content" in out
    assert edited.read_bytes() == mine
    code, out = invoke(tmp_path, str(tmp_path / "d.json"), "--overwrite")
    assert "updated   1" in out
    assert edited.read_bytes() != mine
    assert_invariant(out.replace("updated   1", "").replace("written   0", "written   1"))


def test_dry_run_and_limit_write_nothing_or_a_subset(tmp_path: Path) -> None:
    (tmp_path / "d.json").write_text(json.dumps(ARTICLES, ensure_ascii=False))
    code, out = invoke(tmp_path, str(tmp_path / "d.json"), "--dry-run")
    assert code == 0 and "would be written   3" in out
    assert not (tmp_path / "seeds").exists()
    code, out = invoke(tmp_path, str(tmp_path / "d.json"), "--limit", "2")
    assert summary(out)["read"] == 2
    assert len(list((tmp_path / "seeds").iterdir())) == 2


# ---- reported records, the count invariant ---------------------------------------------------

def messy_records() -> list[dict]:
    good = [dict(a) for a in ARTICLES]
    return [
        *good,
        dict(good[0], title="نسخة ثانية"),                            # 4: same url
        {"title": "فارغ", "content": "  \n ", "url": "https://e.org/1"},  # 5: empty
        {"title": "تاريخ", "content": "نص له تاريخ غريب.", "date": "yesterday",
         "url": "https://e.org/2"},                                   # 6: bad date
        {"title": "عنوان", "content": "نص بلا رابط.", "url": "e.org/3"},  # 7: bad url
        dict(good[1], url="https://okaz.com.sa/n/2?print"),            # 8: same text
        {"title": "بلا رابط", "content": "نص بلا رابط مكرر."},          # 9: written (no url)
        {"title": "بلا رابط", "content": "نص بلا رابط مكرر."},          # 10: same id
        {"title": "مستحيل", "content": "نص.", "date": "2015-02-30",
         "url": "https://e.org/4"},                                   # 11: bad date
    ]


def test_reports_name_each_record_and_counts_add_up(tmp_path: Path) -> None:
    lines = [json.dumps(r, ensure_ascii=False) for r in messy_records()]
    (tmp_path / "m.jsonl").write_text("\n".join(lines))
    code, out = invoke(tmp_path, str(tmp_path / "m.jsonl"), "--report",
                       str(tmp_path / "r.csv"))
    assert code == 0, out
    c = assert_invariant(out)
    assert c == {"read": 11, "written": 4, "unchanged": 0, "reported": 7}
    assert "3 duplicate, 1 empty, 2 bad date, 1 bad url" in out
    m = tmp_path / "m.jsonl"
    assert f"duplicate: {m} record 4 (line 4): same url as {m} record 1 (line 1)" in out
    assert f"empty: {m} record 5 (line 5)" in out
    assert f"bad date: {m} record 6 (line 6): date 'yesterday'" in out
    assert f"bad url: {m} record 7 (line 7)" in out
    assert f"duplicate: {m} record 8 (line 8): same text as {m} record 2 (line 2)" in out
    assert f"duplicate: {m} record 10 (line 10): same id as {m} record 9 (line 9)" in out
    assert f"bad date: {m} record 11 (line 11): date '2015-02-30' does not exist" in out
    rows = list(csv.DictReader((tmp_path / "r.csv").open(encoding="utf-8-sig")))
    assert [(r["kind"], r["record"], r["line"]) for r in rows] == [
        ("duplicate", "4", "4"), ("empty", "5", "5"), ("bad date", "6", "6"),
        ("bad url", "7", "7"), ("duplicate", "8", "8"), ("duplicate", "10", "10"),
        ("bad date", "11", "11")]
    assert {r["file"] for r in rows} == {str(m)}
    loaded(tmp_path)
    # again: what was written is unchanged, the same records are reported
    code, out = invoke(tmp_path, str(tmp_path / "m.jsonl"))
    assert assert_invariant(out) == {"read": 11, "written": 0, "unchanged": 4, "reported": 7}


def test_bad_date_is_imported_with_date_format(tmp_path: Path) -> None:
    rows = [{"title": "ع", "content": "نص.", "date": "21/07/2015", "url": "https://d.org/1"}]
    (tmp_path / "d.json").write_text(json.dumps(rows, ensure_ascii=False))
    code, out = invoke(tmp_path, str(tmp_path / "d.json"))
    assert "bad date" in out and "--date-format" in out
    code, out = invoke(tmp_path, str(tmp_path / "d.json"), "--date-format", "%d/%m/%Y")
    assert summary(out)["written"] == 1
    assert loaded(tmp_path)["https://d.org/1"].date == "2015-07-21"


def test_csv_row_of_the_wrong_width_is_reported(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text("title;content;url\nع;نص.;https://w.org/1\nع;نص;زائد;x\n")
    code, out = invoke(tmp_path, str(tmp_path / "d.csv"))
    assert code == 0
    assert f"malformed: {tmp_path / 'd.csv'} record 2 (line 3): row has 4 fields" in out
    assert_invariant(out)


# ---- unreadable input --------------------------------------------------------------------------

@pytest.mark.parametrize("name,data,message", [
    ("broken.json", b'[\n  {"title": "a", "content": "b"},\n  {"title": "c" "content": 1}\n]',
     "broken.json:3: broken JSON at line 3, column 17"),
    ("broken.jsonl", b'{"content": "a"}\n{"content": \n', "broken.jsonl:2: broken JSON at line 2"),
    ("bad.zip", b"PK\x03\x04 this is not a zip", "bad.zip: not a readable zip file"),
    ("cp1256.csv", "title,content\nعنوان,نص\n".encode("cp1256"),
     "cp1256.csv:2: not valid UTF-8"),
    ("list.json", b'[{"content": "a"}, "text"]', "list.json:1: record 2 is str"),
])
def test_unreadable_input_is_named_and_the_rest_imported(tmp_path: Path, name: str,
                                                         data: bytes, message: str) -> None:
    (tmp_path / name).write_bytes(data)
    (tmp_path / "good.json").write_text(json.dumps(ARTICLES, ensure_ascii=False))
    code, out = invoke(tmp_path, str(tmp_path / name), str(tmp_path / "good.json"))
    assert code == 1
    assert f"error: {tmp_path}/{message}" in out
    assert "could not be read" in out
    assert summary(out)["written"] == 3


def test_missing_source_is_an_error(tmp_path: Path) -> None:
    code, out = invoke(tmp_path, str(tmp_path / "nothing-*.zip"))
    assert code == 1
    assert "nothing-*.zip: no such file or folder" in out


# ---- output passes archive check -------------------------------------------------------------

def test_imported_archive_passes_check(archive_dir: Path) -> None:
    (archive_dir / "d.json").write_text(json.dumps(messy_records(), ensure_ascii=False))
    code, out = invoke(archive_dir, str(archive_dir / "d.json"))
    assert code == 0, out
    result = CliRunner().invoke(main, ["--root", str(archive_dir), "check"])
    assert result.exit_code == 0, result.output
    assert "ok: no errors" in result.output


def test_progress_bar_on_request(tmp_path: Path) -> None:
    (tmp_path / "d.json").write_text(json.dumps(ARTICLES, ensure_ascii=False))
    result = CliRunner().invoke(main, ["--root", str(tmp_path), "import", "--progress",
                                       str(tmp_path / "d.json")])
    assert result.exit_code == 0
    assert "importing" in result.stderr and "100%" in result.stderr
    assert "importing" not in result.stdout
    quiet = CliRunner().invoke(main, ["--root", str(tmp_path), "import",
                                      str(tmp_path / "d.json")])
    assert "importing" not in quiet.stderr


# ---- dates ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("given,expected", [
    ("2015-07-21 12:00:00", "2015-07-21"), ("2015-07-21T23:59:59Z", "2015-07-21"),
    ("2015-07-21T01:00:00-05:00", "2015-07-21"), ("2015/7/1", "2015-07-01"),
    ("2015-07", "2015-07"), ("2015", "2015"), (2015, "2015"), ("٢٠١٥-٠٧-٢١", "2015-07-21"),
    ("Tue, 21 Jul 2015 02:51:32 +0300", "2015-07-21"), ("21 يوليو 2015", "2015-07-21"),
    ("الثلاثاء 21 تموز 2015", "2015-07-21"), ("July 21, 2015", "2015-07-21"),
    ("", None), (None, None), ("  ", None),
])
def test_dates_read(given: object, expected: str | None) -> None:
    assert normalize_date(given) == expected


def test_date_format_first_then_unambiguous_forms() -> None:
    assert normalize_date("04/08/2015", "%d/%m/%Y") == "2015-08-04"
    assert normalize_date("04/08/2015", "%m/%d/%Y") == "2015-04-08"
    assert normalize_date("2015-07-22 10:00:00", "%d/%m/%Y") == "2015-07-22"
    with pytest.raises(DateError, match="does not match --date-format"):
        normalize_date("13/13/2015", "%d/%m/%Y")


@pytest.mark.parametrize("given", ["2015-02-30", "2015-13", "21/07/2015", "07/21/2015",
                                   "yesterday", "12", True, "21 يوليو"])
def test_dates_refused(given: object) -> None:
    with pytest.raises(DateError):
        normalize_date(given)


# ---- the real corpus -----------------------------------------------------------------------------

@pytest.mark.skipif(not SAUDI.is_dir(), reason="SaudiNewsNet corpus not present")
def test_real_saudinewsnet_zip_every_record_accounted_for(tmp_path: Path) -> None:
    dump = SAUDI / "2015-07-23.zip"
    with zipfile.ZipFile(dump) as z:
        expected = sum(len(json.loads(z.read(n))) for n in z.namelist())
    options = Options(source_names={"aawsat": "الشرق الأوسط"})
    report = import_sources([str(dump)], tmp_path / "seeds", options)
    assert report.read == expected > 0
    assert report.written + len(report.reported) == report.read
    assert report.written == len(list((tmp_path / "seeds").glob("*.md")))
    assert {r.kind for r in report.reported} <= {"duplicate", "empty"}
    corpus = load_corpus(Paths(tmp_path))
    assert len(corpus.articles) + len({p.path for p in corpus.errors}) == report.written
    # every error left is the loader refusing control characters (cleaned by the loader later)
    assert all("control character" in p.message for p in corpus.errors)
    assert report.sources["الشرق الأوسط"] > 0 and "aawsat" not in report.sources
    again = import_sources([str(dump)], tmp_path / "seeds", options)
    assert (again.written, again.unchanged, len(again.reported)) == (
        0, report.written, len(report.reported))


def test_places_and_actors_resolved_through_the_gazetteer(archive_dir: Path) -> None:
    rows = [{"title": "ع", "content": "نص عن سوريا والأردن.", "url": "https://g.org/1",
             "places": "سورية، jordan، الرياض", "actors": ["syrian-army", "نادي الهلال"]}]
    (archive_dir / "d.json").write_text(json.dumps(rows, ensure_ascii=False))
    code, out = invoke(archive_dir, str(archive_dir / "d.json"))
    assert code == 0, out
    a = loaded(archive_dir)["https://g.org/1"]
    assert (a.places, a.actors) == (["syria", "jordan"], ["syrian-army"])
    assert "place 'الرياض' (1)" in out and "actor 'نادي الهلال' (1)" in out
    result = CliRunner().invoke(main, ["--root", str(archive_dir), "check"])
    assert result.exit_code == 0, result.output


def test_keep_reprints_imports_the_same_text_from_another_source(tmp_path: Path) -> None:
    text = "نص وكالة الأنباء نفسه نشرته صحيفتان."
    rows = [{"source": "okaz", "url": "https://okaz.com.sa/1", "content": text},
            {"source": "okaz", "url": "https://okaz.com.sa/1?print", "content": text},
            {"source": "alriyadh", "url": "https://alriyadh.com/9", "content": text},
            {"source": "alyaum", "url": "https://alyaum.com/5", "content": text}]
    (tmp_path / "d.json").write_text(json.dumps(rows, ensure_ascii=False))
    code, out = invoke(tmp_path, str(tmp_path / "d.json"), "--dry-run")
    assert summary(out)["reported"] == 3 and "3 duplicate" in out
    code, out = invoke(tmp_path, str(tmp_path / "d.json"), "--keep-reprints")
    assert assert_invariant(out) == {"read": 4, "written": 3, "unchanged": 0, "reported": 1}
    d = tmp_path / "d.json"  # one line: every record starts on line 1
    assert f"duplicate: {d} record 2 (line 1): same text as {d} record 1 (line 1)" in out
    assert sorted(a.source for a in loaded(tmp_path).values()) == ["alriyadh", "alyaum", "okaz"]


def test_long_csv_field(tmp_path: Path) -> None:
    body = "كلمة " * 60000  # 300,000 characters: more than the csv module's default limit
    (tmp_path / "d.csv").write_text(f"title,text\nطويل,{body}\n", encoding="utf-8")
    code, out = invoke(tmp_path, str(tmp_path / "d.csv"))
    assert code == 0, out
    [article] = loaded(tmp_path).values()
    assert article.text == body.rstrip() + "\n"


def test_control_characters_kept_in_the_text_removed_from_the_title(tmp_path: Path) -> None:
    rows = [{"title": "\x1a عنوان\x1a", "content": "نص\x1a فيه حرف تحكم.", "url": "https://c.org/1"},
            {"title": "نظيف", "content": "نص نظيف.", "url": "https://c.org/2"}]
    (tmp_path / "d.json").write_text(json.dumps(rows, ensure_ascii=False))
    code, out = invoke(tmp_path, str(tmp_path / "d.json"))
    assert code == 0
    assert "1 article(s) hold control characters (U+001A ×3)" in out
    [dirty] = [p for p in (tmp_path / "seeds").iterdir() if "\x1a" in p.read_text()]
    assert dirty.read_text().startswith("---\ntitle: عنوان\n")
    assert "نص\x1a فيه حرف تحكم.\n" in dirty.read_text()


def test_source_names_file_must_be_a_mapping(tmp_path: Path) -> None:
    (tmp_path / "d.json").write_text(json.dumps(ARTICLES, ensure_ascii=False))
    (tmp_path / "names.yml").write_text("- sabq\n- okaz\n")
    code, out = invoke(tmp_path, str(tmp_path / "d.json"), "--source-names",
                       str(tmp_path / "names.yml"))
    assert code == 2
    assert "names.yml" in out and "'source id: name'" in out
    assert not (tmp_path / "seeds").exists()


def test_verbose_lists_every_reported_record(tmp_path: Path) -> None:
    rows = [{"title": f"فارغ {i}", "content": "", "url": f"https://v.org/{i}"} for i in range(8)]
    (tmp_path / "d.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1))
    code, out = invoke(tmp_path, str(tmp_path / "d.json"))
    assert out.count("    empty: ") == 5 and "… and 3 more empty" in out
    code, out = invoke(tmp_path, str(tmp_path / "d.json"), "--verbose")
    assert out.count("    empty: ") == 8 and "more empty" not in out
