"""Read ``seeds/places.yml`` and ``seeds/actors.yml``, keeping the line of every entry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from archive.config import Paths
from archive.errors import Problem
from archive.gazetteer.matcher import RULE_KEYS, WORD_CLASSES, ContextRule, name_tokens
from archive.gazetteer.model import Entity, Gazetteer, Kind, make_key, ref_key

FILES: dict[Kind, str] = {"place": "places.yml", "actor": "actors.yml"}
FIELDS: dict[Kind, tuple[str, ...]] = {
    "place": ("id", "name", "aliases", "type", "description", "parent", "lat", "lon",
              "geonames_id", "context"),
    "actor": ("id", "name", "aliases", "type", "description", "affiliation", "context"),
}
#: Keys of an entry's ``context`` mapping (see README.md, "Homographs").
CONTEXT_KEYS = (*RULE_KEYS, "excludes_tanwin", "names")
CONTEXT_HINT = ("context is a mapping with any of: " + ", ".join(CONTEXT_KEYS)
                + " (lists of words; excludes_tanwin: true or false)")
TEXT_FIELDS = frozenset({"id", "name", "type", "description", "parent"})
FORMAT_HINT = "each file is a YAML list of mappings with id, name, aliases, type, description"


def gazetteer_files(paths: Paths) -> dict[Kind, Path]:
    return {kind: paths.seeds / name for kind, name in FILES.items()}


def load_gazetteer(paths: Paths) -> tuple[Gazetteer, list[Problem]]:
    """Load both files. Problems are syntax and shape errors; see :func:`validate` for more."""
    records: list[Entity] = []
    problems: list[Problem] = []
    for kind, file in gazetteer_files(paths).items():
        rel = paths.rel(file)
        if not file.is_file():
            continue  # an archive without a gazetteer is valid: no names are recognised
        recs, probs = parse_entries(file.read_text(encoding="utf-8-sig"), kind, rel)
        records.extend(recs)
        problems.extend(probs)
    return build(records), problems


def build(records: list[Entity]) -> Gazetteer:
    """A gazetteer from records; the first record of a duplicated key is kept."""
    entities: dict[str, Entity] = {}
    for rec in records:
        if rec.id and rec.key not in entities:
            entities[rec.key] = rec
    return Gazetteer(dict(sorted(entities.items())), records)


def _scalar(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    return loader.construct_object(node, deep=True)


#: libyaml's parser when PyYAML was built with it (about 6x faster), else the pure-Python one.
FAST_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: Characters around which libyaml and PyYAML disagree (see :func:`_compose`).
_PY_ONLY = ("\t", "?")


def _compose(text: str) -> tuple[Any, yaml.SafeLoader]:
    """The document's root node and the loader that composed it (to construct values with).

    libyaml composes the nodes; on a syntax error the pure-Python parser reads the text again,
    so the message and line a maintainer sees are PyYAML's whatever parser is installed. libyaml
    accepts some text PyYAML rejects (a tab where YAML forbids one, ``?`` keys inside ``[...]``):
    a text holding a tab or ``?`` goes to the pure-Python parser only."""
    fast = FAST_LOADER if not any(ch in text for ch in _PY_ONLY) else yaml.SafeLoader
    for loader_class in dict.fromkeys((fast, yaml.SafeLoader)):
        loader = loader_class(text)
        try:
            return loader.get_single_node(), loader
        except yaml.YAMLError:
            if loader_class is yaml.SafeLoader:
                raise
        finally:
            loader.dispose()
    raise AssertionError("not reached")


def parse_entries(text: str, kind: Kind, rel: str) -> tuple[list[Entity], list[Problem]]:
    """Parse one gazetteer file's text."""
    problems: list[Problem] = []
    try:
        root, loader = _compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else None
        msg = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return [], [Problem(rel, f"YAML syntax error: {msg}", "fix the YAML syntax", line)]
    if root is None:
        return [], []
    if not isinstance(root, yaml.SequenceNode):
        return [], [Problem(rel, "expected a list of entries", FORMAT_HINT,
                            root.start_mark.line + 1)]
    records: list[Entity] = []
    for item in root.value:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            problems.append(Problem(rel, "entry is not a mapping", FORMAT_HINT, line))
            continue
        raw: dict[str, Any] = {}
        lines: dict[str, int] = {}
        for knode, vnode in item.value:
            key = str(_scalar(loader, knode))
            if key in raw:
                problems.append(Problem(rel, f"field {key!r} given twice in one entry",
                                        "keep one", knode.start_mark.line + 1))
                continue
            try:
                raw[key] = _scalar(loader, vnode)
            except yaml.YAMLError as exc:
                first = str(getattr(exc, "problem", "") or exc).splitlines()[0]
                problems.append(Problem(rel, f"cannot read field {key!r}: {first}",
                                        "write plain YAML values (no tags)",
                                        vnode.start_mark.line + 1))
                continue
            if key in TEXT_FIELDS and isinstance(raw[key], list | dict):
                problems.append(Problem(rel, f"field {key!r} must be a single text value",
                                        f"write '{key}: ...' on one line",
                                        knode.start_mark.line + 1))
                raw[key] = None
            lines[key] = knode.start_mark.line + 1
            if key == "aliases" and isinstance(vnode, yaml.SequenceNode):
                for i, anode in enumerate(vnode.value):
                    lines[f"aliases[{i}]"] = anode.start_mark.line + 1
            if key == "context" and isinstance(vnode, yaml.MappingNode):
                for cknode, _ in vnode.value:
                    lines[f"context.{_scalar(loader, cknode)}"] = cknode.start_mark.line + 1
        for key in sorted(set(raw) - set(FIELDS[kind])):
            problems.append(Problem(rel, f"unknown field {key!r} in this {kind} entry",
                                    f"allowed fields: {', '.join(FIELDS[kind])}", lines[key]))
        rec, probs = _entity(raw, kind, rel, line, lines)
        problems.extend(probs)
        records.append(rec)
    return records, problems


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _number(value: Any, name: str, rel: str, line: int, problems: list[Problem]) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.append(Problem(rel, f"{name} must be a number, got {value!r}",
                                "write decimal degrees, e.g. 32.61889", line))
        return None
    return float(value)


def _entity(raw: dict[str, Any], kind: Kind, rel: str, line: int,
            lines: dict[str, int]) -> tuple[Entity, list[Problem]]:
    problems: list[Problem] = []
    ident = _text(raw.get("id"))
    aliases_raw = raw.get("aliases") or []
    if isinstance(aliases_raw, str):
        aliases_raw = [aliases_raw]
    if not isinstance(aliases_raw, list):
        problems.append(Problem(rel, "aliases must be a list of names", "",
                                lines.get("aliases", line)))
        aliases_raw = []
    aliases = tuple(_text(a) for a in aliases_raw if _text(a))
    parent = _text(raw.get("parent")) or None
    affiliation: tuple[str, ...] | None = None
    if kind == "actor" and raw.get("affiliation") is not None:
        aff = raw["affiliation"]
        aff_list = [aff] if isinstance(aff, str) else aff
        if not isinstance(aff_list, list):
            problems.append(Problem(rel, "affiliation must be a list of ids", "",
                                    lines.get("affiliation", line)))
            aff_list = []
        affiliation = tuple(ref_key(_text(a), "actor") for a in aff_list if _text(a))
    context = _context(raw.get("context"), rel, line, lines, problems)
    gid = raw.get("geonames_id")
    if gid is not None and (isinstance(gid, bool) or not isinstance(gid, int)):
        problems.append(Problem(rel, f"geonames_id must be an integer, got {gid!r}", "",
                                lines.get("geonames_id", line)))
        gid = None
    entity = Entity(
        key=make_key(kind, ident),
        id=ident,
        kind=kind,
        name=_text(raw.get("name")),
        aliases=aliases,
        type=_text(raw.get("type")),
        description=_text(raw.get("description")),
        parent=ref_key(parent, "place") if parent else None,
        lat=_number(raw.get("lat"), "lat", rel, lines.get("lat", line), problems),
        lon=_number(raw.get("lon"), "lon", rel, lines.get("lon", line), problems),
        geonames_id=gid,
        affiliation=affiliation,
        context=context,
        path=rel,
        line=line,
        field_lines=lines,
    )
    return entity, problems


def _context(value: Any, rel: str, line: int, lines: dict[str, int],
             problems: list[Problem]) -> ContextRule | None:
    """The ``context`` field as a :class:`ContextRule` (shape errors reported, bad parts
    dropped). Phrases are normalized like names; word classes (``@given-name``) kept."""
    if value is None:
        return None
    where = lines.get("context", line)
    if not isinstance(value, dict):
        problems.append(Problem(rel, "context must be a mapping", CONTEXT_HINT, where))
        return None
    parts: dict[str, Any] = {}
    for key in sorted(value, key=str):
        at = lines.get(f"context.{key}", where)
        item = value[key]
        if key not in CONTEXT_KEYS:
            problems.append(Problem(rel, f"unknown context key {key!r}", CONTEXT_HINT, at))
            continue
        if key == "excludes_tanwin":
            if not isinstance(item, bool):
                problems.append(Problem(rel, f"excludes_tanwin must be true or false, got "
                                        f"{item!r}", "write excludes_tanwin: true", at))
                continue
            parts[key] = item
            continue
        items = [item] if isinstance(item, str) else item
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            problems.append(Problem(rel, f"context {key} must be a list of words or phrases",
                                    f"write {key}: [word, another phrase]", at))
            continue
        phrases: list[tuple[str, ...]] = []
        for text in items:
            phrase = _phrase(text)
            if not phrase:
                problems.append(Problem(rel, f"context {key}: {text!r} has no letters",
                                        "remove it", at))
                continue
            bad = [w for w in phrase if w.startswith("@") and w not in WORD_CLASSES]
            if bad or (len(phrase) > 1 and any(w.startswith("@") for w in phrase)):
                problems.append(Problem(
                    rel, f"context {key}: {text!r} is not a word class", "a word class stands "
                    f"alone; known classes: {', '.join(sorted(WORD_CLASSES))}", at))
                continue
            if key == "names" or phrase not in phrases:
                phrases.append(phrase)
        parts[key] = tuple(phrases)
    names = parts.pop("names", None)
    rule = ContextRule(**parts, names=frozenset(names) if names is not None else None)
    if not (rule.requires or rule.excludes_before or rule.excludes_after
            or rule.excludes_tanwin):
        problems.append(Problem(rel, "context has no rule", CONTEXT_HINT, where))
        return None
    return rule


def _phrase(text: str) -> tuple[str, ...]:
    text = text.strip()
    if text.startswith("@"):
        return (text,)
    return name_tokens(text)
