"""The verified stencils of a build (archive.site.stencil), kept in build/ for the next build.

A build learns each page shape's stencil by having MkDocs render samples of it until two agree
(two at least per shape: ~27 pages through MkDocs' whole theme after an added or deleted
article at 987 articles, ~0.2 CPU s). What a verified stencil holds is what MkDocs and the
theme put around a page of that shape: the chrome, which the page store's chrome digest
(archive.site.pageout.chrome_digest: MkDocs and theme versions, mkdocs.yml, the plugins, the
theme folders, docs/*.md, this package's code) already stands for when a stored page's whole
HTML is reused by a later build. So the verified stencils are kept in build/
(``page-stencils.bin``) under that digest, and a build with the same digest starts from them: a
shape it finds there is filled at once, without samples; a shape it does not (another place in
the site, other meta keys or content features) is sampled as before. The theme's content
features (the strings its templates test the content for: every theme template read) are kept
with them. Shapes given up are not
kept (sampled again next time). A file of another digest or format, or damaged, is ignored.
"""

from __future__ import annotations

import marshal
from pathlib import Path
from typing import Any

from archive import files
from archive.site.stencil import Shape, Stencil

FILE_NAME = "page-stencils.bin"
FORMAT = 2  # 2: with the theme's content features


def read(folder: Path, chrome: str) -> tuple[tuple[str, ...] | None, dict[Any, Shape]]:
    """The theme's content features (:func:`archive.site.stencil.theme_features`, a function
    of the theme's folders, which the chrome digest covers) and the shapes with their verified
    stencils kept in ``folder`` under ``chrome``: (None, {}) when there are none for it."""
    try:
        data = marshal.loads((folder / FILE_NAME).read_bytes())
        fmt, kept_chrome, features, entries = data
        if fmt != FORMAT or kept_chrome != chrome:
            return None, {}
        if not (isinstance(features, tuple) and all(type(f) is str for f in features)):
            return None, {}
        shapes: dict[Any, Shape] = {}
        for shape_key, parts in entries:
            if not all(type(p) in (str, int) for p in parts):
                return None, {}
            shape = Shape()
            shape.stencil = Stencil(list(parts))
            shapes[shape_key] = shape
        return features, shapes
    except (OSError, ValueError, EOFError, TypeError):
        return None, {}


def save(folder: Path, chrome: str, features: tuple[str, ...],
         shapes: dict[Any, Shape]) -> bool:
    """Keep the theme's content ``features`` and the verified stencils of ``shapes`` in
    ``folder`` under ``chrome`` (the file is left as it is when it holds them already).
    Returns whether it was written."""
    entries = sorted(((k, s.stencil.parts) for k, s in shapes.items() if s.stencil is not None),
                     key=lambda e: repr(e[0]))
    try:
        # (version 2: no references between objects, so the same stencils give the same bytes)
        data = marshal.dumps((FORMAT, chrome, tuple(features), entries), 2)
    except ValueError:  # a shape key marshal cannot hold: nothing kept
        return False
    path = folder / FILE_NAME
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    try:
        files.write_atomic(path, data)
    except OSError:
        return False
    return True
