// The /kwic/ page: every occurrence of a query as aligned right-to-left lines (words before |
// keyword | words after), what `archive kwic` prints (archive/commands/kwic.py,
// archive/search/kwic.py), as a page. Entry module of templates/kwic.html.
//
// Its state lives in the URL, like the search page's:
//   q, mode        the query and its mode (root default, left out)
//   sort           '' article then position | date | before | after (the words on that side)
//   p              the page of lines (1-based)
//   place, actor, source, year (may repeat), from, to   filters, as on /search/
//
// Occurrences come from the postings the search already fetched (hit.spans); article text is
// fetched only for the lines shown, except for sorting by context and for exports, which need
// every matching article's text (fetched in batches, with a progress note).

import { loadDoc, loadEngine, runQuery, ROOT_URL } from './loader.js';
import { parse } from './query.js';
import { queryTerms } from './engine.js';
import { el, failure, formatDate, readQuery, showMode, UNKNOWN_DATE, writeQuery } from './ui.js';
import { contextLine, nodeOccurrences, occurrenceSpan, occurrences, sortLines, tokenTable, WIDTH } from './kwic.js';
import { articleURL, download, fileName, inBatches, KWIC_COLUMNS, toCSV, toJSON } from './export.js';

export const LINES_PER_PAGE = 25;
/** Sorting by context needs every matching article's text: above this many, narrow first. */
export const CONTEXT_SORT_LIMIT = 3000;
const SORTS = { '': 'المقالة ثم موضع الكلمة', date: 'التاريخ (الأقدم أولًا)',
  before: 'الكلمات قبلها', after: 'الكلمات بعدها' };
const MULTI = ['place', 'actor', 'source', 'year'];
const FILTER_LABEL = { place: 'المكان', actor: 'الفاعل', source: 'المصدر', year: 'السنة' };

export function readParams(href = window.location.href) {
  const u = new URL(href);
  const sort = (u.searchParams.get('sort') || '').trim();
  const p = Number.parseInt((u.searchParams.get('p') || '').trim(), 10);
  return { ...readQuery(u, MULTI), sort: sort in SORTS ? sort : '',
    p: Number.isFinite(p) && p > 1 ? p : 1 };
}

export function paramsURL(params, page = 'kwic/') {
  const u = writeQuery(new URL(page, ROOT_URL), params, MULTI);
  if (params.sort && page === 'kwic/') u.searchParams.set('sort', params.sort);
  if (params.p > 1 && page === 'kwic/') u.searchParams.set('p', String(params.p));
  return u;
}

export class KwicPage {
  constructor(root) {
    this.root = root;
    this.form = root.querySelector('form');
    this.input = root.querySelector('input[name="q"]');
    this.status = root.querySelector('[data-role="status"]');
    this.tools = root.querySelector('[data-role="tools"]');
    this.filters = root.querySelector('[data-role="filters"]');
    this.lines = root.querySelector('[data-role="lines"]');
    this.pages = root.querySelector('[data-role="pages"]');
    this.token = 0;
    this.tables = new Map(); // doc → token table (character spans of its tokens)
    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.navigate({ ...readParams(), q: this.input.value.trim(), mode: this.mode(), p: 1 });
    });
    for (const radio of root.querySelectorAll('input[name="mode"]')) {
      radio.addEventListener('change', () => {
        const params = { ...readParams(), q: this.input.value.trim(), mode: this.mode(), p: 1 };
        if (params.q) this.navigate(params);
      });
    }
    this.input.addEventListener('focus', () => loadEngine().catch(() => {}), { once: true });
    window.addEventListener('popstate', () => this.run());
  }

  mode() {
    const checked = this.root.querySelector('input[name="mode"]:checked');
    return checked ? checked.value : 'root';
  }

  navigate(params) {
    window.history.pushState({}, '', paramsURL(params));
    this.run();
  }

  link(params, attrs, ...children) {
    const a = el('a', { href: paramsURL(params).href, ...attrs }, ...children);
    a.addEventListener('click', (ev) => {
      if (ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button !== 0) return;
      ev.preventDefault();
      this.navigate(params);
    });
    return a;
  }

  say(...parts) {
    this.status.replaceChildren(...parts.map((p) => (typeof p === 'string' ? document.createTextNode(p) : p)));
  }

  setState(state) {
    if (state === 'done') this.lines.setAttribute('data-t', String(Math.round(performance.now())));
    this.lines.setAttribute('data-state', state);
    this.root.setAttribute('aria-busy', state === 'loading' ? 'true' : 'false');
  }

  /** Context of every line in ``lines`` (their articles fetched, a few at a time). */
  async fill(lines, progress) {
    const { analyzer, view } = this.engine;
    const docs = [...new Set(lines.filter((l) => l.left === undefined).map((l) => l.doc))];
    const texts = new Map();
    // each article's text and its card (id, title, link), a batch of articles at a time
    await inBatches(docs, async (d) => {
      const [doc] = await Promise.all([loadDoc(d), view.loadStored([d])]);
      texts.set(d, doc.text);
    }, progress);
    const names = new Set(lines.filter((l) => l.last === -1).map((l) => l.doc));
    for (const line of lines) {
      if (line.left !== undefined) continue;
      const text = texts.get(line.doc);
      const key = `${line.doc}${names.has(line.doc) ? 'n' : ''}`;
      if (!this.tables.has(key)) this.tables.set(key, tokenTable(analyzer, text, names.has(line.doc)));
      const table = this.tables.get(key);
      const span = occurrenceSpan(table, line);
      const st = view.stored(line.doc);
      Object.assign(line, span ? contextLine(text, span[0], span[1], WIDTH)
        : { left: '', keyword: '', right: '' });
      line.position = line.first;
      line.id = st.id;
      line.date = st.date || null;
      line.title = st.title || '';
      line.url = articleURL(st, [line.keyword]);
    }
  }

  async run() {
    const params = readParams();
    const token = ++this.token;
    this.params = params;
    this.input.value = params.q;
    this.input.removeAttribute('aria-invalid');
    showMode(this.root, params.mode);
    for (const part of [this.lines, this.pages, this.tools, this.filters]) part.replaceChildren();
    this.lines.removeAttribute('data-total');
    if (!params.q) {
      this.say('اكتب كلمة أو عبارة أو جذرًا لعرض مواضعها في سياقها.');
      this.setState('idle');
      return;
    }
    this.say('جارٍ البحث…');
    this.setState('loading');
    const t0 = performance.now();
    let out;
    let node;
    try {
      out = await runQuery(params);
      // filters, dates (sorting) and names of places and actors: the columns; every
      // occurrence: the positions of the query's long terms in all their articles
      await out.engine.view.ensureColumns();
      node = parse(params.q, out.engine.analyzer);
      await out.engine.view.ensurePositions(queryTerms(node, params.mode));
      // lines in article id order: every result's place in id order
      await out.engine.view.ensureRanks();
    } catch (exc) {
      if (token !== this.token) return;
      this.say(...failure(exc, this.input, 'المربع'));
      this.lines.setAttribute('data-error', 'true');
      this.setState('done');
      return;
    }
    if (token !== this.token) return;
    const tSearch = performance.now();
    this.lines.removeAttribute('data-error');
    this.engine = out.engine;
    const { view, analyzer } = out.engine;
    const found = nodeOccurrences(view, node, params.mode);
    const all = occurrences(view, out.rows, (r) => found.get(r.doc) || []);
    const articles = new Set(all.map((l) => l.doc)).size;
    this.renderFilters(params);
    let sort = params.sort;
    let note = '';
    if ((sort === 'before' || sort === 'after') && articles > CONTEXT_SORT_LIMIT) {
      note = ` الترتيب حسب السياق يحتاج نصوص كل المقالات المطابقة (${articles})، وهي أكثر من `
        + `${CONTEXT_SORT_LIMIT}؛ ضيّق البحث بمدة أو مرشح. الأسطر هنا بترتيب المقالات.`;
      sort = '';
    }
    if (sort === 'before' || sort === 'after') {
      await this.fill(all, (done, total) => {
        if (token === this.token) this.say(`للترتيب حسب السياق: حُمّلت نصوص ${done} من ${total} مقالة…`);
      });
      if (token !== this.token) return;
    }
    this.all = sortLines(all, sort, { dateOf: (l) => view.stored(l.doc).date,
      normalize: (s) => analyzer.normalize(s) });
    this.renderTools(params);
    this.lines.setAttribute('data-total', String(this.all.length));
    if (!this.all.length) {
      const q = el('bdi', { text: params.q });
      if (out.rows.length) {
        this.say('طابقت «', q, `» ${out.rows.length} مقالة، لكن في عناوينها أو بنفي فقط: لا مواضع في النصوص.`);
      } else {
        this.say('لا مواضع لـ«', q, '». جرّب كلمة أخرى أو نمط «وكل ما يشاركها الجذر» أو أزل المرشحات.');
      }
      this.setState('done');
      return;
    }
    const tLines = performance.now();
    const pages = Math.ceil(this.all.length / LINES_PER_PAGE);
    const p = Math.min(params.p, pages);
    const shown = this.all.slice((p - 1) * LINES_PER_PAGE, p * LINES_PER_PAGE);
    await this.fill(shown);
    if (token !== this.token) return;
    const tText = performance.now();
    this.renderLines(shown, (p - 1) * LINES_PER_PAGE);
    this.renderPages(params, p, pages);
    const ms = Math.round(performance.now() - t0);
    const n = this.all.length;
    this.say(`${n} ${n === 1 ? 'موضع' : 'موضعًا'} في ${articles} ${articles === 1 ? 'مقالة' : 'مقالات'} لـ«`,
      el('bdi', { text: params.q }), `»؛ الأسطر ${(p - 1) * LINES_PER_PAGE + 1}–${(p - 1) * LINES_PER_PAGE + shown.length}`
      + ` (${ms} مللي ثانية).${note}`);
    this.lines.setAttribute('data-ms', String(ms));
    // where the time went (benchmarks read it): search, occurrences and sorting, shown text
    this.lines.setAttribute('data-phases', [tSearch - t0, tLines - tSearch, tText - tLines]
      .map((x) => Math.round(x)).join(','));
    this.lines.setAttribute('data-page', String(p));
    this.setState('done');
  }

  renderLines(lines, offset) {
    const table = el('table', { class: 'ar-kwic__table', 'data-role': 'kwic-table' },
      el('caption', { class: 'ar-kwic__caption', text: `«${this.params.q}» في سياقها` }),
      el('thead', {}, el('tr', {},
        el('th', { scope: 'col', class: 'ar-kwic__before', text: 'قبلها' }),
        el('th', { scope: 'col', class: 'ar-kwic__key', text: 'الكلمة' }),
        el('th', { scope: 'col', class: 'ar-kwic__after', text: 'بعدها' }),
        el('th', { scope: 'col', class: 'ar-kwic__src', text: 'المقالة' }))));
    const body = el('tbody');
    lines.forEach((line, i) => {
      const href = new URL(line.url, ROOT_URL).href;
      body.append(el('tr', { class: 'ar-kwic__line', 'data-id': line.id, 'data-position': line.position,
        'data-date': line.date || '', 'data-n': offset + i + 1 },
      el('td', { class: 'ar-kwic__before' }, el('div', {}, el('bdi', { text: line.left }))),
      el('td', { class: 'ar-kwic__key' }, el('a', { href, 'data-role': 'kwic-link',
        'aria-label': `«${line.keyword}» في «${line.title || line.id}»` }, el('bdi', { text: line.keyword }))),
      el('td', { class: 'ar-kwic__after' }, el('div', {}, el('bdi', { text: line.right }))),
      el('td', { class: 'ar-kwic__src' },
        el('span', { class: 'ar-kwic__date', text: line.date ? formatDate(line.date) : UNKNOWN_DATE }),
        ' ', el('a', { href, class: 'ar-kwic__title', tabindex: '-1' }, el('bdi', { text: line.title || line.id })))));
    });
    table.append(body);
    this.lines.append(table);
  }

  renderPages(params, p, pages) {
    if (pages < 2) return;
    const list = el('ul', { class: 'ar-kwic__pagelist' });
    const item = (n, label, attrs = {}) => list.append(el('li', {}, n === p
      ? el('span', { 'aria-current': 'page', class: 'ar-kwic__current', text: label })
      : this.link({ ...params, p: n }, { 'data-page': n, ...attrs }, label)));
    if (p > 1) item(p - 1, 'السابق', { rel: 'prev', 'data-role': 'prev' });
    const near = new Set([1, pages, p - 2, p - 1, p, p + 1, p + 2].filter((n) => n >= 1 && n <= pages));
    let last = 0;
    for (const n of [...near].sort((a, b) => a - b)) {
      if (n > last + 1) list.append(el('li', { 'aria-hidden': 'true', text: '…' }));
      item(n, String(n), { 'aria-label': `صفحة ${n}` });
      last = n;
    }
    if (p < pages) item(p + 1, 'التالي', { rel: 'next', 'data-role': 'next' });
    this.pages.append(el('p', { class: 'ar-kwic__pageof', text: `صفحة ${p} من ${pages}` }), list);
  }

  renderTools(params) {
    const select = el('select', { id: 'ar-kwic-sort', 'data-role': 'sort' });
    for (const [value, label] of Object.entries(SORTS)) {
      select.append(el('option', { value, text: label, selected: value === params.sort }));
    }
    select.addEventListener('change', () => this.navigate({ ...readParams(), sort: select.value, p: 1 }));
    const csv = el('button', { type: 'button', class: 'md-button', 'data-export': 'kwic-csv', text: 'تنزيل الأسطر CSV' });
    const json = el('button', { type: 'button', class: 'md-button', 'data-export': 'kwic-json', text: 'JSON' });
    csv.addEventListener('click', () => this.exportLines('csv'));
    json.addEventListener('click', () => this.exportLines('json'));
    const search = el('a', { href: paramsURL(params, 'search/').href, class: 'ar-kwic__to-search',
      text: 'المقالات في صفحة البحث' });
    this.tools.append(el('span', {}, el('label', { for: 'ar-kwic-sort', text: 'الترتيب: ' }), select),
      el('span', { class: 'ar-export', role: 'group', 'aria-label': 'تنزيل' }, csv, json), search);
  }

  async exportLines(kind) {
    const params = this.params;
    const token = this.token;
    const lines = this.all;
    await this.fill(lines, (done, total) => {
      if (token === this.token && done < total) this.say(`للتنزيل: حُمّلت نصوص ${done} من ${total} مقالة…`);
    });
    if (token !== this.token) return;
    const rows = lines.map((l) => ({ id: l.id, date: l.date, title: l.title, left: l.left,
      keyword: l.keyword, right: l.right, position: l.position, url: l.url }));
    if (kind === 'csv') {
      download(fileName('kwic', params.q, 'csv'), toCSV(KWIC_COLUMNS, rows), 'text/csv');
    } else {
      download(fileName('kwic', params.q, 'json'), toJSON({ query: params.q, mode: params.mode,
        total: rows.length, lines: rows }), 'application/json');
    }
    this.say(`نُزّل ${rows.length} سطرًا (${kind.toUpperCase()}).`);
  }

  renderFilters(params) {
    const list = el('ul', { class: 'archive-search__active' });
    for (const k of MULTI) {
      for (const value of params[k]) {
        list.append(el('li', {}, this.link({ ...params, [k]: params[k].filter((v) => v !== value), p: 1 },
          { 'data-facet-remove': k, 'aria-label': `أزل مرشح ${FILTER_LABEL[k]}: ${value}` },
          `${FILTER_LABEL[k]}: `, el('bdi', { text: value }), ' ✕')));
      }
    }
    for (const [k, name] of [['from', 'من'], ['to', 'إلى']]) {
      if (!params[k]) continue;
      list.append(el('li', {}, this.link({ ...params, [k]: '', p: 1 }, { 'data-facet-remove': k,
        'aria-label': `أزل التاريخ ${name} ${params[k]}` }, `${name} ${formatDate(params[k])} ✕`)));
    }
    const range = el('form', { class: 'archive-search__range ar-kwic__range', 'data-role': 'range' });
    const field = (name, label, value) => {
      const id = `ar-kwic-${name}`;
      return el('span', {}, el('label', { for: id, text: label }),
        el('input', { id, name, value, dir: 'ltr', inputmode: 'numeric', size: 10,
          placeholder: 'YYYY-MM-DD', pattern: '\\d{4}(-\\d{2}(-\\d{2})?)?', autocomplete: 'off' }));
    };
    range.append(el('span', { class: 'archive-search__range-title', text: 'المدة: ' }),
      field('from', 'من', params.from), field('to', 'إلى', params.to),
      el('button', { type: 'submit', class: 'md-button', text: 'طبّق' }));
    range.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.navigate({ ...readParams(), from: range.elements.from.value.trim(),
        to: range.elements.to.value.trim(), p: 1 });
    });
    if (list.children.length) this.filters.append(list);
    this.filters.append(range);
  }
}

if (typeof document !== 'undefined') {
  const root = document.querySelector('[data-archive-kwic]');
  if (root) {
    const page = new KwicPage(root);
    window.archiveKwic = { page };
    page.run();
  }
}
