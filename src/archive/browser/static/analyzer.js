// The Arabic analyzer, ported from Python for the browser (and for node, in the parity tests).
//
// It reads the same exported data tables as Python (build/analyzer-tables.json, written by
// archive.analysis.tables.export_tables) and the gazetteer's name table
// (archive.gazetteer.matcher.NameMatcher.export_table). Each section below mirrors one Python
// module, function for function, under the same names in camelCase:
//
//   archive/analysis/normalize.py   clean, normalize
//   archive/analysis/tokenize.py    tokenPattern, tokenize
//   archive/analysis/morphology.py  buildTrie … stemAndRoot (deterministic tashaphyne port)
//   archive/analysis/analyzer.py    isArabic, analyzeWord, Analyzer, protectEntities
//   archive/gazetteer/matcher.py    nameTokens, cliticForms, NameMatcher
//
// Offsets: Python counts code points, JavaScript strings count UTF-16 units. Tokens here carry
// UTF-16 offsets (what String.slice needs); for text inside the Basic Multilingual Plane (all
// Arabic) the two are the same. The parity test converts.
//
// Licence: GPL-3.0-or-later (this is a port of tashaphyne, GPL).

// ------------------------------------------------------------------------------------------
// normalize.py

/** Tables of normalize.export_table(), prepared: sets and a map. */
export function prepareNormalize(table) {
  return {
    tashkeel: new Set(Array.from(table.tashkeel)),
    tatweel: table.tatweel,
    letterMap: new Map(Object.entries(table.letter_map)),
    variantMap: new Map(Object.entries(table.variant_map || {})),
  };
}

// Python: unicodedata.category(ch) == "Cf"
const FORMAT_CHAR = /^\p{Cf}$/u;

function isDropped(ch, N) {
  return N.tashkeel.has(ch) || ch === N.tatweel || FORMAT_CHAR.test(ch);
}

/** Python clean(text): NFKC, no diacritics/tatweel/format characters, Persian/Urdu
 * variants as Arabic letters, آ → ءا. */
export function clean(text, N) {
  text = text.normalize('NFKC');
  let out = '';
  for (const ch of text) {
    if (isDropped(ch, N)) continue;
    const mapped = N.variantMap.get(ch);
    out += mapped === undefined ? ch : mapped;
  }
  return out.replaceAll('\u0622', '\u0621\u0627');
}

/** Python normalize(text): the matching form. */
export function normalize(text, N) {
  text = text.normalize('NFKC');
  let out = '';
  for (const ch of text) {
    if (isDropped(ch, N)) continue;
    const mapped = N.letterMap.get(ch);
    out += mapped === undefined ? ch : mapped;
  }
  return out.toLowerCase();
}

// ------------------------------------------------------------------------------------------
// tokenize.py

function charClass(ranges) {
  const esc = (cp) => `\\u{${cp.toString(16)}}`;
  return ranges.map(([a, b]) => (a === b ? esc(a) : `${esc(a)}-${esc(b)}`)).join('');
}

/** Python token_pattern(): [start][continue]* built from the exported code-point ranges. */
export function tokenPattern(table) {
  return new RegExp(`[${charClass(table.start)}][${charClass(table.continue)}]*`, 'gu');
}

/** Python tokenize(text): [start, end] UTF-16 offsets of each token. */
export function tokenize(text, pattern) {
  const out = [];
  pattern.lastIndex = 0;
  for (const m of text.matchAll(pattern)) {
    out.push([m.index, m.index + m[0].length]);
  }
  return out;
}

// ------------------------------------------------------------------------------------------
// morphology.py

const ALEF = '\u0627';
const ALEF_MADDA = '\u0622';
const ALEF_HAMZA_ABOVE = '\u0623';
const ALEF_HAMZA_BELOW = '\u0625';
const HAMZA = '\u0621';
const WAW_HAMZA = '\u0624';
const YEH_HAMZA = '\u0626';
const HAMZA_ABOVE = '\u0654';
const HAMZA_BELOW = '\u0655';
const ALEF_MAKSURA = '\u0649';
const TEH_MARBUTA = '\u0629';
const TEH = '\u062a';
const TAH = '\u0637';
const DAL = '\u062f';
const WAW = '\u0648';
const YEH = '\u064a';
const NOON = '\u0646';

const HAMZAT =
  HAMZA + WAW_HAMZA + YEH_HAMZA + HAMZA_ABOVE + HAMZA_BELOW + ALEF_HAMZA_BELOW + ALEF_HAMZA_ABOVE;
const END = '#';

const has = (obj, key) => Object.prototype.hasOwnProperty.call(obj, key);
const reversed = (s) => s.split('').reverse().join('');

export function buildTrie(words, reverse) {
  const trie = Object.create(null);
  for (const word of words) {
    let branch = trie;
    const chars = reverse ? reversed(word) : word;
    for (const ch of chars) {
      if (!(ch in branch)) branch[ch] = Object.create(null);
      branch = branch[ch];
    }
    branch[END] = true;
  }
  return trie;
}

export function asSet(items) {
  const out = Object.create(null);
  for (const item of items) out[item] = true;
  return out;
}

function asMap(obj) {
  const out = Object.create(null);
  for (const k of Object.keys(obj)) out[k] = obj[k];
  return out;
}

/**
 * The stop-word table from its packed form (Python tables.pack_stop_words: the browser's
 * copy), or as it is when already a plain word → stem object (the full tables).
 */
export function unpackStopWords(table) {
  if (!table || !Array.isArray(table.stems)) return table || {};
  const sets = table.affix_sets.map((s) => (s === '' ? [] : s.split(' ')));
  const out = {};
  for (const line of table.stems) {
    const [head, ...others] = line.split(' ');
    const colon = head.lastIndexOf(':');
    const stem = head.slice(0, colon);
    for (const pair of sets[Number(head.slice(colon + 1))]) {
      const plus = pair.indexOf('+');
      out[pair.slice(0, plus) + stem + pair.slice(plus + 1)] = stem;
    }
    for (const word of others) out[word] = stem;
  }
  return out;
}

export function prepare(tables) {
  return {
    // The learned-pattern tables are absent from the browser's copy when they are not used.
    prefix_trie: buildTrie(tables.prefixes || [], false),
    suffix_trie: buildTrie(tables.suffixes || [], true),
    infix_letters: tables.infix_letters,
    joker: tables.joker,
    verb_affixes: asSet(tables.verb_affixes || []),
    noun_affixes: asSet(tables.noun_affixes || []),
    verb_stamps: asSet(tables.verb_stamps || []),
    roots: asSet(tables.roots || []),
    valid_roots: asSet((tables.roots || []).concat(tables.extra_roots || [])),
    stop_words: asMap(unpackStopWords(tables.stop_words)),
    corrections: asMap(tables.corrections || {}),
    patterns: asMap(tables.patterns || {}),
    min_score: tables.min_score,
    root_prior: asMap(tables.root_prior || {}),
    lexicon: asMap(tables.lexicon || {}),
    names: asMap(tables.names || {}),
    madda: asMap(tables.madda || {}),
  };
}

export function lookupPrefixes(word, trie) {
  let branch = trie;
  const lefts = [0];
  let i = 0;
  while (i < word.length && word[i] in branch) {
    if (END in branch) lefts.push(i);
    branch = branch[word[i]];
    i += 1;
  }
  if (i < word.length && END in branch) lefts.push(i);
  return lefts;
}

export function lookupSuffixes(word, trie) {
  let branch = trie;
  const rights = [];
  let i = word.length - 1;
  while (i >= 0 && word[i] in branch) {
    if (END in branch) rights.push(i + 1);
    branch = branch[word[i]];
    i -= 1;
  }
  if (i >= 0 && END in branch) rights.push(i + 1);
  return rights;
}

export function segments(word, d) {
  const lefts = lookupPrefixes(word, d.prefix_trie);
  const rights = lookupSuffixes(word, d.suffix_trie);
  const found = new Map([[`0,${word.length}`, [0, word.length]]]);
  for (const i of lefts) {
    for (const j of rights) {
      if (j >= i + 2) found.set(`${i},${j}`, [i, j]);
    }
  }
  return Array.from(found.values()).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

export function leftRight(cuts) {
  if (cuts.length === 0) return [-1, -1];
  let left = -1;
  for (const [x] of cuts) if (x > left) left = x;
  let right = -1;
  for (const [x, y] of cuts) {
    if (x === left && (right < 0 || y < right)) right = y;
  }
  return [left, right];
}

export function verbStamp(verb) {
  if (!verb) return '';
  if (verb.length === 4 && verb[0] === ALEF_HAMZA_ABOVE) verb = verb.replaceAll(ALEF_HAMZA_ABOVE, '');
  let out = '';
  for (const ch of verb) {
    if ('أإءؤئآ'.includes(ch)) out += HAMZA;
    else if ('اويى'.includes(ch)) continue;
    else out += ch;
  }
  if (out.length >= 2 && out[out.length - 1] === out[out.length - 2]) out = out.slice(0, -1);
  return out;
}

// Python: `last in (A + B + …)` with last a one-letter string ("" excluded by the caller).
const inLetters = (ch, letters) => ch !== '' && letters.includes(ch);

export function validStem(stem, tag, prefix, d) {
  if (!stem) return false;
  if (tag !== 'verb') return stem.length < 8;
  const last = prefix.slice(-1);
  if (stem.length > 6 || stem.length < 2) return false;
  else if (stem.includes(TEH_MARBUTA)) return false;
  else if (stem.length === 6 && stem[0] !== ALEF) return false;
  else if (stem.length === 5 && stem[0] !== ALEF && stem[0] !== TEH) {
    if (last !== '' && inLetters(last, YEH + TEH + NOON + ALEF_HAMZA_ABOVE)) return false;
  } else if (stem[0] === ALEF && last !== '' && inLetters(last, YEH + NOON + TEH + ALEF_HAMZA_ABOVE + ALEF)) {
    return false;
  }
  return verbStamp(stem) in d.verb_stamps;
}

export function verifyAffix(word, left, right, d) {
  const prefix = word.slice(0, left);
  const affix = prefix + '-' + word.slice(right);
  const stem = word.slice(left, right);
  if (affix in d.verb_affixes && validStem(stem, 'verb', prefix, d)) return true;
  return affix in d.noun_affixes && validStem(stem, 'noun', prefix, d);
}

export function validCuts(word, d) {
  const out = [];
  for (const [left, right] of segments(word, d)) {
    if (verifyAffix(word, left, right, d)) out.push([left, right]);
  }
  return out;
}

export function lightStem(word, d) {
  if (has(d.stop_words, word)) return d.stop_words[word];
  const cuts = validCuts(word, d);
  if (cuts.length === 0) return word;
  const [left, right] = leftRight(cuts);
  return word.slice(left, right);
}

export function replaceFrom(text, start, old, repl) {
  return text.slice(0, start) + text.slice(start).replaceAll(old, repl);
}

export function handleTehInfix(star, stem, joker) {
  if (star.replaceAll(TEH_MARBUTA, '').length !== 4) {
    let out = '';
    for (const ch of star) out += (TEH + TAH + DAL).includes(ch) ? joker : ch;
    return out;
  }
  star = replaceFrom(star, 2, TEH, joker);
  star = replaceFrom(star, stem.startsWith('ضط') ? 2 : 0, TAH, joker);
  star = replaceFrom(star, stem.startsWith('زد') ? 2 : 0, DAL, joker);
  return star;
}

export function starStem(stem, d) {
  const keep = d.infix_letters + TEH_MARBUTA;
  let star = '';
  for (const ch of stem) star += keep.includes(ch) ? ch : d.joker;
  return handleTehInfix(star, stem, d.joker);
}

export function normalizeRoot(root) {
  let out = '';
  for (const ch of root.replaceAll(ALEF_MADDA, HAMZA + ALEF)) {
    if (ch === TEH_MARBUTA) continue;
    if (ch === ALEF_MAKSURA) out += YEH;
    else if (HAMZAT.includes(ch)) out += HAMZA;
    else out += ch;
  }
  return out;
}

export function adjustRoot(root, star, joker) {
  if (!star) return root;
  if (star.length === 3) return star.replaceAll(ALEF, WAW).replaceAll(ALEF_MAKSURA, YEH);
  const first = star[0];
  const last = star[star.length - 1];
  if (first === ALEF || first === WAW) return WAW + root;
  if (first === YEH) return YEH + root;
  if (first === joker && (last === ALEF || last === WAW)) return root + WAW;
  if (first === joker && (last === ALEF_MAKSURA || last === YEH)) return root + WAW;
  if (first === joker && last === joker) {
    if (star.length === 2) return root + root[root.length - 1];
    return root[0] + WAW + root[1];
  }
  return root;
}

export function extractRoot(word, left, right, d) {
  const stem = word.slice(left, right);
  if (stem.length === 3) return adjustRoot('', stem, d.joker);
  const star = starStem(stem, d);
  let root = '';
  for (let i = 0; i < stem.length; i++) {
    if (star[i] === d.joker) root += stem[i];
  }
  root = normalizeRoot(root);
  if (root.length === 2) root = adjustRoot(root, star, d.joker);
  return root;
}

export function rootCandidates(word, d) {
  let roots = [];
  for (const [left, right] of segments(word, d)) roots.push(extractRoot(word, left, right, d));
  const sized = roots.filter((r) => r.length >= 2 && r.length <= 4);
  if (sized.length) roots = sized;
  const listed = roots.filter((r) => r in d.roots);
  if (listed.length) roots = listed;
  return roots;
}

const count = (list, x) => list.reduce((n, y) => (y === x ? n + 1 : n), 0);

export function mostCommon(roots) {
  const tri = roots.filter((r) => r.length === 3);
  if (tri.length) roots = tri;
  let best = '';
  let bestCount = 0;
  for (const r of roots) {
    const c = count(roots, r);
    if (c > bestCount || (c === bestCount && r < best)) {
      best = r;
      bestCount = c;
    }
  }
  return best;
}

export function tashaphyneRoot(word, d) {
  if (has(d.stop_words, word)) return d.stop_words[word];
  return mostCommon(rootCandidates(word, d));
}

// This project's root chooser: learned root patterns, corrections, precision guard

const DIGITS = '123456789';

export function literal(ch) {
  if (ch === ALEF_HAMZA_ABOVE || ch === ALEF_HAMZA_BELOW || ch === ALEF_MADDA) return ALEF;
  return ch;
}

export function radical(ch) {
  return normalizeRoot(ch);
}

export function combinations(n, k) {
  const out = [];
  if (k > n) return out;
  const idx = [];
  for (let i = 0; i < k; i++) idx.push(i);
  for (;;) {
    out.push(idx.slice());
    let i = k - 1;
    while (i >= 0 && idx[i] === n - k + i) i -= 1;
    if (i < 0) return out;
    idx[i] += 1;
    for (let j = i + 1; j < k; j++) idx[j] = idx[j - 1] + 1;
  }
}

const MAX_PATTERN_STEM = 9;

export function abstractions(stem) {
  const out = [];
  if (stem.length > MAX_PATTERN_STEM) return out;
  let lits = '';
  for (const ch of stem) lits += literal(ch);
  for (let k = 2; k < 5; k++) {
    for (const positions of combinations(stem.length, k)) {
      let pattern = '';
      let rads = '';
      let last = 0;
      positions.forEach((pos, number) => {
        pattern += lits.slice(last, pos) + DIGITS[number];
        rads += radical(stem[pos]);
        last = pos + 1;
      });
      pattern += lits.slice(last);
      if (rads.length === k) out.push([pattern, rads]);
    }
  }
  return out;
}

export function fill(rootPattern, rads) {
  let out = '';
  for (const ch of rootPattern) {
    const index = DIGITS.indexOf(ch);
    out += index >= 0 && index < rads.length ? rads[index] : ch;
  }
  return out;
}

export function contextKey(word, left, right, pattern) {
  let out = '';
  for (const ch of word.slice(0, left)) out += literal(ch);
  out += '[' + pattern + ']';
  for (const ch of word.slice(right)) out += literal(ch);
  return out;
}

const sameCut = (a, b) => a[0] === b[0] && a[1] === b[1];

export function rootScores(word, cuts, anchors, d) {
  const scores = new Map();
  const anchored = new Set();
  for (const [left, right] of cuts) {
    const isAnchor = anchors.some((a) => sameCut(a, [left, right]));
    for (const [pattern, rads] of abstractions(word.slice(left, right))) {
      if (!has(d.patterns, pattern)) continue;
      const readings = d.patterns[pattern];
      const key = contextKey(word, left, right, pattern);
      const inContext = has(d.patterns, key) ? d.patterns[key] : [];
      for (const [rootPattern, weight] of readings.concat(inContext)) {
        const root = fill(rootPattern, rads);
        if (root in d.valid_roots) {
          if (!scores.has(root)) scores.set(root, has(d.root_prior, root) ? d.root_prior[root] : 0);
          scores.set(root, scores.get(root) + weight);
          if (isAnchor) anchored.add(root);
        }
      }
    }
  }
  return [scores, anchored];
}

export function bestRoot(scores) {
  let best = '';
  let bestScore = 0;
  for (const root of [...scores.keys()].sort()) {
    if (best === '' || scores.get(root) > bestScore) {
      best = root;
      bestScore = scores.get(root);
    }
  }
  return [best, bestScore];
}

// ------------------------------------------------------------------------------------------
// morphology.py: lexicon readings (names kept whole, roots licensed by the lexicon)

const TEH_MARBUTA_CH = '\u0629';
const KEY_MAP = {
  '\u0623': ALEF, '\u0625': ALEF, '\u0622': ALEF, '\u0671': ALEF, '\u0649': YEH,
  '\u0624': HAMZA, '\u0626': HAMZA,
};
const CONJUNCTIONS = ['', 'و', 'ف'];
const PREPOSITIONS = ['', 'ب', 'ك', 'ل', 'س'];
const ENDINGS = ['', 'ة', 'ات', 'ان', 'ين', 'ون', 'وا', 'ت', 'تم', 'تن', 'تا', 'نا', 'ا', 'ن',
  'ي', 'ية', 'يات', 'يين', 'يون', 'تان', 'تين'];
const TEH_ENDINGS = asSet(['ات', 'ت', 'تان', 'تين', 'يات']);
const RARE_ENDINGS = asSet(['ت', 'ا', 'ن']);
/** Python TANWIN_ALEF: the alef after the tanwin of an indefinite accusative noun. */
const TANWIN_ALEF = 'ا';
const VERBAL_ENDINGS = asSet(['', 'ون', 'ان', 'ين', 'وا', 'ن', 'ا']);
const VERB_ENDINGS = ['وا', 'تم', 'تن', 'تا', 'ت'];
const NOUN_ENDINGS = ['ة', 'ات', 'ية', 'يات', 'يين', 'يون', 'تان', 'تين', 'ي'];
const PRONOUNS = ['', 'ه', 'ها', 'هم', 'هما', 'هن', 'ك', 'كم', 'كن', 'ي', 'نا'];
const PRONOUN_SET = asSet(PRONOUNS);
const RARE_PRONOUNS = { 'كن': true };
const MIN_NAME = 3;
export const LOANWORD = '*';
/** Prefix of a name's common-reading root in the index's root fields (morphology.ALT_MARK):
 * only a ``جذر:`` query looks it up (engine.js). */
export const ALT_MARK = '~';
const ARTICLE_TAG = 'al';
/** Tag of a name read as the name only after ال, a club (morphology.ALONLY_TAG). */
const ALONLY_TAG = 'alonly';
/** ل + the article (Python ARTICLE_L). */
const ARTICLE_L = 'لل';
/** Source tag of the nisba of a country or well-known place (morphology.NISBA_TAG). */
const NISBA_TAG = 'nisba';

/** Python plural_name(tags): a name in ي whose plural and dual are the name too (a place's
 * nisba, or another spelling of a name), not a family name that is also an adjective. */
function pluralName(tags) {
  return tags.startsWith('=') || tags.split(',').includes(NISBA_TAG);
}
const LIGHT_CONJUNCTION_REST = 4;
const LIGHT_ENDINGS = ['يات', 'يين', 'يون', 'ية', 'ات', 'ون', 'ين', 'ي', 'ة'];

const byLengthThenText = (a, b) => (a.length - b.length) || (a < b ? -1 : a > b ? 1 : 0);

/** Python lexicon_key(word): normalised letters, every seated hamza as ء. */
export function lexiconKey(word) {
  let out = '';
  for (let i = 0; i < word.length; i++) {
    const ch = word[i];
    // clean() spells آ as ءا: read it as ا again, but keep a hamza after an alef (إجراءات)
    if (ch === HAMZA && word.slice(i + 1, i + 2) === ALEF && word.slice(i - 1, i) !== ALEF) continue;
    out += has(KEY_MAP, ch) ? KEY_MAP[ch] : ch;
  }
  return out;
}

/** Python proclitics(): every proclitic sequence, shortest first. */
export function proclitics() {
  const out = [];
  for (const conj of CONJUNCTIONS) {
    for (const prep of PREPOSITIONS) {
      for (const art of ['', 'ال']) {
        if (prep === 'س' && art) continue;
        out.push(prep === 'ل' && art ? conj + 'لل' : conj + prep + art);
      }
    }
  }
  return out.sort(byLengthThenText);
}

/** Python enclitics(): [sequence, cost, teh, verbal], shortest first. */
export function enclitics() {
  const out = new Map();
  for (const ending of ENDINGS) {
    for (const pronoun of PRONOUNS) {
      const cost = (ending === '' ? 0 : has(RARE_ENDINGS, ending) ? 2 : 1) +
        (pronoun === '' ? 0 : has(RARE_PRONOUNS, pronoun) ? 2 : 1);
      const teh = has(TEH_ENDINGS, ending) || (ending === '' && pronoun !== '');
      const verbal = has(VERBAL_ENDINGS, ending);
      if (ending === 'ي' && pronoun !== '') continue;
      const seq = ending + pronoun;
      if (out.has(seq)) {
        const old = out.get(seq);
        out.set(seq, [Math.min(old[0], cost), old[1] || teh, old[2] || verbal]);
      } else {
        out.set(seq, [cost, teh, verbal]);
      }
    }
  }
  const keys = [...out.keys()].sort(byLengthThenText);
  return keys.map((k) => [k, ...out.get(k)]);
}

let CLITICS = null;
function cliticLists() {
  if (CLITICS === null) CLITICS = [proclitics(), enclitics()];
  return CLITICS;
}

/** Python prefix_cost(prefix): one per proclitic morpheme. */
export function prefixCost(prefix) {
  let cost = 0;
  let rest = prefix;
  if (rest.slice(0, 1) === 'و' || rest.slice(0, 1) === 'ف') {
    cost += 1;
    rest = rest.slice(1);
  }
  if (rest === 'لل') return cost + 2;
  if (['ب', 'ك', 'ل', 'س'].includes(rest.slice(0, 1))) {
    cost += 1;
    rest = rest.slice(1);
  }
  if (rest === 'ال') cost += 1;
  return cost;
}

/** Python pos_of(prefix, suffix): 'n', 'v', 'b' or ''. */
export function posOf(prefix, suffix) {
  const last = prefix.slice(-1);
  let noun = prefix.includes('ال') || prefix.includes('لل') || last === 'ب' || last === 'ك' ||
    (prefix.length >= 2 && ['ب', 'ك'].includes(prefix.slice(-2, -1)));
  let verb = last === 'س';
  const ends = (ending) => suffix.startsWith(ending) &&
    (suffix === ending || has(PRONOUN_SET, suffix.slice(ending.length)));
  for (const ending of NOUN_ENDINGS) if (ends(ending)) noun = true;
  for (const ending of VERB_ENDINGS) if (ends(ending)) verb = true;
  if (noun && verb) return '';
  return noun ? 'n' : verb ? 'v' : 'b';
}

/** Letters an imperfect verb (or its ي-form) begins with. */
const IMPERFECT = 'يتنا';
/** Endings only an imperfect of the second or third person takes. */
const IMPERFECT_ENDINGS = ['ون', 'ين', 'ان'];

/** Python person_ending(first, suffix): the first person takes no inflectional ending. */
export function personEnding(first, suffix) {
  if (first === 'ت') return true;
  if (first === 'ن') return has(PRONOUN_SET, suffix);
  for (const ending of IMPERFECT_ENDINGS) {
    if (suffix.startsWith(ending) && has(PRONOUN_SET, suffix.slice(ending.length))) return false;
  }
  return true;
}

/** Python preposition(prefix): 'ب', 'ك', 'ل', 'لل' or '' (the preposition of a proclitic). */
export function preposition(prefix) {
  const rest = ['و', 'ف'].includes(prefix.slice(0, 1)) ? prefix.slice(1) : prefix;
  if (rest === 'لل' || rest === 'ل') return rest;
  return ['ب', 'ك'].includes(rest.slice(0, 1)) ? rest.slice(0, 1) : '';
}

/** Python alef_ending(suffix): the ending ا, alone or before a pronoun. */
function alefEnding(suffix) {
  return suffix.slice(0, 1) === ALEF && has(PRONOUN_SET, suffix.slice(1));
}

/** Python candidates(key): [cost, core, bare, pos] of every clitic segmentation, cheapest first. */
export function candidates(key, tanwin = false, maksura = false) {
  const [prefixes, suffixes] = cliticLists();
  const out = [];
  for (const prefix of prefixes) {
    if (!key.startsWith(prefix)) continue;
    const pcost = prefixCost(prefix);
    const art = prefix.endsWith('ال') || prefix.endsWith('لل');
    const prep = preposition(prefix);
    for (const [suffix, scost, teh, verbal] of suffixes) {
      if (!key.endsWith(suffix) || key.length - prefix.length - suffix.length < 2) continue;
      if (maksura && suffix.endsWith(YEH)) continue; // a final ى is no suffix ي (تسعى)
      const core = key.slice(prefix.length, key.length - suffix.length);
      const cost = pcost + scost;
      const bare = suffix === '';
      let pos = posOf(prefix, suffix);
      const genitive = prep !== '' && alefEnding(suffix);
      // after ب ك ل a final ا is no accusative or dual alef, except on ل + imperfect (ليفعلا)
      if (genitive) pos = prep === 'ل' && (pos === 'b' || pos === 'v') ? 'v' : '';
      // the future س takes only an imperfect (سجلت is no س + جلت)
      if (pos !== '' && prefix.endsWith('س') && !IMPERFECT.includes(core[0])) pos = '';
      if (pos !== '') out.push([cost, core, bare, pos, art]);
      if (tanwin && suffix === TANWIN_ALEF && !art && !core.endsWith(ALEF) && !genitive) {
        out.push([cost - 1, core, false, 'n', art]);
      }
      if (teh && suffix !== '' && posOf(prefix, '') !== 'v') {
        if (core.endsWith(TEH) && suffix.slice(0, 1) !== TEH) {
          out.push([cost, core.slice(0, -1) + TEH_MARBUTA_CH, false, 'n', art]);
        } else if (suffix.slice(0, 1) !== TEH && !core.endsWith(TEH_MARBUTA_CH)) {
          out.push([cost, core + TEH_MARBUTA_CH, false, 'n', art]);
        }
      }
      if (verbal && posOf(prefix, '') !== 'n' && 'تنا'.includes(core[0]) && core.length >= 3 &&
          personEnding(core[0], suffix)) {
        out.push([cost + 2, YEH + core.slice(1), false, 'v', art]);
      }
      const ending = defectiveEnding(suffix);
      if (ending !== '' && posOf(prefix, '') !== 'n') {
        if (ending !== 'ت' && 'يتن'.includes(core[0]) && core.length >= 3) {
          out.push([cost, core + YEH, false, 'v', art]);
        }
        if (ending !== 'ون' && core[0] !== YEH && !prefix.endsWith('س')) {
          out.push([cost, core + YEH, false, 'v', art]);
          if (core.length === 2) out.push([cost, core + ALEF, false, 'v', art]);
        }
      }
      if (has(ALEF_PRONOUNS, suffix) && core.endsWith(ALEF) && core.length >= 3 &&
          !core.slice(0, 3).includes(ALEF + 'ل')) {
        out.push([cost, core.slice(0, -1) + YEH, false, pos, art]);
      }
    }
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/** Endings before which a defective verb's final weak radical is not written. */
const DEFECTIVE_ENDINGS = ['ون', 'وا', 'ت'];
/** Pronouns before which a final ى is written ا. */
const ALEF_PRONOUNS = { 'ه': true, 'ها': true, 'هم': true, 'هما': true, 'هن': true };

/** Python defective_ending(suffix): ون, وا or ت (alone or before a pronoun), else ''. */
export function defectiveEnding(suffix) {
  for (const ending of DEFECTIVE_ENDINGS) {
    if (suffix.startsWith(ending) && has(PRONOUN_SET, suffix.slice(ending.length))) return ending;
  }
  return '';
}

/** Python name_key(core, names): a feminine nisba shares the masculine's key. */
export function nameKey(core, names) {
  if (names[core].startsWith('=')) core = names[core].slice(1).split(',')[0];
  if (core.endsWith(YEH + TEH_MARBUTA_CH) && has(names, core.slice(0, -1))) {
    return nameKey(core.slice(0, -1), names);
  }
  return core;
}

/** Endings of transliterated foreign names that no Arabic root and pattern produce. */
const FOREIGN_ENDINGS = ['سون', 'ستون', 'سكي', 'فيتش', 'يتش', 'ينيو', 'ينو', 'يلو', 'بورغ', 'بيرغ',
  'برغ', 'شتاين', 'وفا'];

/** Python foreign_ending(key): the key ends like a foreign name (two letters or more before). */
export function foreignEnding(key) {
  for (const ending of FOREIGN_ENDINGS) {
    if (key.endsWith(ending) && key.length - ending.length >= 2) return true;
  }
  return false;
}

/** Python light_key(word): root key of a word no lexicon knows (without its clitics). */
export function lightKey(word) {
  let key = lexiconKey(word);
  const prefixes = cliticLists()[0];
  for (let i = prefixes.length - 1; i >= 0; i--) {
    const prefix = prefixes[i];
    if (prefix.endsWith('ال') || prefix.endsWith('لل')) {
      if (key.startsWith(prefix) && key.length - prefix.length >= 3) {
        key = key.slice(prefix.length);
        break;
      }
    }
  }
  while (key.startsWith(WAW) && key.length - 1 >= LIGHT_CONJUNCTION_REST) key = key.slice(1);
  if (foreignEnding(key)) return key;
  for (const ending of LIGHT_ENDINGS) {
    if (key.endsWith(ending) && key.length - ending.length >= 3) return key.slice(0, -ending.length);
  }
  return key;
}

/**
 * Python lexicon_reading(word, d, names_too): the licensed reading, read again with roots in ء
 * only when the word writes a hamza on an alef inside its stem and the root has none.
 */
export function lexiconReading(word, d, namesToo = true) {
  const reading = licensedReading(word, d, namesToo);
  if (reading === null) return constructPlural(word, d, namesToo);
  const start = cliticHamza(word);
  if (reading !== null && reading[0] === 'root' && !reading[1].includes(HAMZA) && start > 0) {
    const at = lexiconKey(word).indexOf(reading[2].slice(0, 2));
    // the core takes in a proclitic letter before a written أ/إ (للأزمة is لل + أزمة)
    const rest = (word.slice(0, start).endsWith('لل') ? 'ال' : '') + word.slice(start);
    if (at >= 0 && at < start && !has(d.stop_words, rest)) {
      const again = lexiconReading(rest, d, namesToo);
      if (again !== null) return again;
    }
  }
  if (reading !== null && reading[0] === 'root' && !reading[1].includes(HAMZA) &&
      writtenHamza(word)) {
    const radical = licensedReading(word, d, namesToo, true);
    if (radical !== null && radical[0] === 'root') return radical;
  }
  return reading;
}

const CONSTRUCT_ENDINGS = [[WAW, 'ون'], [YEH, 'ين']];

/** Python construct_plural(word, d, names_too). */
export function constructPlural(word, d, namesToo = true) {
  const key = lexiconKey(word);
  for (const pronoun of PRONOUNS) {
    for (const [letter, ending] of CONSTRUCT_ENDINGS) {
      const tail = letter + pronoun;
      if ((letter === YEH && pronoun === '') || pronoun.startsWith('ك') ||
        !word.endsWith(tail) || word.length - tail.length < 4) continue;
      const reading = lexiconReading(word.slice(0, word.length - tail.length) + ending, d,
        namesToo);
      if (reading === null || reading[0] !== 'root') continue;
      const core = reading[2];
      const stem = key.slice(0, key.length - tail.length);
      const before = stem.slice(0, stem.length - core.length);
      if (stem.endsWith(core) && core.length >= 4 &&
        (core[0] === 'م' || (core.length === 4 && core[1] === ALEF)) &&
        !before.endsWith(ALEF + 'ل') && !before.endsWith(ARTICLE_L) && !has(d.names, core)) {
        return reading;
      }
    }
  }
  return null;
}

/** Python madda_key(word): lexiconKey, but a madda written first or after the proclitics
 * stays آ. */
export function maddaKey(word) {
  const key = lexiconKey(word);
  const prefixes = cliticLists()[0];
  for (let i = 0; i < word.length - 1; i++) {
    if (word[i] === HAMZA && word[i + 1] === ALEF && prefixes.includes(word.slice(0, i)) &&
        word.slice(i - 1, i) !== ALEF) {
      return key.slice(0, i) + ALEF_MADDA + key.slice(i + 1);
    }
  }
  return key;
}

/** Python fold_madda(key): the written madda folded into ا. */
export function foldMadda(key) {
  return key.replaceAll(ALEF_MADDA, ALEF);
}

/** Python clitic_hamza(word): where a written أ/إ follows a proclitic sequence, else 0. */
export function cliticHamza(word) {
  const prefixes = cliticLists()[0];
  for (let i = 1; i < Math.min(word.length - 1, 5); i++) {
    if ((word[i] === ALEF_HAMZA_ABOVE || word[i] === ALEF_HAMZA_BELOW) &&
      prefixes.includes(word.slice(0, i)) && !word.slice(0, i).endsWith('س') &&
      (word.slice(0, i).endsWith(ARTICLE_L) || word.length - i >= 3)) return i;
  }
  return 0;
}

/** Python written_hamza(word): a hamza on an alef the key folds away, not after proclitics. */
export function writtenHamza(word) {
  const prefixes = cliticLists()[0];
  for (let i = 1; i < word.length; i++) {
    const ch = word[i];
    const folded = ch === ALEF_HAMZA_ABOVE || ch === ALEF_HAMZA_BELOW ||
      (ch === HAMZA && word.slice(i + 1, i + 2) === ALEF && word[i - 1] !== ALEF);
    if (folded && !prefixes.includes(word.slice(0, i))) return true;
  }
  return false;
}

/** Python licensed_reading(word, d, names_too, hamza_only): ['name', core], ['root', root]. */
export function licensedReading(word, d, namesToo = true, hamzaOnly = false) {
  const { lexicon } = d;
  const names = namesToo ? d.names : {};
  let bestCost = -1;
  const scores = new Map();
  const sums = new Map();
  const cores = new Map();
  const verbs = new Map(); // the root was licensed by verb entries only
  const order = [];
  let whole = '';
  let wholeWeight = 0; // the loanword's lemma weight and core
  let wholeCore = '';
  const marked = maddaKey(word);
  const key = foldMadda(marked);
  // the roots a core in a written آ may have (null: any): the lexicon's forms in آ
  let found = [];
  let gates = [];
  for (const [cost, core, bare, pos, art] of candidates(marked, word.endsWith(ALEF),
    word.endsWith(ALEF_MAKSURA))) {
    let gate = null;
    if (core.includes(ALEF_MADDA)) {
      const roots = core[0] === ALEF_MADDA && has(d.madda, foldMadda(core))
        ? d.madda[foldMadda(core)] : '';
      gate = ',' + roots + ',';
    }
    found.push([cost, foldMadda(core), bare, pos, art]);
    gates.push(gate);
    if (core[0] === ALEF_MADDA && pos !== 'n' && bare && core.length >= 3) {
      // آ is also the first person أ + a hamza radical: آمل is أأمل (يأمل)
      found.push([cost + 2, YEH + foldMadda(core), false, 'v', art]);
      gates.push(HAMZA);
    }
  }
  // the word ends in a bare alef (not أ, which the key also writes ا, nor ءا: جزءا)
  const bareAlef = word.endsWith(ALEF) && word.slice(-2, -1) !== HAMZA;
  const ranked = found.map((_, i) => i).sort((a, b) => found[a][0] - found[b][0]);
  found = ranked.map((i) => found[i]);
  gates = ranked.map((i) => gates[i]);
  let articleRead = false; // some reading takes a bare ال off as the article
  for (const [, core, , , art] of found) {
    if (art && has(lexicon, core)) {
      articleRead = true;
      break;
    }
  }
  for (const [index, [cost, core, bare, candidatePos, art]] of found.entries()) {
    const gate = gates[index];
    let pos = candidatePos;
    if (bestCost >= 0 && cost > bestCost) break;
    if ((bare || core.endsWith(YEH)) && pos !== 'v' && core.length >= MIN_NAME && has(names, core) &&
        (bare || key.endsWith(core + TEH_MARBUTA_CH) || pluralName(names[core])) &&
        (!art || names[core].split(',').includes(ARTICLE_TAG) ||
         (core.endsWith(YEH) && (bare || key.endsWith(core + TEH_MARBUTA_CH)))) &&
        (art || !names[core].split(',').includes(ALONLY_TAG))) {
      return ['name', nameKey(core, names), nameKey(core, names)];
    }
    // (after an article already taken off, a core in ال is a word of its own: الالتزام)
    if (articleRead && !art && bareArticle(word, key, core)) {
      if (pos === 'n' || !form8Verb(core, lexicon)) continue;
      pos = 'v'; // a Form VIII verb of a root in ل (التقى), not a noun in أل (ألسنة)
    }
    const nisba = namesToo && art ? familyNisba(key, core, lexicon) : '';
    if (nisba !== '') return ['name', nisba, nisba];
    if (has(lexicon, core)) {
      for (const entry of lexicon[core].split('|')) {
        const [root, kind, weight] = entry.split(':');
        if (pos !== 'b' && kind !== 'b' && kind !== pos) continue;
        if (hamzaOnly && !root.includes(HAMZA)) continue;
        if (gate !== null && (gate !== HAMZA ? !gate.includes(',' + root + ',')
          : !root.startsWith(HAMZA))) continue;
        // a bare final ا is no hamza radical: يوما is يوم + ا, not the verb يومأ
        if (bareAlef && bare && root.endsWith(HAMZA) && core.endsWith(ALEF)) continue;
        bestCost = cost;
        if (root.startsWith(LOANWORD)) {
          if (!whole) {
            whole = root.slice(LOANWORD.length);
            wholeWeight = parseInt(weight, 10);
            wholeCore = core;
          }
        } else if (scores.has(root)) {
          scores.set(root, Math.max(scores.get(root), parseInt(weight, 10)));
          sums.set(root, sums.get(root) + parseInt(weight, 10));
        } else {
          scores.set(root, parseInt(weight, 10));
          sums.set(root, parseInt(weight, 10));
          cores.set(root, core);
          order.push(root);
          verbs.set(root, true);
        }
        if (kind !== 'v') verbs.set(root, false);
      }
    }
  }
  if (order.length === 0) {
    if (whole && wholeCore === key) {
      // ب/ل + a far more frequent noun beats a loanword homograph too (بطريق)
      const clitic = prepositionReading(key, found, lexicon, wholeWeight, bestCost, key);
      if (clitic !== null) return ['root', clitic[0], clitic[1]];
    }
    return whole ? ['name', whole, whole] : null;
  }
  const prior = (r) => (has(d.root_prior, r) ? d.root_prior[r] : 0);
  let best = order[0];
  const plural = key.endsWith(FEMININE_PLURAL);
  const fem = (root) => (feminineSoundPlural(plural, cores.get(root)) ? 1 : 0);
  for (const root of order) {
    if (scores.get(root) > scores.get(best) || (scores.get(root) === scores.get(best) &&
        (sums.get(root) > sums.get(best) ||
         (sums.get(root) === sums.get(best) && (fem(root) > fem(best) ||
          (fem(root) === fem(best) && prior(root) > prior(best))))))) best = root;
  }
  if (!whole && (key.startsWith(cores.get(best)) ||
    (key.startsWith(ARTICLE_L) && key.slice(1).startsWith(cores.get(best))))) {
    const clitic = prepositionReading(key, found, lexicon, scores.get(best), bestCost,
      cores.get(best));
    if (clitic !== null) return ['root', clitic[0], clitic[1]];
  }
  if (!whole && key.startsWith(WAW)) {
    let verb = conjunctionReading(key, found, lexicon, scores.get(best), bestCost,
      cores.get(best));
    if (verb === null) verb = conjunctionPast(word, key, d, scores.get(best), cores.get(best),
      namesToo);
    if (verb !== null) return ['root', verb[0], verb[1]];
  }
  if (bestCost === 0 && !whole) {
    if (verbs.get(best) && bareAlef) {
      const noun = tanwinReading(key, found, lexicon, d.stop_words, scores.get(best));
      if (noun !== null) return ['root', noun[0], noun[1]];
    }
  }
  return ['root', best, cores.get(best)];
}

/** Python FEMININE_PLURAL: the sound feminine plural ending. */
const FEMININE_PLURAL = 'ات';

/** Python feminine_plural(plural, core): a word in ات read as a singular in ة + ات. */
export function feminineSoundPlural(plural, core) {
  return plural && core.endsWith(TEH_MARBUTA_CH);
}

/** Python CLITIC_MARGIN: how much more frequent (log2) ب/ل + noun must be than the word. */
const CLITIC_MARGIN = 6;

/** Python tanwin_reading(key, found, lexicon, stop_words, whole_weight): [root, core] of a
 * noun + the tanwin alef far more frequent than the verb the whole word is (جدا), or null. */
export function tanwinReading(key, found, lexicon, stopWords, wholeWeight) {
  return heavierNoun(found.filter(([cost, core, bare, pos, art]) => cost === 1 && !bare &&
    !art && pos === 'n' && key.slice(0, -1) === core && !has(stopWords, core) &&
    has(lexicon, core)).map((c) => c[1]), lexicon, wholeWeight);
}

/** Python heavier_noun(cores, lexicon, whole_weight, other): [root, core] of the most frequent
 * noun reading (other 'n': verb reading) of cores weighing CLITIC_MARGIN more than the whole
 * word, or null. */
export function heavierNoun(cores, lexicon, wholeWeight, other = 'v') {
  let best = null;
  let top = wholeWeight + CLITIC_MARGIN - 1;
  for (const core of cores) {
    for (const entry of lexicon[core].split('|')) {
      const [root, kind, weight] = entry.split(':');
      if (kind !== other && !root.startsWith(LOANWORD) && parseInt(weight, 10) > top) {
        best = [root, core];
        top = parseInt(weight, 10);
      }
    }
  }
  return best;
}

/** Python preposition_reading(key, found, lexicon, whole_weight, whole_cost, whole_core):
 * [root, core] of ب/ل + a noun (with the cheapest reading's ending) or null. */
export function prepositionReading(key, found, lexicon, wholeWeight, wholeCost = 0,
  wholeCore = '') {
  const whole = wholeCore || key;
  // لل + a noun against ل + a rarer word in ل (للسنة): the cheapest core follows the first ل
  const after = key.startsWith(ARTICLE_L) && key.slice(1).startsWith(whole) ? 1 : 0;
  return heavierNoun(found.filter(([cost, core, , pos, art]) => cost === wholeCost + 1 &&
    art === (after === 1) && pos !== 'v' && core.length >= 3 &&
    ['ب', 'ل'].includes(key.slice(0, 1)) && key.slice(after).startsWith(whole) &&
    whole.slice(1) === core && has(lexicon, core)).map((c) => c[1]),
  lexicon, wholeWeight);
}

/** Python conjunction_reading(key, found, lexicon, best_weight, best_cost, best_core): [root,
 * core] of a past verb in و + ت far more frequent than و + the cheapest core (وصلت), or null. */
export function conjunctionReading(key, found, lexicon, bestWeight, bestCost, bestCore) {
  if (key.startsWith(bestCore) || !key.endsWith(TEH)) return null;
  return heavierNoun(found.filter(([cost, core, , pos]) => cost === bestCost + 1 &&
    pos !== 'n' && core === key.slice(0, -1) && has(lexicon, core)).map((c) => c[1]),
  lexicon, bestWeight, 'n');
}

/** Python CONJUNCTION_MARGIN: how much more frequent (log2) و + a past in ت must be. */
const CONJUNCTION_MARGIN = 4;
/** Python HAMZA_TEH: a past whose last radical is a written hamza before ت (بدأت). */
const HAMZA_TEH = '\u0623' + TEH;

/** Python conjunction_past(word, key, d, best_weight, best_core, names_too): [root, core] of و + a past
 * verb in ت (read as the word without و is read) weighing CONJUNCTION_MARGIN more than the
 * cheapest reading, which keeps the و in its core (ودعت), or null. */
export function conjunctionPast(word, key, d, bestWeight, bestCore, namesToo = true) {
  const stem = key.slice(1, -1);
  if (!(key.startsWith(WAW) && key.endsWith(TEH) && bestCore.startsWith(WAW)) ||
      stem.length < 2 || (stem.endsWith(ALEF) && !word.endsWith(HAMZA_TEH))) return null;
  const rest = licensedReading(word.slice(1), d, namesToo);
  if (rest === null || rest[0] !== 'root' || !(rest[2] === stem ||
      (rest[2].slice(0, -1) === stem && (rest[2].endsWith(YEH) || rest[2].endsWith(ALEF))))) {
    return null;
  }
  for (const entry of d.lexicon[rest[2]].split('|')) {
    const [root, kind, weight] = entry.split(':');
    if (root === rest[1] && kind !== 'n' && parseInt(weight, 10) >= bestWeight +
        CONJUNCTION_MARGIN) return [rest[1], rest[2]];
  }
  return null;
}

/** Python bare_article: the core starts with ال written with a bare alef in the word. */
export function bareArticle(word, key, core) {
  const start = key.indexOf(core);
  return core.startsWith(ALEF + 'ل') && key.length === word.length && start >= 0 &&
    word[start] === ALEF;
}

/** Python form8_verb(core, lexicon): a Form VIII verb of a root in ل (التقى) more frequent
 * than ال + the rest of it. */
export function form8Verb(core, lexicon) {
  if (!core.startsWith(FORM8_L) || !has(lexicon, core)) return false;
  let verb = 0;
  for (const entry of lexicon[core].split('|')) {
    const [, kind, weight] = entry.split(':');
    if (kind !== 'n' && parseInt(weight, 10) > verb) verb = parseInt(weight, 10);
  }
  let other = 0;
  const rest = core.slice(2);
  if (has(lexicon, rest)) {
    for (const entry of lexicon[rest].split('|')) {
      const weight = parseInt(entry.split(':')[2], 10);
      if (weight > other) other = weight;
    }
  }
  return verb > other;
}

/** Python family_nisba: ال + a licensed noun + ي that is no lexicon word (العريفي). */
export function familyNisba(key, core, lexicon) {
  if (core.length < 3 || !has(lexicon, core) || core.endsWith(YEH)) return '';
  for (const tail of NISBA_TAILS) {
    if (key.endsWith(core + tail) && !has(lexicon, core + tail)) return core + tail;
  }
  return '';
}
const NISBA_TAILS = ['ي', 'اني'];
/** How a Form VIII verb of a root whose first radical is ل begins (التقى، التزم). */
const FORM8_L = 'الت';

/** Python common_root(word, d): the root of the common-word reading of a word the name lexicon
 * reads as a name (جدة → جدد), or ''. The index files it as ALT_MARK + root. */
export function commonRoot(word, d) {
  if (has(d.stop_words, word) || !d.lexicon) return '';
  const reading = lexiconReading(word, d);
  if (reading === null || reading[0] !== 'name' || !has(d.names, reading[1])) return '';
  const common = lexiconReading(word, d, false);
  // the name's own letters must be the common word (درعا is not درع + ا)
  if (common === null || common[0] !== 'root' || common[2] !== reading[1] ||
      common[1] === reading[1]) return '';
  return common[1];
}

/** Python NAME_PREPOSITIONS: prepositions a foreign name no lexicon knows may carry (لترامب). */
const NAME_PREPOSITIONS = ['ب', 'ل'];

/** Python query_root(word, d): the light key of a word no lexicon knows without a leading ب/ل
 * (after و/ف), which a query asks for at the root level (لترامب → ترامب), or ''. */
export function queryRoot(word, d) {
  if (has(d.stop_words, word) || (d.lexicon && lexiconReading(word, d) !== null)) return '';
  const start = word.startsWith('و') || word.startsWith('ف') ? 1 : 0;
  if (!NAME_PREPOSITIONS.includes(word.slice(start, start + 1))) return '';
  const rest = word.slice(start + 1);
  if (lexiconKey(rest).length < 3 || rest.startsWith('ال') || has(d.stop_words, rest)) return '';
  const key = lightKey(rest);
  return key === lightKey(word) ? '' : key;
}

/** Shard ids (analyzer-tables lexicon_shards) that the lexicon reading of a clean word reads. */
export function shardsOf(word, shardLen) {
  const out = new Set();
  const key = lexiconKey(word);
  // conjunctionPast reads a word in و … ت without its و as that word is read alone
  const keys = key.startsWith(WAW) && key.endsWith(TEH) ? [key, lexiconKey(word.slice(1))]
    : [key];
  for (const k of keys) {
    for (const [, core] of candidates(k)) {
      const head = Array.from(core.slice(0, shardLen));
      out.add(head.map((ch) => ch.codePointAt(0).toString(16).padStart(4, '0')).join('-'));
    }
  }
  return out;
}

/** Python stem_root(word, d): (stem, root key) of a clean word. */
export function stemRoot(word, d) {
  if (has(d.stop_words, word)) return [d.stop_words[word], d.stop_words[word]];
  const reading = lexiconReading(word, d);
  if (reading !== null) return [reading[2], reading[1]];
  if (FALLBACK === 'patterns') {
    const cuts = validCuts(word, d);
    const whole = [0, word.length];
    const [left, right] = cuts.length ? leftRight(cuts) : whole;
    const stem = word.slice(left, right);
    if (!cuts.some((c) => sameCut(c, whole))) cuts.push(whole);
    const [scores, anchored] = rootScores(word, cuts, [[left, right], whole], d);
    const [root, score] = bestRoot(scores);
    if (root !== '' && score >= d.min_score && anchored.has(root)) return [stem, root];
    if (has(d.corrections, stem)) return [stem, d.corrections[stem]];
    return [stem, lightKey(word)];
  }
  const light = lightKey(word);
  return [light, light];
}

/** Python FALLBACK: what a word no lexicon knows gets ('light': its light key). */
export const FALLBACK = 'light';

/** Python stem_and_root(word) for a word already passed through clean(). */
export function stemAndRoot(word, d) {
  if (!word) return [word, word];
  return stemRoot(word, d);
}

// ------------------------------------------------------------------------------------------
// analyzer.py

/** Python CLAUSE_BREAKS: a multi-word name never runs across these characters. */
export const CLAUSE_BREAKS = '.،,؛;:!?؟\n';

/** Python clause_breaks(text, tokens): indices k of tokens preceded by clause punctuation. */
export function clauseBreaks(text, tokens, breakChars = CLAUSE_BREAKS) {
  const out = new Set();
  for (let k = 1; k < tokens.length; k++) {
    const gap = text.slice(tokens[k - 1].end, tokens[k].start);
    for (const ch of gap) {
      if (breakChars.includes(ch)) {
        out.add(k);
        break;
      }
    }
  }
  return out;
}

export function isArabic(word) {
  for (const ch of word) {
    if ((ch >= '\u0621' && ch <= '\u064a') || ch === '\u0671') return true;
  }
  return false;
}

// ------------------------------------------------------------------------------------------
// gazetteer/matcher.py

export function isArabicToken(token) {
  for (const ch of token) if (ch >= '\u0621' && ch <= '\u064a') return true;
  return false;
}

export function cliticForms(first, table) {
  const article = table.article;
  const forms = [[first, '']];
  if (!isArabicToken(first)) return forms;
  for (const clitic of table.proclitics) {
    if (clitic.endsWith('ل') && first.startsWith(article)) {
      forms.push([clitic + first.slice(1), clitic]);
      if (first.startsWith(article + 'ل')) forms.push([clitic + first.slice(2), clitic]);
    } else {
      forms.push([clitic + first, clitic]);
    }
  }
  return forms;
}

// Python sorts by tuples of strings: compare by code point (same as UTF-16 order in the BMP).
const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

const RULE_KEYS = ['requires_before', 'requires_after', 'excludes_before', 'excludes_after'];

/** Python names.is_given_name / is_family_name over the exported lists (table.classes). */
export function wordClasses(table) {
  const c = table.classes || { given_names: [], kinship: [], not_family: [] };
  const given = new Set(c.given_names);
  const kinship = new Set(c.kinship);
  const notFamily = new Set(c.not_family);
  return {
    '@given-name': (w) => given.has(w),
    '@family-name': (w) =>
      kinship.has(w) ||
      (w.startsWith('ال') && [...w].length >= 5 && !w.endsWith('ه') && !notFamily.has(w)),
  };
}

/** Python ContextRule: the exported rule ({requires_before: ['سلطنه'], …}) made ready. */
export class ContextRule {
  constructor(json, table, classes) {
    for (const key of RULE_KEYS) this[key] = (json[key] || []).map((p) => p.split(' '));
    this.excludesTanwin = json.excludes_tanwin === true;
    this.tanwin = table.tanwin || '';
    this.classes = classes;
    this.table = table;
    this.cliticSets = new Map();
  }

  get requires() {
    return this.requires_before.length > 0 || this.requires_after.length > 0;
  }

  wordIs(pattern, word) {
    return Object.hasOwn(this.classes, pattern) ? this.classes[pattern](word) : word === pattern;
  }

  cliticSet(first) {
    let set = this.cliticSets.get(first);
    if (!set) {
      set = new Set(cliticForms(first, this.table).map(([form]) => form));
      this.cliticSets.set(first, set);
    }
    return set;
  }

  before(phrase, norm, breaks, first) {
    const start = first - phrase.length;
    if (start < 0) return false;
    for (let k = start + 1; k <= first; k++) if (breaks.has(k)) return false;
    const head = phrase[0];
    if (Object.hasOwn(this.classes, head)) {
      if (!this.wordIs(head, norm[start])) return false;
    } else if (!this.cliticSet(head).has(norm[start])) {
      return false;
    }
    for (let j = 1; j < phrase.length; j++) if (!this.wordIs(phrase[j], norm[start + j])) return false;
    return true;
  }

  after(phrase, norm, breaks, last) {
    const end = last + phrase.length;
    if (end >= norm.length) return false;
    for (let k = last + 1; k <= end; k++) if (breaks.has(k)) return false;
    for (let j = 0; j < phrase.length; j++) if (!this.wordIs(phrase[j], norm[last + 1 + j])) return false;
    return true;
  }

  accepts(norm, forms, breaks, first, last) {
    if (this.excludesTanwin && forms) {
      for (const ch of forms[last]) if (this.tanwin.includes(ch)) return false;
    }
    if (this.excludes_before.some((p) => this.before(p, norm, breaks, first))) return false;
    if (this.excludes_after.some((p) => this.after(p, norm, breaks, last))) return false;
    if (!this.requires) return true;
    return (
      this.requires_before.some((p) => this.before(p, norm, breaks, first)) ||
      this.requires_after.some((p) => this.after(p, norm, breaks, last))
    );
  }
}

/** Python resolve_readings: the entity a contextual name stands for here, or null. */
export function resolveReadings(readings, norm, forms, breaks, first, last) {
  const accepted = readings.filter(([, r]) => r === null || r.accepts(norm, forms, breaks, first, last));
  const confirmed = accepted.filter(([, r]) => r !== null && r.requires).map(([k]) => k);
  if (confirmed.length) return confirmed.length === 1 ? confirmed[0] : null;
  const plain = accepted.filter(([, r]) => r === null || !r.requires).map(([k]) => k);
  return plain.length === 1 ? plain[0] : null;
}

/** Python matcher.letters_key: Arabic letters only, أ إ آ as ا, ى kept. */
export function lettersKey(form) {
  let out = '';
  for (const ch of form) {
    if (ch === '\u0623' || ch === '\u0625' || ch === '\u0622') out += '\u0627';
    else if (ch >= '\u0621' && ch <= '\u064a' && ch !== '\u0640') out += ch;
  }
  return out;
}

export class NameMatcher {
  /** table: NameMatcher.export_table() (names: space-joined normalized tokens → entity key). */
  constructor(table) {
    this.table = table;
    const classes = wordClasses(table);
    const readings = table.readings || {};
    const maksura = table.maksura || {};
    this.functionWords = new Set(table.maksura_function_words || []);
    this.names = new Map();
    for (const joined of Object.keys(table.names).sort(cmp)) {
      const rs = (readings[joined] || []).map(([key, rule]) => [
        key,
        rule ? new ContextRule(rule, table, classes) : null,
      ]);
      this.names.set(joined, {
        tokens: joined.split(' '),
        entity: table.names[joined],
        readings: rs,
        maksura: new Set(maksura[joined] || []),
      });
    }
    this.first = new Map();
    for (const name of this.names.values()) {
      for (const [form, clitic] of cliticForms(name.tokens[0], table)) {
        if (!this.first.has(form)) this.first.set(form, []);
        this.first.get(form).push([name, clitic]);
      }
    }
  }

  candidates(normalized, breaks = new Set(), forms = null) {
    const out = [];
    const n = normalized.length;
    for (let i = 0; i < n; i++) {
      const options = this.first.get(normalized[i]);
      if (!options) continue;
      for (const [name, clitic] of options) {
        const size = name.tokens.length;
        if (i + size > n) continue;
        let all = true;
        for (let j = 1; j < size; j++) {
          if (normalized[i + j] !== name.tokens[j]) {
            all = false;
            break;
          }
        }
        if (!all) continue;
        let broken = false;
        for (let k = i + 1; k < i + size; k++) if (breaks.has(k)) broken = true;
        if (broken) continue;
        if (forms !== null && this.functionWordIn(name, forms, i, i + size)) continue;
        let key = name.entity;
        if (name.readings.length) {
          key = resolveReadings(name.readings, normalized, forms, breaks, i, i + size - 1);
          if (key === null) continue;
        }
        out.push([i, i + size - 1, clitic, key, name]);
      }
    }
    return out;
  }

  /** Python _function_word_in: a function word written with ى where the name has ي. */
  functionWordIn(name, forms, first, end) {
    for (let j = first; j < end; j++) {
      if (!name.maksura.has(j - first) && this.functionWords.has(lettersKey(forms[j]))) return true;
    }
    return false;
  }

  match(normalized, breaks = new Set(), forms = null) {
    const found = this.candidates(normalized, breaks, forms);
    if (found.length === 0) return [];
    found.sort(
      (a, b) =>
        a[0] - a[1] - (b[0] - b[1]) || a[0] - b[0] || a[2].length - b[2].length || cmp(a[3], b[3]),
    );
    const taken = new Array(normalized.length).fill(false);
    const chosen = [];
    for (const [first, last, , key, name] of found) {
      let busy = false;
      for (let k = first; k <= last; k++) if (taken[k]) busy = true;
      if (busy) continue;
      for (let k = first; k <= last; k++) taken[k] = true;
      chosen.push({ entity: key, first, last, cores: name.tokens });
    }
    chosen.sort((a, b) => a.first - b.first);
    return chosen;
  }
}

// ------------------------------------------------------------------------------------------
// analyzer.py (continued): the Analyzer ties the pieces together.

export class Analyzer {
  /**
   * tables: the exported analyzer tables (build/analyzer-tables.json);
   * names: the gazetteer name table, or null for no entity protection.
   */
  constructor(tables, names = null, fetchShard = null) {
    this.N = prepareNormalize(tables.normalize);
    this.pattern = tokenPattern(tables.tokenize);
    this.d = prepare(tables);
    this.matcher = names ? new NameMatcher(names) : null;
    this.cache = new Map();
    // Lexicon shards: tables without a lexicon list them; prepare(text) fetches those needed.
    this.shards = new Set(tables.lexicon ? [] : tables.lexicon_shards || []);
    this.shardLen = tables.lexicon_shard_len || 2;
    this.fetchShard = fetchShard;
    this.loaded = new Map();
  }

  /** Fetch the lexicon shards the words of text need (before analyze(text) on a query). */
  async prepare(text) {
    if (this.shards.size === 0 || this.fetchShard === null) return;
    const wanted = new Set();
    for (const [start, end] of this.tokenize(text)) {
      const word = this.clean(text.slice(start, end));
      if (!isArabic(this.normalize(word))) continue;
      for (const id of shardsOf(word, this.shardLen)) {
        if (this.shards.has(id)) wanted.add(id);
      }
    }
    // one fetch per shard, shared by every caller (a query, or the page while the reader
    // types): each caller waits for all the shards its text needs, also those already on the
    // way for another caller; a shard's words join the tables when it arrives (shards hold
    // disjoint keys, so the order they arrive in does not matter)
    for (const id of wanted) {
      if (this.loaded.has(id)) continue;
      const p = Promise.resolve(this.fetchShard(id)).then((shard) => {
        Object.assign(this.d.lexicon, shard.lexicon || {});
        Object.assign(this.d.names, shard.names || {});
        // the priors of the roots its lexicon entries name (archive/browser/index.py
        // priors_in_shards: not in the core tables of the site)
        Object.assign(this.d.root_prior, shard.root_prior || {});
        this.cache.clear();
      });
      p.catch(() => this.loaded.delete(id));
      this.loaded.set(id, p);
    }
    await Promise.all([...wanted].map((id) => this.loaded.get(id)));
  }

  clean(text) {
    return clean(text, this.N);
  }

  normalize(text) {
    return normalize(text, this.N);
  }

  tokenize(text) {
    return tokenize(text, this.pattern);
  }

  /** Python analyze_word(form) → [normalized, stem, root] (cached per form). */
  analyzeWord(form) {
    const hit = this.cache.get(form);
    if (hit !== undefined) return hit;
    const out = this.analyzeWordUncached(form);
    if (this.cache.size >= 200000) this.cache.clear();
    this.cache.set(form, out);
    return out;
  }

  analyzeWordUncached(form) {
    const norm = this.normalize(form);
    if (!norm) return [norm, norm, norm];
    if (!isArabic(norm)) return [norm, norm, norm];
    const [stem, root] = stemAndRoot(this.clean(form), this.d);
    return [norm, this.normalize(stem) || norm, this.normalize(root) || norm];
  }

  /** Python analyzer.alternative_root(form): the root of a name's common reading, or ''
   * (documents are indexed in Python; a query uses it only through جذر:, see engine.js). */
  alternativeRoot(form) {
    const norm = this.normalize(form);
    if (!norm || !isArabic(norm)) return '';
    return this.normalize(commonRoot(this.clean(form), this.d));
  }

  /** Python analyzer.query_root(form): the root key a query word asks for beside its own
   * (لترامب → ترامب), or ''. */
  queryRoot(form) {
    const norm = this.normalize(form);
    if (!norm || !isArabic(norm)) return '';
    return this.normalize(queryRoot(this.clean(form), this.d));
  }

  /** Tokens of text: {form, start, end, position, normalized, stem, root, entity}. */
  analyze(text) {
    return this.analyzeWithMatches(text)[0];
  }

  /** The gazetteer names in text, as analyzeWithMatches finds them, without stemming its
   * words (the matcher reads only normalized and surface forms): for highlighting. */
  nameMatches(text) {
    if (this.matcher === null) return [];
    const tokens = this.tokenize(text).map(([start, end]) => {
      const form = text.slice(start, end);
      return { form, start, end, normalized: this.normalize(form) };
    });
    if (tokens.length === 0) return [];
    const breakChars = this.matcher.table.break_chars || CLAUSE_BREAKS;
    return this.matcher.match(tokens.map((t) => t.normalized),
      clauseBreaks(text, tokens, breakChars), tokens.map((t) => t.form));
  }

  analyzeWithMatches(text) {
    const tokens = [];
    const spans = this.tokenize(text);
    for (let position = 0; position < spans.length; position++) {
      const [start, end] = spans[position];
      const form = text.slice(start, end);
      const [normalized, stem, root] = this.analyzeWord(form);
      tokens.push({ form, start, end, position, normalized, stem, root, entity: null });
    }
    if (this.matcher === null || tokens.length === 0) return [tokens, []];
    const breakChars = this.matcher.table.break_chars || CLAUSE_BREAKS;
    // The surface forms too: a context rule may look at marks that normalizing removes.
    const matches = this.matcher.match(tokens.map((t) => t.normalized),
      clauseBreaks(text, tokens, breakChars), tokens.map((t) => t.form));
    return [protectEntities(tokens, matches), matches];
  }
}

/** Python protect_entities (there on columns, here on token objects): a name's tokens get its
 * entity id; stem = root = core. */
export function protectEntities(tokens, matches) {
  const out = tokens.slice();
  for (const m of matches) {
    for (let index = m.first, offset = 0; index <= m.last; index++, offset++) {
      const t = out[index];
      const core = m.cores[offset];
      out[index] = { ...t, stem: core, root: core, entity: m.entity };
    }
  }
  return out;
}
