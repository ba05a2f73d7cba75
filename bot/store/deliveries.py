"""The delivery log: one row per (chat, briefing date), the heart of "exactly once".

A sender *claims* the row in a transaction right before the HTTP call and *finishes* it after
Telegram answers. The claim only succeeds when there is no row or the row is ``failed``
(Telegram said no, so nothing reached the chat), so two senders — two jobs, a job and an
admin fan-out, or a process restarted mid fan-out — can never both send.

A row still ``claimed`` by a previous process run is in doubt: that process died while its
request may or may not have reached Telegram, and the Bot API offers no way to ask. Sending
again could give the subscriber two briefings, which the product forbids, so at start-up such
rows become ``unconfirmed`` and are never re-sent; they are counted in /stats. The window is
one HTTP request per crash (claims happen after the rate-limit wait, and a normal shutdown
drains in-flight sends first).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime

from sqlite_utils import Database

from bot.clock import from_iso, utc_iso

CLAIMED = "claimed"  # a send is (or was, if the process died) in flight
SENT = "sent"  # Telegram confirmed the message
EMPTY = "empty"  # nothing new and the subscriber chose silence: done, nothing sent
FAILED = "failed"  # Telegram refused (429/5xx/network before sending): may be retried
BLOCKED = "blocked"  # 403: the user blocked the bot; the subscription is deactivated
ERROR = "error"  # a permanent refusal (400 and the like): not retried today
UNCONFIRMED = "unconfirmed"  # in doubt after a crash or an ambiguous timeout: never re-sent

#: Rows that mean "this briefing is dealt with": everything except a retryable failure.
DONE = frozenset({CLAIMED, SENT, EMPTY, BLOCKED, ERROR, UNCONFIRMED})
#: Rows whose window counts as "the previous briefing" for the next one.
DELIVERED = (SENT, EMPTY, UNCONFIRMED)


def create_delivery_table(db: Database) -> None:
    db.execute(
        """create table deliveries (
            chat_id integer not null,
            briefing_date text not null,
            status text not null,
            run_id text not null,
            attempts integer not null default 1,
            claimed_at text not null,
            finished_at text,
            message_id integer,
            window_start text,
            window_end text,
            stories integer,
            error text,
            primary key (chat_id, briefing_date)
        )"""
    )
    db.execute("create index deliveries_status on deliveries (status, claimed_at)")


@dataclass(frozen=True, slots=True)
class Window:
    """The stretch of ingest time a briefing covers: (start, end]."""

    start: datetime
    end: datetime


class DeliveryStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def claim(
        self,
        chat_id: int,
        day: date,
        run_id: str,
        window: Window,
        stories: int,
        now: datetime,
    ) -> bool:
        """Take the right to send (chat, day); False when someone already has or had it."""
        with self.db.conn:
            cursor: sqlite3.Cursor = self.db.execute(
                "insert into deliveries (chat_id, briefing_date, status, run_id, claimed_at, "
                "window_start, window_end, stories) values (?, ?, 'claimed', ?, ?, ?, ?, ?) "
                "on conflict(chat_id, briefing_date) do update set status = 'claimed', "
                "run_id = excluded.run_id, attempts = deliveries.attempts + 1, "
                "claimed_at = excluded.claimed_at, window_start = excluded.window_start, "
                "window_end = excluded.window_end, stories = excluded.stories, error = null "
                "where deliveries.status = 'failed'",
                [
                    chat_id,
                    day.isoformat(),
                    run_id,
                    utc_iso(now),
                    utc_iso(window.start),
                    utc_iso(window.end),
                    stories,
                ],
            )
        return cursor.rowcount == 1

    def finish(
        self,
        chat_id: int,
        day: date,
        run_id: str,
        status: str,
        now: datetime,
        *,
        message_id: int | None = None,
        error: str | None = None,
    ) -> bool:
        """Record how our claim ended; a row claimed by someone else is left alone."""
        with self.db.conn:
            cursor: sqlite3.Cursor = self.db.execute(
                "update deliveries set status = ?, finished_at = ?, message_id = ?, error = ? "
                "where chat_id = ? and briefing_date = ? and status = 'claimed' and run_id = ?",
                [status, utc_iso(now), message_id, error, chat_id, day.isoformat(), run_id],
            )
        return cursor.rowcount == 1

    def status(self, chat_id: int, day: date) -> str | None:
        row = self.db.execute(
            "select status from deliveries where chat_id = ? and briefing_date = ?",
            [chat_id, day.isoformat()],
        ).fetchone()
        return row[0] if row else None

    def is_done(self, chat_id: int, day: date) -> bool:
        return self.status(chat_id, day) in DONE

    def done_chats(self, day: date) -> set[int]:
        """Chats whose briefing for ``day`` is dealt with (one query for a whole fan-out)."""
        marks = ",".join("?" * len(DONE))
        return {
            row[0]
            for row in self.db.execute(
                f"select chat_id from deliveries where briefing_date = ? and status in ({marks})",
                [day.isoformat(), *sorted(DONE)],
            )
        }

    def previous_end(self, chat_id: int, before: date) -> datetime | None:
        """Where the last briefing before ``before`` stopped: the next one starts there."""
        marks = ",".join("?" * len(DELIVERED))
        row = self.db.execute(
            "select max(window_end) from deliveries where chat_id = ? and briefing_date < ? "
            f"and status in ({marks})",
            [chat_id, before.isoformat(), *DELIVERED],
        ).fetchone()
        return from_iso(row[0]) if row and row[0] else None

    def recover(self, run_id: str, now: datetime) -> int:
        """Rows left ``claimed`` by an earlier run become ``unconfirmed`` (see module doc)."""
        with self.db.conn:
            cursor: sqlite3.Cursor = self.db.execute(
                "update deliveries set status = 'unconfirmed', finished_at = ?, "
                "error = 'the bot stopped while this briefing was being sent' "
                "where status = 'claimed' and run_id != ?",
                [utc_iso(now), run_id],
            )
        return cursor.rowcount

    def counts_since(self, since: datetime) -> dict[str, int]:
        """Rows by status among those claimed since ``since`` (for /stats)."""
        return {
            row[0]: row[1]
            for row in self.db.execute(
                "select status, count(*) from deliveries where claimed_at >= ? group by status",
                [utc_iso(since)],
            )
        }
