"""`archive index` with nothing to do: answered from the freshness note (archive.freshnote)
without importing the index code, and never while anything it would act on changed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SEED_CHANGES, age, aged_seeds, change_seed

from archive import freshnote
from archive.cli import main
from archive.config import Paths
from archive.search.service import leave_for_search

REPO = Path(__file__).resolve().parents[1]
A0 = "000_02dc7bcb46da7aac"


def index(root: Path) -> str:
    result = CliRunner().invoke(main, ["--root", str(root), "index"])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = aged_seeds(tmp_path_factory.mktemp("noop"))
    index(d)
    return d


@pytest.fixture
def paths(built: Path, tmp_path: Path) -> Paths:
    shutil.copytree(built, tmp_path / "a", symlinks=True)
    paths = Paths(tmp_path / "a")
    # (a copied manifest is another file: the note is made again, now that the kept
    # gazetteer is there its sources with it)
    leave_for_search(paths)
    return paths


def test_nothing_to_do_is_said_without_importing_the_index_code(paths: Paths) -> None:
    found = freshnote.unchanged(paths)
    assert found is not None
    code = (
        "import json, sys\n"
        "from archive.cli import main\n"
        "try:\n"
        "    main.main(['--root', sys.argv[1], 'index'])\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('whoosh', 'yaml')"
        " or m in ('archive.index', 'archive.pipeline', 'archive.analysis'))))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    out = subprocess.run([sys.executable, "-c", code, str(paths.root)], env=env,
                         capture_output=True, text=True, check=True).stdout.splitlines()
    assert json.loads(out[-1]) == []
    # what the index code says when it finds nothing to do
    (paths.build / "search" / freshnote.FRESH).unlink()
    assert out[0] + "\n" == index(paths.root)
    assert out[0].startswith(f"index is up to date ({found[1]} articles) → build/search/gen-")


def edit_same_size_and_time(f: Path) -> None:
    st = f.stat()
    text = f.read_text(encoding="utf-8")
    i = text.index("درعا")
    f.write_text(text[:i] + "درعى" + text[i + 4:], encoding="utf-8")
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))


@pytest.mark.parametrize("change", ["add", "delete", "edit", "young-edit", "rename",
                                    "gazetteer", "related", "code", "generation", "twin"])
def test_the_note_never_hides_what_the_index_code_would_do(
        paths: Paths, change: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert freshnote.unchanged(paths) is not None
    f = paths.seeds / f"{A0}.txt"
    if change in SEED_CHANGES:
        change_seed(paths.seeds, f, change)
    elif change == "young-edit":
        # written just before the update: the note vouches for it by content, not by time
        f.write_text(f.read_text(encoding="utf-8") + "\nزرافة\n", encoding="utf-8")
        index(paths.root)
        leave_for_search(paths)
        note = json.loads((paths.build / "search" / freshnote.FRESH).read_text("utf-8"))
        assert paths.rel(f) in note["young"]
        assert freshnote.unchanged(paths) is not None
        edit_same_size_and_time(f)
    elif change == "rename":
        f.rename(paths.seeds / "renamed.txt")
    elif change == "gazetteer":
        places = paths.seeds / "places.yml"
        places.write_text(places.read_text(encoding="utf-8") + "- id: test-new-place\n"
                          "  name: قرية الاختبار\n  type: village\n", encoding="utf-8")
    elif change == "related":
        (paths.build / "related.json").unlink()
    elif change == "code":
        monkeypatch.setattr(freshnote, "quick_key", lambda: "other code")
    elif change == "generation":
        (paths.build / "search" / "CURRENT").write_text("gen-999999\n", encoding="utf-8")
    else:  # a second file with the same id: the index code starts from scratch every time
        shutil.copy(f, f.with_suffix(".md"))
        age(f.with_suffix(".md"))
        index(paths.root)
        leave_for_search(paths)
        assert json.loads((paths.build / "search" / freshnote.FRESH).read_text("utf-8"))[
            "sources"]
    assert freshnote.unchanged(paths) is None


def test_a_note_of_other_code_or_without_the_gazetteer_files_vouches_for_nothing(
        paths: Paths) -> None:
    path = paths.build / "search" / freshnote.FRESH
    note = json.loads(path.read_text(encoding="utf-8"))
    for key in ("sources", "quick", "related", "articles"):
        path.write_text(json.dumps({k: v for k, v in note.items() if k != key}),
                        encoding="utf-8")
        assert freshnote.unchanged(paths) is None, key
    path.write_text(json.dumps(note), encoding="utf-8")
    assert freshnote.unchanged(paths) is not None


def test_a_fresh_index_with_its_related_articles_is_told_by_the_note_not_the_manifest(
        paths: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    """ensure_fresh(related=True) with nothing changed: the note says the related articles
    are the current rule's (the manifest, which lists every file, is not read); a note of
    other code, of another manifest file, or without them, sends it to the manifest, which
    decides as before."""
    from archive.index import build

    reads: list[Path] = []
    real = build.read_manifest

    def counted(gen: Path | None) -> object:
        reads.append(gen)  # type: ignore[arg-type]
        return real(gen)

    monkeypatch.setattr(build, "read_manifest", counted)
    assert build.ensure_fresh(paths, related=True) is None  # a small manifest: read
    assert len(reads) == 1
    monkeypatch.setattr(build, "NOTE_OVER_MANIFEST", 1)
    reads.clear()
    assert build.ensure_fresh(paths, related=True) is None
    assert reads == []
    path = paths.build / "search" / freshnote.FRESH
    note = json.loads(path.read_text(encoding="utf-8"))
    for key, value in (("related", False), ("quick", "other code"), ("manifest", [1, 2, 3]),
                       ("generation", "gen-999999")):
        path.write_text(json.dumps({**note, key: value}), encoding="utf-8")
        reads.clear()
        assert build._related_fresh(paths) is True  # the manifest says so
        assert len(reads) == 1, key
    path.write_text(json.dumps(note), encoding="utf-8")
    # the manifest's rule is another one: not fresh, whatever the note says
    monkeypatch.setattr(build, "RELATED_RULE", "another rule")
    monkeypatch.setattr(freshnote, "quick_key", lambda: "other code")
    assert build._related_fresh(paths) is False
    (paths.build / "related.json").unlink()
    monkeypatch.setattr(freshnote, "quick_key", lambda: note["quick"])
    assert build._related_fresh(paths) is False


def test_the_published_related_ids_are_read_from_their_index(paths: Paths) -> None:
    """build/related.json's ids taken from the generation's related.idx are the file's;
    another text than the indexed one (or no index) gives None: the file is parsed."""
    from archive.index import build
    from archive.site.model import read_related

    published = paths.build / "related.json"
    want = read_related(published)
    assert want and any(want.values())
    got = build.published_related_ids(paths)
    assert got == want and list(got) == list(want)
    text = published.read_text(encoding="utf-8")
    published.unlink()
    published.write_text(text.replace('"id": "', '"id": "x', 1), encoding="utf-8")
    assert build.published_related_ids(paths) is None
    published.unlink()
    published.write_text(text, encoding="utf-8")
    assert build.published_related_ids(paths) == want
    gen = build.current_generation(paths)
    assert gen is not None
    (gen / build.RELATED_INDEX).unlink()
    assert build.published_related_ids(paths) is None
