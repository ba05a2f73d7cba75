"""Who gets a daily briefing, when, in which zone, and which topics they follow.

A subscription is never deleted: unsubscribing or blocking the bot only makes it inactive, so
``/subscribe`` (or ``/start`` after a block) brings back the same settings and follows.
Writes are plain SQL inside ``with conn`` so each change is one transaction.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, time, tzinfo
from typing import Any

from sqlite_utils import Database

from bot.clock import from_iso, utc_iso
from bot.timezones import zone

#: Why a subscription is inactive; only a block is undone by /start.
BLOCKED = "blocked"
UNSUBSCRIBED = "unsubscribed"


def create_subscription_tables(db: Database) -> None:
    """Migration 3: subscriptions, follows and the delivery log."""
    from bot.store.deliveries import create_delivery_table

    db.execute(
        """create table subscriptions (
            chat_id integer primary key,
            clock text not null,
            tz text not null,
            active integer not null default 1,
            paused integer not null default 0,
            send_empty integer not null default 1,
            inactive_reason text,
            created_at text not null,
            updated_at text not null,
            schedule_since text not null
        )"""
    )
    db.execute(
        """create table follows (
            chat_id integer not null,
            topic_id integer not null references topics(id) on delete cascade,
            created_at text not null,
            primary key (chat_id, topic_id)
        )"""
    )
    create_delivery_table(db)


@dataclass(frozen=True, slots=True)
class Subscription:
    chat_id: int
    clock: time
    tz: str
    active: bool
    paused: bool
    send_empty: bool
    inactive_reason: str | None
    created_at: datetime
    schedule_since: datetime

    @property
    def tzinfo(self) -> tzinfo:
        return zone(self.tz)

    @property
    def stopped_by_block(self) -> bool:
        """Deactivated because the bot was blocked or removed (``/start`` may resume it)."""
        return not self.active and self.inactive_reason == BLOCKED

    @property
    def deliverable(self) -> bool:
        """Should a job exist for it: active and not paused."""
        return self.active and not self.paused

    @property
    def clock_text(self) -> str:
        return self.clock.strftime("%H:%M")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Subscription:
        hours, minutes = row["clock"].split(":")
        return cls(
            chat_id=row["chat_id"],
            clock=time(int(hours), int(minutes)),
            tz=row["tz"],
            active=bool(row["active"]),
            paused=bool(row["paused"]),
            send_empty=bool(row["send_empty"]),
            inactive_reason=row["inactive_reason"],
            created_at=from_iso(row["created_at"]),
            schedule_since=from_iso(row["schedule_since"]),
        )


class SubscriptionStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- reading -----------------------------------------------------------------------------

    def get(self, chat_id: int) -> Subscription | None:
        rows = list(self.db.query("select * from subscriptions where chat_id = ?", [chat_id]))
        return Subscription.from_row(rows[0]) if rows else None

    def deliverable(self) -> list[Subscription]:
        """Every subscription that should have a daily job (active, not paused)."""
        return [
            Subscription.from_row(row)
            for row in self.db.query(
                "select * from subscriptions where active = 1 and paused = 0 order by chat_id"
            )
        ]

    def deliverable_times(self) -> list[tuple[int, str, str, str]]:
        """(chat, clock as HH:MM, zone, schedule_since) of every deliverable subscription: what
        the catch-up sweep needs, as plain tuples (it reads them all every few minutes)."""
        rows: list[tuple[int, str, str, str]] = self.db.execute(
            "select chat_id, clock, tz, schedule_since from subscriptions "
            "where active = 1 and paused = 0"
        ).fetchall()
        return rows

    def counts(self) -> dict[str, int]:
        row = self.db.execute(
            "select coalesce(sum(active = 1 and paused = 0), 0), "
            "coalesce(sum(active = 1 and paused = 1), 0), "
            "coalesce(sum(active = 0 and inactive_reason = 'blocked'), 0), "
            "coalesce(sum(active = 0 and coalesce(inactive_reason, '') != 'blocked'), 0) "
            "from subscriptions"
        ).fetchone()
        return dict(zip(("active", "paused", "blocked", "unsubscribed"), row, strict=True))

    # -- writing -----------------------------------------------------------------------------

    def subscribe(self, chat_id: int, clock: time, tz: str, now: datetime) -> Subscription:
        """Create or (re)activate with this time and zone; unpauses too."""
        stamp = utc_iso(now)
        with self.db.conn:
            self.db.execute(
                "insert into subscriptions (chat_id, clock, tz, created_at, updated_at, "
                "schedule_since) values (?, ?, ?, ?, ?, ?) on conflict(chat_id) do update set "
                "schedule_since = case when subscriptions.active = 0 or subscriptions.paused = 1 "
                "or subscriptions.clock != excluded.clock or subscriptions.tz != excluded.tz "
                "then excluded.schedule_since else subscriptions.schedule_since end, "
                "clock = excluded.clock, tz = excluded.tz, active = 1, paused = 0, "
                "inactive_reason = null, updated_at = excluded.updated_at",
                [chat_id, clock.strftime("%H:%M"), tz, stamp, stamp, stamp],
            )
        found = self.get(chat_id)
        assert found is not None
        return found

    def update(
        self,
        chat_id: int,
        now: datetime,
        *,
        clock: time | None = None,
        tz: str | None = None,
        paused: bool | None = None,
        send_empty: bool | None = None,
    ) -> Subscription | None:
        """Change some settings of an existing subscription; None when there is none."""
        current = self.get(chat_id)
        if current is None:
            return None
        new_clock = clock or current.clock
        new_tz = tz or current.tz
        new_paused = current.paused if paused is None else paused
        moved = (
            new_clock != current.clock
            or new_tz != current.tz
            or (current.paused and not new_paused)
        )
        stamp = utc_iso(now)
        with self.db.conn:
            self.db.execute(
                "update subscriptions set clock = ?, tz = ?, paused = ?, send_empty = ?, "
                "updated_at = ?, schedule_since = ? where chat_id = ?",
                [
                    new_clock.strftime("%H:%M"),
                    new_tz,
                    int(new_paused),
                    int(current.send_empty if send_empty is None else send_empty),
                    stamp,
                    stamp if moved else utc_iso(current.schedule_since),
                    chat_id,
                ],
            )
        return self.get(chat_id)

    def deactivate(self, chat_id: int, reason: str, now: datetime) -> bool:
        with self.db.conn:
            cursor: sqlite3.Cursor = self.db.execute(
                "update subscriptions set active = 0, inactive_reason = ?, updated_at = ? "
                "where chat_id = ? and active = 1",
                [reason, utc_iso(now), chat_id],
            )
        return cursor.rowcount > 0

    def reactivate_blocked(self, chat_id: int, now: datetime) -> Subscription | None:
        """Undo a deactivation caused by a block (the user came back); None if not blocked."""
        stamp = utc_iso(now)
        with self.db.conn:
            cursor: sqlite3.Cursor = self.db.execute(
                "update subscriptions set active = 1, inactive_reason = null, updated_at = ?, "
                "schedule_since = ? where chat_id = ? and active = 0 and inactive_reason = ?",
                [stamp, stamp, chat_id, BLOCKED],
            )
        return self.get(chat_id) if cursor.rowcount else None

    # -- follows -----------------------------------------------------------------------------

    def follow(self, chat_id: int, topic_id: int, now: datetime) -> bool:
        """True when newly followed, False when it already was."""
        with self.db.conn:
            cursor: sqlite3.Cursor = self.db.execute(
                "insert or ignore into follows (chat_id, topic_id, created_at) values (?, ?, ?)",
                [chat_id, topic_id, utc_iso(now)],
            )
        return cursor.rowcount > 0

    def unfollow(self, chat_id: int, topic_id: int) -> bool:
        with self.db.conn:
            cursor: sqlite3.Cursor = self.db.execute(
                "delete from follows where chat_id = ? and topic_id = ?", [chat_id, topic_id]
            )
        return cursor.rowcount > 0

    def followed(self, chat_id: int) -> list[tuple[int, str]]:
        """(topic id, name) of the chat's followed topics, alphabetically."""
        return [
            (row[0], row[1])
            for row in self.db.execute(
                "select t.id, t.name from follows f join topics t on t.id = f.topic_id "
                "where f.chat_id = ? order by t.name",
                [chat_id],
            )
        ]

    def followed_ids(self, chat_id: int) -> set[int]:
        return {topic_id for topic_id, _ in self.followed(chat_id)}
