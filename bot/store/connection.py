"""Opening the SQLite file: WAL, foreign keys, migrations, and a clear error when it is broken."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from bot.store.schema import migrate


class StoreError(RuntimeError):
    """The database cannot be used; the message says which file and why, in one line."""


def open_database(path: Path | str) -> Database:
    """Open (creating when missing) and upgrade the store at ``path``; ``:memory:`` works too."""
    memory = str(path) == ":memory:"
    if not memory:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(
            ":memory:" if memory else str(path), check_same_thread=False, timeout=10
        )
        db = Database(conn)
        db.execute("pragma foreign_keys = on")
        if not memory:
            db.enable_wal()
            db.execute("pragma synchronous = normal")
        # Reading the schema is enough to refuse a file that is not a database; a full
        # `pragma quick_check` would read every page (seconds at 100k articles) on each start.
        db.execute("select count(*) from sqlite_master").fetchone()
        migrate(db)
    except sqlite3.DatabaseError as error:
        raise StoreError(f"database {path} cannot be used: {error}") from None
    return db
