"""Questions in plain words and mistyped commands, answered by the commands they mean.

``what did Ushakov say?`` is answered by ``/quotes Ushakov``, ``news about energy`` by
``/topics energy`` (or ``/search energy`` when no topic is called that), ``what's new?`` by
``/latest``: the question is turned into the command's text and handed to the Application as
a message of that text from the same person in the same chat, so it goes through the same
handlers, permissions and checks as the typed command. In a group the bot answers a plain
question only when it is addressed (``@bot`` or a reply to one of its messages).

A mistyped command (``/topic``, ``/lates``) gets "did you mean /topics?" with a button that
runs the command meant, with the words typed after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein
from telegram import Message, MessageEntity, Update
from telegram.constants import ChatType
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.context import AnyApplication, NewsApplication, NewsContext
from bot.render import clip, esc
from bot.search import STOPWORDS
from bot.store.rows import QuoteInArticle
from bot.views import listable, quote_block
from handlers import fallback
from handlers.common import EXPIRED, MAX_QUERY_CHARS, acknowledge, button_payload, is_admin, reply
from handlers.start import ADMIN_COMMANDS

#: Callback data of a "did you mean" button: ``dm:<command> <words typed after it>``.
MEANT_PREFIX = "dm:"
_END_MARKS = " ?!.…"


@dataclass(frozen=True, slots=True)
class Question:
    """What a plain-words question asks: the command that answers it, news on a ``topic``
    (/topics, or /search when no topic is called that), or (``person`` with ``about``) what
    someone said about something."""

    command: str | None = None
    person: str | None = None
    about: str | None = None
    topic: str | None = None


_PERSON_SAID = [
    re.compile(r"^what\s+did\s+(?P<person>.+?)\s+say(?:\s+(?:about|on)\s+(?P<about>.+))?$"),
    re.compile(
        r"^what\s+(?:has|have|had)\s+(?P<person>.+?)\s+said(?:\s+(?:about|on)\s+(?P<about>.+))?$"
    ),
    re.compile(
        r"^what\s+(?:does|do|is|are)\s+(?P<person>.+?)\s+(?:say|saying)"
        r"(?:\s+(?:about|on)\s+(?P<about>.+))?$"
    ),
    re.compile(r"^(?:show\s+me\s+|any\s+)?quotes\s+(?:from|by|of)\s+(?P<person>.+)$"),
]
_NEWS_ABOUT = re.compile(
    r"^(?:show\s+me\s+|any\s+|the\s+)?(?:news|articles|stories)\s+(?:about|on)\s+(?P<topic>.+)$"
)
_ANYTHING_NEW = re.compile(
    r"^(?:is\s+there\s+)?(?:what'?s|what\s+is|anything|something)\s+new"
    r"(?:\s+(?:about|on|with|in)\s+(?P<topic>.+))?$"
)
_LATEST = re.compile(r"^(?:the\s+)?(?:latest|newest)(?:\s+(?:news|articles|stories))?$")


def _words(text: str) -> str:
    text = text.replace("’", "'")
    return " ".join(text.split()).strip(_END_MARKS).strip()


_WHO_SAID = re.compile(r"^who\s+said\b")


def read_question(text: str) -> Question | None:
    """The question ``text`` asks, or None when it is not one of the forms understood."""
    typed = _words(text)
    lowered = typed.casefold()
    if _WHO_SAID.match(lowered):
        return Question(command=f"/who {typed}")
    for pattern in _PERSON_SAID:
        if match := pattern.match(lowered):
            person = typed[match.start("person") : match.end("person")]
            about = (
                typed[match.start("about") : match.end("about")]
                if match.groupdict().get("about")
                else None
            )
            return Question(
                command=None if about else f"/quotes {person}", person=person, about=about
            )
    if match := _NEWS_ABOUT.match(lowered):
        return Question(topic=typed[match.start("topic") :])
    if match := _ANYTHING_NEW.match(lowered):
        if match.group("topic"):
            return Question(topic=typed[match.start("topic") :])
        return Question(command="/latest")
    if _LATEST.match(lowered):
        return Question(command="/latest")
    return None


def addressed_text(update: Update, bot_username: str | None) -> str | None:
    """The text meant for the bot: all of it in a private chat; in a group only a message
    that names ``@bot`` (the mention taken out) or replies to one of the bot's messages."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None or not message.text:
        return None
    if chat.type == ChatType.PRIVATE:
        return message.text
    mention = f"@{bot_username}" if bot_username else None
    if mention and mention.casefold() in message.text.casefold():
        return re.sub(re.escape(mention), " ", message.text, flags=re.IGNORECASE)
    replied = message.reply_to_message
    author = replied.from_user if replied is not None else None
    if author is not None and author.is_bot and bot_username and author.username == bot_username:
        return message.text
    return None


async def run_as_command(update: Update, context: NewsContext, text: str) -> None:
    """Hand ``text`` (a command with its words) to the Application as a message from the
    same person in the same chat: the command's own handler answers it."""
    chat = update.effective_chat
    user = update.effective_user
    source = update.effective_message
    if chat is None or source is None:
        return
    command = text.split(maxsplit=1)[0]
    message = Message(
        message_id=source.message_id,
        date=source.date,
        chat=chat,
        from_user=user,
        text=text,
        entities=(MessageEntity(MessageEntity.BOT_COMMAND, 0, len(command)),),
    )
    message.set_bot(context.bot)
    rerouted = Update(update_id=update.update_id, message=message)
    rerouted.set_bot(context.bot)
    await context.application.process_update(rerouted)


async def question(update: Update, context: NewsContext) -> None:
    """A plain-words question: answered by its command; anything else goes on to the
    catch-all (``plain_text``), which says what the bot understands."""
    text = addressed_text(update, context.bot.username)
    asked = read_question(text[: MAX_QUERY_CHARS + 40]) if text else None
    if asked is None:
        await fallback.plain_text(update, context)
        return
    if asked.topic is not None:
        found = context.services.search.topics(asked.topic, limit=1)
        await run_as_command(update, context, f"/{'topics' if found else 'search'} {asked.topic}")
        return
    if asked.command is not None:
        await run_as_command(update, context, asked.command)
        return
    await said_about(update, context, asked.person or "", asked.about or "")


async def said_about(update: Update, context: NewsContext, person: str, about: str) -> None:
    """What ``person`` said about ``about``: the quotes matching the words that are theirs;
    failing that, everything they said (with a note)."""
    svc = context.services
    people = svc.search.people(person, limit=1)
    if not people:
        await run_as_command(update, context, f"/quotes {person}")
        return
    hit = people[0]
    matched = svc.search.who_said(about, limit=30)
    quotes: list[QuoteInArticle] = [
        q
        for q in svc.store.articles.quotes([h.quote_id for h in matched])
        if q.get("person_id") == hit.id
    ]
    seen = {q["id"] for q in quotes}
    stems = {w[:5] for w in re.findall(r"\w+", about.casefold()) if w not in STOPWORDS}
    for quote in svc.store.articles.quotes_by_person(hit.id, limit=200):
        words = {w[:5] for w in re.findall(r"\w+", quote["text"].casefold())}
        if quote["id"] not in seen and stems & words:
            quotes.append(quote)
    quotes = [q for q in quotes if listable(q)]
    if quotes:
        header = f"<b>{esc(hit.name)}</b> on “{esc(clip(about, 60))}”"
        await reply(update, [header, *(quote_block(q) for q in quotes[:5])])
        return
    await reply(
        update,
        [f"I found nothing {esc(hit.name)} said about “{esc(clip(about, 60))}”. All I have:"],
    )
    await run_as_command(update, context, f"/quotes {hit.name}")


# -- mistyped commands ----------------------------------------------------------------------


def known_commands(application: AnyApplication, admin: bool) -> list[str]:
    """Every command a handler is registered for (admin ones only for admins)."""
    admin_only = {text.split()[0].lstrip("/") for text, _ in ADMIN_COMMANDS if text[0] == "/"}
    names: dict[str, None] = {}
    for handlers in application.handlers.values():
        for handler in handlers:
            if isinstance(handler, CommandHandler):
                names.update(dict.fromkeys(sorted(handler.commands)))
    return [name for name in names if admin or name not in admin_only]


def closest_command(typed: str, commands: list[str]) -> str | None:
    """The command ``typed`` most likely meant: two edits away at most (one for short
    ones), or one it starts (``/sub`` is /subscribe) — or None when nothing is that close."""
    typed = typed.casefold()
    if not typed or len(typed) > 40:
        return None
    starting = [c for c in commands if len(typed) >= 3 and c.startswith(typed)]
    if len(starting) == 1:
        return starting[0]
    best = process.extractOne(
        typed, commands, scorer=Levenshtein.distance, score_cutoff=2 if len(typed) > 4 else 1
    )
    if best is None:
        return None
    close = [
        c
        for c, distance, _ in process.extract(
            typed, commands, scorer=Levenshtein.distance, limit=3, score_cutoff=best[1]
        )
    ]
    return max(close, key=lambda c: fuzz.ratio(typed, c)) if close else None


async def unknown_command(update: Update, context: NewsContext) -> None:
    """A command no handler took: a typo of a known one gets "did you mean"; others the
    catch-all answer (in a group, only commands addressed to this bot get either). A
    registered command met here was taken by a handler of another group: it is not
    unknown, and its handler has answered."""
    text = update.effective_message.text if update.effective_message else None
    parts = (text or "").split(maxsplit=1)
    command, _, addressee = (parts[0] if parts else "").partition("@")
    if command.lstrip("/").casefold() in known_commands(context.application, admin=True):
        return
    to_us = addressee.casefold() == (context.bot.username or "").casefold()
    if (fallback.is_private(update) or to_us) and await did_you_mean(
        update, context, command, " ".join(parts[1].split()) if len(parts) > 1 else ""
    ):
        return
    await fallback.unknown_command(update, context)


async def did_you_mean(update: Update, context: NewsContext, command: str, rest: str) -> bool:
    """Reply "did you mean /topics?" with a button when ``command`` is a typo of one."""
    admin = is_admin(update, context)
    meant = closest_command(command.lstrip("/"), known_commands(context.application, admin))
    if meant is None:
        return False
    data = f"{MEANT_PREFIX}{meant} {rest}".strip()
    while len(data.encode()) > 64:
        data = data[:-1]
    shown = f"/{meant} {esc(clip(rest, 60))}".strip()
    await reply(
        update,
        [f"I don't know the command {esc(clip(command, 40))}. Did you mean <b>{shown}</b>?"],
        [[(f"/{meant}", data)]],
    )
    return True


async def meant_button(update: Update, context: NewsContext) -> None:
    """The "did you mean" button: run the command it names, as if typed."""
    payload = button_payload(update, MEANT_PREFIX)
    command = payload.split(maxsplit=1)[0] if payload.strip() else ""
    admin = is_admin(update, context)
    if command not in known_commands(context.application, admin):
        await acknowledge(update, EXPIRED)
        return
    await acknowledge(update)
    await run_as_command(update, context, f"/{payload}")


def register(application: NewsApplication) -> None:
    application.add_handler(CallbackQueryHandler(meant_button, pattern=f"^{MEANT_PREFIX}"))
