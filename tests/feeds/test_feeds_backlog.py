"""A feed remembers what it has not taken yet (entries past the per-poll cap, pages that
failed for a reason that may pass) and takes them on the next polls whatever the server
answers; every poll says what it skipped and why, and the first one tells the admin."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import ingest as ingest_module
from bot.config import Settings
from bot.context import NewsContext
from bot.feeds import cli as feeds_cli
from bot.feeds import poller as poller_module
from bot.feeds.jobs import first_poll_message, poll_feeds_job
from bot.feeds.poller import MAX_ENTRY_ATTEMPTS, FeedPoller
from bot.store import Store
from tests.botapi.pytest_plugin import BOT_TOKEN
from tests.botapi.server import BotApiServer
from tests.conftest import polling_bot
from tests.faults.store.test_locked_store_e2e import write_lock_held_by_another_process
from tests.feeds.test_feeds_poller import rss2
from tests.feeds.test_fetch_webserver import TEST_POLICY, WebServer, running_web_server
from tests.feeds.test_pages import article_html

WORDS = (
    "harbour",
    "council",
    "budget",
    "river",
    "bridge",
    "school",
    "teachers",
    "farmers",
    "drought",
    "railway",
    "tunnel",
    "election",
    "mayor",
    "hospital",
    "nurses",
    "strike",
    "vaccine",
    "museum",
    "festival",
    "airport",
    "runway",
    "storm",
    "flood",
    "tariff",
    "export",
    "wheat",
    "copper",
    "mine",
    "forest",
    "wildfire",
    "court",
    "judge",
    "appeal",
    "ministry",
    "coalition",
    "protest",
    "stadium",
    "league",
    "coach",
    "satellite",
    "launch",
    "telescope",
    "reactor",
    "turbine",
)


def story(n: int) -> tuple[str, tuple[str, ...]]:
    """A distinct story (its own words, so no two are taken for the same one)."""
    rng = random.Random(n)
    title = f"Story {n}: The {' '.join(rng.sample(WORDS, 3)).title()}"
    sentences = tuple(
        f"The {' '.join(rng.sample(WORDS, 6))} report number {n} said on Monday that "
        f"{' '.join(rng.sample(WORDS, 8))} would follow next {rng.choice(WORDS)}."
        for _ in range(4)
    )
    return title, sentences


@pytest.fixture
def web() -> Iterator[WebServer]:
    with running_web_server() as server:
        yield server


def poller_for(store: Store) -> FeedPoller:
    return FeedPoller(
        store, TEST_POLICY, interval=timedelta(minutes=30), max_age=timedelta(days=30)
    )


def serve_feed(web: WebServer, count: int, *, old: int = 0, broken: tuple[int, ...] = ()) -> str:
    """A feed of ``count`` recent stories (then ``old`` ones past the retention period),
    with an ETag, so polling it again gets 304; ``broken`` stories answer 503."""
    items, old_items = [], []
    for n in range(count + old):
        title, paragraphs = story(n)
        path = f"/story/{n}"
        if n in broken:
            web.add(path, "busy", status=503)
        else:
            web.add(path, article_html(title, paragraphs))
        (items if n < count else old_items).append((title, web.url(path)))
    recent = rss2("Wire", items)
    if old_items:
        stale = rss2("Wire", old_items, when=datetime.now(UTC) - timedelta(days=90))
        recent = recent.replace(
            "</channel>", stale.split("</description>", 1)[1].split("</channel>")[0] + "</channel>"
        )
    return web.add("/feed", recent, etag='"v1"')


async def test_entries_past_the_cap_are_taken_on_the_next_polls_even_after_304(
    web: WebServer, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(poller_module, "MAX_ENTRIES_PER_POLL", 3)
    store.feeds.add(serve_feed(web, 7))
    poller = poller_for(store)
    [first] = await poller.poll_due()
    assert (first.first, first.found, first.stored, first.left) == (True, 7, {"added": 3}, 4)
    assert first.summary() == "3 added, 4 left for the next polls"
    [second] = await poller.poll_due()
    assert second.not_modified and not second.first
    assert (second.stored, second.left) == ({"added": 3}, 1)
    [third] = await poller.poll_due()
    assert (third.not_modified, third.stored, third.left) == (True, {"added": 1}, 0)
    assert store.articles.count() == 7
    assert [h.path for h in web.hits].count("/story/6") == 1


async def test_old_entries_are_counted_as_skipped_and_never_fetched(
    web: WebServer, store: Store
) -> None:
    store.feeds.add(serve_feed(web, 2, old=5))
    [outcome] = await poller_for(store).poll_due()
    assert outcome.summary() == "2 added, 5 older than the retention period"
    assert sum(web.count(f"/story/{n}") for n in range(2, 7)) == 0
    [again] = await poller_for(store).poll_due()
    assert again.summary() == "nothing new"
    assert store.feeds.get(1)["last_report"] == "nothing new"


async def test_an_entry_that_failed_is_retried_on_later_polls_and_then_given_up(
    web: WebServer, store: Store
) -> None:
    store.feeds.add(serve_feed(web, 3, broken=(1,)))
    poller = poller_for(store)
    [outcome] = await poller.poll_due()
    assert outcome.stored == {"added": 2}
    assert outcome.summary() == (
        f"2 added, 1 failed: {web.url('/story/1')}: HTTP 503 Service Unavailable, "
        "1 left for the next polls"
    )
    title, paragraphs = story(1)
    web.add("/story/1", article_html(title, paragraphs))  # the server is back
    [later] = await poller.poll_due()
    assert later.not_modified and later.stored == {"added": 1} and later.left == 0
    # A page that keeps failing is given up after MAX_ENTRY_ATTEMPTS polls.
    web.add("/feed2", rss2("Other", [("Down", web.add("/down", "x", status=500))]))
    store.feeds.add(web.url("/feed2"))
    for _ in range(MAX_ENTRY_ATTEMPTS + 2):
        await poller.poll_due()
    assert web.count("/down") == MAX_ENTRY_ATTEMPTS


async def test_the_command_line_says_what_was_skipped_and_why(
    web: WebServer, store: Store, capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    settings = Settings(db_path=db_path, block_private_addresses=False)
    feed_url = serve_feed(web, 2, old=5)
    store.feeds.add(feed_url)
    [outcome] = await poller_for(store).poll_due()
    line = f"{outcome.name}: {outcome.summary()}{feeds_cli.first_poll_note(outcome)}"
    assert line == (
        "Wire: 2 added, 5 older than the retention period (first poll: the feed listed 7 entries)"
    )
    store.close()
    assert feeds_cli.cmd_feeds(settings, type("Args", (), {"action": "list"})()) == 0
    listed = capsys.readouterr().out
    assert "last poll: 2 added, 5 older than the retention period" in listed


async def test_the_first_poll_of_a_new_feed_tells_the_admins_what_it_found(
    bot_api: BotApiServer, web: WebServer, tmp_path: Path
) -> None:
    settings = Settings(
        api_base_url=bot_api.base_url,
        db_path=tmp_path / "news.db",
        seeds_dir=tmp_path / "none",
        admins=frozenset({4141}),
        block_private_addresses=False,
    )
    bot_api.add_chat(4141)
    async with polling_bot(settings, BOT_TOKEN) as (services, application):
        services.store.feeds.add(serve_feed(web, 2, old=1))

        context = NewsContext(application)
        await poll_feeds_job(context)
        [told] = await bot_api.wait_for(1, chat_id=4141)
        assert told.text == (
            "📡 First poll of the feed Wire listed 3 entries: 2 added, "
            "1 older than the retention period."
        )
        await poll_feeds_job(context)
    assert len(bot_api.sent(4141)) == 1


def test_the_first_poll_message_escapes_what_the_feed_says() -> None:
    outcome = poller_module.PollOutcome(feed_id=1, name="A & <B>", first=True, found=0)
    assert first_poll_message(outcome) == (
        "📡 First poll of the feed A &amp; &lt;B&gt; listed 0 entries: nothing new."
    )


async def test_a_poll_while_another_program_holds_the_database_loses_nothing(
    web: WebServer, store: Store, db_path: Path
) -> None:
    store.feeds.add(serve_feed(web, 2))
    store.set_busy_timeout(0.1)
    poller = poller_for(store)
    with write_lock_held_by_another_process(db_path):
        [busy] = await poller.poll_due()
    assert "the database was busy" in (busy.error or "")
    assert store.articles.count() == 0
    [outcome] = await poller.poll_due()
    assert outcome.stored == {"added": 2} and outcome.error is None


async def test_entries_are_parsed_off_the_event_loop(
    web: WebServer, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = ingest_module.parse_article
    threads: list[bool] = []

    def parse(text: str):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread() is threading.main_thread())
        return real(text)

    monkeypatch.setattr(ingest_module, "parse_article", parse)
    store.feeds.add(serve_feed(web, 3))
    [outcome] = await poller_for(store).poll_due()
    assert outcome.stored == {"added": 3}
    assert threads == [False, False, False]
