"""Atomic site output: build into ``<site_dir>.partial`` and swap it in only on success.

MkDocs empties ``site_dir`` before it writes the new pages, so a build that fails midway (an
exception while rendering, or warnings that abort a ``--strict`` build after every page is
written) would leave a half-built or empty site. With staging, the previous ``site/`` stays
exactly as it was until the new one is complete; then two renames put the new one in place.

Not used by ``mkdocs serve`` (it builds into a temporary folder of its own) or ``--dirty``
builds (which update the existing folder in place by design).
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.utils import CountHandler

log = logging.getLogger("mkdocs.plugins.archive")


class StagedSiteDir:
    def __init__(self) -> None:
        self.final: Path | None = None
        self.staging: Path | None = None
        self.warnings: CountHandler | None = None

    def begin(self, config: MkDocsConfig) -> None:
        """Point ``config.site_dir`` at a fresh staging folder beside the real one."""
        final = Path(config.site_dir)
        staging = final.with_name(final.name + ".partial")
        _remove(staging)
        self.final, self.staging = final, staging
        config.site_dir = str(staging)
        self.warnings = CountHandler()
        self.warnings.setLevel(logging.WARNING)
        logging.getLogger("mkdocs").addHandler(self.warnings)

    def commit(self, config: MkDocsConfig) -> None:
        """Swap the staging folder in, unless warnings are about to abort a strict build."""
        if self.final is None or self.staging is None:
            return
        final, staging = self.final, self.staging
        config.site_dir = str(final)
        if config.strict and self._warned():
            log.info("archive: strict build has warnings; %s was left as it was", final.name)
            self.discard()
            return
        previous = final.with_name(final.name + ".previous")
        _remove(previous)
        if final.exists():
            final.rename(previous)
        staging.rename(final)
        _remove(previous)
        self._detach()

    def discard(self) -> None:
        """Throw the staging folder away; the real site folder is untouched."""
        if self.staging is not None:
            _remove(self.staging)
        self._detach()

    def _warned(self) -> bool:
        return bool(self.warnings and self.warnings.get_counts())

    def _detach(self) -> None:
        if self.warnings is not None:
            logging.getLogger("mkdocs").removeHandler(self.warnings)
        self.final = self.staging = self.warnings = None


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
