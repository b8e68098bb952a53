"""``archive check``: validate the input files and list every problem."""

from __future__ import annotations

from collections import defaultdict

import click

from archive.config import Paths
from archive.errors import Problem

#: how many files a summarised warning names before "and N more"
WARNING_EXAMPLES = 3


def _printable(text: str) -> str:
    """One line, and no lone surrogates (a file name that is not UTF-8) to crash the output."""
    return " ".join(text.split("\n")).encode("utf-8", "replace").decode("utf-8")


def _where(p: Problem) -> str:
    return f"{p.path}:{p.line}" if p.line else p.path


def format_error(p: Problem) -> str:
    """``path:line: message — hint`` on one line."""
    return _printable(f"{_where(p)}: {p.message}" + (f" — {p.hint}" if p.hint else ""))


def summarise_warnings(warnings: list[Problem]) -> list[str]:
    """One line per kind of warning (same message and hint), naming a few of the places."""
    groups: dict[tuple[str, str], list[Problem]] = defaultdict(list)
    for w in warnings:
        groups[(w.message, w.hint)].append(w)
    lines = []
    for (message, hint), items in sorted(groups.items(), key=lambda g: (g[1][0].path, g[0])):
        places = [_where(p) for p in items[:WARNING_EXAMPLES]]
        more = len(items) - len(places)
        where = ", ".join(places) + (f" and {more} more" if more else "")
        line = f"{where}: {message}" + (f" — {hint}" if hint else "")
        lines.append(_printable(line))
    return lines


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
