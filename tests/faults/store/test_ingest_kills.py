"""``newsbot ingest`` killed at any point of a folder: every article in the store is whole, the
store opens, and ingesting again stores exactly what an uninterrupted run stores."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot import ingest
from bot.ingest import ingest_paths
from bot.store import Store
from tests.conftest import SEEDS
from tests.faults.store.kill import KILLED, run_killed_at

#: Articles in the folder, saved two at a time and committed four at a time, so a kill falls
#: between commits, inside a group and inside a commit.
COPIES = 3


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    for copy in range(COPIES):
        for seed in sorted(SEEDS.glob("*.txt")):
            text = seed.read_text(encoding="utf-8")
            (folder / f"{copy}-{seed.name}").write_text(
                text.replace("\n\n", f"\n\nEdition {copy}.\n\n", 1), encoding="utf-8"
            )
    return folder


def _ingest(path: Path, folder: Path) -> None:
    store = Store.open(path)
    try:
        with store.articles.batch(max_articles=4):
            ingest_paths(store, [folder])
    finally:
        store.close()


def _contents(path: Path) -> dict[str, tuple[Any, ...]]:
    """Per slug: title, quote count as stored and as rows, topics and people linked."""
    conn = sqlite3.connect(path)
    try:
        return {
            row[0]: tuple(row[1:])
            for row in conn.execute(
                "select slug, title, n_quotes, "
                "(select count(*) from quotes q where q.article_id = a.id and kind != 'indirect'), "
                "(select count(*) from article_topics t where t.article_id = a.id), "
                "(select count(*) from article_people p where p.article_id = a.id), "
                "(select count(*) from articles_fts where rowid = a.id) "
                "from articles a"
            )
        }
    finally:
        conn.close()


def test_ingest_killed_at_any_point_loses_nothing_once_run_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest, "PARSE_AHEAD", 2)
    folder = _folder(tmp_path)
    empty = tmp_path / "empty.db"
    Store.open(empty).close()
    reference = tmp_path / "reference.db"
    shutil.copy(empty, reference)
    _ingest(reference, folder)
    expected = _contents(reference)
    assert len(expected) == COPIES * len(list(SEEDS.glob("*.txt")))

    statements = 0

    def count(_statement: str) -> None:
        nonlocal statements
        statements += 1

    counted = tmp_path / "counted.db"
    shutil.copy(empty, counted)
    real_connect = sqlite3.connect

    def connect(*args, **kwargs):  # type: ignore[no-untyped-def]
        conn = real_connect(*args, **kwargs)
        conn.set_trace_callback(count)
        return conn

    with monkeypatch.context() as patch:
        patch.setattr(sqlite3, "connect", connect)
        _ingest(counted, folder)

    work = tmp_path / "work.db"
    kills = 0
    for at in range(3, statements, max(1, statements // 14)):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{work}{suffix}").unlink(missing_ok=True)
        shutil.copy(empty, work)
        ended = run_killed_at(at, lambda: _ingest(work, folder))
        assert ended == KILLED
        kills += 1
        partial = _contents(work)
        assert {slug: expected[slug] for slug in partial} == partial  # each article whole
        _ingest(work, folder)
        assert _contents(work) == expected
        store = Store.open(work)
        try:
            assert store.db.execute("pragma integrity_check").fetchone()[0] == "ok"
        finally:
            store.close()
    assert kills >= 10
