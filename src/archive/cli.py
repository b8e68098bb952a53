"""The ``archive`` command line. Each subcommand lives in its own module under
``archive.commands`` and is listed in ``COMMANDS``."""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from archive import __version__

#: (module, attribute) of each subcommand, in the order ``archive --help`` lists them.
COMMANDS: list[tuple[str, str]] = [
    ("archive.commands.build", "build_cmd"),
    ("archive.commands.analyze", "analyze_cmd"),
    ("archive.commands.check", "check"),
    ("archive.commands.import_", "import_cmd"),
    ("archive.commands.synth", "synth_cmd"),
    ("archive.commands.entities", "entities_cmd"),
    ("archive.commands.index", "index_cmd"),
    ("archive.commands.search", "search_cmd"),
    ("archive.commands.kwic", "kwic_cmd"),
    ("archive.commands.trend", "trend_cmd"),
]


@click.group(
    context_settings={
        "help_option_names": ["-h", "--help"],
        "max_content_width": 120,
        "terminal_width": 120,
    }
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


for _module, _attr in COMMANDS:
    main.add_command(getattr(importlib.import_module(_module), _attr))
