"""The worker pool briefings and alerts share: kinds taken in turn, one future per message."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from telegram.ext import ExtBot

from bot.pacing import Pacer
from bot.sending import SendPool
from bot.store import Store


def pool(tmp_path: Path, workers: int = 1) -> SendPool:
    return SendPool(
        ExtBot("123456:TEST-never-connected"),
        Store.open(tmp_path / "pool.db"),
        Pacer(),
        paced_args=False,
        clock=lambda: datetime(2030, 1, 1, tzinfo=UTC),
        workers=workers,
    )


async def test_a_single_worker_takes_the_kinds_in_turn(tmp_path: Path) -> None:
    sends = pool(tmp_path)
    order: list[str] = []

    def job(name: str):
        async def run() -> str:
            order.append(name)
            await asyncio.sleep(0)
            return name

        return run

    futures = [
        sends.submit("briefing", n, job(f"b{n}"), crashed="x", stopped="-", label=f"b{n}")
        for n in range(4)
    ]
    futures += [
        sends.submit("alert", n, job(f"a{n}"), crashed="x", stopped="-", label=f"a{n}")
        for n in range(2)
    ]
    assert await asyncio.gather(*futures) == ["b0", "b1", "b2", "b3", "a0", "a1"]
    assert order == ["b0", "a0", "b1", "a1", "b2", "b3"]
    sends.store.close()


async def test_the_same_message_asked_twice_is_one_delivery(tmp_path: Path) -> None:
    sends = pool(tmp_path, workers=4)
    runs = 0
    gate = asyncio.Event()

    async def run() -> str:
        nonlocal runs
        runs += 1
        await gate.wait()
        return "sent"

    first = sends.submit("alert", (1, 2, "s3"), run, crashed="x", stopped="-", label="a")
    again = sends.submit("alert", (1, 2, "s3"), run, crashed="x", stopped="-", label="a")
    other_kind = sends.submit("briefing", (1, 2, "s3"), run, crashed="x", stopped="-", label="b")
    assert first is again and other_kind is not first
    assert len(sends.pending("alert")) == 1 and sends.pending_keys("alert") == {(1, 2, "s3")}
    gate.set()
    assert await asyncio.gather(first, other_kind) == ["sent", "sent"]
    assert runs == 2 and sends.pending("alert") == []
    sends.store.close()


async def test_a_crashed_delivery_gives_its_kind_s_crash_outcome_and_stopping_the_rest(
    tmp_path: Path,
) -> None:
    sends = pool(tmp_path)

    async def crash() -> str:
        raise RuntimeError("a bug")

    async def never() -> str:
        await asyncio.Event().wait()
        return "sent"

    crashed = sends.submit("alert", 1, crash, crashed="failed", stopped="stopped", label="a")
    assert await crashed == "failed"
    waiting = sends.submit("briefing", 1, never, crashed="failed", stopped="stopped", label="b")
    queued = sends.submit("briefing", 2, never, crashed="failed", stopped="stopped", label="b")
    await asyncio.sleep(0)
    sends.abort()
    assert await asyncio.gather(waiting, queued) == ["stopped", "stopped"]
    late = sends.submit("alert", 2, never, crashed="failed", stopped="stopped", label="a")
    assert await late == "stopped"
    sends.store.close()
