"""Names that are no one: people the text names only inside a title of a work, and
one-word names it uses as things.

``Comedy "The Marvelous Mrs Maisel"`` names a series, not a Mrs Maisel of the article;
``a posthumous Oscar`` and ``the Romeo and Juliet tragedy`` use a
word that is also a given name the way one uses a thing: after an article, or as the
modifier of a noun after ``the``. A person is dropped from the article's people only
when nothing in the text makes them someone: no title, no role, no full name holding the
word, and no quote of theirs.
"""

from __future__ import annotations

import bisect
import re

from bot.parsing import cues
from bot.parsing.people import People, gender_of_first

# "a posthumous Oscar", "an Oscar": an article and at most one plain word before the name
_ARTICLE_BEFORE = re.compile(
    r"(?:^|[^\w’'-])(?:[Aa]n?|[Aa]nother|[Ee]very|[Ee]ach)[ \u00a0]+(?:([a-z]+)[ \u00a0]+)?$"
)
# "the Romeo and Juliet": "the", then capitalised words or "and", right before the name
_THE_BEFORE = re.compile(r"(?:^|[^\w’'-])[Tt]he[ \u00a0]+(?:(?:[A-Z][\w’'-]*|and|&)[ \u00a0]+)*$")
_WORD_AFTER = re.compile(r"[ \u00a0]+([a-z]+)\b")
_BACK = 40
# The same two patterns spelt backwards, matched at the start of the reversed window (its
# end, where "$" stands; or after a final newline, before which "$" matches too): one
# match instead of a search that tries all 40 places the patterns could start at. The
# forward search's leftmost match is the longest, which the greedy reversed one finds.
_NOT_WORD_OR_END = r"(?:\Z|(?=[^\w’'-]))"
_ARTICLE_BEFORE_REVERSED = re.compile(
    r"\n?[ \u00a0]+(?:([a-z]+)[ \u00a0]+)?(?:n?[Aa]|rehton[Aa]|yrev[Ee]|hca[Ee])" + _NOT_WORD_OR_END
)
_THE_BEFORE_REVERSED = re.compile(
    r"\n?[ \u00a0]+(?:(?:[\w’'-]*[A-Z]|dna|&)[ \u00a0]+)*eh[Tt]" + _NOT_WORD_OR_END
)


def named_only_in_works(people: People, works: list[tuple[int, int]]) -> set[int]:
    """Persons every mention of whom lies inside marks that hold a work's title (sorted
    spans): a character of the work, not someone in the article. A given name with a
    surname stays someone (the host of ``"Real Time with Bill Maher"``)."""
    if not works:
        return set()
    starts = [s for s, _ in works]
    only: dict[int, bool] = {}
    for m in people.mentions:
        toks = people.persons[m.person].tokens
        if len(toks) >= 2 and gender_of_first(toks[0]) is not None:
            continue
        i = bisect.bisect_right(starts, m.start) - 1
        inside = i >= 0 and m.start < works[i][1]
        only[m.person] = only.get(m.person, True) and inside
    return {pid for pid, flag in only.items() if flag}


def used_as_things(text: str, people: People, speakers: set[str]) -> set[int]:
    """One-word persons that the text uses as a thing (``a posthumous Oscar``, ``the Romeo
    and Juliet tragedy``) and never as someone: no title, role, full
    name holding the word or quote of theirs."""
    candidates: dict[int, list[int]] = {}
    titled: set[int] = set()
    for m in people.mentions:
        if m.title:
            titled.add(m.person)
        rec = people.persons[m.person]
        if len(rec.tokens) == 1 and rec.role is None and rec.name not in speakers:
            candidates.setdefault(m.person, []).append(m.start)
    if not candidates:
        return set()
    name_words = {t for rec in people.persons if len(rec.tokens) > 1 for t in rec.tokens}
    out: set[int] = set()
    for pid, starts in candidates.items():
        word = people.persons[pid].name
        if pid in titled or word in name_words:
            continue
        if any(_thing_use(text, s, word) for s in starts):
            out.add(pid)
    return out


def _thing_use(text: str, start: int, word: str) -> bool:
    """The mention at ``start`` after an article (``a posthumous Oscar``) or as the
    modifier of a noun after ``the`` (``the Romeo and Juliet tragedy``)."""
    before = text[max(0, start - _BACK) : start][::-1]
    m = _ARTICLE_BEFORE_REVERSED.match(before)
    if m is not None:
        between = m.group(1)  # (reversed)
        if between is None or not between.startswith(("de", "gni")):
            return True  # (not "a man named Oscar")
    if _THE_BEFORE_REVERSED.match(before) is None:
        return False
    nxt = _WORD_AFTER.match(text, start + len(word), start + len(word) + 30)
    if nxt is None:
        return False
    head = nxt.group(1)
    return (
        head not in cues.CLAUSE_GOERS
        and head not in cues.REPORTING_FORMS
        and not head.endswith("ed")
    )
