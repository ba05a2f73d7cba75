"""What every handler and job needs, built once at start-up and kept in ``bot_data``."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from bot.config import Settings
from bot.ingest import ingest_paths
from bot.search import SearchIndex
from bot.store import Store

log = logging.getLogger(__name__)

#: Seconds a write of the bot waits for another program's write lock (``newsbot ingest``
#: commits at least twice a second) before the user is told to send it again. The wait holds
#: the event loop, so it is short; reads never wait (WAL).
BUSY_TIMEOUT = 0.5


@dataclass(slots=True)
class Services:
    settings: Settings
    store: Store
    search: SearchIndex

    @classmethod
    def start(cls, settings: Settings) -> Services:
        """Open the store, ingest ``seeds/`` into an empty one, and build the search index.

        When the store's file is deleted or replaced later, the store opens its path again
        (a fresh, empty database, not seeded: seeds are for a first start) and the search
        index starts over with it."""
        store = Store.open(settings.db_path)
        store.set_busy_timeout(BUSY_TIMEOUT)
        if store.articles.count() == 0:
            seed_first_start(store, settings.seeds_dir)
        search = SearchIndex(store)
        store.on_reopen(search.reopened)
        return cls(settings=settings, store=store, search=search)

    def close(self) -> None:
        self.store.close()


def seed_first_start(store: Store, seeds_dir: Path) -> None:
    if not seeds_dir.is_dir():
        log.info("no seeds folder at %s; starting with an empty store", seeds_dir)
        return
    report = ingest_paths(store, [seeds_dir])
    log.info("ingested seeds from %s: %s", seeds_dir, report.summary())
