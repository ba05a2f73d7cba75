"""NEWSBOT_ERROR_CHAT through the real Application and the local Bot API server.

An unexpected error in a handler still gets the user the usual apology; the operator's chat
gets its traceback, at most one message a minute with the errors held back counted; network
failures to Telegram are not forwarded. The clock of the rate limit is the test's.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from telegram import Update
from telegram.error import TimedOut
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.config import Settings
from bot.error_report import MIN_INTERVAL, REPORTER, ErrorReporter
from handlers.fallback import FAILED
from tests.botapi.pytest_plugin import BOT_TOKEN, assert_no_violations
from tests.botapi.server import BotApiServer
from tests.conftest import polling_bot

OPERATOR = 4242
USER = 5151


async def until(condition: Callable[[], bool], timeout: float = 10) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.01)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def explode(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    raise RuntimeError(f"the <handler> broke for {BOT_TOKEN}")


async def network_down(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    raise TimedOut("Telegram did not answer")


@pytest.fixture
async def bot(
    bot_api: BotApiServer, tmp_path: Path
) -> AsyncIterator[tuple[BotApiServer, Application, Clock]]:
    settings = Settings(
        token=BOT_TOKEN,
        api_base_url=bot_api.base_url,
        db_path=tmp_path / "news.db",
        seeds_dir=tmp_path / "no-seeds",
        error_chat=OPERATOR,
    )
    bot_api.add_chat(OPERATOR)
    async with polling_bot(settings, BOT_TOKEN) as (_, application):
        clock = Clock()
        # The application's own reporter, on the test's clock.
        assert isinstance(application.bot_data[REPORTER], ErrorReporter)
        application.bot_data[REPORTER] = ErrorReporter(OPERATOR, BOT_TOKEN, clock=clock)
        application.add_handler(CommandHandler("explode", explode), group=-5)
        application.add_handler(CommandHandler("networkdown", network_down), group=-5)
        yield bot_api, application, clock
        assert_no_violations(bot_api)


async def test_an_error_reaches_the_user_and_the_operator_once_a_minute(
    bot: tuple[BotApiServer, Application, Clock],
) -> None:
    api, _, clock = bot
    api.push_message(USER, "/explode")
    (apology,) = await api.wait_for(1, chat_id=USER)
    assert apology.text == FAILED
    (report,) = await api.wait_for(1, chat_id=OPERATOR)
    assert "Unexpected error" in report.text and f"chat {USER}" in report.text
    assert "RuntimeError: the <handler> broke" in report.text  # escaped, then shown as text
    assert BOT_TOKEN not in report.text

    reporter = bot[1].bot_data[REPORTER]
    for count in (2, 3, 4):  # within the minute: answered, but not forwarded
        api.push_message(USER, "/explode")
        await api.wait_for(count, chat_id=USER)
    await until(lambda: reporter.held_back == 3)  # the user hears first, then it is counted
    clock.now += MIN_INTERVAL
    api.push_message(USER, "/explode")
    await api.wait_for(5, chat_id=USER)
    reports = await api.wait_for(2, chat_id=OPERATOR)
    assert len(api.sent(OPERATOR)) == 2
    assert "3 more since the last report" in reports[1].text


async def test_network_failures_are_not_forwarded(
    bot: tuple[BotApiServer, Application, Clock],
) -> None:
    api, _, _ = bot
    api.push_message(USER, "/networkdown")
    await api.wait_for(1, chat_id=USER)
    api.push_message(USER, "/explode")  # a later real error is forwarded: the first was not
    await api.wait_for(2, chat_id=USER)
    (report,) = await api.wait_for(1, chat_id=OPERATOR)
    assert "RuntimeError" in report.text and "TimedOut" not in report.text


def test_without_an_error_chat_there_is_no_reporter(tmp_path: Path) -> None:
    from bot.application import build_application
    from bot.services import Services

    services = Services.start(Settings(db_path=tmp_path / "n.db", seeds_dir=tmp_path / "none"))
    try:
        application = build_application(services, token=BOT_TOKEN, rate_limit=False)
        assert REPORTER not in application.bot_data
    finally:
        services.close()


async def test_a_command_taken_in_another_group_is_not_called_unknown(
    bot: tuple[BotApiServer, Application, Clock],
) -> None:
    api, _, _ = bot
    api.push_message(USER, "/explode")
    api.push_message(USER, "/help")  # a chat's updates are handled in order: /explode first
    await api.wait_for(lambda m: "/who said" in (m.text or ""), chat_id=USER)
    await api.wait_for(lambda m: m.text == FAILED, chat_id=USER)
    texts = [m.text or "" for m in api.sent(USER)]
    assert not any("don't know the command" in text for text in texts), texts
    assert len(texts) == 2
