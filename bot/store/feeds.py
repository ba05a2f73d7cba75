"""Feeds, the entries already read from them, and where each article came from.

An article can have several sources (the same story from two feeds); ``article_sources`` and
``article_sketches`` rows go with their article when it is deleted (``on delete cascade``),
and a removed feed leaves its articles in place.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlite_utils import Database

from bot.store.rows import ArticleSource, FeedRow

FEED_TABLES_SQL = """
create table feeds (
    id integer primary key,
    url text not null unique,
    title text,
    etag text,
    last_modified text,
    added_at text not null,
    last_checked text,
    last_ok text,
    failures integer not null default 0,
    last_error text,
    retry_at text
);
create table feed_entries (
    feed_id integer not null references feeds(id) on delete cascade,
    key text not null,
    url text,
    article_id integer references articles(id) on delete set null,
    attempts integer not null default 0,
    last_error text,
    seen_at text not null,
    primary key (feed_id, key)
);
create table article_sources (
    id integer primary key,
    article_id integer not null references articles(id) on delete cascade,
    url text not null default '',
    source text not null default '',
    author text,
    feed_id integer references feeds(id) on delete set null,
    seen_at text not null
);
create unique index article_sources_unique on article_sources(article_id, url, source);
create index article_sources_url on article_sources(url);
create index article_sources_feed on article_sources(feed_id);
create table article_sketches (
    article_id integer not null references articles(id) on delete cascade,
    hash integer not null,
    primary key (article_id, hash)
);
create index article_sketches_hash on article_sketches(hash);
"""


@dataclass(frozen=True, slots=True)
class NewEntry:
    """An entry seen for the first time: to take later, or ``skipped`` with the reason."""

    key: str
    url: str | None
    title: str | None
    published: str | None
    content: str | None
    skipped: str | None = None


def create_feed_tables(db: Database) -> None:
    """Migration body (statement by statement: ``executescript`` would commit half-way)."""
    for statement in FEED_TABLES_SQL.split(";"):
        if statement.strip():
            db.execute(statement)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class FeedStore:
    """Reads and writes feeds and article sources; each method is one short transaction."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _rows(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        return list(self.db.query(sql, list(params)))

    # -- feeds -------------------------------------------------------------------------------

    def add(self, url: str, title: str | None = None) -> tuple[FeedRow, bool]:
        """Add a feed by (normalised) URL; returns the row and whether it is new."""
        if existing := self.by_url(url):
            return existing, False
        with self.db.conn:
            feed_id = self.db.execute(
                "insert into feeds (url, title, added_at) values (?, ?, ?)",
                [url, title, now_iso()],
            ).lastrowid
        feed = self.get(int(feed_id or 0))
        assert feed is not None
        return feed, True

    def get(self, feed_id: int) -> FeedRow | None:
        rows = self._rows("select * from feeds where id = ?", [feed_id])
        return cast(FeedRow, rows[0]) if rows else None

    def by_url(self, url: str) -> FeedRow | None:
        rows = self._rows("select * from feeds where url = ?", [url])
        return cast(FeedRow, rows[0]) if rows else None

    def remove(self, feed_id: int) -> bool:
        with self.db.conn:
            cursor: sqlite3.Cursor = self.db.execute("delete from feeds where id = ?", [feed_id])
        return cursor.rowcount > 0

    def all(self) -> list[FeedRow]:
        """Every feed with the number of articles it brought."""
        return cast(
            list[FeedRow],
            self._rows(
                "select f.*, (select count(distinct s.article_id) from article_sources s "
                "where s.feed_id = f.id) as n_articles from feeds f order by f.id"
            ),
        )

    def due(self, now: str) -> list[FeedRow]:
        """Feeds to poll now: healthy ones, and failing ones whose back-off has passed."""
        return cast(
            list[FeedRow],
            self._rows(
                "select * from feeds where retry_at is null or retry_at <= ? order by id", [now]
            ),
        )

    def record_success(
        self, feed_id: int, *, title: str | None, etag: str | None, last_modified: str | None
    ) -> None:
        now = now_iso()
        with self.db.conn:
            self.db.execute(
                "update feeds set title = coalesce(?, title), etag = ?, last_modified = ?, "
                "last_checked = ?, last_ok = ?, failures = 0, last_error = null, "
                "retry_at = null where id = ?",
                [title, etag, last_modified, now, now, feed_id],
            )

    def record_not_modified(self, feed_id: int) -> None:
        now = now_iso()
        with self.db.conn:
            self.db.execute(
                "update feeds set last_checked = ?, last_ok = ?, failures = 0, "
                "last_error = null, retry_at = null where id = ?",
                [now, now, feed_id],
            )

    def record_failure(self, feed_id: int, error: str, retry_at: str) -> int:
        """Count one more failure in a row; returns the count."""
        with self.db.conn:
            self.db.execute(
                "update feeds set last_checked = ?, failures = failures + 1, last_error = ?, "
                "retry_at = ? where id = ?",
                [now_iso(), error, retry_at, feed_id],
            )
        row = self.db.execute("select failures from feeds where id = ?", [feed_id]).fetchone()
        return int(row[0]) if row else 0

    # -- entries -----------------------------------------------------------------------------

    def entry(self, feed_id: int, key: str) -> dict[str, Any] | None:
        rows = self._rows(
            "select * from feed_entries where feed_id = ? and key = ?", [feed_id, key]
        )
        return rows[0] if rows else None

    def record_entry(
        self,
        feed_id: int,
        key: str,
        *,
        url: str | None,
        article_id: int | None = None,
        error: str | None = None,
    ) -> None:
        """Remember an entry: read (``article_id``) or one more failed attempt (``error``)."""
        with self.db.conn:
            self.db.execute(
                "insert into feed_entries (feed_id, key, url, article_id, attempts, last_error, "
                "seen_at) values (?, ?, ?, ?, 1, ?, ?) on conflict(feed_id, key) do update set "
                "url = excluded.url, article_id = coalesce(excluded.article_id, article_id), "
                "attempts = attempts + 1, last_error = excluded.last_error",
                [feed_id, key, url, article_id, error, now_iso()],
            )

    def known_keys(self, feed_id: int, keys: list[str]) -> set[str]:
        """Which of ``keys`` the feed has seen before (whatever became of them)."""
        known: set[str] = set()
        for begin in range(0, len(keys), 500):
            chunk = keys[begin : begin + 500]
            marks = ",".join("?" * len(chunk))
            known.update(
                row[0]
                for row in self.db.execute(
                    f"select key from feed_entries where feed_id = ? and key in ({marks})",
                    [feed_id, *chunk],
                )
            )
        return known

    def remember(self, feed_id: int, entries: list[NewEntry]) -> None:
        """New entries to take later (state 'pending'), or 'skipped' with their reason."""
        now = now_iso()
        with self.db.conn:
            self.db.conn.executemany(
                "insert or ignore into feed_entries (feed_id, key, url, state, title, "
                "published, content, last_error, seen_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        feed_id,
                        e.key,
                        e.url,
                        "skipped" if e.skipped else "pending",
                        e.title,
                        e.published,
                        e.content,
                        e.skipped,
                        now,
                    )
                    for e in entries
                ],
            )

    def pending(self, feed_id: int, limit: int) -> list[dict[str, Any]]:
        """Entries still to take, in the order they were seen (a feed lists newest first)."""
        return self._rows(
            "select * from feed_entries where feed_id = ? and state = 'pending' "
            "order by seen_at, rowid limit ?",
            [feed_id, limit],
        )

    def pending_count(self, feed_id: int) -> int:
        return int(
            self.db.execute(
                "select count(*) from feed_entries where feed_id = ? and state = 'pending'",
                [feed_id],
            ).fetchone()[0]
        )

    def entry_taken(self, feed_id: int, key: str, article_id: int) -> None:
        with self.db.conn:
            self.db.execute(
                "update feed_entries set state = 'taken', article_id = ?, attempts = "
                "attempts + 1, last_error = null, content = null where feed_id = ? and key = ?",
                [article_id, feed_id, key],
            )

    def entry_failed(self, feed_id: int, key: str, error: str, *, give_up: bool) -> None:
        """One more failed attempt; 'failed' for good when ``give_up``, else still pending."""
        with self.db.conn:
            self.db.execute(
                "update feed_entries set attempts = attempts + 1, last_error = ?, "
                "state = case when ? then 'failed' else 'pending' end, "
                "content = case when ? then null else content end "
                "where feed_id = ? and key = ?",
                [error, int(give_up), int(give_up), feed_id, key],
            )

    def record_report(self, feed_id: int, report: str) -> None:
        """What the feed's last poll did, in words (``newsbot feeds list``, /feeds)."""
        with self.db.conn:
            self.db.execute("update feeds set last_report = ? where id = ?", [report, feed_id])

    # -- article sources and fingerprints ------------------------------------------------------

    def article_for_url(self, url: str) -> int | None:
        row = self.db.execute(
            "select article_id from article_sources where url = ? order by id limit 1", [url]
        ).fetchone()
        return int(row[0]) if row else None

    def add_source(
        self,
        article_id: int,
        *,
        url: str | None,
        source: str | None,
        feed_id: int | None = None,
        author: str | None = None,
    ) -> bool:
        """Link an article to one more place it was seen; False when already linked.

        The article's ``source`` line then lists every source name ("A, B"), so every view
        of the article shows where it was reported.
        """
        with self.db.conn:
            cursor = self.db.execute(
                "insert or ignore into article_sources "
                "(article_id, url, source, author, feed_id, seen_at) values (?, ?, ?, ?, ?, ?)",
                [article_id, url or "", source or "", author, feed_id, now_iso()],
            )
            added: bool = cursor.rowcount > 0
            if added:
                self._refresh_source_line(article_id)
        return added

    def refresh_source_line(self, article_id: int) -> None:
        """Re-list every source on the article after it was re-ingested."""
        with self.db.conn:
            self._refresh_source_line(article_id)

    def _refresh_source_line(self, article_id: int) -> None:
        names = [
            row[0]
            for row in self.db.execute(
                "select source from article_sources where article_id = ? and source != '' "
                "group by source order by min(id)",
                [article_id],
            )
        ]
        if names:
            self.db.execute(
                "update articles set source = ? where id = ?", [", ".join(names), article_id]
            )

    def sources_of(self, article_id: int) -> list[ArticleSource]:
        return cast(
            list[ArticleSource],
            self._rows(
                "select url, source, author, feed_id, seen_at from article_sources "
                "where article_id = ? order by id",
                [article_id],
            ),
        )

    def save_sketch(self, article_id: int, hashes: Iterable[int]) -> None:
        with self.db.conn:
            self.db.execute("delete from article_sketches where article_id = ?", [article_id])
            self.db.conn.executemany(
                "insert or ignore into article_sketches (article_id, hash) values (?, ?)",
                [(article_id, h) for h in hashes],
            )

    def similar_articles(self, hashes: list[int], min_overlap: int) -> list[int]:
        """Articles sharing at least ``min_overlap`` sketch hashes, most shared first."""
        if not hashes:
            return []
        marks = ",".join("?" * len(hashes))
        return [
            int(row[0])
            for row in self.db.execute(
                f"select article_id, count(*) as n from article_sketches where hash in ({marks}) "
                "group by article_id having n >= ? order by n desc limit 5",
                [*hashes, min_overlap],
            )
        ]
