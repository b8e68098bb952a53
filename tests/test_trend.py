"""``archive trend``: matching articles per month, the month's articles, the share; and the
CSV/JSON export rules shared with the browser (issue 16)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main
from archive.config import Paths
from archive.search.engine import Filters, open_view, search
from archive.search.export import default_name, number_text, query_slug
from archive.search.query import parse

REPO = Path(__file__).resolve().parents[1]
#: The seeds with dates: two in July 2018, none in August, one in September, one dated by
#: year only and one undated.
DATES = {
    "000_02dc7bcb46da7aac": "2018-07-04",
    "001_9de41e7d550015bc": "2018-07",
    "002_ff0aa36a5bea707b": "2018-09-15",
    "003_f1c0825b0b077d89": "2018",
    "004_f209341661600871": None,
}


@pytest.fixture(scope="module")
def dated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("dated")
    shutil.copytree(REPO / "seeds", d / "seeds")
    shutil.copy(REPO / "mkdocs.yml", d / "mkdocs.yml")
    for art, date in DATES.items():
        path = d / "seeds" / f"{art}.txt"
        if date:
            path.write_text(f"---\ndate: {date}\n---\n" + path.read_text("utf-8"), "utf-8")
    return d


def run(root: Path, *args: str) -> tuple[int, str, str]:
    """Exit code, standard output exactly as written (CRLF kept), standard error."""
    result = CliRunner().invoke(main, ["--root", str(root), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout_bytes.decode("utf-8"), result.stderr


def matching_ids(root: Path, query: str, **filters: str) -> set[str]:
    """The articles ``archive search`` finds (every one: no limit)."""
    with open_view(Paths(root)) as view:
        res = search(view, query, limit=None, filters=Filters(**filters) if filters else None)
    return {r.id for r in res.results}


def test_months_zero_months_and_unplaced_articles(dated: Path) -> None:
    code, out, _ = run(dated, "trend", "قصف", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["query"] == "قصف" and data["mode"] == "root"
    months = {m["month"]: m for m in data["months"]}
    assert list(months) == ["2018-07", "2018-08", "2018-09"]  # August has no article, listed
    assert [m["articles"] for m in data["months"]] == [2, 0, 1]
    assert data["unplaced"]["articles"] == 2  # dated by year only, and undated
    found = matching_ids(dated, "قصف")
    assert 0 < len(found) < 5
    by_month = {"2018-07": 0, "2018-08": 0, "2018-09": 0}
    unplaced = 0
    for art in found:
        date = DATES[art]
        if date and len(date) >= 7:
            by_month[date[:7]] += 1
        else:
            unplaced += 1
    assert {k: m["matching"] for k, m in months.items()} == by_month
    assert data["unplaced"]["matching"] == unplaced
    for m in data["months"]:
        want = round(m["matching"] / m["articles"], 6) if m["articles"] else 0
        assert m["share"] == want
    assert months["2018-08"]["share"] == 0


def test_filters_are_those_of_search(dated: Path) -> None:
    data = json.loads(run(dated, "trend", "قصف", "--from", "2018-09", "--json")[1])
    found = matching_ids(dated, "قصف", date_from="2018-09")
    assert sum(m["matching"] for m in data["months"]) + data["unplaced"]["matching"] == len(found)
    assert [m["matching"] for m in data["months"]][:2] == [0, 0]
    # the denominator stays the archive's articles of the month
    assert [m["articles"] for m in data["months"]] == [2, 0, 1]
    code, _, err = run(dated, "trend", "قصف", "--from", "2018-13")
    assert code == 2 and "--from" in err


def test_csv_has_the_same_numbers_with_bom_and_crlf(dated: Path) -> None:
    data = json.loads(run(dated, "trend", "درعا", "--json")[1])
    code, out, _ = run(dated, "trend", "درعا", "--csv")
    assert code == 0
    assert out.startswith("\ufeffmonth,matching,articles,share\r\n")
    assert out.endswith("\r\n") and "\n" not in out.replace("\r\n", "")
    rows = list(csv.DictReader(out.lstrip("\ufeff").splitlines()))
    assert [(r["month"], int(r["matching"]), int(r["articles"]), float(r["share"]))
            for r in rows] == [(m["month"], m["matching"], m["articles"], m["share"])
                               for m in data["months"]]


def test_out_without_a_name_uses_kind_query_and_date(dated: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(dated, "trend", "قصف", "--out")
    assert code == 0
    (written,) = list(tmp_path.iterdir())
    assert written.name == default_name("trend", "قصف", "csv")
    assert written.name.startswith("trend-قصف-") and written.name.endswith(".csv")
    assert written.name in err
    assert written.read_bytes().startswith(b"\xef\xbb\xbfmonth,")
    run(dated, "trend", "قصف", "--out", "series.json")
    assert json.loads((tmp_path / "series.json").read_text("utf-8"))["query"] == "قصف"


def test_text_listing_names_every_month(dated: Path) -> None:
    code, out, _ = run(dated, "trend", "قصف")
    assert code == 0
    for month in ("2018-07", "2018-08", "2018-09"):
        assert month in out


def test_undated_archive_has_no_months(indexed_root: Path) -> None:
    data = json.loads(run(indexed_root, "trend", "قصف", "--json")[1])
    assert data["months"] == []
    assert data["unplaced"] == {"matching": len(matching_ids(indexed_root, "قصف")),
                                "articles": 5}


def test_trend_function_matches_search_on_every_mode(dated: Path) -> None:
    from archive.search.service import query_analyzer
    from archive.search.trend import trend

    analyzer, _ = query_analyzer(Paths(dated))
    with open_view(Paths(dated)) as view:
        for mode in ("exact", "stem", "root"):
            node = parse("المفاوضات", analyzer)
            t = trend(view, "المفاوضات", node, mode=mode)
            total = search(view, "المفاوضات", node=node, mode=mode, limit=None).total
            assert sum(m.matching for m in t.months) + t.unplaced_matching == total


def test_slug_and_numbers() -> None:
    assert query_slug("جذر:فوض") == "جذر-فوض"
    assert query_slug('"درعا البلد" NOT قصف') == "درعا-البلد-قصف"
    assert query_slug("قَصَفَ 2018") == "قصف-2018"
    assert query_slug("Bosra") == "query"
    assert number_text(0.5) == "0.5" and number_text(1.0) == "1" and number_text(0) == "0"
    assert number_text(1 / 3) == "0.333333"


def test_month_of_places_only_dates_with_a_year_and_a_month() -> None:
    from archive.search.trend import month_of

    assert month_of("2018-07-04") == "2018-07"
    assert month_of("2018-07") == "2018-07"
    # a day or a month without its year (the --MM-DD / --MM forms) is in no month
    for unplaced in ("--07-04", "--07", "2018", "", None, "2018-13", "2018-00-01", "2018-7-04",
                     "٢٠١٨-٠٧-٠٤", "2018-07x"):
        assert month_of(unplaced) is None, unplaced
