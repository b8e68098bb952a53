"""`archive synth`: deterministic synthetic archives in the seeds/ format."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from archive.config import Paths
from archive.errors import ArchiveError
from archive.synth import load_vocabulary, synthesize
from archive.synth.generate import SOURCES, Vocabulary

REPO = Path(__file__).resolve().parents[1]
WORD = re.compile("[\u0621-\u064a]+")


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return load_vocabulary(Paths(REPO))


def _files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((out / "seeds").iterdir())}


def _articles(out: Path) -> list[Path]:
    return sorted(p for p in (out / "seeds").iterdir() if p.suffix in (".md", ".txt"))


def _split(text: str) -> tuple[dict | None, str]:
    if text.startswith("---\n"):
        head, body = text[4:].split("\n---\n", 1)
        return yaml.safe_load(head), body
    return None, text


def test_same_seed_same_bytes_other_seed_other_text(tmp_path: Path, vocab: Vocabulary) -> None:
    a = synthesize(30, tmp_path / "a", seed=7, repo=Paths(REPO), vocabulary=vocab)
    synthesize(30, tmp_path / "b", seed=7, repo=Paths(REPO), vocabulary=vocab)
    synthesize(30, tmp_path / "c", seed=8, repo=Paths(REPO), vocabulary=vocab)
    assert a.articles == 30
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    texts_a = set(_files(tmp_path / "a").values())
    assert not texts_a & set(_files(tmp_path / "c").values()) - {
        (REPO / "seeds" / n).read_bytes() for n in ("places.yml", "actors.yml")
        if (REPO / "seeds" / n).is_file()}


def test_bytes_do_not_depend_on_hash_seed(tmp_path: Path) -> None:
    outputs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / hash_seed
        env = dict(os.environ, PYTHONHASHSEED=hash_seed, ARCHIVE_ROOT=str(REPO))
        subprocess.run([sys.executable, "-m", "archive", "synth", "12", "--out", str(out)],
                       check=True, env=env, capture_output=True)
        outputs.append(_files(out))
    assert outputs[0] == outputs[1]


def test_writes_n_articles_an_archive_mkdocs_can_build(tmp_path: Path, vocab: Vocabulary) -> None:
    out = tmp_path / "arch"
    synthesize(40, out, repo=Paths(REPO), vocabulary=vocab)
    articles = _articles(out)
    assert len(articles) == 40
    assert len({p.stem for p in articles}) == 40
    assert (out / "mkdocs.yml").read_bytes() == (REPO / "mkdocs.yml").read_bytes()
    assert (out / "docs").is_dir()
    for name in ("places.yml", "actors.yml"):
        if (REPO / "seeds" / name).is_file():
            assert (out / "seeds" / name).read_bytes() == (REPO / "seeds" / name).read_bytes()


def test_smaller_archive_is_a_prefix_of_a_larger_one(tmp_path: Path, vocab: Vocabulary) -> None:
    synthesize(5, tmp_path / "small", seed=3, repo=Paths(REPO), vocabulary=vocab)
    synthesize(20, tmp_path / "large", seed=3, repo=Paths(REPO), vocabulary=vocab)
    small, large = _files(tmp_path / "small"), _files(tmp_path / "large")
    assert all(large[name] == data for name, data in small.items())


def test_front_matter_share_dates_and_sources(tmp_path: Path, vocab: Vocabulary) -> None:
    out = tmp_path / "arch"
    synthesize(300, out, repo=Paths(REPO), vocabulary=vocab)
    metas = [_split(p.read_text(encoding="utf-8"))[0] for p in _articles(out)]
    with_fm = [m for m in metas if m is not None]
    assert 0.78 <= len(with_fm) / len(metas) <= 0.92
    years = set()
    for meta in with_fm:
        assert isinstance(meta["title"], str) and WORD.search(meta["title"])
        date = meta["date"]
        assert isinstance(date, dt.date)
        assert dt.date(2011, 1, 1) <= date <= dt.date(2024, 12, 31)
        years.add(date.year)
        assert meta["source"] in SOURCES
    assert len(years) >= 12  # spread over 2011–2024
    assert len({m["source"] for m in with_fm}) == len(SOURCES)


def test_lengths_are_like_the_seeds(tmp_path: Path, vocab: Vocabulary) -> None:
    out = tmp_path / "arch"
    synthesize(60, out, repo=Paths(REPO), vocabulary=vocab)
    for path in _articles(out):
        meta, body = _split(path.read_text(encoding="utf-8"))
        words = len(body.split())
        assert 300 <= words <= 1000, path.name
        if meta is not None:
            sentences = [s.split() for s in re.split(r"[.\n]", body) if s.strip()]
            mean = sum(map(len, sentences)) / len(sentences)
            assert 15 <= mean <= 40, path.name


def test_vocabulary_grows_with_the_archive(tmp_path: Path, vocab: Vocabulary) -> None:
    out = tmp_path / "arch"
    synthesize(400, out, repo=Paths(REPO), vocabulary=vocab)
    seen: set[str] = set()
    sizes = []
    for i, path in enumerate(_articles(out), 1):
        seen.update(WORD.findall(path.read_text(encoding="utf-8")))
        if i in (100, 200, 400):
            sizes.append(len(seen))
    assert sizes[0] < sizes[1] < sizes[2]
    assert sizes[2] - sizes[1] > 0.3 * (sizes[1] - sizes[0])  # still growing, not saturated


def test_gazetteer_names_appear_with_clitics(tmp_path: Path, vocab: Vocabulary) -> None:
    out = tmp_path / "arch"
    synthesize(50, out, repo=Paths(REPO), vocabulary=vocab)
    text = "\n".join(p.read_text(encoding="utf-8") for p in _articles(out))
    names = sorted({n.text for n in vocab.names}, key=len, reverse=True)
    assert any(f'لـ"{n}"' in text for n in names)
    assert any(re.search(f"[وبف]{re.escape(n)}", text) for n in names)
    bodies = "\n".join(_split(p.read_text(encoding="utf-8"))[1] for p in _articles(out))
    assert not re.search("[A-Za-z]", bodies)  # Latin aliases stay out of Arabic text


def test_front_matter_ids_exist_in_the_gazetteer(tmp_path: Path, vocab: Vocabulary) -> None:
    gazetteer = pytest.importorskip("archive.gazetteer")
    if not (REPO / "seeds" / "places.yml").is_file():
        pytest.skip("the repository has no gazetteer yet")
    out = tmp_path / "arch"
    synthesize(80, out, repo=Paths(REPO), vocabulary=vocab)
    gaz, _ = gazetteer.load_gazetteer(Paths(out))
    used = 0
    for path in _articles(out):
        meta, _ = _split(path.read_text(encoding="utf-8"))
        for kind in ("places", "actors"):
            for ident in (meta or {}).get(kind, []):
                assert f"{kind[:-1]}:{ident}" in gaz.entities, (path.name, ident)
                used += 1
    assert used > 40


def test_refuses_a_folder_it_did_not_make(tmp_path: Path, vocab: Vocabulary) -> None:
    (tmp_path / "mine.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(ArchiveError, match="not made by `archive synth`"):
        synthesize(3, tmp_path, repo=Paths(REPO), vocabulary=vocab)
    assert (tmp_path / "mine.txt").read_text(encoding="utf-8") == "keep me"


def test_rerun_replaces_the_articles(tmp_path: Path, vocab: Vocabulary) -> None:
    synthesize(10, tmp_path / "a", repo=Paths(REPO), vocabulary=vocab)
    synthesize(4, tmp_path / "a", repo=Paths(REPO), vocabulary=vocab)
    assert len(_articles(tmp_path / "a")) == 4


def test_loads_cleanly_with_the_corpus_loader(tmp_path: Path, vocab: Vocabulary) -> None:
    loader = pytest.importorskip("archive.corpus.loader")
    out = tmp_path / "arch"
    synthesize(60, out, repo=Paths(REPO), vocabulary=vocab)
    corpus = loader.load_corpus(Paths(out))
    assert len(corpus.articles) == 60
    assert [p for p in corpus.problems if p.severity == "error"] == []
    by_id = {a.id: a for a in corpus.articles}
    for path in _articles(out):
        meta, _ = _split(path.read_text(encoding="utf-8"))
        if meta is not None:
            article = by_id[path.stem]
            assert article.title == meta["title"]
            assert article.date == meta["date"].isoformat()
            assert article.source == meta["source"]
