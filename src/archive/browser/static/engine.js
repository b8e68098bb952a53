// Matching, scoring, filters and snippets: a port of archive/search/engine.py, function for
// function, over the lunr index the build writes (archive/browser/index.py) instead of Whoosh.
//
//   engine.py                 engine.js
//   IndexView                 IndexView (postings from the lunr shards; ensure() fetches them)
//   _fraction / _weight       fraction / weight
//   _level_hits / _term       levelHits / termHits
//   phrase_occurrences        phraseOccurrences
//   _phrase                   phraseHits
//   proximity / word_runs     proximity / wordRuns
//   _positions                positions
//   _proximity_bonus / _merge proximityBonus / merge
//   evaluate                  evaluate
//   Filters, date_bounds,     Filters, dateBounds, validDate, resolveEntities
//   valid_date, resolve_entities
//   search                    search (rows: {score, rank, doc, hit}; no snippets: the page
//                             fetches an article's text only when it shows it)
//   merge_spans, snippet      mergeSpans, snippet (parts [[text, isMatch], …], not a string)
//   (browser/index.py)        termHash: the shard of a term
//
// A hit: {score, spans, tspans, levels, near}. spans/tspans are TOKEN spans [first, last]
// in the body/title (Python keeps character offsets; the page converts them once it has the
// text, see loader.js charSpans); an entity span is [first, -1] (to the end of the name).
// lunr's own BM25 scoring is not used: the rule of query.py is computed from the postings.

import {
  EXACT, LEVEL_FIELD, MODE_LEVELS, NEAR, NEAR_TIER, NEAR_WEIGHT, PHRASE_TIER, QueryError, ROOT,
  parse, repr, wordAt,
} from './query.js';
import { ALT_MARK } from './analyzer.js';

/** The title's fields are the body's with this prefix (archive/index/schema.py). */
export const TITLE_PREFIX = 'title_';

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
  constructor(meta, lunr, loadShard, loadCards = null) {
    this.meta = meta;
    this.lunr = lunr;
    this.loadShard = loadShard;
    this.loadCards = loadCards;
    this.shards = new Map(); // k → lunr.Index
    this.pending = new Map();
    this.cards = new Map(); // block → promise
    // meta.json: compact columns over the live document numbers, ascending (see
    // archive/browser/index.py meta_record); numbers of deleted articles stay empty
    const keys = meta.entity_keys;
    this.docs = new Array(meta.slots).fill(null);
    this.docnums = [];
    // rank: the article's place in id order (ties in ranking, as Python sorts by id)
    this.rank = new Int32Array(meta.slots);
    let n = 0;
    meta.live.forEach((gap, i) => {
      n += gap;
      const date = meta.date[i] >= 0 ? meta.dates[meta.date[i]] : null;
      this.docs[n] = {
        date,
        source: meta.source[i] >= 0 ? meta.sources[meta.source[i]] : null,
        year: date && /^[0-9]{4}/.test(date) ? date.slice(0, 4) : null,
        places: meta.places[i].map((k) => keys[k]), // numbers → entity keys
        actors: meta.actors[i].map((k) => keys[k]),
        // id, path, title, url: from cards/<b>.json (loadStored)
      };
      this.rank[n] = meta.rank[i];
      this.docnums.push(n);
    });
    this.n = meta.count;
    this._postings = new Map();
  }

  /** An article's metadata: date, source, year, places, actors (and, once loadStored has
   * fetched them, id, path, title, url). */
  stored(docnum) {
    return this.docs[docnum];
  }

  /** Take an article's card [id, path, title, url] from its docs/<n>.json (no cards fetch). */
  setCard(docnum, card) {
    const doc = this.docs[docnum];
    if (card && doc && doc.id === undefined) [doc.id, doc.path, doc.title, doc.url] = card;
  }

  /** Fetch (once) the id, path, title and URL of ``docnums`` (their cards blocks). */
  async loadStored(docnums) {
    const size = this.meta.card_block;
    const blocks = new Set([...docnums].map((d) => Math.floor(d / size)));
    await Promise.all([...blocks].map((b) => {
      if (!this.cards.has(b)) {
        const p = this.loadCards(b).then((rows) => {
          rows.forEach((row, i) => {
            const doc = this.docs[b * size + i];
            if (row && doc) [doc.id, doc.path, doc.title, doc.url] = row;
          });
        });
        p.catch(() => this.cards.delete(b));
        this.cards.set(b, p);
      }
      return this.cards.get(b);
    }));
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
      return [node.root, ALT_MARK + node.root];
    case 'entity':
      return [node.key.toLowerCase()];
    case 'not':
      return queryTerms(node.item, mode);
    default:
      return node.items.flatMap((i) => queryTerms(i, mode));
  }
}

/** Python: tf / (tf + 1) * idf / (idf + 1), evaluated left to right as Python does. */
export function fraction(tf, df, n) {
  const idf = Math.log(1 + n / df);
  return ((tf / (tf + 1)) * idf) / (idf + 1);
}

/** The part of a clause's score below its level: half for a title match, half tf·idf. */
export function weight(tf, df, n, inTitle) {
  return ((inTitle ? 1 : 0) + fraction(tf, df, n)) / 2;
}

const union = (a, b) => new Set([...a.keys(), ...b.keys()]);

/**
 * Score one clause from [[level, body docs, title docs, term]] (best level first); docs: Map
 * doc → token spans. Python _level_hits (counts are the number of spans). A hit's levels
 * entry is [clause text, level, term] (term: the word's index term at that level, null for
 * phrases and names; forms.js uses it).
 */
function levelHits(view, perLevel, text) {
  const hits = new Map();
  for (const [level, body, title, term = null] of perLevel) {
    const docs = union(body, title);
    const df = docs.size;
    for (const doc of docs) {
      if (hits.has(doc)) continue;
      const b = body.get(doc) || [];
      const t = title.get(doc) || [];
      hits.set(doc, {
        score: level + weight(b.length + t.length, df, view.n, t.length > 0),
        spans: b.slice(), tspans: t.slice(), levels: [[text, level, term]], near: 0,
      });
    }
  }
  return hits;
}

function postingSpans(post, last = (p) => p) {
  const docs = new Map();
  for (const [d, positions] of post) docs.set(d, positions.map((p) => [p, last(p)]));
  return docs;
}

function fieldSpans(view, fieldname, term, last) {
  return [postingSpans(view.postings(fieldname, term), last),
    postingSpans(view.postings(TITLE_PREFIX + fieldname, term), last)];
}

function termHits(view, node, levels) {
  return levelHits(view, levels.map((level) => [level,
    ...fieldSpans(view, LEVEL_FIELD[level], wordAt(node.word, level)), wordAt(node.word, level)]),
  node.word.text);
}

/** Map doc → token spans [first, last] of the terms at consecutive positions in a field. */
export function phraseOccurrences(view, fieldname, terms) {
  const posts = terms.map((t) => view.postings(fieldname, t));
  let docs = [...posts[0].keys()];
  for (const p of posts.slice(1)) docs = docs.filter((d) => p.has(d));
  const found = new Map();
  for (const doc of docs.sort((a, b) => a - b)) {
    const following = posts.slice(1).map((p) => new Set(p.get(doc)));
    const spans = [];
    for (const pos of posts[0].get(doc)) {
      if (following.every((f, k) => f.has(pos + k + 1))) spans.push([pos, pos + following.length]);
    }
    if (spans.length) found.set(doc, spans);
  }
  return found;
}

function phraseHits(view, node, levels) {
  return levelHits(view, levels.map((level) => {
    const terms = node.words.map((w) => wordAt(w, level));
    return [level, phraseOccurrences(view, LEVEL_FIELD[level], terms),
      phraseOccurrences(view, TITLE_PREFIX + LEVEL_FIELD[level], terms)];
  }), node.text);
}

/**
 * How close words stand, given each word's positions in one field (query order): 2 when side
 * by side in query order somewhere, 1 when one position of each lies within NEAR words, else 0.
 */
export function proximity(lists) {
  if (!lists.length || lists.some((positions) => !positions.length)) return 0;
  const rest = lists.slice(1).map((positions) => new Set(positions));
  for (const p of lists[0]) {
    if (rest.every((later, k) => later.has(p + k + 1))) return PHRASE_TIER;
  }
  const events = [];
  lists.forEach((positions, i) => { for (const p of positions) events.push([p, i]); });
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const count = new Array(lists.length).fill(0);
  let covered = 0;
  let lo = 0;
  for (const [p, i] of events) {
    if (count[i] === 0) covered += 1;
    count[i] += 1;
    while (covered === lists.length) {
      if (p - events[lo][0] < NEAR) return NEAR_TIER;
      const j = events[lo][1];
      count[j] -= 1;
      if (count[j] === 0) covered -= 1;
      lo += 1;
    }
  }
  return 0;
}

/** Runs of two or more words standing next to each other in an AND (query order). */
export function wordRuns(items) {
  const runs = [];
  let run = [];
  for (const item of [...items, null]) {
    if (item && item.type === 'term') {
      run.push(item);
      continue;
    }
    if (run.length > 1) runs.push(run);
    run = [];
  }
  return runs;
}

/** Sorted positions of a word at any allowed level, per document. */
function positions(view, term, levels, prefix) {
  const out = new Map();
  for (const level of levels) {
    for (const [doc, ps] of view.postings(prefix + LEVEL_FIELD[level], wordAt(term.word, level))) {
      if (!out.has(doc)) out.set(doc, new Set());
      const set = out.get(doc);
      for (const p of ps) set.add(p);
    }
  }
  const sorted = new Map();
  for (const [doc, set] of out) sorted.set(doc, [...set].sort((a, b) => a - b));
  return sorted;
}

/** Add to each hit the proximity bonus of the AND's runs of words (rule in query.py). */
function proximityBonus(view, node, levels, hits) {
  for (const run of wordRuns(node.items)) {
    const perField = ['', TITLE_PREFIX].map((prefix) => run.map((t) => positions(view, t, levels, prefix)));
    for (const [doc, hit] of hits) {
      let tier = 0;
      for (const words of perField) tier = Math.max(tier, proximity(words.map((w) => w.get(doc) || [])));
      if (tier) {
        hit.score += tier * NEAR_WEIGHT * run.length;
        hit.near = Math.max(hit.near, tier);
      }
    }
  }
}

const emptyHit = () => ({ score: 0, spans: [], tspans: [], levels: [], near: 0 });

function merge(hits) {
  let score = 0;
  for (const h of hits) score += h.score;
  return {
    score,
    spans: hits.flatMap((h) => h.spans),
    tspans: hits.flatMap((h) => h.tspans),
    levels: hits.flatMap((h) => h.levels),
    near: Math.max(0, ...hits.map((h) => h.near)),
  };
}

export function evaluate(view, node, mode = 'root') {
  const levels = MODE_LEVELS[mode];
  switch (node.type) {
    case 'term':
      return termHits(view, node, levels);
    case 'phrase':
      return phraseHits(view, node, levels);
    case 'root':
      // the root's words, then names whose common reading has this root (engine.py)
      return levelHits(view, [[ROOT, ...fieldSpans(view, LEVEL_FIELD[ROOT], node.root), node.root],
        [ROOT, ...fieldSpans(view, LEVEL_FIELD[ROOT], ALT_MARK + node.root), node.root]],
      node.text);
    case 'entity':
      // an entity span runs to the end of the name: marked as [pos, -1], resolved on the page
      return levelHits(view, [[EXACT, ...fieldSpans(view, 'entity', node.key.toLowerCase(), () => -1)]],
        node.text);
    case 'not': {
      const excluded = evaluate(view, node.item, mode);
      const out = new Map();
      for (const d of view.docnums) if (!excluded.has(d)) out.set(d, emptyHit());
      return out;
    }
    case 'or': {
      const found = new Map();
      for (const item of node.items) {
        for (const [d, h] of evaluate(view, item, mode)) {
          if (!found.has(d)) found.set(d, []);
          found.get(d).push(h);
        }
      }
      const hits = new Map();
      for (const [d, hs] of found) hits.set(d, merge(hs));
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
        for (const d of docs) hits.set(d, merge(results.map((r) => r.get(d))));
      } else {
        for (const d of view.docnums) hits.set(d, emptyHit());
      }
      for (const neg of negatives) {
        const excluded = evaluate(view, neg.item, mode);
        hits = new Map([...hits].filter(([d]) => !excluded.has(d)));
      }
      if (positives.length) proximityBonus(view, node, levels, hits);
      return hits;
    }
    default:
      throw new TypeError(`not a query node: ${JSON.stringify(node)}`);
  }
}

/** Python list(dict.fromkeys(levels)): distinct (text, level) pairs in order. */
export function uniqueLevels(levels) {
  const seen = new Set();
  return levels.filter(([t, l]) => {
    const k = `${l}\u0000${t}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
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

/**
 * Python Filters: places/actors are sets of entity keys; source is a list of normalized name
 * parts (any of them; Python takes one). Browser only: years, a set of YYYY (any of them).
 */
export class Filters {
  constructor({ places = null, actors = null, source = null, dateFrom = null, dateTo = null,
    years = null, normalize = (s) => s } = {}) {
    if (typeof source === 'string') source = [source];
    Object.assign(this, { places, actors, source, dateFrom, dateTo, years, normalize });
  }

  keep(stored) {
    if (this.places !== null && !(stored.places || []).some((k) => this.places.has(k))) return false;
    if (this.actors !== null && !(stored.actors || []).some((k) => this.actors.has(k))) return false;
    if (this.source !== null) {
      const have = this.normalize(stored.source || '');
      if (!this.source.some((s) => have.includes(s))) return false;
    }
    if (this.years !== null && !this.years.has(stored.year)) return false;
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
    hit.levels = uniqueLevels(hit.levels);
    const stored = view.stored(doc);
    if (filters !== null && !filters.keep(stored)) continue;
    rows.push({ score: round6(hit.score), rank: view.rank[doc], doc, hit });
  }
  rows.sort((a, b) => b.score - a.score || a.rank - b.rank); // ties: by id (rank), as Python
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
