"""Two small file helpers every build product uses: atomic writes and code fingerprints."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def write_atomic(path: Path, text: str | bytes, *, durable: bool = False) -> None:
    """Write ``text`` (UTF-8, or bytes as they are) to ``path`` so that a reader never sees
    half a file: into a temporary file beside it, then renamed over it. ``durable``: also
    flush it to the disk before the rename (for files that must survive a crash, e.g. an index
    manifest)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with (open(tmp, "wb") if isinstance(text, bytes)
          else open(tmp, "w", encoding="utf-8", newline="\n")) as fh:
        fh.write(text)
        if durable:
            fh.flush()
            os.fsync(fh.fileno())
    os.replace(tmp, path)


def fingerprint(label: str, parts: Iterable[str], *, skip: Iterable[str] = ()) -> str:
    """Hash of every file under the ``parts`` of the ``archive`` package (folders or files,
    relative to it; ``__pycache__`` and any folder named in ``skip`` left out), in path order,
    with ``label`` first: a product made by other code has another fingerprint."""
    skipped = {"__pycache__", *skip}
    files: set[Path] = set()
    for part in parts:
        target = PACKAGE / part
        if target.is_file():
            files.add(target)
        elif target.is_dir():
            files.update(p for p in target.rglob("*")
                         if p.is_file() and skipped.isdisjoint(p.relative_to(PACKAGE).parts))
    h = hashlib.sha256(f"{label}\n".encode())
    for p in sorted(files):
        h.update(p.relative_to(PACKAGE).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()
