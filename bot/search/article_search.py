"""/search: articles by full-text relevance, the part of :class:`~bot.search.SearchIndex`
that reads the articles' FTS5 index (stemmed titles and bodies) rather than the quotes'."""

from __future__ import annotations

from rapidfuzz import fuzz, process

from bot.search.query import _FTS_WORD, STOPWORDS, squash
from bot.search.recent import _Recent
from bot.store.search_reads import SearchReads


class _ArticleSearch:
    """Article search of :class:`~bot.search.SearchIndex` (a base class of it, which sets
    up ``reads`` and the recent answers)."""

    reads: SearchReads
    #: (query, limit, store version) -> article ids.
    _recent_articles: _Recent[tuple[str, int, tuple[int, int]], list[int]]
    #: Below this a title's fuzzy match is not an answer (the name search's cutoff).
    NAME_CUTOFF: float

    def articles(self, query: str, limit: int = 5) -> list[int]:
        """Article ids by full-text relevance (see ``_articles``); recent answers are kept
        while the store is as it was."""
        key = (query, limit, self.reads.version())
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
