# Sourced by run.sh and test.sh: make sure .venv exists and matches pyproject.toml and the lock.
# Only python3 (3.11+) is needed on the machine; everything else is installed into .venv.
#
# Which python3: NEWSBOT_PYTHON when set; else the distribution's /usr/bin/python3 when it is
# 3.11+ and can make a venv; else the first python3 on PATH. Distributions build their
# interpreter with profile-guided optimisation and LTO and link it statically; a python built
# from source (pyenv's default) has neither and loads libpython as a shared library. On this
# project's machines Debian's 3.11 parses articles about 15% faster than pyenv's 3.11
# (README, Performance). A .venv made from another interpreter is made again.
set -eu
cd "$(dirname "$0")/.."

_usable() {
    [ -x "$1" ] && "$1" -c 'import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 11))' \
        2>/dev/null
}

if [ -n "${NEWSBOT_PYTHON:-}" ]; then
    base=$NEWSBOT_PYTHON
elif _usable /usr/bin/python3; then
    base=/usr/bin/python3
else
    base=$(command -v python3)
fi
base=$("$base" -c 'import os, sys; print(os.path.realpath(sys.executable))')

if [ -x .venv/bin/python ] && [ "$(cat .venv/.base-python 2>/dev/null || true)" != "$base" ]; then
    echo "Making .venv again with $base ..." >&2
    rm -rf .venv
fi
if [ ! -x .venv/bin/python ]; then
    "$base" -m venv .venv
    echo "$base" > .venv/.base-python
fi
# Exact versions from requirements-dev.lock (what CI tested; scripts/lock.sh updates it), then
# newsbot itself without resolving again.
stamp=$("$base" -c 'import hashlib; print(hashlib.sha256(b"".join(open(f, "rb").read() for f in ("pyproject.toml", "requirements-dev.lock"))).hexdigest())')
if [ "$(cat .venv/.installed 2>/dev/null || true)" != "$stamp" ]; then
    echo "Installing newsbot and its dependencies into .venv ..." >&2
    .venv/bin/python -m pip install --quiet --upgrade pip >&2
    .venv/bin/python -m pip install --quiet -r requirements-dev.lock >&2
    .venv/bin/python -m pip install --quiet --no-deps -e . >&2
    echo "$stamp" > .venv/.installed
fi
# The parser compiled with mypyc when its sources changed (NEWSBOT_COMPILE=0: plain Python).
./scripts/compile.sh
