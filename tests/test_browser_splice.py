"""The text patch of a short term's shard entry (``_splice_short``) against decoding the entry,
patching its postings and encoding it again (``_short_fields``, ``_short_fragment``): the same
text, for random entries, deletions, renumberings and additions."""

from __future__ import annotations

import random

from archive.browser.index import (
    _LEVEL_FIELDS,
    _REF,
    FIELDS,
    LONG_DOCS,
    _holds_any,
    _is_long,
    _level_docs,
    _renumber_in,
    _renumbered_numbers,
    _renumbered_postings,
    _short_fields,
    _short_fragment,
    _splice_short,
)


def _positions(rng: random.Random) -> list[int]:
    return [rng.randrange(1, 300) for _ in range(rng.choice((1, 1, 2, 3, 5)))]


def _fields(rng: random.Random, docs: list[int]) -> dict[int, dict[int, list[int]]]:
    """Postings over ``docs``: each article in one to all fields, a referring field often
    holding the same positions as its reference (written ``=``)."""
    fields: dict[int, dict[int, list[int]]] = {}
    used = rng.sample(range(len(FIELDS)), rng.randint(1, len(FIELDS)))
    for d in docs:
        held = [f for f in used if rng.random() < 0.6] or [rng.choice(used)]
        for f in sorted(held):
            ref = fields.get(_REF[f], {}).get(d) if f in _REF else None
            p = list(ref) if ref is not None and rng.random() < 0.7 else _positions(rng)
            fields.setdefault(f, {})[d] = p
    return fields


def _slow(fragment: str, gone: set[int], moved: dict[int, int],
          add: dict[int, dict[int, list[int]]] | None) -> str | None:
    fields = _short_fields(fragment)
    _renumber_in(fields, gone, moved, _renumbered_postings)
    if add is not None:
        for f, docs in add.items():
            fields.setdefault(f, {}).update(docs)
    if not fields or _is_long(fields):
        return None
    return _short_fragment(fields)


def test_splice_is_the_decoded_patch() -> None:
    rng = random.Random(20261206)
    spliced = 0
    for _ in range(3000):
        n = rng.choice((1, 2, 3, 8, 40, 200))
        docs = sorted(rng.sample(range(5000), n))
        fragment = _short_fragment(_fields(rng, docs))
        gone = set(rng.sample(docs, rng.randint(0, min(2, n)))) if rng.random() < 0.7 else set()
        moved: dict[int, int] = {}
        if rng.random() < 0.3:  # a few articles renumbered (order kept or not)
            for d in rng.sample(docs, min(n, rng.randint(1, 3))):
                if d not in gone:
                    moved[d] = d + rng.choice((1, 2, 3000, -1))
        if rng.random() < 0.5:  # numbers of other terms' articles, not held here
            others = [d for d in rng.sample(range(5000), 4) if d not in docs]
            gone |= set(others[:2])
            moved.update((d, 7000 + d) for d in others[2:])
        add = None
        if rng.random() < 0.6:
            taken = set(docs) - gone
            taken = {moved.get(d, d) for d in taken}
            # new articles, or sometimes one the entry still holds (the decoded patch only)
            free = [d for d in range(5000, 5100) if d not in taken]
            coming = rng.sample(free, rng.randint(1, 2))
            if rng.random() < 0.1 and taken:
                coming.append(rng.choice(sorted(taken)))
            add = {}
            for f, held in _fields(rng, sorted(set(coming))).items():
                add[f] = held
        want = _slow(fragment, gone, moved, add)
        got = _splice_short(fragment, gone, moved, add)
        if got is None:
            continue
        spliced += 1
        assert got[0] == want
        fields = _short_fields(got[0])
        for level in range(len(_LEVEL_FIELDS)):
            assert sorted(_level_docs(got[1], level)) == _level_docs(fields, level)
    assert spliced > 2000  # the usual patches are spliced, not handed back


def test_splice_of_a_few_numbers_in_many_articles() -> None:
    """Few articles gone or moved in a term of many (found by bisection, the order checked
    around them only): the same text as the decoded patch; a move past a neighbour is
    handed back."""
    docs = list(range(0, 1000, 5))
    many = {0: {d: [1, d % 7 + 1] for d in docs}, 1: {d: [2] for d in docs[::3]}}
    fragment = _short_fragment(many)
    for gone, moved in (({10}, {}), ({10, 11, 4000}, {}), (set(), {20: 21, 4001: 9}),
                        ({0, 995}, {500: 501, 990: 994}), (set(), {995: 999})):
        got = _splice_short(fragment, gone, moved, None)
        assert got is not None and got[0] == _slow(fragment, gone, moved, None)
    for moved in ({20: 25}, {20: 30}, {0: 7}, {500: 499, 505: 498}):
        assert _splice_short(fragment, set(), moved, None) is None, moved


def test_splice_hands_back_what_it_cannot_patch() -> None:
    one = _short_fragment({0: {5: [1, 2]}, 1: {5: [1, 2], 9: [4]}})
    assert _splice_short(one, {5, 9}, {}, None) is None  # no article left
    assert _splice_short(one, set(), {5: 10}, None) is None  # order changed
    assert _splice_short(one, set(), {}, {0: {9: [3]}}) is None  # held already
    assert _splice_short(one, {9}, {}, {0: {9: [3]}}) is not None  # lost, then put back
    many = {0: {d: [1] for d in range(LONG_DOCS)}}
    assert _splice_short(_short_fragment(many), set(), {}, {0: {LONG_DOCS: [1]}}) is None


def test_holds_any_is_the_set_test() -> None:
    """Whether a list (ascending) or a dict's keys hold a gone or moved number: by bisection
    or lookup of the few numbers, as the set test over all of them says; and a forms table
    renumbered by it as by the set test."""
    rng = random.Random(5)
    for _ in range(3000):
        numbers = sorted(rng.sample(range(400), rng.choice((0, 1, 2, 5, 40, 200))))
        gone = set(rng.sample(range(400), rng.choice((0, 1, 1, 3, 30))))
        moved = {d: rng.randrange(400) for d in rng.sample(range(400), rng.choice((0, 1, 2)))}
        want = not (gone.isdisjoint(numbers) and moved.keys().isdisjoint(numbers))
        assert _holds_any(numbers, gone, moved) is want
        assert _holds_any(dict.fromkeys(numbers), gone, moved) is want
        table = {"a": list(numbers), "b": numbers[::2]}
        slow = {}
        for k, v in table.items():  # an entry without them left as it is
            if gone.isdisjoint(v) and moved.keys().isdisjoint(v):
                slow[k] = v
            elif kept := sorted(moved.get(d, d) for d in v if d not in gone):
                slow[k] = kept
        _renumber_in(table, gone, moved, _renumbered_numbers)
        assert table == slow
