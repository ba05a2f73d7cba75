# Sourced by run.sh and test.sh: make sure .venv exists and matches pyproject.toml.
# Only python3 (3.11+) is needed on the machine; everything else is installed into .venv.
set -eu
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
stamp=$(python3 -c 'import hashlib,sys; print(hashlib.sha256(open("pyproject.toml","rb").read()).hexdigest())')
if [ "$(cat .venv/.installed 2>/dev/null || true)" != "$stamp" ]; then
    echo "Installing newsbot and its dependencies into .venv ..." >&2
    .venv/bin/python -m pip install --quiet --upgrade pip >&2
    .venv/bin/python -m pip install --quiet -e '.[dev]' >&2
    echo "$stamp" > .venv/.installed
fi
