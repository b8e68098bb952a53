"""The baseline site: the same articles as plain Markdown pages, built by mkdocs-material with
its own search plugin and nothing else."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

MKDOCS_YML = """\
site_name: baseline
docs_dir: docs
site_dir: site
theme:
  name: material
  language: ar
  direction: rtl
plugins:
  - search
# Only the home page is in the navigation, as in the archive: with every page in the nav,
# each page would embed all the others and the baseline itself would grow quadratically.
nav:
  - index.md
not_in_nav: |
  /articles/
"""


def page(text: str, fallback_title: str) -> str:
    """A plain Markdown page: the title as a heading, then the article text as paragraphs."""
    title = fallback_title
    if text.startswith("---\n"):
        head, text = text[4:].split("\n---\n", 1)
        meta = yaml.safe_load(head) or {}
        title = str(meta.get("title") or fallback_title)
    body = "\n\n".join(line.strip() for line in text.splitlines() if line.strip())
    # The text is data: escape what Markdown would otherwise interpret at the start of a line.
    body = "\n\n".join("\\" + p if p[:1] in "#>-*+=|" else p for p in body.split("\n\n"))
    return f"# {json.dumps(title, ensure_ascii=False)[1:-1]}\n\n{body}\n"


def write_baseline(archive: Path, out: Path) -> int:
    """Write ``out/mkdocs.yml`` and one page per article of ``archive/seeds``; returns count."""
    if out.exists():
        shutil.rmtree(out)
    pages = out / "docs" / "articles"
    pages.mkdir(parents=True)
    (out / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (out / "docs" / "index.md").write_text("# baseline\n", encoding="utf-8")
    count = 0
    for src in sorted((archive / "seeds").iterdir()):
        if src.suffix not in (".md", ".txt"):
            continue
        text = src.read_text(encoding="utf-8")
        (pages / f"{src.stem}.md").write_text(page(text, src.stem), encoding="utf-8")
        count += 1
    return count
