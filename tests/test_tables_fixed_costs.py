"""Fixed costs of the analysis tables in a build (archive.analysis.tables): the browser's
split of the tables finds each key's shard by its first letters once per shard, and the tables
left in build/ for `archive search` reuse the pickles of the user's cache they were read from;
both give exactly what the plain way gives."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.analysis import tables


def _reference_browser_tables(built: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """browser_tables as it was: ``shard_id`` of every key."""
    from archive.analysis.morphology import FALLBACK

    left_out = ["lexicon", "names"]
    if FALLBACK == "light":
        left_out += tables.PATTERN_TABLES
    core = {k: v for k, v in built.items() if k not in left_out}
    core["stop_words"] = tables.pack_stop_words(core["stop_words"])
    shards: dict[str, dict[str, dict[str, str]]] = {}
    for field in ("lexicon", "names"):
        for key, value in built[field].items():
            shard = shards.setdefault(tables.shard_id(key), {"lexicon": {}, "names": {}})
            shard[field][key] = value
    core["lexicon_shards"] = sorted(shards)
    core["lexicon_shard_len"] = tables.SHARD_LEN
    return core, dict(sorted(shards.items()))


def test_the_browser_split_of_the_real_tables_is_the_plain_one() -> None:
    got = tables.browser_tables()
    want = _reference_browser_tables(tables.build_tables())
    assert pickle.dumps(got) == pickle.dumps(want)  # (the same dicts in the same orders)


_KEYS = st.text(alphabet="ابتثجحخسشصضطظعغفقكلمنهوي\u0622\u0625x ", min_size=1, max_size=5)


@settings(max_examples=60, deadline=None)
@given(lexicon=st.dictionaries(_KEYS, st.text(max_size=4), max_size=30),
       names=st.dictionaries(_KEYS, st.text(max_size=4), max_size=30))
def test_the_browser_split_of_any_tables_is_the_plain_one(
    lexicon: dict[str, str], names: dict[str, str]
) -> None:
    built = {"version": 1, "stop_words": {"في": "في", "وفي": "في"}, "lexicon": lexicon,
             "names": names, "roots": ["كتب"]}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tables, "build_tables", lambda: built)
        got = tables.browser_tables()
    assert pickle.dumps(got) == pickle.dumps(_reference_browser_tables(built))


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty user's cache and no tables in this process, before and after the test."""
    monkeypatch.setenv(tables.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setattr(tables, "_kept", None)
    monkeypatch.setattr(tables, "_cached_json", None)
    monkeypatch.setattr(tables, "_cached_parts", None)
    tables.build_tables.cache_clear()
    yield tmp_path
    tables.build_tables.cache_clear()


def _payload(build: Path) -> dict[str, Any]:
    payload = tables._read_tables_file(build / tables.KEPT_FILE, tables.kept_key())
    assert payload is not None
    return payload


def test_tables_left_in_build_from_the_cache_are_its_pickles(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read from the cache, the tables are left in build/ with the cache's own pickles of the
    deferred and sharded tables (none split or pickled again), and the file holds what the
    plain way writes."""
    tables.build_tables()  # (built: written to the cache)
    monkeypatch.setattr(tables, "_cached_json", None)
    monkeypatch.setattr(tables, "_cached_parts", None)
    tables.build_tables.cache_clear()
    loaded = tables.build_tables()  # (read from the cache, as a later process does)
    assert tables._cached_parts is not None and tables._cached_parts[0] is loaded

    def no_split(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("split again")

    (cache / "reused").mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tables.ShardedTable, "split", staticmethod(no_split))
        tables.leave_tables(cache / "reused")
    reused = _payload(cache / "reused")
    cached = tables._read_tables_file(tables.cache_path(), tables.kept_key())
    assert cached is not None
    assert reused["sharded"] == cached["sharded"] and reused["deferred"] == cached["deferred"]

    # the plain way: the same tables split and pickled again
    monkeypatch.setattr(tables, "_cached_parts", None)
    (cache / "plain").mkdir()
    tables.leave_tables(cache / "plain")
    plain = _payload(cache / "plain")
    for name in ("tables", "order", "shard_len", "json"):
        assert reused[name] == plain[name]
    assert list(reused["sharded"]) == list(plain["sharded"])
    for name, shards in plain["sharded"].items():
        assert list(reused["sharded"][name]) == list(shards)
        for prefix, blob in shards.items():
            again = pickle.loads(reused["sharded"][name][prefix])
            assert again == pickle.loads(blob) and list(again) == list(pickle.loads(blob))
    assert {k: pickle.loads(v) for k, v in reused["deferred"].items()} == {
        k: pickle.loads(v) for k, v in plain["deferred"].items()}
    # and read back, the same tables
    monkeypatch.setattr(tables, "_kept", None)
    kept = tables._load_kept(cache / "reused" / tables.KEPT_FILE, tables.kept_key())
    assert kept is not None and dict(kept.items()) == dict(loaded.items())


def test_tables_built_in_this_process_are_pickled_as_before(cache: Path) -> None:
    """Tables built here (nothing in the cache) have no kept pickles: split and pickled."""
    built = tables.build_tables()
    assert tables._cached_parts is None
    (cache / "b").mkdir()
    tables.leave_tables(cache / "b")
    payload = _payload(cache / "b")
    assert payload["sharded"]["lexicon"] == tables.ShardedTable.split(
        built["lexicon"], tables.KEPT_SHARD_LEN)
