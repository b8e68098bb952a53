// The query language: a port of archive/search/query.py, function for function.
//
//   query.py                 query.js
//   QueryError               QueryError (.ar: the Arabic message the page shows; .en)
//   Word / Word.at           word / wordAt
//   describe                 describe
//   _lex                     lex
//   _Parser                  Parser (parse, parse_or … words)
//   parse                    parse
//   NEAR, PHRASE_TIER, …     the same constants (the proximity rule is in query.py's docstring)
//
// A parsed query is a plain object tree: {type: 'term'|'phrase'|'root'|'entity'|'not'|'and'|
// 'or', …} with the fields of the Python dataclasses.

export const EXACT = 3;
export const STEM = 2;
export const ROOT = 1;
export const MODES = ['exact', 'stem', 'root'];
export const MODE_LEVELS = { exact: [EXACT], stem: [EXACT, STEM], root: [EXACT, STEM, ROOT] };
export const LEVEL_FIELD = { [EXACT]: 'form', [STEM]: 'stem', [ROOT]: 'root' };
export const LEVEL_NAME = { [EXACT]: 'exact', [STEM]: 'stem', [ROOT]: 'root' };
/** Proximity of a run of query words (query.py). */
export const NEAR = 8;
export const PHRASE_TIER = 2;
export const NEAR_TIER = 1;
export const NEAR_WEIGHT = 4;
export const PROXIMITY_NAME = { [PHRASE_TIER]: 'phrase', [NEAR_TIER]: 'near' };

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
export const isSpace = (ch) => SPACE.test(ch);

export class QueryError extends Error {
  constructor(en, ar) {
    super(`خطأ في الاستعلام: ${ar} — query error: ${en}`);
    this.en = en;
    this.ar = ar;
  }
}

export const repr = (s) => `'${s}'`;

function word(t) {
  return { text: t.form, normalized: t.normalized, stem: t.stem, root: t.root };
}

export function wordAt(w, level) {
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
      // a name no lexicon knows after ب/ل (لترامب) asks for the bare name at the root level
      const t = tokens[i];
      const root = (t.stem === t.root ? this.analyzer.queryRoot(t.form) : '') || t.root;
      out.push({ type: 'term', word: { ...word(t), root } });
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
