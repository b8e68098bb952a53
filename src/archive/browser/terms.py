"""An article's browser postings and forms made from columns, a few calls per article.

:func:`postings` gives what the browser writer spills of one article: per index term its
fields' cells (``term → [field number, cell text, field number, …]``, terms in order of first
appearance: the fields in the order of ``archive.browser.index.FIELDS``, each field's terms as
its tokens first give them), and :func:`first_forms` the word forms (``(0 stem | 1 root, term,
normalized) → spelling``, the first one read, the title's before the body's).

Both read an article part (its body or its title) as :class:`Words`: its distinct readings
(five strings each: form, normalized, stem, root, alternative root) and, per token, which
reading it is and its position: what the analysis record keeps (``archive.records``), read
without a Token per body token (:func:`body_of_columns`), or made from tokens
(:func:`words_of_tokens`: the title, and articles given as objects). The work per token is
done by numpy over the whole article (one sort for every field), per distinct string in C
(``map`` over dicts): no Python step per token or per term. (numpy is imported where it is
used: a process that imports the browser writer without writing, e.g. a build with nothing
to do, does not load it.)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain, compress, repeat
from typing import TYPE_CHECKING, Any

from archive.analysis.morphology import ALT_MARK
from archive.browser.digits import SPELLING, number_text

if TYPE_CHECKING:
    from archive.index.columns import ArticleColumns

#: Fields per part: form, stem, root, entity (the title's are the body's plus this).
_PART = 4


@dataclass(slots=True)
class Words:
    """One part of an article as columns (see the module docstring)."""

    words: list[str]  # five strings per reading: form, normalized, stem, root, alt
    named: int  # readings from this one on are a gazetteer name's (no forms)
    ids: Any  # numpy intp: per token, its reading
    positions: Any  # numpy intp: per token, its position (ascending)
    entities: list[tuple[str, int]]  # (entity key, position) of each name


def words_of_tokens(tokens: Iterable[Any], entities: Iterable[tuple[str, int, int, int]]
                    ) -> Words:
    """:class:`Words` of ``tokens`` (:class:`archive.analysis.Token`) and their names
    ``(key, position, start, end)``, one Python step per token (a title's few, or articles
    given as objects)."""
    import numpy as np

    index: dict[tuple[str, ...], int] = {}
    plain: list[str] = []
    names: list[str] = []
    ids: list[int] = []
    positions: list[int] = []
    name_ids: list[int] = []
    for t in tokens:
        key = (t.form, t.normalized or "", t.stem or "", t.root or "", t.alt or "")
        if t.entity is not None:  # numbered after the plain readings (below)
            at = index.get(("\0name", *key))
            if at is None:
                at = index[("\0name", *key)] = len(names) // 5
                names += key
            name_ids.append(len(ids))
            ids.append(at)
        else:
            at = index.get(key)
            if at is None:
                at = index[key] = len(plain) // 5
                plain += key
            ids.append(at)
        positions.append(t.position)
    named = len(plain) // 5
    for i in name_ids:
        ids[i] += named
    return Words(plain + names, named, np.array(ids, dtype=np.intp),
                 np.array(positions, dtype=np.intp), [(k, p) for k, p, _s, _e in entities])


def body_of_columns(c: ArticleColumns) -> Words:
    """The body of an article read as columns (``archive.index.columns.article_columns``): the
    same terms as its body tokens give (``archive.records.unpack``: a name's tokens have its
    core as stem and root), and its names that start at a body token."""
    import numpy as np

    words = c.words
    ids = np.frombuffer(c.ids, dtype=np.uint32).astype(np.intp)
    named = len(words) // 5
    if c.names:
        words = list(words)
        for i, _entity, core in c.names:
            v = 5 * int(ids[i])
            ids[i] = len(words) // 5
            words += (words[v], words[v + 1], core, core, words[v + 4])
    # the body's tokens: those of its runs, in the runs' order
    pos = np.concatenate([np.arange(i, j, dtype=np.intp) for i, j in c.runs]
                         or [np.zeros(0, dtype=np.intp)])
    # a mention is the body's when it starts where a body token does (index.docs.mention_spans)
    position = dict(zip(np.frombuffer(c.starts, dtype=np.uint32)[pos].tolist(), pos.tolist(),
                        strict=True))
    entities = [(m.entity, position[m.start]) for m in c.summary.mentions
                if m.start in position]
    return Words(words, named, ids[pos], pos, entities)


def postings(body: Words, title: Words) -> dict[str, list[Any]]:
    """term → [field number, cell, …] (see the module docstring): a cell is the term's
    positions in the field, ascending, as the first and then the gaps in
    :mod:`archive.browser.digits` text; terms equal once lowercased are one term (the browser
    looks terms up lowercased)."""
    import numpy as np

    strings: list[str] = []
    items: list[tuple[Any, Any, Any, Any]] = []  # per field: string index, position, order
    for part, w in enumerate((body, title)):
        f = part * _PART
        words, ids, pos = w.words, w.ids, w.positions
        n = len(ids)
        order = np.arange(n, dtype=np.intp)
        for k in (1, 2):  # normalized form, stem
            items.append((ids + len(strings), pos, order, f + k - 1))
            strings += words[k::5]
        # the root, then at the same position the alternative root of a name that has one
        alts = words[4::5]
        has = np.fromiter(map(bool, alts), dtype=bool, count=len(alts))
        at = np.flatnonzero(has[ids]) if n else order
        roots = len(strings)
        strings += words[3::5]
        if len(at):
            held = np.flatnonzero(has)  # the readings with an alternative, numbered
            alt_of = np.zeros(len(alts), dtype=np.intp)
            alt_of[held] = np.arange(len(strings), len(strings) + len(held))
            strings += [ALT_MARK + alts[i] for i in held.tolist()]
            items.append((np.concatenate((ids + roots, alt_of[ids[at]])),
                          np.concatenate((pos, pos[at])),
                          np.concatenate((2 * order, 2 * at + 1)), f + 2))
        else:
            items.append((ids + roots, pos, order, f + 2))
        keys = [k for k, _p in w.entities]
        items.append((np.arange(len(strings), len(strings) + len(keys), dtype=np.intp),
                      np.array([p for _k, p in w.entities], dtype=np.intp),
                      np.arange(len(keys), dtype=np.intp), f + 3))
        strings += keys
    joined = "\0".join(strings)
    if joined.lower() != joined:
        strings = joined.lower().split("\0")
    distinct = list(dict.fromkeys(strings))
    number = dict(zip(distinct, range(len(distinct)), strict=True))
    term_of = np.fromiter(map(number.__getitem__, strings), dtype=np.intp, count=len(strings))
    empty = number.get("")
    tids, poss, firsts, fields = [], [], [], []
    span = 1 + 2 * max([len(x[2]) for x in items] + [0])  # orders within a field
    for sid, pos, order, f in items:
        tid = term_of[sid]
        if empty is not None and f % _PART != 3:  # (an empty word term is no term)
            keep = tid != empty
            tid, pos, order = tid[keep], pos[keep], order[keep]
        tids.append(tid)
        poss.append(pos)
        firsts.append(order + f * span)
        fields.append(np.full(len(tid), f, dtype=np.intp))
    tid = np.concatenate(tids)
    if not len(tid):
        return {}
    pos = np.concatenate(poss)
    first = np.concatenate(firsts)
    key = tid * 8 + np.concatenate(fields)
    order = np.lexsort((pos, key))
    key, pos, first = key[order], pos[order], first[order]
    n = len(key)
    # the (term, field) cells: a run of equal keys, its positions ascending
    cell = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    gaps = pos.copy()
    gaps[1:] -= pos[:-1]
    gaps[cell] = pos[cell]
    spelled = list(map(SPELLING.get, gaps.tolist()))
    if None in spelled:  # a number beyond the spellings' table
        spelled = [number_text(g) if s is None else s
                   for s, g in zip(spelled, gaps.tolist(), strict=True)]
    # a cell of one position (most) is that number's spelling (the table's own string)
    cells = list(map(spelled.__getitem__, cell.tolist()))
    after = np.append(cell[1:], n)
    several = np.flatnonzero(after - cell > 1)
    if len(several):
        for i, lo, hi in zip(several.tolist(), cell[several].tolist(), after[several].tolist(),
                             strict=True):
            cells[i] = "".join(spelled[lo:hi])
    cell_key = key[cell]
    cell_first = np.minimum.reduceat(first, cell)
    # the terms: runs of cells of one term (fields ascending), in order of first appearance
    term = np.flatnonzero(np.concatenate(([True], cell_key[1:] >> 3 != cell_key[:-1] >> 3)))
    by_first = np.argsort(np.minimum.reduceat(cell_first, term), kind="stable")
    flat = list(chain.from_iterable(zip((cell_key & 7).tolist(), cells, strict=True)))
    lo = 2 * term
    hi = np.append(lo[1:], len(flat))
    lists = list(map(flat.__getitem__, map(slice, lo[by_first].tolist(),
                                           hi[by_first].tolist())))
    return dict(zip(map(distinct.__getitem__, (cell_key[term[by_first]] >> 3).tolist()),
                    lists, strict=True))


def _readings(w: Words) -> tuple[list[str], list[str], list[str], list[str]]:
    """(forms, normalized, stems, roots) of ``w``'s readings that give forms (not a name's),
    in order of first appearance among its tokens."""
    ids = w.ids
    order = list(dict.fromkeys((ids[ids < w.named] if w.named < len(w.words) // 5 else ids
                                ).tolist()))
    words = w.words
    return tuple(list(map(words[k::5].__getitem__, order))  # type: ignore[return-value]
                 for k in range(4))


def first_forms(title: Words, body: Words) -> dict[tuple[int, str, str], str]:
    """Per ``(0 stem | 1 root, term, normalized form)``: the first spelling read (the
    title's readings, then the body's, each in order of first appearance), in order of first
    appearance (a reading gives its stem's, then its root's); none for a reading without a
    normalized form, or a name's."""
    forms: list[str] = []
    norms: list[str] = []
    stems: list[str] = []
    roots: list[str] = []
    for part in (title, body):
        got = _readings(part)
        keep = list(map(bool, got[1]))
        forms += compress(got[0], keep)
        norms += compress(got[1], keep)
        stems += compress(got[2], keep)
        roots += compress(got[3], keep)
    terms = list(chain.from_iterable(zip(stems, roots, strict=True)))
    levels = chain.from_iterable(repeat((0, 1), len(stems)))
    keys = list(compress(zip(levels, terms, chain.from_iterable(zip(norms, norms, strict=True)),
                             strict=True), terms))
    spellings = list(compress(chain.from_iterable(zip(forms, forms, strict=True)), terms))
    first = dict(zip(keys, spellings, strict=True))  # in order of first appearance …
    first.update(zip(reversed(keys), reversed(spellings), strict=True))  # … the first's
    return first
