"""/start and /help: what the bot does and every command with an example."""

from __future__ import annotations

from telegram import Update

from bot.context import NewsContext
from bot.render import esc
from handlers.articles import article_view
from handlers.common import is_admin, reply, row_number
from handlers.inline import ARTICLE_PAYLOAD
from handlers.subscribe import reactivate_on_start

#: (command, menu description, example shown in /help). Also sent with setMyCommands.
COMMANDS: list[tuple[str, str, str]] = [
    ("who", "Who said it? /who said <words>", "/who said last ones to hang up"),
    ("quotes", "What a person said: /quotes <name>", "/quotes ushakov"),
    ("topics", "Browse topics: /topics [name]", "/topics ukraine"),
    ("search", "Find articles: /search <words>", "/search air defense"),
    ("latest", "The newest stories", "/latest"),
    ("story", "A story's articles and quotes: /story <id>", "/story 1"),
    ("article", "Read an article's summary: /article <id>", "/article 1"),
    ("subscribe", "Daily briefing: /subscribe [time] [city or zone]", "/subscribe 7:30 berlin"),
    ("brief", "Your briefing right now", "/brief"),
    ("settings", "Briefing time, zone, topics, pause", "/settings"),
    ("follow", "Follow a person or topic: /follow <name>", "/follow zelensky"),
    ("unfollow", "Stop following: /unfollow <name>", "/unfollow ukraine"),
    ("following", "People and topics you follow", "/following"),
    ("unsubscribe", "Stop the daily briefing", "/unsubscribe"),
    ("forget", "Delete everything I keep about this chat", "/forget"),
    ("help", "How to use this bot", "/help"),
]

#: Shown in /help to admins only (NEWSBOT_ADMINS); not in the public command menu.
ADMIN_COMMANDS: list[tuple[str, str]] = [
    ("/brief all", "send today's briefing now to every subscriber who has not had it"),
    ("/stats", "subscribers, deliveries today, failures, articles"),
    ("/feeds", "the RSS/Atom feeds and whether they are failing"),
    ("/addfeed URL", "start following a feed"),
    ("/removefeed ID", "stop following a feed"),
    ("a file or forwarded text", "send a .txt/.md/.html file or forward an article to add it"),
]


def what_it_does(description: str) -> str:
    """The menu text without its usage part: 'Find articles: /search <words>' -> 'Find articles'."""
    return description.split(":")[0].split(" /")[0]


async def start(update: Update, context: NewsContext) -> None:
    """/start, or a deep link: ``ar<id>`` (a quote card's button) opens that article."""
    payload = context.args[0] if context.args else ""
    article_id = (
        row_number(payload[len(ARTICLE_PAYLOAD) :]) if payload.startswith(ARTICLE_PAYLOAD) else None
    )
    if article_id is not None:
        await reply(update, article_view(context.services, article_id))
    else:
        await help_command(update, context)
    chat = update.effective_chat
    if chat is not None and chat.type == "private":
        # Writing to the bot unblocks it.
        context.services.store.chats.set_can_post(chat.id, chat.type, True)
    # Back after blocking the bot: a subscription deactivated by the block resumes.
    await reactivate_on_start(update, context)


async def help_command(update: Update, context: NewsContext) -> None:
    count = context.services.store.articles.count()
    name = update.effective_user.first_name if update.effective_user else None
    greeting = f"Hi {esc(name)}! " if name else "Hi! "
    intro = (
        f"{greeting}I read the news and remember <b>who said what</b>. "
        f"I know {count} article{'s' if count != 1 else ''} right now.\n"
        "Typos are fine: I match words loosely."
    )
    lines = [
        f"{esc(example)} — {esc(what_it_does(description))}" for _, description, example in COMMANDS
    ]
    lines.append("You can also just ask: <i>who said the idea is hanging in the air?</i>")
    blocks = [intro, "<b>Commands</b>\n" + "\n".join(lines)]
    if is_admin(update, context):
        admin = [f"{esc(command)} — {esc(what)}" for command, what in ADMIN_COMMANDS]
        blocks.append("<b>Admin</b>\n" + "\n".join(admin))
    await reply(update, blocks)
