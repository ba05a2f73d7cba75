"""Inline mode end to end: ``@bot <words>`` answers with quote cards (typos allowed), an empty
query with the day's most quoted people, a miss with a switch-to-bot button; a card's button
opens its article in the bot. The local server checks every answerInlineQuery."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.config import Settings
from bot.services import Services
from handlers.inline import CACHE_SECONDS, MISS_PAYLOAD
from tests.botapi.pytest_plugin import BOT_TOKEN, assert_no_violations
from tests.botapi.server import BotApiServer
from tests.conftest import make_article
from tests.live_bot import live_bot

USER = 501
FRIEND = 502
CORRIDOR = "The corridor stays open for every ship that carries grain"


@pytest.fixture
async def running(
    bot_api: BotApiServer, tmp_path: Path
) -> AsyncIterator[tuple[Services, Application]]:
    settings = Settings(
        api_base_url=bot_api.base_url, db_path=tmp_path / "news.db", seeds_dir=tmp_path / "none"
    )
    bot_api.enable_inline_mode()
    async with live_bot(settings, BOT_TOKEN) as (services, application):
        articles = [
            make_article(
                "Ministers meet on grain",
                quotes=[
                    (CORRIDOR, "Olena Kovalenko"),
                    ("Prices will fall by spring", "Olena Kovalenko"),
                ],
                people=[("Olena Kovalenko", "agriculture minister")],
                date="2030-05-04",
            ),
            make_article(
                "Port reopens <b>& more</b>",
                quotes=[("We rebuilt the cranes in six weeks", "Ivan Petrenko")],
                people=[("Ivan Petrenko", "port director")],
                date="2030-05-04",
            ),
        ]
        for index, article in enumerate(articles):
            services.store.articles.save(
                article, slug=f"a{index}", content_hash=str(index), text="x" * 300
            )
        yield services, application


async def ask(bot_api: BotApiServer, query: str) -> tuple[str, dict[str, Any]]:
    update = bot_api.push_inline_query(USER, query)
    query_id = update["inline_query"]["id"]
    return query_id, await bot_api.wait_for_inline_answer(query_id)


def article_id(services: Services, title: str) -> int:
    return services.store.db.execute("select id from articles where title = ?", [title]).fetchone()[
        0
    ]


async def test_words_of_a_quote_find_it_as_a_card_with_speaker_role_article_and_date(
    bot_api: BotApiServer, running: tuple[Services, Application]
) -> None:
    _, answer = await ask(bot_api, "corridor stays open")
    first = answer["results"][0]
    assert first["type"] == "article"
    assert "corridor stays open" in first["title"]
    assert "Olena Kovalenko, agriculture minister" in first["description"]
    assert "Ministers meet on grain" in first["description"]
    assert "2030-05-04" in first["description"]
    assert answer["cache_time"] == CACHE_SECONDS and answer.get("is_personal") is False
    assert "button" not in answer
    assert_no_violations(bot_api)


async def test_a_typo_still_finds_the_quote(
    bot_api: BotApiServer, running: tuple[Services, Application]
) -> None:
    _, answer = await ask(bot_api, "coridor stais open for evry ship")
    assert answer["results"] and "corridor" in answer["results"][0]["title"]
    assert_no_violations(bot_api)


async def test_the_sent_card_opens_its_article_in_the_bot(
    bot_api: BotApiServer, running: tuple[Services, Application]
) -> None:
    services, _ = running
    query_id, answer = await ask(bot_api, "rebuilt the cranes")
    result = answer["results"][0]
    card = bot_api.choose_inline_result(query_id, result["id"], chat_id=FRIEND)
    assert "We rebuilt the cranes in six weeks" in card["text"]
    assert "Ivan Petrenko" in card["text"] and "Port reopens <b>& more</b>" in card["text"]
    [button] = card["reply_markup"]["inline_keyboard"][0]
    number = article_id(services, "Port reopens <b>& more</b>")
    assert button["url"] == f"https://t.me/{bot_api.bot_user['username']}?start=ar{number}"
    # The button is a deep link: Telegram opens the bot and sends /start ar<number>.
    before = len(bot_api.sent(FRIEND))
    bot_api.push_message(FRIEND, f"/start ar{number}")
    [opened] = (await bot_api.wait_for(before + 1, chat_id=FRIEND))[before:]
    assert opened.text.startswith("Port reopens <b>& more</b>")
    assert_no_violations(bot_api)


async def test_an_empty_query_offers_the_days_most_quoted_people(
    bot_api: BotApiServer, running: tuple[Services, Application]
) -> None:
    _, answer = await ask(bot_api, "")
    titles = [result["title"] for result in answer["results"]]
    assert titles[0].startswith("Olena Kovalenko — 2 quotes on 2030-05-04")
    assert any(title.startswith("Ivan Petrenko — 1 quote on") for title in titles)
    assert_no_violations(bot_api)


async def test_a_miss_answers_no_results_and_a_switch_to_the_bot(
    bot_api: BotApiServer, running: tuple[Services, Application]
) -> None:
    _, answer = await ask(bot_api, "zebras juggle quantum marmalade")
    assert answer["results"] == []
    assert answer["button"]["start_parameter"] == MISS_PAYLOAD
    assert_no_violations(bot_api)


@pytest.mark.parametrize(
    "query", ["<b>&", "a" * 300, "word " * 60, "who said", "  ", "🙂" * 80], ids=repr
)
async def test_hostile_or_long_queries_get_a_valid_answer(
    bot_api: BotApiServer, running: tuple[Services, Application], query: str
) -> None:
    _, answer = await ask(bot_api, query)
    assert isinstance(answer["results"], list)
    assert_no_violations(bot_api)


async def test_markup_in_a_query_or_a_title_is_shown_as_text_in_the_card(
    bot_api: BotApiServer, running: tuple[Services, Application]
) -> None:
    query_id, answer = await ask(bot_api, "we rebuilt the cranes <b>&")
    [result, *_] = answer["results"]
    card = bot_api.choose_inline_result(query_id, result["id"], chat_id=FRIEND)
    assert "Port reopens <b>& more</b>" in card["text"]
    assert_no_violations(bot_api)
