"""The disk fills up during a save (simulated with ``PRAGMA max_page_count``): nothing of the
article is written, one clear log line says so, and the bot keeps answering reads."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from bot.config import Settings
from bot.ingest import ingest_paths, ingest_text
from bot.store import Store
from tests.botapi.pytest_plugin import BOT_TOKEN, assert_no_violations
from tests.botapi.server import BotApiServer
from tests.conftest import SEEDS, polling_bot

ADMIN = 4343
TABLES = ("articles", "quotes", "people", "article_people", "topics", "entities", "chats")


def big_article(title: str) -> str:
    lines = [f"title: {title}", "date: 2026-11-20", ""]
    for n in range(400):
        lines.append(
            f'"Paragraph {n} says the harbour reopened," said Dock Worker {n}, after the '
            f"vote of the {n}th assembly of the union in Rotterdam on Friday.\n"
        )
    return "\n".join(lines)


def counts(store: Store) -> dict[str, int]:
    return {t: store.db.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}


def fill_the_disk(store: Store) -> None:
    """No page beyond those the file has: the next write that needs one fails as a full disk."""
    pages = store.db.execute("pragma page_count").fetchone()[0]
    store.db.execute(f"pragma max_page_count = {pages}")


def test_a_save_on_a_full_disk_writes_nothing_and_says_so(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = Store.open(db_path)
    try:
        ingest_paths(store, [SEEDS])
        before = counts(store)
        fill_the_disk(store)
        with caplog.at_level(logging.ERROR), pytest.raises(sqlite3.OperationalError, match="full"):
            ingest_text(store, big_article("Harbour Reopens"), slug="harbour")
        assert counts(store) == before
        assert store.articles.by_slug("harbour") is None
        assert store.db.execute("pragma integrity_check").fetchone()[0] == "ok"
        [line] = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert "could not save article harbour: the disk is full" in line
        assert "nothing of it was written" in line
        assert len(store.articles.latest(10)) == before["articles"]  # reads still work
        store.db.execute("pragma max_page_count = 1073741823")  # room again
        assert ingest_text(store, big_article("Harbour Reopens"), slug="harbour").status == "added"
        assert store.articles.count() == before["articles"] + 1
    finally:
        store.close()


async def test_the_bot_keeps_answering_reads_when_an_upload_meets_a_full_disk(
    bot_api: BotApiServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(
        api_base_url=bot_api.base_url,
        db_path=tmp_path / "news.db",
        seeds_dir=SEEDS,
        admins=frozenset({ADMIN}),
    )
    async with polling_bot(settings, BOT_TOKEN) as (services, _):
        bot_api.push_message(ADMIN, "/latest")  # the admin's chat row exists before the fill
        await bot_api.wait_for(1, chat_id=ADMIN)
        store = services.store
        before = counts(store)
        fill_the_disk(store)
        with caplog.at_level(logging.ERROR):
            bot_api.push_document(
                ADMIN, "harbour.txt", big_article("Harbour Reopens").encode(), "text/plain"
            )
            [answer] = (await bot_api.wait_for(2, chat_id=ADMIN))[1:]
        assert "Sorry" in answer.text
        assert counts(store) == before
        assert any("the disk is full" in r.getMessage() for r in caplog.records)
        bot_api.push_message(ADMIN, "/latest")
        [latest] = (await bot_api.wait_for(3, chat_id=ADMIN))[2:]
        assert "Sorry" not in latest.text and "Harbour" not in latest.text
    assert_no_violations(bot_api)
