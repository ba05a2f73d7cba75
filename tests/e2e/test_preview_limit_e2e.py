"""/brief and "send me one now" post the whole briefing: limited per chat for non-admins."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from bot.preview_limit import GROUP_PREVIEWS, PREVIEW_LIMIT, PRIVATE_PREVIEWS, WINDOW, PreviewLimit
from tests.botapi.pytest_plugin import BOT_TOKEN, assert_no_violations
from tests.botapi.server import BotApiServer
from tests.conftest import SEEDS, polling_bot

GROUP = -1001234
MEMBER, OTHER_MEMBER, ADMIN = 71, 72, 42
USER = 73


class Clock:
    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


def briefings(api: BotApiServer, chat_id: int) -> int:
    return len([m for m in api.delivered(chat_id) if m.text.startswith("☀️ Your briefing")])


async def say(api: BotApiServer, chat_id: int, text: str, user_id: int) -> str:
    before = len(api.sent(chat_id))
    kind = "supergroup" if chat_id < 0 else "private"
    api.push_message(chat_id, text, user_id=user_id, chat_type=kind)
    return (await api.wait_for(before + 1, chat_id=chat_id))[before].text


async def test_a_group_gets_one_preview_per_window_and_admins_are_not_limited(
    bot_api: BotApiServer, tmp_path: Path
) -> None:
    settings = Settings(
        api_base_url=bot_api.base_url,
        db_path=tmp_path / "n.db",
        seeds_dir=SEEDS,
        admins=frozenset({ADMIN}),
    )
    async with polling_bot(settings, BOT_TOKEN) as (_, application):
        clock = Clock()
        application.bot_data[PREVIEW_LIMIT] = PreviewLimit(clock)
        for _ in range(GROUP_PREVIEWS):
            assert (await say(bot_api, GROUP, "/brief", MEMBER)).startswith("☀️")
        refusal = await say(bot_api, GROUP, "/brief", OTHER_MEMBER)  # the group's allowance
        assert "won't post another one just yet" in refusal
        assert (await say(bot_api, GROUP, "/brief", ADMIN)).startswith("☀️")
        clock.now += WINDOW
        assert (await say(bot_api, GROUP, "/brief", OTHER_MEMBER)).startswith("☀️")
        for _ in range(PRIVATE_PREVIEWS):
            assert (await say(bot_api, USER, "/brief", USER)).startswith("☀️")
        assert "just yet" in await say(bot_api, USER, "/brief", USER)
    assert briefings(bot_api, GROUP) == GROUP_PREVIEWS + 2
    assert briefings(bot_api, USER) == PRIVATE_PREVIEWS
    assert_no_violations(bot_api)
