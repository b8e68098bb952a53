"""Run a command and measure it: wall time, CPU time, peak memory of the whole process tree.

Memory is sampled from /proc every ``interval`` seconds as the sum of the proportional set sizes
(PSS: resident memory with shared pages split between the sharers) of the command and all its
descendants (worker pools included), so short spikes between samples can be missed.
``max_rss_single`` (from ``wait4``) is the exact peak of the largest single process. CPU use is
sampled the same way, giving the busiest stretch in cores.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Run:
    cmd: list[str]
    returncode: int
    wall: float
    user: float
    sys: float
    peak_rss_tree: int  # bytes, sampled sum of PSS over the process tree
    max_rss_single: int  # bytes, exact (largest single process)
    peak_cores: float  # busiest sampling window, in cores
    output_tail: str = ""
    timed_out: bool = False
    samples: int = 0
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def cpu(self) -> float:
        return self.user + self.sys

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                stat = fh.read().decode("utf-8", "replace")
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def _tree(pid: int) -> list[int]:
    children = _children_map()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def _pss(pid: int) -> int | None:
    """Proportional set size in bytes (shared pages split between the processes sharing them,
    so forked workers are not counted twice); None if unreadable."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _stat(pid: int) -> tuple[int, int] | None:
    """(memory bytes, cpu ticks) of one process, or None if it has gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read().decode("utf-8", "replace")
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()
    utime, stime, rss = int(fields[11]), int(fields[12]), int(fields[21])
    pss = _pss(pid)
    return (pss if pss is not None else rss * PAGE), utime + stime


def run(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None,
        interval: float = 0.05, window: float = 0.5, timeout: float = 3600) -> Run:
    """Run ``cmd`` to completion, sampling its process tree; output is kept (last 4 KB)."""
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-{os.getpid()}-{time.monotonic_ns()}"
    with open(log, "wb") as out:
        t0 = time.perf_counter()
        # Own process group, so a timeout can stop the command and its workers together.
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
        timed_out = False
        killed_at: float | None = None
        peak_rss = 0
        peak_cores = 0.0
        samples = 0
        last_ticks: dict[int, int] = {}
        window_start, window_ticks = time.perf_counter(), 0
        status = rusage = None
        while True:
            waited, status, rusage = os.wait4(proc.pid, os.WNOHANG)
            if waited:
                break
            total_rss = 0
            for pid in _tree(proc.pid):
                st = _stat(pid)
                if st is None:
                    continue
                total_rss += st[0]
                window_ticks += st[1] - last_ticks.get(pid, st[1] if pid in last_ticks else 0)
                last_ticks[pid] = st[1]
            samples += 1
            peak_rss = max(peak_rss, total_rss)
            now = time.perf_counter()
            if now - window_start >= window:
                peak_cores = max(peak_cores, window_ticks / TICKS / (now - window_start))
                window_start, window_ticks = now, 0
            if now - t0 > timeout and not timed_out:
                # SIGTERM first, so the command can record what it measured so far; SIGKILL
                # the whole group if it is still there 15 s later.
                timed_out = True
                killed_at = now
                os.killpg(proc.pid, signal.SIGTERM)
            elif timed_out and killed_at is not None and now - killed_at > 15:
                killed_at = None
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(interval)
        wall = time.perf_counter() - t0
        if timed_out:
            try:  # workers left behind by a command that exited on SIGTERM
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if time.perf_counter() - window_start >= window / 2 and window_ticks:
            peak_cores = max(peak_cores,
                             window_ticks / TICKS / (time.perf_counter() - window_start))
        proc.returncode = os.waitstatus_to_exitcode(status)
    tail = log.read_bytes()[-4096:].decode("utf-8", "replace")
    if timed_out:
        tail += f"\n[bench: stopped after the {timeout:.0f} s time limit]"
    log.unlink()
    assert rusage is not None
    return Run(cmd=cmd, returncode=proc.returncode, wall=wall, user=rusage.ru_utime,
               sys=rusage.ru_stime, peak_rss_tree=peak_rss,
               max_rss_single=rusage.ru_maxrss * 1024, peak_cores=peak_cores,
               output_tail=tail, samples=samples, timed_out=timed_out)
