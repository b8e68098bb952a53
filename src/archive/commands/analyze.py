"""``archive analyze``: show how the analyzer reads a text."""

from __future__ import annotations

import json

import click


@click.command("analyze")
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help="Print tokens as JSON lines.")
def analyze_cmd(text: str, as_json: bool) -> None:
    """Show each token of TEXT with its normalized form, light stem and root.

    For a name that is also a common word, the common word's root is shown too (~root): only
    جذر: queries reach it."""
    from archive.analysis import Analyzer

    for t in Analyzer().analyze(text):
        if as_json:
            click.echo(json.dumps(
                {"form": t.form, "start": t.start, "end": t.end, "normalized": t.normalized,
                 "stem": t.stem, "root": t.root, "entity": t.entity, "alt": t.alt},
                ensure_ascii=False,
            ))
        else:
            alt = f"\t~{t.alt}" if t.alt else ""
            click.echo(f"{t.form}\t{t.normalized}\t{t.stem}\t{t.root}\t{t.entity or ''}{alt}")
