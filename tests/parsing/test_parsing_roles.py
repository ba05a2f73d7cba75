"""Each person keeps their role: before the name, after it, under a blockquote; groups and
nationalities are nobody; the quote carries the role of its speaker."""

from __future__ import annotations

from bot.parsing import ParsedArticle, parse_article


def parse(body: str) -> ParsedArticle:
    return parse_article("A test story\n\n" + body)


def roles(art: ParsedArticle) -> dict[str, str | None]:
    return {p.name: p.role for p in art.people}


def test_nationality_and_title_before_a_name_are_the_role() -> None:
    art = parse(
        "Peruvian Trade Minister Lucia Quispe told reporters in Lima that the deal was done. "
        '"We signed it this morning," she said.'
    )
    assert roles(art) == {"Lucia Quispe": "Peruvian Trade Minister"}
    assert {(q.speaker, q.speaker_role) for q in art.quotes} == {
        ("Lucia Quispe", "Peruvian Trade Minister")
    }


def test_organisation_and_title_before_a_name_are_the_role() -> None:
    art = parse('ESA Administrator Tomas Lind called the test "a clean run from start to end."')
    assert roles(art) == {"Tomas Lind": "ESA Administrator"}
    assert art.quotes[0].speaker == "Tomas Lind"
    assert art.quotes[0].speaker_role == "ESA Administrator"


def test_a_title_that_is_a_surname_or_a_named_day_stays_in_the_name() -> None:
    art = parse('"The vote is close," said Steve King. Martin Luther King Day falls on Monday.')
    assert art.quotes[0].speaker == "Steve King"
    assert "Day" not in roles(art)


def test_role_before_a_name_stops_at_the_sentence_before() -> None:
    art = parse("The talks moved to Geneva. Swiss Foreign Minister Anna Keller hosted them.")
    assert roles(art)["Anna Keller"] == "Swiss Foreign Minister"


def test_abbreviated_titles_are_spelt_out_in_the_role() -> None:
    art = parse('New Mexico Gov. Rita Baca said: "We will appeal."')
    assert roles(art) == {"Rita Baca": "New Mexico Governor"}


def test_appositive_after_a_quote_speaker_is_the_role() -> None:
    art = parse(
        '"Demand doubled overnight," said Ines Duarte, head of trading at the Lisbon power '
        "exchange Omel."
    )
    assert art.quotes[0].speaker == "Ines Duarte"
    assert art.quotes[0].speaker_role == "head of trading at the Lisbon power exchange Omel"


def test_dash_line_under_a_blockquote_gives_the_role() -> None:
    art = parse(
        "The ministry answered on Friday.\n\n"
        '"We have no plans to close the border."\n'
        "— Omar Farouk, spokesman for the Jordanian Interior Ministry\n\n"
        "Trade resumed on Saturday."
    )
    q = art.quotes[0]
    assert (q.speaker, q.speaker_role) == (
        "Omar Farouk",
        "spokesman for the Jordanian Interior Ministry",
    )


def test_an_appositive_that_is_a_clause_or_the_next_person_is_no_role() -> None:
    art = parse(
        "The race is between Paul Hart, Ohio Gov. Dan Wolfe and Sen. Kate Ruiz. "
        "Paul Hart, on a call with reporters, said little. "
        "Dan Wolfe, along with his aides, left early."
    )
    r = roles(art)
    assert r["Paul Hart"] is None
    assert r["Dan Wolfe"] == "Ohio Governor"
    assert r["Kate Ruiz"] == "Senator"


def test_appositive_role_ends_before_a_relative_clause() -> None:
    art = parse(
        '"It sold out," said Nora Pike, an editor at Halden Books who ordered the first print run.'
    )
    assert roles(art) == {"Nora Pike": "editor at Halden Books"}


def test_groups_and_nationalities_are_no_one() -> None:
    art = parse(
        "Port operators warned that the strike would spread. "
        "Economists said the losses could reach a billion dollars. "
        "A Chilean official, speaking on condition of anonymity, said talks would resume. "
        "Dock worker Rafael Soto said the union would not back down."
    )
    assert [p.name for p in art.people] == ["Rafael Soto"]
    assert [(q.speaker, q.kind) for q in art.quotes] == [("Rafael Soto", "indirect")]


def test_a_direct_quote_of_an_unnamed_speaker_is_kept_with_their_description() -> None:
    art = parse(
        '"We expect the strike to end soon," a Chilean official said. '
        '"The ships are waiting," Rafael Soto said.'
    )
    assert [(q.speaker, q.kind) for q in art.quotes] == [
        ("a Chilean official", "direct"),
        ("Rafael Soto", "direct"),
    ]
    assert [p.name for p in art.people] == ["Rafael Soto"]  # a description is no person


def test_a_source_without_a_name_speaks_when_no_one_else_does() -> None:
    art = parse(
        'The board met on Friday. "The candidate is a natural born citizen," the board said. '
        '"He took no steps to become one."'
    )
    assert [q.speaker for q in art.quotes] == ["the board", "the board"]


def test_a_name_given_by_a_description_is_the_speaker() -> None:
    art = parse('"Nobody asked us," wrote a user from Ghent going by the handle Spoorzoeker.')
    assert art.quotes[0].speaker == "Spoorzoeker"


def test_every_quote_carries_its_speakers_role() -> None:
    art = parse(
        "Harbour master Elin Voss, a former naval officer, opened the new quay. "
        '"It is ready," Voss said. She added that ferries would dock there from May. '
        '"We waited ten years," she said.'
    )
    role = roles(art)["Elin Voss"]
    assert role == "former naval officer"
    assert [q.speaker for q in art.quotes] == ["Elin Voss"] * 3
    assert all(q.speaker_role == role for q in art.quotes)


def test_a_title_with_of_is_the_whole_role() -> None:
    art = parse(
        'Former Secretary of Labor Ruth Ambler said the figures were "better than feared." '
        'The Bank of Iceland Governor Ari Jonsson called them "a relief for now."'
    )
    assert roles(art) == {
        "Ruth Ambler": "Former Secretary of Labor",
        "Ari Jonsson": "Bank of Iceland Governor",
    }


def test_archive_double_apostrophes_are_not_part_of_a_role() -> None:
    art = parse("''We will vote no,'' Senator Ada Moss said.")
    assert roles(art) == {"Ada Moss": "Senator"}


def test_an_unnamed_source_is_described_by_its_noun_phrase_only() -> None:
    art = parse('"We oppose the plan for the harbour," the editorial board recently wrote.')
    assert [q.speaker for q in art.quotes] == ["the editorial board"]


def test_a_phrase_that_is_no_description_speaks_for_no_one() -> None:
    art = parse(
        'Beck said, "It could not be more clear."\n\n'
        'Beck, who has in the past described Trump as "a pathological narcissistic '
        'sociopath" and "a narcissistic psychopath," clearly meant it.'
    )
    assert "the past" not in [q.speaker for q in art.quotes]


def test_an_indefinite_role_is_someone_unnamed_not_the_person_named_before() -> None:
    art = parse(
        "Nick Merrill, a Clinton aide, spoke first. Hillary Clinton spoke next. "
        '"That does not mean no response," one Clinton aide said late last month.'
    )
    assert [q.speaker for q in art.quotes] == ["one Clinton aide"]
    art = parse('Nick Merrill, a Clinton aide, spoke first. "We are ready," the aide said.')
    assert [q.speaker for q in art.quotes] == ["Nick Merrill"]
