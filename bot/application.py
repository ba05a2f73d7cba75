"""Building the python-telegram-bot Application: endpoint, rate limits, handlers, start-up.

The same builder serves Telegram, a self-hosted Bot API server, the end-to-end tests' local
server and the console chat (which swaps the HTTP request for an in-process one).

Updates are handled concurrently, but one chat's in the order they came
(:class:`ChatOrderedProcessor`): while one reply waits for its ``sendMessage`` round trip the
next chat's command is already being worked on, and a chat still sees its answers in the
order it asked.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, BaseUpdateProcessor
from telegram.request import BaseRequest

from bot.alerts import start_alerts, stop_alerts
from bot.error_report import REPORTER, ErrorReporter
from bot.feeds.jobs import schedule_feed_jobs
from bot.pacing import PacedRateLimiter, Pacer
from bot.scheduling import start_briefings, stop_briefings
from bot.services import Services
from bot.store_watch import watch_store
from handlers import BOT_COMMANDS, register

log = logging.getLogger(__name__)

#: Telegram's documented broadcast limit is about 30 messages per second per bot.
OVERALL_MAX_PER_SECOND = 30


#: Updates being worked on at once (across chats; a chat's own are always one at a time).
CONCURRENT_UPDATES = 8
#: PTB's own limit, which queues updates in a way that need not keep their order: never
#: reached, so updates enter :meth:`ChatOrderedProcessor.do_process_update` in order.
_UNBOUNDED = 1 << 30


def _chat_key(update: object) -> int | None:
    """Whose order an update keeps: its chat's, else its sender's (None: no order to keep)."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Up to ``limit`` updates at once; each chat's one after the other, in arrival order.

    PTB starts an update's task as it takes the update from its queue, in order, and that
    task reaches :meth:`do_process_update` before its first ``await`` (PTB's semaphore is
    set far above anything reached, so it never makes a task wait and reorder). The chat's
    place in line is taken there, before any ``await``: an update waits for the chat's
    previous one to finish, then for one of the ``limit`` slots.
    """

    __slots__ = ("_limit", "_tails")

    def __init__(self, limit: int = CONCURRENT_UPDATES) -> None:
        super().__init__(_UNBOUNDED)
        self._limit = asyncio.BoundedSemaphore(limit)
        #: Per chat, the future its latest update resolves when done.
        self._tails: dict[int, asyncio.Future[None]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _chat_key(update)
        if key is None:
            async with self._limit:
                await coroutine
            return
        previous = self._tails.get(key)
        done = asyncio.get_running_loop().create_future()
        self._tails[key] = done
        try:
            if previous is not None:
                await asyncio.shield(previous)
            async with self._limit:
                await coroutine
        finally:
            done.set_result(None)
            if self._tails.get(key) is done:
                del self._tails[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


async def _announce_commands(application: Application) -> None:
    """Set the command menu users see when they type '/'."""
    await application.bot.set_my_commands(BOT_COMMANDS)
    log.info("command menu set (%d commands)", len(BOT_COMMANDS))


async def _on_start(application: Application) -> None:
    """Start-up: the command menu, the daily briefing jobs (rebuilt from SQLite), alerts."""
    await _announce_commands(application)
    await start_briefings(application)
    await start_alerts(application)


async def _on_stop(application: Application) -> None:
    """Shutdown: sends in flight finish; what was not sent goes after the next start."""
    await stop_alerts(application)
    await stop_briefings(application)


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
        .post_stop(_on_stop)
        .concurrent_updates(ChatOrderedProcessor())
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
    if settings.error_chat is not None:
        application.bot_data[REPORTER] = ErrorReporter(settings.error_chat, token)
    register(application)
    schedule_feed_jobs(application)
    watch_store(application)
    return application
