"""The SQLite store (through sqlite-utils): one object with a part per kind of data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database

from bot.store.alerts import AlertStore
from bot.store.articles import ArticleStore, ArticleToSave, SaveResult
from bot.store.chats import ChatStore
from bot.store.connection import StoreError
from bot.store.deliveries import DeliveryStore
from bot.store.feeds import FeedStore
from bot.store.stories import StoryStore
from bot.store.subscriptions import SubscriptionStore
from bot.store.watched import StoreBusy, StoreFileChanged, WatchedConnection, open_watched

__all__ = [
    "AlertStore",
    "ArticleStore",
    "ArticleToSave",
    "ChatStore",
    "DeliveryStore",
    "FeedStore",
    "SaveResult",
    "Store",
    "StoreBusy",
    "StoreError",
    "StoreFileChanged",
    "StoryStore",
    "SubscriptionStore",
]


class Store:
    """Facade over the database; handlers and jobs reach every table through it.

    Its connection follows the file at its path (``bot/store/watched.py``): when that file is
    deleted or replaced, the same Store, and every part of it, goes on with the file now there.
    """

    def __init__(self, db: Database) -> None:
        if not isinstance(db.conn, WatchedConnection):
            raise TypeError("Store needs a database from open_watched (use Store.open)")
        self.db = db
        self._conn: WatchedConnection = db.conn
        self.articles = ArticleStore(db)
        self.stories = self.articles.stories
        self.chats = ChatStore(db)
        self.feeds = FeedStore(db)
        self.subscriptions = SubscriptionStore(db)
        self.deliveries = DeliveryStore(db)
        self.alerts = AlertStore(db)
        self._conn.on_reopen(self.articles.reconnected)

    @classmethod
    def open(cls, path: Path | str) -> Store:
        return cls(open_watched(path))

    def set_busy_timeout(self, seconds: float) -> None:
        """How long a write waits for another program's write lock (then ``StoreBusy``)."""
        self._conn.set_busy_timeout(seconds)

    def check_file(self) -> bool:
        """Open the path again if its file was deleted or replaced; True when it was."""
        return self._conn.check()

    def on_reopen(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after the store reopened its path (caches built from it go)."""
        self._conn.on_reopen(listener)

    @property
    def reopens(self) -> int:
        return self._conn.reopens

    #: Every (table, column) holding rows about one chat: what ``forget_chat`` deletes. A new
    #: table of per-chat data adds itself here.
    CHAT_DATA: tuple[tuple[str, str], ...] = (
        ("follows", "chat_id"),
        ("briefing_stories", "chat_id"),
        ("person_follows", "chat_id"),
        ("alerts", "chat_id"),
        ("quiet_hours", "chat_id"),
        ("channel_admins", "channel_id"),
        ("channel_admins", "user_id"),
        ("deliveries", "chat_id"),
        ("subscriptions", "chat_id"),
        ("chats", "id"),
    )

    def chat_data_counts(self, chat_id: int) -> dict[str, int]:
        """How many rows each table of ``CHAT_DATA`` holds about the chat (what /forget shows)."""
        counts: dict[str, int] = {}
        for table, column in self.CHAT_DATA:
            found = self.db.execute(
                f"select count(*) from {table} where {column} = ?", [chat_id]
            ).fetchone()[0]
            counts[table] = counts.get(table, 0) + found
        return counts

    def forget_chat(self, chat_id: int) -> dict[str, int]:
        """Delete everything kept about a chat, in one transaction; the rows deleted per table.

        Articles, quotes and feeds are not about a chat and stay."""
        deleted: dict[str, int] = {}
        with self.db.conn:
            for table, column in self.CHAT_DATA:
                cursor = self.db.execute(f"delete from {table} where {column} = ?", [chat_id])
                deleted[table] = deleted.get(table, 0) + cursor.rowcount
        return deleted

    def close(self) -> None:
        self._conn.close()
