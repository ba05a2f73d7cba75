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

from sqlite_utils import Database

from bot.store import Store

log = logging.getLogger(__name__)

#: Tables of names that only matter while something refers to them.
_NAMES = ("people", "topics", "entities")


def _references(db: Database, table: str) -> list[tuple[str, str]]:
    """(table, column) pairs holding a foreign key to ``table`` -- found from the schema, so
    other features' links (a user following a topic) keep a name alive too."""
    found = []
    for other in db.table_names():
        for key in db.execute(f"pragma foreign_key_list([{other}])").fetchall():
            if key[2] == table:
                found.append((other, key[3]))
    return found


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
    """Delete people, topics and organisations that nothing refers to any more."""
    for table in _NAMES:
        conditions = [
            f"id not in (select [{column}] from [{other}] where [{column}] is not null)"
            for other, column in _references(store.db, table)
        ]
        if not conditions:
            continue
        try:
            with store.db.conn:
                store.db.execute(f"delete from {table} where " + " and ".join(conditions))
        except sqlite3.DatabaseError as error:
            log.warning("retention: could not remove unused %s: %s", table, error)
