"""The repeating jobs: poll feeds every ``NEWSBOT_FEED_INTERVAL_MINUTES``, prune daily.

Registered on the Application's JobQueue at build time; the queue only runs while the bot
is polling, so the console chat and one-shot commands never touch the network.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from html import escape as esc

from telegram import Bot
from telegram.error import TelegramError

from bot.context import NewsApplication, NewsContext, services_of
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


async def poll_feeds_job(context: NewsContext) -> None:
    services: Services = context.services
    for outcome in await poll_now(services):
        if outcome.first:
            await tell_admins(context.bot, services, first_poll_message(outcome))


def first_poll_message(outcome: PollOutcome) -> str:
    """What an admin hears after a new feed's first poll (HTML: the bot's default)."""
    found = f" listed {outcome.found} entries" if outcome.found is not None else ""
    return f"📡 First poll of the feed {esc(outcome.name)}{found}: {esc(outcome.summary())}."


async def tell_admins(bot: Bot, services: Services, text: str) -> None:
    """Send ``text`` to every admin's private chat; one that cannot be reached is logged."""
    for admin in sorted(services.settings.admins):
        try:
            await bot.send_message(admin, text[:4096])
        except TelegramError as error:
            log.warning("could not tell admin %s about a feed: %s", admin, error)


async def retention_job(context: NewsContext) -> None:
    services: Services = context.services
    if prune(services.store, services.settings.retention_days):
        services.search.refresh()


def schedule_feed_jobs(application: NewsApplication) -> None:
    """Add the feed poll and the daily retention job to the Application's JobQueue."""
    close_http_on_stop(application)
    queue = application.job_queue
    if queue is None:
        log.warning("no job queue (python-telegram-bot[job-queue] missing): feeds not polled")
        return
    services: Services = services_of(application)
    interval = timedelta(minutes=services.settings.feed_interval_minutes)
    queue.run_repeating(poll_feeds_job, interval=interval, first=FIRST_POLL, name=FEED_JOB)
    queue.run_repeating(
        retention_job, interval=timedelta(days=1), first=FIRST_PRUNE, name=RETENTION_JOB
    )


def close_http_on_stop(application: NewsApplication) -> None:
    """Close the fetches' shared HTTP client once the Application stopped (after whatever
    else its ``post_stop`` does)."""
    previous = application.post_stop

    async def stop_then_close(app: NewsApplication) -> None:
        try:
            if previous is not None:
                await previous(app)
        finally:
            await close_shared_client()

    application.post_stop = stop_then_close
