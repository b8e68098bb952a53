"""``_todo`` with the shard's terms hashed once (``_Hashed``, shared by its postings and its
two forms levels) finds the same terms as hashing each table's terms anew."""

from __future__ import annotations

import random

from archive.browser.index import MANY_TERMS, _hash, _Hashed, _todo


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
