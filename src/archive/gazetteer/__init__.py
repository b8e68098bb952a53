"""The gazetteer: curated places and actors, name matching and validation.

- :func:`load_gazetteer` reads ``seeds/places.yml`` and ``seeds/actors.yml``.
- :meth:`Gazetteer.matcher` finds names in analyzed text (clitic-aware, longest match).
- :func:`validate` checks the gazetteer and articles' references to it.
"""

from archive.gazetteer.loader import load_gazetteer, parse_entries
from archive.gazetteer.matcher import PROCLITICS, NameMatcher, name_tokens
from archive.gazetteer.model import ACTOR_TYPES, PLACE_TYPES, Entity, Gazetteer
from archive.gazetteer.validate import validate

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
