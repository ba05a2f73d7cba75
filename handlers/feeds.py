"""Admin commands for news sources: /feeds, /addfeed URL, /removefeed ID.

A feed is checked (downloaded and parsed) before it is added, so a typo or a web page that
is not a feed is reported at once rather than failing silently later.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.context import NewsApplication, NewsContext
from bot.feeds.fetch import FetchError, FetchPolicy
from bot.feeds.jobs import poll_feeds_job
from bot.feeds.poller import probe_feed
from bot.feeds.urls import normalise_url
from bot.render import clip, esc
from bot.store.rows import FeedRow
from handlers.common import argument_text, reply, require_admin, row_number

ADMIN_ONLY = "Sorry, only the bot's admins can manage news feeds."


def feed_status(feed: FeedRow) -> str:
    """One line: healthy, not polled yet, or failing with the reason and the next try."""
    if feed.get("failures"):
        retry = str(feed.get("retry_at") or "")[:16].replace("T", " ")
        reason = esc(clip(feed.get("last_error") or "", 200))
        return (
            f"⚠️ failing ({feed['failures']}× in a row): {reason}"
            + (f" · next try {esc(retry)} UTC" if retry else "")
            + _last_poll(feed)
        )
    if not feed.get("last_checked"):
        return "⏳ not polled yet"
    checked = str(feed["last_checked"])[:16].replace("T", " ")
    n = feed.get("n_articles") or 0
    status = f"✅ ok · {n} article{'s' if n != 1 else ''} · checked {esc(checked)} UTC"
    return status + _last_poll(feed)


def _last_poll(feed: FeedRow) -> str:
    """What the feed's last poll did ('5 older than the retention period', '4 failed: …')."""
    report = feed.get("last_report")
    return f"\nlast poll: {esc(clip(report, 300))}" if report else ""


def feed_block(feed: FeedRow) -> str:
    title = feed.get("title") or feed["url"]
    return "\n".join(
        [f"<b>{feed['id']}.</b> {esc(clip(title, 100))}", esc(feed["url"]), feed_status(feed)]
    )


async def list_feeds(update: Update, context: NewsContext) -> None:
    if not await require_admin(update, context, ADMIN_ONLY):
        return
    feeds = context.services.store.feeds.all()
    if not feeds:
        await reply(
            update, ["No feeds yet. Add one with <code>/addfeed https://example.com/rss</code>."]
        )
        return
    failing = sum(1 for f in feeds if f.get("failures"))
    head = f"📡 <b>{len(feeds)} feed{'s' if len(feeds) != 1 else ''}</b>" + (
        f" · {failing} failing" if failing else ""
    )
    await reply(update, [head, *(feed_block(f) for f in feeds)])


async def add_feed(update: Update, context: NewsContext) -> None:
    if not await require_admin(update, context, ADMIN_ONLY):
        return
    url = argument_text(update)
    if not url or " " in url:
        await reply(
            update, ["Which feed? For example: <code>/addfeed https://example.com/rss</code>"]
        )
        return
    svc = context.services
    try:
        info = await probe_feed(url, FetchPolicy.from_settings(svc.settings))
    except FetchError as error:
        await reply(update, [f"I could not add that feed: {esc(clip(str(error), 500))}"])
        return
    feed, created = svc.store.feeds.add(normalise_url(url), title=info.title)
    name = esc(clip(feed.get("title") or feed["url"], 100))
    if not created:
        await reply(update, [f"I already follow that feed: <b>{feed['id']}.</b> {name}"])
        return
    if context.job_queue is not None:
        context.job_queue.run_once(poll_feeds_job, when=1, name=f"feeds-now-{feed['id']}")
    await reply(
        update,
        [
            f"📡 Added feed <b>{feed['id']}.</b> {name} ({info.entries} entries now). "
            "I'll read its new articles shortly, then every "
            f"{svc.settings.feed_interval_minutes} minutes."
        ],
    )


async def remove_feed(update: Update, context: NewsContext) -> None:
    if not await require_admin(update, context, ADMIN_ONLY):
        return
    ref = argument_text(update)
    store = context.services.store.feeds
    feed = None
    if (number := row_number(ref)) is not None:
        feed = store.get(number)
    elif ref:
        try:
            feed = store.by_url(normalise_url(ref))
        except ValueError:  # not even a URL (e.g. 'http://[::1'): no such feed
            feed = None
    if feed is None:
        hint = "See /feeds for the numbers." if ref else "For example: <code>/removefeed 2</code>"
        await reply(update, [f"There is no such feed. {hint}"])
        return
    store.remove(int(feed["id"]))
    name = esc(clip(feed.get("title") or feed["url"], 100))
    await reply(
        update,
        [f"Removed feed <b>{feed['id']}.</b> {name}. Articles it brought stay until they age out."],
    )


def register(application: NewsApplication) -> None:
    application.add_handler(CommandHandler("feeds", list_feeds))
    application.add_handler(CommandHandler("addfeed", add_feed))
    application.add_handler(CommandHandler("removefeed", remove_feed))
