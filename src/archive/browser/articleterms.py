"""An article's browser postings and first forms, made from what its analysis record keeps.

The browser writer (:mod:`archive.browser.index`) needs, per article, its postings (term →
``[field number, cell text, field number, …]``, fields in the order of ``FIELDS``, each
field's terms in order of first appearance) and its first forms (``(0 stem | 1 root, term,
normalized)`` → the first spelling, title first). :func:`doc_terms` makes them from an
:class:`~archive.index.docs.IndexDoc` (a Token per token); :func:`column_terms` makes the same
dicts, in the same order, from an article read as columns
(:func:`archive.index.columns.article_columns`: the record's vocabulary, five strings per
distinct form, and per token its vocabulary entry): no Token per body token, and the body's
positions grouped once per vocabulary entry rather than once per field, so that a word's
cell (its positions as text) is made once for its form, stem and root fields, where each
is that word's alone (most).
"""

from __future__ import annotations

import operator
from array import array
from collections.abc import Iterable, Sequence
from itertools import chain, compress, repeat
from typing import TYPE_CHECKING, Any

from archive import native
from archive.analysis.morphology import ALT_MARK
from archive.browser.digits import SPELLING, numbers_text

#: The per-article half in C (setup.py) where it can be used (:mod:`archive.native`), else
#: None: the functions below are its twins.
_cterms = native.module("archive.browser._cterms")

if TYPE_CHECKING:
    from archive.index.columns import ArticleColumns
    from archive.index.docs import IndexDoc

#: term → [field number, cell text, field number, cell text, …]
Postings = dict[str, list[Any]]
#: (0 stem | 1 root, term, normalized form) → the first spelling
Firsts = dict[tuple[int, str, str], str]
#: An article's fields in order: (field number, its terms, their cells), a term once a field
#: (:func:`postings_of` makes its postings)
Fields = list[tuple[int, list[str], list[str]]]

#: A token's (entity, normalized, stem, root, form): what its forms entries are made of.
_READING = operator.itemgetter(7, 4, 5, 6, 0)
_FIRST = operator.itemgetter(0)
_BUT_LAST = operator.itemgetter(slice(None, -1))
#: A first-forms key's (term, normalized form).
_TERM_NORM = operator.itemgetter(1, 2)


def delta_encode(positions: list[int]) -> list[int]:
    """Sorted numbers as the first one and then the gaps (smaller JSON)."""
    if len(positions) == 1:  # most postings
        return [positions[0]]
    order = sorted(positions)  # linear on the (usual) ascending input
    return list(map(operator.sub, order, [0, *order]))


def cells(lists: list[list[int]]) -> list[str]:
    """:func:`cells_py`, in C where the module is built (a number beyond 64 bits: the twin)."""
    if _cterms is not None:
        try:
            return _cterms.cells(lists)  # type: ignore[no-any-return]
        except OverflowError:
            pass
    return cells_py(lists)


def cells_py(lists: list[list[int]]) -> list[str]:
    """Each of an article's positions lists (one field's terms) as its cell's text: the
    delta positions as :func:`~archive.browser.digits.numbers_text` text, what a shard's cell
    holds (format 8). Made once per article and term here, and spilled as text: the shards
    take them as they are (a one-number text instead of a list and its number: fewer objects
    marshalled). A list of one position (most) is that number's spelling, looked up in C."""
    out: list[str | None] = list(map(SPELLING.get, map(_FIRST, lists)))
    for i in compress(range(len(lists)), map(operator.ne, map(len, lists), repeat(1))):
        out[i] = numbers_text(delta_encode(lists[i]))
    if None in out:  # a position beyond the spellings' table
        out = [numbers_text(p) if c is None else c for c, p in zip(out, lists, strict=True)]
    return out  # type: ignore[return-value]


def group_tokens(tokens: list[Any], entities: list[tuple[str, int, int, int]]
                 ) -> tuple[tuple[int, dict[str, list[int]]], ...]:
    """Per field of ``doc`` (order ``FIELDS``: form, stem, root, entity): its number of terms
    and term → positions in first-appearance order, before lowercasing (done by
    :func:`field_cells` once per distinct term). (The articles read as columns take only
    their titles' few tokens through here.)"""
    form: dict[str, list[int]] = {}
    stem: dict[str, list[int]] = {}
    root: dict[str, list[int]] = {}
    counts = [0, 0, 0]
    for t in tokens:
        # a name's common reading goes to the root field at the same position (root_stream)
        alt = ALT_MARK + t.alt if t.alt else ""
        for k, table, term in ((0, form, t.normalized), (1, stem, t.stem), (2, root, t.root),
                               (2, root, alt)):
            if term:
                counts[k] += 1
                table.setdefault(term, []).append(t.position)
    return ((counts[0], form), (counts[1], stem), (counts[2], root), _entity_field(entities))


def _entity_field(entities: list[tuple[str, int, int, int]]
                  ) -> tuple[int, dict[str, list[int]]]:
    entity: dict[str, list[int]] = {}
    for key, pos, _s, _e in entities:
        entity.setdefault(key, []).append(pos)
    return len(entities), entity


def field_cells(raw: dict[str, list[int]]) -> tuple[list[str], list[str]]:
    """A field's terms (term → positions, first-appearance order) as its terms and cells:
    terms equal once lowercased are one term (lunr's list tokenizer lowercases; the browser
    looks entity keys up lowercased), their positions merged; most fields have no upper
    case at all."""
    joined = "\0".join(raw)
    if joined.lower() == joined:
        return list(raw), cells(list(raw.values()))
    local: dict[str, list[int]] = {}
    for term, positions in raw.items():
        low = term.lower()
        local[low] = local[low] + positions if low in local else positions
    return list(local), cells(list(local.values()))


def add_field(postings: Postings, f: int, terms: list[str], texts: list[str]) -> None:
    """:func:`add_field_py`, in C where the module is built."""
    if _cterms is not None:
        _cterms.add_field(postings, f, terms, texts)
    else:
        add_field_py(postings, f, terms, texts)


def add_field_py(postings: Postings, f: int, terms: list[str], texts: list[str]) -> None:
    """Add field ``f``'s terms and cells to ``postings`` (``[f, cell]`` after a term's earlier
    fields; a new term at the end)."""
    get = postings.get
    for term, cell in zip(terms, texts, strict=True):
        at = get(term)
        if at is None:
            postings[term] = [f, cell]
        else:
            at += (f, cell)


def _title_firsts(first: Firsts, tokens: Iterable[Any]) -> None:
    """Set the first spelling of each (level, term, normalized) of ``tokens`` not set yet
    (read from the tokens' distinct readings in order of first appearance: a word repeats
    its reading)."""
    add = first.setdefault
    for entity, norm, stem, root, spelling in dict.fromkeys(map(_READING, tokens)):
        if entity is not None or not norm:
            continue
        if stem:
            add((0, stem, norm), spelling)
        if root:
            add((1, root, norm), spelling)


def postings_of(fields: Fields) -> Postings:
    """The postings of an article's fields (each added in turn: :func:`add_field`)."""
    postings: Postings = {}
    for f, terms, texts in fields:
        add_field(postings, f, terms, texts)
    return postings


def doc_fields(doc: IndexDoc) -> tuple[Fields, Firsts]:
    """An article's fields and first forms from its tokens (see the module docstring)."""
    fields: Fields = [(f, *field_cells(raw)) for f, (_length, raw) in enumerate((
        *group_tokens(doc.tokens, doc.entities),
        *group_tokens(doc.title_tokens, doc.title_entities)))]
    first: Firsts = {}
    _title_firsts(first, chain(doc.title_tokens, doc.tokens))
    return fields, first


def doc_terms(doc: IndexDoc) -> tuple[Postings, Firsts]:
    """An article's postings and first forms from its tokens (see the module docstring)."""
    fields, first = doc_fields(doc)
    return postings_of(fields), first


def body_entities(c: ArticleColumns) -> list[tuple[str, int, int, int]]:
    """``(key, position, start, end)`` of each entity mention that starts at a body token
    (:func:`archive.index.docs.mention_spans` of the same article)."""
    mentions = c.summary.mentions
    if not mentions:
        return []
    starts = c.starts
    if c.runs == [(0, len(starts))]:
        position = dict(zip(starts, range(len(starts)), strict=True))
    else:
        position = {}
        for i, j in c.runs:
            position.update(zip(starts[i:j], range(i, j), strict=True))
    return [(m.entity, position[m.start], m.start, m.end) for m in mentions
            if m.start in position]


def _merged(terms: list[str], lists: list[list[int]] | None, texts: list[str]
            ) -> tuple[list[str], list[str]]:
    """:func:`_merged_py`; in C where :func:`entry_cells` made the cells there (``lists``
    None: the positions merged are read back from the cells)."""
    if lists is None:
        return _cterms.merged(terms, texts)  # type: ignore[union-attr,no-any-return]
    return _merged_py(terms, lists, texts)


def _merged_py(terms: list[str], lists: list[list[int]], texts: list[str]
               ) -> tuple[list[str], list[str]]:
    """One field's terms (one per vocabulary entry, in first-appearance order: empty for none,
    lowercased) and their positions and cells, as the field's distinct terms and cells: a
    term several entries share has their positions merged."""
    if "" not in terms and len(set(terms)) == len(terms):  # each term one entry's
        return terms, texts
    where: dict[str, list[int]] = {}
    for k, term in enumerate(terms):
        if term:
            at = where.get(term)
            if at is None:
                where[term] = [k]
            else:
                at.append(k)
    out = []
    for held in where.values():
        if len(held) == 1:
            out.append(texts[held[0]])
        else:
            out.append(numbers_text(delta_encode(list(chain.from_iterable(
                map(lists.__getitem__, held))))))
    return list(where), out


def _woven(a: list[Any], b: list[Any], keep: list[bool]) -> list[Any]:
    """``a[0], b[0], a[1], b[1], …`` where ``keep`` (one flag per item of the woven list)."""
    both: list[Any] = [None] * (2 * len(a))
    both[0::2] = a
    both[1::2] = b
    return list(compress(both, keep))


def _lowered(terms: list[str]) -> list[str]:
    """:func:`_lowered_py`, in C where the module is built (no joined copy lowercased: a
    character of the Arabic blocks has no case)."""
    if _cterms is not None:
        return _cterms.lowered(terms)  # type: ignore[no-any-return]
    return _lowered_py(terms)


def _picked(column: list[str], entries: list[int]) -> list[str]:
    """``column``'s items at ``entries`` (in C where the module is built)."""
    if _cterms is not None:
        return _cterms.picked(column, entries)  # type: ignore[no-any-return]
    return list(map(column.__getitem__, entries))


def _lowered_py(terms: list[str]) -> list[str]:
    """``terms`` lowercased (the same list when none has upper case: most)."""
    joined = "\0".join(terms)
    return terms if joined.lower() == joined else [t.lower() for t in terms]


def entry_cells(body: Sequence[int], at: list[int] | None
                ) -> tuple[list[int], list[list[int]] | None, list[str]]:
    """:func:`entry_cells_py`, in C where the module is built: then without the lists (None),
    no int object made per position."""
    if _cterms is not None:
        try:
            entries, texts = _cterms.entry_cells(body, at)
            return entries, None, texts
        except OverflowError:  # a number beyond 63 bits: the twin has no bound
            pass
    return entry_cells_py(body, at)


def entry_cells_py(body: Sequence[int], at: list[int] | None
                   ) -> tuple[list[int], list[list[int]], list[str]]:
    """The body's vocabulary entries (``body``: per token its entry), in order of first
    appearance, with each one's positions (``at``'s items, or the tokens' indices when None)
    and their cell (:func:`cells`)."""
    by_entry: dict[int, list[int]] = {}
    get = by_entry.get
    for v, p in zip(body, range(len(body)) if at is None else at, strict=True):
        held = get(v)
        if held is None:
            by_entry[v] = [p]
        else:
            held.append(p)
    lists = list(by_entry.values())
    return list(by_entry), lists, cells(lists)


def column_terms(c: ArticleColumns) -> tuple[Postings, Firsts]:
    """:func:`doc_terms` of the article ``c`` (see the module docstring)."""
    fields, first = column_fields(c)
    return postings_of(fields), first


def column_fields(c: ArticleColumns) -> tuple[Fields, Firsts]:
    """:func:`doc_fields` of the article ``c``."""
    words = c.words
    forms, norms, stems, roots, alts = (words[0::5], words[1::5], words[2::5], words[3::5],
                                        words[4::5])
    ids = c.ids
    n = len(ids)
    named = len(norms)  # vocabulary entries from here on: a gazetteer name's tokens
    if c.names:
        # a name's token has stem = root = the name's core: an entry of its own
        ids = ids[:]
        for i, _entity, core in c.names:
            v = ids[i]
            ids[i] = len(norms)
            forms.append(forms[v])
            norms.append(norms[v])
            stems.append(core)
            roots.append(core)
            alts.append(alts[v])
    # the body's positions per vocabulary entry, entries in order of first appearance
    at: list[int] | None = None  # the body's positions (None: every token's, 0 … n - 1)
    if c.runs == [(0, n)]:
        body = ids
    else:
        body = array("I", chain.from_iterable(ids[i:j] for i, j in c.runs))
        at = list(chain.from_iterable(range(i, j) for i, j in c.runs))
    entries, lists, texts = entry_cells(body, at)
    fields: Fields = []
    for f, column in enumerate((norms, stems)):
        fields.append((f, *_merged(_lowered(_picked(column, entries)),
                                   lists, texts)))
    root_terms = _picked(roots, entries)
    entry_alts = _picked(alts, entries)
    has_alt = list(map(operator.truth, entry_alts))
    if any(has_alt):
        # root_stream: each token's root, then, at its position, ALT_MARK + its alternative
        keep = [True] * (2 * len(entries))
        keep[1::2] = has_alt
        root_terms = _woven(root_terms, list(map(ALT_MARK.__add__, entry_alts)), keep)
        root_lists = None if lists is None else _woven(lists, lists, keep)
        root_texts = _woven(texts, texts, keep)
    else:
        root_lists, root_texts = lists, texts
    fields.append((2, *_merged(_lowered(root_terms), root_lists, root_texts)))
    fields.append((3, *field_cells(_entity_field(body_entities(c))[1])))
    fields += [(f, *field_cells(raw)) for f, (_length, raw)
               in enumerate(group_tokens(c.title_tokens, c.title_entities), 4)]
    first: Firsts = {}
    _title_firsts(first, c.title_tokens)
    if _cterms is not None:
        _cterms.add_firsts(first, entries, named, forms, norms, stems, roots)
    else:
        _add_firsts_py(first, entries, named, forms, norms, stems, roots)
    return fields, first


def _add_firsts_py(first: Firsts, entries: list[int], named: int, forms: list[str],
                   norms: list[str], stems: list[str], roots: list[str]) -> None:
    """Set the first spelling of each body entry's (level, term, normalized) not set yet
    (entries from ``named`` on are a name's tokens: left out)."""
    add = first.setdefault
    for v in entries:
        norm = norms[v]
        if v >= named or not norm:  # a name's token, or no normalized form
            continue
        stem, root = stems[v], roots[v]
        if stem:
            add((0, stem, norm), forms[v])
        if root:
            add((1, root, norm), forms[v])
