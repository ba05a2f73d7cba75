"""The Telegram command handlers, registered on an Application in one place.

Order matters within a group: specific commands and buttons first, catch-alls last.
"""

from __future__ import annotations

from telegram import BotCommand, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.briefings import STORY_BUTTON
from bot.context import NewsApplication
from handlers import (
    admin,
    articles,
    fallback,
    following,
    forget,
    inline,
    membership,
    questions,
    quotes,
    start,
    stories,
    subscribe,
    topics,
    upload,
    who_said,
)
from handlers import feeds as feed_commands
from handlers import settings as briefing_settings

BOT_COMMANDS = [BotCommand(name, description) for name, description, _ in start.COMMANDS]
#: What an admin's private chat offers besides (its own menu scope): the commands of
#: ``start.ADMIN_COMMANDS`` that are commands of their own (``/brief all`` is ``/brief``).
ADMIN_BOT_COMMANDS = BOT_COMMANDS + [
    BotCommand(command.split()[0].lstrip("/"), what)
    for command, what in start.ADMIN_COMMANDS
    if command.startswith("/")
    and command.split()[0].lstrip("/") not in {c.command for c in BOT_COMMANDS}
]

#: The update kinds the bot asks Telegram for: exactly those it handles. Edited messages and
#: channel posts are not among them (an edit is not run again, a channel post never answered).
ALLOWED_UPDATES: list[str] = [
    Update.MESSAGE,
    Update.CALLBACK_QUERY,
    Update.INLINE_QUERY,
    Update.MY_CHAT_MEMBER,
]


def register(application: NewsApplication) -> None:
    application.add_handler(
        MessageHandler(filters.UpdateType.CHANNEL_POSTS, fallback.ignore), group=-2
    )
    # An edited message was answered when it was sent: a corrected command is not run again.
    application.add_handler(
        MessageHandler(filters.UpdateType.EDITED_MESSAGE, fallback.ignore), group=-2
    )
    application.add_handler(TypeHandler(Update, fallback.track_chat), group=-1)
    application.add_handler(CommandHandler("start", start.start))
    application.add_handler(CommandHandler("help", start.help_command))
    application.add_handler(CommandHandler(["who", "whosaid"], who_said.who_said))
    application.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE & filters.TEXT & filters.Regex(r"(?i)^\s*who\s+said\b"),
            who_said.who_said,
        )
    )
    application.add_handler(CommandHandler("quotes", quotes.quotes))
    application.add_handler(CommandHandler("topics", topics.topics))
    application.add_handler(CommandHandler("search", articles.search))
    application.add_handler(CommandHandler("latest", articles.latest))
    application.add_handler(CommandHandler("article", articles.article))
    application.add_handler(CommandHandler("story", stories.story))
    application.add_handler(CallbackQueryHandler(stories.story_button, pattern=f"^{STORY_BUTTON}"))
    application.add_handler(
        CallbackQueryHandler(who_said.more_quotes, pattern=f"^{who_said.MORE_PREFIX}")
    )
    application.add_handler(
        CallbackQueryHandler(quotes.person_button, pattern=f"^{quotes.PERSON_PREFIX}")
    )
    application.add_handler(
        CallbackQueryHandler(quotes.speaker_button, pattern=f"^{quotes.SPEAKER_PREFIX}")
    )
    application.add_handler(
        CallbackQueryHandler(topics.topic_button, pattern=f"^{topics.TOPIC_PREFIX}")
    )
    application.add_handler(
        CallbackQueryHandler(articles.article_button, pattern=f"^{articles.ARTICLE_PREFIX}")
    )
    application.add_handler(
        CallbackQueryHandler(articles.latest_button, pattern=f"^{articles.LATEST_PREFIX}")
    )
    # Feature modules register here, before the catch-alls.
    feed_commands.register(application)
    upload.register(application)
    subscribe.register(application)
    following.register(application)
    briefing_settings.register(application)
    admin.register(application)
    forget.register(application)
    membership.register(application)
    inline.register(application)
    questions.register(application)
    add_fallbacks(application)
    application.add_error_handler(fallback.on_error)


def add_fallbacks(application: NewsApplication, group: int = 0) -> None:
    """Catch-alls: registered last in the group, so every real handler is tried first."""
    application.add_handler(MessageHandler(filters.COMMAND, questions.unknown_command), group=group)
    application.add_handler(
        MessageHandler(filters.TEXT & ~filters.COMMAND, questions.question), group=group
    )
    application.add_handler(CallbackQueryHandler(fallback.stale_button), group=group)
    application.add_handler(
        MessageHandler(~filters.TEXT & ~filters.StatusUpdate.ALL, fallback.other_message),
        group=group,
    )
