"""Questions in plain words read as the commands that answer them, and typos of commands."""

from __future__ import annotations

import pytest

from handlers.questions import Question, closest_command, read_question

COMMANDS = [
    "start",
    "help",
    "who",
    "whosaid",
    "quotes",
    "topics",
    "search",
    "latest",
    "article",
    "subscribe",
    "unsubscribe",
    "brief",
    "settings",
    "follow",
    "unfollow",
    "following",
]


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        (
            "what did Yuri Ushakov say?",
            Question(command="/quotes Yuri Ushakov", person="Yuri Ushakov"),
        ),
        (
            "What did Ushakov say about the phone call?",
            Question(person="Ushakov", about="the phone call"),
        ),
        ("what has Putin said about Ukraine", Question(person="Putin", about="Ukraine")),
        ("what’s Ushakov saying?", None),
        ("what is Raman saying about the launch?", Question(person="Raman", about="the launch")),
        ("quotes from Ana Costa", Question(command="/quotes Ana Costa", person="Ana Costa")),
        ("Quotes by NBC News!", Question(command="/quotes NBC News", person="NBC News")),
        ("news about the heatwave", Question(topic="the heatwave")),
        ("any news on Gaza?", Question(topic="Gaza")),
        ("what's new?", Question(command="/latest")),
        ("What’s new", Question(command="/latest")),
        ("anything new about space?", Question(topic="space")),
        ("is there anything new on Ukraine?", Question(topic="Ukraine")),
        ("latest news", Question(command="/latest")),
        ("who said the idea is hanging?", Question(command="/who who said the idea is hanging")),
        ("hello there", None),
        ("what did", None),
        ("", None),
    ],
)
def test_a_question_reads_as_its_command(text: str, asked: Question | None) -> None:
    assert read_question(text) == asked


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("topic", "topics"),
        ("lates", "latest"),
        ("quote", "quotes"),
        ("subscibe", "subscribe"),
        ("folow", "follow"),
        ("sub", "subscribe"),
        ("Topics", "topics"),
        ("artcle", "article"),
        ("xyzzy", None),
        ("x", None),
        ("", None),
        ("w" * 60, None),
    ],
)
def test_a_mistyped_command_is_matched_to_the_one_meant(typed: str, meant: str | None) -> None:
    assert closest_command(typed, COMMANDS) == meant
