"""Speaker rules for live-web news: common-word surnames, names with an affiliation, and
plain speech whose speaker is not found kept with the speaker unknown."""

from __future__ import annotations

import pytest

from bot.parsing import parse_article


def direct(body: str) -> dict[str, str | None]:
    """quote text -> speaker, for the direct and partial quotes of a one-story article."""
    art = parse_article("A test story\n\n" + body)
    return {q.text: q.speaker for q in art.quotes if q.kind != "indirect"}


@pytest.mark.parametrize(
    ("body", "quote", "speaker"),
    [
        (
            "Morning host Gayle King spoke with voters in Columbia.\n\n"
            '"Are you worried about what happens to your candidate?" King asked.',
            "Are you worried about what happens to your candidate?",
            "Gayle King",
        ),
        (
            "Prime Minister Theresa May met the press in London.\n\n"
            '"We will leave the union on time," May said on Monday.',
            "We will leave the union on time",
            "Theresa May",
        ),
        (
            "Former aide Wayne Young ran for the seat.\n\n"
            '"The first I heard of it was late Tuesday evening," said Young, who quit.',
            "The first I heard of it was late Tuesday evening",
            "Wayne Young",
        ),
        (
            "Senator Peter Long and coach Ellen Rice spoke after the game.\n\n"
            '"It was a long season for everyone," Long added. "We played with heart," '
            "Rice told reporters.",
            "It was a long season for everyone",
            "Peter Long",
        ),
    ],
)
def test_a_common_word_surname_is_the_person_the_article_names(
    body: str, quote: str, speaker: str
) -> None:
    assert direct(body)[quote] == speaker


def test_the_month_and_the_title_stay_words() -> None:
    art = parse_article(
        "A test story\n\nTheresa May spoke in May. The King arrived on May 5. "
        '"The talks went well," Theresa May said.'
    )
    assert [p.name for p in art.people] == ["Theresa May"]
    assert [q.speaker for q in art.quotes] == ["Theresa May"]


def test_a_name_with_an_affiliation_before_the_verb_is_the_speaker() -> None:
    quotes = direct(
        "Lena Ortiz ran the parade.\n\n"
        '"We will decide in the morning whether the balloons fly," Patrol Chief Mark Hale '
        "with the City Police Department said Wednesday."
    )
    assert quotes["We will decide in the morning whether the balloons fly"] == "Mark Hale"


def test_a_given_name_that_is_also_a_word_opens_the_speakers_name() -> None:
    quotes = direct(
        "Tuition rose again, Professor Dana Kerr said.\n\n"
        '"It is an expensive business model," said Will Doyle, a professor of economics.'
    )
    assert quotes["It is an expensive business model"] == "Doyle"


def test_plain_speech_whose_speaker_is_not_found_is_kept_with_the_speaker_unknown() -> None:
    quotes = direct(
        '"The harbour will reopen next week," Ana Brel said.\n\n'
        "\u201cI deeply regret what happened and I apologise to my colleagues,\u201d the "
        "future President said in a video released on Sunday."
    )
    assert quotes["The harbour will reopen next week"] == "Ana Brel"
    # not the previous paragraph's speaker: the sentence names its own, unresolved
    assert quotes["I deeply regret what happened and I apologise to my colleagues"] is None


def test_a_title_before_a_speech_verb_with_no_speaker_found_is_not_kept() -> None:
    quotes = direct('"The Art of the Deal," the President said, was on the shelf again.')
    assert quotes == {}


def test_quotes_in_single_marks_are_found_as_uk_papers_print_them() -> None:
    quotes = direct(
        "Union leader Jo Grady spoke in Leeds.\n\n"
        "\u2018We won\u2019t back down, and the teachers\u2019 union agrees,\u2019 said Grady.\n\n"
        "The \u2018gig economy\u2019 has grown since the \u201990s, the report found."
    )
    assert quotes == {"We won\u2019t back down, and the teachers\u2019 union agrees": "Jo Grady"}


def test_a_heading_in_capitals_between_single_marks_is_no_quote() -> None:
    assert direct("\u2018THE OTHER SIDE OF THE PARTY\u2019 said the headline.") == {}


def test_a_surname_that_only_opens_sentences_still_speaks() -> None:
    quotes = direct(
        "\u201cWe are tired of being told it is offensive!\u201d Cruz said.\n\n"
        "Still, the race \u201cis a dead heat right now,\u201d as Cruz said on the radio on "
        "Monday."
    )
    assert quotes == {
        "We are tired of being told it is offensive!": "Cruz",
        "is a dead heat right now": "Cruz",
    }


def test_speech_right_after_a_verb_of_speech_with_no_one_found_is_kept_unknown() -> None:
    quotes = direct(
        "Flyers were handed out at the station on Monday.\n\n"
        "It says: \u201cNothing will change until the harbour is ours again.\u201d"
    )
    assert quotes == {"Nothing will change until the harbour is ours again.": None}


def test_a_party_tag_in_brackets_between_a_name_and_its_verb_is_an_aside() -> None:
    quotes = direct(
        "After the vote, Sen. Maria Delgado (D-Nev.), said, \u201cWe are ready to take this "
        "fight to every county in the state.\u201d"
    )
    assert quotes == {
        "We are ready to take this fight to every county in the state.": "Maria Delgado"
    }


def test_she_is_never_the_name_of_a_meeting() -> None:
    quotes = direct(
        "On the last day of the Republican National Convention, Ana Brel walked onto the "
        "stage. Then she broke with the convention's line on the ferry.\n\n"
        '"We need the ferry back before the summer," she said.'
    )
    assert quotes == {"We need the ferry back before the summer": "Ana Brel"}


@pytest.mark.parametrize(
    "body",
    [
        "Dr Ana Brel said: \u2018The first results are promising and the team is delighted."
        "\n\n\u2018We now need a trial with far more patients before anyone can say it works."
        "\u2019\n\nThe trial starts in May.",
        "\u2018The first results are promising and the team is delighted,\u2019 said Dr Ana "
        "Brel.\n\n\u2018We now need a trial with far more patients before anyone can say it "
        "works.\u2019",
    ],
)
def test_a_speech_in_single_marks_goes_on_over_paragraphs(body: str) -> None:
    quotes = direct(body)
    assert [q.rstrip(".") for q, who in quotes.items() if who == "Ana Brel"] == [
        "The first results are promising and the team is delighted",
        "We now need a trial with far more patients before anyone can say it works",
    ]


def test_a_term_in_single_marks_after_a_quote_is_not_its_speakers() -> None:
    quotes = direct(
        "\u2018The first results are promising,\u2019 said Dr Ana Brel.\n\n"
        "The next stage, which the team calls \u2018open harbour\u2019, starts in May."
    )
    assert quotes == {"The first results are promising": "Ana Brel"}


@pytest.mark.parametrize(
    ("body", "speaker"),
    [
        (
            '"Patrols will be stepped up tonight," said the Ministry of National Security.',
            "Ministry of National Security",
        ),
        (
            'The Office for National Statistics said: "The figures are the worst in a decade."',
            "Office for National Statistics",
        ),
        (
            '"The results are clear and they hold," the University of Leeds said on Monday.',
            "University of Leeds",
        ),
    ],
)
def test_an_organisation_of_something_speaks_under_its_whole_name(body: str, speaker: str) -> None:
    assert list(direct(body).values()) == [speaker]
    assert parse_article("A test story\n\n" + body).people == []


def test_a_senior_rank_stays_out_of_the_name() -> None:
    quotes = direct('"We are appealing for witnesses," said Snr Supt Kerwin Hale.')
    assert quotes == {"We are appealing for witnesses": "Kerwin Hale"}


def test_speech_according_to_a_source_with_no_name_is_kept_unknown() -> None:
    quotes = direct(
        "The survey was carried out over the summer.\n\n"
        "According to the study, published on Monday, \u201cthe effect was seen in every "
        "town we sampled\u201d."
    )
    assert quotes == {"the effect was seen in every town we sampled": None}


def test_a_title_alone_as_the_speaker_is_the_one_holding_it() -> None:
    quotes = direct(
        "President-elect Ana Brel apologised to the two employees on Sunday.\n\n"
        "\u201cI deeply regret what happened and I apologise to my former colleagues,\u201d the "
        "future President said in a video."
    )
    assert quotes == {
        "I deeply regret what happened and I apologise to my former colleagues": "Ana Brel"
    }


def test_quotes_in_straight_single_marks_are_found_with_their_cue() -> None:
    quotes = direct(
        "Housing secretary Karen Holt spoke in Cardiff.\n\n"
        "'We won't back down, and the tenants' union agrees,' said Ms Holt.\n\n"
        "She added: 'Nobody should lose their home over a winter bill.'"
    )
    assert quotes == {
        "We won't back down, and the tenants' union agrees": "Karen Holt",
        "Nobody should lose their home over a winter bill.": "Karen Holt",
    }


def test_apostrophes_and_terms_in_straight_single_marks_are_no_quotes() -> None:
    quotes = direct(
        "Karen Holt, 52, grew up in the '90s on rock 'n' roll and the students' union.\n\n"
        "The 'gig economy' has grown since then, the report found."
    )
    assert quotes == {}


def test_double_marks_inside_single_ones_are_the_inner_quote() -> None:
    quotes = direct(
        "\u2018I told him, \u201cyou cannot go back there tonight\u201d, and he left,\u2019 "
        "said Maria Lopes, 34."
    )
    assert quotes == {
        "I told him, \u201cyou cannot go back there tonight\u201d, and he left": "Maria Lopes"
    }


@pytest.mark.parametrize(
    ("body", "speaker"),
    [
        (
            "Jordan Lee, a warehouse worker, lost their job in March. "
            '"I had two weeks\' notice and no savings at all," they said.',
            "Jordan Lee",
        ),
        (
            "Jordan Lee and two colleagues lost their jobs at the depot in March. "
            '"We had two weeks\' notice and no savings at all," they said.',
            None,
        ),
        (
            "Residents met the council on Monday. "
            '"We were never asked about the new road at all," they said.',
            None,
        ),
    ],
)
def test_they_is_the_one_person_named_before_when_no_gender_is_known(
    body: str, speaker: str | None
) -> None:
    assert list(direct(body).values()) == [speaker]


@pytest.mark.parametrize(
    "body",
    [
        "Apple declined to comment on the report on Monday. "
        '"We take the privacy of our customers very seriously," it said.',
        '"We have closed the plant for safety checks," Apple said. '
        '"It will reopen once the inspectors are satisfied," it added.',
    ],
)
def test_it_after_an_organisation_is_that_organisation(body: str) -> None:
    assert set(direct(body).values()) == {"Apple"}


def test_an_it_of_the_reporters_sentence_speaks_nothing() -> None:
    quotes = direct(
        "Apple published its plan on Monday. Critics said it offered "
        '"nothing new for the people who repair their own phones."'
    )
    assert "Apple" not in quotes.values()


@pytest.mark.parametrize(
    "body",
    [
        "Christian Lindner said: \u00bbWe will not raise taxes this year.\u00ab",
        "Christian Lindner said: \u201eWe will not raise taxes this year.\u201c",
        "\u00ab\u00a0We will not raise taxes this year\u00a0\u00bb, said Christian Lindner.",
        "\u00bbWe will not raise taxes this year\u00ab, said Christian Lindner.",
    ],
)
def test_guillemets_and_low_marks_closing_a_paragraph_hold_its_quote(body: str) -> None:
    quotes = direct(body)
    assert [(q.rstrip("."), who) for q, who in quotes.items()] == [
        ("We will not raise taxes this year", "Christian Lindner")
    ]


def test_a_bare_single_marked_paragraph_leads_into_the_named_one_after_it() -> None:
    quotes = direct(
        "Mark Hughes spoke after the match.\n\n"
        "\u2018It was a long afternoon for everyone in the dressing room.\u2019\n\n"
        "\u2018We will learn from it and come back stronger,\u2019 said Hughes."
    )
    assert quotes == {
        "It was a long afternoon for everyone in the dressing room.": "Mark Hughes",
        "We will learn from it and come back stronger": "Mark Hughes",
    }


def test_his_message_before_a_colon_gives_the_quote_to_the_one_he_is() -> None:
    quotes = direct(
        "Prime Minister Andrew Holness spoke in Kingston. His message was clear: "
        '"Crime will not win in this country."'
    )
    assert quotes == {"Crime will not win in this country.": "Andrew Holness"}


@pytest.mark.parametrize(
    "body",
    [
        "In Holt's words, \u201cnobody should lose their home over a winter bill.\u201d",
        "In the words of Karen Holt, \u201cnobody should lose their home over a winter bill.\u201d",
        "\u201cNobody should lose their home over a winter bill\u201d \u2014 Karen Holt, "
        "speaking on Monday.",
    ],
)
def test_in_someones_words_and_a_dash_credit_name_the_speaker(body: str) -> None:
    quotes = direct("Karen Holt, who chairs the housing committee, visited the estate.\n\n" + body)
    assert list(quotes.values()) == ["Karen Holt"]


@pytest.mark.parametrize(
    "body",
    [
        "In the words of the old song, \u201cnobody should lose their home over a bill.\u201d",
        "\u201cMake the Estate Great Again\u201d \u2014 the council\u2019s slogan \u2014 was "
        "on every wall.",
    ],
)
def test_words_of_no_one_and_a_dash_before_a_description_name_no_speaker(body: str) -> None:
    assert direct(body) == {}


@pytest.mark.parametrize(
    ("body", "speaker"),
    [
        (
            "Karen Holt, 52, has lived on the estate for 20 years. Her neighbour Tom Reed "
            "agrees.\n\n"
            '"Nobody should lose their home over a winter bill," the 52-year-old said.',
            "Karen Holt",
        ),
        (
            "Karen Holt has lived on the estate for 20 years.\n\n"
            '"Nobody should lose their home over a winter bill," the 52-year-old said.',
            "Karen Holt",
        ),
        (
            "Karen Holt and Tom Reed have lived on the estate for 20 years.\n\n"
            '"Nobody should lose their home over a winter bill," the 52-year-old said.',
            None,
        ),
    ],
)
def test_the_n_year_old_is_the_person_given_that_age_or_the_one_named(
    body: str, speaker: str | None
) -> None:
    assert list(direct(body).values()) == [speaker]
