"""Is a topic the article's subject, or a passing word or a piece of a name?

A reader agrees with a topic when the article is about it: its title says so, its lead and
the rest of the text come back to it, in more than one word. One passing word ("loud
music" in a story on pub rules) is not enough, and neither is a name that contains a topic
word or a place: the World Bank is not banking, Harvard Law School not education, Joaquin
Phoenix not Phoenix, St. Louis Park not St. Louis, an "Asian" woman not Asia.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources.abc import Traversable

from bot.parsing import cues


def _load_word_lists(path: Traversable) -> dict[str, frozenset[str]]:
    """``[section]`` headers, then words separated by spaces; ``#`` starts a comment."""
    lists: dict[str, set[str]] = {}
    section = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        elif line:
            lists.setdefault(section, set()).update(line.casefold().split())
    return {name: frozenset(words) for name, words in lists.items()}


#: The lead: the first paragraphs, up to this many characters.
LEAD_CHARS = 600
#: Without the title or the lead, a theme needs this many mentions in two or more words
#: (or in a phrase)...
MIN_MENTIONS = 4
#: ...or this many of one word.
MIN_MENTIONS_ONE_WORD = 5

_WORDS = _load_word_lists(cues.DATA_DIR / "topic_names.txt")
# Capitalised words before a name that do not make it part of a longer name.
_OPEN_WORDS = _WORDS["open"]
# Words after a place's name that make it another place or a street: not the place at all.
_PLACE_NOUNS = _WORDS["place nouns"]
# Words after a place's name that make it an institution named after the place: some
# evidence of the place, not much (a Turkish hospital in Gaza is not a story on Turkey).
_INSTITUTION_NOUNS = _WORDS["institution nouns"]
#: What a place inside an institution's name counts for next to the place itself.
INSTITUTION_SHARE = 0.4
_WORD_BEFORE = re.compile(r"([A-Za-z][\w.'’-]*) $")
_WORD_END_MARKS = frozenset(",;:!?)]\"”’'")
_WORDS_AFTER = re.compile(r"(?: [A-Z][\w'’-]*\.?){1,3}")
_SENTENCE_OPENERS = frozenset(".!?:;\n\"“”'‘’—–-([•*#")
_DEMONYM_ENDINGS = ("an", "ian", "ese", "ish", "i", "ic", "ch")


def lead_end(body: str) -> int:
    """Where the lead ends: after the first paragraphs, at most ``LEAD_CHARS`` in."""
    end = body.find("\n", 200)
    return min(end if end >= 0 else len(body), LEAD_CHARS)


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and not word.isupper()


def follows_a_name(text: str, start: int) -> bool:
    """The word before ``start`` is a capitalised word joined to it: "Joaquin Phoenix"."""
    if start < 2 or text[start - 1] != " ":
        return False
    space = text.rfind(" ", max(0, start - 40), start - 1)
    word = text[space + 1 : start - 1]
    if not word or not _capitalised(word) or word[-1] in _WORD_END_MARKS or "\n" in word:
        return False
    return word.rstrip(".").casefold() not in _OPEN_WORDS


def _names_after(text: str, end: int) -> list[str]:
    if not text.startswith(" ", end) or not text[end + 1 : end + 2].isupper():
        return []
    m = _WORDS_AFTER.match(text, end, min(len(text), end + 60))
    return [w.strip(".").casefold() for w in m.group().split()] if m else []


def place_share(text: str, start: int, end: int) -> float:
    """How much a place mention counts: 0 inside a person's name or another place's
    ("Joaquin Phoenix", "St. Louis Park"), ``INSTITUTION_SHARE`` inside an institution's
    ("Turkish Friendship Hospital", "the University of Texas"), else 1."""
    if follows_a_name(text, start):
        return 0.0
    after = _names_after(text, end)
    if after[:1] and after[0] in _PLACE_NOUNS:
        return 0.0
    if any(w in _INSTITUTION_NOUNS for w in after):
        return INSTITUTION_SHARE
    return 1.0


_NEXT_CAPITALISED = re.compile(r"[ \u00a0]+[A-Z][a-z]")


def theme_word_inside_a_name(text: str, start: int, words: str) -> bool:
    """A topic word capitalised in mid-sentence is part of a name: the World Bank, Harvard
    Law School, the ministries of Justice, Economy and Security.

    A phrase the taxonomy lists whole ("Supreme Court") is the name it means, and an
    acronym ("NASA") is written in capitals anyway.
    """
    if " " in words or not text[start : start + 1].isupper() or words.isupper():
        return False
    before = text[max(0, start - 12) : start].rstrip(" \t")
    if bool(before) and before[-1] not in _SENTENCE_OPENERS:
        return True
    # opening a sentence, a capitalised word after it still makes it a name ("Bill
    # Lipinski announced", "Energy Secretary Ernest Moniz")
    return _NEXT_CAPITALISED.match(text, start + len(words)) is not None


def title_word_inside_a_name(title: str, start: int, words: str, body: str) -> bool:
    """A title's topic word that the body uses inside a name ("World Bank Officials"):
    a title's words are all capitalised, so the body tells."""
    m = _WORD_BEFORE.search(title, max(0, start - 40), start)
    if m is None or " " in words or not _capitalised(m.group(1)):
        return False
    if m.group(1).casefold() in _OPEN_WORDS:
        return False
    return f"{m.group(1)} {title[start : start + len(words)]}" in body


def is_demonym(surface: str, canonical: str) -> bool:
    """ "Asian", "Turkish", "Americans": the adjective of a place, not its name."""
    word = surface.removesuffix("s") if surface.endswith("ns") else surface
    return word != canonical and " " not in word and word.endswith(_DEMONYM_ENDINGS)


@lru_cache(maxsize=4096)
def _term(words: str) -> str:
    """One form per word: "firearm" and "firearms", "debate" and "debates" are one."""
    word = words.casefold()
    if word.endswith("ies") and len(word) > 5:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def enough_evidence(hits: list[tuple[str, bool]], *, in_title: bool) -> bool:
    """The title names the theme, or the text keeps coming back to it (more so in one
    word). ``hits`` are the theme's matched words in the body, each with whether it is in
    the lead."""
    mentions = len(hits)
    if in_title or mentions >= MIN_MENTIONS_ONE_WORD:
        return True
    if mentions < 2:
        return False
    terms = {_term(words) for words, _ in hits}
    several = len(terms) >= 2 or any(" " in t or "-" in t for t in terms)
    in_lead = sum(1 for _, lead in hits if lead)
    if in_lead and in_lead < mentions and mentions >= (2 if several else 3):
        return True  # the lead's subject, taken up again later
    return several and mentions >= MIN_MENTIONS
