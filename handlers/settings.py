"""/settings: the briefing's settings as an inline keyboard that edits its own message.

Every button press redraws the same message (``editMessageText``), so the chat does not fill up
with menus; only "send me one now" posts a new message — the briefing itself. In a group anyone
may open the pages and ask for the briefing, but only the group's admins may press a button
that changes it (:mod:`handlers.permissions`).
"""

from __future__ import annotations

import logging
from datetime import time

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import scheduling
from bot.context import NewsApplication, NewsContext
from bot.delivery import utc_now
from bot.keyboards import Buttons
from bot.render import button_rows, clip, esc
from bot.services import Services
from handlers.common import acknowledge, redraw, reply, row_number
from handlers.permissions import may_change_chat_settings
from handlers.subscribe import chat_id_of, local_moment, send_briefing_now

log = logging.getLogger(__name__)

PREFIX = "st:"
TIMES = ["06:00", "06:30", "07:00", "07:30", "08:00", "08:30", "09:00", "12:00", "18:00", "20:00"]
ZONES = [
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Kyiv",
    "Europe/Moscow",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Shanghai",
    "Asia/Tokyo",
]
MAX_TOPIC_BUTTONS = 12
#: Followed topics named on the main page / given a button on the topic page; the rest are
#: counted ("and 140 more") so the message stays far below 4096 characters and 100 buttons.
MAX_NAMED_TOPICS = 20
MAX_FOLLOWED_BUTTONS = 40


def _followed_text(names: list[str]) -> str:
    if not names:
        return "none yet"
    shown = ", ".join(esc(clip(n, 60)) for n in names[:MAX_NAMED_TOPICS])
    rest = len(names) - MAX_NAMED_TOPICS
    return shown + (f" and {rest} more (see /following)" if rest > 0 else "")


def _channels_text(svc: Services, chat_id: int) -> str:
    """The channels whose briefing this chat's user set up (private chats only have any)."""
    lines = []
    for channel_id in svc.store.chats.channels_of(chat_id)[:MAX_NAMED_TOPICS]:
        subscription = svc.store.subscriptions.get(channel_id)
        name = esc(clip(svc.store.chats.title_of(channel_id) or str(channel_id), 40))
        if subscription is None or not subscription.active:
            state = "stopped"
        elif subscription.paused:
            state = "paused"
        else:
            state = f"{subscription.clock_text} · {esc(subscription.tz)}"
        lines.append(f"• {name}: {state}")
    if not lines:
        return ""
    return (
        "\n\n📣 <b>Channels you set up</b>\n"
        + "\n".join(lines)
        + "\nChange one with <code>/subscribe @channel 08:00</code>, stop it with "
        "<code>/unsubscribe @channel</code>."
    )


def _quiet_text(svc: Services, chat_id: int) -> str:
    quiet = svc.store.alerts.quiet_hours(chat_id)
    return f"{quiet[0]:%H:%M}–{quiet[1]:%H:%M}" if quiet else "off"


def _main(svc: Services, chat_id: int) -> tuple[str, Buttons]:
    text, buttons = _main_page(svc, chat_id)
    people = [name for _, name in svc.store.alerts.followed(chat_id)]
    named = _followed_text(people) if people else "nobody (alerts: /follow a name)"
    text += f"\nPeople you follow: {named}\nQuiet hours for alerts: {_quiet_text(svc, chat_id)}"
    buttons = [*buttons[:-1], [("🌙 Quiet hours", f"{PREFIX}qh")], buttons[-1]]
    return text + _channels_text(svc, chat_id), buttons


#: Quiet hours offered on their page: (start, end) as HHMM.
QUIET_CHOICES = [("2200", "0700"), ("2300", "0700"), ("2100", "0800"), ("0000", "0800")]


def _quiet_page(svc: Services, chat_id: int) -> tuple[str, Buttons]:
    subscription = svc.store.subscriptions.get(chat_id)
    zone_name = subscription.tz if subscription else getattr(svc.settings.timezone, "key", "UTC")
    buttons = [(f"{a[:2]}:{a[2:]}–{b[:2]}:{b[2:]}", f"{PREFIX}q:{a}{b}") for a, b in QUIET_CHOICES]
    rows = button_rows(buttons)
    rows.append([("🔔 No quiet hours", f"{PREFIX}q:off"), ("⬅️ Back", f"{PREFIX}home")])
    return (
        "🌙 <b>Quiet hours</b>\nAlerts about people you follow that come in these hours wait "
        f"until they end ({esc(zone_name)}). Now: <b>{_quiet_text(svc, chat_id)}</b>.",
        rows,
    )


def _main_page(svc: Services, chat_id: int) -> tuple[str, Buttons]:
    subscription = svc.store.subscriptions.get(chat_id)
    followed = [name for _, name in svc.store.subscriptions.followed(chat_id)]
    topics = _followed_text(followed)
    if subscription is None or not subscription.active:
        text = f"⚙️ <b>Daily briefing</b>\nYou're not subscribed.\nTopics you follow: {topics}"
        default = svc.settings.digest_time.strftime("%H:%M")
        return text, [
            [(f"✅ Subscribe ({default})", f"{PREFIX}sub")],
            [("🏷 Topics", f"{PREFIX}top")],
        ]
    if subscription.paused:
        status = "⏸ paused"
    else:
        upcoming = scheduling.next_delivery(subscription, utc_now(), svc.store)
        status = f"active · next {esc(local_moment(upcoming, subscription))}"
    empty = "a short note" if subscription.send_empty else "nothing (stay silent)"
    text = (
        "⚙️ <b>Your briefing settings</b>\n"
        f"Time: <b>{subscription.clock_text}</b> · {esc(subscription.tz)}\n"
        f"Status: {status}\n"
        f"On days with no news: {empty}\n"
        f"Topics you follow: {topics}"
    )
    pause = (
        ("▶️ Resume", f"{PREFIX}resume") if subscription.paused else ("⏸ Pause", f"{PREFIX}pause")
    )
    quiet = "🔔 Note on empty days" if not subscription.send_empty else "🔕 Silent on empty days"
    return text, [
        [("🕗 Time", f"{PREFIX}time"), ("🌍 Timezone", f"{PREFIX}tz")],
        [("🏷 Topics", f"{PREFIX}top"), pause],
        [(quiet, f"{PREFIX}empty:{0 if subscription.send_empty else 1}")],
        [("📨 Send me one now", f"{PREFIX}now")],
    ]


def _time_page(svc: Services, chat_id: int) -> tuple[str, Buttons]:
    buttons = [(t, f"{PREFIX}t:{t.replace(':', '')}") for t in TIMES]
    rows = [buttons[i : i + 4] for i in range(0, len(buttons), 4)]
    rows.append([("⬅️ Back", f"{PREFIX}home")])
    return (
        "🕗 <b>When should your briefing arrive?</b>\n"
        "Any other time: type <code>/subscribe 07:45</code>.",
        rows,
    )


def _zone_page(svc: Services, chat_id: int) -> tuple[str, Buttons]:
    buttons = [(name, f"{PREFIX}z:{index}") for index, name in enumerate(ZONES)]
    rows = button_rows(buttons)
    rows.append([("⬅️ Back", f"{PREFIX}home")])
    return (
        "🌍 <b>Your timezone</b>\n"
        "Not listed? Type <code>/subscribe 08:00 your city</code>, e.g. "
        "<code>/subscribe 08:00 buenos aires</code> or <code>UTC+5:30</code>.",
        rows,
    )


def _topic_page(svc: Services, chat_id: int) -> tuple[str, Buttons]:
    # The main topics in their own order, then followed ones not among them: a button stays
    # where it was when it is toggled, so a second tap lands on the same topic.
    followed = svc.store.subscriptions.followed(chat_id)
    followed_ids = {topic_id for topic_id, _ in followed}
    choices = [
        (topic["id"], topic["name"])
        for topic in svc.store.articles.topic_counts(limit=MAX_TOPIC_BUTTONS)
    ]
    shown = {topic_id for topic_id, _ in choices}
    choices += [t for t in followed if t[0] not in shown][:MAX_FOLLOWED_BUTTONS]
    buttons = [
        (
            ("✅ " if topic_id in followed_ids else "") + clip(name, 28),
            f"{PREFIX}tp:{'u' if topic_id in followed_ids else 'f'}:{topic_id}",
        )
        for topic_id, name in choices
    ]
    rows = button_rows(buttons)
    rows.append([("⬅️ Back", f"{PREFIX}home")])
    return (
        "🏷 <b>Topics to follow</b>\nTap to follow or unfollow; followed topics lead your "
        "briefing. Others: <code>/follow name</code>.",
        rows,
    )


PAGES = {
    "home": _main,
    "time": _time_page,
    "tz": _zone_page,
    "top": _topic_page,
    "qh": _quiet_page,
}


async def settings(update: Update, context: NewsContext) -> None:
    chat_id = chat_id_of(update)
    if chat_id is None:
        return
    text, buttons = _main(context.services, chat_id)
    await reply(update, [text], buttons)


def hhmm(text: str) -> time | None:
    """``0730`` as 07:30, as a button carries a time; None when it is not a time of day."""
    hours, minutes = row_number(text[0:2]), row_number(text[2:4])
    if hours is None or minutes is None or hours >= 24 or minutes >= 60:
        return None
    return time(hours, minutes)


def _apply(svc: Services, chat_id: int, action: str) -> str:
    """Carry out a button's change; returns the page to show next."""
    now = utc_now()
    store = svc.store.subscriptions
    if action == "sub":
        current = store.get(chat_id)
        store.subscribe(
            chat_id,
            current.clock if current else svc.settings.digest_time,
            current.tz if current else getattr(svc.settings.timezone, "key", "UTC"),
            now,
        )
    elif action in ("pause", "resume"):
        store.update(chat_id, now, paused=action == "pause")
    elif action in ("empty:1", "empty:0"):
        # The button says which way: pressed twice (or again after a failed redraw) it
        # leaves the setting where the user wanted it instead of flipping it back.
        if store.get(chat_id) is not None:
            store.update(chat_id, now, send_empty=action == "empty:1")
    elif action == "empty":  # a menu drawn before the buttons said which way
        current = store.get(chat_id)
        if current is not None:
            store.update(chat_id, now, send_empty=not current.send_empty)
    elif action.startswith("t:") and len(action) == 6:
        if (clock := hhmm(action[2:6])) is not None:
            store.update(chat_id, now, clock=clock)
    elif action.startswith("z:"):
        index = row_number(action[2:])
        if index is not None and index < len(ZONES):
            store.update(chat_id, now, tz=ZONES[index])
    elif action == "q:off":
        svc.store.alerts.set_quiet_hours(chat_id, None)
        return "qh"
    elif action.startswith("q:") and len(action) == 10:
        starts, ends = hhmm(action[2:6]), hhmm(action[6:10])
        if starts is not None and ends is not None:
            svc.store.alerts.set_quiet_hours(chat_id, (starts, ends))
        return "qh"
    elif action.startswith(("tp:f:", "tp:u:")):
        topic_id = row_number(action[5:])
        if topic_id is None:
            return "home"
        if action[3] == "u":
            store.unfollow(chat_id, topic_id)
        elif svc.store.articles.topic(topic_id):
            store.follow(chat_id, topic_id, now)
        return "top"
    elif action.startswith("tp:"):  # a menu drawn before the buttons said which way
        topic_id = row_number(action[3:])
        if topic_id is None:
            return "home"
        if not store.unfollow(chat_id, topic_id) and svc.store.articles.topic(topic_id):
            store.follow(chat_id, topic_id, now)
        return "top"
    return "home"


async def settings_button(update: Update, context: NewsContext) -> None:
    query = update.callback_query
    chat_id = chat_id_of(update)
    if query is None or chat_id is None:
        return
    action = (query.data or "")[len(PREFIX) :]
    if action == "now":
        await acknowledge(update, "Here it comes")
        await send_briefing_now(update, context)
        return
    svc = context.services
    if action in PAGES:
        page = action
        await acknowledge(update)
    elif await may_change_chat_settings(update, context):
        # Answered first, within Telegram's window; the change does not depend on it.
        await acknowledge(update)
        page = _apply(svc, chat_id, action)
        scheduling.reschedule(context.application, chat_id)
    else:
        return  # the press was answered with the refusal; the menu stays as it was
    text, buttons = PAGES[page](svc, chat_id)
    await redraw(update, text, buttons)


def register(application: NewsApplication) -> None:
    application.add_handler(CommandHandler("settings", settings))
    application.add_handler(CallbackQueryHandler(settings_button, pattern=f"^{PREFIX}"))
