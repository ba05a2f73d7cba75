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
import functools
import logging
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from telegram import BotCommandScopeChat, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, InvalidToken
from telegram.ext import Application, ApplicationBuilder, BaseUpdateProcessor, Defaults
from telegram.request import BaseRequest, HTTPXRequest

from bot.alerts import alert_sender, start_alerts, stop_alerts
from bot.context import CONTEXT_TYPES, SERVICES, services_of
from bot.error_report import REPORTER, ErrorReporter
from bot.feeds.jobs import schedule_feed_jobs
from bot.pacing import PacedRateLimiter, Pacer, ReplyRetry
from bot.redraws import REDRAWS_KEY, STOP_GRACE, Redraws, redraws_of
from bot.scheduling import deliverer, start_briefings, stop_briefings
from bot.services import Services
from bot.slots import CURRENT_SLOT, Slot
from bot.store_watch import watch_store
from handlers import ADMIN_BOT_COMMANDS, BOT_COMMANDS, register

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
            await self._run_in_slot(coroutine)
            return
        previous = self._tails.get(key)
        done = asyncio.get_running_loop().create_future()
        self._tails[key] = done
        try:
            if previous is not None:
                await asyncio.shield(previous)
            await self._run_in_slot(coroutine)
        finally:
            done.set_result(None)
            if self._tails.get(key) is done:
                del self._tails[key]

    async def _run_in_slot(self, coroutine: Awaitable[Any]) -> None:
        """Run the handler holding a slot it may give back while it waits (:mod:`bot.slots`)."""
        await self._limit.acquire()
        slot = Slot(self._limit)
        token = CURRENT_SLOT.set(slot)
        try:
            await coroutine
        finally:
            CURRENT_SLOT.reset(token)
            slot.release()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


#: ``bot_data`` key: the exit code the process ends with once the application stopped.
EXIT_CODE = "exit_code"
#: A rejected token (401) ends the process with this code: restarting will not help.
EXIT_REJECTED = 2
REJECTED_LINE = (
    "Telegram rejected the bot token (401 Unauthorized): the bot stops. "
    "Check TELEGRAM_BOT_TOKEN (@BotFather shows the current one)."
)


class NewsbotApplication(Application):
    """PTB's Application, but waits end as soon as stopping starts.

    ``Application.stop`` waits for every handler still running, and the briefing workers
    and the background redraws (:mod:`bot.redraws`) are drained after it: a reply or a
    briefing waiting out a long ``retry_after`` would hold a SIGINT for that long. Telling
    them first makes their waits end at once.
    """

    async def start(self) -> None:
        limiter = self.bot.rate_limiter
        if isinstance(limiter, PacedRateLimiter):
            limiter.stopping.clear()
        await super().start()

    async def stop(self) -> None:
        limiter = self.bot.rate_limiter
        if isinstance(limiter, PacedRateLimiter):
            limiter.stopping.set()
        sender = deliverer(self)
        if sender is not None:
            sender.begin_stopping()
        alerts = alert_sender(self)
        if alerts is not None:
            alerts.begin_stopping()
        await super().stop()
        # Handlers are done; the menus they redraw in the background end in their last state
        # (unless that takes longer than a stop may).
        await redraws_of(self).drain(timeout=STOP_GRACE)


class WatchedRequest(HTTPXRequest):
    """PTB's HTTP client that tells ``on_rejected`` about any 401 answer.

    ``getUpdates`` does not pass the rate limiter, and PTB's polling loop ends quietly on a
    rejected token while the process lives on; this is where every request's status shows.
    """

    on_rejected: Callable[[], None] | None = None

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        code, payload = await super().do_request(*args, **kwargs)
        if code == HTTPStatus.UNAUTHORIZED and self.on_rejected is not None:
            self.on_rejected()
        return code, payload


def _token_rejected(application: Application) -> None:
    """Log one masked line and stop: a revoked token does not come back by retrying."""
    if application.bot_data.get(EXIT_CODE) == EXIT_REJECTED:
        return
    application.bot_data[EXIT_CODE] = EXIT_REJECTED
    log.error(REJECTED_LINE)
    if application.running:
        application.stop_running()


def run_bot(application: Application, start: Callable[[], None]) -> int:
    """Start-up through a rejected token or an unreachable Telegram, then ``start`` (PTB's
    ``run_polling``/``run_webhook``); returns the process's exit code.

    ``getMe`` is called here rather than in PTB's bootstrap, whose rejected-token traceback
    is not one line; the rate limiter retries it (and the other start-up calls) with backoff
    for as long as Telegram answers 5xx or does not answer at all.
    """
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(application.initialize())
    except InvalidToken:
        _token_rejected(application)
        loop.close()
        return EXIT_REJECTED
    try:
        start()
    except InvalidToken:
        _token_rejected(application)
    return int(application.bot_data.get(EXIT_CODE, 0))


async def announce_commands(application: Application) -> None:
    """Set the command menu users see when they type '/'; admins also see theirs.

    An admin's menu is scoped to their private chat, which Telegram only knows once they have
    written to the bot: until then that call is refused, and the admin sees the common menu.
    """
    await application.bot.set_my_commands(BOT_COMMANDS)
    log.info("command menu set (%d commands)", len(BOT_COMMANDS))
    services: Services = services_of(application)
    for admin in sorted(services.settings.admins):
        try:
            await application.bot.set_my_commands(
                ADMIN_BOT_COMMANDS, scope=BotCommandScopeChat(admin)
            )
        except BadRequest as error:
            log.info("no admin command menu for %s yet: %s", admin, error)


async def _on_start(application: Application) -> None:
    """Start-up: the command menu, the daily briefing jobs (rebuilt from SQLite), alerts."""
    await announce_commands(application)
    await start_briefings(application)
    await start_alerts(application)


async def _on_stop(application: Application) -> None:
    """Shutdown: sends in flight finish; what was not sent goes after the next start."""
    await stop_alerts(application)
    await stop_briefings(application)


async def _close_services(application: Application) -> None:
    """After the Application has shut down: close the store (closing twice is harmless)."""
    services_of(application).close()


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
        # Every reply is HTML without link previews; handlers need not repeat it.
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .post_init(_on_start)
        .post_stop(_on_stop)
        .post_shutdown(_close_services)
        .context_types(CONTEXT_TYPES)
        .concurrent_updates(ChatOrderedProcessor())
        .application_class(NewsbotApplication)
    )
    watched: list[WatchedRequest] = []
    if request is None:
        watched = [WatchedRequest(), WatchedRequest(connection_pool_size=1)]
        builder = builder.request(watched[0]).get_updates_request(watched[1])
    else:
        builder = builder.request(request).get_updates_request(request)
    if rate_limit:
        # AIORateLimiter's equal, but a 429 for one chat does not pause every other send.
        retry = ReplyRetry(backoff=settings.retry_backoff, max_backoff=settings.retry_max_backoff)
        builder = builder.rate_limiter(PacedRateLimiter(Pacer(OVERALL_MAX_PER_SECOND), retry=retry))
    application = builder.build()
    for each in watched:
        each.on_rejected = functools.partial(_token_rejected, application)
    application.bot_data[SERVICES] = services
    application.bot_data[REDRAWS_KEY] = Redraws()
    if settings.error_chat is not None:
        application.bot_data[REPORTER] = ErrorReporter(settings.error_chat, token)
    register(application)
    schedule_feed_jobs(application)
    watch_store(application)
    return application
