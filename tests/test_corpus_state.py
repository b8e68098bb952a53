"""corpus.pickle keeps each seed file's parse as a pickle of its own (archive.corpus.state): a
build with one file changed pickles that file's parse only and copies the others' bytes, and
the corpus read back is the one a fresh parse gives; a damaged file is never used."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from archive import pipeline
from archive.config import Paths
from archive.corpus import state
from archive.pipeline import load


def _fields(loaded: pipeline.Loaded) -> list[Any]:
    return [(a, a.text) for a in loaded.articles] + [loaded.problems]


def _fresh(paths: Paths) -> list[Any]:
    (paths.build / pipeline.CORPUS_CACHE).unlink(missing_ok=True)
    state._STORED.clear()
    return _fields(load(paths))


@pytest.fixture
def pickled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the articles whose parse was pickled."""
    seen: list[str] = []
    real = pipeline._dumps_parse

    def spy(parse: Any) -> bytes:
        seen.append(parse[0].id if parse[0] is not None else "")
        return real(parse)

    monkeypatch.setattr(pipeline, "_dumps_parse", spy)
    return seen


def test_a_build_pickles_only_the_changed_files_parse(archive_paths: Paths,
                                                      pickled: list[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # (written again even after a few changed files: see test_corpus_state_patch.py)
    monkeypatch.setattr(pipeline, "RESAVE_FILES", 0)
    cache = archive_paths.build / pipeline.CORPUS_CACHE
    first = _fresh(archive_paths)
    seeds = sorted(p for p in archive_paths.seeds.iterdir() if p.suffix in (".txt", ".md"))
    assert len(pickled) == len(seeds) > 3
    pickled.clear()
    stamp = cache.stat().st_mtime_ns
    assert _fields(load(archive_paths)) == first and pickled == []
    assert cache.stat().st_mtime_ns == stamp  # nothing changed: not written
    # another process, nothing changed: the corpus read back whole, not made from the parses
    from archive.corpus import loader

    state._STORED.clear()
    made: list[int] = []
    real = loader.load_corpus
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(loader, "load_corpus", lambda *a: made.append(1) or real(*a))
        assert _fields(load(archive_paths)) == first and made == []
    state._STORED.clear()  # another process: what it reads is all it knows
    with open(seeds[1], "a", encoding="utf-8") as fh:
        fh.write("\nسطر جديد.\n")
    (archive_paths.seeds / "zz-new.md").write_text("---\ntitle: خبر جديد\n---\nنص جديد.\n",
                                                   encoding="utf-8")
    seeds[2].unlink()
    edited = _fields(load(archive_paths))
    assert sorted(pickled) == sorted([seeds[1].stem, "zz-new"])
    state._STORED.clear()
    pickled.clear()
    assert _fields(load(archive_paths)) == edited and pickled == []  # read back whole
    assert edited == _fresh(archive_paths)


@pytest.mark.parametrize("damage", ["truncated", "index", "tiles", "a letter", "index byte",
                                    "another writer"])
def test_a_damaged_state_is_parsed_again(archive_paths: Paths, damage: str,
                                         monkeypatch: pytest.MonkeyPatch,
                                         caplog: pytest.LogCaptureFixture) -> None:
    cache = archive_paths.build / pipeline.CORPUS_CACHE
    first = _fresh(archive_paths)
    data = cache.read_bytes()
    foot = state.FOOT
    at = int.from_bytes(data[-foot:-foot + 8], "big")
    if damage == "truncated":
        cache.write_bytes(data[:-40])
    elif damage == "index":
        cache.write_bytes(data[:at] + b"\x00" * (len(data) - at - foot) + data[-foot:])
    elif damage == "tiles":  # one more byte before the index: the parses no longer tile it
        cache.write_bytes(data[:at] + b"x" + data[at:-foot] + (at + 1).to_bytes(8, "big")
                          + data[-foot + 8:])
    elif damage == "a letter":  # a letter of an article's text, another: still a pickle
        k = data.index("ال".encode(), state.HEAD)
        cache.write_bytes(data[:k] + "ب".encode() + data[k + 2:])
        state._STORED.clear()
        mangled = state.read(cache, data[65:state.HEAD].decode("ascii"))
        assert mangled == ("", {}, None)
    elif damage == "index byte":  # a stamp of the index, another (its CRC-32 no longer holds)
        k = data.index(b"\x00", at + 40)
        cache.write_bytes(data[:k] + b"\x01" + data[k + 1:])
    else:  # replaced (same bytes but one) since this process wrote it: nothing copied
        cache.write_bytes(data[:200] + bytes([data[200] ^ 1]) + data[201:])
    parsed: list[str] = []
    from archive.corpus import loader

    real = loader.parse_article
    monkeypatch.setattr(loader, "parse_article",
                        lambda raw, i, rel: parsed.append(i) or real(raw, i, rel))
    caplog.set_level(logging.INFO, logger="mkdocs.plugins.archive")
    seeds = sorted(p for p in archive_paths.seeds.iterdir() if p.suffix in (".txt", ".md"))
    if damage == "another writer":
        with open(seeds[0], "a", encoding="utf-8") as fh:
            fh.write("\nسطر.\n")
        got = load(archive_paths)  # the file's key is another: written anew, from scratch
        assert parsed == [seeds[0].stem] or len(parsed) == len(seeds)
        state._STORED.clear()
        assert _fields(load(archive_paths)) == _fields(got)
        assert _fields(got) == _fresh(archive_paths)
        return
    again = _fields(load(archive_paths))
    assert sorted(parsed) == sorted(p.stem for p in seeds) and "not used" in caplog.text
    assert again == first


def test_segments_dates_and_evidence_pickle_quickly_and_read_the_older_state() -> None:
    """The frozen parts of an article pickle as the tuple of their fields (archive.corpus.
    article._quick_pickle) and read back equal, still frozen; the list the dataclass's own
    pickling wrote (corpus.pickle of earlier code) reads back the same."""
    import dataclasses
    import pickle

    from archive.corpus.article import Evidence, MentionedDate, Segment

    for obj in (Segment(3, 9, "boilerplate", "headline"), MentionedDate("--05-01", 1, 7, "x"),
                Evidence(0, 4, "واس", "agency")):
        state = obj.__getstate__()  # type: ignore[attr-defined]
        assert state == tuple(getattr(obj, f.name) for f in dataclasses.fields(obj))
        again = pickle.loads(pickle.dumps(obj, protocol=5))
        assert again == obj and hash(again) == hash(obj) and type(again) is type(obj)
        with pytest.raises(dataclasses.FrozenInstanceError):
            again.start = 1  # type: ignore[misc]
        older = object.__new__(type(obj))
        older.__setstate__(list(state))  # type: ignore[attr-defined]
        assert older == obj
        with pytest.raises(ValueError):  # a state of another shape is refused
            object.__new__(type(obj)).__setstate__(state[:-1])  # type: ignore[attr-defined]


def test_a_corpus_read_back_does_not_import_the_parsers(archive_paths: Paths) -> None:
    """Nothing changed in seeds/: the corpus comes from corpus.pickle without importing
    archive.corpus.loader (the parsers compile their regular expressions at import), and it
    is the corpus a parse gives."""
    import subprocess
    import sys

    first = _fresh(archive_paths)
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from archive.config import Paths\n"
        "from archive.pipeline import load\n"
        "loaded = load(Paths(Path(sys.argv[1])))\n"
        "print(len(loaded.articles), 'archive.corpus.loader' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(archive_paths.root)],
                         capture_output=True, text=True, check=True).stdout.split()
    assert out == [str(len(first) - 1), "False"]
    # a changed file: parsed, by the loader
    seed = sorted(p for p in archive_paths.seeds.iterdir() if p.suffix in (".txt", ".md"))[0]
    seed.write_text(seed.read_text(encoding="utf-8") + "\nسطر آخر.\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-c", code, str(archive_paths.root)],
                         capture_output=True, text=True, check=True).stdout.split()
    assert out == [str(len(first) - 1), "True"]
