"""Saved web pages as files: `newsbot ingest page.html`, a folder of them, `newsbot parse
page.html`, all through the same extraction as a fetched page."""

from __future__ import annotations

import json
from pathlib import Path

from bot.feeds.pages import extract_article
from bot.ingest import ingest_paths
from bot.parsing import parse_article
from bot.store import Store
from tests.app.test_cli import newsbot
from tests.feeds.test_pages import article_html

LINKS_ONLY = (
    "<html><head><title>Latest news</title></head><body><ul>"
    + "".join(
        f'<li><a href="/s/{i}">Harbour story number {i} and what it means for the city</a></li>'
        for i in range(6)
    )
    + "</ul></body></html>"
)


def save(folder: Path, name: str, markup: str) -> Path:
    path = folder / name
    path.write_text(markup, encoding="utf-8")
    return path


def test_an_html_file_is_stored_as_its_article_not_its_markup(store: Store, tmp_path: Path) -> None:
    path = save(tmp_path, "rail.html", article_html())
    report = ingest_paths(store, [path])
    assert report.added == [str(path)]
    article = store.articles.by_slug("rail")
    assert article["title"] == "Rail Line Will Open Next Spring"
    assert "<p>" not in article["body"] and "Home" not in article["body"]
    expected = extract_article(article_html(), "").text
    assert article["body"].strip() == expected


def test_a_folder_of_pages_is_read_with_its_text_files(store: Store, tmp_path: Path) -> None:
    save(tmp_path, "rail.html", article_html())
    save(tmp_path, "bridge.htm", article_html("Bridge Opens to Traffic"))
    save(tmp_path, "links.html", LINKS_ONLY)
    report = ingest_paths(store, [tmp_path])
    assert sorted(Path(n).name for n in report.added) == ["bridge.htm", "rail.html"]
    assert report.failed == [
        (str(tmp_path / "links.html"), "the page is a list of links (6), not an article")
    ]


def test_a_folder_with_nothing_to_read_is_a_failure(store: Store, tmp_path: Path) -> None:
    (tmp_path / "notes.json").write_text("{}")
    report = ingest_paths(store, [tmp_path])
    assert report.failed == [(str(tmp_path), "no .txt, .md or .html files in this folder")]


def test_ingest_of_a_page_file_and_a_refused_one_on_the_command_line(tmp_path: Path) -> None:
    good = save(tmp_path, "rail.html", article_html())
    result = newsbot("ingest", str(good), cwd=tmp_path)
    assert (result.returncode, result.stdout.strip()) == (
        0,
        "1 added, 0 updated, 0 unchanged, 0 failed",
    )
    refused = save(tmp_path, "links.html", LINKS_ONLY)
    result = newsbot("ingest", str(refused), cwd=tmp_path)
    assert result.returncode == 1
    assert f"skipped {refused}: the page is a list of links (6), not an article" in result.stderr


def test_ingest_of_an_empty_folder_exits_non_zero_and_says_why(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = newsbot("ingest", str(tmp_path / "empty"), cwd=tmp_path)
    assert result.returncode == 1
    assert "no .txt, .md or .html files in this folder" in result.stderr


def test_parse_reads_a_page_file_like_a_fetched_page(tmp_path: Path) -> None:
    path = save(tmp_path, "rail.html", article_html())
    result = newsbot("parse", str(path), "--json", cwd=tmp_path)
    assert result.returncode == 0
    data = json.loads(result.stdout)
    expected = parse_article(extract_article(article_html(), "").as_article_text())
    assert data == expected.to_json("rail")
    assert data["title"] == "Rail Line Will Open Next Spring"
    assert any("Keller" in (q["speaker"] or "") for q in data["quotes"])
