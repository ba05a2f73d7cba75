"""Forum groups end to end: every reply goes to the topic it answers, a button's redraw stays
there, and a group's briefing goes to the topic ``/subscribe`` was sent in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.config import Settings
from bot.delivery import Outcome
from bot.scheduling import deliverer
from bot.services import Services
from handlers.fallback import FAILED
from tests.botapi.pytest_plugin import BOT_TOKEN, assert_no_violations
from tests.botapi.server import BotApiServer, SentMessage
from tests.conftest import make_article
from tests.live_bot import live_bot

FORUM = -100_900
ADMIN = 602


@pytest.fixture
async def running(
    bot_api: BotApiServer, tmp_path: Path
) -> AsyncIterator[tuple[Services, Application]]:
    settings = Settings(
        api_base_url=bot_api.base_url, db_path=tmp_path / "news.db", seeds_dir=tmp_path / "none"
    )
    async with live_bot(settings, BOT_TOKEN) as (services, application):
        article = make_article(
            "Ministers meet on grain",
            quotes=[("The corridor stays open for every ship", "Olena Kovalenko")],
            topics=["Grain"],
            people=[("Olena Kovalenko", "minister")],
        )
        services.store.articles.save(article, slug="grain", content_hash="g", text="x" * 300)
        bot_api.add_forum(FORUM, title="Newsroom")
        bot_api.set_chat_member(FORUM, ADMIN, "administrator")
        yield services, application


async def say(
    bot_api: BotApiServer, text: str, thread: int | None, count: int = 1
) -> list[SentMessage]:
    before = len(bot_api.sent(FORUM))
    bot_api.push_message(
        FORUM, text, user_id=ADMIN, chat_type="supergroup", message_thread_id=thread
    )
    return (await bot_api.wait_for(before + count, chat_id=FORUM))[before:]


def thread_of(message: SentMessage) -> int | None:
    return message.message.get("message_thread_id")


async def test_replies_and_button_answers_go_to_the_topic_they_answer(
    bot_api: BotApiServer, running: tuple[Services, Application]
) -> None:
    news = bot_api.add_topic(FORUM, "News")
    other = bot_api.add_topic(FORUM, "Other")
    [latest] = await say(bot_api, "/latest", news)
    assert thread_of(latest) == news and latest.message["is_topic_message"]
    [help_text] = await say(bot_api, "/help", other)
    assert thread_of(help_text) == other
    # A button under a message in a topic answers in that topic.
    data = next(b["callback_data"] for b in latest.buttons if "callback_data" in b)
    before = len(bot_api.sent(FORUM))
    bot_api.press_button(FORUM, latest.message_id, data, user_id=ADMIN)
    [shown] = (await bot_api.wait_for(before + 1, chat_id=FORUM))[before:]
    assert thread_of(shown) == news
    # In the General topic (no thread) a reply has none either.
    [general] = await say(bot_api, "/help", None)
    assert thread_of(general) is None
    assert_no_violations(bot_api)


async def explode(update: Update, context: object) -> None:
    raise RuntimeError("the handler broke")


async def test_an_error_is_apologised_for_in_the_topic_it_happened_in(
    bot_api: BotApiServer, running: tuple[Services, Application]
) -> None:
    _, application = running
    application.add_handler(CommandHandler("explode", explode), group=-5)
    news = bot_api.add_topic(FORUM, "News")
    [apology] = await say(bot_api, "/explode", news)
    assert apology.text == FAILED and thread_of(apology) == news
    # A button under a message in the topic fails (the article it opens still comes).
    [latest] = await say(bot_api, "/latest", news)
    data = next(b["callback_data"] for b in latest.buttons if "callback_data" in b)
    application.add_handler(CallbackQueryHandler(explode, pattern=f"^{data}$"), group=-5)
    before = len(bot_api.sent(FORUM))
    bot_api.press_button(FORUM, latest.message_id, data, user_id=ADMIN)
    answers = (await bot_api.wait_for(before + 2, chat_id=FORUM))[before:]
    [again] = [m for m in answers if m.text == FAILED]
    assert thread_of(again) == news
    [general] = await say(bot_api, "/explode", None)
    assert general.text == FAILED and thread_of(general) is None
    # The button's own handler answers the press again after the failing one did.
    assert_no_violations(bot_api, ignore=["query is too old"])


async def test_a_settings_redraw_stays_in_its_topic(
    bot_api: BotApiServer, running: tuple[Services, Application]
) -> None:
    news = bot_api.add_topic(FORUM, "News")
    await say(bot_api, "/subscribe 07:30", news)
    [menu] = await say(bot_api, "/settings", news)
    before = len(bot_api.sent(FORUM))
    bot_api.press_button(FORUM, menu.message_id, "st:time", user_id=ADMIN)
    [redrawn] = (await bot_api.wait_for(before + 1, chat_id=FORUM))[before:]
    assert redrawn.is_edit and redrawn.message_id == menu.message_id
    assert thread_of(redrawn) == news
    assert_no_violations(bot_api)


async def test_the_briefing_goes_to_the_topic_subscribe_was_sent_in(
    bot_api: BotApiServer, running: tuple[Services, Application]
) -> None:
    services, application = running
    briefings = bot_api.add_topic(FORUM, "Briefings")
    [subscribed] = await say(bot_api, "/subscribe 07:30", briefings)
    assert "You're subscribed" in subscribed.text and thread_of(subscribed) == briefings
    assert services.store.chats.thread_of(FORUM) == briefings
    sender = deliverer(application)
    assert sender is not None
    before = len(bot_api.sent(FORUM))
    assert await sender.submit(FORUM, date(2030, 1, 2)) == Outcome.SENT
    [briefing] = bot_api.sent(FORUM)[before:]
    assert "Your briefing" in briefing.text and thread_of(briefing) == briefings
    # Subscribing again from General moves it back to the main chat.
    await say(bot_api, "/subscribe 07:30", None)
    assert services.store.chats.thread_of(FORUM) is None
    assert_no_violations(bot_api)


async def test_a_briefing_for_a_deleted_topic_goes_to_the_main_chat(
    bot_api: BotApiServer, running: tuple[Services, Application]
) -> None:
    services, application = running
    briefings = bot_api.add_topic(FORUM, "Briefings")
    await say(bot_api, "/subscribe 07:30", briefings)
    bot_api.delete_topic(FORUM, briefings)
    sender = deliverer(application)
    assert sender is not None
    before = len(bot_api.sent(FORUM))
    assert await sender.submit(FORUM, date(2030, 1, 2)) == Outcome.SENT
    [briefing] = bot_api.sent(FORUM)[before:]
    assert thread_of(briefing) is None
    assert services.store.chats.thread_of(FORUM) is None
    assert_no_violations(bot_api, ignore=["message thread not found"])
