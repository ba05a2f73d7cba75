"""Odd input gives a result, never a traceback or a hang."""

from __future__ import annotations

import random

import pytest

from bot.parsing import parse_article


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n\t ",
        "\x00\x01\x02\ufffd\ufffd",
        "Just one line without anything",
        "Title\n\nNo quotes in this body at all. None.",
        'Title\n\n" " “ ” « » „ \'\' "',
        "Title\n\n“unclosed at the end",
        'Заголовок\n\n«Мы готовы», — сказал мэр. 市长说：“我们准备好了。” قال "نحن جاهزون"',
        "Title\n\n" + "Sen. " * 5000,
        "Title\n\n" + ("A " * 20000),
        "Title\n\n" + '"' * 10000,
        "Title\n\n" + "<tweet " * 3000,
    ],
)
def test_odd_input_gives_a_result(text: str) -> None:
    art = parse_article(text)
    assert isinstance(art.to_json("x"), dict)
    for q in art.quotes:
        assert text[q.start : q.end] == q.text


def test_binary_junk_decoded_as_text() -> None:
    rnd = random.Random(1)
    junk = bytes(rnd.randrange(256) for _ in range(50_000)).decode("latin-1")
    art = parse_article(junk)
    assert art.to_json("junk")["id"] == "junk"


def test_bytes_and_none_are_accepted() -> None:
    assert parse_article(b"Title\n\nBody.").title == "Title"
    assert parse_article(None).quotes == []


def test_large_text_is_parsed_whole() -> None:
    story = 'Ann Fisher spoke. "We are ready for the storm," Fisher said.\n\n'
    art = parse_article("Title\n\n" + story * 2000)
    assert len([q for q in art.quotes if q.kind == "direct"]) == 2000
