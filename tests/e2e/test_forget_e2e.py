"""/forget end to end: after a confirmation button, nothing about the chat is kept.

Through the real Application and the local Bot API server: the subscription (and its daily
job), followed topics, the delivery log and the chat's row go in one transaction; Cancel
keeps everything; in a group only its admins may confirm. Group rows never name the last
speaker, and migration 15 clears the names old stores kept.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.config import Settings
from bot.store import Store
from bot.store.deliveries import SENT, Window
from handlers.forget import CANCEL, CONFIRM
from handlers.permissions import GROUP_ADMINS_ONLY
from tests.botapi.pytest_plugin import BOT_TOKEN, assert_no_violations
from tests.botapi.server import BotApiServer
from tests.conftest import SEEDS, polling_bot, store_before
from tests.e2e.test_group_settings_e2e import (
    GROUP,
    GROUP_ADMIN,
    MEMBER,
    OWNER,
    SUPERGROUP,
    USER,
    Bot,
    a_topic,
)

NOTHING = {
    "follows": 0,
    "briefing_stories": 0,
    "person_follows": 0,
    "alerts": 0,
    "quiet_hours": 0,
    "channel_admins": 0,
    "deliveries": 0,
    "subscriptions": 0,
    "chats": 0,
}
#: What ``keep_everything`` leaves about a private chat (it manages no channel).
KEPT = ("follows", "deliveries", "subscriptions", "chats")


@pytest.fixture
async def bot(bot_api: BotApiServer, tmp_path: Path) -> AsyncIterator[Bot]:
    settings = Settings(
        api_base_url=bot_api.base_url, db_path=tmp_path / "news.db", seeds_dir=SEEDS
    )
    async with polling_bot(settings, BOT_TOKEN) as (services, application):
        bot_api.add_chat(GROUP, SUPERGROUP)
        bot_api.set_chat_member(GROUP, OWNER, "creator")
        bot_api.set_chat_member(GROUP, GROUP_ADMIN, "administrator")
        bot_api.set_chat_member(GROUP, MEMBER, "member")
        yield Bot(bot_api, services, application)
        assert_no_violations(bot_api)


async def keep_everything(bot: Bot, chat_id: int, user_id: int) -> None:
    """A subscription, a followed topic and a briefing in the log, as weeks of use leave."""
    await bot.say(chat_id, "/subscribe 07:30", user_id=user_id)
    _, topic = a_topic(bot)
    await bot.say(chat_id, f"/follow {topic}", user_id=user_id)
    deliveries = bot.services.store.deliveries
    now = datetime.now(UTC)
    window = Window(now, now)
    assert deliveries.claim(chat_id, date(2026, 12, 1), "run-1", window, 3, now)
    assert deliveries.finish(chat_id, date(2026, 12, 1), "run-1", SENT, now, message_id=1)
    counts = bot.services.store.chat_data_counts(chat_id)
    assert all(counts[table] for table in KEPT), counts
    assert bot.jobs(chat_id) == 1


async def test_forget_lists_what_is_kept_and_deletes_it_after_the_button(bot: Bot) -> None:
    await keep_everything(bot, USER, USER)
    (question,) = await bot.say(USER, "/forget", user_id=USER)
    assert "Forget this chat?" in question.text
    assert "daily briefing subscription" in question.text
    assert "1 followed topic" in question.text and "1 briefing sent" in question.text
    assert [b["callback_data"] for b in question.buttons] == [CONFIRM, CANCEL]

    before = len(bot.api.sent(USER))
    assert await bot.press(question, CONFIRM, USER) == "Forgotten"
    (edited,) = (await bot.api.wait_for(before + 1, chat_id=USER))[before:]
    assert edited.is_edit and edited.text.startswith("✅ Done")
    assert bot.services.store.chat_data_counts(USER) == NOTHING
    assert bot.jobs(USER) == 0
    assert bot.services.store.articles.count() > 0  # the news itself stays


async def test_cancel_keeps_everything(bot: Bot) -> None:
    await keep_everything(bot, USER, USER)
    (question,) = await bot.say(USER, "/forget", user_id=USER)
    before = len(bot.api.sent(USER))
    await bot.press(question, CANCEL, USER)
    (edited,) = (await bot.api.wait_for(before + 1, chat_id=USER))[before:]
    assert edited.text == "Nothing was deleted."
    assert all(bot.services.store.chat_data_counts(USER)[table] for table in KEPT)
    assert bot.jobs(USER) == 1


async def test_a_button_forged_with_other_data_deletes_nothing(bot: Bot) -> None:
    await keep_everything(bot, USER, USER)
    (question,) = await bot.say(USER, "/forget", user_id=USER)
    assert await bot.forge(question, "fg:everything", USER) == "That button has expired."
    assert all(bot.services.store.chat_data_counts(USER)[table] for table in KEPT)


async def test_in_a_group_only_its_admins_may_forget_it(bot: Bot) -> None:
    await keep_everything(bot, GROUP, GROUP_ADMIN)
    (refused,) = await bot.say(GROUP, "/forget", user_id=MEMBER)
    assert refused.text == GROUP_ADMINS_ONLY
    (question,) = await bot.say(GROUP, "/forget", user_id=GROUP_ADMIN)
    # A member pressing the admin's confirmation is refused, and nothing goes.
    assert await bot.press(question, CONFIRM, MEMBER) == GROUP_ADMINS_ONLY
    assert bot.services.store.subscriptions.get(GROUP) is not None
    await bot.press(question, CONFIRM, OWNER)
    await bot.api.wait_for(lambda m: m.is_edit and "Done" in m.text, chat_id=GROUP)
    assert bot.services.store.chat_data_counts(GROUP) == NOTHING
    assert bot.jobs(GROUP) == 0


async def test_a_group_row_does_not_keep_the_last_speakers_name(bot: Bot) -> None:
    await bot.say(GROUP, "/help", user_id=MEMBER, first_name="Alice")
    await bot.say(USER, "/help", user_id=USER, first_name="Bob")
    rows = {
        row[0]: row[1:]
        for row in bot.services.store.db.execute("select id, username, first_name from chats")
    }
    assert rows[GROUP] == (None, None)
    assert rows[USER][1] == "Bob"  # a private chat's own user, whom the bot greets


def test_migration_15_clears_the_names_old_group_rows_kept(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with store_before(path, "_v15_group_rows_without_a_speakers_name") as old, old.db.conn:
        old.db.execute(
            "insert into chats (id, type, username, first_name, first_seen, last_seen) "
            "values (-100, 'supergroup', 'alice', 'Alice', 'x', 'x'), "
            "(7, 'private', 'bob', 'Bob', 'x', 'x')"
        )
    store = Store.open(path)
    try:
        rows = {r[0]: r[1:] for r in store.db.execute("select id, username, first_name from chats")}
    finally:
        store.close()
    assert rows == {-100: (None, None), 7: ("bob", "Bob")}
