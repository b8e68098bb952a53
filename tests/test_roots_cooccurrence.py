"""The root explorer's co-occurring roots (archive.site.roots._cooccurrence), worked out for
many rows at once: the same lists as working each root's row out on its own (the reference
below, the code before), ties in score and in shared articles included."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from archive.site import roots
from archive.site.roots import MIN_SHARED, RELATED_SHOWN, Related, _cooccurrence


def _one_by_one(n_articles: int, names: list[str], shared: Any, n_a: Any, alpha: Any,
                rows: Any) -> dict[str, list[Related]]:
    total = float(n_articles)
    out: dict[str, list[Related]] = {}
    for i in rows:
        row = shared[i]
        idx = np.flatnonzero(row >= MIN_SHARED)
        idx = idx[idx != i]
        cnt = row[idx].astype(np.float64)
        pmi = np.log2(cnt * total / (n_a[i] * n_a[idx]))
        keep = pmi > 0
        idx, cnt, pmi = idx[keep], cnt[keep], pmi[keep]
        score = np.round(pmi * np.log(cnt), 6)
        top = np.lexsort((alpha[idx], -cnt, -score))[:RELATED_SHOWN]
        out[names[i]] = [Related(names[j], int(c), round(p, 6), s) for j, c, p, s in zip(
            idx[top].tolist(), cnt[top].tolist(), pmi[top].tolist(), score[top].tolist(),
            strict=True)]
    return out


def _case(seed: int, n: int, n_articles: int, spread: int) -> tuple[Any, ...]:
    """A symmetric shared-articles matrix over ``n`` roots (``spread``: how many distinct
    values the counts take: few values, many ties)."""
    rng = np.random.default_rng(seed)
    n_a = rng.integers(MIN_SHARED, MIN_SHARED + spread, n).astype(np.float64) * 7
    upper = rng.integers(0, spread, (n, n)) * rng.integers(0, 2, (n, n))
    shared = np.triu(upper, 1)
    shared = (shared + shared.T).astype(np.int32)
    shared[np.arange(n), np.arange(n)] = n_a.astype(np.int32)
    names = [f"r{k:04}" for k in rng.permutation(n)]
    alpha = np.empty(n, dtype=np.int64)
    alpha[sorted(range(n), key=names.__getitem__)] = np.arange(n)
    return n_articles, names, shared, n_a, alpha


@pytest.mark.parametrize(("seed", "n", "spread"), [
    (1, 5, 4), (2, 13, 3), (3, 40, 2), (4, 300, 6), (5, 300, 40), (6, 1000, 12)])
def test_many_rows_at_once_give_each_rows_own_list(seed: int, n: int, spread: int) -> None:
    n_articles, names, shared, n_a, alpha = _case(seed, n, 500, spread)
    for rows in (range(n), [n - 1, 0, n // 2], []):
        assert _cooccurrence(n_articles, names, shared, n_a, alpha, rows) == _one_by_one(
            n_articles, names, shared, n_a, alpha, rows)


def test_rows_across_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(roots, "COOCCURRENCE_ROWS", 7)
    n_articles, names, shared, n_a, alpha = _case(7, 60, 300, 5)
    rows = list(range(0, 60, 2))
    got = _cooccurrence(n_articles, names, shared, n_a, alpha, rows)
    assert got == _one_by_one(n_articles, names, shared, n_a, alpha, rows)
    assert list(got) == [names[i] for i in rows]
    assert any(len(v) == RELATED_SHOWN for v in got.values())
