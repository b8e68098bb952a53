"""bench/run's parallel check is bench/workers on the whole archive: every seed (not the first
3,000), cold, 1 and 2 workers in alternating order, the median of the rounds' ratios."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO


def _run(workers: int, rnd: int, wall: float, cpu: float, load: float = 1.0) -> dict[str, object]:
    return {"workers": workers, "round": rnd, "analysis_wall": wall, "analysis_cpu": cpu,
            "articles": 10, "load_before": load, "load_after": load + 0.5}


def test_the_speed_up_is_the_median_of_the_rounds_ratios(load_script) -> None:  # type: ignore[no-untyped-def]
    run = load_script("bench/run")
    runs = [_run(1, 1, 10.0, 10.0), _run(2, 1, 5.0, 11.0),   # 2.0×
            _run(2, 2, 8.0, 12.0), _run(1, 2, 12.0, 12.0),   # 1.5×
            _run(1, 3, 9.0, 9.0, 3.0), _run(2, 3, 6.0, 10.0)]  # 1.5×
    figures = run.parallel_figures(runs)  # type: ignore[attr-defined]
    assert figures["rounds"] == [2.0, 1.5, 1.5]
    assert figures["speedup"] == pytest.approx(1.5)
    assert figures["workers_1"] == 10.0 and figures["workers_2"] == 6.0
    assert figures["wall_ratio"] == pytest.approx(10 / 6)
    assert (figures["cpu_1"], figures["cpu_2"]) == (10.0, 11.0)
    assert figures["articles"] == 10 and figures["loadavg"] == "1.0–3.5"


def test_bench_workers_takes_every_seed_and_alternates_the_order(archive_dir: Path,
                                                                 tmp_path: Path) -> None:
    report = tmp_path / "runs.json"
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    subprocess.run([sys.executable, str(REPO / "bench" / "workers"), "--archive",
                    str(archive_dir), "--rounds", "2", "--report", str(report)],
                   env=env, capture_output=True, text=True, check=True)
    runs = json.loads(report.read_text(encoding="utf-8"))
    seeds = [p for p in (archive_dir / "seeds").iterdir() if p.suffix in (".md", ".txt")]
    assert [(r["round"], r["workers"]) for r in runs] == [(1, 1), (1, 2), (2, 2), (2, 1)]
    assert {r["articles"] for r in runs} == {len(seeds)}
    assert all(r["analysed"] == len(seeds) for r in runs)  # cold: every article analysed
