"""``newsbot run`` for the benchmarks, with the outgoing rate limiter optionally off.

Usage (from the benches, which set TELEGRAM_* and NEWSBOT_* in the environment):
    .venv/bin/python bench/run_bot.py [--no-rate-limit]

It starts the bot exactly as ``bot.cli.cmd_run`` does (settings from the environment, logging,
``Services.start``, ``build_application``, ``run_polling``); ``--no-rate-limit`` only drops
the Telegram-friendly pacing of sends (30 messages/s overall), to measure the bot itself.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.application import build_application
from bot.config import load_settings
from bot.logging_setup import configure_logging
from bot.services import Services
from handlers import ALLOWED_UPDATES


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-rate-limit", action="store_true")
    args = parser.parse_args()
    settings = load_settings()
    configure_logging(settings.log_level, settings.token, settings.log_format)
    services = Services.start(settings)
    try:
        application = build_application(
            services, token=settings.token, rate_limit=not args.no_rate_limit
        )
        application.run_polling(allowed_updates=ALLOWED_UPDATES)
    finally:
        services.close()


if __name__ == "__main__":
    main()
