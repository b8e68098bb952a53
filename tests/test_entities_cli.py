"""``archive entities list`` and ``archive entities suggest`` on the seeds."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.analysis import normalize
from archive.cli import main

REPO = Path(__file__).resolve().parents[1]


def run(root: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["--root", str(root), "entities", *args])
    assert result.exit_code == 0, result.output
    return result.output


def drop_entries(text: str, ids: set[str]) -> str:
    """The YAML text without the entries whose id is in ``ids``."""
    blocks = re.split(r"(?m)^(?=- id: )", text)
    return "".join(b for b in blocks if not any(b.startswith(f"- id: {i}\n") for i in ids))


@pytest.fixture
def reduced(tmp_path: Path) -> Path:
    """A copy of the archive whose gazetteer lacks a few entries named in the seeds."""
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    places = tmp_path / "seeds" / "places.yml"
    places.write_text(drop_entries(places.read_text(encoding="utf-8"),
                                   {"tafas", "al-jiza", "jdeidat-ekeidat", "al-muzayrib"}),
                      encoding="utf-8")
    actors = tmp_path / "seeds" / "actors.yml"
    actors.write_text(drop_entries(actors.read_text(encoding="utf-8"),
                                   {"mohammed-al-hourani"}), encoding="utf-8")
    return tmp_path


def test_suggest_on_the_curated_seeds_proposes_only_flagged_common_words() -> None:
    rows = [json.loads(line) for line in run(REPO, "suggest", "--json").splitlines()]
    assert all(r["flag"] == "also a common word" and r["evidence"] for r in rows), rows


def test_suggest_finds_names_missing_from_the_gazetteer(reduced: Path) -> None:
    found = {d["name"]: d for d in map(json.loads, run(
        reduced, "suggest", "--json", "--min-population", "0").splitlines())}
    assert {"طفس", "الجيزة", "جديدة عكيدات", "المزيريب", "محمد الحوراني"} <= set(found)
    tafas = found["طفس"]
    assert tafas["count"] == 3
    assert tafas["articles"] == ["000_02dc7bcb46da7aac", "004_f209341661600871"]
    assert tafas["geonames_id"] == 163806 and tafas["cues"] == ["cue:place:مدينة"]
    assert tafas["flag"] is None
    jiza = found["الجيزة"]
    assert jiza["geonames_id"] == 169017  # the Syrian one (Syria is named most), not Giza
    assert "Giza (EG)" in " ".join(jiza["evidence"])  # … and the other one is shown
    assert found["المزيريب"]["geonames_id"] == 166503  # found as والمزيريب
    assert found["محمد الحوراني"]["sources"] == ["cue:actor:الناشط"]
    assert found["جديدة عكيدات"]["sources"] == ["cue:place:بلدة"]
    for d in found.values():
        for ex in d["examples"]:
            if isinstance(ex, str):  # GeoNames proposals: "article: …context…"
                # (للعبور: ل + العبور drops the alef)
                assert normalize(d["name"]).removeprefix("ا") in normalize(ex)
                continue
            text = (reduced / "seeds" / f"{ex['article']}.txt").read_text(encoding="utf-8")
            assert d["name"] in " ".join(ex["context"].split())
            assert ex["start"] < ex["end"] <= len(text)


def test_suggest_text_output_has_counts_and_contexts(reduced: Path) -> None:
    out = run(reduced, "suggest", "--no-geonames")
    assert "3\t2\tcue\tطفس\tcue:place:مدينة" in out
    assert "\t000_02dc7bcb46da7aac: " in out
    rows = [line.split("\t") for line in out.splitlines() if line[:1].isdigit()]
    names = [row[3] for row in rows if len(row) > 3]
    assert "المزيريب" not in names  # only GeoNames knows it
    assert out.strip().splitlines()[-1] == "4 suggestion(s)"
    out = run(reduced, "suggest", "--min-population", "0", "--limit", "8")
    assert out.strip().splitlines()[-1] == "8 suggestion(s)"
    assert "GeoNames 163806 Ţafas (SY), cue:place:مدينة" in out


def test_list_counts_mentions() -> None:
    rows = {d["key"]: d for d in map(json.loads, run(REPO, "list", "--json").splitlines())}
    seeds = sorted((REPO / "seeds").glob("*.txt"))
    raw = sum(p.read_text(encoding="utf-8").count("درعا البلد") for p in seeds)
    assert rows["place:daraa-al-balad"]["mentions"] == raw == 21
    assert len(rows["place:daraa-al-balad"]["articles"]) == 5
    assert rows["actor:sdf"]["mentions"] == 8  # قسد ×6, قوات سورية الديمقراطية, لـ"قسد"
    assert rows["place:tafas"]["lat"] == 32.73709
    assert list(rows) == sorted(rows)
    places = run(REPO, "list", "--kind", "place").splitlines()
    assert all("\tplace:" in line for line in places)
