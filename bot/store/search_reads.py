"""The reads search needs from the store: quote-index postings and counts, names, article
full-text matches, and a token that changes whenever any of them may have.

``bot.search`` keeps its caches and scoring; every statement it runs against the store lives
here, so the schema (the FTS5 tables, their vocabulary table) stays the store's business.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Literal

from sqlite_utils import Database

from bot.store import quote_index
from bot.store.articles import ArticleStore

#: The tables of names search keeps in memory.
NameTable = Literal["people", "topics"]

_VOCAB = f"temp.{quote_index.TABLE}_vocab"


def _attach_vocabulary(conn: sqlite3.Connection) -> None:
    """The quote index's term counts as a table (temporary: one per connection)."""
    conn.execute(
        f"create virtual table if not exists {_VOCAB} "
        f"using fts5vocab(main, {quote_index.TABLE}, row)"
    )


def _word_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """How many quotes hold each word of the quote index (pairs left out): the terms below and
    above the range of the pairs (two range scans the vocabulary table seeks, rather than a
    filter over millions of pairs)."""
    _attach_vocabulary(conn)
    docs: dict[str, int] = dict(
        conn.execute(f"select term, doc from {_VOCAB} where term < ?", [quote_index.PAIR_MARK])
    )
    docs.update(
        conn.execute(f"select term, doc from {_VOCAB} where term >= ?", [quote_index.AFTER_PAIRS])
    )
    return docs


def _after(prefix: str) -> str:
    """The first string after every string starting with ``prefix``."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


class SearchReads:
    """Read-only queries over quotes, names and articles for ``bot.search.SearchIndex``."""

    def __init__(self, db: Database, articles: ArticleStore) -> None:
        self.db = db
        self.articles = articles

    # -- the change token and counts ---------------------------------------------------------

    def version(self) -> tuple[int, int]:
        """Changes whenever quotes may have: a save here or a commit on another connection."""
        return self.articles.version()

    def max_quote_id(self) -> int:
        return int(self.db.execute("select max(rowid) from quotes").fetchone()[0] or 0)

    def quote_count(self) -> int:
        return int(self.db.execute("select count(*) from quotes").fetchone()[0])

    def name_count(self, table: NameTable) -> int:
        return int(self.db.execute(f"select count(*) from {table}").fetchone()[0])

    def max_name_id(self, table: NameTable) -> int:
        """The newest row's id (one indexed max()): whether names were added since."""
        return int(self.db.execute(f"select max(id) from {table}").fetchone()[0] or 0)

    def names_after(self, table: NameTable, after_id: int) -> Iterable[tuple[int, str]]:
        """(id, name) of the rows after ``after_id``, in id order."""
        rows: Iterable[tuple[int, str]] = self.db.execute(
            f"select id, name from {table} where id > ? order by id", [after_id]
        )
        return rows

    # -- the quote index's vocabulary --------------------------------------------------------

    def attach_vocabulary(self) -> None:
        """Make the term counts readable on the store's connection (again after a reopen)."""
        _attach_vocabulary(self.db.conn)

    def file_path(self) -> str | None:
        """The database file, for a reader on its own connection (None in memory)."""
        path = self.db.execute("pragma database_list").fetchone()[2]
        return str(path) if path else None

    def word_counts(self) -> dict[str, int]:
        """How many quotes hold each word, read on the store's connection."""
        return _word_counts(self.db.conn)

    @staticmethod
    def word_counts_from_file(path: str) -> dict[str, int]:
        """The same, on a connection of its own (for a reader in another thread); raises
        ``sqlite3.Error`` when the file cannot be read."""
        conn = sqlite3.connect(path, timeout=10)
        try:
            return _word_counts(conn)
        finally:
            conn.close()

    def term_count(self, term: str) -> int:
        """How many quotes hold ``term`` (a word or a pair)."""
        row = self.db.execute(f"select doc from {_VOCAB} where term = ?", [term]).fetchone()
        return int(row[0] or 0) if row else 0

    def prefix_count(self, prefix: str) -> int:
        """The quotes holding a term that starts with ``prefix``, summed over those terms."""
        row = self.db.execute(
            f"select sum(doc) from {_VOCAB} where term >= ? and term < ?",
            [prefix, _after(prefix)],
        ).fetchone()
        return int(row[0] or 0) if row else 0

    def term_counts(self, terms: Sequence[str]) -> dict[str, int]:
        """How many quotes hold each of ``terms`` (those no quote holds left out)."""
        marks = ",".join("?" * len(terms))
        return dict(
            self.db.execute(f"select term, doc from {_VOCAB} where term in ({marks})", terms)
        )

    # -- quote postings ----------------------------------------------------------------------

    def quotes_matching(self, match: str, limit: int) -> list[int]:
        """Ids of up to ``limit`` quotes the FTS5 query ``match`` finds in the quote index."""
        return [
            row[0]
            for row in self.db.execute(
                f"select rowid from {quote_index.TABLE} where {quote_index.TABLE} match ? limit ?",
                [match, limit],
            )
        ]

    def quotes_weighted(self, terms: Sequence[tuple[str, float]], limit: int) -> list[int]:
        """Ids of up to ``limit`` quotes holding the most weight of ``terms`` (FTS5 term,
        weight), heaviest first, ties to the lower id; SQLite adds up the weights in one
        statement."""
        table = quote_index.TABLE
        parts = " union all ".join(
            f"select rowid as id, ? as w from {table} where {table} match ?" for _ in terms
        )
        return [
            row[0]
            for row in self.db.execute(
                f"select id from ({parts}) group by id order by sum(w) desc, id limit ?",
                [*(value for term, weight in terms for value in (weight, term)), limit],
            )
        ]

    def quote_texts(self, ids: Sequence[int]) -> tuple[list[int], list[str]]:
        """Ids (those still in the store) and texts of quotes."""
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(
            f"select id, text from quotes where id in ({marks})", list(ids)
        ).fetchall()
        return [row[0] for row in rows], [row[1] or "" for row in rows]

    # -- articles ----------------------------------------------------------------------------

    def newest_articles_matching(self, match: str, limit: int) -> list[int]:
        """Ids of the newest ``limit`` articles the FTS5 query ``match`` finds."""
        return [
            row[0]
            for row in self.db.execute(
                "select rowid from articles_fts where articles_fts match ? "
                "order by rowid desc limit ?",
                [match, limit],
            )
        ]

    def best_articles_matching(self, match: str, limit: int) -> list[int]:
        """Ids of the ``limit`` articles the FTS5 query ``match`` finds, in BM25 order."""
        return [
            row[0]
            for row in self.db.execute(
                "select rowid from articles_fts where articles_fts match ? order by rank limit ?",
                [match, limit],
            )
        ]

    def articles_by_title_words(
        self, ids: Sequence[int], fragments: Sequence[str], limit: int
    ) -> list[int]:
        """Of ``ids``, the ``limit`` whose titles hold the most of ``fragments``, then newest."""
        in_title = " + ".join("(title like ?)" for _ in fragments)
        marks = ",".join("?" * len(ids))
        return [
            row[0]
            for row in self.db.execute(
                f"select id from articles indexed by articles_cards where id in ({marks}) "
                f"order by {in_title} desc, id desc limit ?",
                [*ids, *(f"%{fragment}%" for fragment in fragments), limit],
            )
        ]

    def article_titles_matching(self, match: str, limit: int) -> list[tuple[int, str | None]]:
        """(id, title) of up to ``limit`` articles the FTS5 query ``match`` finds."""
        return [
            (row[0], row[1])
            for row in self.db.execute(
                "select rowid, title from articles_fts where articles_fts match ? limit ?",
                [match, limit],
            )
        ]
