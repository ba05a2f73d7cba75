"""A channel's daily briefing, set up from a private chat: ``/subscribe @channel 07:30 zone``.

Allowed only when Telegram (``getChatMember``) says that the sender is an administrator (or the
owner) of the channel and that the bot is an administrator who may post there; asked again for
every change, since rights change in Telegram, not here. The channel is then listed in the
sender's /settings (``channel_admins``), and ``/unsubscribe @channel`` stops it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from telegram import ChatFullInfo, ChatMemberAdministrator, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.context import NewsContext
from bot.render import clip, esc

log = logging.getLogger(__name__)

#: '@name' as Telegram allows public usernames (5-32 characters: letters, digits, _).
CHANNEL_NAME = re.compile(r"^@[A-Za-z][A-Za-z0-9_]{3,31}$")
FROM_PRIVATE_CHAT = (
    "A channel's briefing is set up in a private chat with me: send "
    "<code>/subscribe @yourchannel 07:30 Europe/Berlin</code> there."
)
COULD_NOT_CHECK = (
    "I couldn't check your rights in that channel just now, so nothing was changed. "
    "Please try again in a moment."
)


@dataclass(frozen=True, slots=True)
class ChannelCheck:
    """The channel, when the sender may set up its briefing; else why not (HTML)."""

    chat: ChatFullInfo | None = None
    refusal: str | None = None

    @property
    def title(self) -> str:
        chat = self.chat
        if chat is None:
            return ""
        return f"@{chat.username}" if chat.username else (chat.title or str(chat.id))


def names_a_channel(text: str) -> str | None:
    """The '@channel' a /subscribe or /unsubscribe starts with, if it starts with one."""
    first = text.split(maxsplit=1)[0] if text.split() else ""
    return first if first.startswith("@") else None


def rest_after_channel(text: str) -> str:
    parts = text.split(maxsplit=1)
    return parts[1] if len(parts) > 1 else ""


async def check_channel(update: Update, context: NewsContext, name: str) -> ChannelCheck:
    """May the sender of ``update`` change the briefing of the channel called ``name``?"""
    shown = esc(clip(name, 40))
    chat, user = update.effective_chat, update.effective_user
    if chat is None or chat.type != ChatType.PRIVATE or user is None:
        return ChannelCheck(refusal=FROM_PRIVATE_CHAT)
    if not CHANNEL_NAME.match(name):
        return ChannelCheck(
            refusal=f"“{shown}” is not a channel's @username (5-32 letters, digits or _)."
        )
    try:
        channel = await context.bot.get_chat(name)
    except (BadRequest, Forbidden):
        return ChannelCheck(
            refusal=f"I can't find the channel {shown}. Add me to it as an administrator "
            "who may post messages, then try again."
        )
    except TelegramError as error:
        log.warning("could not look up channel %s: %s", name, error)
        return ChannelCheck(refusal=COULD_NOT_CHECK)
    if channel.type != ChatType.CHANNEL:
        return ChannelCheck(
            refusal=f"{shown} is not a channel. In a group, send /subscribe in the group itself."
        )
    try:
        member = await context.bot.get_chat_member(channel.id, user.id)
        bot_member = await context.bot.get_chat_member(channel.id, context.bot.id)
    except TelegramError as error:
        log.warning("could not check rights in channel %s: %s", channel.id, error)
        return ChannelCheck(refusal=COULD_NOT_CHECK)
    if member.status not in (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR):
        return ChannelCheck(
            refusal=f"Only an administrator of {shown} can set up its briefing, and Telegram "
            "says you are not one."
        )
    if not (isinstance(bot_member, ChatMemberAdministrator) and bot_member.can_post_messages):
        return ChannelCheck(
            refusal=f"I may not post in {shown} yet: make me an administrator of the channel "
            "with the right to post messages, then try again."
        )
    return ChannelCheck(chat=channel)
