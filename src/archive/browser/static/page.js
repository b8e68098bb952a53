// The /search/ page: what `archive search` prints, as a page (archive/commands/search.py is
// its command-line counterpart: query, mode, filters, results with snippets).
//
// Its whole state lives in the URL, so a link or Back reproduces it:
//   q        the query              mode     exact | stem | root (default, left out)
//   sort     new | old (default: relevance, left out)
//   place, actor, source, year   facet values, each may repeat (any of them: OR within a facet,
//            AND across facets)
//   from, to dates (YYYY[-MM[-DD]]): a date range
//   x        a matched word form to leave out (may repeat; see forms.js)
//   n        how many results are shown (default 10)
// The scroll position is kept in history.state, so Back to a long list lands where it was.
//
// Everything taken from the data (titles, sources, text) is inserted with textContent.

import { loadDoc, loadEngine, runQuery, resolveSpans, charSpans, titleSpans, facetCounts, makeFilters,
  ROOT_URL } from './loader.js';
import { snippet, mergeSpans } from './engine.js';
import { el, failure, formatDate, marked, readQuery, showMode, writeQuery, LEVEL_LABEL,
  PROXIMITY_LABEL, UNKNOWN_DATE } from './ui.js';

export const PAGE_SIZE = 10;
const FACETS = [
  ['place', 'المكان'],
  ['actor', 'الفاعل'],
  ['source', 'المصدر'],
  ['year', 'السنة'],
];
const MULTI = ['place', 'actor', 'source', 'year', 'x'];
const SORTS = { '': 'الأنسب أولًا', new: 'الأحدث أولًا', old: 'الأقدم أولًا' };
const SHORT_LIST = 12;

export function readParams(href = window.location.href) {
  const u = new URL(href);
  const sort = (u.searchParams.get('sort') || '').trim();
  const n = Number.parseInt((u.searchParams.get('n') || '').trim(), 10);
  return { ...readQuery(u, MULTI), sort: sort in SORTS ? sort : '',
    n: Number.isFinite(n) && n > PAGE_SIZE ? n : PAGE_SIZE };
}

export function paramsURL(params) {
  const u = new URL(window.location.href);
  u.search = '';
  u.hash = '';
  writeQuery(u, params, MULTI);
  if (params.sort) u.searchParams.set('sort', params.sort);
  if (params.n && params.n > PAGE_SIZE) u.searchParams.set('n', String(params.n));
  return u;
}

const filtered = (params) => ['place', 'actor', 'source', 'year'].some((k) => params[k].length)
  || Boolean(params.from || params.to);

function entityName(meta, key) {
  const row = meta.entities[key];
  return row ? row[2] || row[1] : key;
}

function entityParam(meta, key) {
  const row = meta.entities[key];
  return row ? row[1] : key;
}

/** A date as a sortable string; undated (or year-less) articles sort last. */
const dateKey = (st) => (st.date && !st.date.startsWith('--') ? st.date : null);

export function sortRows(view, rows, sort) {
  if (!sort) return rows;
  const sign = sort === 'new' ? -1 : 1;
  return rows.map((r, i) => [r, i, dateKey(view.stored(r.doc))]).sort((a, b) => {
    if (a[2] === null || b[2] === null) return (a[2] === null) - (b[2] === null) || a[1] - b[1];
    return (a[2] < b[2] ? -sign : a[2] > b[2] ? sign : 0) || a[1] - b[1];
  }).map(([r]) => r);
}

/** workbench.css (the chart, exports), added once after the first results; resolves when it
 * is in (or failed: the workbench is usable unstyled). The concordance page links it. */
function workbenchStyles() {
  let link = document.querySelector('link[data-workbench-css]');
  if (!link) {
    link = el('link', { rel: 'stylesheet', href: new URL('workbench.css', import.meta.url).href,
      'data-workbench-css': '' });
    link.loaded = new Promise((resolve) => {
      link.addEventListener('load', resolve, { once: true });
      link.addEventListener('error', resolve, { once: true });
    });
    document.head.append(link);
  }
  return link.loaded || Promise.resolve();
}

/** Matched forms of a shown result (title first, then text), for ?h= on its link. */
export function matchedForms(title, tspans, text, spans) {
  const out = [];
  for (const [s, e] of tspans) out.push(title.slice(s, e));
  for (const [s, e] of spans) out.push(text.slice(s, e));
  return [...new Set(out)];
}

export class SearchPage {
  constructor(root) {
    this.root = root;
    this.form = root.querySelector('form');
    this.input = root.querySelector('input[name="q"]');
    this.status = root.querySelector('[data-role="status"]');
    this.tools = root.querySelector('[data-role="tools"]');
    this.forms = root.querySelector('[data-role="forms"]');
    this.results = root.querySelector('[data-role="results"]');
    this.facets = root.querySelector('[data-role="facets"]');
    this.filters = root.querySelector('[data-role="filters"]');
    this.more = root.querySelector('[data-role="more"]');
    this.shown = 0;
    this.rows = [];
    this.token = 0;
    if ('scrollRestoration' in window.history) window.history.scrollRestoration = 'manual';
    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      // a new query starts from the first results, with the filters kept
      this.navigate({ ...readParams(), q: this.input.value.trim(), mode: this.mode(), n: 0, x: [] });
    });
    for (const radio of root.querySelectorAll('input[name="mode"]')) {
      radio.addEventListener('change', () => {
        const params = { ...readParams(), q: this.input.value.trim(), mode: this.mode(), n: 0 };
        if (params.q) this.navigate(params);
      });
    }
    this.more.addEventListener('click', () => this.showMore(true));
    // the page exists to search: its up-front data (metadata, analyzer tables, names)
    // starts loading at once, so that Enter fetches only the query's own shards and texts
    loadEngine().catch(() => {});
    // while the reader types (a pause of 250 ms), the analyzer's lexicon shards for the words
    // so far: then Enter finds the words' readings known and fetches the right index shards
    // at once (the index shards themselves wait for Enter: a half-typed word's are wasted)
    let typing = 0;
    this.input.addEventListener('input', () => {
      window.clearTimeout(typing);
      typing = window.setTimeout(() => {
        const q = this.input.value;
        loadEngine().then(({ analyzer }) => analyzer.prepare(q)).catch(() => {});
      }, 250);
    });
    window.addEventListener('popstate', () => this.run());
    let timer = 0;
    window.addEventListener('scroll', () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => this.saveScroll(), 120);
    }, { passive: true });
    window.addEventListener('pagehide', () => this.saveScroll());
  }

  saveScroll() {
    if (this.results.getAttribute('data-state') !== 'done') return;
    const state = { ...(window.history.state || {}), scrollY: Math.round(window.scrollY) };
    window.history.replaceState(state, '', window.location.href);
  }

  mode() {
    const checked = this.root.querySelector('input[name="mode"]:checked');
    return checked ? checked.value : 'root';
  }

  navigate(params) {
    this.saveScroll();
    window.history.pushState({ scrollY: 0 }, '', paramsURL(params));
    this.run();
  }

  setState(state) {
    // data-t: milliseconds since the page started loading (benchmarks read it)
    if (state === 'done') this.results.setAttribute('data-t', String(Math.round(performance.now())));
    this.results.setAttribute('data-state', state);
    this.root.setAttribute('aria-busy', state === 'loading' ? 'true' : 'false');
  }

  say(...parts) {
    this.status.replaceChildren(...parts.map((p) => (typeof p === 'string' ? document.createTextNode(p) : p)));
  }

  async run() {
    const params = readParams();
    const token = ++this.token;
    this.input.value = params.q;
    this.input.removeAttribute('aria-invalid');
    showMode(this.root, params.mode);
    for (const part of [this.results, this.facets, this.filters, this.forms, this.tools,
      this.root.querySelector('[data-role="workbench"]')]) {
      if (part) part.replaceChildren();
    }
    this.results.removeAttribute('data-total');
    this.more.hidden = true;
    this.rows = [];
    this.shown = 0;
    if (!params.q) {
      this.say('اكتب كلمة أو أكثر للبحث في المقالات.');
      this.setState('idle');
      return;
    }
    this.say('جارٍ البحث…');
    this.setState('loading');
    const t0 = performance.now();
    let out;
    try {
      // the rows shown first must be in their final order; the others may wait (the
      // proximity bonus of words typed together: complete, in showMore); sorting by date and
      // leaving forms out reorder every row
      const limit = params.sort || params.x.length ? null : Math.max(params.n, PAGE_SIZE);
      out = await runQuery({ ...params, limit });
    } catch (exc) {
      if (token !== this.token) return;
      this.say(...failure(exc, this.input, 'مربع البحث'));
      this.results.setAttribute('data-error', 'true');
      this.setState('done');
      return;
    }
    if (token !== this.token) return;
    this.results.removeAttribute('data-error');
    this.params = params;
    this.engine = out.engine;
    this.out = out;
    const { view } = out.engine;
    // forms of the query's words that matched, before the reader's exclusions; their data
    // (forms shards) is only waited for first when the reader left a form out, else it is
    // fetched once the first results are on screen
    // (forms.js too: loaded with them)
    const formCounts = () => import('./forms.js').then((m) => m.formCounts(out.engine, out.rows, params));
    let formsReady = params.x.length ? formCounts() : null;
    const excluded = formsReady ? await formsReady : null;
    if (token !== this.token) return;
    const kept = excluded ? (await import('./forms.js')).excludeForms(excluded, out.rows, params.x) : out.rows;
    if (token !== this.token) return;
    // sorting by date needs every result's date: the columns (filtered queries have them)
    if (params.sort) await view.ensureColumns();
    if (token !== this.token) return;
    this.rows = sortRows(view, kept, params.sort);
    this.rowsKept = params.x.length ? new Set(kept.map((r) => r.doc)) : null;
    const showForms = () => (formsReady || (formsReady = formCounts()))
      .then((forms) => {
        if (token === this.token) this.renderForms(params, forms);
      });
    this.renderFilters(params);
    this.renderTools(params);
    this.results.setAttribute('data-total', String(this.rows.length));
    if (this.rows.length === 0) {
      const q = el('bdi', { text: params.q });
      if ((filtered(params) || params.x.length) && out.unfiltered.length) {
        this.say('لا نتائج لـ«', q, `» مع هذه المرشحات (${out.unfiltered.length} دونها). أزل مرشحًا لتوسيع البحث.`);
      } else {
        this.say('لا نتائج لـ«', q, '». جرّب كلمة أخرى، أو نمط «وكل ما يشاركها الجذر»، أو أزل المرشحات.');
      }
      await Promise.all([showForms(), this.showFacets(params, out, token)]);
      if (token === this.token) this.setState('done');
      return;
    }
    await this.showMore(false, Math.max(params.n, PAGE_SIZE));
    if (token !== this.token) return;
    const ms = Math.round(performance.now() - t0);
    const n = this.rows.length;
    this.say(`${n} ${n === 1 ? 'نتيجة' : 'نتائج'} لـ«`, el('bdi', { text: params.q }), `» (${ms} مللي ثانية)`);
    this.results.setAttribute('data-ms', String(ms));
    // the first results are on screen (when: data-shown, ms since navigation start); the
    // matched forms, the facets and the chart follow with their data (forms shards, columns)
    this.results.setAttribute('data-shown', String(Math.round(performance.now())));
    await Promise.all([showForms(), this.showFacets(params, out, token)]);
    if (token !== this.token) return;
    this.setState('done');
    const y = window.history.state && window.history.state.scrollY;
    if (y) window.scrollTo(0, y);
  }

  /** The facets and the researcher's tools, once the columns (every article's date, source,
   * places and actors) are in: fetched after the first results, unless a filter or a sort
   * needed them before. */
  async showFacets(params, out, token) {
    if (out.unfiltered.length) {
      try {
        await out.engine.view.ensureColumns();
      } catch (exc) {
        if (token === this.token) this.facets.append(el('p', { class: 'archive-search__error', text: String(exc.message || exc) }));
        return;
      }
    }
    if (token !== this.token) return;
    this.renderFacets(params, out);
    // the chart, exports and concordance link (issue 16; workbench.js with trend.js and
    // export.js, and their styles): fetched after the first results, as the columns are
    const [{ renderWorkbench }] = await Promise.all([import('./workbench.js'), workbenchStyles()]);
    if (token !== this.token) return;
    renderWorkbench(this, params, out);
  }

  /** Put every row (or the first ``n``) in its final order (see runWith's limit). */
  async completeRows(n = undefined) {
    const out = this.out;
    if (!out || this.rows !== out.rows) return; // sorted or filtered here: complete already
    await out.complete(n);
  }

  async showMore(focus, size = PAGE_SIZE) {
    const token = this.token;
    const { analyzer, view } = this.engine;
    await this.completeRows(this.shown + size);
    if (token !== this.token) return;
    const slice = this.rows.slice(this.shown, this.shown + size);
    // the spans of what matched (positions of long terms: fetched for these articles only)
    await resolveSpans(this.engine, slice);
    // the articles' titles and links (their cards blocks) and text (raw/<id>.txt), for the
    // results shown only, all at once
    const docs = await Promise.all(slice.map((r) => loadDoc(r.doc)));
    if (token !== this.token) return;
    let firstLink = null;
    slice.forEach((r, i) => {
      const item = this.renderResult(analyzer, view, r, docs[i], this.shown + i + 1);
      this.results.append(item);
      if (i === 0) firstLink = item.querySelector('a');
    });
    this.shown += slice.length;
    this.more.hidden = this.shown >= this.rows.length;
    if (focus) {
      // the number shown is part of the state: Back from an article shows as many again
      const params = { ...readParams(), n: this.shown };
      window.history.replaceState(window.history.state, '', paramsURL(params));
      if (firstLink) firstLink.focus();
    }
  }

  renderResult(analyzer, view, row, doc, rank) {
    const st = view.stored(row.doc);
    const title = st.title || st.id;
    const spans = mergeSpans(charSpans(analyzer, doc, row.hit));
    const tspans = mergeSpans(titleSpans(analyzer, st.title, row.hit));
    const url = new URL(st.url || `articles/${st.id}/`, ROOT_URL);
    const forms = matchedForms(title, tspans, doc.text, spans);
    if (forms.length) url.searchParams.set('h', forms.join(','));
    const snip = el('p', { class: 'archive-search__snippet' });
    for (const [text, isMatch] of snippet(doc.text, spans)) {
      snip.append(isMatch ? el('mark', { text }) : document.createTextNode(text));
    }
    const levels = el('span', { class: 'archive-search__levels' });
    for (const [text, level] of row.hit.levels) {
      levels.append(el('span', { class: 'archive-search__level', 'data-level': level },
        el('bdi', { text: `«${text}»` }), `: ${LEVEL_LABEL[level]}`));
    }
    if (row.hit.near) {
      levels.append(el('span', { class: 'archive-search__level', 'data-near': row.hit.near,
        text: PROXIMITY_LABEL[row.hit.near] }));
    }
    const date = st.date ? el('time', { class: 'archive-search__date', text: formatDate(st.date),
      datetime: /^\d{4}/.test(st.date) ? st.date : null })
      : el('span', { class: 'archive-search__date', text: `التاريخ ${UNKNOWN_DATE}` });
    const metaLine = el('p', { class: 'archive-search__meta' }, date,
      el('bdi', { class: 'archive-search__source', text: st.source || 'مصدر غير معروف' }), levels);
    const link = el('a', { href: url.href });
    link.append(marked(title, tspans, 'bdi'));
    return el('li', { class: 'archive-search__result', 'data-path': st.path, 'data-id': st.id,
      'data-score': row.score.toFixed(6), 'data-date': st.date || '', value: rank },
    el('h3', { class: 'archive-search__title' }, link), metaLine, snip);
  }

  link(params, attrs, ...children) {
    const a = el('a', { href: paramsURL({ ...params, n: 0 }).href, ...attrs }, ...children);
    a.addEventListener('click', (ev) => {
      if (ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button !== 0) return;
      ev.preventDefault();
      this.saveScroll();
      window.history.pushState({ scrollY: 0 }, '', a.href);
      this.run();
    });
    return a;
  }

  renderTools(params) {
    const select = el('select', { id: 'archive-search-sort', 'data-role': 'sort' });
    for (const [value, label] of Object.entries(SORTS)) {
      select.append(el('option', { value, text: label, selected: value === params.sort }));
    }
    select.addEventListener('change', () => this.navigate({ ...readParams(), sort: select.value, n: 0 }));
    this.tools.append(el('label', { for: 'archive-search-sort', text: 'الترتيب:' }), select);
  }

  renderForms(params, forms) {
    if (!forms || forms.length < 2 && !params.x.length) return;
    const list = el('ul', { class: 'archive-search__formlist' });
    for (const f of forms) {
      const excluded = params.x.includes(f.form);
      const x = excluded ? params.x.filter((v) => v !== f.form) : [...params.x, f.form];
      const label = excluded ? `أعد الصيغة ${f.form}` : `استبعد الصيغة ${f.form}`;
      list.append(el('li', { 'data-form': f.form, 'data-excluded': excluded ? 'true' : null },
        this.link({ ...params, x }, { 'aria-label': label, 'data-form-toggle': f.form },
        el('bdi', { class: 'archive-search__form', text: f.form }),
        el('span', { class: 'archive-search__count', text: String(f.count) }),
        el('span', { class: 'archive-search__x', 'aria-hidden': 'true', text: excluded ? '↺' : '✕' }))));
    }
    this.forms.append(el('p', { class: 'archive-search__forms-title',
      text: 'الصيغ التي طابقت (عدد المقالات؛ انقر صيغة لاستبعادها):' }), list);
  }

  renderFilters(params) {
    const { meta } = this.engine;
    const list = el('ul', { class: 'archive-search__active' });
    const label = Object.fromEntries(FACETS);
    for (const [k] of FACETS) {
      for (const value of params[k]) {
        let shown = value;
        if (k === 'place' || k === 'actor') {
          const key = Object.keys(meta.entities).find((x) => meta.entities[x][1] === value || x === value);
          if (key) shown = entityName(meta, key);
        }
        const next = { ...params, [k]: params[k].filter((v) => v !== value) };
        list.append(el('li', {}, this.link(next, { 'data-facet-remove': k,
          'aria-label': `أزل مرشح ${label[k]}: ${shown}` }, `${label[k]}: `, el('bdi', { text: shown }), ' ✕')));
      }
    }
    for (const [k, name] of [['from', 'من'], ['to', 'إلى']]) {
      if (!params[k]) continue;
      list.append(el('li', {}, this.link({ ...params, [k]: '' }, { 'data-facet-remove': k,
        'aria-label': `أزل التاريخ ${name} ${params[k]}` }, `${name} ${formatDate(params[k])} ✕`)));
    }
    for (const form of params.x) {
      list.append(el('li', {}, this.link({ ...params, x: params.x.filter((v) => v !== form) },
        { 'data-facet-remove': 'x', 'aria-label': `أعد الصيغة ${form}` }, 'دون ', el('bdi', { text: form }), ' ✕')));
    }
    if (!list.children.length) return;
    const clear = { q: params.q, mode: params.mode, sort: params.sort, place: [], actor: [],
      source: [], year: [], x: [], from: '', to: '' };
    list.append(el('li', {}, this.link(clear, { 'data-role': 'clear-all', class: 'archive-search__clear' },
      'امسح كل المرشحات')));
    this.filters.append(list);
  }

  renderFacets(params, out) {
    const { view, meta } = this.engine;
    this.facets.append(this.dateRange(params));
    const wide = !window.matchMedia || window.matchMedia('(min-width: 48em)').matches;
    for (const [k, label] of FACETS) {
      // counts of a facet: the results under every OTHER filter (choosing more values widens)
      const others = makeFilters(this.engine, { ...params, [k]: [] });
      const base = out.unfiltered.filter((r) => others.keep(view.stored(r.doc)));
      const map = facetCounts(view, meta, excludeIfAny(base, params, this.rowsKept))[k];
      if (!map.size) continue;
      const entries = [...map.entries()].map(([value, n]) => {
        const entity = k === 'place' || k === 'actor';
        return { name: entity ? entityName(meta, value) : value,
          param: entity ? entityParam(meta, value) : value, n };
      }).sort((a, b) => b.n - a.n || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      if (k === 'year') entries.sort((a, b) => (a.param < b.param ? 1 : -1));
      const chosen = params[k];
      const group = el('details', { class: 'archive-search__facet', 'data-facet': k,
        open: wide || chosen.length > 0 }, el('summary', { text: `${label} (${map.size})` }));
      const list = el('ul');
      for (const e of entries) {
        const selected = chosen.includes(e.param);
        const next = { ...params, [k]: selected ? chosen.filter((v) => v !== e.param) : [...chosen, e.param] };
        const a = this.link(next, { 'data-facet-value': e.param, role: 'checkbox',
          'aria-checked': selected ? 'true' : 'false', 'aria-current': selected ? 'true' : null },
        el('bdi', { class: 'archive-search__facet-name', text: e.name }),
        el('span', { class: 'archive-search__count', text: String(e.n) }));
        list.append(el('li', { 'data-name': e.name }, a));
      }
      group.append(list);
      if (entries.length > SHORT_LIST) this.shorten(group, list, label);
      this.facets.append(group);
    }
  }

  /** A long facet list: the first entries (and the chosen ones), a filter box, «show all». */
  shorten(group, list, label) {
    const items = [...list.children];
    const box = el('input', { type: 'search', class: 'archive-search__facet-filter',
      placeholder: `ابحث في ${label}`, 'aria-label': `ابحث في قائمة ${label}`, dir: 'rtl' });
    const all = el('button', { type: 'button', class: 'archive-search__facet-all md-button',
      text: `عرض الكل (${items.length})` });
    let expanded = false;
    const apply = () => {
      const want = this.engine.analyzer.normalize(box.value.trim());
      items.forEach((li, i) => {
        const checked = li.querySelector('[aria-checked="true"]');
        const matches = !want || this.engine.analyzer.normalize(li.dataset.name).includes(want);
        li.hidden = !(checked || (matches && (want || expanded || i < SHORT_LIST)));
      });
      all.hidden = expanded || Boolean(want);
    };
    box.addEventListener('input', apply);
    all.addEventListener('click', () => { expanded = true; apply(); });
    group.insertBefore(box, list);
    group.append(all);
    apply();
  }

  dateRange(params) {
    const form = el('form', { class: 'archive-search__range', 'data-role': 'range' });
    const field = (name, label, value) => {
      const id = `archive-search-${name}`;
      return el('span', {}, el('label', { for: id, text: label }),
        el('input', { id, name, value, dir: 'ltr', inputmode: 'numeric', size: 10,
          placeholder: 'YYYY-MM-DD', pattern: '\\d{4}(-\\d{2}(-\\d{2})?)?', autocomplete: 'off' }));
    };
    form.append(el('p', { class: 'archive-search__range-title', text: 'المدة' }),
      field('from', 'من', params.from), field('to', 'إلى', params.to),
      el('button', { type: 'submit', class: 'md-button', text: 'طبّق' }));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const from = form.elements.from.value.trim();
      const to = form.elements.to.value.trim();
      this.navigate({ ...readParams(), from, to, n: 0 });
    });
    return form;
  }
}

/** Facet counts ignore the rows the reader's form exclusions removed. */
function excludeIfAny(rows, params, kept) {
  if (!params.x.length || !kept) return rows;
  return rows.filter((r) => kept.has(r.doc));
}
