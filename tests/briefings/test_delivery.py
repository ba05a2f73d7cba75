"""Delivery building blocks: the pacer's limits, exclusive claims, and which errors are in doubt."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from telegram.error import NetworkError, TimedOut

from bot.pacing import Pacer, request_may_have_arrived
from bot.store import Store
from bot.store.deliveries import Window

NOW = datetime(2025, 6, 2, 8, 0, tzinfo=UTC)
DAY = date(2025, 6, 2)
WINDOW = Window(NOW - timedelta(days=1), NOW)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_no_one_second_window_ever_holds_more_than_thirty_sends() -> None:
    clock = FakeClock()
    pacer = Pacer(30, clock=clock)
    times = []

    async def fake_sleep(seconds: float) -> None:
        clock.now += seconds

    original = asyncio.sleep
    asyncio.sleep = fake_sleep  # type: ignore[assignment]
    try:
        for chat_id in range(200):
            ticket = await pacer.acquire(chat_id)
            times.append(ticket.at)
    finally:
        asyncio.sleep = original  # type: ignore[assignment]
    assert all(later - earlier >= 1.0 for earlier, later in zip(times, times[30:], strict=False))
    assert times[-1] - times[0] < 200 / 29  # and it does run close to the cap


async def test_a_refunded_slot_is_reused_and_one_chat_is_spaced_by_a_second() -> None:
    clock = FakeClock()
    pacer = Pacer(2, clock=clock)
    first = await pacer.acquire(1)
    await pacer.acquire(2)
    first.refund()
    third = await pacer.acquire(3)
    assert third.at - clock.now < 0.5  # the refunded slot was free again
    pacer.hold_chat(4, 5.0)
    assert pacer._chat_ready[4] == clock.now + 5.0


def test_a_briefing_can_be_claimed_once_and_only_a_failure_frees_it(store: Store) -> None:
    log = store.deliveries
    assert log.claim(1, DAY, "run-a", WINDOW, 3, NOW)
    assert not log.claim(1, DAY, "run-b", WINDOW, 3, NOW)
    assert log.finish(1, DAY, "run-a", "failed", NOW)
    assert log.claim(1, DAY, "run-b", WINDOW, 3, NOW)
    assert not log.finish(1, DAY, "run-a", "sent", NOW), "a stale claimant cannot finish it"
    assert log.finish(1, DAY, "run-b", "sent", NOW, message_id=7)
    assert not log.claim(1, DAY, "run-c", WINDOW, 3, NOW)
    assert log.claim(1, DAY + timedelta(days=1), "run-c", WINDOW, 3, NOW)  # a new day


def test_a_claim_left_by_a_crashed_run_becomes_unconfirmed_and_is_never_resent(
    store: Store,
) -> None:
    log = store.deliveries
    log.claim(1, DAY, "crashed", WINDOW, 3, NOW)
    log.claim(2, DAY, "current", WINDOW, 3, NOW)
    assert log.recover("current", NOW) == 1
    assert log.status(1, DAY) == "unconfirmed"
    assert log.status(2, DAY) == "claimed"
    assert log.is_done(1, DAY)
    assert not log.claim(1, DAY, "current", WINDOW, 3, NOW)
    assert log.previous_end(1, DAY + timedelta(days=1)) == WINDOW.end


@pytest.mark.parametrize(
    ("error", "in_doubt"),
    [
        (NetworkError("Internal Server Error"), False),
        (TimedOut(), False),
    ],
)
def test_answers_from_telegram_are_not_in_doubt(error: NetworkError, in_doubt: bool) -> None:
    assert request_may_have_arrived(error) is in_doubt


@pytest.mark.parametrize(
    ("cause", "in_doubt"),
    [
        (httpx.ConnectError("refused"), False),
        (httpx.PoolTimeout("busy"), False),
        (httpx.ReadTimeout("slow"), True),
        (httpx.ReadError("reset"), True),
        (httpx.RemoteProtocolError("gone"), True),
    ],
)
def test_a_request_lost_after_it_left_is_in_doubt(cause: Exception, in_doubt: bool) -> None:
    error = TimedOut() if isinstance(cause, httpx.TimeoutException) else NetworkError("x")
    error.__cause__ = cause
    assert request_may_have_arrived(error) is in_doubt


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """A fake clock that ``asyncio.sleep`` advances instead of waiting."""
    fake = FakeClock()

    async def sleep(seconds: float) -> None:
        fake.now += seconds

    monkeypatch.setattr(asyncio, "sleep", sleep)
    return fake


async def test_a_refused_send_does_not_make_the_chat_wait_its_second(clock: FakeClock) -> None:
    """Nothing reached the chat, so its retry (after a 5xx backoff) need not wait 1 s more."""
    pacer = Pacer(30, clock=clock)
    first = await pacer.acquire(7)
    assert pacer._chat_ready[7] == first.at + 1.0
    first.refund()
    assert 7 not in pacer._chat_ready
    second = await pacer.acquire(7)
    assert second.at - first.at < 0.1
    # A 429's hold set after the refund is kept.
    second.refund()
    pacer.hold_chat(7, 3.0)
    assert pacer._chat_ready[7] == clock.now + 3.0


async def test_a_late_send_counts_from_when_it_left(clock: FakeClock) -> None:
    """Telegram counts arrivals: a send that left 50 ms late moves the window with it."""
    pacer = Pacer(1, clock=clock)
    first = await pacer.acquire(1)
    clock.now += 0.05  # a busy event loop, a slow commit
    first.dispatched()
    assert first.at == clock.now
    assert pacer._chat_ready[1] == clock.now + 1.0
    second = await pacer.acquire(2)
    assert second.at == pytest.approx(first.at + pacer.window)  # not planned time + window
    second.refund()  # refunds find re-stamped slots too
    first.refund()
    assert not pacer._slots
