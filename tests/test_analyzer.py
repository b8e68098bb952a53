"""The analyzer as a whole: token fields, caching, determinism across hash seeds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
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


# The fast paths of the analysis (tokenizing with the classes' BMP part, normalizing by
# str.translate, looking analyses up in C-level passes) must give what the plain definitions
# give, for any text: the records, the index and the JavaScript port rely on the very same
# tokens and forms.

#: Characters beyond the BMP of every kind the tokenizer tells apart: letters (Deseret,
#: mathematical), a digit, a combining mark, a format character (tag), an emoji, a private use
#: character; beside Arabic letters, marks, a joiner and punctuation.
_MIXED = st.text(alphabet=st.sampled_from(
    ["\U00010400", "\U0001D400", "\U0001D7CE", "\U0001D167", "\U000E0041", "\U0001F600",
     "\U000F0000", "\u0627", "\u0644", "\u0628", "\u064e", "\u0651", "\u200c", "\u0640", " ",
     "،", ".", "a", "7", "\u0301", "\ufeff"]), max_size=30)


@settings(deadline=None)  # (the first example loads the analyzer's tables)
@given(st.one_of(st.text(), _MIXED))
def test_the_tokens_are_those_of_the_token_pattern(text: str) -> None:
    from archive.analysis.tokenize import token_columns, token_forms, token_pattern

    found = list(token_pattern().finditer(text))
    expected = ([m.group() for m in found], [m.start() for m in found], [m.end() for m in found])
    assert token_columns(text) == expected
    assert token_forms(text) == expected[0]
    tokens = analyze(text)
    assert [(t.form, t.start, t.end) for t in tokens] == list(zip(*expected, strict=True))


def test_a_letter_beyond_the_bmp_continues_a_token_and_an_emoji_ends_it() -> None:
    text = "ب\U00010400\U0001D167ا\U0001F600كتب"
    assert [(t.form, t.start, t.end) for t in analyze(text)] == [
        ("ب\U00010400\U0001D167ا", 0, 4), ("كتب", 5, 8)]


@settings(deadline=None)
@given(st.one_of(st.text(), _MIXED))
def test_normalize_and_clean_map_and_drop_each_character_as_defined(text: str) -> None:
    import unicodedata

    from archive.analysis.normalize import LETTER_MAP, VARIANT_MAP, _is_dropped, clean, normalize

    nfkc = unicodedata.normalize("NFKC", text)
    kept = [ch for ch in nfkc if not _is_dropped(ch)]
    assert normalize(text) == "".join(LETTER_MAP.get(ch, ch) for ch in kept).lower()
    assert clean(text) == "".join(VARIANT_MAP.get(ch, ch) for ch in kept).replace(
        "\u0622", "\u0621\u0627")


def test_clause_breaks_are_found_between_tokens_only() -> None:
    from archive.analysis.analyzer import clause_breaks

    text = "قال، إن درعا. البلد؛ «حوران» و\nالسويداء ب.د"
    tokens = analyze(text)
    expected = {k for k in range(1, len(tokens))
                if any(ch in ".،,؛;:!?؟\n" for ch in text[tokens[k - 1].end:tokens[k].start])}
    assert clause_breaks(text, tokens) == expected
    assert expected == {1, 3, 4, 6, 8}
    # marks before the first token and after the last break nothing
    text = "\n، " + text + ".\n"
    assert clause_breaks(text, analyze(text)) == expected
