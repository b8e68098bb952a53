"""The browser state's code fingerprint covers every module that shapes the browser data: a
change to any of them must make the next build write the data afresh (a cold browser stage),
or an incremental build would keep bytes the changed code no longer writes."""

from __future__ import annotations

import ast
from pathlib import Path

import archive
from archive.browser import index

PACKAGE = Path(archive.__file__).resolve().parent
#: Modules index.py imports that do not shape the bytes it writes: the state kept in memory
#: between `mkdocs serve` reloads (a cache of what the state files hold).
NOT_SHAPING = {"browser/keptstate.py"}


def _archive_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(
                "archive.browser"):
            names = ([node.module] if node.module != "archive.browser"
                     else [f"archive.browser.{a.name}" for a in node.names])
            for name in names:
                module = name.removeprefix("archive.").replace(".", "/")
                # a C module (setup.py): its source
                found.add(module + (".c" if (PACKAGE / f"{module}.c").is_file() else ".py"))
    return found


def test_every_browser_module_the_writer_imports_is_fingerprinted() -> None:
    imported = _archive_modules(PACKAGE / "browser" / "index.py")
    assert "browser/digits.py" in imported  # the scan sees the writer's imports
    missing = imported - set(index.CODE_FILES) - NOT_SHAPING
    assert not missing, f"browser modules outside the code fingerprint: {sorted(missing)}"


def test_code_files_exist() -> None:
    for name in index.CODE_FILES:
        assert (PACKAGE / name).is_file(), name


def test_the_fingerprint_reads_the_listed_modules(monkeypatch) -> None:
    from archive import files

    seen: list[tuple[str, ...]] = []
    real = files.fingerprint

    def spy(label, parts, **kw):
        seen.append(tuple(parts))
        return real(label, parts, **kw)

    monkeypatch.setattr(files, "fingerprint", spy)
    index._code_fingerprint.cache_clear()  # computed once per process otherwise
    try:
        index._code_fingerprint()
    finally:
        index._code_fingerprint.cache_clear()
    assert seen and "browser/formsplice.py" in seen[0] and "browser/digits.py" in seen[0]
