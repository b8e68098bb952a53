"""The analyzer as a whole: token fields, caching, determinism across hash seeds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from archive.analysis import Analyzer, EntityMatch, analyze, analyze_word


def test_token_carries_form_offsets_normalized_stem_root() -> None:
    (t,) = analyze("المفاوضاتُ")
    assert t.form == "المفاوضاتُ"
    assert (t.start, t.end) == (0, len("المفاوضاتُ"))
    assert t.normalized == "المفاوضات"
    assert t.stem and t.root
    assert t.entity is None


def test_latin_and_numbers_are_not_stemmed() -> None:
    tokens = analyze("Daraa 2021")
    assert [(t.normalized, t.stem, t.root) for t in tokens] == [
        ("daraa", "daraa", "daraa"),
        ("2021", "2021", "2021"),
    ]


def test_same_form_same_analysis_with_or_without_diacritics() -> None:
    assert analyze_word("المفاوضات")[1:] == analyze_word("المُفاوَضات")[1:]


class _OneName:
    """A stand-in matcher that knows one single-word name."""

    def match(self, normalized, breaks=(), forms=None):  # type: ignore[no-untyped-def]
        return [
            EntityMatch("place:daraa", i, i, ("درعا",))
            for i, n in enumerate(normalized)
            if n in ("درعا", "بدرعا")
        ]


def test_names_keep_whole_and_carry_their_entity() -> None:
    tokens = Analyzer(_OneName()).analyze("قصف بدرعا")
    name = tokens[1]
    assert name.entity == "place:daraa"
    assert name.stem == name.root == "درعا"  # never reduced to درع


@given(st.text())
def test_analyzer_never_raises(text: str) -> None:
    analyze(text)


SCRIPT = """
import json, sys
from pathlib import Path
from archive.analysis import analyze
out = []
for p in sorted(Path(sys.argv[1]).glob("*.txt")):
    out.append([(t.form, t.normalized, t.stem, t.root) for t in analyze(p.read_text("utf-8"))])
print(json.dumps(out, ensure_ascii=False))
"""


def test_deterministic_across_hash_seeds(repo: Path) -> None:
    outputs = []
    for seed in ("0", "1", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        proc = subprocess.run(
            [sys.executable, "-c", SCRIPT, str(repo / "seeds")],
            env=env, capture_output=True, text=True, check=True,
        )
        outputs.append(json.loads(proc.stdout))
    assert outputs[0] == outputs[1] == outputs[2]
    assert sum(len(a) for a in outputs[0]) > 2000


class _TwoWordName:
    """A stand-in matcher for the two-word name درعا البلد."""

    def match(self, normalized, breaks=(), forms=None):  # type: ignore[no-untyped-def]
        return [
            EntityMatch("place:daraa-al-balad", i, i + 1, ("درعا", "البلد"))
            for i in range(len(normalized) - 1)
            if normalized[i : i + 2] == ["درعا", "البلد"] and i + 1 not in breaks
        ]


def test_a_name_never_runs_across_clause_punctuation() -> None:
    analyzer = Analyzer(_TwoWordName())
    assert analyzer.analyze("حي درعا البلد")[1].entity == "place:daraa-al-balad"
    assert all(t.entity is None for t in analyzer.analyze("في درعا. البلد"))
    assert all(t.entity is None for t in analyzer.analyze("في درعا، البلد"))
