"""One article file: YAML front matter and the article text below it, as data.

The front matter is written by this module, not by a YAML library, so that the bytes are the
same on every machine (PyYAML's C and Python emitters do not always quote alike) and fast. Each
value is a plain scalar only when that is certainly read back as the same text (it starts with
a letter or digit, holds no YAML indicator such as ``: `` or `` #``, and is not a number,
boolean or null); otherwise it is double-quoted with JSON escapes, which YAML reads as written.
Tests read every file back with the loader's own YAML loaders.

The body is never interpreted: the loader takes everything after the closing ``---`` line as
the article text, so a body that starts with ``---`` or holds ``key: value`` lines reads back
unchanged. Front matter is always written (``{}`` when no field is known) so that such a body
can never be taken for front matter.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import yaml

_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
#: characters YAML does not allow raw in a file, or reads as line breaks: escaped when quoted
_ESCAPE = re.compile("[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd"
                     "\U00010000-\U0010ffff]")
#: characters that keep a scalar from being written plain
_NOT_PLAIN = re.compile(r": |:$| #|[\[\]{},\"'`\t\n\r]|[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff"
                        "\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_SIMPLE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


class _Resolver(yaml.resolver.Resolver):
    """The loader's resolvers: the YAML 1.1 ones without timestamps (dates stay text)."""


_Resolver.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in items if tag != "tag:yaml.org,2002:timestamp"]
    for first, items in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
}
_RESOLVER = _Resolver()
_STR = "tag:yaml.org,2002:str"


def _plain_ok(text: str) -> bool:
    return bool(text) and text[0].isalnum() and text == text.strip() \
        and not _NOT_PLAIN.search(text) \
        and _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == _STR


def _quoted(text: str) -> str:
    out = json.dumps(text, ensure_ascii=False)
    return _ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}" if ord(m.group()) <= 0xFFFF
                       else f"\\U{ord(m.group()):08x}", out)


def scalar(value: Any) -> str:
    """One YAML scalar that reads back as ``value`` (text, int, bool or float)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else _quoted(repr(value))
    text = str(value)
    return text if _plain_ok(text) else _quoted(text)


def front_matter(fields: dict[str, Any]) -> str:
    """The ``---`` block for ``fields`` (in their order). Values: scalars or lists of them."""
    if not fields:
        return "---\n{}\n---\n"
    lines = ["---"]
    for key, value in fields.items():
        name = key if _SIMPLE_KEY.fullmatch(key) and _plain_ok(key) else _quoted(key)
        if isinstance(value, list) and not value:
            lines.append(f"{name}: []")
        elif isinstance(value, list):
            lines.append(f"{name}:")
            lines.extend(f"- {scalar(item)}" for item in value)
        else:
            lines.append(f"{name}: {scalar(value)}")
    lines.append("---\n")
    text = "\n".join(lines)
    assert not _CLOSE.search(text, 4, len(text) - 4), text  # only the two fences
    return text


def render(fields: dict[str, Any], body: str) -> bytes:
    return (front_matter(fields) + body + "\n").encode("utf-8")


