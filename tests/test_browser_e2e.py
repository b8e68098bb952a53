"""End to end: the built site's /search/ page, in headless Chromium, returns the same articles
as ``archive search --json``, in the same order for the top 10.

Two sites are built with ``mkdocs build`` (the archive plugin writes the browser index): the
seeds, and a synthetic archive of 60 articles (dates, sources and more than ten results per
query, so filters, facets and the top-10 order are exercised), plus one article whose title and
text look like HTML. Each is served by ``http.server`` on 127.0.0.1; Chromium is Debian's
(/usr/bin/chromium), driven by Playwright; nothing is downloaded.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner

from archive.analysis import normalize
from archive.analysis.tokenize import tokenize
from archive.cli import main

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
FILTERS = ("place", "actor", "source", "year")

# Seeds: inflected forms that are not in the text, names, phrases, root syntax, operators,
# modes, filters and a query that matches nothing.
SEED_CASES: list[dict[str, str]] = [
    {"q": "مفاوضاتهم", "absent": "1"},
    {"q": "يتفاوضون", "absent": "1"},
    {"q": "حاصروا", "absent": "1"},
    {"q": "قصفوا", "absent": "1"},
    {"q": "اشتباكاتهم", "absent": "1"},
    {"q": "المنسحبين", "absent": "1"},
    {"q": "هجّروا", "absent": "1"},
    {"q": "إتفاق"},
    {"q": "القصف", "mode": "exact"},
    {"q": "القصف", "mode": "stem"},
    {"q": "القصف"},
    {"q": "درعا"},
    {"q": "درع", "absent": "1"},
    {"q": "Daraa"},
    {"q": "بصرى الشام"},
    {"q": "قسد"},
    {"q": '"اللجنة المركزية"'},
    {"q": '"قوات النظام"'},
    {"q": "جذر:فوض"},
    {"q": "جذر:قصف"},
    {"q": "قصف درعا"},
    {"q": "قصف أو اشتباك"},
    {"q": "درعا -قسد"},
    {"q": "النظام", "place": "inkhil"},
    {"q": "النظام", "actor": "قسد"},
    {"q": "النظام", "source": "العربي الجديد"},
    {"q": "زززز"},
]

SYNTH_CASES: list[dict[str, str]] = [
    {"q": "قصف"},
    {"q": "الذي"},
    {"q": "دولة"},
    {"q": "دولة", "mode": "exact"},
    {"q": "درعا"},
    {"q": "الفرقة الرابعة"},
    {"q": '"اللجنة المركزية"'},
    {"q": "جذر:قتل"},
    {"q": "وزير OR رئيس"},
    {"q": "الذي", "year": "2016"},
    {"q": "الذي", "source": "تلفزيون سوريا"},
    {"q": "الذي", "place": "daraa"},
    {"q": "الذي", "actor": "fourth-division", "year": "2019"},
    {"q": "عنوان"},
]


def _need_chromium() -> None:
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")


def _build(root: Path) -> Path:
    site = root / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(root / "mkdocs.yml"),
                    "-d", str(site)], check=True, cwd=root, env=env, timeout=600,
                   capture_output=True)
    assert (site / "search" / "data" / "meta.json.dfl").is_file()
    return site


def _archive(tmp: Path, seeds: Path | None) -> Path:
    shutil.copy(REPO / "mkdocs.yml", tmp / "mkdocs.yml")
    shutil.copytree(REPO / "docs", tmp / "docs")
    if seeds is not None:
        shutil.copytree(seeds, tmp / "seeds")
    return tmp


HTML_ARTICLE = """---
title: "<b>عنوان</b> <img src=x onerror=alert(1)>"
date: 2016-05-01
source: "<i>مصدر</i>"
---

عنوان هذا المقال يحاول <script>document.body.dataset.pwned = 1</script> إدخال وسوم في الصفحة.
"""


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    _need_chromium()
    seeds_root = _archive(tmp_path_factory.mktemp("seeds-archive"), REPO / "seeds")
    synth_root = tmp_path_factory.mktemp("synth-archive")
    result = CliRunner().invoke(main, ["synth", "60", "--out", str(synth_root / "out"),
                                       "--seed", "11"])
    assert result.exit_code == 0, result.output
    _archive(synth_root, synth_root / "out" / "seeds")
    for name in ("places.yml", "actors.yml"):
        if not (synth_root / "seeds" / name).exists():
            shutil.copy(REPO / "seeds" / name, synth_root / "seeds" / name)
    (synth_root / "seeds" / "99999_html.md").write_text(HTML_ARTICLE, "utf-8")
    for root in (seeds_root, synth_root):
        _build(root)
    return {"seeds": seeds_root, "synth": synth_root}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def servers(sites: dict[str, Path]) -> Iterator[dict[str, str]]:
    out = {}
    running = []
    for name, root in sites.items():
        handler = functools.partial(_Quiet, directory=str(root / "site"))
        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        running.append(srv)
        out[name] = f"http://127.0.0.1:{srv.server_address[1]}"
    yield out
    for srv in running:
        srv.shutdown()
        srv.server_close()


@pytest.fixture(scope="module")
def page(servers: dict[str, str]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pg = browser.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.errors = errors  # type: ignore[attr-defined]
        yield pg
        browser.close()


def cli_search(root: Path, case: dict[str, str]) -> dict[str, Any]:
    args = ["--root", str(root), "search", "--json", "--limit", "10000"]
    if case.get("mode"):
        args += ["--mode", case["mode"]]
    for key in ("place", "actor", "source"):
        if case.get(key):
            args += [f"--{key}", case[key]]
    if case.get("year"):
        args += ["--from", case["year"], "--to", case["year"]]
    for key in ("from", "to"):
        if case.get(key):
            args += [f"--{key}", case[key]]
    result = CliRunner().invoke(main, [*args, "--", case["q"]])
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def browser_search(page: Any, base: str, case: dict[str, str]) -> list[str]:
    params = {k: case[k] for k in ("q", "mode", *FILTERS) if case.get(k)}
    page.goto(f"{base}/search/?{urlencode(params)}")
    results = page.locator('[data-role="results"][data-state="done"]')
    results.wait_for(state="attached", timeout=30_000)
    more = page.locator('[data-role="more"]')
    while more.is_visible():
        shown = page.locator("[data-path]").count()
        more.click()
        page.wait_for_function(f"document.querySelectorAll('[data-path]').length > {shown}")
    paths: list[str] = page.eval_on_selector_all("[data-path]",
                                                 "els => els.map(e => e.dataset.path)")
    total = results.get_attribute("data-total")
    assert total is not None and int(total) == len(paths)
    return paths


def _seed_vocabulary() -> set[str]:
    words: set[str] = set()
    for path in (REPO / "seeds").glob("*.txt"):
        text = path.read_text("utf-8")
        words.update(normalize(text[s:e]) for s, e in tokenize(text))
    return words


def _compare(page: Any, base: str, root: Path, case: dict[str, str]) -> int:
    expected = [r["path"] for r in cli_search(root, case)["results"]]
    got = browser_search(page, base, case)
    assert set(got) == set(expected), f"{case}: browser {got} != cli {expected}"
    assert got[:10] == expected[:10], f"{case}: top-10 order differs: {got} != {expected}"
    assert not page.errors, page.errors
    return len(expected)


@pytest.mark.parametrize("case", SEED_CASES, ids=[json.dumps(c, ensure_ascii=False)
                                                 for c in SEED_CASES])
def test_seed_queries_match_cli(page: Any, servers: dict[str, str], sites: dict[str, Path],
                                case: dict[str, str]) -> None:
    if case.get("absent"):
        vocab = _seed_vocabulary()
        assert normalize(case["q"]) not in vocab, "the form must be absent from the seeds"
    n = _compare(page, servers["seeds"], sites["seeds"], case)
    if case.get("absent") or case["q"] in ("درعا", "Daraa", "جذر:فوض"):
        assert n > 0, f"{case['q']} should find articles"


def test_synthetic_queries_match_cli(page: Any, servers: dict[str, str],
                                     sites: dict[str, Path]) -> None:
    counts = {}
    for case in SYNTH_CASES:
        counts[json.dumps(case, ensure_ascii=False)] = _compare(page, servers["synth"],
                                                                sites["synth"], case)
    assert max(counts.values()) > 10, counts  # the top-10 order was really tested
    assert sum(1 for n in counts.values() if n == 0) <= 2, counts


def test_no_match_message_and_state(page: Any, servers: dict[str, str]) -> None:
    page.goto(f"{servers['seeds']}/search/?q=" + "زززز")
    page.locator('[data-role="results"][data-state="done"]').wait_for(state="attached")
    assert page.locator("[data-path]").count() == 0
    assert "لا نتائج" in page.inner_text('[data-role="status"]')


def test_header_box_keyboard_and_no_material_search(page: Any, servers: dict[str, str],
                                                    sites: dict[str, Path]) -> None:
    base = servers["seeds"]
    page.goto(f"{base}/")
    assert page.locator("[data-md-component=search]").count() == 0
    assert not (sites["seeds"] / "site" / "search" / "search_index.json").exists()
    box = page.locator("form.ar-header-search input[name=q]")
    box.focus()
    page.keyboard.type("المفاوضات")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    page.locator('[data-role="results"][data-state="done"]').wait_for(state="attached")
    assert page.locator("[data-path]").count() > 0
    assert page.get_attribute("html", "dir") == "rtl"
    # keyboard on the search page: type a new query, Enter; mode by arrow keys; Tab to results
    field = page.locator("#archive-search-q")
    field.fill("")
    field.focus()
    page.keyboard.type("قصفوا")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=*")
    page.locator('[data-role="results"][data-state="done"]').wait_for(state="attached")
    assert page.locator("[data-path]").count() == 4
    page.locator('input[name="mode"][value="root"]').focus()
    page.keyboard.press("ArrowRight")  # RTL: to the previous radio (stem)
    page.wait_for_url("**mode=*")
    page.locator('[data-role="results"][data-state="done"]').wait_for(state="attached")
    mode = page.eval_on_selector('input[name="mode"]:checked', "e => e.value")
    assert mode in ("stem", "exact")
    assert f"mode={mode}" in page.url


def test_facets_narrow_results_with_counts(page: Any, servers: dict[str, str],
                                           sites: dict[str, Path]) -> None:
    base = servers["synth"]
    page.goto(f"{base}/search/?q=" + "الذي")
    page.locator('[data-role="results"][data-state="done"]').wait_for(state="attached")
    total = int(page.get_attribute('[data-role="results"]', "data-total") or 0)
    year = page.locator('[data-facet="year"] a').first
    count = int(year.locator(".archive-search__count").inner_text())
    value = year.get_attribute("data-facet-value")
    assert 0 < count < total
    year.click()
    page.wait_for_url(f"**year={value}*")
    page.locator('[data-role="results"][data-state="done"]').wait_for(state="attached")
    assert int(page.get_attribute('[data-role="results"]', "data-total") or 0) == count
    cli = cli_search(sites["synth"], {"q": "الذي", "year": value or ""})
    assert cli["total"] == count
    source = page.locator('[data-facet="source"] a').first
    n = int(source.locator(".archive-search__count").inner_text())
    source.click()
    page.wait_for_url("**source=*")
    page.locator('[data-role="results"][data-state="done"]').wait_for(state="attached")
    assert int(page.get_attribute('[data-role="results"]', "data-total") or 0) == n
    # a deep link reproduces the same state
    url = page.url
    page.goto(url)
    page.locator('[data-role="results"][data-state="done"]').wait_for(state="attached")
    assert int(page.get_attribute('[data-role="results"]', "data-total") or 0) == n


def test_result_text_is_inserted_as_text(page: Any, servers: dict[str, str]) -> None:
    page.goto(f"{servers['synth']}/search/?q=" + "وسوم")
    page.locator('[data-role="results"][data-state="done"]').wait_for(state="attached")
    item = page.locator('[data-path="seeds/99999_html.md"]')
    assert item.count() == 1
    # the loader removes formatting tags such as <b> and <i> as scraping debris (issue 13);
    # markup that runs code or embeds something stays as text and must show as text
    assert "عنوان <img src=x onerror=alert(1)>" in item.locator("h3").inner_text()
    assert item.locator("b, img, script, i").count() == 0
    assert "<script>" in item.locator(".archive-search__snippet").inner_text()
    assert item.locator("mark").count() >= 1  # the matched word is highlighted
    assert page.evaluate("document.body.dataset.pwned") is None
    meta = item.locator(".archive-search__meta").inner_text()
    assert "مصدر" in meta and "<i>" not in meta


def test_article_text_is_fetched_only_for_shown_results(page: Any, servers: dict[str, str]
                                                        ) -> None:
    fetched: list[str] = []  # the texts: raw/<id>.txt, or docs/<n>.json where it does not serve
    page.on("request", lambda r: fetched.append(r.url)
            if "/search/data/docs/" in r.url or "/raw/" in r.url else None)
    page.goto(f"{servers['synth']}/search/?q=" + "الذي")
    results = page.locator('[data-role="results"][data-state="done"]')
    results.wait_for(state="attached")
    total = int(results.get_attribute("data-total") or 0)
    assert total > 10
    assert page.locator("[data-path]").count() == 10
    assert len(fetched) == 10
    assert not any(u.endswith("lunr-index.json") for u in fetched)
    page.locator('[data-role="more"]').click()
    page.wait_for_function("document.querySelectorAll('[data-path]').length > 10")
    assert len(fetched) == min(20, total)


def test_shown_text_is_the_analysed_text(page: Any, servers: dict[str, str],
                                         sites: dict[str, Path]) -> None:
    """The page's article texts (loader.js loadDoc: the published raw/<id>.txt its card
    points into, or docs/<n>.json) are the texts the search analysed, every article of both
    sites; docs/ holds the text only where the card has no raw source."""
    from archive.browser.index import live_numbers, read_data
    from archive.config import Paths
    from archive.pipeline import load

    for name, root in sites.items():
        data = root / "site" / "search" / "data"
        numbers = live_numbers(read_data(data, "meta.json")["live"])
        texts = {a.id: a.text for a in load(Paths(root)).articles}
        base = servers[name]
        page.goto(f"{base}/search/")
        got = page.evaluate("""async ([url, numbers]) => {
            const { loadDoc } = await import(url);
            const docs = await Promise.all(numbers.map((n) => loadDoc(n)));
            return docs.map((d) => [d.id, d.text]);
        }""", [f"{base}/search/assets/loader.js", numbers])
        assert dict(got) == texts
        block = read_data(data, "meta.json")["card_block"]
        sources = [read_data(data, f"cards/{n // block}.json")[n % block][-1] for n in numbers]
        assert sum(s is not None for s in sources) >= len(sources) - 1
        assert all((s is None) == (data / "docs" / f"{n}.json.dfl").is_file()
                   for n, s in zip(numbers, sources, strict=True))


@pytest.mark.parametrize("pause", [0, 400], ids=["typed-fast", "typed-with-pause"])
def test_enter_on_a_loaded_search_page_fetches_only_the_query_files(
        page: Any, servers: dict[str, str], sites: dict[str, Path], pause: int) -> None:
    """/search/ loads its up-front data on arrival; after Enter only the query's own files
    come (lexicon and index shards, forms shards, the cards blocks of the shown results and
    one text each, raw/<id>.txt or docs/<n>.json; then the columns for the facets),
    and the results are the command line's, whether the reader paused while typing (the
    page then fetches the lexicon shards before Enter) or not."""
    base = servers["seeds"]
    case = {"q": "مفاوضاتهم"}
    expected = [r["path"] for r in cli_search(sites["seeds"], case)["results"]]
    assert expected
    after: list[str] = []
    armed = [False]
    page.on("request", lambda r: after.append(r.url.split("/search/")[-1]) if armed[0] else None)
    page.goto(f"{base}/search/")
    page.wait_for_load_state("networkidle")
    loaded = page.evaluate("performance.getEntriesByType('resource').map((e) => e.name)")
    for name in ("data/meta.json.dfl", "data/analyzer-tables.json.dfl", "data/names.json.dfl"):
        assert any(u.endswith(name) for u in loaded), f"{name} not loaded on arrival"
    # the shards are read without lunr.js (engine.js shardIndex)
    assert not any(u.endswith("lunr.js") for u in loaded)
    assert page.evaluate("document.activeElement.id") == "archive-search-q"
    armed[0] = True
    page.keyboard.type(case["q"][:3])
    page.wait_for_timeout(pause)
    page.keyboard.type(case["q"][3:])
    page.wait_for_timeout(pause)
    typed = list(after)
    page.keyboard.press("Enter")
    results = page.locator('[data-role="results"][data-state="done"]')
    results.wait_for(state="attached", timeout=30_000)
    page.wait_for_load_state("networkidle")
    got = page.eval_on_selector_all("[data-path]", "els => els.map(e => e.dataset.path)")
    assert got == expected[:10]
    data = [u for u in after if u.startswith("data/")]
    kinds = {u.split("/")[1] for u in data}
    # (columns.json: the facets' data, fetched once the first results are on screen;
    # pos: positions of long terms, none in the seeds; rank: places in id order, for rows
    # tied in score only)
    assert kinds <= {"lexicon", "lunr", "forms", "cards", "docs", "pos", "columns.json.dfl",
                     "rank", "rank.json.dfl"}, data
    texts = [u for u in after if u.startswith("data/docs/") or "/raw/" in u]
    assert len(texts) == len(got), after
    assert 1 <= len([u for u in data if u.startswith("data/cards/")]) <= len(got)
    assert len(data) == len(set(data)), f"a file fetched twice: {data}"
    # the lexicon shards come while the reader pauses, else after Enter
    assert any(u.startswith("data/lexicon/") for u in (typed if pause else after)), after
    assert not page.errors, page.errors


# ------------------------------------------------------------------------------------------
# As-you-type, keyboard, highlight on arrival, Back, forms facet, sort, multi-select facets,
# Arabic errors — at a desktop and a phone width.

VIEWPORTS = [pytest.param((1280, 900), id="1280"), pytest.param((390, 844), id="390")]


@pytest.fixture(scope="module")
def browser(page: Any) -> Any:
    """The module's Chromium (one Playwright per process), for fresh contexts."""
    return page.context.browser


@pytest.fixture(params=VIEWPORTS)
def tab(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    width, height = request.param
    ctx = browser.new_context(viewport={"width": width, "height": height})
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.errors = errors  # type: ignore[attr-defined]
    pg.width = width  # type: ignore[attr-defined]
    yield pg
    assert not errors, errors
    ctx.close()


def _done(pg: Any) -> None:
    pg.locator('[data-role="results"][data-state="done"]').wait_for(state="attached",
                                                                    timeout=30_000)


def _total(pg: Any) -> int:
    return int(pg.get_attribute('[data-role="results"]', "data-total") or 0)


def _open_facet(pg: Any, key: str) -> None:
    group = pg.locator(f'[data-facet="{key}"]')
    if group.get_attribute("open") is None:  # folded on phones
        group.locator("summary").click()


def test_as_you_type_keyboard_and_highlight_on_arrival(tab: Any, servers: dict[str, str],
                                                       sites: dict[str, Path]) -> None:
    base = servers["seeds"]
    tab.goto(f"{base}/places/")
    tab.keyboard.press("/")  # the shortcut puts the cursor in the header's box
    assert tab.evaluate("document.activeElement.id") == "ar-header-q"
    tab.keyboard.type("قصفوا")
    panel = tab.locator("#ar-suggest")
    tab.locator('#ar-suggest[data-state="done"]').wait_for(state="attached", timeout=30_000)
    tab.wait_for_function("document.querySelector('#ar-suggest').dataset.total === '4'")
    expected = [r["path"] for r in cli_search(sites["seeds"], {"q": "قصفوا"})["results"]]
    shown = tab.eval_on_selector_all("#ar-suggest [data-path]", "es => es.map(e => e.dataset.path)")
    assert shown == expected[:len(shown)] and len(shown) == 4
    assert panel.is_visible()
    assert tab.get_attribute("#ar-header-q", "aria-expanded") == "true"
    # ↓ ↓ ↑ chooses the first option; Esc closes; ↓ reopens on the first
    for key in ("ArrowDown", "ArrowDown", "ArrowUp"):
        tab.keyboard.press(key)
    assert tab.get_attribute("#ar-header-q", "aria-activedescendant") == "ar-suggest-0"
    assert tab.get_attribute("#ar-suggest-0", "aria-selected") == "true"
    tab.keyboard.press("Escape")
    assert not panel.is_visible()
    tab.keyboard.press("ArrowDown")
    assert panel.is_visible()
    tab.keyboard.press("ArrowDown")  # second result
    tab.keyboard.press("Enter")
    tab.wait_for_url("**/articles/**h=*")
    assert f"/articles/{Path(expected[1]).stem}/" in tab.url
    bar = tab.locator(".ar-hl-bar")
    bar.wait_for()
    marks = tab.locator("mark.ar-hl")
    n = marks.count()
    assert n > 0 and int(bar.get_attribute("data-matches") or 0) == n
    words = {normalize(t) for t in marks.all_inner_texts()}
    from archive.analysis import analyze_word

    assert all(analyze_word(w)[2] == "قصف" for w in words), words  # every mark is of the root
    current = tab.locator("mark.ar-hl--current")
    assert current.count() == 1
    first = current.evaluate("e => [...document.querySelectorAll('mark.ar-hl')].indexOf(e)")
    assert first == 0 and current.is_visible()
    tab.click('[data-hl="next"]')
    assert tab.locator("mark.ar-hl--current").evaluate(
        "e => [...document.querySelectorAll('mark.ar-hl')].indexOf(e)") == 1 % n
    tab.click('[data-hl="prev"]')
    tab.click('[data-hl="prev"]')
    assert tab.locator("mark.ar-hl--current").evaluate(
        "e => [...document.querySelectorAll('mark.ar-hl')].indexOf(e)") == n - 1
    tab.click('[data-hl="clear"]')
    assert tab.locator("mark.ar-hl").count() == 0 and tab.locator(".ar-hl-bar").count() == 0
    assert "h=" not in tab.url
    # Enter with no option chosen opens the full results page, whose box then has the focus
    tab.keyboard.press("s")
    tab.keyboard.type("المفاوضات")
    tab.locator('#ar-suggest[data-state="done"]').wait_for(state="attached")
    tab.keyboard.press("Enter")
    tab.wait_for_url("**/search/?q=*")
    _done(tab)
    assert tab.evaluate("document.activeElement.id") == "archive-search-q"


def test_article_page_without_javascript_is_unchanged(browser: Any, servers: dict[str, str]
                                                      ) -> None:
    ctx = browser.new_context(java_script_enabled=False)
    pg = ctx.new_page()
    base = servers["seeds"]
    pg.goto(f"{base}/articles/000_02dc7bcb46da7aac/?h=" + "درعا,المفاوضات")
    assert pg.locator("mark").count() == 0
    assert "انهيار المفاوضات" in pg.inner_text(".ar-body")
    ctx.close()


def test_results_carry_the_matched_forms_for_highlight(tab: Any, servers: dict[str, str]
                                                       ) -> None:
    tab.goto(f"{servers['seeds']}/search/?q=" + "تفاوضوا")
    _done(tab)
    link = tab.locator("[data-path] h3 a").first
    from urllib.parse import parse_qs, urlparse

    forms = parse_qs(urlparse(link.get_attribute("href") or "").query)["h"][0].split(",")
    snippet_marks = tab.locator("[data-path]").first.locator(".archive-search__snippet mark")
    assert set(snippet_marks.all_inner_texts()) <= set(forms)
    link.click()
    tab.locator(".ar-hl-bar").wait_for()
    assert {m for m in tab.locator("mark.ar-hl").all_inner_texts()} == set(forms)


def test_back_restores_the_list_and_the_scroll(tab: Any, servers: dict[str, str]) -> None:
    tab.goto(f"{servers['synth']}/search/?q=" + "الذي")
    _done(tab)
    assert _total(tab) > 25
    for shown in (10, 20):
        tab.click('[data-role="more"]')
        tab.wait_for_function(f"document.querySelectorAll('[data-path]').length > {shown}")
    assert "n=30" in tab.url
    item = tab.locator("[data-path]").nth(24)
    item.scroll_into_view_if_needed()
    tab.evaluate("window.scrollBy(0, 40)")
    tab.wait_for_timeout(300)  # the scroll position is saved after scrolling stops
    y = tab.evaluate("window.scrollY")
    path = item.get_attribute("data-path")
    item.locator("h3 a").click()
    tab.wait_for_url("**/articles/**")
    tab.go_back()
    _done(tab)
    assert tab.locator("[data-path]").count() == 30
    tab.wait_for_function(f"Math.abs(window.scrollY - {y}) < 5")
    assert tab.locator(f'[data-path="{path}"]').is_visible()


def test_forms_facet_counts_and_exclusion(tab: Any, servers: dict[str, str],
                                          sites: dict[str, Path]) -> None:
    q = "تفاوضوا"
    tab.goto(f"{servers['seeds']}/search/?q={q}")
    _done(tab)
    cli = cli_search(sites["seeds"], {"q": q})["results"]
    per_form: dict[str, set[str]] = {}
    for r in cli:
        for m in r["matched"]:
            per_form.setdefault(normalize(m), set()).add(r["path"])
    chips = tab.locator("[data-form]")
    assert chips.count() >= 2
    got = {}
    for i in range(chips.count()):
        chip = chips.nth(i)
        got[normalize(chip.get_attribute("data-form") or "")] = int(
            chip.locator(".archive-search__count").inner_text())
    assert got == {k: len(v) for k, v in per_form.items()}
    # leave out the most frequent form: articles matched only through it drop out
    form = chips.first.get_attribute("data-form") or ""
    key = normalize(form)
    chips.first.locator("a").click()
    tab.wait_for_url("**x=*")
    _done(tab)
    left = {r["path"] for r in cli if any(normalize(m) != key for m in r["matched"])}
    paths = set(tab.eval_on_selector_all("[data-path]", "es => es.map(e => e.dataset.path)"))
    assert _total(tab) == len(left) and paths <= left
    assert tab.get_attribute(f'[data-form="{form}"]', "data-excluded") == "true"
    tab.locator(f'[data-form="{form}"] a').click()  # and back
    _done(tab)
    assert _total(tab) == len(cli) and "x=" not in tab.url


def test_sort_by_date(tab: Any, servers: dict[str, str]) -> None:
    tab.goto(f"{servers['synth']}/search/?q=" + "الذي")
    _done(tab)
    relevance = tab.eval_on_selector_all("[data-path]", "es => es.map(e => e.dataset.path)")
    for sort, newest_first in (("new", True), ("old", False)):
        tab.select_option('[data-role="sort"]', sort)
        tab.wait_for_url(f"**sort={sort}*")
        _done(tab)
        dates = tab.eval_on_selector_all("[data-path]", "es => es.map(e => e.dataset.date)")
        dated = [d for d in dates if d and not d.startswith("--")]
        assert dated == sorted(dated, reverse=newest_first) and len(dated) > 5
        assert dates[:len(dated)] == dated  # undated last
    assert tab.eval_on_selector_all("[data-path]", "es => es.map(e => e.dataset.path)") != relevance
    tab.go_back()
    tab.go_back()
    _done(tab)
    assert tab.eval_on_selector_all("[data-path]", "es => es.map(e => e.dataset.path)") == relevance


def test_multi_select_facets_date_range_and_clear_all(tab: Any, servers: dict[str, str],
                                                      sites: dict[str, Path]) -> None:
    q = "الذي"
    tab.goto(f"{servers['synth']}/search/?q={q}")
    _done(tab)
    full = _total(tab)
    _open_facet(tab, "year")
    years = tab.locator('[data-facet="year"] a')
    assert years.count() >= 2
    picked = []
    for i in (0, 1):
        _open_facet(tab, "year")
        link = tab.locator('[data-facet="year"] a').nth(i)
        picked.append(link.get_attribute("data-facet-value") or "")
        link.click()
        tab.wait_for_function(f"location.search.split('year=').length === {len(picked) + 1}")
        _done(tab)
    expected = sum(cli_search(sites["synth"], {"q": q, "year": y})["total"] for y in picked)
    assert _total(tab) == expected
    _open_facet(tab, "year")
    checked = tab.eval_on_selector_all('[data-facet="year"] a[aria-checked="true"]',
                                       "es => es.map(e => e.dataset.facetValue)")
    assert sorted(checked) == sorted(picked)
    # a source on top narrows (AND across facets); its count was right before the click
    _open_facet(tab, "source")
    source = tab.locator('[data-facet="source"] a').first
    n = int(source.locator(".archive-search__count").inner_text())
    source.click()
    tab.wait_for_url("**source=*")
    _done(tab)
    assert _total(tab) == n
    tab.click('[data-role="clear-all"]')
    _done(tab)
    assert _total(tab) == full and "year=" not in tab.url and "source=" not in tab.url
    # a date range, as `archive search --from --to`
    tab.fill("#archive-search-from", "2016-01")
    tab.fill("#archive-search-to", "2017")
    tab.locator('[data-role="range"] button').click()
    tab.wait_for_url("**to=2017*")
    _done(tab)
    cli = cli_search(sites["synth"], {"q": q, "from": "2016-01", "to": "2017"})
    assert _total(tab) == cli["total"]


def test_query_error_in_arabic_keeps_the_query(tab: Any, servers: dict[str, str]) -> None:
    import re

    q = '"غير مغلق'
    tab.goto(f"{servers['seeds']}/search/?q=" + q)
    _done(tab)
    status = tab.inner_text('[data-role="status"]')
    assert "خطأ في الاستعلام" in status and "علامة تنصيص" in status
    assert not re.search(r"[A-Za-z]", status), status
    assert tab.input_value("#archive-search-q") == q
    assert tab.get_attribute("#archive-search-q", "aria-invalid") == "true"
    # the header's panel says the same, in Arabic
    tab.keyboard.press("Escape")
    tab.locator("body").click(position={"x": 5, "y": 300})
    tab.keyboard.press("/")  # on the search page the shortcut goes to the page's own box
    assert tab.evaluate("document.activeElement.id") == "archive-search-q"


def _axe(pg: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations on the page as it is now."""
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
    """The site's palette for that scheme (mkdocs.yml: light indigo/indigo, dark indigo/amber),
    as Material sets it when the reader's system asks for it."""
    accent = "amber" if scheme == "slate" else "indigo"
    pg.evaluate(f"""() => {{ const b = document.body;
      b.setAttribute('data-md-color-scheme', '{scheme}');
      b.setAttribute('data-md-color-primary', 'indigo');
      b.setAttribute('data-md-color-accent', '{accent}'); }}""")
    pg.wait_for_timeout(400)  # Material's colour transitions (125-250 ms) have ended


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_search_states_pass_axe(tab: Any, servers: dict[str, str], scheme: str) -> None:
    """Results with every facet open, the forms facet, a query error, the header's open
    panel and a highlighted article: no serious or critical WCAG 2.1 AA violation, light and
    dark, 1280 and 390 px."""
    found: dict[str, list[dict[str, Any]]] = {}
    # results, facets unfolded (a place and a year chosen, so chosen entries are audited too)
    tab.goto(f"{servers['synth']}/search/?q=" + "الذي")
    _done(tab)
    for key in FILTERS:
        if tab.locator(f'[data-facet="{key}"]').count():
            _open_facet(tab, key)
    tab.locator('[data-facet="year"] a').first.click()
    _done(tab)
    for key in FILTERS:
        if tab.locator(f'[data-facet="{key}"]').count():
            _open_facet(tab, key)
    _scheme(tab, scheme)
    found["results"] = _axe(tab)
    # the forms facet with one form left out
    tab.goto(f"{servers['seeds']}/search/?q=" + "تفاوضوا")
    _done(tab)
    tab.locator("[data-form] a").first.click()
    tab.wait_for_url("**x=*")
    _done(tab)
    _scheme(tab, scheme)
    found["forms"] = _axe(tab)
    # a query error
    tab.goto(f"{servers['seeds']}/search/?q=" + '"غير مغلق')
    _done(tab)
    _scheme(tab, scheme)
    found["error"] = _axe(tab)
    # the header's as-you-type panel open, one option chosen, on an article page
    tab.goto(f"{servers['seeds']}/places/")
    _scheme(tab, scheme)
    tab.keyboard.press("/")
    tab.keyboard.type("قصفوا")
    tab.locator('#ar-suggest[data-state="done"]').wait_for(state="attached", timeout=30_000)
    tab.keyboard.press("ArrowDown")
    assert tab.locator("#ar-suggest").is_visible()
    found["header panel"] = _axe(tab)
    # an article highlighted on arrival, with its next/previous/clear bar
    tab.goto(f"{servers['seeds']}/articles/000_02dc7bcb46da7aac/?h=" + "درعا,المفاوضات")
    tab.locator(".ar-hl-bar").wait_for()
    _scheme(tab, scheme)
    found["highlight"] = _axe(tab)
    bad = {k: v for k, v in found.items() if v}
    assert bad == {}, json.dumps(bad, ensure_ascii=False, indent=1)
