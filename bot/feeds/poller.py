"""Polling RSS/Atom feeds: conditional requests, new entries -> pages -> articles.

Each feed is handled on its own: a failing feed is logged in one line, counted, and retried
with exponential back-off, while the others carry on. Every new entry is remembered the
first time the feed lists it (``feed_entries``): up to ``MAX_ENTRIES_PER_POLL`` are taken in
a poll, each fetched and stored in its own transaction, and the rest, with those that failed
for a reason that may pass, are taken on the next polls whatever the feed's server answers
(a ``304 Not Modified`` or an error included). An entry older than the retention period is
skipped; one that keeps failing is given up after a few attempts. Each poll says in words what
it did (:meth:`PollOutcome.summary`), kept with the feed for ``newsbot feeds list`` and /feeds.
"""

from __future__ import annotations

import asyncio
import calendar
import hashlib
import logging
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser

from bot.feeds.fetch import FEED_ACCEPT, FetchError, FetchPolicy, FetchResult, fetch
from bot.feeds.intake import store_page
from bot.feeds.pages import PageArticle, extract_article, fetch_page
from bot.feeds.urls import normalise_url
from bot.ingest import IngestError, parse_ahead
from bot.store import Store, StoreBusy
from bot.store.feeds import NewEntry
from bot.store.rows import FeedRow

log = logging.getLogger(__name__)

#: New entries read per feed per poll (the rest wait for the next poll).
MAX_ENTRIES_PER_POLL = 30
#: An entry whose page failed this many times is skipped from then on.
MAX_ENTRY_ATTEMPTS = 3
#: Characters of an entry's own text kept until it is taken (used when its page fails).
MAX_KEPT_TEXT = 1_000_000
#: Why a new entry is not taken.
OLDER = "older than the retention period"
#: Longest wait between retries of a failing feed.
MAX_BACKOFF = timedelta(hours=24)
#: Feeds polled at the same time.
CONCURRENT_FEEDS = 4


@dataclass(frozen=True, slots=True)
class FeedInfo:
    """What a feed says about itself (checked when a feed is added)."""

    url: str
    title: str | None
    entries: int


@dataclass(slots=True)
class PollOutcome:
    """One feed's poll: ``error`` set when the feed itself failed."""

    feed_id: int
    name: str
    error: str | None = None
    not_modified: bool = False
    stored: dict[str, int] = field(default_factory=dict)
    failed_entries: int = 0
    #: The feed's first poll (the admin hears what it found).
    first: bool = False
    #: Entries the feed document listed (None when it was not read: 304 or an error).
    found: int | None = None
    #: New entries not taken, by reason ("older than the retention period").
    skipped: dict[str, int] = field(default_factory=dict)
    #: Why entries failed in this poll, one reason per failed entry.
    failures: list[str] = field(default_factory=list)
    #: Entries still to take on the next polls.
    left: int = 0

    @property
    def changed(self) -> bool:
        return any(self.stored.get(k) for k in ("added", "updated", "merged"))

    def summary(self) -> str:
        """What the poll did, in words: '3 added, 5 older than the retention period, 1
        failed: https://x/a: HTTP 500, 12 left for the next polls' (or 'nothing new')."""
        parts = [f"{n} {status}" for status, n in sorted(self.stored.items())]
        parts += [f"{n} {reason}" for reason, n in sorted(self.skipped.items())]
        if self.failures:
            parts.append(f"{len(self.failures)} failed: {self.failures[0]}")
        if self.left:
            parts.append(f"{self.left} left for the next polls")
        text = ", ".join(parts) or "nothing new"
        return f"{self.error}; {text}" if self.error else text


def parse_feed(result: FetchResult, url: str) -> Any:
    """feedparser on the downloaded bytes; refuses anything that is not RSS or Atom."""
    content_type = result.content_type or "application/xml"
    if result.charset:
        content_type += f"; charset={result.charset}"
    parsed = feedparser.parse(result.content, response_headers={"content-type": content_type})
    if not parsed.version and not parsed.entries:
        kind = result.content_type or "no content type"
        raise FetchError(url, f"not an RSS or Atom feed (got {kind})")
    return parsed


async def probe_feed(url: str, policy: FetchPolicy) -> FeedInfo:
    """Download and parse a feed once, to check a URL before it is added."""
    result = await fetch(url, policy, accept=FEED_ACCEPT)
    parsed = await asyncio.to_thread(parse_feed, result, url)
    return FeedInfo(url=result.url, title=parsed.feed.get("title"), entries=len(parsed.entries))


def entry_key(entry: Any) -> str:
    """A stable identity for an entry: its id, else its link, else a hash of its title."""
    key = entry.get("id") or entry.get("link")
    if key:
        return str(key)
    return "title:" + hashlib.sha256(str(entry.get("title", "")).encode()).hexdigest()[:16]


def entry_time(entry: Any) -> datetime | None:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime.fromtimestamp(calendar.timegm(stamp), UTC) if stamp else None


def entry_html(entry: Any) -> str:
    """The entry's own full text, when the feed carries it (``content:encoded``, Atom content)."""
    for content in entry.get("content") or []:
        if content.get("value"):
            return str(content["value"])
    return str(entry.get("summary") or "")


def backoff(interval: timedelta, failures: int) -> timedelta:
    """Wait before retrying a feed that failed ``failures`` times in a row: 1, 2, 4... polls."""
    factor: int = 2 ** max(failures - 1, 0)
    return min(interval * factor, MAX_BACKOFF)


class FeedPoller:
    """Polls the store's feeds and stores what is new."""

    def __init__(
        self,
        store: Store,
        policy: FetchPolicy,
        *,
        interval: timedelta = timedelta(minutes=30),
        max_age: timedelta | None = None,
    ) -> None:
        self.store = store
        self.policy = policy
        self.interval = interval
        self.max_age = max_age

    async def poll_due(self) -> list[PollOutcome]:
        """Poll every feed that is due (healthy, or past its back-off)."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        feeds = self.store.feeds.due(now)
        gate = asyncio.Semaphore(CONCURRENT_FEEDS)

        async def one(feed: FeedRow) -> PollOutcome:
            async with gate:
                return await self.poll(feed)

        return list(await asyncio.gather(*(one(feed) for feed in feeds)))

    async def poll(self, feed: FeedRow) -> PollOutcome:
        name = str(feed.get("title") or feed["url"])
        outcome = PollOutcome(
            feed_id=int(feed["id"]), name=name, first=not feed.get("last_checked")
        )
        try:
            return await self._poll(feed, outcome)
        except StoreBusy as error:
            # Another program holds the database: what was not written is seen or taken
            # again at the next poll (an entry is remembered, or its feed read again).
            outcome.error = f"not finished, the database was busy ({error})"
            log.warning("feed %s: %s", outcome.name, outcome.error)
            return outcome

    async def _poll(self, feed: FeedRow, outcome: PollOutcome) -> PollOutcome:
        name = outcome.name
        try:
            result = await fetch(
                feed["url"],
                self.policy,
                accept=FEED_ACCEPT,
                etag=feed.get("etag"),
                last_modified=feed.get("last_modified"),
            )
            if result.not_modified:
                self.store.feeds.record_not_modified(outcome.feed_id)
                outcome.not_modified = True
            else:
                parsed = await asyncio.to_thread(parse_feed, result, feed["url"])
                title = parsed.feed.get("title") or None
                outcome.name = str(title or name)
                outcome.found = len(parsed.entries)
                self._remember(parsed.entries, outcome)
                self.store.feeds.record_success(
                    outcome.feed_id,
                    title=title,
                    etag=result.etag,
                    last_modified=result.last_modified,
                )
        except FetchError as error:
            self._failed(feed, outcome, str(error))
        await self._take_pending(outcome)
        outcome.left = self.store.feeds.pending_count(outcome.feed_id)
        self.store.feeds.record_report(outcome.feed_id, outcome.summary())
        if outcome.error is None:
            log.info("feed %s: %s", outcome.name, outcome.summary())
        return outcome

    def _failed(self, feed: FeedRow, outcome: PollOutcome, reason: str) -> None:
        failures = int(feed.get("failures") or 0) + 1
        retry = datetime.now(UTC) + backoff(self.interval, failures)
        self.store.feeds.record_failure(
            outcome.feed_id, reason, retry.isoformat(timespec="seconds")
        )
        outcome.error = reason
        log.warning(
            "feed %s failed (%d in a row, next try after %s): %s",
            outcome.name,
            failures,
            retry.strftime("%Y-%m-%d %H:%M UTC"),
            reason,
        )

    def _remember(self, entries: list[Any], outcome: PollOutcome) -> None:
        """Every entry the feed lists for the first time, to take now or on later polls;
        one older than the retention period is skipped (and counted) instead."""
        cutoff = datetime.now(UTC) - self.max_age if self.max_age else None
        keyed = {entry_key(e): e for e in entries}
        known = self.store.feeds.known_keys(outcome.feed_id, list(keyed))
        new = []
        for key, entry in keyed.items():
            if key in known:
                continue
            published = entry_time(entry)
            skipped = OLDER if cutoff and published and published < cutoff else None
            if skipped:
                outcome.skipped[skipped] = outcome.skipped.get(skipped, 0) + 1
            link = entry.get("link")
            new.append(
                NewEntry(
                    key=key,
                    url=str(link) if link else None,
                    title=str(entry.get("title") or "") or None,
                    published=published.isoformat() if published else None,
                    content=None if skipped else entry_html(entry)[:MAX_KEPT_TEXT] or None,
                    skipped=skipped,
                )
            )
        self.store.feeds.remember(outcome.feed_id, new)

    async def _take_pending(self, outcome: PollOutcome) -> None:
        """Take up to ``MAX_ENTRIES_PER_POLL`` of the entries still to take."""
        for row in self.store.feeds.pending(outcome.feed_id, MAX_ENTRIES_PER_POLL):
            key, link = row["key"], row["url"]
            published = datetime.fromisoformat(row["published"]) if row["published"] else None
            try:
                page = await self._page(
                    {"link": link, "title": row["title"], "summary": row["content"] or ""},
                    published,
                )
                # Parsed in a worker thread, the event loop going on answering chats, as
                # store_page will store it (its URL normalised).
                page = replace(page, url=normalise_url(page.url))
                parsed = await parse_ahead(page.as_article_text(outcome.name))
                stored = store_page(
                    self.store, page, source=outcome.name, feed_id=outcome.feed_id, parsed=parsed
                )
            except (FetchError, IngestError) as error:
                reason = str(error) if isinstance(error, FetchError) else f"{link}: {error}"
                # A page that cannot be read may be readable later; one that is no article
                # will not become one.
                give_up = isinstance(error, IngestError) or (
                    int(row["attempts"]) + 1 >= MAX_ENTRY_ATTEMPTS
                )
                self.store.feeds.entry_failed(outcome.feed_id, key, reason, give_up=give_up)
                outcome.failed_entries += 1
                outcome.failures.append(reason)
                log.warning("feed %s: entry skipped: %s", outcome.name, reason)
                continue
            self.store.feeds.entry_taken(outcome.feed_id, key, stored.article_id)
            outcome.stored[stored.status] = outcome.stored.get(stored.status, 0) + 1

    async def _page(self, entry: Any, published: datetime | None) -> PageArticle:
        """The entry's page; its text in the feed when the page cannot be read."""
        link = entry.get("link")
        title = entry.get("title")
        if not link:
            raise IngestError("the entry has no link")
        try:
            page = await fetch_page(link, self.policy, title_hint=title)
        except (FetchError, IngestError) as error:
            inline = entry_html(entry)
            if len(inline) < 200:
                raise
            try:
                page = await asyncio.to_thread(extract_article, inline, link, title_hint=title)
            except IngestError:
                raise error from None
            log.info("feed entry %s: using the text in the feed (%s)", link, error)
        if page.date is None and published is not None:
            page = replace(page, date=published.date().isoformat())
        return page
