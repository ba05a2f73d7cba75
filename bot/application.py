"""Building the python-telegram-bot Application: endpoint, rate limits, handlers, start-up.

The same builder serves Telegram, a self-hosted Bot API server, the end-to-end tests' local
server and the console chat (which swaps the HTTP request for an in-process one).
"""

from __future__ import annotations

import logging

from telegram.ext import AIORateLimiter, Application, ApplicationBuilder
from telegram.request import BaseRequest

from bot.services import Services
from handlers import BOT_COMMANDS, register

log = logging.getLogger(__name__)

#: Telegram's documented broadcast limit is about 30 messages per second per bot.
OVERALL_MAX_PER_SECOND = 30


async def _announce_commands(application: Application) -> None:
    """Set the command menu users see when they type '/'."""
    await application.bot.set_my_commands(BOT_COMMANDS)
    log.info("command menu set (%d commands)", len(BOT_COMMANDS))


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
        .post_init(_announce_commands)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    if rate_limit:
        builder = builder.rate_limiter(
            AIORateLimiter(
                overall_max_rate=OVERALL_MAX_PER_SECOND, overall_time_period=1, max_retries=3
            )
        )
    application = builder.build()
    application.bot_data["services"] = services
    register(application)
    return application
