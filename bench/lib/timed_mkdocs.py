"""Run ``mkdocs`` exactly as the command line does, timing the stages of the build.

Usage: python bench/lib/timed_mkdocs.py TIMINGS.json build -q -f DIR/mkdocs.yml

Before the build starts, the functions listed in ``HOOKS`` are wrapped with timers wherever the
already imported modules refer to them (MkDocs' page phases, the archive pipeline, the plugin's
renderer). A hook whose module or function does not exist is skipped and listed under
``"_missing"``. Times are wall seconds summed over calls, with call counts, both inclusive
(``stages``) and exclusive of the other timed stages running inside (``exclusive``: the
search index's own analysis counts as analysis, not as indexing; MkDocs page phases exclude
our page generation).
Nothing here changes what the build does.
"""

from __future__ import annotations

import functools
import importlib
import json
import signal
import sys
import time
from collections.abc import Callable
from typing import Any

#: (module, attribute path, stage name)
HOOKS: list[tuple[str, str, str]] = [
    ("mkdocs.commands.build", "build", "mkdocs_build_total"),
    ("mkdocs.commands.build", "_populate_page", "mkdocs_populate_pages"),
    ("mkdocs.commands.build", "_build_page", "mkdocs_build_pages"),
    ("archive.pipeline", "load", "load"),
    ("archive.pipeline", "analyze_corpus", "analyze"),
    ("archive.pipeline", "analyse", "analyze"),
    ("archive.site.model", "build_site_data", "entities_and_site_data"),
    ("archive.site.export", "write_data_files", "open_data_export"),
    ("archive.index.build", "update_index", "whoosh_index"),
    ("archive.site.render", "Site.render", "page_generation"),
    ("archive.site.render", "Site.specs", "page_specs"),
    ("archive.browser.site", "write_site_search", "browser_index"),
    ("archive.browser.index", "write_browser_index", "browser_index"),
]

TOTALS: dict[str, float] = {}  # inclusive: nested stages count in their parent too
EXCLUSIVE: dict[str, float] = {}  # minus the time of other stages running inside
CALLS: dict[str, int] = {}
_DEPTH: dict[str, int] = {}
_STACK: list[list[float]] = []  # per active timed call: [seconds in nested stages, start]
_OPEN: list[tuple[str, float]] = []  # (stage, start) of the timed calls still running


def _timed(stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        # Recursion or two hooks on one stage must not count the same seconds twice.
        outer = _DEPTH.get(stage, 0) == 0
        _DEPTH[stage] = _DEPTH.get(stage, 0) + 1
        t0 = time.perf_counter()
        if outer:
            _STACK.append([0.0])
            _OPEN.append((stage, t0))
        try:
            return fn(*args, **kwargs)
        finally:
            _DEPTH[stage] -= 1
            if outer:
                elapsed = time.perf_counter() - t0
                nested = _STACK.pop()[0]
                _OPEN.pop()
                if _STACK:
                    _STACK[-1][0] += elapsed
                TOTALS[stage] = TOTALS.get(stage, 0.0) + elapsed
                EXCLUSIVE[stage] = EXCLUSIVE.get(stage, 0.0) + elapsed - nested
                CALLS[stage] = CALLS.get(stage, 0) + 1

    wrapper.__bench_wrapped__ = True  # type: ignore[attr-defined]
    return wrapper


def install() -> list[str]:
    missing = []
    for module_name in ("mkdocs.commands.build", "archive.site.plugin", "archive.browser.site"):
        try:
            importlib.import_module(module_name)
        except ImportError:
            pass
    for module_name, attr, stage in HOOKS:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            missing.append(f"{module_name}.{attr}")
            continue
        owner: Any = module
        *parents, name = attr.split(".")
        for p in parents:
            owner = getattr(owner, p, None)
        original = getattr(owner, name, None) if owner is not None else None
        if original is None or getattr(original, "__bench_wrapped__", False):
            if original is None:
                missing.append(f"{module_name}.{attr}")
            continue
        wrapped = _timed(stage, original)
        setattr(owner, name, wrapped)
        if not parents:  # also where other modules imported it by name
            for mod in list(sys.modules.values()):
                if mod is not None and getattr(mod, name, None) is original:
                    setattr(mod, name, wrapped)
    return missing


def _stopped(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


def main() -> int:
    out, args = sys.argv[1], sys.argv[2:]
    missing = install()
    # Stopped by the benchmark's time limit: still write the timings measured so far.
    signal.signal(signal.SIGTERM, _stopped)
    from mkdocs.__main__ import cli

    code = 0
    try:
        cli.main(args=args, prog_name="mkdocs", standalone_mode=False)
    except SystemExit as exc:
        code = int(exc.code or 0)
    except Exception as exc:  # noqa: BLE001 - report like the CLI would, then record timings
        print(f"mkdocs failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        code = 1
    finally:
        now = time.perf_counter()
        unfinished = {stage: round(now - start, 4) for stage, start in _OPEN}
        data = {k: round(v, 4) for k, v in sorted(TOTALS.items())}
        with open(out, "w", encoding="utf-8") as fh:
            exclusive = {k: round(v, 4) for k, v in sorted(EXCLUSIVE.items())}
            json.dump({"stages": data, "exclusive": exclusive, "unfinished": unfinished,
                       "calls": dict(sorted(CALLS.items())),
                       "_missing": missing}, fh, indent=1)
    return code


if __name__ == "__main__":
    sys.exit(main())
