"""Build hook: with ``NEWSBOT_COMPILE=1`` the parser (``bot/parsing``) is compiled with mypyc.

The metadata is in pyproject.toml; this file only adds the compiled modules. Without the
variable newsbot installs as plain Python. ``scripts/compile.sh`` compiles a checkout in place
(``build_ext --inplace``); a wheel built with the variable carries the compiled modules.
Compiling needs mypy (which provides mypyc) in the build environment and a C compiler: build
with ``--no-build-isolation`` from an environment that has the dev dependencies.
"""

import os
import sys
from pathlib import Path

from setuptools import setup

ROOT = Path(__file__).resolve().parent
PARSING = ROOT / "bot" / "parsing"

ext_modules = []
if os.environ.get("NEWSBOT_COMPILE") == "1":
    from mypyc.build import mypycify

    sys.path.insert(0, str(ROOT))
    from bot.compiled import compiled_sources, write_stamp

    ext_modules = mypycify(
        [str(p.relative_to(ROOT)) for p in compiled_sources(PARSING)],
        # the shared library lives inside the package: bot/parsing/native__mypyc.*.so
        group_name="bot.parsing.native",
    )
    write_stamp(PARSING)

setup(ext_modules=ext_modules)
