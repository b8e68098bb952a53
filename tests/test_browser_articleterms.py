"""An article's browser postings and first forms made from its analysis record's columns
(``archive.browser.articleterms.column_terms``) are those made from its tokens
(``doc_terms``, the Token path), in the same order: on synthetic articles with what real
ones rarely combine (upper case, vocabulary entries sharing a term, gazetteer names,
alternative roots, boilerplate between body runs, positions beyond the spellings' table), and
on the repository's articles analysed for real."""

from __future__ import annotations

import random
from array import array
from types import SimpleNamespace
from typing import Any

from archive.analysis import Token
from archive.analysis.morphology import ALT_MARK
from archive.browser import articleterms
from archive.config import Paths
from archive.index.columns import article_columns
from archive.index.docs import IndexDoc
from archive.pipeline import analyse, load

_LETTERS = "كتبدرسعلمAbCx"


def _word(rng: random.Random, empty: float = 0.0) -> str:
    if rng.random() < empty:
        return ""
    return "".join(rng.choice(_LETTERS) for _ in range(rng.randint(1, 3)))


def _synthetic(rng: random.Random) -> tuple[Any, Any]:
    """An article as columns and as the tokens :func:`archive.records.unpack` would make of
    the same record."""
    size = rng.randint(1, 40)
    words: list[str] = []
    for k in range(size):
        stem = _word(rng, 0.2)
        words += [f"w{k}", _word(rng, 0.1), stem, rng.choice([stem, _word(rng, 0.2)]),
                  _word(rng, 0.7)]
    n = rng.randint(1, 300)
    spread = 70_000 if rng.random() < 0.2 else 3  # positions beyond the spellings' table
    ids = array("I", (rng.randrange(size) for _ in range(n)))
    starts = array("I", (spread * i for i in range(n)))
    ends = array("I", (spread * i + 2 for i in range(n)))
    names = sorted({(i, rng.choice(["place:a", "actor:B"]), _word(rng))
                    for i in rng.sample(range(n), min(n, rng.randint(0, 4)))})
    cut = sorted(rng.sample(range(n + 1), 2)) if rng.random() < 0.3 else [0, n]
    runs = [(0, cut[0]), (cut[1], n)] if cut[0] < cut[1] and cut != [0, n] else [(0, n)]
    runs = [r for r in runs if r[0] < r[1]] or [(0, n)]
    mentions = [SimpleNamespace(entity=rng.choice(["place:x", "Actor:Y", "actor:y"]),
                                start=spread * rng.randrange(n) + rng.choice([0, 0, 1]),
                                end=0) for _ in range(rng.randint(0, 6))]
    tokens = [Token(words[5 * v], starts[i], ends[i], i, words[5 * v + 1], words[5 * v + 2],
                    words[5 * v + 3], None, words[5 * v + 4]) for i, v in enumerate(ids)]
    for i, entity, core in names:
        t = tokens[i]
        tokens[i] = Token(t.form, t.start, t.end, t.position, t.normalized, core, core, entity,
                          t.alt)
    title = [Token(_word(rng), 0, 1, k, _word(rng, 0.2), _word(rng, 0.3), _word(rng, 0.3),
                   None, _word(rng, 0.8)) for k in range(rng.randint(0, 5))]
    title_entities = [("place:T", 0, 0, 1)] if title and rng.random() < 0.5 else []
    body = [t for i, j in runs for t in tokens[i:j]]
    position = {t.start: t.position for t in body}
    entities = [(m.entity, position[m.start], m.start, m.end) for m in mentions
                if m.start in position]
    columns = SimpleNamespace(words=list(words), ids=ids, starts=starts, ends=ends,
                              names=names, runs=runs, title_tokens=title,
                              title_entities=title_entities,
                              summary=SimpleNamespace(mentions=mentions))
    doc = SimpleNamespace(tokens=body, entities=entities, title_tokens=title,
                          title_entities=title_entities)
    return columns, doc


def _same(a: tuple[Any, Any], b: tuple[Any, Any]) -> bool:
    return list(a[0].items()) == list(b[0].items()) and list(a[1].items()) == list(b[1].items())


def test_column_terms_are_the_token_terms_on_synthetic_articles() -> None:
    rng = random.Random(22)
    seen = {"upper": 0, "shared": 0, "names": 0, "alts": 0, "runs": 0, "far": 0}
    for _ in range(400):
        columns, doc = _synthetic(rng)
        got = articleterms.column_terms(columns)
        assert _same(got, articleterms.doc_terms(doc))
        postings = got[0]
        seen["upper"] += any(t != t.lower() for t in
                             (t.normalized for t in doc.tokens if t.normalized))
        seen["shared"] += any(len(p) > 2 and p[0] == 0 and len(p[1]) > 1
                              for p in postings.values())
        seen["names"] += bool(columns.names)
        seen["alts"] += any(t.startswith(ALT_MARK) for t in postings)
        seen["runs"] += columns.runs != [(0, len(columns.ids))]
        seen["far"] += columns.starts[-1] > 65_536 * 3
    assert all(seen.values()), seen  # every case came up


def test_column_terms_are_the_token_terms_on_real_articles(archive_paths: Paths) -> None:
    analysis = analyse(load(archive_paths), workers=1)
    assert len(analysis) > 3
    for ident in analysis.keys:
        by_columns = articleterms.column_terms(article_columns(analysis, ident))
        by_tokens = articleterms.doc_terms(IndexDoc.from_analyzed(analysis.article(ident)))
        assert by_columns[0] and _same(by_columns, by_tokens)
