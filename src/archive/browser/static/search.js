// Entry of the /search/ page (loaded by templates/search.html as an ES module). The search is
// split into modules that mirror their Python counterparts, the way lunr.py mirrors lunr.js:
//
//   query.js    archive/search/query.py     the query language, constants of the ranking rule
//   engine.js   archive/search/engine.py    matching, scoring, filters, snippets
//   loader.js   archive/search/service.py,  loading the data; the page's parameters → Filters
//               archive/commands/search.py
//   forms.js    (browser only)              the «forms that matched» facet
//   ui.js       archive/site/text.py        dates as the site writes them; DOM helpers
//   page.js     archive/commands/search.py  the /search/ page (its output, as a page)
//   header.js   (browser only)              as-you-type panel in the header, `/` and `s`,
//                                           highlight on arrival (?h=) on every page
//   analyzer.js archive/analysis/           the analyzer (normalize, tokenize, morphology)
//
// The index shards are lunr.js 2.3.9 indexes (its Index.load takes them), read without lunr.js
// (engine.js shardIndex); lunr's own BM25 scoring is not used.

import { loadEngine, runQuery } from './loader.js';
import { search } from './engine.js';
import { describe, parse } from './query.js';
import { SearchPage } from './page.js';

if (typeof document !== 'undefined') {
  const root = document.querySelector('[data-archive-search]');
  if (root) {
    const page = new SearchPage(root);
    window.archiveSearch = { page, loadEngine, runQuery, search, parse, describe };
    page.run();
    // the search page's own box takes the focus on arrival (the header's box is for other pages)
    const input = root.querySelector('input[name="q"]');
    if (input && !window.location.hash) input.focus({ preventScroll: true });
  }
}
