"""Pytest fixtures for the local Bot API server.

Enable with ``pytest_plugins = ["tests.botapi.pytest_plugin"]`` in the root
conftest, or import the fixture into a test module.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pytest

from tests.botapi.server import DEFAULT_TOKEN, BotApiServer, format_violations

__all__ = ["BOT_TOKEN", "assert_no_violations", "bot_api"]

BOT_TOKEN = DEFAULT_TOKEN


def assert_no_violations(server: BotApiServer, *, ignore: Iterable[str] = ()) -> None:
    """Fail if the bot made any call Telegram would reject.

    ``ignore`` holds substrings of descriptions that are expected in this test
    (e.g. ``"message is not modified"`` when a test presses the same button twice).
    Internal self-check failures of the server are reported too.
    """
    skip = tuple(ignore)
    found = [v for v in server.violations if not any(s in v.description for s in skip)]
    problems = []
    if found:
        problems.append(f"{len(found)} Bot API violation(s):\n{format_violations(found)}")
    if server.internal_errors:
        problems.append(f"server produced off-spec objects: {server.internal_errors}")
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture
def bot_api() -> Iterator[BotApiServer]:
    """A started local Bot API server (token ``BOT_TOKEN``), stopped after the test."""
    server = BotApiServer(BOT_TOKEN)
    server.start()
    try:
        yield server
    finally:
        server.stop()
