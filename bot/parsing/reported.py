"""Reported (indirect) speech: ``Trump stressed the need for ...`` as an ``indirect`` quote."""

from __future__ import annotations

from bot.parsing.model import Paragraph, Quote
from bot.parsing.people import People


def find_reported(
    text: str, paragraphs: list[Paragraph], quoted: list[tuple[int, int]], people: People
) -> list[Quote]:
    """Statements in reported speech, outside quotation marks."""
    return []
