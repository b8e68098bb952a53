"""The browser writer's per-article half in C (``archive.browser._cterms``) gives what its
pure-Python twins give, byte for byte: term hashes, cells, an article's entries and cells, a
field's merged terms, postings, and the term groups' marshal bytes (spill bytes and digests),
on hypothesis-made inputs (upper case, ALT_MARK readings, characters beyond the BMP and lone
surrogates, positions beyond the spellings' table and beyond 64 bits, terms sharing a hash)
and on the repository's articles; and the build reads the same with the module hidden."""

from __future__ import annotations

import marshal
import random
from array import array
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.analysis.morphology import ALT_MARK
from archive.browser import articleterms
from archive.browser import index as browser_index
from archive.config import Paths
from archive.index.columns import article_columns
from archive.index.docs import IndexDoc
from archive.pipeline import analyse, load

_cterms = articleterms._cterms
pytestmark = pytest.mark.skipif(_cterms is None, reason="archive.browser._cterms is not built")

SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

#: Characters of every kind a term may hold: Arabic, Latin of both cases, ALT_MARK, beyond
#: the BMP, and (a string the JavaScript never sees, but Python may hold) lone surrogates.
_CHARS = st.sampled_from(["ك", "ت", "ب", "A", "b", "Ǆ", ALT_MARK, "\U0001d49c", "\U00010000",
                          "\ud835", "\udc9c", "\x80", "\uffff", "a", "İ"])
_TERMS = st.text(_CHARS, max_size=6)
_NUMBERS = st.one_of(st.integers(0, 300), st.integers(0, 70_000), st.integers(0, 2**64 + 5))


def hide(monkeypatch: pytest.MonkeyPatch) -> None:
    """The build as where the C module is not built: every pure-Python twin."""
    monkeypatch.setattr(articleterms, "_cterms", None)
    monkeypatch.setattr(browser_index, "_cterms", None)
    monkeypatch.setattr(browser_index, "term_hash", browser_index.term_hash_py)
    monkeypatch.setattr(browser_index, "_HASHES", {})


def _outcome(fn: Any, *args: Any) -> Any:
    """``fn(*args)``, or the type of what it raised."""
    try:
        return fn(*args)
    except Exception as e:  # noqa: BLE001 - the exception's type is the outcome compared
        return type(e)


@SETTINGS
@given(st.text(max_size=8) | _TERMS)
def test_term_hash_is_the_twins(term: str) -> None:
    assert _outcome(_cterms.term_hash, term) == _outcome(browser_index.term_hash_py, term)


def test_term_hash_of_odd_terms() -> None:
    for term in ["", "a", "\U0001d49c", "\ud835\udc9c", "\U0001d49c\ud835", "ك" * 1000]:
        assert _outcome(_cterms.term_hash, term) == _outcome(browser_index.term_hash_py, term)
    assert _outcome(_cterms.term_hash, "\U0001d49c\ud835") is UnicodeEncodeError
    with pytest.raises(TypeError):
        _cterms.term_hash(b"a")


@SETTINGS
@given(st.lists(st.lists(_NUMBERS, min_size=1, max_size=8), max_size=10))
def test_cells_are_the_twins(lists: list[list[int]]) -> None:
    assert articleterms.cells(lists) == articleterms.cells_py(lists)
    if all(p < 2**63 for numbers in lists for p in numbers):
        assert _cterms.cells(lists) == articleterms.cells_py(lists)


def test_cells_of_odd_lists() -> None:
    for lists in ([[-1]], [[3, -2]], [[]], [[5, 5, 1]], [[2**63 - 1, 0]], [(4, 2)]):
        assert _outcome(_cterms.cells, lists) == _outcome(articleterms.cells_py, lists)
    with pytest.raises(OverflowError):
        _cterms.cells([[2**64]])
    with pytest.raises(TypeError):
        _cterms.cells([["1"]])


@SETTINGS
@given(st.data())
def test_entry_cells_are_the_twins(data: st.DataObject) -> None:
    size = data.draw(st.integers(1, 30))
    body = data.draw(st.lists(st.integers(0, size), max_size=200))
    at = data.draw(st.none() | st.lists(_NUMBERS.filter(lambda p: p < 2**63),
                                        min_size=len(body), max_size=len(body)))
    entries, lists, texts = articleterms.entry_cells_py(array("I", body), at)
    assert _cterms.entry_cells(array("I", body), at) == (entries, texts)
    assert _cterms.entry_cells(body, at) == (entries, texts)  # a list, not an array
    assert lists is not None and texts == articleterms.cells_py(lists)


def test_entry_cells_of_odd_bodies() -> None:
    assert _cterms.entry_cells(array("I"), None) == ([], [])
    assert _cterms.entry_cells(array("I", [2, 2]), [70_000, 3]) == (
        [2], articleterms.cells_py([[3, 70_000]]))
    with pytest.raises(ValueError):
        _cterms.entry_cells(array("I", [1, 2]), [1])
    with pytest.raises(ValueError):
        _cterms.entry_cells(array("I", [1]), [-4])
    with pytest.raises(OverflowError):  # the twin takes it (articleterms.entry_cells)
        _cterms.entry_cells(array("I", [1 << 30]), None)
    assert articleterms.entry_cells(array("I", [1 << 30, 1]), None) == (
        [1 << 30, 1], [[0], [1]], articleterms.cells_py([[0], [1]]))


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(["", "ك", "كت", "a", "b", "\U0001d49c", "ا"]),
                          st.lists(st.integers(0, 80_000), min_size=1, max_size=5)),
                max_size=14))
def test_merged_is_the_twin(pairs: list[tuple[str, list[int]]]) -> None:
    terms = [t for t, _ in pairs]
    lists = [sorted(p) for _, p in pairs]  # an entry's positions, ascending
    texts = articleterms.cells_py(lists)
    assert _cterms.merged(terms, texts) == articleterms._merged_py(terms, lists, texts)


def test_merged_refuses_what_is_not_a_cell() -> None:
    for bad in ["", "\x7f", "ك", "~"]:  # "~": a lone lead digit
        with pytest.raises(ValueError):
            _cterms.merged(["a", "a"], ["#", bad])
    with pytest.raises(ValueError):
        _cterms.merged(["a"], [])


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, 7), st.lists(st.tuples(_TERMS, st.text("#%&(",
                                                                                 max_size=3)),
                                                      max_size=8)), max_size=5))
def test_add_field_is_the_twin(fields: list[tuple[int, list[tuple[str, str]]]]) -> None:
    a: dict[str, list[Any]] = {}
    b: dict[str, list[Any]] = {}
    for f, pairs in fields:
        terms, texts = [t for t, _ in pairs], [c for _, c in pairs]
        _cterms.add_field(a, f, terms, texts)
        articleterms.add_field_py(b, f, terms, texts)
        assert list(a.items()) == list(b.items())
    with pytest.raises(ValueError):
        _cterms.add_field(a, 0, ["x"], [])


#: Values a posting's list may hold beyond its fields and cells: what marshal itself spells.
_ODD = st.one_of(st.integers(-2**70, 2**70), st.none(), st.booleans(), st.floats(allow_nan=False),
                 st.text(_CHARS, max_size=3), st.binary(max_size=3),
                 st.tuples(st.integers(-5, 2**40), st.text(max_size=2)))


def _forms(draw: st.DrawFn, words: list[str]) -> dict[Any, Any]:
    """First forms of some of ``words`` (a posting term's, or not), their spelling the
    normalized form or another."""
    forms: dict[Any, Any] = {}
    for w in draw(st.lists(st.sampled_from(words), max_size=12)) if words else []:
        norm = draw(st.sampled_from(words))
        forms[(draw(st.integers(0, 1)), w, norm)] = draw(st.sampled_from([norm, norm + "ى"]))
    return forms


@st.composite
def _article(draw: st.DrawFn, odd: bool) -> tuple[dict[str, list[Any]], dict[Any, Any]]:
    words = draw(st.lists(_TERMS, unique=True, max_size=12))
    postings: dict[str, list[Any]] = {}
    for w in words:
        if draw(st.booleans()):
            flat: list[Any] = []
            for f in draw(st.lists(st.integers(0, 7), min_size=1, max_size=3, unique=True)):
                flat += [f, draw(_ODD) if odd else draw(st.text("#%&(", min_size=1, max_size=3))]
            postings[w] = flat
    return postings, _forms(draw, words)


def _twin_and_c(monkeypatch: pytest.MonkeyPatch, weak: int, twin: Any, c_fn: Any,
                *args: Any) -> tuple[Any, Any]:
    """The outcomes of ``twin(*args)`` with the module hidden and of ``c_fn(*args)``, both
    with a hash of ``weak`` values (terms sharing a hash) when ``weak`` is not 0."""
    with monkeypatch.context() as m:
        hide(m)
        if weak:
            m.setattr(browser_index, "term_hash", lambda t: len(t) % weak)
        want = _outcome(twin, *args)
    return want, _outcome(c_fn, *args, (lambda t: len(t) % weak) if weak else None)


@SETTINGS
@given(_article(odd=False), st.integers(0, 3))
def test_term_groups_are_the_twins(monkeypatch: pytest.MonkeyPatch,
                                   article: tuple[dict[str, list[Any]], dict[Any, Any]],
                                   weak: int) -> None:
    """The same hashes and bytes, terms sharing a hash too (``weak``: a hash of ``weak``
    values); the twin with its own hashes (the module hidden)."""
    postings, forms = article
    want, got = _twin_and_c(monkeypatch, weak, browser_index._term_groups_py,
                            _cterms.term_groups, postings, forms)
    assert got == want
    if not weak and not isinstance(got, type):
        assert browser_index._term_groups(postings, forms) == want


@SETTINGS
@given(_article(odd=True))
def test_term_groups_write_any_value_as_marshal_does(
        monkeypatch: pytest.MonkeyPatch,
        article: tuple[dict[str, list[Any]], dict[Any, Any]]) -> None:
    postings, forms = article
    with monkeypatch.context() as m:
        hide(m)
        want = _outcome(browser_index._term_groups_py, postings, forms)
    assert _outcome(_cterms.term_groups, postings, forms) == want


def test_term_groups_of_big_hashes_and_odd_values() -> None:
    """Hashes of 31 and 32 bits (TYPE_INT and TYPE_LONG), values marshal spells itself."""
    postings = {"a": [0, "#"], "ك": [1, 2**31, 2, -2**31 - 1, 3, 2**63, 4, -(2**64), 5, 1.5],
                "\U0001d49c": [0, ("x", [None, True, False]), 1, b"\x00", 2, {"k": 1}]}
    forms = {(0, "a", "a"): "a", (1, "a", "b"): "c", (0, "z", "a"): "a"}
    got = _cterms.term_groups(postings, forms)
    assert got == browser_index._term_groups_py(postings, forms)
    assert any(h >= 2**31 for h in got[0]) and any(h < 2**31 for h in got[0])
    assert [marshal.dumps(marshal.loads(g), 2) for g in got[1]] == got[1]
    with pytest.raises(ValueError):  # what marshal cannot write
        _cterms.term_groups({"a": [0, object()]}, {})
    with pytest.raises(ValueError):
        _cterms.term_groups({}, {(0, "a"): "b"})
    with pytest.raises(TypeError):
        _cterms.term_groups({1: [0, "#"]}, {})
    for bad in (-1, 2**32):  # a hash is 32 bits
        with pytest.raises((OverflowError, ValueError)):
            _cterms.term_groups({"a": [0]}, {}, lambda t, bad=bad: bad)
    assert _cterms.term_groups({}, {}) == ([], [])


@st.composite
def _fields(draw: st.DrawFn) -> tuple[list[tuple[int, list[str], list[str]]], dict[Any, Any]]:
    """An article's fields (a term again in a later field, now and then twice in one) and
    forms, some of them of terms no field holds."""
    words = draw(st.lists(_TERMS, unique=True, max_size=12))
    fields = []
    for f in range(draw(st.integers(0, 8))):
        terms = draw(st.lists(st.sampled_from(words), max_size=8)) if words else []
        fields.append((f, terms, [draw(st.text("#%&(=", min_size=1, max_size=3))
                                  for _ in terms]))
    return fields, _forms(draw, words)


@SETTINGS
@given(_fields(), st.integers(0, 3))
def test_field_groups_are_the_twins(
        monkeypatch: pytest.MonkeyPatch,
        article: tuple[list[tuple[int, list[str], list[str]]], dict[Any, Any]],
        weak: int) -> None:
    """The groups and digests of an article's fields in one call: the twin's (its postings
    made by add_field, its groups by _term_groups, its checksums by zlib), terms sharing a
    hash too."""
    fields, forms = article
    want, got = _twin_and_c(monkeypatch, weak, browser_index._field_groups,
                            _cterms.field_groups, fields, forms)
    if weak and got is UnicodeEncodeError:
        return  # C's term table reads each term's FNV-1a whatever the groups' hash
    if isinstance(want, type):
        assert got is want
        return
    hashes, groups, digests = want
    assert got == (hashes, groups, digests.tobytes())
    if not weak:
        assert browser_index._field_groups(fields, forms) == (hashes, groups, digests)


def test_field_groups_refuse_odd_fields() -> None:
    with pytest.raises(ValueError):
        _cterms.field_groups([(0, ["a"], [])], {})
    with pytest.raises(TypeError):
        _cterms.field_groups([(0, ["a"])], {})
    with pytest.raises(TypeError):
        _cterms.field_groups([(0, [b"a"], ["#"])], {})
    assert _cterms.field_groups([], {}) == ([], [], b"")
    assert _cterms.field_groups([(0, [], [])], {(1, "a", "b"): "b"})[0] == [
        browser_index.term_hash_py("a")]


@SETTINGS
@given(st.data())
def test_add_firsts_is_the_twin(data: st.DataObject) -> None:
    """The body's first forms: entries without a normalized form, a stem or a root, a name's
    entries (from ``named`` on) left out, a key set before (a title's) kept."""
    size = data.draw(st.integers(1, 12))
    column = st.lists(st.sampled_from(["", "ك", "كت", "A", "\U0001d49c"]), min_size=size,
                      max_size=size)
    forms, norms, stems, roots = (data.draw(column) for _ in range(4))
    entries = data.draw(st.lists(st.integers(0, size - 1), unique=True))
    named = data.draw(st.integers(0, size))
    title = {(0, "ك", "ك"): "title", (1, "كت", "A"): "title"}
    a, b = dict(title), dict(title)
    _cterms.add_firsts(a, entries, named, forms, norms, stems, roots)
    articleterms._add_firsts_py(b, entries, named, forms, norms, stems, roots)
    assert list(a.items()) == list(b.items())


@SETTINGS
@given(st.lists(st.text(st.sampled_from(["ك", "ة", "ـ", "a", "A", "Σ", "σ", "İ", "ǅ", "ß",
                                         "\U00010400", "\U0001d49c", "\u0660", "ﻻ", "ﷲ",
                                         "\u08a0", "Ⅻ", "\x00", " "]), max_size=5),
                max_size=8))
def test_lowered_is_the_twin(terms: list[str]) -> None:
    """Lowercased where any term changes (Greek final sigma, dotted I, title case, Deseret
    beyond the BMP, Roman numerals), the same list where none does (Arabic blocks)."""
    got, want = _cterms.lowered(terms), articleterms._lowered_py(terms)
    assert got == want and (got is terms) == (want is terms)


@SETTINGS
@given(st.lists(_TERMS, min_size=1, max_size=10), st.data())
def test_picked_is_the_twins(column: list[str], data: st.DataObject) -> None:
    entries = data.draw(st.lists(st.integers(-len(column), len(column) - 1), max_size=12))
    assert _cterms.picked(column, entries) == list(map(column.__getitem__, entries))
    with pytest.raises(IndexError):
        _cterms.picked(column, [len(column)])


@SETTINGS
@given(st.binary(max_size=300))
def test_crc32_is_zlibs(data: bytes) -> None:
    import zlib

    assert _cterms.crc32(data) == zlib.crc32(data)


class _Meddler:
    """A value whose comparison and truth test empty the containers it is given: C must
    raise or go on, never read what was freed."""

    def __init__(self, *containers: Any) -> None:
        self.containers = containers

    def _meddle(self) -> None:
        for c in self.containers:
            c.clear()

    def __eq__(self, other: object) -> bool:
        self._meddle()
        return False

    def __hash__(self) -> int:
        return 7

    def __bool__(self) -> bool:
        self._meddle()
        return True


def test_meddling_values_raise_or_are_written() -> None:
    for _ in range(3):
        postings: dict[Any, Any] = {"a": [0, "#"], "b": [1, "%"]}
        forms: dict[Any, Any] = {}
        forms[(0, "a", "x")] = _Meddler(postings, forms)
        forms[(1, "b", "y")] = "y"
        for fn, first_arg in ((_cterms.term_groups, postings),
                              (_cterms.field_groups, [(0, ["a", "b"], ["#", "%"])])):
            try:
                fn(first_arg, forms)
            except (RuntimeError, ValueError):
                pass
        terms = ["a"]
        cells = ["#"]
        held: dict[Any, Any] = {_Meddler(terms, cells): 1}
        for term in [_Meddler(terms, cells), "z"]:
            try:
                _cterms.add_field(held, 0, [term, "q"], ["#", "%"])
            except (TypeError, ValueError):
                pass
        lists: list[list[Any]] = [["f"], [], ["s"], ["r"]]
        lists[1].append(_Meddler(*lists))
        try:
            _cterms.add_firsts({}, [0], 1, *lists)
        except IndexError:
            pass


def _records(analysis: Any) -> list[tuple[Any, ...]]:
    """Per article, read as columns and as tokens (an IndexDoc): its postings, forms, spill
    groups, digests and fingerprint."""
    out = []
    for ident in analysis.keys:
        c = article_columns(analysis, ident)
        doc = IndexDoc.from_analyzed(analysis.article(ident))
        for made, (postings, first) in ((c, articleterms.column_terms(c)),
                                        (doc, articleterms.doc_terms(doc))):
            rec = browser_index._record(made, None, c.article.text)
            out.append((list(postings.items()), list(first.items()), rec.hashes, rec.groups,
                        rec.digests.tobytes(), rec.fingerprint))
    return out


def test_records_of_real_articles_are_the_twins(archive_paths: Paths,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """An article's postings, forms, spill groups, digests and fingerprint, with the module
    and without it."""
    analysis = analyse(load(archive_paths), workers=1)
    assert len(analysis) > 3
    with_c = _records(analysis)
    hide(monkeypatch)
    assert _records(analysis) == with_c


def test_column_terms_of_synthetic_articles_are_the_twins(monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    """Upper case, shared terms, names, ALT_MARK readings, boilerplate between body runs:
    test_browser_articleterms' synthetic articles, with the module and without it."""
    from test_browser_articleterms import _synthetic

    rng = random.Random(25)
    made = [_synthetic(rng)[0] for _ in range(300)]
    with_c = [tuple(map(list, map(dict.items, articleterms.column_terms(c)))) for c in made]
    groups = [browser_index._term_groups(*articleterms.column_terms(c)) for c in made]
    hide(monkeypatch)
    assert [tuple(map(list, map(dict.items, articleterms.column_terms(c)))) for c in made] \
        == with_c
    assert [browser_index._term_groups(*articleterms.column_terms(c)) for c in made] == groups


def _spill_files(tmp: Any, buckets: int, articles: list[tuple[int, list[int], list[bytes]]],
                 docs: list[tuple[int, Any]]) -> tuple[dict[str, bytes], dict[int, int]]:
    """The spill files and bucket sizes of ``articles`` (seq, hashes, groups) and docs
    records, spilled as the writer spills them."""
    spill = browser_index._Spill(tmp, buckets)
    for (seq, hashes, groups), doc in zip(articles, docs + [None] * len(articles),
                                          strict=False):
        spill.add_groups(seq, hashes, groups, buckets - 1)
        if doc is not None:
            spill.add(buckets, doc)
    spill.close()
    files = {p.name: p.read_bytes() for p in sorted(tmp.iterdir())}
    return files, {b: spill.size(b) for b in range(buckets + 1)}


_GROUPS = st.lists(st.tuples(st.integers(0, 2**32 - 1),
                             st.binary(max_size=300) | st.sampled_from([b"", b"x" * 5000])),
                   max_size=40)


@SETTINGS
@given(st.sampled_from([1, 2, 64, 512]),
       st.lists(st.tuples(st.integers(0, 2**31 - 1) | st.integers(2**31, 2**80), _GROUPS),
                max_size=30),
       st.lists(st.tuples(st.integers(0, 99), st.text(max_size=5)), max_size=5))
def test_spill_files_are_the_twins(tmp_path_factory: pytest.TempPathFactory, buckets: int,
                                   articles: list[tuple[int, list[tuple[int, bytes]]]],
                                   docs: list[tuple[int, Any]]) -> None:
    """The C spill (``_cterms.spill_*``) writes the bytes, batches and sizes the twin writes
    (the records, their order per bucket, where the batches break), at any number of buckets
    (flushes of 4 KB at 512), with seqs beyond 32 and 64 bits and empty and large groups;
    and the writer reads them back alike."""
    rows = [(seq, [h for h, _ in groups], [g for _, g in groups]) for seq, groups in articles]
    with pytest.MonkeyPatch.context() as mp:
        got = _spill_files(tmp_path_factory.mktemp("c"), buckets, rows, docs)
        hide(mp)
        want = _spill_files(tmp_path_factory.mktemp("py"), buckets, rows, docs)
    assert got == want


def test_spill_of_real_groups_reads_back(tmp_path: Any) -> None:
    """Real-looking groups (``_cterms.field_groups``) spilled by the C spill read back as the
    records the writer made, bucket by bucket, in order."""
    rng = random.Random(7)
    words = ["كتب", "كاتب", "مكتبة", "درس", "مدرسة", "A", "\U0001d49c", "x" * 40]
    spill = browser_index._Spill(tmp_path, 64)
    want: dict[int, list[Any]] = {}
    for seq in range(300):
        terms = [rng.choice(words) + str(rng.randrange(50)) for _ in range(rng.randrange(1, 30))]
        fields = [(f, terms[f::3], [str(rng.randrange(9))] * len(terms[f::3])) for f in range(3)]
        hashes, groups, _digests = _cterms.field_groups(fields, {})
        spill.add_groups(seq, hashes, groups, 63)
        for h, g in zip(hashes, groups, strict=True):
            records = want.setdefault(h & 63, [])
            if not records or records[-1][0] != seq:
                records.append((seq, []))
            records[-1][1].append(marshal.loads(g))
    spill.close()
    for bucket, records in want.items():
        assert list(spill.read(bucket)) == records
        assert spill.size(bucket) == sum(
            4 + len(marshal.dumps((seq, groups), 2)) for seq, groups in records)


def test_spill_refuses_odd_calls(tmp_path: Any) -> None:
    native = _cterms.spill_new(4, 4096)
    with pytest.raises(IndexError):
        _cterms.spill_add(native, 4, b"x")
    with pytest.raises(IndexError):
        _cterms.spill_groups(native, 0, [5], [b"x"], 7)
    with pytest.raises(TypeError):
        _cterms.spill_groups(native, 0, [1], ["x"], 3)
    with pytest.raises(TypeError):
        _cterms.spill_groups(native, "0", [1], [b"x"], 3)
    with pytest.raises(ValueError):
        _cterms.spill_groups(native, 0, [1, 2], [b"x"], 3)
    with pytest.raises(ValueError):
        _cterms.spill_new(0, 4096)
    with pytest.raises(ValueError):  # (not a spill's capsule)
        _cterms.spill_take(object(), 0)
    assert _cterms.spill_take(native, 1) is None  # (nothing held, nothing written)
    assert _cterms.spill_groups(native, 3, [], [], 3) == []
    assert _cterms.spill_size(native, 0) == 0
    assert _cterms.spill_add(native, 2, bytearray(b"ab")) is False
    assert _cterms.spill_take(native, 2) == b"\x07\x00\x00\x00[\x01\x00\x00\x00ab"


@SETTINGS
@given(st.data())
def test_field_groups_spilled_are_the_twins(tmp_path_factory: pytest.TempPathFactory,
                                            data: st.DataObject) -> None:
    """A new article's groups spilled from ``field_groups``' own buffer (``_record`` with a
    spill) make the files, sizes and digests the twin makes (its groups made, then
    :meth:`_Spill.add_groups`), at 1, 2, 64 and 512 buckets."""
    buckets = data.draw(st.sampled_from([1, 2, 64, 512]))
    articles = data.draw(st.lists(_fields(), max_size=12))

    def spilled(folder: Any) -> tuple[dict[str, bytes], list[int], list[bytes]]:
        spill = browser_index._Spill(folder, buckets)
        digests = []
        for seq, (fields, forms) in enumerate(articles):
            hashes, groups, d = browser_index._field_groups(fields, forms, (spill, seq * 7919))
            assert (hashes, groups) == ([], [])
            digests.append(d.tobytes())
        spill.close()
        return ({p.name: p.read_bytes() for p in sorted(folder.iterdir())},
                [spill.size(b) for b in range(buckets + 1)], digests)

    with pytest.MonkeyPatch.context() as mp:
        got = _outcome(spilled, tmp_path_factory.mktemp("c"))
        hide(mp)
        want = _outcome(spilled, tmp_path_factory.mktemp("py"))
    assert got == want  # (or the same error: a term UTF-16 cannot encode)


def test_field_groups_spill_refuses_odd_calls(tmp_path: Any) -> None:
    native = _cterms.spill_new(2, 4096)
    fields = [(0, ["a", "b", "c"], ["1", "2", "3"])]
    with pytest.raises(IndexError):  # a hash beyond the buckets
        _cterms.field_groups(fields, {}, None, native, 0, 0xFF)
    with pytest.raises(TypeError):
        _cterms.field_groups(fields, {}, None, native, "0", 1)
    with pytest.raises(ValueError):
        _cterms.field_groups(fields, {}, None, object(), 0, 1)
    data, full = _cterms.field_groups(fields, {}, None, native, 2**70, 1)
    assert full == [] and len(data) == 2 * 4 * len(_cterms.field_groups(fields, {})[0])
