#!/usr/bin/env sh
# Set everything up (first time only) and run the bot: Telegram with a token, else a console chat.
. "$(dirname "$0")/bootstrap.sh"
exec .venv/bin/newsbot run "$@"
