"""The sitemap's pages of the files taken whole (archive.site.plugin._ListedPages) are the
Pages MkDocs makes (``Page(None, f, config)``), attribute for attribute."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File
from mkdocs.structure.pages import Page

from archive.site.plugin import _ListedPages


def _config(tmp_path: Path, **extra: Any) -> MkDocsConfig:
    docs = tmp_path / "docs"
    docs.mkdir(exist_ok=True)
    config = MkDocsConfig(config_file_path=str(tmp_path / "mkdocs.yml"))
    config.load_dict({"site_name": "x", "docs_dir": str(docs),
                      "site_dir": str(tmp_path / "site"), **extra})
    errors, _warnings = config.validate()
    assert not errors, errors
    config.plugins._current_plugin = None  # (set by MkDocs while a plugin's event runs)
    return config


URIS = ["articles/a-1.md", "index.md", "places/درعا/index.md", "list/newest/page/2.md",
        "roots/كتب.md"]


@pytest.mark.parametrize("extra", [
    {},
    {"site_url": "https://example.org/archive/"},
    {"site_url": "https://example.org/a", "use_directory_urls": False},
    {"repo_url": "https://github.com/o/r", "edit_uri": "edit/main/docs/"},
    {"site_url": "https://example.org/", "repo_url": "https://example.org/r",
     "edit_uri_template": "src/{path_noext}.md?plain=1"},
])
def test_listed_pages_are_the_pages_mkdocs_makes(tmp_path: Path, extra: dict[str, Any]) -> None:
    config = _config(tmp_path, **extra)
    make = _ListedPages(config)
    for uri in URIS:
        ours_file = File.generated(config, uri, content="")
        theirs_file = File.generated(config, uri, content="")
        ours, theirs = make(ours_file), Page(None, theirs_file, config)
        assert ours_file.page is ours and ours.file is ours_file
        mine, made = vars(ours), vars(theirs)
        assert mine.keys() == made.keys()
        for k in made:
            if k == "file":
                continue
            assert mine[k] == made[k], (uri, k)
        assert ours.toc is not theirs.toc and ours.meta is not theirs.meta
        assert (ours.abs_url, ours.canonical_url, ours.update_date, ours.is_link, ours.url,
                ours.edit_url) == (theirs.abs_url, theirs.canonical_url, theirs.update_date,
                                   theirs.is_link, theirs.url, theirs.edit_url)
    # each page its own toc and meta
    a, b = make(File.generated(config, "x.md", content="")), make(
        File.generated(config, "y.md", content=""))
    assert a.toc is not b.toc and a.meta is not b.meta
