"""Dirty real text is cleaned, not refused (issue 13): each kind with a crafted article, the
summarised warnings, idempotent cleaning, and 2,000 real SaudiNewsNet articles."""

from __future__ import annotations

import glob
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.analysis import Analyzer
from archive.cli import main
from archive.config import Paths
from archive.corpus.clean import KIND_BY_NAME, KINDS, clean_line, clean_text
from archive.corpus.loader import load_corpus

REPO = Path(__file__).resolve().parents[1]
#: ../shared beside the clone (CI), or beside the folder of worktrees
CORPUS = next((p for p in (REPO.parent / "shared/corpora/saudinewsnet",
                           REPO.parent.parent / "shared/corpora/saudinewsnet") if p.is_dir()),
              None)


def seeds_with(tmp_path: Path, files: dict[str, str]) -> Paths:
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    seeds = tmp_path / "seeds"
    seeds.mkdir(exist_ok=True)
    for name, text in files.items():
        (seeds / name).write_text(text, encoding="utf-8", newline="")
    return Paths(tmp_path)


# (kind, as scraped, as displayed)
CASES = [
    # after a sentence (or a colon) a control run stood for a line break: it becomes one
    ("control", "قال المصدر. \x1a\x1aمن احتفالات الأهالي\n", "قال المصدر.\nمن احتفالات الأهالي\n"),
    ("control", "الخطوات التالية: \x1a قبل كل شيء\n", "الخطوات التالية:\nقبل كل شيء\n"),
    # between words a space, at the edge of a line nothing
    ("control", "نص\x1aهنا و \x85 هناك \x1a\x1a\n", "نص هنا و هناك\n"),
    ("presentation-form", "ﻗﺎﻝ ﻣﺼﺪﺭ ﻣﺴﺆﻭﻝ إن ﺍﻻﺳﺘﺮﺍﺗﻴﺠﻲ\n", "قال مصدر مسؤول إن الاستراتيجي\n"),
    ("presentation-form", "ﻷن ﻻ ﺍلأﺣﻴﺎﺀ\n", "لأن لا الأحياء\n"),
    ("persian-letter", "اللواء محمد علی جعفري إلی کبير مدرسۀ\n",
     "اللواء محمد على جعفري إلى كبير مدرسة\n"),
    ("persian-letter", "ایران ۱۹۹۸\n", "ايران ١٩٩٨\n"),
    ("space", "موهبة\u202fالتدريبي\u00a0\u00a0البرنامج\n", "موهبة التدريبي  البرنامج\n"),
    ("invisible", "وقع زلزال قوته 5.\u200f7 قرب \u202aجزر\u202c ليونيل \ufeffميسي\n",
     "وقع زلزال قوته 5.7 قرب جزر ليونيل ميسي\n"),
    ("invisible", "الإرها\u00adبي س\u200bلام \u200cكلمة\n", "الإرهابي سلام كلمة\n"),
    ("tatweel", "تشــــــهد طوكيـــو\n", "تشهد طوكيو\n"),
    ("entity", "منطقة &#39;عطاروت&#39; و&quot;حافلة&quot; &amp;amp; &#8220;طوارئ&#8221;\n",
     "منطقة 'عطاروت' و\"حافلة\" & “طوارئ”\n"),
    ("tag", "السطر الأول<br>السطر الثاني <p>فقرة</p> <a href=\"x\">رابط</a>\n",
     "السطر الأول السطر الثاني فقرة رابط\n"),
]


@pytest.mark.parametrize(("kind", "dirty", "shown"), CASES)
def test_each_kind_is_cleaned_with_one_warning(tmp_path: Path, kind: str, dirty: str,
                                               shown: str) -> None:
    paths = seeds_with(tmp_path, {"a.md": f"---\ntitle: عنوان\n---\nسطر أول.\n{dirty}"})
    corpus = load_corpus(paths)
    assert corpus.errors == []
    article = corpus.get("a")
    assert article is not None
    assert article.text == f"سطر أول.\n{shown}"
    assert kind in article.cleaned
    warning = [w for w in corpus.warnings if w.message == KIND_BY_NAME[kind].message]
    assert len(warning) == 1 and warning[0].line == 5  # the line in the file
    # search finds the clean spelling, and every token's offsets point into the shown text
    tokens = Analyzer().analyze(article.text)
    assert all(article.text[t.start:t.end] == t.form for t in tokens)
    assert [t.normalized for t in tokens] == [t.normalized for t in Analyzer().analyze(
        f"سطر أول.\n{shown}")]


def test_warning_lines_are_the_file_lines_after_an_inserted_line_break(tmp_path: Path) -> None:
    text = "---\ntitle: ع\n---\nأول. \x1aثاني. \x1aثالث.\nرابع.\nخامس ﻻ.\n"
    corpus = load_corpus(seeds_with(tmp_path, {"a.md": text}))
    article = corpus.get("a")
    assert article is not None
    assert article.text.split("\n") == ["أول.", "ثاني.", "ثالث.", "رابع.", "خامس لا.", ""]
    lines = {w.message: w.line for w in corpus.warnings}
    assert lines[KIND_BY_NAME["control"].message] == 4
    assert lines[KIND_BY_NAME["presentation-form"].message] == 6


def test_dirty_text_is_kept_where_it_is_meaningful() -> None:
    kept = [
        "لـ«الشرق الأوسط»",  # a single tatweel after a prefix
        "70 ـــ 90 في المائة",  # a tatweel run used as a dash
        "نامه\u200cها",  # ZWNJ between letters (a Persian plural quoted in the text)
        "ديڤيد وپاريس",  # letters Arabic uses for foreign sounds
        "AT&T و x < 5 و <ملاحظة>",  # not entities, not tags
        "<script>alert(1)</script> <img src=x>",  # code and embeds are not debris: shown as text
        "﴿ ﴾",  # ornate parentheses have no plain form
    ]
    for text in kept:
        assert clean_text(text).text == text and not clean_text(text).counts


def test_title_is_cleaned_too(tmp_path: Path) -> None:
    title = '"توزيع &#8220;موسوعة\\tخطب الجمعة&#8221; ﻻ"'
    paths = seeds_with(tmp_path, {"a.md": f"---\ntitle: {title}\n---\nنص الخبر.\n"})
    corpus = load_corpus(paths)
    assert corpus.errors == []
    article = corpus.get("a")
    assert article is not None and article.title == "توزيع “موسوعة خطب الجمعة” لا"
    assert article.cleaned == {"entity": 2, "presentation-form": 1}


def test_empty_title_is_inferred_not_refused(tmp_path: Path) -> None:
    paths = seeds_with(tmp_path, {"a.md": '---\ntitle: ""\n---\nخبر بلا عنوان في المصدر.\n'})
    corpus = load_corpus(paths)
    assert corpus.errors == []
    article = corpus.get("a")
    assert article is not None and article.title_inferred and article.title
    assert any("title is empty" in w.message for w in corpus.warnings)


@pytest.mark.parametrize(
    "data",
    ["\x1a\x1a\x1a\n", "---\ntitle: x\n---\n<br><p></p>\n", "\u200b\u200f\n",
     "سطر\x01\x02\x03\x04\x05\x06\x07\x08\n"],
)
def test_nothing_but_debris_is_an_error(tmp_path: Path, data: str) -> None:
    paths = seeds_with(tmp_path, {"a.md": data, "good.md": "نص جيد.\n"})
    corpus = load_corpus(paths)
    assert [a.id for a in corpus.articles] == ["good"]
    assert [e.path for e in corpus.errors] == ["seeds/a.md"]
    assert corpus.errors[0].hint


def test_link_lines_are_set_apart_as_boilerplate(tmp_path: Path) -> None:
    body = ("وأضاف أن العمل مستمر. رابط الخبر بصحيفة الوئام: النفط يتراجع \n")
    other = "نص المقال.\n// انتهى //\n...المزيد\nللتواصل مع الكاتب ارسل رسالة SMS\n88591 - Stc\n"
    byline = "Next Previous\nنايف عبدالله – عين اليوم\nأعلنت الوزارة أمس.\nوأضافت أن العمل مستمر.\n"
    paths = seeds_with(tmp_path, {"a.md": body, "b.md": other, "c.md": byline})
    corpus = load_corpus(paths)
    a, b, c = corpus.get("a"), corpus.get("b"), corpus.get("c")
    assert a is not None and b is not None and c is not None
    assert [(c.text[s.start:s.end].strip(), s.reason) for s in c.boilerplate_segments()] == [
        ("Next Previous", "link-line"), ("نايف عبدالله – عين اليوم", "byline")]
    glued = seeds_with(tmp_path, {"d.md": "Next Previous أعلنت الوزارة أمس.\nوأضافت.\n"})
    d = load_corpus(glued).get("d")
    assert d is not None
    assert [(d.text[s.start:s.end], s.kind) for s in d.segments] == [
        ("Next Previous ", "boilerplate"), ("أعلنت الوزارة أمس.\nوأضافت.\n", "body")]
    assert [(a.text[s.start:s.end].strip(), s.kind, s.reason) for s in a.segments] == [
        ("وأضاف أن العمل مستمر.", "body", ""),
        ("رابط الخبر بصحيفة الوئام: النفط يتراجع", "boilerplate", "link-line"),
    ]
    assert [s.reason for s in b.boilerplate_segments()] == [
        "end-marker", "link-line", "contact-line"]
    assert b.text[b.body_segments()[0].start:b.body_segments()[0].end] == "نص المقال.\n"


def test_check_summarises_one_line_per_kind_with_the_file_count(tmp_path: Path) -> None:
    files = {f"n{i}.md": f"نص\x1aهنا رقم {i}.\n" for i in range(5)}
    files["p.md"] = "ﻗﺎﻝ المصدر.\n"
    paths = seeds_with(tmp_path, files)
    result = CliRunner().invoke(main, ["--root", str(paths.root), "check"])
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.output.splitlines() if "warning:" in ln]
    control = [ln for ln in lines if KIND_BY_NAME["control"].message in ln]
    assert len(control) == 1 and "and 2 more (5 files)" in control[0]
    assert sum(KIND_BY_NAME["presentation-form"].message in ln for ln in lines) == 1
    assert "seeds/p.md:1" in result.output


def test_strict_site_build_shows_cleaned_text_and_summarises_warnings(
    archive_dir: Path,
) -> None:
    seeds = archive_dir / "seeds"
    for i in range(4):
        (seeds / f"dirty-{i}.md").write_text(
            f"---\ntitle: \"خبر &quot;{i}&quot;\"\n---\nقال المصدر. \x1a\x1aمن احتفالات"
            f" الأهالي في درعا ﻗﺎﻝ.\nوأضاف أن العمل مستمر. رابط الخبر بصحيفة الوئام: خبر {i}\n",
            encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"],
                          cwd=archive_dir, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr  # the warnings do not fail a strict build
    summary = [ln for ln in proc.stderr.splitlines() if "archive:   warning:" in ln]
    for kind in ("control", "entity", "presentation-form"):
        lines = [ln for ln in summary if KIND_BY_NAME[kind].message in ln]
        assert len(lines) == 1 and "and 1 more (4 files)" in lines[0], kind
    page = (archive_dir / "site" / "articles" / "dirty-0" / "index.html").read_text("utf-8")
    assert "\x1a" not in page and "ﻗ" not in page
    assert "<title>خبر &#34;0&#34; - " in page  # the title's entities decoded (then escaped)
    assert "<p>من احتفالات الأهالي في" in page  # a paragraph of its own
    aside = page[page.index("ar-boilerplate"):]
    assert "رابط الخبر بصحيفة الوئام" in aside


_DIRTY = st.sampled_from(
    ["\x1a", "\x07", "\x85", "\u00a0", "\u200b", "\u200c", "\u200d", "\u200f", "\u202e",
     "\ufeff", "\u00ad", "\u0640", "ﻻ", "ﻗ", "ﺎ", "\ufe70", "\ufdfa", "﷼", "ی", "ک", "ۀ", "۵",
     "&", "&amp;", "amp;", "quot;", "&#", "8220;", "<", ">", "<br>", "</p>", "<a href='x'>",
     "<!--", "-->", "<!", "--", "b", "r", " ", "\n", "\t", "ب", "لا", "x", "."])


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=60), st.lists(_DIRTY, max_size=25).map("".join)))
def test_cleaning_is_idempotent_never_raises_and_keeps_lines(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once.text).text == once.text
    assert not clean_text(once.text).counts
    # no line is lost; only a control run that stood for a line break adds one
    added = once.text.count("\n") - text.count("\n")
    assert added == 0 or (added > 0 and once.counts.get("control"))
    for name, line in once.lines.items():  # warnings name a line of the input
        assert 0 <= line <= text.count("\n"), name
    for kind in KINDS:  # nothing of any kind is left
        assert kind.fix(once.text)[1] == 0, kind.name
    line = clean_line(text).text
    assert "\n" not in line and clean_line(line).text == line


# --- real text -----------------------------------------------------------------------------
REAL_SAMPLE = 2000


def _real_articles() -> list[dict]:
    assert CORPUS is not None
    out: list[dict] = []
    for z in sorted(glob.glob(str(CORPUS / "*.zip"))):
        with zipfile.ZipFile(z) as zf:
            for name in sorted(zf.namelist()):
                out += json.load(io.TextIOWrapper(zf.open(name), encoding="utf-8"))
    return [a for a in out if (a.get("content") or "").strip()]


@pytest.mark.skipif(CORPUS is None, reason="../shared/corpora/saudinewsnet is not here")
def test_2000_real_articles_all_load(tmp_path: Path) -> None:
    """Every control-character article of the corpus and an even sample of the rest, written
    as seeds/*.md the way a maintainer (or the before-stop smoke test) would: none is lost."""
    articles = _real_articles()
    is_dirty = [any(ord(c) < 32 and c not in "\n\t\r" for c in a["content"] + a["title"])
                for a in articles]
    dirty = [a for a, d in zip(articles, is_dirty, strict=True) if d]
    rest = [a for a, d in zip(articles, is_dirty, strict=True) if not d]
    chosen = dirty + rest[:: len(rest) // (REAL_SAMPLE - len(dirty))][: REAL_SAMPLE - len(dirty)]
    assert len(dirty) >= 90 and len(chosen) == REAL_SAMPLE
    files = {}
    for i, a in enumerate(chosen):
        title = json.dumps(a.get("title") or "", ensure_ascii=False)
        files[f"real-{i:04d}.md"] = f"---\ntitle: {title}\n---\n\n{a['content']}\n"
    paths = seeds_with(tmp_path, files)

    corpus = load_corpus(paths)
    assert corpus.errors == []
    assert len(corpus.articles) == len(files) == REAL_SAMPLE
    by_id = {a.id: a for a in corpus.articles}
    for i in range(len(dirty)):
        article = by_id[f"real-{i:04d}"]
        assert article.cleaned.get("control"), article.id
        assert "\x1a" not in article.text
    seen = {k for a in corpus.articles for k in a.cleaned}
    assert {"control", "presentation-form", "space", "invisible", "entity"} <= seen
    assert any(s.reason == "link-line" for a in corpus.articles for s in a.segments)
    analyzer = Analyzer()
    for article in corpus.articles[::20]:
        assert all(article.text[t.start:t.end] == t.form for t in analyzer.analyze(article.text))
