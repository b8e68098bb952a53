// A term over time: matching articles per month, normalised by the articles of that month.
// The browser side of archive/search/trend.py (`archive trend`); definitions shared with it:
//
//   every month YYYY-MM from the archive's first to its last dated month (articles whose date
//   has at least year-month); year-only and undated articles are counted apart (`unplaced`);
//   matching = distinct matching articles dated in the month, articles = all articles dated
//   in the month, share = matching / articles (0 when articles = 0), rounded to 6 decimals
//   as Python's round() does (half to even on the exact binary value).
//
//   trend.py                 trend.js
//   month of a date          monthOf
//   the series               trendSeries (rows: the search's result rows, filters applied)
//   round(x, 6)              round6
//
// renderChart draws the series as an SVG bar chart (no library), with a table alternative.

import { el, MONTHS } from './ui.js';

/** ``2015-07-04`` / ``2015-07`` → ``2015-07``; year-only, year-less, undated → null. */
export function monthOf(date) {
  const m = /^(\d{4})-(\d{2})(?:-|$)/.exec(typeof date === 'string' ? date : '');
  return m && m[2] >= '01' && m[2] <= '12' ? `${m[1]}-${m[2]}` : null;
}

/** Python round(x, 6): half to even, decided on the exact decimal value of the double. */
export function round6(x) {
  if (!Number.isFinite(x)) return x;
  const exact = Math.abs(x).toFixed(100); // exact for the values here (0 ≤ x ≤ 1)
  const [int, frac] = exact.split('.');
  const keep = frac.slice(0, 6);
  const rest = frac.slice(6);
  let digits = BigInt(int + keep);
  const half = `5${'0'.repeat(rest.length - 1)}`;
  if (rest > half || (rest === half && digits % 2n === 1n)) digits += 1n;
  const s = digits.toString().padStart(7, '0');
  const out = Number(`${s.slice(0, -6)}.${s.slice(-6)}`);
  return x < 0 ? -out : out;
}

/** The months from ``first`` to ``last`` (YYYY-MM), both included. */
export function monthRange(first, last) {
  const out = [];
  let [y, m] = first.split('-').map(Number);
  const [ly, lm] = last.split('-').map(Number);
  while (y < ly || (y === ly && m <= lm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m += 1;
    if (m > 12) { m = 1; y += 1; }
  }
  return out;
}

const perView = new WeakMap();

/** Articles per month over the whole archive (computed once per index view). */
export function articlesPerMonth(view) {
  if (perView.has(view)) return perView.get(view);
  const months = new Map();
  let unplaced = 0;
  for (const d of view.docnums) { // the live document numbers (slots: some are empty)
    const m = monthOf(view.stored(d).date);
    if (m === null) unplaced += 1;
    else months.set(m, (months.get(m) || 0) + 1);
  }
  const sorted = [...months.keys()].sort();
  const out = { months, unplaced, all: sorted.length ? monthRange(sorted[0], sorted[sorted.length - 1]) : [] };
  perView.set(view, out);
  return out;
}

/** The series of formats16: {query, mode, months: [{month, matching, articles, share}], unplaced}. */
export function trendSeries(view, rows, { query = '', mode = 'root' } = {}) {
  const base = articlesPerMonth(view);
  const matching = new Map();
  let unplacedMatching = 0;
  for (const doc of new Set(rows.map((r) => r.doc))) {
    const m = monthOf(view.stored(doc).date);
    if (m === null) unplacedMatching += 1;
    else matching.set(m, (matching.get(m) || 0) + 1);
  }
  const months = base.all.map((month) => {
    const articles = base.months.get(month) || 0;
    const n = matching.get(month) || 0;
    return { month, matching: n, articles, share: articles ? round6(n / articles) : 0 };
  });
  return { query, mode, months, unplaced: { matching: unplacedMatching, articles: base.unplaced } };
}

/** ``2015-07`` → ``تموز (يوليو) 2015``. */
export function monthLabel(month) {
  const [y, m] = month.split('-').map(Number);
  return `${MONTHS[m - 1]} ${y}`;
}

const SVG = 'http://www.w3.org/2000/svg';
let tables = 0;

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'text') node.textContent = v;
    else node.setAttribute(k, String(v));
  }
  for (const c of children) if (c) node.append(c);
  return node;
}

const percent = (share) => `${(share * 100).toFixed(share && share < 0.001 ? 3 : 1)}%`;

/**
 * The chart: one bar per month (oldest on the right, as the page reads), height = share.
 * ``hrefOf(month)`` is the link a bar opens (the results of that month); ``selected(month)``
 * marks the months of the page's date range; ``onPick(month, ev)`` handles a click.
 */
export function renderChart(series, { hrefOf, selected = () => false, onPick = null } = {}) {
  const months = series.months;
  const wrap = el('figure', { class: 'ar-trend', 'data-role': 'trend-chart' });
  const caption = el('figcaption', { class: 'ar-trend__caption', id: 'ar-trend-caption' },
    'نسبة المقالات المطابقة من مقالات كل شهر');
  if (!months.length) {
    wrap.append(caption, el('p', { text: 'لا مقالات مؤرخة بالشهر في الأرشيف.' }));
    return wrap;
  }
  const max = Math.max(...months.map((m) => m.share), 0);
  const W = 600;
  const H = 150;
  const top = 14;
  const bottom = 22;
  const step = W / months.length;
  const bar = Math.min(48, Math.max(1, step * 0.8));
  const chart = svg('svg', { class: 'ar-trend__svg', viewBox: `0 0 ${W} ${H}`, role: 'group',
    'aria-labelledby': 'ar-trend-title', 'aria-describedby': 'ar-trend-desc',
    preserveAspectRatio: 'none', focusable: 'false' });
  const peak = months.reduce((a, b) => (b.share > a.share ? b : a), months[0]);
  const total = months.reduce((a, b) => a + b.matching, 0);
  chart.append(svg('title', { id: 'ar-trend-title', text: `«${series.query}» عبر الزمن` }),
    svg('desc', { id: 'ar-trend-desc', text: `${months.length} شهرًا من ${monthLabel(months[0].month)} إلى `
      + `${monthLabel(months[months.length - 1].month)}، الأقدم على اليمين؛ ${total} مقالًا مطابقًا مؤرخًا؛ `
      + `أعلى نسبة ${percent(peak.share)} في ${monthLabel(peak.month)}. انقر شهرًا لعرض نتائجه.` }));
  chart.append(svg('line', { class: 'ar-trend__axis', x1: 0, x2: W, y1: H - bottom, y2: H - bottom }));
  if (max > 0) { // the scale: the top line is the highest share
    chart.append(svg('line', { class: 'ar-trend__grid', x1: 0, x2: W, y1: top, y2: top }),
      svg('text', { class: 'ar-trend__tick', x: 2, y: top - 3, 'text-anchor': 'start', 'aria-hidden': 'true',
        text: percent(max) }));
  }
  months.forEach((m, i) => {
    const x = W - (i + 1) * step + (step - bar) / 2;
    const h = max ? ((H - top - bottom) * m.share) / max : 0;
    const label = `${monthLabel(m.month)}: ${m.matching} من ${m.articles} مقالًا (${percent(m.share)})`;
    const link = svg('a', { href: hrefOf ? hrefOf(m.month) : null, 'aria-label': label,
      class: 'ar-trend__bar', 'data-month': m.month, 'data-share': m.share,
      'data-matching': m.matching, 'data-articles': m.articles,
      'data-selected': selected(m.month) ? 'true' : null });
    // the whole column is the target (a month with no match can be opened too)
    link.append(svg('rect', { class: 'ar-trend__hit', x: W - (i + 1) * step, y: 0, width: step,
      height: H - bottom }), svg('rect', { class: 'ar-trend__fill', x, y: H - bottom - h,
      width: bar, height: Math.max(h, m.matching ? 1 : 0) }), svg('title', { text: label }));
    if (onPick) link.addEventListener('click', (ev) => onPick(m.month, ev));
    chart.append(link);
    const [, mm] = m.month.split('-');
    if (mm === '01' || months.length <= 12) {
      chart.append(svg('text', { class: 'ar-trend__tick', x: x + bar / 2, y: H - 6,
        'text-anchor': 'middle', 'aria-hidden': 'true',
        text: months.length <= 12 ? m.month : m.month.slice(0, 4) }));
    }
  });
  const table = el('table', { class: 'ar-trend__table', 'data-role': 'trend-table' },
    el('caption', { text: `«${series.query}» شهرًا بشهر` }),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'الشهر' }),
      el('th', { scope: 'col', text: 'مقالات مطابقة' }), el('th', { scope: 'col', text: 'مقالات الشهر' }),
      el('th', { scope: 'col', text: 'النسبة' }))));
  const body = el('tbody');
  for (const m of months) {
    const a = el('a', { href: hrefOf ? hrefOf(m.month) : null, text: monthLabel(m.month),
      'data-month': m.month });
    if (onPick) a.addEventListener('click', (ev) => onPick(m.month, ev));
    body.append(el('tr', { 'data-selected': selected(m.month) ? 'true' : null },
      el('th', { scope: 'row' }, a), el('td', { text: String(m.matching) }),
      el('td', { text: String(m.articles) }), el('td', { text: percent(m.share) })));
  }
  const u = series.unplaced;
  if (u.articles) {
    body.append(el('tr', {}, el('th', { scope: 'row', text: 'دون شهر معروف' }),
      el('td', { text: String(u.matching) }), el('td', { text: String(u.articles) }), el('td', { text: '—' })));
  }
  table.append(body);
  // the numbers as a table, for screen readers and for reading exact values (folded)
  const tableId = `ar-trend-table-${++tables}`;
  table.id = tableId;
  table.hidden = true;
  const toggle = el('button', { type: 'button', class: 'ar-trend__toggle', 'aria-expanded': 'false',
    'aria-controls': tableId, 'data-role': 'trend-toggle', text: 'الأرقام في جدول' });
  toggle.addEventListener('click', () => {
    table.hidden = !table.hidden;
    toggle.setAttribute('aria-expanded', table.hidden ? 'false' : 'true');
  });
  wrap.append(caption, chart, toggle, table);
  return wrap;
}
