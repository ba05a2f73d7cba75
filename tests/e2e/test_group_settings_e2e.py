"""A group's daily briefing end to end: only the group's admins may change it, all may read it.

The real Application talks to the local Bot API server, which answers ``getChatMember`` with
whatever status a test gave the user (``set_chat_member``); every call is checked against the
Bot API reference.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import time
from pathlib import Path

import pytest
from telegram import (
    ChatMemberAdministrator,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
)
from telegram.ext import Application

from bot import scheduling
from bot.config import Settings
from bot.delivery import utc_now
from bot.services import Services
from bot.store.subscriptions import BLOCKED
from handlers.permissions import COULD_NOT_CHECK, GROUP_ADMINS_ONLY
from handlers.subscribe import GROUP_BRIEFING_WAITS
from tests.botapi.pytest_plugin import BOT_TOKEN, assert_no_violations
from tests.botapi.server import BotApiServer, SentMessage
from tests.conftest import SEEDS, polling_bot

BOT_ADMIN = 42
OWNER = 601
GROUP_ADMIN = 602
MEMBER = 603
USER = 501
GROUP = -100_700
SUPERGROUP = "supergroup"


@dataclass
class Bot:
    api: BotApiServer
    services: Services
    application: Application

    async def say(
        self, chat_id: int, text: str, user_id: int | None = None, count: int = 1, **kwargs
    ) -> list[SentMessage]:
        """Send ``text``; the bot's next ``count`` messages in that chat."""
        before = len(self.api.sent(chat_id))
        if chat_id < 0:
            kwargs.setdefault("chat_type", SUPERGROUP)
        self.api.push_message(chat_id, text, user_id=user_id, **kwargs)
        return (await self.api.wait_for(before + count, chat_id=chat_id))[before:]

    async def press(self, message: SentMessage, data: str, user_id: int) -> str | None:
        """Press the shown button carrying ``data``; the text the press was answered with."""
        answers = len(self.api.callback_answers)
        self.api.press_button(message.chat_id, message.message_id, data, user_id=user_id)
        return await self._answer(answers)

    async def forge(self, message: SentMessage, data: str, user_id: int) -> str | None:
        """Press a button carrying ``data`` whether or not the message shows it now."""
        answers = len(self.api.callback_answers)
        self.api.forge_button_press(message.chat_id, message.message_id, data, user_id=user_id)
        return await self._answer(answers)

    async def _answer(self, answers: int) -> str | None:
        for _ in range(500):
            if len(self.api.callback_answers) > answers:
                return self.api.callback_answers[answers].get("text")
            await asyncio.sleep(0.01)
        raise AssertionError("the button press was never answered")

    def subscription(self, chat_id: int = GROUP):
        return self.services.store.subscriptions.get(chat_id)

    def followed(self, chat_id: int = GROUP) -> list[tuple[int, str]]:
        return self.services.store.subscriptions.followed(chat_id)

    def jobs(self, chat_id: int = GROUP) -> int:
        return len(scheduling.jobs_for(self.application, chat_id))

    def member_checks(self) -> int:
        return len(self.api.calls_to("getChatMember"))


@pytest.fixture
async def bot(bot_api: BotApiServer, tmp_path: Path) -> AsyncIterator[Bot]:
    settings = Settings(
        api_base_url=bot_api.base_url,
        db_path=tmp_path / "news.db",
        seeds_dir=SEEDS,
        admins=frozenset({BOT_ADMIN}),
    )
    async with polling_bot(settings, BOT_TOKEN) as (services, application):
        bot_api.add_chat(GROUP, SUPERGROUP)
        bot_api.set_chat_member(GROUP, OWNER, "creator")
        bot_api.set_chat_member(GROUP, GROUP_ADMIN, "administrator")
        bot_api.set_chat_member(GROUP, MEMBER, "member")
        yield Bot(bot_api, services, application)


def a_topic(bot: Bot) -> tuple[int, str]:
    topic = bot.services.store.articles.topic_counts(limit=1)[0]
    return topic["id"], topic["name"]


# -- commands -----------------------------------------------------------------------------------


async def test_a_members_subscribe_in_a_group_is_refused_and_stores_nothing(bot: Bot) -> None:
    [refused] = await bot.say(GROUP, "/subscribe 07:30 Europe/Berlin", MEMBER)
    assert GROUP_ADMINS_ONLY in refused.text
    assert bot.subscription() is None
    assert bot.jobs() == 0
    assert_no_violations(bot.api)


@pytest.mark.parametrize("admin", [GROUP_ADMIN, OWNER], ids=["administrator", "owner"])
async def test_a_group_administrator_or_owner_may_subscribe_the_group(bot: Bot, admin: int) -> None:
    [accepted] = await bot.say(GROUP, "/subscribe 07:30 Europe/Berlin", admin)
    assert "You're subscribed" in accepted.text
    subscription = bot.subscription()
    assert subscription is not None and subscription.clock == time(7, 30)
    assert bot.jobs() == 1
    assert_no_violations(bot.api)


async def test_an_anonymous_group_admin_may_subscribe_the_group(bot: Bot) -> None:
    [accepted] = await bot.say(GROUP, "/subscribe 07:30", anonymous_admin=True)
    assert "You're subscribed" in accepted.text
    assert bot.subscription() is not None
    # Writing as the group is proof enough: @GroupAnonymousBot's membership is never asked.
    assert bot.member_checks() == 0
    assert_no_violations(bot.api)


async def test_a_bot_admin_may_change_any_groups_briefing_without_being_its_member(
    bot: Bot,
) -> None:
    [accepted] = await bot.say(GROUP, "/subscribe 07:30", BOT_ADMIN)
    assert "You're subscribed" in accepted.text
    [stopped] = await bot.say(GROUP, "/unsubscribe", BOT_ADMIN)
    assert "no more daily briefings" in stopped.text
    assert bot.member_checks() == 0
    assert_no_violations(bot.api)


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        ("creator", True),
        ("administrator", True),
        ("member", False),
        ("left", False),
        ("kicked", False),
    ],
)
async def test_only_the_owner_and_administrators_may_subscribe_a_group(
    bot: Bot, status: str, allowed: bool
) -> None:
    user = 700
    bot.api.set_chat_member(GROUP, user, status)
    [answer] = await bot.say(GROUP, "/subscribe", user)
    assert ("You're subscribed" in answer.text) is allowed
    assert (GROUP_ADMINS_ONLY in answer.text) is not allowed
    assert (bot.subscription() is not None) is allowed
    assert_no_violations(bot.api)


async def test_a_members_unsubscribe_leaves_the_groups_briefing_running(bot: Bot) -> None:
    await bot.say(GROUP, "/subscribe 07:30", GROUP_ADMIN)
    before = bot.subscription()
    [refused] = await bot.say(GROUP, "/unsubscribe", MEMBER)
    assert GROUP_ADMINS_ONLY in refused.text
    assert bot.subscription() == before and before is not None and before.active
    assert bot.jobs() == 1
    assert_no_violations(bot.api)


async def test_a_members_follow_and_unfollow_in_a_group_are_refused(bot: Bot) -> None:
    topic_id, name = a_topic(bot)
    await bot.say(GROUP, "/subscribe 07:30", GROUP_ADMIN)
    [followed] = await bot.say(GROUP, f"/follow {name}", GROUP_ADMIN)
    assert "Following" in followed.text
    assert [t for t, _ in bot.followed()] == [topic_id]
    for command in (f"/unfollow {name}", "/unfollow", "/follow ukraine", "/follow"):
        [refused] = await bot.say(GROUP, command, MEMBER)
        assert refused.text == GROUP_ADMINS_ONLY, command
    assert [t for t, _ in bot.followed()] == [topic_id]
    [stopped] = await bot.say(GROUP, f"/unfollow {name}", GROUP_ADMIN)
    assert "Stopped following" in stopped.text
    assert bot.followed() == []
    assert_no_violations(bot.api)


async def test_members_still_read_the_groups_briefing_and_topics(bot: Bot) -> None:
    _, name = a_topic(bot)
    await bot.say(GROUP, "/subscribe 07:30", GROUP_ADMIN)
    await bot.say(GROUP, f"/follow {name}", GROUP_ADMIN)
    for command in ("/settings", "/following", "/brief", "/topics", "/help"):
        replies = await bot.say(GROUP, command, MEMBER)
        assert all(GROUP_ADMINS_ONLY not in m.text for m in replies), command
    [following] = await bot.say(GROUP, "/following", MEMBER)
    assert name in following.text
    assert_no_violations(bot.api)


# -- /settings buttons --------------------------------------------------------------------------


async def test_a_member_pressing_pause_is_refused_and_the_briefing_is_unchanged(bot: Bot) -> None:
    await bot.say(GROUP, "/subscribe 07:30", GROUP_ADMIN)
    before = bot.subscription()
    [menu] = await bot.say(GROUP, "/settings", MEMBER)
    assert await bot.press(menu, "st:pause", MEMBER) == GROUP_ADMINS_ONLY
    assert bot.subscription() == before
    assert bot.jobs() == 1
    # The menu was left as it was: no edit, no new message.
    assert bot.api.message(GROUP, menu.message_id)["text"] == menu.text
    assert not [c for c in bot.api.calls_to("editMessageText")]
    # The group's admin presses the same button on the same menu: paused.
    assert await bot.press(menu, "st:pause", GROUP_ADMIN) is None
    # The press is answered before the change is applied and the menu redrawn: wait for it.
    await bot.api.wait_for(lambda m: m.is_edit and m.message_id == menu.message_id, chat_id=GROUP)
    paused = bot.subscription()
    assert paused is not None and paused.paused
    assert bot.jobs() == 0
    assert_no_violations(bot.api)


async def test_a_member_may_still_turn_the_settings_pages_and_ask_for_the_briefing(
    bot: Bot,
) -> None:
    await bot.say(GROUP, "/subscribe 07:30", GROUP_ADMIN)
    before = bot.subscription()
    [menu] = await bot.say(GROUP, "/settings", MEMBER)
    for page, heading in (("st:time", "When should"), ("st:home", "briefing settings")):
        assert await bot.press(menu, page, MEMBER) is None
        # The press is answered before the menu is redrawn: wait for the redraw.
        await bot.api.wait_for(
            lambda m, h=heading: m.is_edit and m.message_id == menu.message_id and h in m.text,
            chat_id=GROUP,
        )
    sent = len(bot.api.sent(GROUP))
    assert await bot.press(menu, "st:now", MEMBER) == "Here it comes"
    await bot.api.wait_for(sent + 1, chat_id=GROUP)
    assert bot.subscription() == before
    assert_no_violations(bot.api)


async def test_every_settings_change_by_a_member_is_refused_and_changes_nothing(
    bot: Bot,
) -> None:
    topic_id, _ = a_topic(bot)
    [menu] = await bot.say(GROUP, "/settings", MEMBER)
    assert await bot.press(menu, "st:sub", MEMBER) == GROUP_ADMINS_ONLY
    assert bot.subscription() is None
    await bot.say(GROUP, "/subscribe 07:30 Europe/Berlin", GROUP_ADMIN)
    before = bot.subscription()
    for data in ("st:pause", "st:resume", "st:empty", "st:t:0600", "st:z:0", f"st:tp:{topic_id}"):
        assert await bot.forge(menu, data, MEMBER) == GROUP_ADMINS_ONLY, data
    assert bot.subscription() == before
    assert bot.followed() == []
    assert bot.jobs() == 1
    assert_no_violations(bot.api)


async def test_a_stream_of_button_presses_asks_telegram_about_the_presser_once(bot: Bot) -> None:
    await bot.say(GROUP, "/subscribe 07:30", GROUP_ADMIN)
    checks = bot.member_checks()
    [menu] = await bot.say(GROUP, "/settings", MEMBER)
    for _ in range(3):
        assert await bot.press(menu, "st:pause", MEMBER) == GROUP_ADMINS_ONLY
    assert bot.member_checks() == checks + 1
    for data in ("st:pause", "st:resume", "st:empty", "st:empty"):
        await bot.forge(menu, data, GROUP_ADMIN)
    # The admin's answer was cached when they subscribed the group.
    assert bot.member_checks() == checks + 1
    assert_no_violations(bot.api, ignore=["message is not modified"])


# -- Telegram cannot tell -----------------------------------------------------------------------


async def test_when_getchatmember_fails_the_change_is_refused_and_a_retry_works(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    bot.api.fail_next(
        "getChatMember",
        GROUP,
        error_code=400,
        description="Bad Request: member list is inaccessible",
    )
    with caplog.at_level(logging.WARNING, logger="handlers.permissions"):
        [refused] = await bot.say(GROUP, "/subscribe 07:30", GROUP_ADMIN)
    assert refused.text == COULD_NOT_CHECK
    assert bot.subscription() is None and bot.jobs() == 0
    [warning] = [r for r in caplog.records if r.name == "handlers.permissions"]
    assert (
        warning.levelno == logging.WARNING
        and "member list is inaccessible" in warning.message.lower()
    )
    assert BOT_TOKEN not in caplog.text
    # A failure is not remembered: asked again, Telegram answers and the admin is let through.
    [accepted] = await bot.say(GROUP, "/subscribe 07:30", GROUP_ADMIN)
    assert "You're subscribed" in accepted.text
    assert_no_violations(bot.api)


async def test_when_getchatmember_fails_a_button_press_is_answered_and_changes_nothing(
    bot: Bot,
) -> None:
    await bot.say(GROUP, "/subscribe 07:30", BOT_ADMIN)
    before = bot.subscription()
    [menu] = await bot.say(GROUP, "/settings", MEMBER)
    bot.api.fail_next("getChatMember", GROUP, error_code=502)
    assert await bot.press(menu, "st:pause", MEMBER) == COULD_NOT_CHECK
    assert bot.subscription() == before
    assert_no_violations(bot.api)


# -- private chats ------------------------------------------------------------------------------


async def test_in_a_private_chat_the_user_changes_their_own_briefing_as_before(bot: Bot) -> None:
    topic_id, name = a_topic(bot)
    [subscribed] = await bot.say(USER, "/subscribe 07:30")
    assert "You're subscribed" in subscribed.text
    [followed] = await bot.say(USER, f"/follow {name}")
    assert "Following" in followed.text
    [menu] = await bot.say(USER, "/settings")
    assert await bot.press(menu, "st:pause", USER) is None
    # The press is answered before the menu is redrawn: the edit is not /unsubscribe's reply.
    await bot.api.wait_for(lambda m: m.is_edit and "paused" in m.text, chat_id=USER)
    subscription = bot.subscription(USER)
    assert subscription is not None and subscription.paused
    assert [t for t, _ in bot.followed(USER)] == [topic_id]
    [stopped] = await bot.say(USER, "/unsubscribe")
    assert "no more daily briefings" in stopped.text
    assert bot.member_checks() == 0
    assert_no_violations(bot.api)


# -- the local server's getChatMember -----------------------------------------------------------


async def test_the_local_server_reports_each_status_as_its_chat_member_type(bot: Bot) -> None:
    bot.api.set_chat_member(GROUP, 801, "left")
    bot.api.set_chat_member(GROUP, 802, "kicked")
    get = bot.application.bot.get_chat_member
    expected = {
        OWNER: ChatMemberOwner,
        GROUP_ADMIN: ChatMemberAdministrator,
        MEMBER: ChatMemberMember,
        801: ChatMemberLeft,
        802: ChatMemberBanned,
        999: ChatMemberLeft,  # never seen in the group
    }
    for user_id, kind in expected.items():
        member = await get(GROUP, user_id)
        assert type(member) is kind and member.user.id == user_id
    # Whoever writes in a group is a member of it; in a private chat the user is the member.
    await bot.say(GROUP, "/help", 803)
    assert type(await get(GROUP, 803)) is ChatMemberMember
    await bot.say(USER, "/help")
    assert type(await get(USER, USER)) is ChatMemberMember
    with pytest.raises(ValueError, match="bad status"):
        bot.api.set_chat_member(GROUP, 804, "owner")
    assert_no_violations(bot.api)


# -- /start after the bot was removed --------------------------------------------------------


async def _stopped_by_a_block(bot: Bot) -> None:
    """The group subscribed by its admin, then stopped as when the bot was removed from it."""
    await bot.say(GROUP, "/subscribe 07:30 Europe/Berlin", GROUP_ADMIN)
    bot.services.store.subscriptions.deactivate(GROUP, BLOCKED, utc_now())
    scheduling.reschedule(bot.application, GROUP)
    assert not bot.subscription().active and bot.jobs() == 0


async def test_a_members_start_does_not_resume_a_group_briefing_stopped_by_a_block(
    bot: Bot,
) -> None:
    await _stopped_by_a_block(bot)
    _help, answer = await bot.say(GROUP, "/start", MEMBER, count=2)
    assert GROUP_BRIEFING_WAITS in answer.text
    assert not bot.subscription().active
    assert bot.subscription().inactive_reason == BLOCKED
    assert bot.jobs() == 0
    assert_no_violations(bot.api)


async def test_an_admins_start_resumes_a_group_briefing_stopped_by_a_block(bot: Bot) -> None:
    await _stopped_by_a_block(bot)
    _help, answer = await bot.say(GROUP, "/start", GROUP_ADMIN, count=2)
    assert "Welcome back" in answer.text
    assert bot.subscription().active
    assert bot.jobs() == 1
    assert_no_violations(bot.api)


async def test_start_in_a_group_with_a_running_briefing_asks_nobody(bot: Bot) -> None:
    await bot.say(GROUP, "/subscribe 07:30 Europe/Berlin", GROUP_ADMIN)
    checks = bot.member_checks()
    [_help] = await bot.say(GROUP, "/start", MEMBER)
    await asyncio.sleep(0.2)  # nothing more comes
    assert len(bot.api.sent(GROUP)) == 2
    assert bot.member_checks() == checks
    assert bot.subscription().active
