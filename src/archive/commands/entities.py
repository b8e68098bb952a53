"""``archive entities``: list gazetteer entities, suggest missing names, look up GeoNames."""

from __future__ import annotations

import json
from collections import Counter, defaultdict

import click

from archive.config import Paths


def load_texts(paths: Paths) -> list[tuple[str, str]]:
    """``(article id, text)`` of every article in seeds/, via the corpus loader."""
    from archive.corpus.loader import load_corpus

    return [(a.id, a.text) for a in load_corpus(paths).articles]


def _load_gazetteer(paths: Paths):  # type: ignore[no-untyped-def]
    from archive.gazetteer import load_gazetteer

    gazetteer, problems = load_gazetteer(paths)
    errors = [p for p in problems if p.severity == "error"]
    for p in errors:
        click.echo(f"error: {p}", err=True)
    if errors:
        raise click.ClickException("the gazetteer has errors (run `archive check`)")
    return gazetteer


def _dumps(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


@click.group("entities")
def entities_cmd() -> None:
    """Gazetteer of places and actors (seeds/places.yml, seeds/actors.yml)."""


@entities_cmd.command("list")
@click.option("--kind", type=click.Choice(["place", "actor"]), default=None,
              help="Only places or only actors.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_obj
def list_cmd(paths: Paths, kind: str | None, as_json: bool) -> None:
    """Every entity with its mentions in the articles (mentions, articles, key, type, name)."""
    gazetteer = _load_gazetteer(paths)
    matcher = gazetteer.matcher()
    mentions: Counter[str] = Counter()
    articles: dict[str, set[str]] = defaultdict(set)
    for article, text in load_texts(paths):
        for m, _start, _end in matcher.match_text(text):
            mentions[m.entity] += 1
            articles[m.entity].add(article)
    for e in gazetteer.entities.values():
        if kind and e.kind != kind:
            continue
        if as_json:
            click.echo(_dumps({
                "key": e.key, "kind": e.kind, "type": e.type, "name": e.name,
                "parent": e.parent, "affiliation": list(e.affiliation or []),
                "lat": e.lat, "lon": e.lon, "geonames_id": e.geonames_id,
                "mentions": mentions[e.key], "articles": sorted(articles[e.key]),
            }))
        else:
            click.echo(f"{mentions[e.key]}\t{len(articles[e.key])}\t{e.key}\t{e.type}\t{e.name}")


@entities_cmd.command("suggest")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "yaml"]), default=None,
              help="table (default): one line per proposal with its evidence and contexts; "
              "json: one object per line; yaml: entries to paste into seeds/places.yml and "
              "seeds/actors.yml, each flagged '# also a common word' with its evidence when "
              "the articles also use it as an ordinary word. A city whose parent country is "
              "flagged says so ('# parent ID is flagged above'): keep that country with the "
              "city, or remove the city's parent line.")
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option("--no-geonames", is_flag=True,
              help="Only names found after cue words (مدينة، بلدة، الناشط…), no GeoNames.")
@click.option("--min-count", type=int, default=1, show_default=True,
              help="Hide names seen fewer times.")
@click.option("--limit", type=int, default=None, help="Show at most this many proposals.")
@click.option("--countries", default=None,
              help="ISO codes of the countries whose GeoNames places are proposed, e.g. "
              "SA,AE (default: every country).")
@click.option("--min-population", type=int, default=None,
              help="Smallest GeoNames city of an Arabic-speaking country proposed "
              "(default 15000).")
@click.pass_obj
def suggest_cmd(paths: Paths, fmt: str | None, as_json: bool, no_geonames: bool,
                min_count: int, limit: int | None, countries: str | None,
                min_population: int | None) -> None:
    """Names missing from the gazetteer: GeoNames places, persons after titles and names
    after cue words, most mentioned first, common words flagged."""
    from archive.gazetteer.bootstrap import MIN_POPULATION, Proposal, bootstrap, to_yaml
    from archive.gazetteer.suggest import Suggestion, suggest

    fmt = fmt or ("json" if as_json else "table")
    gazetteer = _load_gazetteer(paths)
    texts = load_texts(paths)
    found: list[Proposal | Suggestion] = []
    if not no_geonames:
        only = ([c.strip().upper() for c in countries.split(",") if c.strip()]
                if countries else None)
        found += bootstrap(gazetteer, texts, min_count=min_count,
                           min_population=MIN_POPULATION if min_population is None
                           else min_population, only=only)
    if fmt != "yaml":
        # names after cue words that no proposal covers (no coordinates: curated by hand)
        covered = {p.normalized: p for p in found if isinstance(p, Proposal)}
        for s in suggest(gazetteer, texts, use_geonames=False, min_count=min_count):
            if sum(s.forms.values()) * 5 < s.count:
                continue  # found after a cue in under 1 of 5 mentions: an ordinary word (عام)
            if s.normalized in covered:
                covered[s.normalized].cues |= s.sources
            else:
                found.append(s)
        found.sort(key=lambda p: (-p.count, p.normalized))
    found = found[:limit]
    if fmt == "yaml":
        proposals = [p for p in found if isinstance(p, Proposal)]
        out = to_yaml(gazetteer, proposals)
        flagged = sum(p.flagged for p in proposals)
        click.echo(f"# archive entities suggest --format yaml: {len(proposals)} proposals "
                   f"({flagged} flagged '# also a common word'); check each before keeping it")
        click.echo("# ---- append to seeds/places.yml ----")
        click.echo(out["places"], nl=False)
        click.echo("# ---- append to seeds/actors.yml ----")
        click.echo(out["actors"], nl=False)
        return
    for p in found:
        if fmt == "json":
            click.echo(_dumps(p.as_dict()))
        elif isinstance(p, Proposal):
            geo = (f"GeoNames {p.geo.geonames_id} {p.geo.name} ({p.country})"
                   if p.geo is not None else ", ".join(sorted(p.titles)))
            geo += "".join(f", {c}" for c in sorted(p.cues))
            click.echo(f"{p.count}\t{len(p.articles)}\t{p.kind}:{p.type}\t{p.name}\t{geo}")
            if p.flagged:
                click.echo("\t# also a common word: " + "; ".join(p.evidence))
            for ex in p.examples:
                click.echo(f"\t{ex}")
        else:
            click.echo(f"{p.count}\t{len(p.articles)}\tcue\t{p.name}\t"
                       f"{', '.join(sorted(p.sources))}")
            for ex in p.examples:
                click.echo(f"\t{ex.article}: {ex.context}")
    if fmt == "table":
        click.echo(f"{len(found)} suggestion(s)")


@entities_cmd.command("geonames")
@click.argument("query")
@click.option("--country", default="SY", show_default=True,
              help="ISO code of the country to look in (names repeat across countries).")
@click.pass_obj
def geonames_cmd(paths: Paths, query: str, country: str) -> None:
    """Look up QUERY (a name or a GeoNames id) in the GeoNames data inside one country.

    Prints the YAML lines to paste into seeds/places.yml after checking the place.
    """
    from archive.gazetteer.geonames import lookup

    found = lookup(query, country)
    if not found:
        raise click.ClickException(
            f"{query!r} is not in the GeoNames data for {country.upper()}: "
            "leave the place without coordinates")
    for p in found:
        click.echo(f"# {p.name} ({p.country}, admin1 {p.admin1}, population {p.population}): "
                   f"{', '.join(p.arabic_names)}")
        click.echo(f"  lat: {p.lat}\n  lon: {p.lon}\n  geonames_id: {p.geonames_id}")
