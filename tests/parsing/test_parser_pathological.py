"""Pathological texts parse, in the suite's normal run: a 200 KB text of each shape that
once made parsing slow (the cost per MB is measured in bench/bench_pathological.py)."""

from __future__ import annotations

import pytest

from bot.parsing import parse_article

SIZE = 200_000


def _repeat(unit: str) -> str:
    return unit * (SIZE // len(unit))


SHAPES = {
    "quote marks": "Marks\n\n" + _repeat('""“”" “ ” \'\' '),
    "one huge paragraph": "A long day\n\n"
    + _repeat('The mayor said the plan was "a fair deal for every family," before the vote. '),
    "unclosed marks": "Open marks\n\n" + _repeat('Mayor Ann Fisher said "we will see and '),
    "repeated names": "Trump again\n\n"
    + _repeat('Donald Trump said Mr. Trump and President Trump agreed. "We win," Trump said. '),
    "single marks": "Single marks\n\n" + _repeat("‘a ’b ‘c’ don’t ‘"),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_pathological_text_parses(shape: str) -> None:
    art = parse_article(SHAPES[shape])
    assert art.paragraphs
    for quote in art.quotes:
        assert SHAPES[shape][quote.start : quote.end] == quote.text


def test_marks_around_no_word_quote_nothing() -> None:
    assert parse_article(SHAPES["quote marks"]).quotes == []


def test_one_person_named_over_and_over_is_one_person() -> None:
    assert [p.name for p in parse_article(SHAPES["repeated names"]).people] == ["Donald Trump"]
