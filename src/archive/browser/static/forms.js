// The «forms that matched» facet: which word forms of the articles matched each query word
// (every form of a root, in root mode), with article counts, and leaving forms out. Browser
// only: its command-line view is `archive kwic` (every occurrence of a root's forms).
//
// Data: search/data/forms/<k>.json (archive/browser/index.py form_tables): for each light
// stem and root, the normalized forms carrying it, one spelling as written, and the articles
// (numbers delta-encoded).
// A hit's levels entries [clause, level, term] say at which level each word matched an
// article; at the exact level the form is the word itself.

import { termHash } from './engine.js';
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
  const formsOf = (level, term) => {
    const key = `${level}\u0000${term}`;
    if (!sets.has(key)) {
      const shard = loaded.get(termHash(term) % shards) || {};
      const table = (shard[LEVEL_TABLE[level]] || {})[term] || {};
      sets.set(key, Object.keys(table).sort().map((norm) => [norm, table[norm][0], undelta(table[norm][1])]));
    }
    return sets.get(key);
  };
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
