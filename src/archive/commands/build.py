"""``archive build``: build the website, exactly as ``mkdocs build`` does."""

from __future__ import annotations

import click

from archive.config import Paths


@click.command("build")
@click.option("--strict/--no-strict", default=True, show_default=True,
              help="Fail on any MkDocs warning, as CI does.")
@click.option("--site-dir", default=None, help="Where to write the site (default: site/).")
@click.pass_obj
def build_cmd(paths: Paths, strict: bool, site_dir: str | None) -> None:
    """Build the website from seeds/ into site/ (runs mkdocs build with the archive plugin)."""
    import logging

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.addHandler(handler)
    mkdocs_log.setLevel(logging.INFO)
    overrides: dict[str, object] = {"strict": strict}
    if site_dir:
        overrides["site_dir"] = site_dir
    try:
        config = load_config(str(paths.root / "mkdocs.yml"), **overrides)  # type: ignore[arg-type]
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    except MkDocsException as exc:
        raise click.ClickException(str(exc)) from None
