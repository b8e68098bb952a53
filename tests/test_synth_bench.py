"""The pieces of bench/run that compute figures: growth fit, percentiles, baseline pages."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

from lib.baseline import page, write_baseline  # noqa: E402
from lib.fit import exponent, percentile  # noqa: E402
from lib.sizes import measure, search_data  # noqa: E402


def test_exponent_recovers_power_laws() -> None:
    assert exponent([(100, 2.0), (1000, 20.0), (10000, 200.0)]) == pytest.approx(1.0)
    assert exponent([(100, 1.0), (1000, 100.0)]) == pytest.approx(2.0)
    assert exponent([(100, 5.0)]) is None
    assert exponent([(100, 5.0), (1000, None)]) is None  # type: ignore[list-item]


def test_percentile_nearest_rank() -> None:
    values = [float(v) for v in range(1, 21)]
    assert percentile(values, 50) == 10.0
    assert percentile(values, 95) == 19.0
    assert percentile([], 50) is None


def test_search_data_sizes_count_stored_deflate_as_served(tmp_path: Path) -> None:
    """The disk and transfer figures of issue 12: a ``.json.dfl`` file (raw deflate, served as
    it is) counts its stored bytes as gzip and its inflated bytes as raw; a plain file is
    gzipped as a host would; a ``.gz`` copy of another file (the sitemap's) is not search
    data."""
    import zlib

    text = ('{"terms": ["' + "اجتماع" * 200 + '"]}').encode()
    data = tmp_path / "site" / "search" / "data"
    data.mkdir(parents=True)
    co = zlib.compressobj(6, zlib.DEFLATED, -15)
    stored = co.compress(text) + co.flush()
    (data / "meta.json.dfl").write_bytes(stored)
    (data / "plain.json").write_bytes(text)
    (tmp_path / "site" / "sitemap.xml.gz").write_bytes(b"\x1f\x8b")
    groups = search_data(tmp_path / "site")
    assert list(groups) == ["search/data"]
    assert [f.name for f in groups["search/data"]] == ["meta.json.dfl", "plain.json"]
    size = measure("data", groups["search/data"])
    assert size.files == 2
    assert size.raw == 2 * len(text)
    assert size.apparent == len(stored) + len(text)
    assert len(stored) < size.gzip - len(stored) < len(text)  # the plain file gzipped


def test_baseline_page_keeps_text_as_text(tmp_path: Path) -> None:
    md = page('---\ntitle: "# عنوان"\n---\n\n# ليس عنوانا\n> ولا اقتباس\nنص عادي\n', "x")
    lines = md.splitlines()
    assert lines[0] == "# # عنوان"
    assert "\\# ليس عنوانا" in lines and "\\> ولا اقتباس" in lines and "نص عادي" in lines
    seeds = tmp_path / "arch" / "seeds"
    seeds.mkdir(parents=True)
    (seeds / "a.txt").write_text("نص\n", encoding="utf-8")
    (seeds / "places.yml").write_text("[]\n", encoding="utf-8")
    assert write_baseline(tmp_path / "arch", tmp_path / "base") == 1
    assert (tmp_path / "base" / "docs" / "articles" / "a.md").is_file()
    assert "search" in (tmp_path / "base" / "mkdocs.yml").read_text(encoding="utf-8")


def test_site_page_says_which_archives_were_measured(load_script) -> None:
    run = load_script("bench/run")
    real = {"sizes": [{"n": 1000, "corpus": "/data/saudinewsnet"},
                      {"n": 31030, "corpus": "/data/saudinewsnet"}]}
    synthetic = {"sizes": [{"n": 100}, {"n": 1000}]}
    page = run.site_page("# Benchmarks\n\nbody", real)
    assert "SaudiNewsNet" in page and "1,000 و31,030" in page
    assert "اصطناعية" not in page
    assert "اصطناعية" in run.site_page("# Benchmarks\n\nbody", synthetic)
    assert page.rstrip().endswith("</div>") and "body" in page


def test_report_keeps_a_written_caveat() -> None:
    import json

    from lib.report import render

    results = json.loads((BENCH / "report.json").read_text(encoding="utf-8"))
    results["caveat"] = "measured under load"
    text = render(results)
    assert "**Read with care (added by hand after the run):** measured under load" in text
    del results["caveat"]
    assert "Read with care" not in render(results)


def test_report_gives_one_size_row_per_kind_of_search_data() -> None:
    """Thousands of pos/<shard> folders fold into one pos/ row (the 31,030 report had 8,198)."""
    from lib.report import _fold_groups

    groups = {f"search/data/pos/{k}": {"raw": 100, "gzip": 40, "apparent": 4096}
              for k in range(3)}
    groups["search/data/lunr"] = {"raw": 7, "gzip": 3, "apparent": 4096}
    folded = _fold_groups(groups)
    assert folded == {"search/data/pos": {"raw": 300, "gzip": 120, "apparent": 12288},
                      "search/data/lunr": {"raw": 7, "gzip": 3, "apparent": 4096}}
