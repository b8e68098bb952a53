// Parity harness: run the JavaScript analyzer over inputs that the Python tests also analyze.
//
//   node tests/js/parity.mjs words TABLES.json WORDS.txt OUT.tsv
//       one word per line → "normalized\tstem\troot\talt" per line (same order; alt: the
//       root of a name's common reading, or empty)
//   node tests/js/parity.mjs text TABLES.json NAMES.json|- TEXT_LIST.txt OUT.jsonl
//       one file path per line → one JSON line per file: [[start, end, normalized, stem, root,
//       entity], ...] with UTF-16 offsets; exits 1 when Analyzer.nameMatches(text) differs
//       from analyzeWithMatches(text)'s names
import { readFileSync, writeFileSync } from 'node:fs';
import { Analyzer } from '../../src/archive/browser/static/analyzer.js';

const [mode, tablesPath, ...rest] = process.argv.slice(2);
const tables = JSON.parse(readFileSync(tablesPath, 'utf8'));

if (mode === 'words') {
  const [wordsPath, outPath] = rest;
  const analyzer = new Analyzer(tables);
  const words = readFileSync(wordsPath, 'utf8').split('\n');
  if (words.length && words[words.length - 1] === '') words.pop();
  const out = [];
  for (const w of words) {
    out.push([...analyzer.analyzeWordUncached(w), analyzer.alternativeRoot(w),
      analyzer.queryRoot(w)].join('\t'));
  }
  writeFileSync(outPath, out.join('\n') + '\n');
} else if (mode === 'text') {
  const [namesPath, listPath, outPath] = rest;
  const names = namesPath === '-' ? null : JSON.parse(readFileSync(namesPath, 'utf8'));
  const analyzer = new Analyzer(tables, names);
  const files = readFileSync(listPath, 'utf8').split('\n').filter((l) => l);
  const out = [];
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const tokens = analyzer.analyze(text);
    // the highlighter's shortcut (names without stemming) finds exactly the analysis' names
    const quick = JSON.stringify(analyzer.nameMatches(text));
    const full = JSON.stringify(analyzer.analyzeWithMatches(text)[1]);
    if (quick !== full) {
      console.error(`${f}: nameMatches ${quick.slice(0, 300)} ≠ analyzeWithMatches ${full.slice(0, 300)}`);
      process.exit(1);
    }
    out.push(
      JSON.stringify(tokens.map((t) => [t.start, t.end, t.normalized, t.stem, t.root, t.entity])),
    );
  }
  writeFileSync(outPath, out.join('\n') + '\n');
} else {
  console.error('usage: parity.mjs words TABLES WORDS OUT | text TABLES NAMES|- LIST OUT');
  process.exit(2);
}
