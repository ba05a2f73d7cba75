"""Sending daily briefings: once per (chat, day), inside Telegram's limits, through its errors.

Each send goes: wait for a rate-limit slot -> claim the (chat, day) row in the delivery log ->
call Telegram -> record the outcome. Claiming *after* the wait, and one claimed request at a
time, keeps what a crash leaves in doubt down to one HTTP request (see ``bot.store.deliveries``).

What Telegram answers decides what happens next:

* 429 — the row is released as ``failed`` (nothing was delivered), this chat waits
  ``retry_after`` and tries again; every other chat keeps going.
* 5xx, or a connection that never reached Telegram — released as ``failed`` and retried with
  exponential backoff, then every ``patient_backoff``, until the subscriber's day is over
  (the catch-up sweep at start-up picks up what a stop left ``failed``).
* 403 — the user blocked the bot or is gone: ``blocked``, the subscription is deactivated until
  they come back with /start or /subscribe.
* A timeout *after* the request was sent is ambiguous: Telegram may have delivered it. Retrying
  could send two briefings, so the row becomes ``unconfirmed`` and is not retried.

A :class:`Deliverer` runs a small pool of workers over a queue, so a thousand jobs firing at
08:00 become an orderly stream of 30 messages a second instead of a thousand waiting tasks,
and interactive replies still find a free slot quickly.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import sqlite3
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.briefings import Briefing, briefing_for, sent_to
from bot.keyboards import keyboard
from bot.pacing import Pacer, request_may_have_arrived, retry_after_seconds
from bot.store import Store
from bot.store import deliveries as log_status
from bot.store.subscriptions import BLOCKED

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


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 4  # 5xx and connection failures before the waits reach ``max_backoff``
    backoff: float = 0.5  # first wait; doubles each time
    max_backoff: float = 8.0
    flood_waits: int = 6  # 429s waited out before the waits are left to ``keep_trying``
    read_timeout: float = 20.0  # long, because a read timeout leaves the briefing in doubt
    #: After ``attempts`` (or ``flood_waits``), go on trying every ``patient_backoff`` until
    #: the briefing's day is over in the subscriber's zone; False: leave it to the next sweep.
    keep_trying: bool = True
    patient_backoff: float = 60.0
    #: Requests in flight at once across all chats: each is in doubt if the process dies.
    in_flight: int = 1

    def wait(self, failures: int) -> float:
        """The pause after the ``failures``-th transient failure in a row."""
        if failures >= self.attempts:
            return max(self.patient_backoff, self.max_backoff)
        return min(self.backoff * 2 ** (failures - 1), self.max_backoff)


def utc_now() -> datetime:
    return datetime.now(UTC)


def topic_is_gone(error: BadRequest) -> bool:
    """Telegram's answer to a send into a forum topic that no longer exists."""
    text = str(error).lower()
    return "thread not found" in text or "topic_deleted" in text


def chat_type_of(chat_id: int) -> str:
    """A chat's kind as far as its id tells (for a row the bot never heard from)."""
    return "private" if chat_id > 0 else "supergroup"


class Deliverer:
    """Delivers (chat, day) briefings through a bounded worker pool (see module doc)."""

    def __init__(
        self,
        bot: Bot,
        store: Store,
        pacer: Pacer,
        *,
        paced_args: bool,
        policy: RetryPolicy | None = None,
        workers: int = 24,
        clock: Callable[[], datetime] = utc_now,
        on_blocked: Callable[[int], None] | None = None,
    ) -> None:
        self.bot = bot
        self.store = store
        self.pacer = pacer
        self.paced_args = paced_args  # the bot's rate limiter understands our Ticket
        self.policy = policy or RetryPolicy()
        self.max_workers = workers
        self.clock = clock
        self.on_blocked = on_blocked
        self.run_id = uuid.uuid4().hex
        self._queue: collections.deque[tuple[int, date]] = collections.deque()
        self._pending: dict[tuple[int, date], asyncio.Future[Outcome]] = {}
        self._workers: set[asyncio.Task[None]] = set()
        self._stopping = False
        self._stop_event = asyncio.Event()
        self._sending = asyncio.Semaphore(self.policy.in_flight)
        self._briefings: dict[tuple[Any, ...], Briefing] = {}

    # -- the queue ---------------------------------------------------------------------------

    def submit(self, chat_id: int, day: date) -> asyncio.Future[Outcome]:
        """Queue one briefing; asking twice for the same (chat, day) returns the same future."""
        key = (chat_id, day)
        if key in self._pending:
            return self._pending[key]
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        if self._stopping:
            future.set_result(Outcome.STOPPED)
            return future
        self._pending[key] = future
        self._queue.append(key)
        while len(self._workers) < min(self.max_workers, len(self._queue)):
            self._workers.add(asyncio.create_task(self._work(), name="briefing-delivery"))
        return future

    async def fan_out(self, items: Iterable[tuple[int, date]]) -> collections.Counter[Outcome]:
        """Deliver many briefings and count the outcomes."""
        futures = [self.submit(chat_id, day) for chat_id, day in items]
        return collections.Counter(await asyncio.gather(*futures))

    @property
    def busy(self) -> int:
        return len(self._pending)

    async def _work(self) -> None:
        try:
            while self._queue and not self._stopping:
                key = self._queue.popleft()
                try:
                    outcome = await self.deliver(*key)
                except Exception:
                    log.exception("delivering the briefing to chat %s failed", key[0])
                    outcome = Outcome.FAILED
                future = self._pending.pop(key)
                if not future.done():
                    future.set_result(outcome)
        finally:
            # Leave the pool in the same step as the last look at the queue: a done-callback
            # runs a step later, and a briefing submitted in between found the pool "full"
            # of a finished worker and waited in the queue for good.
            self._workers.discard(asyncio.current_task())  # type: ignore[arg-type]

    def begin_stopping(self) -> None:
        """Claim nothing new from now on and cut every wait short (sends in flight go on)."""
        self._stopping = True
        self._stop_event.set()

    async def _pause(self, seconds: float) -> bool:
        """Wait ``seconds`` unless stopping begins; False when it has."""
        if not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop_event.wait(), seconds)
        return not self._stopping

    async def stop(self) -> None:
        """Shut down gracefully: finish sends in flight, claim nothing new."""
        self.begin_stopping()
        if self._workers:
            await asyncio.gather(*list(self._workers), return_exceptions=True)
        self._resolve_pending(Outcome.STOPPED)

    def abort(self) -> None:
        """Stop at once, finishing nothing: what a crash leaves behind (tests recover from it)."""
        self.begin_stopping()
        for task in list(self._workers):
            task.cancel()
        self._resolve_pending(Outcome.STOPPED)

    def _resolve_pending(self, outcome: Outcome) -> None:
        for future in self._pending.values():
            if not future.done():
                future.set_result(outcome)
        self._pending.clear()
        self._queue.clear()

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
        failures = floods = 0
        while True:
            if not await self._pause(self.pacer.chat_wait(chat_id)):
                return Outcome.STOPPED
            outcome, error = await self._send_once(chat_id, day, briefing)
            if outcome is not None:
                return outcome
            if isinstance(error, RetryAfter):
                floods += 1
                wait = retry_after_seconds(error)
                self.pacer.hold_chat(chat_id, wait)
                if floods > self.policy.flood_waits:
                    wait = max(wait, self.policy.patient_backoff)
                    if not self.policy.keep_trying:
                        return Outcome.FAILED
            else:
                failures += 1
                wait = self.policy.wait(failures)
                if failures >= self.policy.attempts and not self.policy.keep_trying:
                    return Outcome.FAILED
            if self.clock() + timedelta(seconds=wait) >= day_over:
                log.warning("gave up on chat %s's briefing for %s: the day is over", chat_id, day)
                return Outcome.FAILED
            if not await self._pause(wait):
                return Outcome.STOPPED

    async def _send_once(
        self, chat_id: int, day: date, briefing: Briefing
    ) -> tuple[Outcome | None, TelegramError | None]:
        """One claimed request: its outcome, or (None, the error) when it may be tried again.

        Claim, send and record happen one briefing at a time (``RetryPolicy.in_flight``), so
        a crash leaves at most that many briefings in doubt (by default one: never two
        requests for one chat at once).
        """
        ticket = await self.pacer.acquire(chat_id)
        async with self._sending:
            if self._stopping:
                ticket.refund()
                return Outcome.STOPPED, None
            claimed = self.store.deliveries.claim(
                chat_id, day, self.run_id, briefing.window, len(briefing.stories), self.clock()
            )
            if not claimed:
                ticket.refund()
                return Outcome.ALREADY, None
            if not self.paced_args:
                ticket.dispatched()  # the bot's own limiter does this when it knows tickets
            thread = self.store.chats.thread_of(chat_id)
            try:
                message = await self.bot.send_message(
                    chat_id,
                    briefing.text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=keyboard(briefing.buttons),
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                    read_timeout=self.policy.read_timeout,
                    message_thread_id=thread,
                    **({"rate_limit_args": ticket} if self.paced_args else {}),
                )
            except RetryAfter as error:
                ticket.refund()
                wait = retry_after_seconds(error)
                self._finish(chat_id, day, log_status.FAILED, error=f"429: retry after {wait:g}s")
                return None, error
            except Forbidden as error:
                ticket.refund()
                self._finish(chat_id, day, log_status.BLOCKED, error=str(error))
                self.store.subscriptions.deactivate(chat_id, BLOCKED, self.clock())
                self.store.chats.set_can_post(chat_id, chat_type_of(chat_id), False)
                log.info("chat %s blocked the bot; subscription deactivated", chat_id)
                if self.on_blocked is not None:
                    self.on_blocked(chat_id)
                return Outcome.BLOCKED, None
            except BadRequest as error:
                ticket.refund()
                if thread is not None and topic_is_gone(error):
                    # The forum topic was deleted: the briefing goes to the main chat now
                    # (the next try, without the topic).
                    self._finish(chat_id, day, log_status.FAILED, error=str(error))
                    self.store.chats.set_thread(chat_id, None)
                    return None, error
                self._finish(chat_id, day, log_status.ERROR, error=str(error))
                log.error("Telegram refused the briefing for chat %s: %s", chat_id, error)
                return Outcome.ERROR, None
            except NetworkError as error:
                if request_may_have_arrived(error):
                    self._finish(chat_id, day, log_status.UNCONFIRMED, error=repr(error))
                    self._remember(chat_id, day, briefing)
                    log.warning(
                        "briefing for chat %s may or may not have arrived: %r (cause %r)",
                        chat_id,
                        error,
                        error.__cause__,
                    )
                    return Outcome.UNCONFIRMED, None
                ticket.refund()
                self._finish(chat_id, day, log_status.FAILED, error=str(error))
                return None, error
            except TelegramError as error:
                ticket.refund()
                self._finish(chat_id, day, log_status.ERROR, error=str(error))
                return Outcome.ERROR, None
            self._finish(chat_id, day, log_status.SENT, message_id=message.message_id)
            self._remember(chat_id, day, briefing)
            return Outcome.SENT, None

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
