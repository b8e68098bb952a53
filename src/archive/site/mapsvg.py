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
HEIGHT = 640
MARGIN = 70


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
    span = max(x1 - x0, y1 - y0, 0.05)
    scale = min((WIDTH - 2 * MARGIN) / span, (HEIGHT - 2 * MARGIN) / span)
    cx = (x0 + x1) / 2
    cy = (y0 + y1) / 2

    def project(lat: float, lon: float) -> tuple[float, float]:
        x = WIDTH / 2 + (lon * math.cos(mid) - cx) * scale
        y = HEIGHT / 2 - (lat - cy) * scale
        return x, y

    biggest = max([counts.get(p.key, 0) for p in located] + [1])
    parts: list[Markup] = [
        Markup(
            '<svg class="ar-map" viewBox="0 0 {} {}" role="group" aria-labelledby="ar-map-title"'
            ' xmlns="http://www.w3.org/2000/svg">'
            '<title id="ar-map-title">{}</title>'
            '<rect class="ar-map__bg" x="0" y="0" width="{}" height="{}" rx="8"/>'
        ).format(WIDTH, HEIGHT, title, WIDTH, HEIGHT)
    ]
    # A graticule every 0.1° (or coarser for wide areas), labelled in degrees.
    step = 0.1 if span < 1.5 else 0.5 if span < 6 else 2.0
    lat_lo, lat_hi = y0 - MARGIN / scale, y1 + MARGIN / scale
    lon_lo = (cx - (WIDTH / 2) / scale) / math.cos(mid)
    lon_hi = (cx + (WIDTH / 2) / scale) / math.cos(mid)
    parts.append(Markup('<g class="ar-map__grid" aria-hidden="true">'))
    lat = math.ceil(lat_lo / step) * step
    while lat <= lat_hi:
        _, y = project(lat, lon_lo)
        if 0 < y < HEIGHT:
            parts.append(
                Markup(
                    '<line x1="0" x2="{}" y1="{}" y2="{}"/><text x="6" y="{}">{}°</text>'
                ).format(WIDTH, _fmt(y), _fmt(y), _fmt(y - 4), f"{lat:.1f}")
            )
        lat += step
    lon = math.ceil(lon_lo / step) * step
    while lon <= lon_hi:
        x, _ = project(lat_lo, lon)
        if 0 < x < WIDTH:
            parts.append(
                Markup(
                    '<line y1="0" y2="{}" x1="{}" x2="{}"/><text x="{}" y="{}">{}°</text>'
                ).format(HEIGHT, _fmt(x), _fmt(x), _fmt(x + 4), HEIGHT - 8, f"{lon:.1f}")
            )
        lon += step
    parts.append(Markup("</g>"))

    for p in located:
        assert p.lat is not None and p.lon is not None
        x, y = project(p.lat, p.lon)
        n = counts.get(p.key, 0)
        r = 4 + 14 * math.sqrt(n / biggest)
        label = f"{p.name}: {n} مقال" if n != 1 else f"{p.name}: مقال واحد"
        # Labels go to the left of the dot, except near the left edge. With direction="rtl",
        # "start" is the right end of the label.
        anchor, dx = ("start", -(r + 4)) if x > 160 else ("end", r + 4)
        parts.append(
            Markup(
                '<a class="ar-map__place" href="{}" aria-label="{}">'
                '<circle cx="{}" cy="{}" r="{}"/>'
                '<text x="{}" y="{}" text-anchor="{}" direction="rtl">{}</text></a>'
            ).format(
                link(p.key), label, _fmt(x), _fmt(y), _fmt(r), _fmt(x + dx), _fmt(y + 5),
                anchor, p.name,
            )
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)
