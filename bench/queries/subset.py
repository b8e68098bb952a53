"""The 1,500-article SaudiNewsNet subset of the judged-query benchmark (shared helpers)."""

from __future__ import annotations

import json
import random
import re
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpora" / "saudinewsnet"
if not CORPUS.is_dir():
    CORPUS = Path("/work/shared/corpora/saudinewsnet")
SIZE = 1500
SEED = 1500
WORD = re.compile(r"[\u0621-\u064A\u0671\u064B-\u065F\u0670\u0640]+")


def articles() -> list[dict[str, str]]:
    """The subset: SIZE articles with non-empty content drawn with random.Random(SEED), each
    with an id ``<zip date>-<index>``, title and content (never written into the repository)."""
    pool: list[tuple[str, int, dict[str, str]]] = []
    for zpath in sorted(CORPUS.glob("*.zip")):
        with zipfile.ZipFile(zpath) as z:
            for name in sorted(z.namelist()):
                for i, art in enumerate(json.loads(z.read(name).decode("utf-8"))):
                    if (art.get("content") or "").strip():
                        pool.append((zpath.stem, i, art))
    chosen = random.Random(SEED).sample(range(len(pool)), SIZE)
    out = []
    for k in sorted(chosen):
        day, i, art = pool[k]
        out.append({"id": f"{day}-{i:04d}", "title": (art.get("title") or "").strip(),
                    "content": art["content"]})
    return out


def words(text: str) -> list[str]:
    return WORD.findall(text)
