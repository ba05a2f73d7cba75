"""The store's connection, kept on the file at its path when that file is deleted or replaced.

SQLite holds the file it opened, not its name: after ``rm newsbot.db``, or a rename over it,
every write still succeeds, into an inode nobody will read again, and a database put at the
path is ignored. So the file's identity (device, inode) is remembered when it is opened and
compared, one cheap ``stat``, when a write transaction begins (``with conn:``, which
every write of the store goes through, and ``begin`` for a batch), after one that wrote, and
whenever :meth:`WatchedConnection.check` is called (each update the bot handles, and a job every
30 s: see ``bot/store_watch.py``). Reads do not stat: they run on whichever file is open.

When the file changed, one ERROR is logged, the old connection is closed and the path opened
again as on a first start (``open_database``: a fresh, migrated database when the file was
deleted, the replacing database when it was replaced), then the listeners registered with
:meth:`~WatchedConnection.on_reopen` drop what they built from the old file.

A write already under way when the file went (it committed into the old inode) is not
retried: what it was computed from was read from the old file. It raises
:class:`StoreFileChanged` after the reopen, so the caller (the user, through the error
handler) can send it again, now to the new file.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from sqlite_utils import Database

from bot.store.connection import open_database

log = logging.getLogger(__name__)

FileId = tuple[int, int]

#: SQLite's files beside a WAL database, left behind by a connection closed after its database
#: file moved; a stale WAL would be read as part of whatever database is put at the path next.
JOURNAL_SUFFIXES = ("-wal", "-shm")


def file_id(path: Path) -> FileId | None:
    """(device, inode) of the file at ``path``; None when there is none."""
    try:
        found = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return found.st_dev, found.st_ino


class StoreBusy(sqlite3.OperationalError):
    """Another program held the database's write lock past the busy timeout: nothing was
    written; the change can be sent again once it is done."""


class StoreFileChanged(sqlite3.OperationalError):
    """A write committed into a database file that had just been deleted or replaced: it is
    not in the file now at the path (which is open instead), and was not retried."""


class WatchedConnection:
    """A ``sqlite3.Connection`` stand-in that reopens its path when the file there changes.

    sqlite-utils' ``Database`` and every part of the store hold this object, never the
    connection inside, so a reopen moves all of them at once. ``execute`` and ``executemany``
    are the inner connection's own bound methods (no extra call on the read path); anything
    else is looked up on the inner connection.
    """

    __slots__ = (
        "_broken",
        "_busy_ms",
        "_closed",
        "_conn",
        "_entered",
        "_id",
        "_journals",
        "_listeners",
        "execute",
        "executemany",
        "path",
        "reopens",
    )

    def __init__(self, path: Path | None, conn: sqlite3.Connection) -> None:
        #: None for ``:memory:``: nothing to watch.
        self.path = path
        #: How many times the file was found changed and opened again.
        self.reopens = 0
        self._entered: list[tuple[sqlite3.Connection, int]] = []
        self._listeners: list[Callable[[], None]] = []
        self._broken = False
        self._closed = False
        self._busy_ms: int | None = None
        self._bind(conn)

    def _bind(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self.execute = conn.execute
        self.executemany = conn.executemany
        if self._busy_ms is not None:
            conn.execute(f"pragma busy_timeout = {self._busy_ms}")
        if self.path is not None:
            self._id = file_id(self.path)
            self._journals = {s: file_id(Path(f"{self.path}{s}")) for s in JOURNAL_SUFFIXES}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # a slot of ours not set yet; never the inner connection's
            raise AttributeError(name)
        return getattr(self._conn, name)

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:  # sqlite-utils' enable_wal sets it
        self._conn.isolation_level = value

    def set_busy_timeout(self, seconds: float) -> None:
        """How long a write waits for another program's write lock before ``StoreBusy``
        (kept when the path is opened again). Reads never wait: the database is in WAL mode."""
        self._busy_ms = int(seconds * 1000)
        self._conn.execute(f"pragma busy_timeout = {self._busy_ms}")

    @contextmanager
    def without_waiting(self) -> Iterator[None]:
        """Writes inside give up at once when another program holds the write lock (for
        bookkeeping a handler can do without)."""
        previous = self._conn.execute("pragma busy_timeout").fetchone()[0]
        self._conn.execute("pragma busy_timeout = 0")
        try:
            yield
        finally:
            self._conn.execute(f"pragma busy_timeout = {int(previous)}")

    def on_reopen(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after each reopen (to drop what was built from the old file)."""
        self._listeners.append(listener)

    # -- the check -----------------------------------------------------------------------------

    def check(self) -> bool:
        """Reopen the path if the file there is not the one open; True when it did.

        Never inside a transaction or ``with`` block: their statements belong to the
        connection they began on (the write's own check comes when it commits).
        """
        if self.path is None or self._closed or self._entered:
            return False
        if not self._broken and self._conn.in_transaction:
            return False
        now = file_id(self.path)
        if now == self._id and not self._broken:
            return False
        self._reopen("deleted" if now is None else "replaced by another file")
        return True

    def _reopen(self, what: str) -> None:
        assert self.path is not None
        if not self._broken:
            log.error(
                "the database file %s was %s while the bot had it open; writes since then "
                "went to the old file and are lost. Opening %s again (a new, empty store if "
                "nothing is there).",
                self.path,
                what,
                self.path,
            )
            self._broken = True
            try:
                self._conn.close()
            except sqlite3.Error as error:
                log.warning("closing the old database connection failed: %s", error)
            self._remove_stale_journals()
        fresh = open_database(self.path)  # StoreError: stays broken, tried again next check
        self._bind(fresh.conn)
        self._broken = False
        self.reopens += 1
        for listener in self._listeners:
            listener()
        log.warning("database %s opened again (reopen %d)", self.path, self.reopens)

    def _remove_stale_journals(self) -> None:
        """Remove the old file's WAL and shared-memory files, which SQLite leaves behind when
        the database moved; only those very files (same inode), never another database's."""
        for suffix, known in self._journals.items():
            journal = Path(f"{self.path}{suffix}")
            if known is not None and file_id(journal) == known:
                journal.unlink(missing_ok=True)

    def _written_elsewhere(self) -> None:
        """After a commit: if the file changed meanwhile, the write is lost. Reopen and say so."""
        if self.path is None or file_id(self.path) == self._id:
            return
        path = self.path
        self._reopen("deleted or replaced during a write")
        raise StoreFileChanged(
            f"the database file {path} was deleted or replaced while a change was being "
            "written; the change is not in the file now open, send it again"
        )

    # -- transactions ------------------------------------------------------------------------

    def __enter__(self) -> WatchedConnection:
        self.check()
        conn = self._conn
        if not conn.in_transaction:
            # Explicit, and taking the write lock at once: a deferred transaction that read
            # first could not wait for another writer (SQLite answers "busy" at once then),
            # and Python's sqlite3 opens none before DDL.
            _begin_immediate(conn, self.path)
        self._entered.append((conn, conn.total_changes))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> Literal[False]:
        conn, changes_before = self._entered.pop()
        conn.__exit__(exc_type, exc, tb)  # commit, or roll back on an exception
        if exc_type is None and not self._entered and conn.total_changes != changes_before:
            self._written_elsewhere()
        return False

    def begin(self) -> None:
        """Open a transaction explicitly (``ArticleStore.batch``), on the file now at the path."""
        self.check()
        _begin_immediate(self._conn, self.path)

    def commit(self) -> None:
        self._conn.commit()
        self._written_elsewhere()

    def close(self) -> None:
        """Close for good: no later check opens the path again."""
        self._closed = True
        self._conn.close()


def _begin_immediate(conn: sqlite3.Connection, path: Path | None) -> None:
    """Take the write lock now, waiting at most the busy timeout; ``StoreBusy`` after that."""
    try:
        conn.execute("begin immediate")
    except sqlite3.OperationalError as error:
        if "locked" not in str(error) and "busy" not in str(error):
            raise
        waited = conn.execute("pragma busy_timeout").fetchone()[0] / 1000
        raise StoreBusy(
            f"the database {path or ':memory:'} is being written by another program "
            f"(waited {waited:g} s for it); nothing was changed"
        ) from None


def open_watched(path: Path | str) -> Database:
    """``open_database``, its connection wrapped in a :class:`WatchedConnection`."""
    memory = str(path) == ":memory:"
    db = open_database(path)
    return Database(WatchedConnection(None if memory else Path(path), db.conn))
