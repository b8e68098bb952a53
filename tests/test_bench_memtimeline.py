"""bench/memtimeline: the peak memory of a whole process tree, when it happened and which
output line the command had printed last."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# holds 80 MB, then a forked child holds 80 MB more of its own; prints what it does
CHILD = """
import os, sys, time
print("warming", flush=True)
time.sleep(0.6)
a = b"\x01" * (80 * 2**20)
print("holding", flush=True)
pid = os.fork()
if pid == 0:
    b = b"\x02" * (80 * 2**20)
    time.sleep(1.5)
    os._exit(0)
os.waitpid(pid, 0)
del a
print("freed", flush=True)
time.sleep(0.6)
sys.exit(3)
"""


def test_the_peak_counts_the_forked_children_and_names_the_stage(tmp_path: Path) -> None:
    tsv = tmp_path / "samples.tsv"
    out = subprocess.run(
        [sys.executable, str(REPO / "bench" / "memtimeline"), "--interval", "0.1",
         "--tsv", str(tsv), "--", sys.executable, "-c", CHILD],
        capture_output=True, text=True, timeout=600)
    assert out.returncode == 3, out.stdout + out.stderr  # the command's own exit status
    peak = re.search(r"^peak PSS (\d+) MB at ([\d.]+) s .*\((?:main process \d+ MB), "
                     r"(\d+) processes\), after: (.*)$", out.stdout, re.M)
    assert peak, out.stdout
    assert 150 <= int(peak.group(1)) <= 210  # parent and child, each page counted once
    assert peak.group(3) == "2"
    assert peak.group(4) == "holding"
    rows = tsv.read_text("utf-8").splitlines()
    assert rows[0].split("\t") == ["t", "pss_tree_mb", "pss_main_mb", "processes"]
    last = rows[-1].split("\t")
    assert float(last[1]) < 60  # freed before the end
    assert re.search(r"^wall [\d.]+ s, CPU [\d.]+ s", out.stdout, re.M)


def test_stages_get_their_own_peaks(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, str(REPO / "bench" / "memtimeline"), "--interval", "0.1",
         "--stage", "hold=^holding$", "--stage", "after=fre+d", "--stage", "never=nothing",
         "--", sys.executable, "-c", CHILD],
        capture_output=True, text=True, timeout=600)
    assert out.returncode == 3, out.stdout + out.stderr
    rows = dict(re.findall(r"^stage (\w+): from [\d.]+ s for [\d.]+ s, peak +(\d+) MB",
                           out.stdout, re.M))
    assert set(rows) == {"start", "hold", "after"}, out.stdout  # "never" did not start
    # before "holding": the parent alone (its 80 MB may be there before the line is out)
    assert int(rows["start"]) < 120 and 150 <= int(rows["hold"]) <= 210
    assert int(rows["after"]) < 60
    bad = subprocess.run([sys.executable, str(REPO / "bench" / "memtimeline"), "--stage",
                          "oops", "--", "true"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "NAME=REGEX" in bad.stderr
