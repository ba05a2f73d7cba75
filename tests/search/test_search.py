"""Fuzzy search: typos, partial phrases, other quote marks, names and topics."""

from __future__ import annotations

import pytest

from bot.search import SearchIndex, fold, squash
from bot.store import Store
from bot.store.quote_index import _fold_char
from tests.conftest import make_article

QUOTES = [
    (
        "It's hard even for me to say who hung up first. "
        "What I know is, the last ones to hang up were the interpreters.",
        "Yuri Ushakov",
    ),
    ("the idea is hanging in the air.", "Yuri Ushakov"),
    ("We are running the system with almost no margin, and every gigawatt counts.", "Marta Ibáñez"),
    ("Nobody should expect a final agreement this week.", "Laila Haddad"),
]


@pytest.fixture
def index(store: Store) -> SearchIndex:
    store.articles.save(
        make_article(
            quotes=QUOTES,
            people=[("Yuri Ushakov", "aide"), ("Marta Ibáñez", None), ("Laila Haddad", None)],
            topics=["Ukraine", "Middle East", "Energy"],
        ),
        slug="a",
        content_hash="1",
        text="t",
    )
    return SearchIndex(store)


def best_text(index: SearchIndex, query: str) -> str | None:
    hits = index.who_said(query)
    if not hits:
        return None
    return index.store.articles.quote(hits[0].quote_id)["text"]


def test_fold_keeps_length_so_offsets_map_back() -> None:
    text = "“It’s İstanbul,” she said."
    assert len(fold(text)) == len(text)
    assert squash("“It’s  HARD”") == "it s hard"


@pytest.mark.parametrize(
    ("query", "expected_start"),
    [
        ("last ones to hang up", "It's hard"),
        ("last one to hang up", "It's hard"),
        ("hanging in teh air", "the idea"),
        ("“hanging in the air”", "the idea"),
        ("every gigawat counts", "We are running"),
        ("EXPECT A FINAL AGREEMENT", "Nobody"),
    ],
)
def test_who_said_finds_the_quote(index: SearchIndex, query: str, expected_start: str) -> None:
    assert (best_text(index, query) or "").startswith(expected_start)


def test_highlight_covers_the_matched_words(index: SearchIndex) -> None:
    hit = index.who_said("last ones to hang up")[0]
    text = index.store.articles.quote(hit.quote_id)["text"]
    assert text[hit.highlight[0] : hit.highlight[1]] == "last ones to hang up"


@pytest.mark.parametrize("query", ["", "a", "zebra crossing quantum pineapple"])
def test_nonsense_or_tiny_queries_find_nothing(index: SearchIndex, query: str) -> None:
    assert index.who_said(query) == []


def test_people_are_found_despite_typos(index: SearchIndex) -> None:
    assert index.people("ushakof")[0].name == "Yuri Ushakov"
    assert index.people("ibanez")[0].name == "Marta Ibáñez"


def test_topics_are_found_despite_typos(index: SearchIndex) -> None:
    assert index.topics("ukrane")[0].name == "Ukraine"
    assert index.topics("middle east")[0].name == "Middle East"


def test_refresh_picks_up_new_articles(index: SearchIndex, store: Store) -> None:
    assert best_text(index, "apples and oranges forever") is None
    store.articles.save(
        make_article(quotes=[("Apples and oranges forever and ever.", "Ann Lee")]),
        slug="b",
        content_hash="2",
        text="t",
    )
    index.refresh()
    assert best_text(index, "apples and oranges forever") == "Apples and oranges forever and ever."


def test_article_full_text_search(index: SearchIndex, store: Store) -> None:
    store.articles.save(
        make_article(title="Heatwave strains the grid"), slug="b", content_hash="2", text="t" * 10
    )
    ids = index.articles("heatwave")
    assert [store.articles.get(i)["title"] for i in ids] == ["Heatwave strains the grid"]
    assert index.articles("   ") == []
    # FTS5 query syntax typed by a user is searched as words, never run as syntax.
    assert index.articles('") OR heatwave --') == ids


def test_recent_answers_follow_saves_without_a_refresh(index: SearchIndex, store: Store) -> None:
    """Answers are kept for queries asked again, only while the store is as it was."""
    assert best_text(index, "apples and oranges forever") is None
    assert index.articles("pomegranate") == []
    assert index.people("Ann Lee", cutoff=95) == []
    store.articles.save(
        make_article(
            title="Pomegranate season",
            quotes=[("Apples and oranges forever and ever.", "Ann Lee")],
            people=[("Ann Lee", None)],
        ),
        slug="b",
        content_hash="2",
        text="t",
    )
    assert best_text(index, "apples and oranges forever") == "Apples and oranges forever and ever."
    assert len(index.articles("pomegranate")) == 1
    assert [hit.name for hit in index.people("Ann Lee", cutoff=95)] == ["Ann Lee"]
    index.forget()
    assert best_text(index, "apples and oranges forever") == "Apples and oranges forever and ever."


@pytest.mark.parametrize(
    "text",
    [
        "plain ASCII, with punctuation!",
        "“Curly quotes” — and dashes – too…",
        "Marta Ibáñez said: ça suffit, Ærø Øresund",
        "Straße ﬁnance Ⅸ ２０２５ №5",
        "中文 text and emoji 🎉 mixed",
        "e\u0301 combining accent, İstanbul",
        "",
    ],
)
def test_fold_is_the_per_character_fold(text: str) -> None:
    assert fold(text) == "".join(map(_fold_char, text))  # character by character
