// Loading the browser's search data and running the page's queries: the browser side of
// archive/search/service.py (what `archive search` loads before it searches) and of
// archive/commands/search.py (turning the page's parameters into Filters, as the command turns
// its options into them).
//
//   service.py / commands/search.py    loader.js
//   query_analyzer                     loadEngine (analyzer tables, names, metadata)
//   search_cmd's Filters(...)          runWith (params → Filters; several values per facet)
//   engine.search + Result.matched     charSpans / titleSpans (token → character spans)
//   (site) facet counts                facetCounts, formCounts
//
// Data lives in search/data/ beside search/assets/ (see archive/browser/index.py).

import { Analyzer } from './analyzer.js';
import { Filters, hitSpans, resolveEntities, search, validDate } from './engine.js';
import { QueryError, repr } from './query.js';

const DATA = new URL('../data/', import.meta.url);
export const ROOT_URL = new URL('../../', import.meta.url);

// Every data file is stored as a raw deflate stream as <name>.dfl (archive/browser/index.py
// pack): the host serves the bytes as they are and the page decompresses them with the
// standard DecompressionStream('deflate-raw').
async function fetchJSON(name) {
  const response = await fetch(new URL(`${name}.dfl`, DATA));
  if (!response.ok) throw new Error(`لم تُحمَّل بيانات البحث (${name}، رمز ${response.status})`);
  return parseData(await response.arrayBuffer());
}

/** The JSON of a data file's bytes, deflated (inflated here) or, from a host that sent them
 * decompressed, not (a raw deflate stream has no magic number: the JSON text is read as it is
 * when inflating it fails or does not give JSON). */
export async function parseData(buffer) {
  const bytes = new Uint8Array(buffer);
  try {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
    return JSON.parse(await new Response(stream).text());
  } catch (error) {
    return JSON.parse(new TextDecoder().decode(bytes));
  }
}

let enginePromise = null;

/** Load the index metadata, analyzer tables and names once (shared by all queries);
 * not the columns (view.ensureColumns). */
export function loadEngine() {
  if (enginePromise) return enginePromise;
  enginePromise = (async () => {
    const t0 = performance.now();
    const [meta, tables, names] = await Promise.all([
      fetchJSON('meta.json'),
      fetchJSON('analyzer-tables.json'),
      fetchJSON('names.json'),
    ]);
    // lexicon shards (names, licensed roots) are fetched on demand: analyzer.prepare(text)
    const analyzer = new Analyzer(tables, names, (id) => fetchJSON(`lexicon/${id}.json`));
    const { IndexView } = await import('./engine.js');
    // columns.json (filters, sorting by date, facets) is fetched after the first results
    // (view.ensureColumns), or before them when the query is filtered
    const view = new IndexView(meta, (k) => fetchJSON(`lunr/${k}.json`),
      (b) => fetchJSON(`cards/${b}.json`), () => fetchJSON('columns.json'),
      (k, name) => fetchJSON(`pos/${k}/${name}.json`),
      // places in id order: for rows tied in score among those shown (view.ensureRanks)
      (name) => fetchJSON(`${name}.json`));
    return { analyzer, view, meta, loadMs: performance.now() - t0 };
  })();
  enginePromise.catch(() => { enginePromise = null; });
  return enginePromise;
}

const docCache = new Map();

/** One article's id and text (fetched only for results on screen). The text is taken from
 * the article's published raw text (raw/<id>.txt, the seed file) as its card says (the card's
 * raw source, archive/browser/index.py raw_source; the cards block is fetched once for the
 * articles numbered beside it), else docs/<n>.json holds it. */
export function loadDoc(docnum) {
  if (!docCache.has(docnum)) {
    const promise = loadEngine().then(async ({ view }) => {
      await view.loadStored([docnum]);
      const { id, raw } = view.stored(docnum);
      if (!raw) return { id, text: (await fetchJSON(`docs/${docnum}.json`)).text };
      const response = await fetch(new URL(`raw/${encodeURIComponent(id)}.txt`, ROOT_URL));
      if (!response.ok) throw new Error(`لم يُحمَّل نص المقال (${id}، رمز ${response.status})`);
      return { id, text: textFromRaw(await response.text(), raw) };
    });
    promise.catch(() => docCache.delete(docnum));
    docCache.set(docnum, promise);
  }
  return docCache.get(docnum);
}

/** The text a card's raw source [start, [s, e, replacement], …] makes of the raw
 * text (UTF-16 offsets): raw[start:s1] + replacement1 + raw[e1:s2] + … + raw[e_last:]
 * (archive/browser/index.py text_from_raw). */
export function textFromRaw(raw, source) {
  let at = source[0];
  let out = '';
  for (let k = 1; k < source.length; k += 1) {
    const [s, e, replacement] = source[k];
    out += raw.slice(at, s) + replacement;
    at = e;
  }
  return out + raw.slice(at);
}

/** Character spans of token spans [first, last] ([first, -1]: a name) in ``text``. */
export function tokenCharSpans(analyzer, text, tokenSpans) {
  if (!tokenSpans.length) return [];
  // offsets need only the tokenizer, a name's span ([first, -1]) where the name ends (the
  // name matcher); stemming the article's words (analyzeWithMatches) is not needed
  const tokens = analyzer.tokenize(text).map(([start, end]) => ({ start, end }));
  const matches = tokenSpans.some(([, last]) => last === -1) ? analyzer.nameMatches(text) : [];
  const nameEnd = new Map(matches.map((m) => [m.first, m.last]));
  const out = [];
  for (const [first, last] of tokenSpans) {
    const end = last === -1 ? nameEnd.get(first) : last;
    if (tokens[first] === undefined || tokens[end] === undefined) continue;
    out.push([tokens[first].start, tokens[end].end]);
  }
  return out;
}

/** Character spans of a hit in the article's text. */
export function charSpans(analyzer, doc, hit) {
  return tokenCharSpans(analyzer, doc.text, hit.spans);
}

/** Character spans of a hit in the article's title. */
export function titleSpans(analyzer, title, hit) {
  return tokenCharSpans(analyzer, title || '', hit.tspans || []);
}

/** Run a query with the page's parameters (see runWith). */
export async function runQuery(params) {
  return runWith(await loadEngine(), params);
}

const many = (v) => (Array.isArray(v) ? v : v ? [v] : []).filter((x) => x);

/**
 * runQuery on an engine {analyzer, view, meta} (the node tests build one from files).
 * params: {q, mode, place, actor, source, year, from, to, limit}; place/actor/source/year may
 * be lists (any of them: OR within a facet, AND across facets); limit: how many first rows
 * must be in their final order (search's limit; none: all). The spans of a row's hit are
 * filled in by resolveSpans, before its text is shown.
 */
export async function runWith(engine, params) {
  const { analyzer, view } = engine;
  const mode = params.mode || 'root';
  if (view.ensure) prefetchShards(analyzer, view, params.q || '', mode);
  // a filtered query needs the columns (and the entities, to resolve a place or an actor);
  // an unfiltered one does not wait for them
  const columns = isFiltered(params) ? view.ensureColumns() : null;
  await analyzer.prepare(params.q || '');
  if (columns !== null) await columns;
  const filters = columns !== null ? makeFilters(engine, params) : null;
  const found = await search(view, params.q, { analyzer, mode, filters, limit: params.limit ?? null });
  // rows: in their final order up to `exact` (all without a limit); complete(n) orders more
  return { engine, rows: found.rows, unfiltered: found.all, exact: found.exact,
    complete: found.complete };
}

/** Fill in the spans of the rows about to be shown (loadDoc's text needs them: charSpans). */
export function resolveSpans(engine, rows) {
  return hitSpans(engine.view, rows);
}

/** Whether the page's parameters filter the results (then the columns are needed). */
export function isFiltered(params) {
  return ['place', 'actor', 'source', 'year', 'from', 'to'].some((k) => many(params[k]).length);
}

/**
 * Start fetching the index shards a query's words most likely need while the analyzer fetches
 * their lexicon shards (one round trip instead of two): each word's normalized form (exact,
 * known without the lexicon) and, in stem and root modes, its stem and root as the tables
 * loaded so far give them. When a lexicon shard changes a word's reading, search() fetches
 * the right shard after (the guess costs a few KB, never a wrong result: search() ensures its
 * own terms). The forms shards (the forms facet) wait until the first results are on screen.
 */
export function prefetchShards(analyzer, view, q, mode) {
  const terms = new Set();
  for (const [start, end] of analyzer.tokenize(q)) {
    const [norm, stem, root] = analyzer.analyzeWordUncached(q.slice(start, end));
    terms.add(norm);
    if (mode !== 'exact') terms.add(stem);
    if (mode === 'root') terms.add(root);
  }
  terms.delete('');
  if (terms.size) view.ensure([...terms]).catch(() => {});
}

/**
 * The page's filters as Filters (Python: search_cmd builds them from its options); bad dates
 * raise QueryError. A place or actor filter needs the entities: after view.ensureColumns().
 */
export function makeFilters(engine, params) {
  const { analyzer, meta } = engine;
  const norm = (s) => analyzer.normalize(s);
  const union = (kind, values) => {
    if (!values.length) return null;
    const out = new Set();
    for (const v of values) for (const k of resolveEntities(meta, kind, v, norm)) out.add(k);
    return out;
  };
  const years = many(params.year);
  for (const y of [...years, ...many(params.from), ...many(params.to)]) {
    if (!validDate(y)) throw new QueryError(`date ${repr(y)}: not a date`, `تاريخ غير صالح ${repr(y)}`);
  }
  return new Filters({
    places: union('place', many(params.place)),
    actors: union('actor', many(params.actor)),
    source: many(params.source).length ? many(params.source).map(norm) : null,
    years: years.length ? new Set(years) : null,
    dateFrom: params.from || null,
    dateTo: params.to || null,
    normalize: norm,
  });
}

const formShards = new Map();

/** The k-th forms shard (search/data/forms/<k>.json, see archive/browser/index.py). */
export function loadFormShard(k) {
  if (!formShards.has(k)) formShards.set(k, fetchJSON(`forms/${k}.json`));
  return formShards.get(k);
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
