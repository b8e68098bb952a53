"""The gazetteer: curated places and actors, name matching and validation.

- :func:`load_gazetteer` reads ``seeds/places.yml`` and ``seeds/actors.yml``.
- :meth:`Gazetteer.matcher` finds names in analyzed text (clitic-aware, longest match).
- :func:`validate` checks the gazetteer and articles' references to it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from archive.gazetteer.loader import load_gazetteer, parse_entries
    from archive.gazetteer.matcher import PROCLITICS, NameMatcher, name_tokens
    from archive.gazetteer.model import ACTOR_TYPES, PLACE_TYPES, Entity, Gazetteer
    from archive.gazetteer.validate import validate

#: Where each name below lives: imported on first use, so that reading a kept gazetteer
#: (model and matcher classes) does not import the YAML loader.
_HOME = {
    "load_gazetteer": "loader", "parse_entries": "loader",
    "PROCLITICS": "matcher", "NameMatcher": "matcher", "name_tokens": "matcher",
    "ACTOR_TYPES": "model", "PLACE_TYPES": "model", "Entity": "model", "Gazetteer": "model",
    "validate": "validate",
}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'archive.gazetteer' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"archive.gazetteer.{_HOME[name]}"), name)
    globals()[name] = value
    return value


__all__ = [
    "ACTOR_TYPES",
    "PLACE_TYPES",
    "PROCLITICS",
    "Entity",
    "Gazetteer",
    "NameMatcher",
    "load_gazetteer",
    "name_tokens",
    "parse_entries",
    "validate",
]
