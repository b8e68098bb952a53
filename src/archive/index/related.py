"""Related articles: for each article, the most similar others by shared roots and entities.

Rule (computed at build time, stored in ``related.json``)::

    features of an article  = the roots of its body words ("root" field) and the gazetteer keys
                              of the entities it mentions ("entity" field)
    level(x)                = ⌊log2 x⌋
    weight(f, a)            = (1 + ln tf(f, a)) · idf(f)
    idf(f)                  = ln 2 · (1 + level(N) − level(df(f)))   from FULL_BELOW articles on
                              ln(N / df(f))                           below (small archives)
    only features found in at least two articles (not all of them) and in at most RARE_DF(N)
    articles count:
    RARE_DF(N)              = max(RARE_MIN, RARE_FACTOR · sqrt(2^level(N)))
    similarity(a, b)        = cosine of the two weight vectors, rounded to 4 decimals
    related(a)              = the TOP_K others with similarity > 0, by similarity, then by id

From FULL_BELOW articles on, the inverse document frequency is ln(2N/df) taken by powers of
two (levels; it exceeds ln(N/df) by less than ln 4): one article more
or less changes a weight only when a document frequency crosses a power of two, so an update
recomputes the lists of the few articles it can change (:func:`update_related`), not all of
them, with the same result as a computation from scratch.

The cap on df keeps the product sparse: with every feature, the article-by-article product is
dense (O(N^2): 80 s at 10,000 articles), while features in more than RARE_DF(N) articles carry
the least weight and say little about which articles belong together. Below RARE_MIN articles no
feature is capped, so small archives keep the plain cosine over all shared features.

``shared`` lists the features that contribute most to the similarity (largest products of
weights, then alphabetical), at most SHARED_K.
"""

from __future__ import annotations

import json
import math
import zlib
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from functools import partial
from itertools import chain, compress, count, pairwise, repeat
from json.encoder import encode_basestring as _quote  # the C function where there is one
from operator import itemgetter
from typing import Any, TextIO, TypeAlias

from archive import native
from archive.index.textindex import TextCheck, checked_index_bytes, index_fields
from archive.index.textindex import text_check as text_check  # (its home before)

#: _Matrix.top's products and selection and FeatureRows.add_counts's look-ups in C
#: (archive/index/_cpostings.c) where it can be used; None: their twins (scipy, numpy)
_cpostings = native.module("archive.index._cpostings")

#: Version of the rule above, kept in the index manifest: related.json computed with another
#: rule is computed again in full, never updated (2: idf by levels).
RULE = 2
TOP_K = 5
SHARED_K = 8
RARE_MIN = 64
RARE_FACTOR = 4.0
_CHUNK = 256
#: Below this many articles an update computes every list again (it takes little time, and
#: from 128 articles on the cap keeps every feature below N, as the incremental rule needs).
FULL_BELOW = 128
#: An update's products of a few rows are summed by numpy up to this many products of entries
#: (~48 bytes each held at once), by scipy beyond (see :class:`_Matrix`).
FEW_PAIRS = 1 << 20
#: ... and summed into an array of every pair of those rows with every row up to this many
#: pairs (8 bytes each), beyond it only the pairs with a product kept (sorted: slower).
DENSE_SUMS = 1 << 22
#: From this many products an update's rows against all are summed by
#: _cpostings.related_against (where it is built; at any count it beats numpy's and scipy's
#: but for an edit's few rows, when reading every row costs more than their sums: 0.07 G
#: instructions more for one at 29,904 articles)
C_PAIRS = 1 << 17


def rare_df(n: int) -> int:
    """Largest document frequency of a feature that makes two articles candidates (the same
    for every N between two powers of two)."""
    return max(RARE_MIN, int(RARE_FACTOR * math.sqrt(2 ** _level(max(n, 1)))))


def features_of(root_items: Iterable[tuple[str, int, int, int]],
                entity_items: Iterable[tuple[str, int, int, int]]) -> dict[str, int]:
    """An article's features with their term frequencies, from the items of its ``root`` and
    ``entity`` fields (:func:`archive.index.schema.root_stream`, the entity spans): what the
    index's postings of those fields hold for it (empty terms are not indexed)."""
    return dict(sorted(_counts(root_items, entity_items).items()))


_FIRST = itemgetter(0)


def _counts(root_items: Iterable[tuple[str, int, int, int]],
            entity_items: Iterable[tuple[str, int, int, int]]) -> Counter[str]:
    """:func:`features_of` in order of first sight (counted by Counter's C loop over the
    terms: no tuple unpacked per item)."""
    counts: Counter[str] = Counter(map(_FIRST, root_items))
    counts.update(map("@".__add__, filter(None, map(_FIRST, entity_items))))
    counts.pop("", None)  # a token without a root (the others keep their order)
    return counts


def index_features(ix: Any, ids_by_num: dict[int, str] | None = None,
                   ) -> dict[str, dict[str, int]]:
    """Per article id (sorted), every feature with its term frequency, read from the index's
    postings. ``ids_by_num``: the id of each live document, when known (docs.json): spares
    reading every document's stored fields, the article text included."""
    with ix.reader() as reader:
        if ids_by_num is None:
            ids_by_num = {num: f["id"] for num, f in reader.iter_docs()}
        feats: dict[str, dict[str, int]] = {i: {} for i in sorted(ids_by_num.values())}
        for fieldname, prefix in (("root", ""), ("entity", "@")):
            if fieldname not in reader.schema:
                continue
            for btext in list(reader.lexicon(fieldname)):
                m = reader.postings(fieldname, btext)
                name = prefix + btext.decode("utf-8")
                while m.is_active():
                    feats[ids_by_num[m.id()]][name] = int(m.weight())
                    m.next()
    return {i: dict(sorted(fs.items())) for i, fs in feats.items()}


def doc_features(ix: Any, ids_by_num: dict[int, str] | None = None,
                 ) -> tuple[list[str], dict[str, dict[str, int]]]:
    """Article ids (sorted) and, per id, the shared features (found in two articles or more)
    with their term frequencies."""
    feats = index_features(ix, ids_by_num)
    df: Counter[str] = Counter(f for fs in feats.values() for f in fs)
    return list(feats), {i: {f: tf for f, tf in fs.items() if df[f] > 1}
                         for i, fs in feats.items()}


def compute_related(ix: Any, top_k: int = TOP_K, ids_by_num: dict[int, str] | None = None,
                    ) -> dict[str, list[dict[str, Any]]]:
    """``{id: [{"id", "score", "shared"}]}`` for every article in the index."""
    return related_from_features(index_features(ix, ids_by_num), top_k)


#: per article id, each feature with its term frequency (as dicts, or as arrays)
Features: TypeAlias = "dict[str, dict[str, int]] | FeatureTable"


def related_from_features(feats: Features, top_k: int = TOP_K,
                          ) -> dict[str, list[dict[str, Any]]]:
    """``{id: [{"id", "score", "shared"}]}`` for every article of ``feats`` (per id, each
    feature with its term frequency: :func:`index_features`, or a :class:`FeatureTable`)."""
    table = FeatureTable.of(feats)
    ids = table.ids
    out: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    if len(ids) < 2 or top_k < 1:
        return out
    m = _Matrix(table)
    import numpy as np

    out.update(m.top(np.arange(len(ids), dtype=np.int64), top_k))
    return out


def update_related(old_feats: Features, new_feats: Features,
                   old_related: dict[str, list[dict[str, Any]]] | StoredRelated | None,
                   top_k: int = TOP_K,
                   ) -> dict[str, list[dict[str, Any]]] | RelatedLists:
    """:func:`related_from_features` of ``new_feats``, computed again only for the articles
    whose list can have changed since ``old_related`` was computed from ``old_feats``.

    Between two powers of two of the article count, a weight depends only on the article's
    term frequency and on the level of the feature's document frequency (and whether it is in
    the vocabulary at all). An article's vector therefore changes only when it changed itself
    or holds a feature whose level or membership changed ("moved" below); its list changes
    only when its vector changed, or when a moved article is, or may now be, among its
    TOP_K. So:

    - a moved article is computed again in full;
    - any other article keeps its old list without the moved and deleted articles, merged
      with its similarity to each moved article: the others' similarities to it are
      unchanged and ranked after its old TOP_K-th, so the merged list is exact when at least
      TOP_K of its entries rank before that one (or the old list was not full); otherwise
      the article is computed again in full.

    ``old_related`` may be a :class:`StoredRelated` (related.json with its index, as the
    previous generation wrote them): then only the lists that can change are read from it,
    and the result is a :class:`RelatedLists` that takes the others' text from it.

    The result is the same, byte for byte, as computing everything again (the similarity of
    two articles is summed in the same order either way). Below FULL_BELOW articles, across a
    power of two, or without a usable old result, everything is computed again."""
    import numpy as np

    old, new = FeatureTable.of(old_feats), FeatureTable.of(new_feats)
    n = len(new.ids)
    stored = old_related if isinstance(old_related, StoredRelated) else None
    if stored is not None and (stored.ids != old.ids or stored.top_k != top_k):
        old_related = dict(stored)  # not the lists of these features: read every one
        stored = None
    if (old_related is None or n < FULL_BELOW or len(old.ids) < FULL_BELOW
            or _level(n) != _level(len(old.ids))
            or (stored is None and set(old_related) != set(old.ids)) or top_k < 1):
        return related_from_features(new, top_k)
    # both tables' features numbered alike (the names of either, alphabetical): per name of
    # each table, its number in the union of both (None: the same numbers)
    old_map: Any
    new_map: Any
    if old.names == new.names:
        width, old_map, new_map = len(new.names), None, None
    elif new.base is not None and new.base[0] is old and new.base_union is not None:
        # made from ``old`` by FeatureTable.replace, which has numbered both tables' names
        # into their union already (an edit that brings a new word, a delete that drops the
        # words only the deleted article had): not sorted and numbered again
        width, old_map, new_map = new.base_union
    else:
        names = sorted(set(old.names).union(new.names))
        width, old_map, new_map = len(names), old.numbers(names), new.numbers(names)
    changed = _changed_rows(old, old_map, new, new_map)
    if not changed:
        if stored is not None:
            return RelatedLists(new.ids, {}, stored)
        return {a: old_related[a] for a in new.ids}
    deleted = set(old.ids) - set(new.ids)
    # (each table's document frequencies, kept on it: not counted from every entry again)
    df_old = _in_union(old.df(), old_map, width)
    df_new = _in_union(new.df(), new_map, width)
    cap = rare_df(n)

    def key(d: Any) -> Any:  # what a feature's weights depend on: -1 = not in the vocabulary
        level = np.frexp(np.maximum(d, 1).astype(np.float64))[1] - 1
        return np.where((d > 1) & (d <= cap), level, -1)

    moved_feature = key(df_old) != key(df_new)
    ids = new.ids
    # the rows holding a moved feature: the entries found, then their rows by bisection (no
    # row number made for every entry)
    at = np.flatnonzero((moved_feature if new_map is None else moved_feature[new_map])[new.fid])
    holders = np.unique(np.searchsorted(new.indptr, at, side="right") - 1).tolist()
    moved = changed.intersection(ids).union(ids[k] for k in holders)
    gone = moved | deleted
    m = _Matrix(new, few=True)
    full: set[str] = set(moved)
    cols = np.asarray(sorted(m.row[a] for a in moved), dtype=np.int64)
    is_rest = np.ones(len(ids), dtype=bool)
    is_rest[cols] = False
    rows = np.flatnonzero(is_rest)  # (the others' rows, without a look-up per article)
    rest = list(compress(ids, is_rest.tolist()))
    extra: dict[int, list[tuple[float, int]]] = {}
    hit: list[bool] = []
    thresholds: tuple[Any, Any] | None = None
    if stored is not None and rest:
        # the lists kept in related.json are read only where they can change: those naming a
        # moved or deleted article (hit), and those a moved article enters (decided from the
        # stored neighbours and scores, as settle decides it from the lists): a full list
        # that names no gone article keeps its TOP_K-th as the threshold a moved article's
        # similarity must pass (ranks before: more similar, or as similar with a smaller id)
        ro = np.fromiter(map(stored.row.__getitem__, rest), dtype=np.int64, count=len(rest))
        nb = stored.nbr[ro]
        gone_rows = np.fromiter(sorted(stored.row[g] for g in gone if g in stored.row),
                                dtype=np.int64)
        hit_a = np.isin(nb, gone_rows).any(axis=1)
        hit = hit_a.tolist()
        open_list = hit_a | ((nb >= 0).sum(axis=1) < top_k)
        last = nb[:, top_k - 1]
        new_row = np.fromiter(map(m.row.get, stored.ids, repeat(-1)), dtype=np.int64,
                              count=len(stored.ids))
        thresholds = (np.where(open_list, -np.inf, stored.scores[ro, top_k - 1]),
                      np.where(open_list, -1, new_row[np.maximum(last, 0)]))
    if rest and moved:
        # every row against the moved ones (no copy of the rest's rows), then the rest's
        in_rest = np.full(len(ids), -1, dtype=np.int64)
        in_rest[rows] = np.arange(len(rest), dtype=np.int64)
        # C's sums from C_PAIRS products on (an article added or deleted moves every holder
        # of a feature whose df crosses a power of two: 379 rows, 2.5 million products at
        # 29,904), else numpy's while the pairs are few, else scipy's
        got = (m._against_c(cols, in_rest, top_k, thresholds) if m._pairs(cols) >= C_PAIRS
               else None)
        if got is not None:  # (no product of every pair kept, nor sorted; no scipy)
            extra = got
        else:
            if m._numpy(cols):
                k_of, other, data = m._against(cols)
                _add_extra(extra, in_rest[other], cols[k_of], data, top_k)
            else:
                sims = (m.x @ m.xt[:, cols]).tocsr()
                _add_extra(extra, in_rest[np.repeat(np.arange(len(ids), dtype=np.int64),
                                                    np.diff(sims.indptr))],
                           cols[sims.indices], sims.data, top_k)
            if thresholds is not None:
                extra = _entering(extra, *thresholds)
    out: dict[str, list[dict[str, Any]]] = {}
    picked: dict[str, list[tuple[float, str, Any]]] = {}

    def settle(k: int, a: str, old: list[dict[str, Any]]) -> None:
        """Article ``a`` (``rest[k]``) keeps ``old``, is merged (picked) or computed again."""
        if not any(r["id"] in gone for r in old):
            more = extra.get(k)
            if more is None:
                out[a] = old  # nothing it is compared with changed
                return
            if len(old) >= top_k:
                # a full list that no moved article enters (each ranks after its TOP_K-th:
                # less similar, or as similar with a larger id) stays as it is: most of the
                # articles that share a feature with an edited one (half of them at 9,504)
                last_score, last_id = old[top_k - 1]["score"], old[top_k - 1]["id"]
                if all(sim < last_score or (sim == last_score and ids[b] > last_id)
                       for sim, b in more):
                    out[a] = old
                    return
        # the others' similarities to it are unchanged and were at most its old TOP_K-th:
        # its kept entries and its similarities to the moved articles decide, unless fewer
        # than TOP_K of them rank before the old TOP_K-th (then what follows is unknown)
        merged: list[tuple[float, str, Any]] = [
            (r["score"], r["id"], r) for r in old if r["id"] not in gone]
        merged += [(sim, ids[b], b) for sim, b in extra.get(k, ())]
        merged.sort(key=lambda t: (-t[0], t[1]))
        if len(old) >= top_k:
            last = (-old[top_k - 1]["score"], old[top_k - 1]["id"])
            if sum(1 for sim, i, _ in merged[:top_k] if (-sim, i) <= last) < top_k:
                full.add(a)
                return
        picked[a] = merged[:top_k]

    if stored is None:
        assert isinstance(old_related, dict)
        for k, a in enumerate(rest):
            settle(k, a, old_related[a])
    else:
        # (the others are kept as they are in related.json: extra holds only the lists a
        # moved article enters, by the thresholds above)
        for k in sorted(set(extra).union(compress(range(len(rest)), hit))):
            settle(k, rest[k], stored[rest[k]])
    pairs = [(m.row[a], b) for a, entries in picked.items() for _, _, b in entries
             if isinstance(b, int)]
    shared = dict(zip(pairs, m.shared(np.asarray([p[0] for p in pairs], dtype=np.int64),
                                      np.asarray([p[1] for p in pairs], dtype=np.int64)),
                      strict=True)) if pairs else {}
    for a, entries in picked.items():
        out[a] = [b if not isinstance(b, int) else
                  {"id": ids[b], "score": sim, "shared": shared[m.row[a], b]}
                  for sim, _, b in entries]
    out.update(m.top(np.asarray(sorted(m.row[a] for a in full), dtype=np.int64), top_k))
    if stored is not None:
        return RelatedLists(ids, out, stored)
    return {a: out[a] for a in ids}


def _entering(extra: dict[int, list[tuple[float, int]]], last_score: Any, last_row: Any,
              ) -> dict[int, list[tuple[float, int]]]:
    """The lists of ``extra`` whose best entry ranks before its slot's threshold (a higher
    score, or the same and a smaller row). Twin of ``_cpostings.related_against``'s
    thresholds."""
    scores, rows = last_score.tolist(), last_row.tolist()
    return {k: v for k, v in extra.items()
            if v[0][0] > scores[k] or (v[0][0] == scores[k] and v[0][1] < rows[k])}


def _add_extra(extra: dict[int, list[tuple[float, int]]], r: Any, c: Any, data: Any,
               top_k: int) -> None:
    """Each kept article's (``r``: its place, -1 for a moved one) TOP_K most similar moved
    ones (``c``: their rows) of the similarities ``data`` into ``extra``: ``(score, row)``
    best first (ties: the smaller row). Twin of ``_cpostings.related_against``'s selection."""
    import numpy as np

    data = np.round(data, 4)
    pos = (data > 0) & (r >= 0)
    r, c, data = r[pos], c[pos], data[pos]
    # per article, only its TOP_K most similar moved ones can enter its list
    order = np.lexsort((c, -data, r))
    r, c, data = r[order], c[order], data[order]
    top = _ranks(r) < top_k
    for k, b, sim in zip(r[top].tolist(), c[top].tolist(), data[top].tolist(), strict=True):
        extra.setdefault(k, []).append((sim, b))


class _Matrix:
    """The normalised weight vectors of every article of ``feats`` (rows in id order, columns
    the vocabulary in alphabetical order): ``x`` (CSR) and its transpose ``xt`` (CSC), made
    when first asked for.

    ``few``: an update's matrix, asked for the products of a few rows (an edited, added or
    deleted article's): those are summed by numpy (:meth:`_against`, :meth:`_shared_few`)
    while their pairs of entries are few, in the order scipy sums them (the same floats), so
    that an update does not import scipy (0.13–0.15 CPU s, most of it ``scipy.sparse``: ~7 %
    of a one-article rebuild at 987 articles). A cold build's products (every row) stay
    scipy's, or those of ``_cpostings.related_top`` (the same floats, summed in the same
    order), which reads the arrays themselves: with it, a cold build neither imports scipy
    (~10 % of the stage's instructions at 987 articles) nor makes its matrices."""

    def __init__(self, table: FeatureTable, few: bool = False) -> None:
        import numpy as np

        ids, names, fid = table.ids, table.names, table.fid
        n = len(ids)
        self.ids = ids
        self.row = {a: k for k, a in enumerate(ids)}
        df = table.df()
        cap = rare_df(n)
        # the names are in alphabetical order, and so is each article's run of features
        counted = np.flatnonzero((df > 1) & (df < n) & (df <= cap))
        vocab = [names[i] for i in counted.tolist()]
        # (int32 column and row numbers, the row of each entry not kept on the table: at
        # 29,904 articles the temporary arrays of every entry were the related step's peak)
        column = np.full(len(names), -1, dtype=np.int32)
        column[counted] = np.arange(len(vocab), dtype=np.int32)
        col = column[fid]
        del column
        keep = col >= 0
        col = col[keep]
        row = table.row_of_entry(keep=False)[keep]
        fid = fid[keep]
        tf = table.tf[keep].astype(np.float64)
        del keep
        if n < FULL_BELOW:
            idf = np.log(n / df[fid])
        else:  # by levels: ln 2 · (1 + ⌊log2 N⌋ − ⌊log2 df⌋) (frexp: ⌊log2⌋ + 1, exactly)
            idf = np.log(2.0) * (1 + _level(n) - (np.frexp(df[fid].astype(np.float64))[1] - 1))
        del fid
        w = np.log(tf)  # (1 + log tf) · idf, in place: the same floats, no temporary arrays
        del tf
        w += 1
        w *= idf
        del idf
        norm = np.sqrt(np.bincount(row, weights=w * w, minlength=n))  # summed in that order
        norm[norm == 0] = 1.0
        w /= norm[row]
        indptr = np.concatenate(([0], np.cumsum(np.bincount(row, minlength=n))))
        self.vocab = vocab
        self.few = few
        self.shape = (n, len(vocab))
        #: the CSR arrays (data, indices, indptr) until ``x`` is made from them
        self._csr: tuple[Any, Any, Any] | None = (w, col, indptr)
        self._x: Any = None
        self._xt: Any = None
        self._df: Any = None
        self._last: tuple[bytes, tuple[Any, Any, Any]] | None = None  # (rows, _against's)
        #: each column's rows, for related_top: (data, rows, indptr), made when first asked for
        self._t: tuple[Any, Any, Any] | None = None
        self._names: list[str] | None = None  # the vocabulary as ``shared`` names it
        self._quoted: list[str] | None = None  # ... quoted as JSON strings
        if not few and _cpostings is None:
            self._make()

    def _make(self) -> None:
        from scipy import sparse

        assert self._csr is not None
        self._x = sparse.csr_matrix(self._csr, shape=self.shape)
        self._xt = self._x.T.tocsc()
        self._csr = None  # (x holds them: not kept twice)

    @property
    def x(self) -> Any:
        if self._x is None:
            self._make()
        return self._x

    @property
    def xt(self) -> Any:
        if self._xt is None:
            self._make()
        return self._xt

    def _arrays(self) -> tuple[Any, Any, Any]:
        """(data, indices, indptr) of ``x``."""
        if self._csr is not None:
            return self._csr
        return self._x.data, self._x.indices, self._x.indptr

    def _columns(self) -> tuple[Any, Any, Any]:
        """The transpose of ``x`` as arrays (data, rows, indptr): each column's entries in
        row order (a stable sort of the entries by column)."""
        import numpy as np

        if self._t is None:
            w, col, indptr = self._arrays()
            order = np.argsort(col, kind="stable")
            rows = np.repeat(np.arange(self.shape[0], dtype=np.int32), np.diff(indptr))[order]
            t_indptr = np.zeros(self.shape[1] + 1, dtype=np.int64)
            np.cumsum(np.bincount(col, minlength=self.shape[1]), out=t_indptr[1:])
            self._t = (w[order], rows, t_indptr)
        return self._t

    def _top_c(self, rows: Any, top_k: int, quoted: bool = False,
               ) -> tuple[list[int], list[int], list[float], list[list[str]]] | None:
        """What the twin's products, selection and :meth:`shared` give for ``rows``, in C
        (None: the C does not read these arrays, or there is no C); ``quoted``: the shared
        names as JSON strings (what related.json writes)."""
        if _cpostings is None:
            return None
        if self._names is None:
            self._names = [f[1:] if f.startswith("@") else f for f in self.vocab]
        names = self._names
        if quoted:
            if self._quoted is None:
                self._quoted = list(map(_quote, names))
            names = self._quoted
        w, col, indptr = self._arrays()
        t_data, t_rows, t_indptr = self._columns()
        return _cpostings.related_top(w, col, indptr, t_data, t_rows, t_indptr, rows, top_k,
                                      SHARED_K, names)  # type: ignore[no-any-return]

    def _against_c(self, rows: Any, slot: Any, top_k: int,
                   thresholds: tuple[Any, Any] | None = None,
                   ) -> dict[int, list[tuple[float, int]]] | None:
        """In C, each kept row's (``slot``: its place, -1 for the others) ``top_k`` most
        similar of ``rows`` (ascending), what :func:`_add_extra` puts in an empty dict (None:
        no C, or arrays the C does not read: the twin's); ``thresholds`` (per slot, a score
        and a row): only the lists :func:`_entering` keeps."""
        if _cpostings is None:
            return None
        w, col, indptr = self._arrays()
        return _cpostings.related_against(  # type: ignore[no-any-return]
            w, col, indptr, self.shape[1], rows, slot, top_k, *(thresholds or ()))

    def _rows_c(self, rows: Any, top_k: int,
                ) -> tuple[list[int], list[int], list[float], list[list[str]]] | None:
        """:meth:`_top_c`'s lists of ``rows`` (ascending) without the transpose (None: no C,
        or arrays the C does not read): an update's few rows against every row once, not a
        sort of every entry by column, nor the vocabulary's names made over."""
        if _cpostings is None:
            return None
        w, col, indptr = self._arrays()
        return _cpostings.related_rows(  # type: ignore[no-any-return]
            w, col, indptr, self.shape[1], rows, top_k, SHARED_K, self.vocab)

    def _pairs(self, rows: Any) -> int:
        """How many products of entries :meth:`_against` makes for ``rows``."""
        import numpy as np

        w, col, indptr = self._arrays()
        if self._df is None:
            self._df = np.bincount(col, minlength=self.shape[1])
        lens = indptr[rows + 1] - indptr[rows]
        return int(self._df[col[_spans(indptr[rows], lens)]].sum())

    def _numpy(self, rows: Any) -> bool:
        """Whether the products of ``rows`` are summed by numpy (:meth:`_against`)."""
        return self.few and self._x is None and self._pairs(rows) <= FEW_PAIRS

    def _against(self, rows: Any) -> tuple[Any, Any, Any]:
        """The similarities of each row of ``rows`` with every row: ``(k, other, sim)``
        (``k``: the place in ``rows``), sorted by ``(k, other)``, the pairs with no feature in
        common left out — what ``x[rows] @ xt`` (or ``x @ xt[:, rows]``, transposed) gives:
        each similarity summed over the shared features in column order, as scipy's product
        sums them (it adds, per output row, each entry of the left row in turn, in column
        order), so the floats are the same."""
        import numpy as np

        if self._last is not None and self._last[0] == rows.tobytes():
            return self._last[1]  # (an update asks for its moved rows twice)
        w, col, indptr = self._arrays()
        n = self.shape[0]
        lens = indptr[rows + 1] - indptr[rows]
        at = _spans(indptr[rows], lens)
        qk, qv = col[at], w[at]  # the rows' entries, each row's in column order
        qpos = np.repeat(np.arange(len(rows), dtype=np.int64), lens)
        # the entries of every row in those columns, grouped by column (in row order)
        wanted = np.zeros(self.shape[1], dtype=bool)
        wanted[qk] = True
        sel = np.flatnonzero(wanted[col])
        order = np.argsort(col[sel], kind="stable")
        sel = sel[order]
        sk = col[sel]
        srow = np.searchsorted(indptr, sel, side="right") - 1
        sv = w[sel]
        start = np.searchsorted(sk, qk, side="left")
        cnt = np.searchsorted(sk, qk, side="right") - start
        other = _spans(start, cnt)
        # (one product per shared column for each pair, in each row's column order)
        prod = np.repeat(qv, cnt) * sv[other]
        code = np.repeat(qpos, cnt) * n + srow[other]
        del other, start, cnt
        if len(rows) * n <= DENSE_SUMS:  # every pair's sum (0: no feature in common)
            sims = np.bincount(code, weights=prod, minlength=len(rows) * n)
            pairs = np.flatnonzero(sims)  # (a sum of positive products is positive)
            sims = sims[pairs]
        else:  # only the pairs with a product (a sort of them: ~10x the time of the above)
            pairs, inv = np.unique(code, return_inverse=True)
            sims = np.bincount(inv.ravel(), weights=prod, minlength=len(pairs))
        out = (pairs // n, pairs % n, sims)
        self._last = (rows.tobytes(), out)
        return out

    def top(self, rows: Any, top_k: int) -> dict[str, list[dict[str, Any]]]:
        """The related list of each article of ``rows`` (row numbers)."""
        import numpy as np

        ids = self.ids
        out: dict[str, list[dict[str, Any]]] = {}
        if (self.few and len(rows)
                and not (self._last is not None and self._last[0] == rows.tobytes())):
            # an update's rows (but those numpy has summed already: an edit's), in C where it
            # can be: one pass over every row for all of them
            got = self._rows_c(rows, top_k)
            if got is not None:
                for a in rows.tolist():
                    out[ids[a]] = []
                for a, b, score, shared in zip(*got, strict=True):
                    out[ids[a]].append({"id": ids[b], "score": score, "shared": shared})
                return out
        for lo in range(0, len(rows), _CHUNK):
            chunk = rows[lo:lo + _CHUNK]
            got = None if self._numpy(chunk) else self._top_c(chunk, top_k)
            if got is not None:
                for a in chunk.tolist():
                    out[ids[a]] = []
                for a, b, score, shared in zip(*got, strict=True):
                    out[ids[a]].append({"id": ids[b], "score": score, "shared": shared})
                continue
            if self._numpy(chunk):
                k_of, indices, data = self._against(chunk)
                indptr = np.searchsorted(k_of, np.arange(len(chunk) + 1))
            else:
                block = (self.x[chunk] @ self.xt).tocsr()
                indptr, indices, data = block.indptr, block.indices, block.data
            data = np.round(data, 4)
            rows_, cands, scores = [], [], []
            for k in range(len(chunk)):
                # the TOP_K others of highest similarity (ties: the smaller id); only those at
                # least as similar as the TOP_K-th are sorted
                span = slice(indptr[k], indptr[k + 1])
                cand, sims = indices[span], data[span]
                keep = (sims > 0) & (cand != chunk[k])
                cand, sims = cand[keep], sims[keep]
                if len(sims) > top_k:
                    keep = sims >= np.partition(sims, len(sims) - top_k)[len(sims) - top_k]
                    cand, sims = cand[keep], sims[keep]
                pick = np.lexsort((cand, -sims))[:top_k]
                rows_.append(np.full(len(pick), chunk[k], dtype=np.int64))
                cands.append(cand[pick].astype(np.int64))
                scores.append(sims[pick])
            r, cand, sims = np.concatenate(rows_), np.concatenate(cands), np.concatenate(scores)
            for a in chunk.tolist():
                out[ids[a]] = []
            for a, b, score, shared in zip(r.tolist(), cand.tolist(), sims.tolist(),
                                           self.shared(r, cand), strict=True):
                out[ids[a]].append({"id": ids[b], "score": score, "shared": shared})
        return out

    def shared(self, r: Any, cand: Any) -> list[list[str]]:
        """Per pair of rows, the SHARED_K features of largest product (ties: alphabetical)."""
        import numpy as np

        vocab = self.vocab
        if self.few and self._x is None:
            pair, fcol, prod = self._shared_few(r, cand)
        else:
            both = self.x[r].multiply(self.x[cand]).tocsr()
            pair = np.repeat(np.arange(len(r)), np.diff(both.indptr))
            fcol, prod = both.indices, both.data
        order = np.lexsort((fcol, -prod, pair))
        pair, fcol = pair[order], fcol[order]
        top = _ranks(pair) < SHARED_K
        pair, fcol = pair[top], fcol[top]
        shared: list[list[str]] = [[] for _ in range(len(r))]
        for p, c in zip(pair.tolist(), fcol.tolist(), strict=True):
            f = vocab[c]
            shared[p].append(f[1:] if f.startswith("@") else f)
        return shared

    def _shared_few(self, r: Any, cand: Any) -> tuple[Any, Any, Any]:
        """``(pair, column, product)`` of each feature both rows of a pair hold, what
        ``x[r].multiply(x[cand])`` holds (the same products)."""
        import numpy as np

        w, col, indptr = self._arrays()
        width = self.shape[1]

        def entries(rows: Any) -> tuple[Any, Any]:
            lens = indptr[rows + 1] - indptr[rows]
            at = _spans(indptr[rows], lens)
            pair = np.repeat(np.arange(len(rows), dtype=np.int64), lens)
            return pair * width + col[at], w[at]

        a, av = entries(r)
        b, bv = entries(cand)
        both, ia, ib = np.intersect1d(a, b, assume_unique=True, return_indices=True)
        return both // width, both % width, av[ia] * bv[ib]


class FeatureTable:
    """Every article's features as arrays, what the related articles are computed from and
    what build/ keeps between updates: ``ids`` (sorted), ``names`` (every feature some article
    has, alphabetical), and per article (a row, in id order) the numbers of its features into
    ``names`` (``fid``, ascending: alphabetical) and their term frequencies (``tf``), row
    ``k`` being ``indptr[k]:indptr[k + 1]``. The same features give the same table, however
    it was reached (:meth:`from_dict` or :meth:`replace`)."""

    __slots__ = ("ids", "names", "indptr", "fid", "tf", "_rows", "_df", "base", "base_remap",
                 "base_union")

    def __init__(self, ids: list[str], names: list[str], indptr: Any, fid: Any,
                 tf: Any) -> None:
        self.ids, self.names = ids, names
        self.indptr, self.fid, self.tf = indptr, fid, tf
        self._rows: Any = None
        #: the table this one was made from by :meth:`replace`, and the ids it replaced or
        #: removed: the only rows in which the two can differ
        self.base: tuple[FeatureTable, frozenset[str]] | None = None
        #: after :meth:`replace` that dropped no name of the base table: the base's feature
        #: numbers into this table's ``names`` (per base name), else None
        self.base_remap: Any = None
        #: after :meth:`replace`: the union of both tables' names as (its length, the base's
        #: numbers into it per base name, this table's per name): what update_related numbers
        #: both tables' features by, without sorting the union of the names again (a delete
        #: drops the names only the deleted article had)
        self.base_union: tuple[int, Any, Any] | None = None
        #: each name's document frequency (:meth:`df`), when worked out
        self._df: Any = None

    @classmethod
    def of(cls, feats: Features) -> FeatureTable:
        return feats if isinstance(feats, FeatureTable) else cls.from_dict(feats)

    @classmethod
    def from_dict(cls, feats: dict[str, dict[str, int]]) -> FeatureTable:
        import numpy as np

        ids = sorted(feats)
        names = sorted(set(chain.from_iterable(feats.values())))
        number = {f: k for k, f in enumerate(names)}
        rows = [sorted(feats[a].items()) for a in ids]
        lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
        fid = np.fromiter((number[f] for r in rows for f, _ in r), dtype=np.int32,
                          count=int(lengths.sum()))
        tf = np.fromiter((t for r in rows for _, t in r), dtype=np.int32, count=len(fid))
        return cls(ids, names, np.concatenate(([0], np.cumsum(lengths))), fid, tf)

    def to_dict(self) -> dict[str, dict[str, int]]:
        names, fid, tf, ptr = self.names, self.fid.tolist(), self.tf.tolist(), self.indptr
        return {a: {names[f]: t for f, t in zip(fid[ptr[k]:ptr[k + 1]], tf[ptr[k]:ptr[k + 1]],
                                                strict=True)}
                for k, a in enumerate(self.ids)}

    def __eq__(self, other: object) -> bool:
        import numpy as np

        return (isinstance(other, FeatureTable) and self.ids == other.ids
                and self.names == other.names and np.array_equal(self.indptr, other.indptr)
                and np.array_equal(self.fid, other.fid) and np.array_equal(self.tf, other.tf))

    __hash__ = None  # type: ignore[assignment]

    def row_of_entry(self, keep: bool = True) -> Any:
        """The row number of every entry of ``fid`` (int32); ``keep``: kept on the table for
        the next call (a cold build's matrix asks once, and would hold it to the end of the
        stage: at 29,904 articles the related step's peak)."""
        import numpy as np

        if self._rows is not None:
            return self._rows
        rows = np.repeat(np.arange(len(self.ids), dtype=np.int32), np.diff(self.indptr))
        if keep:
            self._rows = rows
        return rows

    def df(self) -> Any:
        """Each name's document frequency (how many rows hold it: a bincount of ``fid``),
        kept: an update asks for both tables' (:meth:`replace` works the new table's out from
        the base's and the rows it changed, not from every entry again)."""
        import numpy as np

        if self._df is None:
            self._df = np.bincount(self.fid, minlength=len(self.names))
        return self._df

    def numbers(self, names: list[str]) -> Any:
        """Each name's number in ``names`` (sorted, holding every name of this table)."""
        import numpy as np

        number = {f: k for k, f in enumerate(names)}
        return np.fromiter(map(number.__getitem__, self.names), dtype=np.int32,
                           count=len(self.names))

    def replace(self, rows: dict[str, dict[str, int]], removed: Iterable[str] = (),
                ) -> FeatureTable:
        """A new table: this one without the articles of ``removed``, and with ``rows`` (per
        id, its features) added or in place of the old rows. Only the new rows are read
        feature by feature; the others are moved as arrays."""
        import numpy as np

        drop = set(removed) | set(rows)
        n_old = len(self.ids)
        # the rows dropped, found by bisection (the ids are sorted): no step per kept row
        keep_row = np.ones(n_old, dtype=bool)
        for a in drop:
            k = bisect_left(self.ids, a)
            if k < n_old and self.ids[k] == a:
                keep_row[k] = False
        ids = sorted(chain(compress(self.ids, keep_row.tolist()), rows))
        fresh = set(chain.from_iterable(rows.values())).difference(self.names)
        # the names still used (those of kept rows or of the new rows), alphabetical: a
        # name is used by a kept row unless all its entries are in dropped rows
        dropped_rows = np.flatnonzero(~keep_row)
        dropped = (np.concatenate([self.fid[self.indptr[k]:self.indptr[k + 1]]
                                   for k in dropped_rows.tolist()])
                   if len(dropped_rows) else np.zeros(0, dtype=np.int32))
        used = np.ones(len(self.names), dtype=bool)
        # the document frequencies without the dropped rows (the new rows' added below)
        df = self.df()
        if len(dropped):
            touched = np.unique(dropped)
            df = df - np.bincount(dropped, minlength=len(self.names))
            used[touched] = df[touched] > 0
        for fs in rows.values():
            for f in fs:
                k = bisect_left(self.names, f)
                if k < len(self.names) and self.names[k] == f:
                    used[k] = True
        if not fresh and bool(used.all()):
            # the same names (an edit seldom brings or drops a feature): numbered as they
            # were, without sorting and numbering every name again
            names = self.names
            remap = np.arange(len(names), dtype=np.int32)

            def number(f: str) -> int:
                return bisect_left(names, f)
        else:
            # the used names (in order) and the new ones merged (two sorted runs: one pass),
            # each used name's new number counted from where the new ones go among the old
            extra = sorted(fresh)
            names = sorted(chain(compress(self.names, used.tolist()), extra))
            inserted = np.asarray([bisect_left(self.names, f) for f in extra], dtype=np.int64)
            at_old = np.arange(len(self.names), dtype=np.int64)
            shift = np.searchsorted(inserted, at_old, side="right")
            newnum = (np.cumsum(used) - 1) + shift
            remap = np.where(used, newnum, -1).astype(np.int32)
            # the union of both tables' names (the old ones with the fresh ones inserted):
            # the old names' numbers in it, and the new names' (a used old name's, or a fresh
            # one's: its place among the old plus the fresh ones before it)
            to_union = (at_old + shift).astype(np.int32)
            new_union = np.empty(len(names), dtype=np.int32)
            new_union[remap[used]] = to_union[used]
            if extra:
                new_union[[bisect_left(names, f) for f in extra]] = (
                    inserted + np.arange(len(extra), dtype=np.int64))
            union = (len(self.names) + len(extra), to_union, new_union)

            def number(f: str) -> int:
                return bisect_left(names, f)
        # each new row's place; the kept rows fill the others, in their order
        placed = sorted(rows)
        at = np.asarray([bisect_left(ids, a) for a in placed], dtype=np.int64)
        is_new = np.zeros(len(ids), dtype=bool)
        is_new[at] = True
        lengths = np.zeros(len(ids), dtype=np.int64)
        kept_old = np.flatnonzero(keep_row)
        kept = np.flatnonzero(~is_new)
        lengths[kept] = np.diff(self.indptr)[kept_old]
        lengths[at] = [len(rows[a]) for a in placed]
        indptr = np.concatenate(([0], np.cumsum(lengths)))
        fid = np.empty(int(indptr[-1]), dtype=np.int32)
        tf = np.empty(int(indptr[-1]), dtype=np.int32)
        # the kept rows keep their order: runs of consecutive kept rows move as blocks, each
        # by where its first row now starts
        if len(kept):
            identity = len(remap) == len(names) and bool(
                np.array_equal(remap, np.arange(len(remap), dtype=remap.dtype)))
            breaks = np.flatnonzero((np.diff(kept_old) != 1) | (np.diff(kept) != 1)) + 1
            for lo, hi in zip(np.concatenate(([0], breaks)).tolist(),
                              np.concatenate((breaks, [len(kept)])).tolist(), strict=True):
                s0, s1 = int(self.indptr[kept_old[lo]]), int(self.indptr[kept_old[hi - 1] + 1])
                d0 = int(indptr[kept[lo]])
                block = self.fid[s0:s1]
                fid[d0:d0 + s1 - s0] = block if identity else remap[block]
                tf[d0:d0 + s1 - s0] = self.tf[s0:s1]
        for k, a in zip(at.tolist(), placed, strict=True):
            items = sorted(rows[a].items())
            lo, hi = int(indptr[k]), int(indptr[k + 1])
            fid[lo:hi] = [number(f) for f, _ in items]
            tf[lo:hi] = [t for _, t in items]
        out = FeatureTable(ids, names, indptr, fid, tf)
        out.base = (self, frozenset(drop))
        # the document frequencies: the kept rows' (numbered anew) and the new rows'
        new_df = np.zeros(len(names), dtype=df.dtype)
        new_df[remap[used]] = df[used]
        if len(at):
            new_df += np.bincount(fid[_spans(indptr[at], indptr[at + 1] - indptr[at])],
                                  minlength=len(names))
        out._df = new_df
        if bool(used.all()):  # every name of this table is one of the new table's
            out.base_remap = remap
            out.base_union = (len(names), remap, None)
        else:
            out.base_union = union
        self.base = self.base_remap = None  # hints only: no chain of earlier tables kept
        return out

    def to_bytes(self) -> bytes:
        import marshal

        # marshal version 2: no back-references, whose use depends on reference counts and
        # interning (version ≥ 3 gives other bytes for an equal table built another way)
        return marshal.dumps((self.ids, self.names, self.indptr.astype("<i8").tobytes(),
                              self.fid.astype("<i4").tobytes(),
                              self.tf.astype("<i4").tobytes()), 2)

    @classmethod
    def from_bytes(cls, data: bytes) -> FeatureTable:
        """The table of :meth:`to_bytes` (ValueError when ``data`` is not one)."""
        import marshal

        import numpy as np

        try:
            ids, names, indptr, fid, tf = marshal.loads(data)
            table = cls(list(ids), list(names), np.frombuffer(indptr, dtype="<i8"),
                        np.frombuffer(fid, dtype="<i4"), np.frombuffer(tf, dtype="<i4"))
        except (EOFError, TypeError) as exc:
            raise ValueError(f"not a feature table: {exc}") from exc
        if (len(table.indptr) != len(table.ids) + 1 or table.indptr[0] != 0
                or table.indptr[-1] != len(table.fid) or len(table.fid) != len(table.tf)
                or bool(np.any(np.diff(table.indptr) < 0))
                or (len(table.fid) and (int(table.fid.max()) >= len(table.names)
                                        or int(table.fid.min()) < 0))):
            raise ValueError("not a feature table: inconsistent arrays")
        return table


    def chunk(self, lo: int, hi: int) -> tuple[bytes, Any]:
        """Rows ``lo:hi`` as one chunk of features.bin (:func:`chunk_ends`), and the numbers
        (into ``names``) of the names its rows use. The chunk: the rows' ids, per row its
        length, per entry its name's number among the chunk's names and its term frequency
        (each array in the narrowest of u1/u2/u4 that holds it), and those names
        (alphabetical; NUL-joined, UTF-8). Nothing of other rows is in it: the same rows give the
        same bytes, however the table was reached and whatever else it holds."""
        import marshal

        import numpy as np

        s0, s1 = int(self.indptr[lo]), int(self.indptr[hi])
        fid = self.fid[s0:s1]
        # the names used, in order, and each entry's number among them: by counting, not
        # sorting the entries (np.unique)
        used = np.flatnonzero(np.bincount(fid, minlength=len(self.names)))
        lut = np.zeros(len(self.names), dtype=np.int32)
        lut[used] = np.arange(len(used), dtype=np.int32)
        local = lut[fid]
        names = [self.names[k] for k in used.tolist()]
        # as UTF-8 bytes: a read, which does not use them, copies them without decoding
        joined: bytes | list[str] = "\0".join(names).encode()
        if any("\0" in f for f in names):
            joined = names
        return marshal.dumps((self.ids[lo:hi], len(names),
                              *_narrow(np.diff(self.indptr[lo:hi + 1])), *_narrow(local),
                              *_narrow(self.tf[s0:s1]), joined), 2), used

    def renumbering(self) -> Any:
        """After :meth:`replace`: per name of the table it was made from, its number in this
        one (-1: dropped), else None."""
        import numpy as np

        if self.base_union is None:
            return None
        width, old_map, new_map = self.base_union
        if new_map is None:
            return old_map
        inverse = np.full(width, -1, dtype=np.int64)
        inverse[new_map] = np.arange(len(new_map), dtype=np.int64)
        return inverse[old_map]

    @classmethod
    def from_chunks(cls, names: list[str], chunks: Iterable[tuple[bytes, Any]]
                    ) -> FeatureTable:
        """The table whose ``names`` are these and whose rows are the chunks' in order, each
        given with the numbers of its names into ``names`` (:meth:`chunk`); ValueError when
        they do not make one (numbers out of range or out of order, a name no row uses,
        ids out of order, inconsistent arrays). The chunks' own names are not read: see
        :func:`chunk_names`."""
        import marshal

        import numpy as np

        ids: list[str] = []
        parts = []
        try:
            for data, numbers in chunks:
                cids, count, lt, lb, ft, fb, tt, tb, _ = marshal.loads(data)
                glob = np.asarray(numbers, dtype=np.int32)
                length = np.frombuffer(lb, dtype=lt)
                fid = np.frombuffer(fb, dtype=ft)
                tf = np.frombuffer(tb, dtype=tt)
                if (len(length) != len(cids) or int(length.sum()) != len(fid)
                        or len(tf) != len(fid) or len(glob) != count
                        or (count and (int(glob[0]) < 0 or int(glob[-1]) >= len(names)
                                       or bool(np.any(np.diff(glob) <= 0))))
                        or (len(fid) and int(fid.max()) >= count)):
                    raise ValueError("not a feature table: inconsistent chunk")
                ids.extend(cids)
                parts.append((length, glob, fid, tf))
        except (EOFError, TypeError) as exc:
            raise ValueError(f"not a feature table: {exc}") from exc
        length = (np.concatenate([p[0] for p in parts], dtype=np.int64) if parts
                  else np.zeros(0, dtype=np.int64))
        indptr = np.concatenate(([0], np.cumsum(length)))
        # each chunk's entries numbered into ``names`` straight into the table's arrays
        fid = np.empty(int(indptr[-1]), dtype=np.int32)
        tf = np.empty(len(fid), dtype=np.int32)
        at = 0
        for _, glob, cfid, ctf in parts:
            glob.take(cfid, out=fid[at:at + len(cfid)])
            tf[at:at + len(cfid)] = ctf
            at += len(cfid)
        del parts
        table = cls(ids, names, indptr, fid, tf)
        if any(a >= b for a, b in zip(ids, ids[1:], strict=False)):
            raise ValueError("not a feature table: ids out of order")
        df = np.bincount(fid, minlength=len(names))
        if len(df) != len(names) or (len(df) and int(df.min()) == 0):
            raise ValueError("not a feature table: a name no row has")
        table._df = df
        return table


def chunk_names(data: bytes) -> list[str]:
    """The names a chunk of features.bin uses (:meth:`FeatureTable.chunk`), alphabetical."""
    import marshal

    count, joined = (lambda t: (t[1], t[-1]))(marshal.loads(data))
    names = (joined if isinstance(joined, list) else joined.decode().split("\0") if count
             else [])
    if len(names) != count:
        raise ValueError("not a chunk of features")
    return names


def _narrow(values: Any) -> tuple[str, bytes]:
    """``values`` (integers ≥ 0) in the narrowest unsigned type that holds them: its dtype's
    name and the bytes."""
    top = int(values.max()) if len(values) else 0
    if len(values) and int(values.min()) < 0:
        kind = "<i8"
    else:
        kind = "<u1" if top < 1 << 8 else "<u2" if top < 1 << 16 else "<u4" if top < 1 << 32 \
            else "<i8"
    return kind, values.astype(kind).tobytes()


#: a row of the feature table ends a chunk of features.bin (:func:`chunk_ends`) when the low
#: bits of its id's CRC-32 are all zero: about one row in 512 (~58 chunks of ~0.4 MB at 29,904
#: articles), by the ids alone, so that a cold build and any update cut the same rows alike
#: and an update rewrites only the chunks of the rows it changed.
CHUNK_MASK = 511


def chunk_ends(ids: list[str]) -> list[int]:
    """Where each chunk of rows of a table with these ``ids`` ends (the last: ``len(ids)``)."""
    crc = zlib.crc32
    ends = [k + 1 for k, a in enumerate(ids) if not crc(a.encode()) & CHUNK_MASK]
    if ids and (not ends or ends[-1] != len(ids)):
        ends.append(len(ids))
    return ends


class FeatureRows:
    """New rows of a :class:`FeatureTable`, gathered one article at a time in compact form:
    each feature name is kept once (numbered in order of first sight) and each article's row
    as the bytes of two C int arrays (the numbers, then the counts), not a dict of strings
    per article (at 29,904 articles the dicts
    held until the end of the index stage). :meth:`table` gives what
    :meth:`FeatureTable.from_dict` gives for the same rows."""

    __slots__ = ("_number", "_rows")

    def __init__(self) -> None:
        self._number: dict[str, int] = {}
        self._rows: dict[str, bytes] = {}

    def add(self, aid: str, root_items: Iterable[tuple[str, int, int, int]],
            entity_items: Iterable[tuple[str, int, int, int]]) -> None:
        """The row of ``aid``: the features of :func:`features_of` for the same items."""
        self.add_counts(aid, _counts(root_items, entity_items))

    def add_counts(self, aid: str, counts: dict[str, int]) -> None:
        """The row of ``aid``: each feature with its term frequency (any order)."""
        row = (_cpostings.feature_row(self._number, counts)  # in C (twin: _row)
               if _cpostings is not None else None)
        self._rows[aid] = row if row is not None else self._row(counts)

    def _row(self, counts: dict[str, int]) -> bytes:
        """The row of ``counts`` (its names numbered, the new ones added to ``_number``)."""
        import numpy as np

        number = self._number
        # the look-ups made into an array by numpy (-1: a new name), not a list scanned for
        # None
        got = np.fromiter(map(number.get, counts, repeat(-1)), np.int64, len(counts))
        if len(got) and got.min() < 0:  # new names numbered in order of first sight
            keys = list(counts)
            missing = (got < 0).nonzero()[0].tolist()
            number.update(zip(map(keys.__getitem__, missing), count(len(number))))
            # only the new names looked up again
            got[missing] = list(map(number.__getitem__, map(keys.__getitem__, missing)))
        return array("i", got.tolist()).tobytes() + array("i", counts.values()).tobytes()

    def __len__(self) -> int:
        return len(self._rows)

    def as_dict(self) -> dict[str, dict[str, int]]:
        """Per id, each feature with its term frequency (what :func:`features_of` gives)."""
        first = list(self._number)
        out = {}
        for aid, row in sorted(self._rows.items()):
            both = array("i", row)
            half = len(both) // 2
            out[aid] = dict(sorted(zip(map(first.__getitem__, both[:half]), both[half:],
                                       strict=True)))
        return out

    def table(self) -> FeatureTable:
        """The table of these rows alone: :meth:`FeatureTable.from_dict` of :meth:`as_dict`,
        made from the arrays."""
        import numpy as np

        first = list(self._number)  # in order of first sight
        order = sorted(range(len(first)), key=first.__getitem__)
        names = [first[k] for k in order]
        remap = np.empty(len(first), dtype=np.int32)  # first-sight number → alphabetical
        remap[np.asarray(order, dtype=np.int64)] = np.arange(len(first), dtype=np.int32)
        ids = sorted(self._rows)
        lengths = np.fromiter((len(self._rows[a]) // 8 for a in ids), dtype=np.int64,
                              count=len(ids))
        indptr = np.concatenate(([0], np.cumsum(lengths)))
        fid = np.empty(int(indptr[-1]), dtype=np.int32)
        tf = np.empty(int(indptr[-1]), dtype=np.int32)
        for k, a in enumerate(ids):
            both = self._rows[a]
            if not both:
                continue
            lo, hi = int(indptr[k]), int(indptr[k + 1])
            both_a = np.frombuffer(both, dtype=np.intc)
            row = remap[both_a[:hi - lo]]
            order_k = np.argsort(row, kind="stable")
            fid[lo:hi] = row[order_k]
            tf[lo:hi] = both_a[hi - lo:][order_k]
        return FeatureTable(ids, names, indptr, fid, tf)


def _in_union(df: Any, numbers: Any, width: int) -> Any:
    """``df`` (per name of a table) per name of the union (``numbers``: each name's number in
    it, None: the same), 0 for the names the table does not have."""
    import numpy as np

    if numbers is None:
        return df
    out = np.zeros(width, dtype=df.dtype)
    out[numbers] = df
    return out


def _changed_rows(old: FeatureTable, old_map: Any, new: FeatureTable, new_map: Any,
                  ) -> set[str]:
    """The ids whose features differ between the two tables (``old_map``, ``new_map``: each
    name's number in the union of both tables' names, None: the same), added and deleted ones
    included."""
    import numpy as np

    out = set(old.ids).symmetric_difference(new.ids)
    if new.base is not None and new.base[0] is old:  # only the replaced rows can differ
        both = sorted(new.base[1].intersection(old.ids).intersection(new.ids))
    else:
        both = sorted(set(old.ids).intersection(new.ids))
    if not both:
        return out
    orow = np.asarray([bisect_left(old.ids, a) for a in both], dtype=np.int64)
    nrow = np.asarray([bisect_left(new.ids, a) for a in both], dtype=np.int64)
    olen, nlen = np.diff(old.indptr)[orow], np.diff(new.indptr)[nrow]
    same = olen == nlen
    out.update(a for a, s in zip(both, same.tolist(), strict=True) if not s)
    orow, nrow, lens = orow[same], nrow[same], olen[same]
    # the entries of the rows of equal length, side by side
    starts_o = np.repeat(old.indptr[orow], lens)
    starts_n = np.repeat(new.indptr[nrow], lens)
    offset = np.arange(int(lens.sum()), dtype=np.int64) - np.repeat(
        np.cumsum(lens) - lens, lens)
    io, inn = starts_o + offset, starts_n + offset
    old_fid, new_fid = old.fid[io], new.fid[inn]
    if old_map is not None:
        old_fid = old_map[old_fid]
    if new_map is not None:
        new_fid = new_map[new_fid]
    differ = (old_fid != new_fid) | (old.tf[io] != new.tf[inn])
    bad = np.unique(np.repeat(np.arange(len(lens)), lens)[differ]).tolist()
    pos = np.flatnonzero(same)
    out.update(both[int(pos[k])] for k in bad)
    return out


def _level(n: int) -> int:
    """⌊log2 n⌋ (n ≥ 1)."""
    return n.bit_length() - 1


def _spans(starts: Any, lengths: Any) -> Any:
    """The positions ``starts[i] … starts[i] + lengths[i] - 1`` of every span, in order."""
    import numpy as np

    lengths = np.asarray(lengths, dtype=np.int64)
    total = int(lengths.sum())
    ends = np.cumsum(lengths)
    return (np.repeat(np.asarray(starts, dtype=np.int64) - (ends - lengths), lengths)
            + np.arange(total, dtype=np.int64))


def _ranks(groups: Any) -> Any:
    """Each item's place (0, 1, …) in its run of equal values of ``groups`` (sorted)."""
    import numpy as np

    if not len(groups):
        return groups
    index = np.arange(len(groups))
    first = np.concatenate(([True], groups[1:] != groups[:-1]))
    return index - np.maximum.accumulate(np.where(first, index, 0))


def related_json(related: dict[str, list[dict[str, Any]]],
                 written: dict[str, tuple[Any, str]] | None = None) -> str:
    """``related`` as ``json.dumps(related, ensure_ascii=False, indent=1, sort_keys=True)``
    and a newline, byte for byte: written here for lists of ``{"id", "score", "shared"}``,
    since the json module's indenting encoder is pure Python (1.3 CPU s at 10,000 articles,
    against about a tenth of that here).

    ``written``: per id, the list last written and its text, filled in here (``mkdocs serve``
    keeps it between updates): a list that is the very object written last time (an update
    keeps the lists it did not compute again) is not written again."""

    parts = _related_parts(related, written)
    if parts is None:  # another shape: the json module
        return json.dumps(related, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    return _joined(parts)


def _joined(parts: list[str]) -> str:
    return "".join(["{", ",".join(parts), "\n}\n" if parts else "}\n"])


def _related_parts(related: Mapping[str, list[dict[str, Any]]],
                   written: dict[str, tuple[Any, str]] | None = None) -> list[str] | None:
    """Each article's entry of :func:`related_json`'s text, in id order (None: not lists
    of ``{"id", "score", "shared"}``)."""
    items = sorted(related.items())
    try:
        if written is None:
            return list(map(_related_item, items))
        last = dict(written)
        written.clear()
        parts = []
        for item in items:
            hit = last.get(item[0])
            text = hit[1] if hit is not None and hit[0] is item[1] else _related_item(item)
            written[item[0]] = (item[1], text)
            parts.append(text)
        return parts
    except (TypeError, KeyError, ValueError, AttributeError):
        if written is not None:
            written.clear()
        return None


def _related_item(item: tuple[str, list[dict[str, Any]]]) -> str:
    """One article's entry of :func:`related_json` (TypeError, KeyError or ValueError when it
    is not a list of ``{"id", "score", "shared"}``)."""
    from json.encoder import encode_basestring as q  # the C function where there is one

    aid, rows = item
    if not rows:
        return f"\n {q(aid)}: []"
    return f"\n {q(aid)}: [\n  {{\n{_ENTRIES.join(map(_related_entry, rows))}\n  }}\n ]"


def _related_entry(r: dict[str, Any]) -> str:
    from json.encoder import encode_basestring as q

    score, shared = r["score"], r["shared"]
    if len(r) != 3 or type(score) is not float or not math.isfinite(score) or type(
            shared) is not list:
        raise ValueError("not a related entry")
    return (f'   "id": {q(r["id"])},\n   "score": {float.__repr__(score)},\n'
            + ('   "shared": [\n    ' + ",\n    ".join(map(q, shared)) + "\n   ]"
               if shared else '   "shared": []'))


_ENTRIES = "\n  },\n  {\n"


#: related.json's index (:func:`related_file`), version of its layout
RELATED_INDEX_FORMAT = 1


class StoredRelated(Mapping[str, list[dict[str, Any]]]):
    """A related.json text as :func:`related_file` wrote it, with that function's index: per
    article (``ids``, sorted) where its entry is in the text, and its related articles as
    rows into ``ids`` (``nbr``, -1 after the last) with their scores. A list is parsed from
    its own piece of the text when asked for (never the whole file); :func:`update_related`
    decides from the arrays which lists it must read."""

    def __init__(self, text: str, ids: list[str], starts: Any, ends: Any, nbr: Any,
                 scores: Any) -> None:
        self.text, self.ids = text, ids
        self.starts, self.ends, self.nbr, self.scores = starts, ends, nbr, scores
        self.top_k = int(nbr.shape[1])
        self.row = {a: k for k, a in enumerate(ids)}

    @classmethod
    def load(cls, text: str, index: bytes, check: tuple[int, int] | None = None,
             ) -> StoredRelated | None:
        """The related lists of ``text`` with its ``index`` (None when they do not match);
        ``check``: the text's :func:`~archive.index.textindex.text_check`, when known."""
        import numpy as np

        fields = index_fields(index, RELATED_INDEX_FORMAT, text, 6, check)
        if fields is None:
            return None
        try:
            ids, starts, ends, top_k, nbr, scores = fields
            if type(ids) is not list:
                return None
            n = len(ids)
            starts = np.frombuffer(starts, dtype="<i8")
            ends = np.frombuffer(ends, dtype="<i8")
            nbr = np.frombuffer(nbr, dtype="<i4").reshape(n, top_k)
            scores = np.frombuffer(scores, dtype="<f8").reshape(n, top_k)
        except (EOFError, TypeError, ValueError):
            return None
        if len(starts) != n or len(ends) != n or (n and (
                int(starts[0]) != 1 or int(ends[-1]) > len(text) or bool(np.any(ends < starts))
                or int(nbr.max()) >= n)) or text[:1] != "{":
            return None
        return cls(text, ids, starts, ends, nbr, scores)

    def part(self, k: int) -> str:
        """The text of the ``k``-th article's entry (its key, a colon and its list)."""
        text = self.text[int(self.starts[k]):int(self.ends[k])]
        head = f"\n {_quote(self.ids[k])}: "
        if not text.startswith(head):
            raise ValueError(f"related.json does not match its index at {self.ids[k]!r}")
        return text

    def __getitem__(self, aid: str) -> list[dict[str, Any]]:
        k = self.row[aid]
        return json.loads("{" + self.part(k) + "}")[aid]  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)


class RelatedLists(Mapping[str, list[dict[str, Any]]]):
    """Every article's related list (``ids``, sorted): those of ``own``, and for the others
    the list kept in ``old`` (a :class:`StoredRelated`), whose text :func:`related_file`
    copies as it is."""

    def __init__(self, ids: list[str], own: dict[str, list[dict[str, Any]]],
                 old: StoredRelated) -> None:
        self.ids, self.own, self.old = ids, own, old

    def __getitem__(self, aid: str) -> list[dict[str, Any]]:
        got = self.own.get(aid)
        if got is not None:
            return got
        if aid not in self.old.row or aid not in set(self.ids):
            raise KeyError(aid)
        return self.old[aid]

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)


def id_lists(related: Mapping[str, list[dict[str, Any]]]) -> dict[str, list[str]]:
    """Per article id, the ids of its related articles, in order: what the site reads of
    related.json, without parsing it (the lists a :class:`RelatedLists` keeps from the old
    file are taken from that file's index, never parsed)."""
    if isinstance(related, RelatedLists):
        own, old = related.own, related.old
        ids, row = old.ids, old.row
        nbr = old.nbr.tolist()  # (once: not a row's array and list per article)
        return {a: ([r["id"] for r in own[a]] if a in own
                    else [ids[j] for j in nbr[row[a]] if j >= 0])
                for a in related.ids}
    return {a: [r["id"] for r in related[a]] for a in sorted(related)}


def write_related(feats: Features, out: TextIO, top_k: int = TOP_K
                  ) -> tuple[dict[str, list[str]], bytes | None]:
    """:func:`related_from_features` of ``feats`` written to ``out`` as :func:`related_file`
    writes it, a chunk of articles at a time (what a cold build computes): the related ids
    (:func:`id_lists`) and the text's index, the same bytes. Neither every article's list of
    dicts nor the whole text is held at once (~300 MB at 29,904 articles: a cold build's
    peak)."""
    import numpy as np

    table = FeatureTable.of(feats)
    ids = table.ids
    n = len(ids)
    if any(a >= b for a, b in pairwise(ids)):  # (not a table's order: made whole)
        related = related_from_features(table, top_k)
        text, whole = related_file(related, top_k=top_k)
        out.write(text)
        return id_lists(related), whole
    m = _Matrix(table) if n >= 2 and top_k >= 1 else None
    nbr = np.full((n, top_k), -1, dtype=np.int32)
    scores = np.zeros((n, top_k), dtype=np.float64)
    lengths = np.zeros(n, dtype=np.int64)
    lists: dict[str, list[str]] = {}
    check = TextCheck()

    def put(text: str) -> None:
        out.write(text)
        check.add(text)

    put("{")
    qids: list[str] | None = None
    for lo in range(0, n, _CHUNK):  # (the chunks of _Matrix.top: the same products)
        hi = min(n, lo + _CHUNK)
        rows = np.arange(lo, hi, dtype=np.int64)
        # in C where it can be (the lists and their text; twin: the lines after this block)
        lists_c = m._top_c(rows, top_k, quoted=True) if m is not None else None
        if lists_c is not None:
            if qids is None:
                qids = list(map(_quote, ids))
            r, cand, score, shared = lists_c
            parts_c = _cpostings.related_parts(qids, lo, hi, r, cand, score, shared)
            if parts_c is not None:
                lengths[lo:hi] = list(map(len, parts_c))
                r_a, cand_a = np.asarray(r, dtype=np.int64), np.asarray(cand, dtype=np.int64)
                place = _ranks(r_a)
                nbr[r_a, place] = cand_a
                scores[r_a, place] = score
                found_ids: list[list[str]] = [[] for _ in range(hi - lo)]
                for a, b in zip(r, cand, strict=True):
                    found_ids[a - lo].append(ids[b])
                lists.update(zip(ids[lo:hi], found_ids, strict=True))
                put(("," if lo else "") + ",".join(parts_c))
                del parts_c, lists_c
                continue
        got = m.top(rows, top_k) if m is not None else {}
        parts = []
        for k in rows.tolist():
            a = ids[k]
            found = got.get(a, [])
            part = _related_item((a, found))
            lengths[k] = len(part)
            parts.append(part)
            for j, r in enumerate(found):  # (m: found is empty without it)
                nbr[k, j] = m.row[r["id"]]  # type: ignore[union-attr]
                scores[k, j] = r["score"]
            lists[a] = [r["id"] for r in found]
        put(("," if lo else "") + ",".join(parts))
        del got, parts
    put("\n}\n" if n else "}\n")
    ends = np.cumsum(lengths + 1)  # each entry's end, after the "{" or "," before it
    starts = ends - lengths
    index = checked_index_bytes(RELATED_INDEX_FORMAT, check.check(), ids,
                                starts.astype("<i8").tobytes(), ends.astype("<i8").tobytes(),
                                top_k, nbr.astype("<i4").tobytes(),
                                scores.astype("<f8").tobytes())
    return lists, index


def related_file(related: Mapping[str, list[dict[str, Any]]],
                 written: dict[str, tuple[Any, str]] | None = None, top_k: int = TOP_K,
                 ) -> tuple[str, bytes | None]:
    """:func:`related_json`'s text of ``related`` and its index (what :meth:`StoredRelated.
    load` reads; None when the lists are not of the shape it describes). A
    :class:`RelatedLists` has the text of the lists it keeps copied from the old file."""
    text, _, index = related_file_data(related, written, top_k)
    return text, index


def related_file_data(related: Mapping[str, list[dict[str, Any]]],
                      written: dict[str, tuple[Any, str]] | None = None, top_k: int = TOP_K,
                      ) -> tuple[str, bytes, bytes | None]:
    """:func:`related_file`'s text, its UTF-8 bytes (encoded once: the index's check and the
    file are made from them) and its index."""
    import numpy as np

    if isinstance(related, RelatedLists):
        return _related_lists_file(related, written, top_k)
    found = _related_parts(related, written)
    if found is None:
        text = related_json(related)
        return text, text.encode("utf-8"), None
    parts, text = found, _joined(found)
    ids = sorted(related)
    own = related
    n = len(ids)
    lengths = np.fromiter(map(len, parts), dtype=np.int64, count=n)
    ends = np.cumsum(lengths + 1)  # each entry's end, after the "{" or "," before it
    starts = ends - lengths
    row = {a: k for k, a in enumerate(ids)}
    nbr = np.full((n, top_k), -1, dtype=np.int32)
    scores = np.zeros((n, top_k), dtype=np.float64)
    for k, a in enumerate(ids):
        rows = own[a]
        if len(rows) > top_k:
            return text, text.encode("utf-8"), None
        for j, r in enumerate(rows):
            b = row.get(r["id"])
            if b is None:
                return text, text.encode("utf-8"), None
            nbr[k, j] = b
            scores[k, j] = r["score"]
    return _with_index(text, ids, starts, ends, nbr, scores)


def _with_index(text: str, ids: list[str], starts: Any, ends: Any, nbr: Any, scores: Any,
                ) -> tuple[str, bytes, bytes]:
    """``text``, its UTF-8 bytes and its index (what :meth:`StoredRelated.load` reads)."""
    data = text.encode("utf-8")
    index = checked_index_bytes(RELATED_INDEX_FORMAT, (len(text), zlib.crc32(data)), ids,
                                starts.astype("<i8").tobytes(), ends.astype("<i8").tobytes(),
                                int(nbr.shape[1]), nbr.astype("<i4").tobytes(),
                                scores.astype("<f8").tobytes())
    return text, data, index


def _related_lists_file(related: RelatedLists, written: dict[str, tuple[Any, str]] | None,
                        top_k: int) -> tuple[str, bytes, bytes | None]:
    """:func:`related_file_data` of a :class:`RelatedLists`: the kept lists' text copied from
    the old file a run at a time (the entries of consecutive articles that were consecutive
    there, with the commas between them: a few slices, not one per article), their places
    and neighbours renumbered as arrays."""
    import numpy as np

    ids, own, old = related.ids, related.own, related.old
    if written is not None:
        written.clear()
    n = len(ids)
    # each article's row in the old file (-1: new), and whether its list is its own
    before = np.fromiter(map(old.row.get, ids, repeat(-1)), dtype=np.int64, count=n)
    mine = np.zeros(n, dtype=bool)
    where_own = np.asarray(sorted(k for k in map(partial(bisect_left, ids), own)
                                  if k < n and ids[k] in own), dtype=np.int64)
    mine[where_own] = True
    kept = np.flatnonzero(~mine)
    if len(kept) and bool((before[kept] < 0).any()):
        raise KeyError("an article of neither list")  # (what old[aid] raises)
    lengths = np.zeros(n, dtype=np.int64)
    lengths[kept] = old.ends[before[kept]] - old.starts[before[kept]]
    own_parts = {int(k): _related_item((ids[k], own[ids[k]])) for k in where_own.tolist()}
    for k, part in own_parts.items():
        lengths[k] = len(part)
    # the runs of kept articles whose old entries follow one another
    follows = np.zeros(n, dtype=bool)
    if n > 1:
        follows[1:] = ~mine[1:] & ~mine[:-1] & (before[1:] == before[:-1] + 1)
    firsts = np.flatnonzero(~follows).tolist()
    lasts = [*(k - 1 for k in firsts[1:]), n - 1] if n else []
    pieces: list[str] = []
    for lo, hi in zip(firsts, lasts, strict=True):
        if mine[lo]:
            pieces.append(own_parts[lo])
            continue
        piece = old.text[int(old.starts[before[lo]]):int(old.ends[before[hi]])]
        if not piece.startswith(f"\n {_quote(ids[lo])}: "):
            raise ValueError(f"related.json does not match its index at {ids[lo]!r}")
        pieces.append(piece)
    text = _joined(pieces)
    ends = np.cumsum(lengths + 1)  # each entry's end, after the "{" or "," before it
    starts = ends - lengths
    nbr = np.full((n, top_k), -1, dtype=np.int32)
    scores = np.zeros((n, top_k), dtype=np.float64)
    for k in own_parts:
        rows = own[ids[k]]
        if len(rows) > top_k:
            return text, text.encode("utf-8"), None
        for j, r in enumerate(rows):
            b = bisect_left(ids, r["id"])
            if b == n or ids[b] != r["id"]:
                return text, text.encode("utf-8"), None
            nbr[k, j] = b
            scores[k, j] = r["score"]
    if len(kept):
        # the kept lists' rows, renumbered into the new ids (they name no deleted article)
        remap = np.full(len(old.ids), -1, dtype=np.int32)
        known = before >= 0
        remap[before[known]] = np.flatnonzero(known)
        got = old.nbr[before[kept]]
        mapped = np.where(got >= 0, remap[np.maximum(got, 0)], -1)
        if bool(np.any((got >= 0) & (mapped < 0))):
            return text, text.encode("utf-8"), None
        nbr[kept] = mapped
        scores[kept] = old.scores[before[kept]]
    return _with_index(text, ids, starts, ends, nbr, scores)
