"""Sizes of build outputs: raw and gzip (level 9, what a static host would serve; a file
stored compressed, as the browser search data ``*.json.dfl`` (raw deflate), counts its stored
bytes as gzip and its decompressed bytes as raw), and bytes on disk (apparent and allocated,
as ``du``)."""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass
from pathlib import Path

#: Files under site/ that belong to the theme or are pages, not search data.
THEME_DIRS = ("assets/",)
DATA_SUFFIXES = (".json", ".js", ".bin", ".idx", ".txt", ".pf_index", ".pf_meta", ".pf_fragment")


@dataclass
class Size:
    label: str
    files: int
    raw: int
    gzip: int
    apparent: int = 0
    allocated: int = 0


def measure(label: str, files: list[Path]) -> Size:
    raw = gz = apparent = allocated = 0
    for f in files:
        data = f.read_bytes()
        st = f.stat()
        apparent += st.st_size
        allocated += st.st_blocks * 512
        if f.name.endswith(".json.dfl"):  # stored as raw deflate (format 12): as it is
            raw += len(zlib.decompress(data, -15))
            gz += len(data)
            continue
        raw += len(data)
        gz += len(gzip.compress(data, compresslevel=9, mtime=0))
    return Size(label, len(files), raw, gz, apparent, allocated)


def tree_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def search_data(site: Path) -> dict[str, list[Path]]:
    """Search data files in a built site, grouped by the folder they are in (three levels deep).

    Anything that is not an HTML page, not a theme asset and not the sitemap counts: the
    browser index, the document store, the analyzer tables. Material's own index is
    ``search/search_index.json``.
    """
    groups: dict[str, list[Path]] = {}
    if not site.is_dir():
        return groups
    for f in sorted(site.rglob("*")):
        if not f.is_file():
            continue
        rel = f.relative_to(site).as_posix()
        if rel.startswith(THEME_DIRS) or f.suffix in (".html", ".css", ".xml"):
            continue
        if f.suffix == ".gz":
            continue  # a compressed copy of another file (sitemap.xml.gz)
        if f.suffix not in DATA_SUFFIXES and "search" not in rel:
            continue
        # at most three levels (search/data/pos, not one group per shard folder under it)
        group = "/".join(f.parent.relative_to(site).parts[:3]) or "."
        groups.setdefault(group, []).append(f)
    return groups


def whoosh_dirs(build: Path) -> list[Path]:
    """The live Whoosh index under build/: the generation named in build/search/CURRENT, else
    every folder that holds a Whoosh table of contents (*.toc)."""
    current = build / "search" / "CURRENT"
    if current.is_file():
        live = build / "search" / current.read_text(encoding="utf-8").strip()
        if live.is_dir():
            return [live]
    if not build.is_dir():
        return []
    return sorted({toc.parent for toc in build.rglob("*.toc")})


def fmt_bytes(n: float | None) -> str:
    if n is None:
        return "—"
    for unit in ("B", "KB", "MB", "GB"):
        if abs(n) < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"
