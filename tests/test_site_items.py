# ruff: noqa: E501  (the replaced templates are kept verbatim, long lines included)
"""The parts of a page made in Python rather than by a Jinja macro (archive.site.render's
article_items and entity_links, archive.site.text's body HTML) write the same bytes as the
templates they replaced: here rendered side by side with those templates, kept verbatim, on
values that need escaping, missing dates and sources, counts and ranks."""

from __future__ import annotations

from typing import Any

import jinja2
from markupsafe import Markup, escape

from archive.corpus.article import Article, Segment
from archive.site.model import ArticleView, EntityView, MentionView
from archive.site.render import article_items, entity_links, times_phrase
from archive.site.text import body_html, date_html

#: templates/pages/_macros.html before the list items were made in Python (verbatim)
OLD_MACROS = """{% macro article_item(v, count=none, ranks=none) -%}
<li class="ar-item"{% if ranks %}{% for o, r in ranks.items() %} data-rank-{{ o }}="{{ r[v.id] }}"{% endfor %}{% endif %}>
  <a class="ar-item__title" href="{{ link('article:' ~ v.id) }}"><bdi>{{ v.article.title }}</bdi></a>
  <span class="ar-meta">{% if v.article.date %}{{ v.article.date | date }}{% else %}<span class="ar-unknown">تاريخ غير معروف</span>{% endif %}{% if v.article.source %}<span class="ar-sep" aria-hidden="true"> · </span><bdi>{{ v.article.source }}</bdi>{% endif %}{% if count is not none %}<span class="ar-sep" aria-hidden="true"> · </span>ذُكر {{ count | times }}{% endif %}</span>
</li>
{%- endmacro %}

{% macro entity_link(e) -%}
{% if has(e.key) %}<a class="ar-entity ar-entity--{{ e.kind }}" href="{{ link(e.key) }}"><bdi>{{ e.name }}</bdi></a>{% else %}<bdi>{{ e.name }}</bdi>{% endif %}
{%- endmacro %}
"""
OLD_LIST = """{% from "_macros.html" import article_item with context %}
<ol>
{% for v, n in items %}
  {{ article_item(v, n, ranks) }}
{% endfor %}
</ol>"""
NEW_LIST = """<ol>
{{ article_items(link, items, ranks, true) }}</ol>"""
OLD_PLAIN = """{% from "_macros.html" import article_item with context %}
<ul>
{% for v in items %}
  {{ article_item(v) }}
{% endfor %}
</ul>"""
NEW_PLAIN = """<ul>
{{ article_items(link, items) }}</ul>"""
OLD_ENTITIES = """{% from "_macros.html" import entity_link with context %}
<dd>
    {% if keys %}{% for k in keys %}{{ entity_link(entities[k]) }}{% if counts.get(k) %} <span class="ar-count">({{ counts[k] }})</span>{% endif %}{% if not loop.last %}، {% endif %}{% endfor %}
    {% else %}<span>none</span>{% endif %}
  </dd>"""
NEW_ENTITIES = """<dd>
    {% if keys %}{{ entity_links(has, link, entities, keys, counts) -}}
    {% else %}<span>none</span>{% endif %}
  </dd>"""


def _env(templates: dict[str, str]) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.DictLoader(templates), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True, keep_trailing_newline=False)
    env.filters.update(date=date_html, times=times_phrase)
    env.globals.update(article_items=article_items, entity_links=entity_links)
    return env


def _view(id_: str, title: str, date: str | None, source: str | None) -> ArticleView:
    article = Article(id=id_, path=f"seeds/{id_}.txt", text="نص", content_hash="x", title=title,
                      title_inferred=False, date=date, source=source, segments=[])
    return ArticleView(article=article, mentions=[], mention_counts={}, places=[], actors=[])


VIEWS = [
    _view("a-1", 'عنوان <b>"مهم"</b> & غيره', "2021-09-05", "وكالة <س> & ش"),
    _view("b&2", "بلا تاريخ", None, None),
    _view("c3", "شهر فقط", "2018-07", ""),
    _view("d4", "يوم بلا سنة", "--06-25", "مصدر"),
]


def _link(key: str, anchor: str = "") -> str:
    return f"../{key.replace(':', '/')}/?q=1&x=<y>" + (f"#{anchor}" if anchor else "")


def _render(env: jinja2.Environment, name: str, **context: Any) -> str:
    return env.get_template(name).render(link=_link, **context)


def test_article_items_write_what_the_macro_wrote() -> None:
    env = _env({"_macros.html": OLD_MACROS, "old_list": OLD_LIST, "new_list": NEW_LIST,
                "old_plain": OLD_PLAIN, "new_plain": NEW_PLAIN})
    ranks = {"newest": {v.id: i for i, v in enumerate(VIEWS)},
             "title": {v.id: 10 - i for i, v in enumerate(VIEWS)}}
    counted = list(zip(VIEWS, [1, None, 2, 17], strict=True))
    for r in (ranks, {}, None):
        old = _render(env, "old_list", items=counted, ranks=r)
        assert _render(env, "new_list", items=counted, ranks=r) == old
    assert 'data-rank-title="10"' in _render(env, "new_list", items=counted, ranks=ranks)
    old = _render(env, "old_plain", items=VIEWS)
    assert _render(env, "new_plain", items=VIEWS) == old
    assert "&lt;b&gt;" in old and "&amp;x=&lt;y&gt;" in old and "تاريخ غير معروف" in old
    assert isinstance(article_items(_link, VIEWS), Markup)


def test_entity_links_write_what_the_loop_wrote() -> None:
    env = _env({"_macros.html": OLD_MACROS, "old": OLD_ENTITIES, "new": NEW_ENTITIES})
    entities = {
        "place:a": EntityView(key="place:a", id="a", kind="place", name="درعا <البلد>"),
        "place:b": EntityView(key="place:b", id="b", kind="place", name="بصرى & الشام"),
        "actor:c": EntityView(key="actor:c", id="c", kind="actor", name='"فاعل"'),
    }
    has = {"place:a", "actor:c"}.__contains__  # place:b has no page: its name alone
    for keys, counts in ((["place:a", "place:b", "actor:c"], {"place:a": 3, "actor:c": 0}),
                         (["place:b"], {}), ([], {"place:a": 1})):
        old = _render(env, "old", has=has, entities=entities, keys=keys, counts=counts)
        new = _render(env, "new", has=has, entities=entities, keys=keys, counts=counts)
        assert new == old
    assert "(3)" in _render(env, "new", has=has, entities=entities, keys=["place:a"],
                            counts={"place:a": 3})


def _old_inline(text: str, start: int, end: int, mentions: list[MentionView],
                link: Any, entities: dict[str, EntityView]) -> Markup:
    """archive.site.text._inline as it was, through Markup.format."""
    parts: list[Markup] = []
    pos = start
    for m in mentions:
        if m.start >= end:
            break
        if m.start < pos or m.end > end or m.start < start:
            continue
        entity = entities[m.entity]
        parts.append(escape(text[pos : m.start]))
        parts.append(Markup('<a class="ar-mention ar-mention--{}" href="{}" title="{}">{}</a>')
                     .format(entity.kind, link(m.entity), entity.name, text[m.start : m.end]))
        pos = m.end
    parts.append(escape(text[pos:end]))
    return Markup("").join(parts)


def test_body_html_escapes_like_markup_format() -> None:
    text = "في <درعا> & \"بصرى\" اليوم.\nسطر ثانٍ عن 'درعا'."
    entities = {"place:a": EntityView(key="place:a", id="a", kind="place", name='د<"ر>&ع'),
                "place:b": EntityView(key="place:b", id="b", kind="pl&ce", name="بصرى")}
    s1 = text.index("<درعا>")
    s2 = text.index('"بصرى"')
    s3 = text.index("'درعا'")
    mentions = [MentionView("place:a", s1, s1 + 6), MentionView("place:b", s2, s2 + 6),
                MentionView("place:a", s3, s3 + 6)]
    article = Article(id="a", path="seeds/a.txt", text=text, content_hash="x", title="t",
                      title_inferred=False, date=None, source=None,
                      segments=[Segment(0, len(text), "body", "")])
    html = body_html(article, mentions, _link, entities)
    first, second = text.split("\n")
    expected = "\n".join(
        f"<p>{_old_inline(text, a, a + len(line), mentions, _link, entities)}</p>"
        for a, line in ((0, first), (len(first) + 1, second)))
    assert str(html) == expected
    assert "&lt;درعا&gt;" in html and 'title="د&lt;&#34;ر&gt;&amp;ع"' in html
