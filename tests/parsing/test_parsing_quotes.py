"""Quote-mark segmentation: every kind of mark, nesting, apostrophes, paragraph rules."""

from __future__ import annotations

from bot.parsing import parse_article
from bot.parsing.quotes import _Spans, segment_quotes
from bot.parsing.structure import parse_layout


def segments(body: str) -> list[str]:
    text = "Title\n\n" + body
    layout = parse_layout(text)
    return [text[s.start : s.end] for s in segment_quotes(text, layout.paragraphs)]


def test_curly_double_quotes() -> None:
    assert segments("He said “we are ready” today.") == ["we are ready"]


def test_straight_double_quotes() -> None:
    assert segments('He said "we are ready" today.') == ["we are ready"]


def test_straight_open_closed_by_curly_mark() -> None:
    assert segments('As she noted, "The talks were frank.” Then she left.') == [
        "The talks were frank."
    ]


def test_double_apostrophe_pairs_as_in_newspaper_archives() -> None:
    assert segments("''We will rebuild,'' the mayor said.") == ["We will rebuild,"]


def test_guillemets_and_low_high_marks() -> None:
    assert segments("Il a dit « nous sommes prêts » hier.") == ["nous sommes prêts"]
    assert segments("Er sagte „wir sind bereit“ gestern.") == ["wir sind bereit"]


def test_single_quotes_inside_double_quotes_stay_in_the_segment() -> None:
    assert segments("“He told me ‘never again’ last night,” she said.") == [
        "He told me ‘never again’ last night,"
    ]


def test_apostrophes_in_words_are_not_quote_marks() -> None:
    assert segments("It's the mayor's plan and Ushakov’s view, not the council's.") == []


def test_quote_continued_across_paragraphs_is_one_segment() -> None:
    got = segments("“First part of the speech.\n\n“Second part of it,” he said.")
    assert got == ["First part of the speech.\n\n“Second part of it,"]


def test_unclosed_quote_closes_at_paragraph_end() -> None:
    assert segments("He said “we are ready.\n\nNext paragraph without marks.") == ["we are ready."]


def test_marks_inside_markup_are_ignored() -> None:
    body = '<tweet id="1" author="@someone">text of a tweet</tweet> and "a real quote" here.'
    assert segments(body) == ["a real quote"]


def test_unbalanced_marks_give_a_best_reading() -> None:
    assert segments('He said "yes and then "no" and left.') == ["no"]


def test_mixed_kinds_in_one_paragraph() -> None:
    got = segments("“One two three,” she said, adding \"four five six\" and ''seven eight''.")
    assert got == ["One two three,", "four five six", "seven eight"]


def test_covered_spans_merge_overlapping_and_touching_intervals() -> None:
    spans = _Spans([(10, 20), (0, 5), (15, 30)])
    assert [o for o in range(35) if spans.holds(o)] == [*range(5), *range(10, 30)]
    spans.add(5, 10)  # fills the gap: one interval 0..30
    spans.add(40, 50)
    spans.add(35, 45)
    assert [o for o in (0, 9, 29, 30, 34, 35, 49, 50) if spans.holds(o)] == [0, 9, 29, 35, 49]


def test_a_paragraph_of_many_single_marked_quotes_finds_each() -> None:
    text = "Title\n\nMary Jones spoke.\n\n" + "'We will go,' she said. ‘We stay,’ she said. " * 300
    quotes = parse_article(text).quotes
    assert len(quotes) == 600
    assert {(q.text, q.speaker) for q in quotes} == {
        ("We will go", "Mary Jones"),
        ("We stay", "Mary Jones"),
    }
