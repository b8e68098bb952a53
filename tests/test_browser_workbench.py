"""The researcher's workbench in the browser (issue 16): the concordance page /kwic/, the term
over time on /search/, the exports, and the client-side root view (/roots/?r=…).

Pure pieces run under node against their Python twins (context lines of archive.search.kwic,
Python's round, CSV quoting of the csv module). The pages run in headless Chromium (Debian's,
via Playwright) on two built sites: the seeds, and a synthetic archive of 60 dated articles;
their numbers are checked against the command line (`archive search --json`, the concordance
of archive.search.kwic, and `archive trend --json` when the command exists, else the same
definition computed from `archive search --json` and the articles' dates).
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest
from click.testing import CliRunner
from conftest import node_path

from archive.analysis import normalize
from archive.analysis.tokenize import tokenize
from archive.cli import main
from archive.config import Paths

REPO = Path(__file__).resolve().parents[1]
STATIC = REPO / "src" / "archive" / "browser" / "static"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
VIEWPORTS = [pytest.param((1280, 900), id="1280"), pytest.param((390, 844), id="390")]
QAF = "قصف"
ROOT_HOOK = "---\ntitle: الجذور\n---\n\n<div id=\"root-view\"></div>\n"


# ------------------------------------------------------------------------------------------
# Pure functions under node


def _node(script: str, payload: Any) -> Any:
    node = node_path()
    prelude = "\n".join(
        f"import * as {alias} from {json.dumps((STATIC / f'{name}.js').as_uri())};"
        for name, alias in (("kwic", "kwic"), ("trend", "trend"), ("export", "exporter")))
    body = (prelude + "\nconst input = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n"
            + script)
    body = body.replace("require('fs')", "(await import('node:fs'))")
    out = subprocess.run([node, "--input-type=module", "-e", body], input=json.dumps(payload),
                         capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_context_lines_match_the_command_line_concordance() -> None:
    """kwic.js contextLine cuts the same words around an occurrence as archive.search.kwic."""
    from archive.search.kwic import _cut_left, _cut_right, _flat

    rng = random.Random(3)
    texts = [p.read_text("utf-8") for p in sorted((REPO / "seeds").glob("*.txt"))]
    texts.append("قَصَفَتِ الطائراتُ    المدينةَ\n\nصباحَ الأحدِ، وقُتِلَ ثلاثةٌ.\tوأصيب آخرون " * 3)
    cases = []
    for text in texts:
        spans = list(tokenize(text))
        for s, e in rng.sample(spans, min(40, len(spans))):
            for width in (10, 40):
                cases.append({"text": text, "s": s, "e": e, "width": width})
    got = _node("""
      const out = input.map((c) => kwic.contextLine(c.text, c.s, c.e, c.width));
      process.stdout.write(JSON.stringify(out));""", cases)
    for case, js in zip(cases, got, strict=True):
        text, s, e, w = case["text"], case["s"], case["e"], case["width"]
        assert "\U00010000" > max(text), "offsets below are UTF-16 = code points only in the BMP"
        want = {"left": _cut_left(_flat(text[max(0, s - w * 2):s]), w),
                "keyword": _flat(text[s:e]), "right": _cut_right(_flat(text[e:e + w * 2]), w)}
        assert js == want, case


def test_share_rounding_is_pythons_and_csv_is_the_csv_modules() -> None:
    pairs = [[m, a] for a in range(1, 260) for m in range(0, a + 1)]
    fields = ["عادي", "فاصلة، و,", 'تنصيص "داخل"', "سطر\nجديد", "", "رجوع\rعربة", " مسافة "]
    got = _node("""
      const shares = input.pairs.map(([m, a]) => trend.round6(m / a));
      const csvText = exporter.toCSV(['a', 'b'], input.rows);
      process.stdout.write(JSON.stringify({shares, csvText}));""",
                {"pairs": pairs, "rows": [[f, f] for f in fields]})
    assert got["shares"] == [round(m / a, 6) for m, a in pairs]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["a", "b"])
    for f in fields:
        w.writerow([f, f])
    assert got["csvText"] == "\ufeff" + buf.getvalue()


def test_month_of_a_date_is_the_command_lines() -> None:
    """trend.js monthOf places a date in the same month as archive.search.trend month_of
    (year-less --MM-DD and year-only dates in none)."""
    from archive.search.trend import month_of

    dates = ["2018-07-04", "2018-07", "2018-12-31", "2018-01", "--07-04", "--07", "2018", "",
             None, "2018-13", "2018-00-01", "2018-7-04", "٢٠١٨-٠٧-٠٤", "2018-07x", "20180704"]
    got = _node("process.stdout.write(JSON.stringify(input.map((d) => trend.monthOf(d))));",
                dates)
    assert got == [month_of(d) for d in dates]
    assert got[:4] == ["2018-07", "2018-07", "2018-12", "2018-01"]


def test_file_names_keep_arabic_letters_and_digits() -> None:
    queries = ["قصف", '"اللجنة المركزية"', "جذر:قصف", "قَصَفَ", "Daraa", "درعا 2021 -قسد", ""]
    got = _node("""
      const d = new Date(2026, 0, 5);
      const names = input.map((q) => exporter.fileName('kwic', q, 'csv', d));
      process.stdout.write(JSON.stringify(names));
    """, queries)
    assert got == ["kwic-قصف-2026-01-05.csv", "kwic-اللجنة-المركزية-2026-01-05.csv",
                   "kwic-جذر-قصف-2026-01-05.csv", "kwic-قصف-2026-01-05.csv",
                   "kwic-query-2026-01-05.csv", "kwic-درعا-2021-قسد-2026-01-05.csv",
                   "kwic-query-2026-01-05.csv"]
    try:
        from archive.search.export import query_slug  # the command line's (issue 16)
    except ImportError:
        return
    for q, name in zip(queries, got, strict=True):
        assert name == f"kwic-{query_slug(q)}-2026-01-05.csv"


def test_concordance_page_body_and_asset_links() -> None:
    from archive.browser.site import search_page_html

    html = search_page_html("kwic/")
    assert "data-archive-kwic" in html and "data-archive-search" not in html
    assert 'src="../search/assets/kwic-page.js"' in html
    assert 'src="search/assets/kwic-page.js"' in search_page_html("kwic.html")
    assert "kwic-page.js" not in search_page_html("search/")


# ------------------------------------------------------------------------------------------
# Built sites in Chromium


def _build(root: Path) -> Path:
    site = root / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(root / "mkdocs.yml"),
                    "-d", str(site)], check=True, cwd=root, env=env, timeout=900,
                   capture_output=True)
    return site


def _archive(tmp: Path, seeds: Path) -> Path:
    shutil.copy(REPO / "mkdocs.yml", tmp / "mkdocs.yml")
    shutil.copytree(REPO / "docs", tmp / "docs")
    shutil.copytree(seeds, tmp / "seeds")
    for name in ("places.yml", "actors.yml"):
        if not (tmp / "seeds" / name).exists():
            shutil.copy(REPO / "seeds" / name, tmp / "seeds" / name)
    # a page with the root view's hook, at an address of its own (the site's /roots/ index
    # page, when the build makes one, carries the same hook)
    (tmp / "docs" / "rootview").mkdir()
    (tmp / "docs" / "rootview" / "index.md").write_text(ROOT_HOOK, "utf-8")
    return tmp


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    seeds_root = _archive(tmp_path_factory.mktemp("wb-seeds"), REPO / "seeds")
    synth = tmp_path_factory.mktemp("wb-synth")
    result = CliRunner().invoke(main, ["synth", "60", "--out", str(synth / "out"), "--seed", "11"])
    assert result.exit_code == 0, result.output
    (synth / "archive").mkdir()
    synth_root = _archive(synth / "archive", synth / "out" / "seeds")
    for root in (seeds_root, synth_root):
        _build(root)
    return {"seeds": seeds_root, "synth": synth_root}


@pytest.fixture(scope="module")
def servers(sites: dict[str, Path], serve_folder: Callable[[Path], AbstractContextManager[str]]
            ) -> Iterator[dict[str, str]]:
    with serve_folder(sites["seeds"] / "site") as seeds, \
            serve_folder(sites["synth"] / "site") as synth:
        yield {"seeds": seeds.rstrip("/"), "synth": synth.rstrip("/")}


@pytest.fixture(scope="module")
def browser(servers: dict[str, str]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(params=VIEWPORTS)
def tab(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    width, height = request.param
    ctx = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.width = width  # type: ignore[attr-defined]
    yield pg
    assert not errors, errors
    ctx.close()


def _kwic_done(pg: Any) -> None:
    pg.locator('[data-role="lines"][data-state="done"]').wait_for(state="attached", timeout=60_000)


def _search_done(pg: Any) -> None:
    pg.locator('[data-role="results"][data-state="done"]').wait_for(state="attached",
                                                                    timeout=60_000)


def _download(pg: Any, selector: str) -> tuple[str, bytes]:
    with pg.expect_download(timeout=60_000) as info:
        pg.locator(selector).click()
    d = info.value
    return d.suggested_filename, Path(d.path()).read_bytes()


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "CSV starts with a UTF-8 byte-order mark"
    text = data.decode("utf-8-sig")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", ""), "CRLF line ends"
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _cli(root: Path, *args: str) -> Any:
    result = CliRunner().invoke(main, ["--root", str(root), *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _cli_search(root: Path, q: str, mode: str = "root", **opts: str) -> dict[str, Any]:
    args = ["search", "--json", "--limit", "10000", "--mode", mode]
    for k, v in opts.items():
        args += [f"--{k}", v]
    data: dict[str, Any] = _cli(root, *args, "--", q)
    return data


Line = tuple[str, int, str, str, str]


def _cli_concordance(root: Path, q: str, mode: str = "root") -> list[Line]:
    from archive.search.engine import open_view
    from archive.search.kwic import concordance
    from archive.search.service import freshen, query_analyzer

    paths = Paths(root)
    freshen(paths, lambda msg: None)
    analyzer, _ = query_analyzer(paths)
    with open_view(paths) as view:
        lines = concordance(view, q, mode=mode, width=40, analyzer=analyzer)
    return [(ln.id, ln.position, ln.left, ln.keyword, ln.right) for ln in lines]


def _lines_on_page(pg: Any) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = pg.eval_on_selector_all(".ar-kwic__line", """
      rows => rows.map(r => ({
      id: r.dataset.id, position: r.dataset.position, date: r.dataset.date, n: r.dataset.n,
      before: r.querySelector('.ar-kwic__before').textContent,
      keyword: r.querySelector('.ar-kwic__key').textContent,
      after: r.querySelector('.ar-kwic__after').textContent,
      href: r.querySelector('[data-role=kwic-link]').href}))""")
    return rows


def _words(text: str) -> list[str]:
    out = []
    for w in text.split(" "):
        w = "".join(ch for ch in w if ch.isalnum())
        if w:
            out.append(normalize(w))
    return out


def test_concordance_lines_sort_paginate_and_link_with_highlight(
        tab: Any, servers: dict[str, str], sites: dict[str, Path]) -> None:
    base = servers["synth"]
    tab.goto(f"{base}/kwic/?q={quote(QAF)}")
    _kwic_done(tab)
    total = int(tab.get_attribute('[data-role="lines"]', "data-total") or 0)
    expected = _cli_concordance(sites["synth"], QAF)
    assert total == len(expected) > 25, "more than one page of lines, as the command counts"
    # every page, default order: article id then position, as the command orders them
    seen: list[Line] = []
    while True:
        rows = _lines_on_page(tab)
        assert 0 < len(rows) <= 25
        seen += [(r["id"], int(r["position"]), r["before"], r["keyword"], r["after"]) for r in rows]
        nxt = tab.locator('[data-role="pages"] [data-role="next"]')
        if not nxt.count():
            break
        page = int(tab.get_attribute('[data-role="lines"]', "data-page") or 0)
        nxt.click()
        tab.wait_for_url(f"**p={page + 1}*")
        _kwic_done(tab)
        assert int(tab.get_attribute('[data-role="lines"]', "data-page") or 0) == page + 1
    assert seen == expected
    # sorted by the words after the keyword, then before it, then by date
    for sort, side in (("after", "after"), ("before", "before")):
        tab.goto(f"{base}/kwic/?q={quote(QAF)}&sort={sort}")
        _kwic_done(tab)
        keys = []
        for r in _lines_on_page(tab):
            words = _words(r[side])
            keys.append(words[::-1] if side == "before" else words)
        assert keys == sorted(keys), f"sorted by the words {side} the keyword"
        assert tab.locator("#ar-kwic-sort").input_value() == sort
    tab.goto(f"{base}/kwic/?q={quote(QAF)}")
    _kwic_done(tab)
    tab.select_option("#ar-kwic-sort", "date")
    tab.wait_for_url("**sort=date*")
    _kwic_done(tab)
    dates = [r["date"] for r in _lines_on_page(tab)]
    dated = [d for d in dates if d[:4].isdigit()]
    assert dated == sorted(dated) and dates[:len(dated)] == dated, dates
    # a line opens its article with the occurrence's form highlighted
    first = _lines_on_page(tab)[0]
    tab.locator("[data-role=kwic-link]").first.click()
    tab.wait_for_url("**/articles/**")
    assert parse_qs(urlsplit(tab.url).query)["h"] == [first["keyword"]]
    tab.locator(".ar-hl-bar").wait_for()
    marks = tab.eval_on_selector_all("mark.ar-hl", "ms => ms.map(m => m.textContent)")
    assert first["keyword"] in marks


def test_concordance_of_a_phrase_and_a_name_on_the_seeds(
        tab: Any, servers: dict[str, str], sites: dict[str, Path]) -> None:
    for q in ('"قوات النظام"', "درعا", "جذر:فوض"):
        tab.goto(f"{servers['seeds']}/kwic/?{urlencode({'q': q})}")
        _kwic_done(tab)
        got = [(r["id"], int(r["position"]), r["before"], r["keyword"], r["after"])
               for r in _lines_on_page(tab)]
        assert got == _cli_concordance(sites["seeds"], q)[:25] and got, q


def test_concordance_filters_and_errors(tab: Any, servers: dict[str, str]) -> None:
    base = servers["synth"]
    tab.goto(f"{base}/kwic/?q={quote(QAF)}&year=2016")
    _kwic_done(tab)
    dates = {r["date"][:4] for r in _lines_on_page(tab)}
    assert dates == {"2016"}
    tab.locator('[data-facet-remove="year"]').click()
    tab.wait_for_url(lambda u: "year=" not in u)
    _kwic_done(tab)
    assert len({r["date"][:4] for r in _lines_on_page(tab)}) > 1
    tab.goto(f"{base}/kwic/?q=" + quote('"غير مغلق'))
    _kwic_done(tab)
    assert tab.get_attribute('[data-role="lines"]', "data-error") == "true"
    assert tab.get_attribute("#ar-kwic-q", "aria-invalid") == "true"


def _expected_trend(root: Path, q: str, mode: str = "root") -> dict[str, Any]:
    """`archive trend --json` when the command exists, else its definition (formats of issue
    16) computed from `archive search --json` and every article's date."""
    result = CliRunner().invoke(main, ["--root", str(root), "trend", "--json", "--mode", mode,
                                       "--", q])
    if "No such command" not in result.output:
        assert result.exit_code == 0, result.output
        data: dict[str, Any] = json.loads(result.stdout)
        return data
    from archive.search.engine import open_view

    def month(date: str | None) -> str | None:
        if date and len(date) >= 7 and date[:4].isdigit() and date[4] == "-":
            return date[:7]
        return None

    with open_view(Paths(root)) as view:
        dates = {view.meta(d)["id"]: view.meta(d).get("date") for d in view.docnums}
    per: dict[str, int] = {}
    for d in dates.values():
        m = month(d)
        if m:
            per[m] = per.get(m, 0) + 1
    hits = {r["id"] for r in _cli_search(root, q, mode)["results"]}
    matching: dict[str, int] = {}
    for i in hits:
        m = month(dates[i])
        if m:
            matching[m] = matching.get(m, 0) + 1
    months = []
    y, mo = int(min(per)[:4]), int(min(per)[5:])
    while f"{y:04d}-{mo:02d}" <= max(per):
        key = f"{y:04d}-{mo:02d}"
        n, a = matching.get(key, 0), per.get(key, 0)
        months.append({"month": key, "matching": n, "articles": a,
                       "share": round(n / a, 6) if a else 0})
        y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
    unplaced = [i for i in dates if month(dates[i]) is None]
    return {"query": q, "mode": mode, "months": months,
            "unplaced": {"matching": len(hits & set(unplaced)), "articles": len(unplaced)}}


def test_trend_chart_numbers_equal_the_command_line_and_a_click_filters(
        tab: Any, servers: dict[str, str], sites: dict[str, Path]) -> None:
    base = servers["synth"]
    for q, mode in ((QAF, "root"), ("دولة", "exact")):
        tab.goto(f"{base}/search/?{urlencode({'q': q, 'mode': mode})}")
        _search_done(tab)
        name, data = _download(tab, '[data-export="trend-json"]')
        assert name.startswith(f"trend-{q}-") and name.endswith(".json")
        got = json.loads(data)
        assert got == _expected_trend(sites["synth"], q, mode)
        assert any(m["matching"] for m in got["months"])
        name, data = _download(tab, '[data-export="trend-csv"]')
        rows = _csv_rows(data)
        assert [list(r.values()) for r in rows] == [
            [m["month"], str(m["matching"]), str(m["articles"]), str(m["share"])]
            for m in got["months"]]
        assert list(rows[0]) == ["month", "matching", "articles", "share"]
    # the chart: one bar per month, a table alternative; a click keeps that month's results
    bars = tab.locator(".ar-trend__bar")
    assert bars.count() == len(got["months"])
    busiest = max(got["months"], key=lambda m: (m["matching"], m["month"]))
    tab.locator(f'.ar-trend__bar[data-month="{busiest["month"]}"]').click()
    tab.wait_for_url(f"**from={busiest['month']}*")
    _search_done(tab)
    assert parse_qs(urlsplit(tab.url).query)["to"] == [busiest["month"]]
    assert int(tab.get_attribute('[data-role="results"]', "data-total") or 0) == busiest["matching"]
    dates = tab.eval_on_selector_all("[data-path]", "els => els.map(e => e.dataset.date)")
    assert dates and all(d.startswith(busiest["month"]) for d in dates)
    chosen = tab.locator(f'.ar-trend__bar[data-month="{busiest["month"]}"]')
    assert chosen.get_attribute("data-selected") == "true"
    assert bars.count() == len(got["months"]), "the other months stay in view"
    # the table alternative opens, and clicking the chosen month again clears the range
    tab.locator('[data-role="trend-toggle"]').click()
    assert tab.locator('[data-role="trend-table"]').is_visible()
    chosen.click()
    tab.wait_for_url(lambda u: "from=" not in u)
    _search_done(tab)


def test_trend_of_an_archive_without_dated_months(tab: Any, servers: dict[str, str],
                                                 sites: dict[str, Path]) -> None:
    """The seeds carry no dates: no bar, every result counted as unplaced, nothing to click."""
    tab.goto(f"{servers['seeds']}/search/?q={quote(QAF)}")
    _search_done(tab)
    _, data = _download(tab, '[data-export="trend-json"]')
    got = json.loads(data)
    assert got == _expected_trend(sites["seeds"], QAF, "root")
    assert got["months"] == [] and got["unplaced"]["matching"] > 0
    assert tab.locator(".ar-trend__bar").count() == 0
    note = tab.locator(".ar-trend__note").inner_text()
    assert str(got["unplaced"]["matching"]) in note
    assert "انقر" not in note, "no month to click"


def test_results_exports_match_the_command_line(tab: Any, servers: dict[str, str],
                                                sites: dict[str, Path]) -> None:
    q = QAF
    tab.goto(f"{servers['synth']}/search/?q={quote(q)}")
    _search_done(tab)
    cli = _cli_search(sites["synth"], q)
    name, data = _download(tab, '[data-export="results-json"]')
    assert name.startswith(f"results-{q}-") and name.endswith(".json")
    got = json.loads(data)
    assert got["query"] == q and got["total"] == cli["total"] == len(got["results"])
    assert {r["id"] for r in got["results"]} == {r["id"] for r in cli["results"]}
    assert [r["id"] for r in got["results"][:10]] == [r["id"] for r in cli["results"][:10]]
    mine = {r["id"]: r for r in got["results"]}
    for r in cli["results"]:
        assert set(mine[r["id"]]) == set(r), "the shape of `archive search --json`"
        for key in ("path", "title", "date", "source", "score", "levels", "proximity"):
            assert mine[r["id"]][key] == r[key], (r["id"], key)
    name, data = _download(tab, '[data-export="results-csv"]')
    assert name.startswith(f"results-{q}-") and name.endswith(".csv")
    rows = _csv_rows(data)
    assert list(rows[0]) == ["rank", "id", "date", "title", "source", "score", "url"]
    assert [r["id"] for r in rows] == [r["id"] for r in got["results"]]
    assert [r["rank"] for r in rows] == [str(i) for i in range(1, len(rows) + 1)]
    for r in rows:
        url = urlsplit(r["url"])
        assert url.path == f"articles/{r['id']}/"
        forms = parse_qs(url.query)["h"][0].split(",")
        assert forms == mine[r["id"]]["matched"]
        assert all(normalize(f) for f in forms)


def test_concordance_exports(tab: Any, servers: dict[str, str], sites: dict[str, Path]) -> None:
    tab.goto(f"{servers['synth']}/kwic/?q={quote(QAF)}")
    _kwic_done(tab)
    expected = _cli_concordance(sites["synth"], QAF)
    name, data = _download(tab, '[data-export="kwic-csv"]')
    assert name.startswith(f"kwic-{QAF}-") and name.endswith(".csv")
    rows = _csv_rows(data)
    assert list(rows[0]) == ["id", "date", "title", "left", "keyword", "right", "position", "url"]
    assert [(r["id"], int(r["position"]), r["left"], r["keyword"], r["right"]) for r in rows] \
        == expected
    for r in rows:
        url = urlsplit(r["url"])
        assert url.path == f"articles/{r['id']}/" and parse_qs(url.query)["h"] == [r["keyword"]]
    name, data = _download(tab, '[data-export="kwic-json"]')
    got = json.loads(data)
    assert got["query"] == QAF and got["total"] == len(rows) == len(got["lines"])
    assert set(got) == {"query", "mode", "total", "lines"}
    for line, row in zip(got["lines"], rows, strict=True):
        assert list(line) == list(row), "the CSV's columns, in order"
        assert ["" if v is None else str(v) for v in line.values()] == list(row.values())


def test_root_view_lists_the_roots_forms_with_counts(tab: Any, servers: dict[str, str],
                                                     sites: dict[str, Path]) -> None:
    for name in ("seeds", "synth"):
        tab.goto(f"{servers[name]}/rootview/?r={quote(QAF)}")
        tab.locator('#root-view[data-state="done"]').wait_for(state="attached", timeout=60_000)
        rows = tab.eval_on_selector_all("[data-role=root-forms] tbody tr", """rs => rs.map(r => ({
          form: r.querySelector('a').textContent, n: Number(r.cells[1].textContent),
          href: r.querySelector('a').href}))""")
        assert len(rows) > 1
        counts = [r["n"] for r in rows]
        assert counts == sorted(counts, reverse=True)
        for r in rows:
            # as many articles as an exact search for the form finds
            assert r["n"] == _cli_search(sites[name], r["form"], "exact")["total"], r
            assert parse_qs(urlsplit(r["href"]).query) == {"q": [r["form"]], "mode": ["exact"]}
    # a form opens its concordance: every line's keyword is that form
    form = rows[0]["form"]
    tab.locator("[data-role=root-forms] tbody a").first.click()
    _kwic_done(tab)
    assert {normalize(r["keyword"]) for r in _lines_on_page(tab)} == {normalize(form)}
    # an unknown root says so
    tab.goto(f"{servers['seeds']}/rootview/?r=" + quote("ززز"))
    tab.locator('#root-view[data-state="done"]').wait_for(state="attached", timeout=60_000)
    assert "لا كلمات من الجذر" in tab.inner_text("#root-view")
    assert tab.locator("[data-role=root-forms]").count() == 0


def test_root_view_hook_of_the_roots_index_page_when_built(tab: Any, servers: dict[str, str],
                                                           sites: dict[str, Path]) -> None:
    """The site's /roots/ index page (issue 16, static pages) keeps the hook this view fills."""
    page = sites["synth"] / "site" / "roots" / "index.html"
    if not page.is_file():
        pytest.skip("this build makes no /roots/ index page")
    assert 'id="root-view"' in page.read_text("utf-8")
    tab.goto(f"{servers['synth']}/roots/?r={quote(QAF)}")
    tab.locator('#root-view[data-state="done"]').wait_for(state="attached", timeout=60_000)
    assert tab.locator("[data-role=root-forms] tbody tr").count() > 1
    if (page.parent / QAF / "index.html").is_file():  # its static page is linked
        link = tab.locator("[data-role=root-page]")
        link.wait_for(timeout=30_000)
        assert urlsplit(link.get_attribute("href") or "").path.endswith(f"/roots/{quote(QAF)}/")


# ------------------------------------------------------------------------------------------
# Accessibility, light and dark


def _axe(pg: Any) -> list[dict[str, Any]]:
    axe = pytest.importorskip("axe_playwright_python")
    if not pg.evaluate("typeof window.axe !== 'undefined'"):
        pg.add_script_tag(path=str(Path(axe.__file__).parent / "axe.min.js"))
    result = pg.evaluate("""async () => {
      const r = await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']});
      return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                     nodes: v.nodes.slice(0, 4).map(n => n.target.join(' '))}));
    }""")
    return [v for v in result if v["impact"] in ("serious", "critical")]


def _scheme(pg: Any, scheme: str) -> None:
    accent = "amber" if scheme == "slate" else "indigo"
    pg.evaluate(f"""() => {{ const b = document.body;
      b.setAttribute('data-md-color-scheme', '{scheme}');
      b.setAttribute('data-md-color-primary', 'indigo');
      b.setAttribute('data-md-color-accent', '{accent}'); }}""")
    pg.wait_for_timeout(400)


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_workbench_pages_pass_axe(tab: Any, servers: dict[str, str], sites: dict[str, Path],
                                  scheme: str) -> None:
    found: dict[str, list[dict[str, Any]]] = {}
    base = servers["synth"]
    tab.goto(f"{base}/kwic/?q={quote(QAF)}&sort=after&p=2&year=2016")
    _kwic_done(tab)
    _scheme(tab, scheme)
    found["kwic"] = _axe(tab)
    tab.goto(f"{base}/search/?q={quote(QAF)}&from=2016-05&to=2016-05")
    _search_done(tab)
    tab.locator('[data-role="trend-toggle"]').click()
    _scheme(tab, scheme)
    found["chart"] = _axe(tab)
    tab.goto(f"{base}/rootview/?r={quote(QAF)}")
    tab.locator('#root-view[data-state="done"]').wait_for(state="attached", timeout=60_000)
    _scheme(tab, scheme)
    found["root view"] = _axe(tab)
    if (Path(sites["synth"]) / "site" / "roots" / "index.html").is_file():
        tab.goto(f"{base}/roots/?r={quote(QAF)}")  # the site's /roots/ page, hook filled
        tab.locator('#root-view[data-state="done"]').wait_for(state="attached", timeout=60_000)
        _scheme(tab, scheme)
        found["roots page"] = _axe(tab)
    bad = {k: v for k, v in found.items() if v}
    assert bad == {}, json.dumps(bad, ensure_ascii=False, indent=1)
