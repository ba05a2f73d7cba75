"""Building the python-telegram-bot Application: endpoint, rate limits, handlers, start-up.

The same builder serves Telegram, a self-hosted Bot API server, the end-to-end tests' local
server and the console chat (which swaps the HTTP request for an in-process one).
"""

from __future__ import annotations

import logging

from telegram.ext import Application, ApplicationBuilder
from telegram.request import BaseRequest

from bot.feeds.jobs import schedule_feed_jobs
from bot.pacing import PacedRateLimiter, Pacer
from bot.scheduling import start_briefings, stop_briefings
from bot.services import Services
from handlers import BOT_COMMANDS, register

log = logging.getLogger(__name__)

#: Telegram's documented broadcast limit is about 30 messages per second per bot.
OVERALL_MAX_PER_SECOND = 30


async def _announce_commands(application: Application) -> None:
    """Set the command menu users see when they type '/'."""
    await application.bot.set_my_commands(BOT_COMMANDS)
    log.info("command menu set (%d commands)", len(BOT_COMMANDS))


async def _on_start(application: Application) -> None:
    """Start-up: the command menu, then the daily briefing jobs (rebuilt from SQLite)."""
    await _announce_commands(application)
    await start_briefings(application)


def build_application(
    services: Services,
    *,
    token: str,
    request: BaseRequest | None = None,
    rate_limit: bool = True,
) -> Application:
    """An Application wired to ``services`` and talking to ``settings.api_base_url``."""
    settings = services.settings
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_file_url)
        .post_init(_on_start)
        .post_stop(stop_briefings)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    if rate_limit:
        # AIORateLimiter's equal, but a 429 for one chat does not pause every other send.
        builder = builder.rate_limiter(
            PacedRateLimiter(Pacer(OVERALL_MAX_PER_SECOND), max_retries=3)
        )
    application = builder.build()
    application.bot_data["services"] = services
    register(application)
    schedule_feed_jobs(application)
    return application
