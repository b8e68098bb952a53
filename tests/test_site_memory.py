"""A build does not keep the generated pages' content until its end (issue 12): MkDocs reads
every page before it writes any, so the plugin makes a generated page's HTML just before the
page's template and drops it once the page is written. The site is the same byte for byte as
when the content is made where MkDocs asks for it (another plugin handles pages), and such a
plugin still sees every generated page's content."""

from __future__ import annotations

import json
from pathlib import Path

from test_incremental_site import _build, _project, _site

#: A hooks module that handles no page event (the plugin stays alone with them) and writes,
#: after the build, how many generated pages still hold their content.
WATCH = """\
import json
seen = {}

def on_files(files, config):
    seen["files"] = files
    return files

def on_post_build(config):
    pages = [f.page for f in seen["files"] if f.generated_by and f.page is not None]
    with open("held.json", "w") as out:
        json.dump({"pages": len(pages),
                   "held": sorted(p.file.src_uri for p in pages if p.content)}, out)
"""

#: A hooks module that handles pages: it sees the content where MkDocs gives it.
MARK = """\
def on_page_content(html, page, config, files):
    if page.file.src_uri.startswith("articles/synthetic-"):
        return html + "<!-- seen: " + str(len(html)) + " -->"
    return html
"""

#: A hooks module that handles a page event without changing anything.
IDENTITY = """\
def on_page_context(context, page, config, nav):
    return context
"""


def _built_with_hook(root: Path, repo: Path, code: str) -> Path:
    """A project in ``root`` with ``code`` as its hooks module, built once."""
    _project(root, repo)
    (root / "hooks.py").write_text(code, encoding="utf-8")
    yml = root / "mkdocs.yml"
    yml.write_text(yml.read_text("utf-8") + "\nhooks:\n  - hooks.py\n", encoding="utf-8")
    _build(root)
    return root


def test_generated_pages_do_not_hold_their_content_to_the_end(repo: Path,
                                                              tmp_path: Path) -> None:
    root = _built_with_hook(tmp_path / "p", repo, WATCH)
    held = json.loads((root / "held.json").read_text("utf-8"))
    assert held["pages"] > 20  # articles, places, actors, lists: all generated
    # only the search and concordance pages of archive.browser, one each however large the
    # corpus, keep theirs
    assert set(held["held"]) <= {"search.md", "kwic.md"}
    page = (root / "site" / "articles" / "synthetic-2" / "index.html").read_text("utf-8")
    assert "تساقطت الأمطار الغزيرة" in page and 'id="ar-content"' in page


def test_site_is_the_same_as_with_content_made_where_mkdocs_asks(repo: Path,
                                                                 tmp_path: Path) -> None:
    """Cold and warm (pages taken whole from build/): the same bytes as a build in which
    another plugin handles pages, so that the content is made in on_page_content."""
    other = _built_with_hook(tmp_path / "other", repo, IDENTITY)
    alone = tmp_path / "alone"
    _project(alone, repo)
    _build(alone)
    assert _site(alone) == _site(other)
    _build(alone)  # warm: stored whole pages
    assert _site(alone) == _site(other)


def test_a_plugin_that_handles_pages_still_sees_their_content(repo: Path,
                                                              tmp_path: Path) -> None:
    root = _built_with_hook(tmp_path / "p", repo, MARK)
    page = (root / "site" / "articles" / "synthetic-1" / "index.html").read_text("utf-8")
    assert "فاز المنتخب الوطني" in page
    seen = int(page.split("<!-- seen: ", 1)[1].split(" -->", 1)[0])
    assert seen > 1000  # the page's whole content, not an empty placeholder


#: A hooks module (after the plugin in each event) that writes how many objects the collector
#: holds frozen at the end of on_files and of on_post_build.
FROZEN = """\
import gc
import json
seen = {}

def on_files(files, config):
    seen["files"] = gc.get_freeze_count()
    return files

def on_post_build(config):
    seen["post_build"] = gc.get_freeze_count()
    with open("frozen.json", "w") as out:
        json.dump(seen, out)
"""


def test_build_freezes_its_data_from_files_to_the_pages_let_go(repo: Path,
                                                               tmp_path: Path) -> None:
    """`mkdocs build`: what on_pre_build and on_files made is left out of the collector's
    walks while the pages are made (ArchivePlugin._freeze_held), and collectable again once
    the build lets go of it, cold and warm."""
    root = _built_with_hook(tmp_path / "p", repo, FROZEN)
    for _ in range(2):
        seen = json.loads((root / "frozen.json").read_text("utf-8"))
        assert seen["files"] > 10_000
        assert seen["post_build"] == 0
        _build(root)


#: A hooks module that writes whether the collector collects while the plugin loads the
#: corpus (on_pre_build) and writes the data files (on_files), and after each event.
COLLECTING = """\
import gc
import json

import archive.pipeline
from archive.site import export

seen = {}


def _watched(name, fn):
    def run(*args, **kwargs):
        seen[name] = gc.isenabled()
        return fn(*args, **kwargs)
    return run


def on_config(config):
    archive.pipeline.load = _watched("load", archive.pipeline.load)
    export.write_data_files = _watched("export", export.write_data_files)
    return config


def on_pre_build(config):
    seen["after_pre_build"] = gc.isenabled()


def on_files(files, config):
    seen["after_files"] = gc.isenabled()
    return files


def on_post_build(config):
    with open("collecting.json", "w") as out:
        json.dump(seen, out)
"""


def test_build_pauses_the_collector_in_pre_build_and_files(repo: Path, tmp_path: Path) -> None:
    """`mkdocs build`: no automatic collection while on_pre_build and on_files make what the
    build holds (what they made is walked once by _freeze_held's young collection), and the
    collector is on again after each, cold and warm."""
    root = _built_with_hook(tmp_path / "p", repo, COLLECTING)
    for _ in range(2):
        seen = json.loads((root / "collecting.json").read_text("utf-8"))
        assert seen == {"load": False, "export": False, "after_pre_build": True,
                        "after_files": True}
        _build(root)
