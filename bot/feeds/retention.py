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

#: Names left without any article, and the link tables that keep them alive.
_ORPHANS = (
    (
        "people",
        "id not in (select person_id from article_people) "
        "and id not in (select person_id from quotes where person_id is not null)",
    ),
    ("topics", "id not in (select topic_id from article_topics)"),
    ("entities", "id not in (select entity_id from article_entities)"),
)


def expired_articles(store: Store, days: int, now: datetime | None = None) -> list[int]:
    cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
    return [
        int(row[0])
        for row in store.db.execute(
            "select id from articles where ingested_at < ? order by id",
            [cutoff.isoformat(timespec="seconds")],
        )
    ]


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
        _drop_orphans(store)
        log.info("retention: pruned %d article(s) older than %d days", removed, days)
    return removed


def _drop_orphans(store: Store) -> None:
    for table, condition in _ORPHANS:
        try:
            with store.db.conn:
                store.db.execute(f"delete from {table} where {condition}")
        except sqlite3.IntegrityError as error:
            # another feature (e.g. subscriptions to a topic) still refers to some of them
            log.debug("retention: kept unused %s: %s", table, error)
