"""Each gazetteer error is reported with the file and the line to fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.cli import main
from archive.config import Paths
from archive.corpus.loader import load_corpus
from archive.errors import Problem
from archive.gazetteer import load_gazetteer, parse_entries, validate
from archive.gazetteer.loader import build

PLACES_OK = """\
- id: syria
  name: سوريا
  type: country
  description: Syria.
- id: daraa
  name: درعا
  aliases: [Daraa]
  type: city
  description: City.
  parent: syria
  lat: 32.61889
  lon: 36.10213
  geonames_id: 170905
"""
ACTORS_OK = """\
- id: sdf
  name: قسد
  type: armed group
  description: Syrian Democratic Forces.
"""


def make_root(tmp_path: Path, places: str = PLACES_OK, actors: str = ACTORS_OK,
              articles: dict[str, str] | None = None) -> Paths:
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "places.yml").write_text(places, encoding="utf-8")
    (seeds / "actors.yml").write_text(actors, encoding="utf-8")
    for name, text in (articles or {"a.txt": "قصف على درعا.\n"}).items():
        (seeds / name).write_text(text, encoding="utf-8")
    return Paths(tmp_path)


def problems(paths: Paths) -> list[Problem]:
    gaz, found = load_gazetteer(paths)
    return found + validate(gaz, load_corpus(paths).articles, root=paths.root)


def only(paths: Paths) -> Problem:
    found = [p for p in problems(paths) if p.severity == "error"]
    assert len(found) == 1, found
    return found[0]


def test_clean_gazetteer(tmp_path: Path) -> None:
    assert problems(make_root(tmp_path)) == []


def test_duplicate_id(tmp_path: Path) -> None:
    places = PLACES_OK + "- id: daraa\n  name: درعا البلد\n  type: city\n  description: x\n"
    p = only(make_root(tmp_path, places=places))
    assert (p.path, p.line) == ("seeds/places.yml", 14)
    assert "duplicate id 'daraa'" in p.message and "seeds/places.yml:5" in p.message


def test_alias_claimed_by_two_entries_after_normalization(tmp_path: Path) -> None:
    actors = ACTORS_OK + ("- id: other\n  name: مجموعة\n  aliases:\n    - x\n    - قَسَد\n"
                          "  type: armed group\n  description: x\n")
    p = only(make_root(tmp_path, actors=actors))
    assert (p.path, p.line) == ("seeds/actors.yml", 9)
    assert "also claimed by actor:sdf" in p.message


def test_name_shared_by_a_place_and_an_actor(tmp_path: Path) -> None:
    actors = ACTORS_OK + "- id: daraa-people\n  name: درعا\n  type: political body\n" \
        "  description: x\n"
    p = only(make_root(tmp_path, actors=actors))
    assert (p.path, p.line) == ("seeds/actors.yml", 6)
    assert "place:daraa" in p.message


def test_missing_parent(tmp_path: Path) -> None:
    places = PLACES_OK.replace("parent: syria", "parent: syrie")
    p = only(make_root(tmp_path, places=places))
    assert (p.path, p.line) == ("seeds/places.yml", 10)
    assert "parent 'place:syrie' is not in the gazetteer" in p.message


def test_cyclic_parent(tmp_path: Path) -> None:
    places = PLACES_OK.replace("  type: country\n", "  type: country\n  parent: daraa\n", 1)
    found = [p for p in problems(make_root(tmp_path, places=places)) if "cyclic" in p.message]
    assert [(p.path, p.line) for p in found] == [("seeds/places.yml", 4),
                                                 ("seeds/places.yml", 11)]
    assert "place:syria → place:daraa → place:syria" in found[0].message


@pytest.mark.parametrize(("field", "value", "line", "words"), [
    ("lat", "132.6", 11, "latitude 132.6 out of range"),
    ("lon", "-236.1", 12, "longitude -236.1 out of range"),
    ("lat", "north", 11, "lat must be a number"),
])
def test_bad_coordinates(tmp_path: Path, field: str, value: str, line: int, words: str) -> None:
    original = {"lat": "32.61889", "lon": "36.10213"}[field]
    places = PLACES_OK.replace(f"{field}: {original}", f"{field}: {value}")
    found = [p for p in problems(make_root(tmp_path, places=places)) if words in p.message]
    assert [(p.path, p.line) for p in found] == [("seeds/places.yml", line)]


def test_missing_required_field_and_unknown_type(tmp_path: Path) -> None:
    places = PLACES_OK.replace("  description: City.\n", "").replace("type: city",
                                                                      "type: metropolis")
    found = sorted((p.line, p.message) for p in problems(make_root(tmp_path, places=places)))
    assert found == [
        (5, "place:daraa: missing required field 'description'"),
        (8, "place:daraa: unknown place type 'metropolis'"),
    ]


def test_missing_id_and_bad_id(tmp_path: Path) -> None:
    actors = ACTORS_OK + "- name: بلا معرف\n  type: person\n  description: x\n" \
        "- id: Bad_ID\n  name: اسم\n  type: person\n  description: x\n"
    found = [(p.line, p.message) for p in problems(make_root(tmp_path, actors=actors))]
    assert (5, "actor entry has no id") in found
    assert (8, "id 'Bad_ID' is not a lowercase ASCII slug") in found


def test_unknown_affiliation(tmp_path: Path) -> None:
    actors = ACTORS_OK + "  affiliation: [nobody, place:syria]\n"
    p = only(make_root(tmp_path, actors=actors))
    assert (p.path, p.line) == ("seeds/actors.yml", 5)
    assert "affiliation 'actor:nobody'" in p.message


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    places = PLACES_OK + "- id: bad\n  name: [unclosed\n  type: city\n"
    p = only(make_root(tmp_path, places=places))
    assert p.path == "seeds/places.yml"
    assert p.line is not None and 15 <= p.line <= 17
    assert "YAML" in p.message


def test_unknown_field_and_repeated_field(tmp_path: Path) -> None:
    actors = ACTORS_OK + "  colour: red\n  name: قسد\n"
    found = sorted((p.line, p.message) for p in problems(make_root(tmp_path, actors=actors)))
    assert found == [(5, "unknown field 'colour' in this actor entry"),
                     (6, "field 'name' given twice in one entry")]


def test_front_matter_naming_an_unknown_entity(tmp_path: Path) -> None:
    article = ("---\ntitle: عنوان\nplaces: [daraa, درعا, atlantis]\nactors:\n  - sdf\n"
               "  - ghost-brigade\n---\nقصف على درعا.\n")
    paths = make_root(tmp_path, articles={"a.txt": article})
    found = sorted((p.path, p.line, p.message) for p in problems(paths))
    assert found == [
        ("seeds/a.txt", 3, "front matter places: unknown place 'atlantis'"),
        ("seeds/a.txt", 6, "front matter actors: unknown actor 'ghost-brigade'"),
    ]


def test_archive_check_reports_gazetteer_errors(tmp_path: Path) -> None:
    places = PLACES_OK.replace("parent: syria", "parent: syrie")
    paths = make_root(tmp_path, places=places)
    result = CliRunner().invoke(main, ["--root", str(paths.root), "check"])
    assert result.exit_code == 1
    assert "seeds/places.yml:10: place:daraa: parent 'place:syrie' is not in the gazetteer" in (
        result.output)


def test_non_text_field_is_reported(tmp_path: Path) -> None:
    places = PLACES_OK.replace("type: city", "type: [city, town]")
    found = [(p.line, p.message) for p in problems(make_root(tmp_path, places=places))]
    assert (8, "field 'type' must be a single text value") in found


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("- :\n[]{}'\"#&*!|>%@`\tidnametypeسوريا0.9")),
               max_size=80))
def test_any_text_gives_records_or_problems_never_a_crash(text: str) -> None:
    records, found = parse_entries(text, "place", "seeds/places.yml")
    gaz = build(records)
    for p in found + validate(gaz):
        assert p.path == "seeds/places.yml"
        assert p.line is None or p.line >= 1
