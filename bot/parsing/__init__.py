"""Article parser: layout, quotes with speakers, people, places, organisations, topics.

``parse_article(text)`` never raises on odd input (empty, binary junk, huge or quote-less
text): it always returns a :class:`ParsedArticle`, possibly empty.
"""

from __future__ import annotations

from bot.parsing.model import Paragraph, ParsedArticle, Person, Quote
from bot.parsing.pipeline import parse_article

__all__ = ["Paragraph", "ParsedArticle", "Person", "Quote", "parse_article"]
