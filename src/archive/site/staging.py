"""Atomic site output: build into ``<site_dir>.partial`` and swap it in only on success.

MkDocs empties ``site_dir`` before it writes the new pages, so a build that fails midway (an
exception while rendering, or warnings that abort a ``--strict`` build after every page is
written) would leave a half-built or empty site. With staging, the previous ``site/`` stays
exactly as it was until the new one is complete; then two renames put the new one in place.

The site swapped out is kept beside it as ``<site_dir>.previous`` and the next build is made
in it (double buffering): writing a whole new tree cost a hard link per stored page (115,000
at 29,904 articles) and deleting the swapped-out one an unlink per file, on every rebuild. Its
entries are moved into a hidden folder (:data:`KEPT_NAME`, skipped by MkDocs' cleaning) and,
once the build knows its files (``on_env``), :meth:`StagedSiteDir.restore` deletes every
file of it but those the build puts in place without writing them (the stored pages and the
files linked from build/, which are checked and replaced when they are not the right file
any more) and the folders the build's writers bring up to date themselves (the browser search
data), and puts the rest back. So MkDocs and the plugin write every other file anew, as into
an empty folder (never through a hard link that the live ``site/`` or build/ shares), and no
file of the old tree the build does not make survives: the result is the same file set and
bytes as a build into an empty folder. Any tree can be the buffer (one left by a failed or
interrupted build too): what is kept is checked file by file, not trusted.

Not used by ``mkdocs serve`` (it builds into a temporary folder of its own) or ``--dirty``
builds (which update the existing folder in place by design).
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import stat
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.utils import CountHandler

log = logging.getLogger("mkdocs.plugins.archive")

#: The hidden folder inside the site folder being built (staging, or the served folder) that
#: holds the previous build's files while MkDocs empties the folder (its ``clean_directory``
#: skips names starting with ".").
KEPT_NAME = ".archive-kept"


class StagedSiteDir:
    def __init__(self) -> None:
        self.final: Path | None = None
        self.staging: Path | None = None
        self.warnings: CountHandler | None = None
        #: this build is made in the previous build's tree (moved into staging/KEPT_NAME)
        self.reusing = False
        self.kept = self.removed = 0  # files of the old tree kept, deleted (restore)
        #: after :meth:`restore`: the inode of each file of the old tree kept in the staging
        #: folder (by its path there), as the walk found it, and the folder's device; None
        #: before (or when no tree was walked)
        self.found: dict[str, int] | None = None
        self.device = 0
        #: the folders of the old tree :meth:`restore` left in place empty, because the
        #: build writes into them (by their path in the staging folder); any of them still
        #: empty when the build ends is deleted then (:meth:`commit`)
        self.held: list[str] = []

    def begin(self, config: MkDocsConfig) -> None:
        """Point ``config.site_dir`` at a staging folder beside the real one, holding the
        previous build's tree (``<site>.previous``) in its hidden folder when there is one."""
        final = Path(config.site_dir)
        staging = final.with_name(final.name + ".partial")
        previous = final.with_name(final.name + ".previous")
        _take_back(staging, previous)
        if previous.is_symlink() or (previous.exists() and not previous.is_dir()):
            previous.unlink()
        staging.mkdir()
        self.reusing = previous.is_dir()
        if self.reusing:
            previous.rename(staging / KEPT_NAME)
        self.final, self.staging = final, staging
        self.kept = self.removed = 0
        self.found = None
        self.held = []
        config.site_dir = str(staging)
        self.warnings = CountHandler()
        self.warnings.setLevel(logging.WARNING)
        logging.getLogger("mkdocs").addHandler(self.warnings)

    def same_as_kept(self, sources: dict[str, str]) -> set[str]:
        """Of ``sources`` (a file's address in the site → the file it is copied from), the
        addresses at which the previous tree holds a file with the same bytes (before
        :meth:`restore`): a build may keep those in place rather than write them again (a
        copy needs its file deleted and made anew: ~70 theme and static files on every
        build). None kept when this build is not made in a previous tree."""
        out: set[str] = set()
        if not self.reusing or self.staging is None:
            return out
        kept = os.path.join(self.staging, KEPT_NAME)
        taken: dict[str, bool] = {}  # top entry → written by another writer (restore drops it)
        for dest, src in sources.items():
            top = dest.partition("/")[0]
            other = taken.get(top)
            if other is None:
                other = taken[top] = os.path.lexists(os.path.join(self.staging, top))
            if not other and _same_bytes(src, os.path.join(kept, dest)):
                out.add(dest)
        return out

    def restore(self, keep: Collection[str], managed: Iterable[str] = (),
                folders: Collection[str] = ()) -> None:
        """Called when the build's files are known, before any is written (``on_env``):
        delete every file of the previous tree but those at the addresses (``dest_uri``) of
        ``keep`` and those under the folders ``managed`` (brought up to date by their writer),
        with the folders left empty, except those of ``folders`` (paths relative to the site,
        without a trailing slash: the folders the build writes files into, held for them
        rather than deleted and made again, two system calls each; one still empty when the
        build ends is deleted then); put the rest into the staging folder."""
        if not self.reusing or self.staging is None:
            return
        kept = self.staging / KEPT_NAME
        if not kept.is_dir():
            return
        found: dict[str, int] = {}
        held: list[str] = []
        self.kept, self.removed = _prune(str(kept), keep, frozenset(managed), found,
                                         folders, held)
        for entry in os.listdir(kept):
            target = self.staging / entry
            if target.exists() or target.is_symlink():  # written by another plugin: it wins
                _remove(kept / entry)
                found.pop(entry, None)
                inside = entry + "/"
                for path in [p for p in found if p.startswith(inside)]:
                    del found[path]
                held = [p for p in held if p != entry and not p.startswith(inside)]
            else:
                os.rename(kept / entry, target)  # (a rename: the files keep their inodes)
        self.held = held
        kept.rmdir()
        self.found, self.device = found, os.stat(self.staging).st_dev
        # a folder entry's inode is the file's own on the usual file systems, not on every
        # one (an overlay's lower layer): when one sample differs, nothing is taken from it
        sample = next(iter(found), None)
        if sample is not None:
            try:
                st = os.stat(self.staging / sample, follow_symlinks=False)
            except OSError:
                st = None
            if st is None or (st.st_dev, st.st_ino) != (self.device, found[sample]):
                self.found = None

    def commit(self, config: MkDocsConfig) -> None:
        """Swap the staging folder in, unless warnings are about to abort a strict build; the
        site swapped out is kept as ``<site>.previous`` for the next build."""
        if self.final is None or self.staging is None:
            return
        final, staging = self.final, self.staging
        config.site_dir = str(final)
        if config.strict and self._warned():
            log.info("archive: strict build has warnings; %s was left as it was", final.name)
            self.discard()
            return
        _drop_empty(str(staging), self.held)
        self.held = []
        previous = final.with_name(final.name + ".previous")
        _remove(previous)  # none: begin moved it into staging (unless put back by hand)
        if final.exists():
            final.rename(previous)
        staging.rename(final)
        self._detach()

    def discard(self) -> None:
        """The build failed: the real site folder is untouched; the staging folder becomes
        ``<site>.previous`` again (the next build's buffer), with a few renames."""
        if self.staging is not None and self.final is not None:
            _take_back(self.staging, self.final.with_name(self.final.name + ".previous"))
        self._detach()

    def _warned(self) -> bool:
        return bool(self.warnings and self.warnings.get_counts())

    def _detach(self) -> None:
        if self.warnings is not None:
            logging.getLogger("mkdocs").removeHandler(self.warnings)
        self.final = self.staging = self.warnings = None
        self.reusing = False
        self.found = None
        self.held = []


def _take_back(staging: Path, previous: Path) -> None:
    """A staging folder left by a failed or interrupted build becomes ``previous`` when there
    is none: its hidden folder of the tree it was made in, if still there (what the build
    wrote beside it is deleted), else the whole folder. Otherwise it is deleted."""
    if not staging.is_dir() or staging.is_symlink():
        _remove(staging)
        return
    if previous.exists() or previous.is_symlink():
        _remove(staging)
        return
    kept = staging / KEPT_NAME
    if kept.is_dir() and not kept.is_symlink():
        kept.rename(previous)
        _remove(staging)
    else:
        staging.rename(previous)


def _prune(root: str, keep: Collection[str], managed: frozenset[str],
           found: dict[str, int] | None = None, folders: Collection[str] = (),
           held: list[str] | None = None) -> tuple[int, int]:
    """Delete the files under ``root`` whose path relative to it is not in ``keep`` and not
    under a folder of ``managed``, and the folders left empty (``root`` stays) but those in
    ``folders`` (relative paths, no trailing slash), listed in ``held`` instead. Returns how
    many files were kept and deleted; ``found``: filled with each kept file's inode by its
    path (the folder entry's, read with the listing: no stat), for the writers that put
    those files in place to tell the file already there without a stat of their own.
    (Plain strings and ``os.scandir``: it walks the whole tree, 140,000 files in 40,000
    folders at 29,904 articles.)"""
    kept = removed = 0
    if found is None:
        found = {}
    if held is None:
        held = []

    # a folder's state once walked: something kept in it, left empty, or holding nothing
    # but held folders (then held too: deleted at the end if they are, see _drop_empty)
    full, empty, only_held = 0, 1, 2

    def walk(folder: str, rel: str) -> int:
        nonlocal kept, removed
        state = empty
        with os.scandir(folder) as entries:
            listing = list(entries)
        for entry in listing:
            path = rel + entry.name
            if entry.is_dir(follow_symlinks=False):
                if path in managed:
                    state = full
                    continue
                inside = walk(entry.path, path + "/")
                if inside == full:
                    state = full
                elif inside == empty and path not in folders:
                    os.rmdir(entry.path)
                else:  # the build writes into it: held, not deleted and made again
                    held.append(path)
                    if state == empty:
                        state = only_held
            elif path in keep:
                kept += 1
                state = full
                found[path] = entry.inode()
            else:
                os.unlink(entry.path)
                removed += 1
        return state

    walk(root, "")
    return kept, removed


def _same_bytes(src: str, dest: str) -> bool:
    """Whether ``dest`` is a regular file (not a symbolic link) with the bytes of ``src``."""
    try:
        a = os.stat(src)
        b = os.stat(dest, follow_symlinks=False)
        if not stat.S_ISREG(b.st_mode) or a.st_size != b.st_size:
            return False
        if (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino):
            return True
        with open(src, "rb") as fa, open(dest, "rb") as fb:
            return fa.read() == fb.read()
    except OSError:
        return False


def _drop_empty(root: str, held: list[str]) -> None:
    """Delete each folder of ``held`` (paths under ``root``, as :func:`_prune` lists them:
    a folder after every folder inside it) that is empty, as it would not be in a build made
    into an empty folder: the build did not write into it after all."""
    for rel in held:
        try:
            os.rmdir(os.path.join(root, rel))
        except OSError:  # (not empty: the usual case)
            pass


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        _remove_tree(str(path))
    elif path.exists() or path.is_symlink():
        path.unlink()


def _remove_tree(path: str) -> None:
    """Delete the folder ``path`` and everything in it (symbolic links are deleted, never
    followed). A swapped-out site holds 65,000 files in 17,000 folders at 10,000 articles:
    this walk costs about two thirds of the CPU time of ``shutil.rmtree``, which opens and
    checks every folder against symbolic-link races (another user swapping folders under a
    shared directory), not a concern for the build's own ``<site>.previous`` and
    ``<site>.partial``. On any error it hands over to ``shutil.rmtree``, which reports it."""
    try:
        folders = []
        stack = [path]
        while stack:
            folder = stack.pop()
            folders.append(folder)
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
                    else:
                        os.unlink(entry.path)
        for folder in reversed(folders):
            os.rmdir(folder)
    except OSError:
        if os.path.lexists(path):
            shutil.rmtree(path)


class KeptServeDir:
    """``mkdocs serve`` without emptying the served folder on every reload.

    MkDocs deletes everything in the served folder before each rebuild (unless ``--dirty``),
    so every page of the site is written again: at 10,000 articles, 13,700 pages linked or
    rendered for one edited article. Here the plugin keeps the folder instead: in
    ``on_pre_build`` its entries are moved into a hidden folder (a few renames), which MkDocs'
    cleaning skips, and put back at the start of ``on_files``. Files whose output is already
    there are then left out of MkDocs' writing, and at the end of the build the files the
    previous build wrote and this one did not (a deleted article, a removed docs/ file) are
    deleted, with the folders they leave empty: the folder holds what a build from scratch
    would have written.

    Only after a build that succeeded into the same folder, with the same chrome (mkdocs.yml,
    theme, code: :func:`archive.site.pageout.chrome_digest`); anything else — the first build,
    a failed build, another chrome — is a full build into an emptied folder."""

    def __init__(self) -> None:
        self.site_dir: str | None = None  # the folder of the last successful build
        self.chrome: str | None = None  # and its chrome
        self.written: set[str] = set()  # dest_uri of every file it wrote or kept
        self.placed: dict[str, str] = {}  # src_uri → page key of its stored pages in place
        self.keeping = False  # this build keeps the folder

    def begin(self, site_dir: str, chrome: str | None) -> bool:
        """Called last in ``on_pre_build``: move the previous build's files aside when they
        can be kept; False: this build starts from an empty folder."""
        root = Path(site_dir)
        kept = root / KEPT_NAME
        _remove(kept)  # left by a build that failed between begin and restore
        self.keeping = (chrome is not None and site_dir == self.site_dir
                        and chrome == self.chrome and root.is_dir())
        if not self.keeping:
            self.site_dir = self.chrome = None
            self.written, self.placed = set(), {}
            return False
        kept.mkdir()
        for entry in os.listdir(root):
            if not entry.startswith("."):
                os.rename(root / entry, kept / entry)
        # until the build ends successfully, the folder's state is not known
        self.site_dir = None
        return True

    def restore(self, site_dir: str) -> None:
        """Called first in ``on_files``, after MkDocs emptied the folder: put the kept files
        back."""
        if not self.keeping:
            return
        root = Path(site_dir)
        kept = root / KEPT_NAME
        for entry in os.listdir(kept):
            target = root / entry
            if target.exists():  # written by another plugin's on_pre_build: it wins
                _remove(kept / entry)
            else:
                os.rename(kept / entry, target)
        kept.rmdir()

    def finish(self, site_dir: str, chrome: str, written: set[str],
               placed: dict[str, str]) -> int:
        """Called at the end of a successful build: delete what the previous build wrote and
        this one did not (with the folders left empty); remember this build. Returns how many
        files were deleted."""
        removed = 0
        if self.keeping:
            root = Path(site_dir)
            for uri in sorted(self.written - written):
                path = root / uri
                if path.is_file() or path.is_symlink():
                    path.unlink()
                    removed += 1
                parent = path.parent
                while parent != root:
                    try:
                        parent.rmdir()  # only when empty
                    except OSError:
                        break
                    parent = parent.parent
        self.site_dir, self.chrome = site_dir, chrome
        self.written, self.placed = written, placed
        self.keeping = False
        return removed

    def fail(self) -> None:
        """A build failed: the next one starts from an empty folder."""
        self.site_dir = self.chrome = None
        self.written, self.placed = set(), {}
        self.keeping = False


class KeptGzip:
    """`mkdocs serve`: the ``gzip`` module as MkDocs' build code sees it
    (``mkdocs.commands.build.gzip``, by :func:`keep_sitemap_gzip`), whose ``GzipFile``
    compresses again only when what it is given to write (the bytes, the file's name, its
    time, the level) is not what it was given last: MkDocs writes sitemap.xml.gz on every
    build, ~13,000 pages compressed at level 9 (~0.05 CPU s a reload at 9,504 articles), the
    same bytes after an edited article. The bytes written are the module's own for those
    inputs (kept from the last time it made them)."""

    def __init__(self, real: Any) -> None:
        self.real = real
        #: (what was written: filename, mode, level, mtime, data) and the compressed bytes
        self.kept: tuple[tuple[Any, ...], bytes] | None = None

    def __getattr__(self, name: str) -> Any:  # the module's other names, as they are
        return getattr(self.real, name)

    def GzipFile(self, filename: Any = None, mode: Any = None,  # noqa: N802 (gzip's name)
                 compresslevel: int = 9, fileobj: Any = None, mtime: Any = None) -> Any:
        if fileobj is None or mode not in ("wb", "w"):  # (MkDocs passes its open file)
            return self.real.GzipFile(filename, mode, compresslevel, fileobj, mtime)
        return _KeptGzipWriter(self, (filename, mode, compresslevel, mtime), fileobj)


class _KeptGzipWriter:
    """One ``with gzip.GzipFile(...) as gz: gz.write(data)`` of :class:`KeptGzip`."""

    def __init__(self, owner: KeptGzip, args: tuple[Any, ...], fileobj: Any) -> None:
        self.owner, self.args, self.fileobj = owner, args, fileobj
        self.parts: list[bytes] = []

    def __enter__(self) -> _KeptGzipWriter:
        return self

    def write(self, data: Any) -> int:
        data = bytes(data)
        self.parts.append(data)
        return len(data)

    def __exit__(self, kind: Any, value: Any, tb: Any) -> bool:
        if kind is not None:
            return False
        key = (*self.args, b"".join(self.parts))
        kept = self.owner.kept
        if kept is not None and kept[0] == key:
            out = kept[1]
        else:
            filename, mode, level, mtime = self.args
            buffer = io.BytesIO()
            with self.owner.real.GzipFile(filename=filename, mode=mode, compresslevel=level,
                                          fileobj=buffer, mtime=mtime) as gz:
                gz.write(key[-1])
            out = buffer.getvalue()
            self.owner.kept = (key, out)
        self.fileobj.write(out)
        return False


def keep_sitemap_gzip(on: bool) -> None:
    """Put :class:`KeptGzip` in MkDocs' build module (``mkdocs serve``), or take it out."""
    from mkdocs.commands import build

    current = build.gzip
    if on and not isinstance(current, KeptGzip):
        build.gzip = KeptGzip(current)  # type: ignore[assignment]
    elif not on and isinstance(current, KeptGzip):
        build.gzip = current.real
