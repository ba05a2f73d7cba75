"""What a typed query is compared and looked up by: folded, squashed, cut, its content words."""

from __future__ import annotations

import html
import re

from bot.store.quote_index import fold

_FTS_WORD = re.compile(r"\w+", re.UNICODE)

#: Words too common to find a quote or an article by (they still count in the fuzzy score).
STOPWORDS = frozenset(
    """a about after all also am an and any are as at be been being but by can could did do
    does doing done for from had has have having he her here hers him his how i if in into is it
    its itself just me more most my no nor not of off on once only or other our ours out over s
    said says she should so some such t than that the their theirs them then there these they
    this those through to too very was we were what when where which while who whom why will
    with would you your yours""".split()  # noqa: SIM905 (a word list reads better as text)
)


def squash(text: str) -> str:
    """``fold`` plus collapsed spaces: the form queries are compared in."""
    return " ".join(fold(text).split())


#: A ``/who said`` query is searched and scored by its first this many characters (whole
#: words). rapidfuzz compares a needle of up to 64 characters bit-parallel, in one machine
#: word; a longer one costs several times more per candidate, and every pass scores up to a
#: few hundred. Sixty-odd characters (ten words or so) single out a quote among millions, and a
#: passage pasted whole opens with words of the quote it was pasted from: matching those finds
#: it even when the passage runs on past the quote's end, where a needle as long as the
#: passage would be compared whole with the shorter quote and miss it.
QUERY_CHARS = 64
#: What breaks ties between quotes that match the needle equally (variants of one quote that
#: differ further on): the query's first this many characters.
WHOLE_CHARS = 640

#: An HTML tag (``<b>``, ``</a>``, ``<a href="...">``, ``<br/>``).
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")


def plain_text(query: str) -> str:
    """The text of a query pasted with markup: tags dropped and entities decoded (``&amp;``
    is '&'), since quotes are stored as plain text and a tag's letters would read as words."""
    if "<" not in query and "&" not in query:
        return query
    return html.unescape(_TAG.sub(" ", query))


def quote_needle(query: str) -> str:
    """The squashed query ``who_said`` searches with: at most ``QUERY_CHARS`` characters, cut
    at a space (a word cut in two would read as a typo)."""
    needle = squash(plain_text(query[:WHOLE_CHARS]))
    if len(needle) > QUERY_CHARS:
        cut = needle.rfind(" ", 0, QUERY_CHARS + 1)
        needle = needle[: cut if cut > 0 else QUERY_CHARS]
    return needle


def whole_query(query: str, needle: str) -> str | None:
    """The longer query ``needle`` was cut from (squashed, up to ``WHOLE_CHARS``), which
    breaks ties between quotes scoring the same on the needle; None when nothing was cut."""
    whole = squash(plain_text(query[:WHOLE_CHARS]))
    return whole if len(whole) > len(needle) else None


def _fts_term(term: str) -> str:
    """A pair (or a pair prefix ending in ``*``) as an FTS5 query term."""
    return f'"{term[:-1]}"*' if term.endswith("*") else f'"{term}"'


def content_words(needle: str, max_words: int = 10) -> list[str]:
    """The words of a squashed query worth looking up: no stopwords (unless that is all there
    is), no single letters, longest (rarest, most telling) first."""
    words = [w for w in dict.fromkeys(needle.split()) if len(w) > 1]
    content = [w for w in words if w not in STOPWORDS] or words
    return sorted(content, key=len, reverse=True)[:max_words]
