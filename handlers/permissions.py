"""Who may change a chat's daily briefing: anyone in their own private chat, only admins in a group.

A group's briefing belongs to the whole group, so a member must not be able to unsubscribe it,
move it to 03:00 or fill it with their own topics; reading it stays open to everyone.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError

from bot.context import NewsContext
from handlers.common import acknowledge, reply

log = logging.getLogger(__name__)

GROUP_ADMINS_ONLY = "Only this group's admins can change its briefing."
COULD_NOT_CHECK = (
    "I couldn't check whether you're an admin of this group just now, so nothing was changed. "
    "Please try again in a moment."
)
#: How long one getChatMember answer is trusted: a burst of button presses asks Telegram once,
#: and a promotion or demotion takes effect within a minute.
ADMIN_CACHE_SECONDS = 60.0
ADMIN_CACHE_SIZE = 4096
_ADMIN_STATUSES = frozenset({ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR})
_CACHE_KEY = "chat_admin_cache"


@dataclass
class AdminCache:
    """(chat, user) -> is an admin, for ``ttl`` seconds; emptied when full, so it stays bounded."""

    ttl: float = ADMIN_CACHE_SECONDS
    size: int = ADMIN_CACHE_SIZE
    _entries: dict[tuple[int, int], tuple[float, bool]] = field(default_factory=dict)

    def get(self, chat_id: int, user_id: int) -> bool | None:
        entry = self._entries.get((chat_id, user_id))
        if entry is None or entry[0] <= time.monotonic():
            return None
        return entry[1]

    def put(self, chat_id: int, user_id: int, is_admin: bool) -> None:
        if len(self._entries) >= self.size:
            self._entries.clear()
        self._entries[(chat_id, user_id)] = (time.monotonic() + self.ttl, is_admin)


def _admin_cache(context: NewsContext) -> AdminCache:
    """One cache per running Application (two bots in one process never share answers)."""
    cache: AdminCache = context.application.bot_data.setdefault(_CACHE_KEY, AdminCache())
    return cache


async def change_refusal(update: Update, context: NewsContext) -> str | None:
    """Why the sender may not change this chat's briefing, or None if they may."""
    chat = update.effective_chat
    if chat is None:
        return GROUP_ADMINS_ONLY
    if chat.type == ChatType.PRIVATE:
        return None
    if update.callback_query is None and update.effective_message is not None:
        # An anonymous admin writes as the group itself; anyone else writing as a chat
        # (a channel) cannot be told apart from a stranger.
        sender_chat = update.effective_message.sender_chat
        if sender_chat is not None:
            return None if sender_chat.id == chat.id else GROUP_ADMINS_ONLY
    user = update.effective_user
    if user is None:
        return GROUP_ADMINS_ONLY
    if context.services.settings.is_admin(user.id):
        return None
    cache = _admin_cache(context)
    is_admin = cache.get(chat.id, user.id)
    if is_admin is None:
        try:
            member = await context.bot.get_chat_member(chat.id, user.id)
        except TelegramError as error:
            log.warning(
                "could not check whether user %s administers chat %s: %s: %s",
                user.id,
                chat.id,
                type(error).__name__,
                error.message,
            )
            return COULD_NOT_CHECK
        is_admin = member.status in _ADMIN_STATUSES
        cache.put(chat.id, user.id, is_admin)
    return None if is_admin else GROUP_ADMINS_ONLY


async def may_change_chat_settings(update: Update, context: NewsContext) -> bool:
    """True if the sender may change this chat's briefing; otherwise tells them why, once.

    A command gets the refusal as a reply, a button press as its callback answer.
    """
    refusal = await change_refusal(update, context)
    if refusal is None:
        return True
    if update.callback_query is not None:
        await acknowledge(update, refusal)
    else:
        await reply(update, [refusal])
    return False
