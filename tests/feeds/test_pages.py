"""Web pages -> articles: extraction of text and metadata, and refusals with reasons."""

from __future__ import annotations

import html
from collections.abc import Iterator

import pytest

from bot.feeds.fetch import FetchError
from bot.feeds.pages import PageArticle, extract_article, fetch_page
from bot.ingest import IngestError
from bot.parsing import parse_article
from tests.feeds.test_fetch_webserver import TEST_POLICY, WebServer, running_web_server

LEAD = (
    "The transport minister said on Monday that the new rail line would open next spring, "
    "despite protests from residents along the planned route."
)
QUOTE = (
    '"We will not back down on this project," said Minister Anna Keller, speaking to '
    "reporters in the capital after a long cabinet meeting."
)
CLOSE = (
    "Opposition leaders criticised the decision and promised to challenge the budget in "
    "parliament next week, calling the costs far too high."
)


def article_html(
    title: str = "Rail Line Will Open Next Spring",
    paragraphs: tuple[str, ...] = (LEAD, QUOTE, CLOSE),
    *,
    site: str = "Example Times",
    author: str = "Jane Doe",
    date: str = "2026-11-20",
    charset: str = "utf-8",
) -> str:
    """A realistic news page: metadata in <head>, navigation and footer around the story."""
    body = "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html><head><meta charset="{charset}">'
        f"<title>{html.escape(title)} | {site}</title>"
        f'<meta property="og:site_name" content="{site}">'
        f'<meta name="author" content="{author}">'
        f'<meta property="article:published_time" content="{date}T09:30:00Z">'
        "</head><body><nav><a href='/'>Home</a> | <a href='/world'>World</a></nav>"
        f"<article><h1>{html.escape(title)}</h1>{body}</article>"
        "<footer>Copyright Example Times. All rights reserved.</footer></body></html>"
    )


@pytest.fixture
def web() -> Iterator[WebServer]:
    with running_web_server() as server:
        yield server


def test_extraction_reads_title_date_author_and_site() -> None:
    page = extract_article(article_html(), "https://news.example/rail")
    assert page.title == "Rail Line Will Open Next Spring"
    assert page.date == "2026-11-20"
    assert page.author == "Jane Doe"
    assert page.site == "Example Times"


def test_extraction_keeps_the_story_and_drops_navigation_and_footer() -> None:
    page = extract_article(article_html(), "https://news.example/rail")
    assert page.text.split("\n\n") == [LEAD, QUOTE, CLOSE]
    assert "Home" not in page.text
    assert "All rights reserved" not in page.text


def test_the_article_text_carries_front_matter_the_parser_understands() -> None:
    page = extract_article(article_html(), "https://news.example/rail")
    parsed = parse_article(page.as_article_text("Rail Weekly"))
    assert parsed.title == "Rail Line Will Open Next Spring"
    assert parsed.date == "2026-11-20"
    assert parsed.source == "Rail Weekly"
    assert parsed.url == "https://news.example/rail"
    assert any(q.speaker and "Keller" in q.speaker for q in parsed.quotes)


def test_front_matter_values_cannot_smuggle_extra_lines() -> None:
    page = PageArticle(url="https://x.example/", text="Body text.", title="One\ntitle: Two")
    assert page.as_article_text().splitlines()[0] == "title: One title: Two"


def test_a_page_without_an_article_is_refused_with_a_reason() -> None:
    with pytest.raises(IngestError, match="is it an article"):
        extract_article("<html><body><nav>Home</nav></body></html>", "https://x.example/")


def test_a_title_hint_is_used_when_the_page_has_none() -> None:
    body = "".join(f"<p>{p}</p>" for p in (LEAD, CLOSE))
    page = extract_article(
        f"<html><body>{body}</body></html>", "https://x.example/a", title_hint="From the feed"
    )
    assert page.title == "From the feed"


async def test_fetch_page_follows_redirects_and_keeps_the_final_url(web: WebServer) -> None:
    web.add("/story", article_html())
    url = web.redirect("/s/1", "/story", status=301)
    page = await fetch_page(url, TEST_POLICY)
    assert page.url == web.url("/story")
    assert page.title == "Rail Line Will Open Next Spring"


async def test_a_page_in_a_legacy_encoding_keeps_its_letters(web: WebServer) -> None:
    lead = (
        "Министр транспорта заявил в понедельник, что новая железная дорога откроется "
        "весной, несмотря на протесты жителей."
    )
    page_html = article_html("Дорога откроется весной", (lead, CLOSE), charset="windows-1251")
    url = web.add("/ru", page_html.encode("cp1251"), content_type="text/html")
    page = await fetch_page(url, TEST_POLICY)
    assert page.title == "Дорога откроется весной"
    assert lead in page.text


@pytest.mark.parametrize(
    ("body", "content_type"),
    [(b"%PDF-1.7 binary", "application/pdf"), (b'{"a": 1}', "application/json")],
)
async def test_a_page_that_is_not_html_is_refused(
    web: WebServer, body: bytes, content_type: str
) -> None:
    url = web.add("/file", body, content_type=content_type)
    with pytest.raises(FetchError, match=f"not an HTML page \\({content_type}\\)") as caught:
        await fetch_page(url, TEST_POLICY)
    assert caught.value.url == url


async def test_unlabelled_html_is_still_read(web: WebServer) -> None:
    url = web.add("/plain", article_html(), content_type=None)
    page = await fetch_page(url, TEST_POLICY)
    assert page.title == "Rail Line Will Open Next Spring"
