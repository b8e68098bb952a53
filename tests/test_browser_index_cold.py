"""The cold write path's helpers of ``archive.browser.index`` against their plain reference."""

from __future__ import annotations

import random

import pytest

from archive.browser import articleterms
from archive.browser import index as browser_index


def test_js_sorted_is_javascripts_string_order() -> None:
    # beyond the BMP a character is two code units (a surrogate pair, 0xD800…): JavaScript
    # puts it before U+E000…U+FFFF, Python's order after
    assert browser_index._js_sorted(["\uffff", "\U0001f600", "a"]) == ["a", "\U0001f600",
                                                                       "\uffff"]
    alphabet = ["a", "ب", "ي", "\ue000", "\uffff", "\U00010000", "\U0001f600", "\ud7ff"]
    rng = random.Random(5)
    for _ in range(500):
        terms = list({"".join(rng.choices(alphabet, k=rng.randint(0, 4)))
                      for _ in range(rng.randint(0, 12))})
        assert browser_index._js_sorted(terms) == sorted(terms,
                                                         key=browser_index._utf16_key), terms


def test_term_frequencies_of_dense_and_sparse_fields() -> None:
    rng = random.Random(7)
    for _ in range(200):
        docs = sorted(rng.sample(range(5000), rng.randint(1, 600)))
        fields: dict[int, dict[int, list[int]]] = {}
        for f in rng.sample(range(8), rng.randint(1, 8)):
            share = rng.choice([1.0, 0.9, 0.5, 0.2, 0.05, 0.01])
            held = [d for d in docs if rng.random() < share] or docs[:1]
            fields[f] = {d: [1] * rng.randint(1, 4) for d in held}
        want = {f: [len(held[d]) if d in held else 0 for d in docs]
                for f, held in fields.items()}
        got = browser_index._term_frequencies(fields, docs)
        assert got == want
        assert list(got) == list(fields)  # the fields' order (the summary is marshalled)


def _position_lists(rng: random.Random) -> list[list[int]]:
    """Positions lists as the analysis gives them: mostly one position, some several (not
    always ascending: entity keys), some beyond the digits' table (1 << 16)."""
    out: list[list[int]] = []
    for _ in range(rng.randint(1, 60)):
        size = rng.choice([1, 1, 1, 1, 2, 3, 7])
        top = rng.choice([100, 5000, 70_000])
        out.append([rng.randrange(top) for _ in range(size)])
    return out


def test_cells_are_the_delta_positions_text() -> None:
    from archive.browser.digits import numbers_text

    rng = random.Random(13)
    for _ in range(300):
        lists = _position_lists(rng)
        copies = [list(p) for p in lists]
        want = [numbers_text(browser_index.delta_encode(p)) for p in lists]
        assert articleterms.cells(lists) == want
        assert lists == copies  # not changed in place


def _fields(rng: random.Random, docs: list[int]) -> dict[int, dict[int, list[int]]]:
    fields: dict[int, dict[int, list[int]]] = {}
    for f in rng.sample(range(8), rng.randint(1, 8)):
        held = [d for d in docs if rng.random() < rng.choice([1.0, 0.5, 0.1])] or docs[:1]
        fields[f] = {d: browser_index.delta_encode(sorted(rng.sample(range(90_000),
                                                                     rng.randint(1, 4))))
                     for d in held}
    for f, ref in browser_index._REF.items():  # some cells equal to their reference's
        if f in fields and ref in fields:
            for d in list(fields[f])[::2]:
                if d in fields[ref]:
                    fields[f][d] = list(fields[ref][d])
    return fields


@pytest.mark.parametrize("long_docs", [0, 3, browser_index.LONG_DOCS])
def test_fragments_from_cells_equal_those_from_lists(monkeypatch: pytest.MonkeyPatch,
                                                     long_docs: int) -> None:
    """A cold build's shard entries from the spill's cells (text) are the text the lists'
    path writes: short terms, long terms (summary and positions files), every shape."""
    from archive.browser.digits import numbers_text

    monkeypatch.setattr(browser_index, "LONG_DOCS", long_docs)
    rng = random.Random(17 + long_docs)
    slots = 1 << 12
    for _ in range(300):
        docs = sorted(rng.sample(range(slots), rng.choice([1, 1, 2, 5, 40])))
        fields = _fields(rng, docs)
        cells = {f: {d: numbers_text(p) for d, p in held.items()} for f, held in fields.items()}
        assert (browser_index._posting_fragment(cells, slots, cells=True)
                == browser_index._posting_fragment(fields, slots))
        assert (browser_index._short_fragment(cells, str)
                == browser_index._short_fragment(fields))
        terms = {"t": fields}
        got: dict[str, dict[str, str | None]] = {}
        want: dict[str, dict[str, str | None]] = {}
        assert (browser_index._fresh_postings({"t": cells}, slots, got)
                == {"t": _entry(browser_index._posting_fragment(terms["t"], slots), want)})
        assert got == want


def _entry(made: tuple[str, dict[str, str], object], fragments: dict[str, dict[str, str | None]]
           ) -> tuple[object, ...]:
    import marshal

    lunr, pos, long = made
    for key, fragment in pos.items():
        fragments.setdefault(key, {})["t"] = fragment
    return (lunr, None, False) if long is None else (lunr, marshal.dumps(long, 2), True)


def test_hashes_are_term_hashes_across_a_full_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browser_index, "HASH_CACHE", 50)
    monkeypatch.setattr(browser_index, "_HASHES", {})
    rng = random.Random(19)
    words = ["".join(rng.choices("ابتثجحخ", k=rng.randint(1, 6))) for _ in range(400)]
    for size in (0, 1, 10, 40, 49, 60, 200):
        terms = rng.sample(words, min(size, len(words)))
        assert browser_index._hashes(terms) == list(map(browser_index.term_hash, terms))
        assert len(browser_index._HASHES) <= 50


def _expanded(group: tuple[int, list, list]) -> list[tuple[int, str, str, str]]:
    """A spilled group's forms as ``(level, term, normalized, spelling)``, the way
    ``_write_shards`` reads them."""
    h, posts, forms = group
    out = []
    for item in forms:
        if len(item) == 3:
            assert len(posts) == 1
            level, norm, spelling = item
            term = posts[0][0]
        else:
            level, term, norm, spelling = item
        out.append((level, term, norm, norm if spelling is None else spelling))
    return out


@pytest.mark.parametrize("weak", [False, True])
def test_term_groups_hold_every_posting_and_form_under_its_hash(
        monkeypatch: pytest.MonkeyPatch, weak: bool) -> None:
    """Each term's postings and forms are in the group of its hash, whatever shares a hash
    (``weak``: a hash of a few values, so that terms collide), in the terms' order."""
    import marshal

    monkeypatch.setattr(browser_index, "_HASHES", {})
    if weak:  # the Python twin's groups (C's with a weak hash: tests/test_native_terms.py)
        monkeypatch.setattr(browser_index, "_cterms", None)
        monkeypatch.setattr(browser_index, "term_hash", lambda t: len(t) % 3)
    hash_of = browser_index.term_hash
    rng = random.Random(23 + weak)
    letters = "ابتثجح"
    for _ in range(200):
        words = list(dict.fromkeys("".join(rng.choices(letters, k=rng.randint(1, 4)))
                                   for _ in range(rng.randint(0, 12))))
        posted = [w for w in words if rng.random() < 0.8]
        postings = {w: [rng.randrange(8), "#"] for w in posted}
        forms = []
        for w in words:
            for level in rng.sample([0, 1], rng.randint(0, 2)):
                for norm in rng.sample(words, rng.randint(1, min(3, len(words)))):
                    forms.append((level, w, norm, rng.choice([norm, norm + "ى"])))
        hashes, groups = browser_index._term_groups(
            postings, {(level, term, norm): spelling for level, term, norm, spelling in forms})
        decoded = [marshal.loads(g) for g in groups]
        assert hashes == [g[0] for g in decoded] and len(set(hashes)) == len(hashes)
        assert all(marshal.dumps(g, 2) == b for g, b in zip(decoded, groups, strict=True))
        want_posts: dict[int, list] = {}
        want_forms: dict[int, list] = {}
        for term, flat in postings.items():
            want_posts.setdefault(hash_of(term), []).append((term, flat))
        for item in forms:
            want_forms.setdefault(hash_of(item[1]), []).append(item)
        assert {g[0]: g[1] for g in decoded if g[1]} == want_posts
        for g in decoded:
            got = _expanded(g)
            want = want_forms.get(g[0], [])
            assert sorted(got) == sorted(want)
            for term in {f[1] for f in want}:  # each term's forms in order
                assert [f for f in got if f[1] == term] == [f for f in want if f[1] == term]


def _random_norms(rng: random.Random, pool: list[int]) -> dict[str, dict[str, list[int]]]:
    """A term's forms as gathered: normalized → spelling → its articles (ascending), with
    several spellings, articles holding several forms and, now and then, an article twice."""
    norms: dict[str, dict[str, list[int]]] = {}
    for _ in range(rng.choice([1, 1, 2, 3, 7, 70])):
        norm = rng.choice(["ب", "بت", 'a"b', "ك\\", "x"]) + str(rng.randrange(200))
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            spelling = rng.choice([norm, norm + "ً", "ـ" + norm])
            numbers = rng.sample(pool, rng.randint(1, min(len(pool), 6)))
            if rng.random() < 0.05:
                numbers.append(numbers[0])  # an article twice (a rebuild's patched lists)
            norms.setdefault(norm, {})[spelling] = sorted(numbers)
    return norms


def test_forms_entry_text_is_the_encoders_text() -> None:
    """The forms entry written directly is the JSON encoder's text of :func:`_forms_entry`
    (codes by :func:`codes_text`): one form, several, several spellings, articles holding
    several forms, articles not in the posting (the explicit entry), 64 forms and more."""
    rng = random.Random(5)
    shapes: set[str] = set()
    for _ in range(3000):
        pool = sorted(rng.sample(range(5000), rng.choice([1, 2, 8, 30])))
        norms = _random_norms(rng, pool)
        held = sorted({d for spellings in norms.values() for ds in spellings.values()
                       for d in ds})
        docs = rng.choice([held, pool, sorted({*held, *rng.sample(range(5000), 3)}),
                           held[1:] or held])
        entry = browser_index._forms_entry(norms, docs)
        shapes.add("explicit" if isinstance(entry, dict) else "zero" if entry[1] == 0
                   else "lists" if any(isinstance(c, list) for c in entry[1]) else "codes")
        assert (browser_index._forms_entry_text(norms, docs)
                == browser_index._dump(browser_index._forms_value(entry)))
    assert shapes == {"explicit", "zero", "lists", "codes"}


def test_fresh_forms_is_the_entries_of_forms_entry() -> None:
    """A cold shard's forms state (:func:`_fresh_forms`: level articles found inline, one
    form written without the entry's call) holds the fragment of :func:`_forms_entry` over
    :func:`_level_docs` and the forms' marshal bytes, term by term in the gathered order."""
    import copy
    import marshal

    rng = random.Random(9)
    slots = 1 << 12
    for level in (0, 1):
        for _ in range(200):
            terms: dict[str, dict[int, dict[int, list[int]]]] = {}
            forms: dict[str, dict[str, dict[str, list[int]]]] = {}
            for t in range(rng.randint(1, 6)):
                term = f"t{t}"
                docs = sorted(rng.sample(range(slots), rng.choice([1, 1, 2, 5])))
                if rng.random() < 0.9:
                    terms[term] = _fields(rng, docs)
                if rng.random() < 0.3:  # one form, held by each article of the level
                    level_docs = browser_index._level_docs(terms.get(term), level)
                    forms[term] = {"ن": {rng.choice(["ن", "نً"]): list(reversed(level_docs))
                                         or docs}}
                else:
                    forms[term] = _random_norms(rng, docs)
            want = {}
            for term, norms in copy.deepcopy(forms).items():
                for spellings in norms.values():
                    for numbers in spellings.values():
                        numbers.sort()
                entry = browser_index._forms_entry(
                    norms, browser_index._level_docs(terms.get(term), level))
                want[term] = (browser_index._json_string(term) + ":"
                              + browser_index._dump(browser_index._forms_value(entry)),
                              marshal.dumps(norms, 2))
            got = browser_index._fresh_forms(forms, level, terms)
            assert list(got) == list(want)
            assert got == want
