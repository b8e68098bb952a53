"""`mkdocs serve` renders MkDocs' sitemap.xml again only when a listed page shows another
address or date (archive.site.plugin._KeptSitemap): the output is always the template's."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import jinja2

from archive.site.plugin import _SITEMAP, _is_mkdocs_sitemap, _KeptSitemap


def _files(urls: list[str], date: str = "2026-01-02") -> list[Any]:
    return [SimpleNamespace(page=SimpleNamespace(is_link=False, abs_url=f"/{u}",
                                                 canonical_url=f"https://x.org/{u}",
                                                 update_date=date)) for u in urls]


def test_kept_sitemap_is_the_templates_output_and_follows_the_pages() -> None:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(_SITEMAP.parent)),
                             autoescape=True)
    template = env.get_template("sitemap.xml")
    assert _is_mkdocs_sitemap(template)
    kept: dict[str, Any] = {}
    calls: list[int] = []

    class Counting:
        filename = template.filename

        def render(self, context: Any) -> str:
            calls.append(1)
            return template.render(context)

    steps = [_files(["a/", "b/"]), _files(["a/", "b/"]), _files(["a/", "b/", "c/"]),
             _files(["a/", "c/"]), _files(["a/", "c/"], "2026-01-03"), _files(["a/", "c/"])]
    for files in steps:
        got = _KeptSitemap(Counting(), kept).render({"pages": files})
        assert got == template.render({"pages": files})
    # made at first and again for each change (a page added, one deleted, another date, the
    # date back), not for the same pages
    assert len(calls) == 5
    # a page-less file (not what MkDocs lists): rendered as it is, never taken from before
    odd = [*_files(["a/"]), SimpleNamespace(page=None)]
    for _ in range(2):
        _KeptSitemap(Counting(), kept).render({"pages": odd})
    assert len(calls) == 7


def test_a_themes_own_sitemap_is_not_kept(tmp_path: Any) -> None:
    (tmp_path / "sitemap.xml").write_text("{{ pages | length }}", encoding="utf-8")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)))
    assert not _is_mkdocs_sitemap(env.get_template("sitemap.xml"))


def test_kept_gzip_writes_gzips_bytes_and_compresses_only_what_changed() -> None:
    """`mkdocs serve`: sitemap.xml.gz as MkDocs writes it (archive.site.staging.KeptGzip in
    mkdocs.commands.build), compressed again only when its bytes, name or time changed."""
    import gzip
    import io

    from mkdocs.commands import build

    from archive.site.staging import KeptGzip, keep_sitemap_gzip

    def write(module: Any, data: bytes, name: str = "/s/sitemap.xml.gz",
              mtime: int = 1_700_000_000) -> bytes:
        out = io.BytesIO()
        with module.GzipFile(fileobj=out, filename=name, mode="wb", mtime=mtime) as gz:
            gz.write(data)
        return out.getvalue()

    kept = KeptGzip(gzip)
    made: list[bytes] = []
    real_file = gzip.GzipFile

    class Counting:
        def __getattr__(self, name: str) -> Any:
            return getattr(gzip, name)

        def GzipFile(self, *args: Any, **kw: Any) -> Any:  # noqa: N802
            made.append(b"")
            return real_file(*args, **kw)

    kept.real = Counting()
    steps = [(b"<urlset>a</urlset>", "/s/sitemap.xml.gz", 1), (b"<urlset>a</urlset>",
             "/s/sitemap.xml.gz", 1), (b"<urlset>b</urlset>", "/s/sitemap.xml.gz", 1),
             (b"<urlset>b</urlset>", "/s/sitemap.xml.gz", 2),
             (b"<urlset>b</urlset>", "/t/sitemap.xml.gz", 2), (b"<urlset>b</urlset>",
             "/t/sitemap.xml.gz", 2)]
    for data, name, mtime in steps:
        assert write(kept, data, name, mtime) == write(gzip, data, name, mtime)
    assert len(made) == 4  # the first, new bytes, a new time, a new name
    assert kept.open is gzip.open  # the module's other names
    before = build.gzip
    keep_sitemap_gzip(True)
    try:
        assert isinstance(build.gzip, KeptGzip) and build.gzip.real is before
        keep_sitemap_gzip(True)  # (not wrapped twice)
        assert build.gzip.real is before
    finally:
        keep_sitemap_gzip(False)
    assert build.gzip is before
