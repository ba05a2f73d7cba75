"""A migration killed at any statement leaves the store at its previous version; the next
start migrates again and finishes, with the old rows carried over."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from bot.store import Store, StoreError
from bot.store.connection import open_database
from bot.store.schema import MIGRATIONS, schema_version
from tests.conftest import store_before
from tests.faults.store.kill import KILLED, run_killed_at

#: Before migration 9 (the quote index rebuilt) the upgrade runs 9 to the last one, 12 (the
#: ALTER TABLE of issue 17) among them.
OLD = "_v9_quote_terms_index"


def _old_store(path: Path) -> None:
    """A store before ``OLD`` holding an article with two paragraphs and a quote, in the
    tables of that time (paragraph rows, not offsets)."""
    with store_before(path, OLD) as old, old.db.conn:
        execute = old.db.execute
        execute(
            "insert into articles (id, slug, title, date, content_hash, ingested_at, body) "
            "values (1, 'a1', 'Talks resume', '2026-01-02', 'h1', '2026-01-02T08:00:00+00:00', "
            "'The talks resumed today. Delegates arrived late.')"
        )
        execute(
            "insert into paragraphs (article_id, idx, section, text) values "
            "(1, 0, null, 'The talks resumed today.'), (1, 1, 'Later', 'Delegates arrived late.')"
        )
        execute("insert into people (id, name, key) values (1, 'Ada Lovelace', 'ada lovelace')")
        execute(
            "insert into quotes (id, article_id, person_id, speaker, text, kind) values "
            "(1, 1, 1, 'Ada Lovelace', 'The engine weaves algebraic patterns.', 'direct')"
        )


def _assert_upgraded_with_rows(path: Path) -> None:
    store = Store.open(path)
    try:
        assert schema_version(store.db) == len(MIGRATIONS)
        assert store.db.execute("pragma integrity_check").fetchone()[0] == "ok"
        paragraphs = store.articles.paragraphs_of(1)
        assert [(p["section"], p["text"]) for p in paragraphs] == [
            (None, "The talks resumed today."),
            ("Later", "Delegates arrived late."),
        ]
        found = store.db.execute(
            "select rowid from quote_terms where quote_terms match 'algebraic'"
        ).fetchall()
        assert found == [(1,)]
    finally:
        store.close()


def test_an_upgrade_killed_at_any_statement_opens_and_finishes_on_the_next_start(
    tmp_path: Path,
) -> None:
    old = tmp_path / "old.db"
    _old_store(old)
    work = tmp_path / "work.db"
    kills = 0
    for at in range(1, 10_000):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{work}{suffix}").unlink(missing_ok=True)
        shutil.copy(old, work)
        ended = run_killed_at(at, lambda: open_database(work).conn.close())
        if ended == 0:
            break
        assert ended == KILLED
        kills += 1
        _assert_upgraded_with_rows(work)
    else:
        raise AssertionError("the upgrade never finished")
    # Every statement of the upgrade was a kill point: far more than the migrations.
    assert kills > 2 * (len(MIGRATIONS) - 8)
    _assert_upgraded_with_rows(work)


def test_a_migration_that_fails_half_way_leaves_the_previous_version(tmp_path: Path) -> None:
    """The issue's case: migration 12's ALTER TABLE ran, then the next statement failed."""
    path = tmp_path / "newsbot.db"
    with store_before(path, "_v12_paragraphs_in_the_article_row"):
        pass
    conn = sqlite3.connect(path)
    conn.execute("drop table paragraphs")  # migration 12's update then fails on it
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="paragraphs"):
        open_database(path)
    conn = sqlite3.connect(path)
    columns = [row[1] for row in conn.execute("pragma table_info(articles)")]
    version = conn.execute("select value from meta where key = 'schema_version'").fetchone()[0]
    conn.close()
    assert "paragraphs" not in columns
    names = [migration.__name__ for migration in MIGRATIONS]
    assert int(version) == names.index("_v12_paragraphs_in_the_article_row")


def test_a_new_store_killed_while_it_is_created_opens_on_the_next_start(tmp_path: Path) -> None:
    """Migration 1 goes through sqlite-utils (whose helpers commit on their own elsewhere):
    killed at one statement in eleven of the whole creation, the next start completes it."""
    work = tmp_path / "new.db"
    kills = 0
    for at in range(1, 10_000, 11):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{work}{suffix}").unlink(missing_ok=True)
        ended = run_killed_at(at, lambda: open_database(work).conn.close())
        if ended == 0:
            break
        assert ended == KILLED
        kills += 1
        store = Store.open(work)
        try:
            assert schema_version(store.db) == len(MIGRATIONS)
            assert store.articles.count() == 0
        finally:
            store.close()
    else:
        raise AssertionError("creating the store never finished")
    assert kills > 10
