"""``newsbot feeds add URL|list|remove ID|URL|poll`` and ``newsbot ingest URL``.

Kept here so the main command line only dispatches; every failure is one line on stderr
naming the feed or page and the reason.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.store.rows import FeedRow

if TYPE_CHECKING:  # the feed machinery loads only when a feed command runs
    from bot.feeds.fetch import FetchPolicy
    from bot.feeds.poller import PollOutcome
    from bot.ingest import IngestReport, OnFile
    from bot.store import Store


def is_url(text: str) -> bool:
    return text.strip().lower().startswith(("http://", "https://"))


def ingest_urls(
    store: Store,
    urls: Sequence[str],
    policy: FetchPolicy,
    report: IngestReport,
    on_file: OnFile | None = None,
) -> None:
    """Fetch and store each page; a page that fails is reported by URL (``on_file``, else the
    log) and skipped."""
    from bot.feeds.fetch import FetchError
    from bot.feeds.http_client import closing
    from bot.feeds.intake import ingest_url
    from bot.ingest import IngestError, log_skip
    from bot.store import SaveResult

    tell = on_file or log_skip

    for url in urls:
        try:
            stored = asyncio.run(closing(ingest_url(store, url, policy)))
        except (FetchError, IngestError) as error:
            reason = error.reason if isinstance(error, FetchError) else str(error)
            report.failed.append((url, reason))
            tell(url, reason)
            continue
        status = "unchanged" if stored.status == "merged" else stored.status
        report.record(url, SaveResult(stored.article_id, status))
        tell(url, None)


def add_feeds_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    feeds = sub.add_parser("feeds", help="list, add or remove RSS/Atom feeds")
    actions = feeds.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="every feed with its state")
    add = actions.add_parser("add", help="check a feed URL and add it")
    add.add_argument("url")
    remove = actions.add_parser("remove", help="remove a feed by number or URL")
    remove.add_argument("feed")
    actions.add_parser("poll", help="poll every due feed once, now")


def _state(feed: FeedRow) -> str:
    last = f"; last poll: {feed['last_report']}" if feed.get("last_report") else ""
    if feed.get("failures"):
        failing = (
            f"FAILING x{feed['failures']} ({feed.get('last_error')}; retry {feed['retry_at']})"
        )
        return failing + last
    if not feed.get("last_checked"):
        return "not polled yet"
    return f"ok, {feed.get('n_articles') or 0} articles, checked {feed['last_checked']}{last}"


def first_poll_note(outcome: PollOutcome) -> str:
    """' (first poll: the feed listed 75 entries)' for a feed's first poll, else ''."""
    if not outcome.first:
        return ""
    found = f": the feed listed {outcome.found} entries" if outcome.found is not None else ""
    return f" (first poll{found})"


def _add(store: Store, settings: Settings, url: str) -> int:
    from bot.feeds.fetch import FetchError, FetchPolicy
    from bot.feeds.http_client import closing
    from bot.feeds.poller import probe_feed
    from bot.feeds.urls import normalise_url

    try:
        info = asyncio.run(closing(probe_feed(url, FetchPolicy.from_settings(settings))))
    except FetchError as error:
        print(f"newsbot: cannot add feed {error}", file=sys.stderr)
        return 1
    feed, created = store.feeds.add(normalise_url(url), title=info.title)
    verb = "added" if created else "already have"
    print(f"{verb} feed {feed['id']}: {feed.get('title') or feed['url']} ({info.entries} entries)")
    return 0


def _remove(store: Store, ref: str) -> int:
    from bot.feeds.urls import normalise_url

    feed = store.feeds.get(int(ref)) if ref.isdigit() else store.feeds.by_url(normalise_url(ref))
    if feed is None:
        print(f"newsbot: no feed {ref!r} (see: newsbot feeds list)", file=sys.stderr)
        return 1
    store.feeds.remove(int(feed["id"]))
    print(f"removed feed {feed['id']}: {feed.get('title') or feed['url']}")
    return 0


def _poll(store: Store, settings: Settings) -> int:
    from bot.feeds.fetch import FetchPolicy
    from bot.feeds.http_client import closing
    from bot.feeds.poller import FeedPoller

    poller = FeedPoller(
        store,
        FetchPolicy.from_settings(settings),
        interval=timedelta(minutes=settings.feed_interval_minutes),
        max_age=timedelta(days=settings.retention_days),
    )
    outcomes = asyncio.run(closing(poller.poll_due()))
    for outcome in outcomes:
        print(f"{outcome.name}: {outcome.summary()}{first_poll_note(outcome)}")
    return 1 if outcomes and all(o.error for o in outcomes) else 0


def cmd_feeds(settings: Settings, args: argparse.Namespace) -> int:
    from bot.store import Store

    store = Store.open(settings.db_path)
    try:
        if args.action == "add":
            return _add(store, settings, args.url)
        if args.action == "remove":
            return _remove(store, args.feed)
        if args.action == "poll":
            return _poll(store, settings)
        feeds = store.feeds.all()
        for feed in feeds:
            print(f"{feed['id']:>3}  {feed.get('title') or '-'}  {feed['url']}  [{_state(feed)}]")
        if not feeds:
            print("no feeds yet; add one with: newsbot feeds add URL")
        return 0
    finally:
        store.close()
