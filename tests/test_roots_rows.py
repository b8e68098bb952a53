"""The root page's form rows made in Python (roots.form_rows) and the concordance links
(roots.kwic_query) against what the template loop and ``urlencode`` they replace gave."""

from __future__ import annotations

from urllib.parse import urlencode

import jinja2
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.site import roots

#: root.html's table body as it was written before form_rows (a loop over the forms).
LOOP = """  <tbody>
  {% for f in forms %}
    <tr data-stem="{{ f.stem }}"><td><a href="{{ base }}{{ kwic_page }}{{ kwic_query(f.label, 'stem') }}"><bdi>{{ f.label }}</bdi></a></td><td>{% if f.wazn %}<bdi>{{ f.wazn }}</bdi>{% else %}<span class="ar-unknown">—</span>{% endif %}</td><td class="ar-num">{{ f.tokens }}</td><td class="ar-num">{{ f.articles }}</td><td class="ar-meta">{% for s in f.spellings %}<bdi>{{ s }}</bdi>{% if not loop.last %}، {% endif %}{% endfor %}{% if f.n_spellings > f.spellings | length %}، و{{ f.n_spellings - f.spellings | length }} غيرها{% endif %}</td></tr>
  {% endfor %}
  </tbody>
"""  # noqa: E501 (the template's line as it was)
#: The same with the rows from form_rows, as root.html writes it now.
ROWS = """  <tbody>
  {{- form_rows(forms, base, kwic_page) }}
  </tbody>
"""


def _env() -> jinja2.Environment:
    # the page environment's settings (archive.site.render.Site)
    return jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=False)


def _old_query(query: str, mode: str | None = None) -> str:
    params = {"q": query}
    if mode:
        params["mode"] = mode
    return "?" + urlencode(params)


# Arabic letters and marks, the characters HTML and URLs treat specially, and others.
_TEXT = st.text(st.sampled_from(list("قصفاجتمعىةءأإآًٌ ـ<>&\"'+%?=/#:~._-aZ09") + ["\U0001F600",
                                                                             "\u200f", "é"]),
                max_size=12)
_FORM = st.builds(roots.Form, _TEXT, _TEXT, st.integers(0, 10**12), st.integers(0, 10**6),
                  st.lists(_TEXT, max_size=5), st.integers(0, 9), _TEXT)


@settings(max_examples=300, deadline=None)
@given(forms=st.lists(_FORM, max_size=6), base=_TEXT, kwic_page=st.sampled_from(
    ["kwic/", "search/", "<a&b>/"]))
def test_form_rows_are_the_loops_bytes(forms: list[roots.Form], base: str,
                                       kwic_page: str) -> None:
    env = _env()
    old = env.from_string(LOOP).render(forms=forms, base=base, kwic_page=kwic_page,
                                        kwic_query=_old_query)
    new = env.from_string(ROWS).render(forms=forms, base=base, kwic_page=kwic_page,
                                        form_rows=roots.form_rows)
    assert new == old


@settings(max_examples=500, deadline=None)
@given(query=st.text(), mode=st.one_of(st.none(), st.just(""), st.just("stem"), st.text()))
def test_kwic_query_is_urlencode(query: str, mode: str | None) -> None:
    try:
        expected = _old_query(query, mode)
    except UnicodeEncodeError:  # a lone surrogate: both refuse it
        try:
            roots.kwic_query(query, mode)
        except UnicodeEncodeError:
            return
        raise AssertionError("kwic_query took what urlencode refused") from None
    assert roots.kwic_query(query, mode) == expected


def test_root_template_uses_the_rows() -> None:
    """root.html writes its rows with form_rows (the loop the tests above compare it with)."""
    from archive.site.render import TEMPLATES

    text = (TEMPLATES / "root.html").read_text(encoding="utf-8")
    assert ROWS.splitlines()[1] in text.splitlines()
