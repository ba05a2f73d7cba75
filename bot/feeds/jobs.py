"""The repeating jobs: poll feeds every ``NEWSBOT_FEED_INTERVAL_MINUTES``, prune daily.

Registered on the Application's JobQueue at build time; the queue only runs while the bot
is polling, so the console chat and one-shot commands never touch the network.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram.ext import Application, ContextTypes

from bot.feeds.fetch import FetchPolicy
from bot.feeds.http_client import close_shared_client
from bot.feeds.poller import FeedPoller, PollOutcome
from bot.feeds.retention import prune
from bot.services import Services

log = logging.getLogger(__name__)

FEED_JOB = "feeds"
RETENTION_JOB = "retention"
#: Delay after start-up, so the bot answers chats before it starts downloading.
FIRST_POLL = timedelta(seconds=20)
FIRST_PRUNE = timedelta(minutes=2)


def make_poller(services: Services) -> FeedPoller:
    settings = services.settings
    return FeedPoller(
        services.store,
        FetchPolicy.from_settings(settings),
        interval=timedelta(minutes=settings.feed_interval_minutes),
        max_age=timedelta(days=settings.retention_days),
    )


async def poll_now(services: Services) -> list[PollOutcome]:
    """Poll every due feed and refresh the search index when something new came in."""
    outcomes = await make_poller(services).poll_due()
    if any(outcome.changed for outcome in outcomes):
        services.search.refresh()
    return outcomes


async def poll_feeds_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await poll_now(context.application.bot_data["services"])


async def retention_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    services: Services = context.application.bot_data["services"]
    if prune(services.store, services.settings.retention_days):
        services.search.refresh()


def schedule_feed_jobs(application: Application) -> None:
    """Add the feed poll and the daily retention job to the Application's JobQueue."""
    close_http_on_stop(application)
    queue = application.job_queue
    if queue is None:
        log.warning("no job queue (python-telegram-bot[job-queue] missing): feeds not polled")
        return
    services: Services = application.bot_data["services"]
    interval = timedelta(minutes=services.settings.feed_interval_minutes)
    queue.run_repeating(poll_feeds_job, interval=interval, first=FIRST_POLL, name=FEED_JOB)
    queue.run_repeating(
        retention_job, interval=timedelta(days=1), first=FIRST_PRUNE, name=RETENTION_JOB
    )


def close_http_on_stop(application: Application) -> None:
    """Close the fetches' shared HTTP client once the Application stopped (after whatever
    else its ``post_stop`` does)."""
    previous = application.post_stop

    async def stop_then_close(app: Application) -> None:
        try:
            if previous is not None:
                await previous(app)
        finally:
            await close_shared_client()

    application.post_stop = stop_then_close
