"""Layout: front matter, title, headings as sections, paragraphs with whole-text offsets."""

from __future__ import annotations

from bot.parsing import parse_article
from bot.parsing.structure import is_heading, parse_layout


def test_front_matter_fields_are_read_and_body_starts_after_them() -> None:
    text = (
        "title: Harbour plan\ndate: 2025-03-01\nsource: Gazette\nsample: true\n\nBody line one.\n"
    )
    art = parse_article(text)
    assert art.title == "Harbour plan"
    assert art.date == "2025-03-01"
    assert art.source == "Gazette"
    assert art.sample is True
    assert text[art.body_start :].startswith("Body line one.")


def test_front_matter_stops_at_first_unknown_key() -> None:
    layout = parse_layout("title: A\nauthor: B\nText here.\n")
    assert layout.title == "A"
    assert layout.paragraphs[0].text == "author: B"


def test_fenced_front_matter_is_accepted() -> None:
    layout = parse_layout("---\ntitle: Fenced\n---\nThe body.\n")
    assert layout.title == "Fenced"
    assert layout.paragraphs[0].text == "The body."


def test_first_line_is_the_title_without_front_matter() -> None:
    text = "Council votes on harbour plan.\n\nThe council met on Monday.\n"
    art = parse_article(text)
    assert art.title == "Council votes on harbour plan."
    assert art.body_start == text.index("The council")
    assert [p.text for p in art.paragraphs] == ["The council met on Monday."]


def test_long_first_line_is_a_lead_paragraph_and_titled_by_its_first_sentence() -> None:
    lead = "The mayor and the council agreed on a harbour plan after months of talks. " * 3
    art = parse_article(lead.strip() + "\nSecond paragraph.\n")
    assert art.title == "The mayor and the council agreed on a harbour plan after months of talks."
    assert art.paragraphs[0].text.startswith("The mayor")


def test_headings_become_sections_of_following_paragraphs() -> None:
    text = "Title line\n\nIntro text.\nBudget Talks Ahead\nThe budget is due.\nMore on it.\n"
    art = parse_article(text)
    sections = [(p.text, p.section) for p in art.paragraphs]
    assert sections == [
        ("Intro text.", None),
        ("The budget is due.", "Budget Talks Ahead"),
        ("More on it.", "Budget Talks Ahead"),
    ]


def test_paragraph_offsets_index_the_whole_text() -> None:
    text = "title: T\n\n  First para.  \n\nSecond para.\n"
    art = parse_article(text)
    for p in art.paragraphs:
        assert text[p.start : p.end] == p.text


def test_heading_rule_needs_short_unpunctuated_line() -> None:
    assert is_heading("'Who Hung Up First?' Ushakov Answers with a Smile")
    assert not is_heading("The council met on Monday.")
    assert not is_heading("“I will not resign”")
