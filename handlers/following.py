"""/follow, /unfollow, /following: the people and topics a chat follows.

``/follow <name>`` follows whichever the name matches best, a person (as ``/quotes`` matches
names: alerts when they are quoted, and their stories lead the briefing) or a topic (its
stories lead the briefing); when both fit about as well, buttons ask which. In a group only
its admins may change what it follows (:mod:`handlers.permissions`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz, process
from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.context import NewsApplication, NewsContext
from bot.delivery import utc_now
from bot.keyboards import Buttons
from bot.render import clip, esc
from bot.search import NamedHit
from bot.services import Services
from handlers.common import (
    EXPIRED,
    MAX_QUERY_CHARS,
    acknowledge,
    argument_text,
    button_payload,
    reply,
    row_number,
)
from handlers.permissions import may_change_chat_settings

#: Names one /follow takes from a comma list.
MAX_FOLLOWED_AT_ONCE = 10
#: A person and a topic this close in score both fit: the user chooses.
BOTH_FIT = 5.0
#: Callback data of a choice: ``fw:p:<person id>`` or ``fw:t:<topic id>``.
CHOICE_PREFIX = "fw:"


def names_listed(text: str) -> list[str]:
    """'energy, space' or 'energy; space' -> ['energy', 'space'] (one name when no list)."""
    return list(dict.fromkeys(part.strip() for part in re.split(r"[,;]", text) if part.strip()))


def chat_id_of(update: Update) -> int | None:
    return update.effective_chat.id if update.effective_chat else None


def quiet_text(svc: Services, chat_id: int) -> str:
    quiet = svc.store.alerts.quiet_hours(chat_id)
    if quiet is None:
        return "no quiet hours"
    return f"silent {quiet[0]:%H:%M}–{quiet[1]:%H:%M}"


def follow_person(svc: Services, chat_id: int, person: NamedHit) -> str:
    if not svc.store.alerts.follow(chat_id, person.id, utc_now()):
        return f"You already follow <b>{esc(person.name)}</b>."
    per_day = svc.settings.alerts_per_day
    return (
        f"Following <b>{esc(person.name)}</b>: I'll alert you when they are quoted "
        f"(at most {per_day} alerts a day, {quiet_text(svc, chat_id)}; /settings)."
    )


def follow_topic(svc: Services, chat_id: int, topic: NamedHit) -> str:
    if svc.store.subscriptions.follow(chat_id, topic.id, utc_now()):
        return f"Following <b>{esc(topic.name)}</b>: your briefings put it first."
    return f"You already follow <b>{esc(topic.name)}</b>."


def follow_one(svc: Services, chat_id: int, name: str, *, ask: bool) -> tuple[str, Buttons]:
    """Follow the person or topic closest to ``name``; the line saying what happened, and
    the buttons to choose with when both fit and ``ask`` (one name was given)."""
    people = svc.search.people(name, limit=1)
    topics = svc.search.topics(name, limit=1)
    person, topic = (people[0] if people else None), (topics[0] if topics else None)
    if person and topic and abs(person.score - topic.score) <= BOTH_FIT and ask:
        return (
            f"Do you mean the person or the topic “{esc(clip(name, 60))}”?",
            [
                [(f"👤 {clip(person.name, 40)}", f"{CHOICE_PREFIX}p:{person.id}")],
                [(f"🏷 {clip(topic.name, 40)}", f"{CHOICE_PREFIX}t:{topic.id}")],
            ],
        )
    if person and (topic is None or person.score > topic.score):
        return follow_person(svc, chat_id, person), []
    if topic:
        return follow_topic(svc, chat_id, topic), []
    near = [
        *(h.name for h in svc.search.people(name, limit=2, cutoff=45)),
        *(h.name for h in svc.search.topics(name, limit=3, cutoff=40)),
    ]
    tip = f" Closest: {', '.join(esc(n) for n in near)}." if near else ""
    return f"I don't know a topic like “{esc(clip(name, 60))}”, nor a person.{tip}", []


async def follow(update: Update, context: NewsContext) -> None:
    svc = context.services
    chat_id = chat_id_of(update)
    text = argument_text(update)[:MAX_QUERY_CHARS]
    if chat_id is None or not await may_change_chat_settings(update, context):
        return
    names = names_listed(text)
    if not names:
        await reply(
            update,
            [
                "Whom or what? For example <code>/follow zelensky</code> (alerts when they "
                "are quoted) or <code>/follow ukraine</code>; /topics lists the topics."
            ],
        )
        return
    lines: list[str] = []
    buttons: list[Sequence[tuple[str, str]]] = []
    for each in names[:MAX_FOLLOWED_AT_ONCE]:
        line, choice = follow_one(svc, chat_id, each, ask=len(names) == 1)
        lines.append(line)
        buttons += choice
    if len(names) > MAX_FOLLOWED_AT_ONCE:
        lines.append(f"(Only the first {MAX_FOLLOWED_AT_ONCE} at a time.)")
    subscription = svc.store.subscriptions.get(chat_id)
    if not buttons and (subscription is None or not subscription.active):
        lines.append("Start a daily briefing with /subscribe.")
    await reply(update, ["\n".join(lines)], buttons or None)


async def choice_button(update: Update, context: NewsContext) -> None:
    """The person or the topic, chosen from the question /follow asked."""
    svc = context.services
    chat_id = chat_id_of(update)
    kind, _, number = button_payload(update, CHOICE_PREFIX).partition(":")
    item_id = row_number(number)
    if chat_id is None or item_id is None or kind not in ("p", "t"):
        await acknowledge(update, EXPIRED)
        return
    if not await may_change_chat_settings(update, context):
        return
    if kind == "p":
        person = svc.store.articles.person(item_id)
        line = (
            follow_person(svc, chat_id, NamedHit(item_id, person["name"], 100)) if person else None
        )
    else:
        topic = svc.store.articles.topic(item_id)
        line = follow_topic(svc, chat_id, NamedHit(item_id, topic["name"], 100)) if topic else None
    if line is None:
        await acknowledge(update, EXPIRED)
        return
    await acknowledge(update)
    await reply(update, [line])


def followed_names(svc: Services, chat_id: int) -> list[tuple[str, int, str]]:
    """('p' or 't', id, name) of everything the chat follows: people first, then topics."""
    return [
        *(("p", i, n) for i, n in svc.store.alerts.followed(chat_id)),
        *(("t", i, n) for i, n in svc.store.subscriptions.followed(chat_id)),
    ]


async def unfollow(update: Update, context: NewsContext) -> None:
    svc = context.services
    chat_id = chat_id_of(update)
    name = argument_text(update)[:MAX_QUERY_CHARS]
    if chat_id is None or not await may_change_chat_settings(update, context):
        return
    followed = followed_names(svc, chat_id)
    if not followed:
        await reply(
            update,
            ["You don't follow any topics or people. Try <code>/follow ukraine</code>."],
        )
        return
    if not name:
        await reply(update, ["Whom or what? For example <code>/unfollow ukraine</code>."])
        return
    match = process.extractOne(
        name.casefold(), [n.casefold() for _, _, n in followed], scorer=fuzz.WRatio, score_cutoff=70
    )
    if match is None:
        names = ", ".join(esc(clip(n, 60)) for _, _, n in followed[:20])
        if len(followed) > 20:
            names += f" and {len(followed) - 20} more (see /following)"
        await reply(update, [f"You don't follow “{esc(clip(name, 60))}”. You follow: {names}."])
        return
    kind, item_id, item_name = followed[match[2]]
    if kind == "p":
        svc.store.alerts.unfollow(chat_id, item_id)
    else:
        svc.store.subscriptions.unfollow(chat_id, item_id)
    await reply(update, [f"Stopped following <b>{esc(item_name)}</b>."])


async def following(update: Update, context: NewsContext) -> None:
    svc = context.services
    chat_id = chat_id_of(update)
    if chat_id is None:
        return
    people = svc.store.alerts.followed(chat_id)
    topics = svc.store.subscriptions.followed(chat_id)
    if not people and not topics:
        await reply(
            update,
            [
                "You don't follow any topics or people yet. Try <code>/follow ukraine</code>, "
                "<code>/follow zelensky</code> or /topics."
            ],
        )
        return
    blocks = []
    for title, names in (("People you follow", people), ("Topics you follow", topics)):
        lines = [f"• {esc(clip(name, 100))}" for _, name in names]
        # Blocks of 30 lines, so a long list splits into messages rather than being cut short.
        chunks = ["\n".join(lines[i : i + 30]) for i in range(0, len(lines), 30)]
        if chunks:
            chunks[0] = f"<b>{title}</b>\n{chunks[0]}"
        blocks += chunks
    await reply(update, [*blocks, "Stop one with /unfollow &lt;name&gt;."])


def register(application: NewsApplication) -> None:
    application.add_handler(CommandHandler("follow", follow))
    application.add_handler(CommandHandler("unfollow", unfollow))
    application.add_handler(CommandHandler("following", following))
    application.add_handler(CallbackQueryHandler(choice_button, pattern=f"^{CHOICE_PREFIX}"))
