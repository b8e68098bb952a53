"""Ranking for several words (phrase, then proximity, then levels), titles weighted above the
body, and labels that say at which level each word matched — on a small archive written here
so that each article differs from the others in exactly the property under test."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.analysis import Analyzer, analyze_word
from archive.cli import main
from archive.config import Paths
from archive.index.build import update_index
from archive.search.engine import IndexView, open_view, proximity, search

FILLER = ("وفي سياق متصل أشار التقرير إلى أن الأوضاع الإنسانية ما زالت صعبة في المنطقة "
          "حيث يعاني السكان من نقص المياه والكهرباء منذ أسابيع طويلة دون حلول ")

ARTICLES = {
    # the two words side by side, in order, but only as other forms (root level)
    "a_phrase_stem": "قالت المصادر إنه فشلت مفاوضات السلام. " + FILLER,
    # both words verbatim, but far apart
    "b_far_exact": "فشل " + FILLER + " المفاوضات",
    # both words verbatim, within a few words of each other
    "c_near_exact": "فشل جولة جديدة من المفاوضات " + FILLER,
    # side by side verbatim
    "d_phrase_exact": "أعلن فشل المفاوضات اليوم " + FILLER,
    # the query word only in the title (front matter)
    "e_title": "---\ntitle: اجتماع الحكومة\n---\n" + FILLER,
    # the query word once in the body
    "f_body": FILLER + " الحكومة",
    # the query word many times in the body
    "g_body_many": FILLER + " الحكومة الحكومة الحكومة الحكومة",
}


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("ranking")
    (d / "seeds").mkdir()
    for name, text in ARTICLES.items():
        (d / "seeds" / f"{name}.md").write_text(text + "\n", encoding="utf-8")
    update_index(Paths(d))
    return d


@pytest.fixture(scope="module")
def view(root: Path) -> Iterator[IndexView]:
    with open_view(Paths(root)) as v:
        yield v


def test_words_together_rank_above_words_apart(view: IndexView) -> None:
    res = search(view, "فشل المفاوضات", analyzer=Analyzer(), limit=None).results
    order = [r.id for r in res]
    assert order == ["d_phrase_exact", "a_phrase_stem", "c_near_exact", "b_far_exact"]
    prox = {r.id: r.proximity for r in res}
    assert prox == {"d_phrase_exact": 2, "a_phrase_stem": 2, "c_near_exact": 1,
                    "b_far_exact": 0}
    # the same words in the other order are not a phrase: only near
    rev = {r.id: r.proximity for r in search(view, "المفاوضات فشل", analyzer=Analyzer(),
                                              limit=None).results}
    assert rev["d_phrase_exact"] == 1 and rev["b_far_exact"] == 0


def test_labels_say_the_level_of_each_word(view: IndexView) -> None:
    res = {r.id: r for r in search(view, "فشل المفاوضات", analyzer=Analyzer(),
                                   limit=None).results}
    assert res["d_phrase_exact"].levels == [("فشل", 3), ("المفاوضات", 3)]
    # فشلت / مفاوضات: other forms of both words (same light stems), labelled so
    assert res["a_phrase_stem"].levels == [("فشل", 2), ("المفاوضات", 2)]
    assert analyze_word("فشلت")[1] == analyze_word("فشل")[1]


def test_title_ranks_above_body_and_is_found(view: IndexView, root: Path) -> None:
    res = search(view, "الحكومة", analyzer=Analyzer(), limit=None).results
    assert [r.id for r in res] == ["e_title", "g_body_many", "f_body"]
    assert res[0].matched == ["الحكومة"] and res[0].title_spans == [(7, 14)]
    out = CliRunner().invoke(main, ["--root", str(root), "search", "--json", "اجتماع"])
    data = json.loads(out.stdout)
    assert [r["id"] for r in data["results"]] == ["e_title"]
    assert data["results"][0]["levels"] == [{"text": "اجتماع", "level": "exact"}]


@pytest.mark.parametrize(("lists", "tier"), [
    ([[3], [4]], 2),
    ([[3], [4], [5]], 2),
    ([[4], [3]], 1),          # reversed order: near, not a phrase
    ([[0], [7]], 1),          # 7 apart: within NEAR = 8
    ([[0], [8]], 0),          # 8 apart: not near
    ([[0, 40], [20, 47]], 1),  # the nearest pair counts
    ([[1], []], 0),
])
def test_proximity_tiers(lists: list[list[int]], tier: int) -> None:
    assert proximity(lists) == tier
