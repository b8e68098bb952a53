"""Find likely names that are not yet in the gazetteer (``archive entities suggest``).

Two sources, each reported with counts and example contexts:

- cue words: the words after مدينة، بلدة، حي، ريف، منطقة، مخيم، معسكر، حاجز، الناشط، الناطق باسم،
  وزير، قائد… (a proclitic on the cue is allowed: بمدينة، وبلدة), up to three words, stopping at
  punctuation, a function word, a direction word or a name already in the gazetteer;
- GeoNames: Arabic names of places in :data:`archive.gazetteer.geonames.REGION` countries
  found in the text (same clitic-aware matcher as the gazetteer) where no gazetteer name is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from archive.analysis.normalize import normalize
from archive.gazetteer.matcher import (
    PROCLITICS,
    NameMatcher,
    hard_breaks,
    name_tokens,
    normalized_tokens,
)
from archive.gazetteer.model import Gazetteer

PLACE_CUES = (
    "مدينة", "مدن", "بلدة", "بلدات", "قرية", "قرى", "حي", "أحياء", "ريف", "منطقة", "مخيم",
    "معسكر", "حاجز", "دوار", "ساحة", "مسجد", "جامع", "جبل", "محافظة", "ناحية", "بادية", "سهل",
    "وادي", "مطار", "مشفى", "مستشفى", "حقل", "محطة", "معبر", "سجن", "فرع",
)
ACTOR_CUES = (
    "الناشط", "الناشطة", "الناطق باسم", "المتحدث باسم", "متحدث باسم", "وزير", "وزيرة", "قائد",
    "رئيس", "المحامي", "الدكتور", "العميد", "العقيد", "الشيخ", "محافظ", "مراسل", "لواء",
    "فصيل", "حركة", "جيش", "تجمع", "غرفة", "وكالة", "صحيفة", "موقع", "قناة", "مجلس", "هيئة",
)
#: Words that end a candidate name (function words, directions, generic nouns).
STOP_WORDS = frozenset(normalize(w) for w in (
    "في من على إلى الى عن مع التي الذي الذين اللذين و أو او ثم كما حيث بين عند بعد قبل خلال منذ "
    "هذه هذا ذلك تلك هناك كل بعض أي عدة عدد أخرى آخر الأخرى الآخر إن أن إنه أنه لا لم لن ما "
    "قد وقد كان كانت يوم اليوم أمس مساء صباح فجر ليل الليلة وسط غرب شرق شمال جنوب غربي شرقي "
    "شمالي جنوبي الغربي الشرقي الشمالي الجنوبي الغربية الشرقية الشمالية الجنوبية المحاذية "
    "القريب القريبة المجاورة المحاصرة المحاصر نفسها نفسه ذاته ذاتها له لها لهم به بها فيها فيه "
    "الإعلامي الاعلامي الميداني الحقوقي الصحفي السياسي العسكري الأمني الاشتباك الاشتباكات "
    "العمليات الخارجية خارجية الدفاع الداخلية الإعلام بحسب وفق حسب نحو باتجاه تابع التابع "
    "التابعة التابعين تضم يضم أبناء أهالي سكان عناصر قوات أنباء الأنباء طريق داخل خارج "
    "قرب بالقرب محيط أطراف ضمن عبر حول".split()
))
#: GeoNames names that are ordinary words far more often than places.
GEONAMES_COMMON_WORDS = frozenset(normalize(w) for w in (
    "الثورة التل الباب الكرمة الشجرة ثورة قارة الحراك السلام النصر المنصورة الحرية الوحدة "
    "الجديدة جديدة المحطة البلد السوق الزهراء الرابعة الخامس الشيخ السفيرة العامرية "
    "المعارضة الجيش الشام مصر الحكومة".split()
))
CONTEXT_CHARS = 40
MAX_EXAMPLES = 3
MAX_WORDS = 3


@dataclass(frozen=True, slots=True)
class Example:
    article: str
    start: int
    end: int
    context: str


@dataclass(slots=True)
class Suggestion:
    name: str  # the most frequent surface form
    normalized: str
    count: int = 0
    articles: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)
    forms: dict[str, int] = field(default_factory=dict)
    examples: list[Example] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": "cue",
            "name": self.name,
            "normalized": self.normalized,
            "count": self.count,
            "articles": sorted(self.articles),
            "sources": sorted(self.sources),
            "examples": [
                {"article": e.article, "start": e.start, "end": e.end, "context": e.context}
                for e in self.examples
            ],
        }


def _cue_table(cues: Iterable[str], kind: str) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    table: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for cue in cues:
        toks = name_tokens(cue)
        for clitic in ("", *PROCLITICS):
            table.setdefault(clitic + toks[0], []).append((toks, f"cue:{kind}:{cue}"))
    return table


_CUES = {**_cue_table(PLACE_CUES, "place")}
for _k, _v in _cue_table(ACTOR_CUES, "actor").items():
    _CUES.setdefault(_k, []).extend(_v)


def _context(text: str, start: int, end: int) -> str:
    a = max(0, start - CONTEXT_CHARS)
    b = min(len(text), end + CONTEXT_CHARS)
    snippet = ("…" if a else "") + text[a:b] + ("…" if b < len(text) else "")
    return " ".join(snippet.split())


def _gap_is_space(text: str, end: int, start: int) -> bool:
    return text[end:start].strip() == ""


def _starts_coordination(norm: str) -> bool:
    """و + a word starting with alef (وأحرار، والشام): the start of a second name."""
    return len(norm) > 3 and norm[0] == "و" and norm[1] == "ا"


def strip_clitic(surface: str, core: str) -> str:
    """``surface`` without the proclitic that :class:`NameMatcher` removed to get ``core``."""
    for cut in range(0, 4):
        rest = surface[cut:]
        norm = normalize(rest)
        if norm == core:
            return rest
        if core.startswith("ال") and norm == core[1:]:
            return "ا" + rest  # لل merge: للطيبة → الطيبة
    return surface


def _is_word(norm: str) -> bool:
    return len(norm) >= 2 and any("\u0621" <= ch <= "\u064a" for ch in norm)


@dataclass(slots=True)
class _Text:
    article: str
    text: str
    spans: list[tuple[int, int]]
    norms: list[str]
    known: list[bool]
    breaks: set[int]

    @classmethod
    def read(cls, article: str, text: str, matcher: NameMatcher) -> _Text:
        spans, norms = normalized_tokens(text)
        breaks = hard_breaks(text, spans)
        known = [False] * len(spans)
        for m in matcher.match(norms, breaks, [text[s:e] for s, e in spans]):
            for k in range(m.first, m.last + 1):
                known[k] = True
        return cls(article, text, spans, norms, known, breaks)


@dataclass(slots=True)
class Suggester:
    """Collects candidates over texts; :meth:`suggestions` then folds and counts them.

    A candidate is found by a cue word or a GeoNames name; its count is then every whole-word
    occurrence (clitics allowed) outside gazetteer names, in every text given.
    """

    gazetteer: Gazetteer
    use_geonames: bool = True
    found: dict[str, Suggestion] = field(default_factory=dict)
    texts: list[tuple[str, str]] = field(default_factory=list)  # kept as text (memory)
    _geo: NameMatcher | None = None

    def _geo_matcher(self) -> NameMatcher:
        if self._geo is None:
            from archive.gazetteer.geonames import REGION, region_names

            names = [(name, f"geonames:{places[0].country}:{places[0].geonames_id}")
                     for name, places in region_names(REGION).items()
                     if name not in GEONAMES_COMMON_WORDS and len(name) >= 3]
            self._geo = NameMatcher(names)
        return self._geo

    def _add(self, norm: tuple[str, ...], form: str, source: str) -> None:
        key = " ".join(norm)
        sug = self.found.get(key)
        if sug is None:
            sug = self.found[key] = Suggestion(form, key)
        sug.sources.add(source)
        sug.forms[form] = sug.forms.get(form, 0) + 1  # sightings after a cue or in GeoNames

    def add_text(self, article: str, text: str) -> None:
        t = _Text.read(article, text, self.gazetteer.matcher())
        spans, norms, known, breaks = t.spans, t.norms, t.known, t.breaks
        self.texts.append((article, text))
        self._cues(text, spans, norms, known)
        if self.use_geonames:
            for m in self._geo_matcher().match(norms, breaks):
                if any(known[m.first : m.last + 1]):
                    continue
                start, end = spans[m.first][0], spans[m.last][1]
                form = text[start:end]
                first_end = spans[m.first][1] - start
                form = strip_clitic(form[:first_end], m.cores[0]) + form[first_end:]
                self._add(m.cores, form, m.entity)

    def _cues(self, text: str, spans: Sequence[tuple[int, int]], norms: Sequence[str],
              known: Sequence[bool]) -> None:
        n = len(norms)
        for i, word in enumerate(norms):
            if known[i]:
                continue
            for cue, source in _CUES.get(word, ()):
                j = i + len(cue)
                if j > n or any(norms[i + k] != cue[k] for k in range(1, len(cue))):
                    continue
                if not all(_gap_is_space(text, spans[k - 1][1], spans[k][0])
                           for k in range(i + 1, j)):
                    continue
                run: list[int] = []
                k = j
                while k < n and len(run) < MAX_WORDS:
                    if not _gap_is_space(text, spans[k - 1][1], spans[k][0]):
                        # a quote or bracket may open the name: حاجز "الكونسروة"
                        gap = text[spans[k - 1][1]:spans[k][0]].strip()
                        if run or gap not in {'"', "«", "(", "((", "“"}:
                            break
                    if (known[k] or norms[k] in STOP_WORDS or norms[k] in _CUES
                            or not _is_word(norms[k])):
                        break
                    if run and _starts_coordination(norms[k]):
                        break  # لواء أحرار انخل وأحرار الشام: a second name begins
                    run.append(k)
                    k += 1
                if not run:
                    continue
                start, end = spans[run[0]][0], spans[run[-1]][1]
                self._add(tuple(norms[r] for r in run), text[start:end], source)

    def _fold_prefixes(self) -> None:
        """A candidate that extends another one (الجيزة تمكنوا) is that one plus a stray word."""
        for key in sorted(self.found, key=lambda k: (-k.count(" "), k)):
            words = key.split(" ")
            for size in range(len(words) - 1, 0, -1):
                target = self.found.get(" ".join(words[:size]))
                if target is not None:
                    sug = self.found.pop(key)
                    target.sources |= sug.sources
                    break

    def suggestions(self, min_count: int = 1) -> list[Suggestion]:
        self._fold_prefixes()
        counter = NameMatcher((key, key) for key in self.found)
        for sug in self.found.values():
            sug.count, sug.articles, sug.examples = 0, set(), []
        matcher = self.gazetteer.matcher()
        for article, text in self.texts:
            t = _Text.read(article, text, matcher)
            for m in counter.match(t.norms, t.breaks):
                if any(t.known[m.first : m.last + 1]):
                    continue
                sug = self.found[m.entity]
                start, end = t.spans[m.first][0], t.spans[m.last][1]
                sug.count += 1
                sug.articles.add(t.article)
                if len(sug.examples) < MAX_EXAMPLES:
                    sug.examples.append(Example(t.article, start, end,
                                                _context(t.text, start, end)))
        out = []
        for sug in self.found.values():
            if sug.count < min_count or sug.count == 0:
                continue
            sug.name = min(sug.forms, key=lambda f: (-sug.forms[f], f)) if sug.forms else sug.name
            out.append(sug)
        return sorted(out, key=lambda s: (-s.count, s.normalized))


def suggest(gazetteer: Gazetteer, texts: Iterable[tuple[str, str]], use_geonames: bool = True,
            min_count: int = 1) -> list[Suggestion]:
    """Likely names missing from ``gazetteer`` in ``texts`` (``(article id, text)`` pairs)."""
    s = Suggester(gazetteer, use_geonames)
    for article, text in texts:
        s.add_text(article, text)
    return s.suggestions(min_count)
