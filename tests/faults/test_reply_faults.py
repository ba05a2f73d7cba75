"""Replies through 5xx, resets and 429s, with the real Application and its rate limiter."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from bot.store import Store
from tests.botapi.pytest_plugin import assert_no_violations
from tests.botapi.server import BotApiServer
from tests.faults.conftest import ADMIN, Tally, running_bot, until

USER = 777
THROTTLED = list(range(801, 809))  # as many chats as there are update slots
UNRELATED = 900


def help_replies(api: BotApiServer, chat_id: int) -> int:
    return len([m for m in api.delivered(chat_id) if "/latest" in m.text])


async def test_a_reply_through_5xx_answers_is_retried_and_arrives_once(
    faulty_api: BotApiServer, db_path: Path, tally: Tally
) -> None:
    faulty_api.fail_next("sendMessage", chat_id=USER, error_code=502)
    faulty_api.fail_next("sendMessage", chat_id=USER, error_code=500, times=2)
    async with running_bot(faulty_api, db_path):
        faulty_api.push_message(USER, "/help")
        await faulty_api.wait_for(1, chat_id=USER)
        faulty_api.push_message(USER, "/help")  # a later reply: nothing of the first is left
        await faulty_api.wait_for(2, chat_id=USER)
    # The chat's updates are handled in order: the second reply comes after the first
    # handler is done, so two messages mean one each.
    assert help_replies(faulty_api, USER) == len(faulty_api.delivered(USER)) == 2
    tally.count(faulty_api, inputs=2, lost=0, duplicated=0)
    assert_no_violations(faulty_api)


async def test_a_reply_whose_connection_is_reset_after_delivery_is_not_sent_twice(
    faulty_api: BotApiServer, db_path: Path, tally: Tally
) -> None:
    # Telegram took the message but the answer never came back: repeating it would be a
    # second copy, so the bot does not.
    faulty_api.reset_next("sendMessage", chat_id=USER, deliver=True)
    async with running_bot(faulty_api, db_path):
        faulty_api.push_message(USER, "/help")
        await faulty_api.wait_for(1, chat_id=USER)
        faulty_api.push_message(USER, "/help")
        await faulty_api.wait_for(2, chat_id=USER)
    assert help_replies(faulty_api, USER) == len(faulty_api.delivered(USER)) == 2
    tally.count(faulty_api, inputs=2, lost=0, duplicated=0)


async def test_a_throttled_reply_does_not_keep_other_chats_waiting(
    faulty_api: BotApiServer, db_path: Path, tally: Tally
) -> None:
    for chat_id in THROTTLED:
        faulty_api.fail_next("sendMessage", chat_id=chat_id, error_code=429, retry_after=60)
    async with running_bot(faulty_api, db_path) as (_, application):
        for chat_id in THROTTLED:
            faulty_api.push_message(chat_id, "/help")
        await until(
            lambda: len([c for c in faulty_api.calls_to("sendMessage") if c.injected]) == 8,
            "every throttled chat to be told to wait",
        )
        faulty_api.push_message(UNRELATED, "/help")
        await faulty_api.wait_for(1, chat_id=UNRELATED, timeout=5)
        assert all(help_replies(faulty_api, c) == 0 for c in THROTTLED), "still waiting"
        # Stopping cuts the minute-long waits short instead of waiting them out.
        await asyncio.wait_for(application.stop(), timeout=5)
        await application.start()
    assert len(faulty_api.delivered(UNRELATED)) == 1
    tally.count(faulty_api, inputs=9, lost=0, duplicated=0, abandoned=len(THROTTLED))


async def test_brief_all_fans_out_even_when_its_acknowledgement_fails(
    faulty_api: BotApiServer, db_path: Path, tally: Tally
) -> None:
    subscribers = [1101, 1102, 1103]
    store = Store.open(db_path)
    try:
        later = (datetime.now(UTC) + timedelta(hours=6)).time().replace(second=0, microsecond=0)
        for chat_id in subscribers:
            store.subscriptions.subscribe(
                chat_id, time(later.hour, later.minute), "UTC", datetime.now(UTC)
            )
    finally:
        store.close()
    for chat_id in [ADMIN, *subscribers]:
        faulty_api.add_chat(chat_id)
    # The acknowledgement meets more 502s than a reply retries; the last briefing is slow to
    # be answered, so the report comes after the acknowledgement has given up.
    faulty_api.fail_next("sendMessage", chat_id=ADMIN, error_code=502, times=4)
    faulty_api.delay("sendMessage", 1.0, chat_id=subscribers[-1])
    async with running_bot(faulty_api, db_path):
        faulty_api.push_message(ADMIN, "/brief all", user_id=ADMIN)
        for chat_id in subscribers:
            await faulty_api.wait_for(1, chat_id=chat_id)
        [report] = await faulty_api.wait_for(1, chat_id=ADMIN)
    assert "3 sent" in report.text, "the acknowledgement never arrived; the report did"
    assert all(len(faulty_api.delivered(c)) == 1 for c in subscribers)
    lost = sum(1 for c in subscribers if not faulty_api.delivered(c))
    tally.count(faulty_api, inputs=1 + len(subscribers), lost=lost, duplicated=0)
