"""Article ids for imported records: readable, stable, derived from the URL (or the text).

``<prefix>-<hash>``: the prefix is the source as the dump gives it, made a lowercase ASCII slug
(``aawsat``), else the web site's name from the URL (``al-madina``), else ``article``; the hash
is the first 12 hex digits of the SHA-256 of the URL, or of the title and text (whitespace
collapsed) when there is no URL. The same record gives the same id in every import, whatever
the options (source names, output folder) and the order of the records.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import urlsplit

HASH_DIGITS = 12
PREFIX_MAX = 24


def slug(text: str) -> str:
    """Lowercase ASCII letters and digits joined by '-' ("" when there are none)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower()))[:PREFIX_MAX].strip("-")


def site_name(url: str) -> str:
    """``http://www.al-madina.com/node/1`` → ``al-madina``."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    labels = [x for x in host.split(".") if x and x != "www"]
    if len(labels) > 1:
        labels = labels[:-1]  # the top-level domain says nothing
    return slug(labels[-1]) if labels else ""


def content_key(title: str, body: str) -> str:
    return " ".join(title.split()) + "\n" + " ".join(body.split())


def article_id(source_raw: str, url: str, title: str, body: str) -> str:
    prefix = slug(source_raw) or (site_name(url) if url else "") or "article"
    basis = url if url else content_key(title, body)
    return f"{prefix}-{hashlib.sha256(basis.encode('utf-8')).hexdigest()[:HASH_DIGITS]}"
