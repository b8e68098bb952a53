"""Consistency checks of the gazetteer and of articles' references to it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from archive.errors import Problem
from archive.gazetteer.matcher import name_tokens
from archive.gazetteer.model import TYPES, Entity, Gazetteer

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class ArticleRefs(Protocol):
    """What :func:`validate` needs of an article (``archive.corpus.article.Article`` fits)."""

    path: str
    places: list[str]
    actors: list[str]


def validate(gazetteer: Gazetteer, articles: Iterable[ArticleRefs] = (),
             root: Path | None = None) -> list[Problem]:
    """Every problem found, sorted by file and line. ``root`` lets article lines be found."""
    problems: list[Problem] = []
    problems += _check_records(gazetteer)
    problems += _check_names(gazetteer)
    problems += _check_parents(gazetteer)
    problems += _check_affiliations(gazetteer)
    problems += _check_articles(gazetteer, articles, root)
    return sorted(problems, key=lambda p: (p.path, p.line or 0, p.message))


def _check_records(gaz: Gazetteer) -> list[Problem]:
    out: list[Problem] = []
    first: dict[str, Entity] = {}
    for rec in gaz.records:
        if not rec.id:
            out.append(Problem(rec.path, f"{rec.kind} entry has no id",
                               "add a stable ASCII id, e.g. id: daraa-al-balad", rec.line))
        elif not ID_RE.match(rec.id):
            out.append(Problem(rec.path, f"id {rec.id!r} is not a lowercase ASCII slug",
                               "use a-z, 0-9 and single hyphens (it is used in URLs)",
                               rec.line_of("id")))
        elif rec.key in first and first[rec.key] is not rec:
            other = first[rec.key]
            out.append(Problem(rec.path, f"duplicate id {rec.id!r} (first at "
                               f"{other.path}:{other.line})", "give each entry its own id",
                               rec.line_of("id")))
        else:
            first[rec.key] = rec
        for field in ("name", "type", "description"):
            if not getattr(rec, field):
                out.append(Problem(rec.path, f"{rec.key}: missing required field {field!r}",
                                   "fill it in", rec.line))
        allowed = TYPES[rec.kind]
        if rec.type and rec.type not in allowed:
            out.append(Problem(rec.path, f"{rec.key}: unknown {rec.kind} type {rec.type!r}",
                               f"use one of: {', '.join(allowed)}", rec.line_of("type")))
        out += _check_coordinates(rec)
    return out


def _check_coordinates(rec: Entity) -> list[Problem]:
    out: list[Problem] = []
    if rec.lat is not None and not -90 <= rec.lat <= 90:
        out.append(Problem(rec.path, f"{rec.key}: latitude {rec.lat} out of range",
                           "latitude is between -90 and 90", rec.line_of("lat")))
    if rec.lon is not None and not -180 <= rec.lon <= 180:
        out.append(Problem(rec.path, f"{rec.key}: longitude {rec.lon} out of range",
                           "longitude is between -180 and 180", rec.line_of("lon")))
    if (rec.lat is None) != (rec.lon is None):
        out.append(Problem(rec.path, f"{rec.key}: only one of lat/lon given",
                           "give both or neither", rec.line_of("lat" if rec.lat else "lon")))
    if (rec.lat is not None or rec.geonames_id is not None) and rec.kind == "actor":
        out.append(Problem(rec.path, f"{rec.key}: actors have no coordinates",
                           "remove lat/lon/geonames_id", rec.line))
    return out


def _check_names(gaz: Gazetteer) -> list[Problem]:
    """Names without letters, context rules naming a name the entry does not have, and a name
    claimed by two entries that no context tells apart: of the entries sharing a name, all
    but one must require a context for it (``requires_before``/``requires_after``)."""
    out: list[Problem] = []
    owner: dict[tuple[str, ...], tuple[Entity, str]] = {}  # the entry linked by default
    for rec in gaz.records:
        if not rec.id:
            continue
        own: set[tuple[str, ...]] = set()
        for index, written in enumerate(rec.names):
            field = "name" if (index == 0 and rec.name) else f"aliases[{index - bool(rec.name)}]"
            line = rec.line_of(field) if field in rec.field_lines else rec.line_of("aliases")
            toks = name_tokens(written)
            if not toks:
                out.append(Problem(rec.path, f"{rec.key}: name {written!r} has no letters",
                                   "remove it", line))
                continue
            own.add(toks)
            if _told_apart(rec, toks):
                continue
            prev = owner.get(toks)
            if prev is None:
                owner[toks] = (rec, written)
            elif prev[0].key != rec.key:
                other, other_written = prev
                out.append(Problem(
                    rec.path,
                    f"{rec.key}: name {written!r} is also claimed by {other.key} "
                    f"({other_written!r} at {other.path}:{other.line})",
                    "a name may belong to one entry only, unless all but one of the entries "
                    "sharing it require a context for it (context: requires_before or "
                    "requires_after); remove or change one of them", line))
        rule = rec.context
        if rule is not None and rule.names is not None:
            for toks in sorted(rule.names - own):
                out.append(Problem(rec.path, f"{rec.key}: context names {' '.join(toks)!r}, "
                                   "which is not a name of this entry",
                                   "list only the entry's name or aliases under context.names",
                                   rec.line_of("context.names")))
    return out


def _told_apart(rec: Entity, toks: tuple[str, ...]) -> bool:
    """``rec`` links the name ``toks`` only where a required context confirms it."""
    return rec.context is not None and rec.context.requires and rec.context.guards(toks)


def _check_parents(gaz: Gazetteer) -> list[Problem]:
    out: list[Problem] = []
    for rec in gaz.records:
        if not rec.parent:
            continue
        line = rec.line_of("parent")
        if rec.kind == "actor":
            out.append(Problem(rec.path, f"{rec.key}: actors have no parent",
                               "use affiliation for an actor's organisation", line))
            continue
        parent = gaz.entities.get(rec.parent)
        if parent is None:
            out.append(Problem(rec.path, f"{rec.key}: parent {rec.parent!r} is not in the "
                               "gazetteer", "add that place or fix the id", line))
            continue
        if parent.kind != "place":
            out.append(Problem(rec.path, f"{rec.key}: parent {rec.parent!r} is not a place",
                               "a parent is the enclosing place", line))
            continue
        seen = [rec.key]
        node: Entity | None = parent
        while node is not None:
            if node.key in seen:
                chain = " → ".join([*seen, node.key])
                out.append(Problem(rec.path, f"{rec.key}: cyclic parent chain {chain}",
                                   "a place cannot enclose itself", line))
                break
            seen.append(node.key)
            node = gaz.entities.get(node.parent) if node.parent else None
    return out


def _check_affiliations(gaz: Gazetteer) -> list[Problem]:
    out: list[Problem] = []
    for rec in gaz.records:
        for key in rec.affiliation or ():
            if key not in gaz.entities:
                out.append(Problem(rec.path, f"{rec.key}: affiliation {key!r} is not in the "
                                   "gazetteer", "add that entry or fix the id",
                                   rec.line_of("affiliation")))
            elif key == rec.key:
                out.append(Problem(rec.path, f"{rec.key}: affiliated with itself", "",
                                   rec.line_of("affiliation")))
    return out


def _front_matter_line(root: Path | None, rel: str, value: str) -> int | None:
    if root is None:
        return None
    try:
        lines = (root / rel).read_text(encoding="utf-8-sig").splitlines()
    except OSError:
        return None
    if not lines or lines[0].strip() != "---":
        return None
    for number, text in enumerate(lines[1:], start=2):
        if text.strip() == "---":
            break
        if value in text:
            return number
    return None


def _check_articles(gaz: Gazetteer, articles: Iterable[ArticleRefs],
                    root: Path | None) -> list[Problem]:
    out: list[Problem] = []
    for art in articles:
        for field, kind in (("places", "place"), ("actors", "actor")):
            for value in getattr(art, field, None) or []:
                if gaz.resolve(str(value), kind) is not None:
                    continue
                line = _front_matter_line(root, art.path, str(value)) or 1
                hint = (f"add it to seeds/{'places' if kind == 'place' else 'actors'}.yml "
                        "or fix the id (`archive entities list` shows the known ids)")
                out.append(Problem(art.path, f"front matter {field}: unknown {kind} "
                                   f"{value!r}", hint, line))
    return out
