"""Search-level folding of the dirty characters real news carries (issue 13), in Python and in
the browser's JavaScript port alike."""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

import pytest
from conftest import node_path

from archive.analysis import analyze_word, clean, normalize
from archive.analysis.analyzer import alternative_root, query_root
from archive.analysis.tables import export_tables

ROOT = Path(__file__).resolve().parents[1]
PARITY = ROOT / "tests" / "js" / "parity.mjs"


@pytest.mark.parametrize(
    ("query", "text_form"),
    [
        ("علی", "علي"),  # Farsi yeh
        ("إلی", "إلى"),  # Farsi yeh where Arabic writes alef maksura
        ("کبير", "كبير"),  # keheh
        ("مدرسۀ", "مدرسة"),  # heh with yeh above
        ("ەلاء", "هلاء"),  # Kurdish ae
        ("ديڤيد", "ديفيد"),  # veh: foreign v spelled with feh
        ("پاريس", "باريس"),  # peh
        ("ﻗﺎﻝ", "قال"),  # presentation forms (initial, medial, final)
        ("ﺍﻻﺳﺘﺮﺍﺗﻴﺠﻲ", "الاستراتيجي"),  # mixed forms with a lam-alef ligature
        ("ﻷن", "لأن"),  # lam-alef with hamza ligature
        ("ﻵخر", "لآخر"),  # lam-alef with madda ligature
        ("ﻹنقاذ", "لإنقاذ"),  # lam-alef with hamza below ligature
        ("\ufeffميسي", "ميسي"),  # BOM inside text
        ("س\u200bلام", "سلام"),  # zero-width space
        ("5.\u200f7", "5.7"),  # RLM inside a number
        ("الإرها\u00adبي", "الإرهابي"),  # soft hyphen
        ("تشــــهد", "تشهد"),  # tatweel run
    ],
)
def test_dirty_spellings_match_the_clean_ones(query: str, text_form: str) -> None:
    assert normalize(query) == normalize(text_form)
    assert analyze_word(query) == analyze_word(text_form)


def test_clean_keeps_teh_marbuta_and_alef_maksura_for_the_stemmer() -> None:
    assert clean("مدرسۀ") == "مدرسة"
    assert clean("ﻋﻠﻰ") == "على"


def test_no_break_space_is_a_space() -> None:
    assert normalize("درعا\u00a0البلد") == "درعا البلد"


#: the characters of the real corpus's dirty text (see bench/dirty-survey) with plain letters
DIRTY_ALPHABET = (
    [chr(c) for c in range(0x0621, 0x064B)]
    + [chr(c) for c in range(0xFE80, 0xFEFD)]  # presentation forms B, lam-alef ligatures
    + ["\ufb50", "\ufb94", "\ufb95", "\ufbfc", "\ufdfa", "\ufdfc", "\ufe70", "\ufe71"]
    + ["\u06cc", "\u06a9", "\u06d5", "\u06c0", "\u06d2", "\u06ab", "\u06be", "\u06c1",
       "\u06c3", "\u06a4", "\u067e", "\u06f5"]
    + ["\u00a0", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202b",
       "\u202c", "\u202d", "\u202e", "\ufeff", "\u00ad", "\u0640", "\u064b", "\u0651"]
)


def test_javascript_folds_dirty_text_as_python_does(tmp_path: Path) -> None:
    node = node_path()
    rng = random.Random(13)
    words = {"".join(rng.choice(DIRTY_ALPHABET) for _ in range(rng.randint(1, 10)))
             for _ in range(20_000)}
    words |= {"علی", "کبير", "ﻗﺎﻝ", "ﻻ", "ﷺ", "﷼", "مدرسۀ", "ديڤيد", "\ufeffميسي"}
    ordered = sorted(words)
    tables = export_tables(tmp_path / "tables.json")
    words_file = tmp_path / "words.txt"
    words_file.write_text("\n".join(ordered) + "\n", "utf-8")
    out = tmp_path / "js.tsv"
    subprocess.run([node, str(PARITY), "words", str(tables), str(words_file), str(out)],
                   check=True, timeout=300)
    js = out.read_text("utf-8").split("\n")[:-1]
    assert len(js) == len(ordered)
    # one line per word: normalized, stem, root, a name's common-reading root (alt) and the
    # query's root reading of ب/ل + an unknown name
    python = {w: "\t".join((*analyze_word(w), alternative_root(w), query_root(w)))
              for w in ordered}
    mismatches = [f"{w!r}: python {python[w]!r} javascript {line!r}"
                  for w, line in zip(ordered, js, strict=True) if line != python[w]]
    assert not mismatches, f"{len(mismatches)} of {len(ordered)} differ:\n" + "\n".join(
        mismatches[:20])
