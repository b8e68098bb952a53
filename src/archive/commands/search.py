"""``archive search``: full-text search of the archive (form > stem > root)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from archive.config import Paths

#: ``--out`` given without a file name: the default name (``<kind>-<query>-<date>.<ext>``).
AUTO = ""


def _fail(message: str) -> None:
    click.echo(message, err=True)
    raise SystemExit(2)


def filter_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """The filter and mode options of ``archive search`` (shared with ``archive trend``)."""
    options = [
        click.option("--place", help="Only articles about this place (id, name or alias; places"
                     " inside it count)."),
        click.option("--actor", help="Only articles naming this actor (id, name or alias)."),
        click.option("--source", help="Only articles from this source (part of its name)."),
        click.option("--from", "date_from", metavar="DATE", help="Only articles dated on or"
                     " after DATE (YYYY, YYYY-MM or YYYY-MM-DD)."),
        click.option("--to", "date_to", metavar="DATE",
                     help="Only articles dated on or before DATE."),
        click.option("--mode", type=click.Choice(["exact", "stem", "root"]), default="root",
                     show_default=True,
                     help="Match exact forms only, also light stems, or also roots."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def out_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--out", metavar="[FILE]", is_flag=False, flag_value=AUTO, default=None,
        help="Write the export to FILE (format from --json/--csv, else from the extension);"
             " without FILE: <kind>-<query>-<today>.csv|json in the current folder.")(f)


def one_shot(paths: Paths) -> Any:
    """What a command that answers once and exits does first: seeds/ scanned in a thread
    (:class:`archive.search.service.SeedScan`) for the freshness check, and the cyclic
    garbage collector off (the process ends soon; it would only walk the loaded tables and
    the postings again and again; it is on again when the command's context closes), and no
    teardown of the interpreter after it (:data:`archive.cli.QUICK_EXIT`)."""
    import gc

    from archive import cli

    cli.QUICK_EXIT = True
    if gc.isenabled():  # before the imports below (Whoosh, the index code) too
        gc.disable()
        click.get_current_context().call_on_close(gc.enable)  # e.g. for a CliRunner caller
    from archive.search.service import SeedScan

    return SeedScan(paths)


def parse_query(paths: Paths, text: str, place: str | None, actor: str | None,
                source: str | None, date_from: str | None, date_to: str | None
                ) -> tuple[Any, Any, Any]:
    """The parsed query, its filters and the gazetteer read for them (for :func:`freshen`);
    a bad date, query or name exits 2 with a message."""
    from archive.analysis import normalize
    from archive.search.engine import Filters, resolve_entities, valid_date
    from archive.search.query import QueryError, parse
    from archive.search.service import query_analyzer

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
        raise AssertionError from exc  # not reached
    return node, filters, gazetteer


def export_format(as_json: bool, as_csv: bool, out: str | None) -> str | None:
    """``json``, ``csv`` or None (the text listing), from the flags and ``--out``'s name."""
    if as_json and as_csv:
        _fail("--json and --csv: choose one / اختر صيغة واحدة")
    if as_json:
        return "json"
    if as_csv:
        return "csv"
    if out is not None:
        return "json" if Path(out).suffix.lower() == ".json" else "csv"
    return None


def emit(content: str, out: str | Path | None, kind: str, query: str, fmt: str) -> None:
    """Write an export to ``--out`` (saying where on stderr) or to standard output."""
    from archive.search.export import default_name, write_text

    if out is None:
        click.echo(content, nl=False)
        return
    path = Path(default_name(kind, query, fmt) if out == AUTO else out)
    try:
        write_text(path, content)
    except OSError as exc:
        _fail(f"cannot write {path}: {exc.strerror or exc} / تعذرت الكتابة")
    click.echo(f"written to {path}", err=True)


@click.command("search")
@click.argument("query", nargs=-1, required=True)
@filter_options
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON object (schema in README.md).")
@click.option("--csv", "as_csv", is_flag=True,
              help="CSV: rank,id,date,title,source,score,url (UTF-8 with BOM, CRLF).")
@out_option
@click.pass_obj
def search_cmd(paths: Paths, query: tuple[str, ...], place: str | None, actor: str | None,
               source: str | None, date_from: str | None, date_to: str | None, mode: str,
               limit: int, as_json: bool, as_csv: bool, out: str | None) -> None:
    """Search the articles. QUERY: words (all must match), OR, NOT/-word, "a phrase",
    جذر:فوض / root:فوض, gazetteer names (Daraa, بصرى الشام)."""
    from archive.search.service import freshen

    scan = one_shot(paths)
    from archive.search.engine import MARK_CLOSE, MARK_OPEN, open_view, search
    from archive.search.export import json_text, results_csv

    text = " ".join(query)
    fmt = export_format(as_json, as_csv, out)
    node, filters, gazetteer = parse_query(paths, text, place, actor, source, date_from, date_to)
    freshen(paths, lambda msg: click.echo(msg, err=True), gazetteer, scan)
    with open_view(paths) as view:
        result = search(view, text, node=node, mode=mode, limit=limit, filters=filters)

    if fmt == "json":
        if out is None:  # unchanged public interface: one JSON object, indent 1
            click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
        else:
            emit(json_text(result.to_json()), out, "results", text, "json")
        return
    if fmt == "csv":
        emit(results_csv(result), out, "results", text, "csv")
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
