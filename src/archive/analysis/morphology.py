"""Light stem and root of one cleaned Arabic word.

TEMPORARY: wraps tashaphyne with a deterministic tie-break. To be replaced by a deterministic
port of tashaphyne's algorithm reading the exported data tables, with root corrections.
"""

from __future__ import annotations

from collections import Counter

from tashaphyne.stemming import ArabicLightStemmer

_STEMMER = ArabicLightStemmer()


def _most_common(roots: list[str]) -> str:
    tri = [r for r in roots if len(r) == 3]
    pool = tri or roots
    counts = Counter(pool)
    return min(counts, key=lambda r: (-counts[r], r))


def stem_and_root(word: str) -> tuple[str, str]:
    """Return ``(stem, root)`` of a word already passed through ``normalize.clean``."""
    st = _STEMMER
    st.light_stem(word)
    stem = st.get_stem()
    affixes = st.get_affix_list()
    roots = [d["root"] for d in affixes]
    ok = [r for r in roots if 2 <= len(r) <= 4] or roots
    ok = [r for r in ok if r in st.root_list] or ok
    return stem, _most_common(ok) if ok else stem
