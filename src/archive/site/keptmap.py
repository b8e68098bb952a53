"""The map page's basemap, kept in build/ between builds.

Drawing the basemap for the map's extent (:func:`archive.site.mapsvg.basemap`: parse the
1.4 MB data/basemap.json, clip and simplify every line that crosses the frame, place the
country names) costs ~0.3 CPU s, and the map page is drawn again by every rebuild that changes
a place's article count (an added or deleted article does). What is drawn depends only on the
projection (the extent) and on mapsvg's code and data, so a build keeps it in one file
(build/map-basemap.json) with a key made of those, and the next build whose key is the same
reads it back (a few ms) instead of drawing it again. The page is the same either way: the
file holds exactly what :func:`~archive.site.mapsvg.basemap` returned (JSON keeps a float's
exact value).
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Any

from archive import files
from archive.site import mapsvg

#: The kept file's name in build/.
KEPT_NAME = "map-basemap.json"
#: The layers a basemap has (:func:`archive.site.mapsvg.basemap_paths`).
LAYERS = {"land", "lakes", "borders", "rivers"}


@functools.lru_cache(maxsize=1)
def _code() -> str:
    """The fingerprint of what draws the basemap: mapsvg's code and its data files."""
    return files.fingerprint("map basemap", ["site/mapsvg.py", "site/data"])


def basemap_key(proj: mapsvg.Projection) -> str:
    """What the basemap of ``proj`` is a function of, hashed."""
    e = proj.extent
    text = (f"{_code()}\0{e.west!r} {e.south!r} {e.east!r} {e.north!r}\0{proj.width!r}\0"
            f"{mapsvg.BASEMAP_BUDGET}")
    return hashlib.sha256(text.encode()).hexdigest()


def _read(path: Path, key: str) -> mapsvg.Basemap | None:
    """The basemap kept in ``path`` for ``key``, or None (no file, another key, damaged)."""
    try:
        raw: Any = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("key") != key:
            return None
        paths = {str(k): str(v) for k, v in raw["paths"].items()}
        labels = [(str(n), float(x), float(y), float(a)) for n, x, y, a in raw["countries"]]
        if set(paths) != LAYERS:
            return None
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    return paths, labels


def basemap(proj: mapsvg.Projection, path: Path | None) -> mapsvg.Basemap:
    """:func:`archive.site.mapsvg.basemap` of ``proj``, read from the file ``path`` when it
    holds the basemap of this projection and code, else drawn and left there for the next
    build (a file that cannot be written is left alone). ``path`` None: drawn."""
    if path is None:
        return mapsvg.basemap(proj)
    key = basemap_key(proj)
    kept = _read(path, key)
    if kept is not None:
        return kept
    drawn = mapsvg.basemap(proj)
    try:
        files.write_atomic(path, json.dumps({"key": key, "paths": drawn[0],
                                             "countries": drawn[1]}, ensure_ascii=False))
    except OSError:
        pass
    return drawn
