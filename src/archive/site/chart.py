"""The timeline's bar chart: articles per month as an SVG drawn at build time (no script).

Time runs right to left, the reading direction of the page: the oldest month is on the right.
One SVG unit is one CSS pixel: a few months stay a small chart, many months scroll sideways
inside their own box (the page itself never does).
Each bar links to its month's page. The chart is a picture for sighted readers
(``aria-hidden``, its links out of the tab order); the month list under it carries the same
counts and links for keyboards and screen readers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markupsafe import Markup

from archive.site import text

BAR = 14  # width of one month, gap included (SVG user units)
GAP = 3
HEIGHT = 120  # height of the tallest bar
TOP = 18  # room for the largest count above the tallest bar
BOTTOM = 26  # room for the year labels
SIDE = 20  # room for a label centred on the first or last bar


def month_chart(
    months: Sequence[tuple[str, int, str | None]], link: Callable[[str], str]
) -> Markup | None:
    """``months``: (YYYY-MM, articles, link key or None), oldest first, consecutive."""
    if not months:
        return None
    peak = max(n for _, n, _ in months) or 1
    width = SIDE * 2 + BAR * len(months)
    total = TOP + HEIGHT + BOTTOM
    base = TOP + HEIGHT
    parts: list[Markup] = [
        Markup(
            '<svg class="ar-chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
            'aria-hidden="true" focusable="false">'
        ).format(w=width, h=total),
        Markup('<line class="ar-chart__axis" x1="{}" y1="{}" x2="{}" y2="{}"/>').format(
            SIDE, base + 0.5, width - SIDE, base + 0.5),
    ]
    for i, (key, n, target) in enumerate(months):
        # oldest on the right: the i-th month from the right edge
        x = width - SIDE - BAR * (i + 1) + GAP / 2
        label = f"{text.month_name(int(key[5:7]))} {key[:4]}: {n}"
        if n:
            h = max(2.0, HEIGHT * n / peak)
            bar = Markup(
                '<title>{}</title><rect class="ar-chart__bar" x="{:.1f}" y="{:.1f}" '
                'width="{}" height="{:.1f}"/>'
            ).format(label, x, base - h, BAR - GAP, h)
            bar = (Markup('<a href="{}" tabindex="-1">{}</a>').format(link(target), bar)
                   if target else Markup("<g>{}</g>").format(bar))
            parts.append(bar)
            if n == peak:
                parts.append(Markup(
                    '<text class="ar-chart__peak" x="{:.1f}" y="{:.1f}" '
                    'text-anchor="middle">{}</text>').format(x + (BAR - GAP) / 2, base - h - 5, n))
        if key[5:7] == "01" or i == 0:
            cx = x + (BAR - GAP) / 2
            parts.append(Markup(
                '<line class="ar-chart__tick" x1="{:.1f}" y1="{}" x2="{:.1f}" y2="{}"/>'
                '<text class="ar-chart__year" x="{:.1f}" y="{}" text-anchor="middle">{}</text>'
            ).format(cx, base, cx, base + 5, cx, base + 19, key[:4]))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)
