"""The JavaScript analyzer (run under node) gives exactly the Python analyzer's output.

Word parity runs both over more than 100,000 distinct word forms: the seed vocabulary, words
from the @cspell/dict-ar word list (installed by ``npm ci``), inflections generated from the
vocabulary with clitics and suffixes, and random strings of Arabic letters, marks and other
characters from a seeded generator. Text parity compares whole seed texts token by token
(offsets, normalized form, stem, root, entity) with gazetteer names protected.
"""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path

import pytest
from conftest import node_path

from archive.analysis import Analyzer, analyze_word
from archive.analysis.analyzer import alternative_root, query_root
from archive.analysis.tables import browser_tables, build_tables, export_tables, pack_stop_words
from archive.analysis.tokenize import tokenize

ROOT = Path(__file__).resolve().parents[1]
PARITY = ROOT / "tests" / "js" / "parity.mjs"
WORDLIST = ROOT / "tests" / "js" / "wordlist.mjs"
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))

MIN_FORMS = 100_000
DICTIONARY_WORDS = 60_000
#: Words of the analyzer's rule classes (tests/test_morphology_classes.py): defective verbs,
#: ى before a pronoun, names and family nisbas after ال, Form VIII verbs of roots in ل, the
#: leading و of unknown words, loanwords, the rare pronoun كن, best-reading scores, a hamza
#: written on an alef inside the stem; clubs, names only after ال (tag ``alonly``), and no
#: tanwin or dual alef after ب ك ل.
CLASS_WORDS = ["يسعون", "قضوا", "دعوا", "اشترت", "أعطاه", "تلقاها", "يجدون", "نكون", "مكانا",
               "عادت", "العتيبي", "العيسى", "الكلباني", "المهديين", "النصراوية", "التقى",
               "التام", "التهم", "وسامسونج", "ويكيليكس", "وويكيليكس", "الويكيليكس", "بالريالات",
               "لفيلمه", "بنشر", "تتمكن", "لبنك", "مصيرها", "المئة", "بالمائة", "لبداية",
               "والأهم", "تنبت", "نسأل", "أسألك", "مآلات", "وأسلحة", "سأعمل", "الآن",
               "الصفات", "بصفات", "جنات", "والهلال", "هلال", "بالأهلي", "أهلي", "الأهلية",
               "والضالع", "ضالع", "بوجبا", "ليكونا", "لطفا", "بحكما", "لحكما",
               "إكسون", "أدالين", "اسمحوا", "أصيبوا", "سجلت", "وسجلتها", "سبورت", "سطيف",
               "سأعمل", "ستصبح", "سنعمل", "تومسون", "وباركنسون", "كمبينسكي", "بروميتش",
               "يمارسون", "حسون", "آب", "أب", "آلية", "وآلية", "بآلياتها", "الآجلة", "الآن",
               "والآن", "آمل", "وآمل", "آملين", "آبل", "أبل", "آخر", "للآخرين", "جزءا",
               "لترامب", "ولترامب", "فلترامب", "بفيسبوك", "لتومسون", "بالترامب", "لكن",
               "بهذا", "لميسي", "ليفربول", "لآبل", "بءابل", "يوما", "مستمرا", "جدا", "حقا",
               "حدا", "بدا", "شكا", "جزءا", "بدءا", "منا", "ضوءا", "الخاص", "خاص", "هاما",
               "باسمه", "بقوله",
               "بأسرها", "لابنه", "لامست", "بدوره", "لقوتها",
               # analyzer12: a written hamza after the proclitics, لل + noun, the article +
               # a core in ال
               "للأزمة", "لأزمة", "وأدى", "وألف", "وأدت", "سألت", "سأكون", "فأر", "للأمن",
               "للأهلي", "للسنة", "للقوة", "للجنة", "للقاء", "الالتزام", "والالتزام",
               "الالتقاء", "بالسنين", "ألسنة", "الأهم", "السعي", "للأم", "للأب", "وصلت",
               "ووصلت", "ودعت", "وصلوا", "وجدت", "الجميع", "جميعا", "طالت", "بطريق",
               "لبطريق", "قلت", "بشن", "تحد", "كشوفات", "مسؤولو", "ومسؤولوها", "منسوبيها",
               "لمنسوبيها", "زائريها", "التانقو", "محمدو", "هاتريك", "فيديو", "بيدرو", "فعل",
               "أبها", "أوبك", "وأبها", "ويرى", "وترى", "تراها", "دعت", "مرت", "لعبت", "الحادية",
               "وسنة", "وسوق", "وجدة", "بدورها", "بقرية", "بعيد", "ورقة", "وخيمة",
               # analyzer14: و + a past in ت, verb keys rooted in themselves
               "وجرت", "ومضت", "وأدت", "ورأت", "وبدأت", "وبدت", "وحلت", "وفرت", "وردت",
               "وحدات", "وضحت", "وكدت", "تقع", "وتقع", "لضم", "بضمه", "لحج", "الكردي",
               "أرى", "وأرى", "فأرى", "أضم", "إريك", "أراه"]
RANDOM_STRINGS = 20_000

PROCLITICS = ["", "و", "ف", "ب", "ل", "ك", "ال", "وال", "بال", "فال", "كال", "لل", "ولل", "س", "وس",
              "فس", "أ", "است", "وي", "ت", "ن", "ي", "فب", "وب", "ول"]
SUFFIXES = ["", "ه", "ها", "هم", "هما", "هن", "ك", "كم", "كما", "نا", "ني", "ي", "ات", "ون", "ين",
            "ان", "ة", "ية", "يه", "تين", "تان", "وا", "تم", "تما", "تن", "ت", "ا", "اتها", "اتهم",
            "يات", "ى", "اء", "آت", "ئ"]
# Characters for random strings: letters, hamza forms, marks, tatweel, Persian letters,
# digits, zero-width joiners and a few Latin letters.
RANDOM_ALPHABET = (
    [chr(c) for c in range(0x0621, 0x064B)]
    + ["\u0622", "\u0623", "\u0625", "\u0671", "\u0649", "\u0629"] * 3
    + [chr(c) for c in range(0x064B, 0x0653)]
    + ["\u0640", "\u0670", "\u200c", "\u200d", "\u067e", "\u0686", "\u0698", "\u06af", "\u06a9",
       "\u06cc", "\u0660", "\u0665", "\u06f4", "A", "z", "5"]
)


#: Context rules of the gazetteer (tanwin, words before and after, word classes) at work.
HOMOGRAPH_TEXT = (
    "سيبقون درعاً حصيناً عن الوطن، وقدم درعًا تذكاريًا ودرعاً. ثم قصفوا درعا وبدرعا ولدرعا.\n"
    "زار سلطنة عمان ثم عمان، وبسلطنة عمان؛ السعودية وعمان والبحرين. وفي عمان والكويت.\n"
    "سلطنة، عمان. السعودية: عمان. وعُمان وعمّان. وصل عمان\nوالكويت.\n"
    "وقال جاسم السعدون، ومحمد جاسم السلطان، والشيخ جاسم بن حمد، ومدينة جاسم الشمالي. "
    "غربي مدينة جاسم شمال درعا. جاسم محمد. وجاسم، الشيخ. جاسم التي. جاسم الحرة.\n"
)


def _node() -> str:
    node = node_path()
    if not (ROOT / "node_modules" / "@cspell" / "dict-ar").is_dir():
        pytest.fail("node_modules/@cspell/dict-ar is missing: run `npm ci` at the repository top")
    return node


@pytest.fixture(scope="module")
def tables_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The full tables, with the stop words packed as the site's copy has them (so every
    parity test runs analyzer.js on the packed form)."""
    path = export_tables(tmp_path_factory.mktemp("tables") / "analyzer-tables.json")
    tables = json.loads(path.read_text("utf-8"))
    tables["stop_words"] = pack_stop_words(tables["stop_words"])
    path.write_text(json.dumps(tables, ensure_ascii=False), encoding="utf-8")
    return path


def test_packed_stop_words_unpack_to_the_table() -> None:
    """The browser's packed stop words (pack_stop_words, as browser_tables writes them) give
    back, in analyzer.js, exactly the Python table: every word and its stem."""
    table = build_tables()["stop_words"]
    packed = browser_tables()[0]["stop_words"]
    script = ("import { unpackStopWords } from " + json.dumps((ROOT / "src" / "archive" / "browser"
              / "static" / "analyzer.js").as_uri()) + ";\n"
              "let s = ''; process.stdin.on('data', (d) => { s += d; });\n"
              "process.stdin.on('end', () => process.stdout.write("
              "JSON.stringify(unpackStopWords(JSON.parse(s)))));")
    out = subprocess.run([_node(), "--input-type=module", "-e", script], check=True,
                         input=json.dumps(packed), capture_output=True, text=True)
    assert json.loads(out.stdout) == table
    size = len(json.dumps(table, ensure_ascii=False))
    assert len(json.dumps(packed, ensure_ascii=False)) < size / 3


#: Words read with the lexicon shards their own candidates fall in, and for a word in و … ت
#: (conjunction_past reads it without its و as that word is read alone) those of the word
#: without its و too: وفرت needs the shard of رت (فرت alone is no past of فرى).
SHARDED_WORDS = ["وفرت", "ودعت", "وجرت", "ومضت", "وأدت", "ورأت", "وبدأت", "وحلت", "وردت",
                 "وصلت", "وجدت", "وحدات", "أرى", "وأرى", "تقع", "لضم", "والمفاوضات"]


def test_a_word_reads_the_same_with_only_the_shards_it_fetches(tmp_path: Path) -> None:
    """analyzer.js with the core tables and only the lexicon shards ``prepare(word)`` fetches
    (a fresh analyzer per word) reads every word as Python does with all the tables."""
    core, shards = browser_tables()
    (tmp_path / "core.json").write_text(json.dumps(core, ensure_ascii=False), "utf-8")
    (tmp_path / "shards.json").write_text(json.dumps(shards, ensure_ascii=False), "utf-8")
    script = ("import fs from 'fs';\nimport { Analyzer } from " + json.dumps(
        (ROOT / "src" / "archive" / "browser" / "static" / "analyzer.js").as_uri()) + ";\n"
        "const [core, shards, words] = process.argv.slice(1).map("
        "(f) => fs.readFileSync(f, 'utf8'));\n"
        "const all = JSON.parse(shards); const out = {};\n"
        "for (const w of JSON.parse(words)) {\n"
        "  const an = new Analyzer(JSON.parse(core), null, (id) => all[id]);\n"
        "  await an.prepare(w); out[w] = an.analyzeWord(w);\n"
        "}\nprocess.stdout.write(JSON.stringify(out));\n")
    (tmp_path / "words.json").write_text(json.dumps(SHARDED_WORDS, ensure_ascii=False), "utf-8")
    out = subprocess.run([_node(), "--input-type=module", "-e", script,
                          str(tmp_path / "core.json"), str(tmp_path / "shards.json"),
                          str(tmp_path / "words.json")],
                         check=True, capture_output=True, text=True)
    assert json.loads(out.stdout) == {w: list(analyze_word(w)) for w in SHARDED_WORDS}


def _vocabulary() -> set[str]:
    words: set[str] = set()
    for path in SEEDS:
        text = path.read_text("utf-8")
        words.update(text[s:e] for s, e in tokenize(text))
    return words


def _dictionary(tmp: Path) -> list[str]:
    out = tmp / "dictionary.txt"
    subprocess.run([_node(), str(WORDLIST), str(DICTIONARY_WORDS), "20260411", str(out)],
                   check=True, capture_output=True, timeout=120)
    return out.read_text("utf-8").split("\n")[:-1]


def _inflections(bases: list[str], rng: random.Random, count: int) -> set[str]:
    out: set[str] = set()
    while len(out) < count:
        base = rng.choice(bases)
        if base.startswith("ال") and rng.random() < 0.5:
            base = base[2:]
        out.add(rng.choice(PROCLITICS) + base + rng.choice(SUFFIXES))
    return out


def _random_strings(rng: random.Random, count: int) -> set[str]:
    out: set[str] = set()
    while len(out) < count:
        out.add("".join(rng.choice(RANDOM_ALPHABET) for _ in range(rng.randint(1, 12))))
    return out


def test_word_parity_over_100000_forms(tables_path: Path, tmp_path: Path) -> None:
    node = _node()
    rng = random.Random(20260411)
    vocabulary = _vocabulary()
    dictionary = _dictionary(tmp_path)
    assert len(dictionary) == DICTIONARY_WORDS
    arabic_bases = sorted(w for w in vocabulary | set(dictionary[:5000]) if len(w) >= 3)
    forms = vocabulary | set(dictionary)
    forms |= _inflections(arabic_bases, rng, 30_000)
    forms |= _random_strings(rng, RANDOM_STRINGS)
    forms |= set(CLASS_WORDS)
    words = sorted(w for w in forms if "\n" not in w and "\r" not in w)
    assert len(words) >= MIN_FORMS
    print(f"parity: {len(words)} distinct forms ({len(vocabulary)} seed vocabulary, "
          f"{len(dictionary)} dictionary)")

    words_file = tmp_path / "words.txt"
    words_file.write_text("\n".join(words) + "\n", "utf-8")
    out = tmp_path / "js.tsv"
    subprocess.run([node, str(PARITY), "words", str(tables_path), str(words_file), str(out)],
                   check=True, timeout=300)
    js = out.read_text("utf-8").split("\n")[:-1]
    assert len(js) == len(words)

    mismatches = []
    for word, line in zip(words, js, strict=True):
        expected = "\t".join((*analyze_word(word), alternative_root(word),
                              query_root(word)))
        if line != expected:
            mismatches.append(f"{word!r}: python {expected!r} javascript {line!r}")
    assert not mismatches, f"{len(mismatches)} of {len(words)} differ:\n" + "\n".join(
        mismatches[:30]
    )
    # names that are also common words (their alternative root) are part of what is compared
    assert sum(1 for line in js if line.split("\t")[3]) >= 100


def _utf16(text: str, offset: int) -> int:
    return len(text[:offset].encode("utf-16-le")) // 2


def _text_parity(tables_path: Path, tmp_path: Path, analyzer: Analyzer, names: object
                 ) -> list[str]:
    node = _node()
    names_arg = "-"
    if names is not None:
        names_file = tmp_path / "names.json"
        names_file.write_text(json.dumps(names, ensure_ascii=False), "utf-8")
        names_arg = str(names_file)
    extra = tmp_path / "mixed.txt"
    extra.write_text("كَتَبَ الـمُراسِلُ: «آلاف» في لـ\"قسد\" 😀x\u200cي ٣٤٥ Ẅord ﷲ درعا البلد\n"
                     "في درعا، البلد وفي دير. الزور ولدير الزور: درعا\nالبلد\n"
                     "قال الملك سلمان على هامش اللقاء ووعلى، والتقى سلمان علي وعيسى مصطفى\n",
                     "utf-8")
    homographs = tmp_path / "homographs.txt"
    homographs.write_text(HOMOGRAPH_TEXT, "utf-8")
    files = [*SEEDS, extra, homographs]
    listing = tmp_path / "files.txt"
    listing.write_text("\n".join(str(f) for f in files) + "\n", "utf-8")
    out = tmp_path / "tokens.jsonl"
    subprocess.run([node, str(PARITY), "text", str(tables_path), names_arg, str(listing),
                    str(out)], check=True, timeout=120)
    lines = out.read_text("utf-8").split("\n")[:-1]
    assert len(lines) == len(files)
    total = 0
    entities = 0
    for path, line in zip(files, lines, strict=True):
        text = path.read_bytes().decode("utf-8")  # as node reads it: no newline translation
        expected = [
            [_utf16(text, t.start), _utf16(text, t.end), t.normalized, t.stem, t.root, t.entity]
            for t in analyzer.analyze(text)
        ]
        got = json.loads(line)
        for e, g in zip(expected, got, strict=False):
            assert g == e, f"{path.name}: first difference python {e} javascript {g}"
        assert len(got) == len(expected), path.name
        total += len(expected)
        entities += sum(1 for t in expected if t[5])
    assert total > 2000
    if names is not None:
        assert entities > 0
    return lines


def test_text_parity_without_names(tables_path: Path, tmp_path: Path) -> None:
    _text_parity(tables_path, tmp_path, Analyzer(), None)


def test_text_parity_with_gazetteer_names(tables_path: Path, tmp_path: Path) -> None:
    from archive.gazetteer.matcher import NameMatcher

    pairs = [("درعا", "place:daraa"), ("درعا البلد", "place:daraa-al-balad"),
             ("اللجنة المركزية", "actor:central-committee"), ("قسد", "actor:sdf"),
             ("دير الزور", "place:deir-ez-zor"), ("الفرقة الرابعة", "actor:4th-division"),
             ("سلمان علي", "actor:salman-ali"), ("عيسى مصطفى", "actor:isa-mustafa")]
    from archive.config import default_paths
    from archive.gazetteer import load_gazetteer

    gazetteer, _ = load_gazetteer(default_paths())
    pairs += [(n, e.key) for e in gazetteer.entities.values() for n in e.names]
    rules = {e.key: e.context for e in gazetteer.entities.values() if e.context}
    matcher = NameMatcher(pairs, rules)
    lines = _text_parity(tables_path, tmp_path, Analyzer(matcher), matcher.export_table())
    # the homograph text exercised every kind of context rule in both languages
    linked = [t[5] for t in json.loads(lines[-1]) if t[5]]
    for entity in ("place:daraa", "place:oman", "place:amman", "place:jasim"):
        assert entity in linked, entity
    # «سلمان على» (the preposition) is no mention of «سلمان علي»; «سلمان علي» is one, once
    mixed = [t[5] for t in json.loads(lines[-2]) if t[5]]
    assert mixed.count("actor:salman-ali") == 2 and "actor:isa-mustafa" in mixed
    rules_used = {key for reading in matcher.export_table()["readings"].values()  # type: ignore[union-attr]
                  for _key, rule in reading if rule for key in rule}
    assert rules_used >= {"requires_before", "requires_after", "excludes_before",
                          "excludes_after", "excludes_tanwin"}
