"""``archive index``: build or update the search index under build/search/."""

from __future__ import annotations

import click

from archive.config import Paths


@click.command("index")
@click.option("--rebuild", is_flag=True, help="Analyse every article again, from scratch.")
@click.option("--status", "status_only", is_flag=True,
              help="Only say whether the index is up to date (exit 1 if not).")
@click.pass_obj
def index_cmd(paths: Paths, rebuild: bool, status_only: bool) -> None:
    """Build or update the search index (only changed articles are analysed again)."""
    if not rebuild and not status_only:
        # the freshness note says there is nothing to do: the index code is not even imported
        # (Whoosh, the analyzer, the corpus loader: ~0.1 CPU s of a rebuild's `archive index`)
        from archive.freshnote import unchanged

        found = unchanged(paths)
        if found is not None:
            gen, total = found
            click.echo(f"index is up to date ({total} articles) → {paths.rel(gen)}")
            return
    from archive.index.build import index_status, update_index

    if status_only:
        st = index_status(paths)
        stale = "index is stale: " + "; ".join(st.reasons)
        click.echo("index is up to date" if st.fresh else stale)
        raise SystemExit(0 if st.fresh else 1)
    report = update_index(paths, rebuild=rebuild)
    if report.changed:
        from archive.search.service import leave_for_search

        leave_for_search(paths)  # what the first `archive search` would make
    where = paths.rel(report.generation) if report.generation else "build/search"
    if report.changed:
        click.echo(f"index: {report.summary()} in {report.seconds:.1f} s → {where}")
    else:
        click.echo(f"index is up to date ({report.total} articles) → {where}")
    errors = [p for p in report.problems if p.severity == "error"]
    for p in errors:
        click.echo(str(p), err=True)
    if errors:
        click.echo(f"{len(errors)} file(s) could not be indexed; see above", err=True)
