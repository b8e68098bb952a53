"""What the website shows, computed once per build from the analyzed corpus and the gazetteer.

Every collection is sorted, so the pages come out byte for byte the same on every run. All the
aggregations are linear in the corpus size (per article: its own entities only), so a corpus of
10,000 articles costs no more per page than five.
"""

from __future__ import annotations

import hashlib
import json
import logging
import marshal
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Any

from archive.corpus.article import Article

#: Related articles shown per article.
RELATED_LIMIT = 5
#: An entity named in more articles than this is too common to suggest related articles.
RELATED_MAX_DF = 200


@dataclass(frozen=True, slots=True)
class EntityView:
    """A place or an actor of the gazetteer, as the site shows it."""

    key: str  # "place:<id>" / "actor:<id>"
    id: str
    kind: str  # "place" | "actor"
    name: str
    aliases: tuple[str, ...] = ()
    type: str = ""
    description: str = ""
    parent: str | None = None  # key of the parent place
    lat: float | None = None
    lon: float | None = None
    affiliation: tuple[str, ...] = ()  # keys of the actors this one belongs to
    path: str = ""
    line: int | None = None

    @property
    def has_coordinates(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass(frozen=True, slots=True)
class MentionView:
    entity: str
    start: int
    end: int


@dataclass(slots=True)
class ArticleView:
    article: Article
    mentions: list[MentionView]
    mention_counts: dict[str, int]  # entity key → mentions in the body
    places: list[str]  # place keys, most mentioned first
    actors: list[str]
    related: list[str] = field(default_factory=list)  # article ids

    @property
    def id(self) -> str:
        return self.article.id


@dataclass(frozen=True, slots=True)
class CardFields:
    """The fields of an article a list item shows (see :class:`ArticleCard`)."""

    title: str
    date: str | None
    source: str | None


@dataclass(frozen=True, slots=True)
class ArticleCard:
    """What a page shows of an article it lists (a list's items, an article's related
    articles, the home page's latest, a mentioned date's articles): its id, title, date and
    source, as ``card.id`` and ``card.article.title`` etc., like a view. A page keyed by
    cards (archive.site.pagecache: tag "c:<id>") is not checked again when only the rest of
    the article changed (its text, mentions or related list); a new title, date or source
    moves it in the lists (what ``mkdocs serve`` and the page summaries check anyway)."""

    id: str
    article: CardFields


@dataclass(slots=True)
class SiteData:
    articles: dict[str, ArticleView]  # by id, in id order
    entities: dict[str, EntityView]  # by key, in key order
    children: dict[str, list[str]]  # place key → child place keys (sorted by name)
    entity_articles: dict[str, list[tuple[str, int]]]  # key → (article id, mentions), newest first
    cooccurrence: dict[str, list[tuple[str, int]]]  # key → (other key, shared articles), most first
    sources: dict[str, list[str]]  # source name → article ids, newest first
    warnings: list[str] = field(default_factory=list)
    #: source name → URL slug of its page (sources/<slug>/), unique and stable.
    source_slugs: dict[str, str] = field(default_factory=dict)
    #: `mkdocs serve` (build_site_data's ``keys``): per article id, what its view was made
    #: from (the parsed article, its analysis record's key) and the warnings it gave; and the
    #: places and actors some article names (a reload takes views over only while this set is
    #: the same: a view links the places and actors that have a page)
    made: dict[str, tuple[Any, str, tuple[str, ...]]] = field(default_factory=dict)
    shown_keys: frozenset[str] = frozenset()
    #: the article ids newest first, made with ``articles`` (build_site_data; None: sorted
    #: when asked for). A SiteData's articles are not changed after it is made.
    order: list[str] | None = None
    #: article id → its card (see :meth:`card`), made once per SiteData
    cards: dict[str, ArticleCard] = field(default_factory=dict)
    #: affiliation key → the shown actors affiliated with it (see :meth:`members`), made once
    #: per SiteData (None: not yet)
    member_lists: dict[str, list[EntityView]] | None = None

    def card(self, article_id: str) -> ArticleCard:
        """The card of an article (one object per article and SiteData: its digest is made
        once per build, archive.site.pagecache.Memo)."""
        card = self.cards.get(article_id)
        if card is None:
            a = self.articles[article_id].article
            card = self.cards[article_id] = ArticleCard(
                article_id, CardFields(a.title, a.date, a.source))
        return card

    # -- what gets a page ----------------------------------------------------------------------
    def shown(self, key: str) -> bool:
        """Places and actors get a page, a list entry and a count only when an article names
        them (in its text or front matter); the others stay in the data export only."""
        return bool(self.entity_articles.get(key))

    def shown_places(self) -> list[EntityView]:
        return [e for e in self.places() if self.shown(e.key)]

    def shown_actors(self) -> list[EntityView]:
        return [e for e in self.actors() if self.shown(e.key)]

    def members(self, key: str) -> list[EntityView]:
        """The shown actors affiliated with ``key``, in :meth:`shown_actors`'s order (a new
        list). Every actor page asks: the index is made once, in one pass over the actors,
        not one pass per page (~1,600 actor pages at 29,904 articles)."""
        lists = self.member_lists
        if lists is None:
            lists = {}
            for x in self.shown_actors():
                for k in dict.fromkeys(x.affiliation):
                    lists.setdefault(k, []).append(x)
            self.member_lists = lists
        return list(lists.get(key, ()))

    def shown_parent(self, key: str) -> str | None:
        """The nearest ancestor of a place that has a page (None: shown at the top level)."""
        seen = {key}
        parent = self.entities[key].parent
        while parent and parent in self.entities and parent not in seen:
            if self.shown(parent):
                return parent
            seen.add(parent)
            parent = self.entities[parent].parent
        return None

    # -- orderings ---------------------------------------------------------------------------
    def newest_first(self) -> list[ArticleView]:
        if self.order is None:
            return newest_first_views(self.articles.values())
        return [self.articles[i] for i in self.order]

    def newest_ids(self) -> list[str]:
        """The article ids newest first (:meth:`newest_first`'s, a new list)."""
        if self.order is None:
            return [v.id for v in self.newest_first()]
        return list(self.order)

    def dated(self) -> list[ArticleView]:
        return [v for v in self.articles.values() if v.article.date]

    def undated(self) -> list[ArticleView]:
        return [v for v in self.articles.values() if not v.article.date]

    def places(self) -> list[EntityView]:
        return [e for e in self.entities.values() if e.kind == "place"]

    def actors(self) -> list[EntityView]:
        return [e for e in self.entities.values() if e.kind == "actor"]

    def roots(self) -> list[str]:
        """Places without a (known) parent, by name."""
        tops = [e for e in self.places() if not e.parent or e.parent not in self.entities]
        return [e.key for e in sorted(tops, key=lambda e: (e.name, e.key))]


def newest_first_key(article: Article) -> tuple[int, str, str]:
    """Sort key: dated articles newest first (a year sorts after its own days), undated last."""
    date = article.date
    if not date:
        return (1, "", article.id)
    inverted = _INVERTED.get(date)
    if inverted is None:
        # Invert the date string so that a plain ascending sort puts later dates first.
        # The sentinel sorts a partial date ("2021-09") after the full dates it contains.
        inverted = "".join(chr(0x10FFFE - ord(c)) for c in date) + "\U0010ffff"
        if len(_INVERTED) >= _INVERTED_MAX:
            _INVERTED.clear()
        _INVERTED[date] = inverted
    return (0, inverted, article.id)


def newest_first_views(views: Iterable[ArticleView]) -> list[ArticleView]:
    """``views`` sorted by :func:`newest_first_key` of their articles: the keys made in one
    pass (one function call an article fewer than ``sorted(key=...)``); ties, if any, keep
    the given order, as a stable sort does."""
    inverted = _INVERTED
    keyed = []
    for v in views:
        a = v.article
        date = a.date
        if not date:
            keyed.append(((1, "", a.id), len(keyed), v))
            continue
        inv = inverted.get(date)
        if inv is None:
            inv = newest_first_key(a)[1]
        keyed.append(((0, inv, a.id), len(keyed), v))
    keyed.sort()
    return [v for _, _, v in keyed]


#: :func:`newest_first_key`'s inverted dates by date (a corpus has far fewer dates than
#: articles; the lists and pages ask for the key of every article several times a build)
_INVERTED: dict[str, str] = {}
_INVERTED_MAX = 1 << 16


def title_order(views: Iterable[ArticleView],
                forms: TitleForms | None = None) -> list[ArticleView]:
    """The views as the order by title lists them: by the title's matching form
    (archive.analysis.normalize), then the title itself, then the id. ``forms`` keeps the
    matching forms between calls (a build's or a `mkdocs serve` session's)."""
    forms = forms if forms is not None else TitleForms()
    # (the keys made in one pass, a title's form looked up before it is made: two function
    # calls an article fewer; ties, if any, keep the given order, as a stable sort does)
    known, form = forms.forms, forms.form
    keyed = []
    for v in views:
        title = v.article.title or ""
        norm = known.get(title)
        if norm is None:
            norm = form(title)
        keyed.append(((norm, title, v.article.id), len(keyed), v))
    keyed.sort()
    forms.ordered = [k[1] for k, _, _ in keyed]
    return [v for _, _, v in keyed]


class TitleForms:
    """The matching form of each title an archive is ordered by.

    One object per build, or per `mkdocs serve` session: a reload normalises only the titles
    it has not seen (13,300 normalisations were 0.6 s of a reload at 9,504 articles). With a
    ``path`` (build/title-keys.bin) it starts from the forms the previous build saved, and
    :meth:`save` writes back the forms of the titles ordered last (this archive's only): the
    next build, another process, normalises only the new titles (1-3 s at 30,000 articles).
    Forms made by other normalising code are not used; an unreadable file is made anew."""

    FORMAT = 1
    MAX = 1 << 17  # a long `mkdocs serve` session starts again from empty past this

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.forms: dict[str, str] = {}
        self.fresh = 0  # forms made since the file was read or written
        self.ordered: list[str] | None = None  # the titles of the last order, in order
        self.stored = self._read() if path is not None else -1

    def form(self, title: str) -> str:
        norm = self.forms.get(title)
        if norm is None:
            from archive.analysis import normalize

            if len(self.forms) >= self.MAX:
                self.forms.clear()
            norm = self.forms[title] = normalize(title)
            self.fresh += 1
        return norm

    def save(self) -> None:
        """Write the forms of the titles ordered last, when any is new or the file holds
        other titles; nothing without a path or an order. A read-only build/ is not an error:
        the titles are normalised again next time."""
        if self.path is None or self.ordered is None:
            return
        titles = dict.fromkeys(self.ordered)
        if not self.fresh and self.stored == len(titles):
            return
        from archive.files import write_atomic

        try:
            write_atomic(self.path, marshal.dumps(
                (self.FORMAT, _title_code(), {t: self.form(t) for t in titles})))
        except OSError:
            return
        self.stored, self.fresh = len(titles), 0

    def _read(self) -> int:
        """Take the forms the file holds; how many titles it holds (-1: none read)."""
        assert self.path is not None
        try:
            fmt, code, forms = marshal.loads(self.path.read_bytes())
            if fmt != self.FORMAT or code != _title_code():
                return -1  # other code: every title normalised again
            if not isinstance(forms, dict) or not all(
                    isinstance(k, str) and isinstance(v, str) for k, v in forms.items()):
                raise ValueError("not title forms")
        except FileNotFoundError:
            return -1
        except (OSError, ValueError, EOFError, TypeError) as exc:
            logging.getLogger("mkdocs.plugins.archive").info(
                "archive: %s not used (%s): every title normalised again", self.path,
                type(exc).__name__)
            return -1
        self.forms.update(forms)
        return len(forms)


def _title_code() -> str:
    from archive import files

    return files.fingerprint(f"title keys {TitleForms.FORMAT} {unicodedata.unidata_version}",
                             ["analysis/normalize.py"])


# -- adapters ----------------------------------------------------------------------------------
def _key(kind: str, value: object) -> str | None:
    if value is None or value == "":
        return None
    text = str(value)
    return text if ":" in text else f"{kind}:{text}"


def _float(value: object) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def entity_view(entity: Any) -> EntityView:
    """Adapt an ``archive.gazetteer`` entity (duck-typed) to :class:`EntityView`."""
    kind = str(getattr(entity, "kind", "") or str(entity.key).split(":", 1)[0])
    affiliation = getattr(entity, "affiliation", None) or ()
    if isinstance(affiliation, str):
        affiliation = (affiliation,)
    aliases = getattr(entity, "aliases", ()) or ()
    return EntityView(
        key=str(entity.key),
        id=str(getattr(entity, "id", str(entity.key).split(":", 1)[-1])),
        kind=kind,
        name=str(getattr(entity, "name", "") or entity.key),
        aliases=tuple(str(a) for a in aliases),
        type=str(getattr(entity, "type", "") or ""),
        description=str(getattr(entity, "description", "") or ""),
        parent=_key("place", getattr(entity, "parent", None)),
        lat=_float(getattr(entity, "lat", None)),
        lon=_float(getattr(entity, "lon", None)),
        affiliation=tuple(_key("actor", a) or "" for a in affiliation),
        path=str(getattr(entity, "path", "") or ""),
        line=getattr(entity, "line", None),
    )


def article_view(analyzed: Any) -> ArticleView:
    """Adapt an ``archive.pipeline.AnalyzedArticle`` to :class:`ArticleView`."""
    # (most articles name no place or actor: their empty lists and dict made at once, not
    # through the sorts and generators below; every build makes a view of every article)
    found = analyzed.mentions
    mentions = sorted(
        (MentionView(m.entity, m.start, m.end) for m in found),
        key=lambda m: (m.start, -m.end, m.entity),
    ) if found else []
    counts = analyzed.mention_counts
    if not counts and not analyzed.declared:
        return ArticleView(analyzed.article, mentions, {}, [], [])
    return ArticleView(
        article=analyzed.article,
        mentions=mentions,
        mention_counts=dict(sorted(counts.items())),
        places=list(analyzed.places),
        actors=list(analyzed.actors),
    )


# -- building ----------------------------------------------------------------------------------
def build_site_data(
    analyzed: Iterable[Any],
    entities: Iterable[Any],
    related: dict[str, list[str]] | None = None,
    previous: SiteData | None = None,
    keys: Mapping[str, str] | None = None,
) -> SiteData:
    """Aggregate everything the pages need. ``related`` maps article id → related ids.

    ``previous``: the site data of the previous build in this process (``mkdocs serve``); an
    article or entity view equal to its previous one is that same object (its ``related`` set
    anew), so that what is kept per object between reloads (its digest for the page caches)
    still applies.

    ``keys`` (with ``previous``): per article id, the key of the analysis record its summary
    was read from (:attr:`archive.records.Analysis.keys`). An article whose parsed article
    object and record key are those its previous view was made from, with the same places and
    actors in the gazetteer and the same of them named by some article, takes its previous
    view without it being made again (at 9,504 articles, making and comparing every view was
    most of a `mkdocs serve` reload's site data); the result is the same."""
    items = sorted(analyzed, key=_ARTICLE_ID)
    ents = {e.key: e for e in sorted((entity_view(e) for e in entities), key=lambda e: e.key)}
    if previous is not None:
        old_ents = previous.entities
        for k, e in ents.items():
            kept = old_ents.get(k)
            if kept is not None and kept == e:
                ents[k] = kept
    data = _site_data(items, ents, previous, keys, take=keys is not None)
    if data is None:  # every view made (and compared with the previous one)
        data = _site_data(items, ents, previous, keys, take=False)
        assert data is not None
    views = data.articles
    related = dict(related or {})
    if any(i not in related for i in views):  # not in the index's table (yet): shared entities
        fallback = related_by_entities(data)
        for i in views:
            if i not in related:
                related[i] = fallback.get(i, [])
    none: list[str] = []
    known = views.__contains__
    for i, view in views.items():
        # (the articles of the site kept by a C-level filter; the article itself, seldom
        # among them, left out after)
        kept = list(filter(known, related.get(i, none)))
        if i in kept:
            kept = [r for r in kept if r != i]
        view.related = kept[:RELATED_LIMIT]
    return data


_ARTICLE_ID = attrgetter("article.id")


def _site_data(items: list[Any], ents: dict[str, EntityView], previous: SiteData | None,
               keys: Mapping[str, str] | None, take: bool) -> SiteData | None:
    """:func:`build_site_data` without the related lists. ``take``: the previous views made
    from the same (``keys``) are taken over (None when the places and actors named by some
    article are no longer the same: every view is then to be made again)."""
    taking = (take and keys is not None and previous is not None
              and previous.entities.keys() == ents.keys()
              and all(previous.entities[k] is e for k, e in ents.items()))
    old_made = previous.made if previous is not None and taking else {}
    old_views = previous.articles if previous is not None else {}
    views: dict[str, ArticleView] = {}
    made: dict[str, tuple[Any, str, tuple[str, ...]]] = {}
    fresh: list[ArticleView] = []  # the views made here
    warnings: list[str] = []
    for a in items:
        i = a.article.id
        key = keys.get(i) if keys is not None else None
        before = old_made.get(i)
        view = old_views.get(i) if before is not None else None
        if (view is not None and before is not None and key is not None
                and before[0] is a.article and before[1] == key):
            found = list(before[2])
        else:
            view = article_view(a)
            fresh.append(view)
            found = []
            # Entities named by an article but unknown to the gazetteer are dropped from the
            # pages.
            for attr in ("places", "actors"):
                named = getattr(view, attr)
                unknown = [k for k in named if k not in ents] if named else None
                if unknown:
                    found.append(f"{view.article.path}: unknown {attr}: {', '.join(unknown)}")
                    setattr(view, attr, [k for k in named if k in ents])
            if view.mentions:
                view.mentions = [m for m in view.mentions if m.entity in ents]
        views[i] = view
        warnings += found
        if key is not None:
            made[i] = (a.article, key, tuple(found))

    children: dict[str, list[str]] = defaultdict(list)
    for e in ents.values():
        if e.parent and e.parent in ents:
            children[e.parent].append(e.key)
    children_sorted = {
        k: sorted(v, key=lambda c: (ents[c].name, c)) for k, v in sorted(children.items())
    }

    order = newest_first_views(views.values())
    entity_articles: dict[str, list[tuple[str, int]]] = defaultdict(list)
    co: dict[str, Counter[str]] = defaultdict(Counter)
    sources: dict[str, list[str]] = defaultdict(list)
    for view in order:
        if view.article.source:
            sources[view.article.source].append(view.id)
        if not view.places and not view.actors:
            continue
        named = sorted(set(view.places) | set(view.actors))
        for k in named:
            entity_articles[k].append((view.id, view.mention_counts.get(k, 0)))
            counter = co[k]
            for other in named:
                if other != k:
                    counter[other] += 1
    shown = frozenset(entity_articles)
    if len(fresh) < len(views) and previous is not None and shown != previous.shown_keys:
        return None  # the views taken over were made for other entity pages

    cooccurrence = {
        k: sorted(c.items(), key=lambda kv: (-kv[1], kv[0])) for k, c in sorted(co.items())
    }
    # A mention the counts do not include (e.g. inside boilerplate) must not link to a place
    # or actor that has no page.
    for view in fresh:
        if view.mentions:
            view.mentions = [m for m in view.mentions if m.entity in shown]

    if previous is not None:
        _reuse_views(views, fresh, previous)
    return SiteData(
        articles=views,
        entities=ents,
        children=children_sorted,
        entity_articles=dict(sorted(entity_articles.items())),
        cooccurrence=cooccurrence,
        sources=dict(sorted(sources.items())),
        warnings=warnings,
        source_slugs=source_slugs(sorted(sources)),
        made=made,
        shown_keys=shown,
        order=[v.id for v in order],
    )


def _reuse_views(views: dict[str, ArticleView], fresh: list[ArticleView],
                 previous: SiteData) -> None:
    """Put the previous build's view in place of each equal view made now (``fresh``, see
    build_site_data). An article view is the same only for the same parsed article object (a
    file that did not change) with the same mentions, counts, places and actors."""
    old_views = previous.articles
    for view in fresh:
        i = view.id
        old = old_views.get(i)
        if (old is not None and old.article is view.article and old.mentions == view.mentions
                and old.mention_counts == view.mention_counts and old.places == view.places
                and old.actors == view.actors):
            views[i] = old


#: Slugs the source pages may not take (they name other pages under sources/).
RESERVED_SLUGS = frozenset({"unknown", "page", "oldest", "title"})


def slugify(name: str) -> str:
    """A readable URL segment: letters and digits of any script, runs of others → "-"."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFKC", name).lower():
        if ch.isalnum() and unicodedata.category(ch)[0] in "LN":
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")[:60].strip("-")


def source_slugs(names: Iterable[str]) -> dict[str, str]:
    """Name → unique slug. A name whose slug is empty, reserved or taken by another name gets
    a short hash of the name appended, so the same name always has the same address."""
    ordered = sorted(names)
    base = {n: slugify(n) for n in ordered}
    counts = Counter(base.values())
    out: dict[str, str] = {}
    for n in ordered:
        slug = base[n]
        if not slug or slug in RESERVED_SLUGS or counts[slug] > 1:
            digest = hashlib.sha1(n.encode("utf-8")).hexdigest()[:8]
            slug = f"{slug}-{digest}" if slug else f"source-{digest}"
        out[n] = slug
    return out


def related_by_entities(data: SiteData) -> dict[str, list[str]]:
    """Fallback when the search index gives no related articles: shared places and actors,
    weighted by rarity. Entities named in more than RELATED_MAX_DF articles are skipped so the
    cost stays linear."""
    df = {k: len(v) for k, v in data.entity_articles.items()}
    out: dict[str, list[str]] = {}
    for view in data.articles.values():
        scores: Counter[str] = Counter()
        for k in set(view.places) | set(view.actors):
            n = df.get(k, 0)
            if n <= 1 or n > RELATED_MAX_DF:
                continue
            weight = 1.0 / n
            for other, _ in data.entity_articles[k]:
                if other != view.id:
                    scores[other] += weight
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        out[view.id] = [a for a, _ in ranked[:RELATED_LIMIT]]
    return out


def read_related(path: Path) -> dict[str, list[str]] | None:
    """Read build/related.json written by the search index: {id: [id | {"id": ...}, ...]}.

    Returns None when the file is absent or not in a shape we understand. (A site build takes
    the ids its index update has just written there from the update's report instead:
    :attr:`archive.index.build.UpdateReport.related_ids`.)"""
    if not path.is_file():
        return None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return related_ids(raw)


def related_ids(raw: Any, memo: dict[str, tuple[Any, list[str]]] | None = None
                ) -> dict[str, list[str]] | None:
    """:func:`read_related` of the file's parsed content ``raw``. ``memo`` (`mkdocs serve`,
    whose search index update keeps the lists that did not change as the same objects): per
    article id, the list it was last given and the ids made of it, taken again for that very
    list (not made again for all 9,504 lists on every reload); updated in place."""
    if isinstance(raw, dict) and "related" in raw and isinstance(raw["related"], dict):
        raw = raw["related"]
    if not isinstance(raw, dict):
        return None
    out: dict[str, list[str]] = {}
    before = dict(memo) if memo is not None else {}
    if memo is not None:
        memo.clear()
    for key, items in raw.items():
        hit = before.get(key)
        if hit is not None and hit[0] is items:
            out[key] = hit[1]
            memo[key] = hit  # type: ignore[index]
            continue
        if not isinstance(items, Sequence) or isinstance(items, str):
            continue
        ids: list[str] = []
        for item in items:
            if isinstance(item, str):
                ids.append(item)
            elif isinstance(item, dict) and isinstance(item.get("id"), str):
                ids.append(item["id"])
            elif isinstance(item, list | tuple) and item and isinstance(item[0], str):
                ids.append(item[0])
        out[str(key)] = ids
        if memo is not None and type(key) is str:
            memo[key] = (items, ids)
    return out
