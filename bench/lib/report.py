"""The Markdown report of a bench/run: figures per archive size, growth, targets."""

from __future__ import annotations

from typing import Any

from lib.sizes import fmt_bytes

#: Issue 12's targets (the largest size measured is the one they apply to: 31,030 articles).
TARGETS = {
    "ratio": 1.5,            # cold build CPU / (plain Material + Pagefind over its pages)
    "rebuild_share": 0.10,   # one changed, added or deleted article / cold build
    "none_share": 0.05,      # nothing changed / cold build
    "peak_memory": 1.5 * 1024**3,
    "exponent": 1.05,        # growth of build time
    "memory_exponent": 0.5,  # growth of peak memory
    "search_inprocess": 0.150,
    "search_cli": 0.5,
    "parallel_speedup": 1.6,
}

#: The order stages are listed in (report.json is saved with sorted keys).
STAGE_ORDER = [
    "load", "analyze", "entities (site data)", "Whoosh index",
    "Whoosh index (`archive index`, separate step)", "browser index", "open data export",
    "page generation (our Jinja pages)", "MkDocs rendering (Markdown, theme templates, writing)",
    "MkDocs other (config, files, static copy)", "process start-up and imports",
]


def _stage_key(label: str) -> tuple[int, str]:
    bare = label.removeprefix("stage: ")
    return (STAGE_ORDER.index(bare) if bare in STAGE_ORDER else len(STAGE_ORDER), label)


def _s(x: float | None, digits: int = 2) -> str:
    return "—" if x is None else f"{x:.{digits}f} s"


def _x(x: float | None, digits: int = 2) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f} %"


def _run(d: dict[str, Any] | None, key: str = "wall") -> str:
    """A measured command's time, or why there is none."""
    if not d:
        return "—"
    if d.get("returncode", 0) != 0:
        how = "**timed out**" if d.get("timed_out") else "**failed**"
        return f"{how} after {d['wall']:.0f} s"
    return _s(d.get(key))


def _times(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}×"


def _status(value: float | None, limit: float, measured_at: int | None, full_n: int) -> str:
    if value is None:
        return "not measured"
    verdict = "met" if value <= limit else "**NOT met**"
    if measured_at is not None and measured_at < full_n:
        verdict += f" (at N = {measured_at:,}, not {full_n:,})"
    return verdict


def _fold_groups(groups: dict[str, dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Size groups folded to three levels (``search/data/pos/<k>`` → ``search/data/pos``):
    one row per kind of search data, not one per shard folder."""
    out: dict[str, dict[str, int]] = {}
    for name, values in groups.items():
        key = "/".join(name.split("/")[:3])
        into = out.setdefault(key, {})
        for k, v in values.items():
            if isinstance(v, int | float):
                into[k] = into.get(k, 0) + int(v)
    return out


def _search_bytes(row: dict[str, Any]) -> int | None:
    groups = [v for g, v in (row.get("search_data") or {}).items()
              if g == "search" or g.startswith("search/")]
    return sum(int(v["apparent"]) for v in groups) if groups else None


def render(results: dict[str, Any]) -> str:
    m = results["machine"]
    sizes = results["sizes"]
    lines: list[str] = []
    add = lines.append
    add("# Benchmarks")
    add("")
    add(f"Latest run: **{results['date']}** on {m['cpu']} ({m['cores']} cores, "
        f"{m['memory_gb']:.0f} GB RAM), {m['os']}, Python {m['python']}, "
        f"MkDocs {m['mkdocs']}, Material {m['material']}; repository at "
        f"`{results['commit']}`. Load average at start: {m['loadavg']} (other jobs share this "
        "machine, so compare ratios rather than absolute times).")
    if "c_modules" in results:  # (runs from before the C modules do not say)
        used = results["c_modules"]
        add("")
        add("C modules used: " + (", ".join(f"`{n}`" for n in used) if used else
                                  "**none** (pure Python: no compiler, or turned off)") + ".")
    add("")
    # a caveat written by whoever ran it (report.json "caveat"), kept across --render-only
    if results.get("caveat"):
        add(f"**Read with care (added by hand after the run):** {results['caveat']}")
        add("")
    corpus = next((r["corpus"] for r in sizes if r.get("corpus")), None)
    if corpus:
        add(f"Reproduce with one command: `{results['command']}`. The archives hold the first N "
            f"articles of the real corpus in `{corpus}` (`archive import --limit N`; records "
            "without text are reported and skipped, so an archive may hold a few fewer), with "
            "the repository's gazetteer; they are never published.")
    else:
        add(f"Reproduce with one command: `{results['command']}`. The archives are synthetic "
            "(`archive synth N --seed 0`: Zipf-drawn words from the arramooz word-frequency "
            "list, inflected seed vocabulary, gazetteer names with clitics, ~85 % with front "
            "matter); they are never published.")
    add("")
    if results.get("unfinished"):
        add("**Run in progress or stopped:** sizes "
            + ", ".join(f"{n:,}" for n in results["unfinished"]) + " are not measured yet.")
        add("")
    if results.get("missing"):
        add("**Not measured yet** (the feature is not in the build yet, so nothing is invented "
            "for it):")
        add("")
        for item in results["missing"]:
            add(f"- {item}")
        add("")

    add("## Targets")
    add("")
    t = results["targets"]
    full_n = max([r["n"] for r in sizes] + list(results.get("unfinished") or []))
    at = t["n"]
    add(f"Issue 12's targets, evaluated at the largest size measured (N = {at:,}). CPU time is "
        "user + sys of the build and its workers; shares are of the cold build's CPU time.")
    add("")
    add("| Target | Limit | Measured | Status |")
    add("|---|---|---|---|")

    def target(label: str, limit: str, shown: str, value: float | None, bound: float,
               at_least: bool = False, where: int | None = at) -> None:
        if value is None:
            status = "not measured"
        else:
            status = "met" if (value >= bound if at_least else value <= bound) else "**NOT met**"
            if where is not None and where < full_n:
                status += f" (at N = {where:,}, not {full_n:,})"
        add(f"| {label} | {limit} | {shown} | {status} |")

    target("Cold build / (plain Material + Pagefind over its pages), CPU time",
           f"≤ {TARGETS['ratio']}×",
           f"{_times(t.get('ratio_peer_cpu'))} (wall {_times(t.get('ratio_peer'))}; "
           f"Material alone: CPU {_times(t.get('ratio_cpu'))}, wall {_times(t.get('ratio'))})",
           t.get("ratio_peer_cpu"), TARGETS["ratio"])
    for key, label in (("rebuild_cpu_share", "one changed article"),
                       ("rebuild_add_cpu_share", "one added article"),
                       ("rebuild_delete_cpu_share", "one deleted article")):
        target(f"Rebuild after {label} / cold build", "≤ 10 %", _pct(t.get(key)), t.get(key),
               TARGETS["rebuild_share"])
    target("Rebuild with nothing changed / cold build", "≤ 5 %",
           _pct(t.get("rebuild_none_cpu_share")), t.get("rebuild_none_cpu_share"),
           TARGETS["none_share"])
    peak = t["peak_memory"]
    peak_n = t.get("peak_memory_n", t["n"])
    stopped = bool(t.get("failed_larger")) and peak_n == t["failed_larger"]["n"]
    target("Peak memory of the build (all processes)", "≤ 1.5 GB",
           f"{'≥ ' if stopped else ''}{fmt_bytes(peak)}"
           f"{' (build stopped before the end)' if stopped else ''}", peak,
           TARGETS["peak_memory"], where=peak_n)
    ok_ns = [r["n"] for r in sizes if r["build"]["returncode"] == 0]
    span = f"N = {ok_ns[-2]:,} → {ok_ns[-1]:,}" if len(ok_ns) >= 2 else "—"
    target("Growth exponent of cold build CPU time (largest two sizes)",
           f"≤ {TARGETS['exponent']}", f"{_x(t.get('exponent_cpu'))} (wall {_x(t['exponent'])};"
           f" {span})", t.get("exponent_cpu"), TARGETS["exponent"], where=None)
    target("Growth exponent of peak memory (largest two sizes)",
           f"≤ {TARGETS['memory_exponent']}", f"{_x(t.get('memory_exponent'))} ({span})",
           t.get("memory_exponent"), TARGETS["memory_exponent"], where=None)
    target("`archive search`, p95 in process", "≤ 150 ms",
           _s(t.get("search_p95_inprocess"), 3), t.get("search_p95_inprocess"),
           TARGETS["search_inprocess"])
    target("`archive search`, p95 of a whole CLI call", "≤ 0.5 s",
           _s(t.get("search_p95_cli"), 3), t.get("search_p95_cli"), TARGETS["search_cli"])
    ours_b, pf_b = t.get("search_bytes_per_article"), t.get("pagefind_bytes_per_article")
    target("Search data on disk per article / Pagefind's", "≤ 1×",
           f"{fmt_bytes(ours_b) if ours_b else '—'} against "
           f"{fmt_bytes(pf_b) if pf_b else '— (not recorded in this run)'}",
           ours_b / pf_b if ours_b and pf_b else None, 1.0)
    target("Analysis uses both cores (speed-up with 2 workers)",
           f"≥ {TARGETS['parallel_speedup']}×", _times(t["parallel_speedup"]),
           t["parallel_speedup"], TARGETS["parallel_speedup"], at_least=True,
           where=max((r["n"] for r in sizes if r.get("parallel")), default=None))
    add("| Browser's first query ≤ 300 KB gzip; `mkdocs serve` reloads one edit in ≤ 2 s | "
        "| not measured by bench/run | see bench/report-browser-10000.md |")
    add("")

    fl = t.get("failed_larger")
    if fl:
        how = "timed out" if fl.get("timed_out") else "failed"
        add(f"The full build at N = {fl['n']:,} **{how}** after {fl['wall']:.0f} s, so the "
            f"targets above are evaluated at N = {t['n']:,}. At N = {fl['n']:,} the build "
            f"was already {_times(fl.get('ratio_at_least'))} the baseline when it stopped "
            f"(ratio target **NOT met**), with {fmt_bytes(fl.get('peak_memory_at_least'))} "
            "peak memory so far.")
        add("")
    add("## Build")
    add("")
    header = "| | " + " | ".join(f"N = {r['n']:,}" for r in sizes) + " |"
    add(header)
    add("|---|" + "---|" * len(sizes))

    def row(label: str, values: list[str]) -> None:
        add(f"| {label} | " + " | ".join(values) + " |")

    row("articles / words", [f"{r['articles']:,} / {r['words']:,}" for r in sizes])
    row("`mkdocs build` (wall)", [_s(r["build"].get("mkdocs_wall")) for r in sizes])
    row("`archive index`: Whoosh index (wall)", [_s(r["build"].get("index_wall"))
                                                 for r in sizes])
    row("**full build** (both, wall)", [_run(r["build"]) for r in sizes])
    row("CPU time (user + sys)", [_s(r["build"]["cpu"]) for r in sizes])
    row("busiest 0.5 s (cores)", [_x(r["build"]["peak_cores"], 1) for r in sizes])
    row("peak memory, all processes (PSS)",
        [fmt_bytes(r["build"]["peak_rss_tree"]) for r in sizes])
    row("peak memory, largest process (RSS)",
        [fmt_bytes(r["build"]["max_rss_single"]) for r in sizes])
    row("baseline: plain mkdocs-material + search (wall)",
        [_run(r.get("baseline")) for r in sizes])
    row("baseline CPU time",
        [_s(r["baseline"]["cpu"]) if r.get("baseline") else "—" for r in sizes])
    row("baseline peak memory",
        [fmt_bytes(r["baseline"]["peak_rss_tree"]) if r.get("baseline") else "—" for r in sizes])
    row("Pagefind over the baseline's pages (wall / CPU)",
        [f"{_run(r.get('pagefind'))} / {_s(r['pagefind']['cpu'])}" if r.get("pagefind") else "—"
         for r in sizes])
    row("ours / (baseline + Pagefind), wall / CPU",
        [f"{_times(r.get('ratio_peer'))} / {_times(r.get('ratio_peer_cpu'))}" for r in sizes])
    row("**ours (full build) / baseline**", [_times(r.get("ratio")) for r in sizes])
    row("ours / baseline in CPU time", [_times(r.get("ratio_cpu")) for r in sizes])
    row("ours (`mkdocs build` only) / baseline",
        [_times(r.get("ratio_mkdocs_only")) for r in sizes])
    row("rebuild after one changed article (`mkdocs build` + `archive index`)",
        [_run(r.get("rebuild")) for r in sizes])
    row("rebuild after one changed article (`mkdocs build --dirty` + `archive index`)",
        [_run(r.get("rebuild_dirty")) for r in sizes])
    row("best rebuild / full build", [_pct(r.get("rebuild_share")) for r in sizes])
    for kind, label in (("add", "one article added"), ("delete", "one article deleted"),
                        ("none", "nothing changed")):
        if any(r.get(f"rebuild_{kind}") for r in sizes):
            row(f"rebuild, {label} (wall / CPU / share of cold CPU)", [
                f"{_run(r.get(f'rebuild_{kind}'))} / {_s(r[f'rebuild_{kind}']['cpu'])} / "
                f"{_pct(r[f'rebuild_{kind}'].get('cpu_share'))}"
                if r.get(f"rebuild_{kind}") else "—" for r in sizes])
    row("rebuild, one article changed (CPU / share of cold CPU)", [
        f"{_s(r['rebuild']['cpu'])} / {_pct(r['rebuild']['cpu'] / r['build']['cpu'])}"
        if r.get("rebuild") and r["build"]["cpu"] else "—" for r in sizes])
    add("")

    add("### Stages of the full build")
    add("")
    add("Wall seconds per stage, timed around the functions that do the work while `mkdocs "
        "build` runs (bench/lib/timed_mkdocs.py; the plugin's own `build/timings.json` wins "
        "where it exists). \"—\" means the build has no such stage yet.")
    add("")
    add(header)
    add("|---|" + "---|" * len(sizes))
    labels = sorted({k for r in sizes for k in (r.get("stages") or {})}, key=_stage_key)
    for label in labels:
        row(label, [_s((r.get("stages") or {}).get(label)) for r in sizes])
    add("")
    last = sizes[-1]
    if last.get("rebuild_stages"):
        add(f"Stages of the rebuild after one changed article (`mkdocs build`, "
            f"N = {last['n']:,}):")
        add("")
        add("| stage | seconds |")
        add("|---|---|")
        for label, value in sorted(last["rebuild_stages"].items(),
                                   key=lambda kv: _stage_key(kv[0])):
            add(f"| {label} | {_s(value)} |")
        add("")

    add("## Sizes")
    add("")
    add(header)
    add("|---|" + "---|" * len(sizes))
    folded = [_fold_groups(r["search_data"]) for r in sizes]
    groups = sorted({g for f in folded for g in f if not g.startswith("assets")})
    for g in groups:
        row(f"site/`{g}`/ raw / gzip", [
            f"{fmt_bytes(f[g]['raw'])} / {fmt_bytes(f[g]['gzip'])}" if g in f else "—"
            for f in folded])
    if not groups:
        row("browser index and document store", ["not built yet"] * len(sizes))
    row("Whoosh index (build/)", [fmt_bytes(r["whoosh_bytes"]) if r["whoosh_bytes"] is not None
                                  else "not built yet" for r in sizes])
    row("whole site/", [fmt_bytes(r["site_bytes"]) for r in sizes])
    row("browser search (site/search/) on disk, per article", [
        f"{fmt_bytes(b)} / {fmt_bytes(b / r['articles'])}" if (b := _search_bytes(r)) and
        r["articles"] else "—" for r in sizes])
    row("Pagefind's bundle (pagefind/) on disk, per article", [
        f"{fmt_bytes(r['pagefind_bytes'])} / {fmt_bytes(r['pagefind_bytes'] / r['articles'])}"
        if r.get("pagefind_bytes") and r["articles"] else "—" for r in sizes])
    row("HTML pages", [f"{r['html_pages']:,}" for r in sizes])
    row("baseline `search/search_index.json` raw / gzip", [
        f"{fmt_bytes(r['baseline_index']['raw'])} / {fmt_bytes(r['baseline_index']['gzip'])}"
        if r.get("baseline_index") else "—" for r in sizes])
    add("")

    add("## Search latency")
    add("")
    q = results.get("queries") or []
    add(f"`archive search` over {len(q)} fixed queries"
        + (f" ({'، '.join(q)})" if q else "") + ". "
        "CLI: a fresh `archive search` process per query for the first "
        f"{results.get('cli_queries', len(q))} queries (what a user waits for, start-up "
        "included). In process: all queries parsed and run on one open index in a warm "
        "process.")
    add("")
    add(header)
    add("|---|" + "---|" * len(sizes))
    for key, label in (("cli", "CLI"), ("inprocess", "in process")):
        row(f"{label} p50 / p95", [
            f"{_s(r['search'][key]['p50'], 3)} / {_s(r['search'][key]['p95'], 3)}"
            if r.get("search") and r["search"].get(key) else "not available" for r in sizes])
    add("")

    add("## Growth")
    add("")
    add("Exponent *k* in time ∝ N^k, least squares of log time on log N. \"All sizes\" includes "
        "the fixed start-up cost, which flattens it; \"largest two\" is the local slope and is "
        "the one the target applies to (quadratic behaviour anywhere shows up there as k → 2).")
    add("")
    add("| | all sizes | largest two sizes |")
    add("|---|---|---|")
    growth = results["growth"]
    head = [k for k in growth if not k.startswith("stage: ")]
    order = [k for k in ("full build (ours)", "full build CPU time (ours)", "`mkdocs build` (ours)",
                         "baseline build", "baseline CPU time", "peak memory (ours)",
                         "rebuild after one change (ours)") if k in head]
    order += sorted(set(head) - set(order))
    order += sorted((k for k in growth if k.startswith("stage: ")), key=_stage_key)
    for label in order:
        value = growth[label]
        add(f"| {label} | {_x(value['all'])} | {_x(value['last'])} |")
    add("")
    if results.get("notes"):
        add("## Notes")
        add("")
        for note in results["notes"]:
            add(f"- {note}")
        add("")
    return "\n".join(lines)
