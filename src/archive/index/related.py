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
    if n < 2:
        return out
    df: Counter[str] = Counter(f for fs in feats.values() for f in fs)
    cap = rare_df(n)
    vocab = sorted(f for f, d in df.items() if 1 < d < n and d <= cap)
    col = {f: j for j, f in enumerate(vocab)}
    idf = {f: math.log(n / df[f]) for f in vocab}
    rows, cols, vals = [], [], []
    weights: list[dict[str, float]] = []
    for r, aid in enumerate(ids):
        w = {f: (1 + math.log(tf)) * idf[f] for f, tf in sorted(feats[aid].items()) if f in col}
        norm = math.sqrt(sum(v * v for v in w.values())) or 1.0
        w = {f: v / norm for f, v in w.items()}
        weights.append(w)
        for f, v in w.items():
            rows.append(r)
            cols.append(col[f])
            vals.append(v)
    x = sparse.csr_matrix((vals, (rows, cols)), shape=(n, len(vocab)), dtype=np.float64)
    xt = x.T.tocsc()
    order = np.arange(n)
    for lo in range(0, n, _CHUNK):
        block = (x[lo:lo + _CHUNK] @ xt).tocsr()
        for k in range(block.shape[0]):
            r = lo + k
            span = slice(block.indptr[k], block.indptr[k + 1])
            cand, sims = block.indices[span], np.round(block.data[span], 4)
            keep = (sims > 0) & (cand != r)
            cand, sims = cand[keep], sims[keep]
            if not len(cand):
                continue
            pick = np.lexsort((order[cand], -sims))[:top_k]
            for i in pick:
                j = int(cand[i])
                a, b = weights[r], weights[j]
                shared = sorted(set(a) & set(b), key=lambda f: (-(a[f] * b[f]), f))[:SHARED_K]
                out[ids[r]].append({
                    "id": ids[j],
                    "score": float(sims[i]),
                    "shared": [f[1:] if f.startswith("@") else f for f in shared],
                })
    return out


def related_json(related: dict[str, list[dict[str, Any]]]) -> str:
    return json.dumps(related, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
