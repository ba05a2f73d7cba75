"""``my_chat_member`` end to end: blocking, removing or restricting the bot pauses a chat's
briefing at once; unblocking, re-adding or restoring its rights resumes it. The bot asks
Telegram for exactly the update kinds it handles."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from telegram.ext import Application

from bot import scheduling
from bot.config import Settings
from bot.services import Services
from bot.store.subscriptions import BLOCKED, UNSUBSCRIBED
from handlers import ALLOWED_UPDATES
from tests.botapi.pytest_plugin import BOT_TOKEN, assert_no_violations
from tests.botapi.server import BotApiServer
from tests.conftest import polling_bot

USER = 501
GROUP = -100_800
ADMIN = 602


@pytest.fixture
async def running(
    bot_api: BotApiServer, tmp_path: Path
) -> AsyncIterator[tuple[Services, Application]]:
    settings = Settings(
        api_base_url=bot_api.base_url, db_path=tmp_path / "news.db", seeds_dir=tmp_path / "none"
    )
    async with polling_bot(settings, BOT_TOKEN) as running:
        bot_api.add_chat(GROUP, "supergroup")
        bot_api.set_chat_member(GROUP, ADMIN, "administrator")
        yield running


async def until(condition: Callable[[], bool]) -> None:
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the bot never got there")


async def subscribed(bot_api: BotApiServer, chat_id: int, user_id: int) -> None:
    before = len(bot_api.sent(chat_id))
    kind = "private" if chat_id > 0 else "supergroup"
    bot_api.push_message(chat_id, "/subscribe 07:30", user_id=user_id, chat_type=kind)
    [answer] = (await bot_api.wait_for(before + 1, chat_id=chat_id))[before:]
    assert "You're subscribed" in answer.text


def active(services: Services, chat_id: int) -> bool:
    subscription = services.store.subscriptions.get(chat_id)
    return subscription is not None and subscription.active


async def test_blocking_the_bot_pauses_the_briefing_at_once_and_start_resumes_it(
    bot_api: BotApiServer, running: tuple[Services, Application]
) -> None:
    services, application = running
    await subscribed(bot_api, USER, USER)
    bot_api.push_my_chat_member(USER, "kicked")
    await until(lambda: not active(services, USER))
    assert services.store.subscriptions.get(USER).inactive_reason == BLOCKED
    assert not services.store.chats.can_post(USER)
    assert scheduling.jobs_for(application, USER) == ()
    # Unblocking (Telegram's "Restart") says "member" again.
    bot_api.push_my_chat_member(USER, "member")
    await until(lambda: active(services, USER))
    assert services.store.chats.can_post(USER)
    assert len(scheduling.jobs_for(application, USER)) == 1
    assert_no_violations(bot_api)


async def test_removing_the_bot_from_a_group_pauses_it_and_re_adding_resumes(
    bot_api: BotApiServer, running: tuple[Services, Application]
) -> None:
    services, application = running
    await subscribed(bot_api, GROUP, ADMIN)
    bot_api.push_my_chat_member(GROUP, "left", by_user_id=ADMIN)
    await until(lambda: not active(services, GROUP))
    assert scheduling.jobs_for(application, GROUP) == ()
    bot_api.push_my_chat_member(GROUP, "member", by_user_id=ADMIN)
    await until(lambda: active(services, GROUP))
    assert len(scheduling.jobs_for(application, GROUP)) == 1
    assert_no_violations(bot_api)


async def test_losing_the_right_to_send_pauses_a_group_and_getting_it_back_resumes(
    bot_api: BotApiServer, running: tuple[Services, Application]
) -> None:
    services, _ = running
    await subscribed(bot_api, GROUP, ADMIN)
    bot_api.push_my_chat_member(GROUP, "restricted", rights={"can_send_messages": False})
    await until(lambda: not active(services, GROUP))
    bot_api.push_my_chat_member(GROUP, "restricted", rights={"can_send_messages": True})
    await until(lambda: active(services, GROUP))
    assert_no_violations(bot_api)


async def test_an_unsubscribed_chat_stays_unsubscribed_when_the_bot_is_re_added(
    bot_api: BotApiServer, running: tuple[Services, Application]
) -> None:
    services, _ = running
    await subscribed(bot_api, GROUP, ADMIN)
    before = len(bot_api.sent(GROUP))
    bot_api.push_message(GROUP, "/unsubscribe", user_id=ADMIN, chat_type="supergroup")
    await bot_api.wait_for(before + 1, chat_id=GROUP)
    bot_api.push_my_chat_member(GROUP, "left")
    await until(lambda: not services.store.chats.can_post(GROUP))
    bot_api.push_my_chat_member(GROUP, "administrator")
    await until(lambda: services.store.chats.can_post(GROUP))
    subscription = services.store.subscriptions.get(GROUP)
    assert not subscription.active and subscription.inactive_reason == UNSUBSCRIBED
    assert_no_violations(bot_api)


async def test_the_bot_asks_for_exactly_the_update_kinds_it_handles(
    bot_api: BotApiServer, running: tuple[Services, Application]
) -> None:
    def polls() -> list:
        return [call for call in bot_api.calls_to("getUpdates") if "allowed_updates" in call.params]

    await until(lambda: bool(polls()))
    assert sorted(polls()[-1].params["allowed_updates"]) == sorted(ALLOWED_UPDATES)
    assert set(ALLOWED_UPDATES) == {"message", "callback_query", "inline_query", "my_chat_member"}
