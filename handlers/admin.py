"""Admin commands for the daily briefing: /brief all and /stats (NEWSBOT_ADMINS only).

Anyone else gets a polite refusal and nothing happens.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from datetime import UTC, date, datetime

from telegram import Update
from telegram.ext import CommandHandler

from bot import scheduling
from bot.context import NewsApplication, NewsContext
from bot.delivery import Outcome, utc_now
from bot.store import Store
from bot.store import deliveries as log_status
from handlers.common import is_admin, reply

log = logging.getLogger(__name__)

REFUSAL = "Sorry, that command is only for the bot's admins."
#: Background fan-outs started by /brief all, kept so they are not garbage-collected.
_RUNNING: set[asyncio.Task[None]] = set()


def todays_briefings(store: Store, now: datetime) -> list[tuple[int, date]]:
    """(chat, local date) for every active subscriber who has not had today's briefing."""
    due = []
    for subscription in store.subscriptions.deliverable():
        day = now.astimezone(subscription.tzinfo).date()
        if not store.deliveries.is_done(subscription.chat_id, day):
            due.append((subscription.chat_id, day))
    return due


def outcome_summary(counts: Counter[Outcome]) -> str:
    parts = [f"{counts[o]} {o.value}" for o in Outcome if counts[o]]
    return ", ".join(parts) if parts else "nothing to do"


async def brief_all(update: Update, context: NewsContext) -> None:
    if not is_admin(update, context):
        await reply(update, [REFUSAL])
        return
    sender = scheduling.deliverer(context.application)
    if sender is None:
        await reply(update, ["Briefings are not running in this mode (no delivery queue)."])
        return
    due = todays_briefings(context.services.store, utc_now())
    if not due:
        await reply(update, ["Every active subscriber already has today's briefing."])
        return
    # The fan-out is queued before anything is said about it: the acknowledgement and the
    # report only tell the admin, and a failure to tell cancels nothing.
    outcomes = [sender.submit(chat_id, day) for chat_id, day in due]
    task = asyncio.create_task(_report_when_done(update, outcomes))
    _RUNNING.add(task)
    task.add_done_callback(_RUNNING.discard)
    await _tell(
        update, f"📤 Sending today's briefing to {len(due)} subscriber(s) who haven't had it yet…"
    )


async def _tell(update: Update, text: str) -> None:
    try:
        await reply(update, [text])
    except Exception:  # the admin's chat may be gone; the outcome is in the log either way
        log.warning("could not tell the admin: %s", text, exc_info=True)


async def _report_when_done(update: Update, outcomes: list[asyncio.Future[Outcome]]) -> None:
    counts = Counter(await asyncio.gather(*outcomes))
    log.info("/brief all finished: %s", outcome_summary(counts))
    await _tell(update, f"✅ /brief all finished: {outcome_summary(counts)}.")


async def stats(update: Update, context: NewsContext) -> None:
    if not is_admin(update, context):
        await reply(update, [REFUSAL])
        return
    store = context.services.store
    subs = store.subscriptions.counts()
    midnight = utc_now().astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    today = store.deliveries.counts_since(midnight)
    failures = sum(
        today.get(s, 0) for s in (log_status.FAILED, log_status.ERROR, log_status.UNCONFIRMED)
    )
    sender = scheduling.deliverer(context.application)
    lines = [
        "📊 <b>Stats</b>",
        f"Subscribers: {subs['active']} active · {subs['paused']} paused · "
        f"{subs['blocked']} blocked the bot · {subs['unsubscribed']} unsubscribed",
        f"Deliveries today (UTC): {today.get(log_status.SENT, 0)} sent · "
        f"{today.get(log_status.EMPTY, 0)} nothing new · {today.get(log_status.BLOCKED, 0)} "
        f"blocked · {failures} failed",
        f"Failures: {today.get(log_status.FAILED, 0)} to retry · "
        f"{today.get(log_status.ERROR, 0)} refused · "
        f"{today.get(log_status.UNCONFIRMED, 0)} unconfirmed (not re-sent)",
        f"Articles: {store.articles.count()}",
        f"Sending now: {sender.busy if sender else 0}",
    ]
    await reply(update, ["\n".join(lines)])


def register(application: NewsApplication) -> None:
    """/brief all is routed here by handlers.subscribe.brief; /stats is ours alone."""
    application.add_handler(CommandHandler("stats", stats))
