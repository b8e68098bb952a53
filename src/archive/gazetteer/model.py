"""Gazetteer records: places and actors curated in ``seeds/places.yml`` and ``seeds/actors.yml``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from archive.gazetteer.matcher import ContextRule, NameMatcher

Kind = Literal["place", "actor"]
KINDS: tuple[Kind, ...] = ("place", "actor")

#: Allowed ``type`` values. Countries are places (type ``country``); a mention of a country
#: acting (روسيا قدّمت…) counts as a mention of that place. Actor type ``state`` is for a
#: government named as such (النظام السوري).
PLACE_TYPES: tuple[str, ...] = (
    "country", "governorate", "region", "city", "town", "village", "neighbourhood", "camp",
    "military site", "checkpoint", "landmark", "facility", "mountain", "hill", "desert",
)
ACTOR_TYPES: tuple[str, ...] = (
    "person", "armed group", "military unit", "political body", "state", "media outlet",
    "international body",
)
TYPES: dict[str, tuple[str, ...]] = {"place": PLACE_TYPES, "actor": ACTOR_TYPES}


def make_key(kind: str, ident: str) -> str:
    return f"{kind}:{ident}"


def ref_key(value: str, default_kind: str) -> str:
    """A reference as written in YAML or front matter: ``"daraa"`` or ``"place:daraa"``."""
    value = value.strip()
    if ":" in value:
        return value
    return make_key(default_kind, value)


@dataclass(frozen=True, slots=True)
class Entity:
    """One gazetteer entry. ``key`` is ``"<kind>:<id>"``; ``line`` is where the entry starts."""

    key: str
    id: str
    kind: Kind
    name: str
    aliases: tuple[str, ...]
    type: str
    description: str
    parent: str | None = None  # key of the enclosing place (places only)
    lat: float | None = None
    lon: float | None = None
    geonames_id: int | None = None
    affiliation: tuple[str, ...] | None = None  # keys (actors only)
    context: ContextRule | None = None  # when a homograph name of this entry is linked
    path: str = ""
    line: int = 0
    field_lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    @property
    def names(self) -> tuple[str, ...]:
        """The name followed by its aliases (as written)."""
        return (self.name, *self.aliases) if self.name else self.aliases

    def line_of(self, field_name: str) -> int:
        return self.field_lines.get(field_name, self.line)


@dataclass(slots=True)
class Gazetteer:
    """Every entity by key (sorted), plus every record as read (duplicates included)."""

    entities: dict[str, Entity]
    records: list[Entity] = field(default_factory=list)
    _matcher: NameMatcher | None = field(default=None, repr=False)

    def __iter__(self) -> Iterator[Entity]:
        return iter(self.entities.values())

    def __len__(self) -> int:
        return len(self.entities)

    def get(self, key: str) -> Entity | None:
        return self.entities.get(key)

    def resolve(self, value: str, kind: str) -> Entity | None:
        """The entity a front-matter item names: an id (``daraa``), a key (``place:daraa``)
        or one of its names (``درعا``, ``Deraa``); ``None`` when unknown or of another kind."""
        entity = self.entities.get(ref_key(value, kind))
        if entity is None:
            from archive.gazetteer.matcher import name_tokens

            key = self.matcher().names.get(name_tokens(value))
            entity = self.entities.get(key) if key else None
        return entity if entity is not None and entity.kind == kind else None

    def of_kind(self, kind: str) -> list[Entity]:
        return [e for e in self.entities.values() if e.kind == kind]

    def children(self, key: str) -> list[Entity]:
        """Places whose parent is ``key``, sorted by key."""
        return [e for e in self.entities.values() if e.parent == key]

    def ancestors(self, key: str) -> list[Entity]:
        """Enclosing places from the nearest up (stops at a missing parent or a cycle)."""
        out: list[Entity] = []
        seen = {key}
        entity = self.entities.get(key)
        while entity is not None and entity.parent and entity.parent not in seen:
            seen.add(entity.parent)
            entity = self.entities.get(entity.parent)
            if entity is not None:
                out.append(entity)
        return out

    def country_of(self, key: str) -> Entity | None:
        """The nearest enclosing (or own) place of type ``country``."""
        entity = self.entities.get(key)
        for e in ([entity] if entity else []) + self.ancestors(key):
            if e.type == "country":
                return e
        return None

    def matcher(self) -> NameMatcher:
        """The name matcher for :class:`archive.analysis.Analyzer` (built once)."""
        if self._matcher is None:
            from archive.gazetteer.matcher import NameMatcher

            self._matcher = NameMatcher.from_gazetteer(self)
        return self._matcher

    def export_table(self) -> dict[str, object]:
        """The name table for the browser's analyzer (see :meth:`NameMatcher.export_table`)."""
        return self.matcher().export_table()
