"""The root explorer (archive.site.roots): forms of a root grouped by pattern class, counts
that agree with the concordance, co-occurring roots, and the static pages."""

from __future__ import annotations

import marshal
import re
from array import array
from collections import Counter
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from conftest import mkdocs_build

from archive.analysis import analyze
from archive.config import Paths
from archive.pipeline import analyze_corpus, load
from archive.site import roots

REPO = Path(__file__).resolve().parents[1]


def one_article(text: str) -> roots.RootIndex:
    col = roots.RootCollector()
    col.add(analyze(text))
    return col.result(1)


def classes_of(index: roots.RootIndex, root: str) -> dict[str, str]:
    """Each form's label → its class, on ``root``'s page."""
    return {f.label: cls for cls, forms in index.pages[root].groups for f in forms}


@pytest.mark.parametrize(("word", "root", "cls", "wazn"), [
    ("اجتماع", "جمع", "masdar", "افتعال"),
    ("استخدام", "خدم", "masdar", "استفعال"),
    ("تفويض", "فوض", "masdar", "تفعيل"),
    ("المفاوضات", "فوض", "masdar", "مفاعلة"),  # the plural of مفاوضة, not مفاوض
    ("مستخدم", "خدم", "participle", "مستفعل"),
    ("مكتوب", "كتب", "participle", "مفعول"),
    ("مساجد", "سجد", "plural", "مفاعل"),
    ("علماء", "علم", "plural", "فعلاء"),
    ("قتلى", "قتل", "plural", "فعلى"),
    ("يقصف", "قصف", "verb", "يفعل"),
    ("اجتمعوا", "جمع", "verb", "افتعل"),
])
def test_pattern_class_of_a_form(word: str, root: str, cls: str, wazn: str) -> None:
    index = one_article(word)
    (page,) = index.pages.values()
    assert page.root == root
    ((got_cls, (form,)),) = page.groups
    assert (got_cls, form.wazn, form.label) == (cls, wazn, word)


def test_a_nisba_in_ي_is_not_a_plural_in_ى() -> None:
    assert classes_of(one_article("قتلى"), "قتل") == {"قتلى": "plural"}
    assert classes_of(one_article("العلمي"), "علم")["العلمي"] == "noun"


def test_form_three_participle_when_the_archive_uses_the_verb() -> None:
    """مقاتل is a participle where the archive also has قاتل/يقاتل, a plural pattern alone."""
    assert classes_of(one_article("مقاتل"), "قتل") == {"مقاتل": "plural"}
    assert classes_of(one_article("مقاتل يقاتل"), "قتل")["مقاتل"] == "participle"


def test_names_entities_and_unknown_words_are_left_out() -> None:
    index = one_article("قال خالد إن الكمبيوتر في المكتب")
    assert "قول" in index.pages and "كتب" in index.pages
    for key in index.pages:
        assert key in roots.lexicon_roots()
    assert "خالد" not in index.pages and "خلد" not in index.pages  # a name, not its root


def test_function_words_are_no_forms_of_a_root() -> None:
    """على and its clitic forms (read through the stop-word table as علي) and the preposition
    بين are left out; the content words of the same letters are kept (بيان of بين)."""
    index = one_article("وقف الوفد على الطاولة، وعليه أن يختار بين الحلول، وبيان الوزارة واضح")
    assert "علي" not in index.pages
    assert classes_of(index, "بين") == {"وبيان": "noun"}


@pytest.fixture(scope="module")
def seeds_index() -> roots.RootIndex:
    return roots.collect(analyze_corpus(load(Paths(REPO))), 1)


def test_counts_agree_with_the_concordance(seeds_index: roots.RootIndex,
                                           indexed_root: Path) -> None:
    """A root's tokens are the concordance lines of جذر:root; a form's are the lines of its
    stem (the link its row carries), across the forms of the same stem."""
    from archive.search.engine import open_view
    from archive.search.kwic import concordance
    from archive.search.service import query_analyzer

    analyzer, _ = query_analyzer(Paths(indexed_root))
    with open_view(Paths(indexed_root)) as view:
        for root in ("قصف", "فوض", "جمع"):
            page = seeds_index.pages[root]
            lines = concordance(view, f"جذر:{root}", analyzer=analyzer)
            assert page.tokens == len(lines) > 0
            assert page.articles == len({ln.id for ln in lines})
            per_stem: dict[str, int] = {}
            for _, forms in page.groups:
                for f in forms:
                    per_stem[f.stem] = per_stem.get(f.stem, 0) + f.tokens
                    assert f.articles <= page.articles
            assert sum(per_stem.values()) == page.tokens
            for _, forms in page.groups:
                for f in forms:
                    stem_lines = concordance(view, f.label, mode="stem", analyzer=analyzer)
                    assert len(stem_lines) >= per_stem[f.stem]


def test_related_roots_are_pages_sharing_articles(seeds_index: roots.RootIndex) -> None:
    some = [p for p in seeds_index.pages.values() if p.related]
    assert some
    for page in some:
        for r in page.related:
            assert r.root in seeds_index.pages and r.root != page.root
            assert r.shared >= roots.MIN_SHARED and r.pmi > 0
        scores = [r.score for r in page.related]
        assert scores == sorted(scores, reverse=True)


def test_collecting_is_deterministic(seeds_index: roots.RootIndex) -> None:
    again = roots.collect(analyze_corpus(load(Paths(REPO))), 1)
    assert again == seeds_index


def test_default_threshold_keeps_the_page_count_bounded() -> None:
    few = [5, 4, 3, 3, 2, 1]
    assert roots.default_min(5, few) == 3  # a small archive: every root in 3 articles
    many = [n % 700 + 1 for n in range(3000)]  # 3,000 roots in 1 to 700 articles
    for n in (10_000, 31_030):  # never more than MAX_PAGES: the /roots/ index lists them all
        threshold = roots.default_min(n, many)
        pages = sum(1 for k in many if k >= threshold)
        assert pages <= roots.MAX_PAGES < sum(1 for k in many if k >= threshold - 1)
    threshold = roots.default_min(1000, many)
    pages = sum(1 for n in many if n >= threshold)
    assert pages <= 500 < sum(1 for n in many if n >= threshold - 1)  # half the articles
    assert roots.default_min(10_000, many[:900]) == 30  # 0.3 %, fewer pages than the cap


# ------------------------------------------------------------------ the pages in a site build


def build(root: Path, seed: str) -> None:
    proc = mkdocs_build(root, "--strict", "--quiet", PYTHONHASHSEED=seed,
                        PYTHONPATH=str(REPO / "src"))
    assert proc.returncode == 0, proc.stderr + proc.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    d = tmp_path_factory.mktemp("rootsite")
    shutil.copytree(REPO / "seeds", d / "seeds")
    shutil.copy(REPO / "mkdocs.yml", d / "mkdocs.yml")
    shutil.copytree(REPO / "docs", d / "docs")
    build(d, "1")
    return d


def content(html: str) -> str:
    return html[html.index('id="ar-content"'):html.index("</article>")]


def test_root_page_lists_forms_by_class_with_links(built: Path,
                                                   seeds_index: roots.RootIndex) -> None:
    site = built / "site"
    html = content((site / "roots" / "فوض" / "index.html").read_text("utf-8"))
    page = seeds_index.pages["فوض"]
    sections = re.findall(r'<section class="ar-root-group" data-class="(\w+)"', html)
    assert sections == [cls for cls, _ in page.groups]
    assert sections == [c for c in roots.CLASSES if c in sections]  # in the classes' order
    hrefs = [unescape(h) for h in re.findall(r'href="([^"]+)"', html)]
    root_link = [h for h in hrefs if "mode=" not in h and "%D8%AC%D8%B0%D8%B1" in h]
    assert root_link and parse_qs(urlsplit(root_link[0]).query)["q"] == ["جذر:فوض"]
    form_links = [h for h in hrefs if "mode=stem" in h]
    labels = [f.label for _, forms in page.groups for f in forms]
    assert [parse_qs(urlsplit(h).query)["q"][0] for h in form_links] == labels
    for h in form_links:  # the concordance page when there is one, else search (same query)
        assert urlsplit(h).path in ("../../kwic/", "../../search/")
        target = (site / "roots" / "فوض" / unquote(urlsplit(h).path)).resolve()
        assert (target / "index.html").is_file()


def test_roots_index_links_every_root_page(built: Path) -> None:
    site = built / "site"
    html = content((site / "roots" / "index.html").read_text("utf-8"))
    assert 'id="root-view"' in html and "<noscript>" in html
    linked = {unquote(h.strip("/").split("/")[0]) for h in re.findall(
        r'<td><a href="([^"]+)"><bdi>', html)}
    pages = {p.name for p in (site / "roots").iterdir() if p.is_dir()}
    assert linked == pages and len(pages) > 10
    ranks = re.findall(r'data-rank-articles="(\d+)" data-rank-tokens="(\d+)" '
                       r'data-rank-root="(\d+)"', html)
    for column in range(3):  # every order is a permutation of the rows
        assert sorted(int(r[column]) for r in ranks) == list(range(len(ranks)))


def test_text_is_escaped() -> None:
    """A spelling is data: rendered through the autoescaping templates."""
    import jinja2

    from archive.site.render import TEMPLATES, articles_phrase, times_phrase

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True)
    env.filters.update(articles=articles_phrase, times=times_phrase)
    form = roots.Form("قصف", "فعل", 2, 1, ["<b>قصف</b>", "قصف\"x"], 2, "<b>قصف</b>")
    page = roots.RootPage("قصف", 2, 1, [("verb", [form])], [])
    index = roots.RootIndex({"قصف": page}, 1, 1, 1)
    ctx = roots._root_context(index, page, True)
    html = env.get_template("root.html").render(
        link=lambda key, anchor="": "../", has=lambda key: True, **ctx)
    assert "<b>" not in html and "&lt;b&gt;قصف&lt;/b&gt;" in html
    assert "&#34;x" in html or "&quot;x" in html


def test_root_pages_are_byte_identical_under_another_hash_seed(
        built: Path, tmp_path: Path) -> None:
    import shutil

    other = tmp_path / "again"
    shutil.copytree(built, other, ignore=shutil.ignore_patterns("site", "build"))
    build(other, "12345")
    a, b = built / "site" / "roots", other / "site" / "roots"
    files = sorted(p.relative_to(a) for p in a.rglob("*.html"))
    assert files == sorted(p.relative_to(b) for p in b.rglob("*.html"))
    for rel in files:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_readings_are_those_of_the_analyzers_abstractions() -> None:
    """The direct search for the root's radicals finds exactly the readings of
    morphology.abstractions that spell the root (weak letters and hamza allowed)."""
    from archive.analysis import analyze_word
    from archive.analysis.morphology import abstractions

    words = set()
    for aa in analyze_corpus(load(Paths(REPO))):
        words.update(t.form for t in aa.body_tokens[:400])
    checked = 0
    for word in sorted(words):
        _, stem, root = analyze_word(word)
        if root not in roots.lexicon_roots():
            continue
        want = set()
        for pattern, rads in abstractions(stem):
            if len(rads) == len(root) and all(
                    g == w or g in roots.WEAK_SPELLINGS.get(w, "")
                    for g, w in zip(rads, root, strict=True)):
                want.add(pattern)
        assert {p for _, p in roots._readings(stem, root)} == want, (word, stem, root)
        checked += 1
    assert checked > 300


def test_counting_from_records_equals_counting_tokens(
        seeds_index: roots.RootIndex, archive_paths: Paths) -> None:
    """The build counts from its analysis records (no tokens rebuilt): the same root pages,
    forms, counts and co-occurrences as counting the analysed articles' tokens."""
    from archive.pipeline import analyse

    analysis = analyse(load(archive_paths), workers=1)
    assert roots.collect_records(analysis, 1) == seeds_index


def _more_articles(seeds: Path) -> None:
    """Three more articles from the seeds' own text (co-occurrences need a few articles)."""
    texts = sorted(seeds.glob("*.txt"))
    for i, src in enumerate(texts[:3]):
        lines = src.read_text(encoding="utf-8").splitlines()
        (seeds / f"9{i:02d}_extra.txt").write_text("\n".join(lines[i::2]) + "\n",
                                                   encoding="utf-8")


def _records_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the articles whose analysis record a root count reads, as it reads them."""
    from archive.records import Analysis

    read: list[str] = []
    real = Analysis.body_vocabulary

    def reading(self: Analysis, article_id: str) -> object:
        read.append(article_id)
        return real(self, article_id)

    monkeypatch.setattr(Analysis, "body_vocabulary", reading)
    return read


def _stored(build: Path, name: str) -> object:
    """A row of the root store's ``meta`` table, unpickled or unmarshalled (None: none)."""
    import pickle
    import sqlite3

    db = sqlite3.connect(build / roots.CACHE_DIR / roots.STORE_NAME)
    try:
        row = db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
    finally:
        db.close()
    if row is None:
        return None
    return pickle.loads(row[0]) if name == "totals" else marshal.loads(row[0])


def _store_contents(build: Path) -> object:
    """What a root store holds, as the numbering of the spellings leaves it (a store kept
    through changes keeps the spellings of articles gone, numbered in the order found): the
    record keys; each article's contribution by spelling; the reading of each spelling some
    article has; and the totals (read back with their arrays, as a rebuild reads them) by
    spelling, form and root, with the shared articles of each pair of roots."""
    from array import array

    store = roots._Store.open(build / roots.CACHE_DIR / roots.STORE_NAME)
    assert store is not None
    try:
        saved = store.index()
        assert saved is not None
        col, counted = store.collector(whole=True, totals=True, previous=saved[1])
    finally:
        store.close()
    parts = {aid: sorted(zip((col.spelled[k] for k in array("I", ids)), array("I", counts),
                             strict=True)) for aid, (ids, counts) in col.contributions.items()}
    used = {col.spelled[k]: col.readings[k] for ids, _ in col.contributions.values()
            for k in array("I", ids)}
    t = col._totals
    assert t is not None
    names = t.root_names
    forms = {}
    for k, (root, stem, cls, *_) in enumerate(col.readings):
        f = int(t.form_of[k])
        if t.form_tokens[f] or t.form_articles[f]:
            forms[(root, stem, cls)] = (int(t.form_tokens[f]), int(t.form_articles[f]))
    per_root = {names[i]: (int(t.root_tokens[i]), int(t.root_articles[i]))
                for i in range(len(names)) if t.root_tokens[i] or t.root_articles[i]}
    tokens = {col.spelled[k]: int(n) for k, n in enumerate(t.spelling_tokens) if n}
    shared = {(a, b): int(t.shared[t.slots[a], t.slots[b]]) for a in t.slots for b in t.slots}
    return counted, parts, used, forms, per_root, tokens, shared


def test_a_rebuild_counts_only_the_articles_that_changed(
        archive_paths: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through an edit, an addition, a deletion and the edit reverted, the count kept in
    build/roots/ reads only the records of the articles that changed, and each time gives the
    very index a count from scratch gives (roots, forms, spellings, co-occurrences)."""
    from archive.pipeline import analyse

    seeds, build = archive_paths.seeds, archive_paths.build
    _more_articles(seeds)
    read = _records_read(monkeypatch)

    def step(min_articles: int | None = 1) -> tuple[roots.RootIndex, list[str]]:
        read.clear()
        analysis = analyse(load(archive_paths), workers=1)
        counted = roots.collect_cached(analysis, min_articles, build)
        assert counted == roots.collect_records(analysis, min_articles)  # from scratch
        return counted, sorted(read)

    first, ids = step()
    assert len(ids) == len(list(seeds.glob("*.txt"))) == 8  # cold: every record
    assert any(p.related for p in first.pages.values())
    assert step() == (first, [])  # nothing changed: not counted at all
    assert step(2)[1] == []  # another threshold: summed again, no record read
    # one article edited: only its record is read
    edited = sorted(seeds.glob("*.txt"))[1]
    original = edited.read_text(encoding="utf-8")
    edited.write_text(original + "\nاجتمع المفاوضون مرة أخرى واستأنفوا المفاوضات.\n",
                      encoding="utf-8")
    after_edit, ids = step()
    assert ids == [edited.stem] and after_edit != first
    assert after_edit.pages["فوض"].tokens == first.pages["فوض"].tokens + 2
    # one added, then one deleted: only the new one is read, then none
    added = seeds / "950_added.txt"
    added.write_text("استأنف المفاوضون الاجتماع في المدينة.\n", encoding="utf-8")
    after_add, ids = step()
    assert ids == ["950_added"] and after_add.n_articles == after_edit.n_articles + 1
    (seeds / "900_extra.txt").unlink()
    after_delete, ids = step()
    assert ids == [] and after_delete.n_articles == after_add.n_articles - 1
    # back to the first seeds/ (the edit reverted, the added article gone, the deleted back)
    edited.write_text(original, encoding="utf-8")
    added.unlink()
    _more_articles(seeds)
    again, ids = step()
    assert again == first and ids == [edited.stem, "900_extra"]
    # a damaged cache is counted again from the records, not trusted
    (build / roots.CACHE_DIR / roots.STORE_NAME).write_bytes(b"\x00broken")
    again, ids = step()
    assert again == first and len(ids) == 8


def test_a_rebuild_reads_no_spelling_an_earlier_count_read(
        archive_paths: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    """build/roots/counts.bin keeps the spellings found without a root (names, words no
    lexicon knows) beside those of roots: an edit made of words the archive already has reads
    none of them again (nor loads the lexicon for them), and the count is the count from
    scratch; a new word is read."""
    from archive.pipeline import analyse

    seeds, build = archive_paths.seeds, archive_paths.build
    _more_articles(seeds)
    read: list[str] = []
    real = roots.RootCollector._reading

    def reading(self: roots.RootCollector, form: str, analysis: object = None) -> object:
        read.append(form)
        return real(self, form, analysis)  # type: ignore[arg-type]

    monkeypatch.setattr(roots.RootCollector, "_reading", reading)

    def step() -> list[str]:
        read.clear()
        analysis = analyse(load(archive_paths), workers=1)
        counted = roots.collect_cached(analysis, 1, build)
        got = sorted(set(read))
        assert counted == roots.collect_records(analysis, 1)  # from scratch
        return got

    assert step()
    texts = sorted(seeds.glob("*.txt"))
    edited = texts[1]
    # its longest line again: function words, names and unknown words as well as roots
    last = max(edited.read_text(encoding="utf-8").splitlines(), key=len)
    assert {"في", "من", "على"} & set(last.split())
    edited.write_text(edited.read_text(encoding="utf-8") + "\n" + last + "\n",
                      encoding="utf-8")
    assert step() == []
    edited.write_text(edited.read_text(encoding="utf-8") + "\nزيزفونة\n", encoding="utf-8")
    assert step() == ["زيزفونة"]


def test_the_kept_root_store_after_a_sequence_of_changes_is_a_cold_count(
        archive_paths: Paths, tmp_path: Path) -> None:
    """Through edits, an addition and deletions, each applied to the store the previous
    build left in build/roots/ (counts, the spellings without a root, totals whose pages are
    the index's), the index saved holds what a cold count of the same articles saves (the
    same data: marshal may write a string once or twice), and so does the next rebuild's
    from either store; so do the record keys, the spellings, the readings, the
    contributions and the totals (their arrays too, written in place where they changed)."""
    from archive.pipeline import analyse

    seeds, build = archive_paths.seeds, archive_paths.build
    _more_articles(seeds)
    texts = sorted(seeds.glob("*.txt"))

    def index_bytes(folder: Path) -> object:
        return _stored(folder, "index")

    def step(cold: Path | None = None) -> object:
        analysis = analyse(load(archive_paths), workers=1)
        roots.collect_cached(analysis, 1, build)
        if cold is not None:
            roots.collect_cached(analysis, 1, cold)
            assert index_bytes(cold) == index_bytes(build)
            assert _store_contents(cold) == _store_contents(build)
        return index_bytes(build)

    first = step()
    texts[1].write_text(texts[1].read_text(encoding="utf-8")
                        + "\nاجتمع المفاوضون في المدينة وقصف الجيش المواقع.\n",
                        encoding="utf-8")
    step()
    (seeds / "950_added.txt").write_text("استأنف المفاوضون الاجتماع في المدينة زيزفونة.\n",
                                         encoding="utf-8")
    step()
    texts[2].unlink()
    step()
    texts[3].unlink()
    texts[4].write_text(texts[4].read_text(encoding="utf-8") + "\nكتب الكاتب كتابا.\n",
                        encoding="utf-8")
    cold = tmp_path / "cold"
    last = step(cold)
    assert last != first
    texts[5].write_text(texts[5].read_text(encoding="utf-8") + "\nقتل الجنود.\n",
                        encoding="utf-8")
    step(cold)  # both stores apply the next edit alike


def test_counts_kept_between_builds_forget_spellings_no_article_has() -> None:
    """Removed articles' spellings do not pile up in build/roots/counts.bin, and forgetting
    them changes no count."""
    long = "كتب الكاتب مكتوبا طويلا عن المكتبة والكتابة واجتمع المفاوضون في المدينة"
    col = roots.RootCollector()
    col.add(analyze(long), "a")
    col.add(analyze("اجتمع المفاوضون"), "b")
    kept = col.result(1)
    col.remove("a")
    alone = col.result(1)
    before = len(col.readings)
    col.compact()
    assert len(col.readings) < before / 2 and col.result(1) == alone
    assert alone.pages.keys() == {"جمع", "فوض"} < kept.pages.keys()
    col.add(analyze(long), "a")
    assert col.result(1) == kept


def test_a_root_page_is_not_rendered_again_when_only_its_partners_pmi_moved(
        tmp_path: Path) -> None:
    """An article added or removed moves every PMI (the archive's size is in it); a root
    page shows its partners and their shared articles only, so while those stay the same its
    stored content is reused, and a change in them renders it again."""
    from archive.site.model import build_site_data
    from archive.site.pagecache import PageCache
    from archive.site.render import PageSpec, Site

    def render(related: list[roots.Related]) -> tuple[str, int]:
        form = roots.Form("قصف", "فعل", 4, 3, ["قصف"], 1, "قصف")
        pages = {"قصف": roots.RootPage("قصف", 4, 3, [("verb", [form])], related),
                 "هجم": roots.RootPage("هجم", 3, 3, [("verb", [form])], [])}
        site = Site(build_site_data([], [], None), None, "أرشيف")
        specs = roots.specs(roots.RootIndex(pages, 10, 3, 2), PageSpec)
        for spec in specs:
            site.urls[spec.key] = spec.src_uri.removesuffix(".md").removesuffix("index") + "/"
        site.root_cache = PageCache(tmp_path, "root-pages")
        spec = next(s for s in specs if s.key == "root:قصف")
        html = site.render(spec, site.urls[spec.key])
        site.root_cache.prune()  # the build's end: its stored pages indexed for the next
        return html, site.root_cache.hits

    first, hits = render([roots.Related("هجم", 3, 1.5, 1.647918)])
    assert hits == 0
    again, hits = render([roots.Related("هجم", 3, 1.48, 1.625946)])
    assert hits == 1 and again == first
    changed, hits = render([roots.Related("هجم", 4, 1.48, 2.05)])
    assert hits == 0 and changed != first


def test_totals_kept_up_to_date_give_the_count_from_scratch() -> None:
    """`mkdocs serve` keeps the totals of the root count and applies each changed article to
    them (RootCollector.track): through an edit, an addition, a deletion and another
    threshold, each result is the very index (same pages in the same order, same forms,
    partners and PMI) that a count from scratch of the same articles gives, and a page whose
    counts and partners did not move is the previous result's object."""
    import random

    sentences = [
        "اجتمع المفاوضون في المدينة واستأنفوا المفاوضات", "كتب الكاتب مقالا عن المكتبة",
        "درس الطلاب في المدرسة وقرأوا الدروس", "قصف الجيش مواقع المسلحين وقتل عددا منهم",
        "أعلنت الوزارة عن مشروع جديد للتعليم", "علم المعلمون الطلاب العلوم",
        "تفاوض الوفدان على اتفاق لوقف القتال", "سافر الوزير إلى العاصمة للاجتماع",
        "استخدم الباحثون أدوات جديدة في الدراسة", "نشرت الصحيفة خبرا عن الاجتماع",
    ]
    rnd = random.Random(7)
    texts = {f"a{i:02d}": " ".join(rnd.sample(sentences, 4)) for i in range(14)}

    def scratch(articles: dict[str, str], min_articles: int | None) -> roots.RootIndex:
        col = roots.RootCollector()
        for aid, text in articles.items():
            col.add(analyze(text), aid)
        return col.result(min_articles)

    tracked = roots.RootCollector()
    for aid, text in texts.items():
        tracked.add(analyze(text), aid)
    tracked.track()

    def check(min_articles: int | None = 3) -> roots.RootIndex:
        got = tracked.result(min_articles)
        assert roots._index_data(got) == roots._index_data(scratch(texts, min_articles))
        return got

    first = check()
    assert sum(len(p.related) for p in first.pages.values()) > 10
    assert check().pages == first.pages
    assert all(check().pages[r] is p for r, p in first.pages.items())  # nothing moved
    # an edit that adds words of one root only: the other pages stay the same objects
    tracked.remove("a03")
    texts["a03"] += " ودرست درسا"
    tracked.add(analyze(texts["a03"]), "a03")
    edited = check()
    assert edited.pages["درس"].tokens == first.pages["درس"].tokens + 2
    assert edited.pages["درس"] is not first.pages["درس"]
    same = [r for r, p in edited.pages.items() if p is first.pages.get(r)]
    assert same and "درس" not in same
    # an article added (a new spelling), one deleted, another threshold, default threshold
    texts["a99"] = "اجتمع المجتمعون المجتمعونزز في المدينة وكتبوا الكتب"
    tracked.add(analyze(texts["a99"]), "a99")
    check()
    tracked.remove("a05")
    del texts["a05"]
    check()
    check(2)
    check(None)
    check()


def test_a_rebuild_applies_the_changed_articles_to_the_saved_totals(
        archive_paths: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build saves the totals of its root count (in build/roots/roots.sqlite) with the
    counts they sum; the next build after one edited article applies that article to them
    instead of summing every article's contribution again, and its index is the count from
    scratch. Totals that cannot be read (damaged, gone, or their arrays cut short) are not
    trusted: the contributions are summed again."""
    import sqlite3

    from archive.pipeline import analyse

    seeds, build = archive_paths.seeds, archive_paths.build
    _more_articles(seeds)
    summed: list[int] = []
    real = roots._Totals.__init__

    def summing(self: roots._Totals, col: roots.RootCollector) -> None:
        summed.append(len(col.contributions))
        real(self, col)

    monkeypatch.setattr(roots._Totals, "__init__", summing)
    edited = sorted(seeds.glob("*.txt"))[1]
    original = edited.read_text(encoding="utf-8")

    def step(text: str) -> int:
        """Build with ``edited`` holding ``text``: how often the totals were summed."""
        edited.write_text(text, encoding="utf-8")
        analysis = analyse(load(archive_paths), workers=1)
        summed.clear()
        counted = roots.collect_cached(analysis, 1, build)
        n = len(summed)
        assert roots._index_data(counted) == roots._index_data(
            roots.collect_records(analysis, 1))  # from scratch
        return n

    store = build / roots.CACHE_DIR / roots.STORE_NAME

    def sql(query: str, *args: object) -> None:
        db = sqlite3.connect(store)
        with db:
            db.execute(query, args)
        db.close()

    assert step(original) == 1 and _stored(build, "totals") is not None  # cold: summed, saved
    assert step(original + "\nاجتمع المفاوضون مرة أخرى.\n") == 0  # applied to the saved ones
    assert step(original) == 0  # and back
    sql("UPDATE meta SET value = ? WHERE name = 'totals'", b"\x80broken")
    assert step(original + "\nقصف الجيش المواقع.\n") == 1  # damaged: summed again
    assert step(original) == 0
    sql("DELETE FROM meta WHERE name = 'totals'")
    assert step(original + "\nاجتمع المفاوضون مرة أخرى.\n") == 1  # gone: summed again
    assert step(original) == 0
    sql("UPDATE arr SET data = substr(data, 1, 8) WHERE id = 3")  # an array cut short
    assert step(original + "\nقصف الجيش المواقع.\n") == 1
    assert step(original) == 0


def test_a_store_cut_or_of_another_format_is_counted_again(
        archive_paths: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store (build/roots/roots.sqlite) is read a part at a time (one edited article:
    only its record is counted, and the index is the count from scratch); a file cut short
    (a full disk, a damaged file) is not trusted: every article is counted again. The files
    of the earlier format (index.bin, counts.bin, totals.pickle) are not read, and go when
    the store is written."""
    from archive.pipeline import analyse

    seeds, build = archive_paths.seeds, archive_paths.build
    _more_articles(seeds)
    read = _records_read(monkeypatch)

    def step() -> list[str]:
        read.clear()
        analysis = analyse(load(archive_paths), workers=1)
        counted = roots.collect_cached(analysis, 1, build)
        assert roots._index_data(counted) == roots._index_data(
            roots.collect_records(analysis, 1))
        return sorted(read)

    folder = build / roots.CACHE_DIR
    folder.mkdir(parents=True)
    for name in roots.OLD_FILES:
        (folder / name).write_bytes(b"old")
    assert len(step()) == 8
    assert sorted(p.name for p in folder.iterdir()) == [roots.STORE_NAME]
    edited = sorted(seeds.glob("*.txt"))[5]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nاجتمع المفاوضون.\n",
                      encoding="utf-8")
    assert step() == [edited.stem]
    store = folder / roots.STORE_NAME
    data = store.read_bytes()
    store.write_bytes(data[: len(data) // 2])  # cut short
    edited.write_text(edited.read_text(encoding="utf-8") + "\nقصف الجيش المواقع.\n",
                      encoding="utf-8")
    assert len(step()) == 8
    assert step() == []
    monkeypatch.setattr(roots, "CACHE_FORMAT", roots.CACHE_FORMAT + 1)  # another format
    assert len(step()) == 8


def test_vocabulary_counts_number_spellings_in_the_order_counted() -> None:
    """An article counted from its vocabulary (none, one or many forms counted, names and
    unknown words among them) keeps the counts and numbering of counting its forms one by
    one: spellings numbered in the order the counts list them, rootless ones left out."""
    from archive.analysis import analyze_word

    forms = ["المقاتلين", "زيد123", "يقاتلون", "الكتاب", "درعا", "مكتبة"]
    words: list[str] = []
    for f in forms:
        words += [f, *analyze_word(f), ""]
    col = roots.RootCollector()
    col.add_vocabulary(words, Counter(), "none")
    col.add_vocabulary(words, Counter({3: 2}), "one")
    col.add_vocabulary(words, Counter({5: 1, 1: 4, 0: 3, 3: 1, 2: 2, 4: 7}), "many")
    assert col.contributions["none"] == (b"", b"")
    by_hand = roots.RootCollector()
    for aid, pairs in (("none", []), ("one", [(3, 2)]),
                       ("many", [(5, 1), (1, 4), (0, 3), (3, 1), (2, 2), (4, 7)])):
        by_hand._count(aid, ((forms[k], n, forms[k]) for k, n in pairs),
                       lambda form: analyze_word(form))
    assert col.spelled == by_hand.spelled and col.readings == by_hand.readings
    assert col.contributions == by_hand.contributions
    assert col.spelled[0] == "الكتاب" and "زيد123" not in col.spellings


def test_shared_articles_summed_a_block_at_a_time_are_those_each_pair_shares(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    """The articles each pair of roots shares are summed a block of articles at a time (the
    whole articles × roots matrix is never held): with blocks of 2 articles they are the
    articles whose bodies read as both roots, counted one article at a time."""
    analysed = list(analyze_corpus(load(Paths(REPO))))
    whole = roots.collect(analysed, 1)
    monkeypatch.setattr(roots, "_BLOCK", 2)
    col = roots.RootCollector()
    for aa in analysed:
        col.add(aa.body_tokens)
    blocks = col.result(1)
    assert blocks == whole and len(analysed) > 2
    per_article = [{col.readings[i][0] for i in array("I", ids)}
                   for ids, _counts in col.contributions.values()]
    pairs = 0
    for page in blocks.pages.values():
        for r in page.related:
            shared = sum(1 for got in per_article if page.root in got and r.root in got)
            assert r.shared == shared
            pairs += 1
    assert pairs > 10


def test_shared_articles_of_the_new_roots_alone_are_a_count_of_every_pair(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the roots with pages change (another threshold, as an added or deleted article
    moves it), the totals count only the pairs with a root new among them and keep the
    others' shared articles (kept up to date as articles come and go): through thresholds
    that add and drop roots, an addition and a deletion, the matrix is the one counted from
    every contribution, and the count of every pair is not made."""
    analysed = list(analyze_corpus(load(Paths(REPO))))
    col = roots.RootCollector()
    for aa in analysed[1:]:
        col.add(aa.body_tokens, aa.article.id)
    col.track()
    totals = col._totals
    assert totals is not None
    col.result(4)  # the first count: every pair
    whole, new = roots._Totals._count_all, roots._Totals._count_new
    calls: list[str] = []

    def count_all(self: roots._Totals, c: roots.RootCollector, chosen: list[str]) -> object:
        calls.append("all")
        return whole(self, c, chosen)

    def count_new(self: roots._Totals, c: roots.RootCollector, chosen: list[str]) -> object:
        calls.append("new")
        return new(self, c, chosen)

    monkeypatch.setattr(roots._Totals, "_count_all", count_all)
    monkeypatch.setattr(roots._Totals, "_count_new", count_new)
    for step, threshold in enumerate((5, 6, 5, 7, 5, 4, 2)):
        if step == 2:
            col.add(analysed[0].body_tokens, analysed[0].article.id)
        if step == 4:
            col.remove(analysed[3].article.id)
        col.result(threshold)
        chosen = totals.slot_names
        assert (totals.shared == whole(totals, col, chosen)).all()
        assert totals.shared.dtype == whole(totals, col, chosen).dtype
    # (the last: more than FEW_NEW roots new at once, counted whole)
    assert calls.count("new") >= 2 and calls[-1] == "all", calls


def test_a_root_page_remade_from_its_old_page_is_the_page_made_anew(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """After an article is added or removed, a root page whose counts moved is made from the
    last result's page (only its moved forms made again: _Totals._page_again); through
    additions and removals each such page is the page made from every spelling of the root
    (_Totals._page), and most moved pages are made that way."""
    analysed = list(analyze_corpus(load(Paths(REPO))))
    col = roots.RootCollector()
    for aa in analysed:
        col.add(aa.body_tokens, aa.article.id)
    col.track()
    col.result(1)
    real = roots._Totals._page_again
    made: list[bool] = []

    def checked(self: roots._Totals, c: roots.RootCollector, old: roots.RootPage, i: int,
                articles: int, related: list[roots.Related]) -> roots.RootPage | None:
        got = real(self, c, old, i, articles, related)
        made.append(got is not None)
        if got is not None:
            assert roots._page_data(got) == roots._page_data(
                self._page(c, old.root, i, articles, related))
        return got

    monkeypatch.setattr(roots._Totals, "_page_again", checked)
    extra = analyze("قاتل المقاتلون في المواقع وشارك المشاركون في المسابقة واجتمع المفاوضون "
                    "وقصف الجيش المواقع وكتب الكاتب في المكتبة")
    for step in range(6):
        aa = analysed[step % len(analysed)]
        col.remove(aa.article.id)
        col.result(1)
        col.add(aa.body_tokens + (extra if step % 2 else []), aa.article.id)
        col.result(1)
    assert sum(made) > 10 and sum(made) > 2 * made.count(False)


def test_a_one_article_rebuild_reads_only_what_the_article_touches(
        archive_paths: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rebuild after one edited article reads from the root store the contributions, the
    spellings and the readings it needs (a bucket or a root at a time, a few roots per
    query), never all of them, and writes back only what changed; its index is the count
    from scratch."""
    from archive.pipeline import analyse

    monkeypatch.setattr(roots, "_IN_CHUNK", 2)
    seeds, build = archive_paths.seeds, archive_paths.build
    _more_articles(seeds)
    analysis = analyse(load(archive_paths), workers=1)
    roots.collect_cached(analysis, 1, build)
    whole: list[str] = []
    for cls, name in ((roots._LazyContributions, "_whole"), (roots._RowCache, "fetch_all"),
                      (roots._Spellings, "read_all")):
        real = getattr(cls, name)

        def spy(self: object, *args: object, _real: object = real, _name: str = name) -> object:
            whole.append(_name)
            return _real(self, *args)  # type: ignore[operator]

        monkeypatch.setattr(cls, name, spy)
    edited = sorted(seeds.glob("*.txt"))[2]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nاجتمع المفاوضون في المدينة.\n",
                      encoding="utf-8")
    analysis = analyse(load(archive_paths), workers=1)
    counted = roots.collect_cached(analysis, 1, build)
    assert whole == []
    assert roots._index_data(counted) == roots._index_data(roots.collect_records(analysis, 1))


def test_a_rebuild_stopped_while_it_saves_leaves_the_store_it_read(
        archive_paths: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store is written in one transaction: a build that stops while it writes (here:
    an error in the middle, after the contributions and the index were written) leaves the
    store of the previous count, whole, and the next build counts the change from it."""
    from archive.pipeline import analyse

    seeds, build = archive_paths.seeds, archive_paths.build
    _more_articles(seeds)
    read = _records_read(monkeypatch)
    roots.collect_cached(analyse(load(archive_paths), workers=1), 1, build)
    before = _store_contents(build), _stored(build, "index")
    edited = sorted(seeds.glob("*.txt"))[3]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nقصف الجيش المواقع.\n",
                      encoding="utf-8")
    analysis = analyse(load(archive_paths), workers=1)

    def broken(*args: object) -> None:
        raise RuntimeError("stopped")

    with monkeypatch.context() as m:
        m.setattr(roots, "_write_arrays", broken)
        with pytest.raises(RuntimeError):
            roots.collect_cached(analysis, 1, build)
    assert (_store_contents(build), _stored(build, "index")) == before
    read.clear()
    counted = roots.collect_cached(analysis, 1, build)
    assert read == [edited.stem]
    assert roots._index_data(counted) == roots._index_data(roots.collect_records(analysis, 1))
