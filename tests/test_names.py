"""Names are never reduced to a root (issue 11, class 1), in Python and in the JS port.

Every word here is outside the judged sets (tests/data/gold_realtext.tsv): the tests check the
classes, not memorised answers.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from archive.analysis.analyzer import Analyzer, alternative_root, analyze_word_uncached
from archive.analysis.normalize import clean, normalize
from archive.analysis.tables import build_tables, export_tables

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "tests" / "data" / "gold_realtext.tsv"
PARITY = REPO / "tests" / "js" / "parity.mjs"

#: Cities and given names that are also (forms of) common words of another root.
NAMES = {
    "بريدة": "برد", "حائل": "حول", "صنعاء": "صنع", "الحديدة": "حدد", "الدمام": "دمم",
    "نجران": "نجر", "محمد": "حمد", "خالد": "خلد", "سعود": "سعد",
}
#: Nisbas of places: not root-reduced, and one key for the forms of one nisba.
NISBAS = [["حوراني", "الحوراني", "حورانية"], ["درعاوي", "الدرعاوي"],
          ["سوري", "السوريون", "للسوريين", "سورية"], ["مصري", "المصريون", "المصرية"]]


def judged() -> set[str]:
    return {line.split("\t")[0] for line in GOLD.read_text("utf-8").splitlines()
            if line and not line.startswith("#")}


def root(word: str) -> str:
    return analyze_word_uncached(word)[2]


def test_test_words_are_not_in_the_judged_sets() -> None:
    words = set(NAMES) | {w for group in NISBAS for w in group}
    assert not {clean(w) for w in words} & judged()


@pytest.mark.parametrize(("name", "common_root"), sorted(NAMES.items()))
def test_a_name_keeps_its_whole_form_with_or_without_clitics(name: str, common_root: str) -> None:
    core = root(name)
    assert core != common_root and len(core) > 3
    def bare(text: str) -> str:
        return "".join(ch for ch in text if ch not in "ءئؤ")

    assert bare(core) in bare(normalize(name))
    for form in ("و" + name, "ب" + name, "ل" + name if not name.startswith("ال") else
                 "لل" + name[2:]):
        assert root(form) == core, form


def test_common_words_of_the_names_roots_keep_their_roots() -> None:
    """The name lexicon does not swallow the common words: a name query cannot match them."""
    assert root("الخالدين") == "خلد"
    assert root("حديدية") == "حدد"
    assert root("الصناعات") == "صنع"


@pytest.mark.parametrize("group", NISBAS, ids=lambda g: g[0])
def test_nisbas_of_places_are_one_name_each(group: list[str]) -> None:
    keys = {root(w) for w in group}
    assert len(keys) == 1, keys
    assert len(next(iter(keys))) > 3  # not a three-letter root


def test_a_query_that_is_a_name_is_not_expanded_to_the_root_family() -> None:
    [query] = Analyzer().analyze("خالد")
    text = Analyzer().analyze("خلود الخالدين وخالد بن الوليد")
    assert [t.form for t in text if t.root == query.root] == ["وخالد"]


def test_a_name_that_is_also_a_common_word_keeps_the_common_root_as_its_alternative() -> None:
    """Both readings: the name's keys are the name, ``alt`` is the common word's root (the
    index files it for ``جذر:`` queries); a name whose letters are no common word has none,
    and a common word has none."""
    toks = {t.form: t for t in Analyzer().analyze("سعود وبخالد نجران حائل الخالدين صنعاء")}
    assert (toks["سعود"].root, toks["سعود"].alt) == ("سعود", "سعد")
    assert (toks["وبخالد"].root, toks["وبخالد"].alt) == ("خالد", "خلد")
    assert (toks["حائل"].root, toks["حائل"].alt) == ("حاءل", "حول")
    assert toks["الخالدين"].alt == ""  # a common word: its root is already the common reading
    assert toks["صنعاء"].alt == ""  # no common word صنعاء (صنع + ا is another segmentation)


def test_name_lexicon_sizes_and_sources() -> None:
    tables = build_tables()
    names = tables["names"]
    assert len(names) > 10_000
    sources = {s for v in names.values() for s in v.split(",")}
    assert {"place", "country", "person", "nisba"} <= sources


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_javascript_port_reads_names_like_python(tmp_path: Path) -> None:
    tables = export_tables(tmp_path / "analyzer-tables.json")
    words = sorted(set(NAMES) | {w for g in NISBAS for w in g}
                   | {c + n for n in NAMES for c in ("و", "ب", "فب")})
    words_file = tmp_path / "words.txt"
    words_file.write_text("\n".join(words) + "\n", encoding="utf-8")
    out = tmp_path / "out.tsv"
    subprocess.run(["node", str(PARITY), "words", str(tables), str(words_file), str(out)],
                   check=True, timeout=300)
    got = out.read_text("utf-8").splitlines()
    assert got == ["\t".join((*analyze_word_uncached(w), alternative_root(w))) for w in words]
