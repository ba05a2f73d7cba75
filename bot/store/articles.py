"""Articles and everything parsed out of them: paragraphs, people, quotes, entities, topics.

An article is saved atomically: a crash half-way leaves the previous version intact. Bulk
ingestion groups many saves in one transaction (``ArticleStore.batch``), each save inside its
own savepoint, because committing costs more than saving: every commit flushes a new segment
into each of the full-text indexes, which SQLite then has to merge.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from sqlite_utils import Database

from bot.parsing import identity
from bot.parsing.model import ParsedArticle
from bot.parsing.topics import normalise_topic
from bot.store import quote_index
from bot.store.rows import (
    ArticleCard,
    ArticleRow,
    LatestArticle,
    Paragraph,
    PersonOfTheDay,
    PersonRole,
    PersonRow,
    QuotedPerson,
    QuoteInArticle,
    QuoteRow,
    QuoteWithSlug,
    TopicCount,
    TopicRow,
)
from bot.store.stories import StoryStore, keys_of_parsed
from bot.store.watched import StoreFileChanged, WatchedConnection

log = logging.getLogger(__name__)

_T = TypeVar("_T")

_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’]))\s+(?=[\"“A-Z0-9])")


@dataclass(frozen=True, slots=True)
class SaveResult:
    article_id: int
    status: str  # "added" | "updated" | "unchanged"


@dataclass(frozen=True, slots=True)
class ArticleToSave:
    """``ArticleStore.save``'s arguments, for ``ArticleStore.save_all``."""

    parsed: ParsedArticle
    slug: str
    content_hash: str
    text: str
    path: str | None = None


def summarise(parsed: ParsedArticle, max_chars: int = 320) -> str:
    """One or two lead sentences: the first paragraph that is not a heading."""
    for paragraph in parsed.paragraphs:
        text = " ".join(paragraph.text.split())
        if len(text) < 40:
            continue
        sentences = _SENTENCE_END.split(text)
        summary = sentences[0]
        for sentence in sentences[1:]:
            if len(summary) + len(sentence) + 1 > max_chars or len(summary) > 120:
                break
            summary += " " + sentence
        return summary if len(summary) <= max_chars else summary[: max_chars - 1].rstrip() + "…"
    return parsed.title


def paragraph_layout(parsed: ParsedArticle, body: str) -> str | None:
    """The paragraphs of an article as stored in its row (``articles.paragraphs``): a JSON
    list, one ``[start, end]`` per paragraph (offsets into ``body``), ``[start, end,
    section]`` under a heading, ``[start, end, section, text]`` when the text is not that
    part of the body (and for paragraphs moved from the old table by migration 12, with null
    offsets). One column instead of a row per paragraph: see schema migration 12."""
    if not parsed.paragraphs:
        return None
    shift = parsed.body_start
    entries: list[list[Any]] = []
    for p in parsed.paragraphs:
        start, end = p.start - shift, p.end - shift
        if 0 <= start <= end and body[start:end] == p.text:
            entries.append([start, end] if p.section is None else [start, end, p.section])
        else:
            entries.append([start, end, p.section, p.text])
    return json.dumps(entries, ensure_ascii=False, separators=(",", ":"))


def person_key(name: str) -> str:
    return identity.name_key(name)


#: Tables of names that only matter while something refers to them.
_NAMES = ("people", "topics", "entities")


def _references(db: Database, table: str) -> list[tuple[str, str]]:
    """(table, column) pairs holding a foreign key to ``table`` -- found from the schema, so
    other features' links (a user following a topic) keep a name alive too."""
    found = []
    for other in db.table_names():
        for key in db.execute(f"pragma foreign_key_list([{other}])").fetchall():
            if key[2] == table:
                found.append((other, key[3]))
    return found


class ArticleStore:
    """Reads and writes articles; every query the bot needs lives here, named for its use."""

    #: Topics this common list their articles by walking the date index (see articles_on_topic).
    COMMON_TOPIC = 2000

    #: SQLite's page cache for this connection, in KiB. Searches read quotes spread over the
    #: whole file; with the default 2 MB every read walks the B-tree through the OS again.
    CACHE_KIB = 64 * 1024

    def __init__(self, db: Database) -> None:
        self.db = db
        db.execute(f"pragma cache_size = -{self.CACHE_KIB}")
        # Aggregates over every row (most quoted people, topic counts) are remembered until an
        # article is saved or deleted here, or another connection commits (data_version).
        self._writes = 0
        self._memo: dict[tuple[object, ...], tuple[tuple[int, int], Any]] = {}
        self._batch: _Batch | None = None
        self._grouped = False
        #: Each saved article joins a story here, inside the save's transaction.
        self.stories = StoryStore(db)
        #: False only for a file held before the stories migrations (tests of older ones).
        self._grouping = "story_key_counts" in db.table_names()
        #: False only for a file held before the people-by-surname migration (tests of older
        #: ones): its people are then saved without surname and joined by nothing.
        self._surnames = "surname" in db["people"].columns_dict

    def reconnected(self) -> None:
        """The store reopened its path on another file: set this connection up as the first
        was, and forget the aggregates (a new connection's data_version may repeat the old)."""
        self.db.execute(f"pragma cache_size = -{self.CACHE_KIB}")
        self._grouping = "story_key_counts" in self.db.table_names()
        self._memo.clear()
        self._writes += 1

    def version(self) -> tuple[int, int]:
        """Changes whenever articles or quotes may have: a save or delete here, a reopen, or a
        commit on another connection (``data_version``)."""
        return int(self.db.execute("pragma data_version").fetchone()[0]), self._writes

    def _remembered(self, key: tuple[object, ...], compute: Callable[[], _T]) -> _T:
        version = self.version()
        hit = self._memo.get(key)
        if hit is not None and hit[0] == version:
            kept: _T = hit[1]
            return kept
        value = compute()
        self._memo[key] = (version, value)
        return value

    # -- writing -----------------------------------------------------------------------------

    @contextmanager
    def batch(self, max_articles: int = 50, max_seconds: float = 0.5) -> Iterator[None]:
        """Group the saves made inside into few transactions (bulk ingestion).

        Each save stays atomic (a savepoint: a failing article rolls back alone, the others
        are kept). The open transaction is committed every ``max_articles`` saves or
        ``max_seconds``, whichever comes first, so another process waiting to write (the bot,
        while ``newsbot ingest`` runs) is never held up for long, and on leaving the block,
        also when it is left by an exception. Only for code that does not await between
        saves: a handler's write on the same connection would commit a batch half-way.
        """
        if self._batch is not None:  # nested: the outer batch commits
            yield
            return
        self._batch = _Batch(self.db.conn, max_articles, max_seconds)
        try:
            yield
        finally:
            batch, self._batch = self._batch, None
            batch.finish()

    @contextmanager
    def _atomic(self, articles: int = 1) -> Iterator[None]:
        """Writes that stand or fall together: their own transaction, or a savepoint inside
        a batch (``articles``: how many articles they save, for the batch's count). Inside
        ``save_all``'s group the group is that unit already."""
        if self._grouped:
            yield
        elif self._batch is None:
            with self.db.conn:
                yield
        else:
            with self._batch.savepoint(articles):
                yield

    def save_all(self, articles: Sequence[ArticleToSave]) -> list[SaveResult]:
        """Save several articles as ``save`` would, one after the other, but in one savepoint.

        FTS5 writes what it holds in memory to disk at every savepoint, so in a bulk ingest a
        savepoint per article cost a fifth of the save (``bench/corpus.py``). It does so too
        at each statement that opens a statement journal (one that fires a trigger, an ``or
        replace`` into a table with foreign keys), so a save runs none (schema migration 10;
        ``test_a_group_adds_one_segment_to_each_full_text_index``). When one of the
        articles fails, the group is rolled back and saved again one by one: the articles
        before the failing one are kept and its error is raised, as with ``save``.
        """
        if len(articles) < 2:
            return [self._save_one(article) for article in articles]
        try:
            with self._atomic(len(articles)):
                self._grouped = True
                try:
                    results = [self._save_one(article) for article in articles]
                finally:
                    self._grouped = False
        except StoreFileChanged:  # the group went to a deleted file: not retried (watched.py)
            raise
        except Exception:
            log.info("a grouped save failed; saving its %d articles one by one", len(articles))
            return [self._save_one(article) for article in articles]
        return results

    def _save_one(self, article: ArticleToSave) -> SaveResult:
        return self.save(
            article.parsed,
            slug=article.slug,
            content_hash=article.content_hash,
            text=article.text,
            path=article.path,
        )

    def id_if_unchanged(self, slug: str, content_hash: str) -> int | None:
        """The id of the article ``slug`` if it is stored with this very content, else None
        (ingestion then need not parse it again)."""
        row = self.db.execute(
            "select id from articles where slug = ? and content_hash = ?", [slug, content_hash]
        ).fetchone()
        return row[0] if row else None

    def save(
        self,
        parsed: ParsedArticle,
        *,
        slug: str,
        content_hash: str,
        text: str,
        path: str | None = None,
    ) -> SaveResult:
        """Insert or replace the article called ``slug``; unchanged content is left alone."""
        body = text[parsed.body_start :]
        row: dict[str, Any] = {
            "slug": slug,
            "title": parsed.title or slug,
            "date": parsed.date,
            "source": parsed.source,
            "url": parsed.url,
            "path": path,
            "content_hash": content_hash,
            "sample": int(parsed.sample),
            "summary": summarise(parsed),
            "body": body,
            "n_quotes": sum(1 for q in parsed.quotes if q.kind != "indirect"),
            "paragraphs": paragraph_layout(parsed, body),
            "ingested_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        try:
            return self._save(parsed, slug, content_hash, row)
        except sqlite3.OperationalError as error:
            if "full" in str(error):
                log.error(
                    "could not save article %s: the disk is full (%s); nothing of it was "
                    "written, the store keeps what it had",
                    slug,
                    error,
                )
            raise

    def _save(
        self, parsed: ParsedArticle, slug: str, content_hash: str, row: dict[str, Any]
    ) -> SaveResult:
        body = row["body"]
        # Raw SQL only inside the transaction: sqlite-utils' write helpers commit on their own,
        # which would make a half-saved article visible after a crash. What is stored under
        # the slug is read inside too, from the file the transaction is on (see watched.py).
        with self._atomic():
            existing = self.db.execute(
                "select id, content_hash from articles where slug = ?", [slug]
            ).fetchone()
            if existing and existing[1] == content_hash:
                return SaveResult(existing[0], "unchanged")
            if existing and self._grouping:
                self.stories.detach(existing[0])
            if self._grouping:
                keys = keys_of_parsed(parsed, body, row["ingested_at"])
                row["story_id"] = self.stories.assign(keys, row["title"], row["ingested_at"])
                row["story_day"] = keys.day
                row["story_keys"] = json.dumps(keys.keys, separators=(",", ":"))
            if existing:
                article_id = existing[0]
                self._delete_children(article_id)
                columns = ", ".join(f"{name} = ?" for name in row)
                self.db.execute(
                    f"update articles set {columns} where id = ?", [*row.values(), article_id]
                )
            else:
                names = ", ".join(row)
                marks = ", ".join("?" for _ in row)
                cursor = self.db.execute(
                    f"insert into articles ({names}) values ({marks})", list(row.values())
                )
                article_id = cursor.lastrowid
                # Not a trigger: see schema migration 10.
                self.db.execute(
                    "insert into articles_fts (rowid, title, body) values (?, ?, ?)",
                    [article_id, row["title"], body],
                )
            self._save_children(article_id, parsed)
        self._writes += 1
        return SaveResult(article_id, "updated" if existing else "added")

    def _delete_children(self, article_id: int) -> None:
        quote_index.remove_article(self.db, article_id)  # before its quotes go
        for table in (
            "quotes",
            "article_people",
            "article_entities",
            "article_topics",
        ):
            self.db.execute(f"delete from {table} where article_id = ?", [article_id])

    def _save_children(self, article_id: int, parsed: ParsedArticle) -> None:
        execute, many = self.db.execute, self.db.conn.executemany
        # One lookup per kind of row, not one per name: an article names fifteen people.
        keys = [person_key(person.name) for person in parsed.people]
        person_ids = self._ids_by("people", "key", keys)
        roles: list[tuple[str, int]] = []
        links: dict[int, tuple[int, int, str | None, int]] = {}
        for person, key in zip(parsed.people, keys, strict=True):
            pid = person_ids.get(key)
            if pid is None:
                pid = self._same_person(person.name, key, person.role) if self._surnames else None
                if pid is None and self._surnames:
                    pid = execute(
                        "insert into people (name, key, role, surname) values (?, ?, ?, ?)",
                        [person.name, key, person.role, identity.surname_key(person.name)],
                    ).lastrowid
                elif pid is None:
                    pid = execute(
                        "insert into people (name, key, role) values (?, ?, ?)",
                        [person.name, key, person.role],
                    ).lastrowid
                person_ids[key] = pid
            elif person.role:
                roles.append((person.role, pid))
            # A later name with the same key replaces the earlier link, as an ``insert or
            # replace`` did; a plain insert because a replace into a table with foreign keys
            # opens a statement journal, at which FTS5 writes its pending terms to disk.
            links.pop(pid, None)
            links[pid] = (article_id, pid, person.role, person.mentions)
        many("update people set role = ? where id = ? and role is null", roles)
        many(
            "insert into article_people (article_id, person_id, role, mentions) "
            "values (?, ?, ?, ?)",
            links.values(),
        )
        if parsed.quotes:
            # Ids given here (those SQLite would pick: one past the largest) so the quotes go
            # to the term index from memory, not read back.
            first = execute("select coalesce(max(id), 0) + 1 from quotes").fetchone()[0]
            numbered = list(enumerate(parsed.quotes, first))
            many(
                "insert into quotes (id, article_id, person_id, speaker, speaker_role, text, "
                "cue, kind, start, end, paragraph) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        quote_id,
                        article_id,
                        person_ids.get(person_key(q.speaker)) if q.speaker else None,
                        q.speaker,
                        q.speaker_role,
                        q.text,
                        q.cue,
                        q.kind,
                        q.start,
                        q.end,
                        q.paragraph,
                    )
                    for quote_id, q in numbered
                ],
            )
            quote_index.add_quotes(self.db, [(quote_id, q.text) for quote_id, q in numbered])
        entity_links = []
        for kind, names in (("organisation", parsed.organisations), ("place", parsed.places)):
            unique = list(dict.fromkeys(names))
            marks = ",".join("?" * len(unique))
            known = dict(
                execute(
                    f"select name, id from entities where kind = ? and name in ({marks})",
                    [kind, *unique],
                ).fetchall()
            )
            for name in unique:
                entity_id = known.get(name)
                if entity_id is None:
                    entity_id = execute(
                        "insert into entities (kind, name) values (?, ?)", [kind, name]
                    ).lastrowid
                entity_links.append((article_id, entity_id))
        many(
            "insert or ignore into article_entities (article_id, entity_id) values (?, ?)",
            entity_links,
        )
        names = list(dict.fromkeys(map(normalise_topic, parsed.topics)))
        topic_ids = self._ids_by("topics", "key", [name.casefold() for name in names])
        topic_links = []
        for rank, name in enumerate(names):
            key = name.casefold()
            topic_id = topic_ids.get(key)
            if topic_id is None:
                topic_id = execute(
                    "insert into topics (name, key) values (?, ?)", [name, key]
                ).lastrowid
                topic_ids[key] = topic_id
            topic_links.append((article_id, topic_id, rank))
        many(
            "insert or ignore into article_topics (article_id, topic_id, rank) values (?, ?, ?)",
            topic_links,
        )

    def _same_person(self, name: str, key: str, role: str | None) -> int | None:
        """The stored person that ``name`` (not stored under its own key) is, if any: a
        one-word name is the one full name it ends; a full name takes over the one-word
        person stored before it was named in full (see ``bot/parsing/identity.py``). Each
        question reads a few rows through the surname and key indexes, however many people
        share the surname."""
        surname = identity.surname_key(name)
        if identity.is_surname_only(name):
            known = self._known("surname = ? and instr(key, ' ') > 0 limit 2", [surname])
            if len(known) > 1 and role:
                # of several, the one whose role the title names: among those with a role
                known = self._known(
                    "surname = ? and instr(key, ' ') > 0 and role is not null limit 50",
                    [surname],
                )
            found = identity.full_name_for(name, role, known)
            return found.id if found else None
        short = self._known("key = ?", [surname])
        if not short:
            return None
        rival = self._known(
            "surname = ? and instr(key, ' ') > 0 and key != ? limit 1", [surname, key]
        )
        taken = identity.takes_over(name, short + rival)
        if taken is None:
            return None
        self.db.execute(
            "update people set name = ?, key = ?, role = coalesce(role, ?) where id = ?",
            [name, key, role, taken.id],
        )
        return taken.id

    def _known(self, where: str, args: list[Any]) -> list[identity.Known]:
        return [
            identity.Known(*row)
            for row in self.db.execute(
                f"select id, name, role from people where {where}", args
            ).fetchall()
        ]

    def _ids_by(self, table: str, key_column: str, keys: list[str]) -> dict[str, int]:
        """{key: id} of the rows of ``table`` among ``keys`` (one query)."""
        unique = list(dict.fromkeys(keys))
        if not unique:
            return {}
        marks = ",".join("?" * len(unique))
        return dict(
            self.db.execute(
                f"select {key_column}, id from {table} where {key_column} in ({marks})", unique
            ).fetchall()
        )

    def stored_before(self, cutoff: str) -> list[int]:
        """Ids of the articles ingested before ``cutoff`` (UTC ISO text), oldest id first."""
        return [
            int(row[0])
            for row in self.db.execute(
                "select id from articles where ingested_at < ? order by id", [cutoff]
            )
        ]

    def drop_unused_names(self) -> None:
        """Delete people, topics and organisations nothing refers to any more (so they stop
        appearing in searches); a table that cannot be cleaned now is logged and left."""
        for table in _NAMES:
            conditions = [
                f"id not in (select [{column}] from [{other}] where [{column}] is not null)"
                for other, column in _references(self.db, table)
            ]
            if not conditions:
                continue
            try:
                with self.db.conn:
                    self.db.execute(f"delete from {table} where " + " and ".join(conditions))
            except sqlite3.DatabaseError as error:
                log.warning("retention: could not remove unused %s: %s", table, error)
        self._writes += 1

    def delete(self, article_id: int) -> None:
        """Remove an article with its quotes, links and paragraphs (used by retention)."""
        with self._atomic():
            if self._grouping:
                self.stories.detach(article_id)
            self._delete_children(article_id)
            self.db.execute("delete from articles where id = ?", [article_id])
        self._writes += 1

    # -- reading -----------------------------------------------------------------------------

    def count(self) -> int:
        return self._remembered(
            ("count",),
            lambda: int(self.db.execute("select count(*) from articles").fetchone()[0]),
        )

    def get(self, article_id: int) -> ArticleRow | None:
        rows = list(self.db.query("select * from articles where id = ?", [article_id]))
        return cast(ArticleRow, rows[0]) if rows else None

    def by_slug(self, slug: str) -> ArticleRow | None:
        rows = list(self.db.query("select * from articles where slug = ?", [slug]))
        return cast(ArticleRow, rows[0]) if rows else None

    def latest(self, limit: int = 5, offset: int = 0) -> list[LatestArticle]:
        return cast(
            list[LatestArticle],
            list(
                self.db.query(
                    "select id, slug, title, date, source, summary, n_quotes, story_id "
                    "from articles "
                    "order by coalesce(date, substr(ingested_at, 1, 10)) desc, id desc "
                    "limit ? offset ?",
                    [limit, offset],
                )
            ),
        )

    def paragraphs_of(self, article_id: int) -> list[Paragraph]:
        """The article's paragraphs in order: ``idx`` (0, 1, ...), ``section`` (the heading
        they fall under, or None) and ``text`` (see :func:`paragraph_layout`)."""
        row = self.db.execute(
            "select body, paragraphs from articles where id = ?", [article_id]
        ).fetchone()
        if not row or not row[1]:
            return []
        body = row[0] or ""
        return [
            {
                "idx": idx,
                "section": entry[2] if len(entry) > 2 else None,
                "text": entry[3] if len(entry) > 3 else body[entry[0] : entry[1]],
            }
            for idx, entry in enumerate(json.loads(row[1]))
        ]

    def topics_of(self, article_id: int) -> list[str]:
        return [
            row[0]
            for row in self.db.execute(
                "select t.name from article_topics at join topics t on t.id = at.topic_id "
                "where at.article_id = ? order by at.rank",
                [article_id],
            )
        ]

    def quotes_of_article(self, article_id: int) -> list[QuoteRow]:
        return cast(
            list[QuoteRow],
            list(
                self.db.query(
                    "select * from quotes where article_id = ? order by start", [article_id]
                )
            ),
        )

    def quote(self, quote_id: int) -> QuoteWithSlug | None:
        found = self.quotes([quote_id])
        return found[0] if found else None

    def quotes(self, quote_ids: list[int]) -> list[QuoteWithSlug]:
        """Quotes with their article's title, date and slug, in the order of ``quote_ids``
        (missing ones left out): one query for a page of results."""
        ids = list(dict.fromkeys(quote_ids))
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows: dict[int, QuoteWithSlug] = {
            row["id"]: cast(QuoteWithSlug, row)
            for row in self.db.query(
                "select q.*, a.title, a.date, a.slug from quotes q "
                f"join articles a on a.id = q.article_id where q.id in ({marks})",
                ids,
            )
        }
        return [rows[i] for i in ids if i in rows]

    #: People quoted this often have their quotes listed by walking the articles' date index
    #: (newest first, a few index probes per page) instead of sorting all their quotes.
    FREQUENT_SPEAKER = 2000

    def quotes_by_person(
        self, person_id: int, limit: int = 5, offset: int = 0
    ) -> list[QuoteInArticle]:
        """A page of what someone said: direct quotes before reported speech, each newest
        article first (then the later article, then the order in the article)."""
        if self.person_quote_count(person_id) < self.FREQUENT_SPEAKER:
            return cast(
                list[QuoteInArticle],
                list(
                    self.db.query(
                        "select q.*, a.title, a.date from quotes q "
                        "join articles a on a.id = q.article_id where q.person_id = ? "
                        "order by (q.kind is 'indirect'), a.date desc, a.id desc, q.id "
                        "limit ? offset ?",
                        [person_id, limit, offset],
                    )
                ),
            )
        # Frequent: newest articles first through the date index, keeping this person's quotes
        # (found through the article's quotes); direct quotes, then reported speech.
        walk = (
            "select q.*, a.title, a.date from articles a cross join quotes q "
            "indexed by idx_quotes_article_id on q.article_id = a.id "
            "where q.person_id = ? and (q.kind is 'indirect') = ? "
            "order by a.date desc, a.id desc, q.id limit ? offset ?"
        )
        page = cast(list[QuoteInArticle], list(self.db.query(walk, [person_id, 0, limit, offset])))
        if len(page) == limit:
            return page
        if page or not offset:
            direct = offset + len(page)
        else:  # past the last direct quote: count them to know where reported speech starts
            direct = self.db.execute(
                "select count(*) from quotes where person_id = ? and kind is not 'indirect'",
                [person_id],
            ).fetchone()[0]
        rest = self.db.query(walk, [person_id, 1, limit - len(page), max(0, offset - direct)])
        return page + cast(list[QuoteInArticle], list(rest))

    def person_quote_count(self, person_id: int) -> int:
        """How many quotes someone has (an index count; remembered until the next save)."""
        if len(self._memo) > 10_000:
            self._memo.clear()
        return self._remembered(
            ("person_quote_count", person_id),
            lambda: int(
                self.db.execute(
                    "select count(*) from quotes where person_id = ?", [person_id]
                ).fetchone()[0]
            ),
        )

    def unattached_speakers(self, after_quote_id: int = 0) -> list[tuple[int, str]]:
        """(first quote id, name) of speakers quoted after ``after_quote_id`` that no person
        row stands for (organisations: 'NBC News'), through their index."""
        return [
            (row[0], row[1])
            for row in self.db.execute(
                "select min(id), speaker from quotes indexed by quotes_unattached_speaker "
                "where person_id is null and speaker is not null and id > ? group by speaker",
                [after_quote_id],
            )
        ]

    def quotes_by_speaker(
        self, speaker: str, limit: int = 5, offset: int = 0
    ) -> list[QuoteInArticle]:
        """A page of what a speaker without a person row said (see ``unattached_speakers``)."""
        return cast(
            list[QuoteInArticle],
            list(
                self.db.query(
                    "select q.*, a.title, a.date from quotes q "
                    "indexed by quotes_unattached_speaker "
                    "join articles a on a.id = q.article_id "
                    "where q.person_id is null and q.speaker = ? "
                    "order by (q.kind is 'indirect'), a.date desc, a.id desc, q.id "
                    "limit ? offset ?",
                    [speaker, limit, offset],
                )
            ),
        )

    def speaker_quote_count(self, speaker: str) -> int:
        return int(
            self.db.execute(
                "select count(*) from quotes indexed by quotes_unattached_speaker "
                "where person_id is null and speaker = ?",
                [speaker],
            ).fetchone()[0]
        )

    def people_with_role_words(self, words: list[str], limit: int = 3) -> list[PersonRole]:
        """People whose role holds one of ``words`` as a whole word ('nasa' in 'NASA
        Administrator'), most quoted first; for a name /quotes does not know."""
        wanted = {w.casefold() for w in words if len(w) >= 3}
        if not wanted:
            return []
        clause = " or ".join("p.role like ?" for _ in wanted)
        rows = cast(
            list[PersonRole],
            list(
                self.db.query(
                    f"select p.id, p.name, p.role from people p where {clause} limit 200",
                    [f"%{w}%" for w in wanted],
                )
            ),
        )
        found = [r for r in rows if wanted & set(re.findall(r"\w+", (r["role"] or "").casefold()))]
        found.sort(key=lambda r: -self.person_quote_count(r["id"]))
        return found[:limit]

    def person(self, person_id: int) -> PersonRow | None:
        rows = list(self.db.query("select p.* from people p where p.id = ?", [person_id]))
        if not rows:
            return None
        return cast(PersonRow, {**rows[0], "n_quotes": self.person_quote_count(person_id)})

    def most_quoted_people(self, limit: int = 10) -> list[QuotedPerson]:
        rows: list[QuotedPerson] = self._remembered(
            ("most_quoted_people", limit), lambda: self._most_quoted(limit)
        )
        return [QuotedPerson(**row) for row in rows]

    def _most_quoted(self, limit: int) -> list[QuotedPerson]:
        return cast(
            list[QuotedPerson],
            list(
                self.db.query(
                    "select p.id, p.name, p.role, count(q.id) as n_quotes from people p "
                    "join quotes q on q.person_id = p.id group by p.id "
                    "order by n_quotes desc, p.name limit ?",
                    [limit],
                )
            ),
        )

    #: The day's most quoted are counted over at most this many of its newest articles, so a
    #: day of 100,000 (a bulk import) costs what a busy day does.
    DAY_ARTICLES = 1000

    def most_quoted_of_the_day(self, limit: int = 10) -> list[PersonOfTheDay]:
        """The people quoted most in the newest day's articles (by date, else ingest day; its
        newest ``DAY_ARTICLES``), each with ``quote_ids``, their quotes of that day: what an
        empty inline query offers. Found through the ``articles_latest`` index, never a scan.
        """
        rows: list[PersonOfTheDay] = self._remembered(
            ("most_quoted_of_the_day", limit), lambda: self._most_quoted_of_the_day(limit)
        )
        return [PersonOfTheDay(**row) for row in rows]

    def _most_quoted_of_the_day(self, limit: int) -> list[PersonOfTheDay]:
        day = self.db.execute(
            "select max(coalesce(date, substr(ingested_at, 1, 10))) from articles"
        ).fetchone()[0]
        if day is None:
            return []
        rows = list(
            self.db.query(
                "select p.id, p.name, p.role, count(q.id) as n_quotes, "
                "group_concat(q.id) as quote_ids from (select id from articles "
                "where coalesce(date, substr(ingested_at, 1, 10)) = ? order by id desc "
                "limit ?) a join quotes q on q.article_id = a.id "
                "join people p on p.id = q.person_id "
                "group by p.id order by n_quotes desc, p.name limit ?",
                [day, self.DAY_ARTICLES, limit],
            )
        )
        for row in rows:
            row["day"] = day
            row["quote_ids"] = [int(i) for i in str(row["quote_ids"]).split(",")]
        return cast(list[PersonOfTheDay], rows)

    def topic_counts(self, limit: int = 20) -> list[TopicCount]:
        rows: list[TopicCount] = self._remembered(
            ("topic_counts", limit), lambda: self._topic_counts(limit)
        )
        return [TopicCount(**row) for row in rows]

    def _topic_counts(self, limit: int) -> list[TopicCount]:
        return cast(
            list[TopicCount],
            list(
                self.db.query(
                    "select t.id, t.name, count(*) as n_articles from topics t "
                    "join article_topics at on at.topic_id = t.id group by t.id "
                    "order by n_articles desc, avg(at.rank), t.name limit ?",
                    [limit],
                )
            ),
        )

    def topic(self, topic_id: int) -> TopicRow | None:
        rows = list(self.db.query("select * from topics where id = ?", [topic_id]))
        return cast(TopicRow, rows[0]) if rows else None

    def articles_on_topic(
        self, topic_id: int, limit: int = 5, offset: int = 0
    ) -> list[ArticleCard]:
        columns = "a.id, a.slug, a.title, a.date, a.source, a.summary, a.n_quotes"
        if self.count_on_topic(topic_id) >= self.COMMON_TOPIC:
            # A common topic: newest articles first through the date index, keeping those on
            # the topic, rather than sorting tens of thousands of them.
            sql = (
                f"select {columns} from articles a where exists (select 1 from article_topics "
                "at where at.article_id = a.id and at.topic_id = ?) "
                "order by a.date desc, a.id desc limit ? offset ?"
            )
        else:
            # The page's ids from the covering (id, date, title) index, then their rows.
            sql = (
                f"select {columns} from articles a where a.id in (select c.id "
                "from article_topics at join articles c indexed by articles_cards "
                "on c.id = at.article_id where at.topic_id = ? "
                "order by c.date desc, c.id desc limit ? offset ?) "
                "order by a.date desc, a.id desc"
            )
        return cast(list[ArticleCard], list(self.db.query(sql, [topic_id, limit, offset])))

    def count_on_topic(self, topic_id: int) -> int:
        return int(
            self.db.execute(
                "select count(*) from article_topics where topic_id = ?", [topic_id]
            ).fetchone()[0]
        )

    def iter_quotes(self) -> Iterator[tuple[int, str, str | None]]:
        """(id, text, speaker) of every quote: the search index is built from this."""
        yield from self.db.execute("select id, text, speaker from quotes order by id")

    def iter_people(self) -> Iterator[tuple[int, str]]:
        yield from self.db.execute("select id, name from people order by id")


class _Batch:
    """The open transaction of ``ArticleStore.batch`` and when to commit it."""

    def __init__(self, conn: WatchedConnection, max_articles: int, max_seconds: float) -> None:
        self.conn = conn
        self.max_articles = max_articles
        self.max_seconds = max_seconds
        self.saved = 0
        self.began = 0.0

    @contextmanager
    def savepoint(self, articles: int = 1) -> Iterator[None]:
        conn = self.conn
        if not conn.in_transaction:
            conn.begin()  # on the file now at the store's path (see watched.py)
            self.saved, self.began = 0, time.monotonic()
        conn.execute("savepoint article")
        try:
            yield
        except BaseException:
            conn.execute("rollback to article")
            conn.execute("release article")
            raise
        conn.execute("release article")
        self.saved += articles
        if self.saved >= self.max_articles or time.monotonic() - self.began >= self.max_seconds:
            conn.commit()

    def finish(self) -> None:
        """Commit what the batch saved (every save in it is whole)."""
        if self.conn.in_transaction:
            try:
                self.conn.commit()
            except sqlite3.Error:
                self.conn.rollback()
                raise
