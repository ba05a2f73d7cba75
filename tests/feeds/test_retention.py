"""Pruning: old articles go with their quotes, topic links and sources; recent ones stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.feeds.intake import store_page
from bot.feeds.pages import PageArticle
from bot.feeds.retention import prune
from bot.ingest import ingest_text
from bot.store import Store
from tests.conftest import SEEDS


def ingest_seed(store: Store, name: str) -> int:
    path = SEEDS / name
    return ingest_text(store, path.read_text(encoding="utf-8"), slug=path.stem).article_id


def age(store: Store, article_id: int, days: int) -> None:
    stamp = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")
    with store.db.conn:
        store.db.execute("update articles set ingested_at = ? where id = ?", [stamp, article_id])


def count(store: Store, sql: str, *params: object) -> int:
    return store.db.execute(sql, list(params)).fetchone()[0]


def test_articles_older_than_the_retention_period_are_pruned(store: Store) -> None:
    old = ingest_seed(store, "003_sample_ceasefire_talks.txt")
    new = ingest_seed(store, "001_sample_energy_grid.txt")
    age(store, old, 31)
    assert count(store, "select count(*) from quotes where article_id = ?", old) > 0
    assert prune(store, days=30) == 1
    assert store.articles.get(old) is None
    assert store.articles.get(new) is not None
    for table in ("quotes", "article_topics", "article_people"):
        assert count(store, f"select count(*) from {table} where article_id = ?", old) == 0
    assert store.articles.paragraphs_of(old) == []


def test_recent_articles_are_kept(store: Store) -> None:
    article = ingest_seed(store, "001_sample_energy_grid.txt")
    age(store, article, 29)
    assert prune(store, days=30) == 0
    assert store.articles.count() == 1


def test_people_and_topics_no_article_mentions_any_more_are_removed(store: Store) -> None:
    old = ingest_seed(store, "003_sample_ceasefire_talks.txt")
    kept = ingest_seed(store, "001_sample_energy_grid.txt")
    speakers_old = {q["speaker"] for q in store.articles.quotes_of_article(old) if q["speaker"]}
    assert speakers_old
    age(store, old, 40)
    prune(store, days=30)
    names = {row[0] for row in store.db.execute("select name from people")}
    assert not names & speakers_old
    assert (
        count(
            store,
            "select count(*) from topics where id not in (select topic_id from article_topics)",
        )
        == 0
    )
    assert set(store.articles.topics_of(kept)) <= {
        r[0] for r in store.db.execute("select name from topics")
    }


def test_sources_and_fingerprints_go_with_their_article(store: Store) -> None:
    text = " ".join(["The council approved the new budget after a long debate on Monday."] * 8)
    stored = store_page(store, PageArticle(url="https://news.example/a", text=text, title="Budget"))
    age(store, stored.article_id, 60)
    assert prune(store, days=30) == 1
    assert count(store, "select count(*) from article_sources") == 0
    assert count(store, "select count(*) from article_sketches") == 0


def test_a_topic_someone_follows_is_kept_when_its_articles_go(store: Store) -> None:
    old = ingest_seed(store, "003_sample_ceasefire_talks.txt")
    topic_id = store.db.execute(
        "select topic_id from article_topics where article_id = ? limit 1", [old]
    ).fetchone()[0]
    with store.db.conn:
        store.db.execute("create table keep_topic (topic_id integer references topics(id))")
        store.db.execute("insert into keep_topic values (?)", [topic_id])
    age(store, old, 40)
    prune(store, days=30)
    assert store.articles.topic(topic_id) is not None
