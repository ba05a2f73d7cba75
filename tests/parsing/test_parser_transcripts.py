"""Interview transcripts without quote marks: Q:/A: lines are the interviewer's questions
and the interviewee's answers; NAME: lines of a broadcast exchange are the label's."""

from __future__ import annotations

import pytest

from bot.parsing import parse_article


def turns(article: str) -> list[tuple[str, str | None]]:
    art = parse_article(article, transcripts=True)
    return [(q.text[:14], q.speaker) for q in art.quotes if q.kind == "direct"]


_INTERVIEW = (
    "Q&A: Dr Helen Marsh on the future of the hospital trust\n\n"
    "Dr Helen Marsh has led the trust since 2019. Marsh spoke to Tom Reed about waiting "
    "lists. The interview has been edited for length.\n\n"
    "{q} How bad are the waiting lists right now?\n\n"
    "{a} They are the worst I have seen in my career, and they will get worse.\n\n"
    "It is not the staff. They work harder than they ever have.\n\n"
    "{q} What would you change first?\n\n"
    "{a} I would fund community care properly, because that is where patients wait.\n\n"
    "The trust publishes its figures every month."
)


@pytest.mark.parametrize(("q", "a"), [("Q:", "A:"), ("Q.", "A.")])
def test_answers_of_a_q_and_a_are_the_interviewees_and_questions_kept_unknown(
    q: str, a: str
) -> None:
    assert turns(_INTERVIEW.format(q=q, a=a)) == [
        ("How bad are th", None),
        ("They are the w", "Helen Marsh"),
        ("It is not the ", "Helen Marsh"),
        ("What would you", None),
        ("I would fund c", "Helen Marsh"),
    ]


def test_the_interviewee_is_the_one_the_introduction_names_most() -> None:
    found = turns(
        "Life after the league\n\n"
        "Former striker Dan Okafor retired in May. He talked to our reporter, Ann Lee, "
        "about coaching. Okafor now runs an academy in Leeds.\n\n"
        "Q: Do you miss playing on a Saturday afternoon?\n\n"
        "A: Every single week, but coaching the kids comes close to it."
    )
    assert found == [("Do you miss pl", None), ("Every single w", "Dan Okafor")]


def test_lines_of_a_broadcast_exchange_are_the_labels_speakers() -> None:
    found = turns(
        "Governor backs the plan\n\n"
        "Gov. Mary Fallin spoke to CNN's Jake Tapper on Sunday.\n\n"
        "JAKE TAPPER: Governor, do you think the plan will pass this year?\n\n"
        "FALLIN: I think it will pass with support from both parties.\n\n"
        "TAPPER: And if it does not pass?\n\n"
        "FALLIN: Then we will bring it back next session, and we will win."
    )
    assert found == [
        ("Governor, do y", "Jake Tapper"),
        ("I think it wil", "Mary Fallin"),
        ("And if it does", "Jake Tapper"),
        ("Then we will b", "Mary Fallin"),
    ]


@pytest.mark.parametrize(
    "body",
    [
        "UPDATE: The council has since withdrawn the plan.\n\n"
        "Photo: The harbour at dawn, before the storm reached the town.",
        "Where the candidates stand\n\n"
        "Bernie Sanders: Win the state in a walk.\n\n"
        "Marco Rubio: Finish second and stay in the race.\n\n"
        "Ted Cruz: Just hang on until the South votes.",
        "Results\n\nHillary Clinton: 1,769.\n\nBernie Sanders: 1,501.\n\n"
        "Hillary Clinton: 547.\n\nBernie Sanders: 46.",
    ],
)
def test_labels_that_are_no_exchange_speak_nothing(body: str) -> None:
    assert turns("A test story\n\n" + body) == []


def test_a_question_without_an_answer_is_no_transcript() -> None:
    assert turns("A test story\n\nQ: Who wins the cup this year, and by how much?") == []


def test_transcripts_are_read_only_when_asked_for() -> None:
    art = parse_article(_INTERVIEW.format(q="Q:", a="A:"))
    assert [q for q in art.quotes if q.kind == "direct"] == []
