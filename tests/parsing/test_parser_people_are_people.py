"""People are people: the persons an article keeps are human names, never a common word
opening a sentence, a heading fragment, a street, a building, a war or a title split
from a name."""

from __future__ import annotations

import pytest

from bot.parsing import parse_article


def people(body: str) -> list[str]:
    return [p.name for p in parse_article("A test story\n\n" + body).people]


@pytest.mark.parametrize(
    ("body", "not_a_person"),
    [
        (
            'Mayor Ruth Okafor opened the hall. Often, visitors were "stunned by the view," '
            "Okafor said.",
            "Often",
        ),
        (
            "The shop closed at noon.\n\nMoments earlier, Ruth Okafor had said it would open.",
            "Moments",
        ),
        (
            "Ruth Okafor criticised the plan.\n\nEventually, the judge stopped the hearing.",
            "Eventually",
        ),
        (
            'Ruth Okafor toured Trump Tower. "It is tall," said Okafor.',
            "Trump Tower",
        ),
        ("Ruth Okafor wrote a history of the World War One campaigns.", "World War"),
        (
            "The second victim, Ruth Okafor, was found on Joe Farrington Road on Monday.",
            "Joe Farrington Road",
        ),
        (
            "The street is to become Anna-Mungunda-Allee next year, Ruth Okafor said.",
            "Anna-Mungunda-Allee",
        ),
        (
            "Ruth Okafor spoke for the Universities and Colleges Employers’ Association.",
            "Colleges Employers",
        ),
        ("Streets that honour leaders of the Reich's expansion will be renamed.", "Reich"),
        (
            "Ruth Okafor and her son moved in March. Taking Archie outside is her favourite "
            "part of the day.",
            "Taking Archie",
        ),
        (
            "Ruth Okafor spoke to the Harris County Sheriff about the break-in.",
            "Harris County Sheriff",
        ),
    ],
)
def test_a_common_word_a_place_or_a_thing_is_not_a_person(body: str, not_a_person: str) -> None:
    found = people(body)
    assert not_a_person not in found
    assert set(found) <= {"Ruth Okafor", "Archie"}


def test_a_title_before_a_name_is_left_out_of_the_name() -> None:
    found = people(
        "At the headquarters, Chief Executive Satya Nadella said the plan was ready. "
        "Supt Audley Peters said the man was shot twice."
    )
    assert found == ["Satya Nadella", "Audley Peters"]


def test_a_name_with_two_initials_is_kept_whole() -> None:
    assert people("President George H.W. Bush named him to the court.") == ["George H.W. Bush"]


def test_a_surname_with_a_police_rank_is_the_full_name_met_before() -> None:
    art = parse_article(
        "A test story\n\nSuperintendent Audley Peters spoke at the scene.\n\n"
        '"The man was at a fruit stand when he was shot," Supt Peters said.'
    )
    assert [p.name for p in art.people] == ["Audley Peters"]
    assert [q.speaker for q in art.quotes if q.kind == "direct"] == ["Audley Peters"]


@pytest.mark.parametrize(
    ("body", "not_a_person"),
    [
        (
            "Joan's Bakery on Market Street reopened on Friday, Ruth Okafor said.",
            "Joan",
        ),
        (
            'Ruth Okafor starred in the sitcom "The Wonderful Mr Pemberton" for six years.',
            "Pemberton",
        ),
        (
            "Ruth Okafor, whose debut film won an Oscar in 2009, spoke to students.",
            "Oscar",
        ),
        (
            "The Bonnie and Clyde musical ran for a month before Ruth Okafor closed it.",
            "Clyde",
        ),
    ],
)
def test_a_business_a_character_of_a_work_or_a_thing_named_like_someone_is_not_a_person(
    body: str, not_a_person: str
) -> None:
    found = people(body)
    assert not_a_person not in found
    assert "Ruth Okafor" in found


def test_an_organisation_that_speaks_keeps_its_quote_but_is_not_a_person() -> None:
    art = parse_article(
        "A test story\n\n"
        '"Trains on the coast line will run an hour late all week," Amtrak said on Monday.'
    )
    assert "Amtrak" not in [p.name for p in art.people]
    assert [q.speaker for q in art.quotes if q.kind == "direct"] == ["Amtrak"]


@pytest.mark.parametrize(
    ("body", "person"),
    [
        ('Ruth Okafor was a guest on "Real Time with Bill Maher" last week.', "Bill Maher"),
        ("A man named Oscar drove Ruth Okafor to the station, she said.", "Oscar"),
        ("Her son, Oscar, drove Ruth Okafor to the station. Oscar said it was late.", "Oscar"),
        (
            "Ruth Okafor visited Joan's home in Leeds, where Joan Reid has lived since 1990.",
            "Joan Reid",
        ),
    ],
)
def test_a_name_the_text_treats_as_someone_stays_a_person(body: str, person: str) -> None:
    assert person in people(body)
