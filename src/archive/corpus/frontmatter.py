"""Optional YAML front matter: a leading ``---`` block of ``key: value`` lines.

Known keys: title, date, source, url, places, actors, tags. Unknown keys are kept (returned in
``FrontMatter.extra``) and reported as warnings. YAML timestamps are *not* resolved: a date stays
the text that was written, so an impossible date ("2021-02-30") gets a clear error from
:func:`archive.corpus.dates.parse_date_field` instead of a crash inside the YAML library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from archive.corpus.dates import parse_date_field
from archive.errors import Problem

KNOWN_KEYS = ("title", "date", "source", "url", "author", "places", "actors", "tags")

_OPEN = re.compile(r"---[ \t]*(?:\n|$)")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


def _loader_class(base: type) -> type:
    """``base`` (a safe loader) with YAML timestamps switched off: dates stay as written."""
    resolvers = {
        first: [(tag, rx) for tag, rx in items if tag != "tag:yaml.org,2002:timestamp"]
        for first, items in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return type("DatesAsTextLoader", (base,), {"yaml_implicit_resolvers": resolvers})


#: the pure-Python loader, and libyaml's (faster) when PyYAML was built with it
PY_LOADER = _loader_class(yaml.SafeLoader)
LOADER = _loader_class(yaml.CSafeLoader) if getattr(yaml, "__with_libyaml__", False) else PY_LOADER

#: The keys a block read without YAML (:func:`_simple_block`) may hold: one line of text each.
SIMPLE_KEYS = frozenset(("title", "date", "source", "url", "author"))
#: One ``key: value`` line of such a block: a lower-case key, then the value in double quotes
#: with no backslash or quote in it, in single quotes with no quote in it, or plain (not
#: starting with a YAML indicator or a space, no ``#`` anywhere), trailing spaces dropped.
_SIMPLE_LINE = re.compile(
    r"""([a-z]+): +(?:"([^"\\]*)"|'([^']*)'|([^\s\-?:,\[\]{}#&*!|>'"%@`][^#]*?)) *""")
#: What a value of such a line may be made of: printable to YAML (1.1: PyYAML and libyaml),
#: not one of its line breaks (U+0085, U+2028, U+2029), no tab, no byte-order mark.
_SIMPLE_TEXT = re.compile(
    "[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd"
    "\U00010000-\U0010ffff]*")
#: The tags YAML gives a plain value (:data:`LOADER`'s implicit resolvers: no timestamps).
_RESOLVER = type("DatesAsTextResolver", (yaml.resolver.Resolver,),
                 {"yaml_implicit_resolvers": LOADER.yaml_implicit_resolvers})()
_STR_TAG = "tag:yaml.org,2002:str"
#: the first characters of a plain value that _RESOLVER has implicit resolvers for: a value
#: starting with another is given the str tag without a look at it (as yaml.resolver.Resolver.
#: resolve does, unless it has resolvers for any first character or by path: then each is seen)
_RESOLVED_FIRST = frozenset(_RESOLVER.yaml_implicit_resolvers)
_RESOLVE_ALL = None in _RESOLVED_FIRST or bool(_RESOLVER.yaml_path_resolvers)
_URL = re.compile(r"https?://\S+$")


def _simple_block(yaml_text: str) -> tuple[dict[str, str], list[str]] | None:
    """``(data, keys)`` of a front-matter block as YAML reads it (``keys``: one per line, in
    order), without YAML, when every line is a ``key: value`` line of :data:`_SIMPLE_LINE`
    for a distinct key of :data:`SIMPLE_KEYS` whose value YAML reads as that text (a plain
    value it resolves to a string, not a number, boolean or null); None otherwise (the block
    is then read by YAML). What an imported article's block is: a tenth of the cost of
    libyaml's parse."""
    lines = yaml_text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines:
        return None
    data: dict[str, str] = {}
    for line in lines:
        m = _SIMPLE_LINE.fullmatch(line)
        if m is None:
            return None
        key, double, single, plain = m.groups()
        if key not in SIMPLE_KEYS or key in data:
            return None
        if plain is not None:
            if (": " in plain or plain.endswith(":")
                    or ((_RESOLVE_ALL or plain[0] in _RESOLVED_FIRST)
                        and _RESOLVER.resolve(yaml.ScalarNode, plain, (True, False)) != _STR_TAG)):
                return None
            value = plain
        else:
            value = double if double is not None else single
        if not _SIMPLE_TEXT.fullmatch(value):
            return None
        data[key] = value
    return data, list(data)


@dataclass(slots=True)
class FrontMatter:
    """What a front-matter block gave. Unset fields are None / empty."""

    title: str | None = None
    date: str | None = None
    source: str | None = None
    url: str | None = None
    author: str | None = None
    places: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Split:
    """A file's text cut into front matter and article text.

    ``body`` is ``text[body_start:]``; ``body_line`` is the file line where it starts.
    ``front`` is None when the file has no front matter (or it could not be read).
    """

    front: FrontMatter | None
    body: str
    body_start: int
    body_line: int
    problems: list[Problem]


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def split_front_matter(text: str, path: str) -> Split:
    """Cut ``text`` (decoded, LF line endings, no BOM) into front matter and article text."""
    if not _OPEN.match(text):
        return Split(None, text, 0, 1, [])
    first_nl = text.find("\n")
    closing = _CLOSE.search(text, first_nl + 1) if first_nl >= 0 else None
    if closing is None:
        return Split(None, "", len(text), 1, [Problem(
            path, "front matter opened with '---' on line 1 is never closed",
            "add a line '---' after the last key: value line (or remove the opening '---')",
            line=1,
        )])
    yaml_text = text[first_nl + 1:closing.start()]
    close_line = text.count("\n", 0, closing.start()) + 1
    body_start = closing.end()
    if body_start < len(text) and text[body_start] == "\n":
        body_start += 1
    body_line = close_line + 1
    front, problems = parse_front_matter(yaml_text, path, first_line=2)
    return Split(front, text[body_start:], body_start, body_line, problems)


def parse_front_matter(
    yaml_text: str, path: str, first_line: int = 2
) -> tuple[FrontMatter | None, list[Problem]]:
    """Read the YAML between the ``---`` lines; ``first_line`` is its first line in the file.

    Returns (None, errors) when the block cannot be used at all.
    """
    problems: list[Problem] = []
    simple = _simple_block(yaml_text)
    if simple is not None:
        data, keys = simple
        return _front(data, {k: first_line + i for i, k in enumerate(keys)}, path,
                      first_line, problems)
    loader = LOADER(yaml_text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        # the problem mark is where the parser noticed; when that is the end of the block
        # (an unclosed "[" or quote), the context mark says where the broken construct starts
        mark = exc.problem_mark or exc.context_mark
        last_line = yaml_text.count("\n") - (1 if yaml_text.endswith("\n") else 0)
        if exc.context_mark is not None and (mark is None or mark.line >= last_line + 1
                                              or "end of stream" in (exc.problem or "")):
            mark = exc.context_mark
        line = first_line + mark.line if mark is not None else first_line - 1
        what = _one_line("; ".join(x for x in (exc.context, exc.problem) if x))
        if exc.problem_mark and exc.problem_mark.line != mark.line:
            what += f" (noticed at line {first_line + exc.problem_mark.line})"
        return None, [Problem(
            path, f"front matter is not valid YAML: {what}",
            "fix this line of the '---' block: write 'key: value', quote values that contain"
            " ': ' or start with a special character ([ { > | * & ! % @ `), indent with spaces",
            line=line,
        )]
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        return None, [Problem(
            path, f"front matter is not valid YAML: {_one_line(str(exc))}",
            "fix the '---' block at the top of the file", line=first_line - 1,
        )]
    finally:
        loader.dispose()

    if data is None:
        problems.append(Problem(
            path, "front matter is empty", "remove the empty '---' block or add keys to it",
            line=first_line - 1, severity="warning",
        ))
        return FrontMatter(), problems
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a single value ({_one_line(data)[:40]!r})"
        return None, [Problem(
            path, f"front matter must be a mapping of 'key: value' lines, but it is {kind}",
            "write one 'key: value' per line, e.g. 'title: ...' and 'date: 2021-09-05'",
            line=first_line,
        )]

    key_lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _value in node.value:
            name = str(key_node.value)
            line = first_line + key_node.start_mark.line
            if name in key_lines:
                problems.append(Problem(
                    path, f"front-matter key {name!r} is given twice (lines {key_lines[name]}"
                    f" and {line}); only the last one counts",
                    "keep one of them", line=line,
                ))
            key_lines[name] = line
    return _front(data, key_lines, path, first_line, problems)


def _front(data: dict[Any, Any], key_lines: dict[str, int], path: str, first_line: int,
           problems: list[Problem]) -> tuple[FrontMatter, list[Problem]]:
    """The front matter of a block's mapping ``data`` (keys at ``key_lines``), its problems
    added to ``problems``."""
    front = FrontMatter()
    for key in sorted(data, key=str):
        value = data[key]
        name = str(key)
        line = key_lines.get(name, first_line)

        def err(message: str, hint: str, _line: int = line) -> None:
            problems.append(Problem(path, message, hint, line=_line))

        if name not in KNOWN_KEYS:
            front.extra[name] = value
            problems.append(Problem(
                path, f"unknown front-matter key {name!r} (kept, but not used)",
                f"known keys are {', '.join(KNOWN_KEYS)}; rename it if it is a typo",
                line=line, severity="warning",
            ))
            continue
        if value is None:
            continue  # "source:" with nothing after it: treated as not given
        if name == "date":
            try:
                front.date = parse_date_field(value)
            except ValueError as exc:
                err(str(exc), "write the date as YYYY-MM-DD, YYYY-MM or YYYY (e.g. 2021-09-05)")
        elif name in ("title", "source", "url", "author"):
            if isinstance(value, (bool, list, dict)):
                err(f"{name} must be text, not {type(value).__name__}",
                    f"write '{name}: ...' with a single line of text (quote it if needed)")
                continue
            text = _one_line(value)
            if not text:  # common in real dumps (an article without a headline): not fatal
                problems.append(Problem(
                    path, f"{name} is empty, taken as not given"
                    + (" (the title is taken from the text)" if name == "title" else ""),
                    f"write a {name} or remove the '{name}:' line", line=line,
                    severity="warning",
                ))
                continue
            if name == "url" and not _URL.match(text):
                err(f"url {text[:80]!r} is not an http(s) address",
                    "write the full address, starting with https:// or http://")
                continue
            setattr(front, name, text)
        else:  # places, actors, tags
            items = [value] if isinstance(value, (str, int, float)) else value
            if isinstance(items, bool) or not isinstance(items, list):
                err(f"{name} must be a list of names, not {type(value).__name__}",
                    f"write '{name}: [a, b]' or one '- a' line per item")
                continue
            clean: list[str] = []
            for item in items:
                if isinstance(item, (bool, list, dict)) or item is None:
                    err(f"{name} has an item that is not a name: {item!r}",
                        f"each item of {name} must be a single word or quoted text")
                    continue
                text = _one_line(item)
                if text and text not in clean:
                    clean.append(text)
            setattr(front, name, clean)
    return front, problems
