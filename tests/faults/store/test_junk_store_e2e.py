"""The database file replaced by junk while the bot runs: each message gets one clear error
reply (not two), the bot keeps running, and a good file put back is used again."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

from bot.config import Settings
from handlers.fallback import UNAVAILABLE
from tests.botapi.pytest_plugin import BOT_TOKEN, assert_no_violations
from tests.botapi.server import BotApiServer
from tests.conftest import SEEDS, polling_bot

CHAT = 7201


async def test_a_store_replaced_by_junk_gets_one_clear_reply_per_message(
    bot_api: BotApiServer, tmp_path: Path
) -> None:
    db = tmp_path / "news.db"
    settings = Settings(api_base_url=bot_api.base_url, db_path=db, seeds_dir=SEEDS)
    async with polling_bot(settings, BOT_TOKEN):
        bot_api.push_message(CHAT, "/latest")
        await bot_api.wait_for(1, chat_id=CHAT)
        good = tmp_path / "good.db"
        shutil.copy(db, good)
        junk = tmp_path / "junk.db"
        junk.write_bytes(os.urandom(64 * 1024))
        os.replace(junk, db)
        # The last one needs no store: answered as ever.
        commands = (
            "/latest",
            "/subscribe 07:30",
            "/topics",
            "/settings",
            "/brief",
            "/start",
            "/following",
            "who said peace",
            "hello there",
        )
        for n, command in enumerate(commands, start=2):
            bot_api.push_message(CHAT, command)
            await bot_api.wait_for(n, chat_id=CHAT)
            await asyncio.sleep(0.3)  # a second reply, if any, would come in this time
            assert len(bot_api.sent(CHAT)) == n, [m.text for m in bot_api.sent(CHAT)]
            assert (bot_api.sent(CHAT)[-1].text == UNAVAILABLE) == (command != "hello there")
        for suffix in ("-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        os.replace(good, db)
        bot_api.push_message(CHAT, "/latest")
        end = len(commands) + 2
        [latest] = (await bot_api.wait_for(end, chat_id=CHAT))[end - 1 :]
        assert latest.text != UNAVAILABLE
    assert_no_violations(bot_api)
