"""Inline keyboards from plain rows of (label, callback data), for handlers and briefings alike."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

#: Rows of (label, callback data): what views and briefings describe, before Telegram types.
Buttons = Sequence[Sequence[tuple[str, str]]]


def button_label(label: str) -> str:
    """A label Telegram accepts: something visible (an article may be titled '\u200b')."""
    visible = any(unicodedata.category(ch)[0] not in "CZ" for ch in label)
    return label if visible else "…"


def keyboard(rows: Buttons | None) -> InlineKeyboardMarkup | None:
    """The markup for ``rows``, or None without buttons (Telegram refuses an empty one)."""
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(button_label(label), callback_data=data) for label, data in row]
            for row in rows
        ]
    )
