// The client-side view of any root, at /roots/?r=<root> (issue 16): the forms of the root that
// the archive's articles use, with the number of articles holding each, each linking to its
// concordance (/kwic/). The static /roots/<root>/ pages (archive.site, built for the frequent
// roots) group forms by pattern; this view answers for every root, from the data the search
// already has: the forms shards (search/data/forms/<k>.json, archive/browser/index.py
// form_tables; Python twin of the lookup: archive/search/engine.py postings of the root field).
//
// header.js loads this module on any page holding <div id="root-view"> (the /roots/ page);
// without ?r= the hook is left as the page wrote it.

import { loadEngine, loadFormShard, ROOT_URL } from './loader.js';
import { termHash } from './engine.js';
import { termForms } from './forms.js';
import { el } from './ui.js';

/** Candidate index keys for what the reader typed (a root, or a word: the /roots/ page's box
 * takes either): as typed (spaces, dashes, tatweel and marks removed), normalized, and the
 * root the analyzer gives the word. */
export function rootKeys(analyzer, typed) {
  const bare = [...(typed || '').normalize('NFC')].filter((ch) => !/[\p{Mn}\s\-ـ]/u.test(ch)).join('');
  const keys = [bare, analyzer.normalize(bare)];
  if (bare) keys.push(analyzer.analyzeWord(bare)[2]);
  return [...new Set(keys.filter((k) => k))];
}

/** The forms of ``root``: [{key, form, articles, docs}] (most articles first) or null. */
export async function rootForms(view, root, loadShard = loadFormShard) {
  const shard = await loadShard(termHash(root) % view.meta.shards);
  const forms = await termForms(view, shard, 1, root);
  if (!forms) return null;
  return forms.map(([key, form, docs]) => ({ key, form, articles: docs.size,
    docs: [...docs] })).sort((a, b) => b.articles - a.articles || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

const kwicURL = (q, mode) => {
  const u = new URL('kwic/', ROOT_URL);
  u.searchParams.set('q', q);
  if (mode) u.searchParams.set('mode', mode);
  return u.href;
};

export async function showRoot(hook, typed) {
  hook.setAttribute('data-state', 'loading');
  hook.setAttribute('aria-busy', 'true');
  const status = el('p', { class: 'ar-root__status', role: 'status', text: 'جارٍ البحث عن صيغ الجذر…' });
  hook.replaceChildren(status);
  let forms = null;
  let root = typed;
  try {
    const { analyzer, view } = await loadEngine();
    for (const key of rootKeys(analyzer, typed)) {
      forms = await rootForms(view, key);
      if (forms) { root = key; break; }
    }
  } catch (exc) {
    status.textContent = `تعذّر تحميل بيانات البحث: ${exc.message}`;
    hook.setAttribute('data-state', 'done');
    hook.setAttribute('aria-busy', 'false');
    return;
  }
  const heading = el('h2', { class: 'ar-root__title' }, 'الجذر ', el('bdi', { text: `«${root}»` }));
  if (forms && root !== typed) heading.append(' ', el('span', { class: 'ar-root__typed' }, '(لما كُتب: ',
    el('bdi', { text: typed }), ')'));
  if (!forms) {
    status.replaceChildren('لا كلمات من الجذر «', el('bdi', { text: typed }),
      '» في مقالات الأرشيف. اكتب الجذر بحروفه الأصلية (مثل قصف أو فوض).');
    hook.replaceChildren(heading, status);
  } else {
    const docs = new Set(forms.flatMap((f) => f.docs));
    status.replaceChildren(`${forms.length} ${forms.length === 1 ? 'صيغة' : 'صيغ'} في ${docs.size} `
      + `${docs.size === 1 ? 'مقالة' : 'مقالات'}. `, el('a', { href: kwicURL(`جذر:${root}`), 'data-role': 'root-kwic',
      text: 'كل مواضع الجذر في سياقها' }));
    const table = el('table', { class: 'ar-root__forms', 'data-role': 'root-forms' },
      el('caption', { text: `صيغ الجذر «${root}» في الأرشيف` }),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'الصيغة' }),
        el('th', { scope: 'col', text: 'عدد المقالات' }))));
    const body = el('tbody');
    for (const f of forms) {
      body.append(el('tr', { 'data-form': f.key },
        el('td', {}, el('a', { href: kwicURL(f.form, 'exact'), 'aria-label': `سياقات «${f.form}»` },
          el('bdi', { text: f.form }))),
        el('td', { text: String(f.articles) })));
    }
    table.append(body);
    hook.replaceChildren(heading, status, table);
    // the root's static page (forms by pattern, related roots), when the build made one
    const page = new URL(`roots/${encodeURIComponent(root)}/`, ROOT_URL);
    try {
      const head = await fetch(page, { method: 'HEAD' });
      if (head.ok) {
        status.append(' ', el('a', { href: page.href, 'data-role': 'root-page',
          text: 'صفحة الجذر: صيغه بحسب أوزانها والجذور التي ترد معه' }));
      }
    } catch { /* no page: nothing to link */ }
  }
  hook.setAttribute('data-state', 'done');
  hook.setAttribute('aria-busy', 'false');
}

if (typeof document !== 'undefined') {
  const hook = document.getElementById('root-view');
  const r = new URL(window.location.href).searchParams.get('r');
  if (hook && r && r.trim()) {
    if (!document.querySelector('link[data-workbench-css]')) {
      document.head.append(el('link', { rel: 'stylesheet', href: new URL('workbench.css', import.meta.url).href,
        'data-workbench-css': '' }));
    }
    const box = document.querySelector('input[name="r"]');
    if (box && !box.value) box.value = r.trim();
    hook.classList.add('ar-root');
    hook.setAttribute('dir', 'rtl');
    hook.setAttribute('lang', 'ar');
    showRoot(hook, r.trim());
  }
}
