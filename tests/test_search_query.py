"""The query language, without an index: what each query means."""

from __future__ import annotations

import pytest

from archive.analysis import Analyzer, analyze_word
from archive.gazetteer.matcher import NameMatcher
from archive.search.query import (
    And,
    Entity,
    Not,
    Or,
    Phrase,
    QueryError,
    Root,
    Term,
    describe,
    parse,
)

MATCHER = NameMatcher([("بصرى الشام", "place:bosra"), ("Bosra", "place:bosra"),
                       ("درعا", "place:daraa"), ("Daraa", "place:daraa"),
                       ("درعا البلد", "place:daraa-balad")])
AN = Analyzer(MATCHER)


def p(q: str) -> str:
    return describe(parse(q, AN))


def term(word: str) -> str:
    n, s, r = analyze_word(word)
    return f"{n}/{s}/{r}"


def test_words_are_anded() -> None:
    assert p("قصف مدفعي") == f"({term('قصف')} AND {term('مدفعي')})"
    assert p("قصف AND مدفعي") == p("قصف مدفعي")


def test_or_binds_looser_than_and() -> None:
    assert p("قصف مدفعي OR غارة") == f"(({term('قصف')} AND {term('مدفعي')}) OR {term('غارة')})"
    assert p("قصف أو غارة") == p("قصف OR غارة")
    assert p("(قصف OR غارة) مدفعي") == \
        f"(({term('قصف')} OR {term('غارة')}) AND {term('مدفعي')})"


def test_not_and_minus() -> None:
    assert p("قصف NOT غارة") == f"({term('قصف')} AND NOT {term('غارة')})"
    assert p("قصف -غارة") == p("قصف NOT غارة")
    assert p("NOT غارة") == f"NOT {term('غارة')}"
    # NOT before a run of words negates only its first clause …
    assert p("NOT غارة قصف") == f"(NOT {term('غارة')} AND {term('قصف')})"
    # … which is a whole name when the run starts with one
    assert p("-بصرى الشام قصف") == f"(NOT @place:bosra AND {term('قصف')})"
    # a hyphen inside or after a word is not NOT
    assert "NOT" not in p("أرض-أرض")


def test_names_become_one_entity_clause() -> None:
    assert isinstance(parse("بصرى الشام", AN), Entity)
    assert p("بصرى الشام") == "@place:bosra"
    assert p("Bosra") == p("bosra") == "@place:bosra"
    assert p("Daraa") == "@place:daraa"
    assert p("درعا البلد") == "@place:daraa-balad"  # longest name wins
    assert p("بدرعا") == "@place:daraa"  # clitics as in articles
    assert p("قصف بصرى الشام") == f"({term('قصف')} AND @place:bosra)"
    # without a gazetteer the same words are two words
    assert describe(parse("بصرى الشام", Analyzer())) == \
        f"({term('بصرى')} AND {term('الشام')})"


def test_phrases() -> None:
    node = parse('"اللجنة المركزية"', AN)
    assert isinstance(node, Phrase) and [w.text for w in node.words] == ["اللجنة", "المركزية"]
    assert p('«اللجنة المركزية»') == p('“اللجنة المركزية”') == p('"اللجنة المركزية"')
    assert isinstance(parse('"قصف"', AN), Term)


@pytest.mark.parametrize("q", ["جذر:فوض", "root:فوض", "ROOT:فوض", "جذر:فَوَض"])
def test_root_field(q: str) -> None:
    assert parse(q, AN) == Root("فوض", q.split(":", 1)[1])


@pytest.mark.parametrize(("q", "needle"), [
    ('"قصف', "unbalanced quote"),
    ('قصف "', "unbalanced quote"),
    ("قصف”", "closing quote"),
    ("(قصف", "unbalanced parenthesis ("),
    ("قصف)", "unbalanced parenthesis )"),
    ("place:درعا", "unknown field 'place'"),
    ("جذر:", "needs one root"),
    ("جذر:فوض,قصف", "needs one root"),
    ("قصف OR", "nothing to search"),
    ("OR قصف", "nothing to search"),
    ("NOT", "must be followed"),
    ("", "empty query"),
    ("  ", "empty query"),
    ("()", "no words to search"),
    ("، ؟", "nothing to search"),
    ('""', "empty phrase"),
])
def test_malformed(q: str, needle: str) -> None:
    with pytest.raises(QueryError) as err:
        parse(q, AN)
    assert needle in str(err.value)
    assert "خطأ في الاستعلام" in str(err.value) and "\n" not in str(err.value)


def test_tree_types() -> None:
    node = parse("a OR b -c", AN)
    assert isinstance(node, Or) and isinstance(node.items[1], And)
    assert isinstance(node.items[1].items[1], Not)
