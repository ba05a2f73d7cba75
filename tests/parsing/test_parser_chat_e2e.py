"""What the parser's answers look like in the chat: one Donald Trump across articles, the
Kings found by their surname, and plain speech whose speaker is not found shown so.

The real Application long-polls the local Bot API server (every call checked against the
Bot API reference) over a store that ``ingest_text`` filled with articles written for it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.ingest import ingest_text
from bot.store import Store
from tests.botapi.pytest_plugin import BOT_TOKEN, assert_no_violations
from tests.botapi.server import BotApiServer
from tests.conftest import SEEDS, polling_bot

USER = 1714

ARTICLES = {
    "rally": (
        "Trump rallies in Ohio\n\n"
        "Donald Trump spoke to thousands in Dayton on Saturday.\n\n"
        '"We are going to bring the factories back to this valley," Trump said.\n\n'
        '"Nobody thought we could win here," he added.'
    ),
    "trade": (
        "Tariffs stay, the president says\n\n"
        "President Trump defended the tariffs on steel.\n\n"
        '"The tariffs are working for our workers," Trump told reporters on Monday.'
    ),
    "morning": (
        "Voters in Columbia weigh the race\n\n"
        "Morning host Gayle King spoke with voters in Columbia.\n\n"
        '"Are you worried about what happens to your candidate?" King asked.\n\n'
        "\u201cI deeply regret what happened and I apologise to my former colleagues,\u201d "
        "the future President said in a video released on Sunday."
    ),
}


@pytest.fixture
async def api(bot_api: BotApiServer, tmp_path: Path) -> AsyncIterator[BotApiServer]:
    db = tmp_path / "news.db"
    store = Store.open(db)
    for slug, text in ARTICLES.items():
        ingest_text(store, text, slug=slug)
    store.close()
    settings = Settings(api_base_url=bot_api.base_url, db_path=db, seeds_dir=SEEDS)
    async with polling_bot(settings, BOT_TOKEN):
        yield bot_api
    assert_no_violations(bot_api)


async def ask(api: BotApiServer, text: str) -> str:
    before = len(api.sent(USER))
    api.push_message(USER, text)
    return (await api.wait_for(before + 1, chat_id=USER))[before].text


async def test_quotes_trump_lists_donald_trumps_quotes_from_every_article(
    api: BotApiServer,
) -> None:
    reply = await ask(api, "/quotes trump")
    assert reply.startswith("Donald Trump")
    assert "3 quotes" in reply
    assert "The tariffs are working for our workers" in reply


async def test_quotes_king_finds_gayle_king(api: BotApiServer) -> None:
    reply = await ask(api, "/quotes king")
    assert reply.startswith("Gayle King")
    assert "Are you worried about what happens to your candidate?" in reply


async def test_speech_whose_speaker_is_not_found_is_shown_with_the_speaker_unknown(
    api: BotApiServer,
) -> None:
    reply = await ask(api, "/who said deeply regret what happened")
    assert "speaker unknown" in reply
    assert "I deeply regret what happened" in reply
