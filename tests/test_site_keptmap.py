"""The map's basemap kept in build/ between builds (archive.site.keptmap): the page drawn from
the kept file is the same, byte for byte, as the page drawn from the basemap data; a file of
another extent, of other code, or damaged is drawn again and replaced."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive.site import keptmap, mapsvg
from archive.site.mapsvg import Projection, choose_extent, map_svg
from archive.site.model import EntityView


def place(pid: str, name: str, lat: float, lon: float) -> EntityView:
    return EntityView(key=f"place:{pid}", id=pid, kind="place", name=name, type="city",
                      lat=lat, lon=lon)


SAUDI = [
    place("riyadh", "الرياض", 24.68773, 46.72185),
    place("jeddah", "جدة", 21.49012, 39.18624),
    place("dammam", "الدمام", 26.43442, 50.10326),
    place("tabuk", "تبوك", 28.3998, 36.57151),
]
COUNTS = {"place:riyadh": 9, "place:jeddah": 5, "place:dammam": 2, "place:tabuk": 1}


def _svg(extent: mapsvg.Extent, drawn: mapsvg.Basemap | None) -> str:
    return str(map_svg(SAUDI, COUNTS, lambda k: k, extent, drawn=drawn))


def _no_drawing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(proj: Projection) -> mapsvg.Basemap:
        raise AssertionError("the basemap was drawn again")

    monkeypatch.setattr(mapsvg, "basemap", refuse)


def test_the_kept_basemap_draws_the_same_page(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    extent, on, _ = choose_extent(SAUDI, COUNTS)
    assert extent is not None and on
    kept = tmp_path / keptmap.KEPT_NAME
    plain = _svg(extent, None)
    first = keptmap.basemap(Projection(extent), kept)  # drawn, and kept
    assert kept.is_file()
    assert _svg(extent, first) == plain
    _no_drawing(monkeypatch)
    second = keptmap.basemap(Projection(extent), kept)  # read back
    assert second == first
    assert _svg(extent, second) == plain
    assert "ar-map__land" in plain and "ar-map__country" in plain  # something was drawn


def test_another_extent_or_code_or_a_damaged_file_is_drawn_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extent, _, _ = choose_extent(SAUDI, COUNTS)
    assert extent is not None
    kept = tmp_path / keptmap.KEPT_NAME
    keptmap.basemap(Projection(extent), kept)
    key = json.loads(kept.read_text(encoding="utf-8"))["key"]
    other = mapsvg.Extent(extent.west + 1.0, extent.south, extent.east + 1.0, extent.north)
    assert keptmap.basemap_key(Projection(other)) != key
    calls: list[Projection] = []
    real = mapsvg.basemap

    def counting(proj: Projection) -> mapsvg.Basemap:
        calls.append(proj)
        return real(proj)

    monkeypatch.setattr(mapsvg, "basemap", counting)
    assert keptmap.basemap(Projection(other), kept) == real(Projection(other))
    assert len(calls) == 1 and json.loads(kept.read_text(encoding="utf-8"))["key"] != key
    # other code: the fingerprint of mapsvg and its data is part of the key
    monkeypatch.setattr(keptmap, "_code", lambda: "other code")
    keptmap.basemap(Projection(other), kept)
    assert len(calls) == 2
    for damage in ("{not json", json.dumps({"key": keptmap.basemap_key(Projection(other)),
                                            "paths": {"land": "M0 0"}})):
        kept.write_text(damage, encoding="utf-8")
        assert keptmap.basemap(Projection(other), kept) == real(Projection(other))
    assert len(calls) == 4


def test_no_file_or_one_that_cannot_be_written(tmp_path: Path) -> None:
    extent, _, _ = choose_extent(SAUDI, COUNTS)
    assert extent is not None
    plain = mapsvg.basemap(Projection(extent))
    assert keptmap.basemap(Projection(extent), None) == plain
    # a file that cannot be written (its folder is a file): drawn, no error
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    assert keptmap.basemap(Projection(extent), tmp_path / "a-file" / "m.json") == plain
    assert (tmp_path / "a-file").read_text(encoding="utf-8") == ""
