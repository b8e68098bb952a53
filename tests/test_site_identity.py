"""A new archive configured only by its own mkdocs.yml, docs/ and seeds/: none of the Daraa
archive's name, introduction or about text appears anywhere in it, and places or actors that no
article names get no page (they stay in the data files).

Each test builds a small archive with ``mkdocs build --strict`` in a temporary folder.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import mkdocs_build

REPO = Path(__file__).resolve().parents[1]

NAME = "أرشيف صحافة الخليج التجريبي"
INTRO_OPTION = "مقدمة **تجريبية** لأرشيف صحافة الخليج."
INTRO_FILE = "مقدمة من ملف docs/index.md عن صحف الخليج.\n"
ABOUT_FILE = "# عن هذا الأرشيف\n\nأرشيف تجريبي لصحف الخليج.\n"

PLACES = """
- id: riyadh
  description: مدينة سعودية.
  name: الرياض
  type: city
  lat: 24.68773
  lon: 46.72185
- id: jeddah
  description: مدينة سعودية.
  name: جدة
  type: city
  lat: 21.54238
  lon: 39.19797
- id: mecca
  description: مدينة سعودية.
  name: مكة المكرمة
  aliases: [مكة]
  type: city
  lat: 21.42664
  lon: 39.82563
"""
ACTORS = """
- id: shura
  description: مجلس استشاري.
  name: مجلس الشورى
  type: political body
- id: nobody
  description: لا يذكرها مقال.
  name: هيئة لا يذكرها أحد
  type: political body
"""
ARTICLES = {
    "a1": ("افتتاح معرض الكتاب في الرياض", "2015-07-21", "صحيفة الرياض",
           "افتتح في الرياض معرض الكتاب بحضور أعضاء من مجلس الشورى."),
    "a2": ("أمطار غزيرة على مكة", "2015-08-02", "صحيفة عكاظ",
           "هطلت أمطار غزيرة على مكة المكرمة مساء أمس."),
    "a3": ("الشورى يناقش الميزانية", "2015-08-15", "صحيفة الرياض",
           "ناقش مجلس الشورى في الرياض الميزانية العامة."),
    "a4": ("بلا مكان", None, None, "خبر قصير لا يذكر مكانًا ولا أحدًا."),
}

#: Wording of this repository's own archive (mkdocs.yml, docs/index.md, docs/about.md).
DARAA_WORDING = ["درعا", "أرشيف درعا", "Daraa", "حصار درعا البلد", "الحرب في محافظة درعا",
                 "daraa-archive"]


def _daraa_texts() -> list[str]:
    """Sentences of this repository's introduction and about page (they must not leak)."""
    out = []
    for name in ("index.md", "about.md"):
        text = (REPO / "docs" / name).read_text(encoding="utf-8")
        out += [line.strip() for line in text.splitlines() if len(line.strip()) > 40][:4]
    assert out
    return out


def _make_archive(root: Path, config: str, docs: dict[str, str]) -> None:
    (root / "seeds").mkdir(parents=True)
    (root / "docs").mkdir()
    for name, content in docs.items():
        (root / "docs" / name).write_text(content, encoding="utf-8")
    (root / "seeds" / "places.yml").write_text(PLACES, encoding="utf-8")
    (root / "seeds" / "actors.yml").write_text(ACTORS, encoding="utf-8")
    for id_, (title, date, source, body) in ARTICLES.items():
        head = [f"title: {title}"]
        if date:
            head.append(f"date: {date}")
        if source:
            head.append(f"source: {source}")
        text = "---\n" + "\n".join(head) + "\n---\n" + body + "\n"
        (root / "seeds" / f"{id_}.md").write_text(text, encoding="utf-8")
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")


def _build(root: Path) -> subprocess.CompletedProcess[str]:
    return mkdocs_build(root, "--strict", "--quiet", timeout=300)


MINIMAL = f"""site_name: {NAME}
theme:
  name: material
plugins:
  - archive:
      intro: "{INTRO_OPTION}"
      per_page: 2
"""


@pytest.fixture(scope="module")
def minimal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("gulf")
    _make_archive(root, MINIMAL, {})
    result = _build(root)
    assert result.returncode == 0, result.stderr + result.stdout
    return root / "site"


def _daraa_wording(site: Path, paths: list[Path]) -> list[tuple[str, str]]:
    texts = _daraa_texts()
    found = []
    for path in paths:
        content = path.read_text(encoding="utf-8")
        found += [(path.relative_to(site).as_posix(), w) for w in DARAA_WORDING + texts
                  if w in content]
    return found


def test_no_daraa_wording_on_any_page(minimal: Path) -> None:
    files = sorted(minimal.rglob("*.html")) + sorted((minimal / "data").glob("*"))
    files = [f for f in files if f != minimal / "map" / "index.html"]
    assert len(files) > 20
    assert _daraa_wording(minimal, files) == []


def test_no_daraa_wording_on_the_map_page(minimal: Path) -> None:
    assert _daraa_wording(minimal, [minimal / "map" / "index.html"]) == []


def test_identity_comes_from_the_configuration(minimal: Path) -> None:
    home = (minimal / "index.html").read_text(encoding="utf-8")
    assert f"<h1>{NAME}</h1>" in home
    assert "مقدمة <strong>تجريبية</strong> لأرشيف صحافة الخليج." in home
    for path in minimal.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert NAME in html, path  # in the header and the <title> of every page
        assert '<html lang="ar" dir="rtl"' in html or 'dir="rtl" lang="ar"' in html or (
            'lang="ar"' in html[:400] and 'dir="rtl"' in html[:400]), path
    # no docs/about.md: no about card and no about page in the navigation
    assert "عن الأرشيف" not in home
    assert not (minimal / "about").exists()
    package = json.loads((minimal / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["title"] == NAME and package["name"] == "archive"


def test_pages_follow_the_corpus(minimal: Path) -> None:
    # Jeddah and «هيئة لا يذكرها أحد» are in the gazetteer but in no article
    assert (minimal / "places" / "riyadh" / "index.html").is_file()
    assert (minimal / "places" / "mecca" / "index.html").is_file()
    assert not (minimal / "places" / "jeddah").exists()
    assert not (minimal / "actors" / "nobody").exists()
    for page in ("index.html", "places/index.html", "actors/index.html", "map/index.html"):
        html = (minimal / page).read_text(encoding="utf-8")
        assert "جدة" not in html and "هيئة لا يذكرها أحد" not in html, page
    home = (minimal / "index.html").read_text(encoding="utf-8")
    assert "<strong>2</strong> <span>مكانان</span>" in home
    assert "<strong>1</strong> <span>فاعل</span>" in home
    geo = json.loads((minimal / "data" / "places.geojson").read_text(encoding="utf-8"))
    by_id = {f["properties"]["id"]: f["properties"] for f in geo["features"]}
    assert by_id["jeddah"]["articles"] == 0 and by_id["jeddah"]["page"] is None
    assert by_id["riyadh"]["articles"] == 2 and by_id["riyadh"]["page"] == "places/riyadh/"
    actors = {a["id"]: a for a in json.loads(
        (minimal / "data" / "actors.json").read_text(encoding="utf-8"))}
    assert actors["nobody"]["page"] is None


def test_intro_and_about_from_docs(tmp_path: Path) -> None:
    config = f"site_name: {NAME}\ntheme:\n  name: material\nplugins:\n  - archive\n"
    _make_archive(tmp_path, config, {"index.md": INTRO_FILE, "about.md": ABOUT_FILE})
    result = _build(tmp_path)
    assert result.returncode == 0, result.stderr + result.stdout
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "مقدمة من ملف docs/index.md عن صحف الخليج." in home
    assert home.count("<h1") == 1 and "أحدث المقالات" in home  # the generated home, intro added
    assert "عن الأرشيف" in home  # the about card and the nav entry
    about = (tmp_path / "site" / "about" / "index.html").read_text(encoding="utf-8")
    assert "أرشيف تجريبي لصحف الخليج." in about


@pytest.mark.parametrize(("option", "words"), [
    ("map_extent: [50, 20, 40, 30]", "map_extent"),
    ("map_extent: [1, 2, 3]", "map_extent"),
    ("per_page: 0", "per_page"),
    ("slug: 'أرشيف'", "slug"),
    ("language: en", "language"),
])
def test_bad_options_stop_with_a_message_naming_them(
    tmp_path: Path, option: str, words: str
) -> None:
    config = (f"site_name: {NAME}\ntheme:\n  name: material\nplugins:\n  - archive:\n"
              f"      {option}\n")
    _make_archive(tmp_path, config, {})
    result = _build(tmp_path)
    assert result.returncode != 0
    out = result.stderr + result.stdout
    assert words in out and "Traceback" not in out, out[-800:]


def test_map_extent_option_reaches_the_map(tmp_path: Path) -> None:
    config = (f"site_name: {NAME}\ntheme:\n  name: material\nplugins:\n  - archive:\n"
              "      map_extent: [45, 23, 48, 26]\n")
    _make_archive(tmp_path, config, {})
    result = _build(tmp_path)
    assert result.returncode == 0, result.stderr + result.stdout
    html = (tmp_path / "site" / "map" / "index.html").read_text(encoding="utf-8")
    # Riyadh is inside the extent and drawn; Mecca is outside it and only listed
    drawn = html.split('<svg class="ar-map"', 1)[1].split("</svg>", 1)[0]
    assert "الرياض" in drawn and "مكة المكرمة" not in drawn
    assert "مكة المكرمة" in html
