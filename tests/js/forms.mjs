// Decode every forms entry of a built search/data folder as the browser does (forms.js
// termForms, reading the articles of entries that number them from the index shards).
//
//   node tests/js/forms.mjs DATA_DIR OUT.json
//
// OUT: {"stem"|"root": {term: {normalized: [spelling, [docnums ascending]]}}}.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IndexView } from '../../src/archive/browser/static/engine.js';
import { termForms } from '../../src/archive/browser/static/forms.js';
import { parseData } from '../../src/archive/browser/static/loader.js';
import { ROOT, STEM } from '../../src/archive/browser/static/query.js';

const [dataDir, outPath] = process.argv.slice(2);
const read = (name) => parseData(readFileSync(join(dataDir, `${name}.dfl`)));
const meta = await read('meta.json');
const view = new IndexView(meta, async (k) => read(`lunr/${k}.json`));
const out = { stem: {}, root: {} };
for (const file of readdirSync(join(dataDir, 'forms')).sort()) {
  const shard = await read(`forms/${file.replace(/\.dfl$/, '')}`);
  for (const [name, level] of [['stem', STEM], ['root', ROOT]]) {
    for (const term of Object.keys(shard[name] || {})) {
      const forms = await termForms(view, shard, level, term);
      out[name][term] = Object.fromEntries(forms.map(([norm, spelling, docs]) => [norm,
        [spelling, [...docs].sort((a, b) => a - b)]]));
    }
  }
}
writeFileSync(outPath, JSON.stringify(out));
