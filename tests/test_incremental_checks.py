"""A rebuild's bookkeeping of its pages (build/site-pages/checks.bin, the generated Files, the
pages' metas) done with less work must still mean what it meant: the checks read back as the
same lookups and tags, the same Files, the same canonical metas."""

from __future__ import annotations

from pathlib import Path, PurePath
from types import SimpleNamespace

import pytest
from markupsafe import escape
from mkdocs.structure.files import File, InclusionLevel

from archive.site import pageout
from archive.site.pageout import LinkedFile, canon
from archive.site.plugin import _KeyTable, _meta_form, _new_file, _page_key, _plain_posix


def _keys(table: _KeyTable | None, pages: dict[str, int]) -> dict[str, tuple]:
    out = {}
    for page, n in pages.items():
        asked = [["article", f"x{n}"], ["article", "x1"], ["entity", "place:riyadh"]]
        last = (f"inputs{n}", asked, f"answers{n}", frozenset({"a:x1", f"l:x{n}", "e:y"}))
        meta = {"title": escape(f"عنوان <{n}>"), "hide": ["toc"], "archive_next": f"../{n}/"}
        k = _page_key("chrome", page, f"{page}/", meta, last, f"key{n}", table)
        out[page] = (k.url, _meta_form(k.meta), k.inputs, k.asked, k.answers, k.key, k.deps)
    return out


def _decoded(checks: dict[str, tuple]) -> dict[str, tuple]:
    return {u: (url, meta, inputs, [list(x) for x in asked], answers, key, frozenset(deps))
            for u, (url, meta, inputs, asked, answers, key, deps) in checks.items()}


def test_checks_written_back_with_their_numbers_read_as_the_plain_ones(tmp_path: Path) -> None:
    """A rebuild starts its table from the file read, keeps the numbers of the checks it did
    not touch, numbers the new ones after them and writes all as they are: the file reads
    back as the checks made from plain lookups and tags (and as a first build's file)."""
    summary = {"articles": {"a": ("k", "p")}}
    first = tmp_path / "first"
    table = _KeyTable()
    made = _keys(table, {"list:x:newest:2": 0, "article:b": 1, "article:a": 2})
    pageout.write_checks(first, "chrome", summary, ((u, made[u]) for u in sorted(made)),
                         (list(table.pairs), list(table.tags)), True)
    read = pageout.read_numbered_checks(first, "chrome")
    assert read is not None
    _summary, checks, pairs, tags = read
    rebuilt = _KeyTable()
    assert rebuilt.take(pairs, tags)
    assert not rebuilt.take(pairs, tags)  # only into an empty table
    # the rebuild: one page checked anew (new lookups), one new page, one deleted page
    checks = dict(checks)
    del checks["article:b"]
    checks.update(_keys(rebuilt, {"article:a": 7, "article:c": 3}))
    second = tmp_path / "second"
    pageout.write_checks(second, "chrome", summary, checks,
                         (list(rebuilt.pairs), list(rebuilt.tags)), True)
    plain = _keys(None, {"list:x:newest:2": 0, "article:a": 7, "article:c": 3})
    back = pageout.read_checks(second, "chrome")
    assert back is not None and back[0] == summary
    assert back[1] == _decoded(plain)
    assert "p:article:c" in back[1]["article:c"][6]
    # the same as the file renumbered by use, which a reader cannot tell apart
    again = tmp_path / "again"
    pageout.write_checks(again, "chrome", summary, plain)
    assert pageout.read_checks(again, "chrome") == back
    assert pageout.read_numbered_checks(second, "other chrome") is None


def test_numbered_checks_with_a_number_past_the_tables_are_not_taken(tmp_path: Path) -> None:
    table = _KeyTable()
    made = _keys(table, {"article:a": 1})
    pairs, tags = list(table.pairs), list(table.tags)
    pageout.write_checks(tmp_path, "chrome", {}, made, (pairs, tags[:-1]), True)
    assert pageout.read_numbered_checks(tmp_path, "chrome") is None
    with pytest.raises(ValueError):  # a plain check cannot be written as numbered
        pageout.write_checks(tmp_path, "chrome", {}, _keys(None, {"article:a": 1}),
                             (pairs, tags), True)


@pytest.mark.parametrize("meta", [
    {},
    {"title": escape('a <b> "c" & د'), "hide": ["toc", "navigation"], "archive_prev": "../x/"},
    {"title": "x", "n": 3, "f": 1.5, "b": True, "z": None, "l": [1, "a", escape("<")],
     "d": {"a": [1]}, "s": {2, 1}, "t": (1, 2)},
])
def test_meta_form_is_canons(meta: dict) -> None:
    assert _meta_form(meta) == repr(canon({k: meta[k] for k in sorted(meta)}))


def test_plain_posix_is_what_purepath_gives_back() -> None:
    parts = ["a", ".", "..", "", "b.md", "ع ر"]
    uris = {""}
    for x in parts:
        for y in parts:
            for z in parts:
                uris.update({f"{x}/{y}/{z}", f"/{x}/{y}", f"{x}/{y}/", f"{x}//{y}", x})
    for uri in uris:
        if _plain_posix(uri):
            assert PurePath(uri).as_posix() == uri, uri
    assert _plain_posix("articles/a-b/index.md") and not _plain_posix("./a.md")


@pytest.mark.parametrize(("cls", "uri", "content", "src"), [
    (File, "articles/a-b/index.md", "", None),
    (File, "list/x.md", "q", None),
    (LinkedFile, "raw/x.txt", None, "/tmp/x.txt"),
    (File, "./x//y.md", "q", None),  # not a plain address: File.generated's own way
])
def test_new_file_is_file_generated(cls: type, uri: str, content: str | None,
                                    src: str | None) -> None:
    for directory_urls in (True, False):
        config = SimpleNamespace(site_dir="/tmp/site", use_directory_urls=directory_urls,
                                 plugins=SimpleNamespace(_current_plugin="archive"))
        kw = {"content": content} if content is not None else {"abs_src_path": src}
        a = cls.generated(config, uri, inclusion=InclusionLevel.NOT_IN_NAV, **kw)
        b = _new_file(cls, config, uri, content, src, InclusionLevel.NOT_IN_NAV)
        assert type(a) is type(b) and vars(a) == vars(b)
        assert list(vars(a)) == list(vars(b))  # set in the same order
        c = _new_file(cls, config, uri, content, src, InclusionLevel.NOT_IN_NAV,
                      ("/tmp/site", directory_urls, "archive"))
        assert type(a) is type(c) and vars(a) == vars(c)
        assert (a.url, a.dest_uri, a.abs_dest_path, a.name, a.is_documentation_page()) == (
            b.url, b.dest_uri, b.abs_dest_path, b.name, b.is_documentation_page())
    with pytest.raises(TypeError):
        _new_file(File, config, "a.md", None, None, InclusionLevel.UNDEFINED)


def test_key_table_counts_the_numbers_its_keys_use() -> None:
    """_KeyTable.used counts each pair and tag once, however many keys refer to it, and only
    the numbered keys' (as a set grown key by key would)."""
    table = _KeyTable()
    keys = [_page_key("chrome", f"article:{n}", f"{n}/", {"title": str(n)},
                      (f"i{n}", [["article", "x1"], ["article", f"x{n % 3}"]], "a",
                       frozenset({"a:x1", f"l:{n % 2}"})), f"k{n}", table) for n in range(7)]
    plain = _page_key("chrome", "article:z", "z/", {}, ("i", [["article", "zz"]], "a",
                                                          frozenset({"a:zz"})), "kz", None)
    # pairs x0..x2 (x1 in every key); tags a:x0..a:x2, l:0, l:1 and the 7 pages' own
    assert table.used([*keys, plain]) == (3, 12)
    assert table.used(keys[:1]) == (2, 4)  # a:x1, a:x0, l:0, p:article:0
    assert table.used([]) == (0, 0)
    assert table.used([plain]) == (0, 0)
    pairs: set[int] = set()
    tags: set[int] = set()
    for k in keys[2:5]:
        pairs.update(memoryview(k.asked).cast("I"))
        tags.update(memoryview(k.deps).cast("I"))
    assert table.used(keys[2:5]) == (len(pairs), len(tags))
