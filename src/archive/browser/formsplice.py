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
for the rest it cannot do the same way (an article that comes and is there already, a form's
article outside the posting, a list of 64 forms or more held by one article)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Mapping
from itertools import accumulate, islice
from operator import itemgetter, sub
from typing import Any

from archive.browser.digits import LEAD, NUMBER, VALUE, counts_of, numbers_text, tables

#: A lead digit: a number of more than one character.
_LEAD = re.compile(f"[{re.escape(LEAD)}]")
#: A text's first character (``""`` for none).
_FIRST = itemgetter(slice(0, 1))


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


class _Cells:
    """Where each article's code is in a codes text, found from its parts between commas (a
    part after a comma starts with a list's length), not by cutting the text into codes: the
    text of an entry of a common term holds thousands (at 9,504 articles)."""

    def __init__(self, text: str) -> None:
        tables()  # VALUE filled (else no list's length is read: the entry made whole)
        self.text = text
        self.parts = parts = text.split(",")
        self.lead = _LEAD.search(text) is not None  # a number of several characters
        tokens = list(map(len, parts)) if not self.lead else counts_of(parts)
        #: per part after a comma, its list's length (None: not one character, not done)
        self.sizes: list[int | None] = list(map(VALUE.get, map(_FIRST, islice(parts, 1, None))))
        self.ok = None not in self.sizes
        #: per part, the codes up to its end; its first character's place in the text
        self.ends = list(accumulate([tokens[0], *map(sub, tokens[1:], self.sizes)])
                         if self.ok else ())
        self.lengths = list(accumulate(map(len, parts)))
        self.count = self.ends[-1] if self.ok else -1

    def offset(self, p: int) -> int:
        """Where the code of article ``p`` (in the text's order) starts (the end: the text's
        length)."""
        if p >= self.count:
            return len(self.text)
        j = bisect_right(self.ends, p)
        q = p - (self.ends[j - 1] if j else 0)  # its code among the part's
        start = (self.lengths[j - 1] + j) if j else 0
        if j == 0:
            return start + self._chars(self.parts[0], q)
        if q == 0:  # the list: from its comma
            return start - 1
        size = self.sizes[j - 1]
        assert size is not None
        return start + self._chars(self.parts[j], size + q)

    def _chars(self, part: str, numbers: int) -> int:
        """The characters of the first ``numbers`` numbers of ``part``."""
        if not self.lead:
            return numbers
        return len("".join(NUMBER.findall(part)[:numbers]))


def code_cell(forms: list[int]) -> str:
    """The code of an article holding the forms ``forms`` (ascending; none: -1)."""
    if len(forms) > 1:
        return "," + numbers_text([len(forms), *forms])
    return numbers_text([forms[0] + 1 if forms else 0])


def splice_codes(codes: str, old_docs: list[int], new_docs: list[int], gone: Collection[int],
                 moved: Mapping[int, int], coming: Mapping[int, list[int]]) -> str | None:
    """The codes text ``codes`` (one code per article of ``old_docs``) for the articles
    ``new_docs``: the articles ``gone`` taken out, those ``moved`` renumbered (their codes
    taken out and put in again at their new places: a slot probe can change their order),
    those ``coming`` (article → its forms, ascending) put in. None: not so made (the counts
    disagree: an article coming is kept already, or is not in ``new_docs``)."""
    cells = _Cells(codes)
    n = len(old_docs)
    if not cells.ok or cells.count != n:
        return None
    cut = {i for d in gone if (i := bisect_left(old_docs, d)) < n and old_docs[i] == d}
    # the codes put in at their new numbers: those coming, then those moved
    arriving = {d: code_cell(forms) for d, forms in coming.items()}
    for d, m in moved.items():
        i = bisect_left(old_docs, d)
        if i < n and old_docs[i] == d and i not in cut:
            cut.add(i)
            if m in arriving:
                return None
            arriving[m] = codes[cells.offset(i):cells.offset(i + 1)]
    if n - len(cut) + len(arriving) != len(new_docs):
        return None
    order = sorted(cut)
    edits = [(cells.offset(i), cells.offset(i + 1), "") for i in order]
    for k, d in enumerate(sorted(arriving)):
        at = bisect_left(new_docs, d)
        if at == len(new_docs) or new_docs[at] != d:
            return None
        j = at - k  # the articles kept before it: it goes before the next one kept
        for i in order:
            if i > j:
                break
            j += 1
        place = cells.offset(j)
        edits.append((place, place, arriving[d]))
    edits.sort(key=itemgetter(0, 1))  # (stable: articles arriving at one place in order)
    out: list[str] = []
    last = 0
    for start, end, text in edits:
        out.append(codes[last:start])
        out.append(text)
        last = max(last, end)
    out.append(codes[last:])
    return "".join(out)


def entry_codes(fragment: str) -> str | None:
    """The codes text of a forms entry ``"term":[names,"codes"]`` (None: another shape)."""
    if not fragment.endswith('"]'):
        return None
    start = fragment.rfind('"', 0, len(fragment) - 2)
    return fragment[start + 1:-2] if start > 0 and fragment[start - 1] == "," else None
