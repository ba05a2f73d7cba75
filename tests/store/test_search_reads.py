"""The store's read API for search: counts, postings and the change token it keys caches on."""

from __future__ import annotations

from pathlib import Path

from bot.store import Store
from tests.conftest import make_article

QUOTES = [
    ("Every gigawatt counts this winter.", "Marta Ibáñez"),
    ("The grid runs with almost no margin.", "Marta Ibáñez"),
]


def save(store: Store, slug: str, quotes: list[tuple[str, str]] = QUOTES) -> None:
    store.articles.save(
        make_article(quotes=quotes, people=[("Marta Ibáñez", None)], topics=["Energy"]),
        slug=slug,
        content_hash=slug,
        text="t",
    )


def test_word_and_pair_counts_come_from_the_quote_index(store: Store) -> None:
    save(store, "a")
    reads = store.search_reads
    reads.attach_vocabulary()
    words = reads.word_counts()
    assert words["gigawatt"] == 1
    assert not any(word.startswith("_") for word in words)  # pairs are left out
    assert reads.term_count("gigawatt") == 1
    assert reads.term_count("nosuchword") == 0
    assert reads.prefix_count("gigaw") == 1
    assert reads.term_counts(["gigawatt", "margin", "nosuchword"]) == {"gigawatt": 1, "margin": 1}


def test_word_counts_read_on_a_connection_of_their_own_match(store: Store, db_path: Path) -> None:
    save(store, "a")
    assert store.search_reads.word_counts_from_file(str(db_path)) == (
        store.search_reads.word_counts()
    )


def test_quote_matches_and_texts_are_those_of_the_store(store: Store) -> None:
    save(store, "a")
    reads = store.search_reads
    (found,) = reads.quotes_matching('"gigawatt" AND "counts"', 10)
    assert reads.quote_texts([found, 10_000]) == ([found], ["Every gigawatt counts this winter."])
    weighted = reads.quotes_weighted([('"margin"', 2.0), ('"gigawatt"', 1.0)], 10)
    assert [reads.quote_texts([i])[1][0] for i in weighted] == [
        "The grid runs with almost no margin.",
        "Every gigawatt counts this winter.",
    ]
    assert reads.max_quote_id() == max(weighted)
    assert reads.quote_count() == 2


def test_names_are_read_after_an_id(store: Store) -> None:
    save(store, "a")
    reads = store.search_reads
    assert reads.name_count("people") == 1
    assert [name for _, name in reads.names_after("people", 0)] == ["Marta Ibáñez"]
    assert list(reads.names_after("topics", reads.max_name_id("topics"))) == []


def test_the_change_token_moves_with_each_save_and_each_commit_elsewhere(
    store: Store, db_path: Path
) -> None:
    reads = store.search_reads
    before = reads.version()
    assert reads.version() == before  # reading changes nothing
    save(store, "a")
    after_save = reads.version()
    assert after_save != before
    other = Store.open(db_path)
    try:
        save(other, "b", [("Another quote entirely, from elsewhere.", "Marta Ibáñez")])
    finally:
        other.close()
    assert reads.version() != after_save
