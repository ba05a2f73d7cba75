"""The database file deleted or replaced while the store has it open (``bot/store/watched.py``).

Real SQLite files throughout: the file is removed or renamed over as an operator would, and
what was saved afterwards is read back by opening the path again, as a restart would.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from bot import scheduling
from bot.config import Settings
from bot.services import Services
from bot.store import Store, StoreFileChanged
from tests.botapi.pytest_plugin import BOT_TOKEN, assert_no_violations
from tests.botapi.server import BotApiServer
from tests.conftest import make_article, polling_bot

NOW = datetime(2025, 7, 3, 9, 0, tzinfo=UTC)


def watch_errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [
        r for r in caplog.records if r.name == "bot.store.watched" and r.levelno >= logging.ERROR
    ]


def subscribed_chats(path: Path) -> list[int]:
    """The chats subscribed in the file at ``path``, read as a restarted bot would."""
    reopened = Store.open(path)
    try:
        return [s.chat_id for s in reopened.subscriptions.deliverable()]
    finally:
        reopened.close()


def save(store: Store, slug: str, quote: str, speaker: str) -> None:
    article = make_article(
        title=f"Story {slug}", quotes=[(quote, speaker)], people=[(speaker, None)]
    )
    store.articles.save(article, slug=slug, content_hash=f"hash-{slug}", text="x" * 200)


def test_a_deleted_file_is_noticed_and_what_is_saved_next_lands_in_the_new_file(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = Store.open(db_path)
    store.subscriptions.subscribe(1, time(7, 30), "Europe/Berlin", NOW)
    save(store, "before", "The harbour stays open all winter.", "Ann Lee")

    os.remove(db_path)  # `rm newsbot.db`: SQLite's -wal and -shm files stay behind
    # The same text again first: the old file had it, the new one must get it.
    save(store, "before", "The harbour stays open all winter.", "Ann Lee")
    store.subscriptions.subscribe(2, time(8, 0), "UTC", NOW)
    save(store, "after", "Trains will run every ten minutes.", "Bob Ray")
    store.chats.touch(2, "private", "bob", "Bob")
    store.close()

    assert subscribed_chats(db_path) == [2]
    again = Store.open(db_path)
    try:
        slugs = [r[0] for r in again.db.execute("select slug from articles order by slug")]
        assert slugs == ["after", "before"]
        assert again.chats.count() == 1
        assert again.db.execute("pragma integrity_check").fetchone()[0] == "ok"
    finally:
        again.close()
    assert store.reopens == 1
    [error] = watch_errors(caplog)
    assert str(db_path) in error.getMessage() and "deleted" in error.getMessage()


def test_a_file_replaced_by_another_database_is_used_from_then_on(
    db_path: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = Store.open(db_path)
    store.subscriptions.subscribe(1, time(7, 30), "UTC", NOW)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("create table kept (note text)")
        conn.execute("insert into kept values ('from the other file')")
    conn.close()

    os.replace(other, db_path)  # a rename over the open file
    store.subscriptions.subscribe(3, time(9, 0), "UTC", NOW)
    # The replacing file's own table is read, not pages of the old file's stale WAL.
    assert store.db.execute("select note from kept").fetchall() == [("from the other file",)]
    store.close()

    assert subscribed_chats(db_path) == [3]
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("select note from kept").fetchall() == [("from the other file",)]
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert store.reopens == 1
    [error] = watch_errors(caplog)
    assert "replaced" in error.getMessage()


def test_a_write_under_way_when_the_file_goes_raises_and_the_next_one_lands(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = Store.open(db_path)
    with pytest.raises(StoreFileChanged, match="send it again"), store.db.conn:
        store.db.execute(
            "insert into chats (id, type, first_seen, last_seen) values (5, 'private', "
            "'2025-07-03', '2025-07-03')"
        )
        os.remove(db_path)  # after the write began, before it committed
    store.subscriptions.subscribe(5, time(7, 0), "UTC", NOW)
    store.close()

    assert subscribed_chats(db_path) == [5]
    assert store.reopens == 1
    assert len(watch_errors(caplog)) == 1


def test_normal_use_with_wal_files_and_other_connections_never_reopens(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = Store.open(db_path)
    assert Path(f"{db_path}-wal").exists()
    for n in range(30):
        save(store, f"a{n}", f"Quote number {n} is about the port.", "Ann Lee")
        store.subscriptions.subscribe(n, time(7, n % 60), "UTC", NOW)
        assert store.check_file() is False
    with store.articles.batch():
        for n in range(30, 60):
            save(store, f"a{n}", f"Quote number {n} is about rail.", "Bob Ray")
    # Another process writing and closing (`newsbot ingest`), and the WAL checkpointed.
    other = Store.open(db_path)
    save(other, "from-cli", "Another connection wrote this.", "Cy Doe")
    other.close()
    store.db.execute("pragma wal_checkpoint(truncate)")
    store.chats.touch(1, "private", None, None)
    assert store.check_file() is False
    assert store.articles.count() == 61
    store.close()
    assert store.check_file() is False  # closed for good: nothing opens the path again
    assert store.reopens == 0
    assert watch_errors(caplog) == []


def test_the_search_index_starts_over_with_the_new_file(tmp_path: Path) -> None:
    settings = Settings(db_path=tmp_path / "news.db", seeds_dir=tmp_path / "no-seeds")
    services = Services.start(settings)
    try:
        save(services.store, "old", "The harbour stays open all winter.", "Ann Lee")
        services.search.refresh()
        assert services.search.who_said("harbour stays open all winter")
        assert services.search.people("Ann Lee")

        os.remove(settings.db_path)
        assert services.store.check_file() is True  # the periodic check
        assert services.search.who_said("harbour stays open all winter") == []
        assert services.search.people("Ann Lee") == []
        save(services.store, "new", "Trains will run every ten minutes.", "Bob Ray")
        hits = services.search.who_said("trains will run every ten minutes")
        assert hits and hits[0].score >= 95
        assert [hit.name for hit in services.search.people("Bob Ray")] == ["Bob Ray"]
        assert services.store.articles.count() == 1
    finally:
        services.close()


# -- end to end: the real Application long-polling the local Bot API server ---------------------


async def test_a_bot_whose_database_is_deleted_keeps_taking_subscriptions(
    bot_api: BotApiServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(
        api_base_url=bot_api.base_url,
        db_path=tmp_path / "news.db",
        seeds_dir=tmp_path / "no-seeds",
    )

    async def say(chat_id: int, text: str) -> str:
        before = len(bot_api.sent(chat_id))
        bot_api.push_message(chat_id, text)
        return (await bot_api.wait_for(before + 1, chat_id=chat_id))[before].text

    async with polling_bot(settings, BOT_TOKEN) as (services, application):
        assert "You're subscribed" in await say(501, "/subscribe 07:30 Europe/Berlin")
        assert len(scheduling.jobs_for(application, 501)) == 1

        os.remove(settings.db_path)
        # The chat's earlier subscription went with the file: it subscribes anew, at 06:45.
        assert "You're subscribed" in await say(501, "/subscribe 06:45")
        assert "You're subscribed" in await say(502, "/subscribe 08:00 UTC")
        assert services.store.reopens == 1
        assert len(scheduling.jobs_for(application, 502)) == 1
        assert_no_violations(bot_api)

    with sqlite3.connect(settings.db_path) as conn:
        rows = conn.execute("select chat_id, clock from subscriptions order by chat_id").fetchall()
        chats = conn.execute("select id from chats order by id").fetchall()
    conn.close()
    assert rows == [(501, "06:45"), (502, "08:00")]
    assert chats == [(501,), (502,)]
    assert len(watch_errors(caplog)) == 1
