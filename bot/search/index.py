"""The search index: which candidates each query reads from the store, and what it keeps
between queries (counts, quote texts, names, recent answers).

Quotes (about ten per article, a million at 100,000 articles) are never all loaded: an FTS5
index of their words and adjacent word pairs (``quote_terms``, kept in step by
``bot.store.quote_index`` inside each article's save transaction) returns a few hundred
candidates, and rapidfuzz re-ranks only those with the same ``partial_ratio`` an exhaustive
scan would use (see ``SearchIndex.who_said``).

People and topic names are few enough to keep in memory. Small lists are scanned whole with
``WRatio``; large ones first pick candidates through their words (fuzzy-matched against the
distinct name words), so a lookup never costs a pass over every name. ``refresh()`` after an
ingest only reads the rows added since the previous refresh.
"""

from __future__ import annotations

import itertools
import logging
import math
import sqlite3
import threading
from collections.abc import Iterable, Sequence

from rapidfuzz import fuzz, process

from bot.memory import settle_long_lived
from bot.search.names import NamedHit, _NameIndex
from bot.search.query import (
    _FTS_WORD,
    STOPWORDS,
    _fts_term,
    content_words,
    quote_needle,
    squash,
    whole_query,
)
from bot.search.recent import _Recent
from bot.search.scoring import QuoteHit, _best, _Scored, _scored, rank_quotes
from bot.search.vocabulary import _Vocabulary
from bot.store import Store, quote_index
from bot.store.quote_index import fold
from bot.store.search_reads import NameTable

log = logging.getLogger(__name__)

#: The word pairs of a query: the phrase (per slot, the terms any of which will do), every
#: slot's terms, and how many quotes hold each term.
_Pairs = tuple[list[list[str]], list[list[str]], dict[str, int]]


class SearchIndex:
    """Fuzzy search over the store's quotes (FTS candidates), people and topics (in memory)."""

    #: Below this a match is a suggestion, not an answer.
    QUOTE_CUTOFF = 75.0
    NAME_CUTOFF = 72.0
    #: Quote texts kept between queries (about 0.5 KB each with their folded copy).
    TEXTS_KEPT = 40_000
    #: How many candidates each pass hands to rapidfuzz.
    QUOTE_CANDIDATES = 150
    #: Words in more quotes than this are too common to count postings for.
    COMMON_DF = 20_000
    #: At most this many postings are read per query for the rarity-weighted pass.
    POSTINGS_BUDGET = 20_000

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
        self._recent_quotes = _Recent(1024)
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

    def _count_from_now(self) -> None:
        """Forget the counts and texts kept if the store changed since they were read."""
        version = self._version()
        if version != self._counted:
            self._counts.clear()
            self._texts.clear()
            self._counted = version

    def _doc_freq(self, term: str, prefix: bool = False) -> int:
        """How many quotes hold ``term`` (or a word starting with it); cached until refresh."""
        key = term + "*" if prefix else term
        df = self._df.get(key) or (None if prefix else self._vocabulary.docs.get(term))
        if df is None:
            df = self._counts.get(("word", key))  # a word no quote held when last asked
        if df is None:
            df = self.reads.prefix_count(term) if prefix else self.reads.term_count(term)
            if len(self._df) > 50_000:
                self._df.clear()
            if df:
                self._df[key] = df
            else:  # an unknown word may arrive with the next article: ask again after a change
                self._counts[("word", key)] = df
        return df

    def quote_terms(self, needle: str) -> list[tuple[str, int]]:
        """FTS5 terms for a squashed query with how many quotes hold each, rarest first: each
        content word the index knows, and for an unknown word of five letters or more (a typo,
        a cut-off word) its first letters as a prefix (``gigawat`` → ``gigaw*``)."""
        terms: dict[str, int] = {}
        self._count_from_now()
        for word in content_words(needle):
            df = self._doc_freq(word)
            if df:
                terms[f'"{word}"'] = df
                continue
            fixes = [w for w in self._vocabulary.corrections(word) if w not in STOPWORDS]
            found = [(f'"{w}"', self._doc_freq(w)) for w in fixes]
            found = [(term, n) for term, n in found if n]
            if not found and len(word) >= 5:
                stem = word[: max(4, len(word) - 2)]
                found = [(f'"{stem}"*', self._doc_freq(stem, prefix=True))]
            found = [(term, n) for term, n in found if n]
            if len(found) == 1:
                terms[found[0][0]] = found[0][1]
            elif found:
                terms["(" + " OR ".join(term for term, _ in found) + ")"] = sum(n for _, n in found)
        return sorted(terms.items(), key=lambda item: item[1])

    def _all_words_candidates(self, terms: list[tuple[str, int]]) -> list[int]:
        """The quotes holding every term (an AND query: FTS5 walks the rarest list and skips
        through the others, so it is cheap whenever one word is rare)."""
        if not terms:
            return []
        return self.reads.quotes_matching(
            " AND ".join(term for term, _ in terms), self.QUOTE_CANDIDATES
        )

    def _rare_words_candidates(self, terms: list[tuple[str, int]], seen: set[int]) -> list[int]:
        """For typos and loose phrasing: the quotes (not in ``seen``) holding the most of the
        rarer terms, weighted by rarity. SQLite adds up the weights in one statement (BM25 in
        FTS5 costs microseconds per matching row, a Python loop per posting about as much).
        Words held by more than ``COMMON_DF`` quotes only take part through the AND query."""
        if not terms or (len(terms) == 1 and terms[0][1] <= self.QUOTE_CANDIDATES):
            return []
        return self._weighted_candidates(
            terms,
            self.POSTINGS_BUDGET,
            self.COMMON_DF,
            self.QUOTE_CANDIDATES,
            seen,
        )

    def _weighted_candidates(
        self,
        terms: Iterable[tuple[str, int]],
        budget: int,
        common: int,
        want: int,
        seen: set[int],
    ) -> list[int]:
        """Up to ``want`` quotes (not in ``seen``) holding the most of ``terms`` (FTS5 term,
        quotes holding it; rarest first) in the quote index, each weighted by its rarity. Terms are
        taken until one is held by more than ``common`` quotes or the postings read would pass
        ``budget``."""
        total = max(self.quote_total, 1)
        chosen: list[tuple[str, float]] = []
        for term, df in terms:
            if df > common or df > budget:
                break
            budget -= df
            chosen.append((term, math.log(1 + total / df)))
        if not chosen:
            return []
        found = self.reads.quotes_weighted(chosen, want + len(seen))
        return [quote_id for quote_id in found if quote_id not in seen][:want]

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

    def _version(self) -> tuple[int, int]:
        """Changes whenever quotes may have: a save here or a commit on another connection."""
        return self.reads.version()

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
        whole = whole_query(query, needle)
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
    #: Postings read at most by the weighted word-pair pass, and pairs too common for it.
    PAIR_BUDGET = 40_000
    COMMON_PAIR = 20_000
    #: Below this best score the pair pass scores its next ``DEEP`` candidates too: the close
    #: but imperfect matches are where another quote most often scores a point higher.
    DEEP_BELOW = 90.0
    DEEP = 150
    _LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789"
    #: The pair passes read the first this many words of a query (a long message would
    #: otherwise cost a lookup, and perhaps edits, per word).
    PAIR_WORDS = 12
    #: A word no pair knows is also tried as this many known words one edit away.
    EDITS = 8

    def _edits(self, word: str) -> list[str]:
        """Known words one edit away (a letter dropped, added, changed, or two swapped),
        most frequent first."""
        vocabulary = self._vocabulary
        found = vocabulary.recent_edits.get(word)
        if found is None:
            found = vocabulary.recent_edits[word] = self._one_edit(word, vocabulary.docs)
        return list(found)

    def _one_edit(self, word: str, docs: dict[str, int]) -> list[str]:
        splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
        found = set()
        for a, b in splits:
            if b:
                found.add(a + b[1:])
                if len(b) > 1:
                    found.add(a + b[1] + b[0] + b[2:])
                for c in self._LETTERS:
                    found.add(a + c + b[1:])
            for c in self._LETTERS:
                found.add(a + c + b)
        found.discard(word)
        known = [w for w in found if w in docs]
        return sorted(known, key=lambda w: -docs[w])

    def _pair_counts(self, terms: Iterable[str], prefix: str | None = None) -> dict[str, int]:
        """How many quotes hold each pair (one vocabulary query for those not counted since
        the store last changed), and ``prefix + "*"``: the quotes holding a pair that starts
        with ``prefix`` (summed over those pairs)."""
        known = self._counts
        terms = list(dict.fromkeys(terms))
        counts: dict[str, int] = {}
        missing = []
        for term in terms:
            count = known.get(("pair", term))
            if count is None:
                missing.append(term)
            elif count:
                counts[term] = count
        if missing:
            found = self.reads.term_counts(missing)
            for term in missing:
                known[("pair", term)] = found.get(term, 0)
            counts.update(found)
        if prefix:
            count = known.get(("pair*", prefix))
            if count is None:
                count = known[("pair*", prefix)] = self.reads.prefix_count(prefix)
            if count:
                counts[prefix + "*"] = count
        return counts

    def pair_candidates(self, needle: str, seen: set[int]) -> list[int]:
        """Both word-pair passes at once (``who_said`` scores each before the next)."""
        pairs = self._pair_terms(needle)
        found = self._pair_phrase_candidates(pairs, seen)
        return found + self._pair_union_candidates(pairs, seen | set(found))

    def _pair_terms(self, needle: str) -> _Pairs:
        """The query's adjacent word pairs (a slot per pair): the last also as a prefix, as
        the last word may be cut short; a word no pair the index knows touches (a typo) also
        as the known words one edit away. The phrase keeps each slot's pair as typed when the
        index knows it, else the slot's known alternatives; slots with none are left out (a
        dropped word)."""
        words = needle.split()[: self.PAIR_WORDS]
        if len(words) < 2:
            return [], [], {}
        pair = quote_index.pair
        plain = [pair(a, b) for a, b in itertools.pairwise(words)]
        last = plain[-1] + "*"
        self._count_from_now()
        counts = self._pair_counts(plain, prefix=plain[-1])
        slots: list[list[str]] = [[t] for t in plain]
        slots[-1].append(last)
        if self._vocabulary.docs:
            edits: dict[int, list[str]] = {}
            for i, word in enumerate(words):
                touching = [*plain[max(0, i - 1) : i + 1], last if i >= len(words) - 2 else ""]
                if not any(counts.get(t) for t in touching):
                    edits[i] = self._edits(word)[: self.EDITS]
            extra = []
            for i, alternatives in edits.items():
                if i > 0:
                    extra.append((i - 1, [pair(words[i - 1], w) for w in alternatives]))
                if i < len(words) - 1:
                    extra.append((i, [pair(w, words[i + 1]) for w in alternatives]))
            if extra:
                counts.update(self._pair_counts([t for _, ts in extra for t in ts]))
                for i, ts in extra:
                    slots[i] += ts
        phrase: list[list[str]] = []
        for i, slot in enumerate(slots):
            if counts.get(plain[i]):  # the pair as typed (the last one whole) is enough
                phrase.append([plain[i]])
            elif known := [t for t in slot if counts.get(t)]:
                phrase.append(known)
        return phrase, slots, counts

    def _pair_phrase_candidates(self, pairs: _Pairs, seen: set[int]) -> list[int]:
        """Quotes holding a term of every slot of the phrase (an AND query: cheap whenever
        one pair is rare, and pairs, even of common words, mostly are)."""
        phrase = pairs[0]
        if len(phrase) < 2:
            return []
        match = " AND ".join(
            "(" + " OR ".join(map(_fts_term, slot)) + ")" if len(slot) > 1 else _fts_term(slot[0])
            for slot in phrase
        )
        found = self.reads.quotes_matching(match, self.QUOTE_CANDIDATES)
        return [quote_id for quote_id in found if quote_id not in seen]

    def _pair_union_candidates(self, pairs: _Pairs, seen: set[int]) -> list[int]:
        """Quotes (not in ``seen``) holding the most of the rarer pairs and their
        alternatives, weighted by rarity (summed in SQLite)."""
        _phrase, slots, counts = pairs
        rarest_first = sorted(
            {t for slot in slots for t in slot if counts.get(t)}, key=lambda t: counts[t]
        )
        return self._weighted_candidates(
            ((_fts_term(term), counts[term]) for term in rarest_first),
            self.PAIR_BUDGET,
            self.COMMON_PAIR,
            self.QUOTE_CANDIDATES + self.DEEP,
            seen,
        )

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
        folded = [fold(t) for t in texts]
        return rank_quotes(needle, ids, texts, folded, limit, cutoff, whole_query(query, needle))

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

    # -- articles ----------------------------------------------------------------------------

    def articles(self, query: str, limit: int = 5) -> list[int]:
        """Article ids by full-text relevance (see ``_articles``); recent answers are kept
        while the store is as it was."""
        key = (query, limit, self._version())
        found = self._recent_articles.get(key)
        if found is None:
            found = self._recent_articles[key] = self._articles(query, limit)
        return list(found)

    def _articles(self, query: str, limit: int = 5) -> list[int]:
        """Article ids by full-text relevance (FTS5, stemmed): articles with every content word
        first, then any of them; failing that, titles sharing a word's first letters, fuzzily.
        A query matching very many articles is answered from the newest of them (see
        ``_matching_articles``)."""
        words = list(dict.fromkeys(_FTS_WORD.findall(query.casefold())))[:12]
        if not words:
            return []
        content = [w for w in words if w not in STOPWORDS] or words
        found: list[int] = []
        for match in (
            " ".join(f'"{w}"' for w in content),
            " OR ".join(f'"{w}"' for w in content) if len(content) > 1 else None,
        ):
            if match is None or len(found) >= limit:
                continue
            for article_id in self._matching_articles(match, content, limit):
                if article_id not in found:
                    found.append(article_id)
        if found:
            return found[:limit]
        return self._articles_by_title(query, content, limit)

    #: BM25 ranks at most this many matching articles (it costs microseconds per match).
    ARTICLES_RANKED = 1000

    def _matching_articles(self, match: str, words: list[str], limit: int) -> list[int]:
        """BM25 order when the match is narrow; when it is broad ("democrats"), the newest
        ``ARTICLES_RANKED`` matches, those with more of the words in the title first."""
        newest = self.reads.newest_articles_matching(match, self.ARTICLES_RANKED + 1)
        if len(newest) <= self.ARTICLES_RANKED:
            return self.reads.best_articles_matching(match, limit)
        return self.reads.articles_by_title_words(
            newest[: self.ARTICLES_RANKED], [w[:5] for w in words], limit
        )

    def _articles_by_title(self, query: str, words: list[str], limit: int) -> list[int]:
        prefixes = list(dict.fromkeys(w[:4] for w in words if len(w) >= 4))
        if not prefixes:
            return []
        match = "title : (" + " OR ".join(f'"{p}"*' for p in prefixes) + ")"
        rows = self.reads.article_titles_matching(match, 2000)
        matches = process.extract(
            squash(query),
            [squash(title or "") for _, title in rows],
            scorer=fuzz.WRatio,
            processor=None,
            limit=limit,
            score_cutoff=self.NAME_CUTOFF,
        )
        return [rows[i][0] for _, _, i in matches]
