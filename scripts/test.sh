#!/usr/bin/env sh
# Set everything up (first time only) and run the whole test suite.
. "$(dirname "$0")/bootstrap.sh"
exec .venv/bin/python -m pytest "$@"
