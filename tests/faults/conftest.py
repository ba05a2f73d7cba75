"""The bot as ``newsbot run`` builds it (rate limiter and retries on, short backoffs), the
local Bot API server injecting faults, and a tally of faults, inputs, losses and duplicates
that the run prints at its end (``pytest tests/faults -rA`` or any run that includes them)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from telegram.ext import Application

from bot.application import build_application
from bot.config import Settings
from bot.scheduling import deliverer
from bot.sending import RetryPolicy
from bot.services import Services
from tests.botapi.pytest_plugin import BOT_TOKEN
from tests.botapi.server import BotApiServer
from tests.conftest import SEEDS

ADMIN = 42
#: Retries a test can wait for: 20 ms, doubling up to 100 ms.
FAST = {"retry_backoff": 0.02, "retry_max_backoff": 0.1}
FAST_BRIEFINGS = RetryPolicy(backoff=0.02, max_backoff=0.1, patient_backoff=0.2, read_timeout=5)


@dataclass
class Tally:
    """Across the fault suite: what was injected, what was asked, what went wrong."""

    faults: int = 0
    inputs: int = 0
    lost: int = 0
    duplicated: int = 0
    #: Replies dropped because the operator stopped the bot while they waited (not faults).
    abandoned: int = 0

    def count(
        self, server: BotApiServer, inputs: int, lost: int, duplicated: int, abandoned: int = 0
    ) -> None:
        self.faults += server.faults_injected
        self.inputs += inputs
        self.lost += lost
        self.duplicated += duplicated
        self.abandoned += abandoned


TALLY = Tally()


@pytest.fixture
def tally() -> Tally:
    return TALLY


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if TALLY.inputs:
        terminalreporter.write_sep("-", "fault suite")
        terminalreporter.write_line(
            f"faults injected: {TALLY.faults} · inputs tried: {TALLY.inputs} · "
            f"messages lost: {TALLY.lost} · sent twice: {TALLY.duplicated} · "
            f"dropped by a deliberate stop: {TALLY.abandoned}"
        )


@pytest.fixture
def faulty_api() -> Iterator[BotApiServer]:
    server = BotApiServer(BOT_TOKEN).start()
    try:
        yield server
    finally:
        server.stop()


@asynccontextmanager
async def running_bot(
    server: BotApiServer, db_path: Path, **overrides: object
) -> AsyncIterator[tuple[Services, Application]]:
    """The real Application with its rate limiter (as in production), polling ``server``."""
    settings = Settings(
        api_base_url=server.base_url,
        db_path=db_path,
        seeds_dir=SEEDS,
        admins=frozenset({ADMIN}),
        **{**FAST, **overrides},  # type: ignore[arg-type]
    )
    services = Services.start(settings)
    application = build_application(services, token=BOT_TOKEN)
    await application.initialize()
    await application.post_init(application)
    sender = deliverer(application)
    if sender is not None:
        sender.policy = replace(FAST_BRIEFINGS)
    await application.start()
    await application.updater.start_polling(poll_interval=0.0, timeout=1)
    try:
        yield services, application
    finally:
        await application.updater.stop()
        await application.stop()
        await application.post_stop(application)
        await application.shutdown()
        services.close()


async def until(condition: Callable[[], bool], what: str, timeout: float = 10) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.005)
