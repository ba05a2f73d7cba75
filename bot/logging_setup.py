"""Logging that can never print the bot token.

httpx logs every request URL, and Telegram URLs contain the token, so every record passes a
filter that replaces the token (and anything shaped like one) before it is formatted.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

_TOKEN_SHAPE = re.compile(r"\d{5,20}:[A-Za-z0-9_-]{30,100}")


class RedactTokenFilter(logging.Filter):
    """Rewrites a record's message with the token masked; attached to every root handler."""

    def __init__(self, token: str | None) -> None:
        super().__init__()
        self._token = token

    def redact(self, text: str) -> str:
        if self._token:
            text = text.replace(self._token, "<token>")
        return _TOKEN_SHAPE.sub("<token>", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self.redact(message)
        if redacted != message or record.args:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


def configure_logging(level: str, token: str | None, path: Path | None = None) -> None:
    """One line per record on stderr (or appended to ``path``: the console chat keeps its
    terminal for the chat); chatty HTTP libraries only above INFO."""
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8") if path else logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactTokenFilter(token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
