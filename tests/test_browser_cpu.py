"""The browser index's cold path (issue 12): the shortcuts a cold build takes (no state to
patch, a fresh data folder written without reading it back) give the bytes of the general
path, and a cold build over the data of a previous build still rewrites nothing that is
unchanged."""

from __future__ import annotations

from pathlib import Path

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


def test_a_spill_record_made_of_its_groups_bytes_reads_back_as_its_tuple(tmp_path: Path
                                                                         ) -> None:
    """The writer spills an article's groups of a bucket as ``(seq, [group, …])`` without
    encoding them again: the record is put together from each group's marshal bytes (the
    same bytes its checksum is taken of), and reads back as the tuple itself."""
    import marshal

    from archive.browser.index import _SPILL_HEAD, _Spill, _spilled

    groups = [(2166136261, [("كتاب", [0, [3, 9], 1, [3, 9]])], [(0, "كتب", "كتاب", "كِتاب")]),
              (7, [], [(1, "ك ت ب", "الكتاب", "الكتاب")]),
              (2**32 - 1, [("x" * 300, [4, [1]])], [])]
    spill = _Spill(tmp_path / "spill")
    for seq in (0, 5, 70_000, 2**31 - 1):
        data = _spilled(_SPILL_HEAD + marshal.dumps(seq, 2),
                        [marshal.dumps(g, 2) for g in groups[: 1 + seq % 3]])
        assert marshal.loads(data) == (seq, groups[: 1 + seq % 3])
        spill.add_bytes(3, data)
    spill.add(3, (9, groups))
    spill.close()
    assert list(spill.read(3)) == [(seq, groups[: 1 + seq % 3])
                                   for seq in (0, 5, 70_000, 2**31 - 1)] + [(9, groups)]
