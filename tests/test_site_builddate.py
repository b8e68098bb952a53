"""The build date MkDocs writes (sitemap.xml's ``<lastmod>``, sitemap.xml.gz's gzip time) comes
from the seeds, not the clock (archive.site.builddate): the same seeds give the same bytes on
any day, cold or incremental; a ``SOURCE_DATE_EPOCH`` the user set wins."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import REPO

from archive.site import builddate

#: `mkdocs build` with MkDocs' clock (mkdocs.utils.datetime.now) showing the day given as
#: the first argument, at 23:59 UTC
FAKED_NOW = (
    "import runpy, sys\n"
    "from datetime import datetime\n"
    "import mkdocs.utils\n"
    "day = datetime.fromisoformat(sys.argv[1])\n"
    "class Clock(datetime):\n"
    "    @classmethod\n"
    "    def now(cls, tz=None):\n"
    "        return cls(day.year, day.month, day.day, 23, 59, tzinfo=tz)\n"
    "mkdocs.utils.datetime = Clock\n"
    "sys.argv = ['mkdocs', 'build', '-q']\n"
    "runpy.run_module('mkdocs', run_name='__main__')\n"
)

DATED = "---\ntitle: خبر مؤرخ\ndate: {date}\nsource: مصدر\n---\nاجتمعت اللجنة في درعا اليوم.\n"


def _build(root: Path, day: str, **variables: str) -> tuple[bytes, bytes]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": "https://example.org/a/",
           "PYTHONPATH": str(REPO / "src")}
    env.pop("SOURCE_DATE_EPOCH", None)
    env.update(variables)
    result = subprocess.run([sys.executable, "-c", FAKED_NOW, day], cwd=root, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return (root / "site" / "sitemap.xml").read_bytes(), (
        root / "site" / "sitemap.xml.gz").read_bytes()


def _lastmods(sitemap: bytes) -> set[str]:
    return {line.strip().removeprefix(b"<lastmod>").removesuffix(b"</lastmod>").decode()
            for line in sitemap.splitlines() if b"<lastmod>" in line}


def _gzip_time(data: bytes) -> int:
    return int(struct.unpack("<I", data[4:8])[0])


def test_the_sitemap_is_the_same_on_any_day_cold_or_incremental(archive_dir: Path,
                                                                 tmp_path: Path) -> None:
    (archive_dir / "seeds" / "dated-1.md").write_text(DATED.format(date="2021-09-05"),
                                                       encoding="utf-8")
    (archive_dir / "seeds" / "dated-2.md").write_text(DATED.format(date="2020-01-02"),
                                                       encoding="utf-8")
    cold = tmp_path / "cold"
    shutil.copytree(archive_dir, cold)
    first = _build(archive_dir, "2026-12-07")
    assert _lastmods(first[0]) == {"2021-09-05"}
    assert _gzip_time(first[1]) == 1630800000  # 2021-09-05 00:00 UTC
    # the next day: an incremental build with nothing changed, then a cold one
    assert _build(archive_dir, "2026-12-08") == first
    assert _build(cold, "2026-12-08") == first
    # the newest article deleted: the date is the next newest one's, incremental as cold
    (archive_dir / "seeds" / "dated-1.md").unlink()
    (cold / "seeds" / "dated-1.md").unlink()
    shutil.rmtree(cold / "build")
    shutil.rmtree(cold / "site")
    after = _build(archive_dir, "2026-12-09")
    assert _lastmods(after[0]) == {"2020-01-02"}
    assert _build(cold, "2026-12-10") == after


def test_an_archive_without_dates_claims_no_lastmod(archive_dir: Path) -> None:
    """No article has a date: the sitemap leaves <lastmod> out (our sitemap.xml template)
    instead of dating every page 1 January 1970, and the bytes do not follow the clock."""
    for seed in [*(archive_dir / "seeds").glob("*.md"), *(archive_dir / "seeds").glob("*.txt")]:
        assert "date:" not in seed.read_text(encoding="utf-8"), seed
    first = _build(archive_dir, "2026-12-07")
    assert b"<loc>" in first[0]
    assert _lastmods(first[0]) == set()
    assert _build(archive_dir, "2026-12-08") == first


def test_the_users_source_date_epoch_wins(archive_dir: Path) -> None:
    (archive_dir / "seeds" / "dated-1.md").write_text(DATED.format(date="2021-09-05"),
                                                       encoding="utf-8")
    sitemap, gz = _build(archive_dir, "2026-12-07", SOURCE_DATE_EPOCH="1700000000")
    assert _lastmods(sitemap) == {"2023-11-14"}
    assert _gzip_time(gz) == 1699920000  # 2023-11-14 00:00 UTC, MkDocs' own rounding


def _articles(*dates: str | None) -> list[SimpleNamespace]:
    return [SimpleNamespace(date=d) for d in dates]


def test_the_newest_date_counts_a_month_or_a_year_as_its_first_day() -> None:
    assert str(builddate.newest_date(_articles("2015-07-21", None, "2015-08", "2014"))) == \
        "2015-08-01"
    assert str(builddate.newest_date(_articles("2016", "2015-12-31"))) == "2016-01-01"
    assert builddate.newest_date(_articles(None, "")) is None
    assert builddate.epoch_of(_articles(None)) == 0
    assert builddate.epoch_of(_articles("1960-05-01")) == 0  # gzip keeps no earlier time
    assert builddate.epoch_of(_articles("2015-07-21")) == 1437436800


@pytest.fixture
def environ(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(builddate.ENV, raising=False)
    monkeypatch.setattr(builddate, "_ours", None)
    monkeypatch.setattr(builddate, "_armed", False)


@pytest.mark.usefixtures("environ")
def test_each_build_settles_its_own_date_and_the_environment_is_put_back() -> None:
    builddate.settle(_articles("2015-07-21"))  # no build began: the command line's load
    assert builddate.ENV not in os.environ
    builddate.begin()
    builddate.settle(_articles("2015-07-21"))
    assert os.environ[builddate.ENV] == "1437436800"
    builddate.settle(_articles("2016-01-01"))  # a second load of the same build: as it was
    assert os.environ[builddate.ENV] == "1437436800"
    builddate.begin()  # `mkdocs serve`'s next reload: its own seeds' date
    builddate.settle(_articles("2016-01-01"))
    assert os.environ[builddate.ENV] == "1451606400"
    builddate.end()
    assert builddate.ENV not in os.environ


@pytest.mark.usefixtures("environ")
def test_a_date_the_user_set_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(builddate.ENV, "12345")
    builddate.begin()
    builddate.settle(_articles("2015-07-21"))
    assert os.environ[builddate.ENV] == "12345"
    builddate.end()
    assert os.environ[builddate.ENV] == "12345"


def test_an_in_process_build_leaves_no_date_behind(archive_dir: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """``mkdocs.commands.build.build`` runs no on_shutdown: the date it set is still there at
    the end of the test, and the tests' fixture takes it out (tests/conftest.py)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    monkeypatch.delenv(builddate.ENV, raising=False)
    monkeypatch.chdir(archive_dir)
    (archive_dir / "seeds" / "dated-1.md").write_text(DATED.format(date="2021-09-05"),
                                                       encoding="utf-8")
    build(load_config(str(archive_dir / "mkdocs.yml")))
    assert os.environ.get(builddate.ENV) == "1630800000"
    builddate.end()
    assert builddate.ENV not in os.environ
