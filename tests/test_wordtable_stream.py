"""The word table written as the analyses of its new forms come in (wordtable.Streamed): the
very bytes :func:`wordtable.save` writes of the whole table, whatever the chunks and the kept
forms between them; nothing replaces the old file when the analysis stops half-way."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from archive.analysis import wordtable


def _tables(seed: int, kept: int, new: int) -> tuple[dict[str, wordtable.Analysis],
                                                     dict[str, wordtable.Analysis]]:
    rng = random.Random(seed)
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
    forms: set[str] = set()
    while len(forms) < kept + new:
        forms.add("".join(rng.choice(letters) for _ in range(rng.randrange(1, 7))))
    every = sorted(forms)
    rng.shuffle(every)
    analysis = {f: (f, f[:3], f[:2] if rng.random() < 0.8 else "") for f in every}
    return ({f: analysis[f] for f in every[:kept]}, {f: analysis[f] for f in every[kept:]})


@pytest.mark.parametrize(("kept", "new", "chunk"), [(0, 1, 1), (0, 300, 7), (50, 300, 64),
                                                     (300, 40, 3), (200, 200, 500),
                                                     (0, 9000, 2000), (5000, 5000, 1000)])
@pytest.mark.parametrize("encoded", [False, True])
def test_the_streamed_table_is_the_saved_one(tmp_path: Path, kept: int, new: int,
                                             chunk: int, encoded: bool) -> None:
    old, fresh = _tables(kept * 31 + new, kept, new)
    whole = {**old, **fresh}
    alts = {f: (f[::-1] if i % 3 else "") for i, f in enumerate(sorted(whole)) if i % 2}
    wordtable.save(tmp_path / "saved", whole, alts)
    missing = sorted(fresh)
    with wordtable.Streamed(tmp_path / "streamed", dict(old)) as out:
        for i in range(0, len(missing), chunk):
            part = missing[i:i + chunk]
            # (encoded: with the rows' text a worker made, used where no kept form falls
            # among them)
            columns = [[fresh[f][k] for f in part] for k in range(3)]
            text = wordtable.rows_text(part, *columns) if encoded else None
            out.add(part, {f: fresh[f] for f in part}, text)
        out.finish(alts)
    saved = (tmp_path / "saved" / wordtable.FILE_NAME).read_bytes()
    assert (tmp_path / "streamed" / wordtable.FILE_NAME).read_bytes() == saved
    # both the text of json.dumps of the whole table (what the file's format says)
    assert saved.decode("utf-8") == json.dumps(
        {"fingerprint": wordtable.fingerprint(),
         "words": [[f, *whole[f]] for f in sorted(whole)],
         "alts": [[f, alts[f]] for f in sorted(alts) if alts[f]]},
        ensure_ascii=False, separators=(",", ":"))
    kept_back = wordtable.read(tmp_path / "streamed")
    assert kept_back is not None and kept_back.whole()[0] == whole


def test_a_stream_stopped_half_way_leaves_the_old_table(tmp_path: Path) -> None:
    old, fresh = _tables(3, 20, 20)
    wordtable.save(tmp_path, old, {})
    before = (tmp_path / wordtable.FILE_NAME).read_bytes()
    missing = sorted(fresh)
    with pytest.raises(KeyError):
        with wordtable.Streamed(tmp_path, dict(old)) as out:
            out.add(missing[:5], {f: fresh[f] for f in missing[:5]})
            raise KeyError("a worker failed")
    with pytest.raises(RuntimeError, match="unfinished"):
        with wordtable.Streamed(tmp_path, dict(old)) as out:
            out.add(missing, fresh)
    assert (tmp_path / wordtable.FILE_NAME).read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
