"""Hostile content in a real browser: no injected script runs, anywhere.

An article and gazetteer entries full of markup (<script>, <img onerror>, javascript: links,
Markdown, Jinja, bidi overrides, zero-width characters) are built into a site; headless Debian
Chromium opens every page that shows them and runs searches that return them. Every payload
would set ``window.__pwned`` or open a dialog if it ran; neither may happen, and the payload
text must be visible literally.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]

RUN = "window.__pwned=1;alert(1)"
TITLE = f"<script>{RUN}</script> مقال {{{{ config }}}} {{% raw %}}"
BODY = "\n\n".join([
    f"هجوم مدسوس في درعا <script>{RUN}</script> و<img src=x onerror=\"{RUN}\">.",
    f"و[رابط](javascript:{RUN}) و![صورة](javascript:{RUN}) و<a href=\"javascript:{RUN}\">ا</a>.",
    "و{{ config.site_name }} و{% include 'x' %} و\u202eمقلوب و صفر\u200bعرض.",
    f"<svg onload=\"{RUN}\"></svg> <iframe src=\"javascript:{RUN}\"></iframe> مدسوس",
])
ARTICLE = (
    "---\n"
    f"title: '{TITLE}'\n"
    f"source: '<img src=x onerror=\"{RUN}\">'\n"
    f"url: 'https://example.org/?q=<script>{RUN}</script>'\n"
    "date: 2021-08-02\n"
    "places: [daraa]\n"
    "---\n" + BODY + "\n"
)
PLACE = f"""
- id: mdsus
  name: 'مدسوس <img src=x onerror="{RUN}">'
  aliases: ["<script>{RUN}</script>"]
  type: village
  description: '<svg onload="{RUN}"></svg> [x](javascript:{RUN})'
  parent: daraa
"""
ACTOR = f"""
- id: mdsus-group
  name: 'جماعة <b onmouseover="{RUN}">مدسوسة</b>'
  aliases: []
  type: armed group
  description: '{{{{ 7*7 }}}} <script>{RUN}</script>'
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    root = tmp_path_factory.mktemp("hostile")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "docs", root / "docs")
    shutil.copytree(REPO / "seeds", root / "seeds")
    (root / "seeds" / "900_hostile.txt").write_text(ARTICLE, encoding="utf-8")
    with open(root / "seeds" / "places.yml", "a", encoding="utf-8") as f:
        f.write(PLACE)
    with open(root / "seeds" / "actors.yml", "a", encoding="utf-8") as f:
        f.write(ACTOR)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=root,
                          env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return root / "site"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def base(site: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser_page(base: str) -> Iterator[tuple[Any, list[str]]]:
    from playwright.sync_api import sync_playwright

    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        yield page, dialogs
        browser.close()


def assert_nothing_ran(page: Any, dialogs: list[str]) -> None:
    # hover and focus everything, so event-handler payloads get their chance too
    page.evaluate("""() => { for (const el of document.querySelectorAll('body *')) {
        for (const t of ['mouseover', 'focus', 'load']) el.dispatchEvent(new Event(t)); } }""")
    page.wait_for_timeout(100)
    assert page.evaluate("window.__pwned") is None
    assert dialogs == []
    assert page.locator("a[href^='javascript:' i], iframe, svg[onload], [onerror]").count() == 0


PAGES = ["articles/900_hostile/", "places/mdsus/", "actors/mdsus-group/", "places/daraa/",
         "articles/", "places/", "actors/", "timeline/", "sources/", ""]


@pytest.mark.parametrize("path", PAGES)
def test_pages_show_payloads_as_text_and_run_nothing(browser_page, base: str, path: str
                                                     ) -> None:  # type: ignore[no-untyped-def]
    page, dialogs = browser_page
    page.goto(f"{base}/{path}")
    page.wait_for_load_state("load")
    assert_nothing_ran(page, dialogs)
    text = page.locator("body").inner_text()
    if path in ("articles/900_hostile/", "articles/", ""):
        assert "<script>window.__pwned=1;alert(1)</script> مقال" in text


def test_article_page_shows_every_payload_literally(browser_page, base: str
                                                     ) -> None:  # type: ignore[no-untyped-def]
    page, dialogs = browser_page
    page.goto(f"{base}/articles/900_hostile/")
    text = page.locator("body").inner_text()
    for fragment in ("<img src=x onerror=", "[رابط](javascript:", "![صورة](javascript:",
                     "{{ config.site_name }}", "{% include 'x' %}", "<svg onload=",
                     "<iframe src="):
        assert fragment in text, fragment
    assert_nothing_ran(page, dialogs)


@pytest.mark.parametrize("query", ["مدسوس", "هجوم", "مقلوب", "صفرعرض"])
def test_search_results_run_nothing(browser_page, base: str, query: str
                                    ) -> None:  # type: ignore[no-untyped-def]
    page, dialogs = browser_page
    page.goto(f"{base}/search/?q={quote(query)}")
    page.locator('[data-role="results"][data-state="done"]').wait_for(state="attached")
    assert page.locator('[data-path="seeds/900_hostile.txt"]').count() == 1
    assert_nothing_ran(page, dialogs)
