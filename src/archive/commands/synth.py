"""``archive synth``: write a synthetic archive of N articles for benchmarks."""

from __future__ import annotations

import time
from pathlib import Path

import click

from archive.errors import ArchiveError


@click.command("synth")
@click.argument("n", type=click.IntRange(min=0))
@click.option("--out", "out", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write (new, empty, or made by an earlier `archive synth`).")
@click.option("--seed", default=0, show_default=True, type=int,
              help="Random seed: the same seed gives the same bytes.")
@click.pass_obj
def synth_cmd(paths: object, n: int, out: Path, seed: int) -> None:
    """Write N synthetic articles (seeds/ format, with the gazetteer and a mkdocs.yml) to OUT.

    For measuring the build at scale only; the articles are random text and must never be
    published. Build the result with `mkdocs build -f OUT/mkdocs.yml`.
    """
    from archive.config import Paths
    from archive.synth import synthesize

    assert isinstance(paths, Paths)
    t0 = time.perf_counter()
    try:
        result = synthesize(n, out, seed=seed, repo=paths)
    except ArchiveError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise SystemExit(2) from exc
    click.echo(
        f"wrote {result.articles} articles ({result.with_front_matter} with front matter, "
        f"{result.words} words) to {out}/seeds in {time.perf_counter() - t0:.1f} s"
    )
synth = synth_cmd  # the name the lead's COMMANDS entry may use
