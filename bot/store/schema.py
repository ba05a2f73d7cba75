"""The database schema as numbered migrations, so an old file upgrades in place.

Each migration runs once, in order, in its own explicit transaction (``BEGIN IMMEDIATE`` …
``COMMIT``) together with the ``meta.schema_version`` it sets: Python's ``sqlite3`` opens no
transaction before DDL, so without one an ``ALTER TABLE`` would stay committed when a later
statement fails or the process dies, and every later start would fail on it. A crash, a full
disk or an error at any statement leaves the file at the previous version, and the next start
runs the migration again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any

from sqlite_utils import Database

from bot.parsing.identity import surname_key


def _v1_articles_and_chats(db: Database) -> None:
    db["articles"].create(
        {
            "id": int,
            "slug": str,
            "title": str,
            "date": str,
            "source": str,
            "url": str,
            "path": str,
            "content_hash": str,
            "sample": int,
            "summary": str,
            "body": str,
            "n_quotes": int,
            "ingested_at": str,
        },
        pk="id",
        not_null={"slug", "title", "content_hash", "ingested_at"},
        defaults={"sample": 0, "n_quotes": 0},
    )
    db["articles"].create_index(["slug"], unique=True)
    db["articles"].create_index(["date"])
    db["articles"].enable_fts(["title", "body"], create_triggers=True, tokenize="porter")
    db["paragraphs"].create(
        {"article_id": int, "idx": int, "section": str, "text": str},
        pk=("article_id", "idx"),
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["people"].create(
        {"id": int, "name": str, "key": str, "role": str}, pk="id", not_null={"name", "key"}
    )
    db["people"].create_index(["key"], unique=True)
    db["article_people"].create(
        {"article_id": int, "person_id": int, "role": str, "mentions": int},
        pk=("article_id", "person_id"),
        foreign_keys=[("article_id", "articles", "id"), ("person_id", "people", "id")],
    )
    db["article_people"].create_index(["person_id"])
    db["quotes"].create(
        {
            "id": int,
            "article_id": int,
            "person_id": int,
            "speaker": str,
            "speaker_role": str,
            "text": str,
            "cue": str,
            "kind": str,
            "start": int,
            "end": int,
            "paragraph": int,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id"), ("person_id", "people", "id")],
    )
    db["quotes"].create_index(["article_id"])
    db["quotes"].create_index(["person_id"])
    db["entities"].create({"id": int, "name": str, "kind": str}, pk="id", not_null={"name", "kind"})
    db["entities"].create_index(["kind", "name"], unique=True)
    db["article_entities"].create(
        {"article_id": int, "entity_id": int},
        pk=("article_id", "entity_id"),
        foreign_keys=[("article_id", "articles", "id"), ("entity_id", "entities", "id")],
    )
    db["article_entities"].create_index(["entity_id"])
    db["topics"].create({"id": int, "name": str, "key": str}, pk="id", not_null={"name", "key"})
    db["topics"].create_index(["key"], unique=True)
    db["article_topics"].create(
        {"article_id": int, "topic_id": int, "rank": int},
        pk=("article_id", "topic_id"),
        foreign_keys=[("article_id", "articles", "id"), ("topic_id", "topics", "id")],
    )
    db["article_topics"].create_index(["topic_id"])
    db["chats"].create(
        {
            "id": int,
            "type": str,
            "username": str,
            "first_name": str,
            "first_seen": str,
            "last_seen": str,
        },
        pk="id",
    )


def _v2_feeds_and_sources(db: Database) -> None:
    from bot.store.feeds import create_feed_tables

    create_feed_tables(db)


def _v3_subscriptions_and_deliveries(db: Database) -> None:
    from bot.store.subscriptions import create_subscription_tables

    create_subscription_tables(db)


def _v4_quote_search_index(db: Database) -> None:
    """FTS5 over quote texts: where /who said finds its candidates before fuzzy re-ranking.

    External content (the text lives once, in ``quotes``), accents folded by the tokenizer, kept
    in step by triggers so every writer of ``quotes`` (inside its own transaction) updates it.
    Raw SQL: sqlite-utils' ``enable_fts`` would commit in the middle of the migration.
    """
    for statement in (
        "create virtual table quotes_fts using fts5(text, content='quotes', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2', detail=none)",
        "create trigger quotes_fts_ai after insert on quotes begin "
        "insert into quotes_fts (rowid, text) values (new.id, new.text); end",
        "create trigger quotes_fts_ad after delete on quotes begin "
        "insert into quotes_fts (quotes_fts, rowid, text) values ('delete', old.id, old.text); end",
        "create trigger quotes_fts_au after update of text on quotes begin "
        "insert into quotes_fts (quotes_fts, rowid, text) values ('delete', old.id, old.text); "
        "insert into quotes_fts (rowid, text) values (new.id, new.text); end",
        "insert into quotes_fts (quotes_fts) values ('rebuild')",
    ):
        db.execute(statement)


def _v5_list_indexes(db: Database) -> None:
    """/latest walks an index instead of sorting every article (100,000 and more)."""
    db.execute(
        "create index if not exists articles_latest "
        "on articles (coalesce(date, substr(ingested_at, 1, 10)), id)"
    )


def _v6_quote_trigram_index(db: Database) -> None:
    """Trigrams of quote texts (no positions): /who said's typo-tolerant third pass, for
    queries whose words alone do not find a close match (typos in short words, phrases made
    of common words). Kept in step by triggers, like ``quotes_fts``."""
    for statement in (
        "create virtual table quotes_tri using fts5(text, content='quotes', content_rowid='id', "
        "tokenize='trigram', detail=none)",
        "create trigger quotes_tri_ai after insert on quotes begin "
        "insert into quotes_tri (rowid, text) values (new.id, new.text); end",
        "create trigger quotes_tri_ad after delete on quotes begin "
        "insert into quotes_tri (quotes_tri, rowid, text) values ('delete', old.id, old.text); end",
        "create trigger quotes_tri_au after update of text on quotes begin "
        "insert into quotes_tri (quotes_tri, rowid, text) values ('delete', old.id, old.text); "
        "insert into quotes_tri (rowid, text) values (new.id, new.text); end",
        "insert into quotes_tri (quotes_tri) values ('rebuild')",
    ):
        db.execute(statement)


def _v7_article_cards_index(db: Database) -> None:
    """Id, date and title of every article in a small covering index: listing a topic's
    articles by date and ranking a broad search's newest matches by title read it instead of
    the article rows (each about one page, its body included)."""
    db.execute("create index if not exists articles_cards on articles (id, date, title)")


def _v8_quote_pair_index(db: Database) -> None:
    """Adjacent word pairs of quote texts (``quotes_pairs``): /who said's pass for phrases of
    common words and typos in short words. It replaced the trigram index of migration 6 (five
    times the postings per quote, and the slowest part of saving an article), whose triggers
    and table are dropped.

    Migration 9 replaces the pair table by ``quote_terms``, which holds the pairs too, so a
    store upgraded from before 8 only drops the trigrams here; a store at version 8 has its
    ``quotes_pairs`` dropped by migration 9."""
    for statement in (
        "drop trigger if exists quotes_tri_ai",
        "drop trigger if exists quotes_tri_ad",
        "drop trigger if exists quotes_tri_au",
        "drop table if exists quotes_tri",
    ):
        db.execute(statement)


def _v9_quote_terms_index(db: Database) -> None:
    """Words and adjacent word pairs of quote texts in one table (``quote_terms``, see
    ``bot.store.quote_index``), in place of the word index of migration 4 (``quotes_fts``, its
    triggers) and the pair index of migration 8 (``quotes_pairs``): the same postings, in one
    FTS5 row per quote instead of two plus a trigger, which makes saving an article cheaper."""
    from bot.store import quote_index

    for statement in (
        "drop trigger if exists quotes_fts_ai",
        "drop trigger if exists quotes_fts_ad",
        "drop trigger if exists quotes_fts_au",
        "drop table if exists quotes_fts",
        "drop table if exists quotes_pairs",
    ):
        db.execute(statement)
    quote_index.create(db)
    quote_index.fill(db)


def _v10_article_search_written_by_the_store(db: Database) -> None:
    """``ArticleStore.save`` indexes a new article's title and body itself (``articles_fts``),
    in place of the insert trigger of migration 1, which is dropped.

    An insert that fires a trigger writing to a virtual table needs a statement journal, and
    opening one makes every FTS5 table of the transaction write its pending terms to disk: a
    new segment per article in each index, merged again and again, instead of one per batch.
    The delete and update triggers stay (deleting or replacing an article is rare)."""
    db.execute("drop trigger if exists articles_ai")


def _v11_article_search_reindexed_on_title_and_body(db: Database) -> None:
    """The update trigger of ``articles_fts`` (migration 1) fires on its indexed columns only:
    it fired on any update, so writing an article's sources (``FeedStore``) or, in migration
    12, every article's paragraphs took each article out of the index and tokenized it again."""
    for statement in (
        "drop trigger if exists articles_au",
        "create trigger articles_au after update of title, body on articles begin "
        "insert into articles_fts (articles_fts, rowid, title, body) "
        "values ('delete', old.rowid, old.title, old.body); "
        "insert into articles_fts (rowid, title, body) values (new.rowid, new.title, new.body); "
        "end",
    ):
        db.execute(statement)


def _v12_paragraphs_in_the_article_row(db: Database) -> None:
    """An article's paragraphs are kept in its own row (``articles.paragraphs``, see
    ``ArticleStore.paragraphs_of``) as offsets into its body, instead of a row each with its
    text again in the ``paragraphs`` table of migration 1, saving twenty rows and index
    entries an article. The paragraphs of a store's articles move over
    with their text (the table has no offsets), and the table is dropped."""
    db.execute("alter table articles add column paragraphs text")
    db.execute(
        "update articles set paragraphs = (select json_group_array(json_array(null, null, "
        "section, text)) from (select section, text from paragraphs p "
        "where p.article_id = articles.id order by idx)) "
        "where id in (select article_id from paragraphs)"
    )
    db.execute("drop table paragraphs")


#: Bytes of new terms an FTS5 index holds in memory before writing them out (FTS5's default
#: is 1 MiB). See migration 13.
FTS_PENDING_BYTES = 8 * 2**20


def _v13_full_text_pending_terms_of_a_run(db: Database) -> None:
    """Both full-text indexes hold up to 8 MiB of new terms in memory instead of 1 MiB, so a
    run of articles ingested together (``bot.ingest.PARSE_AHEAD``) becomes one segment of
    each index, not two or three to merge later. The setting is kept in each
    index's ``_config`` table; at most 16 MiB of memory while a run is written."""
    for table in ("articles_fts", "quote_terms"):
        db.execute(
            f"insert into {table} ({table}, rank) values ('hashsize', ?)", [FTS_PENDING_BYTES]
        )


Migration = Callable[[Database], None]


def _v14_speakers_without_a_person(db: Database) -> None:
    """Quotes of speakers the parser keeps no person for (organisations such as 'NBC News'),
    by speaker name: /quotes finds them as it finds people."""
    db.execute(
        "create index if not exists quotes_unattached_speaker on quotes (speaker, id) "
        "where person_id is null and speaker is not null"
    )


def _v15_group_rows_without_a_speakers_name(db: Database) -> None:
    """Groups' and channels' rows forget the name of whoever wrote in them last (kept since
    migration 1); only a private chat's row names its user."""
    db.execute(
        "update chats set username = null, first_name = null "
        "where type != 'private' and (username is not null or first_name is not null)"
    )


def _v16_stories_of_articles(db: Database) -> None:
    """Articles grouped into stories (``bot.store.stories``): the tables, each article's
    story, and the grouping of the articles already stored, oldest first."""
    from bot.store.stories import create_story_tables, group_existing

    create_story_tables(db)
    group_existing(db)


def _v17_chat_reachability_and_forum_topic(db: Database) -> None:
    """Whether the bot may post in a chat (``my_chat_member`` says when it is blocked,
    removed or loses its rights) and, for a forum group, the topic its briefing and alerts
    go to (where ``/subscribe`` was sent)."""
    db.execute("alter table chats add column can_post integer not null default 1")
    db.execute("alter table chats add column thread_id integer")


def _v18_channel_admins(db: Database) -> None:
    """Who set up a channel's briefing from their private chat: the channel is listed in
    their /settings."""
    db.execute(
        """create table channel_admins (
            channel_id integer not null,
            user_id integer not null,
            added_at text not null,
            primary key (channel_id, user_id)
        )"""
    )
    db.execute("create index channel_admins_user on channel_admins (user_id)")


def _v19_feed_entries_left_for_later(db: Database) -> None:
    """A feed remembers the entries it has not taken yet (``feed_entries.state`` 'pending',
    with the entry's title, date and own text), beyond the per-poll cap or after a transient
    failure, and takes them on the next polls whatever the feed's server answers; entries it
    will not take are 'skipped' (older than the retention period) or 'failed' (with the
    reason). ``feeds.last_report`` says what the last poll did. Entries known before are
    'taken' when they became an article, else judged by their error and attempts."""
    for statement in (
        "alter table feed_entries add column state text not null default 'pending'",
        "alter table feed_entries add column title text",
        "alter table feed_entries add column published text",
        "alter table feed_entries add column content text",
        "update feed_entries set state = case when article_id is not null then 'taken' "
        "when last_error = 'older than the retention period' then 'skipped' "
        "when attempts >= 3 then 'failed' else 'pending' end",
        "create index feed_entries_pending on feed_entries (feed_id, seen_at) "
        "where state = 'pending'",
        "alter table feeds add column last_report text",
    ):
        db.execute(statement)


def _v20_people_by_surname(db: Database) -> None:
    """People rows know their surname, indexed: a one-word name in a new article ("Trump")
    finds the full name it ends ("Donald Trump") and a full name the one-word person stored
    before it (``bot/parsing/identity.py``)."""
    db.execute("alter table people add column surname text")
    rows = db.execute("select id, name from people").fetchall()
    db.conn.executemany(
        "update people set surname = ? where id = ?", [(surname_key(n), i) for i, n in rows]
    )
    db.execute("create index if not exists people_surname on people (surname)")


def _v21_stories_count_their_keys(db: Database) -> None:
    """How many stories carry each key (``story_key_counts``): the grouping weighs a key by
    its rarity among all stories, not only those of nearby days."""
    from bot.store.stories import count_story_keys

    count_story_keys(db)


def _v22_briefed_stories(db: Database) -> None:
    """What each chat's briefings showed of each story (``briefing_stories``: its sources and
    quotes then), so a story returns only when it grew; and articles by ingestion time, the
    window a briefing reads."""
    from bot.store.stories import create_briefing_story_tables

    create_briefing_story_tables(db)


def _v23_person_follows_quiet_hours_and_alerts(db: Database) -> None:
    """People a chat follows, its quiet hours, and the alert log (``bot.store.alerts``)."""
    from bot.store.alerts import create_alert_tables

    create_alert_tables(db)


def _v24_story_sources_by_ingestion_time(db: Database) -> None:
    """Articles by ingestion time with their story, source, date and quotes in one covering
    index: a briefing counts the sources of its window's stories without reading the rows."""
    db.execute(
        "create index if not exists articles_ingested_story "
        "on articles (ingested_at, story_id, source, date, n_quotes)"
    )


def _v25_no_count_of_stories_per_day(db: Database) -> None:
    """``story_days`` (migration 16), the number of stories of each day, is dropped: nothing
    has read it since rarity is read among all stories (``story_key_counts``, migration 21),
    and keeping it cost each grouped article a write, and a read when it joined a story of
    several days."""
    db.execute("drop table if exists story_days")


#: Append new migrations at the end; never edit one that has shipped.
MIGRATIONS: list[Migration] = [
    _v1_articles_and_chats,
    _v2_feeds_and_sources,
    _v3_subscriptions_and_deliveries,
    _v4_quote_search_index,
    _v5_list_indexes,
    _v6_quote_trigram_index,
    _v7_article_cards_index,
    _v8_quote_pair_index,
    _v9_quote_terms_index,
    _v10_article_search_written_by_the_store,
    _v11_article_search_reindexed_on_title_and_body,
    _v12_paragraphs_in_the_article_row,
    _v13_full_text_pending_terms_of_a_run,
    _v14_speakers_without_a_person,
    _v15_group_rows_without_a_speakers_name,
    _v16_stories_of_articles,
    _v17_chat_reachability_and_forum_topic,
    _v18_channel_admins,
    _v19_feed_entries_left_for_later,
    _v20_people_by_surname,
    _v21_stories_count_their_keys,
    _v22_briefed_stories,
    _v23_person_follows_quiet_hours_and_alerts,
    _v24_story_sources_by_ingestion_time,
    _v25_no_count_of_stories_per_day,
]


def schema_version(db: Database) -> int:
    if "meta" not in db.table_names():
        return 0
    row = db.execute("select value from meta where key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def migrate(db: Database, upto: int | None = None) -> int:
    """Apply every migration newer than the file's version (up to number ``upto`` when
    given, for tests that build an older store); returns the resulting version."""
    last = len(MIGRATIONS) if upto is None else upto
    current = schema_version(db)
    for number, migration in enumerate(MIGRATIONS[:last], start=1):
        if number > current:
            _apply(db, number, migration)
    return max(current, last)


def _apply(db: Database, number: int, migration: Migration) -> None:
    """Migration ``number`` and its version stamp in one transaction, or neither."""
    conn = db.conn
    conn.execute("begin immediate")
    try:
        # Another process may have migrated while this one waited for the write lock.
        if schema_version(db) < number:
            conn.execute("create table if not exists meta (key text primary key, value text)")
            migration(Database(_InTransaction(conn)))
            conn.execute(
                "insert into meta (key, value) values ('schema_version', ?) "
                "on conflict(key) do update set value = excluded.value",
                [str(number)],
            )
    except BaseException:
        conn.rollback()
        raise
    conn.commit()


class _InTransaction:
    """The connection a migration sees: sqlite-utils' own ``with conn:`` blocks and
    ``executescript`` would commit the migration's transaction half-way; here they join it.

    Everything else is the real connection's."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def __enter__(self) -> _InTransaction:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        return False  # an error propagates to _apply, which rolls the whole migration back

    def commit(self) -> None:
        """Committed by ``_apply`` with the version stamp."""

    def executescript(self, script: str) -> sqlite3.Cursor:
        cursor = self._conn.cursor()
        for statement in _statements(script):
            cursor.execute(statement)
        return cursor


def _statements(script: str) -> Iterator[str]:
    """The statements of an SQL script, whole (a trigger's body holds semicolons too)."""
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \t\n;"):
                yield pending
            pending = ""
    if pending.strip(" \t\n;"):
        yield pending
