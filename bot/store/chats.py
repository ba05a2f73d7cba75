"""Chats the bot has talked to: who they are and when they were last seen.

A private chat's row keeps its user's @username and first name (the bot greets them); a
group's keeps neither, so it never holds the name of whoever spoke in it last.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlite_utils import Database


class ChatStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def touch(
        self, chat_id: int, chat_type: str, username: str | None, first_name: str | None
    ) -> None:
        """Record that a chat wrote to us (first_seen is kept, the rest refreshed)."""
        if chat_type != "private":
            username = first_name = None
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.db.conn:
            self.db.execute(
                "insert into chats (id, type, username, first_name, first_seen, last_seen) "
                "values (?, ?, ?, ?, ?, ?) on conflict(id) do update set type = excluded.type, "
                "username = excluded.username, first_name = excluded.first_name, "
                "last_seen = excluded.last_seen",
                [chat_id, chat_type, username, first_name, now, now],
            )

    def count(self) -> int:
        return self.db.execute("select count(*) from chats").fetchone()[0]
