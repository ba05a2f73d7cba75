"""The bot as ``newsbot run`` starts it (post_init included: command menu, briefing jobs,
the alert watcher), long-polling the local Bot API server for the update kinds it asks for."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram.ext import Application

from bot.application import build_application
from bot.config import Settings
from bot.services import Services
from handlers import ALLOWED_UPDATES


@asynccontextmanager
async def live_bot(
    settings: Settings, token: str, *, rate_limit: bool = False
) -> AsyncIterator[tuple[Services, Application]]:
    services = Services.start(settings)
    application = build_application(services, token=token, rate_limit=rate_limit)
    await application.initialize()
    await application.post_init(application)
    await application.start()
    await application.updater.start_polling(
        poll_interval=0.0, timeout=1, allowed_updates=ALLOWED_UPDATES
    )
    try:
        yield services, application
    finally:
        await application.updater.stop()
        await application.stop()
        await application.post_stop(application)
        await application.shutdown()
        services.close()
