// The archive's browser search: the query language and ranking of `archive search`, run over
// the lunr index that the build writes (search/data/lunr/<k>.json: the index split by term into
// shards, each a lunr index of its own; only the shards holding a query's terms are fetched),
// and the /search/ page.
//
// The first two sections mirror Python function by function:
//
//   archive/search/query.py   QueryError, lex, Parser, parse, describe
//   archive/search/engine.py  IndexView (postings from the lunr inverted index), fraction,
//                             levelHits, evaluate, Filters, dateBounds, resolveEntities,
//                             search, mergeSpans, snippet
//
// lunr.js (2.3.9, copied at build time from the installed mkdocs package) loads the index; the
// index was built from already analysed terms, with positions as metadata "p". lunr's own
// BM25 scoring is not used: the ranking rule of query.py (exact > stem > root, then a bounded
// tf·idf fraction, ties by article id) is computed here from the postings, so the browser
// returns the same articles in the same order as the command line.
//
// Everything taken from the data (titles, sources, text) is inserted with textContent.

import { Analyzer } from './analyzer.js';

// ------------------------------------------------------------------------------------------
// query.py

export const EXACT = 3;
export const STEM = 2;
export const ROOT = 1;
export const MODES = ['exact', 'stem', 'root'];
export const MODE_LEVELS = { exact: [EXACT], stem: [EXACT, STEM], root: [EXACT, STEM, ROOT] };
export const LEVEL_FIELD = { [EXACT]: 'form', [STEM]: 'stem', [ROOT]: 'root' };

const ROOT_FIELDS = ['root', 'جذر'];
const OR_WORDS = ['OR', 'أو'];
const AND_WORDS = ['AND'];
const NOT_WORDS = ['NOT'];
const QUOTES = { '"': '"', '“': '”', '«': '»' };
const CLOSERS = new Set(Object.values(QUOTES));
// Python: re.compile(r"^([^\W\d_][\w]*)[:：](.*)$", re.S) — \w is letters, digits, underscore
const FIELD = /^([\p{L}\p{Nl}\p{No}][\p{L}\p{N}_]*)[:：]([\s\S]*)$/u;
// Python's str.isspace()
const SPACE = /^[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/;
const isSpace = (ch) => SPACE.test(ch);

export class QueryError extends Error {
  constructor(en, ar) {
    super(`خطأ في الاستعلام: ${ar} — query error: ${en}`);
    this.en = en;
    this.ar = ar;
  }
}

const repr = (s) => `'${s}'`;

function word(t) {
  return { text: t.form, normalized: t.normalized, stem: t.stem, root: t.root };
}

function wordAt(w, level) {
  return level === EXACT ? w.normalized : level === STEM ? w.stem : w.root;
}

export function describe(node) {
  switch (node.type) {
    case 'term':
      return `${node.word.normalized}/${node.word.stem}/${node.word.root}`;
    case 'phrase':
      return '"' + node.words.map((w) => w.normalized).join(' ') + '"';
    case 'root':
      return `root:${node.root}`;
    case 'entity':
      return `@${node.key}`;
    case 'not':
      return `NOT ${describe(node.item)}`;
    default:
      return '(' + node.items.map(describe).join(node.type === 'and' ? ' AND ' : ' OR ') + ')';
  }
}

export function lex(query) {
  const out = [];
  let i = 0;
  const n = query.length;
  while (i < n) {
    const ch = query[i];
    if (isSpace(ch)) {
      i += 1;
    } else if (ch === '(' || ch === ')') {
      out.push({ kind: ch === '(' ? 'LP' : 'RP', text: ch, start: i, end: i + 1 });
      i += 1;
    } else if (ch in QUOTES) {
      const close = query.indexOf(QUOTES[ch], i + 1);
      if (close < 0) {
        throw new QueryError(`unbalanced quote ${ch} at character ${i + 1}`,
          `علامة تنصيص ${ch} بلا إغلاق عند الحرف ${i + 1}`);
      }
      out.push({ kind: 'PHRASE', text: query.slice(i + 1, close), start: i, end: close + 1 });
      i = close + 1;
    } else if (CLOSERS.has(ch)) {
      throw new QueryError(`closing quote ${ch} without an opening one at character ${i + 1}`,
        `علامة تنصيص ${ch} بلا فتح عند الحرف ${i + 1}`);
    } else if (ch === '-' && i + 1 < n && !isSpace(query[i + 1]) && query[i + 1] !== '-') {
      out.push({ kind: 'NOT', text: ch, start: i, end: i + 1 });
      i += 1;
    } else {
      let j = i;
      while (j < n && !isSpace(query[j]) && query[j] !== '(' && query[j] !== ')'
        && !(query[j] in QUOTES) && !CLOSERS.has(query[j])) {
        j += 1;
      }
      const chunk = query.slice(i, j);
      let m;
      if (OR_WORDS.includes(chunk)) out.push({ kind: 'OR', text: chunk, start: i, end: j });
      else if (AND_WORDS.includes(chunk)) out.push({ kind: 'AND', text: chunk, start: i, end: j });
      else if (NOT_WORDS.includes(chunk)) out.push({ kind: 'NOT', text: chunk, start: i, end: j });
      else if ((m = FIELD.exec(chunk))) {
        out.push({ kind: 'FIELD', text: m[2], start: i, end: j, name: m[1] });
      } else out.push({ kind: 'WORD', text: chunk, start: i, end: j });
      i = j;
    }
  }
  return out;
}

class Parser {
  constructor(query, analyzer) {
    this.query = query;
    this.analyzer = analyzer;
    this.lex = lex(query);
    this.i = 0;
  }

  peek() {
    return this.i < this.lex.length ? this.lex[this.i].kind : 'END';
  }

  take() {
    return this.lex[this.i++];
  }

  parse() {
    const node = this.parseOr();
    if (this.peek() === 'RP') {
      const lx = this.lex[this.i];
      throw new QueryError(`unbalanced parenthesis ) at character ${lx.start + 1}`,
        `قوس ) بلا فتح عند الحرف ${lx.start + 1}`);
    }
    return node;
  }

  parseOr() {
    const items = [this.parseAnd()];
    while (this.peek() === 'OR') {
      this.take();
      items.push(this.parseAnd());
    }
    return items.length === 1 ? items[0] : { type: 'or', items };
  }

  parseAnd() {
    const items = [];
    while (!['OR', 'RP', 'END'].includes(this.peek())) {
      if (this.peek() === 'AND') {
        this.take();
        continue;
      }
      items.push(...this.parseUnary());
    }
    if (items.length === 0) {
      const where = this.i < this.lex.length ? this.lex[this.i].text : 'the end';
      throw new QueryError(`nothing to search before ${repr(where)}`,
        `لا شيء للبحث عنه قبل ${repr(where)}`);
    }
    return items.length === 1 ? items[0] : { type: 'and', items };
  }

  parseUnary() {
    if (this.peek() === 'NOT') {
      const lx = this.take();
      if (['OR', 'AND', 'RP', 'END'].includes(this.peek())) {
        throw new QueryError(`${lx.text} must be followed by what to exclude`,
          `يجب أن يلي ${lx.text} ما يُستبعد`);
      }
      const [first, ...rest] = this.parseUnary();
      return [{ type: 'not', item: first }, ...rest];
    }
    return this.parseAtom();
  }

  parseAtom() {
    const kind = this.peek();
    if (kind === 'LP') {
      const lp = this.take();
      const node = this.parseOr();
      if (this.peek() !== 'RP') {
        throw new QueryError(`unbalanced parenthesis ( at character ${lp.start + 1}`,
          `قوس ( بلا إغلاق عند الحرف ${lp.start + 1}`);
      }
      this.take();
      return [node];
    }
    if (kind === 'PHRASE') return this.phrase(this.take());
    if (kind === 'FIELD') return [this.field(this.take())];
    const start = this.lex[this.i].start;
    let end = start;
    while (this.peek() === 'WORD') end = this.take().end;
    return this.words(this.query.slice(start, end));
  }

  field(lx) {
    const name = lx.name;
    if (!ROOT_FIELDS.includes(name.toLowerCase())) {
      throw new QueryError(`unknown field ${repr(name)} (known: root:, جذر:)`,
        `حقل غير معروف ${repr(name)} (المعروف: جذر:، root:)`);
    }
    const root = this.analyzer.normalize(lx.text);
    if (!root || this.analyzer.analyze(lx.text).length !== 1) {
      throw new QueryError(`${name}: needs one root, e.g. ${name}:فوض`,
        `يحتاج ${name}: إلى جذر واحد، مثل ${name}:فوض`);
    }
    return { type: 'root', root, text: lx.text };
  }

  phrase(lx) {
    const tokens = this.analyzer.analyze(lx.text);
    if (tokens.length === 0) {
      throw new QueryError(`empty phrase at character ${lx.start + 1}`,
        `عبارة فارغة عند الحرف ${lx.start + 1}`);
    }
    const words = tokens.map(word);
    if (words.length === 1) return [{ type: 'term', word: words[0] }];
    return [{ type: 'phrase', words, text: lx.text }];
  }

  words(text) {
    const [tokens, matches] = this.analyzer.analyzeWithMatches(text);
    const firstOf = new Map(matches.map((m) => [m.first, m]));
    const out = [];
    let i = 0;
    while (i < tokens.length) {
      const m = firstOf.get(i);
      if (m !== undefined) {
        out.push({ type: 'entity', key: m.entity,
          text: text.slice(tokens[m.first].start, tokens[m.last].end) });
        i = m.last + 1;
        continue;
      }
      out.push({ type: 'term', word: word(tokens[i]) });
      i += 1;
    }
    return out;
  }
}

export function parse(query, analyzer) {
  if (!query.trim() || Array.from(query).every(isSpace)) {
    throw new QueryError('empty query', 'استعلام فارغ');
  }
  const parser = new Parser(query, analyzer);
  if (parser.lex.length === 0) throw new QueryError('empty query', 'استعلام فارغ');
  try {
    return parser.parse();
  } catch (exc) {
    if (exc instanceof QueryError && exc.en.includes('nothing to search')
      && !parser.lex.some((lx) => ['WORD', 'PHRASE', 'FIELD'].includes(lx.kind))) {
      throw new QueryError('the query has no words to search', 'لا كلمات للبحث عنها');
    }
    throw exc;
  }
}

// ------------------------------------------------------------------------------------------
// engine.py

/** FNV-1a (32 bit) over UTF-16 code units: the shard of a term (Python: index.term_hash). */
export function termHash(term) {
  let h = 0x811c9dc5;
  for (let i = 0; i < term.length; i++) {
    h ^= term.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * The lunr index shards and per-article metadata, opened for reading (Python IndexView).
 * loadShard(k) returns a promise of the k-th serialised lunr index; lunr is the lunr.js module.
 */
export class IndexView {
  constructor(meta, lunr, loadShard) {
    this.meta = meta;
    this.lunr = lunr;
    this.loadShard = loadShard;
    this.shards = new Map(); // k → lunr.Index
    this.pending = new Map();
    const cols = meta.columns;
    const keys = meta.entity_keys;
    this.docs = meta.docs.map((row) => {
      const doc = Object.fromEntries(cols.map((c, i) => [c, row[i]]));
      doc.places = (doc.places || []).map((n) => keys[n]); // numbers → entity keys
      doc.actors = (doc.actors || []).map((n) => keys[n]);
      return doc;
    });
    this.docnums = this.docs.map((_, n) => n);
    this.n = this.docs.length;
    this._postings = new Map();
  }

  stored(docnum) {
    return this.docs[docnum];
  }

  shardOf(term) {
    return termHash(term) % this.meta.shards;
  }

  /** Fetch (once) the shards that hold ``terms``. */
  async ensure(terms) {
    const wanted = new Set(terms.filter((t) => t).map((t) => this.shardOf(t)));
    await Promise.all([...wanted].map((k) => {
      if (this.shards.has(k)) return null;
      if (!this.pending.has(k)) {
        this.pending.set(k, this.loadShard(k).then((json) => {
          this.shards.set(k, this.lunr.Index.load(json));
        }));
      }
      return this.pending.get(k);
    }));
  }

  /** Map docnum → sorted positions of a term in a field (Python: [(pos, start, end)]). */
  postings(fieldname, term) {
    const key = `${fieldname}\u0000${term}`;
    const hit = this._postings.get(key);
    if (hit !== undefined) return hit;
    const out = new Map();
    if (term) {
      const index = this.shards.get(this.shardOf(term));
      if (index === undefined) throw new Error(`shard of ${term} not loaded (call ensure)`);
      const inverted = index.invertedIndex;
      if (Object.prototype.hasOwnProperty.call(inverted, term)) {
        const docs = inverted[term][fieldname] || {};
        for (const ref of Object.keys(docs)) {
          const positions = [];
          let at = 0;
          for (const gap of docs[ref].p || []) positions.push((at += gap)); // delta-decoded
          out.set(Number(ref), positions);
        }
      }
    }
    this._postings.set(key, out);
    return out;
  }
}

/** Every index term that evaluating ``node`` in ``mode`` looks up (to fetch their shards). */
export function queryTerms(node, mode = 'root') {
  const levels = MODE_LEVELS[mode] || MODE_LEVELS.root;
  switch (node.type) {
    case 'term':
      return levels.map((l) => wordAt(node.word, l));
    case 'phrase':
      return node.words.flatMap((w) => levels.map((l) => wordAt(w, l)));
    case 'root':
      return [node.root];
    case 'entity':
      return [node.key.toLowerCase()];
    case 'not':
      return queryTerms(node.item, mode);
    default:
      return node.items.flatMap((i) => queryTerms(i, mode));
  }
}

export function fraction(tf, df, n) {
  const idf = Math.log(1 + n / df);
  return (tf / (tf + 1)) * (idf / (idf + 1));
}

// A hit's "spans" are token spans [firstPosition, lastPosition]; the page turns them into
// character offsets once it has the article's text (Python keeps character offsets).
function levelHits(view, perLevel) {
  const hits = new Map();
  for (const [level, docs] of perLevel) {
    const df = docs.size;
    for (const [doc, spans] of docs) {
      if (hits.has(doc)) continue;
      hits.set(doc, { score: level + fraction(spans.length, df, view.n), spans: spans.slice() });
    }
  }
  return hits;
}

function termHits(view, node, levels) {
  const per = [];
  for (const level of levels) {
    const post = view.postings(LEVEL_FIELD[level], wordAt(node.word, level));
    const docs = new Map();
    for (const [d, positions] of post) docs.set(d, positions.map((p) => [p, p]));
    per.push([level, docs]);
  }
  return levelHits(view, per);
}

function phraseHits(view, node, levels) {
  const per = [];
  for (const level of levels) {
    const fieldname = LEVEL_FIELD[level];
    const posts = node.words.map((w) => view.postings(fieldname, wordAt(w, level)));
    let docs = new Set(posts[0].keys());
    for (const p of posts.slice(1)) docs = new Set([...docs].filter((d) => p.has(d)));
    const found = new Map();
    for (const doc of [...docs].sort((a, b) => a - b)) {
      const following = posts.slice(1).map((p) => new Set(p.get(doc)));
      const spans = [];
      for (const pos of posts[0].get(doc)) {
        if (following.every((f, k) => f.has(pos + k + 1))) spans.push([pos, pos + following.length]);
      }
      if (spans.length) found.set(doc, spans);
    }
    per.push([level, found]);
  }
  return levelHits(view, per);
}

function postingSpans(post, last = (p) => p) {
  const docs = new Map();
  for (const [d, positions] of post) docs.set(d, positions.map((p) => [p, last(p)]));
  return docs;
}

export function evaluate(view, node, mode = 'root') {
  const levels = MODE_LEVELS[mode];
  switch (node.type) {
    case 'term':
      return termHits(view, node, levels);
    case 'phrase':
      return phraseHits(view, node, levels);
    case 'root':
      return levelHits(view, [[ROOT, postingSpans(view.postings(LEVEL_FIELD[ROOT], node.root))]]);
    case 'entity':
      // an entity span runs to the end of the name: marked as [pos, -1], resolved on the page
      return levelHits(view, [[EXACT,
        postingSpans(view.postings('entity', node.key.toLowerCase()), () => -1)]]);
    case 'not': {
      const excluded = evaluate(view, node.item, mode);
      const out = new Map();
      for (const d of view.docnums) if (!excluded.has(d)) out.set(d, { score: 0, spans: [] });
      return out;
    }
    case 'or': {
      const hits = new Map();
      for (const item of node.items) {
        for (const [d, h] of evaluate(view, item, mode)) {
          const old = hits.get(d);
          if (old) hits.set(d, { score: old.score + h.score, spans: old.spans.concat(h.spans) });
          else hits.set(d, { score: h.score, spans: h.spans.slice() });
        }
      }
      return hits;
    }
    case 'and': {
      const positives = node.items.filter((i) => i.type !== 'not');
      const negatives = node.items.filter((i) => i.type === 'not');
      let hits = new Map();
      if (positives.length) {
        const results = positives.map((i) => evaluate(view, i, mode));
        let docs = [...results[0].keys()];
        for (const r of results.slice(1)) docs = docs.filter((d) => r.has(d));
        for (const d of docs) {
          let score = 0;
          for (const r of results) score += r.get(d).score;
          hits.set(d, { score, spans: results.flatMap((r) => r.get(d).spans) });
        }
      } else {
        for (const d of view.docnums) hits.set(d, { score: 0, spans: [] });
      }
      for (const neg of negatives) {
        const excluded = evaluate(view, neg.item, mode);
        hits = new Map([...hits].filter(([d]) => !excluded.has(d)));
      }
      return hits;
    }
    default:
      throw new TypeError(`not a query node: ${JSON.stringify(node)}`);
  }
}

export function dateBounds(value) {
  const parts = value.split('-');
  if (parts.length === 1) return [`${value}-01-01`, `${value}-12-31`];
  if (parts.length === 2) return [`${value}-01`, `${value}-31`];
  return [value, value];
}

export function validDate(value) {
  return /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/.test(value);
}

/** Python Filters: places/actors are sets of entity keys; source is normalized. */
export class Filters {
  constructor({ places = null, actors = null, source = null, dateFrom = null, dateTo = null,
    normalize = (s) => s } = {}) {
    Object.assign(this, { places, actors, source, dateFrom, dateTo, normalize });
  }

  keep(stored) {
    if (this.places !== null && !(stored.places || []).some((k) => this.places.has(k))) return false;
    if (this.actors !== null && !(stored.actors || []).some((k) => this.actors.has(k))) return false;
    if (this.source !== null && !this.normalize(stored.source || '').includes(this.source)) {
      return false;
    }
    if (this.dateFrom || this.dateTo) {
      const date = stored.date;
      if (!date) return false;
      const [lo, hi] = dateBounds(date);
      if (this.dateFrom && hi < dateBounds(this.dateFrom)[0]) return false;
      if (this.dateTo && lo > dateBounds(this.dateTo)[1]) return false;
    }
    return true;
  }
}

/** Python resolve_entities: keys named value (key, id, name or alias) and places inside. */
export function resolveEntities(meta, kind, value, normalize) {
  const want = normalize(value.trim());
  const found = new Set();
  for (const [key, [k, id, name, aliases]] of Object.entries(meta.entities)) {
    if (k !== kind) continue;
    const names = name ? [name, ...aliases] : aliases;
    if (value.trim() === key || value.trim() === id || names.some((n) => normalize(n) === want)) {
      found.add(key);
    }
  }
  if (found.size === 0) {
    throw new QueryError(`no ${kind} named ${repr(value)} in the gazetteer`,
      `لا يوجد ${kind === 'place' ? 'مكان' : 'فاعل'} باسم ${repr(value)} في المعجم`);
  }
  const todo = [...found];
  while (todo.length) {
    const key = todo.pop();
    for (const [child, row] of Object.entries(meta.entities)) {
      if (row[4] === key && !found.has(child)) {
        found.add(child);
        todo.push(child);
      }
    }
  }
  return found;
}

/** Python round(x, 6): toFixed rounds the exact binary value, as Python does (no ties). */
const round6 = (x) => Number(x.toFixed(6));
const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Python search(): every matching article, ordered by score (descending), then id.
 * Fetches the index shards the query needs first.
 */
export async function search(view, query, { analyzer, mode = 'root', filters = null, node = null } = {}) {
  if (!(mode in MODE_LEVELS)) throw new QueryError(`unknown mode ${repr(mode)}`, `نمط غير معروف ${repr(mode)}`);
  node = node || parse(query, analyzer);
  await view.ensure(queryTerms(node, mode));
  const hits = evaluate(view, node, mode);
  const rows = [];
  for (const [doc, hit] of hits) {
    const stored = view.stored(doc);
    if (filters !== null && !filters.keep(stored)) continue;
    rows.push({ score: round6(hit.score), id: stored.id, doc, hit });
  }
  rows.sort((a, b) => b.score - a.score || cmp(a.id, b.id));
  return { query, total: rows.length, rows };
}

export function mergeSpans(spans) {
  const keyed = new Map(spans.map(([s, e]) => [`${s},${e}`, [s, e]]));
  const sorted = [...keyed.values()].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out = [];
  for (const [s, e] of sorted) {
    if (out.length && s <= out[out.length - 1][1]) {
      out[out.length - 1] = [out[out.length - 1][0], Math.max(out[out.length - 1][1], e)];
    } else out.push([s, e]);
  }
  return out;
}

/**
 * Python snippet(), returning parts instead of a marked-up string: [[text, isMatch], ...],
 * with a leading/trailing "… " when the text is cut.
 */
export function snippet(text, spans, width = 220) {
  spans = mergeSpans(spans);
  let lo;
  let hi;
  if (spans.length === 0) {
    lo = 0;
    hi = Math.min(text.length, width);
  } else {
    const [s0, e0] = spans[0];
    lo = Math.max(0, s0 - Math.floor((width - (e0 - s0)) / 3));
    hi = Math.min(text.length, Math.max(e0, lo + width));
  }
  if (lo > 0) {
    const limit = spans.length ? spans[0][0] : hi;
    const sp = text.slice(0, limit).indexOf(' ', lo);
    lo = sp >= 0 ? sp + 1 : lo;
  }
  if (hi < text.length) {
    const from = spans.length ? spans[0][1] : lo;
    const sp = from <= hi ? text.slice(0, hi).lastIndexOf(' ') : -1;
    hi = sp > 0 && sp >= from ? sp : hi;
  }
  const parts = [];
  let at = lo;
  for (let [s, e] of spans) {
    if (e <= lo || s >= hi) continue;
    s = Math.max(s, lo);
    e = Math.min(e, hi);
    parts.push([text.slice(at, s), false], [text.slice(s, e), true]);
    at = e;
  }
  parts.push([text.slice(at, hi), false]);
  // Python: " ".join("".join(out).split()) — collapse whitespace across the parts
  const out = [];
  let pendingSpace = false;
  let started = false;
  for (const [t, isMatch] of parts) {
    const pieces = t.split(/[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/);
    const lead = pieces[0] === '' && t.length > 0;
    const trail = pieces.length > 1 && pieces[pieces.length - 1] === '';
    const words = pieces.filter((p) => p !== '');
    if (lead && started) pendingSpace = true;
    let piece = '';
    words.forEach((w, i) => {
      if (i > 0) piece += ' ';
      piece += w;
    });
    if (piece) {
      if (pendingSpace) out.push([' ', false]);
      out.push([piece, isMatch]);
      pendingSpace = false;
      started = true;
    }
    if (trail && started) pendingSpace = true;
  }
  if (lo > 0) out.unshift(['… ', false]);
  if (hi < text.length) out.push([' …', false]);
  return out;
}

// ------------------------------------------------------------------------------------------
// Loading the data

const DATA = new URL('../data/', import.meta.url);
const ROOT_URL = new URL('../../', import.meta.url);

async function fetchJSON(name) {
  const response = await fetch(new URL(name, DATA));
  if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
  return response.json();
}

function loadScript(url) {
  return new Promise((resolve, reject) => {
    if (globalThis.lunr) {
      resolve();
      return;
    }
    const s = document.createElement('script');
    s.src = url;
    s.onload = () => resolve();
    s.onerror = () => reject(new Error(`could not load ${url}`));
    document.head.appendChild(s);
  });
}

let enginePromise = null;

/** Load lunr, the index, metadata, analyzer tables and names once (shared by all queries). */
export function loadEngine() {
  if (enginePromise) return enginePromise;
  enginePromise = (async () => {
    const t0 = performance.now();
    const [, meta, tables, names] = await Promise.all([
      loadScript(new URL('lunr.js', import.meta.url).href),
      fetchJSON('meta.json'),
      fetchJSON('analyzer-tables.json'),
      fetchJSON('names.json'),
    ]);
    const analyzer = new Analyzer(tables, names, (id) => fetchJSON(`lexicon/${id}.json`));
    // The index's search pipeline is labelled "archive-ar": the archive's normalize.
    const archiveAr = (token) => token.update((s) => analyzer.normalize(s));
    if (!globalThis.lunr.Pipeline.registeredFunctions['archive-ar']) {
      globalThis.lunr.Pipeline.registerFunction(archiveAr, 'archive-ar');
    }
    const view = new IndexView(meta, globalThis.lunr, (k) => fetchJSON(`lunr/${k}.json`));
    return { analyzer, view, meta, loadMs: performance.now() - t0 };
  })();
  return enginePromise;
}

const docCache = new Map();

/** One article's text and body spans (fetched only for results on screen). */
export function loadDoc(docnum) {
  if (!docCache.has(docnum)) docCache.set(docnum, fetchJSON(`docs/${docnum}.json`));
  return docCache.get(docnum);
}

/** Character spans of a hit's token spans, from the article analysed again in the browser. */
export function charSpans(analyzer, doc, hit) {
  const [tokens, matches] = analyzer.analyzeWithMatches(doc.text);
  const nameEnd = new Map(matches.map((m) => [m.first, m.last]));
  const out = [];
  for (const [first, last] of hit.spans) {
    const end = last === -1 ? nameEnd.get(first) : last;
    if (tokens[first] === undefined || tokens[end] === undefined) continue;
    out.push([tokens[first].start, tokens[end].end]);
  }
  return out;
}

/** Run a query with the page's parameters: {q, mode, place, actor, source, year}. */
export async function runQuery(params) {
  return runWith(await loadEngine(), params);
}

/** runQuery on an engine {analyzer, view, meta} (the node tests build one from files). */
export async function runWith(engine, params) {
  const { analyzer, view, meta } = engine;
  const norm = (s) => analyzer.normalize(s);
  const filters = new Filters({
    places: params.place ? resolveEntities(meta, 'place', params.place, norm) : null,
    actors: params.actor ? resolveEntities(meta, 'actor', params.actor, norm) : null,
    source: params.source ? norm(params.source) : null,
    dateFrom: params.year || null,
    dateTo: params.year || null,
    normalize: norm,
  });
  if (params.year && !validDate(params.year)) {
    throw new QueryError(`year ${repr(params.year)}: not a date`, `سنة غير صالحة ${repr(params.year)}`);
  }
  await analyzer.prepare(params.q || '');
  const unfiltered = await search(view, params.q, { analyzer, mode: params.mode || 'root' });
  const rows = unfiltered.rows.filter((r) => filters.keep(view.stored(r.doc)));
  return { engine, rows, unfiltered: unfiltered.rows };
}

/** Facet counts over result rows: place, actor (places count their enclosing places too). */
export function facetCounts(view, meta, rows) {
  const counts = { place: new Map(), actor: new Map(), source: new Map(), year: new Map() };
  const ancestors = (key) => {
    const out = [];
    const seen = new Set([key]);
    let row = meta.entities[key];
    while (row && row[4] && !seen.has(row[4])) {
      seen.add(row[4]);
      out.push(row[4]);
      row = meta.entities[row[4]];
    }
    return out;
  };
  const bump = (map, key) => map.set(key, (map.get(key) || 0) + 1);
  for (const r of rows) {
    const st = view.stored(r.doc);
    const places = new Set();
    for (const k of st.places || []) {
      places.add(k);
      for (const a of ancestors(k)) places.add(a);
    }
    for (const k of places) bump(counts.place, k);
    for (const k of new Set(st.actors || [])) bump(counts.actor, k);
    if (st.source) bump(counts.source, st.source);
    if (st.year) bump(counts.year, st.year);
  }
  return counts;
}

// ------------------------------------------------------------------------------------------
// The /search/ page

const PAGE_SIZE = 10;
const FACETS = [
  ['place', 'المكان'],
  ['actor', 'الفاعل'],
  ['source', 'المصدر'],
  ['year', 'السنة'],
];
const LEVEL_LABEL = { 3: 'مطابقة تامة', 2: 'مطابقة الجذع', 1: 'مطابقة الجذر' };

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c) node.append(c);
  return node;
}

function readParams() {
  const u = new URL(window.location.href);
  const get = (k) => (u.searchParams.get(k) || '').trim();
  const mode = get('mode');
  return {
    q: get('q'),
    mode: MODES.includes(mode) ? mode : 'root',
    place: get('place'),
    actor: get('actor'),
    source: get('source'),
    year: get('year'),
  };
}

function paramsURL(params) {
  const u = new URL(window.location.href);
  u.search = '';
  for (const k of ['q', 'mode', 'place', 'actor', 'source', 'year']) {
    if (params[k] && !(k === 'mode' && params[k] === 'root')) u.searchParams.set(k, params[k]);
  }
  return u;
}

function entityName(meta, key) {
  const row = meta.entities[key];
  return row ? row[2] || row[1] : key;
}

function entityParam(meta, key) {
  const row = meta.entities[key];
  return row ? row[1] : key;
}

class SearchPage {
  constructor(root) {
    this.root = root;
    this.form = root.querySelector('form');
    this.input = root.querySelector('input[name="q"]');
    this.status = root.querySelector('[data-role="status"]');
    this.results = root.querySelector('[data-role="results"]');
    this.facets = root.querySelector('[data-role="facets"]');
    this.filters = root.querySelector('[data-role="filters"]');
    this.more = root.querySelector('[data-role="more"]');
    this.shown = 0;
    this.rows = [];
    this.token = 0;
    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const params = { ...readParams(), q: this.input.value.trim(), mode: this.mode() };
      this.navigate(params);
    });
    for (const radio of root.querySelectorAll('input[name="mode"]')) {
      radio.addEventListener('change', () => {
        const params = { ...readParams(), q: this.input.value.trim(), mode: this.mode() };
        if (params.q) this.navigate(params);
      });
    }
    this.more.addEventListener('click', () => this.showMore(true));
    // start fetching the index data as soon as the reader heads for the search box
    this.input.addEventListener('focus', () => loadEngine().catch(() => {}), { once: true });
    window.addEventListener('popstate', () => this.run());
  }

  mode() {
    const checked = this.root.querySelector('input[name="mode"]:checked');
    return checked ? checked.value : 'root';
  }

  navigate(params) {
    window.history.pushState(null, '', paramsURL(params));
    this.run();
  }

  setState(state) {
    // data-t: milliseconds since the page started loading (benchmarks read it)
    if (state === 'done') this.results.setAttribute('data-t', String(Math.round(performance.now())));
    this.results.setAttribute('data-state', state);
    this.root.setAttribute('aria-busy', state === 'loading' ? 'true' : 'false');
  }

  async run() {
    const params = readParams();
    const token = ++this.token;
    this.input.value = params.q;
    for (const radio of this.root.querySelectorAll('input[name="mode"]')) {
      radio.checked = radio.value === params.mode;
    }
    this.results.replaceChildren();
    this.facets.replaceChildren();
    this.filters.replaceChildren();
    this.more.hidden = true;
    this.rows = [];
    this.shown = 0;
    if (!params.q) {
      this.status.textContent = 'اكتب كلمة أو أكثر للبحث في المقالات.';
      this.setState('idle');
      return;
    }
    this.status.textContent = 'جارٍ البحث…';
    this.setState('loading');
    const t0 = performance.now();
    let out;
    try {
      out = await runQuery(params);
    } catch (exc) {
      if (token !== this.token) return;
      this.status.textContent = exc instanceof QueryError ? exc.message : `تعذّر البحث: ${exc.message}`;
      this.results.setAttribute('data-error', 'true');
      this.setState('done');
      return;
    }
    if (token !== this.token) return;
    this.results.removeAttribute('data-error');
    this.params = params;
    this.engine = out.engine;
    this.rows = out.rows;
    this.renderFilters(params);
    this.renderFacets(params, out.rows);
    this.results.setAttribute('data-total', String(out.rows.length));
    if (out.rows.length === 0) {
      const filtered = ['place', 'actor', 'source', 'year'].some((k) => params[k]);
      this.status.textContent = filtered && out.unfiltered.length
        ? `لا نتائج لـ«${params.q}» مع هذه المرشحات (${out.unfiltered.length} دونها). أزل مرشحًا لتوسيع البحث.`
        : `لا نتائج لـ«${params.q}». جرّب كلمة أخرى، أو نمط «الجذر»، أو أزل المرشحات.`;
      this.setState('done');
      return;
    }
    await this.showMore(false);
    if (token !== this.token) return;
    const ms = Math.round(performance.now() - t0);
    this.status.textContent = `${out.rows.length} ${out.rows.length === 1 ? 'نتيجة' : 'نتائج'} لـ«${params.q}» (${ms} مللي ثانية)`;
    this.results.setAttribute('data-ms', String(ms));
    this.setState('done');
  }

  async showMore(focus) {
    const token = this.token;
    const { analyzer, view } = this.engine;
    const slice = this.rows.slice(this.shown, this.shown + PAGE_SIZE);
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
    if (focus && firstLink) firstLink.focus();
  }

  renderResult(analyzer, view, row, doc, rank) {
    const st = view.stored(row.doc);
    const url = new URL(st.url || `articles/${st.id}/`, ROOT_URL);
    const spans = charSpans(analyzer, doc, row.hit);
    const snip = el('p', { class: 'archive-search__snippet' });
    for (const [text, isMatch] of snippet(doc.text, spans)) {
      snip.append(isMatch ? el('mark', { text }) : document.createTextNode(text));
    }
    const level = Math.floor(row.score);
    const metaLine = el('p', { class: 'archive-search__meta' },
      el('span', { class: 'archive-search__date', text: st.date || 'تاريخ غير معروف' }),
      el('span', { class: 'archive-search__source', text: st.source || 'مصدر غير معروف' }),
      LEVEL_LABEL[level] ? el('span', { class: 'archive-search__level', text: LEVEL_LABEL[level] }) : null);
    return el('li', { class: 'archive-search__result', 'data-path': st.path, 'data-id': st.id,
      'data-score': row.score.toFixed(6), value: rank },
    el('h3', { class: 'archive-search__title' }, el('a', { href: url.href, text: st.title || st.id })),
    metaLine, snip);
  }

  renderFilters(params) {
    const { meta } = this.engine;
    const active = FACETS.filter(([k]) => params[k]);
    if (!active.length) return;
    const list = el('ul', { class: 'archive-search__active' });
    for (const [k, label] of active) {
      let value = params[k];
      if (k === 'place' || k === 'actor') {
        const key = Object.keys(meta.entities).find((x) => meta.entities[x][1] === value || x === value);
        if (key) value = entityName(meta, key);
      }
      const next = { ...params, [k]: '' };
      list.append(el('li', {}, el('a', { href: paramsURL(next).href, 'data-facet-remove': k,
        'aria-label': `أزل مرشح ${label}: ${value}`, text: `${label}: ${value} ✕` })));
    }
    this.filters.append(list);
    this.bindLinks(this.filters);
  }

  renderFacets(params, rows) {
    const { view, meta } = this.engine;
    const counts = facetCounts(view, meta, rows);
    for (const [k, label] of FACETS) {
      const map = counts[k];
      if (!map.size) continue;
      const entries = [...map.entries()].sort((a, b) => b[1] - a[1] || cmp(a[0], b[0])).slice(0, 12);
      // a <details> per facet: open on wide screens, folded on phones (results come first)
      const wide = !window.matchMedia || window.matchMedia('(min-width: 48em)').matches;
      const group = el('details', { class: 'archive-search__facet', 'data-facet': k,
        open: wide || Boolean(params[k]) }, el('summary', { text: `${label} (${map.size})` }));
      const list = el('ul');
      for (const [value, n] of entries) {
        const name = k === 'place' || k === 'actor' ? entityName(meta, value) : value;
        const param = k === 'place' || k === 'actor' ? entityParam(meta, value) : value;
        const selected = params[k] === param;
        const next = { ...params, [k]: selected ? '' : param };
        const a = el('a', { href: paramsURL(next).href, 'data-facet-value': param,
          'aria-current': selected ? 'true' : null },
        el('span', { class: 'archive-search__facet-name', text: name }),
        el('span', { class: 'archive-search__count', text: String(n) }));
        list.append(el('li', {}, a));
      }
      group.append(list);
      this.facets.append(group);
    }
    this.bindLinks(this.facets);
  }

  bindLinks(container) {
    for (const a of container.querySelectorAll('a')) {
      a.addEventListener('click', (ev) => {
        if (ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button !== 0) return;
        ev.preventDefault();
        window.history.pushState(null, '', a.href);
        this.run();
      });
    }
  }
}

if (typeof document !== 'undefined') {
  const root = document.querySelector('[data-archive-search]');
  if (root) {
    const page = new SearchPage(root);
    window.archiveSearch = { page, loadEngine, runQuery, search, parse, describe };
    page.run();
  }
}
