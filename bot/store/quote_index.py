"""The term index of quote texts (``quote_terms``), kept in step from Python.

Each quote is indexed by its distinct words and its distinct adjacent word pairs ("for the
people and" → ``for``, ``the``, ``people``, ``and``, ``_for_the``, ``_the_people``,
``_people_and``) in one contentless FTS5 table without positions. A word finds the quotes
that hold it wherever it stands; a pair of common words is far rarer than either word, so a
phrase made only of common words still has a few short posting lists, and a typo spoils only
the two pairs touching it. A pair starts with ``_`` (which no folded word does), so words and
pairs are two separate ranges of the index's vocabulary. ``/who said`` (``bot.search``) reads
it; :class:`~bot.store.articles.ArticleStore` calls :func:`add_quotes` after inserting an
article's quotes and :func:`remove_article` before deleting them, inside the article's
transaction.

Words and pairs share one table because each FTS5 row has a fixed cost (its size record,
its pending-terms entry) on top of its terms: one row per quote keeps saving an article cheap.

The table holds no text (``content=''``), so removing a quote means handing FTS5 the same
tokens again ('delete' command): they are recomputed from the quote text with :func:`terms`,
which must therefore never change without a migration that rebuilds the table. Every writer
of ``quotes`` goes through ``ArticleStore`` (a raw ``delete from quotes`` would leave stale
terms behind: harmless to search, which re-reads and re-scores every candidate, but wasted).
"""

from __future__ import annotations

import functools
import itertools
import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Iterator

from sqlite_utils import Database

TABLE = "quote_terms"

#: The first character of every pair term, and the one after it: pairs are the vocabulary's
#: terms in ``[PAIR_MARK, AFTER_PAIRS)``, words the terms outside it.
PAIR_MARK = "_"
AFTER_PAIRS = chr(ord(PAIR_MARK) + 1)


@functools.lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    """One character to one character: lower case without accents, punctuation to a space."""
    if not ch.isalnum():
        return " "
    base = unicodedata.normalize("NFKD", ch)[0].lower()
    return base if len(base) == 1 and base.isalnum() else ch


class _FoldTable(dict[int, str]):
    """``str.translate`` table filled on first sight of each character (C speed afterwards)."""

    def __missing__(self, code: int) -> str:
        value = _fold_char(chr(code))
        self[code] = value
        return value


_FOLD_TABLE = _FoldTable()

#: ``fold`` of the ASCII characters as a bytes table (``bytes.translate`` is a C loop).
_ASCII_FOLD = bytes(ord(_fold_char(chr(code))) for code in range(128)) + bytes(128)


#: A character outside ASCII (curly quotes, dashes, accented letters: a few in a quote).
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _fold_match(match: re.Match[str]) -> str:
    return _FOLD_TABLE[ord(match.group())]


def fold(text: str) -> str:
    """Lower-case, accents and punctuation folded, *same length* as the input so offsets of a
    match in the folded text are offsets in the original."""
    if not text.isascii():
        # ``str.translate`` of a non-ASCII text looks every character up in Python (about
        # ten times the ASCII path): fold the few non-ASCII ones first, then the rest as bytes.
        text = _NON_ASCII.sub(_fold_match, text)
        if not text.isascii():
            return text.translate(_FOLD_TABLE)
    return text.encode("ascii").translate(_ASCII_FOLD).decode("ascii")


_PAIR_FORMAT = PAIR_MARK + "%s_%s"


def pair(first: str, second: str) -> str:
    """The index term of two adjacent folded words."""
    return f"{PAIR_MARK}{first}_{second}"


def terms(text: str) -> str:
    """The index tokens of a quote: its distinct folded words, then its distinct adjacent word
    pairs, space-separated (the ``ascii`` tokenizer with ``_`` as a token character splits
    them back on the spaces)."""
    words = fold(text or "").split()
    # ``pair`` of each two words, formatted in C rather than by a Python loop.
    pairs = map(_PAIR_FORMAT.__mod__, itertools.pairwise(words))
    return " ".join(dict.fromkeys(itertools.chain(words, pairs)))


def create(db: Database) -> None:
    db.execute(
        f"create virtual table {TABLE} using fts5(terms, content='', detail=none, "
        "tokenize=\"ascii tokenchars '_'\")"
    )


def _rows(rows: Iterable[tuple[int, str | None]]) -> Iterator[tuple[int, str]]:
    for quote_id, text in rows:
        tokens = terms(text or "")
        if tokens:
            yield quote_id, tokens


def fill(db: Database) -> None:
    """Index every quote (the migration that creates the table)."""
    last = 0
    while True:
        rows = db.execute(
            "select id, text from quotes where id > ? order by id limit 50000", [last]
        ).fetchall()
        if not rows:
            break
        last = rows[-1][0]
        db.conn.executemany(f"insert into {TABLE} (rowid, terms) values (?, ?)", _rows(rows))
    db.execute(f"insert into {TABLE} ({TABLE}) values ('optimize')")


def _write(db: Database, sql: str, rows: Iterable[tuple[int, str | None]]) -> None:
    try:
        db.conn.executemany(sql, _rows(rows))
    except sqlite3.OperationalError as error:
        # Only a store older than migration 9 lacks the table (``open_database`` migrates
        # before anything is saved; tests build old stores to upgrade them).
        if f"no such table: {TABLE}" not in str(error):
            raise


def add_quotes(db: Database, quotes: Iterable[tuple[int, str | None]]) -> None:
    """Index quotes just inserted, as (id, text) (same transaction)."""
    _write(db, f"insert into {TABLE} (rowid, terms) values (?, ?)", quotes)


def remove_article(db: Database, article_id: int) -> None:
    """Take an article's quotes out of the index before they are deleted (same transaction)."""
    rows = db.execute("select id, text from quotes where article_id = ?", [article_id])
    _write(db, f"insert into {TABLE} ({TABLE}, rowid, terms) values ('delete', ?, ?)", rows)
