"""Alerts: a chat that follows a person hears within a minute when a new article quotes them.

Every ``CHECK_INTERVAL`` the bot looks at the articles saved since its last look, whoever
saved them (a feed poll, a page, an upload, or ``newsbot ingest`` in another process writing
the same file), finds the quotes of followed people, and queues one alert per follower,
person and story (``story_key``) in the alert log (``bot.store.alerts``). An
:class:`AlertSender` then sends what is due through the same :class:`~bot.pacing.Pacer` as
briefings and replies, with the same answers to Telegram's errors as
:class:`bot.delivery.Deliverer`: 429 waits for that chat only, 5xx and connections that never
reached Telegram are retried, 403 pauses the chat, a timeout after the request left makes the
alert ``unconfirmed`` (never sent twice).

Before sending, an alert meets the chat's rules: in its quiet hours (default 22:00-07:00 in
its zone) it is held until they end; past ``NEWSBOT_ALERTS_PER_DAY`` alerts on the chat's
day it is folded into the next briefing, which mentions it.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from enum import StrEnum

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application

from bot.context import NewsContext, services_of
from bot.delivery import (
    RetryPolicy,
    chat_type_of,
    request_may_have_arrived,
    topic_is_gone,
    utc_now,
)
from bot.pacing import PacedRateLimiter, Pacer, retry_after_seconds
from bot.render import MAX_MESSAGE_CHARS, clip, esc, visible_length
from bot.store import Store
from bot.store import alerts as log_status
from bot.store.alerts import Alert, Found
from bot.store.rows import FollowedQuote
from bot.store.subscriptions import BLOCKED as SUBSCRIPTION_BLOCKED
from bot.timezones import zone
from bot.views import listable, role_text, tidy_quote

log = logging.getLogger(__name__)

#: How often new articles are looked at (an alert arrives within about this plus its send).
CHECK_INTERVAL = timedelta(seconds=5)
#: Quotes one alert shows at most, the most notable first.
MAX_QUOTES = 3
#: Articles looked at in one check (a burst of ingest is taken in several checks).
SCAN_BATCH = 2000
#: Same callback as briefing and /latest buttons: opens the article's summary.
ARTICLE_BUTTON = "ar:"


def story_key(store: Store, article_id: int) -> str:
    """What "one alert per person per story" counts by: the article's story (an article
    with none, from before stories were kept, is its own)."""
    story = store.stories.story_of(article_id)
    return f"s{story}" if story is not None else f"a{article_id}"


def headline(store: Store, article_id: int) -> str:
    """The headline an alert names: its story's, else its article's."""
    row = store.db.execute(
        "select coalesce(s.title, a.title) from articles a "
        "left join stories s on s.id = a.story_id where a.id = ?",
        [article_id],
    ).fetchone()
    return (row[0] if row else None) or "Untitled"


class AlertOutcome(StrEnum):
    SENT = "sent"
    HELD = "held"  # quiet hours: it goes when they end
    FOLDED = "folded"  # over the day's cap: the next briefing mentions it
    ALREADY = "already"  # dealt with by someone else
    DROPPED = "dropped"  # no longer followed
    BLOCKED = "blocked"
    FAILED = "failed"  # retried at a later check
    ERROR = "error"
    UNCONFIRMED = "unconfirmed"
    STOPPED = "stopped"


def notability(quote: FollowedQuote) -> tuple[float, int]:
    """A direct quote of readable length first (as a briefing picks its quote), then the
    earlier in the article."""
    kind = {"direct": 3.0, "partial": 1.5}.get(quote.get("kind") or "", 0.0)
    length = len(quote.get("text") or "")
    fit = 1.0 if 40 <= length <= 240 else 0.3 if length > 240 else length / 40
    return kind + fit, -(quote.get("start") or 0)


def find_new(store: Store) -> tuple[list[Found], int | None]:
    """Followed people quoted in articles saved since the last look, and the id looked up to
    (None: nothing new). The first look ever starts from now: no alerts for old articles."""
    top = store.db.execute("select max(id) from articles").fetchone()[0] or 0
    seen = store.alerts.seen_up_to()
    if seen is None:
        return [], top
    if top <= seen:
        return [], None
    upto = min(top, seen + SCAN_BATCH)
    grouped: dict[tuple[str, int], list[FollowedQuote]] = collections.defaultdict(list)
    first_article: dict[tuple[str, int], int] = {}
    stories: dict[int, str] = {}
    for quote in store.alerts.followed_quotes(seen, upto):
        if not listable(quote):
            continue
        article_id = quote["article_id"]
        if article_id not in stories:
            stories[article_id] = story_key(store, article_id)
        key = (stories[article_id], quote["person_id"])
        grouped[key].append(quote)
        first_article.setdefault(key, quote["article_id"])
    found = [
        Found(
            person_id=person_id,
            story=story,
            article_id=first_article[(story, person_id)],
            quote_ids=[q["id"] for q in sorted(quotes, key=notability, reverse=True)][:MAX_QUOTES],
        )
        for (story, person_id), quotes in grouped.items()
    ]
    return found, upto


def in_quiet_hours(local: time, quiet: tuple[time, time] | None) -> bool:
    if quiet is None:
        return False
    start, end = quiet
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def quiet_until(now: datetime, quiet: tuple[time, time], tz: tzinfo) -> datetime:
    """When the quiet hours ``now`` is in end (the next ``end`` o'clock in the chat's zone)."""
    local = now.astimezone(tz)
    end = datetime.combine(local.date(), quiet[1], tzinfo=tz)
    if end <= local:
        end = datetime.combine(local.date() + timedelta(days=1), quiet[1], tzinfo=tz)
    return end


def render_alert(store: Store, alert: Alert) -> tuple[str, list[list[tuple[str, str]]]]:
    """The alert as Telegram HTML, with its button: the person, the quotes, the headline."""
    person = store.articles.person(alert.person_id) or {"name": "Someone", "role": None}
    quotes = [q for q in store.articles.quotes(alert.quote_ids) if listable(q)]
    role = role_text(person.get("role") or (quotes[0].get("speaker_role") if quotes else None))
    who = f"<b>{esc(clip(person['name'], 80))}</b>" + (f", {esc(clip(role, 80))}" if role else "")
    title = headline(store, alert.article_id)
    lines = [f"🔔 {who} is quoted in:", f"<b>{esc(clip(title, 200))}</b>", ""]
    for quote in quotes[:MAX_QUOTES]:
        lines.append(f"💬 “{esc(clip(tidy_quote(quote['text']), 600))}”")
    text = "\n".join(lines).rstrip()
    while visible_length(text) > MAX_MESSAGE_CHARS and len(lines) > 3:
        lines.pop()
        text = "\n".join(lines).rstrip()
    button = (clip(f"📰 {title}", 60), f"{ARTICLE_BUTTON}{alert.article_id}")
    return text, [[button]]


def keyboard(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(text or "…", callback_data=data) for text, data in row]
            for row in rows
        ]
    )


@dataclass(frozen=True, slots=True)
class AlertRules:
    """What every chat's alerts obey: the daily cap and the zone of chats without one."""

    per_day: int = 10
    default_tz: str = "UTC"


class AlertSender:
    """Sends due alerts through a small worker pool (see module doc)."""

    def __init__(
        self,
        bot: Bot,
        store: Store,
        pacer: Pacer,
        *,
        paced_args: bool,
        rules: AlertRules | None = None,
        policy: RetryPolicy | None = None,
        workers: int = 24,
        clock: Callable[[], datetime],
        on_blocked: Callable[[int], None] | None = None,
    ) -> None:
        self.bot = bot
        self.store = store
        self.pacer = pacer
        self.paced_args = paced_args
        self.rules = rules or AlertRules()
        self.policy = policy or RetryPolicy()
        self.max_workers = workers
        self.clock = clock
        self.on_blocked = on_blocked
        self.run_id = uuid.uuid4().hex
        self._queue: collections.deque[Alert] = collections.deque()
        self._pending: dict[tuple[int, int, str], asyncio.Future[AlertOutcome]] = {}
        self._workers: set[asyncio.Task[None]] = set()
        self._stopping = False
        self._stop_event = asyncio.Event()

    # -- finding and queueing ----------------------------------------------------------------

    def check(self) -> int:
        """Queue alerts for articles saved since the last look; submit every due alert.
        Returns how many alerts were submitted."""
        found, upto = find_new(self.store)
        if found:
            queued = self.store.alerts.queue(found, self.clock())
            log.info("alerts: %d queued for %d quoted follow(s)", queued, len(found))
        if upto is not None:
            self.store.alerts.mark_seen(upto)
        due = [a for a in self.store.alerts.due(self.clock()) if a.key not in self._pending]
        for alert in due:
            self.submit(alert)
        return len(due)

    def submit(self, alert: Alert) -> asyncio.Future[AlertOutcome]:
        if alert.key in self._pending:
            return self._pending[alert.key]
        future: asyncio.Future[AlertOutcome] = asyncio.get_running_loop().create_future()
        if self._stopping:
            future.set_result(AlertOutcome.STOPPED)
            return future
        self._pending[alert.key] = future
        self._queue.append(alert)
        while len(self._workers) < min(self.max_workers, len(self._queue)):
            self._workers.add(asyncio.create_task(self._work(), name="alert-delivery"))
        return future

    async def drain(self) -> collections.Counter[AlertOutcome]:
        """Wait for every alert submitted so far; their outcomes."""
        return collections.Counter(await asyncio.gather(*list(self._pending.values())))

    async def _work(self) -> None:
        try:
            while self._queue and not self._stopping:
                alert = self._queue.popleft()
                try:
                    outcome = await self.deliver(alert)
                except Exception:
                    log.exception("delivering an alert to chat %s failed", alert.chat_id)
                    outcome = AlertOutcome.FAILED
                future = self._pending.pop(alert.key)
                if not future.done():
                    future.set_result(outcome)
        finally:
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
        self.begin_stopping()
        if self._workers:
            await asyncio.gather(*list(self._workers), return_exceptions=True)
        for future in self._pending.values():
            if not future.done():
                future.set_result(AlertOutcome.STOPPED)
        self._pending.clear()
        self._queue.clear()

    # -- one alert ---------------------------------------------------------------------------

    def _zone(self, chat_id: int) -> tzinfo:
        subscription = self.store.subscriptions.get(chat_id)
        return zone(subscription.tz if subscription else self.rules.default_tz)

    async def deliver(self, alert: Alert) -> AlertOutcome:
        store, key = self.store, alert.key
        if not store.chats.can_post(alert.chat_id):
            store.alerts.set_status(key, log_status.BLOCKED)
            return AlertOutcome.BLOCKED
        if alert.person_id not in store.alerts.followed_ids(alert.chat_id):
            store.alerts.set_status(key, log_status.DROPPED)
            return AlertOutcome.DROPPED
        tz = self._zone(alert.chat_id)
        now = self.clock()
        quiet = store.alerts.quiet_hours(alert.chat_id)
        if quiet is not None and in_quiet_hours(now.astimezone(tz).time(), quiet):
            store.alerts.hold(key, quiet_until(now, quiet, tz))
            return AlertOutcome.HELD
        day = now.astimezone(tz).date()
        if store.alerts.sent_on(alert.chat_id, day) >= self.rules.per_day:
            store.alerts.set_status(key, log_status.FOLDED)
            return AlertOutcome.FOLDED
        text, buttons = render_alert(store, alert)
        attempts = flood_waits = 0
        while True:
            ticket = await self.pacer.acquire(alert.chat_id)
            if self._stopping:
                ticket.refund()
                return AlertOutcome.STOPPED
            if not store.alerts.claim(key, self.run_id, day, self.rules.per_day, self.clock()):
                ticket.refund()
                return self._not_claimed(key)
            if not self.paced_args:
                ticket.dispatched()
            thread = store.chats.thread_of(alert.chat_id)
            try:
                message = await self.bot.send_message(
                    alert.chat_id,
                    text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=keyboard(buttons),
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                    read_timeout=self.policy.read_timeout,
                    message_thread_id=thread,
                    **({"rate_limit_args": ticket} if self.paced_args else {}),
                )
            except RetryAfter as error:
                ticket.refund()
                wait = retry_after_seconds(error)
                retry_at = self.clock() + timedelta(seconds=wait)
                self._finish(
                    key, log_status.FAILED, error=f"429: retry after {wait:g}s", retry_at=retry_at
                )
                flood_waits += 1
                if flood_waits > self.policy.flood_waits:
                    return AlertOutcome.FAILED
                self.pacer.hold_chat(alert.chat_id, wait)
            except Forbidden as error:
                ticket.refund()
                self._finish(key, log_status.BLOCKED, error=str(error))
                self._blocked(alert.chat_id)
                return AlertOutcome.BLOCKED
            except BadRequest as error:
                ticket.refund()
                if thread is not None and topic_is_gone(error):
                    self._finish(key, log_status.FAILED, error=str(error))
                    store.chats.set_thread(alert.chat_id, None)
                    continue
                self._finish(key, log_status.ERROR, error=str(error))
                log.error("Telegram refused an alert for chat %s: %s", alert.chat_id, error)
                return AlertOutcome.ERROR
            except NetworkError as error:
                if request_may_have_arrived(error):
                    self._finish(key, log_status.UNCONFIRMED, error=repr(error))
                    log.warning(
                        "alert for chat %s may or may not have arrived: %r", alert.chat_id, error
                    )
                    return AlertOutcome.UNCONFIRMED
                ticket.refund()
                attempts += 1
                backoff = min(self.policy.backoff * 2 ** (attempts - 1), self.policy.max_backoff)
                retry_at = self.clock() + timedelta(seconds=backoff)
                self._finish(key, log_status.FAILED, error=str(error), retry_at=retry_at)
                if attempts >= self.policy.attempts or not await self._pause(backoff):
                    return AlertOutcome.FAILED
            except TelegramError as error:
                ticket.refund()
                self._finish(key, log_status.ERROR, error=str(error))
                return AlertOutcome.ERROR
            else:
                self._finish(key, log_status.SENT, message_id=message.message_id)
                return AlertOutcome.SENT

    def _not_claimed(self, key: tuple[int, int, str]) -> AlertOutcome:
        """The claim failed: someone else has it, or the day's cap was reached meanwhile."""
        if self.store.alerts.status(key) in log_status.SENDABLE:
            self.store.alerts.set_status(key, log_status.FOLDED)
            return AlertOutcome.FOLDED
        return AlertOutcome.ALREADY

    def _blocked(self, chat_id: int) -> None:
        self.store.chats.set_can_post(chat_id, chat_type_of(chat_id), False)
        self.store.subscriptions.deactivate(chat_id, SUBSCRIPTION_BLOCKED, self.clock())
        log.info("chat %s blocked the bot; its alerts and briefing stop", chat_id)
        if self.on_blocked is not None:
            self.on_blocked(chat_id)

    def _finish(
        self,
        key: tuple[int, int, str],
        status: str,
        *,
        message_id: int | None = None,
        error: str | None = None,
        retry_at: datetime | None = None,
    ) -> None:
        self.store.alerts.finish(
            key,
            self.run_id,
            status,
            self.clock(),
            message_id=message_id,
            error=error,
            retry_at=retry_at,
        )


# -- running in the bot --------------------------------------------------------------------------

SENDER_KEY = "alert_sender"
CHECK_JOB = "alerts:check"


def alert_sender(application: Application) -> AlertSender | None:
    return application.bot_data.get(SENDER_KEY)


async def check_now(application: Application) -> int:
    """Look for new quotes of followed people and send what is due (what the job does)."""
    sender = alert_sender(application)
    return sender.check() if sender is not None else 0


async def _check_job(context: NewsContext) -> None:
    await check_now(context.application)


async def start_alerts(application: Application) -> None:
    """Start-up: settle claims a crash left in doubt, then check every ``CHECK_INTERVAL``."""
    from bot.scheduling import unschedule

    services = services_of(application)
    limiter = application.bot.rate_limiter
    paced = isinstance(limiter, PacedRateLimiter)
    settings = services.settings
    sender = AlertSender(
        application.bot,
        services.store,
        limiter.pacer if isinstance(limiter, PacedRateLimiter) else Pacer(),
        paced_args=paced,
        rules=AlertRules(settings.alerts_per_day, getattr(settings.timezone, "key", "UTC")),
        clock=utc_now,
        on_blocked=lambda chat_id: unschedule(application, chat_id),
    )
    application.bot_data[SENDER_KEY] = sender
    if services.store.alerts.seen_up_to() is None:
        # The first start: alerts are about articles saved from now on.
        top = services.store.db.execute("select max(id) from articles").fetchone()[0] or 0
        services.store.alerts.mark_seen(top)
    in_doubt = services.store.alerts.recover(sender.run_id, utc_now())
    if in_doubt:
        log.warning("%d alert(s) were being sent when the bot stopped; not re-sent", in_doubt)
    if application.job_queue is not None:
        application.job_queue.run_repeating(
            _check_job, interval=CHECK_INTERVAL, first=CHECK_INTERVAL, name=CHECK_JOB
        )


async def stop_alerts(application: Application) -> None:
    sender = alert_sender(application)
    if sender is not None:
        await sender.stop()
