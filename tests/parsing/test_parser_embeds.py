"""Embedded posts: a post's text followed by its embed credit is a quote of its author."""

from __future__ import annotations

from bot.parsing import parse_article


def quotes(body: str) -> list[tuple[str, str | None]]:
    art = parse_article("A test story\n\n" + body)
    return [(q.text, q.speaker) for q in art.quotes if q.kind == "direct"]


def test_a_post_above_its_credit_line_is_a_quote_of_its_author() -> None:
    found = quotes(
        "Council leader Priya Raman welcomed the ruling on Friday.\n\n"
        "A good day for the harbour and everyone who fought for it. Thank you all. "
        "https://t.co/AbC123xyz\n\n"
        "— Priya Raman (@priyaraman_cllr) March 3, 2023\n\n"
        "The ruling can still be appealed."
    )
    assert found == [
        ("A good day for the harbour and everyone who fought for it. Thank you all.", "Priya Raman")
    ]


def test_a_dash_line_with_no_account_credits_no_post() -> None:
    found = quotes(
        "The harbour will stay open all winter.\n\n— Priya Raman, council leader, March 3, 2023"
    )
    assert found == []


def test_a_post_already_in_marks_is_one_quote() -> None:
    found = quotes(
        "\u201cA good day for the harbour and everyone who fought for it,\u201d she wrote.\n\n"
        "— Priya Raman (@priyaraman_cllr) March 3, 2023"
    )
    assert len(found) == 1
