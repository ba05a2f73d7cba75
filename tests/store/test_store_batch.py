"""Bulk saves: many articles per transaction, each article still whole or absent."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from bot.ingest import ingest_paths
from bot.store import Store
from bot.store.articles import ArticleStore, ArticleToSave
from tests.conftest import make_article


def _article(n: int):
    return make_article(
        quotes=[(f"Quote number {n} is about the harbour tax.", "Jane Doe")],
        people=[("Jane Doe", "mayor")],
        topics=["Tax"],
    )


def _save(store: Store, n: int):
    return store.articles.save(_article(n), slug=f"a{n}", content_hash=f"h{n}", text="x" * 200)


def _indexed(store: Store, word: str) -> int:
    """Quotes the word index finds ``word`` in (a rolled-back article must leave none)."""
    return store.db.execute(
        "select count(*) from quote_terms where quote_terms match ?", [word]
    ).fetchone()[0]


def _count(path: Path, table: str) -> int:
    """Rows another connection sees: only what was committed."""
    other = Store.open(path)
    try:
        return other.db.execute(f"select count(*) from {table}").fetchone()[0]
    finally:
        other.close()


def test_batch_commits_every_max_articles_and_at_the_end(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = Store.open(path)
    with store.articles.batch(max_articles=3, max_seconds=3600):
        for n in range(4):
            _save(store, n)
        assert _count(path, "articles") == 3  # the fourth waits for the next commit
    assert _count(path, "articles") == 4
    assert _count(path, "quotes") == 4
    store.close()


def test_failing_article_in_a_batch_rolls_back_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.db"
    store = Store.open(path)
    real = ArticleStore._save_children

    def half_then_fail(self: ArticleStore, article_id: int, parsed) -> None:
        real(self, article_id, parsed)  # everything written, then the save fails
        if "number 1 " in parsed.quotes[0].text:
            raise RuntimeError("disk gone")

    monkeypatch.setattr(ArticleStore, "_save_children", half_then_fail)
    with store.articles.batch(max_articles=100):
        _save(store, 0)
        with pytest.raises(RuntimeError):
            _save(store, 1)
        _save(store, 2)
    assert [r[0] for r in store.db.execute("select slug from articles order by slug")] == [
        "a0",
        "a2",
    ]
    quotes = [r[0] for r in store.db.execute("select text from quotes order by id")]
    assert not any("number 1 " in q for q in quotes)
    # the failed article left nothing in the quote index either
    assert _indexed(store, "harbour") == 2
    store.close()


def _to_save(n: int) -> ArticleToSave:
    return ArticleToSave(_article(n), f"a{n}", f"h{n}", "x" * 200)


@pytest.mark.parametrize("in_batch", [True, False])
def test_save_all_saves_a_group_whole_and_answers_each(tmp_path: Path, in_batch: bool) -> None:
    path = tmp_path / "s.db"
    store = Store.open(path)
    _save(store, 1)
    with store.articles.batch() if in_batch else contextlib.nullcontext():
        results = store.articles.save_all([_to_save(n) for n in range(4)])
    assert [r.status for r in results] == ["added", "unchanged", "added", "added"]
    assert _count(path, "articles") == 4
    assert _count(path, "quotes") == 4
    store.close()


@pytest.mark.parametrize("in_batch", [True, False])
def test_a_failing_article_in_save_all_fails_alone_after_the_ones_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_batch: bool
) -> None:
    path = tmp_path / "s.db"
    store = Store.open(path)
    real = ArticleStore._save_children

    def half_then_fail(self: ArticleStore, article_id: int, parsed) -> None:
        real(self, article_id, parsed)
        if "number 2 " in parsed.quotes[0].text:
            raise RuntimeError("disk gone")

    monkeypatch.setattr(ArticleStore, "_save_children", half_then_fail)
    group = store.articles.batch() if in_batch else contextlib.nullcontext()
    with group, pytest.raises(RuntimeError):
        store.articles.save_all([_to_save(n) for n in range(4)])
    assert [r[0] for r in store.db.execute("select slug from articles order by slug")] == [
        "a0",
        "a1",
    ]
    assert _count(path, "quotes") == 2
    assert _indexed(store, "harbour") == 2
    store.close()


def test_leaving_a_batch_by_an_exception_keeps_the_whole_articles(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = Store.open(path)
    with pytest.raises(KeyboardInterrupt), store.articles.batch(max_articles=100):
        _save(store, 0)
        _save(store, 1)
        raise KeyboardInterrupt
    assert _count(path, "articles") == 2
    store.close()


def test_nested_batches_commit_once_at_the_outer_end(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = Store.open(path)
    with store.articles.batch(max_articles=100):
        with store.articles.batch(max_articles=1):
            _save(store, 0)
            _save(store, 1)
        assert _count(path, "articles") == 0
    assert _count(path, "articles") == 2
    store.close()


def test_save_outside_a_batch_commits_at_once(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = Store.open(path)
    _save(store, 0)
    assert _count(path, "articles") == 1
    store.close()


def test_ingesting_a_folder_commits_it_in_batches(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(120):
        (folder / f"story{n:03d}.txt").write_text(
            f'Story {n}\n\n"Number {n} matters," said Jane Doe, the mayor.\n', encoding="utf-8"
        )
    (folder / "broken.txt").write_bytes(b"\x00\x01\x02" * 100)
    store = Store.open(tmp_path / "s.db")
    report = ingest_paths(store, [folder])
    assert len(report.added) == 120
    assert [name for name, _ in report.failed] == [str(folder / "broken.txt")]
    assert _count(tmp_path / "s.db", "articles") == 120
    store.close()


def _segments(store: Store, table: str) -> int:
    """FTS5 segments of ``table`` (its ``_data`` row ids hold the segment id above bit 37)."""
    ids = {row_id >> 37 for (row_id,) in store.db.execute(f"select id from {table}_data")}
    return len(ids - {0})


def test_a_group_adds_one_segment_to_each_full_text_index(tmp_path: Path) -> None:
    """No statement of a save makes FTS5 write its pending terms (one segment per article,
    merged again and again): the group's terms go to disk together, when it ends."""
    store = Store.open(tmp_path / "s.db")
    for table in ("articles_fts", "quote_terms"):
        store.db.execute(f"insert into {table} ({table}, rank) values ('automerge', 0)")
    with store.articles.batch():
        store.articles.save_all([_to_save(n) for n in range(6)])
    assert _segments(store, "articles_fts") == 1
    assert _segments(store, "quote_terms") == 1
    assert store.db.execute(
        "select count(*) from articles_fts where articles_fts match 'leaders'"
    ).fetchone() == (6,)
    store.close()


def test_a_run_of_large_articles_is_still_one_segment(tmp_path: Path) -> None:
    """The indexes keep a run's terms in memory until it ends (migration 13), also when they
    are more than FTS5's default 1 MiB."""
    store = Store.open(tmp_path / "s.db")
    for table in ("articles_fts", "quote_terms"):
        store.db.execute(f"insert into {table} ({table}, rank) values ('automerge', 0)")
    words = [f"word{i}" for i in range(60_000)]  # distinct terms: well over 1 MiB of postings
    run = [ArticleToSave(_article(n), f"a{n}", f"h{n}", " ".join(words[n::4])) for n in range(4)]
    with store.articles.batch():
        store.articles.save_all(run)
    assert _segments(store, "articles_fts") == 1
    store.close()
