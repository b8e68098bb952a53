"""``archive trend``: matching articles per month for a query, normalised by the month."""

from __future__ import annotations

import click

from archive.commands.search import (
    emit,
    export_format,
    filter_options,
    one_shot,
    out_option,
    parse_query,
)
from archive.config import Paths

BAR = 30


@click.command("trend")
@click.argument("query", nargs=-1, required=True)
@filter_options
@click.option("--json", "as_json", is_flag=True,
              help='JSON: {"query", "mode", "months": [{month, matching, articles, share}],'
                   ' "unplaced": {matching, articles}}.')
@click.option("--csv", "as_csv", is_flag=True,
              help="CSV: month,matching,articles,share (UTF-8 with BOM, CRLF).")
@out_option
@click.pass_obj
def trend_cmd(paths: Paths, query: tuple[str, ...], place: str | None, actor: str | None,
              source: str | None, date_from: str | None, date_to: str | None, mode: str,
              as_json: bool, as_csv: bool, out: str | None) -> None:
    """Matching articles per month for QUERY, over the month's articles.

    Same query language, modes and filters as search; every month from the archive's first
    dated month to its last, then the articles in no month (year only, undated)."""
    scan = one_shot(paths)
    from archive.search.engine import open_view
    from archive.search.service import freshen
    from archive.search.trend import trend

    text = " ".join(query)
    fmt = export_format(as_json, as_csv, out)
    node, filters, gazetteer = parse_query(paths, text, place, actor, source, date_from, date_to)
    freshen(paths, lambda msg: click.echo(msg, err=True), gazetteer, scan)
    with open_view(paths) as view:
        series = trend(view, text, node, mode=mode, filters=filters)
    if fmt == "json":
        emit(series.json(), out, "trend", text, "json")
        return
    if fmt == "csv":
        emit(series.csv(), out, "trend", text, "csv")
        return
    total = sum(m.matching for m in series.months) + series.unplaced_matching
    click.echo(f"{total} matching article{'s' if total != 1 else ''} for {text}"
               f" ({mode}), per month: matching / articles = share")
    top = max((m.share for m in series.months), default=0.0) or 1.0
    for m in series.months:
        bar = "█" * round(BAR * m.share / top)
        click.echo(f"{m.month}  {m.matching:>6} / {m.articles:<6} {m.share:8.4f}  {bar}")
    click.echo(f"no month  {series.unplaced_matching:>6} / {series.unplaced_articles:<6}"
               " (dated by year only or undated)")
