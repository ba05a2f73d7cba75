"""Ingesting article files: front matter, re-ingest, edits, and files that are not articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import ingest
from bot.ingest import PARSE_AHEAD, IngestError, ingest_batch, ingest_paths
from bot.parsing import parse_article
from bot.parsing.model import ParsedArticle
from bot.store import SaveResult, Store

ARTICLE = """title: Port Strike Ends
date: 2025-06-30
source: Harbour Gazette

Dock workers voted to end their strike on Monday after a new pay offer.
"We got what we came for," said union leader Maria Santos.
"""


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_front_matter_sets_title_date_and_source(store: Store, tmp_path: Path) -> None:
    report = ingest_paths(store, [write(tmp_path, "strike.txt", ARTICLE)])
    assert report.added == [str(tmp_path / "strike.txt")]
    article = store.articles.by_slug("strike")
    assert (article["title"], article["date"], article["source"]) == (
        "Port Strike Ends",
        "2025-06-30",
        "Harbour Gazette",
    )
    (quote,) = [q for q in store.articles.quotes_of_article(article["id"]) if q["kind"] == "direct"]
    assert quote["text"].rstrip(",") == "We got what we came for"
    assert quote["speaker"] == "Maria Santos"


def test_reingesting_unchanged_file_changes_nothing(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path, "strike.txt", ARTICLE)
    ingest_paths(store, [path])
    before = store.articles.by_slug("strike")
    report = ingest_paths(store, [path])
    assert report.unchanged == [str(path)]
    assert store.articles.by_slug("strike") == before


def test_edited_file_updates_its_article(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path, "strike.txt", ARTICLE)
    ingest_paths(store, [path])
    write(tmp_path, "strike.txt", ARTICLE.replace("Port Strike Ends", "Port Strike Is Over"))
    report = ingest_paths(store, [path])
    assert report.updated == [str(path)]
    assert store.articles.count() == 1
    assert store.articles.by_slug("strike")["title"] == "Port Strike Is Over"


def test_bad_files_are_reported_by_name_and_skipped(store: Store, tmp_path: Path) -> None:
    good = write(tmp_path, "good.txt", ARTICLE)
    binary = write(tmp_path, "binary.txt", bytes(range(256)) * 50)
    empty = write(tmp_path, "empty.md", "   \n")
    other = write(tmp_path, "photo.jpg", b"\xff\xd8\xff")
    report = ingest_paths(store, [good, binary, empty, other, tmp_path / "missing.txt"])
    failed = dict(report.failed)
    assert report.added == [str(good)]
    assert "binary" in failed[str(binary)]
    assert "empty" in failed[str(empty)]
    assert "unsupported" in failed[str(other)]
    assert "no such file" in failed[str(tmp_path / "missing.txt")]
    assert store.articles.count() == 1


def test_legacy_encoding_is_decoded(store: Store, tmp_path: Path) -> None:
    text = ARTICLE.replace("Maria Santos", "María Santos")
    path = write(tmp_path, "legacy.txt", text.encode("cp1252"))
    ingest_paths(store, [path])
    people = {row[1] for row in store.articles.iter_people()}
    assert any("María" in name for name in people)


def test_folders_are_walked_for_txt_and_md(store: Store, tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    write(tmp_path, "a.txt", ARTICLE)
    write(tmp_path / "sub", "b.md", ARTICLE.replace("Port", "Airport"))
    write(tmp_path, "notes.json", "{}")
    report = ingest_paths(store, [tmp_path])
    assert len(report.added) == 2
    assert not report.failed


def test_a_folder_larger_than_one_parse_run_keeps_every_file_and_reports_each(
    store: Store, tmp_path: Path
) -> None:
    names = []
    for i in range(PARSE_AHEAD * 2 + 3):
        body = ARTICLE.replace("Port Strike Ends", f"Port Strike Ends, part {i}")
        names.append(str(write(tmp_path, f"strike-{i:03d}.txt", body)))
    write(tmp_path, "blank-000.txt", "   \n")
    report = ingest_paths(store, [tmp_path])
    assert report.added == names
    assert report.failed == [(str(tmp_path / "blank-000.txt"), "the file is empty")]
    assert store.articles.count() == len(names)
    assert store.articles.by_slug("strike-066")["title"] == "Port Strike Ends, part 66"


def test_ingest_batch_answers_each_item_in_its_place(store: Store) -> None:
    first = ingest_batch(store, [("strike", ARTICLE, None)])[0]
    results = ingest_batch(
        store,
        [
            ("empty", "  \n ", None),
            ("strike", ARTICLE, None),
            ("other", ARTICLE.replace("Monday", "Tuesday"), "other.txt"),
        ],
    )
    assert isinstance(results[0], IngestError)
    assert str(results[0]) == "there is no text in it"
    assert results[1] == SaveResult(first.article_id, "unchanged")
    assert isinstance(results[2], SaveResult) and results[2].status == "added"
    assert store.articles.by_slug("other")["path"] == "other.txt"
    assert store.articles.by_slug("empty") is None


def test_unchanged_articles_are_not_parsed_again(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "strike.txt", ARTICLE)
    ingest_paths(store, [path])
    parsed: list[str] = []

    def counting_parse(text: str) -> ParsedArticle:
        parsed.append(text)
        return parse_article(text)

    monkeypatch.setattr(ingest, "parse_article", counting_parse)
    assert ingest_paths(store, [path]).unchanged == [str(path)]
    assert parsed == []
    write(tmp_path, "strike.txt", ARTICLE.replace("Monday", "Tuesday"))
    assert ingest_paths(store, [path]).updated == [str(path)]
    assert len(parsed) == 1
