"""Stories: the articles about one event, grouped as they are saved (``bot.grouping``).

Each article row carries its ``story_id`` and the keys it was grouped by. A story row keeps
its days, its size and, for each key, how many of its articles carry it; ``story_keys`` finds
the stories of nearby days sharing a key with a new article, and ``story_key_counts`` counts
the stories carrying each key (how rare a key is among them). Writes run inside the caller's
transaction (``ArticleStore.save``): an article and its place in a story stand or fall together.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypedDict, cast

from sqlite_utils import Database

from bot.grouping import (
    LEAD_CHARS,
    ArticleKeys,
    Candidate,
    article_keys,
    choose_story,
    rarities,
    window_days,
)
from bot.parsing.model import ParsedArticle
from bot.store.rows import DirectQuote, Story, StoryArticle, StoryCard, StoryMember, StoryPerson

log = logging.getLogger(__name__)

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

#: Stories compared in full with a new article: those sharing the most rare keys with it.
MAX_CANDIDATES = 6
#: Keys a story keeps, its most common: a key few of a big story's articles carry adds
#: almost nothing to a match, and every key kept is read again for each new article.
MAX_STORY_KEYS = 150
#: A key in more stories than this (or than one in twenty) finds no candidates by itself (it
#: is too common to tell them apart, and its stories are many rows); it still counts in the
#: score.
MAX_KEY_STORIES = 300
#: Keys of an article that look for its candidate stories (its rarest, heaviest), and the
#: fewest stories a finder may be in (in a young store every key is in few stories).
FINDERS = 10
MIN_FINDER_STORIES = 30
#: The row of ``story_key_counts`` that counts the stories themselves.
ALL_STORIES = ""

TABLES = (
    "create table stories (id integer primary key, title text not null, first_day text not null, "
    "last_day text not null, first_seen text not null, last_seen text not null, "
    "n_articles integer not null default 0, keys text not null default '{}')",
    "create index stories_last_day on stories (last_day)",
    "create table story_keys (key text not null, day text not null, story_id integer not null, "
    "primary key (key, day, story_id)) without rowid",
    "create index story_keys_story on story_keys (story_id, day)",
    "create table story_days (day text primary key, stories integer not null) without rowid",
    "alter table articles add column story_id integer",
    "alter table articles add column story_day text",
    "alter table articles add column story_keys text",
    "create index articles_story on articles (story_id)",
)


def create_story_tables(db: Database) -> None:
    for statement in TABLES:
        db.execute(statement)


def count_story_keys(db: Database) -> None:
    """``story_key_counts``, filled from the stories' own key counts: how many stories carry
    each key, and (key ``ALL_STORIES``) how many stories there are."""
    for statement in (
        "create table if not exists story_key_counts (key text primary key, "
        "stories integer not null) without rowid",
        "delete from story_key_counts",
        "insert into story_key_counts (key, stories) select j.key, count(*) "
        "from stories s, json_each(s.keys) j group by j.key",
    ):
        db.execute(statement)
    db.execute(
        "insert into story_key_counts (key, stories) select ?, count(*) from stories",
        [ALL_STORIES],
    )


@dataclass(frozen=True, slots=True)
class _Story:
    """A story's row as grouping reads it: its days, times, size and key counts."""

    first_day: str
    last_day: str
    first_seen: str
    last_seen: str
    n_articles: int
    counts: dict[str, int]


class StoryStore:
    """Grouping writes (called by ``ArticleStore``) and the reads views need."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- grouping (inside the article's transaction) ------------------------------------------

    def assign(self, article: ArticleKeys, title: str, seen_at: str) -> int:
        """The story the article joins (or a new one), updated with it; its id."""
        found = self._find(article)
        keys = list(article.keys)
        execute = self.db.execute
        story_id: int
        if found is None:
            story_id = execute(
                "insert into stories (title, first_day, last_day, first_seen, last_seen, "
                "n_articles, keys) values (?, ?, ?, ?, ?, 1, ?)",
                [title, article.day, article.day, seen_at, seen_at, _dump(dict.fromkeys(keys, 1))],
            ).lastrowid
            new_keys = [ALL_STORIES, *keys]
            day_keys = keys
        else:
            story_id, story = found
            counts = Counter(story.counts)
            new_keys = [key for key in keys if key not in counts]
            # Every key a story of one day counts was stored for that day by the article that
            # brought it: only the others are new rows of ``story_keys`` on that same day.
            same_day = story.first_day == story.last_day == article.day
            day_keys = new_keys if same_day else keys
            counts.update(keys)
            if len(counts) > MAX_STORY_KEYS:
                kept = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_STORY_KEYS])
                self._count_keys([key for key in counts if key not in kept], -1)
                counts = Counter(kept)
            execute(
                "update stories set first_day = ?, last_day = ?, first_seen = ?, last_seen = ?, "
                "n_articles = ?, keys = ? where id = ?",
                [
                    min(story.first_day, article.day),
                    max(story.last_day, article.day),
                    min(story.first_seen, seen_at),
                    max(story.last_seen, seen_at),
                    story.n_articles + 1,
                    _dump(counts),
                    story_id,
                ],
            )
        if day_keys:
            self.db.conn.executemany(
                "insert or ignore into story_keys (key, day, story_id) values (?, ?, ?)",
                [(key, article.day, story_id) for key in day_keys],
            )
        self._count_keys(new_keys, 1)
        return story_id

    def _count_keys(self, keys: list[str], change: int) -> None:
        """How many stories carry each key (``ALL_STORIES``: how many stories there are)."""
        if keys:
            self.db.conn.executemany(
                "insert into story_key_counts (key, stories) values (?, ?) on conflict (key) "
                "do update set stories = max(stories + excluded.stories, 0)",
                [(key, change) for key in keys],
            )

    def _find(self, article: ArticleKeys) -> tuple[int, _Story] | None:
        """The story the article joins with that story's row as read to choose it (so
        ``assign`` updates it without reading it again), or None."""
        keys = list(article.keys)
        if not keys:
            return None
        low, high = window_days(article.day)
        wanted = [ALL_STORIES, *keys]
        marks = ",".join("?" * len(wanted))
        execute = self.db.execute
        df = dict(
            execute(
                f"select key, stories from story_key_counts where key in ({marks})", wanted
            ).fetchall()
        )
        total = df.pop(ALL_STORIES, 0)
        if not df:
            return None
        key_rarity = rarities(keys, df, total)
        # The rarest heavy keys find the candidates: few rows to read, and a story sharing
        # none of them could not reach the score anyway.
        common = max(MIN_FINDER_STORIES, min(MAX_KEY_STORIES, total // 20))
        finders = sorted(
            (key for key, n in df.items() if 0 < n <= common),
            key=lambda key: -key_rarity[key] * article.keys[key],
        )[:FINDERS]
        if not finders:
            return None
        marks = ",".join("?" * len(finders))
        evidence: dict[int, float] = {}
        for key, story_id in execute(
            f"select key, story_id from story_keys where key in ({marks}) and day between ? and ?",
            [*finders, low, high],
        ):
            evidence[story_id] = evidence.get(story_id, 0.0) + key_rarity[key] * article.keys[key]
        best = sorted(evidence, key=lambda story_id: -evidence[story_id])[:MAX_CANDIDATES]
        marks = ",".join("?" * len(best))
        stories = {
            row[0]: _Story(row[1], row[2], row[3], row[4], row[5], json.loads(row[6]))
            for row in execute(
                "select id, first_day, last_day, first_seen, last_seen, n_articles, keys "
                f"from stories where id in ({marks}) order by id",
                best,
            )
        }
        candidates = [
            Candidate(story_id, story.first_day, story.last_day, story.n_articles, story.counts)
            for story_id, story in stories.items()
        ]
        chosen = choose_story(article, candidates, key_rarity)
        return None if chosen is None else (chosen, stories[chosen])

    def detach(self, article_id: int) -> None:
        """Take an article out of its story (before it is replaced or deleted); a story left
        without articles is deleted."""
        row = self.db.execute(
            "select story_id, story_keys from articles where id = ?", [article_id]
        ).fetchone()
        if not row or row[0] is None:
            return
        story_id, keys = row[0], json.loads(row[1] or "{}")
        story = self.db.execute(
            "select n_articles, keys from stories where id = ?", [story_id]
        ).fetchone()
        if story is None:
            return
        if story[0] <= 1:
            self.db.execute("delete from story_keys where story_id = ?", [story_id])
            self.db.execute("delete from stories where id = ?", [story_id])
            self._count_keys([ALL_STORIES, *json.loads(story[1])], -1)
        else:
            counts = Counter(json.loads(story[1]))
            counts.subtract(keys)
            left = {key: n for key, n in counts.items() if n > 0}
            self._count_keys([key for key in counts if key not in left], -1)
            self.db.execute(
                "update stories set n_articles = n_articles - 1, keys = ? where id = ?",
                [_dump(left), story_id],
            )
        self.db.execute(
            "update articles set story_id = null, story_keys = null where id = ?", [article_id]
        )

    # -- briefings ----------------------------------------------------------------------------

    def in_window(self, start: str, end: str) -> list[int]:
        """Stories with an article ingested in (start, end] (ISO times, UTC)."""
        return [
            row[0]
            for row in self.db.execute(
                "select distinct story_id from articles indexed by articles_ingested "
                "where ingested_at > ? and ingested_at <= ? and story_id is not null",
                [start, end],
            )
        ]

    def members(self, story_ids: list[int], latest: int | None = None) -> list[StoryMember]:
        """The articles of these stories (of one story, its ``latest`` newest only), with the
        columns ranking and showing them needs."""
        columns = "id, story_id, title, date, source, url, summary, n_quotes, ingested_at"
        if latest is not None and len(story_ids) == 1:
            return cast(
                list[StoryMember],
                list(
                    self.db.query(
                        f"select {columns} from articles indexed by articles_story "
                        "where story_id = ? order by id desc limit ?",
                        [story_ids[0], latest],
                    )
                ),
            )
        found: list[StoryMember] = []
        for chunk in _chunks(story_ids):
            marks = ",".join("?" * len(chunk))
            found += cast(
                Iterator[StoryMember],
                self.db.query(
                    f"select {columns} from articles indexed by articles_story "
                    f"where story_id in ({marks})",
                    chunk,
                ),
            )
        return found

    def by_source(self, since: str, start: str, end: str) -> list[tuple[int, str, str, str, int]]:
        """(story id, source, latest ingestion, latest date, quotes) for each source of the
        stories with an article ingested in (start, end], counting their articles ingested
        in (since, end]: one pass over the articles by ingestion time, however long the
        stories have run."""
        rows: list[tuple[int, str, str, str, int]] = self.db.execute(
            "select story_id, coalesce(source, ''), max(ingested_at), max(date), sum(n_quotes) "
            "from articles indexed by articles_ingested_story where ingested_at > ? "
            "and ingested_at <= ? and story_id is not null group by story_id, source "
            "having story_id in (select story_id from articles indexed by articles_ingested "
            "where ingested_at > ? and ingested_at <= ?)",
            [since, end, start, end],
        ).fetchall()
        return rows

    def remember_sent(self, chat_id: int, day: str, sizes: list[tuple[int, int, int]]) -> None:
        """What a chat's briefing of ``day`` showed: (story id, sources, quotes) each, so a
        later briefing shows the story again only when it grew."""
        if not sizes:
            return
        with self.db.conn:
            self.db.conn.executemany(
                "insert or replace into briefing_stories (chat_id, day, story_id, sources, "
                "quotes) values (?, ?, ?, ?, ?)",
                [(chat_id, day, *size) for size in sizes],
            )

    def sent_sizes(self, chat_id: int, since: str, before: str) -> dict[int, tuple[int, int]]:
        """{story id: (sources, quotes)} as last shown to the chat in briefings of days from
        ``since`` up to (not including) ``before``."""
        return {
            row[0]: (row[1], row[2])
            for row in self.db.execute(
                "select story_id, max(sources), max(quotes) from briefing_stories "
                "where chat_id = ? and day >= ? and day < ? group by story_id",
                [chat_id, since, before],
            )
        }

    # -- reading ------------------------------------------------------------------------------

    def followed_in_window(
        self, start: str, end: str, topic_ids: frozenset[int], person_ids: frozenset[int]
    ) -> set[int]:
        """Stories with an article ingested in (start, end] on one of the topics or naming one
        of the people (the window's articles, by ingestion time, each probed in the link
        table)."""
        found: set[int] = set()
        for table, column, ids in (
            ("article_topics", "topic_id", topic_ids),
            ("article_people", "person_id", person_ids),
        ):
            if not ids:
                continue
            marks = ",".join("?" * len(ids))
            found.update(
                row[0]
                for row in self.db.execute(
                    "select distinct a.story_id from articles a indexed by articles_ingested "
                    f"join {table} x on x.article_id = a.id and x.{column} in ({marks}) "
                    "where a.ingested_at > ? and a.ingested_at <= ? and a.story_id is not null",
                    [*ids, start, end],
                )
            )
        return found

    def direct_quotes(self, article_ids: list[int]) -> list[DirectQuote]:
        """The direct quotes with a named speaker of these articles."""
        marks = ",".join("?" * len(article_ids))
        return cast(
            list[DirectQuote],
            list(
                self.db.query(
                    "select id, article_id, person_id, speaker, speaker_role, text, kind "
                    "from quotes "
                    f"where article_id in ({marks}) and kind = 'direct' and speaker is not null",
                    article_ids,
                )
            ),
        )

    def top_topics(self, article_ids: list[int], limit: int = 4) -> list[str]:
        """The topics most of these articles share, best ranked first."""
        marks = ",".join("?" * len(article_ids))
        return [
            row[0]
            for row in self.db.execute(
                "select t.name from article_topics at join topics t on t.id = at.topic_id "
                f"where at.article_id in ({marks}) group by t.id "
                "order by count(*) desc, min(at.rank), t.name limit ?",
                [*article_ids, limit],
            )
        ]

    def latest(self, limit: int = 5, offset: int = 0) -> list[StoryCard]:
        """Stories by their newest article, newest first (id, title, articles, last seen)."""
        return cast(
            list[StoryCard],
            list(
                self.db.query(
                    "select id, title, n_articles, first_day, last_day, last_seen from stories "
                    "order by last_seen desc, id desc limit ? offset ?",
                    [limit, offset],
                )
            ),
        )

    def count(self) -> int:
        return int(self.db.execute("select count(*) from stories").fetchone()[0])

    def sizes(self, story_ids: list[int]) -> dict[int, tuple[int, int]]:
        """{story id: (articles, sources)}; an article's several sources count apart."""
        articles: Counter[int] = Counter()
        sources: dict[int, set[str]] = {}
        for article in self.members(list(dict.fromkeys(story_ids))):
            story_id = article["story_id"]
            articles[story_id] += 1
            names = {n.strip().casefold() for n in (article["source"] or "").split(",")}
            sources.setdefault(story_id, set()).update(names - {""})
        return {k: (n, len(sources[k]) or 1) for k, n in articles.items()}

    def since(self, day: str | None = None) -> list[dict[str, Any]]:
        """Every story with an article of ``day`` or later (all stories when None), oldest
        first, with its articles: what ``newsbot stories`` prints."""
        ids = [
            row[0]
            for row in self.db.execute(
                "select id from stories where last_day >= ? order by first_day, id", [day or ""]
            )
        ]
        by_story: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
        for article in self.db.query(
            "select id, story_id, slug, title, path, url, source, date, n_quotes from articles "
            "where story_id in (select id from stories where last_day >= ?) "
            "order by coalesce(date, ingested_at), id",
            [day or ""],
        ):
            by_story.setdefault(article["story_id"], []).append(article)
        titles = dict(
            self.db.execute(
                "select id, title from stories where last_day >= ?", [day or ""]
            ).fetchall()
        )
        return [
            {"id": story_id, "title": titles.get(story_id, ""), "articles": by_story[story_id]}
            for story_id in ids
        ]

    def story_of(self, article_id: int) -> int | None:
        """The id of the story an article belongs to (None for an unknown article)."""
        row = self.db.execute("select story_id from articles where id = ?", [article_id]).fetchone()
        return row[0] if row else None

    def get(self, story_id: int) -> Story | None:
        """A story with its articles (oldest first), sources, people quoted, topics, quote
        counts and first and last seen; None when there is no such story."""
        row = self.db.execute(
            "select id, title, first_day, last_day, first_seen, last_seen from stories "
            "where id = ?",
            [story_id],
        ).fetchone()
        if row is None:
            return None
        articles = cast(
            list[StoryArticle],
            list(
                self.db.query(
                    "select id, slug, title, date, source, url, path, summary, n_quotes, "
                    "ingested_at "
                    "from articles where story_id = ? order by coalesce(date, ingested_at), id",
                    [story_id],
                )
            ),
        )
        ids = [a["id"] for a in articles]
        marks = ",".join("?" * len(ids))
        people = cast(
            list[StoryPerson],
            list(
                self.db.query(
                    "select p.id, p.name, count(*) as quotes, "
                    "sum(q.kind is not 'indirect') as direct from quotes q "
                    f"join people p on p.id = q.person_id where q.article_id in ({marks}) "
                    "group by p.id order by direct desc, quotes desc, p.name",
                    ids,
                )
            ),
        )
        topics = [
            r[0]
            for r in self.db.execute(
                "select t.name from article_topics at join topics t on t.id = at.topic_id "
                f"where at.article_id in ({marks}) group by t.id "
                "order by count(*) desc, min(at.rank), t.name",
                ids,
            )
        ]
        return {
            "id": row[0],
            "title": row[1],
            "first_day": row[2],
            "last_day": row[3],
            "first_seen": row[4],
            "last_seen": row[5],
            "articles": articles,
            "sources": sources_of(articles),
            "people": people,
            "topics": topics,
            "quotes": sum(a["n_quotes"] or 0 for a in articles),
        }


def article_day(date: str | None, ingested_at: str) -> str:
    """The day an article is grouped on: its own date, else the day it was ingested."""
    if date and len(date) >= 10 and _ISO_DAY.fullmatch(date[:10]):
        return date[:10]
    return ingested_at[:10]


def keys_of_parsed(parsed: ParsedArticle, body: str, ingested_at: str) -> ArticleKeys:
    return article_keys(
        article_day(parsed.date, ingested_at),
        parsed.title or "",
        body[:LEAD_CHARS],
        [p.name for p in parsed.people],
        parsed.places,
        parsed.organisations,
        [q.text for q in parsed.quotes if q.kind != "indirect"],
    )


#: The one-off grouping of an upgraded store logs its progress every this many articles
#: (at 100,000 articles it runs for minutes, before the bot answers anyone).
GROUPING_PROGRESS_EVERY = 5000


def group_existing(db: Database) -> None:
    """Group the articles of a store saved before stories existed, oldest day first, from
    what their rows keep (title, start of the body, names, quotes: the same keys a new
    article's parse gives)."""
    count_story_keys(db)  # grouping reads and keeps these counts
    stories = StoryStore(db)
    rows = db.execute(
        "select id, title, date, ingested_at, substr(body, 1, ?) from articles "
        "order by coalesce(substr(date, 1, 10), substr(ingested_at, 1, 10)), id",
        [LEAD_CHARS],
    ).fetchall()
    if rows:
        log.info("grouping the %d stored articles into stories (once, on upgrade)", len(rows))
    for done, (article_id, title, date, ingested_at, lead) in enumerate(rows, 1):
        if done % GROUPING_PROGRESS_EVERY == 0:
            log.info("grouped %d of %d articles into stories", done, len(rows))
        people = [
            r[0]
            for r in db.execute(
                "select p.name from article_people ap join people p on p.id = ap.person_id "
                "where ap.article_id = ?",
                [article_id],
            )
        ]
        entities: dict[str, list[str]] = {"place": [], "organisation": []}
        for kind, name in db.execute(
            "select e.kind, e.name from article_entities ae join entities e "
            "on e.id = ae.entity_id where ae.article_id = ?",
            [article_id],
        ):
            entities.setdefault(kind, []).append(name)
        quotes = [
            r[0]
            for r in db.execute(
                "select text from quotes where article_id = ? and kind != 'indirect' "
                "order by start",
                [article_id],
            )
        ]
        keys = article_keys(
            article_day(date, ingested_at),
            title or "",
            lead or "",
            people,
            entities["place"],
            entities["organisation"],
            quotes,
        )
        story_id = stories.assign(keys, title or "", ingested_at)
        db.execute(
            "update articles set story_id = ?, story_day = ?, story_keys = ? where id = ?",
            [story_id, keys.day, _dump(keys.keys), article_id],
        )


class _Sourced(TypedDict):
    source: str | None


def sources_of(articles: Iterable[_Sourced]) -> list[str]:
    """The distinct source names of some articles, in order of first appearance (an article's
    ``source`` may list several, comma-separated, when feeds carried it more than once)."""
    names: dict[str, None] = {}
    for article in articles:
        for name in (article.get("source") or "").split(","):
            if name.strip():
                names.setdefault(name.strip(), None)
    return list(names)


def _chunks(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def create_briefing_story_tables(db: Database) -> None:
    db.execute(
        "create table briefing_stories (chat_id integer not null, day text not null, "
        "story_id integer not null, sources integer not null, quotes integer not null, "
        "primary key (chat_id, story_id, day)) without rowid"
    )
    db.execute("create index if not exists articles_ingested on articles (ingested_at)")


def _dump(counts: Mapping[str, float]) -> str:
    return json.dumps(counts, ensure_ascii=False, separators=(",", ":"))
