"""Local Telegram Bot API server for end-to-end tests and benchmarks.

Typical use::

    from tests.botapi import BotApiServer

    with BotApiServer() as server:
        app = (
            ApplicationBuilder()
            .token(server.token)
            .base_url(server.base_url)
            .base_file_url(server.base_file_url)
            .build()
        )
"""

from tests.botapi.server import DEFAULT_TOKEN, ApiCall, BotApiServer, SentMessage, Violation
from tests.botapi.spec import ApiError, ApiSpec, load_spec
from tests.botapi.telegram_html import HtmlParseError, parse_html

__all__ = [
    "DEFAULT_TOKEN",
    "ApiCall",
    "ApiError",
    "ApiSpec",
    "BotApiServer",
    "HtmlParseError",
    "SentMessage",
    "Violation",
    "load_spec",
    "parse_html",
]
