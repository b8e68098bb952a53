"""What the text itself supports when front matter does not say: the title and the publisher.

Nothing is guessed. The title is the headline when the file opens with a section label and a
headline, else the first sentence of the body. The source (publisher) comes only from an
attribution the text makes about itself, and keeps its :class:`Evidence`:

- ``told-outlet``: someone speaks *to* the outlet: ``قال الناشط ...، لـ"العربي الجديد"، إن``;
- ``obtained-by-outlet``: ``المعلومات التي حصل عليها "العربي الجديد"``;
- ``informed-outlet``: ``مصادر قد أفادت "العربي الجديد"``;
- ``closing-credit``: a closing credit line ``TRT عربي - وكالات``.

Sources the article *cites* (``في تصريح لرويترز``, ``وكالة أنباء النظام السوري "سانا" إن``,
``صرّح لوكالة الأناضول``) are not its publisher and are not used; a statement made to a news
agency (``قال لـ"رويترز"، إن``) does not name the publisher either (wire copy is republished).
"""

from __future__ import annotations

import re

from archive.corpus.article import Evidence
from archive.corpus.boilerplate import AGENCY_CREDIT, Layout

TITLE_MAX = 90

_Q_OPEN = "\"«“„'"
_Q_CLOSE = "\"»”“'"
_OUTLET = rf"[{_Q_OPEN}](?P<name>[^{_Q_OPEN}{_Q_CLOSE}\n]{{2,40}}?)[{_Q_CLOSE}]"
_THAT = r"(?:إنَّ|إنّ|إن|أنَّ|أنّ|أن|بأنّ|بأن)(?!\w)"

_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("told-outlet", re.compile(rf"(?<!\w)لـ?\s*{_OUTLET}\s*[،,]?\s*{_THAT}")),
    ("obtained-by-outlet", re.compile(
        rf"(?<!\w)(?:حصل|حصلت|اطلع|اطلعت|اطّلع|اطّلعت)\s+(?:عليها|عليه)\s+{_OUTLET}")),
    ("informed-outlet", re.compile(
        rf"(?<!\w)(?:مصادر|مصدر)(?:\s+\S+){{0,3}}?\s+(?:أفادت|أفاد|افادت|افاد)\s+{_OUTLET}")),
]
_GENERIC = {"وكالات", "الوكالات", "مواقع", "وسائل إعلام"}
#: News agencies whose wire copy other outlets republish, quotes to them included
#: ('قال لـ"رويترز"، إن' in a republished story): a statement made *to* an agency does not
#: make the agency the publisher, so the in-text rules never name one.
_WIRE = re.compile(
    r"^(?:وكالة|الوكالة)\b|^(?:رويترز|فرانس برس|أ ف ب|أ\.ف\.ب|الأناضول|الاناضول|أسوشيتد برس"
    r"|أسوشييتد برس|د ب أ|شينخوا|سانا|واس|وام|قنا|كونا|بترا|Reuters|AFP|AP|Anadolu|SANA)$"
)


def _name(text: str) -> str:
    return " ".join(text.split())


def infer_source(text: str, layout: Layout) -> tuple[str | None, Evidence | None]:
    """The publisher named by the text's own attribution, with its evidence; else (None, None).

    A closing credit wins. Otherwise every in-text attribution must name the same outlet;
    if they disagree, the source stays unknown.
    """
    if layout.credit is not None:
        m = AGENCY_CREDIT.match(layout.credit.stripped)
        name = _name((m["name"] or m["name2"] or "") if m else "")
        if name and name not in _GENERIC:
            line = layout.credit
            offset = line.start + (len(line.content) - len(line.content.lstrip()))
            return name, Evidence(offset, offset + len(line.stripped), line.stripped,
                                  "closing-credit")
    found: list[tuple[int, str, Evidence]] = []
    for rule, rx in _RULES:
        for m in rx.finditer(text):
            name = _name(m["name"])
            if name in _GENERIC or _WIRE.search(name):
                continue
            found.append((m.start(), name, Evidence(m.start(), m.end(), m.group(0), rule)))
    names = {name for _, name, _ in found}
    if len(names) != 1:
        return None, None
    found.sort(key=lambda f: f[0])
    return found[0][1], found[0][2]


_SENTENCE = re.compile(r".+?(?:[.!?؟…](?=\s|$)|$)", re.DOTALL)
_DANGLING = frozenset(
    "في من على إلى الى عن مع بين و أو او ثم التي الذي الذين اللذين إن أن لـ حول منذ بعد قبل"
    " عند خلال لدى ضد نحو فور حيث كما لكن بل حتى وفي ومن وعلى وإلى ومع".split()
)
_TRIM = " \t،,:;؛-–—\"'«»(“”"


def infer_title(layout: Layout, fallback: str) -> str:
    """The headline after a section label; else the first sentence of the body, cut at a word
    boundary to about ``TITLE_MAX`` characters with an ellipsis; else ``fallback``."""
    if layout.headline is not None:
        return _name(layout.headline.stripped)
    body = layout.body_lines()
    if not body:
        return fallback
    first = _name(body[0].stripped)
    m = _SENTENCE.match(first)
    sentence = (m.group(0) if m else first).strip()
    return shorten(sentence.rstrip(".").strip())


def shorten(sentence: str, limit: int = TITLE_MAX) -> str:
    """``sentence`` if it fits in ``limit`` characters, else cut at the last word boundary
    before the limit (trailing punctuation dropped) with an ellipsis."""
    if len(sentence) <= limit:
        return sentence
    cut = sentence[:limit]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    words = cut.rstrip(_TRIM).split(" ")
    # do not end on a preposition or conjunction ("... انهيار المفاوضات مع…")
    while len(words) > 3 and words[-1] in _DANGLING:
        words.pop()
    return " ".join(words).rstrip(_TRIM) + "…"
