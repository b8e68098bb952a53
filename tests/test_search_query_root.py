"""A foreign name no lexicon knows, written with ب or ل on it (لترامب, بفيسبوك), is found in
the articles that write the bare name: the index keeps such a word whole (its key cannot
tell ل + ترامب from a name that starts with ل), so the query asks for the bare name at the
root level, below the exact and stem matches of the word as written."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from archive.analysis import Analyzer, analyze_word
from archive.analysis.analyzer import query_root
from archive.config import Paths
from archive.index.build import update_index
from archive.search.engine import IndexView, open_view, search

FILLER = ("وفي سياق متصل أشار التقرير إلى أن الأوضاع ما زالت صعبة في المنطقة "
          "حيث يعاني السكان من نقص المياه والكهرباء منذ أسابيع طويلة ")

ARTICLES = {
    "a_bare": "قال ترامب إن الاتفاق سيء. " + FILLER,
    "b_with_waw": FILLER + " وترامب يرد على منتقديه",
    "c_with_lam": "وجهت انتقادات لترامب بعد خطابه. " + FILLER,
    "d_facebook": "نشر الوزير بيانا على فيسبوك. " + FILLER,
    "e_other": FILLER,
}


@pytest.fixture(scope="module")
def view(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IndexView]:
    d = tmp_path_factory.mktemp("queryroot")
    (d / "seeds").mkdir()
    for name, text in ARTICLES.items():
        (d / "seeds" / f"{name}.md").write_text(text + "\n", encoding="utf-8")
    update_index(Paths(d))
    with open_view(Paths(d)) as v:
        yield v


def ids(view: IndexView, q: str, mode: str = "root") -> list[str]:
    return [r.id for r in search(view, q, analyzer=Analyzer(), mode=mode, limit=None).results]


def test_the_index_keeps_the_word_whole() -> None:
    # what makes the query side necessary: ل + an unknown name keeps its ل in every key
    assert analyze_word("لترامب") == ("لترامب", "لترامب", "لترامب")
    assert analyze_word("ترامب")[2] == "ترامب"


def test_name_after_lam_or_ba_finds_the_bare_name() -> None:
    assert query_root("لترامب") == "ترامب"
    assert query_root("ولترامب") == "ترامب"
    assert query_root("بفيسبوك") == "فيسبوك"


def test_search_finds_both_readings_written_form_first(view: IndexView) -> None:
    got = ids(view, "لترامب")
    # the word as written ranks first (exact level), then the bare name and its و form
    assert got[0] == "c_with_lam"
    assert sorted(got) == ["a_bare", "b_with_waw", "c_with_lam"]
    assert ids(view, "بفيسبوك") == ["d_facebook"]
    # the stem level does not expand: only the word as written
    assert ids(view, "لترامب", mode="stem") == ["c_with_lam"]


@pytest.mark.parametrize("word", ["لندن", "ليبيا", "بريطانيا", "بالترامب", "لكن", "باسم",
                                  "لبنان", "بيرسون", "بهذا", "لكم"])
def test_known_words_and_names_ask_for_nothing_else(word: str) -> None:
    # names the lexicon knows (لندن is not ل + ندن), lexicon words (باسم is read by the
    # lexicon), stop words, and an article form (بالترامب already loses بال in its key)
    assert query_root(word) == ""
