"""The curated gazetteer and its name matcher on the seed articles and on hand-made cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive.analysis import Analyzer
from archive.config import Paths
from archive.corpus.loader import load_corpus
from archive.gazetteer import Gazetteer, NameMatcher, load_gazetteer, validate

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    gazetteer, problems = load_gazetteer(Paths(REPO))
    assert problems == []
    return gazetteer


def found(gaz: Gazetteer, text: str) -> list[tuple[str, str]]:
    """(entity key, matched surface text) of every name in ``text``, in order."""
    return [(m.entity, text[s:e]) for m, s, e in gaz.matcher().match_text(text)]


def keys(gaz: Gazetteer, text: str) -> list[str]:
    return [k for k, _ in found(gaz, text)]


# --- the curated files ------------------------------------------------------------------------


def test_seed_gazetteer_is_valid_and_sizeable(gaz: Gazetteer) -> None:
    corpus = load_corpus(Paths(REPO))
    assert validate(gaz, corpus.articles, root=REPO) == []
    assert len(gaz.of_kind("place")) >= 45
    assert len(gaz.of_kind("actor")) >= 40
    assert list(gaz.entities) == sorted(gaz.entities)


def test_entities_keep_file_and_line(gaz: Gazetteer) -> None:
    e = gaz.entities["place:daraa-al-balad"]
    lines = (REPO / e.path).read_text(encoding="utf-8").splitlines()
    assert e.path == "seeds/places.yml"
    assert lines[e.line - 1] == "- id: daraa-al-balad"
    a = gaz.entities["actor:fifth-corps"]
    assert (REPO / a.path).read_text(encoding="utf-8").splitlines()[a.line - 1] == (
        "- id: fifth-corps")


def test_hierarchy(gaz: Gazetteer) -> None:
    chain = [e.id for e in gaz.ancestors("place:daraa-al-balad")]
    assert chain[:3] == ["daraa", "daraa-governorate", "southern-syria"]
    assert chain[-1] == "syria"
    assert "place:daraa-al-balad" in [c.key for c in gaz.children("place:daraa")]
    assert gaz.country_of("place:amman").id == "jordan"  # type: ignore[union-attr]
    assert gaz.entities["actor:eighth-brigade"].affiliation == ("actor:fifth-corps",)


# --- every seed article: the places and actors it names (decided by reading them) -------------

EXPECTED: dict[str, dict[str, set[str]]] = {
    "000_02dc7bcb46da7aac": {
        "place": {"daraa", "daraa-al-balad", "al-bahhar", "tafas", "masakin-jillin",
                  "ghassan-abazid-mosque", "deir-ez-zor", "deir-ez-zor-countryside",
                  "jdeidat-ekeidat", "conoco-field", "al-omar-field", "syria"},
        "actor": {"daraa-central-committee", "western-region-central-committee",
                  "adnan-al-masalmeh", "syrian-government", "syrian-army", "fourth-division",
                  "youssef-al-musleh", "al-araby-al-jadeed", "sdf", "popular-resistance"},
    },
    "001_9de41e7d550015bc": {
        "place": {"daraa", "daraa-governorate", "daraa-al-balad", "daraa-al-mahatta",
                  "omari-mosque", "russia"},
        "actor": {"syrian-government", "syrian-army", "security-committee", "daraa-24",
                  "ahrar-horan", "fourth-division", "syrian-national-coalition",
                  "salem-al-muslat", "daraa-negotiating-committee", "adnan-al-masalmeh",
                  "anadolu", "bashar-al-assad", "daraa-central-committee", "trt-arabi",
                  "twitter"},
    },
    "002_ff0aa36a5bea707b": {
        "place": {"panorama-stadium", "al-qusur", "daraa", "daraa-al-balad",
                  "daraa-governorate", "russia", "al-manshiya", "zayzoun-camp", "saiqa-camp",
                  "conserve-checkpoint", "daraa-western-countryside", "al-jiza",
                  "daraa-eastern-countryside", "tal-al-jabiya", "jasim", "southern-syria"},
        "actor": {"fifth-corps", "daraa-central-committee", "syrian-army", "al-araby-al-jadeed",
                  "abu-al-baraa-al-hourani", "ahrar-horan", "fourth-division",
                  "military-security", "kurdish-national-council", "un-security-council"},
    },
    "003_f1c0825b0b077d89": {
        "place": {"daraa-al-balad", "southern-syria", "syrian-desert", "kaziyah-roundabout",
                  "al-manshiya", "daraa-camp", "bosra-square", "daraa", "bosra-al-sham",
                  "daraa-al-mahatta", "jabal-al-bishri", "raqqa", "deir-ez-zor", "syria",
                  "tadmur", "homs", "kharata-station"},
        "actor": {"syrian-army", "isis", "mohammed-al-hourani", "al-araby-al-jadeed",
                  "daraa-central-committee", "security-committee", "eighth-brigade",
                  "fifth-corps", "syrian-government", "russian-air-force"},
    },
    "004_f209341661600871": {
        "place": {"daraa", "southern-syria", "bosra-al-sham", "jordan", "syria",
                  "daraa-countryside", "al-tira", "tal-al-samn", "tafas", "daraa-al-balad",
                  "al-taybeh-west", "al-muzayrib", "inkhil", "russia", "moscow",
                  "southern-de-escalation-zone"},
        "actor": {"syrian-armed-opposition", "getty-images", "reuters", "abu-al-shaimaa",
                  "southern-operations-room", "fsa", "syrian-government", "sana",
                  "syrian-army", "sohr", "liwa-ahrar-inkhil", "ahrar-al-sham", "jaysh-al-islam",
                  "liwa-ahfad-omar", "liwa-shuhada-inkhil", "liwa-nusur-al-islam",
                  "liwa-al-khalifa-omar", "liwa-murabitin", "alwiya-mujahidi-horan",
                  "liwa-ghuraba-horan", "sergey-lavrov", "ayman-al-safadi", "isis",
                  "nusra-front"},
    },
}


@pytest.mark.parametrize("article_id", sorted(EXPECTED))
def test_each_seed_names_the_expected_entities(gaz: Gazetteer, article_id: str) -> None:
    text = (REPO / "seeds" / f"{article_id}.txt").read_text(encoding="utf-8")
    named = set(keys(gaz, text))
    for kind in ("place", "actor"):
        got = {k.split(":", 1)[1] for k in named if k.startswith(kind + ":")}
        assert got == EXPECTED[article_id][kind], kind


def test_every_entity_is_defined_and_seed_names_are_all_used(gaz: Gazetteer) -> None:
    expected = {f"{kind}:{i}" for by_kind in EXPECTED.values() for kind, ids in by_kind.items()
                for i in ids}
    assert expected <= set(gaz.entities)


# --- matching rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "surface"), [
    ("قصف عنيف بدرعا", "بدرعا"),
    ("رسالة لدرعا وأهلها", "لدرعا"),
    ("في طفس ودرعا", "ودرعا"),
    ("فدرعا صامدة", "فدرعا"),
    ("وبدرعا اشتباكات", "وبدرعا"),
    ("كدرعا تماما", "كدرعا"),
])
def test_clitics_on_a_name(gaz: Gazetteer, text: str, surface: str) -> None:
    assert ("place:daraa", surface) in found(gaz, text)


def test_detached_clitic_before_a_quoted_name(gaz: Gazetteer) -> None:
    text = 'هجوم على دورية لـ"قسد" في دير الزور'
    assert found(gaz, text) == [("actor:sdf", "قسد"), ("place:deir-ez-zor", "دير الزور")]


@pytest.mark.parametrize("surface", ["بالجيزة", "والجيزة", "للجيزة", "وللجيزة", "الجيزة"])
def test_clitics_before_a_name_with_the_article(gaz: Gazetteer, surface: str) -> None:
    assert found(gaz, f"اشتباكات {surface} اليوم") == [("place:al-jiza", surface)]


def test_lam_merge_with_a_name_starting_with_lam(gaz: Gazetteer) -> None:
    # ل + اللجنة الأمنية is written للجنة الأمنية
    assert found(gaz, "رسالة للجنة الأمنية") == [("actor:security-committee", "للجنة الأمنية")]


def test_clitic_only_on_the_first_word(gaz: Gazetteer) -> None:
    assert keys(gaz, "في بصرى والشام") == ["place:bosra-al-sham"]  # only بصرى
    assert found(gaz, "في بصرى والشام")[0][1] == "بصرى"


@pytest.mark.parametrize(("text", "expected"), [
    ("في درعا البلد", [("place:daraa-al-balad", "درعا البلد")]),
    ("اجتماع بمدينة بصرى الشام", [("place:bosra-al-sham", "بصرى الشام")]),
    ('قيادات من "الفيلق الخامس" المدعوم', [("actor:fifth-corps", "الفيلق الخامس")]),
    ("فوق ساحة بصرى الشام", [("place:bosra-square", "ساحة بصرى الشام")]),
    ("بريف درعا الغربي", [("place:daraa-western-countryside", "بريف درعا الغربي")]),
    ("عناصر قوات سورية الديمقراطية", [("actor:sdf", "قوات سورية الديمقراطية")]),
    ("الجيش السوري الحر", [("actor:fsa", "الجيش السوري الحر")]),
    ("تغطية درعا 24", [("actor:daraa-24", "درعا 24")]),
    ("اللجنة المركزية للمنطقة الغربية بدرعا",
     [("actor:western-region-central-committee", "اللجنة المركزية للمنطقة الغربية"),
      ("place:daraa", "بدرعا")]),
])
def test_multi_word_and_longest_match(gaz: Gazetteer, text: str,
                                      expected: list[tuple[str, str]]) -> None:
    assert found(gaz, text) == expected


def test_longest_match_is_not_just_left_to_right() -> None:
    m = NameMatcher([("ا ب", "x:short"), ("ب ج د", "x:long")])
    assert [(x.entity, x.first, x.last) for x in m.match(["ا", "ب", "ج", "د"])] == [
        ("x:long", 1, 3)]
    m2 = NameMatcher([("ا ب", "x:a"), ("ب ج", "x:b")])  # equal length: the earlier one wins
    assert [(x.entity, x.first) for x in m2.match(["ا", "ب", "ج"])] == [("x:a", 0)]


def test_candidates_are_every_name_at_every_token_in_order() -> None:
    """Names sharing a first token (علي is also the preposition على normalized: in a news
    archive's gazetteer it starts hundreds of names), one-token names among them, clitics:
    the candidates are each (token, name, clitic form) that matches, in the order of a plain
    search over every name at every token."""
    import random

    from archive.gazetteer.matcher import clitic_forms

    rng = random.Random(7)
    words = ["علي", "صالح", "حسن", "محمد", "عبد", "الله", "درعا"]
    names = {" ".join(rng.choice(words) for _ in range(rng.randint(1, 3))) for _ in range(60)}
    m = NameMatcher([(name, f"p:{k}") for k, name in enumerate(sorted(names))])
    for trial in range(200):
        norm = [rng.choice([*words, "و" + rng.choice(words), "ب" + rng.choice(words), "قال"])
                for _ in range(rng.randint(0, 12))]
        plain = [(i, i + len(toks) - 1, clitic, key)
                 for i in range(len(norm)) for toks, key in m.names.items()
                 for form, clitic in clitic_forms(toks[0])
                 if norm[i] == form and norm[i + 1:i + len(toks)] == list(toks[1:])]
        assert [c[:4] for c in m.candidates(norm)] == plain, (trial, norm)


@pytest.mark.parametrize("text", [
    "الدرعاوي قال",  # a word containing درعا
    "درعاوية",
    "طفسي",
    "الموقف الأردني والروسي",  # adjectives of الأردن / روسيا
    "عمانوئيل",
    "مصلحة المصلحين",
    "بصراحة",
    "الجيزات",
])
def test_whole_words_only(gaz: Gazetteer, text: str) -> None:
    assert found(gaz, text) == []


def test_proper_names_are_not_found_in_a_longer_name(gaz: Gazetteer) -> None:
    # "حوران" is a place, but inside an actor's name it belongs to the actor
    assert keys(gaz, "وقال تجمع أحرار حوران") == ["actor:ahrar-horan"]
    assert keys(gaz, "في سهل حوران") == ["place:hauran"]


@pytest.mark.parametrize("variant", ["إنخل", "انخل", "إِنْخِل", "إنـــخل", "بإنخل", "لانخل"])
def test_normalization_variants(gaz: Gazetteer, variant: str) -> None:
    assert keys(gaz, f"النفير العام في {variant} اليوم") == ["place:inkhil"]


@pytest.mark.parametrize("variant", ["الائتلاف الوطني", "الإئتلاف الوطني", "الائتلافُ الوطنيّ"])
def test_hamza_and_diacritic_variants_of_a_multiword_name(gaz: Gazetteer, variant: str) -> None:
    assert keys(gaz, variant) == ["actor:syrian-national-coalition"]


@pytest.mark.parametrize("latin", ["Daraa", "Dar'a", "Deraa", "DARAA"])
def test_latin_spellings(gaz: Gazetteer, latin: str) -> None:
    assert keys(gaz, f"fighting in {latin} today") == ["place:daraa"]


# --- the analyzer keeps names whole -----------------------------------------------------------


def test_analyzer_tags_names_and_keeps_them_whole(gaz: Gazetteer) -> None:
    text = "قصفت قوات النظام درعا البلد ولـ\"قسد\" مواقع بدرعا"
    tokens = Analyzer(matcher=gaz.matcher()).analyze(text)
    tagged = [(t.form, t.entity, t.stem, t.root) for t in tokens if t.entity]
    assert tagged == [
        ("قوات", "actor:syrian-army", "قوات", "قوات"),
        ("النظام", "actor:syrian-army", "النظام", "النظام"),
        ("درعا", "place:daraa-al-balad", "درعا", "درعا"),
        ("البلد", "place:daraa-al-balad", "البلد", "البلد"),
        ("قسد", "actor:sdf", "قسد", "قسد"),
        ("بدرعا", "place:daraa", "درعا", "درعا"),
    ]
    for t in tokens:
        assert text[t.start:t.end] == t.form
    plain = Analyzer().analyze("درعا")[0]
    assert plain.entity is None


def test_match_offsets_point_into_the_text(gaz: Gazetteer) -> None:
    text = (REPO / "seeds" / "001_9de41e7d550015bc.txt").read_text(encoding="utf-8")
    for m, start, end in gaz.matcher().match_text(text):
        assert text[start:end].strip() == text[start:end]
        assert m.entity in gaz.entities


# --- the table for the browser ----------------------------------------------------------------


def test_export_table_is_deterministic_json(gaz: Gazetteer) -> None:
    table = gaz.export_table()
    again = load_gazetteer(Paths(REPO))[0].export_table()
    assert json.dumps(table, ensure_ascii=False) == json.dumps(again, ensure_ascii=False)
    names = table["names"]
    assert isinstance(names, dict)
    assert names["درعا البلد"] == "place:daraa-al-balad"
    assert names["انخل"] == "place:inkhil"
    assert names["قسد"] == "actor:sdf"
    assert list(names) == sorted(names)
    assert "وب" in table["proclitics"]  # type: ignore[operator]


def test_resolve_front_matter_values(gaz: Gazetteer) -> None:
    assert gaz.resolve("daraa-al-balad", "place").key == "place:daraa-al-balad"  # type: ignore[union-attr]
    assert gaz.resolve("place:tafas", "place").key == "place:tafas"  # type: ignore[union-attr]
    assert gaz.resolve("درعا البلد", "place").key == "place:daraa-al-balad"  # type: ignore[union-attr]
    assert gaz.resolve("قسد", "actor").key == "actor:sdf"  # type: ignore[union-attr]
    assert gaz.resolve("قسد", "place") is None
    assert gaz.resolve("atlantis", "place") is None


@pytest.mark.parametrize("text", ["قصف على درعا. البلد كلها", "قصف على درعا، البلد كلها",
                                  "قصف على درعا\nالبلد كلها"])
def test_names_do_not_run_across_clause_punctuation(gaz: Gazetteer, text: str) -> None:
    assert found(gaz, text) == [("place:daraa", "درعا")]


def test_quotes_and_brackets_do_not_break_a_name(gaz: Gazetteer) -> None:
    assert found(gaz, "حاجز طريق (تل الجابية) غربي") == [("place:tal-al-jabiya", "تل الجابية")]
    assert found(gaz, 'خلايا تنظيم "داعش"') == [("actor:isis", 'تنظيم "داعش')]


@pytest.mark.parametrize(("text", "expected"), [
    # the preposition على normalizes like the given name علي: it is no part of the name
    ("وصل الأمير فهد على متن طائرة", []),
    ("وصل الأمير فهد علي إلى جدة", ["actor:fahd-ali"]),
    ("أثنى فهد وعلى الحضور", []),  # with a proclitic, still the preposition
    ("حضر حامد مصطفى", ["actor:hamid-mustafa"]),  # a name written with ى keeps matching
])
def test_function_word_with_alef_maksura_is_not_a_name(text: str, expected: list[str]) -> None:
    m = NameMatcher([("فهد علي", "actor:fahd-ali"), ("حامد مصطفى", "actor:hamid-mustafa")])
    assert [x.entity for x, _s, _e in m.match_text(text)] == expected
