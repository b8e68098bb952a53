"""Where things are: the repository root, seeds/, build/, docs/."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Paths:
    root: Path

    @property
    def seeds(self) -> Path:
        return self.root / "seeds"

    @property
    def build(self) -> Path:
        return self.root / "build"

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    def rel(self, path: Path) -> str:
        """``path`` relative to the repository root, with forward slashes."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()


def find_root(start: Path | None = None) -> Path:
    """The repository root: $ARCHIVE_ROOT, else the nearest folder upwards with mkdocs.yml."""
    env = os.environ.get("ARCHIVE_ROOT")
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "mkdocs.yml").is_file() and (folder / "seeds").is_dir():
            return folder
    return here


def default_paths() -> Paths:
    return Paths(find_root())
