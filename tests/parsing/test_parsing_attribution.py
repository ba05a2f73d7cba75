"""Speaker finding: one small example per attribution shape."""

from __future__ import annotations

import pytest

from bot.parsing import parse_article


def direct(body: str) -> list[tuple[str, str | None]]:
    """(quote text, speaker) of the direct and partial quotes of a one-story article."""
    art = parse_article("A test story\n\n" + body)
    return [(q.text, q.speaker) for q in art.quotes if q.kind != "indirect"]


@pytest.mark.parametrize(
    ("body", "quote", "speaker"),
    [
        # "...," X said.
        (
            'Mayor Ann Fisher spoke. "The bridge opens in May," Fisher said.',
            "The bridge opens in May",
            "Ann Fisher",
        ),
        # X said: "..."
        (
            'Mayor Ann Fisher said: "The bridge opens in May."',
            "The bridge opens in May.",
            "Ann Fisher",
        ),
        # "...," said X, the ...
        (
            '"The bridge opens in May," said Ann Fisher, the mayor of Lakeside.',
            "The bridge opens in May",
            "Ann Fisher",
        ),
        # As X noted, "..."
        (
            'Ann Fisher arrived late. As Fisher noted, "the bridge opens in May."',
            "the bridge opens in May.",
            "Ann Fisher",
        ),
        # X deflected: "..."
        (
            'Ann Fisher was asked about cost. Fisher deflected: "Ask the engineers about that."',
            "Ask the engineers about that.",
            "Ann Fisher",
        ),
        # "...," X, a role, added.
        (
            '"We are on schedule," Ann Fisher, the mayor of Lakeside, added.',
            "We are on schedule",
            "Ann Fisher",
        ),
        # NYT-style marks with an honorific
        (
            "Ann Fisher runs the town. ''We are on schedule,'' Ms. Fisher said.",
            "We are on schedule",
            "Ann Fisher",
        ),
        # a "Name:" label
        (
            'Rep. Carl Dorn (R-Ohio): "Who approved the extra spending?"',
            "Who approved the extra spending?",
            "Carl Dorn",
        ),
        # partial quote woven into a reported clause
        (
            'Ann Fisher said the bridge would "change the whole valley" within a year.',
            "change the whole valley",
            "Ann Fisher",
        ),
        # closing ", X said" clause after the quote's own sentence goes on
        (
            'The plan is "the best deal the town ever got" for its money, Ann Fisher said.',
            "the best deal the town ever got",
            "Ann Fisher",
        ),
        # participle: "..., adding that ..."
        (
            'Ann Fisher praised the crews, adding that the work was "ahead of every estimate."',
            "ahead of every estimate.",
            "Ann Fisher",
        ),
        # whose role it is, then the role, then the name: "X spokeswoman Y said"
        (
            '"We expect to do well in Iowa," Huckabee spokeswoman Alice Stewart said.',
            "We expect to do well in Iowa",
            "Alice Stewart",
        ),
        (
            '"The board meets in June," Lakeside campaign manager Ann Fisher said Friday.',
            "The board meets in June",
            "Ann Fisher",
        ),
        # an organisation whose name holds a verb-like word, its role, the name
        (
            '"It covered up this email," Judicial Watch president Tom Fitton said.',
            "It covered up this email",
            "Tom Fitton",
        ),
        # a possessive organisation before the name
        (
            '"People want a raise," American Action Forum\u2019s Douglas Holtz-Eakin said.',
            "People want a raise",
            "Douglas Holtz-Eakin",
        ),
        # an appositive holding an abbreviation with its period: ", R-Ky., said"
        (
            '"Let me make it clear," Senate Majority Leader Mitch McConnell, R-Ky., said.',
            "Let me make it clear",
            "Mitch McConnell",
        ),
        # "as X put it:" reports speech, though "put" alone does not
        (
            'Ann Fisher, the mayor, was blunt. As Fisher put it: "The bridge is late."',
            "The bridge is late.",
            "Ann Fisher",
        ),
        # "...?" reacted X
        (
            '"Who approved the extra spending for the bridge?" reacted Ann Fisher.',
            "Who approved the extra spending for the bridge?",
            "Ann Fisher",
        ),
        # a paragraph ending "X continued:" introduces the quote paragraph after it
        (
            'Ann Fisher spoke first.\n\nFisher continued:\n\n"The crews start work on Monday."',
            "The crews start work on Monday.",
            "Ann Fisher",
        ),
        # inverted and opening the sentence: "Stated X:"
        (
            'Ann Fisher spoke first.\n\nStated Fisher:\n\n"The crews start work on Monday."',
            "The crews start work on Monday.",
            "Ann Fisher",
        ),
        # the periods of a party-and-state aside end no sentence: "(D-N.Y.) said"
        (
            '"They have nothing to worry about," Sen. Ann Fisher (D-N.Y.) said Tuesday.',
            "They have nothing to worry about",
            "Ann Fisher",
        ),
        # a paragraph that ends with a colon introduces the quote paragraph after it
        (
            "Mayor Ann Fisher issued the following statement:\n\n"
            '"Our prayers are with all those affected by the storm."',
            "Our prayers are with all those affected by the storm.",
            "Ann Fisher",
        ),
        # a party adjective opening the phrase after the quote
        (
            '"Trump needs to change his approach," said Republican strategist Ann Fisher.',
            "Trump needs to change his approach",
            "Ann Fisher",
        ),
        # a place closing the aside is not the speaker
        (
            "Ann Fisher, during a town hall in Columbus, Ohio, said she would "
            '"put a lot of coal companies out of business."',
            "put a lot of coal companies out of business.",
            "Ann Fisher",
        ),
        # "X of <place>, a role, said": the person, not the state
        (
            "Rep. Ann Fisher of Oklahoma, an ally of the leadership, said he is "
            '"a change agent for the party."',
            "a change agent for the party.",
            "Ann Fisher",
        ),
        # an adverb set off by commas between subject and verb
        (
            'Ann Fisher, however, says the fortune is now "beyond his own control."',
            "beyond his own control.",
            "Ann Fisher",
        ),
    ],
)
def test_attribution_shapes(body: str, quote: str, speaker: str) -> None:
    assert (quote, speaker) in direct(body)


def test_split_quote_gets_one_speaker_for_both_halves() -> None:
    got = direct('Ann Fisher spoke first. "We are ready," she said. "The crews start Monday."')
    assert got == [("We are ready", "Ann Fisher"), ("The crews start Monday.", "Ann Fisher")]


def test_quote_split_by_its_attribution_mid_sentence() -> None:
    got = direct('"We are ready," Ann Fisher said, "and the crews start Monday."')
    assert [s for _, s in got] == ["Ann Fisher", "Ann Fisher"]


def test_speaker_in_previous_sentence() -> None:
    got = direct('Ann Fisher spoke at noon. She said the crews were ready. "Work starts Monday."')
    assert got == [("Work starts Monday.", "Ann Fisher")]


def test_quote_paragraph_continues_previous_speaker() -> None:
    body = 'Ann Fisher opened the meeting.\n\n"We are ready," Fisher said.\n\n"Work starts Monday."'
    assert [s for _, s in direct(body)] == ["Ann Fisher", "Ann Fisher"]


def test_blockquote_with_dash_line_names_the_speaker() -> None:
    body = '"We will not give up the harbour."\n— Ann Fisher, mayor of Lakeside\n'
    art = parse_article("A test story\n\n" + body)
    assert [(q.speaker, q.speaker_role) for q in art.quotes] == [
        ("Ann Fisher", "mayor of Lakeside")
    ]


def test_according_to_names_the_source_of_a_quote() -> None:
    got = direct('The deal is "worth every cent," according to Ann Fisher.')
    assert got == [("worth every cent", "Ann Fisher")]


def test_organisation_as_speaker() -> None:
    got = direct('"Deliveries are paused for review," the Pentagon said in a statement.')
    assert got == [("Deliveries are paused for review", "Pentagon")]
    got = direct('"Some shipments already reached Europe," NBC News reported.')
    assert got == [("Some shipments already reached Europe", "NBC News")]


def test_rich_reporting_verbs() -> None:
    for verb in ["stressed", "emphasized", "warned", "insisted", "argued", "tweeted", "wrote"]:
        got = direct(f'"We need more time for the review," Ann Fisher {verb}.')
        assert got == [("We need more time for the review", "Ann Fisher")], verb


def test_quote_nobody_said_is_left_out() -> None:
    assert direct('The film "Gone With the Wind" was shown again on Friday night.') == []


def test_headline_echoing_a_quote_is_not_a_quote() -> None:
    text = (
        "'Ready for Anything' Mayor Says\n\n"
        'Ann Fisher spoke on Monday. "We are ready for anything," Fisher said.\n'
    )
    art = parse_article(text)
    assert [q.text for q in art.quotes if q.kind != "indirect"] == ["We are ready for anything"]


def test_name_opening_the_next_sentence_is_not_an_attribution() -> None:
    body = (
        "Carla Fox wrote a memo to Dan Holt. "
        'She insisted they would not "make the first move." Holt, she predicted, would call.'
    )
    assert direct(body) == [("make the first move.", "Carla Fox")]


def test_a_noun_object_before_a_colon_leaves_the_quote_to_the_sentence_subject() -> None:
    body = (
        "Bernie Sanders spoke first. Sanders delivered a snappy retort: "
        '"No one is tearing this up. We are going to go forward." He left.'
    )
    art = parse_article("A test story\n\n" + body)
    assert [q.speaker for q in art.quotes if q.kind == "direct"] == ["Bernie Sanders"]


def test_a_role_noun_finds_the_person_introduced_with_that_abbreviated_title() -> None:
    body = (
        "Gov. Chris Christie spoke to Christine Todd Whitman, a former governor, on Monday. "
        "Christie defended his endorsement on his radio show. "
        '"I believe he is the best person to beat her," the governor said.'
    )
    art = parse_article("A test story\n\n" + body)
    assert [q.speaker for q in art.quotes if q.kind == "direct"] == ["Chris Christie"]


def test_a_qualified_role_noun_prefers_the_person_introduced_with_the_qualifier() -> None:
    body = (
        "Ohio Gov. John Kasich and Florida Gov. Rick Scott met. "
        'Later, "we need to secure the border," the Ohio governor said.'
    )
    art = parse_article("A test story\n\n" + body)
    assert [q.speaker for q in art.quotes if q.kind == "direct"] == ["John Kasich"]


def test_a_sentence_opening_participle_or_plural_group_is_not_a_speaker() -> None:
    body = (
        "Hillary Clinton spoke in Iowa. Reprising one of her favourite lines, the candidate "
        'talked about the "progress we had under President Obama" again. '
        "Analysts said the line works well with older voters in the state."
    )
    art = parse_article("A test story\n\n" + body)
    assert all(q.speaker != "Reprising" for q in art.quotes)
    # a group names no one: its reported statement answers no "who said"
    assert [q.speaker for q in art.quotes if q.kind == "indirect"] == []
    assert [p.name for p in art.people] == ["Hillary Clinton", "Obama"]


def test_a_new_statement_after_a_full_stop_is_not_the_quote_attribution() -> None:
    body = (
        "Ann Fisher runs the fund. Ann Fisher, however, says the money is now ''beyond his "
        "control.'' Bob Lane says his own reporting found otherwise."
    )
    assert direct(body) == [("beyond his control.", "Ann Fisher")]


def test_a_role_with_what_it_is_of_before_the_name() -> None:
    got = direct('"We will win the state," former US secretary of state Ann Fisher said.')
    assert got == [("We will win the state", "Ann Fisher")]


def test_a_capitalised_sentence_that_goes_on_with_the_speaker_is_no_title() -> None:
    body = (
        '"Two people have the experience to do that," said Ann Fisher, a strategist who once '
        'worked for both. "That\'s Jeb Bush and Marco Rubio."'
    )
    assert [s for _, s in direct(body)] == ["Ann Fisher", "Ann Fisher"]


def test_the_subject_after_a_long_opening_clause_speaks() -> None:
    body = (
        "Asked whether the campaign should take responsibility for the flap to bring "
        "questions to a halt, Mr. Bob Lane shot back: ''That would be good for everyone.''"
    )
    assert direct(body) == [("That would be good for everyone.", "Bob Lane")]


def test_a_party_member_from_a_state_is_described() -> None:
    body = '"Hillary needed to split the first two primaries," added a South Carolina Democrat.'
    assert direct(body) == [
        ("Hillary needed to split the first two primaries", "a South Carolina Democrat")
    ]


def test_a_quote_between_a_verb_and_the_next_quote_gives_the_speaker() -> None:
    body = (
        'Democrats allege it, but Moscow strongly denies — "why would you not raise the '
        'risk?" asked Ann Fisher, a partner at a firm. "I think it is only prudent."'
    )
    assert [s for _, s in direct(body)] == ["Ann Fisher", "Ann Fisher"]


def test_phrasal_verbs_and_more_verbs_of_speech() -> None:
    for said in ["shot back", "fired back", "points out", "beamed", "gushed", "muttered"]:
        got = direct(f'"Jeb wants to be a tough guy tonight," Ann Fisher {said}.')
        assert got == [("Jeb wants to be a tough guy tonight", "Ann Fisher")], said


def test_went_on_and_retaliated_report_speech() -> None:
    assert direct('"You know, it happens to everyone," Ann Fisher went on.') == [
        ("You know, it happens to everyone", "Ann Fisher")
    ]
    assert direct('"France will always be France," an angry Ann Fisher retaliated.') == [
        ("France will always be France", "Ann Fisher")
    ]


def test_a_place_in_an_opening_clause_is_not_the_subject() -> None:
    body = (
        "At a campaign event in Ames, Iowa, on Sunday, Mrs. Ann Fisher tried to expand on it, "
        "saying the country should be ''rallying our partners and allies.''"
    )
    assert direct(body) == [("rallying our partners and allies.", "Ann Fisher")]


def test_a_surname_that_is_also_a_common_word() -> None:
    art = parse_article(
        'A test story\n\n"We will leave the union," Prime Minister Theresa May said.'
    )
    assert [q.speaker for q in art.quotes] == ["Theresa May"]
    assert [p.name for p in art.people] == ["Theresa May"]


def test_a_participle_opening_the_sentence_is_no_speaker() -> None:
    body = (
        "Continuing to explain his view, Ben Carson rejected the notion, saying that if he "
        '"found something that was rotten, I would fix it."'
    )
    assert direct(body) == [("found something that was rotten, I would fix it.", "Ben Carson")]


def test_a_name_ends_before_its_verb() -> None:
    body = (
        "Hoping to identify those blacklisted, The Blaze's Matt Walsh provided a "
        'justification, saying it is necessary to "identify the traitors and remember them."'
    )
    assert direct(body) == [("identify the traitors and remember them.", "Matt Walsh")]


def test_a_name_ending_the_sentence_before_a_colon_is_no_label() -> None:
    body = (
        "Former candidate Jeb Bush broke down what was wrong with the message to the Dutch "
        'newspaper NRC Handelsblad: "What Trump did was so insensitive."'
    )
    assert direct(body) == [("What Trump did was so insensitive.", "Jeb Bush")]


def test_according_to_opening_the_next_sentence_is_not_the_quote_source() -> None:
    body = (
        "Mr. Bob Lane said that he did not ''use it that much.'' According to F.A.A. "
        "records, the plane flew 333 hours."
    )
    assert direct(body) == [("use it that much.", "Bob Lane")]


def test_a_state_named_new_something_in_a_description() -> None:
    body = (
        '"It is Bernie\'s to lose at this point," added another New Hampshire Democrat. '
        '"The Clinton team has done what it needs to do."'
    )
    assert [s for _, s in direct(body)] == ["another New Hampshire Democrat"] * 2


def test_a_possessive_subject_before_a_colon_gives_the_owner() -> None:
    body = (
        "Ann Fisher leads the group. Fisher's letter makes a libertarian case: "
        '"We must stand together as Americans to protect everyone."'
    )
    assert direct(body) == [
        ("We must stand together as Americans to protect everyone.", "Ann Fisher")
    ]


def test_a_noun_that_is_also_a_verb_of_speech_is_no_verb() -> None:
    body = (
        "Ann Fisher, while being interviewed on Monday morning, called again for the mayor to "
        "resign for not calling the Lakeside harbour attack an act of "
        '"radical negligence by the council."'
    )
    assert direct(body) == [("radical negligence by the council.", "Ann Fisher")]


def test_the_name_set_off_right_before_the_verb_is_its_subject() -> None:
    body = (
        "That view has upended party orthodoxy toward Russia, a country that the previous "
        "Republican nominee, Mitt Romney, called ''our No. 1 geopolitical foe.''"
    )
    assert direct(body) == [("our No. 1 geopolitical foe.", "Mitt Romney")]


def test_a_time_word_opening_the_sentence_is_no_speaker() -> None:
    body = (
        "Ann Fisher praised him first.\n\nHours later, Bob Lane returned the compliment, "
        'telling reporters, "Ann and I have been friends for a long time."'
    )
    assert direct(body) == [("Ann and I have been friends for a long time.", "Bob Lane")]


def test_a_name_whose_role_the_next_name_holds_is_no_antecedent() -> None:
    body = (
        "Donald Trump plans a major address.\n\nTrump senior communications adviser Jason "
        'Miller said in a statement that the message "is working."\n\n'
        '"We see this as the right time to go," he added.'
    )
    assert [s for _, s in direct(body)] == ["Jason Miller", "Jason Miller"]


def test_name_said_with_its_own_clause_after_a_full_stop_is_a_new_statement() -> None:
    body = (
        '"It is a very sad development," Ted Cruz told reporters. "This is the consequence '
        'of the culture of the campaign." Ohio Gov. John Kasich said he would have fired him.'
    )
    assert [s for _, s in direct(body)] == ["Ted Cruz", "Ted Cruz"]


def test_a_quote_after_a_lone_conjunction_goes_on_with_the_speaker() -> None:
    body = (
        '"I do not think it is do or die," Ann Fisher said outside the building. But "the '
        'endorsement of the speaker helps us."'
    )
    assert [s for _, s in direct(body)] == ["Ann Fisher", "Ann Fisher"]
    body = '"He is supposed to be a cheerleader," Ann Fisher said. Instead, "he acts defeated."'
    assert [s for _, s in direct(body)] == ["Ann Fisher", "Ann Fisher"]


def test_an_unnamed_source_between_two_halves_speaks_both() -> None:
    body = '"She is too far behind," said an Iowa Democrat, "and Iowa was not a decisive win."'
    assert [s for _, s in direct(body)] == ["an Iowa Democrat", "an Iowa Democrat"]


def test_and_after_a_quote_starts_another_clause_not_its_attribution() -> None:
    body = (
        'Ted Cruz accuses Obama of "leading from behind" and Donald Trump says he is '
        '"losing the war on terrorism," part of a verbal lashing.'
    )
    assert direct(body) == [
        ("leading from behind", "Ted Cruz"),
        ("losing the war on terrorism", "Donald Trump"),
    ]


@pytest.mark.parametrize(
    ("body", "quote", "speaker"),
    [
        # what follows "saying" after a quote is its object, not who said it
        (
            'Donald Trump defended "New York values," saying the city embodied courage.',
            "New York values",
            "Donald Trump",
        ),
        # after a full stop only a verb of speech makes "Name verb" an attribution
        (
            'Early on, Bob Lane attacked Ann Fisher, calling her "a failed candidate." '
            "Fisher fired back in March, attacking Lane for his greed.",
            "a failed candidate.",
            "Bob Lane",
        ),
        # a weak verb of speech with an object of its own reports nothing
        (
            "In 2009, under what Mr. Bob Lane called ''the prior economy model,'' the Marsh "
            "Landing Country Club, a private course, charged a $100,000 fee.",
            "the prior economy model",
            "Bob Lane",
        ),
        # ... but with a particle or a preposition after it, it does
        (
            "Howard Rubel is an analyst. ''The stock has not done well,'' Mr. Rubel pointed out.",
            "The stock has not done well",
            "Howard Rubel",
        ),
        (
            '"You have called women you do not like fat pigs," Megyn Kelly charged in her '
            "question.",
            "You have called women you do not like fat pigs",
            "Megyn Kelly",
        ),
        # "written" in "a written statement" is no verb
        (
            'Donald Trump told the Washington Post in a written statement, "I really do not '
            'want his endorsement."',
            "I really do not want his endorsement.",
            "Donald Trump",
        ),
        # a role bridge is made of nouns, not of a verb and its object
        (
            "On Monday, Eric Trump knocked a statement by actor George Clooney that an "
            '"obscene amount of money" was raised.',
            "obscene amount of money",
            "Eric Trump",
        ),
        # a name set off after a newspaper is the newspaper's, not the subject
        (
            "Ann Fisher, the editor in chief of the official newspaper, Lakeside Herald, said "
            "every pope was ''both religious and political.''",
            "both religious and political.",
            "Ann Fisher",
        ),
        # a place name that the article shows to be a person is the subject
        (
            'Kerry Washington spoke first. Washington, star of "Scandal," thanked Obama for '
            '"taking these steps to make us all safer."',
            "taking these steps to make us all safer.",
            "Kerry Washington",
        ),
        # "X's son, Y," is Y, not X
        (
            "Schilling's son, Grant Schilling, defended his father on Facebook, saying: "
            "''He has made great strides in the modern culture.''",
            "He has made great strides in the modern culture.",
            "Grant Schilling",
        ),
        # a name after a verb and a role before a colon is a label
        (
            "The surge does not surprise Republican pollster Daron Shaw: "
            '"Lesser-known candidates have seen the biggest boost in early contests."',
            "Lesser-known candidates have seen the biggest boost in early contests.",
            "Daron Shaw",
        ),
    ],
)
def test_attribution_shapes_that_once_went_wrong(body: str, quote: str, speaker: str) -> None:
    assert (quote, speaker) in direct(body)


def test_a_phrasal_verb_of_speech_before_the_quote() -> None:
    got = direct('Ann Fisher shot back: "Ask the engineers about that."')
    assert got == [("Ask the engineers about that.", "Ann Fisher")]
    body = (
        "Ann Fisher spoke first. By contrast, Sen. Bob Lane said that once the Senate goes on "
        'recess, "I intend to do as much as I can."'
    )
    assert direct(body) == [("I intend to do as much as I can.", "Bob Lane")]


def test_a_titled_name_set_off_after_a_description_is_the_speaker() -> None:
    art = parse_article(
        "A test story\n\nThe report's author, Dr Lena Fisk, said: \"We found the same "
        'pattern in every region we looked at."'
    )
    assert [q.speaker for q in art.quotes] == ["Lena Fisk"]


def test_a_chain_of_she_said_goes_to_the_woman_named_before_it() -> None:
    text = "Title\n\nMary Jones spoke first.\n\n" + '"We will go," she said. ' * 12
    text += "\n\nTom Hale answered.\n\n" + '"We stay here," he said. "Not now, Tom," she said. ' * 3
    speakers = [q.speaker for q in parse_article(text).quotes]
    assert speakers == ["Mary Jones"] * 12 + ["Tom Hale", "Mary Jones"] * 3
