"""A forms entry patched as text after articles left or came (a rebuild after one added or
deleted article), instead of made again from its forms (``archive.browser.index._forms_entry``).

An entry ``"term":[names,"codes"]`` has one code per article of the term's posting at its
level, in document order (:func:`archive.browser.digits.codes_text`): an article that leaves
takes its code out, one that comes puts its own in, and every other code stays the same text
as long as the names (the term's normalized forms, in order) stay the same ones, so the codes
of the other articles are not worked out again from the forms (a set and a dict entry per
article and form, then every code written again: most of the forms work of such a rebuild).

The caller decides the cases that are not a splice (another list of forms, one form only, an
entry of another shape) and makes those entries whole; :func:`splice_codes` hands back None
for the rest it cannot do the same way (an order of articles that changes, an article that
comes and is there already, a form's article outside the posting)."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Collection, Mapping
from typing import Any

from archive.browser.digits import LAST, LEAD, numbers_text, text_numbers

#: One number of a :func:`~archive.browser.digits.numbers_text` text.
_NUMBER = re.compile(f"[{re.escape(LEAD)}]*[{re.escape(LAST)}]")
#: A lead digit: a number of more than one character.
_LEAD = re.compile(f"[{re.escape(LEAD)}]")
#: A one-character number's value.
_VALUE = {c: v for v, c in enumerate(LAST)}


def forms_names(norms: Mapping[str, Mapping[str, list[int]]]) -> list[Any]:
    """A forms entry's names (as ``_forms_entry`` makes them): per normalized form in order,
    the form itself when the spelling of its lowest-numbered article is the same, else
    ``[normalized, spelling]`` (the lists of articles are ascending, as the state keeps them)."""
    names: list[Any] = []
    for norm in sorted(norms):
        spellings = norms[norm]
        if len(spellings) == 1:
            (spelling,) = spellings
        else:
            spelling = min(spellings, key=lambda s: (spellings[s][0], s))
        names.append(norm if spelling == norm else [norm, spelling])
    return names


def codes_cells(text: str) -> list[str]:
    """A codes text cut into its articles' codes, each as its own text (a number, or ``,``
    and a list's length and numbers)."""
    parts = text.split(",")
    if _LEAD.search(text) is None:  # every number one character (forms below 63: most)
        cells = list(parts[0])
        for part in parts[1:]:
            size = 1 + _VALUE[part[0]]
            cells.append("," + part[:size])
            cells.extend(part[size:])
        return cells
    cells = _NUMBER.findall(parts[0])
    for part in parts[1:]:
        numbers = _NUMBER.findall(part)
        size = 1 + (_VALUE.get(numbers[0]) or text_numbers(numbers[0])[0])
        cells.append("," + "".join(numbers[:size]))
        cells.extend(numbers[size:])
    return cells


def code_cell(forms: list[int]) -> str:
    """The code of an article holding the forms ``forms`` (ascending; none: -1)."""
    if len(forms) > 1:
        return "," + numbers_text([len(forms), *forms])
    return numbers_text([forms[0] + 1 if forms else 0])


def splice_codes(codes: str, old_docs: list[int], new_docs: list[int], gone: Collection[int],
                 moved: Mapping[int, int], coming: Mapping[int, list[int]]) -> str | None:
    """The codes text ``codes`` (one code per article of ``old_docs``) for the articles
    ``new_docs``: the articles ``gone`` taken out, those ``moved`` renumbered (their codes
    kept), those ``coming`` (article → its forms, ascending) put in. None: not so made (the
    articles kept change order, an article coming is kept already, the counts disagree)."""
    cells = codes_cells(codes)
    n = len(old_docs)
    if len(cells) != n:
        return None
    cut = []
    for d in gone:
        i = bisect_left(old_docs, d)
        if i < n and old_docs[i] == d:
            cut.append(i)
    if moved:
        kept = [moved.get(d, d) for d in old_docs if d not in gone] if any(
            (i := bisect_left(old_docs, d)) < n and old_docs[i] == d for d in moved) else None
        if kept is not None and any(a >= b for a, b in zip(kept, kept[1:], strict=False)):
            return None
    for i in sorted(cut, reverse=True):
        del cells[i]
    for d in sorted(coming):
        i = bisect_left(old_docs, d)
        if i < n and old_docs[i] == d and d not in gone:
            return None  # there already
        at = bisect_left(new_docs, d)
        if at == len(new_docs) or new_docs[at] != d:
            return None
        cells.insert(at, code_cell(coming[d]))
    if len(cells) != len(new_docs):
        return None
    return "".join(cells)


def entry_codes(fragment: str) -> str | None:
    """The codes text of a forms entry ``"term":[names,"codes"]`` (None: another shape)."""
    if not fragment.endswith('"]'):
        return None
    start = fragment.rfind('"', 0, len(fragment) - 2)
    return fragment[start + 1:-2] if start > 0 and fragment[start - 1] == "," else None
