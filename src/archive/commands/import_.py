"""``archive import``: bring an existing dump (JSON, JSON Lines, CSV, zips) into seeds/."""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

import click

from archive.config import Paths

#: how many reported records of each kind the summary names (all with --verbose or --report)
EXAMPLES = 5


def load_source_names(path: Path) -> dict[str, str]:
    """A YAML mapping ``source id: name to write`` (e.g. ``aawsat: الشرق الأوسط``)."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise click.BadParameter(f"{path}: cannot be read: {' '.join(str(exc).split())}",
                                 param_hint="--source-names") from None
    if not isinstance(data, dict) or not all(
            isinstance(v, (str, int)) and str(v).strip() for v in data.values()):
        raise click.BadParameter(f"{path}: write one 'source id: name' line per source",
                                 param_hint="--source-names")
    return {str(k).strip(): " ".join(str(v).split()) for k, v in data.items()}


def _total(sources: tuple[str, ...]) -> int:
    from archive.importer.readers import find_inputs

    return sum(i.size for i in find_inputs(list(sources)))


class _LogProgress:
    """Progress as plain lines on stderr ("importing: 30%"), for logs."""

    def __init__(self, total: int) -> None:
        self.total, self.done, self.shown = max(total, 1), 0, -1

    def __call__(self, n: int) -> None:
        self.done += n
        tenth = min(10, self.done * 10 // self.total)
        if tenth > self.shown:
            self.shown = tenth
            click.echo(f"importing: {tenth * 10}%", err=True)


@click.command("import")
@click.argument("sources", nargs=-1, required=True)
@click.option("--map", "maps", multiple=True, metavar="FIELD=COLUMN",
              help="Take FIELD (title, date, source, url, author, places, actors, tags, body) "
                   "from COLUMN; FIELD= imports nothing for it. Repeatable.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write the .md files to (default: seeds/ of the archive).")
@click.option("--source", "default_source", metavar="NAME",
              help="Source for records that have none.")
@click.option("--source-names", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="YAML file 'source id: name': the name written for each source id.")
@click.option("--keep", multiple=True, metavar="COLUMN",
              help="Keep an unmapped COLUMN as an extra front-matter key (archive check warns "
                   "about extra keys). Repeatable.")
@click.option("--keep-reprints", is_flag=True,
              help="Import a text another source already gave (a reprint); by default every "
                   "repeated text is reported as a duplicate.")
@click.option("--date-format", metavar="FMT",
              help="strptime format of the dump's dates, e.g. '%d/%m/%Y' (default: guess "
                   "ISO, RFC 2822 and written-out dates).")
@click.option("--overwrite", is_flag=True,
              help="Replace files that exist with different content (default: keep and report).")
@click.option("--dry-run", is_flag=True, help="Read and report, write nothing.")
@click.option("--limit", type=click.IntRange(min=0), metavar="N",
              help="Read only the first N records.")
@click.option("--report", "report_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write every reported record to this CSV file (kind, file, record, line, id, "
                   "detail; UTF-8 with BOM).")
@click.option("-v", "--verbose", is_flag=True, help="List every reported record.")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar on stderr (default: when stderr is a terminal).")
@click.pass_obj
def import_cmd(paths: Paths, sources: tuple[str, ...], maps: tuple[str, ...], out: Path | None,
               default_source: str | None, source_names: Path | None, keep: tuple[str, ...],
               keep_reprints: bool, date_format: str | None, overwrite: bool, dry_run: bool,
               limit: int | None, report_file: Path | None, verbose: bool,
               progress: bool | None) -> None:
    """Import articles from JSON, JSON Lines, CSV or zip dumps as seeds/<id>.md files.

    Each record becomes one file with YAML front matter (title, date, source, url, author,
    places, actors, tags) and the article text. Ids come from the URL (or the text), so
    importing the same dump again changes nothing. Duplicates, empty articles, bad dates and
    urls are reported by file and record and not written. Exit status 1 when an input file
    cannot be read (the others are imported).
    """
    from archive.importer import KINDS, InputError, Options, import_sources
    from archive.importer.fields import MapError, parse_maps

    try:
        mapping = parse_maps(maps)
    except MapError as exc:
        raise click.BadParameter(str(exc), param_hint="--map") from None
    options = Options(
        maps=mapping, default_source=" ".join((default_source or "").split()) or None,
        source_names=load_source_names(source_names) if source_names else {},
        keep=keep, keep_reprints=keep_reprints, date_format=date_format, overwrite=overwrite,
        dry_run=dry_run, limit=limit,
    )
    target = out if out is not None else paths.seeds
    show = sys.stderr.isatty() if progress is None else progress
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        if show and sys.stderr.isatty():
            with click.progressbar(length=_total(sources), label="importing", file=sys.stderr,
                                   show_eta=True) as bar:
                report = import_sources(list(sources), target, options, progress=bar.update)
        elif show:  # --progress with stderr not a terminal (a log): a line every 10 %
            report = import_sources(list(sources), target, options,
                                    progress=_LogProgress(_total(sources)))
        else:
            report = import_sources(list(sources), target, options)
    except InputError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(1) from None
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu

    where = paths.rel(target)
    would = "would be " if dry_run else ""
    kinds = report.by_kind()
    click.echo(f"read {report.read:,} records from {report.inputs:,} file(s) in {wall:.1f} s"
               f" (CPU {cpu:.1f} s)")
    click.echo(f"  {would}written   {report.written:,} new file(s) in {where}/")
    if report.updated or overwrite:
        click.echo(f"  {would}updated   {report.updated:,} changed file(s) replaced")
    click.echo(f"  unchanged {report.unchanged:,} (already imported, identical)")
    parts = ", ".join(f"{len(kinds[k]):,} {k}" for k in KINDS if kinds[k])
    click.echo(f"  reported  {report.count_reported:,}" + (f": {parts}" if parts else ""))
    for kind in KINDS:
        items = kinds[kind]
        shown = items if verbose else items[:EXAMPLES]
        for r in shown:
            click.echo(f"    {kind}: {r.where}: {r.detail}")
        if len(items) > len(shown):
            more = " (all in --report FILE)" if not report_file else ""
            click.echo(f"    … and {len(items) - len(shown):,} more {kind}{more}")
    if report.unused_columns:
        cols = ", ".join(f"{c!r} ({n:,} records)" for c, n in
                         sorted(report.unused_columns.items()))
        click.echo(f"note: column(s) not imported: {cols} — --map FIELD=COLUMN imports one as"
                   " a field, --keep COLUMN keeps it as an extra front-matter key")
    for spec, origins in sorted(report.missing_columns.items()):
        click.echo(f"note: --map {spec}: {len(origins):,} file(s) have no such column,"
                   f" e.g. {origins[0]}")
    if report.unnamed_sources:
        names = ", ".join(f"{s!r} ({n:,})" for s, n in sorted(report.unnamed_sources.items()))
        click.echo(f"note: source(s) with no name in --source-names, written as they are: {names}")
    if report.unknown_entities:
        names = ", ".join(f"{kind} {name!r} ({n:,})" for (kind, name), n in
                          sorted(report.unknown_entities.items()))
        click.echo(f"note: not in the gazetteer ({where}/places.yml, actors.yml), left out of"
                   f" places/actors: {names} — add them (archive entities suggest proposes"
                   " places) and import again with --overwrite")
    if report.with_control_chars:
        chars = ", ".join(f"{c} ×{n:,}" for c, n in sorted(report.control_chars.items()))
        click.echo(f"note: {report.with_control_chars:,} article(s) hold control characters"
                   f" ({chars}): kept in the text, removed from titles")
    if report_file:
        with report_file.open("w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["kind", "file", "record", "line", "id", "detail"])
            for r in report.reported:
                writer.writerow([r.kind, r.record.origin, r.record.number, r.record.line or "",
                                 r.article_id or "", r.detail])
        click.echo(f"reported records listed in {report_file}")
    for exc in report.input_errors:
        click.echo(f"error: {exc}", err=True)
    if report.input_errors:
        click.echo(f"{len(report.input_errors)} input file(s) could not be read (named above);"
                   " the records of every other file were imported — fix them and import"
                   " again: what is already imported is left unchanged", err=True)
        raise SystemExit(1)
    if not dry_run and (report.written or report.updated):
        click.echo("next: archive check")
