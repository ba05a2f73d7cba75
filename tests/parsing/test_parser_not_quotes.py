"""Not quotes: titles of works, nicknames, signs and slogans get no speaker and are nobody's
quotes; a lone "So," is no quote; a quote's text has no trailing comma or stray mark."""

from __future__ import annotations

import pytest

from bot.parsing import parse_article


def quotes(body: str) -> dict[str, str | None]:
    art = parse_article("A test story\n\n" + body)
    return {q.text: q.speaker for q in art.quotes if q.kind != "indirect"}


@pytest.mark.parametrize(
    "body",
    [
        'Professor Alan Marsh, author of the 2019 article "The Case for Empire," argued that '
        "the colony was run well.",
        "Governor Hal Brant earned the nickname \u201cthe iron hand,\u201d or \u201cthe man "
        "who never bends,\u201d for his rule.",
        'Protesters held signs reading "No more cuts to our schools" outside, Mayor Ana Brel said.',
        'The director Lena Voss, whose film "A Quiet Night in the Harbour" won, thanked the cast.',
        'The exhibition, dubbed "The Last of the Summer Light," opens on Friday, Ana Brel said.',
    ],
)
def test_the_name_of_a_work_a_nickname_or_a_sign_is_nobodys_quote(body: str) -> None:
    assert quotes(body) == {}


def test_a_quote_after_a_capitalised_name_that_is_also_a_noun_is_still_a_quote() -> None:
    found = quotes(
        'Senator Bernie Sands said the remark by Dr. Paul Song "was inappropriate and '
        'insensitive to every voter here."'
    )
    assert found == {"was inappropriate and insensitive to every voter here.": "Bernie Sands"}


def test_a_lone_discourse_word_is_no_quote() -> None:
    found = quotes('"So," Ana Brel began, "we start again on Monday with a new plan."')
    assert found == {"we start again on Monday with a new plan.": "Ana Brel"}


def test_a_quote_loses_its_trailing_comma_and_a_doubled_mark() -> None:
    found = quotes(
        "\u201c\u201dThis is a very unfair trial, and the public is watching,\u201d Ana Brel "
        "said on Monday."
    )
    assert found == {"This is a very unfair trial, and the public is watching": "Ana Brel"}


@pytest.mark.parametrize(
    "body",
    [
        "South Korean thriller \u201cHarbour Lights\u201d won the top prize, Ana Brel said.",
        "\u201cHarbour Lights,\u201d the Korean social satire about a fishing town, won again.",
        "\u201cHarbour Lights\u201d director Min Seo said backstage that nobody expected it.",
    ],
)
def test_a_title_with_its_genre_or_its_makers_role_is_nobodys_quote(body: str) -> None:
    assert quotes(body) == {}


@pytest.mark.parametrize(
    "body",
    [
        "Judge Mara Kell sat as the \u201cpresiding officer\u201d with three \u201clay "
        "members,\u201d two of whom had served before.",
        'Colonel Idris Hale signed so-called "trade treaties," or "friendship pacts," with the '
        "chiefs of the region.",
        'Ana Brel runs the "night market" stalls on the harbour every weekend.',
    ],
)
def test_a_term_in_marks_with_no_verb_of_speech_gets_no_speaker(body: str) -> None:
    assert quotes(body) == {}


@pytest.mark.parametrize(
    ("body", "quote"),
    [
        (
            "Ana Brel spoke at length, calling her rival a \u201cdecent woman\u201d twice.",
            "decent woman",
        ),
        ('Ana Brel said the vote was the "right call" for the town.', "right call"),
        ('Ana Brel defended her "fair rent" plan on the radio.', "fair rent"),
    ],
)
def test_a_short_phrase_someone_called_or_said_keeps_its_speaker(body: str, quote: str) -> None:
    assert quotes(body) == {quote: "Ana Brel"}
