"""Screenshots of the built site in headless Chromium, for a person to look at.

    python tests/browser/screenshots.py [--site site] [--out build/screenshots] [--dark]

Serves site/ on a local port (127.0.0.1 only), then shoots the home, an article, a place, an
actor, the timeline, the all-articles table and the map at 1280 px and 390 px wide. Needs
/usr/bin/chromium (Debian's ``chromium`` package). Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import shutil
import sys
import tempfile
import threading
from pathlib import Path

WIDTHS = {"desktop": (1280, 2000), "phone": (390, 1600)}


def pick_pages(site: Path) -> dict[str, str]:
    """Page name → site-relative URL, choosing a well-connected article, place and actor."""
    pages = {"home": "", "articles": "articles/", "timeline": "timeline/", "map": "map/",
             "places": "places/", "actors": "actors/", "sources": "sources/"}
    if (site / "articles" / "page" / "2" / "index.html").is_file():
        pages["articles-page2"] = "articles/page/2/"
    data = site / "data" / "articles.json"
    if data.is_file():
        records = json.loads(data.read_text(encoding="utf-8"))
        if records:
            best = max(records, key=lambda r: (bool(r.get("url")), len(r["places"]) +
                                               len(r["actors"]), r["id"]))
            pages["article"] = f"articles/{best['id']}/"
            place_counts: dict[str, int] = {}
            actor_counts: dict[str, int] = {}
            for r in records:
                for p in r["places"]:
                    place_counts[p] = place_counts.get(p, 0) + 1
                for a in r["actors"]:
                    actor_counts[a] = actor_counts.get(a, 0) + 1
            if place_counts:
                top = sorted(place_counts.items(), key=lambda kv: (-kv[1], kv[0]))
                pages["place"] = f"places/{top[min(1, len(top) - 1)][0]}/"
            sources = sorted({r["source"] for r in records if r.get("source")})
            if sources:
                html = (site / "sources" / "index.html").read_text(encoding="utf-8")
                import re

                first = re.search(r'<tr><td><a href="([^"]+)"', html)
                if first:
                    pages["source"] = "sources/" + first.group(1).strip("/") + "/"
            if actor_counts:
                top = sorted(actor_counts.items(), key=lambda kv: (-kv[1], kv[0]))
                pages["actor"] = f"actors/{top[0][0]}/"
    return pages


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, int]:
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def shoot(url: str, out: Path, size: tuple[int, int], dark: bool) -> None:
    """One full-width screenshot (the first ``size[1]`` pixels), in the dark scheme when
    ``dark`` (Playwright's emulated prefers-color-scheme: Chromium's --force-dark-mode does not
    reach the media query in headless mode)."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as pw:
        browser = pw.chromium.launch_persistent_context(
            profile, executable_path=chromium, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--hide-scrollbars"],
            viewport={"width": size[0], "height": size[1]},
            color_scheme="dark" if dark else "light",
        )
        try:
            page = browser.new_page()
            page.goto(url, wait_until="load", timeout=60_000)
            page.wait_for_timeout(300)
            page.screenshot(path=str(out))
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", type=Path, default=Path("site"))
    ap.add_argument("--out", type=Path, default=Path("build/screenshots"))
    ap.add_argument("--dark", action="store_true", help="prefers-color-scheme: dark")
    ap.add_argument("--only", nargs="*", help="page names to shoot (default: all)")
    args = ap.parse_args(argv)
    if not (args.site / "index.html").is_file():
        print(f"no built site at {args.site}: run `mkdocs build` first", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    server, port = serve(args.site)
    try:
        for name, path in pick_pages(args.site).items():
            if args.only and name not in args.only:
                continue
            for label, size in WIDTHS.items():
                suffix = "-dark" if args.dark else ""
                out = (args.out / f"{name}-{label}{suffix}.png").resolve()
                shoot(f"http://127.0.0.1:{port}/{path}", out, size, args.dark)
                print(out)
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
