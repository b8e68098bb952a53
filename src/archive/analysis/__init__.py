"""Arabic text analysis: normalisation, tokenization, light stems, roots, entity protection."""

from archive.analysis.analyzer import Analyzer, EntityMatch, Token, analyze, analyze_word
from archive.analysis.normalize import clean, normalize

__all__ = ["Analyzer", "EntityMatch", "Token", "analyze", "analyze_word", "clean", "normalize"]
