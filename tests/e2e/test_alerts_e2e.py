"""Following a person end to end: an article quoting them, saved by anyone (here a second
connection, as ``newsbot ingest`` in another process is), brings each follower one alert;
quiet hours hold it, the daily cap folds the rest into the briefing, Telegram's 429 and 403
are handled as for briefings. The clock is time-machine's."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

import pytest
import time_machine
from telegram.ext import Application

from bot import alerts
from bot.alerts import AlertOutcome, AlertSender, alert_sender, check_now
from bot.config import Settings
from bot.delivery import Outcome
from bot.scheduling import deliverer
from bot.services import Services
from bot.store import Store
from bot.store import alerts as status
from tests.botapi.pytest_plugin import BOT_TOKEN, assert_no_violations
from tests.botapi.server import BotApiServer, SentMessage
from tests.conftest import make_article
from tests.live_bot import live_bot

FOLLOWER = 501
OTHER = 502
NOON = datetime(2030, 5, 6, 12, 0, tzinfo=UTC)
LATE = datetime(2030, 5, 6, 23, 30, tzinfo=UTC)
KOVALENKO = ("Olena Kovalenko", "agriculture minister")
PETRENKO = ("Ivan Petrenko", "port director")


@dataclass
class Bot:
    api: BotApiServer
    services: Services
    application: Application
    db_path: Path
    ingested: int = 0

    @property
    def sender(self) -> AlertSender:
        sender = alert_sender(self.application)
        assert sender is not None
        return sender

    async def say(self, chat_id: int, text: str, count: int = 1) -> list[SentMessage]:
        before = len(self.api.sent(chat_id))
        self.api.push_message(chat_id, text)
        return (await self.api.wait_for(before + count, chat_id=chat_id))[before:]

    def ingest_elsewhere(
        self,
        slug: str,
        quotes: list[tuple[str, str]],
        people: list[tuple[str, str]],
        *,
        day: str | None = None,
    ) -> int:
        """Save an article through another connection to the same file; each on a day of
        its own (a story of its own) unless ``day`` says otherwise."""
        self.ingested += 1
        day = day or (date(2030, 1, 1) + timedelta(days=20 * self.ingested)).isoformat()
        other = Store.open(self.db_path)
        try:
            article = make_article(f"Story {slug}", quotes=quotes, people=people, date=day)
            return other.articles.save(
                article, slug=slug, content_hash=slug, text="x" * 300
            ).article_id
        finally:
            other.close()

    async def check(self) -> None:
        await check_now(self.application)
        await self.sender.drain()

    def alerts(self, chat_id: int = FOLLOWER) -> list[SentMessage]:
        return [m for m in self.api.sent(chat_id) if m.text.startswith("🔔")]


def settings_for(bot_api: BotApiServer, tmp_path: Path, **more) -> Settings:
    return Settings(
        api_base_url=bot_api.base_url,
        db_path=tmp_path / "news.db",
        seeds_dir=tmp_path / "none",
        **more,
    )


@pytest.fixture
async def bot(bot_api: BotApiServer, tmp_path: Path) -> AsyncIterator[Bot]:
    with time_machine.travel(NOON, tick=True):
        async with started(bot_api, tmp_path) as running:
            yield running


def started(bot_api: BotApiServer, tmp_path: Path, **more):
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def run() -> AsyncIterator[Bot]:
        settings = settings_for(bot_api, tmp_path, **more)
        # The people are known before the bot starts (an article from before then).
        earlier = Store.open(settings.db_path)
        known = make_article(
            "Earlier story",
            quotes=[("Earlier words of hers", KOVALENKO[0]), ("His words", PETRENKO[0])],
            people=[KOVALENKO, PETRENKO],
        )
        earlier.articles.save(known, slug="known", content_hash="k", text="x" * 300)
        earlier.close()
        async with live_bot(settings, BOT_TOKEN) as (services, application):
            yield Bot(bot_api, services, application, settings.db_path)

    return run()


async def follows(bot: Bot, name: str, chat_id: int = FOLLOWER) -> None:
    [answer] = await bot.say(chat_id, f"/follow {name}")
    assert "Following" in answer.text and "alert you" in answer.text, answer.text


QUOTES = [
    ("Yes", KOVALENKO[0]),
    ("The corridor stays open for every ship that carries grain to Africa", KOVALENKO[0]),
    ("We will not raise the export duty this year, whatever the pressure", KOVALENKO[0]),
    ("Prices will fall by spring if the harvest holds as it looks now", KOVALENKO[0]),
    ("Ships wait longer than they should at the port", PETRENKO[0]),
]


async def test_an_article_quoting_a_followed_person_brings_one_alert(bot: Bot) -> None:
    await follows(bot, "kovalenko")
    article_id = bot.ingest_elsewhere("grain", QUOTES, [KOVALENKO, PETRENKO])
    await bot.check()
    [alert] = bot.alerts()
    assert "Olena Kovalenko" in alert.text and "agriculture minister" in alert.text
    assert "Story grain" in alert.text  # the headline
    said = [line for line in alert.text.splitlines() if line.startswith("💬")]
    assert len(said) == 3  # at most three, the most notable first: not the bare "Yes"
    assert "Yes" not in alert.text and "Ships wait" not in alert.text
    assert [b["callback_data"] for b in alert.buttons] == [f"ar:{article_id}"]
    # Checking again, or the job running, sends nothing more; a non-follower got nothing.
    await bot.check()
    assert len(bot.alerts()) == 1
    assert bot.api.sent(OTHER) == []
    assert bot.api.duplicates() == {}
    # The button opens the story.
    before = len(bot.api.sent(FOLLOWER))
    bot.api.press_button(FOLLOWER, alert.message_id, f"ar:{article_id}")
    [story] = (await bot.api.wait_for(before + 1, chat_id=FOLLOWER))[before:]
    assert story.text.startswith("Story grain")
    assert_no_violations(bot.api)


async def test_the_alert_job_notices_an_ingest_by_itself(bot: Bot) -> None:
    await follows(bot, "kovalenko")
    bot.ingest_elsewhere("grain", QUOTES, [KOVALENKO])
    # Within the check interval (5 s) and one send; well under the minute promised.
    await bot.api.wait_for(lambda m: m.text.startswith("🔔"), chat_id=FOLLOWER, timeout=30)
    assert len(bot.alerts()) == 1
    assert_no_violations(bot.api)


async def test_a_follower_of_someone_else_gets_nothing(bot: Bot) -> None:
    await follows(bot, "petrenko", chat_id=OTHER)
    bot.ingest_elsewhere("grain", QUOTES[:4], [KOVALENKO])
    await bot.check()
    assert bot.alerts(OTHER) == [] and bot.alerts() == []
    assert_no_violations(bot.api)


async def test_quiet_hours_hold_an_alert_until_they_end(
    bot_api: BotApiServer, tmp_path: Path
) -> None:
    with time_machine.travel(LATE, tick=True) as traveller:
        async with started(bot_api, tmp_path) as bot:
            await follows(bot, "kovalenko")
            bot.ingest_elsewhere("grain", QUOTES, [KOVALENKO])
            await bot.check()
            assert bot.alerts() == []
            [row] = bot.services.store.db.execute("select status, due_at from alerts").fetchall()
            assert row == (status.HELD, "2030-05-07T07:00:00+00:00")
            traveller.move_to(datetime(2030, 5, 7, 6, 59, tzinfo=UTC))
            await bot.check()
            assert bot.alerts() == []
            traveller.move_to(datetime(2030, 5, 7, 7, 0, 30, tzinfo=UTC))
            await bot.check()
            assert len(bot.alerts()) == 1
            assert_no_violations(bot.api)


async def test_quiet_hours_are_set_in_settings_and_can_be_switched_off(
    bot_api: BotApiServer, tmp_path: Path
) -> None:
    with time_machine.travel(LATE, tick=True):
        async with started(bot_api, tmp_path) as bot:
            await follows(bot, "kovalenko")
            [menu] = await bot.say(FOLLOWER, "/settings")
            assert "Quiet hours for alerts: 22:00–07:00" in menu.text
            before = len(bot.api.sent(FOLLOWER))
            bot.api.press_button(FOLLOWER, menu.message_id, "st:qh")
            await bot.api.wait_for(before + 1, chat_id=FOLLOWER)
            bot.api.press_button(FOLLOWER, menu.message_id, "st:q:off")
            [page] = (await bot.api.wait_for(before + 2, chat_id=FOLLOWER))[before + 1 :]
            assert "Now: <b>off</b>" in page.message["text"] or "Now: off" in page.text
            assert bot.services.store.alerts.quiet_hours(FOLLOWER) is None
            bot.ingest_elsewhere("grain", QUOTES, [KOVALENKO])
            await bot.check()
            assert len(bot.alerts()) == 1  # 23:30, but quiet hours are off
            assert_no_violations(bot.api)


async def test_the_daily_cap_folds_the_rest_into_the_briefing(
    bot_api: BotApiServer, tmp_path: Path
) -> None:
    with time_machine.travel(NOON, tick=True):
        async with started(bot_api, tmp_path, alerts_per_day=2) as bot:
            await follows(bot, "kovalenko")
            for n in range(3):
                text = f"The corridor stays open for ship number {n} and every other one"
                bot.ingest_elsewhere(f"grain{n}", [(text, KOVALENKO[0])], [KOVALENKO])
            # The newest story quotes someone not followed: the followed ones come first.
            bot.ingest_elsewhere("port", [QUOTES[4]], [PETRENKO])
            await bot.check()
            assert len(bot.alerts()) == 2
            counts = bot.services.store.alerts.counts()
            assert counts == {status.SENT: 2, status.FOLDED: 1}
            [briefing] = await bot.say(FOLLOWER, "/brief")
            assert "Also quoted, past your daily alert limit" in briefing.text
            assert "Olena Kovalenko in #" in briefing.text
            # Followed people's stories lead the briefing.
            stories = [b for b in briefing.text.split("\n\n") if "/story " in b]
            quoting = ["Kovalenko" in story for story in stories]
            assert quoting == sorted(quoting, reverse=True) and quoting[0]
            # Following never hides the rest: the other story keeps a slot after them.
            assert "Story port" in stories[-1]
            assert_no_violations(bot.api)


async def test_a_flood_answer_is_waited_out_and_the_alert_sent_once(bot: Bot) -> None:
    await follows(bot, "kovalenko")
    bot.api.fail_next("sendMessage", chat_id=FOLLOWER, error_code=429, retry_after=1)
    bot.ingest_elsewhere("grain", QUOTES, [KOVALENKO])
    await bot.check()
    assert len(bot.alerts()) == 1
    assert bot.services.store.alerts.counts() == {status.SENT: 1}
    assert_no_violations(bot.api)


async def test_a_blocked_bot_stops_the_chats_alerts(bot: Bot) -> None:
    await follows(bot, "kovalenko")
    await bot.say(FOLLOWER, "/subscribe 07:30")
    bot.api.block_chat(FOLLOWER)
    bot.ingest_elsewhere("grain", QUOTES, [KOVALENKO])
    await check_now(bot.application)
    assert set((await bot.sender.drain()).elements()) == {AlertOutcome.BLOCKED}
    assert not bot.services.store.chats.can_post(FOLLOWER)
    assert not bot.services.store.subscriptions.get(FOLLOWER).active
    bot.ingest_elsewhere("grain2", QUOTES, [KOVALENKO])
    await bot.check()
    assert bot.services.store.alerts.counts() == {status.BLOCKED: 2}
    assert_no_violations(bot.api)


async def test_unfollowing_drops_alerts_not_yet_sent(bot: Bot) -> None:
    await follows(bot, "kovalenko")
    [answer] = await bot.say(FOLLOWER, "/following")
    assert "People you follow" in answer.text and "Olena Kovalenko" in answer.text
    [stopped] = await bot.say(FOLLOWER, "/unfollow kovalenko")
    assert "Stopped following <b>Olena Kovalenko</b>" in stopped.message["text"] or (
        "Stopped following Olena Kovalenko" in stopped.text
    )
    bot.ingest_elsewhere("grain", QUOTES, [KOVALENKO])
    await bot.check()
    assert bot.alerts() == []
    assert_no_violations(bot.api)


async def test_a_name_that_fits_a_person_and_a_topic_asks_which(bot: Bot) -> None:
    store = bot.services.store
    with store.db.conn:
        store.db.execute("insert into topics (name, key) values ('Olena Kovalenko', 'olena')")
    [question] = await bot.say(FOLLOWER, "/follow olena kovalenko")
    assert "the person or the topic" in question.text
    person = next(b for b in question.buttons if b["text"].startswith("👤"))
    before = len(bot.api.sent(FOLLOWER))
    bot.api.press_button(FOLLOWER, question.message_id, person["callback_data"])
    [done] = (await bot.api.wait_for(before + 1, chat_id=FOLLOWER))[before:]
    assert "alert you" in done.text
    assert [name for _, name in store.alerts.followed(FOLLOWER)] == ["Olena Kovalenko"]
    assert store.subscriptions.followed(FOLLOWER) == []
    assert_no_violations(bot.api)


async def test_a_story_growing_from_one_source_to_three_alerts_once(bot: Bot) -> None:
    await follows(bot, "kovalenko")
    for source in range(3):
        bot.ingest_elsewhere(f"grain{source}", QUOTES, [KOVALENKO, PETRENKO], day="2030-05-06")
        await bot.check()
    story_ids = {
        row[0]
        for row in bot.services.store.db.execute(
            "select story_id from articles where slug like 'grain%'"
        )
    }
    assert len(story_ids) == 1  # the three articles are one story
    assert len(bot.alerts()) == 1
    assert_no_violations(bot.api)


def test_quiet_hours_wrap_midnight() -> None:
    from datetime import time

    quiet = (time(22, 0), time(7, 0))
    assert alerts.in_quiet_hours(time(23, 0), quiet) and alerts.in_quiet_hours(time(6, 59), quiet)
    assert not alerts.in_quiet_hours(time(7, 0), quiet)
    assert not alerts.in_quiet_hours(time(12, 0), quiet)
    assert alerts.in_quiet_hours(time(13, 0), (time(12, 0), time(14, 0)))
    assert not alerts.in_quiet_hours(time(13, 0), None)


async def test_an_alert_due_during_a_briefing_fan_out_goes_out_between_the_briefings(
    bot: Bot,
) -> None:
    """Briefings and alerts share one worker pool and take turns in it: an alert is not
    queued behind every briefing due the same minute, and neither is sent twice."""
    await follows(bot, "kovalenko")
    chats = list(range(9001, 9091))
    for chat_id in chats:
        bot.api.add_chat(chat_id)
        bot.services.store.subscriptions.subscribe(
            chat_id, dtime(7, 0), "UTC", NOON - timedelta(days=2)
        )
    sender = deliverer(bot.application)
    assert sender is not None
    fan_out = asyncio.ensure_future(sender.fan_out((chat_id, NOON.date()) for chat_id in chats))
    await bot.api.wait_for(lambda m: m.chat_id in chats, timeout=10)
    bot.ingest_elsewhere("grain", QUOTES, [KOVALENKO])
    await check_now(bot.application)
    await bot.api.wait_for(lambda m: m.text.startswith("🔔"), chat_id=FOLLOWER, timeout=30)
    briefed_first = {m.chat_id for m in bot.api.delivered() if m.chat_id in chats}
    outcomes = await fan_out
    assert outcomes == Counter({Outcome.SENT: len(chats)})
    # 24 workers were busy with briefings when the alert came; it took the next free one.
    assert len(briefed_first) < len(chats) - 30
    assert len(bot.alerts()) == 1 and bot.api.duplicates() == {}
    assert_no_violations(bot.api)
