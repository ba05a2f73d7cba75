"""The parser's shortcuts give what the rules they stand for give.

Each shortcut (a pattern spelt backwards, a test made before a regex) is compared with
the slower reading it replaces, over windows built from the words those rules look at.
"""

from __future__ import annotations

import dataclasses
import itertools
import re

from bot.parsing import entities, model, names, not_people, people, phrases, quotes
from bot.parsing.people import PeopleFinder

_BEFORE_WORDS = ["a", "An", "another", "every", "Each", "the", "The", "named", "old", "xan"]
_CHAIN_WORDS = ["Romeo", "and", "&", "iPhone", "Éric", "O'Neil", "walking", "the"]
_GAPS = [" ", "  ", "\u00a0", " \n", "\n", "", "(", "’", "-"]


def _windows() -> list[str]:
    """Short texts that end where a name would start, in every mix of the words above."""
    out = []
    for first, second, gap, end in itertools.product(
        _BEFORE_WORDS, [*_CHAIN_WORDS, ""], _GAPS, [" ", "  ", " \n", "\n", "\u00a0", ""]
    ):
        body = f"{gap}{first} {second}".rstrip(" ") if second else f"{gap}{first}"
        out.append(body + end)
        out.append("Then" + body + end)
    return out


def _forward(pattern: re.Pattern[str], window: str) -> tuple[bool, str | None]:
    m = pattern.search(window)
    return (m is not None, m.group(1) if m is not None and m.groups() else None)


def _backward(pattern: re.Pattern[str], window: str) -> tuple[bool, str | None]:
    m = pattern.match(window[::-1])
    group = m.group(1) if m is not None and m.groups() else None
    return (m is not None, group[::-1] if group is not None else None)


def test_the_reversed_article_pattern_finds_what_the_forward_search_finds() -> None:
    for window in _windows():
        assert _backward(not_people._ARTICLE_BEFORE_REVERSED, window) == _forward(
            not_people._ARTICLE_BEFORE, window
        ), repr(window)


def test_the_reversed_the_pattern_finds_what_the_forward_search_finds() -> None:
    for window in _windows():
        found = not_people._THE_BEFORE_REVERSED.match(window[::-1]) is not None
        assert found == (not_people._THE_BEFORE.search(window) is not None), repr(window)


def test_a_thing_after_an_article_is_no_one_but_a_man_named_so_is_someone() -> None:
    text = "He won a posthumous Oscar. Later a man named Oscar called."
    assert not_people._thing_use(text, text.index("Oscar"), "Oscar")
    assert not not_people._thing_use(text, text.rindex("Oscar"), "Oscar")


def test_the_plain_word_shortcut_agrees_with_the_word_before() -> None:
    texts = [
        "said Bob",
        "he said Bob",
        "and  Bob",
        "former aide Bob",
        "the Senator Bob",
        "é said Bob",
        "x" * 45 + " Bob",
        "visited\u00a0Bob",
        "(said Bob",
        "told Mr. Bob",
        "naïve Bob",
    ]
    taken = []
    for text in texts:
        pos = text.rindex("Bob")
        found = people._word_back(text, pos)
        plain = (
            found is not None
            and found[1].isalpha()
            and found[1].islower()
            and found[1] not in people._ROLE_BEFORE_WORDS
        )
        if people._plain_word_before(text, pos):
            # (the shortcut may leave a plain word to the walk, never take another one)
            assert plain, text
            taken.append(text)
    assert taken == ["he said Bob", "é said Bob"]


def test_an_appositive_is_read_after_a_name_but_a_clause_or_a_verb_is_not() -> None:
    text = (
        "Sara Walker, 44, a home-care aide, spoke. Yuri Ushakov, aide to the President, "
        "spoke. Trump, who won, spoke. Cruz, said a friend, spoke."
    )
    finder = PeopleFinder(text)
    assert finder._role_after(text.index(",")) == "home-care aide"
    assert finder._role_after(text.index(", aide")) == "aide to the President"
    assert finder._role_after(text.index(", who")) is None
    assert finder._role_after(text.index(", said")) is None


def test_a_common_word_is_a_surname_only_where_the_text_names_someone() -> None:
    shape = people._word_surname_shape("King")
    assert shape == (0, "King", None)
    assert people._word_surname_shape("The") is None
    assert people._word_surname_shape("Rep. King") == (5, "King", "Rep.")
    text = "Gayle King spoke. King asked. He met the King. In May 5 ..."
    assert people._word_surname(text, text.index("King asked"), shape) is not None
    assert people._word_surname(text, text.index("King."), shape) is None


# One value per field, in field order, each unlike the field's default.
_RECORDS: list[tuple[type, list[object]]] = [
    (people.Mention, [1, 2, 3, "Sen.", True]),
    (people.PersonRecord, ["Ann Lee", ("Ann", "Lee"), "f", "mayor", 2, 3, 4, False]),
    (entities.EntityMention, [1, 2, "US", "United States", "place"]),
    (quotes.Segment, [1, 2, 3, 4, 5, 6, "‘"]),
    (phrases.NP, ["noun", "the mayor", 1, 2, "Lee", "mayor"]),
    (names.Attribution, ["Ann Lee", "mayor", "said", "after", 0, 7, "name", True]),
    (model.Paragraph, [0, 1, 2, "text", "Section"]),
    (model.Quote, [1, 2, "text", "Ann Lee", "mayor", "said", "partial", 3]),
]


def test_the_written_out_inits_take_the_fields_in_order_with_their_defaults() -> None:
    # the records write their __init__ out for mypyc: it must take what @dataclass's would
    for cls, values in _RECORDS:
        fields = dataclasses.fields(cls)
        assert len(fields) == len(values), cls.__name__
        by_position = cls(*values)
        by_name = cls(**{f.name: v for f, v in zip(fields, values, strict=True)})
        for made in (by_position, by_name):
            assert [getattr(made, f.name) for f in fields] == values, cls.__name__
        required = [
            v for f, v in zip(fields, values, strict=True) if f.default is dataclasses.MISSING
        ]
        defaulted = cls(*required)
        for f in fields:
            if f.default is not dataclasses.MISSING:
                assert getattr(defaulted, f.name) == f.default, (cls.__name__, f.name)
