"""Alerts: a chat that follows a person hears within a minute when a new article quotes them.

Every ``CHECK_INTERVAL`` the bot looks at the articles saved since its last look, whoever
saved them (a feed poll, a page, an upload, or ``newsbot ingest`` in another process writing
the same file), finds the quotes of followed people, and queues one alert per follower,
person and story (``story_key``) in the alert log (``bot.store.alerts``). An
:class:`AlertSender` then sends what is due through the worker pool and send path it shares
with briefings (:class:`bot.sending.SendPool`): the same pacing, claims and answers to
Telegram's errors. 429 waits for that chat only, 5xx and connections that never reached
Telegram are retried a few times and then left to a later check, 403 pauses the chat, a
timeout after the request left makes the alert ``unconfirmed`` (never sent twice).

Before sending, an alert meets the chat's rules: in its quiet hours (default 22:00-07:00 in
its zone) it is held until they end; past ``NEWSBOT_ALERTS_PER_DAY`` alerts on the chat's
day it is folded into the next briefing, which mentions it.
"""

from __future__ import annotations

import asyncio
import collections
import logging
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import Application

from bot.context import NewsContext, services_of
from bot.delivery import utc_now
from bot.render import MAX_MESSAGE_CHARS, clip, esc, visible_length
from bot.sending import Message, RetryPolicy, SendPool, Sent, send_pool
from bot.store import Store
from bot.store import alerts as log_status
from bot.store.alerts import Alert, Found
from bot.store.rows import FollowedQuote
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
    """Sends due alerts through the shared :class:`~bot.sending.SendPool` (see module doc)."""

    KIND = "alert"

    def __init__(
        self,
        pool: SendPool,
        *,
        rules: AlertRules | None = None,
        policy: RetryPolicy | None = None,
        clock: Callable[[], datetime],
    ) -> None:
        self.pool = pool
        self.store = pool.store
        self.rules = rules or AlertRules()
        #: A failed alert is left to a later check (its row says when), not retried all day.
        self.policy = policy or RetryPolicy(keep_trying=False)
        self.clock = clock

    @property
    def run_id(self) -> str:
        return self.pool.run_id

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
        pending = self._pending_keys()
        due = [a for a in self.store.alerts.due(self.clock()) if a.key not in pending]
        for alert in due:
            self.submit(alert)
        return len(due)

    def _pending_keys(self) -> set[Hashable]:
        return self.pool.pending_keys(self.KIND)

    def submit(self, alert: Alert) -> asyncio.Future[AlertOutcome]:
        return self.pool.submit(
            self.KIND,
            alert.key,
            lambda: self.deliver(alert),
            crashed=AlertOutcome.FAILED,
            stopped=AlertOutcome.STOPPED,
            label=f"alert to chat {alert.chat_id}",
        )

    @property
    def busy(self) -> int:
        """Alerts submitted and not finished yet."""
        return len(self.pool.pending(self.KIND))

    async def drain(self) -> collections.Counter[AlertOutcome]:
        """Wait for every alert submitted so far; their outcomes."""
        return collections.Counter(await asyncio.gather(*self.pool.pending(self.KIND)))

    def begin_stopping(self) -> None:
        """Claim nothing new from now on and cut every wait short (sends in flight go on)."""
        self.pool.begin_stopping()

    async def stop(self) -> None:
        """Shut down gracefully (the pool, briefings too): finish sends in flight."""
        await self.pool.stop()

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
        sent = await self.pool.send(
            Message(alert.chat_id, text, keyboard(buttons), "alert"),
            _AlertLog(self, key, day),
            self.policy,
        )
        if sent is Sent.NOT_CLAIMED:
            return self._not_claimed(key)
        return AlertOutcome(sent.value)

    def _not_claimed(self, key: tuple[int, int, str]) -> AlertOutcome:
        """The claim failed: someone else has it, or the day's cap was reached meanwhile."""
        if self.store.alerts.status(key) in log_status.SENDABLE:
            self.store.alerts.set_status(key, log_status.FOLDED)
            return AlertOutcome.FOLDED
        return AlertOutcome.ALREADY


@dataclass(slots=True)
class _AlertLog:
    """An alert's row in the alert log, as the send path claims and ends it."""

    sender: AlertSender
    key: tuple[int, int, str]
    day: date  # the chat's day, which the daily cap counts in

    def claim(self) -> bool:
        s = self.sender
        return s.store.alerts.claim(self.key, s.run_id, self.day, s.rules.per_day, s.clock())

    def finish(
        self,
        status: Sent,
        *,
        message_id: int | None = None,
        error: str | None = None,
        retry_at: datetime | None = None,
    ) -> None:
        s = self.sender
        s.store.alerts.finish(
            self.key,
            s.run_id,
            status,
            s.clock(),
            message_id=message_id,
            error=error,
            retry_at=retry_at,
        )

    def delivered(self) -> None:
        """Nothing follows: the alert log's row is all there is."""


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
    services = services_of(application)
    settings = services.settings
    sender = AlertSender(
        send_pool(application, utc_now),
        rules=AlertRules(settings.alerts_per_day, getattr(settings.timezone, "key", "UTC")),
        clock=utc_now,
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
