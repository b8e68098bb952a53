// The researcher's tools on the /search/ page (issue 16): the query's term over time (trend.js,
// Python archive/search/trend.py), exports of the results and of the series (export.js, Python
// archive/search/export.py and `archive search --json`), and a link to the concordance
// (/kwic/). page.js calls renderWorkbench once a query's rows are known.
//
// The chart counts the results under every filter of the page except the date range, so that
// clicking a month (which sets from = to = that month) keeps the other months in view; the
// months of the range are marked. Its export is the series drawn.

import { charSpans, loadDoc, makeFilters, resolveSpans, ROOT_URL, titleSpans } from './loader.js';
import { mergeSpans, snippet } from './engine.js';
import { el } from './ui.js';
import { renderChart, trendSeries } from './trend.js';
import { articleURL, download, fileName, inBatches, RESULT_COLUMNS, toCSV, toJSON, trendCSV } from './export.js';
import { matchedForms, paramsURL, readParams } from './page.js';

const LEVEL_NAME = { 3: 'exact', 2: 'stem', 1: 'root' };
const PROXIMITY_NAME = { 2: 'phrase', 1: 'near' };
const MARK_OPEN = '⟦';
const MARK_CLOSE = '⟧';

/** Rows of the query under every filter but the date range (and the forms left out). */
export function trendRows(engine, params, unfiltered, kept) {
  const { view } = engine;
  const filters = makeFilters(engine, { ...params, from: '', to: '' });
  return unfiltered.filter((r) => filters.keep(view.stored(r.doc)) && (!kept || kept.has(r.doc)));
}

/** ``month`` lies within the page's date range (a month chosen on the chart: from = to). */
export function inRange(month, params) {
  if (!params.from && !params.to) return false;
  const lo = params.from ? params.from.slice(0, 7) : '0000-00';
  const hi = params.to ? params.to.slice(0, 7) : '9999-99';
  return month >= lo && month <= hi;
}

/** One result in the `archive search --json` shape (its text and card fetched: loadStored). */
export function resultJSON(engine, row, doc) {
  const { analyzer, view } = engine;
  const st = view.stored(row.doc);
  const spans = mergeSpans(charSpans(analyzer, doc, row.hit));
  const tspans = mergeSpans(titleSpans(analyzer, st.title, row.hit));
  const snip = snippet(doc.text, spans).map(([t, m]) => (m ? `${MARK_OPEN}${t}${MARK_CLOSE}` : t)).join('');
  return {
    id: st.id, path: st.path, title: st.title, date: st.date || null, source: st.source || null,
    score: row.score, snippet: snip, matched: matchedForms(st.title || '', tspans, doc.text, spans),
    levels: row.hit.levels.map(([text, level]) => ({ text, level: LEVEL_NAME[level] })),
    proximity: PROXIMITY_NAME[row.hit.near] || null,
  };
}

export function renderWorkbench(page, params, out) {
  const box = page.root.querySelector('[data-role="workbench"]');
  if (!box) return;
  box.replaceChildren();
  const engine = out.engine;
  const rows = trendRows(engine, params, out.unfiltered, page.rowsKept);
  if (!rows.length) return; // nothing matched (whatever the date range): no chart, no export
  const series = trendSeries(engine.view, rows, { query: params.q, mode: params.mode });
  const monthParams = (month) => {
    const chosen = params.from === month && params.to === month;
    return { ...params, from: chosen ? '' : month, to: chosen ? '' : month, n: 0 };
  };
  const chart = renderChart(series, {
    hrefOf: (month) => paramsURL(monthParams(month)).href,
    selected: (month) => inRange(month, params),
    onPick: (month, ev) => {
      if (ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button !== 0) return;
      ev.preventDefault();
      page.navigate({ ...readParams(), ...monthParams(month) });
    },
  });
  const note = el('p', { class: 'ar-trend__note' });
  const says = [];
  if (series.months.length) { // (an archive with no dated month has nothing to click)
    says.push(params.from || params.to
      ? 'الشهور المعلَّمة هي المدة المختارة؛ انقر الشهر نفسه ثانية لإلغائها.'
      : 'انقر شهرًا لعرض نتائجه فقط.');
  }
  if (series.unplaced.matching) {
    says.push(`${series.unplaced.matching} من النتائج دون شهر معروف (لا تظهر في الرسم).`);
  }
  note.textContent = says.join(' ');
  const progress = el('span', { class: 'ar-export__progress', role: 'status', 'aria-live': 'polite' });
  const button = (key, label, handler) => {
    const b = el('button', { type: 'button', class: 'md-button', 'data-export': key, text: label });
    b.addEventListener('click', async () => {
      b.disabled = true;
      try {
        await handler();
      } catch (exc) {
        progress.textContent = `تعذّر التنزيل: ${exc.message}`;
      } finally {
        b.disabled = false;
      }
    });
    return b;
  };
  // each result's text and card (id, path, title, link), a batch of results at a time
  const fetchTexts = () => inBatches(page.rows, async (r) => {
    const [doc] = await Promise.all([loadDoc(r.doc), engine.view.loadStored([r.doc])]);
    return doc;
  }, (done, total) => {
    progress.textContent = done < total ? `حُمّلت نصوص ${done} من ${total} نتيجة…` : '';
  });
  const exportResults = async (kind) => {
    await page.completeRows(); // every row in its final order, with its spans
    const rowsNow = page.rows;
    await resolveSpans(engine, rowsNow);
    const docs = await fetchTexts();
    const results = rowsNow.map((r, i) => resultJSON(engine, r, docs[i]));
    if (kind === 'csv') {
      const table = results.map((r, i) => ({ rank: i + 1, id: r.id, date: r.date, title: r.title,
        source: r.source, score: String(r.score), url: articleURL(engine.view.stored(rowsNow[i].doc), r.matched) }));
      download(fileName('results', params.q, 'csv'), toCSV(RESULT_COLUMNS, table), 'text/csv');
    } else {
      download(fileName('results', params.q, 'json'),
        toJSON({ query: params.q, total: results.length, results }), 'application/json');
    }
    progress.textContent = `نُزّلت ${results.length} نتيجة.`;
  };
  const tools = el('div', { class: 'ar-export', role: 'group', 'aria-label': 'تنزيل وأدوات' },
    el('span', { class: 'ar-export__label', text: 'تنزيل النتائج:' }),
    button('results-csv', 'CSV', () => exportResults('csv')),
    button('results-json', 'JSON', () => exportResults('json')),
    el('span', { class: 'ar-export__label', text: 'السلسلة الشهرية:' }),
    button('trend-csv', 'CSV', async () => download(fileName('trend', params.q, 'csv'), trendCSV(series), 'text/csv')),
    button('trend-json', 'JSON', async () => download(fileName('trend', params.q, 'json'), toJSON(series), 'application/json')),
    el('a', { href: new URL(`kwic/?${kwicQuery(params)}`, ROOT_URL).href, class: 'ar-export__kwic',
      'data-role': 'to-kwic', text: 'كل المواضع في سياقها' }),
    progress);
  chart.setAttribute('data-months', String(series.months.length));
  box.append(chart, note, tools);
  page.series = series;
}

function kwicQuery(params) {
  const u = new URLSearchParams();
  u.set('q', params.q);
  if (params.mode && params.mode !== 'root') u.set('mode', params.mode);
  for (const k of ['place', 'actor', 'source', 'year']) for (const v of params[k] || []) u.append(k, v);
  for (const k of ['from', 'to']) if (params[k]) u.set(k, params[k]);
  return u.toString();
}
