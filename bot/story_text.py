"""What a story shows of its articles: the best title, one clean sentence, the quote to quote.

Sentence splitting knows abbreviations (``Calif.``, ``Sen.``, ``U.S.``), datelines
(``NAPA COUNTY, Calif. —``), initials (``George H.W. Bush``) and numbers (``3.5``), so a summary
is never cut inside one; a sentence asking the reader to do something (share, sign up,
subscribe, click) is never a summary.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from bot.grouping import word_key
from bot.render import clip

if TYPE_CHECKING:
    from bot.store.rows import DirectQuote

#: Words ending in a full stop that do not end a sentence (case-insensitive, without the dot).
_ABBREVIATION_TEXT = """
mr mrs ms dr prof sen rep gov lt col gen maj capt sgt cpl pvt adm cmdr supt det insp
st jr sr rev fr hon pres atty amb sec dept univ corp inc ltd co bros assn est approx
vs etc al no nos vol fig op ed eds jan feb mar apr jun jul aug sep sept oct nov dec
mon tue tues wed thu thur thurs fri sat sun ft mt
ala ariz ark calif colo conn del fla ga ill ind kan kans ky la md mass mich minn miss mo
mont neb nev okla ore pa tenn tex va vt wash wis wyo
"""
ABBREVIATIONS = frozenset(_ABBREVIATION_TEXT.split())

_CANDIDATE_END = re.compile(r"[.!?]+[\"”’)\]]*(?=\s+|$)")
_DATELINE = re.compile(
    r"^\s*(?:[A-Z][A-Z.'’-]*(?:\s+[A-Z][A-Z.'’-]*)*)"  # NAPA COUNTY, WASHINGTON
    r"(?:,\s*[A-Z][A-Za-z.]*(?:\s+[A-Z][A-Za-z.]*)?)?"  # , Calif.
    r"(?:\s*\((?:AP|AFP|Reuters|UPI)\))?"
    r"\s*[—–-]+\s*"
)
_CALL_TO_ACTION = re.compile(
    r"\b(?:please\s+(?:share|send|tell|let|email|contact|submit|tag)|share\s+your|"
    r"send\s+(?:us\s+)?your|sign\s+up|subscribe|click\s+here|tap\s+here|follow\s+us|"
    r"download\s+(?:our|the)\s+app|join\s+(?:us|our)|like\s+us\s+on|"
    r"let\s+us\s+know|tell\s+us|email\s+us|get\s+(?:our|the)\s+newsletter|"
    r"newsletter|are\s+you\s+in\s+the|have\s+you\s+been\s+affected|read\s+more|"
    r"watch\s+(?:the\s+)?video|all\s+times\s+eastern|follow\s+(?:\S+\s+){1,3}on\s+(?:twitter|facebook|instagram))\b",
    re.IGNORECASE,
)


def _ends_sentence(text: str, end: int) -> bool:
    """Whether the punctuation ending at ``end`` closes a sentence: not after an
    abbreviation (``Calif.``, ``Sen.``) or an initial (``H.W.``, ``U.S.``), and only before
    what can open a sentence (a capital, a digit, a quote mark)."""
    following = text[end:].lstrip()
    opens = following[:1].isupper() or following[:1].isdigit() or following[:1] in '"“‘('
    if following and not opens:
        return False
    stripped = text[:end].rstrip('"”’)]')
    if not stripped.endswith("."):
        return True  # ! or ?
    word = re.search(r"(\S+)\.$", stripped)
    if word is None:
        return True
    bare = word.group(1).strip("(\"“‘'")
    if bare.casefold() in ABBREVIATIONS:
        return False
    return not re.fullmatch(r"(?:[A-Za-z]\.)*[A-Za-z]", bare)


def split_sentences(text: str) -> list[str]:
    """The sentences of a paragraph, whitespace tidied."""
    text = " ".join(text.split())
    sentences: list[str] = []
    start = 0
    for match in _CANDIDATE_END.finditer(text):
        end = match.end()
        if end < len(text) and not _ends_sentence(text, end):
            continue
        sentence = text[start:end].strip()
        if sentence:
            sentences.append(sentence)
        start = end
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return sentences


def strip_dateline(sentence: str) -> str:
    """``NAPA COUNTY, Calif. — A quake struck`` -> ``A quake struck``."""
    match = _DATELINE.match(sentence)
    if match and match.end() < len(sentence) and any(c.islower() for c in sentence[match.end() :]):
        return sentence[match.end() :]
    return sentence


def is_call_to_action(sentence: str) -> bool:
    """A line for the reader to act on (share your videos, sign up), not news."""
    return bool(_CALL_TO_ACTION.search(sentence)) or sentence.rstrip().endswith("?")


def summary_sentence(texts: Iterable[str], limit: int = 240) -> str:
    """The first sentence of ``texts`` (summaries or leads, best first) that reads as news:
    long enough, not a question or a call to action, its dateline taken off."""
    for text in texts:
        for sentence in split_sentences(text or ""):
            sentence = strip_dateline(sentence)
            if len(sentence) < 40 or is_call_to_action(sentence):
                continue
            if sentence.isupper():
                continue
            return clip(sentence, limit)
    return ""


def best_title(titles: Sequence[str]) -> str:
    """The title that shares most words with the story's other titles (the most typical
    telling), of a readable length; the first one on a tie."""
    if not titles:
        return ""
    if len(titles) == 1:
        return titles[0]
    words = [{w for w in map(word_key, re.findall(r"[\w'’-]+", t)) if w} for t in titles]
    counts: Counter[str] = Counter(w for ws in words for w in ws)

    def score(index: int) -> tuple[float, int]:
        title = titles[index]
        shared = sum(counts[w] - 1 for w in words[index])
        fit = 1.0 if 30 <= len(title) <= 110 else 0.5
        shouting = 0.5 if sum(c.isupper() for c in title) > len(title) / 2 else 1.0
        return shared * fit * shouting + fit, -index

    return titles[max(range(len(titles)), key=score)]


def notable_direct_quote(quotes: Iterable[DirectQuote]) -> DirectQuote | None:
    """The direct quote (in quote marks in the article) with a named speaker worth showing:
    a readable length, a whole sentence or more. Reported speech never qualifies."""

    def weight(quote: DirectQuote) -> tuple[float, int]:
        length = len(quote.get("text") or "")
        fit = 1.0 if 50 <= length <= 240 else 0.6 if length > 240 else length / 50
        person = 0.5 if quote.get("person_id") else 0.0
        return fit + person, -(quote.get("id") or 0)

    usable = [
        q
        for q in quotes
        if q.get("kind") == "direct"
        and q.get("speaker")
        and len((q.get("text") or "").split()) >= 5
    ]
    return max(usable, key=weight) if usable else None
