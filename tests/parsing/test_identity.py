"""One person, one identity: within an article, and across the articles of a store."""

from __future__ import annotations

from pathlib import Path

from bot.parsing import parse_article
from bot.parsing.identity import Known, full_name_for, surname_key, takes_over
from bot.store import Store
from tests.conftest import make_article, store_before


def test_a_surname_is_the_last_word_that_is_not_a_suffix() -> None:
    assert surname_key("Martin Luther King Jr.") == "king"
    assert surname_key("Donald  Trump") == "trump"
    assert surname_key("Trump") == "trump"


def test_a_surname_is_the_one_full_name_that_ends_in_it() -> None:
    known = [Known(1, "Donald Trump", "President"), Known(2, "Trump", None)]
    assert full_name_for("Trump", None, known) == known[0]


def test_a_surname_two_full_names_share_stays_apart_unless_the_title_picks_one() -> None:
    known = [Known(1, "Donald Trump", "President"), Known(2, "Ivanka Trump", "adviser")]
    assert full_name_for("Trump", None, known) is None
    assert full_name_for("Trump", "former President", known) == known[0]
    assert full_name_for("Trump", "businessman", known) is None


def test_a_full_name_takes_over_the_one_word_person_stored_before_it() -> None:
    assert takes_over("Donald Trump", [Known(7, "Trump")]) == Known(7, "Trump")
    assert takes_over("Donald Trump", [Known(7, "Trump"), Known(8, "Ivanka Trump")]) is None
    assert takes_over("Trump", [Known(7, "Trump")]) is None


def test_every_way_an_article_names_a_person_is_one_person() -> None:
    art = parse_article(
        "Trump visits the plant\n\n"
        "Donald Trump toured the plant on Monday. President Trump spoke to workers.\n\n"
        '"We will keep these jobs," Mr. Trump said. "Nobody builds like us," Trump added.'
    )
    assert [p.name for p in art.people] == ["Donald Trump"]
    assert {q.speaker for q in art.quotes if q.kind == "direct"} == {"Donald Trump"}


def _save(store: Store, slug: str, quotes, people) -> None:
    store.articles.save(
        make_article(title=slug, quotes=quotes, people=people),
        slug=slug,
        content_hash=slug,
        text="x" * 300,
    )


def _people(store: Store) -> list[tuple[str, int]]:
    return [
        (row[0], row[1])
        for row in store.db.execute(
            "select p.name, count(q.id) from people p left join quotes q on q.person_id = p.id "
            "group by p.id order by p.name"
        )
    ]


def test_across_articles_a_surname_joins_the_full_name(store: Store) -> None:
    _save(store, "a", [("We will win the state.", "Donald Trump")], [("Donald Trump", None)])
    _save(store, "b", [("The polls are wrong.", "Trump")], [("Trump", "President")])
    assert _people(store) == [("Donald Trump", 2)]


def test_a_full_name_named_later_takes_the_surnames_quotes(store: Store) -> None:
    _save(store, "a", [("The polls are wrong.", "Peters")], [("Peters", "Supt")])
    _save(store, "b", [("He was shot twice.", "Audley Peters")], [("Audley Peters", None)])
    assert _people(store) == [("Audley Peters", 2)]


def test_two_people_sharing_a_surname_stay_apart(store: Store) -> None:
    _save(store, "a", [("We will win the state.", "Donald Trump")], [("Donald Trump", None)])
    _save(store, "b", [("Dad is right.", "Ivanka Trump")], [("Ivanka Trump", None)])
    _save(store, "c", [("Who knows what comes.", "Trump")], [("Trump", None)])
    assert _people(store) == [("Donald Trump", 1), ("Ivanka Trump", 1), ("Trump", 1)]


def test_a_store_from_before_the_surname_migration_joins_its_people(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with store_before(path, "_v20_people_by_surname") as old, old.db.conn:
        old.db.execute("insert into people (name, key) values ('Gayle King', 'gayle king')")
    store = Store.open(path)
    try:
        _save(store, "a", [("I keep hearing that.", "King")], [("King", None)])
        assert _people(store) == [("Gayle King", 1)]
    finally:
        store.close()


def test_the_end_of_a_longer_name_is_the_same_person_in_an_article() -> None:
    art = parse_article(
        "Doctors at the hospital\n\n"
        "Dr. Walid Abu Hatab works at the maternity ward.\n\n"
        '"The situation is extremely bad for pregnant women," Abu Hatab said.'
    )
    assert [p.name for p in art.people] == ["Walid Abu Hatab"]
    assert [q.speaker for q in art.quotes if q.kind == "direct"] == ["Walid Abu Hatab"]
