"""Compiled Jinja2 templates kept between builds: in build/jinja-bytecode/ and, for a build
folder that has none yet (a first build, or one after ``rm -rf build``), in the user's cache
folder (:func:`archive.analysis.tables.cache_dir`, beside the analysis tables).

A fresh build folder otherwise compiles every template of the theme and of the pages again:
~50 templates, ~0.6 CPU s of the 300-article smoke test's 10 (bench/report-start18.md).
Jinja2 names each compiled template by its name and file (so the templates of another
checkout or of an archive's own theme overrides are kept apart) and stores the checksum of
its source beside the code (an edited template is compiled again); the file names here also
carry what the code depends on besides the source (the caller's ``pattern``: the compile
settings of the environment, Jinja2's version). Output never depends on where the code was
read from: it is the same code.
"""

from __future__ import annotations

import hashlib
import inspect
from pathlib import Path

import jinja2
import jinja2.bccache

#: The folder of compiled templates, in build/ and in the user's cache folder.
FOLDER = "jinja-bytecode"


class _Layered(jinja2.BytecodeCache):
    """Reads a template's code from the first of ``caches`` that holds it (and copies it into
    those before it: build/ has it next time), writes it to all of them. Only the first
    (build/) must be writable: the others (the user's cache folder) may refuse (a read-only
    home, a full disk) without stopping the build."""

    def __init__(self, caches: list[jinja2.BytecodeCache]) -> None:
        self.caches = caches

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        for k, cache in enumerate(self.caches):
            cache.load_bytecode(bucket)
            if bucket.code is not None:
                for before in self.caches[:k]:
                    before.dump_bytecode(bucket)
                return

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.caches[0].dump_bytecode(bucket)
        for cache in self.caches[1:]:
            try:
                cache.dump_bytecode(bucket)
            except OSError:
                pass


def user_folder() -> Path | None:
    """The user's folder of compiled templates (None: no cache folder, or it cannot be made)."""
    from archive.analysis.tables import cache_dir

    base = cache_dir()
    if base is None:
        return None
    folder = base / FOLDER
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder


#: Environment settings that do not change what a template compiles to (where it is loaded
#: from, what is cached), or that :func:`settings_key` reads in its own way.
_NOT_COMPILED = frozenset({"loader", "cache_size", "auto_reload", "bytecode_cache",
                           "extensions", "undefined", "finalize", "autoescape",
                           "enable_async"})


def settings_key(env: jinja2.Environment) -> str:
    """A digest of what an environment's compiled code depends on besides the source: Jinja2's
    version and the environment's compile settings (extensions, syntax, whitespace, escaping,
    optimisation, async). Every setting of ``jinja2.Environment`` is in it but those that
    compile alike (:data:`_NOT_COMPILED`), so a setting a later Jinja2 adds is too. Two
    environments of the same key compile a template alike."""
    names = [name for name in inspect.signature(jinja2.Environment).parameters
             if name not in _NOT_COMPILED]
    fields = [jinja2.__version__, *sorted(env.extensions)]
    fields += [f"{name}={getattr(env, name, None)!r}" for name in [*names, "is_async"]]
    fields.append(repr(env.autoescape) if isinstance(env.autoescape, bool) else "function")
    fields.append(repr(env.finalize is not None))
    return hashlib.sha256("\0".join(fields).encode("utf-8")).hexdigest()[:16]


def template_cache(build: Path, pattern: str, shared: str | None = None
                   ) -> jinja2.BytecodeCache:
    """The compiled templates of build/ (file names ``pattern``, with one ``%s``), read from
    the user's cache folder when build/ lacks them (file names ``shared``, default
    ``pattern``: it must name every setting the code depends on, since every archive built
    with this code reads them)."""
    folder = build / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    caches: list[jinja2.BytecodeCache] = [jinja2.FileSystemBytecodeCache(str(folder), pattern)]
    user = user_folder()
    if user is not None and user != folder:
        caches.append(jinja2.FileSystemBytecodeCache(str(user), shared or pattern))
    return caches[0] if len(caches) == 1 else _Layered(caches)


def theme_cache(build: Path, env: jinja2.Environment) -> jinja2.BytecodeCache:
    """:func:`template_cache` of the theme's environment (MkDocs makes it)."""
    return template_cache(build, "__jinja2_%s.cache",
                          f"__theme_{settings_key(env)}_%s.cache")
