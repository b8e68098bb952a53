"""Dates as a dump writes them, turned into what front matter accepts (YYYY-MM-DD, YYYY-MM, YYYY).

Read without a format: ISO dates and times (``2015-07-21``, ``2015-07-21 12:00:00``,
``2015-07-21T12:00:00+03:00``, also with ``/`` or ``.`` between year, month and day), a year or
year and month alone, e-mail/RSS dates (``Tue, 21 Jul 2015 02:51:32 +0300``) and a date written
out in words (``21 يوليو 2015``, ``July 21, 2015``). The date is the one written: a time zone
never moves it. Day-first or month-first numeric dates (``21/07/2015``) are ambiguous and need
``--date-format`` (dates that do not match it are still read when unambiguous).
"""

from __future__ import annotations

import datetime as _dt
import email.utils
import re
from typing import Any

from archive.corpus.dates import extract_dates, parse_date_field

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_ISO = re.compile(
    r"(?P<y>\d{4})(?:(?P<sep>[-/.])(?P<m>\d{1,2})(?:(?P=sep)(?P<d>\d{1,2}))?)?"
    r"(?:(?:[T ]|\s+)\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[AaPp][Mm])?"
    r"\s*(?:Z|[+-]\d{2}(?::?\d{2})?|UTC|GMT)?)?"
)
_YEAR_LAST = re.compile(r"\d{1,2}[-/.]\d{1,2}[-/.]\d{4}\b.*")


class DateError(ValueError):
    """A date that cannot be read; the message says what was given and what to do."""


def normalize_date(value: Any, fmt: str | None = None) -> str | None:
    """``value`` as YYYY-MM-DD / YYYY-MM / YYYY; None when empty. Raises DateError."""
    if value is None or isinstance(value, bool):
        if value is None:
            return None
        raise DateError(f"date {value!r} is not a date")
    if isinstance(value, int):
        if 1000 <= value <= 9999:
            return str(value)
        raise DateError(f"date {value!r} is a number, not a year")
    if not isinstance(value, str):
        raise DateError(f"date {value!r} is not text")
    text = " ".join(value.translate(_DIGITS).split())
    if not text:
        return None
    if fmt:
        try:
            return _dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            try:
                return normalize_date(text)  # an unambiguous date in another form
            except DateError:
                raise DateError(f"date {text!r} does not match --date-format {fmt!r}"
                                ) from None
    m = _ISO.fullmatch(text)
    if m:
        parts = [m["y"]] + [f"{int(x):02d}" for x in (m["m"], m["d"]) if x]
        return _checked("-".join(parts), text)
    if _YEAR_LAST.fullmatch(text):
        raise DateError(f"date {text!r} may be day/month/year or month/day/year: pass"
                        " --date-format '%d/%m/%Y' (or '%m/%d/%Y')")
    parsed = email.utils.parsedate_tz(text)
    if parsed and parsed[0] >= 1000:
        return _checked(f"{parsed[0]:04d}-{parsed[1]:02d}-{parsed[2]:02d}", text)
    found = [d for d in extract_dates(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", d.value)]
    rest = text[:found[0].start] + text[found[0].end:] if len(found) == 1 else text
    if len(found) == 1 and not re.search(r"\d", rest):
        return found[0].value
    raise DateError(f"date {text!r} is not a date this importer can read")


def _checked(iso: str, text: str) -> str:
    try:
        return parse_date_field(iso)
    except ValueError:
        raise DateError(f"date {text!r} does not exist") from None
