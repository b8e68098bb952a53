"""Import an existing dump (JSON, JSON Lines, CSV, zips of those) into seeds/ as article files.

Modules: ``readers`` (formats), ``fields`` (which column is which field), ``dates``, ``ids``,
``writer`` (front matter and body), ``core`` (the import run and its report).
"""

from archive.importer.core import KINDS, Options, Report, Reported, import_sources
from archive.importer.readers import InputError

__all__ = ["KINDS", "InputError", "Options", "Report", "Reported", "import_sources"]
