"""One story, one article: tracking parameters and syndicated copies are recognised."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import pytest

from bot.feeds.intake import store_page
from bot.feeds.pages import PageArticle
from bot.feeds.urls import near_duplicate, normalise_url, similarity
from bot.store import Store
from bot.views import article_block
from handlers.articles import article_view
from tests.botapi.telegram_html import parse_html

STORY = (
    "The transport minister said on Monday that the new rail line would open next spring, "
    "despite protests from residents along the planned route.\n\n"
    '"We will not back down on this project," said Minister Anna Keller, speaking to '
    "reporters in the capital after a long cabinet meeting.\n\n"
    "Opposition leaders criticised the decision and promised to challenge the budget in "
    "parliament next week, calling the costs far too high."
)
OTHER = (
    "Europe's electricity grid came under heavy strain on Thursday as a heatwave drove demand "
    "for air conditioning to record levels across Spain, France and Italy.\n\n"
    '"We are running the system with almost no margin," said Marta Ibanez, head of operations '
    "at the Spanish grid operator, adding that imports had kept the lights on."
)


def page(url: str, text: str = STORY, title: str = "Rail line opens next spring") -> PageArticle:
    return PageArticle(url=url, text=text, title=title, date="2026-11-20", author="Jane Doe")


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        (
            "https://News.Example:443/a/b?utm_source=rss&utm_medium=feed&id=7#top",
            "https://news.example/a/b?id=7",
        ),
        ("http://news.example?fbclid=x&gclid=y", "http://news.example/"),
        ("https://news.example/a?b=2&a=1&mc_cid=3", "https://news.example/a?a=1&b=2"),
        ("http://news.example:8080/a", "http://news.example:8080/a"),
    ],
)
def test_urls_lose_tracking_parameters_and_cosmetic_differences(raw: str, canonical: str) -> None:
    assert normalise_url(raw) == canonical


def test_a_syndicated_copy_with_a_different_header_and_footer_is_near_identical() -> None:
    copy = "By Wire Staff\n\n" + STORY + "\n\nReporting by Wire Staff; editing by Desk."
    assert near_duplicate(STORY, copy)
    assert not near_duplicate(STORY, OTHER)
    assert similarity(STORY, OTHER) < 0.1


def test_a_short_brief_inside_a_long_story_is_not_the_same_story() -> None:
    brief = STORY.split("\n\n")[0]
    assert not near_duplicate(brief, STORY)


def test_the_same_url_from_two_feeds_is_one_article_listing_both(store: Store) -> None:
    first = store_page(store, page("https://news.example/rail?utm_source=a"), source="Feed A")
    second = store_page(store, page("https://news.example/rail?utm_source=b"), source="Feed B")
    assert first.status == "added"
    assert (second.article_id, second.status) == (first.article_id, "merged")
    assert store.articles.count() == 1
    assert [s["source"] for s in store.feeds.sources_of(first.article_id)] == ["Feed A", "Feed B"]
    assert store.articles.get(first.article_id)["source"] == "Feed A, Feed B"


def test_near_identical_text_at_another_url_is_merged(store: Store) -> None:
    first = store_page(store, page("https://news.example/rail"), source="Feed A")
    copy = "By Wire Staff\n\n" + STORY
    second = store_page(store, page("https://wire.example/x", copy), source="Wire")
    assert (second.article_id, second.status) == (first.article_id, "merged")
    urls = [s["url"] for s in store.feeds.sources_of(first.article_id)]
    assert urls == ["https://news.example/rail", "https://wire.example/x"]


def test_different_stories_stay_separate(store: Store) -> None:
    store_page(store, page("https://news.example/rail"), source="Feed A")
    other = store_page(store, page("https://news.example/grid", OTHER, "Grid strain"), source="A")
    assert other.status == "added"
    assert store.articles.count() == 2


def test_reading_the_same_page_again_changes_nothing(store: Store) -> None:
    first = store_page(store, page("https://news.example/rail"), source="Feed A")
    again = store_page(store, page("https://news.example/rail"), source="Feed A")
    assert (again.article_id, again.status) == (first.article_id, "unchanged")


def test_an_edited_page_updates_its_article_and_keeps_its_sources(store: Store) -> None:
    first = store_page(store, page("https://news.example/rail"), source="Feed A")
    store_page(store, page("https://news.example/rail?utm_campaign=x"), source="Feed B")
    edited = replace(page("https://news.example/rail"), text=STORY + "\n\nUpdated at noon.")
    result = store_page(store, edited, source="Feed A")
    assert (result.article_id, result.status) == (first.article_id, "updated")
    article = store.articles.get(first.article_id)
    assert "Updated at noon." in article["body"]
    assert article["source"] == "Feed A, Feed B"


def test_deleting_an_article_takes_its_sources_and_fingerprint(store: Store) -> None:
    stored = store_page(store, page("https://news.example/rail"), source="Feed A")
    store.articles.delete(stored.article_id)
    for table in ("article_sources", "article_sketches"):
        assert store.db.execute(f"select count(*) from {table}").fetchone()[0] == 0


def test_the_article_view_lists_every_source_with_its_link(store: Store) -> None:
    first = store_page(store, page("https://news.example/rail"), source="Feed A")
    copy = "By Wire Staff\n\n" + STORY
    tricky = 'https://wire.example/x?a=1&b="2"<3>'
    store_page(store, page(tricky, copy), source="Wire & <Co>")
    [text] = article_view(SimpleNamespace(store=store), first.article_id)
    parsed = parse_html(text)  # valid Telegram HTML, attribute values escaped
    links = [e["url"] for e in parsed.entities if e["type"] == "text_link"]
    assert links == [s["url"] for s in store.feeds.sources_of(first.article_id)]
    assert len(links) == 2 and links[1].startswith("https://wire.example/x?a=1&b=")
    assert "📚 Sources (2):" in parsed.text
    assert "• Wire & <Co>" in parsed.text
    assert "Read the original" not in parsed.text


def test_one_source_keeps_the_single_original_link(store: Store) -> None:
    only = store_page(store, page("https://news.example/rail"), source="Feed A")
    [text] = article_view(SimpleNamespace(store=store), only.article_id)
    parsed = parse_html(text)
    assert [e["url"] for e in parsed.entities if e["type"] == "text_link"] == [
        "https://news.example/rail"
    ]
    assert "Sources" not in parsed.text


def test_a_source_without_a_web_address_is_named_not_linked() -> None:
    article = {"title": "Rail", "url": None}
    sources = [
        {"url": "https://news.example/rail", "source": None},
        {"url": 'https://wire.example/x?a=1&b="2"<3>', "source": "Wire"},
        {"url": "javascript:alert(1)", "source": "Odd feed"},
        {"url": "http://[broken/", "source": None},
    ]
    parsed = parse_html(article_block(article, [], [], sources=sources))
    assert [e["url"] for e in parsed.entities if e["type"] == "text_link"] == [
        "https://news.example/rail",
        'https://wire.example/x?a=1&b="2"<3>',  # escaped in the attribute, intact after parsing
    ]
    assert "• news.example" in parsed.text and "• Odd feed" in parsed.text
