"""Noticing, while the bot runs, that its database file was deleted or replaced.

The store checks its file before each write and after each commit (``bot/store/watched.py``).
The bot also checks it at the start of every update, so that what a handler reads and the
write it leads to come from the same file (one ``stat``, small beside any command), and
every ``CHECK_INTERVAL`` in a job, so that an idle bot notices too and its caches
follow. After a reopen the daily briefing jobs are rebuilt from the new file and the chats
recorded lately are forgotten (their rows are not in it); the search index starts over on its
own (``Services.start``).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Update
from telegram.ext import TypeHandler

from bot import scheduling
from bot.context import AnyApplication, NewsApplication, NewsContext, services_of
from bot.services import Services
from bot.store import StoreError

log = logging.getLogger(__name__)

#: ``bot_data`` key of the chats recorded lately (``handlers/fallback.py``): their rows are
#: not in a reopened file, so they are forgotten with it.
RECENT_CHATS = "recent_chats"
CHECK_INTERVAL = timedelta(seconds=30)
CHECK_JOB = "store-file-check"
#: Before every other handler group (-2 drops channel posts, -1 records the chat).
CHECK_GROUP = -3


def check_store(application: AnyApplication) -> bool:
    """Open the store's path again if its file changed; True when it did. A file that cannot
    be opened is logged and tried again at the next check (commands meanwhile answer that
    the store is unavailable)."""
    services: Services = services_of(application)
    try:
        return services.store.check_file()
    except StoreError as error:
        log.error("the database could not be opened again: %s", error)
        return False


async def _check_before_update(update: object, context: NewsContext) -> None:
    check_store(context.application)


async def _check_job(context: NewsContext) -> None:
    check_store(context.application)


def _after_reopen(application: NewsApplication) -> None:
    application.bot_data.pop(RECENT_CHATS, None)
    jobs = scheduling.reschedule_all(application)
    log.info("daily briefings rescheduled from the reopened store: %d", jobs)


def watch_store(application: NewsApplication) -> None:
    """Check the store's file before each update and every ``CHECK_INTERVAL``."""
    services: Services = services_of(application)
    services.store.on_reopen(lambda: _after_reopen(application))
    application.add_handler(TypeHandler(Update, _check_before_update), group=CHECK_GROUP)
    if application.job_queue is not None:
        application.job_queue.run_repeating(
            _check_job, interval=CHECK_INTERVAL, first=CHECK_INTERVAL, name=CHECK_JOB
        )
