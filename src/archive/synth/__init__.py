"""Synthetic archives for measuring the build at scale (never published).

``synthesize(n, out)`` writes a self-contained archive that ``mkdocs build -f out/mkdocs.yml``
builds like the real one::

    out/mkdocs.yml          the repository's mkdocs.yml (paths in it are relative to it)
    out/docs/               a copy of the repository's docs/
    out/seeds/*.md|*.txt    n synthetic articles (most with front matter, some bare text)
    out/seeds/places.yml    the repository's gazetteer, copied byte for byte
    out/seeds/actors.yml
    out/synth.json          what was generated: n, seed, word list, totals
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from archive.config import Paths
from archive.errors import ArchiveError, Problem
from archive.synth.generate import SynthArticle, Vocabulary, build_vocabulary, make_article
from archive.synth.names import GAZETTEER_FILES, gazetteer_names
from archive.synth.words import load_word_list

MANIFEST = "synth.json"
#: What ``synthesize`` owns inside ``out`` and replaces on every run.
OWNED = ("seeds", "docs", "site", "build", "mkdocs.yml", MANIFEST)

__all__ = ["SynthResult", "load_vocabulary", "make_article", "synthesize"]


@dataclass(frozen=True, slots=True)
class SynthResult:
    out: Path
    articles: int
    with_front_matter: int
    words: int
    seed: int


def load_vocabulary(repo: Paths) -> Vocabulary:
    """Word list, seed words and gazetteer names of the repository at ``repo``."""
    seed_texts = [p.read_text(encoding="utf-8")
                  for p in sorted(repo.seeds.glob("*")) if p.suffix in (".txt", ".md")]
    return build_vocabulary(load_word_list(), seed_texts, gazetteer_names(repo))


def _prepare(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise ArchiveError([Problem(str(out), "is a file, not a folder",
                                    "give --out a new or empty folder")])
    if out.is_dir() and any(out.iterdir()) and not (out / MANIFEST).is_file():
        raise ArchiveError([Problem(
            str(out), "folder is not empty and was not made by `archive synth`",
            "give --out a new or empty folder (synth replaces seeds/, docs/, site/ and build/ "
            "only in folders it made itself)")])
    for name in OWNED:
        target = out / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    out.mkdir(parents=True, exist_ok=True)


def synthesize(n: int, out: Path, seed: int = 0, repo: Paths | None = None,
               vocabulary: Vocabulary | None = None) -> SynthResult:
    """Write an archive of ``n`` synthetic articles to ``out`` (see the module docstring)."""
    if n < 0:
        raise ValueError("n must be >= 0")
    from archive.config import default_paths

    repo = repo or default_paths()
    vocab = vocabulary or load_vocabulary(repo)
    _prepare(out)
    seeds = out / "seeds"
    seeds.mkdir()
    for name in GAZETTEER_FILES:
        if (repo.seeds / name).is_file():
            shutil.copyfile(repo.seeds / name, seeds / name)
    if (repo.root / "mkdocs.yml").is_file():
        shutil.copyfile(repo.root / "mkdocs.yml", out / "mkdocs.yml")
    if repo.docs.is_dir():
        shutil.copytree(repo.docs, out / "docs")
    else:
        (out / "docs").mkdir()
    with_fm = words = 0
    for i in range(n):
        article: SynthArticle = make_article(vocab, seed, i)
        (seeds / article.file_name).write_text(article.content, encoding="utf-8")
        with_fm += article.has_front_matter
        words += article.words
    manifest = {
        "articles": n, "seed": seed, "with_front_matter": with_fm, "words": words,
        "word_list": f"{len(vocab.words)} words (arramooz-pysqlite wordfreq), Zipf ranks",
        "gazetteer_names": len(vocab.names),
        "note": "synthetic archive for benchmarks; never publish",
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n",
                                encoding="utf-8")
    return SynthResult(out, n, with_fm, words, seed)
