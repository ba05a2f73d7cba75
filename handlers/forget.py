"""/forget: delete everything the bot keeps about this chat, after a confirmation button.

What goes: the daily briefing subscription and its settings, followed topics, the log of
briefings sent and of the stories they showed, and the chat's row (its type, when it was
first and last seen, and in a private chat the user's @username and first name). Articles,
quotes and feeds are not about the chat and stay. In a group only its admins may do it, as
only they may change its briefing (:mod:`handlers.permissions`).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import scheduling
from bot.context import NewsApplication, NewsContext
from bot.store_watch import RECENT_CHATS
from handlers.common import EXPIRED, acknowledge, reply
from handlers.permissions import may_change_chat_settings

PREFIX = "fg:"
CONFIRM = f"{PREFIX}yes"
CANCEL = f"{PREFIX}no"


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def what_is_kept(counts: dict[str, int]) -> str:
    """The list /forget asks about, from ``Store.chat_data_counts``."""
    items = []
    if counts.get("subscriptions"):
        items.append("your daily briefing subscription and its settings")
    if counts.get("follows"):
        items.append(_plural(counts["follows"], "followed topic", "followed topics"))
    if counts.get("person_follows"):
        items.append(_plural(counts["person_follows"], "followed person", "followed people"))
    if counts.get("alerts"):
        items.append("the log of " + _plural(counts["alerts"], "alert", "alerts"))
    if counts.get("quiet_hours"):
        items.append("your quiet hours")
    if counts.get("deliveries"):
        items.append(
            "the log of " + _plural(counts["deliveries"], "briefing sent", "briefings sent")
        )
    if counts.get("briefing_stories"):
        items.append(
            "which stories your briefings showed "
            f"({_plural(counts['briefing_stories'], 'story', 'stories')}), "
            "so a story returns only when it grows"
        )
    if counts.get("channel_admins"):
        items.append(
            _plural(counts["channel_admins"], "channel", "channels")
            + " whose briefing you set up (the channels keep their briefing)"
        )
    if counts.get("chats"):
        items.append("this chat's record (its name in a private chat, first and last seen)")
    return "\n".join(f"• {item}" for item in items)


async def forget(update: Update, context: NewsContext) -> None:
    chat = update.effective_chat
    if chat is None or not await may_change_chat_settings(update, context):
        return
    kept = what_is_kept(context.services.store.chat_data_counts(chat.id))
    if not kept:
        await reply(update, ["I keep nothing about this chat."])
        return
    await reply(
        update,
        [
            "🗑 <b>Forget this chat?</b> I would delete:\n"
            f"{kept}\n"
            "Articles and quotes are not about you and stay. This cannot be undone."
        ],
        [[("🗑 Yes, forget this chat", CONFIRM), ("Cancel", CANCEL)]],
    )


async def forget_button(update: Update, context: NewsContext) -> None:
    query = update.callback_query
    chat = update.effective_chat
    if query is None or chat is None:
        return
    if query.data not in (CONFIRM, CANCEL):
        await acknowledge(update, EXPIRED)
        return
    if not await may_change_chat_settings(update, context):
        return  # the press was answered with the refusal
    if query.data == CANCEL:
        await acknowledge(update)
        await query.edit_message_text("Nothing was deleted.")
        return
    deleted = context.services.store.forget_chat(chat.id)
    scheduling.reschedule(context.application, chat.id)  # no subscription: no job
    context.bot_data.get(RECENT_CHATS, {}).pop(chat.id, None)
    await acknowledge(update, "Forgotten")
    done = (
        "✅ Done: I deleted everything I kept about this chat."
        if any(deleted.values())
        else "I keep nothing about this chat (it was already forgotten)."
    )
    await query.edit_message_text(
        f"{done}\nIf you write to me again I start a new record; /subscribe brings back a "
        "daily briefing."
    )


def register(application: NewsApplication) -> None:
    application.add_handler(CommandHandler("forget", forget))
    application.add_handler(CallbackQueryHandler(forget_button, pattern=f"^{PREFIX}"))
