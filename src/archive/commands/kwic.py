"""``archive kwic``: keyword-in-context concordance of a word's root, stem or form."""

from __future__ import annotations

from pathlib import Path

import click

from archive.config import Paths


@click.command("kwic")
@click.argument("term", nargs=-1, required=True)
@click.option("--mode", type=click.Choice(["exact", "stem", "root"]), default="root",
              show_default=True, help="Occurrences of the same root, light stem or exact form.")
@click.option("--width", type=click.IntRange(min=5), default=40, show_default=True,
              help="Characters of context on each side.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the concordance to this CSV file (UTF-8 with BOM) instead.")
@click.pass_obj
def kwic_cmd(paths: Paths, term: tuple[str, ...], mode: str, width: int,
             csv_path: Path | None) -> None:
    """Every occurrence of TERM in the archive, with article id and word position."""
    from archive.search.engine import open_view
    from archive.search.kwic import concordance, format_lines, write_csv
    from archive.search.query import QueryError, parse
    from archive.search.service import freshen, query_analyzer

    text = " ".join(term)
    try:
        analyzer, _ = query_analyzer(paths)
        parse(text, analyzer)
    except QueryError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(2) from None
    freshen(paths, lambda msg: click.echo(msg, err=True))
    with open_view(paths) as view:
        try:
            lines = concordance(view, text, mode=mode, width=width, analyzer=analyzer)
        except QueryError as exc:
            click.echo(str(exc), err=True)
            raise SystemExit(2) from None
    if csv_path is not None:
        write_csv(lines, csv_path)
        click.echo(f"{len(lines)} occurrence(s) of {text} written to {csv_path}", err=True)
        return
    if not lines:
        click.echo(f"no occurrences of {text}")
        return
    for line in format_lines(lines, width):
        click.echo(line)
