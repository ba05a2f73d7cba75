"""Which quotes a /who said query reads from the store: the candidates the search scores.

Quotes (about ten per article, a million at 100,000 articles) are never all loaded: an FTS5
index of their words and adjacent word pairs (``quote_terms``, kept in step by
``bot.store.quote_index`` inside each article's save transaction) returns a few hundred
candidates per pass, and only those are scored. This part of :class:`~bot.search.SearchIndex`
knows the index's terms: how many quotes hold each word or pair (counted once per store
version), typo corrections and one-edit alternatives, and the AND and rarity-weighted
queries each pass asks.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable

from bot.search.query import STOPWORDS, _fts_term, content_words
from bot.search.recent import _Recent
from bot.search.vocabulary import _Vocabulary
from bot.store import quote_index
from bot.store.search_reads import SearchReads

#: The word pairs of a query: the phrase (per slot, the terms any of which will do), every
#: slot's terms, and how many quotes hold each term.
_Pairs = tuple[list[list[str]], list[list[str]], dict[str, int]]


class _QuoteCandidates:
    """The candidate passes of :class:`~bot.search.SearchIndex`, a base class of it: its
    ``__init__`` sets the state below up."""

    reads: SearchReads
    quote_total: int
    _df: dict[str, int]
    _counts: _Recent[tuple[str, str], int]
    _counted: tuple[int, int] | None
    _texts: _Recent[int, tuple[str, str]]
    _vocabulary: _Vocabulary

    #: How many candidates each pass hands to rapidfuzz.
    QUOTE_CANDIDATES = 150
    #: Words in more quotes than this are too common to count postings for.
    COMMON_DF = 20_000
    #: At most this many postings are read per query for the rarity-weighted pass.
    POSTINGS_BUDGET = 20_000

    def _version(self) -> tuple[int, int]:
        """Changes whenever quotes may have: a save here or a commit on another connection."""
        return self.reads.version()

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

    #: Postings read at most by the weighted word-pair pass, and pairs too common for it.
    PAIR_BUDGET = 40_000
    COMMON_PAIR = 20_000
    #: Candidates the weighted word-pair pass returns beyond ``QUOTE_CANDIDATES``: scored too
    #: when the first ones score low (see ``SearchIndex.DEEP_BELOW``).
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
