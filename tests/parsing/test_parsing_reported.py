"""Reported speech: statements without quote marks, with their speaker."""

from __future__ import annotations

from bot.parsing import parse_article


def indirect(body: str) -> list[tuple[str, str | None, str | None]]:
    art = parse_article("A test story\n\n" + body)
    return [(q.text, q.speaker, q.cue) for q in art.quotes if q.kind == "indirect"]


def test_subject_and_reporting_verb_make_an_indirect_quote() -> None:
    got = indirect("Mayor Ann Fisher met the press. Fisher stressed the need for new ferries.")
    assert got == [("Fisher stressed the need for new ferries", "Ann Fisher", "stressed")]


def test_aside_between_subject_and_verb() -> None:
    got = indirect("Ann Fisher spoke. Fisher, meanwhile, warned that costs would rise.")
    assert got == [("Fisher, meanwhile, warned that costs would rise", "Ann Fisher", "warned")]


def test_pronoun_subject_is_resolved() -> None:
    got = indirect("Ann Fisher spoke at noon. She confirmed the crews would start in May.")
    assert got == [("She confirmed the crews would start in May", "Ann Fisher", "confirmed")]


def test_intro_clause_before_subject() -> None:
    got = indirect("While costs were not discussed, Ann Fisher reiterated her support for it.")
    assert got == [("Ann Fisher reiterated her support for it", "Ann Fisher", "reiterated")]


def test_according_to_frames_the_statement() -> None:
    got = indirect("Ann Fisher spoke. Notably, according to Fisher, the topic never came up.")
    assert got == [("according to Fisher, the topic never came up", "Ann Fisher", "according to")]


def test_organisation_reports() -> None:
    got = indirect("NBC News reported that some weapons had already reached Europe.")
    assert got == [
        ("NBC News reported that some weapons had already reached Europe", "NBC News", "reported")
    ]


def test_sentences_with_direct_quotes_are_not_reported_speech() -> None:
    assert indirect('Ann Fisher said: "We are ready."') == []


def test_verbs_that_are_not_speech_give_nothing() -> None:
    assert indirect("Ann Fisher drove to the harbour and inspected the new ferry.") == []


def test_reported_speech_after_a_time_that_ends_the_sentence_before() -> None:
    art = parse_article(
        "A test story\n\nThe mayor of Turku, Leena Aho, closed the pools until 6 p.m. "
        "Aho said the water would be tested again on Monday."
    )
    assert [(q.speaker, q.kind) for q in art.quotes] == [("Leena Aho", "indirect")]
    assert art.quotes[0].text.startswith("Aho said the water")
