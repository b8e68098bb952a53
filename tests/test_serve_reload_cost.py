"""What a `mkdocs serve` reload no longer pays for: the related articles published in build/
as a link to the generation's file (not a second copy written and flushed), and no freezing of
every object around an analysis of new word forms that forks no worker."""

from __future__ import annotations

import gc
import json
import os
import shutil
from typing import Any

import pytest

from archive import pipeline
from archive.analysis import wordtable
from archive.config import Paths
from archive.index.build import RELATED, current_generation, update_index
from archive.index.related import related_from_features
from archive.pipeline import analyse, load


def test_build_related_json_is_the_generations_file_and_never_rewritten_in_place(
        archive_paths: Paths) -> None:
    update_index(archive_paths)
    published = archive_paths.build / RELATED
    gen = current_generation(archive_paths)
    assert gen is not None
    assert os.stat(published).st_ino == os.stat(gen / RELATED).st_ino
    first = published.read_bytes()
    held = open(published, "rb")  # noqa: SIM115  (as a served site or a reader holds it)
    try:
        seed = sorted(archive_paths.seeds.iterdir())[0]
        seed.write_text(seed.read_text(encoding="utf-8") + "\n\nمفاوضات درعا والقنيطرة "
                        "والسويداء\n", encoding="utf-8")
        update_index(archive_paths)
        new_gen = current_generation(archive_paths)
        assert new_gen is not None and new_gen != gen
        assert os.stat(published).st_ino == os.stat(new_gen / RELATED).st_ino
        assert held.read() == first  # the file a reader had open was replaced, not changed
    finally:
        held.close()
    # and it is what the generation's features give, computed from scratch
    from archive.index.build import _read_features

    feats = _read_features(new_gen)
    assert feats is not None
    assert json.loads(published.read_text(encoding="utf-8")) == json.loads(
        json.dumps(related_from_features(feats)))


def test_serial_analysis_of_new_forms_leaves_the_collector_alone(
        archive_paths: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    """A reload's few new word forms are analysed in this process: nothing to freeze for a
    fork (asking whether anything is frozen walks every frozen object); on workers, the
    objects are frozen while they fork, as before."""
    calls: list[int] = []
    real = pipeline._frozen

    def spy() -> Any:
        calls.append(1)
        return real()

    monkeypatch.setattr(pipeline, "_frozen", spy)
    one = analyse(load(archive_paths), workers=1)
    assert one.analysed and not calls
    assert gc.get_freeze_count() == 0
    # the same forms again, all new (no word table, no records), on two workers
    shutil.rmtree(archive_paths.build / "analysis")
    (archive_paths.build / wordtable.FILE_NAME).unlink()
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_ARTICLES", 1)
    monkeypatch.setattr(wordtable, "PARALLEL_MIN_FORMS", 1)
    two = analyse(load(archive_paths), workers=2)
    assert two.analysed == one.analysed and calls
