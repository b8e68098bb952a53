"""Whoosh imported for reading without two standard-library packages it pulls in for nothing a
search uses: ``whoosh.compat`` imports ``urllib.request`` (for ``urlretrieve``; with it come
``http.client``, ``email`` and ``ssl``) and ``whoosh.reading`` imports the ``cached_property``
package, which imports ``asyncio`` (used only for a property defined by a coroutine, which
Whoosh never does). Together they are about half of what importing Whoosh costs each
``archive search`` process.

While :func:`load` imports Whoosh, ``urllib.request`` is a stand-in whose ``urlretrieve``
imports the real module when called, and ``asyncio`` a stand-in that imports the real package
on first attribute use (then forwards to it). Both stand-ins leave ``sys.modules`` right after,
so any later ``import`` gets the real module. When Whoosh (or either package) is already
imported, nothing is replaced.

Whoosh 2.7's reader of a column of byte strings (``VarBytesColumn.Reader``, e.g. the stored
fields) derives each document's offset from the lengths in a Python loop when opened: tens of
milliseconds at 30,000 articles, to read the ten results shown. :func:`load` gives that reader
the same offsets summed in C (:func:`_read_offsets_and_lengths`).
"""

from __future__ import annotations

import importlib
import struct
import sys
import types
from array import array
from itertools import accumulate
from typing import Any

#: What the search reads the index with (imported by :func:`load`).
WHOOSH_MODULES = ("whoosh.index", "whoosh.reading", "whoosh.codec.whoosh3",
                  "whoosh.matching.mcore", "whoosh.formats")


def _real(name: str, stand_in: types.ModuleType) -> Any:
    if sys.modules.get(name) is stand_in:
        del sys.modules[name]
    return importlib.import_module(name)


def _stand_ins() -> dict[str, types.ModuleType]:
    request = types.ModuleType("urllib.request", "stand-in: see archive.search.lightwhoosh")

    def urlretrieve(*args: Any, **kwargs: Any) -> Any:
        return _real("urllib.request", request).urlretrieve(*args, **kwargs)

    request.urlretrieve = urlretrieve  # type: ignore[attr-defined]

    lazy_asyncio = types.ModuleType("asyncio", "stand-in: see archive.search.lightwhoosh")

    def attribute(name: str) -> Any:
        return getattr(_real("asyncio", lazy_asyncio), name)

    lazy_asyncio.__getattr__ = attribute  # type: ignore[method-assign]
    return {"urllib.request": request, "asyncio": lazy_asyncio}


def load() -> None:
    """Import :data:`WHOOSH_MODULES`, with the stand-ins in place when Whoosh is not
    imported yet; the column reader's offsets in C either way."""
    if "whoosh.reading" in sys.modules:
        _offsets_in_c()
        return
    placed = {name: module for name, module in _stand_ins().items()
              if name not in sys.modules}
    sys.modules.update(placed)
    try:
        for name in WHOOSH_MODULES:
            importlib.import_module(name)
    finally:
        for name, module in placed.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
    _offsets_in_c()


def _offsets_in_c() -> None:
    """Whoosh 2.7's ``VarBytesColumn.Reader`` reads its offsets with
    :func:`_read_offsets_and_lengths` (other versions are left as they are)."""
    import whoosh
    from whoosh.columns import VarBytesColumn

    reader = getattr(VarBytesColumn, "Reader", None)
    if tuple(whoosh.__version__[:2]) == (2, 7) and hasattr(reader,
                                                          "_read_offsets_and_lengths"):
        reader._read_offsets_and_lengths = _read_offsets_and_lengths  # type: ignore[union-attr]


def _read_offsets_and_lengths(self: Any) -> None:
    """Whoosh 2.7.4's ``VarBytesColumn.Reader._read_offsets_and_lengths`` (BSD licence), the
    offsets derived from the lengths (when the column does not store them) by
    ``accumulate`` instead of a Python loop: the same array."""
    dbfile, basepos, length, doccount = (self._dbfile, self._basepos, self._length,
                                         self._doccount)
    # the end of the lengths array is the end of the data minus the typecode byte
    lastbyte = basepos + length - 1
    lens_code = chr(dbfile.get_byte(lastbyte))
    offsets = None
    if lens_code == "X":  # the offsets were written: the real lengths typecode before
        self.had_stored_offsets = True
        lens_code = chr(dbfile.get_byte(lastbyte - 2))
        offsets_code = chr(dbfile.get_byte(lastbyte - 1))
        offsetstart = (lastbyte - 2) - doccount * struct.calcsize(offsets_code)
        offsets = dbfile.get_array(offsetstart, offsets_code, doccount)
        lastbyte = offsetstart
    lenstart = lastbyte - (struct.calcsize(lens_code) * doccount)
    lengths = dbfile.get_array(lenstart, lens_code, doccount)
    if offsets is None:
        offsets = array("L", accumulate(lengths, initial=0))
        offsets.pop()
    self._offsets = offsets
    self._lengths = lengths
