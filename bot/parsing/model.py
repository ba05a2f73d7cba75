"""Plain data produced by the parser: what the store saves and the bot answers from.

Offsets (``start``/``end``) are always Python ``str`` indices into the *whole* decoded
file text (front matter included), so evaluation tools can slice the original text.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

QuoteKind = Literal["direct", "partial", "indirect"]


@dataclass(slots=True)
class Paragraph:
    """One paragraph of the body; ``section`` is the heading it falls under (or None)."""

    index: int
    start: int
    end: int
    text: str
    section: str | None = None

    # Written out for mypyc (see people.PersonRecord).
    def __init__(
        self, index: int, start: int, end: int, text: str, section: str | None = None
    ) -> None:
        self.index = index
        self.start = start
        self.end = end
        self.text = text
        self.section = section


@dataclass(slots=True)
class Quote:
    """A statement with its speaker.

    ``direct``: a full quotation between quote marks; ``partial``: a short fragment in marks
    woven into the reporter's sentence (``what Ushakov called a "comprehensive" discussion``);
    ``indirect``: reported speech without marks (``Trump stressed the need for ...``).
    """

    start: int
    end: int
    text: str
    speaker: str | None
    speaker_role: str | None = None
    cue: str | None = None
    kind: QuoteKind = "direct"
    paragraph: int = 0

    # Written out for mypyc (see people.PersonRecord).
    def __init__(
        self,
        start: int,
        end: int,
        text: str,
        speaker: str | None,
        speaker_role: str | None = None,
        cue: str | None = None,
        kind: QuoteKind = "direct",
        paragraph: int = 0,
    ) -> None:
        self.start = start
        self.end = end
        self.text = text
        self.speaker = speaker
        self.speaker_role = speaker_role
        self.cue = cue
        self.kind = kind
        self.paragraph = paragraph


@dataclass(slots=True)
class Person:
    """A person named in the article, under the fullest name used for them."""

    name: str
    role: str | None = None
    mentions: int = 1


@dataclass(slots=True)
class ParsedArticle:
    """Everything the parser understood about one article."""

    title: str
    body_start: int
    date: str | None = None
    source: str | None = None
    url: str | None = None
    sample: bool = False
    paragraphs: list[Paragraph] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)

    def to_json(self, article_id: str) -> dict[str, Any]:
        """The stable ``newsbot parse --json`` contract (used by evaluation tools)."""
        return {
            "id": article_id,
            "title": self.title,
            "date": self.date,
            "quotes": [
                {
                    "start": q.start,
                    "end": q.end,
                    "text": q.text,
                    "speaker": q.speaker,
                    "speaker_role": q.speaker_role,
                    "cue": q.cue,
                    "kind": q.kind,
                }
                for q in self.quotes
            ],
            "people": [asdict(p) for p in self.people],
            "organisations": list(self.organisations),
            "places": list(self.places),
            "topics": list(self.topics),
        }
