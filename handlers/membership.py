"""``my_chat_member``: the bot was blocked, removed, restricted, re-added or promoted.

A chat where the bot can no longer post has its briefing paused at once (as a 403 at the next
send would do, but without waiting for it) and gets no alerts; when the bot may post there
again (unblocked, re-added, rights restored) the briefing paused that way resumes. An explicit
/unsubscribe is never undone here.
"""

from __future__ import annotations

import logging

from telegram import ChatMember, ChatMemberAdministrator, ChatMemberRestricted, Update
from telegram.constants import ChatType
from telegram.ext import ChatMemberHandler

from bot import scheduling
from bot.context import NewsApplication, NewsContext
from bot.delivery import utc_now
from bot.store.subscriptions import BLOCKED

log = logging.getLogger(__name__)


def may_post(member: ChatMember, chat_type: str) -> bool:
    """Can the bot send messages in a chat where it is ``member``?"""
    if member.status in (ChatMember.LEFT, ChatMember.BANNED):
        return False
    if isinstance(member, ChatMemberRestricted):
        return bool(member.is_member and member.can_send_messages)
    if chat_type == ChatType.CHANNEL:
        return isinstance(member, ChatMemberAdministrator) and bool(member.can_post_messages)
    return True


async def my_chat_member(update: Update, context: NewsContext) -> None:
    change = update.my_chat_member
    if change is None:
        return
    chat = change.chat
    svc = context.services
    now = utc_now()
    can_post = may_post(change.new_chat_member, chat.type)
    svc.store.chats.set_can_post(chat.id, chat.type, can_post)
    if not can_post:
        if svc.store.subscriptions.deactivate(chat.id, BLOCKED, now):
            log.info("chat %s: the bot may no longer post; briefing paused", chat.id)
        scheduling.reschedule(context.application, chat.id)
        return
    if svc.store.subscriptions.reactivate_blocked(chat.id, now) is not None:
        log.info("chat %s: the bot may post again; briefing resumed", chat.id)
        scheduling.reschedule(context.application, chat.id)


def register(application: NewsApplication) -> None:
    application.add_handler(ChatMemberHandler(my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
