"""When briefings go out: one daily job per subscription, plus a catch-up sweep.

Each subscription has a daily job at the subscriber's local time in their own zone, so a
daylight-saving change keeps 08:00 at 08:00; a time that does not exist that day (a clock
jumping from 00:00 to 01:00) fires at the first instant that does. Jobs are found by chat in
O(1) (not by name, which walks every job) and fire on :class:`DailyAt`, a trigger that costs
a few microseconds to build where a cron trigger compiles eight fields. They are rebuilt from
SQLite at start-up, soonest first: the first ``START_CHUNK`` before the bot answers and the
rest in small chunks while it does, and replaced the moment a subscriber changes a setting.

The *sweep* runs at start-up and every few minutes after: every active subscriber whose latest
slot passed less than ``NEWSBOT_CATCHUP_HOURS`` ago and whose briefing for that day is not yet
dealt with gets it now. That one rule covers a bot that was down at 08:00, a job that misfired,
and a send that failed earlier; a slot further back than the window is skipped.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from apscheduler.triggers.base import BaseTrigger
from telegram.ext import Application, Job

from bot.context import NewsContext, services_of
from bot.delivery import Deliverer, utc_now
from bot.sending import send_pool
from bot.services import Services
from bot.store import Store
from bot.store.subscriptions import Subscription, from_iso
from bot.timezones import zone

log = logging.getLogger(__name__)

JOB_PREFIX = "briefing:"
SWEEP_INTERVAL = timedelta(minutes=10)
DELIVERER_KEY = "deliverer"
JOBS_KEY = "briefing_jobs"
#: Subscriptions scheduled before the bot answers (those due soonest); the rest follow
#: ``LATER_CHUNK`` at a time, each chunk holding the event loop for some milliseconds.
START_CHUNK = 500
LATER_CHUNK = 200
#: Seconds the event loop is left to answer chats between two later chunks.
LATER_PAUSE = 0.02
PLANNING_KEY = "briefings:planning"


# -- slot arithmetic (pure, so it is tested without a scheduler) --------------------------------


def slot_on(subscription: Subscription, day: date) -> datetime:
    """The instant (UTC) of ``day``'s briefing in the subscriber's zone."""
    return local_instant(day, subscription.clock, subscription.tzinfo)


def local_instant(day: date, clock: time, zone: tzinfo) -> datetime:
    """``clock`` on ``day`` in ``zone``, as a UTC instant; a time the zone skips that day (a
    daylight-saving gap) is the first instant after the gap, when the clocks show a later time.
    """
    wall = datetime.combine(day, clock)
    late = wall.replace(tzinfo=zone).astimezone(UTC)  # the offset before the change
    if late.astimezone(zone).replace(tzinfo=None) == wall:
        return late
    early = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)  # the offset after it
    # In the gap: the change happened between the two readings. Find it to the second.
    low, high = min(early, late), max(early, late)
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).replace(tzinfo=None) >= wall:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)


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


class DailyAt(BaseTrigger):
    """APScheduler trigger: every day at ``clock`` in ``zone`` (see :func:`local_instant`)."""

    __slots__ = ("clock", "zone")

    def __init__(self, clock: time, zone: tzinfo) -> None:
        self.clock = clock.replace(tzinfo=None)
        self.zone = zone

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        """The first slot at or after ``now`` (after the previous fire, when there was one:
        from there, so a fire missed while the loop was busy is still seen, as cron's is)."""
        start = now
        if previous_fire_time is not None:
            start = min(now, previous_fire_time + timedelta(microseconds=1))
        day = start.astimezone(self.zone).date() - timedelta(days=1)
        while (slot := local_instant(day, self.clock, self.zone)) < start:
            day += timedelta(days=1)
        return slot.astimezone(self.zone)  # in the zone, as a cron trigger's

    def __str__(self) -> str:
        return f"daily at {self.clock:%H:%M} {self.zone}"

    def __repr__(self) -> str:
        return f"<DailyAt {self.clock:%H:%M} {self.zone}>"


# -- jobs --------------------------------------------------------------------------------------


def _services(application: Application) -> Services:
    return services_of(application)


def deliverer(application: Application) -> Deliverer | None:
    return application.bot_data.get(DELIVERER_KEY)


def _catchup(application: Application) -> timedelta:
    return timedelta(hours=_services(application).settings.catchup_hours)


def job_name(chat_id: int) -> str:
    return f"{JOB_PREFIX}{chat_id}"


def _jobs(application: Application) -> dict[int, Job]:
    """Each chat's daily job, by chat: found in O(1), where the job queue's lookup by name
    walks every job (start-up and each /settings change grew with the square of subscribers)."""
    return application.bot_data.setdefault(JOBS_KEY, {})


def jobs_for(application: Application, chat_id: int) -> tuple[Job, ...]:
    if application.job_queue is None:
        return ()
    job = _jobs(application).get(chat_id)
    return () if job is None or job.removed else (job,)


def unschedule(application: Application, chat_id: int) -> None:
    job = _jobs(application).pop(chat_id, None)
    if job is not None and not job.removed:
        job.schedule_removal()


def schedule(application: Application, subscription: Subscription) -> None:
    """(Re)place the chat's daily job to match its subscription."""
    unschedule(application, subscription.chat_id)
    if application.job_queue is None or not subscription.deliverable:
        return
    _jobs(application)[subscription.chat_id] = application.job_queue.run_custom(
        _briefing_job,
        name=job_name(subscription.chat_id),
        chat_id=subscription.chat_id,
        data=subscription.chat_id,
        job_kwargs={
            "trigger": DailyAt(subscription.clock, subscription.tzinfo),
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
    for chat_id in list(_jobs(application)):
        unschedule(application, chat_id)
    chat_ids = soonest_first(_services(application).store, utc_now())
    _plan(application, chat_ids)
    return len(chat_ids)


def _plan(application: Application, chat_ids: list[int]) -> None:
    """Schedule ``chat_ids`` (soonest first): the first ``START_CHUNK`` now, the rest in a
    task that leaves the event loop to the chats between chunks (replacing one under way)."""
    planning = application.bot_data.pop(PLANNING_KEY, None)
    if planning is not None:
        planning.cancel()
    _schedule_chats(application, chat_ids[:START_CHUNK])
    rest = chat_ids[START_CHUNK:]
    if not rest:
        log.info("scheduled %d daily briefing(s)", len(chat_ids))
        return
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # not on the event loop: all of them now
        _schedule_chats(application, rest)
        log.info("scheduled %d daily briefing(s)", len(chat_ids))
        return
    application.bot_data[PLANNING_KEY] = loop.create_task(
        _schedule_the_rest(application, rest), name="briefings:schedule"
    )


async def _briefing_job(context: NewsContext) -> None:
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
    """(chat, day) of every briefing that should have gone out and still can (``due_day``
    of each subscription).

    The latest slot is worked out once per distinct time and zone, and only for those whose
    time passed in about the catch-up window (by the zones' offsets now, with an hour of
    margin for a daylight-saving change); then one query of the delivery log per day."""
    clocks = _LocalClocks(now)
    window = catchup.total_seconds() / 60 + 60
    slots: dict[tuple[str, str], tuple[date, datetime] | None] = {}
    candidates = []
    for chat_id, clock, tz, since in store.subscriptions.deliverable_times():
        key = (clock, tz)
        if key not in slots:
            passed = (clocks.minute_of_day(tz) - _minutes(clock)) % MINUTES_A_DAY
            slots[key] = _recent_slot(clock, tz, now, catchup) if passed <= window else None
        recent = slots[key]
        if recent is not None and recent[1] >= from_iso(since):
            candidates.append((chat_id, recent[0]))
    done = {day: store.deliveries.done_chats(day) for day in {day for _, day in candidates}}
    return [(chat_id, day) for chat_id, day in candidates if chat_id not in done[day]]


def _recent_slot(
    clock: str, tz: str, now: datetime, catchup: timedelta
) -> tuple[date, datetime] | None:
    """The latest slot of this time and zone with its date, if it is within ``catchup``."""
    probe = Subscription(
        0, time(int(clock[:2]), int(clock[3:5])), tz, True, False, True, None, now, now
    )
    day, slot = latest_slot(probe, now)
    return (day, slot) if now - slot <= catchup else None


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


async def _sweep_job(context: NewsContext) -> None:
    await sweep(context.application)


async def start_briefings(application: Application) -> None:
    """Start-up: settle crashed claims, rebuild every job, catch up on missed briefings."""
    store = _services(application).store
    sender = Deliverer(send_pool(application, utc_now))
    application.bot_data[DELIVERER_KEY] = sender
    in_doubt = store.deliveries.recover(sender.run_id, utc_now())
    if in_doubt:
        log.warning(
            "%d briefing(s) were being sent when the bot stopped; not re-sent (no duplicates)",
            in_doubt,
        )
    _plan(application, soonest_first(store, utc_now()))
    if application.job_queue is not None:
        application.job_queue.run_once(
            _sweep_job, when=0, name="briefings:catch-up", job_kwargs={"misfire_grace_time": None}
        )
        application.job_queue.run_repeating(
            _sweep_job, interval=SWEEP_INTERVAL, first=SWEEP_INTERVAL, name="briefings:sweep"
        )


async def _schedule_the_rest(application: Application, chat_ids: list[int]) -> None:
    """Start-up's remaining jobs, ``LATER_CHUNK`` at a time with the bot answering between.

    Each chunk reads its subscriptions again, so a chat changed meanwhile (by its own
    /settings, which scheduled it already) gets the job of its current settings."""
    for begin in range(0, len(chat_ids), LATER_CHUNK):
        await asyncio.sleep(LATER_PAUSE)
        _schedule_chats(application, chat_ids[begin : begin + LATER_CHUNK])
    log.info("scheduled %d daily briefing(s)", START_CHUNK + len(chat_ids))


def soonest_first(store: Store, now: datetime) -> list[int]:
    """Every deliverable chat, the one whose next briefing comes first at the front (by the
    zones' offsets now: a daylight-saving change in the next day may swap a few, which only
    changes when their jobs are made)."""
    clocks = _LocalClocks(now)
    timed = [
        ((_minutes(clock) - clocks.minute_of_day(tz)) % MINUTES_A_DAY, chat_id)
        for chat_id, clock, tz, _since in store.subscriptions.deliverable_times()
    ]
    timed.sort()
    return [chat_id for _, chat_id in timed]


MINUTES_A_DAY = 24 * 60


def _minutes(clock: str) -> int:
    """'08:30' -> 510."""
    return int(clock[:2]) * 60 + int(clock[3:5])


class _LocalClocks:
    """The minute of the day it is now in each zone asked for (each zone worked out once)."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self._minute: dict[str, int] = {}

    def minute_of_day(self, tz: str) -> int:
        minute = self._minute.get(tz)
        if minute is None:
            local = self.now.astimezone(zone(tz))
            minute = self._minute[tz] = local.hour * 60 + local.minute
        return minute


def _schedule_chats(application: Application, chat_ids: list[int]) -> None:
    """Each chat's job from its subscription as stored now (none if it stopped meanwhile)."""
    subscriptions = _services(application).store.subscriptions
    jobs = _jobs(application)
    for chat_id in chat_ids:
        subscription = subscriptions.get(chat_id)
        if subscription is not None and chat_id not in jobs:
            schedule(application, subscription)


async def stop_briefings(application: Application) -> None:
    """Shutdown: let sends in flight finish; what was not sent is caught up after restart."""
    planning = application.bot_data.pop(PLANNING_KEY, None)
    if planning is not None:
        planning.cancel()
    sender = deliverer(application)
    if sender is not None:
        await sender.stop()
