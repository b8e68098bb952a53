"""No docs/<n>.json for an article whose text the browser takes from its published raw text
(``raw/<id>.txt``, the seed byte for byte) as its card says (its raw source: a start offset and
the loader's cleaning edits), and the text is then exactly the article's text that
the search analysed (Python ``text_from_raw`` and loader.js ``textFromRaw`` alike).
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import node_path

from archive.browser.index import (
    RAW_DIR,
    published_raw,
    raw_source,
    read_data,
    text_from_raw,
    write_browser_index,
)
from archive.config import Paths

REPO = Path(__file__).resolve().parents[1]
LOADER = REPO / "src" / "archive" / "browser" / "static" / "loader.js"

FRONT = "---\ntitle: عنوان\ndate: 2015-07-21\n---\n"
BODY = "قال الوزير إن المفاوضات ستستأنف الأسبوع المقبل في الرياض.\nوأضاف أن الوفدين اتفقا."

#: (raw text, article text): what the loader makes of such files
CASES: list[tuple[str, str]] = [
    (FRONT + BODY, BODY),  # the usual: the text is the end of the file
    (FRONT + "\n" + BODY + "\n", BODY),  # a cut end
    # invisible characters and bidi marks removed, an entity decoded, a tag removed
    (FRONT + "قال الوزير إن المفاوضات\u200f ستستأنف الأسبوع المقبل في الرياض &quot;مع الوفد&quot;"
     " الذي وصل أمس\u202b من جنيف <span dir=rtl>بعد</span> جولة طويلة.\n" + BODY,
     'قال الوزير إن المفاوضات ستستأنف الأسبوع المقبل في الرياض "مع الوفد" الذي وصل أمس من'
     " جنيف بعد جولة طويلة.\n" + BODY),
    # characters outside the BMP before and inside the text: UTF-16 offsets
    ("---\ntitle: 😀 عنوان 𝕏\n---\n" + "نص 😀 فيه\u200b رمز " + BODY,
     "نص 😀 فيه رمز " + BODY),
    # a character added at the start (cleaning turns a control run into a line break)
    (FRONT + "\x0bقال الوزير إن المفاوضات ستستأنف الأسبوع المقبل في الرياض.",
     "\nقال الوزير إن المفاوضات ستستأنف الأسبوع المقبل في الرياض."),
]


@pytest.mark.parametrize("raw,text", CASES)
def test_raw_source_makes_the_text(raw: str, text: str) -> None:
    source = raw_source(raw, text)
    assert source is not None
    assert text_from_raw(raw, source) == text
    if raw.endswith(text):
        assert len(source) == 1  # no edits, only where the text starts


def test_raw_source_refuses_what_it_cannot_make() -> None:
    assert raw_source(FRONT + BODY, "نص آخر تماما لا يرد في الملف") is None
    assert raw_source(FRONT + BODY, "") is None
    # edits about as long as the text: the text is kept in docs/ instead
    mangled = "".join(ch + "\u200f" for ch in BODY)
    assert raw_source(FRONT + mangled, BODY) is None


def test_random_edits_round_trip() -> None:
    rng = random.Random(7)
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي ،.\n😀"
    for _ in range(300):
        text = "".join(rng.choice(letters) for _ in range(rng.randint(1, 400)))
        raw = list(text)
        for _ in range(rng.randint(0, 4)):  # what cleaning removes or replaces
            at = rng.randint(0, len(raw))
            raw[at:at] = rng.choice(["\u200f", "\u202b", "&amp;", "<b>", "\x0b"])
        raw_text = FRONT + "".join(raw)
        source = raw_source(raw_text, text)
        if source is not None:  # (None only when the edits are not small: kept as text)
            assert text_from_raw(raw_text, source) == text


def test_published_raw_reads_what_the_browser_reads(tmp_path: Path) -> None:
    folder = tmp_path / RAW_DIR
    folder.mkdir()
    (folder / "a.txt").write_bytes((FRONT + BODY).encode())
    (folder / "bom.txt").write_bytes(b"\xef\xbb\xbf" + (FRONT + BODY).encode())
    (folder / "cp1256.txt").write_bytes((FRONT + BODY).encode("cp1256"))
    assert published_raw(tmp_path, "a") == FRONT + BODY
    assert published_raw(tmp_path, "bom") is None
    assert published_raw(tmp_path, "cp1256") is None
    assert published_raw(tmp_path, "missing") is None


def test_loader_text_from_raw_matches_python() -> None:
    """loader.js textFromRaw under node makes the same texts of the same entries."""
    node = node_path()
    cases = [[raw, raw_source(raw, text)] for raw, text in CASES]
    script = ("const { textFromRaw } = await import(process.argv[1]);"
              "const cases = JSON.parse(process.argv[2]);"
              "console.log(JSON.stringify(cases.map(([raw, src]) => textFromRaw(raw, src))));")
    out = subprocess.run([node, "--input-type=module", "-e", script, str(LOADER),
                          json.dumps(cases, ensure_ascii=False)],
                         capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [text for _raw, text in CASES]


def test_docs_take_the_text_from_the_published_raw_text(tmp_path: Path) -> None:
    """With raw/<id>.txt in the site (as the site plugin publishes them), the card says how
    the text is made from it (its last member) and no docs/<n>.json is written for the
    article; docs/<n>.json holds the text only where the raw text does not give it, and what
    the raw text gives is the analysed text exactly."""
    from archive.pipeline import analyze_corpus, load

    root = tmp_path / "archive"
    shutil.copytree(REPO / "seeds", root / "seeds")
    loaded = load(Paths(root))
    analyzed = analyze_corpus(loaded)
    site = root / "site"
    (site / RAW_DIR).mkdir(parents=True)
    arts = [aa.article for aa in analyzed]
    for art in arts:
        shutil.copyfile(root / art.path, site / RAW_DIR / f"{art.id}.txt")
    # one article not published as raw text: its docs file keeps the text
    (site / RAW_DIR / f"{arts[0].id}.txt").unlink()
    write_browser_index(analyzed, site, loaded.gazetteer)
    data = site / "search" / "data"
    meta = read_data(data, "meta.json")
    cards: dict[str, tuple[int, list[Any]]] = {}  # id → (docnum, card)
    for f in (data / "cards").glob("*.json.dfl"):
        b = int(f.name.split(".")[0])
        for i, card in enumerate(read_data(data, f"cards/{b}.json")):
            if card is not None:
                cards[card[0]] = (b * meta["card_block"] + i, card)
    assert sorted(cards) == sorted(a.id for a in arts)
    texts = {int(f.name.split(".")[0]): read_data(data, f"docs/{f.name.removesuffix('.dfl')}")
             for f in (data / "docs").glob("*.json.dfl")}
    n0, card0 = cards[arts[0].id]
    assert card0[-1] is None and texts[n0] == {"text": arts[0].text}
    from_raw = 0
    for art in arts[1:]:
        n, card = cards[art.id]
        if card[-1] is not None:
            assert n not in texts
            raw = (site / RAW_DIR / f"{art.id}.txt").read_bytes().decode("utf-8")
            assert text_from_raw(raw, card[-1]) == art.text
            from_raw += 1
        else:
            assert texts[n] == {"text": art.text}
    assert len(texts) == len(arts) - from_raw
    assert from_raw >= len(arts) - 2


def _data_bytes(site: Path) -> dict[str, bytes]:
    data = site / "search" / "data"
    return {str(p.relative_to(data)): p.read_bytes() for p in sorted(data.rglob("*"))
            if p.is_file()}


def test_a_rebuild_follows_texts_that_come_and_go_from_raw(tmp_path: Path) -> None:
    """An article whose raw text gets published loses its docs/ file, one whose raw text goes
    gets one, and the cards say so: the rebuild writes what a cold build writes."""
    from archive.pipeline import analyze_corpus, load

    root = tmp_path / "archive"
    shutil.copytree(REPO / "seeds", root / "seeds")
    loaded = load(Paths(root))
    analyzed = analyze_corpus(loaded)
    arts = [aa.article for aa in analyzed]
    site, cold = tmp_path / "site", tmp_path / "cold"
    for s in (site, cold):
        (s / RAW_DIR).mkdir(parents=True)
    for art in arts[1:]:
        shutil.copyfile(root / art.path, site / RAW_DIR / f"{art.id}.txt")
    write_browser_index(analyzed, site, loaded.gazetteer, state_dir=tmp_path / "state")
    assert len(list((site / "search" / "data" / "docs").iterdir())) == 1
    shutil.copyfile(root / arts[0].path, site / RAW_DIR / f"{arts[0].id}.txt")
    (site / RAW_DIR / f"{arts[1].id}.txt").unlink()
    report = write_browser_index(analyzed, site, loaded.gazetteer, state_dir=tmp_path / "state")
    assert (report.changed, report.full) == (2, False)
    for art in arts:
        if art is not arts[1]:
            shutil.copyfile(root / art.path, cold / RAW_DIR / f"{art.id}.txt")
    write_browser_index(analyzed, cold, loaded.gazetteer)
    assert _data_bytes(site) == _data_bytes(cold)
    assert len(list((site / "search" / "data" / "docs").iterdir())) == 1
