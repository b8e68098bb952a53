"""The corpus: articles loaded from seeds/."""
