"""Speaker finding: for each quoted segment, who said it and with which cue.

Works on the tokens around a quote, in the order a reader checks them:

1. after the quote, in the same sentence: ``"...," X said`` / ``"...," said X, the ...``;
2. before it, in the same sentence: ``X said: "..."``, ``As X noted, "..."``,
   ``according to X``, a ``Name:`` label;
3. the dash line under a blockquote: ``— Name, role``;
4. the context: the other half of a split quote, a quote continuing the previous
   paragraph's speaker, or the subject of a reporting verb in the sentence before; a bare
   quote paragraph answering a question put to someone is the answer of that someone
   (``turns.py``).

This module holds only that order. The phrase shapes (which tokens make the speaker's
phrase) live in ``phrases.py``, the resolution of a phrase to a person in ``names.py``,
the per-article tokens, masks and sentences in ``document.py`` and every word list in
``cues.py``.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

from bot.parsing import cues
from bot.parsing.document import Tok
from bot.parsing.model import Paragraph
from bot.parsing.names import Attribution, NameResolution
from bot.parsing.people import People
from bot.parsing.phrases import DASHES, NP, is_verb, opening_verb
from bot.parsing.quotes import Segment
from bot.parsing.tokens import SENT_END
from bot.parsing.turns import alone_in_paragraph, lead_in_of, turn_of


def _verb_takes_clause(toks: list[Tok], v: int, hi: int) -> bool:
    """``Bloomberg says its reporting found ...``: a verb going on with a clause of its own
    opens a new statement; ``Fisher said Tuesday.`` or ``Fisher told the Post.`` ends one."""
    if v + 1 >= hi:
        return False
    nxt = toks[v + 1][2].lower()
    if nxt == "that":
        return True
    return nxt in cues.CLAUSE_OPENERS and cues.REPORTING_FORMS.get(toks[v][2].lower()) != "tell"


# Dashes that may open a credit after a quote ("..." — Name).
_CREDIT_DASHES = frozenset("—–")

# A reporting verb reaches this many quotations of its sentence, no further: a sentence
# of thousands of quotes costs what a few do.
_QUOTES_IN_REACH = 4


class Attributor(NameResolution):
    """Finds speakers for all segments of one article: the order of the checks."""

    def __init__(
        self,
        text: str,
        paragraphs: list[Paragraph],
        segments: list[Segment],
        people: People,
        is_org: Callable[[str], bool] | None = None,
        is_place: Callable[[str], bool] | None = None,
    ) -> None:
        super().__init__(text, paragraphs, segments)
        self.people = people
        self.is_org = is_org
        self.is_place = is_place
        self._anon = False  # set by resolve(): the speaker it refused is someone unnamed
        self.results: list[Attribution] = []
        # the first unnamed source (a common-noun subject) met while attributing a quote
        self._unnamed: Attribution | None = None
        self._titles: dict[int, set[str]] | None = None
        self._word_end: dict[int, bool] = {}
        self._pronouns = {}

    # -- driver ------------------------------------------------------------------
    def run(self) -> list[Attribution]:
        out: list[Attribution] = []
        segs = self.segments
        for si, seg in enumerate(segs):
            out.append(self._attribute(si, seg, out))
        for si in range(len(segs) - 2, -1, -1):
            if out[si].how == "" and out[si].speaker is None:
                nxt = lead_in_of(self.text, si, segs, out, self.paras)
                if nxt is not None:
                    out[si] = nxt
        self.results = out
        return out

    def _attribute(self, si: int, seg: Segment, done: list[Attribution]) -> Attribution:
        found = self._attribute_named(si, seg, done)  # (sets _unnamed afresh)
        if found.speaker is None and not found.anonymous and self._unnamed is not None:
            return self._unnamed  # a source without a name, and no one better
        return found

    def _attribute_named(self, si: int, seg: Segment, done: list[Attribution]) -> Attribution:
        self._unnamed = None
        text = self.text
        segs = self.segments
        # a verb of speech after the quote in its sentence whose speaker no one resolves:
        # the quote is speech with the speaker unknown, not the previous speaker's
        cue: Tok | None = None
        np: NP | None
        a: Attribution | None
        # after the quote, same sentence
        if seg.close_mark is not None:
            toks = self.toks(seg.end_para)
            i = self._index_at(toks, seg.close_mark)
            emask = self.mask(seg.end_para)
            far = segs[si + _QUOTES_IN_REACH] if si + _QUOTES_IN_REACH < len(segs) else None
            reach = 120
            if far is not None and far.para == seg.end_para:
                reach = min(reach, self._index_at(toks, far.open_mark) - i)
            send = self._sentence_end(seg.end_para, toks, emask, i, reach)
            hi = send
            nxt = segs[si + 1] if si + 1 < len(segs) else None
            if nxt is not None and nxt.para == seg.end_para:
                hi = min(hi, self._index_at(toks, nxt.open_mark))
            ends_sentence = bool(text[seg.start : seg.end].rstrip()[-1:] in ".!?")
            if i < hi:
                first = toks[i][2]
                starts_new = (
                    ends_sentence
                    and first[:1].isupper()
                    and first.lower() in (cues.SUBJECT_PRONOUNS | {"the", "a", "an", "but", "and"})
                )
                if not starts_new:
                    if ends_sentence and first[:1].isupper() and text[seg.end - 1] == ".":
                        # a new sentence may follow a full stop: only "Name said" counts
                        found = self._after_immediate(toks, i, hi)
                        if found is not None and (
                            found[1] > i + 4
                            or _verb_takes_clause(toks, found[1], hi)
                            or cues.REPORTING_FORMS.get(toks[found[1]][2].lower())
                            not in cues.SAY_LIKE
                        ):
                            # only a verb of speech: not "According to F.A.A. records, ..."
                            # (a sentence about what follows) nor "Romney fired back ..."
                            found = None
                    else:
                        found = self._after(toks, emask, i, hi, send)
                    if found is not None:
                        np, v = found
                        a = self._make(np, toks[v], "after")
                        if a.speaker or a.anonymous:
                            return a
                        if cues.REPORTING_FORMS.get(toks[v][2].lower()) in cues.SAY_LIKE:
                            cue = toks[v]
                    elif not ends_sentence:
                        cue = self._cue_after(toks, emask, i, hi)
        # before the quote, same sentence
        toks = self.toks(seg.para)
        mask = self.mask(seg.para)
        j = self._index_at(toks, seg.open_mark)
        lo = self._sentence_start(seg.para, toks, mask, j)
        if si >= _QUOTES_IN_REACH and segs[si - _QUOTES_IN_REACH].para == seg.para:
            lo = max(lo, self._index_at(toks, segs[si - _QUOTES_IN_REACH].open_mark))
        # (a lone "But" or "Instead," before the quote goes on with what was said before)
        text_before = any(
            not mask[k] and toks[k][2][:1].isalnum() and toks[k][2].lower() not in cues.CARRY_ON
            for k in range(lo, j)
        )
        if text_before:
            found = self._before(toks, mask, lo, j)
            if found is not None:
                np, v = found
                a = self._make(np, toks[v], "before")
                if a.speaker or a.anonymous:
                    return a
                if np.kind != "name" and j - 1 >= lo and toks[j - 1][2] == ":":
                    # "Sanders delivered a snappy retort: "..."": the verb's subject was
                    # no one ("a snappy"), so the quote is the sentence subject's (the
                    # name opening the sentence, not one after a comma)
                    subj, _ = self._np_fwd(toks, lo, j - 1) if not mask[lo] else (None, lo)
                    if subj is not None and subj.kind in ("name", "pron"):
                        b = self._make(subj, toks[j - 1], "subject")
                        if b.speaker or b.anonymous:
                            return b
                if np.kind != "name":
                    return a
            else:
                # no reporting verb: a phrase woven into a sentence about its subject
                np = self._words_of(toks, lo, j) or self._sentence_subject(toks, mask, lo, j)
                if np is not None:
                    a = self._make(np, toks[j], "subject")
                    if a.speaker or a.anonymous:
                        return a
        # dash line under a blockquote
        if seg.close_mark is not None and seg.end_para + 1 < len(self.paras):
            p = self.paras[seg.end_para + 1]
            listed = seg.end_para + 2 < len(self.paras) and (
                self.paras[seg.end_para + 2].text[:1] in "—–-"
            )  # a list of dashed lines (links, headlines), not one credit line
            if (
                not listed
                and p.text[:1] in "—–-"
                and text[seg.close_mark : self.paras[seg.end_para].end].strip() == ""
            ):
                ptoks = self.toks(seg.end_para + 1)
                k = 0
                while k < len(ptoks) and ptoks[k][2] in DASHES:
                    k += 1
                np, _ = self._np_fwd(ptoks, k, len(ptoks))
                if np is not None:
                    a = self._make(np, ptoks[0], "dash")
                    if a.speaker or a.anonymous:
                        return a
        # a dash credit after the quote in its paragraph: '"..." — Mayor Lisa Tran, Monday'
        if seg.close_mark is not None and text[seg.close_mark : seg.close_mark + 3].strip()[:1] in (
            _CREDIT_DASHES
        ):
            a = self._dash_credit(seg)
            if a is not None:
                return a
        # the sentence before, in the same paragraph: "He emphasized that ... "...""
        if not text_before:
            a = self._sentence_speaker(seg.para, lo)
            if a is not None:
                return a
        if cue is not None:
            return Attribution(None, None, cue[2], "unknown", None, cue[0])
        # context: split quote / continuation
        prev = done[si - 1] if si > 0 and done[si - 1].speaker else None
        # the paragraph where the previous quote ends, when it has a speaker
        prev_end = segs[si - 1].end_para if prev is not None else -1
        if prev is not None and prev_end == seg.para and not text_before:
            return Attribution(prev.speaker, prev.role, prev.cue, "split", prev.person)
        if not text_before and j == 0 and seg.para > 0:
            ptoks = self.toks(seg.para - 1)
            a = self._sentence_speaker(seg.para - 1, len(ptoks))
            if a is None:
                a = self._introduced_by(seg.para - 1)
            if a is not None:
                return a
            if prev is not None and prev_end == seg.para - 1:
                if alone_in_paragraph(text, seg, self.paras[seg.end_para].end):
                    turn = turn_of(text, si, segs, done)
                    if turn is not None:
                        return turn  # the answer to a question put to someone
                return Attribution(prev.speaker, prev.role, prev.cue, "continued", prev.person)
        return Attribution(None)

    def _dash_credit(self, seg: Segment) -> Attribution | None:
        """``"..." — Mayor Lisa Tran, speaking on Monday``: a dash and a name right after
        the closing mark, the name ending the paragraph or set off by a comma, a bracket or
        a full stop, credits the quote to that name."""
        toks = self.toks(seg.end_para)
        mask = self.mask(seg.end_para)
        k = self._index_at(toks, seg.close_mark or seg.end)
        if k >= len(toks) or toks[k][2] not in DASHES:
            return None
        dash = toks[k]
        while k < len(toks) and toks[k][2] in DASHES:
            k += 1
        np, e = self._np_fwd(toks, k, len(toks))
        if np is None or np.kind != "name" or any(mask[k:e]):
            return None
        if e < len(toks) and toks[e][2] not in (",", ".", "(", ";"):
            return None  # ('"..." — Biden told the crowd': the sentence goes on)
        a = self._make(np, dash, "dash")
        return a if a.speaker else None

    def _cue_after(self, toks: list[Tok], mask: list[bool], i: int, hi: int) -> Tok | None:
        """A verb of speech in the few words after a quote that did not end its sentence
        (``"...," Patrol Chief James Hall with the department said``), if any."""
        for k in range(i, min(hi, i + 12)):
            if mask[k]:
                return None
            w = toks[k][2]
            if w in SENT_END:
                return None
            if is_verb(w) and not w.endswith("ing"):
                base = cues.REPORTING_FORMS[w.lower()]
                return toks[k] if base in cues.SAY_LIKE else None
        return None

    def _introduced_by(self, pi: int) -> Attribution | None:
        """``Trump issued the following statement:`` closing paragraph ``pi``: the quote
        paragraph after it is its subject's, whatever the verb."""
        toks = self.toks(pi)
        if not toks or toks[-1][2] != ":":
            return None
        mask = self.mask(pi)
        end = len(toks) - 1
        np = self._sentence_subject(toks, mask, self._sentence_start(pi, toks, mask, end), end)
        if np is None:
            return None
        a = self._make(np, toks[end], "subject")
        return a if a.speaker or a.anonymous else None

    def _sentence_speaker(self, pi: int, end: int) -> Attribution | None:
        """Speaker of the reporting verb in the sentence ending before token ``end``."""
        toks = self.toks(pi)
        mask = self.mask(pi)
        if end <= 0:
            return None
        k = end - 1
        # skip the sentence-final punctuation
        while k >= 0 and toks[k][2] in SENT_END:
            k -= 1
        # back to the sentence mark before, at most 80 tokens before ``end`` (a mark is
        # among the tokens that may be one)
        lo = k
        floor = max(0, end - 80)
        if lo > floor:
            marks = self._marks[pi]
            lo = floor
            for idx in range(bisect.bisect_left(marks, k) - 1, -1, -1):
                m = marks[idx]
                if m < floor:
                    break
                if toks[m][2] in SENT_END and not mask[m]:
                    lo = m + 1
                    break
        # "Cruz continued:" right before the quote is speech whatever the verb
        colon = toks[end - 1][2] == ":"
        for v in range(lo, end):
            if mask[v] or not (is_verb(toks[v][2]) or opening_verb(toks, v, lo)):
                continue
            base = cues.REPORTING_FORMS[toks[v][2].lower()]
            if base in cues.WEAK_REPORTING and not colon:
                continue
            if any(mask[v:end]):
                break  # a quote stands between: the speaker is its (split, continued)
            np = self._subject(toks, lo, v)
            if np is None and v == lo and base in cues.SAY_LIKE:
                # inverted, opening the sentence: "Stated Stone:"
                np, _ = self._np_fwd(toks, v + 1, end)
                if np is not None and np.kind != "name":
                    np = None
            if np is not None and not any(mask[lo:v]):
                a = self._make(np, toks[v], "previous")
                if a.speaker or a.anonymous:
                    return a
        return None
