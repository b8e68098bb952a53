"""The number lists of the browser data (archive/browser/digits.py): one spelling per number,
read back exactly in Python and by the browser (engine.js ``numbersOf``), shorter than the
comma-separated decimals they replace, and only characters JSON writes as they are."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import node_path

from archive.browser.digits import (
    ALPHABET,
    BASE,
    LAST,
    LEAD,
    SPELLING,
    codes_text,
    count_numbers,
    counts_of,
    number_text,
    number_value,
    numbers_text,
    text_codes,
    text_numbers,
)

REPO = Path(__file__).resolve().parents[1]
ENGINE = REPO / "src" / "archive" / "browser" / "static" / "engine.js"


def _lists() -> list[list[int]]:
    rng = random.Random(11)
    edges = [0, 1, BASE - 1, BASE, BASE + 1, BASE * (len(LEAD) + 1) - 1, BASE * (len(LEAD) + 1),
             (1 << 16) - 1, 1 << 16, (1 << 16) + 1, 10**6, 2**31 - 1, 2**40]
    out = [[], [0], edges, list(range(300))]
    out += [[rng.randrange(n) for _ in range(rng.randrange(1, 40))]
            for n in (2, 64, 500, 5_000, 100_000, 10**9) for _ in range(30)]
    return out


def test_every_number_has_one_spelling_and_reads_back() -> None:
    seen: dict[str, int] = {}
    for n in range(60_000):
        text = number_text(n)
        assert text not in seen
        seen[text] = n
        assert number_value(text) == n
        assert text[-1] in LAST and all(c in LEAD for c in text[:-1])
    for numbers in _lists():
        assert text_numbers(numbers_text(numbers)) == numbers
        assert count_numbers(numbers_text(numbers)) == len(numbers)
        assert numbers_text(iter(numbers)) == numbers_text(numbers)
    texts = list(map(numbers_text, _lists()))
    assert counts_of(texts) == list(map(len, _lists()))
    assert counts_of([]) == []
    assert counts_of([""]) == [0]


def test_spelling_table_is_number_text() -> None:
    from archive.browser.digits import tables

    tables()
    rng = random.Random(3)
    for n in [0, 1, BASE, (1 << 16) - 1, *rng.sample(range(1 << 16), 2000)]:
        assert SPELLING[n] == number_text(n)
    assert SPELLING.get(1 << 16) is None


def test_small_numbers_take_one_character_and_lists_are_shorter_than_decimals() -> None:
    assert all(len(number_text(n)) == 1 for n in range(BASE))
    assert len(number_text(BASE)) == 2
    assert numbers_text([]) == ""
    rng = random.Random(3)
    gaps = [rng.randrange(1, 400) for _ in range(10_000)]  # positions' usual gaps
    assert len(numbers_text(gaps)) < 0.6 * len(",".join(map(str, gaps)))


def test_the_text_needs_no_json_escape_and_no_cell_separator() -> None:
    assert len(set(ALPHABET)) == len(ALPHABET) == len(LAST) + len(LEAD)
    for c in ALPHABET:
        assert json.dumps(c, ensure_ascii=False) == f'"{c}"'
        assert c not in ",;=" and c.isprintable() and not c.isspace()


def test_bad_text_and_negative_numbers_are_refused() -> None:
    with pytest.raises(ValueError):
        number_text(-1)
    with pytest.raises(ValueError):
        numbers_text([3, -1])
    for bad in ("3,1", LEAD[0], LAST[0] + LEAD[0], "é", LAST[0] + " "):
        with pytest.raises(ValueError):
            text_numbers(bad)


def test_the_browser_reads_the_same_numbers() -> None:
    node = node_path()
    lists = _lists()
    texts = [numbers_text(numbers) for numbers in lists]
    script = (
        "const { numbersOf } = await import(process.argv[1]);"
        "const texts = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));"
        "const bad = ['3,1', process.argv[2], process.argv[3]].map((t) => {"
        "  try { numbersOf(t); return false; } catch { return true; } });"
        "console.log(JSON.stringify({lists: texts.map(numbersOf), bad}));"
    )
    script = script.replace("require('node:fs')", "(await import('node:fs')).default")
    out = json.loads(subprocess.run(
        [node, "--input-type=module", "-e", script, ENGINE.as_uri(), LEAD[0], LAST[0] + LEAD[0]],
        input=json.dumps(texts), capture_output=True, text=True, check=True, timeout=60).stdout)
    # numbers beyond 2**53 are not used (document numbers and positions are far below)
    assert out["lists"] == lists
    assert out["bad"] == [True, True, True]


FORMS = REPO / "src" / "archive" / "browser" / "static" / "forms.js"


def _codes() -> list[list[int | list[int]]]:
    rng = random.Random(12)
    out: list[list[int | list[int]]] = [[], [-1], [0], [[0, 1]], [[0, 1], 2, -1, [3, 70, 5000]]]
    for forms in (1, 2, 5, 64, 300, 70_000):
        for _ in range(20):
            codes: list[int | list[int]] = []
            for _ in range(rng.randrange(1, 60)):
                if forms > 1 and rng.random() < 0.15:
                    codes.append(sorted(rng.sample(range(forms), rng.randrange(2, min(forms, 5)
                                                                           + 1))))
                else:
                    codes.append(rng.randrange(-1, forms))
            out.append(codes)
    return out


def test_forms_codes_read_back_in_python_and_in_the_browser() -> None:
    """A forms entry's codes (form numbers, -1, lists of several) as text and back: Python
    text_codes and forms.js codesOf read what codes_text wrote; one character per code below
    63; malformed lists refused."""
    node = node_path()
    cases = _codes()
    texts = [codes_text(codes) for codes in cases]
    assert [text_codes(t) for t in texts] == cases
    assert len(codes_text(list(range(-1, 63)))) == 64
    assert codes_text([1, [2, 3], -1]) == LAST[2] + "," + LAST[2] + LAST[2] + LAST[3] + LAST[0]
    for bad in (",", "," + LAST[1], "," + LAST[3] + LAST[0], LEAD[0]):
        with pytest.raises(ValueError):
            text_codes(bad)
    script = (
        "const { codesOf } = await import(process.argv[1]);"
        "const texts = JSON.parse((await import('node:fs')).default.readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(texts.map(codesOf)));"
    )
    out = json.loads(subprocess.run(
        [node, "--input-type=module", "-e", script, FORMS.as_uri()],
        input=json.dumps(texts), capture_output=True, text=True, check=True, timeout=60).stdout)
    assert out == cases


def test_the_precomputed_spellings_are_number_text() -> None:
    """The table made at import (lead digits once, then each last digit) spells every number
    as :func:`number_text` does, and reads each back."""
    from archive.browser import digits

    digits.tables()
    size = digits._TABLE_SIZE
    assert list(digits._TEXT) == list(range(size))
    assert all(digits._TEXT[n] == number_text(n) for n in range(size))
    assert all(digits._VALUE[number_text(n)] == n for n in range(size))
    assert digits.spellings(2 * BASE) == [number_text(n) for n in range(2 * BASE)]


def _env() -> dict[str, str]:
    """This process's environment, the package's ``src`` first on the path."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(REPO / "src"), *filter(None, [os.environ.get("PYTHONPATH")])])}


def test_the_tables_are_made_on_first_use_and_every_reader_works_before() -> None:
    """Importing the module makes no table (17.6 ms of every build's start-up): each reader
    gives the same results before :func:`tables` as after, and the first number beyond a
    table that is not there yet makes it."""
    code = """
import json
from archive.browser import digits, formsplice
assert not digits._TEXT and not digits._VALUE and not digits.SPELLING
out = [digits.SPELLING.get(5), digits.VALUE.get("%")]
cells = formsplice._Cells(digits.codes_text([0, [1, 2], 3, 70, -1]))  # makes the tables
out.append([cells.ok, cells.count, [cells.offset(p) for p in range(6)]])
out.append(len(digits._TEXT) == digits._TABLE_SIZE == len(digits._VALUE))
print(json.dumps(out))
"""
    numbers = [0, 5, 70, 2**20, 63, 64]
    for first in ("text_numbers", "numbers_text"):
        probe = (f"from archive.browser import digits\n"
                 f"assert not digits._TEXT\n"
                 f"t = {numbers_text(numbers)!r}\n"
                 f"print(digits.text_numbers(t) if {first!r} == 'text_numbers' "
                 f"else digits.numbers_text({numbers!r}))\n"
                 f"print(len(digits._TEXT), len(digits._VALUE))")
        got = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                             check=True, timeout=60, env=_env()).stdout.split("\n")
        assert got[0] == (str(numbers) if first == "text_numbers" else numbers_text(numbers))
        assert got[1] == f"{1 << 16} {1 << 16}"
    before = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                       text=True, check=True, timeout=60, env=_env()).stdout)
    from archive.browser import digits, formsplice

    digits.tables()
    cells = formsplice._Cells(codes_text([0, [1, 2], 3, 70, -1]))
    assert before == [None, None, [True, cells.count, [cells.offset(p) for p in range(6)]],
                      True]
    assert cells.ok and cells.count == 5
