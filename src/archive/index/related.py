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
from collections import Counter
from collections.abc import Iterable
from itertools import chain
from typing import Any

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


def rare_df(n: int) -> int:
    """Largest document frequency of a feature that makes two articles candidates (the same
    for every N between two powers of two)."""
    return max(RARE_MIN, int(RARE_FACTOR * math.sqrt(2 ** _level(max(n, 1)))))


def features_of(root_items: Iterable[tuple[str, int, int, int]],
                entity_items: Iterable[tuple[str, int, int, int]]) -> dict[str, int]:
    """An article's features with their term frequencies, from the items of its ``root`` and
    ``entity`` fields (:func:`archive.index.schema.root_stream`, the entity spans): what the
    index's postings of those fields hold for it (empty terms are not indexed)."""
    out: Counter[str] = Counter(term for term, *_ in root_items if term)
    out.update("@" + key for key, *_ in entity_items if key)
    return dict(sorted(out.items()))


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


def related_from_features(feats: dict[str, dict[str, int]], top_k: int = TOP_K,
                          ) -> dict[str, list[dict[str, Any]]]:
    """``{id: [{"id", "score", "shared"}]}`` for every article of ``feats`` (per id, each
    feature with its term frequency: :func:`index_features`)."""
    ids = sorted(feats)
    out: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    if len(ids) < 2 or top_k < 1:
        return out
    m = _Matrix(feats)
    import numpy as np

    out.update(m.top(np.arange(len(ids), dtype=np.int64), top_k))
    return out


def update_related(old_feats: dict[str, dict[str, int]], new_feats: dict[str, dict[str, int]],
                   old_related: dict[str, list[dict[str, Any]]] | None, top_k: int = TOP_K,
                   ) -> dict[str, list[dict[str, Any]]]:
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

    The result is the same, byte for byte, as computing everything again (the similarity of
    two articles is summed in the same order either way). Below FULL_BELOW articles, across a
    power of two, or without a usable old result, everything is computed again."""
    import numpy as np

    n = len(new_feats)
    if (old_related is None or n < FULL_BELOW or len(old_feats) < FULL_BELOW
            or _level(n) != _level(len(old_feats)) or set(old_related) != set(old_feats)
            or top_k < 1):
        return related_from_features(new_feats, top_k)
    changed = {a for a in set(old_feats) | set(new_feats)
               if old_feats.get(a) is not new_feats.get(a)
               and old_feats.get(a) != new_feats.get(a)}
    if not changed:
        return {a: old_related[a] for a in sorted(new_feats)}
    deleted = set(old_feats) - set(new_feats)
    touched: set[str] = set()
    for a in changed:
        touched.update(old_feats.get(a, ()))
        touched.update(new_feats.get(a, ()))
    df_new: dict[str, int] = dict.fromkeys(touched, 0)
    for fs in new_feats.values():
        for f in touched.intersection(fs):
            df_new[f] += 1
    df_old = dict(df_new)
    for a in changed:
        for f in new_feats.get(a, ()):
            df_old[f] -= 1
        for f in old_feats.get(a, ()):
            df_old[f] += 1
    cap = rare_df(n)

    def key(d: int) -> int:  # what a feature's weights depend on: -1 = not in the vocabulary
        return _level(d) if 1 < d <= cap else -1

    moved_features = {f for f in touched if key(df_old[f]) != key(df_new[f])}
    ids = sorted(new_feats)
    moved = {a for a in ids if a in changed or not moved_features.isdisjoint(new_feats[a])}
    gone = moved | deleted
    m = _Matrix(new_feats)
    full: set[str] = set(moved)
    rest = [a for a in ids if a not in moved]
    extra: dict[int, list[tuple[float, int]]] = {}
    if rest and moved:
        rows = np.asarray([m.row[a] for a in rest], dtype=np.int64)
        cols = np.asarray(sorted(m.row[a] for a in moved), dtype=np.int64)
        sims = (m.x[rows] @ m.xt[:, cols]).tocsr()
        data = np.round(sims.data, 4)
        for k in range(len(rest)):
            span = slice(sims.indptr[k], sims.indptr[k + 1])
            found = [(s, int(cols[c])) for c, s in zip(sims.indices[span].tolist(),
                                                       data[span].tolist(), strict=True)
                     if s > 0]
            if found:
                extra[k] = found
    out: dict[str, list[dict[str, Any]]] = {}
    picked: dict[str, list[tuple[float, str, Any]]] = {}
    for k, a in enumerate(rest):
        old = old_related[a]
        if k not in extra and not any(r["id"] in gone for r in old):
            out[a] = old  # nothing it is compared with changed
            continue
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
                continue
        picked[a] = merged[:top_k]
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
    return {a: out[a] for a in ids}


class _Matrix:
    """The normalised weight vectors of every article of ``feats`` (rows in id order, columns
    the vocabulary in alphabetical order): ``x`` (CSR) and its transpose ``xt`` (CSC)."""

    def __init__(self, feats: dict[str, dict[str, int]]) -> None:
        import numpy as np
        from scipy import sparse

        ids = sorted(feats)
        n = len(ids)
        self.ids = ids
        self.row = {a: k for k, a in enumerate(ids)}
        # every (article, feature, tf) as arrays, the features numbered as first seen
        rows = [feats[aid] for aid in ids]
        number = {f: k for k, f in enumerate(dict.fromkeys(chain.from_iterable(rows)))}
        fid = np.fromiter(map(number.__getitem__, chain.from_iterable(rows)), dtype=np.int64)
        tfs = list(chain.from_iterable(fs.values() for fs in rows))
        lengths = [len(fs) for fs in rows]
        row = np.repeat(np.arange(n, dtype=np.int64), lengths)
        df = np.bincount(fid, minlength=len(number))
        cap = rare_df(n)
        names = list(number)
        counted = np.flatnonzero((df > 1) & (df < n) & (df <= cap)).tolist()
        counted.sort(key=names.__getitem__)  # alphabetical
        vocab = [names[i] for i in counted]
        column = np.full(len(names), -1, dtype=np.int64)
        column[np.asarray(counted, dtype=np.int64)] = np.arange(len(vocab))
        col = column[fid]
        keep = col >= 0
        row, col, fid = row[keep], col[keep], fid[keep]
        tf = np.asarray(tfs, dtype=np.float64)[keep]
        order = np.lexsort((col, row))  # each article's features in alphabetical order
        row, col, fid, tf = row[order], col[order], fid[order], tf[order]
        if n < FULL_BELOW:
            idf = np.log(n / df[fid])
        else:  # by levels: ln 2 · (1 + ⌊log2 N⌋ − ⌊log2 df⌋) (frexp: ⌊log2⌋ + 1, exactly)
            idf = np.log(2.0) * (1 + _level(n) - (np.frexp(df[fid].astype(np.float64))[1] - 1))
        w = (1 + np.log(tf)) * idf
        norm = np.sqrt(np.bincount(row, weights=w * w, minlength=n))  # summed in that order
        norm[norm == 0] = 1.0
        w = w / norm[row]
        indptr = np.concatenate(([0], np.cumsum(np.bincount(row, minlength=n))))
        self.vocab = vocab
        self.x = sparse.csr_matrix((w, col, indptr), shape=(n, len(vocab)))
        self.xt = self.x.T.tocsc()

    def top(self, rows: Any, top_k: int) -> dict[str, list[dict[str, Any]]]:
        """The related list of each article of ``rows`` (row numbers)."""
        import numpy as np

        ids, x, xt = self.ids, self.x, self.xt
        out: dict[str, list[dict[str, Any]]] = {}
        for lo in range(0, len(rows), _CHUNK):
            chunk = rows[lo:lo + _CHUNK]
            block = (x[chunk] @ xt).tocsr()
            data = np.round(block.data, 4)
            rows_, cands, scores = [], [], []
            for k in range(block.shape[0]):
                # the TOP_K others of highest similarity (ties: the smaller id); only those at
                # least as similar as the TOP_K-th are sorted
                span = slice(block.indptr[k], block.indptr[k + 1])
                cand, sims = block.indices[span], data[span]
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

        x, vocab = self.x, self.vocab
        both = x[r].multiply(x[cand]).tocsr()
        pair = np.repeat(np.arange(len(r)), np.diff(both.indptr))
        order = np.lexsort((both.indices, -both.data, pair))
        pair, fcol = pair[order], both.indices[order]
        top = _ranks(pair) < SHARED_K
        pair, fcol = pair[top], fcol[top]
        shared: list[list[str]] = [[] for _ in range(len(r))]
        for p, c in zip(pair.tolist(), fcol.tolist(), strict=True):
            f = vocab[c]
            shared[p].append(f[1:] if f.startswith("@") else f)
        return shared


def _level(n: int) -> int:
    """⌊log2 n⌋ (n ≥ 1)."""
    return n.bit_length() - 1


def _ranks(groups: Any) -> Any:
    """Each item's place (0, 1, …) in its run of equal values of ``groups`` (sorted)."""
    import numpy as np

    if not len(groups):
        return groups
    index = np.arange(len(groups))
    first = np.concatenate(([True], groups[1:] != groups[:-1]))
    return index - np.maximum.accumulate(np.where(first, index, 0))


def related_json(related: dict[str, list[dict[str, Any]]]) -> str:
    return json.dumps(related, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
