// Run the browser's search engine (engine.js, via loader.js's runWith) under node over a built search/data folder.
//
//   node tests/js/engine.mjs DATA_DIR CASES.jsonl OUT.jsonl
//
// CASES: one JSON object a line {q, mode, place, actor, source, year, limit}; OUT: one line per
// case (with a limit: its first `limit` rows only, as the command prints),
// {"total": n, "results": [[path, score, [[clause, level], ...], proximity], ...]} or {"error": message}.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Analyzer } from '../../src/archive/browser/static/analyzer.js';
import { IndexView } from '../../src/archive/browser/static/engine.js';
import { parseData, runWith } from '../../src/archive/browser/static/loader.js';
import { LEVEL_NAME, PROXIMITY_NAME } from '../../src/archive/browser/static/query.js';

const [dataDir, casesPath, outPath] = process.argv.slice(2);
// the stored files are raw deflate: decompressed as the page does (loader.js parseData)
const read = (name) => parseData(readFileSync(join(dataDir, `${name}.dfl`)));
const meta = await read('meta.json');
const analyzer = new Analyzer(await read('analyzer-tables.json'), await read('names.json'),
  (id) => read(`lexicon/${id}.json`));
const view = new IndexView(meta, async (k) => read(`lunr/${k}.json`),
  async (b) => read(`cards/${b}.json`), async () => read('columns.json'),
  async (k, name) => read(`pos/${k}/${name}.json`),
  async (name) => read(`${name}.json`));
const engine = { analyzer, view, meta };

const out = [];
for (const line of readFileSync(casesPath, 'utf8').split('\n')) {
  if (!line) continue;
  const params = JSON.parse(line);
  try {
    const found = await runWith(engine, params);
    const rows = params.limit ? found.rows.slice(0, params.limit) : found.rows;
    await view.loadStored(rows.map((r) => r.doc));
    out.push(JSON.stringify({
      total: found.rows.length,
      results: rows.map((r) => [view.stored(r.doc).path, r.score,
        r.hit.levels.map(([text, level]) => [text, LEVEL_NAME[level]]),
        PROXIMITY_NAME[r.hit.near] ?? null]),
    }));
  } catch (exc) {
    out.push(JSON.stringify({ error: exc.message }));
  }
}
writeFileSync(outPath, out.join('\n') + '\n');
