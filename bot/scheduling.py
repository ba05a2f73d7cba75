"""When briefings go out: one daily job per subscription, plus a catch-up sweep.

Jobs are python-telegram-bot ``run_daily`` jobs (APScheduler cron triggers underneath) at the
subscriber's local time in their own zone, so a daylight-saving change keeps 08:00 at 08:00.
They are rebuilt from SQLite at start-up and replaced the moment a subscriber changes a
setting.

The *sweep* runs at start-up and every few minutes after: every active subscriber whose latest
slot passed less than ``NEWSBOT_CATCHUP_HOURS`` ago and whose briefing for that day is not yet
dealt with gets it now. That one rule covers a bot that was down at 08:00, a job that misfired,
and a send that failed earlier; a slot further back than the window is skipped.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta

from telegram.ext import Application, ContextTypes, Job

from bot.delivery import Deliverer, utc_now
from bot.pacing import PacedRateLimiter, Pacer
from bot.services import Services
from bot.store import Store
from bot.store.subscriptions import Subscription

log = logging.getLogger(__name__)

JOB_PREFIX = "briefing:"
SWEEP_INTERVAL = timedelta(minutes=10)
DELIVERER_KEY = "deliverer"


# -- slot arithmetic (pure, so it is tested without a scheduler) --------------------------------


def slot_on(subscription: Subscription, day: date) -> datetime:
    """The instant (UTC) of ``day``'s briefing in the subscriber's zone."""
    local = datetime.combine(day, subscription.clock, tzinfo=subscription.tzinfo)
    return local.astimezone(UTC)


def latest_slot(subscription: Subscription, now: datetime) -> tuple[date, datetime]:
    """The most recent slot at or before ``now``, with its (local) briefing date."""
    day = now.astimezone(subscription.tzinfo).date()
    slot = slot_on(subscription, day)
    if slot > now:
        day -= timedelta(days=1)
        slot = slot_on(subscription, day)
    return day, slot


def due_day(subscription: Subscription, now: datetime, catchup: timedelta) -> date | None:
    """The briefing date that should go out now, if its slot is recent enough to still send."""
    day, slot = latest_slot(subscription, now)
    if slot < subscription.schedule_since or now - slot > catchup:
        return None
    return day


def next_delivery(subscription: Subscription, now: datetime, store: Store) -> datetime:
    """When the next briefing arrives (a day already dealt with is skipped)."""
    day = now.astimezone(subscription.tzinfo).date()
    slot = slot_on(subscription, day)
    if slot <= now or store.deliveries.is_done(subscription.chat_id, day):
        day += timedelta(days=1)
        slot = slot_on(subscription, day)
    return slot


# -- jobs --------------------------------------------------------------------------------------


def _services(application: Application) -> Services:
    return application.bot_data["services"]


def deliverer(application: Application) -> Deliverer | None:
    return application.bot_data.get(DELIVERER_KEY)


def _catchup(application: Application) -> timedelta:
    return timedelta(hours=_services(application).settings.catchup_hours)


def job_name(chat_id: int) -> str:
    return f"{JOB_PREFIX}{chat_id}"


def jobs_for(application: Application, chat_id: int) -> tuple[Job, ...]:
    if application.job_queue is None:
        return ()
    return application.job_queue.get_jobs_by_name(job_name(chat_id))


def unschedule(application: Application, chat_id: int) -> None:
    for job in jobs_for(application, chat_id):
        job.schedule_removal()


def schedule(application: Application, subscription: Subscription) -> None:
    """(Re)place the chat's daily job to match its subscription."""
    unschedule(application, subscription.chat_id)
    if application.job_queue is None or not subscription.deliverable:
        return
    application.job_queue.run_daily(
        _briefing_job,
        time=time(subscription.clock.hour, subscription.clock.minute, tzinfo=subscription.tzinfo),
        name=job_name(subscription.chat_id),
        chat_id=subscription.chat_id,
        data=subscription.chat_id,
        job_kwargs={
            "misfire_grace_time": int(_catchup(application).total_seconds()),
            "coalesce": True,
        },
    )


def reschedule(application: Application, chat_id: int) -> Subscription | None:
    """After any change to a subscription: make its job match the database."""
    subscription = _services(application).store.subscriptions.get(chat_id)
    if subscription is None:
        unschedule(application, chat_id)
    else:
        schedule(application, subscription)
    return subscription


def reschedule_all(application: Application) -> int:
    """Make every daily job match the database again (after the store reopened its path on
    another file, whose subscriptions are not the old file's); returns how many there are."""
    if application.job_queue is None:
        return 0
    for job in application.job_queue.jobs():
        if job.name and job.name.startswith(JOB_PREFIX):
            job.schedule_removal()
    subscriptions = _services(application).store.subscriptions.deliverable()
    for subscription in subscriptions:
        schedule(application, subscription)
    return len(subscriptions)


async def _briefing_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    application = context.application
    chat_id = context.job.data if context.job else None
    sender = deliverer(application)
    if not isinstance(chat_id, int) or sender is None:
        return
    subscription = _services(application).store.subscriptions.get(chat_id)
    if subscription is None or not subscription.deliverable:
        return
    day = due_day(subscription, utc_now(), _catchup(application))
    if day is not None:
        sender.submit(chat_id, day)


def due_briefings(store: Store, now: datetime, catchup: timedelta) -> list[tuple[int, date]]:
    """(chat, day) of every briefing that should have gone out and still can."""
    due = []
    for subscription in store.subscriptions.deliverable():
        day = due_day(subscription, now, catchup)
        if day is not None and not store.deliveries.is_done(subscription.chat_id, day):
            due.append((subscription.chat_id, day))
    return due


async def sweep(application: Application) -> int:
    """Queue every due briefing not yet dealt with; returns how many were queued."""
    sender = deliverer(application)
    if sender is None:
        return 0
    due = due_briefings(_services(application).store, utc_now(), _catchup(application))
    for chat_id, day in due:
        sender.submit(chat_id, day)
    if due:
        log.info("catch-up: %d briefing(s) due", len(due))
    return len(due)


async def _sweep_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await sweep(context.application)


async def start_briefings(application: Application) -> None:
    """Start-up: settle crashed claims, rebuild every job, catch up on missed briefings."""
    store = _services(application).store
    limiter = application.bot.rate_limiter
    paced = isinstance(limiter, PacedRateLimiter)
    sender = Deliverer(
        application.bot,
        store,
        limiter.pacer if isinstance(limiter, PacedRateLimiter) else Pacer(),
        paced_args=paced,
        on_blocked=lambda chat_id: unschedule(application, chat_id),
    )
    application.bot_data[DELIVERER_KEY] = sender
    in_doubt = store.deliveries.recover(sender.run_id, utc_now())
    if in_doubt:
        log.warning(
            "%d briefing(s) were being sent when the bot stopped; not re-sent (no duplicates)",
            in_doubt,
        )
    subscriptions = store.subscriptions.deliverable()
    for subscription in subscriptions:
        schedule(application, subscription)
    log.info("scheduled %d daily briefing(s)", len(subscriptions))
    if application.job_queue is not None:
        application.job_queue.run_once(
            _sweep_job, when=0, name="briefings:catch-up", job_kwargs={"misfire_grace_time": None}
        )
        application.job_queue.run_repeating(
            _sweep_job, interval=SWEEP_INTERVAL, first=SWEEP_INTERVAL, name="briefings:sweep"
        )


async def stop_briefings(application: Application) -> None:
    """Shutdown: let sends in flight finish; what was not sent is caught up after restart."""
    sender = deliverer(application)
    if sender is not None:
        await sender.stop()
