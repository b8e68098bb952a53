"""Article pages are taken from build/ when nothing they show changed, and a site built
incrementally is byte-identical to one built from scratch on the same seeds/."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from conftest import mkdocs_build

from archive.site.pagecache import PageCache

SYNTHETIC = """---
title: {title}
date: 2021-0{month}-1{month}
source: مصدر تجريبي
---
{body}
"""

#: Articles on topics of their own (so that each has its own related list); the first
#: names Jordan, whose name the edit changes in the gazetteer.
TOPICS = [
    "أعلنت وزارة الزراعة في الأردن بدء موسم حصاد القمح في السهول الشمالية.",
    "فاز المنتخب الوطني في مباراة كرة القدم بهدفين نظيفين أمام جمهوره.",
    "تساقطت الأمطار الغزيرة على المدن الساحلية وأغلقت الطرق الجبلية.",
    "ارتفعت أسعار النفط في الأسواق العالمية بعد قرار خفض الإنتاج.",
]


def _synthetic(seeds: Path) -> None:
    for i, body in enumerate(TOPICS):
        (seeds / f"synthetic-{i}.md").write_text(
            SYNTHETIC.format(title=f"خبر تجريبي رقم {i}", month=i + 1, body=body),
            encoding="utf-8")


def _project(root: Path, repo: Path) -> None:
    shutil.copytree(repo / "seeds", root / "seeds")
    shutil.copytree(repo / "docs", root / "docs")
    shutil.copy(repo / "mkdocs.yml", root / "mkdocs.yml")
    _synthetic(root / "seeds")


def _build(root: Path, **variables: str) -> str:
    """`mkdocs build --strict` in ``root`` with these environment variables (SITE_URL and
    ARCHIVE_ROOT unset unless given); its log."""
    result = mkdocs_build(root, "--strict", **variables)
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stderr


def _reused(log: str) -> tuple[int, int]:
    m = re.search(r"(\d+) article pages reused from build/, (\d+) rendered", log)
    assert m, log[-2000:]
    return int(m.group(1)), int(m.group(2))


def _edit(seeds: Path) -> None:
    """One article edited, one added, one deleted, and a place renamed in the gazetteer."""
    edited = seeds / "synthetic-1.md"
    edited.write_text(edited.read_text("utf-8").replace("بهدفين", "بثلاثة أهداف"),
                      encoding="utf-8")
    (seeds / "synthetic-2.md").unlink()
    (seeds / "synthetic-9.md").write_text(SYNTHETIC.format(
        title="خبر مضاف", month=9, body="افتتحت الجامعة كلية جديدة لطب الأسنان."),
        encoding="utf-8")
    places = seeds / "places.yml"
    text = places.read_text("utf-8")
    old = "  name: الأردن\n  aliases: [Jordan]\n"
    assert old in text
    # the name shown changes; the old one stays an alias, so the same words are matched
    places.write_text(text.replace(old, "  name: المملكة الأردنية\n  aliases: [الأردن, Jordan]\n"),
                      encoding="utf-8")


def _site(root: Path) -> dict[Path, bytes]:
    return {p.relative_to(root / "site"): p.read_bytes()
            for p in sorted((root / "site").rglob("*")) if p.is_file()}


def test_incremental_build_equals_a_cold_build(repo: Path, tmp_path: Path) -> None:
    inc, cold = tmp_path / "incremental", tmp_path / "cold"
    _project(inc, repo)
    n = len([p for p in (inc / "seeds").iterdir() if p.suffix in (".md", ".txt")])
    assert _reused(_build(inc)) == (0, n)
    # nothing changed: no article page is rendered; every generated page is taken whole from
    # build/site-pages/ on the site digest alone (archive.site.pageout), without asking the
    # article page cache
    log = _build(inc)
    assert _reused(log) == (0, 0) and "nothing they show changed" in log
    _edit(inc / "seeds")
    hits, rendered = _reused(_build(inc))
    assert hits + rendered == n  # one deleted, one added
    assert rendered >= 2  # the edited and the added article at least (in so small an archive
    # every article is related to the others, so most pages show a change)
    _project(cold, repo)
    _edit(cold / "seeds")
    _build(cold)
    a, b = _site(inc), _site(cold)
    assert a.keys() == b.keys()
    stamped = {Path("sitemap.xml"), Path("sitemap.xml.gz")}
    differing = sorted(str(k) for k in a if k not in stamped and a[k] != b[k])
    assert differing == [], differing[:10]
    unstamp = re.compile(rb"<lastmod>[^<]*</lastmod>")
    assert unstamp.sub(b"", a[Path("sitemap.xml")]) == unstamp.sub(b"", b[Path("sitemap.xml")])
    page = (inc / "site" / "articles" / "synthetic-0" / "index.html").read_text("utf-8")
    assert "المملكة الأردنية" in page  # the new name, though the article itself did not change
    # the page of the deleted article is no longer kept
    assert len(PageCache(inc / "build").entries()) == n
