"""Polling feeds of every common format from a local server: new entries become articles."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from bot.feeds.fetch import FetchError
from bot.feeds.poller import MAX_ENTRY_ATTEMPTS, FeedPoller, backoff, probe_feed
from bot.store import Store
from tests.feeds.test_fetch_webserver import TEST_POLICY, WebServer, running_web_server
from tests.feeds.test_pages import CLOSE, LEAD, QUOTE, article_html

RECENT = datetime.now(UTC) - timedelta(hours=3)
OTHER_STORY = (
    "Europe's electricity grid came under heavy strain on Thursday as a heatwave drove demand "
    "for air conditioning to record levels across Spain, France and Italy.",
    '"We are running the system with almost no margin," said Marta Ibanez, head of '
    "operations at the Spanish grid operator, adding that imports had kept the lights on.",
)


def rss2(title: str, items: list[tuple[str, str]], *, when: datetime = RECENT) -> str:
    stamp = format_datetime(when)
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><guid>{link}</guid>"
        f"<pubDate>{stamp}</pubDate></item>"
        for t, link in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>http://x/</link><description>d</description>{body}"
        "</channel></rss>"
    )


def rss091(title: str, items: list[tuple[str, str]]) -> str:
    body = "".join(f"<item><title>{t}</title><link>{link}</link></item>" for t, link in items)
    return (
        '<?xml version="1.0"?><rss version="0.91"><channel>'
        f"<title>{title}</title><link>http://x/</link><description>d</description>"
        f"<language>en</language>{body}</channel></rss>"
    )


def rss10(title: str, items: list[tuple[str, str]]) -> str:
    stamp = RECENT.strftime("%Y-%m-%dT%H:%M:%SZ")
    seq = "".join(f'<rdf:li resource="{link}"/>' for _, link in items)
    body = "".join(
        f'<item rdf:about="{link}"><title>{t}</title><link>{link}</link>'
        f"<dc:date>{stamp}</dc:date></item>"
        for t, link in items
    )
    return (
        '<?xml version="1.0"?><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<channel rdf:about="http://x/"><title>{title}</title><link>http://x/</link>'
        f"<description>d</description><items><rdf:Seq>{seq}</rdf:Seq></items></channel>"
        f"{body}</rdf:RDF>"
    )


def atom(title: str, items: list[tuple[str, str]]) -> str:
    stamp = RECENT.strftime("%Y-%m-%dT%H:%M:%SZ")
    body = "".join(
        f'<entry><title>{t}</title><link href="{link}"/><id>{link}</id>'
        f"<updated>{stamp}</updated></entry>"
        for t, link in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{title}</title><id>urn:test</id><updated>{stamp}</updated>{body}</feed>"
    )


@pytest.fixture
def web() -> Iterator[WebServer]:
    with running_web_server() as server:
        yield server


@pytest.fixture
def poller(store: Store) -> FeedPoller:
    return FeedPoller(
        store, TEST_POLICY, interval=timedelta(minutes=30), max_age=timedelta(days=30)
    )


def serve_story(web: WebServer, path: str, title: str = "Rail Line Will Open Next Spring") -> str:
    return web.add(path, article_html(title))


@pytest.mark.parametrize(
    ("build", "content_type"),
    [
        (rss091, "application/rss+xml"),
        (rss10, "application/rdf+xml"),
        (rss2, "application/rss+xml; charset=utf-8"),
        (atom, "application/atom+xml"),
    ],
    ids=["rss-0.91", "rss-1.0", "rss-2.0", "atom"],
)
async def test_every_feed_format_brings_its_entries_in(
    web: WebServer, store: Store, poller: FeedPoller, build, content_type: str
) -> None:
    rail = serve_story(web, "/rail")
    grid = web.add("/grid", article_html("Heatwave Strains the Grid", OTHER_STORY))
    feed_url = web.add(
        "/feed", build("Example Wire", [("Rail", rail), ("Grid", grid)]), content_type=content_type
    )
    store.feeds.add(feed_url)
    [outcome] = await poller.poll_due()
    assert outcome.error is None
    assert outcome.stored == {"added": 2}
    titles = sorted(a["title"] for a in store.articles.latest(10))
    assert titles == ["Heatwave Strains the Grid", "Rail Line Will Open Next Spring"]
    article = store.articles.by_slug(store.articles.latest(10)[0]["slug"])
    assert article["source"] == "Example Wire"
    assert article["url"] in (rail, grid)
    assert store.feeds.get(1)["title"] == "Example Wire"


async def test_an_unchanged_feed_is_not_downloaded_again(
    web: WebServer, store: Store, poller: FeedPoller
) -> None:
    rail = serve_story(web, "/rail")
    feed_url = web.add("/feed", rss2("Wire", [("Rail", rail)]), etag='"abc"')
    store.feeds.add(feed_url)
    await poller.poll_due()
    [outcome] = await poller.poll_due()
    assert outcome.not_modified
    feed_hits = [h for h in web.hits if h.path == "/feed"]
    assert feed_hits[1].headers["if-none-match"] == '"abc"'
    assert web.count("/rail") == 1


async def test_last_modified_is_sent_back_when_there_is_no_etag(
    web: WebServer, store: Store, poller: FeedPoller
) -> None:
    stamp = "Mon, 02 Nov 2026 10:00:00 GMT"
    feed_url = web.add("/feed", rss2("Wire", []), last_modified=stamp)
    store.feeds.add(feed_url)
    await poller.poll_due()
    [outcome] = await poller.poll_due()
    assert outcome.not_modified
    assert web.hits[-1].headers["if-modified-since"] == stamp


async def test_only_new_entries_are_fetched(
    web: WebServer, store: Store, poller: FeedPoller
) -> None:
    rail = serve_story(web, "/rail")
    grid = web.add("/grid", article_html("Heatwave Strains the Grid", OTHER_STORY))
    web.add("/feed", rss2("Wire", [("Rail", rail)]))
    store.feeds.add(web.url("/feed"))
    await poller.poll_due()
    web.add("/feed", rss2("Wire", [("Grid", grid), ("Rail", rail)]))
    [outcome] = await poller.poll_due()
    assert outcome.stored == {"added": 1}
    assert (web.count("/rail"), web.count("/grid")) == (1, 1)


async def test_the_same_story_in_two_feeds_is_one_article_with_both_sources(
    web: WebServer, store: Store, poller: FeedPoller
) -> None:
    rail = serve_story(web, "/rail")
    store.feeds.add(web.add("/a", rss2("Feed A", [("Rail", rail + "?utm_source=a")])))
    store.feeds.add(web.add("/b", atom("Feed B", [("Rail", rail + "?utm_source=b&fbclid=1")])))
    await poller.poll_due()
    assert store.articles.count() == 1
    article = store.articles.latest(1)[0]
    assert sorted(article["source"].split(", ")) == ["Feed A", "Feed B"]


async def test_a_failing_feed_backs_off_while_others_keep_working(
    web: WebServer, store: Store, poller: FeedPoller, caplog: pytest.LogCaptureFixture
) -> None:
    rail = serve_story(web, "/rail")
    broken, _ = store.feeds.add(web.add("/down", "error", status=500))
    good, _ = store.feeds.add(web.add("/feed", rss2("Wire", [("Rail", rail)])))
    with caplog.at_level(logging.WARNING):
        outcomes = await poller.poll_due()
    by_id = {o.feed_id: o for o in outcomes}
    assert by_id[good["id"]].stored == {"added": 1}
    assert "HTTP 500" in (by_id[broken["id"]].error or "")
    row = store.feeds.get(broken["id"])
    assert row["failures"] == 1
    assert row["retry_at"] > datetime.now(UTC).isoformat()
    [line] = [r.getMessage() for r in caplog.records if "failed" in r.getMessage()]
    assert web.url("/down") in line and "HTTP 500" in line
    # not due again until its back-off passes; the healthy feed still is
    assert [f["id"] for f in store.feeds.due(datetime.now(UTC).isoformat())] == [good["id"]]


async def test_a_feed_that_recovers_is_healthy_again(
    web: WebServer, store: Store, poller: FeedPoller
) -> None:
    feed, _ = store.feeds.add(web.add("/feed", "error", status=503))
    await poller.poll_due()
    web.add("/feed", rss2("Wire", []))
    await poller.poll(store.feeds.get(feed["id"]))
    row = store.feeds.get(feed["id"])
    assert (row["failures"], row["last_error"], row["retry_at"]) == (0, None, None)


async def test_a_document_that_is_not_a_feed_is_reported(
    web: WebServer, store: Store, poller: FeedPoller
) -> None:
    store.feeds.add(web.add("/page", article_html()))
    [outcome] = await poller.poll_due()
    assert "not an RSS or Atom feed" in (outcome.error or "")


async def test_an_entry_whose_page_fails_is_skipped_and_retried_a_few_times(
    web: WebServer, store: Store, poller: FeedPoller, caplog: pytest.LogCaptureFixture
) -> None:
    rail = serve_story(web, "/rail")
    store.feeds.add(web.add("/feed", rss2("Wire", [("Gone", web.url("/gone")), ("Rail", rail)])))
    with caplog.at_level(logging.WARNING):
        [outcome] = await poller.poll_due()
    assert (outcome.stored, outcome.failed_entries, outcome.error) == ({"added": 1}, 1, None)
    assert any("/gone: HTTP 404" in r.getMessage() for r in caplog.records)
    for _ in range(MAX_ENTRY_ATTEMPTS + 2):
        await poller.poll_due()
    assert web.count("/gone") == MAX_ENTRY_ATTEMPTS


async def test_the_text_in_the_feed_is_used_when_the_page_cannot_be_read(
    web: WebServer, store: Store, poller: FeedPoller
) -> None:
    content = "".join(f"<p>{p}</p>" for p in (LEAD, QUOTE, CLOSE))
    item = (
        f"<item><title>Rail opens</title><link>{web.url('/paywalled')}</link>"
        f"<pubDate>{format_datetime(RECENT)}</pubDate>"
        f"<content:encoded><![CDATA[{content}]]></content:encoded></item>"
    )
    feed = (
        '<?xml version="1.0"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Wire</title>'
        f"<link>http://x/</link><description>d</description>{item}</channel></rss>"
    )
    store.feeds.add(web.add("/feed", feed, content_type="application/rss+xml"))
    web.add("/paywalled", "subscribe", status=403)
    [outcome] = await poller.poll_due()
    assert outcome.stored == {"added": 1}
    article = store.articles.latest(1)[0]
    assert article["title"] == "Rail opens"
    assert article["date"] == RECENT.date().isoformat()


async def test_entries_older_than_the_retention_period_are_not_fetched(
    web: WebServer, store: Store, poller: FeedPoller
) -> None:
    rail = serve_story(web, "/rail")
    old = datetime.now(UTC) - timedelta(days=90)
    store.feeds.add(web.add("/feed", rss2("Wire", [("Rail", rail)], when=old)))
    [outcome] = await poller.poll_due()
    assert outcome.stored == {}
    assert web.count("/rail") == 0


async def test_probing_a_feed_gives_its_title_and_entry_count(web: WebServer) -> None:
    info = await probe_feed(web.add("/feed", atom("Atom Wire", [("a", "http://x/a")])), TEST_POLICY)
    assert (info.title, info.entries) == ("Atom Wire", 1)


async def test_probing_something_that_is_not_a_feed_fails_clearly(web: WebServer) -> None:
    url = web.add("/json", '{"items": []}', content_type="application/json")
    with pytest.raises(FetchError, match="not an RSS or Atom feed"):
        await probe_feed(url, TEST_POLICY)


def test_backoff_doubles_per_failure_up_to_a_day() -> None:
    interval = timedelta(minutes=30)
    assert [backoff(interval, n) for n in (1, 2, 3)] == [
        timedelta(minutes=30),
        timedelta(hours=1),
        timedelta(hours=2),
    ]
    assert backoff(interval, 20) == timedelta(hours=24)


@pytest.mark.parametrize("declared_in", ["header", "xml-declaration"])
async def test_a_feed_in_a_legacy_encoding_keeps_its_letters(
    web: WebServer, declared_in: str
) -> None:
    feed = rss2("Новости дня", [("Дорога", "http://x/a")]).replace(' encoding="utf-8"', "")
    content_type = "application/rss+xml"
    if declared_in == "header":
        content_type += "; charset=windows-1251"
    else:
        feed = feed.replace('<?xml version="1.0"', '<?xml version="1.0" encoding="windows-1251"')
    url = web.add("/feed", feed.encode("cp1251"), content_type=content_type)
    info = await probe_feed(url, TEST_POLICY)
    assert info.title == "Новости дня"
