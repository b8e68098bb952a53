// On every page (included by the theme's partials/archive-search.html):
//
// - as-you-type search in the header: after each keystroke (debounced) a panel under the box
//   lists the best articles (same engine and ranking as the /search/ page and `archive
//   search`); ↑ ↓ move, Enter opens the chosen article (or, with none chosen, the full results
//   page: the box is a plain GET form), Esc closes the panel;
// - `/` or `s` (outside a text field) puts the cursor in the search box;
// - highlight on arrival: a page opened from a result with ?h=form1,form2 marks every
//   occurrence of those word forms in the article, scrolls to the first and offers previous /
//   next match and a way to clear the marks. Without JavaScript nothing of this runs and the
//   page is unchanged.
//
// Browser only (no Python counterpart); the search itself is loader.js/engine.js. Everything
// taken from the data is inserted with textContent.

import { charSpans, loadDoc, loadEngine, resolveSpans, runQuery, titleSpans } from './loader.js';
import { matchedForms } from './page.js';
import { mergeSpans } from './engine.js';
import { QueryError } from './query.js';
import { el, formatDate, marked } from './ui.js';

const DEBOUNCE_MS = 90;
const SHOWN = 7;

// ------------------------------------------------------------------------------------------
// as-you-type

class Suggest {
  constructor(form) {
    this.form = form;
    this.input = form.querySelector('input[name="q"]');
    // the panel holds a note (errors) and the listbox of options (links with role option)
    this.panel = el('div', { class: 'ar-suggest', id: 'ar-suggest', hidden: true, 'data-state': 'idle' });
    this.list = el('div', { id: 'ar-suggest-list', role: 'listbox', 'aria-label': 'نتائج البحث الفورية' });
    this.panel.append(this.list);
    form.append(this.panel);
    const input = this.input;
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-controls', 'ar-suggest-list');
    input.setAttribute('aria-expanded', 'false');
    this.token = 0;
    this.timer = 0;
    this.active = -1;
    input.addEventListener('focus', () => loadEngine().catch(() => {}), { once: true });
    input.addEventListener('input', () => {
      window.clearTimeout(this.timer);
      this.timer = window.setTimeout(() => this.update(), DEBOUNCE_MS);
    });
    input.addEventListener('keydown', (ev) => this.key(ev));
    form.addEventListener('focusout', (ev) => {
      if (!form.contains(ev.relatedTarget)) window.setTimeout(() => this.close(), 150);
    });
    document.addEventListener('click', (ev) => {
      if (!form.contains(ev.target)) this.close();
    });
  }

  options() {
    return [...this.list.querySelectorAll('[role="option"]')];
  }

  open() {
    this.panel.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
  }

  close() {
    this.panel.hidden = true;
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
    this.active = -1;
  }

  choose(i) {
    const opts = this.options();
    if (!opts.length) return;
    this.active = (i + opts.length) % opts.length;
    opts.forEach((o, k) => o.setAttribute('aria-selected', k === this.active ? 'true' : 'false'));
    this.input.setAttribute('aria-activedescendant', opts[this.active].id);
    opts[this.active].scrollIntoView({ block: 'nearest' });
  }

  key(ev) {
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      if (this.panel.hidden) {
        if (!this.options().length) return;
        this.open();
      }
      ev.preventDefault();
      this.choose(this.active + (ev.key === 'ArrowDown' ? 1 : -1));
    } else if (ev.key === 'Enter') {
      const opt = this.options()[this.active];
      if (!this.panel.hidden && opt) {
        ev.preventDefault();
        opt.click();
      }
    } else if (ev.key === 'Escape') {
      if (!this.panel.hidden) {
        ev.preventDefault();
        this.close();
      } else if (this.input.value) {
        this.input.value = '';
      } else {
        this.input.blur();
      }
    }
  }

  async update() {
    const q = this.input.value.trim();
    const token = ++this.token;
    if (!q) {
      this.list.replaceChildren();
      this.panel.replaceChildren(this.list);
      this.close();
      return;
    }
    const t0 = performance.now();
    this.panel.setAttribute('data-state', 'loading');
    let out;
    try {
      out = await runQuery({ q, limit: SHOWN });
    } catch (exc) {
      if (token !== this.token) return;
      const msg = exc instanceof QueryError ? `خطأ في الاستعلام: ${exc.ar}` : `تعذّر البحث: ${exc.message}`;
      this.list.replaceChildren();
      this.panel.replaceChildren(el('p', { class: 'ar-suggest__note', 'data-error': 'true' },
        el('bdi', { text: msg })), this.list);
      this.finish(t0);
      return;
    }
    if (token !== this.token) return;
    const { analyzer, view } = out.engine;
    const rows = out.rows;
    try {
      await Promise.all([view.loadStored(rows.slice(0, SHOWN).map((r) => r.doc)), // titles and links
        resolveSpans(out.engine, rows.slice(0, SHOWN))]); // what matched in them
    } catch (exc) {
      if (token !== this.token) return;
      this.list.replaceChildren();
      this.panel.replaceChildren(el('p', { class: 'ar-suggest__note', 'data-error': 'true' },
        el('bdi', { text: `تعذّر البحث: ${exc.message}` })), this.list);
      this.finish(t0);
      return;
    }
    if (token !== this.token) return;
    const items = [];
    rows.slice(0, SHOWN).forEach((r, i) => {
      const st = view.stored(r.doc);
      const title = st.title || st.id;
      const tspans = mergeSpans(titleSpans(analyzer, st.title, r.hit));
      const url = new URL(st.url || `articles/${st.id}/`, new URL('../../', import.meta.url));
      const a = el('a', { href: url.href, tabindex: '-1', 'data-path': st.path, role: 'option',
        id: `ar-suggest-${i}`, 'aria-selected': 'false' });
      // the matched forms (?h=) need the article's text: fetched when the reader opens it
      a.addEventListener('click', (ev) => {
        if (ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button !== 0) return;
        ev.preventDefault();
        this.open_(analyzer, st, r, url);
      });
      a.append(marked(title, tspans, 'bdi', { class: 'ar-suggest__title' }),
        el('span', { class: 'ar-suggest__meta', text: [st.date ? formatDate(st.date) : null, st.source]
          .filter((x) => x).join(' · ') }));
      items.push(a);
    });
    const all = new URL(this.form.action);
    all.search = '';
    all.searchParams.set('q', q);
    const summary = rows.length
      ? `كل النتائج (${rows.length}) ←`
      : 'لا نتائج. اضغط Enter لصفحة البحث.';
    items.push(el('a', { href: all.href, tabindex: '-1', class: 'ar-suggest__all', text: summary,
      role: 'option', id: `ar-suggest-${items.length}`, 'aria-selected': 'false' }));
    this.list.replaceChildren(...items);
    this.panel.replaceChildren(this.list);
    this.panel.setAttribute('data-total', String(rows.length));
    this.active = -1;
    this.input.removeAttribute('aria-activedescendant');
    this.finish(t0);
  }

  /** Go to a result, with the forms that matched in its title and text as ?h=. */
  async open_(analyzer, st, row, url) {
    try {
      const doc = await loadDoc(row.doc);
      const forms = matchedForms(st.title || '', mergeSpans(titleSpans(analyzer, st.title, row.hit)),
        doc.text, mergeSpans(charSpans(analyzer, doc, row.hit)));
      if (forms.length) url.searchParams.set('h', forms.join(','));
    } catch {
      // the article opens without highlight
    }
    window.location.href = url.href;
  }

  finish(t0) {
    // data-ms: this search's own time; data-t: since navigation start (benchmarks read both)
    this.panel.setAttribute('data-ms', String(Math.round(performance.now() - t0)));
    this.panel.setAttribute('data-t', String(Math.round(performance.now())));
    this.panel.setAttribute('data-state', 'done');
    if (document.activeElement === this.input) this.open();
  }
}

// ------------------------------------------------------------------------------------------
// `/` and `s`

function isTyping(target) {
  if (!target || !(target instanceof Element)) return false;
  return Boolean(target.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]'));
}

function shortcuts() {
  document.addEventListener('keydown', (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || isTyping(ev.target)) return;
    if (ev.key !== '/' && ev.key !== 's' && ev.key !== 'س') return;
    const box = document.querySelector('#archive-search-q') || document.querySelector('#ar-header-q');
    if (!box) return;
    ev.preventDefault();
    box.focus();
    box.select();
  });
}

// ------------------------------------------------------------------------------------------
// highlight on arrival

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every occurrence of ``forms`` (whole words) in ``roots`` wrapped in <mark>; the marks. */
export function markForms(roots, forms) {
  const wanted = [...new Set(forms.map((f) => f.trim()).filter((f) => f))]
    .sort((a, b) => b.length - a.length);
  if (!wanted.length) return [];
  const re = new RegExp(`(?<![\\p{L}\\p{M}\\p{N}])(?:${wanted.map(escape).join('|')})(?![\\p{L}\\p{M}\\p{N}])`, 'gu');
  const marks = [];
  for (const root of roots) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: (n) => (n.parentElement.closest('script, style, mark, .ar-hl-bar')
        ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
    });
    const nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    for (const node of nodes) {
      const text = node.nodeValue;
      re.lastIndex = 0;
      let m;
      let at = 0;
      const parts = [];
      while ((m = re.exec(text))) {
        parts.push(document.createTextNode(text.slice(at, m.index)));
        const mark = el('mark', { class: 'ar-hl', text: m[0] });
        parts.push(mark);
        marks.push(mark);
        at = m.index + m[0].length;
      }
      if (!parts.length) continue;
      parts.push(document.createTextNode(text.slice(at)));
      node.replaceWith(...parts);
    }
  }
  return marks;
}

function highlight() {
  const url = new URL(window.location.href);
  const h = url.searchParams.get('h');
  if (!h) return;
  const content = document.querySelector('.md-content');
  if (!content) return;
  const body = content.querySelector('.ar-body');
  const roots = body ? [content.querySelector('h1'), body].filter((x) => x) : [content];
  const marks = markForms(roots, h.split(','));
  const bar = el('div', { class: 'ar-hl-bar', role: 'region', 'aria-label': 'تمييز كلمات البحث',
    'data-matches': String(marks.length) });
  const where = el('span', { class: 'ar-hl-bar__where', 'aria-live': 'polite' });
  let current = -1;
  const go = (i) => {
    if (!marks.length) return;
    if (current >= 0) marks[current].classList.remove('ar-hl--current');
    current = (i + marks.length) % marks.length;
    marks[current].classList.add('ar-hl--current');
    marks[current].scrollIntoView({ block: 'center' });
    where.textContent = `التطابق ${current + 1} من ${marks.length}`;
  };
  const prev = el('button', { type: 'button', class: 'md-button', 'data-hl': 'prev', text: 'السابق' });
  const next = el('button', { type: 'button', class: 'md-button', 'data-hl': 'next', text: 'التالي' });
  const clear = el('button', { type: 'button', class: 'md-button', 'data-hl': 'clear', text: 'أزل التمييز' });
  prev.addEventListener('click', () => go(current - 1));
  next.addEventListener('click', () => go(current + 1));
  clear.addEventListener('click', () => {
    for (const m of marks) m.replaceWith(document.createTextNode(m.textContent));
    for (const root of roots) root.normalize();
    bar.remove();
    url.searchParams.delete('h');
    window.history.replaceState(window.history.state, '', url);
  });
  if (marks.length) {
    where.textContent = `${marks.length} تطابق`;
    bar.append(el('span', { class: 'ar-hl-bar__forms' }, 'كلمات البحث: ',
      el('bdi', { text: [...new Set(marks.map((m) => m.textContent))].join('، ') })), where, prev, next, clear);
  } else {
    bar.append(el('span', { text: 'لم تُعثر في هذه الصفحة على كلمات البحث.' }), clear);
  }
  ((body && body.closest('article')) || content).prepend(bar);
  if (marks.length) go(0);
}

// ------------------------------------------------------------------------------------------

if (typeof document !== 'undefined') {
  const form = document.querySelector('form.ar-header-search');
  if (form && form.querySelector('input[name="q"]')) new Suggest(form);
  shortcuts();
  highlight();
  // issue 16: the /roots/ page's client-side view of any root (?r=), see roots.js
  if (document.getElementById('root-view')) import('./roots.js');
}
