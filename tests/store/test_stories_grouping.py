"""Grouping articles into stories as they are ingested, one rule at a time."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.grouping import QUOTE, Candidate, article_keys, match_score
from bot.ingest import ingest_text
from bot.store import Store
from bot.store import stories as stories_module
from bot.store.stories import StoryStore, group_existing
from tests.conftest import store_before


def article(store: Store, slug: str, day: str, source: str, title: str, *paragraphs: str) -> int:
    text = f"date: {day}\nsource: {source}\n\n{title}\n\n" + "\n\n".join(paragraphs) + "\n"
    return ingest_text(store, text, slug=slug).article_id


def quake_story(store: Store) -> tuple[int, int, int]:
    first = article(
        store,
        "reuters-quake",
        "2026-03-02",
        "Reuters",
        "Strong earthquake shakes Napa Valley, injuring dozens",
        "NAPA COUNTY, Calif. — A magnitude 6.0 earthquake struck the Napa Valley early on "
        "Sunday, injuring dozens of people, damaging historic buildings and cutting power to "
        "thousands of homes, officials said.",
        '"We have a lot of damage downtown," said Napa Mayor Jill Techel. "Our first job is '
        'to make sure everyone is safe."',
    )
    second = article(
        store,
        "ap-quake",
        "2026-03-02",
        "AP",
        "Napa earthquake: dozens hurt as 6.0 quake damages buildings",
        "An earthquake of magnitude 6.0 rocked California's Napa Valley wine country on "
        "Sunday, damaging buildings and leaving dozens injured, while thousands of homes lost "
        "power.",
        'Mayor Jill Techel said the downtown had been badly hit. "It is going to take time '
        'to clean this up," she said.',
    )
    third = article(
        store,
        "bbc-quake",
        "2026-03-03",
        "BBC",
        "Napa Valley counts the cost of its strongest earthquake in 25 years",
        "Winemakers in California's Napa Valley are counting the damage after a 6.0 "
        "earthquake injured dozens of people and damaged buildings across the county.",
        '"We lost about a third of our barrels," said winemaker Tom Montgomery.',
    )
    return first, second, third


def test_one_event_told_by_three_sources_in_other_words_is_one_story(store: Store) -> None:
    ids = quake_story(store)
    stories = {store.stories.story_of(i) for i in ids}
    assert len(stories) == 1
    story = store.stories.get(stories.pop())
    assert [a["id"] for a in story["articles"]] == list(ids)
    assert story["sources"] == ["Reuters", "AP", "BBC"]
    assert story["first_day"] == "2026-03-02" and story["last_day"] == "2026-03-03"
    assert "Jill Techel" in [p["name"] for p in story["people"]]
    assert story["quotes"] >= 3


def test_an_unrelated_event_on_the_same_day_starts_its_own_story(store: Store) -> None:
    quake, _, _ = quake_story(store)
    budget = article(
        store,
        "reuters-budget",
        "2026-03-02",
        "Reuters",
        "Senate passes budget deal to avert government shutdown",
        "WASHINGTON — The Senate passed a two-year budget deal on Sunday that raises "
        "spending caps and averts a government shutdown, sending the bill to the House.",
        '"This is a compromise nobody loves," said Senate Majority Leader Mitch McConnell.',
    )
    assert store.stories.story_of(budget) != store.stories.story_of(quake)


def rally(store: Store, slug: str, day: str, source: str, city: str, state: str) -> int:
    return article(
        store,
        slug,
        day,
        source,
        f"Trump rallies supporters in {city}, attacks Clinton on trade",
        f"{city.upper()}, {state} — Donald Trump told thousands of supporters at a rally in "
        f"{city} that Hillary Clinton would ship jobs overseas, promising to renegotiate "
        "trade deals if elected.",
        '"We are going to bring back our jobs," Trump said to cheers.',
    )


def test_two_rallies_of_the_same_people_on_two_days_are_two_stories(store: Store) -> None:
    monday = rally(store, "rally-tampa", "2016-08-01", "AP", "Tampa", "Fla.")
    thursday = rally(store, "rally-tampa-again", "2016-08-04", "Reuters", "Tampa", "Fla.")
    assert store.stories.story_of(monday) != store.stories.story_of(thursday)


def test_two_rallies_in_other_cities_on_following_days_stay_apart(store: Store) -> None:
    first = rally(store, "rally-tampa", "2016-08-01", "AP", "Tampa", "Fla.")
    second = article(
        store,
        "rally-dayton",
        "2016-08-02",
        "Reuters",
        "At Dayton rally, Trump says Clinton cannot be trusted with classified emails",
        "DAYTON, Ohio — Donald Trump told a rally in Dayton on Tuesday that Hillary Clinton "
        "could not be trusted with national secrets after her use of a private email server.",
        '"She lied to the FBI and she lied to you," Trump told supporters.',
    )
    assert store.stories.story_of(first) != store.stories.story_of(second)


def test_the_same_rally_reported_by_two_outlets_is_one_story(store: Store) -> None:
    first = rally(store, "rally-tampa-ap", "2016-08-01", "AP", "Tampa", "Fla.")
    second = article(
        store,
        "rally-tampa-times",
        "2016-08-01",
        "Tampa Bay Times",
        "In Tampa, Trump vows to renegotiate trade deals and hits Clinton on jobs",
        "Donald Trump promised a crowd of thousands in Tampa on Monday that he would "
        "renegotiate trade deals, saying Hillary Clinton would let jobs go overseas.",
    )
    assert store.stories.story_of(first) == store.stories.story_of(second)


def test_an_edited_article_is_grouped_again_and_a_deleted_one_leaves_its_story(
    store: Store,
) -> None:
    first, second, third = quake_story(store)
    story = store.stories.story_of(first)
    edited = article(
        store,
        "ap-quake",
        "2026-03-02",
        "AP",
        "Senate passes budget deal to avert government shutdown",
        "WASHINGTON — The Senate passed a two-year budget deal on Sunday that raises "
        "spending caps and averts a government shutdown, sending the bill to the House.",
    )
    assert edited == second
    assert store.stories.story_of(second) != story
    assert [a["id"] for a in store.stories.get(story)["articles"]] == [first, third]
    store.articles.delete(first)
    store.articles.delete(third)
    assert store.stories.get(story) is None


def test_an_article_without_keys_starts_a_story_of_its_own(store: Store) -> None:
    a = article(store, "a", "2026-03-02", "X", "Update", "It was so, and then it was not so.")
    b = article(store, "b", "2026-03-02", "Y", "Update", "It was so, and then it was not so!")
    assert store.stories.story_of(a) != store.stories.story_of(b)


def test_a_store_from_before_migration_25_drops_its_stories_per_day_and_groups_on(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v24.db"
    with store_before(path, "_v25_no_count_of_stories_per_day") as store:
        first, second, _ = quake_story(store)
        assert "story_days" in store.db.table_names()
    store = Store.open(path)
    assert "story_days" not in store.db.table_names()
    later = article(
        store,
        "guardian-quake",
        "2026-03-03",
        "Guardian",
        "Napa earthquake leaves dozens injured and historic buildings damaged",
        "A magnitude 6.0 earthquake in California's Napa Valley injured dozens of people, "
        "damaged historic buildings downtown and cut power to thousands of homes.",
        '"We have a lot of damage downtown," said Napa Mayor Jill Techel.',
    )
    assert store.stories.story_of(later) == store.stories.story_of(first)
    store.articles.delete(first)  # a story's article leaves it, the story stays with the others
    assert store.stories.story_of(second) == store.stories.story_of(later)
    store.close()


def test_articles_stored_before_stories_existed_are_grouped_as_new_ones_are(
    store: Store,
) -> None:
    ids = quake_story(store)
    other = rally(store, "rally", "2026-03-02", "AP", "Tampa", "Fla.")
    before = [store.stories.story_of(i) for i in (*ids, other)]
    with store.db.conn:
        for table in ("stories", "story_keys"):
            store.db.execute(f"delete from {table}")
        store.db.execute("update articles set story_id = null, story_keys = null")
        group_existing(store.db)
    after = [StoryStore(store.db).story_of(i) for i in (*ids, other)]
    assert len(set(after)) == 2 and after[0] == after[1] == after[2] != after[3]
    assert len(set(before)) == 2


def test_the_one_off_grouping_of_an_upgraded_store_logs_its_progress(
    store: Store, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    quake_story(store)
    rally(store, "rally", "2026-03-02", "AP", "Tampa", "Fla.")
    monkeypatch.setattr(stories_module, "GROUPING_PROGRESS_EVERY", 2)
    with caplog.at_level(logging.INFO, logger="bot.store.stories"), store.db.conn:
        group_existing(store.db)
    said = [r.getMessage() for r in caplog.records if r.name == "bot.store.stories"]
    assert said == [
        "grouping the 4 stored articles into stories (once, on upgrade)",
        "grouped 2 of 4 articles into stories",
        "grouped 4 of 4 articles into stories",
    ]


def test_a_store_from_before_stories_is_grouped_when_it_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with store_before(path, "_v16_stories_of_articles") as old:
        assert "stories" not in old.db.table_names()
        ids = quake_story(old)
        other = rally(old, "rally", "2026-03-02", "AP", "Tampa", "Fla.")
    upgraded = Store.open(path)
    try:
        stories = [upgraded.stories.story_of(i) for i in (*ids, other)]
        assert None not in stories
        assert stories[0] == stories[1] == stories[2] != stories[3]
        story = upgraded.stories.get(stories[0])
        assert story["sources"] == ["Reuters", "AP", "BBC"]
    finally:
        upgraded.close()


def test_an_unknown_article_or_story_is_none(store: Store) -> None:
    assert store.stories.story_of(999) is None
    assert store.stories.get(999) is None


def press_conference(store: Store, slug: str, source: str, title: str, *lead: str) -> int:
    """A report whose own words come first; the quote it shares with others is further down
    than the lead the grouping reads, as in most reports."""
    return article(
        store,
        slug,
        "2026-05-14",
        source,
        title,
        *lead,
        '"We will not rest until every family in this city has clean water coming out of its '
        'taps, and we will pay for every pipe ourselves," said Governor Ellen Marsh.',
    )


def test_two_reports_quoting_the_same_words_are_one_story(store: Store) -> None:
    first = press_conference(
        store,
        "herald-water",
        "Herald",
        "Governor promises state money to replace lead pipes",
        "The governor pledged on Thursday that the state would fund the replacement of "
        "lead service lines across Riverton after tests found contamination in schools.",
        "Engineers have estimated the work at more than 40,000 lines, most of them laid "
        "before 1950 under streets that also need repaving, and contractors say the supply "
        "of copper pipe is already short after a busy construction season.",
        "Parents at Lincoln Elementary, where the highest readings were found, have been "
        "handed bottled water since March, and the district has shut off its drinking "
        "fountains until the results of a second round of tests come back.",
    )
    second = press_conference(
        store,
        "courier-water",
        "Courier",
        "Marsh answers critics over Riverton water",
        "Speaking at a packed news conference, the governor answered critics who accused "
        "her administration of ignoring warnings from engineers for years.",
        "Opposition lawmakers said the announcement came too late and demanded hearings on "
        "when the health department first learned of the readings, which a local pediatrician "
        "made public in a letter to the editor in February.",
        "The Riverton mayor, who has clashed with Marsh over road funding, welcomed the money "
        "but asked for a timetable, saying residents had heard promises before.",
    )
    assert store.stories.story_of(first) == store.stories.story_of(second)


def test_undated_reports_are_grouped_on_the_day_they_were_ingested(store: Store) -> None:
    """A page or file without a date is news of the day it arrived: its story's day is the
    ingestion day, and two undated reports of one event still make one story."""
    ids = []
    for slug, source in (("ap-undated", "AP"), ("bbc-undated", "BBC")):
        text = (
            f"source: {source}\n\nNapa earthquake: dozens hurt as 6.0 quake damages buildings\n\n"
            "An earthquake of magnitude 6.0 rocked California's Napa Valley wine country, "
            "damaging buildings and leaving dozens injured, while thousands of homes lost power.\n"
        )
        ids.append(ingest_text(store, text, slug=slug).article_id)
    first, second = ids
    ingested = store.db.execute(
        "select substr(ingested_at, 1, 10), date from articles where id = ?", [first]
    ).fetchone()
    assert ingested[1] is None
    story = store.stories.get(store.stories.story_of(first))
    assert story["first_day"] == story["last_day"] == ingested[0]
    assert store.stories.story_of(second) == story["id"]


def test_words_a_report_quotes_alone_do_not_lower_its_match() -> None:
    """Most reports quote someone the others do not: a quote no other report shares is no
    evidence against one event, so it leaves the match as it was."""
    title = "Trump rallies supporters in Tampa, attacks Clinton on trade"
    lead = (
        "Donald Trump told thousands of supporters at a rally in Tampa that Hillary Clinton "
        "would ship jobs overseas, promising to renegotiate trade deals if elected."
    )
    people = ["Donald Trump", "Hillary Clinton"]
    story = article_keys("2016-08-01", title, lead, people, ["Tampa"])
    candidate = Candidate(1, "2016-08-01", "2016-08-01", 1, dict.fromkeys(story.keys, 1))
    plain = article_keys("2016-08-01", title, lead, people, ["Tampa"])
    quoting = article_keys(
        "2016-08-01",
        title,
        lead,
        people,
        ["Tampa"],
        quotes=[
            "I drove four hours from Ocala with my husband because nobody in Washington has "
            "listened to us in twenty years"
        ],
    )
    assert any(key.startswith(QUOTE) for key in quoting.keys)
    assert match_score(candidate, quoting.keys, quoting.names) == match_score(
        candidate, plain.keys, plain.names
    )
