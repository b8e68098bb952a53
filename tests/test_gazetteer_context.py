"""Homographs: an entry's ``context`` decides when one of its names is linked.

Examples are taken from real text (SaudiNewsNet, 2015) and from the Daraa seeds.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.analysis import Analyzer
from archive.config import Paths, default_paths
from archive.gazetteer import Gazetteer, load_gazetteer, validate
from archive.gazetteer.loader import parse_entries

PLACES = """\
- id: saudi-arabia
  name: السعودية
  type: country
  description: Saudi Arabia.
- id: khobar
  name: الخبر
  type: city
  description: Al-Khobar; also the common noun "the news" (رابط الخبر).
  parent: saudi-arabia
  context:
    requires_before: [مدينة, محافظة, الدمام, جامعة]
- id: sabya
  name: صبيا
  type: town
  description: Sabya, Jazan; صبياً is "as a boy".
  parent: saudi-arabia
  context:
    excludes_tanwin: true
- id: lith
  name: الليث
  type: town
  description: Al-Lith; also a given name (أبو الليث).
  parent: saudi-arabia
  context:
    excludes_before: ['@given-name', أبو]
    excludes_after: ['@family-name']
"""


@pytest.fixture(scope="module")
def seeds() -> Gazetteer:
    gaz, problems = load_gazetteer(default_paths())
    assert not [p for p in problems if p.severity == "error"]
    return gaz


@pytest.fixture(scope="module")
def saudi() -> Gazetteer:
    from archive.gazetteer.loader import build

    records, problems = parse_entries(PLACES, "place", "seeds/places.yml")
    assert problems == []
    return build(records)


def linked(gaz: Gazetteer, text: str) -> list[tuple[str, str]]:
    """``(surface form, entity)`` of every linked token, through the analyzer."""
    return [(t.form, t.entity) for t in Analyzer(gaz.matcher()).analyze(text) if t.entity]


# ---- the three examples of the issue -------------------------------------------------------

@pytest.mark.parametrize("text", [
    "سيبقون درعاً حصيناً عن الوطن ومقدراته",   # alef then fathatan
    "وضعوا دماءهم سدًا ودرعًا منيعًا",          # fathatan on the ain, with a clitic
    "تسلم المحافظ درعاً بهذه المناسبة",
])
def test_accusative_tanwin_is_a_shield_not_daraa(seeds: Gazetteer, text: str) -> None:
    assert linked(seeds, text) == []


@pytest.mark.parametrize("text", ["قصفت الطائرات درعا", "في درعا، أمس", "عاد إلى درعا."])
def test_daraa_without_tanwin_is_linked(seeds: Gazetteer, text: str) -> None:
    assert linked(seeds, text) == [("درعا", "place:daraa")]


@pytest.mark.parametrize("text, form", [
    ("وصل الوزير إلى سلطنة عمان أمس", None),        # the whole name سلطنة عمان
    ("زار بسلطنة عمان", None),
    ("في السعودية وعمان والبحرين", "وعمان"),          # between Gulf states
    ("اجتمع وزراء عمان والكويت", "عمان"),
    ("ولعبت السلطنة بقيادة السلطان قابوس سلطان عمان دورا", "عمان"),  # SaudiNewsNet
    ("بفوز حققه على منتخب عمان الشقيق", "عمان"),                    # SaudiNewsNet
])
def test_oman_only_with_its_confirming_context(seeds: Gazetteer, text: str,
                                               form: str | None) -> None:
    found = linked(seeds, text)
    assert {e for _f, e in found} == {"place:oman"}
    if form:
        assert found == [(form, "place:oman")]


@pytest.mark.parametrize("text", [
    "عاد الوفد إلى عمان أمس",
    "سلطنة، عمان",                 # punctuation cuts the context
    "السعودية: عمان",
    "وصل عمان\nوالكويت",            # a line break too
])
def test_bare_oman_spelling_is_amman(seeds: Gazetteer, text: str) -> None:
    assert {e for _f, e in linked(seeds, text)} == {"place:amman"}


@pytest.mark.parametrize("text", [
    "وقال جاسم السعدون رئيس مؤسسة الشال",     # family name after
    "ويملك محمد جاسم السلطان صقرا",           # given name before
    "حضرها سمو الشيخ جاسم بن حمد آل ثاني",      # title before, kinship after
    "المهندس جاسم محمد",                       # given name after
    "من جانبه قال سعيد جاسم أحمد",
    'عنوانه "أولاد بو جاسم" اجتمع فيه',              # SaudiNewsNet: kinship word before
    "وأضاف جاسم: «تتلخص مطالبنا»",                 # a verb of speech before
])
def test_jasim_as_a_person_is_not_the_town(seeds: Gazetteer, text: str) -> None:
    assert "place:jasim" not in {e for _f, e in linked(seeds, text)}


@pytest.mark.parametrize("text", [
    "غربي مدينة جاسم شمال درعا",
    "اشتباكات في جاسم الواقعة شمال درعا",    # ال-word ending in ة is no family name
    "بلدة جاسم الشمالي",                     # a direction is no family name
    "جاسم، الشيخ",                           # the context stops at the comma
])
def test_jasim_the_town_is_still_linked(seeds: Gazetteer, text: str) -> None:
    assert "place:jasim" in {e for _f, e in linked(seeds, text)}


# ---- other examples of each kind, from SaudiNewsNet ----------------------------------------

def test_requires_before_khobar_city_not_the_news(saudi: Gazetteer) -> None:
    assert linked(saudi, "رابط الخبر") == []                 # 1,229 link lines in 15,000 articles
    assert linked(saudi, "وجاء في الخبر أن ما حدث") == []
    assert linked(saudi, "الذي نظمته المملكة في مدينة الخبر") == [("الخبر", "place:khobar")]
    assert linked(saudi, "ضبط بمحافظة الخبر") == [("الخبر", "place:khobar")]
    assert linked(saudi, "بين الدمام والخبر") == [("والخبر", "place:khobar")]


def test_excludes_tanwin_sabya_not_as_a_boy(saudi: Gazetteer) -> None:
    assert linked(saudi, "لقد قرأتها عندما كنت صبياً") == []
    assert linked(saudi, "أمطار على صبيا وأبو عريش") == [("صبيا", "place:sabya")]


def test_excludes_person_context_lith(saudi: Gazetteer) -> None:
    assert linked(saudi, "وكنيته «أبو الليث السوداني»") == []
    assert linked(saudi, "نقل إلى مستشفى الليث، كما") == [("الليث", "place:lith")]
    assert linked(saudi, "في محافظتي الليث والقنفذة") == [("الليث", "place:lith")]


def test_without_surface_forms_tanwin_cannot_exclude(saudi: Gazetteer) -> None:
    """The matcher needs the written forms for the tanwin rule: normalizing removes it."""
    matcher = saudi.matcher()
    assert [m.entity for m in matcher.match(["كنت", "صبيا"])] == ["place:sabya"]
    assert matcher.match(["كنت", "صبيا"], forms=["كنت", "صبياً"]) == []
    assert [m.entity for m, _s, _e in matcher.match_text("كنت صبياً")] == []


# ---- shared names ---------------------------------------------------------------------------

TWO_REQUIRING = """\
- id: amman
  name: عمان
  type: city
  description: Amman.
  context:
    requires_before: [العاصمة الأردنية]
- id: oman
  name: سلطنة عمان
  aliases: [عمان]
  type: country
  description: Oman.
  context:
    names: [عمان]
    requires_before: [سلطنة]
"""


def test_a_name_both_entries_require_context_for_is_unlinked_without_it() -> None:
    from archive.gazetteer.loader import build

    records, problems = parse_entries(TWO_REQUIRING, "place", "seeds/places.yml")
    assert problems == []
    gaz = build(records)
    assert validate(gaz) == []
    assert linked(gaz, "عاد الوفد إلى عمان") == []
    assert linked(gaz, "في العاصمة الأردنية عمان") == [("عمان", "place:amman")]
    assert [e for _f, e in linked(gaz, "بسلطنة عمان")] == ["place:oman", "place:oman"]


def test_export_table_carries_the_rules(seeds: Gazetteer) -> None:
    table = seeds.export_table()
    readings = table["readings"]
    assert isinstance(readings, dict)
    assert readings["عمان"] == [
        ["place:amman", None],
        ["place:oman", {
            "requires_after": ["والسعوديه", "والكويت", "وقطر", "والبحرين", "والامارات",
                               "واليمن", "مسقط"],
            "requires_before": ["سلطنه", "سلطان", "منتخب", "السعوديه", "الكويت", "قطر",
                                "البحرين", "الامارات", "اليمن", "مسقط"]}],
    ]
    assert readings["درعا"] == [["place:daraa", {"excludes_tanwin": True}]]
    assert "درعا البلد" not in readings  # the rule guards only the names it lists (default: all)


# ---- validation -----------------------------------------------------------------------------

def _problems(places: str, tmp_path: Path) -> list[str]:
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "places.yml").write_text(places, encoding="utf-8")
    gaz, problems = load_gazetteer(Paths(tmp_path))
    return [f"{p.path}:{p.line}: {p.message}" for p in problems + validate(gaz)]


@pytest.mark.parametrize("context, line, words", [
    ("  context: [سلطنة]\n", 5, "context must be a mapping"),
    ("  context:\n    before: [سلطنة]\n", 6, "unknown context key 'before'"),
    ("  context:\n    requires_before: {a: 1}\n", 6, "must be a list of words"),
    ("  context:\n    excludes_tanwin: yes please\n", 6, "excludes_tanwin must be true"),
    ("  context:\n    excludes_after: ['@surname']\n", 6, "'@surname' is not a word class"),
    ("  context:\n    names: [عمان]\n", 5, "context has no rule"),
    ("  context:\n    names: [عمان]\n    excludes_tanwin: true\n", 6,
     "context names 'عمان', which is not a name of this entry"),
])
def test_bad_context_is_reported_with_file_and_line(tmp_path: Path, context: str, line: int,
                                                    words: str) -> None:
    places = ("- id: daraa\n  name: درعا\n  type: city\n  description: City.\n" + context)
    found = _problems(places, tmp_path)
    assert any(f.startswith(f"seeds/places.yml:{line}: ") and words in f for f in found), found


def test_a_shared_name_needs_a_requiring_context(tmp_path: Path) -> None:
    places = ("- id: amman\n  name: عمان\n  type: city\n  description: Amman.\n"
              "- id: oman\n  name: عُمان\n  type: country\n  description: Oman.\n"
              "  context:\n    excludes_before: [مدينة]\n")
    found = _problems(places, tmp_path / "a")
    assert len(found) == 1 and "seeds/places.yml:6: place:oman: name 'عُمان' is also claimed " \
        "by place:amman" in found[0], found
    fixed = places.replace("excludes_before", "requires_before")
    assert _problems(fixed, tmp_path / "b") == []
