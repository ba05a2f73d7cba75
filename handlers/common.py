"""Small helpers every handler shares: services, the argument text, replying in HTML."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.render import pack
from bot.services import Services

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 200
#: An id or offset typed or carried by a button: ASCII digits, small enough for SQLite's int64.
_ROW_NUMBER = re.compile(r"[0-9]{1,18}")

Buttons = Sequence[Sequence[tuple[str, str]]]


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.application.bot_data["services"]


def argument_text(update: Update) -> str:
    """Everything after the command word, whitespace-normalised ('' when there is nothing)."""
    message = update.effective_message
    text = (message.text or message.caption or "") if message else ""
    parts = text.strip().split(maxsplit=1)
    if parts and parts[0].startswith("/"):
        return " ".join(parts[1].split()) if len(parts) > 1 else ""
    return " ".join(text.split())


def row_number(text: str) -> int | None:
    """``text`` as an id or offset, or None: '²', '١', '-1', '1e9' and 20 digits are not one.

    ``str.isdigit`` accepts superscripts that ``int`` refuses, and SQLite refuses integers past
    2**63; callback data is whatever a client sends, so both must end in "not found".
    """
    return int(text) if _ROW_NUMBER.fullmatch(text) else None


def button_label(label: str) -> str:
    """A label Telegram accepts: something visible (an article may be titled '\u200b')."""
    visible = any(unicodedata.category(ch)[0] not in "CZ" for ch in label)
    return label if visible else "…"


def keyboard(rows: Buttons | None) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(button_label(label), callback_data=data) for label, data in row]
            for row in rows
        ]
    )


def thread_of(update: Update) -> int | None:
    """The forum topic the update came from (a message or a button under one), else None.

    A reply must name it, or Telegram posts it in the forum's General topic."""
    message = update.effective_message
    if message is None or not message.is_topic_message:
        return None
    return message.message_thread_id


async def reply(update: Update, blocks: Sequence[str], buttons: Buttons | None = None) -> None:
    """Send HTML blocks as one or more messages (in the topic asked from); buttons go on the
    last one."""
    chat = update.effective_chat
    if chat is None:
        return
    thread = thread_of(update)
    messages = pack(blocks)
    for index, text in enumerate(messages):
        last = index == len(messages) - 1
        await chat.send_message(
            text,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(buttons) if last else None,
            disable_web_page_preview=True,
            message_thread_id=thread,
        )


async def answer_button(
    update: Update, blocks: Sequence[str], buttons: Buttons | None = None
) -> None:
    """A button press: acknowledge it, then answer with a new message (keeps history readable)."""
    await acknowledge(update)
    await reply(update, blocks, buttons)


async def acknowledge(update: Update, text: str | None = None) -> None:
    """Answer a button press; one Telegram no longer takes an answer for is still served.

    Presses queued while the bot was down arrive too old to answer ("query is too old"),
    but the user still wants what the button shows.
    """
    if update.callback_query is None:
        return
    try:
        await update.callback_query.answer(text)
    except BadRequest as error:
        log.debug("button press not acknowledged: %s", error)
