"""What a story shows: sentences split where they end, a clean summary, the best title."""

from __future__ import annotations

import pytest

from bot.story_text import (
    best_title,
    is_call_to_action,
    notable_direct_quote,
    split_sentences,
    strip_dateline,
    summary_sentence,
)


@pytest.mark.parametrize(
    ("text", "first"),
    [
        (
            "Sen. Lindsey Graham of S.C. spoke on Tuesday. He left early.",
            "Sen. Lindsey Graham of S.C. spoke on Tuesday.",
        ),
        (
            "Former President George H.W. Bush was in Houston. Aides said so.",
            "Former President George H.W. Bush was in Houston.",
        ),
        (
            "The fund grew 3.5 percent to $4.2 billion. It fell later.",
            "The fund grew 3.5 percent to $4.2 billion.",
        ),
        (
            "Dr. Ann Lee, of Napa, Calif., said it was over. Others agreed.",
            "Dr. Ann Lee, of Napa, Calif., said it was over.",
        ),
        ("“We will rebuild,” she said. “All of it.”", "“We will rebuild,” she said."),
        (
            "The U.S. Senate voted 52-48 on Friday. The House did not.",
            "The U.S. Senate voted 52-48 on Friday.",
        ),
    ],
)
def test_a_sentence_ends_where_it_ends_not_at_an_abbreviation_initial_or_number(
    text: str, first: str
) -> None:
    sentences = split_sentences(text)
    assert len(sentences) == 2
    assert sentences[0] == first


def test_a_dateline_is_not_part_of_the_summary() -> None:
    lead = (
        "NAPA COUNTY, Calif. — A magnitude 6.0 earthquake struck the Napa Valley early on "
        "Sunday, injuring dozens of people. Power was cut to thousands."
    )
    assert summary_sentence([lead]) == (
        "A magnitude 6.0 earthquake struck the Napa Valley early on Sunday, injuring dozens "
        "of people."
    )
    assert strip_dateline("WASHINGTON (AP) — The Senate passed the bill.") == (
        "The Senate passed the bill."
    )


def test_a_call_to_action_or_a_question_is_never_the_summary() -> None:
    lead = (
        "Are you in the grips of the wintry storm? Please share your videos and photos with "
        "us. Sign up for our newsletter for updates. The storm closed 40 schools across the "
        "state on Tuesday, officials said."
    )
    assert summary_sentence([lead]) == (
        "The storm closed 40 schools across the state on Tuesday, officials said."
    )
    assert is_call_to_action("Follow Pam Key on Twitter @pamkeyNEN.")


def test_a_later_article_gives_the_summary_when_the_first_has_no_clean_sentence() -> None:
    assert summary_sentence(["Watch the video.", "The quake damaged 200 buildings in Napa."]) == (
        "The quake damaged 200 buildings in Napa."
    )


def test_the_best_title_is_the_most_typical_telling() -> None:
    titles = [
        "WOW: You won't believe what happened in Napa",
        "Strong earthquake shakes Napa Valley, injuring dozens",
        "Napa Valley earthquake injures dozens, damages buildings",
    ]
    assert best_title(titles) in titles[1:]


def test_the_quote_shown_is_direct_and_named_never_reported_speech() -> None:
    quotes = [
        {"id": 1, "kind": "indirect", "speaker": "Google", "text": "according to searches"},
        {"id": 2, "kind": "partial", "speaker": "Ann Lee", "text": "comprehensive"},
        {"id": 3, "kind": "direct", "speaker": None, "text": "We have a lot of damage here."},
        {"id": 4, "kind": "direct", "speaker": "Jill Techel", "text": "We have a lot of damage."},
    ]
    assert notable_direct_quote(quotes)["id"] == 4
    assert notable_direct_quote(quotes[:3]) is None
