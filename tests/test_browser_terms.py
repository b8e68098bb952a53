"""An article's browser postings and forms from columns (``archive.browser.terms``) against
their plain reference (a Python step per token, as the writer made them before)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from archive.analysis.analyzer import Token
from archive.analysis.morphology import ALT_MARK
from archive.browser import index as browser_index
from archive.browser.digits import numbers_text
from archive.browser.terms import first_forms, postings, words_of_tokens


def _reference_postings(body: list[Token], body_entities: list[Any], title: list[Token],
                        title_entities: list[Any]) -> dict[str, list[Any]]:
    """term → [field, cell, …]: per field (FIELDS' order) its terms' positions in order of
    first appearance, merged once lowercased, each cell the sorted positions' first and gaps."""
    fields: list[dict[str, list[int]]] = []
    for tokens, entities in ((body, body_entities), (title, title_entities)):
        form: dict[str, list[int]] = {}
        stem: dict[str, list[int]] = {}
        root: dict[str, list[int]] = {}
        for t in tokens:
            if t.normalized:
                form.setdefault(t.normalized, []).append(t.position)
            if t.stem:
                stem.setdefault(t.stem, []).append(t.position)
            if t.root:
                root.setdefault(t.root, []).append(t.position)
            if t.alt:
                root.setdefault(ALT_MARK + t.alt, []).append(t.position)
        entity: dict[str, list[int]] = {}
        for key, pos, _s, _e in entities:
            entity.setdefault(key, []).append(pos)
        fields += (form, stem, root, entity)
    out: dict[str, list[Any]] = {}
    for f, raw in enumerate(fields):
        local: dict[str, list[int]] = {}
        for term, positions in raw.items():
            local[term.lower()] = local.get(term.lower(), []) + positions
        for term, positions in local.items():
            order = sorted(positions)
            cell = numbers_text([order[0]] + [b - a for a, b in zip(order[:-1], order[1:],
                                                                    strict=True)])
            out.setdefault(term, []).extend((f, cell))
    return out


def _reference_forms(title: list[Token], body: list[Token]) -> dict[tuple[int, str, str], str]:
    first: dict[tuple[int, str, str], str] = {}
    for t in (*title, *body):
        if t.entity is not None or not t.normalized:
            continue
        if t.stem:
            first.setdefault((0, t.stem, t.normalized), t.form)
        if t.root:
            first.setdefault((1, t.root, t.normalized), t.form)
    return first


def _tokens(rng: random.Random, n: int, start: int = 0) -> list[Token]:
    """Tokens as the analysis gives them: repeated words, names (stem = root = a core, an
    entity), empty analyses, a few alternative roots, Latin words in upper case, positions
    with holes (boilerplate) and beyond the digits' table."""
    words = ["كتاب", "الكتاب", "كتب", "مكتبة", "Riyadh", "RIYADH", "riyadh", "قال", ""]
    out = []
    pos = start
    for _ in range(n):
        pos += rng.choice([1, 1, 1, 2, 40])
        form = rng.choice(words) or "و"
        norm = "" if rng.random() < 0.05 else form.replace("ال", "", 1)
        stem = rng.choice([norm, norm[:3], ""])
        root = rng.choice(["ك ت ب", "ق و ل", "", norm.upper()])
        alt = rng.choice(["", "", "", "ج د د"])
        entity = "place:riyadh" if rng.random() < 0.1 else None
        if entity:
            stem = root = "رياض"
        out.append(Token(form, 0, 0, pos, norm, stem, root, entity, alt))
    return out


@pytest.mark.parametrize("seed", range(40))
def test_postings_and_forms_equal_their_reference(seed: int) -> None:
    rng = random.Random(seed)
    start = rng.choice([0, 0, 70_000])  # positions beyond the spellings' table too
    body = _tokens(rng, rng.choice([0, 1, 5, 60, 300]), start)
    title = _tokens(rng, rng.choice([0, 3, 8]))
    entities = [(rng.choice(["place:riyadh", "Actor:X", "actor:x", ""]),
                 rng.choice([t.position for t in body] or [0]), 0, 0)
                for _ in range(rng.choice([0, 2, 9]))]  # in any order, keys repeated
    title_entities = [("place:riyadh", t.position, 0, 0) for t in title if t.entity]
    got = postings(words_of_tokens(body, entities), words_of_tokens(title, title_entities))
    want = _reference_postings(body, entities, title, title_entities)
    assert list(got.items()) == list(want.items())
    forms = first_forms(words_of_tokens(title, title_entities), words_of_tokens(body, entities))
    assert list(forms.items()) == list(_reference_forms(title, body).items())


def test_records_read_as_columns_give_the_tokens_terms(tmp_path: Path) -> None:
    """From the build's analysis records (``body_of_columns``), the same postings, forms and
    spill groups as from the articles' tokens, for every article of the seeds."""
    import shutil

    from archive.config import Paths
    from archive.index.columns import article_columns
    from archive.pipeline import analyse, load

    root = tmp_path / "archive"
    shutil.copytree(Path(__file__).resolve().parents[1] / "seeds", root / "seeds")
    analysis = analyse(load(Paths(root)), workers=1)
    assert len(analysis.keys) > 3
    for ident in analysis.keys:
        from_columns = browser_index._article_words(analysis, ident, None)
        from_tokens = browser_index._article_words([], ident, analysis.article(ident))
        stored = ("id", "path", "title", "date", "source", "places", "actors", "text")
        assert ([getattr(from_columns[0], k) for k in stored]
                == [getattr(from_tokens[0], k) for k in stored])
        a = browser_index._record(*from_columns, None, None)
        b = browser_index._record(*from_tokens, None, None)
        assert (a.hashes, a.groups, a.card, a.row, a.fingerprint) == (
            b.hashes, b.groups, b.card, b.row, b.fingerprint)
        c = article_columns(analysis, ident)
        assert c.article.id == ident
