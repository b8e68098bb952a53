"""What the loader reads out of each of the five real seed articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.config import Paths
from archive.corpus.article import Article
from archive.corpus.clean import clean_text
from archive.corpus.loader import Corpus, load_corpus

REPO = Path(__file__).resolve().parents[1]
SEED_IDS = [
    "000_02dc7bcb46da7aac",
    "001_9de41e7d550015bc",
    "002_ff0aa36a5bea707b",
    "003_f1c0825b0b077d89",
    "004_f209341661600871",
]


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus(Paths(REPO))


@pytest.fixture(scope="module")
def by_id(corpus: Corpus) -> dict[str, Article]:
    return {a.id: a for a in corpus.articles}


def boilerplate_lines(article: Article) -> list[tuple[str, str]]:
    """(reason, line) for every non-blank line inside a boilerplate segment, in order."""
    out = []
    for seg in article.boilerplate_segments():
        for line in article.text[seg.start:seg.end].split("\n"):
            if line.strip():
                out.append((seg.reason, " ".join(line.split())))
    return out


def test_all_seeds_load_without_errors(corpus: Corpus) -> None:
    assert [a.id for a in corpus.articles] == SEED_IDS
    assert corpus.errors == []


@pytest.mark.parametrize("article_id", SEED_IDS)
def test_segments_cover_the_text_in_order(by_id: dict[str, Article], article_id: str) -> None:
    a = by_id[article_id]
    assert a.segments[0].start == 0
    assert a.segments[-1].end == len(a.text)
    for left, right in zip(a.segments, a.segments[1:], strict=False):
        assert left.end == right.start
        assert (left.kind, left.reason) != (right.kind, right.reason)  # neighbours merged
    for seg in a.boilerplate_segments():
        assert seg.reason


@pytest.mark.parametrize("article_id", SEED_IDS)
def test_no_date_without_front_matter(by_id: dict[str, Article], article_id: str) -> None:
    a = by_id[article_id]
    assert a.date is None
    assert a.title_inferred is True
    assert a.path == f"seeds/{article_id}.txt"
    assert a.text_offset_line == 1
    # the displayed text is the file's, cleaned (the seeds' embedded posts have no-break
    # spaces); same lines, same words
    original = (REPO / a.path).read_text(encoding="utf-8")
    assert a.text == clean_text(original).text
    assert [ln.split() for ln in a.text.split("\n")] == [
        ln.split() for ln in original.split("\n")
    ]
    for d in a.mentioned_dates:
        assert a.text[d.start:d.end] == d.text
    if a.source_evidence is not None:
        ev = a.source_evidence
        assert a.text[ev.start:ev.end] == ev.text


def test_000(by_id: dict[str, Article]) -> None:
    a = by_id["000_02dc7bcb46da7aac"]
    # first sentence, cut at a word boundary, not ending on a preposition
    assert a.title == (
        "أعلنت اللجنة المركزية الممثلة لأهالي المناطق المحاصرة في درعا، الأحد، انهيار المفاوضات…"
    )
    assert len(a.title) <= 91
    assert a.source == "العربي الجديد"
    assert a.source_evidence is not None
    assert a.source_evidence.rule == "told-outlet"
    assert a.source_evidence.text == 'لـ"العربي الجديد"، إن'
    assert "يوسف المصلح" in a.text[a.source_evidence.start - 30:a.source_evidence.start]
    # the in-body subheading is body: everything is body
    assert boilerplate_lines(a) == []
    body = "".join(a.text[s.start:s.end] for s in a.body_segments())
    assert 'هجوم على دورية لـ"قسد" في دير الزور' in body
    assert a.mentioned_dates == []


def test_001(by_id: dict[str, Article]) -> None:
    a = by_id["001_9de41e7d550015bc"]
    # not the photo caption on line 1: the first sentence of the body
    assert a.title == (
        "قصفت قوات الأسد ومليشيات تابعة لها فجر الأحد، أحياء درعا المُحاصرة بعشرات الصواريخ…"
    )
    assert a.source == "TRT عربي"
    assert a.source_evidence is not None
    assert a.source_evidence.rule == "closing-credit"
    assert a.source_evidence.text == "TRT عربي - وكالات"
    assert boilerplate_lines(a) == [
        ("photo-caption", "قصف قوات تابعة للنظام السوري على أحياء درعا - أرشيف (AA)"),
        ("follow-us", "تابعنا"),
        ("social-embed", "قصف عنيف جدا تتعرض له درعا البلد الآن بمختلف صنوف الأسلحة"),
        ("social-embed", "Posted by درعا 24 on Saturday, September 4, 2021"),
        ("social-embed", "اشتباكات عنيفة تدور في محيط أحياء درعا البلد، حيث تصدّى مقاتلون"
                         " محليون لمحاولة تقدّم للقوات العسكرية والمليشيات التابعة..."),
        ("social-embed", "Posted by درعا 24 on Sunday, September 5, 2021"),
        ("agency-credit", "TRT عربي - وكالات"),
        ("most-read", "الأكثر تداولاً"),
    ]
    dates = [(d.value, d.text, d.year_inferred) for d in a.mentioned_dates]
    assert dates == [
        ("2021-09-04", "September 4, 2021", False),
        ("2011", "عام 2011", False),
        ("2021-09-05", "September 5, 2021", False),
        # "مطلع سبتمبر/أيلول الجاري": this September; the year comes from the embeds' dates
        ("2021-09", "سبتمبر/أيلول الجاري", True),
        # "25 يونيو/حزيران الماضي": last June, before the September of the embeds
        ("2021-06-25", "25 يونيو/حزيران الماضي", True),
        ("2018", "عام 2018", False),
    ]


def test_002(by_id: dict[str, Article]) -> None:
    a = by_id["002_ff0aa36a5bea707b"]
    assert a.title == (
        "فشل اجتماعان عُقدا، مساء اليوم الخميس، الأول في ملعب البانوراما بحي القصور داخل درعا…"
    )
    assert a.source == "العربي الجديد"
    assert a.source_evidence is not None
    assert a.source_evidence.rule == "obtained-by-outlet"
    assert a.source_evidence.text == 'حصل عليها "العربي الجديد"'
    assert boilerplate_lines(a) == []
    # "(2254)" is a Security Council resolution, not a year
    assert a.mentioned_dates == []


def test_003(by_id: dict[str, Article]) -> None:
    a = by_id["003_f1c0825b0b077d89"]
    assert a.title == (
        "تجددت الاشتباكات، ظهر اليوم الأربعاء، بين شبان من أهالي درعا البلد وقوات النظام السوري…"
    )
    assert a.source == "العربي الجديد"
    assert a.source_evidence is not None
    assert a.source_evidence.rule == "told-outlet"
    assert a.source_evidence.text == 'لـ"العربي الجديد"، إنّ'
    assert boilerplate_lines(a) == []
    assert a.mentioned_dates == []


def test_004(by_id: dict[str, Article]) -> None:
    a = by_id["004_f209341661600871"]
    assert a.title == "المعارضة تعلن فشل المفاوضات بدرعا والنظام يستأنف القصف"
    # it quotes رويترز and سانا; nothing in the text names its own publisher
    assert a.source is None
    assert a.source_evidence is None
    assert boilerplate_lines(a) == [
        ("section-label", "سياسة عربية"),
        ("headline", "المعارضة تعلن فشل المفاوضات بدرعا والنظام يستأنف القصف"),
        ("photo-caption", "استأنف النظام القصف بعد إعلان فشل المفاوضات - جيتي"),
        ("read-also", "اقرأ أيضا: الأردن يربط فتح معابره مع سوريا بالتطورات الميدانية"),
    ]
    body = "".join(a.text[s.start:s.end] for s in a.body_segments())
    assert body.lstrip().startswith("قال متحدث باسم المعارضة السورية المسلحة")
    assert body.rstrip().endswith("إلى وطنهم\".")
    assert a.mentioned_dates == []
