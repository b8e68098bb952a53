"""Bad input and determinism across the whole pipeline (what no single module owns).

- a real 20 MB article is refused with a clear message, the others still load;
- nothing is silently lost: every article file in seeds/ is in the site, or the build names
  it in an error;
- Python and JavaScript analyzers agree on random Arabic-letter strings (hypothesis).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import mkdocs_build, node_path
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.analysis import analyze_word
from archive.analysis.analyzer import alternative_root, query_root
from archive.analysis.tables import export_tables
from archive.config import Paths
from archive.corpus.loader import load_corpus

REPO = Path(__file__).resolve().parents[1]


def test_a_20_mb_article_is_refused_by_name_and_the_others_load(archive_paths: Paths) -> None:
    big = archive_paths.seeds / "big.txt"
    line = "قصف عنيف على أحياء درعا البلد اليوم. " * 40 + "\n"
    with open(big, "w", encoding="utf-8") as f:
        while f.tell() < 20 * 1024 * 1024:
            f.write(line)
    corpus = load_corpus(archive_paths)
    errors = [p for p in corpus.errors if p.path == "seeds/big.txt"]
    assert len(errors) == 1
    assert "MB" in str(errors[0]) and errors[0].hint
    assert len(corpus.articles) == 5


def _build(root: Path) -> subprocess.CompletedProcess[str]:
    return mkdocs_build(root, "--strict")


def test_every_seed_file_is_in_the_site_or_named_in_an_error(archive_dir: Path) -> None:
    seeds = archive_dir / "seeds"
    (seeds / "010_new.md").write_text("---\ntitle: جديد\n---\nخبر عن طفس.\n", encoding="utf-8")
    (seeds / "011_bom.txt").write_bytes("\ufeffخبر عن إنخل.\r\n".encode())
    proc = _build(archive_dir)
    assert proc.returncode == 0, proc.stderr
    for f in sorted(seeds.iterdir()):
        if f.suffix in (".txt", ".md"):
            assert (archive_dir / "site" / "articles" / f.stem / "index.html").is_file(), f
            assert (archive_dir / "site" / "raw" / f"{f.stem}.txt").is_file(), f
    bad = {"020_cp1256.txt": "درعا".encode("cp1256"), "021_empty.md": b"  \n",
           "022_yaml.md": b"---\ntitle: [\n---\ntext\n", "010_new.txt": "نص".encode()}
    for name, data in bad.items():
        (seeds / name).write_bytes(data)
    proc = _build(archive_dir)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    for name in bad:
        assert f"seeds/{name}" in proc.stderr, name
    assert "seeds/010_new.md" in proc.stderr  # the other half of the duplicate id


ARABIC = st.text(
    alphabet=st.sampled_from(
        [chr(c) for c in range(0x0621, 0x0653)] + ["\u0640", "\u0670", "\u0671", "\u200c"]
    ),
    min_size=1, max_size=14,
)


@pytest.fixture(scope="module")
def node_env(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, Path]:
    node = node_path()
    tmp = tmp_path_factory.mktemp("hyp")
    return node, export_tables(tmp / "tables.json"), tmp


@settings(max_examples=8, deadline=None)
@given(words=st.lists(ARABIC, min_size=50, max_size=300, unique=True))
def test_python_and_javascript_agree_on_random_arabic_strings(
    node_env: tuple[str, Path, Path], words: list[str]
) -> None:
    node, tables, tmp = node_env
    words_file, out = tmp / "words.txt", tmp / "out.tsv"
    words_file.write_text("\n".join(words) + "\n", "utf-8")
    subprocess.run([node, str(REPO / "tests" / "js" / "parity.mjs"), "words", str(tables),
                    str(words_file), str(out)], check=True, timeout=120)
    js = out.read_text("utf-8").split("\n")[:-1]
    # normalized, stem, root, a name's common-reading root (alt), the query root
    assert js == ["\t".join((*analyze_word(w), alternative_root(w), query_root(w)))
                  for w in words]
