"""Synthetic articles that look like the seeds, for measuring how the build scales.

Every article is produced by its own ``random.Random`` seeded from ``(seed, index)``, so article
``i`` is the same whatever the archive size, and the output is identical under any
``PYTHONHASHSEED`` (nothing iterates over a set or a dict of unknown order).

Text is a mix of

- words of a large Arabic word list drawn by Zipf rank (the vocabulary keeps growing with the
  number of articles, as real news does), inflected with clitics and suffixes;
- words of the seed articles, drawn with their frequency in the seeds, sometimes with a clitic;
- gazetteer names with clitics (``بدرعا``, ``لـ"قسد"``);
- numbers, years and written dates, quotes and commas.

Sentence, paragraph and article lengths follow the seeds: sentences of 15–40 words, paragraphs of
1–3 sentences, articles of 300–900 words. Most articles have YAML front matter (title, date in
2011–2024, one of a handful of sources, gazetteer ids); the others are bare text, some with the
boilerplate lines that real pages carry (a section label, "تابعنا", "اقرأ أيضا").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from archive.synth.names import Name
from archive.synth.words import WordList

ZIPF_EXPONENT = 1.0
FRONT_MATTER_SHARE = 0.85
SOURCES: tuple[str, ...] = ("العربي الجديد", "عنب بلدي", "تلفزيون سوريا", "الجزيرة نت", "درعا 24")
SECTIONS: tuple[str, ...] = ("سياسة عربية", "أخبار سوريا", "تقارير", "محليات")
MONTHS: tuple[str, ...] = (
    "كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران",
    "تموز", "آب", "أيلول", "تشرين الأول", "تشرين الثاني", "كانون الأول",
)
FIRST_DAY = dt.date(2011, 1, 1)
LAST_DAY = dt.date(2024, 12, 31)

NOUN_PREFIXES = ("و", "ب", "ل", "ف", "وب", "ول")
ARTICLE_PREFIXES = ("ال", "ال", "ال", "وال", "بال", "فال", "لل", "كال")
NOUN_SUFFIXES = ("ات", "ة", "ين", "ون", "ها", "هم", "ي", "ان", "يه")
VERB_PREFIXES = ("ي", "ت", "و", "ف", "وي", "سي")
VERB_SUFFIXES = ("وا", "ت", "ون", "نا", "ه", "ها", "هم")
ARABIC_NAME = re.compile("^[\u0621-\u064a\u064b-\u0652 ]+$")
SEED_WORD = re.compile("[\u0621-\u063a\u0641-\u064a\u064b-\u0652]{2,}")


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Everything the generator draws from (built once, shared by all articles)."""

    words: tuple[str, ...]
    kinds: tuple[str, ...]
    cum_weights: tuple[float, ...]
    seed_words: tuple[str, ...]
    names: tuple[Name, ...]  # most mentioned in the seeds first
    name_weights: tuple[float, ...]  # cumulative Zipf weights over ``names``


def build_vocabulary(word_list: WordList, seed_texts: Sequence[str],
                     names: Sequence[Name]) -> Vocabulary:
    weights = (1.0 / rank**ZIPF_EXPONENT for rank in range(1, len(word_list) + 1))
    seed_words = tuple(w for text in seed_texts for w in SEED_WORD.findall(text))
    # Arabic-script names only (Latin aliases would not appear inside Arabic sentences), ranked
    # by how often the seeds use them, so درعا is common and most names are rare.
    joined = "\n".join(seed_texts)
    arabic = [n for n in names if ARABIC_NAME.match(n.text)]
    ranked = sorted(arabic, key=lambda n: (-joined.count(n.text), n.kind, n.id, n.text))
    name_weights = (1.0 / rank for rank in range(1, len(ranked) + 1))
    return Vocabulary(
        words=word_list.words,
        kinds=word_list.kinds,
        cum_weights=tuple(itertools.accumulate(weights)),
        seed_words=seed_words or word_list.words[:500],
        names=tuple(ranked),
        name_weights=tuple(itertools.accumulate(name_weights)),
    )


@dataclass(frozen=True, slots=True)
class SynthArticle:
    id: str
    file_name: str
    content: str
    words: int
    has_front_matter: bool


def article_id(seed: int, index: int) -> str:
    digest = hashlib.sha256(f"archive-synth:{seed}:{index}".encode()).hexdigest()[:16]
    return f"{index:05d}_{digest}"


def _with_clitic(rng: random.Random, name: str) -> str:
    r = rng.random()
    if r < 0.45:
        return name
    if r < 0.55:
        return f'"{name}"'
    if r < 0.62:
        return f'لـ"{name}"'
    if name.startswith("ال"):
        prefix = rng.choice(("و", "ب", "ف", "ل"))
        return ("ل" + name[1:]) if prefix == "ل" else prefix + name
    return rng.choice(("ب", "و", "ل", "ف", "وب")) + name


class _Writer:
    """Draws the words of one article."""

    def __init__(self, vocab: Vocabulary, rng: random.Random) -> None:
        self.vocab = vocab
        self.rng = rng
        self.mentioned: list[Name] = []
        self._ranks: list[int] = []

    def _rank(self) -> int:
        if not self._ranks:
            self._ranks = self.rng.choices(
                range(len(self.vocab.words)), cum_weights=self.vocab.cum_weights, k=256
            )
        return self._ranks.pop()

    def _list_word(self) -> str:
        rng = self.rng
        rank = self._rank()
        word, kind = self.vocab.words[rank], self.vocab.kinds[rank]
        r = rng.random()
        if kind == "noun" and rank >= 30:
            if r < 0.30 and not word.startswith("ال"):
                word = rng.choice(ARTICLE_PREFIXES) + word
            elif r < 0.42:
                word = rng.choice(NOUN_PREFIXES) + word
            if rng.random() < 0.12:
                suffix = rng.choice(NOUN_SUFFIXES)
                word = (word[:-1] if word.endswith("ة") and suffix == "ات" else word) + suffix
        elif kind == "verb":
            if r < 0.25:
                word = rng.choice(VERB_PREFIXES) + word
            if rng.random() < 0.30:
                word = word + rng.choice(VERB_SUFFIXES)
        elif r < 0.08:
            word = "و" + word
        return word

    def _seed_word(self) -> str:
        word = self.rng.choice(self.vocab.seed_words)
        if self.rng.random() < 0.15 and not word.startswith(("و", "ب", "ل", "ف")):
            word = self.rng.choice(("و", "ب", "ل", "ف")) + word
        return word

    def _name(self) -> str:
        name = self.rng.choices(self.vocab.names, cum_weights=self.vocab.name_weights)[0]
        self.mentioned.append(name)
        return _with_clitic(self.rng, name.text)

    def _number(self) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.4:
            return f"عام {rng.randint(2011, 2024)}"
        if r < 0.7:
            month = rng.choice(MONTHS)
            return f"في {rng.randint(1, 28)} {month} {rng.randint(2011, 2024)}"
        return str(rng.randint(2, 500))

    def word(self) -> str:
        r = self.rng.random()
        if r < 0.70:
            return self._list_word()
        if r < 0.93:
            return self._seed_word()
        if r < 0.985:
            return self._name()
        return self._number()

    def sentence(self, length: int | None = None) -> str:
        rng = self.rng
        n = length or rng.randint(15, 40)
        words = [self.word() for _ in range(n)]
        for i in range(2, n - 2):
            if rng.random() < 0.04:
                words[i] += "،"
        if n > 8 and rng.random() < 0.2:
            a = rng.randint(1, n - 5)
            b = a + rng.randint(1, 4)
            words[a] = '"' + words[a]
            words[b] = words[b] + '"'
        return " ".join(words) + "."


def _date(rng: random.Random) -> str:
    span = (LAST_DAY - FIRST_DAY).days
    return (FIRST_DAY + dt.timedelta(days=rng.randint(0, span))).isoformat()


def _most_mentioned(mentioned: list[Name], kind: str, limit: int) -> list[str]:
    counts: dict[str, int] = {}
    for name in mentioned:
        if name.kind == kind and name.id:
            counts[name.id] = counts.get(name.id, 0) + 1
    return sorted(counts, key=lambda i: (-counts[i], i))[:limit]


def _yaml_list(values: list[str]) -> str:
    return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in values) + "]"


def make_article(vocab: Vocabulary, seed: int, index: int) -> SynthArticle:
    """Article ``index`` of the archive synthesized with ``seed``."""
    rng = random.Random(f"archive-synth:{seed}:{index}")
    writer = _Writer(vocab, rng)
    target = int(rng.triangular(300, 900, 450))
    title = writer.sentence(rng.randint(5, 12))[:-1]
    separator = "\n\n" if rng.random() < 0.5 else "\n"
    paragraphs: list[str] = []
    words = 0
    while words < target:
        count = rng.randint(1, 3)
        sentences = []
        for _ in range(count):
            s = writer.sentence()
            sentences.append(s)
            words += s.count(" ") + 1
        paragraphs.append(" ".join(sentences))
    has_front_matter = rng.random() < FRONT_MATTER_SHARE
    if rng.random() < 0.10 and len(paragraphs) > 3:
        paragraphs.insert(len(paragraphs) // 2, "اقرأ أيضا: " + writer.sentence(8)[:-1])
    if not has_front_matter:
        lead: list[str] = []
        if rng.random() < 0.3:
            lead.append(rng.choice(SECTIONS))
        lead.append(title)
        if rng.random() < 0.3:
            lead.append(writer.sentence(8)[:-1] + " - أرشيف")
        if rng.random() < 0.3:
            lead.append("تابعنا")
        paragraphs = lead + paragraphs
    body = separator.join(paragraphs) + "\n"
    ident = article_id(seed, index)
    if not has_front_matter:
        return SynthArticle(ident, ident + ".txt", body, words, False)

    places = _most_mentioned(writer.mentioned, "place", rng.randint(1, 3))
    actors = _most_mentioned(writer.mentioned, "actor", rng.randint(0, 2))
    lines = [
        "---",
        "title: " + json.dumps(title, ensure_ascii=False),
        "date: " + _date(rng),
        "source: " + json.dumps(rng.choice(SOURCES), ensure_ascii=False),
    ]
    if places:
        lines.append("places: " + _yaml_list(places))
    if actors:
        lines.append("actors: " + _yaml_list(actors))
    lines.append("---")
    return SynthArticle(ident, ident + ".md", "\n".join(lines) + "\n\n" + body, words, True)
