"""The pieces of bench/run that compute figures: growth fit, percentiles, baseline pages."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

from lib.baseline import page, write_baseline  # noqa: E402
from lib.fit import exponent, percentile  # noqa: E402


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
