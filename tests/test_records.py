"""The build's analysis is kept as compact records in build/analysis/: consumers get the same
analysed articles as a fresh analysis, one at a time; a rebuild analyses only what changed; the
site plugin holds no tokens once the build is done."""

from __future__ import annotations

import gc
import shutil
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archive import pipeline, records
from archive.analysis import Token
from archive.config import Paths
from archive.pipeline import analyse, analyze_corpus, load


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Ids of the articles analysed (tokenized, tagged) from now on, in this process."""
    seen: list[str] = []
    real = pipeline._record

    def counting(article: Any, analyzer: Any, gazetteer: Any) -> Any:
        seen.append(article.id)
        return real(article, analyzer, gazetteer)

    monkeypatch.setattr(pipeline, "_record", counting)
    return seen


def test_records_give_back_exactly_what_the_analysis_made(archive_paths: Paths) -> None:
    loaded = load(archive_paths)
    fresh = {aa.article.id: aa for aa in analyze_corpus(loaded, workers=1)}
    analysis = analyse(loaded, workers=1)
    streamed = analysis.articles()
    assert isinstance(streamed, Iterator)
    ids = []
    for aa in streamed:
        ref = fresh[aa.article.id]
        ids.append(aa.article.id)
        assert aa.tokens == ref.tokens
        assert aa.body_tokens == ref.body_tokens
        assert aa.mentions == ref.mentions
        assert aa.mention_counts == ref.mention_counts
        assert (aa.places, aa.actors, aa.declared) == (ref.places, ref.actors, ref.declared)
    assert ids == sorted(fresh)
    assert any(t.entity for aa in fresh.values() for t in aa.tokens)  # names were tagged
    assert any(len(aa.body_tokens) < len(aa.tokens) for aa in fresh.values())  # boilerplate
    # summaries carry what the site needs without the tokens
    for s in analysis.in_order():
        assert s.mentions == fresh[s.article.id].mentions
        assert s.places == fresh[s.article.id].places


def test_a_rebuild_analyses_only_new_and_changed_articles(
    archive_paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _counting(monkeypatch)
    first = analyse(load(archive_paths), workers=1)
    assert sorted(seen) == sorted(first.summaries) and first.analysed == sorted(seen)
    seen.clear()
    again = analyse(load(archive_paths), workers=1)
    assert seen == [] and again.analysed == []
    assert [aa.tokens for aa in again.articles()] == [aa.tokens for aa in first.articles()]

    files = sorted(p for p in archive_paths.seeds.iterdir() if p.suffix in (".txt", ".md"))
    changed, gone = files[0], files[1]
    with open(changed, "a", encoding="utf-8") as fh:
        fh.write("\nوأضاف المصدر أن الاجتماع المقبل سيعقد في درعا البلد.\n")
    gone.unlink()
    shutil.copy(files[2], archive_paths.seeds / f"added{files[2].suffix}")
    third = analyse(load(archive_paths), workers=1)
    assert sorted(seen) == sorted([changed.stem, "added"])
    assert gone.stem not in third
    assert gone.stem not in records.read_store(archive_paths.build)[1]
    edited = third.article(changed.stem)
    assert edited.tokens[-1].form == "البلد"
    assert any(t.entity for t in edited.tokens[-3:])  # درعا البلد tagged in the new sentence


def test_a_gazetteer_or_code_change_analyses_again(
    archive_paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    analyse(load(archive_paths), workers=1)
    seen = _counting(monkeypatch)
    monkeypatch.setattr(records, "code_fingerprint", lambda: "other analysis code")
    analysis = analyse(load(archive_paths), workers=1)
    assert sorted(seen) == sorted(analysis.summaries)
    seen.clear()
    gazetteer = archive_paths.seeds / "places.yml"
    text = gazetteer.read_text(encoding="utf-8")
    gazetteer.write_text(text.replace("aliases: [Jordan]", "aliases: [Jordan, المملكة الأردنية]",
                                      1), encoding="utf-8")
    assert load(archive_paths).gazetteer.entities  # still a valid gazetteer
    analysis = analyse(load(archive_paths), workers=1)
    assert sorted(seen) == sorted(analysis.summaries)
    seen.clear()
    gazetteer.write_text(gazetteer.read_text(encoding="utf-8").replace(
        "description: المملكة الأردنية الهاشمية", "description: الأردن"), encoding="utf-8")
    assert analyse(load(archive_paths), workers=1).analysed == seen == []  # not a name


def test_a_damaged_record_is_not_used(archive_paths: Paths) -> None:
    analysis = analyse(load(archive_paths), workers=1)
    some = next(iter(analysis.summaries))
    pack = records.read_store(archive_paths.build)[1][some][0]
    held = sorted(k for k, where in records.read_store(archive_paths.build)[1].items()
                  if where[0] == pack)
    # a record made for other input (e.g. written by another build meanwhile) is refused
    other = analyse(load(archive_paths), workers=1)
    other.keys[some] = "0" * 32
    with pytest.raises(ValueError, match="made for other input"):
        other.article(some)
    (records.folder(archive_paths.build) / pack).unlink()  # lost records: analysed again
    again = analyse(load(archive_paths), workers=1)
    assert again.analysed == held and some in held


def _tokens_reachable(root: object) -> int:
    """How many Token objects (or lists of them) can be reached from ``root``'s attributes."""
    seen: set[int] = set()
    todo = [root]
    found = 0
    skip = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType,
            types.MethodType, types.CodeType, str, bytes, int, float)
    while todo:
        obj = todo.pop()
        if id(obj) in seen or isinstance(obj, skip):
            continue
        seen.add(id(obj))
        if isinstance(obj, Token):
            found += 1
            continue
        todo.extend(gc.get_referents(obj))
    return found


def test_the_site_build_streams_the_analysis_and_keeps_no_tokens(
    archive_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from archive.browser import site as browser_site

    tmp_path = archive_dir  # a copy of the repository's mkdocs.yml, seeds/ and docs/
    monkeypatch.delenv("ARCHIVE_ROOT", raising=False)
    monkeypatch.delenv("SITE_URL", raising=False)
    handed: list[Any] = []
    real = browser_site.write_site_search

    def spy(analyzed: Any, *args: Any, **kwargs: Any) -> Any:
        handed.append(analyzed)
        return real(analyzed, *args, **kwargs)

    monkeypatch.setattr(browser_site, "write_site_search", spy)
    seen = _counting(monkeypatch)

    def site_build() -> Any:
        config = load_config(str(tmp_path / "mkdocs.yml"))
        build(config)
        return config.plugins["archive"]

    plugin = site_build()
    articles = sorted(p.stem for p in (tmp_path / "seeds").iterdir()
                      if p.suffix in (".txt", ".md"))
    assert sorted(seen) == articles  # once each: the index took the site's analysis
    # the records themselves: articles are read back one at a time, and only those that
    # changed since the browser data was last written
    # (`mkdocs build`: the build's analysis, each summary let go of once read)
    from archive.browser.index import ArticleSource

    assert isinstance(handed[0], ArticleSource) and not isinstance(handed[0], list)
    assert _tokens_reachable(handed[0]) == 0
    assert _tokens_reachable(plugin) == 0
    assert _tokens_reachable(plugin.analysis) == 0

    seen.clear()
    target = tmp_path / "seeds" / f"{articles[0]}.txt"
    if not target.exists():
        target = target.with_suffix(".md")
    with open(target, "a", encoding="utf-8") as fh:
        fh.write("\nوأضاف المصدر أن الاجتماع المقبل سيعقد قريبا.\n")
    site_build()
    assert seen == [articles[0]]  # the rebuild analysed the changed article only
    seen.clear()
    site_build()
    assert seen == []


def test_the_index_update_reuses_the_records_unless_asked_to_rebuild(
    archive_paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    from archive.index.build import update_index

    analysis = analyse(load(archive_paths), workers=1)
    seen = _counting(monkeypatch)
    report = update_index(archive_paths, related=False, workers=1)  # `archive index`, no site
    assert report.full and report.total == len(analysis) and seen == []
    report = update_index(archive_paths, related=False, workers=1, rebuild=True)
    assert report.full and sorted(seen) == sorted(analysis.summaries)


def test_an_unreadable_record_is_named_in_the_error(archive_paths: Paths) -> None:
    analysis = analyse(load(archive_paths), workers=1)
    some = next(iter(analysis.summaries))
    pack = records.read_store(archive_paths.build)[1][some][0]
    (records.folder(archive_paths.build) / pack).write_bytes(b"not a record")
    with pytest.raises(ValueError, match=f"{pack}: analysis record of {some} unreadable"):
        analysis.article(some)


def test_body_vocabulary_counts_the_body_words_outside_names(archive_paths: Paths) -> None:
    """What word-counting consumers read instead of the tokens: per spelling, how often it
    occurs in the body outside gazetteer names, with the spelling's own analysis."""
    from collections import Counter

    from archive.analysis import analyze_word

    analysis = analyse(load(archive_paths), workers=1)
    vocabularies = list(analysis.body_vocabularies())
    assert len(vocabularies) == len(analysis)
    some_named = False
    for aa, (words, counts) in zip(analysis.articles(), vocabularies, strict=True):
        expected = Counter(t.form for t in aa.body_tokens if not t.entity)
        got = Counter({words[5 * k]: n for k, n in counts.items()})
        assert got == expected
        # first seen in the body's order (the root count numbers new spellings so)
        assert list(got) == list(expected)
        for k in counts:
            assert tuple(words[5 * k + 1:5 * k + 4]) == analyze_word(words[5 * k])
        some_named |= any(t.entity for t in aa.body_tokens)
    assert some_named  # names were in the bodies, and were left out of the counts


def test_a_record_carries_its_article_text(archive_paths: Paths) -> None:
    """The record holds the article's text after the tokens (read without decompressing
    them, checked against the record's key), and the token readers do not see it."""
    loaded = load(archive_paths)
    analysis = analyse(loaded, workers=1)
    texts = {a.id: a.text for a in loaded.articles}
    for article_id, key in analysis.keys.items():
        data = records.record_bytes(archive_paths.build, article_id)
        assert records.text_of(data, key) == texts[article_id]
        assert records.text_of(data, "0" * len(key)) is None  # made for another key
        assert records.decode(data)[0] == key
    assert records.text_of(b"", "k") is None and records.text_of(b"x" * 40, "k") is None


def test_texts_on_disk_reads_the_same_texts_and_keeps_none(archive_paths: Paths) -> None:
    loaded = load(archive_paths)
    analysis = analyse(loaded, workers=1)
    before = {i: (s.article.text, s.article.title, s.article.segments,
                  analysis.article(i).body_tokens) for i, s in analysis.summaries.items()}
    analysis.texts_on_disk()
    for i, s in analysis.summaries.items():
        a = s.article
        assert isinstance(a, records.TextOnDisk)
        with pytest.raises(AttributeError):
            records._TEXT_SLOT.__get__(a, records.TextOnDisk)  # not held in memory
        text, title, segments, body = before[i]
        assert (a.text, a.title, a.segments) == (text, title, segments)
        aa = analysis.article(i)  # its text from the record it decodes
        assert aa.article.text == text and aa.body_tokens == body
        assert aa.article.id == i and aa.article.body_segments() == a.body_segments()
    # a record another build replaced: named in the error, not a wrong text
    some = next(iter(analysis.summaries))
    path = records.folder(archive_paths.build) / records.read_store(
        archive_paths.build)[1][some][0]
    data = path.read_bytes()
    path.write_bytes(data.replace(analysis.keys[some].encode(), b"f" * 32))
    records._LAST_TEXT[:] = [None, ""]
    with pytest.raises(ValueError, match=f"{path.name}: no text of article {some}"):
        _ = analysis.summaries[some].article.text


def test_texts_on_disk_shares_empty_fields_and_recurring_strings(
        archive_paths: Paths) -> None:
    """The articles on disk keep every field's value, with one empty list or dict per field
    and one string per date, source or author for all of them."""
    from dataclasses import fields

    from archive.corpus.article import Article

    loaded = load(archive_paths)
    analysis = analyse(loaded, workers=1)
    names = [f.name for f in fields(Article) if f.name != "text"]
    before = {i: [getattr(s.article, n) for n in names] for i, s in analysis.summaries.items()}
    analysis.texts_on_disk()
    arts = [s.article for s in analysis.summaries.values()]
    for a in arts:
        assert [getattr(a, n) for n in names] == before[a.id]
        for n in names:
            assert type(getattr(a, n)) is type(before[a.id][names.index(n)])
    for n in ("places", "actors", "tags", "extra", "mentioned_dates", "cleaned"):
        empty = [getattr(a, n) for a in arts if not getattr(a, n)]
        assert len({id(v) for v in empty}) <= 1, n
    for n in ("date", "source"):
        values = [getattr(a, n) for a in arts if getattr(a, n)]
        assert len({id(v) for v in values}) == len(set(values)), n
    # an article rebuilt from its record keeps them
    some = arts[0]
    assert analysis.article(some.id).article.places is some.places


def test_a_one_shot_site_build_keeps_no_article_text(
    archive_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`mkdocs build`: once the search index is made, the analysis' articles read their
    texts from the records; the browser data gets every text all the same."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from archive.browser import site as browser_site

    monkeypatch.delenv("ARCHIVE_ROOT", raising=False)
    monkeypatch.delenv("SITE_URL", raising=False)
    seen: list[str] = []
    real = browser_site.write_site_search

    def spy(analyzed: Any, *args: Any, **kwargs: Any) -> Any:
        summaries = config.plugins["archive"].analysis.summaries
        assert all(isinstance(s.article, records.TextOnDisk) for s in summaries.values())
        for s in summaries.values():
            with pytest.raises(AttributeError):
                records._TEXT_SLOT.__get__(s.article, records.TextOnDisk)
        assert list(analyzed.keys) == list(summaries)
        seen.extend(analyzed.article(i).article.text for i in analyzed.keys)
        return real(analyzed, *args, **kwargs)

    monkeypatch.setattr(browser_site, "write_site_search", spy)
    config = load_config(str(archive_dir / "mkdocs.yml"))
    build(config)
    plugin = config.plugins["archive"]
    texts = {a.id: a.text for a in load(Paths(archive_dir)).articles}
    assert seen == [texts[i] for i in sorted(texts)]
    # each summary let go of once the browser writer read its article
    assert plugin.analysis.summaries == {} and len(plugin.analysis.keys) == len(texts)
    assert plugin.page_keys == {} and plugin.summary is None  # in checks.bin, not in memory


#: A `mkdocs build` in a fresh interpreter (what the objects of earlier in-process tests cannot
#: reach) that says, when the browser stage starts, how many of MkDocs' files made for the
#: generated pages, raw texts and data files are still alive, and whether the root explorer's
#: pages were there before and are still held.
_RELEASE_PROBE = """
import json, weakref
from mkdocs.commands.build import build
from mkdocs.config import load_config
from archive.browser import site as browser_site
from archive.site.plugin import ArchivePlugin

made, plugins = [], []
write, real = ArchivePlugin._write_stencilled, browser_site.write_site_search

def files_of(self, config):
    made.extend(weakref.ref(f) for f in self.files  # (MkDocs keeps its pages' list)
                if not (f.is_documentation_page() and f.inclusion.is_included()))
    plugins.append((self, bool(self.root_pages)))
    write(self, config)

def gone(*args, **kwargs):
    import gc
    from archive.corpus.article import Article
    from archive.site.model import ArticleView, SiteData

    plugin, roots_before = plugins[0]
    alive = {"Article": 0, "ArticleView": 0, "SiteData": 0}
    for o in gc.get_objects():  # (what only a full collection would free counts as alive)
        if type(o) in (Article, ArticleView, SiteData):
            alive[type(o).__name__] += 1
    print("PROBE " + json.dumps({"made": len(made), "kept": sum(r() is not None for r in made),
                                 "roots_before": roots_before,
                                 "roots_after": bool(plugin.root_pages),
                                 "store": plugin.store is not None, "alive": alive}))
    return real(*args, **kwargs)

ArchivePlugin._write_stencilled = files_of
browser_site.write_site_search = gone
build(load_config("mkdocs.yml"))
"""


def test_a_build_lets_go_of_mkdocs_files_and_root_pages_before_the_browser_stage(
        archive_dir: Path) -> None:
    """`mkdocs build`: once every page is written, MkDocs' files (generated pages, raw texts,
    with the Pages the sitemap was made with), the root explorer's pages, the page store and
    the site data (every article's view, in reference cycles with the page renderer) are let
    go of, so the browser stage (the peak of a large build) reuses their memory; and no
    article with its text is left from loading the corpus (corpus.pickle's parses)."""
    import json
    import os
    import subprocess
    import sys

    from conftest import REPO

    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(REPO / "src")}
    env.pop("SITE_URL", None)
    env.pop("ARCHIVE_ROOT", None)
    proc = subprocess.run([sys.executable, "-c", _RELEASE_PROBE], cwd=archive_dir, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(x for x in proc.stdout.splitlines() if x.startswith("PROBE "))
    probe = json.loads(line.removeprefix("PROBE "))
    assert probe["made"] > 0 and probe["roots_before"], probe
    assert probe["kept"] == 0, probe
    assert not probe["roots_after"], probe
    assert not probe["store"], probe
    assert probe["alive"] == {"Article": 0, "ArticleView": 0, "SiteData": 0}, probe


def _plain_pack(key: str, columns: Any, runs: list[tuple[int, int]]) -> bytes:
    """records.pack as first written: one Python step per token (the reference)."""
    import marshal
    from array import array

    from archive.analysis.analyzer import analyze_word

    vocab: dict[str, int] = {}
    words: list[str] = []
    ids = array("I")
    for form, alt in zip(columns.forms, columns.alts, strict=True):
        k = vocab.get(form)
        if k is None:
            k = vocab[form] = len(vocab)
            words += [form, *analyze_word(form), alt]
        ids.append(k)
    names = [(i, entity, columns.stems[i])
             for i, entity in enumerate(columns.entities) if entity is not None]
    titled = (([],) * 8, [])
    return marshal.dumps((records.FORMAT, key, words, ids.tobytes(),
                          array("I", columns.starts).tobytes(),
                          array("I", columns.ends).tobytes(), names, runs, titled))


def test_a_record_has_the_bytes_of_the_plain_packing() -> None:
    """The records kept in build/ must not change with the code that packs them (a build
    that reuses them equals a cold one): the same bytes as one step per token gives."""
    from archive.analysis import Analyzer
    from archive.analysis.analyzer import analyze_word

    text = ("قالت وزارة الخارجية إن جدة ستستضيف الاجتماع، وإن الاجتماع في جدة سيبحث "
            "المفاوضات والمفاوضات المقبلة مع فيصل. Daraa 2021 ٢٠٢١ وفيصل قال إن") * 3
    columns, _ = Analyzer().analyze_columns(text)
    assert len(set(columns.forms)) < len(columns.forms)  # (repeated forms)
    assert any(columns.alts)  # (a name that is also a common word: جدة، فيصل)
    runs = [(0, 5), (7, len(columns.forms))]
    assert records.pack("k" * 32, columns, runs) == _plain_pack("k" * 32, columns, runs)
    empty, _ = Analyzer().analyze_columns("")
    assert records.pack("k", empty, []) == _plain_pack("k", empty, [])
    # names: a name's tokens hold its core as stem and root, not their own analysis; the
    # record keeps each form's own (a form only inside names, and one also outside them)
    from archive.gazetteer.matcher import NameMatcher

    matcher = NameMatcher([("وزارة الخارجية", "org:mofa"), ("جدة", "place:jeddah"),
                           ("فيصل", "person:faisal")])
    columns, matches = Analyzer(matcher).analyze_columns(text + " الخارجية")
    assert {m.entity for m in matches} == {"org:mofa", "place:jeddah", "person:faisal"}
    inside = {columns.forms[i] for i, e in enumerate(columns.entities) if e is not None}
    outside = {columns.forms[i] for i, e in enumerate(columns.entities) if e is None}
    assert inside - outside and inside & outside
    assert any(columns.stems[i] != analyze_word(columns.forms[i])[1]
               for i, e in enumerate(columns.entities) if e is not None)
    runs = [(0, len(columns.forms))]
    assert records.pack("k", columns, runs) == _plain_pack("k", columns, runs)
