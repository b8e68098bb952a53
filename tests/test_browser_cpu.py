"""The browser index's cold path (issue 12): the shortcuts a cold build takes (no state to
patch, a fresh data folder written without reading it back) give the bytes of the general
path, and a cold build over the data of a previous build still rewrites nothing that is
unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_browser_index_incremental import _analyzed, _cold, _data, _mtimes, _project, _same

from archive.browser.index import delta_decode, delta_encode, write_browser_index


def test_delta_encode_sorts_whatever_the_order_it_is_given() -> None:
    assert delta_encode([7]) == [7]
    assert delta_encode([3, 9, 14]) == [3, 6, 5]
    assert delta_encode([14, 3, 9, 3]) == [3, 0, 6, 5]  # unsorted, a repeated position
    assert delta_decode(delta_encode([40, 2, 17, 2, 5])) == [2, 2, 5, 17, 40]


def test_a_cold_build_over_previous_data_keeps_its_unchanged_files(tmp_path: Path) -> None:
    """Without a usable state (here: state.json removed, as after a code change) the build
    is cold, but its data folder already holds the previous build's files: each is compared,
    not overwritten, so a static host (and ``mkdocs serve``) sees no change; the bytes are
    those of a cold build into an empty folder, with or without a state folder."""
    root = _project(tmp_path / "archive")
    state, site = root / "build" / "browser", root / "site"
    analyzed, gazetteer = _analyzed(root)
    first = write_browser_index(analyzed, site, gazetteer, state_dir=state)
    assert first.full and first.written > 0 and first.kept == 0
    before = _mtimes(state / "data")
    (state / "state.json").unlink()
    again = write_browser_index(analyzed, site, gazetteer, state_dir=state)
    assert again.full and again.changed == len(analyzed)
    assert again.written == 0 and again.kept == first.written
    assert _mtimes(state / "data") == before
    _same(_data(site), _cold(root, analyzed, gazetteer))


def test_an_articles_groups_as_text_read_back_as_its_postings_and_forms(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The writer spills an article's groups (one per term hash) as text, the positions
    never turned into number objects on the way (:func:`_term_groups`); spilled and read
    back, in pieces, the texts give back every posting (field, delta positions) and form
    (level, term, normalized, spelling) the article had, under its hash."""
    import marshal

    import archive.browser.index as browser_index
    from archive.browser.index import _as_forms, _as_terms, _Spill, _term_groups, term_hash

    postings = {"كتاب": [0, [3, 9], 1, [3, 9], 4, [0]], "x" * 300: [4, [1]],
                "place:riyadh": [3, [12]], "كتب": [1, [3, 9]]}
    forms = [(0, "كتب", "كتاب", "كِتاب"), (0, "كتب", "الكتاب", "الكتاب"),
             (1, "ك ت ب", "الكتاب", "الكتاب")]
    hashes, groups = _term_groups(postings, forms)
    assert hashes == list(dict.fromkeys([*map(term_hash, postings), term_hash("ك ت ب")]))
    spill = _Spill(tmp_path / "spill")
    for seq in (0, 5, 70_000, 2**31 - 1):
        spill.add_bytes(3, marshal.dumps((seq, hashes, groups), 2))
    spill.close()
    monkeypatch.setattr(browser_index, "SPILL_READ", 7)  # records span the pieces
    read = list(spill.read(3))
    assert [r[0] for r in read] == [0, 5, 70_000, 2**31 - 1]
    terms: dict[str, list[object]] = {}
    table: dict[str, list[object]] = {}
    for seq, hs, texts in read:
        assert hs == hashes
        for h, text in zip(hs, texts, strict=True):
            posts, _, held = text.partition("\x1d")
            for line in filter(None, posts.split("\x1e")):
                term, _, payload = line.partition("\x1f")
                assert term_hash(term) == h
                terms.setdefault(term, []).extend([seq, payload])
            for line in filter(None, held.split("\x1e")):
                key, _, value = line.partition("\x1f")
                assert term_hash(key[1:]) == h
                table.setdefault(key, []).extend([seq, value])
    got = _as_terms(terms)
    assert {t: {f: d[0] for f, d in fields.items()} for t, fields in got.items()} == {
        t: {flat[i]: flat[i + 1] for i in range(0, len(flat), 2)} for t, flat in postings.items()}
    levels = _as_forms(table)
    assert levels[0]["كتب"] == {"كتاب": {"كِتاب": [0, 5, 70_000, 2**31 - 1]},
                                "الكتاب": {"الكتاب": [0, 5, 70_000, 2**31 - 1]}}
    assert list(levels[1]) == ["ك ت ب"]
    assert browser_index._SEPARATORS.search("a\x1fb")
