"""Quote-mark segmentation: which stretches of the text sit between quotation marks.

Works on paragraphs (so one stray mark can never swallow the rest of an article) with a
small state machine. Straight marks and the NYT-style ``''`` are ambiguous; whether they
open or close is read from the neighbouring characters, the same way a reader does.
A quote still open at the end of a paragraph continues when the next paragraph opens
with a quote mark, and is otherwise closed at the paragraph end.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from bot.parsing.model import Paragraph

# '' first so the pair wins over a lone apostrophe. Every alternative opens with a plain
# character (the marks spelt out, not a [...] class), so the regex engine knows the
# possible first characters and skips to them in C instead of trying every position
# (half the scan time, same matches).
_MARK = re.compile(r"''|“|”|\"|„|«|»|<[^<>\n]{0,400}>")
_SINGLE = re.compile(r"[‘’']")
_WORDY = re.compile(r"[^\W_]")
_OPENERS = frozenset("“„«")
_CLOSERS = frozenset("”»")
_LEFT_OPEN = frozenset(" \t\n([{—–-/\u00a0:")
_RIGHT_CLOSE = frozenset(" \t\n.,;:!?)]}—–-…\u00a0'’")

OPEN, CLOSE, EITHER = 1, 2, 3


@dataclass(slots=True)
class Segment:
    """Text between quote marks; ``start``/``end`` exclude the marks and outer spaces."""

    start: int
    end: int
    open_mark: int  # offset of the opening mark
    close_mark: int | None  # offset just after the closing mark (None: closed by paragraph end)
    para: int  # paragraph index where it opens
    end_para: int  # paragraph index where it closes
    mark: str = '"'

    # Written out for mypyc (see people.PersonRecord).
    def __init__(
        self,
        start: int,
        end: int,
        open_mark: int,
        close_mark: int | None,
        para: int,
        end_para: int,
        mark: str = '"',
    ) -> None:
        self.start = start
        self.end = end
        self.open_mark = open_mark
        self.close_mark = close_mark
        self.para = para
        self.end_para = end_para
        self.mark = mark


def _mark_type(mark: str, left: str, right: str) -> int:
    """Opening or closing, judged from the characters around the mark."""
    left_open = left == "" or left in _LEFT_OPEN
    right_close = right == "" or right in _RIGHT_CLOSE
    if mark in _OPENERS:
        # a curly opener used as a closer: word before, space after
        # a curly opener typed where a closer belongs: text before, space after
        return EITHER if not left_open and right_close else OPEN
    if mark in _CLOSERS:
        if left_open and not right_close:
            return EITHER
        return CLOSE
    if left_open and not right_close:
        return OPEN
    if right_close and not left_open:
        return CLOSE
    return EITHER


def _marks(text: str, start: int, end: int) -> list[tuple[int, int, int, str]]:
    """(position, length, type, mark) of every double quote mark in ``text[start:end]``."""
    out: list[tuple[int, int, int, str]] = []
    for m in _MARK.finditer(text, start, end):
        mark = m.group()
        if mark[0] == "<":
            continue  # markup such as <tweet author="..."> is not prose
        p = m.start()
        left = text[p - 1] if p > start else ""
        q = m.end()
        right = text[q] if q < end else ""
        out.append((p, len(mark), _mark_type(mark, left, right), mark))
    return out


def _may_hold_marks(para: str) -> bool:
    """Whether ``para`` holds a character a _MARK match opens with. Most paragraphs hold
    none, and a substring test per mark (a fast C search) costs a small part of the
    regex scan, which tests each character against the set of first characters."""
    return (
        '"' in para
        or "“" in para
        or "”" in para
        or "''" in para
        or "<" in para
        or "„" in para
        or "«" in para
        or "»" in para
    )


def _trimmed(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def segment_quotes(text: str, paragraphs: list[Paragraph]) -> list[Segment]:
    """All quoted segments of the given paragraphs, in text order."""
    segments: list[Segment] = []
    open_at: tuple[int, int, int, str] | None = None  # (mark pos, mark len, para, mark)
    depth = 0
    n = len(paragraphs)
    for pi, para in enumerate(paragraphs):
        marks = _marks(text, para.start, para.end) if _may_hold_marks(para.text) else []
        skip_first = False
        if open_at is not None:
            # continuing a multi-paragraph quote: the re-opening mark is not a new quote
            if marks and marks[0][0] == para.start and marks[0][2] != CLOSE:
                skip_first = True
            else:  # pragma: no cover - handled at the end of the previous paragraph
                open_at = None
        for i, (pos, ln, kind, mark) in enumerate(marks):
            if skip_first and i == 0:
                continue
            if open_at is None:
                if kind != CLOSE or mark in _CLOSERS:
                    # a closer with nothing open is read as a (mis-typed) opener
                    open_at = (pos, ln, pi, mark)
                    depth = 0
                continue
            if kind == OPEN and mark in _OPENERS and open_at[3] in _OPENERS:
                depth += 1  # a curly quote nested in a curly quote
                continue
            if kind == OPEN and open_at[2] == pi:
                # a fresh opener while open: the earlier mark was stray; restart here
                open_at = (pos, ln, pi, mark)
                depth = 0
                continue
            if depth > 0:
                depth -= 1
                continue
            if pos == open_at[0] + open_at[1] and open_at[3] in _OPENERS:
                continue  # a doubled opening mark (“”This is ...”): a typo, still open
            s, e = _trimmed(text, open_at[0] + open_at[1], pos)
            if e > s and _WORDY.search(text, s, e):  # (marks around no word quote nothing)
                segments.append(Segment(s, e, open_at[0], pos + ln, open_at[2], pi, open_at[3]))
            open_at = None
        if open_at is not None:
            nxt = paragraphs[pi + 1] if pi + 1 < n else None
            if nxt is not None:
                first = _MARK.match(text, nxt.start)
                if first and first.group()[0] != "<":
                    continue  # multi-paragraph quote
            s, e = _trimmed(text, open_at[0] + open_at[1], para.end)
            if e > s and _WORDY.search(text, s, e):
                segments.append(Segment(s, e, open_at[0], None, open_at[2], pi, open_at[3]))
            open_at = None
            depth = 0
    return segments


_SINGLE_MAX = 600


@dataclass(frozen=True, slots=True)
class _SingleStyle:
    """One way of printing single quote marks: the opening mark, the closing mark and where
    an opening mark may stand: after a space, a bracket, a dash or a colon (the pattern
    takes that character too, so the regex engine can skip to it in C), before a letter
    (not the ``’90s`` or ``'90s`` of a decade)."""

    opener: str
    closer: str
    opening: re.Pattern[str]


def _opening(mark: str) -> re.Pattern[str]:
    return re.compile(r"[\s(\[—–:-]" + mark + r"(?=[^\W\d_])")


_CURLY = _SingleStyle("‘", "’", _opening("‘"))
# Straight single marks (UK and tech sites type them): the same mark is also the
# apostrophe, so an opener is only ever a mark after a space before a letter, and a
# closer one after a letter that no letter follows (not "don't", "rock 'n' roll" holds one
# word only and is no speech).
_STRAIGHT = _SingleStyle("'", "'", _opening("'"))
_STYLES = (_CURLY, _STRAIGHT)
SINGLE_MARKS = frozenset(style.opener for style in _STYLES)


def _single_close(text: str, start: int, end: int, closer: str = "’") -> int | None:
    """The closing mark of a single mark opened before ``start``: the first one that no
    letter follows (not "don’t"), that follows no space and that is no plural possessive
    ("the teachers’ union")."""
    pos = text.find(closer, start, end)
    while pos >= 0:
        nxt = text[pos + 1 : pos + 2]
        if not nxt.isalnum() and not text[pos - 1].isspace():
            after = text[pos + 2 : pos + 3]
            possessive = text[pos - 1] == "s" and nxt == " " and after.islower()
            if not possessive and pos > start:
                return pos
        pos = text.find(closer, pos + 1, end)
    return None


def single_quoted(text: str, paragraphs: list[Paragraph], segments: list[Segment]) -> list[Segment]:
    """Quotes in single marks (‘…’ as UK papers print them, '…' as many sites type them)
    outside the double-quoted segments, within one paragraph; merged into ``segments`` in
    text order. Double marks inside single ones (‘He told me “no”,’ she said) are the
    inner quote of the UK style: the single-marked segment holds them."""
    found: list[Segment] = []
    spans = _Spans([(s.open_mark, s.close_mark or s.end) for s in segments])
    for style in _STYLES:
        for pi, para in enumerate(paragraphs):
            if style.opener in para.text:
                _single_in_paragraph(text, paragraphs, pi, style, spans, found)
    if not found:
        return segments
    inner = [s for s in segments if any(_holds(f, s) for f in found)]
    kept = [s for s in segments if s not in inner] if inner else segments
    return sorted(kept + found, key=lambda seg: seg.open_mark)


class _Spans:
    """The offsets the quoted spans of an article cover, kept as sorted disjoint intervals:
    whether one is covered is a bisection, so a paragraph of thousands of quotes is read in
    n log n, not n²."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self._spans: list[tuple[int, int]] = []
        for start, end in sorted(spans):
            self.add(start, end)

    def holds(self, offset: int) -> bool:
        i = bisect_right(self._spans, (offset, _END)) - 1
        return i >= 0 and offset < self._spans[i][1]

    def add(self, start: int, end: int) -> None:
        """Cover ``start``..``end`` too, merged with the intervals it touches."""
        spans = self._spans
        i = bisect_right(spans, (start, _END))
        if i > 0 and spans[i - 1][1] >= start:
            i -= 1
            start, end = spans[i][0], max(end, spans[i][1])
            del spans[i]
        while i < len(spans) and spans[i][0] <= end:
            end = max(end, spans[i][1])
            del spans[i]
        spans.insert(i, (start, end))


#: Above any offset: ``(offset, _END)`` sorts after every interval starting at ``offset``.
_END = 2**63


def _holds(outer: Segment, seg: Segment) -> bool:
    """Whether ``seg`` lies wholly inside the closed segment ``outer``."""
    return (
        outer.close_mark is not None
        and seg.close_mark is not None
        and outer.open_mark < seg.open_mark
        and seg.close_mark < outer.close_mark
    )


def _single_in_paragraph(
    text: str,
    paragraphs: list[Paragraph],
    pi: int,
    style: _SingleStyle,
    spans: _Spans,
    found: list[Segment],
) -> None:
    """The single-marked segments of paragraph ``pi`` in ``style``, appended to ``found``."""
    para = paragraphs[pi]
    # (a paragraph's first character follows a newline or the spaces trimmed off it, which
    # the pattern takes as the character before an opening mark)
    pos = para.start - 1 if para.start > 0 else para.start
    while (m := style.opening.search(text, pos, para.end)) is not None:
        o = m.end() - 1
        pos = o + 1
        if spans.holds(o):
            continue  # a quote inside a quote: the double marks' segment holds it
        close = _single_close(text, o + 1, min(para.end, o + _SINGLE_MAX), style.closer)
        if close is None:
            if _goes_on(text, paragraphs, pi, o, style):
                # UK style over paragraphs: ‘... / ‘...’ (each paragraph opens anew)
                s, e = _trimmed(text, o + 1, para.end)
                if e > s and not text[s:e].isupper():
                    found.append(Segment(s, e, o, None, pi, pi, style.opener))
                return
            continue
        s, e = _trimmed(text, o + 1, close)
        # (a heading in capitals is no quote, nor the one letter of "rock 'n' roll")
        if e - s > 1 and not text[s:e].isupper():
            found.append(Segment(s, e, o, close + 1, pi, pi, style.opener))
            spans.add(o, close + 1)
        pos = close + 1


def _goes_on(
    text: str, paragraphs: list[Paragraph], pi: int, o: int, style: _SingleStyle = _CURLY
) -> bool:
    """A single mark at ``o`` left open to the end of its paragraph, the next paragraph
    opening with one too: a quote running over paragraphs (closed only at its end)."""
    para = paragraphs[pi]
    if pi + 1 >= len(paragraphs):
        return False
    if style.opener != style.closer and style.opener in text[o + 1 : para.end]:
        return False
    if o + _SINGLE_MAX < para.end:
        return False
    return paragraphs[pi + 1].text.lstrip()[:1] == style.opener


def has_single_quotes(text: str) -> bool:
    """Whether single marks appear at all (cheap pre-check for nested quotes)."""
    return _SINGLE.search(text) is not None
