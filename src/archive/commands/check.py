"""``archive check``: validate the input files and list every problem."""

from __future__ import annotations

import click

from archive.config import Paths
from archive.errors import format_error, summarise_warnings


@click.command("check")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.pass_obj
def check(paths: Paths, strict: bool) -> None:
    """Validate seeds/ (articles, gazetteer): list every error; exit 1 if any."""
    from archive.checks import collect_problems

    problems = collect_problems(paths)
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    if strict:
        errors, warnings = errors + warnings, []
    for p in errors:
        click.echo(f"error: {format_error(p)}")
    if warnings:
        click.echo(f"{len(warnings)} warning(s):")
        for line in summarise_warnings(warnings):
            click.echo(f"  warning: {line}")
    if errors:
        click.echo(f"{len(errors)} error(s) in {len({p.path for p in errors})} file(s)"
                   " — fix them and run 'archive check' again")
        raise SystemExit(1)
    click.echo("ok: no errors")
