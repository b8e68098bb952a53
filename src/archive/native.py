"""The optional C modules (built by setup.py) and the switch to do without them.

A C module only speeds up functions that have a pure-Python twin beside their caller; the
output is the same byte for byte (tests compare the two). :func:`module` gives a C module when
it can be used, else None and the caller runs the twin:

- not built (no C compiler or no Python headers where the package was installed);
- built from another version of its C source: an editable install whose ``.c`` file changed
  since ``pip install -e .`` (each module holds the SHA-256 of the sources it was compiled
  from, ``SOURCE_SHA``: its ``.c`` and ``native.h``; run ``pip install -e .`` again to use the
  new code);
- ``ARCHIVE_PURE_PYTHON=1`` in the environment (to compare, or to rule the C code out).
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import os
from functools import cache
from pathlib import Path
from types import ModuleType

PACKAGE = Path(__file__).resolve().parent
#: The C modules setup.py builds (its own list: tests/test_native.py checks they agree).
MODULES = ("archive.browser._cterms", "archive.browser._cshards", "archive.index._cpostings",
           "archive.site._croots", "archive.analysis._cmorph")
#: The environment variable that turns every C module off.
PURE_PYTHON = "ARCHIVE_PURE_PYTHON"

log = logging.getLogger(__name__)


def source_of(name: str) -> Path:
    """The C source of the module ``name`` (``archive.browser._cterms`` →
    ``browser/_cterms.c`` in the package)."""
    parts = name.split(".")
    assert parts[0] == "archive", name
    return PACKAGE.joinpath(*parts[1:-1], parts[-1] + ".c")


#: The header every C module includes: part of each module's ``SOURCE_SHA``.
HEADER = PACKAGE / "native.h"


def source_sha(path: Path) -> str:
    """What a module compiled from the C source ``path`` holds as ``SOURCE_SHA`` (setup.py):
    the SHA-256 of the source and of :data:`HEADER`."""
    return hashlib.sha256(path.read_bytes() + HEADER.read_bytes()).hexdigest()


@cache
def module(name: str) -> ModuleType | None:
    """The C module ``name`` if it can be used (see the module's docstring), else None."""
    if os.environ.get(PURE_PYTHON, "") not in ("", "0"):
        return None
    try:
        found = importlib.import_module(name)
    except ImportError:
        log.info("%s is not built (no C compiler?): its pure-Python twin is used, which is "
                 "several times slower", name)
        return None
    source = source_of(name)
    if source.is_file() and getattr(found, "SOURCE_SHA", None) != source_sha(source):
        log.warning("%s was built from another version of %s: its pure-Python twin is used; "
                    "run `pip install -e .` again to compile the new source", name, source.name)
        return None
    return found
