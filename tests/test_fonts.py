"""The shipped Arabic fonts: small "core" files first, the full files only when a page needs them.

archive.css declares, per family, four faces with disjoint unicode-ranges: the core Arabic file
(scripts/subset-fonts), the full Arabic-script file for every other Arabic code point, the
latin-core file (ASCII, guillemets, common dashes and quotes) and the Latin file for the rest.
These tests read the woff2 files themselves (fontTools) so that a range never claims a character
its file cannot draw (which would show a blank instead of falling back), and no character the full
files draw is lost.
"""

from __future__ import annotations

import re
from pathlib import Path

from fontTools import ttLib

STATIC = Path(__file__).resolve().parent.parent / "src" / "archive" / "site" / "static"
CSS = STATIC / "archive.css"

# The unicode-range Google Fonts gives its "arabic" subset files, which the full files were cut to.
GOOGLE_ARABIC = ("U+0600-06FF, U+0750-077F, U+0870-088E, U+0890-0891, U+0897-08E1, U+08E3-08FF, "
                 "U+200C-200E, U+2010-2011, U+204F, U+2E41, U+FB50-FDFF, U+FE70-FE74, U+FE76-FEFC")
# The unicode-range Google Fonts gives the Latin files (one face before the latin-core split).
GOOGLE_LATIN = ("U+0000-00FF, U+0131, U+0152-0153, U+02BB-02BC, U+02C6, U+02DA, U+02DC, U+0304, "
                "U+0308, U+0329, U+2000-206F, U+20AC, U+2122, U+2191, U+2193, U+2212, U+2215, "
                "U+FEFF, U+FFFD")


def _points(spec: str) -> set[int]:
    out: set[int] = set()
    for part in spec.replace("\n", " ").split(","):
        part = part.strip().removeprefix("U+")
        lo, _, hi = part.partition("-")
        out.update(range(int(lo, 16), int(hi or lo, 16) + 1))
    return out


def _faces() -> list[dict[str, object]]:
    css = CSS.read_text(encoding="utf-8")
    faces = []
    for block in re.findall(r"@font-face\s*\{(.*?)\}", css, re.S):
        faces.append({
            "family": re.search(r'font-family:\s*"([^"]+)"', block).group(1),  # type: ignore[union-attr]
            "file": STATIC / re.search(r'url\("([^"]+)"\)', block).group(1),  # type: ignore[union-attr]
            "weight": tuple(int(w) for w in re.search(  # type: ignore[union-attr]
                r"font-weight:\s*([\d ]+);", block).group(1).split()),
            "range": _points(re.search(r"unicode-range:\s*([^;]+);", block).group(1)),  # type: ignore[union-attr]
        })
    return faces


def _cmap(path: object) -> set[int]:
    return set(ttLib.TTFont(path).getBestCmap())


def test_faces_of_a_family_never_overlap() -> None:
    faces = _faces()
    families = {f["family"] for f in faces}
    assert families == {"Archive Sans", "Archive Naskh"}
    for family in families:
        mine = [f for f in faces if f["family"] == family]
        assert len(mine) == 4, family
        # Chrome makes one font of a family's faces only if their descriptors are equal: a face
        # with another weight range is never consulted for the others' characters (Latin digits
        # in Arabic text were drawn by a system font when the core face said 400 700).
        assert len({f["weight"] for f in mine}) == 1, (family, [f["weight"] for f in mine])
        for i, a in enumerate(mine):
            for b in mine[i + 1:]:
                both = a["range"] & b["range"]  # type: ignore[operator]
                assert not both, (family, a["file"], b["file"], sorted(map(hex, both))[:5])


def test_core_faces_draw_everything_they_claim_and_are_small() -> None:
    cores = [f for f in _faces() if "-arabic-core-" in str(f["file"])]
    assert len(cores) == 2
    for face in cores:
        path = face["file"]
        assert path.is_file(), path  # type: ignore[union-attr]
        font = ttLib.TTFont(path)
        claimed = face["range"]
        missing = claimed - set(font.getBestCmap())  # type: ignore[operator]
        assert not missing, (path, sorted(map(hex, missing)))
        axis = next(a for a in font["fvar"].axes if a.axisTag == "wght")
        low, high = face["weight"]  # type: ignore[misc]
        assert low <= axis.minValue <= axis.maxValue <= high, path
        # every Arabic letter, the harakat, the Arabic-Indic digits and the punctuation of news text
        for ch in "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىي" "ًٌٍَُِّْ" "٠١٢٣٤٥٦٧٨٩" "،؛؟ـ":
            assert ord(ch) in claimed, (path, ch)  # type: ignore[operator]
        # what a first visit fetches: a few tens of KB instead of the full file's 94–166 KB
        assert path.stat().st_size < 40_000, path  # type: ignore[union-attr]


def test_no_arabic_code_point_of_the_full_files_is_lost() -> None:
    faces = _faces()
    wanted = _points(GOOGLE_ARABIC)
    for family in ("Archive Sans", "Archive Naskh"):
        mine = [f for f in faces if f["family"] == family]
        full = next(f for f in mine if f["file"].name.endswith("-arabic-arabic-wght-normal.woff2"))  # type: ignore[union-attr]
        drawable = wanted & _cmap(full["file"])
        served = set().union(*(f["range"] & _cmap(f["file"]) for f in mine))  # type: ignore[operator]
        assert drawable <= served, (family, sorted(map(hex, drawable - served))[:10])


def test_latin_core_faces_draw_what_arabic_pages_carry_and_are_small() -> None:
    """Digits, guillemets, ASCII punctuation and letters (CSV, JSON, BibTeX, source names) come
    from a small file; the accented letters of the full Latin file only when a page has one."""
    faces = _faces()
    for family in ("Archive Sans", "Archive Naskh"):
        mine = [f for f in faces if f["family"] == family]
        core = next(f for f in mine if "-latin-core-" in str(f["file"]))
        latin = next(f for f in mine if str(f["file"]).endswith("-latin-wght-normal.woff2"))
        path = core["file"]
        missing = core["range"] - _cmap(path)  # type: ignore[operator]
        assert not missing, (path, sorted(map(hex, missing)))
        for ch in "0123456789" "«»()[]:/.,-%\"'" "CSVJSONBibTeX" "–—“”…":
            assert ord(ch) in core["range"], (path, ch)  # type: ignore[operator]
        assert "é" not in {chr(p) for p in core["range"]}  # type: ignore[union-attr]
        axis = next(a for a in ttLib.TTFont(path)["fvar"].axes if a.axisTag == "wght")
        assert (axis.minValue, axis.maxValue) == (400, 700), path
        assert path.stat().st_size < 14_000, path  # type: ignore[union-attr]
        # every Latin code point the full Latin file draws is still served by one of the two
        drawable = _points(GOOGLE_LATIN) & _cmap(latin["file"])
        served = (core["range"] & _cmap(path)) | (latin["range"] & _cmap(latin["file"]))  # type: ignore[operator]
        # (space and no-break space are the Arabic core's; control characters are never drawn)
        drawable -= {0x20, 0xA0} | set(range(0x20))
        assert drawable <= served, (family, sorted(map(hex, drawable - served))[:10])


def test_no_face_claims_control_characters() -> None:
    """The newlines and tabs of every page's HTML would make Chrome fetch the file that claims
    them (the whole Latin file, 18 KB, on every page) though nothing is drawn for them."""
    for face in _faces():
        claimed = {p for p in face["range"] if p < 0x20}  # type: ignore[union-attr]
        assert not claimed, (face["file"], sorted(map(hex, claimed)))
