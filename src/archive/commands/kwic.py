"""``archive kwic``: keyword-in-context concordance of a word's root, stem or form."""

from __future__ import annotations

from pathlib import Path

import click

from archive.commands.search import AUTO, emit, one_shot, out_option
from archive.config import Paths


@click.command("kwic")
@click.argument("term", nargs=-1, required=True)
@click.option("--mode", type=click.Choice(["exact", "stem", "root"]), default="root",
              show_default=True, help="Occurrences of the same root, light stem or exact form.")
@click.option("--width", type=click.IntRange(min=5), default=40, show_default=True,
              help="Characters of context on each side.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the concordance to this CSV file (id,date,title,left,keyword,right,"
                   "position,url; UTF-8 with BOM, CRLF) instead.")
@click.option("--json", "as_json", is_flag=True,
              help='JSON: {"query", "mode", "total", "lines": [{id, date, title, left, keyword,'
                   ' right, position, url}]}.')
@out_option
@click.pass_obj
def kwic_cmd(paths: Paths, term: tuple[str, ...], mode: str, width: int,
             csv_path: Path | None, as_json: bool, out: str | None) -> None:
    """Every occurrence of TERM in the archive, with article id and word position."""
    scan = one_shot(paths)
    from archive.search.engine import open_view
    from archive.search.export import write_text
    from archive.search.kwic import concordance, format_lines, lines_csv, lines_json
    from archive.search.query import QueryError, parse
    from archive.search.service import freshen, query_analyzer

    text = " ".join(term)
    if csv_path is not None and (as_json or out is not None):
        click.echo("--csv FILE writes CSV: leave out --json and --out / اختر صيغة واحدة",
                   err=True)
        raise SystemExit(2)
    try:
        analyzer, gazetteer = query_analyzer(paths)
        parse(text, analyzer)
    except QueryError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(2) from None
    freshen(paths, lambda msg: click.echo(msg, err=True), gazetteer, scan)
    with open_view(paths) as view:
        try:
            lines = concordance(view, text, mode=mode, width=width, analyzer=analyzer)
        except QueryError as exc:
            click.echo(str(exc), err=True)
            raise SystemExit(2) from None
    if csv_path is not None:
        try:
            write_text(csv_path, lines_csv(lines))
        except OSError as exc:
            click.echo(f"cannot write {csv_path}: {exc.strerror or exc} / تعذرت الكتابة",
                       err=True)
            raise SystemExit(2) from None
        click.echo(f"{len(lines)} occurrence(s) of {text} written to {csv_path}", err=True)
        return
    if as_json:
        emit(lines_json(text, mode, lines), out, "kwic", text, "json")
        return
    if out is not None:
        fmt = "json" if out != AUTO and Path(out).suffix.lower() == ".json" else "csv"
        content = lines_json(text, mode, lines) if fmt == "json" else lines_csv(lines)
        emit(content, out, "kwic", text, fmt)
        return
    if not lines:
        click.echo(f"no occurrences of {text}")
        return
    for line in format_lines(lines, width):
        click.echo(line)
