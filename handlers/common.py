"""Small helpers every handler shares: services, the argument text, replying in HTML."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.render import pack
from bot.services import Services

MAX_QUERY_CHARS = 200

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


def keyboard(rows: Buttons | None) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


async def reply(update: Update, blocks: Sequence[str], buttons: Buttons | None = None) -> None:
    """Send HTML blocks as one or more messages; buttons go on the last one."""
    chat = update.effective_chat
    if chat is None:
        return
    messages = pack(blocks)
    for index, text in enumerate(messages):
        last = index == len(messages) - 1
        await chat.send_message(
            text,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(buttons) if last else None,
            disable_web_page_preview=True,
        )


async def answer_button(
    update: Update, blocks: Sequence[str], buttons: Buttons | None = None
) -> None:
    """A button press: acknowledge it, then answer with a new message (keeps history readable)."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    await reply(update, blocks, buttons)
