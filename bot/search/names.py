"""People, topic and speaker names in memory, matched fuzzily word by word."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.search.query import squash
from bot.search.recent import _Recent


@dataclass(frozen=True, slots=True)
class NamedHit:
    id: int
    name: str
    score: float


class _NameIndex:
    """Names in memory: whole-list ``WRatio`` when small, word candidates first when large."""

    FULL_SCAN_MAX = 3000

    def __init__(self) -> None:
        self.items: list[tuple[int, str]] = []
        self.names: list[str] = []
        self.words: dict[str, list[int]] = {}
        self.word_list: list[str] = []
        self.max_id = 0
        #: (query, limit, cutoff) -> hits, until names are added
        self._recent: _Recent[tuple[str, int, float], list[NamedHit]] = _Recent(1024)
        #: (word, cutoff) -> the closest name words
        self._recent_words: _Recent[tuple[str, float], tuple[str, ...]] = _Recent(8192)

    def add(self, rows: Iterable[tuple[int, str]]) -> None:
        self._recent.clear()
        self._recent_words.clear()
        for item_id, name in rows:
            index = len(self.items)
            squashed = squash(name)
            self.items.append((item_id, name))
            self.names.append(squashed)
            for word in set(squashed.split()):
                positions = self.words.get(word)
                if positions is None:
                    self.words[word] = [index]
                    self.word_list.append(word)
                else:
                    positions.append(index)
            self.max_id = max(self.max_id, item_id)

    def search(self, query: str, limit: int, cutoff: float) -> list[NamedHit]:
        key = (query, limit, cutoff)
        hits = self._recent.get(key)
        if hits is None:
            hits = self._recent[key] = self._search(query, limit, cutoff)
        return list(hits)

    def _close_words(self, word: str, cutoff: float) -> tuple[str, ...]:
        """The 25 name words closest to ``word`` (kept for recent words: the same first names
        and surnames come up again and again)."""
        key = (word, cutoff)
        close = self._recent_words.get(key)
        if close is None:
            close = self._recent_words[key] = tuple(
                match
                for match, _s, _i in process.extract(
                    word,
                    self.word_list,
                    scorer=fuzz.ratio,
                    processor=None,
                    limit=25,
                    score_cutoff=cutoff,
                )
            )
        return close

    def _search(self, query: str, limit: int, cutoff: float) -> list[NamedHit]:
        needle = squash(query)
        if not needle:
            return []
        if len(self.names) <= self.FULL_SCAN_MAX:
            names: Sequence[str] = self.names
            positions: Sequence[int] = range(len(self.names))
        else:
            found: set[int] = set()
            for word in set(needle.split()):
                for close in self._close_words(word, min(cutoff, 70.0)):
                    found.update(self.words[close])
            positions = sorted(found)
            names = [self.names[i] for i in positions]
        matches = process.extract(
            needle,
            names,
            scorer=fuzz.WRatio,
            processor=None,
            limit=limit * 4,
            score_cutoff=cutoff,
        )
        hits = []
        query_words = needle.split()
        for _, score, i in matches:
            if not shares_a_word(query_words, names[i].split()):
                continue
            item_id, name = self.items[positions[i]]
            hits.append(NamedHit(item_id, name, score))
        return hits[:limit]


#: A query word matches a name word at this ``ratio`` (one typo in a five-letter word).
WORD_MATCH = 75.0


def shares_a_word(query_words: Sequence[str], name_words: Sequence[str]) -> bool:
    """Whether some word of the query is a word of the name, spelt a little wrong or cut short
    (at least three letters): ``ushakof`` is Ushakov, ``nasa`` is not Jonas."""
    for word in query_words:
        for name_word in name_words:
            if word == name_word or (len(word) >= 3 and name_word.startswith(word)):
                return True
            if (
                min(len(word), len(name_word)) >= 4
                and fuzz.ratio(word, name_word, processor=None) >= WORD_MATCH
            ):
                return True
    return False
