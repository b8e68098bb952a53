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
from collections import defaultdict
from typing import Any

TOP_K = 5
SHARED_K = 8
RARE_MIN = 64
RARE_FACTOR = 4.0
_CHUNK = 256


def rare_df(n: int) -> int:
    """Largest document frequency of a feature that makes two articles candidates."""
    return max(RARE_MIN, int(RARE_FACTOR * math.sqrt(n)))


def doc_features(ix: Any, ids_by_num: dict[int, str] | None = None,
                 ) -> tuple[list[str], dict[str, dict[str, int]]]:
    """Article ids (sorted) and, per id, the shared features with their term frequencies.
    ``ids_by_num``: the id of each live document, when known (docs.json): spares reading
    every document's stored fields, the article text included."""
    with ix.reader() as reader:
        if ids_by_num is None:
            ids_by_num = {num: f["id"] for num, f in reader.iter_docs()}
        feats: dict[str, dict[str, int]] = defaultdict(dict)
        for fieldname, prefix in (("root", ""), ("entity", "@")):
            if fieldname not in reader.schema:
                continue
            for btext in list(reader.lexicon(fieldname)):
                m = reader.postings(fieldname, btext)
                found: list[tuple[int, int]] = []
                while m.is_active():
                    found.append((m.id(), int(m.weight())))
                    m.next()
                if len(found) < 2:
                    continue
                name = prefix + btext.decode("utf-8")
                for num, tf in found:
                    feats[ids_by_num[num]][name] = tf
    ids = sorted(ids_by_num.values())
    return ids, {i: feats.get(i, {}) for i in ids}


def compute_related(ix: Any, top_k: int = TOP_K, ids_by_num: dict[int, str] | None = None,
                    ) -> dict[str, list[dict[str, Any]]]:
    """``{id: [{"id", "score", "shared"}]}`` for every article in the index."""
    import numpy as np
    from scipy import sparse

    ids, feats = doc_features(ix, ids_by_num)
    n = len(ids)
    out: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    if n < 2:
        return out
    df: dict[str, int] = defaultdict(int)
    for fs in feats.values():
        for f in fs:
            df[f] += 1
    cap = rare_df(n)
    vocab = sorted(f for f, d in df.items() if d < n and d <= cap)
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
