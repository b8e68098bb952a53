"""Shared fixtures: the repository, and throw-away archive folders for tests that write."""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest

from archive.config import Paths

REPO = Path(__file__).resolve().parents[1]

# The analyzer tables' user-level cache (archive.analysis.tables.cache_dir) of this test run:
# a folder of its own, inherited by every build the tests start, so the suite neither reads
# tables a user's builds left in ~/.cache nor leaves files there.
# A process the tests start that imports this module again (a worker unpickling a test's
# function) finds the folder in its environment and neither makes another nor removes it.
_OWNS_TABLES_CACHE = "ARCHIVE_TESTS_TABLES_CACHE" not in os.environ
if _OWNS_TABLES_CACHE:
    os.environ["ARCHIVE_TESTS_TABLES_CACHE"] = tempfile.mkdtemp(prefix="archive-tables-cache-")
_TABLES_CACHE = os.environ["ARCHIVE_TESTS_TABLES_CACHE"]
os.environ["ARCHIVE_CACHE_DIR"] = _TABLES_CACHE


def pytest_unconfigure(config: pytest.Config) -> None:
    if _OWNS_TABLES_CACHE:
        shutil.rmtree(_TABLES_CACHE, ignore_errors=True)


def node_path() -> str:
    """The node executable that runs the JavaScript port in the tests. A missing one fails the
    test rather than skipping it: the suite's set-up (scripts/test) installs what it needs."""
    found = shutil.which("node")
    if found is None:
        pytest.fail("node is not installed: install nodejs (Debian package) and rerun")
    return found


def index_docs_meta(gen: Path) -> dict[str, dict[str, object]]:
    """docs.json as an index generation's documents give it (its stored metadata fields by
    document number), read from the Whoosh index itself: what docs.json must equal."""
    from whoosh import index as whoosh_index

    from archive.index import build as index_build

    ix = whoosh_index.open_dir(str(gen))
    try:
        with ix.reader() as reader:
            return {str(num): {k: f.get(k) for k in index_build._META_FIELDS}
                    for num, f in reader.iter_docs()}
    finally:
        ix.close()


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(autouse=True)
def _build_date_put_back() -> Iterator[None]:
    """An in-process build (``mkdocs.commands.build.build``: no on_shutdown) leaves the
    ``SOURCE_DATE_EPOCH`` the plugin set from its seeds (archive.site.builddate): taken out
    after each test, so that no later build takes it for the user's."""
    yield
    from archive.site import builddate

    builddate.end()


def script_module(relative: str) -> object:
    """A script of the repository without a .py suffix (bench/gold/realtext, bench/saudi-archive)
    loaded as a module, so tests can call its functions."""
    import importlib.util
    from importlib.machinery import SourceFileLoader

    name = relative.replace("/", "_").replace("-", "_")
    loader = SourceFileLoader(name, str(REPO / relative))
    spec = importlib.util.spec_from_loader(name, loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def load_script() -> Callable[[str], object]:
    """:func:`script_module` as a fixture."""
    return script_module


def mkdocs_build(root: Path, *args: str, timeout: int = 600,
                 **variables: str) -> subprocess.CompletedProcess[str]:
    """``python -m mkdocs build <args>`` in ``root`` as a maintainer runs it, output captured as
    text: MkDocs 2's notice silenced, and SITE_URL and ARCHIVE_ROOT unset unless given among
    ``variables`` (environment variables set for this build only)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SITE_URL", None)
    env.pop("ARCHIVE_ROOT", None)
    env.update(variables)
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=timeout)


#: The start of a snippet for :func:`python_json_runs` that keeps the analysis tables in the
#: folder given as its argument (``kept``) and can analyse words.
KEPT_TABLES_PRELUDE = (
    "import json, sys\n"
    "from pathlib import Path\n"
    "from archive.analysis import tables\n"
    "from archive.analysis.analyzer import analyze_word\n"
    "kept = tables.keep_tables(Path(sys.argv[1]))\n"
)


def python_json_runs(code: str, *args: str, runs: int = 2) -> list[object]:
    """Run ``code`` in fresh interpreters (``runs`` times, with the repository's src/ first on
    the path) and parse what each printed as JSON: a first process that builds a cache, then
    one that reads it."""
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    return [json.loads(subprocess.run([sys.executable, "-c", code, *args], env=env,
                                      capture_output=True, text=True, check=True).stdout)
            for _ in range(runs)]


@pytest.fixture
def archive_dir(tmp_path: Path) -> Path:
    """A copy of the repository's mkdocs.yml and seeds/ in a temporary folder."""
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    (tmp_path / "docs").mkdir()
    if (REPO / "docs").is_dir():
        shutil.copytree(REPO / "docs", tmp_path / "docs", dirs_exist_ok=True)
    return tmp_path


@pytest.fixture
def archive_paths(archive_dir: Path) -> Paths:
    return Paths(archive_dir)


#: An hour before the test run: files stamped then are older than any freshness check's
#: "too young to trust by its stamp" window.
HOUR_AGO = time.time_ns() - 3600 * 10**9


def age(*files: Path, ns: int = HOUR_AGO) -> None:
    """Give ``files`` the modification (and access) time ``ns``."""
    for f in files:
        os.utime(f, ns=(ns, ns))


def aged_seeds(d: Path) -> Path:
    """``d`` with a copy of the repository's seeds/ (stamped :data:`HOUR_AGO`) and mkdocs.yml."""
    shutil.copytree(REPO / "seeds", d / "seeds")
    shutil.copy(REPO / "mkdocs.yml", d / "mkdocs.yml")
    age(*(d / "seeds").iterdir())
    return d


#: The seed changes :func:`change_seed` makes.
SEED_CHANGES = ("add", "delete", "edit")


def change_seed(seeds: Path, f: Path, change: str) -> None:
    """One of :data:`SEED_CHANGES` in ``seeds``: a new article, ``f`` deleted, or a sentence
    appended to ``f``."""
    if change == "add":
        (seeds / "new-article.md").write_text("# جديد\n\nنص جديد عن درعا.\n", encoding="utf-8")
    elif change == "delete":
        f.unlink()
    else:
        assert change == "edit", change
        f.write_text(f.read_text(encoding="utf-8") + "\nوشوهدت زرافة.\n", encoding="utf-8")


@pytest.fixture(scope="module")
def indexed_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the seeds (and mkdocs.yml) with a fresh search index, shared by a module."""
    from archive.index.build import update_index

    d = tmp_path_factory.mktemp("indexed")
    shutil.copytree(REPO / "seeds", d / "seeds")
    shutil.copy(REPO / "mkdocs.yml", d / "mkdocs.yml")
    update_index(Paths(d))
    return d


@contextmanager
def _serve_folder(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (a free port, quietly) and yield its base URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def serve_folder() -> Callable[[Path], AbstractContextManager[str]]:
    """``with serve_folder(site) as base:`` a built site on a local port, for browser tests."""
    return _serve_folder
