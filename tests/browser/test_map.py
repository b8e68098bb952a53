"""The map page in headless Chromium at 1280 and 390 px: pan and zoom with the buttons, the
keyboard, a mouse drag, the wheel and a two-finger pinch; tap targets and label sizes; the page
without JavaScript; axe-core (no serious or critical violation, light and dark).

Builds the repository's own seeds into a temporary folder. Skipped without Playwright or
/usr/bin/chromium; the axe audit is skipped without axe-playwright-python (it ships axe-core).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
SIZES = {"desktop": (1280, 900), "phone": (390, 844)}

pw = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():
    pytest.skip("no /usr/bin/chromium", allow_module_level=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("mapsite")
    shutil.copytree(REPO / "seeds", root / "seeds")
    shutil.copytree(REPO / "docs", root / "docs")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SITE_URL", None)
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"],
                            cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr + result.stdout
    return root / "site"


@pytest.fixture(scope="module")
def browser(site: Path, serve_folder: Any) -> Iterator[tuple[Any, str]]:
    with serve_folder(site) as base, pw.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update",
            "--disable-sync"])
        yield b, base
        b.close()


@pytest.fixture(params=list(SIZES))
def page(request: pytest.FixtureRequest, browser: tuple[Any, str]) -> Iterator[Any]:
    b, base = browser
    width, height = SIZES[request.param]
    ctx = b.new_context(viewport={"width": width, "height": height}, has_touch=True)
    outside: list[str] = []

    def guard(route: Any) -> None:
        if route.request.url.startswith(base):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    ctx.route("**/*", guard)
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(base + "map/")
    pg.wait_for_selector("#ar-map-controls:not([hidden])")
    yield pg
    ctx.close()
    assert errors == [] and outside == [], (errors, outside)


def view(pg: Any) -> list[float]:
    return [float(v) for v in pg.get_attribute("svg.ar-map", "viewBox").split()]


def zoom(pg: Any) -> float:
    return float(pg.get_attribute("svg.ar-map", "data-zoom"))


def test_buttons_zoom_in_out_and_reset(page: Any) -> None:
    full = view(page)
    assert zoom(page) == pytest.approx(1)
    for name in ("تكبير", "تصغير", "إعادة الضبط"):
        box = page.get_by_role("button", name=name).bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, name
    page.get_by_role("button", name="تكبير").click()
    assert zoom(page) == pytest.approx(2, rel=1e-3)
    v = view(page)
    assert v[2] == pytest.approx(full[2] / 2, rel=1e-3)
    # zoomed about the centre
    assert v[0] + v[2] / 2 == pytest.approx(full[2] / 2, rel=1e-3)
    assert "×2" in page.inner_text("#ar-map-zoom")
    page.get_by_role("button", name="تكبير").click()
    assert zoom(page) == pytest.approx(4, rel=1e-3)
    page.get_by_role("button", name="تصغير").click()
    assert zoom(page) == pytest.approx(2, rel=1e-3)
    page.get_by_role("button", name="إعادة الضبط").click()
    assert view(page) == pytest.approx(full)
    # never zoomed out past the whole map
    page.get_by_role("button", name="تصغير").click()
    assert view(page) == pytest.approx(full)


def test_keyboard_zoom_pan_and_reset(page: Any) -> None:
    full = view(page)
    page.focus("#ar-map-frame")
    assert page.evaluate("document.activeElement.id") == "ar-map-frame"
    assert page.get_attribute("#ar-map-frame", "aria-describedby") == "ar-map-help"
    page.keyboard.press("+")
    page.keyboard.press("+")
    assert zoom(page) == pytest.approx(2.25, rel=1e-3)
    before = view(page)
    page.keyboard.press("ArrowRight")
    after = view(page)
    assert after[0] > before[0] and after[1] == pytest.approx(before[1])
    page.keyboard.press("ArrowUp")
    assert view(page)[1] < after[1]
    page.keyboard.press("-")
    assert zoom(page) == pytest.approx(1.5, rel=1e-3)
    page.keyboard.press("0")
    assert view(page) == pytest.approx(full)


def test_mouse_drag_pans_and_does_not_follow_a_link(page: Any) -> None:
    page.get_by_role("button", name="تكبير").click()
    page.get_by_role("button", name="تكبير").click()
    before = view(page)
    box = page.locator("svg.ar-map").bounding_box()
    scale = box["width"] / before[2]  # px per drawing unit
    # start the drag on a marker: a drag that moved must not open the place's page
    start = page.evaluate("""() => {
      const s = document.querySelector('svg.ar-map').getBoundingClientRect();
      for (const a of document.querySelectorAll('.ar-map__place, .ar-map__cluster')) {
        if (getComputedStyle(a).display === 'none' || a.style.display === 'none') continue;
        const r = a.querySelector('.ar-map__dot, .ar-map__bubble').getBoundingClientRect();
        const x = r.x + r.width / 2, y = r.y + r.height / 2;
        if (x > s.x + 80 && x < s.right - 10 && y > s.y + 60 && y < s.bottom - 10) return [x, y];
      }
      return null; }""")
    if start is None:
        pytest.skip("no marker in view to start the drag on")
    x, y = start
    url = page.url
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 30, y - 20, steps=4)
    page.mouse.move(x - 60, y - 40, steps=4)
    page.mouse.up()
    after = view(page)
    assert page.url == url
    # zoomed ×4 about the centre, the view has room on every side: it follows the pointer
    assert (after[0] - before[0]) * scale == pytest.approx(60, abs=2)
    assert (after[1] - before[1]) * scale == pytest.approx(40, abs=2)


def view_full_width(pg: Any) -> float:
    return float(pg.get_attribute("svg.ar-map", "data-width"))


def test_wheel_zooms_about_the_pointer(page: Any) -> None:
    box = page.locator("svg.ar-map").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.75)
    page.mouse.wheel(0, -300)
    page.wait_for_function("parseFloat(document.querySelector('svg.ar-map').dataset.zoom) > 1.2")
    v = view(page)
    full = view_full_width(page)
    # the point under the pointer stays put: it is still a quarter of the way across
    assert (full * 0.25 - v[0]) / v[2] == pytest.approx(0.25, abs=0.02)
    page.mouse.wheel(0, 3000)
    page.wait_for_function("parseFloat(document.querySelector('svg.ar-map').dataset.zoom) < 1.01")


def test_two_finger_pinch_zooms(page: Any) -> None:
    box = page.locator("svg.ar-map").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.evaluate("""([cx, cy]) => {
      const svg = document.querySelector('svg.ar-map');
      const ev = (type, id, x, y) => svg.dispatchEvent(new PointerEvent(type, {
        pointerId: id, pointerType: 'touch', clientX: x, clientY: y, bubbles: true,
        cancelable: true, isPrimary: id === 1}));
      ev('pointerdown', 1, cx - 20, cy); ev('pointerdown', 2, cx + 20, cy);
      for (let d = 20; d <= 80; d += 10) { ev('pointermove', 1, cx - d, cy);
                                            ev('pointermove', 2, cx + d, cy); }
      ev('pointerup', 1, cx - 80, cy); ev('pointerup', 2, cx + 80, cy);
    }""", [cx, cy])
    assert zoom(page) == pytest.approx(4, rel=0.05)  # fingers 40 px apart, then 160 px


def test_markers_are_44px_targets_with_readable_labels(page: Any) -> None:
    targets = page.eval_on_selector_all(
        ".ar-map__place, .ar-map__cluster",
        """els => els.filter(a => getComputedStyle(a).display !== 'none').map(a => {
             const r = a.querySelector('.ar-map__hit').getBoundingClientRect();
             return [r.width, r.height]; })""")
    assert targets
    assert all(w >= 44 - 0.5 and h >= 44 - 0.5 for w, h in targets), targets
    sizes = page.eval_on_selector_all(
        ".ar-map__place text, .ar-map__cluster text",
        """els => els.filter(t => getComputedStyle(t).display !== 'none'
                                  && t.closest('a').style.display !== 'none')
                    .map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)""")
    assert sizes and min(sizes) >= 12, sizes
    # zoomed in, markers and labels keep their size on screen
    page.get_by_role("button", name="تكبير").click()
    page.get_by_role("button", name="تكبير").click()
    again = page.eval_on_selector_all(
        ".ar-map__place .ar-map__hit",
        "els => els.filter(c => c.closest('a').style.display !== 'none')"
        ".map(c => c.getBoundingClientRect().width)")
    assert again and all(abs(w - 44) < 1 for w in again), again


def test_a_cluster_opens_into_its_places(page: Any) -> None:
    clusters = page.locator(".ar-map__cluster")
    if clusters.count() == 0:
        pytest.skip("no overlapping markers at this width")
    sizes = "els => els.map(a => parseInt(a.querySelector('text').textContent, 10))"
    biggest = max(page.eval_on_selector_all(".ar-map__cluster", sizes))
    page.locator(".ar-map__cluster").nth(
        page.eval_on_selector_all(".ar-map__cluster", sizes).index(biggest)).click()
    assert zoom(page) >= 2
    # the group splits: no cluster holds all its places any more
    assert max(page.eval_on_selector_all(".ar-map__cluster", sizes) + [1]) < biggest


def test_a_marker_opens_its_place_page(page: Any) -> None:
    marker = page.locator(".ar-map__place:visible").first
    href = marker.get_attribute("href")
    marker.locator(".ar-map__dot").click()
    page.wait_for_url("**/places/**")
    assert page.url.rstrip("/").endswith(href.strip("/").split("/")[-1])


def test_map_without_javascript(browser: tuple[Any, str]) -> None:
    b, base = browser
    ctx = b.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    pg = ctx.new_page()
    pg.goto(base + "map/")
    assert pg.locator("#ar-map-controls").is_hidden()
    assert pg.locator("svg.ar-map .ar-map__land").count() == 1
    names = pg.eval_on_selector_all(".ar-map__place", "els => els.map(a => a.dataset.name)")
    listed = pg.eval_on_selector_all("#list + div table tbody tr td:first-child",
                                     "els => els.map(td => td.textContent.trim())")
    assert names and sorted(names) == sorted(listed)
    ctx.close()


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_axe_finds_no_serious_violation(page: Any, scheme: str) -> None:
    axe = pytest.importorskip("axe_playwright_python")
    script = Path(axe.__file__).parent / "axe.min.js"
    page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
    page.add_script_tag(path=str(script))
    result = page.evaluate("""async () => {
      const r = await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                                    'best-practice']});
      return r.violations.map(v => ({id: v.id, impact: v.impact,
                                     nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    bad = [v for v in result if v["impact"] in ("serious", "critical")]
    assert bad == [], bad


def test_double_click_zooms_and_the_whole_map_lets_the_page_scroll(page: Any) -> None:
    assert page.eval_on_selector("svg.ar-map", "s => s.style.touchAction") == "pan-y"
    box = page.locator("svg.ar-map").bounding_box()
    # a wheel turn towards the reader over the whole map scrolls the page, not the map
    page.mouse.move(box["x"] + 20, box["y"] + 20)
    before = page.evaluate("window.scrollY")
    page.mouse.wheel(0, 200)
    page.wait_for_function(f"window.scrollY > {before}")
    assert zoom(page) == pytest.approx(1)
    box = page.locator("svg.ar-map").bounding_box()
    page.mouse.dblclick(box["x"] + 3, box["y"] + box["height"] / 2)
    assert zoom(page) == pytest.approx(2, rel=1e-3)
    assert page.eval_on_selector("svg.ar-map", "s => s.style.touchAction") == "none"


def test_scale_bar_tells_the_truth_at_every_zoom(page: Any) -> None:
    km_per_unit = float(page.get_attribute("svg.ar-map", "data-km"))
    for _ in range(3):
        bar = page.eval_on_selector(".ar-map__scale", """g => ({
            px: g.querySelector('path').getBoundingClientRect().width,
            text: g.querySelector('text').textContent})""")
        scale = page.locator("svg.ar-map").bounding_box()["width"] / view(page)[2]
        value, unit = bar["text"].split()
        km = float(value) / (1000 if unit == "م" else 1)
        assert bar["px"] / scale * km_per_unit == pytest.approx(km, rel=0.03), bar
        assert 40 <= bar["px"] <= 110
        page.get_by_role("button", name="تكبير").click()


def test_only_the_map_page_loads_the_map_script_and_styles(site: Path) -> None:
    """map.js and map.css are fetched where a map is drawn, not with every page (the search
    page's first query would pay 7.7 KB gzip for them)."""
    def assets(page: Path) -> set[str]:
        html = page.read_text(encoding="utf-8")
        return {name for name in ("map.js", "map.css") if f"assets/archive/{name}" in html}

    assert assets(site / "map" / "index.html") == {"map.js", "map.css"}
    others = [site / "index.html", site / "search" / "index.html",
              *sorted((site / "articles").glob("*/index.html"))[:3],
              *sorted((site / "places").glob("*/index.html"))[:3]]
    assert len(others) >= 5
    for page in others:
        assert assets(page) == set(), page
        # archive.js (list sorting, citations) stays wherever a page has what it serves
        html = page.read_text(encoding="utf-8")
        needs = 'data-sort-client' in html or 'id="ar-cite-box"' in html
        assert ("assets/archive/archive.js" in html) == needs, page
    assert any('id="ar-cite-box"' in p.read_text(encoding="utf-8") for p in others)
