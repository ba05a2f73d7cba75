"""``newsbot feeds ...`` and ``newsbot ingest URL`` against a local web server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.store import Store
from tests.conftest import SEEDS
from tests.feeds.test_feeds_poller import rss2
from tests.feeds.test_fetch_webserver import WebServer, running_web_server
from tests.feeds.test_pages import article_html


@pytest.fixture
def web() -> Iterator[WebServer]:
    with running_web_server() as server:
        yield server


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings for the command line: a fresh database, loopback allowed for the test server."""
    monkeypatch.chdir(tmp_path)  # no stray .env
    path = tmp_path / "cli.db"
    monkeypatch.setenv("NEWSBOT_DB", str(path))
    monkeypatch.setenv("NEWSBOT_BLOCK_PRIVATE_ADDRESSES", "false")
    monkeypatch.setenv("LOG_LEVEL", "ERROR")
    return path


def test_feeds_add_list_remove(web: WebServer, db: Path, capsys: pytest.CaptureFixture) -> None:
    url = web.add("/feed", rss2("CLI Wire", []), content_type="application/rss+xml")
    assert main(["feeds", "add", url]) == 0
    assert "added feed 1: CLI Wire (0 entries)" in capsys.readouterr().out
    assert main(["feeds", "list"]) == 0
    listing = capsys.readouterr().out
    assert "CLI Wire" in listing and url in listing and "not polled yet" in listing
    assert main(["feeds", "remove", url]) == 0
    assert "removed feed 1" in capsys.readouterr().out
    assert main(["feeds", "remove", "1"]) == 1
    assert "no feed '1'" in capsys.readouterr().err


def test_feeds_add_refuses_what_is_not_a_feed(
    web: WebServer, db: Path, capsys: pytest.CaptureFixture
) -> None:
    url = web.add("/page", article_html())
    assert main(["feeds", "add", url]) == 1
    err = capsys.readouterr().err.strip()
    assert err == f"newsbot: cannot add feed {url}: not an RSS or Atom feed (got text/html)"


def test_feeds_add_refuses_private_addresses_by_default(
    web: WebServer, db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.delenv("NEWSBOT_BLOCK_PRIVATE_ADDRESSES")
    assert main(["feeds", "add", web.add("/feed", rss2("W", []))]) == 1
    assert "NEWSBOT_BLOCK_PRIVATE_ADDRESSES" in capsys.readouterr().err
    assert web.hits == []


def test_feeds_poll_reads_new_entries(
    web: WebServer, db: Path, capsys: pytest.CaptureFixture
) -> None:
    story = web.add("/story", article_html())
    main(["feeds", "add", web.add("/feed", rss2("CLI Wire", [("Rail", story)]))])
    assert main(["feeds", "poll"]) == 0
    assert "CLI Wire: 1 added" in capsys.readouterr().out


def test_ingest_url_stores_one_page_and_files_still_work(
    web: WebServer, db: Path, capsys: pytest.CaptureFixture
) -> None:
    url = web.add("/story", article_html())
    seed = str(SEEDS / "001_sample_energy_grid.txt")
    assert main(["ingest", url, seed]) == 0
    assert "2 added" in capsys.readouterr().out
    store = Store.open(db)
    try:
        titles = {a["title"] for a in store.articles.latest(5)}
    finally:
        store.close()
    assert "Rail Line Will Open Next Spring" in titles


def test_ingest_url_reports_a_failing_page_by_url(
    web: WebServer, db: Path, capsys: pytest.CaptureFixture
) -> None:
    url = web.url("/missing")
    assert main(["ingest", url]) == 1
    assert f"skipped {url}: HTTP 404 Not Found" in capsys.readouterr().err
