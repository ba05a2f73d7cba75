"""Chats the bot has talked to: who they are, when they were last seen, whether the bot may
post there, and (forum groups) the topic their briefing and alerts go to.

A private chat's row keeps its user's @username and first name (the bot greets them); a
group's keeps neither, so it never holds the name of whoever spoke in it last.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime

from sqlite_utils import Database


def _without_waiting(db: Database) -> AbstractContextManager[None]:
    conn = db.conn
    return conn.without_waiting() if hasattr(conn, "without_waiting") else nullcontext()


class ChatStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def touch(
        self, chat_id: int, chat_type: str, username: str | None, first_name: str | None
    ) -> None:
        """Record that a chat wrote to us (first_seen is kept, the rest refreshed).

        Bookkeeping: it does not wait for another program's write lock (``StoreBusy`` at
        once), so a read-only command is answered while the database is locked."""
        if chat_type != "private":
            username = first_name = None
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with _without_waiting(self.db), self.db.conn:
            self.db.execute(
                "insert into chats (id, type, username, first_name, first_seen, last_seen) "
                "values (?, ?, ?, ?, ?, ?) on conflict(id) do update set type = excluded.type, "
                "username = excluded.username, first_name = excluded.first_name, "
                "last_seen = excluded.last_seen",
                [chat_id, chat_type, username, first_name, now, now],
            )

    def count(self) -> int:
        return int(self.db.execute("select count(*) from chats").fetchone()[0])

    def ensure(self, chat_id: int, chat_type: str) -> None:
        """A row for a chat the bot writes to without having heard from it (a channel)."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.db.conn:
            self.db.execute(
                "insert or ignore into chats (id, type, first_seen, last_seen) values (?, ?, ?, ?)",
                [chat_id, chat_type, now, now],
            )

    def set_can_post(self, chat_id: int, chat_type: str, can_post: bool) -> None:
        """What ``my_chat_member`` said: may the bot post in this chat now?"""
        self.ensure(chat_id, chat_type)
        with self.db.conn:
            self.db.execute("update chats set can_post = ? where id = ?", [int(can_post), chat_id])

    def can_post(self, chat_id: int) -> bool:
        row = self.db.execute("select can_post from chats where id = ?", [chat_id]).fetchone()
        return bool(row[0]) if row else True

    def set_thread(self, chat_id: int, thread_id: int | None) -> None:
        """The forum topic the chat's briefing and alerts go to (None: the main chat)."""
        with self.db.conn:
            self.db.execute("update chats set thread_id = ? where id = ?", [thread_id, chat_id])

    def thread_of(self, chat_id: int) -> int | None:
        row = self.db.execute("select thread_id from chats where id = ?", [chat_id]).fetchone()
        return row[0] if row else None

    def add_channel_admin(self, channel_id: int, user_id: int) -> None:
        """``user_id`` set up the channel's briefing: it shows in their /settings."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.db.conn:
            self.db.execute(
                "insert or ignore into channel_admins (channel_id, user_id, added_at) "
                "values (?, ?, ?)",
                [channel_id, user_id, now],
            )

    def channels_of(self, user_id: int) -> list[int]:
        """The channels whose briefing ``user_id`` set up, oldest first."""
        return [
            row[0]
            for row in self.db.execute(
                "select channel_id from channel_admins where user_id = ? order by added_at, "
                "channel_id",
                [user_id],
            )
        ]

    def set_title(self, chat_id: int, title: str) -> None:
        """A channel's @username or title, shown in its admins' /settings (a channel's
        name is public, unlike a group member's)."""
        with self.db.conn:
            self.db.execute("update chats set username = ? where id = ?", [title, chat_id])

    def title_of(self, chat_id: int) -> str | None:
        row = self.db.execute("select username from chats where id = ?", [chat_id]).fetchone()
        return row[0] if row else None
