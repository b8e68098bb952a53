"""The site's analyzer tables without the root priors (archive/browser/index.py
``priors_in_shards``): each lexicon shard carries the priors of the roots its entries name, so
analyzer.js, with the core tables and only the shards ``prepare(word)`` fetches (a fresh
analyzer per word), still reads every word as Python does with all the tables; and without
the priors at all it would not (the words tested need them)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from conftest import node_path

from archive.analysis import analyze_word
from archive.analysis.tables import browser_tables
from archive.analysis.tokenize import tokenize
from archive.browser.index import priors_in_shards

ROOT = Path(__file__).resolve().parents[1]
ANALYZER = ROOT / "src" / "archive" / "browser" / "static" / "analyzer.js"
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
#: Words in و … ت (read without their و too), and words with several lexicon roots.
WORDS = ["وفرت", "ودعت", "وجرت", "ومضت", "وأدت", "ورأت", "وبدأت", "وحلت", "وردت", "وصلت",
         "وجدت", "وحدات", "أرى", "وأرى", "تقع", "لضم", "والمفاوضات", "علم", "العلماء", "يعلمون",
         "الرياض", "المنطقة", "أمير", "وزارة", "الصحة"]

SCRIPT = """
import fs from 'fs';
import { Analyzer } from %(analyzer)s;
const read = (f) => JSON.parse(fs.readFileSync(f, 'utf8'));
const [core, shards, words] = process.argv.slice(2).map(read);
const out = {};
for (const w of words) {
  const an = new Analyzer(core, null, (id) => shards[id]);
  await an.prepare(w);
  out[w] = an.analyzeWord(w);
}
process.stdout.write(JSON.stringify(out));
"""


def _words() -> list[str]:
    words: set[str] = set(WORDS)
    for path in SEEDS:
        text = path.read_text("utf-8")
        words.update(text[s:e] for s, e in tokenize(text))
    # a third of the seeds' words (a fresh analyzer for each), and the words above
    return sorted(set(sorted(words)[::3]) | set(WORDS))


def _read(tmp: Path, core: dict, shards: dict, words: list[str]) -> dict[str, list[str]]:
    node = node_path()
    (tmp / "core.json").write_text(json.dumps(core, ensure_ascii=False), "utf-8")
    (tmp / "shards.json").write_text(json.dumps(shards, ensure_ascii=False), "utf-8")
    (tmp / "words.json").write_text(json.dumps(words, ensure_ascii=False), "utf-8")
    (tmp / "read.mjs").write_text(SCRIPT % {"analyzer": json.dumps(ANALYZER.as_uri())}, "utf-8")
    out = subprocess.run([node, str(tmp / "read.mjs"), str(tmp / "core.json"),
                          str(tmp / "shards.json"), str(tmp / "words.json")],
                         check=True, capture_output=True, text=True, timeout=600)
    return json.loads(out.stdout)


def test_the_core_leaves_the_priors_to_the_shards() -> None:
    core, shards = browser_tables()
    split_core, split = priors_in_shards(core, shards)
    assert "root_prior" in core and "root_prior" not in split_core
    assert {k: v for k, v in core.items() if k != "root_prior"} == split_core
    held = {}
    for name, shard in split.items():
        assert {k: v for k, v in shard.items() if k != "root_prior"} == shards[name]
        named = {e.split(":", 1)[0] for v in shard["lexicon"].values() for e in v.split("|")}
        assert set(shard.get("root_prior", {})) == named & set(core["root_prior"])
        held.update(shard.get("root_prior", {}))
    assert held and all(core["root_prior"][r] == p for r, p in held.items())


def test_words_read_the_same_with_the_priors_in_the_shards(tmp_path: Path) -> None:
    core, shards = priors_in_shards(*browser_tables())
    words = _words()
    assert len(words) > 300
    want = {w: list(analyze_word(w)) for w in words}
    got = _read(tmp_path, core, shards, words)
    differ = [(w, got[w], want[w]) for w in words if got[w] != want[w]]
    assert not differ, f"{len(differ)} of {len(words)} differ: {differ[:10]}"
    # the priors matter for some of these words: without them the browser reads them wrong
    bare = {name: {k: v for k, v in s.items() if k != "root_prior"} for name, s in shards.items()}
    without = _read(tmp_path, core, bare, words)
    assert any(without[w] != want[w] for w in words)
