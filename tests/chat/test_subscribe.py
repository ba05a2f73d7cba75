"""Subscribing: times and zones as people type them, and the chat commands end to end."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
import time_machine

from bot.scheduling import jobs_for
from bot.store import Store
from bot.timezones import resolve
from handlers.subscribe import parse_subscribe_args
from tests.botapi.pytest_plugin import assert_no_violations
from tests.botapi.server import BotApiServer
from tests.e2e.test_delivery_e2e import briefings, running_bot

NOW = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("berlin", "Europe/Berlin"),
        ("new york", "America/New_York"),
        ("New_York", "America/New_York"),
        ("tokyo", "Asia/Tokyo"),
        ("UTC+3", "UTC+03:00"),
        ("utc-5:30", "UTC-05:30"),
        ("GMT+1", "UTC+01:00"),
        ("UTC", "UTC"),
    ],
)
def test_timezones_are_understood_as_typed(typed: str, name: str) -> None:
    found = resolve(typed)
    assert found is not None and found.name == name


@pytest.mark.parametrize("typed", ["qwxzv", "UTC+15", "", "x" * 100])
def test_unknown_timezones_are_refused(typed: str) -> None:
    assert resolve(typed) is None


@pytest.mark.parametrize(
    ("text", "clock", "zone"),
    [
        ("8:00", time(8, 0), None),
        ("08:00", time(8, 0), None),
        ("20:30 new york", time(20, 30), "America/New_York"),
        ("berlin", None, "Europe/Berlin"),
        ("", None, None),
        ("7pm", time(19, 0), None),
        ("7 pm berlin", time(19, 0), "Europe/Berlin"),
        ("berlin 7:30pm", time(19, 30), "Europe/Berlin"),
        ("19", time(19, 0), None),
        ("0730 nairobi", time(7, 30), "Africa/Nairobi"),
        ("7.30", time(7, 30), None),
        ("07:30 san jose costa rica", time(7, 30), "America/Costa_Rica"),
        ("19h", time(19, 0), None),
        ("19h30", time(19, 30), None),
        ("noon tokyo", time(12, 0), "Asia/Tokyo"),
        ("tokyo midnight", time(0, 0), "Asia/Tokyo"),
        ("12am", time(0, 0), None),
        ("12pm", time(12, 0), None),
        ("UTC+05:30", None, "UTC+05:30"),
        ("8 utc+3", time(8, 0), "UTC+03:00"),
    ],
)
def test_sensible_subscribe_arguments_are_accepted(text: str, clock, zone) -> None:
    args = parse_subscribe_args(text)
    assert args.correction is None and not args.choices
    assert args.clock == clock
    assert (args.zone.name if args.zone else None) == zone


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25:00", "as a time"),
        ("13pm", "as a time"),
        ("tomorrow", "as a time"),
        ("7:60 berlin", "as a time"),
        ("08:00 qwxzv", "timezone or place"),
    ],
)
def test_bad_times_and_zones_get_a_correction(text: str, expected: str) -> None:
    args = parse_subscribe_args(text)
    assert args.correction is not None and expected in args.correction
    assert args.zone is None and not args.choices


def test_an_ambiguous_place_asks_with_the_time_kept() -> None:
    args = parse_subscribe_args("7:30 san jose")
    assert args.correction is None and args.zone is None and args.clock == time(7, 30)
    assert "America/Costa_Rica" in {c.zone for c in args.choices}


def test_resubscribing_keeps_follows_and_a_block_is_undone_only_by_coming_back(
    store: Store,
) -> None:
    store.subscriptions.subscribe(5, time(8, 0), "UTC", NOW)
    store.subscriptions.deactivate(5, "unsubscribed", NOW)
    assert store.subscriptions.reactivate_blocked(5, NOW) is None  # an explicit stop stays
    store.subscriptions.subscribe(5, time(7, 0), "UTC", NOW)
    store.subscriptions.deactivate(5, "blocked", NOW)
    again = store.subscriptions.reactivate_blocked(5, NOW + timedelta(hours=1))
    assert again is not None and again.active and again.clock == time(7, 0)


async def test_subscribe_confirms_the_next_delivery_in_the_subscribers_zone(
    bot_api: BotApiServer, db_path: Path
) -> None:
    with time_machine.travel(NOW, tick=True):
        async with running_bot(bot_api, db_path) as bot:
            [reply] = await bot.say(11, "/subscribe 07:30 berlin")
            assert "07:30" in reply.text and "Europe/Berlin" in reply.text
            assert "Next one: Tuesday, 3 June at 07:30 CEST" in reply.text
            [job] = jobs_for(bot.app, 11)
            assert job.next_t == datetime(2025, 6, 3, 5, 30, tzinfo=UTC)
            for bad in ("/subscribe 25:00", "/subscribe 13pm", "/subscribe tomorrow"):
                [correction] = await bot.say(11, bad)
                assert "as a time" in correction.text
            subscription = bot.store.subscriptions.get(11)
            assert subscription is not None and subscription.clock == time(7, 30)
            [bye] = await bot.say(11, "/unsubscribe")
            assert "no more daily briefings" in bye.text
            assert jobs_for(bot.app, 11) == ()
    assert_no_violations(bot_api)


async def test_follow_unfollow_and_brief_rank_followed_topics_first(
    bot_api: BotApiServer, db_path: Path
) -> None:
    with time_machine.travel(NOW, tick=True):
        async with running_bot(bot_api, db_path) as bot:
            [followed] = await bot.say(12, "/follow spce")
            assert "Following <b>" not in followed.text and "Following Space" in followed.text
            [listing] = await bot.say(12, "/following", count=1)
            assert "Space" in listing.text
            [briefing] = await bot.say(12, "/brief", count=1)
            assert briefing.text.startswith("☀️ Your briefing")
            followed_first = "\n\n".join(briefing.text.split("\n\n")[1:3])
            assert "Lunar" in followed_first  # the story tagged Space leads
            assert all(b["callback_data"].startswith("sy:") for b in briefing.buttons)
            [gone] = await bot.say(12, "/unfollow space")
            assert "Stopped following Space" in gone.text
            [unknown] = await bot.say(12, "/follow qwxzv")
            assert "I don't know a topic" in unknown.text
            # /brief is a preview: it is not the day's delivery.
            assert bot.store.deliveries.status(12, NOW.date()) is None
    assert_no_violations(bot_api)


async def test_settings_keyboard_edits_its_message_and_reschedules(
    bot_api: BotApiServer, db_path: Path
) -> None:
    with time_machine.travel(NOW, tick=True):
        async with running_bot(bot_api, db_path) as bot:
            await bot.say(13, "/subscribe 08:00 UTC")
            [menu] = await bot.say(13, "/settings")
            assert "Time: 08:00" in menu.text
            [times] = await bot.press(menu, "st:time")
            assert times.is_edit and times.message_id == menu.message_id
            [changed] = await bot.press(times, "st:t:0630")
            assert "Time: 06:30" in changed.text
            assert jobs_for(bot.app, 13)[0].next_t == datetime(2025, 6, 3, 6, 30, tzinfo=UTC)
            [zones] = await bot.press(changed, "st:tz")
            [berlin] = await bot.press(zones, "st:z:2")
            assert "Europe/Berlin" in berlin.text
            assert jobs_for(bot.app, 13)[0].next_t == datetime(2025, 6, 3, 4, 30, tzinfo=UTC)
            [paused] = await bot.press(berlin, "st:pause")
            assert "paused" in paused.text and jobs_for(bot.app, 13) == ()
            [resumed] = await bot.press(paused, "st:resume")
            assert len(jobs_for(bot.app, 13)) == 1
            [quiet] = await bot.press(resumed, "st:empty:0")
            assert "stay silent" in quiet.text
            [topics] = await bot.press(quiet, "st:top")
            topic_button = topics.buttons[0]["callback_data"]
            [toggled] = await bot.press(topics, topic_button)
            assert toggled.buttons[0]["text"].startswith("✅")
            [home] = await bot.press(toggled, "st:home")
            assert "Topics you follow: " in home.text and "none yet" not in home.text
            [now] = await bot.press(home, "st:now")
            assert now.text.startswith("☀️ Your briefing") and not now.is_edit
    assert all(m.is_edit for m in bot_api.sent(13)[3:-1])
    assert briefings(bot_api, 13)[-1].text.startswith("☀️ Your briefing")
    assert_no_violations(bot_api)


async def test_an_ambiguous_city_asks_with_buttons_and_a_paused_briefing_resumes(
    bot_api: BotApiServer, db_path: Path
) -> None:
    with time_machine.travel(NOW, tick=True):
        async with running_bot(bot_api, db_path) as bot:
            [question] = await bot.say(13, "/subscribe 7pm san jose")
            assert "Which one?" in question.text
            assert bot.store.subscriptions.get(13) is None  # nothing chosen, nothing changed
            costa_rica = next(b for b in question.buttons if "Costa Rica" in b["text"])
            [done] = await bot.press(question, costa_rica["callback_data"])
            assert "You're subscribed" in done.text and "19:00" in done.text
            assert "America/Costa_Rica" in done.text
            bot.store.subscriptions.update(13, NOW, paused=True)
            [resumed] = await bot.say(13, "/subscribe berlin 0730")
            assert "Resumed" in resumed.text and "07:30" in resumed.text
            subscription = bot.store.subscriptions.get(13)
            assert subscription is not None and not subscription.paused
            assert subscription.tz == "Europe/Berlin"
            [guess] = await bot.say(13, "/subscribe nairobbi")
            assert "Did you mean" in guess.text
            assert [b["text"] for b in guess.buttons] == ["Nairobi, Kenya"]
            assert bot.store.subscriptions.get(13).tz == "Europe/Berlin"
    assert_no_violations(bot_api)
