"""The morning briefing of stories end to end: the real bot, the local Bot API server, two days.

Day one: an earthquake told by three outlets (one of them only in reported speech) is one
story of three sources, below the story the subscriber follows; its button opens the story.
Day two: a fourth outlet reports it, so it returns as an update; the followed story, which
did not grow, does not.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import time_machine

from bot.ingest import ingest_text
from bot.store import Store
from tests.botapi.pytest_plugin import assert_no_violations
from tests.botapi.server import BotApiServer
from tests.e2e.test_delivery_e2e import briefings, running_bot, subscribe_all, wait_until

CHAT = 515
MORNING = datetime(2025, 6, 2, 8, 0, 5, tzinfo=UTC)

QUAKE = [
    (
        "Reuters",
        "Strong earthquake shakes Napa Valley, injuring dozens",
        "NAPA COUNTY, Calif. — A magnitude 6.0 earthquake struck the Napa Valley early on "
        "Sunday, injuring dozens of people, damaging historic buildings and cutting power to "
        "thousands of homes, officials said.\n\nNapa Mayor Jill Techel said the downtown had "
        "been badly hit by the earthquake.",
    ),
    (
        "AP",
        "Napa earthquake: dozens hurt as 6.0 quake damages buildings",
        "An earthquake of magnitude 6.0 rocked California's Napa Valley wine country on "
        "Sunday, damaging buildings and leaving dozens injured, while thousands of homes lost "
        'power.\n\n"We have a lot of damage downtown, and our first job is to make sure '
        'everyone is safe," said Napa Mayor Jill Techel.',
    ),
    (
        "BBC",
        "Napa Valley counts the cost of its strongest earthquake in 25 years",
        "Winemakers in California's Napa Valley are counting the damage after a 6.0 "
        "earthquake injured dozens of people and damaged buildings across the county.",
    ),
]
LATER = (
    "NHK",
    "Napa earthquake: inspectors tag dozens of buildings as unsafe",
    "Inspectors in California's Napa Valley marked dozens of buildings unsafe after the "
    "magnitude 6.0 earthquake that injured dozens of people and damaged the county.\n\n"
    '"Some of these buildings will have to come down," said building official Ron Nelson.',
)
FOLLOWED = (
    "Herald",
    "Council approves new bike lanes for Harbor Street",
    "PORTLAND, Ore. — Cyclists cheered as the city council voted 7-2 to paint protected "
    "lanes along Harbor Street before the summer.",
)


def ingest(db_path: Path, at: datetime, *articles: tuple[str, str, str]) -> list[int]:
    """Articles as a feed brings them, ingested at ``at``."""
    store = Store.open(db_path)
    try:
        with time_machine.travel(at, tick=False):
            return [
                ingest_text(
                    store,
                    f"date: {at.date()}\nsource: {source}\n\n{title}\n\n{body}\n",
                    slug=f"{source}-{title[:20]}",
                ).article_id
                for source, title, body in articles
            ]
    finally:
        store.close()


def follow_a_topic_of(db_path: Path, article_id: int) -> None:
    store = Store.open(db_path)
    try:
        topic = store.db.execute(
            "insert into topics (name, key) values ('Cycling', 'cycling')"
        ).lastrowid
        store.db.execute(
            "insert into article_topics (article_id, topic_id, rank) values (?, ?, 0)",
            [article_id, topic],
        )
        store.db.conn.commit()
        store.subscriptions.follow(CHAT, topic, MORNING)
    finally:
        store.close()


async def test_a_day_of_one_event_told_by_several_sources_then_its_update(
    bot_api: BotApiServer, db_path: Path
) -> None:
    bot_api.add_chat(CHAT)
    subscribe_all(db_path, [CHAT], time(8, 0), "UTC", MORNING - timedelta(days=1))
    quake = ingest(db_path, MORNING - timedelta(hours=3), *QUAKE)
    [bikes] = ingest(db_path, MORNING - timedelta(hours=1), FOLLOWED)
    follow_a_topic_of(db_path, bikes)

    with time_machine.travel(MORNING, tick=True):
        async with running_bot(bot_api, db_path) as bot:
            [message] = await bot_api.wait_for(
                lambda s: s.text.startswith("☀️ Your briefing"), chat_id=CHAT
            )
            story = bot.store.stories.story_of(quake[0])
            assert {bot.store.stories.story_of(i) for i in quake} == {story}
            text = message.text
            # Followed first; the quake once, with its three sources and its direct quote.
            assert text.index("bike lanes") < text.index("earthquake")
            assert text.count("3 sources") == 1 and f"/story {story}" in text
            assert "“We have a lot of damage downtown" in text and "— Jill Techel" in text
            assert "“Napa Mayor Jill Techel said" not in text  # reported, never quoted
            assert "NAPA COUNTY" not in text  # the dateline is not the summary
            button = next(b for b in message.buttons if b["callback_data"] == f"sy:{story}")
            [opened] = await bot.press(message, button["callback_data"])
            assert "Articles (3)" in opened.text
            assert all(source in opened.text for source in ("Reuters", "AP", "BBC"))
            assert "Who said what" in opened.text and "Jill Techel" in opened.text

    next_morning = MORNING + timedelta(days=1)
    ingest(db_path, next_morning - timedelta(hours=2), LATER)
    with time_machine.travel(next_morning, tick=True):
        async with running_bot(bot_api, db_path):
            await wait_until(lambda: len(briefings(bot_api, CHAT)) == 2)
    second = briefings(bot_api, CHAT)[1].text
    assert "🔄 Update: " in second and "4 sources" in second
    assert "bike lanes" not in second  # shown yesterday and not grown
    assert_no_violations(bot_api)
