"""An admin's upload is read and parsed off the event loop, and oversized text is refused."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import handlers.upload
from bot.parsing import parse_article
from bot.parsing.model import ParsedArticle
from tests.botapi.server import BotApiServer
from tests.faults.conftest import ADMIN, Tally, running_bot, until

OTHER = 888
ARTICLE = (
    "Ministers meet on energy\n\n"
    "“We will keep the lights on,” said Anna Berg, the energy minister, on Monday.\n"
).encode()


async def test_other_chats_are_answered_while_an_upload_is_parsed(
    faulty_api: BotApiServer, db_path: Path, tally: Tally, monkeypatch: pytest.MonkeyPatch
) -> None:
    started, release = threading.Event(), threading.Event()

    def parse_when_released(text: str) -> ParsedArticle:
        # The real parse, held until the test has seen another chat answered meanwhile.
        started.set()
        release.wait(timeout=20)
        return parse_article(text)

    monkeypatch.setattr(handlers.upload, "parse_article", parse_when_released)
    async with running_bot(faulty_api, db_path) as (services, _):
        before = services.store.articles.count()
        faulty_api.push_document(
            ADMIN, "energy.txt", ARTICLE, mime_type="text/plain", user_id=ADMIN
        )
        await until(started.is_set, "the parse to start")
        faulty_api.push_message(OTHER, "/help")
        await faulty_api.wait_for(1, chat_id=OTHER, timeout=10)
        assert faulty_api.delivered(ADMIN) == [], "the upload is still being parsed"
        release.set()
        [stored] = await faulty_api.wait_for(1, chat_id=ADMIN)
        assert "Ministers meet on energy" in stored.text
        assert services.store.articles.count() == before + 1
    tally.count(faulty_api, inputs=2, lost=0, duplicated=0)


async def test_an_upload_whose_text_is_too_long_is_refused_and_nothing_is_stored(
    faulty_api: BotApiServer, db_path: Path, tally: Tally
) -> None:
    long_text = b"A long one\n\n" + b"word " * (handlers.upload.MAX_ARTICLE_CHARS // 5 + 1)
    async with running_bot(faulty_api, db_path) as (services, _):
        before = services.store.articles.count()
        faulty_api.push_document(
            ADMIN, "long.txt", long_text, mime_type="text/plain", user_id=ADMIN
        )
        [refusal] = await faulty_api.wait_for(1, chat_id=ADMIN)
        assert "too long" in refusal.text and "500,000" in refusal.text
        assert services.store.articles.count() == before
    tally.count(faulty_api, inputs=1, lost=0, duplicated=0)
