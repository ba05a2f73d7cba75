"""Reported (indirect) speech: ``Trump stressed the need for ...`` as an ``indirect`` quote.

A sentence outside quotation marks whose main clause is ``SUBJECT + reporting verb``
(``Putin reiterated ...``, ``He confirmed the two intend ...``, ``NBC News reported
that ...``) or that is framed by ``according to X`` reports what X said. The statement
span runs from the subject (or ``according``) to the end of the sentence, so a search
for any of its words finds the speaker.
"""

from __future__ import annotations

import re
import string
from bisect import bisect_left
from operator import itemgetter

from bot.parsing import cues
from bot.parsing.attribution import Attributor
from bot.parsing.model import Quote
from bot.parsing.people import ROLE_PRE_WORDS
from bot.parsing.tokens import SENT_END, trie_regex

# Tokens after which a clause (or, for "a.m."/"p.m." before a capital, a sentence) starts.
_CLAUSE_START = frozenset({",", "—", "–", ";", ":", "a.m.", "p.m."})
# Every token _reported_in can act on, as one scan: most paragraphs have none of them and
# are then never tokenized or split into sentences (the bulk of this step's cost). A hit
# is only a reason to look (_reported_in reads the tokens themselves), so extra hits cost
# a look and nothing else; a missing one would lose a statement.
_CANDIDATE_FORMS = sorted(
    {
        w
        for w, base in cues.REPORTING_FORMS.items()
        if base in cues.INDIRECT_VERBS and not w.endswith("ing")
    }
    | {"according"},
    key=len,
    reverse=True,
)
assert all("a" <= w[0] <= "z" for w in _CANDIDATE_FORMS)
_CANDIDATE_WORDS = r"(?:" + trie_regex(_CANDIDATE_FORMS) + r")(?!\w)"
# A token starts after a non-word character, which is never an ASCII letter, digit or _:
# led by "none of these", the scan tries the words only there (the engine skips ahead in
# C, instead of trying them at every letter, or after every capital); a hit after a
# non-ASCII letter is one of the harmless extras.
_CANDIDATE = re.compile(r"[^0-9A-Za-z_](" + _CANDIDATE_WORDS + ")")
_CANDIDATE_AT = re.compile(_CANDIDATE_WORDS)
_ASCII_WORD_CHARS = frozenset(string.ascii_letters + string.digits + "_")
# The tokens _reported_in acts on, for paragraphs whose tokens exist already.
_CANDIDATE_TOKENS = frozenset(_CANDIDATE_FORMS)
_word = itemgetter(2)  # a token's word


def _candidates(text: str, start: int, end: int) -> list[int]:
    """Offsets of the words in ``text[start:end]`` that _reported_in may act on (and a
    few more)."""
    hits = [m.start(1) for m in _CANDIDATE.finditer(text, max(start - 1, 0), end)]
    if (start == 0 or text[start - 1] in _ASCII_WORD_CHARS) and _CANDIDATE_AT.match(
        text, start, end
    ):
        hits.insert(0, start)  # a word at ``start`` with no leading character to match
    return hits


def _role_word(w: str) -> bool:
    """A word of a role written before a name: ``Dock worker``, ``campaign manager``."""
    wl = w.lower()
    return w[:1].isupper() or wl in cues.ROLE_WORDS or wl in ROLE_PRE_WORDS or wl == "the"


def find_reported(att: Attributor, quoted: list[tuple[int, int]]) -> list[Quote]:
    """Statements in reported speech, in sentences that hold no direct quotation."""
    text = att.text
    out: list[Quote] = []
    forms = cues.REPORTING_FORMS
    indirect = cues.INDIRECT_VERBS
    # the offsets of candidate words in each paragraph; paragraphs and sentences
    # without one are skipped. Attribution has tokenized the paragraphs with quotes
    # already: there, the sentences that hold a quotation (most of their words) are
    # skipped first and the candidates of the others read off their tokens (exactly
    # the ones that matter); only the other paragraphs are scanned by the regex.
    for pi, para in enumerate(att.paras):
        toks = att.tokenized(pi)
        hits: list[int] | None = None
        if toks is None:
            hits = _candidates(text, para.start, para.end)
            if not hits:
                continue
            toks = att.toks(pi)
        elif _CANDIDATE_TOKENS.isdisjoint(map(_word, toks)):
            continue
        if not toks:
            continue
        h = 0
        mask = att.mask(pi)
        k = 0
        for ss, se in att._sentences(pi):
            if hits is not None:
                h = bisect_left(hits, ss, h)
                if h >= len(hits) or hits[h] >= se:
                    continue
            # tokens of this sentence (``(pos,)`` sorts just before a token at ``pos``)
            lo = bisect_left(toks, (ss,), k)
            hi = bisect_left(toks, (se,), lo)
            if lo >= hi or any(mask[lo:hi]):
                continue
            if hits is None and _CANDIDATE_TOKENS.isdisjoint(map(_word, toks[lo:hi])):
                continue
            q = _reported_in(att, toks, lo, hi, forms, indirect)
            if q is not None:
                q.paragraph = pi
                out.append(q)
            k = hi
    return out


def _reported_in(
    att: Attributor,
    toks: list[tuple[int, int, str]],
    lo: int,
    hi: int,
    forms: dict[str, str],
    indirect: frozenset[str],
) -> Quote | None:
    text = att.text
    end = hi
    while end > lo and toks[end - 1][2] in SENT_END:
        end -= 1
    if end - lo < 4:
        return None
    stop = toks[end - 1][1]
    for v in range(lo + 1, end - 1):
        w = toks[v][2]
        if w not in _CANDIDATE_TOKENS:
            continue  # (a set test: the rest of the loop acts on these words only)
        if w == "according" and toks[v + 1][2] == "to":
            np, after = att._np_fwd(toks, v + 2, end)
            if np is None or (np.kind == "noun" and not np.name):
                continue
            speaker, role, _ = att.resolve(np, np.start)
            if not speaker:
                continue
            start = toks[v][0]
            if after >= end and v > lo and toks[v - 1][2] == ",":
                # "<statement>, according to X.": the statement is before
                start = toks[lo][0]
                stop = toks[v - 1][0]
            return Quote(start, stop, text[start:stop], speaker, role, "according to", "indirect")
        base = forms.get(w)
        if base is None or base not in indirect or w.endswith("ing"):
            continue
        np = att._subject(toks, lo, v)
        if np is None or (np.kind == "noun" and not np.name):
            continue
        s_idx = att._index_at(toks, np.start)
        # the subject opens the sentence or its main clause, maybe after its role
        # ("Dock worker Rafael Soto said ...")
        if s_idx > lo and toks[s_idx - 1][2] not in _CLAUSE_START:
            if np.kind != "name":
                continue
            r = s_idx - 1
            while r >= lo and s_idx - r <= 6 and _role_word(toks[r][2]):
                r -= 1
            if r >= lo and toks[r][2] not in _CLAUSE_START:
                continue
        speaker, role, _ = att.resolve(np, np.start)
        if not speaker:
            continue
        start = np.start
        return Quote(start, stop, text[start:stop], speaker, role, w, "indirect")
    return None
