"""The per-article document every speaker step reads: tokens, the tokens that may be
marks, quotation masks and sentences per paragraph, each made once on first use."""

from __future__ import annotations

import bisect

from bot.parsing.model import Paragraph
from bot.parsing.quotes import Segment
from bot.parsing.tokens import SENT_END, tokenize_marked

Tok = tuple[int, int, str]


QMARKS = frozenset({'"', "“", "”", "''", "„", "«", "»"})


ENDERS = SENT_END | QMARKS


class ArticleDocument:
    """Tokens, marks, masks and sentences of one article's paragraphs, made lazily."""

    def __init__(self, text: str, paragraphs: list[Paragraph], segments: list[Segment]) -> None:
        self.text = text
        self.paras = paragraphs
        self.segments = segments
        self._toks: dict[int, list[Tok]] = {}
        self._marks: dict[int, list[int]] = {}  # per paragraph: tokens that may be marks
        self._masks: dict[int, list[bool]] = {}
        self._sents: dict[int, list[tuple[int, int]]] = {}
        self._bounds: dict[int, list[int]] = {}  # per paragraph: tokens opening a sentence
        self._para_starts = [p.start for p in paragraphs]
        self._by_para: dict[int, list[Segment]] = {}
        for seg in segments:
            for p in range(seg.para, seg.end_para + 1):
                self._by_para.setdefault(p, []).append(seg)

    # -- tokens ------------------------------------------------------------------
    def toks(self, pi: int) -> list[Tok]:
        t = self._toks.get(pi)
        if t is None:
            p = self.paras[pi]
            t, self._marks[pi] = tokenize_marked(self.text, p.start, p.end)
            self._toks[pi] = t
        return t

    def tokenized(self, pi: int) -> list[Tok] | None:
        """The tokens of paragraph ``pi`` if they were made already, else None."""
        return self._toks.get(pi)

    @staticmethod
    def _index_at(toks: list[Tok], pos: int) -> int:
        """Index of the first token starting at or after ``pos``.

        ``(pos,)`` sorts before every token ``(pos, end, word)`` and after every token
        starting earlier, so the C bisect on the tuples answers directly.
        """
        return bisect.bisect_left(toks, (pos,))

    def mask(self, pi: int) -> list[bool]:
        """Per token of paragraph ``pi``: inside a quotation (marks included)?"""
        m = self._masks.get(pi)
        if m is None:
            toks = self.toks(pi)
            m = [False] * len(toks)
            for seg in self._by_para.get(pi, ()):
                a = seg.open_mark
                b = seg.close_mark if seg.close_mark is not None else self.paras[seg.end_para].end
                i = self._index_at(toks, a)
                j = bisect.bisect_left(toks, (b,), i)  # the tokens starting before b
                m[i:j] = [True] * (j - i)
            self._masks[pi] = m
        return m

    def _sentences(self, pi: int) -> list[tuple[int, int]]:
        """Sentence spans (character offsets) of paragraph ``pi``; quotations stay whole.

        Made from the paragraph's sentence starts (_sentence_starts), which the speaker
        steps need too: the marks are looked at once per paragraph, not twice."""
        sp = self._sents.get(pi)
        if sp is not None:
            return sp
        toks = self.toks(pi)
        sp = []
        start = self.paras[pi].start
        for b in self._starts_of(pi):
            sp.append((start, toks[b - 1][1]))
            start = toks[b][0]
        sp.append((start, self.paras[pi].end))
        self._sents[pi] = sp
        return sp

    def _starts_of(self, pi: int) -> list[int]:
        """The tokens of paragraph ``pi`` that open a sentence (_sentence_starts), made once."""
        bounds = self._bounds.get(pi)
        if bounds is None:
            bounds = self._bounds[pi] = self._sentence_starts(pi, self.toks(pi), self.mask(pi))
        return bounds

    def _para_starts_with(self, seg: Segment) -> bool:
        return seg.open_mark == self.paras[seg.para].start

    def _sentence_start(self, pi: int, toks: list[Tok], mask: list[bool], j: int) -> int:
        """First token of the sentence holding token ``j`` of paragraph ``pi`` (quotations
        inside are skipped), at most 150 tokens back: the last sentence start before ``j``
        among the paragraph's, which are found once."""
        bounds = self._starts_of(pi)
        floor = max(0, j - 150)
        idx = bisect.bisect_right(bounds, j) - 1
        if idx >= 0 and bounds[idx] - 1 >= floor:
            return bounds[idx]
        return floor

    def _sentence_starts(self, pi: int, toks: list[Tok], mask: list[bool]) -> list[int]:
        """Every token of paragraph ``pi`` that opens a sentence after a sentence or quote
        mark: only the tokens that may be marks are looked at."""
        out: list[int] = []
        n = len(toks)
        for k in self._marks[pi]:
            w = toks[k][2]
            if w not in ENDERS:
                continue  # (most marks are commas)
            if k + 1 >= n:
                break
            nw = toks[k + 1][2]
            if not (nw[:1].isupper() or nw in QMARKS):
                continue
            if (w in SENT_END and not mask[k]) or (
                w in QMARKS and mask[k] and k > 0 and toks[k - 1][2] in SENT_END and not mask[k + 1]
            ):
                out.append(k + 1)
        return out

    def _sentence_end(
        self, pi: int, toks: list[Tok], mask: list[bool], i: int, reach: int = 120
    ) -> int:
        """Index just past the sentence that continues at token ``i`` of paragraph ``pi``,
        at most ``reach`` tokens on.

        Only the tokens that may be marks are looked at: the others are no sentence mark
        nor bracket, and an aside they make too long is found closed at the next mark."""
        n = len(toks)
        stop = min(n, i + reach)
        marks = self._marks[pi]
        opened = -1  # the "(" of a short aside whose periods end no sentence: "(D-N.Y.)"
        for idx in range(bisect.bisect_left(marks, i), len(marks)):
            k = marks[idx]
            if k >= stop:
                break
            t = toks[k][2]
            if t == "(":
                opened = k
            elif t == ")" or k - opened > 8:
                opened = -1
            if t in SENT_END and not mask[k] and opened < 0:
                if k + 1 >= n:
                    return n
                nw = toks[k + 1][2]
                if nw[:1].isupper() or nw in QMARKS:
                    return k + 1
        return stop
