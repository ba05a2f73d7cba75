"""Turn-taking in a quoted exchange: a bare quote paragraph after a question put to
someone is that someone's answer; a question back after it is the asker's again."""

from __future__ import annotations

from bot.parsing import parse_article


def speakers(body: str) -> list[tuple[str, str | None]]:
    art = parse_article("A test story\n\n" + body)
    return [(q.text[:12], q.speaker) for q in art.quotes if q.kind == "direct"]


def test_a_bare_quote_after_a_question_put_to_someone_is_their_answer() -> None:
    found = speakers(
        "Judge Helen Carver questioned the lawyer, Tom Beale, for an hour on Monday.\n\n"
        '"The contract was signed in good time by both of the parties," Beale told the court.'
        "\n\n"
        '"Do you accept that the contract was signed before the deadline?" Carver asked.\n\n'
        '"I accept that it was signed, but not that the deadline applied to my client."\n\n'
        '"Then what deadline do you say applied to your client in this case?"\n\n'
        '"None at all, your honour, because the clause was never agreed by both parties."'
    )
    assert found == [
        ("The contract", "Tom Beale"),
        ("Do you accep", "Helen Carver"),
        ("I accept tha", "Tom Beale"),
        ("Then what de", "Helen Carver"),
        ("None at all,", "Tom Beale"),
    ]


def test_a_question_with_no_one_addressed_goes_on_with_its_speaker() -> None:
    found = speakers(
        "Mayor Ana Brel spoke after the councillor, Idris Hale, at the meeting.\n\n"
        '"We will fund the library for another year," Hale said.\n\n'
        '"Who would close a library in a town like this one?" Brel asked.\n\n'
        '"It is the heart of the high street and it will stay open while I am mayor."'
    )
    assert found[-1] == ("It is the he", "Ana Brel")


def test_a_question_put_to_no_earlier_speaker_goes_on_with_its_speaker() -> None:
    found = speakers(
        "Mayor Ana Brel spoke to reporters at the library on Monday.\n\n"
        '"Do you know how many people use this building every single week?" Brel asked.\n\n'
        '"More than two thousand of them, and the number grows every year."'
    )
    assert found[-1] == ("More than tw", "Ana Brel")


def test_a_bare_quote_paragraph_before_a_named_one_is_that_speakers_lead_in() -> None:
    found = speakers(
        "The clinic has been without power since Tuesday.\n\n"
        '"We have no fuel left and the last generator stopped this morning."\n\n'
        '"For days we warned that this would happen," said Dr. Ana Brel, who runs the clinic.'
    )
    assert found == [("We have no f", "Ana Brel"), ("For days we ", "Ana Brel")]


def test_a_bare_quote_after_a_paragraph_of_narrative_and_before_narrative_has_no_speaker() -> None:
    found = speakers(
        "The clinic has been without power since Tuesday.\n\n"
        '"We have no fuel left and the last generator stopped this morning."\n\n'
        "Dr. Ana Brel, who runs the clinic, has asked the ministry for help."
    )
    assert found == []
