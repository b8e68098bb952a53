"""The Whoosh search index under build/search/: build, incremental update, related articles."""

from archive.index.build import (
    UpdateReport,
    current_generation,
    ensure_fresh,
    index_status,
    search_dir,
    update_index,
)

__all__ = [
    "UpdateReport", "current_generation", "ensure_fresh", "index_status", "search_dir",
    "update_index",
]
