"""Sends to a group or a channel keep Telegram's 20 messages a minute per chat, whoever sends
them (briefings, alerts, replies share one pacer); a private chat's are spaced by a second.
The pacer runs on a controllable clock that its waits advance."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import pytest

from bot import pacing
from bot.pacing import Pacer


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [1000.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    monkeypatch.setattr(pacing, "asyncio", SimpleNamespace(sleep=sleep))
    return now


async def send_times(pacer: Pacer, chat_id: int, count: int) -> list[float]:
    times = []
    for _ in range(count):
        ticket = await pacer.acquire(chat_id)
        ticket.dispatched()
        times.append(ticket.at)
    return times


@pytest.mark.parametrize("chat_id", [-100_123_456, -4242], ids=["channel", "group"])
async def test_a_group_or_channel_gets_at_most_20_messages_a_minute(
    clock: list[float], chat_id: int
) -> None:
    pacer = Pacer(clock=lambda: clock[0])
    times = await send_times(pacer, chat_id, 41)
    for first in range(len(times) - 20):
        assert times[first + 20] - times[first] >= 60.0
    assert all(b - a >= 3.0 for a, b in itertools.pairwise(times))


async def test_a_private_chat_is_spaced_by_a_second_and_does_not_slow_a_group(
    clock: list[float],
) -> None:
    pacer = Pacer(clock=lambda: clock[0])
    group = await send_times(pacer, -4242, 2)
    private = await send_times(pacer, 501, 3)
    assert group[1] - group[0] >= 3.0
    assert all(b - a >= 1.0 for a, b in itertools.pairwise(private))
    assert private[0] < group[1] + 3.0
