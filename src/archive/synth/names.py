"""Gazetteer names for synthetic articles: read from the repository's gazetteer files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from archive.config import Paths

GAZETTEER_FILES = ("places.yml", "actors.yml")

#: Used only when the repository has no gazetteer yet: names that the seeds themselves use,
#: without ids (so no front matter ``places``/``actors`` are written for them).
FALLBACK_NAMES: tuple[tuple[str, str], ...] = (
    ("place", "درعا"), ("place", "درعا البلد"), ("place", "بصرى الشام"), ("place", "طفس"),
    ("place", "حوران"), ("place", "جاسم"), ("place", "نوى"), ("place", "الصنمين"),
    ("actor", "اللجنة المركزية"), ("actor", "الفيلق الخامس"), ("actor", "الفرقة الرابعة"),
    ("actor", "قسد"), ("actor", "داعش"),
)


@dataclass(frozen=True, slots=True)
class Name:
    """One spelling of a gazetteer entity; ``id`` is empty for fallback names."""

    kind: str  # "place" | "actor"
    id: str
    text: str


def _entities_from_package(paths: Paths) -> list[Name] | None:
    try:
        from archive.gazetteer import load_gazetteer
    except ImportError:
        return None
    gazetteer, _problems = load_gazetteer(paths)
    names: list[Name] = []
    for key in sorted(gazetteer.entities):
        entity = gazetteer.entities[key]
        for text in [entity.name, *sorted(entity.aliases or [])]:
            if text and text.strip():
                names.append(Name(entity.kind, entity.id, text.strip()))
    return names


def _walk(node: Any, kind: str, out: list[Name]) -> None:
    if isinstance(node, dict):
        ident, name = node.get("id"), node.get("name")
        if isinstance(ident, str) and isinstance(name, str):
            aliases = node.get("aliases") or []
            for text in [name, *sorted(a for a in aliases if isinstance(a, str))]:
                out.append(Name(kind, ident, text.strip()))
        for key in sorted(node, key=str):
            _walk(node[key], kind, out)
    elif isinstance(node, list):
        for item in node:
            _walk(item, kind, out)


def _entities_from_yaml(seeds: Path) -> list[Name]:
    out: list[Name] = []
    for file_name in GAZETTEER_FILES:
        path = seeds / file_name
        if path.is_file():
            kind = "place" if file_name.startswith("place") else "actor"
            _walk(yaml.safe_load(path.read_text(encoding="utf-8")), kind, out)
    return out


def gazetteer_names(paths: Paths) -> list[Name]:
    """Every name and alias in the gazetteer, sorted; fallback names if there is none yet."""
    names: list[Name] | None = None
    if any((paths.seeds / f).is_file() for f in GAZETTEER_FILES):
        try:
            names = _entities_from_package(paths)
        except Exception:  # noqa: BLE001 - a gazetteer in progress must not stop synthesis
            names = None
        if not names:
            names = _entities_from_yaml(paths.seeds)
    if not names:
        names = [Name(kind, "", text) for kind, text in FALLBACK_NAMES]
    unique = {(n.kind, n.id, n.text) for n in names if n.text}
    return [Name(*t) for t in sorted(unique)]
