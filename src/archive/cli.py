"""The ``archive`` command line. Each subcommand lives in its own module under
``archive.commands`` and is listed in ``COMMANDS``; a module is imported only when its command
runs (or ``--help`` lists it), so that ``archive search`` does not import the build, the
importer and the rest."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import Any

import click

from archive import __version__

#: (name, module, attribute) of each subcommand (``archive --help`` lists them by name).
COMMANDS: list[tuple[str, str, str]] = [
    ("build", "archive.commands.build", "build_cmd"),
    ("analyze", "archive.commands.analyze", "analyze_cmd"),
    ("check", "archive.commands.check", "check"),
    ("import", "archive.commands.import_", "import_cmd"),
    ("synth", "archive.commands.synth", "synth_cmd"),
    ("entities", "archive.commands.entities", "entities_cmd"),
    ("index", "archive.commands.index", "index_cmd"),
    ("search", "archive.commands.search", "search_cmd"),
    ("kwic", "archive.commands.kwic", "kwic_cmd"),
    ("trend", "archive.commands.trend", "trend_cmd"),
]


#: Set by a command that only reads and prints (:func:`archive.commands.search.one_shot`): the
#: program then leaves without tearing the interpreter down (see :meth:`LazyGroup.__call__`).
QUICK_EXIT = False


class LazyGroup(click.Group):
    """A group whose subcommands (:data:`COMMANDS`) are imported when first asked for."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """The program's entry point (the ``archive`` script, ``python -m archive``; a test's
        ``CliRunner`` calls :meth:`main` instead). After a command that set
        :data:`QUICK_EXIT` ends with an exit status, the output is flushed and the process
        ends at once: freeing every loaded table and posting one object at a time would cost
        a search call tens of milliseconds for nothing. (A program that calls ``archive`` in
        its own process and goes on afterwards calls :meth:`main`, as ``CliRunner`` does.)"""
        global QUICK_EXIT
        QUICK_EXIT = False
        try:
            return self.main(*args, **kwargs)
        except SystemExit as exc:
            code = exc.code
            if not QUICK_EXIT or not (code is None or isinstance(code, int)):
                raise
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):  # a closed pipe (`archive search … | head`)
                code = code or 1
        os._exit(code or 0)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name, _, _ in COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            for name, module, attr in COMMANDS:
                if name == cmd_name:
                    command = getattr(importlib.import_module(module), attr)
                    if command.name != name:
                        raise RuntimeError(f"{module}.{attr} is {command.name!r}, COMMANDS"
                                           f" says {name!r}")
                    self.add_command(command)
                    break
        return self.commands.get(cmd_name)


@click.group(
    cls=LazyGroup,
    context_settings={
        "help_option_names": ["-h", "--help"],
        "max_content_width": 120,
        "terminal_width": 120,
    },
)
@click.version_option(__version__, prog_name="archive")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Repository root (default: the folder holding mkdocs.yml and seeds/).",
)
@click.pass_context
def main(ctx: click.Context, root: Path | None) -> None:
    """Arabic news archive: check, index, search and study the articles in seeds/."""
    from archive.config import Paths, default_paths

    ctx.obj = Paths(root.resolve()) if root else default_paths()
