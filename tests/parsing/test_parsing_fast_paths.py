"""The parser's shortcuts give what the rules they stand for give.

Each shortcut (a pattern spelt backwards, a test made before a regex) is compared with
the slower reading it replaces, over windows built from the words those rules look at.
"""

from __future__ import annotations

import dataclasses
import inspect
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


def test_the_written_out_inits_take_the_fields_in_order_with_their_defaults() -> None:
    # the records write their __init__ out for mypyc: it must stay the one @dataclass makes
    for cls in (
        people.Mention,
        people.PersonRecord,
        entities.EntityMention,
        quotes.Segment,
        phrases.NP,
        names.Attribution,
        model.Paragraph,
        model.Quote,
    ):
        params = list(inspect.signature(cls.__init__).parameters.values())[1:]
        assert [(p.name, p.default) for p in params] == [
            (f.name, f.default if f.default is not dataclasses.MISSING else inspect.Parameter.empty)
            for f in dataclasses.fields(cls)
        ], cls.__name__
        made = cls(*[f"v{i}" for i in range(len(params))])
        assert [getattr(made, p.name) for p in params] == [f"v{i}" for i in range(len(params))]
