"""What goes into a briefing: new stories only, ranked, followed topics first, one valid message."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.briefings import MAX_STORIES, briefing_for, notable_quote
from bot.cli import main as cli_main
from bot.render import MAX_MESSAGE_CHARS, visible_length
from bot.store import Store
from bot.store.deliveries import Window
from tests.botapi.telegram_html import parse_html
from tests.conftest import make_article

NOW = datetime(2025, 6, 2, 8, 0, tzinfo=UTC)
DAY = NOW.date()


def add(
    store: Store,
    slug: str,
    ingested: datetime,
    *,
    topics: list[str] | None = None,
    quotes: list[tuple[str, str | None]] | None = None,
    title: str | None = None,
) -> int:
    parsed = make_article(title=title or f"Story {slug}", quotes=quotes, topics=topics)
    # Each its own event: no shared place or organisation, a text of its own.
    parsed.places, parsed.organisations = [], []
    article_id = store.articles.save(
        parsed, slug=slug, content_hash=slug, text=f"{slug} " * 60
    ).article_id
    store.db.execute(
        "update articles set ingested_at = ? where id = ?",
        [ingested.isoformat(timespec="seconds"), article_id],
    )
    store.db.conn.commit()
    return article_id


def topic_id(store: Store, name: str) -> int:
    return store.db.execute("select id from topics where name = ?", [name]).fetchone()[0]


def test_only_stories_since_the_previous_briefing_are_included(store: Store) -> None:
    add(store, "old", NOW - timedelta(hours=30))
    fresh = add(store, "fresh", NOW - timedelta(hours=2))
    first = briefing_for(store, 1, DAY, NOW)
    assert [s.article_id for s in first.stories] == [fresh]
    # Yesterday's briefing stopped at 06:00; only what came after it is new today.
    window = Window(NOW - timedelta(days=1), NOW - timedelta(hours=3))
    store.deliveries.claim(1, DAY - timedelta(days=1), "run", window, 1, NOW)
    store.deliveries.finish(1, DAY - timedelta(days=1), "run", "sent", NOW)
    later = add(store, "later", NOW + timedelta(hours=1))
    tomorrow = briefing_for(store, 1, DAY + timedelta(days=1), NOW + timedelta(days=1))
    assert {s.article_id for s in tomorrow.stories} == {fresh, later}


def test_recency_then_quotes_decide_the_order(store: Store) -> None:
    older = add(store, "older", NOW - timedelta(hours=10))
    quoted = add(
        store,
        "quoted",
        NOW - timedelta(hours=1),
        quotes=[("We will rebuild the bridge before winter comes.", "Ann Lee")],
    )
    plain = add(store, "plain", NOW - timedelta(hours=1))
    order = [s.article_id for s in briefing_for(store, None, DAY, NOW).stories]
    assert order == [quoted, plain, older]


def test_followed_topics_come_first_but_never_hide_the_biggest_stories(store: Store) -> None:
    for n in range(5):
        add(store, f"sport{n}", NOW - timedelta(hours=5 + n), topics=["Sports"])
    for n in range(3):
        add(store, f"news{n}", NOW - timedelta(minutes=5 + n), topics=["Economy"])
    store.subscriptions.follow(9, topic_id(store, "Sports"), NOW)
    stories = briefing_for(store, 9, DAY, NOW).stories
    assert len(stories) == MAX_STORIES
    assert [s.followed for s in stories] == [True, True, True, False, False]
    assert [s.title for s in stories[3:]] == ["Story news0", "Story news1"]
    # Someone who follows nothing sees the freshest story first.
    assert briefing_for(store, 10, DAY, NOW).stories[0].title == "Story news0"


def test_with_few_followed_stories_the_rest_fill_up_to_five(store: Store) -> None:
    add(store, "sport", NOW - timedelta(hours=9), topics=["Sports"])
    for n in range(6):
        add(store, f"other{n}", NOW - timedelta(hours=n), topics=["Economy"])
    store.subscriptions.follow(9, topic_id(store, "Sports"), NOW)
    stories = briefing_for(store, 9, DAY, NOW).stories
    assert len(stories) == MAX_STORIES
    assert stories[0].title == "Story sport"


def test_a_story_shows_headline_sentence_quote_with_speaker_topics_and_a_button(
    store: Store,
) -> None:
    article = add(
        store,
        "full",
        NOW - timedelta(hours=1),
        topics=["Energy"],
        quotes=[("The grid held up better than anyone expected this week.", "Marta Ibanez")],
    )
    briefing = briefing_for(store, None, DAY, NOW)
    story = store.stories.story_of(article)
    assert "<b>Story full</b>" in briefing.text
    assert f"📰 1 source · 1 quote · /story {story}" in briefing.text
    assert "“The grid held up better than anyone expected this week.” — <i>Marta Ibanez</i>" in (
        briefing.text
    )
    assert "🏷 Energy" in briefing.text
    assert "Monday, 2 June 2025" in briefing.text
    assert briefing.buttons == [[("Story full", f"sy:{story}")]]
    parse_html(briefing.text)  # valid Telegram HTML


def test_nothing_new_is_one_short_line(store: Store) -> None:
    briefing = briefing_for(store, None, DAY, NOW)
    assert briefing.empty and briefing.buttons == []
    assert "Nothing new since your last briefing" in briefing.text
    assert briefing.text.count("\n") == 1


def test_a_briefing_of_huge_stories_still_fits_one_message_of_valid_html(store: Store) -> None:
    long_quote = "<b>&amp; " * 200
    for n in range(8):
        add(
            store,
            f"big{n}",
            NOW - timedelta(minutes=n),
            title="A <very> & long headline " * 20,
            topics=[f"Topic {n} " + "x" * 60, "Another <topic>"],
            quotes=[(long_quote, "Speaker & Co " * 10)],
        )
    briefing = briefing_for(store, None, DAY, NOW)
    assert 1 <= len(briefing.stories) <= MAX_STORIES
    assert visible_length(briefing.text) <= MAX_MESSAGE_CHARS
    parse_html(briefing.text)


@pytest.mark.parametrize(
    ("quotes", "expected"),
    [
        ([{"text": "x" * 60, "kind": "indirect", "speaker": "A"}], "A"),
        (
            [
                {"text": "short", "kind": "direct", "speaker": "A"},
                {
                    "text": "a direct quote of a readable length here",
                    "kind": "direct",
                    "speaker": "B",
                },
                {"text": "a direct quote with nobody to say it, long", "kind": "direct"},
            ],
            "B",
        ),
    ],
)
def test_the_notable_quote_is_direct_named_and_readable(quotes, expected) -> None:
    assert notable_quote(quotes)["speaker"] == expected


def test_newsbot_brief_prints_the_briefing(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("NEWSBOT_DB", str(tmp_path / "cli.db"))
    monkeypatch.setenv("NEWSBOT_SEEDS", str(tmp_path / "no-seeds"))
    store = Store.open(tmp_path / "cli.db")
    add(store, "cli", datetime.now(UTC) - timedelta(hours=1), title="Printed story")
    store.close()
    assert cli_main(["brief", "--chat", "5"]) == 0
    out = capsys.readouterr().out
    assert "Your briefing" in out and "Printed story" in out and "(sy:1)" in out
    assert cli_main(["brief", "--date", "2020-01-01"]) == 0
    assert "Wednesday, 1 January 2020" in capsys.readouterr().out
    assert cli_main(["brief", "--date", "01/02/2020"]) == 2


def test_briefing_date_in_header_is_the_subscribers_local_date(store: Store) -> None:
    assert "Tuesday, 3 June 2025" in briefing_for(store, None, date(2025, 6, 3), NOW).text
