// Keyword in context: every occurrence of a query in the articles, as aligned lines. The
// browser side of archive/search/kwic.py (`archive kwic`), function for function:
//
//   kwic.py                 kwic.js
//   _flat                   flat (Python str.split(): the same whitespace)
//   display_width           displayWidth (Mn, Me, Cf take no column)
//   _cut_left / _cut_right  cutLeft / cutRight
//   concordance             occurrences (positions, from the postings the search fetched) +
//                           contextLine (the text around one occurrence, once it is fetched)
//   Line                    {id, doc, position, date, title, left, keyword, right, url}
//                           (+ rank: the article's place in id order, rank.json: view.ensureRanks;
//                           id, title and url come from the cards, fetched with the text)
//
// Unlike the command (one word, phrase, name or root), the page takes any query of the search
// page: in the articles the search found, every body position of a query word, phrase, name
// or root at a level the mode allows is an occurrence (nodeOccurrences, from the postings the
// search already fetched). Article text is fetched only for the lines shown, except when
// the lines are sorted by their context (then every matching article's text is needed).
// `left` is the text before the keyword and `right` the text after it, as in the command's CSV
// (on an Arabic page `left` is drawn on the right of the keyword).

import { phraseOccurrences } from './engine.js';
import { LEVEL_FIELD, MODE_LEVELS, ROOT, wordAt } from './query.js';
import { ALT_MARK } from './analyzer.js';

export const WIDTH = 40;

const SPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** Python " ".join(text.split()). */
export function flat(text) {
  return text.split(SPACE).filter((w) => w).join(' ');
}

const ZERO = /^[\p{Mn}\p{Me}\p{Cf}]$/u;

/** Columns ``text`` takes: combining marks and format characters take none. */
export function displayWidth(text) {
  let n = 0;
  for (const ch of text) if (!ZERO.test(ch)) n += 1;
  return n;
}

/** The last ``width`` columns of ``text``, starting at a word. */
export function cutLeft(text, width) {
  if (displayWidth(text) <= width) return text;
  const words = text.split(' ');
  const out = [];
  while (words.length && displayWidth([words[words.length - 1], ...out].join(' ')) <= width) {
    out.unshift(words.pop());
  }
  return out.join(' ');
}

/** The first ``width`` columns of ``text``, ending at a word. */
export function cutRight(text, width) {
  if (displayWidth(text) <= width) return text;
  const words = text.split(' ');
  const out = [];
  while (words.length && displayWidth([...out, words[0]].join(' ')) <= width) out.push(words.shift());
  return out.join(' ');
}

/**
 * Map doc → body token spans of every occurrence of ``node`` at any level ``mode`` allows
 * (kwic.py _occurrences; the search's hits keep only each clause's best level per article,
 * the concordance wants every occurrence). Names: [first, -1]. NOT clauses add nothing.
 */
export function nodeOccurrences(view, node, mode = 'root') {
  const levels = MODE_LEVELS[mode] || MODE_LEVELS.root;
  const out = new Map();
  const add = (doc, span) => {
    if (!out.has(doc)) out.set(doc, []);
    out.get(doc).push(span);
  };
  const walk = (n) => {
    switch (n.type) {
      case 'term':
        for (const level of levels) {
          for (const [doc, ps] of view.postings(LEVEL_FIELD[level], wordAt(n.word, level))) {
            for (const p of ps) add(doc, [p, p]);
          }
        }
        break;
      case 'phrase':
        for (const level of levels) {
          const found = phraseOccurrences(view, LEVEL_FIELD[level], n.words.map((w) => wordAt(w, level)));
          for (const [doc, spans] of found) for (const sp of spans) add(doc, sp);
        }
        break;
      case 'root':
        for (const term of [n.root, ALT_MARK + n.root]) {
          for (const [doc, ps] of view.postings(LEVEL_FIELD[ROOT], term)) for (const p of ps) add(doc, [p, p]);
        }
        break;
      case 'entity':
        for (const [doc, ps] of view.postings('entity', n.key.toLowerCase())) for (const p of ps) add(doc, [p, -1]);
        break;
      case 'not':
        break;
      default:
        for (const item of n.items || []) walk(item);
    }
  };
  walk(node);
  return out;
}

/**
 * The occurrences in the result rows' articles: [{doc, rank, first, last}] (body token spans;
 * last -1: to the end of a name), one per first token (the longest span there), ordered by
 * article id (its rank key, increasing in id order: ids themselves are fetched only for the
 * lines shown) then position. ``spansOf(row)``: the row's spans (default: its hit's).
 */
export function occurrences(view, rows, spansOf = (r) => r.hit.spans || []) {
  const out = [];
  for (const r of rows) {
    const byFirst = new Map();
    for (const [first, last] of spansOf(r)) {
      const prev = byFirst.get(first);
      const end = last === -1 ? Infinity : last;
      if (prev === undefined || end > (prev === -1 ? Infinity : prev)) byFirst.set(first, last);
    }
    const rank = view.rank[r.doc];
    for (const first of [...byFirst.keys()].sort((a, b) => a - b)) {
      out.push({ doc: r.doc, rank, first, last: byFirst.get(first) });
    }
  }
  out.sort(byIdPosition);
  return out;
}

/**
 * The context of one occurrence in ``text``: character span [s, e) → {left, keyword, right}
 * (kwic.py concordance: WIDTH columns each side, whitespace collapsed, cut at words).
 */
export function contextLine(text, s, e, width = WIDTH) {
  const left = flat(text.slice(Math.max(0, s - width * 2), s));
  const right = flat(text.slice(e, e + width * 2));
  return { left: cutLeft(left, width), keyword: flat(text.slice(s, e)), right: cutRight(right, width) };
}

/**
 * Character spans of an article's tokens (token i = index position i), and where each name
 * found in it ends. Names are matched (a full analysis: morphology of every word, slow on an
 * article's first sight) only when ``names`` is set: occurrences of words need the spans alone.
 */
export function tokenTable(analyzer, text, names = false) {
  if (!names) {
    return { tokens: analyzer.tokenize(text).map(([start, end]) => ({ start, end })), nameEnd: new Map() };
  }
  const [tokens, matches] = analyzer.analyzeWithMatches(text);
  return { tokens, nameEnd: new Map(matches.map((m) => [m.first, m.last])) };
}

/** Character span of an occurrence given the article's token table (null: out of range). */
export function occurrenceSpan(table, occ) {
  const end = occ.last === -1 ? table.nameEnd.get(occ.first) : occ.last;
  const a = table.tokens[occ.first];
  const b = table.tokens[end];
  return a && b ? [a.start, b.end] : null;
}

/** A date as a sortable key; undated and year-less last. */
export const dateKey = (date) => (date && /^\d{4}/.test(date) ? date : null);

const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/** Article id order (by ``rank``, the rank key, when the line has one), then position. */
function byIdPosition(a, b) {
  const byId = a.rank !== undefined && b.rank !== undefined ? a.rank - b.rank : cmp(a.id, b.id);
  return byId || a.first - b.first;
}

/**
 * Sort keys of a line's context: the words before the keyword nearest first (before), or the
 * words after it (after), each normalized, so that «والقصف» and «والقصف» sort together.
 */
export function contextKey(line, side, normalize) {
  const words = (side === 'before' ? line.left.split(' ').reverse() : line.right.split(' '))
    .map((w) => w.replace(/[^\p{L}\p{N}]/gu, '')).filter((w) => w); // punctuation does not sort
  return words.map((w) => normalize(w));
}

function compareWords(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = cmp(a[i], b[i]);
    if (c) return c;
  }
  return a.length - b.length;
}


/**
 * Lines (occurrences with context when sorting by context) in the order asked:
 * '' (article id, then position), 'date' (oldest first, undated last), 'before' / 'after'
 * (the words before / after the keyword, nearest first; needs every line's context).
 */
export function sortLines(lines, sort, { dateOf, normalize = (s) => s } = {}) {
  const out = lines.slice();
  if (sort === 'date') {
    const keyed = out.map((l) => [l, dateKey(dateOf(l))]);
    keyed.sort((a, b) => {
      if (a[1] === null || b[1] === null) return (a[1] === null) - (b[1] === null) || byIdPosition(a[0], b[0]);
      return cmp(a[1], b[1]) || byIdPosition(a[0], b[0]);
    });
    return keyed.map(([l]) => l);
  }
  if (sort === 'before' || sort === 'after') {
    const keyed = out.map((l) => [l, contextKey(l, sort, normalize), normalize(l.keyword || '')]);
    keyed.sort((a, b) => compareWords(a[1], b[1]) || cmp(a[2], b[2]) || byIdPosition(a[0], b[0]));
    return keyed.map(([l]) => l);
  }
  return out.sort(byIdPosition);
}
