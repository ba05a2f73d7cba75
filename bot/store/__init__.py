"""The SQLite store (through sqlite-utils): one object with a part per kind of data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database

from bot.store.articles import ArticleStore, ArticleToSave, SaveResult
from bot.store.chats import ChatStore
from bot.store.connection import StoreError
from bot.store.deliveries import DeliveryStore
from bot.store.feeds import FeedStore
from bot.store.subscriptions import SubscriptionStore
from bot.store.watched import StoreFileChanged, WatchedConnection, open_watched

__all__ = [
    "ArticleStore",
    "ArticleToSave",
    "ChatStore",
    "DeliveryStore",
    "FeedStore",
    "SaveResult",
    "Store",
    "StoreError",
    "StoreFileChanged",
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
        self.chats = ChatStore(db)
        self.feeds = FeedStore(db)
        self.subscriptions = SubscriptionStore(db)
        self.deliveries = DeliveryStore(db)
        self._conn.on_reopen(self.articles.reconnected)

    @classmethod
    def open(cls, path: Path | str) -> Store:
        return cls(open_watched(path))

    def check_file(self) -> bool:
        """Open the path again if its file was deleted or replaced; True when it was."""
        return self._conn.check()

    def on_reopen(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after the store reopened its path (caches built from it go)."""
        self._conn.on_reopen(listener)

    @property
    def reopens(self) -> int:
        return self._conn.reopens

    def close(self) -> None:
        self._conn.close()
