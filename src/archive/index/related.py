"""Related articles: for each article, the most similar others by shared roots and entities.

Rule (computed at build time, stored in ``related.json``)::

    features of an article  = the roots of its body words ("root" field) and the gazetteer keys
                              of the entities it mentions ("entity" field)
    weight(f, a)            = (1 + ln tf(f, a)) · ln(N / df(f))      (0 when df = N)
    only features found in at least two articles and in at most RARE_DF(N) articles count:
    RARE_DF(N)              = max(RARE_MIN, RARE_FACTOR · sqrt(N))
    similarity(a, b)        = cosine of the two weight vectors, rounded to 4 decimals
    related(a)              = the TOP_K others with similarity > 0, by similarity, then by id

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
from typing import Any

TOP_K = 5
SHARED_K = 8
RARE_MIN = 64
RARE_FACTOR = 4.0
_CHUNK = 256


def rare_df(n: int) -> int:
    """Largest document frequency of a feature that makes two articles candidates."""
    return max(RARE_MIN, int(RARE_FACTOR * math.sqrt(n)))


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
    import numpy as np
    from scipy import sparse

    ids = sorted(feats)
    n = len(ids)
    out: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    if n < 2 or top_k < 1:
        return out
    # every (article, feature, tf) as arrays, the features numbered as first seen
    number: dict[str, int] = {}
    fids: list[int] = []
    tfs: list[int] = []
    lengths: list[int] = []
    for aid in ids:
        fs = feats[aid]
        fids.extend([number.setdefault(f, len(number)) for f in fs])
        tfs.extend(fs.values())
        lengths.append(len(fs))
    fid = np.asarray(fids, dtype=np.int64)
    row = np.repeat(np.arange(n, dtype=np.int64), lengths)
    df = np.bincount(fid, minlength=len(number))
    cap = rare_df(n)
    names = list(number)
    vocab = sorted(f for f in names if 1 < df[number[f]] < n and df[number[f]] <= cap)
    column = np.full(len(names), -1, dtype=np.int64)
    column[[number[f] for f in vocab]] = np.arange(len(vocab))
    col = column[fid]
    keep = col >= 0
    row, col, fid = row[keep], col[keep], fid[keep]
    tf = np.asarray(tfs, dtype=np.float64)[keep]
    order = np.lexsort((col, row))  # each article's features in alphabetical order
    row, col, fid, tf = row[order], col[order], fid[order], tf[order]
    w = (1 + np.log(tf)) * np.log(n / df[fid])
    norm = np.sqrt(np.bincount(row, weights=w * w, minlength=n))  # summed in that order
    norm[norm == 0] = 1.0
    w = w / norm[row]
    indptr = np.concatenate(([0], np.cumsum(np.bincount(row, minlength=n))))
    x = sparse.csr_matrix((w, col, indptr), shape=(n, len(vocab)))
    xt = x.T.tocsc()
    for lo in range(0, n, _CHUNK):
        block = (x[lo:lo + _CHUNK] @ xt).tocsr()
        data = np.round(block.data, 4)
        rows_, cands, scores = [], [], []
        for k in range(block.shape[0]):
            # the TOP_K others of highest similarity (ties: the smaller id); only those at
            # least as similar as the TOP_K-th are sorted
            span = slice(block.indptr[k], block.indptr[k + 1])
            cand, sims = block.indices[span], data[span]
            keep = (sims > 0) & (cand != lo + k)
            cand, sims = cand[keep], sims[keep]
            if len(sims) > top_k:
                keep = sims >= np.partition(sims, len(sims) - top_k)[len(sims) - top_k]
                cand, sims = cand[keep], sims[keep]
            pick = np.lexsort((cand, -sims))[:top_k]
            rows_.append(np.full(len(pick), lo + k, dtype=np.int64))
            cands.append(cand[pick].astype(np.int64))
            scores.append(sims[pick])
        r, cand, sims = np.concatenate(rows_), np.concatenate(cands), np.concatenate(scores)
        # per pair, the SHARED_K features of largest product (ties: alphabetical)
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
        for k, (a, b, score) in enumerate(zip(r.tolist(), cand.tolist(), sims.tolist(),
                                              strict=True)):
            out[ids[a]].append({"id": ids[b], "score": score, "shared": shared[k]})
    return out


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
