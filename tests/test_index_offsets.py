"""The index's format decisions of issue 12: titles analysed once, with the body; the stem and
root fields without character offsets (found again from the stored token spans); the cyclic
garbage collector paused while an ArchiveWriter is open."""

from __future__ import annotations

import gc
import shutil
from array import array
from pathlib import Path
from typing import Any

import pytest
from whoosh import index as whoosh_index

from archive.analysis import Analyzer, Token
from archive.config import Paths
from archive.index.build import update_index
from archive.index.docs import body_spans
from archive.index.schema import make_schema
from archive.index.writer import ArchiveWriter
from archive.pipeline import analyse, analyze_corpus, load
from archive.search.engine import open_view

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def root(indexed_root: Path) -> Path:
    return indexed_root


def test_every_word_field_gives_each_tokens_offsets(root: Path) -> None:
    """A posting of the stem or root field (positions only) reads back with the character
    offsets of the token at its position, as the form field (which stores them) does, in the
    body and in the title."""
    paths = Paths(root)
    analysed = {aa.article.id: aa for aa in analyze_corpus(load(paths))}
    checked = 0
    with open_view(paths) as view:
        schema = view.reader.schema
        assert not schema["stem"].format.supports("characters")
        assert not schema["title_root"].format.supports("characters")
        assert schema["form"].format.supports("characters")
        for doc, aid in view.all_ids().items():
            aa = analysed[aid]
            assert aa.title_tokens is not None
            for prefix, tokens, text in (("", aa.body_tokens, aa.article.text),
                                         ("title_", aa.title_tokens, aa.article.title)):
                for t in tokens:
                    for level, term in (("form", t.normalized), ("stem", t.stem),
                                        ("root", t.root)):
                        if not term:
                            continue
                        occ = view.postings(prefix + level, term, {doc})[doc]
                        assert (t.position, t.start, t.end) in occ, (aid, prefix + level, t)
                        assert all(text[s:e] for _, s, e in occ)
                        checked += 1
    assert checked > 5_000


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    texts: list[str] = []
    original = Analyzer.analyze_columns

    def counted(self: Analyzer, text: str) -> Any:
        texts.append(text)
        return original(self, text)

    monkeypatch.setattr(Analyzer, "analyze_columns", counted)
    return texts


def test_the_title_is_analysed_once_with_the_body(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    paths = Paths(tmp_path)
    texts = _counting(monkeypatch)
    update_index(paths, workers=1)
    articles = load(paths).articles
    # the analysis: each article's text and title, once each; the index stage: nothing more
    assert sorted(texts) == sorted([a.text for a in articles] + [a.title or ""
                                                                   for a in articles])
    texts.clear()
    shutil.rmtree(paths.build / "search")  # the records are kept: nothing is analysed
    update_index(paths, workers=1)
    assert texts == []
    # what the records give back is what the analyzer makes of the title
    monkeypatch.undo()
    loaded = load(paths)
    analyzer = Analyzer(loaded.gazetteer.matcher())  # type: ignore[attr-defined]
    analysis = analyse(loaded, workers=1)
    named = 0
    for a in loaded.articles:
        aa = analysis.article(a.id)
        tokens, matches = analyzer.analyze_with_matches(a.title or "")
        assert aa.title_tokens == tokens
        assert aa.title_entities == [(m.entity, m.first, tokens[m.first].start,
                                      tokens[m.last].end) for m in matches]
        named += bool(matches)
    assert named  # some title names a place of the gazetteer


def test_body_spans_by_position() -> None:
    def tok(position: int, start: int, end: int) -> Token:
        return Token("w", start, end, position, "w", "w", "w", None, "")

    def read(data: bytes) -> list[int]:
        out = array("I")
        out.frombytes(data)
        return list(out)

    assert read(body_spans([tok(0, 0, 3), tok(1, 4, 9)])) == [0, 3, 4, 9]
    # boilerplate tokens (positions 1 and 2) are not in the body: zeros there
    assert read(body_spans([tok(0, 0, 3), tok(3, 20, 25)])) == [0, 3, 0, 0, 0, 0, 20, 25]
    assert body_spans([]) == b""


@pytest.mark.parametrize("end", ["commit", "cancel"])
def test_the_writer_pauses_the_collector_until_it_ends(tmp_path: Path, end: str) -> None:
    ix = whoosh_index.create_in(str(tmp_path), make_schema())
    assert gc.isenabled()
    try:
        writer = ArchiveWriter(ix)
        assert not gc.isenabled()
        writer.add_document(id="a", title="t", text="")
        getattr(writer, end)()
        assert gc.isenabled()
    finally:
        gc.enable()
        ix.close()


def test_a_writer_that_fails_to_start_leaves_the_collector_on(tmp_path: Path) -> None:
    from whoosh.fields import TEXT, Schema

    ix = whoosh_index.create_in(str(tmp_path), Schema(body=TEXT(vector=True)))
    try:
        with pytest.raises(ValueError, match="term vectors"):
            ArchiveWriter(ix)
        assert gc.isenabled()
    finally:
        gc.enable()
        ix.close()
