"""The Bot API gone and back: no update lost, none answered twice, no briefing left failed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

from bot.store import Store
from tests.botapi.pytest_plugin import assert_no_violations
from tests.botapi.server import BotApiServer
from tests.faults.conftest import ADMIN, Tally, running_bot, until

CHATS = list(range(601, 611))
WAITING = 650  # told to wait just before the outage: its retry meets the outage
SUBSCRIBERS = list(range(1201, 1221))


def replies(api: BotApiServer, chat_id: int) -> int:
    return len(api.delivered(chat_id))


async def test_updates_sent_while_the_bot_api_is_gone_are_all_answered_once(
    faulty_api: BotApiServer, db_path: Path, tally: Tally
) -> None:
    async with running_bot(faulty_api, db_path):
        for chat_id in CHATS:
            faulty_api.push_message(chat_id, "/help")
        await until(lambda: all(replies(faulty_api, c) == 1 for c in CHATS), "first replies")
        faulty_api.fail_next("sendMessage", chat_id=WAITING, error_code=429, retry_after=1)
        faulty_api.push_message(WAITING, "/help")
        await until(lambda: any(c.injected for c in faulty_api.calls_to("sendMessage")), "429")
        faulty_api.go_away(seconds=2.0)
        for chat_id in CHATS:  # the users go on writing; Telegram keeps their messages
            faulty_api.push_message(chat_id, "/latest")
        await until(lambda: not faulty_api.away, "the Bot API to come back", timeout=5)
        await until(
            lambda: (
                replies(faulty_api, WAITING) == 1
                and all(replies(faulty_api, c) == 2 for c in CHATS)
            ),
            "every message answered",
            timeout=20,
        )
        faulty_api.push_message(WAITING, "/latest")  # a barrier: the chat's earlier work is done
        await until(lambda: replies(faulty_api, WAITING) == 2, "the last reply")
    counts = {c: replies(faulty_api, c) for c in [*CHATS, WAITING]}
    inputs = 2 * len(CHATS) + 2
    lost = sum(max(0, 2 - n) for n in counts.values())
    duplicated = sum(max(0, n - 2) for n in counts.values())
    assert lost == duplicated == 0, counts
    tally.count(faulty_api, inputs=inputs, lost=lost, duplicated=duplicated)
    assert_no_violations(faulty_api)


async def test_a_fan_out_through_an_outage_delivers_every_briefing_once(
    faulty_api: BotApiServer, db_path: Path, tally: Tally
) -> None:
    now = datetime.now(UTC)
    later = (now + timedelta(hours=6)).time()
    store = Store.open(db_path)
    try:
        for chat_id in SUBSCRIBERS:
            store.subscriptions.subscribe(chat_id, clock_time(later.hour, later.minute), "UTC", now)
    finally:
        store.close()
    for chat_id in [ADMIN, *SUBSCRIBERS]:
        faulty_api.add_chat(chat_id)
        if chat_id != ADMIN:  # every briefing is first told to wait, then meets the outage
            faulty_api.fail_next("sendMessage", chat_id=chat_id, error_code=429, retry_after=1)
    async with running_bot(faulty_api, db_path) as (services, _):
        faulty_api.push_message(ADMIN, "/brief all", user_id=ADMIN)
        [started] = await faulty_api.wait_for(1, chat_id=ADMIN)
        assert "20 subscriber(s)" in started.text
        await until(
            lambda: len([c for c in faulty_api.calls_to("sendMessage") if c.injected]) == 20,
            "every briefing to be told to wait",
        )
        faulty_api.go_away(seconds=2.0)
        await until(lambda: not faulty_api.away, "the Bot API to come back", timeout=5)
        [_, report] = await faulty_api.wait_for(2, chat_id=ADMIN, timeout=30)
        day = now.date()
        statuses = {c: services.store.deliveries.status(c, day) for c in SUBSCRIBERS}
    assert "20 sent" in report.text, report.text
    assert set(statuses.values()) == {"sent"}
    counts = {c: replies(faulty_api, c) for c in SUBSCRIBERS}
    lost = sum(1 for n in counts.values() if n == 0)
    duplicated = sum(n - 1 for n in counts.values() if n > 1)
    assert lost == duplicated == 0, counts
    tally.count(faulty_api, inputs=1 + len(SUBSCRIBERS), lost=lost, duplicated=duplicated)
    assert_no_violations(faulty_api)


async def test_get_updates_through_5xx_and_a_reset_loses_no_update(
    faulty_api: BotApiServer, db_path: Path, tally: Tally
) -> None:
    async with running_bot(faulty_api, db_path):
        faulty_api.push_message(CHATS[0], "/help")
        await faulty_api.wait_for(1, chat_id=CHATS[0])
        faulty_api.fail_next("getUpdates", error_code=502)
        faulty_api.reset_next("getUpdates", deliver=True)  # taken, but the answer is lost
        for chat_id in CHATS:
            faulty_api.push_message(chat_id, "/latest")
        await until(
            lambda: (
                replies(faulty_api, CHATS[0]) == 2
                and all(replies(faulty_api, c) == 1 for c in CHATS[1:])
            ),
            "every message answered",
            timeout=20,
        )
        for chat_id in CHATS:  # a barrier per chat: nothing of the earlier updates is left
            faulty_api.push_message(chat_id, "/help")
        await until(
            lambda: (
                replies(faulty_api, CHATS[0]) == 3
                and all(replies(faulty_api, c) == 2 for c in CHATS[1:])
            ),
            "the barrier answered",
        )
    counts = {c: replies(faulty_api, c) for c in CHATS}
    expected = {c: 3 if c == CHATS[0] else 2 for c in CHATS}
    assert counts == expected
    tally.count(faulty_api, inputs=1 + 2 * len(CHATS), lost=0, duplicated=0)
    assert_no_violations(faulty_api)
