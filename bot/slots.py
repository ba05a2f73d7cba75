"""Update slots a handler can give back while it only waits.

:class:`bot.application.ChatOrderedProcessor` lets a few updates run at once. A handler that
waits out Telegram's ``retry_after`` or a backoff does no work, so it hands its slot to the
next chat's update and takes one again before its request leaves: one throttled chat never
keeps the others waiting. The chat's own order is untouched (its next update still waits).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections.abc import AsyncIterator


class Slot:
    """One held permit of the processor's semaphore, released and taken again around waits."""

    __slots__ = ("_held", "_semaphore")

    def __init__(self, semaphore: asyncio.Semaphore) -> None:
        self._semaphore = semaphore
        self._held = True

    @property
    def held(self) -> bool:
        return self._held

    def release(self) -> None:
        if self._held:
            self._held = False
            self._semaphore.release()

    async def take(self) -> None:
        if not self._held:
            await self._semaphore.acquire()
            self._held = True


#: The slot of the update the current task is working on (None outside update handling).
CURRENT_SLOT: contextvars.ContextVar[Slot | None] = contextvars.ContextVar(
    "newsbot_update_slot", default=None
)


@contextlib.asynccontextmanager
async def slot_given_back() -> AsyncIterator[None]:
    """Inside: the current update's slot is free for others; taken back on the way out."""
    slot = CURRENT_SLOT.get()
    if slot is None or not slot.held:
        yield
        return
    slot.release()
    try:
        yield
    finally:
        await slot.take()
