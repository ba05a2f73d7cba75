"""Article layout: front matter, title, headings and paragraphs.

Everything else in the parser works paragraph by paragraph, so this module decides once
where the body starts, which lines are headings (never searched for quotes, but kept as
the ``section`` of the paragraphs under them) and which lines are paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.parsing.model import Paragraph

FRONT_MATTER_KEYS = frozenset({"title", "date", "source", "url", "sample"})
_FM_LINE = re.compile(r"[ \t]*([A-Za-z_]+)[ \t]*:[ \t]?(.*)")
_LINE = re.compile(r"[^\n]+")
_FENCE = re.compile(r"[ \t]*-{3,}[ \t]*")
# A heading ends without sentence punctuation or a closing quote mark.
_SENTENCE_END = frozenset(".!?:;,…\"”’'»«“)]}")  # («, “: German closing marks)
_TAG_LINE = re.compile(r"\s*<")
_TITLE_MAX = 160  # a first line longer than this is a lead paragraph, not a headline
_FIRST_SENTENCE = re.compile(r"(.{20,}?[.!?])\s+[A-Z\"“‘']")
_HEADING_MAX_WORDS = 14


@dataclass(slots=True)
class Layout:
    """Where the parts of an article are; ``headings`` hold (start, end) spans."""

    title: str = ""
    body_start: int = 0
    date: str | None = None
    source: str | None = None
    url: str | None = None
    sample: bool = False
    title_span: tuple[int, int] | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)
    headings: list[tuple[int, int]] = field(default_factory=list)


def _front_matter(text: str, layout: Layout) -> int:
    """Read ``key: value`` lines at the very top; return the offset after them."""
    pos = 0
    n = len(text)
    fenced = False
    first = _LINE.match(text, 0)
    if first and _FENCE.fullmatch(first.group()):
        fenced = True
        pos = min(first.end() + 1, n)
    seen = False
    while pos < n:
        nl = text.find("\n", pos)
        line_end = n if nl < 0 else nl
        line = text[pos:line_end]
        m = _FM_LINE.fullmatch(line)
        if not m or m.group(1).lower() not in FRONT_MATTER_KEYS:
            break
        seen = True
        key, value = m.group(1).lower(), m.group(2).strip()
        if key == "title":
            layout.title = value
        elif key == "sample":
            layout.sample = value.lower() in {"true", "yes", "1"}
        else:
            setattr(layout, key, value or None)
        pos = line_end + 1 if nl >= 0 else n
    if not seen:
        return 0
    # optional closing fence and/or one blank line
    for _ in range(2):
        if pos >= n:
            break
        nl = text.find("\n", pos)
        line_end = n if nl < 0 else nl
        line = text[pos:line_end]
        if not line.strip() or (fenced and _FENCE.fullmatch(line)):
            pos = line_end + 1 if nl >= 0 else n
        else:
            break
    return min(pos, n)


def is_heading(line: str) -> bool:
    """A short line without final punctuation, e.g. ``'Who Hung Up First?' Ushakov Answers``."""
    s = line.strip()
    if not s or len(s) > 120 or s[-1] in _SENTENCE_END or _TAG_LINE.match(s):
        return False
    if len(s.split()) > _HEADING_MAX_WORDS:
        return False
    return s[0].isupper() or s[0].isdigit() or s[0] in "'‘\"“"


def _lines(text: str, pos: int) -> list[tuple[int, int, str]]:
    """(start, end, line) of the lines of ``text[pos:]`` that hold more than spaces: a
    C split at newlines and summed lengths, instead of a regex match object per line."""
    out = []
    start = pos
    for line in text[pos:].split("\n"):
        end = start + len(line)
        if line.strip():
            out.append((start, end, line))
        start = end + 1
    return out


def parse_layout(text: str) -> Layout:
    """Split ``text`` into front matter, title, headings and paragraphs."""
    layout = Layout()
    pos = _front_matter(text, layout)
    lines = _lines(text, pos)
    if not layout.title and lines:
        s, e, raw = lines[0]
        lead = raw.strip()
        if len(lead) <= _TITLE_MAX:
            layout.title = lead.rstrip()
            layout.title_span = (s, e)
            lines = lines[1:]
            pos = lines[0][0] if lines else len(text)
        else:
            m = _FIRST_SENTENCE.match(lead)
            layout.title = m.group(1) if m and len(m.group(1)) <= _TITLE_MAX else lead[:_TITLE_MAX]
            pos = s
    layout.body_start = pos if not lines else min(pos, lines[0][0])
    section: str | None = None
    for s, e, line in lines:
        if is_heading(line):
            layout.headings.append((s, e))
            section = line.strip()
            continue
        # trim surrounding whitespace but keep offsets into the whole text
        ls = len(line) - len(line.lstrip())
        rs = len(line.rstrip())
        start, end = s + ls, s + rs
        layout.paragraphs.append(
            Paragraph(len(layout.paragraphs), start, end, text[start:end], section)
        )
    return layout
