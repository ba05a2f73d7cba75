"""Topics: central themes and places first, names normalised so the store counts once."""

from __future__ import annotations

import time
from pathlib import Path

from bot.parsing.entities import find_entities
from bot.parsing.topics import extract_topics, normalise_topic, topic_catalogue

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_ebf8c23c351aad17.txt"


def topics_for(title: str, body: str) -> list[str]:
    mentions = find_entities(body)
    places = sorted({m.canonical for m in mentions if m.kind == "place"})
    orgs = sorted({m.canonical for m in mentions if m.kind == "organisation"})
    return extract_topics(title, body, places, orgs, [])


def test_normalise_topic_merges_spellings_and_case() -> None:
    for name in ("ukraine", "Ukrainian", "UKRAINE", " Ukraine "):
        assert normalise_topic(name) == "Ukraine"
    for name in ("ceasefire", "cease-fire", "truce", "Ceasefire"):
        assert normalise_topic(name) == "Ceasefire"
    assert normalise_topic("air defense") == "Air defence"
    assert normalise_topic("U.S.") == "United States"
    assert normalise_topic("nato") == "NATO"
    assert normalise_topic("") == ""


def test_relations_have_one_canonical_name() -> None:
    for name in ("US-Russia relations", "Russia–US relations", "U.S. and Russia relations"):
        assert normalise_topic(name) == "Russia–US relations"
    assert normalise_topic("China-US ties") == "China–US relations"


def test_normalise_is_idempotent_over_the_catalogue() -> None:
    catalogue = topic_catalogue()
    assert 60 <= len(catalogue) <= 120
    assert len(set(catalogue)) == len(catalogue)
    for name in catalogue:
        assert normalise_topic(name) == name
        assert normalise_topic(name.lower()) == name


def test_catalogue_has_the_main_news_themes() -> None:
    catalogue = set(topic_catalogue())
    for name in ("Ceasefire", "Elections", "Immigration", "Economy", "Energy", "Space"):
        assert name in catalogue
    for name in ("Climate change", "Healthcare", "Sanctions", "Nuclear weapons", "Trade"):
        assert name in catalogue


def test_theme_words_make_a_topic() -> None:
    body = (
        "The Senate passed new sanctions on Monday. The sanctions target the energy sector "
        "and freeze assets. Lawmakers said further sanctions would follow if the embargo fails."
    )
    topics = topics_for("Senate approves new sanctions", body)
    assert topics[0] == "Sanctions"
    assert 1 <= len(topics) <= 8


def test_a_place_in_the_title_and_text_becomes_a_topic() -> None:
    body = (
        "Floods hit southern Brazil this week. Brazilian officials said the floods displaced "
        "thousands. Rescue teams reached Brazil's worst-hit towns by boat."
    )
    topics = topics_for("Floods in Brazil", body)
    assert "Brazil" in topics
    assert "Natural disasters" in topics


def test_leaders_of_two_countries_talking_make_a_relations_topic() -> None:
    body = (
        "French President Emmanuel Macron and Chinese President Xi Jinping met in Beijing. "
        "Macron pressed Xi on trade. Xi told Macron that China welcomed French investment. "
        "France and China signed a trade accord."
    )
    topics = topics_for("Macron meets Xi", body)
    assert "China–France relations" in topics


def test_home_country_adjectives_alone_are_not_a_topic() -> None:
    body = (
        "American voters went to the polls in Iowa. Many Americans said the economy mattered. "
        "The candidate promised American jobs and a stronger election campaign."
    )
    assert "United States" not in topics_for("Iowa votes", body)


def test_at_most_eight_topics_and_no_duplicates() -> None:
    body = (
        " ".join(f"{w} in Paris." for w in ("Elections", "Taxes", "Refugees", "Abortion", "Brexit"))
        * 5
        + " Sanctions, tariffs, vaccines, drones, hurricanes, bitcoin, coup, NATO. " * 3
    )
    topics = topics_for("Everything everywhere", body)
    assert len(topics) <= 8
    assert len(set(topics)) == len(topics)


def test_empty_and_odd_input() -> None:
    assert extract_topics("", "", [], [], []) == []
    assert isinstance(extract_topics("\x00", "\ufffd" * 10_000, ["Nowhere"], [], []), list)
    started = time.perf_counter()
    extract_topics("t", "war and peace " * 200_000, [], [], [])
    assert time.perf_counter() - started < 5.0


def test_seed_article_topics() -> None:
    text = SEED.read_text(encoding="utf-8")
    # As the parser calls it: no front matter, so the title is the first sentence and the
    # body is the whole text.
    title = text.split(". ")[0] + "."
    topics = topics_for(title, text)
    assert 3 <= len(topics) <= 8
    for needed in ("Ukraine", "Middle East", "Syria"):
        assert needed in topics
    assert {"Russia–US relations", "Ceasefire"} & set(topics)
    # "joint economic ventures, especially in the fields of energy and space": one passing
    # phrase in a story on a phone call, not its subject.
    assert not {"Energy", "Space"} & set(topics)
    assert {"Arms shipments", "Air defence"} & set(topics)
    assert all(normalise_topic(t) == t for t in topics)


def test_lawmakers_in_a_story_about_a_seat_are_no_legislation_topic() -> None:
    body = (
        "The congressman announced his retirement three days before the filing deadline. "
        "State lawmakers and legislators in the district were furious about the timing, "
        "and several lawmakers said they had been kept in the dark. Other legislators "
        "said they would have run for the seat."
    )
    assert "Legislation" not in extract_topics("A surprise retirement", body, [], [], [])
