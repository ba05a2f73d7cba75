"""The chat a person expects, end to end: plain-words questions, one numbering, names that
match names, mistyped commands, comma lists, stable keyboards and edited messages.

The real Application long-polls the local Bot API server (every call checked against the Bot
API reference) over the sample articles.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.config import Settings
from tests.botapi.pytest_plugin import BOT_TOKEN, assert_no_violations
from tests.botapi.server import BotApiServer, SentMessage
from tests.conftest import SEEDS, polling_bot

USER = 701
GROUP = -100_701


@dataclass
class Chat:
    api: BotApiServer

    async def say(self, text: str, count: int = 1, chat_id: int = USER, **kw) -> list[SentMessage]:
        before = len(self.api.sent(chat_id))
        self.api.push_message(chat_id, text, **kw)
        return (await self.api.wait_for(before + count, chat_id=chat_id))[before:]

    async def press(self, message: SentMessage, label: str, count: int = 1) -> list[SentMessage]:
        button = next(b for b in message.buttons if label in b["text"])
        before = len(self.api.sent(message.chat_id))
        self.api.press_button(message.chat_id, message.message_id, button["callback_data"])
        return (await self.api.wait_for(before + count, chat_id=message.chat_id))[before:]

    async def next_is_help(self, chat_id: int = USER, **kw) -> None:
        """Nothing was answered since: a /help sent now is the next reply."""
        before = len(self.api.sent(chat_id))
        self.api.push_message(chat_id, "/help", **kw)
        await self.api.wait_for(before + 1, chat_id=chat_id)
        await asyncio.sleep(0.05)
        replies = self.api.sent(chat_id)[before:]
        assert len(replies) == 1 and "Commands" in replies[0].text, [r.text for r in replies]


@pytest.fixture
async def chat(bot_api: BotApiServer, tmp_path: Path) -> AsyncIterator[Chat]:
    settings = Settings(
        api_base_url=bot_api.base_url, db_path=tmp_path / "news.db", seeds_dir=SEEDS
    )
    async with polling_bot(settings, BOT_TOKEN):
        yield Chat(bot_api)
    assert_no_violations(bot_api)


@pytest.mark.parametrize(
    ("asked", "starts"),
    [
        ("what did ushakov say?", "Yuri Ushakov"),
        ("What has Priya Raman said?", "Priya Raman"),
        ("quotes from priya raman", "Priya Raman"),
        ("what's new?", "🗞 Latest articles"),
        ("anything new about space?", "🏷 Space"),
        ("news about energy", "🏷 Energy"),
        ("news about heatwave", "🔎 Articles for “heatwave”"),
        ("who said that?", "Which quote?"),
        ("/who said it", "Which quote?"),
        ("/who ushakov", "Yuri Ushakov"),
    ],
)
async def test_questions_in_plain_words_get_the_commands_answers(
    chat: Chat, asked: str, starts: str
) -> None:
    [answer] = await chat.say(asked)
    assert answer.text.startswith(starts), answer.text


async def test_what_someone_said_about_something(chat: Chat) -> None:
    [answer] = await chat.say("what did Marta Ibáñez say about margin?")
    assert answer.text.startswith("Marta Ibáñez on “margin”")
    assert "every gigawatt counts”" in answer.text  # shown without the trailing comma
    [none, page] = await chat.say("what did ushakov say about zebras?", count=2)
    assert "I found nothing Yuri Ushakov said about “zebras”" in none.text
    assert page.text.startswith("Yuri Ushakov")


async def test_in_a_group_a_question_is_answered_only_when_addressed(
    chat: Chat, bot_api: BotApiServer
) -> None:
    bot_api.add_chat(GROUP, "supergroup", title="Newsroom")
    bot_api.push_message(GROUP, "what's new?", user_id=9, chat_type="supergroup")
    await chat.next_is_help(GROUP, user_id=9, chat_type="supergroup")
    mention = f"@{bot_api.bot_user['username']} what's new?"
    [answer] = await chat.say(mention, chat_id=GROUP, user_id=9, chat_type="supergroup")
    assert answer.text.startswith("🗞 Latest articles")


async def test_the_number_shown_is_the_one_article_opens(chat: Chat) -> None:
    [latest] = await chat.say("/latest")
    assert "#2 Heatwave Pushes European Power Grid" in latest.text
    [found] = await chat.say("/search heatwave grid")
    assert "#2 Heatwave" in found.text and "/article 2" in found.text
    [opened] = await chat.say("/article #2")
    assert opened.text.startswith("Heatwave Pushes European Power Grid")
    [which] = await chat.say("/article 1 2")
    assert which.text.startswith("One article at a time")
    assert [b["callback_data"] for b in which.buttons] == ["ar:1", "ar:2"]
    [words] = await chat.say("/article heatwave")
    assert "/article takes the number" in words.text and "/search heatwave" in words.text
    [missing] = await chat.say("/article 77")
    assert missing.text.startswith("I have no article 77")


async def test_a_name_must_match_a_whole_word_and_a_miss_offers_real_names(chat: Chat) -> None:
    [miss] = await chat.say("/quotes nasa")
    assert miss.text.startswith("I don't know anyone called “nasa”")
    assert "Daniel Okafor (NASA Administrator)" in miss.text and "Jonas Berg" not in miss.text
    [okafor] = await chat.press(miss, "Daniel Okafor")
    assert okafor.text.startswith("Daniel Okafor, NASA Administrator")
    [organisation] = await chat.say("/quotes nbc")
    assert organisation.text.startswith("NBC News — 1 quote")
    [role] = await chat.say("/quotes raman")
    assert role.text.startswith("Priya Raman, the mission's chief engineer")


async def test_a_second_page_says_which_items_it_shows(chat: Chat) -> None:
    [first] = await chat.say("/quotes ushakov")
    assert "“comprehensive”" not in first.text  # a scare-quoted word is not a quote
    [second] = await chat.press(first, "More")
    assert second.text.startswith("Yuri Ushakov, aide to the President of Russia — quotes 6–9 of 9")


async def test_a_mistyped_command_offers_the_one_meant(chat: Chat) -> None:
    [offer] = await chat.say("/topic")
    assert offer.text == "I don't know the command /topic. Did you mean /topics?"
    [topics] = await chat.press(offer, "/topics")
    assert topics.text.startswith("Main topics")
    [offer] = await chat.say("/quote ushakov")
    assert "Did you mean /quotes ushakov?" in offer.text
    [quotes] = await chat.press(offer, "/quotes")
    assert quotes.text.startswith("Yuri Ushakov")
    for typo, meant in (("/lates", "/latest"), ("/subscibe 7pm", "/subscribe 7pm")):
        [offer] = await chat.say(typo)
        assert f"Did you mean {meant}?" in offer.text
    [unknown] = await chat.say("/xyzzy")
    assert "Send /help" in unknown.text and not unknown.buttons


async def test_follow_takes_a_comma_list(chat: Chat) -> None:
    [answer] = await chat.say("/follow energy, space, zzqqx")
    assert "Following Energy" in answer.text and "Following Space" in answer.text
    assert "I don't know a topic like “zzqqx”" in answer.text
    [again] = await chat.say("/follow space")
    assert "You already follow Space" in again.text


async def test_the_topic_keyboard_keeps_each_button_in_place(
    chat: Chat, bot_api: BotApiServer
) -> None:
    await chat.say("/follow space")
    [settings] = await chat.say("/settings")
    [page] = await chat.press(settings, "Topics")

    def places(message: SentMessage) -> list[str]:
        """Each button's topic, whichever way (follow or unfollow) it now points."""
        return [
            b["callback_data"].replace("tp:u:", "tp:").replace("tp:f:", "tp:")
            for b in message.buttons
        ]

    before = places(page)
    energy = next(b["text"] for b in page.buttons if "Energy" in b["text"])
    [toggled] = await chat.press(page, energy)
    assert toggled.is_edit and places(toggled) == before
    assert any(b["text"].startswith("✅ Energy") for b in toggled.buttons)
    [again] = await chat.press(toggled, "Space")
    assert places(again) == before


async def test_an_edited_command_is_not_run_again(chat: Chat, bot_api: BotApiServer) -> None:
    [answer] = await chat.say("/latest")
    sent = bot_api.chat_messages(USER)
    command = next(m for m in reversed(sent) if m.get("text") == "/latest")
    bot_api.push_edit(USER, command["message_id"], "/topics")
    await chat.next_is_help()
    assert answer.text.startswith("🗞 Latest articles")


async def test_in_a_group_who_said_is_answered_only_when_addressed(
    chat: Chat, bot_api: BotApiServer
) -> None:
    bot_api.add_chat(GROUP, "supergroup", title="Newsroom")
    bot_api.push_message(GROUP, "who said that?", user_id=9, chat_type="supergroup")
    await chat.next_is_help(GROUP, user_id=9, chat_type="supergroup")
    asked = f"@{bot_api.bot_user['username']} who said last ones to hang up?"
    [answer] = await chat.say(asked, chat_id=GROUP, user_id=9, chat_type="supergroup")
    assert answer.text.startswith("🗣 Yuri Ushakov")
