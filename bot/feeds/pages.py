"""Web page -> article: the readable text and its metadata, via trafilatura.

The result is written out as an ordinary article text with front matter (``title:``,
``date:``, ``source:``, ``url:``), so a web page is parsed and stored by exactly the same path
as an article file.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass

import trafilatura

from bot.feeds.fetch import PAGE_ACCEPT, FetchError, FetchPolicy, FetchResult, fetch
from bot.ingest import IngestError

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
#: Less readable text than this is a menu, a paywall or an error page, not an article.
MIN_TEXT_CHARS = 80
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)", re.I | re.S)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class PageArticle:
    """What was read from one page; ``text`` is paragraphs separated by blank lines."""

    url: str
    text: str
    title: str | None = None
    date: str | None = None
    author: str | None = None
    site: str | None = None

    def as_article_text(self, source: str | None = None) -> str:
        """The article file this page would be: front matter, blank line, body."""
        lines = []
        for key, value in (
            ("title", self.title),
            ("date", self.date),
            ("source", source or self.site),
            ("url", self.url),
        ):
            if value and (clean := " ".join(value.split())):
                lines.append(f"{key}: {clean}")
        return "\n".join(lines) + "\n\n" + self.text.strip() + "\n"


def looks_like_html(result: FetchResult) -> bool:
    if result.content_type in HTML_TYPES:
        return True
    unlabelled = result.content_type in ("", "application/octet-stream", "text/plain")
    return unlabelled and bool(_HTML_START.match(result.content[:2048]))


def _clean(value: object) -> str | None:
    text = " ".join(str(value).split()) if value else ""
    return text or None


def extract_article(html: str, url: str, *, title_hint: str | None = None) -> PageArticle:
    """Main text and metadata of an HTML page; raises IngestError when there is no article."""
    document = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        deduplicate=False,
    )
    meta = document.as_dict() if document is not None else {}
    raw = str(meta.get("text") or "")
    paragraphs = [" ".join(line.split()) for line in raw.splitlines()]
    paragraphs = [p for p in paragraphs if p]
    title = _clean(meta.get("title")) or _clean(title_hint)
    if paragraphs and title and paragraphs[0].casefold() == title.casefold():
        paragraphs = paragraphs[1:]
    text = "\n\n".join(paragraphs)
    if len(text) < MIN_TEXT_CHARS:
        found = f"only {len(text)} characters of text" if text else "no article text"
        raise IngestError(f"{found} found on the page; is it an article?")
    date = _clean(meta.get("date"))
    return PageArticle(
        url=url,
        text=text,
        title=title,
        date=date if date and _DATE.match(date) else None,
        author=_clean(meta.get("author")),
        site=_clean(meta.get("sitename")) or _clean(meta.get("hostname")),
    )


async def fetch_page(
    url: str, policy: FetchPolicy, *, title_hint: str | None = None
) -> PageArticle:
    """Download and extract one article page (extraction runs in a worker thread).

    Raises FetchError for network/HTTP problems and IngestError when it is not an article.
    """
    result = await fetch(url, policy, accept=PAGE_ACCEPT)
    if not looks_like_html(result):
        kind = result.content_type or "unknown content type"
        raise FetchError(url, f"not an HTML page ({kind})")
    html = result.text()
    return await asyncio.to_thread(extract_article, html, result.url, title_hint=title_hint)
