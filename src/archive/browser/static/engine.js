// Matching, scoring, filters and snippets: a port of archive/search/engine.py, function for
// function, over the lunr-format index the build writes (archive/browser/index.py) instead of
// Whoosh.
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
//   search                    search (rows: {score, doc, hit}; no snippets: the page
//                             fetches an article's text only when it shows it)
//   top_with_proximity        topWithProximity (search's limit)
//   Result spans (sources)    hitSpans (spans of the hits shown, from the positions)
//   merge_spans, snippet      mergeSpans, snippet (parts [[text, isMatch], …], not a string)
//   (browser/index.py)        termHash: the shard of a term
//
// A hit: {score, spans, tspans, levels, near}. spans/tspans are TOKEN spans [first, last]
// in the body/title (Python keeps character offsets; the page converts them once it has the
// text, see loader.js charSpans); an entity span is [first, -1] (to the end of the name).
// lunr.js itself is not loaded: a shard's inverted index is all the engine reads (shardIndex),
// and the rule of query.py is computed from the postings, not lunr's BM25.

import {
  EXACT, LEVEL_FIELD, MODE_LEVELS, NEAR, NEAR_TIER, NEAR_WEIGHT, PHRASE_TIER, QueryError, ROOT,
  parse, repr, wordAt,
} from './query.js';
import { ALT_MARK } from './analyzer.js';

const yearOf = (date) => (date && /^[0-9]{4}/.test(date) ? date.slice(0, 4) : null);

/** An article's card [id, path, title, url, date, source, raw] into its stored metadata
 * (raw: how its text is made from raw/<id>.txt, null where docs/<n>.json holds the text,
 * loader.js loadDoc; data before DATA_VERSION 4: no date and source in the card, they come
 * from the columns). */
function setCard(doc, card) {
  [doc.id, doc.path, doc.title, doc.url] = card;
  if (card.length > 4) {
    [doc.date, doc.source] = [card[4], card[5]];
    doc.year = yearOf(card[4]);
  }
  doc.raw = card.length > 6 ? card[6] : null;
}

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

/** Base64 text → bytes (meta.json's bitset and Lehmer code). */
function base64Bytes(text) {
  const raw = atob(text);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

/** meta.json's ``live`` (Python live_bitset): the live document numbers, ascending; data
 * before DATA_VERSION 7: a delta-encoded list. */
export function liveNumbers(live) {
  const out = [];
  if (Array.isArray(live)) {
    let n = 0;
    for (const gap of live) out.push((n += gap));
    return out;
  }
  const bits = base64Bytes(live);
  for (let i = 0; i < bits.length; i++) {
    for (let b = 0; bits[i] >> b; b++) if ((bits[i] >> b) & 1) out.push(8 * i + b);
  }
  return out;
}

/** rank.json's ``rank`` of ``n`` articles (Python rank_code: a Lehmer code, base64; meta.json's
 * before DATA_VERSION 9, a plain list before 7): each live article's place in id order. */
export function rankPlaces(rank, n) {
  if (Array.isArray(rank)) return rank;
  const bits = base64Bytes(rank);
  const out = new Int32Array(n);
  // Fenwick tree over the places, each 1 while not yet taken: the d-th free place by
  // binary lifting
  const tree = new Int32Array(n + 1);
  for (let i = 1; i <= n; i++) {
    tree[i] += 1;
    const j = i + (i & -i);
    if (j <= n) tree[j] += tree[i];
  }
  let top = 1;
  while (top * 2 <= n) top *= 2;
  let at = 0; // bit position in the stream
  for (let k = 0; k < n; k++) {
    let d = 0;
    for (let w = 32 - Math.clz32(n - k - 1); w > 0; w--, at++) {
      d = d * 2 + ((bits[at >> 3] >> (7 - (at & 7))) & 1);
    }
    let pos = 0; // the largest prefix with at most d free places
    for (let step = top; step > 0; step >>= 1) {
      if (pos + step <= n && tree[pos + step] <= d) {
        pos += step;
        d -= tree[pos];
      }
    }
    out[k] = pos; // place pos (tree index pos + 1)
    for (let i = pos + 1; i <= n; i += i & -i) tree[i] -= 1;
  }
  return out;
}

/** rank.json's ``keys`` (Python rank_keys_text: the rank keys in id order, digit text of their
 * gaps less one) as the keys. */
export function rankKeys(text) {
  const out = numbersOf(text);
  let at = -1;
  for (let i = 0; i < out.length; i++) out[i] = (at += out[i] + 1);
  return out;
}

/** The first index of the ascending ``list`` whose value is ≥ ``value``. */
function lowerBound(list, value) {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * What the engine reads of a serialised lunr index (a shard): its inverted index, term →
 * posting, as lunr.js 2.3.9's Index.load builds it (an object without prototype). lunr.js
 * itself (25 KB gzip, and a token set built per shard that nothing here reads) is not needed.
 */
export function shardIndex(json) {
  const invertedIndex = Object.create(null);
  for (const [term, posting] of json.invertedIndex) invertedIndex[term] = posting;
  return { invertedIndex };
}

/**
 * The lunr index shards and per-article metadata, opened for reading (Python IndexView).
 * loadShard(k) returns a promise of the k-th serialised lunr index (read by shardIndex).
 * meta: meta.json (statistics, live numbers: what a first result list needs; see
 * liveNumbers);
 * loadColumns() a promise of columns.json (dates, sources, places, actors, entities: what
 * filters, sorting by date and facets need), fetched once by ensureColumns(). A meta that
 * already holds the columns (entities) needs no loadColumns.
 * loadRanks(name) a promise of rank/<b>.json (name 'rank/<b>') or rank.json ('rank'): the
 * articles' rank keys (places in id order before DATA_VERSION 13), fetched by ensureRanks for
 * rows tied in score only (data before DATA_VERSION 9: meta.json's rank, every place up
 * front).
 */
export class IndexView {
  constructor(meta, loadShard, loadCards = null, loadColumns = null, loadPositions = null,
    loadRanks = null) {
    this.meta = meta;
    this.loadShard = loadShard;
    this.loadCards = loadCards;
    this.loadColumns = loadColumns;
    // loadPositions(k, name): a promise of pos/<k>/<name>.json (a long term's positions)
    this.loadPositions = loadPositions;
    this.loadRanks = loadRanks;
    this.positionFiles = new Map(); // "k/name" → promise
    this.positions = new Map(); // long term → field → doc → positions (those fetched)
    this.longTerms = new Map(); // long term → {df, blocks, fields: field → [docs, tfs]}
    this.shards = new Map(); // k → {invertedIndex} (shardIndex)
    this.pending = new Map();
    this.cards = new Map(); // block → promise
    this.columns = null; // promise of the columns, once asked for
    // meta.json: the live document numbers, ascending (see archive/browser/index.py
    // meta_record); numbers of deleted articles stay empty
    this.docs = new Array(meta.slots).fill(null);
    this.docnums = [];
    // rank: the article's rank key (ties in ranking: increasing in id order, as Python sorts
    // by id; its place in id order before DATA_VERSION 13); -1 until fetched (ensureRanks)
    this.rank = new Int32Array(meta.slots).fill(-1);
    this.rankFiles = new Map(); // block (or 'all') → promise
    liveNumbers(meta.live).forEach((n) => {
      // date, source, year, places, actors: from columns.json (ensureColumns); id, path,
      // title, url (and date, source): from the article's card (setCard, loadStored)
      this.docs[n] = {};
      this.docnums.push(n);
    });
    if (meta.rank !== undefined) this.setRanks(rankPlaces(meta.rank, meta.count));
    this.n = meta.count;
    this._postings = new Map();
    this._freqs = new Map();
    if (meta.entities !== undefined) this.columns = Promise.resolve(this.setColumns(meta));
  }

  /** Every live article's rank key: ``keys`` (in id order; null: the places themselves) of
   * its place in id order (``places``, over the live numbers ascending). */
  setRanks(places, keys = null) {
    if (keys === null) this.docnums.forEach((n, i) => { this.rank[n] = places[i]; });
    else this.docnums.forEach((n, i) => { this.rank[n] = keys[places[i]]; });
    this.rankFiles.set('all', Promise.resolve());
  }

  /**
   * Fetch (once) the rank keys of ``docs`` (docnums; null: every article): the
   * rank/<b>.json files they fall in, or rank.json when that is most of the files anyway
   * (the same keys: the order of rows tied in score does not depend on which was read).
   */
  async ensureRanks(docs = null) {
    if (this.rankFiles.has('all')) return this.rankFiles.get('all');
    const size = this.meta.rank_block;
    const count = Math.ceil(this.meta.slots / size);
    const blocks = new Set();
    if (docs !== null) {
      for (const d of docs) if (this.rank[d] < 0) blocks.add(Math.floor(d / size));
    }
    if (docs !== null && blocks.size === 0) return undefined;
    const todo = [...blocks].filter((b) => !this.rankFiles.has(b));
    if (docs === null || 2 * todo.length > count) {
      const p = this.loadRanks('rank').then((json) => this.setRanks(rankPlaces(json.rank, this.meta.count),
        json.keys === undefined ? null : rankKeys(json.keys)));
      p.catch(() => this.rankFiles.delete('all'));
      this.rankFiles.set('all', p);
      return p;
    }
    await Promise.all([...blocks].map((b) => {
      if (!this.rankFiles.has(b)) {
        const p = this.loadRanks(`rank/${b}`).then((keys) => {
          const from = lowerBound(this.docnums, b * size);
          const to = lowerBound(this.docnums, (b + 1) * size);
          if (keys.length !== to - from) throw new Error(`rank/${b}.json holds ${keys.length} keys, meta.json ${to - from} articles there`);
          keys.forEach((key, i) => { this.rank[this.docnums[from + i]] = key; });
        });
        p.catch(() => this.rankFiles.delete(b));
        this.rankFiles.set(b, p);
      }
      return this.rankFiles.get(b);
    }));
    return undefined;
  }

  /** Rows tied in score: by id (their rank keys, once fetched), else by document number (a
   * key-less row after every keyed one: a total order until ensureRanks has them). */
  tie(a, b) {
    const ra = this.rank[a.doc];
    const rb = this.rank[b.doc];
    if (ra >= 0 && rb >= 0) return ra - rb;
    if (ra >= 0 || rb >= 0) return ra >= 0 ? -1 : 1;
    return a.doc - b.doc;
  }

  /** Fetch (once) columns.json: every article's date, source, places and actors, and the
   * entities (then also in meta). Filters, sorting by date and facets wait for it. */
  ensureColumns() {
    if (this.columns === null) {
      if (!this.loadColumns) return Promise.reject(new Error('no columns.json to load'));
      this.columns = this.loadColumns().then((columns) => this.setColumns(columns));
      this.columns.catch(() => { this.columns = null; });
    }
    return this.columns;
  }

  setColumns(columns) {
    const keys = columns.entity_keys;
    this.docnums.forEach((n, i) => {
      const date = columns.date[i] >= 0 ? columns.dates[columns.date[i]] : null;
      Object.assign(this.docs[n], {
        date,
        source: columns.source[i] >= 0 ? columns.sources[columns.source[i]] : null,
        year: yearOf(date),
        places: columns.places[i].map((k) => keys[k]), // numbers → entity keys
        actors: columns.actors[i].map((k) => keys[k]),
      });
    });
    for (const name of ['dates', 'sources', 'entity_columns', 'entity_keys', 'entities']) {
      this.meta[name] = columns[name];
    }
  }

  /** An article's metadata: date, source, year, places, actors (once ensureColumns is done;
   * the date and source of an article whose card is in too) and, once loadStored or setCard
   * has them, id, path, title, url. */
  stored(docnum) {
    return this.docs[docnum];
  }

  /** Take an article's card [id, path, title, url, date, source, raw] (data before
   * DATA_VERSION 12: from its docs/<n>.json). */
  setCard(docnum, card) {
    const doc = this.docs[docnum];
    if (card && doc && doc.id === undefined) setCard(doc, card);
  }

  /** Fetch (once) the id, path, title, URL, date and source of ``docnums`` (their cards
   * blocks). */
  async loadStored(docnums) {
    const size = this.meta.card_block;
    const blocks = new Set([...docnums].map((d) => Math.floor(d / size)));
    await Promise.all([...blocks].map((b) => {
      if (!this.cards.has(b)) {
        const p = this.loadCards(b).then((rows) => {
          rows.forEach((row, i) => {
            const doc = this.docs[b * size + i];
            if (row && doc) setCard(doc, row);
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
          this.shards.set(k, shardIndex(json));
        }));
      }
      return this.pending.get(k);
    }));
  }

  /** A term's posting (lunr inverted index entry), or undefined; its shard must be loaded. */
  entry(term) {
    const index = this.shards.get(this.shardOf(term));
    if (index === undefined) throw new Error(`shard of ${term} not loaded (call ensure)`);
    const inverted = index.invertedIndex;
    return Object.prototype.hasOwnProperty.call(inverted, term) ? inverted[term] : undefined;
  }

  /** A long term's articles and frequencies per field ({df, blocks, fields: field → [docs,
   * tfs]}), or null for a short term (positions in its posting; archive/browser/index.py
   * posting_members: a long term's posting is {t: docnums, field: frequencies, 0 where the
   * field does not hold the article}). */
  longTerm(term) {
    if (this.longTerms.has(term)) return this.longTerms.get(term);
    const posting = term ? this.entry(term) : undefined;
    let out = null;
    if (posting !== undefined && typeof posting.t === 'string') {
      const all = decodeGaps(numbersOf(posting.t));
      const fields = new Map();
      for (const [field, value] of Object.entries(posting)) {
        if (field === 't') continue;
        const docs = [];
        const tfs = [];
        numbersOf(value).forEach((tf, i) => {
          if (tf) {
            docs.push(all[i]);
            tfs.push(tf);
          }
        });
        fields.set(field, [docs, tfs]);
      }
      const want = Math.max(1, Math.ceil(all.length / this.meta.block_docs));
      out = { df: all.length, docs: new Set(all), blocks: 2 ** Math.ceil(Math.log2(want)), fields };
    }
    this.longTerms.set(term, out);
    return out;
  }

  /** Map docnum → term frequency of a term in a field (what ranking needs). */
  freqs(fieldname, term) {
    const key = `${fieldname}\u0000${term}`;
    const hit = this._freqs.get(key);
    if (hit !== undefined) return hit;
    const out = new Map();
    const long = term ? this.longTerm(term) : null;
    if (long) {
      const at = long.fields.get(fieldname);
      if (at) at[0].forEach((d, i) => out.set(d, at[1][i]));
    } else if (term) {
      for (const [doc, positions] of this.postings(fieldname, term)) out.set(doc, positions.length);
    }
    this._freqs.set(key, out);
    return out;
  }

  /**
   * Fetch (once) the positions of the long ones among ``terms`` for ``docs`` (an iterable of
   * docnums; null: every article holding them): the files of the ranges of document numbers
   * those articles fall in. Short terms have theirs in their posting already.
   */
  async ensurePositions(terms, docs = null) {
    const wanted = docs === null ? null : [...docs];
    const files = new Map();
    for (const term of new Set(terms)) {
      const long = term ? this.longTerm(term) : null;
      if (!long) continue;
      const k = this.shardOf(term);
      const blocks = new Set();
      for (const d of wanted === null ? long.docs : wanted) {
        if (wanted === null || long.docs.has(d)) blocks.add(Math.floor((d * long.blocks) / this.meta.slots));
      }
      for (const b of blocks) files.set(`${k}/${long.blocks}.${b}`, [k, `${long.blocks}.${b}`]);
    }
    await Promise.all([...files].map(([key, [k, name]]) => {
      if (!this.positionFiles.has(key)) {
        const p = this.loadPositions(k, name).then((json) => this.addPositions(json, name));
        p.catch(() => this.positionFiles.delete(key));
        this.positionFiles.set(key, p);
      }
      return this.positionFiles.get(key);
    }));
  }

  /** Take the positions file ``name`` (``<n>.<b>``: range b of n ranges of document numbers)
   * of a loaded shard: {term: {field: "positions;positions;…"}} (delta, numbersOf text), one
   * cell per article of the range holding the term in that field, in the order of the field's
   * articles in the shard. */
  addPositions(json, name) {
    const [blocks, b] = name.split('.').map(Number);
    for (const [term, fields] of Object.entries(json)) {
      const long = this.longTerm(term);
      if (!long) throw new Error(`positions file ${name} names ${term}, not a long term of its shard`);
      if (!this.positions.has(term)) this.positions.set(term, new Map());
      const byField = this.positions.get(term);
      for (const [field, cells] of Object.entries(fields)) {
        if (!byField.has(field)) byField.set(field, new Map());
        const byDoc = byField.get(field);
        const docs = long.fields.get(field)[0].filter((d) => Math.floor((d * blocks) / this.meta.slots) === b);
        const lists = cells.split(';');
        if (docs.length !== lists.length) throw new Error(`positions file ${name}: ${term} ${field} holds ${lists.length} articles, its shard ${docs.length}`);
        lists.forEach((list, i) => byDoc.set(docs[i], decodeGaps(numbersOf(list))));
      }
    }
  }

  /** Sorted positions of a term in a field of one article (empty: not there). A long term's
   * must have been fetched (ensurePositions). */
  positionsOf(fieldname, term, doc) {
    if (!term) return [];
    const long = this.longTerm(term);
    if (!long) return this.postings(fieldname, term).get(doc) || [];
    const at = long.fields.get(fieldname);
    if (!at || !this.freqs(fieldname, term).has(doc)) return [];
    const found = this.positions.get(term)?.get(fieldname)?.get(doc);
    if (found === undefined) throw new Error(`positions of ${term} in ${doc} not loaded (call ensurePositions)`);
    return found;
  }

  /** Map docnum → sorted positions of a term in a field (Python: [(pos, start, end)]); a long
   * term's for every article must have been fetched (ensurePositions(terms)). */
  postings(fieldname, term) {
    const key = `${fieldname}\u0000${term}`;
    const hit = this._postings.get(key);
    if (hit !== undefined) return hit;
    const out = new Map();
    if (term && this.longTerm(term)) {
      for (const doc of this.freqs(fieldname, term).keys()) {
        out.set(doc, this.positionsOf(fieldname, term, doc));
      }
      this._postings.set(key, out);
      return out;
    }
    const posting = term ? this.entry(term) : undefined;
    if (posting !== undefined && posting[fieldname] !== undefined) {
      // {d: docnums, field: cells}: per article, '' (not in this field), '=' (the positions
      // of the field it derives from, REF_FIELD) or its delta positions
      const docs = decodeGaps(numbersOf(posting.d));
      const ref = REF_FIELD[fieldname];
      const same = ref !== undefined && posting[fieldname].includes('=') ? this.postings(ref, term) : null;
      posting[fieldname].split(';').forEach((cell, i) => {
        if (cell === '=') out.set(docs[i], same.get(docs[i]));
        else if (cell) out.set(docs[i], decodeGaps(numbersOf(cell)));
      });
    }
    this._postings.set(key, out);
    return out;
  }
}

/** The field whose positions a cell '=' repeats (Python index._REF). */
const REF_FIELD = { stem: 'form', root: 'stem', title_stem: 'title_form', title_root: 'title_stem' };

/** Digits of the number lists (Python archive/browser/digits.py): printable ASCII without
 * '"', '\\', ',', ';' and '='; the first DIGIT_BASE end a number, the rest lead it. */
const DIGITS = Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i))
  .filter((c) => !'"\\,;='.includes(c));
const DIGIT_BASE = 64;
const LEADS = DIGITS.length - DIGIT_BASE;
/** Character code → its digit's value (-1: not a digit). */
const DIGIT_VALUE = new Int8Array(128).fill(-1);
DIGITS.forEach((c, i) => { DIGIT_VALUE[c.charCodeAt(0)] = i; });

/** A number list's text (Python digits.numbers_text) as its numbers: each number a run of
 * lead digits (the quotient by DIGIT_BASE in bijective base LEADS) and one last digit (the
 * remainder). */
export function numbersOf(text) {
  const out = [];
  let high = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const v = code < 128 ? DIGIT_VALUE[code] : -1;
    if (v < 0) throw new Error(`not a number list: ${text}`);
    if (v < DIGIT_BASE) {
      out.push(high * DIGIT_BASE + v);
      high = 0;
    } else {
      high = high * LEADS + (v - DIGIT_BASE) + 1;
    }
  }
  if (high) throw new Error(`not a number list: ${text}`);
  return out;
}

function decodeGaps(gaps) {
  const out = [];
  let at = 0;
  for (const gap of gaps) out.push((at += gap));
  return out;
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
 * Score one clause from [[level, body, title, term, sources]] (best level first). Phrases:
 * body/title map doc → token spans (counts are the number of spans). Words, roots and names:
 * doc → term frequency, and sources [[body field, term, last], [title field, term, last]]
 * say where the hit's spans are read once the hit is shown (hitSpans; Python _level_hits and
 * sources). A hit's levels entry is [clause text, level, term] (term: the word's index term
 * at that level, null for phrases and names; forms.js uses it).
 */
function levelHits(view, perLevel, text) {
  const hits = new Map();
  for (const [level, body, title, term = null, sources = null] of perLevel) {
    const docs = union(body, title);
    const df = docs.size;
    for (const doc of docs) {
      if (hits.has(doc)) continue;
      const b = body.get(doc);
      const t = title.get(doc);
      const nb = b === undefined ? 0 : sources ? b : b.length;
      const nt = t === undefined ? 0 : sources ? t : t.length;
      hits.set(doc, {
        score: level + weight(nb + nt, df, view.n, nt > 0),
        spans: sources || b === undefined ? [] : b.slice(),
        tspans: sources || t === undefined ? [] : t.slice(),
        src: sources && nb ? [sources[0]] : [],
        tsrc: sources && nt ? [sources[1]] : [],
        levels: [[text, level, term]], near: 0,
      });
    }
  }
  return hits;
}

/** A clause over one term in a field and its title field: frequencies and span sources
 * (last: 'entity' for a name, whose span runs to the name's end). */
function termClause(view, level, fieldname, term, clauseTerm, last = null) {
  return [level, view.freqs(fieldname, term), view.freqs(TITLE_PREFIX + fieldname, term), clauseTerm,
    [[fieldname, term, last], [TITLE_PREFIX + fieldname, term, last]]];
}

function termHits(view, node, levels) {
  return levelHits(view, levels.map((level) => termClause(view, level, LEVEL_FIELD[level],
    wordAt(node.word, level), wordAt(node.word, level))), node.word.text);
}

/** The articles holding every one of ``terms`` in a field or in its title field. */
function phraseCandidates(view, fieldname, terms) {
  let docs = null;
  for (const t of terms) {
    const here = union(view.freqs(fieldname, t), view.freqs(TITLE_PREFIX + fieldname, t));
    docs = docs === null ? here : new Set([...docs].filter((d) => here.has(d)));
  }
  return docs || new Set();
}

/** Map doc → token spans [first, last] of the terms at consecutive positions in a field. */
export function phraseOccurrences(view, fieldname, terms) {
  const freqs = terms.map((t) => view.freqs(fieldname, t));
  let docs = [...freqs[0].keys()];
  for (const f of freqs.slice(1)) docs = docs.filter((d) => f.has(d));
  const found = new Map();
  for (const doc of docs.sort((a, b) => a - b)) {
    const following = terms.slice(1).map((t) => new Set(view.positionsOf(fieldname, t, doc)));
    const spans = [];
    for (const pos of view.positionsOf(fieldname, terms[0], doc)) {
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

/** Sorted positions of a word at any allowed level in each of ``docs`` that holds it. */
function positions(view, term, levels, prefix, docs) {
  const out = new Map();
  for (const level of levels) {
    const fieldname = prefix + LEVEL_FIELD[level];
    const word = wordAt(term.word, level);
    const freqs = view.freqs(fieldname, word);
    for (const doc of docs) {
      if (!freqs.has(doc)) continue;
      if (!out.has(doc)) out.set(doc, new Set());
      const set = out.get(doc);
      for (const p of view.positionsOf(fieldname, word, doc)) set.add(p);
    }
  }
  const sorted = new Map();
  for (const [doc, set] of out) sorted.set(doc, [...set].sort((a, b) => a - b));
  return sorted;
}

/** Add to each hit the proximity bonus of the AND's runs of words (rule in query.py); the
 * positions of the runs' words in these articles must have been fetched. */
function proximityBonus(view, node, levels, hits) {
  const docs = [...hits.keys()];
  for (const run of wordRuns(node.items)) {
    const perField = ['', TITLE_PREFIX].map((prefix) => run.map((t) => positions(view, t, levels, prefix, docs)));
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

/** The index terms of an AND's runs of words (their positions give the proximity bonus). */
function runTerms(node, levels) {
  return wordRuns(node.items).flat().flatMap((t) => levels.map((l) => wordAt(t.word, l)));
}

/** Python max_bonus: the largest proximity bonus an AND can add to one article's score. */
export function maxBonus(node) {
  if (node.type !== 'and') return 0;
  return wordRuns(node.items).reduce((sum, run) => sum + PHRASE_TIER * NEAR_WEIGHT * run.length, 0);
}

/**
 * Fetch the positions that evaluating ``node`` reads: phrases' words in the articles holding
 * all of them, and the runs of words of every AND but a lazy top one (whose bonus
 * topWithProximity adds where it matters).
 */
async function preparePositions(view, node, mode, lazyTop) {
  const levels = MODE_LEVELS[mode];
  const wait = [];
  const walk = (n, top) => {
    switch (n.type) {
      case 'phrase':
        for (const level of levels) {
          const terms = n.words.map((w) => wordAt(w, level));
          wait.push(view.ensurePositions(terms, phraseCandidates(view, LEVEL_FIELD[level], terms)));
        }
        break;
      case 'not':
        walk(n.item, false);
        break;
      case 'or':
      case 'and':
        if (n.type === 'and' && !(top && lazyTop) && maxBonus(n)) {
          wait.push(view.ensurePositions(runTerms(n, levels)));
        }
        for (const item of n.items) walk(item, false);
        break;
      default:
    }
  };
  walk(node, true);
  await Promise.all(wait);
}

/** Scores are compared after rounding to 6 decimals: a margin far above that rounding. */
const MARGIN = 1e-5;

/**
 * Python top_with_proximity: add the proximity bonus of the AND ``node`` to the rows that can
 * still rank in the first ``limit`` once it is added, taking them by falling score (without
 * the bonus, then id) in growing batches; a row whose score plus the largest bonus stays below
 * the limit-th best final score so far cannot enter. Rows done before (a smaller limit) keep
 * their bonus; the first ``limit`` rows and their order are those of a bonus on every row.
 */
async function topWithProximity(view, node, levels, rows, limit) {
  const bound = maxBonus(node);
  const base = (r) => (r.hit.proximityDone ? r.hit.base : r.hit.score);
  // ties: by id where the places are in, else by number (which rows go first changes only
  // which positions are fetched, not the first rows: see the bound below)
  const order = [...rows].sort((a, b) => base(b) - base(a) || view.tie(a, b));
  const terms = runTerms(node, levels);
  let done = 0;
  let best = [];
  let batch = limit; // (Python starts at 32: any batches give the same first rows)
  while (done < order.length) {
    if (best.length >= limit && base(order[done]) + bound < best[limit - 1] - MARGIN) return;
    const chunk = order.slice(done, done + batch);
    const todo = chunk.filter((r) => !r.hit.proximityDone);
    if (todo.length) {
      await view.ensurePositions(terms, todo.map((r) => r.doc));
      for (const r of todo) {
        r.hit.base = r.hit.score;
        r.hit.proximityDone = true;
      }
      proximityBonus(view, node, levels, new Map(todo.map((r) => [r.doc, r.hit])));
    }
    done += chunk.length;
    best = [...best, ...chunk.map((r) => r.hit.score)].sort((a, b) => b - a).slice(0, limit);
    batch *= 2;
  }
}

const emptyHit = () => ({ score: 0, spans: [], tspans: [], src: [], tsrc: [], levels: [], near: 0 });

function merge(hits) {
  let score = 0;
  for (const h of hits) score += h.score;
  return {
    score,
    spans: hits.flatMap((h) => h.spans),
    tspans: hits.flatMap((h) => h.tspans),
    src: hits.flatMap((h) => h.src),
    tsrc: hits.flatMap((h) => h.tsrc),
    levels: hits.flatMap((h) => h.levels),
    near: Math.max(0, ...hits.map((h) => h.near)),
  };
}

/**
 * Matching articles with scores; ``proximity`` false: a top-level AND leaves its proximity
 * bonus out (topWithProximity adds it). Positions read here must have been fetched
 * (preparePositions).
 */
export function evaluate(view, node, mode = 'root', proximity = true) {
  const levels = MODE_LEVELS[mode];
  switch (node.type) {
    case 'term':
      return termHits(view, node, levels);
    case 'phrase':
      return phraseHits(view, node, levels);
    case 'root':
      // the root's words, then names whose common reading has this root (engine.py)
      return levelHits(view, [termClause(view, ROOT, LEVEL_FIELD[ROOT], node.root, node.root),
        termClause(view, ROOT, LEVEL_FIELD[ROOT], ALT_MARK + node.root, node.root)], node.text);
    case 'entity':
      // an entity span runs to the end of the name: marked as [pos, -1], resolved on the page
      return levelHits(view, [termClause(view, EXACT, 'entity', node.key.toLowerCase(), null, 'entity')],
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
      if (positives.length && proximity) proximityBonus(view, node, levels, hits);
      return hits;
    }
    default:
      throw new TypeError(`not a query node: ${JSON.stringify(node)}`);
  }
}

/**
 * Fill in the spans of hits read from positions (their sources; see levelHits): fetches the
 * long terms' positions for these articles first. Idempotent.
 */
export async function hitSpans(view, rows) {
  const todo = rows.filter((r) => r.hit.src.length || r.hit.tsrc.length);
  if (!todo.length) return;
  const docs = new Map(); // term → docs
  for (const r of todo) {
    for (const [, term] of [...r.hit.src, ...r.hit.tsrc]) {
      if (!docs.has(term)) docs.set(term, new Set());
      docs.get(term).add(r.doc);
    }
  }
  await Promise.all([...docs].map(([term, ds]) => view.ensurePositions([term], ds)));
  for (const r of todo) {
    const read = (sources) => sources.flatMap(([fieldname, term, last]) => view.positionsOf(fieldname, term, r.doc)
      .map((p) => [p, last === 'entity' ? -1 : p]));
    r.hit.spans = [...r.hit.spans, ...read(r.hit.src)];
    r.hit.tspans = [...r.hit.tspans, ...read(r.hit.tsrc)];
    r.hit.src = [];
    r.hit.tsrc = [];
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
 * Fetches the index shards the query needs first, and the positions it reads.
 *
 * ``limit`` (Python's): only the first ``limit`` rows need their final order; an AND's
 * proximity bonus is then added only where it can change them (topWithProximity), so that
 * its words' positions are fetched for those articles only; the articles' places in id
 * order (ties) are fetched for the rows tied in score with those rows only. ``exact``: how
 * many first rows are in their final order; ``complete(n)`` makes it n (or all). ``all``:
 * every match, filtered out or not (for counts, in no particular order).
 */
export async function search(view, query, { analyzer, mode = 'root', filters = null, node = null, limit = null } = {}) {
  if (!(mode in MODE_LEVELS)) throw new QueryError(`unknown mode ${repr(mode)}`, `نمط غير معروف ${repr(mode)}`);
  node = node || parse(query, analyzer);
  await view.ensure(queryTerms(node, mode));
  const lazy = limit !== null && maxBonus(node) > 0;
  await preparePositions(view, node, mode, lazy);
  const hits = evaluate(view, node, mode, !lazy);
  const all = [];
  const rows = [];
  for (const [doc, hit] of hits) {
    hit.levels = uniqueLevels(hit.levels);
    const row = { score: 0, doc, hit };
    all.push(row);
    if (filters === null || filters.keep(view.stored(doc))) rows.push(row);
  }
  const order = () => {
    for (const r of all) r.score = round6(r.hit.score);
    rows.sort((a, b) => b.score - a.score || view.tie(a, b)); // ties: by id, as Python
  };
  const levels = MODE_LEVELS[mode];
  const out = { query, total: rows.length, rows, all, exact: 0 };
  out.complete = async (n = rows.length) => {
    const want = Math.min(n, rows.length);
    if (want <= out.exact) return;
    if (lazy) await topWithProximity(view, node, levels, rows, want);
    order();
    // the rank keys of the rows tied in score with one of the first ``want``
    // (fetched for those only: rank/<b>.json), then their order by id
    const tied = tiedDocs(view, rows, want);
    if (tied.length) {
      await view.ensureRanks(tied);
      order();
    }
    out.exact = want;
  };
  await out.complete(limit ?? rows.length);
  if (out.exact === 0) order(); // no rows (or a limit of 0): the scores of `all` all the same
  return out;
}

/** The documents without a rank key yet among the rows (sorted by score) that tie
 * in score with one of the first ``n``. */
function tiedDocs(view, rows, n) {
  const out = [];
  let i = 0;
  while (i < n && i < rows.length) {
    let j = i + 1;
    while (j < rows.length && rows[j].score === rows[i].score) j++;
    if (j - i > 1) {
      for (let k = i; k < j; k++) if (view.rank[rows[k].doc] < 0) out.push(rows[k].doc);
    }
    i = j;
  }
  return out;
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
