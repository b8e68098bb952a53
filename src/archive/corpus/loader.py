"""Load seeds/ into Articles, reporting every file that cannot be used.

Every ``*.txt`` and ``*.md`` file directly in seeds/ becomes an :class:`Article` or is named in
an error; the gazetteer files (``*.yml``/``*.yaml``) are left to the gazetteer; anything else in
seeds/ gets a warning. A bad file never stops the others from loading.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path

from archive.config import Paths
from archive.corpus.article import Article
from archive.corpus.boilerplate import layout
from archive.corpus.clean import (
    CONTROL,
    HINT,
    KIND_BY_NAME,
    Cleaned,
    clean_line,
    clean_text,
    strip_controls,
)
from archive.corpus.corpus import Corpus, problem_sort_key  # noqa: F401  (their home before)
from archive.corpus.dates import extract_dates
from archive.corpus.frontmatter import split_front_matter
from archive.corpus.infer import infer_source, infer_title
from archive.errors import Problem

ARTICLE_SUFFIXES = (".txt", ".md")
GAZETTEER_SUFFIXES = (".yml", ".yaml")
MAX_BYTES = 5 * 1024 * 1024
_SAFE_ID = re.compile(r"[\w.-]+")
#: a text with more control characters than this share of its visible characters is taken for
#: a binary or damaged file, not for text with a few stray ones (which are cleaned)
BINARY_SHARE = 0.25
BINARY_MIN = 8
#: the bytes of CONTROL's C0 characters but CR (which decoding turns into LF): the same
#: bytes in UTF-8 as the characters, never part of another character's bytes
_C0_BYTES = bytes(c for c in range(0x80) if CONTROL.fullmatch(chr(c)) and c != 0x0D)
#: CONTROL's C1 characters (U+0080-U+009F) in UTF-8
_C1_UTF8 = re.compile(b"\xc2[\x80-\x9f]")


def load_corpus(paths: Paths, load: Callable[[Path, Paths, str | None],
                                             tuple[Article | None, list[Problem]]] | None = None
                ) -> Corpus:
    """Every article file in ``paths.seeds``, sorted by id, with all problems found.
    ``load``: reads one article file, in place of :func:`load_file` (e.g. one that reuses the
    previous build's parse of an unchanged file); given the file's path relative to the root
    when the listing knows it (as :func:`load_file`'s ``rel``)."""
    load = load or load_file
    seeds = paths.seeds
    rel_seeds = paths.rel(seeds)
    if not seeds.is_dir():
        what = "is not a folder" if seeds.exists() else "does not exist"
        return Corpus([], [Problem(
            rel_seeds, f"the seeds folder {what}",
            f"create {rel_seeds}/ and put the article .txt or .md files in it",
        )])

    problems: list[Problem] = []
    by_id: dict[str, list[str]] = {}  # id → the paths of its files (as os.scandir gives them)
    rels: dict[str, str] = {}  # path (as os.scandir gives it) → relative to the root, if known
    # One directory read (os.scandir: a file's type comes with its name); a path relative to
    # the root is worked out from the folder's (resolving each file's path costs a few system
    # calls each, which tens of thousands of articles feel) except for a symbolic link. Names
    # are taken apart as strings (as pathlib does: a Path and its parts for each of 10,000
    # entries cost ~0.05 CPU s of every build and `mkdocs serve` reload); a Path is made only
    # for a file that is read or reported.
    inside = not Path(rel_seeds).is_absolute()
    with os.scandir(seeds) as it:
        listing = sorted(it, key=lambda e: e.name)
    for item in listing:
        name = item.name
        dot = name.rfind(".")
        has_suffix = 0 < dot < len(name) - 1  # what pathlib calls a suffix
        suffix = name[dot:].lower() if has_suffix else ""

        if item.is_dir():
            problems.append(Problem(
                _rel(item, rel_seeds, inside, paths), "folder inside seeds/ is not read",
                "put article files directly in seeds/", severity="warning",
            ))
        elif suffix in GAZETTEER_SUFFIXES:
            continue  # places.yml / actors.yml: the gazetteer reads and checks them
        elif name.startswith("."):
            problems.append(Problem(
                _rel(item, rel_seeds, inside, paths), "hidden file in seeds/, ignored",
                "remove it, or rename it without the leading '.' if it is an article",
                severity="warning",
            ))
        elif suffix in ARTICLE_SUFFIXES:
            by_id.setdefault(name[:dot], []).append(item.path)
            if inside and not item.is_symlink():
                rels[item.path] = f"{rel_seeds}/{name}"
        else:
            problems.append(Problem(
                _rel(item, rel_seeds, inside, paths),
                "not an article file (only .txt and .md are read), ignored",
                "rename it to .txt/.md if it is an article, or move it out of seeds/",
                severity="warning",
            ))

    folded: dict[str, list[str]] = {}
    for article_id in by_id:
        folded.setdefault(article_id.casefold(), []).append(article_id)

    articles: list[Article] = []
    for article_id in sorted(by_id):
        given = by_id[article_id]
        files = ([Path(given[0])] if len(given) == 1
                 else sorted((Path(p) for p in given), key=lambda p: p.name))
        if len(files) > 1:
            names = " and ".join(paths.rel(f) for f in files)
            for f in files:
                problems.append(Problem(
                    paths.rel(f), f"two files have the same id {article_id!r}: {names}",
                    "an article's id is its file name without extension: rename or remove one",
                ))
            continue
        clash = sorted(folded[article_id.casefold()])
        if len(clash) > 1:
            problems.append(Problem(
                paths.rel(files[0]),
                f"ids {', '.join(repr(c) for c in clash)} differ only in letter case;"
                " their pages would overwrite each other on a case-insensitive disk",
                "rename one of the files",
            ))
            continue
        article, found = load(files[0], paths, rels.get(by_id[article_id][0]))
        problems.extend(found)
        if article is not None:
            articles.append(article)

    if not articles and not any(p.severity == "error" for p in problems):
        problems.append(Problem(
            rel_seeds, "no articles found", "add .txt or .md article files to seeds/",
            severity="warning",
        ))
    problems.sort(key=problem_sort_key)
    return Corpus(articles, problems)


def _rel(item: os.DirEntry[str], rel_seeds: str, inside: bool, paths: Paths) -> str:
    """A seeds/ entry's path relative to the root (see load_corpus)."""
    return (f"{rel_seeds}/{item.name}" if inside and not item.is_symlink()
            else paths.rel(Path(item.path)))


def load_file(path: Path, paths: Paths, rel: str | None = None
              ) -> tuple[Article | None, list[Problem]]:
    """One article file: (Article, warnings) or (None, errors...). ``rel``: its path relative
    to the root (``paths.rel(path)``, which resolves the path: a few system calls a file)."""
    if rel is None:
        rel = paths.rel(path)
    try:
        # one open, its size from the open file (not a stat of the path, then an open)
        with open(path, "rb", buffering=0) as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > MAX_BYTES:
                return None, [Problem(
                    rel, f"file is too large ({size:,} bytes; the limit for an article is"
                    f" {MAX_BYTES // 1024 // 1024} MB)",
                    "an article should be plain text of a few KB: check it is the right file,"
                    " or split it into several articles",
                )]
            raw = fh.read()
    except OSError as exc:
        return None, [Problem(rel, f"cannot read the file: {exc.strerror or exc}",
                              "check the file's permissions")]
    return parse_article(raw, path.stem, rel)


def _looks_utf16(raw: bytes) -> str | None:
    """UTF-16 without a byte-order mark: decodes as UTF-16 into mostly letters and spaces."""
    for encoding in ("UTF-16LE", "UTF-16BE"):  # iconv's names; Python knows them too
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        plain = sum(1 for ch in text if ch.isalnum() or ch.isspace() or ch in ".,،:-\"'()")
        if text and plain >= 0.9 * len(text):
            return encoding
    return None


def decode(raw: bytes, rel: str) -> tuple[str | None, list[Problem]]:
    """Bytes to text: UTF-8 with or without BOM, line endings turned into LF."""
    _, text, problems = _decode(raw, rel)
    return text, problems


def _decode(raw: bytes, rel: str) -> tuple[int, str | None, list[Problem]]:
    """:func:`decode`, after how many control characters the text holds (0: none, which
    strip_controls then need not look for again)."""
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return 0, None, [Problem(rel, "file is UTF-32 encoded", f"convert it to UTF-8: iconv -f"
                                 f" utf-32 -t utf-8 {rel} > tmp && mv tmp {rel}", line=1)]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return 0, None, [Problem(rel, "file is UTF-16 encoded (it starts with a UTF-16 byte-order"
                                 " mark)", f"convert it to UTF-8: iconv -f utf-16 -t utf-8 {rel}"
                                 f" > tmp && mv tmp {rel}", line=1)]
    nul = raw.find(b"\x00")
    if nul >= 0:
        line = raw.count(b"\n", 0, nul) + 1
        encoding = _looks_utf16(raw)
        if encoding:
            return 0, None, [Problem(rel, "file looks UTF-16 encoded without a byte-order mark"
                                     " (it has NUL bytes between the characters)",
                                     f"convert it to UTF-8: iconv -f {encoding} -t utf-8 {rel}"
                                     f" > tmp && mv tmp {rel}", line=line)]
        return 0, None, [Problem(rel, f"file contains NUL bytes (first at byte {nul}): it is"
                                 " binary, not text",
                                 "replace it with the article as plain UTF-8 text", line=line)]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        hint = "save the file as UTF-8"
        try:
            guess = raw.decode("cp1256")
        except UnicodeDecodeError:
            guess = ""
        arabic = sum(1 for ch in guess if "\u0600" <= ch <= "\u06ff")
        if arabic and arabic >= len(raw[exc.start:]) // 8:
            hint = ("it looks like Windows Arabic (cp1256); convert it:"
                    f" iconv -f cp1256 -t utf-8 {rel} > tmp && mv tmp {rel}")
        return 0, None, [Problem(
            rel, f"file is not valid UTF-8: byte 0x{raw[exc.start]:02x} at byte offset"
            f" {exc.start} (line {line}, byte {column} of the line) cannot be decoded",
            hint, line=line,
        )]
    # a doubled byte-order mark (files concatenated or re-saved) is no more text than one
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    # (the usual file has no control character: told from its bytes, 1-2 ns a byte against
    # ~10 ns a character for the regular expression's scan of the text)
    if len(raw.translate(None, _C0_BYTES)) == len(raw) and not _C1_UTF8.search(raw):
        return 0, text, []
    controls = sum(len(m) for m in CONTROL.findall(text))
    visible = len("".join(CONTROL.sub("", text).split())) if controls else 0
    if controls and (not visible or controls >= BINARY_MIN and controls > BINARY_SHARE * visible):
        bad = CONTROL.search(text)
        assert bad is not None
        number = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        return 0, None, [Problem(
            rel, f"{controls} control characters (the first, U+{ord(bad.group()[0]):04X}, at"
            f" line {number}, column {column}) among {visible} other characters:"
            " the file is binary or damaged",
            "replace the file with the article as plain text", line=number,
        )]
    return controls, text, []


def parse_article(raw: bytes, article_id: str, rel: str) -> tuple[Article | None, list[Problem]]:
    """Bytes of one article file to an Article (None when it has errors) and its problems."""
    problems: list[Problem] = []
    if not _SAFE_ID.fullmatch(article_id):
        problems.append(Problem(
            rel, f"file name {article_id!r} has characters other than letters, digits, '_',"
            " '-' and '.'; it becomes a web address", "rename the file", severity="warning",
        ))
    if not raw or raw.isspace():  # (what ``not raw.strip()`` says, without copying the bytes)
        return None, [*problems, Problem(
            rel, "file is empty" if not raw else "file has only whitespace",
            "write the article text in it, or delete the file", line=None,
        )]
    controls, text, found = _decode(raw, rel)
    if text is None:
        return None, [*problems, *found]
    if not text or text.isspace():
        return None, [*problems, Problem(
            rel, "file has only whitespace", "write the article text in it, or delete the file",
        )]
    # stray control characters go before the front matter is read (YAML refuses them); the
    # other kinds are cleaned in the body and the title only (an entity decoded inside the
    # front matter could change what the YAML says)
    # (no control character in the text: nothing to strip, and no second scan for one)
    stripped, n_controls, first = strip_controls(text) if controls else (text, 0, -1)
    cleaned = Cleaned("")
    split = split_front_matter(stripped, rel)
    problems.extend(split.problems)
    if any(p.severity == "error" for p in problems):
        return None, problems
    if not split.body.strip():
        return None, [*problems, Problem(
            rel, "article has front matter but no text after it",
            "write the article text below the closing '---' line", line=split.body_line,
        )]
    # the body is cleaned from the decoded text (stripping kept every line), so that a control
    # character that stood for a line break becomes one
    body_start = 0
    for _ in range(split.body_line - 1):
        body_start = text.index("\n", body_start) + 1
    in_body = clean_text(text[body_start:])
    in_front = n_controls - in_body.counts.get("control", 0)
    if in_front > 0:  # (entities in the body may decode to more control characters)
        cleaned.counts["control"] = in_front
        cleaned.lines["control"] = text.count("\n", 0, first)
    cleaned.add(in_body, line_offset=split.body_line - 1)
    body = in_body.text
    if not body.strip():
        return None, [*problems, Problem(
            rel, "article has no text once HTML tags and invisible characters are removed",
            "write the article text in the file", line=split.body_line,
        )]

    front = split.front
    lay = layout(body)
    if not lay.body_lines():
        problems.append(Problem(
            rel, "every line of the article was taken for boilerplate; nothing will be indexed",
            "check the file holds the article text", severity="warning",
        ))
    title = source = None
    if front is not None and front.title:
        in_title = clean_line(front.title)
        cleaned.add(in_title, line_offset=None)
        title = in_title.text or None
    if title:
        inferred = False
    else:
        title, inferred = infer_title(lay, fallback=article_id), True
    if front is not None and front.source:
        in_source = clean_line(front.source)
        cleaned.add(in_source, line_offset=None)
        source = in_source.text or None
    if source:
        evidence = None
    else:
        source, evidence = infer_source(body, lay)
    author = None
    if front is not None and front.author:
        in_author = clean_line(front.author)
        cleaned.add(in_author, line_offset=None)
        author = in_author.text or None
    problems.extend(cleaning_warnings(cleaned, rel))

    article = Article(
        id=article_id,
        path=rel,
        text=body,
        cleaned=dict(sorted(cleaned.counts.items())),
        content_hash=hashlib.sha256(raw).hexdigest(),
        title=title,
        title_inferred=inferred,
        date=front.date if front else None,
        source=source,
        source_evidence=evidence,
        url=front.url if front else None,
        author=author,
        places=list(front.places) if front else [],
        actors=list(front.actors) if front else [],
        tags=list(front.tags) if front else [],
        extra=dict(front.extra) if front else {},
        segments=lay.segments,
        mentioned_dates=extract_dates(body),
        text_offset_line=split.body_line,
    )
    return article, problems


def cleaning_warnings(cleaned: Cleaned, rel: str) -> list[Problem]:
    """One warning per kind of dirty text cleaned in a file, at the line of its first
    occurrence; the same message for every file, so the summary counts the files."""
    out = []
    for name in sorted(cleaned.counts):
        line = cleaned.lines.get(name, -1) + 1
        out.append(Problem(rel, KIND_BY_NAME[name].message, HINT,
                           line=line if line > 0 else None, severity="warning"))
    return out
