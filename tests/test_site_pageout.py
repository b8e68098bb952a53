"""Whole generated pages are taken from build/ when nothing they show changed
(archive.site.pageout), and the site is still byte-identical to a cold build of the same
inputs after every kind of change: nothing, an edited, an added and a deleted article, the site
name in mkdocs.yml, a template override."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import mkdocs_build
from test_incremental_site import SYNTHETIC, _project, _site

SITE_URL = "https://example.org/archive/"
OVERRIDE = "partials/copyright.html"


def _build(root: Path, *extra: str) -> str:
    result = mkdocs_build(root, "--strict", *extra, timeout=300, SITE_URL=SITE_URL)
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stderr


def _unchanged(log: str) -> tuple[int, int]:
    m = re.search(r"(\d+) of (\d+) generated pages unchanged", log)
    return (int(m.group(1)), int(m.group(2))) if m else (0, -1)


def _with_override(root: Path, text: str) -> None:
    """A theme override (custom_dir) holding Material's copyright partial."""
    path = root / "overrides" / OVERRIDE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    yml = root / "mkdocs.yml"
    config = yml.read_text("utf-8")
    if "custom_dir:" not in config:
        assert "  name: material\n" in config
        yml.write_text(config.replace("  name: material\n",
                                      "  name: material\n  custom_dir: overrides\n"), "utf-8")


def _cold_copy(inc: Path, cold: Path) -> None:
    """A fresh project with the same inputs as ``inc`` (nothing of its build/ or site/)."""
    if cold.exists():
        shutil.rmtree(cold)
    cold.mkdir()
    for name in ("seeds", "docs", "overrides"):
        if (inc / name).is_dir():
            shutil.copytree(inc / name, cold / name)
    shutil.copy(inc / "mkdocs.yml", cold / "mkdocs.yml")


def _edit_article(seeds: Path) -> None:
    p = seeds / "synthetic-1.md"
    p.write_text(p.read_text("utf-8").replace("بهدفين", "بثلاثة أهداف"), encoding="utf-8")


def _add_article(seeds: Path) -> None:
    (seeds / "synthetic-9.md").write_text(SYNTHETIC.format(
        title="خبر مضاف", month=9, body="افتتحت الجامعة كلية جديدة لطب الأسنان."),
        encoding="utf-8")


def _retitle_article(seeds: Path) -> None:
    """A new title and month: every list, month and source page showing it must change."""
    p = seeds / "synthetic-3.md"
    text = p.read_text("utf-8")
    title = re.search(r"^title: (.*)$", text, flags=re.M)
    date = re.search(r"^date: (.*)$", text, flags=re.M)
    assert title and date
    text = text.replace(title.group(0), "title: عنوان جديد تماما")
    p.write_text(text.replace(date.group(0), "date: 2019-12-24"), encoding="utf-8")


def _delete_article(seeds: Path) -> None:
    (seeds / "synthetic-2.md").unlink()


def _rename_site(root: Path) -> None:
    yml = root / "mkdocs.yml"
    text = yml.read_text("utf-8")
    old = re.search(r"^site_name: .*$", text, flags=re.M)
    assert old
    yml.write_text(text.replace(old.group(0), "site_name: أرشيف باسم جديد"), encoding="utf-8")


STEPS: list[tuple[str, Callable[[Path], None], bool]] = [
    # (what, change applied to the project folder, whether some pages must still be reused)
    ("edited article", lambda root: _edit_article(root / "seeds"), True),
    ("added article", lambda root: _add_article(root / "seeds"), True),
    ("retitled and redated article", lambda root: _retitle_article(root / "seeds"), True),
    ("deleted article", lambda root: _delete_article(root / "seeds"), True),
    ("site_name", _rename_site, False),
    ("template override", lambda root: _with_override(root, "<div>نص الحقوق الثاني</div>\n"),
     False),
]


def test_warm_builds_equal_cold_builds(repo: Path, tmp_path: Path) -> None:
    inc, cold = tmp_path / "incremental", tmp_path / "cold"
    _project(inc, repo)
    _with_override(inc, "<div>نص الحقوق الأول</div>\n")
    first = _build(inc)
    assert _unchanged(first)[0] == 0  # nothing stored yet
    stored = inc / "build" / "site-pages"
    n_stored = len(list(stored.glob("*.html")))
    assert n_stored > 20
    cold_site = _site(inc)
    # nothing changed: every generated page outside the nav is copied whole, and the site is
    # the same bytes (the sitemap too: it still lists every page)
    reused, total = _unchanged(_build(inc))
    assert reused == total == n_stored
    assert _site(inc) == cold_site
    sitemap = (inc / "site" / "sitemap.xml").read_text("utf-8")
    assert f"{SITE_URL}articles/synthetic-0/" in sitemap
    assert f"{SITE_URL}roots/" in sitemap
    for what, change, some_reused in STEPS:
        change(inc)
        reused, total = _unchanged(_build(inc))
        # stale pages are not kept: one stored page per generated page outside the nav
        assert len(list(stored.glob("*.html"))) == total, what
        assert (reused > 0) == some_reused, (what, reused, total)
        assert reused < total, what  # something had to be built again
        _cold_copy(inc, cold)
        _build(cold)
        a, b = _site(inc), _site(cold)
        assert a.keys() == b.keys(), (what, sorted(set(a) ^ set(b))[:5])
        differing = sorted(str(k) for k in a if a[k] != b[k])
        assert differing == [], (what, differing[:10])
    page = (inc / "site" / "articles" / "synthetic-1" / "index.html").read_text("utf-8")
    assert "بثلاثة أهداف" in page and "أرشيف باسم جديد" in page and "نص الحقوق الثاني" in page
    assert not (inc / "site" / "articles" / "synthetic-2").exists()


FAIL_AFTER_PAGES = """
import sys
from mkdocs.__main__ import cli
import archive.browser.site as browser_site

def fail(*args, **kw):
    raise RuntimeError("disk full (simulated)")
browser_site.write_site_search = fail
sys.argv = ["mkdocs", "build", "--strict"]
cli()
"""


def test_failed_build_keeps_site_and_next_build_is_exact(repo: Path, tmp_path: Path) -> None:
    inc, cold = tmp_path / "incremental", tmp_path / "cold"
    _project(inc, repo)
    _build(inc)
    before = _site(inc)
    _edit_article(inc / "seeds")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": SITE_URL}
    proc = subprocess.run([sys.executable, "-c", FAIL_AFTER_PAGES], cwd=inc, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0 and "disk full (simulated)" in proc.stderr
    assert _site(inc) == before  # the reused and the new pages went to the discarded staging
    _build(inc)
    _cold_copy(inc, cold)
    _build(cold)
    assert _site(inc) == _site(cold)


def test_reused_pages_are_links_and_a_page_changed_in_place_is_built_again(
        repo: Path, tmp_path: Path) -> None:
    """An unchanged page goes into the site as a hard link to the stored one (no copy). A
    site page written in place afterwards (a post-processing script, ``--dirty``) changes the
    stored file too: the next build notices (its time changed) and builds that page again, so
    the site is still a cold build's."""
    inc, cold = tmp_path / "incremental", tmp_path / "cold"
    _project(inc, repo)
    _build(inc)
    reused, total = _unchanged(_build(inc))
    assert reused == total > 20
    page = inc / "site" / "articles" / "synthetic-1" / "index.html"
    stored = inc / "build" / "site-pages"
    # (a third link: the first build's site, kept as site.previous, also links the stored
    # page when it was written from a stencil, archive.site.stencil)
    assert page.stat().st_nlink >= 2
    assert any(os.path.samefile(page, p) for p in stored.glob("*.html"))
    original = page.read_bytes()
    with open(page, "r+b") as fh:  # same size, new bytes, same file
        fh.write(b"<!-- changed in place -->")
    assert page.read_bytes() != original
    reused, total = _unchanged(_build(inc))
    assert reused == total - 1
    assert page.read_bytes() == original
    _cold_copy(inc, cold)
    _build(cold)
    assert _site(inc) == _site(cold)


def test_other_page_plugins_turn_reuse_off(repo: Path, tmp_path: Path) -> None:
    """A plugin that also handles pages (here Material's search) could change any page: then
    every page is built by MkDocs, as before."""
    root = tmp_path / "p"
    _project(root, repo)
    yml = root / "mkdocs.yml"
    yml.write_text(yml.read_text("utf-8").replace("plugins:\n", "plugins:\n  - search\n", 1),
                   encoding="utf-8")
    _build(root)
    log = _build(root)
    assert "also handle pages" in log and "search" in log
    assert _unchanged(log) == (0, -1)
    assert not (root / "build" / "site-pages").exists()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> str:
    import urllib.request

    with urllib.request.urlopen(url, timeout=10) as r:
        return str(r.read().decode("utf-8"))


def test_serve_shows_edits_after_a_build_stored_pages(repo: Path, tmp_path: Path) -> None:
    """`mkdocs serve` does not take pages from build/site-pages/ (they carry the build's
    address; serve keeps its own in build/serve-pages/), so an edit shows after its rebuild
    even though build/ holds the pages of the last build."""
    import time

    root = tmp_path / "p"
    _project(root, repo)
    _build(root)
    assert (root / "build" / "site-pages").is_dir()
    port = _free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SITE_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve",
                             "--dev-addr", f"127.0.0.1:{port}"], cwd=root, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/articles/synthetic-1/"
    try:
        def wait_for(text: str) -> str:
            deadline = time.monotonic() + 240
            page = ""
            while time.monotonic() < deadline:
                try:
                    page = _get(url)
                    if text in page:
                        return page
                except OSError:
                    pass
                time.sleep(1)
            raise AssertionError(f"{text!r} not served in time:\n{page[-500:]}")

        wait_for("بهدفين")
        _edit_article(root / "seeds")
        assert "بهدفين" not in wait_for("بثلاثة أهداف")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_root_page_content_is_reused_only_while_its_data_is_the_same(tmp_path: Path) -> None:
    """A root page's content is kept in build/root-pages/ keyed by the root's own data: the
    same data gives the stored HTML, a change in what it shows (here its related roots'
    shared-article count) renders it again."""
    from archive.site import roots
    from archive.site.model import build_site_data
    from archive.site.pagecache import PageCache
    from archive.site.render import PageSpec, Site

    def site_for(shared: int) -> tuple[Site, PageSpec]:
        form = roots.Form("قصف", "فعل", 4, 3, ["قصف"], 1, "قصف")
        pages = {
            "قصف": roots.RootPage("قصف", 4, 3, [("verb", [form])],
                                  [roots.Related("هجم", shared, 1.0, 1.0)]),
            "هجم": roots.RootPage("هجم", 3, 3, [("verb", [form])], []),
        }
        site = Site(build_site_data([], [], None), None, "أرشيف")
        specs = roots.specs(roots.RootIndex(pages, 10, 3, 2), PageSpec)
        for spec in specs:
            site.urls[spec.key] = spec.src_uri.removesuffix(".md").removesuffix("index") + "/"
        site.root_cache = PageCache(tmp_path, "root-pages")
        return site, next(s for s in specs if s.key == "root:قصف")

    site, spec = site_for(2)
    first = site.render(spec, site.urls[spec.key])
    assert (site.root_cache.hits, site.root_cache.misses) == (0, 1)  # type: ignore[union-attr]
    site.root_cache.prune()  # type: ignore[union-attr]  # (the build's end: pages indexed)
    site, spec = site_for(2)
    assert site.render(spec, site.urls[spec.key]) == first
    assert (site.root_cache.hits, site.root_cache.misses) == (1, 0)  # type: ignore[union-attr]
    site, spec = site_for(7)
    changed = site.render(spec, site.urls[spec.key])
    assert site.root_cache.misses == 1  # type: ignore[union-attr]
    assert changed != first and "7" in changed


@pytest.mark.parametrize("handles_pages", [False, True])
def test_hooks_modules(repo: Path, tmp_path: Path, handles_pages: bool) -> None:
    """mkdocs.yml ``hooks:`` (plain modules): one that changes pages turns whole-page reuse
    off; one that does not leaves it on, and its code is part of the chrome."""
    root = tmp_path / "p"
    _project(root, repo)
    hook = ("def on_post_page(output, page, config):\n    return output.replace("
            "'</body>', '<!-- hook --></body>')\n" if handles_pages else
            "def on_config(config):\n    return config\n")
    (root / "hooks.py").write_text(hook, encoding="utf-8")
    yml = root / "mkdocs.yml"
    yml.write_text(yml.read_text("utf-8") + "\nhooks:\n  - hooks.py\n", encoding="utf-8")
    _build(root)
    log = _build(root)
    if handles_pages:
        assert "also handle pages" in log and _unchanged(log) == (0, -1)
        page = (root / "site" / "articles" / "synthetic-0" / "index.html").read_text("utf-8")
        assert "<!-- hook -->" in page
    else:
        reused, total = _unchanged(log)
        assert reused == total > 0
        (root / "hooks.py").write_text(hook + "# changed\n", encoding="utf-8")
        assert _unchanged(_build(root))[0] == 0  # other code around the pages: all built


def test_shared_objects_are_digested_once_and_the_same_as_without_memo() -> None:
    """The articles, places and lists many pages show are digested once per build (a Memo):
    the page keys are the same as when each is digested afresh, and a change in what such an
    object shows changes every key it is part of."""
    from dataclasses import dataclass

    from archive.site.model import ArticleView, EntityView, MentionView
    from archive.site.pagecache import Memo, PageCache
    from archive.site.render import Listing

    @dataclass
    class Stub:  # an article: stands as its id, path and content hash
        id: str
        path: str
        content_hash: str

    def view(mention_end: int) -> ArticleView:
        return ArticleView(Stub("a1", "seeds/a1.md", "h1"),
                           [MentionView("place:x", 0, mention_end)], {"place:x": 1},
                           ["place:x"], [])

    place = EntityView("place:x", "x", "place", "اسم")
    listing = Listing("place:x", "places/x", "places/x.md", "عنوان", ["a1"])
    v = view(3)
    pages = [["article:a1", {"v": v, "related": [v]}], ["place:x", {"e": place, "L": listing,
                                                                     "items": [v]}]]
    fresh = [PageCache.inputs_digest(p) for p in pages]
    memo = Memo()
    assert [PageCache.inputs_digest(p, memo) for p in pages] == fresh
    assert [PageCache.inputs_digest(p, memo) for p in pages] == fresh  # from the memo
    assert len(memo.objects) == 3
    listing._orders["title"] = ["a1"]  # filled lazily by the pages: derived, not shown as such
    v.related.append("a2")  # another article's related list does not show on a page
    assert [PageCache.inputs_digest(p, Memo()) for p in pages] == fresh
    changed = view(4)  # the next build: another mention
    again = [["article:a1", {"v": changed, "related": [changed]}],
             ["place:x", {"e": place, "L": listing, "items": [changed]}]]
    keys = [PageCache.inputs_digest(p, Memo()) for p in again]
    assert keys[0] != fresh[0] and keys[1] != fresh[1]


def _describe_place(seeds: Path, text: str) -> None:
    """A place's description: shown on its page, but not what decides where it is tagged
    (so no article's analysis changes: only the site digest can tell)."""
    places = seeds / "places.yml"
    yml = places.read_text("utf-8")
    old = "  description: المملكة الأردنية الهاشمية، الجارة الجنوبية لسوريا.\n"
    assert old in yml
    places.write_text(yml.replace(old, f"  description: {text}\n"), encoding="utf-8")


def test_nothing_changed_reuses_every_page_without_checking_each(
        repo: Path, tmp_path: Path) -> None:
    """With nothing changed, the site digest of build/site-pages/keys.json matches and every
    generated page is taken whole without rendering its content; a change that only a page's
    content shows (a place's description) turns that off, and the site is a cold build's."""
    inc, cold = tmp_path / "incremental", tmp_path / "cold"
    _project(inc, repo)
    _build(inc)
    log = _build(inc)
    reused, total = _unchanged(log)
    assert reused == total > 20 and "nothing they show changed" in log
    _describe_place(inc / "seeds", "وصف جديد للأردن لا يغيّر تحليل أي مقال.")
    log = _build(inc)
    assert "nothing they show changed" not in log
    reused, total = _unchanged(log)
    assert 0 < reused < total  # the place's page and the pages naming it were built again
    _cold_copy(inc, cold)
    _build(cold)
    assert _site(inc) == _site(cold)
    assert "وصف جديد للأردن" in (inc / "site" / "places" / "jordan" / "index.html").read_text(
        "utf-8")
    log = _build(inc)  # nothing changed again: whole-site reuse, same bytes
    assert "nothing they show changed" in log
    assert _site(inc) == _site(cold)
    # the archive copied elsewhere with its build/ (times kept, as a CI cache restores it):
    # no absolute path or inode in the keys, so its pages are still reused
    moved = tmp_path / "elsewhere" / "archive"
    shutil.copytree(inc, moved, symlinks=True)
    log = _build(moved)
    reused, total = _unchanged(log)
    assert reused == total > 20, log[-3000:]
    assert _site(moved) == _site(cold)


def _many_articles(seeds: Path, n: int) -> None:
    for i in range(n):
        (seeds / f"many-{i:03d}.md").write_text(SYNTHETIC.replace(
            "date: 2021-0{month}-1{month}", f"date: 2020-{1 + i % 12:02d}-{1 + i // 12:02d}")
            .format(title=f"مقال كثير رقم {i}", month=0,
                    body=f"خبر قصير رقم {i} عن الطقس والزراعة في البلدات."), encoding="utf-8")


def test_an_added_or_deleted_article_changes_one_page_of_each_list_order(
        repo: Path, tmp_path: Path) -> None:
    """List pages are cut where the articles say (archive.site.render.page_starts), not every
    per_page positions: an article added in the middle of the timeline changes the list pages
    it lands on (and each order's first page, which counts the list), not every page after
    it; deleting it again gives back the same bytes as before, and a cold build's."""
    inc, cold = tmp_path / "incremental", tmp_path / "cold"
    _project(inc, repo)
    yml = inc / "mkdocs.yml"
    yml.write_text(yml.read_text("utf-8").replace("per_page: 50", "per_page: 4"), "utf-8")
    _many_articles(inc / "seeds", 60)
    _build(inc)
    before = _site(inc)
    pages = [k for k in before if k.parts[0] == "articles" and "page" in k.parts]
    assert len(pages) > 30
    (inc / "seeds" / "many-added.md").write_text(SYNTHETIC.replace(
        "date: 2021-0{month}-1{month}", "date: 2020-06-03").format(
        title="مقال مضاف في وسط الخط الزمني", month=0, body="خبر مضاف عن الزراعة."),
        encoding="utf-8")
    _build(inc)
    after = _site(inc)
    changed = [k for k in pages if after.get(k) != before[k]]
    # one page in each of the three orders (at most two where it starts a page), not half
    assert 1 <= len(changed) <= 6, changed
    _cold_copy(inc, cold)
    _build(cold)
    assert _site(cold) == after
    (inc / "seeds" / "many-added.md").unlink()
    _build(inc)
    assert _site(inc) == before


#: `mkdocs serve`'s own steps (mkdocs.commands.serve, MkDocs 1.6), without the HTTP server:
#: one process, the config loaded again for each build (the plugin instance lives on), the site
#: built into a folder of its own with the serve address as site_url. Prints, per build, the
#: plugin's "N of M generated pages unchanged" line; argv: project, site folder, builds
#: separated by "edit" (the project's synthetic-1 article is edited before the next build).
_SERVE = r"""
import logging, sys
from pathlib import Path
sys.path.insert(0, sys.argv[4])
from test_site_pageout import _edit_article
from mkdocs.commands.build import build
from mkdocs.config import load_config

root, site_dir, steps = Path(sys.argv[1]), sys.argv[2], sys.argv[3].split(",")
logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
serve_url = "http://127.0.0.1:8000/"

def get_config():
    return load_config(config_file=str(root / "mkdocs.yml"), site_dir=site_dir)

config = get_config()
config.plugins.on_startup(command="serve", dirty=False)
config.site_url = serve_url
for i, step in enumerate(steps):
    if step == "edit":
        _edit_article(root / "seeds")
    if i:
        config = get_config()
        config.site_url = serve_url
    build(config, serve_url=serve_url, dirty=False)
    print("BUILT", flush=True)
"""


def _serve_builds(root: Path, site_dir: Path, steps: str, script: str = _SERVE,
                  timeout: int = 600) -> list[str]:
    """The output of each build of ``script`` (:data:`_SERVE`; ``steps``: e.g. "first,edit")."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SITE_URL", None)
    env.pop("ARCHIVE_ROOT", None)
    result = subprocess.run(
        [sys.executable, "-c", script, str(root), str(site_dir), steps,
         str(Path(__file__).parent)],
        cwd=root, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stdout.split("BUILT\n")[:-1]


def test_serve_reload_reuses_unchanged_pages_and_shows_the_edit(repo: Path,
                                                                tmp_path: Path) -> None:
    """Under `mkdocs serve`, a rebuild after one edited article takes every page that does not
    show it whole from build/serve-pages/ (not from build/site-pages/, whose pages carry
    another address) and renders the edited article's page: the served site shows the edit and
    is byte for byte the site a fresh serve of the same inputs builds."""
    root = tmp_path / "p"
    _project(root, repo)
    _build(root)  # a `mkdocs build` before: its stored pages must not be served
    built = {p.name: p.read_bytes() for p in (root / "build" / "site-pages").iterdir()}
    served = tmp_path / "served"
    first, nothing, edited = _serve_builds(root, served, "first,same,edit")
    assert _unchanged(first) == (0, _unchanged(first)[1])  # the serve store starts empty
    n = _unchanged(first)[1]
    assert n > 10
    assert _unchanged(nothing) == (n, n) and "nothing they show changed" in nothing
    reused, total = _unchanged(edited)
    assert 0 < reused < total  # the edited article's page (at least) is rendered
    page = (served / "articles" / "synthetic-1" / "index.html").read_text("utf-8")
    assert "بثلاثة أهداف" in page and "بهدفين" not in page
    assert 'href="http://127.0.0.1:8000/articles/synthetic-1/"' in page  # canonical: serve
    assert (root / "build" / "serve-pages").is_dir()
    # `mkdocs build`'s stored pages were left alone
    assert {p.name: p.read_bytes() for p in (root / "build" / "site-pages").iterdir()} == built
    # the reloaded site equals a fresh serve's of the same inputs
    shutil.rmtree(root / "build" / "serve-pages")
    fresh = tmp_path / "fresh"
    (log,) = _serve_builds(root, fresh, "first")
    assert _unchanged(log)[0] == 0
    a = {p.relative_to(served): p.read_bytes() for p in sorted(served.rglob("*")) if p.is_file()}
    b = {p.relative_to(fresh): p.read_bytes() for p in sorted(fresh.rglob("*")) if p.is_file()}
    assert a.keys() == b.keys()
    stamped = {Path("sitemap.xml"), Path("sitemap.xml.gz")}
    assert [k for k in a if k not in stamped and a[k] != b[k]] == []


def test_stored_page_replaces_a_page_left_in_the_site_only_when_asked(tmp_path: Path) -> None:
    """`mkdocs serve --dirty` does not empty the served folder: a stored page must replace the
    file a previous build left there (and not the stored file through a hard link); a fresh
    site (`mkdocs build`) refuses a file already there."""
    from archive.site.pageout import SERVE_DIR_NAME, PageStore

    store = PageStore(tmp_path / "build", "chrome", SERVE_DIR_NAME)
    assert store.folder == tmp_path / "build" / "serve-pages"
    store.put("a.md", "k1", b"<p>new</p>")
    dest = tmp_path / "site" / "a" / "index.html"
    dest.parent.mkdir(parents=True)
    dest.write_bytes(b"<p>old</p>")
    assert not store.copy("a.md", "k1", dest)
    assert dest.read_bytes() == b"<p>old</p>"
    assert store.copy("a.md", "k1", dest, replace=True)
    assert dest.read_bytes() == b"<p>new</p>"
    assert not store.copy("a.md", "other key", dest, replace=True)
    dest.write_bytes(b"<p>written in place</p>")  # not a link: the stored page is intact
    assert store.path("a.md").read_bytes() == b"<p>new</p>"
    assert list(tmp_path.joinpath("site", "a").iterdir()) == [dest]  # no temporary file left


def test_site_digest_with_a_memo_is_the_digest_without() -> None:
    """`mkdocs serve` keeps each list part's canonical form (site_digest's ``memo``): the
    digest is the one made without it, whether a part stayed the same or changed."""
    from archive.site.pageout import site_digest

    memo: dict[int, tuple[object, bytes]] = {}
    keys = [("a", "seeds/a.md", "k1"), ("b", "seeds/b.md", "k2")]
    for parts in ([{"x": 1}, keys, b"rel", ["e1"]],
                  [{"x": 1}, list(keys), b"rel", ["e1"]],
                  [{"x": 2}, [*keys[:1], ("b", "seeds/b.md", "k3")], b"rel2", ["e1"]],
                  [{"x": 2}, keys, b"rel2", ["e1", "e2"]]):
        assert site_digest("c", parts, memo) == site_digest("c", parts)
    assert site_digest("c", [keys], memo) != site_digest("c", [keys[:1]], memo)
