"""Finding quotes, people, topics and articles from what a user typed, typos and all.

Handlers only talk to :class:`SearchIndex` (``index``: what is kept between queries, scoring
the candidates, names); the parts it is made of: the quote candidates read from the FTS5 word
and pair index (``candidates``), /search over the articles (``article_search``), query
normalising (``query``), quote scoring (``scoring``), names in memory (``names``), typo
corrections from the quote index's words (``vocabulary``), and the bounded caches (``recent``).
"""

from bot.search.index import SearchIndex
from bot.search.names import WORD_MATCH, NamedHit, _NameIndex, shares_a_word
from bot.search.query import QUERY_CHARS, STOPWORDS, content_words, quote_needle, squash
from bot.search.scoring import QuoteHit, rank_quotes
from bot.store.quote_index import fold

__all__ = [
    "QUERY_CHARS",
    "STOPWORDS",
    "WORD_MATCH",
    "NamedHit",
    "QuoteHit",
    "SearchIndex",
    "_NameIndex",
    "content_words",
    "fold",
    "quote_needle",
    "rank_quotes",
    "shares_a_word",
    "squash",
]
