#!/usr/bin/env python3
"""The browser-search stage alone (``archive.browser.site.write_site_search``), timed on a real
archive: cold, nothing changed, one article edited, one added, one deleted.

    PYTHONPATH=src bench/browser_stage.py ARCHIVE --work DIR [--steps ...] [--check] [--json F]

``ARCHIVE`` is an archive folder built once (``seeds/``, and ``build/analysis/`` from its
``mkdocs build`` so that nothing is analysed again: bench/saudi-archive makes one). Its
``seeds/`` and ``build/analysis/`` are copied to ``DIR`` (the archive is never written), then
each step changes ``DIR/seeds`` as a maintainer would, brings the analysis up to date and
publishes the seeds as ``DIR/site/raw/<id>.txt`` as the site plugin does (neither timed: they
belong to other stages) and times the browser stage with
``DIR/build/browser`` as its state folder, as the MkDocs plugin calls it:

- ``cold``: no state, no site data (the state folder is removed first);
- ``nochange``: the same articles again;
- ``edit``: a paragraph appended to the article in the middle of the id order;
- ``add``: a copy of another article under a new id (between existing ids);
- ``delete``: an article removed.

``--first-query SITE`` instead measures what a reader's browser fetches for a first query on a
built site (headless Chromium through bench/browser's static server, which gzips text files
as hosts do; the stored ``.json.dfl`` data counts as stored): the bytes per kind of file, gzip,
for each query of ``--queries``, on a fresh browser context each; in all until the page is
done and idle (``gzip``, ``data_gzip``: search data only), and of the responses that ended
before the first results were on screen (``first_gzip``, ``first_data_gzip``: page.js's
``data-shown``; the forms facet, the filter facets and their columns come after;
``first_search_gzip``: search data and search scripts, the scope of Pagefind's figure).

``--disk SITE`` reports the search data on disk (apparent bytes, files) per folder of
``search/data/`` and per article (``meta.json``'s count), and Pagefind's ``pagefind/`` beside
it when the site has one (``pagefind --site SITE``), per article of the same archive.

For each step: CPU seconds of the process (user + sys), wall seconds, and the data files
written and kept; with ``--phases``, the CPU seconds spent inside each of a few functions of
``archive.browser.index`` too (:data:`PHASES`, inclusive: a phase holds those called in it;
a name the code does not have is left out), to see where a cold build's time goes without a
profiler's overhead per call. ``--check`` then builds the same articles cold into another folder and
compares every data file's JSON (decompressed) and stored bytes with the incremental result.
Article URLs are the default ``articles/<id>/`` (the site's own addresses do not change the
work). Run it with the code to measure on ``PYTHONPATH``: run two versions back to back for a
before/after in the same conditions.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import resource
import shutil
import sys
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

STEPS = ("cold", "nochange", "edit", "add", "delete")
PARAGRAPH = ("\nوأضاف المتحدث أن اللجنة ستعقد اجتماعها المقبل في الرياض لمناقشة نتائج "
             "الدراسة الميدانية وتوصيات الخبراء.\n")


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def prepare(archive: Path, work: Path) -> None:
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    shutil.copytree(archive / "seeds", work / "seeds")
    if (archive / "build" / "analysis").is_dir():
        shutil.copytree(archive / "build" / "analysis", work / "build" / "analysis")
    for name in ("word-analysis.json", "corpus.pickle", "analyzer-tables.json",
                 ".analyzer-tables.fingerprint"):  # the build's caches, if any
        if (archive / "build" / name).is_file():
            shutil.copyfile(archive / "build" / name, work / "build" / name)


def analysis(work: Path) -> tuple[Any, Any]:
    from archive.config import Paths
    from archive.pipeline import analyse, load

    loaded = load(Paths(work))
    if loaded.errors:
        sys.exit(f"{work}: {len(loaded.errors)} problem(s) in the archive")
    return analyse(loaded), loaded.gazetteer


def change(work: Path, step: str) -> str:
    """Change ``work/seeds`` for ``step``; returns what was done."""
    names = sorted(p.name for p in (work / "seeds").iterdir() if p.suffix in (".md", ".txt"))
    middle = names[len(names) // 2]
    if step == "edit":
        path = work / "seeds" / middle
        path.write_text(path.read_text("utf-8") + PARAGRAPH, encoding="utf-8")
        return f"appended a paragraph to {middle}"
    if step == "add":
        stem, dot, suffix = middle.rpartition(".")
        new = f"{stem}-bench.{suffix}"
        shutil.copyfile(work / "seeds" / names[len(names) // 3], work / "seeds" / new)
        return f"added {new}"
    if step == "delete":
        gone = names[2 * len(names) // 3]
        (work / "seeds" / gone).unlink()
        return f"deleted {gone}"
    if step == "cold":
        for folder in (work / "build" / "browser", work / "site"):
            if folder.exists():
                shutil.rmtree(folder)
    return ""


def publish_raw(work: Path, site: Path) -> None:
    """Put every seed into ``site/raw/<id>.txt`` byte for byte, as the site plugin publishes
    the raw texts before the browser stage (not timed): the stage reads them to leave the
    articles' texts out of ``docs/`` (archive.browser.index.raw_source)."""
    raw = site / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    seeds = {p.stem: p for p in (work / "seeds").iterdir() if p.suffix in (".md", ".txt")}
    for old in raw.iterdir():
        if old.stem not in seeds:
            old.unlink()
    for ident, path in seeds.items():
        target = raw / f"{ident}.txt"
        data = path.read_bytes()
        if not target.is_file() or target.read_bytes() != data:
            target.write_bytes(data)


#: ``--phases``: functions of ``archive.browser.index`` (``Class.method`` for a method) whose
#: CPU seconds are summed over their calls: an article's record (postings, forms, spill
#: groups, fingerprint), the shards (gathering the spill, encoding, writing), a cold shard's
#: postings and forms entries, its state file, every data file written (``_Out.put``) and
#: its gzip (``pack``).
PHASES = ("_record", "_write_shards", "_fresh_postings", "_fresh_forms", "_save_shard",
          "_Out.put", "pack")


@contextmanager
def phase_timer() -> Iterator[dict[str, float]]:
    """Wrap the :data:`PHASES` the code has, summing each one's CPU seconds (process time)
    into the dict yielded; the functions are put back afterwards."""
    import archive.browser.index as index

    spent: dict[str, float] = {}
    undo: list[tuple[Any, str, Any]] = []

    def timed(name: str, fn: Any) -> Any:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t0 = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.process_time() - t0
        return wrapper

    for name in PHASES:
        owner_name, _, attr = name.rpartition(".")
        owner = getattr(index, owner_name, None) if owner_name else index
        fn = getattr(owner, attr, None) if owner is not None else None
        if fn is None:
            continue
        undo.append((owner, attr, fn))
        setattr(owner, attr, timed(name, fn))
    try:
        yield spent
    finally:
        for owner, attr, fn in undo:
            setattr(owner, attr, fn)


def timed_stage(work: Path, site: Path, state: Path | None, phases: bool = False
                ) -> dict[str, Any]:
    from archive.browser.site import write_site_search

    source, gazetteer = analysis(work)
    with phase_timer() if phases else nullcontext({}) as spent:
        c0, w0 = cpu(), time.perf_counter()
        report = write_site_search(source, gazetteer, site, None, state)
        cpu_s, wall_s = cpu() - c0, time.perf_counter() - w0
    row = {"cpu_s": round(cpu_s, 2), "wall_s": round(wall_s, 2),
           "written": report.written, "kept": report.kept, "changed": report.changed,
           "deleted": report.deleted, "full": report.full, "articles": report.articles}
    if phases:
        row["phases_cpu_s"] = {name: round(spent[name], 2) for name in PHASES if name in spent}
    return row


def data_files(site: Path) -> dict[str, bytes]:
    data = site / "search" / "data"
    return {p.relative_to(data).as_posix(): p.read_bytes()
            for p in sorted(data.rglob("*")) if p.is_file()}


def _unpack(name: str, stored: bytes) -> bytes:
    """A data file's JSON bytes: raw deflate (``.dfl``, format 12) or gzip (up to 11)."""
    return gzip.decompress(stored) if name.endswith(".gz") else zlib.decompress(stored, -15)


def compare(site: Path, cold: Path) -> tuple[bool, str]:
    a, b = data_files(site), data_files(cold)
    if a.keys() != b.keys():
        return False, (f"file lists differ: {sorted(a.keys() - b.keys())[:5]} only incremental, "
                       f"{sorted(b.keys() - a.keys())[:5]} only cold")
    json_diff = [n for n in a if _unpack(n, a[n]) != _unpack(n, b[n])]
    stored_diff = [n for n in a if a[n] != b[n]]
    ok = not json_diff and not stored_diff
    return ok, (f"{len(a):,} files; JSON differs in {len(json_diff)} {json_diff[:5]}; stored "
                f"bytes differ in {len(stored_diff)} {stored_diff[:5]}")


#: Queries for --first-query (words of the SaudiNewsNet archive: a place, a common word, a
#: phrase, a root).
QUERIES = ["الرياض", "المفاوضات", '"وزارة الصحة"', "جذر:علم", "أمير المنطقة"]


def _kind(url: str) -> str:
    path = url.split("?")[0]
    if "/search/data/" in path:
        rest = path.split("/search/data/", 1)[1]
        return (rest.split("/")[0] + "/" if "/" in rest
                else rest.removesuffix(".gz").removesuffix(".dfl"))
    if "/search/assets/" in path:
        return "search scripts and styles"
    if "/raw/" in path:  # the articles' texts the search shows (docs/ points into them)
        return "raw/"
    return "page and theme"


def _bench_browser() -> Any:
    """bench/browser (no .py suffix) as a module: its server, Chromium and gzip helpers."""
    import importlib.machinery
    import importlib.util

    path = Path(__file__).resolve().parent / "browser"
    loader = importlib.machinery.SourceFileLoader("bench_browser", str(path))
    spec = importlib.util.spec_from_loader("bench_browser", loader)
    assert spec is not None
    bb = importlib.util.module_from_spec(spec)
    loader.exec_module(bb)
    return bb


def _record_bodies(page: Any) -> list[tuple[str, bytes]]:
    """(URL, body) of every response the page gets from now on."""
    bodies: list[tuple[str, bytes]] = []

    def on_response(resp: Any) -> None:
        try:
            bodies.append((resp.url, resp.body()))
        except Exception:  # noqa: BLE001 - redirects have no body
            pass

    page.on("response", on_response)
    return bodies


def _fresh_pages(site: Path, queries: list[str]) -> Iterator[tuple[Any, str, str, Any, Any]]:
    """For each query: (bench/browser module, base URL of SITE served, query, a page in a
    fresh browser context, the responses it gets); the context closes on the next."""
    from playwright.sync_api import sync_playwright

    bb = _bench_browser()
    srv, base = bb.serve(site)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=bb.CHROMIUM, args=bb.ARGS)
            for query in queries:
                ctx, page = bb.new_page(browser, "loopback")
                yield bb, base, query, page, _record_bodies(page)
                ctx.close()
            browser.close()
    finally:
        srv.shutdown()


def first_query(site: Path, queries: list[str]) -> list[dict[str, Any]]:
    """Per query: gzip bytes fetched by a cold /search/?q= (fresh context), by kind of file."""
    out = []
    for bb, base, query, page, bodies in _fresh_pages(site, queries):
        page.goto(f"{base}/search/?q={bb.quote(query)}")
        page.locator('[data-role="results"][data-state="done"]').wait_for(
            state="attached", timeout=bb.STEP_MS)
        total = int(page.get_attribute('[data-role="results"]', "data-total") or 0)
        page.wait_for_load_state("networkidle")
        # when the first results were on screen (page.js data-shown) and when each
        # resource's response ended, on the page's clock
        shown = page.get_attribute('[data-role="results"]', "data-shown")
        ends = dict(page.evaluate("performance.getEntriesByType('resource')"
                                  ".map((e) => [e.name, e.responseEnd])"))
        kinds: dict[str, list[int]] = {}
        first: dict[str, int] = {}  # before the first results were on screen
        for url, body in bodies:
            k = kinds.setdefault(_kind(url), [0, 0])
            size = bb.gz(body)
            k[0] += 1
            k[1] += size
            if shown is None or ends.get(url, 0.0) <= float(shown):
                first[_kind(url)] = first.get(_kind(url), 0) + size
        not_data = ("page and theme", "search scripts and styles")
        row = {"query": query, "results": total, "requests": len(bodies),
               "gzip": sum(v[1] for v in kinds.values()),
               "data_gzip": sum(v[1] for k, v in kinds.items() if k not in not_data),
               "first_gzip": sum(first.values()),
               "first_data_gzip": sum(v for k, v in first.items() if k not in not_data),
               # search data and scripts: the scope of Pagefind's figure (all it fetches)
               "first_search_gzip": sum(v for k, v in first.items() if k != not_data[0]),
               "kinds": {k: {"files": v[0], "gzip": v[1], "first_gzip": first.get(k, 0)}
                         for k, v in sorted(kinds.items())}}
        out.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    return out


def disk(site: Path) -> dict[str, Any]:
    """Apparent bytes and files of the search data (per top folder or file of
    ``search/data``) and of Pagefind's bundle, in all and per article."""
    data = site / "search" / "data"
    stored = ".dfl" if (data / "meta.json.dfl").is_file() else ".gz"
    count = json.loads(_unpack(stored, (data / f"meta.json{stored}").read_bytes()))["count"]

    def tally(root: Path) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for path in root.rglob("*"):
            if path.is_file():
                part = path.relative_to(root).parts[0]
                key = part + "/" if len(path.relative_to(root).parts) > 1 else part
                row = out.setdefault(key, [0, 0])
                row[0] += 1
                row[1] += path.stat().st_size
        return dict(sorted(out.items()))

    out: dict[str, Any] = {"articles": count}
    for name, root in (("search_data", data), ("pagefind", site / "pagefind")):
        if not root.is_dir():
            continue
        parts = tally(root)
        total = sum(v[1] for v in parts.values())
        out[name] = {"bytes": total, "files": sum(v[0] for v in parts.values()),
                     "per_article": round(total / count),
                     "parts": {k: {"files": v[0], "bytes": v[1],
                                   "per_article": round(v[1] / count)}
                               for k, v in parts.items()}}
    return out


PAGEFIND_PAGE = """<!doctype html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>pagefind</title></head>
<body><script type="module">
const q = new URL(location.href).searchParams.get('q');
const pagefind = await import('../pagefind/pagefind.js');
const search = await pagefind.search(q);
await Promise.all(search.results.slice(0, 10).map((r) => r.data()));
document.body.dataset.total = String(search.results.length);
</script></body></html>
"""


def pagefind_first_query(site: Path, queries: list[str]) -> list[dict[str, Any]]:
    """Pagefind's counterpart on the same site (its ``pagefind/`` bundle made by ``pagefind
    --site SITE``): a cold page that loads Pagefind, searches and fetches the first ten
    results' data (as bench/browser does); gzip bytes of everything fetched but the page
    itself. A root query is given to Pagefind as its bare word (``جذر:علم`` → ``علم``)."""
    (site / "pf").mkdir(exist_ok=True)
    (site / "pf" / "index.html").write_text(PAGEFIND_PAGE, encoding="utf-8")
    out = []
    for bb, base, query, page, bodies in _fresh_pages(site, queries):
        page.goto(f"{base}/pf/?q={bb.quote(query.removeprefix('جذر:'))}")
        page.wait_for_function("document.body.dataset.total !== undefined",
                               timeout=bb.STEP_MS)
        total = int(page.evaluate("+document.body.dataset.total"))
        page.wait_for_load_state("networkidle")
        data = [(u, b) for u, b in bodies if "/pagefind/" in u]
        kinds: dict[str, int] = {}
        for u, b in data:
            name = u.split("/pagefind/", 1)[1].split("?")[0]
            kind = name.split("/")[0] + "/" if "/" in name else name.split(".")[0]
            kinds[kind] = kinds.get(kind, 0) + bb.gz(b)
        row = {"query": query, "results": total, "requests": len(data),
               "gzip": sum(kinds.values()), "kinds": dict(sorted(kinds.items()))}
        out.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("archive", type=Path, nargs="?")
    ap.add_argument("--work", type=Path)
    ap.add_argument("--first-query", type=Path, metavar="SITE",
                    help="measure a first query's transfer on this built site instead")
    ap.add_argument("--queries", nargs="+", default=QUERIES)
    ap.add_argument("--disk", type=Path, metavar="SITE",
                    help="report the search data on disk (and Pagefind's) per article instead")
    ap.add_argument("--pagefind", action="store_true",
                    help="with --first-query: measure Pagefind's bundle in SITE/pagefind instead")
    ap.add_argument("--steps", nargs="+", choices=STEPS, default=list(STEPS))
    ap.add_argument("--check", action="store_true",
                    help="compare the result with a cold build of the same articles")
    ap.add_argument("--json", type=Path, help="write the figures here too")
    ap.add_argument("--phases", action="store_true",
                    help="report the CPU seconds of a few functions of the stage (PHASES)")
    args = ap.parse_args()
    if args.disk is not None:
        row = disk(args.disk)
        print(json.dumps(row, ensure_ascii=False, indent=1))
        if args.json:
            args.json.write_text(json.dumps(row, ensure_ascii=False, indent=1) + "\n",
                                 encoding="utf-8")
        return
    if args.first_query is not None:
        rows = (pagefind_first_query(args.first_query, args.queries) if args.pagefind
                else first_query(args.first_query, args.queries))
        if args.json:
            args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n",
                                 encoding="utf-8")
        return
    if args.archive is None or args.work is None:
        ap.error("give ARCHIVE and --work (or --first-query SITE)")
    import archive

    print(f"code: {Path(archive.__file__).parent}", flush=True)
    prepare(args.archive, args.work)
    site, state = args.work / "site", args.work / "build" / "browser"
    rows: list[dict[str, Any]] = []
    for step in args.steps:
        what = change(args.work, step)
        publish_raw(args.work, site)
        row = {"step": step, "what": what,
               **timed_stage(args.work, site, state, args.phases)}
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out: dict[str, Any] = {"code": str(Path(archive.__file__).parent), "steps": rows,
                           "peak_rss_mb": round(peak)}
    if args.check:
        cold = args.work / "cold-site"
        if cold.exists():
            shutil.rmtree(cold)
        publish_raw(args.work, cold)
        timed_stage(args.work, cold, None)
        ok, detail = compare(site, cold)
        out["check"] = {"ok": ok, "detail": detail}
        print(("ok" if ok else "FAIL") + f": incremental == cold: {detail}", flush=True)
        shutil.rmtree(cold)
    print(f"peak RSS {peak:.0f} MB")
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n",
                             encoding="utf-8")
    if args.check and not out["check"]["ok"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
