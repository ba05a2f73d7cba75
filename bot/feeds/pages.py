"""Web page -> article: the readable text and its metadata, via trafilatura.

trafilatura finds the article; ``bot.feeds.cleaning`` drops the page furniture it kept and
the site name from the title; what is left must be an article, or the page is refused with
the reason (a list of links, prompts, a caption).

The result is written out as an ordinary article text with front matter (``title:``,
``date:``, ``source:``, ``url:``), so a web page is parsed and stored by exactly the same path
as an article file.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from dataclasses import dataclass

import lxml.html
import trafilatura
from lxml import etree
from trafilatura.settings import Document
from trafilatura.xml import xmltotxt

from bot.feeds.cleaning import Block, Cleaned, clean_blocks, clean_site, clean_title
from bot.feeds.fetch import PAGE_ACCEPT, FetchError, FetchPolicy, FetchResult, decode_body, fetch
from bot.ingest import IngestError

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
#: Less text than this is a menu, a paywall or an error page, not an article.
MIN_TEXT_CHARS = 80
#: A lone paragraph shorter than this is a caption or a teaser, not an article.
MIN_LONE_PARAGRAPH_CHARS = 300
#: Lines this short on average, most of them (this share) the words of links: a link list.
MAX_LINK_LIST_LINE_CHARS = 150
LINK_LIST_SHARE = 0.8
#: Shorter link words ("Home", "More") are not looked for in the text.
MIN_ANCHOR_CHARS = 15
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


def _blocks(body: etree._Element | None) -> list[Block]:
    """trafilatura's text, one block per line, each with the share of it that was links."""
    if body is None:
        return []
    blocks: list[Block] = []
    for element in body:
        kind = "head" if element.tag == "head" else "p"
        parts = element.findall("item") if element.tag == "list" else [element]
        for part in parts:
            total = len("".join(part.itertext()).strip())
            linked = sum(len("".join(ref.itertext()).strip()) for ref in part.iter("ref"))
            share = linked / total if total else 0.0
            etree.strip_tags(part, "ref")
            for line in xmltotxt(part, False).splitlines():
                if text := " ".join(line.split()):
                    blocks.append(Block(text, "item" if part is not element else kind, share))
    return blocks


def refusal(cleaned: Cleaned, html: str = "") -> str | None:
    """Why the cleaned text is no article (a link list, prompts, a caption), or None.

    trafilatura can hand over a page of links as plain lines, without the links: when the
    lines are short, the page is asked whether they are its links' words.
    """
    kept = len(cleaned.paragraphs)
    chars = sum(len(p) for p in cleaned.paragraphs)
    short_lines = kept <= 2 or chars < MAX_LINK_LIST_LINE_CHARS * kept
    if html and kept and short_lines and (links := _linked_lines(html, cleaned.paragraphs)) >= 3:
        return f"the page is a list of links ({links}), not an article"
    if chars >= MIN_TEXT_CHARS and (kept >= 2 or chars >= MIN_LONE_PARAGRAPH_CHARS):
        return None
    reasons = Counter(reason for reason, _ in cleaned.dropped)
    if reasons["link"] >= 2 and reasons["link"] > 2 * kept:
        return f"the page is a list of links ({reasons['link']}), not an article"
    if reasons["promo"] and reasons["promo"] >= kept:
        return "the page's text is only share, sign-up or app prompts, not an article"
    if kept == 1 and chars >= MIN_TEXT_CHARS:
        return f"the page's text is only a caption ({chars} characters), not an article"
    found = f"only {chars} characters of text" if chars else "no article text"
    return f"{found} found on the page; is it an article?"


def _linked_lines(html: str, lines: list[str]) -> int:
    """How many links on the page make up ``lines`` (0 unless they are nearly all links)."""
    try:
        root = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return 0
    texts = {" ".join(" ".join(a.itertext()).split()) for a in root.iter("a")}
    anchors = sorted((a for a in texts if len(a) >= MIN_ANCHOR_CHARS), key=len, reverse=True)
    links = covered = 0
    for line in lines:
        rest, found = line, 0
        for anchor in anchors:
            if anchor in rest:
                rest, found = rest.replace(anchor, " "), found + 1
        if len(rest.strip(" -")) <= (1 - LINK_LIST_SHARE) * len(line):
            links, covered = links + found, covered + len(line)
    total = sum(len(line) for line in lines)
    return links if total and covered >= LINK_LIST_SHARE * total else 0


def read_page(html: str, url: str, *, title_hint: str | None = None) -> tuple[PageArticle, Cleaned]:
    """The page's article as extracted and cleaned, refused or not, and what was dropped."""
    found = trafilatura.bare_extraction(
        html,
        url=url or None,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_links=True,
        deduplicate=False,
    )
    document = found if isinstance(found, Document) else None  # not as_dict: never a dict
    meta = document.as_dict() if document is not None else {}
    site = clean_site(_clean(meta.get("sitename")))
    raw_title = _clean(meta.get("title")) or _clean(title_hint)
    title = clean_title(raw_title, site, _clean(meta.get("hostname"))) if raw_title else None
    cleaned = clean_blocks(_blocks(document.body if document is not None else None), title)
    date = _clean(meta.get("date"))
    page_url = _clean(meta.get("url"))
    if not url and page_url and page_url.startswith(("http://", "https://")):
        url = page_url  # a saved page's canonical address
    page = PageArticle(
        url=url,
        text="\n\n".join(cleaned.paragraphs),
        title=title,
        date=date if date and _DATE.match(date) else None,
        author=_clean(meta.get("author")),
        site=site or _clean(meta.get("hostname")),
    )
    return page, cleaned


def extract_article(html: str, url: str, *, title_hint: str | None = None) -> PageArticle:
    """Main text and metadata of an HTML page; raises IngestError when there is no article."""
    page, cleaned = read_page(html, url, title_hint=title_hint)
    if reason := refusal(cleaned, html):
        raise IngestError(reason)
    return page


def extract_html_bytes(data: bytes, url: str = "") -> PageArticle:
    """An HTML document's article from its bytes (a file, an upload)."""
    if not data.strip():
        raise IngestError("the file is empty")
    if b"\x00" in data[:8192]:
        raise IngestError("this looks like a binary file, not HTML")
    return extract_article(decode_body(data), url)


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
