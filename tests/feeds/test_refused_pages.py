"""A page that is only links, prompts or a caption is refused with its reason everywhere:
the feed entry is marked failed with it, and an admin who sent the link is told."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.feeds.poller import FeedPoller
from bot.store import Store
from tests.app.test_cli import newsbot
from tests.e2e.test_upload_e2e import ADMIN, Bot, bot, web  # noqa: F401 - fixtures
from tests.feeds.test_feeds_poller import rss2, serve_story
from tests.feeds.test_fetch_webserver import TEST_POLICY, WebServer
from tests.ingest.test_html_files import LINKS_ONLY

REASON = "the page is a list of links (6), not an article"


async def test_a_feed_entry_whose_page_is_a_link_list_is_marked_failed_with_the_reason(
    web: WebServer,  # noqa: F811
    store: Store,
) -> None:
    poller = FeedPoller(store, TEST_POLICY, interval=timedelta(minutes=30))
    links = web.add("/latest", LINKS_ONLY)
    rail = serve_story(web, "/rail")
    feed, _ = store.feeds.add(web.add("/feed", rss2("Wire", [("Latest", links), ("Rail", rail)])))
    [outcome] = await poller.poll_due()
    assert (outcome.stored, outcome.failed_entries) == ({"added": 1}, 1)
    entry = store.feeds.entry(int(feed["id"]), links)
    assert entry is not None and entry["article_id"] is None
    assert entry["last_error"] == f"{links}: {REASON}"
    assert store.articles.count() == 1


async def test_an_admin_who_sends_a_link_list_hears_why_it_was_refused(
    bot: Bot,  # noqa: F811
    web: WebServer,  # noqa: F811
) -> None:
    url = web.add("/latest", LINKS_ONLY)
    reply = await bot.send_text(ADMIN, url)
    assert reply == f"I could not read that page: {url}: {REASON}."
    assert bot.count() == 0


def test_ingest_of_a_refused_url_exits_non_zero_with_the_reason(
    web: WebServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    url = web.add("/latest", LINKS_ONLY)
    env = {"NEWSBOT_BLOCK_PRIVATE_ADDRESSES": "false"}
    result = newsbot("ingest", url, env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert f"skipped {url}: {REASON}" in result.stderr
