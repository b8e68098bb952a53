"""The browser's index writer, and its search engine (search.js under node) against the
command line's engine (archive.search) on the seeds: several hundred generated queries — words,
inflections absent from the text, pairs, phrases, roots, OR, NOT, names, modes and filters —
must give the same articles, in the same order, with the same scores.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import shutil
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest
from conftest import node_path

from archive.browser import index as browser_index
from archive.browser.digits import text_numbers
from archive.browser.index import (
    PIPELINE_LABEL,
    STORED,
    live_numbers,
    lunr_js_path,
    pack,
    posting_members,
    rank_places,
    read_data,
    term_hash,
    write_browser_index,
)
from archive.config import Paths

REPO = Path(__file__).resolve().parents[1]
ENGINE = REPO / "tests" / "js" / "engine.mjs"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from archive.index.build import update_index
    from archive.pipeline import analyze_corpus, load

    root = tmp_path_factory.mktemp("archive")
    shutil.copytree(REPO / "seeds", root / "seeds")
    paths = Paths(root)
    update_index(paths)
    loaded = load(paths)
    analyzed = analyze_corpus(loaded)
    site = root / "site"
    report = write_browser_index(analyzed, site, loaded.gazetteer)
    # every term long: frequencies in the shards, positions in pos/ files (one article each)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(browser_index, "LONG_DOCS", 0)
        mp.setattr(browser_index, "BLOCK_DOCS", 1)
        # and places in id order in blocks of two numbers: ties fetch a few of them
        mp.setattr(browser_index, "RANK_BLOCK", 2)
        write_browser_index(analyzed, root / "site-long", loaded.gazetteer)
    from archive.analysis import Analyzer

    return {"paths": paths, "site": site, "report": report, "analyzed": analyzed,
            "gazetteer": loaded.gazetteer, "analyzer": Analyzer(loaded.gazetteer.matcher())}


def _numbers(data: Path) -> dict[str, int]:
    """Article id → document number, from meta.json's live numbers and the cards."""
    meta = read_data(data, "meta.json")
    out: dict[str, int] = {}
    for n in live_numbers(meta["live"]):
        block = read_data(data, f"cards/{n // meta['card_block']}.json")
        out[block[n % meta["card_block"]][0]] = n
    return out


def test_writer_outputs(archive: dict[str, Any]) -> None:
    data = archive["site"] / "search" / "data"
    meta = read_data(data, "meta.json")
    assert meta["count"] == len(live_numbers(meta["live"])) == 5 and meta["slots"] >= 10
    # what a first result list needs is up front; the filter and facet columns and the
    # entities are in columns.json, fetched after the first results
    assert sorted(meta) == ["block_docs", "card_block", "count", "live", "rank_block",
                            "shard_hash", "shards", "slots", "version"]
    # rank keys (ties in ranking): all at once (the places in id order and the keys in id
    # order), and by blocks of numbers; increasing in id order
    ranks = read_data(data, "rank.json")
    places = rank_places(ranks["rank"], meta["count"])
    keys = [d + 1 for d in text_numbers(ranks["keys"])]
    keys = list(itertools.accumulate(keys, initial=-1))[1:]
    blocks = [read_data(data, f"rank/{b}.json")
              for b in range(-(-meta["slots"] // meta["rank_block"]))]
    assert [k for block in blocks for k in block] == [keys[p] for p in places]
    assert keys == sorted(set(keys))
    columns = read_data(data, "columns.json")
    assert columns["count"] == meta["count"]
    number = _numbers(data)
    ids = [aa.article.id for aa in archive["analyzed"]]
    assert sorted(number) == sorted(ids)
    live = sorted(number.values())
    # compact columns over the live numbers: numbers into dictionaries, rank in id order
    for aa in archive["analyzed"]:
        i = live.index(number[aa.article.id])
        got = columns["dates"][columns["date"][i]] if columns["date"][i] >= 0 else None
        assert got == aa.article.date
        assert places[i] == sorted(ids).index(aa.article.id)
        assert [columns["entity_keys"][k] for k in columns["places"][i]] == list(aa.places)
    first = live.index(number[ids[0]])
    assert "place:daraa" in [columns["entity_keys"][k] for k in columns["places"][first]]
    assert columns["entities"]["place:daraa"][2] == "درعا"
    n0 = number[ids[0]]
    cards = read_data(data, f"cards/{n0 // meta['card_block']}.json")
    first_aa = archive["analyzed"][0].article
    # the card: id, path, title, URL (None: the default), date and source (shown with the
    # result before the columns are in), and no raw source (no raw/ texts in this site: the
    # text is in docs/)
    assert cards[n0 % meta["card_block"]] == [ids[0], "seeds/000_02dc7bcb46da7aac.txt",
                                               first_aa.title, None, first_aa.date,
                                               first_aa.source, None]
    meta_text = json.dumps([read_data(data, "meta.json"), columns], ensure_ascii=False)
    assert archive["analyzed"][4].article.title not in meta_text
    # one store file per article, holding its text; no text in the metadata
    assert len(list((data / "docs").glob("*.json.dfl"))) == 5
    doc = read_data(data, f"docs/{n0}.json")
    assert "وقال الناطق باسم اللجنة" in doc["text"]
    assert "وقال الناطق باسم اللجنة" not in meta_text
    # every shard is a lunr index with our own pipeline label, positions as metadata
    shards = [read_data(data, f"lunr/{k}.json") for k in range(meta["shards"])]
    assert len(list((data / "lunr").iterdir())) == meta["shards"]
    assert len(shards) == meta["shards"]
    terms = {}
    for k, shard in enumerate(shards):
        assert shard["version"] == "2.3.9"
        assert shard["pipeline"] == [PIPELINE_LABEL]
        assert shard["fields"] == ["form", "stem", "root", "entity", "title_form",
                                   "title_stem", "title_root", "title_entity"]
        for term, posting in shard["invertedIndex"]:
            assert term_hash(term) % meta["shards"] == k
            terms[term] = posting
    positions = posting_members(terms["درعا"])[1]["form"][n0]
    assert len(positions) >= 5 and positions == sorted(set(positions))
    text_tokens = archive["analyzed"][0].tokens
    assert all(text_tokens[p].normalized == "درعا" for p in positions)
    assert "place:daraa" in terms  # entity keys are index terms of the entity field
    # the title is indexed in its own fields, positions counted from its first word
    title = archive["analyzed"][4].article.title
    assert title.startswith("المعارضة تعلن فشل المفاوضات")
    n4 = number[ids[4]]
    assert posting_members(terms["المعارضه"])[1]["title_form"][n4] == [0]
    assert posting_members(terms["place:daraa"])[1]["title_entity"][n4] == [4]  # «بدرعا»
    assets = archive["site"] / "search" / "assets"
    assert (assets / "lunr.js").read_bytes() == lunr_js_path().read_bytes()
    assert {p.name for p in assets.iterdir()} >= {"lunr.js", "analyzer.js", "search.js"}


def test_every_shard_loads_in_lunr_js(archive: dict[str, Any]) -> None:
    """lunr.js 2.3.9's Index.load takes each shard (its TokenSet builder throws on terms out
    of JavaScript's string order) and finds every term in it; the browser, which reads the
    shards without lunr.js (engine.js shardIndex), gets the same inverted index."""
    data = archive["site"] / "search" / "data"
    engine = REPO / "src" / "archive" / "browser" / "static" / "engine.js"
    script = (
        "const lunr = require(process.argv[1]); const fs = require('fs');"
        "lunr.Pipeline.registerFunction((t) => t, 'archive-ar'); let n = 0;"
        f"import({json.dumps(engine.as_uri())}).then(({{ shardIndex }}) => {{"
        "for (const f of fs.readdirSync(process.argv[2])) {"
        " const json = JSON.parse(require('zlib').inflateRawSync("
        "  fs.readFileSync(process.argv[2] + '/' + f)).toString('utf8'));"
        " const idx = lunr.Index.load(json);"
        " const own = shardIndex(JSON.parse(JSON.stringify(json))).invertedIndex;"
        " if (JSON.stringify(Object.entries(own)) !== JSON.stringify(Object.entries("
        "  idx.invertedIndex))) throw new Error('shardIndex differs in ' + f);"
        " for (const [term] of json.invertedIndex) {"
        "  if (!idx.tokenSet.toArray().includes(term)) throw new Error('missing ' + term); n++; }"
        "} console.log(n); });"
    )
    out = subprocess.run([node_path(), "-e", script, str(lunr_js_path()), str(data / "lunr")],
                         capture_output=True, text=True, check=True, timeout=120)
    assert int(out.stdout) > 100


def _expected_forms(archive: dict[str, Any], data: Path) -> dict[str, dict[str, Any]]:
    """Per level, term, normalized form: (spelling, articles), straight from the articles'
    tokens (names left out; the spelling: an article's first, title then text, that of the
    lowest-numbered article, the smallest on a tie)."""
    from archive.analysis import Analyzer
    from archive.index.docs import IndexDoc

    numbers = _numbers(data)
    title = Analyzer(archive["gazetteer"].matcher())
    seen: dict[tuple[str, str, str], dict[str, set[int]]] = {}
    for aa in archive["analyzed"]:
        doc = IndexDoc.from_analyzed(aa, title)
        first: dict[tuple[str, str, str], str] = {}
        for t in (*doc.title_tokens, *doc.tokens):
            if t.entity is not None or not t.normalized:
                continue
            for level, term in (("stem", t.stem), ("root", t.root)):
                if term:
                    first.setdefault((level, term, t.normalized), t.form)
        for key, form in first.items():
            seen.setdefault(key, {}).setdefault(form, set()).add(numbers[doc.id])
    out: dict[str, dict[str, Any]] = {"stem": {}, "root": {}}
    for (level, term, norm), spellings in seen.items():
        spelling = min(spellings, key=lambda s: (min(spellings[s]), s))
        docs = sorted(set().union(*spellings.values()))
        out[level].setdefault(term, {})[norm] = [spelling, docs]
    return out


@pytest.mark.parametrize("site", ["site", "site-long"])
def test_forms_entries_decode_to_each_forms_articles(archive: dict[str, Any], tmp_path: Path,
                                                     site: str) -> None:
    """forms.js reads back, for every stem and root, each normalized form's spelling and
    articles, whether the entry numbers the articles of the term's posting (short and long
    terms) or lists them."""
    node = node_path()
    data = archive["site"].parent / site / "search" / "data"
    out = tmp_path / "forms.json"
    subprocess.run([node, str(REPO / "tests" / "js" / "forms.mjs"), str(data), str(out)],
                   check=True, timeout=300)
    got = json.loads(out.read_text("utf-8"))
    expected = _expected_forms(archive, data)
    assert got == expected
    assert sum(len(v) for v in got["root"].values()) > 100
    # the compact entry is the one written, several forms numbered too
    shards = read_data(data, "meta.json")["shards"]
    entries = [e for k in range(shards)
               for e in read_data(data, f"forms/{k}.json")["root"].values()]
    assert all(isinstance(e, list) for e in entries)
    assert any(len(e[0]) > 1 and e[1] != 0 for e in entries)


def test_term_hash_matches_fnv1a() -> None:
    assert term_hash("") == 0x811C9DC5
    assert term_hash("a") == 0xE40C292C  # FNV-1a 32 of b"a"
    assert term_hash("درعا") != term_hash("درع")


def test_output_is_the_same_under_any_hash_seed(tmp_path: Path) -> None:
    script = (
        "import sys; from pathlib import Path; from archive.config import default_paths;"
        "from archive.pipeline import load, analyze_corpus;"
        "from archive.browser import write_browser_index;"
        "l = load(default_paths()); write_browser_index(analyze_corpus(l), Path(sys.argv[1]),"
        " l.gazetteer)"
    )
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        subprocess.run([sys.executable, "-c", script, str(out)], check=True, cwd=REPO,
                       env={**os.environ, "PYTHONHASHSEED": seed}, timeout=300)
        outs.append({p.relative_to(out).as_posix(): p.read_bytes()
                     for p in sorted(out.rglob("*")) if p.is_file()})
    assert outs[0].keys() == outs[1].keys()
    assert outs[0] == outs[1]


# ------------------------------------------------------------------------------------------
# Engine parity (node)


def _cases(archive: dict[str, Any]) -> list[dict[str, str]]:
    rng = random.Random(7)
    tokens = [t for aa in archive["analyzed"] for t in aa.body_tokens]
    arabic = [t for t in tokens if any("\u0621" <= c <= "\u064a" for c in t.form)]
    forms = sorted({t.form for t in arabic})
    roots = sorted({t.root for t in arabic if t.entity is None and len(t.root) == 3})
    names = sorted({n for e in archive["gazetteer"].entities.values() for n in e.names})
    cases: list[dict[str, str]] = []
    for mode in ("exact", "stem", "root"):
        for _ in range(40):
            cases.append({"q": rng.choice(forms), "mode": mode})
    for _ in range(40):  # inflections: clitics and suffixes on text words
        w = rng.choice(forms)
        cases.append({"q": rng.choice(["و", "ف", "ب", "ل", "وال", ""]) + w
                      + rng.choice(["ها", "هم", "ات", "ون", "ين", "ية", ""])})
    for _ in range(40):
        cases.append({"q": f"{rng.choice(forms)} {rng.choice(forms)}"})
    # a word no lexicon knows after ب/ل also asks for the bare word at the root level (لترامب)
    from archive.analysis.analyzer import query_root
    unknown = [f for f in forms if query_root("ل" + f)]
    assert unknown
    for _ in range(10):
        cases.append({"q": rng.choice(["ل", "ب", "ول"]) + rng.choice(unknown),
                      "mode": rng.choice(["stem", "root"])})
    for _ in range(40):
        i = rng.randrange(len(arabic) - 3)
        n = rng.choice([2, 3])
        cases.append({"q": '"' + " ".join(t.form for t in arabic[i:i + n]) + '"',
                      "mode": rng.choice(["exact", "stem", "root"])})
    for _ in range(40):  # words typed together (unquoted): the proximity bonus
        i = rng.randrange(len(arabic) - 8)
        pick = rng.choice([[0, 1], [0, 1, 2], [0, 4], [0, 7], [1, 0], [0, 2, 5]])
        cases.append({"q": " ".join(arabic[i + k].form for k in pick),
                      "mode": rng.choice(["exact", "stem", "root"])})
    titles = [t.form for aa in archive["analyzed"]
              for t in archive["analyzer"].analyze(aa.article.title)]
    for _ in range(20):  # title words, alone and with a body word
        cases.append({"q": rng.choice(titles)})
        cases.append({"q": f"{rng.choice(titles)} {rng.choice(forms)}"})
    for _ in range(25):
        cases.append({"q": f"جذر:{rng.choice(roots)}"})
    # names that are also common words: the common root reaches them only through جذر:
    alts = sorted({t.alt for t in arabic if t.alt})
    assert alts
    for alt in alts:
        cases.append({"q": f"جذر:{alt}"})
    for _ in range(25):
        cases.append({"q": f"{rng.choice(forms)} OR {rng.choice(forms)} -{rng.choice(forms)}"})
    for _ in range(25):
        cases.append({"q": rng.choice(names)})
    for _ in range(20):
        cases.append({"q": f"({rng.choice(forms)} أو {rng.choice(names)}) NOT قسد"})
    for place in ("daraa", "inkhil", "درعا البلد", "syria"):
        cases.append({"q": rng.choice(forms), "place": place})
    for actor in ("sdf", "الجيش السوري"):
        cases.append({"q": "النظام", "actor": actor})
    cases.append({"q": "النظام", "source": "العربي"})
    cases += [{"q": "زززز"}, {"q": '"غير مغلق'}, {"q": "اسم:درعا"}, {"q": "NOT"}]
    return cases


def _python(archive: dict[str, Any], case: dict[str, str]) -> dict[str, Any]:
    from archive.analysis import Analyzer, normalize
    from archive.search.engine import Filters, open_view, resolve_entities, search
    from archive.search.query import LEVEL_NAME, PROXIMITY_NAME, QueryError

    gaz = archive["gazetteer"]
    try:
        filters = Filters(
            places=resolve_entities(gaz, "place", case["place"]) if case.get("place") else None,
            actors=resolve_entities(gaz, "actor", case["actor"]) if case.get("actor") else None,
            source=normalize(case["source"]) if case.get("source") else None,
        )
        with open_view(archive["paths"]) as view:
            res = search(view, case["q"], analyzer=Analyzer(gaz.matcher()),
                         mode=case.get("mode", "root"), limit=case.get("limit"),
                         filters=filters)
    except QueryError as exc:
        return {"error": str(exc)}
    return {"total": res.total, "results": [
        [r.path, r.score, [[t, LEVEL_NAME[lv]] for t, lv in r.levels],
         PROXIMITY_NAME.get(r.proximity)] for r in res.results]}


@pytest.mark.parametrize("layout", ["site", "site-long"])
def test_engine_parity_with_cli_engine(archive: dict[str, Any], tmp_path: Path,
                                       layout: str) -> None:
    """The same results from both engines; on the site whose terms are all long too (their
    positions fetched only where needed), and with a limit (the command's default: the
    proximity bonus only where it can change the first rows) as well as without."""
    node = node_path()
    cases = _cases(archive)
    # with a limit, the places in id order are fetched only for rows tied in score with
    # the first rows (rank/<b>.json): words alone, and words typed together
    cases += [{**c, "limit": limit} for c in cases[::3] if " " not in c["q"] for limit in (1, 2)]
    cases += [{**c, "limit": limit} for c in cases if " " in c["q"] and '"' not in c["q"]
              and "limit" not in c for limit in (1, 3)]
    cases_file = tmp_path / "cases.jsonl"
    cases_file.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases),
                          "utf-8")
    out = tmp_path / "out.jsonl"
    subprocess.run([node, str(ENGINE),
                    str(archive["site"].parent / layout / "search" / "data"), str(cases_file),
                    str(out)],
                   check=True, timeout=300)
    got = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(got) == len(cases)
    differ = []
    nonempty = 0
    for case, js in zip(cases, got, strict=True):
        py = _python(archive, case)
        if "error" in py or "error" in js:
            if ("error" in py) != ("error" in js):
                differ.append(f"{case}: python {py} javascript {js}")
            continue
        nonempty += py["total"] > 0
        if py != js:
            differ.append(f"{case}: python {py} javascript {js}")
    assert not differ, f"{len(differ)} of {len(cases)} differ:\n" + "\n".join(differ[:10])
    assert nonempty > len(cases) // 2
    # the cases exercise every proximity tier and every level label
    rows = [r for js in got if "results" in js for r in js["results"]]
    assert {r[3] for r in rows} == {"phrase", "near", None}
    assert {lv for r in rows for _, lv in r[2]} == {"exact", "stem", "root"}


def test_data_files_are_stored_as_raw_deflate(archive: dict[str, Any]) -> None:
    """Every data file is stored as a raw deflate stream (no gzip or zlib wrapper, the same
    bytes at every build: pack), and the page's parseData reads it, or the same JSON already
    decompressed by a host."""
    data = archive["site"] / "search" / "data"
    stored = sorted(p for p in data.rglob("*") if p.is_file())
    assert stored and all(p.name.endswith(".json" + STORED) for p in stored)
    for path in stored:
        body = path.read_bytes()
        assert body[:2] != b"\x1f\x8b"  # not gzip
        text = zlib.decompress(body, -15).decode("utf-8")
        assert pack(text) == body
        json.loads(text)
    meta = data / f"meta.json{STORED}"
    script = (
        "const { parseData } = await import(process.argv[1]);"
        "const fs = await import('node:fs'); const zlib = await import('node:zlib');"
        "const zipped = fs.readFileSync(process.argv[2]);"
        "const a = await parseData(zipped);"
        "const b = await parseData(zlib.inflateRawSync(zipped));"
        "console.log(JSON.stringify([a.count, JSON.stringify(a) === JSON.stringify(b)]));"
    )
    loader = Path(__file__).parents[1] / "src" / "archive" / "browser" / "static" / "loader.js"
    out = subprocess.run([node_path(), "--input-type=module", "-e", script, str(loader), str(meta)],
                         capture_output=True, text=True, check=True, timeout=60)
    assert json.loads(out.stdout) == [read_data(data, "meta.json")["count"], True]
