"""Everything no other handler took: unknown commands, chit-chat, stale buttons, and errors.

In groups the bot speaks only when spoken to: chit-chat, stickers and commands addressed to
other bots get no reply there. Channel posts are never answered (see :func:`ignore`).
"""

from __future__ import annotations

import logging
import sqlite3
import time

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.context import NewsContext
from bot.error_report import REPORTER, ErrorReporter
from bot.render import clip, esc
from bot.store import StoreBusy, StoreFileChanged
from bot.store_watch import RECENT_CHATS
from handlers.common import EXPIRED, acknowledge, reply

log = logging.getLogger(__name__)

UNAVAILABLE = "Sorry, my news store is temporarily unavailable. Please try again in a few minutes."
FAILED = "Sorry, something went wrong on my side. Please try again in a moment."
BUSY = (
    "Sorry, my news store is busy with another task and that change was not saved. "
    "Please send it again in a minute."
)
NOT_SAVED = (
    "Sorry, my news store was just reopened and that change was not saved. Please send it again."
)


def is_private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == ChatType.PRIVATE


async def ignore(update: Update, context: NewsContext) -> None:
    """Channel posts: the bot may administer a channel, but it never posts replies into it."""
    raise ApplicationHandlerStop


async def unknown_command(update: Update, context: NewsContext) -> None:
    text = (
        (update.effective_message.text or "").split(maxsplit=1)[0]
        if update.effective_message
        else ""
    )
    command, _, addressee = text.partition("@")
    if not is_private(update) and addressee.casefold() != (context.bot.username or "").casefold():
        return  # a group: '/ban' or '/help@otherbot' belongs to another bot
    await reply(
        update,
        [f"I don't know the command {esc(clip(command, 40))}. Send /help to see what I can do."],
    )


async def plain_text(update: Update, context: NewsContext) -> None:
    if not is_private(update):
        return
    await reply(
        update,
        [
            "I answer questions about the news I have read. Try "
            "<code>/who said last ones to hang up</code>, /topics or /latest — "
            "/help lists everything."
        ],
    )


async def other_message(update: Update, context: NewsContext) -> None:
    if not is_private(update):
        return
    await reply(update, ["I can only read text messages. Send /help to see what I can do."])


async def stale_button(update: Update, context: NewsContext) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer(EXPIRED, show_alert=False)


#: A chat's row is rewritten at most this often while its details stay the same: a write
#: transaction per update would cost every command, for a last_seen that nothing reads more
#: finely than this.
TOUCH_INTERVAL = 60.0


async def track_chat(update: Update, context: NewsContext) -> None:
    """Remember every chat that writes to us (group -1: runs before the real handler)."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None:
        return
    # A group's row names nobody: not whoever wrote in it last (``ChatStore.touch``).
    named = user if user is not None and chat.type == ChatType.PRIVATE else None
    details = (chat.type, named.username if named else None, named.first_name if named else None)
    recent: dict[int, tuple[tuple[str, str | None, str | None], float]] = (
        context.bot_data.setdefault(RECENT_CHATS, {})
    )
    now = time.monotonic()
    seen = recent.get(chat.id)
    if seen is not None and seen[0] == details and now - seen[1] < TOUCH_INTERVAL:
        return
    try:
        context.services.store.chats.touch(chat.id, *details)
    except sqlite3.Error as error:  # bookkeeping only: the real handler answers (or fails)
        log.warning("could not record chat %s: %s", chat.id, error)
        return
    if len(recent) >= 10_000:
        recent.clear()
    recent[chat.id] = (details, now)


async def on_error(update: object, context: NewsContext) -> None:
    """Log the failure (the token is redacted by the logging filter), tell the user, and
    forward it to the operator's error chat when one is set (``bot.error_report``).

    A broken database gets its own answer: the user can do nothing but wait; a change
    written while the database file was being deleted or replaced may simply be sent again.
    """
    log.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        await _tell_the_chat(update, context.error)
    reporter: ErrorReporter | None = context.bot_data.get(REPORTER)
    if reporter is not None and context.error is not None and reporter.wants(context.error):
        await reporter.report(context.bot, update, context.error)


async def _tell_the_chat(update: Update, error: BaseException | None) -> None:
    if isinstance(error, StoreFileChanged):
        text = NOT_SAVED
    elif isinstance(error, StoreBusy):
        text = BUSY
    else:
        text = UNAVAILABLE if isinstance(error, sqlite3.Error) else FAILED
    try:
        await acknowledge(update)
        await reply(update, [text])  # in the forum topic the update came from
    except Exception:  # the chat may be unreachable; the error is logged already
        log.debug("could not tell the chat about the error", exc_info=True)
