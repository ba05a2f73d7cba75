"""Finding quotes, people, topics and articles from what a user typed, typos and all.

Handlers only talk to :class:`SearchIndex`; how candidates are found (in memory, FTS) is this
module's business. The in-memory lists are built once and refreshed after each ingest, so a
message costs one rapidfuzz pass and no parsing.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.store import Store

_FTS_WORD = re.compile(r"\w+", re.UNICODE)


@functools.lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    """One character to one character: lower case without accents, punctuation to a space."""
    if not ch.isalnum():
        return " "
    base = unicodedata.normalize("NFKD", ch)[0].lower()
    return base if len(base) == 1 and base.isalnum() else ch


def fold(text: str) -> str:
    """Lower-case, accents and punctuation folded, *same length* as the input so offsets of a
    match in the folded text are offsets in the original."""
    return "".join(map(_fold_char, text))


def squash(text: str) -> str:
    """``fold`` plus collapsed spaces: the form queries are compared in."""
    return " ".join(fold(text).split())


@dataclass(frozen=True, slots=True)
class QuoteHit:
    quote_id: int
    score: float
    highlight: tuple[int, int]  # character span of the quote text that matched the query


@dataclass(frozen=True, slots=True)
class NamedHit:
    id: int
    name: str
    score: float


def _word_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a match to whole words so the bold part reads naturally."""
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return start, end


class SearchIndex:
    """In-memory fuzzy index over the store's quotes, people and topics."""

    #: Below this a match is a suggestion, not an answer.
    QUOTE_CUTOFF = 75.0
    NAME_CUTOFF = 72.0

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self.refresh()

    def refresh(self) -> None:
        """Reload from the store (after ingest); readers keep the old lists until the swap."""
        quote_ids, quote_texts, quote_folded = [], [], []
        for quote_id, text, _speaker in self.store.articles.iter_quotes():
            quote_ids.append(quote_id)
            quote_texts.append(text)
            quote_folded.append(fold(text))
        people = list(self.store.articles.iter_people())
        topics = list(self.store.articles.iter_topics())
        with self._lock:
            self._quote_ids, self._quote_texts, self._quote_folded = (
                quote_ids,
                quote_texts,
                quote_folded,
            )
            self._people = people
            self._people_names = [squash(name) for _, name in people]
            self._topics = topics
            self._topic_names = [squash(name) for _, name in topics]

    @property
    def quote_count(self) -> int:
        return len(self._quote_ids)

    def who_said(self, query: str, limit: int = 3, cutoff: float | None = None) -> list[QuoteHit]:
        """Quotes containing (roughly) the words typed, best first."""
        needle = squash(query)
        if len(needle) < 3:
            return []
        cutoff = self.QUOTE_CUTOFF if cutoff is None else cutoff
        matches = process.extract(
            needle,
            self._quote_folded,
            scorer=fuzz.partial_ratio,
            processor=None,
            limit=max(limit * 4, 20),
            score_cutoff=cutoff,
        )
        hits = []
        for _choice, score, index in matches:
            folded = self._quote_folded[index]
            alignment = fuzz.partial_ratio_alignment(needle, folded, processor=None)
            span = (0, len(folded))
            if alignment is not None:
                span = _word_span(
                    self._quote_texts[index], alignment.dest_start, alignment.dest_end
                )
            # Among equal scores, prefer quotes where the query covers more of the quote.
            coverage = (span[1] - span[0]) / max(len(folded), 1)
            hits.append((score, coverage, QuoteHit(self._quote_ids[index], score, span)))
        hits.sort(key=lambda item: (-item[0], -item[1], item[2].quote_id))
        return [hit for _, _, hit in hits[:limit]]

    def closest_quotes(self, query: str, limit: int = 3) -> list[QuoteHit]:
        """Near misses, offered as suggestions when nothing passes the cutoff."""
        return self.who_said(query, limit=limit, cutoff=50.0)

    def _names(
        self, query: str, names: list[str], items: list[tuple[int, str]], limit: int, cutoff: float
    ) -> list[NamedHit]:
        needle = squash(query)
        if not needle:
            return []
        matches = process.extract(
            needle, names, scorer=fuzz.WRatio, processor=None, limit=limit, score_cutoff=cutoff
        )
        return [NamedHit(items[i][0], items[i][1], score) for _, score, i in matches]

    def people(self, query: str, limit: int = 5, cutoff: float | None = None) -> list[NamedHit]:
        cutoff = self.NAME_CUTOFF if cutoff is None else cutoff
        return self._names(query, self._people_names, self._people, limit, cutoff)

    def topics(self, query: str, limit: int = 5, cutoff: float | None = None) -> list[NamedHit]:
        cutoff = self.NAME_CUTOFF if cutoff is None else cutoff
        return self._names(query, self._topic_names, self._topics, limit, cutoff)

    def articles(self, query: str, limit: int = 5) -> list[int]:
        """Article ids by full-text relevance (FTS5, stemmed), then by fuzzy title."""
        words = _FTS_WORD.findall(query.casefold())[:12]
        if not words:
            return []
        fts_query = " OR ".join(f'"{word}"' for word in words)
        rows = self.store.db.execute(
            "select rowid from articles_fts where articles_fts match ? order by bm25(articles_fts) "
            "limit ?",
            [fts_query, limit],
        ).fetchall()
        if rows:
            return [row[0] for row in rows]
        titles = list(self.store.articles.iter_articles())
        matches = process.extract(
            squash(query),
            [squash(title) for _, title, _ in titles],
            scorer=fuzz.WRatio,
            processor=None,
            limit=limit,
            score_cutoff=self.NAME_CUTOFF,
        )
        return [titles[i][0] for _, _, i in matches]
