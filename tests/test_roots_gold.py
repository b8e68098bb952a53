"""Root accuracy on the held-out gold list (tests/data/gold_roots_test.tsv, bench/gold/build).

The gold list comes from arramooz (nouns and verbs with their roots, plus inflected forms); its
roots were never seen when the patterns, weights and corrections were learned (the split is by
root). Compared: tashaphyne alone (its get_root() with our deterministic tie-break, hamzas
unified) and this project's chooser.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from conftest import script_module

from archive.analysis import morphology as m

GOLD = Path(__file__).resolve().parent / "data" / "gold_roots_test.tsv"

#: Measured with bench/gold/evaluate when the gold list and the learned data were last rebuilt.
#: 0.9011 before issue 11; 0.9337 since roots come from the arramooz lexicon (this gold list is
#: arramooz too, so it is no longer independent of the analyzer: the real-text gold below is);
#: 0.9355 with the Form II and nisba entries of bench/gold/build_lexicon; 0.9361 with the
#: vocalization-aware lemma weights and pattern roots of rootless nouns (analyzer3); 0.9403
#: with the Form I masdars, frequent unlisted nouns and defective-root merges (analyzer4);
#: 0.9407 after analyzer11; 0.9409 after analyzer12; 0.9415 after analyzer13.
MEASURED_OURS = 0.9415
MEASURED_TASHAPHYNE = 0.7068
MARGIN = 0.01


def load() -> list[tuple[str, str]]:
    rows = []
    for line in GOLD.read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            word, root = line.split("\t")[:2]
            rows.append((word, root))
    return rows


def family_agreement(rows: list[tuple[str, str]], keys: list[str]) -> float:
    """Share of gold word pairs with the same gold root that get the same root key."""
    groups: dict[str, list[str]] = defaultdict(list)
    for (_word, root), key in zip(rows, keys, strict=True):
        groups[root].append(key)
    same = total = 0
    for members in groups.values():
        total += len(members) * (len(members) - 1) // 2
        same += sum(c * (c - 1) // 2 for c in Counter(members).values())
    return same / total


@pytest.fixture(scope="module")
def results() -> dict[str, object]:
    rows = load()
    d = m.default_data()
    theirs = [m.normalize_root(m.tashaphyne_root(w, d)) for w, _ in rows]
    ours = [m.stem_and_root(w)[1] for w, _ in rows]
    return {
        "rows": rows,
        "tash_acc": sum(k == r for (_, r), k in zip(rows, theirs, strict=True)) / len(rows),
        "ours_acc": sum(k == r for (_, r), k in zip(rows, ours, strict=True)) / len(rows),
        "tash_fam": family_agreement(rows, theirs),
        "ours_fam": family_agreement(rows, ours),
    }


def test_gold_list_is_a_few_thousand_content_words(results: dict[str, object]) -> None:
    rows = results["rows"]
    assert isinstance(rows, list)
    assert 3000 <= len(rows) <= 8000
    stop = m.default_data()["stop_words"]
    assert not [w for w, _ in rows if w in stop]
    assert all(3 <= len(r) <= 4 for _, r in rows)


def test_accuracy_at_least_as_measured(results: dict[str, object]) -> None:
    assert results["ours_acc"] >= MEASURED_OURS - MARGIN
    if MEASURED_OURS >= 0.90:
        assert results["ours_acc"] >= 0.90


def test_tashaphyne_alone_as_measured(results: dict[str, object]) -> None:
    assert abs(float(results["tash_acc"]) - MEASURED_TASHAPHYNE) < MARGIN  # type: ignore[arg-type]


def test_beats_tashaphyne_clearly(results: dict[str, object]) -> None:
    assert float(results["ours_acc"]) >= float(results["tash_acc"]) + 0.10  # type: ignore[arg-type]
    assert float(results["ours_fam"]) >= float(results["tash_fam"]) + 0.10  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Real-text gold: 2,000 SaudiNewsNet word types judged by hand (tests/data/gold_realtext.tsv);
# figures of bench/gold/realtext on the test half (never used for tuning).

#: 0.932 and 0.968 after analyzer8; 0.933 and 0.968 after analyzer9 (clubs, genitive alef, nisba
#: roots, war places); 0.935 and 0.968 after analyzer10 (impossible verb readings, foreign
#: endings, written madda; with the scorer's folded madda, which alone gives main 0.934);
#: 0.940 and 0.982 after analyzer11 (frequent words: يوما, جدا, خاص, ب/ل + a noun with a
#: pronoun; interrogative أ + particle stop words no longer read for lexicon words); 0.944 and
#: 0.983 after analyzer12 (hamza after the clitics, لل + a noun, dictionary rows; one row of
#: this half, للجميع, was seen by accident while its word was being added); 0.945 and 0.984
#: after analyzer13 (construct plurals, stop-table names, keys the news splits); unchanged
#: after analyzer14.
REALTEXT_BY_TYPE = 0.945
REALTEXT_TOKENS = 0.984
#: The sealed second held-out set (tests/data/gold_realtext_test2.tsv, judged blind; see
#: bench/gold/TEST2.md), first measured after analyzer5: 0.922 by type, 0.953 token-weighted;
#: 0.925 and 0.957 after analyzer7 (names decided by their news contexts) and the scorer's
#: tanwin alef; 0.927 and 0.957 after analyzer8; 0.930 and 0.958 after analyzer9; 0.932 and
#: 0.958 after analyzer10 (the rise is the scorer's folded madda: main scores 0.932 too);
#: unchanged after analyzer11; 0.938 and 0.9697 after analyzer12; unchanged after analyzer13
#: (no word of this half changes key); 0.939 and 0.972 after analyzer14 (self-rooted verb keys,
#: و + a past in ت, the first person of frequent verbs): issue 11's goals (0.93 / 0.97) met.
REALTEXT_TEST2_BY_TYPE = 0.939
REALTEXT_TEST2_TOKENS = 0.972
#: The tune half (the half the rules were derived from): 0.927 by type, 0.960 token-weighted
#: after analyzer4, 0.940 and 0.979 after analyzer5; the second tuning sample
#: (tests/data/gold_realtext_tune2.tsv): 0.921 and 0.946, then 0.935 and 0.961, 0.939 and 0.961
#: after analyzer6; 0.944 and 0.983, 0.939 and 0.972 after analyzer7; tune 0.952 and 0.988
#: after analyzer8; tune 0.957 and 0.991, tune2 0.942 and 0.989 after analyzer9; tune 0.961 and
#: 0.991 after analyzer10; tune 0.962 and 0.991, tune2 0.946 and 0.991 after analyzer12; tune
#: 0.965 and 0.991, tune2 0.949 and 0.992 after analyzer13.
REALTEXT_TUNE_BY_TYPE = 0.965
REALTEXT_TUNE_TOKENS = 0.991
REALTEXT_TUNE2_BY_TYPE = 0.949
REALTEXT_TUNE2_TOKENS = 0.992
#: The third tuning sample (tests/data/gold_realtext_tune3.tsv, judged blind): 0.921 and 0.955
#: after analyzer5, 0.932 and 0.966 after analyzer6 (the first rules tuned on it), 0.940 and
#: 0.986 after analyzer7, 0.942 and 0.986 after analyzer8, 0.947 and 0.996 after analyzer9.
#: 0.953 and 0.997 after analyzer12; 0.959 and 0.998 after analyzer13.
REALTEXT_TUNE3_BY_TYPE = 0.959
REALTEXT_TUNE3_TOKENS = 0.998
REALTEXT_TASHAPHYNE = 0.591


@pytest.fixture(scope="module")
def bench() -> Any:
    """bench/gold/realtext, the script that measures the real-text gold, as a module."""
    return script_module("bench/gold/realtext")


def test_third_tuning_sample_accuracy_holds(bench: Any) -> None:
    tune3 = bench.load(bench.GOLD_TUNE3, "tune")
    assert len(tune3) >= 500 and {r["half"] for r in tune3} == {"tune"}
    tuned3 = bench.figures(tune3, bench.keys_this([r["word"] for r in tune3]))
    assert tuned3["by_type"] >= REALTEXT_TUNE3_BY_TYPE - MARGIN
    assert tuned3["token_weighted"] >= REALTEXT_TUNE3_TOKENS - MARGIN


def test_real_text_gold_accuracy_holds(bench: Any) -> None:
    rows = bench.load(half="test")
    words = [r["word"] for r in rows]
    ours = bench.figures(rows, bench.keys_this(words))
    theirs = bench.figures(rows, bench.keys_tashaphyne(words))
    assert ours["by_type"] >= REALTEXT_BY_TYPE - MARGIN
    assert ours["token_weighted"] >= REALTEXT_TOKENS - MARGIN
    tune = bench.load(half="tune")
    tuned = bench.figures(tune, bench.keys_this([r["word"] for r in tune]))
    assert tuned["by_type"] >= REALTEXT_TUNE_BY_TYPE - MARGIN
    assert tuned["token_weighted"] >= REALTEXT_TUNE_TOKENS - MARGIN
    tune2 = bench.load(bench.GOLD_TUNE2, "tune")
    assert len(tune2) >= 250 and {r["half"] for r in tune2} == {"tune"}
    tuned2 = bench.figures(tune2, bench.keys_this([r["word"] for r in tune2]))
    assert tuned2["by_type"] >= REALTEXT_TUNE2_BY_TYPE - MARGIN
    assert tuned2["token_weighted"] >= REALTEXT_TUNE2_TOKENS - MARGIN
    assert abs(theirs["by_type"] - REALTEXT_TASHAPHYNE) < MARGIN
    assert ours["by_type"] > theirs["by_type"] + 0.25
    test2 = bench.load(bench.GOLD_TEST2, "test")
    assert len(test2) >= 500
    sealed = bench.figures(test2, bench.keys_this([r["word"] for r in test2]))
    assert sealed["by_type"] >= REALTEXT_TEST2_BY_TYPE - MARGIN
    assert sealed["token_weighted"] >= REALTEXT_TEST2_TOKENS - MARGIN


@pytest.mark.parametrize(("name", "half", "earlier"), [
    ("gold_realtext_tune2.tsv", "tune", ["gold_realtext.tsv"]),
    ("gold_realtext_tune3.tsv", "tune", ["gold_realtext.tsv", "gold_realtext_tune2.tsv"]),
    ("gold_realtext_test2.tsv", "test", ["gold_realtext.tsv", "gold_realtext_tune2.tsv"]),
])
def test_later_gold_samples_keep_to_their_half_and_are_new(
        name: str, half: str, earlier: list[str]) -> None:
    """Every row of a later sample falls in its half by the split of gold_realtext.tsv
    (sha256 of the first listed root, or of the word; first byte odd = test), and none of its
    words is in an earlier sample: tuning sets and held-out sets stay independent."""
    import hashlib

    data = Path(__file__).resolve().parent / "data"

    def rows(file: str) -> list[list[str]]:
        return [line.split("\t") for line in (data / file).read_text("utf-8").splitlines()
                if line and not line.startswith("#")]

    seen = {r[0] for file in earlier for r in rows(file)}
    sample = rows(name)
    assert len(sample) >= 250
    for word, _freq, _band, judged, row_half, *_ in sample:
        key = word if judged in ("name", "loanword", "function", "typo") else judged.split("|")[0]
        odd = hashlib.sha256(key.encode("utf-8")).digest()[0] % 2 == 1
        assert row_half == half and odd == (half == "test"), word
        assert word not in seen, word


def test_scorer_reads_a_name_or_loanword_kept_whole_without_its_tanwin_alef(bench: Any) -> None:
    """The alef of the indefinite accusative is no letter of a loanword (يورو → يوروا is rare,
    but دينارا, كيلومترا are common): the key without it is the word kept whole; a root is not."""
    row = {"word": "كيلومترا", "freq": "1", "band": "E", "gold": "loanword", "half": "tune"}
    assert bench.correct(row, "كيلومتر")
    assert bench.correct(row, "كيلومترا")
    assert not bench.correct(row, "كلمتر")
    # after the article the final alef is the word's own (الكاميرا is not الكامير)
    named = {"word": "الكاميرا", "freq": "1", "band": "E", "gold": "loanword", "half": "tune"}
    assert not bench.correct(named, "كامير")


def test_scorer_reads_a_name_kept_whole_with_its_madda_folded(bench: Any) -> None:
    """A judged word is a clean form, which spells آ as ءا: the name آصف kept whole is اصف
    (normalize folds آ) as much as ءاصف; a hamza + alef after an alef is no madda
    (إجراءات keeps its ء), and a root is not the word kept whole."""
    cases = [("ءاصف", "name", "اصف", True), ("ءاصف", "name", "ءاصف", True),
             ("ءاصف", "name", "وصف", False), ("إجراءات", "loanword", "اجرات", False)]
    for word, gold, key, right in cases:
        row = {"word": word, "freq": "1", "band": "E", "gold": gold, "half": "tune"}
        assert bench.correct(row, key) is right, (word, key)
