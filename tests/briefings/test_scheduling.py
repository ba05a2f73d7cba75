"""When briefings are due: local slots across zones, DST in Berlin, the catch-up window."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot.application import build_application
from bot.config import Settings
from bot.scheduling import due_day, jobs_for, latest_slot, schedule, slot_on
from bot.services import Services
from bot.store.subscriptions import Subscription
from tests.botapi.pytest_plugin import BOT_TOKEN, assert_no_violations
from tests.botapi.server import BotApiServer
from tests.e2e.test_delivery_e2e import briefings, running_bot, subscribe_all

BERLIN = ZoneInfo("Europe/Berlin")


def sub(clock: str, tz: str, since: datetime | None = None, chat_id: int = 1) -> Subscription:
    hours, minutes = map(int, clock.split(":"))
    since = since or datetime(2020, 1, 1, tzinfo=UTC)
    return Subscription(chat_id, time(hours, minutes), tz, True, False, True, None, since, since)


@pytest.mark.parametrize(
    ("tz", "expected_utc"),
    [
        ("Europe/Berlin", datetime(2025, 6, 2, 6, 0, tzinfo=UTC)),
        ("America/New_York", datetime(2025, 6, 2, 12, 0, tzinfo=UTC)),
        ("Asia/Tokyo", datetime(2025, 6, 1, 23, 0, tzinfo=UTC)),
        ("UTC+03:00", datetime(2025, 6, 2, 5, 0, tzinfo=UTC)),
        ("UTC-05:30", datetime(2025, 6, 2, 13, 30, tzinfo=UTC)),
    ],
)
def test_eight_oclock_is_local_in_every_zone(tz: str, expected_utc: datetime) -> None:
    assert slot_on(sub("08:00", tz), date(2025, 6, 2)) == expected_utc


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [
        (date(2025, 3, 29), 7),  # Saturday, still CET (UTC+1)
        (date(2025, 3, 30), 6),  # last Sunday of March: CEST (UTC+2)
        (date(2025, 10, 25), 6),  # Saturday, still CEST
        (date(2025, 10, 26), 7),  # last Sunday of October: back to CET
    ],
)
def test_berlin_keeps_its_local_hour_across_daylight_saving(day: date, utc_hour: int) -> None:
    slot = slot_on(sub("08:00", "Europe/Berlin"), day)
    assert slot.hour == utc_hour
    assert slot.astimezone(BERLIN).hour == 8


def test_the_scheduled_job_fires_at_local_eight_through_both_dst_changes(db_path: Path) -> None:
    services = Services.start(Settings(db_path=db_path, seeds_dir=Path("/nonexistent")))
    try:
        app = build_application(services, token=BOT_TOKEN)
        schedule(app, sub("08:00", "Europe/Berlin", chat_id=7))
        [job] = jobs_for(app, 7)
        trigger = job.job.trigger
        for start, days in ((datetime(2025, 3, 28, tzinfo=UTC), 4), (datetime(2025, 10, 24), 4)):
            fire, fires = start.replace(tzinfo=UTC), []
            for _ in range(days):
                fire = trigger.get_next_fire_time(None, fire + timedelta(seconds=1))
                fires.append(fire)
            assert [f.astimezone(BERLIN).hour for f in fires] == [8, 8, 8, 8]
            assert len({f.utcoffset() for f in fires}) == 2  # the offset did change
    finally:
        services.close()


def test_latest_slot_is_yesterday_before_todays_time() -> None:
    subscription = sub("08:00", "Europe/Berlin")
    day, slot = latest_slot(subscription, datetime(2025, 6, 2, 5, 0, tzinfo=UTC))  # 07:00 local
    assert day == date(2025, 6, 1)
    assert slot == datetime(2025, 6, 1, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (datetime(2025, 6, 2, 6, 0, 1, tzinfo=UTC), date(2025, 6, 2)),
        (datetime(2025, 6, 2, 8, 59, tzinfo=UTC), date(2025, 6, 2)),  # 2 h 59 late
        (datetime(2025, 6, 2, 9, 1, tzinfo=UTC), None),  # 3 h 1 late: skipped
    ],
)
def test_catch_up_only_within_the_window(now: datetime, due: date | None) -> None:
    assert due_day(sub("08:00", "Europe/Berlin"), now, timedelta(hours=3)) == due


def test_no_catch_up_for_a_slot_before_the_subscription_existed() -> None:
    since = datetime(2025, 6, 2, 7, 0, tzinfo=UTC)  # subscribed at 09:00 Berlin
    subscription = sub("08:00", "Europe/Berlin", since=since)
    assert due_day(subscription, since + timedelta(minutes=5), timedelta(hours=3)) is None


async def test_briefing_arrives_at_local_eight_on_the_dst_sunday(
    bot_api: BotApiServer, db_path: Path
) -> None:
    """The real scheduler on a controlled clock: Saturday 07:00Z, then Sunday 06:00Z."""
    bot_api.add_chat(808)
    saturday = datetime(2025, 3, 29, 6, 30, tzinfo=UTC)
    subscribe_all(db_path, [808], time(8, 0), "Europe/Berlin", saturday)
    with time_machine.travel(saturday, tick=True) as clock:
        async with running_bot(bot_api, db_path) as bot:
            [job] = jobs_for(bot.app, 808)
            assert job.next_t == datetime(2025, 3, 29, 7, 0, tzinfo=UTC)
            clock.move_to(datetime(2025, 3, 29, 7, 0, 1, tzinfo=UTC))
            bot.app.job_queue.scheduler.wakeup()
            await bot_api.wait_for(lambda s: "Saturday, 29 March" in s.text, chat_id=808)
            assert job.next_t == datetime(2025, 3, 30, 6, 0, tzinfo=UTC)  # 08:00 CEST
            clock.move_to(datetime(2025, 3, 30, 5, 59, tzinfo=UTC))
            bot.app.job_queue.scheduler.wakeup()
            await asyncio.sleep(0.3)
            assert len(briefings(bot_api, 808)) == 1, "nothing at 07:59 local"
            clock.move_to(datetime(2025, 3, 30, 6, 0, 1, tzinfo=UTC))
            bot.app.job_queue.scheduler.wakeup()
            await bot_api.wait_for(lambda s: "Sunday, 30 March" in s.text, chat_id=808)
    assert len(briefings(bot_api, 808)) == 2
    assert_no_violations(bot_api)


async def test_each_zone_gets_its_briefing_at_its_own_hour(
    bot_api: BotApiServer, db_path: Path
) -> None:
    zones = {901: "Europe/Berlin", 902: "America/New_York", 903: "UTC+03:00"}
    start = datetime(2025, 6, 2, 4, 0, tzinfo=UTC)
    for chat_id, tz in zones.items():
        bot_api.add_chat(chat_id)
        subscribe_all(db_path, [chat_id], time(8, 0), tz, start - timedelta(days=1))
    with time_machine.travel(start, tick=True) as clock:
        async with running_bot(bot_api, db_path) as bot:
            got = lambda: {s.chat_id for s in briefings(bot_api)}  # noqa: E731
            for moment, expected in (
                (datetime(2025, 6, 2, 5, 0, 1, tzinfo=UTC), {903}),
                (datetime(2025, 6, 2, 6, 0, 1, tzinfo=UTC), {903, 901}),
                (datetime(2025, 6, 2, 12, 0, 1, tzinfo=UTC), {903, 901, 902}),
            ):
                clock.move_to(moment)
                bot.app.job_queue.scheduler.wakeup()
                await bot_api.wait_for(lambda s, e=expected: got() == e, timeout=5)
                await asyncio.sleep(0.1)
                assert got() == expected
    assert_no_violations(bot_api)
