"""``archive search``: full-text search of the archive (form > stem > root)."""

from __future__ import annotations

import json
import sys

import click

from archive.config import Paths


def _fail(message: str) -> None:
    click.echo(message, err=True)
    raise SystemExit(2)


@click.command("search")
@click.argument("query", nargs=-1, required=True)
@click.option("--place", help="Only articles about this place (id, name or alias; places"
              " inside it count).")
@click.option("--actor", help="Only articles naming this actor (id, name or alias).")
@click.option("--source", help="Only articles from this source (part of its name).")
@click.option("--from", "date_from", metavar="DATE", help="Only articles dated on or after"
              " DATE (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--to", "date_to", metavar="DATE", help="Only articles dated on or before DATE.")
@click.option("--mode", type=click.Choice(["exact", "stem", "root"]), default="root",
              show_default=True, help="Match exact forms only, also light stems, or also roots.")
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON object (schema in README.md).")
@click.pass_obj
def search_cmd(paths: Paths, query: tuple[str, ...], place: str | None, actor: str | None,
               source: str | None, date_from: str | None, date_to: str | None, mode: str,
               limit: int, as_json: bool) -> None:
    """Search the articles. QUERY: words (all must match), OR, NOT/-word, "a phrase",
    جذر:فوض / root:فوض, gazetteer names (Daraa, بصرى الشام)."""
    from archive.analysis import normalize
    from archive.search.engine import (
        MARK_CLOSE,
        MARK_OPEN,
        Filters,
        open_view,
        resolve_entities,
        search,
        valid_date,
    )
    from archive.search.query import QueryError, parse
    from archive.search.service import freshen, query_analyzer

    text = " ".join(query)
    for name, value in (("--from", date_from), ("--to", date_to)):
        if value is not None and not valid_date(value):
            _fail(f"{name} {value!r}: not a date — write YYYY, YYYY-MM or YYYY-MM-DD"
                  f" / تاريخ غير صالح")
    try:
        analyzer, gazetteer = query_analyzer(paths)
        node = parse(text, analyzer)
        filters = Filters(
            places=resolve_entities(gazetteer, "place", place) if place else None,
            actors=resolve_entities(gazetteer, "actor", actor) if actor else None,
            source=normalize(source) if source else None,
            date_from=date_from, date_to=date_to,
        )
    except QueryError as exc:
        _fail(str(exc))
        return
    freshen(paths, lambda msg: click.echo(msg, err=True))
    with open_view(paths) as view:
        result = search(view, text, node=node, mode=mode, limit=limit, filters=filters)

    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
        return
    if not result.total:
        click.echo(f"no results for {text}")
        return
    shown = len(result.results)
    more = f", showing {shown}" if shown < result.total else ""
    click.echo(f"{result.total} result{'s' if result.total != 1 else ''} for {text}{more}")
    tty = sys.stdout.isatty()
    for rank, r in enumerate(result.results, 1):
        snip = r.snippet
        if tty:
            snip = snip.replace(MARK_OPEN, "\x1b[1;33m").replace(MARK_CLOSE, "\x1b[0m")
        click.echo("")
        click.echo(f"{rank}. {r.title}")
        click.echo(f"   {r.date or '—'} · {r.source or '—'} · {r.path} · score {r.score:.4f}")
        click.echo(f"   {snip}")
