"""One article file: YAML front matter (safe YAML, read back by the corpus loader exactly as
written) and the article text below it, as data.

The body is never interpreted: the loader takes everything after the closing ``---`` line as
the article text, so a body that starts with ``---`` or holds ``key: value`` lines reads back
unchanged. Front matter is always written (``{}`` when no field is known) so that such a body
can never be taken for front matter.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml

_UMASK = os.umask(0o022)
os.umask(_UMASK)
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


class _Dumper(yaml.SafeDumper):
    """Safe dumper that writes dates unquoted (the loader reads them as text, YAML timestamps
    switched off) and never folds long lines."""


_Dumper.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in items if tag != "tag:yaml.org,2002:timestamp"]
    for first, items in yaml.SafeDumper.yaml_implicit_resolvers.items()
}


def front_matter(fields: dict[str, Any]) -> str:
    """The ``---`` block for ``fields`` (insertion order kept)."""
    if not fields:
        return "---\n{}\n---\n"
    text = yaml.dump(fields, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=2**31 - 1)
    if _CLOSE.search(text):  # a value dumped over lines, one of which would close the block
        text = yaml.dump(fields, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                         default_flow_style=True, default_style='"', width=2**31 - 1)
    assert not _CLOSE.search(text)
    return f"---\n{text}---\n"


def render(fields: dict[str, Any], body: str) -> bytes:
    return (front_matter(fields) + body + "\n").encode("utf-8")


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".import-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o666 & ~_UMASK)  # as an ordinary new file, not mkstemp's 0600
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
