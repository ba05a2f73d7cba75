"""The search index: what it keeps between queries (counts, quote texts, names, recent
answers), and how /who said scores the quotes its candidate passes read.

The candidates come from ``bot.search.candidates`` (the FTS5 word and pair index), and
rapidfuzz re-ranks only those with the same ``partial_ratio`` an exhaustive scan would use
(see ``SearchIndex.who_said``); /search is ``bot.search.article_search``.

People and topic names are few enough to keep in memory. Small lists are scanned whole with
``WRatio``; large ones first pick candidates through their words (fuzzy-matched against the
distinct name words), so a lookup never costs a pass over every name. ``refresh()`` after an
ingest only reads the rows added since the previous refresh.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Sequence

from bot.memory import settle_long_lived
from bot.search.article_search import _ArticleSearch
from bot.search.candidates import _QuoteCandidates
from bot.search.names import NamedHit, _NameIndex
from bot.search.query import QUERY_CHARS, quote_needle, squash
from bot.search.recent import _Recent
from bot.search.scoring import QuoteHit, _best, _Scored, _scored, rank_quotes
from bot.search.vocabulary import _Vocabulary
from bot.store import Store
from bot.store.quote_index import fold
from bot.store.search_reads import NameTable

log = logging.getLogger(__name__)


class SearchIndex(_QuoteCandidates, _ArticleSearch):
    """Fuzzy search over the store's quotes (FTS candidates), people and topics (in memory)."""

    #: Below this a match is a suggestion, not an answer.
    QUOTE_CUTOFF = 75.0
    NAME_CUTOFF = 72.0
    #: Quote texts kept between queries (about 0.5 KB each with their folded copy).
    TEXTS_KEPT = 40_000

    def __init__(self, store: Store) -> None:
        self.store = store
        self.reads = store.search_reads
        self._lock = threading.Lock()
        self._df: dict[str, int] = {}
        #: Pair counts, and words no quote holds, as of the store's version ``_counted``.
        self._counts = _Recent(100_000)
        self._counted: tuple[int, int] | None = None
        #: Quote id -> (text, folded text) of recent candidates, as of ``_counted`` too.
        self._texts = _Recent(self.TEXTS_KEPT)
        self.quote_total = 0
        self._attach_vocabulary_table()
        self._people = _NameIndex()
        self._topics = _NameIndex()
        self._speakers = _NameIndex()
        self._speaker_names: set[str] = set()
        self._speakers_to = 0  # quotes up to this id are in ``_speakers``
        self._vocabulary = _Vocabulary()
        self._vocabulary_read = threading.Event()
        #: Recent answers: (query, store version) -> (floor, depth, hits), and for /search
        #: (query, limit, store version) -> article ids.
        self._recent_quotes: _Recent[
            tuple[str, tuple[int, int]], tuple[float, int, list[QuoteHit]]
        ] = _Recent(1024)
        self._recent_articles = _Recent(1024)
        self.refresh()

    def _attach_vocabulary_table(self) -> None:
        """The quote index's term counts, readable on the store's connection."""
        self.reads.attach_vocabulary()

    def reopened(self) -> None:
        """The store opened its path again on another file (``bot/store/watched.py``): start
        over as at start-up, since ids, names and counts of the old file mean nothing now."""
        self._attach_vocabulary_table()
        with self._lock:
            self._people = _NameIndex()
            self._topics = _NameIndex()
            self._speakers, self._speaker_names, self._speakers_to = _NameIndex(), set(), 0
            self._counted = None
            self._vocabulary = _Vocabulary()
        self.refresh()

    def refresh(self) -> None:
        """Take in people and topics added since the last refresh (after an ingest); quotes need
        nothing, their index is updated in the same transaction as the article."""
        with self._lock:
            self._df = {}
            self._counts.clear()
            self._texts.clear()
            self._recent_quotes.clear()
            self._recent_articles.clear()
            self.quote_total = self.reads.max_quote_id()
            self._people = self._load(self._people, "people")
            self._topics = self._load(self._topics, "topics")
        self._load_vocabulary()

    #: Above this many quotes the vocabulary is read in a background thread (about a second at
    #: a million quotes); until then a typo falls back to a prefix of the word.
    VOCABULARY_SYNC_MAX = 200_000

    def _load_vocabulary(self) -> None:
        path = self.reads.file_path()
        if not path or self.quote_total <= self.VOCABULARY_SYNC_MAX:
            self._vocabulary = _Vocabulary.of(self.reads.word_counts())
            self._vocabulary_read.set()
            return

        def load() -> None:
            try:
                self._vocabulary = _Vocabulary.of(self.reads.word_counts_from_file(path))
                # A store this large keeps millions of objects in memory: out of the way of
                # the collector's full sweeps (small stores' sweeps are short anyway).
                settle_long_lived()
            except sqlite3.Error as error:  # the search still works, without corrections
                log.warning("could not read the quote vocabulary: %s", error)
            finally:
                self._vocabulary_read.set()

        threading.Thread(target=load, name="quote-vocabulary", daemon=True).start()

    def forget(self, words: bool = False) -> None:
        """Drop the recent answers kept, and with ``words`` what is kept per word or quote too
        (typo corrections, name words, pair counts, quote texts): benchmarks time the work of
        queries not seen before."""
        with self._lock:
            self._recent_quotes.clear()
            self._recent_articles.clear()
            for names in (self._people, self._topics):
                names._recent.clear()
                if words:
                    names._recent_words.clear()
            if words:
                self._vocabulary.recent_corrections.clear()
                self._vocabulary.recent_edits.clear()
                self._counts.clear()
                self._texts.clear()

    def wait_until_ready(self, timeout: float | None = None) -> bool:
        """Block until the vocabulary (word counts, typo corrections) has been read."""
        return self._vocabulary_read.wait(timeout)

    def _load(self, index: _NameIndex, table: NameTable) -> _NameIndex:
        if self.reads.name_count(table) < len(index.items):  # rows were removed: start again
            index = _NameIndex()
        index.add(self.reads.names_after(table, index.max_id))
        return index

    @property
    def quote_count(self) -> int:
        return self.reads.quote_count()

    # -- quotes ------------------------------------------------------------------------------

    def _folded_texts(self, ids: Sequence[int]) -> tuple[list[int], list[str], list[str]]:
        """Ids (ascending, those still in the store), texts and folded texts of quotes; those
        read since the store last changed are kept (a third of the candidates of unrelated
        queries are quotes some query read before: the ones holding common pairs)."""
        self._count_from_now()
        kept = self._texts
        found: dict[int, tuple[str, str]] = {}
        missing = []
        for quote_id in ids:
            known = kept.get(quote_id)
            if known is None:
                missing.append(quote_id)
            else:
                found[quote_id] = known
        if missing:
            read_ids, texts = self.reads.quote_texts(missing)
            for quote_id, text in zip(read_ids, texts, strict=True):
                found[quote_id] = kept[quote_id] = (text, fold(text))
        order = sorted(found)
        return order, [found[i][0] for i in order], [found[i][1] for i in order]

    #: ``who_said`` ranks this deep and down to this score whatever it was asked, so the near
    #: misses a failed search offers (``closest_quotes``, asked right after) are already there.
    RANKED = 9
    NEAR_CUTOFF = 50.0

    def who_said(self, query: str, limit: int = 3, cutoff: float | None = None) -> list[QuoteHit]:
        """Quotes containing (roughly) the words typed, best first.

        Candidates come in passes, each only when the ones before found no exact match, and
        each pass's new candidates are scored as they come (texts read and folded once):
        quotes holding every content word; quotes holding every adjacent word pair the index
        knows, a phrase however common its words (both from ``quote_terms``); unless
        the best so far scores ``UNION_BELOW`` or more, quotes holding the most of the rarer
        pairs, weighted by rarity, deeper when the best is below ``DEEP_BELOW``; and when
        nothing passed the cutoff, quotes holding the most of the rarer words (near misses
        to offer). A typo spoils only the two pairs around it,
        and a word no pair knows is tried as the known words one edit away; the last word may
        be cut short (its pair is also read as a prefix)."""
        needle = quote_needle(query)
        if len(needle) < 3:
            return []
        cutoff = self.QUOTE_CUTOFF if cutoff is None else cutoff
        floor = min(cutoff, self.NEAR_CUTOFF)
        depth = max(limit, self.RANKED)
        squashed = squash(query[: QUERY_CHARS * 4])
        whole = squashed if len(squashed) > len(needle) else None
        key = (whole or needle, self._version())
        # The same words again (a miss asks for near misses at once; a quote going round is
        # asked for by many chats): answered from the recent answers while the store is as it was.
        recent = self._recent_quotes.get(key)
        if recent is not None and recent[0] <= floor and recent[1] >= limit:
            hits = recent[2]
        else:
            hits = self._search(needle, depth, floor, whole)
            self._recent_quotes[key] = (floor, depth, hits)
        return [hit for hit in hits if hit.score >= cutoff][:limit]

    def _search(
        self, needle: str, limit: int, cutoff: float, whole: str | None = None
    ) -> list[QuoteHit]:
        keep = max(limit * 4, 20)
        scored: list[_Scored] = []
        seen: set[int] = set()

        def score(ids: list[int]) -> float:
            new = [i for i in ids if i not in seen]
            seen.update(new)
            if new:
                ids, texts, folded = self._folded_texts(new)
                scored.extend(
                    (value, partial, ids[i], texts[i], folded[i])
                    for value, i, partial in _scored(needle, folded, keep, cutoff)
                )
            return max((item[0] for item in scored), default=0.0)

        terms = self.quote_terms(needle)
        best = score(self._all_words_candidates(terms))
        if best < 100:
            pairs = self._pair_terms(needle)
            best = score(self._pair_phrase_candidates(pairs, seen))
            if best < self.UNION_BELOW:
                union = self._pair_union_candidates(pairs, seen)
                best = score(union[: self.QUOTE_CANDIDATES])
                if best < self.DEEP_BELOW:
                    best = score(union[self.QUOTE_CANDIDATES :])
        if best < self.QUOTE_CUTOFF:
            score(self._rare_words_candidates(terms, seen))
        return _best(needle, scored, limit, whole)

    #: The weighted word-pair pass runs when the best so far scores below this.
    UNION_BELOW = 95.0
    #: Below this best score the pair pass scores its next ``DEEP`` candidates too: the close
    #: but imperfect matches are where another quote most often scores a point higher.
    DEEP_BELOW = 90.0

    def who_said_exhaustive(
        self, query: str, limit: int = 3, cutoff: float | None = None
    ) -> list[QuoteHit]:
        """The reference answer: every quote scored (slow; for tests and the recall bench)."""
        needle = quote_needle(query)
        if len(needle) < 3:
            return []
        cutoff = self.QUOTE_CUTOFF if cutoff is None else cutoff
        ids, texts = [], []
        for quote_id, text, _speaker in self.store.articles.iter_quotes():
            ids.append(quote_id)
            texts.append(text or "")
        whole = squash(query[: QUERY_CHARS * 4])
        folded = [fold(t) for t in texts]
        return rank_quotes(
            needle, ids, texts, folded, limit, cutoff, whole if len(whole) > len(needle) else None
        )

    def closest_quotes(self, query: str, limit: int = 3) -> list[QuoteHit]:
        """Near misses, offered as suggestions when nothing passes the cutoff."""
        return self.who_said(query, limit=limit, cutoff=self.NEAR_CUTOFF)

    # -- names -------------------------------------------------------------------------------

    def _current(self, index: _NameIndex, table: NameTable) -> _NameIndex:
        """The name index, topped up first if rows were added since (one indexed max())."""
        if self.reads.max_name_id(table) != index.max_id:
            self.refresh()
            index = self._people if table == "people" else self._topics
        return index

    def people(self, query: str, limit: int = 5, cutoff: float | None = None) -> list[NamedHit]:
        cutoff = self.NAME_CUTOFF if cutoff is None else cutoff
        return self._current(self._people, "people").search(query, limit, cutoff)

    def speakers(self, query: str, limit: int = 5, cutoff: float | None = None) -> list[NamedHit]:
        """Speakers with no person row (organisations), by name; a hit's id is the speaker's
        first quote."""
        cutoff = self.NAME_CUTOFF if cutoff is None else cutoff
        top = self.reads.max_quote_id()
        with self._lock:
            if top < self._speakers_to:  # quotes were removed: start again
                self._speakers, self._speaker_names, self._speakers_to = _NameIndex(), set(), 0
            if top != self._speakers_to:
                found = self.store.articles.unattached_speakers(self._speakers_to)
                new = [(i, name) for i, name in found if name not in self._speaker_names]
                self._speaker_names.update(name for _, name in new)
                self._speakers.add(new)
                self._speakers_to = top
            index = self._speakers
        return index.search(query, limit, cutoff)

    def topics(self, query: str, limit: int = 5, cutoff: float | None = None) -> list[NamedHit]:
        cutoff = self.NAME_CUTOFF if cutoff is None else cutoff
        return self._current(self._topics, "topics").search(query, limit, cutoff)
