"""The importer's front matter: whatever text a dump holds, the loader reads back exactly the
title, source, url, tags and body that were written (both of the loader's YAML loaders), as
the loader cleans dirty text (archive.corpus.clean) and nothing else."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.corpus.clean import clean_line, clean_text
from archive.corpus.frontmatter import LOADER, PY_LOADER
from archive.corpus.loader import parse_article
from archive.importer.fields import body_text, one_line
from archive.importer.writer import front_matter, render

#: any character but surrogates (the loader refuses C0/C1 controls in the body, not in YAML)
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
BODY_TEXT = st.lists(st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20)
                     | st.sampled_from(["\n", "\t", "---\n", "...\n", "title: x\n", "- a\n"]),
                     max_size=20).map("".join)
HOSTILE = st.sampled_from(["---", "...", "- x", "key: value", "a #b", "yes", "No", "null", "~",
                           "2015", "2015-07-21", "1e3", ".inf", "0x1F", "@x", "`x`", "'x'",
                           '"x"', "[x]", "{x: y}", "!tag", "&a", "*a", "|", ">", "%", "?",
                           "x:", "\u2028", "\x85", "\ufeff", "\ufffe"])


@settings(max_examples=400, deadline=None)
@given(title=st.one_of(ANY_TEXT, HOSTILE), tags=st.lists(st.one_of(ANY_TEXT, HOSTILE),
                                                         max_size=3))
def test_front_matter_reads_back_as_written_with_both_yaml_loaders(title: str,
                                                                    tags: list[str]) -> None:
    fields = {"title": title, "tags": tags, "date": "2015-07-21", "views": 3, "ok": False}
    block = front_matter(fields)
    inner = block[4:-4]
    for loader in (LOADER, PY_LOADER):
        assert yaml.load(inner, Loader=loader) == fields


@settings(max_examples=300, deadline=None)
@given(title=st.one_of(ANY_TEXT, HOSTILE), body=BODY_TEXT, tag=st.one_of(ANY_TEXT, HOSTILE))
def test_loader_reads_the_article_back(title: str, body: str, tag: str) -> None:
    text = body_text(body)
    shown = clean_text(text + "\n").text
    if not text.strip() or not shown.strip():
        return  # the importer reports such a record as empty (the loader: empty once cleaned)
    fields: dict = {}
    if one_line(title):
        fields["title"] = one_line(title)
    fields["source"] = "مصدر"
    if one_line(tag):
        fields["tags"] = [one_line(tag)]
    article, problems = parse_article(render(fields, text), "x-0123456789ab", "seeds/x.md")
    assert [p for p in problems if p.severity == "error"] == []
    assert article is not None
    assert article.text == shown
    if "title" in fields and clean_line(fields["title"]).text:
        assert article.title == clean_line(fields["title"]).text and not article.title_inferred
    assert article.tags == fields.get("tags", [])
    assert article.source == "مصدر"
