"""The text patch of a forms entry (``_spliced_forms``, archive.browser.formsplice) against making
the entry again from its forms (``_patch_fragment``): the same text through ``_patch_forms``,
for random entries, deletions, renumberings and additions."""

from __future__ import annotations

import marshal
import random
from typing import Any

import pytest

import archive.browser.index as index
from archive.browser.digits import codes_text
from archive.browser.formsplice import _Cells, splice_codes
from archive.browser.index import _LEVEL_FIELDS, _hash, _patch_forms, _patch_fragment


def _codes(rng: random.Random, n: int, forms: int) -> list[int | list[int]]:
    out: list[int | list[int]] = []
    for _ in range(n):
        r = rng.random()
        if r < 0.1:
            out.append(-1)
        elif r < 0.35:
            out.append(sorted(rng.sample(range(forms), rng.randint(2, min(forms, 4)))))
        else:
            out.append(rng.randrange(forms))
    return out


def test_cells_are_found_where_the_codes_are() -> None:
    rng = random.Random(12)
    for _ in range(500):
        forms = rng.choice((2, 5, 62, 63, 64, 200, 5000))
        codes = _codes(rng, rng.randint(0, 60), forms)
        text = codes_text(codes)
        cells = _Cells(text)
        assert cells.ok and cells.count == len(codes)
        places = [cells.offset(p) for p in range(len(codes) + 1)]
        assert places[-1] == len(text) and cells.offset(len(codes) + 5) == len(text)
        assert [text[a:b] for a, b in zip(places, places[1:], strict=False)] == [
            codes_text([c]) for c in codes]
    assert not _Cells(codes_text([[*range(70)]])).ok  # a list of 64 forms or more


def _norms(rng: random.Random, holders: dict[int, list[int]], names: list[str]
           ) -> dict[str, dict[str, list[int]]]:
    """Forms → spellings → articles (ascending) from each article's forms."""
    norms: dict[str, dict[str, list[int]]] = {}
    for d, forms in sorted(holders.items()):
        for i in forms:
            norm = names[i]
            spelling = norm if rng.random() < 0.7 else norm + rng.choice("ًٌٍَُِ")
            norms.setdefault(norm, {}).setdefault(spelling, []).append(d)
    return norms


def _moves(rng: random.Random, old_docs: list[int], gone: set[int], taken: set[int]
           ) -> dict[int, int]:
    """A slot probe's renumbering of one or two articles: to a free number between their
    neighbours (the order kept), or far off (the order changed)."""
    moved: dict[int, int] = {}
    for i in rng.sample(range(len(old_docs)), min(2, len(old_docs))):
        d = old_docs[i]
        if d in gone:
            continue
        lo = old_docs[i - 1] + 1 if i else 0
        hi = old_docs[i + 1] if i + 1 < len(old_docs) else 4000
        free = [n for n in range(lo, hi) if n != d and n not in taken]
        below = [n for n in range(lo - 1) if n not in taken]
        r = rng.random()
        moved[d] = (rng.choice(free) if free and r < 0.6
                    else rng.choice(below) if below and r < 0.8 else 6000 + i)
        taken.add(moved[d])
    return moved


def _case(rng: random.Random) -> dict[str, Any]:
    level = rng.randrange(2)
    a, b = _LEVEL_FIELDS[level]
    count = rng.choice((2, 3, 8, 40, 300))
    names = sorted({f"ك{rng.randrange(10**5)}" for _ in range(rng.choice((2, 3, 9, 70, 130)))})
    old_docs = sorted(rng.sample(range(4000), count))
    holders = {d: sorted(rng.sample(range(len(names)),
                                    min(len(names), rng.choice((0, 1, 1, 1, 2, 3)))))
               for d in old_docs}
    old_norms = _norms(rng, holders, names)
    old_fields = {a: [d for d in old_docs if rng.random() < 0.8], b: []}
    old_fields[b] = [d for d in old_docs if d not in old_fields[a] or rng.random() < 0.3]
    gone = set(rng.sample(old_docs, rng.choice((0, 1, 1, 2))))
    if rng.random() < 0.2:
        gone.add(5000 + rng.randrange(10))  # not held by the term
    coming = sorted(set(rng.sample(range(4500), rng.choice((0, 1, 1, 2)))) - set(old_docs))
    if rng.random() < 0.05 and old_docs[0] not in gone:
        coming.append(old_docs[0])  # held already
    moved = (_moves(rng, old_docs, gone, {*old_docs, *gone, *coming}) if rng.random() < 0.3
             else {})
    if moved and rng.random() < 0.5:  # an article coming where one moved from (a slot probe)
        coming = sorted({*coming, next(iter(moved))})
    came = {d: sorted(rng.sample(range(len(names)), min(len(names), rng.choice((0, 1, 1, 2)))))
            for d in coming}
    if rng.random() < 0.1 and coming:
        names.append(names[-1] + "ة")  # a form the term did not have
        came[coming[0]] = [len(names) - 1]
    add = _norms(rng, came, names)
    posted = {a: {d: [1] for d in coming}}
    if rng.random() < 0.05 and coming:
        posted = {0: {d: [1] for d in coming}}  # not at this level: the explicit entry
    new_fields = {f: sorted({moved.get(d, d) for d in held if d not in gone}
                            | set(posted.get(f, ()))) for f, held in old_fields.items()}
    term = "ترم"
    old_entry = (_patch_fragment(term, old_norms, sorted({*old_fields[a], *old_fields[b]})),
                 marshal.dumps(old_norms, 2))
    return {"entries": {term: old_entry}, "new": {term: add} if add else {},
            "gone": gone, "moved": moved, "level": level, "touched": {term: new_fields},
            "incoming": {term: posted}, "before": {term: old_fields},
            "empty": not old_norms}


def test_patched_forms_are_the_forms_made_again(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(20261206)
    spliced = tried = 0
    real = index._spliced_forms

    def counted(*args: Any) -> str | None:
        nonlocal spliced, tried
        got = real(*args)
        tried += 1
        spliced += got is not None
        return got

    monkeypatch.setattr(index, "_spliced_forms", counted)
    for _ in range(3000):
        case = _case(rng)
        if case["empty"]:
            continue
        results = []
        for before in (None, case["before"]):
            entries = dict(case["entries"])
            _patch_forms(entries, case["new"], True, False, {_hash("ترم")}, case["gone"],
                         case["moved"], {}, case["level"], None, case["touched"], None,
                         case["incoming"], before)
            results.append({t: e[0] for t, e in entries.items()})
        assert results[0] == results[1]
    assert tried >= 1200 and spliced >= 1000, (tried, spliced)


def test_splice_hands_back_what_it_cannot_do() -> None:
    codes = codes_text([0, 1, [0, 1], -1])
    docs = [2, 4, 6, 8]
    assert splice_codes(codes, docs, [2, 4, 6], {8}, {}, {}) == codes_text([0, 1, [0, 1]])
    assert splice_codes(codes, docs, [4, 6, 8, 9], set(), {2: 9}, {}) == codes_text(
        [1, [0, 1], -1, 0])  # moved past the others
    assert splice_codes(codes, docs, [2, 4, 6, 8], set(), {2: 9}, {}) is None  # 9 not there
    assert splice_codes(codes, docs, [2, 4, 6, 8], set(), {}, {4: [1]}) is None  # held already
    assert splice_codes(codes, docs, [2, 3, 4, 6, 8], set(), {}, {3: []}) == codes_text(
        [0, -1, 1, [0, 1], -1])
    assert splice_codes(codes, docs, [2, 4, 6, 8], set(), {}, {3: [0]}) is None  # not posted
    assert splice_codes(codes, docs[:3], docs[:3], set(), {}, {}) is None  # counts disagree
