"""The optional C modules (setup.py) are built wherever a C compiler and Python's headers are:
without them the build silently falls back to the pure-Python twins, several times slower."""

from __future__ import annotations

import importlib
import shutil
import sysconfig
from pathlib import Path

import pytest

MODULES = ["archive.browser._cterms", "archive.browser._cshards", "archive.index._cpostings"]


def _can_compile() -> bool:
    cc = (sysconfig.get_config_var("CC") or "cc").split()[0]
    return (shutil.which(cc) is not None
            and Path(sysconfig.get_paths()["include"], "Python.h").is_file())


@pytest.mark.parametrize("name", MODULES)
def test_the_c_modules_are_built_where_they_can_be(name: str) -> None:
    if not _can_compile():
        pytest.skip("no C compiler or no Python headers: the pure-Python twins are used")
    module = importlib.import_module(name)
    assert Path(module.__file__ or "").suffix == ".so"
