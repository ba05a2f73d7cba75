#!/usr/bin/env sh
# Compile the parser (bot/parsing) with mypyc, in place, into .venv's interpreter's extension
# modules; bootstrap.sh runs it when the sources changed. NEWSBOT_COMPILE=0 skips it (the
# sources are used, as they are when no C compiler is found). See docs/performance.md.
set -eu
cd "$(dirname "$0")/.."
if [ "${NEWSBOT_COMPILE:-1}" = "0" ]; then
    exit 0
fi
if ! command -v "${CC:-cc}" >/dev/null 2>&1; then
    echo "No C compiler: the parser runs as plain Python (slower)." >&2
    exit 0
fi
if .venv/bin/python -c 'import sys; from pathlib import Path; from bot.compiled import is_fresh; sys.exit(not is_fresh(Path("bot/parsing")))' 2>/dev/null; then
    exit 0
fi
echo "Compiling the parser with mypyc (a minute or two) ..." >&2
# Python 3.12+ makes venvs without setuptools; the Dockerfile's build stage pins the same one.
if ! .venv/bin/python -c 'import setuptools' 2>/dev/null; then
    .venv/bin/python -m pip install --quiet "setuptools==80.9.0" >&2 || true
fi
rm -f bot/parsing/*.so bot/parsing/_compiled.txt
if ! NEWSBOT_COMPILE=1 .venv/bin/python setup.py --quiet build_ext --inplace --parallel 2 \
    >.venv/compile.log 2>&1; then
    rm -f bot/parsing/*.so bot/parsing/_compiled.txt
    echo "Compiling the parser failed (.venv/compile.log): it runs as plain Python." >&2
fi
