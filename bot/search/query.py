"""What a typed query is compared and looked up by: folded, squashed, cut, its content words."""

from __future__ import annotations

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
#: words): a pasted paragraph costs what a sentence does, and its opening words are in the
#: quote it was pasted from.
QUERY_CHARS = 160


def quote_needle(query: str) -> str:
    """The squashed query ``who_said`` searches with: at most ``QUERY_CHARS`` characters, cut
    at a space (a word cut in two would read as a typo)."""
    needle = squash(query[: QUERY_CHARS * 4])
    if len(needle) > QUERY_CHARS:
        cut = needle.rfind(" ", 0, QUERY_CHARS + 1)
        needle = needle[: cut if cut > 0 else QUERY_CHARS]
    return needle


def _fts_term(term: str) -> str:
    """A pair (or a pair prefix ending in ``*``) as an FTS5 query term."""
    return f'"{term[:-1]}"*' if term.endswith("*") else f'"{term}"'


def content_words(needle: str, max_words: int = 10) -> list[str]:
    """The words of a squashed query worth looking up: no stopwords (unless that is all there
    is), no single letters, longest (rarest, most telling) first."""
    words = [w for w in dict.fromkeys(needle.split()) if len(w) > 1]
    content = [w for w in words if w not in STOPWORDS] or words
    return sorted(content, key=len, reverse=True)[:max_words]
