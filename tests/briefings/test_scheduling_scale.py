"""Scheduling at scale and at odd hours: jobs by chat, start-up soonest first, the catch-up
sweep's shortcuts, and briefing times that fall in a daylight-saving gap."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from telegram.ext import Application

from bot import scheduling
from bot.application import build_application
from bot.config import Settings
from bot.scheduling import (
    PLANNING_KEY,
    DailyAt,
    due_briefings,
    due_day,
    jobs_for,
    local_instant,
    slot_on,
)
from bot.services import Services
from bot.store import Store
from bot.store.deliveries import Window
from bot.store.subscriptions import Subscription
from tests.botapi.pytest_plugin import BOT_TOKEN

ZONES = ("Europe/Berlin", "America/Santiago", "America/Havana", "Asia/Kolkata", "UTC+03:00")


def sub(clock: time, tz: str, chat_id: int = 1) -> Subscription:
    since = datetime(2020, 1, 1, tzinfo=UTC)
    return Subscription(chat_id, clock, tz, True, False, True, None, since, since)


@pytest.fixture
def app(db_path: Path):  # type: ignore[no-untyped-def]
    services = Services.start(Settings(db_path=db_path, seeds_dir=Path("/nonexistent")))
    yield build_application(services, token=BOT_TOKEN)
    services.close()


def services_of(app: Application) -> Services:
    return app.bot_data["services"]


@pytest.mark.parametrize(
    ("tz", "gap_day", "first_valid"),
    [
        # Clocks go from 00:00 to 01:00 local: every time in between fires at 01:00 new time.
        ("America/Santiago", date(2026, 9, 6), datetime(2026, 9, 6, 4, 0, tzinfo=UTC)),
        ("America/Havana", date(2026, 3, 8), datetime(2026, 3, 8, 5, 0, tzinfo=UTC)),
    ],
)
@pytest.mark.parametrize("clock", [time(0, 0), time(0, 30), time(0, 59)])
def test_a_briefing_time_in_a_dst_gap_fires_at_the_first_valid_instant_that_day(
    app: Application, tz: str, gap_day: date, first_valid: datetime, clock: time
) -> None:
    scheduling.schedule(app, sub(clock, tz, chat_id=5))
    [job] = jobs_for(app, 5)
    evening_before = datetime.combine(gap_day - timedelta(days=1), time(20, 0), ZoneInfo(tz))
    assert job.job.trigger.get_next_fire_time(None, evening_before) == first_valid
    assert slot_on(sub(clock, tz), gap_day) == first_valid
    assert due_day(sub(clock, tz), first_valid + timedelta(seconds=1), timedelta(hours=3)) == (
        gap_day
    )
    # The day after, the same local time again.
    after = job.job.trigger.get_next_fire_time(first_valid, first_valid + timedelta(seconds=1))
    assert after.astimezone(ZoneInfo(tz)).replace(tzinfo=None) == datetime.combine(
        gap_day + timedelta(days=1), clock
    )


def test_the_daily_trigger_keeps_the_local_hour_and_sees_a_missed_fire() -> None:
    trigger = DailyAt(time(8, 0), ZoneInfo("Europe/Berlin"))
    friday = datetime(2025, 3, 28, 7, 0, tzinfo=UTC)  # 08:00 CET
    assert trigger.get_next_fire_time(None, friday) == friday
    sunday = trigger.get_next_fire_time(
        datetime(2025, 3, 29, 7, 0, tzinfo=UTC), datetime(2025, 3, 29, 7, 0, 1, tzinfo=UTC)
    )
    assert sunday == datetime(2025, 3, 30, 6, 0, tzinfo=UTC)  # 08:00 CEST
    # Asked late (the loop was busy), from the previous fire: the missed one is returned.
    missed = trigger.get_next_fire_time(friday, friday + timedelta(days=1, minutes=5))
    assert missed == friday + timedelta(days=1)


def test_the_catch_up_finds_what_asking_each_subscription_finds(db_path: Path) -> None:
    """The sweep's shortcuts (a slot per time and zone, a window by today's offsets) give
    ``due_day`` of every subscription, minus the days already dealt with."""
    rng = random.Random(17)
    store = Store.open(db_path)
    try:
        made = datetime(2026, 2, 1, tzinfo=UTC)
        subscriptions = []
        for chat_id in range(1, 401):
            clock = time(rng.randrange(24), rng.choice((0, 15, 30, 59)))
            subscriptions.append(
                store.subscriptions.subscribe(chat_id, clock, rng.choice(ZONES), made)
            )
        for now in (
            datetime(2026, 3, 8, 5, 30, tzinfo=UTC),  # Havana's gap
            datetime(2026, 3, 29, 2, 10, tzinfo=UTC),  # Berlin's spring change
            datetime(2026, 9, 6, 4, 0, 1, tzinfo=UTC),  # Santiago's gap
            datetime(2026, 10, 25, 1, 30, tzinfo=UTC),  # Berlin's autumn change
        ):
            expected = {
                (s.chat_id, day)
                for s in subscriptions
                if (day := due_day(s, now, timedelta(hours=3))) is not None
            }
            done = sorted(expected)[::3]
            for chat_id, day in done:
                window = Window(now - timedelta(days=1), now)
                store.deliveries.claim(chat_id, day, "run", window, 1, now)
                store.deliveries.finish(chat_id, day, "run", "sent", now)
            assert expected, "the case covers due briefings"
            found = due_briefings(store, now, timedelta(hours=3))
            assert sorted(found) == sorted(expected - set(done))
    finally:
        store.close()


async def test_start_up_schedules_the_soonest_first_and_the_rest_after(
    app: Application, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scheduling, "START_CHUNK", 3)
    monkeypatch.setattr(scheduling, "LATER_CHUNK", 2)
    store = services_of(app).store
    now = datetime.now(UTC)
    berlin = ZoneInfo("Europe/Berlin")
    local_now = now.astimezone(berlin)
    # Chat n's briefing comes in n * 2 hours + 30 minutes (chats listed in another order).
    for n in (4, 1, 7, 0, 5, 2, 6, 3):
        at = local_now + timedelta(hours=2 * n, minutes=30)
        store.subscriptions.subscribe(100 + n, time(at.hour, at.minute), "Europe/Berlin", now)
    await scheduling.start_briefings(app)
    try:
        assert {c for c in range(100, 108) if jobs_for(app, c)} == {100, 101, 102}
        # A chat not scheduled yet changes its time: its job is the new one, and stays so.
        store.subscriptions.update(107, now, clock=time(6, 15))
        scheduling.reschedule(app, 107)
        await app.bot_data[PLANNING_KEY]
        assert all(jobs_for(app, c) for c in range(100, 108))
        assert jobs_for(app, 107)[0].job.trigger.clock == time(6, 15)
    finally:
        await scheduling.stop_briefings(app)


async def test_a_settings_change_replaces_that_chats_job_only(app: Application) -> None:
    store = services_of(app).store
    now = datetime.now(UTC)
    for chat_id in range(1, 301):
        store.subscriptions.subscribe(chat_id, time(chat_id % 24, 0), "Asia/Kolkata", now)
    await scheduling.start_briefings(app)
    try:
        before = {c: jobs_for(app, c)[0] for c in range(1, 301)}
        store.subscriptions.update(42, now, clock=time(7, 45))
        scheduling.reschedule(app, 42)
        store.subscriptions.update(43, now, paused=True)
        scheduling.reschedule(app, 43)
        assert jobs_for(app, 42)[0] is not before[42]
        assert jobs_for(app, 42)[0].job.trigger.clock == time(7, 45)
        assert before[42].removed and before[43].removed
        assert jobs_for(app, 43) == ()
        assert all(jobs_for(app, c)[0] is before[c] for c in range(1, 301) if c not in (42, 43))
        assert app.job_queue is not None
        named = [j for j in app.job_queue.jobs() if (j.name or "").startswith("briefing:")]
        assert len(named) == 299
    finally:
        await scheduling.stop_briefings(app)


def test_a_local_instant_outside_any_gap_is_the_plain_conversion() -> None:
    zone = ZoneInfo("America/Santiago")
    assert local_instant(date(2026, 9, 5), time(0, 30), zone) == datetime(
        2026, 9, 5, 4, 30, tzinfo=UTC
    )


async def test_rescheduling_everything_goes_soonest_first_then_the_rest(
    app: Application, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scheduling, "START_CHUNK", 2)
    monkeypatch.setattr(scheduling, "LATER_CHUNK", 1)
    store = services_of(app).store
    now = datetime.now(UTC)
    for chat_id in range(1, 6):
        store.subscriptions.subscribe(chat_id, time(chat_id, 0), "UTC", now)
    await scheduling.start_briefings(app)
    try:
        await app.bot_data[PLANNING_KEY]
        old = {c: jobs_for(app, c)[0] for c in range(1, 6)}
        assert scheduling.reschedule_all(app) == 5
        assert sum(1 for c in range(1, 6) if jobs_for(app, c)) == 2
        await app.bot_data[PLANNING_KEY]
        assert all(jobs_for(app, c) and jobs_for(app, c)[0] is not old[c] for c in range(1, 6))
        assert all(job.removed for job in old.values())
    finally:
        await scheduling.stop_briefings(app)
