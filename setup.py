"""The optional C accelerators of the index writers (the rest of the build is in pyproject.toml).

Each module only speeds up functions that have a pure-Python twin in the same package, which
is used when the module is not built (no C compiler or no Python headers): the output is the
same byte for byte, which tests/test_native.py checks wherever the modules are built.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension("archive.browser._cterms", ["src/archive/browser/_cterms.c"], optional=True),
        Extension("archive.browser._cshards", ["src/archive/browser/_cshards.c"], optional=True),
        Extension("archive.index._cpostings", ["src/archive/index/_cpostings.c"], optional=True),
    ]
)
