"""A channel's briefing end to end: ``/subscribe @channel 07:30 Europe/Berlin`` from a private
chat works only for an administrator of the channel, when the bot may post there; the channel
then shows in that user's /settings and its briefing is posted in it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, time
from pathlib import Path

import pytest
from telegram.ext import Application

from bot.config import Settings
from bot.delivery import Outcome
from bot.scheduling import deliverer
from bot.services import Services
from handlers.channels import FROM_PRIVATE_CHAT
from tests.botapi.pytest_plugin import BOT_TOKEN, assert_no_violations
from tests.botapi.server import BotApiServer, SentMessage
from tests.live_bot import live_bot

CHANNEL = -100_123_456
NAME = "worldnews"
OWNER = 701
EDITOR = 702
READER = 703
GROUP = -100_555


@pytest.fixture
async def running(
    bot_api: BotApiServer, tmp_path: Path
) -> AsyncIterator[tuple[Services, Application]]:
    settings = Settings(
        api_base_url=bot_api.base_url, db_path=tmp_path / "news.db", seeds_dir=tmp_path / "none"
    )
    async with live_bot(settings, BOT_TOKEN) as running:
        bot_api.add_chat(CHANNEL, "channel", username=NAME)
        bot_api.set_chat_member(CHANNEL, OWNER, "creator")
        bot_api.set_chat_member(CHANNEL, EDITOR, "administrator")
        bot_api.set_chat_member(CHANNEL, READER, "member")
        yield running


def bot_may_post(bot_api: BotApiServer, may: bool = True) -> None:
    bot_api.set_chat_member(
        CHANNEL, bot_api.bot_user["id"], "administrator", rights={"can_post_messages": may}
    )


async def say(bot_api: BotApiServer, user: int, text: str) -> SentMessage:
    before = len(bot_api.sent(user))
    bot_api.push_message(user, text)
    [answer] = (await bot_api.wait_for(before + 1, chat_id=user))[before:]
    return answer


@pytest.mark.parametrize("admin", [OWNER, EDITOR], ids=["owner", "administrator"])
async def test_an_admin_subscribes_the_channel_and_sees_it_in_settings(
    bot_api: BotApiServer, running: tuple[Services, Application], admin: int
) -> None:
    services, application = running
    bot_may_post(bot_api)
    answer = await say(bot_api, admin, f"/subscribe @{NAME} 07:30 Europe/Berlin")
    assert f"@{NAME} is subscribed" in answer.text
    subscription = services.store.subscriptions.get(CHANNEL)
    assert subscription is not None and subscription.active
    assert subscription.clock == time(7, 30) and subscription.tz == "Europe/Berlin"
    assert services.store.subscriptions.get(admin) is None  # the user's own chat is untouched
    settings = await say(bot_api, admin, "/settings")
    assert f"@{NAME}: 07:30 · Europe/Berlin" in settings.text
    # The briefing is posted in the channel.
    sender = deliverer(application)
    assert sender is not None
    assert await sender.submit(CHANNEL, date(2030, 1, 2)) == Outcome.SENT
    [posted] = bot_api.sent(CHANNEL)
    assert "Your briefing" in posted.text
    assert_no_violations(bot_api)


async def test_a_channel_member_who_is_no_admin_is_refused(
    bot_api: BotApiServer, running: tuple[Services, Application]
) -> None:
    services, _ = running
    bot_may_post(bot_api)
    for user in (READER, 704):  # a subscriber of the channel, and a stranger
        answer = await say(bot_api, user, f"/subscribe @{NAME} 07:30")
        assert "Only an administrator" in answer.text
    assert services.store.subscriptions.get(CHANNEL) is None
    assert services.store.chats.channels_of(READER) == []
    assert_no_violations(bot_api)


async def test_refused_while_the_bot_may_not_post_in_the_channel(
    bot_api: BotApiServer, running: tuple[Services, Application]
) -> None:
    services, _ = running
    answer = await say(bot_api, OWNER, f"/subscribe @{NAME} 07:30")
    assert "I may not post" in answer.text
    bot_may_post(bot_api, False)
    answer = await say(bot_api, OWNER, f"/subscribe @{NAME} 07:30")
    assert "I may not post" in answer.text
    assert services.store.subscriptions.get(CHANNEL) is None
    assert_no_violations(bot_api)


async def test_unknown_channels_bad_names_and_groups_are_refused_and_change_nothing(
    bot_api: BotApiServer, running: tuple[Services, Application]
) -> None:
    services, _ = running
    bot_may_post(bot_api)
    answer = await say(bot_api, OWNER, "/subscribe @nosuchchannel 07:30")
    assert "can't find the channel" in answer.text
    answer = await say(bot_api, OWNER, "/subscribe @<b>& 07:30")
    assert "is not a channel's @username" in answer.text
    answer = await say(bot_api, OWNER, f"/subscribe @{NAME} 25:99")
    assert "as a time" in answer.text
    bot_api.add_chat(GROUP, "supergroup")
    before = len(bot_api.sent(GROUP))
    bot_api.push_message(GROUP, f"/subscribe @{NAME} 07:30", user_id=OWNER, chat_type="supergroup")
    [refused] = (await bot_api.wait_for(before + 1, chat_id=GROUP))[before:]
    assert refused.text.startswith("A channel's briefing is set up in a private chat")
    assert FROM_PRIVATE_CHAT.startswith("A channel's briefing")
    assert services.store.subscriptions.get(CHANNEL) is None
    assert services.store.subscriptions.get(GROUP) is None
    assert_no_violations(bot_api, ignore=["chat not found"])  # asked about @nosuchchannel


async def test_an_admin_stops_the_channels_briefing_and_a_reader_cannot(
    bot_api: BotApiServer, running: tuple[Services, Application]
) -> None:
    services, _ = running
    bot_may_post(bot_api)
    await say(bot_api, OWNER, f"/subscribe @{NAME} 07:30")
    refused = await say(bot_api, READER, f"/unsubscribe @{NAME}")
    assert "Only an administrator" in refused.text
    assert services.store.subscriptions.get(CHANNEL).active
    stopped = await say(bot_api, EDITOR, f"/unsubscribe @{NAME}")
    assert "no more daily briefings" in stopped.text
    assert not services.store.subscriptions.get(CHANNEL).active
    assert_no_violations(bot_api)
