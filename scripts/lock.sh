#!/usr/bin/env sh
# Pin the lock files to the newest versions pyproject.toml's ranges allow today.
# requirements.lock is what the bot runs on (the container installs it); requirements-dev.lock
# adds the test and lint tools (scripts/bootstrap.sh installs it, so a clone tests what CI
# tested). Run after changing a dependency in pyproject.toml, or to take upgrades, then
# ./scripts/test.sh; extra arguments go to uv (e.g. --upgrade-package httpx).
set -eu
cd "$(dirname "$0")/.."
UV_VERSION=0.13.8
tools=.cache/lock-tools
if [ "$("$tools/bin/uv" --version 2>/dev/null | cut -d' ' -f2)" != "$UV_VERSION" ]; then
    python3 -m venv "$tools"
    "$tools/bin/python" -m pip install --quiet "uv==$UV_VERSION"
fi
"$tools/bin/uv" pip compile pyproject.toml --universal --python-version 3.11 \
    --custom-compile-command ./scripts/lock.sh --quiet "$@" -o requirements.lock
"$tools/bin/uv" pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
    --custom-compile-command ./scripts/lock.sh --quiet "$@" -o requirements-dev.lock
echo "Pinned requirements.lock and requirements-dev.lock; now run ./scripts/test.sh" >&2
