"""Sending daily briefings: once per (chat, day), inside Telegram's limits, through its errors.

A briefing is built for its (chat, day), then sent through the one send path and worker
pool it shares with alerts (:class:`bot.sending.SendPool`: pacing, the claim in the delivery
log, Telegram's errors, retries). What is the briefing's own: it is skipped when the chat is
not subscribed any more or its (chat, day) is dealt with already; an empty one is only logged
when the subscriber chose silence; it is retried until its day is over in the subscriber's
zone; and the stories sent are remembered, so a later briefing shows one again only when it
grew.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from bot.briefings import Briefing, briefing_for, sent_to
from bot.keyboards import keyboard
from bot.sending import Message, RetryPolicy, SendPool, Sent
from bot.store import deliveries as log_status

log = logging.getLogger(__name__)

#: How long one built briefing is shared by subscribers in the same position.
SHARED_BRIEFING_TTL = timedelta(seconds=60)


class Outcome(StrEnum):
    SENT = "sent"
    EMPTY = "empty"  # nothing new, subscriber chose silence
    ALREADY = "already"  # someone else has (or had) this (chat, day)
    INACTIVE = "inactive"  # unsubscribed, blocked or paused
    FAILED = "failed"  # transient errors outlasted our retries; retried by the next sweep
    BLOCKED = "blocked"
    ERROR = "error"
    UNCONFIRMED = "unconfirmed"
    STOPPED = "stopped"  # the bot is shutting down; the next start catches up


def utc_now() -> datetime:
    return datetime.now(UTC)


class Deliverer:
    """Delivers (chat, day) briefings through the shared :class:`~bot.sending.SendPool`."""

    KIND = "briefing"

    def __init__(
        self,
        pool: SendPool,
        *,
        policy: RetryPolicy | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.pool = pool
        self.store = pool.store
        self.policy = policy or RetryPolicy()
        self.clock = clock
        self._briefings: dict[tuple[Any, ...], Briefing] = {}

    @property
    def run_id(self) -> str:
        return self.pool.run_id

    # -- the queue ---------------------------------------------------------------------------

    def submit(self, chat_id: int, day: date) -> asyncio.Future[Outcome]:
        """Queue one briefing; asking twice for the same (chat, day) returns the same future."""
        return self.pool.submit(
            self.KIND,
            (chat_id, day),
            lambda: self.deliver(chat_id, day),
            crashed=Outcome.FAILED,
            stopped=Outcome.STOPPED,
            label=f"briefing to chat {chat_id}",
        )

    async def fan_out(self, items: Iterable[tuple[int, date]]) -> collections.Counter[Outcome]:
        """Deliver many briefings and count the outcomes."""
        futures = [self.submit(chat_id, day) for chat_id, day in items]
        return collections.Counter(await asyncio.gather(*futures))

    @property
    def busy(self) -> int:
        return len(self.pool.pending(self.KIND))

    def begin_stopping(self) -> None:
        """Claim nothing new from now on and cut every wait short (sends in flight go on)."""
        self.pool.begin_stopping()

    async def stop(self) -> None:
        """Shut down gracefully (the pool, alerts too): finish sends in flight, claim nothing
        new."""
        await self.pool.stop()

    def abort(self) -> None:
        """Stop at once, finishing nothing: what a crash leaves behind (tests recover from it)."""
        self.pool.abort()

    # -- one briefing ------------------------------------------------------------------------

    async def deliver(self, chat_id: int, day: date) -> Outcome:
        """Send ``chat_id`` its briefing for ``day`` unless it is already dealt with."""
        subscription = self.store.subscriptions.get(chat_id)
        if subscription is None or not subscription.deliverable:
            return Outcome.INACTIVE
        if self.store.deliveries.is_done(chat_id, day):
            return Outcome.ALREADY
        briefing = self._briefing(chat_id, day)
        if briefing.empty and not subscription.send_empty:
            return self._record_silence(chat_id, briefing)
        day_over = datetime.combine(day + timedelta(days=1), time(0), subscription.tzinfo)
        sent = await self.pool.send(
            Message(chat_id, briefing.text, keyboard(briefing.buttons), "briefing"),
            _BriefingLog(self, chat_id, day, briefing),
            self.policy,
            deadline=day_over,
        )
        return Outcome.ALREADY if sent is Sent.NOT_CLAIMED else Outcome(sent.value)

    def _remember(self, chat_id: int, day: date, briefing: Briefing) -> None:
        """The stories the chat was (or may have been) sent, with their size then: a later
        briefing shows one again only when it grew."""
        try:
            self.store.stories.remember_sent(chat_id, day.isoformat(), briefing.sizes)
        except sqlite3.Error:  # the briefing is delivered; at worst a story shows again
            log.exception("could not remember the stories sent to chat %s", chat_id)

    def _briefing(self, chat_id: int, day: date) -> Briefing:
        """Subscribers with the same starting point, follows and stories already seen share
        one briefing for a minute, so a 1,000-chat fan-out builds it once instead of starving
        the send loop.
        The window stored with each delivery is the one actually used, so nothing is lost:
        a story ingested meanwhile opens the next briefing."""
        previous = self.store.deliveries.previous_end(chat_id, day)
        sent = frozenset(sent_to(self.store, chat_id, day).items())
        # Followed people and alerts held back by the cap make a briefing the chat's own.
        own = bool(self.store.alerts.followed_ids(chat_id)) or self.store.alerts.has_folded(chat_id)
        key = (
            day,
            previous,
            frozenset(self.store.subscriptions.followed_ids(chat_id)),
            sent,
            chat_id if own else None,
        )
        cached = self._briefings.get(key)
        if cached is not None and self.clock() - cached.window.end < SHARED_BRIEFING_TTL:
            return cached
        if len(self._briefings) > 512:
            self._briefings.clear()
        briefing = briefing_for(self.store, chat_id, day, self.clock())
        self._briefings[key] = briefing
        return briefing

    def _record_silence(self, chat_id: int, briefing: Briefing) -> Outcome:
        now = self.clock()
        if not self.store.deliveries.claim(
            chat_id, briefing.day, self.run_id, briefing.window, 0, now
        ):
            return Outcome.ALREADY
        self._finish(chat_id, briefing.day, log_status.EMPTY)
        return Outcome.EMPTY

    def _finish(
        self,
        chat_id: int,
        day: date,
        status: str,
        *,
        message_id: int | None = None,
        error: str | None = None,
    ) -> None:
        self.store.deliveries.finish(
            chat_id, day, self.run_id, status, self.clock(), message_id=message_id, error=error
        )


@dataclass(slots=True)
class _BriefingLog:
    """A briefing's (chat, day) row in the delivery log, as the send path claims and ends it."""

    deliverer: Deliverer
    chat_id: int
    day: date
    briefing: Briefing

    def claim(self) -> bool:
        d, briefing = self.deliverer, self.briefing
        return d.store.deliveries.claim(
            self.chat_id, self.day, d.run_id, briefing.window, len(briefing.stories), d.clock()
        )

    def finish(
        self,
        status: Sent,
        *,
        message_id: int | None = None,
        error: str | None = None,
        retry_at: datetime | None = None,  # a failed briefing is retried by the send or the sweep
    ) -> None:
        self.deliverer._finish(self.chat_id, self.day, status, message_id=message_id, error=error)

    def delivered(self) -> None:
        self.deliverer._remember(self.chat_id, self.day, self.briefing)
