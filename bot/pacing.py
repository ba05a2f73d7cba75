"""Staying inside Telegram's flood limits: 30 messages per second overall, 1 per second per chat.

One :class:`Pacer` is shared by everything the bot sends. It hands out *reserved send times*
so that no sliding one-second window holds more than 30 sends (a leaky bucket, as in PTB's
``AIORateLimiter``, lets a burst of 60 through in its first second), with a small gap between
sends so a burst does not open dozens of connections at once. A call that Telegram refused did
not count against its limit, so its slot is refunded.

What Telegram counts is when a request *arrives*, not when we planned it: a worker woken late
by a busy event loop, or slowed by its delivery-log commit, leaves later than its slot, and the
send 30 slots on can then land less than a second after it. So a ticket is re-stamped with the
moment its request actually leaves (:meth:`Ticket.dispatched`, called by the rate limiter right
before the HTTP call), and every later reservation counts from that.

:class:`PacedRateLimiter` plugs the pacer into python-telegram-bot for ordinary replies. Unlike
``AIORateLimiter`` it waits out a 429 for *that request only*: one subscriber's flood answer
never pauses everyone else. Daily-briefing sends reserve their slot themselves (so the delivery
log is claimed only when the request is about to leave) and pass the :class:`Ticket` as
``rate_limit_args``, which tells the limiter the call is already paced.
"""

from __future__ import annotations

import asyncio
import bisect
import collections
import contextlib
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

import httpx
from telegram.constants import FloodLimit
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter

from bot.slots import slot_given_back

log = logging.getLogger(__name__)

#: Telegram's documented broadcast limit is about 30 messages per second per bot.
OVERALL_PER_SECOND = FloodLimit.MESSAGES_PER_SECOND
#: Sends to one private chat are spaced by this much; groups allow 20 a minute.
PRIVATE_CHAT_INTERVAL = 1.0 / FloodLimit.MESSAGES_PER_SECOND_PER_CHAT
GROUP_CHAT_INTERVAL = 60.0 / FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP
#: Our window is a little longer than Telegram's second, for the jitter left between a
#: request leaving (see :meth:`Ticket.dispatched`) and Telegram counting it.
WINDOW_MARGIN = 0.02


@dataclass(eq=False, slots=True)
class Ticket:
    """A reserved send time; ``refund`` gives the slot back when the call had no effect."""

    at: float
    pacer: Pacer = field(repr=False)
    chat_id: int | str | None = None
    #: The chat's spacing before this ticket, put back on refund.
    chat_ready_before: float | None = field(default=None, repr=False)
    chat_ready_after: float | None = field(default=None, repr=False)

    def dispatched(self) -> None:
        """The request is leaving now: count the slot from now if that is later than planned."""
        self.pacer._restamp(self)

    def refund(self) -> None:
        """Give the slot back, and the chat's spacing: a refused call delivered nothing."""
        self.pacer._refund(self)


class Pacer:
    def __init__(
        self,
        per_second: int = OVERALL_PER_SECOND,
        *,
        margin: float = WINDOW_MARGIN,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_second = per_second
        self.window = 1.0 + margin
        # Bursts are spread a little, so a full window never opens dozens of connections
        # at once (a refunded slot can still be reused almost at once).
        self.min_gap = 0.25 / per_second
        self._clock = clock
        self._slots: collections.deque[float] = collections.deque()
        self._chat_ready: dict[int | str, float] = {}

    def _reserve(self, now: float) -> float:
        """Earliest time >= now (and after every reservation) that keeps the window limit."""
        while self._slots and self._slots[0] <= now - self.window:
            self._slots.popleft()
        at = now
        if self._slots:
            at = max(at, self._slots[-1] + self.min_gap)
        if len(self._slots) >= self.per_second:
            at = max(at, self._slots[-self.per_second] + self.window)
        self._slots.append(at)
        return at

    def _restamp(self, ticket: Ticket) -> None:
        now = self._clock()
        if now <= ticket.at:
            return
        with contextlib.suppress(ValueError):
            self._slots.remove(ticket.at)
            bisect.insort(self._slots, now)  # keeps the deque in time order
        chat_id = ticket.chat_id
        if chat_id is not None and self._chat_ready.get(chat_id) == ticket.chat_ready_after:
            ticket.chat_ready_after = self._chat_ready[chat_id] = now + chat_interval(chat_id)
        ticket.at = now

    def _refund(self, ticket: Ticket) -> None:
        # Already outside the window: nothing to give back.
        with contextlib.suppress(ValueError):
            self._slots.remove(ticket.at)
        chat_id = ticket.chat_id
        if chat_id is not None and self._chat_ready.get(chat_id) == ticket.chat_ready_after:
            # Nothing reached the chat, so a retry need not wait out the chat's spacing
            # (unless something else, such as a 429's hold, has moved it since).
            if ticket.chat_ready_before is None:
                del self._chat_ready[chat_id]
            else:
                self._chat_ready[chat_id] = ticket.chat_ready_before

    async def acquire(self, chat_id: int | str | None = None, *, per_chat: bool = True) -> Ticket:
        """Wait for a send slot (and, with ``per_chat``, for this chat's spacing)."""
        if per_chat and chat_id is not None:
            while (wait := self._chat_ready.get(chat_id, 0.0) - self._clock()) > 0:
                await asyncio.sleep(wait)
        at = self._reserve(self._clock())
        ticket = Ticket(at, self)
        if per_chat and chat_id is not None:
            ticket.chat_id = chat_id
            ticket.chat_ready_before = self._chat_ready.get(chat_id)
            ticket.chat_ready_after = self._chat_ready[chat_id] = at + chat_interval(chat_id)
            if len(self._chat_ready) > 4096:
                self._forget_old_chats()
        if (wait := at - self._clock()) > 0:
            await asyncio.sleep(wait)
        return ticket

    def chat_wait(self, chat_id: int | str) -> float:
        """Seconds until this chat's spacing (or a 429's hold) lets it send again."""
        return max(self._chat_ready.get(chat_id, 0.0) - self._clock(), 0.0)

    def hold_chat(self, chat_id: int | str, seconds: float) -> None:
        """Keep this chat's next slot at least ``seconds`` away (after a 429 for it)."""
        self._chat_ready[chat_id] = max(self._chat_ready.get(chat_id, 0.0), self._clock() + seconds)

    def _forget_old_chats(self) -> None:
        now = self._clock()
        for chat_id in [c for c, ready in self._chat_ready.items() if ready <= now]:
            del self._chat_ready[chat_id]


def chat_interval(chat_id: int | str) -> float:
    """Groups and channels (negative ids, @usernames) get Telegram's 20-per-minute spacing."""
    is_private = isinstance(chat_id, int) and chat_id > 0
    return PRIVATE_CHAT_INTERVAL if is_private else GROUP_CHAT_INTERVAL


def retry_after_seconds(error: RetryAfter) -> float:
    """``RetryAfter`` as float seconds across PTB's int/timedelta transition."""
    value = getattr(error, "_retry_after", None)
    if value is not None and hasattr(value, "total_seconds"):
        return float(value.total_seconds())
    return float(getattr(error, "retry_after", 1) or 1)


@dataclass(frozen=True, slots=True)
class ReplyRetry:
    """How an ordinary request (a reply, an edit, a button's answer, a start-up call) retries."""

    attempts: int = 4  # tries in all for 5xx, timeouts and connection failures
    backoff: float = 0.5  # first wait; doubles each time
    max_backoff: float = 8.0
    flood_waits: int = 3  # 429s waited out before the error reaches the handler
    #: Telegram unreachable (no connection at all): keep trying this long, whatever
    #: ``attempts`` says, so a reply outlives a short outage.
    patience: float = 60.0
    #: Start-up calls keep trying (waits capped at this) until they succeed or the bot stops.
    startup_max_backoff: float = 30.0

    def wait(self, failures: int, *, startup: bool = False) -> float:
        cap = self.startup_max_backoff if startup else self.max_backoff
        doubled: float = self.backoff * 2 ** (failures - 1)
        return min(doubled, cap)


#: Without these the bot cannot start; they are retried until they work (or the bot stops).
STARTUP_METHODS = frozenset({"getMe", "deleteWebhook", "setWebhook", "setMyCommands"})


class PacedRateLimiter(BaseRateLimiter[Ticket]):
    """python-telegram-bot's rate limiter interface over a shared :class:`Pacer`, and the one
    place every request but ``getUpdates`` passes: transient failures are retried here.

    A 5xx answer or a connection that was never made delivered nothing, so any call is tried
    again after a backoff. A timeout or a dropped connection after the request left may have
    reached Telegram: calls that change nothing when repeated (answers, edits, start-up calls)
    are tried again; a message send is not, so nobody gets the same reply twice. While a request
    waits (``retry_after`` or a backoff) its update gives its slot to other chats
    (:mod:`bot.slots`); once :attr:`stopping` is set, no wait lasts and the last error is raised.
    Daily briefings carry their :class:`Ticket` and retry in :mod:`bot.delivery` instead.
    """

    def __init__(
        self,
        pacer: Pacer | None = None,
        max_retries: int = 3,
        *,
        retry: ReplyRetry | None = None,
    ) -> None:
        self.pacer = pacer or Pacer()
        self.retry = retry or ReplyRetry(flood_waits=max_retries)
        self.stopping = asyncio.Event()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def _pause(self, seconds: float) -> bool:
        """Wait ``seconds`` without holding an update slot; False if the bot began stopping."""
        if self.stopping.is_set():
            return False
        async with slot_given_back():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), seconds)
        return not self.stopping.is_set()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Ticket | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if isinstance(rate_limit_args, Ticket):
            rate_limit_args.dispatched()
            return await callback(*args, **kwargs)
        chat_id = data.get("chat_id")
        key: int | str | None = chat_id
        with contextlib.suppress(TypeError, ValueError):
            key = int(chat_id) if chat_id is not None else None
        startup = endpoint in STARTUP_METHODS
        floods = failures = 0
        began = asyncio.get_running_loop().time()
        while True:
            ticket: Ticket | None = None
            if key is not None:
                # Replies are interactive: only groups are spaced per chat (as AIORateLimiter).
                ticket = await self.pacer.acquire(
                    key, per_chat=not (isinstance(key, int) and key > 0)
                )
                ticket.dispatched()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if ticket is not None:
                    ticket.refund()
                floods += 1
                wait = retry_after_seconds(error) + 0.1
                if floods > self.retry.flood_waits and not startup:
                    raise
                log.info("%s hit a flood limit; retrying in %.1f s", endpoint, wait)
                if not await self._pause(wait):
                    raise
            except NetworkError as error:
                if isinstance(error, BadRequest):
                    raise
                arrived = request_may_have_arrived(error)
                if arrived and not repeatable(endpoint):
                    log.warning("%s may or may not have reached Telegram: %r", endpoint, error)
                    raise
                if ticket is not None and not arrived:
                    ticket.refund()
                failures += 1
                waited = asyncio.get_running_loop().time() - began
                patient = unreachable(error) and waited < self.retry.patience
                if failures >= self.retry.attempts and not (startup or patient):
                    log.warning("%s failed %d times, giving up: %s", endpoint, failures, error)
                    raise
                wait = self.retry.wait(failures, startup=startup)
                log.warning("%s failed (%s); retrying in %.1f s", endpoint, error, wait)
                if not await self._pause(wait):
                    raise


def repeatable(endpoint: str) -> bool:
    """True for calls that change nothing more when made twice (all but sends and copies)."""
    return not endpoint.startswith(("send", "forward", "copy"))


def unreachable(error: NetworkError) -> bool:
    """True when no connection to Telegram could be made (refused, unroutable, no DNS)."""
    return isinstance(error.__cause__, httpx.ConnectError | httpx.ConnectTimeout)


def request_may_have_arrived(error: NetworkError) -> bool:
    """False when Telegram answered with an error or the connection was never made."""
    cause = error.__cause__
    if cause is None or isinstance(cause, TelegramError):
        return False  # an HTTP error status (maybe with an unreadable body): not delivered
    return not isinstance(cause, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
