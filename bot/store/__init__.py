"""The SQLite store (through sqlite-utils): one object with a part per kind of data."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from bot.store.articles import ArticleStore, ArticleToSave, SaveResult
from bot.store.chats import ChatStore
from bot.store.connection import StoreError, open_database
from bot.store.deliveries import DeliveryStore
from bot.store.feeds import FeedStore
from bot.store.subscriptions import SubscriptionStore

__all__ = [
    "ArticleStore",
    "ArticleToSave",
    "ChatStore",
    "DeliveryStore",
    "FeedStore",
    "SaveResult",
    "Store",
    "StoreError",
    "SubscriptionStore",
]


class Store:
    """Facade over the database; handlers and jobs reach every table through it."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.articles = ArticleStore(db)
        self.chats = ChatStore(db)
        self.feeds = FeedStore(db)
        self.subscriptions = SubscriptionStore(db)
        self.deliveries = DeliveryStore(db)

    @classmethod
    def open(cls, path: Path | str) -> Store:
        return cls(open_database(path))

    def close(self) -> None:
        self.db.conn.close()
