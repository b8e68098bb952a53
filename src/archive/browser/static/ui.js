// Small pieces shared by the search page (page.js) and the header's as-you-type panel
// (header.js): DOM building with textContent only, dates written as the site writes them
// (a port of archive/site/text.py format_date), and the Arabic labels of match levels.
//
//   site/text.py     ui.js
//   MONTHS           MONTHS
//   format_date      formatDate
//   UNKNOWN_DATE     UNKNOWN_DATE

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
