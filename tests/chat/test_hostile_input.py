"""Unit-level guards for what users and ingested articles can put into a reply."""

from __future__ import annotations

import pytest

from bot.views import article_block, article_line, sources_lines
from handlers.common import keyboard, page_numbers, row_number


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "http://[::1", "//x"]
)
def test_only_web_urls_become_links(url: str) -> None:
    block = article_block({"title": "T", "url": url}, [], [])
    assert "<a " not in block
    [_, line] = sources_lines([{"url": url, "source": "S"}])
    assert "<a " not in line


def test_a_web_url_is_linked_with_its_quotes_escaped() -> None:
    block = article_block({"title": "T", "url": 'https://x.org/a?b="c"&d=<e>'}, [], [])
    assert '<a href="https://x.org/a?b=&quot;c&quot;&amp;d=&lt;e&gt;">' in block


def test_an_article_line_without_date_or_source_has_no_stray_separator() -> None:
    line = article_line({"id": 1, "title": "Headline", "n_quotes": 2})
    assert line == "#1 <b>Headline</b>\n2 quotes"


@pytest.mark.parametrize("label", ["", " ", "\u200b", "\u202e\u200f", "\x00"])
def test_a_button_label_with_nothing_visible_still_shows_something(label: str) -> None:
    markup = keyboard([[(label, "ar:1")]])
    assert markup is not None and markup.inline_keyboard[0][0].text == "…"


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("0", 0),
        ("42", 42),
        ("9" * 18, int("9" * 18)),
        ("9" * 19, None),
        ("²", None),
        ("١", None),
        ("-1", None),
        ("+1", None),
        ("1e9", None),
        (" 1", None),
        ("", None),
    ],
)
def test_row_numbers_are_plain_ascii_digits_sqlite_can_hold(text: str, number: int | None) -> None:
    assert row_number(text) == number


@pytest.mark.parametrize(
    ("payload", "first_page", "page"),
    [
        ("12:5", False, (12, 5)),
        ("12:0", False, (12, 0)),
        ("12", False, None),
        ("12", True, (12, 0)),
        ("12:", True, (12, 0)),
        ("12:-5", True, None),
        (":5", False, None),
        ("١٢:5", False, None),
        ("12:5:7", False, None),
    ],
)
def test_a_page_button_carries_two_row_numbers(
    payload: str, first_page: bool, page: tuple[int, int] | None
) -> None:
    assert page_numbers(payload, first_page=first_page) == page
