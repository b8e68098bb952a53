"""`mkdocs serve` keeps its served folder between reloads (archive.site.staging.KeptServeDir):
after any sequence of reloads — an edited, an added, a deleted and a reverted article, a new
docs/ page and its removal — the served folder holds exactly what a fresh serve of the same
inputs writes, and files that did not change are not written again."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from test_incremental_site import _project
from test_site_pageout import _serve_builds

#: `mkdocs serve`'s own steps (mkdocs.commands.serve, MkDocs 1.6) without the HTTP server, as
#: in test_site_pageout: one process, the config loaded again for each build (the plugin
#: instance lives on). argv: project, site folder, steps separated by ","; before each build
#: the step is applied to the project; after it, the served folder's files are listed with
#: their inode (a file written again gets a new one, or its time changes).
_SERVE = r"""
import json, logging, os, sys
from pathlib import Path
sys.path.insert(0, sys.argv[4])
from test_site_pageout import _add_article, _edit_article, _retitle_article
from mkdocs.commands.build import build
from mkdocs.config import load_config

root, site_dir, steps = Path(sys.argv[1]), sys.argv[2], sys.argv[3].split(",")
seeds = root / "seeds"
logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
serve_url = "http://127.0.0.1:8000/"
original = (seeds / "synthetic-1.md").read_bytes()

def get_config():
    return load_config(config_file=str(root / "mkdocs.yml"), site_dir=site_dir)

def apply(step):
    if step == "edit":
        _edit_article(seeds)
    elif step == "revert":
        (seeds / "synthetic-1.md").write_bytes(original)
    elif step == "add":
        _add_article(seeds)
    elif step == "delete":
        (seeds / "synthetic-9.md").unlink()
    elif step == "retitle":
        _retitle_article(seeds)
    elif step == "docs":
        (root / "docs" / "notes.md").write_text("# ملاحظات\n\nنص.\n", encoding="utf-8")
    elif step == "undocs":
        (root / "docs" / "notes.md").unlink()
    elif step == "bad":
        (seeds / "broken.md").write_text("---\ntitle: [\n---\nنص\n", encoding="utf-8")
    elif step == "unbad":
        (seeds / "broken.md").unlink()

config = get_config()
config.plugins.on_startup(command="serve", dirty=False)
config.site_url = serve_url
for i, step in enumerate(steps):
    apply(step)
    if i:
        config = get_config()
        config.site_url = serve_url
    try:
        build(config, serve_url=serve_url, dirty=False)
    except Exception as exc:  # the server logs a failed build and serves on
        print("FAILED", type(exc).__name__, flush=True)
    tree = {}
    for folder, _dirs, names in os.walk(site_dir):
        for name in names:
            p = os.path.join(folder, name)
            st = os.stat(p)
            tree[os.path.relpath(p, site_dir)] = [st.st_ino, st.st_mtime_ns]
    print("TREE " + json.dumps(tree), flush=True)
    print("BUILT", flush=True)
"""

STAMPED = {"sitemap.xml", "sitemap.xml.gz"}  # hold the build's date


def _serve(root: Path, site_dir: Path, steps: str) -> list[tuple[str, dict[str, list[int]]]]:
    """Per build of :data:`_SERVE`: its log and the served folder's files (inode, mtime)."""
    import json

    out = []
    for chunk in _serve_builds(root, site_dir, steps, script=_SERVE, timeout=900):
        log, _, tree = chunk.rpartition("TREE ")
        out.append((log, json.loads(tree)))
    return out


def _files(site_dir: Path) -> dict[str, bytes]:
    return {p.relative_to(site_dir).as_posix(): p.read_bytes()
            for p in sorted(site_dir.rglob("*")) if p.is_file()}


def _dirs(site_dir: Path) -> set[str]:
    return {p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*") if p.is_dir()}


def _fresh(root: Path, tmp_path: Path, name: str) -> Path:
    """The served folder of a first `mkdocs serve` build of ``root``'s inputs now."""
    fresh = tmp_path / name
    shutil.rmtree(root / "build" / "serve-pages", ignore_errors=True)
    (log, _tree), = _serve(root, fresh, "first")
    assert "served folder kept" not in log
    return fresh


def _same_site(served: Path, fresh: Path) -> None:
    a, b = _files(served), _files(fresh)
    assert sorted(a) == sorted(b)
    assert [k for k in a if k not in STAMPED and a[k] != b[k]] == []
    # the sitemap (kept between reloads, archive.site.plugin._KeptSitemap) lists the same
    # addresses in the same order; only its dates may differ (a build on another day)
    undated = [re.sub(rb"<lastmod>[^<]*</lastmod>", b"", a["sitemap.xml"]),
               re.sub(rb"<lastmod>[^<]*</lastmod>", b"", b["sitemap.xml"])]
    assert undated[0] == undated[1] and b"<loc>" in undated[0]
    assert _dirs(served) == _dirs(fresh)  # no folder left empty by a deleted page


def test_serve_keeps_the_served_folder_and_equals_a_fresh_serve(repo: Path,
                                                                tmp_path: Path) -> None:
    root = tmp_path / "p"
    _project(root, repo)
    served = tmp_path / "served"
    builds = _serve(root, served, "first,same,edit,add,delete,revert")
    (first_log, first), (same_log, same), (edit_log, edited) = builds[:3]
    assert "served folder kept" not in first_log  # the first build starts from nothing
    for log, _tree in builds[1:]:
        assert "served folder kept" in log, log
    # nothing changed: no article page, raw text, data file or asset is written again
    article = "articles/synthetic-2/index.html"
    for uri in (article, "raw/synthetic-2.txt", "assets/archive/archive.js"):
        assert same[uri] == first[uri], uri
    # one edited article: its page is new, the other articles' pages are the same files
    edited_page = "articles/synthetic-1/index.html"
    assert edited[edited_page] != same[edited_page]
    assert edited[article] == first[article]
    assert edited["raw/synthetic-2.txt"] == first["raw/synthetic-2.txt"]
    # the raw texts in place are known by their stored files' stamps (no stat of either);
    # the edited article's is a new stored file, put in the folder anew
    raw = sum(1 for uri in first if uri.startswith("raw/"))
    assert raw > 3 and f"({raw} raw texts by their stamps" in same_log, same_log
    assert f"({raw - 1} raw texts by their stamps" in edit_log, edit_log
    assert edited["raw/synthetic-1.txt"] != same["raw/synthetic-1.txt"]
    assert (served / "raw/synthetic-1.txt").read_bytes() == (
        root / "seeds/synthetic-1.md").read_bytes()
    # added, then deleted: its page, raw text and folder are gone again
    added, deleted = builds[3][1], builds[4][1]
    assert "articles/synthetic-9/index.html" in added
    assert "raw/synthetic-9.txt" in added
    assert not any("synthetic-9" in uri for uri in deleted)
    # after all of it, the same files as a fresh serve of the same (original) inputs
    _same_site(served, _fresh(root, tmp_path, "fresh"))
    assert "بهدفين" in (served / edited_page).read_text("utf-8")


def test_serve_kept_folder_after_docs_pages_a_retitle_and_a_failed_build(
        repo: Path, tmp_path: Path) -> None:
    """A docs/ page added then removed (the navigation of every page changes: full builds),
    an article moved to another month (list pages change), and a build that fails on a broken
    seed (the next one starts from an empty folder) all leave the served folder equal to a
    fresh serve's."""
    root = tmp_path / "p"
    _project(root, repo)
    served = tmp_path / "served"
    builds = _serve(root, served, "first,docs,retitle,bad,unbad,undocs")
    assert "notes/index.html" in builds[1][1]
    # a docs/ page is in the navigation of every page: a full build into an emptied folder
    assert "served folder kept" not in builds[1][0]
    assert "served folder kept" in builds[2][0]
    assert "FAILED" in builds[3][0]
    assert "served folder kept" not in builds[4][0]  # after a failure: from an empty folder
    assert "served folder kept" not in builds[5][0]
    assert not any(uri.startswith("notes/") for uri in builds[5][1])
    _same_site(served, _fresh(root, tmp_path, "fresh"))
