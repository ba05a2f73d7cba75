"""Front matter is checked when an article is ingested: an impossible or future date does not
pin the article to the top of /latest, and a file with nothing but front matter is refused."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.ingest import ingest_paths
from bot.store import Store

BODY = (
    "Dock workers in Rotterdam ended a week-long strike on Friday after union leaders "
    "accepted a new pay offer from port employers.\n"
)


def article(folder: Path, name: str, front: str) -> Path:
    path = folder / name
    path.write_text(f"{front}\n\n{BODY}", encoding="utf-8")
    return path


@pytest.mark.parametrize("bad", ["9999-99-99", "2999-01-01", "soon", "2026-13-40"])
def test_a_date_that_cannot_be_or_is_to_come_does_not_pin_the_article_on_top(
    store: Store, tmp_path: Path, bad: str, caplog: pytest.LogCaptureFixture
) -> None:
    today = datetime.now(UTC).date().isoformat()
    with caplog.at_level(logging.WARNING):
        ingest_paths(store, [article(tmp_path, "odd.txt", f"title: Odd\ndate: {bad}")])
    ingest_paths(store, [article(tmp_path, "news.txt", f"title: Today's news\ndate: {today}")])
    odd = store.articles.by_slug("odd")
    assert odd is not None and odd["date"] is None
    assert [a["title"] for a in store.articles.latest(2)] == ["Today's news", "Odd"]
    assert any("odd" in r.getMessage() and "ignored" in r.getMessage() for r in caplog.records)


def test_todays_and_past_dates_are_kept(store: Store, tmp_path: Path) -> None:
    tomorrow = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()  # somewhere it is
    ingest_paths(store, [article(tmp_path, "a.txt", "title: A\ndate: 2025-06-30")])
    ingest_paths(store, [article(tmp_path, "b.txt", f"title: B\ndate: {tomorrow}")])
    assert store.articles.by_slug("a")["date"] == "2025-06-30"
    assert store.articles.by_slug("b")["date"] == tomorrow


@pytest.mark.parametrize(
    "content", ["title: Only a title\n", "title: Only a title\ndate: 2025-01-01\n\n   \n"]
)
def test_a_file_with_only_front_matter_is_refused(
    store: Store, tmp_path: Path, content: str
) -> None:
    path = tmp_path / "empty.txt"
    path.write_text(content, encoding="utf-8")
    report = ingest_paths(store, [path])
    assert report.failed == [
        (str(path), "there is no article text, only front matter (title, date...)")
    ]
    assert store.articles.count() == 0
