"""Another program holds the database's write lock longer than the bot's busy timeout:
read-only commands keep being answered, a change gets a clear "send it again" and nothing
half-done, and sent again once the lock is gone it is applied."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.config import Settings
from handlers.fallback import BUSY
from tests.botapi.pytest_plugin import BOT_TOKEN, assert_no_violations
from tests.botapi.server import BotApiServer
from tests.conftest import SEEDS, polling_bot

READER = 7101
WRITER = 7102

HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("begin exclusive")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("rollback")
"""


@contextmanager
def write_lock_held_by_another_process(db: Path) -> Iterator[subprocess.Popen[str]]:
    """A process in ``BEGIN EXCLUSIVE`` on ``db`` until the block ends (no timer: the test
    says when)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield holder
    finally:
        if holder.poll() is None:
            assert holder.stdin is not None
            holder.stdin.write("done\n")
            holder.stdin.flush()
        holder.wait(timeout=10)


async def test_a_locked_store_answers_reads_and_asks_to_send_a_change_again(
    bot_api: BotApiServer, tmp_path: Path
) -> None:
    db = tmp_path / "news.db"
    settings = Settings(api_base_url=bot_api.base_url, db_path=db, seeds_dir=SEEDS)
    async with polling_bot(settings, BOT_TOKEN) as (services, _):
        with write_lock_held_by_another_process(db) as holder:
            for n, chat in enumerate((READER, READER, WRITER)):
                bot_api.push_message(chat, "/latest")
                await bot_api.wait_for(n + 1 if chat == READER else 1, chat_id=chat)
            assert all("Sorry" not in m.text for m in bot_api.sent(READER))
            bot_api.push_message(WRITER, "/subscribe 07:30 Europe/Berlin")
            await bot_api.wait_for(lambda m: m.text == BUSY, chat_id=WRITER)
            assert holder.poll() is None, "the lock was still held when the bot answered"
            assert services.store.subscriptions.get(WRITER) is None
        before = len(bot_api.sent(WRITER))
        bot_api.push_message(WRITER, "/subscribe 07:30 Europe/Berlin")
        await bot_api.wait_for(before + 1, chat_id=WRITER)
        subscription = services.store.subscriptions.get(WRITER)
        assert subscription is not None and subscription.clock_text == "07:30"
    assert [m.text for m in bot_api.sent(WRITER)].count(BUSY) == 1
    assert_no_violations(bot_api)
