"""The cold write path's helpers of ``archive.browser.index`` against their plain reference."""

from __future__ import annotations

import random

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
