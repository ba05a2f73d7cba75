"""Storing a web article once, however many places it came from.

A page whose normalised URL is already known, or whose text is near-identical to a stored
article, is not stored again: the existing article gains one more source. Otherwise it goes
through the ordinary ingest path (one transaction), under a slug derived from its URL, so
fetching the same page again updates the same article.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, replace

from bot.feeds.fetch import FetchPolicy
from bot.feeds.pages import PageArticle, fetch_page
from bot.feeds.urls import CANDIDATE_OVERLAP, near_duplicate, normalise_url, sketch
from bot.ingest import ingest_text, reuse
from bot.parsing.model import ParsedArticle
from bot.store import Store

log = logging.getLogger(__name__)

#: Texts shorter than this (in words) are too short to call near-duplicates safely.
MIN_WORDS_FOR_NEAR_DUPLICATE = 40


@dataclass(frozen=True, slots=True)
class Stored:
    """Outcome for one page: ``added``, ``updated``, ``unchanged`` or ``merged`` (same story
    already stored; this source was added to it)."""

    article_id: int
    status: str
    title: str


def web_slug(url: str) -> str:
    return "web-" + hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


def _title(store: Store, article_id: int) -> str:
    article = store.articles.get(article_id)
    return str(article["title"]) if article else ""


def _duplicate_by_text(store: Store, text: str, hashes: list[int]) -> int | None:
    if len(text.split()) < MIN_WORDS_FOR_NEAR_DUPLICATE:
        return None
    for candidate in store.feeds.similar_articles(hashes, CANDIDATE_OVERLAP):
        article = store.articles.get(candidate)
        if article and near_duplicate(text, str(article.get("body") or "")):
            return candidate
    return None


def _add_known(
    store: Store,
    article_id: int,
    page: PageArticle,
    source: str | None,
    feed_id: int | None,
    hashes: list[int],
    parsed: tuple[str, ParsedArticle] | None = None,
) -> Stored:
    """The URL is known: refresh the article if it is this page, and record the source."""
    status = "unchanged"
    article = store.articles.get(article_id)
    if article is not None and article.get("url") == page.url:
        first = store.feeds.sources_of(article_id)
        original = first[0]["source"] if first else source
        result = ingest_text(
            store,
            page.as_article_text(original),
            slug=str(article["slug"]),
            path=None,
            parse=reuse(parsed),
        )
        if result.status == "updated":
            store.feeds.save_sketch(article_id, hashes)
            store.feeds.refresh_source_line(article_id)
        status = result.status
    added = store.feeds.add_source(
        article_id, url=page.url, source=source, feed_id=feed_id, author=page.author
    )
    if added and status == "unchanged":
        status = "merged"
    return Stored(article_id, status, _title(store, article_id))


def store_page(
    store: Store,
    page: PageArticle,
    *,
    source: str | None = None,
    feed_id: int | None = None,
    parsed: tuple[str, ParsedArticle] | None = None,
) -> Stored:
    """Store ``page`` (or link it to the article it duplicates); returns what happened.

    ``parsed``: the page's article text and its parse, made off the event loop
    (``bot.ingest.parse_ahead``); the text is parsed here when it is not that one."""
    url = normalise_url(page.url)
    page = replace(page, url=url)
    source = source or page.site
    hashes = sketch(page.text)
    known = store.feeds.article_for_url(url)
    if known is not None:
        return _add_known(store, known, page, source, feed_id, hashes, parsed)
    duplicate = _duplicate_by_text(store, page.text, hashes)
    if duplicate is not None:
        store.feeds.add_source(
            duplicate, url=url, source=source, feed_id=feed_id, author=page.author
        )
        log.info("%s is the same story as article %d; added as a source", url, duplicate)
        return Stored(duplicate, "merged", _title(store, duplicate))
    result = ingest_text(
        store, page.as_article_text(source), slug=web_slug(url), path=None, parse=reuse(parsed)
    )
    store.feeds.add_source(
        result.article_id, url=url, source=source, feed_id=feed_id, author=page.author
    )
    store.feeds.save_sketch(result.article_id, hashes)
    return Stored(result.article_id, result.status, _title(store, result.article_id))


async def ingest_url(store: Store, url: str, policy: FetchPolicy) -> Stored:
    """One web page by URL (``newsbot ingest URL``, or a link an admin sends the bot)."""
    page = await fetch_page(url, policy)
    return store_page(store, page)
