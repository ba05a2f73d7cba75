"""People: full names, roles, and resolving surnames, pronouns and role nouns."""

from __future__ import annotations

from bot.parsing import parse_article


def speakers(body: str) -> list[str | None]:
    art = parse_article("A test story\n\n" + body)
    return [q.speaker for q in art.quotes if q.kind != "indirect"]


def test_surname_resolves_to_full_name_first_mentioned() -> None:
    body = 'Harbour chief Ola Brandt met the council. "We need dredging now," Brandt said.'
    assert speakers(body) == ["Ola Brandt"]


def test_pronoun_resolves_by_gender() -> None:
    body = (
        "Mary Collins met David Grant on Monday. Grant left early. "
        'Collins stayed for the vote. "It passed easily," she said.'
    )
    assert speakers(body) == ["Mary Collins"]
    body = 'Mary Collins met David Grant. Grant left early. "I had a train to catch," he said.'
    assert speakers(body) == ["David Grant"]


def test_pronoun_prefers_the_subject_of_the_previous_sentence() -> None:
    body = 'Peter Hall criticised Tom Reyes on Monday. "His plan will fail," he said.'
    assert speakers(body) == ["Peter Hall"]


def test_honorific_gender_picks_the_right_namesake() -> None:
    body = (
        "Robert Lang and Susan Lang run the farm. Mr. Lang drives. "
        "''We grow apples,'' Mrs. Lang said. ''They sell well,'' she added."
    )
    assert speakers(body) == ["Susan Lang", "Susan Lang"]


def test_role_noun_resolves_to_person_with_that_role() -> None:
    body = (
        "Kate Lee, a spokeswoman for the mayor, spoke to reporters. "
        '"We have no comment on that matter," the spokeswoman said.'
    )
    assert speakers(body) == ["Kate Lee"]


def test_people_keep_roles_from_title_and_appositive() -> None:
    art = parse_article(
        "A test story\n\nFrench President Paul Moreau met Lina Park, an aide to the mayor. "
        "Moreau spoke first and Park listened. Later Moreau left.\n"
    )
    people = {p.name: p for p in art.people}
    assert people["Paul Moreau"].role == "French President"
    assert people["Lina Park"].role == "aide to the mayor"
    assert people["Paul Moreau"].mentions == 3


def test_possessive_does_not_leak_into_name() -> None:
    art = parse_article("A test story\n\nThe mayor's aide Tom Reyes spoke. Reyes's plan won.\n")
    assert [p.name for p in art.people] == ["Tom Reyes"]


def people(text: str) -> list[str]:
    return [p.name for p in parse_article(text).people]


def test_title_case_headline_words_are_not_names_unless_the_body_has_them() -> None:
    text = (
        "Gillibrand on Hillary Releasing Her Speech Transcripts\n\n"
        "Sen. Kirsten Gillibrand said Hillary Clinton should release them. "
        '"I think she will," Gillibrand said.'
    )
    names = people(text)
    assert "Hillary Releasing" not in names
    assert "Hillary Clinton" in names and "Kirsten Gillibrand" in names


def test_a_lone_given_name_is_the_one_person_of_that_name() -> None:
    text = (
        "A story\n\nHillary Clinton spoke on Monday. Her supporters cheered. "
        '"Hillary will win," said Tom Reyes.'
    )
    assert people(text).count("Hillary Clinton") == 1
    assert "Hillary" not in people(text)


def test_contractions_places_and_sentence_words_are_not_people() -> None:
    text = (
        "A story\n\n"
        '"Don\'t go," Tom Reyes said in New Jersey. Aides said he was tired, and the '
        "aides left. Specifically, the plan failed."
    )
    names = people(text)
    assert names == ["Tom Reyes"]


def test_names_of_things_are_not_people_but_namesake_surnames_are() -> None:
    text = (
        "A story\n\n"
        "Sheriff Joe Arpaio of Maricopa County spoke on the Sean Hannity Show. "
        'Kristen Day of the group disagreed. "It is wrong," Day said.'
    )
    names = people(text)
    assert "Maricopa County" not in names and "Sean Hannity Show" not in names
    assert "Joe Arpaio" in names and "Kristen Day" in names
