"""How quotes, people, topics and articles look in a reply (Telegram HTML blocks).

Shared by the chat handlers and the daily briefing so a quote reads the same everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, TypedDict
from urllib.parse import urlsplit

from bot.render import MAX_QUOTE_CHARS, clip, esc, highlight

if TYPE_CHECKING:
    from typing_extensions import ReadOnly

    from bot.store.rows import ArticleCard, ArticleRow, ArticleSource

#: Some archives have no headline, so the "title" is a whole lead sentence: keep lists scannable.
TITLE_CHARS = 110


class Said(TypedDict):
    """What a view reads of a quote's words. Read-only, so every quote row of the store
    (``bot.store.rows``), whatever else it selects, can be shown."""

    text: ReadOnly[str]
    kind: ReadOnly[str | None]


class Attributed(Said):
    """A quote with who said it."""

    speaker: ReadOnly[str | None]
    speaker_role: ReadOnly[str | None]


class Cited(Attributed):
    """A quote with the title and date of the article it is from."""

    title: ReadOnly[str]
    date: ReadOnly[str | None]


#: A role that begins with a possessive ("mission's chief engineer") lost its article.
_POSSESSIVE_START = re.compile(r"^[a-z][\w-]*['’]s\b")
#: A quote's words broken across paragraphs: the next paragraph reopens the quote.
_PARAGRAPH_REOPEN = re.compile(r"\s*\n\s*\n\s*[\"“]\s*")
_TRAILING_MARKS = " \t\n,;:-–—"


def role_text(role: str | None) -> str:
    """A role as it reads after a name: 'mission's chief engineer' keeps its 'the'."""
    role = " ".join((role or "").split())
    return f"the {role}" if _POSSESSIVE_START.match(role) else role


def tidy_quote(text: str) -> str:
    """A quote as it reads on its own: no comma or colon left from the sentence it was cut
    from, no quote mark left open by a paragraph break, no stray unmatched quote marks."""
    text = _PARAGRAPH_REOPEN.sub(" ", text or "")
    text = " ".join(text.split())
    if text.count('"') % 2:
        text = text.replace('"', "")
    if text.count("“") != text.count("”"):
        text = text.replace("“", "").replace("”", "")
    return text.strip(_TRAILING_MARKS).strip()


# What the chat shows for a quote whose speaker the article does not name or the parser
# could not find.
SPEAKER_UNKNOWN = "speaker unknown"


def listable(quote: Said) -> bool:
    """Whether a quote is worth listing: a single scare-quoted word ('comprehensive') is the
    writer's emphasis, not something the speaker is quoted as saying."""
    text = tidy_quote(quote.get("text") or "")
    return bool(text) and not (quote.get("kind") == "partial" and len(text.split()) < 2)


def speaker_line(quote: Attributed) -> str:
    name = quote.get("speaker")
    if not name:
        return f"🗣 <i>{SPEAKER_UNKNOWN}</i>"
    role = role_text(quote.get("speaker_role"))
    return f"🗣 <b>{esc(name)}</b>" + (f", <i>{esc(role)}</i>" if role else "")


def source_line(quote: Cited) -> str:
    """Where a quote was said: its article's title and date."""
    parts = [f"📰 {esc(clip(quote.get('title') or 'Untitled', TITLE_CHARS))}"]
    if quote.get("date"):
        parts.append(esc(quote["date"]))
    return " · ".join(parts)


def quote_text(quote: Said, span: tuple[int, int] | None = None) -> str:
    """The quote in marks (matched words bold); tidied when no span points into it."""
    if span:
        text = quote["text"].rstrip(_TRAILING_MARKS)
        body = highlight(text if span[1] <= len(text) else quote["text"], span)
    else:
        body = esc(clip(tidy_quote(quote["text"]), MAX_QUOTE_CHARS))
    if quote.get("kind") == "indirect":
        return f"{body} <i>(reported speech)</i>"
    return f"“{body}”"


def quote_block(quote: Cited, span: tuple[int, int] | None = None) -> str:
    """Speaker, the quote (matched words bold), and where it was said."""
    return "\n".join([speaker_line(quote), quote_text(quote, span), source_line(quote)])


def article_line(article: ArticleCard) -> str:
    """'#12 <b>Title</b>' and its date, source and quotes: 12 is what ``/article 12`` opens."""
    number = f"#{article['id']} "
    meta = " · ".join(esc(v) for v in (article.get("date"), article.get("source")) if v)
    quotes = article.get("n_quotes") or 0
    counted = f"{quotes} quote{'s' if quotes != 1 else ''}" if quotes else ""
    details = " · ".join(part for part in (meta, counted) if part)
    head = f"{number}<b>{esc(clip(article['title'], TITLE_CHARS))}</b>"
    return head + (f"\n{details}" if details else "")


def href(url: str) -> str:
    """A URL as a double-quoted attribute value (Telegram knows &quot; and &amp;)."""
    return esc(url).replace('"', "&quot;")


def _web_link(url: str) -> tuple[str | None, bool]:
    """(host, whether to link it): only http(s) URLs become links, never ``javascript:``."""
    try:
        parts = urlsplit(url)
        return parts.hostname, parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:  # e.g. a broken IPv6 literal: show it, do not link it
        return None, False


def is_web_url(url: str | None) -> bool:
    """Whether ``url`` may become a link (http or https with a host)."""
    return bool(url) and _web_link(url or "")[1]


def sources_lines(sources: Sequence[ArticleSource]) -> list[str]:
    """The same story from several feeds: one linked line per source, so readers can choose."""
    lines = [f"📚 Sources ({len(sources)}):"]
    for source in sources:
        url = source.get("url") or ""
        host, linkable = _web_link(url)
        name = esc(clip(source.get("source") or host or url or "?", 60))
        lines.append(f'• <a href="{href(url)}">{name}</a>' if linkable else f"• {name}")
    return lines


def article_block(
    article: ArticleRow,
    topics: list[str],
    quotes: Sequence[Attributed],
    max_quotes: int = 3,
    *,
    sources: Sequence[ArticleSource] | None = None,
) -> str:
    """A readable summary of one article: headline, lead, topics and its main quotes.

    With more than one source (``store.feeds.sources_of``) each is listed with its link.
    """
    lines = [f"<b>{esc(clip(article['title'], 250))}</b>"]
    meta = " · ".join(esc(v) for v in (article.get("date"), article.get("source")) if v)
    if meta:
        lines.append(meta)
    summary = article.get("summary") or ""
    if summary and " ".join(summary.split()) != " ".join(article["title"].split()):
        lines.append("")
        lines.append(esc(clip(summary, 600)))
    direct = [q for q in quotes if q.get("kind") != "indirect" and listable(q)]
    if direct:
        lines.append("")
        for quote in direct[:max_quotes]:
            who = esc(quote.get("speaker") or SPEAKER_UNKNOWN)
            lines.append(f"“{esc(clip(tidy_quote(quote['text']), 300))}” — <i>{who}</i>")
    if topics:
        lines.append("")
        lines.append("🏷 " + ", ".join(esc(t) for t in topics))
    if sources and len(sources) > 1:
        lines.append("")
        lines.extend(sources_lines(sources))
    elif (url := article.get("url")) and _web_link(url)[1]:
        lines.append(f'<a href="{href(url)}">Read the original</a>')
    return "\n".join(lines)
