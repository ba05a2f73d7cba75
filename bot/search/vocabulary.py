"""The quote index's words, to correct a typo into a word some quote holds."""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz, process

from bot.search.recent import _Recent


class _Vocabulary:
    """The words of the quote index by length, to correct a typo into words the index holds."""

    def __init__(self, words: Iterable[str] = ()) -> None:
        self.by_length: dict[int, list[str]] = {}
        for word in words:
            if len(word) >= 4 and not word.isdigit():
                self.by_length.setdefault(len(word), []).append(word)
        self._pools: dict[int, list[str]] = {}
        #: Corrections and one-edit neighbours of recent words (the vocabulary never changes).
        self.recent_corrections: _Recent[tuple[str, int, float], list[str]] = _Recent(4096)
        self.recent_edits: _Recent[str, list[str]] = _Recent(4096)
        #: How many quotes hold each word (as read at start-up).
        self.docs: dict[str, int] = {}

    @classmethod
    def of(cls, docs: dict[str, int]) -> _Vocabulary:
        """The vocabulary of the quote index's word counts (``SearchReads.word_counts``)."""
        vocabulary = cls(docs)
        vocabulary.docs = docs
        return vocabulary

    def corrections(self, word: str, limit: int = 3, cutoff: float = 78.0) -> list[str]:
        """Known words one or two edits away (same length, or one letter more or less)."""
        key = (word, limit, cutoff)
        found = self.recent_corrections.get(key)
        if found is None:
            found = self.recent_corrections[key] = self._corrections(word, limit, cutoff)
        return list(found)

    def _corrections(self, word: str, limit: int, cutoff: float) -> list[str]:
        size = len(word)
        pool = self._pools.get(size)
        if pool is None:
            pool = [w for n in (size - 1, size, size + 1) for w in self.by_length.get(n, ())]
            self._pools[size] = pool
        return [
            match
            for match, _score, _i in process.extract(
                word, pool, scorer=fuzz.ratio, processor=None, limit=limit, score_cutoff=cutoff
            )
        ]
