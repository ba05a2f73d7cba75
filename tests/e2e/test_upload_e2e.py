"""End to end through the real Application and a local Bot API server: articles sent to the
bot (documents, forwarded text, links) and the admin feed commands.

Every call the bot makes is checked against the Bot API reference by the server.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.config import Settings
from bot.feeds.jobs import poll_now
from bot.services import Services
from tests.botapi.pytest_plugin import BOT_TOKEN, assert_no_violations
from tests.botapi.server import BotApiServer
from tests.conftest import polling_bot
from tests.feeds.test_feeds_poller import rss2
from tests.feeds.test_fetch_webserver import WebServer, running_web_server
from tests.feeds.test_pages import article_html

ADMIN = 42
STRANGER = 77
ARTICLE = (
    "title: Port Strike Ends After Talks\n"
    "date: 2026-11-20\n\n"
    "Dock workers in Rotterdam ended a week-long strike on Friday after union leaders "
    "accepted a new pay offer from port employers.\n\n"
    '"This deal shows that standing together works," said Eva Jansen, head of the dock '
    "workers' union, after the vote.\n"
)


@dataclass
class Bot:
    api: BotApiServer
    services: Services

    async def send_text(self, user: int, text: str, **kwargs: object) -> str:
        before = len(self.api.sent(user))
        self.api.push_message(user, text, **kwargs)
        return (await self.api.wait_for(before + 1, chat_id=user))[before].text

    async def send_file(self, user: int, name: str, content: bytes, mime: str) -> str:
        before = len(self.api.sent(user))
        self.api.push_document(user, name, content, mime_type=mime)
        return (await self.api.wait_for(before + 1, chat_id=user))[before].text

    def count(self) -> int:
        return self.services.store.articles.count()


@pytest.fixture
def web() -> Iterator[WebServer]:
    with running_web_server() as server:
        yield server


@pytest.fixture
async def bot(bot_api: BotApiServer, tmp_path: Path) -> AsyncIterator[Bot]:
    settings = Settings(
        token=BOT_TOKEN,
        api_base_url=bot_api.base_url,
        db_path=tmp_path / "news.db",
        seeds_dir=tmp_path / "no-seeds",
        admins=frozenset({ADMIN}),
        block_private_addresses=False,  # the test web server is on 127.0.0.1
        max_page_bytes=50_000,
    )
    async with polling_bot(settings, BOT_TOKEN) as (services, _):
        yield Bot(bot_api, services)
        assert_no_violations(bot_api)


async def test_an_admin_uploads_a_text_file_and_hears_what_was_understood(bot: Bot) -> None:
    reply = await bot.send_file(ADMIN, "strike.txt", ARTICLE.encode(), "text/plain")
    assert reply.startswith("📥 Added: Port Strike Ends After Talks")
    assert "1 quote" in reply
    assert "Speakers: Eva Jansen" in reply
    assert "Topics:" in reply
    assert bot.count() == 1
    assert bot.services.search.who_said("standing together works")


async def test_uploading_the_same_file_again_changes_nothing(bot: Bot) -> None:
    await bot.send_file(ADMIN, "strike.md", ARTICLE.encode(), "text/markdown")
    reply = await bot.send_file(ADMIN, "strike.md", ARTICLE.encode(), "text/markdown")
    assert reply.startswith("👌 I already have this article")
    assert bot.count() == 1


async def test_an_html_upload_is_extracted_like_a_web_page(bot: Bot) -> None:
    reply = await bot.send_file(ADMIN, "rail.html", article_html().encode(), "text/html")
    assert reply.startswith("📥 Added: Rail Line Will Open Next Spring")
    assert "Anna Keller" in reply


async def test_a_legacy_encoded_upload_keeps_its_letters(bot: Bot) -> None:
    text = ARTICLE.replace("Eva Jansen", "Eva Jänsen").replace('"', "“", 1).replace('"', "”", 1)
    reply = await bot.send_file(ADMIN, "legacy.txt", text.encode("cp1252"), "text/plain")
    assert "Eva Jänsen" in reply


async def test_a_binary_upload_is_refused_clearly(bot: Bot) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    reply = await bot.send_file(ADMIN, "photo.txt", png, "text/plain")
    assert reply == "I could not read photo.txt: this looks like a binary file, not text."
    assert bot.count() == 0


async def test_an_unsupported_file_type_is_refused_without_downloading(bot: Bot) -> None:
    reply = await bot.send_file(ADMIN, "report.pdf", b"%PDF-1.7", "application/pdf")
    assert reply == "I can read .txt, .md and .html files; report.pdf is application/pdf."
    assert bot.api.calls_to("getFile") == []


async def test_an_oversize_upload_is_refused_without_downloading(bot: Bot) -> None:
    reply = await bot.send_file(ADMIN, "huge.txt", b"word " * 20_000, "text/plain")
    assert reply == "huge.txt is too large (97 KB; the limit is 48 KB)."
    assert bot.api.calls_to("getFile") == []
    assert bot.count() == 0


async def test_a_stranger_who_uploads_is_politely_refused_and_nothing_is_stored(
    bot: Bot,
) -> None:
    reply = await bot.send_file(STRANGER, "strike.txt", ARTICLE.encode(), "text/plain")
    assert "Only the bot's admins can add articles" in reply
    assert bot.count() == 0
    assert bot.api.calls_to("getFile") == []


async def test_forwarded_text_from_a_channel_is_stored_with_the_channel_as_source(
    bot: Bot,
) -> None:
    channel = {"id": -100123, "type": "channel", "title": "Harbour News"}
    body = ARTICLE.split("\n\n", 1)[1]
    text = "Port strike ends after talks\n\n" + body
    reply = await bot.send_text(ADMIN, text, forward_from=channel)
    assert reply.startswith("📥 Added: Port strike ends after talks")
    assert "Harbour News" in reply
    assert "Eva Jansen" in reply


async def test_a_stranger_forwarding_text_is_refused(bot: Bot) -> None:
    reply = await bot.send_text(STRANGER, ARTICLE, forward_from="Someone")
    assert "Only the bot's admins can add articles" in reply
    assert bot.count() == 0


async def test_short_chat_from_an_admin_is_not_mistaken_for_an_article(bot: Bot) -> None:
    reply = await bot.send_text(ADMIN, "hello there")
    assert "Added" not in reply
    assert bot.count() == 0


async def test_an_admin_sends_a_link_and_the_page_is_read(bot: Bot, web: WebServer) -> None:
    url = web.add("/rail", article_html())
    reply = await bot.send_text(ADMIN, url)
    assert reply.startswith("📥 Added: Rail Line Will Open Next Spring")
    assert "Example Times" in reply


async def test_a_link_that_fails_names_the_page_and_the_reason(bot: Bot, web: WebServer) -> None:
    url = web.url("/missing")
    reply = await bot.send_text(ADMIN, url)
    assert reply == f"I could not read that page: {url}: HTTP 404 Not Found."


async def test_feed_commands_are_for_admins_only(bot: Bot) -> None:
    for command in ("/feeds", "/addfeed https://example.com/rss", "/removefeed 1"):
        reply = await bot.send_text(STRANGER, command)
        assert reply == "Sorry, only the bot's admins can manage news feeds."


async def test_an_admin_adds_lists_and_removes_a_feed(bot: Bot, web: WebServer) -> None:
    story = web.add("/rail", article_html())
    feed_url = web.add("/feed", rss2("Harbour Wire", [("Rail", story)]))
    reply = await bot.send_text(ADMIN, f"/addfeed {feed_url}")
    assert reply.startswith("📡 Added feed 1. Harbour Wire (1 entries now)")
    assert "not polled yet" in await bot.send_text(ADMIN, "/feeds")
    await poll_now(bot.services)
    listing = await bot.send_text(ADMIN, "/feeds")
    assert "Harbour Wire" in listing and "✅ ok · 1 article" in listing
    assert await bot.send_text(ADMIN, f"/addfeed {feed_url}") == (
        "I already follow that feed: 1. Harbour Wire"
    )
    reply = await bot.send_text(ADMIN, "/removefeed 1")
    assert reply.startswith("Removed feed 1. Harbour Wire")
    assert (await bot.send_text(ADMIN, "/feeds")).startswith("No feeds yet")


async def test_a_failing_feed_is_shown_as_failing(bot: Bot, web: WebServer) -> None:
    feed_url = web.add("/feed", rss2("Harbour Wire", []))
    await bot.send_text(ADMIN, f"/addfeed {feed_url}")
    web.add("/feed", "down for maintenance", status=503)
    await poll_now(bot.services)
    listing = await bot.send_text(ADMIN, "/feeds")
    assert "1 failing" in listing
    assert f"⚠️ failing (1× in a row): {feed_url}: HTTP 503" in listing


async def test_adding_something_that_is_not_a_feed_says_why(bot: Bot, web: WebServer) -> None:
    url = web.add("/page", article_html())
    reply = await bot.send_text(ADMIN, f"/addfeed {url}")
    assert reply == f"I could not add that feed: {url}: not an RSS or Atom feed (got text/html)"
