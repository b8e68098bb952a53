"""Names are never reduced to a root (issue 11, class 1), in Python and in the JS port.

Every word here is outside the judged sets (tests/data/gold_realtext.tsv): the tests check the
classes, not memorised answers.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import node_path, script_module

from archive.analysis.analyzer import (
    Analyzer,
    alternative_root,
    analyze_word_uncached,
    query_root,
)
from archive.analysis.normalize import clean, normalize
from archive.analysis.tables import build_tables, export_tables

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "tests" / "data" / "gold_realtext.tsv"
PARITY = REPO / "tests" / "js" / "parity.mjs"

#: Cities and given names that are also (forms of) common words of another root.
NAMES = {
    "بريدة": "برد", "حائل": "حول", "صنعاء": "صنع", "الحديدة": "حدد", "الدمام": "دمم",
    "نجران": "نجر", "محمد": "حمد", "خالد": "خلد", "سعود": "سعد",
}
#: Nisbas of places: not root-reduced, and one key for the forms of one nisba.
NISBAS = [["حوراني", "الحوراني", "حورانية"], ["درعاوي", "الدرعاوي"],
          ["سوري", "السوريون", "للسوريين", "سورية"], ["مصري", "المصريون", "المصرية"]]
#: Names that arramooz's general frequencies count more often as common words, but that the
#: news uses as names (their contexts in SaudiNewsNet, bench/gold/names_news.tsv): a city, a
#: region, a given name, family names; with the root of their common reading.
NEWS_NAMES = {"الحسكة": "حسك", "ذمار": "ذمر", "شقراء": "شقر", "الرمادي": "رمد",
              "وليد": "ولد", "العابد": "عبد", "العسيري": "عسر"}
#: "Names" of a name source (a GeoNames village, a given name) that the news uses as common
#: words, with their root.
NEWS_COMMON = {"زوجته": "زوج", "محلات": "حلل", "سلطات": "سلط", "رابعة": "ربع"}


def judged() -> set[str]:
    """Every word of gold_realtext.tsv (both halves); :func:`judged_all` adds the tuning
    samples (the older lists here predate them: محمد, حائل, نجران are in tune2/tune3)."""
    return {line.split("\t")[0] for line in GOLD.read_text("utf-8").splitlines()
            if line and not line.startswith("#")}


def judged_all() -> set[str]:
    """Every word of the judged real-text sets (both halves and the tuning samples)."""
    return {line.split("\t")[0] for path in (GOLD, GOLD.with_name("gold_realtext_tune2.tsv"),
                                             GOLD.with_name("gold_realtext_tune3.tsv"))
            for line in path.read_text("utf-8").splitlines()
            if line and not line.startswith("#")}


def root(word: str) -> str:
    return analyze_word_uncached(word)[2]


def test_test_words_are_not_in_the_judged_sets() -> None:
    words = set(NAMES) | {w for group in NISBAS for w in group}
    assert not {clean(w) for w in words} & judged()
    news_words = set(NEWS_NAMES) | set(NEWS_COMMON) | {"كريم"}
    assert not {clean(w) for w in news_words} & judged_all()


@pytest.mark.parametrize(("name", "common_root"), sorted(NAMES.items()))
def test_a_name_keeps_its_whole_form_with_or_without_clitics(name: str, common_root: str) -> None:
    core = root(name)
    assert core != common_root and len(core) > 3
    def bare(text: str) -> str:
        return "".join(ch for ch in text if ch not in "ءئؤ")

    assert bare(core) in bare(normalize(name))
    for form in ("و" + name, "ب" + name, "ل" + name if not name.startswith("ال") else
                 "لل" + name[2:]):
        assert root(form) == core, form


def test_common_words_of_the_names_roots_keep_their_roots() -> None:
    """The name lexicon does not swallow the common words: a name query cannot match them."""
    assert root("الخالدين") == "خلد"
    assert root("حديدية") == "حدد"
    assert root("الصناعات") == "صنع"


@pytest.mark.parametrize("group", NISBAS, ids=lambda g: g[0])
def test_nisbas_of_places_are_one_name_each(group: list[str]) -> None:
    keys = {root(w) for w in group}
    assert len(keys) == 1, keys
    assert len(next(iter(keys))) > 3  # not a three-letter root


def test_a_query_that_is_a_name_is_not_expanded_to_the_root_family() -> None:
    [query] = Analyzer().analyze("خالد")
    text = Analyzer().analyze("خلود الخالدين وخالد بن الوليد")
    assert [t.form for t in text if t.root == query.root] == ["وخالد"]


def test_a_name_that_is_also_a_common_word_keeps_the_common_root_as_its_alternative() -> None:
    """Both readings: the name's keys are the name, ``alt`` is the common word's root (the
    index files it for ``جذر:`` queries); a name whose letters are no common word has none,
    and a common word has none."""
    toks = {t.form: t for t in Analyzer().analyze("سعود وبخالد نجران حائل الخالدين صنعاء")}
    assert (toks["سعود"].root, toks["سعود"].alt) == ("سعود", "سعد")
    assert (toks["وبخالد"].root, toks["وبخالد"].alt) == ("خالد", "خلد")
    assert (toks["حائل"].root, toks["حائل"].alt) == ("حاءل", "حول")
    assert toks["الخالدين"].alt == ""  # a common word: its root is already the common reading
    assert toks["صنعاء"].alt == ""  # no common word صنعاء (صنع + ا is another segmentation)


@pytest.mark.parametrize(("name", "common_root"), sorted(NEWS_NAMES.items()))
def test_a_name_the_news_uses_as_a_name_keeps_both_readings(name: str, common_root: str) -> None:
    """The name is the key, with and without clitics; the common word's root is its
    alternative (an explicit ``جذر:`` query still reaches it)."""
    core = root(name)
    assert core != common_root and len(core) > 3
    assert alternative_root(name) == common_root
    bare = name[2:] if name.startswith("ال") else name
    forms = ["و" + name, "ب" + name] + (["لل" + bare, "وبال" + bare] if bare != name else [])
    for form in forms:
        assert root(form) == core, form
        assert alternative_root(form) == common_root, form


def test_a_query_that_is_a_news_name_is_not_expanded_to_the_root_family() -> None:
    [query] = Analyzer().analyze("الحسكة")
    text = Analyzer().analyze("بالحسكة حسك الحسك وحسكة")
    assert [t.form for t in text if t.root == query.root] == ["بالحسكة", "وحسكة"]


@pytest.mark.parametrize(("word", "common_root"), sorted(NEWS_COMMON.items()))
def test_a_name_the_news_uses_as_a_common_word_gets_its_root(word: str, common_root: str) -> None:
    assert root(word) == common_root
    assert word not in build_tables()["names"]


def test_a_name_read_as_the_common_word_is_reached_by_its_stem() -> None:
    """A name the news uses more often as a common word (كريم, generous) keeps the common root
    as its key, and its name reading is the stem level: ``--mode stem`` finds the name in all
    its clitic forms and not the other words of the family."""
    toks = Analyzer().analyze("كريم وكريم لكريم الكريمة كرماء")
    assert {t.root for t in toks} == {"كرم"}
    assert [t.form for t in toks if t.stem == toks[0].stem] == ["كريم", "وكريم", "لكريم"]


def test_news_contexts_decide_names_that_are_also_common_words(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rule of bench/gold/build_lexicon on a made-up table: a strong name context makes an
    ambiguous key a name (after ال too when its article forms are), a weak one makes a name a
    common word unless it is a country, a well-known name, a nisba, hand-listed or too rare."""
    from collections import Counter
    build: Any = script_module("bench/gold/build_lexicon")
    table = {"ابرق": [900, 0.4, 20, 0.4, 0, 0], "بحرة": [40, 0.1, 900, 0.35, 0, 0],
             "كتاب": [500, 0.02, 400, 0.03, 0, 0], "قلمي": [500, 0.02, 400, 0.03, 0, 0],
             "دفتر": [500, 0.02, 400, 0.03, 0, 0], "لوح": [500, 0.02, 400, 0.03, 0, 0],
             "حبر": [50, 0.02, 20, 0.03, 0, 0], "سطر": [500, 0.02, 400, 0.03, 0, 0],
             "رحل": [500, 0.2, 400, 0.2, 0, 0]}
    monkeypatch.setattr(build, "NEWS_TABLE", tmp_path / "news.tsv")
    build.write_news_table(table)
    names = {"كتاب": {"person"}, "قلمي": {"person"}, "دفتر": {"country"}, "لوح": {"person"},
             "حبر": {"person"}, "سطر": {"person"}}
    ambiguous = {"ابرق": "ابرق", "بحرة": "بحرة", "رحل": "رحل"}
    cands = {k: {"person"} for k in [*names, *ambiguous]} | {"سطر": {"person!"}}
    lex = {k: Counter() for k in ("كتاب", "قلم", "دفتر", "لوح", "حبر", "سطر")}
    build.news_decisions(names, ambiguous, cands, lex, Counter({"لوح": build.WELL_KNOWN}))
    assert names["ابرق"] == {"person", "news"}  # bare forms only: no article reading
    assert names["بحرة"] == {"person", "news", "al"}
    assert ambiguous == {"رحل": "رحل", "كتاب": "كتاب"}  # middling score: left as it was
    assert {"قلمي", "دفتر", "لوح", "حبر", "سطر"} <= set(names)


def test_clubs_are_names_only_after_the_article(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """bench/gold/build_lexicon on a made-up table: a key whose article forms stand right after
    نادي in ≥ 6 % of its occurrences, with most of its name contexts in its article forms, is a
    club (tags ``al`` and ``alonly``); not a word that stands only after النادي (an adjective of
    the club: النادي الصيفي), not one rarely after نادي, not one used as a name mostly bare,
    not a hand-listed name, and not a name that already has its article reading."""
    from collections import Counter
    build: Any = script_module("bench/gold/build_lexicon")
    table = {"نجم": [100, 0.1, 2000, 0.1, 150, 10], "قوس": [10, 0.1, 300, 0.1, 20, 0],
             "صيفي": [10, 0.0, 300, 0.05, 0, 40], "كوكب": [1000, 0.05, 3000, 0.1, 150, 0],
             "سهم": [1000, 0.3, 500, 0.05, 100, 0], "رمح": [10, 0.1, 300, 0.1, 40, 0],
             "برج": [10, 0.1, 300, 0.1, 40, 0], "درع": [10, 0.1, 300, 0.1, 40, 0]}
    monkeypatch.setattr(build, "NEWS_TABLE", tmp_path / "news.tsv")
    build.write_news_table(table)
    assert build.read_news_table() == table
    names = {"قوس": {"person"}, "سهم": {"person"}, "رمح": {"person"}, "برج": {"al", "place"}}
    ambiguous = {"نجم": "نجم", "صيفي": "صيف", "كوكب": "كوكب", "درع": "درع"}
    cands = {k: {"person"} for k in [*names, *ambiguous]} | {"رمح": {"person!"},
                                                              "برج": {"place"}}
    build.news_decisions(names, ambiguous, cands, {}, Counter())
    assert names["نجم"] == {"person", "news", "al", "alonly"}
    assert names["قوس"] == {"person", "news", "al", "alonly"}
    assert names["درع"] == {"person", "news", "al", "alonly"}
    assert ambiguous == {"صيفي": "صيف", "كوكب": "كوكب"}
    assert names["سهم"] == {"person"} and names["رمح"] == {"person"}
    assert names["برج"] == {"al", "place"}


#: Clubs of the news (tag ``alonly``): the name with ال and any clitics before it, the common
#: word without ال. (Not in the judged sets, see test_club_words_are_not_in_the_judged_sets.)
CLUBS = {"والهلال": "هلال", "بالهلال": "هلال", "والأهلي": "اهلي", "بالأهلي": "اهلي",
         "والزمالك": "زمالك", "والقادسية": "قادسيه"}
CLUB_COMMON = {"هلال": "هلل", "أهلي": "ءهل", "الأهلية": "ءهل", "والأهلية": "ءهل"}


def test_club_words_are_not_in_the_judged_sets() -> None:
    assert not {clean(w) for w in [*CLUBS, *CLUB_COMMON]} & judged_all()


@pytest.mark.parametrize(("word", "name"), sorted(CLUBS.items()))
def test_a_club_is_a_name_after_the_article(word: str, name: str) -> None:
    assert analyze_word_uncached(word)[1:] == (name, name)


@pytest.mark.parametrize(("word", "common_root"), sorted(CLUB_COMMON.items()))
def test_a_club_name_without_the_article_is_the_common_word(word: str,
                                                             common_root: str) -> None:
    assert root(word) == common_root


def test_a_club_keeps_its_common_root_as_its_alternative() -> None:
    assert alternative_root("والهلال") == "هلل"
    assert alternative_root("هلال") == ""  # the common word itself: no name reading


def test_name_lexicon_sizes_and_sources() -> None:
    tables = build_tables()
    names = tables["names"]
    assert len(names) > 10_000
    sources = {s for v in names.values() for s in v.split(",")}
    assert {"place", "country", "person", "nisba"} <= sources


def test_javascript_port_reads_names_like_python(tmp_path: Path) -> None:
    tables = export_tables(tmp_path / "analyzer-tables.json")
    words = sorted(set(NAMES) | {w for g in NISBAS for w in g} | set(NEWS_NAMES)
                   | set(NEWS_COMMON) | set(CLUBS) | set(CLUB_COMMON)
                   | {c + n for n in [*NAMES, *NEWS_NAMES]
                                         for c in ("و", "ب", "فب")})
    words_file = tmp_path / "words.txt"
    words_file.write_text("\n".join(words) + "\n", encoding="utf-8")
    out = tmp_path / "out.tsv"
    subprocess.run([node_path(), str(PARITY), "words", str(tables), str(words_file), str(out)],
                   check=True, timeout=300)
    got = out.read_text("utf-8").splitlines()
    assert got == ["\t".join((*analyze_word_uncached(w), alternative_root(w), query_root(w)))
                   for w in words]
