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
"""

from __future__ import annotations

import importlib
import sys
import types
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

    def iscoroutinefunction(func: Any) -> bool:
        """``asyncio.iscoroutinefunction`` (what ``cached_property`` asks on first use),
        importing asyncio only for a function asyncio itself marked."""
        import inspect

        if inspect.iscoroutinefunction(func):
            return True
        if getattr(func, "_is_coroutine", None) is None:
            return False
        return bool(_real("asyncio", lazy_asyncio).iscoroutinefunction(func))

    lazy_asyncio.iscoroutinefunction = iscoroutinefunction  # type: ignore[attr-defined]
    return {"urllib.request": request, "asyncio": lazy_asyncio}


def load() -> None:
    """Import :data:`WHOOSH_MODULES`, with the stand-ins in place when Whoosh is not
    imported yet."""
    if "whoosh.reading" in sys.modules:
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
