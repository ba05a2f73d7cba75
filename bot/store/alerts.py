"""Followed people, quiet hours, and the alert log: one row per (chat, person, story).

The log is what makes an alert exactly-once, as the delivery log does for briefings
(``bot.store.deliveries``): a row is *claimed* in a transaction right before the HTTP call
and *finished* after Telegram answers; only a ``queued``, ``held`` or ``failed`` row can be
claimed, and the claim also enforces the chat's daily cap in the same statement, so two
senders can never both send it nor send an eleventh. A row still ``claimed`` by an earlier
run becomes ``unconfirmed`` at start-up and is never sent again. Its key holds the story, so
a story growing from one source to five alerts a follower of a person quoted in it once.

Statuses: ``queued`` (found, not yet looked at), ``held`` (quiet hours: ``due_at`` is when
they end), ``folded`` (over the day's cap: the next briefing mentions it), ``claimed``,
``sent``, ``failed`` (Telegram refused; retried), ``blocked`` (403), ``error`` (400 and the
like), ``unconfirmed`` (in doubt), ``dropped`` (the chat stopped following the person).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, cast

from sqlite_utils import Database

from bot.clock import from_iso, utc_iso
from bot.store.rows import FollowedQuote

QUEUED = "queued"
HELD = "held"
FOLDED = "folded"
CLAIMED = "claimed"
SENT = "sent"
FAILED = "failed"
BLOCKED = "blocked"
ERROR = "error"
UNCONFIRMED = "unconfirmed"
DROPPED = "dropped"

#: Rows a sender may take (again).
SENDABLE = (QUEUED, HELD, FAILED)
#: Rows that count against the day's cap: sent, or perhaps sent.
COUNTED = (CLAIMED, SENT, UNCONFIRMED)

DEFAULT_QUIET = (time(22, 0), time(7, 0))
#: Sends of one alert Telegram refused (429/5xx) before it is given up (left ``failed``).
MAX_ATTEMPTS = 20
META_SEEN = "alerts_seen_article"


def create_alert_tables(db: Database) -> None:
    """The migration's tables: follows of people, quiet hours, the alert log."""
    db.execute(
        """create table person_follows (
            chat_id integer not null,
            person_id integer not null references people(id) on delete cascade,
            created_at text not null,
            primary key (chat_id, person_id)
        )"""
    )
    db.execute("create index person_follows_person on person_follows (person_id)")
    db.execute(
        """create table quiet_hours (
            chat_id integer primary key,
            starts text,
            ends text
        )"""
    )
    db.execute(
        """create table alerts (
            chat_id integer not null,
            person_id integer not null,
            story text not null,
            article_id integer not null,
            quote_ids text not null,
            status text not null,
            created_at text not null,
            due_at text not null,
            alert_day text,
            run_id text,
            attempts integer not null default 0,
            claimed_at text,
            finished_at text,
            message_id integer,
            error text,
            primary key (chat_id, person_id, story)
        )"""
    )
    db.execute("create index alerts_due on alerts (status, due_at)")
    db.execute("create index alerts_day on alerts (chat_id, alert_day, status)")


@dataclass(frozen=True, slots=True)
class Alert:
    chat_id: int
    person_id: int
    story: str
    article_id: int
    quote_ids: list[int]
    status: str
    created_at: datetime
    due_at: datetime

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.chat_id, self.person_id, self.story)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Alert:
        return cls(
            chat_id=row["chat_id"],
            person_id=row["person_id"],
            story=row["story"],
            article_id=row["article_id"],
            quote_ids=[int(i) for i in json.loads(row["quote_ids"])],
            status=row["status"],
            created_at=from_iso(row["created_at"]),
            due_at=from_iso(row["due_at"]),
        )


@dataclass(frozen=True, slots=True)
class Found:
    """A followed person quoted in a newly ingested article: what to alert followers of."""

    person_id: int
    story: str
    article_id: int
    quote_ids: list[int]


class AlertStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- following people --------------------------------------------------------------------

    def follow(self, chat_id: int, person_id: int, now: datetime) -> bool:
        with self.db.conn:
            cursor: sqlite3.Cursor = self.db.execute(
                "insert or ignore into person_follows (chat_id, person_id, created_at) "
                "values (?, ?, ?)",
                [chat_id, person_id, utc_iso(now)],
            )
        return cursor.rowcount > 0

    def unfollow(self, chat_id: int, person_id: int) -> bool:
        with self.db.conn:
            cursor: sqlite3.Cursor = self.db.execute(
                "delete from person_follows where chat_id = ? and person_id = ?",
                [chat_id, person_id],
            )
            # Alerts not yet sent about them are not wanted any more.
            self.db.execute(
                "update alerts set status = 'dropped' where chat_id = ? and person_id = ? "
                "and status in ('queued', 'held', 'failed')",
                [chat_id, person_id],
            )
        return cursor.rowcount > 0

    def followed(self, chat_id: int) -> list[tuple[int, str]]:
        """(person id, name) of the people the chat follows, alphabetically."""
        return [
            (row[0], row[1])
            for row in self.db.execute(
                "select p.id, p.name from person_follows f join people p on p.id = f.person_id "
                "where f.chat_id = ? order by p.name",
                [chat_id],
            )
        ]

    def followed_ids(self, chat_id: int) -> set[int]:
        return {
            row[0]
            for row in self.db.execute(
                "select person_id from person_follows where chat_id = ?", [chat_id]
            )
        }

    def followers(self, person_id: int) -> list[int]:
        return [
            row[0]
            for row in self.db.execute(
                "select chat_id from person_follows where person_id = ? order by chat_id",
                [person_id],
            )
        ]

    # -- quiet hours -------------------------------------------------------------------------

    def quiet_hours(self, chat_id: int) -> tuple[time, time] | None:
        """(start, end) in the chat's zone; None when the chat switched them off."""
        row = self.db.execute(
            "select starts, ends from quiet_hours where chat_id = ?", [chat_id]
        ).fetchone()
        if row is None:
            return DEFAULT_QUIET
        if row[0] is None or row[1] is None:
            return None
        return time.fromisoformat(row[0]), time.fromisoformat(row[1])

    def set_quiet_hours(self, chat_id: int, hours: tuple[time, time] | None) -> None:
        starts, ends = (h.strftime("%H:%M") for h in hours) if hours else (None, None)
        with self.db.conn:
            self.db.execute(
                "insert into quiet_hours (chat_id, starts, ends) values (?, ?, ?) "
                "on conflict(chat_id) do update set starts = excluded.starts, ends = excluded.ends",
                [chat_id, starts, ends],
            )

    # -- finding what to alert ---------------------------------------------------------------

    def seen_up_to(self) -> int | None:
        """The last article id already looked at for alerts (None: never looked)."""
        row = self.db.execute("select value from meta where key = ?", [META_SEEN]).fetchone()
        return int(row[0]) if row else None

    def mark_seen(self, article_id: int) -> None:
        with self.db.conn:
            self.db.execute(
                "insert into meta (key, value) values (?, ?) "
                "on conflict(key) do update set value = excluded.value",
                [META_SEEN, str(article_id)],
            )

    def followed_quotes(self, after: int, upto: int) -> list[FollowedQuote]:
        """Quotes of followed people in the articles ``after < id <= upto``."""
        return cast(
            list[FollowedQuote],
            list(
                self.db.query(
                    "select q.id, q.article_id, q.person_id, q.text, q.kind, q.speaker, q.start "
                    "from quotes q where q.article_id > ? and q.article_id <= ? "
                    "and q.person_id in (select person_id from person_follows) "
                    "order by q.article_id, q.start",
                    [after, upto],
                )
            ),
        )

    def queue(self, found: list[Found], now: datetime) -> int:
        """An alert for each follower of each person found; one per (chat, person, story)
        however many articles of the story quote them. Returns how many were queued."""
        stamp = utc_iso(now)
        queued = 0
        with self.db.conn:
            for item in found:
                cursor: sqlite3.Cursor = self.db.execute(
                    "insert or ignore into alerts (chat_id, person_id, story, article_id, "
                    "quote_ids, status, created_at, due_at) "
                    "select chat_id, ?, ?, ?, ?, 'queued', ?, ? from person_follows "
                    "where person_id = ?",
                    [
                        item.person_id,
                        item.story,
                        item.article_id,
                        json.dumps(item.quote_ids),
                        stamp,
                        stamp,
                        item.person_id,
                    ],
                )
                queued += max(cursor.rowcount, 0)
        return queued

    def due(self, now: datetime, limit: int = 5000) -> list[Alert]:
        """Alerts that may be sent now, oldest first."""
        return [
            Alert.from_row(row)
            for row in self.db.query(
                "select * from alerts where status in ('queued', 'held', 'failed') "
                "and due_at <= ? and attempts < ? order by due_at, created_at limit ?",
                [utc_iso(now), MAX_ATTEMPTS, limit],
            )
        ]

    # -- sending -----------------------------------------------------------------------------

    def hold(self, key: tuple[int, int, str], until: datetime) -> None:
        with self.db.conn:
            self.db.execute(
                "update alerts set status = 'held', due_at = ? where chat_id = ? "
                "and person_id = ? and story = ? and status in ('queued', 'held', 'failed')",
                [utc_iso(until), *key],
            )

    def set_status(self, key: tuple[int, int, str], status: str) -> None:
        """An alert that will not be sent (folded into the briefing, dropped, blocked)."""
        with self.db.conn:
            self.db.execute(
                "update alerts set status = ?, finished_at = ? where chat_id = ? "
                "and person_id = ? and story = ? and status in ('queued', 'held', 'failed')",
                [status, utc_iso(datetime.now(UTC)), *key],
            )

    def sent_on(self, chat_id: int, day: date) -> int:
        marks = ",".join("?" * len(COUNTED))
        return int(
            self.db.execute(
                f"select count(*) from alerts where chat_id = ? and alert_day = ? "
                f"and status in ({marks})",
                [chat_id, day.isoformat(), *COUNTED],
            ).fetchone()[0]
        )

    def claim(
        self, key: tuple[int, int, str], run_id: str, day: date, cap: int, now: datetime
    ) -> bool:
        """Take the right to send this alert, if it is still to send and the chat has had
        fewer than ``cap`` alerts on ``day`` (its own date)."""
        marks = ",".join("?" * len(COUNTED))
        with self.db.conn:
            cursor: sqlite3.Cursor = self.db.execute(
                "update alerts set status = 'claimed', run_id = ?, claimed_at = ?, "
                "alert_day = ?, attempts = attempts + 1, error = null "
                "where chat_id = ? and person_id = ? and story = ? "
                "and status in ('queued', 'held', 'failed') "
                f"and (select count(*) from alerts where chat_id = ? and alert_day = ? "
                f"and status in ({marks})) < ?",
                [
                    run_id,
                    utc_iso(now),
                    day.isoformat(),
                    *key,
                    key[0],
                    day.isoformat(),
                    *COUNTED,
                    cap,
                ],
            )
        return cursor.rowcount == 1

    def finish(
        self,
        key: tuple[int, int, str],
        run_id: str,
        status: str,
        now: datetime,
        *,
        message_id: int | None = None,
        error: str | None = None,
        retry_at: datetime | None = None,
    ) -> bool:
        """Record how our claim ended; ``retry_at`` is when a failed one may go again."""
        with self.db.conn:
            cursor: sqlite3.Cursor = self.db.execute(
                "update alerts set status = ?, finished_at = ?, message_id = ?, error = ?, "
                "due_at = coalesce(?, due_at), alert_day = case when ? = 'failed' then null "
                "else alert_day end where chat_id = ? and person_id = ? and story = ? "
                "and status = 'claimed' and run_id = ?",
                [
                    status,
                    utc_iso(now),
                    message_id,
                    error,
                    utc_iso(retry_at) if retry_at else None,
                    status,
                    *key,
                    run_id,
                ],
            )
        return cursor.rowcount == 1

    def recover(self, run_id: str, now: datetime) -> int:
        """Claims left by an earlier run are in doubt: ``unconfirmed``, never re-sent."""
        with self.db.conn:
            cursor: sqlite3.Cursor = self.db.execute(
                "update alerts set status = 'unconfirmed', finished_at = ?, "
                "error = 'the bot stopped while this alert was being sent' "
                "where status = 'claimed' and run_id != ?",
                [utc_iso(now), run_id],
            )
        return cursor.rowcount

    def status(self, key: tuple[int, int, str]) -> str | None:
        row = self.db.execute(
            "select status from alerts where chat_id = ? and person_id = ? and story = ?", key
        ).fetchone()
        return row[0] if row else None

    def counts(self) -> dict[str, int]:
        return dict(self.db.execute("select status, count(*) from alerts group by status"))

    # -- the briefing ------------------------------------------------------------------------

    def folded_since(self, chat_id: int, since: datetime) -> list[dict[str, Any]]:
        """Alerts left out by the daily cap since ``since``: the briefing mentions them."""
        return list(
            self.db.query(
                "select a.person_id, p.name, a.article_id, ar.title from alerts a "
                "join people p on p.id = a.person_id join articles ar on ar.id = a.article_id "
                "where a.chat_id = ? and a.status = 'folded' and a.created_at > ? "
                "order by a.created_at, a.person_id",
                [chat_id, utc_iso(since)],
            )
        )

    def has_folded(self, chat_id: int) -> bool:
        return (
            self.db.execute(
                "select 1 from alerts where chat_id = ? and status = 'folded' limit 1", [chat_id]
            ).fetchone()
            is not None
        )
