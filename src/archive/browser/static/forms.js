// The «forms that matched» facet: which word forms of the articles matched each query word
// (every form of a root, in root mode), with article counts, and leaving forms out. Browser
// only: its command-line view is `archive kwic` (every occurrence of a root's forms).
//
// Data: search/data/forms/<k>.json (archive/browser/index.py _forms_entry): for each light
// stem and root, the normalized forms carrying it (one spelling as written) and, for each
// article of the term's posting at that level (body and title fields, ascending: the index
// shard the term came from), which form it holds; or, for a term without such a posting,
// each form's articles (numbers delta-encoded).
// A hit's levels entries [clause, level, term] say at which level each word matched an
// article; at the exact level the form is the word itself.

import { TITLE_PREFIX, numbersOf, termHash } from './engine.js';
import { loadFormShard } from './loader.js';
import { EXACT, STEM } from './query.js';

const LEVEL_TABLE = { [STEM]: 'stem', 1: 'root' };

/** Article numbers stored as the first and then the gaps. */
function undelta(gaps) {
  const out = new Set();
  let at = 0;
  for (const g of gaps) out.add((at += g));
  return out;
}

/** A forms entry's codes text (Python digits.codes_text) as its codes: per article the number
 * of its form (-1: none) or a list of numbers; a code c is the number c + 1, a list is "," and
 * then its length and its numbers. */
export function codesOf(text) {
  const parts = text.split(',');
  const out = numbersOf(parts[0]).map((v) => v - 1);
  for (let p = 1; p < parts.length; p += 1) {
    const numbers = numbersOf(parts[p]);
    const size = numbers[0];
    out.push(numbers.slice(1, 1 + size));
    for (let j = 1 + size; j < numbers.length; j += 1) out.push(numbers[j] - 1);
  }
  return out;
}

/**
 * The forms of ``term`` at ``level`` (STEM or 1, root) from its forms shard ``shard``:
 * [[normalized, spelling, Set(docnums)]] in the order of the normalized forms, or null when
 * the shard has none. An entry that numbers the articles of the term's posting reads them
 * from ``view``: the term's index shard is loaded first.
 */
export async function termForms(view, shard, level, term) {
  const entry = ((shard && shard[LEVEL_TABLE[level]]) || {})[term];
  if (!entry) return null;
  if (!Array.isArray(entry)) {
    return Object.keys(entry).sort().map((norm) => [norm, entry[norm][0], undelta(entry[norm][1])]);
  }
  const [names, text] = entry;
  const codes = typeof text === 'string' ? codesOf(text) : text;
  const out = names.map((name) => (typeof name === 'string' ? [name, name, new Set()] : [name[0], name[1], new Set()]));
  await view.ensure([term]);
  const field = LEVEL_TABLE[level];
  const docs = [...new Set([...view.freqs(field, term).keys(), ...view.freqs(TITLE_PREFIX + field, term).keys()])]
    .sort((a, b) => a - b);
  docs.forEach((doc, i) => {
    const code = codes === 0 ? 0 : codes[i];
    if (Array.isArray(code)) for (const c of code) out[c][2].add(doc);
    else if (code >= 0) out[code][2].add(doc);
  });
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/**
 * Attach to each row ``row.clauseForms`` ([Map normalized → spelling] per matched word) and
 * return the distinct forms over all rows: [{form, key, count}], most articles first.
 * ``loadShard(k)`` returns the k-th forms shard (default: fetched beside the index).
 */
export async function formCounts(engine, rows, params = {}, loadShard = loadFormShard) {
  const { view } = engine;
  const shards = view.meta.shards;
  const wanted = new Set();
  for (const r of rows) {
    for (const [, level, term] of r.hit.levels) if (term && level < EXACT) wanted.add(termHash(term) % shards);
  }
  const loaded = new Map();
  await Promise.all([...wanted].map(async (k) => loaded.set(k, await loadShard(k))));
  const sets = new Map(); // level \0 term → [[normalized, spelling, Set(docs)]]
  for (const r of rows) {
    for (const [, level, term] of r.hit.levels) {
      const key = `${level}\u0000${term}`;
      if (!term || level >= EXACT || sets.has(key)) continue;
      sets.set(key, null);
      sets.set(key, (await termForms(view, loaded.get(termHash(term) % shards), level, term)) || []);
    }
  }
  const formsOf = (level, term) => sets.get(`${level}\u0000${term}`);
  const counts = new Map();
  for (const r of rows) {
    r.clauseForms = [];
    const mine = new Map();
    for (const [text, level, term] of r.hit.levels) {
      if (!term) continue;
      const forms = new Map();
      if (level === EXACT) forms.set(term, text);
      else for (const [norm, spelling, docs] of formsOf(level, term)) if (docs.has(r.doc)) forms.set(norm, spelling);
      r.clauseForms.push(forms);
      for (const [norm, spelling] of forms) if (!mine.has(norm)) mine.set(norm, spelling);
    }
    for (const [norm, spelling] of mine) {
      const c = counts.get(norm);
      if (c) c.count += 1;
      else counts.set(norm, { key: norm, form: spelling, count: 1 });
    }
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * The rows left when the forms in ``excluded`` (spellings or normalized forms) no longer
 * count: an article drops out when every form through which some query word matched it is
 * left out. Order is kept.
 */
export function excludeForms(forms, rows, excluded) {
  const out = new Set();
  for (const f of forms) if (excluded.includes(f.form) || excluded.includes(f.key)) out.add(f.key);
  if (!out.size) return rows;
  return rows.filter((r) => !(r.clauseForms || []).some(
    (m) => m.size > 0 && [...m.keys()].every((k) => out.has(k))));
}
