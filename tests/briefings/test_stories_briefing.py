"""The briefing as the day's biggest stories: ranked by coverage, follows first, each story once."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import time_machine

from bot.briefings import briefing_for
from bot.cli import main as cli_main
from bot.ingest import ingest_text
from bot.store import Store
from tests.botapi.telegram_html import parse_html

NOW = datetime(2026, 3, 3, 7, 0, tzinfo=UTC)
DAY = NOW.date()


def article(
    store: Store, slug: str, source: str, title: str, *paragraphs: str, at: datetime | None = None
) -> int:
    """An article ingested at ``at`` (default: two hours before the briefing)."""
    text = f"date: {DAY - timedelta(days=1)}\nsource: {source}\n\n{title}\n\n"
    text += "\n\n".join(paragraphs) + "\n"
    with time_machine.travel(at or NOW - timedelta(hours=2), tick=False):
        return ingest_text(store, text, slug=slug).article_id


QUAKE_LEAD = (
    "NAPA COUNTY, Calif. — A magnitude 6.0 earthquake struck the Napa Valley early on "
    "Sunday, injuring dozens of people, damaging historic buildings and cutting power to "
    "thousands of homes, officials said."
)


def quake(
    store: Store, sources: tuple[str, ...] = ("Reuters", "AP", "BBC"), telling: int = 0
) -> list[int]:
    """The quake told by each source (the ``telling``-th wording first, then the next)."""
    tellings = [
        (
            "Strong earthquake shakes Napa Valley, injuring dozens",
            QUAKE_LEAD,
            "Napa Mayor Jill Techel said the downtown had been badly hit by the earthquake.",
        ),
        (
            "Napa earthquake: dozens hurt as 6.0 quake damages buildings",
            "An earthquake of magnitude 6.0 rocked California's Napa Valley wine country on "
            "Sunday, damaging buildings and leaving dozens injured, while thousands of homes "
            "lost power.",
            '"We have a lot of damage downtown, and our first job is to make sure everyone is '
            'safe," said Napa Mayor Jill Techel.',
        ),
        (
            "Napa Valley counts the cost of its strongest earthquake in 25 years",
            "Winemakers in California's Napa Valley are counting the damage after a 6.0 "
            "earthquake injured dozens of people and damaged buildings across the county.",
            '"We lost about a third of our barrels overnight," said winemaker Tom Montgomery.',
        ),
    ]
    return [
        article(store, f"quake-{source}", source, *tellings[(n + telling) % 3])
        for n, source in enumerate(sources)
    ]


def others(store: Store, n: int, at: datetime | None = None) -> list[int]:
    """``n`` unrelated one-source stories, fresher than the quake."""
    subjects = [
        (
            "Council approves new bike lanes for Harbor Street",
            "PORTLAND, Ore. — Cyclists cheered as the city council voted 7-2 to paint protected "
            "lanes along Harbor Street before the summer.",
        ),
        (
            "Local bakery wins national sourdough prize",
            "A family bakery in Boise took first place at the national bread awards with a "
            "rye sourdough its owners have baked for thirty years.",
        ),
        (
            "School board delays vote on later start times",
            "Tulsa parents will wait another month for a decision on moving high school "
            "classes to 8:45 a.m., after the board asked for a bus cost study.",
        ),
        (
            "Zoo welcomes twin red panda cubs",
            "Keepers at the Denver Zoo said the endangered cubs, born to a first-time mother, "
            "are nursing well and will stay out of public view until autumn.",
        ),
        (
            "Ferry service resumes after winter repairs",
            "Seattle commuters can again cross to Bainbridge Island by boat now that the "
            "older vessel has a rebuilt propeller shaft.",
        ),
    ]
    ids = []
    for index, (title, lead) in enumerate(subjects[:n]):
        ids.append(
            article(
                store,
                f"local-{index}",
                f"Herald {index}",
                title,
                lead,
                at=at or NOW - timedelta(minutes=30),
            )
        )
    return ids


def test_one_event_covered_by_three_sources_is_one_story_and_leads(store: Store) -> None:
    ids = quake(store)
    others(store, 4)
    briefing = briefing_for(store, None, DAY, NOW)
    first = briefing.stories[0]
    assert first.story_id == store.stories.story_of(ids[0])
    assert first.sources == 3
    assert len([s for s in briefing.stories if s.story_id == first.story_id]) == 1
    assert "📰 3 sources · 2 quotes" in briefing.text
    assert first.sentence.startswith("A magnitude 6.0 earthquake struck")  # no dateline
    parse_html(briefing.text)


def test_reported_speech_is_never_shown_in_quote_marks(store: Store) -> None:
    [only] = quake(store, ("Reuters",))
    briefing = briefing_for(store, None, DAY, NOW)
    assert briefing.stories[0].quote is None
    assert "“" not in briefing.text  # "Techel said the downtown..." is not a quotation
    both = quake(store, ("AP",), telling=1)
    briefing = briefing_for(store, None, DAY, NOW)
    assert store.stories.story_of(only) == store.stories.story_of(both[0])
    assert "💬 “We have a lot of damage downtown" in briefing.text
    assert "— <i>Jill Techel</i>" in briefing.text


def test_followed_stories_come_first_and_two_slots_stay_for_the_biggest(store: Store) -> None:
    quake(store)
    article_ids = others(store, 5)
    for n, article_id in enumerate(article_ids):
        topic = store.db.execute(
            "insert into topics (name, key) values (?, ?)", [f"Town {n}", f"town {n}"]
        ).lastrowid
        store.db.execute(
            "insert into article_topics (article_id, topic_id, rank) values (?, ?, 9)",
            [article_id, topic],
        )
        if n < 4:
            store.subscriptions.follow(7, topic, NOW)
    store.db.conn.commit()
    stories = briefing_for(store, 7, DAY, NOW).stories
    assert len(stories) == 5 and [s.followed for s in stories[:3]] == [True, True, True]
    assert stories[3].sources == 3  # the quake, the day's biggest, keeps a slot
    # Someone who follows nothing gets the biggest story first.
    assert briefing_for(store, 8, DAY, NOW).stories[0].sources == 3


def test_a_story_sent_yesterday_returns_only_when_it_grew_marked_as_an_update(
    store: Store,
) -> None:
    ids = quake(store, ("Reuters", "AP"))
    story = store.stories.story_of(ids[0])
    yesterday = briefing_for(store, 7, DAY, NOW)
    assert yesterday.stories[0].story_id == story
    store.stories.remember_sent(7, DAY.isoformat(), yesterday.sizes)
    tomorrow, later = DAY + timedelta(days=1), NOW + timedelta(days=1)
    # The same outlet again, nothing new said: not shown again.
    same = article(
        store,
        "quake-reuters-2",
        "Reuters",
        "Napa earthquake: power back for most homes",
        "Power was restored to most of the thousands of Napa Valley homes cut off by the "
        "magnitude 6.0 earthquake that injured dozens on Sunday.",
        at=later - timedelta(hours=3),
    )
    assert store.stories.story_of(same) == story
    assert story not in [s.story_id for s in briefing_for(store, 7, tomorrow, later).stories]
    # A new source: the story is back, as an update.
    quake(store, ("NHK",), telling=2)
    grown = briefing_for(store, 7, tomorrow, later)
    [again] = [s for s in grown.stories if s.story_id == story]
    assert again.update and again.sources >= 3
    assert "🔄 Update: " in grown.text
    # Another chat never had it: no update mark.
    assert not [s for s in briefing_for(store, 8, tomorrow, later).stories if s.update]


def test_newsbot_stories_prints_one_json_object_per_story(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("NEWSBOT_DB", str(tmp_path / "cli.db"))
    monkeypatch.setenv("NEWSBOT_SEEDS", str(tmp_path / "no-seeds"))
    store = Store.open(tmp_path / "cli.db")
    ids = quake(store)
    others(store, 2)
    store.close()
    assert cli_main(["stories", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 3
    [big] = [s for s in lines if len(s["articles"]) == 3]
    assert set(big) == {"id", "title", "articles", "sources", "quotes"}
    assert [a["id"] for a in big["articles"]] == ids
    assert big["sources"] == 3 and big["quotes"] == 2
    assert set(big["articles"][0]) == {"id", "file", "url", "source", "date"}
    assert big["articles"][0]["source"] == "Reuters" and big["articles"][0]["file"] is None
    assert cli_main(["stories", "--since", str(date(2030, 1, 1)), "--json"]) == 0
    assert capsys.readouterr().out == ""
    assert cli_main(["stories", "--since", "yesterday"]) == 2
