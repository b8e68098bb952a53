"""The verified stencils kept in build/ for the next build (archive.site.keptstencil): a
rebuild under the same chrome fills the pages of a known shape at once instead of having
MkDocs render samples again, and its site is still the site MkDocs renders; the kept file is
tied to its chrome digest and ignored when damaged."""

from __future__ import annotations

import re
from pathlib import Path

from test_incremental_site import SYNTHETIC
from test_incremental_site import _build as _build_with
from test_site_stencil import SITE_URL, _pair, _same_sites, _stencilled

from archive.site import keptstencil
from archive.site.stencil import Shape, Stencil


def _build(root: Path, stencil: bool) -> str:
    return _build_with(root, SITE_URL=SITE_URL, ARCHIVE_STENCIL="1" if stencil else "0")


def _kept(log: str) -> int:
    m = re.search(r"(\d+) stencils kept from the previous build", log)
    assert m, log[-2000:]
    return int(m.group(1))


def _shapes() -> dict:
    a, b, given_up = Shape(), Shape(), Shape()
    a.stencil = Stencil(["<html>", 0, "<title>", 4, "</title>"])
    b.stencil = Stencil(["<p>", 0])
    given_up.given_up = True
    return {((2, "articles/"), ("title",), "None", (True, False)): a,
            ((1, ""), ("hide", "title"), ("toc",), (False, False)): b,
            ((3, ""), ("title",), "None", (False, True)): given_up}


def test_kept_stencils_are_read_back_under_their_chrome_only(tmp_path: Path) -> None:
    shapes = _shapes()
    features = ("<h1", 'id="ar-content"')
    assert keptstencil.save(tmp_path, "chrome-1", features, shapes)
    kept_features, back = keptstencil.read(tmp_path, "chrome-1")
    assert kept_features == features
    verified = {k: s for k, s in shapes.items() if s.stencil is not None}
    assert back.keys() == verified.keys()  # the shape given up is not kept
    for k, s in back.items():
        assert s.stencil == verified[k].stencil and not s.given_up and not s.samples
    assert keptstencil.read(tmp_path, "chrome-2") == (None, {})  # other chrome: nothing
    # the same stencils again: the file is left as it is
    assert not keptstencil.save(tmp_path, "chrome-1", features, back)
    path = tmp_path / keptstencil.FILE_NAME
    for damage in (b"", b"not marshal", path.read_bytes()[:-7]):
        path.write_bytes(damage)
        assert keptstencil.read(tmp_path, "chrome-1") == (None, {})
    assert keptstencil.read(tmp_path / "none", "chrome-1") == (None, {})


def test_a_rebuild_starts_from_the_kept_stencils_and_is_exact(repo: Path,
                                                              tmp_path: Path) -> None:
    on, off = _pair(repo, tmp_path)
    first = _build(on, stencil=True)
    assert _kept(first) == 0
    _build(off, stencil=False)
    _same_sites(on, off)
    kept_file = on / "build" / keptstencil.FILE_NAME
    assert kept_file.is_file()
    # an added article: its pages and the lists' are written again from the kept stencils,
    # without samples rendered by MkDocs for the shapes they hold
    for root in (on, off):
        (root / "seeds" / "zz-added.md").write_text(SYNTHETIC.format(
            title="مقال جديد عن الطقس", month=3, body="خبر جديد عن الطقس والزراعة."),
            encoding="utf-8")
    again = _build(on, stencil=True)
    filled, rendered = _stencilled(again)
    assert _kept(again) > 0 and filled > 0
    assert rendered < _stencilled(first)[1], (again[-2000:], first[-2000:])
    _build(off, stencil=False)
    _same_sites(on, off)
    # a kept stencil that no longer fits the chrome is not used: another chrome digest (here
    # the site's address) makes the build sample again, and the site is still exact
    for root in (on, off):
        (root / "seeds" / "zz-added.md").unlink()
    other_url = "https://example.org/other/"
    log = _build_with(on, SITE_URL=other_url, ARCHIVE_STENCIL="1")
    assert _kept(log) == 0
    _build_with(off, SITE_URL=other_url, ARCHIVE_STENCIL="0")
    _same_sites(on, off)
