"""The cold shards' loops in C (``archive.browser._cshards``) against their Python twins in
``archive.browser.index`` (the reference): the spill's records gathered (``_gather``), a
shard's postings (``_fresh_postings``) and forms (``_fresh_forms``) entries, and a whole cold
build with the module and without it: the same objects, in the same order, the same bytes."""

from __future__ import annotations

import copy
import marshal
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_browser_index_incremental import _analyzed, _data, _project, _same

from archive.browser import digits
from archive.browser import index as browser_index

cshards = pytest.importorskip("archive.browser._cshards")

#: Term characters: Arabic, ASCII, JSON escapes (quote, backslash, control characters),
#: a lone surrogate, beyond the BMP.
TERM_CHARS = ["ك", "ت", "ب", "a", '"', "\\", "\n", "\x01", "\ud800", "\U0001f600", "ً"]
TERMS = st.text(alphabet=TERM_CHARS, min_size=1, max_size=4)
#: Cells: a few spellings of delta positions, so that fields share cells ("=").
CELLS = st.sampled_from(["!", "#", "%#", "A!(", digits.numbers_text([70_000, 3])])
#: Document numbers: small, and now and then beyond 64 bits (handed to the twin).
DOCS = st.one_of(st.integers(0, 60), st.integers(0, 5000), st.just(2**70))
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def _python(monkeypatch: pytest.MonkeyPatch, fn: Any, *args: Any) -> Any:
    """``fn(*args)`` with the C module hidden (the twins alone)."""
    with monkeypatch.context() as m:
        m.setattr(browser_index, "_cshards", None)
        return fn(*args)


def _both(monkeypatch: pytest.MonkeyPatch, fn: Any, *args: Any) -> tuple[Any, Any, Any, Any]:
    """``fn`` on copies of ``args`` with the module and without it: (C result, C args after,
    Python result, Python args after)."""
    a, b = copy.deepcopy(args), copy.deepcopy(args)
    return fn(*a), a, _python(monkeypatch, fn, *b), b


def _same_objects(x: Any, y: Any) -> None:
    """Equal, in the same order (marshal writes a dict's items in order), as the same bytes."""
    assert x == y
    assert marshal.dumps(x, 2) == marshal.dumps(y, 2)


def test_the_constants_compiled_in_are_the_modules() -> None:
    assert cshards.FIELDS == browser_index.FIELDS
    assert cshards.REF == browser_index._REF
    assert cshards.ALPHABET == digits.ALPHABET
    assert [browser_index._NAME_RANK[f] for f in range(8)] == [1, 3, 2, 0, 5, 7, 6, 4]
    assert browser_index._LEVEL_FIELDS == ((1, 5), (2, 6))


@given(st.lists(st.one_of(st.integers(0, 200), st.integers(0, 2**62)), max_size=30))
def test_numbers_text_is_digits(numbers: list[int]) -> None:
    assert cshards.numbers_text(numbers) == digits.numbers_text(numbers)


@given(st.lists(st.one_of(st.integers(0, 200), st.integers(0, 2**62)), max_size=30))
def test_gaps_text_is_delta_encode_then_digits(numbers: list[int]) -> None:
    numbers.sort()
    assert cshards.gaps_text(numbers) == browser_index.gaps_text_py(numbers)
    assert browser_index.gaps_text(numbers) == browser_index.gaps_text_py(numbers)
    assert browser_index.long_text(numbers) == digits.numbers_text(numbers)


def test_gaps_text_refuses_what_it_cannot_write_and_the_twin_decides() -> None:
    for bad in ([3, 2], [-1], [0, 2**63], ["1"], [None]):
        with pytest.raises(ValueError):
            cshards.gaps_text(bad)
    with pytest.raises(TypeError):
        cshards.gaps_text((1, 2))
    # beyond 62 bits or out of order: the twin writes it (delta_encode sorts); below 0: the
    # twin's ValueError
    assert browser_index.gaps_text([1, 2**70]) == digits.numbers_text([1, 2**70 - 1])
    assert browser_index.gaps_text([3, 2]) == browser_index.gaps_text_py([3, 2]) == "$#"
    assert browser_index.long_text([2**70, 0]) == digits.numbers_text([2**70, 0])
    for bad in ([-1], [-1, 5]):
        with pytest.raises(ValueError):
            browser_index.gaps_text(bad)


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), max_size=40))
def test_level_docs_of_a_summary_is_the_twins(monkeypatch: pytest.MonkeyPatch,
                                              tfs: list[tuple[int, int]]) -> None:
    docs = list(range(0, 3 * len(tfs), 3))
    a, b = [x for x, _ in tfs], [y for _, y in tfs]
    assert cshards.level_docs(docs, a, b) == [d for d, x, y in zip(docs, a, b, strict=True)
                                              if x or y]
    with monkeypatch.context() as m:
        m.setattr(browser_index, "_LEVEL_FIELDS", ((0, 1),))
        summary = (docs, {0: a, 1: b})
        made = browser_index._level_docs(summary, 0)
        assert made == _python(monkeypatch, browser_index._level_docs, summary, 0)


def test_level_docs_hands_what_it_cannot_read_to_the_twin() -> None:
    for args in (([1, 2], [0], [1, 1]), ([1], [1.5], [0]), ([1], [0], ["1"])):
        with pytest.raises(ValueError):
            cshards.level_docs(*args)
    with pytest.raises(TypeError):
        cshards.level_docs((1,), [0], [1])
    summary = ([1, 2, 3], {1: [0, 2, 0], 5: [True, False, False]})
    assert browser_index._level_docs(summary, 0) == [1, 2]


def test_numbers_text_refuses_what_it_cannot_write() -> None:
    for bad in ([-1], [2**63], ["1"], [None]):
        with pytest.raises(ValueError):
            cshards.numbers_text(bad)
    with pytest.raises(TypeError):
        cshards.numbers_text(5)


# ------------------------------------------------------------------ gather

FORMS = st.one_of(
    st.tuples(st.integers(0, 1), TERMS, st.one_of(st.none(), TERMS)),
    st.tuples(st.integers(0, 1), TERMS, TERMS, st.one_of(st.none(), TERMS)))


@st.composite
def _records(draw: Any) -> list[list[Any]]:
    """Spill batches: records (seq, [(hash, [(term, [field, cell, …]), …], forms), …])."""
    batches = []
    seq = 0
    for _ in range(draw(st.integers(1, 3))):
        batch = []
        for _ in range(draw(st.integers(0, 4))):
            groups = []
            for _ in range(draw(st.integers(0, 4))):
                h = draw(st.one_of(st.integers(0, 2**32 - 1), st.integers(0, 40)))
                posts = []
                for _ in range(draw(st.integers(0, 3))):
                    fields = draw(st.lists(st.integers(0, 7), min_size=1, max_size=4))
                    flat: list[Any] = []
                    for f in fields:
                        flat += [f, draw(CELLS)]
                    posts.append((draw(TERMS), flat))
                groups.append((h, posts, draw(st.lists(FORMS, max_size=4))))
            batch.append((seq, groups))
            seq += 1
        batches.append(batch)
    return batches


@SETTINGS
@given(_records(), st.sampled_from([1, 4, 64]), st.sampled_from([(1, 1, 0), (3, 1, 2),
                                                                 (2, 4, 1)]),
       st.booleans(), st.data())
def test_gather_makes_the_twins_dicts_in_order(monkeypatch: pytest.MonkeyPatch,
                                               batches: list[list[Any]], shards: int,
                                               rounds: tuple[int, int, int], keep: bool,
                                               data: Any) -> None:
    passes, step, part_of = rounds
    seqs = [seq for batch in batches for seq, _ in batch]
    renumber = {seq: data.draw(st.integers(0, 3 * len(seqs))) for seq in seqs}
    partial: dict[int, set[int]] = {}
    if keep and seqs:  # an edited article: the postings of some hashes only
        hashes = [g[0] for batch in batches for _, groups in batch for g in groups]
        partial[renumber[seqs[0]]] = set(hashes[::2])
    got: dict[int, Any] = {}
    want: dict[int, Any] = {}
    cshards.gather(iter(batches), renumber, partial, shards, passes, step, part_of, got)
    browser_index._gather(iter(batches), renumber, partial, shards, passes, step, part_of, want)
    _same_objects(got, want)


@SETTINGS
@given(_records(), st.sampled_from([1, 4, 64]), st.sampled_from([(1, 1, 0), (2, 4, 1)]),
       st.booleans(), st.sampled_from([2, 4]), st.data())
def test_gather_spill_reads_the_bytes_as_the_twin_reads_their_objects(
        batches: list[list[Any]], shards: int, rounds: tuple[int, int, int], keep: bool,
        version: int, data: Any) -> None:
    """From each batch's marshal bytes: version 2 (what the spill holds) read in C, another
    (version 4: references, short strings) through marshal.loads; the same dicts."""
    passes, step, part_of = rounds
    seqs = [seq for batch in batches for seq, _ in batch]
    renumber = {seq: data.draw(st.integers(0, 3 * len(seqs))) for seq in seqs}
    partial: dict[int, set[int]] = {}
    if keep and seqs:
        hashes = [g[0] for batch in batches for _, groups in batch for g in groups]
        partial[renumber[seqs[-1]]] = set(hashes[1::2])
    chunks = [memoryview(marshal.dumps(batch, version)) for batch in batches]
    got: dict[int, Any] = {}
    want: dict[int, Any] = {}
    cshards.gather_spill(iter(chunks), renumber, partial, shards, passes, step, part_of, got)
    browser_index._gather(batches, renumber, partial, shards, passes, step, part_of, want)
    _same_objects(got, want)


def test_gather_spill_reads_a_real_spill(tmp_path: Path) -> None:
    """Records written as the writer spills them (:func:`_spilled` of each group's bytes),
    read back by :meth:`_Spill.batch_bytes` a few bytes at a time."""
    spill = browser_index._Spill(tmp_path / "spill")
    rng = random.Random(3)
    words = ["كتب", "مكتب", "a\\b", "\U0001f600", "ًx"]
    for seq in range(300):
        groups = []
        for _ in range(rng.randint(1, 5)):
            term = rng.choice(words)
            flat: list[Any] = []
            for f in sorted(rng.sample(range(8), rng.randint(1, 3))):
                flat += [f, digits.numbers_text([rng.randrange(100_000)])]
            forms = [(1, rng.choice(words), None), (0, "t", rng.choice(words), "s")][
                :rng.randint(0, 2)]
            groups.append((rng.choice([rng.randrange(2**32), rng.randrange(99)]),
                           [(term, flat)], forms))
        spill.add_bytes(0, browser_index._spilled(
            browser_index._SPILL_HEAD + marshal.dumps(seq, 2),
            [marshal.dumps(g, 2) for g in groups]))
    spill.close()
    renumber = {seq: 2 * seq for seq in range(300)}
    got: dict[int, Any] = {}
    want: dict[int, Any] = {}
    loaded = cshards.loaded_batches()
    cshards.gather_spill(spill.batch_bytes(0), renumber, {}, 8, 1, 1, 0, got)
    assert cshards.loaded_batches() == loaded  # each batch read in C, none by marshal
    browser_index._gather(spill.batches(0), renumber, {}, 8, 1, 1, 0, want)
    _same_objects(got, want)
    assert len(got) == 8


@pytest.mark.parametrize("data", [
    b"",  # nothing
    b"[\x01\x00\x00\x00",  # a list cut short
    b"[\x01\x00\x00\x00(\x02\x00\x00\x00i\x00\x00\x00\x00[\x01\x00\x00\x00"
    b"(\x03\x00\x00\x00i\x05\x00\x00\x00[\x01\x00\x00\x00(\x02\x00\x00\x00"
    b"u\x02\x00\x00\x00\xff\xfe[\x00\x00\x00\x00[\x00\x00\x00\x00",  # bad UTF-8
    b"[\x01\x00\x00\x00(\x02\x00\x00\x00l\x01\x00\x00\x00\x00\x00"
    b"[\x00\x00\x00\x00",  # an unnormalized number
    b"[\x01\x00\x00\x00i\x05\x00\x00\x00",  # a record not a tuple
    b"[\xff\xff\xff\xff",  # a negative length
    b"[\x00\x00\x00\x00junk",  # bytes after the batch (marshal.loads ignores them)
])
def test_gather_spill_of_odd_bytes_does_what_the_twin_does(data: bytes) -> None:
    def twin() -> dict[int, Any]:
        out: dict[int, Any] = {}
        browser_index._gather([marshal.loads(data)], {0: 0}, {}, 4, 1, 1, 0, out)
        return out

    try:
        want = twin()
    except Exception as error:
        with pytest.raises(type(error)):
            cshards.gather_spill([data], {0: 0}, {}, 4, 1, 1, 0, {})
        return
    got: dict[int, Any] = {}
    cshards.gather_spill([data], {0: 0}, {}, 4, 1, 1, 0, got)
    _same_objects(got, want)


def test_gather_adds_to_the_parts_already_there() -> None:
    batches = [[(0, [(5, [("a", [0, "!", 1, "#"])], [(0, "a", None)])]),
                (1, [(5, [("a", [1, "%"]), ("b", [2, "!"])], [(1, "b", "n", "s")])])]]
    got: dict[int, Any] = {}
    want: dict[int, Any] = {}
    for batch in batches:  # one batch at a time, into the same dict
        cshards.gather([batch], {0: 3, 1: 4}, {}, 4, 1, 1, 0, got)
        browser_index._gather([batch], {0: 3, 1: 4}, {}, 4, 1, 1, 0, want)
    _same_objects(got, want)
    assert got[1][0] == {"a": {0: {3: "!"}, 1: {3: "#", 4: "%"}}, "b": {2: {4: "!"}}}


@pytest.mark.parametrize("batch", [
    [(0,)],  # a record not (seq, groups)
    [(0, [(1, [])])],  # a group not (hash, posts, forms)
    [(0, [(1, [("a", [0])], [])])],  # a field without its cell
    [(0, [(1, [("a",)], [])])],  # a posting without its fields
    [(0, [(1, [("a", [0, "!"])], [(0, "x")])])],  # a form of two items
    [(0, [(1, [("a", [0, "!"])], [(5, "x", "y")])])],  # a level beyond the two
    [(0, [("h", [], [])])],  # a hash not a number
    [(9, [])],  # a seq not numbered
    [5],  # not a record at all
    [(0, [(1, [([], [0, "!"])], [])])],  # a term that cannot be a key
])
def test_gather_raises_on_records_it_cannot_read(batch: list[Any]) -> None:
    with pytest.raises((TypeError, ValueError, IndexError, KeyError)):
        cshards.gather([batch], {0: 0}, {}, 4, 1, 1, 0, {})
    with pytest.raises((TypeError, ValueError, IndexError, KeyError)):
        browser_index._gather([batch], {0: 0}, {}, 4, 1, 1, 0, {})


def test_gather_refuses_bad_arguments() -> None:
    with pytest.raises(ValueError):
        cshards.gather([], {}, {}, 0, 1, 1, 0, {})
    with pytest.raises(TypeError):
        cshards.gather([], {}, None, 4, 1, 1, 0, {})
    with pytest.raises(TypeError):
        cshards.gather(5, {}, {}, 4, 1, 1, 0, {})


# ------------------------------------------------------------------ postings


@st.composite
def _postings(draw: Any) -> dict[str, dict[int, dict[int, str]]]:
    """A shard's gathered postings: term → field → docnum → cell (several fields, "=" cells
    through the shared spellings, an article in some fields only)."""
    new: dict[str, dict[int, dict[int, str]]] = {}
    for term in draw(st.lists(TERMS, max_size=6, unique=True)):
        docs = draw(st.lists(DOCS, min_size=1, max_size=8, unique=True))
        fields: dict[int, dict[int, str]] = {}
        for f in draw(st.lists(st.integers(0, 7), min_size=1, max_size=5, unique=True)):
            held = [d for d in docs if draw(st.booleans())] or docs[:1]
            fields[f] = {d: draw(CELLS) for d in held}
        new[term] = fields
    return new


@SETTINGS
@given(_postings(), st.sampled_from([0, 1, 2, 3, 5, browser_index.LONG_DOCS]),
       st.sampled_from([1, 2, browser_index.BLOCK_DOCS]), st.sampled_from([64, 4096, 1 << 71]))
def test_fresh_postings_are_the_twins(monkeypatch: pytest.MonkeyPatch,
                                      new: dict[str, Any], long_docs: int, block_docs: int,
                                      slots: int) -> None:
    """Short and long terms (their summaries and positions files, in one range or several),
    document numbers beyond the slots or 64 bits (the twin's)."""
    monkeypatch.setattr(browser_index, "LONG_DOCS", long_docs)
    monkeypatch.setattr(browser_index, "BLOCK_DOCS", block_docs)

    def fresh(new: dict[str, Any], fragments: dict[str, Any]) -> Any:
        return browser_index._fresh_postings(new, slots, fragments)

    got, (_, got_fragments), want, (_, want_fragments) = _both(monkeypatch, fresh, new, {})
    _same_objects(got, want)
    _same_objects(got_fragments, want_fragments)


def test_fresh_postings_hand_odd_values_to_the_twin(monkeypatch: pytest.MonkeyPatch) -> None:
    """Values the C code does not write (a cell not a str, a negative or huge number, a field
    beyond the eight, an empty field) go to the twin: its text, or its error."""
    odd = {"list": {0: {1: [3, 4]}}, "huge": {0: {2**80: "!"}, 1: {2**80: "!"}},
           "field9": {9: {1: "!"}}, "empty": {0: {}}, "ok": {1: {4: "#"}, 0: {4: "#"}},
           "neg": {0: {-1: "!", 3: "#"}}}
    for term, fields in odd.items():
        new = {term: fields, "after": {0: {1: "!"}}}
        try:
            want = _python(monkeypatch, browser_index._fresh_postings, copy.deepcopy(new), 8, {})
        except Exception as error:  # the twin's error, raised through the C loop
            with pytest.raises(type(error)):
                browser_index._fresh_postings(copy.deepcopy(new), 8, {})
            continue
        _same_objects(browser_index._fresh_postings(copy.deepcopy(new), 8, {}), want)


# ------------------------------------------------------------------ forms


@st.composite
def _forms(draw: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """A level's gathered forms (term → normalized → spelling → docnums, unsorted, an
    article in several forms or spellings) and the shard's postings whose articles they
    number (some terms without, some forms' articles outside them)."""
    forms: dict[str, Any] = {}
    terms: dict[str, Any] = {}
    for term in draw(st.lists(TERMS, min_size=1, max_size=5, unique=True)):
        docs = draw(st.lists(st.integers(0, 40), min_size=1, max_size=8, unique=True))
        if draw(st.integers(0, 9)):
            terms[term] = {f: {d: "!" for d in docs if draw(st.booleans())} or {docs[0]: "!"}
                           for f in draw(st.lists(st.sampled_from([0, 1, 2, 5, 6]),
                                                  min_size=1, max_size=3, unique=True))}
        pool = docs + ([99] if not draw(st.integers(0, 5)) else [])
        norms: dict[str, Any] = {}
        for norm in draw(st.lists(TERMS, min_size=1, max_size=3, unique=True)):
            spellings = {}
            for spelling in draw(st.lists(st.one_of(st.just(norm), TERMS), min_size=1,
                                          max_size=2, unique=True)):
                spellings[spelling] = draw(st.lists(st.sampled_from(pool), min_size=1,
                                                    max_size=6, unique=True))
            norms[norm] = spellings
        if draw(st.integers(0, 2)) == 0:  # one form held by every article of the posting
            level_docs = sorted({*docs})
            norms = {next(iter(norms)): {"س": list(reversed(level_docs))}}
        forms[term] = norms
    return forms, terms


@SETTINGS
@given(_forms(), st.integers(0, 1))
def test_fresh_forms_are_the_twins(monkeypatch: pytest.MonkeyPatch,
                                   made: tuple[dict[str, Any], dict[str, Any]], level: int
                                   ) -> None:
    forms, terms = made
    got, got_args, want, want_args = _both(monkeypatch, browser_index._fresh_forms, forms,
                                           level, terms)
    _same_objects(got, want)
    _same_objects(got_args[0], want_args[0])  # the docnums sorted in place alike


def test_fresh_forms_cover_every_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    """One form held by each article ("0"), codes, an article in several forms (a list
    code), one missing ("!"), the explicit entry (an article outside the posting), several
    spellings (the lowest-numbered article's shown; ties: the lowest spelling), a term with
    no posting, odd values handed to the twin."""
    terms = {"ك": {1: {1: "!", 2: "!", 3: "!"}, 5: {4: "!"}}, "ب": {2: {7: "!"}}}
    forms = {
        "ك": {"كتب": {"كتب": [4, 3, 1, 2]}},
        "ب": {"b": {"b": [7]}},
        "x": {"a": {"a": [5]}},
        "ت": {"b": {"b": [1, 2]}, "a": {"A": [2, 3], "a": [3]}},
        "y": {"n": {"s": [2, 1], "r": [1, 3]}},
        "z": {"n": {"s": [2], "r": [1]}, "m": {"m": [9]}},
        "w": {"n": {"n": []}},
        "v": {"n": {"n": (1, 2)}},
        "u": {"n": {"n": [1, "2"]}},
    }
    terms.update({t: terms["ك"] for t in "تyzwvu"})
    for level in (0, 1):
        for term in forms:
            one = {term: forms[term]}
            try:
                want = _python(monkeypatch, browser_index._fresh_forms, copy.deepcopy(one),
                               level, terms)
            except Exception as error:
                with pytest.raises(type(error)):
                    browser_index._fresh_forms(copy.deepcopy(one), level, terms)
                continue
            _same_objects(browser_index._fresh_forms(copy.deepcopy(one), level, terms), want)


# ------------------------------------------------------------------ a cold build


@pytest.mark.parametrize("long_docs", [2, browser_index.LONG_DOCS])
def test_a_cold_build_is_the_same_with_the_module_and_without(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, long_docs: int) -> None:
    """Every data file and the shard states, byte for byte (long terms and their positions
    files with LONG_DOCS 2)."""
    from archive.browser.index import write_browser_index
    from archive.browser.shardpack import ShardPack

    monkeypatch.setattr(browser_index, "LONG_DOCS", long_docs)
    root = _project(tmp_path / "archive")
    analyzed, gazetteer = _analyzed(root)

    def build(name: str) -> tuple[dict[str, bytes], list[bytes | None]]:
        state = tmp_path / name / "state"
        write_browser_index(list(analyzed), tmp_path / name / "site", gazetteer,
                            state_dir=state)
        pack = ShardPack(state / "shards", fresh=False)
        states = [pack.get(k) for k in range(len(pack.index) // 2)]
        pack.close(write=False)
        return _data(tmp_path / name / "site"), states

    with_c = build("c")
    with monkeypatch.context() as m:
        m.setattr(browser_index, "_cshards", None)
        without = build("py")
    _same(with_c[0], without[0])
    assert with_c[1] == without[1]
    assert any(name.startswith("pos/") for name in with_c[0]) == (long_docs == 2)


def test_random_shards_of_real_looking_terms(monkeypatch: pytest.MonkeyPatch) -> None:
    """Many larger shards (hundreds of terms, long ones among them) through the three."""
    rng = random.Random(25)
    monkeypatch.setattr(browser_index, "LONG_DOCS", 12)
    words = ["كتب", "مكتب", "الكتاب", "كاتب", "درس", "مدرسة", "\U0001d400x", 'q"\\']
    for _ in range(20):
        batches = []
        for seq in range(rng.randint(1, 40)):
            groups = []
            for _ in range(rng.randint(1, 6)):
                term = rng.choice(words) + rng.choice(["", "ة", "ات"])
                flat: list[Any] = []
                for f in sorted(rng.sample(range(8), rng.randint(1, 3))):
                    flat += [f, digits.numbers_text([rng.randrange(300)])]
                forms = [(lv, rng.choice(words), rng.choice([None, rng.choice(words)]))
                         for lv in (0, 1) if rng.random() < 0.7]
                groups.append((browser_index.term_hash(term), [(term, flat)], forms))
            batches.append((seq, groups))
        renumber = {seq: 3 * seq + rng.randrange(3) for seq in range(len(batches))}
        incoming: dict[int, Any] = {}
        cshards.gather([batches], renumber, {}, 2, 1, 1, 0, incoming)
        for terms, levels in incoming.values():
            got, got_args, want, want_args = _both(monkeypatch, browser_index._fresh_postings,
                                                   terms, 256, {})
            _same_objects(got, want)
            _same_objects(got_args[2], want_args[2])
            for level in (0, 1):
                got, got_args, want, _ = _both(monkeypatch, browser_index._fresh_forms,
                                               levels[level], level, terms)
                _same_objects(got, want)


# ------------------------------------------------------------------ session 21 (br27)

@given(st.lists(st.integers(-2**63, 2**63 - 1), max_size=300), st.sampled_from([-1, 0, 1, 3]))
def test_sorted_numbers_sort_as_sorted_does(numbers: list[int], depth: int) -> None:
    """The inlined introsort (fresh_postings' and fresh_forms' document numbers); depth 0 and
    small depths take the heapsort at once or after a few levels."""
    assert cshards.sorted_numbers(numbers, depth) == sorted(numbers)


def test_sorted_numbers_of_every_shape() -> None:
    rng = random.Random(21)
    for n in (0, 1, 2, 15, 16, 17, 18, 64, 1000, 5000):
        shapes = {"random": [rng.randrange(-10**12, 10**12) for _ in range(n)],
                  "sorted": list(range(n)), "reversed": list(range(n, 0, -1)),
                  "few values": [rng.randrange(3) for _ in range(n)],
                  "organ pipe": [*range(n // 2), *range(n - n // 2, 0, -1)]}
        for shape, numbers in shapes.items():
            for depth in (-1, 0, 1, 2, 5):
                assert cshards.sorted_numbers(numbers, depth) == sorted(numbers), (n, shape)


def test_gather_spill_keeps_one_str_per_text(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Thousands of distinct terms, forms and cells (past the first table of kept str and its
    first arena), each spilled by many articles in random document order: gathered from the
    bytes as the twin gathers them, one str object per text; the shards' postings and forms
    (their document numbers sorted in C, long terms too) are the twins'."""
    monkeypatch.setattr(browser_index, "LONG_DOCS", 40)
    rng = random.Random(2127)
    words = [f"{w}{i}" for i in range(3000) for w in ("كتب", "d\u00e9")]
    cells = [digits.numbers_text([rng.randrange(5000) for _ in range(rng.randint(1, 6))])
             for _ in range(400)]
    spill = browser_index._Spill(tmp_path / "spill")
    articles = 300
    for seq in range(articles):
        groups = []
        for term in rng.sample(words[:60], 12) + rng.sample(words, 40):
            flat: list[Any] = []
            for f in sorted(rng.sample(range(8), rng.randint(1, 3))):
                flat += [f, rng.choice(cells)]
            forms = [(lv, rng.choice(words), rng.choice([None, rng.choice(words)]))
                     for lv in (0, 1) if rng.random() < 0.5]
            groups.append((browser_index.term_hash(term), [(term, flat)], forms))
        spill.add_bytes(0, browser_index._spilled(
            browser_index._SPILL_HEAD + marshal.dumps(seq, 2),
            [marshal.dumps(g, 2) for g in groups]))
    spill.close()
    numbers = rng.sample(range(4 * articles), articles)  # document numbers out of order
    renumber = dict(enumerate(numbers))
    got: dict[int, Any] = {}
    want: dict[int, Any] = {}
    cshards.gather_spill(spill.batch_bytes(0), renumber, {}, 4, 1, 1, 0, got)
    browser_index._gather(spill.batches(0), renumber, {}, 4, 1, 1, 0, want)
    _same_objects(got, want)
    # one str per text: the terms of every shard's postings and forms, and the short cells
    seen: dict[str, int] = {}
    for terms, levels in got.values():
        for term, fields in terms.items():
            assert seen.setdefault(term, id(term)) == id(term)
            for held in fields.values():
                for cell in held.values():
                    if len(cell) <= 8:  # (_cshards.c's SHORT_CELL: longer ones not kept)
                        assert seen.setdefault(cell, id(cell)) == id(cell)
        for level in levels:
            for term, norms in level.items():
                assert seen.setdefault(term, id(term)) == id(term)
                for norm in norms:
                    assert seen.setdefault(norm, id(norm)) == id(norm)
    assert len(seen) > 4096
    for terms, levels in got.values():
        got_p, got_args, want_p, want_args = _both(monkeypatch, browser_index._fresh_postings,
                                                   terms, 2048, {})
        _same_objects(got_p, want_p)
        _same_objects(got_args[2], want_args[2])
        assert any(entry[2] for entry in got_p.values())  # long terms among them
        for level in (0, 1):
            got_f, _, want_f, _ = _both(monkeypatch, browser_index._fresh_forms,
                                        levels[level], level, terms)
            _same_objects(got_f, want_f)


# ------------------------------------------------------------------ session 22 (brc28)


class _Batches:
    """A spill of one bucket (0) as :func:`index._fresh_round` reads it: its batches, and
    their marshal bytes (``version``: 2 as the spill writes them, 4 of another shape)."""

    def __init__(self, batches: list[list[Any]], version: int = 2) -> None:
        self.list = batches
        self.version = version

    def batches(self, bucket: int) -> Any:
        return iter(copy.deepcopy(self.list) if bucket == 0 else [])

    def batch_bytes(self, bucket: int) -> Any:
        return iter([memoryview(marshal.dumps(b, self.version)) for b in self.list]
                    if bucket == 0 else [])


def _round(spill: _Batches, renumber: dict[int, int], shards: int, rounds: tuple[int, ...],
           slots: int) -> Any:
    passes, step, part_of = rounds
    return browser_index._fresh_round(spill, [0, 1], renumber, shards, passes, step,  # type: ignore[arg-type]
                                      part_of, slots)


def _c_round(spill: _Batches, renumber: dict[int, int], shards: int, rounds: tuple[int, ...],
             slots: int) -> Any:
    """cshards.fresh_round itself (None: the round handed back)."""
    passes, step, part_of = rounds
    return cshards.fresh_round(spill.batch_bytes(0), renumber, shards, passes, step, part_of,
                               browser_index.LONG_DOCS, slots, browser_index.BLOCK_DOCS,
                               browser_index._fresh_posting, browser_index._fresh_form)


@SETTINGS
@given(_records(), st.sampled_from([1, 4, 64]), st.sampled_from([(1, 1, 0), (3, 1, 2),
                                                                 (2, 4, 1)]),
       st.sampled_from([0, 1, 2, 3, browser_index.LONG_DOCS]), st.sampled_from([1, 2, 512]),
       st.sampled_from([256, 1 << 71]), st.booleans(), st.data())
def test_fresh_round_is_the_twins(monkeypatch: pytest.MonkeyPatch, batches: list[list[Any]],
                                  shards: int, rounds: tuple[int, int, int], long_docs: int,
                                  block_docs: int, slots: int, huge: bool, data: Any) -> None:
    """A cold round in one C pass (the postings packed, not in dicts) against the twins in
    turn (_gather, _fresh_postings, _fresh_forms): the same shards in the same order, the
    same entries, fragments and marshal bytes. Terms long and short, an article twice in a
    field (two records numbered alike, a field twice in a posting: the dict's last cell),
    forms of terms without postings; a number beyond 62 bits hands the round back (None)."""
    monkeypatch.setattr(browser_index, "LONG_DOCS", long_docs)
    monkeypatch.setattr(browser_index, "BLOCK_DOCS", block_docs)
    seqs = [seq for batch in batches for seq, _ in batch]
    renumber = {seq: data.draw(st.integers(0, 3 * len(seqs))) for seq in seqs}
    if huge and seqs:
        renumber[seqs[-1]] = 2**70
    spill = _Batches(batches)
    try:
        want = _python(monkeypatch, _round, spill, renumber, shards, rounds, slots)
    except TypeError:  # a 3-item form in a group without one posting (its term None)
        with pytest.raises(TypeError):
            _round(spill, renumber, shards, rounds, slots)
        return
    _same_objects(_round(spill, renumber, shards, rounds, slots), want)
    direct = _c_round(spill, renumber, shards, rounds, slots)
    assert (direct is None) == (huge and bool(seqs))
    if direct is not None:
        _same_objects(direct, want)


def test_fresh_round_of_real_looking_terms(monkeypatch: pytest.MonkeyPatch) -> None:
    """Larger rounds (hundreds of terms, long ones among them, several shards a round) in
    C, from the spill's bytes, against the twins."""
    rng = random.Random(28)
    monkeypatch.setattr(browser_index, "LONG_DOCS", 12)
    words = ["كتب", "مكتب", "الكتاب", "كاتب", "درس", "مدرسة", "\U0001d400x", 'q"\\', ""]
    for trial in range(12):
        batches: list[list[Any]] = [[]]
        for seq in range(rng.randint(1, 60)):
            groups = []
            for _ in range(rng.randint(1, 8)):
                term = rng.choice(words) + rng.choice(["", "ة", "ات"])
                flat: list[Any] = []
                for f in sorted(rng.sample(range(8), rng.randint(1, 3))):
                    flat += [f, rng.choice(["", "=", digits.numbers_text(
                        [rng.randrange(300) for _ in range(rng.randint(1, 9))])])]
                forms = [(lv, rng.choice(words), rng.choice([None, rng.choice(words)]))
                         for lv in (0, 1) if rng.random() < 0.7]
                if rng.random() < 0.1:  # a form of another term (4 items)
                    forms.append((1, rng.choice(words), "n", None))
                groups.append((browser_index.term_hash(term), [(term, flat)], forms))
            if rng.random() < 0.2:
                batches.append([])
            batches[-1].append((seq, groups))
        renumber = {seq: 3 * seq + rng.randrange(3) for seq in range(60)}
        spill = _Batches(batches)
        shards = [1, 2, 8][trial % 3]
        rounds = [(1, 1, 0), (2, 1, 1), (3, 2, 0)][trial % 3]
        got = _c_round(spill, renumber, shards, rounds, 256)
        assert got is not None
        _same_objects(got, _python(monkeypatch, _round, spill, renumber, shards, rounds, 256))


def test_fresh_round_hands_odd_rounds_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of another shape (marshal version 4), a field beyond the eight: None, and
    _fresh_round reads them the older way; odd values of a term go to its twin."""
    batches = [[(0, [(5, [("a", [0, "!", 1, "#"])], [(0, "a", None)])]),
                (1, [(5, [("a", [1, "%"]), ("b", [2, "!"])], [(1, "b", "n", "s")])])]]
    renumber = {0: 3, 1: 4}
    want = _python(monkeypatch, _round, _Batches(batches), renumber, 4, (1, 1, 0), 8)
    assert _c_round(_Batches(batches), renumber, 4, (1, 1, 0), 8) is not None
    loaded = cshards.loaded_batches()
    assert _c_round(_Batches(batches, 4), renumber, 4, (1, 1, 0), 8) is None
    assert cshards.loaded_batches() == loaded
    _same_objects(_round(_Batches(batches, 4), renumber, 4, (1, 1, 0), 8), want)
    odd = [[(0, [(5, [("a", [9, "!"])], [])])]]
    assert _c_round(_Batches(odd), {0: 1}, 4, (1, 1, 0), 8) is None
    for bad in (odd, [[(0, [(5, [("a", [0, "\x01"])], [(0, "a", "\U0001f600")])])]]):
        try:
            want = _python(monkeypatch, _round, _Batches(bad), {0: 1}, 4, (1, 1, 0), 8)
        except Exception as error:
            with pytest.raises(type(error)):
                _round(_Batches(bad), {0: 1}, 4, (1, 1, 0), 8)
            continue
        _same_objects(_round(_Batches(bad), {0: 1}, 4, (1, 1, 0), 8), want)


def test_fresh_round_raises_what_goes_wrong() -> None:
    batches = [[(0, [(5, [("a", [0, "!"])], [(0, "a", "s")])])]]

    def fail(*args: Any) -> None:
        raise RuntimeError("rest")

    chunks = _Batches(batches).batch_bytes(0)
    with pytest.raises(RuntimeError):  # a term handed to a twin that raises (LONG_DOCS 0)
        cshards.fresh_round(chunks, {0: 1}, 4, 1, 1, 0, 0, 8, 512, fail, fail)
    with pytest.raises(KeyError):  # a record not numbered
        cshards.fresh_round(_Batches(batches).batch_bytes(0), {}, 4, 1, 1, 0, 9, 8, 512,
                            fail, fail)
    with pytest.raises(ValueError):
        cshards.fresh_round([], {}, 0, 1, 1, 0, 9, 8, 512, fail, fail)
    with pytest.raises(TypeError):
        cshards.fresh_round(5, {}, 4, 1, 1, 0, 9, 8, 512, fail, fail)
    with pytest.raises(TypeError):  # a chunk without the buffer interface
        cshards.fresh_round(["x"], {}, 4, 1, 1, 0, 9, 8, 512, fail, fail)
    assert cshards.fresh_round([], {}, 4, 1, 1, 0, 9, 8, 512, fail, fail) == {}


@settings(max_examples=200, deadline=None)
@given(st.permutations(list(range(300))).flatmap(
    lambda p: st.integers(0, len(p)).map(lambda n: [r for r in p if r < n])))
def test_lehmer_code_is_rank_code_of_the_twin(ranks: list[int]) -> None:
    """rank.json's Lehmer code from C (``lehmer_code``) and from the twin's loop: the same
    text, which reads back as the same places (sizes 0 to 300, both sides of a byte)."""
    made = browser_index.rank_code(ranks)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(browser_index, "_cshards", None)
        assert browser_index.rank_code(ranks) == made
    assert browser_index._bits_text(cshards.lehmer_code(ranks)) == made
    assert browser_index.rank_places(made, len(ranks)) == ranks


def test_lehmer_code_leaves_what_is_not_a_permutation_to_the_twin() -> None:
    """A repeated, negative, too large, huge or non-int place: None (the twin's loop then
    makes the text, or raises, as before); a tuple: TypeError; a large permutation agrees."""
    for odd in ([0, 0], [1], [-1], [2 ** 70], [True], [0, 1.0], [1, 0, 5]):
        assert cshards.lehmer_code(odd) is None
    with pytest.raises(TypeError):
        cshards.lehmer_code((0,))
    ranks = list(range(29_904))
    random.Random(12).shuffle(ranks)
    made = browser_index.rank_code(ranks)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(browser_index, "_cshards", None)
        assert browser_index.rank_code(ranks) == made
