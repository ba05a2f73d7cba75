"""Daily briefings end to end: the real Application against the local Bot API server.

The clock is time-machine's (no waiting for 08:00); Telegram's failures are injected by the
server. Also home of :func:`running_bot`, the harness the other briefing e2e tests use.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
import time_machine

from bot.application import build_application
from bot.config import Settings
from bot.delivery import Deliverer
from bot.scheduling import deliverer, jobs_for
from bot.sending import RetryPolicy
from bot.services import Services
from bot.store import Store
from tests.botapi.pytest_plugin import BOT_TOKEN, assert_no_violations
from tests.botapi.server import BotApiServer, SentMessage
from tests.conftest import SEEDS

ADMIN = 42
FAST = RetryPolicy(attempts=3, backoff=0.05, max_backoff=0.2, read_timeout=5)


@dataclass
class RunningBot:
    server: BotApiServer
    app: object
    services: Services

    @property
    def store(self) -> Store:
        return self.services.store

    @property
    def deliverer(self) -> Deliverer:
        sender = deliverer(self.app)
        assert sender is not None
        return sender

    async def say(self, chat_id: int, text: str, count: int = 1) -> list[SentMessage]:
        """Send ``text`` as the user of private chat ``chat_id``; return the next replies."""
        before = len(self.server.sent(chat_id))
        self.server.push_message(chat_id, text)
        replies = await self.server.wait_for(before + count, chat_id=chat_id, timeout=10)
        return replies[before : before + count]

    async def press(self, message: SentMessage, data: str, count: int = 1) -> list[SentMessage]:
        before = len(self.server.sent(message.chat_id))
        self.server.press_button(message.chat_id, message.message_id, data)
        replies = await self.server.wait_for(before + count, chat_id=message.chat_id, timeout=10)
        return replies[before : before + count]


@asynccontextmanager
async def running_bot(
    server: BotApiServer,
    db_path: Path,
    *,
    catchup_hours: float = 3.0,
    policy: RetryPolicy = FAST,
    graceful: bool = True,
) -> AsyncIterator[RunningBot]:
    """Start the bot as ``newsbot run`` does (post_init included); stop it on exit."""
    settings = Settings(
        api_base_url=server.base_url,
        db_path=db_path,
        seeds_dir=SEEDS,
        admins=frozenset({ADMIN}),
        catchup_hours=catchup_hours,
    )
    services = Services.start(settings)
    app = build_application(services, token=BOT_TOKEN)
    await app.initialize()
    await app.post_init(app)
    deliverer(app).policy = policy
    await app.start()
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        yield RunningBot(server, app, services)
    finally:
        if graceful:
            await deliverer(app).stop()  # what post_stop does, done first to stop mid fan-out
        else:
            deliverer(app).abort()
        await app.updater.stop()
        await app.stop()
        await app.post_stop(app)
        await app.shutdown()
        services.close()


def subscribe_all(
    db_path: Path, chats: Iterable[int], clock: time, tz: str, since: datetime
) -> None:
    """Subscriptions made earlier (``since``), written before the bot starts."""
    store = Store.open(db_path)
    try:
        for chat_id in chats:
            store.subscriptions.subscribe(chat_id, clock, tz, since)
    finally:
        store.close()


def briefings(server: BotApiServer, chat_id: int | None = None) -> list[SentMessage]:
    return [s for s in server.delivered(chat_id) if s.text.startswith("☀️ Your briefing")]


async def wait_until(condition, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(0.01)


MORNING = datetime(2025, 6, 2, 8, 0, 5, tzinfo=UTC)  # a Monday, just after 08:00 UTC


async def test_briefing_due_at_start_is_sent_once_with_a_button_per_story(
    bot_api: BotApiServer, db_path: Path
) -> None:
    bot_api.add_chat(101)
    subscribe_all(db_path, [101], time(8, 0), "UTC", MORNING - timedelta(days=1))
    with time_machine.travel(MORNING, tick=True):
        async with running_bot(bot_api, db_path) as bot:
            [message] = await bot_api.wait_for(
                lambda s: s.text.startswith("☀️ Your briefing"), chat_id=101
            )
            assert "Monday, 2 June 2025" in message.text
            assert 1 <= len(message.buttons) <= 5
            assert all(b["callback_data"].startswith("sy:") for b in message.buttons)
            # The story button opens the story: its articles with their sources.
            [story] = await bot.press(message, message.buttons[0]["callback_data"])
            assert "Articles (" in story.text
            # The periodic sweep and a second job run find it done: nothing more is sent.
            from bot.scheduling import sweep

            assert await sweep(bot.app) == 0
            assert bot.store.deliveries.status(101, MORNING.date()) == "sent"
    assert len(briefings(bot_api, 101)) == 1
    assert_no_violations(bot_api)


async def test_429_500_and_403_are_handled_without_delaying_other_subscribers(
    bot_api: BotApiServer, db_path: Path
) -> None:
    flooded, flaky, blocked, calm = 201, 202, 203, 204
    for chat_id in (flooded, flaky, blocked, calm):
        bot_api.add_chat(chat_id)
    bot_api.fail_next("sendMessage", chat_id=flooded, error_code=429, retry_after=1)
    bot_api.fail_next("sendMessage", chat_id=flaky, error_code=500, times=2)
    bot_api.block_chat(blocked)
    subscribe_all(
        db_path, [flooded, flaky, blocked, calm], time(8, 0), "UTC", MORNING - timedelta(days=1)
    )
    with time_machine.travel(MORNING, tick=True):
        async with running_bot(bot_api, db_path) as bot:
            await wait_until(lambda: len(briefings(bot_api)) == 3)
            deliveries = bot.store.deliveries
            assert deliveries.status(blocked, MORNING.date()) == "blocked"
            subscription = bot.store.subscriptions.get(blocked)
            assert subscription is not None and not subscription.active
            assert jobs_for(bot.app, blocked) == ()
            # The subscriber who was told to wait did not hold up the one who was not.
            [first_calm] = briefings(bot_api, calm)
            [late] = briefings(bot_api, flooded)
            assert first_calm.time < late.time - 0.5
            # Coming back with /start reactivates the subscription (and its job).
            bot_api.unblock_chat(blocked)
            await bot.say(blocked, "/start", count=2)
            subscription = bot.store.subscriptions.get(blocked)
            assert subscription is not None and subscription.active
            assert len(jobs_for(bot.app, blocked)) == 1
    for chat_id in (flooded, flaky, calm):
        assert len(briefings(bot_api, chat_id)) == 1
    assert briefings(bot_api, blocked) == []
    assert_no_violations(bot_api)


async def test_restart_in_the_middle_of_a_fan_out_gives_everyone_exactly_one(
    bot_api: BotApiServer, db_path: Path
) -> None:
    chats = list(range(1001, 1061))
    for chat_id in chats:
        bot_api.add_chat(chat_id)
    subscribe_all(db_path, chats, time(8, 0), "UTC", MORNING - timedelta(days=1))
    with time_machine.travel(MORNING, tick=True):
        async with running_bot(bot_api, db_path):
            await wait_until(lambda: len(briefings(bot_api)) >= 20)
        stopped_at = len(briefings(bot_api))
        assert stopped_at < len(chats), "the first run should stop part-way"
        async with running_bot(bot_api, db_path):
            await wait_until(lambda: len(briefings(bot_api)) >= len(chats))
            await asyncio.sleep(0.2)
    assert sorted(s.chat_id for s in briefings(bot_api)) == chats
    assert bot_api.duplicates() == {}
    assert_no_violations(bot_api)


async def test_crash_mid_fan_out_never_sends_twice_and_reports_what_is_in_doubt(
    bot_api: BotApiServer, db_path: Path
) -> None:
    chats = list(range(2001, 2041))
    for chat_id in chats:
        bot_api.add_chat(chat_id)
    in_flight = chats[5]
    # Telegram delivers this one but answers late: the crash comes before we hear back.
    bot_api.delay("sendMessage", 2.0, chat_id=in_flight, times=1)
    subscribe_all(db_path, chats, time(8, 0), "UTC", MORNING - timedelta(days=1))
    with time_machine.travel(MORNING, tick=True):
        async with running_bot(bot_api, db_path, graceful=False):
            # The crash comes while Telegram has delivered it but not answered yet.
            await wait_until(lambda: len(briefings(bot_api, in_flight)) == 1)
        async with running_bot(bot_api, db_path) as bot:
            await asyncio.sleep(1.5)
            await wait_until(lambda: bot.deliverer.busy == 0)
            statuses = {c: bot.store.deliveries.status(c, MORNING.date()) for c in chats}
            [stats] = await bot.say(ADMIN, "/stats")
    assert bot_api.duplicates() == {}, "nobody gets two"
    assert statuses[in_flight] == "unconfirmed"
    delivered = {s.chat_id for s in briefings(bot_api)}
    missing = set(chats) - delivered
    # Only a send that was in flight at the crash can be lost, and it is reported, not hidden.
    assert all(statuses[c] == "unconfirmed" for c in missing)
    assert all(statuses[c] in ("sent", "unconfirmed") for c in chats)
    unconfirmed = sum(1 for s in statuses.values() if s == "unconfirmed")
    assert unconfirmed == 1, "one request in flight at a time: one briefing in doubt per crash"
    assert f"{unconfirmed} unconfirmed" in stats.text
    # A request cut off mid-body by the crash reaches the server half-written.
    assert_no_violations(bot_api, ignore=["is empty"])


async def test_catch_up_sends_within_the_window_and_skips_beyond_it(
    bot_api: BotApiServer, db_path: Path
) -> None:
    late, too_late, new = 301, 302, 303
    for chat_id in (late, too_late, new):
        bot_api.add_chat(chat_id)
    now = datetime(2025, 6, 2, 10, 30, tzinfo=UTC)
    subscribe_all(db_path, [late], time(8, 0), "UTC", now - timedelta(days=1))  # 2.5 h late
    subscribe_all(db_path, [too_late], time(7, 0), "UTC", now - timedelta(days=1))  # 3.5 h
    subscribe_all(db_path, [new], time(9, 0), "UTC", now - timedelta(minutes=30))  # after 09:00
    with time_machine.travel(now, tick=True):
        async with running_bot(bot_api, db_path, catchup_hours=3) as bot:
            await bot_api.wait_for(lambda s: s.text.startswith("☀️ Your briefing"), chat_id=late)
            await asyncio.sleep(0.3)
            assert bot.store.deliveries.status(too_late, now.date()) is None
            [job] = jobs_for(bot.app, too_late)
            assert job.next_t == datetime(2025, 6, 3, 7, 0, tzinfo=UTC)
    assert briefings(bot_api, too_late) == []
    assert briefings(bot_api, new) == []
    assert_no_violations(bot_api)


async def test_brief_all_is_for_admins_and_never_repeats_a_day(
    bot_api: BotApiServer, db_path: Path
) -> None:
    subscribers = [401, 402, 403]
    for chat_id in (*subscribers, ADMIN, 499):
        bot_api.add_chat(chat_id)
    before_slot = datetime(2025, 6, 2, 6, 0, tzinfo=UTC)
    subscribe_all(db_path, subscribers, time(8, 0), "UTC", before_slot - timedelta(days=1))
    with time_machine.travel(before_slot, tick=True) as clock:
        async with running_bot(bot_api, db_path) as bot:
            [refusal] = await bot.say(499, "/brief all")
            assert "only for the bot's admins" in refusal.text
            await asyncio.sleep(0.2)
            assert briefings(bot_api) == []
            started, done = await bot.say(ADMIN, "/brief all", count=2)
            assert "3 subscriber" in started.text
            assert "3 sent" in done.text
            [again] = await bot.say(ADMIN, "/brief all")
            assert "already has today's briefing" in again.text
            # 08:00 comes: the scheduled jobs find today's briefing done.
            clock.move_to(datetime(2025, 6, 2, 8, 0, 1, tzinfo=UTC))
            bot.app.job_queue.scheduler.wakeup()
            await asyncio.sleep(0.5)
            [stats] = await bot.say(ADMIN, "/stats")
            assert "3 active" in stats.text and "3 sent" in stats.text
    assert sorted(s.chat_id for s in briefings(bot_api)) == subscribers
    assert_no_violations(bot_api)


@pytest.mark.parametrize("code", [500, 502])
async def test_server_errors_outlasting_retries_leave_it_for_the_next_sweep(
    bot_api: BotApiServer, db_path: Path, code: int
) -> None:
    bot_api.add_chat(501)
    bot_api.fail_next("sendMessage", chat_id=501, error_code=code, times=3)
    subscribe_all(db_path, [501], time(8, 0), "UTC", MORNING - timedelta(days=1))
    with time_machine.travel(MORNING, tick=True):
        async with running_bot(bot_api, db_path, policy=replace(FAST, keep_trying=False)) as bot:
            await wait_until(lambda: bot.store.deliveries.status(501, MORNING.date()) == "failed")
            await wait_until(lambda: bot.deliverer.busy == 0)
            assert briefings(bot_api, 501) == []
            from bot.scheduling import sweep

            assert await sweep(bot.app) == 1
            await bot_api.wait_for(lambda s: s.text.startswith("☀️ Your briefing"), chat_id=501)
    assert len(briefings(bot_api, 501)) == 1
    assert_no_violations(bot_api)


async def test_a_briefing_submitted_as_the_last_worker_finishes_is_still_sent(
    bot_api: BotApiServer, db_path: Path
) -> None:
    from bot.delivery import Outcome

    bot_api.add_chat(601)
    bot_api.add_chat(602)
    subscribe_all(db_path, [601, 602], time(20, 0), "UTC", MORNING - timedelta(days=1))
    with time_machine.travel(MORNING, tick=True):
        async with running_bot(bot_api, db_path) as bot:
            sender = bot.deliverer
            await wait_until(lambda: sender.busy == 0)
            first = await sender.submit(601, MORNING.date())
            # Resumed by the first future: its worker has just finished, in the same step.
            second = await asyncio.wait_for(sender.submit(602, MORNING.date()), 10)
    assert (first, second) == (Outcome.SENT, Outcome.SENT)
    assert len(briefings(bot_api, 601)) == len(briefings(bot_api, 602)) == 1
    assert_no_violations(bot_api)
