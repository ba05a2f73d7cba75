"""Adversarial input end to end: what a Telegram user (or a modified client) can send.

The real Application talks to the local Bot API server; every call is checked against the Bot
API reference. Forged callback data goes through ``forge_button_press`` (any data, on a message
the bot really sent), as a modified client can do.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import time
from pathlib import Path

import pytest

from bot.config import Settings
from bot.services import Services
from tests.botapi.pytest_plugin import BOT_TOKEN, assert_no_violations
from tests.botapi.server import BotApiServer, SentMessage
from tests.conftest import SEEDS, polling_bot

ADMIN = 42
USER = 501
OTHER = 502
GROUP = -100_500
CHANNEL = -100_600
SORRY = "something went wrong"


@dataclass
class Bot:
    api: BotApiServer
    services: Services
    db_path: Path

    async def say(self, chat_id: int, text: str, count: int = 1, **kwargs) -> list[SentMessage]:
        before = len(self.api.sent(chat_id))
        self.api.push_message(chat_id, text, **kwargs)
        return (await self.api.wait_for(before + count, chat_id=chat_id))[before:]

    async def forge(
        self, message: SentMessage, data: str, count: int = 1, *, expired: bool = False
    ) -> list[SentMessage]:
        """Press a button that carries ``data`` (shown or not); the bot's next ``count``
        messages, once the press has been answered (an expired one cannot be)."""
        before = len(self.api.sent(message.chat_id))
        answers = len(self.api.callback_answers)
        self.api.forge_button_press(message.chat_id, message.message_id, data, expired=expired)
        if not expired:
            await self.wait_answered(answers)
        found = await self.api.wait_for(before + count, chat_id=message.chat_id)
        return found[before:]

    async def wait_answered(self, answers: int) -> None:
        import asyncio

        for _ in range(500):
            if len(self.api.callback_answers) > answers:
                return
            await asyncio.sleep(0.01)
        raise AssertionError("the button press was never answered")

    async def silent(self, chat_id: int, text: str, **kwargs) -> None:
        """``text`` gets no reply: a /help sent after it is the next thing answered."""
        before = len(self.api.sent(chat_id))
        self.api.push_message(chat_id, text, **kwargs)
        self.api.push_message(chat_id, "/help", **kwargs)
        await self.api.wait_for(before + 1, chat_id=chat_id)
        replies = self.api.sent(chat_id)[before:]
        assert len(replies) == 1 and "Commands" in replies[0].text, [r.text for r in replies]


@pytest.fixture
async def bot(bot_api: BotApiServer, tmp_path: Path) -> AsyncIterator[Bot]:
    async for running in _start(bot_api, tmp_path, SEEDS):
        yield running


@pytest.fixture
async def empty_bot(bot_api: BotApiServer, tmp_path: Path) -> AsyncIterator[Bot]:
    async for running in _start(bot_api, tmp_path, tmp_path / "no-seeds"):
        yield running


async def _start(bot_api: BotApiServer, tmp_path: Path, seeds: Path) -> AsyncIterator[Bot]:
    settings = Settings(
        api_base_url=bot_api.base_url,
        db_path=tmp_path / "news.db",
        seeds_dir=seeds,
        admins=frozenset({ADMIN}),
    )
    async with polling_bot(settings, BOT_TOKEN) as (services, _):
        yield Bot(bot_api, services, settings.db_path)


def no_sorry(messages: list[SentMessage]) -> None:
    assert messages and all(SORRY not in m.text for m in messages), [m.text for m in messages]


# -- forged callback data ---------------------------------------------------------------------

HUGE = "9" * 20


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (f"ar:{HUGE}", "expired"),
        ("ar:999999", "There is no article 999999"),
        ("ar:²", "expired"),
        ("ar:-1", "expired"),
        (f"lt:{HUGE}", "expired"),
        ("lt:500", "No older articles"),
        (f"pq:1:{HUGE}", ""),
        (f"pq:{HUGE}:0", "expired"),
        ("pq:999999:0", "no longer know that person"),
        ("pq:²:0", "expired"),
        (f"tp:{HUGE}:0", "expired"),
        ("tp:999999:0", "That topic is gone"),
        ("tp:1:²", "expired"),
        (f"qs:{HUGE}", "no longer available"),
        ("qs:-1,0", "no longer available"),
        ("qs:²,³", "no longer available"),
    ],
)
async def test_forged_numbers_in_buttons_get_a_friendly_answer(
    bot: Bot, data: str, expected: str
) -> None:
    [latest] = await bot.say(USER, "/latest")
    replies = await bot.forge(latest, data)
    no_sorry(replies)
    assert expected in replies[0].text
    assert_no_violations(bot.api)


@pytest.mark.parametrize(
    "data", [f"st:tp:{HUGE}", "st:z:²", f"st:z:{HUGE}", "st:t:²²²²", "st:t:9999", "st:zzz"]
)
async def test_forged_settings_buttons_change_nothing_and_show_the_settings(
    bot: Bot, data: str
) -> None:
    await bot.say(USER, "/subscribe 07:30 Europe/Berlin")
    [menu] = await bot.say(USER, "/settings")
    before = bot.services.store.subscriptions.get(USER)
    await bot.forge(menu, data, count=0)
    shown = bot.api.message(USER, menu.message_id)
    assert shown is not None and "briefing settings" in shown["text"]
    assert bot.services.store.subscriptions.get(USER) == before
    assert bot.services.store.subscriptions.followed(USER) == []
    assert_no_violations(bot.api, ignore=["message is not modified"])


async def test_settings_buttons_pressed_in_another_chat_never_touch_this_one(bot: Bot) -> None:
    await bot.say(USER, "/subscribe 07:30 Europe/Berlin")
    mine = bot.services.store.subscriptions.get(USER)
    [menu] = await bot.say(OTHER, "/settings")
    topic_id = bot.services.store.articles.topic_counts(limit=1)[0]["id"]
    for data in ("st:sub", "st:pause", f"st:tp:{topic_id}", "st:t:0600", "st:z:0", "st:empty"):
        await bot.forge(menu, data, count=0)
    assert bot.services.store.subscriptions.get(USER) == mine
    assert bot.services.store.subscriptions.followed(USER) == []
    theirs = bot.services.store.subscriptions.get(OTHER)
    assert theirs is not None and theirs.clock == time(6, 0)


async def test_an_expired_button_press_still_gets_its_answer(bot: Bot) -> None:
    [latest] = await bot.say(USER, "/latest")
    article = latest.buttons[0]["callback_data"]
    [summary] = await bot.forge(latest, article, expired=True)
    assert SORRY not in summary.text and summary.text


# -- odd arguments ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chat_id", "message", "expected"),
    [
        (USER, "/article ²", "I have no article"),
        (USER, "/article ١٢", ""),  # Arabic-Indic digits: a search, not a crash
        (USER, f"/article {HUGE}", "I have no article"),
        (ADMIN, "/removefeed ²", "There is no such feed"),
        (ADMIN, f"/removefeed {HUGE}", "There is no such feed"),
        (ADMIN, "/removefeed http://[::1", "There is no such feed"),
    ],
)
async def test_odd_numbers_in_commands_get_a_friendly_answer(
    bot: Bot, chat_id: int, message: str, expected: str
) -> None:
    replies = await bot.say(chat_id, message)
    no_sorry(replies)
    assert expected in replies[0].text


# -- groups and channels ----------------------------------------------------------------------


async def test_a_channel_the_bot_administers_never_hears_from_it(bot: Bot) -> None:
    bot.api.add_chat(CHANNEL, "channel")
    for text in ("good morning", "/subscribe", "/frobnicate", "x" * 500, "https://example.com/a"):
        bot.api.push_message(CHANNEL, text, chat_type="channel")
    # A private message sent afterwards is answered, so the channel posts were processed.
    await bot.say(USER, "/help")
    assert bot.api.sent(CHANNEL) == []


async def test_in_a_group_chit_chat_and_other_bots_commands_get_no_reply(bot: Bot) -> None:
    bot.api.add_chat(GROUP, "supergroup")
    for text in ("hello everyone", "/ban@otherbot spammer", "/help@otherbot"):
        await bot.silent(GROUP, text, user_id=77, chat_type="supergroup")
    # A link or a long text from an admin in a group is conversation, not an article to store.
    count = bot.services.store.articles.count()
    await bot.silent(GROUP, "https://example.com/story", user_id=ADMIN, chat_type="supergroup")
    await bot.silent(GROUP, "long " * 100, user_id=77, chat_type="supergroup")
    assert bot.services.store.articles.count() == count
    # Commands meant for the bot are still answered there; '/ban' may be another bot's.
    await bot.silent(GROUP, "/ban spammer", user_id=77, chat_type="supergroup")
    ours = bot.api.bot_user["username"]
    [unknown] = await bot.say(GROUP, f"/frobnicate@{ours}", user_id=77, chat_type="supergroup")
    assert "I don't know the command /frobnicate" in unknown.text
    [refused] = await bot.say(GROUP, "/stats", user_id=77, chat_type="supergroup")
    assert "only for the bot's admins" in refused.text
    [stats] = await bot.say(GROUP, "/stats", user_id=ADMIN, chat_type="supergroup")
    assert "Stats" in stats.text
    assert_no_violations(bot.api)


# -- the database breaking while the bot runs -------------------------------------------------


async def test_a_corrupt_database_gets_one_clear_answer_per_message(bot: Bot) -> None:
    [latest] = await bot.say(USER, "/latest")
    for suffix in ("", "-wal", "-shm"):
        path = Path(f"{bot.db_path}{suffix}")
        if path.exists():
            with path.open("r+b") as handle:
                handle.write(os.urandom(path.stat().st_size))
    await bot.say(USER, "/who said hang up")
    replies = await bot.say(USER, "/help")
    assert "temporarily unavailable" in replies[0].text
    # Exactly one answer per message (the chat bookkeeping fails too, silently).
    assert len(bot.api.sent(USER)) == 3
    # A button press is answered too, so the client stops its spinner.
    answers = len(bot.api.callback_answers)
    bot.api.forge_button_press(USER, latest.message_id, latest.buttons[0]["callback_data"])
    await bot.api.wait_for(4, chat_id=USER)
    await bot.wait_answered(answers)
    assert "temporarily unavailable" in bot.api.sent(USER)[3].text


# -- an empty store ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("/start", "I know 0 articles"),
        ("/who said hello", "I found nobody"),
        ("/quotes", "I have no quotes yet"),
        ("/quotes putin", "I don't know anyone"),
        ("/topics", "I have no topics yet"),
        ("/topics ukraine", "No topic matches"),
        ("/search grid", "No article mentions"),
        ("/latest", "I have no articles yet"),
        ("/article 1", "I have no article"),
        ("/brief", "Nothing new"),
        ("/follow ukraine", "I don't know a topic"),
        ("/following", "You don't follow any topics"),
        ("/settings", "You're not subscribed"),
    ],
)
async def test_every_command_answers_sensibly_with_no_articles(
    empty_bot: Bot, message: str, expected: str
) -> None:
    replies = await empty_bot.say(USER, message)
    no_sorry(replies)
    assert expected in replies[0].text
    assert_no_violations(empty_bot.api)


# -- very many followed topics ----------------------------------------------------------------


async def test_following_hundreds_of_topics_keeps_settings_within_telegram_limits(
    bot: Bot,
) -> None:
    from datetime import UTC, datetime

    store = bot.services.store
    now = datetime.now(UTC)
    with store.db.conn:
        for n in range(150):
            name = f"Relations of country number {n:03d} and its neighbours"
            store.db.execute("insert into topics (name, key) values (?, ?)", [name, f"k{n}"])
    for (topic_id,) in store.db.execute("select id from topics").fetchall():
        store.subscriptions.follow(USER, topic_id, now)
    await bot.say(USER, "/subscribe 07:30")
    [menu] = await bot.say(USER, "/settings")
    assert "and 1" in menu.text and "more" in menu.text  # "… and 1xx more"
    [topics] = await bot.forge(menu, "st:top")
    assert topics.is_edit and len(topics.buttons) <= 100
    [home] = await bot.forge(menu, "st:home")
    assert home.is_edit and "briefing settings" in home.text
    total = len(store.subscriptions.followed(USER))
    before = len(bot.api.sent(USER))
    bot.api.push_message(USER, "/following")
    await bot.api.wait_for(lambda m: "Stop one with /unfollow" in m.text, chat_id=USER)
    following = bot.api.sent(USER)[before:]
    assert len(following) > 1
    listed = "\n".join(m.text for m in following)
    assert all(f"number {n:03d} and" in listed for n in range(150))
    [unfollow] = await bot.say(USER, "/unfollow zzzzzz")
    assert f"and {total - 20} more" in unfollow.text
    assert_no_violations(bot.api)
