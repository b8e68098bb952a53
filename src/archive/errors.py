"""Problems found in input files, reported with the file, the line and what to do."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from archive.corpus.article import _quick_pickle

Severity = Literal["error", "warning"]


# (pickled as a tuple: every build reads back each file's problems from corpus.pickle,
# 9,286 of them at 29,904 articles, and the dataclass's own __setstate__ asks for its fields
# anew for each)
@_quick_pickle
@dataclass(frozen=True, slots=True)
class Problem:
    """One problem with one input file. ``path`` is relative to the repository root."""

    path: str
    message: str
    hint: str = ""
    line: int | None = None
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.severity}: {self.message}"
        return f"{text} — {self.hint}" if self.hint else text


class HasProblems:
    """Mixin for results that carry ``problems``: the errors and the warnings among them."""

    __slots__ = ()
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


class ArchiveError(Exception):
    """Raised when input has errors; carries every problem so all are reported at once."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


#: how many files a summarised warning names before "and N more"
WARNING_EXAMPLES = 3


def _printable(text: str) -> str:
    """One line, and no lone surrogates (a file name that is not UTF-8) to crash the output."""
    return " ".join(text.split("\n")).encode("utf-8", "replace").decode("utf-8")


def _where(p: Problem) -> str:
    return f"{p.path}:{p.line}" if p.line else p.path


def format_error(p: Problem) -> str:
    """``path:line: message — hint`` on one line."""
    return _printable(f"{_where(p)}: {p.message}" + (f" — {p.hint}" if p.hint else ""))


def summarise_warnings(warnings: list[Problem]) -> list[str]:
    """One line per kind of warning (same message and hint), naming a few of the places and,
    when there are more, how many files in all."""
    groups: dict[tuple[str, str], list[Problem]] = defaultdict(list)
    for w in warnings:
        groups[(w.message, w.hint)].append(w)
    lines = []
    for (message, hint), items in sorted(groups.items(), key=lambda g: (g[1][0].path, g[0])):
        places = [_where(p) for p in items[:WARNING_EXAMPLES]]
        more = len(items) - len(places)
        files = len({p.path for p in items})
        where = ", ".join(places) + (f" and {more} more ({files} files)" if more else "")
        line = f"{where}: {message}" + (f" — {hint}" if hint else "")
        lines.append(_printable(line))
    return lines
