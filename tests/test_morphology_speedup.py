"""The pruned pattern search (table_readings) finds exactly the table readings of the plain
enumeration (abstractions) that the JavaScript port keeps."""

from __future__ import annotations

import random
from pathlib import Path

from archive.analysis import morphology, wordtable


def test_table_readings_equal_filtered_abstractions(repo: Path) -> None:
    d = morphology.default_data()
    texts = [p.read_text("utf-8") for p in sorted((repo / "seeds").glob("*.txt"))]
    words = sorted(w for w in wordtable.distinct_forms(texts) if len(w) > 1)
    rng = random.Random(7)
    letters = [chr(c) for c in range(0x0621, 0x064B)] + ["آ", "ة", "ى", "أ", "إ", "ؤ", "ئ"]
    words += ["".join(rng.choice(letters) for _ in range(rng.randint(1, 11)))
              for _ in range(3000)]
    checked = 0
    for word in words:
        for stem in {word, word[1:], word[:-1], word[2:-1]}:
            expected = sorted((p, r) for p, r in morphology.abstractions(stem)
                              if p in d["patterns"])
            assert morphology.table_readings(stem, d) == expected, stem
            checked += 1
    assert checked > 5000
