"""Marks that set off a name, not speech: titles of works, nicknames, signs and slogans.

``his 2017 article "The Case for Colonialism,"``, ``the Swahili nickname "mkono wa damu,"
or "the man with the bloody hand,"`` and ``signs reading "No war"`` quote no one: the words
just before the opening mark name the thing the marks hold. Such a segment gets no speaker
and is nobody's quote. Also here: the quote's own text loses the commas and stray marks
around it, and a lone discourse word (``"So,"``) is no quote.
"""

from __future__ import annotations

import re

from bot.parsing import cues
from bot.parsing.quotes import Segment

# The words before an opening mark, nearest last, back to a sentence or clause mark: what
# ``([\w’'-]+)[ \u00a0]*$`` finds searched in the ``_BACK`` characters before it, matched
# on the reversed window (see _word_before).
_WORD_BEFORE_REVERSED = re.compile(r"[ \u00a0]*([\w’'-]+)")
_WORD_BEFORE_LAST = frozenset(" \u00a0_’'-")  # with the alphanumerics: what a match ends on
_BACK = 60
_LINKS = frozenset({"reading", "read", "that", "which", "saying", "said", "bearing", "words"})
_EDGE_MARKS = '"“”„«»'


def _word_before(text: str, pos: int) -> tuple[int, str] | None:
    r"""The word before ``pos``, spaces between, and its offset: the match of
    ``([\w’'-]+)[ \u00a0]*$`` in the ``_BACK`` characters before ``pos``, found without
    trying every start in the window (a match on the reversed window, as
    ``people._word_back`` does)."""
    lo = max(0, pos - _BACK)
    end = pos
    if end > lo and text[end - 1] == "\n":
        end -= 1  # "$" also matches before a final newline
    if end <= lo or not (text[end - 1] in _WORD_BEFORE_LAST or text[end - 1].isalnum()):
        return None  # neither a space nor a word character right before: no match
    m = _WORD_BEFORE_REVERSED.match(text[lo:end][::-1])
    if m is None:
        return None
    start = end - m.end()
    return start, text[start : end - m.start(1)]


def names_a_thing(text: str, seg: Segment) -> bool:
    """Do the words right before the segment's opening mark name what it holds?

    A naming verb right before it (``titled``, ``dubbed``), or a noun for a work, a
    nickname or a sign, directly or through ``reading`` / ``that said`` (``a sign that
    read "..."``)."""
    pos = seg.open_mark
    words: list[str] = []
    for _ in range(4):
        found = _word_before(text, pos)
        if found is None or not found[1].islower():
            break  # (a capitalised word is a name: "Dr. Paul Song "was ..."")
        pos, word = found
        words.append(word)
    if not words:
        return False
    if words[0] in cues.NAMING_VERBS or words[0] in cues.TERM_MARKERS:
        return True
    for word in words:
        if word in cues.WORK_NOUNS:
            return True
        if word not in _LINKS:
            return False
    return False


# After a short segment: ", the Korean language social satire" (an appositive naming a
# work) or the credit it is a modifier of ("Fleabag" creator Phoebe Waller-Bridge).
_WORK_AFTER = re.compile(
    r",?[ \u00a0]+(?:the|a|an)[ \u00a0]+(?:[\w’'-]+[ \u00a0]+){0,5}?([a-z]+)\b"
)
_NEXT_WORD = re.compile(r"[ \u00a0]+([a-z]+)\b")


def titled_after(text: str, seg: Segment) -> bool:
    """``"Parasite," the Korean social satire about ...``, ``"Parasite" director Bong Joon
    Ho``: a few words in marks that the words after them call a work, or a few capitalised
    words naming the work of the person after them."""
    words = text[seg.start : seg.end].split()
    if seg.close_mark is None or len(words) > 6:
        return False
    m = _WORK_AFTER.match(text, seg.close_mark, seg.close_mark + 80)
    if m is not None and m.group(1) in cues.WORK_NOUNS:
        return True
    m = _NEXT_WORD.match(text, seg.close_mark, seg.close_mark + 30)
    return (
        m is not None
        and m.group(1) in cues.WORK_CREDITS
        and all(w[:1].isupper() or not w[:1].isalpha() for w in words)
    )


_SENTENCE_BACK = re.compile(r"[^.!?\n]{0,120}$")


def scare_term(text: str, seg: Segment) -> bool:
    """``Alito presided as the "chief justice"``: one or two words in marks that a
    determiner before them makes a noun of the reporter's own sentence, the sentence going
    on after them, and no verb of calling (``calling him a "nice guy"``) before them. Asked
    only of quotes whose speaker no verb of speech gives: a term, not someone's words."""
    words = text[seg.start : seg.end].split()
    if not words or len(words) > 2 or words[-1][-1:] in ".!?":
        return False
    found = _word_before(text, seg.open_mark)
    if found is None or found[1] not in cues.TERM_DETERMINERS:
        return False
    start = found[0]
    sentence = _SENTENCE_BACK.search(text, max(0, start - 120), start)
    before = sentence.group().lower().split() if sentence is not None else []
    return not any(w in cues.CALLING_VERBS or w in cues.REPORTING_FORMS for w in before)


def gloss_of(text: str, seg: Segment, before: Segment | None) -> bool:
    """``"mkono wa damu," or "the man with the bloody hand,"``: a second name joined by
    "or" right after the segment ``before``, which named a thing."""
    if before is None or before.close_mark is None or before.para != seg.para:
        return False
    between = text[before.close_mark : seg.open_mark].strip(" ,\u00a0")
    return between in ("or", "also", "meaning", "which means")


def discourse_word(quote: str) -> bool:
    """A lone ``"So,"`` or ``"Well,"``: a word that opens speech, not speech itself."""
    word = quote.strip(" ,.;:…—–-").lower()
    return " " not in word and word in cues.DISCOURSE_WORDS


def trimmed_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without the commas, colons and stray quote marks at its ends (``"I keep
    hearing that,"`` -> ``I keep hearing that``), whitespace included."""
    while start < end and (text[start] in _EDGE_MARKS or text[start].isspace()):
        start += 1
    while end > start and (text[end - 1] in ",;:" + _EDGE_MARKS or text[end - 1].isspace()):
        end -= 1
    return start, end
