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
    never turned into number objects on the way (:func:`_term_groups`); spilled, read back
    in pieces, tagged with document numbers and sorted as a shard's lines, the texts give
    back every posting (field, delta positions) and form (level, term, normalized, spelling)
    of each article, whatever the order the articles came in."""
    import marshal

    import archive.browser.index as browser_index
    from archive.browser.index import (
        _as_forms,
        _as_terms,
        _shard_lines,
        _Spill,
        _term_groups,
        _text,
    )

    postings = {"كتاب": [0, [3, 9], 1, [3, 9], 4, [0]], "x" * 300: [4, [1]],
                "place:riyadh": [3, [12]], "كتب": [1, [3, 9]]}
    forms = [("كتب", "\x010كتب\x1fكتاب\x1cكِتاب"), ("كتب", "\x010كتب\x1fالكتاب\x1cالكتاب"),
             ("ك ت ب", "\x011ك ت ب\x1fالكتاب\x1cالكتاب")]
    hashes, texts = _term_groups(postings, forms)
    hash_of = browser_index.term_hash
    assert hashes == list(dict.fromkeys([*map(hash_of, postings), hash_of("ك ت ب")]))
    spill = _Spill(tmp_path / "spill")
    numbers = {0: 17, 5: 3, 70_000: 120, 2**31 - 1: 9}  # spill order → document number
    blobs = [text.encode() for text in texts]  # as _record spills them
    for seq in numbers:
        spill.add_bytes(3, marshal.dumps((seq, hashes, blobs), 2))
    spill.close()
    monkeypatch.setattr(browser_index, "SPILL_READ", 7)  # records span the pieces
    gathered = []
    for seq, hs, got in spill.read(3):
        assert hs == hashes and got == blobs
        gathered += [text.replace(b"\x1f", f"\x1f{numbers[seq]:03d}\x1f".encode())
                     for text in got]
    held, posts = _shard_lines(gathered)
    assert {_text(row[0]) for row in posts} == set(postings)
    assert [int(row[1]) for row in posts if _text(row[0]) == "كتب"] == [3, 9, 17, 120]
    terms = _as_terms(posts)
    for term, flat in postings.items():
        assert terms[term] == {flat[i]: dict.fromkeys(numbers.values(), flat[i + 1])
                               for i in range(0, len(flat), 2)}
    levels = _as_forms(held)
    assert levels[0]["كتب"] == {"كتاب": {"كِتاب": [3, 9, 17, 120]},
                                "الكتاب": {"الكتاب": [3, 9, 17, 120]}}
    assert levels[1] == {"ك ت ب": {"الكتاب": {"الكتاب": [3, 9, 17, 120]}}}
