"""Interview transcripts printed without quote marks: ``Q: ...`` / ``A: ...`` lines and
``NAME: ...`` lines.

A Q&A (``Q: How bad is it?`` then ``A: The worst I have seen.``, also ``Q.``/``A.``) holds
the words of two people: the answers are the interviewee's, the one the title or the
introduction names most (``Q&A with Dr Helen Marsh``, ``Marsh has led the trust since
2019``); the questions are the interviewer's, kept with the speaker unknown. A paragraph
with no label between an answer and the next question goes on with the answer.

A broadcast transcript (``JAKE TAPPER: Governor, will it pass?`` / ``FALLIN: I think it
will.``) names its speaker on each line: a label in capitals or a name the article knows,
the label read as the article's fullest name for that person (``FALLIN`` is Mary Fallin).
It takes an exchange: two people at least, one of them speaking twice at least, so a lone
``UPDATE:`` or ``Photo:`` line is none, nor a list giving each of several people a line
(``Sanders: Win in a walk.``). Labels that are no one the article names (``STAT OF THE WEEK``)
speak nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.parsing.model import Paragraph, Quote
from bot.parsing.people import People, gender_of_first

_QA_LABEL = re.compile(r"(?P<label>[QA])[.:][ \t\u00a0]+(?=\S)")
# One to four capitalised words, then a colon: "JAKE TAPPER:", "FALLIN:", "Tapper:".
_NAME_LABEL = re.compile(
    r"(?P<label>[A-Z][A-Za-z.'’-]*(?:[ \u00a0][A-Z][A-Za-z.'’-]*){0,3}):[ \t\u00a0]+(?=\S)"
)
_WORD = re.compile(r"[^\W\d_]{2,}")
_TURN_MIN_WORDS = 2
_QUOTE_MARKS = "\"“”‘’'«»„"
_INTERVIEW_CUE = "interview"


@dataclass(slots=True)
class _Line:
    """A paragraph of a transcript: its label and where the words after the label lie."""

    para: int
    label: str
    start: int
    end: int


def transcript_quotes(
    text: str,
    paragraphs: list[Paragraph],
    title: str,
    people: People,
    quoted: list[tuple[int, int]],
) -> list[Quote]:
    """The turns of the article's interview transcript, if it prints one; paragraphs that
    quote marks already hold (``quoted``) are left to the quote marks."""
    free = [p for p in paragraphs if not _overlaps(quoted, p.start, p.end)]
    qa = _labelled(text, free, _QA_LABEL)
    if _is_qa(qa):
        return _qa_quotes(text, paragraphs, title, people, qa, quoted)
    named = _named_lines(text, free, people)
    return [
        _quote(text, line.para, line.start, line.end, name)
        for line, name in named
        if name is not None
    ]


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(a < end and start < b for a, b in spans)


def _labelled(text: str, paragraphs: list[Paragraph], label: re.Pattern[str]) -> list[_Line]:
    out = []
    for p in paragraphs:
        m = label.match(text, p.start, p.end)
        if m is not None:
            out.append(_Line(p.index, m.group("label"), m.end(), p.end))
    return out


def _is_qa(lines: list[_Line]) -> bool:
    """A question answered: a ``Q`` line followed, later, by an ``A`` line."""
    first_q = next((i for i, line in enumerate(lines) if line.label == "Q"), None)
    return first_q is not None and any(line.label == "A" for line in lines[first_q + 1 :])


def _qa_quotes(
    text: str,
    paragraphs: list[Paragraph],
    title: str,
    people: People,
    lines: list[_Line],
    quoted: list[tuple[int, int]],
) -> list[Quote]:
    first_q = next(line for line in lines if line.label == "Q")
    guest = _interviewee(text, paragraphs, title, people, paragraphs[first_q.para].start)
    out: list[Quote] = []
    for k, line in enumerate(lines):
        if line.label == "Q":
            out.append(_quote(text, line.para, line.start, line.end, None))
            continue
        out.append(_quote(text, line.para, line.start, line.end, guest))
        nxt = lines[k + 1] if k + 1 < len(lines) else None
        if nxt is None or nxt.label != "Q":
            continue  # (after the last answer the article may go on in its own voice)
        for pi in range(line.para + 1, nxt.para):
            p = paragraphs[pi]
            if not _overlaps(quoted, p.start, p.end):
                out.append(_quote(text, pi, p.start, p.end, guest))
    return out


def _interviewee(
    text: str, paragraphs: list[Paragraph], title: str, people: People, first_question: int
) -> str | None:
    """The person a Q&A puts its questions to: the one the title names, else the one the
    introduction (the paragraphs before the first question) names most, the first named
    on a tie."""
    persons = people.persons
    counts: dict[int, int] = {}
    for m in people.mentions:
        if m.in_quote or m.start >= first_question:
            continue
        rec = persons[m.person]
        if rec.is_person or rec.gender is not None:
            counts[m.person] = counts.get(m.person, 0) + 1
    if not counts:
        return None
    body_start = paragraphs[0].start if paragraphs else 0
    in_title = [
        pid
        for pid in counts
        if any(m.person == pid and m.start < body_start for m in people.mentions)
    ]
    if title and not in_title:
        in_title = [pid for pid in counts if persons[pid].surname in title]
    pool = in_title or list(counts)
    best = max(pool, key=lambda pid: (counts[pid], -persons[pid].first))
    return persons[best].name


def _named_lines(
    text: str, paragraphs: list[Paragraph], people: People
) -> list[tuple[_Line, str | None]]:
    """``NAME: ...`` lines of a broadcast transcript with the person each label names;
    none unless two lines at least name two people at least."""
    lines = [
        line
        for line in _labelled(text, paragraphs, _NAME_LABEL)
        if len(_WORD.findall(text, line.start, line.end)) >= _TURN_MIN_WORDS
    ]
    named = [(line, _label_person(line.label, people)) for line in lines]
    turns: dict[str, int] = {}
    for _, name in named:
        if name is not None:
            turns[name] = turns.get(name, 0) + 1
    if len(turns) < 2 or max(turns.values()) < 2:
        return []  # (a list of people with a line each, "Sanders: Win in a walk.", is none)
    return named


def _label_person(label: str, people: People) -> str | None:
    """The article's fullest name for the person a label names (``FALLIN`` -> Mary
    Fallin), or a label in capitals of two words or more as a name (``JAKE TAPPER``)."""
    words = label.replace("\u00a0", " ").split()
    if label.isupper():
        words = [w.capitalize() for w in words]
    elif not all(w[:1].isupper() for w in words):
        return None
    pid = people.lookup(" ".join(words))
    if pid is not None:
        rec = people.persons[pid]
        if not rec.is_person and rec.gender is None:
            return None
        return " ".join(w.capitalize() for w in rec.tokens) if rec.name.isupper() else rec.name
    if (
        label.isupper()
        and 2 <= len(words) <= 3
        and all(w.isalpha() for w in words)
        and gender_of_first(words[0]) is not None
    ):
        return " ".join(words)
    return None


def _quote(text: str, pi: int, start: int, end: int, speaker: str | None) -> Quote:
    while start < end and (text[start].isspace() or text[start] in _QUOTE_MARKS):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Quote(
        start=start,
        end=end,
        text=text[start:end],
        speaker=speaker,
        cue=_INTERVIEW_CUE,
        kind="direct",
        paragraph=pi,
    )
