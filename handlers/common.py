"""Small helpers every handler shares: services, the argument text, replying in HTML."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from telegram import Update
from telegram.error import BadRequest, NetworkError, TelegramError

from bot.context import NewsContext
from bot.keyboards import Buttons, keyboard
from bot.pacing import request_may_have_arrived
from bot.render import pack

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 200
#: What a press of a button whose data no longer leads anywhere is told.
EXPIRED = "That button has expired."
#: An id or offset typed or carried by a button: ASCII digits, small enough for SQLite's int64.
_ROW_NUMBER = re.compile(r"[0-9]{1,18}")


def is_admin(update: Update, context: NewsContext) -> bool:
    """Whether the sender is one of the bot's admins (``NEWSBOT_ADMINS``)."""
    user = update.effective_user
    return context.services.settings.is_admin(user.id if user else None)


async def require_admin(update: Update, context: NewsContext, refusal: str) -> bool:
    """True for an admin; anyone else gets ``refusal`` (politely) and nothing happens."""
    if is_admin(update, context):
        return True
    await reply(update, [refusal])
    return False


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


def button_payload(update: Update, prefix: str) -> str:
    """The data of the pressed button after its ``prefix`` ('' when nothing was pressed)."""
    query = update.callback_query
    return ((query.data if query else None) or "")[len(prefix) :]


def page_numbers(payload: str, *, first_page: bool = False) -> tuple[int, int] | None:
    """``12:5`` from a page button: (id, offset), or None when either is not a number. With
    ``first_page``, ``12`` alone is the first page (offset 0)."""
    number_text, _, offset_text = payload.partition(":")
    number = row_number(number_text)
    offset = row_number(offset_text or ("0" if first_page else ""))
    if number is None or offset is None:
        return None
    return number, offset


def thread_of(update: Update) -> int | None:
    """The forum topic the update came from (a message or a button under one), else None.

    A reply must name it, or Telegram posts it in the forum's General topic."""
    message = update.effective_message
    if message is None or not message.is_topic_message:
        return None
    return message.message_thread_id


async def reply(update: Update, blocks: Sequence[str], buttons: Buttons | None = None) -> None:
    """Send HTML blocks as one or more messages (in the topic asked from); buttons go on the
    last one.

    Transient failures are retried by the rate limiter (:mod:`bot.pacing`); what still fails
    reaches the handler, except a message that may have arrived (logged, not repeated).
    """
    chat = update.effective_chat
    if chat is None:
        return
    message = update.effective_message
    messages = pack(blocks)
    for index, text in enumerate(messages):
        markup = keyboard(buttons) if index == len(messages) - 1 else None
        try:
            if message is not None:
                # reply_text keeps a forum topic's thread; not quoting keeps the chat readable
                await message.reply_text(text, reply_markup=markup, do_quote=False)
            else:
                await chat.send_message(text, reply_markup=markup)
        except NetworkError as error:
            # Cut off after it left: Telegram has it or not, and cannot be asked. Sending
            # it again could show it twice, and "something went wrong" would be wrong too.
            if isinstance(error, BadRequest) or not request_may_have_arrived(error):
                raise
            log.warning("a reply to chat %s may or may not have arrived: %r", chat.id, error)


async def answer_button(
    update: Update, blocks: Sequence[str], buttons: Buttons | None = None
) -> None:
    """A button press: acknowledge it, then answer with a new message (keeps history readable)."""
    await acknowledge(update)
    await reply(update, blocks, buttons)


async def acknowledge(update: Update, text: str | None = None) -> None:
    """Answer a button press; one Telegram no longer takes an answer for is still served.

    Presses queued while the bot was down arrive too old to answer ("query is too old"),
    but the user still wants what the button shows. The answer only stops the button's
    spinner: when it fails (after the rate limiter's retries) the press is still carried out.
    """
    if update.callback_query is None:
        return
    try:
        await update.callback_query.answer(text)
    except BadRequest as error:
        log.debug("button press not acknowledged: %s", error)
    except TelegramError as error:
        log.warning("button press not acknowledged: %s", error)


async def redraw(update: Update, text: str, buttons: Buttons | None) -> None:
    """Show ``text`` in the pressed button's message; a failure is logged, never raised.

    The press was carried out before the redraw; telling the user it failed would be
    wrong, and the next /settings shows the state as it is.
    """
    query = update.callback_query
    if query is None:
        return
    try:
        await query.edit_message_text(text, reply_markup=keyboard(buttons))
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            log.warning("could not redraw the message after a press: %s", error)
    except TelegramError as error:
        log.warning("could not redraw the message after a press: %s", error)
