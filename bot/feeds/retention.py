"""Pruning old articles so the store stays small (``NEWSBOT_RETENTION_DAYS``).

An article's age is counted from when it was stored, not from its publication date: an
archive article added by hand, or the sample seeds, are not deleted on the next run. Each
article goes in its own transaction with its quotes, topics links and sources; people,
topics and organisations no article mentions any more are removed afterwards so they stop
appearing in searches.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime, timedelta

from bot.store import Store

log = logging.getLogger(__name__)


def expired_articles(store: Store, days: int, now: datetime | None = None) -> list[int]:
    cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
    return store.articles.stored_before(cutoff.isoformat(timespec="seconds"))


def prune(store: Store, days: int, now: datetime | None = None) -> int:
    """Delete articles stored more than ``days`` ago; returns how many went."""
    removed = 0
    for article_id in expired_articles(store, days, now):
        try:
            store.articles.delete(article_id)
            removed += 1
        except sqlite3.DatabaseError as error:
            log.warning("retention: article %d not pruned: %s", article_id, error)
    if removed:
        store.articles.drop_unused_names()
        log.info("retention: pruned %d article(s) older than %d days", removed, days)
    return removed
