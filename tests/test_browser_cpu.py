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


def test_an_article_read_from_its_record_columns_gives_the_record_of_its_tokens(
        tmp_path: Path) -> None:
    """From an analysis kept on disk the writer reads each article's record as arrays
    (``_source_record``: the body's fields grouped with numpy, each distinct form looked at
    once): every article gives the same record (postings, forms, their bytes and checksums,
    text, card, fingerprint) as from its tokens, with its text in memory or on disk, upper
    names included; a cold build from the analysis and one from the analysed articles write
    the same bytes."""
    from test_browser_index_incremental import _article

    from archive.browser.index import _record, _source_record
    from archive.config import Paths
    from archive.index.docs import IndexDoc
    from archive.pipeline import analyse, load

    root = _project(tmp_path / "archive")
    _article(root, 7, "NASA و Nasa في الرياض", "قالت NASA إن nasa و Nasa ستزور الرياض وجدة "
             "ومكة المكرمة يوم الأحد، وقال محمد بن سلمان إن الرياض ترحب.\n\nفقرة ثانية "
             "عن الرياض والمملكة العربية السعودية.")
    loaded = load(Paths(root))
    source = analyse(loaded)
    analyzed, gazetteer = _analyzed(root)
    named = 0
    for on_disk in (False, True):
        if on_disk:
            source.texts_on_disk()
        for ident in source.keys:
            aa = source.article(ident)
            doc = IndexDoc.from_analyzed(aa)
            old = _record(doc, [(s.start, s.end) for s in aa.article.body_segments()], None)
            new = _source_record(source, ident, None)
            assert (new.hashes, new.groups, new.doc, new.card, new.row, new.fingerprint) == (
                old.hashes, old.groups, old.doc, old.card, old.row, old.fingerprint), ident
            named += any(t.entity is not None for t in doc.tokens)
    assert named and len(source.keys) == len(analyzed) > 4
    write_browser_index(source, root / "a", gazetteer)
    write_browser_index(analyzed, root / "b", gazetteer)
    _same(_data(root / "a"), _data(root / "b"))


def test_a_body_field_from_arrays_is_grouped_as_from_tokens() -> None:
    """``_body_field`` (terms per distinct form, a name's core at its token, alternative
    roots after their root, terms equal once lowercased merged) gives the term → delta
    positions, in order of first appearance, of the token loop it replaces."""
    import numpy as np

    from archive.analysis.morphology import ALT_MARK
    from archive.browser.index import _body_field, _deltas

    terms = ["ب", "Ab", "", "ab", "ج"]
    alts = ["", "س", "", "", "س"]
    body = np.array([0, 1, 2, 4, 5, 6, 7, 9, 10], dtype=np.intp)  # 3 and 8: not in the body
    vocab = np.array([1, 0, 3, 2, 1, 4, 0, 3, 1], dtype=np.intp)
    at_name, cores = [2, 6], ["ب", ""]
    for named, alt in (([], None), (at_name, None), (at_name, alts)):
        raw: dict[str, list[int]] = {}
        for j, (pos, v) in enumerate(zip(body.tolist(), vocab.tolist(), strict=True)):
            term = cores[named.index(j)] if j in named else terms[v]
            if term:
                raw.setdefault(term, []).append(pos)
            if alt is not None and alt[v]:
                raw.setdefault(ALT_MARK + alt[v], []).append(pos)
        got = _body_field(np, terms, body, vocab, named, cores if named else [], alt)
        want = _deltas(raw)
        assert list(got.items()) == list(want.items())
        assert "Ab" not in got and got["ab"]
