// Exports from the browser: results, concordance lines and the monthly series as CSV and JSON,
// in the shapes the command line writes (formats16 of issue 16; Python twins:
// archive/commands/search.py `--json`/`--csv`, archive/search/kwic.py `write_csv`,
// archive/search/trend.py). CSV: UTF-8 with a byte-order mark (spreadsheet programs then read
// Arabic), CRLF line ends, RFC 4180 quoting. File names: <kind>-<query slug>-<YYYY-MM-DD>.<ext>.

export const BOM = '\ufeff';
export const RESULT_COLUMNS = ['rank', 'id', 'date', 'title', 'source', 'score', 'url'];
export const KWIC_COLUMNS = ['id', 'date', 'title', 'left', 'keyword', 'right', 'position', 'url'];
export const TREND_COLUMNS = ['month', 'matching', 'articles', 'share'];

/** One CSV field (RFC 4180: quoted when it holds a comma, a quote or a line break). */
export function csvField(value) {
  const s = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV document (BOM, CRLF) of ``columns`` and ``rows`` (arrays or objects keyed by column). */
export function toCSV(columns, rows) {
  const lines = [columns.map(csvField).join(',')];
  for (const row of rows) {
    const values = Array.isArray(row) ? row : columns.map((c) => row[c]);
    lines.push(values.map(csvField).join(','));
  }
  return `${BOM}${lines.join('\r\n')}\r\n`;
}

/**
 * The query as a file-name part (Python archive/search/export.py query_slug): Arabic letters
 * (hamza to yeh, no tatweel) and digits kept, marks dropped, every other run one «-».
 */
export function slug(query) {
  const text = [...(query || '').normalize('NFC')].filter((ch) => !/\p{Mn}/u.test(ch)).join('');
  const out = text.replace(/[^\u0621-\u063A\u0641-\u064A0-9\u0660-\u0669]+/g, '-').replace(/^-+|-+$/g, '');
  return out || 'query';
}

/** ``YYYY-MM-DD`` of ``date`` in the reader's time zone. */
export function isoDay(date = new Date()) {
  const p = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}`;
}

export function fileName(kind, query, ext, date = new Date()) {
  return `${kind}-${slug(query)}-${isoDay(date)}.${ext}`;
}

/** Python json.dumps(..., ensure_ascii=False, indent=1) for the plain data here. */
export function toJSON(data) {
  return `${JSON.stringify(data, null, 1)}\n`;
}

/** Hand ``text`` to the reader as a file (a Blob link clicked, then revoked). */
export function download(name, text, type) {
  const blob = new Blob([text], { type: `${type};charset=utf-8` });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The article's page relative to the site root, highlighting ``forms`` (formats16 url). */
export function articleURL(stored, forms) {
  const path = stored.url || `articles/${encodeURIComponent(stored.id)}/`;
  const h = [...new Set(forms.filter((f) => f))];
  return h.length ? `${path}?${new URLSearchParams({ h: h.join(',') })}` : path;
}

export function trendCSV(series) {
  return toCSV(TREND_COLUMNS, series.months);
}

/** Fetch ``items`` through ``load`` a few at a time, calling ``progress(done, total)``. */
export async function inBatches(items, load, progress = () => {}, size = 24) {
  const out = new Array(items.length);
  let done = 0;
  for (let i = 0; i < items.length; i += size) {
    const part = items.slice(i, i + size);
    const got = await Promise.all(part.map((x) => load(x)));
    got.forEach((g, j) => { out[i + j] = g; });
    done += part.length;
    progress(done, items.length);
  }
  return out;
}
