"""What a rebuild's browser stage skips: ``_todo`` with the shard's terms hashed once
(``_Hashed``, shared by its postings and its two forms levels; ``_preloaded``: every changed
shard's at once) finds the same terms as hashing each table's terms anew; ``_Out.put`` of a
file known to have changed does not read the old one back, and stores the same bytes; a
shard whose entries' fragments are the same (``_same_text``) is not taken for changed."""

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
    _load_shard,
    _Out,
    _preloaded,
    _same_text,
    _save_shard,
    _todo,
    pack,
)
from archive.browser.shardpack import ShardPack


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


def test_preloaded_shards_hash_their_terms_as_todo_does(tmp_path: Path) -> None:
    rng = random.Random(11)
    words = [f"ر{rng.randrange(10**6)}م{i}" for i in range(900)]
    dirty = {_hash(w) for w in rng.sample(words, 120)}
    states = ShardPack(tmp_path, fresh=True)
    for k in range(3):  # shard 3: no state
        part = words[k * 300:(k + 1) * 300]
        state = ({t: ("", None, False) for t in part[:250]},
                 [{t: ("", b"") for t in part[200:280]}, {t: ("", b"") for t in part[290:]}])
        _save_shard(states, k, *state)
    loaded, hashed = _preloaded(states, [0, 1, 2, 3], dirty)
    assert loaded[3] is None and loaded[1] == _load_shard(states, 1)
    states.close()
    for k in range(3):
        lunr, levels = loaded[k]  # type: ignore[misc]
        for entries in (lunr, *levels):
            want = {t for t in entries if _hash(t) in dirty}
            assert _todo(entries, {}, True, False, dirty, hashed[k]) == want
    assert hashed[3].terms == set()
    assert hashed[0].terms == set(words[:280]) | set(words[290:300])


def test_same_text_looks_at_fragments_only() -> None:
    a = {"x": ("f1", b"\x01"), "y": ("f2", b"\x02")}
    assert _same_text({"x": ("f1", b"\x09"), "y": ("f2", b"\x02")}, a)  # data in another order
    assert not _same_text({"x": ("f1", b"\x01"), "y": ("f3", b"\x02")}, a)
    assert not _same_text({"x": ("f1", b"\x01")}, a)
    assert not _same_text({**a, "z": ("f4", b"")}, a)
