"""Search over the index: query language and ranking (query.py), evaluation (engine.py),
keyword-in-context concordance (kwic.py)."""

from archive.search import lightwhoosh

lightwhoosh.load()
