"""The command menu: everyone sees the common commands; an admin's private chat, theirs too."""

from __future__ import annotations

from pathlib import Path

from bot.application import announce_commands
from bot.config import Settings
from tests.botapi.pytest_plugin import BOT_TOKEN, assert_no_violations
from tests.botapi.server import BotApiServer
from tests.conftest import SEEDS, polling_bot

ADMIN = 4242


async def test_admins_get_a_menu_with_the_admin_commands_and_others_the_common_one(
    bot_api: BotApiServer, tmp_path: Path
) -> None:
    settings = Settings(
        api_base_url=bot_api.base_url,
        db_path=tmp_path / "news.db",
        seeds_dir=SEEDS,
        admins=frozenset({ADMIN}),
    )
    async with polling_bot(settings, BOT_TOKEN) as (_services, application):
        await announce_commands(application)

    common = {c["command"] for c in bot_api.commands()}
    admin = {c["command"] for c in bot_api.commands({"type": "chat", "chat_id": ADMIN})}
    assert {"help", "who", "subscribe"} <= common
    assert "stats" not in common and "addfeed" not in common
    assert {"stats", "feeds", "addfeed", "removefeed"} <= admin
    assert common < admin
    assert_no_violations(bot_api)
