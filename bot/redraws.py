"""Redrawing a pressed button's message in the background, the latest drawing winning.

A press is answered and applied while the user watches the button's spinner. The edit that
shows the result is a message like any other (paced by :mod:`bot.pacing`) and may wait
seconds behind other chats' sends. Waiting for it in the handler would hold the chat's next
update (one chat's updates run one after the other), so a quick second press would be
answered only after the first one's edit, past Telegram's answer window. The handler hands
the drawing here instead and returns.

Per message, one edit at a time is in flight and at most one drawing waits. A newer drawing
for the same message replaces the waiting one (it would only show a state that is already
gone), and the last drawing asked for is always sent: every message ends showing the state
of its last press. An edit still waiting for its turn in the rate limiter takes the newest
drawing when it leaves (:class:`bot.pacing.Refresh`), so a burst of presses on one menu
costs about one edit.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from telegram import CallbackQuery, InlineKeyboardMarkup
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, ExtBot

from bot.pacing import PacedRateLimiter, Refresh
from bot.slots import CURRENT_SLOT

log = logging.getLogger(__name__)

#: ``bot_data`` key of the application's :class:`Redraws`.
REDRAWS_KEY = "redraws"

#: How long stopping the bot waits for the redraws still in flight or waiting: longer than a
#: group's turn (20 messages a minute), short enough for a stop within seconds.
STOP_GRACE = 5.0

#: A chat message as (chat id, message id), or an inline message's id.
MessageKey = tuple[int, int] | str


@dataclass(frozen=True, slots=True)
class Drawing:
    """What a message should show, and the press whose query can edit it."""

    query: CallbackQuery
    text: str
    markup: InlineKeyboardMarkup | None


def message_key(query: CallbackQuery) -> MessageKey | None:
    """Which message a press's edit changes (None: the message is too old to be known)."""
    if query.inline_message_id is not None:
        return query.inline_message_id
    message = query.message
    if message is None:
        return None
    return (message.chat.id, message.message_id)


class Redraws:
    """The drawings waiting or being sent, per message; one worker task per busy message."""

    def __init__(self) -> None:
        self._waiting: dict[MessageKey, Drawing] = {}
        self._workers: dict[MessageKey, asyncio.Task[None]] = {}

    def submit(self, query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
        """Show ``text`` in the query's message soon; replaces a drawing still waiting."""
        key = message_key(query)
        if key is None:
            return
        self._waiting[key] = Drawing(query, text, markup)
        if key not in self._workers:
            self._workers[key] = asyncio.create_task(self._draw(key), name=f"redraw {key}")

    async def drain(self, timeout: float | None = None) -> None:
        """Until every drawing asked for so far (and any asked for meanwhile) is done.

        After ``timeout`` seconds the drawings still waiting are dropped (logged): stopping
        must not wait out a chat the rate limiter holds back for a minute.
        """
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while self._workers:
            left = None if deadline is None else deadline - loop.time()
            if left is not None and left <= 0:
                break
            await asyncio.wait(list(self._workers.values()), timeout=left)
        if not self._workers:
            return
        log.warning("stopping: %d message(s) not redrawn after a press", len(self._workers))
        workers = list(self._workers.values())
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        self._waiting.clear()

    async def _draw(self, key: MessageKey) -> None:
        # The task inherited the submitting handler's update slot; giving that back during a
        # 429 wait (bot.slots) is the handler's business, not this task's.
        CURRENT_SLOT.set(None)
        try:
            while (drawing := self._waiting.pop(key, None)) is not None:
                await _edit(drawing, functools.partial(self._newer, key))
        finally:
            del self._workers[key]

    def _newer(self, key: MessageKey, data: dict[str, Any]) -> None:
        """Right before the edit leaves: carry the newest drawing instead, if one came."""
        drawing = self._waiting.pop(key, None)
        if drawing is None:
            return
        data["text"] = drawing.text
        if drawing.markup is None:
            data.pop("reply_markup", None)
        else:
            data["reply_markup"] = drawing.markup


async def _edit(drawing: Drawing, newer: Callable[[dict[str, Any]], None]) -> None:
    """One edit, retried by the rate limiter; what still fails is logged, never raised.

    The press was carried out before; the next /settings shows the state as it is.
    """
    query = drawing.query
    bot = query.get_bot()
    try:
        if isinstance(bot, ExtBot) and isinstance(bot.rate_limiter, PacedRateLimiter):
            message = query.message
            await bot.edit_message_text(
                drawing.text,
                chat_id=message.chat.id if message else None,
                message_id=message.message_id if message else None,
                inline_message_id=query.inline_message_id,
                reply_markup=drawing.markup,
                rate_limit_args=Refresh(newer),
            )
        else:  # no rate limiter (tests, the console): the edit leaves at once anyway
            await query.edit_message_text(drawing.text, reply_markup=drawing.markup)
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            log.warning("could not redraw the message after a press: %s", error)
    except TelegramError as error:
        log.warning("could not redraw the message after a press: %s", error)
    except Exception:  # a bug must not end the worker and leave later drawings unsent
        log.exception("redrawing a message after a press failed")


def redraws_of(application: Application[Any, Any, Any, Any, Any, Any]) -> Redraws:
    """The application's redraws (made on first use)."""
    redraws: Redraws = application.bot_data.setdefault(REDRAWS_KEY, Redraws())
    return redraws
