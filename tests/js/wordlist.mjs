// Arabic word forms from the @cspell/dict-ar word list (Ayaspell, about 44 million forms),
// chosen by seeded random walks down its trie so that every letter and word length is covered.
//
//   node tests/js/wordlist.mjs COUNT SEED OUT.txt    → COUNT distinct words, one a line
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { importTrie } from 'cspell-trie-lib';

const require = createRequire(import.meta.url);
const [count, seed, outPath] = process.argv.slice(2);
const wanted = Number(count);

// mulberry32: a small seeded generator (same words for the same seed on every machine)
function rng(a) {
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const file = join(dirname(require.resolve('@cspell/dict-ar/cspell-ext.json')), 'ar.trie.gz');
const root = importTrie(gunzipSync(readFileSync(file)).toString('utf8').split('\n'));
// '~' holds accent-stripped duplicates; other non-Arabic keys are markers of the trie format.
const isLetter = (ch) => ch >= '\u0621' && ch <= '\u06ff';
const keys = (node) => (node.c ? Object.keys(node.c).filter(isLetter).sort() : []);

const random = rng(Number(seed));
const words = new Set();
let tries = 0;
while (words.size < wanted && tries < wanted * 20) {
  tries += 1;
  let node = root;
  let word = '';
  for (;;) {
    const next = keys(node);
    if (node.f && (next.length === 0 || random() < 0.25)) break;
    if (next.length === 0) break;
    const ch = next[Math.floor(random() * next.length)];
    word += ch;
    node = node.c[ch];
  }
  if (word && node.f) words.add(word);
}
writeFileSync(outPath, Array.from(words).join('\n') + '\n');
console.log(`${words.size} words from ${tries} walks`);
