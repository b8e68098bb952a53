"""What `mkdocs serve` makes ahead for its first reload (the views' digests after a start that
took every page whole, the sitemap's pages after a start that rendered them), MkDocs' listing
of the theme's files without Material's icon folders, and the seeds/ listing by names."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import Files

from archive.config import Paths
from archive.corpus.loader import load_corpus
from archive.site.plugin import _list_theme_files_quickly


def _sitemap(folder: Path) -> bytes:
    return (folder / "sitemap.xml").read_bytes()


@pytest.mark.parametrize("start", ["rendered", "whole"])
def test_first_reload_serves_what_a_fresh_serve_serves(repo: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       start: str) -> None:
    """After a start that rendered every page (an empty serve store) or took every page whole
    (a second start on the same inputs), an edit, a build with nothing changed and the edit
    put back serve what a fresh serve of the same inputs serves, the sitemap included (its
    pages made ahead at the end of the build before: the same addresses and date)."""
    from test_incremental_site import _project
    from test_site_serve_kept import _fresh, _same_site, _serve

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # one date for every build
    root = tmp_path / "p"
    _project(root, repo)
    served = tmp_path / "served"
    if start == "whole":
        _serve(root, served, "first")
        builds = _serve(root, served, "same,edit,same,revert")
        assert "views digested for the next reload" in builds[0][0]
    else:
        builds = _serve(root, served, "first,edit,same,revert")
        assert "views digested" not in builds[0][0]
    edited = builds[1][0]
    assert "generated pages unchanged" in edited
    assert "بثلاثة أهداف" not in (served / "articles/synthetic-1/index.html").read_text("utf-8")
    fresh = _fresh(root, tmp_path, "fresh")
    _same_site(served, fresh)
    assert _sitemap(served) == _sitemap(fresh)
    assert b"articles/synthetic-1/" in _sitemap(served)


def test_theme_files_listed_as_mkdocs_lists_them(tmp_path: Path) -> None:
    """MkDocs' static theme files are the same with the quick listing, which skips folders
    whose name starts with "." (Material's .icons/, a custom_dir's own); a listing with
    another filter, or none, still lists every file."""
    custom = tmp_path / "overrides"
    (custom / ".hidden" / "deep").mkdir(parents=True)
    (custom / ".hidden" / "deep" / "x.css").write_text("a{}", encoding="utf-8")
    (custom / "assets" / ".cache").mkdir(parents=True)
    (custom / "assets" / ".cache" / "y.js").write_text("1", encoding="utf-8")
    (custom / "assets" / "own.js").write_text("1", encoding="utf-8")
    (custom / "assets" / ".dotfile.js").write_text("1", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# t\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\ntheme:\n  name: material\n  custom_dir: overrides\n", encoding="utf-8")

    def listed(quick: bool) -> tuple[list[str], list[str], list[str]]:
        config = load_config(str(tmp_path / "mkdocs.yml"))
        if quick:
            _list_theme_files_quickly(config.theme)
            _list_theme_files_quickly(config.theme)  # (once is enough)
        env = config.theme.get_env()
        files = Files([])
        files.add_files_from_theme(env, config)
        every = env.list_templates()
        css = env.list_templates(filter_func=lambda name: name.endswith(".css"))
        return [f.src_uri for f in files], every, css

    plain, quick = listed(False), listed(True)
    assert quick == plain
    assert "assets/own.js" in quick[0]
    assert not any("/." in f"/{uri}" for uri in quick[0])
    assert ".hidden/deep/x.css" in quick[1] and ".hidden/deep/x.css" in quick[2]
    assert len(quick[1]) > 10_000  # Material's icons are still templates to Jinja


def test_theme_listing_left_alone_for_other_loaders() -> None:
    """An environment whose loader is not a plain FileSystemLoader keeps its own listing."""

    class Theme:
        def get_env(self) -> jinja2.Environment:
            return jinja2.Environment(loader=jinja2.DictLoader({".x/a.css": "", "b.css": ""}))

    theme = Theme()
    _list_theme_files_quickly(theme)
    env = theme.get_env()
    assert "list_templates" not in vars(env)
    assert env.list_templates() == [".x/a.css", "b.css"]


def test_seeds_listing_by_names(tmp_path: Path) -> None:
    """Entries of seeds/ are told apart by their names as pathlib tells them: articles by
    their last suffix (any case), the gazetteer's files skipped, hidden files, folders and
    other files reported, and an article's id is its name without that suffix."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    article = "---\ntitle: خبر\ndate: 2024-01-02\n---\nقال المصدر إن الاجتماع عقد في درعا.\n"
    for name in ("a.md", "b.v2.TXT", "c.Md"):
        (seeds / name).write_text(article, encoding="utf-8")
    (seeds / "places.yml").write_text("{}\n", encoding="utf-8")
    (seeds / "..yml").write_text("{}\n", encoding="utf-8")  # suffix .yml: skipped
    (seeds / ".hidden.md").write_text(article, encoding="utf-8")
    (seeds / ".md").write_text(article, encoding="utf-8")  # no suffix: hidden
    (seeds / "notes.").write_text("x", encoding="utf-8")  # no suffix
    (seeds / "image.png").write_bytes(b"\x89PNG")
    (seeds / "sub").mkdir()
    corpus = load_corpus(Paths(tmp_path))
    assert [a.id for a in corpus.articles] == ["a", "b.v2", "c"]
    messages = {p.path: p.message for p in corpus.problems}
    assert messages["seeds/.hidden.md"].startswith("hidden file in seeds/")
    assert messages["seeds/.md"].startswith("hidden file in seeds/")
    assert messages["seeds/notes."].startswith("not an article file")
    assert messages["seeds/image.png"].startswith("not an article file")
    assert messages["seeds/sub"].startswith("folder inside seeds/")
    assert "seeds/..yml" not in messages and "seeds/places.yml" not in messages


def test_quick_files_list_the_pages_mkdocs_lists() -> None:
    """The plugin's Files (archive.site.plugin._QuickFiles) give the same documentation pages
    in the same order as MkDocs' for each of its inclusion predicates and any other one."""
    from mkdocs.structure.files import File, InclusionLevel

    from archive.site.plugin import _QuickFiles

    files = []
    levels = list(InclusionLevel)
    for i in range(300):
        name = (f"articles/a{i}/index.md", f"raw/a{i}.txt", f"p{i}.markdown", f"x{i}.html")[i % 4]
        f = File(name, "/docs", "/site", use_directory_urls=True)
        f.inclusion = levels[(i * 7) % len(levels)]
        files.append(f)
    plain, quick = Files(files), Files(files)
    quick.__class__ = _QuickFiles
    for inclusion in (InclusionLevel.is_included, InclusionLevel.is_in_serve,
                      InclusionLevel.is_excluded, InclusionLevel.is_in_nav,
                      InclusionLevel.is_not_in_nav, InclusionLevel.all,
                      lambda level: level.value % 2 == 0):
        pages = plain.documentation_pages(inclusion=inclusion)
        assert quick.documentation_pages(inclusion=inclusion) == pages and pages
    assert quick.documentation_pages() == plain.documentation_pages()
