"""The optional C modules of the index writers (the rest of the build is in pyproject.toml).

Each module only speeds up functions that have a pure-Python twin in the same package, which
is used when the module is not built (no C compiler or no Python headers), see
``archive.native``: the output is the same byte for byte, which the tests check wherever the
modules are built. Each module is compiled with the SHA-256 of its source (``SOURCE_SHA``), so
that an editable install whose C source changed since is not used with the old code (the
hash covers the shared header, archive/native.h, too).
"""

import hashlib
from pathlib import Path

from setuptools import Extension, setup

MODULES = ["archive.browser._cterms", "archive.browser._cshards", "archive.index._cpostings",
           "archive.site._croots", "archive.analysis._cmorph"]


#: The header every module includes (archive/native.h), hashed with each module's source.
HEADER = Path("src", "archive", "native.h")


def extension(name: str) -> Extension:
    source = Path("src", *name.split(".")).with_suffix(".c")
    # the same hash as archive.native.source_sha
    sha = hashlib.sha256(source.read_bytes() + HEADER.read_bytes()).hexdigest()
    return Extension(name, [source.as_posix()], optional=True, include_dirs=[str(HEADER.parent)],
                     depends=[HEADER.as_posix()], define_macros=[("SOURCE_SHA", f'"{sha}"')])


setup(ext_modules=[extension(name) for name in MODULES])
