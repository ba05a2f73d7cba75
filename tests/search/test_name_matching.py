"""Names that match names: a fuzzy match needs a whole word of the name, organisations are
speakers too, and a miss offers real names."""

from __future__ import annotations

import pytest

from bot.search import SearchIndex, shares_a_word
from bot.store import Store
from tests.conftest import make_article


@pytest.mark.parametrize(
    ("query", "name", "matches"),
    [
        ("nasa", "jonas berg", False),
        ("ushakof", "yuri ushakov", True),
        ("ush", "yuri ushakov", True),
        ("berg", "jonas berg", True),
        ("jon", "jonas berg", True),
        ("ab", "abe lincoln", False),
        ("spce", "space", True),
        ("nbc", "nbc news", True),
    ],
)
def test_a_query_word_must_match_a_word_of_the_name(query: str, name: str, matches: bool) -> None:
    assert shares_a_word(query.split(), name.split()) is matches


@pytest.fixture
def index(store: Store) -> SearchIndex:
    article = make_article(
        title="Lander launches",
        quotes=[
            ("Batteries are the cheapest way to move power.", "Jonas Berg"),
            ("Reported that the grid held", "NBC News"),
        ],
        people=[("Jonas Berg", "energy economist")],
    )
    store.articles.save(article, slug="a", content_hash="1", text="t")
    with store.db.conn:
        store.db.execute("update quotes set person_id = null where speaker = 'NBC News'")
    return SearchIndex(store)


def test_nasa_is_not_jonas_berg(index: SearchIndex) -> None:
    assert index.people("nasa") == []
    assert [h.name for h in index.people("jonas")] == ["Jonas Berg"]


def test_an_organisation_is_searchable_as_a_speaker(index: SearchIndex, store: Store) -> None:
    [hit] = index.speakers("nbc")
    assert hit.name == "NBC News"
    [quote] = store.articles.quotes_by_speaker("NBC News")
    assert quote["id"] == hit.id and store.articles.speaker_quote_count("NBC News") == 1
    assert index.speakers("jonas") == []  # a person is not a speaker without a person
