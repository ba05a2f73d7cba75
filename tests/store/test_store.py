"""The SQLite store: saving, replacing, reading back, migrations, and broken files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.parsing import parse_article
from bot.store import Store, StoreError
from bot.store.schema import MIGRATIONS, schema_version
from tests.conftest import make_article, store_before


def test_new_database_is_migrated_to_the_latest_version(store: Store) -> None:
    assert schema_version(store.db) == len(MIGRATIONS)
    assert {"articles", "quotes", "people", "topics", "chats"} <= set(store.db.table_names())


def test_database_uses_wal_journal(store: Store) -> None:
    assert store.db.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_saved_article_reads_back_with_quotes_people_and_topics(store: Store) -> None:
    parsed = make_article(
        quotes=[("The idea is hanging in the air.", "Yuri Ushakov")],
        people=[("Yuri Ushakov", "aide to the President of Russia")],
        topics=["Ukraine", "ceasefire"],
    )
    result = store.articles.save(parsed, slug="a1", content_hash="h1", text="x" * 200)
    assert result.status == "added"
    article = store.articles.get(result.article_id)
    assert article["title"] == "Leaders talk peace"
    assert article["n_quotes"] == 1
    quotes = store.articles.quotes_of_article(result.article_id)
    assert quotes[0]["speaker"] == "Yuri Ushakov"
    assert quotes[0]["person_id"] is not None
    person = store.articles.person(quotes[0]["person_id"])
    assert person["role"] == "aide to the President of Russia"
    assert store.articles.topics_of(result.article_id) == ["Ukraine", "Ceasefire"]


def test_unchanged_content_is_not_rewritten(store: Store) -> None:
    parsed = make_article(quotes=[("One two three four.", "Ann Lee")])
    first = store.articles.save(parsed, slug="a1", content_hash="same", text="t")
    second = store.articles.save(parsed, slug="a1", content_hash="same", text="t")
    assert second.status == "unchanged"
    assert second.article_id == first.article_id
    assert store.db.execute("select count(*) from quotes").fetchone()[0] == 1


def test_edited_content_replaces_the_articles_rows(store: Store) -> None:
    store.articles.save(
        make_article(quotes=[("Old words here.", "Ann Lee")]),
        slug="a1",
        content_hash="v1",
        text="t",
    )
    result = store.articles.save(
        make_article(title="New title", quotes=[("New words here now.", "Bob Ray")]),
        slug="a1",
        content_hash="v2",
        text="t",
    )
    assert result.status == "updated"
    assert store.articles.count() == 1
    texts = [q["text"] for q in store.articles.quotes_of_article(result.article_id)]
    assert texts == ["New words here now."]


def test_same_topic_in_two_articles_counts_once(store: Store) -> None:
    store.articles.save(make_article(topics=["Ukraine"]), slug="a", content_hash="1", text="t")
    store.articles.save(make_article(topics=["ukraine"]), slug="b", content_hash="2", text="t")
    counts = store.articles.topic_counts()
    assert [(c["name"], c["n_articles"]) for c in counts] == [("Ukraine", 2)]


def test_deleting_an_article_removes_its_quotes_and_links(store: Store) -> None:
    result = store.articles.save(
        make_article(quotes=[("Words to delete soon.", "Ann Lee")], topics=["Energy"]),
        slug="a",
        content_hash="1",
        text="t",
    )
    store.articles.delete(result.article_id)
    for table in ("articles", "quotes", "article_topics", "article_entities"):
        assert store.db.execute(f"select count(*) from {table}").fetchone()[0] == 0
    assert store.articles.paragraphs_of(result.article_id) == []


def test_reopening_keeps_data(db_path: Path) -> None:
    first = Store.open(db_path)
    first.articles.save(make_article(), slug="a", content_hash="1", text="t")
    first.close()
    again = Store.open(db_path)
    assert again.articles.count() == 1
    again.close()


def test_corrupt_file_gives_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError) as error:
        Store.open(broken)
    assert str(broken) in str(error.value)


def test_failed_save_leaves_previous_version(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    store.articles.save(
        make_article(quotes=[("Keep these words please.", "Ann Lee")]),
        slug="a",
        content_hash="1",
        text="t",
    )

    def explode(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("disk full")

    monkeypatch.setattr(store.articles, "_save_children", explode)
    with pytest.raises(sqlite3.OperationalError):
        store.articles.save(
            make_article(quotes=[("Other words.", "Bob")]), slug="a", content_hash="2", text="t"
        )
    quotes = store.db.execute("select text from quotes").fetchall()
    assert quotes == [("Keep these words please.",)]
    assert store.articles.by_slug("a")["content_hash"] == "1"


def test_people_with_the_same_key_link_once_with_the_last_ones_role(store: Store) -> None:
    parsed = make_article(people=[("Ann Lee", "mayor"), ("ann  lee", "senator")])
    saved = store.articles.save(parsed, slug="a1", content_hash="h1", text="t")
    links = store.db.execute(
        "select role from article_people where article_id = ?", [saved.article_id]
    ).fetchall()
    assert links == [("senator",)]


def _found(store: Store, word: str) -> list[int]:
    return [
        row[0]
        for row in store.db.execute(
            "select rowid from articles_fts where articles_fts match ? order by rowid", [word]
        )
    ]


def test_a_store_from_before_migration_10_keeps_its_articles_findable(tmp_path: Path) -> None:
    """Migration 10 drops the insert trigger of ``articles_fts``: the articles it indexed stay
    found, new ones are indexed by ``save`` (once: the index matches its content)."""
    path = tmp_path / "v9.db"
    with store_before(path, "_v10_article_search_written_by_the_store") as store:
        store.db.execute(
            "insert into articles (id, slug, title, body, content_hash, ingested_at) "
            "values (1, 'a', 'Turnips', 'the harbour tax', 'h', 'now')"
        )
        store.db.conn.commit()
    store = Store.open(path)
    assert schema_version(store.db) == len(MIGRATIONS)
    triggers = {name for (name,) in store.db.execute("select name from sqlite_master")}
    assert "articles_ai" not in triggers
    assert {"articles_ad", "articles_au"} <= triggers
    assert _found(store, "turnips") == [1]
    saved = store.articles.save(
        make_article(title="Harbour news"), slug="b", content_hash="h2", text="Harbour news\nx"
    )
    assert _found(store, "harbour") == [1, saved.article_id]
    store.articles.save(
        make_article(title="Parsnip news"), slug="b", content_hash="h3", text="Parsnip news\nx"
    )
    assert _found(store, "harbour") == [1]
    assert _found(store, "parsnip") == [saved.article_id]
    store.db.execute("insert into articles_fts (articles_fts, rank) values ('integrity-check', 1)")
    store.close()


def test_paragraphs_read_back_with_their_sections(store: Store) -> None:
    text = "Title\nFirst paragraph here.\n\nPrices\n\nSecond one, under a heading."
    parsed = parse_article(text)
    saved = store.articles.save(parsed, slug="p", content_hash="h", text=text)
    assert store.articles.paragraphs_of(saved.article_id) == [
        {"idx": p.index, "section": p.section, "text": p.text} for p in parsed.paragraphs
    ]
    assert [p["section"] for p in store.articles.paragraphs_of(saved.article_id)] == [
        None,
        "Prices",
    ]


def test_a_paragraph_that_is_not_part_of_the_body_keeps_its_text(store: Store) -> None:
    parsed = make_article()
    parsed.paragraphs[0].text = "Not in the body."
    saved = store.articles.save(parsed, slug="p", content_hash="h", text="t" * 80)
    assert store.articles.paragraphs_of(saved.article_id) == [
        {"idx": 0, "section": None, "text": "Not in the body."}
    ]


def test_a_store_from_before_migration_12_keeps_its_paragraphs(tmp_path: Path) -> None:
    """Migration 12 moves the ``paragraphs`` table into the articles' rows and drops it,
    leaving the article search index alone (migration 11: its trigger fires on title and body
    only)."""
    path = tmp_path / "v10.db"
    with store_before(path, "_v11_article_search_reindexed_on_title_and_body") as store:
        for article_id in (1, 2, 3):
            store.db.execute(
                "insert into articles (id, slug, title, body, content_hash, ingested_at) "
                "values (?, ?, 'T', 'body', 'h', 'now')",
                [article_id, f"a{article_id}"],
            )
            store.db.execute(  # as save did at version 10
                "insert into articles_fts (rowid, title, body) values (?, 'T', 'body')",
                [article_id],
            )
        store.db.conn.executemany(
            "insert into paragraphs (article_id, idx, section, text) values (?, ?, ?, ?)",
            [(1, 1, "Prices", "Second."), (1, 0, None, "First."), (2, 0, None, "Only.")],
        )
        store.db.conn.commit()
    store = Store.open(path)
    assert "paragraphs" not in store.db.table_names()
    assert store.articles.paragraphs_of(1) == [
        {"idx": 0, "section": None, "text": "First."},
        {"idx": 1, "section": "Prices", "text": "Second."},
    ]
    assert store.articles.paragraphs_of(2) == [{"idx": 0, "section": None, "text": "Only."}]
    assert store.articles.paragraphs_of(3) == []
    segments = store.db.execute("select count(*) from articles_fts_data").fetchone()
    store.db.execute("insert into articles_fts (articles_fts, rank) values ('integrity-check', 1)")
    assert _found(store, "body") == [1, 2, 3]
    store.db.execute("update articles set source = 'S' where id = 1")
    assert store.db.execute("select count(*) from articles_fts_data").fetchone() == segments
    store.close()
