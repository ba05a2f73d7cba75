"""Article parser: layout, quotes with speakers, people, places, organisations, topics.

``parse_article(text)`` never raises on odd input (empty, binary junk, huge or quote-less
text): it always returns a :class:`ParsedArticle`, possibly empty.
"""

from __future__ import annotations

from pathlib import Path

from bot.compiled import prefer_fresh_code

#: ``"compiled"`` while the mypyc build of this package runs (scripts/compile.sh), else
#: ``"source"``; decided before any submodule is imported.
CODE = prefer_fresh_code(__name__, Path(__file__).parent)

from bot.parsing.model import Paragraph, ParsedArticle, Person, Quote  # noqa: E402
from bot.parsing.pipeline import parse_article  # noqa: E402

__all__ = ["CODE", "Paragraph", "ParsedArticle", "Person", "Quote", "parse_article"]
