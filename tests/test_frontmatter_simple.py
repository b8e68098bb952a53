"""A front-matter block of plain ``key: value`` lines is read without YAML
(archive.corpus.frontmatter._simple_block): whatever the block, parse_front_matter gives the
same front matter and problems as when YAML reads it, and the blocks the importer writes take
the short way."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.corpus import frontmatter
from archive.corpus.frontmatter import parse_front_matter
from archive.importer.writer import front_matter

HOSTILE = ["---", "...", "- x", "key: value", "a #b", "a#b", "yes", "No", "ON", "null", "~",
           "", " ", "2015", "2015-07-21", "2015-07", "1e3", "1_000", "1:20", ".inf", "0x1F",
           "0o17", "+5", "-5", "<<", "=", "@x", "`x`", "'x'", "'it''s'", '"x"', '"a\\"b"',
           '"a\\tb"', "'a\"b'", "[x]", "{x: y}", "!tag", "&a", "*a", "|", ">", "%", "?", "?x",
           ":x", "x:", "x: y", "x :y", "http://a.b/c?d=1#e", "رام الله: «الشرق الأوسط»",
           "\u2028", "\x85", "\ufeff", "\ufffe", "\t", "a\tb", "a  b ", "\x7f", "\xa0x"]
KEYS = ["title", "date", "source", "url", "author", "tags", "places", "views", "Title", "yes",
        "title ", " title"]
VALUE = st.one_of(st.sampled_from(HOSTILE),
                  st.text(st.characters(blacklist_categories=("Cs",),
                                        blacklist_characters="\n\r"), max_size=12))
LINE = st.one_of(
    st.tuples(st.sampled_from(KEYS), st.sampled_from([": ", ":", ":  ", " : "]),
              st.sampled_from(["", '"', "'"]), VALUE, st.sampled_from(["", " ", "  "]))
    .map(lambda t: f"{t[0]}{t[1]}{t[2]}{t[3]}{t[2]}{t[4]}"),
    st.sampled_from(["", "# note", "  - a", "tags:", "---"]),
)


def _by_yaml(block: str) -> object:
    with pytest.MonkeyPatch.context() as m:
        m.setattr(frontmatter, "_simple_block", lambda _text: None)
        return parse_front_matter(block, "seeds/x.md", first_line=2)


@settings(max_examples=1500, deadline=None)
@given(lines=st.lists(LINE, max_size=6), end=st.sampled_from(["", "\n"]))
def test_simple_block_reads_as_yaml_does(lines: list[str], end: str) -> None:
    block = "\n".join(lines) + end
    assert parse_front_matter(block, "seeds/x.md", first_line=2) == _by_yaml(block)


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("quote", ["", '"', "'"])
def test_each_hostile_value_reads_as_yaml_does(value: str, quote: str) -> None:
    for key in ("title", "date", "url"):
        block = f"source: x\n{key}: {quote}{value}{quote}\n"
        assert (parse_front_matter(block, "seeds/x.md", first_line=2)
                == _by_yaml(block)), block


def test_imported_blocks_take_the_short_way() -> None:
    block = front_matter({"title": "محطة كهرباء غزة تتوقف", "date": "2015-07-21",
                          "source": "aawsat", "url": "http://aawsat.com/home/article/411341",
                          "author": "رام الله: «الشرق الأوسط»"})
    inner = block[4:-4]
    data, keys = frontmatter._simple_block(inner) or ({}, [])
    assert data == {"title": "محطة كهرباء غزة تتوقف", "date": "2015-07-21", "source": "aawsat",
                    "url": "http://aawsat.com/home/article/411341",
                    "author": "رام الله: «الشرق الأوسط»"}
    assert keys == ["title", "date", "source", "url", "author"]
    front, problems = parse_front_matter(inner, "seeds/x.md")
    assert problems == [] and front is not None and front.date == "2015-07-21"


@pytest.mark.parametrize("block", ["title: 2015\n", "title: yes\n", "title: a: b\n",
                                   "title: a #b\n", "views: 3\n", "title: x\ntitle: y\n",
                                   "title: x\n\nsource: y\n", "tags: [a]\n", "title: '\u2028'\n",
                                   "title: x\t\n"])
def test_what_yaml_reads_otherwise_goes_to_yaml(block: str) -> None:
    assert frontmatter._simple_block(block) is None
