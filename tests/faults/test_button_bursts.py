"""Quick presses on one menu: every press answered at once, the menu ends in the last state.

The real Application with its rate limiter, against the local Bot API server. A redraw is a
paced message edit; a press's answer is not a message and must never wait behind one.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.pacing import PacedRateLimiter, Pacer
from tests.botapi.pytest_plugin import assert_no_violations
from tests.botapi.server import ApiCall, BotApiServer, SentMessage
from tests.faults.conftest import Tally, running_bot, until

USER = 556
GROUP = -100_800
GROUP_ADMIN = 602


def answered(api: BotApiServer) -> list[ApiCall]:
    return [c for c in api.calls_to("answerCallbackQuery") if c.ok]


def edits(api: BotApiServer) -> list[ApiCall]:
    return [c for c in api.calls_to("editMessageText") if c.ok]


async def group_settings(api: BotApiServer, *, admin: bool = False) -> SentMessage:
    """/settings opened in a supergroup by GROUP_ADMIN (an administrator there if ``admin``)."""
    api.add_chat(GROUP, "supergroup")
    if admin:
        api.set_chat_member(GROUP, GROUP_ADMIN, "administrator")
    api.push_message(GROUP, "/settings", user_id=GROUP_ADMIN, chat_type="supergroup")
    [menu] = await api.wait_for(1, chat_id=GROUP)
    return menu


def shown(api: BotApiServer, menu: SentMessage) -> SentMessage:
    """The menu as the chat shows it now (its latest version)."""
    return [m for m in api.sent(menu.chat_id) if m.message_id == menu.message_id][-1]


async def test_a_burst_of_toggles_is_answered_at_once_and_the_menu_ends_in_the_last_state(
    faulty_api: BotApiServer, db_path: Path, tally: Tally
) -> None:
    async with running_bot(faulty_api, db_path) as (services, _):
        faulty_api.push_message(USER, "/subscribe 07:30")
        await faulty_api.wait_for(1, chat_id=USER)
        faulty_api.push_message(USER, "/settings")
        menu = (await faulty_api.wait_for(2, chat_id=USER))[-1]
        # The first redraw's answer is held: the presses after it come while it is in flight.
        faulty_api.delay("editMessageText", 3.0, times=1)
        for choice in ("st:empty:0", "st:empty:1", "st:empty:0", "st:empty:1"):
            faulty_api.forge_button_press(USER, menu.message_id, choice)
        await until(lambda: len(answered(faulty_api)) == 4, "every press to be answered")
        last_answer = answered(faulty_api)[-1].seq
        assert len([e for e in edits(faulty_api) if e.seq < last_answer]) <= 1
        # Drawn: the first press's state (already in flight), then only the last one's.
        await until(lambda: len(edits(faulty_api)) == 2, "the last state to be drawn")
        assert services.store.subscriptions.get(USER).send_empty
        faulty_api.push_message(USER, "/settings")
        [fresh] = await faulty_api.wait_for(
            lambda m: m.message_id > menu.message_id and not m.is_edit, chat_id=USER
        )
        assert (shown(faulty_api, menu).text, shown(faulty_api, menu).buttons) == (
            fresh.text,
            fresh.buttons,
        )
        assert len(edits(faulty_api)) == 2
    tally.count(faulty_api, inputs=7, lost=0, duplicated=0)
    assert_no_violations(faulty_api)


async def test_a_groups_paced_redraw_does_not_hold_its_next_press(
    faulty_api: BotApiServer, db_path: Path, tally: Tally
) -> None:
    async with running_bot(faulty_api, db_path) as (services, _):
        menu = await group_settings(faulty_api, admin=True)
        topic_id = services.store.articles.topic_counts(limit=1)[0]["id"]
        # A group gets 20 messages a minute: its menu's redraws wait seconds for their turn.
        faulty_api.forge_button_press(GROUP, menu.message_id, "st:top", user_id=GROUP_ADMIN)
        faulty_api.forge_button_press(
            GROUP, menu.message_id, f"st:tp:f:{topic_id}", user_id=GROUP_ADMIN
        )
        await until(lambda: len(answered(faulty_api)) == 2, "both presses to be answered")
        assert not edits(faulty_api)
        assert len(faulty_api.calls_to("getChatMember")) == 1
        unfollow = f"st:tp:u:{topic_id}"
        await until(
            lambda: unfollow in [b["callback_data"] for b in shown(faulty_api, menu).buttons],
            "the followed topic to be drawn",
        )
        assert [t for t, _ in services.store.subscriptions.followed(GROUP)] == [topic_id]
        # The edit waited for the group's turn and left with the newest state: drawn once.
        assert len(edits(faulty_api)) == 1
    tally.count(faulty_api, inputs=3, lost=0, duplicated=0)
    assert_no_violations(faulty_api)


async def test_a_redraw_still_waiting_when_the_bot_stops_is_drawn(
    faulty_api: BotApiServer, db_path: Path, tally: Tally
) -> None:
    async with running_bot(faulty_api, db_path) as _:
        menu = await group_settings(faulty_api)
        faulty_api.forge_button_press(GROUP, menu.message_id, "st:time", user_id=GROUP_ADMIN)
        await until(lambda: len(answered(faulty_api)) == 1, "the press to be answered")
        assert not edits(faulty_api)
    assert "When should your briefing arrive" in shown(faulty_api, menu).text
    tally.count(faulty_api, inputs=2, lost=0, duplicated=0)
    assert_no_violations(faulty_api)


async def test_stopping_does_not_wait_out_a_redraw_the_rate_limiter_holds_back(
    faulty_api: BotApiServer, db_path: Path, tally: Tally
) -> None:
    async with running_bot(faulty_api, db_path) as (_, application):
        menu = await group_settings(faulty_api)
        # As after a briefing's 429 for this group: its next message must wait a minute.
        application.bot.rate_limiter.pacer.hold_chat(GROUP, 60)
        faulty_api.forge_button_press(GROUP, menu.message_id, "st:time", user_id=GROUP_ADMIN)
        await until(lambda: len(answered(faulty_api)) == 1, "the press to be answered")
        await asyncio.wait_for(application.stop(), timeout=10)
        await application.start()
    assert not edits(faulty_api)
    tally.count(faulty_api, inputs=2, lost=0, duplicated=0, abandoned=1)


async def test_calls_that_are_not_messages_do_not_wait_for_the_chats_spacing() -> None:
    limiter = PacedRateLimiter(Pacer())
    limiter.pacer.hold_chat(GROUP, 60)
    calls: list[str] = []

    async def call(endpoint: str) -> bool:
        calls.append(endpoint)
        return True

    async def through_limiter(endpoint: str) -> object:
        data = {"chat_id": GROUP, "user_id": GROUP_ADMIN}
        return await limiter.process_request(call, (endpoint,), {}, endpoint, data, None)

    message = asyncio.create_task(through_limiter("editMessageText"))
    for endpoint in ("answerCallbackQuery", "getChatMember", "sendChatAction"):
        assert await asyncio.wait_for(through_limiter(endpoint), 5) is True
    assert calls == ["answerCallbackQuery", "getChatMember", "sendChatAction"]
    assert not message.done()
    message.cancel()
