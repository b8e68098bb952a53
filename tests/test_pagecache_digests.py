"""The page cache's digests made at once (Lookups.digest, PageCache.inputs_digest) against the
line-by-line digests they replace."""

from __future__ import annotations

import hashlib
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from archive.site.pagecache import Lookups, Memo, PageCache, code_fingerprint, stable

_TEXT = st.text(st.sampled_from(list("قصفاجتمع <>&\"'\0\n:") + ["\U0001F600", "é"]), max_size=8)
_PAIRS = st.lists(st.tuples(st.sampled_from(["link", "has", "entity", "count"]), _TEXT),
                  max_size=20, unique=True)


def _answer(kind: str, key: str) -> Any:
    return {"link": key + "/", "has": bool(len(key) % 2), "entity": None}.get(kind, [key, 3])


def _old_digest(lookups: Lookups, asked: list[list[str]] | None = None) -> str:
    pairs = sorted(lookups.asked) if asked is None else [(k, v) for k, v in asked]
    h = hashlib.sha256()
    for kind, key in pairs:
        answer = stable(lookups.answer(kind, key), None)
        h.update(f"{kind}\0{key}\0{answer!r}\n".encode())
    return h.hexdigest()


@settings(max_examples=200, deadline=None)
@given(pairs=_PAIRS, memo=st.booleans())
def test_lookups_digest_is_the_line_by_line_digest(pairs: list[tuple[str, str]],
                                                   memo: bool) -> None:
    lookups = Lookups(_answer, Memo() if memo else None)
    for kind, key in pairs:
        lookups.ask(kind, key)
    expected = _old_digest(lookups)
    assert lookups.digest() == expected
    assert lookups.digest() == expected  # (again, from the memo's answers when kept)
    asked = [list(p) for p in sorted(pairs)]
    assert lookups.digest(asked) == _old_digest(lookups, asked) == expected


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(st.one_of(_TEXT, st.integers(), st.none(),
                                st.lists(_TEXT, max_size=3),
                                st.dictionaries(_TEXT, st.integers(), max_size=3)),
                      max_size=8))
def test_inputs_digest_is_the_part_by_part_digest(parts: list[Any]) -> None:
    h = hashlib.sha256(code_fingerprint().encode())
    for part in parts:
        h.update(repr(stable(part, None)).encode() + b"\0")
    assert PageCache.inputs_digest(parts) == h.hexdigest()
    assert PageCache.inputs_digest(parts, Memo()) == h.hexdigest()
