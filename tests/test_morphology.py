"""Morphology: parity with tashaphyne, determinism, root families, the foreign-word guard."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from archive.analysis import analyze_word, clean
from archive.analysis import morphology as m
from archive.analysis.tables import build_tables, export_tables, tables_json
from archive.analysis.tokenize import tokenize

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "tests" / "data" / "gold_roots_test.tsv"


def seed_words() -> list[str]:
    words: set[str] = set()
    for path in sorted((REPO / "seeds").glob("*.txt")):
        text = path.read_text("utf-8")
        for a, b in tokenize(text):
            w = clean(text[a:b])
            if w and all("\u0621" <= ch <= "\u064a" for ch in w):
                words.add(w)
    return sorted(words)


def gold_words() -> list[str]:
    lines = GOLD.read_text("utf-8").splitlines()
    return [line.split("\t")[0] for line in lines if line and not line.startswith("#")]


SAMPLE = sorted(set(seed_words()) | set(gold_words()[::5]))

FAMILIES = {
    "شبك": ["اشتبك", "اشتبكت", "اشتباكات", "الاشتباك", "الاشتباكات", "يشتبكون"],
    "جمع": ["اجتمع", "اجتمعوا", "الاجتماع", "اجتماعان", "اجتماعات", "يجتمعون"],
    "فوض": ["المفاوضات", "مفاوضات", "يتفاوض", "تفاوض", "مفاوض"],
}


@pytest.fixture(scope="module")
def stemmer():  # type: ignore[no-untyped-def]
    from tashaphyne.stemming import ArabicLightStemmer

    return ArabicLightStemmer()


def test_sample_is_large_enough() -> None:
    assert len(SAMPLE) > 1500


def test_stems_equal_tashaphyne_get_stem(stemmer) -> None:  # type: ignore[no-untyped-def]
    d = m.default_data()
    differ = []
    for w in SAMPLE:
        stemmer.light_stem(w)
        if m.light_stem(w, d) != stemmer.get_stem():
            differ.append((w, m.light_stem(w, d), stemmer.get_stem()))
    assert differ == []


def test_roots_equal_tashaphyne_get_root_where_no_tie(stemmer) -> None:  # type: ignore[no-untyped-def]
    d = m.default_data()
    differ = []
    checked = 0
    for w in SAMPLE:
        if m.tashaphyne_tie(w, d):
            continue
        checked += 1
        stemmer.light_stem(w)
        if m.tashaphyne_root(w, d) != stemmer.get_root():
            differ.append((w, m.tashaphyne_root(w, d), stemmer.get_root()))
    assert checked > 1000
    assert differ == []


def test_tie_break_is_smallest_candidate() -> None:
    assert m.most_common(["فضو", "فوض"]) == "فضو"
    assert m.most_common(["فوض", "فضو", "فوض"]) == "فوض"
    assert m.most_common(["فوضى", "فوض"]) == "فوض"  # three-letter candidates first


DETERMINISM_SCRIPT = """
import json, sys
from archive.analysis import morphology as m
from archive.analysis.tables import tables_json
words = json.load(sys.stdin)
out = [m.stem_and_root(w) for w in words]
out.append(m.tashaphyne_root("المفاوضات", m.default_data()))
import hashlib
out.append(hashlib.sha256(tables_json().encode()).hexdigest())
json.dump(out, sys.stdout, ensure_ascii=False)
"""


def test_same_output_under_any_hash_seed() -> None:
    words = ["المفاوضات", "كورونا", *SAMPLE[::7][:400]]
    outputs = []
    for seed in ("0", "1", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        proc = subprocess.run(
            [sys.executable, "-c", DETERMINISM_SCRIPT],
            input=json.dumps(words, ensure_ascii=False),
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        outputs.append(proc.stdout)
    assert outputs[0] == outputs[1] == outputs[2]
    assert json.loads(outputs[0])[0] == ["مفاوض", "فوض"]


@pytest.mark.parametrize("root", sorted(FAMILIES))
def test_derived_forms_share_their_root(root: str) -> None:
    keys = {w: analyze_word(w)[2] for w in FAMILIES[root]}
    assert keys == {w: root for w in FAMILIES[root]}


def test_tashaphyne_alone_splits_these_families() -> None:
    d = m.default_data()
    split = [r for r, ws in FAMILIES.items() if len({m.tashaphyne_root(w, d) for w in ws}) > 1]
    assert split  # the families test above is not trivially satisfied


@pytest.mark.parametrize("word", ["كورونا", "يوتيوب", "ترامب", "الإنترنت", "ديمقراطية"])
def test_foreign_word_keeps_its_stem(word: str) -> None:
    """A foreign word keeps its whole form without clitics, never an invented root."""
    _stem, root = m.stem_and_root(word)
    assert len(root) > 4 and root in m.lexicon_key(word), root
    assert m.stem_and_root("بال" + word.removeprefix("ال"))[1] == root
    assert m.tashaphyne_root(word, m.default_data()) != root


def test_unlisted_roots_are_never_invented() -> None:
    """A root key is a root some lexicon lists, or a piece of the word itself (a name, a light
    stem), or a loanword's lemma: never a root made up from letters of the word."""
    d = m.default_data()
    lexicon_roots = {e.split(":")[0] for v in d["lexicon"].values() for e in v.split("|")}
    for w in SAMPLE[::3]:
        stem, root = m.stem_and_root(w)
        assert (root == stem or root in d["valid_roots"] or root in lexicon_roots
                or root in m.lexicon_key(w) or "*" + root in lexicon_roots
                or w in d["stop_words"]), w


def test_stop_words_use_tashaphyne_stop_stem() -> None:
    assert m.is_stop("الذي")
    assert not m.is_stop("اجتماع")
    d = m.default_data()
    assert m.stem_and_root("والذي") == (d["stop_words"]["والذي"], d["stop_words"]["والذي"])


def test_empty_word() -> None:
    assert m.stem_and_root("") == ("", "")


def test_exported_tables_round_trip(tmp_path: Path) -> None:
    path = export_tables(tmp_path / "analyzer-tables.json")
    text = path.read_text("utf-8")
    assert text == tables_json() + "\n"
    data = json.loads(text)
    for key in ("prefixes", "suffixes", "verb_affixes", "noun_affixes", "verb_stamps", "roots",
                "stop_words", "corrections", "patterns", "normalize", "tokenize"):
        assert data[key], key
    assert data == json.loads(json.dumps(build_tables()))
    d = m.prepare(data)  # what the JavaScript port does with the file
    for w in SAMPLE[::11]:
        assert m.stem_root(w, d) == m.stem_and_root(w)


def test_data_file_errors_name_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    from archive.analysis import tables

    class Fake:
        def joinpath(self, *parts: str) -> Fake:
            return self

        def read_text(self, encoding: str) -> str:
            return "# comment\nonly-one-field\n"

    monkeypatch.setattr(tables.resources, "files", lambda package: Fake())
    with pytest.raises(ValueError, match=r"root_corrections\.tsv, line 2"):
        tables._read_tsv(tables.CORRECTIONS_FILE)


def test_browser_tables_are_split_into_small_lexicon_shards(tmp_path: Path) -> None:
    """The browser downloads the core tables and only the lexicon shards a query needs."""
    from archive.analysis.tables import export_browser_tables

    files = export_browser_tables(tmp_path)
    core = json.loads(files[0].read_text("utf-8"))
    assert "lexicon" not in core and "names" not in core
    assert len(files[0].read_bytes()) < 1_500_000
    assert sorted(p.stem for p in files[1:]) == core["lexicon_shards"]
    biggest = max(len(gzip.compress(p.read_bytes())) for p in files[1:])
    assert biggest < 20_000, biggest
    merged_lexicon: dict[str, str] = {}
    merged_names: dict[str, str] = {}
    for p in files[1:]:
        shard = json.loads(p.read_text("utf-8"))
        merged_lexicon.update(shard["lexicon"])
        merged_names.update(shard["names"])
    assert merged_lexicon == build_tables()["lexicon"]
    assert merged_names == build_tables()["names"]
