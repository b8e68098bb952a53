// Small pieces shared by the search page (page.js), the concordance page (kwic-page.js) and the
// header's as-you-type panel (header.js): DOM building with textContent only, dates written as
// the site writes them (a port of archive/site/text.py format_date), the Arabic labels of match
// levels, and the query state both pages keep in their address (q, mode, filters, dates).
//
//   site/text.py     ui.js
//   MONTHS           MONTHS
//   format_date      formatDate
//   UNKNOWN_DATE     UNKNOWN_DATE

import { MODES, QueryError } from './query.js';

export const MONTHS = [
  'كانون الثاني (يناير)', 'شباط (فبراير)', 'آذار (مارس)', 'نيسان (أبريل)', 'أيار (مايو)',
  'حزيران (يونيو)', 'تموز (يوليو)', 'آب (أغسطس)', 'أيلول (سبتمبر)', 'تشرين الأول (أكتوبر)',
  'تشرين الثاني (نوفمبر)', 'كانون الأول (ديسمبر)',
];
export const UNKNOWN_DATE = 'غير معروف';

const monthName = (m) => (m >= 1 && m <= 12 ? MONTHS[m - 1] : String(m));
const ints = (parts) => (parts.every((p) => /^\d+$/.test(p)) ? parts.map(Number) : null);

/** ``2018-07-04`` → ``4 تموز (يوليو) 2018`` (as the site's pages write dates). */
export function formatDate(value) {
  if (!value) return UNKNOWN_DATE;
  if (value.startsWith('--')) {
    const n = ints(value.slice(2).split('-'));
    if (!n) return value;
    if (n.length === 2) return `${n[1]} ${monthName(n[0])} (السنة غير مذكورة)`;
    return `${monthName(n[0])} (السنة غير مذكورة)`;
  }
  const n = ints(value.split('-'));
  if (!n) return value;
  if (n.length === 3) return `${n[2]} ${monthName(n[1])} ${n[0]}`;
  if (n.length === 2) return `${monthName(n[1])} ${n[0]}`;
  return String(n[0]);
}

/** How a clause matched, for a reader: the word itself, another form of it, or its root. */
export const LEVEL_LABEL = { 3: 'الكلمة نفسها', 2: 'صيغة أخرى منها', 1: 'كلمة من جذرها' };
export const PROXIMITY_LABEL = { 2: 'الكلمات متجاورة بترتيبها', 1: 'الكلمات متقاربة' };

/** An element; attrs.text becomes textContent, never HTML. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c) node.append(c);
  return node;
}

/** ``text`` with the character spans wrapped in <mark> (spans sorted, not overlapping). */
export function marked(text, spans, tag = 'span', attrs = {}) {
  const node = el(tag, attrs);
  let at = 0;
  for (const [s, e] of spans) {
    if (s < at) continue;
    node.append(document.createTextNode(text.slice(at, s)), el('mark', { text: text.slice(s, e) }));
    at = e;
  }
  node.append(document.createTextNode(text.slice(at)));
  return node;
}

/** Arabic-Indic digits are not used on the site: numbers stay as the pages write them. */
export const count = (n, one, many) => `${n} ${n === 1 ? one : many}`;

/** The query state the search and concordance pages share, read from the address ``u``: the
 *  query, its mode (root by default), the date bounds and each of ``multi`` (repeatable
 *  filters) as a list without blanks or repeats. */
export function readQuery(u, multi) {
  const get = (k) => (u.searchParams.get(k) || '').trim();
  const mode = get('mode');
  const params = { q: get('q'), mode: MODES.includes(mode) ? mode : 'root',
    from: get('from'), to: get('to') };
  for (const k of multi) {
    params[k] = [...new Set(u.searchParams.getAll(k).map((v) => v.trim()).filter((v) => v))];
  }
  return params;
}

/** Write the shared query state of ``params`` into the address ``u`` (the inverse of
 *  readQuery; the root mode, the default, is left out). */
export function writeQuery(u, params, multi) {
  if (params.q) u.searchParams.set('q', params.q);
  if (params.mode && params.mode !== 'root') u.searchParams.set('mode', params.mode);
  for (const k of multi) for (const v of params[k] || []) u.searchParams.append(k, v);
  for (const k of ['from', 'to']) if (params[k]) u.searchParams.set(k, params[k]);
  return u;
}

/** Check the mode button of ``mode`` among those under ``root``. */
export function showMode(root, mode) {
  for (const radio of root.querySelectorAll('input[name="mode"]')) {
    radio.checked = radio.value === mode;
  }
}

/** What the status line says when a query failed: a mistake in the query is named and its box
 *  (``input``, called ``box`` in the message) marked invalid; any other failure gives its
 *  message. */
export function failure(exc, input, box) {
  if (exc instanceof QueryError) {
    input.setAttribute('aria-invalid', 'true');
    return ['خطأ في الاستعلام: ', el('bdi', { text: exc.ar }), `. صحّح ما كتبته في ${box}.`];
  }
  return [`تعذّر البحث: ${exc.message}`];
}
