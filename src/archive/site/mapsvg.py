"""An SVG map of the places with coordinates, drawn at build time (no tiles, no scripts).

Positions come from an equirectangular projection scaled by the cosine of the mean latitude;
each place is a circle whose area grows with the number of articles that name it, labelled with
its Arabic name and linked to its page.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from markupsafe import Markup

from archive.site.model import EntityView

WIDTH = 800
MAX_HEIGHT = 900
MARGIN = 60


FONT = 24


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _same(box: tuple[float, float, float, float], x: float, y: float, r: float) -> bool:
    return box == (x - r, y - r, x + r, y + r)


def _fmt(x: float) -> str:
    return f"{x:.1f}"


def map_svg(
    places: Sequence[EntityView],
    counts: dict[str, int],
    link: Callable[[str], str],
    title: str = "خريطة الأماكن المذكورة في الأرشيف",
) -> Markup:
    """Return the SVG markup. ``counts`` maps place key → number of articles."""
    located = sorted(
        (p for p in places if p.has_coordinates), key=lambda p: (-counts.get(p.key, 0), p.key)
    )
    if not located:
        return Markup('<p class="ar-empty">لا توجد أماكن ذات إحداثيات بعد.</p>')
    lats = [p.lat for p in located if p.lat is not None]
    lons = [p.lon for p in located if p.lon is not None]
    mid = math.radians((min(lats) + max(lats)) / 2)
    xs = [lon * math.cos(mid) for lon in lons]
    x0, x1 = min(xs), max(xs)
    y0, y1 = min(lats), max(lats)
    xspan, yspan = max(x1 - x0, 0.05), max(y1 - y0, 0.05)
    scale = min((WIDTH - 2 * MARGIN) / xspan, (MAX_HEIGHT - 2 * MARGIN) / yspan)
    height = round(yspan * scale + 2 * MARGIN)
    span = max(xspan, yspan)
    cx = (x0 + x1) / 2
    cy = (y0 + y1) / 2

    def project(lat: float, lon: float) -> tuple[float, float]:
        x = WIDTH / 2 + (lon * math.cos(mid) - cx) * scale
        y = height / 2 - (lat - cy) * scale
        return x, y

    biggest = max([counts.get(p.key, 0) for p in located] + [1])
    parts: list[Markup] = [
        Markup(
            '<svg class="ar-map" viewBox="0 0 {} {}" role="group" aria-labelledby="ar-map-title"'
            ' xmlns="http://www.w3.org/2000/svg">'
            '<title id="ar-map-title">{}</title>'
            '<rect class="ar-map__bg" x="0" y="0" width="{}" height="{}" rx="8"/>'
        ).format(WIDTH, height, title, WIDTH, height)
    ]
    # A graticule every 0.1° (or coarser for wide areas), labelled in degrees.
    step = 0.1 if span < 0.8 else 0.25 if span < 2 else 0.5 if span < 6 else 2.0
    lat_lo, lat_hi = y0 - MARGIN / scale, y1 + MARGIN / scale
    lon_lo = (cx - (WIDTH / 2) / scale) / math.cos(mid)
    lon_hi = (cx + (WIDTH / 2) / scale) / math.cos(mid)
    parts.append(Markup('<g class="ar-map__grid" aria-hidden="true">'))
    lat = math.ceil(lat_lo / step) * step
    while lat <= lat_hi:
        _, y = project(lat, lon_lo)
        if 0 < y < height:
            parts.append(
                Markup(
                    '<line x1="0" x2="{}" y1="{}" y2="{}"/>'
                    '<text x="6" y="{}" direction="ltr">{}°</text>'
                ).format(WIDTH, _fmt(y), _fmt(y), _fmt(y - 4), f"{lat:.1f}")
            )
        lat += step
    lon = math.ceil(lon_lo / step) * step
    while lon <= lon_hi:
        x, _ = project(lat_lo, lon)
        if 0 < x < WIDTH:
            parts.append(
                Markup(
                    '<line y1="0" y2="{}" x1="{}" x2="{}"/>'
                    '<text x="{}" y="{}" direction="ltr">{}°</text>'
                ).format(height, _fmt(x), _fmt(x), _fmt(x + 4), height - 8, f"{lon:.1f}")
            )
        lon += step
    parts.append(Markup("</g>"))

    # Dots first (biggest first, so small ones stay on top and clickable), then labels placed
    # greedily: the most-cited places get their label first; a label that would overlap one
    # already placed tries the other side, above and below, and is left out if none fits (the
    # dot keeps its accessible name and tooltip).
    boxes: list[tuple[float, float, float, float]] = []
    dots: list[tuple[EntityView, float, float, float, int]] = []
    for p in located:
        assert p.lat is not None and p.lon is not None
        x, y = project(p.lat, p.lon)
        n = counts.get(p.key, 0)
        r = 4 + 14 * math.sqrt(n / biggest)
        dots.append((p, x, y, r, n))
        boxes.append((x - r, y - r, x + r, y + r))
    label_boxes: list[tuple[float, float, float, float]] = []
    for p, x, y, r, n in dots:
        w = FONT * 0.5 * max(len(p.name), 2)
        h = FONT * 1.3
        placed = None
        # (anchor with direction=rtl: "start" = right end of the text), text x, box
        for anchor, tx, box in (
            ("start", x - r - 4, (x - r - 4 - w, y - h / 2, x - r - 4, y + h / 2)),
            ("end", x + r + 4, (x + r + 4, y - h / 2, x + r + 4 + w, y + h / 2)),
            ("middle", x, (x - w / 2, y - r - 2 - h, x + w / 2, y - r - 2)),
            ("middle", x, (x - w / 2, y + r + 2, x + w / 2, y + r + 2 + h)),
        ):
            if box[0] < 2 or box[2] > WIDTH - 2 or box[1] < 2 or box[3] > height - 20:
                continue
            if any(_overlap(box, b) for b in label_boxes) or any(
                _overlap(box, b) for b in boxes if not _same(b, x, y, r)
            ):
                continue
            placed = (anchor, tx, (box[1] + box[3]) / 2 + FONT * 0.35)
            label_boxes.append(box)
            break
        label = f"{p.name}: {n} مقال" if n != 1 else f"{p.name}: مقال واحد"
        text = Markup("")
        if placed:
            text = Markup('<text x="{}" y="{}" text-anchor="{}" direction="rtl">{}</text>').format(
                _fmt(placed[1]), _fmt(placed[2]), placed[0], p.name
            )
        parts.append(
            Markup(
                '<a class="ar-map__place" href="{}" aria-label="{}"><title>{}</title>'
                '<circle cx="{}" cy="{}" r="{}"/>{}</a>'
            ).format(link(p.key), label, label, _fmt(x), _fmt(y), _fmt(r), text)
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)
