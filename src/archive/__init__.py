"""Static-site archive of Arabic news articles with root-aware full-text Arabic search."""

__version__ = "0.1.0"
