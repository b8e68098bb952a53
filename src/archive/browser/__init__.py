"""Browser search: lunr index and document store writer, JavaScript analyzer and search page."""

from archive.browser.index import BrowserIndexReport, copy_assets, write_browser_index

__all__ = ["BrowserIndexReport", "copy_assets", "write_browser_index"]
