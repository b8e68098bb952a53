"""The ``archive`` MkDocs plugin: seeds/ → analyzer → build/ → generated pages in site/.

Pages are added with ``File.generated`` (nothing is written into docs/). A generated page's
Markdown is empty; its HTML is rendered by Jinja2 (autoescape on), so no article or gazetteer
text ever passes through Markdown or MkDocs' templates as markup. Only the index pages are in
the nav; article, place and actor pages are ``not_in_nav``.

MkDocs reads every page before it writes any, so a content made in ``on_page_content`` would
stay in memory until the end of the build (40,358 pages for 29,904 articles). When no other
plugin handles pages, a generated page's content is made in ``on_page_context``, just before
its template, and dropped in ``on_post_page``, once it is written; otherwise it is made in
``on_page_content``, where the other plugins expect it. The site is the same either way.

Rebuilds reuse what did not change: an article's or a root's content from build/pages/ and
build/root-pages/ (archive.site.pagecache), and on ``mkdocs build`` whole final pages from
build/site-pages/ (archive.site.pageout): an unchanged generated page is left out of MkDocs'
rendering (``InclusionLevel.EXCLUDED``, still listed in the sitemap) and its stored bytes are
copied into the site in ``on_post_build``. The articles' raw texts (raw/<id>.txt) are kept in
build/raw-texts/ (copied there only when an article's file changed) and the data files in
build/data/; MkDocs puts both into the site as hard links (archive.site.pageout.RawStore,
LinkedFile), not as 10,000 copies. ``mkdocs serve`` does the same with its own store,
build/serve-pages/ (its pages carry the serve address), so a reload after one edited article
renders only the pages that show it. Between reloads (the plugin instance lives on), ``mkdocs
serve`` also keeps its served folder (archive.site.staging.KeptServeDir: MkDocs would empty it,
and every page would be linked again), the parsed seeds, the word table,
the root counts and the search data last written (archive.pipeline.remember), the compiled
Jinja2 templates, the article, entity and root views that did not change with their digests,
and what each stored page's key was derived from: a page whose inputs and lookups are the same
as at the previous reload keeps its key without its content being read again. Each page also
records what it shows (the articles, places, actors and roots its inputs and lookups took in,
as tags): when a reload changed only some articles' text, related lists or root pages, a page
none of whose tags changed is not even checked (ArchivePlugin._changes). ``mkdocs build`` keeps
the same per-page keys in build/site-pages/checks.bin, with a summary of what its pages were
made from (digests: _Summary), so a rebuild after one edited article neither reads the other
pages' cached content nor hashes it, and checks only the pages whose tags changed. After an
article was added, deleted or moved to another date, the index pages and the lists' main pages
are checked by their inputs; an article or a root page only when one of its tags or of its
lookups' keys changed (the summary keeps the links and mention counts), a list's further page
only when its outline changed (which articles it shows, archive.site.render.Site.outlines).

Loading happens in ``on_pre_build``, before MkDocs empties site/: bad input stops the build with
a ``PluginError`` listing every problem, and the previous site/ stays as it was.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import logging
import os
import threading
import time
from array import array
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import jinja2
import jinja2.bccache
import mkdocs
from markupsafe import escape
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils import get_build_date

from archive import memory
from archive.browser import site as browser_site
from archive.browser.index import DATA_DIR as BROWSER_DATA_DIR
from archive.collector import Watch, paused
from archive.config import Paths
from archive.records import Analysis
from archive.site import builddate, export, keptmap, keptstencil, stencil
from archive.site.bytecode import theme_cache
from archive.site.model import (
    ArticleView,
    EntityView,
    SiteData,
    TitleForms,
    build_site_data,
    newest_first_key,
    read_related,
    related_ids,
)
from archive.site.pagecache import Memo, PageCache, stable
from archive.site.pageout import (
    DIR_NAME,
    SERVE_DIR_NAME,
    Check,
    LinkedFile,
    PageStore,
    Placed,
    RawStore,
    SourceChanged,
    canon,
    chrome_digest,
    page_handlers,
    read_checks,
    read_numbered_checks,
    site_digest,
    write_checks,
)
from archive.site.render import (
    ORDERS,
    PER_PAGE,
    Listing,
    Orders,
    PageSpec,
    Site,
    SiteOptions,
    compiled_pages,
)
from archive.site.staging import KeptServeDir, StagedSiteDir, keep_sitemap_gzip

log = logging.getLogger("mkdocs.plugins.archive")

PACKAGE = Path(__file__).parent
THEME_DIR = PACKAGE / "theme"
STATIC_DIR = PACKAGE / "static"
ASSETS = "assets/archive"
_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


class ArchivePluginConfig(base.Config):
    #: Repository root holding seeds/ (default: the folder of mkdocs.yml).
    root = c.Optional(c.Type(str))
    #: Folder of article files and gazetteer YAML (default: <root>/seeds).
    seeds = c.Optional(c.Type(str))
    #: Folder for build products (default: <root>/build).
    build_dir = c.Optional(c.Type(str))
    #: Update the search index in build/ and take related articles from it (else related
    #: articles come from shared places and actors only).
    index = c.Type(bool, default=True)
    #: Home page introduction (Markdown). docs/index.md, when present, takes its place.
    intro = c.Type(str, default="")
    #: Articles per page of every list (all articles, months, places, actors, sources).
    per_page = c.Type(int, default=PER_PAGE)
    #: Map extent [west, south, east, north] in degrees (default: fit the mentioned places).
    map_extent = c.Optional(c.ListOfItems(c.Type((int, float))))
    #: Short ASCII name for BibTeX keys and the data package (default: "archive").
    slug = c.Type(str, default="archive")
    #: Language of the interface. The pages' own text is Arabic, so only "ar" is accepted;
    #: the theme is set to Arabic, right to left.
    language = c.Choice(("ar",), default="ar")
    #: Root explorer: a page /roots/<root>/ for every root found in at least this many
    #: articles (default: 3 and 0.3 % of the articles, at most half as many pages as articles;
    #: see archive.site.roots.default_min); 0: no root pages at all.
    root_pages_min = c.Optional(c.Type(int))


_GC_THRESHOLDS = gc.get_threshold()
#: The collector's thresholds while the plugin runs (restored in on_shutdown): a young
#: collection every 10,000 net allocations, not 700, and a middle one every 20 of them. A
#: rebuild reads and makes millions of small containers that live to its end (the corpus, the
#: word table, the site data, MkDocs' files and pages), and with the default thresholds their
#: allocations triggered ~2,100 young, ~190 middle and ~10 full collections after one edited
#: article at 9,504 articles, each full one walking every object of the process: 1.2 of 6.1
#: CPU s (0.85 s fewer with these, the same peak memory; at 29,904, 29 full collections took
#: 6.6 of ~20 CPU s). Cycles are still collected, later.
BUILD_GC_THRESHOLDS = (10_000, 20, 10)
#: `mkdocs serve`: the thresholds while a reload runs (a build after the first), which ends
#: with one full collection of what is not frozen (see ArchivePlugin._collect_garbage): a
#: young collection only every 1,000,000 net allocations (an edited article's reload makes
#: ~250,000 at 9,504 articles: none; a reload that renders every page still has its
#: short-lived cycles collected on the way), no automatic middle or full one.
RELOAD_GC_THRESHOLDS = (1_000_000, 1 << 30, 1 << 30)
#: ... and that full collection is made GC_DELAY seconds after the reload's build, in a
#: timer's thread, once the server shows the page (0: at the end of the build) ...
GC_DELAY = 0.5
#: ... unless GC_POSTPONED reloads in a row began before theirs was made: then at the end of
#: the build (a collection put off is made by the next one)
GC_POSTPONED = 3


_Hook = TypeVar("_Hook", bound=Callable[..., Any])


def _uncollected(hook: _Hook) -> _Hook:
    """`mkdocs build`: the plugin's ``hook`` (on_pre_build, on_files) runs with the
    collector's automatic collections paused (archive.collector.paused). Those two events
    make what the build holds to on_post_build (the corpus, the analysis and word table
    read, the site data, MkDocs' files, the stores' indexes: millions of containers at 29,904
    articles, few of them garbage: ~5,000 unreachable objects found in them at 9,504) and
    end by freezing it (:meth:`ArchivePlugin._freeze_held`), whose young collection walks
    each new object once; the collections their allocations triggered walked them again and
    again as they grew (26 young and middle and a full one in on_pre_build, 60 in on_files:
    0.37 of 4.7 CPU s of an edited article's rebuild at 9,504; paused, 7 % fewer
    instructions there). The collector is as it was after the hook,
    whether it returns or raises. Not under `mkdocs serve` (its reloads keep the thresholds
    of :data:`RELOAD_GC_THRESHOLDS` and their own collection: _collect_garbage)."""

    @functools.wraps(hook)
    def run(self: ArchivePlugin, *args: Any, **kwargs: Any) -> Any:
        if self.serving:
            return hook(self, *args, **kwargs)
        with paused():
            return hook(self, *args, **kwargs)

    return run  # type: ignore[return-value]


class ArchivePlugin(BasePlugin[ArchivePluginConfig]):
    """Generates the archive's pages from seeds/ (see module docstring)."""

    def __init__(self) -> None:
        self.paths: Paths | None = None
        self.data: SiteData | None = None
        self.site: Site | None = None
        self.by_src: dict[str, PageSpec] = {}
        self.render_seconds = 0.0
        # The build's analysis: a summary per article in memory, tokens in build/analysis/
        # (archive.records), streamed to the browser index in on_post_build.
        self.analysis: Analysis | None = None
        self.gazetteer: Any = None
        self.staging = StagedSiteDir()
        self.stage_output = False
        self.serving = False  # `mkdocs serve`: pages are stored in build/serve-pages/
        self.dirty = False
        self.options = SiteOptions()
        self.home_from_docs = False
        # Whole built pages kept in build/site-pages/ (archive.site.pageout); None: off.
        self.store: PageStore | None = None
        self.files: Files | None = None
        self.generated: dict[str, File] = {}  # src_uri → File of each page we may store
        self.reused: dict[str, tuple[File, str]] = {}  # src_uri → (File, key): copied, not built
        self.prerendered: dict[str, str] = {}  # src_uri → content rendered in on_files
        # Generated pages' content rendered only when their template is (on_page_context)
        # and dropped once written (on_post_page), when no other plugin sees page content.
        self.defer = False
        self.trim: memory.Every | None = None  # `mkdocs build`'s pages (archive.memory)
        self.whole_seconds = 0.0
        # Every stored page reused on the site digest alone (nothing changed): the page
        # caches were not consulted for them, so they are not pruned this build.
        self.all_reused = False
        # `mkdocs serve`: the served folder is kept between reloads (archive.site.staging)
        self.kept = KeptServeDir()
        self.in_place: set[str] = set()  # src_uri of the files already in the kept folder
        self.placed: dict[str, str] = {}  # src_uri → key of the stored pages this build puts
        # raw texts and data files linked into the site from build/ (_add_raw_texts)
        self.placed_files = Placed()
        # `mkdocs serve`: the sitemap as last rendered, with what it was made from
        self.sitemap: dict[str, Any] = {}
        # raw text's src_uri → the stamp of its stored file this build (_add_raw_texts)
        self.raw_stamps: dict[str, str] = {}
        # the pages the sitemap lists (on_template_context), once per build
        self.listed_pages: list[File] | None = None
        # `mkdocs serve`: templates compiled once, not on every reload (MkDocs makes a new
        # Jinja2 environment for each build, and so does archive.site.render.Site)
        self.compiled = _CompiledTemplates()
        # `mkdocs serve`: what each stored page's key was derived from at the previous reload
        # (see _PageKey); a page whose inputs and lookups are the same again keeps its key
        # without its content being read from build/ or its key hashed again
        self.page_keys: dict[str, _PageKey] = {}
        # `mkdocs serve`: pages whose keys were read ahead (see _keys_ahead) but that show
        # something that changed since they were saved: checked by their inputs next reload
        self.recheck: set[str] = set()
        self.pending: dict[str, tuple[str, list[list[str]], str, frozenset[str]]] = {}
        # `mkdocs build`: the lookup pairs of the checks read from checks.bin, by number (the
        # keys read hold their lookups as numbers: see _stored_keys)
        self.read_pairs: list[tuple[str, str]] = []
        # one object per equal lookup pair and tag in page_keys (see _page_key); `mkdocs
        # build`: one number (see _KeyTable)
        self.shared_keys: dict[Any, Any] | _KeyTable = {}
        # `mkdocs serve`: each generated page's file name in the page store (a digest of its
        # address, PageStore.name), kept between reloads (each makes a new store)
        self.store_names: dict[str, str] = {}
        self.previous: _Before | None = None
        # `mkdocs serve`: the previous build's article and entity views and their digests;
        # an equal view is taken over as it is (archive.site.model.build_site_data)
        self.views: SiteData | None = None
        self.digests: Memo | None = None
        # `mkdocs serve`: what the previous (successful) build's pages were made from, to
        # tell which articles, lists and roots a reload changed (see _Before, _changes)
        self.before: _Before | None = None
        self.root_pages: dict[str, Any] = {}
        self.root_counts: tuple[int, int, int] | None = None  # what /roots/ says of all roots
        # `mkdocs serve`: where each article's record is in the article data files, so that a
        # reload makes only the changed articles' records again (archive.site.export.KeptRows)
        self.data_rows = export.KeptRows()
        # `mkdocs serve`: each article's related ids with the kept list they were made of
        # (archive.site.model.related_ids)
        self.related_memo: dict[str, tuple[Any, list[str]]] = {}
        self.title_forms = TitleForms()  # `mkdocs serve`: the session's (see on_pre_build)
        #: `mkdocs serve`: the previous reload's orders of the lists (render.Site.take_orders)
        self.orders: Orders | None = None
        self.builds = 0  # builds ended under `mkdocs serve` (see _collect_garbage)
        self.frozen = False  # `mkdocs build`: what its data is held in frozen (_freeze_held)
        self.gc_watch = Watch()  # `mkdocs serve`: the collector's time, logged per build
        # `mkdocs serve`: the collection after a reload, made by a timer (see
        # _collect_garbage); the reloads whose collection was put off by the next build
        self.gc_delay = GC_DELAY
        self.gc_timer: threading.Timer | None = None
        self.gc_owed = 0
        self.gc_lock = threading.Lock()
        self.digest_parts: dict[int, tuple[Any, bytes]] = {}  # see pageout.site_digest
        # `mkdocs build`: what this build's pages are made from (see _Summary), saved with the
        # page keys in build/site-pages/checks.bin for the next build (see _reuse_pages)
        self.summary: _Summary | None = None
        # whether the pages' keys are kept (serve: in memory; build: in checks.bin)
        self.keep_keys = False
        # `mkdocs serve`: the inotify observer of seeds/ (see _watch_seeds); None: not serving,
        # or MkDocs' own polling observer watches it
        self.watcher: Any = None
        # `mkdocs serve`: the File objects of the previous build by src_uri, with what each
        # was made from, taken again for the same (see _generated); and the pages made for
        # the sitemap of the pages taken whole from build/ (see on_template_context)
        self.old_files: dict[str, tuple[File, tuple[Any, ...]]] = {}
        self.made_files: dict[str, tuple[File, tuple[Any, ...]]] = {}
        self.files_for: tuple[Any, ...] | None = None
        self.listed_for: tuple[Any, ...] | None = None
        self.listed_made: dict[str, Page] = {}
        # `mkdocs serve`: src_uri → (what its meta is made from, the meta) of each stored page
        # checked at the last reload (see _reuse_pages)
        self.metas: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {}
        # `mkdocs build`: generated pages written from a stencil (archive.site.stencil) rather
        # than through MkDocs' per-page pipeline, by src_uri; their shapes; the navigation and
        # the Jinja2 environment the samples are rendered with; the sample being rendered
        self.stencilled: dict[str, File] = {}
        self.shapes: dict[Any, stencil.Shape] = {}
        self.nav: Any = None
        self.env: Any = None
        self.sampling: str | None = None
        self.places = stencil.Places(())
        self.sample: tuple[str, str, dict[str, Any], str | None] | None = None
        # in on_files: the config and what each generated File is made with of it (its
        # site_dir, use_directory_urls and the plugin's name: see _new_file)
        self.file_basis: tuple[Any, str, bool, str] | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Atomic output for builds (see archive.site.staging); serve and --dirty write in place.
        self.stage_output = command in ("build", "gh-deploy") and not dirty
        self.serving = command == "serve"
        self.dirty = dirty
        gc.set_threshold(*BUILD_GC_THRESHOLDS)  # (as they were again in on_shutdown)
        if self.serving:  # the plugin lives across reloads: so do the parsed corpus, the word
            # table and the root counts
            self.gc_watch.start()
            from archive.pipeline import remember

            remember(True)
            keep_sitemap_gzip(True)  # sitemap.xml.gz compressed only when it changed

    def on_shutdown(self) -> None:
        self._cancel_collection()
        self._thaw()
        gc.set_threshold(*_GC_THRESHOLDS)  # as they were (BUILD_GC_THRESHOLDS)
        builddate.end()  # SOURCE_DATE_EPOCH as it was before on_config
        if self.serving:
            from archive.pipeline import remember

            gc.unfreeze()  # (frozen after the first build: _collect_garbage)
            self.gc_watch.stop()
            if self.watcher is not None:
                self.watcher.stop()
                self.watcher = None
            keep_sitemap_gzip(False)
            remember(False)  # corpus.pickle, the word table, build/roots/ get the last build's

    # -- configuration -----------------------------------------------------------------------
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if self.serving:
            self._reload_begins()
        # the date MkDocs gives the pages (sitemap.xml): the newest article's, set when the
        # seeds are loaded, unless the user set SOURCE_DATE_EPOCH (archive.site.builddate)
        builddate.begin()
        self.options = _site_options(self.config, config)
        config.theme["language"] = self.config.language
        config.theme["direction"] = "rtl"
        if config.nav is None:
            config.nav = _default_nav(Path(config.docs_dir))
        if "generator" not in config.extra:
            config.extra["generator"] = False  # Material's English "Made with" line
        if not config.site_url:
            # Not a warning: `mkdocs build --strict` (the README's quick start, the tests) must
            # still pass without a public address. The page shows the path and the reader's
            # browser completes it from its own address when citing.
            log.info("archive: site_url is not set (set SITE_URL=https://…/ when building for "
                     "publication): citations show the page's path; the copy button completes "
                     "it from the address the reader is on")
        if self.stage_output:
            self.staging.begin(config)
        root = Path(self.config.root or Path(config.config_file_path or ".").parent).resolve()
        self.paths = _Paths(
            root,
            Path(self.config.seeds).resolve() if self.config.seeds else root / "seeds",
            Path(self.config.build_dir).resolve() if self.config.build_dir else root / "build",
        )
        # Our template overrides come right after the user's custom_dir (if any).
        dirs = config.theme.dirs
        position = 1 if config.theme.custom_dir else 0
        if str(THEME_DIR) not in dirs:
            dirs.insert(position, str(THEME_DIR))
        _list_theme_files_quickly(config.theme)
        if config.theme.get("font") is not False:
            # Material would fetch Google Fonts at view time; the plugin ships its own fonts.
            config.theme["font"] = False
        # map.css and map.js are linked by the map page only (theme/main.html)
        css = f"{ASSETS}/archive.css"
        if css not in [str(x) for x in config.extra_css]:
            config.extra_css.append(css)
        js = f"{ASSETS}/archive.js"
        if js not in [str(getattr(x, "path", x)) for x in config.extra_javascript]:
            config.extra_javascript.append(js)
        return config

    @_uncollected
    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        from archive.errors import ArchiveError
        from archive.pipeline import analyse, load

        assert self.paths is not None
        t0 = time.perf_counter()
        # per build: `mkdocs serve` keeps this plugin between builds
        self.render_seconds = self.whole_seconds = 0.0
        # taken: only a build that ends (on_post_build) leaves one for the next
        self.previous, self.before = self.before, None
        self.root_pages, self.root_counts = {}, None
        if not self.paths.seeds.is_dir():
            raise PluginError(
                f"archive: no seeds folder at {self.paths.seeds} — create it, or set "
                "'seeds:' under the archive plugin in mkdocs.yml"
            )
        try:
            loaded = load(self.paths)  # type: ignore[arg-type]
            if loaded.errors:
                raise ArchiveError(loaded.errors)
            _summarise(loaded.warnings, loaded.articles)
            analysis = analyse(loaded)
            log.info("archive: %d articles loaded, %d analysed (the others' analysis reused "
                     "from build/) in %.2fs", len(analysis), len(analysis.analysed),
                     time.perf_counter() - t0)
            self.analysis, self.gazetteer = analysis, loaded.gazetteer
        except ArchiveError as exc:
            lines = "\n".join(f"  - {p}" for p in exc.problems)
            raise PluginError(
                f"archive: the build stopped because of {len(exc.problems)} problem(s) in the "
                f"input. Fix them and build again (site/ was left as it was):\n{lines}"
            ) from None
        related = None
        if self.config.index:
            # The search index (build/search/) and its related-articles table; incremental, so
            # a rebuild after one new article re-analyses that article only.
            from archive.index.build import ensure_fresh, kept_related, published_related_ids
            from archive.pipeline import reusing

            t1 = time.perf_counter()
            scanned = None
            if loaded.listing is not None:  # the seeds' stats as the load found them
                from archive.freshnote import article_stats_of

                started, listing = loaded.listing
                scanned = (started, article_stats_of(self.paths, listing))  # type: ignore[arg-type]
                loaded.listing = None  # (its stats: not kept through the update)
            # `mkdocs build`: what the load and the analysis made is frozen before the index
            # update (few cycles among it: ~180 unreachable objects in a rebuild at 987
            # articles, none in a cold build), so that the young collection right after it
            # walks only what the update made: its garbage is the cycle of the index's
            # manifest (a frame kept by an exception whoosh holds, with every file's state:
            # ~120,000 objects at 29,904 articles). Collected at the end of this hook instead,
            # it walked everything the hook made (0.26-0.45 CPU s of a rebuild at 29,904).
            self._freeze_held(collect=False)
            with reusing(loaded):  # the corpus is read and parsed once per build
                report = ensure_fresh(self.paths, related=True,  # type: ignore[arg-type]
                                      analysed=analysis, scanned=scanned)
            self._freeze_held()
            if report is not None:
                log.info("archive: search index updated in %.2fs", time.perf_counter() - t1)
                related, report = report.related_ids, None  # the ids it has just written
            if related is None:
                kept = kept_related(self.paths.build / "related.json")
                related = (related_ids(kept, self.related_memo) if kept is not None
                           else published_related_ids(self.paths)  # type: ignore[arg-type]
                           or read_related(self.paths.build / "related.json"))
        if not self.serving:
            # The stages that read every text at once are done: the pages and the browser
            # data read each article's text from its record (archive.records.TextOnDisk)
            # rather than the corpus keeping them all to the end (36 MB at 9,504).
            # (`mkdocs serve` keeps the parsed corpus between reloads anyway.)
            analysis.texts_on_disk()
            loaded.articles = []
            memory.give_back()
        self.data = build_site_data(analysis.in_order(), loaded.gazetteer.entities.values(),
                                    related, self.views,
                                    analysis.keys if self.serving else None)
        for w in self.data.warnings:
            log.info("archive: %s", w)
        self.site = Site(self.data, config.site_url, config.site_name, self.options)
        self.site.basemap_file = self.paths.build / keptmap.KEPT_NAME
        # the titles' matching forms: kept in memory between reloads; a build starts from
        # the previous build's (saved in on_post_build)
        self.site.title_forms = (self.title_forms if self.serving
                                 else TitleForms(self.paths.build / "title-keys.bin"))
        if self.serving:
            self.site.env.bytecode_cache = self.compiled
            if self.orders is not None:
                self.site.take_orders(self.orders)
                self.orders = None
            if self.digests is not None:  # the digests of the views taken over unchanged
                self.site.memo = self.digests
        else:  # the page templates compiled once, not on every build (the theme's: on_env)
            self.site.env.bytecode_cache = compiled_pages(self.paths.build)
        self.views = self.digests = None
        # Article pages whose inputs did not change are taken from build/pages/.
        self.site.cache = PageCache(self.paths.build)
        self.site.root_cache = PageCache(self.paths.build, "root-pages")
        self.site.list_cache = PageCache(self.paths.build, "list-pages")
        self.store = None
        others = page_handlers(config, self)
        # MkDocs reads every page (on_page_content) before it writes any: a generated page's
        # content made there would stay in memory, 40,000 of them at once for a real corpus.
        # Alone with page events, the plugin makes it just before the page's template and
        # drops it once the page is written (see _deferred); another plugin that handles pages
        # gets the content where MkDocs gives it, in on_page_content.
        self.defer = not others
        # `mkdocs build`: the C heap's free pages given back as the pages are made (not
        # `mkdocs serve`: its reloads reuse that memory)
        self.trim = None if self.serving else memory.Every(memory.PAGES)
        if self.stage_output or self.serving:  # not `build --dirty` (archive.site.pageout)
            if others:
                log.info("archive: whole pages are rendered on every build because plugin(s) "
                         "%s also handle pages", ", ".join(others))
            else:
                # serve has its own store: its chrome (the serve address) is not the build's
                self.store = PageStore(self.paths.build, chrome_digest(config, self),
                                       SERVE_DIR_NAME if self.serving else DIR_NAME)
        self.in_place, self.placed, self.pending = set(), {}, {}
        if not self.serving:  # the keys only go to checks.bin: kept as numbers till then
            self.shared_keys = _KeyTable()
        self.site_digests: dict[str, str] = {}  # chrome → site digest, once per build
        self.keep_keys = self.serving or self.store is not None
        self.summary = None
        if self.serving and not self.dirty:  # MkDocs empties the served folder next
            self.kept.begin(config.site_dir, self.store.chrome if self.store else None)
        log.info(
            "archive: %d articles, %d places and actors ready for the pages (%.2fs in all)",
            len(self.data.articles), len(self.data.entities), time.perf_counter() - t0,
        )
        # (the site data and the page caches' indexes made since the index update: ~80
        # unreachable objects among them at 987 articles, held to the thaw rather than all
        # of them walked for those)
        self._freeze_held(collect=False)

    # -- files ---------------------------------------------------------------------------------
    @_uncollected
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.site is not None and self.data is not None and self.paths is not None
        self.kept.restore(config.site_dir)  # the previous build's files, when kept
        if type(files) is Files:  # (the same collection: its pages listed at less cost)
            files.__class__ = _QuickFiles
        site = self.site
        self.by_src = {}
        self.home_from_docs = False
        self.files, self.generated, self.reused, self.prerendered = files, {}, {}, {}
        self.all_reused = False
        self.placed_files = Placed()
        self.listed_pages = None
        self.file_basis = None
        self._take_files(config)
        src_uris = files.src_uris  # (the specs' addresses are POSIX paths already)
        for spec in site.specs():
            existing = src_uris.get(spec.src_uri)
            if spec.key == "home" and existing is not None:
                # docs/index.md is the home page's introduction; the plugin adds the rest.
                self.home_from_docs = True
                site.urls[spec.key] = existing.url
                self.by_src[spec.src_uri] = spec
                continue
            if existing is not None or spec.src_uri in self.by_src:
                what = (f"docs/{spec.src_uri}" if existing is not None
                        else f"the page of {self.by_src[spec.src_uri].key}")
                raise PluginError(
                    f"archive: {what} and the page of {spec.key} would have the same address "
                    f"({spec.src_uri}) — rename the file in docs/ or seeds/"
                )
            f = self._generated(
                config, spec.src_uri, content="",
                inclusion=InclusionLevel.UNDEFINED if spec.in_nav else InclusionLevel.NOT_IN_NAV,
            )
            files.append(f)
            site.urls[spec.key] = f.url
            self.by_src[spec.src_uri] = spec
            if not spec.in_nav:
                self.generated[spec.src_uri] = f
        browser_site.add_search_page(files, config)  # /search/ page of archive.browser
        self._add_root_pages(files, config)  # /roots/ and /roots/<root>/ (archive.site.roots)
        for key, candidates in (("about", ("about.md", "about/index.md")),
                                ("search", ("search.md", "search/index.md"))):
            for uri in candidates:
                existing = files.get_file_from_path(uri)
                if existing is not None:
                    site.urls[key] = existing.url
                    break
        self._add_raw_texts(files, config)
        for name in export.DATA_NAMES:
            site.urls[f"data:{name}"] = f"data/{name}"
        # `mkdocs build`: the site digest covers what the data files are made from (the
        # articles' records, the gazetteer, related.json, the links, the config and the code):
        # unchanged, they are not made again (computed once: _reuse_pages asks for it next)
        inputs = None
        if self.store is not None and not self.serving:
            inputs = self._site_digest(self.store.chrome)
        for name, path in export.write_data_files(
                self.data, site.urls, config.site_name, self.paths.build / "data",
                self.options.slug, config.site_description or "",
                self.data_rows if self.serving else None, inputs,
                None if self.serving else self.analysis.keys).items():
            # build/data/ files are replaced, never written in place (archive.files)
            f = self._generated(config, f"data/{name}", abs_src_path=str(path), linked=True)
            f.tally = self.placed_files
            files.append(f)
        for path in sorted(STATIC_DIR.rglob("*")):
            if path.is_file():
                uri = f"{ASSETS}/{path.relative_to(STATIC_DIR).as_posix()}"
                files.append(self._generated(config, uri, abs_src_path=str(path)))
        self._reuse_pages(config)
        self._plan_stencil(files, config)
        if self.kept.keeping:
            self._keep_in_place(files, config)
        elif self.dirty:
            self._unlink_linked_pages(files, config)
        self.file_basis = None
        self._freeze_held(collect=False)
        return files

    def _plan_stencil(self, files: Files, config: MkDocsConfig) -> None:
        """`mkdocs build` with whole-page storage: the generated pages not taken whole from
        build/ are left out of MkDocs' rendering and written from stencils in on_post_build
        (archive.site.stencil), except the home page made from docs/index.md and a page with a
        non-generated file of the site inside its folder. ``ARCHIVE_STENCIL=0``: off."""
        self.stencilled, self.shapes = {}, {}
        if (self.store is None or self.serving or not self.defer or not self.stage_output
                or os.environ.get("ARCHIVE_STENCIL", "1") == "0"):
            return
        generated, reused = self.generated, self.reused
        if all(uri in reused for uri in generated):
            return  # (every page taken whole: the places of the site's other files not needed)
        self.places = stencil.Places(f.url for f in files if f.src_uri not in generated)
        for uri, f in generated.items():
            if uri in reused or self.places.holds(f.url):
                continue
            spec = self.by_src.get(uri)
            if spec is None or (spec.key == "home" and self.home_from_docs):
                continue
            f.inclusion = InclusionLevel.EXCLUDED
            self.stencilled[uri] = f

    def _write_stencilled(self, config: MkDocsConfig) -> None:
        """Write the pages of :meth:`_plan_stencil` into build/site-pages/ (then into the site
        with the pages taken whole, _write_reused): each from its shape's verified stencil, or
        rendered by MkDocs as a sample of its shape (or because the shape was given up)."""
        from types import SimpleNamespace

        from mkdocs.commands.build import _build_page, _populate_page

        store, files, paths = self.store, self.files, self.paths
        if not self.stencilled or store is None or files is None or paths is None:
            return
        t0 = time.perf_counter()
        # the stencils the previous build verified under the same chrome (archive.site.keptstencil)
        features, self.shapes = keptstencil.read(paths.build, store.chrome)
        kept = len(self.shapes)
        if features is None:
            features = stencil.theme_features(config.theme.dirs)
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
        site_url = config.site_url
        filled = rendered = 0
        encoded: dict[Any, list[bytes | int]] = {}  # shape → its stencil's parts in UTF-8
        for uri, f in self.stencilled.items():
            spec = self.by_src[uri]
            url = f.url
            meta = self._meta(spec, url)
            done = self.prerendered.pop(uri, None)
            content = done if done is not None else self._made(spec, uri, url)
            shape_key = stencil.shape_of(self.places.of(url), meta, content, features)
            shape = self.shapes.get(shape_key)
            if shape is None:
                shape = self.shapes[shape_key] = stencil.Shape()
            if shape.stencil is not None:
                where = SimpleNamespace(url=url)
                Page._set_canonical_url(where, site_url)  # type: ignore[arg-type]
                parts = encoded.get(shape_key)
                if parts is None:
                    parts = encoded[shape_key] = stencil.encoded(shape.stencil)
                # (in UTF-8: the content encoded once, for the page and its key)
                values = [v.encode() if v else b"" for v in
                          stencil.values_of(content, meta, where.canonical_url)]
                html = stencil.fill_bytes(parts, values)
                self.reused[uri] = (f, self._store_page(uri, url, meta, content, html,
                                                        values[0]))
                filled += 1
                continue
            # rendered by MkDocs as it would have been in its own loop
            self.prerendered[uri] = content
            self.sampling, self.sample = uri, None
            try:
                page = Page(None, f, config)
                _populate_page(page, config, files)
                _build_page(page, config, doc_files, self.nav, self.env)
            finally:
                self.sampling = None
            f.page = None
            rendered += 1
            if self.sample is not None and not shape.given_up:
                output, content, meta, canonical = self.sample
                shape.add(output, stencil.values_of(content, meta, canonical))
            self.sample = None
        given_up = sum(1 for s in self.shapes.values() if s.stencil is None)
        for shape_key, s in self.shapes.items():
            if s.given_up:
                log.debug("archive: no stencil for %r (%d samples disagreed)", shape_key[:3],
                          stencil.MAX_SAMPLES)
        keptstencil.save(paths.build, store.chrome, features, self.shapes)
        log.info("archive: %d generated pages written from %d stencils, %d rendered by MkDocs "
                 "(samples, or %d shapes without a stencil; %d stencils kept from the previous "
                 "build) in %.2fs", filled, len(self.shapes) - given_up, rendered, given_up,
                 kept, time.perf_counter() - t0)
        self.shapes = {}

    def _take_files(self, config: MkDocsConfig) -> None:
        """`mkdocs serve`: the previous build's File objects may be taken again by
        :meth:`_generated` when they were made for the same folder and addresses, and no
        other plugin handles pages (it could keep something of its own on them)."""
        made_for = (config.site_dir, config.use_directory_urls, config.plugins._current_plugin)
        if self.serving and self.defer and made_for == self.files_for:
            self.old_files = self.made_files
        else:
            self.old_files = {}
        self.made_files = {}
        self.files_for = made_for if self.serving and self.defer else None

    def _generated(self, config: MkDocsConfig, uri: str, *, content: str | None = None,
                   abs_src_path: str | None = None,
                   inclusion: InclusionLevel = InclusionLevel.UNDEFINED,
                   linked: bool = False) -> File:
        """``File.generated`` (:class:`LinkedFile` when ``linked``). Under `mkdocs serve`, the
        File object of the previous build when it was made from the same, its inclusion set
        anew and its page dropped (MkDocs makes a page for each file it renders): a reload
        at 10,000 articles lists 23,000 generated files (pages, raw texts), and making each
        again with its addresses cost about a tenth of the reload."""
        made = (content, abs_src_path, linked)
        old = self.old_files.pop(uri, None)
        if old is not None and old[1] == made:
            f = old[0]
            f.inclusion = inclusion
            f.page = None
        else:
            basis = self.file_basis  # (the config's values asked once per on_files)
            if basis is None or basis[0] is not config:
                basis = self.file_basis = (config, config.site_dir, config.use_directory_urls,
                                           config.plugins._current_plugin or "<unknown>")
            f = _new_file(LinkedFile if linked else File, config, uri, content, abs_src_path,
                          inclusion, basis[1:])
        if self.files_for is not None:
            self.made_files[uri] = (f, made)
        return f

    def _unlink_linked_pages(self, files: Files, config: MkDocsConfig) -> None:
        """``--dirty``: MkDocs writes each page it renders into the folder as it is (``open``
        and write). A page there that is a hard link (to a page an earlier build stored in
        build/, archive.site.pageout) is removed first, so that MkDocs writes a new file and
        not into the stored one, nor into any copy of an earlier site that shares it."""
        site_dir = config.site_dir
        shown = (InclusionLevel.is_in_serve if self.serving else InclusionLevel.is_included)
        for f in files:
            if f.is_documentation_page() and shown(f.inclusion) and f.is_modified():
                path = os.path.join(site_dir, f.dest_uri)
                try:
                    if os.stat(path).st_nlink > 1:
                        os.unlink(path)
                except OSError:
                    pass

    def _add_raw_texts(self, files: Files, config: MkDocsConfig) -> None:
        """Each article's raw text (raw/<id>.txt, the seed byte for byte), taken from the
        store in build/ (archive.site.pageout.RawStore: copied there only when the article
        changed) and put into the site as a hard link when MkDocs copies the static files
        (archive.site.pageout.LinkedFile); the texts of deleted articles leave the store."""
        assert self.data is not None and self.site is not None and self.paths is not None
        t0 = time.perf_counter()
        raw = RawStore(self.paths.build)
        root, urls, tally = str(self.paths.root), self.site.urls, self.placed_files
        stamps: dict[str, str] = {}
        self.raw_stamps = stamps
        ids = []
        for v in self.data.articles.values():
            uri = f"raw/{v.id}.txt"
            article = v.article
            try:
                path = raw.ensure(v.id, article.path, article.content_hash, root)
            except SourceChanged:
                raise PluginError(f"archive: {article.path} changed during the build — build "
                                  "again") from None
            f = self._generated(config, uri, abs_src_path=path,
                                inclusion=InclusionLevel.NOT_IN_NAV, linked=True)
            f.tally = tally
            f.src_inode = raw.inode  # type: ignore[attr-defined]
            stamps[uri] = raw.stamp
            files.append(f)
            urls[f"raw:{v.id}"] = uri
            ids.append(v.id)
        removed = raw.prune(ids)
        log.info("archive: %d raw texts ready in build/ (%d copied there, %d stale removed; "
                 "%.2fs)", len(ids), raw.copied, removed, time.perf_counter() - t0)

    def _keep_in_place(self, files: Files, config: MkDocsConfig) -> None:
        """The served folder was kept (archive.site.staging.KeptServeDir): a stored page
        already in place with the same key, or a static file not older than its source, is
        not written again; every page MkDocs renders replaces its file (never written in place
        through a hard link into build/serve-pages/)."""
        t0 = time.perf_counter()
        placed, written = self.kept.placed, self.kept.written
        for uri, (f, key) in self.reused.items():
            if placed.get(uri) == key and f.dest_uri in written:
                self.in_place.add(uri)
        site_dir = Path(config.site_dir)
        # (most files are pages left out of the rendering: passed over at one lookup; a
        # tuple: its members are found by identity, an Enum's hash is Python code)
        served = tuple(level for level in InclusionLevel if level.is_in_serve())
        # a raw text whose stored file is the one the previous build put in the folder (its
        # stamp: the same inode, size and time) is in place, as a stored page with the same
        # key is, without a look at either file (two stats each: 19,000 at 9,504 articles)
        stamps, stamped = self.raw_stamps, 0
        for f in files:
            if f.inclusion not in served:
                continue
            if f.is_documentation_page():
                (site_dir / f.dest_uri).unlink(missing_ok=True)
            elif f.dest_uri in written and f.abs_src_path is not None:
                stamp = stamps.get(f.src_uri)
                if stamp and placed.get(f.src_uri) == stamp:
                    stamped += 1
                elif f.is_modified():
                    continue
                f.inclusion = InclusionLevel.EXCLUDED
                self.in_place.add(f.src_uri)
        log.info("archive: served folder kept: %d pages and files already in place (%d raw "
                 "texts by their stamps; %.2fs)", len(self.in_place), stamped,
                 time.perf_counter() - t0)

    def _reuse_pages(self, config: MkDocsConfig) -> None:
        """Leave out of MkDocs' rendering every generated page whose stored final HTML is
        still exact (archive.site.pageout); they are copied into the site in on_post_build."""
        store, site = self.store, self.site
        if store is None or site is None:
            return
        in_nav = _nav_paths(config.nav)
        for uri in in_nav:  # a page listed in the nav gets nav links of its own: always built
            self.generated.pop(uri, None)
        t0 = time.perf_counter()
        if self.serving:  # the file names worked out at earlier reloads (~13,000 digests)
            store._names = self.store_names
        store.site = self._site_digest(store.chrome)
        # `mkdocs build`: the keys are kept in checks.bin. `mkdocs serve` keeps them in memory
        # between reloads, and in its own store's checks.bin for its next start: a reload with
        # no keys in memory (after a first build that took every page whole) reads them there
        building = not self.serving or not self.page_keys
        if not store.same_chrome():  # nothing stored can match: build all, store anew
            store.mark_chrome()
            self.page_keys, self.metas = {}, {}
            if building:
                self.summary = self._summary()
            log.info("archive: 0 of %d generated pages unchanged (mkdocs.yml, the theme or the "
                     "code changed: all are built)", len(self.generated))
            return
        whole = store.reuse_all(self.generated)
        if whole:  # nothing any generated page shows changed since they were stored
            for uri, key in whole.items():
                f = self.generated[uri]
                f.inclusion = InclusionLevel.EXCLUDED
                self.reused[uri] = (f, key)
            self.all_reused = True
            self.whole_seconds += time.perf_counter() - t0
            log.info("archive: %d of %d generated pages unchanged (nothing they show changed: "
                     "taken whole from build/ without checking each, %.2fs)", len(whole),
                     len(self.generated), time.perf_counter() - t0)
            if self.serving and not self.page_keys:
                self._keys_ahead(store, whole)
            return
        if building:  # the previous build's keys and what its pages were made from
            self.summary = self._summary()
            known, changed = self._stored_keys(store, self.summary)
            self.page_keys = known
        else:
            known = self.page_keys
            if any(k.chrome != store.chrome for k in known.values()):
                known.clear()
            changed = self._changes() if known else None
        recheck, self.recheck = self.recheck, set()
        keep = self.keep_keys
        # `mkdocs build`: the keys read hold their tags as numbers in the build's _KeyTable;
        # ``changed`` as those numbers (a tag no key read has cannot be among their tags)
        table = self.shared_keys
        changed_ids = (frozenset(table.tags[t] for t in changed if t in table.tags)
                       if changed is not None and isinstance(table, _KeyTable) else frozenset())

        def untouched_by(deps: frozenset[str] | bytes) -> bool:  # nothing it shows changed
            assert changed is not None
            if type(deps) is bytes:
                return changed_ids.isdisjoint(memoryview(deps).cast("I"))
            return changed.isdisjoint(deps)

        remembered = untouched = unlooked = 0
        # `mkdocs serve`: each page's meta is made from its address, title, hide list and the
        # addresses of its prev/next pages: with the same links as at the previous reload
        # (_changes is not None only then), an equal basis gives the meta made then (the same
        # object, which its kept key holds: compared at once). Not after a start or a reload
        # that kept no keys (``building``: the saved summary's changes may include links).
        metas = self.metas if changed is not None and not building else {}
        self.metas = made_metas = {}
        # `mkdocs serve`, a reload after one that kept its keys: a page that shows nothing
        # that changed, whose store entry still carries its kept key, is taken without a
        # look at its stored file (a stat each: ~0.15 s of 12,958 at 9,504). The store is
        # this server's own (build/serve-pages/, its keys kept by it between reloads:
        # archive.site.keptindex);
        # a page it copies into the served folder is checked there (PageStore.copy).
        trusted = changed is not None and not building and self.serving
        entries, name_of, used = store.entries, store.name, store.used
        by_src, cache_of, reused = self.by_src, self.site.cache_of, self.reused
        excluded = InclusionLevel.EXCLUDED
        for uri, f in self.generated.items():
            before = known.get(uri) if trusted else None
            if (before is not None and changed is not None and uri not in recheck
                    and untouched_by(before.deps)):
                name = name_of(uri)
                entry = entries.get(name)
                spec = by_src[uri]
                url = f.url
                last_meta = metas.get(uri)
                if (last_meta is not None and type(entry) is list and len(entry) == 4
                        and entry[0] == before.key and last_meta[0] == _meta_basis(spec, url)
                        and before.same(url, last_meta[1])):
                    cache = cache_of(spec)
                    if cache is not None:  # as below ("nothing it shows changed")
                        used.add(name)
                        made_metas[uri] = last_meta
                        cache.keep(spec.key)
                        f.inclusion = excluded
                        reused[uri] = (f, before.key)
                        untouched += 1
                        unlooked += 1
                        continue
            stored = store.stored_key(uri)
            if stored is None:
                continue  # a new page: MkDocs renders it (and it is stored then)
            spec = self.by_src[uri]
            basis = _meta_basis(spec, f.url)
            last_meta = metas.get(uri)
            meta = (last_meta[1] if last_meta is not None and last_meta[0] == basis
                    else self._meta(spec, f.url))
            if self.serving:
                made_metas[uri] = (basis, meta)
            before = known.pop(uri, None)
            if before is not None and before.key == stored and before.same(f.url, meta):
                if (changed is not None and untouched_by(before.deps)
                        and uri not in recheck):
                    # nothing it shows changed since its inputs were last digested
                    cache = self.site.cache_of(spec)
                    if cache is not None:
                        cache.keep(spec.key)
                        f.inclusion = InclusionLevel.EXCLUDED
                        self.reused[uri] = (f, stored)
                        known[uri] = before
                        untouched += 1
                        continue
                if self._same_inputs(spec, f.url, before):
                    f.inclusion = InclusionLevel.EXCLUDED
                    self.reused[uri] = (f, stored)
                    known[uri] = before
                    remembered += 1
                    continue
            content = self._content(spec, f.url)
            key = store.key(uri, f.url, meta, content)
            last = self.site.last
            if key == stored:
                f.inclusion = InclusionLevel.EXCLUDED
                self.reused[uri] = (f, key)
                if keep and last is not None:
                    known[uri] = _page_key(store.chrome, spec.key, f.url, meta, last, key,
                                           self.shared_keys)
            else:
                self.prerendered[uri] = content
                if keep and last is not None:
                    self.pending[uri] = last
        self.whole_seconds += time.perf_counter() - t0
        log.info("archive: %d of %d generated pages unchanged (taken whole from build/, "
                 "checked in %.2fs%s)", len(self.reused), len(self.generated),
                 time.perf_counter() - t0,
                 (f"; {untouched} show nothing that changed, {remembered} by the previous "
                  f"{'build' if building else 'reload'}'s keys; {unlooked} taken without a "
                  "look at their stored file" if self.serving or known else ""))

    def _keys_ahead(self, store: PageStore, whole: dict[str, str]) -> None:
        """`mkdocs serve`, a build that took every page whole with no page keys in memory (a
        start on unchanged inputs): the keys the store saved (its checks.bin) are read now,
        for the first reload after an edit to check its pages by them, as later reloads do by
        the previous one's (otherwise that reload worked them out and saved them: ~1.5 CPU s
        more than the next ones at 9,504 articles). Only the keys of stored pages whose key is
        the one taken, and that show nothing that changed since they were saved, are kept;
        each with this build's meta (compared with the saved canonical form once here, not on
        every reload). The others' pages are checked by their content at the next reload."""
        t0 = time.perf_counter()
        known, changed = self._stored_keys(store, self._summary())
        if changed is None or not known:
            return
        keys: dict[str, _PageKey] = {}
        recheck: set[str] = set()
        metas: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {}
        for uri, key in whole.items():
            before = known.get(uri)
            spec = self.by_src.get(uri)
            if before is None or spec is None or before.key != key:
                continue
            url = self.generated[uri].url
            meta = self._meta(spec, url)
            if before.same(url, meta):
                keys[uri] = replace(before, meta=meta)
                metas[uri] = (_meta_basis(spec, url), meta)
                if not changed.isdisjoint(before.deps):
                    # it shows something that changed since the key was saved: the next
                    # reload checks it by its inputs, whatever that reload changes
                    recheck.add(uri)
        self.page_keys, self.recheck, self.metas = keys, recheck, metas
        log.info("archive: %d of %d page keys read for the next reload (%.2fs)", len(keys),
                 len(whole), time.perf_counter() - t0)

    def _changes(self) -> set[str] | None:
        """`mkdocs serve`: the tags (archive.site.pagecache.tag, and "p:<page key>" for a
        page's own changes) of what changed since the previous build, when only that changed:
        some articles' text or mentions (not their place in any list), related lists, root
        pages. None when anything else changed (an article added, deleted, moved in a list;
        a place or an actor; a link; mention counts): then every page is checked."""
        b, d, site = self.previous, self.data, self.site
        if b is None or d is None or site is None:
            return None
        differ = next((name for name, same in (
            ("options", lambda: b.options == self.options),
            ("site", lambda: (b.site_url, b.site_name) == (site.site_url, site.site_name)),
            ("links", lambda: b.urls == site.urls),
            ("articles", lambda: b.articles.keys() == d.articles.keys()),
            ("places and actors", lambda: b.entities == d.entities and all(
                d.entities[k] is e for k, e in b.entities.items())),
            ("mentions", lambda: b.entity_articles == d.entity_articles),
            ("co-occurrence", lambda: b.cooccurrence == d.cooccurrence),
            ("places' children", lambda: b.children == d.children),
            ("sources", lambda: (b.sources, b.source_slugs) == (d.sources, d.source_slugs)),
            ("lists", lambda: b.listings == {k: _listed(x) for k, x in site.listings.items()}),
            ("root pages", lambda: b.roots.keys() == self.root_pages.keys()),
        ) if not same()), None)
        if differ is not None:
            log.info("archive: every generated page checked (%s changed)", differ)
            return None
        changed: set[str] = set()
        for i, old in b.articles.items():
            new = d.articles[i]
            if new is not old:
                if _placing(old.article) != _placing(new.article):
                    # it moves in the lists, months, mentioned dates
                    log.info("archive: every generated page checked (%s moved in the lists)",
                             i)
                    return None
                changed.add(f"a:{i}")
            if tuple(new.related) != b.related[i]:
                changed.add(f"p:article:{i}")
        for root, page in self.root_pages.items():
            if page is not b.roots[root]:
                changed.add(f"r:{root}")
        if self.root_counts != b.root_counts:  # the root index's own figures
            changed.add("p:roots")
        return changed

    def _summary(self) -> _Summary:
        """`mkdocs build`: what this build's generated pages are made from, as digests (see
        _Summary), for the next build to tell what changed without the views themselves."""
        d, site, analysis = self.data, self.site, self.analysis
        assert d is not None and site is not None and analysis is not None
        keys = analysis.keys
        shared = {name: _digest(value) for name, value in (
            ("plugin options", sorted(dict(self.config).items())),
            ("options", self.options),
            ("site", (site.site_url, site.site_name)),
            ("places and actors", list(d.entities.items())),
            ("source pages", sorted(d.source_slugs.items())),  # an article page links its own
        )}
        # what only the list and index pages show in their own context (an article or a root
        # page shows it through its lookups, compared with ``urls`` and ``mentioned`` below)
        broad = {name: _digest(value) for name, value in (
            # which articles name each place or actor (how often: in the lists' counts below)
            ("mentions", sorted((k, [a for a, _ in v]) for k, v in d.entity_articles.items())),
            ("co-occurrence", sorted(d.cooccurrence.items())),
            ("places' children", sorted(d.children.items())),
            ("sources", sorted(d.sources.items())),
            # which roots have a page: the root index shows them, other pages link them
            # (lookups: ``urls``)
            ("root pages", sorted(self.root_pages)),
        )}
        # an article's view is made from its analysis record (whose key covers its file, the
        # analysis code and the gazetteer's tagging) and its path; what else shapes it (which
        # places and actors exist and are named) is in ``shared`` above
        articles = {i: (f"{keys.get(i)}\0{v.article.path}", _digest(_placing(v.article)),
                        _digest(v.related)) for i, v in d.articles.items()}
        from archive.site.roots import shown

        # what each root's page shows of it (not the scores, which every article moves)
        roots = {root: _digest(shown(page)) for root, page in self.root_pages.items()}
        # a place's or an actor's list shows how often each article names it: only its pages
        counts = {k: _digest(x.counts) for k, x in site.listings.items() if x.counts is not None}
        outlines = {k: _digest(x) for k, x in site.outlines().items()}
        return _Summary(shared, articles, roots, _digest(self.root_counts), counts, broad,
                        dict(site.urls), dict(site.counts), outlines)

    def _stored_keys(self, store: PageStore, now: _Summary
                     ) -> tuple[dict[str, _PageKey], set[str] | None]:
        """`mkdocs build`: the page keys the previous build saved (build/site-pages/checks.bin)
        and the tags of what changed since then (as :meth:`_changes` tells them under `mkdocs
        serve`; None: every page with a key is checked by its inputs)."""
        table = self.shared_keys
        self.read_pairs = []
        if isinstance(table, _KeyTable):  # `mkdocs build`: the checks as numbers, the file's
            # tables this build's (see _KeyTable.take): not decoded page by page
            numbered = read_numbered_checks(store.folder, store.chrome)
            if numbered is None:
                return {}, None
            raw, checks, pairs, tags = numbered
            if not table.take(pairs, tags):
                return {}, None
            self.read_pairs = pairs
        else:
            read = read_checks(store.folder, store.chrome)
            if read is None:
                return {}, None
            raw, checks = read  # type: ignore[assignment]
        chrome = store.chrome
        known = {uri: _PageKey(chrome, *check) for uri, check in checks.items()}
        try:
            changed = _Summary(*raw).changes(now)
        except (TypeError, ValueError, AttributeError, KeyError, IndexError):
            return known, None  # not a summary this code wrote: every page by its inputs
        site = self.site
        assert site is not None
        if changed is not None and _OTHERS in changed:
            # An article added, deleted or moved in the lists, links, lists or mention counts
            # changed. The index pages and the lists' main pages are checked by their inputs
            # (their context shows figures of the whole archive). An article or a root page
            # shows the rest of the archive only through its lookups (links, counts, articles,
            # places and actors, recorded with its key): it is checked when one of them is
            # among what changed, or one of its tags is. A further page of a list
            # ("list:<list>:<order>:<n>") shows only the list and its own articles (tags): it
            # is checked also when the list changed or one of its articles moved (a new date
            # or title sorts the list anew).
            changed.discard(_OTHERS)
            asked = {t[2:] for t in changed if t.startswith("k:")}
            outlined = {t[2:] for t in changed if t.startswith("o:")}
            # (the numbers of the lookup pairs whose key is among ``asked``: numbered checks)
            asked_ids = (frozenset(i for pair, i in table.pairs.items() if pair[1] in asked)
                         if isinstance(table, _KeyTable) else frozenset())
            for uri, k in known.items():
                spec = self.by_src.get(uri)
                if spec is None:
                    continue
                key = spec.key
                if key.startswith(("article:", "root:")):
                    check = False
                elif key.startswith(_OUTLINED) and key in now.outlines:
                    check = key in outlined
                else:  # a list's main page, an index page: their context shows more
                    check = True
                if check or (not asked_ids.isdisjoint(memoryview(k.asked).cast("I"))
                             if type(k.asked) is bytes
                             else any(pair[1] in asked for pair in k.asked)):
                    changed.add(f"p:{key}")
        for key in [t[2:] for t in changed or () if t.startswith("l:")]:
            # a list whose counts changed (not its articles): each of its pages shows them
            listing = site.listings[key]
            for order in ("newest",) if site.client(listing) else ORDERS:
                for n in range(1, site.n_pages(listing, order) + 1):
                    changed.add(f"p:{listing.page_key(order, n)}")
        return known, changed

    def _save_keys(self, store: PageStore) -> None:
        """The keys of the stored pages and this build's summary, for the next build
        (checks.bin in the store's folder: build/site-pages/, or build/serve-pages/ when a
        `mkdocs serve` build worked them out with none in memory); only keys that are the
        stored pages' keys."""
        if self.summary is None or self.all_reused:
            return
        t0 = time.perf_counter()
        keys = self.page_keys
        if not self.serving:  # (serve keeps them for the next reload) each key let go of as
            # its check is written: its meta's dict and the key itself, not kept beside them
            self.page_keys = {}
        saved = 0

        def checks() -> Iterator[tuple[str, Check]]:
            nonlocal saved
            for uri in sorted(keys):
                k = keys[uri] if self.serving else keys.pop(uri)
                entry = store.entries.get(store.name(uri))  # written or checked this build
                if uri in self.generated and isinstance(entry, list) and entry[:1] == [k.key]:
                    saved += 1
                    yield uri, (k.url, _meta_form(k.meta), k.inputs, k.asked, k.answers, k.key,
                                k.deps)

        s, table = self.summary, self.shared_keys
        # the keys' numbers written as they are (the tables grown from the file read), unless
        # a third of the tables' entries are no longer used (deleted pages'): then numbered
        # anew by their use, as a first build numbers them
        as_numbered = False
        if isinstance(table, _KeyTable) and not self.serving:
            used_pairs, used_tags = table.used(
                k for uri, k in keys.items() if uri in self.generated)
            as_numbered = (3 * used_pairs >= 2 * len(table.pairs)
                           and 3 * used_tags >= 2 * len(table.tags))
        write_checks(store.folder, store.chrome,
                     (s.shared, s.articles, s.roots, s.root_counts, s.counts, s.broad, s.urls,
                      s.mentioned, s.outlines), checks(),
                     (list(table.pairs), list(table.tags)) if isinstance(table, _KeyTable)
                     else None, as_numbered)
        log.info("archive: %d page keys saved for the next build (%.2fs)", saved,
                 time.perf_counter() - t0)

    def _same_inputs(self, spec: PageSpec, url: str, before: _PageKey) -> bool:
        """Whether the page's content is the one it had at the previous reload: the same
        inputs and the same answers to its lookups (what archive.site.pagecache keys it by)."""
        assert self.site is not None
        cache = self.site.cache_of(spec)
        if cache is None:
            return False
        inputs, lookups = self.site.inputs(spec, url)
        if inputs != before.inputs:
            return False
        asked = before.asked
        if type(asked) is bytes:  # numbers in the tables of the checks read (_stored_keys)
            pairs = self.read_pairs
            asked = [pairs[i] for i in memoryview(asked).cast("I")]  # type: ignore[misc]
        if lookups.digest(asked) != before.answers:  # type: ignore[arg-type]
            return False
        cache.keep(spec.key)  # still its stored content (not pruned)
        return True

    def _site_digest(self, chrome: str) -> str:
        """Digest of every input of the generated pages' content (archive.site.pageout);
        `mkdocs build`: computed once (on_files asks first, for the data files)."""
        assert self.analysis is not None and self.site is not None and self.paths is not None
        if not self.serving:
            done = self.site_digests.get(chrome)
            if done is None:
                done = self.site_digests[chrome] = self._site_digest_of(chrome)
            return done
        return self._site_digest_of(chrome)

    def _site_digest_of(self, chrome: str) -> str:
        assert self.analysis is not None and self.site is not None and self.paths is not None
        summaries = self.analysis.summaries
        related = self.paths.build / "related.json"
        keyed: list[tuple[str, str, str]] | bytes = [
            (i, summaries[i].article.path, k) for i, k in self.analysis.keys.items()]
        if self.serving:  # (serve's own store) the same, as bytes: a reload changes this list,
            # and its generic canonical form cost 0.3 s at 9,504 articles; repr's is in C
            keyed = b"keys " + repr(keyed).encode()
        parts = [
            dict(self.config), self.options, sorted(self.site.extra_pages), keyed,
            [repr(self.gazetteer.entities[k]) for k in sorted(self.gazetteer.entities)],
            related.read_bytes() if self.config.index and related.is_file() else b"",
            sorted(self.site.urls.items()),
        ]
        if self.serving:
            return site_digest(chrome, parts, self.digest_parts)
        # `mkdocs build`: the two long lists (every article's key, every address: ~100,000
        # tuples of strings at 29,904 articles) given with their canonical form made here at
        # once, not by canon's dispatch per value (the same form: site_digest takes a part's
        # form from its memo when the part is the one it was made from)
        formed = {k: (part, form) for k in (3, 6)
                  if (form := _strings_form(part := parts[k])) is not None}
        return site_digest(chrome, parts, formed)

    def _content(self, spec: PageSpec, url: str, intro: str | None = None) -> str:
        assert self.site is not None
        t0 = time.perf_counter()
        out = _skip_target(self.site.render(spec, url, intro=intro))
        self.render_seconds += time.perf_counter() - t0
        return out

    def _meta(self, spec: PageSpec, url: str) -> dict[str, Any]:
        """The meta of a generated page (all of it reaches the templates)."""
        assert self.site is not None
        meta: dict[str, Any] = {}
        link = self.site.link_from(url)
        for rel in ("prev", "next"):  # <link rel=prev/next> in <head> (theme/main.html)
            target = getattr(spec, rel)
            if target:
                meta[f"archive_{rel}"] = link(target)
        # The title reaches Material's templates, which do not escape: pass it escaped.
        # Bidi embedding/override controls are dropped there: <title> and the header cannot
        # isolate them (the page body keeps them, inside <bdi>).
        meta["title"] = escape(spec.title.translate(_BIDI_CONTROLS))
        if spec.hide:
            meta["hide"] = list(spec.hide)
        return meta

    def _add_root_pages(self, files: Files, config: MkDocsConfig) -> None:
        """The root explorer's static pages (archive.site.roots), counted from the analysed
        articles; none when ``root_pages_min`` is 0."""
        from archive.site import roots

        assert self.site is not None
        if self.config.root_pages_min is not None and self.config.root_pages_min <= 0:
            return
        t0 = time.perf_counter()
        assert self.analysis is not None  # one article at a time, from build/analysis/
        index = roots.collect_cached(self.analysis, self.config.root_pages_min,
                                     self.paths.build)
        self.root_pages = dict(index.pages)
        self.root_counts = (index.n_articles, index.min_articles, index.n_roots)
        def has_kwic() -> bool:  # the concordance page of archive.browser, when there is one
            return any(files.get_file_from_path(u) for u in ("kwic.md", "kwic/index.md"))

        for spec in roots.specs(index, PageSpec, has_kwic):
            f = self._generated(config, spec.src_uri, content="",
                                inclusion=InclusionLevel.NOT_IN_NAV)
            files.append(f)
            self.site.urls[spec.key] = f.url
            self.by_src[spec.src_uri] = spec
            self.generated[spec.src_uri] = f
        log.info("archive: %d root pages (roots in %d+ articles) counted in %.2fs",
                 len(index.pages), index.min_articles, time.perf_counter() - t0)
        if not self.serving:  # (what only the analysis and this count read)
            from archive.pipeline import let_go_of_word_caches

            let_go_of_word_caches()
            # and what the count let go of (its contributions, the counts.bin it wrote: a
            # spike of ~100 MB at 9,504 articles), before the pages are made on top of it
            memory.give_back()

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        assert self.site is not None
        env.globals["archive_search_url"] = self.site.urls.get("search")
        if self.serving:
            env.bytecode_cache = self.compiled
        elif self.paths is not None:  # the theme's templates compiled once, not every build
            env.bytecode_cache = theme_cache(self.paths.build, env)
        if self.staging.reusing:  # made in the previous site (archive.site.staging): keep
            # the files put in place unwritten when right (checked there), write all others
            t0 = time.perf_counter()
            keep = {f.dest_uri for f in files
                    if isinstance(f, LinkedFile) and f.inclusion.is_included()}
            keep.update(f.dest_uri for f, _key in self.reused.values())
            keep.update(self._static_in_place(files))
            self.staging.restore(keep, (BROWSER_DATA_DIR,),
                                 _written_folders(files, keep, self.stencilled))
            # what the walk found where the stored pages, raw texts and data files go: they
            # are put in place without a look there of their own (_write_reused, LinkedFile)
            self.placed_files.found = self.staging.found
            self.placed_files.device = self.staging.device
            log.info("archive: built in the previous site: %d of its files kept, %d deleted "
                     "(%.2fs)", self.staging.kept, self.staging.removed,
                     time.perf_counter() - t0)
        self.env = env if self.stencilled else None  # the stencils' samples (on_post_build)
        if self.trim is not None:  # what making the files and data files let go of, before
            memory.give_back()  # the pages
        return env

    def _static_in_place(self, files: Files) -> set[str]:
        """Made in the previous site: the static files MkDocs would copy (the theme's, the
        plugin's assets, docs/ files) that are there already with the same bytes are kept
        and not copied again (their class becomes :class:`_InPlaceFile`); their addresses."""
        candidates: dict[str, File] = {}
        for f in files:
            if (type(f) is File and f._content is None and f.abs_src_path is not None
                    and not f.is_documentation_page() and f.inclusion.is_included()):
                candidates[f.dest_uri] = f
        same = self.staging.same_as_kept(
            {dest: f.abs_src_path for dest, f in candidates.items()})  # type: ignore[misc]
        for dest in same:
            candidates[dest].__class__ = _InPlaceFile
        return same

    def on_nav(self, nav: Any, *, config: MkDocsConfig, files: Files) -> Any:
        self.nav = nav if self.stencilled else None  # the stencils' samples (on_post_build)
        return nav

    # -- pages ---------------------------------------------------------------------------------
    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if browser_site.is_search_page(page):
            # Its body is replaced in on_page_content: no Markdown heading, so no TOC entry
            # pointing at a heading that will not exist. Material adds the <h1> from the title.
            page.meta.setdefault("title", "البحث")
            page.meta["hide"] = ["toc"]
            return ""
        spec = self.by_src.get(page.file.src_uri)
        if spec is None:
            return markdown
        if spec.key == "home" and self.home_from_docs:
            page.meta.setdefault("title", spec.title)
            page.meta["hide"] = ["toc"]
            return markdown  # the introduction, rendered by MkDocs like any docs/ page
        if not page.file.generated_by:
            return markdown
        page.meta.update(self._meta(spec, page.file.url))
        return ""

    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if browser_site.is_search_page(page):  # archive.browser's search page body
            return _skip_target(browser_site.search_page_html(page.file.url))
        spec = self.by_src.get(page.file.src_uri)
        if spec is None or self.site is None:
            return html
        intro = None
        if spec.key == "home" and self.home_from_docs:
            intro = html
        elif not page.file.generated_by:
            return html
        elif self.defer:
            return ""  # made in on_page_context, just before the page's template
        done = self.prerendered.pop(page.file.src_uri, None)
        return done if done is not None else self._made(spec, page.file.src_uri,
                                                        page.file.url, intro)

    def _deferred(self, page: Page) -> PageSpec | None:
        """The spec of a generated page whose content is made just before its template and
        dropped once it is written (``self.defer``); None for every other page."""
        if not self.defer or not page.file.generated_by:
            return None
        spec = self.by_src.get(page.file.src_uri)
        if spec is None or (spec.key == "home" and self.home_from_docs):
            return None
        return spec

    def on_page_context(
        self, context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Any
    ) -> dict[str, Any]:
        # A page of a paginated list: its rel=prev/next are the list's pages (theme/main.html),
        # not the neighbours in the navigation that Material would put there.
        if page.meta.get("archive_prev") or page.meta.get("archive_next"):
            page.previous_page = None
            page.next_page = None
        spec = self._deferred(page)
        if spec is not None:  # the template reads page.content (context["page"] is the page)
            done = self.prerendered.pop(page.file.src_uri, None)
            page.content = done if done is not None else self._made(spec, page.file.src_uri,
                                                                    page.file.url)
        return context

    def _made(self, spec: PageSpec, uri: str, url: str, intro: str | None = None) -> str:
        """The content of a page MkDocs renders now; under `mkdocs serve`, what its key is
        derived from is kept for the next reload (see _reuse_pages), also when it was not
        checked first (the first build, a new page, a changed chrome)."""
        content = self._content(spec, url, intro)
        assert self.site is not None
        if self.trim is not None:  # `mkdocs build`: see archive.memory.PAGES
            self.trim.step()
        if self.keep_keys and self.site.last is not None and uri in self.generated:
            self.pending.setdefault(uri, self.site.last)
        return content

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        # archive.browser: lunr index, metadata, per-article store and scripts under search/
        assert self.site is not None
        # first: their contents are asked from the page caches, which are pruned next
        self._write_stencilled(config)
        self.nav = self.env = None
        self.stencilled = {}
        log.info("archive: %d generated pages rendered in %.2fs (Jinja2 only)",
                 len(self.by_src), self.render_seconds)
        for what, cache in (("article", self.site.cache), ("root", self.site.root_cache),
                            ("other generated", self.site.list_cache)):
            if cache is None:
                continue
            # all pages reused on the site digest: the caches were not asked, not pruned
            stale = 0 if self.all_reused else cache.prune()
            log.info("archive: %d %s pages reused from build/, %d rendered, %d stale removed",
                     cache.hits, what, cache.misses, stale)
        self.site.title_forms.save()  # a build's: for the next build (no file under serve)
        urls = {k.partition(":")[2]: u for k, u in self.site.urls.items()
                if k.startswith("article:")}
        # The pages are written: what only they needed (the site data with every article's
        # view, listings, page caches, contents rendered ahead) is let go here, so the browser
        # stage below reuses that memory rather than adding to it.
        if self.serving:  # the next reload takes over the views (and root pages, kept by
            # archive.site.roots) that did not change, with their digests
            if self.all_reused:
                self._digest_views()
            self.views = SiteData(self.data.articles, self.data.entities, {}, {}, {}, {},
                                  made=self.data.made, shown_keys=self.data.shown_keys)
            self.digests = self.site.memo.carried(frozenset({"ArticleView", "EntityView",
                                                                   "RootPage"}))
            self.before = _Before.of(self.data, self.site, self.options, self.root_pages,
                                     self.root_counts)
        if self.serving:
            self.orders = self.site.orders()
        site, self.site, self.data = self.site, None, None
        self.by_src, self.prerendered = {}, {}
        if not self.serving:  # (the large blocks let go of: see archive.memory)
            from archive.pipeline import let_go_of_page_caches

            self._thaw()  # (a cycle among what is let go of is collectable again)
            site.close()
            let_go_of_page_caches()
            memory.give_back()
        del site
        # after the site data is let go of: checks.bin (its page keys, made and encoded
        # whole: 36 MB at 29,904 articles) is made in the memory the pages' data left, not
        # on top of it (it was the peak of a cold build at 29,904: +115 MB)
        self._write_reused(config)
        # what the walk of the previous site found (~100,000 paths at 29,904 articles): its
        # last users, the stored pages and the raw texts (LinkedFile), are in place now
        self.staging.found = self.placed_files.found = None
        if not self.serving:  # saved in checks.bin for the next build: not kept in memory
            # while the browser data is made (they grow with the pages: ~60 MB at 9,504)
            self.page_keys, self.pending, self.summary, self.placed = {}, {}, None, {}
            self.shared_keys = _KeyTable()
            # the root explorer's pages are written and in the summary: 14.5 MB at 29,904
            # articles, where the browser stage is the build's peak
            self.root_pages = {}
            # the page store's entries and names (every stored page's: 8 MB at 9,504), all
            # written to build/ by _write_reused
            self.store = None
            self._let_go_of_files(config)
            from archive.pipeline import let_go_of_path_caches

            let_go_of_path_caches()
            _forget_page_paths()
            memory.give_back()
        placed = self.placed_files
        log.info("archive: raw texts and data files put into the site: %d as hard links, %d "
                 "copied, %d already in place", placed.linked, placed.copied, placed.kept)
        t0 = time.perf_counter()
        assert self.analysis is not None and self.paths is not None
        # one analysed article at a time, in id order, rebuilt from build/analysis/ when
        # it changed since the browser data was last written
        analysed: Any = self.analysis if self.serving else _ReadOnce(self.analysis)
        rounds = None if self.serving else memory.Every(memory.ROUNDS)
        browser_site.write_site_search(analysed, self.gazetteer, config.site_dir, urls,
                                       self.paths.build / "browser", trim=rounds)
        del analysed
        log.info("archive: browser search data written in %.2fs", time.perf_counter() - t0)
        self.staging.commit(config)  # last: the new site replaces the old one only now
        if self.serving and not self.dirty and self.store is not None and self.files:
            served = tuple(level for level in InclusionLevel if level.is_in_serve())
            in_place, reused = self.in_place, self.reused
            written = {f.dest_uri for f in self.files
                       if f.inclusion in served or f.src_uri in in_place
                       or f.src_uri in reused}
            placed = {uri: key for uri, (_f, key) in self.reused.items()}
            placed.update(self.placed)
            # the raw texts in the folder now (kept there, or put there by MkDocs), by the
            # stamp of the stored file they are
            stamps = self.raw_stamps
            placed.update((f.src_uri, stamps[f.src_uri]) for f in self.files
                          if f.src_uri in stamps and stamps[f.src_uri]
                          and (f.inclusion in served or f.src_uri in in_place))
            removed = self.kept.finish(config.site_dir, self.store.chrome, written, placed)
            if removed:
                log.info("archive: %d files of the previous build removed from the served "
                         "folder", removed)
        if self.serving:
            self._list_ahead(config)
            self._warm()
            self._collect_garbage()
            log.info("archive: collector during this build: %s", self.gc_watch.summary())

    def _let_go_of_files(self, config: MkDocsConfig) -> None:
        """`mkdocs build`, every page written: MkDocs' files (a File for each generated page,
        raw text and data file, most with the Page the sitemap was made with: ~85 MB at 29,904
        articles) are taken out of its list and let go of, so the browser stage below reuses
        their memory rather than adding to it. Only when this is the last handler of
        ``on_post_build``: nothing after it reads them then (MkDocs itself does not, after
        that event). The pages MkDocs rendered (its own list of them) stay."""
        files = self.files
        handlers = config.plugins.events.get("post_build") or []
        if (files is None or not handlers
                or getattr(handlers[-1], "__self__", None) is not self):
            return
        self.files, self.listed_pages = None, None
        self.generated, self.reused, self.stencilled = {}, {}, {}
        for f in list(files):
            files.remove(f)
            if f.page is not None and not f.inclusion.is_included():
                f.page = None  # (the Page refers back to its File: freed now, not by the GC)

    def _warm(self) -> None:
        """`mkdocs serve`: what the first reload after an edit would read or compute for the
        first time (the word table, the search index's kept files and related lists' texts,
        the root explorer's co-occurrence counts) is made at the end of a build that did not
        need it (a first build that found everything up to date), so that every reload costs
        about the same; later builds find it done."""
        from archive.index import build as index_build
        from archive.pipeline import remember_word_table
        from archive.site import roots

        assert self.paths is not None
        t0 = time.perf_counter()
        done = [what for what, warm in (
            ("word table", lambda: remember_word_table(self.paths.build)),
            ("search index", lambda: self.config.index and index_build.warm(self.paths)),
            ("root counts", lambda: roots.warm(self.paths.build)),
        ) if warm()]
        if done:
            log.info("archive: ready for the next reload (%s read or counted in %.2fs)",
                     ", ".join(done), time.perf_counter() - t0)

    def _digest_views(self) -> None:
        """`mkdocs serve`, a build that took every page whole (a start on unchanged inputs):
        no page's inputs were digested, so the first reload after an edit digested every view
        that the pages it checks show (~1,500 article, place, actor and root views for one
        edited article at 9,504 articles: ~0.2 CPU s more than the next reloads, which take
        over the digests of the views that did not change). All are digested now, into the
        memo the next reload takes over (the same digests: computed from the same objects)."""
        site, data = self.site, self.data
        assert site is not None and data is not None
        t0 = time.perf_counter()
        memo, touched = site.memo, site.memo.touched
        for views in (data.articles.values(), data.entities.values(), self.root_pages.values()):
            for view in views:
                memo.touched = set()
                stable(view, memo)
        memo.touched = touched
        log.info("archive: views digested for the next reload (%.2fs)", time.perf_counter() - t0)

    def _list_ahead(self, config: MkDocsConfig) -> None:
        """`mkdocs serve`: the page each generated page's file shows in the sitemap when it is
        taken whole from build/ (see on_template_context), made now for the files that have
        none kept (pages rendered by this build: every page, after a start that rendered them
        all, 12,970 pages made on the next reload at 9,504 articles, ~0.3 CPU s), so that a
        reload makes only those of the pages it renders itself."""
        if self.files_for is None or self.store is None:
            return
        listed_for = (config.site_url, get_build_date())
        if listed_for != self.listed_for:
            self.listed_made, self.listed_for = {}, listed_for
        made = self.listed_made
        for uri, f in self.generated.items():
            if uri not in made and f.is_documentation_page():
                page = f.page  # (what MkDocs made for it stays until the next build)
                made[uri] = Page(None, f, config)  # address and date, as MkDocs gives them
                f.page = page

    def _reload_begins(self) -> None:
        """`mkdocs serve`, a build begins: the collections since the last build are logged
        (the server's own and the previous reload's, made after it), and a reload (not the
        first build) runs with :data:`RELOAD_GC_THRESHOLDS` until :meth:`_collect_garbage`
        at its end. A collection due and not yet under way is put off to the end of this
        build (one under way is waited for)."""
        if self._cancel_collection():
            self.gc_owed += 1
        if any(self.gc_watch.counts):
            log.info("archive: collector since the last build: %s", self.gc_watch.summary())
        self.gc_watch.take()
        if self.builds:
            gc.set_threshold(*RELOAD_GC_THRESHOLDS)

    def _freeze_held(self, collect: bool = True) -> None:
        """`mkdocs build`, at the end of on_pre_build and of on_files: the objects that exist
        now (the corpus, the analysis, the site data, MkDocs' files, the page stores' indexes:
        millions at 29,904 articles, most of them held to on_post_build) are left out of the
        collector's later collections (``gc.freeze``) until :meth:`_thaw`. A full collection
        walked them all again: 0.6 of ~17 CPU s in an edited article's rebuild at 29,904
        articles, ~the tenth of "MkDocs other". A frozen object no longer used is still freed
        at once by reference counting; one in a reference cycle waits for the thaw (the young
        generations are collected first: most cycles die young). Not under `mkdocs serve`,
        which freezes what it keeps in its own way (:meth:`_collect_garbage`).

        ``collect=False``: frozen without that young collection (before the search index
        update, at the end of on_pre_build, at the end of on_files). It walked every object
        the hook made since the last freeze (all of them young: the collector is paused
        there) to find few unreachable ones (~100 in on_files, ~80 after the index update);
        the one right after the index update (on_pre_build) finds its manifest's cycle
        (~120,000 objects at 29,904 articles), which is not to be kept to the thaw."""
        if self.serving:
            return
        if collect:
            gc.collect(1)
        gc.freeze()
        self.frozen = True

    def _thaw(self) -> None:
        """The objects :meth:`_freeze_held` froze are collectable again (in the oldest
        generation), before the build lets go of its pages' data."""
        if self.frozen:
            gc.unfreeze()
            self.frozen = False

    def _collect_garbage(self) -> None:
        """`mkdocs serve`, at the end of a build: after the first one, a full collection,
        and what survives it is frozen (``gc.freeze``: left out of every later collection).
        Most of what the server keeps (the corpus, the word table, the analysis, the kept
        views, files and pages) lives as long as the server: a full collection that walked
        it again cost ~0.6 CPU s at 9,504 articles. A frozen object no longer used is still
        freed at once by reference counting; one in a reference cycle is not (at most what
        the first build made, once).

        After each reload (run with :data:`RELOAD_GC_THRESHOLDS`: no automatic collection in
        an edited article's reload), one full collection of the objects not frozen: what the
        reloads made and still hold (a reload replaces most of the previous one's: the site
        data, MkDocs' files and pages) and the cycles they left, each walked once. With the
        collector's own collections (BUILD_GC_THRESHOLDS) a reload at 9,504 articles made
        ~25 young and 1-2 middle ones, the objects it keeps walked in several, and every ~9th
        reload a full one over what all reloads since the start had left in the old
        generation (0.2-0.3 s more in that reload). The thresholds are BUILD_GC_THRESHOLDS
        again after it (between builds).

        That collection (0.17-0.26 CPU s at 9,504 articles, under load) is made ``gc_delay``
        (:data:`GC_DELAY`) seconds after the build, in a timer's thread: MkDocs shows the
        reload's pages once the build has returned, and the collection, which holds the
        interpreter while it runs, is not on their way. Its CPU is the server's all the same:
        the next build logs it ("collector since the last build"). A build that begins before
        it puts it off to its own end; after :data:`GC_POSTPONED` such builds in a row it is
        made at the end of the build, as it is with ``gc_delay`` 0."""
        self.builds += 1
        if self.builds == 1:
            t0 = time.perf_counter()
            found = gc.collect()
            gc.freeze()
            gc.set_threshold(*BUILD_GC_THRESHOLDS)
            # (not gc.get_freeze_count(): it walks every frozen object, 0.1-0.2 s at 9,504)
            log.info("archive: full garbage collection after the first build: %d unreachable "
                     "objects, the others frozen (%.2fs)", found, time.perf_counter() - t0)
            return
        if self.gc_delay <= 0 or self.gc_owed >= GC_POSTPONED:
            self._collect_now()
            return
        with self.gc_lock:
            timer = threading.Timer(self.gc_delay, self._collect_later)
            timer.args = (timer,)
            timer.daemon = True
            self.gc_timer = timer
            timer.start()

    def _collect_now(self) -> None:
        """The full collection after a reload (see :meth:`_collect_garbage`)."""
        gc.collect()
        gc.set_threshold(*BUILD_GC_THRESHOLDS)
        self.gc_owed = 0

    def _collect_later(self, timer: threading.Timer) -> None:
        """:meth:`_collect_now` in ``timer``'s thread, unless a build began or the server
        stopped since it was started."""
        with self.gc_lock:
            if self.gc_timer is not timer:
                return
            self.gc_timer = None
            self._collect_now()

    def _cancel_collection(self) -> bool:
        """The collection a timer was to make is called off (one under way is waited for):
        whether there was one not yet made."""
        with self.gc_lock:
            timer, self.gc_timer = self.gc_timer, None
        if timer is None:
            return False
        timer.cancel()
        return True

    def _write_reused(self, config: MkDocsConfig) -> None:
        """Copy the pages taken whole from build/ into the site, and forget stale ones."""
        store = self.store
        if store is None:
            return
        t0 = time.perf_counter()
        site_dir = config.site_dir
        # a folder MkDocs did not empty (staging: the previous site, archive.site.staging)
        replace = self.dirty or self.kept.keeping or self.staging.reusing
        copied = 0
        # made in the previous site: what its walk found at each page's address (on_env)
        found, device = self.staging.found, self.staging.device
        there: tuple[int, int] | None | bool = True
        for uri, (f, key) in self.reused.items():
            if uri in self.in_place:
                continue  # kept in the served folder since the previous build
            dest = f.dest_uri
            if found is not None:
                ino = found.get(dest)
                there = None if ino is None else (device, ino)
            if not store.copy(uri, key, os.path.join(site_dir, dest), replace=replace,
                              relink=self.staging.reusing, there=there):
                raise PluginError(f"archive: the stored page {store.path(uri)} changed during "
                                  "the build — build again")
            copied += 1
        log.info("archive: %d whole pages copied from build/ (%d as hard links, %d already in "
                 "place; %.2fs; %.2fs to check them), %d stored, %d stale removed", copied,
                 store.linked, store.kept,
                 time.perf_counter() - t0, self.whole_seconds, store.stored,
                 store.prune(store.name(u) for u in self.generated))
        self._save_keys(store)  # after prune: keys.json holds the stored pages' keys now

    def on_build_error(self, *, error: Exception) -> None:
        self._thaw()
        self.staging.discard()
        self.before = None  # the next build checks every page
        self.stencilled, self.shapes, self.nav, self.env = {}, {}, None, None
        self.kept.fail()
        if self.serving:  # failed builds count too: their garbage is collected as well
            self._collect_garbage()
            log.info("archive: collector during this build: %s", self.gc_watch.summary())

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        output = _rtl_root(output, config)
        uri = page.file.src_uri
        if self.store is not None and uri in self.generated and output.strip():
            # exactly what MkDocs writes (archive.site.pageout): kept for the next build
            self._store_page(uri, page.file.url, dict(page.meta), page.content or "", output)
        if uri == self.sampling:  # a sample of its shape's stencil (_write_stencilled)
            self.sample = (output, page.content or "", dict(page.meta), page.canonical_url)
        if self._deferred(page) is not None:
            page.content = None  # written by MkDocs right after this: not kept to the end
        return output

    def _store_page(self, uri: str, url: str, meta: dict[str, Any], content: str,
                    output: str | bytes, content_bytes: bytes | None = None) -> str:
        """Keep a generated page's final HTML in the page store (MkDocs' output, or a filled
        stencil, already in UTF-8 with its content's UTF-8 ``content_bytes``) and remember
        it as placed in the site now; under a keeping build, its key for the next reload
        (see _reuse_pages). Returns its store key."""
        assert self.store is not None
        key = self.store.key(uri, url, meta, content, content_bytes)
        self.store.put(uri, key, output if isinstance(output, bytes) else output.encode("utf-8"))
        self.placed[uri] = key
        last = self.pending.pop(uri, None)
        if last is not None:
            spec = self.by_src[uri]
            self.page_keys[uri] = _page_key(self.store.chrome, spec.key, url, meta, last, key,
                                            self.shared_keys)
            if self.serving:  # its meta, with what it is made from, as a checked page's
                # (_reuse_pages): the next reload takes the page without making its meta
                # again or a look at its stored file when nothing it shows changed (after a
                # start that rendered every page: 12,957 metas and stats at 9,504 articles)
                self.metas[uri] = (_meta_basis(spec, url), meta)
        return key

    def on_template_context(
        self, context: Any, *, template_name: str, config: MkDocsConfig
    ) -> Any:
        # The pages taken whole from build/ are left out of MkDocs' page list; the sitemap
        # (and any other template that lists the pages) must still show them, in file order.
        if (self.reused or self.stencilled) and self.files is not None and "pages" in context:
            pages = self.listed_pages  # the same for every template of the build
            if pages is None:
                pages = []
                # `mkdocs serve`: a reused file's page of the previous build (the same File
                # object, see _generated) while the address and date it holds are the same
                listed_for = (config.site_url, get_build_date())
                made = self.listed_made if listed_for == self.listed_for else {}
                self.listed_made, self.listed_for = {}, listed_for
                new_page = _ListedPages(config)
                for f in self.files:
                    if not f.is_documentation_page():
                        continue
                    if f.src_uri in self.reused or f.src_uri in self.stencilled:
                        if f.page is None:
                            page = made.get(f.src_uri)
                            if page is not None and page.file is f:
                                f.page = page
                            else:  # address and date, as MkDocs gives them
                                page = new_page(f)
                            if self.files_for is not None:
                                self.listed_made[f.src_uri] = page
                        pages.append(f)
                    elif f.inclusion.is_included():
                        pages.append(f)
                self.listed_pages = pages
            context["pages"] = pages
        return context

    def on_pre_template(self, template: Any, *, template_name: str,
                        config: MkDocsConfig) -> Any:
        """`mkdocs serve`: MkDocs' own sitemap.xml is rendered again only when what it shows
        of the pages changed (see :class:`_KeptSitemap`)."""
        if self.serving and template_name == "sitemap.xml" and _is_mkdocs_sitemap(template):
            return _KeptSitemap(template, self.sitemap)
        return template

    def on_post_template(
        self, output_content: str, *, template_name: str, config: MkDocsConfig
    ) -> str:
        return _rtl_root(output_content, config) if template_name.endswith(".html") else (
            output_content
        )

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        assert self.paths is not None
        if self.watcher is None:
            self.watcher = _watch_seeds(server, str(self.paths.seeds))
        return server


#: MkDocs' own sitemap template (the one Material's sitemap is)
_SITEMAP = Path(mkdocs.__file__).parent / "templates" / "sitemap.xml"


class _ListedPages:
    """``Page(None, f, config)`` for the files of the pages taken whole (the sitemap's list:
    37,800 at 29,904 articles), the same Page, made from the first one's attributes: only its
    file and what MkDocs derives from the file (the addresses with ``site_url``, the edit
    address with ``edit_uri``) are set per page, not the build date (``get_build_date``: an
    environment lookup and a clock read a page, most of ``Page.__init__``) nor the config's
    values, asked once."""

    __slots__ = ("config", "proto", "site_url", "edit")

    def __init__(self, config: MkDocsConfig) -> None:
        self.config = config
        self.proto: dict[str, Any] | None = None
        self.site_url = config.get("site_url", None)
        edit = (config.get("repo_url", None), config.get("edit_uri"),
                config.get("edit_uri_template"))
        self.edit = edit if edit[1] or edit[2] else None

    def __call__(self, f: File) -> Page:
        proto = self.proto
        if proto is None:  # the first: made by MkDocs itself
            page = Page(None, f, self.config)
            self.proto = {k: v for k, v in vars(page).items() if k not in _PER_PAGE}
            return page
        page = Page.__new__(Page)
        page.__dict__.update(proto)
        f.page = page
        page.file = f
        page.toc, page.meta = [], {}  # type: ignore[assignment]  (its own, as MkDocs makes)
        if self.site_url:
            page._set_canonical_url(self.site_url)
        if self.edit is not None:
            page._set_edit_url(*self.edit)
        return page


#: what Page.__init__ sets from the file, or as a new object of each page's own
_PER_PAGE = frozenset({"file", "toc", "meta"})


def _strings_form(part: Any) -> bytes | None:
    """``repr(canon(part)).encode()`` (archive.site.pageout.canon) of a list of tuples of
    strings, made in one comprehension; None for anything else (canon makes its form)."""
    if type(part) is not list or not all(
            type(t) is tuple and all(type(x) is str for x in t) for t in part):
        return None
    return repr(("list", [("list", [("str", x) for x in t]) for t in part])).encode()


def _is_mkdocs_sitemap(template: Any) -> bool:
    """Whether ``template`` was loaded from MkDocs' own sitemap.xml (not a theme's override)."""
    name = getattr(template, "filename", None)
    try:
        return bool(name) and os.path.samefile(name, _SITEMAP)
    except OSError:
        return False


class _KeptSitemap:
    """MkDocs' sitemap.xml template, rendered again only when the pages it lists show another
    address or date: its output is made from each listed file's page's ``is_link``,
    ``abs_url``, ``canonical_url`` and ``update_date`` alone, in the list's order (the
    template, mkdocs/templates/sitemap.xml). A reload at 9,504 articles lists ~13,000 pages,
    the same ones with the same addresses after an edited article (~0.1 s each time)."""

    def __init__(self, template: Any, kept: dict[str, Any]) -> None:
        self.template, self.kept = template, kept

    def render(self, context: Mapping[str, Any]) -> str:
        try:
            shown: tuple[Any, ...] | None = tuple(
                (p.is_link, p.abs_url, p.canonical_url, p.update_date)
                for p in (f.page for f in context["pages"]))
        except (AttributeError, KeyError, TypeError):  # a file without a page: as it is
            shown = None
        kept = self.kept
        if shown is not None and kept.get("shown") == shown:
            return str(kept["output"])
        output = self.template.render(context)
        kept["shown"], kept["output"] = shown, output
        return str(output)


#: MkDocs' own inclusion predicates: each a function of the level alone
_PREDICATES = frozenset({InclusionLevel.all, InclusionLevel.is_included,
                         InclusionLevel.is_excluded, InclusionLevel.is_in_serve,
                         InclusionLevel.is_in_nav, InclusionLevel.is_not_in_nav})


class _InPlaceFile(File):
    """A static file already in the site folder with its bytes (the previous site a build is
    made in, archive.site.staging): MkDocs' copy leaves it as it is."""

    def copy_file(self, dirty: bool = False) -> None:
        pass


class _QuickFiles(Files):
    """MkDocs' Files, whose :meth:`documentation_pages` asks a file's inclusion (one set
    lookup) before whether it is a Markdown page (a method and ``str.endswith``), rather than
    both of every file: MkDocs asks for the pages six times a build (the navigation, each
    template's context, the sitemap's date), over ~31,700 files at 9,504 articles, most of
    them pages and raw texts left out of the rendering. The same files in the same order."""

    def documentation_pages(self, *, inclusion: Any = InclusionLevel.is_included
                            ) -> list[File]:
        if inclusion not in _PREDICATES:
            return list(super().documentation_pages(inclusion=inclusion))
        # (a tuple: its members are found by identity; an Enum's hash is Python code)
        levels = tuple(level for level in InclusionLevel if inclusion(level))
        return [f for f in self if f.inclusion in levels and f.is_documentation_page()]


def _new_file(cls: type[File], config: MkDocsConfig, uri: str, content: str | None,
              abs_src_path: str | None, inclusion: InclusionLevel,
              basis: tuple[str, bool, str] | None = None) -> File:
    """``cls.generated(config, uri, content=…, abs_src_path=…, inclusion=…)``, the same File
    (the same attributes), without its ``src_path`` setter's ``PurePath`` when ``uri`` is a
    POSIX path that it would give back as it is (the plugin's addresses are): 67,750 files on
    every build at 29,904 articles. ``basis``: the config's site_dir, use_directory_urls and
    current plugin's name (or "<unknown>"), when the caller asked them already (a config's
    attribute costs ~2 µs: 200,000 of them)."""
    if (content is None) == (abs_src_path is None):
        raise TypeError("File must have exactly one of 'content' or 'abs_src_path'")
    if not _plain_posix(uri):
        if content is not None:
            return cls.generated(config, uri, content=content, inclusion=inclusion)
        assert abs_src_path is not None
        return cls.generated(config, uri, abs_src_path=abs_src_path, inclusion=inclusion)
    if basis is None:
        basis = (config.site_dir, config.use_directory_urls,
                 config.plugins._current_plugin or "<unknown>")
    # File.__init__ and File.generated as MkDocs 1.6 has them, in their order (the instances'
    # dicts then share their keys with the other Files')
    f = cls.__new__(cls)
    f.src_uri = uri
    f.src_dir = None
    f.dest_dir = basis[0]
    f.use_directory_urls = basis[1]
    f.inclusion = inclusion
    f.generated_by = basis[2]
    f.abs_src_path = abs_src_path
    f._content = content
    return f


def _written_folders(files: Files, keep: Collection[str], stencilled: Mapping[str, File]
                     ) -> set[str]:
    """The folders of the site (paths without a trailing slash) that the build writes a file
    into, other than those holding a file of ``keep`` (never emptied): MkDocs' pages and
    static files, and the pages written from stencils (``stencilled``); with their parents.
    (archive.site.staging holds them rather than deleting them and making them again: two
    system calls each, for every page that changed.)"""
    folders: set[str] = set()
    add = folders.add
    for f in files:
        dest = f.dest_uri
        if dest in keep or (f.src_uri not in stencilled and not f.inclusion.is_included()):
            continue
        folder = dest.rpartition("/")[0]
        while folder and folder not in folders:
            add(folder)
            folder = folder.rpartition("/")[0]
    return folders


def _plain_posix(uri: str) -> bool:
    """Whether ``PurePosixPath(uri).as_posix() == uri``: a relative path without empty or "."
    parts (no "//", no "./" at its start or "/./" inside, no "/" at either end)."""
    return (uri != "" and uri != "." and not uri.startswith(("/", "./"))
            and not uri.endswith(("/", "/.")) and "//" not in uri and "/./" not in uri)


def _watch_seeds(server: Any, path: str) -> Any:
    """`mkdocs serve`: watch the seeds folder through inotify (Linux), with MkDocs' own
    handler (a change starts a rebuild), rather than through the server's polling observer.

    MkDocs polls every watched folder twice a second: for seeds/ that is a stat and a statx of
    every article (9,504 of them at 10,000 articles: about a tenth of a CPU second per poll,
    also while a rebuild runs, and up to half a second before a change is seen). inotify
    tells the change at once and costs nothing in between. Only the events of a changed
    folder are asked for: the build opens and reads seeds, which must not start another
    build. Where inotify is not there (another system, no inotify instance left), MkDocs'
    polling watches seeds/ as before; that is also the fallback to choose for seeds on a
    network file system, whose remote changes inotify does not see
    (``ARCHIVE_SERVE_POLLING=1``). Returns the observer to stop at shutdown, or None."""
    path = os.path.abspath(path)
    try:
        if os.environ.get("ARCHIVE_SERVE_POLLING") or getattr(server, "observer", None) is None:
            raise ImportError("polling asked for")
        from watchdog import events as ev
        from watchdog.observers.inotify import InotifyObserver
    except ImportError:
        server.watch(path)
        return None
    changes: list[type[ev.FileSystemEvent]] = [
        ev.FileCreatedEvent, ev.FileDeletedEvent, ev.FileModifiedEvent, ev.FileMovedEvent,
        ev.FileClosedEvent, ev.DirCreatedEvent, ev.DirDeletedEvent, ev.DirMovedEvent]

    class ChangesObserver(InotifyObserver):  # type: ignore[misc]
        def schedule(self, handler: Any, path: Any, *, recursive: bool = False,
                     event_filter: Any = None, follow_symlink: bool = False) -> Any:
            return super().schedule(handler, path, recursive=recursive,
                                    event_filter=event_filter or changes,
                                    follow_symlink=follow_symlink)

    observer = ChangesObserver()
    try:
        observer.start()
        # the watch itself (its inotify watches are added here: an error shows now)
        observer.schedule(ev.FileSystemEventHandler(), path, recursive=True)
    except OSError as exc:
        log.info("archive: seeds/ is polled for changes (no inotify: %s)", exc)
        observer.stop()
        server.watch(path)
        return None
    polling, server.observer = server.observer, observer
    try:
        server.watch(path)  # MkDocs' handler, on the same watch
    finally:
        server.observer = polling
    return observer


@dataclass(frozen=True, slots=True)
class _PageKey:
    """What a stored generated page's key was derived from at the previous `mkdocs serve`
    reload (`mkdocs build`: at the previous build, read from build/site-pages/checks.bin):
    the chrome, its address and meta, and what the page cache keys its content by (inputs
    digest, recorded lookups, digest of their answers)."""

    chrome: str
    url: str
    #: a dict; its canonical form when read from checks.bin (bytes, UTF-8: as ``asked``)
    meta: dict[str, Any] | str | bytes
    inputs: str
    #: (bytes: `mkdocs build`'s keys made this build, numbers in a :class:`_KeyTable`)
    asked: list[list[str]] | bytes
    answers: str
    key: str
    #: what the page shows, as tags (see ArchivePlugin._changes): the shared objects and
    #: articles its inputs took in, the articles and entities its lookups asked for, and
    #: itself ("p:<page key>"); bytes: as ``asked``
    deps: frozenset[str] | bytes

    def same(self, url: str, meta: dict[str, Any]) -> bool:
        if url != self.url:
            return False
        if meta is self.meta:
            return True
        if isinstance(self.meta, str | bytes):  # read back from checks.bin: its canonical form
            return _meta_form(meta) == _meta_form(self.meta)
        return meta == self.meta


def _meta_basis(spec: PageSpec, url: str) -> tuple[Any, ...]:
    """What :meth:`ArchivePlugin._meta` makes a page's meta from (equal bases: equal metas)."""
    return (url, spec.title, spec.prev, spec.next, spec.hide)


def _meta_form(meta: dict[str, Any] | str | bytes) -> str:
    """A page's meta as checks.bin keeps it: its canonical form (archive.site.pageout.canon:
    the type of each value counts, as in the page's key)."""
    if isinstance(meta, str):
        return meta
    if isinstance(meta, bytes):
        return meta.decode()
    # canon's form built here for the values a page's meta holds (strings, lists of them),
    # without its generic dispatch per value (37,800 metas on every rebuild at 29,904 articles)
    items = []
    for k in sorted(meta):
        v = meta[k]
        if isinstance(v, _SCALARS):
            form: Any = (type(v).__name__, v)
        elif type(v) is list and all(isinstance(x, _SCALARS) for x in v):
            form = ("list", [(type(x).__name__, x) for x in v])
        else:
            form = canon(v)
        items.append(((type(k).__name__, k) if isinstance(k, _SCALARS) else canon(k), form))
    return repr(("dict", items))


#: the values canon gives as (type name, value) (see archive.site.pageout.canon)
_SCALARS = (str, int, float, bool, bytes, type(None))


_LOOKUP_TAGS = {"article": "a:", "entity": "e:"}


class _KeyTable:
    """`mkdocs build`: the lookup pairs and tags of the pages' keys, each numbered once; a
    key made this build holds its own as numbers (the bytes of an ``array("I")``; its meta
    as the UTF-8 of its canonical form), for
    checks.bin (archive.site.pageout.write_checks), rather than as a list and a set of
    shared objects: its set of tags alone took ~0.7 KB a page, kept from its page's writing
    to the end of the pages (37,821 pages at 29,904 articles)."""

    __slots__ = ("pairs", "tags")

    def __init__(self) -> None:
        self.pairs: dict[tuple[str, str], int] = {}
        self.tags: dict[str, int] = {}

    def take(self, pairs: list[tuple[str, str]], tags: list[str]) -> bool:
        """Start from the tables of the checks.bin read (empty so far): the keys read keep
        their numbers, written back as they are (write_checks' ``as_numbered``). False when
        they cannot be taken (a table with an entry twice)."""
        if self.pairs or self.tags:
            return False
        numbered = {pair: i for i, pair in enumerate(pairs)}
        named = {tag: i for i, tag in enumerate(tags)}
        if len(numbered) != len(pairs) or len(named) != len(tags):
            return False
        self.pairs, self.tags = numbered, named
        return True

    def used(self, keys: Iterable[_PageKey]) -> tuple[int, int]:
        """How many of the pairs and tags the numbered ``keys`` refer to (counted in one pass
        over each kind's numbers joined: ~1.6 million at 29,904 articles, not a set grown
        key by key)."""
        pairs: list[bytes] = []
        tags: list[bytes] = []
        for k in keys:
            if type(k.asked) is bytes and type(k.deps) is bytes:
                pairs.append(k.asked)
                tags.append(k.deps)
        return _distinct(b"".join(pairs)), _distinct(b"".join(tags))

    def numbers(self, asked: Iterable[tuple[str, str]], tags: Iterable[str]
                ) -> tuple[bytes, bytes]:
        pairs, named = self.pairs, self.tags
        a = array("I", [pairs.setdefault(pair, len(pairs)) for pair in asked])
        d = array("I", [named.setdefault(tag, len(named)) for tag in sorted(tags)])
        return a.tobytes(), d.tobytes()


def _distinct(numbers: bytes) -> int:
    """How many different numbers the bytes of an ``array("I")`` hold."""
    import numpy as np

    values = np.frombuffer(numbers, dtype=np.uintc)
    return int(np.count_nonzero(np.bincount(values))) if values.size else 0


def _page_key(chrome: str, page: str, url: str, meta: dict[str, Any],
              last: tuple[str, list[list[str]], str, frozenset[str]], key: str,
              shared: dict[Any, Any] | _KeyTable | None = None) -> _PageKey:
    """``shared``: one object per equal lookup pair and tag across the pages' keys (the same
    few thousand recur in every page's: each page kept its own, ~4 KB a page); a
    :class:`_KeyTable`: one number."""
    inputs, asked, answers, tags = last
    deps = set(tags)
    for kind, name in asked:
        prefix = _LOOKUP_TAGS.get(kind)
        if prefix is not None:
            deps.add(prefix + name)
    if isinstance(shared, _KeyTable):
        deps.add(f"p:{page}")
        a, d = shared.numbers(map(tuple, asked), deps)  # type: ignore[arg-type]
        # its meta as checks.bin keeps it, in UTF-8: half the size of the dict and its
        # strings (only the key holds them: a stencilled page's were made for it)
        return _PageKey(chrome, url, _meta_form(meta).encode(), inputs, a, answers, key, d)
    if shared is not None:
        one = shared.setdefault
        asked = [one(pair, pair) for pair in map(tuple, asked)]  # type: ignore[misc]
        deps = {one(tag, tag) for tag in deps}
    deps.add(f"p:{page}")
    return _PageKey(chrome, url, meta, inputs, asked, answers, key, frozenset(deps))


def _placing(article: Any) -> tuple[Any, ...]:
    """What places an article in the lists, months and mentioned-date pages, and in the
    sources' date ranges (see archive.site.render)."""
    return (article.date, article.title, article.source, newest_first_key(article),
            [m.value for m in article.mentioned_dates])


def _listed(listing: Listing, counts: bool = True) -> tuple[Any, ...]:
    """What a list's pages show of it (``counts``: with its mention counts)."""
    return (listing.base, listing.main_uri, listing.title, list(listing.ids),
            dict(listing.counts) if counts and listing.counts is not None else None,
            listing.note, listing.back)


def _digest(value: Any) -> str:
    """Digest of a value's repr (plain data and dataclasses of plain data, whose repr is the
    same in every process)."""
    return hashlib.sha256(repr(value).encode()).hexdigest()[:32]


#: in :meth:`_Summary.changes`' answer: pages other than article and root pages may show
#: what changed (see ArchivePlugin._stored_keys)
_OTHERS = "*"
#: the pages whose context is their outline (archive.site.render.Site.outlines) and their
#: articles' views: a list's further pages and the mentioned-dates pages (a list's main page,
#: also outlined, shows more)
_OUTLINED = ("list:", "mentioned:")


@dataclass
class _Summary:
    """What a `mkdocs build`'s generated pages were made from, as digests, saved with the page
    keys (build/site-pages/checks.bin): what :class:`_Before` keeps in memory under `mkdocs
    serve`, for the next build to tell which pages can show a change (see _changes)."""

    #: what, when changed, may change any page: name → digest
    shared: dict[str, str]
    #: article id → (its record key and path, digest of its place in the lists, of its
    #: related list)
    articles: dict[str, tuple[str, str, str]]
    roots: dict[str, str]  # root → digest of its page's data
    root_counts: str  # digest of what /roots/ says of all roots
    counts: dict[str, str]  # list key → digest of its mention counts (places', actors' lists)
    #: what, when changed, may change the list and index pages (not the article and root
    #: pages, which show it only through their lookups): name → digest
    broad: dict[str, str]
    urls: dict[str, str]  # page or file key → its address (the "link" and "has" lookups)
    mentioned: dict[str, int]  # place or actor → articles naming it ("count", "shown")
    #: page key → digest of its outline (archive.site.render.Site.outlines: the further pages
    #: of the lists, the mentioned-dates pages)
    outlines: dict[str, str]

    def changes(self, now: _Summary) -> set[str] | None:
        """The tags of what changed from this summary to ``now`` (as _changes gives them), with
        :data:`_OTHERS` and "k:<key>" for each lookup key whose answer may have changed when
        the list and index pages may show the change; None when something changed that any
        page may show."""
        differ = next((name for name, value in now.shared.items()
                       if self.shared.get(name) != value), None)
        if differ is None and (self.shared.keys() != now.shared.keys()
                               or self.broad.keys() != now.broad.keys()):
            differ = "what the pages are made from"
        if differ is not None:
            log.info("archive: every generated page checked (%s changed)", differ)
            return None
        changed: set[str] = set()
        others = next((name for name, value in now.broad.items()
                       if self.broad[name] != value), None)
        gone = self.articles.keys() - now.articles.keys()
        new = now.articles.keys() - self.articles.keys()
        for i in sorted(gone | new):  # what showed or links to them (their own pages)
            changed.update((f"a:{i}", f"c:{i}", f"p:article:{i}", f"k:{i}"))
        if gone or new:
            others = others or "articles added or deleted"
        for i, (view, placing, related) in now.articles.items():
            old = self.articles.get(i)
            if old is None:
                continue
            if old[1] != placing:  # it moves in the lists, months, mentioned dates (and
                # its card shows another title, date or source: archive.site.model.ArticleCard)
                changed.update((f"a:{i}", f"c:{i}"))
                others = others or f"{i} moved in the lists"
            if old[0] != view:
                changed.add(f"a:{i}")
            if old[2] != related:
                changed.add(f"p:article:{i}")
        for root in self.roots.keys() | now.roots.keys():
            if now.roots.get(root) != self.roots.get(root):
                changed.add(f"r:{root}")
        if self.root_counts != now.root_counts:  # the root index's own figures
            changed.add("p:roots")
        for key, counts in now.counts.items():
            if counts != self.counts.get(key):
                changed.add(f"l:{key}")  # the plugin adds the tags of the list's pages
        links = [k for k in self.urls.keys() | now.urls.keys()
                 if self.urls.get(k) != now.urls.get(k)]
        mentioned = [k for k in self.mentioned.keys() | now.mentioned.keys()
                     if self.mentioned.get(k) != now.mentioned.get(k)]
        outlines = [k for k in self.outlines.keys() | now.outlines.keys()
                    if self.outlines.get(k) != now.outlines.get(k)]
        if outlines:  # the pages that show another part of a list, or other dates
            others = others or "lists"
            changed.update(f"o:{k}" for k in outlines)
        if links or mentioned:
            others = others or ("links" if links else "mention counts")
            changed.update(f"k:{k}" for k in (*links, *mentioned))
        if others is not None:
            log.info("archive: the index pages and the lists' main pages checked, the others "
                     "by what they show (%s changed)", others)
            changed.add(_OTHERS)
        return changed


@dataclass
class _Before:
    """What a `mkdocs serve` build's pages were made from, for the next reload to compare
    (ArchivePlugin._changes). The views are the objects themselves: a reload takes over an
    unchanged one (archive.site.model.build_site_data), so identity says it did not change;
    their related lists are copied (set anew on a taken-over view)."""

    options: SiteOptions
    site_url: str | None
    site_name: str
    urls: dict[str, str]
    articles: dict[str, ArticleView]
    related: dict[str, tuple[str, ...]]
    entities: dict[str, EntityView]
    entity_articles: dict[str, list[tuple[str, int]]]
    cooccurrence: dict[str, list[tuple[str, int]]]
    children: dict[str, list[str]]
    sources: dict[str, list[str]]
    source_slugs: dict[str, str]
    listings: dict[str, tuple[Any, ...]]
    roots: dict[str, Any]
    root_counts: tuple[int, int, int] | None

    @classmethod
    def of(cls, data: SiteData, site: Site, options: SiteOptions, roots: dict[str, Any],
           root_counts: tuple[int, int, int] | None) -> _Before:
        return cls(options, site.site_url, site.site_name, dict(site.urls),
                   dict(data.articles), {i: tuple(v.related) for i, v in data.articles.items()},
                   dict(data.entities), data.entity_articles, data.cooccurrence, data.children,
                   data.sources, data.source_slugs,
                   {k: _listed(listing) for k, listing in site.listings.items()}, dict(roots),
                   root_counts)


class _ReadOnce:
    """`mkdocs build`: the build's analysis as the browser writer reads it, once, each
    article in id order (archive.browser.index.ArticleSource): each article's summary (its
    article's fields, its mentions and counts: ~2.6 KB an article) is let go of once the
    writer has moved on to the next article, so that the memory of the summaries read is
    reused by the browser data, the build's peak, rather than added to it."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis

    @property
    def keys(self) -> _Releasing:
        return _Releasing(self.analysis)

    def article(self, article_id: str) -> Any:
        return self.analysis.article(article_id)

    def columns(self, article_id: str) -> Any:
        """The article as its record's columns (the browser writer's way to read it)."""
        from archive.index.columns import article_columns

        return article_columns(self.analysis, article_id)


class _Releasing(Mapping[str, str]):
    """The analysis' record keys; iterated through :meth:`items` (in id order), the summary of
    each article is dropped when the next is asked for (see :class:`_ReadOnce`)."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis

    def __getitem__(self, article_id: str) -> str:
        return self.analysis.keys[article_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self.analysis.keys)

    def __len__(self) -> int:
        return len(self.analysis.keys)

    def items(self) -> Iterator[tuple[str, str]]:  # type: ignore[override]
        summaries = self.analysis.summaries
        trim = memory.Every(memory.ARTICLES)
        for item in self.analysis.keys.items():
            yield item
            summaries.pop(item[0], None)
            trim.step()


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled Jinja2 templates kept in memory across `mkdocs serve` reloads. Jinja2 keys each
    by the template's name, file and a checksum of its source: an edited template is compiled
    again."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


def _forget_page_paths() -> None:
    """Empty MkDocs' cache of normalized page paths (``mkdocs.utils._norm_parts``: unbounded,
    an entry per page, 7 MB at 29,904 articles), which nothing reads after the pages; MkDocs
    versions without it are left alone."""
    try:
        from mkdocs.utils import _norm_parts
    except ImportError:
        return
    clear = getattr(_norm_parts, "cache_clear", None)
    if clear is not None:
        clear()


def _site_options(plugin: ArchivePluginConfig, config: MkDocsConfig) -> SiteOptions:
    """The archive's identity and page settings from mkdocs.yml; bad values stop the build
    with a message naming the option."""
    where = config.config_file_path or "mkdocs.yml"
    if plugin.per_page < 1:
        raise PluginError(f"archive: {where}: per_page must be 1 or more (got {plugin.per_page})")
    extent = None
    if plugin.map_extent is not None:
        values = [float(x) for x in plugin.map_extent]
        ok = len(values) == 4
        if ok:
            west, south, east, north = values
            ok = -180 <= west < east <= 180 and -90 <= south < north <= 90
        if not ok:
            raise PluginError(
                f"archive: {where}: map_extent must be [west, south, east, north] in degrees, "
                f"west < east and south < north (got {plugin.map_extent}) — or leave it out to "
                "fit the places the articles mention")
        extent = (values[0], values[1], values[2], values[3])
    slug = plugin.slug.strip()
    if not slug or not all(ch.isascii() and (ch.isalnum() or ch in "-_.") for ch in slug):
        raise PluginError(f"archive: {where}: slug must be ASCII letters, digits, '-', '_' or "
                          f"'.' (got {plugin.slug!r})")
    return SiteOptions(
        name=config.site_name,
        description=config.site_description or "",
        intro=plugin.intro,
        per_page=plugin.per_page,
        map_extent=extent,
        slug=slug,
    )


#: The index pages in the order of the default navigation (when mkdocs.yml has no nav:).
DEFAULT_NAV = [
    ("الرئيسية", "index.md"),
    ("البحث", "search.md"),
    ("كل المقالات", "articles/index.md"),
    ("الخط الزمني", "timeline.md"),
    ("الخريطة", "map.md"),
    ("الأماكن", "places/index.md"),
    ("الفاعلون", "actors/index.md"),
    ("المصادر", "sources.md"),
    ("البيانات المفتوحة", "data.md"),
]


def _list_theme_files_quickly(theme: Any) -> None:
    """MkDocs lists the theme's static files on every build (``Files.add_files_from_theme``:
    every file of every theme folder, then its filter drops each path with a part that starts
    with "."): Material's templates hold 14,348 icons under ``.icons/``, listed and filtered
    one by one, ~0.04 CPU s of every build and every `mkdocs serve` reload. The environments
    this theme makes list its files for that filter without entering such folders (the same
    list: the filter drops everything in them); any other listing is left as it was."""
    make = theme.get_env
    if getattr(make, "_quick_listing", False):
        return

    def get_env() -> jinja2.Environment:
        env = make()
        if type(env.loader) is jinja2.FileSystemLoader:
            env.list_templates = _QuickListing(env)  # type: ignore[method-assign]
        return env

    get_env._quick_listing = True  # type: ignore[attr-defined]
    theme.get_env = get_env


class _QuickListing:
    """``Environment.list_templates`` of one environment (see _list_theme_files_quickly)."""

    #: MkDocs' filter of theme files (mkdocs.structure.files.Files.add_files_from_theme)
    FILTER = "Files.add_files_from_theme.<locals>.filter"

    def __init__(self, env: jinja2.Environment) -> None:
        self.env = env

    def __call__(self, extensions: Any = None, filter_func: Any = None) -> list[str]:
        loader = self.env.loader
        if (extensions is not None or getattr(filter_func, "__qualname__", None) != self.FILTER
                or type(loader) is not jinja2.FileSystemLoader):
            return jinja2.Environment.list_templates(self.env, extensions, filter_func)
        found: set[str] = set()
        for searchpath in loader.searchpath:  # as FileSystemLoader.list_templates does
            for dirpath, dirnames, filenames in os.walk(searchpath,
                                                        followlinks=loader.followlinks):
                dirnames[:] = [d for d in dirnames if not d.startswith(".")]
                for filename in filenames:
                    template = (os.path.join(dirpath, filename)[len(searchpath):]
                                .strip(os.path.sep).replace(os.path.sep, "/"))
                    if template[:2] == "./":
                        template = template[2:]
                    found.add(template)
        return [name for name in sorted(found) if filter_func(name)]


def _default_nav(docs: Path) -> list[Any]:
    """Index pages first, then the Markdown pages of docs/ (about.md first, as «عن الأرشيف»).
    Only index pages: every page embeds the nav, so listing articles would be quadratic."""
    nav: list[Any] = [{title: uri} for title, uri in DEFAULT_NAV]
    taken = {uri for _, uri in DEFAULT_NAV}
    pages = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md")) if docs.is_dir() \
        else []
    if "about.md" in pages:
        nav.append({"عن الأرشيف": "about.md"})
        taken.add("about.md")
    nav.extend(uri for uri in pages if uri not in taken and not uri.startswith("_"))
    return nav


def _nav_paths(nav: Any) -> set[str]:
    """Every page path named in a mkdocs.yml nav (nested lists and sections)."""
    out: set[str] = set()
    if isinstance(nav, str):
        out.add(nav)
    elif isinstance(nav, dict):
        for v in nav.values():
            out |= _nav_paths(v)
    elif isinstance(nav, list):
        for v in nav:
            out |= _nav_paths(v)
    return out


def _summarise(warnings: list[Any], articles: list[Any]) -> None:
    """Once per build: the input warnings grouped by kind, and how many articles are undated.

    Logged at INFO so that ``--strict`` builds do not fail on them (``archive check --strict``
    does); each line names a few of the files concerned.
    """
    from archive.errors import summarise_warnings

    undated = [a.id for a in articles if not a.date]
    if not warnings and not undated:
        return
    log.info("archive: %d input warning(s), %d undated article(s) (run 'archive check' for all):",
             len(warnings), len(undated))
    for line in summarise_warnings(warnings):
        log.info("archive:   warning: %s", line)
    if undated:
        more = f" and {len(undated) - 3} more" if len(undated) > 3 else ""
        shown = ", ".join(undated[:3]) + more
        log.info("archive:   undated (shown as «غير معروف»; add 'date:' front matter): %s", shown)


def _skip_target(html: str) -> str:
    """Wrap a generated page's content so the theme's "skip to content" link has a target."""
    return f'<div id="ar-content" tabindex="-1">\n{html}\n</div>'


def _rtl_root(html: str, config: MkDocsConfig) -> str:
    """Material sets ``dir`` on <body> only; put it on <html> too, so that the whole document
    (title, scroll bars, form controls outside body) is right to left."""
    direction = config.theme.get("direction")
    if not direction:
        return html
    head = html[:300]
    i = head.find("<html ")
    if i < 0 or " dir=" in head[i : head.find(">", i)]:
        return html
    return html[: i + 6] + f'dir="{direction}" ' + html[i + 6 :]


class _Paths(Paths):
    """Paths with seeds/ and build/ possibly outside the root (tests, other corpora)."""

    __slots__ = ("_seeds", "_build")

    def __init__(self, root: Path, seeds: Path, build: Path) -> None:
        super().__init__(root)
        object.__setattr__(self, "_seeds", seeds)
        object.__setattr__(self, "_build", build)

    @property
    def seeds(self) -> Path:  # type: ignore[override]
        return self._seeds

    @property
    def build(self) -> Path:  # type: ignore[override]
        return self._build
