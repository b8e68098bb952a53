"""Whole built pages kept in build/ between builds: a generated page whose final HTML would be
the same as last time does not go through MkDocs' templates again.

What MkDocs writes for one of the plugin's generated pages (not in the navigation) is a
function of

* the page's **content**: the HTML the plugin makes for it (for an article page taken
  from :class:`archive.site.pagecache.PageCache` when its inputs did not change), its address
  and its **meta** (title, hide, ``archive_prev``/``archive_next``);
* the **chrome** around it, the same for every page: mkdocs.yml as loaded (every value that
  can reach a template: site name and address, theme and its options, nav, extra CSS/JS,
  copyright, extra, Markdown extensions…), the navigation's sources (docs/*.md, whose
  headings can be nav titles), the theme's template folders outside the installed packages,
  the versions of MkDocs, Material and the libraries they render with, the plugin's own code
  and the code of any other plugin.

Each stored page (``build/site-pages/<hash of its source path>.html``) is exactly the bytes
MkDocs wrote; ``build/site-pages/keys.json`` holds, per stored page, the digest of all of
these when it was written and the file's inode, size and modification time. On the next build
the plugin renders the content (cheap: Jinja2 only, and most contents come from the page
caches), computes the digest again and, when it matches and the stored file is still the one
written (same size and time: a copy that keeps times, as a CI cache does, still counts),
leaves the page out of MkDocs' rendering and puts the stored file into the site as a hard
link (a copy across file systems), as the browser search data already is. A stored page is
never written in place (a new file replaces it), and a site page changed in place changes
the stored file's time: then the page is built again.

``keys.json`` also holds the **site digest** of the build that wrote it: the chrome and every
input of the generated pages' content (each article's id, path and analysis-record key, which
covers its file's content and the analysis and gazetteer code and data; the gazetteer's
entities; the related-articles table; the link table; the plugin's options). When it is
unchanged, every page whose stored file is intact is reused without rendering its content or
computing its key: a rebuild with nothing changed does not go through the pages one by one.

Whole-page reuse is on for ``mkdocs build``/``gh-deploy`` without ``--dirty`` and for
``mkdocs serve`` (in its own folder, ``build/serve-pages/``: the chrome holds the serve
address), and only when no other plugin handles page events (its output could not be
predicted from ours). MkDocs' server adds its live-reload script to a page when it sends it,
not to the file, so a stored page is served as it was written.

On a ``mkdocs build`` the generated pages that are not taken whole are not rendered by MkDocs
either: :mod:`archive.site.stencil` writes each from a stencil of its shape (cut from two
pages MkDocs rendered, which agree), puts it into the store as MkDocs' own output would be,
and it goes into the site like a page taken whole.

The articles' raw texts are kept the same way (:class:`RawStore`, ``build/raw-texts/``) and,
with the data files of ``build/data/``, put into the site as hard links by MkDocs' own static
copy (:class:`LinkedFile`): 9,500 links instead of 9,500 copies of the seeds on every build.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import marshal
import os
import shutil
import sys
from collections.abc import Iterable, Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File

from archive import files
from archive.site import keptindex, pagecache

FORMAT = 3  # 3: keys.json holds the site digest; 2: keys in keys.json, pages stored as written
DIR_NAME = "site-pages"
#: The folder of the pages stored by `mkdocs serve`: its chrome differs from `mkdocs build`'s
#: (site_url is the serve address), so sharing build/site-pages/ would make each replace the
#: other's pages.
SERVE_DIR_NAME = "serve-pages"
CHROME_FILE = "chrome.txt"
KEYS_FILE = "keys.json"
#: What each stored page's key was derived from (see :func:`write_checks`).
CHECKS_FILE = "checks.bin"
#: (2: written a page at a time, in marshal's version 2; the pages before the lookups and
#: tags they refer to)
CHECKS_FORMAT = 2

#: Config keys that never reach a page's HTML (paths of this build, server and deploy
#: settings, link validation, which only warns); plugins are digested separately.
_NOT_CHROME = frozenset({
    "config_file_path", "site_dir", "docs_dir", "dev_addr", "strict", "remote_branch",
    "remote_name", "watch", "validation", "plugins", "hooks",
})
#: Distributions whose code or templates shape a page around its content.
_VERSIONS = ("mkdocs", "mkdocs-material", "jinja2", "markupsafe", "markdown",
             "pymdown-extensions", "babel")
#: Plugin events that see or change a page; another plugin with any of them turns reuse off.
PAGE_EVENTS = ("on_pre_page", "on_page_read_source", "on_page_markdown", "on_page_content",
               "on_page_context", "on_post_page")


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def canon(value: Any) -> Any:
    """``value`` as plain, order-stable data for a digest: sets sorted, objects as their type
    and attributes, functions as their qualified name and bound values (never a memory
    address, so the digest is the same in every process)."""
    if value is None or isinstance(value, bool | int | float | str | bytes):
        return (type(value).__name__, value)
    if isinstance(value, dict):
        return ("dict", [(canon(k), canon(v)) for k, v in value.items()])
    if isinstance(value, list | tuple):
        return ("list", [canon(v) for v in value])
    if isinstance(value, set | frozenset):
        return ("set", sorted((canon(v) for v in value), key=repr))
    if isinstance(value, Path):
        return ("path", str(value))
    if isinstance(value, functools.partial):
        return ("partial", canon(value.func), canon(value.args), canon(value.keywords))
    if inspect.isfunction(value) or inspect.ismethod(value) or inspect.isbuiltin(value):
        cells = [c.cell_contents for c in (getattr(value, "__closure__", None) or ())]
        return ("function", getattr(value, "__module__", None), value.__qualname__,
                canon(getattr(value, "__defaults__", None)),
                canon(getattr(value, "__kwdefaults__", None)), canon(cells))
    if hasattr(value, "items") and callable(value.items):  # Config and other mappings
        return (type(value).__qualname__, [(canon(k), canon(v)) for k, v in value.items()])
    if hasattr(value, "__dict__"):
        return (type(value).__qualname__,
                [(k, canon(v)) for k, v in sorted(vars(value).items())
                 if not k.startswith("_Theme__") and k != "_loader"])
    return (type(value).__qualname__, repr(value))


def _folder_digest(h: Any, folder: Path, pattern: str = "*") -> None:
    if not folder.is_dir():
        return
    for p in sorted(folder.rglob(pattern)):
        if p.is_file():
            h.update(p.relative_to(folder).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")


def _installed(path: Path) -> bool:
    """Whether ``path`` lies inside an installed distribution whose version is digested."""
    roots = []
    for mod in ("mkdocs", "material"):
        m = sys.modules.get(mod)
        if m is not None and getattr(m, "__file__", None):
            roots.append(Path(m.__file__).resolve().parent)  # type: ignore[arg-type]
    resolved = path.resolve()
    return any(resolved == r or r in resolved.parents for r in roots)


def _named(folder: Path, base: Path | None) -> str:
    """A theme folder as the digest names it: relative to mkdocs.yml's folder or to this
    package when inside them (its files are digested too), so that an archive moved or
    copied elsewhere, or built from another checkout of the code, keeps its stored pages."""
    resolved = folder.resolve()
    for label, root in (("config", base), ("archive", Path(__file__).resolve().parent)):
        if root is not None and (resolved == root or root in resolved.parents):
            return f"{label}:{resolved.relative_to(root).as_posix()}"
    return str(resolved)


def page_handlers(config: Any, own: Any) -> list[str]:
    """Names of the other plugins that handle page events (whole-page reuse is off then)."""
    from mkdocs.plugins import BasePlugin

    out = []
    for name, plugin in config.plugins.items():
        if plugin is own:
            continue
        for event in PAGE_EVENTS:  # a plugin object or a hooks module (mkdocs.yml hooks:)
            method = getattr(plugin, event, None)
            if method is not None and getattr(method, "__func__", method) is not getattr(
                    BasePlugin, event, None):
                out.append(name)
                break
    return out


def chrome_digest(config: Any, own: Any) -> str:
    """Digest of everything MkDocs and the theme put around a generated page's content."""
    h = hashlib.sha256(f"site-pages {FORMAT}\n".encode())
    h.update(" ".join(f"{n} {_version(n)}" for n in _VERSIONS).encode() + b"\n")
    h.update(pagecache.code_fingerprint().encode() + b"\n")
    for key in sorted(config.keys()):
        if key not in _NOT_CHROME:
            h.update(f"{key}={canon(config[key])!r}\n".encode())
    for name, plugin in config.plugins.items():
        code: Any = plugin if inspect.ismodule(plugin) else type(plugin)  # hooks: a module
        module = code.__name__ if inspect.ismodule(plugin) else code.__module__
        h.update(f"plugin {name} {module}.{getattr(code, '__qualname__', '')}\n".encode())
        if plugin is own:
            continue  # its options shape the content, which the page key holds
        h.update(repr(canon(dict(getattr(plugin, "config", None) or {}))).encode() + b"\n")
        try:
            source = inspect.getsourcefile(code)
        except TypeError:
            source = None
        if source and os.path.isfile(source):
            h.update(Path(source).read_bytes())
        top = module.partition(".")[0]
        h.update(f"{top} {_version(top)}\n".encode())
    base = Path(config.config_file_path).resolve().parent if config.config_file_path else None
    for folder in config.theme.dirs:
        if not _installed(Path(folder)):
            h.update(f"theme dir {_named(Path(folder), base)}\n".encode())
            _folder_digest(h, Path(folder))
    # docs/*.md: the navigation's titles can come from their headings or front matter
    _folder_digest(h, Path(config.docs_dir), "*.md")
    return h.hexdigest()


class PageStore:
    """The stored pages under ``build/site-pages/`` (see module docstring)."""

    def __init__(self, build: Path, chrome: str, dir_name: str = DIR_NAME) -> None:
        self.folder = build / dir_name
        self._folder = str(self.folder)
        self._names: dict[str, str] = {}  # src_uri → file name (see name)
        self._made: set[str] = set()  # site folders made by copy
        self._put_ready = False  # the store's folder made (by put)
        #: file name → (device, inode) of each stored page :meth:`stored_key` found intact
        #: this build (and not replaced since): :meth:`copy` puts it in place without a
        #: stat of its own
        self._found: dict[str, tuple[int, int]] = {}
        #: keys.json would differ from the file read (an entry added, replaced or dropped,
        #: another site digest): see :meth:`prune`
        self._changed = False
        self.chrome = chrome
        self.used: set[str] = set()
        self.stored = 0
        self.linked = 0
        self.kept = 0  # already in place at copy (a hard link to the stored file)
        self._entries: dict[str, list[Any]] | None = None
        self._site: str | None = None
        #: The digest of this build's page inputs (see :func:`site_digest`), saved by prune.
        self.site = ""
        #: `mkdocs serve`: what the previous build left (archive.site.keptindex)
        self._kept: keptindex.Kept | None = None

    def _read(self) -> None:
        self._kept = keptindex.take(self.folder / KEYS_FILE)
        if self._kept is not None:
            self._entries, self._site = self._kept.entries, self._kept.site
            return
        data = _read_index(self.folder / KEYS_FILE, FORMAT, "pages")
        self._entries = dict(data["pages"]) if data is not None else {}
        site = data.get("site") if data is not None else None
        self._site = site if isinstance(site, str) else ""
        self._changed = data is None

    @property
    def entries(self) -> dict[str, list[Any]]:
        """File name → [key, inode, size, mtime_ns] of each stored page (keys.json)."""
        if self._entries is None:
            self._read()
        assert self._entries is not None
        return self._entries

    def same_site(self) -> bool:
        """Whether the stored pages were written by a build with this build's site digest
        (then every intact stored page is still exact: see :meth:`reuse_all`)."""
        if self._entries is None:
            self._read()
        return bool(self.site) and self._site == self.site

    def reuse_all(self, uris: Iterable[str]) -> dict[str, str]:
        """src_uri → key of each page of ``uris`` whose stored file is intact; only when
        :meth:`same_site` (else the keys must be checked page by page)."""
        out: dict[str, str] = {}
        if not self.same_site():
            return out
        for uri in uris:
            key = self.stored_key(uri)
            if key is not None:
                out[uri] = key
        return out

    def same_chrome(self) -> bool:
        """Whether the stored pages were made around the same chrome (else none can match)."""
        try:
            return (self.folder / CHROME_FILE).read_text(encoding="utf-8") == self.chrome
        except OSError:
            return False

    def mark_chrome(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / CHROME_FILE
        if not self.same_chrome():
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_text(self.chrome, encoding="utf-8")
            os.replace(tmp, path)

    def name(self, src_uri: str) -> str:
        name = self._names.get(src_uri)
        if name is None:
            name = self._names[src_uri] = _store_name(src_uri)
        return name

    def path(self, src_uri: str) -> Path:
        return self.folder / self.name(src_uri)

    def key(self, src_uri: str, url: str, meta: dict[str, Any], content: str,
            content_bytes: bytes | None = None) -> str:
        """The digest a stored page must carry to stand for this page in this build
        (``content_bytes``: ``content`` in UTF-8, when the caller has it already)."""
        h = hashlib.sha256(self.chrome.encode() + b"\0")
        h.update(f"{src_uri}\0{url}\0".encode())
        for k in sorted(meta):
            v = meta[k]
            h.update(f"{k}\0{type(v).__name__}\0{canon(v)!r}\0".encode())
        h.update(content.encode() if content_bytes is None else content_bytes)
        return h.hexdigest()

    @staticmethod
    def _stamp(path: Path | str) -> list[int] | None:
        try:
            st = os.stat(path)
        except OSError:
            return None
        return [st.st_ino, st.st_size, st.st_mtime_ns]

    def stored_key(self, src_uri: str) -> str | None:
        """The key of the stored page, or None when there is none or its file is no longer
        the one written (changed in place, replaced or gone)."""
        name = self.name(src_uri)
        self.used.add(name)
        entry = self.entries.get(name)
        if not isinstance(entry, list) or len(entry) != 4:
            return None
        try:
            st = os.stat(os.path.join(self._folder, name))
        except OSError:
            return None
        if [st.st_size, st.st_mtime_ns] != entry[2:]:  # (as _same_file)
            return None
        self._found[name] = (st.st_dev, st.st_ino)
        return entry[0] if isinstance(entry[0], str) else None

    def put(self, src_uri: str, key: str, html: bytes) -> None:
        name = self.name(src_uri)
        self.used.add(name)
        if not self._put_ready:
            os.makedirs(self._folder, exist_ok=True)
            self._put_ready = True
        # a new file: the one linked into the previous site stays
        st = pagecache.replace_file(self._folder, name, html)
        self.entries[name] = [key, st.st_ino, st.st_size, st.st_mtime_ns]
        self._found[name] = (st.st_dev, st.st_ino)
        self._changed = True
        self.stored += 1

    def copy(self, src_uri: str, key: str, dest: Path | str, replace: bool = False,
             relink: bool = False, there: tuple[int, int] | None | bool = True) -> bool:
        """Put the stored page into the site at ``dest`` (a hard link, else a copy); False
        when it is no longer the one for ``key`` (then the caller must not use it). A file
        already at ``dest`` (a site folder MkDocs did not empty: ``mkdocs serve --dirty``, or
        the previous site a build is made in, archive.site.staging) is left when it is the
        stored file itself (a hard link to it), else replaced by a new file when ``replace``
        (never written through: it may be a link to another build's page; a hard link when
        ``relink``, else a copy), else it makes the copy fail. ``there``: the (device,
        inode) of the file at ``dest`` as the walk of the previous site found it (staging's
        ``found``), or None for no file there: then ``dest`` is not looked at first (True: a
        stat tells). (Plain strings and ``os`` calls: this runs for every stored page,
        13,700 at 10,000 articles.)"""
        name = self.name(src_uri)
        path = os.path.join(self._folder, name)
        entry = self.entries.get(name)
        # the stored file as this build found it intact (stored_key) or wrote it (put): its
        # size and time were compared then (37,800 pages at 29,904 articles: a stat each
        # spared here); any other stored file is looked at now
        ident = self._found.get(name)
        if ident is None:
            try:
                st = os.stat(path)
            except OSError:
                return False
            if not _same_file([st.st_ino, st.st_size, st.st_mtime_ns],
                              entry if isinstance(entry, list) else []):
                return False
            ident = (st.st_dev, st.st_ino)
        if not isinstance(entry, list) or entry[0] != key:
            return False
        dest = os.fspath(dest)
        if replace:
            if there is True:
                try:
                    at = os.stat(dest)
                except OSError:
                    there = None
                else:
                    there = (at.st_dev, at.st_ino)
            if there == ident:
                self.kept += 1
                return True
        _make_folder(os.path.dirname(dest), self._made)
        try:
            os.link(path, dest)
            self.linked += 1
        except FileExistsError:
            if not replace:
                return False
            folder, base = os.path.split(dest)
            tmp = os.path.join(folder, f".{base}.{os.getpid()}.tmp")
            try:
                if os.path.lexists(tmp):
                    os.unlink(tmp)
                try:
                    if not relink:
                        raise OSError
                    os.link(path, tmp)
                    self.linked += 1
                except OSError:
                    shutil.copyfile(path, tmp)
                os.replace(tmp, dest)
            except OSError:
                return False
        except OSError:  # another file system, or no hard links there
            try:
                shutil.copyfile(path, dest)
            except OSError:
                return False
        return True

    def prune(self, keep: Iterable[str] = ()) -> int:
        """Delete the stored pages this build did not use; return how many. Then save the
        keys of the others."""
        if not self.folder.is_dir():
            return 0
        used = self.used | set(keep)
        if keptindex.active():
            return self._prune_kept(used)
        removed = 0
        for path in self.folder.iterdir():
            name = path.name
            if name in (CHROME_FILE, KEYS_FILE, CHECKS_FILE) or name.startswith("."):
                continue
            if name not in used:
                path.unlink(missing_ok=True)
                removed += 1
        before = self.entries
        entries = {n: e for n, e in sorted(before.items()) if n in used}
        self._entries = entries
        # keys.json made again only when it would differ from the file read (its text is
        # made of these alone): a rebuild with nothing changed writes the same 4 MB at
        # 29,904 articles otherwise
        if self._changed or len(entries) != len(before) or self.site != self._site:
            files.write_atomic(self.folder / KEYS_FILE, _keys_text(entries, self.site))
            self._site, self._changed = self.site, False
        return removed

    def _prune_kept(self, used: set[str]) -> int:
        """:meth:`prune` under `mkdocs serve` (archive.site.keptindex): keys.json written by
        the first build and then when the server stops."""
        entries = self.entries
        before = self._kept
        names = _names_in(self._folder, before, entries, (CHROME_FILE, KEYS_FILE, CHECKS_FILE))
        removed = _unlink_all(self._folder, names - used)
        if len(used) < len(entries) or not used.issuperset(entries):
            entries = {n: e for n, e in entries.items() if n in used}
        self._entries = entries
        if before is None:  # the server's first build: keys.json written as a build writes it
            files.write_atomic(self.folder / KEYS_FILE, _keys_text(entries, self.site))
        keptindex.keep(self.folder / KEYS_FILE, entries, self.site, names & used, _keys_text,
                       before is not None, before)
        return removed


def _names_in(folder: str, before: keptindex.Kept | None, known: Iterable[str],
              own: tuple[str, ...]) -> set[str]:
    """The stored files in a store's ``folder`` under `mkdocs serve`: those the previous build
    left there and ``known`` (the files of the index's entries), or, with nothing kept (the
    server's first build), the folder listed (its ``own`` files and dot files left out)."""
    if before is not None:
        return before.present.union(known)
    try:
        return {n for n in os.listdir(folder) if n not in own and not n.startswith(".")}
    except FileNotFoundError:
        return set()


def _unlink_all(folder: str, names: Iterable[str]) -> int:
    """Delete the files ``names`` of ``folder``; how many there were."""
    removed = 0
    for name in names:
        try:
            os.unlink(os.path.join(folder, name))
            removed += 1
        except FileNotFoundError:
            pass
    return removed


def _keys_text(entries: dict[str, list[Any]], site: str) -> str:
    """keys.json's text."""
    return json.dumps({"format": FORMAT, "site": site, "pages": entries}, sort_keys=True)


def _store_name(src_uri: str) -> str:
    return hashlib.sha256(src_uri.encode()).hexdigest()[:32] + ".html"


def _make_folder(folder: str, made: set[str]) -> None:
    """Make ``folder`` (and its parents) unless it was made or found already."""
    if folder in made:
        return
    try:
        os.mkdir(folder)
    except FileExistsError:
        pass
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)
    made.add(folder)


def _same_file(stamp: list[int] | None, entry: list[Any]) -> bool:
    """Whether a stored page's file is still the one written: same size and modification
    time. (Its inode is kept in keys.json but not compared: a copy of build/ that keeps the
    times, as ``cp -a``, tar or a CI cache do, still holds the same pages; a page written in
    place, or replaced by another file, has another time.)"""
    return stamp is not None and stamp[1:] == entry[2:]


def site_digest(chrome: str, parts: Iterable[Any],
                memo: dict[int, tuple[Any, bytes]] | None = None) -> str:
    """Digest of the chrome and of every input of the generated pages' content, given as
    ``parts`` (plain data, bytes or strings; see the module docstring for what they must
    cover): equal digests mean every generated page would come out as it was stored.
    ``memo``: per part's position, the part and its canonical form at the previous call
    (``mkdocs serve``): a list part equal to its previous one is not made canonical again
    (for lists whose equality means the same canonical form: of strings, or of tuples of
    strings, as the plugin gives them)."""
    h = hashlib.sha256(f"site {FORMAT}\0{chrome}\0".encode())
    for k, part in enumerate(parts):
        if isinstance(part, bytes):
            h.update(b"b" + len(part).to_bytes(8, "big") + part)
        else:
            last = memo.get(k) if memo is not None and type(part) is list else None
            if last is not None and last[0] == part:
                data = last[1]
            else:
                data = repr(canon(part)).encode()
                if memo is not None and type(part) is list:
                    memo[k] = (part, data)
            h.update(b"r" + len(data).to_bytes(8, "big") + data)
    return h.hexdigest()


#: One stored page's check (see :func:`write_checks`): its address, its meta (canonical
#: form), the page cache's inputs digest, its recorded lookups (``[kind, key]``, in the order
#: their answers were digested), the digest of their answers, the page's key, and what it
#: shows (tags, archive.site.pagecache.tag).
Check = tuple[str, str, str, list[list[str]], str, str, frozenset[str]]


def write_checks(folder: Path, chrome: str, summary: Any,
                 pages: Mapping[str, Check] | Iterable[tuple[str, Check]],
                 numbered: tuple[Sequence[tuple[str, str]], Sequence[str]] | None = None,
                 as_numbered: bool = False) -> None:
    """``checks.bin`` in the store's folder: per stored page what its key was derived from
    (:data:`Check`), and ``summary`` (plain data: what the build's pages were made from), so
    that the next ``mkdocs build`` tells an unchanged page without reading its content or
    hashing it (archive.site.plugin). Each lookup and tag is stored once, pages refer to them
    by number. An entry stands only for the key it names: one whose key is not the stored
    page's (keys.json) is never used, so a stale file can only cost checks, never a page.

    ``pages``: a mapping, or (page, check) pairs in page order. ``numbered``: the lookup pairs
    and tags the checks' lookups and tags stand for when they are given as numbers (bytes of
    an ``array("I")``) rather than as lists and sets: renumbered here as those would be.
    The file is written a page at a time (marshal's version 2, which has no back-references,
    so that its parts make one value): not made whole in memory first (~36 MB at 29,904
    articles, with every page's entry beside it).

    ``as_numbered`` (with ``numbered``): the pages' numbers are written as they are, with the
    tables of ``numbered`` as the file's (not renumbered by their first use in page order):
    a rebuild's table starts as the one read from the previous file (see
    :func:`read_numbered_checks`), so that the checks of the pages it did not touch (all but a
    few) are written back without their lookups and tags being decoded and numbered again
    (~1.6 million numbers at 29,904 articles). A table may then hold entries no page refers
    to any more (those of deleted pages): a reader ignores them."""
    from array import array

    if as_numbered and numbered is not None:
        items = ((uri, pages[uri]) for uri in sorted(pages)) if isinstance(pages, Mapping) \
            else pages
        dump = marshal.dumps
        with files.atomic_file(folder / CHECKS_FILE) as fh:
            fh.write(b"(" + (6).to_bytes(4, "little"))
            for part in (CHECKS_FORMAT, chrome, summary):
                fh.write(dump(part, 2))
            fh.write(b"{")
            for uri, check in items:
                if not isinstance(check[3], bytes) or not isinstance(check[6], bytes):
                    raise ValueError(f"write_checks: the check of {uri} is not numbered")
                fh.write(dump(uri, 2))
                fh.write(dump(tuple(check), 2))
            fh.write(b"0")
            fh.write(dump([list(p) for p in numbered[0]], 2))
            fh.write(dump(list(numbered[1]), 2))
        return

    items = ((uri, pages[uri]) for uri in sorted(pages)) if isinstance(pages, Mapping) \
        else pages
    known_pairs, known_tags = numbered if numbered is not None else ((), ())
    pairs: dict[tuple[str, str], int] = {}
    tags: dict[str, int] = {}
    dump = marshal.dumps
    with files.atomic_file(folder / CHECKS_FILE) as fh:
        fh.write(b"(" + (6).to_bytes(4, "little"))  # a 6-tuple (marshal's TYPE_TUPLE)
        for part in (CHECKS_FORMAT, chrome, summary):
            fh.write(dump(part, 2))
        fh.write(b"{")  # TYPE_DICT: keys and values, then TYPE_NULL
        for uri, (url, meta, inputs, asked, answers, key, deps) in items:
            if isinstance(asked, bytes):
                ids = array("I")
                ids.frombytes(asked)
                asked = [known_pairs[i] for i in ids]
            if isinstance(deps, bytes):
                ids = array("I")
                ids.frombytes(deps)
                deps = [known_tags[i] for i in ids]
            a = array("I", [pairs.setdefault((k, v), len(pairs)) for k, v in asked])
            d = array("I", [tags.setdefault(t, len(tags)) for t in sorted(deps)])
            fh.write(dump(uri, 2))
            fh.write(dump((url, meta, inputs, a.tobytes(), answers, key, d.tobytes()), 2))
        fh.write(b"0")
        fh.write(dump([list(p) for p in pairs], 2))
        fh.write(dump(list(tags), 2))


def read_checks(folder: Path, chrome: str) -> tuple[Any, dict[str, Check]] | None:
    """The summary and the checks :func:`write_checks` saved for pages around ``chrome``;
    None when there are none (or unreadable, of another format or chrome)."""
    from array import array

    try:
        fmt, stored, summary, pages, pairs, tags = marshal.loads(
            (folder / CHECKS_FILE).read_bytes())
        if fmt != CHECKS_FORMAT or stored != chrome:
            return None
        out: dict[str, Check] = {}
        for uri, (url, meta, inputs, a, answers, key, d) in pages.items():
            asked, deps = array("I"), array("I")
            asked.frombytes(a)
            deps.frombytes(d)
            out[uri] = (url, meta, inputs, [pairs[i] for i in asked], answers, key,
                        frozenset([tags[i] for i in deps]))
    except (OSError, ValueError, EOFError, TypeError, IndexError, KeyError, AttributeError):
        return None
    return summary, out


#: One stored page's check as checks.bin holds it: as :data:`Check`, with its lookups and tags
#: as the bytes of an ``array("I")`` of their numbers in the file's tables.
NumberedCheck = tuple[str, str, str, bytes, str, str, bytes]


def read_numbered_checks(folder: Path, chrome: str
                         ) -> tuple[Any, dict[str, NumberedCheck], list[tuple[str, str]],
                                    list[str]] | None:
    """The summary, the checks (lookups and tags as numbers: not decoded), the lookup pairs
    and the tags that :func:`write_checks` saved for pages around ``chrome``; None as
    :func:`read_checks`. A check's numbers are checked against the tables' lengths."""
    try:
        fmt, stored, summary, pages, pairs, tags = marshal.loads(
            (folder / CHECKS_FILE).read_bytes())
        if fmt != CHECKS_FORMAT or stored != chrome:
            return None
        checks = pages.values()
        # every check's numbers against the tables in one pass over them all (joined: ~1.6
        # million numbers at 29,904 articles), not two calls per check; each check's own
        # byte counts first (4 bytes a number), so that no part is read across two checks
        if any(len(c) != 7 or len(c[3]) & 3 or len(c[6]) & 3 for c in checks):
            return None
        if (_highest(b"".join([c[3] for c in checks])) >= len(pairs)
                or _highest(b"".join([c[6] for c in checks])) >= len(tags)):
            return None
        return summary, pages, [(k, v) for k, v in pairs], list(tags)
    except (OSError, ValueError, EOFError, TypeError, IndexError, KeyError,
            AttributeError):
        return None


def _highest(numbers: bytes) -> int:
    """The highest number in the bytes of an ``array("I")`` (-1 when none)."""
    return max(memoryview(numbers).cast("I"), default=-1)


#: The folder of the articles' raw texts kept in build/ (see :class:`RawStore`).
RAW_DIR_NAME = "raw-texts"
RAW_INDEX = "index.json"
RAW_FORMAT = 1


class SourceChanged(Exception):
    """A seed file's bytes are no longer the ones the build loaded (edited during the build)."""


class RawStore:
    """The articles' raw texts (``site/raw/<id>.txt``, each the seed file byte for byte) kept in
    ``build/raw-texts/<id>.txt``, and put into the site as hard links (copies across file
    systems, :class:`LinkedFile`) like the stored pages, instead of MkDocs copying 10,000 seeds
    on every build.

    ``index.json`` holds, per article id, the sha256 of the seed's bytes (the loader's content
    hash) and the stored file's size and modification time. A stored text is copied again
    only when its article's content hash changed or its file is no longer the one written
    (changed in place through a site file, replaced, gone, or a build/ copied without its
    times): a missing or stale build/ heals itself. A stored file is never written in place
    (a new file replaces it, so a site built earlier keeps its bytes), and a site file is never
    written in place either (:meth:`place` replaces it), so no build changes the store through
    a site file."""

    def __init__(self, build: Path) -> None:
        self.folder = build / RAW_DIR_NAME
        self._folder = str(self.folder)
        self.copied = 0  # stored anew this build
        self._entries: dict[str, list[Any]] | None = None
        self._dirty = False
        self._made = False  # the folder made (by ensure)
        #: the (device, inode) of the stored file the last :meth:`ensure` gave (None: not
        #: looked at, under `mkdocs serve`)
        self.inode: tuple[int, int] | None = None
        #: the identity of the stored file the last :meth:`ensure` gave (see _stamp_of)
        self.stamp = ""
        #: `mkdocs serve`: what the previous build left (archive.site.keptindex)
        self._kept: keptindex.Kept | None = None
        #: `mkdocs serve`: the stamps of the stored texts the previous build found or wrote,
        #: and this build's (see keptindex.Kept.stamps); None: off
        self._stamps_before: dict[str, tuple[list[Any], str]] = {}
        self._stamps: dict[str, tuple[list[Any], str]] | None = (
            {} if keptindex.active() else None)

    @property
    def entries(self) -> dict[str, list[Any]]:
        """Article id → [content hash, size, mtime_ns] of each stored text (index.json)."""
        if self._entries is None and (kept := keptindex.take(self.folder / RAW_INDEX)):
            self._kept, self._entries = kept, kept.entries
            self._stamps_before = kept.stamps or {}
        if self._entries is None:
            data = _read_index(self.folder / RAW_INDEX, RAW_FORMAT, "texts")
            self._entries = dict(data["texts"]) if data is not None else {}
            self._dirty = data is None
        return self._entries

    def path(self, article_id: str) -> Path:
        return self.folder / f"{article_id}.txt"

    def ensure(self, article_id: str, source: Path | str, content_hash: str,
               root: str | None = None) -> str:
        """The path of the stored text of an article whose seed file is ``source`` (relative
        to ``root`` when given: joined only when the file is read) with bytes of sha256
        ``content_hash``: the stored file when it is still those bytes, else a new copy.
        Raises :class:`SourceChanged` when the seed no longer has those bytes. (Plain
        strings: this runs for every article on every build.)"""
        path = f"{self._folder}/{article_id}.txt"
        entry = self.entries.get(article_id)
        stamps = self._stamps
        self.inode = None
        if isinstance(entry, list) and len(entry) == 3 and entry[0] == content_hash:
            if stamps is not None:
                # `mkdocs serve`: the entry the previous build of this server found true of
                # its file (the same list: not replaced since) is taken with that build's
                # stamp, without a stat (9,504 at 9,504 articles): a stored text is never
                # written in place, and only this server replaces it while it runs (as the
                # pages it trusts by their kept keys, PageStore); its next start checks all
                found = self._stamps_before.get(article_id)
                if found is not None and found[0] is entry:
                    stamps[article_id] = found
                    self.stamp = found[1]
                    return path
            try:
                st = os.stat(path)
            except OSError:
                st = None
            if st is not None and [st.st_size, st.st_mtime_ns] == entry[1:]:
                self.stamp = _stamp_of(st)
                self.inode = (st.st_dev, st.st_ino)
                if stamps is not None:
                    stamps[article_id] = (entry, self.stamp)
                return path
        if root is not None:
            source = os.path.join(root, source)
        with open(source, "rb") as fh:
            data = fh.read()
        if hashlib.sha256(data).hexdigest() != content_hash:
            raise SourceChanged(os.fspath(source))
        if not self._made:  # (once a build, not for each of ~10,000 texts)
            os.makedirs(self._folder, exist_ok=True)
            self._made = True
        # a new file: a site linked to the old one keeps its bytes
        st = pagecache.replace_file(self._folder, f"{article_id}.txt", data)
        self.stamp = _stamp_of(st)
        self.inode = (st.st_dev, st.st_ino)
        entry = self.entries[article_id] = [content_hash, st.st_size, st.st_mtime_ns]
        if stamps is not None:
            stamps[article_id] = (entry, self.stamp)
        self._dirty = True
        self.copied += 1
        return path

    def prune(self, keep: Iterable[str]) -> int:
        """Delete the stored texts of the articles not in ``keep`` (deleted articles); save
        the index when it changed. Returns how many were deleted."""
        keep = set(keep)
        if keptindex.active():
            return self._prune_kept(keep)
        removed = 0
        if self.folder.is_dir():
            for name in os.listdir(self.folder):
                if name == RAW_INDEX or name.startswith("."):
                    continue
                if not name.endswith(".txt") or name[:-4] not in keep:
                    (self.folder / name).unlink(missing_ok=True)
                    removed += 1
        entries = self.entries
        for article_id in [i for i in entries if i not in keep]:
            del entries[article_id]
            self._dirty = True
        if self._dirty:
            files.write_atomic(self.folder / RAW_INDEX, _texts_text(entries, ""))
            self._dirty = False
        return removed

    def _prune_kept(self, keep: set[str]) -> int:
        """:meth:`prune` under `mkdocs serve` (archive.site.keptindex): index.json written by
        the first build and then when the server stops."""
        entries = self.entries
        before = self._kept
        names = _names_in(self._folder, before, (f"{i}.txt" for i in entries), (RAW_INDEX,))
        gone = {n for n in names if not n.endswith(".txt") or n[:-4] not in keep}
        removed = _unlink_all(self._folder, gone)
        for article_id in [i for i in entries if i not in keep]:
            del entries[article_id]
            self._dirty = True
        if before is None and self._dirty:  # the server's first build: as a build writes it
            files.write_atomic(self.folder / RAW_INDEX, _texts_text(entries, ""))
            self._dirty = False
        keptindex.keep(self.folder / RAW_INDEX, entries, "", names - gone, _texts_text,
                       self._dirty, before, self._stamps)
        self._dirty = False
        return removed


def _texts_text(entries: dict[str, list[Any]], site: str) -> str:
    """index.json's text of the raw texts (``site``: unused)."""
    return json.dumps({"format": RAW_FORMAT, "texts": dict(sorted(entries.items()))},
                      sort_keys=True)


def _stamp_of(st: os.stat_result) -> str:
    """A stored file's identity (inode, size, modification time): a stored file is replaced
    by a new one, never written in place, so the same stamp is the same bytes."""
    return f"raw {st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}"


class Placed:
    """How many files :func:`place_file` linked, copied, or found already in place; and
    what the walk of the previous site found in the staging folder (see
    :class:`LinkedFile`)."""

    def __init__(self) -> None:
        self.linked = self.copied = self.kept = 0
        #: each file's inode by its address, and the folder's device
        #: (archive.site.staging.StagedSiteDir.found); None: not known
        self.found: dict[str, int] | None = None
        self.device = 0


def _same_placed(src: Path | str, dest: Path | str) -> bool:
    """Whether ``dest`` is ``src`` already: the same file (a hard link) or a copy of it made
    by :func:`place_file` (the same size and modification time)."""
    try:
        a, b = os.stat(src), os.stat(dest)
    except OSError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino) or (
        (a.st_size, a.st_mtime_ns) == (b.st_size, b.st_mtime_ns))


def place_file(src: Path | str, dest: Path | str, tally: Placed | None = None) -> None:
    """Put the file ``src`` (in build/, replaced there only by a new file, never written in
    place) at ``dest`` in the site: a hard link, else (another file system, no hard links) a
    copy with its time. A file already at ``dest`` (a folder MkDocs did not empty: ``--dirty``,
    the served folder `mkdocs serve` keeps) is left when it is ``src`` already, else replaced
    by a new file: never written through, since it may be a link to another build's file."""
    tally = tally or Placed()
    try:
        os.link(src, dest)
        tally.linked += 1
        return
    except FileNotFoundError:
        pass  # its folder is not there yet (or src is gone: then the copy below says so)
    except OSError:  # a file there already, or no hard links from here to there
        if _same_placed(src, dest):
            tally.kept += 1
            return
    folder = os.path.dirname(dest)
    os.makedirs(folder, exist_ok=True)
    tmp = os.path.join(folder, f".{os.path.basename(dest)}.{os.getpid()}.tmp")
    if os.path.lexists(tmp):
        os.unlink(tmp)
    try:
        os.link(src, tmp)
        tally.linked += 1
    except OSError:
        shutil.copy2(src, tmp)  # with its time: a kept folder tells it is in place
        tally.copied += 1
    os.replace(tmp, dest)


class LinkedFile(File):
    """A file of the site taken from build/ (a raw text, a data file) that MkDocs puts into
    the site with :func:`place_file` instead of copying it (see :class:`RawStore`)."""

    tally: Placed | None = None
    #: the (device, inode) of the file ``abs_src_path`` as this build found it (a raw text:
    #: RawStore.ensure); None: not known
    src_inode: tuple[int, int] | None = None

    def is_modified(self) -> bool:
        assert self.abs_src_path is not None
        return not _same_placed(self.abs_src_path, self.abs_dest_path)

    def copy_file(self, dirty: bool = False) -> None:
        assert self.abs_src_path is not None
        tally = self.tally
        if tally is not None and tally.found is not None and self.src_inode is not None:
            # made in the previous site (archive.site.staging): the file there is known
            # from its walk, without the failed link and two stats of place_file (~30,000
            # raw texts at 29,904 articles)
            ino = tally.found.get(self.dest_uri)
            if ino is not None and (tally.device, ino) == self.src_inode:
                tally.kept += 1
                return
        place_file(self.abs_src_path, self.abs_dest_path, self.tally)


def _read_index(path: Path, fmt: int, table: str) -> dict[str, Any] | None:
    """A JSON index file of the stores above when it is readable, of format ``fmt`` and holds
    the mapping ``table``; None otherwise (the store then starts anew)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (isinstance(data, dict) and data.get("format") == fmt
            and isinstance(data.get(table), dict)):
        return data
    return None
