"""/subscribe, /unsubscribe, /brief: the daily briefing (following is ``handlers.following``).

Every change to a subscription goes through :func:`bot.scheduling.reschedule`, so the job that
sends it matches the database the moment the reply goes out. In a group only its admins may
change the briefing (:mod:`handlers.permissions`); anyone may read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from telegram import Update
from telegram.constants import InlineKeyboardButtonLimit
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import scheduling
from bot.briefings import briefing_for
from bot.clock_text import parse_time_of_day, split_time
from bot.context import NewsApplication, NewsContext
from bot.delivery import utc_now
from bot.places import Choice
from bot.preview_limit import PREVIEW_LIMIT, PreviewLimit
from bot.preview_limit import refusal as preview_refusal
from bot.render import clip, esc
from bot.services import Services
from bot.store.subscriptions import Subscription
from bot.timezones import Zone, iana, lookup, zone
from handlers.channels import (
    FROM_PRIVATE_CHAT,
    check_channel,
    names_a_channel,
    rest_after_channel,
)
from handlers.common import (
    EXPIRED,
    MAX_QUERY_CHARS,
    acknowledge,
    argument_text,
    button_payload,
    reply,
    thread_of,
)
from handlers.permissions import GROUP_ADMINS_ONLY, change_refusal, may_change_chat_settings

TIME_HELP = (
    "Please give the time like <b>07:30</b>, <b>7.30</b>, <b>7:30pm</b> or <b>19h</b>, for "
    "example <code>/subscribe 08:00</code> or <code>/subscribe 7pm berlin</code>."
)
#: Callback data of a zone chosen from a question: ``sz:<HHMM or ->:<zone name>``.
ZONE_PREFIX = "sz:"


@dataclass(frozen=True, slots=True)
class SubscribeArgs:
    """What /subscribe was given: a time and a zone (either may be missing), the places to
    ask about when the zone is ambiguous, or a correction when the input was refused."""

    clock: time | None = None
    zone: Zone | None = None
    choices: tuple[Choice, ...] = ()
    correction: str | None = None
    guessed: bool = False
    typed: str = ""


def chat_id_of(update: Update) -> int | None:
    return update.effective_chat.id if update.effective_chat else None


def local_moment(moment: datetime, subscription: Subscription) -> str:
    """'Thursday, 27 November at 08:00 CET' in the subscriber's own zone."""
    local = moment.astimezone(subscription.tzinfo)
    return f"{local:%A}, {local.day} {local:%B} at {local:%H:%M} {local.tzname()}"


def next_line(svc: Services, subscription: Subscription) -> str:
    upcoming = scheduling.next_delivery(subscription, utc_now(), svc.store)
    return f"Next one: {esc(local_moment(upcoming, subscription))}."


def parse_subscribe_args(text: str) -> SubscribeArgs:
    """The time (first or last, in any common form) and the place or zone (the other words)."""
    whole = iana(text)
    if whole is not None:  # 'UTC+05:30' is a zone, not a time
        return SubscribeArgs(zone=whole)
    clock, words, unreadable = split_time(text.split())
    if unreadable is not None:
        return SubscribeArgs(
            correction=f"I can't read “{esc(clip(unreadable, 30))}” as a time. {TIME_HELP}"
        )
    if not words:
        return SubscribeArgs(clock=clock)
    typed = " ".join(words)
    found = lookup(typed)
    if found.zone is not None:
        return SubscribeArgs(clock=clock, zone=found.zone)
    if found.choices:
        return SubscribeArgs(clock, None, found.choices, guessed=found.guessed, typed=typed)
    return SubscribeArgs(
        correction=f"I don't know the timezone or place “{esc(clip(typed, 40))}”. Use a city "
        "like <code>nairobi</code> (add the country if several share the name: "
        "<code>san jose costa rica</code>), a country, a name like "
        "<code>Europe/Berlin</code> or an offset like <code>UTC+3</code>."
    )


def zone_question(args: SubscribeArgs) -> tuple[str, list[list[tuple[str, str]]]]:
    """Which of the places was meant, as buttons that subscribe with that place's zone."""
    clock = args.clock.strftime("%H%M") if args.clock else "-"
    typed = esc(clip(args.typed, 40))
    if args.guessed:
        text = f"I don't know a place called “{typed}”. Did you mean one of these?"
    else:
        text = (
            f"Several places are called “{typed}”, in different timezones. Which one? "
            "(Next time you can add the country, e.g. <code>/subscribe 8:00 london uk</code>.)"
        )
    buttons = []
    for choice in args.choices:
        data = f"{ZONE_PREFIX}{clock}:{choice.zone}"
        if len(data.encode()) <= InlineKeyboardButtonLimit.MAX_CALLBACK_DATA:
            buttons.append([(clip(choice.label, 60), data)])
    return text, buttons


async def subscribe(update: Update, context: NewsContext) -> None:
    chat_id = chat_id_of(update)
    text = argument_text(update)[:MAX_QUERY_CHARS]
    if chat_id is not None and (channel := names_a_channel(text)):
        await subscribe_channel(update, context, channel, rest_after_channel(text))
        return
    if chat_id is None or not await may_change_chat_settings(update, context):
        return
    args = parse_subscribe_args(text)
    if args.correction:
        await reply(update, [args.correction])
        return
    if args.choices:
        text, buttons = zone_question(args)
        await reply(update, [text], buttons)
        return
    await confirm_subscription(update, context, chat_id, args.clock, args.zone)


async def subscribe_channel(update: Update, context: NewsContext, name: str, rest: str) -> None:
    """/subscribe @channel [time] [zone] from a private chat, for a channel's admin only."""
    args = parse_subscribe_args(rest)
    if args.correction:
        await reply(update, [args.correction])
        return
    if args.choices:
        places = ", ".join(esc(c.label) for c in args.choices[:3])
        await reply(
            update,
            [
                f"Several places match “{esc(clip(args.typed, 40))}”: {places}. Please name "
                "the zone, e.g. <code>Europe/Berlin</code>."
            ],
        )
        return
    check = await check_channel(update, context, name)
    user = update.effective_user
    if check.chat is None or user is None:  # a checked channel has a user who may set it up
        await reply(update, [check.refusal or FROM_PRIVATE_CHAT])
        return
    svc = context.services
    channel = check.chat
    svc.store.chats.ensure(channel.id, "channel")
    svc.store.chats.set_title(channel.id, check.title)
    svc.store.chats.set_can_post(channel.id, "channel", True)
    svc.store.chats.add_channel_admin(channel.id, user.id)
    await confirm_subscription(
        update, context, channel.id, args.clock, args.zone, label=check.title
    )


async def zone_chosen(update: Update, context: NewsContext) -> None:
    """A place picked from the question: subscribe with its zone (and the time typed)."""
    chat_id = chat_id_of(update)
    payload = button_payload(update, ZONE_PREFIX)
    clock_text, _, zone_name = payload.partition(":")
    clock = None if clock_text == "-" else parse_time_of_day(clock_text)
    found = iana(zone_name)
    if chat_id is None or found is None or (clock is None and clock_text != "-"):
        await acknowledge(update, EXPIRED)
        return
    if not await may_change_chat_settings(update, context):
        return
    await acknowledge(update)
    await confirm_subscription(update, context, chat_id, clock, found)


async def confirm_subscription(
    update: Update,
    context: NewsContext,
    chat_id: int,
    clock: time | None,
    found: Zone | None,
    *,
    label: str | None = None,
) -> None:
    """Subscribe (or update, or resume) and say so, with the next delivery; ``label`` names
    the channel when it is not the chat the command came from."""
    svc = context.services
    current = svc.store.subscriptions.get(chat_id)
    default_clock = current.clock if current else svc.settings.digest_time
    default_tz = current.tz if current else getattr(svc.settings.timezone, "key", "UTC")
    subscription = svc.store.subscriptions.subscribe(
        chat_id, clock or default_clock, found.name if found else default_tz, utc_now()
    )
    if chat_id == chat_id_of(update):
        # A forum's briefing goes to the topic it was asked for in (General: the main chat).
        svc.store.chats.set_thread(chat_id, thread_of(update))
    scheduling.reschedule(context.application, chat_id)
    if current is None or not current.active:
        verb = f"{esc(label)} is subscribed" if label else "You're subscribed"
    elif current.paused:
        verb = "Resumed (it was paused)"
    else:
        verb = "Updated"
    await reply(
        update,
        [
            f"✅ {verb}: a briefing every day at <b>{subscription.clock_text}</b> "
            f"({esc(subscription.tz)}).\n{next_line(svc, subscription)}",
            "Change it any time with /settings, follow topics with /follow, "
            "and stop with /unsubscribe.",
        ],
    )


async def unsubscribe(update: Update, context: NewsContext) -> None:
    svc = context.services
    chat_id = chat_id_of(update)
    if chat_id is not None and (name := names_a_channel(argument_text(update))):
        check = await check_channel(update, context, name)
        if check.chat is None:
            await reply(update, [check.refusal or FROM_PRIVATE_CHAT])
            return
        stopped = svc.store.subscriptions.deactivate(check.chat.id, "unsubscribed", utc_now())
        scheduling.reschedule(context.application, check.chat.id)
        shown = esc(check.title)
        await reply(
            update,
            [
                f"Done: no more daily briefings in {shown}."
                if stopped
                else f"{shown} is not subscribed."
            ],
        )
        return
    if chat_id is None or not await may_change_chat_settings(update, context):
        return
    stopped = svc.store.subscriptions.deactivate(chat_id, "unsubscribed", utc_now())
    scheduling.reschedule(context.application, chat_id)
    if stopped:
        await reply(update, ["Done: no more daily briefings. /subscribe brings them back."])
    else:
        await reply(update, ["You're not subscribed. /subscribe starts a daily briefing."])


#: /start from a member of a group whose briefing stopped when the bot was removed.
GROUP_BRIEFING_WAITS = (
    "This group's daily briefing stopped when I was removed; one of its admins can send "
    "/start to turn it back on."
)


async def reactivate_on_start(update: Update, context: NewsContext) -> bool:
    """/start after blocking the bot: the briefing resumes (an explicit unsubscribe stays).

    In a group, only an admin's /start resumes it, as only an admin may subscribe it."""
    svc = context.services
    chat_id = chat_id_of(update)
    if chat_id is None:
        return False
    stopped = svc.store.subscriptions.get(chat_id)
    if stopped is None or not stopped.stopped_by_block:
        return False
    refusal = await change_refusal(update, context)
    if refusal is not None:
        await reply(update, [GROUP_BRIEFING_WAITS if refusal == GROUP_ADMINS_ONLY else refusal])
        return False
    subscription = svc.store.subscriptions.reactivate_blocked(chat_id, utc_now())
    if subscription is None:
        return False
    scheduling.reschedule(context.application, chat_id)
    await reply(
        update,
        [
            f"Welcome back! Your daily briefing at <b>{subscription.clock_text}</b> "
            f"({esc(subscription.tz)}) is on again. {next_line(svc, subscription)}"
        ],
    )
    return True


async def brief(update: Update, context: NewsContext) -> None:
    """/brief: this chat's briefing now, built exactly as the scheduled one; /brief all: admin."""
    if argument_text(update).casefold() == "all":
        from handlers.admin import brief_all

        await brief_all(update, context)
        return
    await send_briefing_now(update, context)


async def send_briefing_now(update: Update, context: NewsContext) -> None:
    """A preview: not logged as the day's delivery, so the scheduled one still comes."""
    svc = context.services
    chat_id = chat_id_of(update)
    if chat_id is None:
        return
    user = update.effective_user
    if not svc.settings.is_admin(user.id if user else None):
        limit = context.application.bot_data.setdefault(PREVIEW_LIMIT, PreviewLimit())
        if (wait := limit.wait(chat_id)) > 0:
            await reply(update, [preview_refusal(wait)])
            return
    subscription = svc.store.subscriptions.get(chat_id)
    now = utc_now()
    tz = subscription.tzinfo if subscription else zone(getattr(svc.settings.timezone, "key", "UTC"))
    briefing = briefing_for(svc.store, chat_id, now.astimezone(tz).date(), now)
    blocks = [briefing.text]
    if subscription is None or not subscription.active:
        blocks.append("Get this every morning: /subscribe")
    await reply(update, blocks, briefing.buttons)


def register(application: NewsApplication) -> None:
    application.add_handler(CommandHandler("subscribe", subscribe))
    application.add_handler(CallbackQueryHandler(zone_chosen, pattern=f"^{ZONE_PREFIX}"))
    application.add_handler(CommandHandler("unsubscribe", unsubscribe))
    application.add_handler(CommandHandler("brief", brief))
