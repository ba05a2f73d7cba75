"""Replies that read well: quotes without stray marks, roles with their article, and no
single scare-quoted word listed as a quote (the display is robust to what the parser gives)."""

from __future__ import annotations

import pytest

from bot.views import article_block, listable, quote_block, role_text, tidy_quote


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (
            "We are running the system with almost no margin, and every gigawatt counts,",
            "We are running the system with almost no margin, and every gigawatt counts",
        ),
        (
            'If it lands, we learn more.\n\n"And if it does not, we will still learn why,',
            "If it lands, we learn more. And if it does not, we will still learn why",
        ),
        ('the talks went well" -', "the talks went well"),
        ("“half a quote", "half a quote"),
        ("“a whole quote” inside;", "“a whole quote” inside"),
        ("Plain and finished.", "Plain and finished."),
    ],
)
def test_a_quote_is_shown_without_trailing_commas_or_stray_marks(raw: str, shown: str) -> None:
    assert tidy_quote(raw) == shown


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        ("mission's chief engineer", "the mission's chief engineer"),
        ("company’s founder", "the company’s founder"),
        ("NASA Administrator", "NASA Administrator"),
        ("head of operations at the grid operator", "head of operations at the grid operator"),
        ("the ministry's spokesman", "the ministry's spokesman"),
        (None, ""),
    ],
)
def test_a_role_keeps_its_article(role: str | None, shown: str) -> None:
    assert role_text(role) == shown


def test_a_single_scare_quoted_word_is_not_listed() -> None:
    assert not listable({"text": "comprehensive", "kind": "partial"})
    assert listable({"text": "a comprehensive deal", "kind": "partial"})
    assert listable({"text": "No.", "kind": "direct"})
    assert not listable({"text": " , ", "kind": "direct"})


def test_quote_and_article_blocks_use_the_tidy_forms() -> None:
    quote = {
        "text": "Every vote counts,",
        "kind": "direct",
        "speaker": "Ana Costa",
        "speaker_role": "commission's chair",
        "title": "Turnout",
    }
    block = quote_block(quote)
    assert "“Every vote counts”" in block and "the commission's chair" in block
    scare = {"text": "historic", "kind": "partial", "speaker": "Ana Costa"}
    article = article_block({"title": "Turnout"}, [], [scare, quote])
    assert "historic" not in article and "“Every vote counts” — <i>Ana Costa</i>" in article
