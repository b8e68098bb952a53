"""An analysed article read from its analysis record as columns, for the search index.

:func:`article_columns` gives what :meth:`archive.records.Analysis.article` gives of an
article, without a Token object per token: the record's vocabulary (five strings per distinct
form) and, per token, its vocabulary entry and offsets as arrays, which
:class:`archive.index.docs.ColumnDoc` turns into the index's body fields with numpy. Kept
here, not in records.py: records.py is part of the analysis fingerprint, and a reader of the
same records changes nothing the analysis makes.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from typing import Any

from archive.corpus.article import Article
from archive.records import (
    Analysis,
    Summary,
    TextOnDisk,
    _on_disk,
    text_of,
    unpack_arrays,
)


@dataclass(slots=True)
class ArticleColumns:
    """One analysed article as its record keeps it, without a Token per body token (see
    :func:`article_columns`): per token (every token of the text, in position order: a
    token's position is its place here) its vocabulary entry, start and end offset; the
    gazetteer names that change a token's stem and root; the runs of body tokens."""

    article: Article  # its text as Analysis.article gives it
    summary: Summary
    words: list[str]  # five strings per vocabulary entry: form, normalized, stem, root, alt
    ids: array[int]  # per token, its vocabulary entry
    starts: array[int]
    ends: array[int]
    names: list[tuple[int, str, str]]  # (token, entity key, name core): stem = root = core
    runs: list[tuple[int, int]]  # body tokens: [start, end) runs of token indices
    title_tokens: list[Any]
    title_entities: list[tuple[str, int, int, int]]


def _unpack_columns(data: bytes) -> tuple[Any, ...]:
    """:func:`~archive.records.unpack`'s fields as columns: no Token made for the body."""
    from archive.analysis.analyzer import Columns

    key, words, ids, starts, ends, names, runs, title, title_entities = unpack_arrays(data)
    return (key, words, ids, starts, ends, [tuple(n) for n in names],
            [tuple(r) for r in runs], Columns(*title).tokens(),
            [tuple(e) for e in title_entities])


def _decode_columns(data: bytes) -> tuple[Any, ...]:
    return _unpack_columns(data)


def _decode_columns_with_text(data: bytes) -> tuple[Any, ...]:
    out = _decode_columns(data)
    return (*out, text_of(data, out[0]))


def article_columns(analysis: Analysis, article_id: str) -> ArticleColumns:
    """What :meth:`Analysis.article` gives of ``article_id``, as columns (the search index
    writes its body fields from them: a tenth of the objects)."""
    s = analysis.summaries[article_id]
    article = s.article
    if isinstance(article, TextOnDisk):
        out = analysis._read(article_id, _decode_columns_with_text)
        text = out[-1]
        if text is None:
            raise ValueError(f"{article._dir}/{article._record[0]}: the analysis record of "
                             f"{article_id} carries no text: build again")
        article = _on_disk(article, article._dir, article._record, out[0], text)
        out = out[:-1]
    else:
        out = analysis._read(article_id, _decode_columns)
    return ArticleColumns(article, s, *out[1:])
