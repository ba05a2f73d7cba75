"""Unexpected errors forwarded to an operator's chat (``NEWSBOT_ERROR_CHAT``), rate-limited.

As python-telegram-bot's error-handler example does, the traceback goes to a chat a person
reads; unlike it, at most one message a minute, which counts the errors it held back, so a
failure on every update cannot flood the chat or eat the bot's sending budget. Failures of
the network to Telegram are not forwarded (they would fail the same way, and they are
retried where they happen); the traceback is masked like a log line.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable
from html import escape

from telegram import Bot, Update
from telegram.constants import MessageLimit, ParseMode
from telegram.error import NetworkError

from bot.logging_setup import RedactTokenFilter

log = logging.getLogger(__name__)

#: The shortest time between two forwarded errors, in seconds.
MIN_INTERVAL = 60.0
#: bot_data key of the application's reporter (absent when no error chat is set).
REPORTER = "error_reporter"


class ErrorReporter:
    """Sends an unexpected error's traceback to ``chat_id``, one message per ``interval``."""

    def __init__(
        self,
        chat_id: int,
        token: str | None,
        *,
        interval: float = MIN_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.chat_id = chat_id
        self.interval = interval
        self._clock = clock
        self._mask = RedactTokenFilter(token).redact
        self._last_sent: float | None = None
        self.held_back = 0

    def wants(self, error: BaseException | None) -> bool:
        """Whether an error is worth a person's attention at all."""
        return error is not None and not isinstance(error, NetworkError)

    async def report(self, bot: Bot, update: object, error: BaseException) -> bool:
        """Forward ``error`` unless one was forwarded less than ``interval`` ago (then counted)."""
        now = self._clock()
        if self._last_sent is not None and now - self._last_sent < self.interval:
            self.held_back += 1
            return False
        text = self.message(update, error, self.held_back)
        self._last_sent, self.held_back = now, 0
        try:
            await bot.send_message(self.chat_id, text, parse_mode=ParseMode.HTML)
        except Exception as failure:  # the report is best effort; the log has the error
            log.warning("could not forward an error to chat %s: %s", self.chat_id, failure)
            return False
        return True

    def message(self, update: object, error: BaseException, held_back: int) -> str:
        """The HTML report: where it happened, the traceback's end, and how many were held."""
        if isinstance(update, Update):
            chat = update.effective_chat
            where = f"update {update.update_id}" + (f" in chat {chat.id}" if chat else "")
        else:
            where = "a background job" if update is None else type(update).__name__
        header = f"⚠️ <b>Unexpected error</b> while handling {escape(where)}"
        if held_back:
            header += f" ({held_back} more since the last report, not sent)"
        trace = self._mask("".join(traceback.format_exception(error)))
        room = MessageLimit.MAX_TEXT_LENGTH - len(header) - 32
        if len(trace) > room:
            trace = "…" + trace[-room:]
        return f"{header}\n<pre>{escape(trace)}</pre>"
