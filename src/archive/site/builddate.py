"""The build date MkDocs writes into the site, taken from the seeds rather than the clock.

MkDocs dates every page with the day of the build (``Page.update_date``, from
``mkdocs.utils.get_build_date``): sitemap.xml shows it as each page's ``<lastmod>``, and
sitemap.xml.gz carries the newest of them as its gzip time. The same seeds built either side
of midnight UTC would give other bytes. MkDocs takes the date from the ``SOURCE_DATE_EPOCH``
environment variable when it is set (reproducible builds); the plugin sets it to the date of
the newest article (00:00 UTC of that day) once the seeds are loaded, before MkDocs makes its
pages, so that a cold and an incremental build of the same seeds give the same sitemap on any
day. A ``SOURCE_DATE_EPOCH`` the user set wins, as MkDocs documents.

The plugin calls :func:`begin` in ``on_config`` (every build, `mkdocs serve`'s reloads too),
:func:`settle` runs when the pipeline has loaded the seeds (:func:`archive.pipeline.load`,
only after a :func:`begin`), and :func:`end` in ``on_shutdown`` puts the environment back as
it was.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from typing import Any

#: The variable MkDocs reads (mkdocs.utils.get_build_datetime)
ENV = "SOURCE_DATE_EPOCH"
#: gzip keeps its time in 32 bits, unsigned: the epoch is kept in this range
LATEST = 2**32 - 1

#: the value :func:`settle` put into the environment (None: none, or the user's is there)
_ours: str | None = None
#: a build began (:func:`begin`) and its date is not settled yet
_armed = False


def newest_date(articles: Iterable[Any]) -> date | None:
    """The newest of the articles' dates (``Article.date``: ``YYYY-MM-DD``, ``YYYY-MM`` or
    ``YYYY``; a month or a year alone counts as its first day); None when none has one."""
    newest: date | None = None
    for article in articles:
        value = getattr(article, "date", None)
        if not value:
            continue
        try:
            parts = [int(p) for p in str(value).split("-")]
            day = date(parts[0], *(parts + [1, 1])[1:3])
        except (ValueError, TypeError, IndexError):
            continue
        if newest is None or day > newest:
            newest = day
    return newest


def epoch_of(articles: Iterable[Any]) -> int:
    """``SOURCE_DATE_EPOCH`` for these articles: 00:00 UTC of the newest article's date
    (0, 1 January 1970, when no article has a date), within what gzip can keep."""
    day = newest_date(articles)
    if day is None:
        return 0
    seconds = int(datetime.combine(day, time(), tzinfo=UTC).timestamp())
    return min(max(seconds, 0), LATEST)


def begin() -> None:
    """A build begins: the date it set last time is taken out (settled again from the seeds
    this build loads); one the user set stays."""
    global _ours, _armed
    if _ours is not None and os.environ.get(ENV) == _ours:
        del os.environ[ENV]
    _ours = None
    _armed = True


def settle(articles: Iterable[Any]) -> None:
    """The seeds are loaded: set ``SOURCE_DATE_EPOCH`` from them, unless the user set it or no
    build began (:func:`begin`: the command line's loads leave the environment alone)."""
    global _ours, _armed
    if not _armed:
        return
    _armed = False
    if ENV in os.environ:
        return  # the user's
    _ours = str(epoch_of(articles))
    os.environ[ENV] = _ours


def end() -> None:
    """The plugin is done (``on_shutdown``): the environment as it was before :func:`begin`."""
    global _ours, _armed
    if _ours is not None and os.environ.get(ENV) == _ours:
        del os.environ[ENV]
    _ours = None
    _armed = False
