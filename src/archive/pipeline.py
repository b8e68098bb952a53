"""The build pipeline shared by the MkDocs plugin and the ``archive`` command line.

    load(paths) ─► Loaded(corpus, gazetteer, problems)
    analyse(loaded) ─► Analysis      summaries in memory, token records in build/analysis/;
                                     only articles whose file, gazetteer or analysis code
                                     changed are analysed again; ``Analysis.articles()``
                                     streams AnalyzedArticle objects one at a time
    analyze_corpus(loaded) ─► [AnalyzedArticle]   (tokens, body tokens, entity mentions;
                                     all in memory: for tests and small tools)

Stage timings are collected in :class:`Timings` so benchmarks can report them.
"""

from __future__ import annotations

import copyreg
import io
import os
import pickle
import time
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, fields
from functools import partial
from itertools import accumulate, filterfalse, pairwise
from pathlib import Path
from typing import Any

from archive import records
from archive.analysis import Analyzer, Token, morphology, wordtable
from archive.analysis.analyzer import Columns, remember_words
from archive.collector import paused as paused_gc
from archive.config import Paths
from archive.corpus.article import Article
from archive.errors import HasProblems, Problem
from archive.files import write_atomic
from archive.records import Analysis, Summary, _Entities
from archive.site import builddate


@dataclass(slots=True)
class Timings:
    """Seconds spent in each named stage, in the order stages ran: timed around a block
    (:meth:`stage`) or from the previous lap to now (:meth:`lap`)."""

    stages: dict[str, float] = field(default_factory=dict)
    _clock: float = field(default_factory=time.perf_counter, repr=False)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - t0)
            self._clock = time.perf_counter()

    def lap(self, name: str) -> None:
        """Count the time since the previous lap (or stage, or creation) under ``name``."""
        now = time.perf_counter()
        self.add(name, now - self._clock)
        self._clock = now

    def add(self, name: str, seconds: float) -> None:
        self.stages[name] = self.stages.get(name, 0.0) + seconds


@dataclass(frozen=True, slots=True)
class Mention:
    """A gazetteer name in ``Article.text[start:end]`` (the whole words, clitics included)."""

    entity: str
    start: int
    end: int
    text: str


#: A gazetteer name in the title: (entity key, position of its first token, start, end).
TitleEntity = tuple[str, int, int, int]


@dataclass(slots=True)
class AnalyzedArticle(_Entities):
    """One article with all its tokens (built one at a time: see :class:`Analysis`)."""

    article: Article
    tokens: list[Token]  # every token of article.text, entity-tagged
    body_tokens: list[Token]  # the tokens inside body segments: what search indexes
    mentions: list[Mention]  # gazetteer names in the body and boilerplate
    mention_counts: dict[str, int]  # entity key → mentions in the body
    declared: list[str] = field(default_factory=list)  # entity keys named in front matter
    # the title's tokens (offsets into article.title), analysed with the body (None: not
    # analysed, e.g. an article assembled by hand), and its gazetteer names as
    # (entity key, position, start, end)
    title_tokens: list[Token] | None = None
    title_entities: list[TitleEntity] = field(default_factory=list)


@dataclass(slots=True)
class Loaded(HasProblems):
    paths: Paths
    articles: list[Article]
    gazetteer: object  # archive.gazetteer.Gazetteer
    problems: list[Problem]
    #: `mkdocs serve` (:func:`remember_corpus`): seeds/ as the load listed it: time.time_ns()
    #: before the listing, and each entry's name, whether it is a symbolic link and its stat
    #: (archive.freshnote.article_stats_of: the index's check takes the article files' stats
    #: from it); None: not listed here
    listing: tuple[int, list[tuple[str, bool, os.stat_result]]] | None = None


#: The corpus a build has loaded already (see :func:`reusing`).
_LOADED: Loaded | None = None


@contextmanager
def reusing(loaded: Loaded) -> Iterator[None]:
    """Within this block, :func:`load` of the same folders returns ``loaded`` (a copy of its
    lists) instead of reading and parsing every file again: the site build loads the corpus
    once and hands it to the index update, which asks :func:`load` for it."""
    global _LOADED
    before, _LOADED = _LOADED, loaded
    try:
        yield
    finally:
        _LOADED = before


def _same_folders(a: Paths, b: Paths) -> bool:
    return (a.root, a.seeds, a.build) == (b.root, b.seeds, b.build)


def load(paths: Paths, timings: Timings | None = None) -> Loaded:
    """Load seeds/ and the gazetteer, and validate both. Problems are collected, not raised."""
    from archive.gazetteer import load_gazetteer, validate

    given = _LOADED
    if given is not None and _same_folders(given.paths, paths):
        builddate.settle(given.articles)
        return Loaded(given.paths, list(given.articles), given.gazetteer, list(given.problems))
    timings = timings or Timings()
    # (`mkdocs serve` alone: a one-shot build's index check lists seeds/ itself, rather
    # than this load keeping every entry's stat through the analysis)
    listing: list[tuple[str, bool, os.stat_result]] | None = (
        [] if _REMEMBERED is not None else None)
    with timings.stage("load"):
        started = time.time_ns()
        corpus = _corpus(paths, _load_corpus, listing)
        gazetteer, gaz_problems = load_gazetteer(paths)
        problems = list(corpus.problems) + list(gaz_problems)
        problems += validate(gazetteer, corpus.articles, root=paths.root)
    builddate.settle(corpus.articles)  # (a site build's: the date MkDocs gives its pages)
    return Loaded(paths, list(corpus.articles), gazetteer, problems,
                  (started, listing) if listing else None)


def _load_corpus(*args: Any) -> Any:
    """:func:`archive.corpus.loader.load_corpus`, imported only when some file is parsed: a
    build that finds seeds/ as corpus.pickle holds it does not import the parsers (their
    regular expressions, compiled at import: ~25 ms of a nothing-changed build)."""
    from archive.corpus.loader import load_corpus

    return load_corpus(*args)


#: The parsed corpus of the last build, reused when no file in seeds/ changed.
CORPUS_CACHE = "corpus.pickle"


@dataclass(slots=True)
class _Remembered:
    """The last parse of a seeds/ folder, kept in memory by a long-lived process (see
    :func:`remember_corpus`): what corpus.pickle holds, without reading or writing it."""

    key: str  # of the code and of every entry's name, size and time
    code_key: str  # of the code alone
    corpus: Any
    parsed: dict[str, Any]  # file name → ((size, mtime_ns), parse)
    unsaved: bool = False  # corpus.pickle does not hold it yet
    # every entry of seeds/ → (size, mtime_ns) when parsed (None: not known)
    entries: dict[str, tuple[int, int]] | None = None
    # the files parsed again, or gone, since the parse it was patched from (_reparsed)
    reparsed: int = 0


#: Folder of seeds → its last parse, when :func:`remember_corpus` is on; None: off.
_REMEMBERED: dict[str, _Remembered] | None = None


def remember_corpus(on: bool = True) -> None:
    """Keep each parse of seeds/ in memory for the next :func:`load` of the same folder
    (``mkdocs serve``: the plugin lives across reloads). A reload then parses only the files
    whose size or time changed, without reading corpus.pickle, and corpus.pickle is written
    only by :func:`save_remembered` (when the server stops): it is only a cache, checked file
    by file, so a server killed before that leaves the next build a few more files to parse.
    ``on=False`` saves what is unsaved and forgets it."""
    global _REMEMBERED, _KEYS
    if not on:
        save_remembered()
        _REMEMBERED = None
        _WORDS.clear()
        _KEYS = ("", {})
    elif _REMEMBERED is None:
        _REMEMBERED = {}


def remember(on: bool = True) -> None:
    """Keep, between the builds of one process (``mkdocs serve``: the plugin lives across
    reloads), what each build would otherwise read back from build/ or find again: the parsed
    seeds and the word table (:func:`remember_corpus`), the root counts
    (archive.site.roots.remember), the search index's files as last written
    (archive.index.build.remember), the browser data's folders found alike in the served site
    (archive.browser.index.remember_mirror) and its state (state.bin) as last written
    (archive.browser.keptstate.remember), the indexes of the page and raw-text stores
    (archive.site.keptindex). ``on=False`` writes what is unsaved and forgets it all."""
    from archive.browser import keptstate
    from archive.browser.index import remember_mirror
    from archive.index import build as index_build
    from archive.site import keptindex, roots

    remember_corpus(on)
    roots.remember(on)
    index_build.remember(on)
    remember_mirror(on)
    keptstate.remember(on)
    keptindex.remember(on)


def save_remembered() -> None:
    """Write corpus.pickle for every remembered parse that it does not hold yet, and the word
    tables that gained forms in memory."""
    _save_words()
    for folder, memo in (_REMEMBERED or {}).items():
        if memo.unsaved:
            _save_corpus(Path(folder), memo)
            memo.unsaved = False


def _save_corpus(cache: Path, memo: _Remembered) -> None:
    from archive.corpus import state

    # with the corpus, the entries of seeds/ that were not parsed (the gazetteer's files,
    # folders, files load_corpus reports without reading: the parsed ones' stamps are kept
    # beside their parses), so that a later build knows every entry as this one listed it
    # (see _patched_load); None: not known
    others = (None if memo.entries is None else
              {name: stamp for name, stamp in memo.entries.items() if name not in memo.parsed})
    try:  # each file's parse pickled on its own: the unchanged ones' bytes are copied
        state.save(cache, memo.key, memo.code_key, memo.parsed, _dumps_parse,
                   (memo.corpus, others))
    except OSError:
        pass  # a read-only build/: parse again next time


def _dumps_parse(parse: Any) -> bytes:
    out = io.BytesIO()
    _CorpusPickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(parse)
    return out.getvalue()


def _corpus(paths: Paths, load_corpus: Any,
            listing: list[tuple[str, bool, os.stat_result]] | None = None) -> Any:
    """``load_corpus(paths)``, or the corpus the previous build parsed when no entry of seeds/
    changed (same names, sizes and modification times) and the corpus code is the same: a
    build with nothing changed does not parse every article again. When some did change, only
    the changed and new files are parsed; the others' parse (article and problems) is taken
    from the previous build's. ``listing`` gets every entry of seeds/ as listed here (see
    :attr:`Loaded.listing`)."""
    import hashlib

    from archive import files

    if not paths.seeds.is_dir():
        return load_corpus(paths)
    entries: dict[str, tuple[int, int]] = {}
    with os.scandir(paths.seeds) as scan:
        if listing is None:  # (a one-shot build: no entry's link test nor tuple kept)
            for e in scan:
                st = e.stat()
                entries[e.name] = (st.st_size, st.st_mtime_ns)
        else:
            for e in scan:
                st = e.stat()
                entries[e.name] = (st.st_size, st.st_mtime_ns)
                listing.append((e.name, e.is_symlink(), st))
    state = sorted((name, size, mtime) for name, (size, mtime) in entries.items())
    code = repr((files.fingerprint("corpus cache 6", ["corpus"]), str(paths.root),
                 str(paths.seeds)))
    key = hashlib.sha256(repr((code, state)).encode()).hexdigest()
    code_key = hashlib.sha256(code.encode()).hexdigest()
    cache = paths.build / CORPUS_CACHE
    previous: dict[str, Any] = {}
    saved = ""  # the key of the state corpus.pickle holds
    remembered = _REMEMBERED.get(str(cache)) if _REMEMBERED is not None else None
    if remembered is not None and remembered.key == key:
        return remembered.corpus
    if remembered is not None and remembered.code_key == code_key:
        previous = remembered.parsed
        memo = _reparsed(remembered, entries, key, paths)
        if memo is not None:  # (a reload: written when the server stops)
            _REMEMBERED[str(cache)] = memo  # type: ignore[index]
            return memo.corpus
    else:
        saved, previous, whole = _read_previous(cache, key, code_key)
        if saved == key and whole is not None:  # the file holds this very state
            if _REMEMBERED is not None:
                _REMEMBERED[str(cache)] = _Remembered(key, code_key, whole[0], previous,
                                                      entries=entries)
            else:
                _forget_corpus(cache)
            return whole[0]
        memo = _patched_load(saved, code_key, whole, previous, entries, key, paths)
        if memo is not None:
            if _REMEMBERED is not None:
                _REMEMBERED[str(cache)] = memo  # (written when the server stops)
            else:
                # A few files parsed again: corpus.pickle is left as it is (writing it
                # copies every other parse's bytes, 112 MB at 29,904 articles: 0.15-0.2 CPU
                # s), and the next build patches the same files into it again (a
                # millisecond each); more: written, so that the patches stay few.
                if memo.reparsed > RESAVE_FILES:
                    _save_corpus(cache, memo)
                _forget_corpus(cache)
            return memo.corpus
    parsed: dict[str, Any] = {}

    def load_file(path: Path, paths: Paths, rel: str | None = None) -> Any:
        from archive.corpus.loader import load_file as parse

        stamp = entries.get(path.name)
        old = previous.get(path.name)
        if stamp is not None and old is not None and tuple(old[0]) == stamp:
            parsed[path.name] = old
            return old[1]
        out = parse(path, paths, rel)
        if stamp is not None:
            parsed[path.name] = (stamp, out)
        return out

    corpus = load_corpus(paths, load_file)
    memo = _Remembered(key, code_key, corpus, parsed, entries=entries)
    if _REMEMBERED is not None and remembered is not None:
        memo.unsaved = True  # a reload: written when the server stops
        _REMEMBERED[str(cache)] = memo
    else:
        if saved != key:  # else the file holds this very state
            _save_corpus(cache, memo)
        if _REMEMBERED is not None:
            _REMEMBERED[str(cache)] = memo
    if _REMEMBERED is None:
        _forget_corpus(cache)
    return corpus


def _patched_load(saved: str, code_key: str, whole: Any, previous: dict[str, Any],
                  entries: dict[str, tuple[int, int]], key: str, paths: Paths
                  ) -> _Remembered | None:
    """A build after a few article files changed (``mkdocs build`` after an edit): the corpus
    corpus.pickle holds (``whole``, made from the parses ``previous``: the state ``saved``)
    with only the changed files parsed again (:func:`_reparsed`), rather than
    :func:`archive.corpus.loader.load_corpus` over every entry of seeds/ to take every other
    file's parse as it was (0.8 CPU s at 29,904 articles). Only when every entry of seeds/
    is known from the file: the parsed ones by their stamps, the others from the list kept
    with the corpus, none of which changed (a folder or a reported file that changed
    might give other problems); else None (the corpus is loaded, reusing the parses)."""
    if not saved or whole is None or whole[1] is None:
        return None
    corpus, others = whole
    before = {name: tuple(p[0]) for name, p in previous.items()}
    before.update(others)
    if any(entries.get(name) != stamp for name, stamp in others.items()):
        return None
    memo = _reparsed(_Remembered(saved, code_key, corpus, previous, entries=before),
                     entries, key, paths)
    return memo


def _reparsed(remembered: _Remembered, entries: dict[str, tuple[int, int]], key: str,
              paths: Paths) -> _Remembered | None:
    """The remembered parse with only the changed, new and gone article files parsed again or
    left out (archive.corpus.patch), when only a few of them did (size or time; `mkdocs
    serve`'s reload, or a one-shot build: :func:`_patched_load`); None: the corpus is loaded
    in full. An entry that was not parsed (a gazetteer file, a folder, a file load_corpus
    reports without reading) is not read by the load either; one that comes or goes may
    change the problems, so the corpus is loaded then, as when a new name is no plain article
    file or its id is another's in some letter case."""
    from archive.corpus.loader import load_file
    from archive.corpus.patch import patched

    before = remembered.entries
    if before is None:
        return None
    changed = [name for name, stamp in entries.items() if before.get(name) != stamp]
    gone = [name for name in before if name not in entries]
    if len(changed) + len(gone) > PATCHED_FILES:
        return None
    parsed, changes = dict(remembered.parsed), []
    for name in gone:
        old = parsed.pop(name, None)
        if old is None:
            return None  # (its problems, if any, went with it)
        changes.append((old[1], None))
    arrived = [name for name in changed if name not in before]
    if arrived and not _plain_arrivals(arrived, entries, paths):
        return None
    for name in changed:
        old = parsed.get(name)
        if old is None and name in before:
            continue  # not read by a load of seeds/ either
        new = load_file(paths.seeds / name, paths)
        parsed[name] = (entries[name], new)
        changes.append((old[1] if old is not None else None, new))
    corpus = patched(remembered.corpus, changes)
    if corpus is None:
        return None
    return _Remembered(key, remembered.code_key, corpus, parsed, unsaved=True, entries=entries,
                       reparsed=len(changes))


def _plain_arrivals(names: list[str], entries: dict[str, tuple[int, int]], paths: Paths
                    ) -> bool:
    """Whether each new entry of seeds/ in ``names`` is an article file that load_corpus reads
    (a file, not a link or a folder, not hidden, .txt or .md) whose id no other entry's
    article name has in any letter case (load_corpus reads neither of two such files)."""
    import stat

    from archive.corpus.loader import ARTICLE_SUFFIXES

    def article_id(name: str) -> str | None:
        dot = name.rfind(".")
        if name.startswith(".") or not 0 < dot < len(name) - 1:
            return None
        return name[:dot] if name[dot:].lower() in ARTICLE_SUFFIXES else None

    new: set[str] = set()
    for name in names:
        got = article_id(name)
        try:
            mode = os.lstat(paths.seeds / name).st_mode
        except OSError:
            return False
        if got is None or not stat.S_ISREG(mode):
            return False
        new.add(got.casefold())
    seen = 0
    for name in entries:
        got = article_id(name)
        if got is not None and got.casefold() in new:
            seen += 1
    return seen == len(new)


#: At most this many changed seed files are parsed into the remembered corpus (_reparsed);
#: more: the corpus is loaded again (its other files' parses reused all the same).
PATCHED_FILES = 64
#: A one-shot build that patched more than this many files into the corpus corpus.pickle
#: holds (_patched_load) writes it again; fewer: they are patched again by the next build.
RESAVE_FILES = 8


def _forget_corpus(cache: Path) -> None:
    """A one-shot process (not :func:`remember_corpus`): what archive.corpus.state keeps of
    corpus.pickle (every parse, each article with its text) is let go of, so that the texts
    are freed once the build lets go of its articles (archive.records.Analysis.texts_on_disk):
    ~110 MB at 29,904 articles through the pages and the browser data. The next load reads
    the file again before writing it (archive.corpus.state.read), so nothing is pickled
    again for it."""
    from archive.corpus import state

    state.forget(cache)


def _read_previous(cache: Path, key: str, code_key: str) -> tuple[str, dict[str, Any], Any]:
    """From corpus.pickle: the key of the state it holds, its per-file parses and what
    :func:`_save_corpus` kept with them (the corpus they made and the entries of seeds/ that
    were not parsed), when it was made by the same code (archive.corpus.state); else ("",
    {}, None)."""
    from archive.corpus import state

    saved, previous, whole = state.read(cache, code_key)
    if whole is not None and not (isinstance(whole, tuple) and len(whole) == 2):
        whole = None  # (not what this code writes: the parses alone are used)
    return saved, previous, whole


def _reduce_article(article: Article) -> tuple[Any, tuple[Any, ...]]:
    """Pickle an article with its text as UTF-16-LE bytes (UTF-8 for a text with a lone
    surrogate, which UTF-16 cannot hold strictly). Pickling a ``str`` makes CPython keep a
    UTF-8 copy inside that string for as long as it lives: the whole corpus' text twice in
    memory for the rest of the build (120 MB at 30,000 articles); ``str.encode`` keeps none.
    UTF-16 rather than UTF-8: every build reads every article back (corpus.pickle), and
    Arabic text decodes from UTF-16 three times as fast (0.04 against 0.14 CPU s for the
    94 MB of text at 29,904 articles; the file is 10 % larger)."""
    values = [getattr(article, name) for name in _ARTICLE_FIELDS]
    try:
        values[_TEXT_FIELD] = article.text.encode("utf-16-le")
    except UnicodeEncodeError:
        values[_TEXT_FIELD] = article.text.encode("utf-8", "surrogatepass")
        return _unpickle_article, (tuple(values),)
    return _unpickle_article16, (tuple(values),)


def _unpickle_article16(values: tuple[Any, ...]) -> Article:
    out = list(values)
    out[_TEXT_FIELD] = out[_TEXT_FIELD].decode("utf-16-le")
    return Article(*out)


def _unpickle_article(values: tuple[Any, ...]) -> Article:
    out = list(values)
    out[_TEXT_FIELD] = out[_TEXT_FIELD].decode("utf-8", "surrogatepass")
    return Article(*out)


_ARTICLE_FIELDS = tuple(f.name for f in fields(Article))
_TEXT_FIELD = _ARTICLE_FIELDS.index("text")


class _CorpusPickler(pickle.Pickler):
    """Pickles articles through :func:`_reduce_article`."""

    dispatch_table = {**copyreg.dispatch_table, Article: _reduce_article}


def let_go_of_word_caches() -> None:
    """A one-shot build whose analysis and root counts are done (``mkdocs build``, after the
    root explorer's count): the caches only those read are emptied, so that the pages and the
    browser data reuse their memory rather than adding to it. The morphology's data tables
    (22 MB, read again from the user's cache if a later step asks, with every other holder of
    them: :func:`archive.analysis.morphology.forget`, :func:`archive.analysis.tables.forget`)
    and the root explorer's per-word caches (21.6 MB at 9,504 articles), which nothing after
    the count reads. ``mkdocs serve`` keeps them for its reloads."""
    from archive.analysis import morphology, tables
    from archive.site import roots

    roots.forget()
    morphology.forget()
    tables.forget()


def let_go_of_page_caches() -> None:
    """A one-shot build whose pages are written: the map's basemap (21 MB of points, read
    for the map page) is let go of before the browser data is made."""
    from archive.site import mapsvg

    mapsvg.load_basemap.cache_clear()


def let_go_of_path_caches() -> None:
    """A one-shot build whose pages are written and stored (the page store pruned): the page
    store's file names, an entry per page (:func:`archive.site.pagecache.forget`), are let go
    of before the browser data, the build's peak at 29,904 articles. (MkDocs' own cache of
    page paths: the plugin's.)"""
    from archive.site import pagecache

    pagecache.forget()


def declared_entities(article: Article, gazetteer: Any) -> list[str]:
    """Keys of the places and actors the front matter names (by id, key or any name)."""
    keys = set()
    for kind, values in (("place", article.places), ("actor", article.actors)):
        for value in values:
            entity = gazetteer.resolve(value, kind)
            if entity is not None:
                keys.add(entity.key)
    return sorted(keys)


def analyze_article(
    article: Article, analyzer: Analyzer, gazetteer: Any = None
) -> AnalyzedArticle:
    return _assemble(article, _record(article, analyzer, gazetteer))


#: The analysis of one article in compact form (what a worker sends back): its tokens as
#: columns, the runs ``[i, j)`` of tokens inside body segments, the mentions, the body mention
#: counts and the declared entities; then the title's tokens as columns and its names.
_Record = tuple[Columns, list[tuple[int, int]], list[Mention], dict[str, int], list[str],
                Columns, list[TitleEntity]]


def _record(article: Article, analyzer: Analyzer, gazetteer: Any) -> _Record:
    columns, matches = analyzer.analyze_columns(article.text)
    starts, ends = columns.starts, columns.ends
    bodies = [(s.start, s.end) for s in article.body_segments()]
    # the tokens inside body segments as runs [i, j): the segments' token ranges, merged
    # where they overlap or touch
    runs: list[tuple[int, int]] = []
    for i, j in sorted((bisect_left(starts, a), bisect_left(starts, b)) for a, b in bodies):
        if i >= j:
            continue
        if runs and i <= runs[-1][1]:
            if j > runs[-1][1]:
                runs[-1] = (runs[-1][0], j)
        else:
            runs.append((i, j))
    mentions = [
        Mention(m.entity, starts[m.first], ends[m.last], article.text[starts[m.first]:ends[m.last]])
        for m in matches
    ]
    counts = Counter(m.entity for m in mentions if _inside(m.start, bodies))
    declared = declared_entities(article, gazetteer) if gazetteer is not None else []
    title, title_matches = analyzer.analyze_columns(article.title or "")
    title_entities = [(m.entity, m.first, title.starts[m.first], title.ends[m.last])
                      for m in title_matches]
    return (columns, runs, mentions, dict(sorted(counts.items())), declared, title,
            title_entities)


_new_token = partial(tuple.__new__, Token)


def _assemble(article: Article, record: _Record) -> AnalyzedArticle:
    columns, runs, mentions, counts, declared, title, title_entities = record
    # tuple.__new__ on each row: Token's own __new__ is a Python function (a frame a token)
    tokens = list(map(_new_token, zip(*columns[:3], range(len(columns.forms)), *columns[3:],
                                      strict=True)))
    body = tokens if runs == [(0, len(tokens))] else [t for i, j in runs for t in tokens[i:j]]
    return AnalyzedArticle(article, tokens, body, mentions, counts, declared, title.tokens(),
                           title_entities)


def _inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= offset < b for a, b in spans)


def export_analyzer_tables(build: Path) -> Path:
    """Write the analyzer's data tables to build/analyzer-tables.json (only when they changed):
    the very data the JavaScript port reads. The tables are made from the files of the analysis
    package only, so they are made again only when its fingerprint changed (kept beside them)."""
    from archive.analysis.tables import tables_json_bytes

    target = build / "analyzer-tables.json"
    stamp = build / ".analyzer-tables.fingerprint"
    code = wordtable.fingerprint()
    try:
        if target.is_file() and stamp.read_text(encoding="utf-8") == code:
            return target
    except OSError:
        pass
    text = tables_json_bytes() + b"\n"  # (UTF-8 as the tables cache keeps it)
    if not target.is_file() or target.read_bytes() != text:
        write_atomic(target, text)
    write_atomic(stamp, code)
    return target


#: A one-shot analysis in this process of articles with fewer than a FEW_FORMS-th of the
#: word table's forms takes only theirs from it (see :func:`_few_words`).
FEW_FORMS = 4

#: Below this many articles, analysis stays in this process (starting workers costs more).
PARALLEL_MIN_ARTICLES = 200
#: Articles per task handed to a worker: small enough to balance the cores and to let this
#: process unpack one batch while the workers analyse the next.
BATCH = 64
#: Batches a forked worker analyses before a fresh one takes its place. Each batch makes the
#: worker write to pages it shares with this process (the reference counts of its articles
#: and of the word table's analyses it looks up), which the kernel then copies into it: a
#: worker that lived through the whole stage ends up with its own copy of most of them (152
#: MB each at 10,000 articles, 337 MB at 31,030). A fresh worker (a fork: a few
#: milliseconds) starts again from none.
WORKER_TASKS = 20

#: What forked workers read (set just before they fork, cleared after): the articles to
#: analyse, the analyzer with its gazetteer matcher, and the gazetteer.
_WORK: tuple[list[Article], Analyzer | None, Any] | None = None

def analyze_corpus(
    loaded: Loaded,
    articles: list[Article] | None = None,
    timings: Timings | None = None,
    workers: int | None = None,
) -> list[AnalyzedArticle]:
    """Analyze ``articles`` (default: all loaded ones), in their order.

    The distinct word forms are analysed first — only those not in the word table kept in
    build/, split across ``workers`` processes — so each form is analysed once per archive, not
    once per occurrence or per build; tokens are then assembled from the table. With more than
    one worker and enough articles, collecting the forms and assembling the tokens (with entity
    matching) run on forked workers too, each on batches of articles taken in order; the result
    is the same as with one worker.
    """
    timings = timings or Timings()
    todo = loaded.articles if articles is None else articles
    workers = workers if workers is not None else (os.cpu_count() or 1)
    parallel = workers > 1 and len(todo) >= PARALLEL_MIN_ARTICLES
    with timings.stage("analyze"):
        _word_table(loaded, todo, workers, parallel)
    with timings.stage("entities"):
        analyzer = Analyzer(loaded.gazetteer.matcher())  # type: ignore[attr-defined]
        if not parallel:
            return [analyze_article(a, analyzer, loaded.gazetteer) for a in todo]
        out: list[AnalyzedArticle] = []
        with _forked(todo, analyzer, loaded.gazetteer, workers) as (pool, spans):
            for (start, end), packed in zip(spans, pool.imap(_analyse_span, spans),
                                            strict=True):
                out.extend(map(_unpack, todo[start:end], packed))
        return out


def analyse(
    loaded: Loaded,
    timings: Timings | None = None,
    workers: int | None = None,
    *,
    complete: bool = True,
    reuse: bool = True,
) -> Analysis:
    """Analyse the loaded corpus into compact records kept in build/analysis/ (see
    :mod:`archive.records`), reusing the record of every article whose file, the gazetteer and
    the analysis code are unchanged since it was made: only new and changed articles are
    analysed (their new word forms through the word table, as :func:`analyze_corpus`).

    The result holds a small summary per article in memory; the tokens are read back from the
    records, one article at a time, by :meth:`Analysis.articles`. ``complete``: ``loaded``
    holds the whole corpus, so the records of articles not in it are deleted (an index update
    that loaded only the changed files passes False). ``reuse=False``: analyse every article
    again (``archive index --rebuild``)."""
    timings = timings or Timings()
    build = loaded.paths.build
    records.folder(build).mkdir(parents=True, exist_ok=True)
    context = records.code_fingerprint() + " " + records.gazetteer_fingerprint(
        records.entity_fingerprints(loaded.gazetteer))
    ordered = sorted(loaded.articles, key=lambda a: a.id)
    keys = _record_keys(ordered, context)
    with timings.stage("analyze"), paused_gc():
        kept, kept_at = records.read_store(build)
        if not reuse:
            kept = {}
        todo = [a for a in ordered if kept.get(a.id, ("",))[0] != keys[a.id]]
    entries = dict(kept) if not complete else {k: v for k, v in kept.items() if k in keys}
    locations = {k: v for k, v in kept_at.items() if k in entries}
    if todo:
        made = _analyse_into_records(loaded, todo, keys, timings, workers)
        entries.update((k, entry) for k, (entry, _) in made.items())
        locations.update((k, where) for k, (_, where) in made.items())
        if _REMEMBERED is None:
            # A one-shot build: the analyses of every word form it remembered (the word
            # table, 54 MB at 9,504 articles, twice that at 31,030) serve no later stage,
            # which reads the records; freed here, the pages and the browser data reuse that
            # memory instead of adding to it. A later analysis reads build/ again.
            from archive.analysis.analyzer import analyze_word

            analyze_word.cache_clear()
    # (what is not in the index any more is deleted with the packs that held only that)
    moved = records.compact(build, entries, locations, BATCH)
    if todo or moved or len(kept) != len(entries) or len(kept_at) != len(locations):
        records.write_index(build, entries, locations, {w[0] for w in kept_at.values()})
    summaries: dict[str, Summary] = {}
    with paused_gc():
        for a in ordered:
            _, found, counts, declared = entries[a.id]
            summaries[a.id] = Summary(
                a, [Mention(e, s, t, a.text[s:t]) for e, s, t in found] if found else [],
                counts, declared)
    return Analysis(build, summaries, keys, [a.id for a in todo], locations)


#: `mkdocs serve` (:func:`remember_corpus`): the record keys of the last analysis, by content
#: hash, and the context they were made in (see :func:`_record_keys`)
_KEYS: tuple[str, dict[str, str]] = ("", {})


def _record_keys(ordered: list[Article], context: str) -> dict[str, str]:
    """Each article's record key (records.record_key), in ``ordered``'s order. A long-lived
    process (:func:`remember_corpus`) takes the key of an unchanged content hash in the same
    context from its last analysis instead of hashing again (9,504 sha256 a reload)."""
    global _KEYS
    if _REMEMBERED is None:
        return {a.id: records.record_key(a, context) for a in ordered}
    before = _KEYS[1] if _KEYS[0] == context else {}
    made: dict[str, str] = {}
    keys: dict[str, str] = {}
    for a in ordered:
        h = a.content_hash
        key = before.get(h)
        if key is None:
            key = records.record_key(a, context)
        made[h] = keys[a.id] = key
    _KEYS = (context, made)
    return keys


_Made = tuple[records.IndexEntry, records.Location]


def _analyse_into_records(
    loaded: Loaded, todo: list[Article], keys: dict[str, str], timings: Timings,
    workers: int | None,
) -> dict[str, _Made]:
    """Analyse ``todo`` and write their records (a pack file per batch); their index entries
    and the records' locations by id."""
    workers = workers if workers is not None else (os.cpu_count() or 1)
    parallel = workers > 1 and len(todo) >= PARALLEL_MIN_ARTICLES
    with timings.stage("analyze"):
        _word_table(loaded, todo, workers, parallel)
    out: dict[str, _Made] = {}
    with timings.stage("entities"):
        analyzer = Analyzer(loaded.gazetteer.matcher())  # type: ignore[attr-defined]
        # the packs of this build: numbered from here, one per batch in batch order
        first = records.next_pack_number(loaded.paths.build)
        if not parallel:
            for n, at in enumerate(range(0, len(todo), BATCH)):
                batch = todo[at:at + BATCH]
                out.update(zip((a.id for a in batch),
                               _write_records(batch, analyzer, loaded.gazetteer,
                                              loaded.paths.build, keys, first + n),
                               strict=True))
            return out
        global _STORE
        _STORE = (loaded.paths.build, keys, first)
        try:
            with _forked(todo, analyzer, loaded.gazetteer, workers) as (pool, spans):
                for (start, end), entries in zip(
                        spans, pool.imap(_record_span, enumerate(spans)), strict=True):
                    out.update(zip((a.id for a in todo[start:end]), entries, strict=True))
        finally:
            _STORE = None
    return out


def _word_table(loaded: Loaded, todo: list[Article], workers: int, parallel: bool) -> None:
    """Make sure every word form of ``todo`` is in the word table (build/) and remembered.

    A table that gained forms is written here, before the next stage's workers fork (not by
    one of them: reading every form of the table there copied the pages that hold it into
    that worker, +120 to +220 MB at 29,904 articles, the cold build's peak), unless it is
    kept in memory (``mkdocs serve``: written when the server stops)."""
    build = loaded.paths.build
    intern = _Interner()
    if parallel:
        with _forked(todo, None, loaded.gazetteer, workers) as (pool, _):
            # one share of the articles per worker, not the batches of the later stages:
            # each form is then pickled, sent and merged here once per worker rather than
            # once per batch it occurs in (at 987 articles, 208,000 forms sent in 28 batches
            # for 75,600 distinct ones; 100,000 in two shares)
            pending = pool.imap_unordered(_forms_of, _shares(todo, workers))
            # meanwhile, in this process: what the next stages read, made here while the
            # workers collect the forms
            export_analyzer_tables(build)
            table, alts, shared = _load_words_all(build)
            if shared is None:
                table = intern(table)
            if not table:  # a first build: every form is new, analysed with the data tables
                morphology.default_data()
            else:  # (a first build makes it while the workers analyse the new forms)
                loaded.gazetteer.matcher()  # type: ignore[attr-defined]
            shares = list(pending)  # (pickled: see _forms_of)
        # The forms are unpickled once the workers are gone: while they lived, each held its
        # share's forms and the pages of the corpus it had copied (reading an article's
        # text writes its reference count), and the forms made here on top of that were the
        # cold build's peak at 29,904 articles (+70 MB in this process at its end: 632 MB).
        # Each share's forms come sorted (sorted by its worker): one sort of them all merges
        # the runs, and the repeats go in one pass, both at C speed.
        runs: list[str] = []
        for share in shares:
            runs += pickle.loads(share)
        del shares
        missing = list(filterfalse(table.__contains__, dict.fromkeys(sorted(runs))))
        del runs
    else:
        export_analyzer_tables(build)
        forms = wordtable.distinct_forms(_texts(todo))
        kept = wordtable.read(build) if _REMEMBERED is None else None
        if kept is not None and len(forms) * FEW_FORMS <= len(kept):
            _few_words(build, kept, forms, workers)
            return
        table, alts, shared = _load_words_all(build, kept)
        missing = sorted(forms - table.keys())
        del forms
    if missing:
        # (frozen only when analyze_forms forks: asking whether anything is frozen walks
        # every frozen object, ~0.1 s under `mkdocs serve` at 9,504 articles)
        forks = workers > 1 and len(missing) >= wordtable.PARALLEL_MIN_FORMS
        # A new table (a first build) is written as the analyses come back, while the
        # workers analyse the next chunks, rather than by this process alone afterwards (the
        # serial part). Not a kept one: writing its rows here would copy the memory pages
        # that hold them, shared with the workers, into this process.
        stream = (wordtable.Streamed(build, table)
                  if forks and shared is None and not table else None)
        with _frozen() if forks else nullcontext(), stream or nullcontext():
            # (parallel: each chunk of new analyses interned as it comes back, while the
            # workers analyse the next)
            # (a first build's name matcher, for the next stage, made here while the workers
            # analyse, not above while they collect the forms: there this process took
            # longest. A kept table's was made above: few or no new forms then)
            # (the rows of the table file written as the workers encoded them)
            new, new_alts = wordtable.analyze_forms(
                missing, workers,
                share=intern.columns if parallel and shared is None else None,
                on_rows=stream.add if stream is not None else None,
                meanwhile=loaded.gazetteer.matcher if parallel else None)  # type: ignore[attr-defined]
            del missing
            table.update(new)
            alts.update(new_alts)
            if stream is not None:
                stream.finish(alts)
        if shared is not None:  # kept in memory (mkdocs serve): saved when the server stops
            shared.update(new)
            _WORDS[str(build)].unsaved = True
        elif stream is None:
            wordtable.save(build, table, alts)
    if shared is None:
        shared = table if parallel else intern(table)
        if _REMEMBERED is not None:
            _WORDS[str(build)] = _Words(table, shared, alts,
                                        _stamp(build / wordtable.FILE_NAME))
    remember_words(shared, alts)


def _few_words(build: Path, kept: wordtable.Kept, forms: set[str], workers: int) -> None:
    """:func:`_word_table` of a few articles of a big archive (one changed article), in a
    one-shot process: only their forms' analyses are taken from the kept table and
    remembered, without making and interning the whole table (0.4 CPU second at 9,504
    articles); the whole table is made only when some forms are new (to write it). The
    analysis tables are taken from build/ (:func:`archive.analysis.tables.keep_tables`): only
    those that a few forms and the name matcher read are unpickled."""
    from archive.analysis.tables import keep_tables

    keep_tables(build)
    known, alts = kept.subset(forms)
    missing = sorted(forms - known.keys())
    if missing:
        new, new_alts = wordtable.analyze_forms(missing, workers)
        table, all_alts = kept.whole()
        table.update(new)
        all_alts.update(new_alts)
        wordtable.save(build, table, all_alts)
        known.update(new)
        alts.update(new_alts)
    remember_words(known, alts)


@dataclass(slots=True)
class _Words:
    """The word table of one build folder kept in memory while :func:`remember_corpus` is on
    (``mkdocs serve``), with its shared form (:class:`_Interner`) and its alternative roots."""

    table: dict[str, wordtable.Analysis]
    shared: dict[str, wordtable.Analysis]
    alts: dict[str, str]
    stamp: tuple[int, int] | None  # (size, mtime_ns) of the file as read or written
    unsaved: bool = False  # forms added since: the file does not hold them yet


_WORDS: dict[str, _Words] = {}


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


def _load_words(build: Path) -> tuple[dict[str, wordtable.Analysis],
                                      dict[str, wordtable.Analysis] | None]:
    """The word table and its shared form when it was kept in memory (None: read from the file
    now): :func:`_load_words_all` without the alternative roots."""
    table, _, shared = _load_words_all(build)
    return table, shared


def _load_words_all(build: Path, read: wordtable.Kept | None = None,
                    ) -> tuple[dict[str, wordtable.Analysis], dict[str, str],
                               dict[str, wordtable.Analysis] | None]:
    """The word table, its alternative roots, and its shared form when it was kept in memory
    (None: read from the file now, or taken from ``read``, the file as read already). The kept
    table is used while the file is the one it was read from or, with forms added in memory,
    as long as nothing else wrote the file."""
    kept = _WORDS.get(str(build)) if _REMEMBERED is not None else None
    if kept is not None:
        if kept.stamp is not None and kept.stamp == _stamp(build / wordtable.FILE_NAME):
            return kept.table, kept.alts, kept.shared
        del _WORDS[str(build)]  # the file changed (another process): read it again
    if read is not None:
        return *read.whole(), None
    table, alts = wordtable.load_all(build)
    return table, alts, None


def remember_word_table(build: Path) -> bool:
    """``mkdocs serve`` (:func:`remember_corpus` on): read build/'s word table into memory now,
    as the first analysis of a new or changed article would (reading, interning and
    remembering its 183,000 forms at 9,504 articles: about a CPU second). A server whose
    first build analysed nothing does it then, not on the first reload after an edit. False
    when it was kept already (or remembering is off)."""
    if _REMEMBERED is None or str(build) in _WORDS:
        return False
    table, alts, shared = _load_words_all(build)
    if shared is None:
        shared = _Interner()(table)
        _WORDS[str(build)] = _Words(table, shared, alts, _stamp(build / wordtable.FILE_NAME))
    remember_words(shared, alts)
    return True


def _save_words() -> None:
    """Write the word tables that gained forms in memory (:class:`_Words`)."""
    for folder, kept in _WORDS.items():
        if kept.unsaved:
            wordtable.save(Path(folder), kept.table, kept.alts)
            kept.stamp = _stamp(Path(folder) / wordtable.FILE_NAME)
            kept.unsaved = False


class _Interner:
    """Makes a word table's strings and analyses one object each (:meth:`__call__`), across
    the tables it is given: read from JSON or from the workers, every form, stem and root is a
    string of its own, though most stems and roots recur (28,666 roots for 183,194 forms at
    10,000 articles). Half the memory (77 → 37 MB there), and half the pages a forked worker
    copies as it reads them."""

    def __init__(self) -> None:
        self.strings: dict[str, str] = {}
        self.analyses: dict[wordtable.Analysis, wordtable.Analysis] = {}

    def __call__(self, table: dict[str, wordtable.Analysis]) -> dict[str, wordtable.Analysis]:
        """``table`` with one object per distinct string and per distinct analysis."""
        if not table:
            return {}
        normalized, stems, roots = zip(*table.values(), strict=True)
        return self.columns(list(table), normalized, stems, roots)

    def columns(self, forms: Sequence[str], normalized: Sequence[str], stems: Sequence[str],
                roots: Sequence[str]) -> dict[str, wordtable.Analysis]:
        """The table of ``forms`` and their analyses given in columns, with one object per
        distinct string and per distinct analysis (each column interned in one C-level pass,
        not a Python loop over the forms)."""
        one = self.strings.setdefault
        analyses = list(zip(map(one, normalized, normalized), map(one, stems, stems),
                            map(one, roots, roots), strict=True))
        return dict(zip(map(one, forms, forms),
                        map(self.analyses.setdefault, analyses, analyses), strict=True))


def _write_records(articles: list[Article], analyzer: Analyzer, gazetteer: Any, build: Path,
                   keys: dict[str, str], number: int) -> list[_Made]:
    """Analyse ``articles``, write their records into one pack file (pack ``number``); per
    article, its index entry and where its record is."""
    entries: list[records.IndexEntry] = []
    made: list[tuple[str, str, bytes]] = []
    for article in articles:
        key = keys[article.id]
        columns, runs, mentions, counts, declared, title, title_entities = _record(
            article, analyzer, gazetteer)
        made.append((article.id, key, records.encode(key, columns, runs, title,
                                                     title_entities, article.text)))
        entries.append((key, [(m.entity, m.start, m.end) for m in mentions], counts, declared))
    where = records.write_pack(build, made, number)
    return [(entry, where[a.id]) for entry, a in zip(entries, articles, strict=True)]


#: What forked record writers read: build/, the record key of each article and the number
#: of the first batch's pack.
_STORE: tuple[Path, dict[str, str], int] | None = None


def _record_span(task: tuple[int, tuple[int, int]]) -> list[_Made]:
    """Write the records of batch ``task[0]``, the articles ``[start, end)`` of ``task[1]``."""
    assert _WORK is not None and _WORK[1] is not None and _STORE is not None
    todo, analyzer, gazetteer = _WORK
    build, keys, first = _STORE
    n, (start, end) = task
    return _write_records(todo[start:end], analyzer, gazetteer, build, keys, first + n)


def _spans(n: int, workers: int) -> list[tuple[int, int]]:
    """Batches ``[start, end)`` of ``n`` articles, in order: of :data:`BATCH` articles, the
    last ones finer (:func:`wordtable.batches`)."""
    return wordtable.batches(n, BATCH, workers)


def _shares(todo: list[Article], workers: int) -> list[tuple[int, int]]:
    """``todo`` cut into ``workers`` runs ``[start, end)`` in order, of about as many characters
    each (what collecting an article's forms costs grows with its text), none empty."""
    sizes = list(accumulate(len(a.text) + len(a.title or "") for a in todo))
    n, parts = len(todo), min(workers, len(todo))
    cuts = [0]
    for k in range(1, parts):
        at = bisect_left(sizes, sizes[-1] * k / parts) + 1
        cuts.append(min(max(at, cuts[-1] + 1), n - (parts - k)))
    cuts.append(n)
    return [(a, b) for a, b in pairwise(cuts) if a < b]


@contextmanager
def _forked(
    todo: list[Article], analyzer: Analyzer | None, gazetteer: Any, workers: int
) -> Iterator[tuple[Any, list[tuple[int, int]]]]:
    """A pool of ``workers`` forked processes that see ``todo`` (and the analyzer), and the
    batches of article indices ``[start, end)`` to hand them."""
    import gc
    import multiprocessing

    global _WORK
    spans = _spans(len(todo), workers)
    _WORK = (todo, analyzer, gazetteer)
    collecting = gc.isenabled()
    # Unpacking the workers' tokens makes millions of tuples without reference cycles: the
    # cycle collector would only slow it down (as in Analyzer.analyze_with_matches).
    gc.disable()  # (inherited by the workers: see also _frozen)
    try:
        pool = multiprocessing.get_context("fork").Pool(workers, initializer=_worker_signals,
                                                        maxtasksperchild=WORKER_TASKS)
        try:
            yield pool, spans
        except BaseException:
            pool.terminate()
            raise
        else:
            # Workers leave on their own once the queue is closed: terminating them (SIGTERM)
            # while one holds the queue's lock would leave the other waiting for it forever.
            pool.close()
        finally:
            pool.join()
    finally:
        _WORK = None
        if collecting:
            gc.enable()


@contextmanager
def _frozen() -> Iterator[None]:
    """Within this block, the objects that exist now are left out of garbage collection (in
    this process and in the processes it forks): a forked worker's collector would otherwise
    write to every object the parent holds (the corpus, the word table) and so copy all their
    memory pages into the worker. Objects frozen before (`mkdocs serve` freezes what it
    keeps between reloads: archive.site.plugin) stay frozen, and so do those frozen here."""
    import gc

    thaw = not gc.get_freeze_count()
    gc.freeze()
    try:
        yield
    finally:
        if thaw:
            gc.unfreeze()


def _worker_signals() -> None:
    """A worker ends at SIGTERM whatever handler the parent process had installed (a handler
    that raises would stop it wherever it is, e.g. holding the task queue's lock)."""
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _forms_of(span: tuple[int, int]) -> bytes:
    """A worker's task: the distinct forms of ``span``'s articles, sorted (here, on the
    worker's core, not where they are merged), pickled: the pool sends the bytes as they are,
    and the forms are made in the parent only after the workers are gone
    (:func:`_word_table`)."""
    assert _WORK is not None
    forms = sorted(wordtable.distinct_forms(_texts(_WORK[0][span[0]:span[1]])))
    return pickle.dumps(forms, pickle.HIGHEST_PROTOCOL)


def _texts(articles: list[Article]) -> Iterator[str]:
    """What the analysis reads of each article: its text and its title."""
    for a in articles:
        yield a.text
        yield a.title or ""


#: One analysed article as a worker sends it back: its tokens packed by :func:`records.pack`
#: (bytes: cheap to send and to unpack), its mentions as (entity key, start, end), its body
#: mention counts and its declared entities.
_Packed = tuple[bytes, list[tuple[str, int, int]], dict[str, int], list[str]]


def _analyse_span(span: tuple[int, int]) -> list[_Packed]:
    assert _WORK is not None and _WORK[1] is not None
    todo, analyzer, gazetteer = _WORK
    out: list[_Packed] = []
    for article in todo[span[0]:span[1]]:
        columns, runs, mentions, counts, declared, title, title_entities = _record(
            article, analyzer, gazetteer)
        out.append((records.pack("", columns, runs, title, title_entities),
                    [(m.entity, m.start, m.end) for m in mentions], counts, declared))
    return out


def _unpack(article: Article, packed: _Packed) -> AnalyzedArticle:
    """The analysed article of what :func:`_analyse_span` sent for it."""
    data, found, counts, declared = packed
    _, tokens, runs, title, title_entities = records.unpack(data)
    body = tokens if runs == [(0, len(tokens))] else [t for i, j in runs for t in tokens[i:j]]
    mentions = [Mention(e, s, t, article.text[s:t]) for e, s, t in found]
    return AnalyzedArticle(article, tokens, body, mentions, counts, declared, title,
                           title_entities)
