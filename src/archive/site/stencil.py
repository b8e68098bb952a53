"""Generated pages written from a stencil instead of through MkDocs' per-page pipeline.

Every generated page (article, place, actor, root and list pages) is outside the navigation,
so what the theme puts around its content is the same for every such page of the same
**shape** except a few per-page values:

* the content (inserted as it is), the title (``page.meta.title``, inserted as it is: the
  plugin passes it escaped), the canonical address (``page.canonical_url``) and the
  ``archive_prev``/``archive_next`` links (escaped by the theme, ``| e``);
* everything else depends on where the page's relative links lead (:class:`Places`), on
  which meta keys it has and on the few substrings of its content the
  templates test (:func:`content_features`).

A page's shape is therefore (where its relative links lead, :class:`Places`, its meta keys and
``hide``, its content features). The first pages of a shape are rendered by MkDocs as before
(samples); a sample's output is split into a :class:`Stencil` at the places its own per-page
values occur. A stencil is used only once two samples with pairwise different values give the
*same* stencil: a value that also occurs in the chrome by chance, or any per-page part of the
page these values do not explain (an edit link, a theme feature that varies per page), makes
the two differ, and then the shape is rendered by MkDocs (after :data:`MAX_SAMPLES` samples
without two that agree, all its pages are). Filling a verified stencil with another page's
values gives the bytes MkDocs would have written for it.

A page whose folder holds a page or file of the site that is not generated (a link of the
chrome could point into it, relative to the page itself) is always rendered by MkDocs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from markupsafe import escape

#: Substrings of a page's content that the templates test (archive theme/main.html, Material's
#: partials/content.html); those found in the theme's folders are added (see theme_features).
KNOWN_FEATURES = ('class="ar-map-figure"', "data-sort-client", 'id="ar-cite-box"',
                  'data-role="results"', 'id="ar-content"', "<h1")
#: Samples rendered by MkDocs for a shape before it is given up (all its pages by MkDocs).
MAX_SAMPLES = 4

_TESTED = re.compile(r"""(['"])((?:(?!\1)[^\\\n]|\\.)+)\1\s+(?:not\s+)?in\s+(?:page\.)?content\b""")


def theme_features(dirs: Iterable[str]) -> tuple[str, ...]:
    """:data:`KNOWN_FEATURES` and every string literal a template of the theme's folders tests
    against the page's content (``'…' in page.content``, ``"…" not in content``)."""
    found = set(KNOWN_FEATURES)
    for folder in dirs:
        for path in sorted(Path(folder).rglob("*.html")):
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            for m in _TESTED.finditer(text):
                literal = m.group(2)
                if "\\" in literal:
                    try:
                        literal = literal.encode("ascii").decode("unicode_escape")
                    except (UnicodeError, ValueError):
                        pass  # kept as written: tested anyway
                found.add(literal)
    return tuple(sorted(found))


def content_features(content: str, features: tuple[str, ...]) -> tuple[bool, ...]:
    return tuple(f in content for f in features)


class Places:
    """Where a page's relative links lead, as far as the chrome can tell: the depth of the
    folder its links are relative to, and the deepest folder of it or above it that holds a
    file of the site that is not a generated page (``targets``: the navigation's pages, the
    theme's and the plugin's files; the chrome links to nothing else). MkDocs makes a link
    relative by leaving out the folders the page and the target share: for every target,
    that is the same for two pages with the same depth and deepest shared folder, so their
    chrome is the same (``timeline/2015-07/page/2/`` and ``timeline/2016-01/page/3/``)."""

    def __init__(self, targets: Iterable[str]) -> None:
        self.folders = inside(targets)

    def holds(self, url: str) -> bool:
        """Whether something of the site that is not generated is at or inside ``url``."""
        return url in self.folders

    def of(self, url: str) -> tuple[int, str]:
        folder = url if not url or url.endswith("/") else url[: url.rfind("/") + 1]
        depth = folder.count("/")
        above = folder
        while above and above not in self.folders:
            above = above[: above.rstrip("/").rfind("/") + 1]
        return depth, above


def shape_of(place: tuple[int, str], meta: dict[str, Any], content: str,
             features: tuple[str, ...]) -> tuple[Any, ...]:
    hide = meta.get("hide")
    return (place, tuple(sorted(meta)),
            tuple(hide) if isinstance(hide, list | tuple) else repr(hide),
            content_features(content, features))


#: The slots of :func:`values_of` whose values two samples must not share (see :func:`distinct`).
CHECKED = (0, 1, 4)


def values_of(content: str, meta: dict[str, Any], canonical: str | None) -> list[str | None]:
    """The per-page values, in the order they are cut out of a sample (the content first: it
    holds the title). The links to a list page's neighbours are cut as the whole ``<link>``
    element the archive theme writes (theme/main.html; Material's own are left out on those
    pages, see ArchivePlugin.on_page_context): the pages of a list's first page all link
    to the same second page, so two samples cannot tell where a bare address goes."""
    prev, nxt = meta.get("archive_prev"), meta.get("archive_next")
    return [content, canonical or None,
            f'<link rel="prev" href="{escape(prev)}">' if prev else None,
            f'<link rel="next" href="{escape(nxt)}">' if nxt else None,
            meta.get("title") or None]


class Stencil:
    """A page's output cut at its per-page values: literal strings and slot numbers."""

    __slots__ = ("parts",)

    def __init__(self, parts: list[str | int]) -> None:
        self.parts = parts

    @classmethod
    def cut(cls, output: str, values: list[str | None]) -> Stencil:
        parts: list[str | int] = [output]
        for slot, value in enumerate(values):
            if not value:
                continue
            out: list[str | int] = []
            for part in parts:
                if isinstance(part, int):
                    out.append(part)
                    continue
                pieces = part.split(value)
                for k, piece in enumerate(pieces):
                    if k:
                        out.append(slot)
                    if piece:
                        out.append(piece)
            parts = out
        return cls(parts)

    def fill(self, values: list[str | None]) -> str:
        return "".join(p if isinstance(p, str) else values[p] or "" for p in self.parts)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Stencil) and self.parts == other.parts

    __hash__ = None  # type: ignore[assignment]


def encoded(stencil: Stencil) -> list[bytes | int]:
    """A stencil's parts with its literal strings in UTF-8, for :func:`fill_bytes`."""
    return [p.encode() if isinstance(p, str) else p for p in stencil.parts]


def fill_bytes(parts: list[bytes | int], values: list[bytes]) -> bytes:
    """``Stencil.fill(values).encode()`` from its :func:`encoded` parts and the values in
    UTF-8 (``b""`` for none): the UTF-8 of a joined string is the join of its parts' UTF-8.
    A page written from a stencil is stored as bytes, and its content's UTF-8 is what its
    store key digests too (archive.site.plugin): the content, most of a page, is encoded
    once instead of twice, and the page is not joined as a string first."""
    return b"".join([p if type(p) is bytes else values[p] for p in parts])  # type: ignore


def distinct(a: list[str | None], b: list[str | None]) -> bool:
    """Whether two samples' values are present in the same slots and differ in each slot of
    :data:`CHECKED` (neither holding the other): only then do equal stencils show where each
    value goes."""
    for k, (x, y) in enumerate(zip(a, b, strict=True)):
        if (x is None) != (y is None):
            return False
        if (x is not None and y is not None and k in CHECKED
                and (x == y or x in y or y in x)):
            return False
    return True


class Shape:
    """What is known of one shape: its samples' stencils and values, and the verified stencil."""

    __slots__ = ("samples", "stencil", "given_up")

    def __init__(self) -> None:
        self.samples: list[tuple[Stencil, list[str | None]]] = []
        self.stencil: Stencil | None = None
        self.given_up = False

    def add(self, output: str, values: list[str | None]) -> None:
        """A sample rendered by MkDocs: its stencil, and the verified one when two agree."""
        if self.given_up or self.stencil is not None:
            return
        cut = Stencil.cut(output, values)
        if cut.fill(values) != output:  # cannot be: a cut is its output again
            self.given_up = True
            return
        for other, other_values in self.samples:
            if other == cut and distinct(values, other_values):
                self.stencil = cut
                self.samples = []
                return
        self.samples.append((cut, values))
        if len(self.samples) >= MAX_SAMPLES:
            self.given_up = True
            self.samples = []


def inside(urls: Iterable[str]) -> set[str]:
    """Every folder address (``a/``, ``a/b/``) that holds one of ``urls`` (and the addresses
    themselves): a page whose address is one of these has something of the site inside it."""
    out: set[str] = set()
    for url in urls:
        out.add(url)
        parts = url.split("/")
        for k in range(1, len(parts)):
            out.add("/".join(parts[:k]) + "/")
    return out
