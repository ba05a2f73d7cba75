"""Telegram HTML: escaping, the pieces every reply is built from, and splitting at 4096.

Every piece of user or article text goes through :func:`esc`; replies are lists of
self-contained blocks so a long answer splits between blocks, never inside a tag.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from html.parser import HTMLParser

from telegram.constants import MessageLimit

MAX_MESSAGE_CHARS = MessageLimit.MAX_TEXT_LENGTH
MAX_QUOTE_CHARS = 700


def esc(text: object) -> str:
    """Escape for Telegram HTML (only &, <, > are special outside attributes)."""
    return html.escape(str(text), quote=False)


def clip(text: str, limit: int) -> str:
    """Shorten at a word boundary with an ellipsis; limits are in characters of plain text."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:-") + "…"


def highlight(text: str, span: tuple[int, int] | None, limit: int = MAX_QUOTE_CHARS) -> str:
    """Escaped ``text`` with ``span`` in bold, trimmed around the span when too long."""
    if span is None or span[0] >= span[1]:
        return esc(clip(text, limit))
    start, end = span
    if len(text) > limit:
        room = max(limit - (end - start), 40) // 2
        lo, hi = max(0, start - room), min(len(text), end + room)
        prefix = "…" if lo > 0 else ""
        suffix = "…" if hi < len(text) else ""
        text, start, end = (
            prefix + text[lo:hi] + suffix,
            start - lo + len(prefix),
            end - lo + len(prefix),
        )
        if end - start > limit:
            end = start + limit
    return f"{esc(text[:start])}<b>{esc(text[start:end])}</b>{esc(text[end:])}"


def pack(blocks: Iterable[str], limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Join blocks with blank lines into as few messages as fit under ``limit`` each.

    The limit counts visible characters (Telegram measures text after entity parsing), and a
    block longer than the limit on its own is cut to plain text so it can never be refused.
    """
    messages: list[str] = []
    current: list[str] = []
    size = 0
    for block in blocks:
        visible = visible_length(block)
        if visible > limit:
            block, visible = _cut_to_plain_text(block, limit)
        extra = visible + (2 if current else 0)
        if current and size + extra > limit:
            messages.append("\n\n".join(current))
            current, size = [], 0
            extra = visible
        current.append(block)
        size += extra
    if current:
        messages.append("\n\n".join(current))
    return messages


def _cut_to_plain_text(block: str, limit: int) -> tuple[str, int]:
    """``block`` as plain text cut to fit ``limit`` (an emoji counts twice, so a cut by
    characters may still be too long: cut again by the excess), and its visible length."""
    plain = html_to_text(block)
    room = limit - 10
    while True:
        cut = esc(clip(plain, room))
        visible = visible_length(cut)
        if visible <= limit or room <= 1:
            return cut, visible
        room -= visible - limit


_TAG = re.compile(r"<[^>]*>")


def visible_length(fragment: str) -> int:
    """The length Telegram holds a message to: tags removed, entities decoded, counted in
    UTF-16 code units. Telegram documents the limit in characters and counts entity offsets
    in UTF-16 units, where an emoji outside the Basic Multilingual Plane (🗞, 🔎) takes two;
    counting units is the stricter reading, so a message that fits here fits either way."""
    text = html.unescape(_TAG.sub("", fragment))
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


class _TextRenderer(HTMLParser):
    """HTML to what a reader sees, for the console chat."""

    def __init__(self, bold: tuple[str, str]) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.bold = bold
        self.href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"b", "strong"}:
            self.parts.append(self.bold[0])
        elif tag == "a":
            self.href = dict(attrs).get("href")
        elif tag == "blockquote":
            self.parts.append("│ ")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"b", "strong"}:
            self.parts.append(self.bold[1])
        elif tag == "a" and self.href:
            self.parts.append(f" ({self.href})")
            self.href = None

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(fragment: str, bold: tuple[str, str] = ("", "")) -> str:
    renderer = _TextRenderer(bold)
    renderer.feed(fragment)
    renderer.close()
    return "".join(renderer.parts)


def button_rows(
    buttons: Sequence[tuple[str, str]], per_row: int = 2
) -> list[list[tuple[str, str]]]:
    """Lay (label, data) pairs out in rows of ``per_row``."""
    return [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]


def page_range(offset: int, shown: int, total: int, noun: str) -> str:
    """'items 6–9 of 9': where a page of a longer list starts and ends."""
    return f"{noun} {offset + 1}–{offset + shown} of {total}" if shown else f"{total} {noun}"
