"""Embedded social-media posts: a post's text as a quote of its author.

A page that embeds a post keeps, once extracted, the post's text as a paragraph and the
embed's credit as the next one: ``— Seth Goldstein (@Rabbi_360) January 7, 2020`` (an
embedded post of X, formerly Twitter). No quote marks, but the credit names who wrote
the words. The post's text
without its trailing links is the quote, the credit's name its speaker.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.parsing.model import Paragraph, Quote

_DATE = r"[A-Z][a-z]{2,8}\.?[ \u00a0]+\d{1,2},?[ \u00a0]+\d{4}"
_CREDIT = re.compile(
    r"[—–-][ \u00a0]*(?P<name>[^()\n@—–]{2,60}?)[ \u00a0]*\(@\w{1,30}\)[ \u00a0]*"
    + _DATE
    + r"[ \u00a0]*\Z"
)
_TRAILING_LINKS = re.compile(r"(?:[ \u00a0]*(?:https?://|pic\.twitter\.com/)\S*)+[ \u00a0]*\Z")
_MARKS = frozenset('"“”«»')


def embedded_posts(
    text: str,
    paragraphs: list[Paragraph],
    quoted: list[tuple[int, int]],
    full_name: Callable[[str], str],
) -> list[Quote]:
    """Quotes for the posts whose embed credit follows them; ``quoted`` (sorted spans of
    the text in marks) keeps a post already in marks out, ``full_name`` turns the credit's
    name into the article's fullest name for that person."""
    out: list[Quote] = []
    for k in range(1, len(paragraphs)):
        credit = paragraphs[k]
        if "(@" not in credit.text:
            continue
        m = _CREDIT.match(credit.text.strip())
        if m is None:
            continue
        post = paragraphs[k - 1]
        start, end = post.start, post.end
        link = _TRAILING_LINKS.search(text, start, end)
        if link is not None:
            end = link.start()
        while start < end and text[start].isspace():
            start += 1
        if end - start < 2 or any(ch in _MARKS for ch in text[start:end]):
            continue  # nothing left, or marks there that the quote step reads
        if any(s < end and start < e for s, e in quoted):
            continue
        out.append(
            Quote(
                start=start,
                end=end,
                text=text[start:end],
                speaker=full_name(m.group("name").strip()),
                cue="posted",
                kind="direct",
                paragraph=post.index,
            )
        )
    return out
