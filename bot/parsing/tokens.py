"""A small word tokenizer with character offsets, tuned for news prose.

Abbreviations that end in a period (``Sen.``, ``U.S.``, middle initials) stay one token so
that the period is not read as a sentence end.
"""

from __future__ import annotations

import re
from typing import Any


def trie_regex(words: list[str]) -> str:
    """A regex alternation factored as a prefix trie: fast to scan, longest match first."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        optional = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if optional:
            if len(branches) == 1 and len(body) > 1:
                body = "(?:" + body + ")"
            return body + "?"
        return body

    return build(trie)


_ABBR = (
    r"(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Lt|Gen|Col|Sgt|Capt|Prof|Rev|Adm|Maj|Atty|Jr|Sr|St|Ft|No"
    r"|Inc|Corp|Co|Ltd|Mt|Pres|Sec|Hon|Cmdr|Supt|Det|Insp|Gen|Brig|Pvt|Cpl|Jan|Feb|Mar|Apr"
    r"|Aug|Sept|Sep|Oct|Nov|Dec|vs|etc|approx|Ave|Blvd|Dept|Univ|Assn|Bros)\."
)
TOKEN = re.compile(
    rf"{_ABBR}|(?:[A-Za-z]\.){{2,}}|[A-Z]\.(?=[ \u00a0][A-Z])|\w+(?:[’'\-]\w+)*(?:[’']s?)?"
    r"|''|[^\w\s]"
)
# The same tokens, faster: the dotted forms are tried only where a short run of letters
# ends in a period, and the abbreviations are a trie instead of 55 alternatives.
_FAST_TOKEN = (
    r"(?=[A-Za-z]{1,6}\.)(?:(?:"
    + trie_regex(sorted(set(_ABBR[3:-3].split("|")), key=len, reverse=True))
    + r")\.|(?:[A-Za-z]\.){2,}|[A-Z]\.(?=[ \u00a0][A-Z]))"
    r"|\w+(?:[’'\-]\w+)*(?:[’']s?)?|''|[^\w\s]"
)
SENT_END = frozenset({".", "!", "?"})
# The two commonest tokens first, as exact shortcuts of _FAST_TOKEN: a run of word
# characters that neither ends in a period nor goes on with ' ’ or - (where _FAST_TOKEN
# gives that same run; the possessive ++ gives up without backtracking otherwise), and a
# punctuation mark other than ' (only '' is a two-character mark).
_COMMON_TOKEN = r"\w++(?![.’'\-])|[^\w\s']"
# Every non-space character starts a token, so (spaces, token) pairs tile the text and
# offsets can be summed up from lengths, cheaper than building match objects.
_PAIRS = re.compile(rf"(\s*)({_COMMON_TOKEN}|{_FAST_TOKEN})")


# The tokens of a piece of text between two spaces depend on the piece alone, except for
# an initial ("George W. Bush", read with the two characters after it): pieces recur
# across articles ("said,", "Trump’s"), so their tokens are remembered, as offsets into
# the piece. Bounded: cleared when full.
_PIECE_TOKENS: dict[str, tuple[tuple[int, int, str], ...]] = {}
_PIECE_TOKENS_MAX = 50_000


_ABBREVIATIONS = frozenset(_ABBR[3:-3].split("|"))
# Marks that end a word as a token of their own (_COMMON_TOKEN's [^\w\s']); ' ’ - go on
# a word, and a "." may end an abbreviation or an initial (see _word_before_period).
_WORD_ENDS = frozenset(',.;:!?"”)]')


def _word_before_period(word: str) -> bool:
    """Whether ``word.`` is read as ``word`` and ``.``: unless the word is one ASCII
    letter (an initial, "U.S.") or an abbreviation ("Mr.", "Jan.")."""
    return not (word.isascii() and word.isalpha()) or (len(word) > 1 and word not in _ABBREVIATIONS)


def _piece_tokens(text: str, start: int, stop: int, end: int) -> tuple[tuple[int, int, str], ...]:
    """Tokens of ``text[start:stop]`` (offsets from ``start``), scanned as tokenize would
    scan them: no token holds a space, and a look-ahead sees at most two characters on."""
    out = []
    s = start
    for ws, tok in _PAIRS.findall(text, start, min(end, stop + 2)):
        s += len(ws)
        if s >= stop:
            break
        e = s + len(tok)
        out.append((s - start, e - start, tok))
        s = e
    return tuple(out)


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """(start, end, token) triples for ``text[start:end]``, offsets into ``text``."""
    return tokenize_marked(text, start, end)[0]


def tokenize_marked(
    text: str, start: int = 0, end: int | None = None
) -> tuple[list[tuple[int, int, str]], list[int]]:
    """The tokens of ``text[start:end]`` (see tokenize), and the indices of those that
    come from a piece that is not one plain word: the only ones that can be a mark, so a
    search for marks (sentence ends) looks at them instead of at every token.

    The text is split at spaces, which no token holds. Most pieces are one plain word
    (``isalnum``: word characters but ``_``), a token of its own as _PAIRS reads it
    (``\\w++`` followed by a space or the end), or a word and one closing mark; the
    others go through _PAIRS, once per distinct piece. That beats one findall over the
    whole text: a regex match and two substrings per token cost more than a split and an
    ``isalnum``.
    """
    if end is None:
        end = len(text)
    out: list[tuple[int, int, str]] = []
    marks: list[int] = []
    append = out.append
    mark = marks.append
    word_ends = _WORD_ENDS
    pos = start
    cache = _PIECE_TOKENS
    for piece in text[start:end].split(" "):
        if piece.isalnum():
            stop = pos + len(piece)
            append((pos, stop, piece))
            pos = stop + 1
            continue
        last = piece[-1:]
        if (
            last in word_ends
            and (word := piece[:-1]).isalnum()
            and (last != "." or _word_before_period(word))
        ):
            # "said,", "Trump.": the commonest other piece, a word and its mark
            stop = pos + len(word)
            append((pos, stop, word))
            mark(len(out))
            append((stop, stop + 1, last))
            pos = stop + 2
        elif piece:
            toks = cache.get(piece)
            if toks is None:
                toks = _piece_tokens(text, pos, pos + len(piece), end)
                # "W." before " Bush" is one token, before " said" two: not remembered
                if not (last == "." and "A" <= piece[-2:-1] <= "Z"):
                    if len(cache) >= _PIECE_TOKENS_MAX:
                        cache.clear()
                    cache[piece] = toks
            marks += range(len(out), len(out) + len(toks))
            for a, b, tok in toks:
                append((pos + a, pos + b, tok))
            pos += len(piece) + 1
        else:
            pos += 1
    return out, marks


def has_word(text: str, word: str) -> bool:
    """``word`` stands alone somewhere in ``text`` (a substring search, no regex build)."""
    i = text.find(word)
    n = len(word)
    while i >= 0:
        j = i + n
        if (i == 0 or not text[i - 1].isalnum()) and (j >= len(text) or not text[j].isalnum()):
            return True
        i = text.find(word, i + 1)
    return False
