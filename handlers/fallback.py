"""Everything no other handler took: unknown commands, chit-chat, stale buttons, and errors."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot.render import clip, esc
from handlers.common import reply, services

log = logging.getLogger(__name__)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    text = (
        (update.effective_message.text or "").split(maxsplit=1)[0]
        if update.effective_message
        else ""
    )
    command = text.split("@", 1)[0]
    await reply(
        update,
        [f"I don't know the command {esc(clip(command, 40))}. Send /help to see what I can do."],
    )


async def plain_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(
        update,
        [
            "I answer questions about the news I have read. Try "
            "<code>/who said last ones to hang up</code>, /topics or /latest — "
            "/help lists everything."
        ],
    )


async def other_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(update, ["I can only read text messages. Send /help to see what I can do."])


async def stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer("That button has expired.", show_alert=False)


async def track_chat(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Remember every chat that writes to us (group -1: runs before the real handler)."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None:
        return
    services(context).store.chats.touch(
        chat.id, chat.type, user.username if user else None, user.first_name if user else None
    )


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure (the token is redacted by the logging filter) and tell the user."""
    log.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await update.effective_chat.send_message(
                "Sorry, something went wrong on my side. Please try again in a moment."
            )
        except Exception:  # the chat may be unreachable; the error is logged already
            log.debug("could not tell the chat about the error", exc_info=True)
