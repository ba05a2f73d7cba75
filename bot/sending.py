"""The one path by which the bot's own messages (daily briefings, alerts) reach a chat.

Each send goes: wait for the chat's spacing and a rate-limit slot -> claim the message's row
in its delivery log -> call Telegram -> record the outcome. Claiming *after* the wait, and one
claimed request at a time across briefings and alerts (``RetryPolicy.in_flight``), keeps what
a crash leaves in doubt down to one HTTP request (see ``bot.store.deliveries``).

What Telegram answers decides what happens next:

* 429 — the row is released as ``failed`` (nothing was delivered), this chat waits
  ``retry_after`` and tries again; every other chat keeps going.
* 5xx, or a connection that never reached Telegram — released as ``failed`` and retried with
  exponential backoff. After ``RetryPolicy.attempts`` failures (or ``flood_waits`` 429s) a
  briefing goes on every ``patient_backoff`` until its deadline (the end of its day; the
  catch-up sweep at start-up picks up what a stop left ``failed``); a policy without
  ``keep_trying`` gives up and leaves it to a later check (an alert's row says when).
* 403 — the user blocked the bot or removed it: ``blocked``, the chat's subscription is
  deactivated and the chat marked as one the bot cannot post to (its alerts stop too), until
  they come back with /start or /subscribe.
* A forum topic that no longer exists — the chat's messages go to its main chat from now on,
  this one at once.
* A timeout *after* the request was sent is ambiguous: Telegram may have delivered it. Retrying
  could send it twice, so the row becomes ``unconfirmed`` and is not retried.

A :class:`SendPool` runs one small pool of workers over a queue per kind of message, taking
the kinds in turn: a thousand briefings due at 08:00 become an orderly stream of 30 messages a
second without holding back the alerts that come in meanwhile, and interactive replies still
find a free slot quickly.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

from telegram import InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, ExtBot

from bot.context import services_of
from bot.pacing import PacedRateLimiter, Pacer, request_may_have_arrived, retry_after_seconds
from bot.store import Store
from bot.store.subscriptions import BLOCKED as SUBSCRIPTION_BLOCKED

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 4  # 5xx and connection failures before the waits reach ``max_backoff``
    backoff: float = 0.5  # first wait; doubles each time
    max_backoff: float = 8.0
    flood_waits: int = 6  # 429s waited out before the waits are left to ``keep_trying``
    read_timeout: float = 20.0  # long, because a read timeout leaves the message in doubt
    #: After ``attempts`` (or ``flood_waits``), go on trying every ``patient_backoff`` until
    #: the message's deadline; False: give up, and leave it to the next sweep or check.
    keep_trying: bool = True
    patient_backoff: float = 60.0
    #: Requests in flight at once across all chats: each is in doubt if the process dies.
    in_flight: int = 1

    def backoff_after(self, failures: int) -> float:
        """The exponential backoff after the ``failures``-th transient failure in a row."""
        return min(self.backoff * 2.0 ** (failures - 1), self.max_backoff)

    def wait(self, failures: int) -> float:
        """The pause after the ``failures``-th transient failure in a row."""
        if failures >= self.attempts:
            return max(self.patient_backoff, self.max_backoff)
        return self.backoff_after(failures)


class Sent(StrEnum):
    """What became of one message handed to :meth:`SendPool.send`; the ones a delivery log
    records are its status names too."""

    SENT = "sent"
    NOT_CLAIMED = "not claimed"  # the log row was dealt with by someone else (or capped)
    FAILED = "failed"  # transient errors outlasted the policy; a later sweep or check retries
    BLOCKED = "blocked"
    ERROR = "error"
    UNCONFIRMED = "unconfirmed"
    STOPPED = "stopped"  # the bot is shutting down; the next start catches up


def topic_is_gone(error: BadRequest) -> bool:
    """Telegram's answer to a send into a forum topic that no longer exists."""
    text = str(error).lower()
    return "thread not found" in text or "topic_deleted" in text


def chat_type_of(chat_id: int) -> str:
    """A chat's kind as far as its id tells (for a row the bot never heard from)."""
    return "private" if chat_id > 0 else "supergroup"


@dataclass(frozen=True, slots=True)
class Message:
    """One of the bot's own messages: where it goes, what it says, and what it is (for logs)."""

    chat_id: int
    text: str
    markup: InlineKeyboardMarkup | None
    what: str  # "briefing", "alert"


class DeliveryLog(Protocol):
    """A message's row in its delivery log (``bot.store.deliveries``, ``bot.store.alerts``)."""

    def claim(self) -> bool:
        """Mark the row as being sent by this run; False when it is not to be sent (any more)."""
        ...

    def finish(
        self,
        status: Sent,
        *,
        message_id: int | None = None,
        error: str | None = None,
        retry_at: datetime | None = None,
    ) -> None:
        """Record how the claimed send ended (``retry_at``: when a failed one may go again)."""
        ...

    def delivered(self) -> None:
        """The message reached the chat, or may have (unconfirmed): what follows from that."""
        ...


@dataclass(slots=True)
class _Job(Generic[T]):
    run: Callable[[], Awaitable[T]]
    future: asyncio.Future[T]
    crashed: T  # the outcome when ``run`` raises
    stopped: T  # the outcome when the pool stops before ``run`` ends
    label: str


@dataclass(frozen=True, slots=True)
class _Again:
    """A send to try again: after a 429 (``flood``), a transient failure, or at once."""

    flood: bool = False
    failure: bool = False
    seconds: float = 0.0


class SendPool:
    """The bounded worker pool and the send path every briefing and alert goes through."""

    def __init__(
        self,
        bot: ExtBot[Any],
        store: Store,
        pacer: Pacer,
        *,
        paced_args: bool,
        clock: Callable[[], datetime],
        workers: int = 24,
        in_flight: int = 1,
        on_blocked: Callable[[int], None] | None = None,
    ) -> None:
        self.bot = bot
        self.store = store
        self.pacer = pacer
        self.paced_args = paced_args  # the bot's rate limiter understands our Ticket
        self.clock = clock
        self.max_workers = workers
        self.on_blocked = on_blocked
        #: Claims in the delivery logs carry it; start-up settles those of earlier runs.
        self.run_id = uuid.uuid4().hex
        self._queues: dict[str, collections.deque[Hashable]] = {}
        self._turn = 0
        self._pending: dict[tuple[str, Hashable], _Job[Any]] = {}
        self._workers: set[asyncio.Task[None]] = set()
        self._stopping = False
        self._stop_event = asyncio.Event()
        self._sending = asyncio.Semaphore(in_flight)

    # -- the queue ---------------------------------------------------------------------------

    def submit(
        self,
        kind: str,
        key: Hashable,
        run: Callable[[], Awaitable[T]],
        *,
        crashed: T,
        stopped: T,
        label: str,
    ) -> asyncio.Future[T]:
        """Queue ``run`` (one message's delivery) behind the others of its ``kind``; asking
        again for a (kind, key) still pending returns the same future."""
        pending = self._pending.get((kind, key))
        if pending is not None:
            future: asyncio.Future[T] = pending.future
            return future
        future = asyncio.get_running_loop().create_future()
        if self._stopping:
            future.set_result(stopped)
            return future
        self._pending[(kind, key)] = _Job(run, future, crashed, stopped, label)
        self._queues.setdefault(kind, collections.deque()).append(key)
        queued = sum(len(queue) for queue in self._queues.values())
        while len(self._workers) < min(self.max_workers, queued):
            self._workers.add(asyncio.create_task(self._work(), name="delivery"))
        return future

    def pending(self, kind: str) -> list[asyncio.Future[Any]]:
        """The futures of every ``kind`` delivery submitted and not finished yet."""
        return [job.future for (k, _key), job in self._pending.items() if k == kind]

    def pending_keys(self, kind: str) -> set[Hashable]:
        """The keys of every ``kind`` delivery submitted and not finished yet."""
        return {key for k, key in self._pending if k == kind}

    def _next(self) -> tuple[str, Hashable] | None:
        """The next (kind, key) to deliver, the kinds taken in turn."""
        kinds = list(self._queues)
        for step in range(len(kinds)):
            kind = kinds[(self._turn + step) % len(kinds)]
            if self._queues[kind]:
                self._turn = (self._turn + step + 1) % len(kinds)
                return kind, self._queues[kind].popleft()
        return None

    async def _work(self) -> None:
        try:
            while not self._stopping and (item := self._next()) is not None:
                job = self._pending[item]
                try:
                    outcome = await job.run()
                except Exception:
                    log.exception("delivering the %s failed", job.label)
                    outcome = job.crashed
                self._pending.pop(item, None)
                if not job.future.done():
                    job.future.set_result(outcome)
        finally:
            # Leave the pool in the same step as the last look at the queue: a done-callback
            # runs a step later, and a message submitted in between found the pool "full"
            # of a finished worker and waited in the queue for good.
            self._workers.discard(asyncio.current_task())

    @property
    def stopping(self) -> bool:
        return self._stopping

    def begin_stopping(self) -> None:
        """Claim nothing new from now on and cut every wait short (sends in flight go on)."""
        self._stopping = True
        self._stop_event.set()

    async def pause(self, seconds: float) -> bool:
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
        self._resolve_pending()

    def abort(self) -> None:
        """Stop at once, finishing nothing: what a crash leaves behind (tests recover from it)."""
        self.begin_stopping()
        for task in list(self._workers):
            task.cancel()
        self._resolve_pending()

    def _resolve_pending(self) -> None:
        for job in self._pending.values():
            if not job.future.done():
                job.future.set_result(job.stopped)
        self._pending.clear()
        self._queues.clear()

    # -- one message -------------------------------------------------------------------------

    async def send(
        self,
        message: Message,
        entry: DeliveryLog,
        policy: RetryPolicy,
        deadline: datetime | None = None,
    ) -> Sent:
        """Deliver ``message`` once, logged in ``entry``, retried as ``policy`` says (not past
        ``deadline``)."""
        chat_id = message.chat_id
        failures = floods = 0
        while True:
            if not await self.pause(self.pacer.chat_wait(chat_id)):
                return Sent.STOPPED
            outcome = await self._send_once(message, entry, policy, failures)
            if isinstance(outcome, Sent):
                return outcome
            if outcome.flood:
                floods += 1
                wait = outcome.seconds
                self.pacer.hold_chat(chat_id, wait)
                if floods > policy.flood_waits:
                    wait = max(wait, policy.patient_backoff)
                    if not policy.keep_trying:
                        return Sent.FAILED
            elif outcome.failure:
                failures += 1
                wait = policy.wait(failures)
                if failures >= policy.attempts and not policy.keep_trying:
                    return Sent.FAILED
            else:
                continue
            if deadline is not None and self.clock() + timedelta(seconds=wait) >= deadline:
                log.warning("gave up on the %s for chat %s: too late now", message.what, chat_id)
                return Sent.FAILED
            if not await self.pause(wait):
                return Sent.STOPPED

    async def _send_once(
        self, message: Message, entry: DeliveryLog, policy: RetryPolicy, failures: int
    ) -> Sent | _Again:
        """One claimed request: its outcome, or how to try again.

        Claim, send and record happen one message at a time (``in_flight``), so a crash
        leaves at most that many in doubt (by default one: never two requests at once)."""
        chat_id = message.chat_id
        ticket = await self.pacer.acquire(chat_id)
        async with self._sending:
            if self._stopping:
                ticket.refund()
                return Sent.STOPPED
            if not entry.claim():
                ticket.refund()
                return Sent.NOT_CLAIMED
            if not self.paced_args:
                ticket.dispatched()  # the bot's own limiter does this when it knows tickets
            thread = self.store.chats.thread_of(chat_id)
            try:
                sent = await self.bot.send_message(
                    chat_id,
                    message.text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=message.markup,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                    read_timeout=policy.read_timeout,
                    message_thread_id=thread,
                    rate_limit_args=ticket if self.paced_args else None,
                )
            except RetryAfter as error:
                ticket.refund()
                wait = retry_after_seconds(error)
                entry.finish(
                    Sent.FAILED,
                    error=f"429: retry after {wait:g}s",
                    retry_at=self.clock() + timedelta(seconds=wait),
                )
                return _Again(flood=True, seconds=wait)
            except Forbidden as error:
                ticket.refund()
                entry.finish(Sent.BLOCKED, error=str(error))
                self._blocked(chat_id)
                return Sent.BLOCKED
            except BadRequest as error:
                ticket.refund()
                if thread is not None and topic_is_gone(error):
                    # The forum topic was deleted: the chat's messages go to its main chat.
                    entry.finish(Sent.FAILED, error=str(error))
                    self.store.chats.set_thread(chat_id, None)
                    return _Again()
                entry.finish(Sent.ERROR, error=str(error))
                log.error("Telegram refused the %s for chat %s: %s", message.what, chat_id, error)
                return Sent.ERROR
            except NetworkError as error:
                if request_may_have_arrived(error):
                    entry.finish(Sent.UNCONFIRMED, error=repr(error))
                    entry.delivered()
                    log.warning(
                        "%s for chat %s may or may not have arrived: %r (cause %r)",
                        message.what,
                        chat_id,
                        error,
                        error.__cause__,
                    )
                    return Sent.UNCONFIRMED
                ticket.refund()
                retry_at = self.clock() + timedelta(seconds=policy.backoff_after(failures + 1))
                entry.finish(Sent.FAILED, error=str(error), retry_at=retry_at)
                return _Again(failure=True)
            except TelegramError as error:
                ticket.refund()
                entry.finish(Sent.ERROR, error=str(error))
                return Sent.ERROR
            entry.finish(Sent.SENT, message_id=sent.message_id)
            entry.delivered()
            return Sent.SENT

    def _blocked(self, chat_id: int) -> None:
        """The chat blocked the bot (or removed it): no briefing, no alerts from now on."""
        self.store.subscriptions.deactivate(chat_id, SUBSCRIPTION_BLOCKED, self.clock())
        self.store.chats.set_can_post(chat_id, chat_type_of(chat_id), False)
        log.info("chat %s blocked the bot; its briefing and alerts stop", chat_id)
        if self.on_blocked is not None:
            self.on_blocked(chat_id)


POOL_KEY = "send_pool"


def send_pool(
    application: Application[Any, Any, Any, Any, Any, Any], clock: Callable[[], datetime]
) -> SendPool:
    """The application's one pool (made on first use), paced by the bot's rate limiter."""
    pool: SendPool | None = application.bot_data.get(POOL_KEY)
    if pool is None:
        from bot.scheduling import unschedule  # scheduling builds on this module

        limiter = application.bot.rate_limiter
        paced = isinstance(limiter, PacedRateLimiter)
        pool = SendPool(
            application.bot,
            services_of(application).store,
            limiter.pacer if isinstance(limiter, PacedRateLimiter) else Pacer(),
            paced_args=paced,
            clock=clock,
            on_blocked=lambda chat_id: unschedule(application, chat_id),
        )
        application.bot_data[POOL_KEY] = pool
    return pool
