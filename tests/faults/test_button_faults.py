"""Settings buttons through failing answers and edits: applied once, never reported as failed."""

from __future__ import annotations

from pathlib import Path

from handlers.fallback import FAILED
from tests.botapi.pytest_plugin import assert_no_violations
from tests.botapi.server import BotApiServer, SentMessage
from tests.faults.conftest import Tally, running_bot, until

USER = 555


def quiet_button(menu: SentMessage) -> str:
    return next(
        b["callback_data"] for b in menu.buttons if b["callback_data"].startswith("st:empty")
    )


async def open_settings(api: BotApiServer) -> SentMessage:
    api.push_message(USER, "/subscribe 07:30")
    await api.wait_for(1, chat_id=USER)
    api.push_message(USER, "/settings")
    return (await api.wait_for(2, chat_id=USER))[-1]


def answered(api: BotApiServer) -> int:
    return len([c for c in api.calls_to("answerCallbackQuery") if c.ok])


async def test_a_press_whose_answer_and_edit_fail_once_is_applied_and_shown(
    faulty_api: BotApiServer, db_path: Path, tally: Tally
) -> None:
    async with running_bot(faulty_api, db_path) as (services, _):
        menu = await open_settings(faulty_api)
        assert services.store.subscriptions.get(USER).send_empty
        faulty_api.fail_next("answerCallbackQuery", error_code=502)
        faulty_api.fail_next("editMessageText", error_code=500)
        faulty_api.press_button(USER, menu.message_id, quiet_button(menu))
        [redrawn] = await faulty_api.wait_for(lambda m: m.is_edit, chat_id=USER)
        assert "stay silent" in redrawn.text
        assert not services.store.subscriptions.get(USER).send_empty
        await until(lambda: answered(faulty_api) == 1, "the press to be answered")
    assert all(m.text != FAILED for m in faulty_api.sent(USER))
    tally.count(faulty_api, inputs=3, lost=0, duplicated=0)
    assert_no_violations(faulty_api)


async def test_a_press_whose_redraw_keeps_failing_is_applied_and_a_second_press_keeps_it(
    faulty_api: BotApiServer, db_path: Path, tally: Tally
) -> None:
    async with running_bot(faulty_api, db_path) as (services, _):
        menu = await open_settings(faulty_api)
        faulty_api.fail_next("editMessageText", error_code=502, times=8)
        faulty_api.press_button(USER, menu.message_id, quiet_button(menu))
        await until(lambda: answered(faulty_api) == 1, "the press to be answered")
        await until(
            lambda: len([c for c in faulty_api.calls_to("editMessageText") if c.injected]) == 4,
            "the redraw to be tried four times",
        )
        assert not services.store.subscriptions.get(USER).send_empty
        # The menu still shows the old button; pressed again, it keeps the setting.
        faulty_api.press_button(USER, menu.message_id, quiet_button(menu))
        await until(lambda: answered(faulty_api) == 2, "the second press to be answered")
        await until(
            lambda: len([c for c in faulty_api.calls_to("editMessageText") if c.injected]) == 8,
            "the second redraw to be tried",
        )
        assert not services.store.subscriptions.get(USER).send_empty
    assert all(m.text != FAILED for m in faulty_api.sent(USER))
    tally.count(faulty_api, inputs=4, lost=0, duplicated=0)


async def test_a_flood_limit_on_the_answer_is_waited_out(
    faulty_api: BotApiServer, db_path: Path, tally: Tally
) -> None:
    async with running_bot(faulty_api, db_path) as _:
        menu = await open_settings(faulty_api)
        faulty_api.fail_next("answerCallbackQuery", error_code=429, retry_after=1)
        faulty_api.press_button(USER, menu.message_id, "st:time")
        await until(lambda: answered(faulty_api) == 1, "the press to be answered")
        [page] = await faulty_api.wait_for(lambda m: m.is_edit, chat_id=USER)
        assert "When should your briefing arrive" in page.text
    tally.count(faulty_api, inputs=3, lost=0, duplicated=0)
    assert_no_violations(faulty_api)
