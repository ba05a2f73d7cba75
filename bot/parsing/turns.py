"""Turn-taking in a quoted exchange: who answers a question put to them.

``"But there is some risk," the judge said. "Do you dispute that?"`` and then a paragraph
that is only a quote, with no cue: that is the answer of the one the question was put to,
the person who spoke just before the judge, not the judge going on. A question put to
someone says ``you``; a paragraph that only holds a quote and follows one is a turn of
the exchange. Once a turn is taken this way, a next bare quote that asks ``you`` again
goes back to the one who asked, and the answer to that to the one who answered.

Also here: a bare quote paragraph that no one before speaks, followed by a paragraph
opening with a quote whose speaker is named after it, is where that speaker began.
"""

from __future__ import annotations

import re

from bot.parsing.model import Paragraph
from bot.parsing.names import Attribution
from bot.parsing.quotes import Segment

_YOU = re.compile(r"\b(?:you|your|yours|yourself|yourselves)\b|\byou['’]", re.I)
# How far back (in paragraphs before the question) the other party's words may lie.
_TURN_PARAGRAPHS = 3
_TURN_SEGMENTS = 6


def _question_to_someone(text: str, seg: Segment) -> bool:
    """A question with ``you`` in it: put to someone in the exchange."""
    words = text[seg.start : seg.end].rstrip(" ,\"”’'")
    return words.endswith("?") and _YOU.search(words) is not None


def alone_in_paragraph(text: str, seg: Segment, para_end: int) -> bool:
    """Nothing but punctuation after the segment's closing mark in its paragraph."""
    if seg.close_mark is None:
        return True
    return text[seg.close_mark : para_end].strip(" .,;:!?\"”’'\u00a0") == ""


def turn_of(text: str, si: int, segs: list[Segment], done: list[Attribution]) -> Attribution | None:
    """The speaker of bare quote ``si`` when it answers a question put to someone, or asks
    one back after such an answer; None when it is no turn of an exchange."""
    if si == 0:
        return None
    prev, pseg = done[si - 1], segs[si - 1]
    if prev.speaker is None:
        return None
    if not _question_to_someone(text, pseg) and not (
        prev.how == "turn" and _question_to_someone(text, segs[si])
    ):
        return None  # (after an answer given by turn, a question back is the asker's)
    for k in range(si - 2, max(-1, si - 2 - _TURN_SEGMENTS), -1):
        if segs[k].end_para < pseg.para - _TURN_PARAGRAPHS:
            return None
        other = done[k]
        if other.speaker is None or other.speaker == prev.speaker:
            continue
        if other.person is None:
            return None  # an unnamed or unresolved voice: no one to hand the turn to
        return Attribution(other.speaker, other.role, other.cue, "turn", other.person)
    return None


def lead_in_of(
    text: str, si: int, segs: list[Segment], done: list[Attribution], paras: list[Paragraph]
) -> Attribution | None:
    """A bare quote paragraph that no one before speaks, followed by a paragraph opening
    with a quote its speaker is named after (``"..." / "...," said Dr. Ana Brel``): the
    first paragraph is the start of what that speaker said."""
    seg, nxt = segs[si], segs[si + 1]
    if nxt.para != seg.end_para + 1 or text[paras[nxt.para].start : nxt.open_mark].strip():
        return None
    if text[paras[seg.para].start : seg.open_mark].strip():
        return None
    if not alone_in_paragraph(text, seg, paras[seg.end_para].end):
        return None
    after = done[si + 1]
    if after.how != "after" or after.speaker is None:
        return None
    return Attribution(after.speaker, after.role, after.cue, "lead-in", after.person)
