"""What a rebuild's browser stage skips: ``_todo`` with the shard's terms hashed once
(``_Hashed``, shared by its postings and its two forms levels) finds the same terms as hashing
each table's terms anew; ``_Out.put`` of a file known to have changed does not read the old
one back, and stores the same bytes."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from archive.browser.index import (
    MANY_TERMS,
    STORED,
    BrowserIndexReport,
    _hash,
    _Hashed,
    _Out,
    _todo,
    pack,
)


def test_shared_hashes_find_the_same_terms() -> None:
    rng = random.Random(7)
    words = [f"ك{rng.randrange(10**6)}ت{i}" for i in range(600)]
    dirty = {_hash(w) for w in rng.sample(words, 80)}
    postings = dict.fromkeys(words[:400], 0)
    levels = [dict.fromkeys(words[150:450], 0), dict.fromkeys(words[:MANY_TERMS // 2], 0)]
    new = dict.fromkeys(words[590:], 0)
    hashed = _Hashed()
    for entries in (postings, *levels):
        want = set(new) | {t for t in entries if _hash(t) in dirty}
        assert _todo(entries, new, True, False, dirty, hashed) == want
        assert _todo(entries, new, True, False, dirty) == want
    assert hashed.terms == set(words[:450])
    assert _todo(postings, new, False, False, dirty, _Hashed()) == set(new)
    assert _todo(postings, new, True, True, dirty, _Hashed()) == set(new) | set(postings)


def test_put_of_a_changed_file_does_not_read_it(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    out = _Out(tmp_path, BrowserIndexReport(tmp_path, 0))
    out.put("lunr/3.json", '{"a":1}')
    out.put("lunr/3.json", '{"a":1}')  # the same text: kept, not written again
    assert (out.report.written, out.report.kept) == (1, 1)
    reads: list[Path] = []
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        reads.append(self)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    out.put("lunr/3.json", '{"a":2}', changed=True)
    out.put("forms/4.json", '{"b":[]}', changed=True)  # no file, no folder yet
    assert reads == []
    assert (tmp_path / f"lunr/3.json{STORED}").read_bytes() == pack('{"a":2}')
    assert (tmp_path / f"forms/4.json{STORED}").read_bytes() == pack('{"b":[]}')
    assert out.report.written == 3
